//! Recovery drafts as data: the file version a draft was made from, the draft's file format
//! (a session file with a `draft_base` line), the kinds of kept text, and the diff and
//! three-way merge shown when a draft was made from another version than the file on disk.
//! No file access here: `store::recovery` reads and writes them.

use crate::core::session::{Session, SessionId, SessionMeta};
use crate::core::session_file::{parse_bytes, to_file_string, FormatError, DELIMITER};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

const DRAFT_BASE_KEY: &str = "draft_base = ";
const NO_FILE: &str = "none";

/// The content of a session file, named by its SHA-256: `sha256:<64 hex digits>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileVersion(String);

impl FileVersion {
    pub fn of(bytes: &[u8]) -> FileVersion {
        use sha2::{Digest, Sha256};
        let mut s = String::with_capacity(7 + 64);
        s.push_str("sha256:");
        for b in Sha256::digest(bytes) {
            let _ = write!(s, "{b:02x}");
        }
        FileVersion(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn parse(s: &str) -> Option<FileVersion> {
        let hex = s.strip_prefix("sha256:")?;
        (hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| FileVersion(s.to_string()))
    }
}

/// The session file an open note's text was made from: its version and its bytes (kept beside
/// a draft so the draft can be merged with a file changed since).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseCopy {
    pub version: FileVersion,
    pub bytes: Arc<str>,
}

impl BaseCopy {
    pub fn new(bytes: impl Into<Arc<str>>) -> BaseCopy {
        let bytes = bytes.into();
        BaseCopy {
            version: FileVersion::of(bytes.as_bytes()),
            bytes,
        }
    }
}

/// What a draft was made from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DraftBase {
    /// The session file with this content.
    File(FileVersion),
    /// No session file (a new session not saved yet).
    NoFile,
    /// Not recorded: a draft written by an earlier Ripple, or an interrupted save's copy.
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecoverySource {
    /// A recovery draft (`.ripple/drafts/<id>.md` or the fallback folder).
    Draft,
    /// A `.ripple-tmp-*` copy left by a save (of the note or of a draft) that was cut short:
    /// complete unless the machine lost power, but nothing proves it.
    InterruptedSave,
}

/// Unsaved text kept for a session.
#[derive(Clone, Debug)]
pub struct Recovery {
    pub session: Session,
    /// When it was written (the file's modification time).
    pub written: SystemTime,
    pub path: PathBuf,
    pub source: RecoverySource,
    pub base: DraftBase,
}

/// How a left-over temporary file compares with the session file it is a copy of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compared {
    /// Newer than the session file and different: text that may exist nowhere else.
    Newer,
    /// The session has no file: text that exists nowhere else.
    NoFile,
    /// The session file was written after it.
    Older,
    /// The same session as the file holds.
    Same,
}

/// What a left-over `.ripple-tmp-*` file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TempHolds {
    Session {
        id: SessionId,
        title: String,
        compared: Compared,
    },
    /// Not a session (a codings file, the codebook, the catalog…), or a copy cut short.
    Other,
}

/// A left-over temporary file anywhere in the store (or its fallback drafts folder).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftoverTemp {
    pub path: PathBuf,
    pub modified: SystemTime,
    pub holds: TempHolds,
}

impl LeftoverTemp {
    /// Holds text of a note that is newer than its file, or has no file.
    pub fn is_recoverable(&self) -> bool {
        matches!(
            self.holds,
            TempHolds::Session {
                compared: Compared::Newer | Compared::NoFile,
                ..
            }
        )
    }
}

/// The bytes of a draft: the session file with the `draft_base` line after the opening `+++`.
pub fn encode_draft(session: &Session, base: &DraftBase) -> String {
    let file = to_file_string(session);
    let value = match base {
        DraftBase::File(v) => v.as_str(),
        DraftBase::NoFile => NO_FILE,
        DraftBase::Unknown => return file,
    };
    let opening = DELIMITER.len() + 1;
    let mut out = String::with_capacity(file.len() + 100);
    out.push_str(&file[..opening]);
    let _ = writeln!(out, "{DRAFT_BASE_KEY}\"{value}\"");
    out.push_str(&file[opening..]);
    out
}

