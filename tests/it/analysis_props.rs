//! Property tests: for random corpora (sessions with random dates, agencies and tags; codings of
//! three coders with random themes and spans, some the same span twice), every matrix cell and
//! total, every co-occurrence count and every term count equals a naive recount written
//! straight from the definitions in docs/analysis.md over the raw sessions and codings. For
//! random Unicode notes (and the demo store), the bags of words keywords count equal a recount
//! of the notes' words in order, and every keyword, all its columns, a recount from them.

use chrono::{Datelike, NaiveDate, Utc};
use proptest::prelude::*;
use ripple::core::analysis::language::log_likelihood;
use ripple::core::analysis::{
    cooccurrence, keywords, matrix, terms, CooccurSpec, Corpus, Dimension, Keyword, KeywordSpec,
    Level, MatrixSpec, Scope, Value, STOP_WORDS,
};
use ripple::core::codebook::Codebook;
use ripple::core::coding::{AnchorStatus, Coding, CodingId};
use ripple::core::session::{SessionId, SessionMeta, SessionType};
use std::collections::{BTreeMap, HashSet};

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

/// Session `s{i}`: a coaching session of `agencies` on `date`, created and updated at `t`.
fn coaching(
    i: usize,
    date: NaiveDate,
    agencies: Vec<String>,
    t: chrono::DateTime<Utc>,
) -> SessionMeta {
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
    }
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
                    (coaching(i, date, agencies, t), text)
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

/// Each note's folded forms and their occurrences, recounted from the note's words in order
/// (`Corpus::words`, as search splits them).
fn recounted_bags(c: &Corpus) -> Vec<(BTreeMap<String, u32>, u64)> {
    let words = c.words();
    words
        .tokens
        .iter()
        .map(|toks| {
            let mut bag = BTreeMap::new();
            for t in toks {
                *bag.entry(words.forms[t.word as usize].clone()).or_insert(0) += 1;
            }
            (bag, toks.len() as u64)
        })
        .collect()
}

/// Keywords recounted from each note's words in order (`Corpus::words`), straight from the
/// definition in docs/analysis.md: the column's notes against the rest of the scope.
fn recounted_keywords(
    c: &Corpus,
    by: Dimension,
    col: &str,
    min: u64,
    limit: usize,
) -> Vec<Keyword> {
    let bags = recounted_bags(c);
    let mut inside: BTreeMap<String, u64> = BTreeMap::new();
    let mut outside: BTreeMap<String, u64> = BTreeMap::new();
    let (mut size_in, mut size_out) = (0u64, 0u64);
    for (s, (bag, total)) in c.sessions.iter().zip(&bags) {
        let is_in = match by {
            Dimension::Month => month(s.date) == col,
            Dimension::Agency => s.agencies.iter().any(|a| **a == *col),
            _ => unreachable!("month and agency only"),
        };
        let (counts, size) = if is_in {
            (&mut inside, &mut size_in)
        } else {
            (&mut outside, &mut size_out)
        };
        *size += total;
        for (w, n) in bag {
            *counts.entry(w.clone()).or_insert(0) += u64::from(*n);
        }
    }
    let per10k = |n: u64, size: u64| {
        if size == 0 {
            0.0
        } else {
            n as f64 * 10_000.0 / size as f64
        }
    };
    let mut out: Vec<Keyword> = inside
        .iter()
        .filter(|(w, &a)| {
            let b = outside.get(*w).copied().unwrap_or(0);
            a >= min.max(1)
                && !STOP_WORDS.contains(&w.as_str())
                && !w.chars().all(char::is_numeric)
                && (size_out == 0 || (a as f64 / size_in as f64) > (b as f64 / size_out as f64))
        })
        .map(|(w, &a)| {
            let b = outside.get(w).copied().unwrap_or(0);
            Keyword {
                word: w.clone(),
                freq_in: a,
                freq_out: b,
                per_10k_in: per10k(a, size_in),
                per_10k_out: per10k(b, size_out),
                g2: log_likelihood(a, b, size_in, size_out),
            }
        })
        .collect();
    out.sort_by(|x, y| {
        y.g2.total_cmp(&x.g2)
            .then(y.freq_in.cmp(&x.freq_in))
            .then(x.word.cmp(&y.word))
    });
    out.truncate(limit);
    out
}

/// Notes of any characters: words of every script, case and accent, digits, long runs,
/// marks, emoji, CJK, punctuation and line breaks.
fn unicode_notes() -> impl Strategy<Value = Vec<String>> {
    let piece = prop_oneof![
        Just("Trust".to_string()),
        Just("ÉCOLE école Ecole".to_string()),
        Just("Straße İstanbul ǅemal ΣΊΣΥΦΟΣ".to_string()),
        Just("niño—NIÑO’s don't".to_string()),
        Just("我们的 合作 🙂👩‍👧 ❤️ ★€→".to_string()),
        Just("x".repeat(59)),
        Just("y".repeat(60)),
        Just("é".repeat(30)),
        Just("ǆ".repeat(29)),
        Just("2026 ٣٤ Ⅻ ½ 42nd".to_string()),
        Just("e\u{301}tude ﬁne Ａｂｃ".to_string()),
        "\\PC{0,12}",
        "[a-zA-Z]{1,8}",
        "[ \n\t.,;:!?'\"()-]{1,3}",
    ];
    prop::collection::vec(
        prop::collection::vec(piece, 0..20).prop_map(|v| v.concat()),
        1..6,
    )
}

