//! The session commands, run as the built binary against a store in a temp dir.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Run `ripple` with a private HOME (so config and cache stay in the temp dir) and no RIPPLE_*
/// variables from the outside.
fn ripple(home: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ripple"));
    cmd.args(args)
        .env("HOME", home)
        .env("USER", "tester")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_CACHE_HOME")
        .env_remove("XDG_DATA_HOME")
        .env_remove("RIPPLE_STORE")
        .env_remove("RIPPLE_INDEX")
        .env_remove("RIPPLE_CODER")
        .env_remove("RIPPLE_CONFIG");
    crate::common::output_with_stdin(cmd, stdin)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}
fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn new_list_show_check() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let store = dir.path().join("store");
    let s = store.to_str().unwrap();
    let note = "Doña Ana — confianza ✓ 我们\r\nsecond line\n";

    let out = ripple(
        &home,
        &[
            "--store",
            s,
            "new",
            "--title",
            "Joint coaching 🙂",
            "--date",
            "2026-06-14",
            "--agency",
            "CYFD",
            "--agency",
            "La Casa",
            "--type",
            "joint coaching",
            "--county",
            "Doña Ana",
            "--tag",
            "fathers",
            "--participant",
            "supervisor=2",
            "--participant",
            "advocate=3",
        ],
        Some(note),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let id = stdout(&out).trim().to_string();
    assert_eq!(id.len(), 26, "{id}");

    // list --json: metadata with the full id.
    let out = ripple(&home, &["--store", s, "list", "--json"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let arr = list.as_array().unwrap();
    assert_eq!(arr.len(), 1);
    assert_eq!(arr[0]["id"], id.as_str());
    assert_eq!(arr[0]["title"], "Joint coaching 🙂");
    assert_eq!(arr[0]["date"], "2026-06-14");
    assert_eq!(arr[0]["type"], "joint-coaching");
    assert_eq!(arr[0]["county"], "Doña Ana");
    assert_eq!(arr[0]["facilitator"], "tester");
    assert_eq!(arr[0]["agencies"], serde_json::json!(["CYFD", "La Casa"]));
    assert_eq!(
        arr[0]["participants"],
        serde_json::json!([{"role": "supervisor", "count": 2}, {"role": "advocate", "count": 3}])
    );

    // The table shows the short id.
    let short = &id[id.len() - 8..];
    let out = ripple(&home, &["--store", s, "list"], None);
    let table = stdout(&out);
    assert!(table.starts_with("ID "), "{table}");
    assert!(
        table.contains(short) && table.contains("joint coaching"),
        "{table}"
    );
    assert!(
        table.contains("CYFD, La Casa") && table.contains("Doña Ana"),
        "{table}"
    );

    // show --json by short id: the text with LF endings.
    let out = ripple(&home, &["--store", s, "show", short, "--json"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(shown["id"], id.as_str());
    assert_eq!(shown["text"], "Doña Ana — confianza ✓ 我们\nsecond line\n");

    // show by prefix, as text.
    let out = ripple(&home, &["--store", s, "show", &id[..20]], None);
    let text = stdout(&out);
    assert!(text.starts_with("Joint coaching 🙂\n"), "{text}");
    assert!(
        text.contains("participants: supervisor ×2, advocate ×3"),
        "{text}"
    );
    assert!(
        text.ends_with("Doña Ana — confianza ✓ 我们\nsecond line\n"),
        "{text}"
    );

    // check: clean store.
    let out = ripple(&home, &["--store", s, "check"], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("store OK: 1 sessions"),
        "{}",
        stdout(&out)
    );

    // check: a broken file is reported with path:line, exit 1, and left untouched.
    let bad_id = "01jd3k4m5n6p7q8r9s0t1v2w3x";
    let bad_path = store.join("sessions").join(format!("{bad_id}.md"));
    let bad = format!("+++\nid = \"{bad_id}\"\ntitle = \"t\"\ndate = \"June 14\"\n+++\nnote\n");
    std::fs::write(&bad_path, &bad).unwrap();
    let out = ripple(&home, &["--store", s, "check"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let report = stdout(&out);
    assert!(
        report.contains(&format!(
            "{}:4: date `June 14` is not a date",
            bad_path.display()
        )),
        "{report}"
    );
    assert!(report.contains("1 problem"), "{report}");
    assert_eq!(std::fs::read_to_string(&bad_path).unwrap(), bad);

    // list still lists the good session and warns about the bad one.
    let out = ripple(&home, &["--store", s, "list", "--json"], None);
    assert!(out.status.success());
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(stderr(&out).contains(&format!("{}:4:", bad_path.display())));
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let s = dir.path().join("store");
    let s = s.to_str().unwrap();

    let out = ripple(
        &home,
        &["--store", s, "new", "--title", "x", "--date", "2026-13-01"],
        Some(""),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("ripple: "), "{err}");
    assert!(err.contains("YYYY-MM-DD"), "{err}");

    let out = ripple(
        &home,
        &[
            "--store",
            s,
            "new",
            "--title",
            "x",
            "--participant",
            "supervisor=two",
        ],
        Some(""),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    let out = ripple(&home, &["--store", s, "show", "zzzzzzzz"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("ripple: no session id matches `zzzzzzzz`"));

    let out = ripple(&home, &["--store", s, "new", "--title", "  "], Some(""));
    assert_eq!(out.status.code(), Some(2));

    // A folder that is not a store is a failure (exit 1), with the reason.
    let not_store = dir.path().join("documents");
    std::fs::create_dir_all(&not_store).unwrap();
    std::fs::write(not_store.join("letter.txt"), "x").unwrap();
    let out = ripple(
        &home,
        &["--store", not_store.to_str().unwrap(), "list"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not a Ripple store"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn environment_and_config_supply_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let config = dir.path().join("my-config.toml");
    std::fs::write(
        &config,
        "facilitator = \"M. Rivera\"\ncoder = \"Ana Ortiz\"\n",
    )
    .unwrap();
    let store = dir.path().join("env-store");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ripple"));
    let out = cmd
        .args(["new", "--title", "from env"])
        .env("HOME", &home)
        .env("RIPPLE_STORE", &store)
        .env("RIPPLE_CONFIG", &config)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = ripple(
        &home,
        &["--store", store.to_str().unwrap(), "list", "--json"],
        None,
    );
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(list[0]["facilitator"], "M. Rivera");
    assert_eq!(list[0]["title"], "from env");

    // A malformed config is an error naming the file and line.
    std::fs::write(&config, "facilitator = \"M. Rivera\"\ncolour = 1\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ripple"))
        .args(["list"])
        .env("HOME", &home)
        .env("RIPPLE_STORE", &store)
        .env("RIPPLE_CONFIG", &config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("{}:2:", config.display())),
        "{}",
        stderr(&out)
    );
}

#[test]
fn demo_store_lists_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let out = ripple(&home, &["--demo", "list", "--json"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let arr = list.as_array().unwrap();
    assert!(arr.len() >= 12);
    assert!(arr.iter().any(|m| m["county"] == "Sierra"));
    assert!(arr.iter().any(|m| m["county"] == "Doña Ana"));
    let out = ripple(&home, &["--demo", "check"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // The demo store is thrown away: nothing was written under HOME's data folder.
    assert!(!home.join(".local/share/ripple/store").exists());
}

#[test]
fn new_is_refused_while_another_ripple_holds_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let root = dir.path().join("store");
    let holder = ripple::core::store::Store::open(&root).unwrap();
    assert!(!holder.is_read_only());
    let out = ripple(
        &home,
        &["--store", root.to_str().unwrap(), "new", "--title", "x"],
        Some("text"),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "ripple: busy: another Ripple is writing to {} (pid {}",
            root.display(),
            std::process::id()
        )),
        "{err}"
    );
    // Reading still works.
    let out = ripple(
        &home,
        &["--store", root.to_str().unwrap(), "list", "--json"],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    drop(holder);
}

/// `ripple check` reports temporary files left by writes cut short in any folder, and never
/// calls one that holds text kept nowhere else "safe to delete".
#[test]
fn check_reports_left_over_temporary_files_and_what_they_hold() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let store = dir.path().join("store");
    let s = store.to_str().unwrap();
    let out = ripple(
        &home,
        &[
            "--store",
            s,
            "new",
            "--title",
            "Cut short",
            "--date",
            "2026-02-12",
        ],
        Some("Before."),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let file = std::fs::read_dir(store.join("sessions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "md"))
        .unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(60))
        .unwrap();
    let newer = store.join("sessions").join(".ripple-tmp-newer");
    std::fs::write(&newer, text.replace("Before.", "Before. And after ✓.")).unwrap();
    let same = store.join("sessions").join(".ripple-tmp-same");
    std::fs::write(&same, &text).unwrap();
    let coder = store.join("codings").join("ana");
    std::fs::create_dir_all(&coder).unwrap();
    let coding = coder.join(".ripple-tmp-c0d1ng");
    std::fs::write(&coding, "{\"codings\": [").unwrap();

    let out = ripple(&home, &["--store", s, "check"], None);
    let text = stdout(&out);
    let line = |p: &Path| {
        text.lines()
            .find(|l| l.contains(&*p.to_string_lossy()))
            .unwrap_or_else(|| panic!("{} not reported:\n{text}", p.display()))
            .to_string()
    };
    let l = line(&newer);
    assert!(!l.contains("safe to delete"), "{l}");
    assert!(l.contains("unsaved text") && l.contains("recover"), "{l}");
    assert!(line(&same).contains("identical to the session file: safe to delete"));
    let l = line(&coding);
    assert!(
        !l.contains("safe to delete") && l.contains("not a complete session"),
        "{l}"
    );
    // Left as they were.
    assert!(newer.exists() && same.exists() && coding.exists());
    // The store's .gitignore keeps them out of a shared history.
    let ignore = std::fs::read_to_string(store.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == ".ripple-tmp-*"), "{ignore}");
}

/// A session file with the given id, written as a sync tool would.
fn write_session_file(store: &Path, id: &str, title: &str) {
    let sessions = store.join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    let file = format!(
        "+++\nid = \"{id}\"\ntitle = \"{title}\"\ndate = \"2026-06-14\"\nagencies = [\"CYFD\"]\ntype = \"joint-coaching\"\ncounty = \"Doña Ana\"\nfacilitator = \"M. Rivera\"\ntags = []\ncreated = \"2026-06-14T18:03:00Z\"\nupdated = \"2026-06-14T18:40:12Z\"\n+++\nWords.\n"
    );
    std::fs::write(sessions.join(format!("{id}.md")), file).unwrap();
}

#[test]
fn a_prefix_of_the_short_id_names_a_session_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let store = dir.path().join("store");
    let s = store.to_str().unwrap();
    // Short ids c9p2x4hq and c9p7m1ab.
    let first = "01jd3k4m5n6p7q8r9sc9p2x4hq";
    let second = "01jd3k4m5n6p7q8r9sc9p7m1ab";
    // Create the store, then add the files.
    assert!(ripple(&home, &["--store", s, "list"], None)
        .status
        .success());
    write_session_file(&store, first, "First meeting");
    write_session_file(&store, second, "Second meeting");

    let out = ripple(&home, &["--store", s, "list"], None);
    assert!(stdout(&out).contains("c9p2x4hq"), "{}", stdout(&out));

    let out = ripple(&home, &["--store", s, "show", "c9p2", "--json"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(shown["id"], first);

    let out = ripple(&home, &["--store", s, "show", "c9p"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("ripple: `c9p` matches 2 sessions")
            && err.contains(first)
            && err.contains(second),
        "{err}"
    );

    // Coding, deleting and restoring read the id the same way.
    let out = ripple(
        &home,
        &[
            "--store", s, "--coder", "Ana", "code", "add", "c9p7", "trust", "--quote", "Words",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = ripple(&home, &["--store", s, "delete", "c9p7"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!store.join("sessions").join(format!("{second}.md")).exists());
    let out = ripple(&home, &["--store", s, "restore", "c9p7"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(store.join("sessions").join(format!("{second}.md")).exists());
}
