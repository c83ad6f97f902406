//! The dimensions a matrix's columns (and terms and keywords) can run along, and the column
//! values each session (or coding, for `coder`) falls under.

use super::corpus::{Corpus, CorpusCoding, CorpusSession};
use crate::core::fold::fold;
use crate::core::session::SessionType;
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Dimension {
    /// Calendar month (`2026-06`).
    #[default]
    Month,
    /// Month of the project (month 1 is the month of `project_start`).
    ProjectMonth,
    /// Calendar quarter (`2026-Q2`).
    Quarter,
    /// Each agency; a joint session counts under each of its agencies.
    Agency,
    /// `joint` (more than one agency) or `single` (one or none).
    Joint,
    SessionType,
    County,
    Facilitator,
    /// The coder of each coding (a coding attribute, not a session's).
    Coder,
    /// Each tag; a session counts under each of its tags.
    Tag,
    /// Each session.
    Session,
}

impl Dimension {
    pub const ALL: [Dimension; 11] = [
        Dimension::Month,
        Dimension::ProjectMonth,
        Dimension::Quarter,
        Dimension::Agency,
        Dimension::Joint,
        Dimension::SessionType,
        Dimension::County,
        Dimension::Facilitator,
        Dimension::Coder,
        Dimension::Tag,
        Dimension::Session,
    ];

    /// The name used in commands: `month`, `project-month`, `quarter`, `agency`, `joint`,
    /// `type`, `county`, `facilitator`, `coder`, `tag`, `session`.
    pub fn key(self) -> &'static str {
        match self {
            Dimension::Month => "month",
            Dimension::ProjectMonth => "project-month",
            Dimension::Quarter => "quarter",
            Dimension::Agency => "agency",
            Dimension::Joint => "joint",
            Dimension::SessionType => "type",
            Dimension::County => "county",
            Dimension::Facilitator => "facilitator",
            Dimension::Coder => "coder",
            Dimension::Tag => "tag",
            Dimension::Session => "session",
        }
    }

    /// How a screen names it.
    pub fn label(self) -> &'static str {
        match self {
            Dimension::Month => "month",
            Dimension::ProjectMonth => "project month",
            Dimension::Quarter => "quarter",
            Dimension::Agency => "agency",
            Dimension::Joint => "joint / single agency",
            Dimension::SessionType => "session type",
            Dimension::County => "county",
            Dimension::Facilitator => "facilitator",
            Dimension::Coder => "coder",
            Dimension::Tag => "tag",
            Dimension::Session => "session",
        }
    }

    /// The next dimension (for a key that cycles through them).
    pub fn next(self) -> Dimension {
        let i = Dimension::ALL.iter().position(|d| *d == self).unwrap_or(0);
        Dimension::ALL[(i + 1) % Dimension::ALL.len()]
    }

    /// Whether the columns are periods in time (gaps are filled with empty columns).
    pub fn is_period(self) -> bool {
        matches!(
            self,
            Dimension::Month | Dimension::ProjectMonth | Dimension::Quarter
        )
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Dimension {
    type Err = String;
    fn from_str(s: &str) -> Result<Dimension, String> {
        let s = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        let found = match s.as_str() {
            "session-type" | "types" => Some(Dimension::SessionType),
            "months" => Some(Dimension::Month),
            "projectmonth" | "project" => Some(Dimension::ProjectMonth),
            "agencies" => Some(Dimension::Agency),
            "sessions" => Some(Dimension::Session),
            "coders" => Some(Dimension::Coder),
            "tags" => Some(Dimension::Tag),
            _ => Dimension::ALL.into_iter().find(|d| d.key() == s),
        };
        found.ok_or_else(|| {
            format!(
                "unknown dimension `{s}`; dimensions are: {}",
                Dimension::ALL.map(|d| d.key()).join(", ")
            )
        })
    }
}

/// A column: sortable, and what a session (or coding) falls under.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ColumnKey {
    /// Months since year 0 (`year * 12 + month - 1`).
    Month(i32),
    /// Project month number (1 is the start month; earlier sessions have 0 or less).
    ProjectMonth(i32),
    /// Quarters since year 0 (`year * 4 + quarter - 1`).
    Quarter(i32),
    /// `false`: single (one agency or none); `true`: joint.
    Joint(bool),
    /// A session type, by its place in `SessionType::ALL`.
    Type(usize),
    /// A free-text value (agency, county, facilitator, tag), folded as search folds it;
    /// `None` for a session without one. Sorted by folded value, `None` last.
    Text(Option<String>),
    Coder(usize),
    Session(usize),
}

