//! What a plan is made of: the target store, the sessions and themes planned, what is
//! skipped and why, and how a source's files are fetched.

use crate::core::codebook::Codebook;
use crate::core::coding::CoderSessionFile;
use crate::core::exchange::error::ExchangeError;
use crate::core::session::{Session, SessionId};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashSet;

/// The name codings and memos without a user are recorded under.
pub const UNKNOWN_CODER: &str = "Unknown coder";

/// What a source's text file gave.
pub enum Fetch {
    Text(String),
    /// The archive has no such file.
    Missing,
    /// It cannot be used; the reason.
    Unreadable(String),
}

/// Where the plan reads the files a project refers to (the archive's `sources/`).
pub trait SourceFiles {
    /// A plain-text file (`plainTextPath`).
    fn plain(&mut self, path: &str) -> Result<Fetch, ExchangeError>;
    /// A `.docx` file (`richTextPath`) as plain text.
    fn docx(&mut self, path: &str) -> Result<Fetch, ExchangeError>;
}

/// What the plan needs to know of the store it imports into.
#[derive(Clone, Debug, Default)]
pub struct Target {
    /// The store's codebook (empty for a new store).
    pub codebook: Codebook,
    pub sessions: HashSet<SessionId>,
    pub new_store: bool,
    /// The date given to sources that carry none at all.
    pub today: Option<NaiveDate>,
    /// When the import runs (for times a file leaves out).
    pub now: Option<DateTime<Utc>>,
    /// The store's folder, to read the codings of sessions the file holds and the store has.
    pub root: Option<std::path::PathBuf>,
}

impl Target {
    /// Everything needed of an existing store.
    pub fn of_store(store: &crate::core::store::Store, codebook: Codebook) -> Target {
        Target {
            codebook,
            sessions: store
                .scan()
                .sessions
                .iter()
                .map(|s| s.meta.id.clone())
                .collect(),
            new_store: false,
            today: None,
            now: None,
            root: Some(store.root().to_path_buf()),
        }
    }
}

/// A session to add, with its coders' files.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedSession {
    pub session: Session,
    pub files: Vec<CoderSessionFile>,
    /// The text came from the source's `.docx`.
    pub converted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ThemeOutcome {
    /// Added to the codebook.
    New,
    /// The store's theme with this key takes the code; `how` says why.
    Matched { how: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThemePlan {
    /// The code's place in the file's tree: "Parent › Child".
    pub path: String,
    pub key: String,
    pub outcome: ThemeOutcome,
}

/// Something in the file that is not imported, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub what: String,
    pub reason: String,
}

/// The whole import, ready to show and to apply.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub project_name: Option<String>,
    pub origin: Option<String>,
    pub sessions: Vec<PlannedSession>,
    /// Sources already in the store: (title, session id).
    pub present: Vec<(String, SessionId)>,
    pub themes: Vec<ThemePlan>,
    /// The store's codebook after the import.
    pub codebook: Codebook,
    pub skipped: Vec<Skipped>,
    /// Worth knowing, not a loss (dates taken from elsewhere, offsets read another way, …).
    pub notes: Vec<String>,
    pub codings: usize,
    /// Codings whose selection's name quotes the words at its offsets (or names their line).
    pub verified: usize,
    pub memos: usize,
}

impl Plan {
    pub fn new_themes(&self) -> usize {
        self.themes
            .iter()
            .filter(|t| t.outcome == ThemeOutcome::New)
            .count()
    }
    /// Whether applying it would change anything.
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty() && self.new_themes() == 0
    }
}
