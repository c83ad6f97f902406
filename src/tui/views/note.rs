//! The note screen: the editor, the details form beside it, and the status lines.

use crate::tui::app::{App, Pane};
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout::{centered, note_areas_in};
use crate::tui::text_view::TextView;
use crate::tui::theme::Palette;
use crate::tui::views::{form, join_present, status};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, pal: &Palette) {
    let a = note_areas_in(area, app.side_focused(), app.room());
    if let Some(n) = &app.note {
        let m = &n.meta;
        let title = if m.title.is_empty() {
            "(untitled)"
        } else {
            m.title.as_str()
        };
        let mut head = Line::from(vec![
            Span::styled(" Ripple ", pal.title()),
            Span::styled(format!(" {title} "), pal.header()),
            Span::styled(
                format!(
                    " {}",
                    join_present(&[
                        &m.date.format("%Y-%m-%d").to_string(),
                        m.session_type.label(),
                        &m.agencies.join(", "),
                    ])
                ),
                pal.dim(),
            ),
        ]);
        if n.coding.mode {
            head.spans.push(Span::styled(" CODING ", pal.warn()));
        }
        if matches!(&app.done_mark, Some((id, true)) if *id == m.id) {
            head.spans.push(Span::styled(" DONE ✓ ", pal.ok()));
        }
        if app.blind {
            head.spans.push(Span::styled(" BLIND ", pal.warn()));
        }
        if let Some(f) = &app.coding.filter {
            head.spans
                .push(Span::styled(format!(" [codings: {f}]"), pal.dim()));
        }
        frame.render_widget(Paragraph::new(head), a.header);
    }
    if a.editor.width > 0 && a.editor.height > 0 {
        if let Some(n) = &app.note {
            let focused = n.focus == Pane::Editor;
            let style = app.note_style();
            let spans = app.coding.spans(&n.doc);
            let version = n.doc.editor().version();
            let hits = match &n.find {
                Some(f) => f.hits(version),
                None => app.from_result.hits_for(&n.meta.id, version),
            };
            let view = TextView::for_editor(n.doc.editor())
                .spans(&spans)
                .style(&style)
                .search_hits(hits)
                .misspelt(&n.misspelt);
            // Settled in update (the cursor followed, the rows laid out): drawing only reads.
            let cursor = n.view.render(&view, a.editor, frame.buffer_mut());
            if focused {
                if let Some(p) = cursor {
                    frame.set_cursor_position(p);
                }
            }
            if n.doc.editor().len_chars() == 0 && !focused {
                let hint = Rect::new(
                    a.editor.x + 2,
                    a.editor.y + 1,
                    a.editor.width.saturating_sub(2),
                    1,
                );
                frame.render_widget(
                    Paragraph::new(Span::styled(
                        format!(
                            "{} to write the note",
                            keymap::key(Context::Editor, Action::NextPane)
                        ),
                        pal.ghost(),
                    )),
                    hint,
                );
            }
        }
    }
    if let Some(f) = a.form {
        let codings = app.note.as_ref().is_some_and(|n| {
            n.focus == Pane::Codings || (n.focus == Pane::Editor && n.coding.side_codings)
        });
        if codings {
            super::codings::draw(frame, f, app, pal);
        } else {
            form::draw(frame, f, app, pal);
        }
    }
    status::draw(frame, a.status, app, pal);
    super::writing::draw(frame, a, app, pal);
}

pub fn draw_conflict(frame: &mut Frame, area: Rect, pal: &Palette) {
    let r = centered(area, 64, 9);
    frame.render_widget(Clear, r);
    let mut text = vec![
        Line::from("This note's file was changed outside Ripple while you"),
        Line::from("have unsaved edits here. Nothing has been overwritten."),
        Line::from(""),
    ];
    for a in [Action::ReloadFile, Action::KeepMine] {
        text.push(Line::from(vec![
            Span::styled(
                format!("  {} ", keymap::key(Context::Conflict, a)),
                pal.key(),
            ),
            Span::raw(keymap::help_of(Context::Conflict, a)),
        ]));
    }
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(" Changed on disk ")
                .border_style(pal.error()),
        ),
        r,
    );
}
