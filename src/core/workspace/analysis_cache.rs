//! What counting (matrices and co-occurrence without a query) needs of each coder's codings
//! file, kept between runs in `.ripple/analysis-cache`, so that `ripple matrix` and
//! `ripple cooccur` read neither the notes nor the codings files that have not changed.
//!
//! A session's metadata comes from the store's catalog (`Store::scan`). Of each codings file
//! the cache keeps the coder's name as the file writes it and its codings still attached to
//! the note and not empty, as `(theme, start, end)` — offsets and theme keys, never the words
//! of a note or a memo. An entry is keyed, as the agreement cache's are
//! (`core::agreement::cache`, whose file key checks and file helpers this reuses), by the
//! [`FileKey`] (size, mtime, ctime, inode) of the codings file and of the note, since
//! re-attaching depends on both. A run looks at each file's metadata (a `stat`, no read) and
//! reads a session's files the straightforward way when any key differs, when a file has no
//! entry, or when a key was racy when its entry was made. A renamed note is found by the scan
//! under its new name; a rename changes the file's ctime. The answer is therefore always that
//! of reading every file; the cache only saves the reading.
//!
//! Every coder's files are cached; a blind workspace takes only its own coder's entries. The
//! file is private (0600) inside `.ripple/`, like every file Ripple writes; a damaged cache is
//! ignored and rewritten, and one that cannot be written only makes the next run read again.
//!
//! Format (little-endian): `RPLANAC1`, then a `u32` count of entries, each: coder folder name,
//! session id, note key, file key, coder name, then a `u32` count of (theme, start `u64`, end
//! `u64`). Strings are a `u32` length and bytes; a key is four `u64`s.

use crate::core::agreement::cache::{key_of, put, write, In, Out};
use crate::core::analysis::{CodingInput, SessionInput};
use crate::core::anchor::reattach_all;
use crate::core::coding::{same_coder, AnchorStatus};
use crate::core::coding_store::{coder_dirs, read_file};
use crate::core::file_key::{now_ns, FileKey};
use crate::core::parallel::parallel_map;
use crate::core::session::SessionMeta;
use crate::core::session_file::is_valid_id;
use crate::core::store::{SessionSummary, Store};
use std::collections::HashMap;
#[cfg(test)]
use std::path::Path;
use std::path::PathBuf;

const MAGIC: &[u8; 8] = b"RPLANAC1";

#[derive(Clone, Debug, PartialEq)]
struct Entry {
    note: FileKey,
    file: FileKey,
    coder: String,
    marks: Vec<(String, usize, usize)>,
}

#[derive(Debug, Default, PartialEq)]
struct Cache {
    /// By coder folder name, then session id.
    files: HashMap<String, HashMap<String, Entry>>,
}

/// Where the analysis cache of `store` is.
pub fn path(store: &Store) -> PathBuf {
    store.root().join(".ripple").join("analysis-cache")
}

/// What [`load_counts`] read: sessions (no note text, memos without their words) and
/// codings (no memos, no ids).
#[derive(Debug, Default)]
pub struct CountsLoad {
    pub sessions: Vec<SessionInput>,
    pub codings: Vec<CodingInput>,
    /// The same warnings reading every file gives.
    pub warnings: Vec<String>,
    /// How many sessions were read from their files (the rest came from the cache).
    pub read: usize,
}

enum Got {
    Problem(String),
    Session {
        input: Box<SessionInput>,
        codings: Vec<CodingInput>,
        errors: Vec<String>,
        /// Read from the files: the entries made (by coder folder index), `None` when every
        /// entry came from the cache.
        fresh: Option<Vec<(usize, Entry)>>,
        /// Coder folders whose entry came from the cache.
        hits: Vec<usize>,
    },
}

