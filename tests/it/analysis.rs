//! Analysis (`ripple matrix`, `cooccur`, `terms`, `kwic`, `keywords`, and the core beneath
//! them) over a small store written by hand: the expected numbers are derived in comments, and
//! every matrix cell's query, run through search, finds exactly the cell's codings.

use chrono::{NaiveDate, TimeZone, Utc};
use ripple::core::analysis::{
    cooccurrence, matrix, CooccurSpec, Corpus, Dimension, Level, MatrixSpec, Scope, Value,
};
use ripple::core::coding::{AnchorStatus, CoderSessionFile, Coding, CodingId};
use ripple::core::coding_store;
use ripple::core::index::HitKind;
use ripple::core::query::parse;
use ripple::core::session::{SessionId, SessionMeta, SessionType};
use ripple::core::store::Store;
use ripple::core::workspace::index::IndexWorkspace;
use ripple::core::workspace::Workspace;
use serde_json::{json, Value as Json};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const A: &str = "We trust each other now. Communication is better than before.";
pub const B: &str = "Trust grew between us. The partnership is new and fragile.";
pub const C: &str = "Adversarial and fractured meetings. Communication failed again.";
pub const D: &str = "Partnership with the parent who chose violence. We trust the process.";

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("store")
    }
    pub fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }
    pub fn ripple(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_ripple"))
            .args(args)
            .env("RIPPLE_STORE", self.root())
            .env("RIPPLE_INDEX", self.index())
            .env("RIPPLE_CONFIG", self.dir.path().join("config.toml"))
            .env("RIPPLE_CODER", "Ana")
            .env_remove("RIPPLE_BLIND")
            .output()
            .expect("run ripple")
    }
    pub fn stdout(&self, args: &[&str]) -> String {
        let out = self.ripple(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

// Each session's fields in one call keep the table below readable.
#[allow(clippy::too_many_arguments)]
fn meta(
    id: &str,
    date: &str,
    agencies: &[&str],
    ty: SessionType,
    county: &str,
    facilitator: &str,
    tags: &[&str],
) -> SessionMeta {
    let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    SessionMeta {
        id: SessionId(sid(id)),
        title: format!("Session {id}"),
        date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        agencies: agencies.iter().map(|s| s.to_string()).collect(),
        session_type: ty,
        county: county.into(),
        facilitator: facilitator.into(),
        participants: Vec::new(),
        tags: tags.iter().map(|s| s.to_string()).collect(),
        created: t,
        updated: t,
    }
}

fn coding(session: &str, text: &str, quote: &str, theme: &str, coder: &str, memo: &str) -> Coding {
    let b = text.find(quote).unwrap();
    let start = text[..b].chars().count();
    let t = Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap();
    Coding {
        id: CodingId::new(),
        session: SessionId(sid(session)),
        theme: theme.into(),
        coder: coder.into(),
        start,
        end: start + quote.chars().count(),
        quote: quote.into(),
        before: String::new(),
        after: String::new(),
        memo: memo.into(),
        status: AnchorStatus::Attached,
        created: t,
        updated: t,
    }
}

fn save(root: &Path, coder: &str, session: &str, codings: Vec<Coding>) {
    coding_store::save(
        root,
        &CoderSessionFile {
            session: SessionId(sid(session)),
            coder: coder.into(),
            memo: String::new(),
            codings,
        },
    )
    .unwrap();
}

/// Four sessions, two coders (the project started 15 December 2025):
///
/// | id | date       | agencies          | type           | county   | facilitator | tags           |
/// | a  | 2026-01-10 | CYFD              | coaching       | Doña Ana | M. Rivera   | fathers        |
/// | b  | 2026-01-20 | CYFD, La Casa     | joint coaching | Otero    | J. Chen     | fathers courts |
/// | c  | 2026-03-05 | La Casa           | coaching       |          | M. Rivera   |                |
/// | d  | 2026-03-28 | La Casa Nueva     | training       | Otero    | J. Chen     | courts         |
///
/// Ana: a trust "We trust each other now." · a communication "Communication is better than
/// before." · b trust "Trust grew between us." · c communication "Communication failed
/// again." · d naming-choice "the parent who chose violence" · d trust "We trust the process."
/// Ben: a trust "We trust each other now." (Ana's span) · a communication "trust" (inside it) ·
/// b roles "The partnership is new and fragile." · d trust "Partnership with the parent who
/// chose violence." (around Ana's naming-choice).
pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    {
        Store::open(&root).unwrap();
    }
    std::fs::write(
        root.join("ripple.toml"),
        "format = 1\nname = \"t\"\nproject_start = 2025-12-15\n",
    )
    .unwrap();
    let store = Store::open(&root).unwrap();
    let sessions = [
        (
            meta(
                "a",
                "2026-01-10",
                &["CYFD"],
                SessionType::Coaching,
                "Doña Ana",
                "M. Rivera",
                &["fathers"],
            ),
            A,
        ),
        (
            meta(
                "b",
                "2026-01-20",
                &["CYFD", "La Casa"],
                SessionType::JointCoaching,
                "Otero",
                "J. Chen",
                &["fathers", "courts"],
            ),
            B,
        ),
        (
            meta(
                "c",
                "2026-03-05",
                &["La Casa"],
                SessionType::Coaching,
                "",
                "M. Rivera",
                &[],
            ),
            C,
        ),
        (
            meta(
                "d",
                "2026-03-28",
                &["La Casa Nueva"],
                SessionType::Training,
                "Otero",
                "J. Chen",
                &["courts"],
            ),
            D,
        ),
    ];
    for (m, text) in sessions {
        store.create(m, text).unwrap();
    }
    save(
        &root,
        "Ana",
        "a",
        vec![
            coding(
                "a",
                A,
                "We trust each other now.",
                "trust",
                "Ana",
                "first sign of trust",
            ),
            coding(
                "a",
                A,
                "Communication is better than before.",
                "communication",
                "Ana",
                "",
            ),
        ],
    );
    save(
        &root,
        "Ana",
        "b",
        vec![coding("b", B, "Trust grew between us.", "trust", "Ana", "")],
    );
    save(
        &root,
        "Ana",
        "c",
        vec![coding(
            "c",
            C,
            "Communication failed again.",
            "communication",
            "Ana",
            "",
        )],
    );
    save(
        &root,
        "Ana",
        "d",
        vec![
            coding(
                "d",
                D,
                "the parent who chose violence",
                "naming-choice",
                "Ana",
                "",
            ),
            coding("d", D, "We trust the process.", "trust", "Ana", ""),
        ],
    );
    save(
        &root,
        "Ben",
        "a",
        vec![
            coding(
                "a",
                A,
                "We trust each other now.",
                "trust",
                "Ben",
                "agree: trust",
            ),
            coding("a", A, "trust", "communication", "Ben", ""),
        ],
    );
    save(
        &root,
        "Ben",
        "b",
        vec![coding(
            "b",
            B,
            "The partnership is new and fragile.",
            "roles",
            "Ben",
            "",
        )],
    );
    save(
        &root,
        "Ben",
        "d",
        vec![coding(
            "d",
            D,
            "Partnership with the parent who chose violence.",
            "trust",
            "Ben",
            "",
        )],
    );
    Fixture { dir }
}

/// A session id as the store wants it (26 lowercase letters and digits) from a short name.
pub fn sid(name: &str) -> String {
    format!("{name:0>26}")
}

fn keys(v: &Json) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

#[test]
fn matrix_json_has_the_documented_shape_and_the_hand_counted_numbers() {
    let f = fixture();
    let v: Json = serde_json::from_str(&f.stdout(&["matrix", "--format", "json"])).unwrap();
    assert_eq!(keys(&v), ["cells", "cols", "level", "rows", "value"]);
    assert_eq!(v["value"], "passages");
    assert_eq!(v["level"], "passage");
    assert_eq!(v["cols"], json!(["2026-01", "2026-02", "2026-03"]));
    let rows: Vec<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(
        &rows[..4],
        ["collaboration", "trust", "communication", "roles"]
    );
    let row = |k: &str| v["cells"][rows.iter().position(|r| *r == k).unwrap()].clone();
    // trust: January a (Ana and Ben: one span) + b = 2; March d's two spans = 2.
    assert_eq!(row("trust"), json!([2.0, 0.0, 2.0]));
    // communication: January a's two spans (Ana's, Ben's "trust") = 2; March c = 1.
    assert_eq!(row("communication"), json!([2.0, 0.0, 1.0]));
    // collaboration: January a 3 spans + b 2 = 5; March c 1 + d 2 = 3.
    assert_eq!(row("collaboration"), json!([5.0, 0.0, 3.0]));
    assert_eq!(row("shared-language"), json!([0.0, 0.0, 1.0]));

    // Codings by agency: a joint session under both; "La Casa Nueva" is not "La Casa".
    let v: Json = serde_json::from_str(&f.stdout(&[
        "matrix", "--cols", "agency", "--value", "codings", "--format", "json",
    ]))
    .unwrap();
    assert_eq!(v["cols"], json!(["CYFD", "La Casa", "La Casa Nueva"]));
    assert_eq!(v["level"], "passage");
    // trust codings: CYFD a (Ana, Ben) + b (Ana) = 3; La Casa b = 1; La Casa Nueva d (Ana, Ben) = 2.
    assert_eq!(v["cells"][1], json!([3.0, 1.0, 2.0]));

    // Project months: the project started in December 2025, so January is month 2.
    let v: Json = serde_json::from_str(&f.stdout(&[
        "matrix",
        "--cols",
        "project-month",
        "--value",
        "share",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(v["cols"], json!(["2", "3", "4"]));
    assert_eq!(v["level"], "session");
    // Share of sessions with trust: January a and b of 2 = 1; March d of c, d = 0.5.
    assert_eq!(v["cells"][1], json!([1.0, 0.0, 0.5]));
}

#[test]
fn matrix_table_csv_and_markdown_say_what_they_count() {
    let f = fixture();
    let t = f.stdout(&["matrix", "--query", "agency:cyfd"]);
    assert!(
        t.starts_with("Themes by month: passages (distinct coded spans"),
        "{t}"
    );
    assert!(t.contains("query: agency:cyfd"), "{t}");
    // a and b: trust 2 in January.
    let trust = t
        .lines()
        .find(|l| l.trim_start().starts_with("Trust"))
        .unwrap();
    assert_eq!(trust.split_whitespace().nth(1), Some("2"), "{t}");
    let csv = f.stdout(&["matrix", "--flat", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("theme,2026-01,2026-02,2026-03,total"));
    // Flat: collaboration has no passages of its own.
    assert_eq!(lines.next(), Some("collaboration,0,0,0,0"));
    assert_eq!(lines.next(), Some("trust,2,0,2,4"));
    let md = f.stdout(&["matrix", "--cols", "joint", "--format", "md"]);
    assert!(md.contains("| THEME | single | joint | TOTAL |"), "{md}");
    assert!(md.contains("| — Trust | 3 | 1 | 4 |"), "{md}");
}

/// Two coders code one sentence with the same two themes at slightly different bounds: every
/// trust passage overlaps every communication passage, 4 pairs of 2 + 2 passages, so
/// n12 / (n1 + n2 − n12) has no value. It is shown as such, never as 0 (which would read as
/// "never together" for the strongest pair of the table).
#[test]
fn a_c_coefficient_without_a_value_is_shown_as_such_never_as_zero() {
    let dir = tempfile::tempdir().unwrap();
    let f = Fixture { dir };
    let note = "We trust La Casa. Doña Ana 👩‍👧 我们的合作.";
    let id = crate::common::cli_new(&f.root(), "c", "2026-06-01", note);
    for (coder, quote, theme) in [
        ("Ana", "trust La Casa", "trust"),
        ("Ana", "We trust La", "communication"),
        ("Ben", "We trust La Casa", "trust"),
        ("Ben", "trust La", "communication"),
    ] {
        f.stdout(&[
            "code", "add", "--coder", coder, "--quote", quote, &id, theme,
        ]);
    }
    let t = f.stdout(&["cooccur"]);
    let row = t
        .lines()
        .find(|l| l.trim_start().starts_with("Trust"))
        .unwrap_or_else(|| panic!("{t}"));
    assert!(row.contains("4 (—)"), "{t}");
    assert!(!t.contains("(0.00)"), "{t}");
    // The same coder: one pair each, 2 / (2 + 2 − 2) = 1.
    let t = f.stdout(&["cooccur", "--same-coder"]);
    assert!(t.contains("2 (1.00)"), "{t}");
}

#[test]
fn cooccur_json_and_the_c_coefficient() {
    let f = fixture();
    let v: Json = serde_json::from_str(&f.stdout(&["cooccur", "--format", "json"])).unwrap();
    assert_eq!(keys(&v), ["cells", "cols", "level", "rows", "value"]);
    assert_eq!(
        (v["value"].as_str(), v["level"].as_str()),
        (Some("passages"), Some("passage"))
    );
    let rows: Vec<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    let ix = |k: &str| rows.iter().position(|r| *r == k).unwrap();
    let cell = |a: &str, b: &str| v["cells"][ix(a)][ix(b)].as_u64().unwrap();
    // Passages: trust a, b, d ×2 = 4; communication a ×2, c = 3. Overlaps: a's trust span with
    // Ben's "trust" (communication) = 1; d's Ben trust with Ana's naming-choice = 1.
    assert_eq!(
        (
            cell("trust", "trust"),
            cell("communication", "communication")
        ),
        (4, 3)
    );
    assert_eq!(
        (
            cell("trust", "communication"),
            cell("communication", "trust")
        ),
        (1, 1)
    );
    assert_eq!(cell("trust", "naming-choice"), 1);
    // Same coder: Ben's a trust and "trust" overlap (1); Ana's naming-choice lies inside
    // Ben's d trust passage, another coder (0).
    let v: Json =
        serde_json::from_str(&f.stdout(&["cooccur", "--same-coder", "--format", "json"])).unwrap();
    assert_eq!(v["cells"][ix("trust")][ix("communication")], 1);
    assert_eq!(v["cells"][ix("trust")][ix("naming-choice")], 0);
    // Table: count and c = 1 / (4 + 3 − 1) = 0.17.
    let t = f.stdout(&["cooccur"]);
    assert!(t.contains("1 (0.17)"), "{t}");
    // Sessions: trust a, b, d; communication a, c; both a: c = 1 / (3 + 2 − 1).
    let v: Json =
        serde_json::from_str(&f.stdout(&["cooccur", "--level", "session", "--format", "json"]))
            .unwrap();
    assert_eq!(
        (v["value"].as_str(), v["level"].as_str()),
        (Some("sessions"), Some("session"))
    );
    assert_eq!(v["cells"][ix("trust")][ix("communication")], 1);
    assert_eq!(v["cells"][ix("trust")][ix("trust")], 3);
}

#[test]
fn terms_kwic_and_keywords_from_the_command_line() {
    let f = fixture();
    // "trust": a "trust", b "Trust", d "trust" = January 2, March 1; "partnership": b, d.
    let v: Json =
        serde_json::from_str(&f.stdout(&["terms", "trust", "partnership", "--format", "json"]))
            .unwrap();
    assert_eq!(v["cells"], json!([[2.0, 0.0, 1.0], [1.0, 0.0, 1.0]]));
    // Words: a 10, b 10 (January 20); c 7, d 11 (March 18).
    assert_eq!(v["words"], json!([20, 0, 18]));
    let t = f.stdout(&["terms", "trust", "--per-10k", "--by", "quarter"]);
    // Q1: 3 occurrences in 38 words = 789.5 per 10,000.
    assert!(t.contains("789.5"), "{t}");
    let k = f.stdout(&["kwic", "trust", "--width", "8"]);
    assert!(k.starts_with("3 occurrences of trust"), "{k}");
    assert!(k.contains("We [trust] each ot"), "{k}");
    assert!(
        k.contains("— coaching, CYFD, Doña Ana County, 10 January 2026, month 2 of the project"),
        "{k}"
    );
    let v: Json =
        serde_json::from_str(&f.stdout(&["kwic", "\"chose violence\"", "--format", "json"]))
            .unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["session_id"], sid("d"));
    assert_eq!(v[0]["hit"], "chose violence");
    // March (18 words) against January (20): "adversarial" occurs only in March; "trust"
    // once in 18 words against twice in 20, a lower rate, so not listed.
    let v: Json = serde_json::from_str(&f.stdout(&[
        "keywords", "--by", "month", "--column", "2026-03", "--min", "1", "--format", "json",
    ]))
    .unwrap();
    let words: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["word"].as_str().unwrap())
        .collect();
    assert!(words.contains(&"adversarial"), "{words:?}");
    assert!(
        !words.contains(&"the"),
        "stop words are left out: {words:?}"
    );
    assert!(
        !words.contains(&"trust"),
        "trust is rarer in March: {words:?}"
    );
    // The default column is the last one (March).
    let t = f.stdout(&["keywords", "--by", "month", "--min", "1"]);
    assert!(t.starts_with("Keywords of month 2026-03"), "{t}");
    // Bad input: exit 2 with a message.
    let out = f.ripple(&["matrix", "--query", "agnecy:x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown field"));
    let out = f.ripple(&["terms", "x", "--by", "coder"]);
    assert_eq!(out.status.code(), Some(2));
}

/// `ripple codebook show --json`'s entry for the theme `key`.
fn codebook_theme(f: &Fixture, key: &str) -> Json {
    let book: Json = serde_json::from_str(&f.stdout(&["codebook", "show", "--json"])).unwrap();
    book.as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == key)
        .unwrap_or_else(|| panic!("no theme {key}"))
        .clone()
}

/// Runs each query through the search index: (codings, passages, sessions) of its hits.
fn searched(ix: &IndexWorkspace, q: &str) -> (usize, usize, usize) {
    let query = parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    let r = ix
        .index()
        .unwrap()
        .search(&query, HitKind::Passages, 10_000, 0)
        .unwrap_or_else(|e| panic!("{q}: {e}"));
    let spans: HashSet<(String, usize, usize)> = r
        .hits
        .iter()
        .map(|h| (h.session_id.0.clone(), h.start, h.end))
        .collect();
    let sessions: HashSet<&str> = r.hits.iter().map(|h| h.session_id.as_str()).collect();
    (r.total, spans.len(), sessions.len())
}

#[test]
fn every_cell_query_finds_exactly_the_cells_codings_passages_and_sessions() {
    let f = fixture();
    let store = Store::open(&f.root()).unwrap();
    let ws = Workspace::new(&store, "Ana");
    let corpus = Corpus::load(&ws, &Scope::default()).unwrap();
    let mut ix = IndexWorkspace::new(&store, &f.index());
    ix.open(&mut |_| {}).unwrap();
    let scopes = [
        Scope::default(),
        Scope::query("agency:\"La Casa\" after:2026-01-15"),
        Scope::query("trust OR partnership"),
        Scope {
            query: None,
            coders: vec!["Ben".into()],
        },
    ];
    let mut checked = 0;
    for scope in &scopes {
        for dim in Dimension::ALL {
            for flat in [false, true] {
                for value in [Value::Codings, Value::Passages, Value::Sessions] {
                    let spec = MatrixSpec {
                        cols: dim,
                        value,
                        flat,
                        scope: scope.clone(),
                    };
                    let m = matrix(&corpus, &spec).unwrap();
                    for r in 0..m.rows.len() {
                        for c in 0..=m.cols.len() {
                            let q = m.cell_query(r, c);
                            let (codings, passages, sessions) = searched(&ix, &q);
                            let got = match value {
                                Value::Codings => codings,
                                Value::Passages => passages,
                                _ => sessions,
                            } as f64;
                            let want = if c == m.cols.len() {
                                m.row_totals[r]
                            } else {
                                m.cells[r][c]
                            };
                            assert_eq!(got, want, "{dim} {value} flat={flat} {scope:?}: `{q}`");
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 2000, "{checked}");
}

/// Enter on a cell that counts sessions opens search confined to the cell's sessions
/// (`IndexWorkspace::search_within`): its Sessions tab lists exactly the cell's sessions, for
/// every matrix cell and every co-occurrence cell at session level. The cell's query read in
/// session mode alone is not that: `theme:roles coder:"Ana"` finds session b, where Ben coded
/// roles and Ana something else, and `theme:collaboration -theme:trust …` drops a session
/// that has a trust passage beside its own collaboration passage. Both happen here.
#[test]
fn search_within_a_cell_lists_exactly_the_cells_sessions() {
    let f = fixture();
    // Ana also codes the parent theme itself in c, where she coded communication.
    save(
        &f.root(),
        "Ana",
        "c",
        vec![
            coding(
                "c",
                C,
                "Communication failed again.",
                "communication",
                "Ana",
                "",
            ),
            coding(
                "c",
                C,
                "Adversarial and fractured meetings.",
                "collaboration",
                "Ana",
                "",
            ),
        ],
    );
    // And "Ana Ortiz", whose name holds Ana's: a scope of Ana's codings must leave hers out.
    save(
        &f.root(),
        "Ana Ortiz",
        "b",
        vec![coding(
            "b",
            B,
            "Trust grew between us.",
            "roles",
            "Ana Ortiz",
            "",
        )],
    );
    let store = Store::open(&f.root()).unwrap();
    let ws = Workspace::new(&store, "Ana");
    let corpus = Corpus::load(&ws, &Scope::default()).unwrap();
    let mut ix = IndexWorkspace::new(&store, &f.index());
    ix.open(&mut |_| {}).unwrap();
    let sessions_tab = |query: &str, groups: &[Vec<String>]| -> (usize, usize) {
        let (p, s) = ix
            .search_within(query, groups, 100)
            .unwrap_or_else(|e| panic!("{query}: {e}"));
        (p.total, s.total)
    };
    let session_mode = |q: &str| {
        ix.index()
            .unwrap()
            .search(&parse(q).unwrap(), HitKind::Sessions, 0, 0)
            .unwrap()
            .total
    };
    let (mut checked, mut session_mode_differs) = (0, 0);
    let only_ana = Scope {
        query: None,
        coders: vec!["Ana".into()],
    };
    let configs = Dimension::ALL
        .iter()
        .map(|&d| (d, Scope::default()))
        .chain([Dimension::Month, Dimension::Coder].map(|d| (d, only_ana.clone())));
    for (dim, scope) in configs {
        for flat in [false, true] {
            let of = |value| {
                let spec = MatrixSpec {
                    cols: dim,
                    value,
                    flat,
                    scope: scope.clone(),
                };
                matrix(&corpus, &spec).unwrap()
            };
            let (by_sessions, by_codings) = (of(Value::Sessions), of(Value::Codings));
            assert!(by_sessions.cells_exact());
            let m = &by_sessions;
            // Every theme row, and the totals row below them (`r == rows.len()`).
            for r in 0..=m.rows.len() {
                for c in 0..=m.cols.len() {
                    let q = m.cell_query(r, c);
                    assert_eq!(q, by_codings.cell_query(r, c));
                    let want = |m: &ripple::core::analysis::Matrix| match (
                        r == m.rows.len(),
                        c == m.cols.len(),
                    ) {
                        (false, false) => m.cells[r][c],
                        (false, true) => m.row_totals[r],
                        (true, false) => m.col_totals[c],
                        (true, true) => m.total,
                    };
                    let (codings, sessions) = sessions_tab(&q, &[vec![q.clone()]]);
                    let what = format!("{dim} flat={flat} {scope:?}: `{q}`");
                    assert_eq!(sessions as f64, want(&by_sessions), "{what}");
                    assert_eq!(codings as f64, want(&by_codings), "{what}");
                    if session_mode(&q) as f64 != want(&by_sessions) {
                        session_mode_differs += 1;
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 250, "{checked}");
    assert!(
        session_mode_differs > 0,
        "the fixture has no cell that needs the confinement"
    );

    let mut parent_pairs = 0;
    let scopes = [
        Scope::default(),
        Scope {
            query: None,
            coders: vec!["Ben".into()],
        },
    ];
    for scope in &scopes {
        for level in [Level::Session, Level::Passage] {
            for same_coder in [false, true] {
                let co = cooccurrence(
                    &corpus,
                    &CooccurSpec {
                        level,
                        same_coder,
                        scope: scope.clone(),
                    },
                )
                .unwrap();
                for i in 0..co.themes.len() {
                    for j in 0..co.themes.len() {
                        if co.counts[i][i] == 0 && co.counts[j][j] == 0 && j != i && j != i + 1 {
                            // Neither theme occurs (one such pair of each row is kept).
                            continue;
                        }
                        let cell = co.cell_queries(i, j).unwrap();
                        let (passages, sessions) = sessions_tab(&cell.query, &cell.groups);
                        let n = co.counts[i][j] as usize;
                        let what = format!(
                            "{} × {} {level:?} same_coder={same_coder} {scope:?}: {cell:?}",
                            co.themes[i], co.themes[j]
                        );
                        if level == Level::Session {
                            assert!(cell.exact);
                            assert_eq!(sessions, n, "{what}");
                            if co.themes[i] == "collaboration" && n > 0 && i != j {
                                parent_pairs += 1;
                            }
                            // Evidence from that search: the cell's sessions' passages only.
                            let groups: Vec<Vec<_>> = cell
                                .groups
                                .iter()
                                .map(|g| g.iter().map(|q| parse(q).unwrap()).collect())
                                .collect();
                            let ids = ix.index().unwrap().sessions_with_passages(&groups).unwrap();
                            let items = ix
                                .evidence(
                                    &cell.query,
                                    None,
                                    ripple::core::evidence::EvidenceSort::Date,
                                    Some(&cell.groups),
                                )
                                .unwrap();
                            assert_eq!(items.is_empty(), n == 0, "{what}");
                            assert!(
                                items
                                    .iter()
                                    .all(|it| ids.contains(it.session_id.as_ref().unwrap())),
                                "{what}"
                            );
                        } else if i == j {
                            // The diagonal: the theme's own passages (each span once).
                            assert!(cell.exact);
                            assert_eq!(searched(&ix, &cell.query).1, n, "{what}");
                        } else {
                            // Pairs of overlapping passages; with the same coder the query
                            // cannot tie both to one coder, and says so.
                            assert_eq!(
                                cell.exact,
                                !same_coder && scope.coders.is_empty(),
                                "{what}"
                            );
                            if cell.exact {
                                assert_eq!(passages > 0, n > 0, "{what}");
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(
        parent_pairs > 0,
        "collaboration's own passage pairs with another theme"
    );

    // A scope naming a theme reads otherwise joined with a cell's theme (`-theme:trust` counts
    // Ben's communication coding "trust", while the cell's query reads the negation as
    // "overlapping no trust passage"): the cells say their queries are not exact.
    for q in ["theme:practice", "-theme:trust", "trust OR theme:roles"] {
        let scope = Scope::query(q);
        let m = matrix(
            &corpus,
            &MatrixSpec {
                cols: Dimension::Coder,
                value: Value::Codings,
                flat: false,
                scope: scope.clone(),
            },
        )
        .unwrap();
        assert!(!m.cells_exact(), "{q}");
        let co = cooccurrence(
            &corpus,
            &CooccurSpec {
                level: Level::Session,
                same_coder: false,
                scope,
            },
        )
        .unwrap();
        assert!(!co.cell_queries(0, 1).unwrap().exact, "{q}");
    }
}

#[test]
fn passage_search_for_two_themes_finds_overlapping_passages() {
    let f = fixture();
    let store = Store::open(&f.root()).unwrap();
    let mut ix = IndexWorkspace::new(&store, &f.index());
    ix.open(&mut |_| {}).unwrap();
    // Trust passages overlapping a communication passage: a's "We trust each other now."
    // (Ana's and Ben's codings) around Ben's "trust".
    assert_eq!(searched(&ix, "theme:trust theme:communication"), (2, 1, 1));
    // The other way round: Ben's "trust" only.
    assert_eq!(searched(&ix, "theme:communication theme:trust"), (1, 1, 1));
    // d: Ben's trust passage around Ana's naming-choice, and the reverse.
    assert_eq!(searched(&ix, "theme:trust theme:naming-choice"), (1, 1, 1));
    assert_eq!(
        searched(&ix, "theme:naming-choice theme:collaboration"),
        (1, 1, 1)
    );
    // A theme and its parent keep their meaning: trust passages.
    assert_eq!(searched(&ix, "theme:collaboration theme:trust").0, 5);
    // The corpus answers the same.
    let ws = Workspace::new(&store, "Ana");
    let corpus = Corpus::load(&ws, &Scope::default()).unwrap();
    let sel = corpus
        .select(&Scope::query("theme:trust theme:communication"))
        .unwrap();
    assert_eq!(sel.coding_count(), 2);
    // Co-occurrence and the query agree: one overlapping trust passage.
    let co = cooccurrence(
        &corpus,
        &CooccurSpec {
            level: Level::Passage,
            ..Default::default()
        },
    )
    .unwrap();
    let t = corpus.theme_index("trust").unwrap();
    let k = corpus.theme_index("communication").unwrap();
    assert_eq!(co.counts[t][k], 1);
}

/// Whether theme row `row` is `key` or below it.
fn under(corpus: &Corpus, mut row: usize, key: &str) -> bool {
    loop {
        if corpus.themes[row].key == key {
            return true;
        }
        match corpus.themes[row].parent {
            Some(p) => row = p,
            None => return false,
        }
    }
}

#[test]
fn passage_search_reads_groups_and_negations_of_later_themes_as_overlaps() {
    let f = fixture();
    let store = Store::open(&f.root()).unwrap();
    let mut ix = IndexWorkspace::new(&store, &f.index());
    ix.open(&mut |_| {}).unwrap();
    let ws = Workspace::new(&store, "Ana");
    let corpus = Corpus::load(&ws, &Scope::default()).unwrap();
    let c = &corpus.codings;
    // Another coding (any coder's) overlapping coding `i` by a code point, with a theme at
    // or below `key`.
    let overlaps = |i: usize, key: &str| {
        c.iter().enumerate().any(|(j, o)| {
            j != i
                && o.session == c[i].session
                && o.start < c[i].end
                && c[i].start < o.end
                && under(&corpus, o.theme, key)
        })
    };
    let is = |i: usize, key: &str| under(&corpus, c[i].theme, key);
    type Want<'a> = Box<dyn Fn(usize) -> bool + 'a>;
    let cases: Vec<(&str, Want)> = vec![
        (
            "theme:trust (theme:communication OR theme:naming-choice)",
            Box::new(|i| {
                is(i, "trust") && (overlaps(i, "communication") || overlaps(i, "naming-choice"))
            }),
        ),
        (
            "theme:trust -theme:communication",
            Box::new(|i| is(i, "trust") && !overlaps(i, "communication")),
        ),
        (
            "-theme:communication theme:trust",
            Box::new(|i| is(i, "trust") && !overlaps(i, "communication")),
        ),
        (
            "(theme:trust OR theme:naming-choice) theme:communication",
            Box::new(|i| {
                (is(i, "trust") || is(i, "naming-choice")) && overlaps(i, "communication")
            }),
        ),
        (
            "theme:trust -(theme:communication OR theme:naming-choice)",
            Box::new(|i| {
                is(i, "trust") && !overlaps(i, "communication") && !overlaps(i, "naming-choice")
            }),
        ),
        (
            // A parent of the anchor keeps its plain meaning inside a group.
            "theme:trust (theme:collaboration OR theme:naming-choice)",
            Box::new(|i| is(i, "trust")),
        ),
    ];
    for (q, want) in &cases {
        let expected = (0..c.len()).filter(|&i| want(i)).count();
        let (codings, ..) = searched(&ix, q);
        assert_eq!(codings, expected, "search: `{q}`");
        let sel = corpus.select(&Scope::query(q)).unwrap();
        assert_eq!(sel.coding_count(), expected, "the corpus: `{q}`");
    }
    // The fixture makes these cases differ from their plain readings.
    let trust = (0..c.len()).filter(|&i| is(i, "trust")).count();
    assert!(searched(&ix, "theme:trust -theme:communication").0 < trust);
    assert!(
        searched(
            &ix,
            "theme:trust (theme:communication OR theme:naming-choice)"
        )
        .0 > 0
    );
}

#[test]
fn evidence_for_the_report_headings_memos_and_project_months() {
    let f = fixture();
    let md = f.stdout(&["evidence", "--memos", "--headings", "count"]);
    // By count: trust (4 passages) before communication (3), roles and naming-choice (1).
    let at = |h: &str| md.find(h).unwrap_or_else(|| panic!("{h} in {md}"));
    assert!(at("## Trust") < at("## Communication"), "{md}");
    assert!(at("## Communication") < at("## Professional roles"), "{md}");
    // a's trust passage: coded by Ana and Ben, both memos, each with its coder.
    assert!(md.contains("*first sign of trust* — Ana\n"), "{md}");
    assert!(md.contains("*agree: trust* — Ben\n"), "{md}");
    assert!(
        md.contains("— coaching, CYFD, Doña Ana County, 10 January 2026, month 2 of the project"),
        "{md}"
    );
    let md = f.stdout(&["evidence", "--headings", "naming-choice,roles"]);
    assert!(
        at_in(&md, "## Naming") < at_in(&md, "## Professional roles"),
        "{md}"
    );
    assert!(
        at_in(&md, "## Professional roles") < at_in(&md, "## Trust"),
        "{md}"
    );
    let out = f.ripple(&["evidence", "--headings", "nonsense"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nonsense"));
    // JSON carries the project month and the attributed memos.
    let v: Json =
        serde_json::from_str(&f.stdout(&["evidence", "--theme", "trust", "--format", "json"]))
            .unwrap();
    assert_eq!(v[0]["project_month"], 2);
    assert_eq!(
        v[0]["memos"][1],
        json!({"coder": "Ben", "memo": "agree: trust"})
    );
    // codebook show and evidence count the same passages: trust 4 (4 headings' quotes).
    let trust = codebook_theme(&f, "trust");
    assert_eq!(
        (trust["passages"].as_u64(), trust["codings"].as_u64()),
        (Some(4), Some(5))
    );
    assert_eq!(v.as_array().unwrap().len(), 4);
}

/// A passage inside a longer passage of its theme, by a third coder: the quote names every
/// coder, each memo with its coder, and each export says how many passages its quotes are.
#[test]
fn evidence_merges_a_nested_passage_with_its_coder_and_says_so() {
    let f = fixture();
    save(
        &f.root(),
        "Rev Iewer",
        "a",
        vec![coding(
            "a",
            A,
            "trust each other",
            "trust",
            "Rev Iewer",
            "trust nested in trust",
        )],
    );
    // codebook show counts 5 trust passages; evidence quotes 4 of them.
    let trust = codebook_theme(&f, "trust");
    assert_eq!(trust["passages"].as_u64(), Some(5));
    let v: Json =
        serde_json::from_str(&f.stdout(&["evidence", "--theme", "trust", "--format", "json"]))
            .unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 4);
    let merged: u64 = items.iter().map(|i| i["merged"].as_u64().unwrap()).sum();
    assert_eq!(merged, 1);
    assert_eq!(v[0]["coder"], "Ana, Ben, Rev Iewer");
    assert_eq!(v[0]["coders"], json!(["Ana", "Ben", "Rev Iewer"]));
    assert_eq!(v[0]["merged"], 1);
    assert_eq!(
        v[0]["memos"][2],
        json!({"coder": "Rev Iewer", "memo": "trust nested in trust"})
    );
    // CSV: the memos attributed, the project month and the merged count last.
    let csv = f.stdout(&["evidence", "--theme", "trust", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(h[h.len() - 2..], ["project_month", "merged"]);
    let row = r.records().next().unwrap().unwrap();
    let col = |name: &str| row[h.iter().position(|x| x == name).unwrap()].to_string();
    assert_eq!(col("coder"), "Ana; Ben; Rev Iewer");
    assert_eq!(
        col("memo"),
        "first sign of trust — Ana; agree: trust — Ben; trust nested in trust — Rev Iewer"
    );
    assert_eq!(
        (col("project_month"), col("merged")),
        ("2".into(), "1".into())
    );
    // De-identified: no coder names anywhere.
    let csv = f.stdout(&[
        "evidence",
        "--theme",
        "trust",
        "--format",
        "csv",
        "--deidentify",
    ]);
    assert!(
        !csv.contains("Rev Iewer") && !csv.contains(", Ben"),
        "{csv}"
    );
    assert!(
        csv.contains("first sign of trust; agree: trust; trust nested in trust"),
        "{csv}"
    );
    // Markdown says why 4 quotes stand for 5 passages.
    let md = f.stdout(&["evidence", "--theme", "trust"]);
    assert!(
        md.contains("## Trust\n\n4 quotes from 5 passages: 1 lies inside a longer passage of the same theme and is quoted as part of it.\n"),
        "{md}"
    );
    let md = f.stdout(&["evidence", "--theme", "trust", "--keep-nested"]);
    assert!(md.contains("## Trust\n\n5 passages.\n"), "{md}");
}

/// A parent theme named in --headings, with no passages of its own, is shown with its
/// sub-themes' passages; CSV and JSON, which have no headings, say where they are.
#[test]
fn evidence_headings_show_a_named_parent_with_its_sub_themes() {
    let f = fixture();
    let md = f.stdout(&["evidence", "--headings", "shared-language,trust"]);
    let at = |h: &str| at_in(&md, h);
    assert!(
        at("## Shared language\n") < at("### Naming the person"),
        "{md}"
    );
    assert!(at("### Naming the person") < at("## Trust\n"), "{md}");
    assert!(at("## Trust\n") < at("## Communication\n"), "{md}");
    let out = f.ripple(&[
        "evidence",
        "--headings",
        "shared-language,trust",
        "--format",
        "json",
    ]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`shared-language`") && err.contains("naming-choice"),
        "{err}"
    );
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["theme"], "naming-choice");
}

fn at_in(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("{needle} in {text}"))
}

/// A codings file rewritten in place by another program (its folder's entries and times
/// unchanged) is seen by the next `ripple matrix`, from the counts snapshot and the analysis
/// cache alike (docs/analysis.md, "Speed"); so is a coding saved by Ripple.
#[test]
fn matrix_sees_a_codings_file_rewritten_in_place_at_once() {
    let f = fixture();
    let root = f.root();
    let trust_row = |f: &Fixture| -> Json {
        let v: Json = serde_json::from_str(&f.stdout(&["matrix", "--format", "json"])).unwrap();
        let at = v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .position(|r| r == "trust")
            .unwrap();
        v["cells"][at].clone()
    };
    // Keys less than two seconds old are not kept (the racy rule): let the store's settle.
    std::thread::sleep(std::time::Duration::from_millis(2_100));
    assert_eq!(trust_row(&f), json!([2.0, 0.0, 2.0]));
    assert_eq!(trust_row(&f), json!([2.0, 0.0, 2.0]), "from the cache");

    // Ana's file of session b rewritten in place: its trust coding becomes roles.
    let path = coding_store::file_path(&root, "Ana", &SessionId(sid("b")));
    let folder = std::fs::metadata(path.parent().unwrap()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"trust\""));
    {
        use std::io::Write;
        let mut file = std::fs::File::options()
            .write(true)
            .truncate(true)
            .open(&path)
            .unwrap();
        file.write_all(text.replace("\"trust\"", "\"roles\"").as_bytes())
            .unwrap();
    }
    let after = std::fs::metadata(path.parent().unwrap()).unwrap();
    assert_eq!(after.modified().unwrap(), folder.modified().unwrap());
    // January: a's one trust span only.
    assert_eq!(trust_row(&f), json!([1.0, 0.0, 2.0]));
    // Settled, and counted again from the snapshot made since: still seen.
    std::thread::sleep(std::time::Duration::from_millis(2_100));
    assert_eq!(trust_row(&f), json!([1.0, 0.0, 2.0]));
    assert_eq!(trust_row(&f), json!([1.0, 0.0, 2.0]));
    // Rewritten in place again, back to trust: the snapshot does not answer.
    {
        use std::io::Write;
        let mut file = std::fs::File::options()
            .write(true)
            .truncate(true)
            .open(&path)
            .unwrap();
        file.write_all(text.as_bytes()).unwrap();
    }
    assert_eq!(trust_row(&f), json!([2.0, 0.0, 2.0]));

    // A coding saved by Ripple (a rename in the folder) is seen too.
    std::thread::sleep(std::time::Duration::from_millis(2_100));
    save(
        &root,
        "Ana",
        "b",
        vec![coding("b", B, "Trust grew between us.", "roles", "Ana", "")],
    );
    assert_eq!(trust_row(&f), json!([1.0, 0.0, 2.0]));
}

#[test]
fn a_store_that_does_not_exist_is_an_error_and_is_not_made() {
    let f = fixture();
    let missing = f.dir.path().join("no-such-store");
    for cmd in [
        &["matrix"][..],
        &["cooccur"],
        &["keywords", "--by", "month"],
    ] {
        let out = f.ripple(&[&["--store", missing.to_str().unwrap()][..], cmd].concat());
        assert!(!out.status.success(), "{cmd:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("no store at"), "{cmd:?}: {err}");
        assert!(out.stdout.is_empty(), "{cmd:?}: no table of zeros");
        assert!(!missing.exists(), "{cmd:?}: nothing made");
    }
}

#[test]
fn codings_whose_words_are_gone_are_said_not_counted() {
    let f = fixture();
    let out = f.ripple(&["matrix"]);
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("orphaned"));
    // Session b's note loses the words its codings quote.
    let store = Store::open(&f.root()).unwrap();
    let mut s = store.load(&SessionId(sid("b"))).unwrap();
    s.text = "Nothing of what was said before is left.".into();
    store.save(&s).unwrap();
    let orphaned = coding_store::load_session_attached(&f.root(), &s.meta.id, &s.text)
        .0
        .iter()
        .flat_map(|f| &f.codings)
        .filter(|c| c.status == AnchorStatus::Orphaned)
        .count();
    assert!(orphaned > 0);
    // Every count says it, however it read the store.
    for _ in 0..2 {
        let out = f.ripple(&["matrix"]);
        assert!(out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("{orphaned} coding(s) whose words are no longer")),
            "{err}"
        );
    }
}

#[test]
fn ripple_demo_writes_a_store_to_keep_and_never_over_anything() {
    let f = fixture();
    let dir = f.dir.path().join("demo");
    let out = f.ripple(&["demo", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Json = serde_json::from_str(&f.stdout(&[
        "--store",
        dir.to_str().unwrap(),
        "matrix",
        "--format",
        "json",
    ]))
    .unwrap();
    let total: f64 = v["cells"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|c| c.as_f64().unwrap())
        .sum();
    assert!(total > 0.0, "the demo store is coded: {v}");
    // Not again over it, nor into a folder holding anything.
    let settings = std::fs::read(dir.join("ripple.toml")).unwrap();
    for target in [dir.clone(), f.root()] {
        let out = f.ripple(&["demo", target.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    }
    assert_eq!(std::fs::read(dir.join("ripple.toml")).unwrap(), settings);
}
