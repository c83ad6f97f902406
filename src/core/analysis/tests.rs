//! The analyses over a corpus built by hand: every expected number is derived in the comments.

use super::*;
use crate::core::codebook::Codebook;
use crate::core::coding::{AnchorStatus, Coding, CodingId};
use crate::core::session::{SessionId, SessionMeta, SessionType};
use chrono::{NaiveDate, Utc};

const S1: &str = "We trust each other now. Communication is better.";
const S2: &str = "Trust grew. The partnership is new.";
const S3: &str = "Adversarial and fractured meetings. Communication failed.";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn meta(id: &str, date: &str, agencies: &[&str], ty: SessionType, county: &str) -> SessionMeta {
    SessionMeta {
        id: SessionId(id.into()),
        title: format!("Session {id}"),
        date: day(date),
        agencies: agencies.iter().map(|a| a.to_string()).collect(),
        session_type: ty,
        county: county.into(),
        facilitator: "M. Rivera".into(),
        participants: Vec::new(),
        tags: vec!["fathers".into()],
        created: Utc::now(),
        updated: Utc::now(),
    }
}

/// The code points of `needle` in `text`.
fn span(text: &str, needle: &str) -> (usize, usize) {
    let b = text.find(needle).unwrap();
    let s = text[..b].chars().count();
    (s, s + needle.chars().count())
}

fn coding(session: &str, text: &str, needle: &str, theme: &str, coder: &str) -> Coding {
    let (start, end) = span(text, needle);
    Coding {
        id: CodingId::new(),
        session: SessionId(session.into()),
        theme: theme.into(),
        coder: coder.into(),
        start,
        end,
        quote: needle.into(),
        before: String::new(),
        after: String::new(),
        memo: String::new(),
        status: AnchorStatus::Attached,
        created: Utc::now(),
        updated: Utc::now(),
    }
}

/// s1 (Jan, CYFD, coaching): trust "We trust each other now." by Ana AND Carl (one passage,
/// two codings); communication "Communication is better." by Ana; communication "trust"
/// (inside the trust passage) by Bea.
/// s2 (Jan, CYFD & La Casa: joint): trust "Trust grew." by Ana.
/// s3 (Mar, La Casa): communication "Communication failed." by Ana; an orphaned trust coding
/// (not counted).
fn corpus() -> Corpus {
    let mut orphan = coding("s3", S3, "fractured", "trust", "Ana");
    orphan.status = AnchorStatus::Orphaned;
    Corpus::build(
        Codebook::builtin(),
        Some(day("2025-11-15")),
        vec![
            (
                meta(
                    "s1",
                    "2026-01-10",
                    &["CYFD"],
                    SessionType::Coaching,
                    "Doña Ana",
                ),
                S1.into(),
                vec![("Ana".into(), "a memo on the note".into())],
            ),
            (
                meta(
                    "s2",
                    "2026-01-20",
                    &["CYFD", "La Casa"],
                    SessionType::JointCoaching,
                    "Otero",
                ),
                S2.into(),
                vec![],
            ),
            (
                meta("s3", "2026-03-05", &["La Casa"], SessionType::Coaching, ""),
                S3.into(),
                vec![],
            ),
        ],
        vec![
            coding("s1", S1, "We trust each other now.", "trust", "Ana"),
            coding("s1", S1, "We trust each other now.", "trust", "Carl"),
            coding("s1", S1, "Communication is better.", "communication", "Ana"),
            coding("s1", S1, "trust", "communication", "Bea"),
            coding("s2", S2, "Trust grew.", "trust", "Ana"),
            coding("s3", S3, "Communication failed.", "communication", "Ana"),
            orphan,
        ],
    )
}

fn spec(cols: Dimension, value: Value) -> MatrixSpec {
    MatrixSpec {
        cols,
        value,
        ..MatrixSpec::default()
    }
}

fn row(m: &Matrix, key: &str) -> usize {
    m.rows.iter().position(|r| r.key == key).unwrap()
}