/// The sessions of `summaries` and the codings of every coder (only `blind`'s when given),
/// from the cache where the files have not changed. `None` when the coder folders cannot be
/// listed: the caller reads every file, which says what is wrong.
pub fn load_counts(
    store: &Store,
    summaries: &[SessionSummary],
    blind: Option<&str>,
) -> Option<CountsLoad> {
    load_counts_at(store, summaries, blind, 0)
}

/// [`load_counts`] with the clock moved on by `skew_ns` (tests).
pub(crate) fn load_counts_at(
    store: &Store,
    summaries: &[SessionSummary],
    blind: Option<&str>,
    skew_ns: i64,
) -> Option<CountsLoad> {
    let (dirs, errors) = coder_dirs(store.root());
    if !errors.is_empty() {
        return None;
    }
    let names: Vec<String> = dirs
        .iter()
        .map(|d| {
            d.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    let cache_path = path(store);
    let cache = std::fs::read(&cache_path)
        .ok()
        .and_then(|b| decode(&b))
        .unwrap_or_default();
    let now = now_ns().saturating_add(skew_ns);
    let got = parallel_map(summaries, |s| {
        one(store, &dirs, &names, &cache, s, blind, now)
    });

    let mut out = CountsLoad::default();
    let mut next = Cache::default();
    let mut changed = false;
    let mut kept = 0usize;
    for (s, g) in summaries.iter().zip(got) {
        let id = s.meta.id.as_str();
        match g {
            Got::Problem(p) => {
                out.read += 1;
                out.warnings.push(p);
            }
            Got::Session {
                input,
                codings,
                errors,
                fresh,
                hits,
            } => {
                for d in hits {
                    if let Some(e) = cache.files.get(&names[d]).and_then(|m| m.get(id)) {
                        next.files
                            .entry(names[d].clone())
                            .or_default()
                            .insert(id.to_string(), e.clone());
                        kept += 1;
                    }
                }
                if let Some(fresh) = fresh {
                    out.read += 1;
                    for (d, e) in fresh {
                        next.files
                            .entry(names[d].clone())
                            .or_default()
                            .insert(id.to_string(), e);
                        changed = true;
                    }
                }
                out.sessions.push(*input);
                out.codings.extend(codings);
                out.warnings.extend(errors);
            }
        }
    }
    // Entries of sessions or files gone are dropped.
    let before: usize = cache.files.values().map(HashMap::len).sum();
    changed |= kept != before;
    if changed && !store.is_read_only() {
        // Only a cache: when it cannot be written, the next run reads the files again.
        let _ = write(store, &cache_path, &encode(&next));
    }
    Some(out)
}

fn file_name(id: &str) -> String {
    format!("{id}.json")
}

fn inputs(meta: &SessionMeta, entry: &Entry, codings: &mut Vec<CodingInput>) {
    codings.extend(entry.marks.iter().map(|(theme, start, end)| CodingInput {
        session: meta.id.clone(),
        coder: entry.coder.clone(),
        theme: theme.clone(),
        start: *start,
        end: *end,
        orphaned: false,
        memo: String::new(),
        id: String::new(),
    }));
}

fn one(
    store: &Store,
    dirs: &[PathBuf],
    names: &[String],
    cache: &Cache,
    summary: &SessionSummary,
    blind: Option<&str>,
    now: i64,
) -> Got {
    let meta = &*summary.meta;
    let id = meta.id.as_str();
    if !is_valid_id(id) {
        return read_files(store, dirs, meta, None, blind, now);
    }
    let note = match key_of(&summary.path) {
        Ok(Some(k)) => k,
        _ => return read_files(store, dirs, meta, None, blind, now),
    };
    let mut keys = Vec::with_capacity(dirs.len());
    for d in dirs {
        match key_of(&d.join(file_name(id))) {
            Ok(k) => keys.push(k),
            Err(()) => return read_files(store, dirs, meta, None, blind, now),
        }
    }
    let mut codings = Vec::new();
    let mut memos = Vec::new();
    let mut hits = Vec::new();
    for (d, key) in keys.iter().enumerate() {
        let Some(key) = key else {
            continue;
        };
        let entry = cache
            .files
            .get(&names[d])
            .and_then(|m| m.get(id))
            .filter(|e| e.file == *key && e.note == note);
        let Some(entry) = entry else {
            return read_files(store, dirs, meta, Some((note, keys)), blind, now);
        };
        hits.push(d);
        if blind.is_some_and(|me| !same_coder(me, &entry.coder)) {
            continue;
        }
        memos.push((entry.coder.clone(), String::new()));
        inputs(meta, entry, &mut codings);
    }
    Got::Session {
        input: Box::new((meta.clone(), String::new(), memos)),
        codings,
        errors: Vec::new(),
        fresh: None,
        hits,
    }
}

/// Read the session's files as reading every file does (`Corpus::load`), and make entries for
/// the files whose keys (taken before reading) are not racy.
fn read_files(
    store: &Store,
    dirs: &[PathBuf],
    meta: &SessionMeta,
    keys: Option<(FileKey, Vec<Option<FileKey>>)>,
    blind: Option<&str>,
    now: i64,
) -> Got {
    let session = match store.load(&meta.id) {
        Ok(s) => s,
        Err(e) => return Got::Problem(e.to_string()),
    };
    let id = session.meta.id.as_str();
    let mut codings = Vec::new();
    let mut memos = Vec::new();
    let mut errors = Vec::new();
    let mut fresh = Vec::new();
    for (d, dir) in dirs.iter().enumerate() {
        let p = dir.join(file_name(id));
        if !p.is_file() {
            continue;
        }
        let mut f = match read_file(&p) {
            Ok(f) => f,
            Err(e) => {
                errors.push(e.to_string());
                continue;
            }
        };
        reattach_all(&session.text, &mut f.codings);
        let (note, file) = match &keys {
            Some((n, ks)) => (Some(*n), ks[d]),
            None => (None, None),
        };
        let entry = Entry {
            note: note.unwrap_or_default(),
            file: file.unwrap_or_default(),
            coder: f.coder.clone(),
            marks: f
                .codings
                .iter()
                .filter(|c| c.status != AnchorStatus::Orphaned && c.end > c.start)
                .map(|c| (c.theme.clone(), c.start, c.end))
                .collect(),
        };
        if blind.is_none_or(|me| same_coder(me, &f.coder)) {
            memos.push((f.coder.clone(), String::new()));
            inputs(&session.meta, &entry, &mut codings);
        }
        if let (Some(n), Some(k)) = (note, file) {
            if !n.is_racy(now) && !k.is_racy(now) {
                fresh.push((d, entry));
            }
        }
    }
    Got::Session {
        input: Box::new((session.meta, String::new(), memos)),
        codings,
        errors,
        fresh: Some(fresh),
        hits: Vec::new(),
    }
}

fn encode(cache: &Cache) -> Vec<u8> {
    let mut out = Out {
        bytes: Vec::new(),
        themes: HashMap::new(),
    };
    out.bytes.extend_from_slice(MAGIC);
    let count: usize = cache.files.values().map(HashMap::len).sum();
    out.u32(count);
    for (dir, per) in &cache.files {
        for (id, e) in per {
            out.str(dir);
            out.str(id);
            out.key(&e.note);
            out.key(&e.file);
            out.str(&e.coder);
            out.u32(e.marks.len());
            for (t, s, end) in &e.marks {
                out.str(t);
                out.u64(*s as u64);
                out.u64(*end as u64);
            }
        }
    }
    out.bytes
}

fn decode(bytes: &[u8]) -> Option<Cache> {
    let mut r = In { b: bytes };
    if r.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let mut cache = Cache::default();
    let n = r.count(4 + 4 + 64 + 4 + 4)?;
    for _ in 0..n {
        let dir = r.str()?;
        let id = r.str()?.to_string();
        let note = r.key()?;
        let file = r.key()?;
        let coder = r.str()?.to_string();
        let nm = r.count(20)?;
        let mut marks = Vec::with_capacity(nm);
        for _ in 0..nm {
            marks.push((r.str()?.to_string(), r.usize()?, r.usize()?));
        }
        let entry = Entry {
            note,
            file,
            coder,
            marks,
        };
        put(&mut cache.files, dir, id, entry);
    }
    r.b.is_empty().then_some(cache)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::agreement::cache::assert_round_trip;
    use crate::core::analysis::{Corpus, Scope};
    use crate::core::coding::CoderSessionFile;
    use crate::core::coding_store::{self, codings_dir, new_coding};
    use crate::core::file_key::RACY_NS;
    use crate::core::session::SessionId;
    use crate::core::workspace::Workspace;

    const CODERS: [&str; 2] = ["Ana Peña", "Luis Ortiz"];
    const THEMES: [&str; 3] = ["trust", "communication", "roles"];
    const LATER: i64 = RACY_NS + 1_000_000_000;

    fn code(root: &Path, text: &str, id: &SessionId, coder: &str, spans: &[(usize, usize)]) {
        let codings = spans
            .iter()
            .enumerate()
            .map(|(i, &(s, e))| new_coding(text, id, s, e, THEMES[i % 3], coder, "").unwrap())
            .collect();
        let file = CoderSessionFile {
            session: id.clone(),
            coder: coder.to_string(),
            memo: String::new(),
            codings,
        };
        coding_store::save(root, &file).unwrap();
    }

    /// Twelve sessions over several months, each coded by one or both coders.
    fn store(root: &Path) -> (Store, Vec<SessionId>) {
        let store = Store::open(root).unwrap();
        let mut ids = Vec::new();
        for i in 0..12 {
            let mut meta = SessionMeta::new_today("Mara");
            meta.id = SessionId::new();
            meta.title = format!("Visit {i}");
            meta.date = chrono::NaiveDate::from_ymd_opt(2026, 1 + (i % 5) as u32, 3).unwrap();
            meta.county = ["Lane", "Linn"][i % 2].into();
            let text = format!("信任 came {i} times; the plan 🎉 feels fair, café after school.");
            let id = store.create(meta, &text).unwrap().meta.id;
            code(root, &text, &id, CODERS[0], &[(0, 2), (3, 7), (20, 28)]);
            if i % 3 != 0 {
                code(root, &text, &id, CODERS[1], &[(0, 2), (30, 34)]);
            }
            ids.push(id);
        }
        (store, ids)
    }

    type Shape = (Vec<String>, Vec<String>, Vec<String>, Vec<String>);

    /// What counting reads of a corpus: sessions' metadata, codings, coders, warnings.
    fn shape(c: &Corpus) -> Shape {
        (
            c.sessions
                .iter()
                .map(|s| format!("{} {} {} {}", s.id, s.date, s.title, s.county))
                .collect(),
            c.codings
                .iter()
                .map(|k| {
                    format!(
                        "{} {} {} {}-{}",
                        c.sessions[k.session].id,
                        c.coders[k.coder],
                        c.themes[k.theme].key,
                        k.start,
                        k.end
                    )
                })
                .collect(),
            c.coders.clone(),
            c.warnings.clone(),
        )
    }

    /// The counting corpus through the cache equals reading every file; returns how many
    /// sessions the cache path read from their files.
    fn same_as_reading(store: &Store, blind: Option<&str>) -> usize {
        let mut ws = Workspace::new(store, blind.unwrap_or("Ana Peña"));
        ws.set_blind(blind.is_some());
        let full = Corpus::load(&ws, &Scope::default()).unwrap();
        let scan = store.scan();
        let got = load_counts_at(store, &scan.sessions, blind, LATER).unwrap();
        let mut fast = Corpus::build_from(
            full.codebook.clone(),
            full.project_start,
            got.sessions,
            got.codings,
        );
        fast.warnings = scan.problems.iter().map(|p| p.to_string()).collect();
        fast.warnings.extend(got.warnings);
        assert_eq!(shape(&fast), shape(&full));
        got.read
    }

    #[test]
    fn counts_from_the_cache_are_those_of_reading_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let (store, ids) = store(root);
        // Files written a moment ago are racy: read, not cached.
        let scan = store.scan();
        let got = load_counts_at(&store, &scan.sessions, None, 0).unwrap();
        assert_eq!(got.read, 12);
        assert!(!path(&store).exists());
        assert_eq!(same_as_reading(&store, None), 12);
        assert!(path(&store).exists());
        assert_eq!(same_as_reading(&store, None), 0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path(&store))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "the cache is private");
        }
        let bytes = std::fs::read(path(&store)).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("café"),
            "no words of a note"
        );

        // A note edited so that some codings are orphaned and others move.
        let mut s = store.load(&ids[1]).unwrap();
        s.text = format!("New start. {}", &s.text[20..]);
        store.save(&s).unwrap();
        // A note renamed (its title is in its file name), its words unchanged.
        let mut s = store.load(&ids[2]).unwrap();
        let before = store.session_path(&ids[2]);
        s.meta.title = "Another title".into();
        store.save(&s).unwrap();
        assert_ne!(store.session_path(&ids[2]), before, "the file name changed");
        // A codings file rewritten with one coding fewer, one removed, one damaged.
        let text = store.load_note(&ids[4]).unwrap();
        code(root, &text, &ids[4], CODERS[0], &[(0, 2)]);
        let file_of = |c: &str, id: &SessionId| coding_store::file_path(root, c, id);
        std::fs::remove_file(file_of(CODERS[1], &ids[5])).unwrap();
        std::fs::write(file_of(CODERS[0], &ids[7]), "{ not json").unwrap();
        // A session deleted, one added.
        std::fs::remove_file(store.session_path(&ids[8])).unwrap();
        let mut meta = SessionMeta::new_today("Mara");
        meta.id = SessionId::new();
        let text = "Added later, with trust.";
        let added = store.create(meta, text).unwrap().meta.id;
        code(root, text, &added, CODERS[1], &[(0, 5)]);

        assert_eq!(
            same_as_reading(&store, None),
            5,
            "the edited and renamed notes, the rewritten and damaged files, the new session"
        );
        // The damaged file is read (and reported) every time; the rest is cached again.
        assert_eq!(same_as_reading(&store, None), 1);

        // Blind: only the coder's own codings, from the cache as from the files.
        assert_eq!(same_as_reading(&store, Some(CODERS[1])), 1);
        let scan = store.scan();
        let got = load_counts_at(&store, &scan.sessions, Some(CODERS[1]), LATER).unwrap();
        assert!(got.codings.iter().all(|c| c.coder == CODERS[1]));
        assert!(!got.codings.is_empty());

        // A damaged cache is ignored and rewritten.
        let bytes = std::fs::read(path(&store)).unwrap();
        std::fs::write(path(&store), &bytes[..bytes.len() / 2]).unwrap();
        assert_eq!(same_as_reading(&store, None), 12);
        assert_eq!(same_as_reading(&store, None), 1);
        assert!(codings_dir(root).exists());
    }

    #[test]
    fn the_cache_file_round_trips_and_refuses_damage() {
        let key = FileKey {
            len: 10,
            mtime_ns: -5,
            ctime_ns: 7,
            ino: 9,
        };
        let mut cache = Cache::default();
        cache.files.entry("ana-pena".into()).or_default().insert(
            "a".into(),
            Entry {
                note: key,
                file: FileKey { ino: 3, ..key },
                coder: "Ana Peña".into(),
                marks: vec![("trust".into(), 0, 4), ("信任".into(), 2, 9)],
            },
        );
        assert_round_trip(&encode(&cache), decode, cache);
    }
}
