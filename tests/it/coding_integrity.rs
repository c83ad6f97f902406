//! Coding data integrity, as users and shared stores meet it: a coder changes only their own
//! codings files, a passage is coded once per coder and theme, a typed quote finds the note's
//! typography, who you are does not filter what you list, and the quick keys keep their
//! meaning. The real binary, on stores in temporary folders (the TUI in a pseudo-terminal).

use crate::common::{cli_new, store_dir, Key, Tui};
use std::path::{Path, PathBuf};
use std::process::Command;

const NOTE: &str = "Joint coaching with CYFD and La Casa in Doña Ana county. 🙂\n\
The father said: “I don’t want CYFD in my home” — and meant it.\n\
The advocate said: we finally trust each other.\n\
The investigator said: we trust La Casa to call first.\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `ripple --store STORE ARGS…` with `RIPPLE_CODER=coder` (None: unset) and a private config
/// and index.
fn ripple(store: &Path, coder: Option<&str>, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ripple"));
    cmd.arg("--store")
        .arg(store)
        .args(args)
        .env("RIPPLE_CONFIG", store.with_extension("no-config.toml"))
        .env("RIPPLE_INDEX", store.parent().unwrap().join("index"))
        .env("NO_COLOR", "1")
        .env_remove("RIPPLE_CODER");
    if let Some(c) = coder {
        cmd.env("RIPPLE_CODER", c);
    }
    let out = cmd.output().expect("run ripple");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// `ripple code add` as `coder`; returns the new coding's id.
fn code_add(store: &Path, coder: &str, session: &str, theme: &str, quote: &str) -> String {
    let r = ripple(
        store,
        Some(coder),
        &["code", "add", session, theme, "--quote", quote],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout.trim().to_string()
}

/// The `ripple code list --json` rows as (coder, theme, start, end, quote).
fn listed(
    store: &Path,
    coder: Option<&str>,
    args: &[&str],
) -> Vec<(String, String, u64, u64, String)> {
    let mut all = vec!["code", "list"];
    all.extend_from_slice(args);
    all.push("--json");
    let r = ripple(store, coder, &all);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["coder"].as_str().unwrap().to_string(),
                c["theme"].as_str().unwrap().to_string(),
                c["start"].as_u64().unwrap(),
                c["end"].as_u64().unwrap(),
                c["quote"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn coder_file(store: &Path, slug: &str, session: &str) -> PathBuf {
    store
        .join("codings")
        .join(slug)
        .join(format!("{session}.json"))
}

fn session_path(store: &Path, session: &str) -> PathBuf {
    crate::common::session_file(store, session)
}

/// Edit the note outside Ripple: `heading` goes before its text, so every stored position is
/// stale. Returns the note text as it now is.
fn prepend_outside(store: &Path, session: &str, heading: &str) -> String {
    let path = session_path(store, session);
    let all = std::fs::read_to_string(&path).unwrap();
    let mut parts = all.splitn(3, "+++\n");
    let (a, b, body) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    std::fs::write(&path, format!("{a}+++\n{b}+++\n{heading}{body}")).unwrap();
    format!("{heading}{body}")
}

/// Code points before the first `words` in `text`.
fn at(text: &str, words: &str) -> u64 {
    text[..text.find(words).unwrap()].chars().count() as u64
}

#[test]
fn code_rm_removes_only_your_own_codings_unless_any_coder() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "Joint coaching", "2026-06-14", NOTE);
    let anas = code_add(
        &store,
        "Ana Peña",
        &id,
        "trust",
        "we finally trust each other",
    );
    let bens = code_add(&store, "Ben", &id, "roles", "to call first");

    // Ben cannot remove Ana's coding: the message names whose it is and the way out.
    let r = ripple(&store, Some("Ben"), &["code", "rm", &anas[18..]]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("is Ana Peña's"), "{}", r.stderr);
    assert!(r.stderr.contains("--any-coder"), "{}", r.stderr);
    assert_eq!(listed(&store, None, &[]).len(), 2, "nothing removed");
    // With no coder name given, who you are is the login name (or no one): refused too.
    let r = ripple(&store, Some(""), &["code", "rm", &anas[18..]]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("Ana Peña's"), "{}", r.stderr);

    // Ana removes her own (her name spelled as her folder is, too).
    let r = ripple(&store, Some("ana pena"), &["code", "rm", &anas[18..]]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!coder_file(&store, "ana-pena", &id).exists());

    // --any-coder removes another coder's coding, on purpose.
    let r = ripple(
        &store,
        Some("Ana Peña"),
        &["code", "rm", "--any-coder", &bens],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("removed coding"), "{}", r.stdout);
    assert!(listed(&store, None, &[]).is_empty());
}

#[test]
fn the_same_words_and_theme_are_coded_once_per_coder() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "Joint coaching", "2026-06-14", NOTE);
    let first = code_add(&store, "Ana", &id, "trust", "we finally trust each other");
    let r = ripple(
        &store,
        Some("Ana"),
        &[
            "code",
            "add",
            &id,
            "trust",
            "--quote",
            "We  finally trust each other",
        ],
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("already coded"), "{}", r.stderr);
    assert!(r.stderr.contains(&first), "names the coding: {}", r.stderr);
    // Another theme on the same words, or another coder, is a coding of its own.
    code_add(&store, "Ana", &id, "roles", "we finally trust each other");
    code_add(&store, "Ben", &id, "trust", "we finally trust each other");
    assert_eq!(listed(&store, None, &[]).len(), 3);
}

