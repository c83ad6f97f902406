//! The index's faster paths (two-word phrases from the word-pair field, facet counts tallied
//! from the facet column) against the reference paths (tantivy's phrase query and
//! `FacetCollector`): the same totals, hits, scores, order and facet counts, over varied text
//! (accents, stems, CJK, emoji, over-long words, repeated words) in several segments with
//! replaced (deleted) documents.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use ripple::core::codebook::Codebook;
use ripple::core::coding::{AnchorStatus, Coding, CodingId};
use ripple::core::index::{HitKind, IndexItem, Order, Results, SearchIndex};
use ripple::core::query::parse;
use ripple::core::session::{Session, SessionId, SessionMeta, SessionType};

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Words as written: accents and their folded forms, stems of one another, CJK, emoji, a word
/// longer than the index keeps, punctuation between words.
const WORDS: &[&str] = &[
    "safety",
    "planning",
    "Safety",
    "plans",
    "planned",
    "trust",
    "trusting",
    "doña",
    "dona",
    "María",
    "maria",
    "café",
    "cafe",
    "naïve",
    "fathers",
    "father's",
    "the",
    "a",
    "of",
    "我们的",
    "我们",
    "合作",
    "❤️",
    "👩‍👧",
    "★",
    "court",
    "partnership",
    "CYFD",
    "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogochllanfairpwllgwyngyll",
    "—",
    ",",
    ".",
    "well-being",
    "co-parenting",
    "2026",
];

const THEMES: &[&str] = &[
    "trust",
    "communication",
    "roles",
    "collaboration",
    "practice",
];
const AGENCIES: &[&str] = &["La Casa", "CYFD", "Peña Blanca", "東京"];

/// `min` words and up to `spread - 1` more.
fn text(rng: &mut Rng, min: usize, spread: usize) -> String {
    let mut out = String::new();
    for _ in 0..min + rng.below(spread) {
        out.push_str(WORDS[rng.below(WORDS.len())]);
        out.push(if rng.below(6) == 0 { '\n' } else { ' ' });
    }
    out
}

fn item(rng: &mut Rng, i: usize) -> IndexItem {
    let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let note = text(rng, 10, 60);
    let id = SessionId(format!("s{i}"));
    let chars = note.chars().count();
    let codings = (0..rng.below(4))
        .map(|k| {
            let start = rng.below(chars);
            let end = (start + 1 + rng.below(30)).min(chars);
            Coding {
                id: CodingId(format!("c{i}-{k}")),
                session: id.clone(),
                theme: THEMES[rng.below(THEMES.len())].to_string(),
                coder: ["ana", "ben"][k % 2].to_string(),
                start,
                end,
                quote: note.chars().skip(start).take(end - start).collect(),
                before: String::new(),
                after: String::new(),
                memo: text(rng, 0, 4),
                status: AnchorStatus::Attached,
                created: t,
                updated: t,
            }
        })
        .collect();
    let agencies = (0..1 + rng.below(2))
        .map(|_| AGENCIES[rng.below(AGENCIES.len())].to_string())
        .collect();
    IndexItem {
        session: Session {
            meta: SessionMeta {
                id,
                title: text(rng, 1, 4),
                date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
                    + Duration::days(rng.below(300) as i64),
                agencies,
                session_type: SessionType::default(),
                county: "Doña Ana".into(),
                facilitator: "Sam".into(),
                participants: Vec::new(),
                tags: Vec::new(),
                created: t,
                updated: t,
            },
            text: note,
        },
        codings,
        memos: vec![("ana".into(), text(rng, 0, 8))],
    }
}

fn both(index: &mut SearchIndex, q: &str, kind: HitKind, order: Order) -> (Results, Results) {
    let query = parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    index.set_reference_paths(false);
    let fast = index
        .search_ordered(&query, kind, 40, 0, true, order)
        .unwrap();
    let fast_page = index
        .search_ordered(&query, kind, 40, 0, false, order)
        .unwrap();
    index.set_reference_paths(true);
    let reference = index
        .search_ordered(&query, kind, 40, 0, true, order)
        .unwrap();
    index.set_reference_paths(false);
    assert_eq!(
        fast_page.total, fast.total,
        "{q} ({kind:?}): count without facets"
    );
    assert_eq!(
        fast_page.hits, fast.hits,
        "{q} ({kind:?}): page without facets"
    );
    (fast, reference)
}

