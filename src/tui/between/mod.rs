//! Between sessions, in the terminal UI: how to start a new session (a template, blank, or
//! from the last session with the highlighted session's agencies), the trash (restore), the
//! follow-ups of every note (filter, tick, open), and the delete question on the list. One
//! screen (`Screen::Between`) whose `mode` says which; the disk work is the IO thread's
//! (`Request::Templates`, `NewSession`, `Trash`, `Restore`, `FollowUps`, `ToggleFollowUp`,
//! `Delete`, `Duplicate`), the glue with the app is `route.rs`.

use crate::core::fold::fold;
use crate::core::session::SessionId;
use crate::core::store::{Template, Trashed};
use crate::core::workspace::between::FollowUpItem;
use crate::tui::component::{Command, Ctx, Jump, Outcome, Screen};
use crate::tui::keymap::{Action, Context};
use crate::tui::line_input::LineInput;
use crate::tui::worker::Request;

mod route;
pub use route::handles;
#[cfg(test)]
mod tests;

/// Which list the screen shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    NewFrom,
    Trash,
    FollowUps,
}

/// One way to start a new session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Start {
    /// From the last session with these agencies (the highlighted session's), with the
    /// default template's headings when there is one.
    Like {
        id: SessionId,
        agencies: String,
        template: Option<Box<Template>>,
    },
    Template(Box<Template>),
    Blank,
}

impl Start {
    pub fn label(&self) -> String {
        match self {
            Start::Like { agencies, .. } => {
                format!("From the last session with {agencies}: its details and open follow-ups")
            }
            Start::Template(t) if t.description.is_empty() => format!("Template “{}”", t.name),
            Start::Template(t) => format!("Template “{}”: {}", t.name, t.description),
            Start::Blank => "Blank: no template".to_string(),
        }
    }
}

#[derive(Debug, Default)]
pub struct BetweenScreen {
    pub mode: Mode,
    pub starts: Vec<Start>,
    /// The session highlighted in the list when `n` was pressed (offered as "from the last
    /// session with these agencies" once the templates arrive), with its agencies.
    pub like: Option<(SessionId, String)>,
    pub trash: Vec<Trashed>,
    pub followups: Vec<FollowUpItem>,
    /// Indices into `followups` that pass the filter.
    pub shown: Vec<usize>,
    pub filter: LineInput,
    pub filter_focus: bool,
    /// Done follow-ups shown too.
    pub all: bool,
    pub selected: usize,
    pub offset: usize,
    /// Waiting for the rows asked for.
    pub loading: bool,
    /// Enter was pressed on the ways to start before they arrived (typed ahead, as `n` then
    /// Enter is): the highlighted way starts once they do.
    pub start_on_arrival: bool,
    /// A change asked for (a restore, a tick, a new session) and not answered yet: a second
    /// press does not ask again.
    pub busy: bool,
    /// Files that could not be read, said once.
    pub problems: Vec<String>,
    /// The delete question on the list: the session and its title.
    pub confirm: Option<(SessionId, String)>,
}

impl BetweenScreen {
    pub fn context(&self) -> Context {
        match self.mode {
            Mode::NewFrom => Context::NewFrom,
            Mode::Trash => Context::Trash,
            Mode::FollowUps => Context::FollowUps,
        }
    }

