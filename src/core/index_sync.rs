//! Whether the search index holds what the store holds, and bringing it there: the one rule the
//! TUI's index thread and the CLI share.
//!
//! A session's documents come from its files: `sessions/<id>.md` and each coder's
//! `codings/<coder>/<id>.json` (and the codebook, for the themes' ancestors). The index records:
//! - with each session document, a key of those files as they were when read (size, times,
//!   inode: `core::file_key`), in the fast column `sources`;
//! - with each commit, a [`StoreMark`]: the keys of the folders holding the files and a
//!   fingerprint of the codebook's theme tree.
//!
//! The rule:
//! - **Quick check** (every CLI search and evidence, a few `stat`s): the index is current when
//!   its mark equals the store's now. Any file created, replaced, renamed or removed in
//!   `sessions/` or `codings/` changes its folder's key: every Ripple write (atomic: a new file
//!   renamed into place), `git`, sync tools and most editors.
//! - **Full check** (at the TUI's start, and when the quick check fails): each session's key
//!   is compared with the one its documents carry; exactly the sessions that differ are
//!   re-indexed, and those whose file is gone are removed. This also catches a file rewritten
//!   in place (which leaves its folder alone).
//! - A changed theme tree (keys and parents) rebuilds the whole index.
//! - A key within `RACY_NS` of the look is not trusted (a later change in the same clock tick
//!   could keep it): such a session is stored with key 0 ("read again next time") and such a
//!   mark is not recorded, so the next check is a full one.
//! - After a write of its own, a program re-indexes the sessions it wrote ([`after_write`]);
//!   the mark is left as it was, so the next quick check still looks at every file.

use crate::core::codebook::Codebook;
use crate::core::coding::{CoderSessionFile, Coding};
use crate::core::coding_store;
use crate::core::file_key::{now_ns, FileKey};
use crate::core::index::{IndexError, IndexItem, SearchIndex};
use crate::core::session::SessionId;
use crate::core::store::Store;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::Path;

/// What the index last saw of the store's folders and codebook (kept with each commit).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreMark {
    /// `sessions`, `codings` and `codings/<coder folder>`, each with its key.
    folders: BTreeMap<String, FileKey>,
    /// `codebook_fingerprint` of the codebook the index was built with.
    codebook: u64,
}

impl StoreMark {
    fn parse(text: &str) -> Option<StoreMark> {
        serde_json::from_str(text).ok()
    }
    fn to_text(&self) -> String {
        serde_json::to_string(self).expect("a mark serialises")
    }
}

/// The theme tree as far as the index depends on it: each key and its parent.
pub fn codebook_fingerprint(codebook: &Codebook) -> u64 {
    let mut pairs: Vec<(&str, Option<&str>)> = codebook
        .themes
        .iter()
        .map(|t| (t.key.as_str(), t.parent.as_deref()))
        .collect();
    pairs.sort();
    let mut h = rustc_hash::FxHasher::default();
    pairs.hash(&mut h);
    h.finish()
}

/// The coder folders under `codings/` (hidden ones are not coder folders).
fn coder_folders(store: &Store) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(store.codings_dir())
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .collect();
    out.sort();
    out
}

/// The store's mark now, and whether it can be trusted to change with the next change (no
/// folder changed within `RACY_NS`).
fn store_mark(store: &Store, codebook: &Codebook, now: i64) -> (StoreMark, bool) {
    let mut folders = BTreeMap::new();
    let mut settled = true;
    let mut add = |name: String, path: &Path| {
        if let Some(k) = FileKey::of_path(path) {
            settled &= !k.is_racy(now);
            folders.insert(name, k);
        }
    };
    add("sessions".into(), &store.sessions_dir());
    add("codings".into(), &store.codings_dir());
    for coder in coder_folders(store) {
        add(
            format!("codings/{coder}"),
            &store.codings_dir().join(&coder),
        );
    }
    let mark = StoreMark {
        folders,
        codebook: codebook_fingerprint(codebook),
    };
    (mark, settled)
}

