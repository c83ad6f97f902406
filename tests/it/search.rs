//! Search index, query language and evidence export, against an index in a temporary folder.

use chrono::{NaiveDate, TimeZone, Utc};
use ripple::core::codebook::Codebook;
use ripple::core::coding::{AnchorStatus, Coding, CodingId};
use ripple::core::evidence::{self, EvidenceFormat, EvidenceOptions, EvidenceSort};
use ripple::core::index::{HitKind, IndexError, IndexHealth, IndexItem, Results, SearchIndex};
use ripple::core::query::{parse, Query};
use ripple::core::session::{Session, SessionId, SessionMeta, SessionType};
use ripple::core::text::char_slice;
use std::path::Path;

struct Fixture {
    _dir: tempfile::TempDir,
    index: SearchIndex,
    codebook: Codebook,
}

// One positional argument per metadata field keeps the fixture table readable.
#[allow(clippy::too_many_arguments)]
fn session(
    id: &str,
    title: &str,
    date: &str,
    ty: SessionType,
    agencies: &[&str],
    county: &str,
    facilitator: &str,
    tags: &[&str],
    text: &str,
) -> Session {
    let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    Session {
        meta: SessionMeta {
            id: SessionId(id.to_string()),
            title: title.to_string(),
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            agencies: agencies.iter().map(|s| s.to_string()).collect(),
            session_type: ty,
            county: county.to_string(),
            facilitator: facilitator.to_string(),
            participants: Vec::new(),
            tags: tags.iter().map(|s| s.to_string()).collect(),
            created: t,
            updated: t,
        },
        text: text.to_string(),
    }
}

/// A coding of the first occurrence of `quote` in the session's text.
fn code(s: &Session, theme: &str, coder: &str, quote: &str, memo: &str) -> Coding {
    let b = s
        .text
        .find(quote)
        .unwrap_or_else(|| panic!("{quote:?} not in note"));
    let start = s.text[..b].chars().count();
    let end = start + quote.chars().count();
    let t = Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap();
    Coding {
        id: CodingId(format!("c-{}-{theme}-{start}", s.meta.id)),
        session: s.meta.id.clone(),
        theme: theme.to_string(),
        coder: coder.to_string(),
        start,
        end,
        quote: quote.to_string(),
        before: String::new(),
        after: String::new(),
        memo: memo.to_string(),
        status: AnchorStatus::Attached,
        created: t,
        updated: t,
    }
}

fn items() -> Vec<IndexItem> {
    let s1 = session(
        "s1",
        "Joint coaching: safety planning with fathers",
        "2026-06-14",
        SessionType::JointCoaching,
        &["CYFD", "La Casa"],
        "Doña Ana",
        "M. Rivera",
        &["fathers"],
        "Supervisors from both offices met. 🙂 They said trust between the agencies has grown \
         since the spring.\nFathers were engaged in safety planning for the first time. The \
         worker described the perpetrator's pattern of control.",
    );
    let s2 = session(
        "s2",
        "Coaching on case notes",
        "2026-03-10",
        SessionType::Coaching,
        &["CYFD"],
        "Bernalillo",
        "J. Chen",
        &[],
        "Communication improved after the leadership meeting. 我们的合作很好。 The team \
         wrote case notes that name the person who chose violence.",
    );
    let s3 = session(
        "s3",
        "Leadership meeting on roles",
        "2026-04-30",
        SessionType::LeadershipMeeting,
        &["La Casa"],
        "Doña Ana",
        "M. Rivera",
        &["leadership"],
        "Roles were unclear between advocates and investigators. The advocates described the \
         survivor's protective efforts: she kept the children at her mother's house.",
    );
    let s4 = session(
        "s4",
        "Training on perpetration patterns",
        "2026-05-01",
        SessionType::Training,
        &["CYFD", "La Casa"],
        "Otero",
        "A. Núñez",
        &["training"],
        "The training covered perpetration patterns and how to partner with survivors. \
         Trust in the new protocol was low at first.",
    );
    let c1 = vec![
        code(
            &s1,
            "trust",
            "Evaluator A",
            "trust between the agencies has grown since the spring",
            "Clear statement of growing trust.",
        ),
        code(
            &s1,
            "engaging-perpetrators",
            "Evaluator A",
            "Fathers were engaged in safety planning",
            "",
        ),
    ];
    let c2 = vec![
        code(
            &s2,
            "communication",
            "Evaluator B",
            "Communication improved after the leadership meeting.",
            "",
        ),
        code(
            &s2,
            "naming-choice",
            "Evaluator B",
            "我们的合作很好。",
            "合作 is cooperation",
        ),
    ];
    let c3 = vec![
        code(
            &s3,
            "roles",
            "Evaluator A",
            "Roles were unclear between advocates and investigators.",
            "",
        ),
        code(
            &s3,
            "protective-efforts",
            "Evaluator A",
            "she kept the children at her mother's house",
            "",
        ),
    ];
    let c4 = vec![code(
        &s4,
        "trust",
        "Evaluator B",
        "Trust in the new protocol was low at first.",
        "",
    )];
    vec![
        IndexItem {
            session: s1,
            codings: c1,
            memos: vec![(
                "Evaluator A".into(),
                "Strong session; follow up on fathers.".into(),
            )],
        },
        IndexItem {
            session: s2,
            codings: c2,
            memos: vec![],
        },
        IndexItem {
            session: s3,
            codings: c3,
            memos: vec![],
        },
        IndexItem {
            session: s4,
            codings: c4,
            memos: vec![],
        },
    ]
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let index_dir = dir.path().join("index");
    let (mut index, health) = SearchIndex::open(&index_dir).unwrap();
    assert_eq!(health, IndexHealth::Empty);
    let codebook = Codebook::builtin();
    let all = items();
    let n = all.len();
    let mut calls = Vec::new();
    let done = index
        .rebuild(all, n, &codebook, &mut |d, t| calls.push((d, t)))
        .unwrap();
    assert_eq!(done, 4);
    assert_eq!(calls.last(), Some(&(4, 4)));
    Fixture {
        _dir: dir,
        index,
        codebook,
    }
}

