//! End-to-end: search and evidence in the real binary on a pseudo-terminal.

use crate::common::{cli_new, Key, Tui};
use std::path::{Path, PathBuf};

/// A coded passage in the demo store (Ana Ortiz, theme `trust`, first session).
const DEMO_QUOTE: &str = "advocates stopped returning CYFD calls after that";
const DEMO_TITLE: &str = "Leadership kickoff: why we are doing this together";

/// The demo store in a fresh temporary folder, and Ripple started on it (`cols`×`rows`) with
/// the session list shown. The folder lives as long as the returned `TempDir`.
fn start_on_demo_store(cols: u16, rows: u16) -> (tempfile::TempDir, PathBuf, Tui) {
    let tmp = tempfile::tempdir().unwrap();
    let store = crate::common::store_dir(&tmp);
    ripple::core::demo::write_demo_store(&store).expect("demo store");
    let t = Tui::start(&store, &[], cols, rows);
    t.wait_for(DEMO_TITLE);
    (tmp, store, t)
}

fn index_dir(store: &Path) -> PathBuf {
    store.parent().unwrap().join("index")
}

/// Whether the screen shows `text` with the search-hit background on its first character.
fn highlighted_at(t: &Tui, text: &str) -> bool {
    t.with_screen(|s| {
        let contents = s.contents();
        let Some((row, line)) = contents.lines().enumerate().find(|(_, l)| l.contains(text)) else {
            return false;
        };
        let byte = line.find(text).unwrap();
        let col = unicode_width::UnicodeWidthStr::width(&line[..byte]) as u16;
        s.cell(row as u16, col)
            .is_some_and(|c| c.bgcolor() == vt100::Color::Rgb(255, 215, 0))
    })
}

fn open_search(t: &mut Tui) {
    t.type_text("/");
    t.wait_for("Search:");
}

#[test]
fn a_query_finds_the_passage_enter_opens_it_and_esc_comes_back() {
    let (_tmp, _store, mut t) = start_on_demo_store(130, 36);
    open_search(&mut t);
    t.type_text("stopped returning");
    // Plain words open on the sessions: choose the passages.
    t.key(Key::Ctrl('t'));
    t.wait_for(DEMO_QUOTE);
    let s = t.wait_for("Coded passages (2)");
    assert!(s.contains("Themes"), "facets beside the results:\n{s}");
    assert!(s.contains("2026-0"), "month facet:\n{s}");

    // Matched words are highlighted in the results.
    let yellow = t.with_screen(|sc| {
        let text = sc.contents();
        let (row, line) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains("“advocates stopped returning"))
            .unwrap();
        let col = unicode_width::UnicodeWidthStr::width(&line[..line.find("stopped").unwrap()]);
        sc.cell(row as u16, col as u16).map(|c| c.bgcolor())
    });
    assert_eq!(yellow, Some(vt100::Color::Idx(3)));

    // The second result (the other coder's coding of the same words; equal scores, so
    // either coder may come first).
    let coder_of = |line: &str| {
        ["J. Chen", "Ana Ortiz"]
            .into_iter()
            .find(|c| line.contains(c))
            .map(str::to_string)
    };
    let result_rows = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| l.contains("2026-02-04 ·"))
            .map(str::to_string)
            .collect()
    };
    let first = t.wait_until("the first result selected", |s| {
        result_rows(s).first().is_some_and(|l| l.starts_with("▶"))
    });
    let second_coder = coder_of(&result_rows(&first)[1]).expect("a coder on the second row");
    t.key(Key::Down);
    t.wait_until("the second result selected", |s| {
        s.lines()
            .any(|l| l.starts_with("▶") && l.contains(second_coder.as_str()))
    });
    t.key(Key::Enter);
    t.wait_for("saved");
    t.wait_until("the passage highlighted in the note", |_| {
        highlighted_at(&t, "advocates stopped")
    });
    let s = t.screen();
    assert!(!s.contains("Search:"), "the note is shown:\n{s}");
    assert!(s.contains("Esc back to the results"), "{s}");

    t.key(Key::Esc);
    let s = t.wait_for("Search: stopped returning");
    assert!(s.contains(DEMO_QUOTE), "results kept:\n{s}");
    t.wait_until("the selection kept", |s| {
        s.lines()
            .any(|l| l.starts_with("▶") && l.contains(second_coder.as_str()))
    });

    // The session list of results.
    t.key(Key::Ctrl('t'));
    t.wait_for("Sessions (1)");
    t.wait_for(DEMO_TITLE);
}

