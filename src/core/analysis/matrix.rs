//! The theme matrix: themes (rows, rolled up or flat) against one dimension (columns).

use super::corpus::{Corpus, Selection};
use super::dimension::{ColumnKey, Dimension, Folded};
use super::scope::{exact_field, Scope};
use super::value::Value;
use crate::core::query::quote_value;
use std::collections::HashMap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatrixSpec {
    pub cols: Dimension,
    pub value: Value,
    /// Each theme's own passages only (no roll-up of sub-themes).
    pub flat: bool,
    pub scope: Scope,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowLabel {
    /// The theme key.
    pub key: String,
    pub name: String,
    /// Depth in the theme tree (0 for roots; always 0 when flat).
    pub depth: usize,
    /// The parent row (rolled up only).
    pub parent: Option<usize>,
    /// The row has rows below it (rolled up only).
    pub has_children: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColLabel {
    /// What scripts read: months `YYYY-MM`, quarters `YYYY-Qn`, project months their
    /// number, agencies and other values as written, sessions their id.
    pub key: String,
    /// What a screen shows.
    pub label: String,
    /// What the column selects (for its query and its sessions).
    pub column: ColumnKey,
    /// The column's sessions in scope (for a `coder` column: sessions with a coding of theirs).
    pub sessions: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    pub rows: Vec<RowLabel>,
    pub cols: Vec<ColLabel>,
    /// `cells[row][col]`.
    pub cells: Vec<Vec<f64>>,
    /// Per row, over every column: each passage / session once (a joint session under two
    /// agencies is one session of the row), so not always the sum of the row's cells.
    pub row_totals: Vec<f64>,
    /// Per column, over every theme: each passage / session once.
    pub col_totals: Vec<f64>,
    pub total: f64,
    /// Per row, the value over calendar months (`sparkline_months`), for a sparkline.
    pub sparklines: Vec<Vec<f64>>,
    /// The months of the sparklines, `YYYY-MM`.
    pub sparkline_months: Vec<String>,
    pub value: Value,
    pub dimension: Dimension,
    pub flat: bool,
    pub scope: Scope,
    /// Sessions in scope.
    pub sessions: usize,
    /// Theme keys of the rows below each row (inclusive), for queries of flat rows.
    children: Vec<Vec<String>>,
    /// For text columns: every value of the dimension met (folded), to make a value exact.
    values: Vec<String>,
    /// Every coder of the corpus, to make a scope's coder exact (`coder:"Ana"` alone also
    /// finds "Ana Ortiz").
    coders: Vec<String>,
    project_start: Option<chrono::NaiveDate>,
}

/// Per (row, col) of a grid with an extra "all" row and column, counts of distinct things:
/// each group of codings (a passage, a session) counts once in a cell however many of its
/// codings fall there. Each cell remembers the last group that counted in it, so a group
/// costs one comparison per (row, col) it touches, not a sort.
struct Grid {
    cols: usize,
    cells: Vec<f64>,
    /// The group that last counted in each cell (0: none yet).
    last: Vec<u32>,
    group: u32,
}

impl Grid {
    fn new(rows: usize, cols: usize) -> Grid {
        let n = (rows + 1) * (cols + 1);
        Grid {
            cols: cols + 1,
            cells: vec![0.0; n],
            last: vec![0; n],
            group: 0,
        }
    }
    /// The codings marked from now on are one new group.
    fn next_group(&mut self) {
        if self.group == u32::MAX {
            self.last.iter_mut().for_each(|g| *g = 0);
            self.group = 0;
        }
        self.group += 1;
    }
    /// Count the current group in (r, c), once.
    fn mark(&mut self, r: usize, c: usize) {
        let i = r * self.cols + c;
        if self.last[i] != self.group {
            self.last[i] = self.group;
            self.cells[i] += 1.0;
        }
    }
    fn get(&self, r: usize, c: usize) -> f64 {
        self.cells[r * self.cols + c]
    }
}

/// The rows: every theme in tree order (rolled up) or each theme on its own (flat).
fn row_labels(corpus: &Corpus, flat: bool) -> Vec<RowLabel> {
    corpus
        .themes
        .iter()
        .enumerate()
        .map(|(i, t)| RowLabel {
            key: t.key.clone(),
            name: t.name.clone(),
            depth: if flat { 0 } else { t.depth },
            parent: if flat { None } else { t.parent },
            has_children: !flat && corpus.themes.iter().any(|x| x.parent == Some(i)),
        })
        .collect()
}

/// Counting along one dimension: the columns and the grid of values.
struct Counted {
    keys: Vec<ColumnKey>,
    grid: Grid,
    /// Sessions in scope per column (+ all).
    col_sessions: Vec<usize>,
}

fn count(corpus: &Corpus, sel: &Selection, dim: Dimension, value: Value, flat: bool) -> Counted {
    let nrows = corpus.themes.len();
    let mut scratch = Vec::new();
    // The columns: every value met by a session (or coding, for coders) in scope.
    let mut keys: Vec<ColumnKey> = Vec::new();
    let mut seen: HashMap<ColumnKey, ()> = HashMap::new();
    if dim == Dimension::Coder {
        for (c, k) in corpus.codings.iter().zip(&sel.codings) {
            if *k && seen.insert(ColumnKey::Coder(c.coder), ()).is_none() {
                keys.push(ColumnKey::Coder(c.coder));
            }
        }
    }
    // Each session's columns, found once (normalising a text value is the costly part), as
    // runs of one flat list: session i's are `session_keys[starts[i]..starts[i + 1]]`.
    // Each key is held once (in `keys`) and the flat list holds its place there.
    let mut starts: Vec<usize> = Vec::with_capacity(corpus.sessions.len() + 1);
    let mut session_keys: Vec<usize> = Vec::new();
    let mut place: HashMap<ColumnKey, usize> = HashMap::new();
    let mut folded = Folded::default();
    starts.push(0);
    if dim != Dimension::Coder {
        for (i, s) in corpus.sessions.iter().enumerate() {
            if sel.sessions[i] {
                dim.session_keys_with(corpus, i, s, &mut scratch, &mut folded);
                for k in scratch.drain(..) {
                    let at = match place.get(&k) {
                        Some(&at) => at,
                        None => {
                            keys.push(k.clone());
                            place.insert(k, keys.len() - 1);
                            keys.len() - 1
                        }
                    };
                    session_keys.push(at);
                }
            }
            starts.push(session_keys.len());
        }
    }
    // The keys as met, before sorting: what the flat list's places point at.
    let met = keys.clone();
    keys.sort();
    dim.fill_gaps(&mut keys);
    let col_of: HashMap<ColumnKey, usize> = keys
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, k)| (k, i))
        .collect();
    let ncols = keys.len();
    let all_col = ncols;
    let all_row = nrows;
    // The flat list as column indices (a session's keys are all columns: they made them).
    let col_of_met: Vec<usize> = met.iter().map(|k| col_of[k]).collect();
    let session_cols: Vec<usize> = session_keys.iter().map(|&at| col_of_met[at]).collect();
    let cols_of_session = |i: usize| &session_cols[starts[i]..starts[i + 1]];
    let coder_col: Vec<Option<usize>> = (0..corpus.coders.len())
        .map(|c| col_of.get(&ColumnKey::Coder(c)).copied())
        .collect();

    // Sessions per column (the denominators of shares).
    let mut col_sessions = vec![0usize; ncols + 1];
    if dim == Dimension::Coder {
        let mut last: Option<usize> = None;
        let mut cols: Vec<usize> = Vec::new();
        let flush = |cols: &mut Vec<usize>, out: &mut Vec<usize>| {
            cols.sort_unstable();
            cols.dedup();
            for &c in cols.iter() {
                out[c] += 1;
            }
            cols.clear();
        };
        for (c, k) in corpus.codings.iter().zip(&sel.codings) {
            if !*k || !sel.sessions[c.session] {
                continue;
            }
            if last != Some(c.session) {
                flush(&mut cols, &mut col_sessions);
                last = Some(c.session);
            }
            cols.extend(coder_col[c.coder]);
        }
        flush(&mut cols, &mut col_sessions);
        col_sessions[all_col] = sel.session_count();
    } else {
        for i in 0..corpus.sessions.len() {
            if !sel.sessions[i] {
                continue;
            }
            for &col in cols_of_session(i) {
                col_sessions[col] += 1;
            }
            col_sessions[all_col] += 1;
        }
    }

    let mut grid = Grid::new(nrows, ncols);
    let mut cols_of_coding: Vec<usize> = Vec::new();
    let rows_of = |theme: usize| -> &[usize] {
        if flat {
            std::slice::from_ref(&corpus.lineage(theme)[0])
        } else {
            corpus.lineage(theme)
        }
    };
    // Group codings by the unit counted: a span (passages), a session (sessions, shares), or
    // each coding on its own (codings); within a group each (row, col) counts once.
    let group_key = |i: usize| {
        let c = &corpus.codings[i];
        match value {
            Value::Passages => (c.session, c.start, c.end, 0),
            Value::Sessions | Value::Share => (c.session, 0, 0, 0),
            Value::Codings => (c.session, c.start, c.end, i),
        }
    };
    let mut current = None;
    for (i, c) in corpus.codings.iter().enumerate() {
        if !sel.codings[i] {
            continue;
        }
        let g = group_key(i);
        if current != Some(g) {
            grid.next_group();
            current = Some(g);
        }
        cols_of_coding.clear();
        if dim == Dimension::Coder {
            cols_of_coding.extend(coder_col[c.coder]);
        } else if sel.sessions[c.session] {
            cols_of_coding.extend_from_slice(cols_of_session(c.session));
        } else {
            // A coding in scope whose session is not (not made by `Corpus::select`).
            dim.coding_keys(corpus, c, &mut scratch);
            cols_of_coding.extend(scratch.drain(..).filter_map(|k| col_of.get(&k).copied()));
        }
        cols_of_coding.push(all_col);
        for &r in rows_of(c.theme) {
            for &col in &cols_of_coding {
                grid.mark(r, col);
                grid.mark(all_row, col);
            }
        }
    }
    Counted {
        keys,
        grid,
        col_sessions,
    }
}

