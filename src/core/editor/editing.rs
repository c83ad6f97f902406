//! Changing the text: typing, deleting, the clipboard, and the undo history that groups
//! edits by word.

use super::{Edit, Editor, GroupKind, UndoStep};
use crate::core::anchor::Change;
use crate::core::text::normalize_newlines;

impl Editor {
    // ----- editing -------------------------------------------------------------------------

    /// Type one character, replacing the selection if any. `\r` counts as a newline.
    pub fn insert_char(&mut self, c: char) -> Vec<Change> {
        if c == '\r' || c == '\n' {
            return self.newline();
        }
        let kind = if c.is_whitespace() {
            GroupKind::TypingSpace
        } else {
            GroupKind::TypingWord
        };
        let (s, e) = self.selection().unwrap_or((self.cursor, self.cursor));
        let mut buf = [0u8; 4];
        self.replace(s, e, c.encode_utf8(&mut buf), kind)
    }

    /// Insert text (a paste), replacing the selection. CRLF and CR become LF. One undo step.
    pub fn insert_str(&mut self, text: &str) -> Vec<Change> {
        let text = normalize_newlines(text);
        let (s, e) = self.selection().unwrap_or((self.cursor, self.cursor));
        if text.is_empty() && s == e {
            return Vec::new();
        }
        self.replace(s, e, &text, GroupKind::Single)
    }

    pub fn newline(&mut self) -> Vec<Change> {
        let (s, e) = self.selection().unwrap_or((self.cursor, self.cursor));
        self.replace(s, e, "\n", GroupKind::Single)
    }

    /// Replace `[start, end)` with `text` as its own undo step; the cursor ends after the new
    /// text. For programmatic edits (search and replace, tests).
    pub fn replace_range(&mut self, start: usize, end: usize, text: &str) -> Vec<Change> {
        let len = self.len_chars();
        let (s, e) = (start.min(len), end.min(len));
        let (s, e) = (s.min(e), s.max(e));
        let text = normalize_newlines(text);
        if s == e && text.is_empty() {
            return Vec::new();
        }
        self.replace(s, e, &text, GroupKind::Single)
    }

    /// Replace each of `ranges` (in order, not overlapping, offsets of the text as it is) with
    /// `text`, as one undo step (find's "replace all"). Returns the changes in the order they
    /// were made: from the last range to the first, so each one's offsets hold when it is
    /// applied. The cursor ends after the first replacement.
    pub fn replace_ranges(&mut self, ranges: &[(usize, usize)], text: &str) -> Vec<Change> {
        let len = self.len_chars();
        let text = normalize_newlines(text);
        let mut ranges: Vec<(usize, usize)> = ranges
            .iter()
            .map(|&(s, e)| (s.min(e).min(len), e.max(s).min(len)))
            .filter(|&(s, e)| s < e || !text.is_empty())
            .collect();
        ranges.sort_unstable();
        ranges.dedup();
        if ranges.windows(2).any(|w| w[0].1 > w[1].0) || ranges.is_empty() {
            return Vec::new();
        }
        let inserted_chars = text.chars().count();
        let (cursor_before, anchor_before) = (self.cursor, self.anchor);
        let mut edits = Vec::with_capacity(ranges.len());
        let mut changes = Vec::with_capacity(ranges.len());
        for &(s, e) in ranges.iter().rev() {
            let edit = Edit {
                start: s,
                removed_chars: e - s,
                removed: self.rope.slice(s..e).to_string(),
                inserted: text.clone(),
                inserted_chars,
            };
            self.rope.remove(s..e);
            self.rope.insert(s, &text);
            changes.push(edit.change());
            edits.push(edit);
        }
        self.cursor = ranges[0].0 + inserted_chars;
        self.anchor = None;
        self.after_change();
        self.redo.clear();
        let id = self.next_step_id;
        self.next_step_id += 1;
        self.undo.push(UndoStep {
            id,
            edits,
            cursor_before,
            anchor_before,
            cursor_after: self.cursor,
            anchor_after: None,
        });
        changes
    }

    /// Delete the selection, or the grapheme cluster before the cursor.
    pub fn backspace(&mut self) -> Vec<Change> {
        if let Some((s, e)) = self.selection() {
            return self.replace(s, e, "", GroupKind::Single);
        }
        if self.cursor == 0 {
            return Vec::new();
        }
        let s = self.prev_grapheme(self.cursor);
        self.replace(s, self.cursor, "", GroupKind::DeleteBack)
    }

