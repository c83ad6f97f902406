//! Hostile paths: the file system as an adversary. Symbolic links planted in the store (to
//! folders and files, inside and outside it), devices, FIFOs, folders and links as export
//! targets, `..`, separators and NUL in ids and coder names. Every case must end with nothing
//! written outside the store, nothing replaced, and a clear error.
//!
//! Each case runs on a fresh store beside a folder `outside/` that stands for everything a
//! planted link could reach; the folder is snapshotted (names, kinds, modes, contents, link
//! targets) before and after, and any difference counts as a write outside the store. The
//! figures go to docs/reliability.md ("Hostile paths and export targets"):
//! `cargo test --test it hostile_paths -- --nocapture` prints them.

use ripple::core::coding::coder_slug;
use ripple::core::coding::CoderSessionFile;
use ripple::core::coding_store;
use ripple::core::session::{Session, SessionId, SessionMeta};
use ripple::core::store::Store;
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{symlink, FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOTE: &str = "Doña Ana County: the supervisors said they trust the advocates now. 🙂";

/// A store with one session coded once, and a folder outside it.
struct World {
    tmp: tempfile::TempDir,
    id: String,
    /// `outside/` as it was when the case's own setup was done.
    outside_before: std::cell::RefCell<BTreeMap<PathBuf, String>>,
}

impl World {
    fn new() -> World {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::set_permissions(&outside, fs::Permissions::from_mode(0o755)).unwrap();
        fs::write(outside.join("kept.md"), "theirs: not Ripple's to touch").unwrap();
        fs::set_permissions(outside.join("kept.md"), fs::Permissions::from_mode(0o644)).unwrap();
        fs::create_dir(outside.join("folder")).unwrap();
        fs::set_permissions(outside.join("folder"), fs::Permissions::from_mode(0o755)).unwrap();
        let mut w = World {
            tmp,
            id: String::new(),
            outside_before: Default::default(),
        };
        let o = w.ripple_in(&["new", "--title", "Joint coaching"], Some(NOTE));
        assert!(o.status.success(), "{}", err(&o));
        w.id = out(&o).trim().to_string();
        let o = w.ripple(&[
            "code",
            "add",
            &w.id,
            "trust",
            "--quote",
            "trust the advocates",
        ]);
        assert!(o.status.success(), "{}", err(&o));
        w
    }

    /// The case's setup is done (links planted): from here on, nothing in `outside/` may
    /// change.
    fn start(&self) {
        *self.outside_before.borrow_mut() = snapshot(&self.outside());
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }
    fn store(&self) -> PathBuf {
        self.path("store")
    }
    fn outside(&self) -> PathBuf {
        self.path("outside")
    }
    fn session_file(&self) -> PathBuf {
        crate::common::session_file(&self.store(), &self.id)
    }
    fn coder_dir(&self) -> PathBuf {
        self.store().join("codings/test-coder")
    }

    fn ripple(&self, args: &[&str]) -> Output {
        self.ripple_in(args, None)
    }

    fn ripple_in(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let home = self.path("home");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ripple"));
        cmd.arg("--store")
            .arg(self.store())
            .args(args)
            .env("RIPPLE_INDEX", self.path("index"))
            .env("RIPPLE_CONFIG", self.path("config.toml"))
            .env("RIPPLE_CODER", "Test Coder")
            .env("HOME", &home)
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"));
        crate::common::output_with_stdin(cmd, stdin)
    }

    /// The store in this process, with its fallback drafts folder beside it (never inside
    /// `outside/`).
    fn open(&self) -> Store {
        let mut s = Store::open(&self.store()).unwrap();
        s.set_fallback_drafts_dir(self.path("fallback"));
        s
    }

    /// Replace `at` (a file or folder in the store) with a link to `to`, moving what was there
    /// to `to` first when `to` does not exist yet.
    fn plant_link(&self, at: &Path, to: &Path) {
        if !to.exists() && at.exists() {
            fs::rename(at, to).unwrap();
        } else if at.is_dir() {
            fs::remove_dir_all(at).unwrap();
        } else if at.exists() {
            fs::remove_file(at).unwrap();
        }
        symlink(to, at).unwrap();
        self.start();
    }
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Everything about a folder tree that a write could change, links not followed.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, String> {
    let mut m = BTreeMap::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(p) = todo.pop() {
        let Ok(meta) = fs::symlink_metadata(&p) else {
            continue;
        };
        let t = meta.file_type();
        let mode = meta.permissions().mode() & 0o7777;
        let what = if t.is_symlink() {
            format!("link -> {}", fs::read_link(&p).unwrap().display())
        } else if t.is_dir() {
            for e in fs::read_dir(&p).unwrap().flatten() {
                todo.push(e.path());
            }
            format!("dir {mode:o}")
        } else if t.is_file() {
            format!("file {mode:o} {:?}", fs::read(&p).unwrap())
        } else if t.is_fifo() {
            format!("fifo {mode:o}")
        } else {
            format!("other {mode:o}")
        };
        m.insert(p.strip_prefix(root).unwrap().to_path_buf(), what);
    }
    m
}

fn mkfifo(p: &Path) {
    let status = Command::new("mkfifo").arg(p).status().expect("mkfifo");
    assert!(status.success());
}

fn assert_refused(o: &Output, says: &str) {
    assert!(!o.status.success(), "should have been refused: {}", out(o));
    assert!(
        err(o).contains(says),
        "the error should say {says:?}, it said: {}",
        err(o)
    );
}

/// `ripple check` names the link and where it points.
fn check_lists_link(w: &World, link: &Path) {
    let o = w.ripple(&["check"]);
    assert_eq!(o.status.code(), Some(1), "{}{}", out(&o), err(&o));
    let target = fs::read_link(link).unwrap();
    let line = format!(
        "{}: a symbolic link inside the store (to {})",
        link.display(),
        target.display()
    );
    assert!(
        out(&o).contains(&line),
        "check should list {line:?}:\n{}",
        out(&o)
    );
}

fn export(w: &World, to: &Path, force: bool) -> Output {
    let mut args = vec!["evidence", "--out", to.to_str().unwrap()];
    if force {
        args.push("--force");
    }
    w.ripple(&args)
}

fn session(id: &str) -> Session {
    let mut meta = SessionMeta::new_today("M. Rivera");
    meta.id = SessionId(id.to_string());
    meta.title = "hostile".into();
    Session {
        meta,
        text: NOTE.into(),
    }
}

type CaseFn = fn(&World);

/// Every case: (name, what it does). Each runs on a fresh `World`.
const CASES: &[(&str, CaseFn)] = &[
    // ---- export targets ----
    ("export onto a session file in the store", |w| {
        let before = fs::read(w.session_file()).unwrap();
        assert_refused(&export(w, &w.session_file(), true), "inside the store");
        assert_eq!(fs::read(w.session_file()).unwrap(), before);
    }),
    ("export onto codebook.toml", |w| {
        let p = w.store().join("codebook.toml");
        let before = fs::read(&p).unwrap();
        assert_refused(&export(w, &p, true), "inside the store");
        assert_eq!(fs::read(&p).unwrap(), before);
    }),
    ("export to a new file in the store", |w| {
        let p = w.store().join("report.md");
        assert_refused(&export(w, &p, false), "inside the store");
        assert!(!p.exists());
    }),
    ("export through `..` into the store's sessions", |w| {
        let p = w.outside().join("../store/sessions/report.md");
        assert_refused(&export(w, &p, false), "inside the store");
        assert!(!w.store().join("sessions/report.md").exists());
    }),
    ("export onto a file in the index folder", |w| {
        // An export without --out builds the index first.
        assert!(w.ripple(&["evidence"]).status.success());
        let p = w.path("index/meta.json");
        let before = fs::read(&p).unwrap();
        assert_refused(&export(w, &p, true), "inside the search index folder");
        assert_eq!(fs::read(&p).unwrap(), before);
    }),
    ("export onto a FIFO", |w| {
        let p = w.outside().join("pipe");
        mkfifo(&p);
        w.start();
        assert_refused(&export(w, &p, true), "FIFO");
        assert!(fs::symlink_metadata(&p).unwrap().file_type().is_fifo());
    }),
    ("export onto a folder", |w| {
        assert_refused(&export(w, &w.outside().join("folder"), true), "a folder");
        assert!(w.outside().join("folder").is_dir());
    }),
    ("export through a link to a session file", |w| {
        let link = w.path("to-note.md");
        symlink(w.session_file(), &link).unwrap();
        let before = fs::read(w.session_file()).unwrap();
        assert_refused(&export(w, &link, true), "inside the store");
        assert_eq!(fs::read(w.session_file()).unwrap(), before);
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
    }),
    ("export into a link to the store's sessions folder", |w| {
        let link = w.path("into-sessions");
        symlink(w.store().join("sessions"), &link).unwrap();
        assert_refused(
            &export(w, &link.join("report.md"), false),
            "inside the store",
        );
        assert!(!w.store().join("sessions/report.md").exists());
    }),
    (
        "export through a link to a file outside: written through",
        |w| {
            let real = w.path("reports/evidence.md");
            fs::create_dir_all(real.parent().unwrap()).unwrap();
            fs::write(&real, "last week's").unwrap();
            let link = w.path("evidence-link.md");
            symlink(&real, &link).unwrap();
            assert_refused(&export(w, &link, false), "already exists");
            assert_eq!(fs::read_to_string(&real).unwrap(), "last week's");
            let o = export(w, &link, true);
            assert!(o.status.success(), "{}", err(&o));
            assert!(fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink());
            assert!(fs::read_to_string(&real)
                .unwrap()
                .contains("trust the advocates"));
        },
    ),
    ("export through a link to nothing", |w| {
        let link = w.path("dangling.md");
        symlink(w.path("nowhere/x.md"), &link).unwrap();
        assert_refused(&export(w, &link, true), "does not exist");
        assert!(!w.path("nowhere").exists());
    }),
    ("export onto an existing file without --force", |w| {
        let p = w.path("report.md");
        fs::write(&p, "my edited report").unwrap();
        let o = export(w, &p, false);
        assert_refused(&o, "already exists: add --force");
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(fs::read_to_string(&p).unwrap(), "my edited report");
    }),
    ("export into a folder that does not exist", |w| {
        assert_refused(
            &export(w, &w.path("no/such/report.md"), false),
            "does not exist",
        );
        assert!(!w.path("no").exists());
    }),
    // ---- links planted in the store ----
    ("codings/<coder> links to a folder outside", |w| {
        let link = w.coder_dir();
        w.plant_link(&link, &w.outside().join("folder"));
        let o = w.ripple(&["code", "add", &w.id, "roles", "--quote", "supervisors"]);
        assert_refused(&o, "is a symbolic link");
        check_lists_link(w, &link);
    }),
    ("codings/ links to a folder outside", |w| {
        let link = w.store().join("codings");
        w.plant_link(&link, &w.outside().join("folder"));
        let o = w.ripple(&["code", "add", &w.id, "roles", "--quote", "supervisors"]);
        assert_refused(&o, "is a symbolic link");
        check_lists_link(w, &link);
    }),
    ("a coder's codings file links to a file outside", |w| {
        // The coder's own file moved outside and linked back: it reads, but is never written
        // through (nor replaced by a file).
        let link = w.coder_dir().join(format!("{}.json", w.id));
        w.plant_link(&link, &w.outside().join("codings.json"));
        let o = w.ripple(&["code", "add", &w.id, "roles", "--quote", "supervisors"]);
        assert!(!o.status.success());
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        check_lists_link(w, &link);
    }),
    ("sessions/ links to a folder outside", |w| {
        let link = w.store().join("sessions");
        w.plant_link(&link, &w.outside().join("sessions"));
        let o = w.ripple_in(&["new", "--title", "planted"], Some("secret words"));
        assert_refused(&o, "is a symbolic link");
        // The text is kept, and the message says where (not "in memory": the command ends).
        let e = err(&o);
        assert!(!e.contains("in memory"), "{e}");
        let kept = e
            .split("kept in the recovery draft at ")
            .nth(1)
            .unwrap()
            .trim();
        assert!(kept.starts_with(w.store().join(".ripple/drafts").to_str().unwrap()));
        assert!(fs::read_to_string(kept).unwrap().contains("secret words"));
        check_lists_link(w, &link);
    }),
    ("a session file links to a file outside", |w| {
        let link = w.session_file();
        w.plant_link(&link, &w.outside().join("kept.md"));
        let store = w.open();
        let e = store.save(&session(&w.id)).unwrap_err();
        assert!(e.to_string().contains("is a symbolic link"), "{e}");
        drop(store);
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        check_lists_link(w, &link);
    }),
    (".ripple/ links to a folder outside", |w| {
        let link = w.store().join(".ripple");
        w.plant_link(&link, &w.outside().join("machine"));
        let o = w.ripple_in(&["new", "--title", "planted"], Some("secret words"));
        assert_refused(&o, "kept in full at");
        let kept = err(&o);
        let kept = kept.split("kept in full at ").nth(1).unwrap();
        let kept = PathBuf::from(kept.split(" (a complete").next().unwrap());
        assert!(kept.starts_with(w.path("home")), "{kept:?}");
        assert!(fs::read_to_string(&kept).unwrap().contains("secret words"));
        check_lists_link(w, &link);
    }),
    (".ripple/lock links to a file outside", |w| {
        let link = w.store().join(".ripple/lock");
        w.plant_link(&link, &w.outside().join("kept.md"));
        let o = w.ripple_in(&["new", "--title", "planted"], Some("secret words"));
        assert_refused(&o, "kept in full at");
        check_lists_link(w, &link);
    }),
    (".ripple/drafts links to a folder outside", |w| {
        let link = w.store().join(".ripple/drafts");
        w.plant_link(&link, &w.outside().join("folder"));
        let store = w.open();
        // The draft goes to the fallback folder instead.
        let kept = store.write_draft(&session(&w.id)).unwrap();
        assert!(kept.starts_with(w.path("fallback")), "{kept:?}");
        drop(store);
        check_lists_link(w, &link);
    }),
    (".ripple/drafts/codings links to a folder outside", |w| {
        let link = w.store().join(".ripple/drafts/codings");
        w.plant_link(&link, &w.outside().join("folder"));
        let store = w.open();
        let file = CoderSessionFile {
            session: SessionId(w.id.clone()),
            coder: "Test Coder".into(),
            memo: "kept".into(),
            codings: Vec::new(),
        };
        let kept = ripple::core::coding_draft::write(&store, &file).unwrap();
        assert!(kept.starts_with(w.path("fallback")), "{kept:?}");
        drop(store);
        check_lists_link(w, &link);
    }),
    (".ripple/trash links to a folder outside", |w| {
        let link = w.store().join(".ripple/trash");
        w.plant_link(&link, &w.outside().join("folder"));
        let store = w.open();
        let e = store.delete(&SessionId(w.id.clone())).unwrap_err();
        assert!(e.to_string().contains("is a symbolic link"), "{e}");
        drop(store);
        assert!(w.session_file().is_file(), "the session stays");
        check_lists_link(w, &link);
    }),
    (
        "deleting a session whose coder folder links outside moves nothing",
        |w| {
            let link = w.coder_dir();
            // The coder's folder, with this session's codings, moved outside and linked back.
            w.plant_link(&link, &w.outside().join("coder"));
            let store = w.open();
            let e = store.delete(&SessionId(w.id.clone())).unwrap_err();
            assert!(e.to_string().contains("is a symbolic link"), "{e}");
            drop(store);
            assert!(w.session_file().is_file(), "the session stays");
            check_lists_link(w, &link);
        },
    ),
    (".ripple/catalog.tsv links to a file outside", |w| {
        let link = w.store().join(".ripple/catalog.tsv");
        w.plant_link(&link, &w.outside().join("kept.md"));
        let o = w.ripple(&["list"]);
        assert!(o.status.success(), "reading still works: {}", err(&o));
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        check_lists_link(w, &link);
    }),
    ("codebook.toml links to a file outside", |w| {
        let link = w.store().join("codebook.toml");
        let book = ripple::core::codebook::Codebook::builtin();
        fs::write(w.outside().join("codebook.toml"), book.to_toml()).unwrap();
        w.plant_link(&link, &w.outside().join("codebook.toml"));
        let e = book.save(&link).unwrap_err();
        assert!(e.to_string().contains("is a symbolic link"), "{e}");
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        check_lists_link(w, &link);
    }),
    // ---- names and ids ----
    (
        "coder names with `..`, separators and NUL stay in codings/",
        |w| {
            for name in [
                "../../outside/evil",
                "..",
                ".",
                "/",
                "a/../../b",
                "..\\..\\x",
                "a\u{0}b",
                "\u{ff0e}\u{ff0e}/\u{2215}x",
            ] {
                let file = CoderSessionFile {
                    session: SessionId(w.id.clone()),
                    coder: name.into(),
                    memo: "hostile".into(),
                    codings: Vec::new(),
                };
                let p = coding_store::file_path(&w.store(), name, &file.session);
                if let Err(e) = coding_store::save(&w.store(), &file) {
                    // `..` and `.` both land in `codings/anonymous/`: the second name is refused
                    // the first one's file, which stays where it is.
                    assert!(
                        e.message.contains("maps to the same folder"),
                        "{name:?}: {e}"
                    );
                    assert!(p.is_file(), "{name:?}");
                    continue;
                }
                assert_eq!(
                    p.parent().unwrap().parent().unwrap(),
                    w.store().join("codings"),
                    "{name:?} → {p:?}"
                );
                assert!(p.is_file(), "{name:?}");
            }
            let o = w.ripple(&[
                "--coder",
                "../../outside",
                "code",
                "add",
                &w.id,
                "roles",
                "--quote",
                "supervisors",
            ]);
            assert!(o.status.success(), "{}", err(&o));
            assert!(w.store().join("codings/outside").is_dir());
        },
    ),
    ("session ids with `..` and separators are refused", |w| {
        let store = w.open();
        for bad in [
            "../../../outside/kept",
            "../../outside/kept",
            "..",
            "a/b",
            "01jd3k0000000000000000000/",
            "../outside/x0000000000000000000",
            "\u{0}",
        ] {
            let id = SessionId(bad.into());
            assert!(store.load(&id).is_err(), "{bad:?}");
            assert!(store.save(&session(bad)).is_err(), "{bad:?}");
            assert!(store.write_draft(&session(bad)).is_err(), "{bad:?}");
            let file = CoderSessionFile {
                session: id.clone(),
                coder: "Test Coder".into(),
                memo: "hostile".into(),
                codings: Vec::new(),
            };
            assert!(coding_store::save(&w.store(), &file).is_err(), "{bad:?}");
            assert!(
                ripple::core::coding_draft::write(&store, &file).is_err(),
                "{bad:?}"
            );
        }
        drop(store);
        let o = w.ripple(&["show", "../../outside/kept"]);
        assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    }),
];

#[test]
fn hostile_paths_write_nothing_outside_and_replace_nothing() {
    let mut failed = Vec::new();
    let mut outside_writes = Vec::new();
    for (name, case) in CASES {
        let w = World::new();
        // What the store's own run may legitimately change is inside the store; everything
        // in `outside/` must be exactly as it was.
        w.start();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| case(&w)));
        if let Err(e) = result {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failed.push(format!("{name}: {msg}"));
        }
        let before = w.outside_before.borrow().clone();
        let after = snapshot(&w.outside());
        let changed: Vec<_> = after
            .iter()
            .filter(|(p, v)| before.get(*p) != Some(*v))
            .map(|(p, v)| format!("{} ({v:.60})", p.display()))
            .chain(
                before
                    .keys()
                    .filter(|p| !after.contains_key(*p))
                    .map(|p| format!("{} (removed)", p.display())),
            )
            .collect();
        if !changed.is_empty() {
            outside_writes.push(format!("{name}: {}", changed.join(", ")));
        }
    }
    println!(
        "hostile paths: {} cases, {} failed, writes outside the store: {}",
        CASES.len(),
        failed.len(),
        outside_writes.len()
    );
    assert!(
        failed.is_empty() && outside_writes.is_empty(),
        "failed cases:\n  {}\nwrites outside the store:\n  {}",
        failed.join("\n  "),
        outside_writes.join("\n  ")
    );
}

/// As root, `--out /dev/null` once replaced the system's /dev/null with a file.
#[test]
fn export_to_dev_null_is_refused_and_dev_null_stays_a_device() {
    let w = World::new();
    let o = export(&w, Path::new("/dev/null"), true);
    assert_refused(&o, "/dev/null is a device, not a regular file");
    assert_eq!(o.status.code(), Some(2));
    assert!(fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
}

#[test]
fn coder_slugs_never_leave_their_folder() {
    use proptest::prelude::*;
    let root = Path::new("/store");
    let id = SessionId("01jd3k0000000000000000000a".into());
    proptest!(ProptestConfig::with_cases(2000), |(name in any::<String>())| {
        let slug = coder_slug(&name);
        prop_assert!(!slug.is_empty());
        prop_assert!(slug != "." && slug != "..");
        prop_assert!(!slug.contains(['/', '\\', '\0']), "{:?} → {:?}", name, slug);
        let p = coding_store::file_path(root, &name, &id);
        prop_assert_eq!(p.parent().unwrap(), root.join("codings").join(&slug));
    });
}
