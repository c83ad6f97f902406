//! The text-editing core of the note editor: a rope, a cursor, a selection, motions and an
//! undo history. No terminal code; the view (`tui::text_view`) draws it.
//!
//! Every offset is a code point (char) index, half-open. Every operation that changes the text
//! returns the `anchor::Change`s it made, in order, so callers can move codings with
//! `anchor::map_range` (see `document::NoteDocument`, which does this for you).

use crate::core::anchor::Change;
use crate::core::layout::LineLayout;
use crate::core::text::normalize_newlines;
use ropey::{Rope, RopeSlice};
use std::collections::HashMap;
use unicode_segmentation::{GraphemeCursor, GraphemeIncomplete, UnicodeSegmentation};

/// One recorded edit: at `start`, `removed` was replaced by `inserted`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Edit {
    start: usize,
    removed: String,
    inserted: String,
    removed_chars: usize,
    inserted_chars: usize,
}

impl Edit {
    fn change(&self) -> Change {
        Change {
            start: self.start,
            removed: self.removed_chars,
            inserted: self.inserted_chars,
        }
    }
}

/// What kind of edit opened the current undo group; only same-kind edits merge into it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum GroupKind {
    /// Typing non-whitespace characters (a word, punctuation included).
    TypingWord,
    /// Typing spaces or tabs.
    TypingSpace,
    /// Repeated backspace.
    DeleteBack,
    /// Repeated forward delete.
    DeleteForward,
    /// Anything else: its own step.
    Single,
}

#[derive(Clone, Debug)]
struct UndoStep {
    id: u64,
    edits: Vec<Edit>,
    cursor_before: usize,
    anchor_before: Option<usize>,
    cursor_after: usize,
    anchor_after: Option<usize>,
}

/// Line layouts at one wrap width. An entry made at an older version is checked against the
/// line's text before use (and a long line is updated around the edit).
#[derive(Debug, Default)]
struct WrapCache {
    width: usize,
    lines: HashMap<usize, CachedLayout>,
}

#[derive(Debug)]
struct CachedLayout {
    version: u64,
    text: String,
    layout: LineLayout,
}

/// Lines longer than this (in bytes) are re-laid out incrementally after an edit.
const LONG_LINE_BYTES: usize = 2048;

/// The editor: text, cursor, selection, clipboard and undo history.
#[derive(Debug)]
pub struct Editor {
    rope: Rope,
    cursor: usize,
    anchor: Option<usize>,
    /// Display column kept across vertical moves (over short rows and double-width text).
    preferred_col: Option<usize>,
    undo: Vec<UndoStep>,
    redo: Vec<UndoStep>,
    open_group: Option<GroupKind>,
    next_step_id: u64,
    version: u64,
    clipboard: String,
    wrap_cache: WrapCache,
}

impl Default for Editor {
    fn default() -> Self {
        Editor::new("")
    }
}

impl Editor {
    /// An editor over `text` (CRLF and CR become LF), cursor at the start, empty history.
    pub fn new(text: &str) -> Editor {
        Editor {
            rope: Rope::from_str(&normalize_newlines(text)),
            cursor: 0,
            anchor: None,
            preferred_col: None,
            undo: Vec::new(),
            redo: Vec::new(),
            open_group: None,
            next_step_id: 1,
            version: 0,
            clipboard: String::new(),
            wrap_cache: WrapCache::default(),
        }
    }

    // ----- reading -------------------------------------------------------------------------

