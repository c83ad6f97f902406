//! Scanning a store: the session list from the metadata catalog, files parsed again only when
//! they changed (or all of them, verified), and the symbolic links inside the store.

use super::catalog::{CatalogEntry, Parsed};
use super::{catalog, preview, Problem, Scan, SessionSummary, Store};
use crate::core::file_key::{now_ns, RACY_NS};
use crate::core::file_key::{FileKey, FileStamp};
use crate::core::parallel::parallel_map;
use crate::core::session::SessionId;
use crate::core::session_file::{id_of_file_name, parse_bytes};
use std::collections::HashMap;
use std::fs::{self};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

impl Store {
    /// Every symbolic link inside the store (not followed), with what it points to, sorted.
    /// Ripple refuses to write through any of them; `ripple check` reports them. A `.git`
    /// folder is not looked into.
    pub fn links(&self) -> Vec<(PathBuf, PathBuf)> {
        let mut found = Vec::new();
        let mut folders = vec![self.root.clone()];
        while let Some(dir) = folders.pop() {
            let Ok(read) = fs::read_dir(&dir) else {
                continue;
            };
            for entry in read.flatten() {
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                let path = entry.path();
                if kind.is_symlink() {
                    found.push((path.clone(), fs::read_link(&path).unwrap_or_default()));
                } else if kind.is_dir() && entry.file_name() != ".git" {
                    folders.push(path);
                }
            }
        }
        found.sort();
        found
    }

    /// Metadata of every session, from the catalog where the file is unchanged (one `stat` per
    /// file) and by parsing otherwise. Broken files become `problems`; the rest still load.
    pub fn scan(&self) -> Scan {
        let mut scan = Scan::default();
        let dir = self.sessions_dir();
        let mut guard = self.catalog.lock().unwrap_or_else(|e| e.into_inner());
        let mut dirty = false;
        if guard.is_none() {
            let (entries, note) = self.read_catalog();
            if let Some(n) = note {
                scan.notes.push(n);
                dirty = true;
            }
            *guard = Some(entries);
        }
        let catalog = guard.as_mut().expect("catalog loaded above");

        let read = match fs::read_dir(&dir) {
            Ok(r) => r,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if !catalog.is_empty() {
                    catalog.clear();
                    drop(guard);
                    self.write_catalog_if_writable(&mut scan);
                }
                return scan;
            }
            Err(e) => {
                scan.problems.push(Problem {
                    path: dir,
                    line: None,
                    message: format!("cannot read the sessions folder: {e}"),
                });
                return scan;
            }
        };

        let mut listed: Vec<(String, fs::DirEntry)> = Vec::new();
        let mut temp_files = Vec::new();
        for entry in read.flatten() {
            let name = match entry.file_name().into_string() {
                Ok(n) => n,
                Err(raw) => {
                    scan.problems.push(Problem {
                        path: dir.join(raw),
                        line: None,
                        message: "file name is not valid Unicode: not a session file".into(),
                    });
                    continue;
                }
            };
            if name.starts_with(crate::core::atomic::TEMP_PREFIX) {
                temp_files.push(dir.join(&name));
                continue;
            }
            if name.starts_with('.') || !name.ends_with(".md") {
                continue;
            }
            listed.push((name, entry));
        }
        *self.temp_files.lock().unwrap_or_else(|e| e.into_inner()) = temp_files;
        // One stat per file, spread over the cores (fstatat relative to the folder handle).
        let stamps = parallel_map(&listed, |(_, entry)| {
            let md = match entry.metadata() {
                Ok(m) if m.file_type().is_symlink() => fs::metadata(entry.path()),
                other => other,
            };
            // None: vanished between listing and stat, or not a regular file.
            md.ok()
                .filter(|m| m.is_file())
                .map(|m| (FileStamp::of(&m), FileKey::of(&m)))
        });

