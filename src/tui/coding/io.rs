//! Saving, loading and watching the open note's coder files and the codebook: the answers of
//! the disk worker, kept coding drafts, and re-reading files changed outside Ripple.

use super::{document, CodingWork};
use crate::core::codebook::Codebook;
use crate::core::coding::{coder_slug, AnchorStatus, CoderSessionFile};
use crate::core::coding_draft;
use crate::tui::app::{App, NoteState, Screen, StatusKind};
use crate::tui::effect::Effects;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::worker::{Request, Response};

impl App {
    /// Send changed coder files to disk (nothing while a write is in flight, nor while the coder
    /// files are being restored or re-read: that would write over what lands; saving is tried
    /// again then).
    pub(crate) fn save_codings(&mut self, out: &mut Effects) {
        if self.read_only.is_some() {
            return;
        }
        let Some(n) = &mut self.note else { return };
        let CodingWork::Idle { reread } = n.coding.work else {
            return;
        };
        if !n.coding.dirty(&n.doc) {
            return;
        }
        // Your file only: other coders' codings moved by typing are theirs to write.
        let file = n.doc.coder_file(&n.meta.id, &self.coding.coder);
        let version = n.doc.coding_version();
        n.coding.work = CodingWork::Saving {
            version,
            superseded: false,
            reread,
        };
        out.push(Request::SaveCodings {
            id: n.meta.id.clone(),
            file: Box::new(file),
            version,
            holds_draft: n.coding.kept_draft.is_none(),
        });
    }

    /// Leaving although a save failed: keep your unsaved codings and memo of the open note in
    /// a coding draft. None when they are all on disk.
    pub(crate) fn my_coding_draft_request(&self) -> Option<Request> {
        let n = self.note.as_ref()?;
        let me = &self.coding.coder;
        if !n
            .doc
            .codings_changed_since(n.coding.saved_version)
            .contains(me)
        {
            return None;
        }
        Some(Request::WriteCodingDraft {
            file: Box::new(n.doc.coder_file(&n.meta.id, me)),
            holds_draft: n.coding.kept_draft.is_none(),
        })
    }

    /// A note was opened: if an earlier run kept your codings of it in a draft, say so and
    /// how to restore them.
    pub(crate) fn offer_coding_draft(&mut self, drafts: Vec<coding_draft::CodingDraft>) {
        let me = coder_slug(&self.coding.coder);
        let Some(d) = drafts
            .into_iter()
            .filter(|d| coder_slug(&d.file.coder) == me)
            .max_by_key(|d| d.written)
        else {
            return;
        };
        let Some(n) = &mut self.note else { return };
        let when: chrono::DateTime<chrono::Local> = d.written.into();
        let text = format!(
            "{} restores the {} coding(s) you could not save on {} (kept in {})",
            keymap::key(Context::Editor, Action::RestoreCodings),
            d.file.codings.len(),
            when.format("%Y-%m-%d %H:%M"),
            d.path.display()
        );
        n.coding.kept_draft = Some(d.path);
        if !matches!(&self.status, Some(s) if s.kind == StatusKind::Error) {
            self.set_status(StatusKind::Info, text);
        }
    }

    /// Ctrl-R: write the kept coding draft back into your coder file.
    pub(super) fn restore_coding_draft(&mut self, out: &mut Effects) {
        if self.refuse_read_only() {
            return;
        }
        let coder = self.coding.coder.clone();
        let Some(n) = &mut self.note else { return };
        let Some(kept) = n.coding.kept_draft.clone() else {
            self.set_status(StatusKind::Info, "No kept codings to restore for this note");
            return;
        };
        if !n.coding.idle() || n.coding.dirty(&n.doc) {
            // What is shown must be on disk first: the restore adds to the file on disk.
            self.save_codings(out);
            self.set_status(
                StatusKind::Info,
                format!(
                    "Your codings are being saved or re-read: press {} again in a moment",
                    keymap::key(Context::Editor, Action::RestoreCodings)
                ),
            );
            return;
        }
        n.coding.work = CodingWork::Restoring;
        out.push(Request::RestoreCodingDraft {
            id: n.meta.id.clone(),
            coder,
            text: n.doc.text(),
        });
        self.set_status(
            StatusKind::Info,
            format!("Restoring the codings kept in {}…", kept.display()),
        );
    }

