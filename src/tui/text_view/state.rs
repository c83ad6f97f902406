//! The view's state: the scroll position, following the cursor, settling the rows on screen,
//! scrolling and hit-testing.

use super::cache::LayoutCache;
use super::{TextView, TextViewStyle};
use ratatui::layout::{Position, Rect};
use ropey::Rope;

/// Rows kept between the cursor and the top or bottom edge when following the cursor.
pub const SCROLL_OFF: usize = 2;

/// One screen row as settled: which row of which line it shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct ScreenRow {
    pub(super) line: usize,
    pub(super) row: usize,
    pub(super) line_start: usize,
}

/// What the state was last settled for. A frame of the same text (version), cursor, area,
/// margin and scroll position draws the settled rows as they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Settled {
    pub(super) cursor: Option<usize>,
    pub(super) version: Option<u64>,
    pub(super) doc_len: usize,
    pub(super) area: Rect,
    pub(super) margin_width: u16,
    pub(super) top: (usize, usize),
}

/// Scroll position and the rows on screen, for drawing, the cursor and hit-testing.
///
/// Two steps: `settle` (run by the app's update step after each message, with the area the
/// layout gives) follows the cursor, lays out the lines on screen at the wrap width (cached)
/// and records which text row each screen row shows; `render` then draws from
/// `&TextViewState` and changes nothing. Hit-testing, the wrap width and the page height
/// answer from the last settle.
#[derive(Default)]
pub struct TextViewState {
    /// First visible line and the visual row within it.
    pub top_line: usize,
    pub top_row: usize,
    pub(super) cache: LayoutCache,
    pub(super) area: Rect,
    pub(super) margin: u16,
    pub(super) text_x: u16,
    pub(super) wrap_width: usize,
    pub(super) screen: Vec<ScreenRow>,
    pub(super) doc_len: usize,
    pub(super) cursor_position: Option<Position>,
    /// Cursor, version and area of the last settle: when any changes, the view follows the
    /// cursor; a mouse-wheel scroll changes none, so it does not jump back.
    pub(super) last_seen: Option<(Option<usize>, Option<u64>, usize, Rect)>,
    pub(super) settled: Option<Settled>,
}

impl std::fmt::Debug for TextViewState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextViewState")
            .field("top_line", &self.top_line)
            .field("top_row", &self.top_row)
            .field("area", &self.area)
            .field("wrap_width", &self.wrap_width)
            .finish_non_exhaustive()
    }
}

impl TextViewState {
    pub fn new() -> TextViewState {
        TextViewState::default()
    }

    /// Where the terminal cursor goes, if the cursor is on screen.
    pub fn cursor_position(&self) -> Option<Position> {
        self.cursor_position
    }

    /// The wrap width of the last settle: pass it to the editor's vertical motions so they
    /// move over the same rows the user sees. (Before the first: 80.)
    pub fn wrap_width(&self) -> usize {
        if self.wrap_width == 0 {
            80
        } else {
            self.wrap_width
        }
    }

    /// The first and last lines with a row on screen at the last settle (None: none).
    pub fn lines_on_screen(&self) -> Option<(usize, usize)> {
        Some((self.screen.first()?.line, self.screen.last()?.line))
    }

    /// Height of the view in rows at the last settle (for page up/down).
    pub fn page_rows(&self) -> usize {
        (self.area.height as usize).max(1)
    }

    /// The char offset under screen position `(x, y)`, or None outside the view. A click in
    /// the margin gives the row's start; below the text, the end of the text.
    pub fn hit_test(&self, x: u16, y: u16) -> Option<usize> {
        if !self.area.contains(Position { x, y }) {
            return None;
        }
        let dy = (y - self.area.y) as usize;
        let Some(sr) = self.screen.get(dy) else {
            return Some(self.doc_len);
        };
        let cached = self.cache.lines.get(&sr.line)?;
        let col = x.saturating_sub(self.text_x) as usize;
        Some(sr.line_start + cached.layout.char_at_col(sr.row, col))
    }