#[test]
fn passages_codings_and_sessions_by_month() {
    let c = corpus();
    let m = matrix(&c, &spec(Dimension::Month, Value::Passages)).unwrap();
    // Months run from January to March with February filled in.
    let keys: Vec<&str> = m.cols.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["2026-01", "2026-02", "2026-03"]);
    // trust, January: s1's passage (two coders, one span) and s2's = 2.
    assert_eq!(m.cells[row(&m, "trust")], [2.0, 0.0, 0.0]);
    // communication: January s1 "Communication is better." and "trust" = 2; March s3 = 1.
    assert_eq!(m.cells[row(&m, "communication")], [2.0, 0.0, 1.0]);
    // collaboration rolls up distinct spans: January s1 has three spans, s2 one = 4; March 1.
    assert_eq!(m.cells[row(&m, "collaboration")], [4.0, 0.0, 1.0]);
    assert_eq!(m.row_totals[row(&m, "collaboration")], 5.0);
    // Every theme, January: the same four spans.
    assert_eq!(m.col_totals, [4.0, 0.0, 1.0]);
    assert_eq!(m.total, 5.0);

    let m = matrix(&c, &spec(Dimension::Month, Value::Codings)).unwrap();
    // trust, January: Ana and Carl on s1, Ana on s2 = 3 codings (the orphan is not counted).
    assert_eq!(m.cells[row(&m, "trust")], [3.0, 0.0, 0.0]);
    assert_eq!(m.cells[row(&m, "collaboration")], [5.0, 0.0, 1.0]);

    let m = matrix(&c, &spec(Dimension::Month, Value::Sessions)).unwrap();
    assert_eq!(m.cells[row(&m, "trust")], [2.0, 0.0, 0.0]);
    assert_eq!(m.cells[row(&m, "communication")], [1.0, 0.0, 1.0]);

    let m = matrix(&c, &spec(Dimension::Month, Value::Share)).unwrap();
    // January has two sessions: trust in both (1), communication in one (0.5).
    assert_eq!(m.cells[row(&m, "trust")], [1.0, 0.0, 0.0]);
    assert_eq!(m.cells[row(&m, "communication")], [0.5, 0.0, 1.0]);
    // Over all three sessions: trust in two of them.
    assert!((m.row_totals[row(&m, "trust")] - 2.0 / 3.0).abs() < 1e-12);
}

#[test]
fn flat_rows_do_not_roll_up() {
    let c = corpus();
    let m = matrix(
        &c,
        &MatrixSpec {
            flat: true,
            ..spec(Dimension::Month, Value::Passages)
        },
    )
    .unwrap();
    let r = row(&m, "collaboration");
    assert_eq!(m.cells[r], [0.0, 0.0, 0.0]);
    assert_eq!(m.rows[r].depth, 0);
    assert_eq!(m.rows[row(&m, "trust")].parent, None);
    // The flat row's query leaves out the themes below it.
    assert!(
        m.row_query(r).contains("-theme:\"trust\""),
        "{}",
        m.row_query(r)
    );
}

#[test]
fn a_joint_session_counts_under_each_agency_and_once_in_the_total() {
    let c = corpus();
    let m = matrix(&c, &spec(Dimension::Agency, Value::Passages)).unwrap();
    let keys: Vec<&str> = m.cols.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["CYFD", "La Casa"]);
    let t = row(&m, "trust");
    // trust: s1 and s2 are CYFD's (2), s2 is La Casa's too (1); the row total counts s2 once.
    assert_eq!(m.cells[t], [2.0, 1.0]);
    assert_eq!(m.row_totals[t], 2.0);
    assert_eq!(m.cols[0].sessions, 2);

    let m = matrix(&c, &spec(Dimension::Joint, Value::Sessions)).unwrap();
    let keys: Vec<&str> = m.cols.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["single", "joint"]);
    assert_eq!(m.cells[row(&m, "trust")], [1.0, 1.0]);
}

