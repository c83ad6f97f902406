//! The two questions about the open note's file: it changed outside Ripple while there are
//! unsaved edits here (reload or keep yours), and kept text was not made from the file as it is
//! now (keep the file, take the kept text, or merge). Their keys come from the keymap's
//! `Conflict` and `Recovery` contexts.

use super::*;

impl App {
    // ---- conflicts with outside edits ----

    pub(super) fn on_conflict_key(&mut self, key: KeyEvent, out: &mut Effects) {
        let action = keymap::lookup(Context::Conflict, &key);
        let Some(n) = &mut self.note else {
            self.overlay = None;
            return;
        };
        match action {
            // Take the file from disk; our text goes to a draft first so it is not lost.
            Some(Action::ReloadFile) => {
                // Made from the file as it was before the outside change: reopening the note
                // later shows both rather than restoring it over their change.
                out.push(n.draft_request());
                n.unkept_since = None;
                // This draft is the only copy of our version: not one to clear.
                n.drafted = false;
                // Unsaved codings go to their files first; the reload re-attaches them to the
                // text on disk.
                self.save_codings(out);
                let Some(n) = &mut self.note else { return };
                // Our text is in the draft: the reload may replace it.
                n.saved_version = Some(n.doc.editor().version());
                n.saved_meta = n.meta.clone();
                n.work = FileWork::Reloading;
                out.push(Request::Load(n.meta.id.clone()));
                self.overlay = None;
                self.info("Reloading the file; your version is kept as a recovery draft");
            }
            // Keep ours: the next save overwrites the outside change.
            Some(Action::KeepMine) => {
                if let NoteFile::Known(s) = n.file {
                    n.file = NoteFile::Overwrite(s);
                }
                self.overlay = None;
                self.save_now(out, true);
            }
            _ => self.error(format!(
                "The file changed outside Ripple: press {} to reload it (your text goes to a draft) or {} to keep yours",
                keymap::key(Context::Conflict, Action::ReloadFile),
                keymap::key(Context::Conflict, Action::KeepMine),
            )),
        }
    }

    // ---- kept text that was not made from the file as it is ----

    pub(super) fn on_recovery_key(&mut self, key: KeyEvent, out: &mut Effects) {
        let action = keymap::lookup(Context::Recovery, &key);
        if action == Some(Action::Quit) {
            // Nothing is unsaved (the file is shown); the kept text stays for next time. (Ctrl-C
            // quits from the session list only.)
            self.request_quit(out);
            return;
        }
        let page = layout::recovery_page(self.size);
        let Some(n) = &mut self.note else {
            self.overlay = None;
            return;
        };
        let Some(pending) = n.recovery.take() else {
            self.overlay = None;
            return;
        };
        let (r, codings) = *pending;
        let scroll = match self.overlay {
            Some(Overlay::Recovery { scroll }) => scroll,
            _ => 0,
        };
        match action {
            Some(Action::KeepFile) => {
                out.push(Request::DiscardRecovery(n.meta.id.clone()));
                self.overlay = None;
                self.info("Keeping the file; moving the kept text to the trash…");
            }
            Some(Action::TakeDraft) => {
                n.take_recovered(r.session, codings, &self.coding.coder);
                self.overlay = None;
                self.info("Took the kept text: it replaces the file on your next pause");
            }
            Some(Action::Merge) => match r.merged.clone() {
                Some(m) => {
                    n.take_recovered(m.session, codings, &self.coding.coder);
                    self.overlay = None;
                    if m.conflicts == 0 {
                        self.info("Merged both versions: it is saved on your next pause");
                    } else {
                        self.info(format!(
                            "Merged; {} place(s) changed on both sides hold both versions between <<<<<<< and >>>>>>> lines: edit them (it saves on your next pause)",
                            m.conflicts
                        ));
                    }
                }
                None => {
                    n.recovery = Some(Box::new((r, codings)));
                    self.error(format!(
                        "Cannot merge: the version the kept text was made from is not known. {}",
                        keymap::RECOVERY_NO_MERGE_HINTS.phrase()
                    ));
                }
            },
            Some(Action::Back) => {
                self.overlay = None;
                self.close_note(out);
                self.info("The kept text stays kept: open the session again to choose");
            }
            other => {
                let moved = match other {
                    Some(Action::Up) => Some(scroll.saturating_sub(1)),
                    Some(Action::Down) => Some(scroll.saturating_add(1)),
                    Some(Action::PageUp) => Some(scroll.saturating_sub(page)),
                    Some(Action::PageDown) => Some(scroll.saturating_add(page)),
                    Some(Action::First) => Some(0),
                    _ => None,
                };
                let max = layout::recovery_line_count(&r.diff).saturating_sub(1);
                n.recovery = Some(Box::new((r, codings)));
                self.overlay = Some(Overlay::Recovery {
                    scroll: moved.unwrap_or(scroll).min(max),
                });
                if moved.is_none() {
                    self.error(format!("Choose: {}", keymap::RECOVERY_HINTS.phrase()));
                }
            }
        }
    }
}
