//! The store: a folder of session files with a writer lock, a metadata catalog, recovery drafts
//! and a trash folder. See docs/file-format.md for the layout.
//!
//! One Ripple holds the writer lock (`.ripple/lock`); a second one opens the same store
//! read-only and says who holds it (or, for a one-off command that writes, waits up to
//! [`BUSY_WAIT`] for the lock and then says the store is busy). Every write is atomic
//! (`atomic::atomic_write`), files are 0600 and folders 0700. Nothing is ever hard-deleted:
//! `delete` moves files to `.ripple/trash/`.
//!
//! Nothing is written through a symbolic link below the store root (`atomic::LinkRefused`):
//! a store shared through git or a synced folder can carry links, and following one would put
//! notes, or a chmod, anywhere. Such links are refused at the write and listed by [`Store::links`].
//!
//! `create` and `save` write the metadata exactly as given: the caller sets `updated` when it
//! changes the text or metadata (so a save that only re-writes leaves the time alone).

use crate::core::atomic::{
    atomic_write_in, create_private_dir, create_private_dir_in, refuse_links_below, LinkRefused,
};
pub use crate::core::file_key::FileStamp;
use crate::core::file_key::{now_ns, RACY_NS};
use crate::core::parallel::parallel_map;
use crate::core::session::{Session, SessionId, SessionMeta};
use crate::core::session_file::{
    is_valid_id, parse_bytes, parse_note_only, to_file_string, utf8_text, FormatError, SESSIONS_DIR,
};
use crate::core::settings::{SettingsError, StoreSettings};
use crate::core::text::normalize_newlines;
use catalog::{CatalogEntry, Parsed};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The codebook a new store starts with.
pub const DEFAULT_CODEBOOK: &str = include_str!("../../codebook/default.toml");

mod catalog;
mod draft;
mod recovery;
pub use draft::{
    decode_draft, diff_lines, encode_draft, merge, BaseCopy, Compared, DiffLine, DraftBase,
    FileVersion, LeftoverTemp, Merged, Recovery, RecoverySource, TempHolds,
};

const SESSIONS: &str = SESSIONS_DIR;
/// The folder under the store root that holds all codings (`codings/<coder-slug>/<id>.json`,
/// see `core::coding_store`).
pub const CODINGS_DIR: &str = "codings";
/// The folder under a drafts folder that holds coding drafts (see `core::coding_draft`).
pub const CODING_DRAFTS: &str = "codings";
const MACHINE: &str = ".ripple";
/// The store's `.gitignore`: machine-local files and interrupted writes are never shared.
const GITIGNORE: &str =
    "# Machine-local files (lock, drafts, catalog, trash) are never shared.\n.ripple/\n\
     # Temporary files of writes cut short (`ripple check` says what each holds).\n.ripple-tmp-*\n";
const GITIGNORE_BEFORE_TEMP_FILES: &str =
    "# Machine-local files (lock, drafts, catalog, trash) are never shared.\n.ripple/\n";
/// Code points in a summary's preview.
pub const PREVIEW_CHARS: usize = 80;
/// How long a one-off command that writes waits for another Ripple to release the writer lock
/// before it says the store is busy (SQLite's busy timeout, for the same reason: two commands
/// run back to back, or a script beside an open TUI's brief save, should not fail at once).
pub const BUSY_WAIT: Duration = Duration::from_secs(3);
/// How long any open waits for the writer lock: a command that is just finishing (a script's
/// `ripple list`) must not leave a Ripple started at that moment read-only for its whole run.
pub const MOMENTARY_WAIT: Duration = Duration::from_millis(250);

/// What the user is told when a store operation fails. Messages name the file and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot save changes ({reason})")]
    ReadOnly { reason: String },
    #[error("busy: another Ripple is writing to {}{}{}: try again when it is done", .store.display(), .holder, .waited.map_or(String::new(), |s| format!("; waited {s} s")))]
    Busy {
        store: PathBuf,
        holder: String,
        /// Seconds waited for the lock, if any.
        waited: Option<u64>,
    },
    #[error("no session with id {0}")]
    NotFound(String),
    #[error("no session id matches `{0}` (`ripple list` shows the ids)")]
    NoMatch(String),
    #[error("`{query}` matches {} sessions ({}): type more of the id", .candidates.len(), .candidates.join(", "))]
    Ambiguous {
        query: String,
        candidates: Vec<String>,
    },
    #[error("`{0}` is not a session id (26 letters and digits)")]
    BadId(String),
    #[error("{}:{}: {}", .path.display(), .error.line, .error.message)]
    Format { path: PathBuf, error: FormatError },
    #[error("a session with id {0} already exists")]
    AlreadyExists(String),
    #[error("{} is not a Ripple store: {reason}", .path.display())]
    NotAStore { path: PathBuf, reason: String },
    #[error("{0}")]
    Settings(#[from] SettingsError),
    #[error("disk full: could not write {}{kept}", .path.display())]
    DiskFull { path: PathBuf, kept: String },
    #[error("permission denied: cannot {action} {}: check the folder's owner and permissions{kept}", .path.display())]
    PermissionDenied {
        path: PathBuf,
        action: String,
        kept: String,
    },
    #[error("cannot {action} {}: {source}{kept}", .path.display())]
    Io {
        path: PathBuf,
        action: String,
        kept: String,
        source: io::Error,
    },
}

const ENOSPC: i32 = 28;
const EROFS: i32 = 30;