fn run(index: &SearchIndex, q: &str, kind: HitKind) -> Results {
    let query = parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    index.search(&query, kind, 50, 0).unwrap()
}

/// Session ids matching, sorted.
fn sessions(index: &SearchIndex, q: &str) -> Vec<String> {
    let mut v: Vec<String> = run(index, q, HitKind::Sessions)
        .hits
        .into_iter()
        .map(|h| h.session_id.0)
        .collect();
    v.sort();
    v
}

/// Passage quotes matching, sorted.
fn passages(index: &SearchIndex, q: &str) -> Vec<String> {
    let mut v: Vec<String> = run(index, q, HitKind::Passages)
        .hits
        .into_iter()
        .map(|h| h.quote_or_snippet)
        .collect();
    v.sort();
    v
}

#[test]
fn words_phrases_and_operators() {
    let f = fixture();
    let ix = &f.index;
    assert_eq!(sessions(ix, "trust"), ["s1", "s4"]);
    assert_eq!(sessions(ix, "trust agencies"), ["s1"]);
    assert_eq!(sessions(ix, "trust AND agencies"), ["s1"]);
    assert_eq!(sessions(ix, "\"trust between the agencies\""), ["s1"]);
    assert!(sessions(ix, "\"agencies between trust\"").is_empty());
    assert_eq!(sessions(ix, "roles OR communication"), ["s2", "s3"]);
    assert_eq!(sessions(ix, "trust NOT protocol"), ["s1"]);
    assert_eq!(sessions(ix, "trust -protocol"), ["s1"]);
    assert_eq!(sessions(ix, "+trust +protocol"), ["s4"]);
    assert_eq!(sessions(ix, "(roles OR fathers) advocates"), ["s3"]);
    // OR binds tighter than the implied AND.
    assert_eq!(
        sessions(ix, "survivors protective OR partner"),
        ["s3", "s4"]
    );
    assert_eq!(sessions(ix, "NOT trust"), ["s2", "s3"]);
    // The empty query matches everything.
    assert_eq!(sessions(ix, ""), ["s1", "s2", "s3", "s4"]);
}

#[test]
fn prefix_fuzzy_stemming_case_and_accents() {
    let f = fixture();
    let ix = &f.index;
    // Prefix on unstemmed words: "perpetrat*" finds perpetrator's and perpetration.
    assert_eq!(sessions(ix, "perpetrat*"), ["s1", "s4"]);
    assert_eq!(sessions(ix, "trsut~"), ["s1", "s4"]);
    assert!(sessions(ix, "trxsx~").is_empty());
    assert_eq!(sessions(ix, "trxsx~2"), ["s1", "s4"]);
    // Stemming: fathers → father, planned → plan.
    assert_eq!(sessions(ix, "father"), ["s1"]);
    assert_eq!(sessions(ix, "describing"), ["s1", "s3"]);
    // Case and accents.
    assert_eq!(sessions(ix, "TRUST"), ["s1", "s4"]);
    assert_eq!(sessions(ix, "county:dona"), ["s1", "s3"]);
    assert_eq!(sessions(ix, "county:\"DOÑA ANA\""), ["s1", "s3"]);
    assert_eq!(sessions(ix, "facilitator:nunez"), ["s4"]);
    assert_eq!(sessions(ix, "Nuñez"), Vec::<String>::new());
}

