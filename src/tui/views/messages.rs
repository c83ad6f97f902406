//! The message log: every status-line message of this run, newest first, each whole (wrapped
//! to the box), with the time it was said. The status line has room for one line of one
//! message; this is where a long one (a file's path, a read-only notice) is read in full.

use crate::tui::app::{App, Logged, StatusKind};
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout::{help_box, screen};
use crate::tui::theme::Palette;
use crate::tui::views::wrap_words;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

/// The log's rows at `width` columns inside the box, newest message first.
fn rows(messages: &[Logged], width: usize) -> Vec<(StatusKind, String)> {
    let mut out = Vec::new();
    if messages.is_empty() {
        out.push((StatusKind::Info, "No messages yet.".to_string()));
    }
    for m in messages.iter().rev() {
        let text = format!("{}  {}", m.at, m.text);
        for row in wrap_words(&text, width) {
            out.push((m.kind, row));
        }
    }
    out
}

/// How many rows the log takes in a terminal of `size` (for scrolling).
pub fn line_count(messages: &[Logged], size: (u16, u16)) -> u16 {
    let inner = help_box(screen(size)).width.saturating_sub(2) as usize;
    rows(messages, inner).len() as u16
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_kept_whole_newest_first() {
        let long = "open in another Ripple (pid 4242 on a-host-with-a-long-name) since 2026-12-03 14:02: read-only";
        let log = vec![
            Logged {
                at: "14:02:05".into(),
                kind: StatusKind::Info,
                text: format!("Read-only: {long}"),
            },
            Logged {
                at: "14:03:00".into(),
                kind: StatusKind::Ok,
                text: "Saved".into(),
            },
        ];
        let r = rows(&log, 30);
        assert_eq!(r[0].1, "14:03:00  Saved");
        let whole: Vec<String> = r[1..].iter().map(|(_, t)| t.clone()).collect();
        assert_eq!(whole.join(" "), format!("14:02:05  Read-only: {long}"));
        assert!(r
            .iter()
            .all(|(_, t)| unicode_width::UnicodeWidthStr::width(t.as_str()) <= 30));
    }
}
