//! Spell checking in the note editor: the speller (loaded on a thread of its own when the app
//! starts, as compiling two dictionaries takes a moment), the misspelt words of the lines on
//! screen (found in the update step, so drawing only reads them) and the suggestions menu.
//!
//! Only the lines on screen are checked, and both each word's verdict and each line's
//! misspelt words are cached (a line's result is keyed by its text), so scrolling and typing
//! check only the words not seen before.

use crate::core::spell::{dictionary_dirs, find_dictionaries, Speller};
use crate::core::words::spell_words;
use crossbeam_channel::Sender;
use ropey::Rope;
use std::collections::HashMap;
use std::path::PathBuf;

/// What the loader thread found.
#[derive(Debug)]
pub struct SpellLoaded {
    pub speller: Speller,
    pub problems: Vec<String>,
    /// The folders looked in (said when no dictionary was found).
    pub looked_in: Vec<PathBuf>,
}

/// Load the dictionaries and the word list of the store at `root` on a thread of its own;
/// the answer comes back as `wrap` makes it a message (the app's `Response::Spelling`).
pub fn spawn_loader<M: Send + 'static>(
    root: PathBuf,
    out: Sender<M>,
    wrap: fn(Box<SpellLoaded>) -> M,
) {
    let spawned = std::thread::Builder::new()
        .name("ripple-spell".into())
        .spawn(move || {
            let looked_in = dictionary_dirs();
            let files = find_dictionaries(&looked_in);
            let loaded = crate::core::spell::Speller::load(&files, Some(&root));
            let _ = out.send(wrap(Box::new(SpellLoaded {
                speller: loaded.speller,
                problems: loaded.problems,
                looked_in,
            })));
        });
    // Without the thread there is no spell checking; everything else carries on.
    drop(spawned);
}

/// The suggestions menu for one word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpellMenu {
    pub word: String,
    /// The word's code points in the text at editor `version`.
    pub range: (usize, usize),
    pub version: u64,
    pub suggestions: Vec<String>,
    /// The highlighted row: a suggestion, or (the last row) adding the word to the list.
    pub selected: usize,
}

impl SpellMenu {
    /// Rows: the suggestions, then "add to the word list".
    pub fn rows(&self) -> usize {
        self.suggestions.len() + 1
    }
}

/// Lines' results kept at most; past this the caches start again.
const CACHE_MAX: usize = 20_000;

#[derive(Debug, Default)]
pub struct SpellState {
    /// None until loaded (or when loading failed).
    pub speller: Option<Speller>,
    /// The loader answered.
    pub loaded: bool,
    /// Said once, when the note is first shown: no dictionary was found.
    pub notice: Option<String>,
    pub menu: Option<SpellMenu>,
    words: HashMap<String, bool>,
    lines: HashMap<String, Vec<(usize, usize)>>,
}

impl SpellState {
    /// Whether words are being checked.
    pub fn active(&self) -> bool {
        self.speller.as_ref().is_some_and(Speller::has_dictionaries)
    }

    /// Take the loader's answer; returns what to say about it, if anything.
    pub fn take(&mut self, loaded: SpellLoaded) -> Option<String> {
        self.loaded = true;
        self.words.clear();
        self.lines.clear();
        let said = if !loaded.speller.has_dictionaries() {
            let dirs: Vec<String> = loaded
                .looked_in
                .iter()
                .map(|d| d.display().to_string())
                .collect();
            Some(format!(
                "Spell check is off: no English or Spanish Hunspell dictionary in {} (install hunspell-en-us and hunspell-es)",
                dirs.join(", ")
            ))
        } else if !loaded.problems.is_empty() {
            Some(format!("Spell check: {}", loaded.problems.join("; ")))
        } else {
            None
        };
        self.speller = Some(loaded.speller);
        said
    }

    /// Accept `word` from now on.
    pub fn learn(&mut self, word: &str) {
        if let Some(s) = &mut self.speller {
            s.learn(word);
        }
        self.words.clear();
        self.lines.clear();
    }

    pub fn check(&mut self, word: &str) -> bool {
        let Some(speller) = &self.speller else {
            return true;
        };
        if let Some(&ok) = self.words.get(word) {
            return ok;
        }
        if self.words.len() > CACHE_MAX {
            self.words.clear();
        }
        let ok = speller.check(word);
        self.words.insert(word.to_string(), ok);
        ok
    }

