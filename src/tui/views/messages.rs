//! The message log: every status-line message of this run, newest first, each whole (wrapped
//! to the box), with the time it was said. The status line has room for one line of one
//! message; this is where a long one (a file's path, a read-only notice) is read in full.

use crate::tui::app::{App, StatusKind};
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout::help_box;
use crate::tui::message_log::rows;
use crate::tui::theme::Palette;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, scroll: u16, pal: &Palette) {
    let r = help_box(area);
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(format!(
            " Messages, newest first — {} closes ",
            keymap::key(Context::Global, Action::Back)
        ))
        .border_style(pal.focus_border());
    let inner = block.inner(r);
    let lines: Vec<Line> = rows(&app.messages, inner.width as usize)
        .into_iter()
        .map(|(kind, text)| {
            let style = match kind {
                StatusKind::Info => ratatui::style::Style::new(),
                StatusKind::Ok => pal.ok(),
                StatusKind::Error => pal.error(),
            };
            Line::from(Span::styled(text, style))
        })
        .collect();
    let max = (lines.len() as u16).saturating_sub(inner.height);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll.min(max), 0)),
        r,
    );
}
