//! The open note and its file over time: the timing rules (autosave, drafts of typing, looking
//! for outside edits, rescanning), sending saves, and what the IO thread answers.

use super::*;

impl App {
    // ---- time ----

    pub(super) fn on_tick(&mut self, out: &mut Effects) {
        self.coding_tick(out);
        let now = self.now;
        if let Some(n) = &mut self.note {
            let idle = now.duration_since(n.last_input);
            // While the outside-change question is open, nothing is written.
            if n.dirty()
                && !n.saving()
                && idle >= AUTOSAVE_IDLE
                && self.overlay != Some(Overlay::Conflict)
            {
                self.save_now(out, false);
            }
        }
        if let Some(n) = &mut self.note {
            if n.text_dirty()
                && n.unkept_since
                    .is_some_and(|t| now.duration_since(t) >= DRAFT_AFTER)
            {
                // Typing without a pause long enough to save: keep it in a draft meanwhile.
                out.push(n.draft_request());
                n.unkept_since = None;
                n.drafted = true;
            } else if n.drafted && !n.text_dirty() && !n.saving() {
                // Back to what the file holds (undone, say): the draft would bring it back.
                out.push(Request::ClearDraft(n.meta.id.clone()));
                n.drafted = false;
            }
        }
        if let Some(n) = &mut self.note {
            if n.file.exists()
                && n.work == FileWork::Idle
                && self.overlay.is_none()
                && now.duration_since(n.last_stamp_check) >= STAMP_INTERVAL
            {
                n.last_stamp_check = now;
                out.push(Request::Stamp(n.meta.id.clone()));
            }
        }
        if self.lock_busy
            && self.read_only.is_some()
            && !self.takeover.1
            && now.duration_since(self.takeover.0) >= super::TAKEOVER_INTERVAL
        {
            self.takeover = (now, true);
            out.push(Request::TakeOver);
        }
        if self.screen == Screen::List && now.duration_since(self.last_scan) >= RESCAN_INTERVAL {
            self.last_scan = now;
            out.push(Request::Scan);
        }
    }

    /// Send the open note to disk if it has changes. `explicit`: the user asked (Ctrl-S).
    pub(super) fn save_now(&mut self, out: &mut Effects, explicit: bool) {
        if let Some(why) = self.read_only.clone() {
            if explicit {
                self.error(format!("Read-only, cannot save: {why}"));
            }
            return;
        }
        let Some(n) = &mut self.note else { return };
        if n.is_blank_new() {
            return;
        }
        if !n.dirty() {
            if explicit {
                self.ok("Saved (no changes)");
            }
            return;
        }
        self.save_codings(out);
        let Some(n) = &mut self.note else { return };
        if n.saving() || !n.text_dirty() {
            return; // the tick after it lands saves again
        }
        n.meta.updated = chrono::Utc::now();
        let session = n.snapshot();
        let version = n.doc.editor().version();
        n.work = FileWork::Saving {
            version,
            meta: Box::new(n.meta.clone()),
        };
        // A failed save keeps this in a draft: nothing is unkept now.
        n.unkept_since = None;
        let expected = n.file.expected();
        let into = session.meta.id.clone();
        out.push(Request::Save {
            session: Box::new(session),
            version,
            expected,
            base: n.base.clone(),
        });
        // Follow-ups carried into the note: their marks in the source follow this save once
        // it is on disk (the IO thread answers requests in order).
        if let Some(r) = n.carried.as_mut().and_then(|c| c.request(&into)) {
            out.push(r);
        }
    }

    // ---- IO results ----

