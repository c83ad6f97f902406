//! The counting corpus as the last full read made it, kept in `.ripple/counts-snapshot` with
//! the keys of every file it was made from, so that a fresh `ripple matrix` or `ripple
//! cooccur` on an unchanged store reads one file and `stat`s the notes instead of scanning
//! the store, decoding the catalog and checking the analysis cache (docs/analysis.md, "Speed").
//!
//! The snapshot is written by a full read (`Corpus::load_counts` through the catalog and the
//! analysis cache) when everything it was made from has a settled key (not racy,
//! `FileKey::is_racy`) taken before that read:
//!
//! - the sessions folder (its key taken before the scan, and the same after it: no file was
//!   added, removed or renamed there while it was read);
//! - every session file the scan looked at, by name (`Scan::files`: its key is the one the
//!   scan took before reading the file or trusting its catalog entry);
//! - the codebook file (or its absence);
//! - every coder folder (the keys the analysis cache took before looking at their files);
//! - every codings file, by folder and name (the key the analysis cache checked or read);
//! - whether the workspace coded blind, and as whom.
//!
//! A run uses the snapshot only when every one of these is as it was: the folders' and the
//! codebook's keys, the same coder folders, and each listed note's and codings file's key
//! (one `stat` each, relative to its open folder). A folder's key changes when any entry is
//! added, removed or renamed in it, so an unchanged folder means the same files; a file's key
//! (size, mtime, ctime, inode) changes when the file is written in any way, in place
//! included. Anything else makes the run read the store as before, which writes a new
//! snapshot. `ripple check` removes the snapshot (it may have found the catalog stale).
//!
//! What is kept is what counting needs (the same as `Corpus::load_counts` reads): each
//! session's metadata (id, title, date, agencies, type, county, facilitator, tags), each
//! attached coding as (session, coder, theme, start, end), the coders, the theme rows and the
//! warnings; never a note's words or a memo. The file is private (0600) inside `.ripple/`;
//! a damaged snapshot is ignored and rewritten.
//!
//! Format (little-endian): `RPLCNTS2`; the guard: blind coder (`u8` 0, or 1 and a string),
//! sessions folder key, codebook (`u8` 0, or 1 and a key), coder folders (`u32` count, each a
//! name and a key), notes (`u32` count, each a file name and a key), then for each coder
//! folder in that order its codings files (`u32` count, each a file name and a key); then the
//! corpus: a string
//! table (`u32` count of strings), coders (`u32` count of table indices), theme rows (`u32`
//! count, each: key, name, depth `u32`, parent `u32` or `u32::MAX`, known `u8`), warnings
//! (`u32` count of strings), sessions (`u32` count, each: id, note key (`u8` 0, or 1 and a key), title, date as `u32` days from
//! the common era, agencies (`u32` count of table indices), type `u8`, county and facilitator
//! as table indices, tags (`u32` count of table indices)), codings (`u32` count, each:
//! session, coder, theme as `u32`, start and end as `u64`). Strings are a `u32` length and
//! UTF-8 bytes; a key is four `u64`s.

use crate::core::agreement::cache::{write, In, Out};
use crate::core::analysis::{Corpus, CorpusCoding, CorpusSession, CountsParts, ThemeRow};
use crate::core::file_key::FileKey;
use crate::core::session::{SessionId, SessionType};
use crate::core::store::Store;
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const MAGIC: &[u8; 8] = b"RPLCNTS2";

/// What a snapshot was made from: while each of these is as it was, its corpus is the one a
/// full read gives.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Sources {
    pub blind: Option<String>,
    pub sessions_dir: FileKey,
    pub codebook: Option<FileKey>,
    /// Coder folders by name, sorted (as `coding_store::coder_dirs` lists them).
    pub coder_dirs: Vec<(String, FileKey)>,
    /// Session files by name in the sessions folder.
    pub notes: Vec<(String, FileKey)>,
    /// Codings files: (index into `coder_dirs`, file name, key).
    pub codings: Vec<(usize, String, FileKey)>,
}

