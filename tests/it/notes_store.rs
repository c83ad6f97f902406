//! The store between sessions: readable file names (renamed with the title, the id kept, files
//! named by earlier Ripples still read), the trash (delete, list, restore), duplicates,
//! templates and follow-ups, as the core and the command line give them.

use ripple::core::session::{Session, SessionId, SessionMeta};
use ripple::core::session_file::{file_name_for, to_file_string};
use ripple::core::store::Store;
use std::fs;
use std::path::{Path, PathBuf};
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
    fn run_with(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ripple"));
        c.args(args)
            .env("RIPPLE_STORE", self.store())
            .env("RIPPLE_INDEX", self.dir.path().join("index"))
            .env("RIPPLE_CONFIG", self.dir.path().join("config.toml"))
            .env("RIPPLE_CODER", "Ana")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        crate::common::output_with_stdin(c, stdin)
    }
    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, None)
    }
    fn new_session(&self, title: &str, date: &str, text: &str) -> String {
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
fn total(env: &Env, query: &str) -> u64 {
    json(env.run(&["search", query, "--sessions", "--json"]))["total"]
        .as_u64()
        .unwrap()
}

/// The names of the session files (hidden files left out), sorted.
fn session_names(store: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(store.join("sessions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.starts_with('.'))
        .collect();
    v.sort();
    v
}

#[test]
fn a_title_change_renames_the_file_keeping_the_id_codings_and_search() {
    let env = Env::new();
    let id = env.new_session(
        "First draft",
        "2026-05-01",
        "Trust grew between the agencies.\n",
    );
    assert_eq!(
        session_names(&env.store()),
        vec![format!("2026-05-01-first-draft-{id}.md")]
    );
    ok(env.run(&["code", "add", &id, "trust", "--quote", "Trust grew"]));
    assert_eq!(total(&env, "trust"), 1);

    {
        let store = Store::open(&env.store()).unwrap();
        let sid = SessionId(id.clone());
        let mut s = store.load(&sid).unwrap();
        s.meta.title = "Safety planning with fathers (Doña Ana)".into();
        store.save(&s).unwrap();
        assert_eq!(
            store
                .session_path(&sid)
                .file_name()
                .unwrap()
                .to_str()
                .unwrap(),
            format!("2026-05-01-safety-planning-with-fathers-dona-ana-{id}.md")
        );
        assert_eq!(store.load(&sid).unwrap(), s);
    }
    // One file, renamed; the old name is gone.
    assert_eq!(
        session_names(&env.store()),
        vec![format!(
            "2026-05-01-safety-planning-with-fathers-dona-ana-{id}.md"
        )]
    );
    // The coding is still the session's, attached; search sees one session, with the new title.
    let codings = json(env.run(&["code", "list", "--json"]));
    let codings = codings.as_array().unwrap();
    assert_eq!(codings.len(), 1);
    assert_eq!(
        codings[0]["session"].as_str(),
        Some(id.as_str()),
        "{codings:?}"
    );
    assert_eq!(codings[0]["quote"].as_str(), Some("Trust grew"));
    assert_eq!(total(&env, "trust"), 1, "one session, not two");
    assert_eq!(total(&env, "fathers"), 1, "the new title is indexed");
    assert_eq!(total(&env, "draft"), 0, "the old title is not");
    let check = env.run(&["check"]);
    assert!(check.status.success(), "{}{}", out(&check), err(&check));
}

#[test]
fn files_named_by_id_alone_still_work_and_take_their_readable_name_when_saved() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let store = Store::open(&root).unwrap();
    let mut meta = SessionMeta::new_today("M. Rivera");
    meta.title = "Joint coaching".into();
    let s = Session {
        meta,
        text: "Old store, old name.\n".into(),
    };
    let id = s.meta.id.clone();
    let old = root.join("sessions").join(format!("{id}.md"));
    fs::write(&old, to_file_string(&s)).unwrap();
    // Read as before: listed, found by its short id, loaded.
    let scan = store.scan();
    assert!(scan.problems.is_empty(), "{:?}", scan.problems);
    assert_eq!(scan.sessions.len(), 1);
    assert_eq!(scan.sessions[0].path, old);
    assert_eq!(store.resolve(id.short()).unwrap(), id);
    assert_eq!(store.load(&id).unwrap(), s);
    // Its next save gives it the readable name, the same bytes otherwise.
    store.save(&s).unwrap();
    let named = root.join("sessions").join(file_name_for(&s.meta));
    assert!(!old.exists());
    assert_eq!(fs::read_to_string(&named).unwrap(), to_file_string(&s));
    assert_eq!(session_names(&root), vec![file_name_for(&s.meta)]);
    let scan = store.scan();
    assert_eq!(scan.sessions.len(), 1);
    assert_eq!(scan.sessions[0].path, named);
}

#[test]
fn a_second_file_with_the_same_id_and_a_name_without_an_id_are_problems_not_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    let store = Store::open(&root).unwrap();
    let mut meta = SessionMeta::new_today("M. Rivera");
    meta.title = "Leadership meeting".into();
    let s = store.create(meta, "The words.\n").unwrap();
    let named = store.session_path(&s.meta.id);
    let copy = root
        .join("sessions")
        .join(format!("zz-copy-{}.md", s.meta.id));
    fs::copy(&named, &copy).unwrap();
    fs::write(root.join("sessions/notes.md"), "not a session").unwrap();
    let scan = store.scan();
    assert_eq!(scan.sessions.len(), 1);
    assert_eq!(scan.sessions[0].path, named);
    assert_eq!(scan.problems.len(), 2, "{:?}", scan.problems);
    let said: Vec<String> = scan.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        said.iter()
            .any(|p| p.contains("zz-copy-") && p.contains("holds the same session")),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|p| p.contains("notes.md") && p.contains("does not end with a session id")),
        "{said:?}"
    );
    // Both files are left as they were.
    assert_eq!(fs::read(&copy).unwrap(), fs::read(&named).unwrap());
}
