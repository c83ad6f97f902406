//! The search index: a tantivy index derived from the store (never the source of truth), kept
//! in `Env.index_dir`. It can always be thrown away and rebuilt from the note files.
//!
//! Two kinds of documents:
//! - a **session**: title, note text, every coder's memo, metadata, and the themes of all its
//!   codings (so `theme:` also filters sessions);
//! - a **passage**: one attached coding: the quoted text, its theme (as a facet path built
//!   from the codebook hierarchy, `/collaboration/trust`, so a parent theme finds its
//!   children), coder, coding memo, start/end code points, plus its session's metadata so the
//!   same filters apply. Orphaned codings are not indexed (their words are no longer in the
//!   note).
//!
//! Health: `open` detects a missing, unreadable, corrupt or outdated index (schema version
//! marker `ripple-index-version` in the folder), moves a bad folder aside (`<dir>.broken`) and
//! returns an empty index with [`IndexHealth::Rebuilt`]; the caller then calls
//! [`SearchIndex::rebuild`]. The marker is written only when a rebuild completes, so an
//! interrupted rebuild is caught on the next open. A second process gets [`IndexError::Locked`] from `open` and uses
//! [`SearchIndex::open_read_only`], which searches but cannot write.
//!
//! Every save is: [`SearchIndex::index_session`] then [`SearchIndex::commit`] (commit reloads
//! the reader, so the session is searchable when it returns). A commit takes 10–20 ms: call it
//! off the UI thread.

use crate::core::atomic::{atomic_write, create_private_dir};
use crate::core::codebook::Codebook;
use crate::core::coding::{AnchorStatus, Coding};
use crate::core::query::{self, highlight_terms, HighlightTerms, Query};
use crate::core::session::{Session, SessionId, SessionType};
use crate::core::text::{byte_to_char, char_slice};
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::{
    DateOptions, DateTimePrecision, Facet, FacetOptions, Field, IndexRecordOption, Schema,
    TextFieldIndexing, TextOptions, Value, INDEXED, STORED, STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, Token, TokenStream, Tokenizer,
};
use tantivy::{
    DateTime, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term,
};

/// Bump when the schema or the analysis changes: an index with another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 1;
/// The file in the index folder holding `SCHEMA_VERSION`.
pub const VERSION_MARKER: &str = "ripple-index-version";

/// Note text, titles and memos: words, lowercased, accents folded, English stemming.
pub const TEXT_TOKENIZER: &str = "ripple_text";
/// The same without stemming: prefix and fuzzy search, and the keyword fields (agency, ...).
pub const PLAIN_TOKENIZER: &str = "ripple_plain";
/// Character bigrams (and single characters) of CJK runs, so "我们" is found inside "我们的".
pub const CJK_TOKENIZER: &str = "ripple_cjk";

const WRITER_MEMORY: usize = 64_000_000;
/// Longest word kept (longer tokens are noise: URLs, base64...).
const MAX_TOKEN_BYTES: usize = 60;
/// Snippet length for session hits, in bytes of text (tantivy's unit).
const SNIPPET_BYTES: usize = 220;

// ---------------------------------------------------------------------------------------------
// Analysis

fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

fn register_tokenizers(index: &Index) {
    let m = index.tokenizers();
    m.register(TEXT_TOKENIZER, text_analyzer());
    m.register(PLAIN_TOKENIZER, plain_analyzer());
    m.register(CJK_TOKENIZER, TextAnalyzer::from(CjkTokenizer));
}

/// Han, kana, Hangul: scripts written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0x1100..=0x11FF    // Hangul jamo
        | 0x3130..=0x318F    // Hangul compatibility jamo
        | 0x20000..=0x2EBEF) // extensions B–F
}

pub fn has_cjk(s: &str) -> bool {
    s.chars().any(is_cjk)
}

