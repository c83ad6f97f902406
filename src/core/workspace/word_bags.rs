//! Each note's bag of words (folded word form → occurrences, and the note's number of words),
//! kept between runs in `.ripple/word-bags`, so that `ripple keywords` and the analysis
//! screen's keywords do not split every note of the store into words each time
//! (docs/analysis.md, "Speed").
//!
//! A record is the bag of one session's note, with the note's [`FileKey`] (size, mtime,
//! ctime, inode) when the bag was made. A run takes a record only when the note's key, as
//! the run's read of the store took it (`Corpus::note_keys`: settled keys only, taken before
//! the note was read), is the record's; any other note is read and bagged again, and the
//! file rewritten. A note's key changes whenever the note is written in any way, so a record
//! is never the bag of words the note no longer holds.
//!
//! The words are those of `Corpus::bags` (the index's splitting and folding). The file holds
//! the bag of a fixed probe text as the rules made it when written: a Ripple whose rules
//! give another bag for the probe ignores the file and makes it again.
//!
//! The words of the notes are in this file (as they are in the search index): it is private
//! (0600) inside `.ripple/`, like every file Ripple writes. A damaged file is ignored and
//! rewritten; one that cannot be written only makes the next run bag the notes again.
//!
//! Format (little-endian): `RPLBAGS1`; the probe's bag (`u32` count, each: form, `u32`
//! count, sorted by form); the forms (`u32` count of strings); the records (`u32` count,
//! each: session id, note key, words `u64`, `u32` byte length of the bag, then the bag as
//! pairs of LEB128 numbers: form index, occurrences). Strings are a `u32` length and UTF-8
//! bytes; a key is four `u64`s.

use crate::core::agreement::cache::{write, In, Out};
use crate::core::analysis::corpus::bag_texts;
use crate::core::analysis::{Bags, Corpus};
use crate::core::file_key::FileKey;
use crate::core::mapped::Mapped;
use crate::core::parallel::parallel_map;
use crate::core::store::Store;
use std::collections::HashMap;
use std::path::PathBuf;

const MAGIC: &[u8; 8] = b"RPLBAGS1";

/// Words of every kind the rules treat apart: ASCII, accented (composed and decomposed), CJK,
/// emoji, digits, an apostrophe, a word too long to count.
const PROBE: &str = "Doña Ana's niñez Pen\u{303}a 信任 café CAFÉ 🎉 Über straße 2026 x2 l'enfant \
                     partnering partnered ΑΒΓ \
                     aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/// Where the word-bag cache of `store` is.
pub fn path(store: &Store) -> PathBuf {
    store.root().join(".ripple").join("word-bags")
}

/// What the rules make of the probe, sorted by form.
fn probe() -> Vec<(String, u32)> {
    let bags = bag_texts(&[PROBE]);
    let mut out: Vec<(String, u32)> = bags.bags[0]
        .iter()
        .map(|&(f, n)| (bags.forms[f as usize].clone(), n))
        .collect();
    out.sort();
    out
}

/// A note's bag: (form index, occurrences) of each form, and its number of words.
type Bag = (Vec<(u32, u32)>, u64);

/// One record as found in the file: the bag's bytes not yet decoded.
struct Record<'a> {
    key: FileKey,
    words: u64,
    bag: &'a [u8],
}

struct Index<'a> {
    forms: Vec<&'a str>,
    ids: Vec<&'a str>,
    records: Vec<Record<'a>>,
}

impl<'a> Index<'a> {
    /// The record of session `id`, looked for first at `at` (a run finds most where the last
    /// one wrote them).
    fn find(
        &self,
        at: usize,
        id: &str,
        by_id: &std::sync::OnceLock<HashMap<&'a str, usize>>,
    ) -> Option<usize> {
        if self.ids.get(at) == Some(&id) {
            return Some(at);
        }
        by_id
            .get_or_init(|| {
                self.ids
                    .iter()
                    .enumerate()
                    .map(|(i, &id)| (id, i))
                    .collect()
            })
            .get(id)
            .copied()
    }
}

