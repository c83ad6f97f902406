//! A note being edited together with its codings: one undo history for typing and coding.
//!
//! Every text edit moves all attached codings through the edit (`anchor::map_range`); a coding
//! whose text is all deleted becomes `Orphaned` and keeps its last quote. Coding actions (add,
//! remove, change theme or memo, note memo) are undo steps in the same history as typing, and
//! one `undo` reverts exactly one step: text and coding state together.
//!
//! History design: each text step records the editor step it belongs to (by id) plus the
//! previous state of only the codings it touched (range and status; quote and context only
//! when those changed). Undo and redo *swap* stored and current state, so the same record
//! serves both directions and nothing is recomputed.

use crate::core::anchor::{map_range, Change};
use crate::core::coding::{AnchorStatus, CoderSessionFile, Coding, CodingId, CONTEXT_CHARS};
use crate::core::editor::Editor;
use crate::core::session::SessionId;
use chrono::Utc;
use std::collections::BTreeMap;

/// Why a coding action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("coding {id}: range {start}..{end} is not inside the note (length {len})")]
    BadRange {
        id: String,
        start: usize,
        end: usize,
        len: usize,
    },
    #[error("coding {0} already exists in this note")]
    DuplicateId(String),
    #[error("no coding {0} in this note")]
    NoSuchCoding(String),
    /// The same coder already codes these words with this theme (`id` is that coding).
    #[error("these words are already coded as `{theme}` by the same coder: coding {id}")]
    Duplicate { id: CodingId, theme: String },
}

/// The state of one coding before a text step, for undo. `text` is set only when the step
/// changed the quote or its context.
#[derive(Clone, Debug, PartialEq, Eq)]
struct RangeState {
    start: usize,
    end: usize,
    status: AnchorStatus,
    text: Option<Box<QuoteText>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct QuoteText {
    quote: String,
    before: String,
    after: String,
}

/// A reversible change of coding state. Applying one returns its inverse.
#[derive(Clone, Debug)]
enum CodingAction {
    Insert { index: usize, coding: Box<Coding> },
    Delete { index: usize },
    Swap { index: usize, coding: Box<Coding> },
    NoteMemo { coder: String, memo: String },
}

#[derive(Clone, Debug)]
enum Step {
    /// One editor undo step (by id) and the codings it moved.
    Text {
        editor_step: u64,
        codings: BTreeMap<usize, RangeState>,
    },
    Coding(CodingAction),
}

/// A note with its codings and per-coder note memos, and their shared undo history.
#[derive(Debug)]
pub struct NoteDocument {
    editor: Editor,
    codings: Vec<Coding>,
    note_memos: BTreeMap<String, String>,
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// Editor version the document last saw (to notice edits that bypassed the document).
    seen_editor_version: u64,
    /// Increases on every change of coding state or memos.
    coding_version: u64,
    /// `coding_version` at the last change of each coder's codings or memo.
    coder_versions: BTreeMap<String, u64>,
}

impl NoteDocument {
    /// A document over `text` with `codings` and note memos per coder. Quotes are not
    /// re-derived here: codings come as stored (re-attaching is `anchor`'s job).
    pub fn new(
        text: &str,
        codings: Vec<Coding>,
        note_memos: BTreeMap<String, String>,
    ) -> NoteDocument {
        let editor = Editor::new(text);
        NoteDocument {
            seen_editor_version: editor.version(),
            editor,
            codings,
            note_memos,
            undo: Vec::new(),
            redo: Vec::new(),
            coding_version: 0,
            coder_versions: BTreeMap::new(),
        }
    }

    /// A document from the note text and the coder files stored for it.
    pub fn from_files(text: &str, files: Vec<CoderSessionFile>) -> NoteDocument {
        let mut codings = Vec::new();
        let mut memos = BTreeMap::new();
        for f in files {
            if !f.memo.is_empty() {
                memos.insert(f.coder.clone(), f.memo);
            }
            codings.extend(f.codings);
        }
        NoteDocument::new(text, codings, memos)
    }

