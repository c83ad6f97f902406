//! Carrying follow-ups over through the app, headless: keys in, IO requests out, answers in.

use crate::core::followups::{self, FollowUp};
use crate::core::session::{Session, SessionId, SessionMeta};
use crate::core::store::{BaseCopy, FileStamp};
use crate::core::workspace::between::{CarriedSynced, CarryOver};
use crate::tui::app::{App, Msg, NoteState, Pane, Screen};
use crate::tui::form::Field;
use crate::tui::keymap::Context;
use crate::tui::worker::{Request, Response};
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn typed(app: &mut App, s: &str) -> Vec<Request> {
    s.chars()
        .flat_map(|c| app.step(key(KeyCode::Char(c))))
        .collect()
}

fn asked(sent: &[Request]) -> Option<&Vec<String>> {
    sent.iter().find_map(|r| match r {
        Request::CarryOver { agencies, .. } => Some(agencies),
        _ => None,
    })
}

/// An app with a new note open at its agencies field, holding `text`.
fn app_at_agencies(text: &str) -> App {
    let mut app = App::new("test".into(), "me".into(), None, std::time::Instant::now());
    app.step(Msg::Resize(100, 30));
    let mut meta = SessionMeta::new_today("me");
    meta.date = NaiveDate::from_ymd_opt(2026, 4, 2).unwrap();
    let mut n = NoteState::new(
        Session {
            meta,
            text: text.into(),
        },
        Pane::Form,
        app.now,
    );
    n.form.focus(Field::Agencies as usize);
    app.note = Some(n);
    app.screen = Screen::Note;
    app
}

fn previous() -> SessionMeta {
    let mut m = SessionMeta::new_today("me");
    m.title = "Joint coaching".into();
    m.date = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    m.agencies = vec!["CYFD".into(), "La Casa".into()];
    m
}

fn answer(app: &App, agencies: &[&str], note: &str) -> Msg {
    Msg::Io(Response::CarryOver {
        id: app.note.as_ref().unwrap().meta.id.clone(),
        agencies: agencies.iter().map(|a| a.to_string()).collect(),
        result: Ok(Some(Box::new(CarryOver {
            from: previous(),
            open: followups::open(note),
        }))),
    })
}

fn text(app: &App) -> String {
    app.note.as_ref().unwrap().doc.editor().text()
}

const PREVIOUS: &str = "- [ ] call the school\n- [x] done thing\n- [ ] Llamar a Doña Ana 🙂\n";

