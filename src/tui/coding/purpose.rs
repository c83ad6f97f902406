//! What the theme picker and a one-line prompt are for: the question they carry, and with it
//! what is done with the answer once they close (`Command::Picked`, `Command::Prompted`).

use crate::core::coding::CodingId;

/// Who owns a list of themes being picked from, and what Enter does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PickFor {
    /// Code `[start, end)` of the open note.
    NewCoding { start: usize, end: usize },
    /// Change the theme of a coding.
    ChangeTheme(CodingId),
    /// Codebook: new parent of `key` (None item = top level).
    Parent(String),
    /// Codebook: merge `key` into the picked theme.
    MergeInto(String),
    /// Codebook: delete `key`, its passages going to the picked theme.
    Reassign(String),
}

/// What a one-line prompt is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptFor {
    CodingMemo(CodingId),
    NoteMemo,
    ThemeKey {
        parent: Option<String>,
    },
    ThemeName {
        key: String,
        parent: Option<String>,
    },
    Rename(String),
    Colour(String),
    ConfirmDelete {
        key: String,
        reassign: Option<String>,
    },
    /// Name a theme created from the picker, then use it for `then`.
    NewThemeName {
        key: String,
        then: PickFor,
    },
}