    /// One coder's codings and memo, ready to save: every coding of a name that shares the
    /// coder's file (`coding::same_coder`, e.g. "Ana Peña" and "ana pena"), so writing the file
    /// drops none of them.
    pub fn coder_file(&self, session: &SessionId, coder: &str) -> CoderSessionFile {
        let memo = self.note_memos.get(coder).or_else(|| {
            self.note_memos
                .iter()
                .find(|(k, _)| crate::core::coding::same_coder(k, coder))
                .map(|(_, m)| m)
        });
        CoderSessionFile {
            session: session.clone(),
            coder: coder.to_string(),
            memo: memo.cloned().unwrap_or_default(),
            codings: self
                .codings
                .iter()
                .filter(|c| crate::core::coding::same_coder(&c.coder, coder))
                .cloned()
                .collect(),
        }
    }

    // ----- reading -------------------------------------------------------------------------

    pub fn editor(&self) -> &Editor {
        &self.editor
    }

    /// The editor, for motions and selection. Text changes must go through the document's
    /// methods; an edit made here directly cannot move the codings, so the document then
    /// forgets its undo history (see `resync`).
    pub fn editor_mut(&mut self) -> &mut Editor {
        &mut self.editor
    }

    pub fn text(&self) -> String {
        self.editor.text()
    }
    pub fn codings(&self) -> &[Coding] {
        &self.codings
    }
    pub fn coding(&self, id: &CodingId) -> Option<&Coding> {
        self.codings.iter().find(|c| &c.id == id)
    }
    /// Attached codings covering char `pos`, shortest first.
    pub fn codings_at(&self, pos: usize) -> Vec<&Coding> {
        let mut v: Vec<&Coding> = self
            .codings
            .iter()
            .filter(|c| c.status == AnchorStatus::Attached && c.start <= pos && pos < c.end)
            .collect();
        v.sort_by_key(|c| c.end - c.start);
        v
    }
    pub fn note_memo(&self, coder: &str) -> &str {
        self.note_memos.get(coder).map(String::as_str).unwrap_or("")
    }
    pub fn note_memos(&self) -> &BTreeMap<String, String> {
        &self.note_memos
    }
    /// Increases on every change of codings or memos (including moves caused by typing).
    pub fn coding_version(&self) -> u64 {
        self.coding_version
    }
    /// `coding_version` at the last change of this coder's codings or memo (0 = never).
    pub fn coder_version(&self, coder: &str) -> u64 {
        self.coder_versions.get(coder).copied().unwrap_or(0)
    }
    /// Coders whose codings or memo changed after `coding_version` was `version`: the coder
    /// files to save.
    pub fn codings_changed_since(&self, version: u64) -> Vec<String> {
        self.coder_versions
            .iter()
            .filter(|(_, &v)| v > version)
            .map(|(c, _)| c.clone())
            .collect()
    }
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    // ----- text edits (each one editor operation, codings moved) ---------------------------

    pub fn insert_char(&mut self, c: char) -> Vec<Change> {
        self.edit(|ed| ed.insert_char(c))
    }
    pub fn insert_str(&mut self, text: &str) -> Vec<Change> {
        self.edit(|ed| ed.insert_str(text))
    }
    pub fn newline(&mut self) -> Vec<Change> {
        self.edit(Editor::newline)
    }
    pub fn backspace(&mut self) -> Vec<Change> {
        self.edit(Editor::backspace)
    }
    pub fn delete(&mut self) -> Vec<Change> {
        self.edit(Editor::delete)
    }
    pub fn delete_word_back(&mut self) -> Vec<Change> {
        self.edit(Editor::delete_word_back)
    }
    pub fn delete_word_forward(&mut self) -> Vec<Change> {
        self.edit(Editor::delete_word_forward)
    }
    pub fn delete_selection(&mut self) -> Vec<Change> {
        self.edit(Editor::delete_selection)
    }
    pub fn cut(&mut self) -> Vec<Change> {
        self.edit(Editor::cut)
    }
    pub fn paste(&mut self) -> Vec<Change> {
        self.edit(Editor::paste)
    }
    pub fn replace_range(&mut self, start: usize, end: usize, text: &str) -> Vec<Change> {
        self.edit(|ed| ed.replace_range(start, end, text))
    }
    /// Replace every range with `text` as one undo step (see `Editor::replace_ranges`).
    pub fn replace_ranges(&mut self, ranges: &[(usize, usize)], text: &str) -> Vec<Change> {
        self.edit(|ed| ed.replace_ranges(ranges, text))
    }
    /// Close the typing group (after idle time): the next keystroke starts a new undo step.
    pub fn break_undo_group(&mut self) {
        self.editor.break_undo_group();
    }

