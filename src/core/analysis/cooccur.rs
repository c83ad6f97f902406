//! Theme co-occurrence: which themes appear together, in overlapping passages or in the same
//! session, with the c-coefficient n12 / (n1 + n2 − n12).

use super::corpus::Corpus;
use super::scope::{exact_field, Scope};
use super::value::Level;
use crate::core::query::{and, quote_value, Ast, TextField};
use std::collections::HashSet;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CooccurSpec {
    pub level: Level,
    /// Only pairs coded by one and the same coder.
    pub same_coder: bool,
    pub scope: Scope,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cooccurrence {
    /// Theme keys (each theme on its own: a coding counts for its own theme, not its parents).
    pub themes: Vec<String>,
    pub names: Vec<String>,
    /// `counts[i][j]`, symmetric. Passage level: the number of pairs (a passage of theme i, a
    /// passage of theme j) that overlap by at least one code point; the diagonal holds each
    /// theme's passages (n1). Session level: sessions with both themes; the diagonal, sessions
    /// with the theme.
    pub counts: Vec<Vec<u64>>,
    pub level: Level,
    pub same_coder: bool,
    pub scope: Scope,
    /// Each theme's sub-themes' keys (a coding counts for its own theme only, so a theme's
    /// query leaves them out).
    pub children: Vec<Vec<String>>,
    /// The corpus's coders (for a cell's sessions with the same coder).
    pub coders: Vec<String>,
}

/// What is behind a co-occurrence cell, in the query language (passage mode): `query` finds
/// the cell's passages (at session level both themes' passages), and the cell's sessions are
/// those that have, for some group of `groups`, a passage matching each query of the group
/// (`SearchIndex::sessions_with_passages`). `exact`: those are exactly the sessions the cell
/// counts. Not when the scope names a theme (`Scope::names_themes`: joined with the cell's
/// themes it reads otherwise), nor off the diagonal at passage level with the same coder or a
/// scope that tells passages of one session apart (coders, memos, words): the scope and the
/// coder then hold for the pair's first passage only (the query language cannot tie the
/// second to them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellQueries {
    pub query: String,
    pub groups: Vec<Vec<String>>,
    pub exact: bool,
}

impl Cooccurrence {
    /// The cell's queries (`CellQueries`): the diagonal, the theme's own passages; off it at
    /// passage level, the row theme's passages overlapping one of the column theme's; at
    /// session level, both themes' passages, in the sessions that have both (with the same
    /// coder: both by one coder, one group per coder).
    pub fn cell_queries(&self, row: usize, col: usize) -> Option<CellQueries> {
        let theme = |i: usize| -> Option<String> {
            let mut q = format!("theme:{}", quote_value(self.themes.get(i)?));
            for c in &self.children[i] {
                q.push_str(&format!(" -theme:{}", quote_value(c)));
            }
            Some(q)
        };
        let (r, c) = (theme(row)?, theme(col)?);
        // The scope: its query and its coders (`--only-coder`), as the matrix's cells have.
        let scope = &self.scope.query_parts(&self.coders).join(" ");
        // A scope naming themes reads differently joined with the cell's themes.
        let plain = !self.scope.names_themes();
        let one = |q: String| CellQueries {
            groups: vec![vec![q.clone()]],
            query: q,
            exact: plain,
        };
        Some(if row == col {
            one(and(&[scope, &r]))
        } else if self.level == Level::Passage {
            // The scope and the coder apply to the first passage only: exact when neither can
            // tell the two passages of a pair apart.
            let per_session = self.scope.coders.is_empty()
                && crate::core::query::parse(self.scope.query_text())
                    .is_ok_and(|q| per_session(&q.ast));
            CellQueries {
                exact: plain && !self.same_coder && per_session,
                ..one(and(&[scope, &format!("{r} {c}")]))
            }
        } else {
            let query = and(&[scope, &format!("({r}) OR ({c})")]);
            let groups = if self.same_coder {
                self.coders
                    .iter()
                    .map(|name| {
                        let coder = exact_field("coder", name, &self.coders);
                        vec![and(&[scope, &r, &coder]), and(&[scope, &c, &coder])]
                    })
                    .collect()
            } else {
                vec![vec![and(&[scope, &r]), and(&[scope, &c])]]
            };
            CellQueries {
                query,
                groups,
                exact: plain,
            }
        })
    }

