//! Archive safety: reading `.qdpx` files (and `.docx` files inside them) as the untrusted input
//! they are, and writing `.qdpx` files atomically.
//!
//! Reading refuses, before anything is decompressed: more entries than [`Limits::entries`],
//! entry names that would leave the archive's folder (absolute paths, `..`: "zip-slip") or are
//! symbolic links, and entries whose declared size or compression ratio is beyond the limits.
//! While decompressing, the bytes actually produced are counted against the per-entry and total
//! limits, so a header that lies about its size stops at the limit too. Nothing from an
//! archive is ever written to disk under its own name: entries are read into memory and
//! Ripple writes its own files.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, Write};
use std::path::Path;
use zip::result::ZipError;
use zip::ZipArchive;

/// How much an archive may expand to. The defaults fit 100,000 sessions and refuse bombs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Entries in one archive.
    pub entries: usize,
    /// Bytes of one decompressed entry.
    pub entry_bytes: u64,
    /// Bytes decompressed from one archive altogether (nested `.docx` files included).
    pub total_bytes: u64,
    /// Largest compression ratio accepted for an entry larger than `ratio_floor` bytes: text
    /// compresses about 3 to 10 times, a bomb a thousand times.
    pub ratio: u64,
    pub ratio_floor: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            entries: 250_000,
            entry_bytes: 256 << 20,
            total_bytes: 2 << 30,
            ratio: 200,
            ratio_floor: 1 << 20,
        }
    }
}

/// Why an archive could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArchiveProblem {
    /// Refused as unsafe: the message says why.
    Refused(String),
    /// Not a zip archive, or damaged.
    Damaged(String),
}

impl std::fmt::Display for ArchiveProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArchiveProblem::Refused(m) => write!(f, "refused: {m}"),
            ArchiveProblem::Damaged(m) => f.write_str(m),
        }
    }
}

/// An opened archive whose every entry name has been checked.
pub struct Archive<R: Read + Seek> {
    zip: ZipArchive<R>,
    /// Lowercased entry name → index, for case-insensitive lookups (tools differ: `sources/`,
    /// `Sources/`, `.TXT`).
    names: HashMap<String, usize>,
    limits: Limits,
    /// Bytes decompressed so far (shared with nested archives through `spent`).
    pub spent: u64,
}

fn damaged(e: ZipError) -> ArchiveProblem {
    ArchiveProblem::Damaged(format!("not a readable zip archive ({e})"))
}

impl<R: Read + Seek> Archive<R> {
    pub fn open(reader: R, limits: Limits, spent: u64) -> Result<Archive<R>, ArchiveProblem> {
        let mut zip = ZipArchive::new(reader).map_err(damaged)?;
        if zip.len() > limits.entries {
            return Err(ArchiveProblem::Refused(format!(
                "the archive has {} entries, more than the {} Ripple reads (a zip bomb?)",
                zip.len(),
                limits.entries
            )));
        }
        let mut names = HashMap::with_capacity(zip.len());
        let mut declared: u64 = 0;
        for i in 0..zip.len() {
            let entry = zip.by_index_raw(i).map_err(damaged)?;
            let name = entry.name().map_err(damaged)?.to_string();
            let leaves = entry.enclosed_name().is_none()
                || name.starts_with('/')
                || name.starts_with('\\')
                || name.split(['/', '\\']).any(|part| part == "..")
                || name.contains('\0');
            if leaves {
                return Err(ArchiveProblem::Refused(format!(
                    "entry `{}` points outside the archive's folder (a zip-slip path)",
                    name.escape_debug()
                )));
            }
            if entry.is_symlink() {
                return Err(ArchiveProblem::Refused(format!(
                    "entry `{}` is a symbolic link",
                    name.escape_debug()
                )));
            }
            let size = entry.size();
            if size > limits.entry_bytes {
                return Err(ArchiveProblem::Refused(format!(
                    "entry `{name}` expands to {size} bytes, more than the {} Ripple reads \
                     (a zip bomb?)",
                    limits.entry_bytes
                )));
            }
            let packed = entry.compressed_size().max(1);
            if size > limits.ratio_floor && size / packed > limits.ratio {
                return Err(ArchiveProblem::Refused(format!(
                    "entry `{name}` expands {}-fold ({packed} to {size} bytes): a zip bomb?",
                    size / packed
                )));
            }
            declared = declared.saturating_add(size);
            names.insert(name.to_lowercase(), i);
        }
        if declared.saturating_add(spent) > limits.total_bytes {
            return Err(ArchiveProblem::Refused(format!(
                "the archive expands to {declared} bytes, more than the {} Ripple reads \
                 (a zip bomb?)",
                limits.total_bytes
            )));
        }
        Ok(Archive {
            zip,
            names,
            limits,
            spent,
        })
    }

