//! Codings: a passage of a session's note tagged with a codebook theme by one coder.
//!
//! Offsets are Unicode code points from 0, half-open `[start, end)`, over the note text with LF
//! line endings: exactly REFI-QDA's `PlainTextSelection` `startPosition`/`endPosition`.
//! Each coding keeps the text it quoted and some context on either side so it can be
//! re-attached after the note was changed outside Ripple (see `anchor`).

use crate::core::session::SessionId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How many code points of context are stored on each side of a coded passage.
pub const CONTEXT_CHARS: usize = 48;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CodingId(pub String);

impl CodingId {
    pub fn new() -> CodingId {
        CodingId(ulid::Ulid::new().to_string().to_ascii_lowercase())
    }
}

impl Default for CodingId {
    fn default() -> Self {
        CodingId::new()
    }
}

impl std::fmt::Display for CodingId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a coding is still attached to its words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum AnchorStatus {
    #[default]
    Attached,
    /// The quoted text could not be found again: kept for the evaluator to re-attach or discard.
    Orphaned,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coding {
    pub id: CodingId,
    pub session: SessionId,
    /// Theme key from the codebook (e.g. `trust`).
    pub theme: String,
    pub coder: String,
    /// Code points, half-open.
    pub start: usize,
    pub end: usize,
    /// The coded text as it was when last attached.
    pub quote: String,
    /// Up to `CONTEXT_CHARS` code points before and after the passage.
    #[serde(default)]
    pub before: String,
    #[serde(default)]
    pub after: String,
    #[serde(default)]
    pub memo: String,
    #[serde(default)]
    pub status: AnchorStatus,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// One coder's work on one session: their codings and their memo on the note. Stored as one
/// file per (coder, session) so two coders never write the same file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoderSessionFile {
    pub session: SessionId,
    pub coder: String,
    #[serde(default)]
    pub memo: String,
    #[serde(default)]
    pub codings: Vec<Coding>,
}
