//! End-to-end coding in the TUI: the real binary in a pseudo-terminal, typed at as an
//! evaluator types, with the coder files checked on disk.

use crate::common::{cli_new, store_dir, Key, Tui};
use ripple::core::text::char_slice;
use std::path::{Path, PathBuf};
use std::process::Command;

const NOTE: &str =
    "Al principio hablamos de la niñez y la confianza entre agencias.\nLuego, planes.";
const PASSAGE: &str = "la niñez y la confianza";
const F2: &[u8] = b"\x1bOQ";
const CTRL_HOME: &[u8] = b"\x1b[1;5H";

fn session_file(store: &Path) -> PathBuf {
    let mut v: Vec<PathBuf> = std::fs::read_dir(store.join("sessions"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    v.sort();
    v.remove(0)
}

/// The note text of a session file (after the closing `+++` line).
fn note_text(store: &Path) -> String {
    let all = std::fs::read_to_string(session_file(store)).unwrap();
    let body = all.splitn(3, "+++\n").nth(2).unwrap();
    body.to_string()
}

/// The test coder's codings of the only session: (theme, start, end, quote, status).
fn coder_codings(store: &Path) -> Vec<(String, usize, usize, String, String)> {
    let dir = store.join("codings").join("test-coder");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in rd.flatten() {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(e.path()).unwrap()).unwrap();
        for c in v["codings"].as_array().unwrap() {
            out.push((
                c["theme"].as_str().unwrap().to_string(),
                c["start"].as_u64().unwrap() as usize,
                c["end"].as_u64().unwrap() as usize,
                c["quote"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap_or("attached").to_string(),
            ));
        }
    }
    out
}

fn wait_file<T>(what: &str, f: impl Fn() -> Option<T>) -> T {
    let end = std::time::Instant::now() + crate::common::DEADLINE;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            std::time::Instant::now() < end,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn open_note(t: &mut Tui, title: &str) {
    t.wait_for(title);
    t.key(Key::Enter);
    t.wait_for("Details");
    t.wait_for("Al principio");
}

/// Put the cursor on char `at` and select `len` chars with Shift+Right.
fn select(t: &mut Tui, at: usize, len: usize) {
    t.send(CTRL_HOME);
    for _ in 0..at {
        t.key(Key::Right);
    }
    for _ in 0..len {
        t.key(Key::ShiftRight);
    }
}

fn passage_start(text: &str) -> usize {
    text[..text.find(PASSAGE).unwrap()].chars().count()
}

/// In the note's row whose margin says `trust`, the `ñ` of "niñez" has colours of its own.
fn n_tilde_is_coloured(t: &Tui) -> bool {
    t.with_screen(|s| {
        let (rows, cols) = s.size();
        for r in 0..rows.get() {
            let line: String = (0..cols.get())
                .filter_map(|c| s.cell(r, c).map(|c| c.contents().to_string()))
                .collect();
            if !line.starts_with("trust") {
                continue;
            }
            for c in 0..cols.get() {
                if let Some(cell) = s.cell(r, c) {
                    let after_i = c > 0 && s.cell(r, c - 1).is_some_and(|p| p.contents() == "i");
                    if cell.contents() == "ñ" && after_i {
                        return cell.bgcolor() != vt100::Color::Default
                            && cell.fgcolor() != vt100::Color::Default;
                    }
                }
            }
        }
        false
    })
}

#[test]
fn a_passage_coded_via_the_picker_follows_its_words() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(&store, "Joint coaching in Doña Ana", "2026-06-14", NOTE);
    let mut t = Tui::start(&store, &[], 120, 30);
    open_note(&mut t, "Joint coaching in Doña Ana");

    let at = passage_start(NOTE);
    select(&mut t, at, PASSAGE.chars().count());
    t.key(Key::Ctrl('t'));
    t.wait_for("Code “la niñez y la confianza”");
    t.type_text("trust");
    t.wait_for("Trust");
    t.key(Key::Enter);
    t.wait_for("Coded “la niñez y la confianza” as Trust");
    // The margin names the theme on the passage's row, and the passage is coloured.
    t.wait_until("the margin key", |s| {
        s.lines().any(|l| l.starts_with("trust"))
    });
    assert!(n_tilde_is_coloured(&t), "the coded ñ has a colour");
    // The codings pane lists it.
    t.key(Key::Tab);
    t.wait_for("Codings (1)");
    t.wait_for("“la niñez y la confianza”");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
    let c = coder_codings(&store);
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].0, "trust");
    assert_eq!((c[0].1, c[0].2), (at, at + PASSAGE.chars().count()));
    assert_eq!(c[0].3, PASSAGE);

    // Restart: still coded; type before it and it moves with its words.
    let mut t = Tui::start(&store, &[], 120, 30);
    open_note(&mut t, "Joint coaching in Doña Ana");
    t.wait_until("the margin key", |s| {
        s.lines().any(|l| l.starts_with("trust"))
    });
    t.send(CTRL_HOME);
    t.type_text("Hoy: ");
    t.wait_for("Hoy: ");
    t.key(Key::Ctrl('s'));
    t.wait_saved();
    let text = note_text(&store);
    let c = wait_file("the coding to move", || {
        let c = coder_codings(&store);
        (c.len() == 1 && c[0].1 == at + 5).then_some(c)
    });
    assert_eq!(char_slice(&text, c[0].1, c[0].2), PASSAGE);

    // An outside edit inserts text at the start: after the reload the coding is on the same words.
    let file = session_file(&store);
    let all = std::fs::read_to_string(&file).unwrap();
    let mut parts = all.splitn(3, "+++\n");
    let (a, b, body) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    std::fs::write(&file, format!("{a}+++\n{b}+++\nNota de ñandú. {body}")).unwrap();
    t.wait_for("Nota de ñandú.");
    t.wait_for("Reloaded");
    let text = note_text(&store);
    let c = wait_file("the coding to be re-attached on disk", || {
        let c = coder_codings(&store);
        (c.len() == 1 && c[0].1 == passage_start(&text)).then_some(c)
    });
    assert_eq!(char_slice(&text, c[0].1, c[0].2), PASSAGE);
    t.wait_until("the margin key", |s| {
        s.lines().any(|l| l.starts_with("trust"))
    });
    assert!(n_tilde_is_coloured(&t), "still coloured after the reload");

    // Delete the coded words: the coding is kept, marked ORPHANED.
    let start = passage_start(&text);
    select(&mut t, start, PASSAGE.chars().count());
    t.key(Key::Backspace);
    t.wait_gone("la niñez");
    t.key(Key::Tab);
    t.wait_for("ORPHANED");
    t.key(Key::Ctrl('s'));
    t.wait_saved();
    let c = wait_file("the orphan on disk", || {
        let c = coder_codings(&store);
        (c.len() == 1 && c[0].4 == "orphaned").then_some(c)
    });
    assert_eq!(c[0].3, PASSAGE, "an orphan keeps its quote");
}

