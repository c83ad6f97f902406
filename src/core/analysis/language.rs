//! The language of the notes: occurrences of words and phrases by column (also per 10,000
//! words), a concordance (keyword in context) with citations, and keywords: the words most
//! over-represented in one column against the rest, by log-likelihood (G²).
//!
//! Words are the index's words (folded: case and accents do not matter) in the notes' text;
//! titles and memos are not counted. A query word matches its other forms as search does
//! (English stems and irregular forms); a phrase matches its words in a row; `pre*` and
//! `word~` match the words of the notes that a search would expand them into.

use super::corpus::{Corpus, Token};
use super::dimension::{ColumnKey, Dimension};
use super::matrix::ColLabel;
use super::scope::{edit_distance, Scope};
use crate::core::evidence::cite;
use crate::core::index::analysis::{self, analyze};
use crate::core::query::{self, Ast, TextMatch};
use crate::core::text::char_slice;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Common English function words, left out of keyword lists (not out of counts or totals).
pub const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "s",
    "t",
    "don",
    "didn",
    "doesn",
    "isn",
    "wasn",
    "won",
    "ll",
    "re",
    "ve",
    "d",
    "m",
];

/// One way a query matches the notes' words.
enum Pattern {
    /// Stems in a row (one for a word).
    Stems(Vec<u32>),
    /// Any word whose stem is one of these (prefix and fuzzy words).
    AnyStem(HashSet<u32>),
    /// A stem the notes never use.
    Never,
}

/// A query of words and phrases (joined by OR, or one of them) as patterns over the corpus's
/// words. Anything else (fields, NOT, AND) is refused: `--query` restricts what is counted.
fn patterns(corpus: &Corpus, q: &str) -> Result<Vec<Pattern>, String> {
    let parsed = query::parse(q).map_err(|e| format!("`{q}`: {}", e.message))?;
    let words = corpus.words();
    let stem_ix: HashMap<&str, u32> = words
        .stems
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i as u32))
        .collect();
    let mut out = Vec::new();
    let mut leaves: Vec<&Ast> = Vec::new();
    match &parsed.ast {
        Ast::Or(items) => leaves.extend(items.iter()),
        a => leaves.push(a),
    }
    for leaf in leaves {
        let Ast::Text { m, .. } = leaf else {
            return Err(format!(
                "`{q}`: count words and phrases (a word, \"a phrase\", pre*, word~, joined \
                 by OR); restrict what is counted with --query"
            ));
        };
        out.push(match m {
            TextMatch::Word(w) | TextMatch::Phrase(w) => {
                let stems = analyze(analysis::TEXT_TOKENIZER, w);
                if stems.is_empty() {
                    return Err(format!("`{q}`: nothing to count in `{w}`"));
                }
                let ids: Option<Vec<u32>> = stems
                    .iter()
                    .map(|s| stem_ix.get(s.as_str()).copied())
                    .collect();
                ids.map_or(Pattern::Never, Pattern::Stems)
            }
            TextMatch::Prefix(p) | TextMatch::Fuzzy(p, _) => {
                let folded = analyze(analysis::PLAIN_TOKENIZER, p);
                let [t] = folded.as_slice() else {
                    return Err(format!("`{q}`: `{p}` must be one word"));
                };
                let d = match m {
                    TextMatch::Fuzzy(_, d) => Some(*d as usize),
                    _ => None,
                };
                let set: HashSet<u32> = words
                    .forms
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| match d {
                        None => f.starts_with(t.as_str()),
                        Some(d) => edit_distance(f, t) <= d,
                    })
                    .map(|(i, _)| words.stem_of[i])
                    .collect();
                Pattern::AnyStem(set)
            }
        });
    }
    Ok(out)
}