/// Where the snapshot of `store` is.
pub fn path(store: &Store) -> PathBuf {
    store.root().join(".ripple").join("counts-snapshot")
}

/// Remove the snapshot (`ripple check`): the next count reads the store. Nothing when there
/// is none, or when the store is open read-only (another Ripple writes it).
pub fn forget(store: &Store) -> std::io::Result<()> {
    if store.is_read_only() {
        return Ok(());
    }
    match std::fs::remove_file(path(store)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Write the snapshot of `corpus` (a counting corpus, before any scope), made from `sources`.
/// Only a cache: a failure to write only makes the next run read the store.
pub(crate) fn save(store: &Store, sources: &Sources, corpus: &Corpus) {
    if store.is_read_only() {
        return;
    }
    let _ = write(store, &path(store), &encode(sources, corpus));
}

/// The counting corpus's parts from the snapshot, when the snapshot was made for `blind` and
/// every file it was made from is unchanged; `None` otherwise (no snapshot, damaged, or
/// anything changed).
pub(crate) fn load(store: &Store, blind: Option<&str>) -> Option<CountsParts> {
    let bytes = crate::core::mapped::Mapped::of(&path(store))?;
    let mut r = In { b: &bytes };
    if r.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let guard = read_guard(&mut r)?;
    if guard.blind != blind {
        return None;
    }
    let sessions_dir = store.sessions_dir();
    if FileKey::of_path(&sessions_dir)? != guard.sessions_dir {
        return None;
    }
    let codebook = match crate::core::agreement::cache::key_of(&store.codebook_path()) {
        Ok(k) => k,
        Err(()) => return None,
    };
    if codebook != guard.codebook {
        return None;
    }
    let (dirs, errors) = crate::core::coding_store::coder_dirs(store.root());
    if !errors.is_empty() || dirs.len() != guard.coder_dirs.len() {
        return None;
    }
    for (dir, (name, key)) in dirs.iter().zip(&guard.coder_dirs) {
        if dir.file_name().and_then(|n| n.to_str()) != Some(*name)
            || FileKey::of_path(dir) != Some(*key)
        {
            return None;
        }
    }
    // The notes and codings files are looked at while the corpus is decoded: both are
    // needed, and a file that changed makes the decoding wasted, which is the rare case.
    let mut lists: Vec<(&Path, &FileRecords<'_>)> = vec![(sessions_dir.as_path(), &guard.notes)];
    lists.extend(dirs.iter().map(PathBuf::as_path).zip(&guard.codings));
    let (unchanged, parts) = std::thread::scope(|s| {
        let check = s.spawn(|| files_unchanged(&lists));
        let parts = read_corpus(&mut r);
        (check.join().unwrap_or(false), parts)
    });
    if !unchanged {
        return None;
    }
    parts
}

/// The guard as read: names borrowed from the file's bytes.
struct Guard<'a> {
    blind: Option<&'a str>,
    sessions_dir: FileKey,
    codebook: Option<FileKey>,
    coder_dirs: Vec<(&'a str, FileKey)>,
    /// The notes' records (name, key), as written: read by the threads that check them.
    notes: FileRecords<'a>,
    /// Each coder folder's codings files' records, in the folders' order.
    codings: Vec<FileRecords<'a>>,
}

fn read_guard<'a>(r: &mut In<'a>) -> Option<Guard<'a>> {
    let blind = match r.take(1)?[0] {
        0 => None,
        1 => Some(r.str()?),
        _ => return None,
    };
    let sessions_dir = r.key()?;
    let codebook = match r.take(1)?[0] {
        0 => None,
        1 => Some(r.key()?),
        _ => return None,
    };
    let n = r.count(36)?;
    let mut coder_dirs = Vec::with_capacity(n);
    for _ in 0..n {
        coder_dirs.push((r.str()?, r.key()?));
    }
    let notes = read_records(r)?;
    let codings = (0..coder_dirs.len())
        .map(|_| read_records(r))
        .collect::<Option<Vec<_>>>()?;
    Some(Guard {
        blind,
        sessions_dir,
        codebook,
        coder_dirs,
        notes,
        codings,
    })
}

/// A list of files' records (`u32` count, each a name and a key), only skipped here (each
/// record's length), with a start every `RECORDS_PER_STEP` records so the checking threads can
/// share them out without a list of 100,000 names being made.
fn read_records<'a>(r: &mut In<'a>) -> Option<FileRecords<'a>> {
    let n = r.count(36)?;
    let bytes = r.b;
    let mut steps = Vec::with_capacity(n / RECORDS_PER_STEP + 1);
    for i in 0..n {
        if i % RECORDS_PER_STEP == 0 {
            steps.push(bytes.len() - r.b.len());
        }
        let len = r.u32()?;
        r.take(len.checked_add(32)?)?;
    }
    Some(FileRecords {
        bytes: &bytes[..bytes.len() - r.b.len()],
        steps,
    })
}

