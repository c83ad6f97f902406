//! The search index of a workspace: when it is out of date and what brings it level with the
//! store (`core::index_sync` decides which sessions differ), opening it for writing or, while
//! another process writes it, for reading; recovering it when it turns out damaged; what to
//! re-index after a save and after a codebook change; and the searches, evidence and exports
//! answered from it.

use super::error::WorkspaceError;
use crate::core::codebook::{Codebook, Theme};
use crate::core::evidence::{self, EvidenceFormat, EvidenceItem, EvidenceOptions, EvidenceSort};
use crate::core::export_target::{ExportError, ExportRules};
use crate::core::index::{HitKind, IndexError, IndexHealth, Order, Results, SearchIndex};
use crate::core::index_sync::{self, Check, SyncReport};
use crate::core::query;
use crate::core::session::SessionId;
use crate::core::store::Store;
use std::path::{Path, PathBuf};

/// What an index operation reports while it works.
#[derive(Debug)]
pub enum IndexEvent<'a> {
    /// The codebook was read again: its themes.
    Themes(&'a [Theme]),
    /// The whole index is about to be rebuilt, from `total` sessions, because of `why`.
    Rebuilding { why: &'a str, total: usize },
    /// `done` of `total` sessions indexed.
    Progress { done: usize, total: usize },
}

/// Why an export was not written.
#[derive(Debug, thiserror::Error)]
pub enum ExportFailure {
    /// The export rules refused the file (it exists, it is inside the store, …).
    #[error("{0}")]
    Refused(ExportError),
    /// The export could not be made.
    #[error("{0}")]
    Failed(String),
}

/// The store's search index at `dir`, with the codebook it is built with. The index itself is
/// None until opened (and after it failed and was closed).
pub struct IndexWorkspace<'s> {
    store: &'s Store,
    dir: PathBuf,
    codebook: Codebook,
    index: Option<SearchIndex>,
    /// A blind coder's private index: only this coder's codings and memos (see
    /// `SearchIndex::only_for`).
    viewer: Option<String>,
}

/// The store's codebook, the built-in one when it has none or it is invalid (the index only
/// needs theme names and parents; the codebook's problems are shown where it is edited).
fn store_codebook(store: &Store) -> Codebook {
    Codebook::load_or_builtin(&store.codebook_path()).unwrap_or_else(|_| Codebook::builtin())
}