/// Where the patterns occur in a note: (first word, words) in order, overlaps dropped.
fn occurrences(corpus: &Corpus, tokens: &[Token], pats: &[Pattern]) -> Vec<(usize, usize)> {
    let stem_of = &corpus.words().stem_of;
    let mut found: Vec<(usize, usize)> = Vec::new();
    for p in pats {
        match p {
            Pattern::Never => {}
            Pattern::Stems(seq) => {
                if seq.len() <= tokens.len() {
                    for i in 0..=tokens.len() - seq.len() {
                        if seq
                            .iter()
                            .enumerate()
                            .all(|(k, s)| stem_of[tokens[i + k].word as usize] == *s)
                        {
                            found.push((i, seq.len()));
                        }
                    }
                }
            }
            Pattern::AnyStem(set) => {
                for (i, t) in tokens.iter().enumerate() {
                    if set.contains(&stem_of[t.word as usize]) {
                        found.push((i, 1));
                    }
                }
            }
        }
    }
    found.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(found.len());
    for f in found {
        if out.last().is_none_or(|l| f.0 >= l.0 + l.1) {
            out.push(f);
        }
    }
    out
}

/// Occurrences of each query by column.
#[derive(Clone, Debug, PartialEq)]
pub struct TermCounts {
    pub terms: Vec<String>,
    pub cols: Vec<ColLabel>,
    /// `counts[term][col]`: occurrences, or per 10,000 words of the column's notes.
    pub counts: Vec<Vec<f64>>,
    /// Per term, over every session in scope (each once).
    pub totals: Vec<f64>,
    /// Words of the notes in each column.
    pub words: Vec<u64>,
    pub total_words: u64,
    pub per_10k: bool,
    pub dimension: Dimension,
}

/// The columns of a language view: sessions in scope by `by` (gaps in time filled), and which
/// columns each session falls under.
fn columns(
    corpus: &Corpus,
    by: Dimension,
    sessions: &[bool],
) -> Result<(Vec<ColumnKey>, Vec<Vec<usize>>), String> {
    if by == Dimension::Coder {
        return Err(
            "notes are not written by coders: count words by month, agency, type, \
                    county, facilitator, tag or session"
                .into(),
        );
    }
    if by == Dimension::ProjectMonth && corpus.project_start.is_none() {
        return Err(
            "project months need the project's start date: set `project_start = \
                    \"YYYY-MM-DD\"` in the store's ripple.toml"
                .into(),
        );
    }
    let mut scratch = Vec::new();
    let mut keys: Vec<ColumnKey> = Vec::new();
    let mut per: Vec<Vec<ColumnKey>> = Vec::with_capacity(corpus.sessions.len());
    let mut folded = super::dimension::Folded::default();
    for (i, s) in corpus.sessions.iter().enumerate() {
        if sessions[i] {
            by.session_keys_with(corpus, i, s, &mut scratch, &mut folded);
            keys.extend(scratch.iter().cloned());
            per.push(scratch.clone());
        } else {
            per.push(Vec::new());
        }
    }
    keys.sort();
    keys.dedup();
    by.fill_gaps(&mut keys);
    let ix: HashMap<&ColumnKey, usize> = keys.iter().enumerate().map(|(i, k)| (k, i)).collect();
    let per = per
        .iter()
        .map(|ks| ks.iter().map(|k| ix[k]).collect())
        .collect();
    Ok((keys, per))
}

fn labels(corpus: &Corpus, by: Dimension, keys: &[ColumnKey], sessions: &[usize]) -> Vec<ColLabel> {
    keys.iter()
        .zip(sessions)
        .map(|(k, &n)| ColLabel {
            key: k.key(corpus, by),
            label: k.label(corpus, by),
            column: k.clone(),
            sessions: n,
        })
        .collect()
}

/// How often each query occurs in the notes of each column (sessions in `scope`).
/// The columns of dimension `by` over the sessions `scope` takes, in order: those
/// [`keywords`] and [`terms`] count in (no words are read).
pub fn columns_of(corpus: &Corpus, by: Dimension, scope: &Scope) -> Result<Vec<ColLabel>, String> {
    let sel = corpus.select(scope)?;
    let (keys, _) = columns(corpus, by, &sel.sessions)?;
    Ok(labels(corpus, by, &keys, &vec![0; keys.len()]))
}

