//! Keeping unsaved text: recovery drafts, the file version each draft was made from, and the
//! copies that interrupted saves leave behind (`.ripple-tmp-*`).
//!
//! A draft is a session file with one more front-matter line, `draft_base`, right after the
//! opening `+++`: the SHA-256 of the session file the draft's text was made from
//! (`"sha256:<hex>"`, as `sha256sum` prints it), or `"none"` when there was no file yet. Drafts
//! written before that line existed are read as made from an unknown version. Beside a draft,
//! `<id>.base` holds a copy of that file, so the draft can be merged with a file changed since.
//! A draft is restored without asking only onto the file it was made from; otherwise the user
//! sees the difference and chooses (see `tui::app`).

use super::draft::{
    decode_draft, encode_draft, BaseCopy, Compared, DraftBase, FileVersion, LeftoverTemp, Recovery,
    RecoverySource, TempHolds,
};
use super::{Store, StoreError};
use crate::core::atomic::TEMP_PREFIX;
use crate::core::session::{Session, SessionId};
use crate::core::session_file::{is_valid_id, parse_bytes};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

fn is_temp_name(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with(TEMP_PREFIX))
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .and_then(|m| m.modified().ok())
}

/// Remove a file; one already gone is fine.
fn remove_if_present(path: &Path) -> Result<(), StoreError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::io("remove", path, e, String::new())),
    }
}

/// An interrupted save's copy of a session: where, what, when.
struct Interrupted {
    path: PathBuf,
    session: Session,
    written: SystemTime,
}

impl Store {
    /// Save a recovery draft of unsaved edits whose origin is not known (a failed save from the
    /// command line). In the store's `.ripple/drafts/` when writable, otherwise (or if that
    /// fails) in the fallback folder outside the store.
    pub fn write_draft(&self, session: &Session) -> Result<PathBuf, StoreError> {
        self.write_draft_inner(session, &DraftBase::Unknown, None)
    }

    /// Save a recovery draft made from `base` (None: from no file, a session not saved yet),
    /// with a copy of the base beside it (`<id>.base`) for a later three-way merge.
    pub fn write_draft_from(
        &self,
        session: &Session,
        base: Option<&BaseCopy>,
    ) -> Result<PathBuf, StoreError> {
        match base {
            Some(b) => {
                self.write_draft_inner(session, &DraftBase::File(b.version.clone()), Some(b))
            }
            None => self.write_draft_inner(session, &DraftBase::NoFile, None),
        }
    }

    fn write_draft_inner(
        &self,
        session: &Session,
        base: &DraftBase,
        copy: Option<&BaseCopy>,
    ) -> Result<PathBuf, StoreError> {
        super::check_id(&session.meta.id)?;
        let bytes = encode_draft(session, base);
        let id = &session.meta.id;
        let write_in = |dir: &Path| -> Result<PathBuf, StoreError> {
            let p = dir.join(format!("{id}.md"));
            let side = dir.join(format!("{id}.base"));
            let err = |path: &Path| {
                let path = path.to_path_buf();
                move |e| StoreError::io("write", &path, e, String::new())
            };
            // Never through a link in the store (a planted link would take the text outside).
            self.create_dir(dir).map_err(err(dir))?;
            // The base goes first: a draft naming a version whose copy is missing only loses
            // the merge, never the draft.
            match copy {
                Some(c) => {
                    if fs::read(&side).ok().as_deref() != Some(c.bytes.as_bytes()) {
                        self.write_file(&side, c.bytes.as_bytes())
                            .map_err(err(&side))?;
                    }
                }
                None => {
                    if self.guard_write(&side).is_ok() {
                        let _ = fs::remove_file(&side);
                    }
                }
            }
            self.write_file(&p, bytes.as_bytes()).map_err(err(&p))?;
            Ok(p)
        };
        let mut first_error = None;
        if !self.is_read_only() {
            match write_in(&self.drafts_dir()) {
                Ok(p) => return Ok(p),
                Err(e) => first_error = Some(e),
            }
        }
        let Some(dir) = &self.fallback_drafts else {
            return Err(first_error.unwrap_or_else(|| StoreError::ReadOnly {
                reason: "no folder for recovery drafts: the home folder is unknown".into(),
            }));
        };
        write_in(dir).map_err(|e| first_error.unwrap_or(e))
    }

