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

use crate::core::atomic::{create_private_dir, refuse_links_below};
use crate::core::file_key::FileKey;
pub use crate::core::file_key::FileStamp;
use crate::core::session::{Session, SessionId, SessionMeta};
use crate::core::session_file::{
    file_name_for, id_of_file_name, is_valid_id, parse_bytes, parse_note_only, to_file_string,
    utf8_text, FormatError, SESSIONS_DIR,
};
use crate::core::settings::{SettingsError, StoreSettings};
use crate::core::text::normalize_newlines;
use catalog::CatalogEntry;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The codebook a new store starts with.
pub const DEFAULT_CODEBOOK: &str = include_str!("../../codebook/default.toml");

mod catalog;
mod draft;
mod open;
mod recovery;
mod scan;
mod templates;
mod trash;
mod trashed;
pub use crate::core::template::{Template, DEFAULT_TEMPLATE, TEMPLATES_DIR};
pub use draft::{
    decode_draft, diff_lines, encode_draft, merge, BaseCopy, Compared, DiffLine, DraftBase,
    FileVersion, LeftoverTemp, Merged, Recovery, RecoverySource, TempHolds,
};
pub use trashed::Trashed;

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
    #[error("no deleted session matches `{0}` (`ripple trash` lists them)")]
    NotInTrash(String),
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
    /// The note file's key (size, times, inode) from the same `stat` as `stamp`, when a scan
    /// made the summary: the analysis cache checks notes with it instead of a second `stat`.
    pub key: Option<FileKey>,
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
    /// Every session file looked at (sessions and problems, by name in the sessions folder),
    /// with the key its look took before the file was read or its catalog entry trusted.
    /// Not listed: names that are not session files, and a second file holding an id (a
    /// problem whatever its content).
    pub files: Vec<(String, FileKey)>,
}

/// A store of session notes.
pub struct Store {
    root: PathBuf,
    settings: StoreSettings,
    /// Held while this instance is the writer; dropping it releases the lock.
    _lock: Option<File>,
    /// The writer lock taken after opening read-only because another Ripple held it, once that
    /// one let go (`try_take_over`): from then on this store is writable.
    late_lock: std::sync::OnceLock<File>,
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
    /// The file name of each session as the last scan, listing or save saw it (session files
    /// are named `YYYY-MM-DD-title-ID.md`, or `<id>.md` by earlier Ripples).
    names: Mutex<HashMap<SessionId, String>>,
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
    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn settings(&self) -> &StoreSettings {
        &self.settings
    }
    pub fn is_read_only(&self) -> bool {
        self.read_only_reason().is_some()
    }
    /// Why the store is read-only, e.g. "open in another Ripple (pid 1234) since 14:02: read-only".
    pub fn read_only_reason(&self) -> Option<&str> {
        if self.late_lock.get().is_some() {
            return None;
        }
        self.read_only_reason.as_deref()
    }
    pub fn sessions_dir(&self) -> PathBuf {
        self.root.join(SESSIONS)
    }
    /// The file of session `id`: `sessions/YYYY-MM-DD-title-slug-<id>.md` as it is named now
    /// (found by its id, whatever its title was when it was saved), or `sessions/<id>.md` (the
    /// name earlier Ripples gave, and what is returned when there is no file). The id is not
    /// checked here; `load`/`save` refuse invalid ids.
    pub fn session_path(&self, id: &SessionId) -> PathBuf {
        self.find_session_file(id, true)
            .unwrap_or_else(|| self.sessions_dir().join(format!("{}.md", id.as_str())))
    }

    /// The file that holds session `id`, if there is one: the name last seen, the short name,
    /// then (with `list`) every name in the folder, listed again.
    fn find_session_file(&self, id: &SessionId, list: bool) -> Option<PathBuf> {
        let dir = self.sessions_dir();
        let known = self.known_name(id);
        if let Some(p) = known.map(|n| dir.join(n)).filter(|p| p.is_file()) {
            return Some(p);
        }
        let short = dir.join(format!("{}.md", id.as_str()));
        if short.is_file() {
            return Some(short);
        }
        if !list {
            return None;
        }
        self.list_names();
        let p = dir.join(self.known_name(id)?);
        p.is_file().then_some(p)
    }