    /// If the editor's text was changed behind the document's back, the codings could not
    /// follow and the histories no longer match: drop the document's history so undo cannot
    /// apply steps to the wrong text.
    fn resync(&mut self) {
        if self.editor.version() != self.seen_editor_version {
            self.editor.break_undo_group();
            self.undo.clear();
            self.redo.clear();
            self.seen_editor_version = self.editor.version();
        }
    }

    /// Run one editor operation (which records at most one editor undo step), move the
    /// codings and record the document step.
    fn edit(&mut self, op: impl FnOnce(&mut Editor) -> Vec<Change>) -> Vec<Change> {
        self.resync();
        let top_before = self.editor.undo_top_id();
        let depth_before = self.editor.undo_depth();
        let changes = op(&mut self.editor);
        self.seen_editor_version = self.editor.version();
        if changes.is_empty() {
            return changes;
        }
        let moved = self.move_codings(&changes);
        self.redo.clear();
        let top = self
            .editor
            .undo_top_id()
            .expect("an edit leaves an undo step");
        let merged = depth_before == self.editor.undo_depth() && top_before == Some(top);
        match self.undo.last_mut() {
            Some(Step::Text {
                editor_step,
                codings,
            }) if merged && *editor_step == top => {
                for (i, old) in moved {
                    match codings.get_mut(&i) {
                        None => {
                            codings.insert(i, old);
                        }
                        Some(existing) => {
                            if existing.text.is_none() {
                                existing.text = old.text;
                            }
                        }
                    }
                }
            }
            _ => self.undo.push(Step::Text {
                editor_step: top,
                codings: moved,
            }),
        }
        changes
    }

    /// Move every attached coding through `changes`; returns the previous state of those that
    /// changed. Refreshes quote and context of codings near the edit.
    fn move_codings(&mut self, changes: &[Change]) -> BTreeMap<usize, RangeState> {
        let mut old: BTreeMap<usize, RangeState> = BTreeMap::new();
        let mut near: Vec<usize> = Vec::new();
        for ch in changes {
            for (i, c) in self.codings.iter_mut().enumerate() {
                if c.status != AnchorStatus::Attached {
                    continue;
                }
                let (ns, ne) = map_range(c.start, c.end, *ch);
                // Quote or context can change only if the edit lands within the context window.
                let is_near =
                    ch.start <= ne + CONTEXT_CHARS && ch.start + ch.inserted + CONTEXT_CHARS >= ns;
                if (ns, ne) == (c.start, c.end) && !is_near {
                    continue;
                }
                old.entry(i).or_insert_with(|| RangeState {
                    start: c.start,
                    end: c.end,
                    status: c.status,
                    text: None,
                });
                c.start = ns;
                c.end = ne;
                if ns == ne {
                    // All its words are gone: keep the quote for re-attaching.
                    c.status = AnchorStatus::Orphaned;
                } else if is_near {
                    near.push(i);
                }
            }
        }
        near.sort_unstable();
        near.dedup();
        for i in near {
            if self.codings[i].status != AnchorStatus::Attached {
                continue;
            }
            let fresh = quote_text(&self.editor, self.codings[i].start, self.codings[i].end);
            let c = &mut self.codings[i];
            if c.quote != fresh.quote || c.before != fresh.before || c.after != fresh.after {
                let prev = QuoteText {
                    quote: std::mem::replace(&mut c.quote, fresh.quote),
                    before: std::mem::replace(&mut c.before, fresh.before),
                    after: std::mem::replace(&mut c.after, fresh.after),
                };
                if let Some(entry) = old.get_mut(&i) {
                    entry.text.get_or_insert(Box::new(prev));
                }
            }
        }
        // Entries that were only "near" and did not change at all need no record.
        old.retain(|&i, st| {
            let c = &self.codings[i];
            st.text.is_some() || (st.start, st.end, st.status) != (c.start, c.end, c.status)
        });
        let coders: Vec<String> = old.keys().map(|&i| self.codings[i].coder.clone()).collect();
        for coder in coders {
            self.touch(&coder);
        }
        old
    }

    fn touch(&mut self, coder: &str) {
        self.coding_version += 1;
        self.coder_versions
            .insert(coder.to_string(), self.coding_version);
    }

    // ----- coding actions (each one undo step) ---------------------------------------------