#[test]
fn coding_mode_codes_with_single_keys_and_undo_reverts() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(&store, "Leadership meeting", "2026-06-14", NOTE);
    let mut t = Tui::start(&store, &[], 120, 30);
    open_note(&mut t, "Leadership meeting");
    t.send(F2);
    t.wait_for("CODING");
    // `s` selects the sentence under the cursor; `t` opens the picker, filtered by a fragment.
    t.key(Key::Char('s'));
    t.key(Key::Char('t'));
    t.wait_for("Code “Al principio");
    t.type_text("communic");
    t.key(Key::Enter);
    t.wait_for("as Communication");
    // `.` re-applies the last theme, here to the next line's sentence.
    t.key(Key::Char('j'));
    t.key(Key::Char('s'));
    t.key(Key::Char('.'));
    t.wait_for("Coded “Luego, planes.” as Communication");
    // Letters do not type into the note in coding mode (checked in the file at the end).
    t.type_text("qrz");
    // Undo removes the last coding, redo brings it back.
    t.key(Key::Char('u'));
    t.send(F2);
    t.wait_gone("CODING");
    t.key(Key::Tab);
    t.wait_for("Codings (1)");
    t.key(Key::Ctrl('y'));
    t.wait_for("Codings (2)");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
    let c = coder_codings(&store);
    assert_eq!(c.len(), 2, "{c:?}");
    assert!(c.iter().all(|c| c.0 == "communication"));
    assert_eq!(note_text(&store), NOTE, "the note text is untouched");
}

