//! The search screen on its own: answers taken or dropped, the selection, the query input, the
//! status-line words.

use super::*;
use crate::core::query::QueryError;
use crate::tui::search::fixtures::{passage, results};

#[test]
fn the_selection_follows_its_hit_when_the_same_query_comes_back_reordered() {
    let mut s = SearchScreen {
        sent_seq: 1,
        ..SearchScreen::default()
    };
    let with = |coders: &[&str]| {
        let r = Results {
            total: coders.len(),
            hits: coders.iter().map(|c| passage(c)).collect(),
            ..Results::default()
        };
        Box::new((r, Results::default()))
    };
    s.input.set("same");
    s.accept(1, "same".into(), Ok(with(&["ana", "chen"])));
    s.move_selection(1);
    assert_eq!(s.selected_hit().unwrap().coder, "chen");
    // A save re-indexed the session: equal scores, other order.
    s.sent_seq = 2;
    s.accept(2, "same".into(), Ok(with(&["chen", "ana"])));
    assert_eq!(s.selected_hit().unwrap().coder, "chen");
    // A new query starts at the top.
    s.sent_seq = 3;
    s.input.set("other");
    s.accept(3, "other".into(), Ok(with(&["chen", "ana"])));
    assert_eq!(s.selected_index(), 0);
}

#[test]
fn stale_answers_are_dropped_and_newer_ones_kept() {
    let mut s = SearchScreen {
        sent_seq: 3,
        ..SearchScreen::default()
    };
    assert!(s.accept(2, "tru".into(), Ok(results(2))));
    assert_eq!(s.shown_seq, 2);
    assert!(s.pending());
    assert!(s.accept(3, "trust".into(), Ok(results(1))));
    // An answer older than what is shown never replaces it.
    assert!(!s.accept(2, "tru".into(), Ok(results(9))));
    assert_eq!(s.results_of(HitKind::Passages).unwrap().total, 1);
    assert_eq!(s.shown_query, "trust");
    assert!(!s.pending());
}

#[test]
fn a_query_error_keeps_the_last_good_results() {
    let mut s = SearchScreen {
        sent_seq: 1,
        ..SearchScreen::default()
    };
    s.input.set("trust");
    s.accept(1, "trust".into(), Ok(results(4)));
    s.input.set("theme:nope");
    s.sent_seq = 2;
    let e = QueryError {
        message: "unknown theme".into(),
        start: 0,
        end: 5,
    };
    assert!(s.accept(2, "theme:nope".into(), Err(SearchError::Query(e.clone()))));
    assert_eq!(s.error, Some(e));
    assert_eq!(s.results_of(HitKind::Sessions).unwrap().total, 4);
    // An error for a search that is no longer the newest is ignored.
    s.sent_seq = 3;
    assert!(!s.accept(2, "x".into(), Err(SearchError::Other("index gone".into()))));
    assert_eq!(s.failure, None);
}

#[test]
fn the_query_is_edited_at_the_cursor() {
    let mut s = SearchScreen::default();
    s.input.insert_str("trust agency:La");
    s.input.set_cursor(6);
    s.input.insert_str("é ");
    assert_eq!(s.input.text(), "trust é agency:La");
    assert_eq!(s.input.cursor(), 8);
    assert!(s.input.backspace());
    assert!(s.input.delete_word_back());
    assert_eq!(s.input.text(), "trust agency:La");
    assert_eq!(s.input.cursor(), 6);
    assert!(s.input.delete());
    assert_eq!(s.input.text(), "trust gency:La");
    s.input.set_cursor(0);
    assert!(!s.input.backspace());
}

#[test]
fn the_status_line_counts_indexing_progress() {
    let s = index_label(&IndexState::Rebuilding {
        done: 4210,
        total: 10000,
    });
    assert_eq!(s.as_deref(), Some("indexing 4,210 / 10,000"));
    assert_eq!(index_label(&IndexState::Ready { read_only: false }), None);
}

#[test]
fn thousands_separators() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(4210), "4,210");
    assert_eq!(thousands(10000), "10,000");
    assert_eq!(thousands(1234567), "1,234,567");
}

#[test]
fn a_result_opens_through_the_app_and_esc_leaves_for_the_list() {
    use crate::tui::component::Harness;
    let mut s = SearchScreen {
        sent_seq: 1,
        ..SearchScreen::default()
    };
    let mut r = results(1);
    r.0.hits = vec![passage("ana")];
    s.accept(1, String::new(), Ok(r));
    let mut world = Harness::default();
    assert!(s.handle(Action::OpenResult, &mut world.ctx()).consumed());
    assert_eq!(
        world.commands,
        [Command::OpenAt {
            jump: Jump {
                id: SessionId("s1".into()),
                cursor: 0,
                hits: vec![(0, 14)],
            },
            title: "Kickoff".into(),
            from: Screen::Search,
        }]
    );
    world.commands.clear();
    s.handle(Action::Back, &mut world.ctx());
    assert_eq!(world.commands, [Command::Show(Screen::List)]);
}

#[test]
fn the_results_on_screen_are_asked_again_once_the_index_is_ready_not_at_every_state() {
    use crate::tui::component::Harness;
    let mut s = SearchScreen::default();
    let mut world = Harness::default();
    let building = IndexState::Rebuilding { done: 1, total: 2 };
    s.on_index(IndexResponse::State(building), &mut world.ctx());
    assert!(world.commands.is_empty(), "still building");
    let ready = || IndexResponse::State(IndexState::Ready { read_only: false });
    s.on_index(ready(), &mut world.ctx());
    assert_eq!(world.commands, [Command::Refresh]);
    s.on_index(ready(), &mut world.ctx());
    assert_eq!(world.commands, [Command::Refresh], "once");
}

