//! Notes in a workspace: the session list, opening a note (with its unsaved text and every
//! coder's codings), saving it, and the recovery drafts that keep unsaved text.

use super::error::WorkspaceError;
use super::Workspace;
use crate::core::coding::CoderSessionFile;
use crate::core::coding_draft::{self, CodingDraft};
use crate::core::session::{Session, SessionId, SessionMeta};
use crate::core::store::{
    diff_lines, merge, preview, BaseCopy, DiffLine, DraftBase, FileStamp, Merged, RecoverySource,
    Scan, SessionSummary, Store,
};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

/// The session list: the scan (with sessions that exist only as unsaved text), sessions with
/// text drafts, and sessions with coding drafts.
#[derive(Debug)]
pub struct Listing {
    pub scan: Scan,
    pub drafts: Vec<SessionId>,
    pub coding_drafts: Vec<SessionId>,
}

/// A note as opened.
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

/// What became of a save.
#[derive(Debug)]
pub enum Saved {
    /// Written: the file's stamp and content as written.
    Written(FileStamp, BaseCopy),
    /// Refused: the file changed on disk since it was last read or written here. The text was
    /// kept in this draft (None: it could not be).
    Conflict { draft: Option<PathBuf> },
    /// Writing failed; the text was kept in this draft (None: it could not be).
    Failed {
        error: WorkspaceError,
        draft: Option<PathBuf>,
    },
}

impl Workspace<'_> {
    /// Every session, with the drafts kept for them. Sessions that exist only as unsaved text
    /// (a new session whose first save never happened) join the list, so they can be opened
    /// and their text recovered.
    pub fn list(&self) -> Listing {
        let mut scan = self.store.scan();
        let drafts = self.store.list_drafts();
        add_unsaved_sessions(self.store, &mut scan, &drafts);
        let coding_drafts = coding_draft::sessions_with_drafts(self.store);
        Listing {
            scan,
            drafts,
            coding_drafts,
        }
    }

    /// Open a note: the file as it is now, the unsaved text kept for it that differs, the
    /// coding drafts kept for it, and every coder's codings re-attached to the file's text
    /// (the workspace's coder's own file is written back when its passages moved). A session
    /// that exists only as a draft (created, never saved) opens from the draft, and nothing
    /// is written for its codings: its text is not on disk.
    pub fn open(&mut self, id: &SessionId) -> Result<Loaded, WorkspaceError> {
        // The editor's text is made from the file as read now.
        self.saved.0.remove(id);
        let store = self.store;
        match store.load_with_base(id) {
            Ok((session, base)) => {
                let stamp = store.stamp(id);
                let draft = recovered(store, id, Some((&session, &base)));
                let (coding_drafts, unreadable) = self.kept_coding_drafts(id);
                let (codings, mut coding_problems) =
                    self.attached_codings(Some(&self.coder), id, &session.text);
                coding_problems.extend(unreadable);
                Ok(Loaded {
                    session,
                    stamp,
                    base: Some(base),
                    draft,
                    codings,
                    coding_problems,
                    coding_stamp: self.coding_stamp(id),
                    coding_drafts,
                })
            }
            Err(e) => match recovered(store, id, None).filter(|_| store.stamp(id).is_none()) {
                Some(r) => {
                    let (coding_drafts, unreadable) = self.kept_coding_drafts(id);
                    let (codings, mut coding_problems) =
                        self.attached_codings(None, id, &r.session.text);
                    coding_problems.extend(unreadable);
                    Ok(Loaded {
                        session: r.session.clone(),
                        stamp: None,
                        base: None,
                        draft: Some(r),
                        codings,
                        coding_problems,
                        coding_stamp: self.coding_stamp(id),
                        coding_drafts,
                    })
                }
                None => Err(e.into()),
            },
        }
    }

    /// Save `session`. `expected` is the file's stamp when last read or written here: if the
    /// file no longer has it, someone else changed it, and the save is refused (the text kept
    /// in a draft) instead of overwriting their change; None writes regardless. `base` is the
    /// file the text was made from (None: no file yet), recorded in the draft that keeps the
    /// text if the save fails. A successful save removes the drafts.
    pub fn save(
        &mut self,
        session: &Session,
        expected: Option<FileStamp>,
        base: Option<BaseCopy>,
    ) -> Saved {
        let store = self.store;
        let id = session.meta.id.clone();
        let base = self.saved.current(&id, base);
        if let Some(expected) = expected {
            if store.stamp(&id) != Some(expected) {
                let draft = store.write_draft_from(session, base.as_ref()).ok();
                return Saved::Conflict { draft };
            }
        }
        match store.save_with_base(session) {
            Ok((stamp, written)) => {
                let _ = store.clear_draft(&id);
                self.saved
                    .0
                    .insert(id, (base.map(|b| b.version), written.clone()));
                Saved::Written(stamp, written)
            }
            Err(e) => Saved::Failed {
                error: e.into(),
                draft: store.write_draft_from(session, base.as_ref()).ok(),
            },
        }
    }

    /// Keep unsaved text safe in a recovery draft (typing not yet saved, a failed save, a
    /// read-only store). `base` is the file it was made from, as the editor believed it.
    pub fn write_draft(
        &self,
        session: &Session,
        base: Option<BaseCopy>,
    ) -> Result<PathBuf, WorkspaceError> {
        let base = self.saved.current(&session.meta.id, base);
        Ok(self.store.write_draft_from(session, base.as_ref())?)
    }

    /// Remove the drafts of a session whose text is saved (or given up).
    pub fn clear_draft(&self, id: &SessionId) {
        let _ = self.store.clear_draft(id);
    }

    /// The user chose the file over the recovered text: move the drafts to the trash (the
    /// folder they went to; None: there were none).
    pub fn discard_recovery(&self, id: &SessionId) -> Result<Option<PathBuf>, WorkspaceError> {
        Ok(self.store.discard_recovery(id)?)
    }

    /// The session file's current stamp (None: no file), to notice edits made outside.
    pub fn stamp(&self, id: &SessionId) -> Option<FileStamp> {
        self.store.stamp(id)
    }
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

