//! The note view: word-wrapped text with coloured coded passages, the selection, search hits,
//! a margin of coding stripes, scrolling and mouse hit-testing.
//!
//! Laying out and drawing are two steps, so that drawing changes nothing:
//! ```ignore
//! let view = TextView::for_editor(doc.editor()).spans(&spans).search_hits(&hits).style(&style);
//! // In the update step, after each change: follow the cursor, lay out the rows on screen.
//! view_state.settle(&view, area);
//! // Hit-testing and vertical motions answer from the settled state:
//! doc.editor_mut().move_down(view_state.wrap_width(), shift);
//! // Drawing reads the state:
//! if let Some(p) = view_state.render(&view, area, frame.buffer_mut()) { frame.set_cursor_position(p); }
//! ```
//! (`frame.render_stateful_widget(view, area, &mut view_state)` does both steps at once, for
//! a view drawn on its own.) Only the lines on screen are laid out; line layouts are cached
//! and re-checked against the text at each settle, so a long note settles and draws in well
//! under a millisecond or two.

use crate::core::codebook::Codebook;
use crate::core::coding::{AnchorStatus, Coding};
use crate::core::editor::Editor;
use crate::core::layout::{LineLayout, TAB_WIDTH};
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::StatefulWidget;
use ropey::Rope;
use std::collections::HashMap;

/// Lines longer than this (in bytes) are re-laid out incrementally after an edit.
const LONG_LINE_BYTES: usize = 2048;

/// Rows kept between the cursor and the top or bottom edge when following the cursor.
pub const SCROLL_OFF: usize = 2;

/// A styled range of the note: a coded passage (or anything else worth colouring).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodedSpan {
    /// Chars, half-open.
    pub start: usize,
    pub end: usize,
    /// The theme colour; None draws the passage without colour (underlined).
    pub colour: Option<(u8, u8, u8)>,
    /// Shown in the margin (a theme key such as `trust`).
    pub label: String,
    /// Drawn instead of the colour-derived style when set (e.g. the coding being edited).
    pub style: Option<Style>,
}

impl CodedSpan {
    pub fn new(start: usize, end: usize, colour: Option<(u8, u8, u8)>, label: &str) -> CodedSpan {
        CodedSpan {
            start,
            end,
            colour,
            label: label.to_string(),
            style: None,
        }
    }
}

/// Parse `#rrggbb` (or `rrggbb`).
pub fn parse_hex_colour(s: &str) -> Option<(u8, u8, u8)> {
    let h = s.trim().trim_start_matches('#');
    if h.len() != 6 || !h.is_ascii() {
        return None;
    }
    let p = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some((p(0)?, p(2)?, p(4)?))
}

/// Black or white, whichever reads better on the background `rgb` (WCAG relative luminance).
pub fn contrast_text(rgb: (u8, u8, u8)) -> Color {
    // sRGB to linear light, tabulated once (this runs for every coded cell of every frame).
    static LINEAR: std::sync::OnceLock<[f64; 256]> = std::sync::OnceLock::new();
    let table = LINEAR.get_or_init(|| {
        std::array::from_fn(|i| {
            let c = i as f64 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        })
    });
    let lin = |c: u8| table[c as usize];
    let l = 0.2126 * lin(rgb.0) + 0.7152 * lin(rgb.1) + 0.0722 * lin(rgb.2);
    // Contrast with black (l+0.05)/0.05 beats contrast with white 1.05/(l+0.05) above ~0.179.
    if l > 0.179 {
        Color::Rgb(0, 0, 0)
    } else {
        Color::Rgb(255, 255, 255)
    }
}

/// Spans for the attached codings, coloured by their theme in `codebook` (themes missing
/// from the codebook are drawn without colour).
pub fn spans_for_codings<'a>(
    codings: impl IntoIterator<Item = &'a Coding>,
    codebook: &Codebook,
) -> Vec<CodedSpan> {
    codings
        .into_iter()
        .filter(|c| c.status == AnchorStatus::Attached && c.start < c.end)
        .map(|c| CodedSpan {
            start: c.start,
            end: c.end,
            colour: codebook
                .themes
                .iter()
                .find(|t| t.key == c.theme)
                .and_then(|t| parse_hex_colour(&t.colour)),
            label: c.theme.clone(),
            style: None,
        })
        .collect()
}

/// How the view draws things.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextViewStyle {
    /// NO_COLOR: no colours at all; passages are underlined (bold where they overlap), the
    /// margin shows theme keys as plain text.
    pub no_color: bool,
    /// Columns of the coding margin, including its one-column separator (0 = no margin).
    pub margin_width: u16,
    /// Base style of the text.
    pub text: Style,
    /// Patched over everything for the selection.
    pub selection: Style,
    /// Patched over coded passages for search hits.
    pub search_hit: Style,
    /// The margin's separator column.
    pub separator: Style,
}