fn ratio(n: f64, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        n / d as f64
    }
}

/// The matrix `spec` asks for. An error when the scope's query or coders are not understood.
pub fn matrix(corpus: &Corpus, spec: &MatrixSpec) -> Result<Matrix, String> {
    if spec.cols == Dimension::ProjectMonth && corpus.project_start.is_none() {
        return Err(
            "project months need the project's start date: set `project_start = \
                    \"YYYY-MM-DD\"` in the store's ripple.toml"
                .into(),
        );
    }
    let sel = corpus.select(&spec.scope)?;
    let counted = count(corpus, &sel, spec.cols, spec.value, spec.flat);
    let nrows = corpus.themes.len();
    let ncols = counted.keys.len();
    let v = |r: usize, c: usize| -> f64 {
        let n = counted.grid.get(r, c);
        match spec.value {
            Value::Share => ratio(n, counted.col_sessions[c]),
            _ => n,
        }
    };
    let cells: Vec<Vec<f64>> = (0..nrows)
        .map(|r| (0..ncols).map(|c| v(r, c)).collect())
        .collect();
    let row_totals = (0..nrows).map(|r| v(r, ncols)).collect();
    let col_totals = (0..ncols).map(|c| v(nrows, c)).collect();
    let total = v(nrows, ncols);
    let sparks = if spec.cols == Dimension::Month {
        None
    } else {
        Some(count(corpus, &sel, Dimension::Month, spec.value, spec.flat))
    };
    let months = sparks.as_ref().unwrap_or(&counted);
    let sparklines = (0..nrows)
        .map(|r| {
            (0..months.keys.len())
                .map(|c| {
                    let n = months.grid.get(r, c);
                    match spec.value {
                        Value::Share => ratio(n, months.col_sessions[c]),
                        _ => n,
                    }
                })
                .collect()
        })
        .collect();
    let sparkline_months = months
        .keys
        .iter()
        .map(|k| k.key(corpus, Dimension::Month))
        .collect();
    let cols = counted
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| ColLabel {
            key: k.key(corpus, spec.cols),
            label: k.label(corpus, spec.cols),
            column: k.clone(),
            sessions: counted.col_sessions[i],
        })
        .collect();
    let children = (0..nrows)
        .map(|r| {
            corpus
                .themes
                .iter()
                .enumerate()
                .filter(|(i, t)| t.parent == Some(r) && *i != r)
                .map(|(_, t)| t.key.clone())
                .collect()
        })
        .collect();
    let values = match spec.cols {
        Dimension::Agency | Dimension::County | Dimension::Facilitator | Dimension::Tag => {
            let mut all: Vec<String> = Vec::new();
            let mut scratch = Vec::new();
            let mut folded = Folded::default();
            for (i, s) in corpus.sessions.iter().enumerate() {
                spec.cols
                    .session_keys_with(corpus, i, s, &mut scratch, &mut folded);
                for k in scratch.drain(..) {
                    if let ColumnKey::Text(Some(f)) = k {
                        if !all.contains(&f) {
                            all.push(f);
                        }
                    }
                }
            }
            all
        }
        Dimension::Coder => corpus.coders.clone(),
        _ => Vec::new(),
    };
    Ok(Matrix {
        rows: row_labels(corpus, spec.flat),
        cols,
        cells,
        row_totals,
        col_totals,
        total,
        sparklines,
        sparkline_months,
        value: spec.value,
        dimension: spec.cols,
        flat: spec.flat,
        scope: spec.scope.clone(),
        sessions: sel.session_count(),
        children,
        values,
        coders: corpus.coders.clone(),
        project_start: corpus.project_start,
    })
}