impl<'s> IndexWorkspace<'s> {
    /// The index at `dir`, built with the store's codebook.
    pub fn new(store: &'s Store, dir: &Path) -> IndexWorkspace<'s> {
        Self::with_codebook(store, dir, store_codebook(store))
    }

    /// The index at `dir`, built with `codebook`.
    pub fn with_codebook(store: &'s Store, dir: &Path, codebook: Codebook) -> IndexWorkspace<'s> {
        IndexWorkspace {
            store,
            dir: dir.to_path_buf(),
            codebook,
            index: None,
            viewer: None,
        }
    }

    /// Index only `viewer`'s codings and memos: for a blind coder, whose index must then be
    /// a private one (a folder of its own), never the store's shared index.
    pub fn only_for(mut self, viewer: Option<String>) -> IndexWorkspace<'s> {
        self.viewer = viewer;
        self
    }

    /// Give a newly opened index this workspace's codebook and viewer.
    fn adopt(&self, ix: &mut SearchIndex) {
        ix.set_codebook(self.codebook.clone());
        ix.only_for(self.viewer.clone());
    }

    pub fn codebook(&self) -> &Codebook {
        &self.codebook
    }

    /// The open index, if any.
    pub fn index(&self) -> Option<&SearchIndex> {
        self.index.as_ref()
    }

    /// The open index, given away.
    pub fn into_index(self) -> Option<SearchIndex> {
        self.index
    }

    /// No index is open, or the open one is read-only.
    pub fn reads_only(&self) -> bool {
        self.index.as_ref().is_none_or(|ix| ix.is_read_only())
    }

    /// Open the index for writing (setting a damaged or outdated one aside: the health says
    /// so, and the index must then be rebuilt).
    pub fn open_writable(&mut self) -> Result<IndexHealth, IndexError> {
        let (mut ix, health) = SearchIndex::open(&self.dir)?;
        self.adopt(&mut ix);
        self.index = Some(ix);
        Ok(health)
    }

    /// Open the index for reading only (another process writes it). On failure an index
    /// already open is kept.
    pub fn open_read_only(&mut self) -> Result<(), IndexError> {
        let mut ix = SearchIndex::open_read_only(&self.dir)?;
        self.adopt(&mut ix);
        self.index = Some(ix);
        Ok(())
    }

    /// Bring the open, writable index level with the store: rebuilt when `open_writable` set
    /// it aside (or there was none) or the codebook's theme tree changed; otherwise exactly the
    /// sessions whose files differ re-indexed (`index_sync`, looking as `check` says).
    pub fn catch_up(
        &mut self,
        health: &IndexHealth,
        check: Check,
        on: &mut dyn FnMut(IndexEvent),
    ) -> Result<SyncReport, IndexError> {
        let why = match health {
            IndexHealth::Rebuilt { reason } => Some(reason.clone()),
            IndexHealth::Empty => Some("there was none".to_string()),
            IndexHealth::Ok => None,
        };
        let report = match why {
            Some(why) => self.rebuild(&why, on)?,
            None => {
                let ix = self.index.as_mut().ok_or(IndexError::ReadOnly)?;
                let plan = index_sync::plan(self.store, ix, &self.codebook, check)?;
                match plan.rebuild.clone() {
                    Some(why) => self.rebuild(&why, on)?,
                    None => {
                        let ix = self.index.as_mut().ok_or(IndexError::ReadOnly)?;
                        index_sync::apply(self.store, ix, &self.codebook, plan, &mut progress(on))?
                    }
                }
            }
        };
        if let Some(ix) = &mut self.index {
            ix.set_codebook(self.codebook.clone());
        }
        Ok(report)
    }

    /// Replace the open index's content with the store's sessions.
    pub fn rebuild(
        &mut self,
        why: &str,
        on: &mut dyn FnMut(IndexEvent),
    ) -> Result<SyncReport, IndexError> {
        let total = self.store.scan().sessions.len();
        on(IndexEvent::Rebuilding { why, total });
        let ix = self.index.as_mut().ok_or(IndexError::ReadOnly)?;
        let report = index_sync::rebuild(self.store, ix, &self.codebook, &mut progress(on))?;
        ix.set_codebook(self.codebook.clone());
        Ok(report)
    }

    /// Set the index folder aside and build a new index from the store.
    pub fn rebuild_from_scratch(
        &mut self,
        why: &str,
        on: &mut dyn FnMut(IndexEvent),
    ) -> Result<SyncReport, IndexError> {
        self.index = None;
        let mut ix = SearchIndex::start_over(&self.dir)?;
        self.adopt(&mut ix);
        self.index = Some(ix);
        let report = self.rebuild(why, on);
        if report.is_err() {
            self.index = None;
        }
        report
    }

    /// Open the index for a program that keeps it open while the store changes under it:
    /// read-only when the store is (another Ripple writes it) or another process holds the
    /// index's writer; otherwise for writing, brought level with the store looking at every
    /// file (a note edited outside Ripple since the last run is re-indexed), and rebuilt when
    /// it is missing, damaged or from another version. Ok(true): read-only.
    pub fn open(&mut self, on: &mut dyn FnMut(IndexEvent)) -> Result<bool, WorkspaceError> {
        if self.store.is_read_only() {
            return self.open_read_only_mode();
        }
        match self.open_writable() {
            Ok(health) => match self.catch_up(&health, Check::Full, on) {
                Ok(_) => Ok(false),
                Err(e) => {
                    self.index = None;
                    Err(WorkspaceError::IndexUpdate(e))
                }
            },
            // Another process (a second Ripple, `ripple reindex`) is writing: search read-only.
            Err(IndexError::Locked(_)) => self.open_read_only_mode(),
            Err(e) => Err(e.into()),
        }
    }

    fn open_read_only_mode(&mut self) -> Result<bool, WorkspaceError> {
        self.open_read_only()
            .map(|()| true)
            .map_err(WorkspaceError::IndexBeingWritten)
    }

    /// A read-only index does not see the writer's commits until reopened: reopen it (or open
    /// it, when the writer had not built it yet). True when an index is open now and was not.
    pub fn refresh_read_only(&mut self) -> bool {
        if !self.reads_only() {
            return false;
        }
        let was_open = self.index.is_some();
        let _ = self.open_read_only();
        !was_open && self.index.is_some()
    }

    /// The index was found damaged (`why`) while in use: set it aside and rebuild it from the
    /// store, unless another process writes it.
    pub fn recover(
        &mut self,
        why: &str,
        on: &mut dyn FnMut(IndexEvent),
    ) -> Result<(), WorkspaceError> {
        self.index = None;
        if self.store.is_read_only() {
            return Err(WorkspaceError::DamagedReadOnly(why.to_string()));
        }
        let mut ix = SearchIndex::start_over(&self.dir).map_err(|error| {
            WorkspaceError::DamagedUnrebuildable {
                why: why.to_string(),
                error,
            }
        })?;
        self.adopt(&mut ix);
        self.index = Some(ix);
        match self.rebuild(why, on) {
            Ok(_) => Ok(()),
            Err(e) => {
                self.index = None;
                Err(WorkspaceError::RebuildDamaged(e))
            }
        }
    }

    /// The codebook changed: read it again (reporting its themes), and rebuild the index when
    /// this process writes it (a theme's ancestors are indexed with each passage); a read-only
    /// index only takes the new codebook. Ok(true): read-only.
    pub fn codebook_changed(
        &mut self,
        on: &mut dyn FnMut(IndexEvent),
    ) -> Result<bool, WorkspaceError> {
        self.codebook = store_codebook(self.store);
        on(IndexEvent::Themes(&self.codebook.themes));
        match &mut self.index {
            Some(ix) if !ix.is_read_only() => match self.rebuild("the codebook changed", on) {
                Ok(_) => Ok(false),
                Err(e) => {
                    self.index = None;
                    Err(WorkspaceError::Rebuild(e))
                }
            },
            Some(ix) => {
                ix.set_codebook(self.codebook.clone());
                Ok(true)
            }
            None => Err(WorkspaceError::IndexUnavailable),
        }
    }

    /// Session `id` or its codings were saved by this process: index it (with every coder's
    /// codings and memos) and commit, so it is searchable at once. An index opened read-only
    /// because another process held its writer is opened for writing first if that process
    /// has let go (and brought level with the store). Ok(true): the index is writable now and
    /// was not before. A damaged index is `IndexDamaged` (to be recovered).
    pub fn reindex_after_save(&mut self, id: &SessionId) -> Result<bool, WorkspaceError> {
        let mut became_writable = false;
        if self.reads_only() && !self.store.is_read_only() {
            let health = self
                .open_writable()
                .map_err(|_| WorkspaceError::IndexBusy)?;
            // No progress is shown for this catching up.
            self.catch_up(&health, Check::Full, &mut |_| {})?;
            became_writable = true;
        }
        let ix = self
            .index
            .as_mut()
            .ok_or(WorkspaceError::IndexUnavailable)?;
        match index_sync::after_write(self.store, ix, &self.codebook, std::slice::from_ref(id)) {
            Ok(_) => Ok(became_writable),
            Err(e) => Err(damage(e)),
        }
    }

    /// The best `limit` passages and sessions for the query `source`.
    pub fn search(&self, source: &str, limit: usize) -> Result<(Results, Results), WorkspaceError> {
        let q = query::parse(source).map_err(IndexError::Query)?;
        let ix = self
            .index
            .as_ref()
            .ok_or(WorkspaceError::IndexUnavailable)?;
        ix.search(&q, HitKind::Passages, limit, 0)
            .and_then(|p| Ok((p, ix.search(&q, HitKind::Sessions, limit, 0)?)))
            .map_err(damage)
    }

    /// `search`, confined to the sessions that have, for some group of `groups`, a passage
    /// matching each of its queries (passage mode; `SearchIndex::sessions_with_passages`):
    /// what is behind an analysis cell, whose sessions the query alone, read in session mode,
    /// would not give exactly.
    pub fn search_within(
        &self,
        source: &str,
        groups: &[Vec<String>],
        limit: usize,
    ) -> Result<(Results, Results), WorkspaceError> {
        let q = query::parse(source).map_err(IndexError::Query)?;
        let ix = self
            .index
            .as_ref()
            .ok_or(WorkspaceError::IndexUnavailable)?;
        let run = || -> Result<(Results, Results), IndexError> {
            // The query shown is checked first, so its errors point into it.
            ix.check(&q, HitKind::Passages)?;
            let sessions = cell_sessions(ix, groups, source)?;
            let search =
                |kind| ix.search_in_sessions(&q, kind, limit, 0, true, Order::Relevance, &sessions);
            Ok((search(HitKind::Passages)?, search(HitKind::Sessions)?))
        };
        run().map_err(damage)
    }

    /// Every coded passage matching the query `source` and/or `theme`.
    /// Confined to a cell's sessions (`within`: its groups, as `search_within` takes them)
    /// when given.
    pub fn evidence(
        &self,
        source: &str,
        theme: Option<String>,
        sort: EvidenceSort,
        within: Option<&[Vec<String>]>,
    ) -> Result<Vec<EvidenceItem>, WorkspaceError> {
        let q = query::parse(source).map_err(IndexError::Query)?;
        let ix = self
            .index
            .as_ref()
            .ok_or(WorkspaceError::IndexUnavailable)?;
        let sessions = match within {
            Some(groups) => Some(
                ix.check(&q, HitKind::Passages)
                    .and_then(|_| cell_sessions(ix, groups, source))
                    .map_err(damage)?,
            ),
            None => None,
        };
        let opts = EvidenceOptions {
            query: q,
            theme,
            sort,
            project_start: self.store.settings().project_start,
            sessions,
            ..EvidenceOptions::default()
        };
        evidence::gather(ix, &self.codebook, &opts).map_err(damage)
    }

    /// The sessions a query matches (an export of those sessions only), in no order.
    pub fn matching_sessions(&self, source: &str) -> Result<Vec<SessionId>, WorkspaceError> {
        let q = query::parse(source).map_err(IndexError::Query)?;
        let ix = self
            .index
            .as_ref()
            .ok_or(WorkspaceError::IndexUnavailable)?;
        ix.matching_sessions(&q).map_err(damage)
    }

    /// Write these passages to `path`, in the format its name asks for (`.csv`, `.json`,
    /// `.docx`, Markdown otherwise), under the export rules (never inside the store or the index
    /// folder, only to a regular file, an existing one only when `replace`), checked before
    /// any work. De-identified (names left out, the store's `deidentify` terms redacted, read
    /// at each export so terms added meanwhile are used) when `deidentify`. Returns the file
    /// written.
    pub fn export(
        &self,
        mut items: Vec<EvidenceItem>,
        path: &Path,
        replace: bool,
        deidentify: bool,
    ) -> Result<PathBuf, ExportFailure> {
        let rules = ExportRules::for_store(self.store.root(), &self.dir);
        rules.check(path, replace).map_err(ExportFailure::Refused)?;
        let opts = EvidenceOptions {
            deidentify,
            ..EvidenceOptions::default()
        };
        if deidentify {
            let terms =
                evidence::load_redact_terms(self.store.root()).map_err(ExportFailure::Failed)?;
            items = items
                .iter()
                .map(|i| evidence::deidentified(i, &terms))
                .collect();
        }
        let bytes = evidence::render(&items, EvidenceFormat::from_path(path), &opts)
            .map_err(ExportFailure::Failed)?;
        Ok(rules
            .write(path, &bytes, replace)
            .map_err(ExportFailure::Refused)?
            .file)
    }
}

/// An index error, said as damage (to be recovered) when it is.
fn damage(e: IndexError) -> WorkspaceError {
    if e.is_damage() {
        WorkspaceError::IndexDamaged(e.to_string())
    } else {
        e.into()
    }
}

/// A problem with a cell's queries, said about the query shown (`shown`), whole: they were
/// written by Ripple from the cell, not typed, so no column of theirs means anything there (a
/// theme renamed since the table was made is the likely cause).
fn cell_error(e: query::QueryError, shown: &str) -> IndexError {
    IndexError::Query(query::QueryError {
        message: format!("the cell's sessions cannot be found: {}", e.message),
        start: 0,
        end: shown.chars().count().max(1),
    })
}

/// The queries of a cell's groups, parsed.
fn parse_groups(groups: &[Vec<String>], shown: &str) -> Result<Vec<Vec<query::Query>>, IndexError> {
    groups
        .iter()
        .map(|g| {
            g.iter()
                .map(|q| query::parse(q))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| cell_error(e, shown))
}

/// `SearchIndex::sessions_with_passages` for a cell's groups, their errors said about `shown`.
fn cell_sessions(
    ix: &SearchIndex,
    groups: &[Vec<String>],
    shown: &str,
) -> Result<Vec<String>, IndexError> {
    ix.sessions_with_passages(&parse_groups(groups, shown)?)
        .map_err(|e| match e {
            IndexError::Query(q) => cell_error(q, shown),
            e => e,
        })
}

/// A progress callback reporting through `on`.
fn progress<'a>(on: &'a mut dyn FnMut(IndexEvent)) -> impl FnMut(usize, usize) + 'a {
    move |done, total| on(IndexEvent::Progress { done, total })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::coding_store;
    use crate::core::session::SessionMeta;

