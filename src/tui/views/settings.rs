//! The settings form (and the first run's question), over the session list.

use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout::centered;
use crate::tui::settings::{Row, SettingsForm};
use crate::tui::theme::Palette;
use crate::tui::views::wrap_words;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, f: &SettingsForm, pal: &Palette) {
    let r = centered(area, 70, if f.first_run { 10 } else { 13 });
    frame.render_widget(Clear, r);
    let title = if f.first_run {
        " Welcome to Ripple "
    } else {
        " Settings "
    };
    let block = Block::bordered()
        .title(title)
        .border_style(pal.focus_border());
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let width = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    if f.first_run {
        for row in wrap_words(
            "Your name, as facilitator of new sessions and as the coder your codings are recorded under. It is kept in your config file; the settings (, on the list) change it.",
            width,
        ) {
            lines.push(Line::from(Span::styled(row, pal.dim())));
        }
        lines.push(Line::from(""));
    }
    let mut cursor = None;
    let rows: &[Row] = if f.first_run {
        &[Row::Facilitator]
    } else {
        &Row::ALL
    };
    for (i, row) in rows.iter().enumerate() {
        let current = i == f.row || f.first_run;
        let label = if f.first_run {
            "Your name"
        } else {
            row.label()
        };
        lines.push(Line::from(Span::styled(
            label,
            if current { pal.key() } else { pal.dim() },
        )));
        let room = width.saturating_sub(1);
        let value = match row {
            Row::Facilitator => Some(&f.facilitator),
            Row::Coder => Some(&f.coder),
            Row::Blind => None,
        };
        match value {
            Some(input) => {
                let (shown, caret) = input.view(room);
                let style = if input.is_selected() {
                    pal.selected()
                } else {
                    ratatui::style::Style::new()
                };
                if current {
                    cursor = Some((inner.x + 1 + caret as u16, inner.y + lines.len() as u16));
                }
                lines.push(Line::from(vec![Span::raw(" "), Span::styled(shown, style)]));
            }
            None => lines.push(Line::from(format!(
                " ‹ {} ›",
                if f.blind { "on" } else { "off" }
            ))),
        }
    }
    lines.push(Line::from(""));
    if let Some(e) = &f.error {
        for row in wrap_words(e, width) {
            lines.push(Line::from(Span::styled(row, pal.error())));
        }
    }
    lines.push(Line::from(Span::styled(
        format!(
            "{} save · {} {}",
            keymap::key(Context::Settings, Action::Accept),
            keymap::key(Context::Settings, Action::Cancel),
            if f.first_run {
                "ask next time"
            } else {
                "cancel"
            }
        ),
        pal.dim(),
    )));
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((x, y)) = cursor {
        if y < inner.bottom() && x < inner.right() {
            frame.set_cursor_position((x, y));
        }
    }
}
