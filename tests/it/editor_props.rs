//! Property test: codings follow their words through random edits of random Unicode text.
//!
//! A reference model tracks every char by identity and which codings own it, with the rules
//! stated in terms of words rather than offsets:
//! - inserted text joins a coding only if it lands strictly inside it (between two of its chars)
//!   or replaces text that lay wholly inside it;
//! - deleted chars leave their codings; a coding left with no chars is orphaned.
//!
//! After every edit each attached coding must cover exactly its model chars (and quote them),
//! and undo/redo must restore text and codings exactly.

use chrono::Utc;
use proptest::prelude::*;
use ripple::core::anchor::Change;
use ripple::core::coding::{AnchorStatus, Coding, CodingId, CONTEXT_CHARS};
use ripple::core::document::NoteDocument;
use ripple::core::session::SessionId;
use ripple::core::text::char_slice;
use std::collections::BTreeMap;

const PIECES: &[&str] = &[
    "a",
    "b",
    "ñ",
    "n\u{303}",
    "👩‍👩‍👧",
    "我",
    "们",
    " ",
    " ",
    "\n",
    ".",
    "Doña",
    "é",
    "🙂",
    "\t",
];

fn text_strategy(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..max).prop_map(|v| v.concat())
}

#[derive(Clone, Debug)]
enum Op {
    /// Cursor at a fraction of the text, then type the chars one by one. The strings hold no
    /// whitespace, so the keystrokes merge into one undo step.
    Type(u16, String),
    /// Select a range (fractions), then paste text (with CRLF line ends).
    Paste(u16, u16, String),
    Delete(u16, u16),
    Backspace(u16),
    DeleteForward(u16),
    DeleteWordBack(u16),
    DeleteWordForward(u16),
    Newline(u16),
    Space(u16),
    Undo,
    Redo,
}

fn word_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(&["a", "b", "ñ", "n\u{303}", "👩‍👩‍👧", "我", ".", "é"][..]),
        1..4,
    )
    .prop_map(|v| v.concat())
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<u16>(), word_strategy()).prop_map(|(p, t)| Op::Type(p, t)),
        2 => (any::<u16>(), any::<u16>(), text_strategy(4))
            .prop_map(|(a, b, t)| Op::Paste(a, b, t.replace('\n', "\r\n"))),
        2 => (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Op::Delete(a, b)),
        2 => any::<u16>().prop_map(Op::Backspace),
        1 => any::<u16>().prop_map(Op::DeleteForward),
        1 => any::<u16>().prop_map(Op::DeleteWordBack),
        1 => any::<u16>().prop_map(Op::DeleteWordForward),
        1 => any::<u16>().prop_map(Op::Newline),
        1 => any::<u16>().prop_map(Op::Space),
        2 => Just(Op::Undo),
        1 => Just(Op::Redo),
    ]
}

fn at(frac: u16, len: usize) -> usize {
    (frac as usize * (len + 1)) / (u16::MAX as usize + 1)
}

/// The reference model: chars with the set of codings (bit mask) owning each.
#[derive(Clone, Debug, PartialEq)]
struct Model {
    chars: Vec<(char, u32)>,
    orphaned: u32,
}

impl Model {
    fn apply(&mut self, ch: Change, new_text: &[char], n_codings: usize) {
        let (a, r) = (ch.start, ch.removed);
        let mut owners = 0u32;
        for k in 0..n_codings {
            let bit = 1 << k;
            if self.orphaned & bit != 0 {
                continue;
            }
            let joins = if r == 0 {
                self.chars[..a].iter().any(|c| c.1 & bit != 0)
                    && self.chars[a..].iter().any(|c| c.1 & bit != 0)
            } else {
                self.chars[a..a + r].iter().all(|c| c.1 & bit != 0)
            };
            if joins {
                owners |= bit;
            }
        }
        self.chars
            .splice(a..a + r, new_text.iter().map(|&c| (c, owners)));
        for k in 0..n_codings {
            let bit = 1 << k;
            if self.orphaned & bit == 0 && !self.chars.iter().any(|c| c.1 & bit != 0) {
                self.orphaned |= bit;
            }
        }
    }

    fn text(&self) -> String {
        self.chars.iter().map(|c| c.0).collect()
    }

    fn coded(&self, k: usize) -> String {
        self.chars
            .iter()
            .filter(|c| c.1 & (1 << k) != 0)
            .map(|c| c.0)
            .collect()
    }
}

fn make_doc(text: &str, ranges: &[(u16, u16)]) -> (NoteDocument, Model) {
    let chars: Vec<char> = text.chars().collect();
    let len = chars.len();
    let now = Utc::now();
    let mut codings = Vec::new();
    let mut model = Model {
        chars: chars.iter().map(|&c| (c, 0)).collect(),
        orphaned: 0,
    };
    for &(a, b) in ranges {
        let (s, e) = (at(a, len), at(b, len));
        let (s, e) = (s.min(e), s.max(e));
        if s == e {
            continue;
        }
        let k = codings.len();
        for c in &mut model.chars[s..e] {
            c.1 |= 1 << k;
        }
        codings.push(Coding {
            id: CodingId::new(),
            session: SessionId("01jd3k0000000000000000000a".into()),
            theme: "trust".into(),
            coder: format!("coder{}", k % 2),
            start: s,
            end: e,
            quote: char_slice(text, s, e).into(),
            before: char_slice(text, s.saturating_sub(CONTEXT_CHARS), s).into(),
            after: char_slice(text, e, e + CONTEXT_CHARS).into(),
            memo: String::new(),
            status: AnchorStatus::Attached,
            created: now,
            updated: now,
        });
    }
    (NoteDocument::new(text, codings, BTreeMap::new()), model)
}