    /// Like `hit_test`, but a position above or below the view clamps to its first or last
    /// row (for drag-selecting past the edge).
    pub fn hit_test_clamped(&self, x: u16, y: u16) -> Option<usize> {
        if self.area.is_empty() {
            return None;
        }
        let x = x.clamp(self.area.x, self.area.right() - 1);
        let y = y.clamp(self.area.y, self.area.bottom() - 1);
        self.hit_test(x, y)
    }

    /// Scroll the view by `delta` visual rows (negative = up) without moving the cursor
    /// (mouse wheel). Stops at the first row and at the last line's last row. The rows on
    /// screen are brought up to date by the next `settle`.
    pub fn scroll_by(&mut self, rope: &Rope, delta: isize) {
        self.cache.frame += 1;
        if self.cache.width == 0 {
            self.cache.width = self.wrap_width();
        }
        self.clamp_top(rope);
        let (l, r) = if delta < 0 {
            self.back(rope, self.top_line, self.top_row, delta.unsigned_abs())
        } else {
            self.forward(rope, self.top_line, self.top_row, delta as usize)
        };
        self.top_line = l;
        self.top_row = r;
    }

    fn clamp_top(&mut self, rope: &Rope) {
        let lines = rope.len_lines();
        if self.top_line >= lines {
            self.top_line = lines - 1;
            self.top_row = usize::MAX;
        }
        let n = self.cache.rows(rope, self.top_line);
        self.top_row = self.top_row.min(n - 1);
    }

    /// The position `n` rows above `(line, row)`, clamped at the first row.
    fn back(
        &mut self,
        rope: &Rope,
        mut line: usize,
        mut row: usize,
        mut n: usize,
    ) -> (usize, usize) {
        while n > 0 {
            if row >= n {
                return (line, row - n);
            }
            n -= row;
            if line == 0 {
                return (0, 0);
            }
            line -= 1;
            n -= 1;
            row = self.cache.rows(rope, line) - 1;
        }
        (line, row)
    }

    /// The position `n` rows below `(line, row)`, clamped at the last row.
    fn forward(
        &mut self,
        rope: &Rope,
        mut line: usize,
        mut row: usize,
        mut n: usize,
    ) -> (usize, usize) {
        let lines = rope.len_lines();
        while n > 0 {
            let rows = self.cache.rows(rope, line);
            if row + n < rows {
                return (line, row + n);
            }
            if line + 1 >= lines {
                return (line, rows - 1);
            }
            n -= rows - row;
            line += 1;
            row = 0;
        }
        (line, row)
    }

    /// Rows from the top to `(line, row)`, or None if it is more than `limit` rows below the
    /// top (or above it).
    fn distance_from_top(
        &mut self,
        rope: &Rope,
        line: usize,
        row: usize,
        limit: usize,
    ) -> Option<usize> {
        if (line, row) < (self.top_line, self.top_row) {
            return None;
        }
        let mut d = 0;
        let (mut l, mut r) = (self.top_line, self.top_row);
        while (l, r) != (line, row) {
            if d > limit {
                return None;
            }
            let rows = self.cache.rows(rope, l);
            if r + 1 < rows {
                r += 1;
            } else {
                l += 1;
                r = 0;
            }
            d += 1;
        }
        Some(d)
    }

    /// How many rows follow `(line, row)`, counting at most `limit`.
    fn rows_after(&mut self, rope: &Rope, line: usize, row: usize, limit: usize) -> usize {
        let (l, r) = self.forward(rope, line, row, limit);
        let mut n = 0;
        let (mut cl, mut cr) = (line, row);
        while (cl, cr) != (l, r) {
            let rows = self.cache.rows(rope, cl);
            if cr + 1 < rows {
                cr += 1;
            } else {
                cl += 1;
                cr = 0;
            }
            n += 1;
        }
        n
    }