    /// The misspelt words of `line` (char ranges within it).
    fn line_marks(&mut self, line: &str) -> Vec<(usize, usize)> {
        if let Some(m) = self.lines.get(line) {
            return m.clone();
        }
        let chars: Vec<char> = line.chars().collect();
        let marks: Vec<(usize, usize)> = spell_words(line)
            .into_iter()
            .filter(|&(s, e)| {
                let w: String = chars[s..e].iter().collect();
                !self.check(&w)
            })
            .collect();
        if self.lines.len() > CACHE_MAX {
            self.lines.clear();
        }
        self.lines.insert(line.to_string(), marks.clone());
        marks
    }

    /// The misspelt words of lines `first..=last` of `rope`, as code-point ranges of the text.
    pub fn marks(&mut self, rope: &Rope, first: usize, last: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        if !self.active() {
            return out;
        }
        let last = last.min(rope.len_lines().saturating_sub(1));
        for line in first..=last {
            let start = rope.line_to_char(line);
            let slice = rope.line(line);
            let text: std::borrow::Cow<str> = slice.into();
            let text = text.trim_end_matches('\n');
            out.extend(
                self.line_marks(text)
                    .into_iter()
                    .map(|(s, e)| (start + s, start + e)),
            );
        }
        out
    }

    /// The word to check at `cursor` in `rope`: the spell-checked word the cursor is in or
    /// right after. Its text and code-point range.
    pub fn word_at(rope: &Rope, cursor: usize) -> Option<(String, (usize, usize))> {
        let cursor = cursor.min(rope.len_chars());
        let line = rope.char_to_line(cursor);
        let start = rope.line_to_char(line);
        let text: String = rope.line(line).chars().filter(|&c| c != '\n').collect();
        let at = cursor - start;
        spell_words(&text)
            .into_iter()
            .find(|&(s, e)| s <= at && at <= e)
            .map(|(s, e)| {
                (
                    text.chars().skip(s).take(e - s).collect(),
                    (start + s, start + e),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AFF: &str = "SET UTF-8\nTRY esianrtolcdugmphbyfvkwz\n";
    const DIC: &str = "4\nhello\nworld\nthe\nniña\n";

    fn state() -> SpellState {
        let mut s = SpellState::default();
        s.take(SpellLoaded {
            speller: Speller::from_texts(&[("en_XX", AFF, DIC)], &[]),
            problems: Vec::new(),
            looked_in: Vec::new(),
        });
        s
    }

    #[test]
    fn marks_are_the_unknown_words_of_the_lines_asked_for() {
        let mut s = state();
        let rope = Rope::from_str("hello wrld\nthe niña 🎉 nina\nzzzz");
        assert_eq!(s.marks(&rope, 0, 1), [(6, 10), (22, 26)]);
        assert_eq!(
            s.marks(&rope, 2, 9),
            [(27, 31)],
            "past the end: the last line"
        );
        s.learn("Wrld");
        assert_eq!(
            s.marks(&rope, 0, 0),
            [],
            "learnt words are accepted, in any case"
        );
    }

    #[test]
    fn no_dictionary_is_said_and_nothing_is_marked() {
        let mut s = SpellState::default();
        let said = s.take(SpellLoaded {
            speller: Speller::from_texts(&[], &[]),
            problems: Vec::new(),
            looked_in: vec![PathBuf::from("/nowhere")],
        });
        assert!(said.unwrap().contains("/nowhere"));
        assert!(!s.active());
        assert!(s.marks(&Rope::from_str("zzzz qqqq"), 0, 0).is_empty());
    }

    #[test]
    fn the_word_at_the_cursor_is_the_one_it_is_in_or_after() {
        let rope = Rope::from_str("uno\nhola mundo, 会议");
        assert_eq!(
            SpellState::word_at(&rope, 6),
            Some(("hola".to_string(), (4, 8)))
        );
        assert_eq!(
            SpellState::word_at(&rope, 14),
            Some(("mundo".to_string(), (9, 14))),
            "right after it"
        );
        assert_eq!(SpellState::word_at(&rope, 16), None, "CJK is not checked");
    }
}
