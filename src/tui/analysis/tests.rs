//! The analysis screen as a component, its questions answered by the IO thread's handler over
//! a real store (two sessions, two coders), as the app would: what it asks, the tables it
//! shows, the keys that change them, a bad query, and Enter on cells.
//!
//! The store: a May session where Ana and Bea both code "trust La Casa" as trust and Ana codes
//! "Calls go unanswered" as communication; a June session where Ana codes "Trust grows" as
//! trust. Trust and communication sit under collaboration in the built-in codebook.

use super::*;
use crate::core::coding::CoderSessionFile;
use crate::core::coding_store::{self, find_quote, new_coding};
use crate::core::session::{SessionId, SessionMeta};
use crate::core::store::Store;
use crate::core::workspace::Workspace;
use crate::tui::component::Harness;
use crate::tui::effect::{requests, Effect};
use crate::tui::worker;

const MAY: &str = "We trust La Casa now.\n\nCalls go unanswered at night.";
const JUNE: &str = "Trust grows. Calls are answered.";

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    let session = |date: (i32, u32, u32), agency: &str, text: &str| -> SessionId {
        let mut meta = SessionMeta::new_today("M. Rivera");
        meta.date = chrono::NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap();
        meta.agencies = vec![agency.into()];
        meta.title = format!("Meeting {}", date.1);
        let id = meta.id.clone();
        store.create(meta, text).unwrap();
        id
    };
    let may = session((2026, 5, 10), "CYFD", MAY);
    let june = session((2026, 6, 14), "La Casa", JUNE);
    let coded = |id: &SessionId, text: &str, coder: &str, items: &[(&str, &str)]| {
        let codings = items
            .iter()
            .map(|(q, theme)| {
                let (s, e) = find_quote(text, q, None).unwrap();
                new_coding(text, id, s, e, theme, coder, "").unwrap()
            })
            .collect();
        let file = CoderSessionFile {
            session: id.clone(),
            coder: coder.into(),
            memo: String::new(),
            codings,
        };
        coding_store::save(store.root(), &file).unwrap();
    };
    coded(
        &may,
        MAY,
        "Ana",
        &[
            ("trust La Casa", "trust"),
            ("Calls go unanswered", "communication"),
        ],
    );
    coded(&may, MAY, "Bea", &[("trust La Casa", "trust")]);
    coded(&june, JUNE, "Ana", &[("Trust grows", "trust")]);
    (dir, store)
}

/// Answer every IO request the harness holds with the real handler, and hand the answers back
/// to the screen (as the app does), until nothing more is asked. Returns how many were asked.
fn answer(screen: &mut AnalysisScreen, h: &mut Harness, ws: &mut Workspace) -> usize {
    let mut asked = 0;
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
            return asked;
        }
        for r in reqs {
            asked += 1;
            let resp = worker::handle(ws, r);
            assert!(screen.on_io(resp, &mut h.ctx()).is_none());
        }
    }
}

fn key(screen: &mut AnalysisScreen, h: &mut Harness, a: Action) {
    assert!(screen.handle(a, &mut h.ctx()).consumed(), "{a:?}");
}

fn ana(screen: &mut AnalysisScreen, h: &mut Harness, k: AnalysisKey) {
    key(screen, h, Action::Analysis(k));
}

fn row_of(s: &AnalysisScreen, key: &str) -> usize {
    s.grid()
        .unwrap()
        .rows
        .iter()
        .position(|r| r.key == key)
        .unwrap_or_else(|| panic!("no row {key}"))
}

fn col_of(s: &AnalysisScreen, label: &str) -> usize {
    s.grid()
        .unwrap()
        .cols
        .iter()
        .position(|c| c == label)
        .unwrap_or_else(|| panic!("no column {label}: {:?}", s.grid().unwrap().cols))
}

fn cell(s: &AnalysisScreen, theme: &str, col: &str) -> f64 {
    s.grid()
        .unwrap()
        .value(row_of(s, theme), col_of(s, col))
        .unwrap()
}

/// Put the cursor on (theme, column).
fn go_to(s: &mut AnalysisScreen, theme: &str, col: &str) {
    let (r, c) = (row_of(s, theme), col_of(s, col));
    *s.cursor_mut() = (r, c);
}

