//! Drawing a settled view: the text with its coded passages, search hits and selection, and
//! the margin of coding labels.

use super::cache::line_len;
use super::state::{Settled, TextViewState};
use super::{CodedSpan, TextView, TextViewStyle};
use crate::core::layout::TAB_WIDTH;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;

impl TextViewState {
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
        let mut line_miss: &[(usize, usize)] = &[];
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
                // In order: the line's misspelt words are one run of the list.
                let from = view.misspelt.partition_point(|&(_, e)| e <= line_start);
                let to = view.misspelt.partition_point(|&(s, _)| s < line_end);
                line_miss = &view.misspelt[from..to.max(from)];
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
                    if line_miss.iter().any(|&(s, e)| s <= abs && abs < e) {
                        st = st.patch(style.misspelt);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::editor::Editor;
    use crate::tui::text_view::TextView;
    use ratatui::style::{Color, Modifier};

    /// The style of each cell of row 0 for "hello wrld" with "wrld" misspelt and "hello" coded
    /// without a colour.
    fn cells(no_color: bool) -> Vec<ratatui::buffer::Cell> {
        let ed = Editor::new("hello wrld");
        let style = TextViewStyle {
            margin_width: 0,
            ..TextViewStyle::new(no_color)
        };
        let spans = [CodedSpan::new(0, 5, None, "trust")];
        let misspelt = [(6, 10)];
        let view = TextView::for_editor(&ed)
            .spans(&spans)
            .style(&style)
            .misspelt(&misspelt);
        let area = Rect::new(0, 0, 20, 1);
        let mut buf = Buffer::empty(area);
        let mut st = TextViewState::new();
        st.settle(&view, area);
        st.render(&view, area, &mut buf);
        (0..10).map(|x| buf[(x, 0)].clone()).collect()
    }

    #[test]
    fn misspelt_words_are_underlined_unlike_coded_passages_even_without_colour() {
        let plain = cells(true);
        let coded = plain[0].style();
        let wrong = plain[6].style();
        assert!(coded.add_modifier.contains(Modifier::UNDERLINED));
        assert!(!coded.add_modifier.contains(Modifier::ITALIC));
        assert!(wrong
            .add_modifier
            .contains(Modifier::UNDERLINED | Modifier::ITALIC));
        assert_ne!(coded, wrong, "NO_COLOR: told apart");
        assert_eq!(
            plain[5].style().add_modifier,
            Modifier::empty(),
            "the space"
        );

        let colour = cells(false);
        let wrong = colour[6].style();
        assert!(wrong.add_modifier.contains(Modifier::UNDERLINED));
        assert_eq!(wrong.underline_color, Some(Color::Red));
        assert_ne!(colour[0].style().underline_color, Some(Color::Red));
    }
}
