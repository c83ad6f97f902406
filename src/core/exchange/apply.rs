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
use super::progress::{Progress, Stage};
use crate::core::atomic::{create_private_dir, sync_dir};
use crate::core::coding::coder_slug;
use crate::core::coding::CoderSessionFile;
use crate::core::coding_store;
use crate::core::session::Session;
use crate::core::session_file::{file_name_for, to_file_string};
use crate::core::settings::{StoreSettings, STORE_FORMAT};
use crate::core::store::Store;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

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

/// A staging folder's subfolder, open once so that each file is created by name relative to
/// it (`openat`): no walk of the whole path for each of thousands of files.
struct StageDir {
    path: PathBuf,
    #[cfg(target_os = "linux")]
    fd: rustix::fd::OwnedFd,
}

impl StageDir {
    fn open(path: PathBuf) -> io::Result<StageDir> {
        create_private_dir(&path)?;
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{Mode, OFlags};
            let fd = rustix::fs::open(
                &path,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOFOLLOW,
                Mode::empty(),
            )?;
            Ok(StageDir { path, fd })
        }
        #[cfg(not(target_os = "linux"))]
        Ok(StageDir { path })
    }

    /// A new private file `name` in this folder holding `bytes`.
    fn write_new(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{Mode, OFlags};
            let fd = rustix::fs::openat(
                &self.fd,
                name,
                OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC | OFlags::NOFOLLOW,
                Mode::from_raw_mode(0o600),
            )?;
            fs::File::from(fd).write_all(bytes)
        }
        #[cfg(not(target_os = "linux"))]
        write_new(&self.path.join(name), bytes)
    }
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

/// One file to stage: its folder (an index into the staged folders), its name, and what it
/// holds (serialized by the thread that writes it).
enum StagedFile<'p> {
    Session(&'p Session),
    Coder(&'p CoderSessionFile),
}

/// Threads writing staged files. Creating a file waits on the file system far more than on
/// the processor (the journal, the folder's lock), so a few more threads than cores keep the
/// disk busy; files in one folder still serialize on its lock.
fn stage_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .saturating_mul(2)
        .clamp(2, 8)
}

/// The staged files of a plan under `root` (sessions/ and codings/ as in a store), written
/// from several threads. Returns the relative paths written, sessions first, then codings.
fn stage_files(
    plan: &Plan,
    root: &Path,
    progress: Progress<'_>,
) -> Result<Vec<PathBuf>, ExchangeError> {
    // Every folder once: sessions/, then one folder per coder.
    let mut rel_dirs: Vec<PathBuf> = vec![PathBuf::from("sessions")];
    let mut dir_of_coder: std::collections::HashMap<String, usize> = Default::default();
    let mut jobs: Vec<(usize, String, StagedFile)> = Vec::new();
    for s in &plan.sessions {
        jobs.push((
            0,
            file_name_for(&s.session.meta),
            StagedFile::Session(&s.session),
        ));
    }
    for s in &plan.sessions {
        for f in &s.files {
            if f.codings.is_empty() && f.memo.trim().is_empty() {
                continue;
            }
            let slug = coder_slug(&f.coder);
            let dir = *dir_of_coder.entry(slug.clone()).or_insert_with(|| {
                rel_dirs.push(PathBuf::from("codings").join(&slug));
                rel_dirs.len() - 1
            });
            jobs.push((dir, format!("{}.json", f.session), StagedFile::Coder(f)));
        }
    }
    let dirs: Vec<StageDir> = rel_dirs
        .iter()
        .map(|d| StageDir::open(root.join(d)).map_err(|e| fail("create", &root.join(d), e)))
        .collect::<Result<_, _>>()?;
    let total = jobs.len();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let failed: Mutex<Option<ExchangeError>> = Mutex::new(None);
    let progress = Mutex::new(progress);
    const BATCH: usize = 32;
    std::thread::scope(|scope| {
        for _ in 0..stage_threads().min(total.div_ceil(BATCH)).max(1) {
            scope.spawn(|| loop {
                let from = next.fetch_add(BATCH, Ordering::Relaxed);
                if from >= total || failed.lock().is_ok_and(|f| f.is_some()) {
                    return;
                }
                for (dir, name, what) in &jobs[from..(from + BATCH).min(total)] {
                    let bytes = match what {
                        StagedFile::Session(s) => to_file_string(s),
                        StagedFile::Coder(f) => coding_store::to_json(f),
                    };
                    if let Err(e) = dirs[*dir].write_new(name, bytes.as_bytes()) {
                        let p = dirs[*dir].path.join(name);
                        if let Ok(mut f) = failed.lock() {
                            f.get_or_insert_with(|| fail("write", &p, e));
                        }
                        return;
                    }
                }
                let n = done.fetch_add(BATCH, Ordering::Relaxed) + BATCH;
                if let Ok(mut p) = progress.lock() {
                    (*p)(Stage::Writing, n.min(total), total);
                }
            });
        }
    });
    if let Some(e) = failed.into_inner().ok().flatten() {
        return Err(e);
    }
    Ok(jobs
        .iter()
        .map(|(dir, name, _)| rel_dirs[*dir].join(name))
        .collect())
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
    into_new_store_with(plan, root, name, &mut |_, _, _| {})
}

