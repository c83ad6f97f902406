//! The evidence screen, a component: every coded passage of a theme (or matching a query) with
//! marks, copying a quote with its citation, and the export: the file-name prompt and, when
//! the file exists, the question whether to replace it. It sees the rest of Ripple only through
//! its `Ctx`: it asks the index thread for passages and exports, and the app to open a note at
//! a passage (`Command::OpenAt`) or to go back where it came from (`Command::Show`).

use crate::core::codebook::Theme;
use crate::core::evidence::{citation, EvidenceFormat, EvidenceItem, EvidenceSort};
use crate::core::session::SessionId;
use crate::tui::component::{Command, Ctx, Jump, Outcome, Screen, Within};
use crate::tui::effect::Effect;
use crate::tui::index_worker::{IndexRequest, IndexResponse, SearchError};
use crate::tui::keymap::{Action, Context};
use crate::tui::line_input::pasted_line;
use crossterm::event::{MouseEvent, MouseEventKind};
use std::collections::HashSet;
use std::path::PathBuf;

/// Which passages the evidence view collects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvidenceSource {
    /// Every passage of a theme (a parent includes its children); `None` = all themes.
    Theme(Option<String>),
    /// The passages matching a query, confined to an analysis cell's sessions when the search
    /// was.
    Query(String, Option<Within>),
}

/// The identity of a passage for marks, stable across re-sorting.
pub type PassageKey = (Option<String>, String, usize, usize);

pub fn passage_key(item: &EvidenceItem) -> PassageKey {
    (
        item.session_id.clone(),
        item.theme.clone(),
        item.start,
        item.end,
    )
}

/// An export as asked for: the name typed, the passages and whether to de-identify them.
#[derive(Clone, Debug)]
pub struct PendingExport {
    pub typed: String,
    pub items: Vec<EvidenceItem>,
    pub deidentify: bool,
}

#[derive(Debug)]
pub struct EvidenceScreen {
    pub source: EvidenceSource,
    pub sort: EvidenceSort,
    pub items: Vec<EvidenceItem>,
    pub marked: HashSet<PassageKey>,
    pub selected: usize,
    pub sent_seq: u64,
    pub shown_seq: u64,
    pub error: Option<String>,
    /// The export path being edited, when the prompt is open.
    pub export_path: Option<String>,
    /// The export sent to the index thread, until its answer (to ask before replacing a file).
    pub pending_export: Option<PendingExport>,
    /// The export's file exists: replace it? (y / n), with the file it would replace.
    pub replace_question: Option<(PendingExport, PathBuf)>,
    /// The export leaves out names and redacts the store's `deidentify` terms (Ctrl-D in the
    /// prompt; kept for the next export).
    pub export_deidentified: bool,
    /// Where Esc goes.
    pub back_to: Screen,
    /// The codebook's themes, as the index thread last sent them (set by the app): the theme
    /// keys step through them.
    pub themes: Vec<Theme>,
}

impl Default for EvidenceScreen {
    fn default() -> Self {
        EvidenceScreen {
            source: EvidenceSource::Theme(None),
            sort: EvidenceSort::Date,
            items: Vec::new(),
            marked: HashSet::new(),
            selected: 0,
            sent_seq: 0,
            shown_seq: 0,
            error: None,
            export_path: None,
            pending_export: None,
            replace_question: None,
            export_deidentified: false,
            back_to: Screen::List,
            themes: Vec::new(),
        }
    }
}

impl EvidenceScreen {
    pub fn loading(&self) -> bool {
        self.sent_seq != self.shown_seq
    }

    pub fn is_marked(&self, item: &EvidenceItem) -> bool {
        self.marked.contains(&passage_key(item))
    }

    /// A description of what is collected, for the header.
    pub fn source_label(&self) -> String {
        match &self.source {
            EvidenceSource::Theme(None) => "all themes".into(),
            EvidenceSource::Theme(Some(k)) => self
                .themes
                .iter()
                .find(|t| &t.key == k)
                .map(|t| format!("{} ({})", t.name, t.key))
                .unwrap_or_else(|| k.clone()),
            EvidenceSource::Query(q, None) if q.trim().is_empty() => "all passages".into(),
            EvidenceSource::Query(q, None) => format!("query: {q}"),
            EvidenceSource::Query(q, Some(w)) => format!("query: {q}, {}", w.label),
        }
    }

