//! The analysis screen, a component: the theme matrix (themes against a dimension, heat-shaded,
//! foldable, with totals and a sparkline per row), theme co-occurrence, words by column, their
//! concordance and a column's keywords (docs/analysis.md, "The analysis screen").
//!
//! Reading the store and counting are asked of the IO thread (`Request::Analysis`): the first
//! question reads the corpus there, which comes back in an `Arc` and goes with every later
//! question, so a new dimension, value or query is counted again off the UI thread without
//! reading the store again. The first read is for counting only (no note text: the matrix
//! shows at once on a large store); the first question that needs the notes' words (a query,
//! terms, a concordance) reads them, and that corpus is kept from then on. Each view keeps
//! the last answer it got with the question it answers; the screen asks again whenever what
//! is wanted differs from what is shown (and is not already on its way), and says
//! "computing…" meanwhile. A question that fails (a query
//! that does not parse, project months without a start date) is said on the screen, and the
//! settings go back to those of the table shown.
//!
//! Enter on a cell opens what is behind it: the matrix's and co-occurrence's passages (or
//! sessions) in the search screen, with the cell's query (`Command::SearchFor`; Esc there comes
//! back here, to the same cell); a word's occurrences in a concordance; a concordance line's
//! note (`Command::OpenAt`).

pub mod hints;
pub use hints::hints;
pub mod compute;
pub mod grid;

use crate::core::analysis::{
    CellQueries, CooccurSpec, Dimension, KeywordSpec, Level, MatrixSpec, Scope, Value,
};
use crate::core::query::{self, and};
use crate::tui::component::{Command, Ctx, Jump, Outcome, Screen, Within};
use crate::tui::keymap::{Action, AnalysisKey, Context};
use crate::tui::line_input::{pasted_line, LineInput};
use crate::tui::worker::{Request, Response};
use compute::{Analysed, Ask, KEYWORD_LIMIT, KEYWORD_MIN};
use grid::Grid;
use std::collections::HashSet;
use std::sync::Arc;

pub use crate::core::analysis::Corpus;

/// What the screen shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum View {
    Matrix,
    Cooccur,
    Terms,
    Kwic,
    Keywords,
}

impl View {
    const ALL: [View; 5] = [
        View::Matrix,
        View::Cooccur,
        View::Terms,
        View::Kwic,
        View::Keywords,
    ];
    fn ix(self) -> usize {
        View::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }
    pub fn title(self) -> &'static str {
        match self {
            View::Matrix => "Theme matrix",
            View::Cooccur => "Co-occurrence",
            View::Terms => "Words by column",
            View::Kwic => "Concordance",
            View::Keywords => "Keywords",
        }
    }
}

/// The words of a concordance, and which column's sessions they are looked for in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KwicOf {
    pub words: String,
    /// The column's label and query (None: every column).
    pub column: Option<(String, String)>,
}

/// The column a keyword list compares against the rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeywordsOf {
    pub by: Dimension,
    /// The column's key (as `KeywordSpec::column` takes it), label and query.
    pub key: String,
    pub label: String,
    pub query: String,
}

/// Everything the user chose; the question asked follows from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub view: View,
    pub dim: Dimension,
    pub value: Value,
    pub flat: bool,
    /// What is counted (empty: everything).
    pub query: String,
    pub level: Level,
    pub same_coder: bool,
    pub per_10k: bool,
    /// The words counted by column, one query of words each.
    pub words: Vec<String>,
    pub kwic: Option<KwicOf>,
    pub keywords: Option<KeywordsOf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            view: View::Matrix,
            dim: Dimension::Month,
            value: Value::Passages,
            flat: false,
            query: String::new(),
            level: Level::Passage,
            same_coder: false,
            per_10k: false,
            words: Vec::new(),
            kwic: None,
            keywords: None,
        }
    }
}

/// Which line input is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Editing {
    Query,
    Words,
}