    /// After a note was (re)loaded: report coding files that failed and orphans.
    pub(crate) fn codings_loaded(&mut self, problems: &[String]) {
        let Some(n) = &self.note else { return };
        let orphans = n
            .doc
            .codings()
            .iter()
            .filter(|c| c.status == AnchorStatus::Orphaned)
            .count();
        if let Some(p) = problems.first() {
            self.set_status(
                StatusKind::Error,
                format!(
                    "{} codings file(s) could not be read and were left untouched: {p}",
                    problems.len()
                ),
            );
        } else if orphans > 0 && self.status.is_none() {
            self.set_status(
                StatusKind::Info,
                format!(
                    "{orphans} coding(s) lost their words (ORPHANED): {} to the codings pane to re-attach or discard",
                    keymap::key(Context::Editor, Action::NextPane)
                ),
            );
        }
    }

    /// IO answers for coding; returns the response back when it is not one.
    pub(crate) fn coding_io(&mut self, resp: Response, out: &mut Effects) {
        match resp {
            Response::Codebook(Ok(book)) => {
                self.coding.codebook = book;
                self.coding.codebook_problem = None;
            }
            Response::Codebook(Err(problems)) => {
                let first = problems.first().cloned().unwrap_or_default();
                self.coding.codebook = Codebook::builtin();
                self.coding.codebook_problem = Some(first.clone());
                self.set_status(
                    StatusKind::Error,
                    format!("Invalid codebook: {first} — coding uses the built-in codebook until it is fixed"),
                );
            }
            Response::CodingCounts(counts, problems) => {
                for (k, v) in &counts.own {
                    let u = self.coding.usage.entry(k.clone()).or_insert(0);
                    *u = (*u).max(*v);
                }
                self.coding.book.counts = counts.own;
                self.coding.book.rolled_up = counts.rolled_up;
                self.coding.book.counted = true;
                if let Some(p) = problems.first() {
                    if self.screen == Screen::Codebook {
                        self.set_status(
                            StatusKind::Error,
                            format!(
                                "{} codings file(s) unreadable, not counted: {p}",
                                problems.len()
                            ),
                        );
                    }
                }
            }
            Response::CodebookSaved { codebook, result } => {
                self.coding.book.saving = false;
                match result {
                    Ok(msg) => {
                        self.coding.codebook = *codebook;
                        let len = self.coding.codebook.themes.len();
                        self.coding.book.selected =
                            self.coding.book.selected.min(len.saturating_sub(1));
                        self.set_status(StatusKind::Ok, msg);
                    }
                    Err(e) => {
                        self.set_status(StatusKind::Error, format!("Codebook not changed: {e}"));
                        out.push(Request::LoadCodebook);
                    }
                }
                out.push(Request::CountCodings);
            }
            Response::CodingStamp { id, stamp } => self.on_coding_stamp(id, stamp, out),
            Response::CodingDraftRestored {
                id,
                result,
                files,
                problems,
                stamp,
            } => {
                let Some(n) = self.note.as_mut().filter(|n| n.meta.id == id) else {
                    return;
                };
                n.coding.work = CodingWork::default();
                match result {
                    Ok(msg) => {
                        n.coding.kept_draft = None;
                        self.coding_drafts.retain(|d| *d != id);
                        // Coding was refused meanwhile, but typing may have moved the text.
                        let text = n.doc.text();
                        let mut files = files;
                        for f in &mut files {
                            crate::core::anchor::reattach_all(&text, &mut f.codings);
                        }
                        replace_codings(n, files, stamp);
                        self.set_status(StatusKind::Ok, msg);
                        self.codings_loaded(&problems);
                    }
                    Err(e) => self.set_status(
                        StatusKind::Error,
                        format!("Could not restore the kept codings: {e}"),
                    ),
                }
                self.resume_saving(out);
            }
            Response::CodingsLoaded {
                id,
                files,
                problems,
                stamp,
            } => {
                self.on_codings_loaded(id, files, problems, stamp);
                self.resume_saving(out);
            }
            Response::CodingsSaved {
                id,
                version,
                result,
                stamp,
                draft,
            } => {
                let Some(n) = self.note.as_mut().filter(|n| n.meta.id == id) else {
                    if let Err(e) = result {
                        let text = match &draft {
                            Some(Ok(p)) => {
                                format!("Codings not saved; kept in {}: {e}", p.display())
                            }
                            Some(Err(d)) => {
                                format!("Codings not saved, nor kept in a recovery draft: {e}; {d}")
                            }
                            None => format!("Codings not saved: {e}"),
                        };
                        self.set_status(StatusKind::Error, text);
                    }
                    if self.quit == crate::tui::app::Quit::AfterSave {
                        self.quit = crate::tui::app::Quit::Now;
                    }
                    return;
                };
                let (superseded, reread) = match n.coding.work {
                    CodingWork::Saving {
                        superseded, reread, ..
                    } => (superseded, reread),
                    _ => (false, false),
                };
                if n.coding.saving() {
                    n.coding.work = CodingWork::Idle { reread };
                }
                if superseded {
                    // Sent before the codings shown were replaced: `version` is not theirs.
                    self.resume_saving(out);
                    return;
                }
                match result {
                    Ok(()) => {
                        n.coding.saved_version = version;
                        // Our own write changed the files: they are the new baseline.
                        n.coding.disk_stamp = Some(stamp);
                        let reread = matches!(n.coding.work, CodingWork::Idle { reread: true });
                        if reread {
                            n.coding.work = CodingWork::default();
                        }
                        if reread && !n.coding.dirty(&n.doc) {
                            n.coding.work = CodingWork::Rereading;
                            out.push(Request::LoadCodings {
                                id: n.meta.id.clone(),
                                text: n.doc.text(),
                            });
                        }
                        if let Some(Err(d)) = draft {
                            self.set_status(
                                StatusKind::Error,
                                format!("Codings saved, but the recovery draft is kept: {d}"),
                            );
                        } else if !n.saving() {
                            let t = chrono::Local::now().format("%H:%M:%S");
                            self.set_status(StatusKind::Ok, format!("Saved {t}"));
                        }
                        self.after_codings_saved(out);
                    }
                    Err(e) => {
                        let leaving = self.quit == crate::tui::app::Quit::AfterSave;
                        let unkept = matches!(draft, Some(Err(_)));
                        if leaving {
                            self.quit = if self.terminating {
                                crate::tui::app::Quit::Now
                            } else if unkept {
                                crate::tui::app::Quit::Unkept
                            } else {
                                crate::tui::app::Quit::Forced
                            };
                        }
                        // Where they are comes first: the status line is one line.
                        let again = if leaving {
                            " (quit again to leave anyway)"
                        } else {
                            ""
                        };
                        let text = match draft {
                            Some(Ok(p)) => format!(
                                "Could not save the codings{again}; kept here and in {}: {e}",
                                p.display()
                            ),
                            Some(Err(d)) if leaving => format!(
                                "Could not save the codings nor keep them in a recovery draft: do not close Ripple (quitting now loses them: it takes {} twice more); {e}; {d}",
                                keymap::key(Context::Global, Action::Quit)
                            ),
                            Some(Err(d)) => format!(
                                "Could not save the codings nor keep them in a recovery draft: do not close Ripple; {e}; {d}"
                            ),
                            None => format!("Could not save the codings{again}; kept here: {e}"),
                        };
                        self.set_status(StatusKind::Error, text);
                    }
                }
            }
            _ => {}
        }
    }

