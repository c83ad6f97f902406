//! Words of a note: counting them (the status line's word count) and finding the ones a spell
//! checker looks at.
//!
//! A word is a Unicode word-boundary segment (UAX #29) holding a letter or digit: "Doña",
//! "don't", "3.5" and "e-mail"'s two halves are words; spaces, punctuation and emoji are not.
//! Scripts written without spaces have no word boundaries to find, so each CJK ideograph counts
//! as a word (as UAX #29 segments them; a Japanese kana run is one word).

use ropey::Rope;
use unicode_segmentation::UnicodeSegmentation;

/// Words in `text`.
pub fn count_words(text: &str) -> usize {
    text.unicode_words().count()
}

/// Words in a rope, line by line (no word spans a line break), without copying it whole.
pub fn count_words_rope(rope: &Rope) -> usize {
    rope.lines()
        .map(|l| match l.as_str() {
            Some(s) => count_words(s),
            None => count_words(&l.to_string()),
        })
        .sum()
}

/// Words in `[start, end)` of a rope (code points). A word cut by the range counts if part of
/// it is inside.
pub fn count_words_in(rope: &Rope, start: usize, end: usize) -> usize {
    let (s, e) = (start.min(rope.len_chars()), end.min(rope.len_chars()));
    if s >= e {
        return 0;
    }
    count_words(&rope.slice(s..e).to_string())
}

/// The words of `line` worth spell checking, as char ranges: word segments of letters (an
/// apostrophe inside is kept, "don’t"), leaving out words with digits ("3rd", "B12"), single
/// letters, words in capitals (acronyms: "DV", "CPS") and words of scripts without spaces.
pub fn spell_words(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for seg in line.split_word_bounds() {
        let n = seg.chars().count();
        let letters = seg.chars().filter(|c| c.is_alphabetic()).count();
        let checkable = letters >= 2
            && seg
                .chars()
                .all(|c| c.is_alphabetic() || is_apostrophe(c) || is_mark(c))
            && seg.chars().any(|c| c.is_lowercase())
            && !seg.chars().any(crate::core::text::is_cjk);
        if checkable {
            out.push((pos, pos + n));
        }
        pos += n;
    }
    out
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

/// A combining mark (a decomposed accent).
fn is_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words_in_any_script() {
        assert_eq!(count_words(""), 0);
        assert_eq!(count_words("  \n\t "), 0);
        assert_eq!(count_words("Doña Ana didn't come — again."), 5);
        assert_eq!(count_words("niño, niña; 3.5 años"), 4);
        assert_eq!(
            count_words("Espan\u{303}a"),
            1,
            "a combining accent is inside the word"
        );
        assert_eq!(count_words("🎉 👩‍👩‍👧 ★"), 0, "emoji are not words");
        assert_eq!(count_words("我们开会 ok"), 5, "each ideograph, then ok");
        assert_eq!(count_words("Привет мир"), 2);
    }

    #[test]
    fn a_rope_counts_as_its_text_and_a_range_counts_cut_words() {
        let text = "uno dos\ntres\n\ncuatro cinco 会议\n";
        let rope = Rope::from_str(text);
        assert_eq!(count_words_rope(&rope), count_words(text));
        assert_eq!(count_words_rope(&rope), 7);
        assert_eq!(count_words_in(&rope, 0, 7), 2);
        assert_eq!(count_words_in(&rope, 2, 5), 2, "o| |d: parts of two words");
        assert_eq!(count_words_in(&rope, 5, 2), 0);
        assert_eq!(count_words_in(&rope, 3, 4), 0, "only the space");
    }

    #[test]
    fn spell_words_skip_numbers_capitals_and_cjk() {
        let line = "Doña don’t DV 3rd a 会议 naïve x2 well-known";
        let words: Vec<String> = spell_words(line)
            .into_iter()
            .map(|(s, e)| line.chars().skip(s).take(e - s).collect())
            .collect();
        assert_eq!(words, ["Doña", "don’t", "naïve", "well", "known"]);
    }
}