fn opened(s: &mut AnalysisScreen, h: &mut Harness, ws: &mut Workspace) {
    s.open(&mut h.ctx());
    assert_eq!(
        requests(&h.effects_view()).len(),
        1,
        "one question: the store is read with it"
    );
    answer(s, h, ws);
}

trait EffectsView {
    fn effects_view(&mut self) -> Vec<Effect>;
}

impl EffectsView for Harness {
    /// The effects so far, put back after looking.
    fn effects_view(&mut self) -> Vec<Effect> {
        let v = std::mem::take(&mut self.effects).into_vec();
        let mut copy = Vec::new();
        for e in v {
            if let Effect::Io(Request::Analysis { corpus, ask, read }) = &e {
                copy.push(Effect::Io(Request::Analysis {
                    corpus: corpus.clone(),
                    ask: ask.clone(),
                    read: *read,
                }));
            }
            self.effects.push(e);
        }
        copy
    }
}

#[test]
fn the_matrix_counts_passages_by_month_rolled_up_and_the_corpus_is_read_once() {
    let (_dir, store) = store();
    let mut ws = Workspace::new(&store, "Ana");
    let mut h = Harness::default();
    let mut s = AnalysisScreen::default();
    s.open(&mut h.ctx());
    match requests(&h.effects_view()).as_slice() {
        [Request::Analysis {
            corpus: None, ask, ..
        }] => {
            assert!(matches!(
                **ask,
                Ask::Matrix(MatrixSpec {
                    cols: Dimension::Month,
                    value: Value::Passages,
                    flat: false,
                    ..
                })
            ))
        }
        other => panic!("{other:?}"),
    }
    assert!(s.loading());
    answer(&mut s, &mut h, &mut ws);
    assert!(!s.loading());
    assert!(s.corpus.is_some(), "the corpus is kept");
    // trust: "trust La Casa" (coded by two: one passage) in May, "Trust grows" in June.
    assert_eq!(cell(&s, "trust", "May 2026"), 1.0);
    assert_eq!(cell(&s, "trust", "Jun 2026"), 1.0);
    assert_eq!(cell(&s, "communication", "May 2026"), 1.0);
    assert_eq!(cell(&s, "communication", "Jun 2026"), 0.0);
    // collaboration rolls up its two sub-themes' distinct spans.
    assert_eq!(cell(&s, "collaboration", "May 2026"), 2.0);
    let g = s.grid().unwrap();
    let collab = row_of(&s, "collaboration");
    assert_eq!(g.row_totals.as_ref().unwrap()[collab], 3.0);
    assert_eq!(g.col_totals.as_ref().unwrap().1, 3.0);
    assert_eq!(g.sparklines.as_ref().unwrap()[collab], vec![2.0, 1.0]);

    // The value: codings (the May trust span counts twice), then sessions.
    ana(&mut s, &mut h, AnalysisKey::NextValue);
    match requests(&h.effects_view()).as_slice() {
        [Request::Analysis {
            corpus: Some(_),
            ask,
            ..
        }] => {
            assert!(matches!(
                **ask,
                Ask::Matrix(MatrixSpec {
                    value: Value::Sessions,
                    ..
                })
            ))
        }
        other => panic!("the corpus goes with the question: {other:?}"),
    }
    answer(&mut s, &mut h, &mut ws);
    assert_eq!(cell(&s, "collaboration", "May 2026"), 1.0, "one session");
    ana(&mut s, &mut h, AnalysisKey::NextValue);
    answer(&mut s, &mut h, &mut ws);
    assert_eq!(s.settings.value, Value::Codings);
    assert_eq!(cell(&s, "trust", "May 2026"), 2.0);

    // Flat: collaboration's own passages only (none).
    ana(&mut s, &mut h, AnalysisKey::Flat);
    answer(&mut s, &mut h, &mut ws);
    assert_eq!(cell(&s, "collaboration", "May 2026"), 0.0);
}