#[test]
fn coders_are_columns_of_codings() {
    let c = corpus();
    let m = matrix(&c, &spec(Dimension::Coder, Value::Passages)).unwrap();
    let keys: Vec<&str> = m.cols.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["Ana", "Bea", "Carl"]);
    // trust: Ana's s1 and s2 passages, Carl's s1; the total counts s1's span once.
    assert_eq!(m.cells[row(&m, "trust")], [2.0, 0.0, 1.0]);
    assert_eq!(m.row_totals[row(&m, "trust")], 2.0);
}

#[test]
fn project_months_count_from_the_start_month() {
    let c = corpus();
    // The project started 15 November 2025: January 2026 is month 3, March month 5.
    let m = matrix(&c, &spec(Dimension::ProjectMonth, Value::Sessions)).unwrap();
    let keys: Vec<&str> = m.cols.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["3", "4", "5"]);
    assert_eq!(m.cols[2].label, "month 5");
    assert_eq!(
        m.col_query(&m.cols[2].column),
        "date:2026-03-01..2026-03-31"
    );
}

#[test]
fn a_scope_query_restricts_what_is_counted() {
    let c = corpus();
    let m = matrix(
        &c,
        &MatrixSpec {
            scope: Scope::query("agency:\"La Casa\""),
            ..spec(Dimension::Month, Value::Passages)
        },
    )
    .unwrap();
    // La Casa's sessions are s2 (January) and s3 (March).
    assert_eq!(m.cells[row(&m, "trust")], [1.0, 0.0, 0.0]);
    assert_eq!(m.cells[row(&m, "communication")], [0.0, 0.0, 1.0]);
    assert_eq!(m.sessions, 2);
    // A word restricts passages to those quoting it: "trust" is quoted by s1's two trust
    // codings (one span), Bea's "trust" and s2's "Trust grew.".
    let m = matrix(
        &c,
        &MatrixSpec {
            scope: Scope::query("trusting"),
            ..spec(Dimension::Month, Value::Passages)
        },
    )
    .unwrap();
    // Only January's sessions mention it: the columns are the months of sessions in scope.
    assert_eq!(m.cols.len(), 1);
    assert_eq!(m.cells[row(&m, "trust")], [2.0]);
    assert_eq!(m.cells[row(&m, "communication")], [1.0]);
    let bad = matrix(
        &c,
        &MatrixSpec {
            scope: Scope::query("agnecy:x"),
            ..spec(Dimension::Month, Value::Passages)
        },
    );
    assert!(bad.unwrap_err().contains("unknown field"));
}

#[test]
fn coders_in_scope() {
    let c = corpus();
    let m = matrix(
        &c,
        &MatrixSpec {
            scope: Scope {
                query: None,
                coders: vec!["carl".into()],
            },
            ..spec(Dimension::Month, Value::Codings)
        },
    )
    .unwrap();
    assert_eq!(m.cells[row(&m, "trust")], [1.0, 0.0, 0.0]);
    assert_eq!(m.cells[row(&m, "communication")], [0.0, 0.0, 0.0]);
    let err = c
        .select(&Scope {
            query: None,
            coders: vec!["Zed".into()],
        })
        .unwrap_err();
    assert!(err.contains("Ana, Bea, Carl"), "{err}");
}

#[test]
fn cell_queries_name_the_row_and_the_column() {
    let c = corpus();
    let m = matrix(
        &c,
        &MatrixSpec {
            scope: Scope::query("type:coaching"),
            ..spec(Dimension::Month, Value::Passages)
        },
    )
    .unwrap();
    assert_eq!(
        m.cell_query(row(&m, "trust"), 2),
        "(type:coaching) theme:\"trust\" date:2026-03-01..2026-03-31"
    );
    let m = matrix(&c, &spec(Dimension::Joint, Value::Passages)).unwrap();
    assert_eq!(
        m.cell_query(row(&m, "trust"), 1),
        "theme:\"trust\" joint:yes"
    );
    let m = matrix(&c, &spec(Dimension::Session, Value::Passages)).unwrap();
    assert_eq!(
        m.cell_query(row(&m, "trust"), 0),
        "theme:\"trust\" session:\"s1\""
    );
    for q in [m.cell_query(0, 0), m.cell_query(1, m.cols.len())] {
        crate::core::query::parse(&q).unwrap();
    }
}

