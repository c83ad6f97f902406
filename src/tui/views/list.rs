//! The session list: newest first, filtered as you type, with metadata columns.

use crate::tui::app::App;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout::list_areas;
use crate::tui::theme::Palette;
use crate::tui::views::{join_present, status};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

/// What precedes the filter on its line.
const FILTER_LABEL: &str = " Filter: ";

pub fn draw(frame: &mut Frame, area: Rect, app: &App, pal: &Palette) {
    let list = &app.list;
    let a = list_areas(area, list.first_problem.as_deref());
    let count = if list.loaded {
        if list.shown.len() == list.all.len() {
            match list.all.len() {
                1 => "1 session".to_string(),
                n => format!("{n} sessions"),
            }
        } else {
            format!("{} of {} sessions", list.shown.len(), list.all.len())
        }
    } else {
        "loading sessions…".to_string()
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" Ripple ", pal.title()),
            Span::styled(format!(" {} ", app.store_label), pal.dim()),
            Span::styled(if app.blind { " BLIND " } else { "" }, pal.warn()),
            Span::raw(" · "),
            Span::raw(count),
            Span::styled(
                match app.problems.len() {
                    0 => String::new(),
                    1 => " · 1 file cannot be read (ripple check)".to_string(),
                    n => format!(" · {n} files cannot be read (ripple check)"),
                },
                pal.error(),
            ),
        ])),
        a.header,
    );

    let filter_line = if list.filter.is_empty() && !list.filter_focus {
        Line::from(vec![
            Span::styled(" Filter: ", pal.dim()),
            Span::styled(keymap::FILTER_HINTS.line(), pal.ghost()),
        ])
    } else {
        Line::from(vec![
            Span::styled(FILTER_LABEL, pal.key()),
            list.filter.view_span(
                (a.filter.width as usize).saturating_sub(FILTER_LABEL.len()),
                ratatui::style::Style::new(),
                pal.selected(),
            ),
        ])
    };
    frame.render_widget(Paragraph::new(filter_line), a.filter);
    if list.filter_focus {
        if let Some(p) = list.filter.caret_position(a.filter, FILTER_LABEL.len()) {
            frame.set_cursor_position(p);
        }
    }

    // Only the rows that fit, from the first row settled in update (it keeps the selection
    // visible).
    let body_rows = a.table.height.saturating_sub(1) as usize;
    let wide = area.width >= 100;
    let rows: Vec<Row> = list
        .shown
        .iter()
        .enumerate()
        .skip(list.offset)
        .take(body_rows)
        .map(|(pos, &i)| {
            let s = &list.all[i];
            let m = &s.meta;
            let draft = app.drafts.contains(&m.id) || app.coding_drafts.contains(&m.id);
            let title = if m.title.is_empty() {
                "(untitled)".to_string()
            } else {
                m.title.clone()
            };
            let mut cells = vec![
                Cell::from(if draft { "●" } else { " " }),
                Cell::from(m.date.format("%Y-%m-%d").to_string()),
                Cell::from(m.session_type.label()),
                Cell::from(m.agencies.join(", ")),
            ];
            if wide {
                cells.push(Cell::from(m.county.clone()));
            }
            cells.push(Cell::from(title));
            let row = Row::new(cells);
            if pos == list.selected {
                row.style(pal.selected())
            } else {
                row
            }
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(10),
        Constraint::Length(18),
        Constraint::Length(if wide { 20 } else { 14 }),
    ];
    let mut header = vec!["", "Date", "Type", "Agencies"];
    if wide {
        widths.push(Constraint::Length(12));
        header.push("County");
    }
    widths.push(Constraint::Min(10));
    header.push("Title");
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(pal.header()))
        .column_spacing(1);
    frame.render_widget(table, a.table);

    if list.loaded && list.shown.is_empty() {
        let msg = if list.all.is_empty() {
            format!(
                "No sessions yet. Press {} to write the first one.",
                keymap::key(Context::List, Action::NewSession)
            )
        } else {
            format!(
                "No session matches the filter. {} clears it.",
                keymap::key(Context::List, Action::Back)
            )
        };
        let r = Rect::new(
            a.table.x + 2,
            a.table.y + 2,
            a.table.width.saturating_sub(2),
            1,
        );
        if a.table.height > 2 {
            frame.render_widget(Paragraph::new(Span::styled(msg, pal.dim())), r);
        }
    }

    if let Some(problem) = &list.first_problem {
        // The first file that cannot be read, whole (the message log, and `ripple check`,
        // have them all).
        let rows: Vec<Line> = crate::tui::views::wrap_words(
            &crate::tui::layout::problem_text(problem),
            a.preview.width as usize,
        )
        .into_iter()
        .map(|r| Line::from(Span::styled(r, pal.error())))
        .collect();
        frame.render_widget(Paragraph::new(rows), a.preview);
    } else if a.preview.height > 0 {
        if let Some(s) = list.selected_summary() {
            let facts = format!(
                " {}",
                join_present(&[
                    &s.meta.facilitator,
                    &s.meta.county,
                    &format!("{} chars", s.chars),
                    s.meta.id.short(),
                ])
            );
            frame.render_widget(
                Paragraph::new(vec![
                    Line::from(Span::styled(facts, pal.dim())),
                    Line::from(format!(" {}", s.preview)),
                ]),
                a.preview,
            );
        }
    }
    status::draw(frame, a.status, app, pal);
}
