//! Unsaved text kept for a note (a recovery draft, or the copy a save cut short left behind) is
//! offered when the note opens, and is never written over a file that changed since it was made.

use crate::common::{cli_new, store_dir, Key, Tui};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

fn session_file(store: &Path) -> PathBuf {
    let mut v: Vec<PathBuf> = std::fs::read_dir(store.join("sessions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    assert_eq!(v.len(), 1, "{v:?}");
    v.remove(0)
}

fn note_text(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    let body = text.splitn(3, "+++\n").nth(2).unwrap_or_default();
    body.to_string()
}

/// Unsaved typing, an outside edit of the same file, "r — reload", then reopening the note:
/// the draft (made from the file before the outside edit) is shown beside the file, not
/// restored over it; m merges both.
#[test]
fn a_draft_made_before_an_outside_edit_is_shown_and_merged_not_restored() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(
        &store,
        "Joint coaching",
        "2026-02-12",
        "Line one.\nLine two.\nLine three.",
    );
    let file = session_file(&store);
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("Joint coaching");
    t.key(Key::Enter);
    t.wait_for("Details");
    t.wait_for("Line three.");
    t.send(b"\x1b[1;5F"); // Ctrl-End
    t.type_text(" mine");
    // The edit is on screen (read by the app) before the file changes under it.
    t.wait_for("Line three. mine");
    let before = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, before.replace("Line one.", "Theirs one.")).unwrap();
    t.wait_for("Changed on disk");
    t.type_text("r");
    t.wait_for("Theirs one.");
    t.wait_gone("Changed on disk");
    // Back to the list and open the note again.
    t.key(Key::Esc);
    t.wait_gone("Details");
    t.key(Key::Enter);
    let screen = t.wait_for("Kept text differs from the file");
    assert!(screen.contains("+ Line three. mine"), "{screen}");
    assert!(screen.contains("- Line three."), "{screen}");
    // Nothing is written while the question is open (longer than the autosave's pause).
    std::thread::sleep(Duration::from_millis(2000));
    assert_eq!(note_text(&file), "Theirs one.\nLine two.\nLine three.");
    t.type_text("m");
    t.wait_gone("Kept text differs");
    t.wait_saved();
    assert_eq!(note_text(&file), "Theirs one.\nLine two.\nLine three. mine");
    // The draft is gone with the save.
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
    let drafts = store.join(".ripple").join("drafts");
    let left: Vec<_> = std::fs::read_dir(&drafts)
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

/// A draft made from the file as it still is comes back without a question (kill -9 while
/// typing), and f on a stale one keeps the file and moves the kept text to the trash.
#[test]
fn a_draft_onto_its_own_file_is_restored_and_a_stale_one_can_be_set_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(&store, "Steady", "2026-02-12", "Start.");
    let file = session_file(&store);
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("Steady");
    t.key(Key::Enter);
    t.wait_for("Details");
    t.wait_for("Start.");
    t.key(Key::End);
    // Keep typing (never pausing long enough to autosave) until a draft is there.
    let drafts = store.join(".ripple").join("drafts");
    let mut typed = String::new();
    for c in " plan agreed with the family and the school"
        .chars()
        .cycle()
    {
        t.type_text(&c.to_string());
        typed.push(c);
        std::thread::sleep(Duration::from_millis(150));
        let has_draft = std::fs::read_dir(&drafts)
            .map(|r| {
                r.flatten()
                    .any(|e| e.path().extension().is_some_and(|x| x == "md"))
            })
            .unwrap_or(false);
        if has_draft {
            break;
        }
        assert!(typed.len() < 200, "no draft was written while typing");
    }
    t.kill9();
    assert_eq!(note_text(&file), "Start.", "not saved: only drafted");

    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("Steady");
    t.key(Key::Enter);
    t.wait_for("Recovered unsaved text");
    t.wait_saved();
    let saved = note_text(&file);
    assert!(
        saved.starts_with("Start. plan") && format!("Start.{typed}").starts_with(&saved),
        "{saved:?}"
    );
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());

    // A draft naming another version of the file: f keeps the file.
    let stem = file.file_stem().unwrap().to_string_lossy().to_string();
    // The id is the last 26 characters of the file's name; a draft is named by the id alone.
    let draft = drafts.join(format!("{}.md", &stem[stem.len() - 26..]));
    let on_disk = std::fs::read_to_string(&file).unwrap();
    let stale = on_disk.replacen(
        "+++\n",
        &format!("+++\ndraft_base = \"sha256:{}\"\n", "0".repeat(64)),
        1,
    );
    std::fs::write(&draft, stale.replace("Start. plan", "Start. other plan")).unwrap();
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("Steady");
    t.key(Key::Enter);
    t.wait_for("Kept text differs from the file");
    t.type_text("f");
    t.wait_for("moved to");
    assert!(!draft.exists());
    assert_eq!(note_text(&file), saved);
    let trash = store.join(".ripple").join("trash");
    assert_eq!(std::fs::read_dir(&trash).unwrap().count(), 1);
}

/// A copy that a save cut short left in sessions/, newer than its session file, is offered at
/// the next start; d takes it.
#[test]
fn an_interrupted_saves_copy_is_offered_at_the_next_start() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(&store, "Window closed", "2026-02-12", "Before.");
    let file = session_file(&store);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(60))
        .unwrap();
    let copy = store.join("sessions").join(".ripple-tmp-Xy12Ab");
    std::fs::write(
        &copy,
        text.replace("Before.", "Before. Typed ✓ then the window closed."),
    )
    .unwrap();

    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("Window closed");
    t.key(Key::Enter);
    let screen = t.wait_for("Kept text differs from the file");
    assert!(screen.contains("save cut short"), "{screen}");
    assert!(
        screen.contains("+ Before. Typed ✓ then the window closed."),
        "{screen}"
    );
    t.type_text("d");
    t.wait_gone("Kept text differs");
    t.wait_saved();
    assert_eq!(note_text(&file), "Before. Typed ✓ then the window closed.");
    assert!(!copy.exists(), "the save took its place");
}
