//! Fuzzing with proptest: the query parser and the files Ripple reads from disk (session
//! notes, the codebook, coders' codings files), fed arbitrary text and valid files mutated
//! piece by piece. Whatever the input, nothing panics, and input that is refused is refused
//! with an error that points into it: a query's column, a file's line.
//!
//! What is accepted is then used the way Ripple uses it: a query is searched (both kinds of
//! results, with facets) on the demo store's index; a codebook is edited in place and must read
//! back as the edited codebook; a codings file is laid over a note (re-attached, opened as a
//! document). Those must not panic either.
//!
//! Sized to run in seconds within `cargo test`. A larger run sets the number of inputs per
//! target (docs/reliability.md):
//!
//! ```text
//! PROPTEST_CASES=20000 cargo test --release --test it fuzz::
//! ```

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use ripple::core::anchor::reattach_all;
use ripple::core::codebook::{Codebook, Theme};
use ripple::core::coding_store;
use ripple::core::document::NoteDocument;
use ripple::core::index::{HitKind, IndexError, SearchIndex};
use ripple::core::index_sync::load_items as load_index_items;
use ripple::core::query;
use ripple::core::session_file::{parse_session_file, to_file_string};
use ripple::core::store::Store;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Inputs per target: `PROPTEST_CASES` when set, else `cases`.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// The demo store (its files are the valid inputs that get mutated) and its search index.
struct Demo {
    _dir: tempfile::TempDir,
    index: SearchIndex,
    session_text: String,
    codings_name: String,
    codings_json: String,
    /// The note the codings file is about.
    codings_note: String,
}

fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("store");
        ripple::core::demo::write_demo_store(&root).unwrap();
        let store = Store::open(&root).unwrap();
        let (items, warnings) = load_index_items(&store);
        assert!(warnings.is_empty(), "{warnings:?}");
        let codebook = Codebook::load_or_builtin(&store.codebook_path()).unwrap();
        let (mut index, _) = SearchIndex::open(&dir.path().join("index")).unwrap();
        let n = items.len();
        index.rebuild(items, n, &codebook, &mut |_, _| {}).unwrap();
        let first_file = |dir: PathBuf| {
            let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect();
            v.sort();
            v.remove(0)
        };
        let session_text = std::fs::read_to_string(first_file(root.join("sessions"))).unwrap();
        let coder_dir = std::fs::read_dir(root.join("codings"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.is_dir())
            .unwrap();
        let codings = first_file(coder_dir);
        let stem = codings.file_stem().unwrap().to_str().unwrap();
        let note = std::fs::read_to_string(crate::common::session_file(&root, stem));
        let codings_note = parse_session_file(&note.unwrap()).unwrap().text;
        Demo {
            codings_note,
            codings_name: codings.file_name().unwrap().to_str().unwrap().to_string(),
            codings_json: std::fs::read_to_string(&codings).unwrap(),
            _dir: dir,
            index,
            session_text,
        }
    })
}

/// Pieces any text may be built from or mutated with: Unicode of every width, combining
/// marks, controls, quotes, brackets, line ends of every kind.
const COMMON: &[&str] = &[
    "a",
    "trust",
    "Doña",
    "n\u{303}",
    "ñ",
    "🙂",
    "👩‍👩‍👧",
    "我们",
    "\u{feff}",
    "\u{200b}",
    "\0",
    "\u{7f}",
    " ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\"",
    "'",
    "\\",
    "#",
    "=",
    ",",
    ".",
    ":",
    "-",
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    "0",
    "-1",
    "1e400",
    "18446744073709551616",
    "\u{10ffff}",
    "’",
    "«",
];