/// The maximal runs of CJK characters in `s`.
pub fn cjk_runs(s: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if is_cjk(c) {
            cur.push(c);
        } else if !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

/// Indexes each CJK character (position i) and each bigram starting there (also position i),
/// so a one-character query is a term and a longer one a phrase of bigrams.
#[derive(Clone, Default)]
struct CjkTokenizer;

struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for CjkTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut tokens = Vec::new();
        let mut position = 0usize;
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            if !is_cjk(chars[i].1) {
                i += 1;
                continue;
            }
            let run_start = i;
            while i < chars.len() && is_cjk(chars[i].1) {
                i += 1;
            }
            for k in run_start..i {
                let (b0, c0) = chars[k];
                let b1 = b0 + c0.len_utf8();
                tokens.push(Token {
                    offset_from: b0,
                    offset_to: b1,
                    position,
                    text: c0.to_string(),
                    position_length: 1,
                });
                if k + 1 < i {
                    let c1 = chars[k + 1].1;
                    tokens.push(Token {
                        offset_from: b0,
                        offset_to: b1 + c1.len_utf8(),
                        position,
                        text: format!("{c0}{c1}"),
                        position_length: 1,
                    });
                }
                position += 1;
            }
            // Runs separated by other text are not adjacent.
            position += 1;
        }
        VecTokenStream { tokens, next: 0 }
    }
}

/// The terms a piece of text becomes under one of our analyzers, as a query would use them.
/// For `CJK_TOKENIZER` that is the bigrams of each run (a one-character run stays itself).
pub fn analyze(tokenizer: &str, text: &str) -> Vec<String> {
    if tokenizer == CJK_TOKENIZER {
        let mut out = Vec::new();
        for run in cjk_runs(text) {
            let cs: Vec<char> = run.chars().collect();
            if cs.len() == 1 {
                out.push(run);
            } else {
                out.extend(cs.windows(2).map(|w| w.iter().collect::<String>()));
            }
        }
        return out;
    }
    let mut analyzer = if tokenizer == TEXT_TOKENIZER {
        text_analyzer()
    } else {
        plain_analyzer()
    };
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push(t.text.clone());
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Schema

/// The index's fields, by role.
#[derive(Clone, Copy, Debug)]
pub struct IndexFields {
    pub kind: Field,
    pub session_id: Field,
    pub coding_id: Field,
    pub title: Field,
    /// Note text (sessions: title and note) or the quote (passages): stemmed, with positions.
    pub text: Field,
    /// The same text and memos unstemmed, for prefix and fuzzy terms.
    pub plain: Field,
    pub cjk: Field,
    pub memo: Field,
    /// Stored only: the note or the quote, returned with hits.
    pub body: Field,
    pub theme: Field,
    pub theme_key: Field,
    pub agency: Field,
    pub session_type: Field,
    pub county: Field,
    pub facilitator: Field,
    pub coder: Field,
    pub tag: Field,
    pub date: Field,
    pub start: Field,
    pub end: Field,
    /// Facets for counting: `/agency/<name>`, `/month/<yyyy-mm>`, `/theme/<key>`.
    pub counts: Field,
}

impl IndexFields {
    pub fn from_schema(schema: &Schema) -> IndexFields {
        let f = |name: &str| {
            schema
                .get_field(name)
                .unwrap_or_else(|_| panic!("index schema lacks field {name}"))
        };
        IndexFields {
            kind: f("kind"),
            session_id: f("session_id"),
            coding_id: f("coding_id"),
            title: f("title"),
            text: f("text"),
            plain: f("plain"),
            cjk: f("cjk"),
            memo: f("memo"),
            body: f("body"),
            theme: f("theme"),
            theme_key: f("theme_key"),
            agency: f("agency"),
            session_type: f("type"),
            county: f("county"),
            facilitator: f("facilitator"),
            coder: f("coder"),
            tag: f("tag"),
            date: f("date"),
            start: f("start"),
            end: f("end"),
            counts: f("counts"),
        }
    }
}

/// The index schema (version `SCHEMA_VERSION`).
pub fn build_schema() -> Schema {
    let mut b = Schema::builder();
    let analyzed = |tokenizer: &str, record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(record),
        )
    };
    let positions = IndexRecordOption::WithFreqsAndPositions;
    b.add_text_field("kind", STRING | STORED);
    b.add_text_field("session_id", STRING | STORED);
    b.add_text_field("coding_id", STRING | STORED);
    b.add_text_field("title", analyzed(TEXT_TOKENIZER, positions).set_stored());
    b.add_text_field("text", analyzed(TEXT_TOKENIZER, positions));
    b.add_text_field("plain", analyzed(PLAIN_TOKENIZER, IndexRecordOption::Basic));
    b.add_text_field("cjk", analyzed(CJK_TOKENIZER, positions));
    b.add_text_field("memo", analyzed(TEXT_TOKENIZER, positions).set_stored());
    b.add_text_field("body", TextOptions::default().set_stored());
    b.add_facet_field("theme", FacetOptions::default());
    b.add_text_field("theme_key", STRING | STORED);
    for keyword in ["agency", "county", "facilitator", "coder", "tag"] {
        b.add_text_field(keyword, analyzed(PLAIN_TOKENIZER, positions).set_stored());
    }
    b.add_text_field("type", STRING | STORED);
    b.add_date_field(
        "date",
        DateOptions::from(INDEXED | STORED)
            .set_fast()
            .set_precision(DateTimePrecision::Seconds),
    );
    b.add_u64_field("start", STORED);
    b.add_u64_field("end", STORED);
    b.add_facet_field("counts", FacetOptions::default());
    b.build()
}

