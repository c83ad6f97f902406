//! Recovery drafts of coder files whose save failed.
//!
//! When a coder's file (`codings/<coder-slug>/<session-id>.json`) cannot be written, its whole
//! content is kept at `.ripple/drafts/codings/<coder-slug>/<session-id>.json` (same JSON), or,
//! when the store cannot be written there either, at the same path below the fallback drafts
//! folder outside the store (`Store::fallback_drafts_dir`). A draft is kept until the coder's
//! file is saved with its content in it, or until [`restore`] writes it back.

use crate::core::anchor::reattach_all;
use crate::core::atomic::{atomic_write, create_private_dir};
use crate::core::coding::{coder_slug, CoderSessionFile};
use crate::core::coding_store::{self, CodingFileError};
use crate::core::session::SessionId;
use crate::core::session_file::is_valid_id;
use crate::core::store::{Store, CODING_DRAFTS};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A kept coder file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodingDraft {
    pub path: PathBuf,
    pub file: CoderSessionFile,
    /// When the draft was written (its modification time).
    pub written: SystemTime,
}

/// What [`restore`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restored {
    /// The coder file written.
    pub path: PathBuf,
    /// The draft it came from (now removed).
    pub draft: PathBuf,
    /// Codings in the coder file now.
    pub codings: usize,
    /// Of those, codings of the file on disk that the draft did not hold (kept as well).
    pub from_file: usize,
}

/// `<drafts>/codings/<coder-slug>/<session-id>.json`.
pub fn draft_path(drafts: &Path, coder: &str, session: &SessionId) -> PathBuf {
    drafts
        .join(CODING_DRAFTS)
        .join(coder_slug(coder))
        .join(format!("{}.json", session.as_str()))
}

fn bad_session(session: &SessionId) -> Option<CodingFileError> {
    (!is_valid_id(session.as_str())).then(|| CodingFileError {
        path: PathBuf::from(session.as_str()),
        line: None,
        message: "not a session id".into(),
    })
}

/// Write a draft file, through no symbolic link inside the store or the fallback folder.
fn write_at(store: &Store, path: &Path, json: &str) -> Result<(), CodingFileError> {
    let dir = path.parent().expect("a draft path has a parent");
    store
        .guard_write(path)
        .and_then(|()| create_private_dir(dir))
        .and_then(|()| atomic_write(path, json.as_bytes()))
        .map_err(|e| CodingFileError {
            path: path.to_path_buf(),
            line: None,
            message: format!("cannot write the recovery draft: {e}"),
        })
}

/// Keep `file` (one coder's codings and memo of one session) in a recovery draft: in the
/// store's `.ripple/drafts/codings/` when it can be written, otherwise in the fallback folder.
/// Returns where it is.
pub fn write(store: &Store, file: &CoderSessionFile) -> Result<PathBuf, CodingFileError> {
    if let Some(e) = bad_session(&file.session) {
        return Err(e);
    }
    // A kept draft that cannot be read may hold work nowhere else: never write over it.
    read(store, &file.coder, &file.session).map_err(kept_unreadable)?;
    let json = coding_store::to_json(file);
    let mut first_error = None;
    if !store.is_read_only() {
        let p = draft_path(&store.drafts_dir(), &file.coder, &file.session);
        match write_at(store, &p, &json) {
            Ok(()) => return Ok(p),
            Err(e) => first_error = Some(e),
        }
    }
    let Some(dir) = store.fallback_drafts_dir() else {
        return Err(first_error.unwrap_or_else(|| CodingFileError {
            path: store.drafts_dir(),
            line: None,
            message: "no folder for recovery drafts: the home folder is unknown".into(),
        }));
    };
    let p = draft_path(dir, &file.coder, &file.session);
    write_at(store, &p, &json).map_err(|e| first_error.unwrap_or(e))?;
    Ok(p)
}

