//! The CLI answers from an index that holds what the store holds: writes made by `ripple new`,
//! `ripple code add` / `rm` or outside Ripple are seen by the next `search` and `evidence`
//! (`core::index_sync`). Also the search command line itself: queries starting with `-`,
//! `--sort`, `--limit` and `--offset` at their edges, and output to a closed pipe.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn store(&self) -> PathBuf {
        self.dir.path().join("store")
    }
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ripple"));
        c.args(args)
            .env("RIPPLE_STORE", self.store())
            .env("RIPPLE_INDEX", self.dir.path().join("index"))
            .env("RIPPLE_CONFIG", self.dir.path().join("config.toml"))
            .env("RIPPLE_CODER", "Ana")
            .env("NO_COLOR", "1");
        c
    }
    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args)
            .stdin(Stdio::null())
            .output()
            .expect("run ripple")
    }
    fn new_session(&self, title: &str, date: &str, text: &str) -> String {
        // `cli_new` keeps the index beside the store, where `cmd` points.
        crate::common::cli_new(&self.store(), title, date, text)
    }
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "failed: {}\n{}", out(&o), err(&o));
    out(&o)
}

fn json(o: Output) -> serde_json::Value {
    serde_json::from_str(&ok(o)).unwrap()
}

fn total(env: &Env, query: &str, kind: &str) -> u64 {
    json(env.run(&["search", query, kind, "--json"]))["total"]
        .as_u64()
        .unwrap()
}

fn coding_ids(env: &Env) -> Vec<String> {
    json(env.run(&["code", "list", "--json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn new_code_add_and_code_rm_are_seen_by_the_next_search_and_evidence() {
    let env = Env::new();
    let first = env.new_session("First", "2026-05-01", "Trust grew between the agencies.\n");
    // The first search builds the index.
    assert_eq!(total(&env, "trust", "--sessions"), 1);

    let second = env.new_session("Second", "2026-05-02", "A zebracorn walked in.\n");
    assert_eq!(total(&env, "zebracorn", "--sessions"), 1, "ripple new");

    ok(env.run(&["code", "add", &second, "trust", "--quote", "zebracorn"]));
    assert_eq!(total(&env, "theme:trust", "--passages"), 1, "code add");
    let evidence = ok(env.run(&["evidence", "--theme", "trust", "--format", "json"]));
    assert!(evidence.contains("zebracorn"), "{evidence}");

    let ids = coding_ids(&env);
    assert_eq!(ids.len(), 1);
    ok(env.run(&["code", "rm", &ids[0]]));
    assert_eq!(total(&env, "theme:trust", "--passages"), 0, "code rm");
    let evidence = ok(env.run(&["evidence", "--theme", "trust", "--format", "json"]));
    assert!(!evidence.contains("zebracorn"), "{evidence}");

    // Outside Ripple: a note replaced (as git or an editor saving through a new file does)
    // and one removed.
    let path = crate::common::session_file(&env.store(), &first);
    let text = std::fs::read_to_string(&path).unwrap();
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text.replace("Trust grew", "Pelicans grew")).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    assert_eq!(total(&env, "pelican", "--sessions"), 1);
    assert_eq!(total(&env, "trust", "--sessions"), 0);
    std::fs::remove_file(crate::common::session_file(&env.store(), &second)).unwrap();
    assert_eq!(total(&env, "zebracorn", "--sessions"), 0);
}

#[test]
fn a_query_may_start_with_a_dash_and_filters_alone_list_newest_first() {
    let env = Env::new();
    let old = env.new_session("Old", "2025-01-10", "Trust at the start.\n");
    let new = env.new_session("New", "2026-06-01", "Trust later on.\n");
    let mid = env.new_session("Mid", "2025-09-15", "Roles were unclear.\n");
    ok(env.run(&[
        "code",
        "add",
        &mid,
        "roles",
        "--quote",
        "Roles were unclear",
    ]));

    let ids = |v: serde_json::Value| -> Vec<String> {
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["session_id"].as_str().unwrap().to_string())
            .collect()
    };
    // No words: newest first.
    let all = json(env.run(&["search", "", "--sessions", "--json"]));
    assert_eq!(ids(all), [new.clone(), mid.clone(), old.clone()]);
    let filtered = json(env.run(&["search", "-theme:roles", "--sessions", "--json"]));
    assert_eq!(ids(filtered), [new.clone(), old.clone()]);
    let by_date = json(env.run(&["search", "trust", "--sessions", "--sort", "date", "--json"]));
    assert_eq!(ids(by_date), [new.clone(), old.clone()]);
    let ev = env.run(&["evidence", "-theme:trust"]);
    assert!(ev.status.success(), "{}", err(&ev));
}

#[test]
fn limits_and_offsets_at_their_edges_are_answered_not_panicked() {
    let env = Env::new();
    env.new_session("One", "2026-01-01", "Trust.\n");
    let huge = env.run(&[
        "search",
        "trust",
        "--sessions",
        "--limit",
        "18446744073709551615",
    ]);
    assert!(huge.status.success(), "{}", err(&huge));
    assert!(err(&huge).contains("at most 10000"), "{}", err(&huge));
    assert!(out(&huge).contains("1 session"), "{}", out(&huge));
    let zero = env.run(&["search", "trust", "--limit", "0"]);
    assert_eq!(zero.status.code(), Some(2));
    assert!(
        err(&zero).contains("--limit must be at least 1"),
        "{}",
        err(&zero)
    );
    let past = env.run(&["search", "trust", "--sessions", "--offset", "50"]);
    assert!(past.status.success(), "{}", err(&past));
    assert!(
        out(&past).contains("nothing at --offset 50: there is 1 session"),
        "{}",
        out(&past)
    );
    let far = env.run(&[
        "search",
        "trust",
        "--sessions",
        "--offset",
        "18446744073709551615",
    ]);
    assert!(far.status.success(), "{}", err(&far));
    for o in [&huge, &zero, &past, &far] {
        assert!(!err(o).contains("panicked"), "{}", err(o));
    }
}

/// Run with stdout into a pipe whose reader reads one line and closes it.
fn into_closed_pipe(env: &Env, args: &[&str]) -> Output {
    let mut child = env
        .cmd(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    use std::io::Read;
    let _ = stdout.read(&mut first);
    drop(stdout);
    child.wait_with_output().unwrap()
}

#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    let env = Env::new();
    // Enough output that it cannot all sit in the pipe's buffer.
    let text = "Trust between the agencies grew. ".repeat(40);
    for i in 0..40 {
        env.new_session(&format!("Session {i}"), "2026-01-01", &text);
    }
    ok(env.run(&["reindex"]));
    for args in [
        &["list", "--json"][..],
        &["list"][..],
        &["search", "trust", "--sessions", "--limit", "100"][..],
        &["search", "trust", "--sessions", "--json", "--limit", "100"][..],
    ] {
        let o = into_closed_pipe(&env, args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", err(&o));
        assert_eq!(err(&o), "", "{args:?}");
    }
}
