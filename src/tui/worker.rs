//! Disk work off the UI thread. The UI sends `Request`s; one IO thread answers with `Response`s
//! on the same channel the input thread feeds, so the event loop waits on one queue and the UI
//! never blocks on the file system.

use crate::core::anchor::reattach_all;
use crate::core::codebook::{Codebook, ThemeRemap};
use crate::core::coding::same_coder;
use crate::core::coding::CoderSessionFile;
use crate::core::coding_draft::{self, CodingDraft};
use crate::core::coding_store;
use crate::core::session::{Session, SessionId};
use crate::core::store::{
    diff_lines, merge, BaseCopy, DiffLine, DraftBase, FileStamp, FileVersion, Merged,
    RecoverySource, Scan, Store,
};
use crossbeam_channel::{Receiver, Sender};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

#[derive(Debug)]
pub enum Request {
    Scan,
    Load(SessionId),
    /// Save a snapshot taken at editor version `version`.
    Save {
        session: Box<Session>,
        version: u64,
        /// The file's stamp when Ripple last read or wrote it. If the file on disk no longer
        /// has it, someone else changed the file: the save is refused (and our text kept in a
        /// draft) instead of overwriting their change. None writes regardless.
        expected: Option<FileStamp>,
        /// The file the text was made from (None: no file yet), recorded in the draft that
        /// keeps the text if the save fails.
        base: Option<BaseCopy>,
    },
    /// Keep unsaved text safe: typing not yet saved, a failed save, a read-only store.
    WriteDraft(Box<DraftOf>),
    ClearDraft(SessionId),
    /// The user chose the file over the recovered text: move the drafts to the trash.
    DiscardRecovery(SessionId),
    /// Ask for the file's current stamp, to notice edits made outside Ripple.
    Stamp(SessionId),
    /// Read the store's codebook.
    LoadCodebook,
    /// Write your coder file of one session (coding version `version` of the open note). Only
    /// your own file is ever written: other coders' codings that your typing moved are moved
    /// on screen only (they are found again from their words whenever read), so coders
    /// sharing a store never write each other's files. If the file cannot be written, its
    /// content is kept in a coding draft.
    SaveCodings {
        id: SessionId,
        file: Box<CoderSessionFile>,
        version: u64,
        /// The file holds what its coding draft (if any) kept, so a successful write removes
        /// the draft and a failed one replaces it. False while a draft from an earlier run
        /// waits to be restored: it is then kept, and added to on a failure.
        holds_draft: bool,
    },
    /// Keep one coder's unsaved codings in a coding draft (leaving although a save failed).
    WriteCodingDraft {
        file: Box<CoderSessionFile>,
        holds_draft: bool,
    },
    /// Write the coder's kept coding draft back into their file, then re-read every coder's
    /// codings re-attached to `text` (the open note's text).
    RestoreCodingDraft {
        id: SessionId,
        coder: String,
        text: String,
    },
    /// Count coded passages per theme over every coder file.
    CountCodings,
    /// Size and time of every coder's file for the session (to notice files changed outside).
    CodingStamp(SessionId),
    /// Every coder's codings for the session, re-attached to `text` (the open note's text).
    LoadCodings {
        id: SessionId,
        text: String,
    },
    /// Write an edited codebook. `remap` moves passages first (merge, delete with
    /// reassignment); `require_unused` refuses when that theme still codes passages.
    SaveCodebook {
        codebook: Box<Codebook>,
        remap: Option<ThemeRemap>,
        require_unused: Option<String>,
        done: String,
    },
}

/// A recovery draft to write: the text, and the file it was made from (None: no file yet).
#[derive(Debug)]
pub struct DraftOf {
    pub session: Session,
    pub base: Option<BaseCopy>,
}