    pub fn text(&self) -> String {
        self.rope.to_string()
    }
    pub fn rope(&self) -> &Rope {
        &self.rope
    }
    pub fn len_chars(&self) -> usize {
        self.rope.len_chars()
    }
    /// Number of lines; text ending in `\n` has an empty last line.
    pub fn line_count(&self) -> usize {
        self.rope.len_lines()
    }
    pub fn cursor(&self) -> usize {
        self.cursor
    }
    /// The selection anchor, if a selection is being made (may equal the cursor).
    pub fn anchor(&self) -> Option<usize> {
        self.anchor
    }
    /// The selected range, ordered, if it is not empty.
    pub fn selection(&self) -> Option<(usize, usize)> {
        let a = self.anchor?;
        if a == self.cursor {
            None
        } else {
            Some((a.min(self.cursor), a.max(self.cursor)))
        }
    }
    pub fn selected_text(&self) -> Option<String> {
        self.selection()
            .map(|(s, e)| self.rope.slice(s..e).to_string())
    }
    /// Increases on every change of the text (edits, undo, redo). Never decreases.
    pub fn version(&self) -> u64 {
        self.version
    }
    pub fn clipboard(&self) -> &str {
        &self.clipboard
    }
    pub fn set_clipboard(&mut self, text: &str) {
        self.clipboard = normalize_newlines(text);
    }
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
    /// The line holding char `pos` (clamped).
    pub fn line_of(&self, pos: usize) -> usize {
        self.rope.char_to_line(pos.min(self.len_chars()))
    }
    /// Char offset where line `line` starts (clamped).
    pub fn line_start(&self, line: usize) -> usize {
        self.rope.line_to_char(line.min(self.line_count()))
    }
    /// Text of line `line` without its `\n`.
    pub fn line_text(&self, line: usize) -> String {
        line_string(self.rope.line(line))
    }
    /// Length in chars of line `line` without its `\n`.
    pub fn line_len(&self, line: usize) -> usize {
        line_len(self.rope.line(line))
    }
    /// The text in `[start, end)` (clamped).
    pub fn slice(&self, start: usize, end: usize) -> String {
        let len = self.len_chars();
        let (s, e) = (start.min(len), end.min(len));
        self.rope.slice(s.min(e)..e).to_string()
    }

    // ----- cursor and selection ------------------------------------------------------------

    /// Move the cursor to `pos` (clamped to the text). With `extend`, the selection grows from
    /// where the cursor was; without, any selection is dropped.
    pub fn set_cursor(&mut self, pos: usize, extend: bool) {
        let pos = pos.min(self.len_chars());
        if extend {
            if self.anchor.is_none() {
                self.anchor = Some(self.cursor);
            }
        } else {
            self.anchor = None;
        }
        self.cursor = pos;
        self.preferred_col = None;
        self.open_group = None;
    }

    /// Select `[anchor, cursor)` (either order; the cursor ends at `cursor`).
    pub fn set_selection(&mut self, anchor: usize, cursor: usize) {
        let len = self.len_chars();
        self.anchor = Some(anchor.min(len));
        self.cursor = cursor.min(len);
        self.preferred_col = None;
        self.open_group = None;
    }

    pub fn clear_selection(&mut self) {
        self.anchor = None;
    }

    pub fn select_all(&mut self) {
        self.set_selection(0, self.len_chars());
    }

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

    // ----- horizontal motions --------------------------------------------------------------

    /// One grapheme cluster left (or to the selection's start, dropping it).
    pub fn move_left(&mut self, extend: bool) {
        if !extend {
            if let Some((s, _)) = self.selection() {
                return self.set_cursor(s, false);
            }
        }
        let p = self.prev_grapheme(self.cursor);
        self.set_cursor(p, extend);
    }

    /// One grapheme cluster right (or to the selection's end, dropping it).
    pub fn move_right(&mut self, extend: bool) {
        if !extend {
            if let Some((_, e)) = self.selection() {
                return self.set_cursor(e, false);
            }
        }
        let p = self.next_grapheme(self.cursor);
        self.set_cursor(p, extend);
    }

    /// To the start of the word before the cursor (Unicode word boundaries).
    pub fn move_word_left(&mut self, extend: bool) {
        let p = self.word_left_of(self.cursor);
        self.set_cursor(p, extend);
    }

    /// To the end of the word after the cursor.
    pub fn move_word_right(&mut self, extend: bool) {
        let p = self.word_right_of(self.cursor);
        self.set_cursor(p, extend);
    }

    pub fn move_doc_start(&mut self, extend: bool) {
        self.set_cursor(0, extend);
    }

    pub fn move_doc_end(&mut self, extend: bool) {
        self.set_cursor(self.len_chars(), extend);
    }

    /// Start of the grapheme cluster before `pos`.
    pub fn prev_grapheme(&self, pos: usize) -> usize {
        prev_grapheme_boundary(self.rope.slice(..), pos.min(self.len_chars()))
    }

