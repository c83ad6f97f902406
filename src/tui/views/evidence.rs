//! The evidence view: every coded passage for a theme (or a query), with its session's date,
//! agency, type and county, a few words of context and the memo; marks; the export prompt.

use crate::core::evidence::{EvidenceFormat, EvidenceSort};
use crate::tui::app::App;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::theme::Palette;
use crate::tui::views::search::chips;
use crate::tui::views::status;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

/// Rows per passage: metadata, quote in context, memo.
const ROWS: usize = 3;

/// Line breaks and tabs as spaces, the spacing otherwise as written (unlike
/// `core::text::one_line`, nothing is collapsed or cut: the row is clipped where it ends).
fn newlines_to_spaces(s: &str) -> String {
    s.replace(['\n', '\t'], " ")
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, pal: &Palette) {
    let [header, info, body, prompt, status_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(2),
    ])
    .areas(area);
    let ev = &app.evidence;
    let sort = match ev.sort {
        EvidenceSort::Date => "by date",
        EvidenceSort::Session => "by session",
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" Ripple ", pal.title()),
            Span::styled(" Evidence ", pal.header()),
            Span::raw(format!(" ‹ {} › ", ev.source_label())),
            Span::styled(format!(" sorted {sort}"), pal.dim()),
        ])),
        header,
    );
    let summary = if let Some(e) = &ev.error {
        Span::styled(format!(" {e}"), pal.error())
    } else if ev.loading() {
        Span::styled(" gathering passages…", pal.dim())
    } else {
        Span::styled(
            format!(
                " {} passages · {} marked ({} exports {})",
                ev.items.len(),
                ev.marked.len(),
                keymap::key(Context::Evidence, Action::Export),
                if ev.marked.is_empty() {
                    "all"
                } else {
                    "the marked"
                }
            ),
            pal.dim(),
        )
    };
    frame.render_widget(Paragraph::new(Line::from(summary)), info);

    if ev.items.is_empty() && !ev.loading() && ev.error.is_none() {
        frame.render_widget(
            Paragraph::new(Span::styled(" No coded passages here", pal.dim())),
            body,
        );
    }
    let per_page = (body.height as usize / ROWS).max(1);
    let offset = (ev.selected + 1).saturating_sub(per_page);
    let mut lines = Vec::new();
    for (i, item) in ev.items.iter().enumerate().skip(offset).take(per_page) {
        let selected = i == ev.selected;
        let mark = if ev.is_marked(item) { "[x] " } else { "[ ] " };
        let mut head = vec![
            Span::styled(if selected { "▶" } else { " " }.to_string(), pal.key()),
            Span::raw(mark),
        ];
        head.extend(chips(app, std::slice::from_ref(&item.theme)));
        head.push(Span::raw(format!(
            "{} · {} · {} · {}",
            item.date,
            item.agencies.join(", "),
            item.session_type,
            item.county
        )));
        head.push(Span::styled(format!(" · {}", item.title), pal.dim()));
        let mut head = Line::from(head);
        if selected {
            head = head.patch_style(Style::new().add_modifier(Modifier::BOLD));
        }
        lines.push(head);
        lines.push(Line::from(vec![
            Span::styled(
                format!("     …{} ", newlines_to_spaces(&item.context_before)),
                pal.dim(),
            ),
            Span::styled(
                format!("“{}”", newlines_to_spaces(&item.quote)),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                format!(" {}…", newlines_to_spaces(&item.context_after)),
                pal.dim(),
            ),
        ]));
        lines.push(if item.memo.trim().is_empty() {
            Line::from("")
        } else {
            Line::from(Span::styled(
                format!("     memo: {}", newlines_to_spaces(&item.memo)),
                Style::new().add_modifier(Modifier::ITALIC),
            ))
        });
    }
    frame.render_widget(Paragraph::new(lines), body);

    if let Some((_, file)) = &ev.replace_question {
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(" Replace ", pal.warn()),
                Span::raw(file.display().to_string()),
                Span::styled("? ", pal.warn()),
                Span::styled(
                    keymap::key(Context::ExportReplace, Action::ReplaceFile),
                    pal.key(),
                ),
                Span::raw(" replaces it · "),
                Span::styled(
                    keymap::key(Context::ExportReplace, Action::KeepFile),
                    pal.key(),
                ),
                Span::raw(" keeps it"),
            ])),
            prompt,
        );
    } else if let Some(path) = &ev.export_path {
        let label = " Export to: ";
        let typed = crate::tui::line_input::LineInput::new(path.clone());
        let room = (prompt.width as usize).saturating_sub(label.width());
        let format = EvidenceFormat::from_path(std::path::Path::new(path.trim()));
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(label, pal.key()),
                // Scrolled sideways to its end (where the cursor is) when long.
                Span::raw(typed.view(room).0),
                Span::styled(
                    format!(
                        "   {}{} · .md .csv .json .docx · {}",
                        format.name(),
                        if ev.export_deidentified {
                            ", de-identified"
                        } else {
                            ""
                        },
                        keymap::hints(
                            Context::ExportPrompt,
                            &[keymap::Hint::Key(Action::ToggleDeidentify)]
                        )
                    ),
                    pal.dim(),
                ),
            ])),
            prompt,
        );
        if let Some(p) = typed.caret_position(prompt, label.width()) {
            frame.set_cursor_position(p);
        }
    }
    status::draw(frame, status_area, app, pal);
}
