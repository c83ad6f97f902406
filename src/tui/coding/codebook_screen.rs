//! The codebook screen component: themes as a tree, and the edits made there (add, rename,
//! recolour, move, merge, delete), each written as one codebook save. An edit that needs a
//! theme or a line of text asks for it (`Command::Pick`, `Command::Ask`); the answer comes
//! back to `picked` or `prompted`.

use super::purpose::{PickFor, PromptFor};
use super::refuse_change;
use crate::core::codebook::{Codebook, Theme, ThemeRemap, PALETTE};
use crate::tui::component::{Command, Ctx, Outcome, Screen};
use crate::tui::keymap::Action;
use crate::tui::worker::Request;
use std::collections::BTreeMap;

/// The codebook screen.
#[derive(Clone, Debug, Default)]
pub struct CodebookScreen {
    pub selected: usize,
    /// Passages per theme key (all coders), from the last scan.
    pub counts: BTreeMap<String, usize>,
    /// Passages per theme key with its sub-themes (each distinct span once).
    pub rolled_up: BTreeMap<String, usize>,
    pub counted: bool,
    /// An edit is being written.
    pub saving: bool,
}

/// The codebook in use, as the screen reads it: the app holds it, since notes are coded with
/// it too.
#[derive(Clone, Copy, Debug)]
pub struct Book<'a> {
    pub codebook: &'a Codebook,
    /// Why the store's codebook is not in use (it is invalid: the built-in one is shown).
    pub problem: Option<&'a str>,
    /// The open note's kept codings are being restored: coding changes wait.
    pub restoring: bool,
}

impl CodebookScreen {
    /// The screen opens: passages are counted afresh, and an invalid store codebook is named.
    pub fn open(&mut self, problem: Option<&str>, ctx: &mut Ctx) {
        ctx.command(Command::Show(Screen::Codebook));
        self.counted = false;
        ctx.effects.push(Request::CountCodings);
        match problem {
            Some(p) => ctx.error(format!(
                "The store's codebook is invalid ({p}); showing the built-in one, read-only"
            )),
            None => *ctx.status = None,
        }
    }

    /// The key of the highlighted theme.
    pub fn selected_key(&self, codebook: &Codebook) -> Option<String> {
        codebook
            .tree()
            .get(self.selected)
            .map(|(_, t)| t.key.clone())
    }

    pub fn handle(&mut self, action: Action, book: Book, ctx: &mut Ctx) -> Outcome {
        let len = book.codebook.themes.len();
        let sel = &mut self.selected;
        match action {
            Action::Up => *sel = sel.saturating_sub(1),
            Action::Down => *sel = (*sel + 1).min(len.saturating_sub(1)),
            Action::First => *sel = 0,
            Action::Last => *sel = len.saturating_sub(1),
            Action::Back | Action::Cancel => {
                ctx.command(Command::Show(Screen::List));
                ctx.effects.push(Request::Scan);
            }
            _ => return self.edit(action, book, ctx),
        }
        Outcome::Consumed
    }

