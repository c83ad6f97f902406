//! Analysis for an evaluation report: theme matrices, co-occurrence, and the language of the
//! notes over time (terms, concordance, keywords), as pure functions over an in-memory
//! [`Corpus`] (loaded from the store by `core::workspace::analysis`).
//!
//! **What counts** (the one definition every screen and export uses; docs/analysis.md):
//!
//! - a **coding** is one coder's record: a theme on a span of a note, by one coder;
//! - a **passage** is a distinct span `(session, start, end)` coded with a theme by any coder
//!   in scope: two coders coding the same words with the same theme make one passage and two
//!   codings. A parent theme's passages are the distinct spans coded with it or any theme
//!   below it (each span once, however many of its sub-themes it carries);
//! - a **session** counts once, whatever it holds.
//!
//! Offsets are code points. Orphaned codings (whose words are no longer in the note) are not
//! counted, as search does not find them.

pub mod cooccur;
pub mod corpus;
pub mod dimension;
pub mod language;
pub mod matrix;
pub mod scope;

pub use cooccur::{cooccurrence, CooccurSpec, Cooccurrence};
pub use corpus::{Corpus, CorpusCoding, CorpusSession, Selection, SessionInput, ThemeRow};
pub use dimension::{project_month, ColumnKey, Dimension};
pub use language::{
    keywords, kwic, terms, Concordance, Keyword, KeywordSpec, TermCounts, STOP_WORDS,
};
pub use matrix::{matrix, theme_counts, ColLabel, Matrix, MatrixSpec, RowLabel, ThemeCounts};
pub use scope::Scope;

use std::fmt;
use std::str::FromStr;

/// What a matrix cell counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Value {
    /// Distinct spans coded with the theme (each span once, whoever coded it).
    #[default]
    Passages,
    /// Sessions with at least one such passage.
    Sessions,
    /// Coders' records: the same span coded by two coders counts twice.
    Codings,
    /// Sessions with the theme as a share (0–1) of the column's sessions in scope.
    Share,
}

impl Value {
    pub const ALL: [Value; 4] = [
        Value::Passages,
        Value::Sessions,
        Value::Codings,
        Value::Share,
    ];

    /// The name used in commands and JSON: `passages`, `sessions`, `codings`, `share`.
    pub fn key(self) -> &'static str {
        match self {
            Value::Passages => "passages",
            Value::Sessions => "sessions",
            Value::Codings => "codings",
            Value::Share => "share",
        }
    }

    /// How a screen or an export says what the numbers are.
    pub fn describe(self) -> &'static str {
        match self {
            Value::Passages => "passages (distinct coded spans; each span once whoever coded it)",
            Value::Sessions => "sessions with the theme",
            Value::Codings => "codings (one per coder per coded span)",
            Value::Share => "share of the column's sessions that have the theme",
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Value {
    type Err = String;
    fn from_str(s: &str) -> Result<Value, String> {
        let s = s.trim().to_ascii_lowercase();
        Value::ALL
            .into_iter()
            .find(|v| v.key() == s || v.key().trim_end_matches('s') == s)
            .ok_or_else(|| {
                format!("unknown value `{s}`; values are: passages, sessions, codings, share")
            })
    }
}

/// The unit of co-occurrence: overlapping passages, or themes in the same session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Level {
    #[default]
    Passage,
    Session,
}

impl Level {
    pub fn key(self) -> &'static str {
        match self {
            Level::Passage => "passage",
            Level::Session => "session",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Level, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "passage" | "passages" => Ok(Level::Passage),
            "session" | "sessions" => Ok(Level::Session),
            other => Err(format!(
                "unknown level `{other}`; levels are: passage, session"
            )),
        }
    }
}

#[cfg(test)]
mod tests;
