//! How far a long exchange (an export, an import) has come, for a progress line.

/// What a long exchange is doing, for a progress line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading the store's sessions (export).
    Reading,
    /// Reading the file's sources and working out the plan (import).
    Planning,
    /// Writing files (the staged files of an import).
    Writing,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Reading => "Reading sessions",
            Stage::Planning => "Reading sources",
            Stage::Writing => "Writing files",
        }
    }
}

/// Told how far a long exchange has come: the stage, `done` of `total` items. Called from the
/// thread doing the work (any of them, one at a time), so it must be `Send`.
pub type Progress<'a> = &'a mut (dyn FnMut(Stage, usize, usize) + Send);
