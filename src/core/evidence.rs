//! Evidence export: the coded passages matching a query and/or a theme, with their sessions'
//! metadata, as Markdown (grouped by theme, quotes as blockquotes with a citation), DOCX (the
//! same headings, quotes and citations, in Word's Heading and Quote styles), CSV or JSON.
//!
//! **De-identification** (`EvidenceOptions::deidentify`): the facilitator, the coder and every
//! id (session, coding) are left out, and each term in the store's `ripple.toml`
//! `deidentify = [...]` list is replaced by `[redacted]` in quotes, context, memos and titles.
//! Terms match whole words, folded as search folds them (`core::fold`: case, accents, quote
//! marks and dashes: "Dona" also redacts "Doña", "O'Brien" also "O’Brien"). Agency,
//! session type, county and date stay: they are what a citation needs. List a county or an
//! agency in `deidentify` to hide it too.

use crate::core::codebook::Codebook;
use crate::core::document_out::{self, Block, BlockKind, Span as DocSpan};
use crate::core::fold::{fold_quote, FoldedText};
use crate::core::index::{HitKind, IndexError, SearchIndex};
use crate::core::query::{Ast, Query, Span};
use crate::core::session::SessionId;
use crate::core::text::char_slice;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// How many words of context are shown on each side of a quote.
pub const CONTEXT_WORDS: usize = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvidenceSort {
    /// Oldest session first, then note order.
    Date,
    /// By session title (then id), passages in note order.
    Session,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvidenceFormat {
    Markdown,
    Csv,
    Json,
    Docx,
}

impl EvidenceFormat {
    /// The format a file name asks for: `.csv`, `.json` and `.docx` (any case), Markdown
    /// otherwise.
    pub fn from_path(path: &std::path::Path) -> EvidenceFormat {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") => EvidenceFormat::Csv,
            Some("json") => EvidenceFormat::Json,
            Some("docx") => EvidenceFormat::Docx,
            _ => EvidenceFormat::Markdown,
        }
    }

    /// How the format is named to users.
    pub fn name(self) -> &'static str {
        match self {
            EvidenceFormat::Markdown => "Markdown",
            EvidenceFormat::Csv => "CSV",
            EvidenceFormat::Json => "JSON",
            EvidenceFormat::Docx => "DOCX",
        }
    }
}

#[derive(Clone, Debug)]
pub struct EvidenceOptions {
    /// Passages matching this query (`Query::all()` for every passage).
    pub query: Query,
    /// Only this theme (key or name; a parent includes its children).
    pub theme: Option<String>,
    pub sort: EvidenceSort,
    pub deidentify: bool,
    /// Terms replaced by `[redacted]` when `deidentify` is set (from ripple.toml).
    pub redact_terms: Vec<String>,
    /// Markdown: add each coding memo in italics under its quote.
    pub include_memos: bool,
    /// The project's first day (ripple.toml `project_start`): citations give the project
    /// month.
    pub project_start: Option<NaiveDate>,
    /// The order of the theme headings.
    pub headings: Headings,
    /// Keep a passage that lies inside a longer passage of the same theme in the same session
    /// (by default it is exported once, as the longer passage, with both passages' memos).
    pub keep_nested: bool,
    /// Only passages of these sessions (ids): an analysis cell's, from a search confined to
    /// them.
    pub sessions: Option<Vec<String>>,
}

/// The order of an export's theme headings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Headings {
    /// The codebook's order.
    #[default]
    Codebook,
    /// Most passages first (then the codebook's order).
    Count,
    /// These themes first, in this order, each with its sub-themes; the others after them in
    /// the codebook's order.
    Given(Vec<NamedHeading>),
}

/// A theme named in `--headings`. Its heading is always shown (Markdown, DOCX), with its own
/// passages and then each sub-theme's under a subheading: a parent theme's passages are those
/// coded with it or any theme below it (docs/analysis.md, "What counts").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedHeading {
    pub key: String,
    pub name: String,
    /// The themes below it (key, name), depth-first in codebook order, but for those named
    /// before it (already shown under their own named heading).
    pub subs: Vec<(String, String)>,
}

impl NamedHeading {
    /// Its key, then its sub-themes' keys.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.key.as_str()).chain(self.subs.iter().map(|(k, _)| k.as_str()))
    }
}

impl Headings {
    /// `codebook`, `count`, or theme keys separated by commas (checked against the codebook).
    pub fn parse(text: &str, codebook: &Codebook) -> Result<Headings, String> {
        match text.trim() {
            "codebook" => Ok(Headings::Codebook),
            "count" => Ok(Headings::Count),
            list => {
                let mut named: Vec<NamedHeading> = Vec::new();
                let shown = |named: &[NamedHeading], k: &str| {
                    named
                        .iter()
                        .any(|n: &NamedHeading| n.keys().any(|x| x == k))
                };
                for k in list.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                    let Some(theme) = codebook.get(k) else {
                        return Err(format!("--headings: {}", codebook.unknown_theme_message(k)));
                    };
                    // Named twice, or below a theme named before it: already shown there.
                    if shown(&named, k) {
                        continue;
                    }
                    let subs = codebook
                        .descendants(k)
                        .into_iter()
                        .filter(|t| t.key != k && !shown(&named, &t.key))
                        .map(|t| (t.key.clone(), t.name.clone()))
                        .collect();
                    // A theme named after one of its sub-themes takes the rest of them.
                    named.push(NamedHeading {
                        key: k.to_string(),
                        name: theme.name.clone(),
                        subs,
                    });
                }
                if named.is_empty() {
                    return Err(
                        "--headings is codebook, count, or theme keys separated by commas".into(),
                    );
                }
                Ok(Headings::Given(named))
            }
        }
    }
}

/// A coding memo and who wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CoderMemo {
    /// Empty in a de-identified export.
    pub coder: String,
    pub memo: String,
}

impl Default for EvidenceOptions {
    fn default() -> Self {
        EvidenceOptions {
            query: Query::all(),
            theme: None,
            sort: EvidenceSort::Date,
            deidentify: false,
            redact_terms: Vec::new(),
            include_memos: false,
            project_start: None,
            headings: Headings::Codebook,
            keep_nested: false,
            sessions: None,
        }
    }
}