    /// The key context: the replace question, the export prompt or the passages.
    pub fn context(&self) -> Context {
        if self.replace_question.is_some() {
            Context::ExportReplace
        } else if self.export_path.is_some() {
            Context::ExportPrompt
        } else {
            Context::Evidence
        }
    }

    /// The screen is shown: the passages of the search screen's `query`, or (from elsewhere,
    /// `None`) of the codebook's first theme. Esc goes back to where it came from.
    pub fn open(&mut self, query: Option<(String, Option<Within>)>, ctx: &mut Ctx) {
        match query {
            Some((q, within)) => {
                self.back_to = Screen::Search;
                self.source = EvidenceSource::Query(q, within);
            }
            None => {
                self.back_to = Screen::List;
                self.source = EvidenceSource::Theme(self.themes.first().map(|t| t.key.clone()));
            }
        }
        self.selected = 0;
        self.export_path = None;
        self.send(ctx);
    }

    /// Ask the index thread for the passages.
    pub fn send(&mut self, ctx: &mut Ctx) {
        self.sent_seq += 1;
        self.error = None;
        let (query, theme, within) = match &self.source {
            EvidenceSource::Theme(t) => (String::new(), t.clone(), None),
            EvidenceSource::Query(q, w) => (q.clone(), None, w.as_ref().map(|w| w.groups.clone())),
        };
        ctx.effects.push(IndexRequest::Evidence {
            seq: self.sent_seq,
            query,
            theme,
            sort: self.sort,
            within,
        });
    }

    /// A printable key: it goes into the export file name, when the prompt is open.
    pub fn typed(&mut self, c: char) -> Outcome {
        match &mut self.export_path {
            Some(p) => {
                p.push(c);
                Outcome::Consumed
            }
            None => Outcome::NotConsumed,
        }
    }

    /// Pasted text goes into the export file name (one line, trimmed), when the prompt is open.
    pub fn paste(&mut self, text: &str) {
        if let Some(p) = &mut self.export_path {
            p.push_str(pasted_line(text).trim());
        }
    }

