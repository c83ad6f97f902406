//! What counting (matrices and co-occurrence without a query) needs of each coder's codings
//! file, kept between runs in `.ripple/analysis-cache`, so that `ripple matrix` and
//! `ripple cooccur` read neither the notes nor the codings files that have not changed.
//!
//! A session's metadata comes from the store's catalog (`Store::scan`). Of each session the
//! cache keeps a record: the note's [`FileKey`] (size, mtime, ctime, inode) and, for each coder
//! folder holding a codings file of the session, that file's key, the coder's name as the file
//! writes it and its codings still attached to the note and not empty, as `(theme, start,
//! end)` — offsets and theme keys, never the words of a note or a memo. A coder folder with no
//! file of the session is said by its absence from the record. A record is made only when
//! every key in it is settled (not racy, `FileKey::is_racy`: older than the clock's tick when
//! it was taken), and when every file of the session could be read.
//!
//! A run checks a record against the files without reading them:
//!
//! - the note's key against the one the scan took (the scan's own `stat` of each note, so no
//!   note is looked at twice);
//! - in each coder folder, the session's codings file: `stat`ed and its key compared with the
//!   record's (a file there and none in the record, or the other way round, is a change).
//!
//! Every codings file is looked at, every run: a file rewritten *in place* (opened for writing
//! and truncated, as a script's `open(path, "w")`, `echo > file` and some editors do) changes
//! its own key but not its folder's, so a folder's key cannot stand for its files. Any
//! difference in a note's or a file's key, a missing record, or a racy key makes the session
//! be read the straightforward way (as `Corpus::load` reads it), and its record made again.
//! The folders' keys are taken all the same, before any file is looked at, for the counts
//! snapshot (`CountsLoad::folders`): it needs them to know no file was added or removed.
//!
//! Every coder's files are cached; a blind workspace takes only its own coder's entries. The
//! file is private (0600) inside `.ripple/`, like every file Ripple writes; a damaged cache is
//! ignored and rewritten, and one that cannot be written only makes the next run read again.
//!
//! Format (little-endian): `RPLANAC3`; the coder folders' names (`u32` count of strings); the
//! theme keys (`u32` count of strings); the coder names (`u32` count of
//! strings); the records (`u32` count, each: session id, note key, `u32` count of files, each:
//! `u32` folder index, file key, `u32` coder index, `u32` count of (`u32` theme index, start
//! `u64`, end `u64`), `u32` count of orphaned codings). Strings are a `u32` length and UTF-8
//! bytes; a key is four `u64`s.
//! Records are written in the scan's order, so a run finds each by position.

use crate::core::agreement::cache::{key_of, write, In, Out};
use crate::core::analysis::IndexedCoding;
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

const MAGIC: &[u8; 8] = b"RPLANAC3";

/// One codings file of a session, as cached.
#[derive(Clone, Debug, PartialEq)]
struct FileEntry {
    /// Index into `Cache::folders`.
    folder: u32,
    key: FileKey,
    /// Index into `Cache::coders`.
    coder: u32,
    /// (index into `Cache::themes`, start, end).
    marks: Vec<(u32, usize, usize)>,
    /// How many of the file's codings are orphaned (their words are gone from the note).
    orphaned: u32,
}

/// One session: its note's key and its codings files (a folder not listed had none).
#[derive(Clone, Debug, PartialEq)]
struct Record {
    id: String,
    note: FileKey,
    files: Vec<FileEntry>,
}

#[derive(Debug, Default, PartialEq)]
struct Cache {
    /// Coder folder names (what `FileEntry::folder` indexes).
    folders: Vec<String>,
    themes: Vec<String>,
    coders: Vec<String>,
    records: Vec<Record>,
}

/// Where the analysis cache of `store` is.
pub fn path(store: &Store) -> PathBuf {
    store.root().join(".ripple").join("analysis-cache")
}

