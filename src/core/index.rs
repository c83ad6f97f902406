//! The search index: a tantivy index derived from the store (never the source of truth), kept
//! in `Env.index_dir`. It can always be thrown away and rebuilt from the note files.
//!
//! Two kinds of documents, each with its own fields (`s_*` and `p_*`, see [`KindFields`]):
//! - a **session**: title, note text, every coder's memo, metadata, and the themes of all its
//!   codings (so `theme:` also filters sessions);
//! - a **passage**: one attached coding: the quoted text, its theme, coder, coding memo,
//!   start/end code points, plus its session's metadata so the same filters apply. Orphaned
//!   codings are not indexed (their words are no longer in the note).
//!
//! Themes are facets `/theme/<key>` listing each coded theme and its ancestors in the
//! codebook, so `theme:collaboration` finds passages coded with any of its children.
//!
//! Running text is indexed as stems, one term a word; the words as written are kept in the
//! index's vocabulary (`core::vocabulary`) for prefix and fuzzy queries.
//!
//! Health: `open` detects a missing, unreadable, corrupt or outdated index (schema version
//! marker `ripple-index-version` in the folder; the vocabulary file), moves a bad folder aside (`<dir>.broken`) and
//! returns an empty index with [`IndexHealth::Rebuilt`]; the caller then calls
//! [`SearchIndex::rebuild`]. The marker is written only when a rebuild completes, so an
//! interrupted rebuild is caught on the next open. A second process gets [`IndexError::Locked`] from `open` and uses
//! [`SearchIndex::open_read_only`], which searches but cannot write.
//!
//! Every save is: [`SearchIndex::index_session`] then [`SearchIndex::commit`] (commit reloads
//! the reader, so the session is searchable when it returns). A commit takes 10–20 ms: call it
//! off the UI thread.

pub mod analysis;
mod facet_tally;
mod open;
pub mod query_plan;
pub mod schema;
mod search;
mod snippet;
mod terms;
mod write;

pub use schema::{HitKind, IndexFields, KindFields};

use schema::build_schema;

use crate::core::codebook::Codebook;
use crate::core::coding::Coding;
use crate::core::query;
use crate::core::session::{Session, SessionId, SessionType};
use crate::core::vocabulary::{Vocabulary, VocabularyCheck};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Schema, Value};
use tantivy::{Index, IndexReader, IndexWriter, TantivyDocument, TantivyError, Term};

/// Bump when the schema or the analysis changes: an index with another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 7;
/// The file in the index folder holding `SCHEMA_VERSION`.
pub const VERSION_MARKER: &str = "ripple-index-version";

const WRITER_MEMORY: usize = 64_000_000;

// ---------------------------------------------------------------------------------------------
// Facets

/// The facet path of a theme: its ancestors' keys, then its own (`["collaboration", "trust"]`).
/// A key missing from the codebook is a top-level path of its own.
pub fn theme_path(codebook: &Codebook, key: &str) -> Vec<String> {
    theme_path_in(&codebook.hierarchy(), key)
}

/// `theme_path` with the parents already resolved (once per batch of documents). The whole
/// chain, however deep: a filter on a theme must find passages coded at any depth below it.
fn theme_path_in(hierarchy: &crate::core::codebook::Hierarchy<'_>, key: &str) -> Vec<String> {
    let mut path: Vec<String> = hierarchy.ancestors(key).map(|t| t.key.clone()).collect();
    path.reverse();
    path.push(key.to_string());
    path
}

