//! The help overlay: every key binding, generated from the keymap.

use crate::tui::keymap;
use crate::tui::theme::Palette;
use crate::tui::views::centered;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

/// Columns for the keys before the description starts.
const KEYS_WIDTH: usize = 30;

/// How many lines the help has (for scrolling).
pub fn line_count() -> usize {
    lines(&Palette::new(true)).len()
}

pub fn lines(pal: &Palette) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (title, rows) in keymap::help_sections() {
        out.push(Line::from(Span::styled(title, pal.title())));
        for (keys, what) in rows {
            // Long key lists get a line of their own rather than running into the text.
            if keys.chars().count() > KEYS_WIDTH - 1 {
                out.push(Line::from(Span::styled(format!("  {keys}"), pal.key())));
                out.push(Line::from(vec![
                    Span::raw(" ".repeat(KEYS_WIDTH + 2)),
                    Span::raw(what),
                ]));
            } else {
                out.push(Line::from(vec![
                    Span::styled(format!("  {keys:<KEYS_WIDTH$}"), pal.key()),
                    Span::raw(what),
                ]));
            }
        }
        out.push(Line::from(""));
    }
    out
}

pub fn draw(frame: &mut Frame, area: Rect, scroll: u16, pal: &Palette) {
    let r = centered(area, 84, area.height.saturating_sub(2));
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(format!(" Keys — {} ", keymap::HELP_HINTS.line()))
        .border_style(pal.focus_border());
    let all = lines(pal);
    let max = (all.len() as u16).saturating_sub(r.height.saturating_sub(2));
    frame.render_widget(
        Paragraph::new(all)
            .block(block)
            .scroll((scroll.min(max), 0)),
        r,
    );
}