/// What [`load_counts`] read: sessions' metadata and codings by index into `coders` and
/// `themes` (for `Corpus::build_indexed`).
#[derive(Debug, Default)]
pub struct CountsLoad {
    pub sessions: Vec<SessionMeta>,
    pub codings: Vec<IndexedCoding>,
    /// The coders read (each with a codings file in scope).
    pub coders: Vec<String>,
    /// Theme keys the codings index.
    pub themes: Vec<String>,
    /// The same warnings reading every file gives.
    pub warnings: Vec<String>,
    /// How many sessions were read from their files (the rest came from the cache).
    pub read: usize,
    /// Every coder folder (name), with its key taken before any of its files was looked at,
    /// when that key was settled (`None` when racy or unknown).
    pub folders: Vec<(String, Option<FileKey>)>,
    /// Every codings file of the sessions read, as (index into `folders`, file name, its
    /// key as checked or read in this run when settled).
    pub files: Vec<(usize, String, Option<FileKey>)>,
    /// Orphaned codings (words gone from the note) of the coders taken: not counted, and
    /// said as the last warning.
    pub orphaned: usize,
}

/// A codings file read: its key (taken before reading; `None` when racy or unknown), coder
/// and attached marks.
struct ReadFile {
    folder: usize,
    key: Option<FileKey>,
    coder: String,
    marks: Vec<(String, usize, usize)>,
    orphaned: u32,
}