    /// The name of an entry as the archive spells it, found case-insensitively.
    pub fn find(&self, name: &str) -> Option<String> {
        let i = *self.names.get(&name.to_lowercase())?;
        self.zip
            .name_for_index(i)
            .and_then(|n| n.ok())
            .map(|n| n.into_owned())
    }

    /// Every entry name, in archive order.
    pub fn entry_names(&self) -> Vec<String> {
        self.zip
            .file_names()
            .map(|n| n.map(|n| n.into_owned()).unwrap_or_default())
            .collect()
    }

    /// Decompress one entry (found case-insensitively), counting the bytes actually produced
    /// against the limits. `Ok(None)` when there is no such entry.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ArchiveProblem> {
        let Some(&i) = self.names.get(&name.to_lowercase()) else {
            return Ok(None);
        };
        let entry = self.zip.by_index(i).map_err(damaged)?;
        let shown = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let room = self
            .limits
            .entry_bytes
            .min(self.limits.total_bytes.saturating_sub(self.spent));
        let mut bytes = Vec::with_capacity(entry.size().min(room) as usize);
        entry
            .take(room + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ArchiveProblem::Damaged(format!("entry `{shown}` cannot be read: {e}")))?;
        if bytes.len() as u64 > room {
            return Err(ArchiveProblem::Refused(format!(
                "entry `{shown}` expands beyond the {room} bytes Ripple reads (a zip bomb?)"
            )));
        }
        self.spent += bytes.len() as u64;
        Ok(Some(bytes))
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }
}

/// Write a `.qdpx`: `project.qde` first, then each `(name, text)` file under `sources/`, all
/// deflated, dated 1980-01-01 and mode 0600 so two exports of the same store are the same
/// bytes. Written to a temporary file beside `target`, flushed, then renamed over it
/// (`replace`) or put there only if nothing is (`!replace`, no race), and the folder flushed.
pub fn write_qdpx(
    target: &Path,
    qde: &str,
    files: &[(String, String)],
    replace: bool,
) -> io::Result<()> {
    write_atomically(target, replace, |out| {
        let mut zip = zip::ZipWriter::new(out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o600);
        let to_io = |e: ZipError| io::Error::other(e.to_string());
        zip.start_file("project.qde", options).map_err(to_io)?;
        zip.write_all(qde.as_bytes())?;
        for (name, text) in files {
            zip.start_file(format!("sources/{name}"), options)
                .map_err(to_io)?;
            zip.write_all(text.as_bytes())?;
        }
        zip.finish().map_err(to_io)?.flush()
    })
}

/// Write `bytes` to `target` the same way (a `.qdc` codebook).
pub fn write_file(target: &Path, bytes: &[u8], replace: bool) -> io::Result<()> {
    write_atomically(target, replace, |out| {
        out.write_all(bytes)?;
        out.flush()
    })
}