#[test]
fn a_typed_quote_finds_curly_apostrophes_and_an_ambiguous_one_lists_its_places() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "Joint coaching", "2026-06-14", NOTE);
    // Straight quotes and apostrophe, a hyphen for the dash, lowercase: the note's words.
    code_add(
        &store,
        "Ana",
        &id,
        "communication",
        "\"i don't want CYFD in my home\" - and",
    );
    let rows = listed(&store, None, &[]);
    let quote = "“I don’t want CYFD in my home” — and";
    assert_eq!(rows[0].4, quote);
    assert_eq!(rows[0].2, at(NOTE, quote));
    assert_eq!(rows[0].3 - rows[0].2, quote.chars().count() as u64);

    // "we trust" is on two lines (and inside no longer word): both places are listed.
    let r = ripple(
        &store,
        Some("Ana"),
        &["code", "add", &id, "trust", "--quote", "trust"],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("occurs 2 times"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("1: line 3: …said: we finally [trust] each other. The…"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("2: line 4: …investigator said: we [trust] La Casa to call first."),
        "{}",
        r.stderr
    );
    let r = ripple(
        &store,
        Some("Ana"),
        &[
            "code",
            "add",
            &id,
            "trust",
            "--quote",
            "TRUST",
            "--occurrence",
            "2",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = listed(&store, None, &["--theme", "trust"]);
    assert_eq!(rows[0].2, at(NOTE, "trust La Casa"));
}

#[test]
fn who_you_are_does_not_filter_code_list() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "Joint coaching", "2026-06-14", NOTE);
    code_add(&store, "a", &id, "trust", "we finally trust each other");
    code_add(&store, "b", &id, "roles", "to call first");
    let coders = |rows: Vec<(String, String, u64, u64, String)>| -> Vec<String> {
        rows.into_iter().map(|r| r.0).collect()
    };
    // RIPPLE_CODER says who I am, not what to list.
    assert_eq!(coders(listed(&store, Some("a"), &[])), ["a", "b"]);
    // Nor does the global --coder before the subcommand.
    let r = ripple(&store, Some("b"), &["--coder", "a", "code", "ls", "--json"]);
    assert_eq!(r.stdout.matches("\"coder\"").count(), 2, "{}", r.stdout);
    // --coder given to `list` itself filters.
    assert_eq!(coders(listed(&store, Some("b"), &["--coder", "a"])), ["a"]);
    assert_eq!(coders(listed(&store, None, &["--coder=b"])), ["b"]);
}

#[test]
fn coding_as_one_coder_leaves_other_coders_files_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "Joint coaching", "2026-06-14", NOTE);
    code_add(&store, "Ana", &id, "trust", "we finally trust each other");
    let ana = coder_file(&store, "ana", &id);
    let ana_before = std::fs::read_to_string(&ana).unwrap();
    let text = prepend_outside(&store, &id, "Added later by the facilitator.\n");

    // Ben codes the note: his file is written, Ana's stays exactly as she left it.
    code_add(&store, "Ben", &id, "roles", "to call first");
    assert_eq!(std::fs::read_to_string(&ana).unwrap(), ana_before);
    // Everyone reading sees Ana's passage where its words are now.
    let rows = listed(&store, Some("Ben"), &["--coder", "Ana"]);
    assert_eq!(rows[0].2, at(&text, "we finally trust each other"));
    // And her own next coding stores where her passages are now.
    code_add(&store, "Ana", &id, "roles", "CYFD and La Casa");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&ana).unwrap()).unwrap();
    let trust = v["codings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["theme"] == "trust")
        .unwrap();
    assert_eq!(
        trust["start"].as_u64(),
        Some(at(&text, "we finally trust each other"))
    );
}