enum Got {
    Problem(String),
    /// Every file as the record at this index says.
    Hit(usize),
    Read {
        meta: Box<SessionMeta>,
        /// The note's key when settled.
        note: Option<FileKey>,
        files: Vec<ReadFile>,
        errors: Vec<String>,
        /// Codings files there that could not be read: (folder, key taken before trying,
        /// when settled). The snapshot must notice when one is mended in place.
        unread: Vec<(usize, Option<FileKey>)>,
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
    // The folders' keys first: a file changed after this changes its folder's key again.
    let now = now_ns().saturating_add(skew_ns);
    let folder_keys: Vec<Option<FileKey>> = dirs.iter().map(|d| FileKey::of_path(d)).collect();
    let cache_path = path(store);
    let cache = std::fs::read(&cache_path)
        .ok()
        .and_then(|b| decode(&b))
        .unwrap_or_default();
    // Each current folder's index in the cache.
    let cached_ix: Vec<Option<usize>> = names
        .iter()
        .map(|n| cache.folders.iter().position(|c| c == n))
        .collect();
    // Records by session id, for those not at their position (sessions added or removed).
    let by_id = std::sync::OnceLock::new();
    let find = |i: usize, id: &str| -> Option<usize> {
        if cache.records.get(i).is_some_and(|r| r.id == id) {
            return Some(i);
        }
        by_id
            .get_or_init(|| {
                cache
                    .records
                    .iter()
                    .enumerate()
                    .map(|(k, r)| (r.id.as_str(), k))
                    .collect::<HashMap<&str, usize>>()
            })
            .get(id)
            .copied()
    };
    let at: Vec<usize> = (0..summaries.len()).collect();
    let view = View {
        store,
        dirs: &dirs,
        cache: &cache,
        cached_ix: &cached_ix,
        now,
    };
    let got = parallel_map(&at, |&i| {
        let s = &summaries[i];
        view.one(s, find(i, s.meta.id.as_str()))
    });

    // The next cache: the same tables, grown by what was read (a folder new to the cache
    // too).
    let mut folders: Vec<String> = cache.folders.clone();
    let mut folder_ix: Vec<usize> = Vec::with_capacity(dirs.len());
    for (d, name) in names.iter().enumerate() {
        let ix = match cached_ix[d] {
            Some(c) => c,
            None => {
                folders.push(name.clone());
                folders.len() - 1
            }
        };
        folder_ix.push(ix);
    }
    let mut themes = cache.themes.clone();
    let mut theme_ix: HashMap<String, u32> = themes
        .iter()
        .enumerate()
        .map(|(i, t)| (t.clone(), i as u32))
        .collect();
    let mut coders = cache.coders.clone();
    let mut coder_ix: HashMap<String, u32> = coders
        .iter()
        .enumerate()
        .map(|(i, t)| (t.clone(), i as u32))
        .collect();
    let intern = |table: &mut Vec<String>, ix: &mut HashMap<String, u32>, s: &str| -> u32 {
        match ix.get(s) {
            Some(&i) => i,
            None => {
                let i = table.len() as u32;
                table.push(s.to_string());
                ix.insert(s.to_string(), i);
                i
            }
        }
    };

    let mut out = CountsLoad::default();
    let mut fresh: Vec<Record> = Vec::new();
    // The next cache's records, in the scan's order: kept ones by index, fresh ones apart.
    enum Next {
        Kept(usize),
        Fresh(usize),
    }
    let mut next: Vec<Next> = Vec::with_capacity(summaries.len());
    // A folder new to the cache matters once a record names it, which is a change itself.
    let mut changed = false;
    // Which coders' files count (blind: only the workspace's coder), by coder index.
    let mut takes: Vec<Option<bool>> = Vec::new();
    let mut coder_read: Vec<bool> = Vec::new();
    for (s, g) in summaries.iter().zip(got) {
        let (meta, src) = match g {
            Got::Problem(p) => {
                out.read += 1;
                out.warnings.push(p);
                continue;
            }
            Got::Hit(r) => {
                next.push(Next::Kept(r));
                ((*s.meta).clone(), Next::Kept(r))
            }
            Got::Read {
                meta,
                note,
                files,
                errors,
                unread,
            } => {
                out.read += 1;
                out.files.extend(
                    unread
                        .into_iter()
                        .map(|(d, key)| (d, file_name(meta.id.as_str()), key)),
                );
                out.warnings.extend(errors.iter().cloned());
                let settled =
                    errors.is_empty() && note.is_some() && files.iter().all(|f| f.key.is_some());
                let record = Record {
                    id: meta.id.as_str().to_string(),
                    note: note.unwrap_or_default(),
                    files: files
                        .iter()
                        .map(|f| FileEntry {
                            folder: folder_ix[f.folder] as u32,
                            key: f.key.unwrap_or_default(),
                            coder: intern(&mut coders, &mut coder_ix, &f.coder),
                            marks: f
                                .marks
                                .iter()
                                .map(|(t, a, b)| (intern(&mut themes, &mut theme_ix, t), *a, *b))
                                .collect(),
                            orphaned: f.orphaned,
                        })
                        .collect(),
                };
                fresh.push(record);
                if settled {
                    next.push(Next::Fresh(fresh.len() - 1));
                    changed = true;
                }
                (*meta, Next::Fresh(fresh.len() - 1))
            }
        };
        let record = match src {
            Next::Kept(r) => &cache.records[r],
            Next::Fresh(f) => &fresh[f],
        };
        let settled = |k: FileKey| Some(k).filter(|k| *k != FileKey::default());
        for f in &record.files {
            if let Some(d) = folder_ix.iter().position(|&ix| ix == f.folder as usize) {
                out.files.push((
                    d,
                    file_name(&record.id),
                    settled(f.key).filter(|k| !k.is_racy(now)),
                ));
            }
        }
        // The session's codings, folder by folder in the folders' order (as reading does).
        let session = out.sessions.len() as u32;
        for &ix in &folder_ix {
            let Some(f) = record.files.iter().find(|f| f.folder as usize == ix) else {
                continue;
            };
            let (coder, marks) = (f.coder, &f.marks);
            let c = coder as usize;
            if takes.len() <= c {
                takes.resize(c + 1, None);
                coder_read.resize(c + 1, false);
            }
            let take =
                *takes[c].get_or_insert_with(|| blind.is_none_or(|me| same_coder(me, &coders[c])));
            if !take {
                continue;
            }
            coder_read[c] = true;
            out.orphaned += f.orphaned as usize;
            out.codings
                .extend(marks.iter().map(|&(theme, start, end)| IndexedCoding {
                    session,
                    coder,
                    theme,
                    start,
                    end,
                }));
        }
        out.sessions.push(meta);
    }
    // Records of sessions gone, or not at their place, are dropped or moved.
    changed |= next.len() != cache.records.len();
    if changed && !store.is_read_only() {
        let records: Vec<&Record> = next
            .iter()
            .map(|n| match *n {
                Next::Kept(r) => &cache.records[r],
                Next::Fresh(f) => &fresh[f],
            })
            .collect();
        // Only a cache: when it cannot be written, the next run reads the files again.
        let _ = write(
            store,
            &cache_path,
            &encode(&folders, &themes, &coders, &records),
        );
    }
    // Only the coders read are listed: the codings' coder indices follow.
    let mut compact = vec![u32::MAX; coders.len()];
    for (c, name) in coders.into_iter().enumerate() {
        if coder_read.get(c).copied().unwrap_or(false) {
            compact[c] = out.coders.len() as u32;
            out.coders.push(name);
        }
    }
    for k in &mut out.codings {
        k.coder = compact[k.coder as usize];
    }
    out.warnings
        .extend(crate::core::analysis::orphaned_warning(out.orphaned));
    out.themes = themes;
    out.folders = names
        .into_iter()
        .zip(folder_keys)
        .map(|(n, k)| (n, k.filter(|k| !k.is_racy(now))))
        .collect();
    Some(out)
}

struct View<'a> {
    store: &'a Store,
    dirs: &'a [PathBuf],
    cache: &'a Cache,
    cached_ix: &'a [Option<usize>],
    now: i64,
}