impl StoreError {
    /// Classify an I/O error: full disk and permission problems get their own messages.
    /// `kept` is appended (e.g. "; your text is kept in memory and in the recovery draft at …").
    pub fn io(action: &str, path: &Path, err: io::Error, kept: String) -> StoreError {
        let path = path.to_path_buf();
        if err.raw_os_error() == Some(ENOSPC) || err.kind() == io::ErrorKind::StorageFull {
            StoreError::DiskFull { path, kept }
        } else if err.kind() == io::ErrorKind::PermissionDenied
            || err.raw_os_error() == Some(EROFS)
            || err.kind() == io::ErrorKind::ReadOnlyFilesystem
        {
            StoreError::PermissionDenied {
                path,
                action: action.to_string(),
                kept,
            }
        } else {
            StoreError::Io {
                path,
                action: action.to_string(),
                kept,
                source: err,
            }
        }
    }
}

fn io_err<'a>(action: &str, path: &'a Path) -> impl FnOnce(io::Error) -> StoreError + 'a {
    let action = action.to_string();
    move |e| StoreError::io(&action, path, e, String::new())
}

/// What lists show about a session, without its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// Shared with the store's in-memory catalog, so a large store is held once, not twice.
    pub meta: Arc<SessionMeta>,
    pub path: PathBuf,
    pub stamp: FileStamp,
    /// Length of the note in code points.
    pub chars: usize,
    /// The start of the note on one line (whitespace runs become one space), at most
    /// `PREVIEW_CHARS` code points plus "…".
    pub preview: Arc<str>,
}

/// Something wrong with a file in the store. The file itself is left untouched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.path.display(), l, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// The result of scanning the sessions folder.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    /// Newest date first, then newest created, then id.
    pub sessions: Vec<SessionSummary>,
    /// Files that could not be read; they are not in `sessions`.
    pub problems: Vec<Problem>,
    /// Things worth knowing that are not errors (catalog rebuilt, left-over temporary files).
    pub notes: Vec<String>,
}

/// A store of session notes.
pub struct Store {
    root: PathBuf,
    settings: StoreSettings,
    /// Held while this instance is the writer; dropping it releases the lock.
    _lock: Option<File>,
    read_only_reason: Option<String>,
    /// Who holds the writer lock (" (pid 1234, since 14:02)"), when that is why this store
    /// is read-only.
    busy_holder: Option<String>,
    /// How long `open_waiting` was willing to wait for the lock.
    waited: Duration,
    fallback_drafts: Option<PathBuf>,
    catalog: Mutex<Option<HashMap<String, CatalogEntry>>>,
    /// `.ripple-tmp-*` files the last scan saw in `sessions/`: copies left by saves that were
    /// cut short, offered for recovery like drafts (see `recovery`).
    temp_files: Mutex<Vec<PathBuf>>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("root", &self.root)
            .field("read_only_reason", &self.read_only_reason)
            .finish()
    }
}