/// `field:"value"`, with `"` inside the value written as the lexer reads it.
fn field(name: &str, value: &str) -> String {
    format!("{name}:{}", quote_value(value))
}

impl Matrix {
    /// A query of the query language (passage mode) that finds exactly the codings behind a
    /// cell: its hits are the cell's codings; their distinct spans its passages; their
    /// distinct sessions its sessions (and a share's numerator). `col` may be `cols.len()`
    /// for the row's total, and `row` may be `rows.len()` for the totals row (every coded
    /// passage in scope: no theme part).
    pub fn cell_query(&self, row: usize, col: usize) -> String {
        let mut parts: Vec<String> = Vec::new();
        parts.extend(self.scope.query_parts(&self.coders));
        parts.push(self.row_query(row));
        if let Some(c) = self.cols.get(col) {
            parts.push(self.col_query(&c.column));
        }
        parts.retain(|p| !p.is_empty());
        parts.join(" ")
    }

    /// Whether `cell_query` finds exactly each cell's codings (passages, sessions): not when
    /// the scope names a theme (`Scope::names_themes`).
    pub fn cells_exact(&self) -> bool {
        !self.scope.names_themes()
    }

    /// The row's theme (rolled up: with the themes below it; flat: without them); empty for
    /// the totals row.
    pub fn row_query(&self, row: usize) -> String {
        let Some(r) = self.rows.get(row) else {
            return String::new();
        };
        let mut q = field("theme", &r.key);
        if self.flat {
            for c in &self.children[row] {
                q.push(' ');
                q.push('-');
                q.push_str(&field("theme", c));
            }
        }
        q
    }