/// Read a draft (or a session file: its base is then unknown). Line numbers in errors are the
/// draft file's.
pub fn decode_draft(bytes: &[u8]) -> Result<(Session, DraftBase), FormatError> {
    let prefix = format!("{DELIMITER}\n{DRAFT_BASE_KEY}");
    let Some(rest) = bytes.strip_prefix(prefix.as_bytes()) else {
        return Ok((parse_bytes(Path::new(""), bytes)?, DraftBase::Unknown));
    };
    let bad = || FormatError {
        line: 2,
        message: "draft_base must be \"sha256:<64 hex digits>\" or \"none\"".into(),
    };
    let end = rest.iter().position(|&b| b == b'\n').ok_or_else(bad)?;
    let value = std::str::from_utf8(&rest[..end]).map_err(|_| bad())?;
    let value = value
        .trim()
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .ok_or_else(bad)?;
    let base = if value == NO_FILE {
        DraftBase::NoFile
    } else {
        DraftBase::File(FileVersion::parse(value).ok_or_else(bad)?)
    };
    let mut body = Vec::with_capacity(bytes.len());
    body.extend_from_slice(DELIMITER.as_bytes());
    body.push(b'\n');
    body.extend_from_slice(&rest[end + 1..]);
    let session = parse_bytes(Path::new(""), &body).map_err(|mut e| {
        if e.line >= 2 {
            e.line += 1;
        }
        e
    })?;
    Ok((session, base))
}

/// One line of the difference between the file and the recovered text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffLine {
    Both(String),
    FileOnly(String),
    RecoveredOnly(String),
    /// Lines left out between two changes.
    Gap,
}

/// The difference between the file's text and the recovered text, line by line, with three
/// lines of context around each change.
pub fn diff_lines(file: &str, recovered: &str) -> Vec<DiffLine> {
    let patch = diffy::create_patch(file, recovered);
    let mut out = Vec::new();
    let strip = |s: &str| s.strip_suffix('\n').unwrap_or(s).to_string();
    for (i, hunk) in patch.hunks().iter().enumerate() {
        if i > 0 || hunk.old_range().start() > 1 {
            out.push(DiffLine::Gap);
        }
        for line in hunk.lines() {
            out.push(match line {
                diffy::Line::Context(s) => DiffLine::Both(strip(s)),
                diffy::Line::Delete(s) => DiffLine::FileOnly(strip(s)),
                diffy::Line::Insert(s) => DiffLine::RecoveredOnly(strip(s)),
            });
        }
    }
    out
}

/// A three-way merge of the recovered text into the file's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    pub session: Session,
    /// Places where both changed the same lines: both versions are in the text between
    /// `<<<<<<<`, `=======` and `>>>>>>>` lines.
    pub conflicts: usize,
}

/// Merge `recovered` (made from `base`) with `file` (changed from `base` since): the text line
/// by line, each detail field taking whichever side changed it (the recovered one when both
/// did).
pub fn merge(base: &Session, file: &Session, recovered: &Session) -> Merged {
    let mut options = diffy::MergeOptions::new();
    // Both versions between markers on lines of their own (a note's last line often has no
    // line break), without the version they came from.
    options
        .set_conflict_style(diffy::ConflictStyle::Merge)
        .set_incomplete_hunk_style(diffy::IncompleteHunkStyle::Git);
    let (text, conflicts) = match options.merge(&base.text, &file.text, &recovered.text) {
        Ok(t) => (t, 0),
        Err(t) => {
            // diffy names the sides after git's "ours" and "theirs": say which is which.
            let t: String = t
                .split_inclusive('\n')
                .map(|l| match l.trim_end_matches('\n') {
                    "<<<<<<< ours" => l.replacen("ours", "the file", 1),
                    ">>>>>>> theirs" => l.replacen("theirs", "the kept text", 1),
                    _ => l.to_string(),
                })
                .collect();
            let n = t.lines().filter(|l| l.starts_with("<<<<<<< ")).count();
            (t, n)
        }
    };
    let meta = merge_meta(&base.meta, &file.meta, &recovered.meta);
    Merged {
        session: Session { meta, text },
        conflicts,
    }
}

fn merge_meta(base: &SessionMeta, file: &SessionMeta, ours: &SessionMeta) -> SessionMeta {
    fn pick<T: PartialEq + Clone>(base: &T, file: &T, ours: &T) -> T {
        if ours == base {
            file.clone()
        } else {
            ours.clone()
        }
    }
    SessionMeta {
        id: file.id.clone(),
        title: pick(&base.title, &file.title, &ours.title),
        date: pick(&base.date, &file.date, &ours.date),
        agencies: pick(&base.agencies, &file.agencies, &ours.agencies),
        session_type: pick(&base.session_type, &file.session_type, &ours.session_type),
        county: pick(&base.county, &file.county, &ours.county),
        facilitator: pick(&base.facilitator, &file.facilitator, &ours.facilitator),
        participants: pick(&base.participants, &file.participants, &ours.participants),
        tags: pick(&base.tags, &file.tags, &ours.tags),
        created: file.created,
        updated: file.updated.max(ours.updated),
    }
}
