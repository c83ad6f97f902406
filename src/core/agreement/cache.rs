//! What the agreement figures need of each session, kept between runs in
//! `.ripple/agreement-cache`, so that `ripple agree` does not read and parse every note and
//! codings file again.
//!
//! The figures (not the disagreements, which show the words) need of a session only its length
//! in code points, its paragraphs, and each coder's comparable codings as `(theme, start, end)`
//! after re-attaching them to the note ([`super::load`]), plus how many were orphaned. Those are
//! cached per note and per codings file, each entry keyed by the [`FileKey`] (size, mtime,
//! ctime, inode) of the files it was made from: a coder's entry by its codings file's key and
//! the note's key, since re-attaching depends on both. A run looks at every file's metadata
//! (a `stat`, no read) and re-reads a session the straightforward way when any key differs,
//! when a file has no entry, or when an entry's key was "racy" when it was made (see
//! [`FileKey::is_racy`]: a change within the same clock tick could keep the key). The answer
//! is therefore always that of reading every file; the cache only saves the reading.
//!
//! The file holds theme keys and offsets, never the words of a note, and is private (0600)
//! like every file Ripple writes. A damaged or unreadable cache is ignored and rewritten; one
//! that cannot be written (a read-only store) only makes the next run read the files again.
//!
//! Format (little-endian): `RPLAGRC1`, then the themes (`u32` count, each a `u32`-length UTF-8
//! string), the notes (`u32` count; each: id, note key, chars `u64`, paragraphs as a `u32`
//! count of `u64` pairs), the codings (`u32` count; each: coder slug, session id, note key,
//! file key, orphans `u32`, marks as a `u32` count of (theme `u32`, start `u64`, end `u64`)).
//! Strings are a `u32` length and bytes; a key is `len`, `mtime_ns`, `ctime_ns`, `ino` (8
//! bytes each).

use super::read::{load_one, orphan_warning, One};
use super::{comparable, prepare_marks, tally_report, units, Options, Report, Size, ThemeMap};
use crate::core::atomic::{atomic_write_in, create_private_dir_in};
use crate::core::codebook::Codebook;
use crate::core::coding::AnchorStatus;
use crate::core::coding_store::codings_dir;
use crate::core::file_key::{now_ns, FileKey};
use crate::core::parallel::parallel_map;
use crate::core::session::SessionId;
use crate::core::session_file::is_valid_id;
use crate::core::store::Store;
use std::collections::HashMap;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

const MAGIC: &[u8; 8] = b"RPLAGRC1";

/// One compared session as the figures see it.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub session: SessionId,
    /// The note's length in code points.
    pub chars: usize,
    /// [`units::paragraphs`] of the note.
    pub paragraphs: Vec<(usize, usize)>,
    /// Per compared coder, their comparable codings (attached, not empty): theme, start, end.
    pub codings: Vec<Vec<Mark>>,
}

/// A comparable coding: its theme (as the coder wrote it) and span in code points.
pub type Mark = (Arc<str>, usize, usize);

impl Measured {
    pub(crate) fn marks(&self) -> Vec<Vec<(&str, usize, usize)>> {
        self.codings
            .iter()
            .map(|cs| cs.iter().map(|(t, s, e)| (&**t, *s, *e)).collect())
            .collect()
    }
}

/// The figures of sessions already measured ([`load_measured`]): the same as [`super::compare`] on the
/// sessions they were measured from.
pub(crate) fn compare_measured(
    sessions: &[Measured],
    coders: &[String],
    codebook: &Codebook,
    opts: &Options,
) -> Report {
    let map = ThemeMap::new(codebook, opts.roll_up);
    let prepared = prepare_marks(sessions.iter().map(Measured::marks), &map, opts);
    let sizes = sessions.iter().map(|s| Size::Known {
        chars: s.chars,
        paragraphs: &s.paragraphs,
    });
    tally_report(sizes, prepared, coders, opts)
}

