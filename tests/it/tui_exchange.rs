//! REFI-QDA import and export from the terminal UI, end to end: `x` on the session list
//! exports (a project or the codebook, all sessions or those a query matches), the file reads
//! back; `i` imports a sample exported by another tool after showing its plan, and the
//! sessions appear in the list; a broken file gives a clear message and the store is unchanged.

use crate::common::{store_dir, Key, Tui};
use ripple::core::exchange::xml_read::Parsed;
use ripple::core::exchange::Package;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn shared_samples() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|p| p.join("shared/refi-qda/samples"))
        .chain(std::iter::once(here.join("../shared/refi-qda/samples")))
        .find(|p| p.is_dir())
}

/// Every file under `root` (but the machine's own `.ripple` folder) with its bytes.
fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n == ".ripple") {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

/// Wait for the dialog's result holding `expect`, then close it.
fn finish(t: &mut Tui, expect: &str) -> String {
    let screen = t.wait_until(expect, |s| s.contains("Enter close") && s.contains(expect));
    t.key(Key::Enter);
    t.wait_gone("Enter close");
    screen
}

/// Clear the dialog's field and type `text` into it.
fn retype(t: &mut Tui, text: &str) {
    t.key(Key::Ctrl('u'));
    t.type_text(text);
}

fn sources_in(file: &Path) -> usize {
    let p = Package::open(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    match &p.parsed {
        Parsed::Project(p) => p.sources.len(),
        Parsed::Codebook(_) => panic!("a codebook, not a project"),
    }
}

#[test]
fn exporting_from_the_list_writes_files_that_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    ripple::core::demo::write_demo_store(&store).unwrap();
    let sessions = std::fs::read_dir(store.join("sessions")).unwrap().count();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let mut t = Tui::start(&store, &[], 120, 32);
    t.wait_for("Leadership kickoff");

    // The whole store as a project.
    t.key(Key::Char('x'));
    t.wait_for("Export (REFI-QDA)");
    t.wait_for("project (.qdpx)");
    let all = out.join("all.qdpx");
    retype(&mut t, all.to_str().unwrap());
    t.key(Key::Enter);
    finish(&mut t, &format!("Exported {sessions} session(s)"));
    assert_eq!(sources_in(&all), sessions);

    // Only the sessions a query matches (the form keeps the last file name: change it).
    t.key(Key::Char('x'));
    t.wait_for("Export (REFI-QDA)");
    let some = out.join("sierra.qdpx");
    retype(&mut t, some.to_str().unwrap());
    t.key(Key::Tab);
    t.type_text("county:Sierra");
    t.key(Key::Enter);
    finish(&mut t, "Exported 2 session(s)");
    assert_eq!(sources_in(&some), 2);

    // The same name again: the file exists, Enter again replaces it.
    t.key(Key::Char('x'));
    t.wait_for("Export (REFI-QDA)");
    t.key(Key::Enter);
    t.wait_for("exists: Enter again replaces it");
    t.key(Key::Enter);
    finish(&mut t, "Exported 2 session(s)");

    // The codebook alone, de-identified: Ctrl-T switches to .qdc and renames the file.
    t.key(Key::Char('x'));
    t.wait_for("Export (REFI-QDA)");
    t.key(Key::Ctrl('t'));
    t.wait_for("codebook (.qdc)");
    t.wait_for("sierra.qdc");
    t.key(Key::Ctrl('d'));
    t.wait_for("de-identified");
    t.key(Key::Enter);
    finish(&mut t, "Exported the codebook");
    let qdc = out.join("sierra.qdc");
    let p = Package::open(&qdc).unwrap();
    assert!(matches!(p.parsed, Parsed::Codebook(ref c) if !c.codes.is_empty()));

    // A name that is not a REFI-QDA project says so and writes nothing.
    t.key(Key::Char('x'));
    t.wait_for("Export (REFI-QDA)");
    t.key(Key::Ctrl('t'));
    t.wait_for("project (.qdpx)");
    retype(&mut t, out.join("notes.qdc").to_str().unwrap());
    t.key(Key::Enter);
    t.wait_for("is named .qdpx");
    t.key(Key::Esc);
    t.wait_gone("Export (REFI-QDA)");
    assert!(!out.join("notes.qdc").exists());
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
}

#[test]
fn importing_a_sample_shows_the_plan_then_the_sessions() {
    let Some(samples) = shared_samples() else {
        eprintln!("skipped: ../shared/refi-qda/samples is not there");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let mut t = Tui::start(&store, &[], 120, 32);
    t.wait_for("No sessions");
    t.key(Key::Char('i'));
    t.wait_for("Import (REFI-QDA)");
    retype(&mut t, samples.join("qc-1.3.2-demo.qdpx").to_str().unwrap());
    t.key(Key::Enter);
    let plan = t.wait_for("Import plan");
    assert!(plan.contains("Sessions: 2 to add"), "{plan}");
    assert!(!store.join("sessions").read_dir().unwrap().any(|_| true));
    t.key(Key::Char('y'));
    let done = finish(&mut t, "Imported 2 session(s), 205 coding(s)");
    assert!(done.contains("new theme(s)"), "{done}");
    let list = t.wait_for("board_2017");
    assert!(list.contains("admin-1"), "{list}");
    // Opened again, the dialog holds the last file selected: typing replaces it.
    t.key(Key::Char('i'));
    t.wait_for("qc-1.3.2-demo.qdpx");
    t.type_text("other.qdpx");
    t.wait_until("the typed name alone", |s| {
        s.contains("File    other.qdpx ")
    });
    t.key(Key::Esc);
    t.wait_gone("Import (REFI-QDA)");
    // The search index holds them too (it was rebuilt).
    t.key(Key::Char('/'));
    t.type_text("board");
    t.wait_for("board_2017");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
    assert_eq!(store.join("sessions").read_dir().unwrap().count(), 2);

    // The same file again, at 100×24: nothing to import, and the plan under it is longer than
    // the box: it scrolls to its end (the codings and memos after the themes).
    let mut t = Tui::start(&store, &[], 100, 24);
    t.wait_for("board_2017");
    t.key(Key::Char('i'));
    t.wait_for("Import (REFI-QDA)");
    retype(&mut t, samples.join("qc-1.3.2-demo.qdpx").to_str().unwrap());
    t.key(Key::Enter);
    // (Waited for whole: the box is drawn in one frame, the terminal may show part of it.)
    let top = t.wait_until("the result with its hints", |s| {
        s.contains("Nothing to import: the store already has every session")
            && s.contains("↑/↓ scroll")
            && s.contains("rows 1–")
    });
    assert!(!top.contains("Memos:"), "{top}");
    t.key(Key::End);
    let end = t.wait_until("the end of the plan", |s| {
        s.contains("Memos:") && s.contains("Codings:")
    });
    assert!(!end.contains("Nothing to import"), "{end}");
    t.key(Key::Home);
    t.wait_for("Nothing to import");
    finish(
        &mut t,
        "Nothing to import: the store already has every session",
    );
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
}

#[test]
fn a_broken_file_says_why_and_leaves_the_store_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    ripple::core::demo::write_demo_store(&store).unwrap();
    let before = files(&store);
    let bad = tmp.path().join("broken.qdpx");
    std::fs::write(&bad, b"PK\x03\x04 this is not a zip archive at all").unwrap();
    let mut t = Tui::start(&store, &[], 120, 32);
    t.wait_for("Leadership kickoff");
    t.key(Key::Char('i'));
    t.wait_for("Import (REFI-QDA)");
    retype(&mut t, bad.to_str().unwrap());
    t.key(Key::Enter);
    let screen = t.wait_for("Cannot import");
    assert!(screen.contains("broken.qdpx"), "{screen}");
    // The form stays for another name; a name that is not REFI-QDA is refused before reading.
    retype(&mut t, tmp.path().join("notes.txt").to_str().unwrap());
    t.key(Key::Enter);
    t.wait_for("not a REFI-QDA file");
    // A plan refused with n writes nothing either.
    if let Some(samples) = shared_samples() {
        retype(&mut t, samples.join("qc-1.3.2-demo.qdpx").to_str().unwrap());
        t.key(Key::Enter);
        t.wait_for("Import plan");
        t.key(Key::Char('n'));
        t.wait_for("Import cancelled");
    }
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
    assert_eq!(files(&store), before, "the store changed");
}