        let mut seen: Vec<(String, FileKey)> = Vec::with_capacity(listed.len());
        let mut to_parse: Vec<(String, FileStamp, FileKey)> = Vec::new();
        // Which file holds each id. Two files holding one id (a copy made outside Ripple) would
        // be two sessions with one id: the first name in order is the session, the other a
        // problem, whatever order the folder lists them in.
        type Looked = Option<(FileStamp, FileKey)>;
        let mut listed: Vec<((String, fs::DirEntry), Looked)> =
            listed.into_iter().zip(stamps).collect();
        listed.sort_unstable_by(|a, b| a.0 .0.cmp(&b.0 .0));
        let mut names: HashMap<SessionId, String> = HashMap::with_capacity(listed.len());
        for ((name, _), stamp) in listed {
            let Some((stamp, key)) = stamp else {
                continue;
            };
            if let Some(id) = id_of_file_name(&name) {
                let id = SessionId(id.to_string());
                if let Some(first) = names.get(&id) {
                    scan.problems.push(Problem {
                        path: dir.join(&name),
                        line: None,
                        message: format!(
                            "{first} holds the same session ({id}): compare the two files, keep \
                             one and move the other out of the sessions folder"
                        ),
                    });
                    continue;
                }
                names.insert(id, name.clone());
            }
            // One lookup per file: with 100,000 files the hash lookups (cache misses) show.
            match catalog.get(&name) {
                Some(e) if e.stamp == stamp && e.settled => emit(&dir, &name, e, key, &mut scan),
                _ => to_parse.push((name.clone(), stamp, key)),
            }
            seen.push((name, key));
        }

        if !to_parse.is_empty() {
            dirty = true;
            for ((name, entry), (_, _, key)) in
                parse_files(&dir, &to_parse).into_iter().zip(&to_parse)
            {
                emit(&dir, &name, &entry, *key, &mut scan);
                catalog.insert(name, entry);
            }
        }
        if catalog.len() != seen.len() {
            let names: std::collections::HashSet<&str> =
                seen.iter().map(|(n, _)| n.as_str()).collect();
            catalog.retain(|k, _| names.contains(k.as_str()));
            dirty = true;
        }

        drop(guard);
        scan.files = seen;
        self.set_names(names);
        if dirty {
            self.write_catalog_if_writable(&mut scan);
        }
        // Sort indices, not the summaries: moving 100,000 large structs around dominated the
        // cost of a warm scan. The keys are copied out first (each summary's metadata is
        // behind a pointer: comparing through it missed the cache at every step). Ids are
        // unique, so the order is total.
        let mut order: Vec<(chrono::NaiveDate, chrono::DateTime<chrono::Utc>, usize)> = scan
            .sessions
            .iter()
            .enumerate()
            .map(|(i, s)| (s.meta.date, s.meta.created, i))
            .collect();
        {
            let s = &scan.sessions;
            order.sort_unstable_by(|a, b| {
                b.0.cmp(&a.0)
                    .then(b.1.cmp(&a.1))
                    .then_with(|| s[b.2].meta.id.cmp(&s[a.2].meta.id))
            });
        }
        let order = order.into_iter().map(|(_, _, i)| i);
        let mut slots: Vec<Option<SessionSummary>> = std::mem::take(&mut scan.sessions)
            .into_iter()
            .map(Some)
            .collect();
        scan.sessions = order.filter_map(|i| slots[i].take()).collect();
        scan.problems.sort_by(|a, b| a.path.cmp(&b.path));
        scan
    }

    /// Like [`Store::scan`], but every session file is read and parsed again whatever the
    /// catalog says (`ripple check`, like `git fsck`): a file changed in place at the same size
    /// and modification time is caught. The catalog is refreshed with what was read, and a
    /// note says how many of its entries were out of date.
    pub fn scan_verified(&self) -> Scan {
        let (cached, _) = self.read_catalog();
        *self.catalog.lock().unwrap_or_else(|e| e.into_inner()) = Some(HashMap::new());
        let mut scan = self.scan();
        let guard = self.catalog.lock().unwrap_or_else(|e| e.into_inner());
        let stale = guard.as_ref().map_or(0, |fresh| {
            cached
                .iter()
                .filter(|(name, old)| {
                    fresh
                        .get(*name)
                        .is_some_and(|new| new.stamp == old.stamp && new.parsed != old.parsed)
                })
                .count()
        });
        if stale > 0 {
            scan.notes.push(format!(
                "{}: the catalog cache said {stale} session file(s) were unchanged, but their \
                 content had changed at the same size and time; the cache {}",
                self.catalog_path().display(),
                if self.is_read_only() {
                    "could not be refreshed (the store is read-only): run `ripple check` again \
                     when it can be written"
                } else {
                    "was refreshed"
                }
            ));
        }
        scan
    }

    fn read_catalog(&self) -> (HashMap<String, CatalogEntry>, Option<String>) {
        let p = self.catalog_path();
        let bytes = match fs::read(&p) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return (HashMap::new(), None),
            Err(e) => {
                return (
                    HashMap::new(),
                    Some(format!(
                        "{}: cannot read the catalog ({e}); rebuilt",
                        p.display()
                    )),
                )
            }
        };
        match std::str::from_utf8(&bytes)
            .map_err(|e| e.to_string())
            .and_then(catalog::decode)
        {
            Ok(entries) => (entries, None),
            Err(e) => (
                HashMap::new(),
                Some(format!(
                    "{}: the catalog cache was damaged ({e}); rebuilt from the session files",
                    p.display()
                )),
            ),
        }
    }

    fn write_catalog_if_writable(&self, scan: &mut Scan) {
        if self.is_read_only() {
            return;
        }
        let guard = self.catalog.lock().unwrap_or_else(|e| e.into_inner());
        let Some(entries) = guard.as_ref() else {
            return;
        };
        let bytes = catalog::encode(entries).into_bytes();
        let p = self.catalog_path();
        if let Err(e) = self.write_file(&p, &bytes) {
            // Only a cache: the next start parses the files again.
            scan.notes.push(format!(
                "{}: cannot write the catalog cache: {e}",
                p.display()
            ));
        }
    }
}