#[test]
fn cooccurrence_at_passage_and_session_level() {
    let c = corpus();
    let t = c.theme_index("trust").unwrap();
    let k = c.theme_index("communication").unwrap();
    let co = cooccurrence(&c, &CooccurSpec::default()).unwrap();
    // Passages: trust {s1 "We trust…", s2} = 2; communication {s1 "Communication…", s1
    // "trust", s3} = 3. Overlapping pairs: s1's trust passage with Bea's "trust" = 1.
    assert_eq!(
        (co.counts[t][t], co.counts[k][k], co.counts[t][k]),
        (2, 3, 1)
    );
    assert_eq!(co.counts[k][t], 1);
    // c = 1 / (2 + 3 − 1) = 0.25.
    assert_eq!(co.c_coefficient(t, k), Some(0.25));
    // The same coder only: Bea coded no trust passage.
    let co = cooccurrence(
        &c,
        &CooccurSpec {
            same_coder: true,
            ..CooccurSpec::default()
        },
    )
    .unwrap();
    assert_eq!(co.counts[t][k], 0);
    // Sessions: trust in s1, s2; communication in s1, s3; both in s1: c = 1 / (2 + 2 − 1).
    let co = cooccurrence(
        &c,
        &CooccurSpec {
            level: Level::Session,
            ..CooccurSpec::default()
        },
    )
    .unwrap();
    assert_eq!(
        (co.counts[t][t], co.counts[k][k], co.counts[t][k]),
        (2, 2, 1)
    );
    assert!((co.c_coefficient(t, k).unwrap() - 1.0 / 3.0).abs() < 1e-12);
    // Same coder at session level: Ana coded both in s1.
    let co = cooccurrence(
        &c,
        &CooccurSpec {
            level: Level::Session,
            same_coder: true,
            ..CooccurSpec::default()
        },
    )
    .unwrap();
    assert_eq!(co.counts[t][k], 1);
}