/// Keep `file` in a draft like [`write`], without dropping what a draft already kept there
/// holds: for a coder whose earlier draft was not restored yet, `file` does not include it.
/// Codings of the kept draft that `file` lacks stay; the memo is `file`'s unless it is empty.
/// A kept draft that cannot be read is an error and is left alone.
pub fn write_merged(store: &Store, file: &CoderSessionFile) -> Result<PathBuf, CodingFileError> {
    let mut all = file.clone();
    if let Some(kept) = read(store, &file.coder, &file.session).map_err(kept_unreadable)? {
        for c in kept.file.codings {
            if !all.codings.iter().any(|o| o.id == c.id) {
                all.codings.push(c);
            }
        }
        if all.memo.trim().is_empty() {
            all.memo = kept.file.memo;
        }
        all.codings.sort_by_key(|c| (c.start, c.end));
    }
    write(store, &all)
}

/// A kept draft that cannot be read, said so that the user knows it is kept and why nothing
/// was written or removed.
fn kept_unreadable(e: CodingFileError) -> CodingFileError {
    CodingFileError {
        message: format!(
            "{}; it is kept and nothing is written over it: fix or move it",
            e.message
        ),
        ..e
    }
}

/// No draft there; a file where one of its folders should be holds none either.
fn absent(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
    )
}

fn read_at(path: &Path) -> Result<Option<CodingDraft>, CodingFileError> {
    let written = match fs::metadata(path).and_then(|m| m.modified()) {
        Ok(t) => t,
        Err(e) if absent(&e) => return Ok(None),
        Err(e) => {
            return Err(CodingFileError {
                path: path.to_path_buf(),
                line: None,
                message: format!("cannot read the recovery draft: {e}"),
            })
        }
    };
    let file = coding_store::read_file(path)?;
    Ok(Some(CodingDraft {
        path: path.to_path_buf(),
        file,
        written,
    }))
}

/// The newest kept draft of `coder`'s file for `session`, if any. A draft that cannot be read
/// is an error (it is left alone).
pub fn read(
    store: &Store,
    coder: &str,
    session: &SessionId,
) -> Result<Option<CodingDraft>, CodingFileError> {
    if let Some(e) = bad_session(session) {
        return Err(e);
    }
    let mut newest: Option<CodingDraft> = None;
    for root in store.draft_dirs() {
        if let Some(d) = read_at(&draft_path(&root, coder, session))? {
            if newest.as_ref().is_none_or(|n| d.written > n.written) {
                newest = Some(d);
            }
        }
    }
    Ok(newest)
}

/// Every kept coding draft (both folders), sorted by path, and the drafts that cannot be read.
pub fn list(store: &Store) -> (Vec<CodingDraft>, Vec<CodingFileError>) {
    let mut drafts = Vec::new();
    let mut errors = Vec::new();
    for root in store.draft_dirs() {
        let Ok(coders) = fs::read_dir(root.join(CODING_DRAFTS)) else {
            continue;
        };
        for coder in coders.flatten().filter(|e| e.path().is_dir()) {
            let Ok(files) = fs::read_dir(coder.path()) else {
                continue;
            };
            for f in files.flatten() {
                let p = f.path();
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if name.starts_with('.') || !name.ends_with(".json") {
                    continue;
                }
                match read_at(&p) {
                    Ok(Some(d)) => drafts.push(d),
                    Ok(None) => {}
                    Err(e) => errors.push(e),
                }
            }
        }
    }
    drafts.sort_by(|a, b| a.path.cmp(&b.path));
    (drafts, errors)
}

/// Every kept draft, or the first that cannot be read, named for the theme change it stops:
/// a change of themes must reach the drafts too, or a restore brings back a theme key that
/// is gone.
pub fn all_readable(store: &Store, doing: &str) -> Result<Vec<CodingDraft>, CodingFileError> {
    let (drafts, errors) = list(store);
    match errors.into_iter().next() {
        Some(e) => Err(CodingFileError {
            message: format!(
                "{}; fix or remove this recovery draft before {doing}",
                e.message
            ),
            ..e
        }),
        None => Ok(drafts),
    }
}

/// How many codings of theme `key` the kept drafts hold.
pub fn count_theme(drafts: &[CodingDraft], key: &str) -> usize {
    drafts
        .iter()
        .flat_map(|d| &d.file.codings)
        .filter(|c| c.theme == key)
        .count()
}