#[test]
fn an_invalid_codebook_is_reported_and_notes_still_open() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(&store, "Training day", "2026-06-14", NOTE);
    std::fs::write(
        store.join("codebook.toml"),
        "[[theme]]\nkey = \"trust\"\nname = \"Trust\"\ncolour = \"blue\"\n",
    )
    .unwrap();
    let mut t = Tui::start(&store, &[], 120, 30);
    t.wait_for("Invalid codebook");
    t.wait_for("codebook.toml:");
    open_note(&mut t, "Training day");
    select(&mut t, 0, 2);
    t.key(Key::Ctrl('t'));
    t.wait_for("built-in codebook");
}

/// `ripple code add` as another coder would (coder "Ana Peña").
fn cli_code(store: &Path, session: &str, theme: &str, quote: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_ripple"))
        .args(["--store"])
        .arg(store)
        .args(["code", "add", session, theme, "--quote", quote])
        .env("RIPPLE_INDEX", store.parent().unwrap().join("index"))
        .env("RIPPLE_CODER", "Ana Peña")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ripple code add failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn themes_of(store: &Path, coder_dir: &str) -> Vec<String> {
    let dir = store.join("codings").join(coder_dir);
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(e.path()).unwrap()).unwrap();
        for c in v["codings"].as_array().unwrap() {
            out.push(c["theme"].as_str().unwrap().to_string());
        }
    }
    out
}

/// The parent's count with its sub-themes counts each passage once: the same words coded
/// with trust and communication are one passage of collaboration, not two.
#[test]
fn the_codebook_screen_rolls_up_a_passage_coded_with_two_sub_themes_once() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "Coaching with La Casa", "2026-06-14", NOTE);
    cli_code(&store, &id, "trust", PASSAGE);
    cli_code(&store, &id, "communication", PASSAGE);
    cli_code(&store, &id, "collaboration", "Luego, planes");
    let mut t = Tui::start(&store, &[], 120, 30);
    t.wait_for("Coaching with La Casa");
    t.key(Key::Char('c'));
    t.wait_for("Themes · passages");
    t.wait_until("the counts", |s| {
        s.lines()
            .any(|l| l.contains("Communication communication") && l.contains(" 1"))
            && s.lines()
                .any(|l| l.contains("collaboration") && l.contains("1 (2)"))
    });
    t.key(Key::Char('q'));
}

#[test]
fn the_codebook_screen_counts_adds_and_deletes_with_reassignment() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "Coaching with La Casa", "2026-06-14", NOTE);
    cli_code(&store, &id, "trust", PASSAGE);
    let mut t = Tui::start(&store, &[], 120, 30);
    t.wait_for("Coaching with La Casa");
    t.key(Key::Char('c'));
    t.wait_for("Themes · passages");
    // collaboration is first; its count includes trust's passage below it.
    t.wait_until("the counts", |s| {
        s.lines()
            .any(|l| l.contains("Trust trust") && l.contains(" 1"))
            && s.lines()
                .any(|l| l.contains("collaboration") && l.contains("0 (1)"))
    });
    // Delete trust: it codes a passage, so the passage must go somewhere first.
    t.key(Key::Char('j'));
    t.key(Key::Char('D'));
    t.wait_for("trust codes 1 passage(s): move them to");
    t.type_text("communication");
    t.key(Key::Enter);
    t.wait_for("Type yes");
    t.type_text("yes");
    t.key(Key::Enter);
    t.wait_for("Deleted trust; 1 passage(s) moved");
    assert_eq!(themes_of(&store, "ana-pena"), vec!["communication"]);
    let book = std::fs::read_to_string(store.join("codebook.toml")).unwrap();
    assert!(!book.contains("key = \"trust\""), "{book}");

    // Add a theme beside the highlighted one: key, then the suggested name.
    t.key(Key::Char('a'));
    t.wait_for("Key of the new theme");
    t.type_text("ninez");
    t.key(Key::Enter);
    t.wait_for("Name of the new theme");
    t.key(Key::Ctrl('u'));
    t.type_text("Niñez");
    t.key(Key::Enter);
    t.wait_for("Added ninez");
    let book = std::fs::read_to_string(store.join("codebook.toml")).unwrap();
    assert!(book.contains("key = \"ninez\""), "{book}");
    assert!(book.contains("Niñez"), "{book}");
    // Esc goes back to the sessions; the new theme is offered when coding, accent-free.
    t.key(Key::Esc);
    t.wait_for("Coaching with La Casa");
    t.key(Key::Enter);
    t.wait_for("Details");
    select(&mut t, 0, 2);
    t.key(Key::Ctrl('t'));
    t.wait_for("Code “Al”");
    t.type_text("ninez");
    t.wait_for("1 of 17");
    t.key(Key::Enter);
    t.wait_for("Coded “Al” as Niñez");
}