// Answers are moved once into the event loop; boxing the large ones would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Response {
    /// The scan, sessions with text drafts, and sessions with coding drafts.
    Scanned(Box<Scan>, Vec<SessionId>, Vec<SessionId>),
    Loaded {
        id: SessionId,
        result: Result<Loaded, String>,
    },
    Saved {
        id: SessionId,
        version: u64,
        /// The file's stamp and content as written.
        result: Result<(FileStamp, BaseCopy), String>,
        /// Where the text was kept when the save failed.
        draft: Option<PathBuf>,
    },
    /// A save was refused because the file changed on disk since Ripple last read or wrote it.
    SaveConflict {
        id: SessionId,
        version: u64,
        /// Where our text was kept.
        draft: Option<PathBuf>,
    },
    DraftWritten(Result<PathBuf, String>),
    /// The recovered text was moved to this trash folder (None: there was none), or why not.
    RecoveryDiscarded {
        id: SessionId,
        result: Result<Option<PathBuf>, String>,
    },
    Stamp {
        id: SessionId,
        stamp: Option<FileStamp>,
    },
    /// The codebook, or its problems (`file:line: reason`) when it is invalid.
    Codebook(Result<Codebook, Vec<String>>),
    CodingsSaved {
        id: SessionId,
        version: u64,
        result: Result<(), String>,
        /// The coder files' stamps right after writing.
        stamp: Vec<(PathBuf, Option<FileStamp>)>,
        /// Where the owner's codings were kept when their file could not be written (Err: the
        /// draft could not be written either).
        draft: Option<Result<PathBuf, String>>,
    },
    /// A coding draft was written back into its coder file (the message to show) or why not,
    /// and every coder's codings as they are now.
    CodingDraftRestored {
        id: SessionId,
        result: Result<String, String>,
        files: Vec<CoderSessionFile>,
        problems: Vec<String>,
        stamp: Vec<(PathBuf, Option<FileStamp>)>,
    },
    /// Passages per theme key, and files that could not be read.
    CodingCounts(BTreeMap<String, usize>, Vec<String>),
    CodingStamp {
        id: SessionId,
        stamp: Vec<(PathBuf, Option<FileStamp>)>,
    },
    CodingsLoaded {
        id: SessionId,
        files: Vec<CoderSessionFile>,
        problems: Vec<String>,
        stamp: Vec<(PathBuf, Option<FileStamp>)>,
    },
    /// Codebook written (the message to show) or why not.
    CodebookSaved {
        codebook: Box<Codebook>,
        result: Result<String, String>,
    },
}

#[derive(Debug)]
pub struct Loaded {
    pub session: Session,
    pub stamp: Option<FileStamp>,
    /// The file's content and version (None: no file), what the editor's text is made from.
    pub base: Option<BaseCopy>,
    /// Unsaved text kept in a draft (or an interrupted save's copy) that differs from the file.
    pub draft: Option<Recovered>,
    /// Every coder's codings for the session, re-attached to the file's text.
    pub codings: Vec<CoderSessionFile>,
    /// Coder files that could not be read (left untouched) or re-saved.
    pub coding_problems: Vec<String>,
    /// The coder files' stamps once loaded, to notice later changes made outside.
    pub coding_stamp: Vec<(PathBuf, Option<FileStamp>)>,
    /// Coding drafts kept for this session (any coder) that differ from the coder's file.
    pub coding_drafts: Vec<CodingDraft>,
}

/// Unsaved text found when a session is opened.
#[derive(Debug)]
pub struct Recovered {
    pub session: Session,
    pub written: SystemTime,
    pub path: PathBuf,
    pub source: RecoverySource,
    /// It was made from the file as it is now, or there is no file: it is restored without
    /// asking. Otherwise the user sees `diff` and chooses.
    pub onto_file: bool,
    /// The file's text against the recovered text.
    pub diff: Vec<DiffLine>,
    /// The three-way merge of both, when the version it was made from is known and kept.
    pub merged: Option<Merged>,
}

