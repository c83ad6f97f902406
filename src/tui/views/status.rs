//! The two bottom lines: state of the open note and the latest message; key hints.

use crate::tui::app::{App, Screen, StatusKind};
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
    let hints = match (app.screen, &coding_hints) {
        (_, Some(h)) => h.as_str(),
        (Screen::List, _) => {
            " n new · Enter open · / search · e evidence · c codebook · type to filter · F1/? help · q quit"
        }
        (Screen::Search, _) => {
            " type to search · ↑↓ choose · Enter open · Ctrl-T passages/sessions · Ctrl-E evidence · Esc back · F1 help"
        }
        (Screen::Evidence, _) if app.evidence.replace_question.is_some() => {
            " y replace the file · n keep it and choose another name · Esc keep it"
        }
        (Screen::Evidence, _) if app.evidence.export_path.is_some() => {
            " Enter write the file · Esc cancel"
        }
        (Screen::Evidence, _) => {
            " ←→ theme · s sort · Space mark · y copy · x export · Enter open · Esc back · F1 help"
        }
        (Screen::Note, _) if app.search.return_to.is_some() => {
            " Tab codings/details · Ctrl-T code · Ctrl-S save · Esc back to the results · F1 help"
        }
        (Screen::Note, _) => {
            " Tab codings/details · Ctrl-T code · F2 coding mode · Ctrl-S save · Ctrl-Z undo · Esc list · F1 help"
        }
        (Screen::Codebook, _) => " Esc back",
    };
    let lines = vec![
        Line::from(spans),
        Line::from(Span::styled(hints, pal.dim())),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}