/// One session's key from its files' keys: 0 ("read again next time") when one of them is
/// racy, never 0 otherwise.
fn combine(session: &FileKey, codings: &[(&str, FileKey)], now: i64) -> u64 {
    if session.is_racy(now) || codings.iter().any(|(_, k)| k.is_racy(now)) {
        return 0;
    }
    let mut h = rustc_hash::FxHasher::default();
    session.hash(&mut h);
    codings.hash(&mut h);
    h.finish().max(1)
}

/// The key of every session file in the store (valid ids only) with its codings files.
fn store_sources(store: &Store, now: i64) -> HashMap<SessionId, u64> {
    let mut sessions: HashMap<SessionId, FileKey> = HashMap::new();
    for e in std::fs::read_dir(store.sessions_dir())
        .into_iter()
        .flatten()
        .flatten()
    {
        let Ok(name) = e.file_name().into_string() else {
            continue;
        };
        let Some(id) = crate::core::session_file::id_of_file_name(&name) else {
            continue;
        };
        let id = SessionId(id.to_string());
        // The file the store reads for this id (another file holding the same id is a
        // problem `scan` reports, not a second session).
        if name.starts_with('.') || store.session_path(&id) != e.path() {
            continue;
        }
        if let Ok(md) = std::fs::metadata(e.path()) {
            sessions.insert(id, FileKey::of(&md));
        }
    }
    let mut codings: HashMap<SessionId, Vec<(String, FileKey)>> = HashMap::new();
    for coder in coder_folders(store) {
        let dir = store.codings_dir().join(&coder);
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let Ok(name) = e.file_name().into_string() else {
                continue;
            };
            let Some(id) = name.strip_suffix(".json") else {
                continue;
            };
            let id = SessionId(id.to_string());
            if !sessions.contains_key(&id) {
                continue;
            }
            if let Ok(md) = std::fs::metadata(e.path()) {
                codings
                    .entry(id)
                    .or_default()
                    .push((coder.clone(), FileKey::of(&md)));
            }
        }
    }
    sessions
        .into_iter()
        .map(|(id, key)| {
            let files = codings.remove(&id).unwrap_or_default();
            let files: Vec<(&str, FileKey)> = files.iter().map(|(c, k)| (c.as_str(), *k)).collect();
            let sources = combine(&key, &files, now);
            (id, sources)
        })
        .collect()
}

/// One session's key now (`None`: its file is gone).
fn session_sources(store: &Store, id: &SessionId) -> Option<u64> {
    let now = now_ns();
    let key = FileKey::of_path(&store.session_path(id))?;
    let mut files: Vec<(String, FileKey)> = Vec::new();
    for coder in coder_folders(store) {
        let p = store
            .codings_dir()
            .join(&coder)
            .join(format!("{}.json", id.as_str()));
        if let Some(k) = FileKey::of_path(&p) {
            files.push((coder, k));
        }
    }
    let files: Vec<(&str, FileKey)> = files.iter().map(|(c, k)| (c.as_str(), *k)).collect();
    Some(combine(&key, &files, now))
}

/// How thoroughly to check (see the module's documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// The folders' keys first; every file only if they changed.
    Quick,
    /// Every file.
    Full,
}

/// What it takes to bring the index up to date.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Why the whole index must be rebuilt, if it must.
    pub rebuild: Option<String>,
    /// Sessions to (re-)index, with their files' key as of the check.
    pub reindex: Vec<(SessionId, u64)>,
    /// Sessions in the index whose file is gone.
    pub remove: Vec<SessionId>,
    /// The mark to record (None: not settled; the next check looks at every file).
    mark: Option<StoreMark>,
    /// The mark differs from the recorded one (so recording it needs a commit).
    mark_changed: bool,
}

impl Plan {
    /// Nothing to re-index, remove or record.
    pub fn is_current(&self) -> bool {
        self.rebuild.is_none()
            && self.reindex.is_empty()
            && self.remove.is_empty()
            && !self.mark_changed
    }

    /// Sessions whose documents differ from their files, not counting those read so recently
    /// that their key is not trusted yet (key 0).
    pub fn changed_sessions(&self) -> usize {
        self.reindex.iter().filter(|(_, k)| *k != 0).count() + self.remove.len()
    }
}

