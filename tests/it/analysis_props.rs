//! Property tests: for random corpora (sessions with random dates, agencies and tags; codings of
//! three coders with random themes and spans, some the same span twice), every matrix cell and
//! total, every co-occurrence count and every term count equals a naive recount written
//! straight from the definitions in docs/analysis.md over the raw sessions and codings.

use chrono::{Datelike, NaiveDate, Utc};
use proptest::prelude::*;
use ripple::core::analysis::{
    cooccurrence, matrix, terms, CooccurSpec, Corpus, Dimension, Level, MatrixSpec, Scope, Value,
};
use ripple::core::codebook::Codebook;
use ripple::core::coding::{AnchorStatus, Coding, CodingId};
use ripple::core::session::{SessionId, SessionMeta, SessionType};
use std::collections::HashSet;

const WORDS: [&str; 6] = [
    "trust",
    "partnership",
    "the",
    "Fathers",
    "court",
    "trusting",
];
const AGENCIES: [&str; 3] = ["CYFD", "La Casa", "Ayuda"];
const CODERS: [&str; 3] = ["Ana", "Ben", "Cy"];
const THEMES: [&str; 5] = [
    "collaboration",
    "trust",
    "communication",
    "practice",
    "naming-choice",
];

#[derive(Clone, Debug)]
struct Raw {
    sessions: Vec<(SessionMeta, String)>,
    codings: Vec<Coding>,
}

fn raw() -> impl Strategy<Value = Raw> {
    let session = (
        0u32..14,                                // month offset
        prop::collection::vec(0usize..3, 0..3),  // agencies
        prop::collection::vec(0usize..6, 1..12), // words
    );
    prop::collection::vec(session, 1..6)
        .prop_flat_map(|ss| {
            let n = ss.len();
            let coding = (0..n, 0usize..3, 0usize..5, 0usize..40, 1usize..15);
            (Just(ss), prop::collection::vec(coding, 0..14))
        })
        .prop_map(|(ss, cs)| {
            let t = Utc::now();
            let sessions: Vec<(SessionMeta, String)> = ss
                .iter()
                .enumerate()
                .map(|(i, (m, ags, words))| {
                    let date =
                        NaiveDate::from_ymd_opt(2025 + (m / 12) as i32, m % 12 + 1, 1 + i as u32)
                            .unwrap();
                    let mut agencies: Vec<String> =
                        ags.iter().map(|a| AGENCIES[*a].to_string()).collect();
                    agencies.dedup();
                    let text = words
                        .iter()
                        .map(|w| WORDS[*w])
                        .collect::<Vec<_>>()
                        .join(" ");
                    (
                        SessionMeta {
                            id: SessionId(format!("s{i}")),
                            title: String::new(),
                            date,
                            agencies,
                            session_type: SessionType::Coaching,
                            county: String::new(),
                            facilitator: String::new(),
                            participants: Vec::new(),
                            tags: Vec::new(),
                            created: t,
                            updated: t,
                        },
                        text,
                    )
                })
                .collect();
            let codings = cs
                .iter()
                .filter_map(|&(s, coder, theme, start, len)| {
                    let n = sessions[s].1.chars().count();
                    let start = start % n.max(1);
                    let end = (start + len).min(n);
                    (end > start).then(|| Coding {
                        id: CodingId::new(),
                        session: SessionId(format!("s{s}")),
                        theme: THEMES[theme].into(),
                        coder: CODERS[coder].into(),
                        start,
                        end,
                        quote: String::new(),
                        before: String::new(),
                        after: String::new(),
                        memo: String::new(),
                        status: AnchorStatus::Attached,
                        created: t,
                        updated: t,
                    })
                })
                // One coder codes a span with a theme once (the store refuses duplicates).
                .fold(Vec::<Coding>::new(), |mut acc, c| {
                    if !acc.iter().any(|x| {
                        x.session == c.session
                            && x.coder == c.coder
                            && x.theme == c.theme
                            && x.start == c.start
                            && x.end == c.end
                    }) {
                        acc.push(c);
                    }
                    acc
                });
            Raw { sessions, codings }
        })
}

fn corpus(r: &Raw) -> Corpus {
    Corpus::build(
        Codebook::builtin(),
        None,
        r.sessions
            .iter()
            .map(|(m, t)| (m.clone(), t.clone(), Vec::new()))
            .collect(),
        r.codings.clone(),
    )
}

/// Whether a coding's theme is `row` or below it (rolled up) or `row` itself (flat).
fn under(book: &Codebook, theme: &str, row: &str, flat: bool) -> bool {
    theme == row || (!flat && book.ancestors(theme).iter().any(|t| t.key == row))
}

