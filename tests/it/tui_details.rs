//! End-to-end: a value the details form cannot take is refused with a message beside the
//! field and the previous value kept, whatever key leaves the field.

use crate::common::{cli_new, store_dir, Key, Tui};
use std::path::Path;

fn session_text(store: &Path) -> String {
    let file = std::fs::read_dir(store.join("sessions"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "md"))
        .expect("a session file");
    std::fs::read_to_string(file).unwrap()
}

#[test]
fn a_half_typed_date_is_never_saved_and_esc_refuses_a_bad_one() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(&store, "Coaching with CYFD", "2026-05-02", "Notes.");
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("Coaching with CYFD");
    t.key(Key::Enter);
    // (The list's preview shows the text too: wait for the note itself.)
    t.wait_for("Details");
    t.wait_for("Notes.");
    // To the details (editor, codings, details), on the date.
    t.key(Key::Tab);
    t.key(Key::Tab);
    // The cursor in the details box (its last 38 columns).
    t.wait_until("the details focused", |_| {
        t.with_screen(|s| s.cursor_position().1 >= 62)
    });
    t.key(Key::Down);
    t.key(Key::Ctrl('u'));
    // "2026-01-3" on the way to "2026-01-32" is not the 3rd of January.
    t.type_text("2026-01-32");
    t.wait_for("2026-01-32");
    t.key(Key::Esc);
    let s = t.wait_for("kept 2026-05-02");
    assert!(s.contains("not a date"), "{s}");
    assert!(
        s.contains("Details"),
        "Esc on a bad value keeps the note open:\n{s}"
    );
    assert!(
        s.contains(" 2026-05-02"),
        "the field shows the kept value again:\n{s}"
    );
    // The participants are checked the same way.
    for _ in 0..5 {
        t.key(Key::Down);
    }
    t.key(Key::Ctrl('u'));
    t.type_text("supervisor 2, 5");
    t.wait_for("supervisor 2, 5");
    t.key(Key::Up);
    // The refused text gives way to the kept value, and the message says why.
    let s = t.wait_gone("supervisor 2, 5");
    assert!(s.contains("give a role"), "{s}");
    t.key(Key::Esc);
    t.wait_gone("Details");
    t.type_text("q");
    assert!(t.wait_exit());
    let on_disk = session_text(&store);
    assert!(on_disk.contains("date = \"2026-05-02\""), "{on_disk}");
    assert!(!on_disk.contains("2026-01-03"), "{on_disk}");
}