fn write_atomically(
    target: &Path,
    replace: bool,
    fill: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let tmp = tempfile::Builder::new()
        .prefix(".ripple-tmp-")
        .tempfile_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    let (file, path) = tmp.into_parts();
    let mut out = BufWriter::new(file);
    fill(&mut out)?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    let tmp = tempfile::NamedTempFile::from_parts(file, path);
    if replace {
        tmp.persist(target).map_err(|e| e.error)?;
    } else {
        tmp.persist_noclobber(target).map_err(|e| e.error)?;
    }
    crate::core::atomic::sync_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            zip.start_file(
                *name,
                zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated),
            )
            .unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn open(bytes: Vec<u8>, limits: Limits) -> Result<Archive<Cursor<Vec<u8>>>, ArchiveProblem> {
        Archive::open(Cursor::new(bytes), limits, 0)
    }

    #[test]
    fn zip_slip_names_are_refused() {
        for bad in ["../evil.txt", "sources/../../evil.txt", "/etc/passwd"] {
            let e = open(
                zip_of(&[("project.qde", b"<P/>"), (bad, b"x")]),
                Limits::default(),
            )
            .err()
            .unwrap_or_else(|| panic!("{bad} accepted"));
            assert!(
                matches!(&e, ArchiveProblem::Refused(m) if m.contains("zip-slip")),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn entries_beyond_the_limits_are_refused_even_when_the_header_lies() {
        let zeros = vec![0u8; 3 << 20];
        let bytes = zip_of(&[("sources/a.txt", &zeros)]);
        // The ratio: 3 MiB of zeros packs to a few kilobytes.
        let e = open(bytes.clone(), Limits::default()).err().unwrap();
        assert!(e.to_string().contains("zip bomb"), "{e}");
        // The declared size against the entry limit.
        let small = Limits {
            entry_bytes: 1 << 20,
            ratio: u64::MAX,
            ..Limits::default()
        };
        assert!(open(bytes.clone(), small).is_err());
        // The bytes actually produced, whatever the header says (total budget nearly spent).
        let loose = Limits {
            ratio: u64::MAX,
            ..Limits::default()
        };
        let mut a = Archive::open(Cursor::new(bytes), loose, 0).unwrap();
        a.limits.total_bytes = 1 << 20;
        let e = a.read("sources/a.txt").unwrap_err();
        assert!(e.to_string().contains("zip bomb"), "{e}");
        // The number of entries.
        let many: Vec<(String, Vec<u8>)> = (0..11).map(|i| (format!("{i}"), vec![])).collect();
        let refs: Vec<(&str, &[u8])> = many.iter().map(|(n, b)| (n.as_str(), &b[..])).collect();
        let few = Limits {
            entries: 10,
            ..Limits::default()
        };
        assert!(open(zip_of(&refs), few).is_err());
    }

    #[test]
    fn lookups_ignore_case_and_count_bytes() {
        let mut a = open(
            zip_of(&[("Sources/ABC.TXT", "Doña".as_bytes())]),
            Limits::default(),
        )
        .unwrap();
        assert_eq!(
            a.read("sources/abc.txt").unwrap().unwrap(),
            "Doña".as_bytes()
        );
        assert_eq!(a.spent, 5);
        assert_eq!(a.read("sources/none.txt").unwrap(), None);
        assert_eq!(
            a.find("SOURCES/abc.txt").as_deref(),
            Some("Sources/ABC.TXT")
        );
    }

    #[test]
    fn writing_refuses_to_replace_unless_asked_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.qdpx");
        write_qdpx(&p, "<Project/>", &[("a.txt".into(), "x".into())], false).unwrap();
        let first = std::fs::read(&p).unwrap();
        assert!(write_qdpx(&p, "<Project/>", &[], false).is_err());
        assert_eq!(std::fs::read(&p).unwrap(), first, "left as it was");
        write_qdpx(&p, "<Project/>", &[("a.txt".into(), "x".into())], true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), first, "the same bytes again");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
