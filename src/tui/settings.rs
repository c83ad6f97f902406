//! The settings form, a component over the session list: the name used as facilitator of new
//! sessions and the name codings are recorded under (both kept in the user's config file), and
//! blind coding. On the first run (no config file, no name given by `--coder` or
//! `RIPPLE_CODER`) it asks once for one name used as both. Saving goes through the IO thread
//! (`Request::SaveConfig`): the UI never waits on the disk.

use crate::tui::component::{Ctx, Outcome};
use crate::tui::keymap::Action;
use crate::tui::line_input::LineInput;

/// The form's rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    Facilitator,
    Coder,
    Blind,
}

impl Row {
    pub const ALL: [Row; 3] = [Row::Facilitator, Row::Coder, Row::Blind];

    pub fn label(self) -> &'static str {
        match self {
            Row::Facilitator => "Facilitator (new sessions)",
            Row::Coder => "Coder (your codings)",
            Row::Blind => "Blind coding (from the next start)",
        }
    }
}

/// What the form asks the app to save: the names and blind coding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chosen {
    pub facilitator: String,
    pub coder: String,
    pub blind: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsForm {
    /// The first run's question: one name, for both.
    pub first_run: bool,
    pub facilitator: LineInput,
    pub coder: LineInput,
    pub blind: bool,
    pub row: usize,
    /// Why the form cannot be saved yet (an empty name).
    pub error: Option<String>,
}

impl SettingsForm {
    /// The first run's question, offering `name` (the login name).
    pub fn first_run(name: &str) -> SettingsForm {
        let mut f = SettingsForm::edit(name, name, false);
        f.first_run = true;
        f.facilitator.select_all();
        f
    }

    /// The settings as they are.
    pub fn edit(facilitator: &str, coder: &str, blind: bool) -> SettingsForm {
        SettingsForm {
            first_run: false,
            facilitator: LineInput::new(facilitator),
            coder: LineInput::new(coder),
            blind,
            row: 0,
            error: None,
        }
    }

    pub fn current(&self) -> Row {
        if self.first_run {
            Row::Facilitator
        } else {
            Row::ALL[self.row]
        }
    }

    fn input(&mut self) -> Option<&mut LineInput> {
        match self.current() {
            Row::Facilitator => Some(&mut self.facilitator),
            Row::Coder => Some(&mut self.coder),
            Row::Blind => None,
        }
    }

    /// A typed character goes into the name on its row.
    pub fn typed(&mut self, c: char) {
        self.error = None;
        if let Some(i) = self.input() {
            i.insert(c);
        }
    }

    pub fn paste(&mut self, text: &str) {
        self.error = None;
        if let Some(i) = self.input() {
            i.insert_str(text);
        }
    }

    /// The keys of the form. `Accept` (Enter) gives what to save, once both names are given.
    pub fn handle(&mut self, action: Action, ctx: &mut Ctx) -> (Outcome, Option<Chosen>) {
        let rows = if self.first_run { 1 } else { Row::ALL.len() };
        match action {
            Action::Up | Action::PrevField => self.row = self.row.saturating_sub(1),
            Action::Down | Action::NextField => self.row = (self.row + 1).min(rows - 1),
            Action::Left(_) | Action::Right(_) if self.current() == Row::Blind => {
                self.blind = !self.blind
            }
            Action::Left(_) => self.with_input(LineInput::left),
            Action::Right(_) => self.with_input(LineInput::right),
            Action::LineStart(_) => self.with_input(LineInput::home),
            Action::LineEnd(_) => self.with_input(LineInput::end),
            Action::Backspace => self.with_input(|i| {
                i.backspace();
            }),
            Action::Delete => self.with_input(|i| {
                i.delete();
            }),
            Action::DeleteWordBack => self.with_input(|i| {
                i.delete_word_back();
            }),
            Action::ClearFilter => self.with_input(|i| {
                i.clear();
            }),
            Action::Accept => return (Outcome::Consumed, self.chosen(ctx)),
            _ => return (Outcome::NotConsumed, None),
        }
        (Outcome::Consumed, None)
    }

    fn with_input(&mut self, f: impl FnOnce(&mut LineInput)) {
        self.error = None;
        if let Some(i) = self.input() {
            f(i);
        }
    }

    /// The names as typed (trimmed); none empty.
    fn chosen(&mut self, ctx: &mut Ctx) -> Option<Chosen> {
        let facilitator = self.facilitator.text().trim().to_string();
        let coder = if self.first_run {
            facilitator.clone()
        } else {
            self.coder.text().trim().to_string()
        };
        if facilitator.is_empty() || coder.is_empty() {
            let why = "A name cannot be empty: it is written on your sessions and codings";
            self.error = Some(why.to_string());
            ctx.error(why);
            return None;
        }
        Some(Chosen {
            facilitator,
            coder,
            blind: self.blind,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::component::Harness;

    #[test]
    fn the_first_run_offers_the_login_name_selected_and_gives_one_name_for_both() {
        let mut h = Harness::default();
        let mut f = SettingsForm::first_run("jdoe");
        for c in "Rosa Díaz".chars() {
            f.typed(c);
        }
        f.handle(Action::Down, &mut h.ctx());
        assert_eq!(f.current(), Row::Facilitator, "one question only");
        let (_, chosen) = f.handle(Action::Accept, &mut h.ctx());
        assert_eq!(
            chosen,
            Some(Chosen {
                facilitator: "Rosa Díaz".into(),
                coder: "Rosa Díaz".into(),
                blind: false
            })
        );
    }

    #[test]
    fn settings_edit_each_row_and_refuse_an_empty_name() {
        let mut h = Harness::default();
        let mut f = SettingsForm::edit("Rosa", "rosa", false);
        f.handle(Action::Down, &mut h.ctx());
        f.handle(Action::ClearFilter, &mut h.ctx());
        let (_, chosen) = f.handle(Action::Accept, &mut h.ctx());
        assert_eq!(chosen, None);
        assert!(h.said().contains("cannot be empty"));
        f.typed('R');
        f.handle(Action::Down, &mut h.ctx());
        f.handle(Action::Right(false), &mut h.ctx());
        let (_, chosen) = f.handle(Action::Accept, &mut h.ctx());
        assert_eq!(
            chosen,
            Some(Chosen {
                facilitator: "Rosa".into(),
                coder: "R".into(),
                blind: true
            })
        );
    }
}