    /// Scroll so the cursor at `(line, row)` is on screen with `SCROLL_OFF` rows around it.
    fn follow(&mut self, rope: &Rope, line: usize, row: usize, height: usize) {
        let off = SCROLL_OFF.min(height.saturating_sub(1) / 2);
        // Below the cursor keep only as many rows as the text has (the end of the note sits
        // on the bottom row, not above blank rows).
        let after = self.rows_after(rope, line, row, off);
        let bottom = height.saturating_sub(1 + after);
        match self.distance_from_top(rope, line, row, height) {
            Some(d) if d >= off && d <= bottom => {}
            Some(d) if d < off => {
                (self.top_line, self.top_row) = self.back(rope, line, row, off);
            }
            Some(_) => {
                (self.top_line, self.top_row) = self.back(rope, line, row, bottom);
            }
            None => {
                let above = (line, row) < (self.top_line, self.top_row);
                let keep = if above { off } else { bottom };
                (self.top_line, self.top_row) = self.back(rope, line, row, keep);
            }
        }
    }

    /// Settle the view for `view` drawn in `area`: follow the cursor when the text, the
    /// cursor or the area changed since the last settle, lay out the lines on screen (the
    /// layouts are cached at the wrap width and re-checked against the text), and record the
    /// rows on screen and where the cursor is. After this, `render` draws `view` without
    /// changing the state, and hit-testing answers for what it draws.
    pub fn settle(&mut self, view: &TextView<'_>, area: Rect) {
        let default_style = TextViewStyle::default();
        let style = view.style.unwrap_or(&default_style);
        let rope = view.rope;
        self.area = area;
        self.screen.clear();
        self.cursor_position = None;
        self.doc_len = rope.len_chars();
        self.settled = None;
        if area.is_empty() {
            return;
        }
        let margin = style.margin_width.min(area.width.saturating_sub(2));
        self.margin = margin;
        self.text_x = area.x + margin;
        let text_width = (area.width - margin) as usize;
        // One column stays free at the right so the cursor fits after a full row.
        let wrap_width = text_width.saturating_sub(1).max(1);
        if self.cache.width != wrap_width {
            self.cache.lines.clear();
            self.cache.width = wrap_width;
        }
        if self.cache.lines.len() > 4096 {
            self.cache.lines.clear();
        }
        self.cache.frame += 1;
        self.wrap_width = wrap_width;
        let height = area.height as usize;

        self.clamp_top(rope);
        let cursor = view.cursor.map(|c| c.min(rope.len_chars()));
        let cursor_lr = cursor.map(|c| {
            let line = rope.char_to_line(c);
            let rel = c - rope.line_to_char(line);
            let row = self.cache.layout(rope, line).layout.row_of(rel);
            (line, row, rel)
        });
        let seen = (cursor, view.version, self.doc_len, area);
        if self.last_seen != Some(seen) {
            if let Some((line, row, _)) = cursor_lr {
                self.follow(rope, line, row, height);
            }
            self.last_seen = Some(seen);
        }

        let lines = rope.len_lines();
        let (mut line, mut row) = (self.top_line, self.top_row);
        while self.screen.len() < height && line < lines {
            let line_start = rope.line_to_char(line);
            let layout = &self.cache.layout(rope, line).layout;
            while row < layout.rows.len() && self.screen.len() < height {
                if cursor_lr.is_some_and(|(cl, crow, _)| cl == line && crow == row) {
                    let rel = cursor_lr.map_or(0, |(_, _, rel)| rel);
                    let ccol = layout.col_of(row, rel).min(text_width - 1);
                    self.cursor_position = Some(Position {
                        x: self.text_x + ccol as u16,
                        y: area.y + self.screen.len() as u16,
                    });
                }
                self.screen.push(ScreenRow {
                    line,
                    row,
                    line_start,
                });
                row += 1;
            }
            line += 1;
            row = 0;
        }
        self.settled = Some(Settled {
            cursor,
            version: view.version,
            doc_len: self.doc_len,
            area,
            margin_width: style.margin_width,
            top: (self.top_line, self.top_row),
        });
    }
}