/// How many file records apart the guard keeps a start.
const RECORDS_PER_STEP: usize = 1024;

/// One folder's file records (name, key) in the snapshot, as written, with the start of
/// every `RECORDS_PER_STEP`th.
struct FileRecords<'a> {
    bytes: &'a [u8],
    steps: Vec<usize>,
}

impl FileRecords<'_> {
    /// Whether every file of the records from step `from` to step `to` has the key it had.
    fn unchanged(&self, looker: &Looker, from: usize, to: usize) -> bool {
        let start = self.steps[from];
        let end = self.steps.get(to).copied().unwrap_or(self.bytes.len());
        let mut r = In {
            b: &self.bytes[start..end],
        };
        while !r.b.is_empty() {
            let (Some(name), Some(key)) = (r.str(), r.key()) else {
                return false;
            };
            if looker.key(name) != Some(key) {
                return false;
            }
        }
        true
    }
}

/// Whether every file of `lists` (each a folder and its files' records) has the key it had,
/// spread over the cores in runs of `RECORDS_PER_STEP` records.
fn files_unchanged(lists: &[(&Path, &FileRecords<'_>)]) -> bool {
    let work: Vec<(usize, usize)> = lists
        .iter()
        .enumerate()
        .flat_map(|(l, (_, notes))| (0..notes.steps.len()).map(move |step| (l, step)))
        .collect();
    if work.is_empty() {
        return true;
    }
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
        .min(work.len());
    let per = work.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = work
            .chunks(per)
            .map(|chunk| {
                s.spawn(move || {
                    // Each folder opened once per thread, when first needed.
                    let mut lookers: Vec<Option<Looker>> = (0..lists.len()).map(|_| None).collect();
                    chunk.iter().all(|&(l, step)| {
                        let (dir, notes) = lists[l];
                        if lookers[l].is_none() {
                            lookers[l] = Looker::open(dir);
                        }
                        lookers[l]
                            .as_ref()
                            .is_some_and(|looker| notes.unchanged(looker, step, step + 1))
                    })
                })
            })
            .collect();
        handles.into_iter().all(|h| h.join().unwrap_or(false))
    })
}

/// `stat` of files by name in one folder: relative to an open handle of the folder where the
/// system has one (no walk of the whole path per file).
struct Looker {
    #[cfg(unix)]
    dir: std::fs::File,
    #[cfg(unix)]
    buf: std::cell::RefCell<Vec<u8>>,
    #[cfg(not(unix))]
    dir: PathBuf,
}

impl Looker {
    fn open(dir: &Path) -> Option<Looker> {
        #[cfg(unix)]
        {
            std::fs::File::open(dir).ok().map(|dir| Looker {
                dir,
                buf: std::cell::RefCell::new(Vec::with_capacity(256)),
            })
        }
        #[cfg(not(unix))]
        {
            Some(Looker {
                dir: dir.to_path_buf(),
            })
        }
    }

