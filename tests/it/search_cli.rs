//! `ripple search`, `ripple evidence` and `ripple reindex`, running the binary against a store
//! written in a temporary folder.

use chrono::{TimeZone, Utc};
use ripple::core::codebook::Codebook;
use ripple::core::coding::{AnchorStatus, CoderSessionFile, Coding, CodingId};
use ripple::core::coding_store;
use ripple::core::session::SessionId;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Store {
    dir: tempfile::TempDir,
    ids: Vec<SessionId>,
}

impl Store {
    fn root(&self) -> PathBuf {
        self.dir.path().join("store")
    }
    fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }
    fn ripple(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_ripple"))
            .args(args)
            .env("RIPPLE_STORE", self.root())
            .env("RIPPLE_INDEX", self.index())
            .env("RIPPLE_CONFIG", self.dir.path().join("config.toml"))
            .env("RIPPLE_CODER", "Evaluator A")
            .output()
            .expect("run ripple")
    }
}

fn write_session(
    root: &Path,
    id: &SessionId,
    date: &str,
    agencies: &str,
    county: &str,
    text: &str,
) {
    let file = format!(
        "+++\nid = \"{id}\"\ntitle = \"Joint coaching\"\ndate = \"{date}\"\nagencies = [{agencies}]\ntype = \"joint-coaching\"\ncounty = \"{county}\"\nfacilitator = \"M. Rivera\"\ntags = []\ncreated = \"2026-06-14T18:03:00Z\"\nupdated = \"2026-06-14T18:40:12Z\"\n+++\n{text}"
    );
    std::fs::write(root.join("sessions").join(format!("{id}.md")), file).unwrap();
}

fn write_coding(root: &Path, id: &SessionId, text: &str, quote: &str, theme: &str, memo: &str) {
    write_coding_by(root, "Evaluator A", id, text, quote, theme, memo);
}

/// `coder`'s file for the session, holding one coding.
fn write_coding_by(
    root: &Path,
    coder: &str,
    id: &SessionId,
    text: &str,
    quote: &str,
    theme: &str,
    memo: &str,
) {
    let b = text.find(quote).unwrap();
    let start = text[..b].chars().count();
    let t = Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap();
    let file = CoderSessionFile {
        session: id.clone(),
        coder: coder.into(),
        memo: String::new(),
        codings: vec![Coding {
            id: CodingId::new(),
            session: id.clone(),
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
        }],
    };
    let p = coding_store::file_path(root, coder, id);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, serde_json::to_string_pretty(&file).unwrap()).unwrap();
}

const NOTE1: &str = "Supervisors met. 🙂 They said trust between the agencies has grown.\nFathers were engaged in safety planning.";
const NOTE2: &str = "Roles were unclear between advocates and investigators.";