impl Store {
    /// Open (creating if missing) the store at `root` and take the writer lock. If another Ripple
    /// holds the lock (still, after [`MOMENTARY_WAIT`]), or the folder cannot be written, the
    /// store opens read-only and `read_only_reason` says why.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        Store::open_waiting(root, MOMENTARY_WAIT)
    }

    /// Like [`Store::open`], but when another Ripple holds the writer lock, wait up to `wait`
    /// for it to be released (for one-off commands that write; see [`BUSY_WAIT`]). Still held
    /// then: the store opens read-only and a write says "busy".
    pub fn open_waiting(root: &Path, wait: Duration) -> Result<Store, StoreError> {
        let root = std::path::absolute(root).map_err(io_err("find", root))?;
        check_is_store_or_empty(&root)?;
        create_private_dir(&root).map_err(io_err("create the store folder", &root))?;
        let machine = root.join(MACHINE);
        let (lock, read_only_reason, busy_holder) = match create_private_dir_in(&root, &machine) {
            Err(e) => (
                None,
                Some(format!(
                    "cannot write to {} ({e}): read-only",
                    root.display()
                )),
                None,
            ),
            Ok(()) => {
                let deadline = Instant::now() + wait;
                loop {
                    match take_lock(&root, &machine.join("lock")) {
                        Lock::Held(f) => break (Some(f), None, None),
                        Lock::Busy { .. } if Instant::now() < deadline => {
                            std::thread::sleep(Duration::from_millis(50));
                        }
                        Lock::Busy { message, holder } => {
                            break (None, Some(message), Some(holder))
                        }
                        Lock::Failed(message) => break (None, Some(message), None),
                    }
                }
            }
        };
        let mut store = Store {
            root: root.clone(),
            settings: StoreSettings::default(),
            _lock: lock,
            read_only_reason,
            busy_holder,
            waited: wait,
            fallback_drafts: default_fallback_drafts(&root),
            catalog: Mutex::new(None),
            temp_files: Mutex::new(Vec::new()),
        };
        if !store.is_read_only() {
            store.initialise()?;
        }
        store.settings = store.load_settings()?;
        Ok(store)
    }

    /// Open an existing store without taking the lock or writing anything in it.
    pub fn open_read_only(root: &Path) -> Result<Store, StoreError> {
        let root = std::path::absolute(root).map_err(io_err("find", root))?;
        if !root.join("ripple.toml").is_file() && !root.join(SESSIONS).is_dir() {
            return Err(StoreError::NotAStore {
                path: root,
                reason: "it has no ripple.toml and no sessions folder".into(),
            });
        }
        let mut store = Store {
            root: root.clone(),
            settings: StoreSettings::default(),
            _lock: None,
            read_only_reason: Some("opened read-only".into()),
            busy_holder: None,
            waited: Duration::ZERO,
            fallback_drafts: default_fallback_drafts(&root),
            catalog: Mutex::new(None),
            temp_files: Mutex::new(Vec::new()),
        };
        store.settings = store.load_settings()?;
        Ok(store)
    }

    fn load_settings(&self) -> Result<StoreSettings, StoreError> {
        let p = self.root.join("ripple.toml");
        if p.exists() {
            Ok(StoreSettings::load(&p)?)
        } else {
            Ok(StoreSettings::default())
        }
    }

    /// Create whatever of the layout is missing. Existing files are never overwritten. A
    /// symbolic link in the layout is left alone here (the store still opens, `ripple check`
    /// reports it); every write through it is refused.
    fn initialise(&self) -> Result<(), StoreError> {
        for dir in [
            self.root.join(SESSIONS),
            self.codings_dir(),
            self.drafts_dir(),
            self.trash_dir(),
        ] {
            match create_private_dir_in(&self.root, &dir) {
                Err(e) if LinkRefused::from_io(&e).is_some() => {}
                r => r.map_err(io_err("create", &dir))?,
            }
        }
        let write_new = |name: &str, text: String| -> Result<(), StoreError> {
            let p = self.root.join(name);
            if fs::symlink_metadata(&p).is_err() {
                atomic_write_in(&self.root, &p, text.as_bytes()).map_err(io_err("write", &p))?;
            }
            Ok(())
        };
        let name = self
            .root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        write_new(
            "ripple.toml",
            StoreSettings {
                format: crate::core::settings::STORE_FORMAT,
                name,
                ..StoreSettings::default()
            }
            .to_toml_string(),
        )?;
        write_new("codebook.toml", DEFAULT_CODEBOOK.to_string())?;
        write_new(".gitignore", GITIGNORE.to_string())?;
        // A store made before temporary files were listed gets them, unless the file was edited.
        let ignore = self.root.join(".gitignore");
        if fs::read_to_string(&ignore).is_ok_and(|t| t == GITIGNORE_BEFORE_TEMP_FILES) {
            self.write_file(&ignore, GITIGNORE.as_bytes())
                .map_err(io_err("write", &ignore))?;
        }
        Ok(())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn settings(&self) -> &StoreSettings {
        &self.settings
    }
    pub fn is_read_only(&self) -> bool {
        self.read_only_reason.is_some()
    }
    /// Why the store is read-only, e.g. "open in another Ripple (pid 1234) since 14:02: read-only".
    pub fn read_only_reason(&self) -> Option<&str> {
        self.read_only_reason.as_deref()
    }
    pub fn sessions_dir(&self) -> PathBuf {
        self.root.join(SESSIONS)
    }
    /// `sessions/<id>.md`. The id is not checked here; `load`/`save` refuse invalid ids.
    pub fn session_path(&self, id: &SessionId) -> PathBuf {
        self.root.join(SESSIONS).join(format!("{}.md", id.as_str()))
    }
    pub fn codings_dir(&self) -> PathBuf {
        self.root.join(CODINGS_DIR)
    }
    pub fn codebook_path(&self) -> PathBuf {
        self.root.join("codebook.toml")
    }
    pub fn drafts_dir(&self) -> PathBuf {
        self.root.join(MACHINE).join("drafts")
    }
    pub fn trash_dir(&self) -> PathBuf {
        self.root.join(MACHINE).join("trash")
    }
    pub fn catalog_path(&self) -> PathBuf {
        self.root.join(MACHINE).join("catalog.tsv")
    }
    /// Where drafts go when the store cannot be written (`<cache>/drafts/<store hash>/`).
    pub fn fallback_drafts_dir(&self) -> Option<&Path> {
        self.fallback_drafts.as_deref()
    }
    /// Point the fallback drafts folder elsewhere (tests; a demo store).
    pub fn set_fallback_drafts_dir(&mut self, dir: PathBuf) {
        self.fallback_drafts = Some(dir);
    }

    /// Ok when this store may be written; otherwise why not: `Busy` when another Ripple holds
    /// the writer lock, `ReadOnly` for any other reason.
    pub fn check_writable(&self) -> Result<(), StoreError> {
        match (&self.read_only_reason, &self.busy_holder) {
            (None, _) => Ok(()),
            (Some(_), Some(holder)) => Err(StoreError::Busy {
                store: self.root.clone(),
                holder: holder.clone(),
                waited: (self.waited >= Duration::from_secs(1)).then_some(self.waited.as_secs()),
            }),
            (Some(r), None) => Err(StoreError::ReadOnly { reason: r.clone() }),
        }
    }

    fn require_writable(&self) -> Result<(), StoreError> {
        self.check_writable()
    }

    /// Refuse a write to `path` (a file or folder of this store, or of its fallback drafts
    /// folder) when a symbolic link is on the way: see `atomic::refuse_links_below`.
    pub fn guard_write(&self, path: &Path) -> io::Result<()> {
        match &self.fallback_drafts {
            Some(fallback) if path.starts_with(fallback) && !fallback.starts_with(&self.root) => {
                refuse_links_below(fallback, path)
            }
            _ => refuse_links_below(&self.root, path),
        }
    }

    /// `atomic_write` of a store (or fallback drafts) file, through no link.
    fn write_file(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        self.guard_write(path)?;
        crate::core::atomic::atomic_write(path, bytes)
    }

    /// `create_private_dir` of a store (or fallback drafts) folder, through no link.
    fn create_dir(&self, dir: &Path) -> io::Result<()> {
        self.guard_write(dir)?;
        create_private_dir(dir)
    }

    /// Every symbolic link inside the store (not followed), with what it points to, sorted.
    /// Ripple refuses to write through any of them; `ripple check` reports them. A `.git`
    /// folder is not looked into.
    pub fn links(&self) -> Vec<(PathBuf, PathBuf)> {
        let mut found = Vec::new();
        let mut folders = vec![self.root.clone()];
        while let Some(dir) = folders.pop() {
            let Ok(read) = fs::read_dir(&dir) else {
                continue;
            };
            for entry in read.flatten() {
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                let path = entry.path();
                if kind.is_symlink() {
                    found.push((path.clone(), fs::read_link(&path).unwrap_or_default()));
                } else if kind.is_dir() && entry.file_name() != ".git" {
                    folders.push(path);
                }
            }
        }
        found.sort();
        found
    }

    /// Metadata of every session, from the catalog where the file is unchanged (one `stat` per
    /// file) and by parsing otherwise. Broken files become `problems`; the rest still load.
    pub fn scan(&self) -> Scan {
        let mut scan = Scan::default();
        let dir = self.sessions_dir();
        let mut guard = self.catalog.lock().unwrap_or_else(|e| e.into_inner());
        let mut dirty = false;
        if guard.is_none() {
            let (entries, note) = self.read_catalog();
            if let Some(n) = note {
                scan.notes.push(n);
                dirty = true;
            }
            *guard = Some(entries);
        }
        let catalog = guard.as_mut().expect("catalog loaded above");

        let read = match fs::read_dir(&dir) {
            Ok(r) => r,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if !catalog.is_empty() {
                    catalog.clear();
                    drop(guard);
                    self.write_catalog_if_writable(&mut scan);
                }
                return scan;
            }
            Err(e) => {
                scan.problems.push(Problem {
                    path: dir,
                    line: None,
                    message: format!("cannot read the sessions folder: {e}"),
                });
                return scan;
            }
        };

        let mut listed: Vec<(String, fs::DirEntry)> = Vec::new();
        let mut temp_files = Vec::new();
        for entry in read.flatten() {
            let name = match entry.file_name().into_string() {
                Ok(n) => n,
                Err(raw) => {
                    scan.problems.push(Problem {
                        path: dir.join(raw),
                        line: None,
                        message: "file name is not valid Unicode: not a session file".into(),
                    });
                    continue;
                }
            };
            if name.starts_with(crate::core::atomic::TEMP_PREFIX) {
                temp_files.push(dir.join(&name));
                continue;
            }
            if name.starts_with('.') || !name.ends_with(".md") {
                continue;
            }
            listed.push((name, entry));
        }
        *self.temp_files.lock().unwrap_or_else(|e| e.into_inner()) = temp_files;
        // One stat per file, spread over the cores (fstatat relative to the folder handle).
        let stamps = parallel_map(&listed, |(_, entry)| {
            let md = match entry.metadata() {
                Ok(m) if m.file_type().is_symlink() => fs::metadata(entry.path()),
                other => other,
            };
            // None: vanished between listing and stat, or not a regular file.
            md.ok().filter(|m| m.is_file()).map(|m| FileStamp::of(&m))
        });

        let mut seen: Vec<String> = Vec::with_capacity(listed.len());
        let mut to_parse: Vec<(String, FileStamp)> = Vec::new();
        for ((name, _), stamp) in listed.into_iter().zip(stamps) {
            let Some(stamp) = stamp else {
                continue;
            };
            // One lookup per file: with 100,000 files the hash lookups (cache misses) show.
            match catalog.get(&name) {
                Some(e) if e.stamp == stamp && e.settled => emit(&dir, &name, e, &mut scan),
                _ => to_parse.push((name.clone(), stamp)),
            }
            seen.push(name);
        }

        if !to_parse.is_empty() {
            dirty = true;
            for (name, entry) in parse_files(&dir, to_parse) {
                emit(&dir, &name, &entry, &mut scan);
                catalog.insert(name, entry);
            }
        }
        if catalog.len() != seen.len() {
            let names: std::collections::HashSet<&str> = seen.iter().map(String::as_str).collect();
            catalog.retain(|k, _| names.contains(k.as_str()));
            dirty = true;
        }

        drop(guard);
        if dirty {
            self.write_catalog_if_writable(&mut scan);
        }
        // Sort indices, not the summaries: moving 100,000 large structs around dominated the
        // cost of a warm scan. Ids are unique, so the order is total.
        let mut order: Vec<usize> = (0..scan.sessions.len()).collect();
        {
            let s = &scan.sessions;
            order.sort_unstable_by(|&a, &b| {
                let (a, b) = (&s[a].meta, &s[b].meta);
                b.date
                    .cmp(&a.date)
                    .then(b.created.cmp(&a.created))
                    .then_with(|| b.id.cmp(&a.id))
            });
        }
        let mut slots: Vec<Option<SessionSummary>> = std::mem::take(&mut scan.sessions)
            .into_iter()
            .map(Some)
            .collect();
        scan.sessions = order.into_iter().filter_map(|i| slots[i].take()).collect();
        scan.problems.sort_by(|a, b| a.path.cmp(&b.path));
        scan
    }

    /// Like [`Store::scan`], but every session file is read and parsed again whatever the
    /// catalog says (`ripple check`, like `git fsck`): a file changed in place at the same size
    /// and modification time is caught. The catalog is refreshed with what was read, and a
    /// note says how many of its entries were out of date.
    pub fn scan_verified(&self) -> Scan {
        let (cached, _) = self.read_catalog();
        *self.catalog.lock().unwrap_or_else(|e| e.into_inner()) = Some(HashMap::new());
        let mut scan = self.scan();
        let guard = self.catalog.lock().unwrap_or_else(|e| e.into_inner());
        let stale = guard.as_ref().map_or(0, |fresh| {
            cached
                .iter()
                .filter(|(name, old)| {
                    fresh
                        .get(*name)
                        .is_some_and(|new| new.stamp == old.stamp && new.parsed != old.parsed)
                })
                .count()
        });
        if stale > 0 {
            scan.notes.push(format!(
                "{}: the catalog cache said {stale} session file(s) were unchanged, but their \
                 content had changed at the same size and time; the cache {}",
                self.catalog_path().display(),
                if self.is_read_only() {
                    "could not be refreshed (the store is read-only): run `ripple check` again \
                     when it can be written"
                } else {
                    "was refreshed"
                }
            ));
        }
        scan
    }

    fn read_catalog(&self) -> (HashMap<String, CatalogEntry>, Option<String>) {
        let p = self.catalog_path();
        let bytes = match fs::read(&p) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return (HashMap::new(), None),
            Err(e) => {
                return (
                    HashMap::new(),
                    Some(format!(
                        "{}: cannot read the catalog ({e}); rebuilt",
                        p.display()
                    )),
                )
            }
        };
        match std::str::from_utf8(&bytes)
            .map_err(|e| e.to_string())
            .and_then(catalog::decode)
        {
            Ok(entries) => (entries, None),
            Err(e) => (
                HashMap::new(),
                Some(format!(
                    "{}: the catalog cache was damaged ({e}); rebuilt from the session files",
                    p.display()
                )),
            ),
        }
    }

    fn write_catalog_if_writable(&self, scan: &mut Scan) {
        if self.is_read_only() {
            return;
        }
        let guard = self.catalog.lock().unwrap_or_else(|e| e.into_inner());
        let Some(entries) = guard.as_ref() else {
            return;
        };
        let bytes = catalog::encode(entries).into_bytes();
        let p = self.catalog_path();
        if let Err(e) = self.write_file(&p, &bytes) {
            // Only a cache: the next start parses the files again.
            scan.notes.push(format!(
                "{}: cannot write the catalog cache: {e}",
                p.display()
            ));
        }
    }

    /// Read and parse one session. (Readers that only look, such as `agree` over thousands of
    /// notes, come here: no copy of the bytes is kept and no file version is computed.)
    pub fn load(&self, id: &SessionId) -> Result<Session, StoreError> {
        let (path, bytes) = self.read_session_file(id)?;
        parse_bytes(&path, &bytes).map_err(|error| StoreError::Format { path, error })
    }

    /// Read one session's note alone, its metadata not parsed
    /// ([`session_file::parse_note_only`](crate::core::session_file::parse_note_only)): for
    /// readers of many notes that need only their words.
    pub fn load_note(&self, id: &SessionId) -> Result<String, StoreError> {
        let (path, bytes) = self.read_session_file(id)?;
        utf8_text(&bytes)
            .and_then(parse_note_only)
            .map_err(|error| StoreError::Format { path, error })
    }

    fn read_session_file(&self, id: &SessionId) -> Result<(PathBuf, Vec<u8>), StoreError> {
        check_id(id)?;
        let path = self.session_path(id);
        match fs::read(&path) {
            Ok(b) => Ok((path, b)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(StoreError::NotFound(id.to_string()))
            }
            Err(e) => Err(StoreError::io("read", &path, e, String::new())),
        }
    }

    /// Read and parse one session, with the file's bytes and version: what an editor's text is
    /// then made from.
    pub fn load_with_base(&self, id: &SessionId) -> Result<(Session, BaseCopy), StoreError> {
        let (path, text) = self.read_session_file(id)?;
        let session =
            parse_bytes(&path, &text).map_err(|error| StoreError::Format { path, error })?;
        // Parsing succeeded, so the bytes are UTF-8.
        let base = BaseCopy::new(String::from_utf8(text).unwrap_or_default());
        Ok((session, base))
    }

    /// A full id, a unique prefix of one, or the short form (`SessionId::short`). Case-insensitive.
    pub fn resolve(&self, query: &str) -> Result<SessionId, StoreError> {
        let q = query.trim().to_ascii_lowercase();
        if q.is_empty() || !q.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(StoreError::BadId(query.to_string()));
        }
        if is_valid_id(&q) && self.session_path(&SessionId(q.clone())).is_file() {
            return Ok(SessionId(q));
        }
        let dir = self.sessions_dir();
        let read = fs::read_dir(&dir).map_err(io_err("read", &dir))?;
        let mut matches: Vec<String> = read
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".md").map(str::to_string))
            .filter(|id| is_valid_id(id))
            .filter(|id| id.starts_with(&q) || SessionId(id.clone()).short() == q)
            .collect();
        matches.sort();
        matches.dedup();
        match matches.len() {
            0 => Err(StoreError::NoMatch(query.to_string())),
            1 => Ok(SessionId(matches.remove(0))),
            _ => Err(StoreError::Ambiguous {
                query: query.to_string(),
                candidates: matches,
            }),
        }
    }

    /// Write a new session. Its id must not exist yet; the text's line endings become LF.
    pub fn create(&self, meta: SessionMeta, text: &str) -> Result<Session, StoreError> {
        self.require_writable()?;
        check_id(&meta.id)?;
        if self.session_path(&meta.id).exists() {
            return Err(StoreError::AlreadyExists(meta.id.to_string()));
        }
        let session = Session {
            meta,
            text: normalize_newlines(text),
        };
        self.save(&session)?;
        Ok(session)
    }

    /// Write a session atomically. Refused in read-only mode. If the write fails, a recovery
    /// draft is attempted (in the fallback folder if need be) and the error says where it is.
    pub fn save(&self, session: &Session) -> Result<FileStamp, StoreError> {
        self.save_with_base(session).map(|(stamp, _)| stamp)
    }

    /// `save`, also giving the file's bytes and version as written: what the editor's text is
    /// made from from now on.
    pub fn save_with_base(&self, session: &Session) -> Result<(FileStamp, BaseCopy), StoreError> {
        self.require_writable()?;
        check_id(&session.meta.id)?;
        let path = self.session_path(&session.meta.id);
        let bytes = to_file_string(session);
        let mut result = self.write_file(&path, bytes.as_bytes());
        if matches!(&result, Err(e) if e.kind() == io::ErrorKind::NotFound) {
            // The sessions folder was removed from outside: make it again and retry once.
            if self.create_dir(&self.sessions_dir()).is_ok() {
                result = self.write_file(&path, bytes.as_bytes());
            }
        }
        match result {
            Ok(()) => {
                let stamp = FileStamp::of_path(&path).unwrap_or(FileStamp {
                    mtime_ns: 0,
                    size: bytes.len() as u64,
                });
                Ok((stamp, BaseCopy::new(bytes)))
            }
            Err(e) => {
                let kept = match self.write_draft(session) {
                    Ok(d) => format!(
                        "; your text is kept in memory and in the recovery draft at {}",
                        d.display()
                    ),
                    Err(_) => "; your text is kept in memory only (the recovery draft could not \
                               be written either)"
                        .to_string(),
                };
                Err(StoreError::io("write", &path, e, kept))
            }
        }
    }

    /// Move a session (and every coder's codings of it, and their coding drafts) to
    /// `.ripple/trash/<time>-<id>/`. Returns that folder. Its text recovery draft is cleared.
    pub fn delete(&self, id: &SessionId) -> Result<PathBuf, StoreError> {
        self.require_writable()?;
        check_id(id)?;
        let path = self.session_path(id);
        if !path.is_file() {
            return Err(StoreError::NotFound(id.to_string()));
        }
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
        let bin = self.trash_dir().join(format!("{stamp}-{id}"));
        // Every file that goes, and the trash folder it goes to.
        let mut moves: Vec<(PathBuf, PathBuf)> = vec![(path, bin.clone())];
        if let Ok(read) = fs::read_dir(self.codings_dir()) {
            for coder in read.flatten() {
                let file = coder.path().join(format!("{id}.json"));
                if file.is_file() {
                    moves.push((file, bin.join(CODINGS_DIR).join(coder.file_name())));
                }
            }
        }
        // Coding drafts of it go along (kept, not lost: they may hold codings nowhere else).
        let mut roots = vec![(self.drafts_dir(), "drafts")];
        roots.extend(
            self.fallback_drafts_dir()
                .map(|d| (d.to_path_buf(), "fallback-drafts")),
        );
        for (root, name) in roots {
            let dir = root.join(CODING_DRAFTS);
            let Ok(read) = fs::read_dir(&dir) else {
                continue;
            };
            for coder in read.flatten() {
                let file = coder.path().join(format!("{id}.json"));
                if file.is_file() {
                    let dest_dir = bin.join(name).join(CODING_DRAFTS).join(coder.file_name());
                    moves.push((file, dest_dir));
                }
            }
        }
        // Moving a file out of a linked folder would take it from outside the store, and into
        // a linked trash would put it outside: refused before anything moves.
        for (file, dest_dir) in &moves {
            self.guard_write(file)
                .map_err(io_err("move to the trash", file))?;
            self.guard_write(dest_dir)
                .map_err(io_err("create", dest_dir))?;
        }
        for (file, dest_dir) in &moves {
            self.create_dir(dest_dir)
                .map_err(io_err("create", dest_dir))?;
            let dest = dest_dir.join(file.file_name().expect("a file name"));
            move_file(file, &dest).map_err(io_err("move to the trash", file))?;
        }
        let _ = crate::core::atomic::sync_dir(&self.sessions_dir());
        self.clear_draft(id)?;
        Ok(bin)
    }

    /// The session file's current stamp, or None if it does not exist.
    pub fn stamp(&self, id: &SessionId) -> Option<FileStamp> {
        if !is_valid_id(id.as_str()) {
            return None;
        }
        FileStamp::of_path(&self.session_path(id))
    }

    /// The drafts folders to look in: the store's, then the fallback one.
    pub fn draft_dirs(&self) -> Vec<PathBuf> {
        let mut v = vec![self.drafts_dir()];
        v.extend(self.fallback_drafts.clone());
        v
    }

    /// The drafts folders a draft may be removed from: the store's only when it is writable.
    pub fn clearable_draft_dirs(&self) -> Vec<PathBuf> {
        let mut v = Vec::new();
        if !self.is_read_only() {
            v.push(self.drafts_dir());
        }
        v.extend(self.fallback_drafts.clone());
        v
    }
}

