//! What the theme picker's and a prompt's answers do once they close (`Command::Picked`,
//! `Command::PickedNewTheme`, `Command::Prompted`): edits of the open note are carried out
//! here; the codebook's edits go to the codebook screen.

use super::{PickFor, PromptFor};
use crate::core::codebook::Theme;
use crate::tui::app::{App, StatusKind};
use crate::tui::effect::Effects;
use crate::tui::keymap::{self, Action, Context};

impl App {
    /// Open the codebook screen.
    pub(super) fn open_codebook(&mut self, out: &mut Effects) {
        self.with_coding(out, |c, ctx| {
            c.book.open(c.codebook_problem.as_deref(), ctx)
        });
    }

    /// The picker closed on `key` for `purpose`.
    pub(crate) fn picked(&mut self, purpose: PickFor, key: Option<String>, out: &mut Effects) {
        match (purpose, key) {
            (PickFor::NewCoding { start, end }, Some(k)) => {
                self.pane_do(out, |p, cx| {
                    let keep = p.note.coding.mode;
                    p.add_coding(start, end, &k, keep, cx)
                });
            }
            (PickFor::ChangeTheme(id), Some(k)) => {
                let Some(n) = &mut self.note else { return };
                match n.doc.set_theme(&id, &k) {
                    Ok(()) => {
                        n.last_input = self.now;
                        self.coding.last_theme = Some(k.clone());
                        self.set_status(
                            StatusKind::Ok,
                            format!(
                                "Theme is now {k} · {} undoes",
                                keymap::key(Context::Editor, Action::Undo)
                            ),
                        );
                    }
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            (purpose, key) => {
                self.with_coding(out, |c, ctx| c.book.picked(purpose, key, &c.codebook, ctx));
            }
        }
    }

    /// The picker closed on a theme not in the codebook yet: ask for its name.
    pub(crate) fn ask_new_theme_name(&mut self, key: String, name: String, then: PickFor) {
        if let Some(p) = self.coding.codebook_problem.clone() {
            self.set_status(
                StatusKind::Error,
                format!("Fix the store's codebook first ({p}); a new theme would overwrite it"),
            );
            return;
        }
        self.coding.ask(
            PromptFor::NewThemeName {
                key: key.clone(),
                then,
            },
            format!("Name of the new theme `{key}` (added to the codebook)"),
            &name,
        );
    }

    /// A prompt closed with `text` for `purpose`.
    pub(crate) fn prompted(&mut self, purpose: PromptFor, text: String, out: &mut Effects) {
        match purpose {
            PromptFor::CodingMemo(id) => {
                let Some(n) = &mut self.note else { return };
                match n.doc.set_coding_memo(&id, &text) {
                    Ok(()) => {
                        n.last_input = self.now;
                        self.set_status(
                            StatusKind::Ok,
                            format!(
                                "Memo kept · {} undoes",
                                keymap::key(Context::Editor, Action::Undo)
                            ),
                        );
                    }
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            PromptFor::NoteMemo => {
                let coder = self.coding.coder.clone();
                if self.refuse_read_only() {
                    return;
                }
                let Some(n) = &mut self.note else { return };
                n.doc.set_note_memo(&coder, &text);
                n.last_input = self.now;
                self.set_status(
                    StatusKind::Ok,
                    format!(
                        "Note memo kept · {} undoes",
                        keymap::key(Context::Editor, Action::Undo)
                    ),
                );
            }
            PromptFor::NewThemeName { key, then } => {
                let mut book = self.coding.codebook.clone();
                let name = if text.is_empty() { key.clone() } else { text };
                match book.add(Theme::new(&key, &name, &book.suggest_colour())) {
                    Ok(()) => {
                        // Shown at once; if writing the codebook fails it is read back.
                        self.coding.codebook = book.clone();
                        self.with_coding(out, |c, ctx| {
                            c.book
                                .save(book, None, None, format!("Added theme {key}"), ctx)
                        });
                        self.picked(then, Some(key), out);
                    }
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            purpose => {
                self.with_coding(out, |c, ctx| {
                    c.book.prompted(purpose, text, &c.codebook, ctx)
                });
            }
        }
    }
}