/// One coded passage with everything a citation needs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvidenceItem {
    pub theme: String,
    pub theme_name: String,
    pub date: NaiveDate,
    pub session_type: String,
    pub agencies: Vec<String>,
    pub county: String,
    pub title: String,
    /// The exact text from the note.
    pub quote: String,
    pub context_before: String,
    pub context_after: String,
    pub memo: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facilitator: Option<String>,
    /// Every coder whose passage this is, joined with ", " for reading (`coders` is the list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coder: Option<String>,
    /// Every coder whose passage this is, each once in the order first seen: the same words
    /// coded by several coders, and passages merged into this one. Empty when de-identified.
    /// A list, so that a name holding a comma ("Ortiz, Ana") stays one name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coders: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coding_id: Option<String>,
    /// Code points in the note, half-open.
    pub start: usize,
    pub end: usize,
    /// The month of the project (1 is the month of `project_start` in ripple.toml), when the
    /// store has a start date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_month: Option<i32>,
    /// Each coder's memo on the passage (the same text as `memo`, attributed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub memos: Vec<CoderMemo>,
    /// How many shorter passages of the same theme lying inside this one were merged into it
    /// (0 unless nested passages are merged): the quote stands for `1 + merged` passages.
    pub merged: usize,
}

/// The `deidentify = [...]` list in `<store>/ripple.toml` (empty if absent).
pub fn load_redact_terms(store_root: &Path) -> Result<Vec<String>, String> {
    let path = store_root.join("ripple.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let value: toml::Table =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    match value.get("deidentify") {
        None => Ok(Vec::new()),
        Some(toml::Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str().map(str::to_string).ok_or_else(|| {
                    format!("{}: `deidentify` must be a list of strings", path.display())
                })
            })
            .collect(),
        Some(_) => Err(format!(
            "{}: `deidentify` must be a list of strings",
            path.display()
        )),
    }
}

/// The passage as a de-identified export shows it: the facilitator, the coder and the ids
/// left out, and `terms` redacted in the title, quote, context and memo, and in the agencies
/// and county (which stay unless listed).
pub fn deidentified(item: &EvidenceItem, terms: &[String]) -> EvidenceItem {
    EvidenceItem {
        agencies: item.agencies.iter().map(|a| redact(a, terms)).collect(),
        county: redact(&item.county, terms),
        title: redact(&item.title, terms),
        quote: redact(&item.quote, terms),
        context_before: redact(&item.context_before, terms),
        context_after: redact(&item.context_after, terms),
        memo: redact(&item.memo, terms),
        memos: item
            .memos
            .iter()
            .map(|m| CoderMemo {
                coder: String::new(),
                memo: redact(&m.memo, terms),
            })
            .collect(),
        facilitator: None,
        coder: None,
        coders: Vec::new(),
        session_id: None,
        coding_id: None,
        ..item.clone()
    }
}

/// Replace each term (whole words, case- and accent-insensitive) with `[redacted]`.
pub fn redact(text: &str, terms: &[String]) -> String {
    let spans = redaction_spans(text, terms);
    if spans.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut spans = spans.into_iter().peekable();
    let mut skip_to = 0;
    for (i, c) in text.chars().enumerate() {
        if i < skip_to {
            continue;
        }
        if spans.peek().is_some_and(|&(s, _)| s == i) {
            let (_, e) = spans.next().expect("peeked");
            out.push_str("[redacted]");
            skip_to = e;
            continue;
        }
        out.push(c);
    }
    out
}

/// Where `redact` replaces a term: code-point ranges `[start, end)`, in order, disjoint. A
/// project export uses them to move codings along with the redacted text.
///
/// Terms are found as the note's find and a quote find them (`core::fold`): case, accents
/// (composed or decomposed), quote marks and dashes do not matter, and the spaces between a
/// term's words match any run of whitespace, a line break too ("Doña\nAna"); whole words only
/// ("Maria" is not in "Mariachi"), except in scripts written without spaces (a CJK name is
/// redacted inside a sentence). Overlapping matches of several terms are redacted as one
/// span, so no part of either name is left.
pub fn redaction_spans(text: &str, terms: &[String]) -> Vec<(usize, usize)> {
    let needles: Vec<Vec<char>> = terms
        .iter()
        .map(|t| fold_quote(t))
        .filter(|n| !n.is_empty())
        .collect();
    if needles.is_empty() || text.is_empty() {
        return Vec::new();
    }
    let folded = FoldedText::new(text);
    let mut found: Vec<(usize, usize)> = needles
        .iter()
        .flat_map(|n| folded.find_words(n))
        .map(|(i, j)| folded.original(i, j))
        .collect();
    found.sort_unstable();
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(found.len());
    for (s, e) in found {
        match spans.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => spans.push((s, e)),
        }
    }
    spans
}

/// A few whole words before / after a passage.
fn context(note: &str, start: usize, end: usize) -> (String, String) {
    let before = char_slice(note, 0, start);
    let after = char_slice(note, end, usize::MAX);
    let words_before: Vec<&str> = before.split_whitespace().collect();
    let b = words_before[words_before.len().saturating_sub(CONTEXT_WORDS)..].join(" ");
    let a = after
        .split_whitespace()
        .take(CONTEXT_WORDS)
        .collect::<Vec<_>>()
        .join(" ");
    (b, a)
}