#[test]
fn the_dimension_cycles_and_a_failed_question_keeps_the_table() {
    let (_dir, store) = store();
    let mut ws = Workspace::new(&store, "Ana");
    let mut h = Harness::default();
    let mut s = AnalysisScreen::default();
    opened(&mut s, &mut h, &mut ws);
    // No project start: `d` skips project months, to quarters.
    ana(&mut s, &mut h, AnalysisKey::NextDimension);
    assert_eq!(s.settings.dim, Dimension::Quarter);
    answer(&mut s, &mut h, &mut ws);
    assert_eq!(cell(&s, "trust", "Q2 2026"), 2.0);
    ana(&mut s, &mut h, AnalysisKey::NextDimension);
    answer(&mut s, &mut h, &mut ws);
    assert_eq!(s.settings.dim, Dimension::Agency);
    assert_eq!(cell(&s, "trust", "La Casa"), 1.0);
    assert_eq!(cell(&s, "communication", "CYFD"), 1.0);
    // Backwards, to quarters again.
    ana(&mut s, &mut h, AnalysisKey::PrevDimension);
    answer(&mut s, &mut h, &mut ws);
    assert_eq!(s.settings.dim, Dimension::Quarter);

    // A query that does not parse: said on the screen at once, nothing asked, the table stays.
    ana(&mut s, &mut h, AnalysisKey::EditQuery);
    assert_eq!(s.context(), Context::AnalysisInput);
    for c in "agency:(".chars() {
        s.typed(c);
    }
    key(&mut s, &mut h, Action::Accept);
    assert!(
        s.error.as_deref().unwrap().contains("does not parse"),
        "{:?}",
        s.error
    );
    assert_eq!(answer(&mut s, &mut h, &mut ws), 0);
    assert_eq!(s.settings.query, "");
    assert_eq!(cell(&s, "trust", "Q2 2026"), 2.0);
    // A query that parses restricts what is counted.
    key(&mut s, &mut h, Action::ClearFilter);
    for c in "agency:CYFD".chars() {
        s.typed(c);
    }
    key(&mut s, &mut h, Action::Accept);
    assert_eq!(s.context(), Context::Analysis);
    answer(&mut s, &mut h, &mut ws);
    assert_eq!(s.error, None);
    assert_eq!(cell(&s, "trust", "Q2 2026"), 1.0);

    // A question the core refuses (an unknown coder's dimension would be fine; words by coder
    // are not): the error is shown and the settings go back to the table's.
    s.settings.dim = Dimension::ProjectMonth;
    s.ensure(&mut h.ctx());
    answer(&mut s, &mut h, &mut ws);
    assert!(
        s.error.as_deref().unwrap().contains("project_start"),
        "{:?}",
        s.error
    );
    assert_eq!(
        s.settings.dim,
        Dimension::Quarter,
        "back to the table's dimension"
    );
    assert_eq!(cell(&s, "trust", "Q2 2026"), 1.0, "the table stays");
    assert!(!s.loading());
}

#[test]
fn enter_on_a_cell_asks_search_for_its_passages_or_sessions() {
    let (_dir, store) = store();
    let mut ws = Workspace::new(&store, "Ana");
    let mut h = Harness::default();
    let mut s = AnalysisScreen::default();
    opened(&mut s, &mut h, &mut ws);
    go_to(&mut s, "trust", "May 2026");
    key(&mut s, &mut h, Action::OpenResult);
    let expected = match s.current() {
        Some(Analysed::Matrix { matrix, .. }) => {
            matrix.cell_query(row_of(&s, "trust"), col_of(&s, "May 2026"))
        }
        _ => unreachable!(),
    };
    assert!(
        expected.contains("theme:") && expected.contains("date:2026-05-01..2026-05-31"),
        "{expected}"
    );
    // Confined to the cell's sessions (its query read in session mode may find others).
    assert_eq!(
        h.commands(),
        [Command::SearchFor {
            query: expected.clone(),
            sessions: false,
            within: Some(Within {
                query: expected.clone(),
                groups: vec![vec![expected]],
                label: "in the cell's sessions".into(),
            }),
            back: Screen::Analysis
        }]
    );
    // Sessions: the search's sessions.
    ana(&mut s, &mut h, AnalysisKey::NextValue);
    answer(&mut s, &mut h, &mut ws);
    key(&mut s, &mut h, Action::OpenResult);
    assert!(matches!(
        h.commands().as_slice(),
        [Command::SearchFor { sessions: true, .. }]
    ));
    // The cursor stays where it was (the same cell when search comes back).
    assert_eq!(s.cursor(), (row_of(&s, "trust"), col_of(&s, "May 2026")));
    // The totals row: every coded passage of the column, by the core's query for it.
    let totals = s.grid().unwrap().rows.len();
    *s.cursor_mut() = (totals, col_of(&s, "May 2026"));
    key(&mut s, &mut h, Action::OpenResult);
    let expected = match s.current() {
        Some(Analysed::Matrix { matrix, .. }) => matrix.cell_query(totals, col_of(&s, "May 2026")),
        _ => unreachable!(),
    };
    assert_eq!(expected, "date:2026-05-01..2026-05-31");
    assert!(matches!(
        h.commands().as_slice(),
        [Command::SearchFor { query, sessions: true, .. }] if *query == expected
    ));
}

