//! A deleted session as the trash lists it (`store::trash` finds and restores them).

use crate::core::session::{SessionId, SessionMeta};
use chrono::{DateTime, Utc};
use std::path::PathBuf;

/// One deleted session in the trash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trashed {
    /// `.ripple/trash/<time>-<id>/`.
    pub folder: PathBuf,
    pub id: SessionId,
    /// When it was deleted (from the folder's name).
    pub deleted: Option<DateTime<Utc>>,
    /// Its metadata, when its file can be read (else `problem` says why).
    pub meta: Option<SessionMeta>,
    pub problem: Option<String>,
    /// How many coders' codings files went with it.
    pub codings: usize,
}