    /// Coder files landed (restored or re-read): send what was held back meanwhile, and leave
    /// if quitting waited for it.
    pub(super) fn resume_saving(&mut self, out: &mut Effects) {
        self.save_codings(out);
        let Some(n) = &self.note else { return };
        if !n.coding.saving() {
            self.after_codings_saved(out);
        }
    }

    pub(super) fn after_codings_saved(&mut self, out: &mut Effects) {
        let Some(n) = &self.note else { return };
        if self.quit == crate::tui::app::Quit::AfterSave {
            if !n.dirty() {
                self.quit = crate::tui::app::Quit::Now;
            } else if !n.saving() {
                self.save_codings(out);
            }
        }
    }

    /// Every couple of seconds, look whether the open note's coder files changed outside
    /// Ripple (another coder's synced work, a hand edit).
    pub(crate) fn coding_tick(&mut self, out: &mut Effects) {
        let Some(n) = &mut self.note else { return };
        let now = self.now;
        let due = n
            .coding
            .last_stamp_check
            .is_none_or(|t| now.duration_since(t) >= crate::tui::app::STAMP_INTERVAL);
        if !due || !n.coding.idle() || !n.file.exists() {
            return;
        }
        n.coding.last_stamp_check = Some(now);
        out.push(Request::CodingStamp(n.meta.id.clone()));
    }

