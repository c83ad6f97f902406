//! Codings in a workspace: every coder's codings of a note re-attached to its text, the
//! workspace's coder's file saved (or kept in a coding draft), kept drafts restored, passages
//! counted. Only the workspace's own coder's file is ever written here: other coders' codings
//! that moved are moved in memory only (they are found again from their words whenever read),
//! so coders sharing a store (git, a synced folder) never write each other's files.

use super::error::WorkspaceError;
use super::Workspace;
use crate::core::anchor::reattach_all;
use crate::core::coding::{same_coder, CoderSessionFile};
use crate::core::coding_draft::{self, CodingDraft, Restored};
use crate::core::coding_store::{self, CodingFileError};
use crate::core::session::SessionId;
use crate::core::store::FileStamp;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// Every coder folder's file for a session, with its stamp (None: no such file), sorted.
pub type CodingStamp = Vec<(PathBuf, Option<FileStamp>)>;

/// Every coder's codings of one note, as read now.
#[derive(Debug)]
pub struct Codings {
    pub files: Vec<CoderSessionFile>,
    /// Coder files that could not be read (left untouched) or written back.
    pub problems: Vec<String>,
    /// The coder files' stamps once read.
    pub stamp: CodingStamp,
}

/// What became of saving the coder's file.
#[derive(Debug)]
pub struct CodingsSaved {
    pub result: Result<(), WorkspaceError>,
    /// Where the codings were kept when the file could not be written (Err: the draft could
    /// not be written either), or why a draft the file now holds could not be removed.
    pub draft: Option<Result<PathBuf, WorkspaceError>>,
    /// The coder files' stamps right after writing.
    pub stamp: CodingStamp,
}