#[derive(Debug, Default)]
pub struct AnalysisScreen {
    pub settings: Settings,
    /// The settings of the last answer shown without error (what a failed question goes back to).
    pub good: Settings,
    /// The corpus, once read on the IO thread.
    pub corpus: Option<Arc<Corpus>>,
    /// Per view: the last answer and the question it answers.
    pub shown: [Option<(Ask, Analysed)>; 5],
    /// Questions sent and not answered yet.
    pub in_flight: Vec<Ask>,
    /// The last question that failed (not asked again by itself).
    pub failed: Option<Ask>,
    /// Why the last question failed, shown until the next answer.
    pub error: Option<String>,
    /// Per view: the cursor (row, column); lists use the row. Rows are the table's row
    /// indices (hidden ones included), the totals row after them.
    pub cursor: [(usize, usize); 5],
    /// Per view: the first row and first data column shown (kept by `settle`).
    pub offset: [(usize, usize); 5],
    /// Theme keys whose sub-themes are hidden.
    pub folded: HashSet<String>,
    /// Co-occurrence shows c-coefficients instead of counts.
    pub coefficient: bool,
    /// The line input open, if any, and its text.
    pub editing: Option<Editing>,
    pub input: LineInput,
    /// Where Esc goes back to (a concordance or keywords opened from a table).
    pub back: Vec<View>,
    /// How many times the store was to be read again (`forget`): each question carries it,
    /// and answers to questions of an earlier read are dropped, whatever corpus they bring.
    pub reads: u64,
}

/// Said beside the search's tabs when a cell's query cannot find exactly the cell's passages
/// and sessions (a scope naming themes; a co-occurrence of passages by the same coder, or in
/// a scope that tells passages apart): docs/analysis.md says why.
const INEXACT: &str = "in the sessions of these passages, not always the cell's (docs/analysis.md)";

/// Search for what is behind a cell: `query`, confined to the sessions of `groups` (see
/// `Within`), on its sessions tab when `sessions`; Esc there comes back here.
fn search_cell(
    ctx: &mut Ctx,
    query: String,
    groups: Vec<Vec<String>>,
    label: &str,
    sessions: bool,
) {
    ctx.command(Command::SearchFor {
        within: Some(Within {
            query: query.clone(),
            groups,
            label: label.into(),
        }),
        query,
        sessions,
        back: Screen::Analysis,
    });
}

/// Rows of `page` move with PageUp / PageDown.
const PAGE: usize = 10;

/// Words typed for counting: comma-separated, a comma inside quotes kept.
pub fn split_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|w| w.trim().to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

impl AnalysisScreen {
    pub fn view(&self) -> View {
        self.settings.view
    }

    pub fn context(&self) -> Context {
        if self.editing.is_some() {
            Context::AnalysisInput
        } else {
            Context::Analysis
        }
    }

    /// The question the settings ask.
    pub fn ask(&self) -> Ask {
        let s = &self.settings;
        let scope = Scope::query(&s.query);
        match s.view {
            View::Matrix => Ask::Matrix(MatrixSpec {
                cols: s.dim,
                value: s.value,
                flat: s.flat,
                scope,
            }),
            View::Cooccur => Ask::Cooccur(CooccurSpec {
                level: s.level,
                same_coder: s.same_coder,
                scope,
            }),
            View::Terms => Ask::Terms {
                words: s.words.clone(),
                by: s.dim,
                per_10k: s.per_10k,
                scope,
            },
            View::Kwic => {
                let k = s.kwic.clone().unwrap_or(KwicOf {
                    words: String::new(),
                    column: None,
                });
                let col = k.column.as_ref().map_or("", |c| c.1.as_str());
                Ask::Kwic {
                    words: k.words,
                    scope: Scope::query(&and(&[&s.query, col])),
                }
            }
            View::Keywords => {
                let k = s.keywords.clone();
                Ask::Keywords(KeywordSpec {
                    by: k.as_ref().map_or(s.dim, |k| k.by),
                    column: k.map(|k| k.key).unwrap_or_default(),
                    min: KEYWORD_MIN,
                    limit: KEYWORD_LIMIT,
                    scope,
                })
            }
        }
    }

    /// The answer on screen for the view shown.
    pub fn current(&self) -> Option<&Analysed> {
        self.shown[self.view().ix()].as_ref().map(|(_, a)| a)
    }

    /// The answer on screen for `view`.
    pub fn shown_of(&self, view: View) -> Option<&Analysed> {
        self.shown[view.ix()].as_ref().map(|(_, a)| a)
    }

    /// The table on screen (matrix, co-occurrence, words).
    pub fn grid(&self) -> Option<&Grid> {
        match self.current()? {
            Analysed::Matrix { grid, .. } | Analysed::Terms { grid, .. } => Some(grid),
            Analysed::Cooccur { counts, coef, .. } => {
                Some(if self.coefficient { coef } else { counts })
            }
            Analysed::Kwic(_) | Analysed::Keywords(_) => None,
        }
    }

