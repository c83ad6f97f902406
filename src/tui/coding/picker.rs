//! The theme picker component: fuzzy search over the codebook. Enter closes it on the theme
//! highlighted (`Command::Picked`), or on a new theme to add (`Command::PickedNewTheme`); what
//! is done with it is the business of whoever asked (`PickFor`).

use super::purpose::PickFor;
use crate::core::codebook::Codebook;
use crate::core::coding::coder_slug;
use crate::tui::component::{Command, Ctx, Outcome};
use crate::tui::keymap::Action;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

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

    /// A typed character extends the query.
    pub fn typed(&mut self, c: char) {
        self.query.push(c);
        self.refilter();
    }

    /// Pasted text extends the query (line breaks and other control characters left out).
    pub fn paste(&mut self, text: &str) {
        self.query.extend(text.chars().filter(|c| !c.is_control()));
        self.refilter();
    }

    pub fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let len = self.shown.len();
        let sel = &mut self.selected;
        match action {
            Action::Up => *sel = sel.saturating_sub(1),
            Action::Down => *sel = (*sel + 1).min(len.saturating_sub(1)),
            Action::PageUp => *sel = sel.saturating_sub(10),
            Action::PageDown => *sel = (*sel + 10).min(len.saturating_sub(1)),
            Action::Backspace => {
                self.query.pop();
                self.refilter();
            }
            Action::ClearFilter => {
                self.query.clear();
                self.refilter();
            }
            Action::Cancel | Action::Back => ctx.command(Command::CloseOverlay),
            Action::Accept => {
                let Some(item) = self.highlighted() else {
                    return Outcome::Consumed;
                };
                ctx.command(if item.create {
                    Command::PickedNewTheme {
                        key: item.key.clone().expect("a new theme has a key"),
                        name: self.query.trim().to_string(),
                        then: self.purpose.clone(),
                    }
                } else {
                    Command::Picked {
                        purpose: self.purpose.clone(),
                        key: item.key.clone(),
                    }
                });
            }
            _ => return Outcome::NotConsumed,
        }
        Outcome::Consumed
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
    fn enter_closes_the_picker_on_a_theme_or_on_one_to_add_and_esc_on_nothing() {
        use crate::tui::component::Harness;
        let book = spanish_book();
        let then = PickFor::NewCoding { start: 2, end: 9 };
        let mut p = Picker::new(then.clone(), "t".into(), &book, false);
        let mut h = Harness::default();
        p.paste("Resili\nencia");
        assert_eq!(p.query, "Resiliencia", "a paste stays on one line");
        p.handle(Action::Down, &mut h.ctx());
        assert!(p.highlighted().unwrap().create);
        p.handle(Action::Accept, &mut h.ctx());
        assert_eq!(
            h.commands(),
            [Command::PickedNewTheme {
                key: "resiliencia".into(),
                name: "Resiliencia".into(),
                then: then.clone(),
            }]
        );
        p.handle(Action::ClearFilter, &mut h.ctx());
        for c in "dona".chars() {
            p.typed(c);
        }
        p.handle(Action::Accept, &mut h.ctx());
        p.handle(Action::Back, &mut h.ctx());
        assert_eq!(
            h.commands(),
            [
                Command::Picked {
                    purpose: then,
                    key: Some("condado".into()),
                },
                Command::CloseOverlay
            ]
        );
        assert!(h.effects.is_empty() && h.status.is_none());
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