/// Set `corpus`'s bags of words: from the cache where a note is unchanged, by reading (or
/// taking the corpus's text of) every other note. The cache is rewritten when a note was
/// bagged whose key can be trusted. A note that cannot be read counts no words, and a
/// warning (returned) says so. Nothing when the corpus has its bags already.
pub(crate) fn fill(store: &Store, corpus: &Corpus) -> Filled {
    if corpus.has_bags() {
        return Filled::default();
    }
    let file = Mapped::of(&path(store));
    let probe_now = probe();
    let index = file.as_deref().and_then(|b| decode(b, &probe_now));
    let by_id = std::sync::OnceLock::new();
    let n = corpus.sessions.len();
    let at: Vec<usize> = (0..n).collect();
    // Each session's bag from the cache, when its note's key is the record's.
    let found: Vec<Option<Bag>> = parallel_map(&at, |&i| {
        let index = index.as_ref()?;
        let key = corpus.note_keys.get(i).copied().flatten()?;
        let r = index.find(i, corpus.sessions[i].id.as_str(), &by_id)?;
        let rec = &index.records[r];
        if rec.key != key {
            return None;
        }
        Some((decode_bag(rec.bag, index.forms.len())?, rec.words))
    });
    let missing: Vec<usize> = (0..n).filter(|&i| found[i].is_none()).collect();
    let mut forms: Vec<String> = index
        .as_ref()
        .map(|x| x.forms.iter().map(|f| f.to_string()).collect())
        .unwrap_or_default();
    drop(index);
    drop(file);

    // The others: the corpus's text, or the note read now (a counting corpus holds none).
    let texts: Vec<Result<String, String>> = parallel_map(&missing, |&i| {
        let s = &corpus.sessions[i];
        if !corpus.counts_only {
            return Ok(s.text.clone());
        }
        store
            .load_note(&s.id)
            .map_err(|e| format!("{}: its words are not counted: {e}", s.id))
    });
    let mut unread = vec![false; n];
    let plain: Vec<&str> = texts
        .iter()
        .zip(&missing)
        .map(|(t, &i)| match t {
            Ok(t) => t.as_str(),
            Err(_) => {
                unread[i] = true;
                ""
            }
        })
        .collect();
    let fresh = bag_texts(&plain);
    let warnings: Vec<String> = texts.iter().filter_map(|t| t.clone().err()).collect();
    // The fresh bags' forms into the cache's table.
    let mut ix: HashMap<String, u32> = forms
        .iter()
        .enumerate()
        .map(|(i, f)| (f.clone(), i as u32))
        .collect();
    let map: Vec<u32> = fresh
        .forms
        .into_iter()
        .map(|f| match ix.get(&f) {
            Some(&id) => id,
            None => {
                let id = forms.len() as u32;
                forms.push(f.clone());
                ix.insert(f, id);
                id
            }
        })
        .collect();
    let mut fresh_bags = fresh.bags.into_iter().zip(fresh.totals);
    let mut bags = Bags {
        forms,
        bags: Vec::with_capacity(n),
        totals: Vec::with_capacity(n),
    };
    for f in found {
        let (bag, words) = match f {
            Some(x) => x,
            None => {
                let (mut bag, words) = fresh_bags.next().expect("one fresh bag per missing");
                for (w, _) in &mut bag {
                    *w = map[*w as usize];
                }
                (bag, words)
            }
        };
        bags.bags.push(bag);
        bags.totals.push(words);
    }
    let trusted_new = missing
        .iter()
        .any(|&i| !unread[i] && corpus.note_keys.get(i).copied().flatten().is_some());
    if trusted_new && !store.is_read_only() {
        let keys: Vec<Option<FileKey>> = (0..n)
            .map(|i| {
                corpus
                    .note_keys
                    .get(i)
                    .copied()
                    .flatten()
                    .filter(|_| !unread[i])
            })
            .collect();
        let ids: Vec<&str> = corpus.sessions.iter().map(|s| s.id.as_str()).collect();
        // Only a cache: when it cannot be written, the next run bags the notes again.
        let _ = write(store, &path(store), &encode(&probe_now, &ids, &keys, &bags));
    }
    corpus.set_bags(bags);
    Filled {
        warnings,
        bagged: missing.len(),
    }
}

/// What [`fill`] did.
#[derive(Debug, Default)]
pub(crate) struct Filled {
    /// Notes that could not be read (their words are not counted).
    pub warnings: Vec<String>,
    /// How many notes were split into words (the rest came from the cache): what the tests
    /// check the cache by.
    #[cfg_attr(not(test), allow(dead_code))]
    pub bagged: usize,
}