#[test]
fn the_c_coefficient_by_hand() {
    // Themes in 10 and 6 places, together in 4: 4 / (10 + 6 − 4) = 1/3.
    assert!((cooccur::c_coefficient(10, 6, 4).unwrap() - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(cooccur::c_coefficient(0, 0, 0), Some(0.0));
    assert_eq!(cooccur::c_coefficient(5, 0, 0), Some(0.0));
    assert_eq!(cooccur::c_coefficient(5, 5, 5), Some(1.0));
    // Pairs past 1: 3 / (2 + 2 − 3) = 3.
    assert_eq!(cooccur::c_coefficient(2, 2, 3), Some(3.0));
    // Two coders each code one sentence with two themes at slightly different bounds: every
    // trust passage overlaps every communication passage, 4 pairs of 2 + 2 passages; the
    // formula's denominator is 0 (and past it, negative): no value, never 0.
    assert_eq!(cooccur::c_coefficient(2, 2, 4), None);
    assert_eq!(cooccur::c_coefficient(5, 6, 15), None);
}

#[test]
fn terms_count_occurrences_and_rates() {
    let c = corpus();
    let t = terms(
        &c,
        &["trust".into(), "\"is better\"".into(), "fract*".into()],
        Dimension::Month,
        false,
        &Scope::default(),
    )
    .unwrap();
    // "trust": s1 "trust", s2 "Trust" (January). The phrase: s1. "fract*": s3 "fractured".
    assert_eq!(t.counts[0], [2.0, 0.0, 0.0]);
    assert_eq!(t.counts[1], [1.0, 0.0, 0.0]);
    assert_eq!(t.counts[2], [0.0, 0.0, 1.0]);
    // Words: s1 8, s2 6 (January 14), s3 6.
    assert_eq!(t.words, [14, 0, 6]);
    let t = terms(
        &c,
        &["trust".into()],
        Dimension::Month,
        true,
        &Scope::default(),
    )
    .unwrap();
    assert!((t.counts[0][0] - 2.0 * 10_000.0 / 14.0).abs() < 1e-9);
    assert!(terms(
        &c,
        &["agency:x".into()],
        Dimension::Month,
        false,
        &Scope::default()
    )
    .is_err());
    assert!(terms(
        &c,
        &["x".into()],
        Dimension::Coder,
        false,
        &Scope::default()
    )
    .is_err());
}

#[test]
fn concordance_lines_cite_their_session() {
    let c = corpus();
    let lines = kwic(&c, "trust", 10, &Scope::default()).unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (
            lines[0].left.as_str(),
            lines[0].hit.as_str(),
            lines[0].right.as_str()
        ),
        ("We ", "trust", " each othe")
    );
    assert_eq!((lines[0].start, lines[0].end), (3, 8));
    assert_eq!(
        lines[0].citation,
        "— coaching, CYFD, Doña Ana County, 10 January 2026, month 3 of the project"
    );
    assert_eq!(lines[1].hit, "Trust");
}

/// Reference values from SciPy 1.17.1 (`scipy.stats.power_divergence(f_obs=[a, b],
/// f_exp=[E1, E2], lambda_="log-likelihood")`, computed once with pip; the expected values as
/// Rayson & Garside 2000 define them): see docs/analysis.md, "Keywords".
#[test]
fn log_likelihood_matches_the_reference() {
    use language::log_likelihood;
    // a, b, c, d, G² (SciPy)
    let cases: [(u64, u64, u64, u64, f64); 4] = [
        (10, 5, 1000, 2000, 6.931471805599453),
        (30, 10, 10_000, 50_000, 66.16518772005773),
        (1, 1, 6, 14, 0.34870677428955565),
        (0, 12, 5_000, 5_000, 16.635532333438686),
    ];
    for (a, b, c, d, want) in cases {
        let got = log_likelihood(a, b, c, d);
        assert!(
            (got - want).abs() < 1e-6,
            "{a} {b} {c} {d}: {got} != {want}"
        );
    }
}

#[test]
fn keywords_of_a_month_against_the_rest() {
    let c = corpus();
    let k = keywords(
        &c,
        &KeywordSpec {
            by: Dimension::Month,
            column: "2026-03".into(),
            min: 1,
            limit: 10,
            scope: Scope::default(),
        },
    )
    .unwrap();
    let words: Vec<&str> = k.iter().map(|k| k.word.as_str()).collect();
    // March (s3, 6 words) against January (14 words): "and" is a stop word; adversarial,
    // fractured, meetings, failed occur only in March (G² equal, then by word);
    // communication once in each, a higher rate in March, so listed last.
    assert_eq!(
        words,
        [
            "adversarial",
            "failed",
            "fractured",
            "meetings",
            "communication"
        ]
    );
    assert_eq!((k[4].freq_in, k[4].freq_out), (1, 1));
    assert_eq!(k[4].g2, language::log_likelihood(1, 1, 6, 14));
    let err = keywords(
        &c,
        &KeywordSpec {
            by: Dimension::Month,
            column: "2027-01".into(),
            min: 1,
            limit: 10,
            scope: Scope::default(),
        },
    )
    .unwrap_err();
    assert!(err.contains("2026-01, 2026-02, 2026-03"), "{err}");
}

#[test]
fn names_parse_back() {
    for d in Dimension::ALL {
        assert_eq!(d.key().parse::<Dimension>().unwrap(), d);
    }
    for v in Value::ALL {
        assert_eq!(v.key().parse::<Value>().unwrap(), v);
    }
    assert_eq!("session".parse::<Level>().unwrap(), Level::Session);
    assert!("weekday".parse::<Dimension>().is_err());
}