    /// The query selecting a column.
    pub fn col_query(&self, col: &ColumnKey) -> String {
        let name = match self.dimension {
            Dimension::Agency => "agency",
            Dimension::County => "county",
            Dimension::Facilitator => "facilitator",
            Dimension::Tag => "tag",
            _ => "",
        };
        match col {
            ColumnKey::Month(_) | ColumnKey::Quarter(_) | ColumnKey::ProjectMonth(_) => {
                let corpus_start = self.project_start;
                let (from, to) = period_of(col, corpus_start);
                format!(
                    "date:{}..{}",
                    from.format("%Y-%m-%d"),
                    to.format("%Y-%m-%d")
                )
            }
            ColumnKey::Joint(j) => format!("joint:{}", if *j { "yes" } else { "no" }),
            ColumnKey::Type(t) => {
                format!("type:{}", crate::core::session::SessionType::ALL[*t].key())
            }
            ColumnKey::Text(Some(_)) => {
                let label = self
                    .cols
                    .iter()
                    .find(|c| c.column == *col)
                    .map(|c| c.label.clone())
                    .unwrap_or_default();
                exact_field(name, &label, &self.values)
            }
            ColumnKey::Text(None) => {
                if self.values.is_empty() {
                    String::new()
                } else {
                    let ors: Vec<String> = self.values.iter().map(|v| field(name, v)).collect();
                    format!("-({})", ors.join(" OR "))
                }
            }
            ColumnKey::Coder(_) => {
                let label = self
                    .cols
                    .iter()
                    .find(|c| c.column == *col)
                    .map(|c| c.label.clone())
                    .unwrap_or_default();
                exact_field("coder", &label, &self.values)
            }
            ColumnKey::Session(_) => {
                let key = self
                    .cols
                    .iter()
                    .find(|c| c.column == *col)
                    .map(|c| c.key.clone())
                    .unwrap_or_default();
                field("session", &key)
            }
        }
    }
}