    pub(super) fn on_coding_stamp(
        &mut self,
        id: crate::core::session::SessionId,
        stamp: Vec<(std::path::PathBuf, Option<crate::core::store::FileStamp>)>,
        out: &mut Effects,
    ) {
        let Some(n) = self.note.as_mut().filter(|n| n.meta.id == id) else {
            return;
        };
        if !n.coding.idle() {
            return;
        }
        match &n.coding.disk_stamp {
            None => n.coding.disk_stamp = Some(stamp),
            Some(old) if *old == stamp => {}
            Some(_) => {
                if n.coding.dirty(&n.doc) {
                    // Ours are saved first (other coders' files are merged on save); the
                    // next look re-reads them.
                    n.coding.work = CodingWork::Idle { reread: true };
                    self.save_codings(out);
                    return;
                }
                n.coding.work = CodingWork::Rereading;
                out.push(Request::LoadCodings {
                    id,
                    text: n.doc.text(),
                });
            }
        }
    }

    pub(super) fn on_codings_loaded(
        &mut self,
        id: crate::core::session::SessionId,
        files: Vec<CoderSessionFile>,
        problems: Vec<String>,
        stamp: Vec<(std::path::PathBuf, Option<crate::core::store::FileStamp>)>,
    ) {
        let Some(n) = self.note.as_mut().filter(|n| n.meta.id == id) else {
            return;
        };
        if n.coding.work == CodingWork::Rereading {
            n.coding.work = CodingWork::default();
        }
        if n.coding.dirty(&n.doc) {
            n.coding.disk_stamp = Some(stamp);
            return; // coded here meanwhile: keep ours; the next look tries again
        }
        replace_codings(n, files, stamp);
        self.set_status(
            StatusKind::Info,
            "Codings changed outside Ripple (another coder?): shown as they are now",
        );
        self.codings_loaded(&problems);
    }
}

/// Show the coder files as read from disk (`stamp` their stamps) in the open note, whose text is
/// unchanged: only the codings are new. The document is rebuilt, so its undo history starts
/// again here; cursor and selection stay.
pub(super) fn replace_codings(
    n: &mut NoteState,
    files: Vec<CoderSessionFile>,
    stamp: Vec<(std::path::PathBuf, Option<crate::core::store::FileStamp>)>,
) {
    n.coding.disk_stamp = Some(stamp);
    if let CodingWork::Saving { superseded, .. } = &mut n.coding.work {
        *superseded = true;
    }
    let ed = n.doc.editor();
    let (cursor, anchor) = (ed.cursor(), ed.anchor());
    let text = n.doc.text();
    let text_dirty = n.text_dirty();
    n.doc = document(&text, files);
    // A new document: the file holds its text only if the old one was saved.
    n.saved_version = (!text_dirty).then(|| n.doc.editor().version());
    match anchor {
        Some(a) => n.doc.editor_mut().set_selection(a, cursor),
        None => n.doc.editor_mut().set_cursor(cursor, false),
    }
    n.coding.saved_version = n.doc.coding_version();
}