/// Move a file into the trash. The fallback drafts folder may be on another file system than
/// the store: where a rename cannot cross, copy, then remove.
fn move_file(from: &Path, to: &Path) -> io::Result<()> {
    fs::rename(from, to).or_else(|_| fs::copy(from, to).and_then(|_| fs::remove_file(from)))
}

fn check_id(id: &SessionId) -> Result<(), StoreError> {
    if is_valid_id(id.as_str()) && id.as_str().bytes().all(|b| !b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(StoreError::BadId(id.to_string()))
    }
}

/// Add a catalog entry to a scan, as a summary or a problem.
fn emit(dir: &Path, name: &str, entry: &CatalogEntry, scan: &mut Scan) {
    let path = dir.join(name);
    match &entry.parsed {
        Parsed::Ok {
            meta,
            chars,
            preview,
        } => scan.sessions.push(SessionSummary {
            meta: meta.clone(),
            path,
            stamp: entry.stamp,
            chars: *chars,
            preview: preview.clone(),
        }),
        Parsed::Problem { line, message } => scan.problems.push(Problem {
            path,
            line: *line,
            message: message.clone(),
        }),
    }
}

/// Parse files not (or no longer) in the catalog, on as many threads as there are cores.
fn parse_files(dir: &Path, files: Vec<(String, FileStamp)>) -> Vec<(String, CatalogEntry)> {
    let now = now_ns();
    let parse_one = |(name, stamp): &(String, FileStamp)| -> (String, CatalogEntry) {
        let path = dir.join(name);
        let parsed = if !is_valid_id(name.trim_end_matches(".md")) {
            Parsed::Problem {
                line: None,
                message: "the file name is not a session id: session files are named <id>.md"
                    .into(),
            }
        } else {
            match fs::read(&path) {
                Err(e) => Parsed::Problem {
                    line: None,
                    message: format!("cannot read: {e}"),
                },
                Ok(bytes) => match parse_bytes(&path, &bytes) {
                    Ok(s) => Parsed::Ok {
                        chars: s.text.chars().count(),
                        preview: preview(&s.text).into(),
                        meta: Arc::new(s.meta),
                    },
                    Err(e) => Parsed::Problem {
                        line: Some(e.line),
                        message: e.message,
                    },
                },
            }
        };
        let entry = CatalogEntry {
            stamp: *stamp,
            settled: now - stamp.mtime_ns > RACY_NS,
            parsed,
        };
        (name.clone(), entry)
    };
    parallel_map(&files, parse_one)
}