    /// An action, for the question, the prompt or the passages, whichever is open. Esc
    /// (`Back`) keeps the file at the question, closes the prompt, or goes back.
    pub fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match self.context() {
            Context::ExportReplace => self.replace_action(action, ctx),
            Context::ExportPrompt => self.prompt_action(action, ctx),
            _ => self.passages_action(action, ctx),
        }
    }

    /// The wheel moves through the passages.
    pub fn mouse(&mut self, m: MouseEvent, ctx: &mut Ctx) -> Outcome {
        match m.kind {
            MouseEventKind::ScrollDown => self.handle(Action::Down, ctx),
            MouseEventKind::ScrollUp => self.handle(Action::Up, ctx),
            _ => Outcome::NotConsumed,
        }
    }

    fn passages_action(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let n = self.items.len();
        let page = (ctx.size.1.saturating_sub(6) / 3).max(1) as usize;
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(n.saturating_sub(1)),
            Action::PageUp => self.selected = self.selected.saturating_sub(page),
            Action::PageDown => self.selected = (self.selected + page).min(n.saturating_sub(1)),
            Action::First => self.selected = 0,
            Action::Last => self.selected = n.saturating_sub(1),
            Action::ToggleMark => {
                if let Some(item) = self.items.get(self.selected) {
                    let key = passage_key(item);
                    if !self.marked.remove(&key) {
                        self.marked.insert(key);
                    }
                    self.selected = (self.selected + 1).min(n.saturating_sub(1));
                }
            }
            Action::ToggleSort => {
                self.sort = match self.sort {
                    EvidenceSort::Date => EvidenceSort::Session,
                    EvidenceSort::Session => EvidenceSort::Date,
                };
                self.send(ctx);
            }
            Action::NextTheme | Action::PrevTheme => self.step_theme(action, ctx),
            Action::CopyQuote => {
                if let Some(item) = self.items.get(self.selected) {
                    let text = format!("“{}” {}", item.quote, citation(item));
                    ctx.clipboard.clone_from(&text);
                    ctx.effects.push(Effect::Clipboard(text));
                    ctx.ok("Copied the quote with its citation");
                }
            }
            Action::Export => {
                if self.items.is_empty() {
                    ctx.error("Nothing to export");
                } else {
                    let today = chrono::Local::now().format("%Y-%m-%d");
                    self.export_path = Some(format!("evidence-{today}.md"));
                }
            }
            Action::OpenResult => {
                if let Some(item) = self.items.get(self.selected) {
                    if let Some(id) = &item.session_id {
                        ctx.command(Command::OpenAt {
                            jump: Jump {
                                id: SessionId(id.clone()),
                                cursor: item.start,
                                hits: vec![(item.start, item.end)],
                            },
                            title: item.title.clone(),
                            from: Screen::Evidence,
                        });
                    }
                }
            }
            Action::Back => ctx.command(Command::Show(self.back_to)),
            _ => return Outcome::NotConsumed,
        }
        Outcome::Consumed
    }

    /// The next or previous theme: all themes first, then the codebook's in order; from a
    /// query, the first or the last.
    fn step_theme(&mut self, action: Action, ctx: &mut Ctx) {
        let keys: Vec<Option<String>> = std::iter::once(None)
            .chain(self.themes.iter().map(|t| Some(t.key.clone())))
            .collect();
        let at = match &self.source {
            EvidenceSource::Theme(k) => keys.iter().position(|x| x == k).unwrap_or(0),
            EvidenceSource::Query(..) => 0,
        };
        let step = if action == Action::NextTheme {
            1
        } else {
            keys.len() - 1
        };
        let next = match &self.source {
            EvidenceSource::Query(..) if action == Action::NextTheme => 1 % keys.len(),
            EvidenceSource::Query(..) => keys.len() - 1,
            _ => (at + step) % keys.len(),
        };
        self.source = EvidenceSource::Theme(keys[next].clone());
        self.selected = 0;
        self.send(ctx);
    }

    fn prompt_action(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let Some(path) = &mut self.export_path else {
            return Outcome::NotConsumed;
        };
        match action {
            Action::Backspace => {
                path.pop();
            }
            Action::ClearFilter => path.clear(),
            Action::ToggleDeidentify => self.export_deidentified = !self.export_deidentified,
            Action::Confirm => {
                let path = path.trim().to_string();
                if path.is_empty() {
                    ctx.error("Type a file name to export to");
                    return Outcome::Consumed;
                }
                let items: Vec<EvidenceItem> = if self.marked.is_empty() {
                    self.items.clone()
                } else {
                    self.items
                        .iter()
                        .filter(|i| self.marked.contains(&passage_key(i)))
                        .cloned()
                        .collect()
                };
                self.export_path = None;
                let export = PendingExport {
                    typed: path,
                    items,
                    deidentify: self.export_deidentified,
                };
                let which = if self.marked.is_empty() {
                    "all"
                } else {
                    "the marked"
                };
                ctx.info(format!(
                    "Exporting {which} {} passages…",
                    export.items.len()
                ));
                // An existing file is never replaced without a yes (`ExportReplace`).
                self.send_export(export, false, ctx);
            }
            // Esc: close the prompt.
            Action::Back => self.export_path = None,
            _ => return Outcome::NotConsumed,
        }
        Outcome::Consumed
    }

    fn send_export(&mut self, export: PendingExport, replace: bool, ctx: &mut Ctx) {
        ctx.effects.push(IndexRequest::Export {
            items: export.items.clone(),
            path: export.typed.clone().into(),
            replace,
            deidentify: export.deidentify,
        });
        self.pending_export = Some(export);
    }

    /// The export's file exists: y replaces it, n (or Esc) keeps it and reopens the prompt.
    fn replace_action(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let Some((export, file)) = self.replace_question.take() else {
            return Outcome::NotConsumed;
        };
        match action {
            Action::ReplaceFile => {
                ctx.info(format!("Replacing {}…", file.display()));
                self.send_export(export, true, ctx);
            }
            Action::KeepFile | Action::Back => {
                ctx.info(format!("Kept {}: type another name", file.display()));
                self.export_path = Some(export.typed);
            }
            _ => {
                self.replace_question = Some((export, file));
                return Outcome::NotConsumed;
            }
        }
        Outcome::Consumed
    }

    /// An answer from the index thread: the passages, or how an export went. NotConsumed: an
    /// answer for another screen.
    pub fn on_index(&mut self, resp: IndexResponse, ctx: &mut Ctx) -> Outcome {
        match resp {
            IndexResponse::Evidence { seq, result } => {
                if seq != self.sent_seq {
                    return Outcome::Consumed; // superseded
                }
                self.shown_seq = seq;
                match result {
                    Ok(items) => {
                        self.items = items;
                        self.selected = self.selected.min(self.items.len().saturating_sub(1));
                    }
                    Err(SearchError::Query(e)) => self.error = Some(e.message),
                    Err(SearchError::Other(e)) => self.error = Some(e),
                }
            }
            IndexResponse::Exported {
                path,
                full,
                count,
                deidentified,
                result,
            } => match (result, self.pending_export.take()) {
                (Ok(()), _) => ctx.ok(format!(
                    "Exported {count} passages to {} ({}{})",
                    full.display(),
                    EvidenceFormat::from_path(&path).name(),
                    if deidentified { ", de-identified" } else { "" }
                )),
                (Err(None), pending) => {
                    let export = pending.unwrap_or_else(|| PendingExport {
                        typed: path.to_string_lossy().into_owned(),
                        items: Vec::new(),
                        deidentify: deidentified,
                    });
                    *ctx.status = None;
                    self.replace_question = Some((export, full));
                }
                (Err(Some(e)), _) => ctx.error(format!("Export failed: {e}")),
            },
            _ => return Outcome::NotConsumed,
        }
        Outcome::Consumed
    }
}

