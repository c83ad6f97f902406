//! The words of the search index as written (folded to lower case and ASCII), kept beside it.
//!
//! The index holds one term per word of running text: its English stem. That is what a word
//! or a phrase in a query looks up, and it makes indexing about as cheap as indexing the words
//! alone (the index used to hold every word and its stem, which cost a quarter of a rebuild).
//! Prefix and fuzzy words (`perpetrat*`, `comunication~`) must match words as written, though,
//! and a stem is not a word: this vocabulary lists the words, a prefix or fuzzy word is
//! matched against it, and the stems of the matching words are looked up in the index.
//!
//! The list is collected while documents are analysed (on tantivy's indexing threads), and
//! persisted in `<index>/vocabulary`, one word a line, just before the index commits: new words
//! are appended after an ordinary commit, the whole file is replaced after a rebuild. A word
//! is never taken out when the documents that held it go (until the next rebuild): a stale
//! word only adds a stem that matches nothing, or matches words of the same stem.
//! A crash between the two writes leaves extra words, never missing ones.
//!
//! The file checks itself against the index: each commit records in the index's commit payload
//! the file's length and CRC-32 as of that commit ([`VocabularyCheck`]), and whether every
//! committed word reached the file. Opening compares them: a file that is shorter, garbled,
//! emptied or missing words is an error (the index is rebuilt), never a silently smaller list
//! that would make prefix and fuzzy queries miss. Bytes past the recorded length are words of a
//! commit that did not complete: they are left out, and cut off before the next append.

use crate::core::atomic::atomic_write;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// The file name inside the index folder.
pub const VOCABULARY_FILE: &str = "vocabulary";

/// Each vocabulary gets its own number, so a thread's record of the words it has handed over
/// (kept by the analyser with its stem cache, see `Vocabulary::tag`) is never mistaken for
/// another index's.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// What a commit records about the vocabulary file, to check it on the next open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VocabularyCheck {
    /// Bytes of the file as of the commit.
    pub len: u64,
    /// CRC-32 of those bytes.
    pub crc: u32,
    /// Every committed word is in those bytes (false when writing the file failed: the words
    /// then live only in the memory of the process that committed them).
    pub complete: bool,
}

pub struct Vocabulary {
    id: u64,
    path: PathBuf,
    /// Bumped when a rebuild starts: every thread hands its words over again.
    generation: AtomicU64,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The words of committed documents (what searches match against).
    committed: BTreeSet<String>,
    /// Words analysed since the last commit that are not in `committed` (during a rebuild:
    /// every word analysed since it started).
    pending: FxHashSet<String>,
    /// A rebuild started since the last commit: the next commit replaces the list.
    rebuilding: bool,
    /// Committed words the file does not hold yet (its last write failed).
    unsaved: Vec<String>,
    /// Length and CRC-32 of the file as this process last wrote or verified it.
    file_len: u64,
    file_crc: u32,
}

impl Vocabulary {
    /// An empty vocabulary for a new index in `dir` (no file until the first commit).
    pub fn new(dir: &Path) -> Vocabulary {
        Vocabulary {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            path: dir.join(VOCABULARY_FILE),
            generation: AtomicU64::new(0),
            inner: Mutex::new(Inner::default()),
        }
    }

    /// The vocabulary of an existing index, checked against what its last commit recorded. A
    /// missing, shorter, garbled or incomplete file is an error: the index cannot answer prefix
    /// and fuzzy words without it, so the caller rebuilds.
    pub fn open(dir: &Path, check: &VocabularyCheck) -> io::Result<Vocabulary> {
        let damaged = |why: String| io::Error::new(io::ErrorKind::InvalidData, why);
        if !check.complete {
            return Err(damaged(
                "it lacks words (writing it failed at the last commit)".into(),
            ));
        }
        let v = Vocabulary::new(dir);
        let bytes = std::fs::read(&v.path)?;
        let len = usize::try_from(check.len).unwrap_or(usize::MAX);
        if bytes.len() < len {
            return Err(damaged(format!(
                "it holds {} bytes; the index's last commit left {len}",
                bytes.len()
            )));
        }
        // Bytes past `len` belong to a commit that did not complete.
        let bytes = &bytes[..len];
        if crc32fast::hash(bytes) != check.crc {
            return Err(damaged("its checksum does not match the index's".into()));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| damaged(e.to_string()))?;
        if !text.is_empty() && !text.ends_with('\n') {
            return Err(damaged("its last line is cut off".into()));
        }
        {
            let mut inner = v.lock();
            inner.committed = text
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            inner.file_len = check.len;
            inner.file_crc = check.crc;
        }
        Ok(v)
    }