/// Gather the passages matching the options, sorted.
pub fn gather(
    index: &SearchIndex,
    codebook: &Codebook,
    opts: &EvidenceOptions,
) -> Result<Vec<EvidenceItem>, IndexError> {
    let mut ast = opts.query.ast.clone();
    if let Some(t) = &opts.theme {
        let theme = Ast::Theme {
            value: t.clone(),
            span: Span { start: 0, end: 0 },
        };
        ast = match ast {
            Ast::All => theme,
            other => Ast::And(vec![other, theme]),
        };
    }
    let query = Query {
        source: opts.query.source.clone(),
        ast,
    };
    // Every passage: an export never stops at a page of hits.
    let mut hits = index.every_hit(&query, HitKind::Passages, opts.sessions.as_deref())?;
    // Score order is not stable across coders' duplicates: merge in a fixed order.
    hits.sort_by(|a, b| {
        (&a.session_id, a.start, a.end, &a.coder).cmp(&(&b.session_id, b.start, b.end, &b.coder))
    });
    let mut notes: HashMap<SessionId, Option<String>> = HashMap::new();
    let mut items: Vec<EvidenceItem> = Vec::with_capacity(hits.len());
    // The same words coded with the same theme by several coders are one piece of evidence:
    // shown once, with every coder's memo.
    let mut seen: HashMap<(SessionId, String, usize, usize), usize> = HashMap::new();
    for hit in hits {
        let key = (
            hit.session_id.clone(),
            hit.themes.first().cloned().unwrap_or_default(),
            hit.start,
            hit.end,
        );
        if let Some(&i) = seen.get(&key) {
            let memo = if opts.deidentify {
                redact(&hit.memo, &opts.redact_terms)
            } else {
                hit.memo.clone()
            };
            let item: &mut EvidenceItem = &mut items[i];
            if !memo.trim().is_empty() {
                item.memos.push(CoderMemo {
                    coder: if opts.deidentify {
                        String::new()
                    } else {
                        hit.coder.clone()
                    },
                    memo: memo.clone(),
                });
            }
            if !memo.trim().is_empty() && !item.memo.contains(memo.as_str()) {
                if !item.memo.is_empty() {
                    item.memo.push_str("\n\n");
                }
                item.memo.push_str(&memo);
            }
            item.add_coders(std::slice::from_ref(&hit.coder));
            continue;
        }
        seen.insert(key, items.len());
        let note = notes
            .entry(hit.session_id.clone())
            .or_insert_with(|| index.session_text(&hit.session_id).ok().flatten());
        let (before, after) = match note {
            Some(n) => context(n, hit.start, hit.end),
            None => (String::new(), String::new()),
        };
        let key = hit.themes.first().cloned().unwrap_or_default();
        let theme_name = codebook
            .themes
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.name.clone())
            .unwrap_or_else(|| key.clone());
        let item = EvidenceItem {
            theme: key,
            theme_name,
            date: hit.date,
            session_type: hit.session_type.label().to_string(),
            agencies: hit.agencies.clone(),
            county: hit.county.clone(),
            title: hit.title.clone(),
            quote: hit.quote_or_snippet.clone(),
            context_before: before,
            context_after: after,
            memo: hit.memo.clone(),
            facilitator: Some(hit.facilitator.clone()),
            coder: Some(hit.coder.clone()),
            coders: if hit.coder.trim().is_empty() {
                Vec::new()
            } else {
                vec![hit.coder.clone()]
            },
            session_id: Some(hit.session_id.0.clone()),
            coding_id: hit.coding_id.clone(),
            start: hit.start,
            end: hit.end,
            project_month: opts.project_start.map(|s| project_month(s, hit.date)),
            merged: 0,
            memos: if hit.memo.trim().is_empty() {
                Vec::new()
            } else {
                vec![CoderMemo {
                    coder: hit.coder.clone(),
                    memo: hit.memo.clone(),
                }]
            },
        };
        items.push(if opts.deidentify {
            deidentified(&item, &opts.redact_terms)
        } else {
            item
        });
    }
    if !opts.keep_nested {
        items = drop_nested(items);
    }
    let order = heading_order(codebook, &opts.headings, &items);
    let theme_rank = |k: &str| order.get(k).copied().unwrap_or(usize::MAX);
    match opts.sort {
        EvidenceSort::Date => items.sort_by(|a, b| {
            (theme_rank(&a.theme), a.date, &a.title, a.start).cmp(&(
                theme_rank(&b.theme),
                b.date,
                &b.title,
                b.start,
            ))
        }),
        EvidenceSort::Session => items.sort_by(|a, b| {
            (theme_rank(&a.theme), &a.title, a.date, a.start).cmp(&(
                theme_rank(&b.theme),
                &b.title,
                b.date,
                b.start,
            ))
        }),
    }
    Ok(items)
}

/// Each theme's rank among the headings.
fn heading_order(
    codebook: &Codebook,
    headings: &Headings,
    items: &[EvidenceItem],
) -> HashMap<String, usize> {
    let mut keys: Vec<String> = codebook.themes.iter().map(|t| t.key.clone()).collect();
    for i in items {
        if !keys.contains(&i.theme) {
            keys.push(i.theme.clone());
        }
    }
    match headings {
        Headings::Codebook => {}
        Headings::Count => {
            let mut n: HashMap<&str, usize> = HashMap::new();
            // Passages, not quotes: a quote holding merged nested passages counts them too.
            for i in items {
                *n.entry(i.theme.as_str()).or_default() += 1 + i.merged;
            }
            let count = |k: &String| n.get(k.as_str()).copied().unwrap_or(0);
            // Stable: equal counts keep the codebook's order.
            let mut sorted = keys.clone();
            sorted.sort_by_key(|k| std::cmp::Reverse(count(k)));
            keys = sorted;
        }
        Headings::Given(named) => {
            let first: Vec<String> = named
                .iter()
                .flat_map(|n| n.keys().map(str::to_string))
                .collect();
            let rest: Vec<String> = keys
                .iter()
                .filter(|k| !first.contains(k))
                .cloned()
                .collect();
            keys = first.into_iter().chain(rest).collect();
        }
    }
    keys.into_iter().enumerate().map(|(i, k)| (k, i)).collect()
}

/// A passage inside a longer passage of the same theme in the same session is left out; its
/// memos go to the longer one (so nothing a coder wrote is lost).
fn drop_nested(items: Vec<EvidenceItem>) -> Vec<EvidenceItem> {
    let mut items = items;
    // Longest first within each (session, theme), so an outer passage comes before its inner
    // ones.
    let key = |i: &EvidenceItem| (i.session_key(), i.theme.clone());
    items.sort_by(|a, b| {
        (key(a), a.start, std::cmp::Reverse(a.end)).cmp(&(
            key(b),
            b.start,
            std::cmp::Reverse(b.end),
        ))
    });
    let mut out: Vec<EvidenceItem> = Vec::with_capacity(items.len());
    let mut group_start = 0;
    for item in items {
        if out.last().is_none_or(|l| key(l) != key(&item)) {
            group_start = out.len();
        }
        let outer = out[group_start..]
            .iter()
            .position(|o| o.start <= item.start && item.end <= o.end);
        match outer {
            Some(p) => {
                let o = &mut out[group_start + p];
                o.merged += 1 + item.merged;
                o.add_coders(&item.coders);
                for m in item.memos {
                    if !o.memos.contains(&m) {
                        o.memos.push(m);
                    }
                }
                if !item.memo.trim().is_empty() && !o.memo.contains(item.memo.as_str()) {
                    if !o.memo.is_empty() {
                        o.memo.push_str("\n\n");
                    }
                    o.memo.push_str(&item.memo);
                }
            }
            None => out.push(item),
        }
    }
    out
}

impl EvidenceItem {
    /// Add `more` coders, each once, in the order first seen, and say them all in `coder`.
    /// A de-identified passage (`coder` is `None`) names no coder and stays so.
    fn add_coders(&mut self, more: &[String]) {
        if self.coder.is_none() {
            return;
        }
        for name in more {
            if !name.trim().is_empty() && !self.coders.contains(name) {
                self.coders.push(name.clone());
            }
        }
        self.coder = Some(self.coders.join(", "));
    }

    /// Which session the passage is from, also when the id was left out (de-identified):
    /// then its date and title stand in.
    fn session_key(&self) -> String {
        match &self.session_id {
            Some(id) => id.clone(),
            None => format!("{}\u{1f}{}", self.date, self.title),
        }
    }
}