#[derive(Clone, Debug, PartialEq)]
struct NoteEntry {
    key: FileKey,
    chars: usize,
    paragraphs: Vec<(usize, usize)>,
}

#[derive(Clone, Debug, PartialEq)]
struct CodingsEntry {
    note: FileKey,
    file: FileKey,
    orphans: usize,
    marks: Vec<Mark>,
}

#[derive(Debug, Default, PartialEq)]
struct Cache {
    /// By session id.
    notes: HashMap<String, NoteEntry>,
    /// By coder slug, then session id.
    codings: HashMap<String, HashMap<String, CodingsEntry>>,
}

/// Where the cache of `store` is.
pub fn path(store: &Store) -> PathBuf {
    store.root().join(".ripple").join("agreement-cache")
}

/// What reading one session gave.
enum Got {
    Gone,
    Problem(String),
    Session {
        measured: Measured,
        orphans: usize,
        /// Entries made by reading the files (none when the cache answered).
        fresh: Option<Fresh>,
    },
}

/// Cache entries made by reading a session's files: the note's (when its key is not racy) and
/// each coder's (by index among the compared coders).
type Fresh = (Option<NoteEntry>, Vec<(usize, CodingsEntry)>);

/// What [`load_measured`] read.
#[derive(Debug, Default)]
pub struct MeasuredLoad {
    pub sessions: Vec<Measured>,
    /// The same warnings as [`super::load::load`]'s.
    pub warnings: Vec<String>,
    /// How many sessions were read from their files (the rest came from the cache).
    pub read: usize,
}

/// Like [`super::load::load`] for the coders with folders `slugs`, but only what the figures
/// need, from the cache where the files have not changed.
pub fn load_measured(store: &Store, slugs: &[&str], ids: &[SessionId]) -> MeasuredLoad {
    load_measured_at(store, slugs, ids, 0)
}

/// [`load_measured`] with the clock moved on by `skew_ns` (tests: files written a moment ago
/// are then old enough to cache, or put back so that every file is too recent).
pub(crate) fn load_measured_at(
    store: &Store,
    slugs: &[&str],
    ids: &[SessionId],
    skew_ns: i64,
) -> MeasuredLoad {
    let cache_path = path(store);
    let cache = std::fs::read(&cache_path)
        .ok()
        .and_then(|b| decode(&b))
        .unwrap_or_default();
    let root = store.root();
    let dirs: Vec<PathBuf> = slugs.iter().map(|s| codings_dir(root).join(s)).collect();
    let got = parallel_map(ids, |id| one(store, slugs, &dirs, &cache, id, skew_ns));

    let mut loaded = MeasuredLoad::default();
    let mut measured = Vec::with_capacity(got.len());
    let mut orphans = 0;
    let mut read = 0;
    let mut next = cache;
    let mut changed = false;
    for (id, g) in ids.iter().zip(got) {
        match g {
            Got::Gone => {
                changed |= next.notes.remove(id.as_str()).is_some();
                for per in next.codings.values_mut() {
                    changed |= per.remove(id.as_str()).is_some();
                }
            }
            Got::Problem(p) => {
                read += 1;
                loaded.warnings.push(p);
            }
            Got::Session {
                measured: m,
                orphans: o,
                fresh,
            } => {
                orphans += o;
                if let Some((note, entries)) = fresh {
                    read += 1;
                    if let Some(note) = note {
                        next.notes.insert(id.as_str().to_string(), note);
                        changed = true;
                    }
                    for (c, entry) in entries {
                        next.codings
                            .entry(slugs[c].to_string())
                            .or_default()
                            .insert(id.as_str().to_string(), entry);
                        changed = true;
                    }
                }
                measured.push(m);
            }
        }
    }
    if orphans > 0 {
        loaded.warnings.push(orphan_warning(orphans));
    }
    loaded.sessions = measured;
    loaded.read = read;
    if changed && !store.is_read_only() {
        // Only a cache: when it cannot be written, the next run reads the files again.
        let _ = write(store, &cache_path, &encode(&next));
    }
    loaded
}