/// Move the kept drafts' codings of theme `remap.from` to `remap.to`, as
/// `coding_store::apply_remap` does for the coder files. A draft keeps the time it was
/// written, which says when its save failed. Returns how many codings changed.
pub fn apply_remap(
    store: &Store,
    drafts: Vec<CodingDraft>,
    remap: &crate::core::codebook::ThemeRemap,
) -> Result<usize, CodingFileError> {
    let mut changed = 0;
    for mut d in drafts {
        let n = coding_store::recode(&mut d.file, remap);
        if n > 0 {
            write_at(store, &d.path, &coding_store::to_json(&d.file))?;
            // Best effort: the draft is already safe with its new theme.
            let _ = fs::File::options()
                .write(true)
                .open(&d.path)
                .and_then(|f| f.set_modified(d.written));
            changed += n;
        }
    }
    Ok(changed)
}

/// Sessions with a kept coding draft of any coder, sorted.
pub fn sessions_with_drafts(store: &Store) -> Vec<SessionId> {
    let mut v: Vec<SessionId> = list(store).0.into_iter().map(|d| d.file.session).collect();
    v.sort();
    v.dedup();
    v
}

/// Remove `coder`'s drafts for `session` (in both folders; the store's only when writable).
/// A draft that cannot be read is not removed (an error): it may hold work nowhere else.
pub fn clear(store: &Store, coder: &str, session: &SessionId) -> Result<(), CodingFileError> {
    if let Some(e) = bad_session(session) {
        return Err(e);
    }
    for root in store.clearable_draft_dirs() {
        let p = draft_path(&root, coder, session);
        if store.guard_write(&p).is_err() {
            // Behind a link: never written there, and nothing outside is removed.
            continue;
        }
        read_at(&p).map_err(kept_unreadable)?;
        match fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if absent(&e) => {}
            Err(e) => {
                return Err(CodingFileError {
                    path: p,
                    line: None,
                    message: format!("cannot remove the recovery draft: {e}"),
                })
            }
        }
    }
    Ok(())
}

/// The draft's codings, plus every coding of the coder file on disk that the draft lacks, so
/// nothing on disk is lost: the file may have been unreadable when the draft was kept, so the
/// draft may hold only what was coded then. For a coding both hold, the draft's version wins.
/// The memo is the draft's unless it is empty. (A coding removed before the save failed comes
/// back: a lost removal is better than a lost coding.) Returns the merged file and how many
/// codings came from the file on disk.
pub fn merge(disk: &CoderSessionFile, draft: &CoderSessionFile) -> (CoderSessionFile, usize) {
    let mut merged = draft.clone();
    let mut from_file = 0;
    for c in &disk.codings {
        if !draft.codings.iter().any(|d| d.id == c.id) {
            merged.codings.push(c.clone());
            from_file += 1;
        }
    }
    if merged.memo.trim().is_empty() {
        merged.memo = disk.memo.clone();
    }
    merged.codings.sort_by_key(|c| (c.start, c.end));
    (merged, from_file)
}