/// Add a catalog entry to a scan, as a summary or a problem.
fn emit(dir: &Path, name: &str, entry: &CatalogEntry, key: FileKey, scan: &mut Scan) {
    let path = dir.join(name);
    match &entry.parsed {
        Parsed::Ok {
            meta,
            chars,
            preview,
        } => scan.sessions.push(SessionSummary {
            meta: meta.clone(),
            path,
            stamp: entry.stamp,
            key: Some(key),
            chars: *chars,
            preview: preview.clone(),
        }),
        Parsed::Problem { line, message } => scan.problems.push(Problem {
            path,
            line: *line,
            message: message.clone(),
        }),
    }
}

/// Parse files not (or no longer) in the catalog, on as many threads as there are cores.
fn parse_files(dir: &Path, files: &[(String, FileStamp, FileKey)]) -> Vec<(String, CatalogEntry)> {
    let now = now_ns();
    let parse_one = |(name, stamp, _): &(String, FileStamp, FileKey)| -> (String, CatalogEntry) {
        let path = dir.join(name);
        let parsed = if id_of_file_name(name).is_none() {
            Parsed::Problem {
                line: None,
                message: "the file name does not end with a session id: session files are \
                          named YYYY-MM-DD-title-<id>.md (or <id>.md)"
                    .into(),
            }
        } else {
            match fs::read(&path) {
                Err(e) => Parsed::Problem {
                    line: None,
                    message: format!("cannot read: {e}"),
                },
                Ok(bytes) => match parse_bytes(&path, &bytes) {
                    Ok(s) => Parsed::Ok {
                        chars: s.text.chars().count(),
                        preview: preview(&s.text).into(),
                        meta: Arc::new(s.meta),
                    },
                    Err(e) => Parsed::Problem {
                        line: Some(e.line),
                        message: e.message,
                    },
                },
            }
        };
        let entry = CatalogEntry {
            stamp: *stamp,
            settled: now - stamp.mtime_ns > RACY_NS,
            parsed,
        };
        (name.clone(), entry)
    };
    parallel_map(files, parse_one)
}
