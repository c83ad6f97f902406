//! The text-editing core of the note editor: a rope, a cursor, a selection, motions and an
//! undo history. No terminal code; the view (`tui::text_view`) draws it.
//!
//! Every offset is a code point (char) index, half-open. Every operation that changes the text
//! returns the `anchor::Change`s it made, in order, so callers can move codings with
//! `anchor::map_range` (see `document::NoteDocument`, which does this for you).

mod editing;
mod motion;
mod units;

pub use units::{sentence_ranges, word_spans};

use crate::core::anchor::Change;
use crate::core::layout::LineLayout;
use crate::core::text::normalize_newlines;
use ropey::{Rope, RopeSlice};
use std::collections::HashMap;

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