pub(crate) fn write(store: &Store, path: &std::path::Path, bytes: &[u8]) -> io::Result<()> {
    let root = store.root();
    if let Some(dir) = path.parent() {
        create_private_dir_in(root, dir)?;
    }
    atomic_write_in(root, path, bytes)
}

/// A file's key, `None` when there is no file; `Err` for any other failure to look.
pub(crate) fn key_of(path: &std::path::Path) -> Result<Option<FileKey>, ()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(Some(FileKey::of(&m))),
        Ok(_) => Err(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(_) => Err(()),
    }
}

fn one(
    store: &Store,
    slugs: &[&str],
    dirs: &[PathBuf],
    cache: &Cache,
    id: &SessionId,
    skew_ns: i64,
) -> Got {
    let slow = || read_files(store, slugs, id, None, &[], skew_ns);
    // Ids the store would refuse, and files that cannot be looked at, go the straightforward
    // way, which says what is wrong.
    if !is_valid_id(id.as_str()) {
        return slow();
    }
    let note_key = match key_of(&store.session_path(id)) {
        Ok(Some(k)) => k,
        Ok(None) => return Got::Gone,
        Err(()) => return slow(),
    };
    let mut file_keys = Vec::with_capacity(slugs.len());
    for d in dirs {
        match key_of(&d.join(format!("{}.json", id.as_str()))) {
            Ok(k) => file_keys.push(k),
            Err(()) => return slow(),
        }
    }
    let cached = (|| {
        let note = cache.notes.get(id.as_str()).filter(|n| n.key == note_key)?;
        let mut codings = Vec::with_capacity(slugs.len());
        let mut orphans = 0;
        for (slug, key) in slugs.iter().zip(&file_keys) {
            match key {
                None => codings.push(Vec::new()),
                Some(key) => {
                    let e = cache
                        .codings
                        .get(*slug)?
                        .get(id.as_str())
                        .filter(|e| e.file == *key && e.note == note_key)?;
                    orphans += e.orphans;
                    codings.push(e.marks.clone());
                }
            }
        }
        Some(Got::Session {
            measured: Measured {
                session: id.clone(),
                chars: note.chars,
                paragraphs: note.paragraphs.clone(),
                codings,
            },
            orphans,
            fresh: None,
        })
    })();
    cached.unwrap_or_else(|| read_files(store, slugs, id, Some(note_key), &file_keys, skew_ns))
}

/// Read the session's files as [`super::load::load`] does, and make cache entries for the
/// files whose keys (taken before reading) are not racy.
fn read_files(
    store: &Store,
    slugs: &[&str],
    id: &SessionId,
    note_key: Option<FileKey>,
    file_keys: &[Option<FileKey>],
    skew_ns: i64,
) -> Got {
    let now = now_ns().saturating_add(skew_ns);
    let (s, orphans) = match load_one(store, slugs, id) {
        One::Gone => return Got::Gone,
        One::Problem(p) => return Got::Problem(p),
        One::Session(s, o) => (s, o),
    };
    let measured = measure(&s);
    let note_key = note_key.filter(|k| !k.is_racy(now));
    let note = note_key.map(|key| NoteEntry {
        key,
        chars: measured.chars,
        paragraphs: measured.paragraphs.clone(),
    });
    let mut entries = Vec::new();
    if let Some(note_key) = note_key {
        for (c, key) in file_keys.iter().enumerate() {
            let Some(key) = key.filter(|k| !k.is_racy(now)) else {
                continue;
            };
            entries.push((
                c,
                CodingsEntry {
                    note: note_key,
                    file: key,
                    orphans: s.codings[c]
                        .iter()
                        .filter(|k| k.status == AnchorStatus::Orphaned)
                        .count(),
                    marks: measured.codings[c].clone(),
                },
            ));
        }
    }
    Got::Session {
        measured,
        orphans,
        fresh: Some((note, entries)),
    }
}

