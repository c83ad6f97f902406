//! Folding text to find typed words in a note whatever their typography.
//!
//! A quote typed at a keyboard (`--quote "don't"`) rarely has the note's typography: a word
//! processor wrote `don’t`, “curly” quotes, an en dash, two spaces or a line break. Search
//! already ignores such differences (the index lowercases and folds accents and reads words,
//! not punctuation); matching a quote folds the same way, keeping punctuation but as classes:
//!
//! - case is folded (`Trust` = `trust`), and accents (`Doña` = `Dona`, NFKD without combining
//!   marks, so compatibility forms too: `ﬁ` = `fi`, full-width `Ａ` = `A`), with the letters
//!   ASCII folding spells out (`ß` = `ss`, `æ` = `ae`, `ø` = `o`, `œ` = `oe`, ...), as the index's
//!   `AsciiFoldingFilter` does;
//! - every apostrophe or single quote (`' ‘ ’ ‚ ‛ ′ ‹ › ` ´ ʼ`) is `'`, every double quote
//!   (`" “ ” „ ‟ ″ « »`) is `"`, every hyphen, dash or minus (`- ‐ ‑ ‒ – — ― −`) is `-`;
//! - a run of whitespace (spaces, tabs, line breaks, no-break spaces) is one space;
//! - invisible formatting (soft hyphen, zero-width space, word joiner, BOM) is ignored.
//!
//! [`FoldedText`] keeps, for each folded character, the code points of the original it came
//! from, so a match maps back to exact code-point offsets of the note.
//!
//! The same folding of each character serves everything else Ripple compares "as typed":
//! [`fold`] folds a string character by character, keeping its whitespace, for names and
//! values (query field names, session types and themes in a query, the form's completions,
//! the session list's filter, the terms an export redacts). [`fold_quote`] and
//! [`FoldedText`] add what finding a quote in a note needs on top: whitespace runs as one
//! space, and the way back to the note's offsets.
//!
//! The search index folds its words with tantivy's `AsciiFoldingFilter` (see
//! `core::index::analysis`); the letters spelled out here follow it. Coder folder names
//! (`core::coding::coder_slug`) do not use this folding: they name folders on disk and must
//! never change.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The class a punctuation mark folds to, if it is an apostrophe, quote or dash.
fn punctuation_class(c: char) -> Option<char> {
    Some(match c {
        '\'' | '‘' | '’' | '‚' | '‛' | '′' | '‵' | '‹' | '›' | '`' | '´' | 'ʹ' | 'ʻ' | 'ʼ'
        | 'ʽ' | 'ˈ' | '＇' => '\'',
        '"' | '“' | '”' | '„' | '‟' | '″' | '‶' | '«' | '»' | '〝' | '〞' | '＂' => {
            '"'
        }
        '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '⁃' | '﹘' | '﹣' | '－' => {
            '-'
        }
        _ => return None,
    })
}

/// Invisible characters that do not change what the text says.
fn is_ignorable(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// Letters that ASCII folding spells with other letters (and the final sigma, so a capital
/// Σ typed in a quote finds ς).
fn spelled_out(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ø' => "o",
        'đ' => "d",
        'ð' => "d",
        'ł' => "l",
        'þ' => "th",
        'ı' => "i",
        'ς' => "σ",
        _ => return None,
    })
}

/// Push the folded form of one non-whitespace character (possibly nothing, possibly several).
fn fold_char_into(c: char, out: &mut Vec<char>) {
    if let Some(p) = punctuation_class(c) {
        out.push(p);
        return;
    }
    if is_ignorable(c) {
        return;
    }
    for d in std::iter::once(c).nfkd() {
        if is_combining_mark(d) || is_ignorable(d) {
            continue;
        }
        if let Some(p) = punctuation_class(d) {
            out.push(p);
            continue;
        }
        for l in d.to_lowercase() {
            if is_combining_mark(l) {
                continue;
            }
            match spelled_out(l) {
                Some(s) => out.extend(s.chars()),
                None => out.push(l),
            }
        }
    }
}