/// The unsaved text kept for `id` that differs from `file` (the session file and its content,
/// None when there is none), and whether it can be restored without asking.
fn recovered(
    store: &Store,
    id: &SessionId,
    file: Option<(&Session, &BaseCopy)>,
) -> Option<Recovered> {
    let r = store.recovery(id)?;
    if file.is_some_and(|(s, _)| r.session.text == s.text && r.session.meta == s.meta) {
        return None;
    }
    let onto_file = match file {
        // Nothing on disk can be overwritten; a new session's text comes back as it was.
        None => true,
        Some((_, base)) => {
            r.source == RecoverySource::Draft && r.base == DraftBase::File(base.version.clone())
        }
    };
    let (diff, merged) = match file {
        Some((s, _)) if !onto_file => {
            let diff = diff_lines(&s.text, &r.session.text);
            let merged = match &r.base {
                DraftBase::File(v) => store
                    .draft_base_copy(id, v)
                    .map(|base| merge(&base, s, &r.session)),
                _ => None,
            };
            (diff, merged)
        }
        _ => (Vec::new(), None),
    };
    Some(Recovered {
        session: r.session,
        written: r.written,
        path: r.path,
        source: r.source,
        onto_file,
        diff,
        merged,
    })
}

/// Start the IO thread, which works for `coder` (the one coder whose codings files it writes,
/// besides an explicit codebook change). Responses are wrapped by `wrap` into the event
/// loop's message type.
pub fn spawn<M: Send + 'static>(
    store: Arc<Store>,
    coder: String,
    requests: Receiver<Request>,
    out: Sender<M>,
    wrap: fn(Response) -> M,
) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("ripple-io".into())
        .spawn(move || {
            let mut saved = SavedBases::default();
            for req in requests {
                let resp = handle(&store, &coder, &mut saved, req);
                if out.send(wrap(resp)).is_err() {
                    break;
                }
            }
        })
        .expect("spawn IO thread")
}

/// The file each session's last save here wrote, and the version it replaced. Requests are
/// handled in order, so a draft asked for while a save was on its way was made from the text
/// that save wrote, though the editor did not know its version yet: the draft names that.
#[derive(Default)]
pub(crate) struct SavedBases(std::collections::HashMap<SessionId, (Option<FileVersion>, BaseCopy)>);

impl SavedBases {
    /// The file the editor's text was made from, given what the editor believed it was.
    fn current(&self, id: &SessionId, believed: Option<BaseCopy>) -> Option<BaseCopy> {
        match self.0.get(id) {
            Some((before, written)) if *before == believed.as_ref().map(|b| b.version.clone()) => {
                Some(written.clone())
            }
            _ => believed,
        }
    }
}