/// One change to a text, at a position given as a fraction of its length.
#[derive(Clone, Debug)]
enum Mutation {
    Insert(u16, &'static str),
    Delete(u16, u8),
    Replace(u16, u8, &'static str),
    DuplicateLine(u16),
    DeleteLine(u16),
    SwapLines(u16, u16),
}

fn mutation(pieces: &'static [&'static str]) -> impl Strategy<Value = Mutation> {
    let piece = || prop::sample::select(pieces).prop_union(prop::sample::select(COMMON));
    prop_oneof![
        3 => (any::<u16>(), piece()).prop_map(|(at, p)| Mutation::Insert(at, p)),
        2 => (any::<u16>(), 1u8..12).prop_map(|(at, n)| Mutation::Delete(at, n)),
        3 => (any::<u16>(), 1u8..6, piece()).prop_map(|(at, n, p)| Mutation::Replace(at, n, p)),
        1 => any::<u16>().prop_map(Mutation::DuplicateLine),
        1 => any::<u16>().prop_map(Mutation::DeleteLine),
        1 => (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

fn at(frac: u16, len: usize) -> usize {
    (frac as usize * (len + 1)) >> 16
}

/// `base` changed by each mutation in turn (positions in code points, so the text stays text).
fn mutate(base: &str, mutations: &[Mutation]) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    for m in mutations {
        match *m {
            Mutation::Insert(f, p) => {
                let i = at(f, chars.len());
                chars.splice(i..i, p.chars());
            }
            Mutation::Delete(f, n) => {
                let i = at(f, chars.len());
                let end = (i + n as usize).min(chars.len());
                chars.drain(i..end);
            }
            Mutation::Replace(f, n, p) => {
                let i = at(f, chars.len());
                let end = (i + n as usize).min(chars.len());
                chars.splice(i..end, p.chars());
            }
            Mutation::DuplicateLine(f) | Mutation::DeleteLine(f) | Mutation::SwapLines(f, _) => {
                let text: String = chars.iter().collect();
                let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
                if lines.is_empty() {
                    continue;
                }
                let i = at(f, lines.len() - 1);
                match *m {
                    Mutation::DuplicateLine(_) => lines.insert(i, lines[i]),
                    Mutation::DeleteLine(_) => {
                        lines.remove(i);
                    }
                    Mutation::SwapLines(_, g) => {
                        let j = at(g, lines.len() - 1);
                        lines.swap(i, j);
                    }
                    _ => unreachable!(),
                }
                chars = lines.concat().chars().collect();
            }
        }
    }
    chars.into_iter().collect()
}

/// A mutated copy of `base` (up to `max` mutations), or arbitrary Unicode text.
fn input(
    base: &'static str,
    pieces: &'static [&'static str],
    max: usize,
) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(mutation(pieces), 1..max)
            .prop_map(move |ms| mutate(base, &ms)),
        1 => any::<String>(),
        1 => prop::collection::vec(
            prop::sample::select(pieces).prop_union(prop::sample::select(COMMON)),
            0..60
        )
        .prop_map(|v| v.concat()),
    ]
}

/// Lines in `text` as the readers count them (a line is ended by `\n`).
fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

// ---- queries -----------------------------------------------------------------------------

const QUERY_PIECES: &[&str] = &[
    "trust",
    "agencies",
    "niñez",
    "safety-plan",
    " ",
    " ",
    " ",
    "(",
    ")",
    "NOT ",
    " OR ",
    " AND ",
    "-",
    "+",
    "\"",
    "*",
    "~",
    "~1",
    "~2",
    "~9",
    "~99999999999999999999",
    "theme:",
    "theme:trust",
    "theme:collaboration",
    "theme:nope",
    "type:",
    "type:coaching",
    "type:x",
    "date:",
    "date:2026-06-14",
    "date:2026-06..2026-07",
    "date:..2025",
    "date:2026-02-30",
    "date:99999-01-01",
    "date:2026-13",
    "..",
    "title:",
    "memo:",
    "agency:",
    "county:",
    "facilitator:",
    "coder:",
    "tag:",
    "unknown:",
];

fn query_input() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(
            prop::sample::select(QUERY_PIECES).prop_union(prop::sample::select(COMMON)),
            0..40
        )
        .prop_map(|v| v.concat()),
        1 => any::<String>(),
        // Nesting around and past the cap.
        1 => (0usize..200, prop::sample::select(&["(", "NOT ", "-", "(a OR NOT "][..]))
            .prop_map(|(n, open)| {
                let close = if open.starts_with('(') { ")" } else { "" };
                format!("{}trust{}", open.repeat(n), close.repeat(n))
            }),
    ]
}

fn check_query_error(q: &str, e: &query::QueryError) -> Result<(), TestCaseError> {
    let n = q.chars().count();
    prop_assert!(!e.message.is_empty(), "{q:?}: an error without a message");
    prop_assert!(
        e.start <= n && e.start < e.end,
        "{q:?}: `{}` at columns {}..{} of {n}",
        e.message,
        e.start,
        e.end
    );
    Ok(())
}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn any_query_is_searched_or_refused_at_a_column(q in query_input()) {
        let demo = demo();
        match query::parse(&q) {
            Err(e) => check_query_error(&q, &e)?,
            Ok(parsed) => {
                for kind in [HitKind::Passages, HitKind::Sessions] {
                    match demo.index.search_page(&parsed, kind, 20, 0, true) {
                        Ok(_) => {}
                        // An unknown theme is found when translating, still with its column.
                        Err(IndexError::Query(e)) => check_query_error(&q, &e)?,
                        Err(e) => prop_assert!(false, "{q:?}: {e}"),
                    }
                }
            }
        }
        // What the search box does while typing: every error, and a query from the rest.
        let (rest, errors) = query::parse_lenient(&q);
        for e in &errors {
            check_query_error(&q, e)?;
        }
        match demo.index.search_page(&rest, HitKind::Passages, 20, 0, false) {
            Ok(_) | Err(IndexError::Query(_)) => {}
            Err(e) => prop_assert!(false, "{q:?}: {e}"),
        }
    }
}