#[test]
fn field_filters_apply_to_sessions_and_passages() {
    let f = fixture();
    let ix = &f.index;
    assert_eq!(sessions(ix, "agency:\"La Casa\""), ["s1", "s3", "s4"]);
    assert_eq!(sessions(ix, "AGENCY:\"la casa\" trust"), ["s1", "s4"]);
    assert_eq!(sessions(ix, "agency:cyfd"), ["s1", "s2", "s4"]);
    assert_eq!(sessions(ix, "type:joint-coaching"), ["s1"]);
    assert_eq!(sessions(ix, "type:\"joint coaching\""), ["s1"]);
    assert_eq!(sessions(ix, "type:joint_coaching"), ["s1"]);
    assert_eq!(sessions(ix, "type:coaching"), ["s2"]);
    assert_eq!(sessions(ix, "facilitator:rivera"), ["s1", "s3"]);
    assert_eq!(sessions(ix, "coder:\"evaluator b\""), ["s2", "s4"]);
    assert_eq!(sessions(ix, "tag:fathers"), ["s1"]);
    assert_eq!(sessions(ix, "title:roles"), ["s3"]);
    assert_eq!(sessions(ix, "memo:follow"), ["s1"]);
    // Passages carry their session's metadata.
    assert_eq!(
        passages(ix, "agency:\"La Casa\" trust"),
        [
            "Trust in the new protocol was low at first.",
            "trust between the agencies has grown since the spring"
        ]
    );
    assert_eq!(
        passages(ix, "coder:\"Evaluator B\" type:training"),
        ["Trust in the new protocol was low at first."]
    );
    // A passage's memo is searched with its quote.
    assert_eq!(
        passages(ix, "growing"),
        ["trust between the agencies has grown since the spring"]
    );
}

#[test]
fn dates_ranges_months_and_open_ends() {
    let f = fixture();
    let ix = &f.index;
    assert_eq!(sessions(ix, "date:2026-03-01..2026-04-30"), ["s2", "s3"]);
    assert_eq!(sessions(ix, "date:2026-04"), ["s3"]);
    assert_eq!(sessions(ix, "date:2026-05"), ["s4"]);
    assert_eq!(sessions(ix, "date:2026"), ["s1", "s2", "s3", "s4"]);
    assert!(sessions(ix, "date:2025").is_empty());
    assert_eq!(sessions(ix, "date:2026-05.."), ["s1", "s4"]);
    assert_eq!(sessions(ix, "date:..2026-04"), ["s2", "s3"]);
    assert_eq!(sessions(ix, "date:2026-04-30"), ["s3"]);
    // after: is strictly after the day (or month); before: strictly before.
    assert_eq!(sessions(ix, "after:2026-04-30"), ["s1", "s4"]);
    assert_eq!(sessions(ix, "after:2026-04-29"), ["s1", "s3", "s4"]);
    assert_eq!(sessions(ix, "after:2026-04"), ["s1", "s4"]);
    assert_eq!(sessions(ix, "before:2026-05-01"), ["s2", "s3"]);
    assert_eq!(sessions(ix, "before:2026-05"), ["s2", "s3"]);
    // The question from the brief.
    assert_eq!(
        passages(ix, "trust agency:\"La Casa\" after:2026-04"),
        [
            "Trust in the new protocol was low at first.",
            "trust between the agencies has grown since the spring"
        ]
    );
}

/// Dates are one field shared by sessions and passages: a date on its own, in an OR, or
/// negated still returns only the kind asked for.
#[test]
fn date_filters_keep_to_the_kind_searched() {
    let f = fixture();
    let ix = &f.index;
    for q in [
        "date:2026",
        "after:2026-04 OR trust",
        "trust OR after:2026-04",
        "-after:2026-04",
        "NOT date:2026-04",
        "(after:2026-04 OR roles) -court",
    ] {
        let s = run(ix, q, HitKind::Sessions);
        assert!(
            s.hits.iter().all(|h| h.coding_id.is_none()),
            "{q}: a passage among sessions"
        );
        let p = run(ix, q, HitKind::Passages);
        assert!(
            p.hits.iter().all(|h| h.coding_id.is_some()),
            "{q}: a session among passages"
        );
        assert_eq!(s.total, s.hits.len(), "{q}");
        assert_eq!(p.total, p.hits.len(), "{q}");
    }
    assert_eq!(run(ix, "date:2026", HitKind::Sessions).total, 4);
    assert_eq!(run(ix, "date:2026", HitKind::Passages).total, 7);
    assert_eq!(sessions(ix, "after:2026-04 OR roles"), ["s1", "s3", "s4"]);
}

