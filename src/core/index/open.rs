//! Opening the index: checking its version, its commit record and its segment files, moving a
//! damaged or outdated folder aside and starting an empty one, and the writer lock.

use super::analysis;
use super::schema::build_schema;
use super::{
    is_lock_error, panic_message, CommitPayload, IndexError, IndexFields, IndexHealth, SearchIndex,
    SCHEMA_VERSION, VERIFIED_FILE, VERSION_MARKER, WRITER_MEMORY,
};
use crate::core::atomic::{atomic_write, create_private_dir};
use crate::core::codebook::Codebook;
use crate::core::file_key::FileKey;
use crate::core::vocabulary::{Vocabulary, VOCABULARY_FILE};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::collector::Count;
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};

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

/// Whether another process holds tantivy's writer lock on `dir` (the same `flock` tantivy
/// takes), so a folder being written is never moved aside under its writer.
fn writer_lock_busy(dir: &Path) -> bool {
    let path = dir.join(".tantivy-writer.lock");
    match std::fs::File::open(&path) {
        Ok(f) => matches!(f.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
        Err(_) => false,
    }
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
            viewer: None,
            reference_paths: false,
            facet_tables: Default::default(),
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
            viewer: None,
            reference_paths: false,
            facet_tables: Default::default(),
        })
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
}
