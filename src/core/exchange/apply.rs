//! Import, second half: writing a plan into a store, all of it or none of it.
//!
//! Everything is first written to a staging folder on the same file system: for a new store a
//! complete store in a temporary folder beside the target, renamed into place in one step; for
//! an existing store the new files (and the new codebook) in a temporary folder inside its
//! `.ripple/`. The staged files are flushed to disk with one `syncfs` (one fsync per file
//! would cost seconds for thousands of sessions). Then, for an existing store, each file is
//! renamed into place (codebook first, then sessions, then codings, so every reference points
//! at something that is already there); if a rename fails, those already done are undone and
//! the old codebook is put back, so the store is as it was. A crash during those renames
//! (milliseconds) leaves the rest in `.ripple/import-*`.

use super::error::ExchangeError;
use super::plan::Plan;
use crate::core::atomic::{create_private_dir, sync_dir};
use crate::core::coding::coder_slug;
use crate::core::coding_store;
use crate::core::session_file::to_file_string;
use crate::core::settings::{StoreSettings, STORE_FORMAT};
use crate::core::store::Store;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What an import wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub sessions: usize,
    pub codings: usize,
    pub themes: usize,
    pub store: PathBuf,
}

fn fail(what: &str, path: &Path, e: impl std::fmt::Display) -> ExchangeError {
    ExchangeError::Apply(format!(
        "cannot {what} {}: {e}; nothing was imported, the store is as it was",
        path.display()
    ))
}

/// A new file, private to the user, not flushed (the whole staging area is flushed at once).
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes)
}

/// Flush every file written under `dir` to disk.
fn flush_all(dir: &Path, files: &[PathBuf]) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let _ = files;
        rustix::fs::syncfs(fs::File::open(dir)?)?;
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        for f in files {
            fs::File::open(f)?.sync_all()?;
        }
        sync_dir(dir)
    }
}

/// The staged files of a plan under `root` (sessions/ and codings/ as in a store). Returns the
/// relative paths written.
fn stage_files(plan: &Plan, root: &Path) -> Result<Vec<PathBuf>, ExchangeError> {
    let mut written = Vec::new();
    let sessions = root.join("sessions");
    create_private_dir(&sessions).map_err(|e| fail("create", &sessions, e))?;
    for s in &plan.sessions {
        let rel = PathBuf::from("sessions").join(format!("{}.md", s.session.meta.id));
        let p = root.join(&rel);
        write_new(&p, to_file_string(&s.session).as_bytes()).map_err(|e| fail("write", &p, e))?;
        written.push(rel);
    }
    for s in &plan.sessions {
        for f in &s.files {
            if f.codings.is_empty() && f.memo.trim().is_empty() {
                continue;
            }
            let dir = PathBuf::from("codings").join(coder_slug(&f.coder));
            create_private_dir(&root.join(&dir))
                .map_err(|e| fail("create", &root.join(&dir), e))?;
            let rel = dir.join(format!("{}.json", f.session));
            let p = root.join(&rel);
            write_new(&p, coding_store::to_json(f).as_bytes()).map_err(|e| fail("write", &p, e))?;
            written.push(rel);
        }
    }
    Ok(written)
}

fn counts(plan: &Plan, store: &Path) -> Applied {
    Applied {
        sessions: plan.sessions.len(),
        codings: plan.codings,
        themes: plan.new_themes(),
        store: store.to_path_buf(),
    }
}

/// Import into a new store at `root` (a folder that does not exist or is empty).
pub fn into_new_store(plan: &Plan, root: &Path, name: &str) -> Result<Applied, ExchangeError> {
    let root = std::path::absolute(root).map_err(|e| fail("find", root, e))?;
    if let Ok(mut entries) = fs::read_dir(&root) {
        if entries.next().is_some() {
            return Err(ExchangeError::Apply(format!(
                "{} is not empty: import into an existing store or a new folder",
                root.display()
            )));
        }
    }
    let parent = root
        .parent()
        .ok_or_else(|| ExchangeError::Apply(format!("{} has no parent folder", root.display())))?;
    create_private_dir(parent).map_err(|e| fail("create", parent, e))?;
    let staging = tempfile::Builder::new()
        .prefix(".ripple-import-")
        .tempdir_in(parent)
        .map_err(|e| fail("create a staging folder in", parent, e))?;
    let built = staging.path().join("store");
    {
        let store = Store::open(&built).map_err(|e| fail("create", &built, e))?;
        if let Some(reason) = store.read_only_reason() {
            return Err(fail("write", &built, reason));
        }
        let settings = StoreSettings {
            format: STORE_FORMAT,
            name: name.to_string(),
            deidentify: Vec::new(),
            consensus: None,
            project_start: None,
        };
        let p = built.join("ripple.toml");
        fs::write(&p, settings.to_toml_string()).map_err(|e| fail("write", &p, e))?;
        let p = store.codebook_path();
        fs::write(&p, plan.codebook.to_toml()).map_err(|e| fail("write", &p, e))?;
        let files = stage_files(plan, &built)?;
        let files: Vec<PathBuf> = files.iter().map(|f| built.join(f)).collect();
        flush_all(&built, &files).map_err(|e| fail("flush", &built, e))?;
        // The store (and its lock) is closed before the folder moves.
    }
    fs::rename(&built, &root).map_err(|e| fail("move the new store to", &root, e))?;
    sync_dir(parent).map_err(|e| fail("flush", parent, e))?;
    Ok(counts(plan, &root))
}

