//! The two bottom lines: state of the open note and the latest message; key hints.

use crate::tui::app::{App, Screen, StatusKind};
use crate::tui::keymap;
use crate::tui::theme::Palette;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// The key that opens the message log, as a cut message names it: one that opens it where the
/// user is (on the note screen, in both panes, as the form and the editor share the status line
/// and F2 is coding mode in the editor), else the list's key and where it works.
pub fn messages_key(app: &App) -> String {
    use keymap::{Action as A, Context as C};
    let here = app.context();
    let panes: &[C] = if matches!(here, C::Editor | C::Form) {
        &[C::Editor, C::Form]
    } else {
        &[here]
    };
    let opens = |b: &&keymap::Binding| {
        let key = crossterm::event::KeyEvent::new(b.code, b.mods);
        panes
            .iter()
            .all(|&ctx| keymap::lookup(ctx, &key) == Some(A::OpenMessages))
    };
    match keymap::bindings()
        .iter()
        .filter(|b| b.action == A::OpenMessages && (b.context == here || b.context == C::Global))
        .find(opens)
    {
        Some(b) => keymap::short(b.code, b.mods),
        None => format!("{} on the list", keymap::key(C::List, A::OpenMessages)),
    }
}

/// The message as the status line shows it in `room` columns: whole when it fits, else cut
/// with the key that shows it whole in the message log.
fn fit_message(app: &App, text: &str, room: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let line = format!(" {text}");
    if line.width() <= room {
        return line;
    }
    let key = messages_key(app);
    let tail = format!("… ({key}: all of it)");
    let keep = room.saturating_sub(tail.width());
    let mut out = String::new();
    let mut w = 0;
    for c in line.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > keep {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.push_str(&tail);
    out
}

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
            if let Some((_, total)) = n.words {
                let words = crate::core::text::thousands(total as u64);
                let text = match n.selection_words {
                    Some((_, _, sel)) => {
                        format!(
                            " {} of {words} words ",
                            crate::core::text::thousands(sel as u64)
                        )
                    }
                    None if total == 1 => " 1 word ".to_string(),
                    None => format!(" {words} words "),
                };
                spans.push(Span::styled(text, pal.dim()));
            }
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
        let used: usize = spans.iter().map(|s| s.width()).sum();
        let room = (area.width as usize).saturating_sub(used);
        spans.push(Span::styled(fit_message(app, &st.text, room), style));
    }
    let coding_hints = app.coding_hints();
    let hints = match (app.screen, coding_hints) {
        _ if app.share.as_ref().is_some_and(|d| d.replace.is_some()) => {
            keymap::SHARE_REPLACE_HINTS.line()
        }
        _ if app.share.is_some() => keymap::SHARE_HINTS.line(),
        (_, Some(h)) => h,
        (Screen::List, _) if app.between.confirm.is_some() => keymap::CONFIRM_DELETE_HINTS.line(),
        _ if app.exchange.is_open() => crate::tui::views::exchange::hints(&app.exchange),
        (Screen::List, _) => keymap::LIST_HINTS.line(),
        (Screen::Between, _) => match app.between.mode {
            crate::tui::between::Mode::NewFrom => keymap::NEW_FROM_HINTS.line(),
            crate::tui::between::Mode::Trash => keymap::TRASH_HINTS.line(),
            crate::tui::between::Mode::FollowUps => keymap::FOLLOWUPS_HINTS.line(),
        },
        (Screen::Search, _) => keymap::SEARCH_HINTS.line(),
        (Screen::Evidence, _) if app.evidence.replace_question.is_some() => {
            keymap::REPLACE_HINTS.line()
        }
        (Screen::Evidence, _) if app.evidence.export_path.is_some() => keymap::EXPORT_HINTS.line(),
        (Screen::Evidence, _) => keymap::EVIDENCE_HINTS.line(),
        (Screen::Note, _) if app.from_result.return_to.is_some() => {
            keymap::NOTE_FROM_RESULTS_HINTS.line()
        }
        (Screen::Note, _)
            if app
                .note
                .as_ref()
                .is_some_and(|n| n.focus == crate::tui::note::Pane::Form) =>
        {
            keymap::FORM_HINTS.line()
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
        (Screen::Analysis, _) => crate::tui::analysis::hints(&app.analysis),
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