#[test]
fn faster_paths_give_the_reference_results_on_varied_text() {
    let dir = tempfile::tempdir().unwrap();
    let (mut index, _) = SearchIndex::open(&dir.path().join("index")).unwrap();
    let codebook = Codebook::builtin();
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let first: Vec<IndexItem> = (0..120).map(|i| item(&mut rng, i)).collect();
    index
        .rebuild(first, 120, &codebook, &mut |_, _| {})
        .unwrap();
    // More segments: new sessions, and sessions saved again (their old documents deleted).
    for round in 0..3 {
        for k in 0..25 {
            let i = if k % 2 == 0 {
                120 + round * 25 + k
            } else {
                rng.below(120)
            };
            let it = item(&mut rng, i);
            index
                .index_session(&it.session, &it.codings, &it.memos, &codebook)
                .unwrap();
        }
        index.commit().unwrap();
    }

    let mut queries: Vec<String> = vec![
        "\"safety planning\"".into(),
        "\"Safety plans\"".into(),
        "\"doña maría\"".into(),
        "\"dona maria\"".into(),
        "\"café naïve\"".into(),
        "\"trust trust\"".into(),
        "\"the the\"".into(),
        "\"fathers safety\" -court".into(),
        "\"safety planning\" OR partnership".into(),
        "trust NOT \"doña doña\"".into(),
        "\"我们的 合作\"".into(),
        "\"❤️ trust\"".into(),
        "well-being".into(),
        "\"safety Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogochllanfairpwllgwyngyll planning\"".into(),
        "co-parenting trust".into(),
        "title:\"safety planning\"".into(),
        "memo:\"trust the\"".into(),
        "\"safety planning\" agency:\"La Casa\"".into(),
        "\"safety planning\" theme:trust".into(),
        "\"no such pair\"".into(),
        "trust".into(),
        "theme:collaboration".into(),
        "".into(),
    ];
    // Random two-word phrases of the vocabulary, and a few of three words.
    for _ in 0..120 {
        let a = WORDS[rng.below(WORDS.len())];
        let b = WORDS[rng.below(WORDS.len())];
        queries.push(format!("\"{a} {b}\""));
    }
    for _ in 0..10 {
        let (a, b, c) = (
            WORDS[rng.below(WORDS.len())],
            WORDS[rng.below(WORDS.len())],
            WORDS[rng.below(WORDS.len())],
        );
        queries.push(format!("\"{a} {b} {c}\""));
    }
    let mut matched_phrases = 0;
    for q in &queries {
        if parse(q).is_err() {
            continue;
        }
        for kind in [HitKind::Sessions, HitKind::Passages] {
            for order in [Order::Relevance, Order::Newest] {
                let query = parse(q).unwrap();
                index.set_reference_paths(false);
                if index
                    .search_ordered(&query, kind, 1, 0, false, order)
                    .is_err()
                {
                    continue; // punctuation alone: refused either way
                }
                let (fast, reference) = both(&mut index, q, kind, order);
                assert_eq!(
                    fast.total, reference.total,
                    "{q} ({kind:?}, {order:?}): total"
                );
                assert_eq!(fast.hits, reference.hits, "{q} ({kind:?}, {order:?}): hits");
                assert_eq!(
                    fast.facets, reference.facets,
                    "{q} ({kind:?}, {order:?}): facets"
                );
                if q.starts_with('"') && fast.total > 0 {
                    matched_phrases += 1;
                }
            }
        }
    }
    // The comparison is only worth something if phrases found notes and passages.
    assert!(
        matched_phrases > 100,
        "only {matched_phrases} phrase searches matched"
    );
}
