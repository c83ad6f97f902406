//! The trash: deleted sessions, listed and restored. `Store::delete` moves a session's file,
//! every coder's codings of it and their coding drafts into `.ripple/trash/<UTC time>-<id>/`;
//! `restore` moves them back where they were, all or none.

use super::trashed::Trashed;
use super::{io_err, move_file, Store, StoreError, CODINGS_DIR, CODING_DRAFTS};
use crate::core::session::SessionId;
use crate::core::session_file::{id_of_file_name, is_valid_id, parse_bytes};
use chrono::{DateTime, NaiveDateTime, Utc};
use std::fs;
use std::path::{Path, PathBuf};

/// The folder name's time, as `delete` writes it (`20260614T184012.123Z`).
fn parse_stamp(s: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(s, "%Y%m%dT%H%M%S%.3fZ")
        .ok()
        .map(|t| t.and_utc())
}

/// The session id and time of a trash folder's name; None for other folders (kept text set
/// aside by recovery is `<time>-<id>-unsaved`, not a deleted session).
fn split_folder_name(name: &str) -> Option<(&str, &str)> {
    let (stamp, id) = name.split_once('-')?;
    is_valid_id(id).then_some((stamp, id))
}

/// The session file in a trash folder.
fn session_file_in(folder: &Path, id: &str) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(folder)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .and_then(id_of_file_name)
                    == Some(id)
        })
        .collect();
    found.sort();
    found.into_iter().next()
}

/// The `.json` files one level down in `dir` (`<dir>/<coder>/<id>.json`), with the coder
/// folder's name.
fn coder_files(dir: &Path, id: &str) -> Vec<(std::ffi::OsString, PathBuf)> {
    let mut out = Vec::new();
    for coder in fs::read_dir(dir).into_iter().flatten().flatten() {
        let file = coder.path().join(format!("{id}.json"));
        if file.is_file() {
            out.push((coder.file_name(), file));
        }
    }
    out.sort();
    out
}

impl Store {
    /// Every deleted session in the trash, most recently deleted first.
    pub fn trash(&self) -> Vec<Trashed> {
        let mut out = Vec::new();
        for entry in fs::read_dir(self.trash_dir())
            .into_iter()
            .flatten()
            .flatten()
        {
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            let Some((stamp, id)) = split_folder_name(&name) else {
                continue;
            };
            let folder = entry.path();
            if !folder.is_dir() {
                continue;
            }
            let (meta, problem) = match session_file_in(&folder, id) {
                None => (None, Some("no session file in it".to_string())),
                Some(file) => match fs::read(&file) {
                    Err(e) => (None, Some(format!("cannot read {}: {e}", file.display()))),
                    Ok(bytes) => match parse_bytes(Path::new(""), &bytes) {
                        Ok(s) => (Some(s.meta), None),
                        Err(e) => (
                            None,
                            Some(format!("{}:{}: {}", file.display(), e.line, e.message)),
                        ),
                    },
                },
            };
            out.push(Trashed {
                codings: coder_files(&folder.join(CODINGS_DIR), id).len(),
                folder,
                id: SessionId(id.to_string()),
                deleted: parse_stamp(stamp),
                meta,
                problem,
            });
        }
        out.sort_by(|a, b| b.folder.file_name().cmp(&a.folder.file_name()));
        out
    }

    /// The most recently deleted session in the trash whose id is `query` (a full id, or a
    /// unique prefix of a full id or of a short form, case-insensitively: as `Store::resolve`).
    pub fn find_in_trash(&self, query: &str) -> Result<Trashed, StoreError> {
        let q = query.trim().to_ascii_lowercase();
        let all = self.trash();
        let mut ids: Vec<&SessionId> = all
            .iter()
            .map(|t| &t.id)
            .filter(|id| id.answers_to(&q))
            .collect();
        ids.sort();
        ids.dedup();
        match ids.len() {
            0 => Err(StoreError::NotInTrash(query.to_string())),
            1 => {
                let id = ids[0].clone();
                Ok(all.into_iter().find(|t| t.id == id).expect("listed above"))
            }
            _ => Err(StoreError::Ambiguous {
                query: query.to_string(),
                candidates: ids.iter().map(|i| i.to_string()).collect(),
            }),
        }
    }