/// Sessions that exist only as unsaved text join `scan`, in the list's order.
fn add_unsaved_sessions(store: &Store, scan: &mut Scan, drafts: &[SessionId]) {
    let listed: HashSet<&str> = scan.sessions.iter().map(|s| s.meta.id.as_str()).collect();
    let missing: Vec<&SessionId> = drafts
        .iter()
        .filter(|id| !listed.contains(id.as_str()) && store.stamp(id).is_none())
        .collect();
    for id in missing {
        let Some(r) = store.recovery(id) else {
            continue;
        };
        let summary = SessionSummary {
            stamp: FileStamp::of_path(&r.path).unwrap_or(FileStamp {
                mtime_ns: 0,
                size: 0,
            }),
            key: None,
            chars: r.session.text.chars().count(),
            preview: preview(&r.session.text).into(),
            meta: Arc::new(r.session.meta),
            path: r.path,
        };
        // The list's order: newest date first, then newest created, then id.
        let key = |m: &SessionMeta| {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_note(text: &str) -> (tempfile::TempDir, Store, Session) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let session = store
            .create(SessionMeta::new_today("M. Rivera"), text)
            .unwrap();
        (dir, store, session)
    }

    #[test]
    fn a_save_over_a_file_changed_outside_is_refused_and_the_text_kept() {
        let (_dir, store, mut session) = store_with_note("first words");
        let id = session.meta.id.clone();
        let mut ws = Workspace::new(&store, "Ana");
        let loaded = ws.open(&id).unwrap();
        // Someone else rewrites the file.
        let mut theirs = session.clone();
        theirs.text = "their words".into();
        store.save(&theirs).unwrap();
        session.text = "my words".into();
        let Saved::Conflict { draft } = ws.save(&session, loaded.stamp, loaded.base) else {
            panic!("a changed file is not overwritten")
        };
        assert!(draft.is_some());
        assert_eq!(store.load(&id).unwrap().text, "their words");
        assert_eq!(store.recovery(&id).unwrap().session.text, "my words");
    }

    #[test]
    fn a_draft_asked_for_during_a_save_names_the_file_that_save_wrote() {
        let (_dir, store, mut session) = store_with_note("one");
        let id = session.meta.id.clone();
        let mut ws = Workspace::new(&store, "Ana");
        let loaded = ws.open(&id).unwrap();
        session.text = "one two".into();
        let Saved::Written(_, written) = ws.save(&session, loaded.stamp, loaded.base.clone())
        else {
            panic!("saved")
        };
        // The editor still believes its text was made from the file it opened.
        session.text = "one two three".into();
        ws.write_draft(&session, loaded.base).unwrap();
        let kept = store.recovery(&id).unwrap();
        assert_eq!(kept.base, DraftBase::File(written.version));
    }

    #[test]
    fn a_session_kept_only_as_a_draft_is_listed_and_opens_from_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let mut meta = SessionMeta::new_today("M. Rivera");
        meta.title = "Never saved".into();
        let session = Session {
            meta,
            text: "kept words".into(),
        };
        let id = session.meta.id.clone();
        let mut ws = Workspace::new(&store, "Ana");
        ws.write_draft(&session, None).unwrap();
        let listing = ws.list();
        assert!(listing.scan.sessions.iter().any(|s| s.meta.id == id));
        assert_eq!(listing.drafts, vec![id.clone()]);
        let loaded = ws.open(&id).unwrap();
        assert_eq!(loaded.session.text, "kept words");
        assert!(loaded.base.is_none() && loaded.draft.is_some_and(|d| d.onto_file));
    }
}