// ---------------------------------------------------------------------------------------------
// Errors, health, results

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("another Ripple process is writing the search index at {0} (open it read-only)")]
    Locked(PathBuf),
    #[error("this search index was opened read-only")]
    ReadOnly,
    #[error("{0} looks like a Ripple store, not an index folder: refusing to use it as the index")]
    NotAnIndex(PathBuf),
    #[error("the search index at {path} cannot be used: {reason}")]
    Unusable { path: PathBuf, reason: String },
    /// A file of the index failed its check, or reading it failed or panicked during a search:
    /// the index must be rebuilt (see `is_damage`).
    #[error("the search index at {path} is damaged: {reason}")]
    Damaged { path: PathBuf, reason: String },
    #[error(transparent)]
    Query(#[from] query::QueryError),
    #[error("search index: {0}")]
    Tantivy(#[from] TantivyError),
    #[error("search index: {0}")]
    Io(#[from] std::io::Error),
}

impl IndexError {
    /// Whether this error means the index's files are damaged (or unreadable), so that it must
    /// be set aside and rebuilt, rather than a problem of the query or of locking.
    pub fn is_damage(&self) -> bool {
        match self {
            IndexError::Damaged { .. } | IndexError::Unusable { .. } | IndexError::Io(_) => true,
            IndexError::Tantivy(e) => !matches!(
                e,
                TantivyError::LockFailure(..) | TantivyError::InvalidArgument(_)
            ),
            IndexError::Locked(_)
            | IndexError::ReadOnly
            | IndexError::NotAnIndex(_)
            | IndexError::Query(_) => false,
        }
    }
}

/// What `open` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexHealth {
    /// The existing index is current.
    Ok,
    /// The index was missing parts, unreadable or outdated: it was moved aside and a new empty
    /// one created. Call `rebuild`.
    Rebuilt { reason: String },
    /// There was no index: a new empty one was created. Call `rebuild`.
    Empty,
}

impl IndexHealth {
    pub fn needs_rebuild(&self) -> bool {
        !matches!(self, IndexHealth::Ok)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub kind: HitKind,
    pub session_id: SessionId,
    /// Passages only.
    pub coding_id: Option<String>,
    pub title: String,
    pub date: NaiveDate,
    pub agencies: Vec<String>,
    pub session_type: SessionType,
    pub county: String,
    pub facilitator: String,
    /// Passages: the coding's theme; sessions: every theme coded in it.
    pub themes: Vec<String>,
    /// Passages: the coder; sessions: empty.
    pub coder: String,
    /// Passages: the coding memo; sessions: the coders' memos on the note.
    pub memo: String,
    /// Passages: the whole quote; sessions: a snippet of the note.
    pub quote_or_snippet: String,
    /// Matched words, code points within `quote_or_snippet`, sorted, non-overlapping.
    pub highlights: Vec<(usize, usize)>,
    /// Where `quote_or_snippet` lies in the note, in code points.
    pub start: usize,
    pub end: usize,
    pub score: f32,
}

pub use facet_tally::FacetCounts;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Results {
    /// All matching documents of the kind asked for.
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: FacetCounts,
}

/// The codings a passage search finds, their passages and their sessions
/// (`SearchIndex::passage_tally`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PassageTally {
    pub codings: usize,
    /// Distinct spans `(session, start, end)`.
    pub passages: usize,
    pub sessions: usize,
}

/// Most hits one search returns (a larger `limit` is capped).
pub const MAX_PAGE: usize = 10_000;

/// The order of hits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// By score when the query has words (equal scores: newest first); newest first when it
    /// has none (filters only: every hit scores alike).
    #[default]
    Relevance,
    /// By score, whatever the query (equal scores: newest first).
    Score,
    /// Newest session date first (the same date: better score first).
    Newest,
}

/// One session with its codings and memos, as `rebuild` takes them.
#[derive(Clone, Debug)]
pub struct IndexItem {
    pub session: Session,
    pub codings: Vec<Coding>,
    /// `(coder, memo)` on the note.
    pub memos: Vec<(String, String)>,
}

// ---------------------------------------------------------------------------------------------
// The index