/// A phrase in a keyword field matches values holding those words in that order, whole or
/// in part, like a phrase in text.
#[test]
fn keyword_phrases_match_whole_and_partial_values() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ix, _) = SearchIndex::open(&dir.path().join("index")).unwrap();
    let mk = |id: &str, agencies: &[&str], county: &str| IndexItem {
        session: session(
            id,
            "Check-in",
            "2026-05-01",
            SessionType::JointCoaching,
            agencies,
            county,
            "Ana Núñez",
            &["Follow-up Plan"],
            "Notes.",
        ),
        codings: vec![],
        memos: vec![],
    };
    let items = vec![
        mk("a", &["La Casa"], "Doña Ana"),
        mk("b", &["La Casa de Paz", "CYFD"], "Sierra"),
        mk("c", &["Casa La Familia"], "Doña Ana County"),
        mk("d", &["CYFD"], "Ana"),
    ];
    ix.rebuild(items, 4, &Codebook::builtin(), &mut |_, _| {})
        .unwrap();
    let ids = |q: &str| -> Vec<String> {
        let r = ix
            .search_page(&parse(q).unwrap(), HitKind::Sessions, 10, 0, false)
            .unwrap();
        let mut v: Vec<String> = r.hits.into_iter().map(|h| h.session_id.0).collect();
        v.sort();
        assert_eq!(v.len(), r.total, "{q}");
        v
    };
    assert_eq!(ids("agency:\"La Casa\""), ["a", "b"]);
    assert_eq!(ids("agency:\"la casa de\""), ["b"]);
    assert_eq!(ids("agency:\"casa la\""), ["c"]);
    assert_eq!(ids("agency:\"LA  CASA\""), ["a", "b"]);
    assert!(ids("agency:\"casa de la\"").is_empty());
    assert_eq!(ids("county:\"dona ana\""), ["a", "c"]);
    assert_eq!(ids("county:\"ana county\""), ["c"]);
    assert_eq!(ids("facilitator:\"ana nunez\""), ["a", "b", "c", "d"]);
    assert_eq!(ids("tag:\"follow up plan\""), ["a", "b", "c", "d"]);
    assert_eq!(ids("agency:casa"), ["a", "b", "c"]);
    assert_eq!(ids("agency:\"la casa\" -agency:paz"), ["a"]);
}