    pub(super) fn on_io(&mut self, resp: Response, out: &mut Effects) {
        match resp {
            Response::ConfigSaved(Ok(path)) => {
                let note = if self.coder_overridden {
                    " (the coder given by --coder or RIPPLE_CODER applies to this run)"
                } else {
                    ""
                };
                self.ok(format!("Saved the settings to {}{note}", path.display()));
            }
            Response::ConfigSaved(Err(e)) => self.error(format!(
                "The settings apply to this run but could not be saved: {e}"
            )),
            Response::TookOver(result) => {
                self.takeover = (self.now, false);
                match result {
                    Ok(true) => {
                        self.read_only = None;
                        self.lock_busy = false;
                        self.info(
                            "The other Ripple has closed: this one now writes the store (edits are saved again)",
                        );
                        out.push(Request::Scan);
                    }
                    Ok(false) => {}
                    Err(e) => {
                        self.lock_busy = false;
                        self.error(format!("The other Ripple has closed, but this one cannot take the store over: {e}"));
                    }
                }
            }
            Response::Exchange(answer) => {
                route!(self, out, |ctx| self.exchange.on_io(answer, ctx));
            }
            Response::Scanned(scan, drafts, coding_drafts) => {
                self.last_scan = self.now;
                self.problems = scan.problems.iter().map(|p| p.to_string()).collect();
                self.list.first_problem = self.problems.first().cloned();
                self.list.scanned(scan.sessions);
                let new_drafts = drafts.len() > self.drafts.len();
                self.drafts = drafts;
                let new_coding_drafts = coding_drafts
                    .iter()
                    .any(|d| !self.coding_drafts.contains(d));
                self.coding_drafts = coding_drafts;
                if !self.problems.is_empty() && self.status.is_none() {
                    let n = self.problems.len();
                    self.error(format!(
                        "{n} file(s) could not be read and were left untouched: {} (ripple check lists all)",
                        self.problems[0]
                    ));
                } else if new_drafts {
                    self.info(format!(
                        "{} session(s) have unsaved text recovered from a crash: open them to review (marked ●)",
                        self.drafts.len()
                    ));
                } else if new_coding_drafts
                    && !matches!(&self.status, Some(s) if s.kind == StatusKind::Error)
                {
                    self.info(format!(
                        "{} session(s) have codings kept in a draft after a failed save: open them and press {} to restore (marked ●)",
                        self.coding_drafts.len(),
                        keymap::key(Context::Editor, Action::RestoreCodings)
                    ));
                }
            }
            Response::Loaded { id, result } => {
                let read = result.is_ok();
                self.on_loaded(id.clone(), result);
                // The note's done mark, for its header.
                if read && self.note.as_ref().is_some_and(|n| n.meta.id == id) {
                    out.push(Request::DoneMark { id, set: None });
                }
            }
            Response::SaveConflict { id, draft, .. } => {
                let kept = match &draft {
                    Some(p) => format!("your text is kept here and in {}", p.display()),
                    None => "your text is kept here".to_string(),
                };
                if let Some(n) = self.note.as_mut().filter(|n| n.meta.id == id) {
                    if n.saving() {
                        n.work = FileWork::Idle;
                    }
                    self.overlay = Some(Overlay::Conflict);
                }
                if self.quit == Quit::AfterSave {
                    self.quit = if self.terminating {
                        Quit::Now
                    } else {
                        Quit::Forced
                    };
                }
                self.error(format!(
                    "Not saved: the file changed outside Ripple; {kept}. {}",
                    keymap::CONFLICT_HINTS.phrase()
                ));
            }
            Response::Saved {
                id,
                version,
                result,
                draft,
            } => {
                if result.is_ok() {
                    // Searchable as soon as it is on disk.
                    out.push(IndexRequest::Reindex(id.clone()));
                }
                let Some(n) = self.note.as_mut().filter(|n| n.meta.id == id) else {
                    if let Err(e) = result {
                        self.error(format!("Save failed: {e}"));
                    }
                    if self.quit == Quit::AfterSave {
                        self.quit = Quit::Now;
                    }
                    return;
                };
                // A reload asked for meanwhile stays on its way.
                let sent = match n.work {
                    FileWork::Saving { .. } => std::mem::replace(&mut n.work, FileWork::Idle),
                    _ => FileWork::Idle,
                };
                match result {
                    Ok((stamp, base)) => {
                        if let FileWork::Saving { meta, .. } = sent {
                            n.saved_meta = *meta;
                        }
                        n.saved_version = Some(version);
                        n.file = NoteFile::Known(Some(stamp));
                        n.base = Some(base);
                        let still_dirty = n.dirty();
                        // The save removed the drafts; one asked for since is still to come.
                        if !n.text_dirty() {
                            n.drafted = false;
                        }
                        let codings_in_flight = n.coding.saving();
                        self.drafts.retain(|d| *d != id);
                        let t = chrono::Local::now().format("%H:%M:%S");
                        self.ok(format!("Saved {t}"));
                        if self.quit == Quit::AfterSave {
                            if still_dirty {
                                self.save_now(out, false);
                            } else if !codings_in_flight {
                                self.quit = Quit::Now;
                            }
                        }
                    }
                    Err(e) => {
                        let kept = match &draft {
                            Some(p) => format!("your text is kept here and in {}", p.display()),
                            None => "your text is kept in memory only: do not close Ripple".into(),
                        };
                        if self.quit == Quit::AfterSave && self.terminating {
                            self.quit = Quit::Now; // the IO thread kept a draft
                        } else if self.quit == Quit::AfterSave && draft.is_none() {
                            // Neither saved nor kept: leaving would lose the text.
                            self.quit = Quit::Unkept;
                            self.error(format!(
                                "Could not save: {e}; nor keep your text in a recovery draft: do not close Ripple (quitting now loses it: it takes {} twice more)",
                                keymap::key(Context::Global, Action::Quit)
                            ));
                        } else if self.quit == Quit::AfterSave {
                            self.quit = Quit::Forced;
                            self.error(format!(
                                "Could not save: {e}; {kept}. Quit again to leave anyway."
                            ));
                        } else {
                            self.error(format!("Could not save: {e}; {kept}"));
                        }
                    }
                }
            }
            Response::DraftWritten(r) => {
                if let Err(e) = r {
                    self.error(format!("Could not write the recovery draft: {e}"));
                }
            }
            Response::RecoveryDiscarded { id, result } => match result {
                Ok(trash) => {
                    self.drafts.retain(|d| *d != id);
                    match trash {
                        Some(p) => self.ok(format!(
                            "Kept the file; the recovered text was moved to {}",
                            p.display()
                        )),
                        None => self.ok("Kept the file"),
                    }
                }
                Err(e) => self.error(format!(
                    "Kept the file, but the recovered text could not be moved to the trash ({e}): it stays kept, and is offered again next time"
                )),
            },
            Response::Codebook(_)
            | Response::CodingsSaved { .. }
            | Response::CodingDraftRestored { .. }
            | Response::CodingCounts(..)
            | Response::CodingStamp { .. }
            | Response::CodingsLoaded { .. }
            | Response::CodebookSaved { .. } => {
                match &resp {
                    // Codings count as evidence as soon as they are on disk.
                    Response::CodingsSaved {
                        id, result: Ok(()), ..
                    }
                    | Response::CodingDraftRestored {
                        id, result: Ok(_), ..
                    } => out.push(IndexRequest::Reindex(id.clone())),
                    // Theme names, parents or merged themes change what the index holds.
                    Response::CodebookSaved { result: Ok(_), .. } => {
                        out.push(IndexRequest::Rebuild)
                    }
                    _ => {}
                }
                self.coding_io(resp, out)
            }
            Response::Agreement { .. } | Response::Settled { .. } => {
                route!(self, out, |ctx| self.agreement.on_io(resp, ctx));
            }
            Response::Analysis { .. } => {
                route!(self, out, |ctx| self.analysis.on_io(resp, ctx));
            }
            Response::DoneMark { id, set, result } => self.on_done_mark(id, set, result),
            Response::Spelling(loaded) => self.spell_loaded(*loaded),
            Response::WordAdded { word, result } => self.word_added(word, result),
            Response::Shared(result) => self.on_shared(result),
            r @ (Response::CarryOver { .. } | Response::SyncedCarried { .. }) => {
                self.carry_io(r, out)
            }
            r @ (Response::Templates(..)
            | Response::NewSession(_)
            | Response::Deleted { .. }
            | Response::Duplicated(_)
            | Response::Trash(_)
            | Response::Restored(_)
            | Response::FollowUps(..)
            | Response::FollowUpToggled { .. }) => self.between_io(r, out),
            Response::Stamp { id, stamp } => {
                let Some(n) = self.note.as_mut().filter(|n| n.meta.id == id) else {
                    return;
                };
                if n.saving() || stamp == n.file.stamp() || !n.file.exists() {
                    return;
                }
                if stamp.is_none() {
                    self.error(
                        "The note's file was deleted outside Ripple: the next save writes it again",
                    );
                    if let Some(n) = &mut self.note {
                        n.file = NoteFile::Absent;
                    }
                    return;
                }
                if n.dirty() {
                    self.overlay = Some(Overlay::Conflict);
                } else {
                    n.work = FileWork::Reloading;
                    out.push(Request::Load(id));
                }
            }
        }
    }