/// The message a panic carried.
pub fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    writer: Option<IndexWriter>,
    fields: IndexFields,
    codebook: Codebook,
    /// The words as written, for prefix and fuzzy queries (the index holds stems).
    vocabulary: Arc<Vocabulary>,
    /// The store as the index last saw it (`core::index_sync`'s record, opaque here), written
    /// with every commit.
    sync_mark: Option<String>,
    /// A blind coder's private index holds only that coder's codings and note memos (compared
    /// as coder folders are): set with `only_for`, applied where documents are made, so no way
    /// of writing can let another coder's work in.
    viewer: Option<String>,
    /// Answer two-word phrases with a plain phrase query and count facets with tantivy's
    /// `FacetCollector`, instead of the word-pair field and the facet-column tally: the
    /// reference the tests and the search benchmark compare the faster paths against.
    reference_paths: bool,
    /// Each live segment's facets per document (see `facet_tally::FacetTable`).
    facet_tables: facet_tally::FacetTables,
}

/// What each commit records in tantivy's commit payload (inside `meta.json`, written
/// atomically with the commit), to check the index's own files when it is next opened.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
struct CommitPayload {
    vocabulary: VocabularyCheck,
    #[serde(default)]
    store: Option<String>,
}

/// The file in the index folder listing the segment files whose checksums were verified, with
/// the key each had then (`core::file_key`): segment files never change once written, so a file
/// with the same key needs no second reading. One line a file: name, length, mtime, ctime, inode.
pub const VERIFIED_FILE: &str = "ripple-verified";

/// An empty tantivy index with Ripple's schema and analysers, whose analysis collects no
/// vocabulary: the benchmark's "tantivy alone on Ripple's documents".
#[doc(hidden)]
pub fn bench_plain_index(dir: &Path) -> tantivy::Result<Index> {
    let index = Index::create_in_dir(dir, build_schema())?;
    analysis::register_tokenizers(&index, None);
    Ok(index)
}

fn is_lock_error(e: &TantivyError) -> bool {
    matches!(e, TantivyError::LockFailure(..))
}

impl SearchIndex {
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn is_read_only(&self) -> bool {
        self.writer.is_none()
    }

    pub fn schema(&self) -> Schema {
        self.index.schema()
    }

    /// Use the reference paths (see `reference_paths`) or, as by default, the faster ones.
    /// Results are the same either way; tests and the search benchmark compare them.
    pub fn set_reference_paths(&mut self, on: bool) {
        self.reference_paths = on;
    }

    /// The codebook `theme:` values are resolved against (also set by `index_session` and
    /// `rebuild`).
    pub fn set_codebook(&mut self, codebook: Codebook) {
        self.codebook = codebook;
    }

    /// From now on, index only `viewer`'s codings and note memos (a blind coder's private
    /// index; None: everyone's).
    pub fn only_for(&mut self, viewer: Option<String>) {
        self.viewer = viewer.map(|v| crate::core::coding::coder_slug(&v));
    }

    /// Whether a coding or memo by `coder` goes into this index.
    fn indexes(&self, coder: &str) -> bool {
        self.viewer
            .as_deref()
            .is_none_or(|v| crate::core::coding::coder_slug(coder) == v)
    }

    pub fn codebook(&self) -> &Codebook {
        &self.codebook
    }

    /// The store as the index last saw it (`core::index_sync`'s record), as of the last commit.
    pub fn sync_mark(&self) -> Option<&str> {
        self.sync_mark.as_deref()
    }

    /// The record to write with the next commit.
    pub fn set_sync_mark(&mut self, mark: Option<String>) {
        self.sync_mark = mark;
    }
    /// Every indexed session with the key of its files when it was indexed (see
    /// `core::index_sync`), read from fast columns.
    pub fn indexed_sources(&self) -> Result<HashMap<SessionId, u64>, IndexError> {
        self.guard(|| {
            let mut out = HashMap::new();
            let searcher = self.reader.searcher();
            for seg in searcher.segment_readers() {
                let fast = seg.fast_fields();
                let sources = fast.u64("sources")?;
                let Some(ids) = fast.str("session_id")? else {
                    continue;
                };
                let mut id = String::new();
                for doc in seg.doc_ids_alive() {
                    let (Some(key), Some(ord)) = (sources.first(doc), ids.ords().first(doc)) else {
                        continue;
                    };
                    id.clear();
                    ids.ord_to_str(ord, &mut id)?;
                    out.insert(SessionId(id.clone()), key);
                }
            }
            Ok(out)
        })
    }