fn period_of(
    col: &ColumnKey,
    start: Option<chrono::NaiveDate>,
) -> (chrono::NaiveDate, chrono::NaiveDate) {
    use chrono::Datelike;
    let month = |i: i32| {
        chrono::NaiveDate::from_ymd_opt(i.div_euclid(12), i.rem_euclid(12) as u32 + 1, 1)
            .expect("a month")
    };
    let (a, b) = match col {
        ColumnKey::Month(i) => (*i, *i),
        ColumnKey::Quarter(q) => {
            let m = q.div_euclid(4) * 12 + q.rem_euclid(4) * 3;
            (m, m + 2)
        }
        ColumnKey::ProjectMonth(n) => {
            let s = start.expect("project months have a start");
            let m = s.year() * 12 + s.month0() as i32 + n - 1;
            (m, m)
        }
        _ => unreachable!("periods only"),
    };
    (month(a), month(b + 1).pred_opt().expect("a day"))
}

/// What the codebook shows for a theme, in the units of `core::analysis`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThemeCounts {
    pub key: String,
    /// Distinct spans coded with this theme itself.
    pub passages: usize,
    /// Distinct spans coded with it or any theme below it (each span once).
    pub passages_with_children: usize,
    /// Coders' records with this theme itself.
    pub codings: usize,
    pub codings_with_children: usize,
    /// Sessions with a passage of it or of a theme below it.
    pub sessions_with_children: usize,
}

/// Every theme row's counts over the scope.
pub fn theme_counts(corpus: &Corpus, scope: &Scope) -> Result<Vec<ThemeCounts>, String> {
    let sel = corpus.select(scope)?;
    let total = |value: Value, flat: bool| -> Vec<usize> {
        let c = count(corpus, &sel, Dimension::Joint, value, flat);
        let all = c.keys.len();
        (0..corpus.themes.len())
            .map(|r| c.grid.get(r, all) as usize)
            .collect()
    };
    let (p, pw) = (total(Value::Passages, true), total(Value::Passages, false));
    let (k, kw) = (total(Value::Codings, true), total(Value::Codings, false));
    let sw = total(Value::Sessions, false);
    Ok(corpus
        .themes
        .iter()
        .enumerate()
        .map(|(i, t)| ThemeCounts {
            key: t.key.clone(),
            passages: p[i],
            passages_with_children: pw[i],
            codings: k[i],
            codings_with_children: kw[i],
            sessions_with_children: sw[i],
        })
        .collect())
}