/// Answer one request (on the IO thread; on the UI thread only when that thread has died).
pub(crate) fn handle(store: &Store, coder: &str, saved: &mut SavedBases, req: Request) -> Response {
    match req {
        Request::Scan => {
            let mut scan = store.scan();
            let drafts = store.list_drafts();
            add_unsaved_sessions(store, &mut scan, &drafts);
            let coding_drafts = coding_draft::sessions_with_drafts(store);
            Response::Scanned(Box::new(scan), drafts, coding_drafts)
        }
        Request::Load(id) => {
            // The editor's text is made from the file as read now.
            saved.0.remove(&id);
            let result = store
                .load_with_base(&id)
                .map(|(session, base)| {
                    let stamp = store.stamp(&id);
                    let draft = recovered(store, &id, Some((&session, &base)));
                    let (coding_drafts, unreadable) = kept_coding_drafts(store, &id);
                    let (codings, mut coding_problems) =
                        load_codings(store, Some(coder), &id, &session.text);
                    coding_problems.extend(unreadable);
                    Loaded {
                        session,
                        stamp,
                        base: Some(base),
                        draft,
                        codings,
                        coding_problems,
                        coding_stamp: coding_stamp(store, &id),
                        coding_drafts,
                    }
                })
                .or_else(|e| {
                    // A session that exists only as a draft (created, never saved) still opens.
                    match recovered(store, &id, None).filter(|_| store.stamp(&id).is_none()) {
                        Some(r) => {
                            let (coding_drafts, unreadable) = kept_coding_drafts(store, &id);
                            // The kept text is not on disk: nothing is written for it.
                            let (codings, mut coding_problems) =
                                load_codings(store, None, &id, &r.session.text);
                            coding_problems.extend(unreadable);
                            Ok(Loaded {
                                session: r.session.clone(),
                                stamp: None,
                                base: None,
                                draft: Some(r),
                                codings,
                                coding_problems,
                                coding_stamp: coding_stamp(store, &id),
                                coding_drafts,
                            })
                        }
                        None => Err(e.to_string()),
                    }
                });
            Response::Loaded { id, result }
        }
        Request::Save {
            session,
            version,
            expected,
            base,
        } => {
            let id = session.meta.id.clone();
            let base = saved.current(&id, base);
            if let Some(expected) = expected {
                if store.stamp(&id) != Some(expected) {
                    let draft = store.write_draft_from(&session, base.as_ref()).ok();
                    return Response::SaveConflict { id, version, draft };
                }
            }
            match store.save_with_base(&session) {
                Ok(written) => {
                    let _ = store.clear_draft(&id);
                    saved
                        .0
                        .insert(id.clone(), (base.map(|b| b.version), written.1.clone()));
                    Response::Saved {
                        id,
                        version,
                        result: Ok(written),
                        draft: None,
                    }
                }
                Err(e) => {
                    let draft = store.write_draft_from(&session, base.as_ref()).ok();
                    Response::Saved {
                        id,
                        version,
                        result: Err(e.to_string()),
                        draft,
                    }
                }
            }
        }
        Request::WriteDraft(d) => {
            let base = saved.current(&d.session.meta.id, d.base);
            Response::DraftWritten(
                store
                    .write_draft_from(&d.session, base.as_ref())
                    .map_err(|e| e.to_string()),
            )
        }
        Request::DiscardRecovery(id) => Response::RecoveryDiscarded {
            result: store.discard_recovery(&id).map_err(|e| e.to_string()),
            id,
        },
        Request::ClearDraft(id) => {
            let _ = store.clear_draft(&id);
            Response::DraftWritten(Ok(PathBuf::new()))
        }
        Request::Stamp(id) => {
            let stamp = store.stamp(&id);
            Response::Stamp { id, stamp }
        }
        Request::LoadCodebook => Response::Codebook(
            Codebook::load_or_builtin(&store.codebook_path())
                .map_err(|errs| errs.iter().map(|e| e.to_string()).collect()),
        ),
        Request::SaveCodings {
            id,
            file,
            version,
            holds_draft,
        } => {
            let mut draft = None;
            // A file on disk that cannot be read is never overwritten: it may hold work. And
            // this thread writes its own coder's file only.
            let saved = if same_coder(&file.coder, coder) {
                coding_store::load(store.root(), &file.coder, &file.session)
                    .and_then(|_| coding_store::save(store.root(), &file))
            } else {
                Err(coding_store::CodingFileError {
                    path: coding_store::file_path(store.root(), &file.coder, &file.session),
                    line: None,
                    message: format!(
                        "not written: these are {}'s codings, not {coder}'s",
                        file.coder
                    ),
                })
            };
            let result = match saved {
                Err(e) => {
                    draft = Some(keep_codings(store, &file, holds_draft));
                    Err(e.to_string())
                }
                Ok(()) => {
                    // A draft that cannot be removed is said so.
                    if holds_draft {
                        if let Err(e) = coding_draft::clear(store, &file.coder, &file.session) {
                            draft = Some(Err(e.to_string()));
                        }
                    }
                    Ok(())
                }
            };
            Response::CodingsSaved {
                stamp: coding_stamp(store, &id),
                id,
                version,
                result,
                draft,
            }
        }
        Request::WriteCodingDraft { file, holds_draft } => {
            Response::DraftWritten(keep_codings(store, &file, holds_draft))
        }
        Request::RestoreCodingDraft {
            id,
            coder: draft_coder,
            text,
        } => {
            let result = coding_draft::restore(store, &draft_coder, &id)
                .map(|r| {
                    let kept = if r.from_file > 0 {
                        format!(", with {} already in the file", r.from_file)
                    } else {
                        String::new()
                    };
                    format!(
                        "Restored {} coding(s) from {}{kept}",
                        r.codings,
                        r.draft.display()
                    )
                })
                .map_err(|e| e.to_string());
            let (files, problems) = load_codings(store, Some(coder), &id, &text);
            Response::CodingDraftRestored {
                stamp: coding_stamp(store, &id),
                id,
                result,
                files,
                problems,
            }
        }
        Request::CodingStamp(id) => Response::CodingStamp {
            stamp: coding_stamp(store, &id),
            id,
        },
        Request::LoadCodings { id, text } => {
            let (files, problems) = load_codings(store, Some(coder), &id, &text);
            Response::CodingsLoaded {
                stamp: coding_stamp(store, &id),
                id,
                files,
                problems,
            }
        }
        Request::CountCodings => {
            let (files, errors) = coding_store::load_all(store.root());
            Response::CodingCounts(
                coding_store::count_by_theme(&files),
                errors.iter().map(|e| e.to_string()).collect(),
            )
        }
        Request::SaveCodebook {
            codebook,
            remap,
            require_unused,
            done,
        } => {
            let result = save_codebook(store, &codebook, remap.as_ref(), require_unused);
            Response::CodebookSaved {
                codebook,
                result: result.map(|moved| {
                    if moved > 0 {
                        format!("{done}; {moved} passage(s) moved")
                    } else {
                        done
                    }
                }),
            }
        }
    }
}