/// The first `PREVIEW_CHARS` code points of the note on one line.
pub fn preview(text: &str) -> String {
    let mut out = String::new();
    let mut n = 0;
    for word in text.split_whitespace() {
        if n > 0 {
            if n >= PREVIEW_CHARS {
                out.push('…');
                return out;
            }
            out.push(' ');
            n += 1;
        }
        for c in word.chars() {
            if n >= PREVIEW_CHARS {
                out.push('…');
                return out;
            }
            out.push(c);
            n += 1;
        }
    }
    out
}

/// A folder may become a store if it is new, empty, or already a store.
fn check_is_store_or_empty(root: &Path) -> Result<(), StoreError> {
    match fs::metadata(root) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::io("open", root, e, String::new())),
        Ok(m) if !m.is_dir() => Err(StoreError::NotAStore {
            path: root.to_path_buf(),
            reason: "it is a file, not a folder".into(),
        }),
        Ok(_) => {
            if root.join("ripple.toml").is_file() || root.join(SESSIONS).is_dir() {
                return Ok(());
            }
            let mut entries = fs::read_dir(root).map_err(io_err("read", root))?;
            if entries.next().is_none() {
                Ok(())
            } else {
                Err(StoreError::NotAStore {
                    path: root.to_path_buf(),
                    reason: "the folder is not empty and has no ripple.toml: choose a new or \
                             empty folder"
                        .into(),
                })
            }
        }
    }
}