    /// Whether what is wanted is still being computed (or the store read).
    /// Whether the store is being read for what is on its way (no corpus yet, or only a
    /// counting one and a question that needs the notes' words).
    pub fn reading(&self) -> bool {
        match &self.corpus {
            None => true,
            Some(c) => c.counts_only && self.in_flight.iter().any(Ask::needs_words),
        }
    }

    pub fn loading(&self) -> bool {
        let want = self.ask();
        self.shown[self.view().ix()].as_ref().map(|(a, _)| a) != Some(&want)
            && self.failed.as_ref() != Some(&want)
    }

    pub fn cursor(&self) -> (usize, usize) {
        self.cursor[self.view().ix()]
    }

    fn cursor_mut(&mut self) -> &mut (usize, usize) {
        &mut self.cursor[self.view().ix()]
    }

    pub fn offset(&self) -> (usize, usize) {
        self.offset[self.view().ix()]
    }

    /// Forget the corpus and every answer: the next question reads the store again, and
    /// answers still on their way over the old corpus are dropped when they come.
    fn forget(&mut self) {
        self.corpus = None;
        self.reads += 1;
        self.shown = Default::default();
        self.in_flight.clear();
        self.failed = None;
    }

    /// The screen is opened from the list: the store is read again and the table asked for.
    pub fn open(&mut self, ctx: &mut Ctx) {
        self.forget();
        self.error = None;
        self.editing = None;
        self.back.clear();
        if matches!(self.settings.view, View::Kwic | View::Keywords) {
            self.settings.view = View::Matrix;
        }
        self.ensure(ctx);
    }

    /// Ask for what the settings want, unless it is on screen or on its way. Without the
    /// corpus, only one question goes at a time (the first reads the store; the others wait
    /// for it).
    pub fn ensure(&mut self, ctx: &mut Ctx) {
        // No words yet (their line is open): nothing to ask. Asking would fail, and a failed
        // question puts the settings back to the table shown, the words view with them.
        if self.view() == View::Terms && self.settings.words.is_empty() {
            return;
        }
        let want = self.ask();
        if self.shown[self.view().ix()].as_ref().map(|(a, _)| a) == Some(&want)
            || self.in_flight.contains(&want)
            || self.failed.as_ref() == Some(&want)
        {
            return;
        }
        // One read of the store at a time: the others wait for its corpus.
        let reads_store = self
            .corpus
            .as_ref()
            .is_none_or(|c| c.counts_only && want.needs_words());
        if !self.in_flight.is_empty() && (reads_store || self.reading()) {
            return;
        }
        self.in_flight.push(want.clone());
        ctx.effects.push(Request::Analysis {
            corpus: self.corpus.clone(),
            ask: Box::new(want),
            read: self.reads,
        });
    }

    /// An answer from the IO thread; returns it when it is not for this screen.
    pub fn on_io(&mut self, resp: Response, ctx: &mut Ctx) -> Option<Response> {
        let Response::Analysis {
            corpus,
            ask,
            result,
            read,
        } = resp
        else {
            return Some(resp);
        };
        if read != self.reads {
            // Asked before the store was read again: over an old corpus, or reading one.
            return None;
        }
        // The first corpus, or the notes' words read where only counts were.
        let kept = self.corpus.as_ref().map(|k| k.counts_only);
        if kept.is_none_or(|counts_only| counts_only) {
            if let Some(c) = corpus.filter(|c| kept.is_none() || !c.counts_only) {
                if let Some(w) = c.warnings.first().filter(|_| kept.is_none()) {
                    ctx.info(format!(
                        "{} warning(s) reading the store: {w}",
                        c.warnings.len()
                    ));
                }
                self.corpus = Some(c);
            }
        }
        if let Some(i) = self.in_flight.iter().position(|a| *a == *ask) {
            self.in_flight.remove(i);
        }
        let want = self.ask();
        if *ask == want {
            match result {
                Ok(a) => {
                    self.error = None;
                    self.failed = None;
                    let v = self.view().ix();
                    self.shown[v] = Some((*ask, *a));
                    self.good = self.settings.clone();
                    self.clamp();
                }
                Err(e) => {
                    self.error = Some(e);
                    self.failed = Some(*ask);
                    // Back to what the table on screen shows (the query, the dimension...).
                    if self.corpus.is_some() {
                        let view = self.settings.view;
                        self.settings = self.good.clone();
                        if self.shown[view.ix()].is_some()
                            && !matches!(view, View::Kwic | View::Keywords)
                        {
                            self.settings.view = view;
                        }
                    }
                }
            }
        }
        self.ensure(ctx);
        None
    }