    fn known_name(&self, id: &SessionId) -> Option<String> {
        let names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        names.get(id).cloned()
    }

    fn remember_name(&self, id: &SessionId, path: &Path) {
        if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
            let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
            names.insert(id.clone(), name.to_string());
        }
    }

    /// List the sessions folder again and remember which file holds each id (the first name,
    /// in order, when two files hold one id: `scan` reports the other).
    fn list_names(&self) {
        let Ok(read) = fs::read_dir(self.sessions_dir()) else {
            return;
        };
        let mut found: Vec<String> = read
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| !n.starts_with('.') && id_of_file_name(n).is_some())
            .collect();
        found.sort_unstable();
        let mut names = HashMap::with_capacity(found.len());
        for name in found {
            let id = SessionId(id_of_file_name(&name).unwrap_or_default().to_string());
            names.entry(id).or_insert(name);
        }
        *self.names.lock().unwrap_or_else(|e| e.into_inner()) = names;
    }

    /// Replace what is known of the file names with what a scan saw.
    fn set_names(&self, names: HashMap<SessionId, String>) {
        *self.names.lock().unwrap_or_else(|e| e.into_inner()) = names;
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
        match (self.read_only_reason(), &self.busy_holder) {
            (None, _) => Ok(()),
            (Some(_), Some(holder)) => Err(StoreError::Busy {
                store: self.root.clone(),
                holder: holder.clone(),
                waited: (self.waited >= Duration::from_secs(1)).then_some(self.waited.as_secs()),
            }),
            (Some(r), None) => Err(StoreError::ReadOnly {
                reason: r.to_string(),
            }),
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

    /// A full id, or a unique prefix of a full id or of a short form (`SessionId::short`,
    /// `SessionId::answers_to`). Case-insensitive. More than one match is `Ambiguous`, with
    /// every candidate.
    pub fn resolve(&self, query: &str) -> Result<SessionId, StoreError> {
        let q = query.trim().to_ascii_lowercase();
        if q.is_empty() || !q.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(StoreError::BadId(query.to_string()));
        }
        if is_valid_id(&q)
            && self
                .find_session_file(&SessionId(q.clone()), true)
                .is_some()
        {
            return Ok(SessionId(q));
        }
        let dir = self.sessions_dir();
        let read = fs::read_dir(&dir).map_err(io_err("read", &dir))?;
        let mut matches: Vec<String> = read
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| !n.starts_with('.'))
            .filter_map(|n| id_of_file_name(&n).map(|id| SessionId(id.to_string())))
            .filter(|id| id.answers_to(&q))
            .map(|id| id.0)
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
        // A new id (a ULID made just now) is not looked for in every file name: creating many
        // sessions must not list the folder for each.
        let named = self.sessions_dir().join(file_name_for(&meta));
        if self.find_session_file(&meta.id, false).is_some() || named.exists() {
            return Err(StoreError::AlreadyExists(meta.id.to_string()));
        }
        let session = Session {
            meta,
            text: normalize_newlines(text),
        };
        self.save_inner(&session, false)?;
        Ok(session)
    }

    /// Write a session atomically. Refused in read-only mode. If the write fails, a recovery
    /// draft is attempted (in the fallback folder if need be) and the error says where it is.
    pub fn save(&self, session: &Session) -> Result<FileStamp, StoreError> {
        self.save_with_base(session).map(|(stamp, _)| stamp)
    }

    /// `save`, also giving the file's bytes and version as written: what the editor's text is
    /// made from from now on.
    ///
    /// The file is named after the session's date and title (`file_name_for`): when they
    /// changed, the file is first renamed (atomically, the id unchanged), then written, so a
    /// crash between the two leaves the old text under the new name, never two files.
    pub fn save_with_base(&self, session: &Session) -> Result<(FileStamp, BaseCopy), StoreError> {
        self.save_inner(session, true)
    }

    fn save_inner(
        &self,
        session: &Session,
        may_exist: bool,
    ) -> Result<(FileStamp, BaseCopy), StoreError> {
        self.require_writable()?;
        check_id(&session.meta.id)?;
        let target = self.sessions_dir().join(file_name_for(&session.meta));
        let path = match self.find_session_file(&session.meta.id, may_exist) {
            Some(current) if current != target => match self.rename_file(&current, &target) {
                Ok(()) => target,
                // Written where it is: a name that cannot be taken must not lose the text.
                Err(_) => current,
            },
            _ => target,
        };
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
                self.remember_name(&session.meta.id, &path);
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

    /// Rename a session file within the sessions folder, never over another file, and flush
    /// the folder.
    fn rename_file(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.guard_write(from)?;
        self.guard_write(to)?;
        if to.exists() {
            return Err(io::Error::from(io::ErrorKind::AlreadyExists));
        }
        fs::rename(from, to)?;
        crate::core::atomic::sync_dir(&self.sessions_dir())
    }

    /// Move a session (and every coder's codings of it, and their coding drafts) to
    /// `.ripple/trash/<time>-<id>/`. Returns that folder. Its text recovery draft is cleared.
    pub fn delete(&self, id: &SessionId) -> Result<PathBuf, StoreError> {
        self.require_writable()?;
        check_id(id)?;
        let path = self
            .find_session_file(id, true)
            .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
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

    /// A store holding sessions with the given ids.
    fn store_with(ids: &[&str]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        for id in ids {
            let mut meta = crate::core::session::SessionMeta::new_today("M. Rivera");
            meta.id = SessionId(id.to_string());
            store.create(meta, "Words.\n").unwrap();
        }
        (dir, store)
    }

    #[test]
    fn a_prefix_of_the_short_id_names_a_session() {
        // Short ids (the last eight characters): c9p2x4hq and c9p7m1ab.
        let (_dir, store) = store_with(&[
            "01jd3k4m5n6p7q8r9sc9p2x4hq",
            "01jd3k4m5n6p7q8r9sc9p7m1ab",
            "01jx0000000000000000000000",
        ]);
        let first = SessionId("01jd3k4m5n6p7q8r9sc9p2x4hq".into());
        assert_eq!(store.resolve("c9p2").unwrap(), first);
        assert_eq!(store.resolve("C9P2X").unwrap(), first);
        assert_eq!(store.resolve("c9p2x4hq").unwrap(), first);
        assert_eq!(store.resolve("01jd3k4m5n6p7q8r9sc9p2").unwrap(), first);
        match store.resolve("c9p") {
            Err(StoreError::Ambiguous { candidates, .. }) => assert_eq!(
                candidates,
                ["01jd3k4m5n6p7q8r9sc9p2x4hq", "01jd3k4m5n6p7q8r9sc9p7m1ab"]
            ),
            other => panic!("{other:?}"),
        }
        // Only the short form's start counts: its middle does not.
        assert!(matches!(store.resolve("p2x4"), Err(StoreError::NoMatch(_))));
    }

    #[test]
    fn a_prefix_of_one_full_id_and_another_short_id_is_ambiguous() {
        // `01jx` starts one full id and the other's short id (`01jx9abc`).
        let (_dir, store) =
            store_with(&["01jx0000000000000000000000", "01jd3k4m5n6p7q8r9s01jx9abc"]);
        match store.resolve("01jx") {
            Err(e @ StoreError::Ambiguous { .. }) => {
                let msg = e.to_string();
                assert!(msg.contains("matches 2 sessions"), "{msg}");
                assert!(msg.contains("01jx0000000000000000000000"), "{msg}");
                assert!(msg.contains("01jd3k4m5n6p7q8r9s01jx9abc"), "{msg}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            store.resolve("01jx0").unwrap(),
            SessionId("01jx0000000000000000000000".into())
        );
        assert_eq!(
            store.resolve("01jx9").unwrap(),
            SessionId("01jd3k4m5n6p7q8r9s01jx9abc".into())
        );
    }
}