/// One rename done, to undo on failure.
struct Moved {
    from: PathBuf,
    to: PathBuf,
}

/// Import into an open, writable store.
pub fn into_store(plan: &Plan, store: &Store) -> Result<Applied, ExchangeError> {
    into_store_failing_at(plan, store, None)
}

/// `into_store`, with the rename number `fail_at` failing (to test that the store is left as
/// it was).
#[doc(hidden)]
pub fn into_store_failing_at(
    plan: &Plan,
    store: &Store,
    fail_at: Option<usize>,
) -> Result<Applied, ExchangeError> {
    if let Some(reason) = store.read_only_reason() {
        return Err(ExchangeError::Apply(format!(
            "cannot import into {}: {reason}",
            store.root().display()
        )));
    }
    let root = store.root();
    let machine = root.join(".ripple");
    create_private_dir(&machine).map_err(|e| fail("create", &machine, e))?;
    let staging = tempfile::Builder::new()
        .prefix("import-")
        .tempdir_in(&machine)
        .map_err(|e| fail("create a staging folder in", &machine, e))?;
    let stage = staging.path();
    let files = stage_files(plan, stage)?;
    let codebook_changed = plan.new_themes() > 0;
    let codebook_path = store.codebook_path();
    let old_codebook = if codebook_changed {
        let p = stage.join("codebook.toml");
        write_new(&p, plan.codebook.to_toml().as_bytes()).map_err(|e| fail("write", &p, e))?;
        match fs::read(&codebook_path) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(fail("read", &codebook_path, e)),
        }
    } else {
        None
    };
    for rel in &files {
        let target = root.join(rel);
        if target.exists() {
            return Err(ExchangeError::Apply(format!(
                "{} already exists; nothing was imported, the store is as it was",
                target.display()
            )));
        }
    }
    let absolute: Vec<PathBuf> = files.iter().map(|f| stage.join(f)).collect();
    flush_all(stage, &absolute).map_err(|e| fail("flush", stage, e))?;

    let mut moved: Vec<Moved> = Vec::new();
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    let mut n = 0;
    let mut step = |from: &Path, to: &Path, moved: &mut Vec<Moved>| -> io::Result<()> {
        n += 1;
        if fail_at == Some(n) {
            return Err(io::Error::other("injected failure"));
        }
        fs::rename(from, to)?;
        moved.push(Moved {
            from: from.to_path_buf(),
            to: to.to_path_buf(),
        });
        Ok(())
    };
    let mut result: io::Result<()> = Ok(());
    let mut codebook_replaced = false;
    if codebook_changed {
        result = step(
            &stage.join("codebook.toml"),
            &codebook_path,
            &mut Vec::new(),
        );
        codebook_replaced = result.is_ok();
    }
    if result.is_ok() {
        for rel in &files {
            let to = root.join(rel);
            if let Some(dir) = to.parent() {
                if !dir.exists() {
                    if let Err(e) = create_private_dir(dir) {
                        result = Err(e);
                        break;
                    }
                    made_dirs.push(dir.to_path_buf());
                }
            }
            if let Err(e) = step(&stage.join(rel), &to, &mut moved) {
                result = Err(e);
                break;
            }
        }
    }
    if let Err(e) = result {
        for m in moved.iter().rev() {
            let _ = fs::rename(&m.to, &m.from);
        }
        for d in made_dirs.iter().rev() {
            let _ = fs::remove_dir(d);
        }
        if codebook_replaced {
            let _ = match &old_codebook {
                Some(bytes) => crate::core::atomic::atomic_write(&codebook_path, bytes),
                None => fs::remove_file(&codebook_path),
            };
        }
        return Err(ExchangeError::Apply(format!(
            "the import could not be moved into {} ({e}): everything was put back, the store is \
             as it was",
            root.display()
        )));
    }
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| root.join(f).parent().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs.push(root.join("codings"));
    dirs.push(root.to_path_buf());
    for d in dirs {
        let _ = sync_dir(&d);
    }
    Ok(counts(plan, root))
}