/// "CYFD & La Casa", "A, B & C".
fn join_agencies(a: &[String]) -> String {
    match a.len() {
        0 => String::new(),
        1 => a[0].clone(),
        n => format!("{} & {}", a[..n - 1].join(", "), a[n - 1]),
    }
}

/// "— joint coaching, CYFD & La Casa, Doña Ana County, 14 June 2026"; with the project's
/// start date, "…, 14 June 2026, month 5 of the project".
pub fn citation(item: &EvidenceItem) -> String {
    let mut c = cite(
        &item.session_type,
        &item.agencies,
        &item.county,
        item.date,
        None,
    );
    if let Some(m) = item.project_month {
        c.push_str(&format!(", month {m} of the project"));
    }
    c
}

/// A citation from a session's type, agencies, county and date, with the project month when
/// `project_start` is given (`core::analysis::project_month`: month 1 is the start's month).
pub fn cite(
    session_type: &str,
    agencies: &[String],
    county: &str,
    date: NaiveDate,
    project_start: Option<NaiveDate>,
) -> String {
    let mut parts = vec![session_type.to_string()];
    let agencies = join_agencies(agencies);
    if !agencies.is_empty() {
        parts.push(agencies);
    }
    let county = county.trim();
    if !county.is_empty() {
        if county.to_lowercase().ends_with("county") {
            parts.push(county.to_string());
        } else {
            parts.push(format!("{county} County"));
        }
    }
    parts.push(date.format("%-d %B %Y").to_string());
    if let Some(start) = project_start {
        parts.push(format!(
            "month {} of the project",
            project_month(start, date)
        ));
    }
    format!("— {}", parts.join(", "))
}

/// The project month of a date: 1 for the month of `start`, 2 for the next, …; 0 or less
/// before it.
pub fn project_month(start: NaiveDate, date: NaiveDate) -> i32 {
    use chrono::Datelike;
    (date.year() - start.year()) * 12 + date.month() as i32 - start.month() as i32 + 1
}

fn md_escape_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '_' | '`' | '\\' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One piece of an export laid out for reading (Markdown, DOCX).
enum Part<'a> {
    Heading(u8, String),
    /// A plain line under a heading: how many passages and quotes it holds.
    Line(String),
    Quote(&'a EvidenceItem),
}

/// What a heading's quotes stand for: "5 passages.", or when nested passages were merged
/// "4 quotes from 5 passages: 1 lies inside a longer passage of the same theme and is quoted
/// as part of it." (the passages are those `ripple codebook show`, search and matrix count).
pub fn count_line(quotes: &[&EvidenceItem]) -> String {
    let q = quotes.len();
    let merged: usize = quotes.iter().map(|i| i.merged).sum();
    let passages = q + merged;
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    if merged == 0 {
        return format!("{}.", plural(passages, "passage", "passages"));
    }
    let how = if merged == 1 {
        "lies inside a longer passage of the same theme and is quoted as part of it"
    } else {
        "lie inside longer passages of the same theme and are quoted as part of them"
    };
    format!(
        "{} from {}: {merged} {how}.",
        plural(q, "quote", "quotes"),
        plural(passages, "passage", "passages"),
    )
}

/// The export laid out: the named headings first (`--headings KEYS`), each shown even without
/// passages, its own quotes then each sub-theme's under a subheading; then a heading per
/// theme for the rest, in the items' order. Each heading is followed by its count line.
fn layout<'a>(items: &'a [EvidenceItem], headings: &Headings) -> Vec<Part<'a>> {
    let mut parts = Vec::new();
    let mut used = vec![false; items.len()];
    let mut take = |key: &str| -> Vec<&'a EvidenceItem> {
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if !used[i] && item.theme == key {
                used[i] = true;
                out.push(item);
            }
        }
        out
    };
    let push = |parts: &mut Vec<Part<'a>>, quotes: &[&'a EvidenceItem]| {
        parts.push(Part::Line(count_line(quotes)));
        parts.extend(quotes.iter().map(|q| Part::Quote(q)));
    };
    if let Headings::Given(named) = headings {
        for n in named {
            parts.push(Part::Heading(2, n.name.clone()));
            let own = take(&n.key);
            let subs: Vec<(&str, Vec<&EvidenceItem>)> = n
                .subs
                .iter()
                .map(|(k, name)| (name.as_str(), take(k)))
                .filter(|(_, q)| !q.is_empty())
                .collect();
            if !own.is_empty() {
                push(&mut parts, &own);
            } else if subs.is_empty() {
                parts.push(Part::Line("No passages matched.".into()));
            } else {
                let names: Vec<&str> = subs.iter().map(|(name, _)| *name).collect();
                parts.push(Part::Line(format!(
                    "Its passages are coded with the themes below it ({}).",
                    names.join(", ")
                )));
            }
            for (name, quotes) in subs {
                parts.push(Part::Heading(3, name.to_string()));
                push(&mut parts, &quotes);
            }
        }
    }
    let rest: Vec<&EvidenceItem> = items
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(i, _)| i)
        .collect();
    for run in rest.chunk_by(|a, b| a.theme == b.theme) {
        parts.push(Part::Heading(2, run[0].theme_name.clone()));
        push(&mut parts, run);
    }
    parts
}

/// Markdown: a heading per theme with its count line, each quote a blockquote followed by its
/// citation, each memo (with `include_memos`) in italics followed by its coder.
pub fn to_markdown(items: &[EvidenceItem], include_memos: bool, headings: &Headings) -> String {
    let mut out = String::from("# Evidence\n");
    for part in layout(items, headings) {
        let item = match part {
            Part::Heading(level, name) => {
                out.push_str(&format!("\n{} {name}\n", "#".repeat(level as usize)));
                continue;
            }
            Part::Line(line) => {
                out.push_str(&format!("\n{}\n", md_escape_inline(&line)));
                continue;
            }
            Part::Quote(item) => item,
        };
        out.push('\n');
        for line in item.quote.split('\n') {
            if line.is_empty() {
                out.push_str(">\n");
            } else {
                out.push_str(&format!("> {line}\n"));
            }
        }
        out.push('\n');
        out.push_str(&citation(item));
        out.push('\n');
        if include_memos {
            for (para, coder) in memo_paragraphs(item) {
                out.push_str(&format!("\n*{}*", md_escape_inline(&para).trim()));
                if !coder.is_empty() {
                    out.push_str(&format!(" — {coder}"));
                }
                out.push('\n');
            }
        }
    }
    if items.is_empty() {
        out.push_str("\nNo coded passages matched.\n");
    }
    out
}