    fn store_with_note(text: &str) -> (tempfile::TempDir, Store, SessionId) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let id = store
            .create(SessionMeta::new_today("M. Rivera"), text)
            .unwrap()
            .meta
            .id;
        (dir, store, id)
    }

    fn sessions_found(ix: &IndexWorkspace, q: &str) -> usize {
        ix.search(q, 10).unwrap().1.total
    }

    #[test]
    fn opening_finds_a_note_edited_while_no_one_watched() {
        let (dir, store, id) = store_with_note("Trust grew.");
        let index_dir = dir.path().join("index");
        let mut ix = IndexWorkspace::new(&store, &index_dir);
        assert!(!ix.open(&mut |_| {}).unwrap(), "writable");
        assert_eq!(sessions_found(&ix, "harbour"), 0);
        drop(ix);
        let mut s = store.load(&id).unwrap();
        s.text = "Trust grew by the harbour.".into();
        store.save(&s).unwrap();
        let mut ix = IndexWorkspace::new(&store, &index_dir);
        ix.open(&mut |_| {}).unwrap();
        assert_eq!(sessions_found(&ix, "harbour"), 1);
    }

    #[test]
    fn a_saved_session_is_searchable_once_reindexed() {
        let (dir, store, id) = store_with_note("Trust grew.");
        let mut ix = IndexWorkspace::new(&store, &dir.path().join("index"));
        ix.open(&mut |_| {}).unwrap();
        let mut s = store.load(&id).unwrap();
        s.text = "Calls go unanswered.".into();
        store.save(&s).unwrap();
        assert_eq!(sessions_found(&ix, "unanswered"), 0);
        assert!(!ix.reindex_after_save(&id).unwrap());
        assert_eq!(sessions_found(&ix, "unanswered"), 1);
        assert_eq!(sessions_found(&ix, "trust"), 0);
    }

    #[test]
    fn a_damaged_index_is_set_aside_and_rebuilt_with_every_session() {
        let (dir, store, _) = store_with_note("Trust grew.");
        let index_dir = dir.path().join("index");
        let mut ix = IndexWorkspace::new(&store, &index_dir);
        ix.open(&mut |_| {}).unwrap();
        let mut rebuilding = Vec::new();
        ix.recover("a damaged file", &mut |e| {
            if let IndexEvent::Rebuilding { why, total } = e {
                rebuilding.push((why.to_string(), total));
            }
        })
        .unwrap();
        assert_eq!(rebuilding, [("a damaged file".to_string(), 1)]);
        assert!(dir.path().join("index.broken").is_dir(), "set aside");
        assert_eq!(sessions_found(&ix, "trust"), 1);
    }

    #[test]
    fn a_codebook_change_reports_the_new_themes_and_rebuilds_a_writable_index() {
        let (dir, store, _) = store_with_note("Trust grew.");
        let mut ix = IndexWorkspace::new(&store, &dir.path().join("index"));
        ix.open(&mut |_| {}).unwrap();
        let mut book = Codebook::builtin();
        book.merge("trust", "communication").unwrap();
        book.save(&store.codebook_path()).unwrap();
        let (mut themes, mut rebuilt) = (None, false);
        let read_only = ix
            .codebook_changed(&mut |e| match e {
                IndexEvent::Themes(t) => themes = Some(t.len()),
                IndexEvent::Rebuilding { .. } => rebuilt = true,
                IndexEvent::Progress { .. } => {}
            })
            .unwrap();
        assert!(!read_only && rebuilt);
        assert_eq!(themes, Some(book.themes.len()));
        assert!(ix.codebook().get("trust").is_none());
    }

    #[test]
    fn without_an_open_index_nothing_is_answered_and_it_is_said_so() {
        let (dir, store, id) = store_with_note("Trust grew.");
        let mut ix = IndexWorkspace::new(&store, &dir.path().join("index"));
        assert!(matches!(
            ix.search("trust", 10),
            Err(WorkspaceError::IndexUnavailable)
        ));
        // Not opened: a reindex opens it for writing first, catching up with the store.
        assert!(ix.reindex_after_save(&id).unwrap());
        assert_eq!(sessions_found(&ix, "trust"), 1);
    }
    #[test]
    fn a_blind_coder_s_private_index_holds_their_codings_and_memos_alone() {
        use crate::core::coding::CoderSessionFile;
        let text = "Trust grew between the agencies.";
        let (dir, store, id) = store_with_note(text);
        for (coder, theme, memo) in [
            ("Ana Peña", "trust", "mine"),
            ("Bea", "communication", "hers"),
        ] {
            let c = coding_store::new_coding(text, &id, 0, 5, theme, coder, "").unwrap();
            let file = CoderSessionFile {
                session: id.clone(),
                coder: coder.into(),
                memo: memo.into(),
                codings: vec![c],
            };
            coding_store::save(store.root(), &file).unwrap();
        }
        let passages = |ix: &IndexWorkspace, q: &str| ix.search(q, 10).unwrap().0.total;
        let mut shared = IndexWorkspace::new(&store, &dir.path().join("shared"));
        shared.open(&mut |_| {}).unwrap();
        assert_eq!(passages(&shared, "theme:communication"), 1);
        assert_eq!(sessions_found(&shared, "memo:hers"), 1);

        let private = dir.path().join("private");
        let mut ix = IndexWorkspace::new(&store, &private).only_for(Some("ana pena".into()));
        ix.open(&mut |_| {}).unwrap();
        assert_eq!(passages(&ix, "theme:trust"), 1, "your own passage");
        assert_eq!(
            passages(&ix, "theme:communication"),
            0,
            "not another coder's"
        );
        assert_eq!(sessions_found(&ix, "theme:communication"), 0);
        assert_eq!(sessions_found(&ix, "memo:hers"), 0, "nor their memo");
        assert_eq!(sessions_found(&ix, "memo:mine"), 1);
        // Re-indexing after a save keeps to the same rule.
        assert!(!ix.reindex_after_save(&id).unwrap());
        assert_eq!(passages(&ix, "theme:communication"), 0);
        assert_eq!(passages(&ix, "theme:trust"), 1);
    }
}