/// What `sync` or `rebuild` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub rebuilt: bool,
    /// Sessions indexed (all of them after a rebuild).
    pub indexed: usize,
    pub removed: usize,
    /// Files that could not be read (left out of the index and left untouched).
    pub warnings: Vec<String>,
}

/// Compare the index with the store (see the module's documentation).
pub fn plan(
    store: &Store,
    index: &SearchIndex,
    codebook: &Codebook,
    check: Check,
) -> Result<Plan, IndexError> {
    plan_at(store, index, codebook, check, now_ns())
}

/// `plan` as if it were `now` (tests look from a later time, past `RACY_NS`).
fn plan_at(
    store: &Store,
    index: &SearchIndex,
    codebook: &Codebook,
    check: Check,
    now: i64,
) -> Result<Plan, IndexError> {
    let (mark, settled) = store_mark(store, codebook, now);
    let recorded = index.sync_mark().and_then(StoreMark::parse);
    if let Some(r) = &recorded {
        if r.codebook != mark.codebook {
            return Ok(Plan {
                rebuild: Some("the codebook's themes changed".into()),
                mark: settled.then_some(mark),
                mark_changed: true,
                ..Plan::default()
            });
        }
    }
    if check == Check::Quick && settled && recorded.as_ref() == Some(&mark) {
        return Ok(Plan::default());
    }
    let indexed = index.indexed_sources()?;
    let mut current = store_sources(store, now);
    let mut reindex: Vec<(SessionId, u64)> = current
        .iter()
        .filter(|(id, key)| **key == 0 || indexed.get(*id) != Some(*key))
        .map(|(id, key)| (id.clone(), *key))
        .collect();
    reindex.sort();
    let mut remove: Vec<SessionId> = indexed
        .into_keys()
        .filter(|id| current.remove(id).is_none())
        .collect();
    remove.sort();
    let mark = settled.then_some(mark);
    let mark_changed = mark.as_ref().map(StoreMark::to_text) != recorded.map(|r| r.to_text());
    Ok(Plan {
        rebuild: None,
        reindex,
        remove,
        mark,
        mark_changed,
    })
}

/// A session with every coder's codings and memos, as the index takes it.
fn load_item(store: &Store, id: &SessionId) -> Result<(IndexItem, Vec<String>), String> {
    let session = store.load(id).map_err(|e| e.to_string())?;
    let (files, errors) = coding_store::load_session(store.root(), id);
    let mut extra = Extra::default();
    for f in files {
        add_coder_file(&mut extra, f);
    }
    let (codings, memos) = extra;
    let warnings = errors.iter().map(|e| e.to_string()).collect();
    Ok((
        IndexItem {
            session,
            codings,
            memos,
        },
        warnings,
    ))
}