fn leb(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn unleb(b: &[u8], at: &mut usize) -> Option<u32> {
    let mut v: u32 = 0;
    for shift in (0..35).step_by(7) {
        let byte = *b.get(*at)?;
        *at += 1;
        if shift == 28 && byte & 0x70 != 0 {
            return None; // more than 32 bits: damaged
        }
        v |= u32::from(byte & 0x7f).checked_shl(shift)?;
        if byte < 0x80 {
            return Some(v);
        }
    }
    None
}

/// The sessions with a key, and only the forms their bags use (renumbered in order of
/// first use), so words of notes gone do not stay.
fn encode(probe: &[(String, u32)], ids: &[&str], keys: &[Option<FileKey>], bags: &Bags) -> Vec<u8> {
    let mut out = Out::new(MAGIC);
    out.u32(probe.len());
    for (f, n) in probe {
        out.str(f);
        out.u32(*n as usize);
    }
    let mut renumber = vec![u32::MAX; bags.forms.len()];
    let mut used: Vec<u32> = Vec::new();
    for (i, bag) in bags.bags.iter().enumerate() {
        if keys[i].is_none() {
            continue;
        }
        for &(w, _) in bag {
            if renumber[w as usize] == u32::MAX {
                renumber[w as usize] = used.len() as u32;
                used.push(w);
            }
        }
    }
    out.u32(used.len());
    for &w in &used {
        out.str(&bags.forms[w as usize]);
    }
    let kept = keys.iter().filter(|k| k.is_some()).count();
    out.u32(kept);
    let mut buf = Vec::new();
    for (i, bag) in bags.bags.iter().enumerate() {
        let Some(key) = keys[i] else {
            continue;
        };
        out.str(ids[i]);
        out.key(&key);
        out.u64(bags.totals[i]);
        buf.clear();
        for &(w, n) in bag {
            leb(&mut buf, renumber[w as usize]);
            leb(&mut buf, n);
        }
        out.u32(buf.len());
        out.bytes.extend_from_slice(&buf);
    }
    out.bytes
}

/// The file's records, when it is whole and its probe is the rules' now.
fn decode<'a>(bytes: &'a [u8], probe: &[(String, u32)]) -> Option<Index<'a>> {
    let mut r = In { b: bytes };
    if r.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let n = r.count(8)?;
    if n != probe.len() {
        return None;
    }
    for (f, c) in probe {
        if r.str()? != f || r.u32()? != *c as usize {
            return None;
        }
    }
    let n = r.count(4)?;
    let mut forms = Vec::with_capacity(n);
    for _ in 0..n {
        forms.push(r.str()?);
    }
    let n = r.count(48)?;
    let mut ids = Vec::with_capacity(n);
    let mut records = Vec::with_capacity(n);
    for _ in 0..n {
        ids.push(r.str()?);
        let key = r.key()?;
        let words = r.u64()?;
        let len = r.u32()?;
        let bag = r.take(len)?;
        records.push(Record { key, words, bag });
    }
    r.b.is_empty().then_some(Index {
        forms,
        ids,
        records,
    })
}