fn default_fallback_drafts(root: &Path) -> Option<PathBuf> {
    crate::core::settings::default_cache_dir().map(|c| {
        let index = crate::core::settings::index_dir_for(&c, root);
        // Same store hash as the index folder.
        let hash = index.file_name().map(PathBuf::from).unwrap_or_default();
        c.join("drafts").join(hash)
    })
}

/// What came of trying to take the writer lock.
enum Lock {
    Held(File),
    /// Another Ripple holds it: the read-only reason, and who holds it (" (pid 1234, since
    /// 14:02)", or "").
    Busy {
        message: String,
        holder: String,
    },
    /// The lock file cannot be opened or locked: the read-only reason.
    Failed(String),
}

/// Take the writer lock, or explain who holds it. The lock file is never opened through a
/// symbolic link (its holder's details are written into it).
fn take_lock(root: &Path, path: &Path) -> Lock {
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let opened = refuse_links_below(root, path).and_then(|()| options.open(path));
    let mut file = match opened {
        Ok(f) => f,
        Err(e) => {
            // O_NOFOLLOW on a link that appeared since the check.
            #[cfg(unix)]
            let looped = e.raw_os_error() == Some(libc::ELOOP);
            #[cfg(not(unix))]
            let looped = false;
            let e = if looped {
                io::Error::other(format!("{} is a symbolic link", path.display()))
            } else {
                e
            };
            return Lock::Failed(format!(
                "cannot open the lock {} ({e}): read-only",
                path.display()
            ));
        }
    };
    match file.try_lock() {
        Ok(()) => {
            let info = format!(
                "pid = {}\nhost = {}\nsince = \"{}\"\n",
                std::process::id(),
                toml::Value::String(host_name()),
                chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
            // The holder's details are only for the message another instance shows.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = file.set_permissions(fs::Permissions::from_mode(0o600));
            }
            let _ = file
                .set_len(0)
                .and_then(|_| file.rewind())
                .and_then(|_| file.write_all(info.as_bytes()))
                .and_then(|_| file.sync_all());
            Lock::Held(file)
        }
        Err(fs::TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            Lock::Busy {
                message: holder_message(&text),
                holder: holder_details(&text),
            }
        }
        Err(fs::TryLockError::Error(e)) => {
            Lock::Failed(format!("cannot lock {} ({e}): read-only", path.display()))
        }
    }
}