fn file_name(id: &str) -> String {
    format!("{id}.json")
}

impl View<'_> {
    fn one(&self, summary: &SessionSummary, record: Option<usize>) -> Got {
        let meta = &*summary.meta;
        let id = meta.id.as_str();
        if !is_valid_id(id) {
            return self.read_files(meta, None);
        }
        let note = match summary.key {
            Some(k) => k,
            None => match key_of(&summary.path) {
                Ok(Some(k)) => k,
                _ => return self.read_files(meta, None),
            },
        };
        let Some(r) = record.filter(|&r| self.cache.records[r].note == note) else {
            return self.read_files(meta, Some(note));
        };
        let rec = &self.cache.records[r];
        for (d, dir) in self.dirs.iter().enumerate() {
            let claim = self.cached_ix[d]
                .and_then(|c| rec.files.iter().find(|f| f.folder as usize == c))
                .map(|f| f.key);
            match key_of(&dir.join(file_name(id))) {
                Ok(k) if k == claim => {}
                _ => return self.read_files(meta, Some(note)),
            }
        }
        Got::Hit(r)
    }

    /// Read the session's files as reading every file does (`Corpus::load`), with the keys
    /// of the note (`note`, from the scan) and of each file taken before reading.
    fn read_files(&self, meta: &SessionMeta, note: Option<FileKey>) -> Got {
        let session = match self.store.load(&meta.id) {
            Ok(s) => s,
            Err(e) => return Got::Problem(e.to_string()),
        };
        let id = session.meta.id.as_str();
        let mut files = Vec::new();
        let mut errors = Vec::new();
        let mut unread = Vec::new();
        for (d, dir) in self.dirs.iter().enumerate() {
            let p = dir.join(file_name(id));
            let key = key_of(&p);
            if !p.is_file() {
                continue;
            }
            let mut f = match read_file(&p) {
                Ok(f) => f,
                Err(e) => {
                    errors.push(e.to_string());
                    unread.push((d, key.ok().flatten().filter(|k| !k.is_racy(self.now))));
                    continue;
                }
            };
            reattach_all(&session.text, &mut f.codings);
            files.push(ReadFile {
                folder: d,
                key: key.ok().flatten().filter(|k| !k.is_racy(self.now)),
                marks: f
                    .codings
                    .iter()
                    .filter(|c| c.status != AnchorStatus::Orphaned && c.end > c.start)
                    .map(|c| (c.theme.clone(), c.start, c.end))
                    .collect(),
                orphaned: f
                    .codings
                    .iter()
                    .filter(|c| c.status == AnchorStatus::Orphaned)
                    .count() as u32,
                coder: f.coder,
            });
        }
        Got::Read {
            meta: Box::new(session.meta),
            note: note.filter(|k| !k.is_racy(self.now)),
            files,
            errors,
            unread,
        }
    }
}