/// Fold a string character by character: case, accents, compatibility forms, spelled-out
/// letters, apostrophes, quotes and dashes, invisible formatting dropped ("Doña" → "dona",
/// "one–on–one" → "one-on-one"). Whitespace is kept as it is, so a string of one character
/// folds on its own (an export's redaction compares a note character by character).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut buf = Vec::new();
    for c in s.chars() {
        if c.is_whitespace() {
            out.push(c);
            continue;
        }
        buf.clear();
        fold_char_into(c, &mut buf);
        out.extend(buf.iter());
    }
    out
}

/// Fold a quote to look for in a note: the same folding as [`FoldedText`] (whitespace runs
/// as one space), with leading and trailing whitespace dropped.
pub fn fold_quote(s: &str) -> Vec<char> {
    FoldedText::new(s.trim()).chars
}

/// A text folded for matching, with the way back to the original's code points.
#[derive(Clone, Debug)]
pub struct FoldedText {
    /// The folded characters.
    pub chars: Vec<char>,
    /// For each folded character, the original code points `[start, end)` it stands for. The
    /// characters one original character folds to share its span; a span also covers the
    /// ignorable characters (combining marks, soft hyphens) right after it, so a match never
    /// ends between a letter and its accent.
    spans: Vec<(usize, usize)>,
}

impl FoldedText {
    pub fn new(text: &str) -> FoldedText {
        let mut chars: Vec<char> = Vec::with_capacity(text.len());
        let mut spans: Vec<(usize, usize)> = Vec::with_capacity(text.len());
        let mut buf = Vec::new();
        for (i, c) in text.chars().enumerate() {
            if c.is_whitespace() {
                // A run of whitespace (with anything ignorable inside it) is one space.
                if chars.last() == Some(&' ') && spans.last().is_some_and(|s| s.1 == i) {
                    spans.last_mut().expect("checked").1 = i + 1;
                } else {
                    chars.push(' ');
                    spans.push((i, i + 1));
                }
                continue;
            }
            buf.clear();
            fold_char_into(c, &mut buf);
            if buf.is_empty() {
                // Ignorable: it belongs to what precedes it.
                if let Some(&(s, e)) = spans.last() {
                    for span in spans.iter_mut().rev().take_while(|x| **x == (s, e)) {
                        span.1 = i + 1;
                    }
                }
                continue;
            }
            for &f in &buf {
                chars.push(f);
                spans.push((i, i + 1));
            }
        }
        FoldedText { chars, spans }
    }

    /// Whether a match may begin at folded index `i` (not inside one character's folding).
    fn starts_char(&self, i: usize) -> bool {
        i == 0 || self.spans[i - 1] != self.spans[i]
    }

    /// Whether a match may end right before folded index `j`.
    fn ends_char(&self, j: usize) -> bool {
        j == self.chars.len() || self.spans[j - 1] != self.spans[j]
    }

    /// The original code-point range of the folded range `[i, j)` (non-empty).
    pub fn original(&self, i: usize, j: usize) -> (usize, usize) {
        (self.spans[i].0, self.spans[j - 1].1)
    }

    /// Every (possibly overlapping) occurrence of the folded `needle`, as folded index ranges
    /// that begin and end on whole original characters.
    pub fn find_all(&self, needle: &[char]) -> Vec<(usize, usize)> {
        if needle.is_empty() || needle.len() > self.chars.len() {
            return Vec::new();
        }
        self.chars
            .windows(needle.len())
            .enumerate()
            .filter(|(_, w)| *w == needle)
            .map(|(i, _)| (i, i + needle.len()))
            .filter(|&(i, j)| self.starts_char(i) && self.ends_char(j))
            .collect()
    }

    /// [`find_all`](Self::find_all), keeping only matches that do not begin or end inside a
    /// word: a quote of whole words is not found inside longer words ("trust" is not in
    /// "distrust"). Scripts written without spaces (CJK, Thai, ...) have no such edge.
    pub fn find_words(&self, needle: &[char]) -> Vec<(usize, usize)> {
        let joins = |a: char, b: char| spaced_word_char(a) && spaced_word_char(b);
        self.find_all(needle)
            .into_iter()
            .filter(|&(i, j)| {
                let open = i == 0 || !joins(self.chars[i - 1], self.chars[i]);
                let close = j == self.chars.len() || !joins(self.chars[j - 1], self.chars[j]);
                open && close
            })
            .collect()
    }
}

