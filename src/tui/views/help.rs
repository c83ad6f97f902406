//! The help overlay: every key binding, generated from the keymap.

use crate::tui::keymap;
use crate::tui::layout::{help_box, help_keys_own_line, HELP_KEYS_WIDTH};
use crate::tui::theme::Palette;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

pub fn lines(pal: &Palette) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (title, rows) in keymap::help_sections() {
        out.push(Line::from(Span::styled(title, pal.title())));
        for (keys, what) in rows {
            if help_keys_own_line(&keys) {
                out.push(Line::from(Span::styled(format!("  {keys}"), pal.key())));
                out.push(Line::from(vec![
                    Span::raw(" ".repeat(HELP_KEYS_WIDTH + 2)),
                    Span::raw(what),
                ]));
            } else {
                out.push(Line::from(vec![
                    Span::styled(format!("  {keys:<HELP_KEYS_WIDTH$}"), pal.key()),
                    Span::raw(what),
                ]));
            }
        }
        out.push(Line::from(""));
    }
    out
}

pub fn draw(frame: &mut Frame, area: Rect, scroll: u16, pal: &Palette) {
    let r = help_box(area);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_counts_the_lines_the_help_draws() {
        assert_eq!(
            crate::tui::layout::help_line_count(),
            lines(&Palette::new(true)).len()
        );
    }
}