#[test]
fn theme_parent_includes_children() {
    let f = fixture();
    let ix = &f.index;
    let collab = passages(ix, "theme:collaboration");
    assert_eq!(collab.len(), 4, "{collab:?}"); // 2 trust, communication, roles
    assert_eq!(passages(ix, "theme:trust").len(), 2);
    assert_eq!(passages(ix, "THEME:Trust").len(), 2);
    assert_eq!(passages(ix, "theme:practice").len(), 1);
    assert_eq!(passages(ix, "theme:shared-language").len(), 2);
    assert_eq!(sessions(ix, "theme:trust"), ["s1", "s4"]);
    assert_eq!(passages(ix, "theme:collaboration -theme:trust").len(), 2);
    // Unknown theme: an error pointing at the value.
    let q = parse("trust theme:trusst").unwrap();
    match ix.search(&q, HitKind::Passages, 10, 0) {
        Err(IndexError::Query(e)) => {
            assert_eq!((e.start, e.end), (12, 18));
            assert!(e.message.contains("trust"), "{}", e.message);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn facets_count_themes_agencies_and_months() {
    let f = fixture();
    let r = run(&f.index, "", HitKind::Passages);
    assert_eq!(r.total, 7);
    let get = |v: &[(String, u64)], k: &str| v.iter().find(|(x, _)| x == k).map(|x| x.1);
    assert_eq!(get(&r.facets.themes, "collaboration"), Some(4));
    assert_eq!(get(&r.facets.themes, "trust"), Some(2));
    assert_eq!(get(&r.facets.agencies, "La Casa"), Some(5));
    assert_eq!(get(&r.facets.agencies, "CYFD"), Some(5));
    assert_eq!(
        r.facets.months,
        vec![
            ("2026-03".to_string(), 2),
            ("2026-04".to_string(), 2),
            ("2026-05".to_string(), 1),
            ("2026-06".to_string(), 2)
        ]
    );
}

#[test]
fn highlights_are_code_points_even_after_emoji() {
    let f = fixture();
    let r = run(&f.index, "trust", HitKind::Sessions);
    let s1 = r.hits.iter().find(|h| h.session_id.0 == "s1").unwrap();
    assert!(s1.quote_or_snippet.contains('🙂'));
    assert!(!s1.highlights.is_empty());
    for (a, b) in &s1.highlights {
        assert_eq!(
            char_slice(&s1.quote_or_snippet, *a, *b).to_lowercase(),
            "trust"
        );
    }
    // The snippet's own position in the note is in code points too.
    let note = &items()[0].session.text;
    assert_eq!(
        char_slice(note, s1.start, s1.end),
        s1.quote_or_snippet.as_str()
    );

    // Passages: the whole quote, highlights within it; prefix and fuzzy terms highlight the
    // words they matched.
    let r = run(&f.index, "grow* agencie~", HitKind::Passages);
    assert_eq!(r.hits.len(), 1);
    let h = &r.hits[0];
    assert_eq!(
        h.quote_or_snippet,
        "trust between the agencies has grown since the spring"
    );
    let marked: Vec<&str> = h
        .highlights
        .iter()
        .map(|(a, b)| char_slice(&h.quote_or_snippet, *a, *b))
        .collect();
    assert_eq!(marked, ["agencies", "grown"]);
    assert_eq!(
        char_slice(&items()[0].session.text, h.start, h.end),
        h.quote_or_snippet
    );
}

#[test]
fn cjk_text_is_findable() {
    let f = fixture();
    let ix = &f.index;
    assert_eq!(sessions(ix, "我们"), ["s2"]);
    assert_eq!(sessions(ix, "合作"), ["s2"]);
    assert_eq!(sessions(ix, "合"), ["s2"]);
    assert!(sessions(ix, "我作").is_empty());
    let r = run(ix, "合作", HitKind::Passages);
    assert_eq!(r.hits.len(), 1);
    let h = &r.hits[0];
    let marked: Vec<&str> = h
        .highlights
        .iter()
        .map(|(a, b)| char_slice(&h.quote_or_snippet, *a, *b))
        .collect();
    assert_eq!(marked, ["合作"]);
    let r = run(ix, "我们", HitKind::Sessions);
    let h = &r.hits[0];
    assert_eq!(
        h.highlights
            .iter()
            .map(|(a, b)| char_slice(&h.quote_or_snippet, *a, *b))
            .collect::<Vec<_>>(),
        ["我们"]
    );
}

#[test]
fn saving_a_session_replaces_it_and_is_searchable_at_once() {
    let mut f = fixture();
    let mut item = items().remove(2);
    item.session.text.push_str(" A new word: kaleidoscope.");
    f.index
        .index_session(&item.session, &item.codings, &item.memos, &f.codebook)
        .unwrap();
    f.index.commit().unwrap();
    assert_eq!(sessions(&f.index, "kaleidoscope"), ["s3"]);
    // Replaced, not duplicated.
    assert_eq!(sessions(&f.index, "roles"), ["s3"]);
    assert_eq!(passages(&f.index, "theme:roles").len(), 1);
    f.index.remove_session(&SessionId("s3".into())).unwrap();
    f.index.commit().unwrap();
    assert!(sessions(&f.index, "kaleidoscope").is_empty());
    assert!(passages(&f.index, "theme:roles").is_empty());
    assert_eq!(f.index.session_count().unwrap(), 3);
}

/// The results page without facet counts (counted apart from ranking for term queries) gives
/// the same total and hits as the full search, also once a re-index has left deleted documents.
#[test]
fn a_page_without_facets_counts_and_ranks_like_a_full_search() {
    let mut f = fixture();
    let queries = [
        "trust",
        "trust agencies",
        "roles OR communication",
        "\"trust between the agencies\"",
        "trust -protocol",
        "perpetrat*",
        "theme:collaboration",
        "",
    ];
    let compare = |ix: &SearchIndex| {
        for q in queries {
            let query = parse(q).unwrap();
            for kind in [HitKind::Sessions, HitKind::Passages] {
                let full = ix.search(&query, kind, 50, 0).unwrap();
                // A page shorter than the matches: the total is not the page's length.
                let page = ix.search_page(&query, kind, 1, 0, false).unwrap();
                assert_eq!(page.total, full.total, "{q} {kind:?}");
                assert_eq!(
                    page.hits[..],
                    full.hits[..full.total.min(1)],
                    "{q} {kind:?}"
                );
                assert_eq!(full.total, full.hits.len(), "{q} {kind:?}");
            }
        }
    };
    compare(&f.index);
    for item in items() {
        f.index
            .index_session(&item.session, &item.codings, &item.memos, &f.codebook)
            .unwrap();
    }
    f.index.commit().unwrap();
    compare(&f.index);
    assert_eq!(sessions(&f.index, "trust"), ["s1", "s4"]);
    assert_eq!(run(&f.index, "trust", HitKind::Sessions).total, 2);
}

#[test]
fn paging_with_offset() {
    let f = fixture();
    let q = Query::all();
    let all = f.index.search(&q, HitKind::Passages, 10, 0).unwrap();
    let p1 = f.index.search(&q, HitKind::Passages, 3, 0).unwrap();
    let p2 = f.index.search(&q, HitKind::Passages, 3, 3).unwrap();
    assert_eq!(p1.total, 7);
    assert_eq!(p2.hits.len(), 3);
    let ids: Vec<_> = p1
        .hits
        .iter()
        .chain(&p2.hits)
        .map(|h| &h.coding_id)
        .collect();
    let want: Vec<_> = all.hits.iter().take(6).map(|h| &h.coding_id).collect();
    assert_eq!(ids, want);
    let none = f.index.search(&q, HitKind::Passages, 0, 0).unwrap();
    assert_eq!((none.total, none.hits.len()), (7, 0));
}

fn fill(dir: &Path) -> SearchIndex {
    let (mut ix, _) = SearchIndex::open(dir).unwrap();
    let all = items();
    ix.rebuild(all, 4, &Codebook::builtin(), &mut |_, _| {})
        .unwrap();
    ix
}

#[test]
fn missing_index_folder_is_recreated() {
    let dir = tempfile::tempdir().unwrap();
    let ix_dir = dir.path().join("ix");
    drop(fill(&ix_dir));
    std::fs::remove_dir_all(&ix_dir).unwrap();
    let (ix, health) = SearchIndex::open(&ix_dir).unwrap();
    assert_eq!(health, IndexHealth::Empty);
    assert_eq!(ix.session_count().unwrap(), 0);
    drop(ix);
    // Reopened after a rebuild: Ok and searchable.
    drop(fill(&ix_dir));
    let (mut ix, health) = SearchIndex::open(&ix_dir).unwrap();
    assert_eq!(health, IndexHealth::Ok);
    ix.set_codebook(Codebook::builtin());
    assert_eq!(sessions(&ix, "theme:trust"), ["s1", "s4"]);
}

#[test]
fn corrupt_index_is_moved_aside_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let ix_dir = dir.path().join("ix");
    drop(fill(&ix_dir));
    // Truncate every segment file.
    for e in std::fs::read_dir(&ix_dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".store") || name.ends_with(".idx") || name.ends_with(".term") {
            let bytes = std::fs::read(&p).unwrap();
            std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
        }
    }
    let (ix, health) = SearchIndex::open(&ix_dir).unwrap();
    assert!(matches!(health, IndexHealth::Rebuilt { .. }), "{health:?}");
    assert!(dir.path().join("ix.broken").is_dir());
    assert_eq!(ix.session_count().unwrap(), 0);
    drop(ix);

    // Garbage meta.json.
    drop(fill(&ix_dir));
    std::fs::write(ix_dir.join("meta.json"), b"{ not json").unwrap();
    let (mut ix, health) = SearchIndex::open(&ix_dir).unwrap();
    assert!(matches!(health, IndexHealth::Rebuilt { .. }));
    ix.rebuild(items(), 4, &Codebook::builtin(), &mut |_, _| {})
        .unwrap();
    assert_eq!(sessions(&ix, "trust"), ["s1", "s4"]);
}

#[test]
fn outdated_schema_marker_means_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let ix_dir = dir.path().join("ix");
    drop(fill(&ix_dir));
    std::fs::write(ix_dir.join("ripple-index-version"), "0\n").unwrap();
    let (_ix, health) = SearchIndex::open(&ix_dir).unwrap();
    match health {
        IndexHealth::Rebuilt { reason } => assert!(reason.contains("version 0"), "{reason}"),
        other => panic!("{other:?}"),
    }
    drop(_ix);
    drop(fill(&ix_dir));
    std::fs::remove_file(ix_dir.join("ripple-index-version")).unwrap();
    let (_ix, health) = SearchIndex::open(&ix_dir).unwrap();
    assert!(health.needs_rebuild());
}