    /// End of the grapheme cluster at `pos`.
    pub fn next_grapheme(&self, pos: usize) -> usize {
        next_grapheme_boundary(self.rope.slice(..), pos.min(self.len_chars()))
    }

    /// Start of the word before `pos`: the start of the word holding `pos` if `pos` is inside
    /// one, else of the previous word (across lines); 0 if none.
    pub fn word_left_of(&self, pos: usize) -> usize {
        let pos = pos.min(self.len_chars());
        let mut line = self.line_of(pos);
        loop {
            let start = self.line_start(line);
            let mut best = None;
            for (s, _) in word_spans(&self.line_text(line)) {
                if start + s < pos {
                    best = Some(start + s);
                } else {
                    break;
                }
            }
            if let Some(b) = best {
                return b;
            }
            if line == 0 {
                return 0;
            }
            line -= 1;
        }
    }

    /// End of the word after `pos`: the end of the word holding `pos`, else of the next word
    /// (across lines); the text's end if none.
    pub fn word_right_of(&self, pos: usize) -> usize {
        let pos = pos.min(self.len_chars());
        let lines = self.line_count();
        let mut line = self.line_of(pos);
        while line < lines {
            let start = self.line_start(line);
            for (_, e) in word_spans(&self.line_text(line)) {
                if start + e > pos {
                    return start + e;
                }
            }
            line += 1;
        }
        self.len_chars()
    }

    /// The word holding `pos` (or ending at it), as a char range.
    pub fn word_at(&self, pos: usize) -> Option<(usize, usize)> {
        let pos = pos.min(self.len_chars());
        let line = self.line_of(pos);
        let start = self.line_start(line);
        let words = word_spans(&self.line_text(line));
        let rel = pos - start;
        words
            .iter()
            .find(|&&(s, e)| s <= rel && rel < e)
            .or_else(|| words.iter().find(|&&(_, e)| e == rel))
            .map(|&(s, e)| (start + s, start + e))
    }

    /// Select the word at `pos` (double click); false if there is none.
    pub fn select_word_at(&mut self, pos: usize) -> bool {
        match self.word_at(pos) {
            Some((s, e)) => {
                self.set_selection(s, e);
                true
            }
            None => false,
        }
    }

    // ----- vertical motions (visual rows) --------------------------------------------------

    /// Layout of line `line` at `width` columns (cached until the text or width changes).
    pub fn line_layout(&mut self, line: usize, width: usize) -> &LineLayout {
        let cache = &mut self.wrap_cache;
        if cache.width != width || cache.lines.len() > 256 {
            cache.lines.clear();
            cache.width = width;
        }
        let version = self.version;
        let fresh = cache.lines.get(&line).is_some_and(|c| c.version == version);
        if !fresh {
            let text = line_string(self.rope.line(line));
            match cache.lines.get_mut(&line) {
                Some(c) if c.text == text => c.version = version,
                Some(c) if c.text.len() > LONG_LINE_BYTES => {
                    c.layout.update(&c.text, &text, width);
                    c.text = text;
                    c.version = version;
                }
                _ => {
                    let layout = LineLayout::new(&text, width);
                    cache.lines.insert(
                        line,
                        CachedLayout {
                            version,
                            text,
                            layout,
                        },
                    );
                }
            }
        }
        &cache.lines[&line].layout
    }

    /// The cursor's line, visual row within the line and display column.
    pub fn cursor_visual(&mut self, width: usize) -> (usize, usize, usize) {
        let line = self.line_of(self.cursor);
        let rel = self.cursor - self.line_start(line);
        let layout = self.line_layout(line, width);
        let row = layout.row_of(rel);
        let col = layout.col_of(row, rel);
        (line, row, col)
    }

    /// Up one visual row at wrap `width`, keeping the preferred display column.
    pub fn move_up(&mut self, width: usize, extend: bool) {
        self.move_rows(-1, width, extend);
    }

    /// Down one visual row at wrap `width`, keeping the preferred display column.
    pub fn move_down(&mut self, width: usize, extend: bool) {
        self.move_rows(1, width, extend);
    }

    /// Up `rows` visual rows (a page).
    pub fn page_up(&mut self, rows: usize, width: usize, extend: bool) {
        self.move_rows(-(rows.max(1) as isize), width, extend);
    }

