//! What a file's metadata says about its content, to notice a change without reading it: size,
//! modification and change times, and inode. The change time (ctime) cannot be set back by
//! tools that restore an old modification time (`cp -p`, `rsync -t`, `tar`), and the inode
//! changes when a file is replaced (every atomic save, `git checkout`).

use serde::{Deserialize, Serialize};
use std::fs;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// A change within this long of a look may share its clock tick with a later change (a file
/// system's times are coarse; FAT's are 2 s), so a key that recent is not trusted to stay
/// right: "racy", as git says of its index entries.
pub const RACY_NS: i64 = 2_000_000_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileKey {
    pub len: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub ino: u64,
}

fn ns(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_nanos()).unwrap_or(i64::MAX),
    }
}

/// Now, in the unit of `FileKey`'s times.
pub fn now_ns() -> i64 {
    ns(SystemTime::now())
}

impl FileKey {
    pub fn of(meta: &std::fs::Metadata) -> FileKey {
        let mtime_ns = meta.modified().map(ns).unwrap_or_default();
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            FileKey {
                len: meta.len(),
                mtime_ns,
                ctime_ns: meta
                    .ctime()
                    .saturating_mul(1_000_000_000)
                    .saturating_add(meta.ctime_nsec()),
                ino: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            FileKey {
                len: meta.len(),
                mtime_ns,
                ctime_ns: mtime_ns,
                ino: 0,
            }
        }
    }

    /// The key of the file or folder at `path` (following symlinks), `None` if there is none.
    pub fn of_path(path: &Path) -> Option<FileKey> {
        std::fs::metadata(path).ok().map(|m| FileKey::of(&m))
    }

    /// Whether the file changed so shortly before `now` that a further change could leave the
    /// same key (see `RACY_NS`).
    pub fn is_racy(&self, now: i64) -> bool {
        now.saturating_sub(self.mtime_ns.max(self.ctime_ns)) < RACY_NS
    }
}

/// A file's modification time (ns since the epoch) and size: enough for the store to notice
/// outside edits of a note it holds open (the catalog keeps one for each session file). A stamp
/// whose mtime is within `RACY_NS` of when it was taken is re-checked on the next scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileStamp {
    pub mtime_ns: i64,
    pub size: u64,
}

impl FileStamp {
    pub fn of(meta: &fs::Metadata) -> FileStamp {
        let mtime_ns = meta.modified().ok().map(ns).unwrap_or_default();
        FileStamp {
            mtime_ns,
            size: meta.len(),
        }
    }

    pub fn of_path(path: &Path) -> Option<FileStamp> {
        fs::metadata(path).ok().map(|m| FileStamp::of(&m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_or_rewritten_file_has_another_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a");
        std::fs::write(&p, "one").unwrap();
        let first = FileKey::of_path(&p).unwrap();
        assert!(first.is_racy(now_ns()), "just written");
        assert!(!first.is_racy(now_ns() + RACY_NS));
        // Same size, old modification time put back: the change time still differs.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&p, "two").unwrap();
        let f = std::fs::File::options().write(true).open(&p).unwrap();
        f.set_modified(UNIX_EPOCH + std::time::Duration::from_nanos(first.mtime_ns as u64))
            .unwrap();
        let second = FileKey::of_path(&p).unwrap();
        assert_eq!(second.mtime_ns, first.mtime_ns);
        assert_ne!(second, first);
        assert!(FileKey::of_path(&dir.path().join("missing")).is_none());
    }
}
