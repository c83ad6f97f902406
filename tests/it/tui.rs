//! End-to-end: the real binary in a pseudo-terminal, typed at as a user types.

use crate::common::{cli_new, store_dir, Key, Tui};
use std::path::{Path, PathBuf};

const TEXT: &str = "Doña Ana — confianza ✓ 我们";

fn session_files(store: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(store.join("sessions"))
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// n, a blank note (the last way to start), a title, Tab to the note, type.
fn new_session(t: &mut Tui, title: &str, text: &str) {
    t.key(Key::Char('n'));
    t.wait_for("Blank: no template");
    t.key(Key::End);
    t.key(Key::Enter);
    t.wait_for("Details");
    t.type_text(title);
    t.key(Key::Tab);
    t.type_text(text);
}

#[test]
fn typed_text_survives_save_quit_and_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("No sessions yet");
    new_session(&mut t, "Joint coaching in Doña Ana", TEXT);
    t.wait_for(TEXT);
    t.key(Key::Ctrl('s'));
    t.wait_saved();
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit(), "clean exit");

    let files = session_files(&store);
    assert_eq!(files.len(), 1);
    let on_disk = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        on_disk.ends_with(TEXT),
        "file ends with the typed text: {on_disk}"
    );

    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("Joint coaching in Doña Ana");
    t.key(Key::Enter);
    t.wait_for("Details");
    t.wait_for(TEXT);
}

#[test]
fn text_is_recovered_after_kill_9() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("No sessions yet");
    new_session(
        &mut t,
        "Leadership meeting",
        "Supervisors agreed to share safety plans",
    );
    t.wait_for("Supervisors agreed to share safety plans");
    // Autosave after a pause in typing; no Ctrl-S.
    t.wait_saved();
    t.kill9();

    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("Leadership meeting");
    t.key(Key::Enter);
    t.wait_for("Supervisors agreed to share safety plans");
}

#[test]
fn a_second_instance_is_read_only() {
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
    second.key(Key::Enter);
    second.wait_for("Details");
    second.wait_for("Original words.");
    second.type_text("xyz");
    second.wait_for("Read-only");
    assert!(
        !second.screen().contains("xyz"),
        "typing is refused, not silently dropped later"
    );
    second.key(Key::Ctrl('q'));
    assert!(second.wait_exit());
    first.key(Key::Ctrl('q'));
    assert!(first.wait_exit());
    let files = session_files(&store);
    let on_disk = std::fs::read_to_string(&files[0]).unwrap();
    assert!(on_disk.ends_with("Original words."));
}

#[test]
fn a_broken_file_is_reported_and_the_rest_still_load() {
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
    let t = Tui::start(&store, &[], 120, 30);
    t.wait_for("Training on shared language");
    t.wait_for("01broken");
    assert_eq!(
        std::fs::read_to_string(&bad).unwrap(),
        "+++\ntitle = \"unterminated\n+++\ntext",
        "the broken file is left untouched"
    );
}

#[test]
fn a_tiny_terminal_says_so_and_a_resize_reflows() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(&store, "Joint coaching", "2026-04-01", "Text.");
    let mut t = Tui::start(&store, &[], 30, 8);
    t.wait_for("too small");
    // Keys are not acted on blind: `n` would open a new session. The notice says the key
    // was read and ignored; only then is the window enlarged, so the two cannot swap.
    t.type_text("n");
    t.wait_for("ignored");
    t.resize(100, 30);
    t.wait_for("Joint coaching");
    t.wait_gone("too small");
    assert!(
        !t.screen().contains("Details"),
        "a key typed while too small was acted on"
    );
}

#[test]
fn help_lists_the_key_bindings() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let mut t = Tui::start(&store, &[], 100, 40);
    t.wait_for("No sessions yet");
    t.key(Key::Char('?'));
    t.wait_for("new session");
    t.wait_for("Session list");
    t.key(Key::Esc);
    t.wait_gone("new session");
}

#[test]
fn an_outside_edit_is_reloaded() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(
        &store,
        "Parallel coaching",
        "2026-02-12",
        "Before the outside edit.",
    );
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("Parallel coaching");
    t.key(Key::Enter);
    t.wait_for("Details");
    t.wait_for("Before the outside edit.");
    let file = session_files(&store).remove(0);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("Before the outside edit.", "Changed in another editor."),
    )
    .unwrap();
    t.wait_for("Changed in another editor.");
    t.wait_for("Reloaded");
}

#[test]
fn sigterm_saves_and_restores_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("No sessions yet");
    new_session(&mut t, "Cut short", "typed just before the signal");
    t.wait_for("typed just before the signal");
    t.signal("TERM");
    t.wait_exit();
    let files = session_files(&store);
    assert_eq!(files.len(), 1);
    assert!(std::fs::read_to_string(&files[0])
        .unwrap()
        .ends_with("typed just before the signal"));
}

/// Type without pausing long enough to autosave, then change the file outside Ripple.
fn unsaved_edit_then_outside_change(store: &Path) -> (Tui, PathBuf) {
    cli_new(store, "Joint coaching", "2026-02-12", "Line one.");
    let mut t = Tui::start(store, &[], 100, 30);
    t.wait_for("Joint coaching");
    t.key(Key::Enter);
    t.wait_for("Details");
    t.wait_for("Line one.");
    t.key(Key::End);
    t.type_text(" mine");
    // The edit is on screen (read by the app) before the file changes under it.
    t.wait_for("Line one. mine");
    let file = session_files(store).remove(0);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("Line one.", "Theirs.")).unwrap();
    t.wait_for("Changed on disk");
    (t, file)
}

#[test]
fn an_outside_change_is_never_overwritten_by_unsaved_edits() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let (mut t, file) = unsaved_edit_then_outside_change(&store);
    // While the question is open, autosave must not write (the pause is longer than its delay).
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert!(std::fs::read_to_string(&file).unwrap().ends_with("Theirs."));
    // Other keys do not type; they say what to do.
    t.type_text("x");
    t.wait_for("press r to reload");
    // k keeps ours: now it is written.
    t.type_text("k");
    t.wait_saved();
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .ends_with("Line one. mine"));
}

#[test]
fn reloading_after_an_outside_change_keeps_our_text_in_a_draft() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let (mut t, file) = unsaved_edit_then_outside_change(&store);
    t.type_text("r");
    t.wait_for("Theirs.");
    t.wait_gone("Changed on disk");
    assert!(std::fs::read_to_string(&file).unwrap().ends_with("Theirs."));
    let drafts: Vec<String> = std::fs::read_dir(store.join(".ripple").join("drafts"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(
        drafts.iter().any(|d| d.ends_with("Line one. mine")),
        "{drafts:?}"
    );
}
