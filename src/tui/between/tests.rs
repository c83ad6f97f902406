//! Between sessions through the app, headless: keys in, IO requests out, answers in.

use super::Mode;
use crate::core::session::{Session, SessionId, SessionMeta};
use crate::core::store::{FileStamp, SessionSummary, Template, DEFAULT_TEMPLATE};
use crate::core::workspace::between::{FollowUpItem, NewSession};
use crate::tui::app::{App, Msg, Screen};
use crate::tui::keymap::Context;
use crate::tui::worker::{Request, Response};
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}
fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

/// A session of a test list: title, date, agencies.
type Listed<'a> = (&'a str, (i32, u32, u32), &'a [&'a str]);

/// An app whose list holds these sessions, newest first as given.
fn app_with(sessions: &[Listed]) -> App {
    let mut app = App::new("test".into(), "me".into(), None, std::time::Instant::now());
    app.step(Msg::Resize(100, 30));
    for (title, d, agencies) in sessions {
        let mut meta = SessionMeta::new_today("me");
        meta.title = title.to_string();
        meta.date = NaiveDate::from_ymd_opt(d.0, d.1, d.2).unwrap();
        meta.agencies = agencies.iter().map(|a| a.to_string()).collect();
        app.list.all.push(SessionSummary {
            meta: Arc::new(meta),
            path: format!("{title}.md").into(),
            stamp: FileStamp {
                mtime_ns: 0,
                size: 0,
            },
            key: None,
            chars: 0,
            preview: Arc::from(""),
        });
    }
    app.list.loaded = true;
    app.list.refilter();
    app
}

fn id_of(app: &App, title: &str) -> SessionId {
    app.list
        .all
        .iter()
        .find(|s| s.meta.title == title)
        .unwrap()
        .meta
        .id
        .clone()
}

fn default_template() -> Template {
    Template::parse(
        "default",
        std::path::Path::new("default.md"),
        DEFAULT_TEMPLATE,
    )
    .unwrap()
}

