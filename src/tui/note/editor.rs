//! The note editor, a component of the open note: typing, deleting, undo, the clipboard and
//! cursor motions. Saving is not its business: an edit marks the note changed, and the app's
//! timing rules (autosave, drafts) take it from there.

use crate::core::document::NoteDocument;
use crate::tui::component::{Ctx, Outcome};
use crate::tui::effect::Effect;
use crate::tui::keymap::Action;
use crate::tui::note::NoteState;
use std::time::Duration;

/// Typing pauses this long before the next keystroke starts a new undo step.
pub const UNDO_GROUP_IDLE: Duration = Duration::from_millis(1000);

impl NoteState {
    /// Run an edit on the document, unless the store is read-only.
    pub fn edit(&mut self, ctx: &mut Ctx, f: impl FnOnce(&mut NoteDocument)) {
        if let Some(why) = ctx.read_only {
            ctx.error(format!("Read-only, nothing typed is kept: {why}"));
            return;
        }
        let now = ctx.now;
        if now.duration_since(self.last_input) >= UNDO_GROUP_IDLE {
            self.doc.break_undo_group();
        }
        let before = self.doc.editor().version();
        f(&mut self.doc);
        self.last_input = now;
        if self.doc.editor().version() != before {
            self.changed(now);
        }
    }

    /// A typed character.
    pub fn type_char(&mut self, c: char, ctx: &mut Ctx) {
        self.edit(ctx, |d| {
            d.insert_char(c);
        });
    }

    /// Pasted text, at the cursor (over the selection).
    pub fn paste(&mut self, text: &str, ctx: &mut Ctx) {
        self.edit(ctx, |d| {
            d.insert_str(text);
        });
    }

    /// Copy the selection to Ripple's clipboard and the system's (OSC 52).
    pub fn copy(&mut self, ctx: &mut Ctx) {
        self.put_on_clipboard("Copied", ctx);
    }

    /// Put the selection on both clipboards and say `done` ("Copied", "Cut").
    fn put_on_clipboard(&mut self, done: &str, ctx: &mut Ctx) {
        if let Some(text) = self.doc.editor().selected_text() {
            ctx.effects.push(Effect::Clipboard(text.clone()));
            *ctx.clipboard = text;
            ctx.ok(done);
        }
    }

    pub fn editor_action(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Newline => self.edit(ctx, |d| {
                d.newline();
            }),
            Action::Backspace => self.edit(ctx, |d| {
                d.backspace();
            }),
            Action::Delete => self.edit(ctx, |d| {
                d.delete();
            }),
            Action::DeleteWordBack => self.edit(ctx, |d| {
                d.delete_word_back();
            }),
            Action::DeleteWordForward => self.edit(ctx, |d| {
                d.delete_word_forward();
            }),
            Action::Undo => self.edit(ctx, |d| {
                d.undo();
            }),
            Action::Redo => self.edit(ctx, |d| {
                d.redo();
            }),
            Action::Cut => {
                if ctx.read_only.is_none() {
                    self.put_on_clipboard("Cut", ctx);
                }
                self.edit(ctx, |d| {
                    d.delete_selection();
                });
            }
            Action::Copy => self.copy(ctx),
            Action::Paste => {
                let text = ctx.clipboard.clone();
                self.paste(&text, ctx);
            }
            _ => return self.motion(action),
        }
        Outcome::Consumed
    }

    /// Cursor motions; vertical ones use the wrap width and height settled for the screen.
    /// Anything else was not the editor's.
    fn motion(&mut self, action: Action) -> Outcome {
        let width = self.view.wrap_width();
        let page = self.view.page_rows();
        self.doc.break_undo_group();
        let e = self.doc.editor_mut();
        match action {
            Action::Left(x) => e.move_left(x),
            Action::Right(x) => e.move_right(x),
            Action::WordLeft(x) => e.move_word_left(x),
            Action::WordRight(x) => e.move_word_right(x),
            Action::LineUp(x) => e.move_up(width, x),
            Action::LineDown(x) => e.move_down(width, x),
            Action::LineStart(x) => e.move_home(width, x),
            Action::LineEnd(x) => e.move_end(width, x),
            Action::DocStart(x) => e.move_doc_start(x),
            Action::DocEnd(x) => e.move_doc_end(x),
            Action::PageUpEdit(x) => e.page_up(page, width, x),
            Action::PageDownEdit(x) => e.page_down(page, width, x),
            Action::SelectAll => e.select_all(),
            _ => return Outcome::NotConsumed,
        }
        Outcome::Consumed
    }
}