    /// The key of the file `name` (following a symbolic link, as the scan does), `None` when
    /// there is none or it cannot be looked at.
    fn key(&self, name: &str) -> Option<FileKey> {
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            // The name NUL-terminated in a buffer kept for the thread (an allocation, or a
            // zeroed array, per note showed).
            let mut buf = self.buf.borrow_mut();
            buf.clear();
            buf.extend_from_slice(name.as_bytes());
            buf.push(0);
            // A NUL inside the name: no such file.
            let c_name = std::ffi::CStr::from_bytes_with_nul(&buf).ok()?;
            let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
            // SAFETY: `c_name` is NUL-terminated, `st` is written by the call before it is
            // read (only when it succeeds), and the folder handle is open for the call.
            let st = unsafe {
                if libc::fstatat(self.dir.as_raw_fd(), c_name.as_ptr(), st.as_mut_ptr(), 0) != 0 {
                    return None;
                }
                st.assume_init()
            };
            Some(FileKey {
                len: st.st_size as u64,
                mtime_ns: (st.st_mtime as i64)
                    .saturating_mul(1_000_000_000)
                    .saturating_add(st.st_mtime_nsec as i64),
                ctime_ns: (st.st_ctime as i64)
                    .saturating_mul(1_000_000_000)
                    .saturating_add(st.st_ctime_nsec as i64),
                ino: st.st_ino as u64,
            })
        }
        #[cfg(not(unix))]
        {
            FileKey::of_path(&self.dir.join(name))
        }
    }
}

fn encode(sources: &Sources, corpus: &Corpus) -> Vec<u8> {
    let mut out = Out::new(MAGIC);
    match &sources.blind {
        None => out.bytes.push(0),
        Some(b) => {
            out.bytes.push(1);
            out.str(b);
        }
    }
    out.key(&sources.sessions_dir);
    match &sources.codebook {
        None => out.bytes.push(0),
        Some(k) => {
            out.bytes.push(1);
            out.key(k);
        }
    }
    out.u32(sources.coder_dirs.len());
    for (name, key) in &sources.coder_dirs {
        out.str(name);
        out.key(key);
    }
    out.u32(sources.notes.len());
    for (name, key) in &sources.notes {
        out.str(name);
        out.key(key);
    }
    for d in 0..sources.coder_dirs.len() {
        let files: Vec<&(usize, String, FileKey)> =
            sources.codings.iter().filter(|f| f.0 == d).collect();
        out.u32(files.len());
        for (_, name, key) in files {
            out.str(name);
            out.key(key);
        }
    }

    // The string table: agencies, counties, facilitators, tags and coders, each once.
    let mut table: Vec<&str> = Vec::new();
    let mut strings: Vec<&str> = Vec::new();
    for s in &corpus.sessions {
        strings.extend(s.agencies.iter().map(|a| &**a));
        strings.push(&s.county);
        strings.push(&s.facilitator);
        strings.extend(s.tags.iter().map(|t| &**t));
    }
    strings.extend(corpus.coders.iter().map(String::as_str));
    let mut number: HashMap<&str, usize> = HashMap::new();
    for s in strings {
        number.entry(s).or_insert_with(|| {
            table.push(s);
            table.len() - 1
        });
    }
    out.u32(table.len());
    for s in &table {
        out.str(s);
    }
    out.u32(corpus.coders.len());
    for c in &corpus.coders {
        out.u32(number[c.as_str()]);
    }
    out.u32(corpus.themes.len());
    for t in &corpus.themes {
        out.str(&t.key);
        out.str(&t.name);
        out.u32(t.depth);
        out.u32(t.parent.unwrap_or(u32::MAX as usize));
        out.bytes.push(u8::from(t.known));
    }
    out.u32(corpus.warnings.len());
    for w in &corpus.warnings {
        out.str(w);
    }
    out.u32(corpus.sessions.len());
    for (i, s) in corpus.sessions.iter().enumerate() {
        out.str(s.id.as_str());
        match corpus.note_keys.get(i).copied().flatten() {
            None => out.bytes.push(0),
            Some(k) => {
                out.bytes.push(1);
                out.key(&k);
            }
        }
        out.str(&s.title);
        out.u32(s.date.num_days_from_ce().max(0) as usize);
        out.u32(s.agencies.len());
        for a in &s.agencies {
            out.u32(number[&**a]);
        }
        let kind = SessionType::ALL
            .iter()
            .position(|t| *t == s.session_type)
            .unwrap_or(0);
        out.bytes.push(kind as u8);
        out.u32(number[&*s.county]);
        out.u32(number[&*s.facilitator]);
        out.u32(s.tags.len());
        for t in &s.tags {
            out.u32(number[&**t]);
        }
    }
    out.u32(corpus.codings.len());
    for c in &corpus.codings {
        out.u32(c.session);
        out.u32(c.coder);
        out.u32(c.theme);
        out.u64(c.start as u64);
        out.u64(c.end as u64);
    }
    out.bytes
}

