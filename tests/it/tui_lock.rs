//! End-to-end: a second Ripple on the same store is read-only while the first runs, and takes
//! the store over (saying so) once the first has quit.

use crate::common::{cli_new, store_dir, Key, Tui};

#[test]
fn the_second_instance_takes_over_when_the_first_quits() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(
        &store,
        "Coaching with CYFD",
        "2026-05-02",
        "Original words.",
    );
    let mut first = Tui::start(&store, &[], 100, 30);
    first.wait_for("Coaching with CYFD");
    let mut second = Tui::start(&store, &[], 100, 30);
    second.wait_for("READ-ONLY");
    second.wait_for("Coaching with CYFD");
    first.key(Key::Ctrl('q'));
    assert!(first.wait_exit());

    // No key pressed: the second notices the free lock by itself.
    let s = second.wait_for("now writes");
    assert!(!s.contains("READ-ONLY"), "{s}");
    second.key(Key::Enter);
    second.wait_for("Details");
    second.wait_for("Original words.");
    // Ctrl-End: the end of the note.
    second.send(b"\x1b[1;5F");
    second.type_text(" Added.");
    second.key(Key::Ctrl('s'));
    second.wait_saved();
    second.key(Key::Ctrl('q'));
    assert!(second.wait_exit());
    let file = std::fs::read_dir(store.join("sessions"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "md"))
        .unwrap();
    let on_disk = std::fs::read_to_string(file).unwrap();
    assert!(on_disk.ends_with("Original words. Added."), "{on_disk}");
}

#[test]
fn the_store_is_taken_over_only_once_the_holder_lets_go() {
    use ripple::core::store::Store;
    let tmp = tempfile::tempdir().unwrap();
    let root = store_dir(&tmp);
    let first = Store::open(&root).unwrap();
    let second = Store::open(&root).unwrap();
    assert!(second.is_read_only());
    assert!(!second.try_take_over().unwrap(), "held by the first");
    assert!(second.is_read_only());
    drop(first);
    // A process forked by a test running beside this one holds a copy of the lock's
    // descriptor until it execs (which closes it), so the lock may be let go a moment later.
    let taken = (0..100).any(|_| {
        second.try_take_over().unwrap() || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            false
        }
    });
    assert!(taken, "free once the holder lets go");
    assert!(!second.is_read_only() && second.read_only_reason().is_none());
    assert!(second.check_writable().is_ok());
    assert!(!second.try_take_over().unwrap(), "once");
    // A third now finds the second holding the store.
    let third = Store::open(&root).unwrap();
    assert!(third.is_read_only());
    // Read-only on purpose is never taken over.
    drop(second);
    let looking = Store::open_read_only(&root).unwrap();
    assert!(!looking.try_take_over().unwrap());
    assert!(looking.is_read_only());
}