/// Found by fuzzing: excluding a phrase that matches no note (its words occur, never in that
/// order) panicked inside tantivy's phrase scorer, in the TUI's search thread too.
#[test]
fn an_excluded_phrase_or_prefix_is_searched_and_counts_add_up() {
    let demo = demo();
    let total = |q: &str, kind| {
        let parsed = query::parse(q).unwrap();
        demo.index
            .search_page(&parsed, kind, 20, 0, true)
            .unwrap()
            .total
    };
    for kind in [HitKind::Passages, HitKind::Sessions] {
        for (with, without) in [
            ("trust \"doña doña\"", "trust NOT \"doña doña\""),
            ("trust Doña🙂Doña", "trust -Doña🙂Doña"),
            ("trust \"la casa\"", "trust NOT \"la casa\""),
            ("trust casa*", "trust -casa*"),
            (
                "trust (\"doña doña\" OR \"la casa\")",
                "trust NOT (\"doña doña\" OR \"la casa\")",
            ),
        ] {
            assert_eq!(
                total(with, kind) + total(without, kind),
                total("trust", kind),
                "{with} / {without} ({kind:?})"
            );
        }
        assert_eq!(total("trust \"doña doña\"", kind), 0);
    }
}

// ---- session files -----------------------------------------------------------------------

const SESSION_PIECES: &[&str] = &[
    "+++",
    "+++\n",
    "\n+++\n",
    "id = ",
    "title = ",
    "date = ",
    "type = ",
    "tags = []",
    "agencies = [\"CYFD\", 1]",
    "[[participants]]\nrole = \"x\"\ncount = ",
    "count = -1",
    "1979-05-27T07:32:00Z",
    "2026-06-14",
    "2026-02-30",
    "9999-12-31T23:59:59+99:00",
    "01arz3ndektsv4rrffq69g5fav",
    "\"\"\"",
    "'''",
    "\\u{D800}",
    "\\uD800",
    "\\U0010FFFF",
    "\\U00110000",
    "inf",
    "nan",
    "true",
    "x.y.z = 1",
];

fn session_base() -> &'static str {
    static BASE: OnceLock<&'static str> = OnceLock::new();
    BASE.get_or_init(|| leak(demo().session_text.clone()))
}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn any_session_file_is_read_or_refused_at_a_line(
        text in input(session_base(), SESSION_PIECES, 8)
    ) {
        match parse_session_file(&text) {
            Err(e) => {
                let lines = line_count(&text.replace("\r\n", "\n").replace('\r', "\n"));
                prop_assert!(!e.message.is_empty());
                prop_assert!(
                    (1..=lines).contains(&e.line),
                    "line {} of {lines}: {}\n{text}",
                    e.line,
                    e.message
                );
            }
            // What is read is written back and reads the same: a save loses nothing.
            Ok(session) => {
                let again = parse_session_file(&to_file_string(&session));
                prop_assert_eq!(again, Ok(session));
            }
        }
    }
}

// ---- codebook files ----------------------------------------------------------------------

const CODEBOOK: &str = include_str!("../../codebook/default.toml");

const CODEBOOK_PIECES: &[&str] = &[
    "[[theme]]\n",
    "[theme]\n",
    "[[theme.x]]\n",
    "theme = [{ key = \"a\", name = \"A\", colour = \"#000000\" }]\n",
    "key = ",
    "name = ",
    "colour = ",
    "parent = ",
    "parent = \"trust\"\n",
    "parent = \"collaboration\"\n",
    "color = \"#fff\"\n",
    "definition = ",
    "\"#1F8FD6\"",
    "\"trust\"",
    "\"\"\"",
    "'''",
    "# a comment\n",
    "\n\n",
    "\\u00e9",
    "\\uD800",
    "{",
    "x.y = 1\n",
];

