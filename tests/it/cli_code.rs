//! `ripple code ...` and `ripple codebook ...` run as a user would: the real binary on a store
//! in a temporary folder.

use ripple::core::store::Store;
use std::path::Path;
use std::process::{Command, Output};

const NOTE: &str = "Joint coaching with CYFD and La Casa in Doña Ana county. 🙂\n\
The advocate said: mañana we finally trust each other.\n\
The investigator said: we trust La Casa to call first.\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ripple(store: &Path, coder: &str, args: &[&str]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_ripple"))
        .arg("--store")
        .arg(store)
        .args(args)
        .env("RIPPLE_CODER", coder)
        .env("RIPPLE_CONFIG", store.join("no-config.toml"))
        .env("RIPPLE_INDEX", store.join("index"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run ripple");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// A store with one session (made with `ripple new`); returns the session id.
///
/// Made by the binary rather than in this process: a `Store` opened here holds the writer lock
/// on a file descriptor that a child spawned at that moment by a parallel test inherits until
/// it execs, which can keep the lock held after the `Store` is dropped.
fn store_with_note(root: &Path) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ripple"));
    cmd.arg("--store")
        .arg(root)
        .args([
            "new",
            "--title",
            "Joint coaching: trust",
            "--county",
            "Doña Ana",
        ])
        .env("RIPPLE_CONFIG", root.with_extension("no-config.toml"))
        .env("RIPPLE_INDEX", root.with_extension("index"));
    let out = crate::common::output_with_stdin(cmd, Some(NOTE));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let text = std::fs::read_to_string(crate::common::session_file(root, &id)).unwrap();
    assert!(text.ends_with(NOTE), "the note is stored as given");
    id
}

#[test]
fn add_list_and_remove_a_coding() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let id = store_with_note(&root);

    let r = ripple(
        &root,
        "Ana Peña",
        &[
            "code",
            "add",
            &id[..10],
            "trust",
            "--quote",
            "mañana we finally trust",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let coding_id = r.stdout.trim().to_string();
    assert_eq!(coding_id.len(), 26, "prints the coding id: {:?}", r.stdout);
    assert!(root.join(format!("codings/ana-pena/{id}.json")).is_file());

    let r = ripple(&root, "Ana Peña", &["code", "list", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row["id"], coding_id.as_str());
    assert_eq!(row["theme"], "trust");
    assert_eq!(row["coder"], "Ana Peña");
    assert_eq!(row["quote"], "mañana we finally trust");
    // Code points: the emoji and the ñ of "Doña" each count as one.
    let start = NOTE[..NOTE.find("mañana").unwrap()].chars().count();
    assert_eq!(row["start"].as_u64(), Some(start as u64));
    assert_eq!(
        row["end"].as_u64().unwrap() - row["start"].as_u64().unwrap(),
        "mañana we finally trust".chars().count() as u64
    );

    // The theme filter includes child themes; other themes and coders are filtered out.
    let r = ripple(
        &root,
        "Ana Peña",
        &["code", "list", "--theme", "collaboration"],
    );
    assert!(
        r.stdout.contains("“mañana we finally trust”"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&coding_id[18..]),
        "short id shown: {}",
        r.stdout
    );
    let r = ripple(
        &root,
        "Ana Peña",
        &["code", "list", "--theme", "practice", "--json"],
    );
    assert_eq!(r.stdout.trim(), "[]");
    let r = ripple(
        &root,
        "Ana Peña",
        &["code", "list", "--coder", "someone-else", "--json"],
    );
    assert_eq!(r.stdout.trim(), "[]");

    let r = ripple(&root, "Ana Peña", &["code", "rm", &coding_id[..12]]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = ripple(&root, "Ana Peña", &["code", "list", "--json"]);
    assert_eq!(r.stdout.trim(), "[]");
    assert!(!root.join(format!("codings/ana-pena/{id}.json")).exists());
}

#[test]
fn ambiguous_quote_and_unknown_theme_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let id = store_with_note(&root);

    let r = ripple(
        &root,
        "Ana",
        &["code", "add", &id, "trust", "--quote", "trust"],
    );
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("occurs 2 times"), "{}", r.stderr);
    assert!(r.stderr.contains("--occurrence"), "{}", r.stderr);

    let r = ripple(
        &root,
        "Ana",
        &[
            "code",
            "add",
            &id,
            "trust",
            "--quote",
            "trust",
            "--occurrence",
            "2",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    let r = ripple(
        &root,
        "Ana",
        &["code", "add", &id, "trsut", "--quote", "mañana"],
    );
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("`trust`"),
        "close match suggested: {}",
        r.stderr
    );

    let r = ripple(
        &root,
        "Ana",
        &["code", "add", &id, "trust", "--quote", "not in the note"],
    );
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("does not occur"), "{}", r.stderr);
}

#[test]
fn codebook_check_reports_lines_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    store_with_note(&root);

    let r = ripple(&root, "Ana", &["codebook", "check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("17 themes"), "{}", r.stdout);

    let path = root.join("codebook.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n[[theme]]\nkey = \"trust\"\nname = \"Trust again\"\ncolour = \"teal\"\n");
    std::fs::write(&path, &text).unwrap();
    let line = text.lines().count() - 2;
    let r = ripple(&root, "Ana", &["codebook", "check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "codebook.toml:{line}: duplicate theme key `trust`"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "codebook.toml:{}: theme `trust` has colour `teal`",
            line + 2
        )),
        "{}",
        r.stderr
    );
}

#[test]
fn codebook_show_counts_passages() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let id = store_with_note(&root);
    for (coder, theme, quote) in [
        ("Ana", "trust", "we finally trust each other"),
        ("Ben", "trust", "we finally trust each other"),
        ("Ben", "communication", "to call first"),
    ] {
        let r = ripple(&root, coder, &["code", "add", &id, theme, "--quote", quote]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let r = ripple(&root, "Ana", &["codebook", "show", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let themes: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let find = |k: &str| {
        themes
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["key"] == k)
            .unwrap()
            .clone()
    };
    // Ana's and Ben's trust on the same words: one passage, two codings.
    assert_eq!(find("trust")["passages"], 1);
    assert_eq!(find("trust")["codings"], 2);
    assert_eq!(find("collaboration")["passages"], 0);
    assert_eq!(find("collaboration")["passages_with_children"], 2);
    assert_eq!(find("collaboration")["codings_with_children"], 3);
    assert_eq!(find("trust")["depth"], 1);

    let r = ripple(&root, "Ana", &["codebook", "show"]);
    assert!(r
        .stdout
        .contains("collaboration  Collaboration between agencies"));
    assert!(
        r.stdout
            .contains("2 passages (0 here, 2 only in sub-themes), 3 codings"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("  trust  Trust"), "{}", r.stdout);
}

#[test]
fn writes_are_refused_while_another_ripple_holds_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let id = store_with_note(&root);
    let _writer = Store::open(&root).unwrap();
    let r = ripple(
        &root,
        "Ana",
        &["code", "add", &id, "trust", "--quote", "mañana"],
    );
    assert_ne!(r.code, 0);
    // After waiting briefly for the lock (issue 10: "busy", not "read-only").
    assert!(
        r.stderr.contains("busy: another Ripple is writing to"),
        "{}",
        r.stderr
    );
    // Reading still works.
    let r = ripple(&root, "Ana", &["code", "list", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn check_reports_orphaned_and_broken_codings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let id = store_with_note(&root);
    let r = ripple(
        &root,
        "Ana",
        &[
            "code",
            "add",
            &id,
            "trust",
            "--quote",
            "we finally trust each other",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = ripple(
        &root,
        "Ben",
        &[
            "code",
            "add",
            &id,
            "communication",
            "--quote",
            "to call first",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = ripple(&root, "Ana", &["check"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    // The note is edited outside Ripple: Ana's words are reworded, a line added on top.
    let note_path = crate::common::session_file(&root, &id);
    let file = std::fs::read_to_string(&note_path).unwrap();
    let edited = file
        .replace("we finally trust each other", "trust is still fragile")
        .replace("Joint coaching with", "Added later.\nJoint coaching with");
    std::fs::write(&note_path, edited).unwrap();
    // And Ben's codings file is damaged.
    let ben = root.join(format!("codings/ben/{id}.json"));
    std::fs::write(&ben, "{\n  \"session\": \n").unwrap();

    let r = ripple(&root, "Ana", &["check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("lost its words"), "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!("{}:3:", ben.display())),
        "{}",
        r.stdout
    );
    // Listing still works and shows the orphan.
    let r = ripple(&root, "Ana", &["code", "list"]);
    assert!(
        r.stdout
            .contains("[orphaned] “we finally trust each other”"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("ben"), "{}", r.stderr);

    // Another coder's broken file does not stop Ana from coding the session, and is left as it
    // is (only Ana's file is read and written); coding it also records what happened to her
    // earlier coding.
    let r = ripple(
        &root,
        "Ana",
        &[
            "code",
            "add",
            &id,
            "trust",
            "--quote",
            "trust is still fragile",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&ben).unwrap(),
        "{\n  \"session\": \n"
    );
    let ana = std::fs::read_to_string(root.join(format!("codings/ana/{id}.json"))).unwrap();
    assert!(ana.contains("\"status\": \"orphaned\""), "{ana}");
    assert_eq!(ana.matches("\"status\": \"attached\"").count(), 1, "{ana}");
}

#[test]
fn check_lists_kept_codings_and_restore_writes_them_back() {
    use ripple::core::coding::CoderSessionFile;
    use ripple::core::coding_store::{find_quote, new_coding, to_json};
    use ripple::core::session::SessionId;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let id = store_with_note(&root);
    // What a failed save in the TUI keeps: Ana Peña's file, with a memo.
    let sid = SessionId(id.clone());
    let (s, e) = find_quote(NOTE, "mañana we finally trust", None).unwrap();
    let coding = new_coding(NOTE, &sid, s, e, "trust", "Ana Peña", "").unwrap();
    let kept = CoderSessionFile {
        session: sid.clone(),
        coder: "Ana Peña".into(),
        memo: "Confianza después del mes 3".into(),
        codings: vec![coding.clone()],
    };
    let draft = root.join(format!(".ripple/drafts/codings/ana-pena/{id}.json"));
    std::fs::create_dir_all(draft.parent().unwrap()).unwrap();
    std::fs::write(&draft, to_json(&kept)).unwrap();

    let r = ripple(&root, "Ana Peña", &["check"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "note: {}: 1 coding(s) of Ana Peña for \"Joint coaching: trust\" ({})",
            draft.display(),
            sid.short()
        )) && r.stdout.contains(&format!(
            "`ripple --store {} --coder 'Ana Peña' code restore {}`",
            root.display(),
            sid.short()
        )),
        "{}",
        r.stdout
    );
    // Someone else has nothing kept.
    let r = ripple(&root, "Ben", &["code", "restore", sid.short()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no codings of Ben kept"), "{}", r.stderr);
    assert!(draft.exists());

    let r = ripple(&root, "Ana Peña", &["code", "restore", sid.short()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("restored 1 coding(s) of Ana Peña for session"),
        "{}",
        r.stdout
    );
    assert!(!draft.exists(), "the draft is gone once restored");
    let file = root.join(format!("codings/ana-pena/{id}.json"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(v["memo"], "Confianza después del mes 3");
    assert_eq!(v["codings"][0]["id"], coding.id.0.as_str());
    assert_eq!(v["codings"][0]["quote"], "mañana we finally trust");
    let r = ripple(&root, "Ana Peña", &["check"]);
    assert!(
        !r.stdout.contains("kept after a failed save"),
        "{}",
        r.stdout
    );
}