pub fn terms(
    corpus: &Corpus,
    queries: &[String],
    by: Dimension,
    per_10k: bool,
    scope: &Scope,
) -> Result<TermCounts, String> {
    if queries.is_empty() {
        return Err("give at least one word or phrase to count".into());
    }
    let sel = corpus.select(scope)?;
    let (keys, per) = columns(corpus, by, &sel.sessions)?;
    let pats: Vec<Vec<Pattern>> = queries
        .iter()
        .map(|q| patterns(corpus, q))
        .collect::<Result<_, _>>()?;
    let words = corpus.words();
    let n = keys.len();
    let mut counts = vec![vec![0f64; n]; queries.len()];
    let mut totals = vec![0f64; queries.len()];
    let mut col_words = vec![0u64; n];
    let mut col_sessions = vec![0usize; n];
    let mut total_words = 0u64;
    for (i, toks) in words.tokens.iter().enumerate() {
        if !sel.sessions[i] {
            continue;
        }
        total_words += toks.len() as u64;
        for &c in &per[i] {
            col_words[c] += toks.len() as u64;
            col_sessions[c] += 1;
        }
        for (t, p) in pats.iter().enumerate() {
            let k = occurrences(corpus, toks, p).len() as f64;
            totals[t] += k;
            for &c in &per[i] {
                counts[t][c] += k;
            }
        }
    }
    if per_10k {
        for row in &mut counts {
            for (c, v) in row.iter_mut().enumerate() {
                *v = if col_words[c] == 0 {
                    0.0
                } else {
                    *v * 10_000.0 / col_words[c] as f64
                };
            }
        }
        for t in &mut totals {
            *t = if total_words == 0 {
                0.0
            } else {
                *t * 10_000.0 / total_words as f64
            };
        }
    }
    Ok(TermCounts {
        terms: queries.to_vec(),
        cols: labels(corpus, by, &keys, &col_sessions),
        counts,
        totals,
        words: col_words,
        total_words,
        per_10k,
        dimension: by,
    })
}

/// One occurrence in context.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Concordance {
    pub session_id: String,
    pub date: NaiveDate,
    pub title: String,
    /// Up to `width` code points before the hit (whole line breaks become spaces).
    pub left: String,
    pub hit: String,
    pub right: String,
    /// The hit's code points in the note, half-open.
    pub start: usize,
    pub end: usize,
    /// "— joint coaching, CYFD & La Casa, Doña Ana County, 14 June 2026" (with the project
    /// month when the store has a start date).
    pub citation: String,
}

fn flat(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect()
}

/// Every occurrence of `q` in the notes in scope, oldest session first, with `width` code
/// points of context each side.
pub fn kwic(
    corpus: &Corpus,
    q: &str,
    width: usize,
    scope: &Scope,
) -> Result<Vec<Concordance>, String> {
    let sel = corpus.select(scope)?;
    let pats = patterns(corpus, q)?;
    let words = corpus.words();
    let mut out = Vec::new();
    for (i, toks) in words.tokens.iter().enumerate() {
        if !sel.sessions[i] {
            continue;
        }
        let s = &corpus.sessions[i];
        for (first, n) in occurrences(corpus, toks, &pats) {
            let start = toks[first].start as usize;
            let end = toks[first + n - 1].end as usize;
            let left_start = start.saturating_sub(width);
            out.push(Concordance {
                session_id: s.id.0.clone(),
                date: s.date,
                title: s.title.clone(),
                left: flat(char_slice(&s.text, left_start, start)),
                hit: flat(char_slice(&s.text, start, end)),
                right: flat(char_slice(&s.text, end, end + width)),
                start,
                end,
                citation: cite(
                    s.session_type.label(),
                    &s.agencies.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
                    &s.county,
                    s.date,
                    corpus.project_start,
                ),
            });
        }
    }
    Ok(out)
}

/// What a keyword list compares: one column of a dimension against every session in scope
/// outside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeywordSpec {
    pub by: Dimension,
    /// The column, by its key (`2026-06`, `La Casa`, `joint`) or its label.
    pub column: String,
    /// Fewest occurrences in the column for a word to be listed.
    pub min: u64,
    /// Most words listed.
    pub limit: usize,
    pub scope: Scope,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Keyword {
    /// The word, folded (lowercase, no accents).
    pub word: String,
    /// Occurrences in the column's notes and in the rest.
    pub freq_in: u64,
    pub freq_out: u64,
    pub per_10k_in: f64,
    pub per_10k_out: f64,
    /// Log-likelihood (Rayson & Garside 2000); 3.84 is p < 0.05, 6.63 p < 0.01, 10.83
    /// p < 0.001, 15.13 p < 0.0001 (one degree of freedom).
    pub g2: f64,
}

