//! The session-details form (side panel of the note screen).

use crate::tui::app::{App, Pane};
use crate::tui::form::Field;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::theme::Palette;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

// Each field takes two rows (label, value), as `layout::form_field_at` counts them;
// suggestions open under the focused one.

pub fn draw(frame: &mut Frame, area: Rect, app: &App, pal: &Palette) {
    let Some(n) = &app.note else { return };
    let focused = n.focus == Pane::Form;
    let block = Block::bordered()
        .title(" Details ")
        .border_style(if focused {
            pal.focus_border()
        } else {
            pal.border()
        });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let f = &n.form;
    let matches = f.matches(&app.list.suggestions);
    let mut lines: Vec<Line> = Vec::new();
    let mut cursor = None;
    for (i, field) in Field::ALL.iter().enumerate() {
        let current = focused && i == f.field;
        let label_style = if current { pal.key() } else { pal.dim() };
        let mut label = vec![Span::styled(field.label(), label_style)];
        if let Some((ef, msg)) = &f.error {
            if ef == field {
                label.push(Span::styled(format!("  {msg}"), pal.error()));
            }
        }
        if f.refused.as_ref().is_some_and(|(rf, _)| rf == field) {
            label.push(Span::styled("  ✗ refused (below)", pal.error()));
        }
        lines.push(Line::from(label));
        let value = f.value(*field);
        // The focused field scrolls sideways with its cursor (one column is the margin).
        let room = (inner.width as usize).saturating_sub(1);
        let shown = if current {
            f.input().view(room).0
        } else {
            value.to_string()
        };
        let mut spans = vec![Span::raw(" "), Span::raw(shown.clone())];
        if value.is_empty() && !current {
            spans.push(Span::styled(field.hint(), pal.ghost()));
        }
        if *field == Field::Type {
            spans = vec![
                Span::raw(" ‹ "),
                Span::raw(value.to_string()),
                Span::raw(" ›"),
            ];
        }
        if current {
            if value.is_empty() && *field != Field::Type && matches.is_empty() {
                spans.push(Span::styled(field.hint(), pal.ghost()));
            }
            // fish-style ghost completion of the chosen suggestion (when the field is not
            // scrolled)
            if let Some(s) = matches
                .get(f.suggestion)
                .filter(|_| f.input().first_shown(room) == 0)
            {
                let typed = if field.is_list() {
                    value.rsplit(',').next().unwrap_or("").trim_start()
                } else {
                    value
                };
                let folded_typed = crate::core::fold::fold(typed);
                if crate::core::fold::fold(s).starts_with(&folded_typed) {
                    let rest: String = s.chars().skip(typed.chars().count()).collect();
                    spans.push(Span::styled(rest, pal.ghost()));
                }
            }
            let x = inner.x + 1 + f.input().view(room).1 as u16;
            let y = inner.y + lines.len() as u16;
            cursor = Some((x.min(inner.right().saturating_sub(1)), y));
        }
        lines.push(Line::from(spans));
    }
    // A refused value: the whole message, wrapped, under the fields.
    if let Some((_, msg)) = &f.refused {
        for row in crate::tui::views::wrap_words(msg, inner.width as usize) {
            lines.push(Line::from(Span::styled(row, pal.error())));
        }
    }
    if focused && !matches.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(
                "Suggestions ({}/{}, {} takes):",
                keymap::key(Context::Form, Action::NextSuggestion),
                keymap::key(Context::Form, Action::PrevSuggestion),
                keymap::key(Context::Form, Action::AcceptSuggestion)
            ),
            pal.dim(),
        )));
        for (i, m) in matches.iter().enumerate() {
            let style = if i == f.suggestion {
                pal.selected()
            } else {
                ratatui::style::Style::new()
            };
            lines.push(Line::from(Span::styled(format!("  {m}"), style)));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((x, y)) = cursor {
        if y < inner.bottom() {
            frame.set_cursor_position((x, y));
        }
    }
}
