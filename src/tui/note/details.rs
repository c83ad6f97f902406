//! The details form, a component of the open note: title, date, agencies, type, county,
//! facilitator, participants and tags, with suggestions from the store.

use crate::tui::component::{Command, Ctx, Outcome};
use crate::tui::form::{FormState, Suggestions};
use crate::tui::keymap::Action;
use crate::tui::note::{NoteState, Pane};

impl NoteState {
    #[allow(clippy::collapsible_match)]
    pub fn form_action(&mut self, action: Action, sugg: &Suggestions, ctx: &mut Ctx) -> Outcome {
        if matches!(action, Action::NextField | Action::PrevField) {
            // A value the field cannot take is refused as the field is left.
            self.form.leave_field(&self.meta);
        } else if !matches!(
            action,
            Action::Left(_) | Action::LineStart(_) | Action::LineEnd(_)
        ) {
            self.form.refused = None;
        }
        let f = &mut self.form;
        match action {
            Action::NextField if !f.next_field() => {
                // Past the last field: on to the text, and what was filled in is saved.
                self.focus = Pane::Editor;
                ctx.command(Command::SaveNote);
            }
            Action::NextField => {}
            Action::PrevField => f.prev_field(),
            Action::AcceptSuggestion => f.right(sugg),
            Action::NextSuggestion => f.cycle_suggestion(1, sugg),
            Action::PrevSuggestion => f.cycle_suggestion(-1, sugg),
            Action::Backspace => f.backspace(),
            Action::Delete => f.delete(),
            Action::Left(_) => f.left(),
            Action::LineStart(_) => f.home(),
            Action::LineEnd(_) => f.end(),
            Action::DeleteWordBack => f.delete_word_back(),
            Action::ClearFilter => f.clear(),
            _ => return Outcome::NotConsumed,
        }
        self.form_changed(ctx);
        Outcome::Consumed
    }

    /// A typed character in the focused field.
    pub fn form_typed(&mut self, c: char, ctx: &mut Ctx) {
        self.form.refused = None;
        self.form.insert(c);
        self.form_changed(ctx);
    }

    /// Pasted text in the focused field (control characters dropped).
    pub fn form_paste(&mut self, text: &str, ctx: &mut Ctx) {
        self.form.refused = None;
        for c in text.chars().filter(|c| !c.is_control()) {
            self.form.insert(c);
        }
        self.form_changed(ctx);
    }

    /// Leaving the details form (Esc, Tab, a click elsewhere): a value the focused field
    /// cannot take is refused, the kept one shown again. Returns whether one was refused.
    pub fn leave_form(&mut self) -> bool {
        self.focus == Pane::Form && self.form.leave_field(&self.meta)
    }

    /// Take what the form holds into the details; on a read-only store, put the form back.
    fn form_changed(&mut self, ctx: &mut Ctx) {
        if ctx.read_only.is_some() {
            self.form = FormState {
                field: self.form.field,
                ..FormState::from_meta(&self.meta)
            };
            ctx.error("Read-only: details cannot be changed here");
            return;
        }
        if self.form.apply_to(&mut self.meta) {
            self.last_input = ctx.now;
            self.changed(ctx.now);
        }
    }
}