/// Carry out a plan. `progress(done, total)` is called as sessions are indexed.
pub fn apply(
    store: &Store,
    index: &mut SearchIndex,
    codebook: &Codebook,
    plan: Plan,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<SyncReport, IndexError> {
    if let Some(_why) = &plan.rebuild {
        return rebuild(store, index, codebook, progress);
    }
    let mut report = SyncReport::default();
    if plan.is_current() {
        return Ok(report);
    }
    for id in &plan.remove {
        index.remove_session(id)?;
        report.removed += 1;
    }
    let total = plan.reindex.len();
    progress(0, total);
    for (done, (id, sources)) in plan.reindex.iter().enumerate() {
        match load_item(store, id) {
            Ok((item, warnings)) => {
                index.index_sourced(
                    &item.session,
                    &item.codings,
                    &item.memos,
                    codebook,
                    *sources,
                )?;
                report.warnings.extend(warnings);
                report.indexed += 1;
            }
            Err(e) => {
                // An unreadable file must not leave its old text searchable.
                index.remove_session(id)?;
                report.warnings.push(e);
            }
        }
        if (done + 1) % 64 == 0 {
            progress(done + 1, total);
        }
    }
    index.set_codebook(codebook.clone());
    index.set_sync_mark(plan.mark.as_ref().map(StoreMark::to_text));
    index.commit()?;
    progress(total, total);
    Ok(report)
}

/// Bring the index up to date with the store: `plan`, then `apply`.
pub fn sync(
    store: &Store,
    index: &mut SearchIndex,
    codebook: &Codebook,
    check: Check,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<SyncReport, IndexError> {
    let plan = plan(store, index, codebook, check)?;
    apply(store, index, codebook, plan, progress)
}

/// A session's codings and `(coder, memo)` pairs.
type Extra = (Vec<Coding>, Vec<(String, String)>);

/// Every coder's codings and memos, by session, as the index takes them; a file that cannot be
/// read adds a warning (it is left out of the index and left untouched).
fn codings_by_session(store: &Store, warnings: &mut Vec<String>) -> HashMap<SessionId, Extra> {
    let (files, errors) = coding_store::load_all(store.root());
    warnings.extend(errors.iter().map(|e| e.to_string()));
    let mut by_session: HashMap<SessionId, Extra> = HashMap::new();
    for f in files {
        add_coder_file(by_session.entry(f.session.clone()).or_default(), f);
    }
    by_session
}

/// One coder's file added to its session's codings and memos (an empty memo is no memo).
fn add_coder_file(extra: &mut Extra, f: CoderSessionFile) {
    if !f.memo.trim().is_empty() {
        extra.1.push((f.coder, f.memo));
    }
    extra.0.extend(f.codings);
}

/// Every session in a store with its codings and the coders' memos, as `SearchIndex::rebuild`
/// takes them, and a message for each file that could not be read (left out, left untouched).
pub fn load_items(store: &Store) -> (Vec<IndexItem>, Vec<String>) {
    let scan = store.scan();
    let mut warnings: Vec<String> = scan.problems.iter().map(|p| p.to_string()).collect();
    let mut by_session = codings_by_session(store, &mut warnings);
    let mut items = Vec::with_capacity(scan.sessions.len());
    for summary in &scan.sessions {
        match store.load(&summary.meta.id) {
            Ok(session) => {
                let (codings, memos) = by_session.remove(&session.meta.id).unwrap_or_default();
                items.push(IndexItem {
                    session,
                    codings,
                    memos,
                });
            }
            Err(e) => warnings.push(e.to_string()),
        }
    }
    (items, warnings)
}

/// Replace the whole index with the store's sessions. Unreadable files are reported in the
/// report's warnings (left out of the index and left untouched).
pub fn rebuild(
    store: &Store,
    index: &mut SearchIndex,
    codebook: &Codebook,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<SyncReport, IndexError> {
    // Every key is taken before any file is read, so a change made during the rebuild shows.
    let now = now_ns();
    let (mark, settled) = store_mark(store, codebook, now);
    let mut sources = store_sources(store, now);
    let scan = store.scan();
    let mut warnings: Vec<String> = scan.problems.iter().map(|p| p.to_string()).collect();
    let mut by_session = codings_by_session(store, &mut warnings);
    let total = scan.sessions.len();
    let mut unreadable = Vec::new();
    // Sessions are read lazily, so progress reflects the reading as well as the indexing.
    let items = scan.sessions.iter().filter_map(|s| {
        let id = &s.meta.id;
        match store.load(id) {
            Ok(session) => {
                let (codings, memos) = by_session.remove(id).unwrap_or_default();
                let key = sources.remove(id).unwrap_or(0);
                Some((
                    IndexItem {
                        session,
                        codings,
                        memos,
                    },
                    key,
                ))
            }
            Err(e) => {
                unreadable.push(e.to_string());
                None
            }
        }
    });
    index.set_sync_mark(settled.then(|| mark.to_text()));
    let indexed = index.rebuild_sourced(items, total, codebook, progress)?;
    warnings.extend(unreadable);
    Ok(SyncReport {
        rebuilt: true,
        indexed,
        removed: 0,
        warnings,
    })
}

/// After this program wrote sessions or their codings: re-index them (removing those whose
/// file is gone) and commit, so they are searchable when it returns. The mark stays as it was.
pub fn after_write(
    store: &Store,
    index: &mut SearchIndex,
    codebook: &Codebook,
    ids: &[SessionId],
) -> Result<Vec<String>, IndexError> {
    let mut warnings = Vec::new();
    for id in ids {
        match session_sources(store, id) {
            None => index.remove_session(id)?,
            Some(sources) => match load_item(store, id) {
                Ok((item, w)) => {
                    index.index_sourced(
                        &item.session,
                        &item.codings,
                        &item.memos,
                        codebook,
                        sources,
                    )?;
                    warnings.extend(w);
                }
                Err(e) => {
                    index.remove_session(id)?;
                    warnings.push(e);
                }
            },
        }
    }
    index.commit()?;
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::coding::CoderSessionFile;
    use crate::core::file_key::RACY_NS;
    use crate::core::index::HitKind;
    use crate::core::query;
    use crate::core::session::SessionMeta;

    struct Fixture {
        _dir: tempfile::TempDir,
        store: Store,
        index: SearchIndex,
        codebook: Codebook,
    }

    fn fixture(notes: &[&str]) -> (Fixture, Vec<SessionId>) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let ids = notes.iter().map(|n| add(&store, n)).collect();
        let (mut index, _) = SearchIndex::open(&dir.path().join("index")).unwrap();
        let codebook = Codebook::builtin();
        rebuild(&store, &mut index, &codebook, &mut |_, _| {}).unwrap();
        let f = Fixture {
            _dir: dir,
            store,
            index,
            codebook,
        };
        (f, ids)
    }

    fn add(store: &Store, text: &str) -> SessionId {
        let mut meta = SessionMeta::new_today("M. Rivera");
        meta.title = "Coaching".into();
        store.create(meta, text).unwrap().meta.id
    }

    /// The plan as seen once every file has settled (past `RACY_NS`).
    fn later(f: &Fixture, check: Check) -> Plan {
        plan_at(
            &f.store,
            &f.index,
            &f.codebook,
            check,
            now_ns() + 2 * RACY_NS,
        )
        .unwrap()
    }

    fn sessions_with(f: &Fixture, word: &str) -> usize {
        let q = query::parse(word).unwrap();
        f.index.search(&q, HitKind::Sessions, 10, 0).unwrap().total
    }

    fn bring_up(f: &mut Fixture, check: Check) -> SyncReport {
        let plan = later(f, check);
        apply(&f.store, &mut f.index, &f.codebook, plan, &mut |_, _| {}).unwrap()
    }

    #[test]
    fn a_rebuilt_index_is_current_once_its_files_have_settled() {
        let (mut f, _) = fixture(&["trust grew", "roles were unclear"]);
        // Just written: nothing is trusted yet, so the first look reads every file again.
        assert!(!plan(&f.store, &f.index, &f.codebook, Check::Quick)
            .unwrap()
            .is_current());
        bring_up(&mut f, Check::Quick);
        assert!(later(&f, Check::Quick).is_current());
        assert!(later(&f, Check::Full).is_current());
    }

    #[test]
    fn new_changed_and_removed_sessions_are_exactly_what_is_reindexed() {
        let (mut f, ids) = fixture(&["trust grew", "roles were unclear"]);
        bring_up(&mut f, Check::Full);
        let new = add(&f.store, "a new zebracorn note");
        let mut changed = f.store.load(&ids[0]).unwrap();
        changed.text = "trust and pelicans".into();
        f.store.save(&changed).unwrap();
        std::fs::remove_file(f.store.session_path(&ids[1])).unwrap();
        let plan = later(&f, Check::Quick);
        let mut want = vec![new.clone(), ids[0].clone()];
        want.sort();
        let got: Vec<SessionId> = plan.reindex.iter().map(|(id, _)| id.clone()).collect();
        assert_eq!(got, want);
        assert_eq!(plan.remove, vec![ids[1].clone()]);
        let report = bring_up(&mut f, Check::Quick);
        assert_eq!((report.indexed, report.removed), (2, 1));
        assert_eq!(sessions_with(&f, "zebracorn"), 1);
        assert_eq!(sessions_with(&f, "pelican"), 1);
        assert_eq!(sessions_with(&f, "unclear"), 0);
        assert!(later(&f, Check::Full).is_current());
    }

    #[test]
    fn codings_written_or_removed_reindex_their_session() {
        let (mut f, ids) = fixture(&["trust grew between agencies"]);
        bring_up(&mut f, Check::Full);
        let text = f.store.load(&ids[0]).unwrap().text;
        let coding = coding_store::new_coding(&text, &ids[0], 0, 5, "trust", "Ana", "").unwrap();
        let file = CoderSessionFile {
            session: ids[0].clone(),
            coder: "Ana".into(),
            memo: String::new(),
            codings: vec![coding],
        };
        coding_store::save(f.store.root(), &file).unwrap();
        let q = query::parse("theme:trust").unwrap();
        let passages = |f: &Fixture| f.index.search(&q, HitKind::Passages, 10, 0).unwrap().total;
        assert_eq!(passages(&f), 0);
        let plan = later(&f, Check::Quick);
        assert_eq!(plan.reindex.len(), 1);
        bring_up(&mut f, Check::Quick);
        assert_eq!(passages(&f), 1);
        coding_store::save(
            f.store.root(),
            &CoderSessionFile {
                codings: Vec::new(),
                ..file
            },
        )
        .unwrap();
        bring_up(&mut f, Check::Quick);
        assert_eq!(passages(&f), 0);
    }

    #[test]
    fn an_edit_in_place_is_found_by_the_full_check() {
        let (mut f, ids) = fixture(&["trust grew"]);
        bring_up(&mut f, Check::Full);
        let path = f.store.session_path(&ids[0]);
        let old = std::fs::read_to_string(&path).unwrap();
        // Same length, same file, same folder: only the file's own times change.
        std::fs::write(&path, old.replace("trust grew", "zebra grew")).unwrap();
        assert!(
            later(&f, Check::Quick).is_current(),
            "the quick check looks at folders only"
        );
        let plan = later(&f, Check::Full);
        assert_eq!(plan.reindex.len(), 1);
        bring_up(&mut f, Check::Full);
        assert_eq!(sessions_with(&f, "zebra"), 1);
    }

    #[test]
    fn a_changed_theme_tree_rebuilds_and_racy_files_are_read_again() {
        let (mut f, ids) = fixture(&["trust grew"]);
        bring_up(&mut f, Check::Full);
        let mut cb = f.codebook.clone();
        let t = cb.themes.iter().position(|t| t.parent.is_some()).unwrap();
        cb.themes[t].parent = None;
        let plan = plan_at(
            &f.store,
            &f.index,
            &cb,
            Check::Quick,
            now_ns() + 2 * RACY_NS,
        )
        .unwrap();
        assert!(plan.rebuild.is_some());
        // A file changed this instant is not trusted: read again at every look until it settles.
        let mut s = f.store.load(&ids[0]).unwrap();
        s.text = "trust grew again".into();
        f.store.save(&s).unwrap();
        let at_once = super::plan(&f.store, &f.index, &f.codebook, Check::Full).unwrap();
        assert_eq!(at_once.reindex, vec![(ids[0].clone(), 0)]);
        assert_eq!(at_once.changed_sessions(), 0);
    }

    #[test]
    fn after_write_makes_a_session_searchable_at_once() {
        let (mut f, ids) = fixture(&["trust grew"]);
        let mut s = f.store.load(&ids[0]).unwrap();
        s.text = "kingfishers everywhere".into();
        f.store.save(&s).unwrap();
        after_write(&f.store, &mut f.index, &f.codebook, &ids).unwrap();
        assert_eq!(sessions_with(&f, "kingfisher"), 1);
        std::fs::remove_file(f.store.session_path(&ids[0])).unwrap();
        after_write(&f.store, &mut f.index, &f.codebook, &ids).unwrap();
        assert_eq!(sessions_with(&f, "kingfisher"), 0);
    }
}