pub use crate::core::evidence::project_month;

fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

fn month_start(i: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(i.div_euclid(12), i.rem_euclid(12) as u32 + 1, 1).expect("a month")
}

fn month_end(i: i32) -> NaiveDate {
    month_start(i + 1).pred_opt().expect("a day")
}

fn text_key(v: &str) -> ColumnKey {
    let f = fold(v.trim());
    ColumnKey::Text((!f.is_empty()).then_some(f))
}

/// Text values (agencies, counties, facilitators, tags) folded once each: a store's sessions
/// repeat a few dozen values, and folding is the costly part of finding a session's columns.
#[derive(Default)]
pub struct Folded<'c> {
    memo: HashMap<&'c str, ColumnKey>,
}

impl<'c> Folded<'c> {
    fn key(&mut self, v: &'c str) -> ColumnKey {
        self.memo.entry(v).or_insert_with(|| text_key(v)).clone()
    }
}

impl Dimension {
    /// The columns a session falls under (none for `Coder`: see `coding_keys`), in `out`.
    pub fn session_keys(
        self,
        corpus: &Corpus,
        index: usize,
        s: &CorpusSession,
        out: &mut Vec<ColumnKey>,
    ) {
        self.session_keys_with(corpus, index, s, out, &mut Folded::default());
    }

    /// [`Dimension::session_keys`], folding each text value once over all the calls that
    /// share `folded`.
    pub fn session_keys_with<'c>(
        self,
        corpus: &Corpus,
        index: usize,
        s: &'c CorpusSession,
        out: &mut Vec<ColumnKey>,
        folded: &mut Folded<'c>,
    ) {
        out.clear();
        match self {
            Dimension::Month => out.push(ColumnKey::Month(month_index(s.date))),
            Dimension::Quarter => out.push(ColumnKey::Quarter(
                s.date.year() * 4 + (s.date.month0() / 3) as i32,
            )),
            Dimension::ProjectMonth => {
                if let Some(start) = corpus.project_start {
                    out.push(ColumnKey::ProjectMonth(project_month(start, s.date)))
                }
            }
            Dimension::Agency => {
                if s.agencies.iter().all(|a| a.trim().is_empty()) {
                    out.push(ColumnKey::Text(None));
                }
                for a in &s.agencies {
                    if !a.trim().is_empty() {
                        let k = folded.key(a);
                        if !out.contains(&k) {
                            out.push(k);
                        }
                    }
                }
            }
            Dimension::Joint => out.push(ColumnKey::Joint(is_joint(s))),
            Dimension::SessionType => out.push(ColumnKey::Type(type_index(s.session_type))),
            Dimension::County => out.push(folded.key(&s.county)),
            Dimension::Facilitator => out.push(folded.key(&s.facilitator)),
            Dimension::Tag => {
                if s.tags.iter().all(|a| a.trim().is_empty()) {
                    out.push(ColumnKey::Text(None));
                }
                for t in &s.tags {
                    if !t.trim().is_empty() {
                        let k = folded.key(t);
                        if !out.contains(&k) {
                            out.push(k);
                        }
                    }
                }
            }
            Dimension::Coder => {}
            Dimension::Session => out.push(ColumnKey::Session(index)),
        }
    }

    /// The columns a coding falls under: its session's, or its coder for `Coder`.
    pub fn coding_keys(self, corpus: &Corpus, c: &CorpusCoding, out: &mut Vec<ColumnKey>) {
        if self == Dimension::Coder {
            out.clear();
            out.push(ColumnKey::Coder(c.coder));
        } else {
            self.session_keys(corpus, c.session, &corpus.sessions[c.session], out);
        }
    }

    /// Columns between the first and last period, so time runs evenly.
    pub fn fill_gaps(self, keys: &mut Vec<ColumnKey>) {
        if !self.is_period() || keys.len() < 2 {
            return;
        }
        keys.sort();
        let first = keys[0].clone();
        let last = keys[keys.len() - 1].clone();
        let make: fn(i32) -> ColumnKey = match first {
            ColumnKey::Month(_) => ColumnKey::Month,
            ColumnKey::Quarter(_) => ColumnKey::Quarter,
            _ => ColumnKey::ProjectMonth,
        };
        let n = |k: &ColumnKey| match k {
            ColumnKey::Month(i) | ColumnKey::Quarter(i) | ColumnKey::ProjectMonth(i) => *i,
            _ => 0,
        };
        *keys = (n(&first)..=n(&last)).map(make).collect();
    }
}