    /// n12 / (n1 + n2 − n12) (`c_coefficient`). At passage level a passage that overlaps
    /// several of the other theme's passages counts once per pair, so the coefficient can pass
    /// 1 (as in ATLAS.ti's code co-occurrence table), and has no value (`None`) once the pairs
    /// reach n1 + n2.
    pub fn c_coefficient(&self, i: usize, j: usize) -> Option<f64> {
        c_coefficient(self.counts[i][i], self.counts[j][j], self.counts[i][j])
    }
}

/// Whether a query asks only about sessions (their metadata), so that it holds for every
/// passage of a session or for none.
fn per_session(ast: &Ast) -> bool {
    match ast {
        Ast::All
        | Ast::Type { .. }
        | Ast::Joint { .. }
        | Ast::Session { .. }
        | Ast::Date { .. } => true,
        Ast::Field { field, .. } => !matches!(field, TextField::Memo | TextField::Coder),
        Ast::Text { .. } | Ast::Theme { .. } => false,
        Ast::And(items) | Ast::Or(items) => items.iter().all(per_session),
        Ast::Not(inner) => per_session(inner),
    }
}

/// n12 / (n1 + n2 − n12): 0 when the themes never co-occur (n12 = 0, also when neither
/// occurs); `None` when the formula has no value, n12 ≥ n1 + n2 (possible at passage level,
/// where a pair counts once per overlapping pair: two coders' slightly different spans of the
/// same sentence make four pairs of two passages each). Never 0 for themes that co-occur.
pub fn c_coefficient(n1: u64, n2: u64, n12: u64) -> Option<f64> {
    if n12 == 0 {
        return Some(0.0);
    }
    let d = n1 as f64 + n2 as f64 - n12 as f64;
    (d > 0.0).then(|| n12 as f64 / d)
}

/// A distinct span with the (theme, coder) pairs it was coded with: `marks[lo..hi]` of the
/// session's list of marks, sorted by theme then coder (as the corpus sorts codings).
struct Span {
    start: usize,
    end: usize,
    lo: usize,
    hi: usize,
}

/// Buffers reused from one session to the next.
#[derive(Default)]
struct Scratch {
    spans: Vec<Span>,
    marks: Vec<(usize, usize)>,
    pairs: Vec<(usize, usize, usize, usize)>,
    themes: Vec<usize>,
}

pub fn cooccurrence(corpus: &Corpus, spec: &CooccurSpec) -> Result<Cooccurrence, String> {
    let sel = corpus.select(&spec.scope)?;
    let n = corpus.themes.len();
    let mut counts = vec![vec![0u64; n]; n];
    let mut i = 0;
    let codings = &corpus.codings;
    let mut scratch = Scratch::default();
    while i < codings.len() {
        let session = codings[i].session;
        let mut j = i;
        while j < codings.len() && codings[j].session == session {
            j += 1;
        }
        // This session's spans in scope (codings are sorted by session, start, end, theme,
        // coder).
        scratch.spans.clear();
        scratch.marks.clear();
        for (k, c) in codings[i..j].iter().enumerate() {
            if !sel.codings[i + k] {
                continue;
            }
            scratch.marks.push((c.theme, c.coder));
            let hi = scratch.marks.len();
            match scratch.spans.last_mut() {
                Some(s) if s.start == c.start && s.end == c.end => s.hi = hi,
                _ => scratch.spans.push(Span {
                    start: c.start,
                    end: c.end,
                    lo: hi - 1,
                    hi,
                }),
            }
        }
        match spec.level {
            Level::Passage => count_passages(&mut scratch, spec.same_coder, &mut counts),
            Level::Session => count_session(&scratch.marks, spec.same_coder, &mut counts),
        }
        i = j;
    }
    Ok(Cooccurrence {
        themes: corpus.themes.iter().map(|t| t.key.clone()).collect(),
        names: corpus.themes.iter().map(|t| t.name.clone()).collect(),
        counts,
        level: spec.level,
        same_coder: spec.same_coder,
        scope: spec.scope.clone(),
        children: (0..n)
            .map(|i| {
                corpus
                    .themes
                    .iter()
                    .filter(|t| t.parent == Some(i))
                    .map(|t| t.key.clone())
                    .collect()
            })
            .collect(),
        coders: corpus.coders.clone(),
    })
}

