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
pub mod query_plan;
pub mod schema;

pub use schema::{HitKind, IndexFields, KindFields};

use analysis::{has_symbols, stem};
use query_plan::{highlight_terms, to_tantivy, HighlightTerms, TermExpander};
use schema::build_schema;

use crate::core::atomic::{atomic_write, create_private_dir};
use crate::core::codebook::Codebook;
use crate::core::coding::{AnchorStatus, Coding};
use crate::core::file_key::FileKey;
use crate::core::query::{self, Query};
use crate::core::session::{Session, SessionId, SessionType};
use crate::core::text::{byte_to_char, char_slice, has_cjk};
use crate::core::vocabulary::{Vocabulary, VocabularyCheck, VOCABULARY_FILE};
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption, Schema, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::{
    DateTime, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term,
};

/// Bump when the schema or the analysis changes: an index with another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 4;
/// The file in the index folder holding `SCHEMA_VERSION`.
pub const VERSION_MARKER: &str = "ripple-index-version";

const WRITER_MEMORY: usize = 64_000_000;
/// Snippet length for session hits, in bytes of text (tantivy's unit).
const SNIPPET_BYTES: usize = 220;

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

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FacetCounts {
    /// Per theme key (parents include their children), most first.
    pub themes: Vec<(String, u64)>,
    /// Per agency, most first.
    pub agencies: Vec<(String, u64)>,
    /// Per month ("2026-06"), in date order.
    pub months: Vec<(String, u64)>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Results {
    /// All matching documents of the kind asked for.
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: FacetCounts,
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

/// The files of one segment, as tantivy 0.27 writes them.
fn segment_files(seg: &tantivy::SegmentMeta) -> Vec<PathBuf> {
    use tantivy::index::SegmentComponent as C;
    let mut files: Vec<PathBuf> = [
        C::Postings,
        C::Positions,
        C::Terms,
        C::Store,
        C::FastFields,
        C::FieldNorms,
    ]
    .into_iter()
    .map(|c| seg.relative_path(c))
    .collect();
    if seg.has_deletes() {
        files.push(seg.relative_path(C::Delete));
    }
    files
}

fn read_verified(dir: &Path) -> HashMap<String, FileKey> {
    let Ok(text) = std::fs::read_to_string(dir.join(VERIFIED_FILE)) else {
        return HashMap::new();
    };
    let mut out = HashMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let key = |i: usize| f.get(i).and_then(|v| v.parse::<i64>().ok());
        if let (5, Some(len), Some(m), Some(c), Some(ino)) = (
            f.len(),
            key(1),
            key(2),
            key(3),
            f.get(4).and_then(|v| v.parse::<u64>().ok()),
        ) {
            let key = FileKey {
                len: len as u64,
                mtime_ns: m,
                ctime_ns: c,
                ino,
            };
            out.insert(f[0].to_string(), key);
        }
    }
    out
}

/// Check every file of the committed segments: present, and its checksum right unless it was
/// verified before with the same key. Records what it verified (best effort: the record only
/// saves reading the files again).
fn verify_segment_files(
    dir: &Path,
    index: &Index,
    metas: &tantivy::IndexMeta,
) -> Result<(), IndexError> {
    let damaged = |reason: String| IndexError::Damaged {
        path: dir.to_path_buf(),
        reason,
    };
    let known = read_verified(dir);
    let mut now_known: Vec<(String, FileKey)> = Vec::new();
    for seg in &metas.segments {
        for rel in segment_files(seg) {
            let name = rel.to_string_lossy().into_owned();
            let key = FileKey::of_path(&dir.join(&rel))
                .ok_or_else(|| damaged(format!("{name} is missing")))?;
            if known.get(&name) != Some(&key) {
                match index.directory().validate_checksum(&rel) {
                    Ok(true) => {}
                    Ok(false) => return Err(damaged(format!("{name} fails its checksum"))),
                    Err(e) => return Err(damaged(format!("{name} cannot be read: {e}"))),
                }
            }
            now_known.push((name, key));
        }
    }
    if now_known.len() != known.len() || now_known.iter().any(|(n, k)| known.get(n) != Some(k)) {
        let mut text = String::new();
        for (n, k) in &now_known {
            text.push_str(&format!(
                "{n}\t{}\t{}\t{}\t{}\n",
                k.len, k.mtime_ns, k.ctime_ns, k.ino
            ));
        }
        let _ = atomic_write(&dir.join(VERIFIED_FILE), text.as_bytes());
    }
    Ok(())
}

fn looks_like_store(dir: &Path) -> bool {
    dir.join("ripple.toml").exists() || dir.join("sessions").is_dir()
}

fn read_marker(dir: &Path) -> Option<u32> {
    std::fs::read_to_string(dir.join(VERSION_MARKER))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// An empty tantivy index with Ripple's schema and analysers, whose analysis collects no
/// vocabulary: the benchmark's "tantivy alone on Ripple's documents".
#[doc(hidden)]
pub fn bench_plain_index(dir: &Path) -> tantivy::Result<Index> {
    let index = Index::create_in_dir(dir, build_schema())?;
    analysis::register_tokenizers(&index, None);
    Ok(index)
}

/// Whether another process holds tantivy's writer lock on `dir` (the same `flock` tantivy
/// takes), so a folder being written is never moved aside under its writer.
fn writer_lock_busy(dir: &Path) -> bool {
    let path = dir.join(".tantivy-writer.lock");
    match std::fs::File::open(&path) {
        Ok(f) => matches!(f.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
        Err(_) => false,
    }
}

fn is_lock_error(e: &TantivyError) -> bool {
    matches!(e, TantivyError::LockFailure(..))
}

impl SearchIndex {
    /// Open (or create) the index in `dir` for writing. A bad index is moved aside and replaced
    /// by an empty one (`IndexHealth::Rebuilt`); a missing one is created (`Empty`). If another
    /// process holds the writer: `Err(IndexError::Locked)`.
    pub fn open(dir: &Path) -> Result<(SearchIndex, IndexHealth), IndexError> {
        // A file given as the index folder (or on its way) is named, not "File exists".
        let not_a_folder = match std::fs::metadata(dir) {
            Ok(m) => !m.is_dir(),
            Err(e) => e.kind() == std::io::ErrorKind::NotADirectory,
        };
        if not_a_folder {
            return Err(IndexError::Unusable {
                path: dir.to_path_buf(),
                reason: "it is a file (or inside one), not a folder: give --index or \
                         RIPPLE_INDEX a folder"
                    .into(),
            });
        }
        if looks_like_store(dir) {
            return Err(IndexError::NotAnIndex(dir.to_path_buf()));
        }
        let exists = dir.join("meta.json").exists();
        if !exists {
            let had_files = std::fs::read_dir(dir)
                .map(|mut d| d.next().is_some())
                .unwrap_or(false);
            if had_files && writer_lock_busy(dir) {
                return Err(IndexError::Locked(dir.to_path_buf()));
            }
            let idx = Self::create_fresh(dir, had_files)?;
            let health = if had_files {
                IndexHealth::Rebuilt {
                    reason: "the index folder had no index in it".into(),
                }
            } else {
                IndexHealth::Empty
            };
            return Ok((idx, health));
        }
        let problem = match read_marker(dir) {
            None => Some("it has no schema version marker (a rebuild did not finish)".to_string()),
            Some(v) if v != SCHEMA_VERSION => Some(format!(
                "it was built with schema version {v}; this Ripple uses {SCHEMA_VERSION}"
            )),
            Some(_) => None,
        };
        let problem = match problem {
            Some(p) => Some(p),
            None => match Self::open_existing(dir, true) {
                Ok(idx) => return Ok((idx, IndexHealth::Ok)),
                Err(IndexError::Tantivy(e)) if is_lock_error(&e) => {
                    return Err(IndexError::Locked(dir.to_path_buf()))
                }
                Err(IndexError::Locked(p)) => return Err(IndexError::Locked(p)),
                Err(e) => Some(e.to_string()),
            },
        };
        let reason = problem.expect("a problem was found");
        if writer_lock_busy(dir) {
            return Err(IndexError::Locked(dir.to_path_buf()));
        }
        let idx = Self::create_fresh(dir, true)?;
        Ok((idx, IndexHealth::Rebuilt { reason }))
    }

    /// Open an existing index for searching only (a second instance while another holds the
    /// writer). Writes return `IndexError::ReadOnly`.
    pub fn open_read_only(dir: &Path) -> Result<SearchIndex, IndexError> {
        if read_marker(dir) != Some(SCHEMA_VERSION) {
            return Err(IndexError::Unusable {
                path: dir.to_path_buf(),
                reason: "missing or outdated schema version marker".into(),
            });
        }
        Self::open_existing(dir, false)
    }

    fn open_existing(dir: &Path, writable: bool) -> Result<SearchIndex, IndexError> {
        // A reader may meet a writer's commit between reading `meta.json` and the files it
        // names (a rebuild replaces the vocabulary): look again before calling that damage.
        let attempts = if writable { 1 } else { 3 };
        let mut last = None;
        for _ in 0..attempts {
            let opened = std::panic::catch_unwind(|| Self::open_checked(dir, writable))
                .unwrap_or_else(|panic| {
                    Err(IndexError::Damaged {
                        path: dir.to_path_buf(),
                        reason: format!("opening it failed: {}", panic_message(&panic)),
                    })
                });
            match opened {
                Err(e) if e.is_damage() => last = Some(e),
                other => return other,
            }
        }
        Err(last.expect("at least one attempt"))
    }

    /// Open an existing index and check it: the schema, every segment file's checksum (see
    /// `verify_segment_files`), the vocabulary against the commit's record, and that the
    /// documents `meta.json` counts are the ones the files hold.
    fn open_checked(dir: &Path, writable: bool) -> Result<SearchIndex, IndexError> {
        let damaged = |reason: String| IndexError::Damaged {
            path: dir.to_path_buf(),
            reason,
        };
        let index = Index::open_in_dir(dir)?;
        let expected = serde_json::to_string(&build_schema()).expect("schema serializes");
        let actual = serde_json::to_string(&index.schema()).expect("schema serializes");
        if expected != actual {
            return Err(IndexError::Unusable {
                path: dir.to_path_buf(),
                reason: "its schema differs from this version's".into(),
            });
        }
        let metas = index.load_metas()?;
        let payload: CommitPayload = metas
            .payload
            .as_deref()
            .ok_or_else(|| damaged("its last commit left no record of its files".into()))
            .and_then(|p| {
                serde_json::from_str(p)
                    .map_err(|e| damaged(format!("the record of its last commit is garbled: {e}")))
            })?;
        verify_segment_files(dir, &index, &metas)?;
        let vocabulary = Arc::new(Vocabulary::open(dir, &payload.vocabulary).map_err(|e| {
            damaged(format!(
                "its word list ({VOCABULARY_FILE}) cannot be used: {e}"
            ))
        })?);
        analysis::register_tokenizers(&index, writable.then(|| vocabulary.clone()));
        let writer = if writable {
            match index.writer(WRITER_MEMORY) {
                Ok(w) => Some(w),
                Err(e) if is_lock_error(&e) => return Err(IndexError::Locked(dir.to_path_buf())),
                Err(e) => return Err(e.into()),
            }
        } else {
            None
        };
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let read: BTreeSet<String> = reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|s| s.segment_id().uuid_string())
            .collect();
        let checked: BTreeSet<String> = metas
            .segments
            .iter()
            .map(|s| s.id().uuid_string())
            .collect();
        if read != checked {
            return Err(damaged(
                "another commit landed while it was being checked".into(),
            ));
        }
        let idx = SearchIndex {
            dir: dir.to_path_buf(),
            fields: IndexFields::from_schema(&index.schema()),
            index,
            reader,
            writer,
            codebook: Codebook::default(),
            vocabulary,
            sync_mark: payload.store,
        };
        idx.probe()?;
        Ok(idx)
    }

    /// Touch every segment's postings and stored documents so a damaged file shows up now,
    /// not in the middle of a search.
    fn probe(&self) -> Result<(), IndexError> {
        let searcher = self.reader.searcher();
        for (ord, seg) in searcher.segment_readers().iter().enumerate() {
            // `meta.json` has no checksum of its own: its counts must match the files'.
            let column_rows = seg
                .fast_fields()
                .date("date")
                .map(|c| c.num_docs())
                .unwrap_or(u32::MAX);
            let alive = seg.alive_bitset().map(|b| b.num_alive_docs() as u32);
            if column_rows != seg.max_doc() || alive.is_some_and(|a| a != seg.num_docs()) {
                return Err(IndexError::Damaged {
                    path: self.dir.clone(),
                    reason: format!(
                        "meta.json counts {} documents in segment {} but its files hold {}",
                        seg.max_doc(),
                        seg.segment_id().short_uuid_string(),
                        column_rows
                    ),
                });
            }
            if seg.max_doc() > 0 {
                let _: TantivyDocument =
                    searcher.doc(tantivy::DocAddress::new(ord as u32, seg.max_doc() - 1))?;
                let inv = seg.inverted_index(self.fields.sessions.text)?;
                let _ = inv.terms().num_terms();
            }
        }
        searcher.search(&tantivy::query::AllQuery, &Count)?;
        Ok(())
    }

    /// Move a bad folder aside (keeping one previous copy for inspection) and create a new index.
    fn create_fresh(dir: &Path, move_aside: bool) -> Result<SearchIndex, IndexError> {
        if move_aside && dir.exists() {
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "index".into());
            let aside = dir.with_file_name(format!("{name}.broken"));
            if aside.exists() {
                std::fs::remove_dir_all(&aside)?;
            }
            std::fs::rename(dir, &aside)?;
        }
        create_private_dir(dir)?;
        let index = Index::create_in_dir(dir, build_schema())?;
        let vocabulary = Arc::new(Vocabulary::new(dir));
        analysis::register_tokenizers(&index, Some(vocabulary.clone()));
        let writer = match index.writer(WRITER_MEMORY) {
            Ok(w) => w,
            Err(e) if is_lock_error(&e) => return Err(IndexError::Locked(dir.to_path_buf())),
            Err(e) => return Err(e.into()),
        };
        // No version marker yet: it is written when a rebuild completes, so an interrupted
        // rebuild is detected on the next open.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            dir: dir.to_path_buf(),
            fields: IndexFields::from_schema(&index.schema()),
            index,
            reader,
            writer: Some(writer),
            codebook: Codebook::default(),
            vocabulary,
            sync_mark: None,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn is_read_only(&self) -> bool {
        self.writer.is_none()
    }

    pub fn schema(&self) -> Schema {
        self.index.schema()
    }

    /// The codebook `theme:` values are resolved against (also set by `index_session` and
    /// `rebuild`).
    pub fn set_codebook(&mut self, codebook: Codebook) {
        self.codebook = codebook;
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

    /// Set the index in `dir` aside (as `<dir>.broken`) and start an empty one: for an index
    /// found damaged while in use. Drop the damaged `SearchIndex` first (it holds the writer).
    pub fn start_over(dir: &Path) -> Result<SearchIndex, IndexError> {
        if looks_like_store(dir) {
            return Err(IndexError::NotAnIndex(dir.to_path_buf()));
        }
        // A writer just dropped after a failure may take a moment to let go of the lock (its
        // merge threads end after it): wait briefly before calling the index someone else's.
        let mut tries = 0;
        while writer_lock_busy(dir) {
            tries += 1;
            if tries > 20 {
                return Err(IndexError::Locked(dir.to_path_buf()));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Self::create_fresh(dir, true)
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

    fn writer(&mut self) -> Result<&mut IndexWriter, IndexError> {
        self.writer.as_mut().ok_or(IndexError::ReadOnly)
    }

    /// Replace a session's documents (the session and its attached codings). Not visible to
    /// searches until `commit`.
    pub fn index_session(
        &mut self,
        session: &Session,
        codings: &[Coding],
        memos: &[(String, String)],
        codebook: &Codebook,
    ) -> Result<(), IndexError> {
        self.index_sourced(session, codings, memos, codebook, 0)
    }

    /// `index_session`, recording `sources` (what the session's files were when read, see
    /// `core::index_sync`; 0 is "unknown": the session is read again at the next full check).
    pub fn index_sourced(
        &mut self,
        session: &Session,
        codings: &[Coding],
        memos: &[(String, String)],
        codebook: &Codebook,
        sources: u64,
    ) -> Result<(), IndexError> {
        if self.codebook != *codebook {
            self.codebook = codebook.clone();
        }
        let docs = self.documents(session, codings, memos, sources);
        let id_field = self.fields.session_id;
        let writer = self.writer()?;
        writer.delete_term(Term::from_field_text(id_field, session.meta.id.as_str()));
        for d in docs {
            writer.add_document(d)?;
        }
        Ok(())
    }

    /// Remove a session's documents (until `commit`).
    pub fn remove_session(&mut self, id: &SessionId) -> Result<(), IndexError> {
        let f = self.fields.session_id;
        self.writer()?
            .delete_term(Term::from_field_text(f, id.as_str()));
        Ok(())
    }

    /// Make all changes durable and visible to searches (reloads the reader).
    pub fn commit(&mut self) -> Result<(), IndexError> {
        let writer = self.writer.as_mut().ok_or(IndexError::ReadOnly)?;
        // Every document is analysed once the commit is prepared, so the vocabulary has all
        // their words; it is written before the index commits (extra words after a crash,
        // never missing ones). If only the word list cannot be written, the index still
        // commits: the words serve this process and are written with the next commit.
        let mut prepared = writer.prepare_commit()?;
        let _ = self.vocabulary.commit();
        let payload = CommitPayload {
            vocabulary: self.vocabulary.check(),
            store: self.sync_mark.clone(),
        };
        prepared.set_payload(&serde_json::to_string(&payload).expect("payload serialises"));
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Replace the whole index with these sessions. `total` is for the progress callback,
    /// called as `progress(done, total)`.
    pub fn rebuild<I>(
        &mut self,
        items: I,
        total: usize,
        codebook: &Codebook,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<usize, IndexError>
    where
        I: IntoIterator<Item = IndexItem>,
    {
        self.rebuild_sourced(items.into_iter().map(|i| (i, 0)), total, codebook, progress)
    }

    /// `rebuild`, each item with what its files were when read (see `index_sourced`).
    pub fn rebuild_sourced<I>(
        &mut self,
        items: I,
        total: usize,
        codebook: &Codebook,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<usize, IndexError>
    where
        I: IntoIterator<Item = (IndexItem, u64)>,
    {
        self.codebook = codebook.clone();
        self.writer()?.delete_all_documents()?;
        self.vocabulary.begin_rebuild();
        let mut done = 0;
        progress(0, total);
        for (item, sources) in items {
            let docs = self.documents(&item.session, &item.codings, &item.memos, sources);
            let writer = self.writer()?;
            for d in docs {
                writer.add_document(d)?;
            }
            done += 1;
            if done % 64 == 0 {
                progress(done, total.max(done));
            }
        }
        self.commit()?;
        atomic_write(
            &self.dir.join(VERSION_MARKER),
            format!("{SCHEMA_VERSION}\n").as_bytes(),
        )?;
        progress(done, total.max(done));
        Ok(done)
    }

    /// The documents `rebuild` writes for one session. For the benchmark, which times tantivy
    /// alone on them (in an index made by `bench_plain_index`) beside a whole rebuild.
    #[doc(hidden)]
    pub fn bench_documents(&self, item: &IndexItem) -> Vec<TantivyDocument> {
        self.documents(&item.session, &item.codings, &item.memos, 0)
    }

    /// The documents for one session: the session, then one per attached coding.
    fn documents(
        &self,
        session: &Session,
        codings: &[Coding],
        memos: &[(String, String)],
        sources: u64,
    ) -> Vec<TantivyDocument> {
        let f = &self.fields;
        let meta = &session.meta;
        let date = date_value(meta.date);
        let month = format!("{:04}-{:02}", meta.date.year(), meta.date.month());
        let add_meta = |doc: &mut TantivyDocument, k: &KindFields| {
            doc.add_text(f.session_id, meta.id.as_str());
            doc.add_text(k.title, &meta.title);
            for a in &meta.agencies {
                doc.add_text(k.agency, a);
                doc.add_text(k.agency_exact, a);
                doc.add_facet(k.counts, Facet::from_path(["agency", a.as_str()]));
            }
            doc.add_text(k.session_type, meta.session_type.key());
            doc.add_text(k.county, &meta.county);
            doc.add_text(k.county_exact, &meta.county);
            doc.add_text(k.facilitator, &meta.facilitator);
            doc.add_text(k.facilitator_exact, &meta.facilitator);
            for t in &meta.tags {
                doc.add_text(k.tag, t);
                doc.add_text(k.tag_exact, t);
            }
            doc.add_date(f.date, date);
            doc.add_facet(k.counts, Facet::from_path(["month", month.as_str()]));
        };
        let hierarchy = self.codebook.hierarchy();
        let add_themes = |doc: &mut TantivyDocument, k: &KindFields, keys: &BTreeSet<&str>| {
            let mut with_ancestors: BTreeSet<String> = BTreeSet::new();
            for key in keys {
                doc.add_text(k.theme_key, key);
                with_ancestors.extend(theme_path_in(&hierarchy, key));
            }
            for key in with_ancestors {
                doc.add_facet(k.counts, Facet::from_path(["theme", key.as_str()]));
            }
        };
        // Running text goes to the kind's `text` field (and its CJK field when it has CJK).
        let add_text = |doc: &mut TantivyDocument, k: &KindFields, text: &str| {
            doc.add_text(k.text, text);
            if has_cjk(text) {
                doc.add_text(k.cjk, text);
            }
            if has_symbols(text) {
                doc.add_text(k.symbols, text);
            }
        };

        // Stored positions are where each coder last wrote them; the note may have changed
        // since (edited by someone else, or outside Ripple): index each passage where its words
        // are now, as every reader of codings does.
        let mut codings = codings.to_vec();
        if !codings.is_empty() {
            crate::core::anchor::reattach_all(&session.text, &mut codings);
        }
        let attached: Vec<&Coding> = codings
            .iter()
            .filter(|c| c.status == AnchorStatus::Attached && c.end > c.start)
            .collect();
        let mut docs = Vec::with_capacity(1 + attached.len());

        let k = &f.sessions;
        let mut sdoc = TantivyDocument::default();
        sdoc.add_text(f.kind, HitKind::Sessions.key());
        add_meta(&mut sdoc, k);
        add_text(&mut sdoc, k, &meta.title);
        add_text(&mut sdoc, k, &session.text);
        sdoc.add_text(f.body, &session.text);
        let memo_text: Vec<&str> = memos
            .iter()
            .map(|(_, m)| m.as_str())
            .filter(|m| !m.trim().is_empty())
            .collect();
        let memo_joined = memo_text.join("\n\n");
        if !memo_joined.is_empty() {
            sdoc.add_text(k.memo, &memo_joined);
            add_text(&mut sdoc, k, &memo_joined);
        }
        let mut coders: BTreeSet<&str> = attached.iter().map(|c| c.coder.as_str()).collect();
        coders.extend(
            memos
                .iter()
                .filter(|(_, m)| !m.trim().is_empty())
                .map(|(c, _)| c.as_str()),
        );
        for c in coders {
            sdoc.add_text(k.coder, c);
            sdoc.add_text(k.coder_exact, c);
        }
        let session_themes: BTreeSet<&str> = attached.iter().map(|c| c.theme.as_str()).collect();
        add_themes(&mut sdoc, k, &session_themes);
        sdoc.add_u64(f.start, 0);
        sdoc.add_u64(f.end, session.text.chars().count() as u64);
        sdoc.add_u64(f.sources, sources);
        docs.push(sdoc);

        let k = &f.passages;
        for c in attached {
            // The exact words in the note when they still match; the stored quote otherwise.
            let slice = char_slice(&session.text, c.start, c.end);
            let quote = if slice == c.quote || c.quote.is_empty() {
                slice
            } else {
                c.quote.as_str()
            };
            let mut d = TantivyDocument::default();
            d.add_text(f.kind, HitKind::Passages.key());
            add_meta(&mut d, k);
            d.add_text(f.coding_id, &c.id.0);
            add_text(&mut d, k, quote);
            d.add_text(f.body, quote);
            if !c.memo.trim().is_empty() {
                d.add_text(k.memo, &c.memo);
                add_text(&mut d, k, &c.memo);
            }
            d.add_text(k.coder, &c.coder);
            d.add_text(k.coder_exact, &c.coder);
            add_themes(&mut d, k, &BTreeSet::from([c.theme.as_str()]));
            d.add_u64(f.start, c.start as u64);
            d.add_u64(f.end, c.end as u64);
            docs.push(d);
        }
        docs
    }

    /// Search. `limit` hits from `offset`, best first, with facet counts over all matches.
    pub fn search(
        &self,
        query: &Query,
        kind: HitKind,
        limit: usize,
        offset: usize,
    ) -> Result<Results, IndexError> {
        self.search_page(query, kind, limit, offset, true)
    }

    /// `search`, with facet counting optional: counting visits every match, so a caller that
    /// does not show counts (paging on, the CLI) can skip it.
    pub fn search_page(
        &self,
        query: &Query,
        kind: HitKind,
        limit: usize,
        offset: usize,
        with_facets: bool,
    ) -> Result<Results, IndexError> {
        self.search_ordered(query, kind, limit, offset, with_facets, Order::Relevance)
    }

    /// Every session that matches `query`, paged through `MAX_PAGE` at a time (for commands
    /// that select sessions by a query: export, agreement), in the index's order.
    pub fn matching_sessions(&self, query: &Query) -> Result<Vec<SessionId>, IndexError> {
        let mut out = Vec::new();
        loop {
            let page = self.search_page(query, HitKind::Sessions, MAX_PAGE, out.len(), false)?;
            let got = page.hits.len();
            out.extend(page.hits.into_iter().map(|h| h.session_id));
            if got < MAX_PAGE || out.len() >= page.total {
                return Ok(out);
            }
        }
    }

    /// `search_page` in the given order. `limit` is capped at `MAX_PAGE`. A damaged index
    /// gives `IndexError::Damaged` (never a panic, see `guard`).
    pub fn search_ordered(
        &self,
        query: &Query,
        kind: HitKind,
        limit: usize,
        offset: usize,
        with_facets: bool,
        order: Order,
    ) -> Result<Results, IndexError> {
        let limit = limit.min(MAX_PAGE);
        // Past every document an index can hold (tantivy's ids are u32): the page is empty.
        let offset = offset.min(u32::MAX as usize);
        self.guard(|| self.search_inner(query, kind, limit, offset, with_facets, order))
    }

    fn search_inner(
        &self,
        query: &Query,
        kind: HitKind,
        limit: usize,
        offset: usize,
        with_facets: bool,
        order: Order,
    ) -> Result<Results, IndexError> {
        let f = &self.fields;
        let k = f.of(kind);
        let searcher = self.reader.searcher();
        let terms = IndexTerms {
            searcher: &searcher,
            vocabulary: &self.vocabulary,
        };
        let q = to_tantivy(&query.ast, f, kind, &self.codebook, &terms)?;
        let by_date = match order {
            Order::Newest => true,
            Order::Score => false,
            Order::Relevance => !query::has_words(&query.ast),
        };
        // A page past the last document is empty (and collecting up to it would cost memory
        // in proportion to the offset).
        let offset = offset.min(searcher.num_docs() as usize);
        let page = TopDocs::with_limit(limit.max(1)).and_offset(offset);
        let counts = with_facets.then(|| {
            let mut counts = FacetCollector::for_field(format!("{}_counts", kind.prefix()));
            counts.add_facet("/agency");
            counts.add_facet("/month");
            counts.add_facet("/theme");
            counts
        });
        let (total, top, facet_counts) = if by_date {
            // Newest first; among the same date, the better score.
            let top = page.tweak_score(|seg: &tantivy::SegmentReader| {
                let dates = seg.fast_fields().date("date").ok();
                move |doc: tantivy::DocId, score: tantivy::Score| {
                    let secs = dates
                        .as_ref()
                        .and_then(|c| c.first(doc))
                        .map_or(i64::MIN, |d| d.into_timestamp_secs());
                    (secs, score)
                }
            });
            let (total, top, fc) = searcher.search(&q, &(Count, top, counts))?;
            let top: Vec<(f32, tantivy::DocAddress)> =
                top.into_iter().map(|((_, score), a)| (score, a)).collect();
            (total, top, fc)
        } else {
            let top = page.order_by_score();
            if counts.is_some() {
                searcher.search(&q, &(Count, top, counts))?
            } else if prunes_alone(q.as_ref()) {
                // Counted apart, the top hits can skip blocks that cannot make the page, and
                // the count needs no scores (one term: the posting list's length).
                let top = searcher.search(&q, &top)?;
                (searcher.search(&q, &Count)?, top, None)
            } else {
                let (total, top) = searcher.search(&q, &(Count, top))?;
                (total, top, None)
            }
        };

        let mut facets = FacetCounts::default();
        let empty = tantivy::collector::FacetCounts::default();
        let facet_counts = facet_counts.as_ref().unwrap_or(&empty);
        for (facet, n) in facet_counts.get("/agency") {
            if let Some(name) = facet.to_path().last() {
                facets.agencies.push((name.to_string(), n));
            }
        }
        for (facet, n) in facet_counts.get("/month") {
            if let Some(m) = facet.to_path().last() {
                facets.months.push((m.to_string(), n));
            }
        }
        for (facet, n) in facet_counts.get("/theme") {
            if let Some(k) = facet.to_path().last() {
                facets.themes.push((k.to_string(), n));
            }
        }
        facets
            .agencies
            .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        facets
            .themes
            .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        facets.months.sort();

        let wanted = highlight_terms(&query.ast);
        let mut hits = Vec::new();
        if limit > 0 {
            let mut snippets = SnippetMaker::new(&wanted, k.text);
            for (score, addr) in top {
                let doc: TantivyDocument = searcher.doc(addr)?;
                hits.push(self.hit(&doc, kind, score, &mut snippets));
            }
            if !by_date {
                // Equal scores: newest first (within the page; tantivy breaks ties by position).
                hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.date.cmp(&a.date)));
            }
        }
        Ok(Results {
            total,
            hits,
            facets,
        })
    }

    fn hit(
        &self,
        doc: &TantivyDocument,
        kind: HitKind,
        score: f32,
        snippets: &mut SnippetMaker,
    ) -> Hit {
        let f = &self.fields;
        let k = f.of(kind);
        let text = |field: Field| -> String {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        let all = |field: Field| -> Vec<String> {
            doc.get_all(field)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        };
        let num = |field: Field| -> usize {
            doc.get_first(field)
                .and_then(|v| v.as_u64())
                .unwrap_or_default() as usize
        };
        let date = doc
            .get_first(f.date)
            .and_then(|v| v.as_datetime())
            .and_then(|d| chrono::DateTime::from_timestamp(d.into_timestamp_secs(), 0))
            .map(|d| d.date_naive())
            .unwrap_or_default();
        let body = text(f.body);
        let (shown, highlights, start, end) = match kind {
            HitKind::Passages => {
                let hl = snippets.highlight_whole(&body);
                let start = num(f.start);
                (body, hl, start, num(f.end))
            }
            HitKind::Sessions => {
                let (snip, hl, s, e) = snippets.snippet(&body);
                (snip, hl, s, e)
            }
        };
        let coding_id = text(f.coding_id);
        Hit {
            kind,
            session_id: SessionId(text(f.session_id)),
            coding_id: (!coding_id.is_empty()).then_some(coding_id),
            title: text(k.title),
            date,
            agencies: all(k.agency),
            session_type: SessionType::parse(&text(k.session_type)).unwrap_or_default(),
            county: text(k.county),
            facilitator: text(k.facilitator),
            themes: all(k.theme_key),
            coder: if kind == HitKind::Passages {
                text(k.coder)
            } else {
                String::new()
            },
            memo: text(k.memo),
            quote_or_snippet: shown,
            highlights,
            start,
            end,
            score,
        }
    }
}

/// Spells out prefixes, fuzzy words and keyword values from the term dictionaries of the
/// segments a search reads (see `query_plan::TermExpander`).
struct IndexTerms<'a> {
    searcher: &'a tantivy::Searcher,
    vocabulary: &'a Vocabulary,
}

impl IndexTerms<'_> {
    /// Terms of `field` accepted by `automaton`, across segments; `None` past `max`.
    fn collect<A>(&self, field: Field, automaton: &A, max: usize) -> Option<Vec<String>>
    where
        A: tantivy_fst::Automaton,
        A::State: Clone,
    {
        let mut out: BTreeSet<String> = BTreeSet::new();
        for seg in self.searcher.segment_readers() {
            let inv = seg.inverted_index(field).ok()?;
            let mut stream = inv.terms().search(automaton).into_stream().ok()?;
            while stream.advance() {
                out.insert(String::from_utf8_lossy(stream.key()).into_owned());
                if out.len() > max {
                    return None;
                }
            }
        }
        Some(out.into_iter().collect())
    }
}

impl TermExpander for IndexTerms<'_> {
    fn prefixed(&self, field: Field, prefix: &str, max: usize) -> Option<Vec<String>> {
        self.collect(field, &Prefix(prefix.as_bytes()), max)
    }

    fn fuzzy(&self, field: Field, word: &str, distance: u8, max: usize) -> Option<Vec<String>> {
        let dfa = levenshtein_dfa(word, distance)?;
        self.collect(field, &Levenshtein(dfa), max)
    }

    fn all_terms(&self, field: Field, max: usize) -> Option<Vec<String>> {
        self.collect(field, &tantivy_fst::automaton::AlwaysMatch, max)
    }

    fn words_prefixed(&self, prefix: &str, max: usize) -> Option<Vec<String>> {
        self.vocabulary.prefixed(prefix, max)
    }

    fn words_fuzzy(&self, word: &str, distance: u8, max: usize) -> Option<Vec<String>> {
        let dfa = levenshtein_dfa(word, distance)?;
        let len = word.chars().count();
        let d = distance as usize;
        self.vocabulary.matching(max, |w| {
            // Lengths differing by more than the distance cannot match: skip the automaton.
            let n = w.len();
            n + d >= len
                && w.chars().count().abs_diff(len) <= d
                && matches!(dfa.eval(w), levenshtein_automata::Distance::Exact(_))
        })
    }
}

/// Terms starting with these bytes. State: how many bytes matched so far (`None`: a mismatch).
struct Prefix<'a>(&'a [u8]);

impl tantivy_fst::Automaton for Prefix<'_> {
    type State = Option<usize>;
    fn start(&self) -> Option<usize> {
        Some(0)
    }
    fn is_match(&self, state: &Option<usize>) -> bool {
        *state == Some(self.0.len())
    }
    fn can_match(&self, state: &Option<usize>) -> bool {
        state.is_some()
    }
    fn will_always_match(&self, state: &Option<usize>) -> bool {
        self.is_match(state)
    }
    fn accept(&self, state: &Option<usize>, byte: u8) -> Option<usize> {
        match *state {
            Some(n) if n == self.0.len() => Some(n),
            Some(n) if self.0[n] == byte => Some(n + 1),
            _ => None,
        }
    }
}

/// Terms within the automaton's edit distance (the same automaton as tantivy's fuzzy query).
struct Levenshtein(levenshtein_automata::DFA);

impl tantivy_fst::Automaton for Levenshtein {
    type State = u32;
    fn start(&self) -> u32 {
        self.0.initial_state()
    }
    fn is_match(&self, state: &u32) -> bool {
        matches!(
            self.0.distance(*state),
            levenshtein_automata::Distance::Exact(_)
        )
    }
    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }
    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// A Levenshtein automaton for `word` (transpositions count as one edit). Building the
/// builder for a distance is the slow part, so each is made once.
fn levenshtein_dfa(word: &str, distance: u8) -> Option<levenshtein_automata::DFA> {
    use levenshtein_automata::LevenshteinAutomatonBuilder;
    use std::sync::OnceLock;
    static BUILDERS: [OnceLock<LevenshteinAutomatonBuilder>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let slot = BUILDERS.get(distance as usize)?;
    let builder = slot.get_or_init(|| LevenshteinAutomatonBuilder::new(distance, true));
    Some(builder.build_dfa(word))
}

/// Whether tantivy can find this query's top hits by skipping blocks (block-max WAND): one
/// term, or terms that must all match, or terms of which any may match. Counting such a query
/// on its own is cheaper than counting while scoring; for anything else (phrases, ranges,
/// exclusions) one pass that counts and ranks together is cheaper than two.
fn prunes_alone(q: &dyn TantivyQuery) -> bool {
    if q.downcast_ref::<TermQuery>().is_some() {
        return true;
    }
    let Some(b) = q.downcast_ref::<BooleanQuery>() else {
        return false;
    };
    let clauses = b.clauses();
    let all_terms = clauses
        .iter()
        .all(|(_, c)| c.downcast_ref::<TermQuery>().is_some());
    let same_occur = clauses.iter().all(|(o, _)| *o == Occur::Must)
        || clauses.iter().all(|(o, _)| *o == Occur::Should);
    !clauses.is_empty() && all_terms && same_occur
}

fn date_value(d: NaiveDate) -> DateTime {
    let secs = d
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp();
    DateTime::from_timestamp_secs(secs)
}

// ---------------------------------------------------------------------------------------------
// Snippets and highlights

/// Builds tantivy `SnippetGenerator`s from the query's positive terms: stemmed words as they
/// are, and for prefix / fuzzy terms the stems of the words in this text that match them (the
/// non-fuzzy view of the query; a fuzzy query itself gives tantivy no terms to highlight).
/// CJK strings are highlighted by substring search. All ranges leave here in code points.
struct SnippetMaker<'a> {
    wanted: &'a HighlightTerms,
    field: Field,
    text_analyzer: TextAnalyzer,
    plain_analyzer: TextAnalyzer,
    /// One automaton per fuzzy word (the query language allows distances 1 and 2, which
    /// `levenshtein_dfa` builds).
    fuzzy: Vec<levenshtein_automata::DFA>,
}

impl<'a> SnippetMaker<'a> {
    fn new(wanted: &'a HighlightTerms, field: Field) -> SnippetMaker<'a> {
        SnippetMaker {
            wanted,
            field,
            text_analyzer: analysis::text_analyzer(),
            plain_analyzer: analysis::plain_analyzer(),
            fuzzy: wanted
                .fuzzy
                .iter()
                .filter_map(|(w, d)| levenshtein_dfa(w, *d))
                .collect(),
        }
    }

    /// Whether a folded word as written matches one of the query's prefixes or fuzzy words.
    fn matches_loosely(
        wanted: &HighlightTerms,
        fuzzy: &[levenshtein_automata::DFA],
        word: &str,
    ) -> bool {
        wanted.prefixes.iter().any(|x| word.starts_with(x.as_str()))
            || fuzzy
                .iter()
                .any(|dfa| matches!(dfa.eval(word), levenshtein_automata::Distance::Exact(_)))
    }

    fn generator(&mut self, text: &str, max_bytes: usize) -> SnippetGenerator {
        let mut terms: BTreeMap<String, f32> = BTreeMap::new();
        for s in &self.wanted.stems {
            terms.insert(s.clone(), 1.0);
        }
        if !self.wanted.prefixes.is_empty() || !self.wanted.fuzzy.is_empty() {
            // A prefix or fuzzy word matches the words of the same stem as the words that
            // match it (see `query`): look for those stems.
            let mut stream = self.plain_analyzer.token_stream(text);
            while let Some(t) = stream.next() {
                if Self::matches_loosely(self.wanted, &self.fuzzy, &t.text) {
                    terms.insert(stem(&t.text), 1.0);
                }
            }
        }
        SnippetGenerator::new(terms, self.text_analyzer.clone(), self.field, max_bytes)
    }

    /// CJK strings and symbols, found by substring search (byte ranges).
    fn cjk_ranges(&self, text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for needle in self.wanted.cjk.iter().chain(&self.wanted.symbols) {
            for (b, _) in text.match_indices(needle.as_str()) {
                out.push((b, b + needle.len()));
            }
        }
        out
    }

    /// Highlights over the whole text (passages), in code points.
    fn highlight_whole(&mut self, text: &str) -> Vec<(usize, usize)> {
        let gen = self.generator(text, text.len() + 1);
        let snippet = gen.snippet(text);
        let base = snippet.fragment_range().start;
        let mut bytes: Vec<(usize, usize)> = snippet
            .highlighted()
            .iter()
            .map(|r| (base + r.start, base + r.end))
            .collect();
        bytes.extend(self.cjk_ranges(text));
        to_char_ranges(text, bytes)
    }

    /// A fragment of the note around the best matches: (fragment, highlights in code points
    /// within it, fragment start and end in code points within the note).
    fn snippet(&mut self, text: &str) -> (String, Vec<(usize, usize)>, usize, usize) {
        let gen = self.generator(text, SNIPPET_BYTES);
        let snippet = gen.snippet(text);
        let (mut from, mut to, mut rel): (usize, usize, Vec<(usize, usize)>) = if snippet.is_empty()
        {
            // No word matched (a CJK match or a filter-only query): show the start of the
            // note, or around the first CJK match.
            let at = self
                .cjk_ranges(text)
                .into_iter()
                .map(|r| r.0)
                .min()
                .unwrap_or(0);
            let from = floor_char(text, at.saturating_sub(SNIPPET_BYTES / 3));
            let to = floor_char(text, (from + SNIPPET_BYTES).min(text.len()));
            (from, to, Vec::new())
        } else {
            let r = snippet.fragment_range();
            let rel = snippet
                .highlighted()
                .iter()
                .map(|h| (h.start, h.end))
                .collect();
            (r.start, r.end, rel)
        };
        // Start and end on word boundaries, trimming whitespace.
        while from < to && text[from..].starts_with(char::is_whitespace) {
            let c = text[from..].chars().next().map_or(1, char::len_utf8);
            from += c;
            rel = rel
                .into_iter()
                .map(|(a, b)| (a.saturating_sub(c), b.saturating_sub(c)))
                .collect();
        }
        while to > from && text[..to].ends_with(char::is_whitespace) {
            to -= text[..to].chars().next_back().map_or(1, char::len_utf8);
        }
        let frag = &text[from..to];
        let mut bytes: Vec<(usize, usize)> = rel;
        bytes.extend(self.cjk_ranges(frag));
        let hl = to_char_ranges(frag, bytes);
        let start = byte_to_char(text, from);
        let end = start + frag.chars().count();
        (frag.to_string(), hl, start, end)
    }
}

fn floor_char(s: &str, mut b: usize) -> usize {
    b = b.min(s.len());
    while !s.is_char_boundary(b) {
        b -= 1;
    }
    b
}

/// Byte ranges → sorted, merged code-point ranges.
fn to_char_ranges(text: &str, mut bytes: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    bytes.retain(|(a, b)| a < b && *b <= text.len());
    bytes.sort();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in bytes {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
        .into_iter()
        .map(|(a, b)| {
            let a = floor_char(text, a);
            let b = floor_char(text, b);
            (byte_to_char(text, a), byte_to_char(text, b))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_term_queries_are_counted_apart() {
        let schema = build_schema();
        let f = IndexFields::from_schema(&schema);
        let term = |w: &str| -> Box<dyn TantivyQuery> {
            Box::new(TermQuery::new(
                Term::from_field_text(f.sessions.text, w),
                IndexRecordOption::WithFreqs,
            ))
        };
        assert!(prunes_alone(term("trust").as_ref()));
        let and = BooleanQuery::new(vec![
            (Occur::Must, term("trust")),
            (Occur::Must, term("agenc")),
        ]);
        assert!(prunes_alone(&and));
        assert!(prunes_alone(&BooleanQuery::union(vec![
            term("trust"),
            term("roles")
        ])));
        let mixed = BooleanQuery::new(vec![
            (Occur::Must, term("trust")),
            (Occur::MustNot, term("court")),
        ]);
        assert!(!prunes_alone(&mixed));
        let phrase = tantivy::query::PhraseQuery::new(vec![
            Term::from_field_text(f.sessions.text, "safeti"),
            Term::from_field_text(f.sessions.text, "plan"),
        ]);
        assert!(!prunes_alone(&phrase));
    }

    #[test]
    fn fuzzy_automata_count_transpositions_once() {
        use levenshtein_automata::Distance;
        let two = levenshtein_dfa("trust", 2).unwrap();
        assert_eq!(two.eval("trsut"), Distance::Exact(1));
        assert_eq!(two.eval("rust"), Distance::Exact(1));
        let one = levenshtein_dfa("trust", 1).unwrap();
        assert!(matches!(one.eval("crusty"), Distance::AtLeast(2)));
    }

    #[test]
    fn char_ranges_after_emoji() {
        let s = "🙂 trust";
        assert_eq!(to_char_ranges(s, vec![(5, 10)]), vec![(2, 7)]);
    }

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