/// The facet path of a theme: its ancestors' keys, then its own (`["collaboration", "trust"]`).
/// A key missing from the codebook is a top-level path of its own.
pub fn theme_path(codebook: &Codebook, key: &str) -> Vec<String> {
    let mut path = vec![key.to_string()];
    let mut cur = key.to_string();
    // Bounded walk: a cycle in a hand-edited codebook must not hang us.
    for _ in 0..16 {
        let parent = codebook
            .themes
            .iter()
            .find(|t| t.key == cur)
            .and_then(|t| t.parent.clone());
        match parent {
            Some(p) if !path.contains(&p) => {
                path.insert(0, p.clone());
                cur = p;
            }
            _ => break,
        }
    }
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
    #[error(transparent)]
    Query(#[from] query::QueryError),
    #[error("search index: {0}")]
    Tantivy(#[from] TantivyError),
    #[error("search index: {0}")]
    Io(#[from] std::io::Error),
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HitKind {
    Passages,
    Sessions,
}

impl HitKind {
    fn key(self) -> &'static str {
        match self {
            HitKind::Passages => "passage",
            HitKind::Sessions => "session",
        }
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

/// One session with its codings and memos, as `rebuild` takes them.
#[derive(Clone, Debug)]
pub struct IndexItem {
    pub session: Session,
    pub codings: Vec<Coding>,
    /// `(coder, memo)` on the note.
    pub memos: Vec<(String, String)>,
}

/// Every session in a store with its codings and the coders' memos, ready for `rebuild`, and a
/// message for each file that could not be read (left out of the index and left untouched).
pub fn load_index_items(store: &crate::core::store::Store) -> (Vec<IndexItem>, Vec<String>) {
    let mut warnings: Vec<String> = Vec::new();
    let scan = store.scan();
    warnings.extend(scan.problems.iter().map(|p| p.to_string()));
    let (files, errors) = crate::core::coding_store::load_all(store.root());
    warnings.extend(errors.iter().map(|e| e.to_string()));
    type Extra = (Vec<Coding>, Vec<(String, String)>);
    let mut by_session: HashMap<SessionId, Extra> = HashMap::new();
    for f in files {
        let entry = by_session.entry(f.session.clone()).or_default();
        if !f.memo.trim().is_empty() {
            entry.1.push((f.coder.clone(), f.memo.clone()));
        }
        entry.0.extend(f.codings);
    }
    let mut items = Vec::with_capacity(scan.sessions.len());
    for summary in &scan.sessions {
        match store.load(&summary.meta.id) {
            Ok(session) => {
                let (codings, memos) = by_session.remove(&session.meta.id).unwrap_or_default();
                items.push(IndexItem {
                    session,
                    codings,
                    memos,
                });
            }
            Err(e) => warnings.push(e.to_string()),
        }
    }
    (items, warnings)
}

// ---------------------------------------------------------------------------------------------
// The index

pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    writer: Option<IndexWriter>,
    fields: IndexFields,
    codebook: Codebook,
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
        let index = Index::open_in_dir(dir)?;
        register_tokenizers(&index);
        let expected = serde_json::to_string(&build_schema()).expect("schema serializes");
        let actual = serde_json::to_string(&index.schema()).expect("schema serializes");
        if expected != actual {
            return Err(IndexError::Unusable {
                path: dir.to_path_buf(),
                reason: "its schema differs from this version's".into(),
            });
        }
        let writer = if writable {
            match index.writer(WRITER_MEMORY) {
                Ok(w) => Some(w),
                Err(e) if is_lock_error(&e) => return Err(IndexError::Locked(dir.to_path_buf())),
                Err(e) => return Err(e.into()),
            }
        } else {
            None
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let idx = SearchIndex {
            dir: dir.to_path_buf(),
            fields: IndexFields::from_schema(&index.schema()),
            index,
            reader,
            writer,
            codebook: Codebook::default(),
        };
        idx.probe()?;
        Ok(idx)
    }

    /// Touch every segment's postings and stored documents so a damaged file shows up now,
    /// not in the middle of a search.
    fn probe(&self) -> Result<(), IndexError> {
        let searcher = self.reader.searcher();
        for (ord, seg) in searcher.segment_readers().iter().enumerate() {
            if seg.max_doc() > 0 {
                let _: TantivyDocument =
                    searcher.doc(tantivy::DocAddress::new(ord as u32, seg.max_doc() - 1))?;
                let inv = seg.inverted_index(self.fields.text)?;
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
        register_tokenizers(&index);
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

    /// Number of session documents.
    pub fn session_count(&self) -> Result<usize, IndexError> {
        let q = TermQuery::new(
            Term::from_field_text(self.fields.kind, HitKind::Sessions.key()),
            IndexRecordOption::Basic,
        );
        Ok(self.reader.searcher().search(&q, &Count)?)
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
        if self.codebook != *codebook {
            self.codebook = codebook.clone();
        }
        let docs = self.documents(session, codings, memos);
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
        self.writer()?.commit()?;
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
        self.codebook = codebook.clone();
        self.writer()?.delete_all_documents()?;
        let mut done = 0;
        progress(0, total);
        for item in items {
            let docs = self.documents(&item.session, &item.codings, &item.memos);
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

    /// The documents for one session: the session, then one per attached coding.
    fn documents(
        &self,
        session: &Session,
        codings: &[Coding],
        memos: &[(String, String)],
    ) -> Vec<TantivyDocument> {
        let f = &self.fields;
        let meta = &session.meta;
        let date = date_value(meta.date);
        let month = format!("{:04}-{:02}", meta.date.year(), meta.date.month());
        let add_meta = |doc: &mut TantivyDocument| {
            doc.add_text(f.session_id, meta.id.as_str());
            doc.add_text(f.title, &meta.title);
            for a in &meta.agencies {
                doc.add_text(f.agency, a);
                doc.add_facet(f.counts, Facet::from_path(["agency", a.as_str()]));
            }
            doc.add_text(f.session_type, meta.session_type.key());
            doc.add_text(f.county, &meta.county);
            doc.add_text(f.facilitator, &meta.facilitator);
            for t in &meta.tags {
                doc.add_text(f.tag, t);
            }
            doc.add_date(f.date, date);
            doc.add_facet(f.counts, Facet::from_path(["month", month.as_str()]));
        };
        let add_themes = |doc: &mut TantivyDocument, keys: &BTreeSet<&str>| {
            let mut count_keys: BTreeSet<String> = BTreeSet::new();
            for key in keys {
                let path = theme_path(&self.codebook, key);
                doc.add_facet(f.theme, Facet::from_path(path.iter()));
                doc.add_text(f.theme_key, key);
                count_keys.extend(path);
            }
            for k in count_keys {
                doc.add_facet(f.counts, Facet::from_path(["theme", k.as_str()]));
            }
        };

        let attached: Vec<&Coding> = codings
            .iter()
            .filter(|c| c.status == AnchorStatus::Attached && c.end > c.start)
            .collect();
        let mut docs = Vec::with_capacity(1 + attached.len());

        let mut sdoc = TantivyDocument::default();
        sdoc.add_text(f.kind, HitKind::Sessions.key());
        add_meta(&mut sdoc);
        sdoc.add_text(f.text, &meta.title);
        sdoc.add_text(f.text, &session.text);
        sdoc.add_text(f.plain, &meta.title);
        sdoc.add_text(f.plain, &session.text);
        if has_cjk(&meta.title) {
            sdoc.add_text(f.cjk, &meta.title);
        }
        if has_cjk(&session.text) {
            sdoc.add_text(f.cjk, &session.text);
        }
        sdoc.add_text(f.body, &session.text);
        let memo_text: Vec<&str> = memos
            .iter()
            .map(|(_, m)| m.as_str())
            .filter(|m| !m.trim().is_empty())
            .collect();
        let memo_joined = memo_text.join("\n\n");
        if !memo_joined.is_empty() {
            sdoc.add_text(f.memo, &memo_joined);
            sdoc.add_text(f.plain, &memo_joined);
            if has_cjk(&memo_joined) {
                sdoc.add_text(f.cjk, &memo_joined);
            }
        }
        let mut coders: BTreeSet<&str> = attached.iter().map(|c| c.coder.as_str()).collect();
        coders.extend(
            memos
                .iter()
                .filter(|(_, m)| !m.trim().is_empty())
                .map(|(c, _)| c.as_str()),
        );
        for c in coders {
            sdoc.add_text(f.coder, c);
        }
        let session_themes: BTreeSet<&str> = attached.iter().map(|c| c.theme.as_str()).collect();
        add_themes(&mut sdoc, &session_themes);
        sdoc.add_u64(f.start, 0);
        sdoc.add_u64(f.end, session.text.chars().count() as u64);
        docs.push(sdoc);

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
            add_meta(&mut d);
            d.add_text(f.coding_id, &c.id.0);
            d.add_text(f.text, quote);
            d.add_text(f.plain, quote);
            d.add_text(f.body, quote);
            if has_cjk(quote) {
                d.add_text(f.cjk, quote);
            }
            if !c.memo.trim().is_empty() {
                d.add_text(f.memo, &c.memo);
                d.add_text(f.plain, &c.memo);
                if has_cjk(&c.memo) {
                    d.add_text(f.cjk, &c.memo);
                }
            }
            d.add_text(f.coder, &c.coder);
            add_themes(&mut d, &BTreeSet::from([c.theme.as_str()]));
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
        let f = &self.fields;
        let schema = self.index.schema();
        let q = query::to_tantivy(&query.ast, &schema, &self.codebook)?;
        let full = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.kind, kind.key()),
                    IndexRecordOption::Basic,
                )) as Box<dyn TantivyQuery>,
            ),
            (Occur::Must, q),
        ]);
        let searcher = self.reader.searcher();
        let mut counts = FacetCollector::for_field("counts");
        counts.add_facet("/agency");
        counts.add_facet("/month");
        counts.add_facet("/theme");
        let top = TopDocs::with_limit(limit.max(1))
            .and_offset(offset)
            .order_by_score();
        let (total, top, facet_counts) = if with_facets {
            let (total, top, fc) = searcher.search(&full, &(Count, top, counts))?;
            (total, top, Some(fc))
        } else {
            let (total, top) = searcher.search(&full, &(Count, top))?;
            (total, top, None)
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
            let mut snippets = SnippetMaker::new(&wanted, f.text);
            for (score, addr) in top {
                let doc: TantivyDocument = searcher.doc(addr)?;
                hits.push(self.hit(&doc, kind, score, &mut snippets));
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
            title: text(f.title),
            date,
            agencies: all(f.agency),
            session_type: SessionType::parse(&text(f.session_type)).unwrap_or_default(),
            county: text(f.county),
            facilitator: text(f.facilitator),
            themes: all(f.theme_key),
            coder: if kind == HitKind::Passages {
                text(f.coder)
            } else {
                String::new()
            },
            memo: text(f.memo),
            quote_or_snippet: shown,
            highlights,
            start,
            end,
            score,
        }
    }
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

/// Optimal-string-alignment distance (adjacent transpositions cost 1, as in tantivy's fuzzy
/// query), capped: returns `max + 1` as soon as it is exceeded.
fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()].min(max + 1)
}

/// Builds tantivy `SnippetGenerator`s from the query's positive terms: stemmed words as they
/// are, and for prefix / fuzzy terms the stems of the words in this text that match them (the
/// non-fuzzy view of the query; a fuzzy query itself gives tantivy no terms to highlight).
/// CJK strings are highlighted by substring search. All ranges leave here in code points.
struct SnippetMaker<'a> {
    wanted: &'a HighlightTerms,
    field: Field,
    text_analyzer: TextAnalyzer,
    plain_analyzer: TextAnalyzer,
}

impl<'a> SnippetMaker<'a> {
    fn new(wanted: &'a HighlightTerms, field: Field) -> SnippetMaker<'a> {
        SnippetMaker {
            wanted,
            field,
            text_analyzer: text_analyzer(),
            plain_analyzer: plain_analyzer(),
        }
    }

    fn generator(&mut self, text: &str, max_bytes: usize) -> SnippetGenerator {
        let mut terms: BTreeMap<String, f32> = BTreeMap::new();
        for s in &self.wanted.stems {
            terms.insert(s.clone(), 1.0);
        }
        if !self.wanted.prefixes.is_empty() || !self.wanted.fuzzy.is_empty() {
            // Plain and stemmed analysis split the text identically (the stemmer drops no
            // token), so the two streams pair up by offset.
            let mut plain: HashMap<usize, String> = HashMap::new();
            let mut ps = self.plain_analyzer.token_stream(text);
            while let Some(t) = ps.next() {
                plain.insert(t.offset_from, t.text.clone());
            }
            let mut ss = self.text_analyzer.token_stream(text);
            while let Some(t) = ss.next() {
                let Some(p) = plain.get(&t.offset_from) else {
                    continue;
                };
                let hit = self
                    .wanted
                    .prefixes
                    .iter()
                    .any(|x| p.starts_with(x.as_str()))
                    || self
                        .wanted
                        .fuzzy
                        .iter()
                        .any(|(w, d)| edit_distance(p, w, *d as usize) <= *d as usize);
                if hit {
                    terms.insert(t.text.clone(), 1.0);
                }
            }
        }
        SnippetGenerator::new(terms, self.text_analyzer.clone(), self.field, max_bytes)
    }

    fn cjk_ranges(&self, text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for needle in &self.wanted.cjk {
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
    fn cjk_tokens_are_bigrams_and_unigrams() {
        let mut t = CjkTokenizer;
        let mut s = t.token_stream("a 我们的 b");
        let mut got = Vec::new();
        while let Some(tok) = s.next() {
            got.push((tok.text.clone(), tok.position));
        }
        assert_eq!(
            got,
            vec![
                ("我".into(), 0),
                ("我们".into(), 0),
                ("们".into(), 1),
                ("们的".into(), 1),
                ("的".into(), 2)
            ]
        );
        assert_eq!(analyze(CJK_TOKENIZER, "我们的"), vec!["我们", "们的"]);
        assert_eq!(analyze(CJK_TOKENIZER, "我"), vec!["我"]);
    }

    #[test]
    fn analysis_folds_and_stems() {
        assert_eq!(
            analyze(TEXT_TOKENIZER, "Fathers DOÑA"),
            vec!["father", "dona"]
        );
        assert_eq!(analyze(PLAIN_TOKENIZER, "Fathers"), vec!["fathers"]);
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("trust", "trsut", 2), 1);
        assert_eq!(edit_distance("trust", "rust", 2), 1);
        assert_eq!(edit_distance("trust", "crusty", 1), 2);
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
}
