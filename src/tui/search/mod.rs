//! The search screen, a component: the query as typed, the results of the newest search the
//! index thread answered, and the keys, paste and mouse that work on them. It sees the rest of
//! Ripple only through its `Ctx`: it asks the index thread for searches (`IndexRequest::Search`)
//! and the app to open a note at a result (`Command::OpenAt`), to leave (`Command::Show`), or
//! to ask again for the results on screen once the index changed (`Command::Refresh`).
//! The index thread (`index_worker`) does the work; this module only decides what to ask for
//! and what to show.
//!
//! The evidence screen, reached from here for the query on screen, is its sibling (`evidence`).

use crate::core::codebook::Theme;
use crate::core::index::{Hit, HitKind, Results};
use crate::core::query::{self, Ast, QueryError, TextField};
use crate::core::session::SessionId;
use crate::tui::component::{Command, Ctx, Jump, Outcome, Screen, Within};
use crate::tui::index_worker::{IndexRequest, IndexResponse, IndexState, SearchError, SEARCH_PAGE};
use crate::tui::keymap::Action;
use crate::tui::layout;
use crate::tui::line_input::{pasted_line, LineInput};
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

pub mod evidence;
#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;

#[derive(Debug)]
pub struct SearchScreen {
    /// The query as typed.
    pub input: LineInput,
    /// The newest search sent to the index thread.
    pub sent_seq: u64,
    /// The search whose results are on screen.
    pub shown_seq: u64,
    pub shown_query: String,
    /// (passages, sessions) of the last good search.
    pub results: Option<Box<(Results, Results)>>,
    pub kind: HitKind,
    /// Selected row in the passages and in the sessions list.
    pub selected: [usize; 2],
    /// The current input does not parse (or the index rejected it).
    pub error: Option<QueryError>,
    /// The index could not answer (not a query problem).
    pub failure: Option<String>,
    /// The index thread's state, for the status line.
    pub index: IndexState,
    /// The codebook's themes, as the index thread last sent them (set by the app): the
    /// colours of the theme chips.
    pub themes: Vec<Theme>,
    /// How many hits of each kind searches for the query on screen ask for: one page, and a
    /// page more each time the selection reaches the last hit loaded.
    pub limit: usize,
    /// Rows ↓ asked to move past the last hit loaded while a page more is on its way: the
    /// selection moves on by this much when it arrives, so no keypress is lost to the wait.
    pub owed: [usize; 2],
    /// The tab the user chose, and whether the query then named passages (see
    /// `names_passages`): kept while the query keeps naming them or not, and when search
    /// opens again.
    pub chosen: Option<(HitKind, bool)>,
    /// Where Esc goes: the list, or the screen that opened search with a query.
    pub back: Screen,
    /// An analysis cell's sessions the search is confined to, while its query is the one
    /// shown (dropped once the query is edited).
    pub within: Option<Within>,
}

impl Default for SearchScreen {
    fn default() -> Self {
        SearchScreen {
            input: LineInput::default(),
            sent_seq: 0,
            shown_seq: 0,
            shown_query: String::new(),
            results: None,
            kind: HitKind::Passages,
            selected: [0, 0],
            error: None,
            failure: None,
            index: IndexState::Opening,
            themes: Vec::new(),
            limit: SEARCH_PAGE,
            owed: [0, 0],
            chosen: None,
            back: Screen::List,
            within: None,
        }
    }
}

fn kind_slot(kind: HitKind) -> usize {
    match kind {
        HitKind::Passages => 0,
        HitKind::Sessions => 1,
    }
}

impl SearchScreen {
    pub fn results_of(&self, kind: HitKind) -> Option<&Results> {
        self.results.as_ref().map(|r| match kind {
            HitKind::Passages => &r.0,
            HitKind::Sessions => &r.1,
        })
    }

    pub fn selected_index(&self) -> usize {
        self.selected[kind_slot(self.kind)]
    }

    pub fn selected_hit(&self) -> Option<&Hit> {
        self.results_of(self.kind)?.hits.get(self.selected_index())
    }

    /// Whether results for the newest query are still on their way.
    pub fn pending(&self) -> bool {
        self.sent_seq != self.shown_seq && self.error.is_none()
    }

