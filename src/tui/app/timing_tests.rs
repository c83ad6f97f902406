//! The timing rules, driven by the time each message carries: no sleeps, no terminal.

use super::*;
use crossterm::event::{KeyCode, KeyModifiers};

fn note_app(t0: Instant) -> App {
    let mut app = App::new("test".into(), "me".into(), None, t0);
    let session = Session {
        meta: SessionMeta::new_today("me"),
        text: "x".into(),
    };
    let mut n = NoteState::new(session, Pane::Editor, t0);
    n.file = NoteFile::Known(None);
    app.note = Some(n);
    app.screen = Screen::Note;
    app
}

fn type_at(app: &mut App, c: char, at: Instant) -> Vec<Effect> {
    app.update(
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        at,
    )
}

fn saves(effects: &[Effect]) -> usize {
    crate::tui::effect::requests(effects)
        .iter()
        .filter(|r| matches!(r, Request::Save { .. }))
        .count()
}

fn drafts(effects: &[Effect]) -> usize {
    crate::tui::effect::requests(effects)
        .iter()
        .filter(|r| matches!(r, Request::WriteDraft(_)))
        .count()
}

fn ms(t0: Instant, ms: u64) -> Instant {
    t0 + Duration::from_millis(ms)
}

#[test]
fn a_pause_of_the_autosave_idle_saves_and_a_shorter_one_does_not() {
    let t0 = Instant::now();
    let mut app = note_app(t0);
    type_at(&mut app, 'a', t0);
    let just_short = AUTOSAVE_IDLE - Duration::from_millis(1);
    assert_eq!(saves(&app.update(Msg::Tick, t0 + just_short)), 0);
    assert_eq!(saves(&app.update(Msg::Tick, t0 + AUTOSAVE_IDLE)), 1);
}

#[test]
fn typing_without_a_pause_goes_to_a_draft_once_its_first_key_is_old_enough() {
    let t0 = Instant::now();
    let mut app = note_app(t0);
    let mut draft_at = None;
    // A key every 400 ms for 3 s: never a pause long enough to save.
    for i in 0..8u64 {
        let at = ms(t0, i * 400);
        type_at(&mut app, 'a', at);
        let fx = app.update(Msg::Tick, ms(t0, i * 400 + 10));
        assert_eq!(saves(&fx), 0, "no pause, no save (at {} ms)", i * 400);
        if drafts(&fx) > 0 && draft_at.is_none() {
            draft_at = Some(i * 400 + 10);
        }
    }
    assert_eq!(
        draft_at,
        Some(1610),
        "first draft once the first unkept key is 1.5 s old"
    );
}

#[test]
fn the_file_is_looked_at_every_stamp_interval() {
    let t0 = Instant::now();
    let mut app = note_app(t0);
    let stamps = |fx: &[Effect]| {
        crate::tui::effect::requests(fx)
            .iter()
            .filter(|r| matches!(r, Request::Stamp(_)))
            .count()
    };
    let short = STAMP_INTERVAL - Duration::from_millis(1);
    assert_eq!(stamps(&app.update(Msg::Tick, t0 + short)), 0);
    assert_eq!(stamps(&app.update(Msg::Tick, t0 + STAMP_INTERVAL)), 1);
    assert_eq!(
        stamps(&app.update(Msg::Tick, t0 + STAMP_INTERVAL + short)),
        0
    );
    assert_eq!(stamps(&app.update(Msg::Tick, t0 + STAMP_INTERVAL * 2)), 1);
}

#[test]
fn quitting_returns_one_quit_effect() {
    let t0 = Instant::now();
    let mut app = App::new("test".into(), "me".into(), None, t0);
    let quit = |fx: &[Effect]| fx.iter().filter(|e| matches!(e, Effect::Quit)).count();
    let ctrl_q = Msg::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL));
    assert_eq!(quit(&app.update(ctrl_q, t0)), 1);
    assert_eq!(quit(&app.update(Msg::Tick, t0)), 0, "said once");
}
