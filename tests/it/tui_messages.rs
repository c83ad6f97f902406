//! End-to-end: messages longer than the terminal are kept whole in a message log the user can
//! open, and the first file that cannot be read is shown in full.

use crate::common::{cli_new, store_dir, Key, Tui};

/// The screen's text with line ends, box sides and the padding around them taken out, so that
/// text wrapped over several rows can be looked for whole.
fn joined(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.trim().trim_matches('│').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_long_read_only_notice_is_kept_whole_in_the_message_log() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(&store, "Coaching with CYFD", "2026-05-02", "Words.");
    let first = Tui::start(&store, &[], 100, 30);
    first.wait_for("Coaching with CYFD");
    let pid = first.pid().to_string();
    // 50 columns: the notice naming the other Ripple does not fit on the status line.
    let mut second = Tui::start(&store, &[], 50, 24);
    second.wait_for("READ-ONLY");
    // (The title column is narrow at 50 columns.)
    second.wait_for("2026-05-02");
    second.type_text("m");
    let s = second.wait_for("Messages");
    let whole = joined(&s);
    assert!(
        whole.contains(&format!("open in another Ripple (pid {pid})")),
        "the notice is whole in the log:\n{s}"
    );
    assert!(whole.contains(": read-only"), "{s}");
    second.key(Key::Esc);
    second.wait_gone("Messages");
    // F2 opens it from anywhere but the editor (where it is coding mode).
    second.send(b"\x1bOQ");
    second.wait_for("Messages");
}

#[test]
fn the_first_unreadable_file_is_shown_in_full() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(
        &store,
        "Training on shared language",
        "2026-03-10",
        "Good notes.",
    );
    let bad = store.join("sessions").join("01broken0000000000000000zz.md");
    std::fs::write(&bad, "+++\ntitle = \"unterminated\n+++\ntext").unwrap();
    let t = Tui::start(&store, &[], 60, 24);
    t.wait_for("2026-03-10");
    let s = t.wait_for("01broken");
    let path = bad.display().to_string();
    let whole = joined(&s).replace(' ', "");
    assert!(
        whole.contains(&path.replace(' ', "")),
        "the file's whole path is on screen ({path}):\n{s}"
    );
}

/// A cut message names a key that opens the log where the user is: on the note screen F2 is
/// coding mode in the editor (and the form shares its status line), so the list's key is named
/// with where it works.
#[test]
fn a_cut_message_in_a_new_note_names_a_key_that_opens_the_log_there() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(&store, "Coaching with CYFD", "2026-05-02", "Words.");
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("Coaching with CYFD");
    t.key(Key::Char('n'));
    t.wait_for("How to start");
    t.key(Key::Enter);
    // The details form has the focus: the message about them is cut.
    let form = t.wait_for("(m on the list: all of it)");
    assert!(!form.contains("(F2: all of it)"), "{form}");
    // The form's hints are its own: F2 there is the message log.
    let form = t.wait_for("F2 messages");
    assert!(!form.contains("F2 coding mode"), "{form}");
    t.key(Key::Tab);
    t.key(Key::Char('x'));
    let editor = t.wait_for("(m on the list: all of it)");
    assert!(!editor.contains("(F2: all of it)"), "{editor}");
    // F2 there is coding mode, not the log.
    t.send(b"\x1bOQ");
    t.wait_for("Coding mode");
    t.key(Key::Ctrl('q'));
}
