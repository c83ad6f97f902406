//! The one error type of exchange, shared by opening, planning and applying an import.

use std::path::PathBuf;

/// Why a file could not be exported or imported. Messages name the file (and the entry and line
/// inside it) and, for refusals, why the file is not trusted.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("{}: {entry}:{line}:{column}: {message}", .file.display())]
    Malformed {
        file: PathBuf,
        entry: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: refused: {reason}", .file.display())]
    Refused { file: PathBuf, reason: String },
    #[error("{}: {message}", .file.display())]
    Unreadable { file: PathBuf, message: String },
    /// Writing the import failed; the store is as it was.
    #[error("{0}")]
    Apply(String),
}
