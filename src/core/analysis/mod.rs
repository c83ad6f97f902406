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
pub mod value;

pub use cooccur::{cooccurrence, CellQueries, CooccurSpec, Cooccurrence};
pub(crate) use corpus::{orphaned_warning, CountsParts};
pub use corpus::{
    Bags, CodingInput, Corpus, CorpusCoding, CorpusSession, IndexedCoding, Selection, SessionInput,
    ThemeRow,
};
pub use dimension::{project_month, ColumnKey, Dimension};
pub use language::{
    columns_of, keywords, kwic, terms, Concordance, Keyword, KeywordSpec, TermCounts, STOP_WORDS,
};
pub use matrix::{matrix, theme_counts, ColLabel, Matrix, MatrixSpec, RowLabel, ThemeCounts};
pub use scope::Scope;
pub use value::{Level, Value};

#[cfg(test)]
mod tests;
