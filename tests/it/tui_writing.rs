//! End-to-end, in a pseudo-terminal: the writing aids of the note screen. Find and replace
//! (Ctrl-F finds inside the note, Esc closes the bar and leaves the note open), the word count,
//! focus mode and the collapsible details pane, and spell checking with a dictionary the test
//! writes (its underline, its suggestions, the store's word list).

use crate::common::{cli_new, store_dir, Key, Tui};
use std::path::{Path, PathBuf};

const F7: &[u8] = b"\x1b[18~";
const F8: &[u8] = b"\x1b[19~";

fn session_file(store: &Path) -> PathBuf {
    let mut v: Vec<PathBuf> = std::fs::read_dir(store.join("sessions"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    v.sort();
    assert_eq!(v.len(), 1, "{v:?}");
    v.remove(0)
}

/// Open the only session of the list in the editor.
fn open_note(t: &mut Tui, title: &str, text_seen: &str) {
    t.wait_for(title);
    t.key(Key::Enter);
    t.wait_for("Details");
    t.wait_for(text_seen);
}

/// The text of screen row `row`.
fn row_text(t: &Tui, row: u16) -> String {
    t.with_screen(|s| {
        let (_, cols) = s.size();
        s.contents_between(row, 0, row, cols.get())
    })
}

/// The screen row holding `needle`, and the column of its first character.
fn find_on_screen(t: &Tui, needle: &str) -> Option<(u16, u16)> {
    t.with_screen(|s| {
        let (rows, cols) = s.size();
        for r in 0..rows.get() {
            let line = s.contents_between(r, 0, r, cols.get());
            if let Some(b) = line.find(needle) {
                // Columns: every character here is one column wide.
                return Some((r, line[..b].chars().count() as u16));
            }
        }
        None
    })
}

#[test]
fn ctrl_f_finds_and_replaces_in_the_note_and_esc_keeps_the_note_open() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let text = "Doña Ana called. Later dona ana wrote. DOÑA ANA left.";
    cli_new(&store, "Find in a note", "2026-03-02", text);
    let mut t = Tui::start(&store, &[], 100, 30);
    open_note(&mut t, "Find in a note", "Doña Ana called.");
    t.wait_for(" 10 words ");

    t.key(Key::Ctrl('f'));
    t.wait_for("Find:");
    t.type_text("dona ana");
    t.wait_for("1 of 3");
    t.key(Key::Enter);
    t.wait_for("2 of 3");
    t.key(Key::Up);
    t.wait_for("1 of 3");
    // Alt-N and Alt-Shift-N are the n/N of other editors (as terminals send them: ESC n, ESC N).
    t.send(b"\x1bn");
    t.wait_for("2 of 3");
    t.send(b"\x1bn");
    t.wait_for("3 of 3");
    t.send(b"\x1bN");
    t.wait_for("2 of 3");
    t.send(b"\x1bN");
    t.wait_for("1 of 3");
    t.wait_for("Find: dona ana");
    t.key(Key::Tab);
    t.type_text("Doña Ana Ruiz");
    t.key(Key::Ctrl('a'));
    t.wait_for("Replaced 3");
    t.wait_for("Doña Ana Ruiz called. Later Doña Ana Ruiz wrote.");
    // One undo step takes every replacement back.
    t.key(Key::Ctrl('z'));
    t.wait_for(text);
    t.key(Key::Ctrl('a'));
    t.wait_for("Doña Ana Ruiz called. Later Doña Ana Ruiz wrote.");
    // Esc closes the bar, not the note.
    t.key(Key::Esc);
    t.wait_gone("Find:");
    // The cursor is after the first replacement.
    t.type_text("!");
    t.wait_for("Doña Ana Ruiz! called.");
    t.wait_for(" 13 words ");
    t.key(Key::Ctrl('s'));
    t.wait_saved();
    let on_disk = std::fs::read_to_string(session_file(&store)).unwrap();
    assert!(
        on_disk.ends_with("Doña Ana Ruiz! called. Later Doña Ana Ruiz wrote. Doña Ana Ruiz left."),
        "{on_disk}"
    );
    // A selection is counted too.
    t.key(Key::ShiftLeft);
    t.key(Key::ShiftLeft);
    t.key(Key::ShiftLeft);
    t.key(Key::ShiftLeft);
    t.key(Key::ShiftLeft);
    t.key(Key::ShiftLeft);
    t.wait_for(" 1 of 13 words ");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit(), "clean exit");
}

#[test]
fn focus_mode_and_the_collapsed_details_pane_give_the_text_the_width() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    // 70 characters: wider than the text beside the details pane at 100 columns.
    let line = "Supervisors agreed to share safety plans with the family court staff..";
    assert_eq!(line.chars().count(), 70);
    cli_new(&store, "Room to write", "2026-03-02", line);
    let mut t = Tui::start(&store, &[], 100, 30);
    open_note(&mut t, "Room to write", "Supervisors agreed");
    t.wait_for("Details");
    assert!(
        find_on_screen(&t, line).is_none(),
        "wrapped beside the details"
    );

    t.send(F8);
    t.wait_for("Focus mode");
    t.wait_gone("Details");
    let (row, col) = find_on_screen(&t, line).expect("one row in focus mode");
    assert!(col >= 9, "centred, not at the edge: column {col}");
    assert!(!row_text(&t, row).contains('│'), "no margin");
    t.send(F8);
    t.wait_for("Details");

    t.key(Key::Ctrl('b'));
    t.wait_for("Details pane collapsed");
    t.wait_until("the details pane gone", |s| {
        s.lines().filter(|l| l.contains("Details")).count() == 1
    });
    assert!(find_on_screen(&t, line).is_some(), "the full width");
    // Tab still reaches the details, in place of the text.
    t.key(Key::Tab);
    t.key(Key::Tab);
    t.wait_for("Title");
    t.key(Key::Tab);
    t.key(Key::Ctrl('b'));
    t.wait_for("Details pane shown");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit(), "clean exit");
}

