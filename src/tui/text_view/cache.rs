//! Line layouts cached at one wrap width, re-checked against the text once per settle.

use crate::core::layout::LineLayout;
use ropey::Rope;
use std::collections::HashMap;

/// Lines longer than this (in bytes) are re-laid out incrementally after an edit.
const LONG_LINE_BYTES: usize = 2048;

pub(super) struct CachedLine {
    pub(super) text: String,
    pub(super) layout: LineLayout,
    checked_frame: u64,
}

/// Line layouts at one wrap width, keyed by line index, re-validated against the text once per
/// frame (a changed line is laid out again).
#[derive(Default)]
pub(super) struct LayoutCache {
    pub(super) width: usize,
    pub(super) frame: u64,
    pub(super) lines: HashMap<usize, CachedLine>,
}

impl LayoutCache {
    pub(super) fn layout(&mut self, rope: &Rope, line: usize) -> &CachedLine {
        let start = rope.line_to_char(line);
        let len = line_len(rope, line);
        let slice = rope.slice(start..start + len);
        let frame = self.frame;
        let valid = match self.lines.get_mut(&line) {
            Some(c) if c.checked_frame == frame => true,
            Some(c) => {
                let ok = slice == c.text.as_str();
                if ok {
                    c.checked_frame = frame;
                }
                ok
            }
            None => false,
        };
        if !valid {
            let text = slice.to_string();
            // A long line that changed is updated around the edit, not laid out afresh.
            if let Some(c) = self.lines.get_mut(&line) {
                if c.text.len() > LONG_LINE_BYTES {
                    c.layout.update(&c.text, &text, self.width);
                    c.text = text;
                    c.checked_frame = frame;
                    return &self.lines[&line];
                }
            }
            let layout = LineLayout::new(&text, self.width);
            self.lines.insert(
                line,
                CachedLine {
                    text,
                    layout,
                    checked_frame: frame,
                },
            );
        }
        &self.lines[&line]
    }

    pub(super) fn rows(&mut self, rope: &Rope, line: usize) -> usize {
        self.layout(rope, line).layout.rows.len()
    }
}

pub(super) fn line_len(rope: &Rope, line: usize) -> usize {
    let l = rope.line(line);
    let n = l.len_chars();
    if n > 0 && l.char(n - 1) == '\n' {
        n - 1
    } else {
        n
    }
}