fn count_passages(scratch: &mut Scratch, same_coder: bool, counts: &mut [Vec<u64>]) {
    let Scratch {
        spans,
        marks,
        pairs,
        themes,
    } = scratch;
    // The diagonal: each (span, theme) once.
    for s in spans.iter() {
        themes.clear();
        themes.extend(marks[s.lo..s.hi].iter().map(|m| m.0));
        themes.dedup();
        for &t in themes.iter() {
            counts[t][t] += 1;
        }
    }
    // Pairs of (span, theme) passages of different themes that overlap (the same span with
    // two themes overlaps itself). Each unordered pair of passages counts once.
    pairs.clear();
    for (a, sa) in spans.iter().enumerate() {
        for (b, sb) in spans.iter().enumerate().skip(a) {
            if sb.start >= sa.end && b != a {
                // Spans are sorted by start: none after this one starts inside `sa`...
                // unless a later one starts earlier, which sorting rules out.
                break;
            }
            if !(sa.start < sb.end && sb.start < sa.end) {
                continue;
            }
            for &(ta, ca) in &marks[sa.lo..sa.hi] {
                for &(tb, cb) in &marks[sb.lo..sb.hi] {
                    if ta == tb || (same_coder && ca != cb) {
                        continue;
                    }
                    // A passage is (span, theme): order the pair so it is counted once.
                    let (p, q) = if (a, ta) < (b, tb) {
                        ((a, ta), (b, tb))
                    } else {
                        ((b, tb), (a, ta))
                    };
                    pairs.push((p.0, p.1, q.0, q.1));
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    for &(_, ta, _, tb) in pairs.iter() {
        counts[ta][tb] += 1;
        counts[tb][ta] += 1;
    }
}

/// `marks`: the session's (theme, coder) pairs in scope.
fn count_session(marks: &[(usize, usize)], same_coder: bool, counts: &mut [Vec<u64>]) {
    let mut themes: Vec<usize> = marks.iter().map(|m| m.0).collect();
    themes.sort_unstable();
    themes.dedup();
    for &t in &themes {
        counts[t][t] += 1;
    }
    let mut pairs: HashSet<(usize, usize)> = HashSet::new();
    if same_coder {
        let mut by_coder: Vec<(usize, usize)> = marks.iter().map(|m| (m.1, m.0)).collect();
        by_coder.sort_unstable();
        by_coder.dedup();
        let mut k = 0;
        while k < by_coder.len() {
            let coder = by_coder[k].0;
            let mut e = k;
            while e < by_coder.len() && by_coder[e].0 == coder {
                e += 1;
            }
            for x in k..e {
                for y in x + 1..e {
                    pairs.insert((by_coder[x].1, by_coder[y].1));
                }
            }
            k = e;
        }
    } else {
        for (x, &a) in themes.iter().enumerate() {
            for &b in &themes[x + 1..] {
                pairs.insert((a, b));
            }
        }
    }
    for (a, b) in pairs {
        counts[a][b] += 1;
        counts[b][a] += 1;
    }
}