/// A passage's memos, paragraph by paragraph (each on one line), each with its coder (empty
/// when de-identified or unknown).
fn memo_paragraphs(item: &EvidenceItem) -> Vec<(String, String)> {
    let split = |memo: &str, coder: &str| -> Vec<(String, String)> {
        memo.split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .map(|p| (p.replace('\n', " ").trim().to_string(), coder.to_string()))
            .collect()
    };
    if item.memos.is_empty() {
        split(&item.memo, "")
    } else {
        item.memos
            .iter()
            .flat_map(|m| split(&m.memo, &m.coder))
            .collect()
    }
}

/// The CSV `memo` cell: each memo followed by its coder ("first sign — Ana; agreed — Bea"),
/// without names when de-identified.
fn attributed_memos(item: &EvidenceItem) -> String {
    if item.memos.is_empty() {
        return item.memo.clone();
    }
    item.memos
        .iter()
        .filter(|m| !m.memo.trim().is_empty())
        .map(|m| {
            if m.coder.is_empty() {
                m.memo.trim().to_string()
            } else {
                format!("{} — {}", m.memo.trim(), m.coder)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// CSV, one row a quote. De-identified exports have no facilitator, coder or id columns. The
/// last two columns are `project_month` (empty without a start date) and `merged` (how many
/// nested passages of the same theme the row's quote holds: a theme's passages are its rows
/// plus their `merged`).
pub fn to_csv(items: &[EvidenceItem], deidentified: bool) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "theme",
        "theme_name",
        "date",
        "session_type",
        "agencies",
        "county",
        "title",
        "quote",
        "context_before",
        "context_after",
        "memo",
        "start",
        "end",
    ];
    if !deidentified {
        header.extend(["facilitator", "coder", "session_id", "coding_id"]);
    }
    header.extend(["project_month", "merged"]);
    w.write_record(&header)?;
    for i in items {
        let mut row = vec![
            i.theme.clone(),
            i.theme_name.clone(),
            i.date.to_string(),
            i.session_type.clone(),
            i.agencies.join("; "),
            i.county.clone(),
            i.title.clone(),
            i.quote.clone(),
            i.context_before.clone(),
            i.context_after.clone(),
            attributed_memos(i),
            i.start.to_string(),
            i.end.to_string(),
        ];
        if !deidentified {
            // Coders as agencies are: "; " between names, since a name may hold a comma.
            let coders = if i.coders.is_empty() {
                i.coder.clone()
            } else {
                Some(i.coders.join("; "))
            };
            for v in [&i.facilitator, &coders, &i.session_id, &i.coding_id] {
                row.push(v.clone().unwrap_or_default());
            }
        }
        row.push(i.project_month.map(|m| m.to_string()).unwrap_or_default());
        row.push(i.merged.to_string());
        w.write_record(&row)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("csv of strings is UTF-8"))
}

pub fn to_json(items: &[EvidenceItem]) -> String {
    serde_json::to_string_pretty(items).expect("evidence serializes")
}

/// The evidence as blocks, as the Markdown has it: a heading per theme with its count line,
/// each quote a quotation followed by its citation, memos in italics (with their coders) when
/// asked for.
pub fn to_blocks(items: &[EvidenceItem], include_memos: bool, headings: &Headings) -> Vec<Block> {
    let mut out = vec![Block::new(
        BlockKind::Heading(1),
        vec![DocSpan::plain("Evidence")],
    )];
    for part in layout(items, headings) {
        let item = match part {
            Part::Heading(level, name) => {
                out.push(Block::new(
                    BlockKind::Heading(level),
                    vec![DocSpan::plain(name)],
                ));
                continue;
            }
            Part::Line(line) => {
                out.push(Block::new(BlockKind::Paragraph, vec![DocSpan::plain(line)]));
                continue;
            }
            Part::Quote(item) => item,
        };
        out.push(Block::new(
            BlockKind::Quote(1),
            vec![DocSpan::plain(item.quote.clone())],
        ));
        out.push(Block::new(
            BlockKind::Paragraph,
            vec![DocSpan::plain(citation(item))],
        ));
        if include_memos {
            for (para, coder) in memo_paragraphs(item) {
                let mut spans = vec![DocSpan::italic(para)];
                if !coder.is_empty() {
                    spans.push(DocSpan::plain(format!(" — {coder}")));
                }
                out.push(Block::new(BlockKind::Paragraph, spans));
            }
        }
    }
    if items.is_empty() {
        out.push(Block::new(
            BlockKind::Paragraph,
            vec![DocSpan::plain("No coded passages matched.")],
        ));
    }
    out
}

/// The evidence in `format`: the file's bytes (text formats as UTF-8).
pub fn render(
    items: &[EvidenceItem],
    format: EvidenceFormat,
    opts: &EvidenceOptions,
) -> Result<Vec<u8>, String> {
    Ok(match format {
        EvidenceFormat::Markdown => {
            to_markdown(items, opts.include_memos, &opts.headings).into_bytes()
        }
        EvidenceFormat::Csv => to_csv(items, opts.deidentify)
            .map_err(|e| e.to_string())?
            .into_bytes(),
        EvidenceFormat::Json => to_json(items).into_bytes(),
        EvidenceFormat::Docx => {
            document_out::to_docx(&to_blocks(items, opts.include_memos, &opts.headings))?
        }
    })
}

/// How many quotes an export holds, and the passages they stand for when nested passages were
/// merged: "5 passages", "4 quotes (5 passages: 1 inside a longer passage of its theme)".
pub fn quote_count(items: &[EvidenceItem]) -> String {
    let q = items.len();
    let merged: usize = items.iter().map(|i| i.merged).sum();
    let s = |n: usize| if n == 1 { "" } else { "s" };
    if merged == 0 {
        format!("{q} passage{}", s(q))
    } else {
        format!(
            "{q} quote{} ({} passages: {merged} inside a longer passage of its theme)",
            s(q),
            q + merged
        )
    }
}

/// What a CSV or JSON export (which has no headings) says on stderr about the themes named in
/// `--headings`: one with no rows at all, and a parent whose rows are all its sub-themes'.
pub fn named_heading_notes(items: &[EvidenceItem], headings: &Headings) -> Vec<String> {
    let Headings::Given(named) = headings else {
        return Vec::new();
    };
    let has = |k: &str| items.iter().any(|i| i.theme == k);
    let mut notes = Vec::new();
    for n in named {
        if has(&n.key) {
            continue;
        }
        let subs: Vec<&str> = n
            .subs
            .iter()
            .filter(|(k, _)| has(k))
            .map(|(k, _)| k.as_str())
            .collect();
        if subs.is_empty() {
            notes.push(format!(
                "--headings: no passages of `{}` ({}) matched, so it has no rows",
                n.key, n.name
            ));
        } else {
            notes.push(format!(
                "--headings: no passages are coded with `{}` ({}) itself; the rows of the themes below it ({}) are in its place",
                n.key,
                n.name,
                subs.join(", ")
            ));
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_name_chooses_the_format() {
        let f = |p: &str| EvidenceFormat::from_path(std::path::Path::new(p));
        assert_eq!(f("evidence.csv"), EvidenceFormat::Csv);
        assert_eq!(f("out/Trust.JSON"), EvidenceFormat::Json);
        assert_eq!(f("evidence-2026-06-01.md"), EvidenceFormat::Markdown);
        assert_eq!(f("report"), EvidenceFormat::Markdown);
        assert_eq!(f("notes.csv.txt"), EvidenceFormat::Markdown);
        assert_eq!(f("Evidence.DOCX"), EvidenceFormat::Docx);
    }

    /// DOCX has the Markdown's headings, quotes and citations, in Word's styles.
    #[test]
    fn docx_has_the_headings_quotes_and_citations_of_markdown() {
        let item = EvidenceItem {
            quote: "We trust each other now.\nAnd <more> & more.".into(),
            memo: "key moment".into(),
            ..june_passage()
        };
        let bytes = render(
            &[item],
            EvidenceFormat::Docx,
            &EvidenceOptions {
                include_memos: true,
                ..EvidenceOptions::default()
            },
        )
        .unwrap();
        let paras = crate::core::document_out::tests::paragraphs(
            &crate::core::document_out::tests::document_xml(&bytes),
        );
        assert_eq!(
            paras,
            vec![
                ("Heading1".to_string(), "Evidence".to_string()),
                ("Heading2".into(), "Trust".into()),
                ("".into(), "1 passage.".into()),
                (
                    "Quote".into(),
                    "We trust each other now.\nAnd <more> & more.".into()
                ),
                (
                    "".into(),
                    "— joint coaching, CYFD & La Casa, Doña Ana County, 14 June 2026".into()
                ),
                ("".into(), "key moment".into()),
            ]
        );
    }

    /// A passage of a June 2026 joint coaching session in Doña Ana County.
    fn june_passage() -> EvidenceItem {
        EvidenceItem {
            theme: "trust".into(),
            theme_name: "Trust".into(),
            date: NaiveDate::from_ymd_opt(2026, 6, 14).unwrap(),
            session_type: "joint coaching".into(),
            agencies: vec!["CYFD".into(), "La Casa".into()],
            county: "Doña Ana".into(),
            title: String::new(),
            quote: "We trust each other now.".into(),
            context_before: String::new(),
            context_after: String::new(),
            memo: String::new(),
            facilitator: None,
            coder: None,
            coders: Vec::new(),
            session_id: None,
            coding_id: None,
            start: 0,
            end: 24,
            project_month: None,
            memos: Vec::new(),
            merged: 0,
        }
    }

    #[test]
    fn a_deidentified_passage_has_no_names_or_ids_and_no_listed_terms() {
        let item = EvidenceItem {
            title: "Maria's case review".into(),
            quote: "Maria called CYFD".into(),
            context_before: "Before Maria".into(),
            context_after: "after maría".into(),
            memo: "Ask Maria".into(),
            facilitator: Some("M. Rivera".into()),
            coder: Some("Ana Ortiz".into()),
            coders: vec!["Ana Ortiz".into()],
            session_id: Some("s1".into()),
            coding_id: Some("c1".into()),
            start: 3,
            end: 9,
            ..june_passage()
        };
        let terms = vec!["Maria".to_string(), "Dona Ana".to_string()];
        let d = deidentified(&item, &terms);
        assert_eq!(d.quote, "[redacted] called CYFD");
        assert_eq!(d.title, "[redacted]'s case review");
        assert_eq!(d.context_before, "Before [redacted]");
        assert_eq!(d.context_after, "after [redacted]");
        assert_eq!(d.memo, "Ask [redacted]");
        assert_eq!(d.county, "[redacted]");
        assert_eq!(d.agencies, ["CYFD", "La Casa"]);
        assert_eq!(
            (d.facilitator, d.coder, d.session_id, d.coding_id),
            (None, None, None, None)
        );
        assert!(d.coders.is_empty());
        assert_eq!((d.start, d.end, d.date), (3, 9, item.date));
    }

    #[test]
    fn redaction_is_whole_word_and_folded() {
        let terms = vec!["Maria".to_string(), "Dona".to_string()];
        assert_eq!(
            redact("María said Doña Ana; Mariachi stays", &terms),
            "[redacted] said [redacted] Ana; Mariachi stays"
        );
        assert_eq!(redact("nothing here", &[]), "nothing here");
    }

    /// A name written in any of the ways a note may hold it is redacted: decomposed accents,
    /// a line break or two spaces between its words, inside a CJK sentence; and two names
    /// that overlap leave no part of either.
    #[test]
    fn redaction_finds_a_name_however_the_note_writes_it() {
        let terms = vec![
            "María López".to_string(),
            "Doña Ana".to_string(),
            "王芳".to_string(),
        ];
        let nfd = "Mari\u{301}a Lo\u{301}pez called from Don\u{303}a Ana.";
        assert_eq!(redact(nfd, &terms), "[redacted] called from [redacted].");
        assert_eq!(
            redact("The office in Doña\nAna and Doña  Ana agreed.", &terms),
            "The office in [redacted] and [redacted] agreed."
        );
        assert_eq!(
            redact("我们和王芳的合作很好", &terms),
            "我们和[redacted]的合作很好"
        );
        let both = vec!["Doña Ana".to_string(), "Ana Peña".to_string()];
        assert_eq!(
            redact("Met Doña Ana Peña today", &both),
            "Met [redacted] today"
        );
        // The spans are code points of the note as written (the accent's mark included).
        assert_eq!(redaction_spans(nfd, &terms)[0], (0, 13));
        assert_eq!(redact("  ", &terms), "  ");
    }

    /// A term typed at a keyboard redacts the note's typography too, as a quote finds it.
    #[test]
    fn redaction_ignores_quote_marks_and_dashes_as_search_does() {
        let terms = vec!["O'Brien".to_string(), "Smith-Jones".to_string()];
        assert_eq!(
            redact("Mrs O’Brien met Ms Smith‐Jones", &terms),
            "Mrs [redacted] met Ms [redacted]"
        );
    }

    #[test]
    fn citation_reads_naturally() {
        let item = EvidenceItem {
            memo: "key *moment*".into(),
            ..june_passage()
        };
        assert_eq!(
            citation(&item),
            "— joint coaching, CYFD & La Casa, Doña Ana County, 14 June 2026"
        );
        let md = to_markdown(&[item], true, &Headings::Codebook);
        assert!(
            md.contains("## Trust\n\n1 passage.\n\n> We trust each other now.\n\n— joint coaching")
        );
        assert!(md.contains("*key \\*moment\\**"));
    }

    #[test]
    fn context_takes_whole_words() {
        let note = "one two three four five six seven QUOTE eight nine";
        let s = note.find("QUOTE").unwrap();
        let (b, a) = context(note, s, s + 5);
        assert_eq!(b, "two three four five six seven");
        assert_eq!(a, "eight nine");
    }

    fn at(
        theme: &str,
        session: &str,
        start: usize,
        end: usize,
        memo: (&str, &str),
    ) -> EvidenceItem {
        EvidenceItem {
            theme: theme.into(),
            session_id: Some(session.into()),
            start,
            end,
            memo: memo.1.into(),
            memos: if memo.1.is_empty() {
                Vec::new()
            } else {
                vec![CoderMemo {
                    coder: memo.0.into(),
                    memo: memo.1.into(),
                }]
            },
            ..june_passage()
        }
    }

    #[test]
    fn a_passage_inside_a_longer_one_of_its_theme_is_exported_once_with_both_memos() {
        let items = vec![
            at("trust", "s1", 5, 9, ("Bea", "inner")),
            at("trust", "s1", 0, 20, ("Ana", "outer")),
            // Another theme, and another session: kept.
            at("roles", "s1", 5, 9, ("Bea", "")),
            at("trust", "s2", 5, 9, ("Bea", "")),
            // Overlapping without being inside: kept.
            at("trust", "s1", 15, 30, ("Ana", "")),
        ];
        let out = drop_nested(items);
        let spans: Vec<(&str, &str, usize, usize)> = out
            .iter()
            .map(|i| {
                (
                    i.theme.as_str(),
                    i.session_id.as_deref().unwrap(),
                    i.start,
                    i.end,
                )
            })
            .collect();
        assert_eq!(
            spans,
            [
                ("roles", "s1", 5, 9),
                ("trust", "s1", 0, 20),
                ("trust", "s1", 15, 30),
                ("trust", "s2", 5, 9)
            ]
        );
        let outer = &out[1];
        let by: Vec<(&str, &str)> = outer
            .memos
            .iter()
            .map(|m| (m.coder.as_str(), m.memo.as_str()))
            .collect();
        assert_eq!(by, [("Ana", "outer"), ("Bea", "inner")]);
        assert_eq!(outer.memo, "outer\n\ninner");
    }

    #[test]
    fn headings_in_codebook_order_by_count_or_as_given() {
        let book = Codebook::builtin();
        let items = vec![
            at("trust", "s1", 0, 1, ("", "")),
            at("roles", "s1", 2, 3, ("", "")),
            at("roles", "s2", 2, 3, ("", "")),
        ];
        let rank = |h: &Headings| {
            let o = heading_order(&book, h, &items);
            (o["trust"], o["roles"], o["collaboration"])
        };
        let (t, r, c) = rank(&Headings::Codebook);
        assert!(c < t && t < r);
        // Count: roles (2) before trust (1) before the themes with none.
        let (t, r, c) = rank(&Headings::Count);
        assert!(r < t && t < c);
        // Passages, not quotes: one trust quote holding two merged passages is three.
        let mut merged = items.clone();
        merged[0].merged = 2;
        let o = heading_order(&book, &Headings::Count, &merged);
        assert!(o["trust"] < o["roles"]);
        let given = Headings::parse("roles, trust", &book).unwrap();
        let Headings::Given(named) = &given else {
            panic!("{given:?}")
        };
        let keys: Vec<&str> = named.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys, ["roles", "trust"]);
        let (t, r, c) = rank(&given);
        assert!(r < t && t < c);
        assert!(Headings::parse("rolez", &book)
            .unwrap_err()
            .contains("rolez"));
        assert_eq!(Headings::parse("count", &book), Ok(Headings::Count));
    }

    #[test]
    fn memos_are_attributed_and_citations_give_the_project_month() {
        let mut item = at("trust", "s1", 0, 24, ("Ana", "first sign"));
        item.memos.push(CoderMemo {
            coder: "Bea".into(),
            memo: "agreed".into(),
        });
        item.project_month = Some(5);
        let md = to_markdown(std::slice::from_ref(&item), true, &Headings::Codebook);
        assert!(md.contains("*first sign* — Ana\n"), "{md}");
        assert!(md.contains("*agreed* — Bea\n"), "{md}");
        assert!(md.contains("14 June 2026, month 5 of the project"), "{md}");
        // De-identified: no names beside the memos.
        let d = deidentified(&item, &[]);
        let md = to_markdown(&[d], true, &Headings::Codebook);
        assert!(
            md.contains("*first sign*\n") && !md.contains("— Ana"),
            "{md}"
        );
        assert_eq!(
            project_month(
                NaiveDate::from_ymd_opt(2022, 2, 1).unwrap(),
                NaiveDate::from_ymd_opt(2022, 6, 30).unwrap()
            ),
            5
        );
    }

    /// `item` coded by `coders` (the same words by each).
    fn coded_by(mut item: EvidenceItem, coders: &[&str]) -> EvidenceItem {
        item.coders = coders.iter().map(|c| c.to_string()).collect();
        item.coder = Some(coders.join(", "));
        item
    }

    /// The long passage coded by "Ortiz, Ana" (a name holding a comma) and J. Chen, a nested
    /// one by Rev Iewer, and one nested again by "Ortiz, Ana".
    fn merged_trust() -> Vec<EvidenceItem> {
        let mut outer = coded_by(
            at("trust", "s1", 0, 40, ("Ortiz, Ana", "key moment")),
            &["Ortiz, Ana", "J. Chen"],
        );
        outer.project_month = Some(3);
        let mut inner = coded_by(
            at("trust", "s1", 5, 12, ("Rev Iewer", "trust nested in trust")),
            &["Rev Iewer"],
        );
        inner.project_month = Some(3);
        let inner_again = coded_by(
            at("trust", "s1", 6, 10, ("Ortiz, Ana", "")),
            &["Ortiz, Ana"],
        );
        drop_nested(vec![inner, outer, inner_again])
    }

    #[test]
    fn a_merged_passage_names_every_coder_whose_passage_it_holds() {
        let out = merged_trust();
        assert_eq!(out.len(), 1);
        let item = &out[0];
        assert_eq!(item.coders, ["Ortiz, Ana", "J. Chen", "Rev Iewer"]);
        assert_eq!(
            item.coder.as_deref(),
            Some("Ortiz, Ana, J. Chen, Rev Iewer")
        );
        assert_eq!(item.merged, 2);
        let by: Vec<(&str, &str)> = item
            .memos
            .iter()
            .map(|m| (m.coder.as_str(), m.memo.as_str()))
            .collect();
        assert_eq!(
            by,
            [
                ("Ortiz, Ana", "key moment"),
                ("Rev Iewer", "trust nested in trust")
            ]
        );
        // De-identified passages name no coder, merged or not.
        let d: Vec<EvidenceItem> = merged_trust()
            .iter()
            .map(|i| deidentified(i, &[]))
            .collect();
        assert_eq!(d[0].coder, None);
        let mut a = at("trust", "s1", 0, 40, ("", "x"));
        a.coder = None;
        let mut b = at("trust", "s1", 1, 4, ("", "y"));
        b.coder = None;
        assert_eq!(drop_nested(vec![a, b])[0].coder, None);
    }

    #[test]
    fn csv_attributes_each_memo_and_ends_with_the_project_month_and_merged_columns() {
        let items = merged_trust();
        let read = |csv: &str| -> Vec<Vec<String>> {
            csv::Reader::from_reader(csv.as_bytes())
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect()
        };
        let header = |csv: &str| -> Vec<String> {
            csv::Reader::from_reader(csv.as_bytes())
                .headers()
                .unwrap()
                .iter()
                .map(str::to_string)
                .collect()
        };
        let csv = to_csv(&items, false).unwrap();
        let h = header(&csv);
        assert_eq!(
            h[h.len() - 6..],
            [
                "facilitator",
                "coder",
                "session_id",
                "coding_id",
                "project_month",
                "merged"
            ]
        );
        let row = &read(&csv)[0];
        let col = |name: &str| row[h.iter().position(|x| x == name).unwrap()].as_str();
        assert_eq!(
            col("memo"),
            "key moment — Ortiz, Ana; trust nested in trust — Rev Iewer"
        );
        // Names are split by "; ", as agencies are: "Ortiz, Ana" stays one name.
        assert_eq!(col("coder"), "Ortiz, Ana; J. Chen; Rev Iewer");
        assert_eq!((col("project_month"), col("merged")), ("3", "2"));
        // De-identified: the memos without names; no start date: an empty month.
        let mut d: Vec<EvidenceItem> = items.iter().map(|i| deidentified(i, &[])).collect();
        d[0].project_month = None;
        let csv = to_csv(&d, true).unwrap();
        assert!(
            !csv.contains("Ortiz") && !csv.contains("J. Chen") && !csv.contains("Iewer"),
            "{csv}"
        );
        let h = header(&csv);
        assert_eq!(h[h.len() - 3..], ["end", "project_month", "merged"]);
        let row = &read(&csv)[0];
        let col = |name: &str| row[h.iter().position(|x| x == name).unwrap()].as_str();
        assert_eq!(col("memo"), "key moment; trust nested in trust");
        assert_eq!((col("project_month"), col("merged")), ("", "2"));
    }

    #[test]
    fn each_heading_says_how_many_passages_its_quotes_stand_for() {
        let mut items = merged_trust();
        items.push(at("trust", "s2", 0, 5, ("", "")));
        items.push(at("roles", "s2", 0, 5, ("", "")));
        let md = to_markdown(&items, false, &Headings::Codebook);
        assert!(
            md.contains("## Trust\n\n2 quotes from 4 passages: 2 lie inside longer passages of the same theme and are quoted as part of them.\n"),
            "{md}"
        );
        assert_eq!(md.matches("\n1 passage.\n").count(), 1, "{md}");
        let mut one = merged_trust();
        one[0].merged = 1;
        assert_eq!(
            count_line(&[&one[0], &items[1]]),
            "2 quotes from 3 passages: 1 lies inside a longer passage of the same theme and is quoted as part of it."
        );
        let v: serde_json::Value = serde_json::from_str(&to_json(&items)).unwrap();
        assert_eq!(v[0]["merged"], 2);
        assert_eq!(v[1]["merged"], 0);
        assert_eq!(
            quote_count(&items),
            "3 quotes (5 passages: 2 inside a longer passage of its theme)"
        );
        let paras = crate::core::document_out::tests::paragraphs(
            &crate::core::document_out::tests::document_xml(
                &render(&items, EvidenceFormat::Docx, &EvidenceOptions::default()).unwrap(),
            ),
        );
        assert!(
            paras
                .iter()
                .any(|(_, t)| t.starts_with("2 quotes from 4 passages")),
            "{paras:?}"
        );
    }

    #[test]
    fn a_parent_named_in_headings_is_shown_with_its_sub_themes_passages() {
        let book = Codebook::builtin();
        let headings = Headings::parse("shared-language,trust", &book).unwrap();
        let naming = at("naming-choice", "s1", 0, 5, ("", ""));
        let mut roles = at("roles", "s1", 10, 20, ("", ""));
        roles.theme_name = "Professional roles".into();
        let items = vec![at("trust", "s1", 10, 20, ("", "")), roles, naming];
        // Its sub-themes come in its place, before trust.
        let o = heading_order(&book, &headings, &items);
        assert!(o["shared-language"] < o["naming-choice"] && o["naming-choice"] < o["trust"]);
        assert!(o["trust"] < o["roles"]);
        let mut sorted = items.clone();
        sorted.sort_by_key(|i| o[&i.theme]);
        let md = to_markdown(&sorted, false, &headings);
        let at_ = |h: &str| md.find(h).unwrap_or_else(|| panic!("{h} in {md}"));
        assert!(
            at_("## Shared language\n") < at_("### Naming the person"),
            "{md}"
        );
        assert!(at_("### Naming the person") < at_("## Trust\n"), "{md}");
        assert!(
            at_("## Trust\n\n1 passage.") < at_("## Professional roles\n"),
            "{md}"
        );
        assert!(
            md.contains("\nIts passages are coded with the themes below it (Naming the person"),
            "{md}"
        );
        // CSV and JSON have no headings: a note says where its passages are.
        let notes = named_heading_notes(&sorted, &headings);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("`shared-language`") && notes[0].contains("naming-choice"));
        // A named theme with nothing at all still has its heading, and a note.
        let headings = Headings::parse("practice", &book).unwrap();
        let md = to_markdown(&sorted, false, &headings);
        assert!(
            md.contains("## Practice skills\n\nNo passages matched.\n"),
            "{md}"
        );
        assert!(named_heading_notes(&sorted, &headings)[0].contains("`practice`"));
        // A sub-theme named after its parent is already shown under it.
        let Headings::Given(named) = Headings::parse("collaboration,trust", &book).unwrap() else {
            panic!()
        };
        assert_eq!(named.len(), 1);
        assert!(named[0].subs.iter().any(|(k, _)| k == "trust"));
        // Named before its parent: its own heading, and the parent takes the rest.
        let Headings::Given(named) = Headings::parse("trust,collaboration", &book).unwrap() else {
            panic!()
        };
        assert_eq!(named.len(), 2);
        assert!(!named[1].subs.iter().any(|(k, _)| k == "trust"));
    }
}
