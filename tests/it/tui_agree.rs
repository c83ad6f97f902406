//! Inter-coder agreement in the TUI, end to end: two coders code the same note blind (each in
//! their own Ripple, `RIPPLE_CODER`, `RIPPLE_BLIND=1`) and mark it done with the note's key;
//! then the agreement screen shows the figures, a disagreement is settled into the consensus
//! coder with a key, and the figures follow.

use crate::common::{cli_new, store_dir, Key, Tui};
use std::path::Path;

const NOTE: &str =
    "Al principio hablamos de la niñez y la confianza entre agencias.\nLuego, planes.";
const CTRL_HOME: &[u8] = b"\x1b[1;5H";

fn chars_before(text: &str, words: &str) -> usize {
    text[..text.find(words).unwrap()].chars().count()
}

/// As `coder`, blind: open the note, code `words` as trust, mark the note done, leave.
/// Returns the codings pane as it was shown (with the codings this coder may see).
fn code_blind(store: &Path, coder: &str, words: &str) -> String {
    let mut t = Tui::start_env(
        store,
        &[],
        120,
        30,
        &[("RIPPLE_CODER", coder), ("RIPPLE_BLIND", "1")],
    );
    t.wait_for("BLIND");
    t.wait_for("Kickoff");
    t.key(Key::Enter);
    t.wait_for("Details");
    t.wait_for("Al principio");
    t.send(CTRL_HOME);
    for _ in 0..chars_before(NOTE, words) {
        t.key(Key::Right);
    }
    for _ in 0..words.chars().count() {
        t.key(Key::ShiftRight);
    }
    t.key(Key::Ctrl('t'));
    t.wait_for(&format!("Code “{words}”"));
    t.type_text("trust");
    t.wait_for("Trust");
    t.key(Key::Enter);
    t.wait_for(&format!("Coded “{words}” as Trust"));
    t.key(Key::Ctrl('d'));
    t.wait_for("DONE ✓");
    t.key(Key::Tab);
    let pane = t.wait_for("Codings (1)");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
    pane
}

/// The last cell of the table row of `theme` (the open disagreements).
fn open_of(screen: &str, theme: &str) -> String {
    let line = screen
        .lines()
        .find(|l| l.trim_start().starts_with(theme))
        .unwrap_or_else(|| panic!("no row for {theme}:\n{screen}"));
    line.split_whitespace().last().unwrap().to_string()
}

#[test]
fn two_blind_coders_then_one_disagreement_settled_into_consensus() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(&store, "Kickoff", "2026-06-14", NOTE);

    code_blind(&store, "Ana", "la niñez y la confianza");
    let bea_pane = code_blind(&store, "Bea", "la confianza");
    assert!(
        !bea_pane.contains("Ana") && !bea_pane.contains("“la niñez"),
        "blind, Bea does not see Ana's coding:\n{bea_pane}"
    );
    for coder in ["ana", "bea"] {
        let done = std::fs::read_to_string(store.join("codings").join(coder).join("done.toml"))
            .unwrap_or_else(|e| panic!("{coder}'s done marks: {e}"));
        assert!(done.contains("[done]"), "{done}");
    }

    // Not blind now: the agreement screen from the list (`A`).
    let mut t = Tui::start_env(&store, &[], 120, 30, &[("RIPPLE_CODER", "Ana")]);
    t.wait_for("Kickoff");
    t.key(Key::Char('A'));
    let before = t.wait_until("the figures", |s| {
        s.contains("A = Ana, B = Bea") && s.contains("all themes")
    });
    assert!(before.contains("1 session(s)"), "{before}");
    assert_eq!(open_of(&before, "trust"), "1", "{before}");
    let kappa_row = |s: &str| {
        s.lines()
            .find(|l| l.trim_start().starts_with("trust"))
            .unwrap()
            .to_string()
    };
    let ab = kappa_row(&before);
    assert!(!ab.contains("1.000"), "Ana and Bea differ: {ab}");

    // Enter on trust: the disagreement, in context, with who coded what.
    t.key(Key::Enter);
    let list = t.wait_for("Disagreements on trust: 1");
    assert!(list.contains("A Ana: trust"), "{list}");
    assert!(list.contains("B Bea: trust"), "{list}");
    // Enter opens the note at the passage; Esc comes back to the list.
    t.key(Key::Enter);
    t.wait_for("Details");
    t.key(Key::Esc);
    t.wait_for("Disagreements on trust: 1");
    // `a`: Ana's coding into the consensus coder; the item disappears.
    t.key(Key::Char('a'));
    t.wait_for("Settled: Ana's coding into consensus");
    t.wait_for("Disagreements on trust: 0");
    t.key(Key::Esc);
    let after = t.wait_until("the figures again", |s| s.contains("all themes"));
    assert_eq!(open_of(&after, "trust"), "0", "{after}");

    // The consensus coder is an ordinary coder: compared with Ana on every session, they agree.
    t.key(Key::Char('c'));
    t.wait_for("A = Ana, B = Bea");
    t.key(Key::Char('c'));
    t.wait_for("A = Ana, B = consensus");
    t.key(Key::Char('s'));
    let with_consensus = t.wait_until("Ana and consensus on every session", |s| {
        s.contains("every session")
            && s.contains("A = Ana, B = consensus")
            && s.contains("1 session(s)")
    });
    assert!(
        kappa_row(&with_consensus).contains("1.000"),
        "{with_consensus}"
    );
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
}

#[test]
fn a_blind_coder_s_search_finds_their_own_passages_only() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(&store, "Kickoff", "2026-06-14", NOTE);
    code_blind(&store, "Ana", "la niñez y la confianza");
    code_blind(&store, "Bea", "la confianza");

    let search = |env: &[(&str, &str)], expect: &str| {
        let mut t = Tui::start_env(&store, &[], 120, 30, env);
        t.wait_for("Kickoff");
        t.type_text("/");
        t.wait_for("Search:");
        t.type_text("theme:trust");
        let s = t.wait_for(expect);
        t.key(Key::Ctrl('q'));
        assert!(t.wait_exit());
        s
    };
    let blind = search(
        &[("RIPPLE_CODER", "Bea"), ("RIPPLE_BLIND", "1")],
        "Coded passages (1)",
    );
    assert!(blind.contains("Bea"), "{blind}");
    assert!(
        !blind.contains("Ana "),
        "blind, no sign of Ana's passage:\n{blind}"
    );
    search(&[("RIPPLE_CODER", "Bea")], "Coded passages (2)");
}
