//! Where an export may be written: the one rule every export goes through (evidence as
//! Markdown, CSV or JSON today; REFI-QDA and DOCX files later), from the CLI (`--out`) and the
//! TUI's export prompt alike.
//!
//! - Never inside the store or the search index folder (compared as canonical paths, links
//!   followed; a file that does not exist yet is judged by its canonical folder): an export
//!   must never replace a note, the codebook or an index file.
//! - Only a regular file, or a new one: a device (`/dev/null`), a FIFO, a socket or a folder is
//!   refused, never replaced by a file.
//! - An existing file is replaced only when the caller says so (`--force`; a yes in the TUI).
//! - A symbolic link is written through, not replaced: the file it points to gets the export
//!   (so a link into a synced folder keeps working), and the rules above apply to that file. A
//!   link to nothing is refused.
//!
//! The file is written atomically and private to the user (0600), like every Ripple file.

use crate::core::atomic::atomic_write;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Why an export was not written. Nothing was changed on disk.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{} is inside {what} ({}): exports are never written there, so no note, codebook or index file can be replaced; choose a file outside it", .path.display(), .folder.display())]
    Protected {
        path: PathBuf,
        what: &'static str,
        folder: PathBuf,
    },
    #[error("{} is {kind}, not a regular file: exports are written only to files; choose a file name", .path.display())]
    NotAFile { path: PathBuf, kind: &'static str },
    #[error("{} already exists", .path.display())]
    Exists { path: PathBuf },
    #[error("{} is a symbolic link to {}, which does not exist: create the file first or choose another name", .path.display(), .target.display())]
    BrokenLink { path: PathBuf, target: PathBuf },
    #[error("the folder {} does not exist: create it first or choose another folder", .folder.display())]
    NoFolder { folder: PathBuf },
    #[error("`{}` does not name a file", .path.display())]
    NoFileName { path: PathBuf },
    #[error("cannot write {}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
}

/// A checked export target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportTarget {
    /// The file that is (or would be) written: the path asked for, made absolute, with every
    /// symbolic link resolved.
    pub file: PathBuf,
    /// A file is there now (it is replaced only when allowed).
    pub exists: bool,
}

/// The folders exports stay out of.
#[derive(Clone, Debug)]
pub struct ExportRules {
    /// (what it is, canonical folder).
    protected: Vec<(&'static str, PathBuf)>,
}

impl ExportRules {
    /// Exports for this store: never inside the store, never inside its index folder.
    pub fn for_store(store_root: &Path, index_dir: &Path) -> ExportRules {
        ExportRules {
            protected: Vec::new(),
        }
        .protect("the store", store_root)
        .protect("the search index folder", index_dir)
    }

    /// Keep exports out of one more folder (which need not exist yet).
    pub fn protect(mut self, what: &'static str, folder: &Path) -> ExportRules {
        self.protected.push((what, canonical_best_effort(folder)));
        self
    }

    /// Check `path` without writing: every rule, and, unless `replace`, that no file is there.
    pub fn check(&self, path: &Path, replace: bool) -> Result<ExportTarget, ExportError> {
        let target = self.resolve(path)?;
        if target.exists && !replace {
            return Err(ExportError::Exists { path: target.file });
        }
        Ok(target)
    }

    /// Write `bytes` to `path` under the rules (see the module documentation). Returns the file
    /// written.
    pub fn write(
        &self,
        path: &Path,
        bytes: &[u8],
        replace: bool,
    ) -> Result<ExportTarget, ExportError> {
        let target = self.check(path, replace)?;
        atomic_write(&target.file, bytes).map_err(|source| ExportError::Io {
            path: target.file.clone(),
            source,
        })?;
        Ok(target)
    }