    /// Rows in the list shown.
    pub fn len(&self) -> usize {
        match self.mode {
            Mode::NewFrom => self.starts.len(),
            Mode::Trash => self.trash.len(),
            Mode::FollowUps => self.shown.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Ask the IO thread for what the screen shows.
    pub fn send(&mut self, ctx: &mut Ctx) {
        self.loading = true;
        ctx.effects.push(match self.mode {
            Mode::NewFrom => Request::Templates,
            Mode::Trash => Request::Trash,
            Mode::FollowUps => Request::FollowUps { all: self.all },
        });
    }

    /// Open the screen in `mode` (showing it asks for its rows: `App::refresh_results`).
    pub fn open(&mut self, mode: Mode, ctx: &mut Ctx) {
        if self.mode != mode {
            self.selected = 0;
            self.offset = 0;
        }
        self.mode = mode;
        self.loading = true;
        self.start_on_arrival = false;
        ctx.command(Command::Show(Screen::Between));
    }

    /// The templates arrived: the ways to start, "from the last session" first when the
    /// highlighted session names agencies, then each template (the default first), then blank.
    pub fn templates(&mut self, mut all: Vec<Template>) {
        self.loading = false;
        all.sort_by_key(|t| (t.name != "default", t.name.to_lowercase()));
        self.starts.clear();
        if let Some((id, agencies)) = self.like.clone() {
            self.starts.push(Start::Like {
                id,
                agencies,
                template: all
                    .iter()
                    .find(|t| t.name == "default")
                    .cloned()
                    .map(Box::new),
            });
        }
        self.starts
            .extend(all.into_iter().map(|t| Start::Template(Box::new(t))));
        self.starts.push(Start::Blank);
        // Asked again (the index changed meanwhile): the highlighted row stays.
        self.selected = self.selected.min(self.starts.len() - 1);
    }

    pub fn trashed(&mut self, trash: Vec<Trashed>) {
        self.loading = false;
        self.trash = trash;
        self.selected = self.selected.min(self.trash.len().saturating_sub(1));
    }

    pub fn followed(&mut self, items: Vec<FollowUpItem>) {
        self.loading = false;
        let keep = self
            .selected_followup()
            .map(|f| (f.session.clone(), f.line));
        self.followups = items;
        self.refilter();
        if let Some((id, line)) = keep {
            if let Some(i) = self.shown.iter().position(|&i| {
                let f = &self.followups[i];
                f.session == id && f.line == line
            }) {
                self.selected = i;
            }
        }
    }

    /// Every word of the filter must be in the follow-up's agencies, date, title or words
    /// (accents and case ignored): "cyfd 2026-05" keeps CYFD's follow-ups of May 2026.
    pub fn refilter(&mut self) {
        let words: Vec<String> = self.filter.text().split_whitespace().map(fold).collect();
        self.shown = self
            .followups
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                let hay = fold(&format!(
                    "{} {} {} {}",
                    f.agencies.join(" "),
                    f.date,
                    f.title,
                    f.text
                ));
                words.iter().all(|w| hay.contains(w.as_str()))
            })
            .map(|(i, _)| i)
            .collect();
        self.selected = self.selected.min(self.shown.len().saturating_sub(1));
    }

    pub fn selected_followup(&self) -> Option<&FollowUpItem> {
        self.shown
            .get(self.selected)
            .and_then(|&i| self.followups.get(i))
    }

    /// A printable key in the follow-ups view: the filter's (`bound`: the keymap gives it an
    /// action here, which it keeps unless the filter has focus).
    pub fn typed(&mut self, c: char, bound: bool) -> Outcome {
        if self.mode != Mode::FollowUps || (bound && !self.filter_focus) {
            return Outcome::NotConsumed;
        }
        self.filter_focus = true;
        self.filter.insert(c);
        self.refilter();
        Outcome::Consumed
    }

    pub fn paste(&mut self, text: &str) {
        if self.mode == Mode::FollowUps {
            self.filter.insert_str(text.trim());
            self.filter_focus = true;
            self.refilter();
        }
    }