    /// Keep the cursor inside what is shown.
    fn clamp(&mut self) {
        let (rows, cols) = self.extent();
        let c = self.cursor_mut();
        c.0 = c.0.min(rows.saturating_sub(1));
        c.1 = c.1.min(cols.saturating_sub(1));
    }

    /// Rows and columns the cursor can be on.
    fn extent(&self) -> (usize, usize) {
        if let Some(g) = self.grid() {
            return (g.row_count(), g.col_count());
        }
        match self.current() {
            Some(Analysed::Kwic(k)) => (k.len(), 1),
            Some(Analysed::Keywords(k)) => (k.len(), 1),
            _ => (0, 0),
        }
    }

    /// The rows the cursor moves through: visible table rows then the totals row, or list items.
    fn row_order(&self) -> Vec<usize> {
        match self.grid() {
            Some(g) => {
                let folded = if self.view() == View::Matrix {
                    &self.folded
                } else {
                    &HashSet::new()
                };
                let mut v = g.visible(folded);
                if g.col_totals.is_some() {
                    v.push(g.rows.len());
                }
                v
            }
            None => (0..self.extent().0).collect(),
        }
    }

    /// The visible table rows (totals row not included) of the view shown.
    pub fn visible_rows(&self) -> Vec<usize> {
        match self.grid() {
            Some(g) if self.view() == View::Matrix => g.visible(&self.folded),
            Some(g) => (0..g.rows.len()).collect(),
            None => Vec::new(),
        }
    }

    fn move_row(&mut self, action: Action) -> bool {
        let order = self.row_order();
        if order.is_empty() {
            return matches!(
                action,
                Action::Up
                    | Action::Down
                    | Action::PageUp
                    | Action::PageDown
                    | Action::First
                    | Action::Last
            );
        }
        let row = self.cursor().0;
        let at = order
            .iter()
            .position(|r| *r >= row)
            .unwrap_or(order.len() - 1);
        let last = order.len() - 1;
        let to = match action {
            Action::Up => at.saturating_sub(1),
            Action::Down => (at + 1).min(last),
            Action::PageUp => at.saturating_sub(PAGE),
            Action::PageDown => (at + PAGE).min(last),
            Action::First => 0,
            Action::Last => last,
            _ => return false,
        };
        self.cursor_mut().0 = order[to];
        true
    }