    fn resolve(&self, path: &Path) -> Result<ExportTarget, ExportError> {
        let io_err = |source| ExportError::Io {
            path: path.to_path_buf(),
            source,
        };
        let abs = std::path::absolute(path).map_err(io_err)?;
        let (file, meta) = match fs::symlink_metadata(&abs) {
            Ok(_) => match fs::canonicalize(&abs) {
                Ok(real) => {
                    let meta = fs::metadata(&real).map_err(io_err)?;
                    (real, Some(meta))
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    return Err(ExportError::BrokenLink {
                        target: fs::read_link(&abs).unwrap_or_default(),
                        path: abs,
                    })
                }
                Err(e) => return Err(io_err(e)),
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let name = abs.file_name().ok_or_else(|| ExportError::NoFileName {
                    path: path.to_path_buf(),
                })?;
                let folder = abs.parent().unwrap_or(Path::new("/"));
                let real = match fs::canonicalize(folder) {
                    Ok(real) if real.is_dir() => real,
                    Ok(_) => {
                        return Err(ExportError::NoFolder {
                            folder: folder.to_path_buf(),
                        })
                    }
                    Err(e)
                        if matches!(
                            e.kind(),
                            io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                        ) =>
                    {
                        return Err(ExportError::NoFolder {
                            folder: folder.to_path_buf(),
                        })
                    }
                    Err(e) => return Err(io_err(e)),
                };
                (real.join(name), None)
            }
            Err(e) if e.kind() == io::ErrorKind::NotADirectory => {
                return Err(ExportError::NoFolder {
                    folder: abs.parent().unwrap_or(Path::new("/")).to_path_buf(),
                })
            }
            Err(e) => return Err(io_err(e)),
        };
        for (what, folder) in &self.protected {
            if file.starts_with(folder) {
                return Err(ExportError::Protected {
                    path: file,
                    what,
                    folder: folder.clone(),
                });
            }
        }
        if let Some(meta) = &meta {
            if let Some(kind) = not_a_file(meta) {
                return Err(ExportError::NotAFile { path: file, kind });
            }
        }
        Ok(ExportTarget {
            exists: meta.is_some(),
            file,
        })
    }
}

/// What a non-regular file is, said for people; None for a regular file.
fn not_a_file(meta: &fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// The canonical form of `path` where it exists; for a path that does not exist (yet), the
/// canonical form of its deepest existing folder with the rest appended (`..` applied to
/// what is appended), so a folder and the links leading to it compare equal.
pub fn canonical_best_effort(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let parts: Vec<std::path::Component> = abs.components().collect();
    for existing in (1..=parts.len()).rev() {
        let head: PathBuf = parts[..existing].iter().collect();
        if let Ok(mut out) = fs::canonicalize(&head) {
            for part in &parts[existing..] {
                match part {
                    std::path::Component::ParentDir => {
                        out.pop();
                    }
                    std::path::Component::Normal(name) => out.push(name),
                    _ => {}
                }
            }
            return out;
        }
    }
    abs
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixture {
        dir: tempfile::TempDir,
        rules: ExportRules,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        fs::create_dir_all(store.join("sessions")).unwrap();
        fs::write(store.join("sessions/a.md"), "note").unwrap();
        let rules = ExportRules::for_store(&store, &dir.path().join("index"));
        Fixture { dir, rules }
    }

    #[test]
    fn a_new_file_outside_is_written_privately() {
        let f = fixture();
        let out = f.dir.path().join("Doña Ana evidence.md");
        let t = f.rules.write(&out, b"# Evidence", false).unwrap();
        assert_eq!(t.file, fs::canonicalize(&out).unwrap());
        assert!(!t.exists);
        assert_eq!(fs::read_to_string(&out).unwrap(), "# Evidence");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&out).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn an_existing_file_is_replaced_only_when_allowed() {
        let f = fixture();
        let out = f.dir.path().join("report.md");
        fs::write(&out, "my edited report").unwrap();
        let e = f.rules.write(&out, b"new", false).unwrap_err();
        assert!(matches!(e, ExportError::Exists { .. }), "{e}");
        assert_eq!(fs::read_to_string(&out).unwrap(), "my edited report");
        let t = f.rules.write(&out, b"new", true).unwrap();
        assert!(t.exists);
        assert_eq!(fs::read_to_string(&out).unwrap(), "new");
    }

    #[test]
    fn nothing_inside_the_store_or_the_index_folder() {
        let f = fixture();
        let store = f.dir.path().join("store");
        for p in [
            store.join("sessions/a.md"),
            store.join("codebook.toml"),
            store.join("new.md"),
            store.join("sessions/../sessions/b.md"),
            f.dir.path().join("index/meta.json"),
        ] {
            if p.starts_with(f.dir.path().join("index")) {
                fs::create_dir_all(f.dir.path().join("index")).unwrap();
            }
            let e = f.rules.write(&p, b"x", true).unwrap_err();
            assert!(matches!(e, ExportError::Protected { .. }), "{p:?}: {e}");
            assert!(e.to_string().contains("never written there"), "{e}");
        }
        assert_eq!(
            fs::read_to_string(store.join("sessions/a.md")).unwrap(),
            "note"
        );
        assert!(!store.join("new.md").exists());
        // A relative path that walks into the store is judged where it lands.
        let e = f
            .rules
            .check(&f.dir.path().join("elsewhere/../store/x.csv"), true);
        assert!(e.is_err());
    }

    #[cfg(unix)]
    #[test]
    fn links_are_written_through_and_judged_by_where_they_lead() {
        use std::os::unix::fs::symlink;
        let f = fixture();
        let store = f.dir.path().join("store");
        // A link to a file inside the store: refused, the note untouched.
        let to_note = f.dir.path().join("to-note.md");
        symlink(store.join("sessions/a.md"), &to_note).unwrap();
        assert!(matches!(
            f.rules.write(&to_note, b"x", true),
            Err(ExportError::Protected { .. })
        ));
        assert_eq!(
            fs::read_to_string(store.join("sessions/a.md")).unwrap(),
            "note"
        );
        // A folder link into the store: a new file through it is refused too.
        let into = f.dir.path().join("into");
        symlink(store.join("sessions"), &into).unwrap();
        assert!(matches!(
            f.rules.write(&into.join("n.md"), b"x", false),
            Err(ExportError::Protected { .. })
        ));
        assert!(!store.join("sessions/n.md").exists());
        // A link to a file outside: the file gets the export, the link stays a link.
        let real = f.dir.path().join("real.md");
        fs::write(&real, "old").unwrap();
        let link = f.dir.path().join("link.md");
        symlink(&real, &link).unwrap();
        let t = f.rules.write(&link, b"export", true).unwrap();
        assert_eq!(t.file, fs::canonicalize(&real).unwrap());
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "export");
        // A link to nothing.
        let dangling = f.dir.path().join("dangling.md");
        symlink(f.dir.path().join("nowhere.md"), &dangling).unwrap();
        assert!(matches!(
            f.rules.write(&dangling, b"x", true),
            Err(ExportError::BrokenLink { .. })
        ));
        assert!(!f.dir.path().join("nowhere.md").exists());
    }

    #[cfg(unix)]
    #[test]
    fn devices_fifos_and_folders_are_refused() {
        let f = fixture();
        let e = f
            .rules
            .write(Path::new("/dev/null"), b"x", true)
            .unwrap_err();
        assert!(e.to_string().contains("is a device"), "{e}");
        {
            use std::os::unix::fs::FileTypeExt;
            assert!(fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device());
        }
        let fifo = f.dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = f.rules.write(&fifo, b"x", true).unwrap_err();
        assert!(e.to_string().contains("FIFO"), "{e}");
        let e = f.rules.write(f.dir.path(), b"x", true).unwrap_err();
        assert!(e.to_string().contains("a folder"), "{e}");
        let e = f
            .rules
            .write(&f.dir.path().join("no/such/folder.md"), b"x", true)
            .unwrap_err();
        assert!(matches!(e, ExportError::NoFolder { .. }), "{e}");
    }

    #[test]
    fn canonical_best_effort_resolves_the_existing_part() {
        let dir = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(dir.path()).unwrap();
        assert_eq!(
            canonical_best_effort(&dir.path().join("a/b/../c")),
            real.join("a/c")
        );
    }
}