#[test]
fn a_bad_query_shows_the_problem_and_keeps_the_last_results() {
    let (_tmp, _store, mut t) = start_on_demo_store(130, 36);
    open_search(&mut t);
    t.type_text("stopped returning");
    t.key(Key::Ctrl('t'));
    t.wait_for(DEMO_QUOTE);

    // Pasted at once, so no half-typed query replaces the results first.
    t.send(b"\x1b[200~ agency:\"unclosed\x1b[201~");
    let s = t.wait_for("unclosed quote");
    assert!(s.contains("^^^"), "a caret under the problem:\n{s}");
    assert!(s.contains(DEMO_QUOTE), "earlier results stay:\n{s}");
    // The caret sits under the quote that is not closed.
    let lines: Vec<&str> = s.lines().collect();
    let input = lines.iter().find(|l| l.contains("Search:")).unwrap();
    let caret = lines.iter().find(|l| l.contains("^^^")).unwrap();
    assert_eq!(
        caret.find('^'),
        input.find("agency:").map(|i| i + "agency:".len()),
        "{input}\n{caret}"
    );

    // Ctrl-W takes the bad word away again; the results are back.
    t.key(Key::Ctrl('w'));
    t.wait_gone("unclosed quote");
    t.wait_for(DEMO_QUOTE);
    t.send(b"\x1b[200~date:2026-13\x1b[201~");
    let s = t.wait_for("there is no date");
    assert!(s.contains(DEMO_QUOTE), "earlier results stay:\n{s}");
    // Fix it in the middle: the month's first digit goes.
    t.key(Key::Left);
    t.key(Key::Backspace);
    t.wait_for("Search: stopped returning date:2026-3 ");
    t.wait_gone("there is no date");
}

#[test]
fn a_note_saved_in_the_tui_is_found_by_a_word_just_typed_and_opens_scrolled_to_it() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    // A long note whose only match is near the end: opening it must scroll there.
    let mut long = String::new();
    for i in 0..120 {
        long.push_str(&format!("Line {i} of a long note about the shared card.\n"));
    }
    long.push_str("The kingfisher line is here at the very end.\n");
    cli_new(&store, "A long session", "2026-05-04", &long);

    let mut t = Tui::start(&store, &[], 120, 30);
    t.wait_for("A long session");
    t.key(Key::Char('n'));
    t.wait_for("Blank: no template");
    t.key(Key::End);
    t.key(Key::Enter);
    t.wait_for("Details");
    t.type_text("Fresh notes");
    t.key(Key::Tab);
    t.type_text("We talked about the zebrafinch protocol with Doña Ana.");
    t.key(Key::Ctrl('s'));
    t.wait_saved();
    t.key(Key::Esc);
    t.wait_gone("Details");
    open_search(&mut t);
    // A plain word: the sessions first.
    t.type_text("zebrafinch");
    t.wait_for("Sessions (1)");
    t.wait_for("Fresh notes");

    t.key(Key::Ctrl('u'));
    t.type_text("kingfisher");
    // The whole query typed and its result shown (not the last query's, nor a shorter one's).
    t.wait_until("the long session found for the whole word", |s| {
        s.contains("Search: kingfisher")
            && s.contains("A long session")
            && !s.contains("Fresh notes")
    });
    t.key(Key::Enter);
    // Once in a loaded run the Enter was not followed by "Opening": asked again then (and
    // said), so the test goes on to what it is about, the scroll to the match.
    let opened = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let s = t.screen();
        s.contains("Opening") || s.contains("Details")
    });
    if !opened {
        eprintln!("Enter on the result was not taken at once; pressing it again");
        t.key(Key::Enter);
    }
    t.wait_until("the match highlighted in the scrolled note", |_| {
        highlighted_at(&t, "kingfisher")
    });
    let s = t.screen();
    assert!(!s.contains("Line 0 of"), "scrolled away from the top:\n{s}");
    t.key(Key::Esc);
    t.wait_for("Search: kingfisher");
}