#[test]
fn evidence_cites_a_passage_where_its_words_are_now() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "Joint coaching", "2026-06-14", NOTE);
    code_add(&store, "Ana", &id, "trust", "we finally trust each other");
    // The note changed since Ana coded it (by someone else: her file is not rewritten).
    let text = prepend_outside(&store, &id, "Present: 2 supervisors, 1 advocate.\n");
    let r = ripple(&store, Some("Ben"), &["reindex"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = ripple(
        &store,
        Some("Ben"),
        &["evidence", "--theme", "trust", "--format", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let items: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let item = &items.as_array().unwrap()[0];
    let start = at(&text, "we finally trust each other");
    assert_eq!(item["start"].as_u64(), Some(start));
    assert_eq!(item["quote"], "we finally trust each other");
    assert!(
        item["context_before"]
            .as_str()
            .unwrap()
            .ends_with("The advocate said:"),
        "{item}"
    );
}

fn open_note(t: &mut Tui, title: &str) {
    t.wait_for(title);
    t.key(Key::Enter);
    t.wait_for("Details");
    t.wait_for("Joint coaching with");
}

#[test]
fn opening_and_editing_a_note_leaves_another_coder_s_file_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "Case review", "2026-06-14", NOTE);
    code_add(
        &store,
        "Ana Peña",
        &id,
        "trust",
        "we finally trust each other",
    );
    // An outside edit leaves Ana's stored positions stale: opening the note re-attaches them.
    prepend_outside(&store, &id, "Heading.\n");
    let ana = coder_file(&store, "ana-pena", &id);
    let ana_before = std::fs::read_to_string(&ana).unwrap();

    // Test Coder opens the note, sees Ana's passage, types before it, saves and quits.
    let mut t = Tui::start(&store, &[], 120, 30);
    open_note(&mut t, "Case review");
    t.wait_until("Ana's passage in the margin", |s| {
        s.lines().any(|l| l.starts_with("trust"))
    });
    t.send(b"\x1b[1;5H"); // Ctrl-Home
    t.type_text("Nota: ");
    t.key(Key::Ctrl('s'));
    t.wait_saved();
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());

    assert_eq!(
        std::fs::read_to_string(&ana).unwrap(),
        ana_before,
        "Ana's file is written by Ana alone"
    );
    let text = std::fs::read_to_string(session_path(&store, &id)).unwrap();
    assert!(text.contains("Nota: Heading.\nJoint coaching"), "{text}");
    let body = text.splitn(3, "+++\n").nth(2).unwrap().to_string();
    // Her passage is still found on its words by everyone who reads it.
    let rows = listed(&store, Some("Ana Peña"), &[]);
    assert_eq!(rows[0].2, at(&body, "we finally trust each other"));
    assert_eq!(rows[0].4, "we finally trust each other");
}