/// The index holds stems; prefix and fuzzy words go through its list of words as written,
/// which must survive a reopen, grow with each save and serve a read-only instance.
#[test]
fn prefix_and_fuzzy_words_survive_reopen_saves_and_read_only_use() {
    let dir = tempfile::tempdir().unwrap();
    let ix_dir = dir.path().join("ix");
    drop(fill(&ix_dir));
    let (mut ix, health) = SearchIndex::open(&ix_dir).unwrap();
    assert_eq!(health, IndexHealth::Ok);
    ix.set_codebook(Codebook::builtin());
    assert_eq!(sessions(&ix, "perpetrat*"), ["s1", "s4"]);
    assert_eq!(sessions(&ix, "trsut~"), ["s1", "s4"]);
    // A word first written in a save is found by prefix and typo at once, and after a reopen.
    let mut item = items().remove(2);
    item.session.text.push_str(" Kaleidoscopes of support.");
    ix.index_session(
        &item.session,
        &item.codings,
        &item.memos,
        &Codebook::builtin(),
    )
    .unwrap();
    ix.commit().unwrap();
    assert_eq!(sessions(&ix, "kaleido*"), ["s3"]);
    assert_eq!(sessions(&ix, "kaleidoscopse~"), ["s3"]);
    // The word itself finds its plural by the stem.
    assert_eq!(sessions(&ix, "kaleidoscope"), ["s3"]);
    let mut ro = SearchIndex::open_read_only(&ix_dir).unwrap();
    ro.set_codebook(Codebook::builtin());
    assert_eq!(sessions(&ro, "kaleido*"), ["s3"]);
    drop(ro);
    drop(ix);
    let (mut ix, health) = SearchIndex::open(&ix_dir).unwrap();
    assert_eq!(health, IndexHealth::Ok);
    ix.set_codebook(Codebook::builtin());
    assert_eq!(sessions(&ix, "kaleido*"), ["s3"]);
    drop(ix);
    // Without its word list the index cannot answer prefixes: it is rebuilt.
    std::fs::remove_file(ix_dir.join(ripple::core::vocabulary::VOCABULARY_FILE)).unwrap();
    let (_ix, health) = SearchIndex::open(&ix_dir).unwrap();
    match health {
        IndexHealth::Rebuilt { reason } => assert!(reason.contains("word list"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn refuses_a_store_folder_as_index() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ripple.toml"), "format = 1\n").unwrap();
    assert!(matches!(
        SearchIndex::open(dir.path()),
        Err(IndexError::NotAnIndex(_))
    ));
    assert!(dir.path().join("ripple.toml").exists());
}

#[test]
fn second_open_is_locked_but_read_only_still_searches() {
    let dir = tempfile::tempdir().unwrap();
    let ix_dir = dir.path().join("ix");
    let mut writer = fill(&ix_dir);
    assert!(matches!(
        SearchIndex::open(&ix_dir),
        Err(IndexError::Locked(_))
    ));
    let mut ro = SearchIndex::open_read_only(&ix_dir).unwrap();
    assert!(ro.is_read_only());
    ro.set_codebook(Codebook::builtin());
    assert_eq!(sessions(&ro, "trust"), ["s1", "s4"]);
    assert!(matches!(ro.commit(), Err(IndexError::ReadOnly)));
    // The writer still works while the reader is open.
    writer.remove_session(&SessionId("s4".into())).unwrap();
    writer.commit().unwrap();
    assert_eq!(sessions(&writer, "trust"), ["s1"]);
}

#[test]
fn evidence_markdown_csv_json_and_deidentify() {
    let f = fixture();
    let opts = EvidenceOptions {
        query: parse("").unwrap(),
        theme: Some("collaboration".into()),
        sort: EvidenceSort::Date,
        include_memos: true,
        ..Default::default()
    };
    let items = evidence::gather(&f.index, &f.codebook, &opts).unwrap();
    assert_eq!(items.len(), 4);
    // Grouped by theme in codebook order, by date within a theme.
    let themes: Vec<&str> = items.iter().map(|i| i.theme.as_str()).collect();
    assert_eq!(themes, ["trust", "trust", "communication", "roles"]);
    assert!(items[0].date < items[1].date);
    let md = String::from_utf8(evidence::render(&items, EvidenceFormat::Markdown, &opts).unwrap())
        .unwrap();
    assert!(md.contains("## Trust\n"), "{md}");
    assert!(md.contains(
        "> trust between the agencies has grown since the spring\n\n— joint coaching, CYFD & La Casa, Doña Ana County, 14 June 2026\n\n*Clear statement of growing trust.*"
    ), "{md}");
    let trust_item = &items[1];
    assert_eq!(trust_item.context_before, "both offices met. 🙂 They said");
    assert_eq!(trust_item.context_after, ". Fathers were engaged in safety");
    assert_eq!(trust_item.facilitator.as_deref(), Some("M. Rivera"));

    let csv_text =
        String::from_utf8(evidence::render(&items, EvidenceFormat::Csv, &opts).unwrap()).unwrap();
    let mut rd = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = rd.headers().unwrap().clone();
    assert!(headers.iter().any(|h| h == "facilitator"));
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 4);
    let qi = headers.iter().position(|h| h == "quote").unwrap();
    assert_eq!(
        &rows[1][qi],
        "trust between the agencies has grown since the spring"
    );

    let json: serde_json::Value = serde_json::from_str(
        &String::from_utf8(evidence::render(&items, EvidenceFormat::Json, &opts).unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(json.as_array().unwrap().len(), 4);
    assert_eq!(json[1]["session_id"], "s1");

    // De-identified: no facilitator, coder or ids; listed terms redacted.
    let opts = EvidenceOptions {
        query: parse("trust").unwrap(),
        deidentify: true,
        redact_terms: vec!["agencies".into(), "Rivera".into()],
        ..Default::default()
    };
    let items = evidence::gather(&f.index, &f.codebook, &opts).unwrap();
    assert_eq!(items.len(), 2);
    let s1 = items
        .iter()
        .find(|i| i.date.to_string() == "2026-06-14")
        .unwrap();
    assert_eq!(
        s1.quote,
        "trust between the [redacted] has grown since the spring"
    );
    assert!(s1.facilitator.is_none() && s1.session_id.is_none() && s1.coder.is_none());
    let csv_text =
        String::from_utf8(evidence::render(&items, EvidenceFormat::Csv, &opts).unwrap()).unwrap();
    assert!(!csv_text.contains("Rivera") && !csv_text.contains("facilitator"));
    let json =
        String::from_utf8(evidence::render(&items, EvidenceFormat::Json, &opts).unwrap()).unwrap();
    assert!(!json.contains("session_id") && !json.contains("\"s1\""));
}

#[test]
fn evidence_merges_the_same_passage_coded_by_two_coders() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ix, _) = SearchIndex::open(&dir.path().join("ix")).unwrap();
    let mut item = items().remove(0);
    let quote = "trust between the agencies has grown since the spring";
    let mut second = code(&item.session, "trust", "Evaluator B", quote, "B agrees.");
    second.id = CodingId("other".into());
    item.codings.push(second);
    let cb = Codebook::builtin();
    ix.rebuild(vec![item], 1, &cb, &mut |_, _| {}).unwrap();
    let opts = EvidenceOptions {
        theme: Some("trust".into()),
        ..Default::default()
    };
    let got = evidence::gather(&ix, &cb, &opts).unwrap();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        got[0].memo,
        "Clear statement of growing trust.\n\nB agrees."
    );
    assert_eq!(got[0].coder.as_deref(), Some("Evaluator A, Evaluator B"));
    // Two passages in search results: each coder's coding is its own hit.
    assert_eq!(passages(&ix, "theme:trust").len(), 2);
}

#[test]
fn demo_store_is_searchable() {
    use ripple::core::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    ripple::core::demo::write_demo_store(&root).unwrap();
    let store = Store::open(&root).unwrap();
    let scan = store.scan();
    assert!(scan.problems.is_empty(), "{:?}", scan.problems);
    let (files, errors) = ripple::core::coding_store::load_all(&root);
    assert!(errors.is_empty());
    let mut all = Vec::new();
    for s in &scan.sessions {
        let session = store.load(&s.meta.id).unwrap();
        let codings: Vec<Coding> = files
            .iter()
            .filter(|f| f.session == s.meta.id)
            .flat_map(|f| f.codings.clone())
            .collect();
        all.push(IndexItem {
            session,
            codings,
            memos: vec![],
        });
    }
    let n = all.len();
    let cb = Codebook::load_or_builtin(&root.join("codebook.toml")).unwrap();
    let (mut ix, _) = SearchIndex::open(&dir.path().join("ix")).unwrap();
    ix.rebuild(all, n, &cb, &mut |_, _| {}).unwrap();
    let r = run(&ix, "trust agency:\"La Casa\"", HitKind::Passages);
    assert!(r.total > 0);
    for h in &r.hits {
        assert!(h.agencies.iter().any(|a| a == "La Casa"));
        assert!(h.themes.iter().all(|t| !t.is_empty()));
    }
    // Every passage's offsets point at its quote in the note.
    let r = run(&ix, "", HitKind::Passages);
    assert!(r.total > 10);
    for h in r.hits {
        let note = store.load(&h.session_id).unwrap().text;
        assert_eq!(char_slice(&note, h.start, h.end), h.quote_or_snippet);
    }
    let collab = run(&ix, "theme:collaboration", HitKind::Passages).total;
    let trust = run(&ix, "theme:trust", HitKind::Passages).total;
    assert!(collab > trust && trust > 0);
}

#[test]
fn an_index_being_rebuilt_elsewhere_is_not_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let ix_dir = dir.path().join("ix");
    // A fresh index whose first rebuild has not finished: no version marker yet.
    let (writer, health) = SearchIndex::open(&ix_dir).unwrap();
    assert_eq!(health, IndexHealth::Empty);
    assert!(matches!(
        SearchIndex::open(&ix_dir),
        Err(IndexError::Locked(_))
    ));
    assert!(SearchIndex::open_read_only(&ix_dir).is_err());
    assert!(!dir.path().join("ix.broken").exists());
    drop(writer);
    let (_ix, health) = SearchIndex::open(&ix_dir).unwrap();
    assert!(health.needs_rebuild());
}