#[test]
fn a_deleted_index_is_rebuilt_at_start_and_search_works() {
    let (_tmp, store, mut t) = start_on_demo_store(130, 36);
    open_search(&mut t);
    t.type_text("confianza");
    t.wait_for("confianza is low");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());

    let ix = index_dir(&store);
    assert!(
        ix.join("meta.json").exists(),
        "the first start built an index"
    );
    std::fs::remove_dir_all(&ix).unwrap();

    let mut t = Tui::start(&store, &[], 130, 36);
    t.wait_for(DEMO_TITLE);
    open_search(&mut t);
    t.type_text("confianza");
    t.wait_for("confianza is low");
    assert!(ix.join("meta.json").exists(), "rebuilt");

    // A damaged index is set aside and rebuilt as well.
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
    std::fs::write(ix.join("meta.json"), b"{ not json").unwrap();
    let mut t = Tui::start(&store, &[], 130, 36);
    t.wait_for(DEMO_TITLE);
    open_search(&mut t);
    t.type_text("confianza");
    t.wait_for("confianza is low");
}

#[test]
fn evidence_marks_copies_and_exports_the_marked_passages() {
    let (tmp, store, mut t) = start_on_demo_store(140, 40);
    open_search(&mut t);
    t.type_text("theme:trust");
    t.wait_for(DEMO_QUOTE);
    t.key(Key::Ctrl('e'));
    t.wait_for("Evidence");
    let s = t.wait_for(DEMO_QUOTE);
    assert!(s.contains("query: theme:trust"), "{s}");
    assert!(s.contains("Doña Ana"), "county shown:\n{s}");
    assert!(s.contains("memo: Baseline"), "memo shown:\n{s}");

    // The first passage by date is the demo quote (February): mark it.
    t.type_text(" ");
    t.wait_for("1 marked");
    t.type_text("y");
    t.wait_for("Copied the quote");
    t.type_text("s");
    t.wait_for("sorted by session");

    let out = tmp.path().join("exported evidence.md");
    t.type_text("x");
    t.wait_for("Export to: evidence-");
    t.key(Key::Ctrl('u'));
    t.type_text(out.to_str().unwrap());
    t.key(Key::Enter);
    t.wait_for("Exported 1 passages to");
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.contains(DEMO_QUOTE), "{md}");
    assert_eq!(
        md.matches("> ").count(),
        1,
        "only the marked passage:\n{md}"
    );

    // The same name again: nothing is replaced without a yes. n keeps the file and reopens
    // the prompt; y replaces it.
    std::fs::write(&out, "my edited report").unwrap();
    t.type_text("x");
    t.wait_for("Export to: evidence-");
    t.key(Key::Ctrl('u'));
    t.type_text(out.to_str().unwrap());
    t.key(Key::Enter);
    let s = t.wait_for("? y replaces it · n keeps it");
    assert!(s.contains(" Replace "), "{s}");
    assert!(s.contains("exported evidence.md"), "{s}");
    t.key(Key::Enter);
    t.type_text("n");
    t.wait_for("Kept ");
    let s = t.wait_for("Export to: ");
    assert!(
        s.contains("exported evidence.md"),
        "the name typed comes back:\n{s}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "my edited report");
    t.key(Key::Enter);
    t.wait_for("? y replaces it · n keeps it");
    t.key(Key::Esc);
    t.wait_for("Kept ");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "my edited report");
    t.key(Key::Enter);
    t.wait_for("? y replaces it · n keeps it");
    t.type_text("y");
    t.wait_gone("? y replaces it");
    t.wait_for("Exported 1 passages to");
    assert!(std::fs::read_to_string(&out).unwrap().contains(DEMO_QUOTE));

    // Never into the store, whatever the answer: the prompt says why.
    let note = std::fs::read_dir(store.join("sessions"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "md"))
        .unwrap();
    let before = std::fs::read(&note).unwrap();
    // Session files are named after their titles: wide enough for the whole message.
    t.resize(240, 30);
    std::thread::sleep(std::time::Duration::from_millis(300));
    t.type_text("x");
    t.wait_for("Export to: evidence-");
    t.key(Key::Ctrl('u'));
    t.type_text(note.to_str().unwrap());
    t.key(Key::Enter);
    t.wait_for("is inside the store");
    assert_eq!(std::fs::read(&note).unwrap(), before);

    // A `.csv` name writes CSV, one row a passage, the prompt naming the format first.
    let csv_out = tmp.path().join("evidence.csv");
    t.type_text("x");
    t.wait_for("Export to: evidence-");
    t.key(Key::Ctrl('u'));
    t.type_text(csv_out.to_str().unwrap());
    t.wait_for("CSV · .md .csv .json");
    t.key(Key::Enter);
    t.wait_for("passages to");
    t.wait_for("(CSV)");
    let csv = std::fs::read_to_string(&csv_out).unwrap();
    let mut lines = csv.lines();
    assert!(
        lines.next().unwrap().contains("quote"),
        "a header row:\n{csv}"
    );
    assert_eq!(lines.filter(|l| l.contains(DEMO_QUOTE)).count(), 1, "{csv}");
    assert!(!csv.contains("> "), "not Markdown:\n{csv}");

    // Ctrl-D de-identifies: no names or ids, and the store's `deidentify` terms redacted.
    let settings = store.join("ripple.toml");
    let mut table: toml::Table =
        toml::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
    table.insert("deidentify".into(), toml::Value::Array(vec!["CYFD".into()]));
    std::fs::write(&settings, toml::to_string(&table).unwrap()).unwrap();
    let deid_out = tmp.path().join("evidence-deidentified.csv");
    t.type_text("x");
    t.wait_for("Export to: evidence-");
    t.key(Key::Ctrl('u'));
    t.type_text(deid_out.to_str().unwrap());
    t.key(Key::Ctrl('d'));
    t.wait_for("CSV, de-identified ·");
    t.key(Key::Enter);
    t.wait_for("(CSV, de-identified)");
    let deid = std::fs::read_to_string(&deid_out).unwrap();
    let header = deid.lines().next().unwrap();
    assert!(
        !header.contains("coder") && !header.contains("facilitator"),
        "{deid}"
    );
    assert!(
        deid.contains("advocates stopped returning [redacted] calls"),
        "{deid}"
    );
    assert!(!deid.contains("CYFD"), "the listed agency too:\n{deid}");

    // Enter opens the note at a passage; Esc comes back to the evidence.
    t.key(Key::Home);
    t.key(Key::Enter);
    t.wait_for("Esc back to the results");
    t.key(Key::Esc);
    t.wait_for("1 marked");
    t.wait_for(DEMO_QUOTE);

    // Esc goes back to the search with its query.
    t.key(Key::Esc);
    t.wait_for("Search: theme:trust");
    t.key(Key::Esc);
    t.wait_gone("Search:");
    // From the list, `e` starts on a theme; → moves on to the next.
    t.type_text("e");
    t.wait_for("Evidence");
    t.key(Key::Right);
    t.wait_for("passages ·");
}