#[test]
fn down_pressed_while_a_page_more_loads_is_not_lost() {
    use crate::tui::component::Harness;
    let mut world = Harness::default();
    let page = |loaded: usize, total: usize| {
        let r = Results {
            total,
            hits: (0..loaded).map(|i| passage(&format!("coder{i}"))).collect(),
            ..Results::default()
        };
        Box::new((r, Results::default()))
    };
    let mut s = SearchScreen::default();
    // A query naming memos: the passages tab.
    s.input.set("memo:bulk");
    s.send_search(&mut world.ctx());
    s.accept(s.sent_seq, "memo:bulk".into(), Ok(page(SEARCH_PAGE, 300)));
    for _ in 0..SEARCH_PAGE - 1 {
        s.handle(Action::Down, &mut world.ctx());
    }
    assert_eq!(
        s.selected_index(),
        SEARCH_PAGE - 1,
        "on the last hit loaded"
    );
    assert_eq!(s.limit, 2 * SEARCH_PAGE, "and a page more asked for");
    // Two more presses before that page arrives: nothing to move to yet.
    s.handle(Action::Down, &mut world.ctx());
    s.handle(Action::Down, &mut world.ctx());
    assert_eq!(s.selected_index(), SEARCH_PAGE - 1);
    s.accept(
        s.sent_seq,
        "memo:bulk".into(),
        Ok(page(2 * SEARCH_PAGE, 300)),
    );
    assert_eq!(
        s.selected_index(),
        SEARCH_PAGE + 1,
        "the selection moved on by the two presses"
    );
    // An answer for another query owes nothing.
    s.handle(Action::Down, &mut world.ctx());
    s.input.set("memo:other");
    s.send_search(&mut world.ctx());
    s.accept(s.sent_seq, "memo:other".into(), Ok(page(5, 5)));
    assert_eq!(s.selected_index(), 0);
}

#[test]
fn plain_words_open_on_sessions_and_a_theme_coder_or_memo_on_passages() {
    let mut h = crate::tui::component::Harness::default();
    let mut s = SearchScreen::default();
    let mut tab_for = |s: &mut SearchScreen, q: &str| {
        s.input.set(q);
        s.send_search(&mut h.ctx());
        s.kind
    };
    assert_eq!(tab_for(&mut s, "whiteboard"), HitKind::Sessions);
    assert_eq!(tab_for(&mut s, "theme:trust"), HitKind::Passages);
    assert_eq!(tab_for(&mut s, "safety coder:ana"), HitKind::Passages);
    assert_eq!(tab_for(&mut s, "memo:follow"), HitKind::Passages);
    assert_eq!(tab_for(&mut s, "-theme:trust"), HitKind::Passages);
    assert_eq!(
        tab_for(&mut s, "agency:CYFD type:coaching"),
        HitKind::Sessions
    );
    // The user's choice holds while the query stays of its sort, and on reopening.
    let mut h2 = crate::tui::component::Harness::default();
    s.handle(Action::SwitchResults, &mut h2.ctx());
    assert_eq!(s.kind, HitKind::Passages);
    assert_eq!(tab_for(&mut s, "whiteboards"), HitKind::Passages);
    s.opened();
    assert_eq!(tab_for(&mut s, "whiteboard"), HitKind::Passages);
    // A query naming a theme is another sort: it opens on passages, and coming back to
    // plain words opens on sessions again.
    assert_eq!(tab_for(&mut s, "theme:trust"), HitKind::Passages);
    assert_eq!(tab_for(&mut s, "whiteboard"), HitKind::Sessions);
}

#[test]
fn a_reopened_search_selects_the_old_query_so_typing_replaces_it() {
    let mut h = crate::tui::component::Harness::default();
    let mut s = SearchScreen::default();
    s.input.set("whiteboard");
    s.opened();
    s.typed('f', &mut h.ctx());
    assert_eq!(s.input.text(), "f");
}

/// An analysis cell's confinement goes with each search while its query is the one shown,
/// and ends once the query is edited (even if it is typed back).
#[test]
fn a_cells_confinement_holds_until_the_query_is_edited() {
    let mut h = crate::tui::component::Harness::default();
    // An earlier search where the user chose sessions for a query naming passages.
    let mut s = SearchScreen {
        chosen: Some((HitKind::Sessions, true)),
        ..Default::default()
    };
    let q = "theme:\"roles\" coder:\"Ana\"";
    s.open_on(
        q.into(),
        HitKind::Sessions,
        Some(crate::tui::component::Within {
            query: q.into(),
            groups: vec![vec![q.into()]],
            label: "in the cell's sessions".into(),
        }),
    );
    s.send_search(&mut h.ctx());
    // A page more: still confined, still on the sessions the cell counts.
    s.send_search(&mut h.ctx());
    assert_eq!(s.kind, HitKind::Sessions);
    let within = |h: &mut crate::tui::component::Harness| -> Vec<Option<Vec<Vec<String>>>> {
        std::mem::take(&mut h.effects)
            .into_vec()
            .into_iter()
            .filter_map(|e| match e {
                crate::tui::effect::Effect::Index(IndexRequest::Search { within, .. }) => {
                    Some(within)
                }
                _ => None,
            })
            .collect()
    };
    let confined = Some(vec![vec![q.to_string()]]);
    assert_eq!(within(&mut h), [confined.clone(), confined]);
    s.typed('x', &mut h.ctx());
    s.handle(Action::Backspace, &mut h.ctx());
    assert_eq!(within(&mut h), [None, None]);
    assert!(s.within.is_none());
    // The edited query is the user's own: naming a theme and a coder, it shows passages (the
    // earlier search's choice of sessions is not carried into it).
    assert_eq!(s.kind, HitKind::Passages);
}