impl Workspace<'_> {
    /// Every coder's codings for session `id`, re-attached to `text` (the open note's text).
    /// The workspace's coder's file is written back when its passages moved (unless the store
    /// is read-only), so it stores where they are now; other coders' files are not written.
    pub fn codings(&self, id: &SessionId, text: &str) -> Codings {
        let (files, problems) = self.attached_codings(Some(&self.coder), id, text);
        Codings {
            files,
            problems,
            stamp: self.coding_stamp(id),
        }
    }

    /// Every coder's file for a session, re-attached to `text`. `owner`'s own file is written
    /// back when its passages moved (unless the store is read-only); None writes nothing.
    pub(super) fn attached_codings(
        &self,
        owner: Option<&str>,
        id: &SessionId,
        text: &str,
    ) -> (Vec<CoderSessionFile>, Vec<String>) {
        let store = self.store;
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
        let files = crate::core::blind::visible_files(&self.coder, self.blind, files);
        (files, problems)
    }

    /// `files` (of any sessions) with their codings re-attached to their note's text as it is
    /// now, each note read once; nothing is written. A file whose note cannot be read keeps
    /// its stored positions.
    pub fn codings_in_place(&self, files: Vec<CoderSessionFile>) -> Vec<CoderSessionFile> {
        let mut texts: HashMap<SessionId, Option<String>> = HashMap::new();
        files
            .into_iter()
            .map(|mut f| {
                let text = texts
                    .entry(f.session.clone())
                    .or_insert_with(|| self.store.load(&f.session).ok().map(|s| s.text));
                if let Some(text) = text {
                    reattach_all(text, &mut f.codings);
                }
                f
            })
            .collect()
    }

    /// Every coder folder's file for `id`, with its stamp, sorted by path (to notice files
    /// changed outside).
    pub fn coding_stamp(&self, id: &SessionId) -> CodingStamp {
        let dir = coding_store::codings_dir(self.store.root());
        let mut out: CodingStamp = std::fs::read_dir(&dir)
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

    /// The coding drafts kept for session `id` whose content is not what the coder's file
    /// holds, and the drafts kept for it that cannot be read (said as problems: they are left
    /// alone).
    pub fn kept_coding_drafts(&self, id: &SessionId) -> (Vec<CodingDraft>, Vec<String>) {
        let store = self.store;
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

    /// Write the workspace's coder's file. A file on disk that cannot be read is never
    /// overwritten (it may hold work), and another coder's file is refused. If the file cannot
    /// be written, its content is kept in a coding draft. `holds_draft`: the file holds what
    /// its coding draft (if any) kept, so a successful write removes the draft and a failed one
    /// replaces it; false while a draft from an earlier run waits to be restored: it is then
    /// kept, and added to on a failure.
    pub fn save_codings(&self, file: &CoderSessionFile, holds_draft: bool) -> CodingsSaved {
        let store = self.store;
        let saved = if same_coder(&file.coder, &self.coder) {
            coding_store::load(store.root(), &file.coder, &file.session)
                .and_then(|_| coding_store::save(store.root(), file))
        } else {
            Err(CodingFileError {
                path: coding_store::file_path(store.root(), &file.coder, &file.session),
                line: None,
                message: format!(
                    "not written: these are {}'s codings, not {}'s",
                    file.coder, self.coder
                ),
            })
        };
        let mut draft = None;
        let result = match saved {
            Err(e) => {
                draft = Some(self.keep_codings(file, holds_draft));
                Err(e.into())
            }
            Ok(()) => {
                // A draft that cannot be removed is said so.
                if holds_draft {
                    if let Err(e) = coding_draft::clear(store, &file.coder, &file.session) {
                        draft = Some(Err(e.into()));
                    }
                }
                Ok(())
            }
        };
        CodingsSaved {
            result,
            draft,
            stamp: self.coding_stamp(&file.session),
        }
    }

    /// Keep a coder file in a coding draft, replacing the kept one only if `file` holds it
    /// (otherwise the kept draft is added to).
    pub fn keep_codings(
        &self,
        file: &CoderSessionFile,
        holds_draft: bool,
    ) -> Result<PathBuf, WorkspaceError> {
        Ok(if holds_draft {
            coding_draft::write(self.store, file)
        } else {
            coding_draft::write_merged(self.store, file)
        }?)
    }

    /// Write `coder`'s kept coding draft for `id` back into their file (merged with what the
    /// file holds), then remove the draft.
    pub fn restore_coding_draft(
        &self,
        coder: &str,
        id: &SessionId,
    ) -> Result<Restored, WorkspaceError> {
        Ok(coding_draft::restore(self.store, coder, id)?)
    }

    /// Passages per theme key over every coder file (distinct spans: two coders coding the
    /// same words with a theme are one passage, as in search, evidence and analysis; orphaned
    /// codings are not counted), each theme's own and with its sub-themes rolled up under the
    /// store's codebook (the built-in one when it cannot be read, as coding does); and the
    /// files that could not be read (not counted).
    pub fn count_codings(&self) -> (PassageCounts, Vec<CodingFileError>) {
        let (files, errors) = coding_store::load_all(self.store.root());
        let files = crate::core::blind::visible_files(&self.coder, self.blind, files);
        let codebook =
            crate::core::codebook::Codebook::load_or_builtin(&self.store.codebook_path())
                .unwrap_or_else(|_| crate::core::codebook::Codebook::builtin());
        let counts = PassageCounts {
            own: coding_store::count_passages_by_theme(&files),
            rolled_up: coding_store::count_passages_rolled_up(&files, &codebook),
        };
        (counts, errors)
    }
}

/// Passages per theme key: coded with the theme itself, and with it or any sub-theme (each
/// distinct span once).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PassageCounts {
    pub own: BTreeMap<String, usize>,
    pub rolled_up: BTreeMap<String, usize>,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::coding::AnchorStatus;
    use crate::core::session::SessionMeta;
    use crate::core::store::Store;

    /// A store whose note was edited outside Ripple after Ana and Bea coded it, so both
    /// coders' stored positions are stale: (store folder, store, session id).
    pub(crate) fn store_with_stale_codings() -> (tempfile::TempDir, Store, SessionId) {
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
    fn a_blind_coder_reads_only_their_own_codings_and_counts() {
        let (_dir, store, id) = store_with_stale_codings();
        let text = store.load(&id).unwrap().text;
        let mut ws = Workspace::new(&store, "Ana");
        assert_eq!(ws.codings(&id, &text).files.len(), 2);
        assert_eq!(ws.count_codings().0.own.get("trust"), Some(&2));
        ws.set_blind(true);
        let seen = ws.codings(&id, &text).files;
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].coder, "Ana");
        assert_eq!(ws.count_codings().0.own.get("trust"), Some(&1));
        let opened = ws.open(&id).unwrap();
        assert!(opened.codings.iter().all(|f| f.coder == "Ana"));
    }

    /// Two coders coding the same words with a theme make one passage (two codings).
    #[test]
    fn counts_are_passages_not_codings() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let meta = SessionMeta::new_today("M. Rivera");
        let id = meta.id.clone();
        let text = "We finally trust each other.";
        store.create(meta, text).unwrap();
        for coder in ["Ana", "Bea"] {
            let c = coding_store::new_coding(text, &id, 11, 16, "trust", coder, "").unwrap();
            let file = CoderSessionFile {
                session: id.clone(),
                coder: coder.into(),
                memo: String::new(),
                codings: vec![c],
            };
            coding_store::save(store.root(), &file).unwrap();
        }
        let ws = Workspace::new(&store, "Ana");
        assert_eq!(ws.count_codings().0.own.get("trust"), Some(&1));
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
        let mut ws = Workspace::new(&store, "Bea");
        let loaded = ws.open(&id).unwrap();
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
        ws.codings(&id, &loaded.session.text);
        assert_eq!(std::fs::read_to_string(&ana).unwrap(), ana_bytes);
    }

    #[test]
    fn the_workspace_writes_no_other_coder_s_file() {
        let (_dir, store, id) = store_with_stale_codings();
        let ana = coding_store::file_path(store.root(), "Ana", &id);
        let ana_bytes = std::fs::read_to_string(&ana).unwrap();
        let mut theirs = coding_store::load(store.root(), "Ana", &id).unwrap();
        theirs.codings.clear();
        let saved = Workspace::new(&store, "Bea").save_codings(&theirs, true);
        assert!(saved
            .result
            .unwrap_err()
            .to_string()
            .contains("Ana's codings"));
        assert_eq!(std::fs::read_to_string(&ana).unwrap(), ana_bytes);
    }
}

#[cfg(test)]
mod in_place_tests {
    use super::tests::store_with_stale_codings;
    use super::*;

    #[test]
    fn codings_are_listed_where_their_words_are_now_and_no_file_is_written() {
        let (_dir, store, id) = store_with_stale_codings();
        let (files, _) = coding_store::load_session(store.root(), &id);
        let bytes = |c: &str| std::fs::read(coding_store::file_path(store.root(), c, &id));
        let before = (bytes("Ana").unwrap(), bytes("Bea").unwrap());
        let text = store.load(&id).unwrap().text;
        for f in Workspace::new(&store, "Ana").codings_in_place(files) {
            let c = &f.codings[0];
            let words: String = text.chars().skip(c.start).take(c.end - c.start).collect();
            assert_eq!(words, c.quote, "{}", f.coder);
        }
        assert_eq!((bytes("Ana").unwrap(), bytes("Bea").unwrap()), before);
    }
}