#[test]
fn a_second_instance_searches_read_only() {
    let (_tmp, store, mut first) = start_on_demo_store(130, 36);
    open_search(&mut first);
    first.type_text("confianza");
    first.wait_for("confianza is low");

    let mut second = Tui::start(&store, &[], 130, 36);
    second.wait_for("READ-ONLY");
    second.wait_for(DEMO_TITLE);
    open_search(&mut second);
    second.type_text("confianza");
    second.wait_for("confianza is low");
    second.wait_for("search index read-only");
}

#[test]
fn a_large_store_is_indexed_in_the_background_with_progress_while_notes_open() {
    use ripple::core::session::{Session, SessionMeta};
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    cli_new(&store, "Seed session", "2026-05-04", "The first note.");
    // Written directly (no fsync per file) so the test stays quick.
    let words = "trust communication roles flexibility safety planning fathers advocates";
    for i in 0..3000 {
        let mut meta = SessionMeta::new_today("Tester");
        meta.title = format!("Bulk session {i}");
        let text = format!("Bulk note {i}: {words} {words} {words}.\n");
        let s = Session { meta, text };
        let path = store
            .join("sessions")
            .join(format!("{}.md", s.meta.id.as_str()));
        std::fs::write(path, ripple::core::session_file::to_file_string(&s)).unwrap();
    }
    let mut t = Tui::start(&store, &[], 120, 30);
    t.wait_for("indexing ");
    t.wait_for(" / 3,001");
    // The notes are usable meanwhile: open one.
    t.wait_for("Bulk session");
    t.key(Key::Enter);
    t.wait_for("Details");
    t.key(Key::Esc);
    t.wait_gone("Details");
    t.type_text("/");
    t.wait_for("Search:");
    t.type_text("\"Bulk note 2999\"");
    t.wait_for("Sessions (1)");
    t.wait_gone("indexing ");

    // Past the first 100 hits: ↓ walks on through every one, each a session of its own.
    t.key(Key::Ctrl('u'));
    t.type_text("bulk");
    t.wait_for("Sessions (3,000)");
    let selected = |s: &str| -> Option<String> {
        let line = s.lines().find(|l| l.starts_with('▶'))?;
        let at = line.find("Bulk session ")? + "Bulk session ".len();
        Some(
            line[at..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect(),
        )
    };
    let mut seen = std::collections::HashSet::new();
    let mut last = selected(&t.wait_until("a selected session", |s| selected(s).is_some()));
    seen.extend(last.clone());
    for _ in 0..150 {
        t.key(Key::Down);
        let s = t.wait_until("the selection to move on", |s| {
            selected(s).is_some() && selected(s) != last
        });
        last = selected(&s);
        seen.extend(last.clone());
    }
    assert_eq!(seen.len(), 151, "every ↓ reached another session");
}

#[test]
fn a_passage_coded_in_the_tui_is_found_as_evidence_at_once() {
    const NOTE: &str =
        "Al principio hablamos de la niñez y la confianza entre agencias.\nLuego, planes.";
    const PASSAGE: &str = "la niñez y la confianza";
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    cli_new(&store, "Joint coaching in Doña Ana", "2026-05-04", NOTE);
    let mut t = Tui::start(&store, &[], 120, 30);
    t.wait_for("Joint coaching in Doña Ana");
    t.key(Key::Enter);
    t.wait_for("Details");
    // Select the passage and code it as trust.
    t.send(b"\x1b[1;5H");
    let at = NOTE[..NOTE.find(PASSAGE).unwrap()].chars().count();
    for _ in 0..at {
        t.key(Key::Right);
    }
    for _ in 0..PASSAGE.chars().count() {
        t.key(Key::ShiftRight);
    }
    t.key(Key::Ctrl('t'));
    t.wait_for("Code “la niñez y la confianza”");
    t.type_text("trust");
    t.wait_for("Trust");
    t.key(Key::Enter);
    t.wait_for("Coded “la niñez y la confianza” as Trust");
    t.key(Key::Ctrl('s'));
    t.wait_for("Saved");

    // → drops any selection, so Esc leaves the note.
    t.key(Key::Right);
    t.key(Key::Esc);
    t.wait_gone("Details");
    open_search(&mut t);
    t.type_text("theme:trust niñez");
    t.wait_for("Coded passages (1)");
    let s = t.wait_for("“la niñez y la confianza”");
    assert!(s.contains("Test Coder"), "the coder is shown:\n{s}");
}
