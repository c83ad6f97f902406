//! How the app hands keys to coding: which coding context has them, the routing of an action
//! to the component (picker, prompt, codebook screen, the open note's codings pane), and the
//! key hints shown meanwhile.

use super::codebook_screen::Book;
use super::{refuse_change, CodingState};
use crate::tui::app::{ctx, App, Pane, Screen, Status, StatusKind};
use crate::tui::component::Ctx;
use crate::tui::effect::Effects;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::note::codings_pane::{quick_keys, CodingsPane};

impl App {
    pub(super) fn set_status(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            kind,
        });
    }

    /// The coding context that has the keys now, if any.
    pub(crate) fn coding_context(&self) -> Option<Context> {
        if self.coding.prompt.is_some() {
            return Some(Context::Prompt);
        }
        if self.coding.picker.is_some() {
            return Some(Context::Picker);
        }
        if self.screen == Screen::Codebook {
            return Some(Context::Codebook);
        }
        if self.screen == Screen::Note {
            let n = self.note.as_ref()?;
            return match n.focus {
                Pane::Codings => Some(Context::Codings),
                Pane::Editor if n.coding.mode => Some(Context::Coding),
                _ => None,
            };
        }
        None
    }

    /// Whether kept codings are being restored into the open note: coding changes wait.
    fn restoring(&self) -> bool {
        self.note.as_ref().is_some_and(|n| n.coding.restoring())
    }

    /// Refuse a coding change (saying why) when the store is read-only, or for the moment
    /// kept codings are being restored (the codings shown are replaced when that lands).
    pub(super) fn refuse_read_only(&mut self) -> bool {
        let restoring = self.restoring();
        refuse_change(self.read_only.as_deref(), restoring, &mut self.status)
    }

    /// Let the coding components act with a `Ctx` over the app, then carry out the commands
    /// they gave.
    pub(super) fn with_coding<R>(
        &mut self,
        out: &mut Effects,
        f: impl FnOnce(&mut CodingState, &mut Ctx) -> R,
    ) -> R {
        let mut commands = Vec::new();
        let r = f(&mut self.coding, &mut ctx!(self, out, commands));
        self.run_commands(commands, out);
        r
    }

    /// Run `f` on the open note's codings pane with a `Ctx` over the app, then carry out the
    /// commands it gave. None without an open note.
    pub(crate) fn pane_do<R>(
        &mut self,
        out: &mut Effects,
        f: impl FnOnce(&mut CodingsPane, &mut Ctx) -> R,
    ) -> Option<R> {
        let mut commands = Vec::new();
        let r = self.note.as_mut().map(|note| {
            let mut pane = CodingsPane {
                note,
                coding: &self.coding,
            };
            f(&mut pane, &mut ctx!(self, out, commands))
        });
        self.run_commands(commands, out);
        r
    }

    /// Route an action to the coding component or pane that has the keys.
    pub(crate) fn coding_action(&mut self, ctx: Context, action: Action, out: &mut Effects) {
        let restoring = self.restoring();
        match ctx {
            Context::Picker => {
                self.with_coding(out, |c, ctx| {
                    c.picker.as_mut().map(|p| p.handle(action, ctx))
                });
            }
            Context::Prompt => {
                self.with_coding(out, |c, ctx| {
                    c.prompt.as_mut().map(|p| p.handle(action, ctx))
                });
            }
            Context::Codebook => {
                self.with_coding(out, |c, ctx| {
                    let book = Book {
                        codebook: &c.codebook,
                        problem: c.codebook_problem.as_deref(),
                        restoring,
                    };
                    c.book.handle(action, book, ctx)
                });
            }
            _ => match action {
                Action::OpenCodebook => self.open_codebook(out),
                Action::RestoreCodings => self.restore_coding_draft(out),
                _ => {
                    self.pane_do(out, |p, cx| p.action(ctx, action, cx));
                }
            },
        }
    }

    /// The key hints shown while coding.
    pub fn coding_hints(&self) -> Option<String> {
        let ctx = self.coding_context()?;
        Some(match ctx {
            Context::Coding => {
                let quick: Vec<String> = quick_keys(self.note.as_ref()?, &self.coding)
                    .iter()
                    .enumerate()
                    .filter_map(|(i, k)| {
                        let key = keymap::key(Context::Coding, Action::QuickTheme(i as u8 + 1));
                        Some(format!("{key} {}", k.as_ref()?))
                    })
                    .collect();
                format!(
                    "CODING {} · {}",
                    keymap::CODING_HINTS.line(),
                    quick.join(" ")
                )
            }
            Context::Codings => keymap::CODINGS_HINTS.line(),
            Context::Picker => keymap::PICKER_HINTS.line(),
            Context::Prompt => keymap::PROMPT_HINTS.line(),
            Context::Codebook => keymap::CODEBOOK_HINTS.line(),
            _ => return None,
        })
    }
}
