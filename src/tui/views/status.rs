//! The two bottom lines: state of the open note and the latest message; key hints.

use crate::tui::app::{App, Screen, StatusKind};
use crate::tui::keymap;
use crate::tui::theme::Palette;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, pal: &Palette) {
    let mut spans = Vec::new();
    if let Some(why) = &app.read_only {
        spans.push(Span::styled(" READ-ONLY ", pal.warn()));
        if app.status.is_none() {
            spans.push(Span::styled(why.clone(), pal.warn()));
        }
    }
    if app.blind {
        spans.push(Span::styled(" BLIND ", pal.warn()));
    }
    if app.screen == Screen::Note {
        if let Some(n) = &app.note {
            let state = if n.saving() {
                Span::styled(" saving… ", pal.dim())
            } else if n.dirty() {
                Span::styled(" unsaved ", pal.warn())
            } else if n.file.exists() {
                Span::styled(" saved ", pal.ok())
            } else {
                Span::styled(" new ", pal.dim())
            };
            spans.push(state);
        }
    }
    if let Some(label) = crate::tui::search::index_label(&app.search.index) {
        spans.push(Span::styled(format!(" {label} "), pal.dim()));
    }
    if let Some(st) = &app.status {
        let style = match st.kind {
            StatusKind::Info => ratatui::style::Style::new(),
            StatusKind::Ok => pal.ok(),
            StatusKind::Error => pal.error(),
        };
        spans.push(Span::styled(format!(" {}", st.text), style));
    }
    let coding_hints = app.coding_hints();
    let hints = match (app.screen, coding_hints) {
        (_, Some(h)) => h,
        (Screen::List, _) => keymap::LIST_HINTS.line(),
        (Screen::Search, _) => keymap::SEARCH_HINTS.line(),
        (Screen::Evidence, _) if app.evidence.replace_question.is_some() => {
            keymap::REPLACE_HINTS.line()
        }
        (Screen::Evidence, _) if app.evidence.export_path.is_some() => keymap::EXPORT_HINTS.line(),
        (Screen::Evidence, _) => keymap::EVIDENCE_HINTS.line(),
        (Screen::Note, _) if app.from_result.return_to.is_some() => {
            keymap::NOTE_FROM_RESULTS_HINTS.line()
        }
        (Screen::Note, _) => keymap::NOTE_HINTS.line(),
        (Screen::Agreement, _) => {
            use keymap::{Action as A, Hint::*};
            match app.agreement.context() {
                keymap::Context::Disagreements => keymap::hints(
                    keymap::Context::Disagreements,
                    &[
                        Key(A::AcceptCoder(1)),
                        Key(A::AcceptCoder(2)),
                        Key(A::AcceptBoth),
                        Key(A::AcceptNeither),
                        Key(A::OpenResult),
                        Said(A::Back, "figures"),
                        Key(A::Help),
                    ],
                ),
                ctx => keymap::hints(
                    ctx,
                    &[
                        Key(A::OpenResult),
                        Key(A::AgreeUnit),
                        Key(A::AgreeCoders),
                        Key(A::AgreeSessions),
                        Said(A::Back, "sessions"),
                        Key(A::Help),
                    ],
                ),
            }
        }
        (Screen::Analysis, _) => crate::tui::views::analysis::hints(&app.analysis),
        (Screen::Codebook, _) => keymap::hints(
            keymap::Context::Codebook,
            &[keymap::Hint::Key(keymap::Action::Back)],
        ),
    };
    let lines = vec![
        Line::from(spans),
        Line::from(Span::styled(format!(" {hints}"), pal.dim())),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}
