//! The one-line prompt component (memos, theme keys and names, colours, confirmations): Enter
//! closes it with the text typed (`Command::Prompted`); what is done with it is the business of
//! whoever asked (`PromptFor`).

use super::purpose::PromptFor;
use crate::tui::component::{Command, Ctx, Outcome};
use crate::tui::keymap::Action;
use crate::tui::line_input::LineInput;

#[derive(Clone, Debug)]
pub struct Prompt {
    pub purpose: PromptFor,
    pub title: String,
    /// The text typed and its cursor.
    pub input: LineInput,
    /// The text the prompt opened with: a memo written elsewhere may hold line breaks, which
    /// the one-line input shows as spaces; accepted unchanged, the memo keeps them.
    original: String,
}

impl Prompt {
    /// A prompt holding `text`, the cursor at its end.
    pub fn new(purpose: PromptFor, title: impl Into<String>, text: &str) -> Prompt {
        Prompt {
            purpose,
            title: title.into(),
            input: LineInput::new(text),
            original: text.to_string(),
        }
    }

    /// What Enter takes: the text typed, trimmed; the original when nothing was changed.
    pub fn text(&self) -> String {
        if self.input.text() == LineInput::new(self.original.as_str()).text() {
            self.original.trim().to_string()
        } else {
            self.input.text().trim().to_string()
        }
    }

    /// A typed character goes in at the cursor.
    pub fn typed(&mut self, c: char) {
        self.input.insert(c);
    }

    /// Pasted text goes in at the cursor, its control characters (line breaks too) left out.
    pub fn paste(&mut self, text: &str) {
        for c in text.chars() {
            self.input.insert(c);
        }
    }

    pub fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Backspace => {
                self.input.backspace();
            }
            Action::Delete => {
                self.input.delete();
            }
            Action::Left(_) => self.input.left(),
            Action::Right(_) => self.input.right(),
            Action::LineStart(_) => self.input.home(),
            Action::LineEnd(_) => self.input.end(),
            Action::ClearFilter => {
                self.input.clear();
            }
            Action::Cancel | Action::Back => ctx.command(Command::CloseOverlay),
            Action::Accept => ctx.command(Command::Prompted {
                purpose: self.purpose.clone(),
                text: self.text(),
            }),
            _ => return Outcome::NotConsumed,
        }
        Outcome::Consumed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_memo_with_line_breaks_accepted_unchanged_keeps_them() {
        let memo = "First line.\nSecond line, Doña Ana 👪";
        let p = Prompt::new(PromptFor::NoteMemo, "Memo", memo);
        assert_eq!(p.input.text(), "First line. Second line, Doña Ana 👪");
        assert_eq!(p.text(), memo);
        let mut edited = p.clone();
        edited.input.insert('!');
        assert_eq!(edited.text(), "First line. Second line, Doña Ana 👪!");
    }

    #[test]
    fn enter_closes_the_prompt_with_its_text_and_esc_without() {
        use crate::tui::component::Harness;
        let mut p = Prompt::new(PromptFor::Rename("trust".into()), "Name", "Confianza");
        let mut h = Harness::default();
        p.handle(Action::LineStart(false), &mut h.ctx());
        p.paste("La\n");
        p.typed(' ');
        p.handle(Action::Accept, &mut h.ctx());
        p.handle(Action::Cancel, &mut h.ctx());
        assert_eq!(
            h.commands(),
            [
                Command::Prompted {
                    purpose: PromptFor::Rename("trust".into()),
                    text: "La Confianza".into(),
                },
                Command::CloseOverlay
            ]
        );
    }
}
