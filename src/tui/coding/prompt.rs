//! One-line prompts (memos, theme keys and names, colours, confirmations) and what Enter does
//! with the text typed.

use super::PickFor;
use crate::core::codebook::Theme;
use crate::core::coding::CodingId;
use crate::tui::app::{App, StatusKind};
use crate::tui::effect::Effects;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::line_input::LineInput;

/// What a one-line prompt is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptFor {
    CodingMemo(CodingId),
    NoteMemo,
    ThemeKey {
        parent: Option<String>,
    },
    ThemeName {
        key: String,
        parent: Option<String>,
    },
    Rename(String),
    Colour(String),
    ConfirmDelete {
        key: String,
        reassign: Option<String>,
    },
    /// Name a theme created from the picker, then use it for `then`.
    NewThemeName {
        key: String,
        then: PickFor,
    },
}

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
}

impl App {
    pub(super) fn prompt_action(&mut self, action: Action, out: &mut Effects) {
        let Some(p) = &mut self.coding.prompt else {
            return;
        };
        match action {
            Action::Backspace => {
                p.input.backspace();
            }
            Action::Delete => {
                p.input.delete();
            }
            Action::Left(_) => p.input.left(),
            Action::Right(_) => p.input.right(),
            Action::LineStart(_) => p.input.home(),
            Action::LineEnd(_) => p.input.end(),
            Action::ClearFilter => {
                p.input.clear();
            }
            Action::Cancel | Action::Back => self.coding.prompt = None,
            Action::Accept => {
                let p = self.coding.prompt.take().expect("prompt open");
                self.prompt_done(p, out);
            }
            _ => {}
        }
    }

    pub(super) fn prompt_done(&mut self, p: Prompt, out: &mut Effects) {
        let text = p.text();
        match p.purpose {
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
            PromptFor::ThemeKey { parent } => {
                let key = text.to_lowercase();
                if !crate::core::codebook::is_valid_key(&key) {
                    self.set_status(
                        StatusKind::Error,
                        format!("`{key}` is not a valid key: use a-z, 0-9 and -"),
                    );
                    return;
                }
                if self.coding.codebook.get(&key).is_some() {
                    self.set_status(StatusKind::Error, format!("`{key}` exists already"));
                    return;
                }
                let name = {
                    let mut c = key.replace('-', " ").chars().collect::<Vec<_>>();
                    if let Some(f) = c.first_mut() {
                        *f = f.to_ascii_uppercase();
                    }
                    c.into_iter().collect::<String>()
                };
                self.coding.prompt = Some(Prompt::new(
                    PromptFor::ThemeName { key, parent },
                    "Name of the new theme",
                    &name,
                ));
            }
            PromptFor::ThemeName { key, parent } => {
                let mut book = self.coding.codebook.clone();
                let mut t = Theme::new(&key, &text, &book.suggest_colour());
                t.parent = parent;
                match book.add(t) {
                    Ok(()) => self.save_codebook(book, None, None, format!("Added {key}"), out),
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            PromptFor::Rename(key) => {
                let mut book = self.coding.codebook.clone();
                match book.rename(&key, &text) {
                    Ok(()) => self.save_codebook(book, None, None, format!("Renamed {key}"), out),
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            PromptFor::Colour(key) => {
                let colour = if text.starts_with('#') {
                    text
                } else {
                    format!("#{text}")
                };
                let mut book = self.coding.codebook.clone();
                match book.recolour(&key, &colour) {
                    Ok(()) => {
                        self.save_codebook(book, None, None, format!("{key} is now {colour}"), out)
                    }
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            PromptFor::NewThemeName { key, then } => {
                let mut book = self.coding.codebook.clone();
                let name = if text.is_empty() { key.clone() } else { text };
                match book.add(Theme::new(&key, &name, &book.suggest_colour())) {
                    Ok(()) => {
                        // Shown at once; if writing the codebook fails it is read back.
                        self.coding.codebook = book.clone();
                        self.save_codebook(book, None, None, format!("Added theme {key}"), out);
                        self.picked(then, Some(key), out);
                    }
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            PromptFor::ConfirmDelete { key, reassign } => {
                if !text.eq_ignore_ascii_case("yes") && !text.eq_ignore_ascii_case("y") {
                    self.set_status(StatusKind::Info, format!("{key} kept"));
                    return;
                }
                let n = self.coding.book.counts.get(&key).copied().unwrap_or(0);
                let mut book = self.coding.codebook.clone();
                match book.delete(&key, reassign.as_deref(), n) {
                    Ok(remap) => {
                        let check = remap.is_none().then(|| key.clone());
                        self.save_codebook(book, remap, check, format!("Deleted {key}"), out)
                    }
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
        }
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
}
