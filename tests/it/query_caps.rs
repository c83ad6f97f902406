//! Hostile queries: nesting and term counts at and past the caps, through the whole search
//! (parse, translation to tantivy, tantivy's scorers, snippets, evidence) on a thread with the
//! smallest stack Ripple searches on: 2 MiB, the default for spawned threads (the TUI's index
//! thread), against the demo store's real index.

use ripple::core::codebook::Codebook;
use ripple::core::evidence::{self, EvidenceOptions};
use ripple::core::index::{HitKind, SearchIndex};
use ripple::core::index_sync::load_items as load_index_items;
use ripple::core::query::{self, MAX_DEPTH, MAX_TERMS};
use ripple::core::store::Store;
use std::sync::Arc;

/// The default stack of a thread spawned without a size: the TUI's index thread.
const SEARCH_THREAD_STACK: usize = 2 << 20;

struct Demo {
    _dir: tempfile::TempDir,
    index: SearchIndex,
    codebook: Codebook,
}

fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("store");
    ripple::core::demo::write_demo_store(&root).unwrap();
    let store = Store::open(&root).unwrap();
    let (items, warnings) = load_index_items(&store);
    assert!(warnings.is_empty(), "{warnings:?}");
    let codebook = Codebook::load_or_builtin(&store.codebook_path()).unwrap();
    let (mut index, _) = SearchIndex::open(&dir.path().join("index")).unwrap();
    let n = items.len();
    index.rebuild(items, n, &codebook, &mut |_, _| {}).unwrap();
    Demo {
        _dir: dir,
        index,
        codebook,
    }
}

/// Everything the TUI's index thread and the CLI do with a query, on a 2 MiB thread: parse,
/// both kinds of results with facets and snippets, and an evidence gathering. The parse error,
/// if any.
fn search_on_small_stack(demo: &Arc<Demo>, q: String) -> Result<(), query::QueryError> {
    let demo = Arc::clone(demo);
    std::thread::Builder::new()
        .stack_size(SEARCH_THREAD_STACK)
        .spawn(move || {
            let parsed = query::parse(&q)?;
            for kind in [HitKind::Passages, HitKind::Sessions] {
                demo.index
                    .search_page(&parsed, kind, 20, 0, true)
                    .unwrap_or_else(|e| panic!("{q}: {e}"));
            }
            let opts = EvidenceOptions {
                query: parsed,
                ..EvidenceOptions::default()
            };
            evidence::gather(&demo.index, &demo.codebook, &opts)
                .unwrap_or_else(|e| panic!("{q}: {e}"));
            Ok(())
        })
        .unwrap()
        .join()
        .expect("the search thread survives")
}

/// The leaves each deep query ends in: the kinds of term that cost the most to translate.
const LEAVES: [&str; 7] = [
    "trust~2",
    "perpetrat*",
    "\"safety planning\"",
    "theme:collaboration",
    "我们",
    "agency:\"La Casa\"",
    "date:2026",
];

#[test]
fn nesting_at_the_cap_is_answered_and_past_it_refused_with_its_column() {
    let demo = Arc::new(demo());
    // (opening text, closing text, levels each repeat opens, what opens the first of them)
    let shapes: [(&str, &str, usize, &str); 6] = [
        ("NOT ", "", 1, "NOT"),
        ("(", ")", 1, "("),
        ("(fathers ", ")", 1, "("),
        ("-(", ")", 2, "-"),
        ("(safety fathers OR NOT ", ")", 2, "("),
        ("(trust OR -", ")", 2, "("),
    ];
    for (open, close, per_repeat, opener) in shapes {
        let negated = open.contains("NOT") || open.contains('-');
        // tantivy 0.27's phrase scorer asserts, in debug builds only, that an exclusion never
        // seeks backwards, which its own exclusion does (tantivy issue #2811; release builds
        // answer correctly): a negated phrase is left out here so the test sees depth alone.
        for leaf in LEAVES
            .into_iter()
            .filter(|l| !(negated && l.starts_with('"')))
        {
            let build =
                |repeats: usize| format!("{}{leaf}{}", open.repeat(repeats), close.repeat(repeats));
            let at_cap = build(MAX_DEPTH / per_repeat);
            if let Err(e) = search_on_small_stack(&demo, at_cap.clone()) {
                panic!("{at_cap}: {e}");
            }
            let past = build(MAX_DEPTH / per_repeat + 1);
            let e = search_on_small_stack(&demo, past.clone()).unwrap_err();
            assert!(e.message.contains("nests too deeply"), "{past}: {e:?}");
            let b = past
                .match_indices(opener)
                .nth(MAX_DEPTH / per_repeat)
                .unwrap()
                .0;
            assert_eq!(e.start, past[..b].chars().count(), "{past}: {e:?}");
        }
    }
    // What overflowed the stack before: 942 NOTs, 6,785 parentheses.
    for q in [
        format!("{}trust", "NOT ".repeat(942)),
        format!("{}trust{}", "(".repeat(6_785), ")".repeat(6_785)),
    ] {
        let e = search_on_small_stack(&demo, q).unwrap_err();
        assert!(e.message.contains("nests too deeply"), "{e:?}");
    }
}

#[test]
fn terms_at_the_cap_are_answered_and_past_it_refused_with_its_column() {
    let demo = Arc::new(demo());
    let words = [
        "trust~2",
        "perpetrat*",
        "fathers",
        "\"safety plan\"",
        "theme:trust",
    ];
    for sep in [" OR ", " "] {
        let terms: Vec<String> = (0..=MAX_TERMS)
            .map(|i| words[i % words.len()].to_string())
            .collect();
        let at_cap = terms[..MAX_TERMS].join(sep);
        if let Err(e) = search_on_small_stack(&demo, at_cap.clone()) {
            panic!("{e}");
        }
        let past = terms.join(sep);
        let e = search_on_small_stack(&demo, past.clone()).unwrap_err();
        assert!(e.message.contains("too many terms"), "{e:?}");
        let last_start = past.len() - terms[MAX_TERMS].len();
        assert_eq!(e.start, past[..last_start].chars().count());
    }
}