/// A letter or digit of a script that separates words with spaces.
pub fn spaced_word_char(c: char) -> bool {
    c.is_alphanumeric()
        && !crate::core::text::is_cjk(c)
        && !matches!(c as u32,
            0x0E00..=0x0EFF     // Thai, Lao
            | 0x1000..=0x109F   // Myanmar
            | 0x1780..=0x17FF) // Khmer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(chars: &[char]) -> String {
        chars.iter().collect()
    }

    #[test]
    fn folds_case_accents_quotes_dashes_and_spacing() {
        assert_eq!(s(&fold_quote("Doña  Ana")), "dona ana");
        assert_eq!(s(&fold_quote("don’t “stop” — now")), "don't \"stop\" - now");
        assert_eq!(s(&fold_quote("Straße ﬁne Ｆｕｌｌ")), "strasse fine full");
        assert_eq!(s(&fold_quote("«Sí»\t\n ‹no›")), "\"si\" 'no'");
        assert_eq!(s(&fold_quote("co\u{00AD}operate")), "cooperate");
        assert_eq!(s(&fold_quote("  edges  ")), "edges");
        assert_eq!(s(&fold_quote("ΣΟΦΟΣ σοφος")), "σοφοσ σοφοσ");
        assert_eq!(s(&fold_quote("我们 🙂")), "我们 🙂");
    }

    /// One folding for names and quotes: a string folds as a quote does, keeping its spacing.
    #[test]
    fn a_string_folds_like_a_quote_keeping_its_whitespace() {
        assert_eq!(fold("Doña ANA"), "dona ana");
        assert_eq!(fold("Niñez"), "ninez");
        assert_eq!(fold("one–on–one"), "one-on-one");
        assert_eq!(fold("O’Brien «Straße»"), "o'brien \"strasse\"");
        assert_eq!(fold(" a\t\u{00AD}b "), " a\tb ");
        for text in ["Doña  Ana", "don’t “stop” — now", "ΣΟΦΟΣ 我们 🙂"] {
            let spaced: String = fold(text).split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(spaced, s(&fold_quote(text)), "{text}");
        }
    }

    #[test]
    fn matches_map_back_to_original_code_points() {
        // Decomposed é (e + combining acute), an emoji, a curly apostrophe, a line break.
        let text = "🙂 Cafe\u{301} don’t\r\n  stop";
        let f = FoldedText::new(text);
        let hits = f.find_words(&fold_quote("café don't stop"));
        assert_eq!(hits.len(), 1);
        let (s, e) = f.original(hits[0].0, hits[0].1);
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(
            chars[s..e].iter().collect::<String>(),
            "Cafe\u{301} don’t\r\n  stop"
        );
        // A match ends after the accent of its last letter, never between them.
        let hits = f.find_all(&fold_quote("cafe"));
        let (s, e) = f.original(hits[0].0, hits[0].1);
        assert_eq!((s, e), (2, 7));
    }

    #[test]
    fn a_match_never_splits_one_character_s_folding() {
        let f = FoldedText::new("Straße");
        assert!(f.find_all(&fold_quote("stras")).is_empty(), "half of ß");
        assert_eq!(f.find_all(&fold_quote("strasse")).len(), 1);
    }

    #[test]
    fn whole_words_only_where_words_are_spaced() {
        let f = FoldedText::new("distrust and trust; 我们的信任");
        assert_eq!(f.find_all(&fold_quote("trust")).len(), 2);
        assert_eq!(f.find_words(&fold_quote("trust")).len(), 1);
        assert_eq!(
            f.find_words(&fold_quote("我们")).len(),
            1,
            "CJK has no spaces"
        );
        assert_eq!(f.find_words(&fold_quote("trust;")).len(), 1);
    }
}