    pub fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        if let Some(editing) = self.editing {
            return self.input_action(editing, action, ctx);
        }
        if self.move_row(action) {
            return Outcome::Consumed;
        }
        let cols = self.extent().1;
        match action {
            Action::Left(_) => {
                let c = self.cursor_mut();
                c.1 = c.1.saturating_sub(1);
            }
            Action::Right(_) => {
                let c = self.cursor_mut();
                c.1 = (c.1 + 1).min(cols.saturating_sub(1));
            }
            Action::OpenResult => self.open_cell(ctx),
            Action::Back => {
                match self.back.pop() {
                    Some(v) => self.settings.view = v,
                    None => ctx.command(Command::Show(Screen::List)),
                }
                self.error = None;
            }
            Action::Analysis(k) => self.key(k, ctx),
            _ => return Outcome::NotConsumed,
        }
        self.ensure(ctx);
        Outcome::Consumed
    }

    /// Go to `view` from a table, Esc coming back to it.
    fn go(&mut self, view: View) {
        let from = self.view();
        if from == view {
            return;
        }
        if matches!(view, View::Kwic | View::Keywords) {
            if !matches!(from, View::Kwic | View::Keywords) || !self.back.is_empty() {
                self.back.push(from);
            }
        } else {
            self.back.clear();
        }
        self.settings.view = view;
        self.error = None;
    }

    fn key(&mut self, k: AnalysisKey, ctx: &mut Ctx) {
        let view = self.view();
        let table = matches!(view, View::Matrix | View::Terms);
        match k {
            AnalysisKey::Fold | AnalysisKey::FoldAll | AnalysisKey::UnfoldAll
                if view != View::Matrix || self.settings.flat =>
            {
                ctx.info("Only the matrix's rolled-up rows fold (f rolls them up)");
            }
            AnalysisKey::Fold => {
                let row = self.cursor().0;
                let Some(g) = self.grid() else { return };
                match g.rows.get(row) {
                    Some(r) if r.has_children => {
                        let key = r.key.clone();
                        if !self.folded.remove(&key) {
                            self.folded.insert(key);
                        }
                    }
                    Some(r) => {
                        // On a sub-theme: fold its parent and go to it.
                        if let Some(p) = r.parent {
                            let key = g.rows[p].key.clone();
                            self.folded.insert(key);
                            self.cursor_mut().0 = p;
                        }
                    }
                    None => {}
                }
            }
            AnalysisKey::FoldAll => {
                let Some(g) = self.grid() else { return };
                let keys: Vec<String> = g
                    .rows
                    .iter()
                    .filter(|r| r.has_children)
                    .map(|r| r.key.clone())
                    .collect();
                // The cursor goes up to its top-level theme.
                let mut row = self.cursor().0;
                while let Some(p) = g.rows.get(row).and_then(|r| r.parent) {
                    row = p;
                }
                self.folded.extend(keys);
                self.cursor_mut().0 = row;
            }
            AnalysisKey::UnfoldAll => self.folded.clear(),
            AnalysisKey::Flat if view == View::Matrix => {
                self.settings.flat = !self.settings.flat;
            }
            AnalysisKey::NextDimension | AnalysisKey::PrevDimension if table => {
                let all = Dimension::ALL;
                let i = all
                    .iter()
                    .position(|d| *d == self.settings.dim)
                    .unwrap_or(0);
                let n = all.len();
                let mut next = if k == AnalysisKey::NextDimension {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                // Project months need a start date; notes are not written by coders.
                let skip = |d: Dimension| {
                    (d == Dimension::ProjectMonth
                        && self
                            .corpus
                            .as_ref()
                            .is_some_and(|c| c.project_start.is_none()))
                        || (d == Dimension::Coder && view == View::Terms)
                };
                while skip(all[next]) {
                    next = if k == AnalysisKey::NextDimension {
                        (next + 1) % n
                    } else {
                        (next + n - 1) % n
                    };
                }
                self.settings.dim = all[next];
                self.cursor_mut().1 = 0;
                self.offset[view.ix()].1 = 0;
            }
            AnalysisKey::NextValue if view == View::Matrix => {
                let all = Value::ALL;
                let i = all
                    .iter()
                    .position(|v| *v == self.settings.value)
                    .unwrap_or(0);
                self.settings.value = all[(i + 1) % all.len()];
            }
            AnalysisKey::EditQuery => {
                self.editing = Some(Editing::Query);
                self.input = LineInput::new(self.settings.query.clone());
            }
            AnalysisKey::EditWords => {
                self.editing = Some(Editing::Words);
                self.input = LineInput::new(self.settings.words.join(", "));
            }
            AnalysisKey::Matrix => self.go(View::Matrix),
            AnalysisKey::Cooccurrence => self.go(View::Cooccur),
            AnalysisKey::Terms => {
                if self.settings.dim == Dimension::Coder {
                    self.settings.dim = Dimension::Month;
                }
                self.go(View::Terms);
                if self.settings.words.is_empty() {
                    self.editing = Some(Editing::Words);
                    self.input = LineInput::default();
                }
            }
            AnalysisKey::Level if view == View::Cooccur => {
                self.settings.level = match self.settings.level {
                    Level::Passage => Level::Session,
                    Level::Session => Level::Passage,
                };
            }
            AnalysisKey::SameCoder if view == View::Cooccur => {
                self.settings.same_coder = !self.settings.same_coder;
            }
            AnalysisKey::Coefficient if view == View::Cooccur => {
                self.coefficient = !self.coefficient;
            }
            AnalysisKey::Per10k if view == View::Terms => {
                self.settings.per_10k = !self.settings.per_10k;
            }
            AnalysisKey::Concordance => self.concordance(None, ctx),
            AnalysisKey::Keywords => self.keywords(ctx),
            AnalysisKey::Reload => {
                self.forget();
                ctx.info("Reading the store again…");
            }
            _ => ctx.info(format!(
                "That key does nothing in the {} view",
                view.title().to_lowercase()
            )),
        }
    }

    /// The concordance of the words on the cursor's row (words view or keywords), in
    /// `column`'s sessions when given.
    fn concordance(&mut self, column: Option<(String, String)>, ctx: &mut Ctx) {
        let row = self.cursor().0;
        let words = match self.current() {
            Some(Analysed::Terms { grid, .. }) => grid.rows.get(row).map(|r| r.key.clone()),
            Some(Analysed::Keywords(k)) => k.get(row).map(|k| k.word.clone()),
            _ => None,
        };
        let Some(words) = words else {
            ctx.info(
                "A concordance is of the words on a row of the words view (w) or of a keyword (K)",
            );
            return;
        };
        let column = column.or_else(|| {
            // From keywords: their column.
            (self.view() == View::Keywords)
                .then(|| {
                    self.settings
                        .keywords
                        .as_ref()
                        .map(|k| (k.label.clone(), k.query.clone()))
                })
                .flatten()
        });
        self.settings.kwic = Some(KwicOf { words, column });
        self.cursor[View::Kwic.ix()] = (0, 0);
        self.offset[View::Kwic.ix()] = (0, 0);
        self.go(View::Kwic);
    }

    /// The keywords of the cursor's column (matrix or words view).
    fn keywords(&mut self, ctx: &mut Ctx) {
        let col = self.cursor().1;
        let found = match self.current() {
            Some(Analysed::Matrix { matrix, .. }) => matrix.cols.get(col).map(|c| {
                (
                    matrix.dimension,
                    c.key.clone(),
                    c.label.clone(),
                    matrix.col_query(&c.column),
                )
            }),
            Some(Analysed::Terms {
                counts,
                col_queries,
                ..
            }) => counts.cols.get(col).map(|c| {
                (
                    counts.dimension,
                    c.key.clone(),
                    c.label.clone(),
                    col_queries[col].clone(),
                )
            }),
            _ => {
                ctx.info("Keywords are of a column of the matrix (m) or of the words view (w)");
                return;
            }
        };
        let Some((by, key, label, query)) = found else {
            ctx.info("Put the cursor on a column (not the total) for its keywords");
            return;
        };
        if by == Dimension::Coder {
            ctx.info("Notes are not written by coders: keywords are of a month, agency, type, county, facilitator, tag or session");
            return;
        }
        self.settings.keywords = Some(KeywordsOf {
            by,
            key,
            label,
            query,
        });
        self.cursor[View::Keywords.ix()] = (0, 0);
        self.offset[View::Keywords.ix()] = (0, 0);
        self.go(View::Keywords);
    }

    /// Enter: what is behind the cursor's cell.
    fn open_cell(&mut self, ctx: &mut Ctx) {
        let (row, col) = self.cursor();
        let Some(a) = self.current() else { return };
        match a {
            Analysed::Matrix { matrix, .. } => {
                // Below the theme rows, the totals row: every coded passage of the column.
                let query = matrix.cell_query(row.min(matrix.rows.len()), col);
                let label = if matrix.cells_exact() {
                    "in the cell's sessions"
                } else {
                    INEXACT
                };
                let groups = vec![vec![query.clone()]];
                let sessions = matches!(matrix.value, Value::Sessions | Value::Share);
                search_cell(ctx, query, groups, label, sessions);
            }
            Analysed::Cooccur { co, .. } => {
                let Some(CellQueries {
                    query,
                    groups,
                    exact,
                }) = co.cell_queries(row, col)
                else {
                    return;
                };
                let label = if !exact {
                    INEXACT
                } else if row == col || co.level == Level::Passage {
                    "in the cell's sessions"
                } else if co.same_coder {
                    "in the sessions where one coder coded both"
                } else {
                    "in the sessions with both themes"
                };
                search_cell(ctx, query, groups, label, co.level == Level::Session);
            }
            Analysed::Terms {
                counts,
                col_queries,
                ..
            } => {
                let column = counts
                    .cols
                    .get(col)
                    .map(|c| (c.label.clone(), col_queries[col].clone()));
                self.concordance(column, ctx);
            }
            Analysed::Kwic(lines) => {
                let Some(l) = lines.get(row) else { return };
                let Some(id) = self
                    .corpus
                    .as_ref()
                    .and_then(|c| c.sessions.iter().find(|s| s.id.0 == l.session_id))
                    .map(|s| s.id.clone())
                else {
                    return;
                };
                ctx.command(Command::OpenAt {
                    jump: Jump {
                        id,
                        cursor: l.start,
                        hits: vec![(l.start, l.end)],
                    },
                    title: format!("“{}” in {}", l.hit, l.title),
                    from: Screen::Analysis,
                });
            }
            Analysed::Keywords(_) => self.concordance(None, ctx),
        }
    }

    fn input_action(&mut self, editing: Editing, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::Accept => {
                let text = self.input.text().trim().to_string();
                match editing {
                    Editing::Query => {
                        if let Err(e) = query::parse(&text) {
                            self.error = Some(format!(
                                "The query does not parse at column {}: {} (what is counted stays as it was)",
                                e.start + 1,
                                e.message
                            ));
                            return Outcome::Consumed;
                        }
                        self.settings.query = text;
                    }
                    Editing::Words => {
                        let words = split_words(&text);
                        if words.is_empty() {
                            self.error = Some(
                                "Type a word or phrase to count (a comma between several)".into(),
                            );
                            return Outcome::Consumed;
                        }
                        self.settings.words = words;
                        self.cursor[View::Terms.ix()] = (0, 0);
                    }
                }
                self.editing = None;
                self.error = None;
                self.failed = None;
                self.ensure(ctx);
            }
            Action::Cancel | Action::Back => {
                self.editing = None;
                self.error = None;
                if editing == Editing::Words && self.settings.words.is_empty() {
                    // Nothing to count: back to the table it came from.
                    if let Some(v) = self.back.pop() {
                        self.settings.view = v;
                    } else {
                        self.settings.view = View::Matrix;
                    }
                }
            }
            Action::Backspace => {
                self.input.backspace();
            }
            Action::Delete => {
                self.input.delete();
            }
            Action::DeleteWordBack => {
                self.input.delete_word_back();
            }
            Action::ClearFilter => {
                self.input.clear();
            }
            Action::Left(_) => self.input.left(),
            Action::Right(_) => self.input.right(),
            Action::LineStart(_) => self.input.home(),
            Action::LineEnd(_) => self.input.end(),
            _ => return Outcome::NotConsumed,
        }
        Outcome::Consumed
    }

    /// A printable key while an input is open.
    pub fn typed(&mut self, c: char) -> Outcome {
        if self.editing.is_none() {
            return Outcome::NotConsumed;
        }
        self.input.insert(c);
        Outcome::Consumed
    }

    pub fn paste(&mut self, text: &str) {
        if self.editing.is_some() {
            self.input.insert_str(&pasted_line(text));
        }
    }

    /// Keep the cursor's row and column on screen (`size` the terminal's), moving the first
    /// row and column shown as little as needed.
    pub fn settle(&mut self, size: (u16, u16)) {
        let v = self.view().ix();
        let (row, col) = self.cursor();
        let rows_shown = table_rows(size.1, self.grid().is_some_and(|g| g.col_totals.is_some()));
        let order = self.row_order();
        let at = order.iter().position(|r| *r >= row).unwrap_or(0);
        let (mut top, mut left) = self.offset[v];
        if let Some(g) = self.grid() {
            // The totals row is drawn below the rows, always.
            let data_at = if row >= g.rows.len() { None } else { Some(at) };
            if let Some(at) = data_at {
                if at < top {
                    top = at;
                } else if at >= top + rows_shown {
                    top = at + 1 - rows_shown;
                }
            }
            top = top.min(order.len().saturating_sub(1));
            left = g.col_offset(size.0, left, col);
        } else {
            let per = if self.view() == View::Kwic { 2 } else { 1 };
            let shown = (rows_shown / per).max(1);
            if at < top {
                top = at;
            } else if at >= top + shown {
                top = at + 1 - shown;
            }
        }
        self.offset[v] = (top, left);
    }
}

/// Table rows (besides the header and the totals row) a terminal `height` tall shows: the
/// screen's header, summary and input lines and the two status lines are taken.
pub fn table_rows(height: u16, totals: bool) -> usize {
    (height as usize)
        .saturating_sub(5 + 1 + usize::from(totals))
        .max(1)
}

#[cfg(test)]
mod tests;