impl TextViewStyle {
    pub fn new(no_color: bool) -> TextViewStyle {
        if no_color {
            TextViewStyle {
                no_color,
                margin_width: 14,
                text: Style::new(),
                selection: Style::new().add_modifier(Modifier::REVERSED),
                search_hit: Style::new().add_modifier(Modifier::BOLD | Modifier::ITALIC),
                separator: Style::new(),
            }
        } else {
            TextViewStyle {
                no_color,
                margin_width: 14,
                text: Style::new(),
                selection: Style::new().add_modifier(Modifier::REVERSED),
                search_hit: Style::new()
                    .bg(Color::Rgb(255, 215, 0))
                    .fg(Color::Rgb(0, 0, 0))
                    .add_modifier(Modifier::BOLD),
                separator: Style::new().fg(Color::DarkGray),
            }
        }
    }

    /// The style of text covered by `span`, with `overlap` when another span covers it too.
    fn coded(&self, colour: Option<(u8, u8, u8)>, overlap: bool) -> Style {
        let mut s = self.text;
        match colour {
            Some(rgb) if !self.no_color => {
                s = s.bg(Color::Rgb(rgb.0, rgb.1, rgb.2)).fg(contrast_text(rgb));
                if overlap {
                    s = s.add_modifier(Modifier::UNDERLINED);
                }
            }
            _ => {
                s = s.add_modifier(Modifier::UNDERLINED);
                if overlap {
                    s = s.add_modifier(Modifier::BOLD);
                }
            }
        }
        s
    }

    fn label(&self, colour: Option<(u8, u8, u8)>) -> Style {
        match colour {
            Some(rgb) if !self.no_color => Style::new()
                .bg(Color::Rgb(rgb.0, rgb.1, rgb.2))
                .fg(contrast_text(rgb)),
            _ => Style::new(),
        }
    }
}

impl TextViewStyle {
    /// Colours unless the `NO_COLOR` environment variable is set to something non-empty
    /// (<https://no-color.org>).
    pub fn from_env() -> TextViewStyle {
        TextViewStyle::new(std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()))
    }
}

impl Default for TextViewStyle {
    fn default() -> Self {
        TextViewStyle::new(false)
    }
}

/// The widget: borrowed data for one frame.
pub struct TextView<'a> {
    rope: &'a Rope,
    version: Option<u64>,
    cursor: Option<usize>,
    selection: Option<(usize, usize)>,
    spans: &'a [CodedSpan],
    search_hits: &'a [(usize, usize)],
    style: Option<&'a TextViewStyle>,
}