#[test]
fn words_deleted_outside_ripple_leave_an_orphan_that_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "Supervision notes", "2026-06-14", NOTE);
    cli_code(&store, &id, "trust", PASSAGE);
    let ana = store
        .join("codings")
        .join("ana-pena")
        .join(format!("{id}.json"));
    let ana_bytes = std::fs::read(&ana).unwrap();
    let mut t = Tui::start(&store, &[], 120, 30);
    open_note(&mut t, "Supervision notes");
    t.wait_until("the margin key", |s| {
        s.lines().any(|l| l.starts_with("trust"))
    });
    let file = session_file(&store);
    let all = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, all.replace(PASSAGE, "otras cosas")).unwrap();
    t.wait_for("otras cosas");
    t.key(Key::Tab);
    t.wait_for("ORPHANED");
    t.wait_for("“la niñez y la confianza”");
    // The orphan is Ana's: shown here, never written on her behalf (her file is hers to
    // change), so it is still hers, unchanged, after Ripple quits.
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
    assert_eq!(std::fs::read(&ana).unwrap(), ana_bytes);
}

#[test]
fn another_coders_file_changed_outside_is_shown_without_reopening() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "Case review", "2026-06-14", NOTE);
    cli_code(&store, &id, "trust", PASSAGE);
    let mut t = Tui::start(&store, &[], 120, 30);
    open_note(&mut t, "Case review");
    t.wait_until("the margin key", |s| {
        s.lines().any(|l| l.starts_with("trust"))
    });
    // Ana's file is replaced (say, synced from her machine) with the passage recoded.
    let path = std::fs::read_dir(store.join("codings").join("ana-pena"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let json = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        json.replace("\"theme\": \"trust\"", "\"theme\": \"roles\""),
    )
    .unwrap();
    t.wait_until("the new theme in the margin", |s| {
        s.lines().any(|l| l.starts_with("roles"))
    });
    t.wait_for("Codings changed outside Ripple");
}

#[test]
fn an_unreadable_coder_file_is_reported_and_never_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "Broken codings", "2026-06-14", NOTE);
    let dir = store.join("codings").join("test-coder");
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join(format!("{id}.json"));
    std::fs::write(&broken, "{ \"session\": oops").unwrap();
    let mut t = Tui::start(&store, &[], 120, 30);
    open_note(&mut t, "Broken codings");
    t.wait_for("could not be read and were left untouched");
    select(&mut t, 0, 2);
    t.key(Key::Ctrl('t'));
    t.wait_for("Code “Al”");
    t.type_text("trust");
    t.key(Key::Enter);
    t.wait_for("Coded “Al” as Trust");
    t.key(Key::Ctrl('s'));
    t.wait_for("Could not save the codings");
    assert_eq!(
        std::fs::read_to_string(&broken).unwrap(),
        "{ \"session\": oops"
    );
}

/// How `codings/test-coder` was made unwritable, to undo it.
enum Blocked {
    /// chmod 0500: the folder can be read, not written.
    ReadOnlyFolder(PathBuf),
    /// Running as root, permissions do not stop writes: a plain file takes the folder's place,
    /// which no one can create files in.
    FileInTheWay(PathBuf),
}

/// Make the test coder's codings folder unwritable (chmod 0500). A probe write tells whether
/// that holds; where it does not (root), a file in the folder's place blocks writes instead.
fn block_coder_folder(store: &Path) -> Blocked {
    use std::os::unix::fs::PermissionsExt;
    let dir = store.join("codings").join("test-coder");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o500)).unwrap();
    let probe = dir.join("probe");
    if std::fs::write(&probe, "x").is_err() {
        return Blocked::ReadOnlyFolder(dir);
    }
    std::fs::remove_file(&probe).unwrap();
    std::fs::remove_dir(&dir).unwrap();
    std::fs::write(&dir, "not a folder").unwrap();
    Blocked::FileInTheWay(dir)
}

fn unblock(b: Blocked) {
    use std::os::unix::fs::PermissionsExt;
    match b {
        Blocked::ReadOnlyFolder(dir) => {
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap()
        }
        Blocked::FileInTheWay(file) => std::fs::remove_file(file).unwrap(),
    }
}