    /// The file as of the last commit, for the index to record with that commit.
    pub fn check(&self) -> VocabularyCheck {
        let inner = self.lock();
        VocabularyCheck {
            len: inner.file_len,
            crc: inner.file_crc,
            complete: inner.unsaved.is_empty(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves plain data behind; carry on with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Names this vocabulary as it is now: a word handed over under one tag need not be
    /// handed over again until the tag changes (a rebuild starts, which needs every word).
    pub fn tag(&self) -> u64 {
        (self.id << 32) | (self.generation.load(Ordering::Relaxed) & 0xFFFF_FFFF)
    }

    /// Record a word being indexed (called by the analyser on indexing threads, once per
    /// word and `tag`).
    pub fn note(&self, word: &str) {
        let mut inner = self.lock();
        if inner.rebuilding || !inner.committed.contains(word) {
            inner.pending.insert(word.to_string());
        }
    }

    /// A rebuild starts: the next commit's list is exactly the words analysed from now on.
    pub fn begin_rebuild(&self) {
        let mut inner = self.lock();
        self.generation.fetch_add(1, Ordering::Relaxed);
        inner.pending.clear();
        inner.rebuilding = true;
    }

    /// Persist the words analysed since the last commit. Call after tantivy's
    /// `prepare_commit` (every document analysed) and before its `commit`. If the file cannot
    /// be written the words still serve searches in this process and are written with the next
    /// commit; the error is returned for the caller to report.
    pub fn commit(&self) -> io::Result<()> {
        let mut inner = self.lock();
        let pending: Vec<String> = inner.pending.drain().collect();
        if inner.rebuilding {
            inner.rebuilding = false;
            inner.committed = pending.into_iter().collect();
            inner.unsaved.clear();
            let mut text = String::new();
            for w in &inner.committed {
                text.push_str(w);
                text.push('\n');
            }
            match atomic_write(&self.path, text.as_bytes()) {
                Ok(()) => {
                    inner.file_len = text.len() as u64;
                    inner.file_crc = crc32fast::hash(text.as_bytes());
                    Ok(())
                }
                Err(e) => {
                    // Written whole with the next commit.
                    inner.unsaved = inner.committed.iter().cloned().collect();
                    inner.file_len = 0;
                    inner.file_crc = 0;
                    Err(e)
                }
            }
        } else {
            for w in pending {
                if inner.committed.insert(w.clone()) {
                    inner.unsaved.push(w);
                }
            }
            if inner.unsaved.is_empty() {
                return Ok(());
            }
            let mut text = String::new();
            for w in &inner.unsaved {
                text.push_str(w);
                text.push('\n');
            }
            append(&self.path, inner.file_len, text.as_bytes())?;
            let mut crc = crc32fast::Hasher::new_with_initial(inner.file_crc);
            crc.update(text.as_bytes());
            inner.file_crc = crc.finalize();
            inner.file_len += text.len() as u64;
            inner.unsaved.clear();
            Ok(())
        }
    }

    /// Committed words starting with `prefix`, or `None` if there are more than `max`.
    pub fn prefixed(&self, prefix: &str, max: usize) -> Option<Vec<String>> {
        let inner = self.lock();
        let mut out = Vec::new();
        for w in inner.committed.range::<str, _>((
            std::ops::Bound::Included(prefix),
            std::ops::Bound::Unbounded,
        )) {
            if !w.starts_with(prefix) {
                break;
            }
            if out.len() == max {
                return None;
            }
            out.push(w.clone());
        }
        Some(out)
    }

    /// Committed words for which `matches` holds, or `None` if there are more than `max`.
    pub fn matching(
        &self,
        max: usize,
        mut matches: impl FnMut(&str) -> bool,
    ) -> Option<Vec<String>> {
        let inner = self.lock();
        let mut out = Vec::new();
        for w in inner.committed.iter().filter(|w| matches(w)) {
            if out.len() == max {
                return None;
            }
            out.push(w.clone());
        }
        Some(out)
    }

    /// Number of committed words.
    pub fn len(&self) -> usize {
        self.lock().committed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Write `bytes` at `at` (the length the last commit recorded: anything after it is from a
/// commit that did not complete), then flush the file to disk. Created private to the user.
fn append(path: &Path, at: u64, bytes: &[u8]) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.set_len(at)?;
    f.seek(io::SeekFrom::Start(at))?;
    f.write_all(bytes)?;
    f.sync_data()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_persisted_at_commit_and_appended_after() {
        let dir = tempfile::tempdir().unwrap();
        let v = Vocabulary::new(dir.path());
        v.begin_rebuild();
        for w in ["trust", "doña", "trust", "fathers"] {
            v.note(w);
        }
        assert!(v.is_empty(), "nothing is searchable before the commit");
        v.commit().unwrap();
        assert_eq!(v.prefixed("tr", 10), Some(vec!["trust".to_string()]));
        v.note("trusting");
        v.note("trust");
        v.commit().unwrap();
        let text = std::fs::read_to_string(dir.path().join(VOCABULARY_FILE)).unwrap();
        assert_eq!(text, "doña\nfathers\ntrust\ntrusting\n");
        let reopened = Vocabulary::open(dir.path(), &v.check()).unwrap();
        assert_eq!(
            reopened.prefixed("trust", 10),
            Some(vec!["trust".to_string(), "trusting".to_string()])
        );
        assert_eq!(reopened.prefixed("t", 1), None, "more than max");
    }

    #[test]
    fn a_rebuild_replaces_the_list() {
        let dir = tempfile::tempdir().unwrap();
        let writer = Vocabulary::new(dir.path());
        writer.begin_rebuild();
        writer.note("old");
        writer.commit().unwrap();
        writer.note("newer");
        writer.commit().unwrap();
        assert_eq!(
            Vocabulary::open(dir.path(), &writer.check()).unwrap().len(),
            2
        );
        let before = writer.tag();
        writer.begin_rebuild();
        assert_ne!(writer.tag(), before, "analysers hand every word over again");
        writer.note("fresh");
        writer.note("old");
        writer.commit().unwrap();
        assert_eq!(
            Vocabulary::open(dir.path(), &writer.check())
                .unwrap()
                .matching(10, |_| true),
            Some(vec!["fresh".to_string(), "old".to_string()])
        );
    }

    /// A written vocabulary and what its commit recorded.
    fn committed(dir: &Path) -> VocabularyCheck {
        let v = Vocabulary::new(dir);
        v.begin_rebuild();
        for w in ["alpha", "beta", "gamma"] {
            v.note(w);
        }
        v.commit().unwrap();
        v.check()
    }

    #[test]
    fn a_damaged_file_is_an_error_never_a_shorter_list() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(VOCABULARY_FILE);
        let check = committed(dir.path());
        let good = std::fs::read(&path).unwrap();
        let mut flipped = good.clone();
        flipped[3] ^= 0x20;
        let damaged: [(&str, Vec<u8>); 4] = [
            ("emptied", Vec::new()),
            ("truncated", good[..good.len() - 3].to_vec()),
            ("one byte flipped", flipped),
            ("garbled", vec![0xff; good.len()]),
        ];
        for (what, bytes) in damaged {
            std::fs::write(&path, &bytes).unwrap();
            assert!(
                Vocabulary::open(dir.path(), &check).is_err(),
                "{what} was accepted"
            );
        }
        std::fs::remove_file(&path).unwrap();
        assert!(Vocabulary::open(dir.path(), &check).is_err(), "missing");
        let incomplete = VocabularyCheck {
            complete: false,
            ..check
        };
        std::fs::write(&path, &good).unwrap();
        assert!(Vocabulary::open(dir.path(), &incomplete).is_err());
        assert_eq!(Vocabulary::open(dir.path(), &check).unwrap().len(), 3);
    }

    #[test]
    fn words_of_an_unfinished_commit_are_left_out_and_cut_off_before_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(VOCABULARY_FILE);
        let check = committed(dir.path());
        // A commit that wrote its words and then did not happen.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"orphan\nhalf").unwrap();
        drop(f);
        let v = Vocabulary::open(dir.path(), &check).unwrap();
        assert_eq!(v.prefixed("orph", 10), Some(Vec::new()));
        v.note("delta");
        v.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "alpha\nbeta\ngamma\ndelta\n"
        );
        assert_eq!(Vocabulary::open(dir.path(), &v.check()).unwrap().len(), 4);
    }
}