impl<'a> TextView<'a> {
    /// A read-only view of `rope` (no cursor, no selection).
    pub fn new(rope: &'a Rope) -> TextView<'a> {
        TextView {
            rope,
            version: None,
            cursor: None,
            selection: None,
            spans: &[],
            search_hits: &[],
            style: None,
        }
    }
    /// The editor's text, cursor, selection and version.
    pub fn for_editor(editor: &'a Editor) -> TextView<'a> {
        TextView {
            version: Some(editor.version()),
            cursor: Some(editor.cursor()),
            selection: editor.selection(),
            ..TextView::new(editor.rope())
        }
    }
    pub fn cursor(mut self, cursor: Option<usize>) -> Self {
        self.cursor = cursor;
        self
    }
    pub fn selection(mut self, selection: Option<(usize, usize)>) -> Self {
        self.selection = selection;
        self
    }
    /// A number that changes whenever the text changes (the view follows the cursor then).
    pub fn version(mut self, version: u64) -> Self {
        self.version = Some(version);
        self
    }
    pub fn spans(mut self, spans: &'a [CodedSpan]) -> Self {
        self.spans = spans;
        self
    }
    pub fn search_hits(mut self, hits: &'a [(usize, usize)]) -> Self {
        self.search_hits = hits;
        self
    }
    pub fn style(mut self, style: &'a TextViewStyle) -> Self {
        self.style = Some(style);
        self
    }
}

struct CachedLine {
    text: String,
    layout: LineLayout,
    checked_frame: u64,
}

/// Line layouts at one wrap width, keyed by line index, re-validated against the text once per
/// frame (a changed line is laid out again).
#[derive(Default)]
struct LayoutCache {
    width: usize,
    frame: u64,
    lines: HashMap<usize, CachedLine>,
}

impl LayoutCache {
    fn layout(&mut self, rope: &Rope, line: usize) -> &CachedLine {
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

    fn rows(&mut self, rope: &Rope, line: usize) -> usize {
        self.layout(rope, line).layout.rows.len()
    }
}

fn line_len(rope: &Rope, line: usize) -> usize {
    let l = rope.line(line);
    let n = l.len_chars();
    if n > 0 && l.char(n - 1) == '\n' {
        n - 1
    } else {
        n
    }
}

/// One screen row as settled: which row of which line it shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ScreenRow {
    line: usize,
    row: usize,
    line_start: usize,
}

/// What the state was last settled for. A frame of the same text (version), cursor, area,
/// margin and scroll position draws the settled rows as they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Settled {
    cursor: Option<usize>,
    version: Option<u64>,
    doc_len: usize,
    area: Rect,
    margin_width: u16,
    top: (usize, usize),
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
    cache: LayoutCache,
    area: Rect,
    margin: u16,
    text_x: u16,
    wrap_width: usize,
    screen: Vec<ScreenRow>,
    doc_len: usize,
    cursor_position: Option<Position>,
    /// Cursor, version and area of the last settle: when any changes, the view follows the
    /// cursor; a mouse-wheel scroll changes none, so it does not jump back.
    last_seen: Option<(Option<usize>, Option<u64>, usize, Rect)>,
    settled: Option<Settled>,
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

    /// Draw `view` into `area` of `buf` as settled, changing nothing; returns where the
    /// terminal cursor goes (None when it is off screen or the view has no cursor).
    ///
    /// A view the state was not settled for (another text, cursor, area or scroll position:
    /// a frame drawn before the update step has heard of a new terminal size, say) is drawn
    /// from a copy settled for this frame alone, so the frame is still right.
    pub fn render(&self, view: &TextView<'_>, area: Rect, buf: &mut Buffer) -> Option<Position> {
        if area.is_empty() {
            return None;
        }
        if self.is_settled_for(view, area) {
            self.draw(view, buf);
            return self.cursor_position;
        }
        let mut fresh = TextViewState {
            top_line: self.top_line,
            top_row: self.top_row,
            last_seen: self.last_seen,
            ..TextViewState::default()
        };
        fresh.settle(view, area);
        fresh.draw(view, buf);
        fresh.cursor_position
    }

    fn is_settled_for(&self, view: &TextView<'_>, area: Rect) -> bool {
        let rope = view.rope;
        let margin_width = view
            .style
            .map_or(TextViewStyle::default().margin_width, |s| s.margin_width);
        let now = Settled {
            cursor: view.cursor.map(|c| c.min(rope.len_chars())),
            version: view.version,
            doc_len: rope.len_chars(),
            area,
            margin_width,
            top: (self.top_line, self.top_row),
        };
        if self.settled != Some(now) {
            return false;
        }
        // The version changes with every edit; without one, only the text itself tells.
        view.version.is_some()
            || self.screen.iter().all(|sr| {
                self.cache.lines.get(&sr.line).is_some_and(|c| {
                    let len = line_len(rope, sr.line);
                    rope.slice(sr.line_start..sr.line_start + len) == c.text.as_str()
                })
            })
    }

    /// Draw the settled rows.
    fn draw(&self, view: &TextView<'_>, buf: &mut Buffer) {
        let default_style = TextViewStyle::default();
        let style = view.style.unwrap_or(&default_style);
        let rope = view.rope;
        let area = self.area;
        let margin = self.margin;
        let text_width = (area.width - margin) as usize;
        buf.set_style(area, style.text);
        let lines = rope.len_lines();
        let mut line_spans: Vec<&CodedSpan> = Vec::new();
        let mut line_hits: Vec<(usize, usize)> = Vec::new();
        let mut row_spans: Vec<&CodedSpan> = Vec::new();
        let mut spans_of = None;
        let mut y = area.y;
        for sr in &self.screen {
            let (line, row, line_start) = (sr.line, sr.row, sr.line_start);
            // Settling laid out every line on screen.
            let Some(cached) = self.cache.lines.get(&line) else {
                y += 1;
                continue;
            };
            let layout = &cached.layout;
            let has_newline = line + 1 < lines;
            let line_end = line_start + layout.len_chars + usize::from(has_newline);
            if spans_of != Some(line) {
                spans_of = Some(line);
                line_spans.clear();
                line_spans.extend(
                    view.spans
                        .iter()
                        .filter(|s| s.start < line_end && s.end > line_start && s.start < s.end),
                );
                line_hits.clear();
                line_hits.extend(
                    view.search_hits
                        .iter()
                        .copied()
                        .filter(|&(s, e)| s < line_end && e > line_start),
                );
            }
            let r = layout.rows[row];
            let last_row = row + 1 == layout.rows.len();
            let (rs, re) = (
                line_start + r.start,
                line_start + r.end + usize::from(last_row && has_newline),
            );
            row_spans.clear();
            row_spans.extend(
                line_spans
                    .iter()
                    .copied()
                    .filter(|s| s.start < re && s.end > rs),
            );
            // Text.
            let mut col = 0usize;
            for c in layout.row_clusters(row) {
                let abs = line_start + c.char_start;
                if col + c.width > text_width {
                    break;
                }
                if c.width > 0 {
                    let x = self.text_x + col as u16;
                    let mut st = style.text;
                    let mut inner: Option<&CodedSpan> = None;
                    let mut covering = 0;
                    for s in &row_spans {
                        if s.start <= abs && abs < s.end {
                            covering += 1;
                            if inner.is_none_or(|i| s.end - s.start < i.end - i.start) {
                                inner = Some(s);
                            }
                        }
                    }
                    if let Some(s) = inner {
                        st = match s.style {
                            Some(own) => style.text.patch(own),
                            None => style.coded(s.colour, covering > 1),
                        };
                    }
                    if line_hits.iter().any(|&(s, e)| s <= abs && abs < e) {
                        st = st.patch(style.search_hit);
                    }
                    if view.selection.is_some_and(|(s, e)| s <= abs && abs < e) {
                        st = st.patch(style.selection);
                    }
                    let g = &cached.text[c.byte_start..c.byte_start + c.byte_len];
                    if g == "\t" {
                        for i in 0..TAB_WIDTH.min(text_width - col) {
                            buf[(x + i as u16, y)].set_symbol(" ").set_style(st);
                        }
                    } else if g.chars().any(char::is_control) {
                        buf[(x, y)].set_symbol("\u{FFFD}").set_style(st);
                    } else {
                        buf[(x, y)].set_symbol(g).set_style(st);
                        for i in 1..c.width {
                            buf[(x + i as u16, y)].reset();
                        }
                    }
                }
                col += c.width;
            }
            // A selected line break shows as one selected cell after the row.
            if last_row && has_newline && col < text_width {
                let nl = line_start + layout.len_chars;
                if view.selection.is_some_and(|(s, e)| s <= nl && nl < e) {
                    let x = self.text_x + col as u16;
                    buf[(x, y)]
                        .set_symbol(" ")
                        .set_style(style.text.patch(style.selection));
                }
            }
            // Margin.
            if margin > 0 {
                draw_margin(buf, area.x, y, margin, &row_spans, style);
            }
            y += 1;
        }
        // Margin separator below the text, too.
        if margin > 0 {
            while y < area.bottom() {
                draw_margin(buf, area.x, y, margin, &[], style);
                y += 1;
            }
        }
    }
}

/// The margin of one row: the labels of the spans covering it (in order of their start), as
/// whole keys if they fit, else one glyph each (`+` when even those do not fit); then the
/// separator column.
fn draw_margin(
    buf: &mut Buffer,
    x0: u16,
    y: u16,
    margin: u16,
    spans: &[&CodedSpan],
    style: &TextViewStyle,
) {
    let avail = (margin - 1) as usize;
    let sep_x = x0 + margin - 1;
    buf[(sep_x, y)].set_symbol("│").set_style(style.separator);
    if spans.is_empty() || avail == 0 {
        return;
    }
    let mut ordered: Vec<&CodedSpan> = spans.to_vec();
    ordered.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    ordered.dedup_by(|a, b| a.label == b.label && a.colour == b.colour);
    let full: usize = ordered
        .iter()
        .map(|s| unicode_width::UnicodeWidthStr::width(s.label.as_str()))
        .sum::<usize>()
        + ordered.len().saturating_sub(1);
    let mut x = x0;
    let end = x0 + avail as u16;
    if full <= avail {
        for (i, s) in ordered.iter().enumerate() {
            if i > 0 {
                x += 1;
            }
            let (nx, _) =
                buf.set_stringn(x, y, &s.label, (end - x) as usize, style.label(s.colour));
            x = nx;
        }
    } else {
        let fit = if ordered.len() <= avail {
            ordered.len()
        } else {
            avail - 1
        };
        for s in &ordered[..fit] {
            let glyph: String = s.label.chars().next().map(String::from).unwrap_or_default();
            let (nx, _) = buf.set_stringn(x, y, &glyph, 1, style.label(s.colour));
            x = nx.max(x + 1);
        }
        if fit < ordered.len() {
            buf.set_stringn(x, y, "+", 1, Style::new());
        }
    }
}

/// For a view drawn on its own: settles the state for this view and area, then draws it. (The
/// app settles in its update step and draws with `TextViewState::render`, read-only.)
impl StatefulWidget for TextView<'_> {
    type State = TextViewState;
    fn render(self, area: Rect, buf: &mut Buffer, state: &mut TextViewState) {
        state.settle(&self, area);
        state.render(&self, area, buf);
    }
}