fn read_corpus(r: &mut In<'_>) -> Option<CountsParts> {
    let n = r.count(4)?;
    let mut table: Vec<Arc<str>> = Vec::with_capacity(n);
    for _ in 0..n {
        table.push(Arc::from(r.str()?));
    }
    let shared = |r: &mut In<'_>| -> Option<Arc<str>> { table.get(r.u32()?).cloned() };
    let n = r.count(4)?;
    let mut coders = Vec::with_capacity(n);
    for _ in 0..n {
        coders.push(shared(r)?.to_string());
    }
    let n = r.count(17)?;
    let mut themes = Vec::with_capacity(n);
    for _ in 0..n {
        let key = r.str()?.to_string();
        let name = r.str()?.to_string();
        let depth = r.u32()?;
        let parent = match r.u32()? {
            p if p == u32::MAX as usize => None,
            p if p < n => Some(p),
            _ => return None,
        };
        let known = match r.take(1)?[0] {
            0 => false,
            1 => true,
            _ => return None,
        };
        themes.push(ThemeRow {
            key,
            name,
            depth,
            parent,
            known,
        });
    }
    let n = r.count(4)?;
    let mut warnings = Vec::with_capacity(n);
    for _ in 0..n {
        warnings.push(r.str()?.to_string());
    }
    let n = r.count(25)?;
    let mut sessions = Vec::with_capacity(n);
    let mut note_keys = Vec::with_capacity(n);
    for _ in 0..n {
        let id = SessionId(r.str()?.to_string());
        note_keys.push(match r.take(1)?[0] {
            0 => None,
            1 => Some(r.key()?),
            _ => return None,
        });
        let title = r.str()?.to_string();
        let date = NaiveDate::from_num_days_from_ce_opt(i32::try_from(r.u32()?).ok()?)?;
        let k = r.count(4)?;
        let mut agencies = Vec::with_capacity(k);
        for _ in 0..k {
            agencies.push(shared(r)?);
        }
        let session_type = *SessionType::ALL.get(usize::from(r.take(1)?[0]))?;
        let county = shared(r)?;
        let facilitator = shared(r)?;
        let k = r.count(4)?;
        let mut tags = Vec::with_capacity(k);
        for _ in 0..k {
            tags.push(shared(r)?);
        }
        sessions.push(CorpusSession {
            id,
            title,
            date,
            agencies,
            session_type,
            county,
            facilitator,
            tags,
            text: String::new(),
            memos: Vec::new(),
        });
    }
    let n = r.count(28)?;
    let mut codings = Vec::with_capacity(n);
    for _ in 0..n {
        let session = r.u32()?;
        let coder = r.u32()?;
        let theme = r.u32()?;
        let start = r.usize()?;
        let end = r.usize()?;
        if session >= sessions.len() || coder >= coders.len() || theme >= themes.len() {
            return None;
        }
        codings.push(CorpusCoding {
            session,
            coder,
            theme,
            start,
            end,
            memo: Box::default(),
        });
    }
    if !r.b.is_empty() {
        return None;
    }
    Some(CountsParts {
        sessions,
        note_keys,
        codings,
        coders,
        themes,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::analysis::{matrix, MatrixSpec, Scope};
    use crate::core::coding_store;
    use crate::core::session::SessionMeta;
    use crate::core::workspace::analysis_cache::tests::{
        assert_private, code, next_tick, rewrite_in_place, shape, store, CODERS, LATER,
    };
    use crate::core::workspace::Workspace;

    /// The counting corpus equals reading every file; returns whether the snapshot answered.
    fn same_as_reading(store: &Store, blind: Option<&str>) -> bool {
        let mut ws = Workspace::new(store, blind.unwrap_or(CODERS[0]));
        ws.set_blind(blind.is_some());
        let hit = load(store, blind).is_some();
        let counted = Corpus::load_counts_at(&ws, &Scope::default(), LATER).unwrap();
        let full = Corpus::load(&ws, &Scope::default()).unwrap();
        assert_eq!(shape(&counted), shape(&full));
        let spec = MatrixSpec::default();
        assert_eq!(
            matrix(&counted, &spec).unwrap().cells,
            matrix(&full, &spec).unwrap().cells
        );
        hit
    }

    /// A codings file that could not be read is in the guard too: mended in place (its
    /// folder unchanged), the next count reads it.
    #[test]
    fn a_codings_file_mended_in_place_is_counted_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let (store, ids) = store(root);
        let p = coding_store::file_path(root, CODERS[0], &ids[2]);
        let good = std::fs::read_to_string(&p).unwrap();
        next_tick();
        rewrite_in_place(&p, "{ not json");
        assert!(!same_as_reading(&store, None));
        assert!(same_as_reading(&store, None), "made with the damaged file");
        next_tick();
        let folder = FileKey::of_path(p.parent().unwrap()).unwrap();
        rewrite_in_place(&p, &good);
        assert_eq!(FileKey::of_path(p.parent().unwrap()).unwrap(), folder);
        assert!(!same_as_reading(&store, None), "the mended file is read");
    }

    #[test]
    fn the_snapshot_answers_only_while_every_file_it_was_made_from_is_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let (store, mut ids) = store(root);
        // Files written a moment ago are racy: no snapshot from them.
        let ws = Workspace::new(&store, CODERS[0]);
        Corpus::load_counts(&ws, &Scope::default()).unwrap();
        assert!(!path(&store).exists(), "made from racy keys");
        assert!(!same_as_reading(&store, None));
        assert!(path(&store).exists());
        assert!(same_as_reading(&store, None), "nothing changed");
        assert_private(&path(&store));
        let bytes = std::fs::read(path(&store)).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("café"),
            "no words of a note"
        );

        let mut rng = crate::core::test_rng::Rng(0x9e37_79b9_7f4a_7c15);
        let mut below = |n: usize| rng.below(n);
        for step in 0..40 {
            next_tick();
            let id = ids[below(ids.len())].clone();
            let coder = CODERS[below(2)];
            let kind = step % 10;
            match kind {
                // A codings file written by Ripple.
                0 => {
                    let text = store.load_note(&id).unwrap();
                    let a = below(10);
                    code(root, &text, &id, coder, &[(a, a + 1 + below(8))]);
                }
                // One removed by hand.
                1 => {
                    let p = coding_store::file_path(root, coder, &id);
                    if std::fs::remove_file(&p).is_err() {
                        // None there: one written by hand instead.
                        let text = store.load_note(&id).unwrap();
                        code(root, &text, &id, coder, &[(2, 6)]);
                    }
                }
                // A note's metadata changed in place, at the same size: the sessions
                // folder does not change, only the note's own key.
                2 => {
                    let p = store.session_path(&id);
                    let text = std::fs::read_to_string(&p).unwrap();
                    let (from, to) = if text.contains("\"Lane\"") {
                        ("\"Lane\"", "\"Linn\"")
                    } else {
                        ("\"Linn\"", "\"Lane\"")
                    };
                    let folder = FileKey::of_path(&store.sessions_dir()).unwrap();
                    rewrite_in_place(&p, &text.replacen(from, to, 1));
                    assert_eq!(FileKey::of_path(&store.sessions_dir()).unwrap(), folder);
                }
                // A note's words changed by Ripple: codings move or are orphaned.
                3 => {
                    let mut s = store.load(&id).unwrap();
                    s.text = format!("Step {step}. {}", s.text);
                    store.save(&s).unwrap();
                }
                // A session added, coded.
                4 => {
                    let mut meta = SessionMeta::new_today("Mara");
                    meta.id = crate::core::session::SessionId::new();
                    meta.agencies = vec!["La Casa".into(), "CYFD".into()];
                    meta.tags = vec!["año 2".into()];
                    let text = format!("Added at step {step}, with trust and roles.");
                    let added = store.create(meta, &text).unwrap().meta.id;
                    code(root, &text, &added, coder, &[(0, 5), (9, 13)]);
                    ids.push(added);
                }
                // A note deleted.
                5 => {
                    if ids.len() > 4 {
                        std::fs::remove_file(store.session_path(&id)).unwrap();
                        ids.retain(|x| *x != id);
                    }
                }
                // The codebook changed: a theme renamed.
                6 => {
                    let p = store.codebook_path();
                    let text = std::fs::read_to_string(&p)
                        .unwrap_or_else(|_| crate::core::codebook::DEFAULT_CODEBOOK.to_string());
                    let renamed = if text.contains("name = \"Trust\"") {
                        text.replacen("name = \"Trust\"", "name = \"Trust, built\"", 1)
                    } else {
                        text.replacen("name = \"Trust, built\"", "name = \"Trust\"", 1)
                    };
                    std::fs::write(&p, renamed).unwrap();
                }
                // A new coder.
                7 => {
                    let text = store.load_note(&id).unwrap();
                    code(root, &text, &id, &format!("Zoë {step}"), &[(0, 3)]);
                }
                // A session file that cannot be read: a problem, said as a warning.
                8 => {
                    let name = format!("2026-02-0{}-broken-{}.md", 1 + step % 9, step);
                    std::fs::write(store.sessions_dir().join(name), "+++\nnot = [\n").unwrap();
                }
                // A coder's file rewritten in place with other codings, by another program:
                // its folder does not change, only the file's own key.
                _ => {
                    let p = coding_store::file_path(root, coder, &id);
                    if !p.exists() {
                        let text = store.load_note(&id).unwrap();
                        code(root, &text, &id, coder, &[(1, 4)]);
                        assert!(!same_as_reading(&store, None));
                        next_tick();
                    }
                    let text = std::fs::read_to_string(&p).unwrap();
                    let (from, to) = if text.contains("\"trust\"") {
                        ("\"trust\"", "\"roles\"")
                    } else {
                        ("\"roles\"", "\"trust\"")
                    };
                    let folder = FileKey::of_path(p.parent().unwrap()).unwrap();
                    rewrite_in_place(&p, &text.replace(from, to));
                    assert_eq!(FileKey::of_path(p.parent().unwrap()).unwrap(), folder);
                }
            }
            assert!(
                !same_as_reading(&store, None),
                "step {step} (kind {kind}): a change, and the snapshot answered"
            );
            assert!(
                same_as_reading(&store, None),
                "step {step}: unchanged since"
            );
        }

        // Blind: a snapshot is for one way of reading.
        assert!(!same_as_reading(&store, Some(CODERS[1])));
        assert!(same_as_reading(&store, Some(CODERS[1])));
        assert!(!same_as_reading(&store, None));

        // A damaged snapshot is ignored and made again.
        let bytes = std::fs::read(path(&store)).unwrap();
        for cut in [bytes.len() / 2, bytes.len() - 1, 9] {
            std::fs::write(path(&store), &bytes[..cut]).unwrap();
            assert!(!same_as_reading(&store, None), "cut at {cut}");
        }
        assert!(same_as_reading(&store, None));

        // `ripple check` removes it.
        forget(&store).unwrap();
        assert!(!path(&store).exists());
        forget(&store).unwrap();
    }

    #[test]
    fn a_key_from_the_file_system_is_the_key_of_its_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("Doña Ana 信任 🎉.md");
        std::fs::write(&p, "x").unwrap();
        let looker = Looker::open(dir.path()).unwrap();
        assert_eq!(
            looker.key("Doña Ana 信任 🎉.md"),
            FileKey::of_path(&p),
            "the same key as the scan takes"
        );
        assert_eq!(looker.key("gone.md"), None);
        assert_eq!(looker.key("nul\0.md"), None);
    }
}