/// The theme key the coding-mode hints give quick key `n`.
fn quick_key(screen: &str, n: usize) -> Option<String> {
    let line = screen.lines().find(|l| l.starts_with(" CODING "))?;
    let mark = format!(" {n} ");
    let rest = &line[line.find(&mark)? + mark.len()..];
    Some(rest.split_whitespace().next()?.to_string())
}

#[test]
fn quick_keys_mean_what_the_screen_shows_while_coding() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "Leadership meeting", "2026-06-14", NOTE);
    let mut t = Tui::start(&store, &[], 200, 30);
    open_note(&mut t, "Leadership meeting");
    t.send(b"\x1bOQ"); // F2
    let screen = t.wait_for(" CODING ");
    let third = quick_key(&screen, 3).unwrap_or_else(|| panic!("key 3 is shown: {screen}"));
    // Code the first sentence with 3: its theme is now the most used one.
    t.key(Key::Char('s'));
    t.key(Key::Char('3'));
    t.wait_for("Coded “Joint coaching with");
    // The next sentences with 3 again: the same theme, and the screen still says so.
    for _ in 0..2 {
        t.key(Key::Esc);
        t.key(Key::Char('j'));
        t.key(Key::Char('s'));
        t.key(Key::Char('3'));
    }
    let margin = format!("{third}│");
    let screen = t.wait_until("three lines coded with key 3's theme", |s| {
        s.lines().filter(|l| l.starts_with(&margin)).count() == 3
    });
    assert_eq!(
        quick_key(&screen, 3).as_deref(),
        Some(third.as_str()),
        "{screen}"
    );
    t.send(b"\x1bOQ");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
    let v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(coder_file(&store, "test-coder", &id)).unwrap(),
    )
    .unwrap();
    let themes: Vec<&str> = v["codings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["theme"].as_str().unwrap())
        .collect();
    assert_eq!(themes, [third.as_str(); 3]);
}

/// Names that differ only in punctuation map to one folder (`a/b` and `a-b` to `codings/a-b/`);
/// they are still two coders: the second is refused the first one's file, neither adding to it
/// nor removing from it, and the first one's file is left as it was.
#[test]
fn two_names_sharing_a_coder_folder_never_share_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_dir(&dir);
    let id = cli_new(&store, "Shared folder", "2026-06-14", NOTE);
    let theirs = code_add(&store, "a/b", &id, "trust", "we finally trust each other");
    let file = std::fs::read_dir(store.join("codings/a-b"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let before = std::fs::read(&file).unwrap();

    let add = ripple(
        &store,
        Some("a-b"),
        &[
            "code",
            "add",
            &id,
            "roles",
            "--quote",
            "the investigator said",
        ],
    );
    assert_ne!(add.code, 0, "{}", add.stdout);
    assert!(add.stderr.contains("`a/b`"), "{}", add.stderr);
    let rm = ripple(&store, Some("a-b"), &["code", "rm", &theirs[..8]]);
    assert_ne!(rm.code, 0, "{}", rm.stdout);
    assert!(rm.stderr.contains("a/b"), "{}", rm.stderr);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "a/b's file is untouched"
    );

    // Case and accents alone still name one coder.
    code_add(&store, "A/B", &id, "roles", "the investigator said");
}

#[test]
fn occurrence_zero_is_refused_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_dir(&dir);
    let id = cli_new(&store, "Occurrence", "2026-06-14", NOTE);
    let r = ripple(
        &store,
        Some("Ana"),
        &[
            "code",
            "add",
            &id,
            "trust",
            "--quote",
            "trust",
            "--occurrence",
            "0",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("counts from 1"), "{}", r.stderr);
}
