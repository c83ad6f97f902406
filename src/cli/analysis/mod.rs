//! `ripple matrix`, `cooccur`, `terms`, `kwic` and `keywords`: the analyses of
//! `core::analysis` written as an aligned table, CSV, Markdown or JSON (docs/analysis.md).

mod output;

use crate::cli::{usage, Context};
use crate::core::analysis::{
    columns_of, cooccurrence, keywords, kwic, matrix, terms, CooccurSpec, Corpus, Dimension,
    KeywordSpec, Level, Matrix, MatrixSpec, Scope, Value,
};
use crate::core::text::thousands;
use crate::core::workspace::Workspace;
use output::{sparkline, Grid};
use serde_json::json;
use std::io::Write as _;
use std::mem::ManuallyDrop;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Table,
    Csv,
    Md,
    Json,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DimArg {
    Month,
    ProjectMonth,
    Quarter,
    Agency,
    Joint,
    Type,
    County,
    Facilitator,
    Coder,
    Tag,
    Session,
}

impl From<DimArg> for Dimension {
    fn from(d: DimArg) -> Dimension {
        match d {
            DimArg::Month => Dimension::Month,
            DimArg::ProjectMonth => Dimension::ProjectMonth,
            DimArg::Quarter => Dimension::Quarter,
            DimArg::Agency => Dimension::Agency,
            DimArg::Joint => Dimension::Joint,
            DimArg::Type => Dimension::SessionType,
            DimArg::County => Dimension::County,
            DimArg::Facilitator => Dimension::Facilitator,
            DimArg::Coder => Dimension::Coder,
            DimArg::Tag => Dimension::Tag,
            DimArg::Session => Dimension::Session,
        }
    }
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueArg {
    Passages,
    Sessions,
    Codings,
    Share,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowsArg {
    Theme,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LevelArg {
    Passage,
    Session,
}

/// What every analysis takes: a query restricting what is counted, and the coders.
#[derive(clap::Args, Debug, Clone)]
pub struct ScopeArgs {
    /// Count only what this search finds (docs/query-language.md), e.g. 'agency:"La Casa" after:2022-03'.
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,
    /// Count only this coder's codings (repeat for several; default: every coder).
    #[arg(long = "only-coder", value_name = "NAME")]
    pub coders: Vec<String>,
}

impl ScopeArgs {
    fn scope(&self) -> Scope {
        Scope {
            query: self
                .query
                .as_ref()
                .filter(|q| !q.trim().is_empty())
                .cloned(),
            coders: self.coders.clone(),
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct MatrixArgs {
    /// The rows: themes (rolled up: a parent counts its sub-themes' passages, each once).
    #[arg(long, value_enum, default_value = "theme")]
    pub rows: RowsArg,
    /// The columns.
    #[arg(long, value_enum, default_value = "month")]
    pub cols: DimArg,
    /// What a cell counts: distinct coded spans, sessions, coders' codings, or the share of the
    /// column's sessions that have the theme.
    #[arg(long, value_enum, default_value = "passages")]
    pub value: ValueArg,
    /// Each theme on its own row, without its sub-themes.
    #[arg(long)]
    pub flat: bool,
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

#[derive(clap::Args, Debug)]
pub struct CooccurArgs {
    /// passage: passages overlapping by at least one character; session: themes in one session.
    #[arg(long, value_enum, default_value = "passage")]
    pub level: LevelArg,
    /// Only pairs coded by the same coder.
    #[arg(long)]
    pub same_coder: bool,
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

#[derive(clap::Args, Debug)]
pub struct TermsArgs {
    /// Words or phrases to count (each one query: a word, "a phrase", pre*, word~, or several
    /// joined by OR).
    #[arg(required = true, value_name = "QUERY")]
    pub terms: Vec<String>,
    /// The columns.
    #[arg(long, value_enum, default_value = "month")]
    pub by: DimArg,
    /// Occurrences per 10,000 words of the column's notes.
    #[arg(long = "per-10k")]
    pub per_10k: bool,
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

#[derive(clap::Args, Debug)]
pub struct KwicArgs {
    /// The word or phrase (query language: a word, "a phrase", pre*, word~, OR).
    pub term: String,
    /// Characters of context on each side.
    #[arg(long, default_value_t = 40)]
    pub width: usize,
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

#[derive(clap::Args, Debug)]
pub struct KeywordsArgs {
    /// The dimension whose column is compared with the rest.
    #[arg(long, value_enum)]
    pub by: DimArg,
    /// The column (e.g. 2026-06, "La Casa", joint); default: the last column (the latest period).
    #[arg(long, value_name = "COLUMN")]
    pub column: Option<String>,
    /// Fewest occurrences in the column for a word to be listed.
    #[arg(long, default_value_t = 3)]
    pub min: u64,
    /// Most words listed.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// The corpus of the store, under the workspace's coder (blind: their own codings only).
///
/// Neither the corpus nor the store (its catalog of every session) is freed: the process ends
/// when the command has printed, and freeing a large store's sessions one allocation at a
/// time only delays that (about 0.2 s at 100,000 sessions). The writer lock is a file lock
/// the system releases when the process exits.
fn load(ctx: &Context, scope: &Scope) -> anyhow::Result<ManuallyDrop<Corpus>> {
    load_with(ctx, scope, Corpus::load)
}

/// The corpus for counting alone (matrices, co-occurrence): unchanged files come from the
/// analysis cache.
fn load_counts(ctx: &Context, scope: &Scope) -> anyhow::Result<ManuallyDrop<Corpus>> {
    load_with(ctx, scope, Corpus::load_counts)
}

fn load_with(
    ctx: &Context,
    scope: &Scope,
    read: fn(&Workspace, &Scope) -> Result<Corpus, String>,
) -> anyhow::Result<ManuallyDrop<Corpus>> {
    let store = ManuallyDrop::new(ctx.open_store_for_reading()?);
    let mut ws = Workspace::new(&store, &ctx.env.coder);
    ws.set_blind(ctx.env.blind);
    let corpus = read(&ws, scope).map_err(usage)?;
    for w in &corpus.warnings {
        eprintln!("warning: {w}");
    }
    Ok(ManuallyDrop::new(corpus))
}

fn emit(text: &str) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn number(v: f64, value: Value) -> String {
    match value {
        Value::Share => format!("{:.0}%", v * 100.0),
        _ => thousands(v as u64),
    }
}

/// A number for CSV: plain digits, shares as fractions.
fn plain(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.4}")
    }
}

fn scope_line(scope: &Scope) -> String {
    let mut s = String::new();
    if !scope.query_text().is_empty() {
        s.push_str(&format!("; query: {}", scope.query_text()));
    }
    if !scope.coders.is_empty() {
        s.push_str(&format!("; coders: {}", scope.coders.join(", ")));
    }
    s
}

/// The matrix's level: what one unit counted is.
fn level_of(value: Value) -> &'static str {
    match value {
        Value::Passages | Value::Codings => "passage",
        Value::Sessions | Value::Share => "session",
    }
}

/// `ripple matrix`.
pub fn run_matrix(args: &MatrixArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let RowsArg::Theme = args.rows;
    let spec = MatrixSpec {
        cols: args.cols.into(),
        value: match args.value {
            ValueArg::Passages => Value::Passages,
            ValueArg::Sessions => Value::Sessions,
            ValueArg::Codings => Value::Codings,
            ValueArg::Share => Value::Share,
        },
        flat: args.flat,
        scope: args.scope.scope(),
    };
    let corpus = load_counts(ctx, &spec.scope)?;
    let m = matrix(&corpus, &spec).map_err(usage)?;
    emit(&render_matrix(&m, args.format)?)
}

pub fn render_matrix(m: &Matrix, format: Format) -> anyhow::Result<String> {
    if format == Format::Json {
        return Ok(serde_json::to_string_pretty(&json!({
            "rows": m.rows.iter().map(|r| &r.key).collect::<Vec<_>>(),
            "cols": m.cols.iter().map(|c| &c.key).collect::<Vec<_>>(),
            "cells": m.cells,
            "value": m.value.key(),
            "level": level_of(m.value),
        }))?);
    }
    let title = format!(
        "Themes by {}: {}; {} sessions{}{}",
        m.dimension.label(),
        m.value.describe(),
        thousands(m.sessions as u64),
        scope_line(&m.scope),
        if m.flat { "; flat (no roll-up)" } else { "" },
    );
    let labels_as_keys = format == Format::Csv;
    let mut header = vec![if labels_as_keys { "theme" } else { "THEME" }.to_string()];
    header.extend(m.cols.iter().map(|c| {
        if labels_as_keys {
            c.key.clone()
        } else {
            c.label.clone()
        }
    }));
    header.push(if labels_as_keys { "total" } else { "TOTAL" }.into());
    if format == Format::Table {
        // The sparkline's months (none when nothing is dated in scope).
        header.push(
            match (m.sparkline_months.first(), m.sparkline_months.last()) {
                (Some(a), Some(b)) if a == b => a.clone(),
                (Some(a), Some(b)) => format!("{a}–{b}"),
                _ => String::new(),
            },
        );
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (i, r) in m.rows.iter().enumerate() {
        let mut row = vec![match format {
            Format::Csv => r.key.clone(),
            Format::Md => format!("{}{}", "— ".repeat(r.depth), r.name),
            _ => format!("{}{}", "  ".repeat(r.depth), r.name),
        }];
        let cell = |v: f64| match format {
            Format::Csv => plain(v),
            _ => number(v, m.value),
        };
        row.extend(m.cells[i].iter().map(|&v| cell(v)));
        row.push(cell(m.row_totals[i]));
        if format == Format::Table {
            row.push(sparkline(&m.sparklines[i]));
        }
        rows.push(row);
    }
    let mut total = vec![match format {
        Format::Csv => "(all themes)".to_string(),
        _ => "All themes".to_string(),
    }];
    let cell = |v: f64| match format {
        Format::Csv => plain(v),
        _ => number(v, m.value),
    };
    total.extend(m.col_totals.iter().map(|&v| cell(v)));
    total.push(cell(m.total));
    if format == Format::Table {
        total.push(String::new());
    }
    rows.push(total);
    let grid = Grid {
        header,
        rows,
        left: vec![0],
    };
    grid.titled(format, &title)
}

/// `ripple cooccur`.
pub fn run_cooccur(args: &CooccurArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let spec = CooccurSpec {
        level: match args.level {
            LevelArg::Passage => Level::Passage,
            LevelArg::Session => Level::Session,
        },
        same_coder: args.same_coder,
        scope: args.scope.scope(),
    };
    let corpus = load_counts(ctx, &spec.scope)?;
    let co = cooccurrence(&corpus, &spec).map_err(usage)?;
    let value = match co.level {
        Level::Passage => "passages",
        Level::Session => "sessions",
    };
    // Themes that occur (the diagonal) are the rows and columns; JSON keeps every theme.
    if args.format == Format::Json {
        return emit(&serde_json::to_string_pretty(&json!({
            "rows": co.themes,
            "cols": co.themes,
            "cells": co.counts,
            "value": value,
            "level": co.level.key(),
        }))?);
    }
    let shown: Vec<usize> = (0..co.themes.len())
        .filter(|&i| co.counts[i][i] > 0)
        .collect();
    let title = format!(
        "Co-occurrence of themes at {} level{}: {}; the diagonal is each theme's {}; c = n12 / (n1 + n2 − n12); columns by theme key{}",
        co.level.key(),
        if co.same_coder { " (same coder only)" } else { "" },
        match co.level {
            Level::Passage => "pairs of passages that overlap by at least one character",
            Level::Session => "sessions with both themes",
        },
        value,
        scope_line(&co.scope),
    );
    let csv = args.format == Format::Csv;
    let mut header = vec![if csv { "theme" } else { "THEME" }.to_string()];
    header.extend(shown.iter().map(|&j| co.themes[j].clone()));
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|&i| {
            let mut row = vec![if csv {
                co.themes[i].clone()
            } else {
                co.names[i].clone()
            }];
            row.extend(shown.iter().map(|&j| {
                let n = co.counts[i][j];
                if csv || i == j || n == 0 {
                    n.to_string()
                } else {
                    match co.c_coefficient(i, j) {
                        Some(c) => format!("{n} ({c:.2})"),
                        // More overlapping pairs than passages: no value (docs/analysis.md).
                        None => format!("{n} (—)"),
                    }
                }
            }));
            row
        })
        .collect();
    let grid = Grid {
        header,
        rows,
        left: vec![0],
    };
    emit(&grid.titled(args.format, &title)?)
}

/// `ripple terms`.
pub fn run_terms(args: &TermsArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let scope = args.scope.scope();
    let corpus = load(ctx, &scope)?;
    let t = terms(&corpus, &args.terms, args.by.into(), args.per_10k, &scope).map_err(usage)?;
    let value = if t.per_10k { "per-10k" } else { "occurrences" };
    if args.format == Format::Json {
        return emit(&serde_json::to_string_pretty(&json!({
            "rows": t.terms,
            "cols": t.cols.iter().map(|c| &c.key).collect::<Vec<_>>(),
            "cells": t.counts,
            "value": value,
            "words": t.words,
        }))?);
    }
    let cell = |v: f64| {
        if t.per_10k {
            format!("{v:.1}")
        } else {
            plain(v)
        }
    };
    let csv = args.format == Format::Csv;
    let mut header = vec![if csv { "term" } else { "TERM" }.to_string()];
    header.extend(
        t.cols
            .iter()
            .map(|c| if csv { c.key.clone() } else { c.label.clone() }),
    );
    header.push(if csv { "total" } else { "TOTAL" }.into());
    let mut rows: Vec<Vec<String>> = t
        .terms
        .iter()
        .enumerate()
        .map(|(i, term)| {
            let mut row = vec![term.clone()];
            row.extend(t.counts[i].iter().map(|&v| cell(v)));
            row.push(cell(t.totals[i]));
            row
        })
        .collect();
    let mut words = vec![if csv { "(words)" } else { "words of notes" }.to_string()];
    words.extend(
        t.words
            .iter()
            .map(|&w| if csv { w.to_string() } else { thousands(w) }),
    );
    words.push(if csv {
        t.total_words.to_string()
    } else {
        thousands(t.total_words)
    });
    rows.push(words);
    let title = format!(
        "Occurrences in the notes by {}{}{}",
        t.dimension.label(),
        if t.per_10k {
            ", per 10,000 words of the column's notes"
        } else {
            ""
        },
        scope_line(&scope)
    );
    let grid = Grid {
        header,
        rows,
        left: vec![0],
    };
    emit(&grid.titled(args.format, &title)?)
}

/// `ripple kwic`.
pub fn run_kwic(args: &KwicArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let scope = args.scope.scope();
    let corpus = load(ctx, &scope)?;
    let lines = kwic(&corpus, &args.term, args.width, &scope).map_err(usage)?;
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&lines)?,
        Format::Csv => Grid {
            header: [
                "session_id",
                "date",
                "title",
                "left",
                "hit",
                "right",
                "start",
                "end",
                "citation",
            ]
            .map(String::from)
            .to_vec(),
            rows: lines
                .iter()
                .map(|l| {
                    vec![
                        l.session_id.clone(),
                        l.date.to_string(),
                        l.title.clone(),
                        l.left.clone(),
                        l.hit.clone(),
                        l.right.clone(),
                        l.start.to_string(),
                        l.end.to_string(),
                        l.citation.clone(),
                    ]
                })
                .collect(),
            left: (0..9).collect(),
        }
        .csv()?,
        Format::Md => {
            let mut out = format!("*{} occurrences of {}*\n\n", lines.len(), args.term);
            for l in &lines {
                out.push_str(&format!(
                    "- …{} **{}** {}… {}\n",
                    l.left.trim_start(),
                    l.hit,
                    l.right.trim_end(),
                    l.citation
                ));
            }
            out
        }
        Format::Table => {
            use unicode_width::UnicodeWidthStr;
            let mut out = format!("{} occurrences of {}\n\n", lines.len(), args.term);
            let lw = lines.iter().map(|l| l.left.width()).max().unwrap_or(0);
            let mids: Vec<String> = lines
                .iter()
                .map(|l| format!("[{}]{}", l.hit, l.right))
                .collect();
            let mw = mids.iter().map(|m| m.width()).max().unwrap_or(0);
            for (l, mid) in lines.iter().zip(&mids) {
                out.push_str(&format!(
                    "{}{}{}{}  {}\n",
                    " ".repeat(lw - l.left.width()),
                    l.left,
                    mid,
                    " ".repeat(mw - mid.width()),
                    l.citation
                ));
            }
            out
        }
    };
    emit(&text)
}

/// `ripple keywords`.
pub fn run_keywords(args: &KeywordsArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let scope = args.scope.scope();
    let corpus = load_with(ctx, &scope, Corpus::load_keywords)?;
    let by: Dimension = args.by.into();
    let column = match &args.column {
        Some(c) => c.clone(),
        None => {
            // The last column: the latest period, or the last value.
            columns_of(&corpus, by, &scope)
                .map_err(usage)?
                .last()
                .map(|c| c.key.clone())
                .ok_or_else(|| usage("no session is counted: nothing to compare"))?
        }
    };
    let spec = KeywordSpec {
        by,
        column: column.clone(),
        min: args.min,
        limit: args.limit,
        scope: scope.clone(),
    };
    let list = keywords(&corpus, &spec).map_err(usage)?;
    if args.format == Format::Json {
        return emit(&serde_json::to_string_pretty(&list)?);
    }
    let csv = args.format == Format::Csv;
    let header: Vec<String> = if csv {
        [
            "word",
            "freq_in",
            "freq_out",
            "per_10k_in",
            "per_10k_out",
            "g2",
        ]
    } else {
        ["WORD", "IN", "REST", "PER 10K IN", "PER 10K REST", "G²"]
    }
    .map(String::from)
    .to_vec();
    let rows = list
        .iter()
        .map(|k| {
            vec![
                k.word.clone(),
                k.freq_in.to_string(),
                k.freq_out.to_string(),
                format!("{:.1}", k.per_10k_in),
                format!("{:.1}", k.per_10k_out),
                format!("{:.2}", k.g2),
            ]
        })
        .collect();
    let title = format!(
        "Keywords of {} {column} against the rest (log-likelihood G²; 3.84: p < 0.05, 6.63: p < 0.01, 10.83: p < 0.001); at least {} occurrences, stop words left out{}",
        by.label(),
        args.min,
        scope_line(&scope)
    );
    let grid = Grid {
        header,
        rows,
        left: vec![0],
    };
    if args.format == Format::Table && list.is_empty() {
        return emit(&format!("{title}\n\nNo word is over-represented there.\n"));
    }
    emit(&grid.titled(args.format, &title)?)
}