#[test]
fn the_index_can_live_on_a_worker_thread() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SearchIndex>();
    assert_send_sync::<Results>();
    let mut f = fixture();
    let item = items().remove(1);
    let cb = f.codebook.clone();
    let handle = std::thread::spawn(move || {
        f.index
            .index_session(&item.session, &item.codings, &item.memos, &cb)
            .unwrap();
        f.index.commit().unwrap();
        f
    });
    let f = handle.join().unwrap();
    assert_eq!(sessions(&f.index, "我们"), ["s2"]);
}

/// An export gathers every passage, not one page of hits: more codings than `MAX_PAGE` (10,000
/// hits a search answers at once) all come out, each once.
#[test]
fn evidence_gathers_every_passage_past_a_page_of_hits() {
    const SESSIONS: usize = 101;
    const WORDS: usize = 100;
    const { assert!(SESSIONS * WORDS > ripple::core::index::MAX_PAGE) };
    let items: Vec<IndexItem> = (0..SESSIONS)
        .map(|k| {
            let words: Vec<String> = (0..WORDS).map(|i| format!("w{k}x{i}")).collect();
            let s = session(
                &format!("s{k}"),
                "A long training",
                "2026-06-02",
                SessionType::Training,
                &["CYFD"],
                "Otero",
                "M. Rivera",
                &[],
                &words.join(" "),
            );
            // One trust coding per word, each its own span.
            let codings = words
                .iter()
                .map(|w| code(&s, "trust", "Ana", w, ""))
                .collect();
            IndexItem {
                session: s,
                codings,
                memos: vec![],
            }
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let (mut index, _) = SearchIndex::open(&dir.path().join("index")).unwrap();
    let codebook = Codebook::builtin();
    index
        .rebuild(items, SESSIONS, &codebook, &mut |_, _| {})
        .unwrap();
    let opts = EvidenceOptions {
        query: parse("").unwrap(),
        theme: Some("trust".into()),
        ..Default::default()
    };
    let items = evidence::gather(&index, &codebook, &opts).unwrap();
    assert_eq!(items.len(), SESSIONS * WORDS);
    let quotes: std::collections::HashSet<&str> = items.iter().map(|i| i.quote.as_str()).collect();
    assert_eq!(quotes.len(), SESSIONS * WORDS, "each passage once");
}