    /// Delete the selection, or the grapheme cluster after the cursor.
    pub fn delete(&mut self) -> Vec<Change> {
        if let Some((s, e)) = self.selection() {
            return self.replace(s, e, "", GroupKind::Single);
        }
        if self.cursor >= self.len_chars() {
            return Vec::new();
        }
        let e = self.next_grapheme(self.cursor);
        self.replace(self.cursor, e, "", GroupKind::DeleteForward)
    }

    /// Delete the selection, or back to the start of the word (Ctrl-W / Ctrl-Backspace). At a
    /// line start it deletes only the line break.
    pub fn delete_word_back(&mut self) -> Vec<Change> {
        if let Some((s, e)) = self.selection() {
            return self.replace(s, e, "", GroupKind::Single);
        }
        if self.cursor == 0 {
            return Vec::new();
        }
        let line_start = self.line_start(self.line_of(self.cursor));
        let s = if self.cursor == line_start {
            self.cursor - 1
        } else {
            self.word_left_of(self.cursor).max(line_start)
        };
        self.replace(s, self.cursor, "", GroupKind::Single)
    }

    /// Delete the selection, or forward to the end of the word (Ctrl-Delete). At a line end it
    /// deletes only the line break.
    pub fn delete_word_forward(&mut self) -> Vec<Change> {
        if let Some((s, e)) = self.selection() {
            return self.replace(s, e, "", GroupKind::Single);
        }
        if self.cursor >= self.len_chars() {
            return Vec::new();
        }
        let line = self.line_of(self.cursor);
        let line_end = self.line_start(line) + self.line_len(line);
        let e = if self.cursor == line_end {
            self.cursor + 1
        } else {
            self.word_right_of(self.cursor).min(line_end)
        };
        self.replace(self.cursor, e, "", GroupKind::Single)
    }

    /// Delete the selection if there is one.
    pub fn delete_selection(&mut self) -> Vec<Change> {
        match self.selection() {
            Some((s, e)) => self.replace(s, e, "", GroupKind::Single),
            None => Vec::new(),
        }
    }

    /// Copy the selection to the internal clipboard and return it (None without a selection).
    pub fn copy(&mut self) -> Option<String> {
        let text = self.selected_text()?;
        self.clipboard = text.clone();
        Some(text)
    }

    /// Move the selection to the clipboard.
    pub fn cut(&mut self) -> Vec<Change> {
        if self.copy().is_none() {
            return Vec::new();
        }
        self.delete_selection()
    }

    /// Insert the internal clipboard, replacing the selection.
    pub fn paste(&mut self) -> Vec<Change> {
        let text = self.clipboard.clone();
        self.insert_str(&text)
    }

    /// Close the current undo group: the next edit starts a new step (the TUI calls this
    /// after a second of idle typing).
    pub fn break_undo_group(&mut self) {
        self.open_group = None;
    }

    /// Undo one step; restores the cursor and selection from before it.
    pub fn undo(&mut self) -> Vec<Change> {
        let Some(step) = self.undo.pop() else {
            return Vec::new();
        };
        let mut changes = Vec::with_capacity(step.edits.len());
        for edit in step.edits.iter().rev() {
            self.rope
                .remove(edit.start..edit.start + edit.inserted_chars);
            self.rope.insert(edit.start, &edit.removed);
            changes.push(Change {
                start: edit.start,
                removed: edit.inserted_chars,
                inserted: edit.removed_chars,
            });
        }
        self.cursor = step.cursor_before.min(self.len_chars());
        self.anchor = step.anchor_before.map(|a| a.min(self.len_chars()));
        self.after_change();
        self.redo.push(step);
        changes
    }

    /// Redo one undone step; restores the cursor and selection from after it.
    pub fn redo(&mut self) -> Vec<Change> {
        let Some(step) = self.redo.pop() else {
            return Vec::new();
        };
        let mut changes = Vec::with_capacity(step.edits.len());
        for edit in &step.edits {
            self.rope
                .remove(edit.start..edit.start + edit.removed_chars);
            self.rope.insert(edit.start, &edit.inserted);
            changes.push(edit.change());
        }
        self.cursor = step.cursor_after.min(self.len_chars());
        self.anchor = step.anchor_after.map(|a| a.min(self.len_chars()));
        self.after_change();
        self.undo.push(step);
        changes
    }