/// Write `coder`'s kept draft for `session` back as their coder file (merged with the codings
/// of the file on disk, see [`merge`]; re-attached to the note's current text), then remove the
/// draft. Refused in a read-only store, and when the coder file on disk cannot be read (it is
/// never overwritten then).
pub fn restore(
    store: &Store,
    coder: &str,
    session: &SessionId,
) -> Result<Restored, CodingFileError> {
    let refuse = |message: String| CodingFileError {
        path: coding_store::file_path(store.root(), coder, session),
        line: None,
        message,
    };
    if let Some(why) = store.read_only_reason() {
        return Err(refuse(format!("cannot restore codings: {why}")));
    }
    let Some(draft) = read(store, coder, session)? else {
        return Err(refuse(format!(
            "no kept codings of {coder} for session {session} to restore"
        )));
    };
    let disk = coding_store::load(store.root(), coder, session).map_err(|e| CodingFileError {
        message: format!(
            "{}; fix or move this file, then restore again (the draft {} is kept)",
            e.message,
            draft.path.display()
        ),
        ..e
    })?;
    let (mut merged, from_file) = merge(&disk, &draft.file);
    // Written under this coder's name, wherever the draft was found.
    merged.coder = disk.coder.clone();
    if let Ok(note) = store.load(session) {
        reattach_all(&note.text, &mut merged.codings);
    }
    coding_store::save(store.root(), &merged)?;
    clear(store, coder, session)?;
    Ok(Restored {
        path: coding_store::file_path(store.root(), coder, session),
        draft: draft.path,
        codings: merged.codings.len(),
        from_file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::coding_store::new_coding;
    use crate::core::session::SessionMeta;

    const NOTE: &str = "Doña Ana 🙂: we finally trust each other. 我们 also plan together.";

    /// A writable store in a temporary folder, its fallback drafts folder inside it too.
    fn store(dir: &tempfile::TempDir) -> Store {
        let mut s = Store::open(&dir.path().join("store")).unwrap();
        s.set_fallback_drafts_dir(dir.path().join("fallback"));
        s
    }

    fn coded(store: &Store, quote: &str) -> (SessionId, CoderSessionFile) {
        let mut meta = SessionMeta::new_today("M. Rivera");
        meta.title = "Joint coaching".into();
        let id = meta.id.clone();
        store.create(meta, NOTE).unwrap();
        let (s, e) = coding_store::find_quote(NOTE, quote, None).unwrap();
        let c = new_coding(NOTE, &id, s, e, "trust", "Ana Peña", "").unwrap();
        let file = CoderSessionFile {
            session: id.clone(),
            coder: "Ana Peña".into(),
            memo: "Confianza, mes 3".into(),
            codings: vec![c],
        };
        (id, file)
    }

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_draft_is_written_privately_read_listed_and_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        let (id, file) = coded(&store, "trust each other");
        assert_eq!(read(&store, "Ana Peña", &id).unwrap(), None);

        let path = write(&store, &file).unwrap();
        assert_eq!(
            path,
            store
                .drafts_dir()
                .join(format!("codings/ana-pena/{}.json", id.as_str()))
        );
        #[cfg(unix)]
        {
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
        let draft = read(&store, "Ana Peña", &id).unwrap().expect("a draft");
        assert_eq!(
            draft.file, file,
            "memo, quote and offsets come back as written"
        );
        assert_eq!(draft.path, path);
        assert_eq!(read(&store, "Bea", &id).unwrap(), None, "per coder");
        let (all, errors) = list(&store);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(all, vec![draft]);
        assert_eq!(sessions_with_drafts(&store), vec![id.clone()]);
        // Text drafts are listed apart: a coding draft is not one of them.
        assert!(store.list_drafts().is_empty());
        assert!(store.draft_files().is_empty());

        // A second failure while this draft waits to be restored adds to it.
        let (s, e) = coding_store::find_quote(NOTE, "我们", None).unwrap();
        let other = new_coding(NOTE, &id, s, e, "roles", "Ana Peña", "").unwrap();
        let later = CoderSessionFile {
            memo: String::new(),
            codings: vec![other.clone()],
            ..file.clone()
        };
        write_merged(&store, &later).unwrap();
        let both = read(&store, "Ana Peña", &id).unwrap().unwrap().file;
        assert_eq!(both.memo, file.memo);
        assert_eq!(both.codings, vec![file.codings[0].clone(), other]);
        // A plain write replaces it (what is written then holds the draft).
        write(&store, &file).unwrap();
        assert_eq!(read(&store, "Ana Peña", &id).unwrap().unwrap().file, file);

        clear(&store, "Ana Peña", &id).unwrap();
        assert!(!path.exists());
        assert_eq!(read(&store, "Ana Peña", &id).unwrap(), None);
        assert!(list(&store).0.is_empty());
        clear(&store, "Ana Peña", &id).unwrap();
    }

    #[test]
    fn a_draft_goes_to_the_fallback_folder_when_the_store_cannot_take_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        let (id, file) = coded(&store, "trust each other");
        // A file where the folder should be: no write can go there, not even as root.
        fs::write(store.drafts_dir().join(CODING_DRAFTS), "in the way").unwrap();
        let path = write(&store, &file).unwrap();
        assert_eq!(
            path,
            draft_path(&dir.path().join("fallback"), "Ana Peña", &id)
        );
        assert_eq!(read(&store, "Ana Peña", &id).unwrap().unwrap().file, file);
        assert_eq!(sessions_with_drafts(&store), vec![id.clone()]);
        clear(&store, "Ana Peña", &id).unwrap();
        assert!(!path.exists());
    }

    #[test]
    fn a_theme_change_reaches_kept_drafts_and_keeps_their_time() {
        use crate::core::codebook::ThemeRemap;
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        let (id, mut file) = coded(&store, "trust each other");
        file.codings
            .push(new_coding(NOTE, &id, 0, 8, "roles", "Ana Peña", "").unwrap());
        let at = write(&store, &file).unwrap();
        let old = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_780_000_000);
        fs::File::options()
            .write(true)
            .open(&at)
            .unwrap()
            .set_modified(old)
            .unwrap();

        let drafts = all_readable(&store, "merging themes").unwrap();
        assert_eq!(count_theme(&drafts, "trust"), 1);
        let remap = ThemeRemap {
            from: "trust".into(),
            to: "communication".into(),
        };
        assert_eq!(apply_remap(&store, drafts, &remap).unwrap(), 1);
        let kept = read(&store, "Ana Peña", &id).unwrap().unwrap();
        let themes: Vec<&str> = kept.file.codings.iter().map(|c| c.theme.as_str()).collect();
        assert_eq!(themes, ["communication", "roles"]);
        assert_eq!(
            kept.written, old,
            "the draft still says when its save failed"
        );
        assert_eq!(count_theme(&[kept], "trust"), 0);

        // An unreadable draft stops the change before anything is written.
        let bad = draft_path(&store.drafts_dir(), "Ben", &id);
        fs::create_dir_all(bad.parent().unwrap()).unwrap();
        fs::write(&bad, "{ oops").unwrap();
        let err = all_readable(&store, "merging themes").unwrap_err();
        assert_eq!(err.path, bad);
        assert!(
            err.message.ends_with("before merging themes"),
            "{}",
            err.message
        );
    }

    #[test]
    fn an_unreadable_draft_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        let id = SessionId::new();
        let path = draft_path(&store.drafts_dir(), "Ana Peña", &id);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "{\n  \"session\": oops").unwrap();
        let err = read(&store, "Ana Peña", &id).unwrap_err();
        assert_eq!((err.path.as_path(), err.line), (path.as_path(), Some(2)));
        let (drafts, errors) = list(&store);
        assert!(drafts.is_empty());
        assert_eq!(errors, vec![err]);
        assert_eq!(fs::read_to_string(&path).unwrap(), "{\n  \"session\": oops");

        // Nothing writes over it or removes it: it may hold work kept nowhere else.
        let file = CoderSessionFile {
            session: id.clone(),
            coder: "Ana Peña".into(),
            memo: "nuevo".into(),
            codings: Vec::new(),
        };
        let e = write(&store, &file).unwrap_err();
        assert!(e.message.contains("it is kept"), "{e}");
        let e = write_merged(&store, &file).unwrap_err();
        assert_eq!(e.path, path);
        let e = clear(&store, "Ana Peña", &id).unwrap_err();
        assert_eq!(e.path, path);
        assert_eq!(fs::read_to_string(&path).unwrap(), "{\n  \"session\": oops");
        let fallback = draft_path(&dir.path().join("fallback"), "Ana Peña", &id);
        assert!(
            !fallback.exists(),
            "nor is a second draft written beside it"
        );
    }

    #[test]
    fn restoring_writes_the_draft_keeps_the_files_codings_and_removes_the_draft() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        let (id, file) = coded(&store, "trust each other");
        let draft_at = write(&store, &file).unwrap();
        let written: chrono::DateTime<chrono::Utc> =
            fs::metadata(&draft_at).unwrap().modified().unwrap().into();
        // On disk meanwhile: a coding removed before the save failed (older than the draft)
        // and one made after the draft was kept. Both stay: a removal may be lost, a coding
        // never.
        let mut removed = new_coding(NOTE, &id, 0, 8, "roles", "Ana Peña", "").unwrap();
        removed.created = written - chrono::Duration::hours(1);
        let (s, e) = coding_store::find_quote(NOTE, "我们", None).unwrap();
        let mut later = new_coding(NOTE, &id, s, e, "communication", "Ana Peña", "").unwrap();
        later.created = written + chrono::Duration::hours(1);
        coding_store::save(
            store.root(),
            &CoderSessionFile {
                memo: String::new(),
                codings: vec![removed.clone(), later.clone()],
                ..file.clone()
            },
        )
        .unwrap();

        let done = restore(&store, "Ana Peña", &id).unwrap();
        assert_eq!((done.codings, done.from_file), (3, 2));
        assert_eq!(done.draft, draft_at);
        assert!(!draft_at.exists(), "the draft is gone once restored");
        let now = coding_store::load(store.root(), "Ana Peña", &id).unwrap();
        assert_eq!(now.memo, "Confianza, mes 3");
        let ids: Vec<_> = now.codings.iter().map(|c| c.id.clone()).collect();
        assert_eq!(
            ids,
            vec![
                removed.id.clone(),
                file.codings[0].id.clone(),
                later.id.clone()
            ]
        );
        assert_eq!(now.codings[1].quote, "trust each other");
        let again = restore(&store, "Ana Peña", &id).unwrap_err();
        assert!(again.message.contains("no kept codings"), "{again}");
    }

    #[test]
    fn restoring_after_an_unreadable_coder_file_keeps_its_older_codings_and_memo() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        let (id, file) = coded(&store, "trust each other");
        // Saved long before the file became unreadable.
        let mut old = file.clone();
        old.codings[0].created = chrono::Utc::now() - chrono::Duration::days(30);
        coding_store::save(store.root(), &old).unwrap();
        // While the file could not be read, only the new coding was kept, without a memo.
        let (s, e) = coding_store::find_quote(NOTE, "我们", None).unwrap();
        let new = new_coding(NOTE, &id, s, e, "roles", "Ana Peña", "").unwrap();
        let kept = CoderSessionFile {
            memo: String::new(),
            codings: vec![new.clone()],
            ..file.clone()
        };
        write(&store, &kept).unwrap();

        let done = restore(&store, "Ana Peña", &id).unwrap();
        assert_eq!(done.codings, 2);
        let now = coding_store::load(store.root(), "Ana Peña", &id).unwrap();
        let ids: Vec<_> = now.codings.iter().map(|c| c.id.clone()).collect();
        assert_eq!(ids, vec![old.codings[0].id.clone(), new.id.clone()]);
        assert_eq!(
            now.memo, "Confianza, mes 3",
            "an empty draft memo keeps the file's"
        );

        // A non-empty draft memo wins; the draft's version of a coding it holds wins.
        let mut changed = old.codings[0].clone();
        changed.memo = "revisado".into();
        write(
            &store,
            &CoderSessionFile {
                memo: "Nuevo memo".into(),
                codings: vec![changed.clone()],
                ..file.clone()
            },
        )
        .unwrap();
        restore(&store, "Ana Peña", &id).unwrap();
        let now = coding_store::load(store.root(), "Ana Peña", &id).unwrap();
        assert_eq!(now.memo, "Nuevo memo");
        assert_eq!(now.codings.len(), 2);
        assert_eq!(now.codings[0].memo, "revisado");
    }

    #[test]
    fn restoring_never_overwrites_an_unreadable_coder_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir);
        let (id, file) = coded(&store, "trust each other");
        let draft_at = write(&store, &file).unwrap();
        let target = coding_store::file_path(store.root(), "Ana Peña", &id);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(&target, "{ broken").unwrap();
        let err = restore(&store, "Ana Peña", &id).unwrap_err();
        assert!(err.message.contains("restore again"), "{err}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "{ broken");
        assert!(draft_at.exists(), "the draft is kept");
    }
}