#[test]
fn folding_hides_sub_themes_and_the_cursor_moves_over_visible_rows() {
    let (_dir, store) = store();
    let mut ws = Workspace::new(&store, "Ana");
    let mut h = Harness::default();
    let mut s = AnalysisScreen::default();
    opened(&mut s, &mut h, &mut ws);
    let collab = row_of(&s, "collaboration");
    let practice = row_of(&s, "practice");
    s.cursor_mut().0 = collab;
    ana(&mut s, &mut h, AnalysisKey::Fold);
    assert!(s.folded.contains("collaboration"));
    assert!(!s.visible_rows().contains(&row_of(&s, "trust")));
    key(&mut s, &mut h, Action::Down);
    assert_eq!(
        s.cursor().0,
        practice,
        "straight past the folded sub-themes"
    );
    // Space on a sub-theme folds its parent and goes to it.
    ana(&mut s, &mut h, AnalysisKey::UnfoldAll);
    s.cursor_mut().0 = row_of(&s, "communication");
    ana(&mut s, &mut h, AnalysisKey::Fold);
    assert_eq!(s.cursor().0, collab);
    // Fold all, then End: the totals row, after the last top-level theme.
    ana(&mut s, &mut h, AnalysisKey::UnfoldAll);
    ana(&mut s, &mut h, AnalysisKey::FoldAll);
    assert_eq!(s.visible_rows().len(), 3, "{:?}", s.visible_rows());
    key(&mut s, &mut h, Action::Last);
    assert_eq!(s.cursor().0, s.grid().unwrap().rows.len());
    assert_eq!(answer(&mut s, &mut h, &mut ws), 0, "folding asks nothing");
}

