//! Why a workspace operation failed: the store's, a coder file's, the codebook's or the
//! index's own error, or a refusal of the workspace's rules. Displayed as the user is told it.

use crate::core::codebook::CodebookError;
use crate::core::coding_store::CodingFileError;
use crate::core::index::IndexError;
use crate::core::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A coder file or a coding draft that could not be read or written.
    #[error(transparent)]
    Coding(#[from] CodingFileError),
    #[error(transparent)]
    Codebook(#[from] CodebookError),
    #[error(transparent)]
    Index(#[from] IndexError),
    /// A note changed since it was looked at: nothing was written (the message says what).
    #[error("{0}")]
    Changed(String),
    /// The store is open read-only: nothing is written.
    #[error("the store is read-only")]
    ReadOnly,
    /// A theme is to be deleted while a coder file cannot be read (it might use the theme).
    #[error("{0}; fix this file before deleting themes")]
    UnreadableBeforeDelete(CodingFileError),
    /// A theme is to be deleted without reassignment while passages still carry it.
    #[error("theme `{key}` now codes {count} passage(s): choose a theme to reassign them to")]
    ThemeInUse { key: String, count: usize },
    /// Opening the index worked, but bringing it up to date did not.
    #[error("updating the index failed: {0}")]
    IndexUpdate(IndexError),
    /// The index could not be opened read-only while another process writes it.
    #[error("{0} (another Ripple is writing the index; search works once it has built it)")]
    IndexBeingWritten(IndexError),
    /// There is no open index (it could not be opened, or it failed and was closed).
    #[error("the search index is not available")]
    IndexUnavailable,
    /// Another process holds the index's writer: this one cannot index what it saved.
    #[error("another process is writing the index; it catches up at the next start")]
    IndexBusy,
    /// The index turned out damaged while in use: it is to be set aside and rebuilt.
    #[error("index damaged: rebuilding ({0})")]
    IndexDamaged(String),
    /// The index is damaged, and this process only reads it.
    #[error("the search index is damaged ({0}); another Ripple writes it: restart to rebuild it")]
    DamagedReadOnly(String),
    /// The index is damaged and could not be started afresh.
    #[error("the search index is damaged ({why}) and cannot be rebuilt: {error}")]
    DamagedUnrebuildable { why: String, error: IndexError },
    /// Rebuilding an index found damaged failed.
    #[error("rebuilding the damaged index failed: {0}")]
    RebuildDamaged(IndexError),
    /// Rebuilding the index after a codebook change failed.
    #[error("rebuilding failed: {0}")]
    Rebuild(IndexError),
    /// Any other failure, said in words (a panic's message, a message from elsewhere).
    #[error("{0}")]
    Other(String),
}

impl WorkspaceError {
    /// The damage found in the index, when this error means the index must be rebuilt.
    pub fn damage(&self) -> Option<&str> {
        match self {
            WorkspaceError::IndexDamaged(why) => Some(why),
            _ => None,
        }
    }
}

impl From<String> for WorkspaceError {
    fn from(message: String) -> WorkspaceError {
        WorkspaceError::Other(message)
    }
}

impl From<&str> for WorkspaceError {
    fn from(message: &str) -> WorkspaceError {
        WorkspaceError::Other(message.to_string())
    }
}