#[test]
fn codings_that_cannot_be_saved_are_kept_in_a_draft_and_restored_after_a_restart() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "Safety planning with fathers", "2026-06-14", NOTE);
    let blocked = block_coder_folder(&store);
    let mut t = Tui::start(&store, &[], 120, 30);
    open_note(&mut t, "Safety planning with fathers");
    let at = passage_start(NOTE);
    select(&mut t, at, PASSAGE.chars().count());
    t.key(Key::Ctrl('t'));
    t.wait_for("Code “la niñez y la confianza”");
    t.type_text("trust");
    t.wait_for("Trust");
    t.key(Key::Enter);
    t.wait_for("Coded “la niñez y la confianza” as Trust");
    // The save on the way out fails; the second quit leaves anyway.
    t.key(Key::Ctrl('q'));
    t.wait_for("Could not save the codings (quit again to leave anyway)");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
    assert!(
        coder_codings(&store).is_empty(),
        "nothing reached the folder"
    );

    let draft = store
        .join(".ripple/drafts/codings/test-coder")
        .join(format!("{id}.json"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&draft).expect("a coding draft")).unwrap();
    assert_eq!(v["coder"], "Test Coder");
    let c = &v["codings"][0];
    assert_eq!(
        (c["theme"].as_str(), c["quote"].as_str()),
        (Some("trust"), Some(PASSAGE))
    );
    assert_eq!(c["start"].as_u64(), Some(at as u64));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&draft), 0o600);
    assert_eq!(mode(draft.parent().unwrap()), 0o700);

    unblock(blocked);
    // `ripple check` lists the kept codings and says how to restore them.
    let out = Command::new(env!("CARGO_BIN_EXE_ripple"))
        .arg("--store")
        .arg(&store)
        .arg("check")
        .env("RIPPLE_INDEX", store.parent().unwrap().join("index"))
        .output()
        .unwrap();
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(
        report.contains(&format!(
            "note: {}: 1 coding(s) of Test Coder",
            draft.display()
        )) && report.contains("code restore"),
        "{report}"
    );

    // The next start says so; opening the note offers the draft; Ctrl-R restores it.
    let mut t = Tui::start(&store, &[], 120, 30);
    t.wait_for("1 session(s) have codings kept in a draft after a failed save");
    open_note(&mut t, "Safety planning with fathers");
    t.wait_for("Ctrl-R restores the 1 coding(s) you could not save");
    t.key(Key::Ctrl('r'));
    t.wait_for("Restored 1 coding(s) from ");
    t.wait_until("the margin key", |s| {
        s.lines().any(|l| l.starts_with("trust"))
    });
    assert!(n_tilde_is_coloured(&t), "the restored passage is coloured");
    let c = coder_codings(&store);
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(
        (c[0].0.as_str(), c[0].1, c[0].2, c[0].3.as_str()),
        ("trust", at, at + PASSAGE.chars().count(), PASSAGE)
    );
    assert!(!draft.exists(), "the draft is gone once restored");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
}

#[test]
fn renaming_in_the_codebook_screen_keeps_a_hand_edited_file_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(&store, "Coaching with La Casa", "2026-06-14", NOTE);
    let hand = "# Codebook of the Doña Ana evaluation: keep these notes.\n\
                \n\
                # --- Collaboration ---\n\
                [[theme]]\n\
                key    = \"collaboration\"\n\
                name   = 'Collaboration'   # the umbrella theme\n\
                colour = \"#1F8FD6\"\n\
                \n\
                # Trust between workers of different agencies.\n\
                [[theme]]\n\
                key    = \"trust\"\n\
                name   = \"Trust\"  # renamed in the screen\n\
                colour = \"#12a0a0\"\n\
                parent = \"collaboration\"\n\
                \n\
                # The end.\n";
    std::fs::write(store.join("codebook.toml"), hand).unwrap();
    let mut t = Tui::start(&store, &[], 120, 30);
    t.wait_for("Coaching with La Casa");
    t.key(Key::Char('c'));
    t.wait_for("Themes · passages");
    t.key(Key::Char('j'));
    t.key(Key::Char('r'));
    t.wait_for("New name for trust");
    t.key(Key::Ctrl('u'));
    t.type_text("Confianza");
    t.key(Key::Enter);
    t.wait_for("Renamed trust");
    let book = std::fs::read_to_string(store.join("codebook.toml")).unwrap();
    assert_eq!(
        book,
        hand.replace("name   = \"Trust\"", "name   = \"Confianza\""),
        "only the changed value is rewritten"
    );
}