#[test]
fn cooccurrence_words_concordance_and_keywords() {
    let (_dir, store) = store();
    let mut ws = Workspace::new(&store, "Ana");
    let mut h = Harness::default();
    let mut s = AnalysisScreen::default();
    opened(&mut s, &mut h, &mut ws);

    // Co-occurrence at session level: trust and communication share the May session.
    ana(&mut s, &mut h, AnalysisKey::Cooccurrence);
    answer(&mut s, &mut h, &mut ws);
    assert_eq!(s.view(), View::Cooccur);
    let (t, c) = (row_of(&s, "trust"), row_of(&s, "communication"));
    assert_eq!(
        s.grid().unwrap().value(t, c),
        Some(0.0),
        "their passages do not overlap"
    );
    ana(&mut s, &mut h, AnalysisKey::Level);
    answer(&mut s, &mut h, &mut ws);
    assert_eq!(s.grid().unwrap().value(t, c), Some(1.0));
    // c = n12 / (n1 + n2 − n12) = 1 / (2 + 1 − 1).
    ana(&mut s, &mut h, AnalysisKey::Coefficient);
    assert_eq!(s.grid().unwrap().value(t, c), Some(0.5));
    *s.cursor_mut() = (t, c);
    key(&mut s, &mut h, Action::OpenResult);
    // Both themes' passages, in the sessions that have a passage of each.
    match h.commands().as_slice() {
        [Command::SearchFor {
            query,
            sessions: true,
            within: Some(w),
            ..
        }] => {
            assert_eq!(query, "(theme:\"trust\") OR (theme:\"communication\")");
            assert_eq!(w.groups, [["theme:\"trust\"", "theme:\"communication\""]]);
            assert_eq!(&w.query, query);
            assert_eq!(w.label, "in the sessions with both themes");
        }
        other => panic!("{other:?}"),
    }

    // Words: `w` asks for the words first; Esc there with none goes back.
    ana(&mut s, &mut h, AnalysisKey::Terms);
    assert_eq!(s.editing, Some(Editing::Words));
    for ch in "trust, calls".chars() {
        s.typed(ch);
    }
    key(&mut s, &mut h, Action::Accept);
    answer(&mut s, &mut h, &mut ws);
    assert_eq!(s.view(), View::Terms);
    assert_eq!(s.settings.words, ["trust", "calls"]);
    assert_eq!(cell(&s, "trust", "May 2026"), 1.0);
    assert_eq!(cell(&s, "trust", "Jun 2026"), 1.0);
    assert_eq!(cell(&s, "calls", "Jun 2026"), 1.0);

    // Enter on a cell: the word's occurrences in that column's sessions.
    go_to(&mut s, "trust", "Jun 2026");
    key(&mut s, &mut h, Action::OpenResult);
    answer(&mut s, &mut h, &mut ws);
    assert_eq!(s.view(), View::Kwic);
    match s.current() {
        Some(Analysed::Kwic(lines)) => {
            assert_eq!(lines.len(), 1);
            assert_eq!(lines[0].hit, "Trust");
        }
        other => panic!("{other:?}"),
    }
    // Enter on the line: its note, at the word; Esc here goes back to the words, same cell.
    key(&mut s, &mut h, Action::OpenResult);
    match h.commands().as_slice() {
        [Command::OpenAt { jump, from, .. }] => {
            assert_eq!((jump.cursor, *from), (0, Screen::Analysis));
            assert_eq!(jump.hits, [(0, 5)]);
        }
        other => panic!("{other:?}"),
    }
    key(&mut s, &mut h, Action::Back);
    assert_eq!(s.view(), View::Terms);
    assert_eq!(s.cursor(), (row_of(&s, "trust"), col_of(&s, "Jun 2026")));

    // Keywords of June against May: "grows" is June's alone... but under the minimum of 3.
    ana(&mut s, &mut h, AnalysisKey::Keywords);
    answer(&mut s, &mut h, &mut ws);
    assert_eq!(s.view(), View::Keywords);
    assert_eq!(s.settings.keywords.as_ref().unwrap().key, "2026-06");
    assert!(matches!(s.current(), Some(Analysed::Keywords(k)) if k.is_empty()));
    key(&mut s, &mut h, Action::Back);
    key(&mut s, &mut h, Action::Back);
    assert_eq!(h.commands(), [Command::Show(Screen::List)]);
}

#[test]
fn questions_sent_while_the_store_is_read_wait_and_stale_answers_are_dropped() {
    let (_dir, store) = store();
    let mut ws = Workspace::new(&store, "Ana");
    let mut h = Harness::default();
    let mut s = AnalysisScreen::default();
    s.open(&mut h.ctx());
    // Before the corpus arrives, `v` twice: nothing more is sent.
    ana(&mut s, &mut h, AnalysisKey::NextValue);
    ana(&mut s, &mut h, AnalysisKey::NextValue);
    assert_eq!(requests(&h.effects_view()).len(), 1);
    // The first answer (passages) is not what is wanted now: codings are asked for then.
    assert_eq!(answer(&mut s, &mut h, &mut ws), 2);
    assert_eq!(s.settings.value, Value::Codings);
    assert_eq!(cell(&s, "trust", "May 2026"), 2.0);
    // With the corpus, `v` `v` `v` `v` comes back to codings: the three other answers are
    // dropped when they come, and codings (on screen) is not asked again.
    for _ in 0..4 {
        ana(&mut s, &mut h, AnalysisKey::NextValue);
    }
    assert_eq!(s.settings.value, Value::Codings);
    assert_eq!(answer(&mut s, &mut h, &mut ws), 3);
    assert!(!s.loading());
    assert_eq!(cell(&s, "trust", "May 2026"), 2.0);
}