fn unicode_corpus(notes: &[String]) -> Corpus {
    let t = Utc::now();
    Corpus::build(
        Codebook::builtin(),
        None,
        notes
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let date =
                    NaiveDate::from_ymd_opt(2025, 1 + (i % 3) as u32, 1 + (i % 28) as u32).unwrap();
                let meta = coaching(i, date, vec![AGENCIES[i % 3].to_string()], t);
                (meta, text.clone(), Vec::new())
            })
            .collect(),
        Vec::new(),
    )
}

/// Each note's bag as form strings, from `Corpus::bags`.
fn bags_by_form(c: &Corpus) -> Vec<(BTreeMap<String, u32>, u64)> {
    let bags = c.bags();
    bags.bags
        .iter()
        .zip(&bags.totals)
        .map(|(bag, &total)| {
            let mut m = BTreeMap::new();
            for &(w, n) in bag {
                assert!(
                    m.insert(bags.forms[w as usize].clone(), n).is_none(),
                    "a form twice in a bag"
                );
            }
            (m, total)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The bags keywords count (split without positions) hold exactly the words search splits
    /// each note into, however the note is written.
    #[test]
    fn bags_of_words_equal_a_recount_of_the_words(notes in unicode_notes()) {
        // Bags first (their own splitting), then words in another corpus: neither from the other.
        let bagged = bags_by_form(&unicode_corpus(&notes));
        let words = recounted_bags(&unicode_corpus(&notes));
        prop_assert_eq!(&bagged, &words);
        // Bags made from words already split are the same again.
        let c = unicode_corpus(&notes);
        c.words();
        prop_assert_eq!(&bags_by_form(&c), &words);
    }

    /// Keywords of every month and every agency, every column of each keyword, equal a
    /// recount from each note's words in order.
    #[test]
    fn keywords_equal_a_naive_recount(notes in unicode_notes(), min in 1u64..3) {
        let c = unicode_corpus(&notes);
        for by in [Dimension::Month, Dimension::Agency] {
            let cols: Vec<String> = match by {
                Dimension::Month => c.sessions.iter().map(|s| month(s.date)).collect(),
                _ => c.sessions.iter().flat_map(|s| s.agencies.iter().map(|a| a.to_string())).collect(),
            };
            for col in cols {
                let spec = KeywordSpec { by, column: col.clone(), min, limit: 1000, scope: Scope::default() };
                let got = keywords(&c, &spec).unwrap();
                prop_assert_eq!(got, recounted_keywords(&c, by, &col, min, 1000), "{:?} {}", by, col);
            }
        }
    }
}

/// On the demo store as `ripple keywords` reads it, every month's and agency's keywords (all
/// columns) equal a recount from each note's words in order.
#[test]
fn keywords_of_the_demo_store_equal_a_naive_recount() {
    use ripple::core::store::Store;
    use ripple::core::workspace::Workspace;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    ripple::core::demo::write_demo_store(&root).unwrap();
    let store = Store::open(&root).unwrap();
    let ws = Workspace::new(&store, "test");
    let c = Corpus::load(&ws, &Scope::default()).unwrap();
    assert!(c.sessions.len() > 5);
    let mut months: Vec<String> = c.sessions.iter().map(|s| month(s.date)).collect();
    months.dedup();
    let mut agencies: Vec<String> = c
        .sessions
        .iter()
        .flat_map(|s| s.agencies.iter().map(|a| a.to_string()))
        .collect();
    agencies.sort();
    agencies.dedup();
    let mut listed = 0;
    for (by, cols) in [(Dimension::Month, months), (Dimension::Agency, agencies)] {
        for col in cols {
            for min in [1, 3] {
                let spec = KeywordSpec {
                    by,
                    column: col.clone(),
                    min,
                    limit: 20,
                    scope: Scope::default(),
                };
                let got = keywords(&c, &spec).unwrap();
                listed += got.len();
                assert_eq!(
                    got,
                    recounted_keywords(&c, by, &col, min, 20),
                    "{by:?} {col} min {min}"
                );
            }
        }
    }
    assert!(listed > 50, "the demo store lists keywords ({listed})");
}

/// Enough notes to be split among threads (each with its own table of forms, merged after):
/// the bags still equal a recount of the words, and keywords a naive recount.
#[test]
fn bags_of_many_notes_split_among_threads_equal_a_recount() {
    let pieces = [
        "Trust", "école", "ÉCOLE", "niño", "合作", "42", "Straße", "the", "court",
    ];
    let mut seed = 7u64;
    let notes: Vec<String> = (0..1500)
        .map(|i| {
            let mut note = String::new();
            for _ in 0..(i % 17) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let k = (seed >> 33) as usize;
                // Words only some notes use, so each thread meets its own new forms.
                if k.is_multiple_of(5) {
                    note.push_str(&format!("w{}x{} ", i, k % 3));
                } else {
                    note.push_str(pieces[k % pieces.len()]);
                    note.push(' ');
                }
            }
            note
        })
        .collect();
    assert_eq!(
        bags_by_form(&unicode_corpus(&notes)),
        recounted_bags(&unicode_corpus(&notes))
    );
    let c = unicode_corpus(&notes);
    for col in ["2025-01", "2025-02", "2025-03"] {
        let spec = KeywordSpec {
            by: Dimension::Month,
            column: col.into(),
            min: 1,
            limit: 50,
            scope: Scope::default(),
        };
        assert_eq!(
            keywords(&c, &spec).unwrap(),
            recounted_keywords(&c, Dimension::Month, col, 1, 50)
        );
    }
}
