//! Finding text in one note as the user types it: case and accents do not matter ("dona"
//! finds "Doña"), nor the typography of quotes and dashes, nor how many spaces or line breaks
//! separate two words. The folding is the one search and quotes use (`core::fold`), so the
//! note's find and the store's search agree on what matches.
//!
//! Matches are half-open code-point ranges of the note, in order and never overlapping (the
//! first of two overlapping ones wins). A [`Finder`] folds the note once and answers every
//! query typed over it; the caller makes a new one when the text changes.

use crate::core::fold::FoldedText;

/// A note's text folded for finding.
#[derive(Clone, Debug)]
pub struct Finder {
    folded: FoldedText,
}

impl Finder {
    pub fn new(text: &str) -> Finder {
        Finder {
            folded: FoldedText::new(text),
        }
    }

    /// Every match of `query` as code-point ranges of the text, in order, not overlapping.
    /// An empty query (or one of ignorable characters only) matches nothing.
    pub fn find(&self, query: &str) -> Vec<(usize, usize)> {
        let needle = FoldedText::new(query).chars;
        let mut out: Vec<(usize, usize)> = Vec::new();
        for (i, j) in self.folded.find_all(&needle) {
            let (s, e) = self.folded.original(i, j);
            if out.last().is_none_or(|&(_, last_end)| s >= last_end) {
                out.push((s, e));
            }
        }
        out
    }
}

/// Whether a match's text runs across a line break. A space in a query matches any run of
/// whitespace, a line break too (so a find crosses a wrapped line); replacing such a match
/// would join two lines (a follow-up line into the one above), so replace leaves it.
pub fn crosses_line_break(matched: &str) -> bool {
    matched.contains([
        '\n', '\r', '\u{0B}', '\u{0C}', '\u{85}', '\u{2028}', '\u{2029}',
    ])
}

/// The match to go to from `cursor`: the first one starting at or after it (`forward`), or the
/// last one starting before it; wrapping around the note. None when there are no matches.
pub fn nearest(matches: &[(usize, usize)], cursor: usize, forward: bool) -> Option<usize> {
    if matches.is_empty() {
        return None;
    }
    if forward {
        Some(matches.iter().position(|&(s, _)| s >= cursor).unwrap_or(0))
    } else {
        Some(
            matches
                .iter()
                .rposition(|&(s, _)| s < cursor)
                .unwrap_or(matches.len() - 1),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::editor::Editor;

    fn found<'a>(text: &'a str, query: &str) -> Vec<&'a str> {
        Finder::new(text)
            .find(query)
            .into_iter()
            .map(|(s, e)| crate::core::text::char_slice(text, s, e))
            .collect()
    }

    #[test]
    fn accents_and_case_do_not_matter_either_way() {
        let text = "Doña Ana met dona ana and DOÑA ANA.";
        assert_eq!(
            found(text, "dona ana"),
            ["Doña Ana", "dona ana", "DOÑA ANA"]
        );
        assert_eq!(found(text, "DOÑA"), ["Doña", "dona", "DOÑA"]);
        // Decomposed accents (n + combining tilde) are found whole, and find "ñ" typed whole.
        let nfd = "Espan\u{303}a y España";
        assert_eq!(found(nfd, "españa"), ["Espan\u{303}a", "España"]);
        assert_eq!(found(text, "zorro"), Vec::<&str>::new());
        assert_eq!(found(text, ""), Vec::<&str>::new());
    }

    #[test]
    fn code_points_are_right_after_cjk_and_emoji() {
        let text = "会议 🎉 café 会议 naïve 👩‍👩‍👧 cafe";
        let f = Finder::new(text);
        let chars: Vec<char> = text.chars().collect();
        let m = f.find("cafe");
        assert_eq!(m.len(), 2);
        for (s, e) in &m {
            let got: String = chars[*s..*e].iter().collect();
            assert!(got == "café" || got == "cafe", "{got}");
        }
        assert_eq!(
            m[0].0, 5,
            "two ideographs, a space, one emoji (one code point), a space"
        );
        assert_eq!(found(text, "会议"), ["会议", "会议"]);
        assert_eq!(found(text, "🎉"), ["🎉"]);
        assert_eq!(found(text, "NAIVE"), ["naïve"]);
    }

    #[test]
    fn overlapping_matches_keep_the_first() {
        assert_eq!(Finder::new("aaaa").find("aa"), [(0, 2), (2, 4)]);
    }

    #[test]
    fn nearest_wraps_around() {
        let m = [(2, 4), (10, 12), (20, 22)];
        assert_eq!(nearest(&m, 0, true), Some(0));
        assert_eq!(nearest(&m, 10, true), Some(1));
        assert_eq!(
            nearest(&m, 21, true),
            Some(0),
            "past the last: back to the first"
        );
        assert_eq!(nearest(&m, 10, false), Some(0));
        assert_eq!(nearest(&m, 1, false), Some(2), "before the first: the last");
        assert_eq!(nearest(&[], 1, false), None);
    }

    #[test]
    fn replace_all_is_one_undo_step() {
        let text = "Doña Ana 🎉 dona ana, 会议 DOÑA ANA";
        let mut ed = Editor::new(text);
        ed.insert_char('!');
        ed.break_undo_group();
        let before = ed.text();
        let m = Finder::new(&before).find("dona ana");
        assert_eq!(m.len(), 3);
        let changes = ed.replace_ranges(&m, "Doña Ana Ruiz");
        assert_eq!(changes.len(), 3);
        assert_eq!(
            ed.text(),
            "!Doña Ana Ruiz 🎉 Doña Ana Ruiz, 会议 Doña Ana Ruiz"
        );
        ed.undo();
        assert_eq!(ed.text(), before, "one undo takes back every replacement");
        ed.redo();
        assert_eq!(
            ed.text(),
            "!Doña Ana Ruiz 🎉 Doña Ana Ruiz, 会议 Doña Ana Ruiz"
        );
        ed.undo();
        ed.undo();
        assert_eq!(ed.text(), text, "the typing before is its own step");
    }
}
