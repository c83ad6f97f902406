//! End-to-end: sharing one note from the session list and from inside a note, in the real
//! binary on a pseudo-terminal. File names are typed as absolute paths (the program's working
//! folder is the test's).

use crate::common::{cli_new, Key, Tui};

const NOTE: &str = "# Discussion\n\nMaría said <b>trust</b> & safety grew.\n";

#[test]
fn s_shares_the_highlighted_session_and_an_existing_file_needs_a_yes() {
    let tmp = tempfile::tempdir().unwrap();
    let store = crate::common::store_dir(&tmp);
    cli_new(&store, "Doña Ana check-in", "2026-06-14", NOTE);
    let mut t = Tui::start(&store, &[], 110, 30);
    t.wait_for("Doña Ana check-in");
    let s = t.screen();
    assert!(s.contains("s share"), "the list's hints name the key:\n{s}");

    t.type_text("s");
    let s = t.wait_for("Share “Doña Ana check-in”");
    assert!(s.contains("2026-06-14-doña-ana-check-in.md"), "{s}");
    // Tab walks the formats and the file name follows.
    t.key(Key::Tab);
    t.wait_for("2026-06-14-doña-ana-check-in.html");
    t.key(Key::Tab);
    t.wait_for("2026-06-14-doña-ana-check-in.docx");

    let html = tmp.path().join("shared note.html");
    t.key(Key::Ctrl('u'));
    t.type_text(html.to_str().unwrap());
    t.key(Key::Enter);
    t.wait_for("Shared “Doña Ana check-in” as HTML");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<h1>Doña Ana check-in</h1>"), "{page}");
    assert!(
        page.contains("&lt;b&gt;trust&lt;/b&gt; &amp; safety"),
        "{page}"
    );

    // Again to the same file: asked first; n keeps it, y replaces it, de-identified.
    std::fs::write(
        store.join("ripple.toml"),
        format!(
            "{}\ndeidentify = [\"Maria\"]\n",
            std::fs::read_to_string(store.join("ripple.toml")).unwrap()
        ),
    )
    .unwrap();
    std::fs::write(&html, "mine").unwrap();
    t.type_text("s");
    t.wait_for("Share “Doña Ana check-in”");
    t.key(Key::Ctrl('d'));
    t.wait_for("De-identify: yes");
    t.key(Key::Ctrl('u'));
    t.type_text(html.to_str().unwrap());
    t.key(Key::Enter);
    t.wait_for("exists");
    t.type_text("n");
    t.wait_for("Kept the file");
    assert_eq!(std::fs::read_to_string(&html).unwrap(), "mine");
    t.key(Key::Enter);
    t.wait_for("exists");
    t.type_text("y");
    t.wait_for("Shared “Doña Ana check-in” as HTML, de-identified");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("[redacted] said"), "{page}");
    assert!(!page.contains("María"), "{page}");
}

#[test]
fn ctrl_e_shares_the_open_note_as_shown_and_a_refused_name_keeps_the_dialog() {
    let tmp = tempfile::tempdir().unwrap();
    let store = crate::common::store_dir(&tmp);
    cli_new(&store, "Check-in", "2026-06-14", NOTE);
    let mut t = Tui::start(&store, &[], 110, 30);
    t.wait_for("Check-in");
    t.key(Key::Enter);
    t.wait_for("Details");
    t.key(Key::Ctrl('e'));
    t.wait_for("Share “Check-in”");

    // Inside the store: refused, the dialog stays for another name.
    t.key(Key::Ctrl('u'));
    t.type_text(store.join("x.md").to_str().unwrap());
    t.key(Key::Enter);
    t.wait_for("Not shared");
    t.wait_for("Share “Check-in”");
    assert!(!store.join("x.md").exists());

    let docx = tmp.path().join("note.docx");
    t.key(Key::Ctrl('u'));
    t.type_text(docx.to_str().unwrap());
    t.key(Key::Enter);
    t.wait_for("Shared “Check-in” as DOCX");
    let text = crate::share::docx_document(&docx);
    assert!(text.contains("Check-in\nDate: 14 June 2026"), "{text}");
    assert!(
        text.contains("María said <b>trust</b> & safety grew."),
        "{text}"
    );
    // The dialog closed: typing goes to the note again.
    t.wait_gone("Share “Check-in”");
}