#[test]
fn leaving_the_agencies_field_asks_once_per_set_of_agencies() {
    let mut app = app_at_agencies("");
    // Typing alone asks nothing: the field is not committed yet.
    assert_eq!(asked(&typed(&mut app, "CYFD, La Casa")), None);
    let sent = app.step(key(KeyCode::Enter));
    assert_eq!(
        asked(&sent).map(|a| a.as_slice()),
        Some(&["CYFD".to_string(), "La Casa".to_string()][..])
    );
    let Some(Request::CarryOver { date, id, .. }) =
        sent.iter().find(|r| matches!(r, Request::CarryOver { .. }))
    else {
        unreachable!()
    };
    assert_eq!(*date, NaiveDate::from_ymd_opt(2026, 4, 2).unwrap());
    assert_eq!(*id, app.note.as_ref().unwrap().meta.id);

    // Back and out again with the same agencies (another case and order): not again.
    app.step(key(KeyCode::Up));
    assert_eq!(app.note.as_ref().unwrap().form.current(), Field::Agencies);
    app.step(Msg::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    typed(&mut app, "la casa, cyfd");
    assert_eq!(asked(&app.step(key(KeyCode::Tab))), None);

    // Other agencies, left by Tab (to the text): asked.
    app.step(Msg::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
    assert_eq!(app.context(), Context::Form);
    app.note
        .as_mut()
        .unwrap()
        .form
        .focus(Field::Agencies as usize);
    app.step(key(KeyCode::Down));
    app.step(key(KeyCode::Up));
    typed(&mut app, ", Peña");
    assert!(asked(&app.step(key(KeyCode::Tab))).is_some());

    // An empty field asks nothing.
    let mut app = app_at_agencies("");
    assert_eq!(asked(&app.step(key(KeyCode::Enter))), None);
}

#[test]
fn a_note_with_a_carried_section_or_a_read_only_store_asks_nothing() {
    let mut app = app_at_agencies("## Open follow-ups from 2026-03-01 (Joint)\n\n- [ ] x\n");
    typed(&mut app, "CYFD");
    assert_eq!(asked(&app.step(key(KeyCode::Enter))), None);

    // Read-only: the details cannot change, but agencies set some other way ask nothing.
    let mut app = app_at_agencies("");
    app.note.as_mut().unwrap().meta.agencies = vec!["CYFD".into()];
    app.read_only = Some("another Ripple writes here".into());
    assert_eq!(asked(&app.step(key(KeyCode::Enter))), None);
    app.read_only = None;
    app.step(key(KeyCode::Up));
    assert!(asked(&app.step(key(KeyCode::Enter))).is_some(), "the guard");
}

#[test]
fn the_ticked_follow_ups_go_at_the_end_as_one_undo_step() {
    let mut app = app_at_agencies("Notes so far\n");
    typed(&mut app, "CYFD, La Casa");
    app.step(key(KeyCode::Enter));
    app.step(answer(&app, &["CYFD", "La Casa"], PREVIOUS));
    assert_eq!(app.context(), Context::CarryOver);
    let offer = app.carry.as_ref().unwrap();
    let items: Vec<&str> = offer.items.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(items, ["call the school", "Llamar a Doña Ana 🙂"]);
    assert_eq!(offer.ticked, [true, true]);

    // A typed letter is not typed anywhere while the offer is shown.
    app.step(key(KeyCode::Char('z')));
    assert!(!app
        .note
        .as_ref()
        .unwrap()
        .form
        .value(Field::Type)
        .contains('z'));
    assert!(app.status.as_ref().unwrap().text.contains("Enter"));

    // Untick the first; Enter carries the second over.
    app.step(key(KeyCode::Char(' ')));
    assert_eq!(app.carry.as_ref().unwrap().ticked, [false, true]);
    app.step(key(KeyCode::Enter));
    assert!(app.carry.is_none());
    assert_eq!(app.context(), Context::Form);
    assert_eq!(
        text(&app),
        "Notes so far\n\n## Open follow-ups from 2026-03-01 (Joint coaching)\n\n\
         - [ ] Llamar a Doña Ana 🙂\n"
    );
    assert_eq!(app.note.as_ref().unwrap().doc.editor().cursor(), 0);
    assert!(app.note.as_ref().unwrap().dirty());
    assert!(app.status.as_ref().unwrap().text.contains("Carried over 1"));

    // One undo step takes it all back.
    app.step(Msg::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)));
    assert_eq!(app.context(), Context::Editor);
    app.step(Msg::Key(KeyEvent::new(
        KeyCode::Char('z'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(text(&app), "Notes so far\n");
}

#[test]
fn esc_declines_and_the_same_agencies_are_not_offered_again() {
    let mut app = app_at_agencies("");
    typed(&mut app, "CYFD, La Casa");
    app.step(key(KeyCode::Enter));
    app.step(answer(&app, &["CYFD", "La Casa"], PREVIOUS));
    assert_eq!(app.context(), Context::CarryOver);
    app.step(key(KeyCode::Esc));
    assert!(app.carry.is_none());
    assert_eq!(app.screen, Screen::Note, "Esc declines; it does not leave");
    assert_eq!(text(&app), "");
    app.step(key(KeyCode::Up));
    assert_eq!(asked(&app.step(key(KeyCode::Enter))), None);
    // Other agencies ask again.
    app.step(key(KeyCode::Up));
    typed(&mut app, ", Peña");
    assert!(asked(&app.step(key(KeyCode::Enter))).is_some());
}

#[test]
fn stale_answers_and_nothing_open_show_no_offer() {
    let mut app = app_at_agencies("");
    typed(&mut app, "CYFD");
    app.step(key(KeyCode::Enter));
    // Answered for agencies the note no longer names.
    app.step(answer(&app, &["La Casa"], PREVIOUS));
    assert!(app.carry.is_none());
    // Nothing open in the previous session: said, no offer.
    app.step(answer(&app, &["cyfd"], "- [x] done\n"));
    assert!(app.carry.is_none());
    let said = &app.status.as_ref().unwrap().text;
    assert!(said.contains("No open follow-ups"), "{said}");
    // No previous session: nothing said.
    app.status = None;
    let id = app.note.as_ref().unwrap().meta.id.clone();
    app.step(Msg::Io(Response::CarryOver {
        id,
        agencies: vec!["CYFD".into()],
        result: Ok(None),
    }));
    assert!(app.carry.is_none() && app.status.is_none());
    // An offer for a note that closed goes with it.
    app.step(answer(&app, &["CYFD"], PREVIOUS));
    assert!(app.carry.is_some());
    app.note = None;
    app.screen = Screen::List;
    app.step(Msg::Tick);
    assert!(app.carry.is_none());
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Ctrl-S, and the save answered as written: what was sent.
fn save(app: &mut App) -> Vec<Request> {
    let mut sent = app.step(ctrl('s'));
    let version = sent.iter().find_map(|r| match r {
        Request::Save { version, .. } => Some(*version),
        _ => None,
    });
    if let Some(version) = version {
        let id = app.note.as_ref().unwrap().meta.id.clone();
        sent.extend(app.step(Msg::Io(Response::Saved {
            id,
            version,
            result: Ok((
                FileStamp {
                    mtime_ns: 1,
                    size: 1,
                },
                BaseCopy::new(text(app)),
            )),
            draft: None,
        })));
    }
    sent
}

/// The one `Request::SyncCarried` among `sent`, after the save.
fn sync_sent(sent: &[Request]) -> Option<(SessionId, Vec<FollowUp>, Vec<FollowUp>)> {
    let at = |p: fn(&Request) -> bool| sent.iter().position(p);
    let sync = at(|r| matches!(r, Request::SyncCarried { .. }))?;
    let save = at(|r| matches!(r, Request::Save { .. })).expect("saved");
    assert!(save < sync, "the sync goes after the save: {sent:?}");
    match &sent[sync] {
        Request::SyncCarried {
            from,
            pending,
            marked,
            ..
        } => Some((from.clone(), pending.clone(), marked.clone())),
        _ => unreachable!(),
    }
}

/// The answer to a sync from `from` for the open note, with `set` filling in what it did.
fn synced(app: &App, from: &SessionId, set: impl FnOnce(&mut CarriedSynced)) -> Msg {
    synced_into(&app.note.as_ref().unwrap().meta.id, from, set)
}

/// The answer to a sync from `from` into note `into` (open or not).
fn synced_into(into: &SessionId, from: &SessionId, set: impl FnOnce(&mut CarriedSynced)) -> Msg {
    let mut from_meta = previous();
    from_meta.id = from.clone();
    let mut m = CarriedSynced::untouched(from_meta, vec![]);
    set(&mut m);
    Msg::Io(Response::SyncedCarried {
        from: from.clone(),
        into: into.clone(),
        result: Ok(m),
    })
}

/// A carried note with `PREVIOUS`'s open follow-ups carried, the cursor in the text.
fn carried_note(tick_first_off: bool) -> App {
    let mut app = app_at_agencies("Notes so far\n");
    typed(&mut app, "CYFD, La Casa");
    app.step(key(KeyCode::Enter));
    app.step(answer(&app, &["CYFD", "La Casa"], PREVIOUS));
    if tick_first_off {
        app.step(key(KeyCode::Char(' ')));
    }
    app.step(key(KeyCode::Enter));
    app.note.as_mut().unwrap().focus = Pane::Editor;
    app
}

#[test]
fn the_next_save_marks_only_the_carried_items_in_their_source_after_the_save() {
    let mut app = carried_note(true);
    let into = app.note.as_ref().unwrap().meta.id.clone();
    let (from, items, marked) = sync_sent(&save(&mut app)).expect("asked");
    assert_ne!(from, into, "marked in the source, not in the note");
    let texts: Vec<&str> = items.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(texts, ["Llamar a Doña Ana 🙂"], "only the ticked one");
    assert!(marked.is_empty());
    // A save while that one is out asks nothing more until it is answered.
    typed(&mut app, "x");
    let sent = save(&mut app);
    assert!(sent.iter().any(|r| matches!(r, Request::Save { .. })));
    assert_eq!(sync_sent(&sent), None);

    // The source's line had changed meanwhile: left open, and said; the save made while it
    // was out asks again, with nothing left to do, so nothing is sent.
    let sent = app.step(synced(&app, &from, |m| m.changed = items.clone()));
    assert!(!sent
        .iter()
        .any(|r| matches!(r, Request::SyncCarried { .. })));
    let said = &app.status.as_ref().unwrap().text;
    assert!(
        said.contains("Left open") && said.contains("Llamar a Doña Ana"),
        "{said}"
    );
    let c = app.note.as_ref().unwrap().carried.as_ref().unwrap();
    assert!(c.pending.is_empty() && c.marked.is_empty() && !c.asking);
}

#[test]
fn undo_after_the_carried_items_were_marked_opens_them_again_and_redo_marks_them() {
    let mut app = carried_note(false);
    let (from, pending, _) = sync_sent(&save(&mut app)).expect("asked");
    assert_eq!(pending.len(), 2);
    // A save while it is out: asked again once answered. Not held by the saved note (its save
    // failed, say): they wait, and go with the request asked again.
    typed(&mut app, "x");
    assert_eq!(sync_sent(&save(&mut app)), None);
    let sent = app.step(synced(&app, &from, |m| m.absent = pending.clone()));
    match sent.as_slice() {
        [Request::SyncCarried {
            pending: p,
            marked: m,
            ..
        }] => assert_eq!((p, m.len()), (&pending, 0)),
        other => panic!("{other:?}"),
    }
    // Now marked.
    let as_marked: Vec<FollowUp> = pending
        .iter()
        .map(|f| f.with_state(followups::State::Carried))
        .collect();
    app.step(synced(&app, &from, |m| m.marked = as_marked.clone()));
    let said = &app.status.as_ref().unwrap().text;
    assert!(said.contains("2 follow-up(s) marked"), "{said}");
    // Undo (the x, then the section); the save sends the marked ones, to be opened again.
    app.step(ctrl('z'));
    app.step(ctrl('z'));
    assert!(!text(&app).contains("Llamar"), "{}", text(&app));
    let (_, pending_now, marked_now) = sync_sent(&save(&mut app)).expect("asked");
    assert_eq!((pending_now.len(), &marked_now), (0, &as_marked));
    app.step(synced(&app, &from, |m| m.reopened = pending.clone()));
    let said = &app.status.as_ref().unwrap().text;
    assert!(
        said.contains("2 follow-up(s) no longer in this note are open again"),
        "{said}"
    );
    // Redo brings them back: pending again, so the next save marks them again.
    app.step(ctrl('y'));
    assert!(text(&app).contains("Llamar"));
    let (_, p, m) = sync_sent(&save(&mut app)).expect("asked");
    assert_eq!((p, m.len()), (pending, 0));
}

/// A note closed while its sync is out: the save made on closing still asks, once the first
/// is answered.
#[test]
fn a_note_closed_while_its_sync_is_out_still_asks_for_the_last_save() {
    let mut app = carried_note(false);
    let into = app.note.as_ref().unwrap().meta.id.clone();
    let (from, pending, _) = sync_sent(&save(&mut app)).expect("asked");
    typed(&mut app, "x");
    app.step(key(KeyCode::Esc));
    assert!(app.note.is_none(), "closed");
    assert_eq!(app.carried_out.len(), 1);
    let marked: Vec<FollowUp> = pending
        .iter()
        .map(|f| f.with_state(followups::State::Carried))
        .collect();
    let sent = app.step(synced_into(&into, &from, |m| m.marked = marked));
    let asked: Vec<&Request> = sent
        .iter()
        .filter(|r| matches!(r, Request::SyncCarried { .. }))
        .collect();
    match asked.as_slice() {
        [Request::SyncCarried {
            into: i, marked, ..
        }] => {
            assert_eq!(i, &into);
            assert_eq!(marked.len(), 2);
        }
        other => panic!("{other:?}"),
    }
    // Answered again: nothing more to keep.
    app.step(synced_into(&into, &from, |_| {}));
    assert!(app.carried_out.is_empty());
}