/// What the figures need of a session read from its files.
pub fn measure(s: &super::SessionCodings) -> Measured {
    let mut themes: HashMap<&str, Arc<str>> = HashMap::new();
    Measured {
        session: s.session.clone(),
        chars: s.text.chars().count(),
        paragraphs: units::paragraphs(&s.text),
        codings: s
            .codings
            .iter()
            .map(|cs| {
                cs.iter()
                    .filter(|c| comparable(c))
                    .map(|c| {
                        let t = themes
                            .entry(&c.theme)
                            .or_insert_with(|| Arc::from(c.theme.as_str()))
                            .clone();
                        (t, c.start, c.end)
                    })
                    .collect()
            })
            .collect(),
    }
}

// ---- the file ----

pub(crate) struct Out {
    pub(crate) bytes: Vec<u8>,
    pub(crate) themes: HashMap<Arc<str>, u32>,
}

impl Out {
    /// An empty file that starts with `magic`.
    pub(crate) fn new(magic: &[u8]) -> Out {
        Out {
            bytes: magic.to_vec(),
            themes: HashMap::new(),
        }
    }
    pub(crate) fn u32(&mut self, v: usize) {
        self.bytes
            .extend_from_slice(&u32::try_from(v).unwrap_or(u32::MAX).to_le_bytes());
    }
    pub(crate) fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn str(&mut self, s: &str) {
        self.u32(s.len());
        self.bytes.extend_from_slice(s.as_bytes());
    }
    pub(crate) fn key(&mut self, k: &FileKey) {
        self.u64(k.len);
        self.u64(k.mtime_ns as u64);
        self.u64(k.ctime_ns as u64);
        self.u64(k.ino);
    }
}

fn encode(cache: &Cache) -> Vec<u8> {
    // Theme table first: every theme of every entry.
    let mut table: Vec<Arc<str>> = Vec::new();
    let mut out = Out {
        bytes: Vec::new(),
        themes: HashMap::new(),
    };
    for per in cache.codings.values() {
        for e in per.values() {
            for (t, _, _) in &e.marks {
                if !out.themes.contains_key(t) {
                    out.themes.insert(t.clone(), table.len() as u32);
                    table.push(t.clone());
                }
            }
        }
    }
    out.bytes.extend_from_slice(MAGIC);
    out.u32(table.len());
    for t in &table {
        out.str(t);
    }
    out.u32(cache.notes.len());
    for (id, n) in &cache.notes {
        out.str(id);
        out.key(&n.key);
        out.u64(n.chars as u64);
        out.u32(n.paragraphs.len());
        for &(s, e) in &n.paragraphs {
            out.u64(s as u64);
            out.u64(e as u64);
        }
    }
    let count: usize = cache.codings.values().map(HashMap::len).sum();
    out.u32(count);
    for (slug, per) in &cache.codings {
        for (id, e) in per {
            out.str(slug);
            out.str(id);
            out.key(&e.note);
            out.key(&e.file);
            out.u32(e.orphans);
            out.u32(e.marks.len());
            for (t, s, end) in &e.marks {
                let ti = out.themes[t] as usize;
                out.u32(ti);
                out.u64(*s as u64);
                out.u64(*end as u64);
            }
        }
    }
    out.bytes
}

pub(crate) struct In<'a> {
    pub(crate) b: &'a [u8],
}

