//! End-to-end: quitting is deliberate, Esc's steps in a note, Ctrl-F stays in the note, and
//! the clipboard's words (the real binary on a pseudo-terminal).

use crate::common::{cli_new, store_dir, Key, Tui};
use std::path::Path;

fn session_text(store: &Path) -> String {
    let dir = store.join("sessions");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "md"))
        .expect("a session file");
    std::fs::read_to_string(file).unwrap()
}

/// A store with one session, Ripple started on it and the note open in the editor.
fn open_note(text: &str) -> (tempfile::TempDir, std::path::PathBuf, Tui) {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(&store, "Coaching with CYFD", "2026-05-02", text);
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("Coaching with CYFD");
    t.key(Key::Enter);
    t.wait_for("Details");
    t.wait_for(text);
    // Ctrl-End: the cursor to the end of the note.
    t.send(b"\x1b[1;5F");
    (tmp, store, t)
}

/// The status line (the second line from the bottom).
fn status_line(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines
        .len()
        .checked_sub(2)
        .map_or(String::new(), |i| lines[i].to_string())
}

#[test]
fn ctrl_c_with_nothing_selected_does_not_quit_from_a_note() {
    let (_tmp, _store, mut t) = open_note("Alpha beta.");
    t.key(Key::Ctrl('c'));
    let s = t.wait_until("a word on how to quit", |s| {
        status_line(s).contains("Ctrl-Q")
    });
    assert!(s.contains("Alpha beta."), "still in the note:\n{s}");
    assert!(
        !t.exited(),
        "Ctrl-C with nothing selected quit from inside a note"
    );
    // Ctrl-Q quits, on purpose.
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
}

#[test]
fn esc_clears_the_selection_then_leaves_and_q_is_not_typed_in_between() {
    let (_tmp, store, mut t) = open_note("Alpha beta.");
    t.key(Key::ShiftLeft);
    t.key(Key::ShiftLeft);
    // "Esc, q" meant to leave and quit: the first Esc only clears the selection, and the q
    // right after it is not typed into the note.
    t.key(Key::Esc);
    // (An Esc and a letter sent at once are read as Alt and the letter: wait as a person does.)
    t.wait_until("Esc's next step explained", |s| {
        status_line(s).contains("Selection cleared: Esc again leaves the note")
    });
    t.type_text("q");
    let s = t.wait_until("the q explained", |s| {
        status_line(s).contains("q not typed")
    });
    assert!(
        !s.contains("Alpha betaq") && !s.contains("Alpha beta.q"),
        "{s}"
    );
    assert!(!t.exited());
    // Esc now leaves the note; q on the list quits.
    t.key(Key::Esc);
    t.wait_gone("Details");
    t.type_text("q");
    assert!(t.wait_exit());
    let on_disk = session_text(&store);
    assert!(on_disk.ends_with("Alpha beta."), "a q was typed: {on_disk}");
}

#[test]
fn ctrl_f_in_a_note_does_not_leave_it_for_search() {
    let (_tmp, _store, mut t) = open_note("Alpha beta.");
    t.key(Key::Ctrl('f'));
    // Ctrl-F finds inside the note: the find bar opens over the note.
    let s = t.wait_for("Find:");
    assert!(s.contains("Details"), "the note is still open:\n{s}");
    assert!(
        !s.contains("Search:"),
        "Ctrl-F left the note for search:\n{s}"
    );
    // Esc closes the bar, not the note; the next Esc leaves; `/` from the list is still the
    // search of everything.
    t.key(Key::Esc);
    let s = t.wait_gone("Find:");
    assert!(
        s.contains("Details"),
        "Esc in the find bar left the note:\n{s}"
    );
    t.key(Key::Esc);
    t.wait_gone("Details");
    t.type_text("/");
    t.wait_for("Search:");
}

#[test]
fn ctrl_x_says_cut() {
    let (_tmp, _store, mut t) = open_note("Alpha beta.");
    for _ in 0..5 {
        t.key(Key::ShiftLeft);
    }
    t.key(Key::Ctrl('x'));
    let s = t.wait_until("the cut said", |s| status_line(s).contains("Cut"));
    assert!(!status_line(&s).contains("Copied"), "{s}");
    assert!(s.contains("Alpha ") && !s.contains("beta."), "{s}");
}