    /// An action that changes the codebook.
    fn edit(&mut self, action: Action, book: Book, ctx: &mut Ctx) -> Outcome {
        if refuse_change(ctx.read_only, book.restoring, ctx.status) {
            return Outcome::Consumed;
        }
        if let Some(p) = book.problem {
            ctx.error(format!(
                "Fix the store's codebook first ({p}); edits here would overwrite it"
            ));
            return Outcome::Consumed;
        }
        if self.saving {
            ctx.info("Still saving the last change…");
            return Outcome::Consumed;
        }
        let Some(key) = self.selected_key(book.codebook) else {
            if action != Action::ThemeAdd {
                return Outcome::NotConsumed;
            }
            ctx.command(Command::Ask {
                purpose: PromptFor::ThemeKey { parent: None },
                title: "Key of the new theme (a-z, 0-9, -)".into(),
                text: String::new(),
            });
            return Outcome::Consumed;
        };
        let theme = book.codebook.get(&key).expect("selected");
        let ask = |purpose, title: String, text: &str| Command::Ask {
            purpose,
            title,
            text: text.to_string(),
        };
        let pick = |purpose, title: String, top_level| Command::Pick {
            purpose,
            title,
            top_level,
        };
        match action {
            Action::ThemeAdd => ctx.command(ask(
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
            )),
            Action::ThemeRename => ctx.command(ask(
                PromptFor::Rename(key.clone()),
                format!("New name for {key}"),
                &theme.name,
            )),
            Action::ThemeColourTyped => ctx.command(ask(
                PromptFor::Colour(key.clone()),
                format!("Colour for {key} (#rrggbb)"),
                &theme.colour,
            )),
            Action::ThemeRecolour => {
                let cur = theme.colour.to_ascii_lowercase();
                let i = PALETTE.iter().position(|c| *c == cur);
                let next = PALETTE[i.map_or(0, |i| (i + 1) % PALETTE.len())];
                let mut edited = book.codebook.clone();
                match edited.recolour(&key, next) {
                    Ok(()) => self.save(edited, None, None, format!("{key} is now {next}"), ctx),
                    Err(e) => ctx.error(e.to_string()),
                }
            }
            Action::ThemeParent => ctx.command(pick(
                PickFor::Parent(key.clone()),
                format!("Move {key} under…"),
                true,
            )),
            Action::ThemeMerge => ctx.command(pick(
                PickFor::MergeInto(key.clone()),
                format!("Merge {key} into… (its passages move there)"),
                false,
            )),
            Action::ThemeDelete => {
                if !self.counted {
                    ctx.info("Still counting passages; try again");
                    return Outcome::Consumed;
                }
                let n = self.counts.get(&key).copied().unwrap_or(0);
                ctx.command(if n > 0 {
                    pick(
                        PickFor::Reassign(key.clone()),
                        format!("{key} codes {n} passage(s): move them to…"),
                        false,
                    )
                } else {
                    ask(
                        PromptFor::ConfirmDelete {
                            key: key.clone(),
                            reassign: None,
                        },
                        format!("Delete {key} (no passages)? Type yes"),
                        "",
                    )
                });
            }
            _ => return Outcome::NotConsumed,
        }
        Outcome::Consumed
    }

    /// A theme picked for one of this screen's edits (NotConsumed: the pick was for another).
    pub fn picked(
        &mut self,
        purpose: PickFor,
        key: Option<String>,
        codebook: &Codebook,
        ctx: &mut Ctx,
    ) -> Outcome {
        match (purpose, key) {
            (PickFor::Parent(key), parent) => {
                let mut book = codebook.clone();
                match book.move_under(&key, parent.as_deref()) {
                    Ok(()) => {
                        let done = match &parent {
                            Some(p) => format!("Moved {key} under {p}"),
                            None => format!("Moved {key} to the top level"),
                        };
                        self.save(book, None, None, done, ctx);
                    }
                    Err(e) => ctx.error(e.to_string()),
                }
            }
            (PickFor::MergeInto(from), Some(into)) => {
                let mut book = codebook.clone();
                match book.merge(&from, &into) {
                    Ok(remap) => self.save(
                        book,
                        Some(remap),
                        None,
                        format!("Merged {from} into {into}"),
                        ctx,
                    ),
                    Err(e) => ctx.error(e.to_string()),
                }
            }
            (PickFor::Reassign(key), Some(to)) => {
                let n = self.counts.get(&key).copied().unwrap_or(0);
                ctx.command(Command::Ask {
                    purpose: PromptFor::ConfirmDelete {
                        key: key.clone(),
                        reassign: Some(to.clone()),
                    },
                    title: format!("Delete {key} and move its {n} passage(s) to {to}? Type yes"),
                    text: String::new(),
                });
            }
            _ => return Outcome::NotConsumed,
        }
        Outcome::Consumed
    }

