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

#[test]
fn delete_trash_and_restore_from_the_command_line_keep_codings_and_search_right() {
    let env = Env::new();
    let keep = env.new_session("Keep", "2026-05-01", "Nothing here.\n");
    let id = env.new_session(
        "Doña Ana check-in",
        "2026-05-02",
        "Trust grew between the agencies.\n",
    );
    ok(env.run(&["code", "add", &id, "trust", "--quote", "Trust grew"]));
    assert_eq!(total(&env, "trust"), 1);
    let short = &id[id.len() - 8..];

    let o = env.run(&["delete", &id]);
    ok(o.clone());
    assert!(
        err(&o).contains("moved “Doña Ana check-in”") && err(&o).contains("ripple restore"),
        "{}",
        err(&o)
    );
    let listed = json(env.run(&["list", "--json"]));
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"].as_str(), Some(keep.as_str()));
    assert_eq!(total(&env, "trust"), 0, "search forgets the deleted note");
    assert!(json(env.run(&["code", "list", "--json"]))
        .as_array()
        .unwrap()
        .is_empty());

    let trash = json(env.run(&["trash", "--json"]));
    assert_eq!(trash.as_array().unwrap().len(), 1);
    assert_eq!(trash[0]["id"].as_str(), Some(id.as_str()));
    assert_eq!(trash[0]["title"].as_str(), Some("Doña Ana check-in"));
    assert_eq!(trash[0]["codings"].as_u64(), Some(1));
    assert!(ok(env.run(&["trash"])).contains("Doña Ana check-in"));

    // A restore by an id that is not in the trash is bad input and changes nothing.
    let o = env.run(&["restore", "zzzz"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(
        err(&o).contains("no deleted session matches"),
        "{}",
        err(&o)
    );

    assert_eq!(ok(env.run(&["restore", short])).trim(), id);
    assert_eq!(
        json(env.run(&["list", "--json"])).as_array().unwrap().len(),
        2
    );
    assert_eq!(total(&env, "trust"), 1, "search finds it again");
    assert_eq!(total(&env, "theme:trust"), 1);
    let codings = json(env.run(&["code", "list", "--json"]));
    assert_eq!(codings.as_array().unwrap().len(), 1, "its coding came back");
    assert!(json(env.run(&["trash", "--json"]))
        .as_array()
        .unwrap()
        .is_empty());
    // Restoring twice: nothing left to restore.
    assert_eq!(env.run(&["restore", short]).status.code(), Some(2));
    let check = env.run(&["check"]);
    assert!(check.status.success(), "{}{}", out(&check), err(&check));
}

#[test]
fn new_from_a_template_and_follow_ups_and_duplicates_from_the_command_line() {
    let env = Env::new();
    // The store is made by the first command; it ships the default template.
    let id = ok(env.run_with(
        &[
            "new",
            "--title",
            "Weekly",
            "--date",
            "2026-05-01",
            "--agency",
            "CYFD",
            "--template",
            "default",
        ],
        Some("- [ ] Call the school\n"),
    ))
    .trim()
    .to_string();
    let shown = json(env.run(&["show", &id, "--json"]));
    let text = shown["text"].as_str().unwrap();
    assert!(text.starts_with("## Discussion"), "{text}");
    assert!(
        text.contains("## Practice skills") && text.ends_with("- [ ] Call the school\n"),
        "{text}"
    );
    assert_eq!(shown["type"].as_str(), Some("coaching"));
    assert_eq!(shown["agencies"][0].as_str(), Some("CYFD"));

    let o = env.run(&["new", "--title", "x", "--template", "monthly"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("no template `monthly`") && err(&o).contains("default"),
        "{}",
        err(&o)
    );

    env.new_session(
        "Other",
        "2026-06-01",
        "- [ ] Send the plan to La Casa\n- [x] done\n",
    );
    let items = json(env.run(&["followups", "--json"]));
    let texts: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["text"].as_str().unwrap())
        .collect();
    // The default template's empty box is a placeholder, not a follow-up.
    assert_eq!(texts, ["Send the plan to La Casa", "Call the school"]);
    let since = json(env.run(&["followups", "--json", "--since", "2026-05-15", "--all"]));
    assert_eq!(since.as_array().unwrap().len(), 2);
    let o = env.run(&["followups", "--since", "May"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(ok(env.run(&["followups"])).contains("[ ] Call the school  2026-05-01"));

    let copy = ok(env.run(&["duplicate", &id])).trim().to_string();
    assert_ne!(copy, id);
    let copied = json(env.run(&["show", &copy, "--json"]));
    assert_eq!(copied["title"].as_str(), Some("Weekly (copy)"));
    assert_eq!(copied["text"], shown["text"]);
}

#[test]
fn followups_json_gives_each_item_its_status_and_where_a_carried_one_went() {
    let env = Env::new();
    env.new_session(
        "Joint",
        "2026-05-01",
        "## Follow-ups\n- [>] Call the school\n- [x] Sent the plan\n- [ ] Llamar a Peña Blanca\n- [ ]\n- [>]\n",
    );
    env.new_session(
        "Next",
        "2026-05-08",
        "## Open follow-ups from 2026-05-01 (Joint)\n\n- [ ] Call the school\n",
    );
    let items = json(env.run(&["followups", "--json", "--all"]));
    let got: Vec<(String, String, bool, serde_json::Value)> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["text"].as_str().unwrap().to_string(),
                i["status"].as_str().unwrap_or("(none)").to_string(),
                i["done"].as_bool().unwrap(),
                i["carried_to"].clone(),
            )
        })
        .collect();
    let null = serde_json::Value::Null;
    assert_eq!(
        got,
        [
            ("Call the school".into(), "open".into(), false, null.clone()),
            (
                "Call the school".into(),
                "carried".into(),
                false,
                serde_json::json!("2026-05-08")
            ),
            ("Sent the plan".into(), "done".into(), true, null.clone()),
            ("Llamar a Peña Blanca".into(), "open".into(), false, null),
        ]
    );
    // Open ones only by default: the carried original is not counted again.
    let open = json(env.run(&["followups", "--json"]));
    assert_eq!(open.as_array().unwrap().len(), 2);
    let lines = ok(env.run(&["followups", "--all"]));
    assert!(
        lines.contains("[>] Call the school  → carried to 2026-05-08  2026-05-01"),
        "{lines}"
    );
    assert!(!lines.contains("[ ]  "), "no empty item: {lines}");
}