#[test]
fn split_words_keeps_commas_inside_quotes() {
    assert_eq!(
        split_words(r#"partnership, "chose violence, again" ,advers*,,"#),
        ["partnership", "\"chose violence, again\"", "advers*"]
    );
}

#[test]
fn through_the_app_a_opens_the_screen_and_esc_from_a_cell_s_search_comes_back_to_it() {
    use crate::tui::app::{App, Msg};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let (_dir, store) = store();
    let mut ws = Workspace::new(&store, "Ana");
    let mut app = App::new("t".into(), "f".into(), None, std::time::Instant::now());
    let press =
        |app: &mut App, code: KeyCode| app.step(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    let sent = press(&mut app, KeyCode::Char('a'));
    assert_eq!(app.screen, Screen::Analysis);
    for r in sent {
        assert!(matches!(r, Request::Analysis { .. }), "{r:?}");
        let resp = worker::handle(&mut ws, r);
        assert!(app.step(Msg::Io(resp)).is_empty());
    }
    let s = &app.analysis;
    assert_eq!(cell(s, "trust", "May 2026"), 1.0);
    // Down to trust, Right to June, Enter: search with the cell's query; Esc comes back.
    let trust = row_of(s, "trust");
    while app.analysis.cursor().0 != trust {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Right);
    let at = app.analysis.cursor();
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Search);
    assert!(
        app.search
            .input
            .text()
            .contains("date:2026-06-01..2026-06-30"),
        "{}",
        app.search.input.text()
    );
    assert!(app
        .index_out
        .iter()
        .any(|r| matches!(r, crate::tui::index_worker::IndexRequest::Search { .. })));
    // Typing in search goes to the query, not to the analysis keys.
    press(&mut app, KeyCode::Char('d'));
    assert!(app.search.input.text().ends_with('d'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Analysis);
    assert_eq!(app.analysis.cursor(), at, "the same cell");
    assert!(
        !app.analysis.loading(),
        "the table was kept, not asked again"
    );
    // With sessions as the value the cell opens on its sessions, though its query names a
    // theme (which alone would open on passages).
    for r in press(&mut app, KeyCode::Char('v')) {
        let resp = worker::handle(&mut ws, r);
        assert!(app.step(Msg::Io(resp)).is_empty());
    }
    assert_eq!(app.analysis.settings.value, Value::Sessions);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Search);
    assert_eq!(app.search.kind, crate::core::index::HitKind::Sessions);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Analysis);
    // `/` from the list opens search with Esc back to the list again.
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(app.screen, Screen::List);
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::List);
}

#[test]
fn after_reading_the_store_again_answers_over_the_old_corpus_are_dropped() {
    let (_dir, store) = store();
    let mut ws = Workspace::new(&store, "Ana");
    let mut h = Harness::default();
    let mut s = AnalysisScreen::default();
    opened(&mut s, &mut h, &mut ws);
    let old = s.corpus.clone().unwrap();
    // `v` goes out over the old corpus; then `r` reads the store again before it is answered.
    ana(&mut s, &mut h, AnalysisKey::NextValue);
    let stale: Vec<Request> =
        crate::tui::effect::into_requests(std::mem::take(&mut h.effects).into_vec());
    ana(&mut s, &mut h, AnalysisKey::Reload);
    assert!(
        matches!(
            requests(&h.effects_view()).as_slice(),
            [Request::Analysis { corpus: None, .. }]
        ),
        "the question is asked again, reading the store"
    );
    for r in stale {
        let resp = worker::handle(&mut ws, r);
        s.on_io(resp, &mut h.ctx());
    }
    assert!(
        s.corpus.is_none() && s.current().is_none(),
        "the old corpus's answer is dropped"
    );
    answer(&mut s, &mut h, &mut ws);
    let new = s.corpus.clone().unwrap();
    assert!(!Arc::ptr_eq(&old, &new));
    assert_eq!(
        cell(&s, "trust", "May 2026"),
        1.0,
        "sessions, over the new corpus"
    );
}