    /// The text asked for by one of this screen's edits (NotConsumed: it was for another).
    pub fn prompted(
        &mut self,
        purpose: PromptFor,
        text: String,
        codebook: &Codebook,
        ctx: &mut Ctx,
    ) -> Outcome {
        match purpose {
            PromptFor::ThemeKey { parent } => {
                let key = text.to_lowercase();
                if !crate::core::codebook::is_valid_key(&key) {
                    ctx.error(format!("`{key}` is not a valid key: use a-z, 0-9 and -"));
                    return Outcome::Consumed;
                }
                if codebook.get(&key).is_some() {
                    ctx.error(format!("`{key}` exists already"));
                    return Outcome::Consumed;
                }
                let name = {
                    let mut c = key.replace('-', " ").chars().collect::<Vec<_>>();
                    if let Some(f) = c.first_mut() {
                        *f = f.to_ascii_uppercase();
                    }
                    c.into_iter().collect::<String>()
                };
                ctx.command(Command::Ask {
                    purpose: PromptFor::ThemeName { key, parent },
                    title: "Name of the new theme".into(),
                    text: name,
                });
            }
            PromptFor::ThemeName { key, parent } => {
                let mut book = codebook.clone();
                let mut t = Theme::new(&key, &text, &book.suggest_colour());
                t.parent = parent;
                match book.add(t) {
                    Ok(()) => self.save(book, None, None, format!("Added {key}"), ctx),
                    Err(e) => ctx.error(e.to_string()),
                }
            }
            PromptFor::Rename(key) => {
                let mut book = codebook.clone();
                match book.rename(&key, &text) {
                    Ok(()) => self.save(book, None, None, format!("Renamed {key}"), ctx),
                    Err(e) => ctx.error(e.to_string()),
                }
            }
            PromptFor::Colour(key) => {
                let colour = if text.starts_with('#') {
                    text
                } else {
                    format!("#{text}")
                };
                let mut book = codebook.clone();
                match book.recolour(&key, &colour) {
                    Ok(()) => self.save(book, None, None, format!("{key} is now {colour}"), ctx),
                    Err(e) => ctx.error(e.to_string()),
                }
            }
            PromptFor::ConfirmDelete { key, reassign } => {
                if !text.eq_ignore_ascii_case("yes") && !text.eq_ignore_ascii_case("y") {
                    ctx.info(format!("{key} kept"));
                    return Outcome::Consumed;
                }
                let n = self.counts.get(&key).copied().unwrap_or(0);
                let mut book = codebook.clone();
                match book.delete(&key, reassign.as_deref(), n) {
                    Ok(remap) => {
                        let check = remap.is_none().then(|| key.clone());
                        self.save(book, remap, check, format!("Deleted {key}"), ctx)
                    }
                    Err(e) => ctx.error(e.to_string()),
                }
            }
            _ => return Outcome::NotConsumed,
        }
        Outcome::Consumed
    }