/// Who holds the lock, from the lock file: ("pid 1234 on host" or "pid 1234", "since 14:02").
fn holder(lock_text: &str) -> (Option<String>, Option<String>) {
    #[derive(Deserialize, Default)]
    struct Holder {
        pid: Option<u32>,
        host: Option<String>,
        since: Option<String>,
    }
    let h: Holder = toml::from_str(lock_text).unwrap_or_default();
    let who = match (h.pid, h.host.filter(|s| !s.is_empty())) {
        (Some(pid), Some(host)) if host != host_name() => Some(format!("pid {pid} on {host}")),
        (Some(pid), _) => Some(format!("pid {pid}")),
        (None, Some(host)) => Some(format!("on {host}")),
        (None, None) => None,
    };
    let since = h
        .since
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(&s).ok())
        .map(|since| {
            let local = since.with_timezone(&chrono::Local);
            if local.date_naive() == chrono::Local::now().date_naive() {
                format!("since {}", local.format("%H:%M"))
            } else {
                format!("since {}", local.format("%Y-%m-%d %H:%M"))
            }
        });
    (who, since)
}

/// " (pid 1234 on host, since 14:02)"; "" when the lock file says nothing.
fn holder_details(lock_text: &str) -> String {
    let (who, since) = holder(lock_text);
    let parts: Vec<String> = who.into_iter().chain(since).collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// "open in another Ripple (pid 1234 on host) since 14:02: read-only".
fn holder_message(lock_text: &str) -> String {
    let (who, since) = holder(lock_text);
    let mut msg = String::from("open in another Ripple");
    if let Some(who) = who {
        msg.push_str(&format!(" ({who})"));
    }
    if let Some(since) = since {
        msg.push_str(&format!(" {since}"));
    }
    msg.push_str(": read-only");
    msg
}

fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .filter_map(|p| fs::read_to_string(p).ok())
        .map(|s| s.trim().to_string())
        .find(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_is_one_line_and_bounded() {
        assert_eq!(preview("  Doña\n\nAna  🙂 "), "Doña Ana 🙂");
        let long = "我们 ".repeat(100);
        let p = preview(&long);
        assert!(p.ends_with('…'));
        assert_eq!(p.chars().count(), PREVIEW_CHARS + 1);
        assert!(!p.contains('\n'));
    }

    #[test]
    fn full_disk_and_permission_errors_are_explained() {
        let e = StoreError::io(
            "write",
            Path::new("/s/sessions/x.md"),
            io::Error::from_raw_os_error(ENOSPC),
            "; your text is kept in memory and in the recovery draft at /d/x.md".into(),
        );
        assert_eq!(
            e.to_string(),
            "disk full: could not write /s/sessions/x.md; your text is kept in memory and in the recovery draft at /d/x.md"
        );
        let e = StoreError::io(
            "write",
            Path::new("/s/x.md"),
            io::Error::from(io::ErrorKind::PermissionDenied),
            String::new(),
        );
        assert!(e
            .to_string()
            .starts_with("permission denied: cannot write /s/x.md"));
    }

    #[test]
    fn the_gitignore_lists_temporary_files_and_an_old_default_one_gets_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("store");
        Store::open(&root).unwrap();
        let ignore = root.join(".gitignore");
        let text = fs::read_to_string(&ignore).unwrap();
        assert!(text.lines().any(|l| l == ".ripple-tmp-*"), "{text}");
        assert!(text.lines().any(|l| l == ".ripple/"), "{text}");
        fs::write(&ignore, GITIGNORE_BEFORE_TEMP_FILES).unwrap();
        Store::open(&root).unwrap();
        assert_eq!(fs::read_to_string(&ignore).unwrap(), GITIGNORE);
        // One the user wrote is theirs.
        fs::write(&ignore, ".ripple/\nexports/\n").unwrap();
        Store::open(&root).unwrap();
        assert_eq!(fs::read_to_string(&ignore).unwrap(), ".ripple/\nexports/\n");
    }

    #[test]
    fn holder_message_names_pid_and_time() {
        let now = chrono::Utc::now();
        let text = format!(
            "pid = 1234\nhost = \"{}\"\nsince = \"{}\"\n",
            host_name(),
            crate::core::session_file::format_timestamp(&now)
        );
        let local = now
            .with_timezone(&chrono::Local)
            .format("%H:%M")
            .to_string();
        assert_eq!(
            holder_message(&text),
            format!("open in another Ripple (pid 1234) since {local}: read-only")
        );
        assert_eq!(holder_message(""), "open in another Ripple: read-only");
    }
}