    /// The newest recovery draft of a session and when it was written.
    pub fn read_draft(&self, id: &SessionId) -> Option<(Session, SystemTime)> {
        self.drafts_of(id)
            .into_iter()
            .max_by_key(|r| r.written)
            .map(|r| (r.session, r.written))
    }

    /// The drafts kept for `id` (at most one per drafts folder).
    fn drafts_of(&self, id: &SessionId) -> Vec<Recovery> {
        if !is_valid_id(id.as_str()) {
            return Vec::new();
        }
        self.draft_dirs()
            .into_iter()
            .filter_map(|d| {
                let path = d.join(format!("{id}.md"));
                let written = modified(&path)?;
                let (session, base) = decode_draft(&fs::read(&path).ok()?).ok()?;
                (session.meta.id == *id).then_some(Recovery {
                    session,
                    written,
                    path,
                    source: RecoverySource::Draft,
                    base,
                })
            })
            .collect()
    }

    /// The newest unsaved text kept for `id`: a recovery draft, or a copy left by an
    /// interrupted save that is newer than the session file.
    pub fn recovery(&self, id: &SessionId) -> Option<Recovery> {
        let copies = self
            .interrupted_saves()
            .into_iter()
            .filter(|c| c.session.meta.id == *id && self.holds_unsaved_text(c))
            .map(|c| Recovery {
                session: c.session,
                written: c.written,
                path: c.path,
                source: RecoverySource::InterruptedSave,
                base: DraftBase::Unknown,
            });
        self.drafts_of(id)
            .into_iter()
            .chain(copies)
            .max_by_key(|r| r.written)
    }

    /// The copy of the file version a draft of `id` was made from, if one is kept and is
    /// that version.
    pub fn draft_base_copy(&self, id: &SessionId, version: &FileVersion) -> Option<Session> {
        if !is_valid_id(id.as_str()) {
            return None;
        }
        self.draft_dirs().into_iter().find_map(|d| {
            let bytes = fs::read(d.join(format!("{id}.base"))).ok()?;
            if FileVersion::of(&bytes) != *version {
                return None;
            }
            parse_bytes(Path::new(""), &bytes).ok()
        })
    }