fn check(doc: &NoteDocument, model: &Model) -> Result<(), TestCaseError> {
    let text = doc.text();
    prop_assert_eq!(&text, &model.text());
    for (k, c) in doc.codings().iter().enumerate() {
        let orphan = model.orphaned & (1 << k) != 0;
        prop_assert_eq!(
            c.status == AnchorStatus::Orphaned,
            orphan,
            "coding {} status",
            k
        );
        if !orphan {
            let covered = char_slice(&text, c.start, c.end);
            prop_assert_eq!(covered, model.coded(k), "coding {} range", k);
            prop_assert_eq!(&c.quote, &model.coded(k), "coding {} quote", k);
            prop_assert_eq!(
                &c.before,
                char_slice(&text, c.start.saturating_sub(CONTEXT_CHARS), c.start)
            );
            prop_assert_eq!(&c.after, char_slice(&text, c.end, c.end + CONTEXT_CHARS));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn codings_follow_their_words(
        text in text_strategy(24),
        ranges in prop::collection::vec((any::<u16>(), any::<u16>()), 1..6),
        ops in prop::collection::vec(op_strategy(), 1..30),
    ) {
        let (mut doc, mut model) = make_doc(&text, &ranges);
        let n = doc.codings().len();
        // The state before each undoable step, and the states undo left behind (for redo).
        let mut undo_stack: Vec<(Model, Vec<Coding>)> = Vec::new();
        let mut redo_stack: Vec<(Model, Vec<Coding>)> = Vec::new();
        check(&doc, &model)?;
        for op in ops {
            let len = doc.editor().len_chars();
            let before = (model.clone(), doc.codings().to_vec());
            // Every op is one undo step: close the previous typing group first.
            doc.break_undo_group();
            let changes: Vec<Change> = match &op {
                Op::Type(p, t) => {
                    doc.editor_mut().set_cursor(at(*p, len), false);
                    let mut all = Vec::new();
                    for c in t.chars() {
                        let ch = doc.insert_char(c);
                        apply_all(&doc, &mut model, &ch, n);
                        check(&doc, &model)?;
                        all.extend(ch);
                    }
                    if !all.is_empty() {
                        undo_stack.push(before);
                        redo_stack.clear();
                    }
                    continue;
                }
                Op::Paste(a, b, t) => {
                    doc.editor_mut().set_selection(at(*a, len), at(*b, len));
                    doc.insert_str(t)
                }
                Op::Delete(a, b) => {
                    doc.editor_mut().set_selection(at(*a, len), at(*b, len));
                    doc.delete_selection()
                }
                Op::Backspace(p) => {
                    doc.editor_mut().set_cursor(at(*p, len), false);
                    doc.backspace()
                }
                Op::DeleteForward(p) => {
                    doc.editor_mut().set_cursor(at(*p, len), false);
                    doc.delete()
                }
                Op::DeleteWordBack(p) => {
                    doc.editor_mut().set_cursor(at(*p, len), false);
                    doc.delete_word_back()
                }
                Op::DeleteWordForward(p) => {
                    doc.editor_mut().set_cursor(at(*p, len), false);
                    doc.delete_word_forward()
                }
                Op::Newline(p) => {
                    doc.editor_mut().set_cursor(at(*p, len), false);
                    doc.newline()
                }
                Op::Space(p) => {
                    doc.editor_mut().set_cursor(at(*p, len), false);
                    doc.insert_char(' ')
                }
                Op::Undo => {
                    prop_assert_eq!(doc.can_undo(), !undo_stack.is_empty());
                    doc.undo();
                    if let Some((m, codings)) = undo_stack.pop() {
                        redo_stack.push(before);
                        model = m;
                        prop_assert_eq!(doc.codings(), &codings[..], "undo restores codings exactly");
                    }
                    check(&doc, &model)?;
                    continue;
                }
                Op::Redo => {
                    prop_assert_eq!(doc.can_redo(), !redo_stack.is_empty());
                    doc.redo();
                    if let Some((m, codings)) = redo_stack.pop() {
                        undo_stack.push(before);
                        model = m;
                        prop_assert_eq!(doc.codings(), &codings[..], "redo restores codings exactly");
                    }
                    check(&doc, &model)?;
                    continue;
                }
            };
            if changes.is_empty() {
                continue;
            }
            prop_assert_eq!(changes.len(), 1);
            apply_all(&doc, &mut model, &changes, n);
            undo_stack.push(before);
            redo_stack.clear();
            check(&doc, &model)?;
        }
    }
}

/// Apply the document's reported changes to the model, taking inserted chars from the text.
fn apply_all(doc: &NoteDocument, model: &mut Model, changes: &[Change], n: usize) {
    let text: Vec<char> = doc.text().chars().collect();
    for ch in changes {
        model.apply(*ch, &text[ch.start..ch.start + ch.inserted], n);
    }
}