#[test]
fn the_first_read_is_for_counting_and_the_words_are_read_once_when_a_question_needs_them() {
    let (_dir, store) = store();
    let mut ws = Workspace::new(&store, "Ana");
    let mut h = Harness::default();
    let mut s = AnalysisScreen::default();
    opened(&mut s, &mut h, &mut ws);
    assert!(
        s.corpus.as_ref().unwrap().counts_only,
        "the matrix needs no note text"
    );
    assert!(!s.reading());
    assert_eq!(cell(&s, "trust", "May 2026"), 1.0);
    let counting = Arc::as_ptr(s.corpus.as_ref().unwrap());

    // Words: the counting corpus goes with the question, and the IO thread reads the notes.
    ana(&mut s, &mut h, AnalysisKey::Terms);
    for ch in "trust".chars() {
        s.typed(ch);
    }
    key(&mut s, &mut h, Action::Accept);
    assert!(s.reading(), "the notes are being read");
    // A second question meanwhile waits for that read.
    ana(&mut s, &mut h, AnalysisKey::NextDimension);
    assert_eq!(requests(&h.effects_view()).len(), 1, "one read at a time");
    answer(&mut s, &mut h, &mut ws);
    let full = s.corpus.clone().unwrap();
    assert!(!full.counts_only);
    assert_ne!(Arc::as_ptr(&full), counting);
    assert_eq!(s.view(), View::Terms);
    assert!(s.current().is_some());

    // From now on the corpus with the words goes with every question: no read again.
    ana(&mut s, &mut h, AnalysisKey::Matrix);
    match requests(&h.effects_view()).as_slice() {
        [] => {}
        [Request::Analysis {
            corpus: Some(c), ..
        }] => assert!(Arc::ptr_eq(c, &full)),
        other => panic!("{other:?}"),
    }
    answer(&mut s, &mut h, &mut ws);
    assert!(Arc::ptr_eq(s.corpus.as_ref().unwrap(), &full));
    assert_eq!(s.view(), View::Matrix);
}

/// The IO requests among the harness's effects, taken out.
fn take_requests(h: &mut Harness) -> Vec<Request> {
    std::mem::take(&mut h.effects)
        .into_vec()
        .into_iter()
        .filter_map(|e| match e {
            Effect::Io(r) => Some(r),
            _ => None,
        })
        .collect()
}

#[test]
fn a_read_for_words_under_way_when_the_store_is_read_again_is_dropped() {
    let (_dir, store) = store();
    let mut ws = Workspace::new(&store, "Ana");
    let mut h = Harness::default();
    let mut s = AnalysisScreen::default();
    opened(&mut s, &mut h, &mut ws);
    assert!(s.corpus.as_ref().unwrap().counts_only);
    // Words asked for: the IO thread will read the whole corpus.
    ana(&mut s, &mut h, AnalysisKey::Terms);
    for ch in "trust".chars() {
        s.typed(ch);
    }
    key(&mut s, &mut h, Action::Accept);
    let first = take_requests(&mut h);
    assert_eq!(first.len(), 1);
    // The store is read again before that answer comes.
    s.open(&mut h.ctx());
    let again = take_requests(&mut h);
    assert_eq!(again.len(), 1);
    // The old answer brings a corpus of its own: dropped all the same.
    for r in first {
        let resp = worker::handle(&mut ws, r);
        assert!(s.on_io(resp, &mut h.ctx()).is_none());
    }
    assert!(
        s.corpus.is_none(),
        "a corpus read before the store was read again"
    );
    assert!(s.loading());
    for r in again {
        let resp = worker::handle(&mut ws, r);
        assert!(s.on_io(resp, &mut h.ctx()).is_none());
    }
    answer(&mut s, &mut h, &mut ws);
    assert!(s.corpus.is_some());
    assert!(s.current().is_some());
}

/// Through the app, with every answer handed back as soon as it is asked for (as the IO
/// thread does): `w`, the words, Enter shows the words by column. A question sent while the
/// words' line was still empty used to fail and put the matrix back under the line.
#[test]
fn words_typed_through_the_app_are_counted_with_answers_coming_between_keys() {
    use crate::tui::app::{App, Msg};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let (_dir, store) = store();
    let mut ws = Workspace::new(&store, "Ana");
    let mut app = App::new("t".into(), "f".into(), None, std::time::Instant::now());
    let mut press = |app: &mut App, code: KeyCode| {
        let mut p = app.step(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        while !p.is_empty() {
            let mut next = Vec::new();
            for r in p {
                let resp = worker::handle(&mut ws, r);
                next.extend(app.step(Msg::Io(resp)));
            }
            p = next;
        }
    };
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(app.analysis.view(), View::Matrix);
    press(&mut app, KeyCode::Char('w'));
    assert_eq!(app.analysis.view(), View::Terms);
    assert_eq!(app.analysis.editing, Some(Editing::Words));
    assert_eq!(app.analysis.error, None);
    for c in "trust".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.analysis.view(), View::Terms);
    assert_eq!(app.analysis.settings.words, ["trust"]);
    assert!(matches!(
        app.analysis.current(),
        Some(Analysed::Terms { .. })
    ));
}