/// `into_new_store`, telling `progress` how many files are written.
pub fn into_new_store_with(
    plan: &Plan,
    root: &Path,
    name: &str,
    progress: Progress<'_>,
) -> Result<Applied, ExchangeError> {
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
        let files = stage_files(plan, &built, progress)?;
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
    into_store_failing_at(plan, store, None, &mut |_, _, _| {})
}

/// `into_store`, telling `progress` how many files are written.
pub fn into_store_with(
    plan: &Plan,
    store: &Store,
    progress: Progress<'_>,
) -> Result<Applied, ExchangeError> {
    into_store_failing_at(plan, store, None, progress)
}

/// `into_store`, with the rename number `fail_at` failing (to test that the store is left as
/// it was).
#[doc(hidden)]
pub fn into_store_failing_at(
    plan: &Plan,
    store: &Store,
    fail_at: Option<usize>,
    progress: Progress<'_>,
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
    let files = stage_files(plan, stage, progress)?;
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
    // One listing per folder, not one lookup per file.
    // None: the folder could not be listed, so each file is looked up.
    type Names = Option<std::collections::HashSet<std::ffi::OsString>>;
    let mut present: std::collections::HashMap<PathBuf, Names> = Default::default();
    for rel in &files {
        let target = root.join(rel);
        let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
            continue;
        };
        let names = present
            .entry(dir.to_path_buf())
            .or_insert_with(|| match fs::read_dir(dir) {
                Ok(entries) => entries
                    .map(|e| e.map(|e| e.file_name()))
                    .collect::<io::Result<_>>()
                    .ok(),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Some(Default::default()),
                Err(_) => None,
            });
        let exists = match names {
            Some(names) => names.contains(name),
            None => fs::symlink_metadata(&target).is_ok(),
        };
        if exists {
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
        let mut known_dirs: std::collections::HashSet<PathBuf> = Default::default();
        for rel in &files {
            let to = root.join(rel);
            if let Some(dir) = to.parent().filter(|d| known_dirs.insert(d.to_path_buf())) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::plan::PlannedSession;
    use crate::core::session::SessionMeta;

    fn planned(title: &str) -> PlannedSession {
        let mut meta = SessionMeta::new_today("Dana");
        meta.title = title.into();
        PlannedSession {
            session: Session {
                meta,
                text: format!("{title}: the note"),
            },
            files: Vec::new(),
            converted: false,
        }
    }

    #[test]
    fn every_staged_file_is_written_from_the_threads_with_progress() {
        let tmp = tempfile::tempdir().unwrap();
        let plan = Plan {
            sessions: (0..300).map(|i| planned(&format!("S{i}"))).collect(),
            ..Plan::default()
        };
        let mut last = (0, 0);
        let root = tmp.path().join("new");
        let applied = into_new_store_with(&plan, &root, "t", &mut |stage, done, total| {
            assert_eq!(stage, Stage::Writing);
            assert!(done <= total);
            last = (done, total);
        })
        .unwrap();
        assert_eq!(applied.sessions, 300);
        assert_eq!(last, (300, 300));
        let store = Store::open_read_only(&root).unwrap();
        assert_eq!(store.scan().sessions.len(), 300);
        for s in &plan.sessions {
            assert_eq!(store.load(&s.session.meta.id).unwrap().text, s.session.text);
        }
    }

    #[test]
    fn a_file_that_cannot_be_staged_fails_the_whole_import_and_names_it() {
        let tmp = tempfile::tempdir().unwrap();
        let mut sessions: Vec<PlannedSession> =
            (0..300).map(|i| planned(&format!("S{i}"))).collect();
        // The same session twice: its second file cannot be created (it exists).
        sessions.push(sessions[150].clone());
        let twice = sessions[150].session.meta.id.to_string();
        let plan = Plan {
            sessions,
            ..Plan::default()
        };
        let root = tmp.path().join("new");
        let err = into_new_store(&plan, &root, "t").unwrap_err().to_string();
        assert!(
            err.contains(&twice) && err.contains("nothing was imported"),
            "{err}"
        );
        assert!(!root.exists());
        // Nothing is left beside it either (the staging folder is removed).
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }
}