#[test]
fn n_offers_the_last_session_with_these_agencies_then_templates_then_blank() {
    let mut app = app_with(&[("Joint", (2026, 2, 1), &["CYFD", "La Casa"])]);
    let sent = app.step(ch('n'));
    assert!(matches!(sent[..], [Request::Templates]), "{sent:?}");
    assert_eq!(app.screen, Screen::Between);
    assert_eq!(app.context(), Context::NewFrom);
    app.step(Msg::Io(Response::Templates(
        vec![default_template()],
        vec![],
    )));
    let labels: Vec<String> = app.between.starts.iter().map(|s| s.label()).collect();
    assert!(
        labels[0].starts_with("From the last session with CYFD, La Casa"),
        "{labels:?}"
    );
    assert!(labels[1].starts_with("Template “default”"), "{labels:?}");
    assert_eq!(labels[2], "Blank: no template");
    // At 100 columns every choice and the header fit, with no separator left dangling.
    let screen = {
        use ratatui::{backend::TestBackend, Terminal};
        let mut term = Terminal::new(TestBackend::new(100, 24)).unwrap();
        term.draw(|f| crate::tui::views::draw(f, &app)).unwrap();
        let buf = term.backend().buffer().clone();
        (0..24)
            .map(|y| (0..100).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .collect::<Vec<_>>()
    };
    assert!(!screen[0].trim_end().ends_with('·'), "{}", screen[0]);
    for label in &labels {
        assert!(
            screen.iter().any(|row| row.contains(label.as_str())),
            "cut: {label}\n{}",
            screen.join("\n")
        );
    }
    assert!(screen[1].trim_end().ends_with("or blank"), "{}", screen[1]);

    let sent = app.step(key(KeyCode::Enter));
    let Some(Request::NewSession { like, template, .. }) = sent.into_iter().next() else {
        panic!("no new session asked for");
    };
    assert_eq!(like, Some(id_of(&app, "Joint")));
    assert_eq!(template.unwrap().name, "default");

    // The IO thread's answer opens the note, unsaved, at the title.
    let mut meta = SessionMeta::new_today("me");
    meta.agencies = vec!["CYFD".into(), "La Casa".into()];
    let from = meta.clone();
    let open = crate::core::followups::parse("- [ ] call\n");
    app.step(Msg::Io(Response::NewSession(Ok(Box::new(NewSession {
        session: Session {
            meta,
            text: "## Open follow-ups from …\n\n- [ ] call\n".into(),
        },
        from: Some((from, open)),
    })))));
    assert_eq!(app.screen, Screen::Note);
    assert_eq!(app.context(), Context::Form);
    let n = app.note.as_ref().unwrap();
    assert!(n.doc.editor().text().contains("- [ ] call"));
    assert!(!n.dirty(), "nothing is saved until something is typed");
    let said = &app.status.as_ref().unwrap().text;
    assert!(said.contains("1 open follow-up(s)"), "{said}");
}

/// A template that names agencies gives them to the new note; leaving the agencies field
/// with them asks for the last session's open follow-ups, as typing them would.
#[test]
fn a_template_s_agencies_are_asked_about_when_the_field_is_left() {
    let mut app = app_with(&[("Joint", (2026, 2, 1), &["CYFD"])]);
    let mut meta = SessionMeta::new_today("me");
    meta.agencies = vec!["Sierra Office".into()];
    app.step(Msg::Io(Response::NewSession(Ok(Box::new(NewSession {
        session: Session {
            meta,
            text: "## Discussion\n\n".into(),
        },
        from: None,
    })))));
    assert_eq!(app.context(), Context::Form);
    app.note
        .as_mut()
        .unwrap()
        .form
        .focus(crate::tui::form::Field::Agencies as usize);
    app.step(Msg::Tick);
    let sent = app.step(key(KeyCode::Enter));
    assert!(
        sent.iter().any(|r| matches!(
            r,
            Request::CarryOver { agencies, .. } if agencies == &["Sierra Office".to_string()]
        )),
        "{sent:?}"
    );
}

#[test]
fn n_on_a_session_without_agencies_offers_templates_and_esc_goes_back() {
    let mut app = app_with(&[("Alone", (2026, 2, 1), &[])]);
    app.step(ch('n'));
    app.step(Msg::Io(Response::Templates(
        vec![default_template()],
        vec![],
    )));
    assert_eq!(app.between.starts.len(), 2);
    assert!(app.between.starts[0].label().starts_with("Template"));
    app.step(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::List);
}

#[test]
fn delete_asks_first_and_only_yes_deletes() {
    let mut app = app_with(&[("Keep me", (2026, 2, 1), &["CYFD"])]);
    assert!(app.step(ch('d')).is_empty(), "nothing before the answer");
    assert_eq!(app.context(), Context::ConfirmDelete);
    assert!(app.step(ch('n')).is_empty());
    assert_eq!(app.context(), Context::List);
    assert!(app.between.confirm.is_none());
    app.step(ch('d'));
    assert!(app.step(key(KeyCode::Esc)).is_empty());
    app.step(ch('d'));
    let sent = app.step(ch('y'));
    let id = id_of(&app, "Keep me");
    assert!(
        matches!(&sent[..], [Request::Delete(d)] if *d == id),
        "{sent:?}"
    );
}

#[test]
fn brackets_move_to_the_sessions_with_the_same_agencies() {
    // Newest first, as the scan gives them.
    let mut app = app_with(&[
        ("c", (2026, 3, 1), &["CYFD", "La Casa"]),
        ("other", (2026, 2, 15), &["CYFD"]),
        ("b", (2026, 2, 1), &["la casa", "CYFD"]),
        ("a", (2026, 1, 1), &["CYFD", "La Casa"]),
    ]);
    let title = |app: &App| app.list.selected_summary().unwrap().meta.title.clone();
    assert_eq!(title(&app), "c");
    app.step(ch('['));
    assert_eq!(
        title(&app),
        "b",
        "the previous (older) one, skipping other agencies"
    );
    app.step(ch('['));
    assert_eq!(title(&app), "a");
    app.step(ch('['));
    assert_eq!(title(&app), "a");
    assert!(app
        .status
        .as_ref()
        .unwrap()
        .text
        .contains("No earlier session"));
    app.step(ch(']'));
    assert_eq!(title(&app), "b");
    assert!(
        app.status.is_none(),
        "the move took place: {:?}",
        app.status
    );
    // Another message is not taken away by a move.
    app.status = Some(crate::tui::app::Status {
        text: "Saved".into(),
        kind: crate::tui::app::StatusKind::Ok,
    });
    app.step(ch(']'));
    assert_eq!(title(&app), "c");
    assert_eq!(app.status.as_ref().unwrap().text, "Saved");
}

fn item(title: &str, line: usize, text: &str) -> FollowUpItem {
    FollowUpItem {
        session: SessionId::new(),
        title: title.into(),
        date: NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
        agencies: vec!["CYFD".into()],
        line,
        start: 10,
        done: false,
        status: crate::core::followups::State::Open,
        carried_to: None,
        text: text.into(),
        raw: format!("- [ ] {text}"),
    }
}

#[test]
fn the_follow_ups_view_filters_ticks_and_opens() {
    let mut app = app_with(&[("S", (2026, 5, 1), &["CYFD"])]);
    let sent = app.step(ch('o'));
    assert!(
        matches!(sent[..], [Request::FollowUps { all: false }]),
        "{sent:?}"
    );
    assert_eq!(app.between.mode, Mode::FollowUps);
    let mut other = item("Doña Ana meeting", 3, "llamar a la escuela");
    other.agencies = vec!["Doña Ana DV".into()];
    app.step(Msg::Io(Response::FollowUps(
        vec![item("S", 1, "send the plan"), other],
        vec![],
    )));
    assert_eq!(app.between.shown.len(), 2);
    for c in "dona".chars() {
        app.step(ch(c));
    }
    assert_eq!(
        app.between.shown.len(),
        1,
        "filtered by agency, accents ignored"
    );
    app.step(key(KeyCode::Esc));
    app.step(key(KeyCode::Esc));
    assert_eq!(app.between.shown.len(), 2, "Esc clears the filter");
    assert_eq!(app.screen, Screen::Between);

    let sent = app.step(ch(' '));
    let first = app.between.followups[0].clone();
    assert!(
        matches!(&sent[..], [Request::ToggleFollowUp { id, line: 1, raw, all: false }]
            if *id == first.session && raw == "- [ ] send the plan"),
        "{sent:?}"
    );
    // The answer: ticked, the list as it is now.
    let sent = app.step(Msg::Io(Response::FollowUpToggled {
        id: first.session.clone(),
        result: Ok(true),
        items: vec![],
    }));
    assert!(sent.iter().any(|r| matches!(r, Request::Scan)));
    assert!(app.status.as_ref().unwrap().text.contains("Ticked off"));

    app.step(Msg::Io(Response::FollowUps(
        vec![item("S", 1, "send the plan")],
        vec![],
    )));
    let sent = app.step(key(KeyCode::Enter));
    assert!(matches!(&sent[..], [Request::Load(_)]), "{sent:?}");
    assert_eq!(app.from_result.return_to, Some(Screen::Between));
    assert_eq!(app.from_result.jump.as_ref().unwrap().cursor, 10);
}

#[test]
fn a_carried_follow_up_is_not_ticked_from_the_view_but_said_where_it_went() {
    let mut app = app_with(&[("S", (2026, 5, 1), &["CYFD"])]);
    app.step(ch('o'));
    let mut carried = item("S", 1, "send the plan");
    carried.status = crate::core::followups::State::Carried;
    carried.carried_to = NaiveDate::from_ymd_opt(2026, 5, 8);
    carried.raw = "- [>] send the plan".into();
    app.step(Msg::Io(Response::FollowUps(vec![carried], vec![])));
    let sent = app.step(ch(' '));
    assert!(sent.is_empty(), "{sent:?}");
    let said = &app.status.as_ref().unwrap().text;
    assert!(said.contains("→ carried to 2026-05-08"), "{said}");
    assert!(!app.between.busy);
}

#[test]
fn the_trash_view_restores_the_highlighted_session() {
    let mut app = app_with(&[]);
    let sent = app.step(ch('t'));
    assert!(matches!(sent[..], [Request::Trash]), "{sent:?}");
    let t = crate::core::store::Trashed {
        folder: "/s/.ripple/trash/x".into(),
        id: SessionId::new(),
        deleted: None,
        meta: Some(SessionMeta::new_today("me")),
        problem: None,
        codings: 0,
    };
    app.step(Msg::Io(Response::Trash(vec![t.clone()])));
    let sent = app.step(ch('r'));
    assert!(
        matches!(&sent[..], [Request::Restore(r)] if **r == t),
        "{sent:?}"
    );
    let sent = app.step(Msg::Io(Response::Restored(Ok(t.id.clone()))));
    assert!(sent.iter().any(|r| matches!(r, Request::Scan)));
    assert!(
        sent.iter().any(|r| matches!(r, Request::Trash)),
        "the trash is read again"
    );
}

#[test]
fn a_scan_with_fewer_sessions_keeps_the_highlight_valid() {
    let mut app = app_with(&[
        ("a", (2026, 3, 1), &["CYFD"]),
        ("b", (2026, 2, 1), &["CYFD"]),
        ("c", (2026, 1, 1), &["CYFD"]),
    ]);
    app.step(key(KeyCode::End));
    let keep: Vec<_> = app.list.all[..1].to_vec();
    // The last session (highlighted) and another are gone: deleted, here or outside.
    app.list.scanned(keep);
    assert_eq!(app.list.selected, 0);
    assert_eq!(app.list.selected_summary().unwrap().meta.title, "a");
}

#[test]
fn after_a_delete_the_trash_view_restores() {
    let mut app = app_with(&[("Gone", (2026, 3, 1), &["CYFD"])]);
    let id = id_of(&app, "Gone");
    app.step(ch('d'));
    app.step(ch('y'));
    app.step(Msg::Io(Response::Deleted {
        id: id.clone(),
        title: "Gone".into(),
        result: Ok(crate::core::workspace::between::Deleted {
            bin: "/x".into(),
            reopened: 0,
        }),
    }));
    app.step(Msg::Io(Response::Scanned(Box::default(), vec![], vec![])));
    let sent = app.step(ch('t'));
    assert!(matches!(sent[..], [Request::Trash]), "{sent:?}");
    let t = crate::core::store::Trashed {
        folder: "/s/.ripple/trash/x".into(),
        id,
        deleted: None,
        meta: Some(SessionMeta::new_today("me")),
        problem: None,
        codings: 0,
    };
    app.step(Msg::Io(Response::Trash(vec![t])));
    let sent = app.step(ch('r'));
    assert!(
        matches!(&sent[..], [Request::Restore(_)]),
        "{sent:?} {:?}",
        app.context()
    );
}

#[test]
fn alt_page_keys_in_a_note_open_the_neighbour_with_the_same_agencies() {
    let mut app = app_with(&[
        ("newer", (2026, 3, 1), &["CYFD"]),
        ("open", (2026, 2, 1), &["CYFD"]),
        ("older", (2026, 1, 1), &["CYFD"]),
    ]);
    let open = app.list.all[1].meta.as_ref().clone();
    app.note = Some(crate::tui::note::NoteState::new(
        Session {
            meta: open,
            text: "x".into(),
        },
        crate::tui::note::Pane::Editor,
        std::time::Instant::now(),
    ));
    app.screen = Screen::Note;
    let alt = |c| Msg::Key(KeyEvent::new(c, KeyModifiers::ALT));
    let sent = app.step(alt(KeyCode::PageUp));
    let older = id_of(&app, "older");
    assert!(
        sent.iter()
            .any(|r| matches!(r, Request::Load(id) if *id == older)),
        "{sent:?}"
    );
    assert!(
        app.note.is_none(),
        "the open note was closed (and saved if it had changes)"
    );
    assert_eq!(app.list.selected_summary().unwrap().meta.title, "older");
}

/// `n` then Enter typed ahead of the ways to start (the IO thread has not answered yet):
/// the Enter is kept and starts the highlighted way when they arrive; Esc before they
/// arrive forgets it.
#[test]
fn enter_typed_before_the_ways_to_start_arrive_starts_the_first_when_they_do() {
    let mut app = app_with(&[("Joint", (2026, 2, 1), &["CYFD"])]);
    app.step(ch('n'));
    let sent = app.step(key(KeyCode::Enter));
    assert!(sent.is_empty(), "nothing to start yet: {sent:?}");
    let sent = app.step(Msg::Io(Response::Templates(
        vec![default_template()],
        vec![],
    )));
    let Some(Request::NewSession { like, .. }) = sent.into_iter().next() else {
        panic!("the Enter typed ahead was lost");
    };
    assert_eq!(like, Some(id_of(&app, "Joint")));

    let mut app = app_with(&[("Joint", (2026, 2, 1), &["CYFD"])]);
    app.step(ch('n'));
    app.step(key(KeyCode::Enter));
    app.step(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::List);
    let sent = app.step(Msg::Io(Response::Templates(
        vec![default_template()],
        vec![],
    )));
    assert!(
        !sent.iter().any(|r| matches!(r, Request::NewSession { .. })),
        "{sent:?}"
    );
    assert_eq!(app.screen, Screen::List);
}
