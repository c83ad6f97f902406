//! Which coders and sessions a comparison takes, and reading them from the store.
//!
//! By default a comparison takes the sessions every compared coder has marked done
//! ([`super::done`]): a session one coder never opened is not "nothing to code" for them.
//! `SessionChoice::All` takes every session, counting a coder's missing codings as "absent".

use super::cache::{self, Measured};
use super::done::{self, DoneMarks};
use super::read::{load_one, orphan_warning, One};
use super::{Options, Report, SessionCodings};
use crate::core::codebook::Codebook;
use crate::core::coding::coder_slug;
use crate::core::coding_store::{self, codings_dir, CodingFileError};
use crate::core::session::SessionId;
use crate::core::store::Store;
use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io;
use std::path::Path;

/// Which sessions to compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SessionChoice {
    /// Those every compared coder marked done.
    #[default]
    Done,
    /// Every session in the store.
    All,
}

/// A coder with a folder under `codings/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoderInfo {
    /// The folder name.
    pub slug: String,
    /// The name as written in their files (the slug when no file says).
    pub name: String,
    /// Their done marks (empty when they marked none).
    pub done: DoneMarks,
}

/// Every coder with a folder under `codings/`, sorted by folder, with their done marks. A
/// done-marks file that cannot be read is reported; that coder then has no marks.
pub fn coders(root: &Path) -> (Vec<CoderInfo>, Vec<CodingFileError>) {
    let dir = codings_dir(root);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return (out, errors),
        Err(e) => {
            errors.push(CodingFileError {
                path: dir,
                line: None,
                message: format!("cannot list: {e}"),
            });
            return (out, errors);
        }
    };
    let mut dirs: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_string();
            (!name.starts_with('.')).then_some((name, p))
        })
        .collect();
    dirs.sort();
    for (slug, path) in dirs {
        let marks = match done::load_dir(&path) {
            Ok(m) => m,
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let name = match &marks {
            Some(m) if !m.coder.trim().is_empty() => m.coder.clone(),
            _ => name_from_files(&path).unwrap_or_else(|| slug.clone()),
        };
        out.push(CoderInfo {
            slug,
            done: marks.unwrap_or_else(|| DoneMarks {
                coder: name.clone(),
                ..DoneMarks::default()
            }),
            name,
        });
    }
    (out, errors)
}

/// The coder name written in one of the folder's codings files.
fn name_from_files(dir: &Path) -> Option<String> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .find_map(|p| coding_store::read_file(p).ok())
        .map(|f| f.coder)
        .filter(|c| !c.trim().is_empty())
}

/// The coder a name given by the user means (compared by folder slug), if any.
pub fn find_coder<'a>(coders: &'a [CoderInfo], name: &str) -> Option<&'a CoderInfo> {
    let slug = coder_slug(name);
    coders.iter().find(|c| c.slug == slug)
}

/// The sessions to compare, sorted by id, and a warning for each session file the store could
/// not read (with `SessionChoice::All` such a file is left out, and the user is told).
/// `only` restricts them further (a search's sessions).
pub fn session_ids(
    store: &Store,
    coders: &[CoderInfo],
    choice: SessionChoice,
    only: Option<&HashSet<SessionId>>,
) -> (Vec<SessionId>, Vec<String>) {
    let mut warnings = Vec::new();
    let mut ids: Vec<SessionId> = match choice {
        SessionChoice::Done => {
            let Some((first, rest)) = coders.split_first() else {
                return (Vec::new(), warnings);
            };
            first
                .done
                .done
                .keys()
                .filter(|id| rest.iter().all(|c| c.done.done.contains_key(*id)))
                .map(|id| SessionId(id.clone()))
                .collect()
        }
        SessionChoice::All => {
            let scan = store.scan();
            warnings.extend(
                scan.problems
                    .iter()
                    .map(|p| format!("{p} (left out of the comparison)")),
            );
            scan.sessions
                .iter()
                .map(|s| s.meta.id.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        }
    };
    if let Some(only) = only {
        ids.retain(|id| only.contains(id));
    }
    ids.sort();
    (ids, warnings)
}

/// What [`load`] (or [`load_for`]) read.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The sessions with their text (empty when only the figures were asked for).
    pub sessions: Vec<SessionCodings>,
    /// Sessions left out (a file that cannot be read) and codings not compared (orphaned).
    pub warnings: Vec<String>,
    /// Only the figures were asked for: what they need of each session ([`cache`]).
    pub measured: Option<Vec<Measured>>,
}

impl Loaded {
    /// Whether no session was read.
    pub fn is_empty(&self) -> bool {
        match &self.measured {
            Some(m) => m.is_empty(),
            None => self.sessions.is_empty(),
        }
    }

    /// The figures of the sessions read ([`super::compare`]).
    pub fn compare(&self, coders: &[String], codebook: &Codebook, opts: &Options) -> Report {
        match &self.measured {
            Some(m) => cache::compare_measured(m, coders, codebook, opts),
            None => super::compare(&self.sessions, coders, codebook, opts),
        }
    }
}

/// [`load`] when `texts`; otherwise only what the figures need ([`cache::load_measured`],
/// much faster on a large store: unchanged files are not read again).
pub fn load_for(store: &Store, coders: &[CoderInfo], ids: &[SessionId], texts: bool) -> Loaded {
    if texts {
        load(store, coders, ids)
    } else {
        let slugs: Vec<&str> = coders.iter().map(|c| c.slug.as_str()).collect();
        let m = cache::load_measured(store, &slugs, ids);
        Loaded {
            sessions: Vec::new(),
            warnings: m.warnings,
            measured: Some(m.sessions),
        }
    }
}

/// Read the sessions `ids` and each coder's codings of them, re-attached (in memory) to the
/// note as it is now. A session whose note or any coder's file cannot be read is left out with
/// a warning rather than compared as if that coder had coded nothing.
pub fn load(store: &Store, coders: &[CoderInfo], ids: &[SessionId]) -> Loaded {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = ids.len().div_ceil(threads).max(1);
    let slugs: Vec<&str> = coders.iter().map(|c| c.slug.as_str()).collect();
    let slugs = &slugs[..];
    let results: Vec<Vec<One>> = std::thread::scope(|scope| {
        let handles: Vec<_> = ids
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|id| load_one(store, slugs, id)).collect())
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a loading thread panicked"))
            .collect()
    });
    let mut loaded = Loaded::default();
    let mut orphans = 0;
    for one in results.into_iter().flatten() {
        match one {
            One::Session(s, o) => {
                orphans += o;
                loaded.sessions.push(s);
            }
            One::Gone => {}
            One::Problem(p) => loaded.warnings.push(p),
        }
    }
    if orphans > 0 {
        loaded.warnings.push(orphan_warning(orphans));
    }
    loaded
}