fn type_index(t: SessionType) -> usize {
    SessionType::ALL.iter().position(|x| *x == t).unwrap_or(0)
}

/// A joint session: more than one agency.
pub fn is_joint(s: &CorpusSession) -> bool {
    let mut seen: Vec<String> = Vec::new();
    for a in &s.agencies {
        let f = fold(a.trim());
        if !f.is_empty() && !seen.contains(&f) {
            seen.push(f);
        }
    }
    seen.len() > 1
}

impl ColumnKey {
    /// The key scripts read (JSON, CSV): months `YYYY-MM`, quarters `YYYY-Qn`, project months
    /// their number, a text value as first written in the store, sessions their id.
    pub fn key(&self, corpus: &Corpus, dim: Dimension) -> String {
        match self {
            ColumnKey::Month(i) => month_start(*i).format("%Y-%m").to_string(),
            ColumnKey::Quarter(i) => format!("{}-Q{}", i.div_euclid(4), i.rem_euclid(4) + 1),
            ColumnKey::ProjectMonth(n) => n.to_string(),
            ColumnKey::Joint(true) => "joint".into(),
            ColumnKey::Joint(false) => "single".into(),
            ColumnKey::Type(t) => SessionType::ALL[*t].key().into(),
            ColumnKey::Text(None) => "(none)".into(),
            ColumnKey::Text(Some(_)) => self.label(corpus, dim),
            ColumnKey::Coder(c) => corpus.coders[*c].clone(),
            ColumnKey::Session(i) => corpus.sessions[*i].id.0.clone(),
        }
    }

    /// How a screen heads the column.
    pub fn label(&self, corpus: &Corpus, dim: Dimension) -> String {
        match self {
            ColumnKey::Month(i) => month_start(*i).format("%b %Y").to_string(),
            ColumnKey::Quarter(i) => format!("Q{} {}", i.rem_euclid(4) + 1, i.div_euclid(4)),
            ColumnKey::ProjectMonth(n) => format!("month {n}"),
            ColumnKey::Joint(true) => "joint".into(),
            ColumnKey::Joint(false) => "single".into(),
            ColumnKey::Type(t) => SessionType::ALL[*t].label().into(),
            ColumnKey::Text(None) => "(none)".into(),
            ColumnKey::Text(Some(f)) => first_spelling(corpus, dim, f),
            ColumnKey::Coder(c) => corpus.coders[*c].clone(),
            ColumnKey::Session(i) => {
                let s = &corpus.sessions[*i];
                if s.title.trim().is_empty() {
                    format!("{} {}", s.date, s.id.short())
                } else {
                    format!("{} {}", s.date, s.title.trim())
                }
            }
        }
    }

    /// The dates the column covers, for periods (inclusive).
    pub fn period(&self, corpus: &Corpus) -> Option<(NaiveDate, NaiveDate)> {
        match self {
            ColumnKey::Month(i) => Some((month_start(*i), month_end(*i))),
            ColumnKey::Quarter(q) => {
                let m = q.div_euclid(4) * 12 + q.rem_euclid(4) * 3;
                Some((month_start(m), month_end(m + 2)))
            }
            ColumnKey::ProjectMonth(n) => {
                let start = corpus.project_start?;
                let m = month_index(start) + n - 1;
                Some((month_start(m), month_end(m)))
            }
            _ => None,
        }
    }
}

/// The first way a folded value is written in the corpus (agencies, counties, facilitators
/// and tags that differ only in case or accents are one column).
fn first_spelling(corpus: &Corpus, dim: Dimension, folded: &str) -> String {
    let fields = |s: &CorpusSession| -> Vec<std::sync::Arc<str>> {
        match dim {
            Dimension::County => vec![s.county.clone()],
            Dimension::Facilitator => vec![s.facilitator.clone()],
            Dimension::Tag => s.tags.clone(),
            _ => {
                let mut v = s.agencies.clone();
                v.push(s.county.clone());
                v.push(s.facilitator.clone());
                v.extend(s.tags.iter().cloned());
                v
            }
        }
    };
    for s in &corpus.sessions {
        for v in fields(s) {
            if fold(v.trim()) == folded {
                return v.trim().to_string();
            }
        }
    }
    folded.to_string()
}