    pub fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let n = self.len();
        let page = ctx.size.1.saturating_sub(6).max(1) as usize;
        let sel = &mut self.selected;
        match action {
            Action::Up => *sel = sel.saturating_sub(1),
            Action::Down => *sel = (*sel + 1).min(n.saturating_sub(1)),
            Action::PageUp => *sel = sel.saturating_sub(page),
            Action::PageDown => *sel = (*sel + page).min(n.saturating_sub(1)),
            Action::First => *sel = 0,
            Action::Last => *sel = n.saturating_sub(1),
            Action::Back => {
                if self.mode == Mode::FollowUps && (self.filter_focus || !self.filter.is_empty()) {
                    if self.filter_focus && !self.filter.is_empty() {
                        self.filter_focus = false;
                    } else {
                        self.filter.clear();
                        self.filter_focus = false;
                        self.refilter();
                    }
                } else {
                    self.start_on_arrival = false;
                    ctx.command(Command::Show(Screen::List));
                }
            }
            Action::Backspace => {
                self.filter.backspace();
                self.refilter();
            }
            Action::ClearFilter => {
                self.filter.clear();
                self.refilter();
            }
            Action::Accept if self.mode == Mode::NewFrom && self.loading => {
                self.start_on_arrival = true;
            }
            Action::Accept if self.mode == Mode::NewFrom => self.start(ctx),
            Action::RestoreSession if self.mode == Mode::Trash => self.restore(ctx),
            Action::ToggleFollowUp if self.mode == Mode::FollowUps => self.toggle(ctx),
            Action::ToggleDoneShown if self.mode == Mode::FollowUps => {
                self.all = !self.all;
                ctx.info(if self.all {
                    "Showing done and carried follow-ups too"
                } else {
                    "Showing open follow-ups only"
                });
                self.send(ctx);
            }
            Action::OpenResult if self.mode == Mode::FollowUps => self.open_followup(ctx),
            _ => return Outcome::NotConsumed,
        }
        Outcome::Consumed
    }

    /// The ways to start arrived (`templates` was given them): an Enter typed ahead of them
    /// starts the highlighted one now.
    pub fn arrived(&mut self, ctx: &mut Ctx) {
        if std::mem::take(&mut self.start_on_arrival) && self.mode == Mode::NewFrom {
            self.start(ctx);
        }
    }

    fn start(&mut self, ctx: &mut Ctx) {
        if self.busy {
            return;
        }
        let Some(start) = self.starts.get(self.selected).cloned() else {
            return;
        };
        let (template, like) = match start {
            Start::Like { id, template, .. } => (template, Some(id)),
            Start::Template(t) => (Some(t), None),
            Start::Blank => (None, None),
        };
        self.busy = true;
        ctx.command(Command::StartSession { template, like });
    }

    fn restore(&mut self, ctx: &mut Ctx) {
        if let Some(why) = ctx.read_only {
            ctx.error(format!("Read-only, so nothing is restored: {why}"));
            return;
        }
        let Some(t) = self.trash.get(self.selected) else {
            return;
        };
        if self.busy {
            return;
        }
        self.busy = true;
        let title = t.meta.as_ref().map_or("", |m| m.title.as_str());
        ctx.info(format!("Restoring “{title}”…"));
        ctx.effects.push(Request::Restore(Box::new(t.clone())));
    }

    fn toggle(&mut self, ctx: &mut Ctx) {
        if let Some(why) = ctx.read_only {
            ctx.error(format!("Read-only, so no follow-up is ticked: {why}"));
            return;
        }
        if self.busy {
            return;
        }
        let Some(f) = self.selected_followup() else {
            return;
        };
        if let Some(c) = f.carried_note() {
            ctx.info(format!(
                "“{}” was carried over to a later session ({c}): tick it there",
                f.text
            ));
            return;
        }
        let req = Request::ToggleFollowUp {
            id: f.session.clone(),
            line: f.line,
            raw: f.raw.clone(),
            all: self.all,
        };
        self.busy = true;
        ctx.effects.push(req);
    }

    fn open_followup(&mut self, ctx: &mut Ctx) {
        let Some(f) = self.selected_followup() else {
            return;
        };
        let end = f.start + f.raw.chars().count();
        let jump = Jump {
            id: f.session.clone(),
            cursor: f.start,
            hits: vec![(f.start, end)],
        };
        let title = f.title.clone();
        ctx.command(Command::OpenAt {
            jump,
            title,
            from: Screen::Between,
        });
    }
}
