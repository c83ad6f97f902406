//! The store under pressure from outside: files damaged in place, a second writer, the
//! permissions of what Ripple creates, a wrong index path.

use ripple::core::store::Store;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

struct Env {
    tmp: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            tmp: tempfile::tempdir().unwrap(),
        }
    }
    fn store(&self) -> PathBuf {
        self.tmp.path().join("store")
    }
    fn home(&self) -> PathBuf {
        self.tmp.path().join("home")
    }
    fn ripple(&self, args: &[&str], stdin: Option<&str>) -> Output {
        self.ripple_index(&self.tmp.path().join("index"), args, stdin)
    }
    fn ripple_index(&self, index: &Path, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ripple"));
        cmd.arg("--store")
            .arg(self.store())
            .args(args)
            .env("RIPPLE_INDEX", index)
            .env("RIPPLE_CONFIG", self.tmp.path().join("config.toml"))
            .env("RIPPLE_CODER", "Test Coder")
            .env("HOME", self.home())
            .env("XDG_CACHE_HOME", self.home().join("cache"))
            .env("XDG_DATA_HOME", self.home().join("data"));
        crate::common::output_with_stdin(cmd, stdin)
    }
    fn new_session(&self, text: &str) -> String {
        let o = self.ripple(&["new", "--title", "Joint coaching"], Some(text));
        assert!(o.status.success(), "{}", err(&o));
        out(&o).trim().to_string()
    }
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Change one byte of `path` in place, keeping its size and modification time.
fn damage_in_place(path: &Path, from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mtime = fs::metadata(path).unwrap().modified().unwrap();
    let mut bytes = fs::read(path).unwrap();
    let at = bytes
        .windows(from.len())
        .position(|w| w == from)
        .expect("the bytes to damage");
    bytes[at..at + to.len()].copy_from_slice(to);
    fs::write(path, &bytes).unwrap();
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(fs::metadata(path).unwrap().modified().unwrap(), mtime);
}

#[test]
fn check_reads_every_file_and_catches_damage_at_the_same_size_and_time() {
    let env = Env::new();
    let id = env.new_session("Doña Ana: the supervisors trust the advocates now.");
    let o = env.ripple(
        &[
            "code",
            "add",
            &id,
            "trust",
            "--quote",
            "trust the advocates",
        ],
        None,
    );
    assert!(o.status.success(), "{}", err(&o));
    let note = crate::common::session_file(&env.store(), &id);
    // Old enough for the catalog to trust its size and time.
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&note)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
    let o = env.ripple(&["list"], None);
    assert!(out(&o).contains("Joint coaching"), "{}", err(&o));
    let o = env.ripple(&["check"], None);
    assert!(o.status.success(), "{}", out(&o));

    // The front matter's opening line broken, same size, same time.
    damage_in_place(&note, b"+++\nid", b"++-\nid");
    let codings = env.store().join(format!("codings/test-coder/{id}.json"));
    damage_in_place(&codings, b"\"session\"", b"\"sessiom\"");

    let o = env.ripple(&["check"], None);
    let report = out(&o);
    assert_eq!(o.status.code(), Some(1), "{report}");
    assert!(
        report.contains(&format!("{}:1:", note.display())),
        "the damaged note, with its line:\n{report}"
    );
    assert!(
        report.contains(&codings.display().to_string()),
        "the damaged codings file:\n{report}"
    );
    assert!(
        report.contains("catalog cache said 1 session file(s) were unchanged"),
        "{report}"
    );
    // The cache was refreshed: start-up no longer lists the damaged note as sound.
    let o = env.ripple(&["list"], None);
    assert!(!out(&o).contains("Joint coaching"), "{}", out(&o));
    assert!(err(&o).contains(&note.display().to_string()), "{}", err(&o));
}

#[test]
fn a_second_writer_waits_for_the_lock_then_says_busy_and_keeps_the_text() {
    let env = Env::new();
    env.new_session("first");
    let holder = Store::open(&env.store()).unwrap();
    assert!(!holder.is_read_only());
    let o = env.ripple(
        &["new", "--title", "Second"],
        Some("Doña Ana: typed while the TUI was open 🙂"),
    );
    drop(holder);
    let e = err(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    let expected = format!(
        "busy: another Ripple is writing to {} (pid {}",
        env.store().display(),
        std::process::id()
    );
    assert!(e.contains(&expected), "{e}");
    assert!(e.contains("; waited 3 s: try again when it is done"), "{e}");
    assert!(!e.contains("read-only"), "{e}");
    let kept = e
        .split("kept in full at ")
        .nth(1)
        .and_then(|r| r.split(" (a complete").next())
        .unwrap_or_else(|| panic!("where the text is kept: {e}"));
    let kept = fs::read_to_string(kept).unwrap();
    assert!(kept.contains("typed while the TUI was open 🙂"), "{kept}");
    assert!(kept.contains("title = \"Second\""), "{kept}");

    // `code add` waits and says busy too.
    let holder = Store::open(&env.store()).unwrap();
    let o = env.ripple(&["code", "list"], None);
    assert!(o.status.success(), "reading does not wait: {}", err(&o));
    let id = Store::open_read_only(&env.store()).unwrap().scan().sessions[0]
        .meta
        .id
        .to_string();
    let o = env.ripple(&["code", "add", &id, "trust", "--quote", "first"], None);
    drop(holder);
    assert!(
        err(&o).contains("busy: another Ripple is writing to"),
        "{}",
        err(&o)
    );
}

#[test]
fn a_waiting_writer_goes_ahead_once_the_lock_is_released() {
    let env = Env::new();
    env.new_session("first");
    let holder = Store::open(&env.store()).unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(400));
        drop(holder);
    });
    let o = env.ripple(&["new", "--title", "Second"], Some("after the wait"));
    release.join().unwrap();
    assert!(o.status.success(), "{}", err(&o));
    let o = env.ripple(&["list"], None);
    assert!(out(&o).contains("Second"), "{}", out(&o));
}

#[test]
fn everything_ripple_creates_is_private_including_the_index() {
    let env = Env::new();
    env.new_session("Doña Ana: trust.");
    let index = env.tmp.path().join("index");
    let o = env.ripple(&["reindex"], None);
    assert!(o.status.success(), "{}", err(&o));
    let mut seen = 0;
    for root in [env.store(), index] {
        let mut todo = vec![root];
        while let Some(p) = todo.pop() {
            let meta = fs::symlink_metadata(&p).unwrap();
            let mode = meta.permissions().mode() & 0o777;
            if meta.is_dir() {
                assert_eq!(mode, 0o700, "{p:?}");
                todo.extend(fs::read_dir(&p).unwrap().flatten().map(|e| e.path()));
            } else {
                assert_eq!(mode, 0o600, "{p:?}");
            }
            seen += 1;
        }
    }
    assert!(seen > 10, "the index has files");
}

#[test]
fn an_index_path_that_is_a_file_is_named_in_the_error() {
    let env = Env::new();
    env.new_session("trust");
    let file = env.tmp.path().join("index-file");
    fs::write(&file, "not an index").unwrap();
    for index in [file.clone(), file.join("sub")] {
        let o = env.ripple_index(&index, &["search", "trust"], None);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            err(&o).contains(&format!("{} cannot be used: it is a file", index.display())),
            "{}",
            err(&o)
        );
    }
    assert_eq!(fs::read_to_string(&file).unwrap(), "not an index");
}