    pub(super) fn on_loaded(
        &mut self,
        id: SessionId,
        result: Result<Loaded, crate::core::workspace::error::WorkspaceError>,
    ) {
        let reload = self
            .note
            .as_ref()
            .is_some_and(|n| n.meta.id == id && n.work == FileWork::Reloading);
        match result {
            Err(e) if reload => {
                // Often a file caught mid-write by another editor: keep our text, and the next
                // stamp check (the stamp still differs) tries again.
                if let Some(n) = &mut self.note {
                    n.work = FileWork::Idle;
                }
                self.error(format!(
                    "The file changed outside Ripple but cannot be read ({e}); your text here is kept, retrying"
                ));
            }
            Err(e) => {
                if self.opening.as_ref() == Some(&id) {
                    self.opening = None;
                }
                self.error(format!("Could not open the session: {e}"));
            }
            Ok(_) if reload && self.note.as_ref().is_some_and(|n| n.text_dirty()) => {
                // Typed while the reload was on its way: ask rather than drop either version.
                if let Some(n) = &mut self.note {
                    n.work = FileWork::Idle;
                }
                self.overlay = Some(Overlay::Conflict);
            }
            Ok(loaded) if reload => {
                let n = self.note.as_mut().expect("reload of open note");
                let cursor = n.doc.editor().cursor();
                n.doc = crate::tui::coding::document(&loaded.session.text, loaded.codings);
                let (mode, side) = (n.coding.mode, n.coding.side_codings);
                n.coding.reset(&n.doc, &self.coding.coder);
                (n.coding.mode, n.coding.side_codings) = (mode, side);
                n.coding.disk_stamp = Some(loaded.coding_stamp);
                let len = n.doc.editor().len_chars();
                n.doc.editor_mut().set_cursor(cursor.min(len), false);
                n.saved_version = Some(n.doc.editor().version());
                n.meta = loaded.session.meta.clone();
                n.saved_meta = loaded.session.meta;
                n.form = FormState {
                    field: n.form.field,
                    ..FormState::from_meta(&n.meta)
                };
                n.file = NoteFile::Known(loaded.stamp);
                n.base = loaded.base;
                n.unkept_since = None;
                n.work = FileWork::Idle;
                self.info("Reloaded: the file was changed outside Ripple");
                self.codings_loaded(&loaded.coding_problems);
            }
            Ok(loaded) => {
                if self.opening.as_ref() != Some(&id) {
                    return; // superseded by another open
                }
                self.opening = None;
                let codings = loaded.codings;
                let mut note = NoteState::new(loaded.session, Pane::Editor, self.now);
                note.doc = crate::tui::coding::document(&note.doc.text(), codings.clone());
                note.saved_version = Some(note.doc.editor().version());
                note.file = NoteFile::from_stamp(loaded.stamp);
                note.base = loaded.base;
                note.coding.reset(&note.doc, &self.coding.coder);
                note.coding.disk_stamp = Some(loaded.coding_stamp.clone());
                match loaded.draft {
                    Some(r) if r.onto_file => {
                        let when: chrono::DateTime<chrono::Local> = r.written.into();
                        let from = match r.source {
                            RecoverySource::Draft => "unsaved text",
                            RecoverySource::InterruptedSave => "the text of a save cut short",
                        };
                        note.take_recovered(r.session, codings, &self.coding.coder);
                        self.info(format!(
                            "Recovered {from} from {}: it is saved on your next pause",
                            when.format("%Y-%m-%d %H:%M")
                        ));
                    }
                    Some(r) => {
                        // Not made from the file as it is now: show both, overwrite nothing.
                        note.recovery = Some(Box::new((r, codings)));
                        self.overlay = Some(Overlay::Recovery { scroll: 0 });
                        self.info(format!(
                            "Unsaved text was kept, but the file changed since: {}",
                            keymap::RECOVERY_HINTS.phrase()
                        ));
                    }
                    None => self.status = None,
                }
                self.note = Some(note);
                self.screen = Screen::Note;
                self.codings_loaded(&loaded.coding_problems);
                self.offer_coding_draft(loaded.coding_drafts);
                self.apply_jump();
            }
        }
    }
}
