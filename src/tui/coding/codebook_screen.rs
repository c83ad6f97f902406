//! The codebook screen: themes as a tree, and the edits made there (add, rename, recolour,
//! move, merge, delete), each written as one codebook save.

use super::{PickFor, Picker, Prompt, PromptFor};
use crate::core::codebook::{Codebook, PALETTE};
use crate::tui::app::{App, Screen, StatusKind};
use crate::tui::effect::Effects;
use crate::tui::keymap::Action;
use crate::tui::worker::Request;
use std::collections::BTreeMap;

/// The codebook screen.
#[derive(Clone, Debug, Default)]
pub struct CodebookScreen {
    pub selected: usize,
    /// Passages per theme key (all coders), from the last scan.
    pub counts: BTreeMap<String, usize>,
    pub counted: bool,
    /// An edit is being written.
    pub saving: bool,
}

impl App {
    pub(super) fn open_codebook(&mut self, out: &mut Effects) {
        self.screen = Screen::Codebook;
        self.coding.book.counted = false;
        out.push(Request::CountCodings);
        if let Some(p) = &self.coding.codebook_problem {
            let p = p.clone();
            self.set_status(
                StatusKind::Error,
                format!(
                    "The store's codebook is invalid ({p}); showing the built-in one, read-only"
                ),
            );
        } else {
            self.status = None;
        }
    }

    pub(super) fn book_selected(&self) -> Option<String> {
        self.coding
            .codebook
            .tree()
            .get(self.coding.book.selected)
            .map(|(_, t)| t.key.clone())
    }

    pub(super) fn codebook_action(&mut self, action: Action, out: &mut Effects) {
        let len = self.coding.codebook.themes.len();
        let sel = &mut self.coding.book.selected;
        match action {
            Action::Up => {
                *sel = sel.saturating_sub(1);
                return;
            }
            Action::Down => {
                *sel = (*sel + 1).min(len.saturating_sub(1));
                return;
            }
            Action::First => {
                *sel = 0;
                return;
            }
            Action::Last => {
                *sel = len.saturating_sub(1);
                return;
            }
            Action::Back | Action::Cancel => {
                self.screen = Screen::List;
                out.push(Request::Scan);
                return;
            }
            _ => {}
        }
        if self.refuse_read_only() {
            return;
        }
        if let Some(p) = self.coding.codebook_problem.clone() {
            self.set_status(
                StatusKind::Error,
                format!("Fix the store's codebook first ({p}); edits here would overwrite it"),
            );
            return;
        }
        if self.coding.book.saving {
            self.set_status(StatusKind::Info, "Still saving the last change…");
            return;
        }
        let Some(key) = self.book_selected() else {
            if action == Action::ThemeAdd {
                self.coding.prompt = Some(Prompt::new(
                    PromptFor::ThemeKey { parent: None },
                    "Key of the new theme (a-z, 0-9, -)",
                    "",
                ));
            }
            return;
        };
        let theme = self.coding.codebook.get(&key).cloned().expect("selected");
        match action {
            Action::ThemeAdd => {
                self.coding.prompt = Some(Prompt::new(
                    PromptFor::ThemeKey {
                        parent: theme.parent.clone(),
                    },
                    format!(
                        "Key of the new theme{} (a-z, 0-9, -)",
                        theme
                            .parent
                            .as_ref()
                            .map(|p| format!(" under {p}"))
                            .unwrap_or_default()
                    ),
                    "",
                ))
            }
            Action::ThemeRename => {
                self.coding.prompt = Some(Prompt::new(
                    PromptFor::Rename(key.clone()),
                    format!("New name for {key}"),
                    &theme.name,
                ))
            }
            Action::ThemeColourTyped => {
                self.coding.prompt = Some(Prompt::new(
                    PromptFor::Colour(key.clone()),
                    format!("Colour for {key} (#rrggbb)"),
                    &theme.colour,
                ))
            }
            Action::ThemeRecolour => {
                let cur = theme.colour.to_ascii_lowercase();
                let i = PALETTE.iter().position(|c| *c == cur);
                let next = PALETTE[i.map_or(0, |i| (i + 1) % PALETTE.len())];
                let mut book = self.coding.codebook.clone();
                match book.recolour(&key, next) {
                    Ok(()) => {
                        self.save_codebook(book, None, None, format!("{key} is now {next}"), out)
                    }
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            Action::ThemeParent => {
                self.coding.picker = Some(Picker::new(
                    PickFor::Parent(key.clone()),
                    format!("Move {key} under…"),
                    &self.coding.codebook,
                    true,
                ))
            }
            Action::ThemeMerge => {
                self.coding.picker = Some(Picker::new(
                    PickFor::MergeInto(key.clone()),
                    format!("Merge {key} into… (its passages move there)"),
                    &self.coding.codebook,
                    false,
                ))
            }
            Action::ThemeDelete => {
                if !self.coding.book.counted {
                    self.set_status(StatusKind::Info, "Still counting passages; try again");
                    return;
                }
                let n = self.coding.book.counts.get(&key).copied().unwrap_or(0);
                if n > 0 {
                    self.coding.picker = Some(Picker::new(
                        PickFor::Reassign(key.clone()),
                        format!("{key} codes {n} passage(s): move them to…"),
                        &self.coding.codebook,
                        false,
                    ));
                } else {
                    self.coding.prompt = Some(Prompt::new(
                        PromptFor::ConfirmDelete {
                            key: key.clone(),
                            reassign: None,
                        },
                        format!("Delete {key} (no passages)? Type yes"),
                        "",
                    ));
                }
            }
            _ => {}
        }
    }

    pub(super) fn save_codebook(
        &mut self,
        book: Codebook,
        remap: Option<crate::core::codebook::ThemeRemap>,
        require_unused: Option<String>,
        done: String,
        out: &mut Effects,
    ) {
        self.coding.book.saving = true;
        self.set_status(StatusKind::Info, "Saving the codebook…");
        out.push(Request::SaveCodebook {
            codebook: Box::new(book),
            remap,
            require_unused,
            done,
        });
    }
}