    /// Down `rows` visual rows (a page).
    pub fn page_down(&mut self, rows: usize, width: usize, extend: bool) {
        self.move_rows(rows.max(1) as isize, width, extend);
    }

    /// Move by `delta` visual rows. Past the first row goes to the text's start, past the last
    /// to its end.
    pub fn move_rows(&mut self, delta: isize, width: usize, extend: bool) {
        let (mut line, mut row, col) = self.cursor_visual(width);
        let col = self.preferred_col.unwrap_or(col);
        let lines = self.line_count();
        let mut target = None;
        for _ in 0..delta.unsigned_abs() {
            if delta < 0 {
                if row > 0 {
                    row -= 1;
                } else if line > 0 {
                    line -= 1;
                    row = self.line_layout(line, width).rows.len() - 1;
                } else {
                    target = Some(0);
                    break;
                }
            } else {
                let n_rows = self.line_layout(line, width).rows.len();
                if row + 1 < n_rows {
                    row += 1;
                } else if line + 1 < lines {
                    line += 1;
                    row = 0;
                } else {
                    target = Some(self.len_chars());
                    break;
                }
            }
        }
        match target {
            // Ran into the start or end: the column starts afresh from there.
            Some(p) => self.set_cursor(p, extend),
            None => {
                let start = self.line_start(line);
                let pos = start + self.line_layout(line, width).char_at_col(row, col);
                self.set_cursor(pos, extend);
                self.preferred_col = Some(col);
            }
        }
    }

    /// Start of the visual row; pressed again at a row start, the start of the line.
    pub fn move_home(&mut self, width: usize, extend: bool) {
        let (line, row, _) = self.cursor_visual(width);
        let start = self.line_start(line);
        let row_start = start + self.line_layout(line, width).rows[row].start;
        let p = if self.cursor != row_start {
            row_start
        } else {
            start
        };
        self.set_cursor(p, extend);
    }

    /// End of the visual row; pressed again there, the end of the line.
    pub fn move_end(&mut self, width: usize, extend: bool) {
        let (line, row, _) = self.cursor_visual(width);
        let start = self.line_start(line);
        let layout = self.line_layout(line, width);
        let row_end = start + layout.row_end_cursor(row);
        let line_end = start + layout.len_chars;
        let p = if self.cursor != row_end {
            row_end
        } else {
            line_end
        };
        self.set_cursor(p, extend);
    }

    // ----- paragraphs and sentences --------------------------------------------------------

    fn line_is_blank(&self, line: usize) -> bool {
        self.rope.line(line).chars().all(char::is_whitespace)
    }

    /// The paragraph (a run of non-blank lines) holding `pos`, from its first char to the end
    /// of its last line (without the `\n`). None on a blank line.
    pub fn paragraph_at(&self, pos: usize) -> Option<(usize, usize)> {
        let line = self.line_of(pos);
        if self.line_is_blank(line) {
            return None;
        }
        Some(self.paragraph_of_line(line))
    }

    fn paragraph_of_line(&self, line: usize) -> (usize, usize) {
        let mut first = line;
        while first > 0 && !self.line_is_blank(first - 1) {
            first -= 1;
        }
        let mut last = line;
        while last + 1 < self.line_count() && !self.line_is_blank(last + 1) {
            last += 1;
        }
        (
            self.line_start(first),
            self.line_start(last) + self.line_len(last),
        )
    }

    /// Paragraphs from the one holding (or following) `pos` onwards.
    fn paragraphs_from(&self, pos: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let mut line = self.line_of(pos);
        std::iter::from_fn(move || {
            while line < self.line_count() && self.line_is_blank(line) {
                line += 1;
            }
            if line >= self.line_count() {
                return None;
            }
            let p = self.paragraph_of_line(line);
            line = self.line_of(p.1) + 1;
            Some(p)
        })
    }

    /// Paragraphs from the one holding (or preceding) `pos` backwards.
    fn paragraphs_back_from(&self, pos: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let mut line = Some(self.line_of(pos));
        std::iter::from_fn(move || {
            let mut l = line?;
            while self.line_is_blank(l) {
                if l == 0 {
                    line = None;
                    return None;
                }
                l -= 1;
            }
            let p = self.paragraph_of_line(l);
            let first = self.line_of(p.0);
            line = first.checked_sub(1);
            Some(p)
        })
    }

