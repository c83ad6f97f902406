//! Results and passages for the search and evidence tests.

use crate::core::evidence::EvidenceItem;
use crate::core::index::{Hit, HitKind, Results};
use crate::core::session::SessionId;

/// `n` hits in total of each kind, none loaded.
pub fn results(n: usize) -> Box<(Results, Results)> {
    let r = Results {
        total: n,
        ..Results::default()
    };
    Box::new((r.clone(), r))
}

/// A passage of session `s1` coded by `coder`.
pub fn passage(coder: &str) -> Hit {
    Hit {
        kind: HitKind::Passages,
        session_id: SessionId("s1".into()),
        coding_id: Some(format!("c-{coder}")),
        title: "Kickoff".into(),
        date: chrono::NaiveDate::default(),
        agencies: vec![],
        session_type: Default::default(),
        county: String::new(),
        facilitator: String::new(),
        themes: vec!["trust".into()],
        coder: coder.into(),
        memo: String::new(),
        quote_or_snippet: "the same words".into(),
        highlights: vec![],
        start: 0,
        end: 14,
        score: 1.0,
    }
}

/// A trust passage titled `title` at `start`, of `session` if any.
pub fn evidence_item(title: &str, start: usize, session: Option<&str>) -> EvidenceItem {
    EvidenceItem {
        theme: "trust".into(),
        theme_name: "Trust".into(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 6, 2).unwrap(),
        session_type: "joint coaching".into(),
        agencies: vec!["CYFD".into()],
        county: "Doña Ana".into(),
        title: title.into(),
        quote: format!("quote of {title}"),
        context_before: String::new(),
        context_after: String::new(),
        memo: String::new(),
        facilitator: None,
        coder: None,
        coders: Vec::new(),
        session_id: session.map(String::from),
        coding_id: None,
        start,
        end: start + 5,
        project_month: None,
        memos: Vec::new(),
        merged: 0,
    }
}