#[cfg(test)]
mod tests {
    //! The evidence screen on its own, through a `Ctx` and no app.
    use super::*;
    use crate::tui::component::Harness;

    fn item(title: &str, start: usize, session: Option<&str>) -> EvidenceItem {
        crate::tui::search::fixtures::evidence_item(title, start, session)
    }

    #[test]
    fn esc_keeps_the_file_then_closes_the_prompt_then_goes_back_where_it_came_from() {
        let mut ev = EvidenceScreen {
            items: vec![item("A", 0, None)],
            back_to: Screen::Search,
            ..EvidenceScreen::default()
        };
        let export = PendingExport {
            typed: "out.md".into(),
            items: ev.items.clone(),
            deidentify: false,
        };
        ev.replace_question = Some((export, PathBuf::from("/notes/out.md")));
        let mut world = Harness::default();
        assert_eq!(ev.context(), Context::ExportReplace);

        assert!(ev.handle(Action::Back, &mut world.ctx()).consumed());
        assert_eq!(ev.context(), Context::ExportPrompt);
        assert_eq!(ev.export_path.as_deref(), Some("out.md"), "the name typed");
        let said = world.status.take().expect("a message").text;
        assert!(said.contains("Kept /notes/out.md"), "{said}");
        assert!(world.effects.is_empty(), "nothing exported");

        ev.handle(Action::Back, &mut world.ctx());
        assert_eq!(ev.context(), Context::Evidence);
        assert!(world.commands.is_empty(), "the screen stays");

        ev.handle(Action::Back, &mut world.ctx());
        assert_eq!(world.commands, [Command::Show(Screen::Search)]);
    }

    #[test]
    fn opening_a_passage_asks_the_app_for_its_note_at_the_passage() {
        let id = "01jd3k0000000000000000000a";
        let mut ev = EvidenceScreen {
            items: vec![item("A", 7, Some(id)), item("Imported", 3, None)],
            ..EvidenceScreen::default()
        };
        let mut world = Harness::default();
        ev.handle(Action::OpenResult, &mut world.ctx());
        assert_eq!(
            world.commands,
            [Command::OpenAt {
                jump: Jump {
                    id: SessionId(id.into()),
                    cursor: 7,
                    hits: vec![(7, 12)],
                },
                title: "A".into(),
                from: Screen::Evidence,
            }]
        );
        world.commands.clear();
        ev.handle(Action::Down, &mut world.ctx());
        ev.handle(Action::OpenResult, &mut world.ctx());
        assert!(world.commands.is_empty(), "a passage without a session");
    }
}
