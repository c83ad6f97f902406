//! Search and evidence in the TUI: their state, and the `App` handlers for their keys and for
//! the index thread's answers. The index thread (`index_worker`) does the work; this module only
//! decides what to ask for and what to show.

use crate::core::codebook::Theme;
use crate::core::evidence::{citation, EvidenceFormat, EvidenceItem, EvidenceSort};
use crate::core::index::{Hit, HitKind, Results};
use crate::core::query::{self, QueryError};
use crate::core::session::SessionId;
use crate::tui::app::{App, Screen, Status, StatusKind};
use crate::tui::effect::{Effect, Effects};
use crate::tui::index_worker::{IndexRequest, IndexResponse, IndexState, SearchError, SEARCH_PAGE};
use crate::tui::keymap::{Action, Context};
use crate::tui::layout;
use crate::tui::line_input::LineInput;
use crate::tui::worker::Request;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;
use std::collections::HashSet;
use std::path::PathBuf;

pub use crate::tui::component::Jump;

/// Highlights in a note: (session, editor version they are valid for, ranges in chars).
pub type NoteHits = (SessionId, u64, Vec<(usize, usize)>);

#[derive(Debug)]
pub struct SearchState {
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
    pub index: IndexState,
    pub themes: Vec<Theme>,
    /// A note opened from the results: where it goes when it opens.
    pub jump: Option<Jump>,
    /// The open note's search highlights, valid while its text is at this editor version.
    pub note_hits: Option<NoteHits>,
    /// The screen to go back to when the note opened from a result is closed.
    pub return_to: Option<Screen>,
    /// How many hits of each kind searches for the query on screen ask for: one page, and a
    /// page more each time the selection reaches the last hit loaded.
    pub limit: usize,
}

impl Default for SearchState {
    fn default() -> Self {
        SearchState {
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
            jump: None,
            note_hits: None,
            return_to: None,
            limit: SEARCH_PAGE,
        }
    }
}

fn kind_slot(kind: HitKind) -> usize {
    match kind {
        HitKind::Passages => 0,
        HitKind::Sessions => 1,
    }
}

impl SearchState {
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

    /// Highlights for the note `id` at editor `version`.
    pub fn hits_for(&self, id: &SessionId, version: u64) -> &[(usize, usize)] {
        match &self.note_hits {
            Some((i, v, hits)) if i == id && *v == version => hits,
            _ => &[],
        }
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
        let s = &mut self.selected[kind_slot(self.kind)];
        *s = (*s as isize + delta).clamp(0, n.saturating_sub(1) as isize) as usize;
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
}

/// Which passages the evidence view collects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvidenceSource {
    /// Every passage of a theme (a parent includes its children); `None` = all themes.
    Theme(Option<String>),
    /// The passages matching a query.
    Query(String),
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
pub struct EvidenceState {
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
}

impl Default for EvidenceState {
    fn default() -> Self {
        EvidenceState {
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
        }
    }
}

impl EvidenceState {
    pub fn loading(&self) -> bool {
        self.sent_seq != self.shown_seq
    }

    pub fn is_marked(&self, item: &EvidenceItem) -> bool {
        self.marked.contains(&passage_key(item))
    }