/// An edit made in the codebook screen, on the theme at a fraction of the list.
#[derive(Clone, Debug)]
enum Edit {
    Rename(u16, &'static str),
    Add(u16, &'static str),
    Delete(u16),
    MoveUnder(u16, Option<u16>),
}

fn edit() -> impl Strategy<Value = Edit> {
    let name = prop::sample::select(&["Confianza 🙂", "it's \"x\"", "a\nb", "'", "#1", ""][..]);
    let key = prop::sample::select(&["housing", "x1", "trust", "Bad Key"][..]);
    prop_oneof![
        (any::<u16>(), name).prop_map(|(i, n)| Edit::Rename(i, n)),
        (any::<u16>(), key).prop_map(|(i, k)| Edit::Add(i, k)),
        any::<u16>().prop_map(Edit::Delete),
        (any::<u16>(), prop::option::of(any::<u16>())).prop_map(|(i, p)| Edit::MoveUnder(i, p)),
    ]
}

/// Apply the edit as the codebook screen does; `false` when the codebook refuses it.
fn apply(book: &mut Codebook, e: &Edit) -> bool {
    if book.themes.is_empty() {
        return false;
    }
    let key_at = |b: &Codebook, f: u16| b.themes[at(f, b.themes.len() - 1)].key.clone();
    let k = key_at(
        book,
        match *e {
            Edit::Rename(i, _) | Edit::Add(i, _) | Edit::Delete(i) | Edit::MoveUnder(i, _) => i,
        },
    );
    match *e {
        Edit::Rename(_, name) => book.rename(&k, name).is_ok(),
        Edit::Add(_, key) => {
            let mut t = Theme::new(key, "New", &book.suggest_colour());
            t.parent = book
                .themes
                .iter()
                .find(|t| t.key == k)
                .unwrap()
                .parent
                .clone();
            book.add(t).is_ok()
        }
        Edit::Delete(_) => book.delete(&k, None, 0).is_ok(),
        Edit::MoveUnder(_, p) => {
            let parent = p.map(|p| key_at(book, p));
            book.move_under(&k, parent.as_deref()).is_ok()
        }
    }
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn any_codebook_file_is_read_or_refused_at_a_line_and_edits_keep_it_readable(
        text in input(CODEBOOK, CODEBOOK_PIECES, 8),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let lines = line_count(&text);
        match Codebook::parse_report(&text) {
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in &errors {
                    prop_assert!(!e.message.is_empty());
                    prop_assert!(
                        e.line.is_some_and(|l| (1..=lines).contains(&l)),
                        "{e} (of {lines} lines)\n{text}"
                    );
                }
            }
            Ok(book) => {
                let mut edited = book.clone();
                let mut changed = false;
                for e in &edits {
                    changed |= apply(&mut edited, e);
                }
                // Nothing changed: the file is kept byte for byte.
                if !changed {
                    prop_assert_eq!(book.edit_toml(&text).unwrap(), text.clone());
                }
                // Edited in place, the file reads back as the edited codebook.
                let out = edited.edit_toml(&text);
                prop_assert!(out.is_ok(), "{:?}\n{text}", out);
                let out = out.unwrap();
                let back = Codebook::parse(&out);
                prop_assert_eq!(back, Ok(edited), "{}", out);
            }
        }
    }
}

// ---- codings files -----------------------------------------------------------------------

const CODINGS_PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "true",
    "0",
    "-1",
    "4294967296",
    "18446744073709551615",
    "1.5",
    "\"start\": ",
    "\"end\": ",
    "\"quote\": ",
    "\"session\": ",
    "\"status\": \"orphaned\"",
    "\"status\": \"lost\"",
    "\"01arz3ndektsv4rrffq69g5fav\"",
    "\"2026-13-01T00:00:00Z\"",
    "\\u0000",
    "\\ud800",
    "\\uD83D\\uDE42",
    "\"../x\"",
];

fn codings_base() -> &'static str {
    static BASE: OnceLock<&'static str> = OnceLock::new();
    BASE.get_or_init(|| leak(demo().codings_json.clone()))
}

fn codings_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        5 => input(codings_base(), CODINGS_PIECES, 8).prop_map(String::into_bytes),
        1 => prop::collection::vec(any::<u8>(), 0..300),
    ]
}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn any_codings_file_is_read_or_refused_at_a_line_and_laid_over_its_note(
        bytes in codings_bytes()
    ) {
        let demo = demo();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(&demo.codings_name);
        std::fs::write(&path, &bytes).unwrap();
        match coding_store::read_file(&path) {
            Err(e) => {
                let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
                prop_assert!(!e.message.is_empty());
                prop_assert!(
                    e.line.is_some_and(|l| (1..=lines).contains(&l)),
                    "{e} (of {lines} lines)\n{}",
                    String::from_utf8_lossy(&bytes)
                );
            }
            Ok(file) => {
                // Opening the note: the codings re-attached to it and the document built.
                let text = &demo.codings_note;
                let mut codings = file.codings.clone();
                reattach_all(text, &mut codings);
                let doc = NoteDocument::from_files(text, vec![file]);
                let n = text.chars().count();
                for pos in [0, n / 2, n] {
                    let _ = doc.codings_at(pos);
                }
            }
        }
    }
}