/// A record's bag, refused when damaged (a form out of the table, a cut number).
fn decode_bag(b: &[u8], forms: usize) -> Option<Vec<(u32, u32)>> {
    let mut out = Vec::with_capacity(b.len() / 3);
    let mut at = 0;
    while at < b.len() {
        let w = unleb(b, &mut at)?;
        let n = unleb(b, &mut at)?;
        if w as usize >= forms {
            return None;
        }
        out.push((w, n));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::analysis::{keywords, Dimension, KeywordSpec, Scope};
    use crate::core::session::SessionMeta;
    use crate::core::workspace::analysis_cache::tests::{
        assert_private, next_tick, rewrite_in_place, store, CODERS, LATER,
    };
    use crate::core::workspace::Workspace;

    /// Each session's bag as words and counts, sorted, with its number of words.
    type Words = Vec<(String, Vec<(String, u32)>, u64)>;

    fn words_of(c: &Corpus) -> Words {
        let b = c.bags();
        c.sessions
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut bag: Vec<(String, u32)> = b.bags[i]
                    .iter()
                    .map(|&(f, n)| (b.forms[f as usize].clone(), n))
                    .collect();
                bag.sort();
                (s.id.to_string(), bag, b.totals[i])
            })
            .collect()
    }

    /// Keywords through the cache (a counting corpus, and the whole corpus with a query) are
    /// those of every note split now; returns how many notes the counting path bagged.
    fn same_as_splitting(store: &Store) -> usize {
        let ws = Workspace::new(store, CODERS[0]);
        let fresh = Corpus::load(&ws, &Scope::default()).unwrap();
        let counted = Corpus::load_counts_at(&ws, &Scope::default(), LATER).unwrap();
        let filled = fill(store, &counted);
        assert!(filled.warnings.is_empty(), "{:?}", filled.warnings);
        assert_eq!(words_of(&counted), words_of(&fresh));
        let query = Scope::query("-zzzz");
        let queried = Corpus::load_keywords_at(&ws, &query, LATER).unwrap();
        assert_eq!(words_of(&queried), words_of(&fresh));
        let column = crate::core::analysis::columns_of(&fresh, Dimension::Month, &Scope::default())
            .unwrap()
            .last()
            .unwrap()
            .key
            .clone();
        let spec = KeywordSpec {
            by: Dimension::Month,
            column,
            min: 1,
            limit: 50,
            scope: Scope::default(),
        };
        assert_eq!(
            keywords(&counted, &spec).unwrap(),
            keywords(&fresh, &spec).unwrap()
        );
        filled.bagged
    }

    #[test]
    fn bags_from_the_cache_are_those_of_the_notes_as_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let (store, ids) = store(dir.path());
        // Keys taken a moment after the notes were written are racy: nothing cached.
        let ws = Workspace::new(&store, CODERS[0]);
        let c = Corpus::load_keywords(&ws, &Scope::default()).unwrap();
        assert!(c.has_bags());
        assert!(!path(&store).exists());
        assert_eq!(same_as_splitting(&store), 12);
        assert!(path(&store).exists());
        assert_eq!(same_as_splitting(&store), 0);
        assert_private(&path(&store));

        // A note's words changed in place at the same size: only its key says so.
        next_tick();
        let p = store.session_path(&ids[3]);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("came"));
        rewrite_in_place(&p, &text.replace("came", "come"));
        assert_eq!(same_as_splitting(&store), 1);
        assert_eq!(same_as_splitting(&store), 0);

        // Saved by Ripple, one added, one deleted.
        next_tick();
        let mut s = store.load(&ids[5]).unwrap();
        s.text = "Partnership, partnership and Doña Ana's 信任 🎉.".into();
        store.save(&s).unwrap();
        let mut meta = SessionMeta::new_today("Mara");
        meta.id = crate::core::session::SessionId::new();
        store
            .create(meta, "Añadida: confianza y colaboración.")
            .unwrap();
        std::fs::remove_file(store.session_path(&ids[7])).unwrap();
        assert_eq!(same_as_splitting(&store), 2);
        assert_eq!(same_as_splitting(&store), 0);

        // A damaged file, or one made by other word rules (another probe), is not used.
        let bytes = std::fs::read(path(&store)).unwrap();
        for cut in [bytes.len() - 1, bytes.len() / 2, 12] {
            std::fs::write(path(&store), &bytes[..cut]).unwrap();
            assert_eq!(same_as_splitting(&store), 12, "cut at {cut}");
        }
        let bytes = std::fs::read(path(&store)).unwrap();
        let at = bytes
            .windows(4)
            .position(|w| w == b"dona")
            .expect("the probe's words are in the file");
        let mut other = bytes.clone();
        other[at] = b'x';
        std::fs::write(path(&store), &other).unwrap();
        assert_eq!(same_as_splitting(&store), 12, "another probe");
        assert_eq!(same_as_splitting(&store), 0);

        // A note that cannot be read when its words are wanted: said, counted as no words.
        next_tick();
        let mut s = store.load(&ids[9]).unwrap();
        s.text.push_str(" Changed.");
        store.save(&s).unwrap();
        let counted = Corpus::load_counts_at(&ws, &Scope::default(), LATER).unwrap();
        std::fs::remove_file(store.session_path(&ids[9])).unwrap();
        let filled = fill(&store, &counted);
        assert_eq!(filled.bagged, 1);
        assert_eq!(filled.warnings.len(), 1, "{:?}", filled.warnings);
        assert!(filled.warnings[0].contains(ids[9].as_str()));
        let i = counted
            .sessions
            .iter()
            .position(|s| s.id == ids[9])
            .unwrap();
        assert_eq!(counted.bags().totals[i], 0);
        assert_eq!(same_as_splitting(&store), 0);
    }

    #[test]
    fn numbers_round_trip_and_a_cut_one_is_refused() {
        let mut b = Vec::new();
        let values = [0u32, 1, 127, 128, 300, 16_383, 16_384, u32::MAX];
        for &v in &values {
            leb(&mut b, v);
        }
        let mut at = 0;
        for &v in &values {
            assert_eq!(unleb(&b, &mut at), Some(v));
        }
        assert_eq!(at, b.len());
        assert_eq!(unleb(&[0x80], &mut 0), None, "cut");
        assert_eq!(
            unleb(&[0xff, 0xff, 0xff, 0xff, 0x7f], &mut 0),
            None,
            "over 32 bits"
        );
        assert_eq!(decode_bag(&[5, 1], 3), None, "a form out of the table");
        assert_eq!(decode_bag(&[2, 1, 0, 4], 3), Some(vec![(2, 1), (0, 4)]));
    }
}