    fn index_of(&self, id: &CodingId) -> Result<usize, DocumentError> {
        self.codings
            .iter()
            .position(|c| &c.id == id)
            .ok_or_else(|| DocumentError::NoSuchCoding(id.to_string()))
    }

    fn record(&mut self, action: CodingAction) {
        self.resync();
        self.editor.break_undo_group();
        let inverse = self.apply(action);
        self.undo.push(Step::Coding(inverse));
        self.redo.clear();
        self.editor.clear_redo();
    }

    /// Add a coding on `[coding.start, coding.end)`; its quote and context are taken from the
    /// text. Refused if the range is empty or outside the text, or the id exists.
    pub fn add_coding(&mut self, mut coding: Coding) -> Result<(), DocumentError> {
        let len = self.editor.len_chars();
        if coding.start >= coding.end || coding.end > len {
            return Err(DocumentError::BadRange {
                id: coding.id.to_string(),
                start: coding.start,
                end: coding.end,
                len,
            });
        }
        if self.coding(&coding.id).is_some() {
            return Err(DocumentError::DuplicateId(coding.id.to_string()));
        }
        self.refuse_duplicate(&coding)?;
        let t = quote_text(&self.editor, coding.start, coding.end);
        coding.quote = t.quote;
        coding.before = t.before;
        coding.after = t.after;
        coding.status = AnchorStatus::Attached;
        let index = self.codings.len();
        self.record(CodingAction::Insert {
            index,
            coding: Box::new(coding),
        });
        Ok(())
    }

    pub fn remove_coding(&mut self, id: &CodingId) -> Result<(), DocumentError> {
        let index = self.index_of(id)?;
        self.record(CodingAction::Delete { index });
        Ok(())
    }

    /// Change a coding's theme (no step if unchanged).
    pub fn set_theme(&mut self, id: &CodingId, theme: &str) -> Result<(), DocumentError> {
        self.modify(id, |c| {
            if c.theme == theme {
                return false;
            }
            c.theme = theme.to_string();
            true
        })
    }

    /// Change a coding's memo (no step if unchanged).
    pub fn set_coding_memo(&mut self, id: &CodingId, memo: &str) -> Result<(), DocumentError> {
        self.modify(id, |c| {
            if c.memo == memo {
                return false;
            }
            c.memo = memo.to_string();
            true
        })
    }

    /// Put a coding on `[start, end)` (re-attaching an orphan by hand, or adjusting its
    /// extent); it becomes attached with quote and context from the text.
    pub fn set_coding_range(
        &mut self,
        id: &CodingId,
        start: usize,
        end: usize,
    ) -> Result<(), DocumentError> {
        let len = self.editor.len_chars();
        if start >= end || end > len {
            return Err(DocumentError::BadRange {
                id: id.to_string(),
                start,
                end,
                len,
            });
        }
        let t = quote_text(&self.editor, start, end);
        self.modify(id, |c| {
            let same = (c.start, c.end, c.status) == (start, end, AnchorStatus::Attached)
                && (c.quote == t.quote && c.before == t.before && c.after == t.after);
            if same {
                return false;
            }
            c.start = start;
            c.end = end;
            c.status = AnchorStatus::Attached;
            c.quote = t.quote;
            c.before = t.before;
            c.after = t.after;
            true
        })
    }

    fn modify(
        &mut self,
        id: &CodingId,
        f: impl FnOnce(&mut Coding) -> bool,
    ) -> Result<(), DocumentError> {
        let index = self.index_of(id)?;
        let mut c = self.codings[index].clone();
        if f(&mut c) {
            if c.status == AnchorStatus::Attached {
                self.refuse_duplicate(&c)?;
            }
            c.updated = Utc::now();
            self.record(CodingAction::Swap {
                index,
                coding: Box::new(c),
            });
        }
        Ok(())
    }