const EN_AFF: &str = "SET UTF-8\nTRY esianrtolcdugmphbyfvkwz\n";
const EN_DIC: &str = "6\nthe\ncoach\nmet\nfamily\nwith\nand\n";
const ES_AFF: &str = "SET UTF-8\nTRY aeioulnrsñ\n";
const ES_DIC: &str = "2\nfamilia\nniña\n";

fn dictionaries(tmp: &Path) -> PathBuf {
    let dir = tmp.join("dicts");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, aff, dic) in [("en_US", EN_AFF, EN_DIC), ("es_ES", ES_AFF, ES_DIC)] {
        std::fs::write(dir.join(format!("{name}.aff")), aff).unwrap();
        std::fs::write(dir.join(format!("{name}.dic")), dic).unwrap();
    }
    dir
}

/// Whether every cell of `word` on screen is underlined and italic (NO_COLOR's misspelling).
fn marked(t: &Tui, word: &str) -> bool {
    let Some((row, col)) = find_on_screen(t, word) else {
        return false;
    };
    t.with_screen(|s| {
        (0..word.chars().count() as u16).all(|i| {
            s.cell(row, col + i)
                .is_some_and(|c| c.underline() && c.italic())
        })
    })
}

#[test]
fn misspelt_words_are_underlined_with_suggestions_and_the_word_list() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let dicts = dictionaries(tmp.path());
    cli_new(
        &store,
        "Spelling",
        "2026-03-02",
        "The coach met the famly and the niña",
    );
    let mut t = Tui::start_env(
        &store,
        &[],
        100,
        30,
        &[
            ("RIPPLE_DICTIONARIES", dicts.to_str().unwrap()),
            ("NO_COLOR", "1"),
        ],
    );
    open_note(&mut t, "Spelling", "the famly and");
    t.wait_until("famly marked", |_| marked(&t, "famly"));
    assert!(
        !marked(&t, "coach") && !marked(&t, "niña"),
        "English and Spanish known"
    );

    // The cursor after "famly": F7 offers "family".
    t.key(Key::Home);
    for _ in 0.."The coach met the famly".chars().count() {
        t.key(Key::Right);
    }
    t.send(F7);
    t.wait_for("“famly”");
    t.wait_for("family");
    t.wait_for("add “famly” to the word list");
    t.key(Key::Enter);
    t.wait_for("The coach met the family and the niña");
    t.wait_gone("“famly”");
    assert!(!marked(&t, "family"));

    // A name: added to the store's word list, and no longer marked.
    t.key(Key::End);
    t.type_text(" with Zapata");
    t.wait_until("Zapata marked", |_| marked(&t, "Zapata"));
    t.send(F7);
    t.wait_for("add “Zapata” to the word list");
    t.type_text("a");
    t.wait_for("“Zapata” added to the word list");
    assert!(!marked(&t, "Zapata"));
    let words = std::fs::read_to_string(store.join("words.txt")).unwrap();
    assert!(words.lines().any(|l| l == "Zapata"), "{words}");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit(), "clean exit");

    // The next run reads the word list.
    let mut t = Tui::start_env(
        &store,
        &[],
        100,
        30,
        &[
            ("RIPPLE_DICTIONARIES", dicts.to_str().unwrap()),
            ("NO_COLOR", "1"),
        ],
    );
    open_note(&mut t, "Spelling", "with Zapata");
    t.send(b"\x1b[1;5F"); // Ctrl-End
    t.type_text(" zzzq");
    t.wait_until("the new word marked", |_| marked(&t, "zzzq"));
    assert!(!marked(&t, "Zapata"));
    t.key(Key::Ctrl('q'));
    t.wait_exit();
}

#[test]
fn without_a_dictionary_spell_check_says_so_once_and_the_note_works() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let empty = tmp.path().join("no-dicts");
    std::fs::create_dir_all(&empty).unwrap();
    cli_new(&store, "No dictionary", "2026-03-02", "Teh famly");
    let mut t = Tui::start_env(
        &store,
        &[],
        100,
        30,
        &[("RIPPLE_DICTIONARIES", empty.to_str().unwrap())],
    );
    open_note(&mut t, "No dictionary", "Teh famly");
    t.wait_for("Spell check is off");
    t.send(b"\x1b[1;5F"); // Ctrl-End
    t.type_text(" ok");
    t.wait_for("Teh famly ok");
    // Another message takes its place; it does not come back.
    t.key(Key::Ctrl('g'));
    t.wait_for("Nothing to find yet");
    t.key(Key::Esc);
    t.wait_for("No dictionary");
    t.key(Key::Enter);
    t.wait_for("Teh famly ok");
    t.wait_for(" 3 words ");
    assert!(!t.screen().contains("Spell check is off"), "said once");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
}
