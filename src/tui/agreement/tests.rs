//! The agreement screen as a component, its requests answered by the IO thread's handler over a
//! real store: two coders who differ, the table, a theme's disagreements, one settled.

use super::*;
use crate::core::agreement::done;
use crate::core::coding::CoderSessionFile;
use crate::core::coding_store::{self, find_quote, new_coding};
use crate::core::session::{SessionId, SessionMeta};
use crate::core::store::Store;
use crate::core::workspace::Workspace;
use crate::tui::component::Harness;
use crate::tui::effect::{requests, Effect};
use crate::tui::worker;

const NOTE: &str = "We trust La Casa now.\n\nCalls go unanswered at night.";

/// A store with one session both Ana and Bea marked done: they agree on "trust" over
/// "trust La Casa", and only Ana coded "communication" on "Calls go unanswered".
fn store() -> (tempfile::TempDir, Store, SessionId) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    let meta = SessionMeta::new_today("M. Rivera");
    let id = meta.id.clone();
    store.create(meta, NOTE).unwrap();
    let coded = |coder: &str, items: &[(&str, &str)]| {
        let codings = items
            .iter()
            .map(|(q, theme)| {
                let (s, e) = find_quote(NOTE, q, None).unwrap();
                new_coding(NOTE, &id, s, e, theme, coder, "").unwrap()
            })
            .collect();
        let file = CoderSessionFile {
            session: id.clone(),
            coder: coder.into(),
            memo: String::new(),
            codings,
        };
        coding_store::save(store.root(), &file).unwrap();
        done::set(store.root(), coder, &id, true).unwrap();
    };
    coded(
        "Ana",
        &[
            ("trust La Casa", "trust"),
            ("Calls go unanswered", "communication"),
        ],
    );
    coded("Bea", &[("trust La Casa", "trust")]);
    (dir, store, id)
}

/// Answer every IO request the harness holds with the real handler, and hand the answers back
/// to the screen (as the app does), until nothing more is asked.
fn answer(screen: &mut AgreementScreen, h: &mut Harness, ws: &mut Workspace) {
    loop {
        let effects = std::mem::take(&mut h.effects).into_vec();
        let reqs: Vec<Request> = effects
            .into_iter()
            .filter_map(|e| match e {
                Effect::Io(r) => Some(r),
                _ => None,
            })
            .collect();
        if reqs.is_empty() {
            return;
        }
        for r in reqs {
            let resp = worker::handle(ws, r);
            assert!(screen.on_io(resp, &mut h.ctx()).is_none());
        }
    }
}

fn key(screen: &mut AgreementScreen, h: &mut Harness, a: Action) {
    assert!(screen.handle(a, &mut h.ctx()).consumed(), "{a:?}");
}

#[test]
fn settling_a_disagreement_removes_it_and_the_figures_are_read_again() {
    let (_dir, store, id) = store();
    let mut ws = Workspace::new(&store, "Ana");
    let mut h = Harness::default();
    let mut s = AgreementScreen::default();
    s.open(&mut h.ctx());
    assert!(matches!(
        requests(&std::mem::take(&mut h.effects).into_vec()).as_slice(),
        [Request::Agreement {
            disagreements: true,
            ..
        }]
    ));
    s.send(&mut h.ctx());
    answer(&mut s, &mut h, &mut ws);
    let v = s.view.as_ref().expect("figures");
    assert_eq!(v.report.coders, ["Ana", "Bea"]);
    let themes: Vec<&str> = v.report.themes.iter().map(|t| t.theme.as_str()).collect();
    assert_eq!(themes, ["trust", "communication"]);
    assert_eq!(s.rows(), 3, "two themes and all themes");
    assert_eq!(s.open_count(Some("communication")), 1);
    assert_eq!(s.open_count(Some("trust")), 0);

    // The communication row, Enter: its one disagreement, with who coded what.
    key(&mut s, &mut h, Action::Down);
    key(&mut s, &mut h, Action::OpenResult);
    assert_eq!(s.context(), Context::Disagreements);
    let items = s.items();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].text, "Calls go unanswered");
    assert!(items[0].positions[0].coded && !items[0].positions[1].coded);

    // Enter opens the note at the passage, coming back here.
    key(&mut s, &mut h, Action::OpenResult);
    match h.commands().as_slice() {
        [Command::OpenAt { jump, from, .. }] => {
            assert_eq!(jump.id, id);
            assert_eq!(jump.hits, [(items_start(), items_start() + 19)]);
            assert_eq!(*from, Screen::Agreement);
        }
        other => panic!("{other:?}"),
    }

    // `a`: Ana's coding into the consensus coder; the item is gone, the count follows.
    key(&mut s, &mut h, Action::AcceptCoder(1));
    assert!(s.settling);
    key(&mut s, &mut h, Action::AcceptCoder(1));
    assert!(h.said().contains("a moment"), "{}", h.said());
    answer(&mut s, &mut h, &mut ws);
    assert!(!s.settling);
    assert!(
        h.said().starts_with("Settled: Ana's coding into consensus"),
        "{}",
        h.said()
    );
    assert!(s.items().is_empty());
    assert_eq!(s.open_count(None), 0);
    let consensus = coding_store::load(store.root(), "consensus", &id).unwrap();
    let mut got: Vec<(&str, &str)> = consensus
        .codings
        .iter()
        .map(|c| (c.theme.as_str(), c.quote.as_str()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("communication", "Calls go unanswered"),
            ("trust", "trust La Casa")
        ],
        "the settled passage and the agreed one"
    );

    // Back to the table; the consensus coder compared with Bea: the figures are its.
    key(&mut s, &mut h, Action::Back);
    assert_eq!(s.context(), Context::Agreement);
    let before = s.view.as_ref().unwrap().report.all.clone();
    loop {
        key(&mut s, &mut h, Action::AgreeCoders);
        answer(&mut s, &mut h, &mut ws);
        if s.compared() == ["Bea", "consensus"] || s.compared() == ["consensus", "Bea"] {
            break;
        }
        assert!(!s.coders.is_empty(), "every pair was offered");
    }
    assert_eq!(s.report_sessions(), 0, "consensus marked nothing done");
    key(&mut s, &mut h, Action::AgreeSessions);
    answer(&mut s, &mut h, &mut ws);
    assert_eq!(s.report_sessions(), 1);
    assert_ne!(s.view.as_ref().unwrap().report.all, before);
}

