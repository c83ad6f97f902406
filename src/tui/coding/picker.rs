//! The theme picker: fuzzy search over the codebook, and what Enter does with the theme picked.

use super::{Prompt, PromptFor};
use crate::core::codebook::Codebook;
use crate::core::coding::{coder_slug, CodingId};
use crate::tui::app::{App, StatusKind};
use crate::tui::effect::Effects;
use crate::tui::keymap::{self, Action, Context};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Who owns a list of themes being picked from, and what Enter does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PickFor {
    /// Code `[start, end)` of the open note.
    NewCoding { start: usize, end: usize },
    /// Change the theme of a coding.
    ChangeTheme(CodingId),
    /// Codebook: new parent of `key` (None item = top level).
    Parent(String),
    /// Codebook: merge `key` into the picked theme.
    MergeInto(String),
    /// Codebook: delete `key`, its passages going to the picked theme.
    Reassign(String),
}

#[derive(Clone, Debug)]
pub struct PickItem {
    /// None: "(top level)".
    pub key: Option<String>,
    /// Not a theme yet: Enter adds it to the codebook (name asked for) and uses it.
    pub create: bool,
    pub depth: usize,
    /// "Parent › Name".
    pub path: String,
    haystack: String,
}

#[derive(Clone, Debug)]
pub struct Picker {
    pub purpose: PickFor,
    pub title: String,
    pub query: String,
    pub items: Vec<PickItem>,
    /// Indices into `items`, best match first.
    pub shown: Vec<usize>,
    pub selected: usize,
}

/// Most ancestors a picker line names before `…`.
const PICKER_PATH_ANCESTORS: usize = 8;

impl Picker {
    pub fn new(purpose: PickFor, title: String, book: &Codebook, top_level: bool) -> Picker {
        let mut items = Vec::new();
        if top_level {
            items.push(PickItem {
                key: None,
                create: false,
                depth: 0,
                path: "(top level: no parent)".into(),
                haystack: "top level none root".into(),
            });
        }
        let hierarchy = book.hierarchy();
        for row in hierarchy.rows() {
            let (depth, t) = (row.depth, row.theme);
            // The nearest ancestors only: a path through a deep (hand-made) chain would make
            // the list quadratic in the number of themes.
            let mut names: Vec<&str> = hierarchy
                .ancestors(&t.key)
                .take(PICKER_PATH_ANCESTORS + 1)
                .map(|a| a.name.as_str())
                .collect();
            if names.len() > PICKER_PATH_ANCESTORS {
                names[PICKER_PATH_ANCESTORS] = "…";
                names.truncate(PICKER_PATH_ANCESTORS + 1);
            }
            names.reverse();
            names.push(&t.name);
            let path = names.join(" › ");
            items.push(PickItem {
                key: Some(t.key.clone()),
                create: false,
                depth,
                haystack: format!("{} {}", t.key, path),
                path,
            });
        }
        let mut p = Picker {
            purpose,
            title,
            query: String::new(),
            shown: Vec::new(),
            items,
            selected: 0,
        };
        p.refilter();
        p
    }

    /// Fuzzy-filter (fzf syntax; accents optional: "dona" finds "Doña").
    pub fn refilter(&mut self) {
        self.items.retain(|it| !it.create);
        let q = self.query.trim();
        let offers_new = matches!(
            self.purpose,
            PickFor::NewCoding { .. } | PickFor::ChangeTheme(_)
        );
        let key = coder_slug(q);
        let exists = self.items.iter().any(|it| it.key.as_deref() == Some(&key));
        if offers_new && !q.is_empty() && !exists && crate::core::codebook::is_valid_key(&key) {
            self.items.push(PickItem {
                path: format!("+ new theme “{q}” (key {key})"),
                haystack: q.to_string(),
                key: Some(key),
                create: true,
                depth: 0,
            });
        }
        if q.is_empty() {
            self.shown = (0..self.items.len()).collect();
        } else {
            let pattern = Pattern::parse(q, CaseMatching::Ignore, Normalization::Smart);
            let mut matcher = Matcher::new(Config::DEFAULT);
            let mut buf = Vec::new();
            let mut scored: Vec<(u32, usize)> = self
                .items
                .iter()
                .enumerate()
                .filter_map(|(i, it)| {
                    pattern
                        .score(Utf32Str::new(&it.haystack, &mut buf), &mut matcher)
                        .map(|s| (s, i))
                })
                .collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            self.shown = scored.into_iter().map(|(_, i)| i).collect();
        }
        // Offering a new theme comes after every existing match.
        let items = &self.items;
        self.shown.sort_by_key(|&i| items[i].create);
        self.selected = 0;
    }

    pub fn highlighted(&self) -> Option<&PickItem> {
        self.shown.get(self.selected).map(|&i| &self.items[i])
    }
}