    /// Id of the newest undo step (ids increase; for `NoteDocument`'s unified history).
    pub fn undo_top_id(&self) -> Option<u64> {
        self.undo.last().map(|s| s.id)
    }
    /// Id of the step `redo` would re-apply.
    pub fn redo_top_id(&self) -> Option<u64> {
        self.redo.last().map(|s| s.id)
    }
    /// Forget undone steps (a coding action in `NoteDocument` makes them unreachable).
    pub(crate) fn clear_redo(&mut self) {
        self.redo.clear();
    }
    pub fn undo_depth(&self) -> usize {
        self.undo.len()
    }

    fn after_change(&mut self) {
        self.version += 1;
        self.preferred_col = None;
        self.open_group = None;
    }

    /// The one place the text changes (besides undo/redo): replace `[s, e)` by `text`, move
    /// the cursor after it, drop the selection, record history.
    fn replace(&mut self, s: usize, e: usize, text: &str, kind: GroupKind) -> Vec<Change> {
        let removed = self.rope.slice(s..e).to_string();
        let inserted_chars = text.chars().count();
        let edit = Edit {
            start: s,
            removed_chars: e - s,
            removed,
            inserted: text.to_string(),
            inserted_chars,
        };
        let change = edit.change();
        let (cursor_before, anchor_before) = (self.cursor, self.anchor);
        self.rope.remove(s..e);
        self.rope.insert(s, text);
        self.cursor = s + inserted_chars;
        self.anchor = None;
        self.version += 1;
        self.preferred_col = None;
        self.redo.clear();

        let merged = kind != GroupKind::Single
            && self.open_group == Some(kind)
            && self
                .undo
                .last()
                .is_some_and(|step| step.cursor_after == cursor_before);
        if merged {
            let step = self.undo.last_mut().expect("checked above");
            let last = step.edits.last_mut().expect("a step has edits");
            let coalesced = match kind {
                // Typing continues right after the previous insert.
                GroupKind::TypingWord | GroupKind::TypingSpace
                    if edit.removed_chars == 0
                        && last.start + last.inserted_chars == edit.start =>
                {
                    last.inserted.push_str(&edit.inserted);
                    last.inserted_chars += edit.inserted_chars;
                    true
                }
                // Backspace eats the char before the previous deletion.
                GroupKind::DeleteBack
                    if last.inserted_chars == 0
                        && edit.start + edit.removed_chars == last.start =>
                {
                    last.removed.insert_str(0, &edit.removed);
                    last.removed_chars += edit.removed_chars;
                    last.start = edit.start;
                    true
                }
                GroupKind::DeleteForward
                    if last.inserted_chars == 0 && edit.start == last.start =>
                {
                    last.removed.push_str(&edit.removed);
                    last.removed_chars += edit.removed_chars;
                    true
                }
                _ => false,
            };
            if !coalesced {
                step.edits.push(edit);
            }
            step.cursor_after = self.cursor;
            step.anchor_after = None;
        } else {
            let id = self.next_step_id;
            self.next_step_id += 1;
            self.undo.push(UndoStep {
                id,
                edits: vec![edit],
                cursor_before,
                anchor_before,
                cursor_after: self.cursor,
                anchor_after: None,
            });
        }
        self.open_group = (kind != GroupKind::Single).then_some(kind);
        vec![change]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_merges_by_word() {
        let mut ed = Editor::new("");
        for c in "hello world".chars() {
            ed.insert_char(c);
        }
        assert_eq!(ed.undo_depth(), 3, "hello | space | world");
        ed.undo();
        assert_eq!(ed.text(), "hello ");
        ed.undo();
        assert_eq!(ed.text(), "hello");
        ed.undo();
        assert_eq!(ed.text(), "");
        ed.redo();
        ed.redo();
        ed.redo();
        assert_eq!(ed.text(), "hello world");
        assert_eq!(ed.cursor(), 11);
    }

    #[test]
    fn backspaces_merge() {
        let mut ed = Editor::new("abcdef");
        ed.move_doc_end(false);
        ed.backspace();
        ed.backspace();
        ed.backspace();
        assert_eq!(ed.text(), "abc");
        ed.undo();
        assert_eq!(ed.text(), "abcdef");
        assert_eq!(ed.cursor(), 6);
    }
}