/// Sessions that exist only as unsaved text (a new session whose first save never happened)
/// join the list, so they can be opened and their text recovered.
fn add_unsaved_sessions(store: &Store, scan: &mut Scan, drafts: &[SessionId]) {
    let listed: std::collections::HashSet<&str> =
        scan.sessions.iter().map(|s| s.meta.id.as_str()).collect();
    let missing: Vec<&SessionId> = drafts
        .iter()
        .filter(|id| !listed.contains(id.as_str()) && store.stamp(id).is_none())
        .collect();
    for id in missing {
        let Some(r) = store.recovery(id) else {
            continue;
        };
        let summary = crate::core::store::SessionSummary {
            stamp: FileStamp::of_path(&r.path).unwrap_or(FileStamp {
                mtime_ns: 0,
                size: 0,
            }),
            chars: r.session.text.chars().count(),
            preview: crate::core::store::preview(&r.session.text).into(),
            meta: Arc::new(r.session.meta),
            path: r.path,
        };
        // The list's order: newest date first, then newest created, then id.
        let key = |m: &crate::core::session::SessionMeta| {
            (
                std::cmp::Reverse(m.date),
                std::cmp::Reverse(m.created),
                std::cmp::Reverse(m.id.clone()),
            )
        };
        let at = scan
            .sessions
            .partition_point(|s| key(&s.meta) < key(&summary.meta));
        scan.sessions.insert(at, summary);
    }
}

/// Keep a coder file in a coding draft, replacing the kept one only if `file` holds it.
fn keep_codings(
    store: &Store,
    file: &CoderSessionFile,
    holds_draft: bool,
) -> Result<PathBuf, String> {
    if holds_draft {
        coding_draft::write(store, file)
    } else {
        coding_draft::write_merged(store, file)
    }
    .map_err(|e| e.to_string())
}

/// The coding drafts kept for session `id` whose content is not what the coder's file holds,
/// and the drafts kept for it that cannot be read (said as problems: they are left alone).
fn kept_coding_drafts(store: &Store, id: &SessionId) -> (Vec<CodingDraft>, Vec<String>) {
    let (drafts, errors) = coding_draft::list(store);
    let name = format!("{}.json", id.as_str());
    let unreadable = errors
        .into_iter()
        .filter(|e| e.path.file_name().is_some_and(|n| *n == *name))
        .map(|e| e.to_string())
        .collect();
    let drafts = drafts
        .into_iter()
        .filter(|d| &d.file.session == id)
        .filter(|d| {
            !matches!(
                coding_store::load(store.root(), &d.file.coder, id),
                Ok(disk) if disk.codings == d.file.codings && disk.memo == d.file.memo
            )
        })
        .collect();
    (drafts, unreadable)
}