impl App {
    pub(super) fn picker_action(&mut self, action: Action, out: &mut Effects) {
        let Some(p) = &mut self.coding.picker else {
            return;
        };
        let len = p.shown.len();
        match action {
            Action::Up => p.selected = p.selected.saturating_sub(1),
            Action::Down => p.selected = (p.selected + 1).min(len.saturating_sub(1)),
            Action::PageUp => p.selected = p.selected.saturating_sub(10),
            Action::PageDown => p.selected = (p.selected + 10).min(len.saturating_sub(1)),
            Action::Backspace => {
                p.query.pop();
                p.refilter();
            }
            Action::ClearFilter => {
                p.query.clear();
                p.refilter();
            }
            Action::Cancel | Action::Back => self.coding.picker = None,
            Action::Accept => {
                let Some(item) = p.highlighted().cloned() else {
                    return;
                };
                let picker = self.coding.picker.take().expect("picker open");
                if item.create {
                    self.offer_new_theme(item, picker);
                    return;
                }
                self.picked(picker.purpose, item.key, out);
            }
            _ => {}
        }
    }

    pub(super) fn offer_new_theme(&mut self, item: PickItem, picker: Picker) {
        if let Some(p) = self.coding.codebook_problem.clone() {
            self.set_status(
                StatusKind::Error,
                format!("Fix the store's codebook first ({p}); a new theme would overwrite it"),
            );
            return;
        }
        let key = item.key.expect("a new theme has a key");
        let name = picker.query.trim().to_string();
        self.coding.prompt = Some(Prompt::new(
            PromptFor::NewThemeName {
                key: key.clone(),
                then: picker.purpose,
            },
            format!("Name of the new theme `{key}` (added to the codebook)"),
            &name,
        ));
    }

    pub(super) fn picked(&mut self, purpose: PickFor, key: Option<String>, out: &mut Effects) {
        match (purpose, key) {
            (PickFor::NewCoding { start, end }, Some(k)) => {
                let keep = self.note.as_ref().is_some_and(|n| n.coding.mode);
                self.add_coding(start, end, &k, keep);
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
            (PickFor::Parent(key), parent) => {
                let mut book = self.coding.codebook.clone();
                match book.move_under(&key, parent.as_deref()) {
                    Ok(()) => {
                        let done = match &parent {
                            Some(p) => format!("Moved {key} under {p}"),
                            None => format!("Moved {key} to the top level"),
                        };
                        self.save_codebook(book, None, None, done, out);
                    }
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            (PickFor::MergeInto(from), Some(into)) => {
                let mut book = self.coding.codebook.clone();
                match book.merge(&from, &into) {
                    Ok(remap) => self.save_codebook(
                        book,
                        Some(remap),
                        None,
                        format!("Merged {from} into {into}"),
                        out,
                    ),
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            (PickFor::Reassign(key), Some(to)) => {
                let n = self.coding.book.counts.get(&key).copied().unwrap_or(0);
                self.coding.prompt = Some(Prompt::new(
                    PromptFor::ConfirmDelete {
                        key: key.clone(),
                        reassign: Some(to.clone()),
                    },
                    format!("Delete {key} and move its {n} passage(s) to {to}? Type yes"),
                    "",
                ));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::codebook::Theme;

    fn spanish_book() -> Codebook {
        let mut b = Codebook::default();
        b.themes
            .push(Theme::new("relaciones", "Relaciones", "#1f8fd6"));
        let mut t = Theme::new("confianza", "Confianza", "#12a0a0");
        t.parent = Some("relaciones".into());
        b.themes.push(t);
        b.themes.push(Theme::new("ninez", "Niñez", "#8a6fdc"));
        b.themes
            .push(Theme::new("condado", "Condado de Doña Ana", "#2f9e6a"));
        b
    }

    fn picked(p: &mut Picker, q: &str) -> Vec<String> {
        p.query = q.into();
        p.refilter();
        p.shown
            .iter()
            .filter(|&&i| !p.items[i].create)
            .filter_map(|&i| p.items[i].key.clone())
            .collect()
    }

    #[test]
    fn the_picker_matches_fuzzily_and_without_accents() {
        let book = spanish_book();
        let mut p = Picker::new(
            PickFor::NewCoding { start: 0, end: 1 },
            "t".into(),
            &book,
            false,
        );
        assert_eq!(p.shown.len(), 4, "an empty query lists every theme");
        assert_eq!(p.items[1].path, "Relaciones › Confianza");
        assert_eq!(picked(&mut p, "dona")[0], "condado");
        assert_eq!(picked(&mut p, "niñez")[0], "ninez");
        assert_eq!(picked(&mut p, "confianza")[0], "confianza");
        assert_eq!(picked(&mut p, "cnfz")[0], "confianza", "fuzzy");
        assert!(picked(&mut p, "zzzz").is_empty());
        // A query that is no theme offers to add it, after any match.
        assert_eq!(p.shown.len(), 1);
        assert!(p.items[p.shown[0]].create);
        assert_eq!(p.items[p.shown[0]].key.as_deref(), Some("zzzz"));
        picked(&mut p, "niñez");
        assert!(!p.shown.iter().any(|&i| p.items[i].create), "ninez exists");
        picked(&mut p, "confi");
        assert!(p.items[*p.shown.last().unwrap()].create);
        assert!(!p.items[p.shown[0]].create);
    }
}