    /// Sessions that have unsaved text kept: a draft, or an interrupted save's copy newer than
    /// the session file.
    pub fn list_drafts(&self) -> Vec<SessionId> {
        let mut ids: Vec<SessionId> = self
            .draft_dirs()
            .into_iter()
            .filter_map(|d| fs::read_dir(d).ok())
            .flat_map(|r| r.flatten())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".md").map(str::to_string))
            .filter(|n| is_valid_id(n))
            .map(SessionId)
            .collect();
        for c in self.interrupted_saves() {
            if self.holds_unsaved_text(&c) {
                ids.push(c.session.meta.id);
            }
        }
        ids.sort();
        ids.dedup();
        ids
    }

    /// Paths of every recovery draft file (for `ripple check`).
    pub fn draft_files(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = self
            .draft_dirs()
            .into_iter()
            .filter_map(|d| fs::read_dir(d).ok())
            .flat_map(|r| r.flatten())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .filter(|p| !p.file_name().is_some_and(is_temp_name))
            .collect();
        v.sort();
        v
    }

    /// The `.ripple-tmp-*` copies of session files and drafts that interrupted saves left in
    /// `sessions/` (as the last scan saw it) and in the drafts folders, that can be read.
    fn interrupted_saves(&self) -> Vec<Interrupted> {
        let mut paths = self
            .temp_files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        for d in self.draft_dirs() {
            if let Ok(read) = fs::read_dir(&d) {
                paths.extend(
                    read.flatten()
                        .filter(|e| is_temp_name(&e.file_name()))
                        .map(|e| e.path()),
                );
            }
        }
        paths
            .into_iter()
            .filter_map(|path| {
                let written = modified(&path)?;
                let (session, _) = decode_draft(&fs::read(&path).ok()?).ok()?;
                Some(Interrupted {
                    path,
                    session,
                    written,
                })
            })
            .collect()
    }

    /// An interrupted save's copy is unsaved text when its session has no file, or when it is
    /// newer than the file and differs from it.
    fn holds_unsaved_text(&self, c: &Interrupted) -> bool {
        matches!(
            self.compare_with_file(c.session.clone(), c.written),
            TempHolds::Session {
                compared: Compared::Newer | Compared::NoFile,
                ..
            }
        )
    }

    /// Remove a session's recovery drafts, their base copies and the interrupted saves' copies
    /// of it (the in-store ones only when writable): a save has just written newer text.
    pub fn clear_draft(&self, id: &SessionId) -> Result<(), StoreError> {
        super::check_id(id)?;
        for d in self.clearable_draft_dirs() {
            for p in [d.join(format!("{id}.md")), d.join(format!("{id}.base"))] {
                if self.guard_write(&p).is_err() {
                    // Behind a link: never written there, and nothing outside is removed.
                    continue;
                }
                remove_if_present(&p)?;
            }
        }
        if !self.is_read_only() {
            // Found first: looking takes the cache's lock too.
            let copies = self.interrupted_saves_of(id);
            for c in copies {
                if self.guard_write(&c).is_err() {
                    continue;
                }
                remove_if_present(&c)?;
                self.temp_files
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .retain(|p| *p != c);
            }
        }
        Ok(())
    }

    fn interrupted_saves_of(&self, id: &SessionId) -> Vec<PathBuf> {
        self.interrupted_saves()
            .into_iter()
            .filter(|c| c.session.meta.id == *id)
            .map(|c| c.path)
            .collect()
    }

    /// Move a session's unsaved text (drafts, base copies, interrupted saves' copies) to
    /// `.ripple/trash/<time>-<id>-unsaved/`: the user chose the file over it. Returns that
    /// folder, or None when there was nothing to move.
    pub fn discard_recovery(&self, id: &SessionId) -> Result<Option<PathBuf>, StoreError> {
        self.require_writable()?;
        super::check_id(id)?;
        let mut files: Vec<PathBuf> = Vec::new();
        for d in self.draft_dirs() {
            for name in [format!("{id}.md"), format!("{id}.base")] {
                let p = d.join(name);
                if p.is_file() {
                    files.push(p);
                }
            }
        }
        files.extend(self.interrupted_saves_of(id));
        if files.is_empty() {
            return Ok(None);
        }
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
        let bin = self.trash_dir().join(format!("{stamp}-{id}-unsaved"));
        // Moving out of a linked folder, or into a linked trash, would reach outside the store:
        // refused before anything moves.
        for file in &files {
            self.guard_write(file)
                .map_err(|e| StoreError::io("move to the trash", file, e, String::new()))?;
        }
        self.create_dir(&bin)
            .map_err(|e| StoreError::io("create", &bin, e, String::new()))?;
        for (n, file) in files.iter().enumerate() {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let dest = bin.join(format!("{n}-{}", name.trim_start_matches('.')));
            super::move_file(file, &dest)
                .map_err(|e| StoreError::io("move to the trash", file, e, String::new()))?;
        }
        self.temp_files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|p| p.exists());
        Ok(Some(bin))
    }

    /// Every `.ripple-tmp-*` file in any folder of the store (symbolic links are not
    /// followed) and in the fallback drafts folder, with what it holds.
    pub fn leftover_temp_files(&self) -> Vec<LeftoverTemp> {
        let mut found = Vec::new();
        let mut dirs = vec![self.root.clone()];
        dirs.extend(self.fallback_drafts.clone());
        while let Some(dir) = dirs.pop() {
            let Ok(read) = fs::read_dir(&dir) else {
                continue;
            };
            for e in read.flatten() {
                let Ok(kind) = e.file_type() else { continue };
                if kind.is_dir() {
                    dirs.push(e.path());
                } else if kind.is_file() && is_temp_name(&e.file_name()) {
                    found.push(e.path());
                }
            }
        }
        found.sort();
        found.dedup();
        found
            .into_iter()
            .filter_map(|path| {
                let modified = modified(&path)?;
                let holds = match fs::read(&path).ok().and_then(|b| decode_draft(&b).ok()) {
                    Some((s, _)) => self.compare_with_file(s, modified),
                    None => TempHolds::Other,
                };
                Some(LeftoverTemp {
                    path,
                    modified,
                    holds,
                })
            })
            .collect()
    }

    fn compare_with_file(&self, copy: Session, written: SystemTime) -> TempHolds {
        let id = copy.meta.id.clone();
        let file = self.session_path(&id);
        let compared = match (modified(&file), self.load(&id)) {
            (None, _) => Compared::NoFile,
            (Some(_), Ok(s)) if s == copy => Compared::Same,
            (Some(t), _) if written > t => Compared::Newer,
            (Some(_), _) => Compared::Older,
        };
        TempHolds::Session {
            id,
            title: copy.meta.title,
            compared,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::draft::*;
    use super::*;
    use crate::core::session::SessionMeta;
    use crate::core::session_file::to_file_string;

    fn session(text: &str) -> Session {
        let mut meta = SessionMeta::new_today("M. Rivera");
        meta.title = "Joint coaching".into();
        Session {
            meta,
            text: text.into(),
        }
    }

    fn store_with(text: &str) -> (tempfile::TempDir, Store, Session) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("store")).unwrap();
        store.set_fallback_drafts_dir(dir.path().join("fallback"));
        let s = store
            .create(session(text).meta, text)
            .expect("create session");
        (dir, store, s)
    }

    /// Make the session file look written a minute ago, so what follows is newer.
    fn age_file(store: &Store, id: &SessionId) {
        let f = fs::File::options()
            .write(true)
            .open(store.session_path(id))
            .unwrap();
        f.set_modified(SystemTime::now() - std::time::Duration::from_secs(60))
            .unwrap();
    }

    #[test]
    fn a_draft_made_from_a_file_names_it_and_keeps_a_copy_for_merging() {
        let (_dir, store, s) = store_with("Line one.");
        let (loaded, base) = store.load_with_base(&s.meta.id).unwrap();
        assert_eq!(loaded, s);
        assert_eq!(
            base.version,
            FileVersion::of(&fs::read(store.session_path(&s.meta.id)).unwrap())
        );
        let mut typed = s.clone();
        typed.text.push_str(" mine");
        let p = store.write_draft_from(&typed, Some(&base)).unwrap();
        let r = store.recovery(&s.meta.id).unwrap();
        assert_eq!(
            (r.session, r.source, r.path),
            (typed.clone(), RecoverySource::Draft, p)
        );
        assert_eq!(r.base, DraftBase::File(base.version.clone()));
        assert_eq!(
            store.draft_base_copy(&s.meta.id, &base.version),
            Some(s.clone())
        );
        // A copy of another version is not taken for this one.
        assert_eq!(
            store.draft_base_copy(&s.meta.id, &FileVersion::of(b"other")),
            None
        );
        // A draft of a new session records that there was no file.
        store.write_draft_from(&typed, None).unwrap();
        assert_eq!(store.recovery(&s.meta.id).unwrap().base, DraftBase::NoFile);
        store.write_draft_from(&typed, Some(&base)).unwrap();
        store.clear_draft(&s.meta.id).unwrap();
        assert!(store.recovery(&s.meta.id).is_none());
        assert_eq!(
            fs::read_dir(store.drafts_dir())
                .unwrap()
                .flatten()
                .filter(|e| e.path().is_file())
                .count(),
            0
        );
    }

    #[test]
    fn an_interrupted_save_newer_than_its_file_is_offered_like_a_draft() {
        let (_dir, store, s) = store_with("Before.");
        age_file(&store, &s.meta.id);
        let mut newer = s.clone();
        newer.text = "Before. Typed, then the terminal closed.".into();
        let tmp = store.sessions_dir().join(".ripple-tmp-Ab12Cd");
        fs::write(&tmp, to_file_string(&newer)).unwrap();
        store.scan();
        assert_eq!(store.list_drafts(), vec![s.meta.id.clone()]);
        let r = store.recovery(&s.meta.id).unwrap();
        assert_eq!(r.source, RecoverySource::InterruptedSave);
        assert_eq!(r.base, DraftBase::Unknown, "never restored without asking");
        assert_eq!(r.session, newer);
        let left = store.leftover_temp_files();
        assert_eq!(left.len(), 1);
        assert!(left[0].is_recoverable(), "{left:?}");
        // Moving it to the trash (the user chose the file) keeps it, out of the way.
        let bin = store.discard_recovery(&s.meta.id).unwrap().unwrap();
        assert!(!tmp.exists());
        assert_eq!(fs::read_dir(&bin).unwrap().count(), 1);
        assert!(store.list_drafts().is_empty());
    }

    #[test]
    fn leftover_temporary_files_anywhere_are_found_and_compared_with_their_files() {
        let (dir, store, s) = store_with("Saved.");
        let older = store.sessions_dir().join(".ripple-tmp-old");
        let mut before = s.clone();
        before.text = "Sav".into();
        fs::write(&older, to_file_string(&before)).unwrap();
        fs::File::options()
            .write(true)
            .open(&older)
            .unwrap()
            .set_modified(SystemTime::now() - std::time::Duration::from_secs(120))
            .unwrap();
        let same = store.sessions_dir().join(".ripple-tmp-same");
        fs::write(&same, to_file_string(&s)).unwrap();
        let coder = store.codings_dir().join("ana");
        fs::create_dir_all(&coder).unwrap();
        fs::write(coder.join(".ripple-tmp-c"), "{\"codings\": [").unwrap();
        fs::write(store.root().join(".ripple-tmp-r"), "name = ").unwrap();
        fs::create_dir_all(dir.path().join("fallback")).unwrap();
        let mut lost = session("only here");
        lost.text = "never saved anywhere".into();
        fs::write(
            dir.path().join("fallback/.ripple-tmp-f"),
            to_file_string(&lost),
        )
        .unwrap();
        store.scan();
        let left = store.leftover_temp_files();
        let holds = |name: &str| {
            left.iter()
                .find(|l| l.path.file_name().unwrap() == name)
                .map(|l| l.holds.clone())
                .unwrap_or_else(|| panic!("{name} not found in {left:?}"))
        };
        let compared = |name: &str| match holds(name) {
            TempHolds::Session { compared, .. } => compared,
            TempHolds::Other => panic!("{name} is a session copy"),
        };
        assert_eq!(compared(".ripple-tmp-old"), Compared::Older);
        assert_eq!(compared(".ripple-tmp-same"), Compared::Same);
        assert_eq!(compared(".ripple-tmp-f"), Compared::NoFile);
        assert_eq!(holds(".ripple-tmp-c"), TempHolds::Other);
        assert_eq!(holds(".ripple-tmp-r"), TempHolds::Other);
        assert_eq!(left.len(), 5);
        // Neither the older nor the identical copy is offered as unsaved text.
        assert!(store.recovery(&s.meta.id).is_none());
    }

    #[test]
    fn a_draft_records_its_base_and_reads_back() {
        let s = session("Doña Ana ✓ 我们\n+++\nmore");
        let v = FileVersion::of(b"the file");
        for base in [DraftBase::File(v.clone()), DraftBase::NoFile] {
            let bytes = encode_draft(&s, &base);
            assert!(bytes.starts_with("+++\ndraft_base = \""));
            assert_eq!(decode_draft(bytes.as_bytes()).unwrap(), (s.clone(), base));
        }
        // A draft written before the line existed is a plain session file: its base is unknown.
        let old = to_file_string(&s);
        assert_eq!(
            decode_draft(old.as_bytes()).unwrap(),
            (s.clone(), DraftBase::Unknown)
        );
        assert_eq!(encode_draft(&s, &DraftBase::Unknown), old);
    }

    #[test]
    fn file_versions_are_sha256_as_sha256sum_prints_them() {
        assert_eq!(
            FileVersion::of(b"abc").as_str(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_bad_base_line_is_an_error_on_line_2_and_later_lines_keep_their_numbers() {
        let s = session("x");
        let bytes = encode_draft(&s, &DraftBase::NoFile).replace("\"none\"", "\"sha1:00\"");
        assert_eq!(decode_draft(bytes.as_bytes()).unwrap_err().line, 2);
        let bytes = encode_draft(&s, &DraftBase::NoFile).replace("date = \"", "date = \"x");
        let err = decode_draft(bytes.as_bytes()).unwrap_err();
        let date_line = 1 + bytes.lines().position(|l| l.starts_with("date")).unwrap();
        assert_eq!(err.line, date_line);
    }

    #[test]
    fn merge_takes_both_sides_changes_and_marks_overlaps() {
        let base = session("one\ntwo\nthree\n");
        let mut file = session("one\ntwo (theirs)\nthree\n");
        file.meta = base.meta.clone();
        file.meta.county = "Doña Ana".into();
        let mut ours = session("one\ntwo\nthree\nfour (mine)\n");
        ours.meta = base.meta.clone();
        ours.meta.title = "Mine".into();
        let m = merge(&base, &file, &ours);
        assert_eq!(m.conflicts, 0);
        assert_eq!(m.session.text, "one\ntwo (theirs)\nthree\nfour (mine)\n");
        assert_eq!(m.session.meta.title, "Mine");
        assert_eq!(m.session.meta.county, "Doña Ana");

        let mut clash = session("one\ntwo (mine)\nthree\n");
        clash.meta = base.meta.clone();
        let m = merge(&base, &file, &clash);
        assert_eq!(m.conflicts, 1);
        assert_eq!(
            m.session.text,
            "one\n<<<<<<< the file\ntwo (theirs)\n=======\ntwo (mine)\n>>>>>>> the kept text\nthree\n"
        );

        // A last line without a line break: the markers still start lines of their own.
        let base = session("one\ntwo");
        let mut file = session("one\ntwo!");
        file.meta = base.meta.clone();
        let mut ours = session("one\ntwo?");
        ours.meta = base.meta.clone();
        let m = merge(&base, &file, &ours);
        assert_eq!(m.conflicts, 1);
        assert!(
            m.session
                .text
                .lines()
                .all(|l| !l.contains("two") || l.starts_with("two")),
            "{:?}",
            m.session.text
        );
    }

    #[test]
    fn diff_lines_show_what_each_side_holds() {
        let d = diff_lines("a\nb\nc\n", "a\nB\nc\nd\n");
        assert!(d.contains(&DiffLine::FileOnly("b".into())));
        assert!(d.contains(&DiffLine::RecoveredOnly("B".into())));
        assert!(d.contains(&DiffLine::RecoveredOnly("d".into())));
        assert!(d.contains(&DiffLine::Both("a".into())));
    }
}