    /// To the end of the paragraph; at its end, the end of the next one.
    pub fn move_paragraph_end(&mut self, extend: bool) {
        let cur = self.cursor;
        let p = self
            .paragraphs_from(cur)
            .map(|(_, e)| e)
            .find(|&e| e > cur)
            .unwrap_or(self.len_chars());
        self.set_cursor(p, extend);
    }

    /// To the start of the paragraph; at its start, the start of the previous one.
    pub fn move_paragraph_start(&mut self, extend: bool) {
        let cur = self.cursor;
        let p = self
            .paragraphs_back_from(cur)
            .map(|(s, _)| s)
            .find(|&s| s < cur)
            .unwrap_or(0);
        self.set_cursor(p, extend);
    }

    /// Sentences of the paragraph holding `pos`, in absolute offsets.
    fn sentences_in(&self, para: (usize, usize)) -> Vec<(usize, usize)> {
        let text = self.rope.slice(para.0..para.1).to_string();
        sentence_ranges(&text)
            .into_iter()
            .map(|(s, e)| (para.0 + s, para.0 + e))
            .collect()
    }

    /// The sentence holding `pos` (from its first non-space char through its terminator),
    /// or None between paragraphs.
    pub fn sentence_at(&self, pos: usize) -> Option<(usize, usize)> {
        let para = self.paragraph_at(pos)?;
        let sentences = self.sentences_in(para);
        sentences
            .iter()
            .copied()
            .find(|&(_, e)| e > pos)
            .or(sentences.last().copied())
    }

    /// Select the sentence at `pos` (for coding a whole sentence); false between paragraphs.
    pub fn select_sentence_at(&mut self, pos: usize) -> bool {
        match self.sentence_at(pos) {
            Some((s, e)) => {
                self.set_selection(s, e);
                true
            }
            None => false,
        }
    }

    /// Select the paragraph at `pos`; false on a blank line.
    pub fn select_paragraph_at(&mut self, pos: usize) -> bool {
        match self.paragraph_at(pos) {
            Some((s, e)) => {
                self.set_selection(s, e);
                true
            }
            None => false,
        }
    }

    /// To the end of the sentence (after `.`, `!`, `?`); at its end, the end of the next one.
    pub fn move_sentence_end(&mut self, extend: bool) {
        let cur = self.cursor;
        let mut target = self.len_chars();
        for para in self.paragraphs_from(cur) {
            if let Some((_, e)) = self.sentences_in(para).into_iter().find(|&(_, e)| e > cur) {
                target = e;
                break;
            }
        }
        self.set_cursor(target, extend);
    }

    /// To the start of the sentence; at its start, the start of the previous one.
    pub fn move_sentence_start(&mut self, extend: bool) {
        let cur = self.cursor;
        let mut target = 0;
        for para in self.paragraphs_back_from(cur) {
            if let Some((s, _)) = self
                .sentences_in(para)
                .into_iter()
                .rev()
                .find(|&(s, _)| s < cur)
            {
                target = s;
                break;
            }
        }
        self.set_cursor(target, extend);
    }
}

/// A rope line as a String without its `\n`.
fn line_string(line: RopeSlice) -> String {
    let mut s = line.to_string();
    if s.ends_with('\n') {
        s.pop();
    }
    s
}

fn line_len(line: RopeSlice) -> usize {
    let n = line.len_chars();
    if n > 0 && line.char(n - 1) == '\n' {
        n - 1
    } else {
        n
    }
}

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

fn prev_grapheme_boundary(slice: RopeSlice, char_idx: usize) -> usize {
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

fn next_grapheme_boundary(slice: RopeSlice, char_idx: usize) -> usize {
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
    fn word_at_and_select_word() {
        let mut ed = Editor::new("met Doña Ana\nhere");
        assert_eq!(ed.word_at(5), Some((4, 8)));
        assert_eq!(ed.word_at(8), Some((4, 8)), "at a word's end");
        assert_eq!(ed.word_at(3), Some((0, 3)));
        assert!(ed.select_word_at(14));
        assert_eq!(ed.selected_text().as_deref(), Some("here"));
        let ed = Editor::new("a  , b");
        assert_eq!(ed.word_at(3), None);
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