/// Log-likelihood G² of a word seen `a` times in a corpus of `c` words and `b` times in one
/// of `d` words: 2 Σ O ln(O / E), with E₁ = c(a+b)/(c+d) and E₂ = d(a+b)/(c+d) (Rayson &
/// Garside 2000, as AntConc and the UCREL calculator compute it; 0 · ln 0 = 0).
pub fn log_likelihood(a: u64, b: u64, c: u64, d: u64) -> f64 {
    if c + d == 0 {
        return 0.0;
    }
    let (a, b, c, d) = (a as f64, b as f64, c as f64, d as f64);
    let e1 = c * (a + b) / (c + d);
    let e2 = d * (a + b) / (c + d);
    let term = |o: f64, e: f64| {
        if o > 0.0 && e > 0.0 {
            o * (o / e).ln()
        } else {
            0.0
        }
    };
    2.0 * (term(a, e1) + term(b, e2))
}

/// The words most over-represented in one column against the rest, by G², most first; stop
/// words and numbers left out.
pub fn keywords(corpus: &Corpus, spec: &KeywordSpec) -> Result<Vec<Keyword>, String> {
    let sel = corpus.select(&spec.scope)?;
    let (keys, per) = columns(corpus, spec.by, &sel.sessions)?;
    let want = spec.column.trim();
    let labels = labels(corpus, spec.by, &keys, &vec![0; keys.len()]);
    let folded = crate::core::fold::fold(want);
    let Some(col) = labels.iter().position(|l| {
        l.key == want
            || crate::core::fold::fold(&l.key) == folded
            || crate::core::fold::fold(&l.label) == folded
    }) else {
        return Err(format!(
            "no {} `{want}` among the sessions counted; the columns are: {}",
            spec.by.label(),
            labels
                .iter()
                .map(|l| l.key.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    };
    // Counts need no positions: each note's bag of words.
    let bags = corpus.bags();
    let stop: HashSet<&str> = STOP_WORDS.iter().copied().collect();
    let mut inside = vec![0u64; bags.forms.len()];
    let mut outside = vec![0u64; bags.forms.len()];
    let (mut c, mut d) = (0u64, 0u64);
    for (i, bag) in bags.bags.iter().enumerate() {
        if !sel.sessions[i] {
            continue;
        }
        let (counts, size) = if per[i].contains(&col) {
            (&mut inside, &mut c)
        } else {
            (&mut outside, &mut d)
        };
        *size += bags.totals[i];
        for &(w, n) in bag {
            counts[w as usize] += u64::from(n);
        }
    }
    let mut out: Vec<Keyword> = Vec::new();
    for (w, form) in bags.forms.iter().enumerate() {
        let (a, b) = (inside[w], outside[w]);
        if a < spec.min.max(1)
            || stop.contains(form.as_str())
            || form.chars().all(|ch| ch.is_numeric())
        {
            continue;
        }
        // Over-represented only: a higher rate inside than outside.
        if d > 0 && (a as f64 / c as f64) <= (b as f64 / d as f64) {
            continue;
        }
        let per10k = |n: u64, size: u64| {
            if size == 0 {
                0.0
            } else {
                n as f64 * 10_000.0 / size as f64
            }
        };
        out.push(Keyword {
            word: form.clone(),
            freq_in: a,
            freq_out: b,
            per_10k_in: per10k(a, c),
            per_10k_out: per10k(b, d),
            g2: log_likelihood(a, b, c, d),
        });
    }
    out.sort_by(|x, y| {
        y.g2.total_cmp(&x.g2)
            .then(y.freq_in.cmp(&x.freq_in))
            .then(x.word.cmp(&y.word))
    });
    out.truncate(spec.limit);
    Ok(out)
}