/// Every coder folder's file for `id`, with its stamp (None: no such file), sorted.
fn coding_stamp(store: &Store, id: &SessionId) -> Vec<(PathBuf, Option<FileStamp>)> {
    let dir = coding_store::codings_dir(store.root());
    let mut out: Vec<(PathBuf, Option<FileStamp>)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path().join(format!("{}.json", id.as_str())))
                .map(|p| {
                    let s = FileStamp::of_path(&p);
                    (p, s)
                })
                .filter(|(_, s)| s.is_some())
                .collect()
        })
        .unwrap_or_default();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Every coder's file for a session, re-attached to `text` (the note's text). Other coders'
/// files are re-attached in memory only, for display: a coder's file is written by that
/// coder's own actions alone, so coders sharing a store (git, a synced folder) never write
/// each other's files. `owner`'s own file is written back when its passages moved (unless
/// the store is read-only), so it stores where they are now.
fn load_codings(
    store: &Store,
    owner: Option<&str>,
    id: &SessionId,
    text: &str,
) -> (Vec<CoderSessionFile>, Vec<String>) {
    let (mut files, errors) = coding_store::load_session(store.root(), id);
    let mut problems: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    for f in &mut files {
        let before = f.codings.clone();
        reattach_all(text, &mut f.codings);
        let mine = owner.is_some_and(|o| same_coder(o, &f.coder));
        if mine && f.codings != before && !store.is_read_only() {
            if let Err(e) = coding_store::save(store.root(), f) {
                problems.push(e.to_string());
            }
        }
    }
    (files, problems)
}