    /// Write `codebook` (with `remap` of passages, and `require_unused`: a theme that must code
    /// nothing any more); `done` is said once it is on disk. One save at a time.
    pub fn save(
        &mut self,
        codebook: Codebook,
        remap: Option<ThemeRemap>,
        require_unused: Option<String>,
        done: String,
        ctx: &mut Ctx,
    ) {
        self.saving = true;
        ctx.info("Saving the codebook…");
        ctx.effects.push(Request::SaveCodebook {
            codebook: Box::new(codebook),
            remap,
            require_unused,
            done,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::component::Harness;
    use crate::tui::effect::requests;

    fn on_trust(codebook: &Codebook) -> CodebookScreen {
        CodebookScreen {
            selected: codebook
                .tree()
                .iter()
                .position(|(_, t)| t.key == "trust")
                .unwrap(),
            ..CodebookScreen::default()
        }
    }

    fn book(codebook: &Codebook, restoring: bool) -> Book<'_> {
        Book {
            codebook,
            problem: None,
            restoring,
        }
    }

    #[test]
    fn edits_wait_while_read_only_restoring_or_saving_and_esc_goes_back_to_the_list() {
        let codebook = Codebook::builtin();
        let mut screen = on_trust(&codebook);
        let mut h = Harness::default();
        screen.handle(
            Action::ThemeRename,
            book(&codebook, false),
            &mut h.ctx_read_only(Some("locked")),
        );
        assert_eq!(h.said(), "Read-only, coding is not possible here: locked");
        screen.handle(Action::ThemeRename, book(&codebook, true), &mut h.ctx());
        assert_eq!(h.said(), "Restoring the kept codings…");
        let problem = Book {
            problem: Some("bad yaml"),
            ..book(&codebook, false)
        };
        screen.handle(Action::ThemeRename, problem, &mut h.ctx());
        assert!(h
            .said()
            .starts_with("Fix the store's codebook first (bad yaml)"));
        screen.saving = true;
        screen.handle(Action::ThemeRename, book(&codebook, false), &mut h.ctx());
        assert_eq!(h.said(), "Still saving the last change…");
        assert!(h.commands().is_empty() && h.effects.is_empty());
        // Moving about works all the same.
        screen.handle(
            Action::Down,
            book(&codebook, true),
            &mut h.ctx_read_only(Some("locked")),
        );
        assert_eq!(
            codebook.tree()[screen.selected].1.key,
            codebook.tree()[on_trust(&codebook).selected + 1].1.key
        );

        screen = on_trust(&codebook);
        screen.handle(Action::ThemeRename, book(&codebook, false), &mut h.ctx());
        let name = codebook.get("trust").unwrap().name.clone();
        assert_eq!(
            h.commands(),
            [Command::Ask {
                purpose: PromptFor::Rename("trust".into()),
                title: "New name for trust".into(),
                text: name,
            }]
        );
        screen.handle(Action::Back, book(&codebook, false), &mut h.ctx());
        assert_eq!(h.commands(), [Command::Show(Screen::List)]);
        let effects = std::mem::take(&mut h.effects).into_vec();
        assert!(matches!(requests(&effects)[..], [Request::Scan]));
    }

    #[test]
    fn deleting_a_theme_with_passages_asks_where_they_go_then_for_a_yes() {
        let codebook = Codebook::builtin();
        let mut screen = on_trust(&codebook);
        let mut h = Harness::default();
        screen.handle(Action::ThemeDelete, book(&codebook, false), &mut h.ctx());
        assert_eq!(h.said(), "Still counting passages; try again");
        screen.counts.insert("trust".into(), 3);
        screen.counted = true;
        screen.handle(Action::ThemeDelete, book(&codebook, false), &mut h.ctx());
        assert_eq!(
            h.commands(),
            [Command::Pick {
                purpose: PickFor::Reassign("trust".into()),
                title: "trust codes 3 passage(s): move them to…".into(),
                top_level: false,
            }]
        );
        let to = Some("communication".to_string());
        screen.picked(
            PickFor::Reassign("trust".into()),
            to,
            &codebook,
            &mut h.ctx(),
        );
        let [Command::Ask { purpose, .. }] = &h.commands()[..] else {
            panic!("a confirmation is asked for");
        };
        let purpose = purpose.clone();
        screen.prompted(purpose.clone(), "no".into(), &codebook, &mut h.ctx());
        assert_eq!(h.said(), "trust kept");
        assert!(h.effects.is_empty() && !screen.saving);
        screen.prompted(purpose, "YES".into(), &codebook, &mut h.ctx());
        assert!(screen.saving);
        assert_eq!(h.said(), "Saving the codebook…");
        let effects = std::mem::take(&mut h.effects).into_vec();
        let [Request::SaveCodebook {
            codebook: saved,
            remap: Some(remap),
            ..
        }] = &requests(&effects)[..]
        else {
            panic!("one codebook save with the passages' remap");
        };
        assert!(saved.get("trust").is_none());
        assert_eq!(
            (remap.from.as_str(), remap.to.as_str()),
            ("trust", "communication")
        );
        // A pick or an answer meant for the open note is not this screen's.
        let other = PickFor::NewCoding { start: 0, end: 1 };
        let mut h = Harness::default();
        let used = screen.picked(other, Some("trust".into()), &codebook, &mut h.ctx());
        assert_eq!(used, Outcome::NotConsumed);
        let used = screen.prompted(PromptFor::NoteMemo, "x".into(), &codebook, &mut h.ctx());
        assert_eq!(used, Outcome::NotConsumed);
        assert!(h.commands().is_empty() && h.effects.is_empty() && h.status.is_none());
    }
}
