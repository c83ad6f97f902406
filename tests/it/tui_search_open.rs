//! End-to-end: `/` opens search as a user expects: a plain word shows the sessions, the tab
//! the user chose is remembered, and the last query is selected so typing replaces it.

use crate::common::{cli_new, store_dir, Key, Tui};

#[test]
fn a_plain_word_shows_sessions_and_the_old_query_is_replaced_by_typing() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(
        &store,
        "Mapping referrals",
        "2026-05-02",
        "We used the whiteboard to map referrals.",
    );
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("Mapping referrals");
    t.type_text("/");
    t.wait_for("Search:");
    t.type_text("whiteboard");
    // Nothing is coded: the sessions tab shows the session, not "Coded passages (0)".
    let s = t.wait_for("Sessions (1)");
    let s = if s.contains("▶ Mapping referrals") {
        s
    } else {
        t.wait_until("the session among the results", |s| {
            s.contains("▶ Mapping referrals") || s.contains("No matches")
        })
    };
    assert!(
        s.contains("▶ Mapping referrals") && !s.contains("No matches"),
        "a plain word opens on the sessions:\n{s}"
    );

    // The user chooses the passages tab; it is remembered when search opens again.
    t.key(Key::Ctrl('t'));
    t.wait_for("No matches");
    t.key(Key::Esc);
    t.wait_gone("Search:");
    t.type_text("/");
    t.wait_for("Search:");
    let s = t.wait_for("No matches");
    assert!(s.contains("Search: whiteboard"), "{s}");

    // The old query is selected: typing replaces it.
    t.type_text("folleto");
    let s = t.wait_for("Search: folleto");
    assert!(
        !s.contains("whiteboardfolleto"),
        "typing was appended:\n{s}"
    );
}

#[test]
fn a_query_naming_a_theme_shows_passages_first() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    ripple::core::demo::write_demo_store(&store).expect("demo store");
    let mut t = Tui::start(&store, &[], 130, 36);
    t.wait_for("Leadership kickoff");
    t.type_text("/");
    t.wait_for("Search:");
    t.type_text("returning");
    // Sessions list a title and a snippet; passages a quote in “…”.
    t.wait_until("sessions first for a plain word", |s| {
        s.contains("▶ ") && !s.contains("   “")
    });
    t.key(Key::Ctrl('u'));
    t.type_text("theme:trust");
    t.wait_until("passages first when the query names a theme", |s| {
        s.contains("▶ ") && s.contains("   “")
    });
}