    pub fn theme(&self, key: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.key == key)
    }

    /// Take an answer from the index thread. Stale answers (an older `seq` than one already
    /// shown, or than the newest sent when it failed) are dropped. Returns whether it was used.
    pub fn accept(
        &mut self,
        seq: u64,
        query: String,
        result: Result<Box<(Results, Results)>, SearchError>,
    ) -> bool {
        if seq < self.shown_seq || seq > self.sent_seq {
            return false;
        }
        match result {
            Ok(r) => {
                // An input that does not parse keeps its error: these results are for an
                // earlier, good query and stay on screen as the last good ones.
                if query == self.input.text() {
                    self.error = None;
                }
                let same_query = query == self.shown_query;
                // Fresh results of the same query (after a save re-indexed a session) may
                // list equal-scoring hits in another order: the selection follows its hit.
                let kept: Vec<Option<(SessionId, Option<String>)>> =
                    [HitKind::Passages, HitKind::Sessions]
                        .into_iter()
                        .map(|kind| {
                            let hit = self
                                .results_of(kind)?
                                .hits
                                .get(self.selected[kind_slot(kind)])?;
                            Some((hit.session_id.clone(), hit.coding_id.clone()))
                        })
                        .collect();
                self.results = Some(r);
                self.shown_seq = seq;
                self.shown_query = query;
                self.failure = None;
                let owed = std::mem::take(&mut self.owed);
                if same_query {
                    for (kind, identity) in
                        [HitKind::Passages, HitKind::Sessions].into_iter().zip(kept)
                    {
                        let Some((session, coding)) = identity else {
                            continue;
                        };
                        let found = self.results_of(kind).and_then(|r| {
                            r.hits
                                .iter()
                                .position(|h| h.session_id == session && h.coding_id == coding)
                        });
                        if let Some(i) = found {
                            self.selected[kind_slot(kind)] = i;
                        }
                    }
                    // Moves asked for while this page was on its way.
                    for kind in [HitKind::Passages, HitKind::Sessions] {
                        self.selected[kind_slot(kind)] += owed[kind_slot(kind)];
                    }
                } else {
                    self.selected = [0, 0];
                }
                self.clamp();
            }
            Err(SearchError::Query(e)) => {
                if seq != self.sent_seq || query != self.input.text() {
                    return false;
                }
                self.error = Some(e);
            }
            Err(SearchError::Other(e)) => {
                if seq != self.sent_seq {
                    return false;
                }
                self.failure = Some(e);
            }
        }
        true
    }

    fn clamp(&mut self) {
        for kind in [HitKind::Passages, HitKind::Sessions] {
            let n = self.results_of(kind).map_or(0, |r| r.hits.len());
            let s = &mut self.selected[kind_slot(kind)];
            *s = (*s).min(n.saturating_sub(1));
        }
    }

    fn move_selection(&mut self, delta: isize) {
        let n = self.results_of(self.kind).map_or(0, |r| r.hits.len());
        let slot = kind_slot(self.kind);
        if delta < 0 {
            self.owed[slot] = 0;
        }
        let s = &mut self.selected[slot];
        *s = (*s as isize + delta).clamp(0, n.saturating_sub(1) as isize) as usize;
    }

    /// Whether a larger page of the query on screen is on its way.
    fn more_coming(&self) -> bool {
        self.results_of(self.kind).is_some_and(|r| {
            self.shown_query == self.input.text()
                && r.hits.len() < r.total
                && self.limit > r.hits.len()
        })
    }

    /// Whether the selection is on the last hit loaded while more match the query on screen,
    /// and no larger page has been asked for yet.
    fn wants_more(&self) -> bool {
        let Some(r) = self.results_of(self.kind) else {
            return false;
        };
        let loaded = r.hits.len();
        self.shown_query == self.input.text()
            && loaded < r.total
            && self.limit <= loaded
            && self.selected[kind_slot(self.kind)] + 1 >= loaded
    }

    /// Send the current input to the index thread, unless it does not parse (then the error
    /// shows at once and the last good results stay).
    pub fn send_search(&mut self, ctx: &mut Ctx) {
        if self
            .within
            .as_ref()
            .is_some_and(|w| w.query != self.input.text())
        {
            self.within = None;
        }
        match query::parse(self.input.text()) {
            Ok(q) => {
                self.kind = self.tab_for(&q.ast);
                if self.input.text() != self.shown_query {
                    // Another query starts again at one page.
                    self.limit = SEARCH_PAGE;
                }
                self.error = None;
                self.sent_seq += 1;
                ctx.effects.push(IndexRequest::Search {
                    seq: self.sent_seq,
                    query: self.input.text().to_string(),
                    limit: self.limit,
                    within: self.within.as_ref().map(|w| w.groups.clone()),
                });
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// The tab a query opens on: the one the user chose while the query was of the same sort,
    /// else sessions for plain words and passages when the query names a theme, a coder or a
    /// memo (what only coded passages have).
    fn tab_for(&mut self, ast: &Ast) -> HitKind {
        if self.within.is_some() {
            // A cell's search keeps the tab it opened on (or the one switched to) while it
            // lasts; an edited query is the user's own and is told apart as any other.
            return self.kind;
        }
        let names = names_passages(ast);
        match self.chosen {
            Some((kind, n)) if n == names => kind,
            _ => {
                self.chosen = None;
                if names {
                    HitKind::Passages
                } else {
                    HitKind::Sessions
                }
            }
        }
    }

    /// Open on `query` with the results of `kind` (another screen asking for a cell's
    /// sessions or passages). Confined to `within`'s sessions, the tab holds until the query
    /// is edited; without, it is kept as if the user had chosen it.
    pub fn open_on(&mut self, query: String, kind: HitKind, within: Option<Within>) {
        let names = query::parse(&query)
            .map(|q| names_passages(&q.ast))
            .unwrap_or(false);
        self.input.set(query);
        self.kind = kind;
        // A cell's tab is the cell's, not the user's: an earlier search's choice must not
        // pick the tab once the cell's query is edited.
        self.chosen = within.is_none().then_some((kind, names));
        self.within = within;
        self.selected = [0, 0];
    }

    /// Search opens: the last query is selected, so typing replaces it (arrows keep it).
    pub fn opened(&mut self) {
        self.input.select_all();
    }

    /// A printable key: it goes into the query.
    pub fn typed(&mut self, c: char, ctx: &mut Ctx) -> Outcome {
        self.input.insert(c);
        self.send_search(ctx);
        Outcome::Consumed
    }

    /// Pasted text goes into the query, as one line.
    pub fn paste(&mut self, text: &str, ctx: &mut Ctx) {
        self.input.insert_str(&pasted_line(text));
        self.send_search(ctx);
    }

    /// Moves the selection down; at the last hit loaded, asks for a page more.
    fn down(&mut self, rows: isize, ctx: &mut Ctx) {
        let slot = kind_slot(self.kind);
        let loaded = self.results_of(self.kind).map_or(0, |r| r.hits.len());
        let past = (self.selected[slot] as isize + rows) - loaded.saturating_sub(1) as isize;
        if past > 0 && self.more_coming() {
            self.owed[slot] = (self.owed[slot] + past as usize).min(SEARCH_PAGE);
        }
        self.move_selection(rows);
        if self.wants_more() {
            self.limit += SEARCH_PAGE;
            self.send_search(ctx);
        }
    }

    pub fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let page = ctx.size.1.saturating_sub(8).max(2) as isize / 2;
        match action {
            Action::Up => self.move_selection(-1),
            Action::Down => self.down(1, ctx),
            Action::PageUp => self.move_selection(-page),
            Action::PageDown => self.down(page, ctx),
            Action::SwitchResults => {
                self.kind = match self.kind {
                    HitKind::Passages => HitKind::Sessions,
                    HitKind::Sessions => HitKind::Passages,
                };
                let names = query::parse(self.input.text())
                    .map(|q| names_passages(&q.ast))
                    .unwrap_or(false);
                self.chosen = Some((self.kind, names));
            }
            Action::Backspace => {
                if self.input.backspace() {
                    self.send_search(ctx);
                }
            }
            Action::Delete => {
                if self.input.delete() {
                    self.send_search(ctx);
                }
            }
            Action::DeleteWordBack => {
                if self.input.delete_word_back() {
                    self.send_search(ctx);
                }
            }
            Action::ClearFilter => {
                self.input.clear();
                self.send_search(ctx);
            }
            Action::Left(_) => self.input.left(),
            Action::Right(_) => self.input.right(),
            Action::WordLeft(_) => self.input.word_left(),
            Action::WordRight(_) => self.input.word_right(),
            Action::LineStart(_) => self.input.home(),
            Action::LineEnd(_) => self.input.end(),
            Action::OpenResult => {
                if let Some(hit) = self.selected_hit() {
                    ctx.command(Command::OpenAt {
                        jump: jump_for(hit),
                        title: hit.title.clone(),
                        from: Screen::Search,
                    });
                }
            }
            // Esc: back to the list, or to the screen that asked for the query (which stays).
            Action::Back => ctx.command(Command::Show(self.back)),
            _ => return Outcome::NotConsumed,
        }
        Outcome::Consumed
    }

    /// The mouse: the wheel moves through the results, a click selects one and a click on the
    /// selected one opens it.
    pub fn mouse(&mut self, m: MouseEvent, ctx: &mut Ctx) -> Outcome {
        match m.kind {
            MouseEventKind::ScrollDown => self.handle(Action::Down, ctx),
            MouseEventKind::ScrollUp => self.handle(Action::Up, ctx),
            MouseEventKind::Down(MouseButton::Left) => {
                let list = layout::search_areas(layout::screen(ctx.size)).results;
                if !list.contains(Position::new(m.column, m.row)) {
                    return Outcome::NotConsumed;
                }
                let first = layout::search_first_shown(self.selected_index(), list.height);
                let row = first + (m.row - list.y) as usize / 2;
                let n = self.results_of(self.kind).map_or(0, |r| r.hits.len());
                if row >= n {
                    return Outcome::NotConsumed;
                }
                if row == self.selected_index() {
                    self.handle(Action::OpenResult, ctx)
                } else {
                    self.selected[kind_slot(self.kind)] = row;
                    Outcome::Consumed
                }
            }
            _ => Outcome::NotConsumed,
        }
    }

    /// An answer from the index thread: the index's state, a search's results, or a session
    /// re-indexed. When what the index holds changed, the app is asked to search again for
    /// the results on screen (`Command::Refresh`). NotConsumed: an answer for another screen.
    pub fn on_index(&mut self, resp: IndexResponse, ctx: &mut Ctx) -> Outcome {
        match resp {
            IndexResponse::State(state) => {
                let became_ready = matches!(state, IndexState::Ready { .. })
                    && !matches!(self.index, IndexState::Ready { .. });
                self.index = state;
                if became_ready {
                    // Searches asked for while the index was being built were answered from an
                    // empty index: ask again.
                    ctx.command(Command::Refresh);
                }
            }
            IndexResponse::Searched { seq, query, result } => {
                self.accept(seq, query, result);
            }
            IndexResponse::Reindexed { id: _, result } => match result {
                Ok(()) => ctx.command(Command::Refresh),
                Err(e) => ctx.error(format!("Saved, but the search index was not updated: {e}")),
            },
            _ => return Outcome::NotConsumed,
        }
        Outcome::Consumed
    }
}

/// Whether a query names what only coded passages have: a theme, a coder or a memo.
pub fn names_passages(ast: &Ast) -> bool {
    match ast {
        Ast::Theme { .. } => true,
        Ast::Field { field, .. } => matches!(field, TextField::Coder | TextField::Memo),
        Ast::And(items) | Ast::Or(items) => items.iter().any(names_passages),
        Ast::Not(inner) => names_passages(inner),
        Ast::All
        | Ast::Text { .. }
        | Ast::Type { .. }
        | Ast::Date { .. }
        | Ast::Joint { .. }
        | Ast::Session { .. } => false,
    }
}

/// "10,000".
pub fn thousands(n: usize) -> String {
    crate::core::text::thousands(n as u64)
}

/// The status-line words for the index, when it is not simply ready.
pub fn index_label(state: &IndexState) -> Option<String> {
    match state {
        IndexState::Opening => Some("opening the search index…".into()),
        IndexState::Rebuilding { done, total } => Some(format!(
            "indexing {} / {}",
            thousands(*done),
            thousands(*total)
        )),
        IndexState::Ready { read_only: true } => Some("search index read-only".into()),
        IndexState::Ready { .. } => None,
        IndexState::Unavailable(_) => Some("search unavailable".into()),
    }
}

/// The jump for a result: passages put the cursor at the passage and highlight all of it;
/// sessions highlight the matched words of the snippet.
pub fn jump_for(hit: &Hit) -> Jump {
    let hits = match hit.kind {
        HitKind::Passages => vec![(hit.start, hit.end)],
        HitKind::Sessions => hit
            .highlights
            .iter()
            .map(|(s, e)| (hit.start + s, hit.start + e))
            .collect(),
    };
    let cursor = hits.first().map_or(hit.start, |h| h.0);
    Jump {
        id: hit.session_id.clone(),
        cursor,
        hits,
    }
}
