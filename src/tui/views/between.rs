//! Between sessions: how to start a new session, the trash, the follow-ups; and the delete
//! question drawn over the session list.

use crate::tui::app::App;
use crate::tui::between::Mode;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout::{centered, list_areas};
use crate::tui::theme::Palette;
use crate::tui::views::status;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, Wrap};
use ratatui::Frame;

fn untitled(t: &str) -> String {
    if t.is_empty() {
        "(untitled)".into()
    } else {
        t.to_string()
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, pal: &Palette) {
    let a = list_areas(area, None);
    let b = &app.between;
    let (title, count) = match b.mode {
        Mode::NewFrom => ("New session".to_string(), String::new()),
        Mode::Trash => (
            "Trash".to_string(),
            match b.trash.len() {
                1 => "1 deleted session".into(),
                n => format!("{n} deleted sessions"),
            },
        ),
        Mode::FollowUps => (
            "Follow-ups".to_string(),
            if b.shown.len() == b.followups.len() {
                format!(
                    "{} {}",
                    b.followups.len(),
                    if b.all { "in all" } else { "open" }
                )
            } else {
                format!("{} of {}", b.shown.len(), b.followups.len())
            },
        ),
    };
    let count = if b.loading {
        "loading…".to_string()
    } else {
        count
    };
    let mut header = vec![
        Span::styled(format!(" {title} "), pal.title()),
        Span::styled(format!(" {} ", app.store_label), pal.dim()),
    ];
    // The separator only before something (a new session has no count).
    if !count.is_empty() {
        header.push(Span::raw(" · "));
        header.push(Span::raw(count));
    }
    frame.render_widget(Paragraph::new(Line::from(header)), a.header);
    let sub = match b.mode {
        Mode::NewFrom => Line::from(Span::styled(
            " How to start: from the last session with these agencies, a template's headings, or blank",
            pal.dim(),
        )),
        Mode::Trash => Line::from(Span::styled(
            format!(
                " Deleted sessions, with their codings. {} restores one.",
                keymap::key(Context::Trash, Action::RestoreSession)
            ),
            pal.dim(),
        )),
        Mode::FollowUps if b.filter.is_empty() && !b.filter_focus => Line::from(vec![
            Span::styled(" Filter: ", pal.dim()),
            Span::styled("type an agency, a date (2026-05) or words", pal.ghost()),
        ]),
        Mode::FollowUps => Line::from(vec![
            Span::styled(" Filter: ", pal.key()),
            Span::raw(b.filter.text().to_string()),
        ]),
    };
    frame.render_widget(Paragraph::new(sub), a.filter);
    if b.mode == Mode::FollowUps && b.filter_focus {
        let x = a.filter.x + 9 + b.filter.width_to(b.filter.cursor()) as u16;
        frame.set_cursor_position((x.min(a.filter.right().saturating_sub(1)), a.filter.y));
    }

    let body_rows = a.table.height.saturating_sub(1) as usize;
    let style = |i: usize, row: Row<'static>| {
        if i == b.selected {
            row.style(pal.selected())
        } else {
            row
        }
    };
    let (header, widths, rows): (Vec<&str>, Vec<Constraint>, Vec<Row>) = match b.mode {
        Mode::NewFrom => (
            vec!["Start"],
            vec![Constraint::Min(10)],
            b.starts
                .iter()
                .enumerate()
                .skip(b.offset)
                .take(body_rows)
                .map(|(i, s)| style(i, Row::new(vec![Cell::from(s.label())])))
                .collect(),
        ),
        Mode::Trash => (
            vec!["Deleted", "Date", "Agencies", "Title"],
            vec![
                Constraint::Length(16),
                Constraint::Length(10),
                Constraint::Length(18),
                Constraint::Min(10),
            ],
            b.trash
                .iter()
                .enumerate()
                .skip(b.offset)
                .take(body_rows)
                .map(|(i, t)| {
                    let deleted = t.deleted.map_or(String::new(), |d| {
                        d.with_timezone(&chrono::Local)
                            .format("%Y-%m-%d %H:%M")
                            .to_string()
                    });
                    let (date, agencies, title) = match (&t.meta, &t.problem) {
                        (Some(m), _) => (
                            m.date.to_string(),
                            m.agencies.join(", "),
                            untitled(&m.title),
                        ),
                        (None, p) => (
                            String::new(),
                            String::new(),
                            format!("cannot be read: {}", p.clone().unwrap_or_default()),
                        ),
                    };
                    style(
                        i,
                        Row::new(vec![
                            Cell::from(deleted),
                            Cell::from(date),
                            Cell::from(agencies),
                            Cell::from(title),
                        ]),
                    )
                })
                .collect(),
        ),
        Mode::FollowUps => (
            vec!["", "Follow-up", "Date", "Agencies", "Session"],
            vec![
                Constraint::Length(3),
                Constraint::Min(20),
                Constraint::Length(10),
                Constraint::Length(16),
                Constraint::Length(24),
            ],
            b.shown
                .iter()
                .enumerate()
                .skip(b.offset)
                .take(body_rows)
                .map(|(pos, &i)| {
                    let f = &b.followups[i];
                    style(
                        pos,
                        Row::new(vec![
                            Cell::from(f.status_box()),
                            Cell::from(match f.carried_note() {
                                Some(c) => format!("{}  {c}", f.text),
                                None => f.text.clone(),
                            }),
                            Cell::from(f.date.to_string()),
                            Cell::from(f.agencies.join(", ")),
                            Cell::from(untitled(&f.title)),
                        ]),
                    )
                })
                .collect(),
        ),
    };
    let empty = !b.loading && rows.is_empty();
    frame.render_widget(
        Table::new(rows, widths)
            .header(Row::new(header).style(pal.header()))
            .column_spacing(1),
        a.table,
    );
    if empty && a.table.height > 2 {
        let msg = match b.mode {
            Mode::NewFrom => "",
            Mode::Trash => "The trash is empty.",
            Mode::FollowUps if !b.filter.is_empty() => "No follow-up matches the filter.",
            Mode::FollowUps => "No open follow-ups: lines such as “- [ ] call the school” in a note are listed here.",
        };
        let r = Rect::new(
            a.table.x + 2,
            a.table.y + 2,
            a.table.width.saturating_sub(2),
            1,
        );
        frame.render_widget(Paragraph::new(Span::styled(msg, pal.dim())), r);
    }
    status::draw(frame, a.status, app, pal);
}

/// The delete question, over the session list.
pub fn draw_confirm(frame: &mut Frame, area: Rect, app: &App, pal: &Palette) {
    let Some((_, title)) = &app.between.confirm else {
        return;
    };
    let r = centered(area, 64, 7);
    frame.render_widget(Clear, r);
    let text = vec![
        Line::from(format!("Move “{title}” to the trash?")),
        Line::from("Its codings go with it; the trash view restores both."),
        Line::from(""),
        Line::from(Span::styled(
            keymap::CONFIRM_DELETE_HINTS.phrase(),
            pal.key(),
        )),
    ];
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(" Delete ").border_style(pal.warn())),
        r,
    );
}