fn store() -> Store {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    std::fs::create_dir_all(root.join("sessions")).unwrap();
    std::fs::write(
        root.join("ripple.toml"),
        "format = 1\nname = \"Test\"\ndeidentify = [\"Supervisors\"]\n",
    )
    .unwrap();
    std::fs::write(root.join("codebook.toml"), Codebook::builtin().to_toml()).unwrap();
    let a = SessionId::new();
    let b = SessionId::new();
    write_session(
        &root,
        &a,
        "2026-06-14",
        "\"CYFD\", \"La Casa\"",
        "Doña Ana",
        NOTE1,
    );
    write_session(&root, &b, "2026-03-02", "\"CYFD\"", "Otero", NOTE2);
    write_coding(
        &root,
        &a,
        NOTE1,
        "Supervisors met. 🙂 They said trust between the agencies has grown.",
        "trust",
        "Growing trust.",
    );
    write_coding(&root, &b, NOTE2, NOTE2, "roles", "");
    Store {
        dir,
        ids: vec![a, b],
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn search_json_rebuilds_a_missing_index_first() {
    let s = store();
    let o = s.ripple(&["search", "trust agency:\"la casa\" after:2026-04", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Rebuilding the search index"),
        "{}",
        stderr(&o)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["total"], 1);
    let hit = &v["hits"][0];
    assert_eq!(hit["session_id"], s.ids[0].as_str());
    assert_eq!(hit["county"], "Doña Ana");
    assert_eq!(hit["themes"][0], "trust");
    let text = hit["text"].as_str().unwrap();
    let hl = hit["highlights"][0].as_array().unwrap();
    let (a, b) = (
        hl[0].as_u64().unwrap() as usize,
        hl[1].as_u64().unwrap() as usize,
    );
    let marked: String = text.chars().skip(a).take(b - a).collect();
    assert_eq!(marked, "trust");
    // Offsets are code points into the note.
    let start = hit["start"].as_u64().unwrap() as usize;
    assert_eq!(start, 0);
    assert_eq!(hit["end"].as_u64().unwrap() as usize, text.chars().count());

    // The second run uses the index as it is.
    let o = s.ripple(&["search", "theme:collaboration", "--sessions", "--json"]);
    assert!(o.status.success());
    assert!(!stderr(&o).contains("Rebuilding"), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["total"], 2);
}

#[test]
fn human_output_marks_matches_and_no_matches_exits_zero() {
    let s = store();
    let o = s.ripple(&["search", "unclear"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("2026-03-02"), "{out}");
    assert!(out.contains("#roles"), "{out}");
    assert!(out.contains("«unclear»"), "{out}");
    assert!(
        out.contains("— Evaluator A"),
        "each hit shows its coder: {out}"
    );
    assert!(
        out.ends_with("\n1 coding (1 passage) in 1 session\n"),
        "{out}"
    );
    assert!(!out.contains("mention"), "{out}");

    let o = s.ripple(&["search", "zeppelin"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).trim(), "no matches");
}

/// Whether one line of `err` starts with `prefix`, and no line says `error:`: every CLI
/// error starts `ripple: ` (index work may be said on lines before it).
fn says(err: &str, prefix: &str) -> bool {
    err.lines().any(|l| l.starts_with(prefix)) && !err.contains("error:")
}

#[test]
fn bad_query_exits_2_with_a_caret() {
    let s = store();
    let o = s.ripple(&["search", "trust agnecy:x"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(says(&err, "ripple: unknown field `agnecy`"), "{err}");
    assert!(err.contains("  trust agnecy:x\n        ^^^^^^\n"), "{err}");
    let o = s.ripple(&["search", "trust theme:trussst"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(says(&stderr(&o), "ripple: unknown theme"), "{}", stderr(&o));
    // Evidence, export and agreement print query errors the same way.
    let o = s.ripple(&["evidence", "agnecy:x"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(says(&err, "ripple: unknown field `agnecy`"), "{err}");
    assert!(err.contains("\n  agnecy:x\n  ^^^^^^\n"), "{err}");
    let o = s.ripple(&["evidence", "--theme", "trussst"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(says(&stderr(&o), "ripple: --theme: "), "{}", stderr(&o));
    let qdpx = s.dir.path().join("out.qdpx");
    let o = s.ripple(&["export", qdpx.to_str().unwrap(), "--query", "agnecy:x"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(says(&err, "ripple: unknown field `agnecy`"), "{err}");
    write_coding_by(&s.root(), "Ana", &s.ids[1], NOTE2, NOTE2, "roles", "");
    let o = s.ripple(&["agree", "--sessions", "all", "--query", "agnecy:x"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        says(&err, "ripple: --query: unknown field `agnecy`"),
        "{err}"
    );
    assert!(err.contains("\n  agnecy:x\n  ^^^^^^"), "{err}");
}

#[test]
fn evidence_markdown_and_csv() {
    let s = store();
    let o = s.ripple(&["evidence", "--theme", "collaboration", "--memos"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.contains("## Trust"), "{md}");
    assert!(md.contains("## Professional roles"), "{md}");
    assert!(
        md.contains("— joint coaching, CYFD & La Casa, Doña Ana County, 14 June 2026"),
        "{md}"
    );
    assert!(md.contains("*Growing trust.*"), "{md}");
    // Trust comes before roles (codebook order).
    assert!(md.find("## Trust").unwrap() < md.find("## Professional roles").unwrap());

    let out = s.dir.path().join("evidence.csv");
    let o = s.ripple(&[
        "evidence",
        "trust",
        "--format",
        "csv",
        "--deidentify",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv_text = std::fs::read_to_string(&out).unwrap();
    let mut rd = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = rd.headers().unwrap().clone();
    assert!(!headers
        .iter()
        .any(|h| h == "facilitator" || h == "session_id"));
    let rows: Vec<_> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    let qi = headers.iter().position(|h| h == "quote").unwrap();
    assert!(
        rows[0][qi].starts_with("[redacted] met. 🙂"),
        "{:?}",
        &rows[0][qi]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    let o = s.ripple(&["evidence", "zeppelin", "--format", "json"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o).trim(), "[]");
    assert!(stderr(&o).contains("no matches"));
}

#[test]
fn reindex_reports_a_count_and_recovers_a_corrupt_index() {
    let s = store();
    let o = s.ripple(&["reindex"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Indexed 2 sessions and 2 codings"),
        "{}",
        stderr(&o)
    );
    std::fs::write(s.index().join("meta.json"), "garbage").unwrap();
    let o = s.ripple(&["search", "trust", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("Rebuilding"), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["total"], 1);
    // The notes were not touched.
    assert_eq!(
        std::fs::read_dir(s.root().join("sessions"))
            .unwrap()
            .count(),
        2
    );
}

#[test]
fn search_works_while_another_process_holds_the_index_writer() {
    let s = store();
    assert!(s.ripple(&["reindex"]).status.success());
    // This test process takes the writer, as a running TUI would.
    let (_writer, health) = ripple::core::index::SearchIndex::open(&s.index()).unwrap();
    assert_eq!(health, ripple::core::index::IndexHealth::Ok);
    let o = s.ripple(&["search", "unclear", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["total"], 1);
    // Reindexing needs the writer: a clear error, exit 1.
    let o = s.ripple(&["reindex"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("another Ripple process"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn two_coders_on_the_same_words_are_two_codings_and_one_passage() {
    let s = store();
    // Ana codes the words Evaluator A coded, with the same theme.
    write_coding_by(
        &s.root(),
        "Ana",
        &s.ids[0],
        NOTE1,
        "Supervisors met. 🙂 They said trust between the agencies has grown.",
        "trust",
        "",
    );
    let o = s.ripple(&["search", "theme:collaboration"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(
        lines[..3]
            .iter()
            .any(|l| l.ends_with(&format!("— Ana  ({})", s.ids[0].short()))),
        "{out}"
    );
    assert_eq!(
        lines[..3]
            .iter()
            .filter(|l| l.contains("— Evaluator A  ("))
            .count(),
        2,
        "{out}"
    );
    assert_eq!(lines[3], "3 codings (2 passages) in 2 sessions", "{out}");

    // A page says the same units.
    let o = s.ripple(&[
        "search",
        "theme:collaboration",
        "--limit",
        "1",
        "--offset",
        "1",
    ]);
    assert!(
        stdout(&o).ends_with("\n2–2 of 3 codings (2 passages) in 2 sessions\n"),
        "{}",
        stdout(&o)
    );
    let o = s.ripple(&["search", "theme:collaboration", "--offset", "5"]);
    assert_eq!(
        stdout(&o).trim(),
        "nothing at --offset 5: there are 3 codings (2 passages) in 2 sessions"
    );

    let o = s.ripple(&["search", "theme:trust", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["total"], 2);
    assert_eq!(v["passages"], 1);
    assert_eq!(v["sessions"], 1);
    let mut coders: Vec<&str> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["coder"].as_str().unwrap())
        .collect();
    coders.sort();
    assert_eq!(coders, ["Ana", "Evaluator A"]);
}

#[test]
fn plain_words_in_more_notes_than_passages_say_how_to_see_them() {
    let s = store();
    let c = SessionId::new();
    write_session(
        &s.root(),
        &c,
        "2026-05-05",
        "\"CYFD\"",
        "Otero",
        "Trust was low at first; fathers came later.",
    );
    let o = s.ripple(&["search", "trust"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.ends_with(
            "\n1 coding (1 passage) in 1 session\n2 sessions mention it: add --sessions to see them\n"
        ),
        "{out}"
    );
    let o = s.ripple(&["search", "trust", "--sessions"]);
    assert!(stdout(&o).ends_with("\n2 sessions\n"), "{}", stdout(&o));

    // Nothing coded, but in two notes.
    let o = s.ripple(&["search", "fathers"]);
    assert_eq!(
        stdout(&o),
        "no matches\n2 sessions mention it: add --sessions to see them\n"
    );
    let o = s.ripple(&["search", "fathers agency:\"La Casa\""]);
    assert_eq!(
        stdout(&o),
        "no matches\n1 session mentions it: add --sessions to see it\n"
    );
    // Filters alone, and JSON, say nothing more.
    let o = s.ripple(&["search", "agency:CYFD"]);
    assert!(!stdout(&o).contains("mention"), "{}", stdout(&o));
    let o = s.ripple(&["search", "fathers", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["total"], 0);
}

/// A note saved with decomposed accents (as macOS often writes them: `n` + U+0303) is found by
/// the composed spelling, folded or not, and a decomposed query finds a composed note; its
/// county, decomposed, is the same value too.
#[test]
fn decomposed_and_composed_accents_find_each_other() {
    let s = store();
    let c = SessionId::new();
    write_session(
        &s.root(),
        &c,
        "2026-07-02",
        "\"CYFD\"",
        "Don\u{303}a Ana",
        "Meeting with Sen\u{303}ora Pen\u{303}a about nin\u{303}ez services.",
    );
    let sessions = |q: &str| -> Vec<String> {
        let o = s.ripple(&["search", "--sessions", "--json", q]);
        assert!(o.status.success(), "{q}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["session_id"].as_str().unwrap().to_string())
            .collect()
    };
    for q in ["pena", "Peña", "Pen\u{303}a", "NIÑEZ", "señora"] {
        assert_eq!(sessions(q), [c.to_string()], "{q}");
    }
    // The composed note (county "Doña Ana") and the decomposed one, by either spelling.
    for q in ["county:\"Doña Ana\"", "county:\"Don\u{303}a Ana\""] {
        let mut got = sessions(q);
        got.sort();
        let mut want = vec![s.ids[0].to_string(), c.to_string()];
        want.sort();
        assert_eq!(got, want, "{q}");
    }
}

/// A query without words ranks nothing: every hit scores the same, newest first, even asked
/// to sort by score (a field's term would score a one-agency session above a joint one).
#[test]
fn a_query_without_words_scores_every_hit_alike_newest_first() {
    let s = store();
    for sort in [None, Some("score")] {
        let mut args = vec!["search", "--sessions", "--json", "agency:cyfd"];
        if let Some(sort) = sort {
            args.extend(["--sort", sort]);
        }
        let o = s.ripple(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let hits = v["hits"].as_array().unwrap();
        let dates: Vec<&str> = hits.iter().map(|h| h["date"].as_str().unwrap()).collect();
        assert_eq!(dates, ["2026-06-14", "2026-03-02"], "{sort:?}");
        assert_eq!(hits[0]["score"], hits[1]["score"], "{sort:?}");
    }
}