    /// Refuse a coding that another coding of the same coder already is: same words, same
    /// theme (`coding::find_duplicate`).
    fn refuse_duplicate(&self, coding: &Coding) -> Result<(), DocumentError> {
        match crate::core::coding::find_duplicate(
            &self.codings,
            &coding.coder,
            &coding.theme,
            coding.start,
            coding.end,
            Some(&coding.id),
        ) {
            Some(d) => Err(DocumentError::Duplicate {
                id: d.id.clone(),
                theme: d.theme.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Set `coder`'s memo on this note (no step if unchanged).
    pub fn set_note_memo(&mut self, coder: &str, memo: &str) {
        if self.note_memo(coder) == memo {
            return;
        }
        self.record(CodingAction::NoteMemo {
            coder: coder.to_string(),
            memo: memo.to_string(),
        });
    }

    /// Apply a coding action; returns the action that reverts it.
    fn apply(&mut self, action: CodingAction) -> CodingAction {
        match action {
            CodingAction::Insert { index, coding } => {
                self.touch(&coding.coder);
                self.codings.insert(index, *coding);
                CodingAction::Delete { index }
            }
            CodingAction::Delete { index } => {
                let coding = self.codings.remove(index);
                self.touch(&coding.coder);
                CodingAction::Insert {
                    index,
                    coding: Box::new(coding),
                }
            }
            CodingAction::Swap { index, mut coding } => {
                std::mem::swap(&mut self.codings[index], &mut coding);
                let (a, b) = (coding.coder.clone(), self.codings[index].coder.clone());
                self.touch(&a);
                self.touch(&b);
                CodingAction::Swap { index, coding }
            }
            CodingAction::NoteMemo { coder, memo } => {
                let prev = if memo.is_empty() {
                    self.note_memos.remove(&coder)
                } else {
                    self.note_memos.insert(coder.clone(), memo)
                };
                self.touch(&coder);
                CodingAction::NoteMemo {
                    coder,
                    memo: prev.unwrap_or_default(),
                }
            }
        }
    }

    /// Exchange stored range states with the codings' current ones.
    fn swap_ranges(&mut self, states: &mut BTreeMap<usize, RangeState>) {
        for (&i, st) in states.iter_mut() {
            let c = &mut self.codings[i];
            std::mem::swap(&mut c.start, &mut st.start);
            std::mem::swap(&mut c.end, &mut st.end);
            std::mem::swap(&mut c.status, &mut st.status);
            if let Some(t) = st.text.as_mut() {
                std::mem::swap(&mut c.quote, &mut t.quote);
                std::mem::swap(&mut c.before, &mut t.before);
                std::mem::swap(&mut c.after, &mut t.after);
            }
        }
        let coders: Vec<String> = states
            .keys()
            .map(|&i| self.codings[i].coder.clone())
            .collect();
        for coder in coders {
            self.touch(&coder);
        }
    }

    // ----- undo / redo ---------------------------------------------------------------------

    /// Undo the last step (a typing group, a paste, a coding action ...): text, cursor,
    /// selection and coding state return to exactly what they were before it. Returns the text
    /// changes made (empty for a coding action).
    pub fn undo(&mut self) -> Vec<Change> {
        self.resync();
        self.editor.break_undo_group();
        let Some(step) = self.undo.pop() else {
            return Vec::new();
        };
        let (step, changes) = self.revert(step, true);
        self.redo.push(step);
        changes
    }

    /// Redo the last undone step.
    pub fn redo(&mut self) -> Vec<Change> {
        self.resync();
        self.editor.break_undo_group();
        let Some(step) = self.redo.pop() else {
            return Vec::new();
        };
        let (step, changes) = self.revert(step, false);
        self.undo.push(step);
        changes
    }

    fn revert(&mut self, step: Step, undo: bool) -> (Step, Vec<Change>) {
        match step {
            Step::Text {
                editor_step,
                mut codings,
            } => {
                let top = if undo {
                    self.editor.undo_top_id()
                } else {
                    self.editor.redo_top_id()
                };
                debug_assert_eq!(top, Some(editor_step), "histories out of step");
                let changes = if undo {
                    self.editor.undo()
                } else {
                    self.editor.redo()
                };
                self.seen_editor_version = self.editor.version();
                self.swap_ranges(&mut codings);
                (
                    Step::Text {
                        editor_step,
                        codings,
                    },
                    changes,
                )
            }
            Step::Coding(action) => (Step::Coding(self.apply(action)), Vec::new()),
        }
    }
}

/// Quote and context of `[start, end)` in the editor's text.
fn quote_text(editor: &Editor, start: usize, end: usize) -> QuoteText {
    QuoteText {
        quote: editor.slice(start, end),
        before: editor.slice(start.saturating_sub(CONTEXT_CHARS), start),
        after: editor.slice(end, end + CONTEXT_CHARS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(start: usize, end: usize, theme: &str) -> Coding {
        let now = Utc::now();
        Coding {
            id: CodingId::new(),
            session: SessionId("01jd3k0000000000000000000a".into()),
            theme: theme.into(),
            coder: "ana".into(),
            start,
            end,
            quote: String::new(),
            before: String::new(),
            after: String::new(),
            memo: String::new(),
            status: AnchorStatus::Attached,
            created: now,
            updated: now,
        }
    }

    #[test]
    fn replace_all_moves_codings_and_one_undo_puts_them_back() {
        let text = "Doña Ana: we built trust with dona ana slowly";
        let mut doc = NoteDocument::new(text, vec![], BTreeMap::new());
        let c = coding(19, 24, "trust");
        let id = c.id.clone();
        doc.add_coding(c).unwrap();
        let m = crate::core::find::Finder::new(text).find("dona ana");
        assert_eq!(m, [(0, 8), (30, 38)]);
        doc.replace_ranges(&m, "Doña Ana Ruiz");
        assert_eq!(
            doc.editor().text(),
            "Doña Ana Ruiz: we built trust with Doña Ana Ruiz slowly"
        );
        let moved = doc.coding(&id).unwrap();
        assert_eq!(
            (moved.start, moved.end),
            (24, 29),
            "after the first, before the second"
        );
        assert_eq!(moved.quote, "trust");
        doc.undo();
        assert_eq!(doc.editor().text(), text);
        let back = doc.coding(&id).unwrap();
        assert_eq!((back.start, back.end), (19, 24));
    }

    #[test]
    fn typing_moves_and_undo_restores() {
        let mut doc = NoteDocument::new("we built trust slowly", vec![], BTreeMap::new());
        let c = coding(9, 14, "trust");
        let id = c.id.clone();
        doc.add_coding(c).unwrap();
        assert_eq!(doc.coding(&id).unwrap().quote, "trust");
        let v0 = doc.coding_version();
        doc.editor_mut().set_cursor(0, false);
        for ch in "Then ".chars() {
            doc.insert_char(ch);
        }
        let moved = doc.coding(&id).unwrap();
        assert_eq!((moved.start, moved.end), (14, 19));
        assert_eq!(moved.quote, "trust");
        assert_eq!(moved.before, "Then we built ");
        assert_eq!(doc.codings_changed_since(v0), vec!["ana".to_string()]);
        doc.undo(); // " "
        doc.undo(); // "Then"
        assert_eq!(doc.text(), "we built trust slowly");
        assert_eq!(doc.coding(&id).unwrap().before, "we built ");
        assert_eq!(
            (doc.coding(&id).unwrap().start, doc.coding(&id).unwrap().end),
            (9, 14)
        );
        doc.undo(); // the add
        assert!(doc.coding(&id).is_none());
        assert!(!doc.can_undo());
    }

    #[test]
    fn one_coder_codes_the_same_words_with_a_theme_once() {
        let mut doc = NoteDocument::new("we built trust slowly", vec![], BTreeMap::new());
        let first = coding(9, 14, "trust");
        let first_id = first.id.clone();
        doc.add_coding(first).unwrap();
        let dup = |id: &CodingId| DocumentError::Duplicate {
            id: id.clone(),
            theme: "trust".into(),
        };
        // Adding it again is refused, naming the coding that exists.
        assert_eq!(doc.add_coding(coding(9, 14, "trust")), Err(dup(&first_id)));
        // The same words under another theme are another coding; changing that one to the
        // first one's theme, or moving another trust coding onto these words, is refused too.
        let other = coding(9, 14, "roles");
        let other_id = other.id.clone();
        doc.add_coding(other).unwrap();
        assert_eq!(doc.set_theme(&other_id, "trust"), Err(dup(&first_id)));
        let wider = coding(3, 14, "trust");
        let wider_id = wider.id.clone();
        doc.add_coding(wider).unwrap();
        assert_eq!(doc.set_coding_range(&wider_id, 9, 14), Err(dup(&first_id)));
        // Another coder may code the same words with the same theme.
        let mut theirs = coding(9, 14, "trust");
        theirs.coder = "bea".into();
        doc.add_coding(theirs).unwrap();
        assert_eq!(doc.codings().len(), 4);
        assert!(dup(&first_id).to_string().contains(&first_id.0));
    }
}