/// Move passages (if asked), then write the codebook. Passages move first: if writing the
/// codebook then fails, they carry a theme that still exists, so nothing is stranded.
fn save_codebook(
    store: &Store,
    codebook: &Codebook,
    remap: Option<&ThemeRemap>,
    require_unused: Option<String>,
) -> Result<usize, String> {
    if store.is_read_only() {
        return Err("the store is read-only".into());
    }
    // Kept coding drafts change with the files: checked before anything is written.
    let drafts = if remap.is_some() || require_unused.is_some() {
        coding_draft::all_readable(store, "changing themes").map_err(|e| e.to_string())?
    } else {
        Vec::new()
    };
    if let Some(key) = require_unused {
        let (files, errors) = coding_store::load_all(store.root());
        if let Some(e) = errors.first() {
            return Err(format!("{e}; fix this file before deleting themes"));
        }
        let n = coding_store::count_by_theme(&files)
            .get(&key)
            .copied()
            .unwrap_or(0)
            + coding_draft::count_theme(&drafts, &key);
        if n > 0 {
            return Err(format!(
                "theme `{key}` now codes {n} passage(s): choose a theme to reassign them to"
            ));
        }
    }
    let moved = match remap {
        Some(r) => {
            let moved = coding_store::apply_remap(store.root(), r).map_err(|e| e.to_string())?;
            coding_draft::apply_remap(store, drafts, r).map_err(|e| e.to_string())?;
            moved
        }
        None => 0,
    };
    codebook
        .save(&store.codebook_path())
        .map_err(|e| e.to_string())?;
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::coding::AnchorStatus;

    #[test]
    fn merging_or_deleting_a_theme_reaches_kept_coding_drafts() {
        use crate::core::session::SessionMeta;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let meta = SessionMeta::new_today("M. Rivera");
        let id = meta.id.clone();
        let text = "we trust each other now";
        store.create(meta, text).unwrap();
        let kept = CoderSessionFile {
            session: id.clone(),
            coder: "Ana".into(),
            memo: String::new(),
            codings: vec![coding_store::new_coding(text, &id, 3, 8, "trust", "Ana", "").unwrap()],
        };
        coding_draft::write(&store, &kept).unwrap();
        let book = Codebook::builtin();

        // Deleting `trust` without reassigning: the kept passage counts.
        let mut deleted = book.clone();
        let remap = deleted.delete("trust", None, 0).unwrap();
        let err = save_codebook(&store, &deleted, remap.as_ref(), Some("trust".into()));
        assert!(err.unwrap_err().contains("now codes 1 passage"));

        // Merging it into `communication` moves the kept passage too.
        let mut merged = book.clone();
        let remap = merged.merge("trust", "communication").unwrap();
        save_codebook(&store, &merged, Some(&remap), None).unwrap();
        let draft = coding_draft::read(&store, "Ana", &id).unwrap().unwrap();
        assert_eq!(draft.file.codings[0].theme, "communication");
    }

    /// A store whose note was edited outside Ripple after Ana and Bea coded it, so both
    /// coders' stored positions are stale: (store folder, store, session id).
    fn store_with_stale_codings() -> (tempfile::TempDir, Store, SessionId) {
        use crate::core::session::SessionMeta;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let meta = SessionMeta::new_today("M. Rivera");
        let id = meta.id.clone();
        let old = "We finally trust each other. Calls go unanswered.";
        let mut session = store.create(meta, old).unwrap();
        for (coder, quote) in [("Ana", "trust each other"), ("Bea", "Calls go unanswered")] {
            let (s, e) = coding_store::find_quote(old, quote, None).unwrap();
            let c = coding_store::new_coding(old, &id, s, e, "trust", coder, "").unwrap();
            let file = CoderSessionFile {
                session: id.clone(),
                coder: coder.into(),
                memo: String::new(),
                codings: vec![c],
            };
            coding_store::save(store.root(), &file).unwrap();
        }
        session.text = format!("Heading added later.\n\n{old}");
        store.save(&session).unwrap();
        (dir, store, id)
    }

    #[test]
    fn opening_a_note_writes_only_the_opening_coder_s_file() {
        let (_dir, store, id) = store_with_stale_codings();
        let ana = coding_store::file_path(store.root(), "Ana", &id);
        let bea = coding_store::file_path(store.root(), "Bea", &id);
        let (ana_bytes, bea_bytes) = (
            std::fs::read_to_string(&ana).unwrap(),
            std::fs::read_to_string(&bea).unwrap(),
        );
        let Response::Loaded { result, .. } = handle(
            &store,
            "Bea",
            &mut SavedBases::default(),
            Request::Load(id.clone()),
        ) else {
            panic!("a load answers Loaded")
        };
        let loaded = result.unwrap();
        // Both are shown where their words are now...
        for f in &loaded.codings {
            let c = &f.codings[0];
            assert_eq!(c.status, AnchorStatus::Attached);
            let words: String = loaded
                .session
                .text
                .chars()
                .skip(c.start)
                .take(c.end - c.start)
                .collect();
            assert_eq!(words, c.quote, "{}", f.coder);
        }
        // ...but only Bea, who opened it, has her file brought up to date.
        assert_eq!(
            std::fs::read_to_string(&ana).unwrap(),
            ana_bytes,
            "Ana's file is hers"
        );
        assert_ne!(std::fs::read_to_string(&bea).unwrap(), bea_bytes);
        // Re-reading the codings (a change seen outside) writes nothing of Ana's either.
        handle(
            &store,
            "Bea",
            &mut SavedBases::default(),
            Request::LoadCodings {
                id: id.clone(),
                text: loaded.session.text.clone(),
            },
        );
        assert_eq!(std::fs::read_to_string(&ana).unwrap(), ana_bytes);
    }

    #[test]
    fn the_io_thread_writes_no_other_coder_s_file() {
        let (_dir, store, id) = store_with_stale_codings();
        let ana = coding_store::file_path(store.root(), "Ana", &id);
        let ana_bytes = std::fs::read_to_string(&ana).unwrap();
        let mut theirs = coding_store::load(store.root(), "Ana", &id).unwrap();
        theirs.codings.clear();
        let resp = handle(
            &store,
            "Bea",
            &mut SavedBases::default(),
            Request::SaveCodings {
                id: id.clone(),
                file: Box::new(theirs),
                version: 1,
                holds_draft: true,
            },
        );
        let Response::CodingsSaved { result, .. } = resp else {
            panic!("a save answers CodingsSaved")
        };
        assert!(result.unwrap_err().contains("Ana's codings"));
        assert_eq!(std::fs::read_to_string(&ana).unwrap(), ana_bytes);
    }
}