fn encode(
    folders: &[String],
    themes: &[String],
    coders: &[String],
    records: &[&Record],
) -> Vec<u8> {
    let mut out = Out::new(MAGIC);
    for table in [folders, themes, coders] {
        out.u32(table.len());
        for t in table {
            out.str(t);
        }
    }
    out.u32(records.len());
    for r in records {
        out.str(&r.id);
        out.key(&r.note);
        out.u32(r.files.len());
        for f in &r.files {
            out.u32(f.folder as usize);
            out.key(&f.key);
            out.u32(f.coder as usize);
            out.u32(f.marks.len());
            for &(t, s, e) in &f.marks {
                out.u32(t as usize);
                out.u64(s as u64);
                out.u64(e as u64);
            }
            out.u32(f.orphaned as usize);
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
    for table in [&mut cache.folders, &mut cache.themes, &mut cache.coders] {
        let n = r.count(4)?;
        for _ in 0..n {
            table.push(r.str()?.to_string());
        }
    }
    let n = r.count(4 + 32 + 4)?;
    cache.records.reserve(n);
    for _ in 0..n {
        let id = r.str()?.to_string();
        let note = r.key()?;
        let nf = r.count(4 + 32 + 4 + 4 + 4)?;
        let mut files = Vec::with_capacity(nf);
        for _ in 0..nf {
            let folder = r.u32()?;
            let key = r.key()?;
            let coder = r.u32()?;
            if folder >= cache.folders.len() || coder >= cache.coders.len() {
                return None;
            }
            let nm = r.count(20)?;
            let mut marks = Vec::with_capacity(nm);
            for _ in 0..nm {
                let t = r.u32()?;
                if t >= cache.themes.len() {
                    return None;
                }
                marks.push((t as u32, r.usize()?, r.usize()?));
            }
            let orphaned = r.u32()? as u32;
            files.push(FileEntry {
                folder: folder as u32,
                key,
                coder: coder as u32,
                marks,
                orphaned,
            });
        }
        cache.records.push(Record { id, note, files });
    }
    r.b.is_empty().then_some(cache)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::agreement::cache::assert_round_trip;
    use crate::core::analysis::{Corpus, Scope};
    use crate::core::coding::CoderSessionFile;
    use crate::core::coding_store::{self, codings_dir, new_coding};
    use crate::core::file_key::RACY_NS;
    use crate::core::session::SessionId;
    use crate::core::workspace::Workspace;

    pub(crate) const CODERS: [&str; 2] = ["Ana Peña", "Luis Ortiz"];
    const THEMES: [&str; 3] = ["trust", "communication", "roles"];
    pub(crate) const LATER: i64 = RACY_NS + 1_000_000_000;

    pub(crate) fn code(
        root: &Path,
        text: &str,
        id: &SessionId,
        coder: &str,
        spans: &[(usize, usize)],
    ) {
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
    pub(crate) fn store(root: &Path) -> (Store, Vec<SessionId>) {
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

    pub(crate) type Shape = (
        Vec<String>,
        Vec<String>,
        Vec<String>,
        Vec<String>,
        Vec<String>,
    );

    /// What counting reads of a corpus: sessions' metadata, codings, coders, warnings.
    pub(crate) fn shape(c: &Corpus) -> Shape {
        (
            c.sessions
                .iter()
                .map(|s| {
                    format!(
                        "{} {} {} {} {:?} {:?} {} {:?}",
                        s.id,
                        s.date,
                        s.title,
                        s.county,
                        s.agencies,
                        s.session_type,
                        s.facilitator,
                        s.tags
                    )
                })
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
            c.themes
                .iter()
                .map(|t| {
                    format!(
                        "{} {} {} {:?} {}",
                        t.key, t.name, t.depth, t.parent, t.known
                    )
                })
                .collect(),
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
        let mut fast = Corpus::build_indexed(
            full.codebook.clone(),
            full.project_start,
            got.sessions,
            &got.coders,
            &got.themes,
            &got.codings,
        );
        fast.warnings = scan.problems.iter().map(|p| p.to_string()).collect();
        fast.warnings.extend(got.warnings);
        assert_eq!(shape(&fast), shape(&full));
        got.read
    }

    /// The tests move the clock on (`LATER`) so that keys taken milliseconds ago count as
    /// settled; a change must then fall in a later tick of the file system's clock (coarse on
    /// some: a few ms), as it does when the keys are really seconds old.
    /// Rewrite a file in place (same inode, its folder's entries unchanged), as an editor
    /// that saves by truncating does.
    pub(crate) fn rewrite_in_place(p: &Path, text: &str) {
        use std::io::Write;
        let mut f = std::fs::File::options()
            .write(true)
            .truncate(true)
            .open(p)
            .unwrap();
        f.write_all(text.as_bytes()).unwrap();
    }

    /// The file is readable by its owner alone (0600).
    pub(crate) fn assert_private(p: &Path) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(p).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{} is private", p.display());
        }
    }

    pub(crate) fn next_tick() {
        std::thread::sleep(std::time::Duration::from_millis(30));
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
        assert_private(&path(&store));
        let bytes = std::fs::read(path(&store)).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("café"),
            "no words of a note"
        );

        next_tick();
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
            6,
            "the edited and renamed notes, the rewritten, removed and damaged files, the new \
             session"
        );
        // The damaged file is read (and reported) every time; the rest is cached again.
        assert_eq!(same_as_reading(&store, None), 1);

        // Blind: only the coder's own codings, from the cache as from the files.
        assert_eq!(same_as_reading(&store, Some(CODERS[1])), 1);
        let scan = store.scan();
        let got = load_counts_at(&store, &scan.sessions, Some(CODERS[1]), LATER).unwrap();
        assert_eq!(got.coders, vec![CODERS[1].to_string()]);
        assert!(got.codings.iter().all(|c| c.coder == 0));
        assert!(!got.codings.is_empty());

        // A damaged cache is ignored and rewritten.
        let bytes = std::fs::read(path(&store)).unwrap();
        std::fs::write(path(&store), &bytes[..bytes.len() / 2]).unwrap();
        assert_eq!(same_as_reading(&store, None), 12);
        assert_eq!(same_as_reading(&store, None), 1);
        assert!(codings_dir(root).exists());
    }

    /// After each kind of change, in a random order (new, changed and removed codings files
    /// written by Ripple, a file removed by hand, renamed, edited, added and deleted notes),
    /// the counts through the cache are those of reading every file, and the next run reads
    /// nothing again.
    #[test]
    fn every_kind_of_change_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let (store, mut ids) = store(root);
        assert_eq!(same_as_reading(&store, None), 12);
        assert_eq!(same_as_reading(&store, None), 0);
        let mut rng = crate::core::test_rng::Rng(0x2545_f491_4f6c_dd1d);
        let mut below = |n: usize| rng.below(n);

        for step in 0..42 {
            next_tick();
            let id = ids[below(ids.len())].clone();
            let coder = CODERS[below(2)];
            let kind = step % 7;

            match kind {
                // A codings file written by Ripple: new, or changed (other spans).
                0 | 1 => {
                    let text = store.load_note(&id).unwrap();
                    let a = below(10);
                    let spans = [(a, a + 1 + below(8)), (12, 12 + below(9) + 1)];
                    code(root, &text, &id, coder, &spans[..1 + below(2)]);
                }
                // Removed: by Ripple (no codings left) or by hand.
                2 => {
                    if below(2) == 0 {
                        code(root, "", &id, coder, &[]);
                    } else {
                        let _ = std::fs::remove_file(coding_store::file_path(root, coder, &id));
                    }
                }
                // A note renamed (its title is in its file name).
                3 => {
                    let mut s = store.load(&id).unwrap();
                    s.meta.title = format!("Renamed {step}");
                    store.save(&s).unwrap();
                }
                // A note edited: words before the codings, so they move or are orphaned.
                4 => {
                    let mut s = store.load(&id).unwrap();
                    s.text = format!("Step {step}. {}", s.text);
                    store.save(&s).unwrap();
                }
                // A session added, coded by one coder.
                5 => {
                    let mut meta = SessionMeta::new_today("Mara");
                    meta.id = SessionId::new();
                    let text = format!("Added at step {step}, with trust and roles.");
                    let added = store.create(meta, &text).unwrap().meta.id;
                    code(root, &text, &added, coder, &[(0, 5), (9, 13)]);
                    ids.push(added);
                }
                // A note deleted (its codings files stay, as after a move by hand).
                _ => {
                    if ids.len() > 4 {
                        std::fs::remove_file(store.session_path(&id)).unwrap();
                        ids.retain(|x| *x != id);
                    }
                }
            }
            let read = same_as_reading(&store, None);
            assert!(read <= 1, "step {step}: one session changed, {read} read");
            assert_eq!(same_as_reading(&store, None), 0, "step {step}");
        }
    }

    /// A codings file rewritten in place by another program (the same inode, its folder's
    /// entries and times unchanged) is seen by the next count: every file is looked at.
    #[test]
    fn a_codings_file_rewritten_in_place_is_seen_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let (store, ids) = store(root);
        assert_eq!(same_as_reading(&store, None), 12);
        assert_eq!(same_as_reading(&store, None), 0);
        let p = coding_store::file_path(root, CODERS[0], &ids[3]);
        let folder = FileKey::of_path(p.parent().unwrap()).unwrap();
        let text = store.load_note(&ids[3]).unwrap();
        let mut other = CoderSessionFile {
            session: ids[3].clone(),
            coder: CODERS[0].to_string(),
            memo: String::new(),
            codings: vec![new_coding(&text, &ids[3], 8, 12, "roles", CODERS[0], "").unwrap()],
        };
        let counts = |store: &Store| {
            let scan = store.scan();
            let got = load_counts_at(store, &scan.sessions, None, LATER).unwrap();
            let mut marks: Vec<(String, usize, usize)> = got
                .codings
                .iter()
                .filter(|c| got.sessions[c.session as usize].id == ids[3])
                .filter(|c| got.coders[c.coder as usize] == CODERS[0])
                .map(|c| (got.themes[c.theme as usize].clone(), c.start, c.end))
                .collect();
            marks.sort();
            (marks, got.read)
        };
        for theme in ["roles", "trust"] {
            next_tick();
            other.codings[0].theme = theme.into();
            rewrite_in_place(&p, &coding_store::to_json(&other));
            assert_eq!(FileKey::of_path(p.parent().unwrap()).unwrap(), folder);
            let (marks, read) = counts(&store);
            assert_eq!((marks, read), (vec![(theme.to_string(), 8, 12)], 1));
            assert_eq!(same_as_reading(&store, None), 0);
        }
    }

    #[test]
    fn the_cache_file_round_trips_and_refuses_damage() {
        let key = FileKey {
            len: 10,
            mtime_ns: -5,
            ctime_ns: 7,
            ino: 9,
        };
        let cache = Cache {
            folders: vec!["ana-pena".into(), "luis".into()],
            themes: vec!["trust".into(), "信任".into()],
            coders: vec!["Ana Peña".into()],
            records: vec![
                Record {
                    id: "a".into(),
                    note: key,
                    files: vec![FileEntry {
                        folder: 1,
                        key: FileKey { ino: 3, ..key },
                        coder: 0,
                        marks: vec![(0, 0, 4), (1, 2, 9)],
                        orphaned: 2,
                    }],
                },
                Record {
                    id: "b".into(),
                    note: key,
                    files: Vec::new(),
                },
            ],
        };
        let records: Vec<&Record> = cache.records.iter().collect();
        let bytes = encode(&cache.folders, &cache.themes, &cache.coders, &records);
        assert_round_trip(&bytes, decode, cache);
    }
}
