//! Units of text over plain strings and ropes: words, sentences and grapheme boundaries.

use ropey::RopeSlice;
use unicode_segmentation::{GraphemeCursor, GraphemeIncomplete, UnicodeSegmentation};

/// The words of a line as char ranges: Unicode word-boundary segments holding a letter or digit
/// ("Doña", "don't" and "我们" are words; spaces and punctuation are not).
pub fn word_spans(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for seg in line.split_word_bounds() {
        let n = seg.chars().count();
        if seg.chars().any(char::is_alphanumeric) {
            out.push((pos, pos + n));
        }
        pos += n;
    }
    out
}

/// Sentences of a paragraph as char ranges. A sentence ends after `.`, `!`, `?` or `…` (plus
/// closing quotes or brackets) followed by whitespace or the end, or right after `。！？`; it
/// starts at the next non-whitespace char. The last sentence may lack a terminator.
pub fn sentence_ranges(text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let n = chars.len();
    while i < n {
        while i < n && chars[i].is_whitespace() {
            i += 1;
        }
        if i >= n {
            break;
        }
        let start = i;
        let mut end = n;
        while i < n {
            let c = chars[i];
            i += 1;
            if matches!(c, '。' | '！' | '？') {
                while i < n && is_closer(chars[i]) {
                    i += 1;
                }
                end = i;
                break;
            }
            if matches!(c, '.' | '!' | '?' | '…') {
                while i < n && (matches!(chars[i], '.' | '!' | '?') || is_closer(chars[i])) {
                    i += 1;
                }
                if i >= n || chars[i].is_whitespace() {
                    end = i;
                    break;
                }
            }
        }
        // Trailing whitespace of an unterminated last sentence is not part of it.
        let mut e = end.min(n);
        while e > start && chars[e - 1].is_whitespace() {
            e -= 1;
        }
        out.push((start, e));
        i = end;
    }
    out
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '»' | '」' | '』')
}

// Grapheme boundaries over a rope, chunk by chunk (the approach from ropey's examples).

pub(super) fn prev_grapheme_boundary(slice: RopeSlice, char_idx: usize) -> usize {
    let byte_idx = slice.char_to_byte(char_idx);
    let (mut chunk, mut chunk_byte_idx, mut chunk_char_idx, _) = slice.chunk_at_byte(byte_idx);
    let mut gc = GraphemeCursor::new(byte_idx, slice.len_bytes(), true);
    loop {
        match gc.prev_boundary(chunk, chunk_byte_idx) {
            Ok(None) => return 0,
            Ok(Some(n)) => {
                let tmp = chunk[..n - chunk_byte_idx].chars().count();
                return chunk_char_idx + tmp;
            }
            Err(GraphemeIncomplete::PrevChunk) => {
                let (a, b, c, _) = slice.chunk_at_byte(chunk_byte_idx - 1);
                chunk = a;
                chunk_byte_idx = b;
                chunk_char_idx = c;
            }
            Err(GraphemeIncomplete::PreContext(n)) => {
                let ctx_chunk = slice.chunk_at_byte(n - 1).0;
                gc.provide_context(ctx_chunk, n - ctx_chunk.len());
            }
            Err(_) => return char_idx.saturating_sub(1),
        }
    }
}

pub(super) fn next_grapheme_boundary(slice: RopeSlice, char_idx: usize) -> usize {
    let byte_idx = slice.char_to_byte(char_idx);
    let (mut chunk, mut chunk_byte_idx, mut chunk_char_idx, _) = slice.chunk_at_byte(byte_idx);
    let mut gc = GraphemeCursor::new(byte_idx, slice.len_bytes(), true);
    loop {
        match gc.next_boundary(chunk, chunk_byte_idx) {
            Ok(None) => return slice.len_chars(),
            Ok(Some(n)) => {
                let tmp = chunk[..n - chunk_byte_idx].chars().count();
                return chunk_char_idx + tmp;
            }
            Err(GraphemeIncomplete::NextChunk) => {
                chunk_byte_idx += chunk.len();
                let (a, _, c, _) = slice.chunk_at_byte(chunk_byte_idx);
                chunk = a;
                chunk_char_idx = c;
            }
            Err(GraphemeIncomplete::PreContext(n)) => {
                let ctx_chunk = slice.chunk_at_byte(n - 1).0;
                gc.provide_context(ctx_chunk, n - ctx_chunk.len());
            }
            Err(_) => return (char_idx + 1).min(slice.len_chars()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_unicode_aware() {
        assert_eq!(
            word_spans("Doña Ana, 我们!"),
            vec![(0, 4), (5, 8), (10, 11), (11, 12)]
        );
        let decomposed = "Don\u{303}a Ana";
        assert_eq!(word_spans(decomposed), vec![(0, 5), (6, 9)]);
    }

    #[test]
    fn sentences() {
        let t = "Trust grew. Did it? \"Yes.\" Roles (the CPS ones) shifted… next";
        let r = sentence_ranges(t);
        let got: Vec<&str> = r
            .iter()
            .map(|&(s, e)| crate::core::text::char_slice(t, s, e))
            .collect();
        assert_eq!(
            got,
            vec![
                "Trust grew.",
                "Did it?",
                "\"Yes.\"",
                "Roles (the CPS ones) shifted…",
                "next"
            ]
        );
        assert_eq!(sentence_ranges("我们好。你好"), vec![(0, 4), (4, 6)]);
        assert!(sentence_ranges("   ").is_empty());
    }
}