    /// Put a deleted session back: its file into `sessions/`, its codings and coding drafts
    /// where they were. Refused, with nothing moved, when the session is in the store again
    /// (restored already) or one of the files would replace one that is there now. The trash
    /// folder is removed once empty.
    pub fn restore(&self, trashed: &Trashed) -> Result<SessionId, StoreError> {
        self.require_writable()?;
        let id = trashed.id.clone();
        let folder = &trashed.folder;
        let file = session_file_in(folder, id.as_str()).ok_or_else(|| {
            StoreError::NotInTrash(format!("{id} (no session file in {})", folder.display()))
        })?;
        if self.find_session_file(&id, true).is_some() {
            return Err(StoreError::AlreadyExists(id.to_string()));
        }
        let name = file.file_name().expect("a file name").to_owned();
        let mut moves: Vec<(PathBuf, PathBuf)> = vec![(file, self.sessions_dir().join(name))];
        for (coder, f) in coder_files(&folder.join(CODINGS_DIR), id.as_str()) {
            moves.push((f, self.codings_dir().join(coder).join(format!("{id}.json"))));
        }
        let mut drafts = vec![(folder.join("drafts"), Some(self.drafts_dir()))];
        drafts.push((
            folder.join("fallback-drafts"),
            self.fallback_drafts_dir().map(Path::to_path_buf),
        ));
        for (from, to) in drafts {
            // Coding drafts whose home is gone (no fallback folder now) go to the store's.
            let to = to.unwrap_or_else(|| self.drafts_dir());
            for (coder, f) in coder_files(&from.join(CODING_DRAFTS), id.as_str()) {
                moves.push((
                    f,
                    to.join(CODING_DRAFTS)
                        .join(coder)
                        .join(format!("{id}.json")),
                ));
            }
        }
        for (from, to) in &moves {
            if to.exists() {
                return Err(StoreError::io(
                    "restore",
                    from,
                    std::io::Error::other(format!(
                        "{} is there now; move it aside to restore the session",
                        to.display()
                    )),
                    String::new(),
                ));
            }
            self.guard_write(from).map_err(io_err("restore", from))?;
            self.guard_write(to).map_err(io_err("restore", to))?;
        }
        let mut done: Vec<(&PathBuf, &PathBuf)> = Vec::new();
        for (from, to) in &moves {
            let dir = to.parent().expect("a folder");
            let moved = self.create_dir(dir).and_then(|()| move_file(from, to));
            if let Err(e) = moved {
                // All or none: put back what already moved.
                for (f, t) in done.into_iter().rev() {
                    let _ = move_file(t, f);
                }
                return Err(StoreError::io("restore", from, e, String::new()));
            }
            done.push((from, to));
        }
        let _ = crate::core::atomic::sync_dir(&self.sessions_dir());
        remove_empty_folders(folder);
        self.remember_name(&id, &moves[0].1);
        Ok(id)
    }
}

/// Remove `dir` and the folders below it that are empty (a file left in it keeps it).
fn remove_empty_folders(dir: &Path) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            remove_empty_folders(&entry.path());
        }
    }
    let _ = fs::remove_dir(dir);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::session::SessionMeta;

    #[test]
    fn trash_folder_names_give_the_time_and_id_and_kept_text_is_not_a_session() {
        let id = "01jd3k4m5n6p7q8r9s0t1v2w3x";
        let name = format!("20260614T184012.123Z-{id}");
        let (stamp, got) = split_folder_name(&name).unwrap();
        assert_eq!(got, id);
        assert_eq!(
            parse_stamp(stamp).unwrap().to_rfc3339(),
            "2026-06-14T18:40:12.123+00:00"
        );
        assert!(split_folder_name(&format!("20260614T184012.123Z-{id}-unsaved")).is_none());
    }

    #[test]
    fn a_deleted_session_comes_back_with_its_codings_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let mut meta = SessionMeta::new_today("M. Rivera");
        meta.title = "Doña Ana check-in".into();
        let s = store.create(meta, "Words.\n").unwrap();
        let coder = store.codings_dir().join("ana");
        fs::create_dir_all(&coder).unwrap();
        let codings = coder.join(format!("{}.json", s.meta.id));
        fs::write(&codings, "{}").unwrap();
        let path = store.session_path(&s.meta.id);

        store.delete(&s.meta.id).unwrap();
        assert!(!path.exists() && !codings.exists());
        let trash = store.trash();
        assert_eq!(trash.len(), 1);
        assert_eq!(trash[0].meta.as_ref().unwrap().title, "Doña Ana check-in");
        assert_eq!(trash[0].codings, 1);
        assert!(trash[0].deleted.is_some());
        // A prefix of the short id finds it, as it does a session in the store.
        let by_prefix = store.find_in_trash(&s.meta.id.short()[..4]).unwrap();
        assert_eq!(by_prefix.id, s.meta.id);
        let found = store.find_in_trash(s.meta.id.short()).unwrap();

        assert_eq!(store.restore(&found).unwrap(), s.meta.id);
        assert_eq!(store.load(&s.meta.id).unwrap(), s);
        assert_eq!(store.session_path(&s.meta.id), path);
        assert_eq!(fs::read_to_string(&codings).unwrap(), "{}");
        assert!(store.trash().is_empty());
        assert!(
            !found.folder.exists(),
            "the emptied trash folder is removed"
        );
        assert!(matches!(
            store.find_in_trash(s.meta.id.short()),
            Err(StoreError::NotInTrash(_))
        ));
    }

    #[test]
    fn restoring_over_a_session_that_is_back_moves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let s = store
            .create(SessionMeta::new_today("M. Rivera"), "Words.\n")
            .unwrap();
        store.delete(&s.meta.id).unwrap();
        let trashed = store.trash().remove(0);
        // The same session written again (from a backup, say) before the restore.
        fs::write(
            store.sessions_dir().join(format!("{}.md", s.meta.id)),
            crate::core::session_file::to_file_string(&s),
        )
        .unwrap();
        let e = store.restore(&trashed).unwrap_err();
        assert!(matches!(e, StoreError::AlreadyExists(_)), "{e}");
        assert_eq!(store.trash().len(), 1, "the trash keeps it");
    }
}