impl<'a> In<'a> {
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.b.len() < n {
            return None;
        }
        let (h, t) = self.b.split_at(n);
        self.b = t;
        Some(h)
    }
    pub(crate) fn u32(&mut self) -> Option<usize> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize)
    }
    pub(crate) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    pub(crate) fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }
    pub(crate) fn str(&mut self) -> Option<&'a str> {
        let n = self.u32()?;
        std::str::from_utf8(self.take(n)?).ok()
    }
    pub(crate) fn key(&mut self) -> Option<FileKey> {
        Some(FileKey {
            len: self.u64()?,
            mtime_ns: self.u64()? as i64,
            ctime_ns: self.u64()? as i64,
            ino: self.u64()?,
        })
    }
    /// A count of items at least `min` bytes each, refused when the rest cannot hold them (a
    /// damaged count must not make a huge allocation).
    pub(crate) fn count(&mut self, min: usize) -> Option<usize> {
        let n = self.u32()?;
        (n.saturating_mul(min) <= self.b.len()).then_some(n)
    }
}

fn decode(bytes: &[u8]) -> Option<Cache> {
    let mut r = In { b: bytes };
    if r.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let n = r.count(4)?;
    let mut table: Vec<Arc<str>> = Vec::with_capacity(n);
    for _ in 0..n {
        table.push(Arc::from(r.str()?));
    }
    let mut cache = Cache::default();
    let n = r.count(4 + 32 + 8 + 4)?;
    cache.notes.reserve(n);
    for _ in 0..n {
        let id = r.str()?.to_string();
        let key = r.key()?;
        let chars = r.usize()?;
        let np = r.count(16)?;
        let mut paragraphs = Vec::with_capacity(np);
        for _ in 0..np {
            paragraphs.push((r.usize()?, r.usize()?));
        }
        cache.notes.insert(
            id,
            NoteEntry {
                key,
                chars,
                paragraphs,
            },
        );
    }
    let n = r.count(4 + 4 + 64 + 8)?;
    for _ in 0..n {
        let slug = r.str()?;
        let id = r.str()?.to_string();
        let note = r.key()?;
        let file = r.key()?;
        let orphans = r.u32()?;
        let nm = r.count(20)?;
        let mut marks = Vec::with_capacity(nm);
        for _ in 0..nm {
            let t = table.get(r.u32()?)?.clone();
            marks.push((t, r.usize()?, r.usize()?));
        }
        let entry = CodingsEntry {
            note,
            file,
            orphans,
            marks,
        };
        put(&mut cache.codings, slug, id, entry);
    }
    r.b.is_empty().then_some(cache)
}

/// Insert `entry` under `outer`, then `id` (no key copied when `outer` is there already).
pub(crate) fn put<E>(
    map: &mut HashMap<String, HashMap<String, E>>,
    outer: &str,
    id: String,
    entry: E,
) {
    let per = match map.get_mut(outer) {
        Some(p) => p,
        None => map.entry(outer.to_string()).or_default(),
    };
    per.insert(id, entry);
}