fn items_start() -> usize {
    find_quote(NOTE, "Calls go unanswered", None).unwrap().0
}

impl AgreementScreen {
    fn report_sessions(&self) -> usize {
        self.view.as_ref().map_or(0, |v| v.report.sessions)
    }
}

#[test]
fn blind_coders_see_the_figures_but_not_the_disagreements() {
    let (_dir, store, _id) = store();
    let mut ws = Workspace::new(&store, "Ana");
    ws.set_blind(true);
    let mut h = Harness::default();
    let mut s = AgreementScreen {
        blind: true,
        ..AgreementScreen::default()
    };
    s.open(&mut h.ctx());
    answer(&mut s, &mut h, &mut ws);
    assert_eq!(s.rows(), 3);
    assert_eq!(s.open_count(None), 0, "not even asked for");
    key(&mut s, &mut h, Action::OpenResult);
    assert_eq!(s.context(), Context::Agreement);
    assert!(h.said().starts_with("Blind mode is on"), "{}", h.said());
}

#[test]
fn a_read_only_store_settles_nothing_and_says_why() {
    let (_dir, store, _id) = store();
    let mut ws = Workspace::new(&store, "Ana");
    let mut h = Harness::default();
    let mut s = AgreementScreen::default();
    s.open(&mut h.ctx());
    answer(&mut s, &mut h, &mut ws);
    s.part = Part::Disagreements(None);
    assert_eq!(s.items().len(), 1);
    let ctx = &mut h.ctx_read_only(Some("another Ripple has it open"));
    assert!(s.handle(Action::AcceptNeither, ctx).consumed());
    assert!(h.effects.is_empty());
    assert!(h.said().contains("another Ripple"), "{}", h.said());
}

#[test]
fn a_coder_no_longer_in_the_store_is_said_and_c_goes_back_to_every_coder() {
    let (_dir, store, _id) = store();
    let mut ws = Workspace::new(&store, "Ana");
    let mut h = Harness::default();
    let mut s = AgreementScreen {
        coders: vec!["Ana".into(), "Carmen".into()],
        ..AgreementScreen::default()
    };
    s.open(&mut h.ctx());
    answer(&mut s, &mut h, &mut ws);
    assert!(s.view.is_none());
    let e = s.error.clone().expect("said why");
    assert!(
        e.contains("no coder `Carmen`") && e.contains("Ana, Bea"),
        "{e}"
    );
    key(&mut s, &mut h, Action::AgreeCoders);
    answer(&mut s, &mut h, &mut ws);
    assert!(s.error.is_none());
    assert_eq!(s.compared(), ["Ana", "Bea"]);
}

#[test]
fn esc_goes_back_to_the_screen_agreement_was_opened_from() {
    let mut screen = AgreementScreen::default();
    let mut h = Harness::default();
    screen.handle(Action::Back, &mut h.ctx());
    assert_eq!(h.commands(), [Command::Show(Screen::List)]);
    let mut h = Harness::default();
    screen.back_to = Screen::Analysis;
    screen.handle(Action::Back, &mut h.ctx());
    assert_eq!(h.commands(), [Command::Show(Screen::Analysis)]);
}