    /// Run a read of the index, turning a panic inside tantivy (a damaged file that passed its
    /// checks) into `IndexError::Damaged`, as any error reading the files already is.
    fn guard<T>(&self, read: impl FnOnce() -> Result<T, IndexError>) -> Result<T, IndexError> {
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|panic| {
                Err(IndexError::Damaged {
                    path: self.dir.clone(),
                    reason: format!("reading it failed: {}", panic_message(&panic)),
                })
            });
        result.map_err(|e| match e {
            IndexError::Tantivy(t) if !is_lock_error(&t) => IndexError::Damaged {
                path: self.dir.clone(),
                reason: t.to_string(),
            },
            IndexError::Io(io) => IndexError::Damaged {
                path: self.dir.clone(),
                reason: io.to_string(),
            },
            e => e,
        })
    }

    /// Number of session documents.
    pub fn session_count(&self) -> Result<usize, IndexError> {
        self.count(HitKind::Sessions)
    }

    /// Number of passage documents (attached codings).
    pub fn passage_count(&self) -> Result<usize, IndexError> {
        self.count(HitKind::Passages)
    }

    fn count(&self, kind: HitKind) -> Result<usize, IndexError> {
        let q = TermQuery::new(
            Term::from_field_text(self.fields.kind, kind.key()),
            IndexRecordOption::Basic,
        );
        self.guard(|| Ok(self.reader.searcher().search(&q, &Count)?))
    }

    /// The note text of a session as indexed (for evidence context), if it is in the index.
    pub fn session_text(&self, id: &SessionId) -> Result<Option<String>, IndexError> {
        let f = &self.fields;
        let q = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.kind, HitKind::Sessions.key()),
                    IndexRecordOption::Basic,
                )) as Box<dyn TantivyQuery>,
            ),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.session_id, id.as_str()),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        let searcher = self.reader.searcher();
        let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        match top.first() {
            Some((_, addr)) => {
                let doc: TantivyDocument = searcher.doc(*addr)?;
                Ok(doc
                    .get_first(f.body)
                    .and_then(|v| v.as_str().map(str::to_string)))
            }
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_paths_follow_parents() {
        let cb: Codebook = toml::from_str(
            "[[theme]]\nkey='collaboration'\nname='Collaboration'\ncolour='#000000'\n\
             [[theme]]\nkey='trust'\nname='Trust'\ncolour='#000000'\nparent='collaboration'\n",
        )
        .unwrap();
        assert_eq!(theme_path(&cb, "trust"), vec!["collaboration", "trust"]);
        assert_eq!(theme_path(&cb, "unknown"), vec!["unknown"]);
    }

    #[test]
    fn theme_paths_reach_the_top_of_a_deep_chain_and_stop_at_a_cycle() {
        // t0 <- t1 <- ... <- t39: a filter on t0 must see a passage coded t39.
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(&format!(
                "[[theme]]\nkey='t{i}'\nname='T{i}'\ncolour='#000000'\n"
            ));
            if i > 0 {
                text.push_str(&format!("parent='t{}'\n", i - 1));
            }
        }
        let cb: Codebook = toml::from_str(&text).unwrap();
        let path = theme_path(&cb, "t39");
        assert_eq!(path.len(), 40);
        assert_eq!((path[0].as_str(), path[39].as_str()), ("t0", "t39"));
        let cyclic: Codebook = toml::from_str(
            "[[theme]]\nkey='a'\nname='A'\ncolour='#000000'\nparent='b'\n\
             [[theme]]\nkey='b'\nname='B'\ncolour='#000000'\nparent='a'\n",
        )
        .unwrap();
        assert_eq!(theme_path(&cyclic, "a"), vec!["b", "a"]);
    }
}