/// Tests: `bytes` decode to `want`, and every cut of them, or one byte more, is refused.
#[cfg(test)]
pub(crate) fn assert_round_trip<T: PartialEq + std::fmt::Debug>(
    bytes: &[u8],
    decode: impl Fn(&[u8]) -> Option<T>,
    want: T,
) {
    assert_eq!(decode(bytes), Some(want));
    for cut in 0..bytes.len() {
        assert_eq!(decode(&bytes[..cut]), None, "cut at {cut}");
    }
    let mut longer = bytes.to_vec();
    longer.push(0);
    assert_eq!(decode(&longer), None);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::agreement::done;
    use crate::core::agreement::load::{coders, load, session_ids, SessionChoice};
    use crate::core::agreement::{compare, Unit};
    use crate::core::codebook::{Codebook, Theme};
    use crate::core::coding::CoderSessionFile;
    use crate::core::coding_store::{self, new_coding};
    use crate::core::file_key::RACY_NS;
    use crate::core::session::SessionMeta;

    const CODERS: [&str; 2] = ["Ana Peña", "Luis Ortiz"];
    const THEMES: [&str; 4] = ["trust", "communication", "roles", "early-trust"];
    const LINES: [&str; 10] = [
        "",
        "   ",
        "\t \u{3000}",
        "We met at La Casa and talked about trust.",
        "信任慢慢建立起来了。她说：下次再来。",
        "👩‍👧 came together 🎉, café after school.",
        "Mum said the plan feels fair.",
        "Ça va mieux depuis la réunion.",
        "Dad was late again; we agreed on texts.",
        " indented line with trailing spaces   ",
    ];

    use crate::core::test_rng::Rng;

    fn book() -> Codebook {
        let mut book = Codebook::builtin();
        let mut child = Theme::new("early-trust", "Early trust", "#1f8fd6");
        child.parent = Some("trust".into());
        book.add(child).unwrap();
        book
    }

    /// A store of notes with blank and whitespace-only lines, CJK, emoji and accents, some
    /// saved with CRLF line endings, coded by two coders (one of them sometimes not at all),
    /// every session marked done by both.
    fn generated(root: &std::path::Path, n: usize) -> Store {
        let store = Store::open(root).unwrap();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for i in 0..n {
            let lines: Vec<&str> = (0..rng.below(14)).map(|_| LINES[rng.below(10)]).collect();
            let text = lines.join("\n");
            let mut meta = SessionMeta::new_today("Mara");
            meta.id = SessionId::new();
            let id = meta.id.clone();
            store.create(meta, &text).unwrap();
            if i % 3 == 0 {
                let p = store.session_path(&id);
                let raw = std::fs::read_to_string(&p).unwrap();
                std::fs::write(&p, raw.replace('\n', "\r\n")).unwrap();
            }
            let len = text.chars().count();
            for (c, coder) in CODERS.iter().enumerate() {
                done::set(root, coder, &id, true).unwrap();
                if len == 0 || (i + c) % 5 == 0 {
                    continue; // nothing coded: still units for "neither"
                }
                let codings = (0..rng.below(5))
                    .filter_map(|_| {
                        let s = rng.below(len);
                        let e = s + 1 + rng.below(len - s);
                        let theme = THEMES[rng.below(THEMES.len())];
                        new_coding(&text, &id, s, e, theme, coder, "").ok()
                    })
                    .collect();
                let file = CoderSessionFile {
                    session: id.clone(),
                    coder: coder.to_string(),
                    memo: String::new(),
                    codings,
                };
                coding_store::save(root, &file).unwrap();
            }
        }
        store
    }

    fn options() -> Vec<Options> {
        let mut all = Vec::new();
        for unit in [Unit::Char, Unit::Paragraph, Unit::Segment] {
            for roll_up in [false, true] {
                for themes in [vec![], vec!["trust".to_string(), "roles".to_string()]] {
                    all.push(Options {
                        unit,
                        roll_up,
                        themes,
                        ..Options::default()
                    });
                }
            }
        }
        all
    }

    /// Every figure from the cache path equals reading every file, and the warnings too.
    /// Returns how many sessions the cache path read from their files.
    fn same_as_reading(store: &Store, skew: i64) -> usize {
        let (cs, _) = coders(store.root());
        let (ids, _) = session_ids(store, &cs, SessionChoice::Done, None);
        let names: Vec<String> = cs.iter().map(|c| c.name.clone()).collect();
        let slugs: Vec<&str> = cs.iter().map(|c| c.slug.as_str()).collect();
        let straight = load(store, &cs, &ids);
        let fast = load_measured_at(store, &slugs, &ids, skew);
        assert_eq!(fast.warnings, straight.warnings);
        let expected: Vec<Measured> = straight.sessions.iter().map(measure).collect();
        assert_eq!(fast.sessions, expected);
        for opts in options() {
            let want: Report = compare(&straight.sessions, &names, &book(), &opts);
            let got = compare_measured(&fast.sessions, &names, &book(), &opts);
            assert_eq!(got, want, "{opts:?}");
        }
        fast.read
    }

    #[test]
    fn figures_from_the_cache_are_those_of_reading_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let store = generated(root, 60);
        let (cs, _) = coders(root);
        let (ids, _) = session_ids(&store, &cs, SessionChoice::Done, None);
        assert_eq!(ids.len(), 60);
        let later = RACY_NS + 1_000_000_000;

        // Files written moments before a look are racy: read, and not cached (the clock is
        // put a day back so that however long the writing took, every file is that recent).
        assert_eq!(same_as_reading(&store, -86_400 * 1_000_000_000), 60);
        assert!(!path(&store).exists());
        // Once they are old enough: read once, then answered from the cache.
        assert_eq!(same_as_reading(&store, later), 60);
        assert!(path(&store).exists());
        assert_eq!(same_as_reading(&store, later), 0);

        // A note edited so its codings are orphaned and its paragraphs change (CRLF written).
        let edited = ids[1].clone();
        let mut s = store.load(&edited).unwrap();
        s.text = "New words.\n\n  \nMore 🎉.".into();
        store.save(&s).unwrap();
        let p = store.session_path(&edited);
        let raw = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, raw.replace('\n', "\r\n")).unwrap();
        // A codings file rewritten, one removed, one damaged.
        let slug = &cs[0].slug;
        let file_of = |id: &SessionId| {
            codings_dir(root)
                .join(slug)
                .join(format!("{}.json", id.as_str()))
        };
        let with_file = |r: std::ops::Range<usize>| {
            ids[r]
                .iter()
                .find(|id| file_of(id).exists())
                .unwrap()
                .clone()
        };
        let rewritten = with_file(8..20);
        let mut f = coding_store::read_file(&file_of(&rewritten)).unwrap();
        f.codings.push(
            new_coding(
                &store.load_note(&rewritten).unwrap(),
                &rewritten,
                0,
                1,
                "roles",
                CODERS[0],
                "",
            )
            .unwrap(),
        );
        coding_store::save(root, &f).unwrap();
        std::fs::remove_file(file_of(&with_file(21..40))).unwrap();
        std::fs::write(file_of(&with_file(41..60)), "{ not json").unwrap();
        // A session deleted after both marked it done.
        std::fs::remove_file(store.session_path(&ids[7])).unwrap();

        let read = same_as_reading(&store, later);
        // A removed file needs no reading: that coder coded nothing there.
        assert_eq!(
            read, 3,
            "the edited note, the rewritten and the damaged file"
        );
        // The damaged file is read (and reported) every time; the rest is cached again.
        assert_eq!(same_as_reading(&store, later), 1);

        // A damaged cache is ignored and rewritten.
        let bytes = std::fs::read(path(&store)).unwrap();
        std::fs::write(path(&store), &bytes[..bytes.len() / 2]).unwrap();
        assert_eq!(
            same_as_reading(&store, later),
            59,
            "every session but the deleted one"
        );
        assert_eq!(same_as_reading(&store, later), 1);
    }

    #[test]
    fn the_cache_file_round_trips_and_refuses_damage() {
        let t: Arc<str> = Arc::from("trust");
        let key = FileKey {
            len: 10,
            mtime_ns: -5,
            ctime_ns: 7,
            ino: 9,
        };
        let mut cache = Cache::default();
        cache.notes.insert(
            "a".into(),
            NoteEntry {
                key,
                chars: 12,
                paragraphs: vec![(0, 3), (5, 12)],
            },
        );
        cache.codings.entry("ana".into()).or_default().insert(
            "a".into(),
            CodingsEntry {
                note: key,
                file: FileKey { ino: 3, ..key },
                orphans: 1,
                marks: vec![(t.clone(), 0, 4), (Arc::from("信任"), 2, 9), (t, 5, 6)],
            },
        );
        assert_round_trip(&encode(&cache), decode, cache);
    }
}