    /// A description of what is collected, for the header.
    pub fn source_label(&self, themes: &[Theme]) -> String {
        match &self.source {
            EvidenceSource::Theme(None) => "all themes".into(),
            EvidenceSource::Theme(Some(k)) => themes
                .iter()
                .find(|t| &t.key == k)
                .map(|t| format!("{} ({})", t.name, t.key))
                .unwrap_or_else(|| k.clone()),
            EvidenceSource::Query(q) if q.trim().is_empty() => "all passages".into(),
            EvidenceSource::Query(q) => format!("query: {q}"),
        }
    }
}

/// "10,000".
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
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

impl App {
    fn search_status(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            kind,
        });
    }

    /// The key context of the search and evidence screens, if one of them is shown.
    pub fn search_context(&self) -> Option<Context> {
        match self.screen {
            Screen::Search => Some(Context::Search),
            Screen::Evidence if self.evidence.replace_question.is_some() => {
                Some(Context::ExportReplace)
            }
            Screen::Evidence if self.evidence.export_path.is_some() => Some(Context::ExportPrompt),
            Screen::Evidence => Some(Context::Evidence),
            _ => None,
        }
    }

    /// Send the current input to the index thread, unless it does not parse (then the error
    /// shows at once and the last good results stay).
    pub fn send_search(&mut self, out: &mut Effects) {
        match query::parse(self.search.input.text()) {
            Ok(_) => {
                let s = &mut self.search;
                if s.input.text() != s.shown_query {
                    // Another query starts again at one page.
                    s.limit = SEARCH_PAGE;
                }
                s.error = None;
                s.sent_seq += 1;
                out.push(IndexRequest::Search {
                    seq: s.sent_seq,
                    query: s.input.text().to_string(),
                    limit: s.limit,
                });
            }
            Err(e) => self.search.error = Some(e),
        }
    }

    pub fn open_search(&mut self, out: &mut Effects) {
        if self.screen == Screen::Note {
            self.search.return_to = None;
            self.close_note(out);
        }
        self.screen = Screen::Search;
        self.send_search(out);
    }

    pub fn open_evidence(&mut self, out: &mut Effects) {
        let from = self.screen;
        if from == Screen::Note {
            self.close_note(out);
        }
        let ev = &mut self.evidence;
        ev.back_to = if from == Screen::Search {
            Screen::Search
        } else {
            Screen::List
        };
        ev.source = if from == Screen::Search {
            EvidenceSource::Query(self.search.input.text().to_string())
        } else {
            // Start on the first theme of the codebook.
            EvidenceSource::Theme(self.search.themes.first().map(|t| t.key.clone()))
        };
        ev.selected = 0;
        ev.export_path = None;
        self.screen = Screen::Evidence;
        self.send_evidence(out);
    }

    pub fn send_evidence(&mut self, out: &mut Effects) {
        let ev = &mut self.evidence;
        ev.sent_seq += 1;
        ev.error = None;
        let (query, theme) = match &ev.source {
            EvidenceSource::Theme(t) => (String::new(), t.clone()),
            EvidenceSource::Query(q) => (q.clone(), None),
        };
        out.push(IndexRequest::Evidence {
            seq: ev.sent_seq,
            query,
            theme,
            sort: ev.sort,
        });
    }

    /// A printable key on the search or evidence screens.
    pub fn search_typed(&mut self, c: char, ctx: Context, out: &mut Effects) {
        match ctx {
            Context::Search => {
                self.search.input.insert(c);
                self.send_search(out);
            }
            Context::ExportPrompt => {
                if let Some(p) = &mut self.evidence.export_path {
                    p.push(c);
                }
            }
            _ => {}
        }
    }

    /// Pasted text on the search or evidence screens (one line: newlines become spaces).
    pub fn search_paste(&mut self, text: &str, ctx: Context, out: &mut Effects) {
        let line: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        match ctx {
            Context::Search => {
                self.search.input.insert_str(&line);
                self.send_search(out);
            }
            Context::ExportPrompt => {
                if let Some(p) = &mut self.evidence.export_path {
                    p.push_str(line.trim());
                }
            }
            _ => {}
        }
    }

    pub fn search_action(&mut self, action: Action, ctx: Context, out: &mut Effects) {
        match ctx {
            Context::Search => self.search_screen_action(action, out),
            Context::Evidence => self.evidence_action(action, out),
            Context::ExportPrompt => self.export_prompt_action(action, out),
            Context::ExportReplace => self.export_replace_action(action, out),
            _ => {}
        }
    }

    /// Moves the selection down; at the last hit loaded, asks for a page more.
    fn search_down(&mut self, rows: isize, out: &mut Effects) {
        self.search.move_selection(rows);
        if self.search.wants_more() {
            self.search.limit += SEARCH_PAGE;
            self.send_search(out);
        }
    }

    fn search_screen_action(&mut self, action: Action, out: &mut Effects) {
        let page = self.size.1.saturating_sub(8).max(2) as isize / 2;
        match action {
            Action::Up => self.search.move_selection(-1),
            Action::Down => self.search_down(1, out),
            Action::PageUp => self.search.move_selection(-page),
            Action::PageDown => self.search_down(page, out),
            Action::SwitchResults => {
                self.search.kind = match self.search.kind {
                    HitKind::Passages => HitKind::Sessions,
                    HitKind::Sessions => HitKind::Passages,
                }
            }
            Action::Backspace if self.search.input.backspace() => self.send_search(out),
            Action::Delete if self.search.input.delete() => self.send_search(out),
            Action::DeleteWordBack if self.search.input.delete_word_back() => self.send_search(out),
            Action::ClearFilter => {
                self.search.input.clear();
                self.send_search(out);
            }
            Action::Left(_) => self.search.input.left(),
            Action::Right(_) => self.search.input.right(),
            Action::WordLeft(_) => self.search.input.word_left(),
            Action::WordRight(_) => self.search.input.word_right(),
            Action::LineStart(_) => self.search.input.home(),
            Action::LineEnd(_) => self.search.input.end(),
            Action::OpenResult => {
                if let Some(hit) = self.search.selected_hit() {
                    let jump = jump_for(hit);
                    let title = hit.title.clone();
                    self.open_at(jump, &title, Screen::Search, out);
                }
            }
            _ => {}
        }
    }

    pub(crate) fn open_at(&mut self, jump: Jump, title: &str, from: Screen, out: &mut Effects) {
        self.opening = Some(jump.id.clone());
        out.push(Request::Load(jump.id.clone()));
        self.search.jump = Some(jump);
        self.search.return_to = Some(from);
        self.search_status(StatusKind::Info, format!("Opening {title}…"));
    }

    /// The mouse on the search screen: the wheel moves through the results, a click selects
    /// one and a click on the selected one opens it. The evidence view takes the wheel.
    pub fn search_mouse(&mut self, m: MouseEvent, out: &mut Effects) {
        let ctx = match self.search_context() {
            Some(c) => c,
            None => return,
        };
        match m.kind {
            MouseEventKind::ScrollDown => self.search_action(Action::Down, ctx, out),
            MouseEventKind::ScrollUp => self.search_action(Action::Up, ctx, out),
            MouseEventKind::Down(MouseButton::Left) if ctx == Context::Search => {
                let list = layout::search_areas(layout::screen(self.size)).results;
                if !list.contains(Position::new(m.column, m.row)) {
                    return;
                }
                let first = layout::search_first_shown(self.search.selected_index(), list.height);
                let row = first + (m.row - list.y) as usize / 2;
                let n = self
                    .search
                    .results_of(self.search.kind)
                    .map_or(0, |r| r.hits.len());
                if row >= n {
                    return;
                }
                if row == self.search.selected_index() {
                    self.search_action(Action::OpenResult, ctx, out);
                } else {
                    self.search.selected[kind_slot(self.search.kind)] = row;
                }
            }
            _ => {}
        }
    }

    /// Called when a note has just been opened: put the cursor at the result and highlight it.
    pub fn apply_jump(&mut self) {
        let Some(n) = &mut self.note else { return };
        match self.search.jump.take() {
            Some(j) if j.id == n.meta.id => {
                let len = n.doc.editor().len_chars();
                n.doc.editor_mut().set_cursor(j.cursor.min(len), false);
                let hits = j
                    .hits
                    .iter()
                    .map(|&(s, e)| (s.min(len), e.min(len)))
                    .filter(|(s, e)| s < e)
                    .collect();
                self.search.note_hits = Some((n.meta.id.clone(), n.doc.editor().version(), hits));
            }
            _ => {
                self.search.return_to = None;
                self.search.note_hits = None;
            }
        }
    }

    /// Called when the note is closed: go back to the results it was opened from.
    pub fn after_close_note(&mut self, out: &mut Effects) {
        self.search.note_hits = None;
        match self.search.return_to.take() {
            Some(Screen::Search) => {
                self.screen = Screen::Search;
                self.send_search(out);
            }
            Some(Screen::Evidence) => {
                self.screen = Screen::Evidence;
                self.send_evidence(out);
            }
            _ => {}
        }
    }

    /// Esc on the search and evidence screens.
    pub fn search_back(&mut self, out: &mut Effects) {
        match self.screen {
            Screen::Evidence if self.evidence.replace_question.is_some() => {
                self.export_replace_action(Action::KeepFile, out);
            }
            Screen::Evidence if self.evidence.export_path.is_some() => {
                self.evidence.export_path = None;
            }
            Screen::Evidence => {
                self.screen = self.evidence.back_to;
                if self.screen == Screen::Search {
                    self.send_search(out);
                }
            }
            _ => self.screen = Screen::List,
        }
    }

    fn evidence_action(&mut self, action: Action, out: &mut Effects) {
        let n = self.evidence.items.len();
        let page = (self.size.1.saturating_sub(6) / 3).max(1) as usize;
        let ev = &mut self.evidence;
        match action {
            Action::Up => ev.selected = ev.selected.saturating_sub(1),
            Action::Down => ev.selected = (ev.selected + 1).min(n.saturating_sub(1)),
            Action::PageUp => ev.selected = ev.selected.saturating_sub(page),
            Action::PageDown => ev.selected = (ev.selected + page).min(n.saturating_sub(1)),
            Action::First => ev.selected = 0,
            Action::Last => ev.selected = n.saturating_sub(1),
            Action::ToggleMark => {
                if let Some(item) = ev.items.get(ev.selected) {
                    let key = passage_key(item);
                    if !ev.marked.remove(&key) {
                        ev.marked.insert(key);
                    }
                    ev.selected = (ev.selected + 1).min(n.saturating_sub(1));
                }
            }
            Action::ToggleSort => {
                ev.sort = match ev.sort {
                    EvidenceSort::Date => EvidenceSort::Session,
                    EvidenceSort::Session => EvidenceSort::Date,
                };
                self.send_evidence(out);
            }
            Action::NextTheme | Action::PrevTheme => {
                let keys: Vec<Option<String>> = std::iter::once(None)
                    .chain(self.search.themes.iter().map(|t| Some(t.key.clone())))
                    .collect();
                let at = match &ev.source {
                    EvidenceSource::Theme(k) => keys.iter().position(|x| x == k).unwrap_or(0),
                    EvidenceSource::Query(_) => 0,
                };
                let step = if action == Action::NextTheme {
                    1
                } else {
                    keys.len() - 1
                };
                let next = match &ev.source {
                    EvidenceSource::Query(_) if action == Action::NextTheme => 1 % keys.len(),
                    EvidenceSource::Query(_) => keys.len() - 1,
                    _ => (at + step) % keys.len(),
                };
                ev.source = EvidenceSource::Theme(keys[next].clone());
                ev.selected = 0;
                self.send_evidence(out);
            }
            Action::CopyQuote => {
                if let Some(item) = ev.items.get(ev.selected) {
                    let text = format!("“{}” {}", item.quote, citation(item));
                    self.clipboard = text.clone();
                    out.push(Effect::Clipboard(text));
                    self.search_status(StatusKind::Ok, "Copied the quote with its citation");
                }
            }
            Action::Export => {
                if ev.items.is_empty() {
                    self.search_status(StatusKind::Error, "Nothing to export");
                } else {
                    let today = chrono::Local::now().format("%Y-%m-%d");
                    ev.export_path = Some(format!("evidence-{today}.md"));
                }
            }
            Action::OpenResult => {
                if let Some(item) = ev.items.get(ev.selected) {
                    if let Some(id) = &item.session_id {
                        let jump = Jump {
                            id: SessionId(id.clone()),
                            cursor: item.start,
                            hits: vec![(item.start, item.end)],
                        };
                        let title = item.title.clone();
                        self.open_at(jump, &title, Screen::Evidence, out);
                    }
                }
            }
            _ => {}
        }
    }

    fn export_prompt_action(&mut self, action: Action, out: &mut Effects) {
        let Some(path) = &mut self.evidence.export_path else {
            return;
        };
        match action {
            Action::Backspace => {
                path.pop();
            }
            Action::ClearFilter => path.clear(),
            Action::ToggleDeidentify => {
                let ev = &mut self.evidence;
                ev.export_deidentified = !ev.export_deidentified;
            }
            Action::Confirm => {
                let path = path.trim().to_string();
                if path.is_empty() {
                    self.search_status(StatusKind::Error, "Type a file name to export to");
                    return;
                }
                let ev = &mut self.evidence;
                let items: Vec<EvidenceItem> = if ev.marked.is_empty() {
                    ev.items.clone()
                } else {
                    ev.items
                        .iter()
                        .filter(|i| ev.marked.contains(&passage_key(i)))
                        .cloned()
                        .collect()
                };
                ev.export_path = None;
                let export = PendingExport {
                    typed: path,
                    items,
                    deidentify: ev.export_deidentified,
                };
                let which = if ev.marked.is_empty() {
                    "all"
                } else {
                    "the marked"
                };
                self.search_status(
                    StatusKind::Info,
                    format!("Exporting {which} {} passages…", export.items.len()),
                );
                // An existing file is never replaced without a yes (`ExportReplace`).
                self.send_export(export, false, out);
            }
            _ => {}
        }
    }

    fn send_export(&mut self, export: PendingExport, replace: bool, out: &mut Effects) {
        out.push(IndexRequest::Export {
            items: export.items.clone(),
            path: export.typed.clone().into(),
            replace,
            deidentify: export.deidentify,
        });
        self.evidence.pending_export = Some(export);
    }

    /// The export's file exists: y replaces it, n (or Esc) keeps it and reopens the prompt.
    fn export_replace_action(&mut self, action: Action, out: &mut Effects) {
        let Some((export, file)) = self.evidence.replace_question.take() else {
            return;
        };
        match action {
            Action::ReplaceFile => {
                self.search_status(StatusKind::Info, format!("Replacing {}…", file.display()));
                self.send_export(export, true, out);
            }
            Action::KeepFile => {
                self.search_status(
                    StatusKind::Info,
                    format!("Kept {}: type another name", file.display()),
                );
                self.evidence.export_path = Some(export.typed);
            }
            _ => self.evidence.replace_question = Some((export, file)),
        }
    }

    /// An answer from the index thread.
    pub fn on_index(&mut self, resp: IndexResponse, out: &mut Effects) {
        match resp {
            IndexResponse::State(state) => {
                let became_ready = matches!(state, IndexState::Ready { .. })
                    && !matches!(self.search.index, IndexState::Ready { .. });
                self.search.index = state;
                if became_ready {
                    // Searches asked for while the index was being built were answered from an
                    // empty index: ask again.
                    match self.screen {
                        Screen::Search => self.send_search(out),
                        Screen::Evidence => self.send_evidence(out),
                        _ => {}
                    }
                }
            }
            IndexResponse::Themes(themes) => self.search.themes = themes,
            IndexResponse::Searched { seq, query, result } => {
                self.search.accept(seq, query, result);
            }
            IndexResponse::Reindexed { id: _, result } => match result {
                Ok(()) => match self.screen {
                    Screen::Search => self.send_search(out),
                    Screen::Evidence => self.send_evidence(out),
                    _ => {}
                },
                Err(e) => self.search_status(
                    StatusKind::Error,
                    format!("Saved, but the search index was not updated: {e}"),
                ),
            },
            IndexResponse::Evidence { seq, result } => {
                let ev = &mut self.evidence;
                if seq != ev.sent_seq {
                    return; // superseded
                }
                ev.shown_seq = seq;
                match result {
                    Ok(items) => {
                        ev.items = items;
                        ev.selected = ev.selected.min(ev.items.len().saturating_sub(1));
                    }
                    Err(SearchError::Query(e)) => {
                        ev.error = Some(e.message);
                    }
                    Err(SearchError::Other(e)) => ev.error = Some(e),
                }
            }
            IndexResponse::Exported {
                path,
                full,
                count,
                deidentified,
                result,
            } => match (result, self.evidence.pending_export.take()) {
                (Ok(()), _) => self.search_status(
                    StatusKind::Ok,
                    format!(
                        "Exported {count} passages to {} ({}{})",
                        full.display(),
                        EvidenceFormat::from_path(&path).name(),
                        if deidentified { ", de-identified" } else { "" }
                    ),
                ),
                (Err(None), pending) => {
                    let export = pending.unwrap_or_else(|| PendingExport {
                        typed: path.to_string_lossy().into_owned(),
                        items: Vec::new(),
                        deidentify: deidentified,
                    });
                    self.status = None;
                    self.evidence.replace_question = Some((export, full));
                }
                (Err(Some(e)), _) => {
                    self.search_status(StatusKind::Error, format!("Export failed: {e}"))
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::query::QueryError;
    use std::time::Instant;

    fn results(n: usize) -> Box<(Results, Results)> {
        let r = Results {
            total: n,
            ..Results::default()
        };
        Box::new((r.clone(), r))
    }

    fn passage(coder: &str) -> Hit {
        Hit {
            kind: HitKind::Passages,
            session_id: SessionId("s1".into()),
            coding_id: Some(format!("c-{coder}")),
            title: "Kickoff".into(),
            date: chrono::NaiveDate::default(),
            agencies: vec![],
            session_type: Default::default(),
            county: String::new(),
            facilitator: String::new(),
            themes: vec!["trust".into()],
            coder: coder.into(),
            memo: String::new(),
            quote_or_snippet: "the same words".into(),
            highlights: vec![],
            start: 0,
            end: 14,
            score: 1.0,
        }
    }

    #[test]
    fn reaching_the_last_hit_loaded_asks_for_a_page_more() {
        const NONE: KeyModifiers = KeyModifiers::NONE;
        let mut app = App::new("t".into(), "f".into(), None, Instant::now());
        app.screen = Screen::Search;
        for c in "trust".chars() {
            press(&mut app, KeyCode::Char(c), NONE);
        }
        let page = |loaded: usize, total: usize| {
            let r = Results {
                total,
                hits: (0..loaded).map(|i| passage(&format!("coder{i}"))).collect(),
                ..Results::default()
            };
            Box::new((r, Results::default()))
        };
        let limits = |app: &mut App| -> Vec<usize> {
            app.index_out
                .drain(..)
                .filter_map(|r| match r {
                    IndexRequest::Search { limit, .. } => Some(limit),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(limits(&mut app).last(), Some(&SEARCH_PAGE));
        let seq = app.search.sent_seq;
        app.search
            .accept(seq, "trust".into(), Ok(page(SEARCH_PAGE, 250)));
        for _ in 0..SEARCH_PAGE - 2 {
            press(&mut app, KeyCode::Down, NONE);
        }
        assert!(limits(&mut app).is_empty(), "not before the last hit");
        press(&mut app, KeyCode::Down, NONE);
        assert_eq!(limits(&mut app), [2 * SEARCH_PAGE]);
        press(&mut app, KeyCode::Down, NONE);
        assert!(
            limits(&mut app).is_empty(),
            "asked once while the page is on its way"
        );
        let seq = app.search.sent_seq;
        app.search
            .accept(seq, "trust".into(), Ok(page(2 * SEARCH_PAGE, 250)));
        assert_eq!(
            app.search.selected_index(),
            SEARCH_PAGE - 1,
            "the selection stays"
        );
        press(&mut app, KeyCode::PageDown, NONE);
        for _ in 0..SEARCH_PAGE {
            press(&mut app, KeyCode::Down, NONE);
        }
        assert_eq!(limits(&mut app), [3 * SEARCH_PAGE]);
        let seq = app.search.sent_seq;
        app.search.accept(seq, "trust".into(), Ok(page(250, 250)));
        for _ in 0..SEARCH_PAGE {
            press(&mut app, KeyCode::Down, NONE);
        }
        assert!(limits(&mut app).is_empty(), "all 250 loaded");
        // Another query starts at one page again.
        press(&mut app, KeyCode::Char('s'), NONE);
        assert_eq!(limits(&mut app), [SEARCH_PAGE]);
    }

    #[test]
    fn the_selection_follows_its_hit_when_the_same_query_comes_back_reordered() {
        let mut s = SearchState {
            sent_seq: 1,
            ..SearchState::default()
        };
        let with = |coders: &[&str]| {
            let r = Results {
                total: coders.len(),
                hits: coders.iter().map(|c| passage(c)).collect(),
                ..Results::default()
            };
            Box::new((r, Results::default()))
        };
        s.input.set("same");
        s.accept(1, "same".into(), Ok(with(&["ana", "chen"])));
        s.move_selection(1);
        assert_eq!(s.selected_hit().unwrap().coder, "chen");
        // A save re-indexed the session: equal scores, other order.
        s.sent_seq = 2;
        s.accept(2, "same".into(), Ok(with(&["chen", "ana"])));
        assert_eq!(s.selected_hit().unwrap().coder, "chen");
        // A new query starts at the top.
        s.sent_seq = 3;
        s.input.set("other");
        s.accept(3, "other".into(), Ok(with(&["chen", "ana"])));
        assert_eq!(s.selected_index(), 0);
    }

    #[test]
    fn stale_answers_are_dropped_and_newer_ones_kept() {
        let mut s = SearchState {
            sent_seq: 3,
            ..SearchState::default()
        };
        assert!(s.accept(2, "tru".into(), Ok(results(2))));
        assert_eq!(s.shown_seq, 2);
        assert!(s.pending());
        assert!(s.accept(3, "trust".into(), Ok(results(1))));
        // An answer older than what is shown never replaces it.
        assert!(!s.accept(2, "tru".into(), Ok(results(9))));
        assert_eq!(s.results_of(HitKind::Passages).unwrap().total, 1);
        assert_eq!(s.shown_query, "trust");
        assert!(!s.pending());
    }

    #[test]
    fn a_query_error_keeps_the_last_good_results() {
        let mut s = SearchState {
            sent_seq: 1,
            ..SearchState::default()
        };
        s.input.set("trust");
        s.accept(1, "trust".into(), Ok(results(4)));
        s.input.set("theme:nope");
        s.sent_seq = 2;
        let e = QueryError {
            message: "unknown theme".into(),
            start: 0,
            end: 5,
        };
        assert!(s.accept(2, "theme:nope".into(), Err(SearchError::Query(e.clone()))));
        assert_eq!(s.error, Some(e));
        assert_eq!(s.results_of(HitKind::Sessions).unwrap().total, 4);
        // An error for a search that is no longer the newest is ignored.
        s.sent_seq = 3;
        assert!(!s.accept(2, "x".into(), Err(SearchError::Other("index gone".into()))));
        assert_eq!(s.failure, None);
    }

    #[test]
    fn typing_sends_one_search_per_key_and_bad_queries_none() {
        let mut app = App::new("t".into(), "f".into(), None, Instant::now());
        app.with_effects(|a, out| a.open_search(out));
        assert_eq!(app.screen, Screen::Search);
        for c in "tr".chars() {
            app.with_effects(|a, out| a.search_typed(c, Context::Search, out));
        }
        let seqs: Vec<u64> = app
            .index_out
            .iter()
            .filter_map(|r| match r {
                IndexRequest::Search { seq, .. } => Some(*seq),
                _ => None,
            })
            .collect();
        assert_eq!(seqs, [1, 2, 3]);
        for c in " date:2026-13".chars() {
            app.with_effects(|a, out| a.search_typed(c, Context::Search, out));
        }
        let e = app.search.error.clone().expect("bad month is reported");
        assert!(e.start >= 3, "{e:?}");
        app.index_out.clear();
        app.with_effects(|a, out| a.search_typed('x', Context::Search, out));
        assert!(
            app.index_out.is_empty(),
            "a query that does not parse is not sent"
        );
    }

    #[test]
    fn late_results_do_not_clear_the_error_of_the_current_input() {
        let mut app = App::new("t".into(), "f".into(), None, Instant::now());
        app.with_effects(|a, out| a.open_search(out));
        for c in "trust date:2026-1".chars() {
            app.with_effects(|a, out| a.search_typed(c, Context::Search, out));
        }
        let sent = app.search.sent_seq;
        app.with_effects(|a, out| a.search_typed('3', Context::Search, out));
        assert!(app.search.error.is_some());
        // The answer to the last good query arrives after the bad character was typed.
        app.search
            .accept(sent, "trust date:2026-1".into(), Ok(results(3)));
        assert!(app.search.error.is_some(), "the error stays");
        assert_eq!(app.search.results_of(HitKind::Passages).unwrap().total, 3);
    }

    #[test]
    fn the_status_line_counts_indexing_progress() {
        let s = index_label(&IndexState::Rebuilding {
            done: 4210,
            total: 10000,
        });
        assert_eq!(s.as_deref(), Some("indexing 4,210 / 10,000"));
        assert_eq!(index_label(&IndexState::Ready { read_only: false }), None);
    }

    use crate::tui::app::{Msg, Quit};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn press(app: &mut App, code: KeyCode, mods: KeyModifiers) {
        app.step(Msg::Key(KeyEvent::new(code, mods)));
    }

    fn item(title: &str, start: usize) -> EvidenceItem {
        EvidenceItem {
            theme: "trust".into(),
            theme_name: "Trust".into(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 6, 2).unwrap(),
            session_type: "joint coaching".into(),
            agencies: vec!["CYFD".into()],
            county: "Doña Ana".into(),
            title: title.into(),
            quote: format!("quote of {title}"),
            context_before: String::new(),
            context_after: String::new(),
            memo: String::new(),
            facilitator: None,
            coder: None,
            session_id: Some("01jd3k0000000000000000000a".into()),
            coding_id: None,
            start,
            end: start + 5,
        }
    }

    #[test]
    fn keys_move_between_list_search_and_evidence() {
        const NONE: KeyModifiers = KeyModifiers::NONE;
        const CTRL: KeyModifiers = KeyModifiers::CONTROL;
        let mut app = App::new("t".into(), "f".into(), None, Instant::now());
        press(&mut app, KeyCode::Char('/'), NONE);
        assert_eq!(app.screen, Screen::Search);
        press(&mut app, KeyCode::Char('q'), NONE);
        assert_eq!(app.search.input.text(), "q", "q types in the query");
        assert_eq!(app.quit, Quit::No);
        press(&mut app, KeyCode::Char('t'), CTRL);
        assert_eq!(app.search.kind, HitKind::Sessions);
        press(&mut app, KeyCode::F(3), NONE);
        assert_eq!(app.search.kind, HitKind::Passages);
        press(&mut app, KeyCode::Char('e'), CTRL);
        assert_eq!(app.screen, Screen::Evidence);
        assert_eq!(app.evidence.source, EvidenceSource::Query("q".into()));
        press(&mut app, KeyCode::Esc, NONE);
        assert_eq!(app.screen, Screen::Search);
        assert_eq!(app.search.input.text(), "q", "the query is kept");
        press(&mut app, KeyCode::Esc, NONE);
        assert_eq!(app.screen, Screen::List);
        press(&mut app, KeyCode::Char('e'), NONE);
        assert_eq!(app.screen, Screen::Evidence);
        press(&mut app, KeyCode::Char('q'), NONE);
        assert_eq!(app.screen, Screen::List);
    }

    #[test]
    fn marks_survive_resorting_and_only_marked_passages_are_exported() {
        const NONE: KeyModifiers = KeyModifiers::NONE;
        let mut app = App::new("t".into(), "f".into(), None, Instant::now());
        press(&mut app, KeyCode::Char('e'), NONE);
        let seq = app.evidence.sent_seq;
        app.with_effects(|a, out| {
            a.on_index(
                IndexResponse::Evidence {
                    seq,
                    result: Ok(vec![item("A", 0), item("B", 10), item("C", 20)]),
                },
                out,
            )
        });
        press(&mut app, KeyCode::Down, NONE);
        press(&mut app, KeyCode::Char(' '), NONE);
        assert_eq!(app.evidence.selected, 2, "marking moves on");
        // Re-sorted answer: the mark follows the passage, not the row.
        press(&mut app, KeyCode::Char('s'), NONE);
        let seq = app.evidence.sent_seq;
        app.with_effects(|a, out| {
            a.on_index(
                IndexResponse::Evidence {
                    seq,
                    result: Ok(vec![item("C", 20), item("B", 10), item("A", 0)]),
                },
                out,
            )
        });
        assert!(app.evidence.is_marked(&app.evidence.items[1]));
        assert!(!app.evidence.is_marked(&app.evidence.items[0]));
        press(&mut app, KeyCode::Char('y'), NONE);
        assert!(app.clipboard_out.as_deref().unwrap().contains("quote of A"));
        press(&mut app, KeyCode::Char('x'), NONE);
        assert_eq!(app.search_context(), Some(Context::ExportPrompt));
        press(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
        for c in "out.md".chars() {
            press(&mut app, KeyCode::Char(c), NONE);
        }
        app.index_out.clear();
        press(&mut app, KeyCode::Enter, NONE);
        match app.index_out.as_slice() {
            [IndexRequest::Export {
                items,
                path,
                replace: false,
                deidentify: false,
            }] => {
                assert_eq!(path, std::path::Path::new("out.md"));
                assert_eq!(items.len(), 1);
                assert_eq!(items[0].title, "B");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(app.search_context(), Some(Context::Evidence));
    }

    #[test]
    fn the_query_is_edited_at_the_cursor() {
        let mut s = SearchState::default();
        s.input.insert_str("trust agency:La");
        s.input.set_cursor(6);
        s.input.insert_str("é ");
        assert_eq!(s.input.text(), "trust é agency:La");
        assert_eq!(s.input.cursor(), 8);
        assert!(s.input.backspace());
        assert!(s.input.delete_word_back());
        assert_eq!(s.input.text(), "trust agency:La");
        assert_eq!(s.input.cursor(), 6);
        assert!(s.input.delete());
        assert_eq!(s.input.text(), "trust gency:La");
        s.input.set_cursor(0);
        assert!(!s.input.backspace());
    }

    #[test]
    fn a_click_selects_a_result_and_a_second_click_opens_it() {
        use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
        let mut app = App::new("t".into(), "f".into(), None, Instant::now());
        app.with_effects(|a, out| a.open_search(out));
        let hit = |title: &str| Hit {
            kind: HitKind::Passages,
            session_id: SessionId("01jd3k0000000000000000000a".into()),
            coding_id: None,
            title: title.into(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 6, 2).unwrap(),
            agencies: Vec::new(),
            session_type: Default::default(),
            county: String::new(),
            facilitator: String::new(),
            themes: Vec::new(),
            coder: String::new(),
            memo: String::new(),
            quote_or_snippet: "words".into(),
            highlights: Vec::new(),
            start: 3,
            end: 8,
            score: 1.0,
        };
        let mut r = results(2);
        r.0.hits = vec![hit("A"), hit("B")];
        let seq = app.search.sent_seq;
        app.search.accept(seq, String::new(), Ok(r));
        let click = |row| MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 5,
            row,
            modifiers: KeyModifiers::NONE,
        };
        // Results start on row 4, two rows each: row 6 is the second.
        let out = app.with_effects(|a, out| a.search_mouse(click(6), out));
        assert_eq!(app.search.selected_index(), 1);
        assert!(out.is_empty());
        let out = app.with_effects(|a, out| a.search_mouse(click(7), out));
        assert!(matches!(out.as_slice(), [Request::Load(_)]), "{out:?}");
        assert_eq!(app.search.return_to, Some(Screen::Search));
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(4210), "4,210");
        assert_eq!(thousands(10000), "10,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