fn month(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn matrices_equal_a_naive_recount(r in raw(), flat in any::<bool>(), by_agency in any::<bool>()) {
        let c = corpus(&r);
        let book = Codebook::builtin();
        let dim = if by_agency { Dimension::Agency } else { Dimension::Month };
        let meta = |id: &SessionId| &r.sessions.iter().find(|(m, _)| m.id == *id).unwrap().0;
        let in_col = |m: &SessionMeta, col: &str| -> bool {
            if by_agency {
                if col == "(none)" { m.agencies.is_empty() } else { m.agencies.iter().any(|a| a == col) }
            } else {
                month(m.date) == col
            }
        };
        for value in [Value::Passages, Value::Codings, Value::Sessions, Value::Share] {
            let m = matrix(&c, &MatrixSpec { cols: dim, value, flat, scope: Scope::default() }).unwrap();
            for (ri, row) in m.rows.iter().enumerate() {
                for ci in 0..=m.cols.len() {
                    let col = m.cols.get(ci).map(|c| c.key.clone());
                    let hits: Vec<&Coding> = r.codings.iter().filter(|k| {
                        under(&book, &k.theme, &row.key, flat)
                            && col.as_ref().is_none_or(|col| in_col(meta(&k.session), col))
                    }).collect();
                    let want = match value {
                        Value::Codings => hits.len() as f64,
                        Value::Passages => hits.iter().map(|k| (&k.session, k.start, k.end)).collect::<HashSet<_>>().len() as f64,
                        Value::Sessions | Value::Share => {
                            let n = hits.iter().map(|k| &k.session).collect::<HashSet<_>>().len() as f64;
                            if value == Value::Share {
                                let d = r.sessions.iter().filter(|(s, _)| col.as_ref().is_none_or(|col| in_col(s, col))).count() as f64;
                                if d == 0.0 { 0.0 } else { n / d }
                            } else { n }
                        }
                    };
                    let got = if ci == m.cols.len() { m.row_totals[ri] } else { m.cells[ri][ci] };
                    prop_assert!((got - want).abs() < 1e-9, "{value} {} {:?}: {got} != {want}", row.key, col);
                }
            }
        }
    }

    #[test]
    fn cooccurrence_equals_a_naive_recount(r in raw(), same_coder in any::<bool>(), session_level in any::<bool>()) {
        let c = corpus(&r);
        let level = if session_level { Level::Session } else { Level::Passage };
        let co = cooccurrence(&c, &CooccurSpec { level, same_coder, scope: Scope::default() }).unwrap();
        for (i, a) in co.themes.iter().enumerate() {
            for (j, b) in co.themes.iter().enumerate() {
                let of = |t: &str| r.codings.iter().filter(|k| k.theme == t).collect::<Vec<_>>();
                let (ca, cb) = (of(a), of(b));
                let want = if i == j {
                    match level {
                        Level::Passage => ca.iter().map(|k| (&k.session, k.start, k.end)).collect::<HashSet<_>>().len(),
                        Level::Session => ca.iter().map(|k| &k.session).collect::<HashSet<_>>().len(),
                    }
                } else {
                    match level {
                        // Distinct pairs of passages (span, theme) that overlap.
                        Level::Passage => {
                            let mut pairs = HashSet::new();
                            for x in &ca {
                                for y in &cb {
                                    if x.session == y.session && x.start < y.end && y.start < x.end
                                        && (!same_coder || x.coder == y.coder)
                                    {
                                        pairs.insert(((&x.session, x.start, x.end), (y.start, y.end)));
                                    }
                                }
                            }
                            pairs.len()
                        }
                        Level::Session => r.sessions.iter().filter(|(m, _)| {
                            ca.iter().any(|x| x.session == m.id && cb.iter().any(|y| y.session == m.id && (!same_coder || x.coder == y.coder)))
                        }).count(),
                    }
                };
                prop_assert_eq!(co.counts[i][j], want as u64, "{} {} {:?} same={}", a, b, level, same_coder);
            }
        }
    }

    #[test]
    fn term_counts_equal_a_naive_recount(r in raw()) {
        let c = corpus(&r);
        let t = terms(&c, &["trust".into(), "fathers".into()], Dimension::Month, false, &Scope::default()).unwrap();
        for (ci, col) in t.cols.iter().enumerate() {
            let notes: Vec<&String> = r.sessions.iter().filter(|(m, _)| month(m.date) == col.key).map(|(_, t)| t).collect();
            // "trust" finds trust and trusting (one stem); "fathers" finds Fathers.
            let count = |f: &dyn Fn(&str) -> bool| notes.iter().map(|n| n.split(' ').filter(|w| f(w)).count()).sum::<usize>() as f64;
            prop_assert_eq!(t.counts[0][ci], count(&|w| w == "trust" || w == "trusting"));
            prop_assert_eq!(t.counts[1][ci], count(&|w| w == "Fathers"));
            let words = notes.iter().map(|n| n.split(' ').count()).sum::<usize>() as u64;
            prop_assert_eq!(t.words[ci], words);
        }
    }
}
