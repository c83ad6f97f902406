//! The session list component: every session newest first, filtered as you type.

use crate::core::store::SessionSummary;
use crate::tui::component::{Command, Ctx, Outcome};
use crate::tui::form::Suggestions;
use crate::tui::keymap::Action;
use crate::tui::layout;
use crate::tui::line_input::LineInput;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

#[derive(Debug, Default)]
pub struct SessionList {
    pub all: Vec<SessionSummary>,
    /// Indices into `all` that pass the filter, in display order.
    pub shown: Vec<usize>,
    pub filter: LineInput,
    pub filter_focus: bool,
    pub selected: usize,
    /// The first row shown (settled in update so the selection stays visible).
    pub offset: usize,
    pub loaded: bool,
    /// Values already used in the store, offered while filling in a session's details.
    pub suggestions: Suggestions,
    /// The first file of the store that cannot be read: shown whole below the list.
    pub first_problem: Option<String>,
}

impl SessionList {
    pub fn selected_summary(&self) -> Option<&SessionSummary> {
        self.shown.get(self.selected).and_then(|&i| self.all.get(i))
    }

    /// A new scan of the store arrived. The highlighted session stays highlighted; the old
    /// indices mean nothing in the new list (sessions may have gone: deleted, here or outside).
    pub fn scanned(&mut self, sessions: Vec<SessionSummary>) {
        self.suggestions = Suggestions::from_metas(sessions.iter().map(|s| &*s.meta));
        let keep = self.selected_summary().map(|s| s.meta.id.clone());
        self.all = sessions;
        self.shown.clear();
        self.loaded = true;
        self.refilter_to(keep);
    }

    /// Re-filter: every word of the filter must occur (accent- and case-insensitively) in the
    /// title, date, type, agencies, county, facilitator or tags.
    pub fn refilter(&mut self) {
        let keep = self.selected_summary().map(|s| s.meta.id.clone());
        self.refilter_to(keep);
    }

    /// Re-filter, keeping session `keep` highlighted if it is still shown.
    fn refilter_to(&mut self, keep: Option<crate::core::session::SessionId>) {
        let words: Vec<String> = self
            .filter
            .text()
            .split_whitespace()
            .map(crate::core::fold::fold)
            .collect();
        self.shown = self
            .all
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                if words.is_empty() {
                    return true;
                }
                let hay = crate::core::fold::fold(&format!(
                    "{} {} {} {} {} {} {} {}",
                    s.meta.title,
                    s.meta.date,
                    s.meta.session_type.label(),
                    s.meta.agencies.join(" "),
                    s.meta.county,
                    s.meta.facilitator,
                    s.meta.tags.join(" "),
                    s.meta.id
                ));
                words.iter().all(|w| hay.contains(w.as_str()))
            })
            .map(|(i, _)| i)
            .collect();
        self.selected = keep
            .and_then(|id| self.shown.iter().position(|&i| self.all[i].meta.id == id))
            .unwrap_or(0);
        if self.selected >= self.shown.len() {
            self.selected = self.shown.len().saturating_sub(1);
        }
    }

    /// A printable key. `bound`: the keymap gives it an action here. A letter no binding
    /// claims starts the filter; while the filter has focus every printable key goes to it.
    pub fn typed(&mut self, c: char, bound: bool) -> Outcome {
        if !self.filter_focus && bound {
            return Outcome::NotConsumed;
        }
        self.filter_focus = true;
        self.filter.insert(c);
        self.refilter();
        Outcome::Consumed
    }

    /// Pasted text goes to the filter.
    pub fn paste(&mut self, text: &str) {
        self.filter.insert_str(text.trim());
        self.filter_focus = true;
        self.refilter();
    }

    /// Esc: clear the filter; NotConsumed when there was none.
    pub fn back(&mut self) -> Outcome {
        if self.filter.is_empty() && !self.filter_focus {
            return Outcome::NotConsumed;
        }
        self.filter.clear();
        self.filter_focus = false;
        self.refilter();
        Outcome::Consumed
    }

    pub fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let page = ctx.size.1.saturating_sub(6).max(1) as usize;
        let n = self.shown.len();
        let sel = &mut self.selected;
        match action {
            Action::Up => *sel = sel.saturating_sub(1),
            Action::Down => *sel = (*sel + 1).min(n.saturating_sub(1)),
            Action::PageUp => *sel = sel.saturating_sub(page),
            Action::PageDown => *sel = (*sel + page).min(n.saturating_sub(1)),
            Action::First => *sel = 0,
            Action::Last => *sel = n.saturating_sub(1),
            Action::OpenSession => {
                self.filter_focus = false;
                self.open_selected(ctx);
            }
            Action::NewSession => ctx.command(Command::NewSession),
            Action::FocusFilter => self.filter_focus = true,
            Action::ClearFilter => {
                self.filter.clear();
                self.refilter();
            }
            Action::Backspace => {
                self.filter.backspace();
                self.refilter();
            }
            _ => return Outcome::NotConsumed,
        }
        Outcome::Consumed
    }

    fn open_selected(&mut self, ctx: &mut Ctx) {
        if let Some(s) = self.selected_summary() {
            ctx.info(format!("Opening {}…", s.meta.title));
            ctx.command(Command::Open(s.meta.id.clone()));
        }
    }

    /// The wheel moves the selection; a click selects a row, a click on the selected row
    /// opens it.
    pub fn mouse(&mut self, m: MouseEvent, ctx: &mut Ctx) -> Outcome {
        let table =
            layout::list_table_body(layout::screen(ctx.size), self.first_problem.as_deref());
        match m.kind {
            MouseEventKind::ScrollDown => self.handle(Action::Down, ctx),
            MouseEventKind::ScrollUp => self.handle(Action::Up, ctx),
            MouseEventKind::Down(MouseButton::Left)
                if table.contains(Position::new(m.column, m.row)) =>
            {
                let row = self.offset + (m.row - table.y) as usize;
                if row < self.shown.len() {
                    if row == self.selected {
                        self.open_selected(ctx);
                    } else {
                        self.selected = row;
                    }
                }
                Outcome::Consumed
            }
            _ => Outcome::NotConsumed,
        }
    }
}
