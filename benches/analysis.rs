//! Analysis on a store of 10,000 sessions (about 220 words each, 2022–2026, two agencies and
//! joint sessions), coded by two coders with the 17 themes of the default codebook (four to
//! eight sentences a session, the second coder agreeing most of the time):
//!
//! - reading the corpus from the store (`Corpus::load`, every note and coder file);
//! - in-process, p50 / p95 of repeated runs: the theme × month matrix (passages, rolled up),
//!   theme × agency (share), co-occurrence at passage level, keywords of the last month
//!   against the rest (the first call, which bags every note's words, timed apart), and
//!   then every note split into words with positions (`Corpus::words`, for terms and kwic);
//! - the counting corpus (`Corpus::load_counts`): making `.ripple/analysis-cache` and
//!   `.ripple/counts-snapshot`, then from the snapshot, then without it (catalog and analysis
//!   cache warm);
//! - keywords as the app reads them (`Corpus::load_keywords`: bags of words from
//!   `.ripple/word-bags`), making the cache and then warm;
//! - `ripple matrix` / `cooccur` / `keywords --by month --format json` as a fresh process
//!   (release binary, the caches as the reads above left them): with the snapshot, and
//!   `matrix` without it; the first run, then the median and slowest of five;
//! - the same flat theme × month passage counts done by `sqlite3` (GROUP BY over a table of the
//!   same codings, built in the same run), when `sqlite3` is on the PATH: its time as
//!   `.timer on` reports it, and the ratio. The counts are checked equal.
//!
//! - passage-level co-occurrence done by `sqlite3` too (a self-join of the distinct passages
//!   on overlap, grouped by the two themes), checked equal, and its ratio.
//!
//! Run: `cargo bench --bench analysis` (`RIPPLE_BENCH_SESSIONS=1000` for a smaller store,
//! `RIPPLE_BENCH_DIR` keeps the store there between runs, `RIPPLE_BENCH_PASSAGES=200000` codes
//! that many passages in all, about, instead of four to eight tries a session).

mod common;

use common::synth::{self, Rng};
use ripple::core::analysis::{
    cooccurrence, keywords, matrix, CooccurSpec, Corpus, Dimension, KeywordSpec, MatrixSpec, Scope,
    Value,
};
use ripple::core::codebook::Codebook;
use ripple::core::coding::{AnchorStatus, CoderSessionFile, Coding, CodingId};
use ripple::core::coding_store;
use ripple::core::store::Store;
use ripple::core::text::char_slice;
use ripple::core::workspace::Workspace;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const CODERS: [&str; 2] = ["Ana Peña", "Luis Ortiz"];

fn coding(text: &str, c: &CoderSessionFile, theme: &str, s: usize, e: usize) -> Coding {
    let now = chrono::Utc::now();
    Coding {
        id: CodingId::new(),
        session: c.session.clone(),
        theme: theme.into(),
        coder: c.coder.clone(),
        start: s,
        end: e,
        quote: char_slice(text, s, e).into(),
        before: String::new(),
        after: String::new(),
        memo: String::new(),
        status: AnchorStatus::Attached,
        created: now,
        updated: now,
    }
}

/// Code every session: `per` (when given) is the mean number of passages tried a session,
/// else four to eight.
fn code_store(root: &Path, n: usize, per: Option<f64>) {
    let marker = root.join(format!(".bench-analysis-coded-{n}"));
    if marker.exists() {
        return;
    }
    let store = Store::open(root).expect("open store");
    let themes: Vec<String> = Codebook::builtin()
        .themes
        .iter()
        .map(|t| t.key.clone())
        .collect();
    let mut rng = Rng::new(11);
    for summary in &store.scan().sessions {
        let id = summary.meta.id.clone();
        let text = store.load(&id).expect("load").text;
        let chars: Vec<char> = text.chars().collect();
        let mut sentences = Vec::new();
        let mut start = 0;
        for (i, c) in chars.iter().enumerate() {
            if *c == '.' {
                sentences.push((start, i + 1));
                start = i + 2;
            }
        }
        let mut files: Vec<CoderSessionFile> = CODERS
            .iter()
            .map(|c| CoderSessionFile {
                session: id.clone(),
                coder: c.to_string(),
                memo: String::new(),
                codings: Vec::new(),
            })
            .collect();
        let tries = match per {
            Some(m) => {
                m.floor() as usize + usize::from((rng.below(1000) as f64) < m.fract() * 1000.0)
            }
            None => 4 + rng.below(5),
        };
        for _ in 0..tries {
            let (s, e) = sentences[rng.below(sentences.len())];
            let theme = &themes[rng.below(themes.len())];
            let c = coding(&text, &files[0], theme, s, e);
            if !files[0]
                .codings
                .iter()
                .any(|x| x.theme == c.theme && x.start == s && x.end == e)
            {
                files[0].codings.push(c);
                if rng.below(10) < 7 {
                    let c = coding(&text, &files[1], theme, s, e);
                    files[1].codings.push(c);
                }
            }
        }
        for f in files {
            coding_store::save(root, &f).expect("save codings");
        }
    }
    std::fs::write(marker, b"").unwrap();
}

fn pct(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// p50 and p95 of `runs` timed calls.
fn timed<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(f());
        times.push(t.elapsed());
    }
    (pct(times.clone(), 0.5), pct(times, 0.95))
}

fn main() {
    let n: usize = std::env::var("RIPPLE_BENCH_SESSIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let keep = std::env::var_os("RIPPLE_BENCH_DIR");
    let tmp = tempfile::tempdir().unwrap();
    let base = keep
        .as_ref()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    let passages: Option<usize> = std::env::var("RIPPLE_BENCH_PASSAGES")
        .ok()
        .and_then(|s| s.parse().ok());
    let root = match passages {
        Some(p) => base.join(format!("analysis-store-{n}-p{p}")),
        None => base.join(format!("analysis-store-{n}")),
    };
    let t = Instant::now();
    synth::write_store(&root, n, 220);
    code_store(&root, n, passages.map(|p| p as f64 / n as f64));
    println!(
        "store of {n} sessions ready in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let store = Store::open(&root).expect("open");
    let ws = Workspace::new(&store, "bench");
    let t = Instant::now();
    let corpus = Corpus::load(&ws, &Scope::default()).expect("load");
    let load = t.elapsed();
    let mut spans: Vec<(usize, usize, usize, usize)> = corpus
        .codings
        .iter()
        .map(|c| (c.session, c.start, c.end, c.theme))
        .collect();
    spans.dedup();
    println!(
        "Corpus::load: {} ({} sessions, {} codings, {} passages)",
        ms(load),
        corpus.sessions.len(),
        corpus.codings.len(),
        spans.len()
    );

    // The counting corpus (matrices, co-occurrence): the first read makes the analysis
    // cache (notes and codings files read) and the counts snapshot; the second finds every
    // file unchanged and answers from the snapshot; the third, with the snapshot removed,
    // reads through the catalog and the analysis cache (and makes the snapshot again).
    let snapshot = ripple::core::workspace::counts_snapshot::path(&store);
    // A store kept from an earlier run (RIPPLE_BENCH_DIR) has its caches: the first pass
    // makes them only when they are gone.
    for cache in [
        snapshot.clone(),
        ripple::core::workspace::analysis_cache::path(&store),
        ripple::core::workspace::word_bags::path(&store),
    ] {
        let _ = std::fs::remove_file(cache);
    }
    // Keys of files changed within two seconds are not trusted (racy): a store written a
    // moment ago would make no snapshot.
    std::thread::sleep(Duration::from_millis(2100));
    for pass in [
        "making the analysis cache and the snapshot",
        "snapshot",
        "no snapshot, analysis cache warm",
    ] {
        if pass.starts_with("no snapshot") {
            std::fs::remove_file(&snapshot).expect("the snapshot was made");
        }
        let t = Instant::now();
        let counts = Corpus::load_counts(&ws, &Scope::default()).expect("load_counts");
        println!(
            "Corpus::load_counts ({pass}): {} ({} codings)",
            ms(t.elapsed()),
            counts.codings.len()
        );
    }

    let month = MatrixSpec::default();
    let (p50, p95) = timed(30, || matrix(&corpus, &month).unwrap());
    println!(
        "matrix theme × month, passages: p50 {}, p95 {}",
        ms(p50),
        ms(p95)
    );
    let agency = MatrixSpec {
        cols: Dimension::Agency,
        value: Value::Share,
        ..MatrixSpec::default()
    };
    let (p50, p95) = timed(30, || matrix(&corpus, &agency).unwrap());
    println!(
        "matrix theme × agency, share: p50 {}, p95 {}",
        ms(p50),
        ms(p95)
    );
    let facilitator = MatrixSpec {
        cols: Dimension::Facilitator,
        ..MatrixSpec::default()
    };
    let (p50, p95) = timed(30, || matrix(&corpus, &facilitator).unwrap());
    println!(
        "matrix theme × facilitator, passages: p50 {}, p95 {}",
        ms(p50),
        ms(p95)
    );
    let scoped = MatrixSpec {
        scope: Scope::query("agency:\"La Casa\" after:2023-03"),
        ..MatrixSpec::default()
    };
    let (p50, p95) = timed(10, || matrix(&corpus, &scoped).unwrap());
    println!(
        "matrix theme × month, scoped by 'agency:\"La Casa\" after:2023-03': p50 {}, p95 {}",
        ms(p50),
        ms(p95)
    );
    let (p50, p95) = timed(10, || {
        cooccurrence(&corpus, &CooccurSpec::default()).unwrap()
    });
    println!(
        "co-occurrence, passage level: p50 {}, p95 {}",
        ms(p50),
        ms(p95)
    );
    let m = matrix(&corpus, &month).unwrap();
    let last = m.cols.last().unwrap().key.clone();
    let spec = KeywordSpec {
        by: Dimension::Month,
        column: last,
        min: 3,
        limit: 20,
        scope: Scope::default(),
    };
    let t = Instant::now();
    keywords(&corpus, &spec).unwrap();
    println!(
        "keywords of the last month, first call (bags every note's words): {}",
        ms(t.elapsed())
    );
    let (p50, p95) = timed(10, || keywords(&corpus, &spec).unwrap());
    println!(
        "keywords of the last month, after: p50 {}, p95 {}",
        ms(p50),
        ms(p95)
    );
    // Keywords as `ripple keywords` and the analysis screen read them: each note's bag from
    // `.ripple/word-bags` when the note is unchanged. The first pass makes the cache (every
    // note read and bagged), the second finds it warm (the counting corpus from the snapshot).
    for pass in ["making the word-bag cache", "word-bag cache warm"] {
        let t = Instant::now();
        let c = Corpus::load_keywords(&ws, &Scope::default()).expect("load_keywords");
        let loaded = t.elapsed();
        let t = Instant::now();
        std::hint::black_box(keywords(&c, &spec).unwrap());
        println!(
            "Corpus::load_keywords ({pass}): {}, then keywords of the last month {}",
            ms(loaded),
            ms(t.elapsed())
        );
    }
    // Words with their positions (terms, kwic, query patterns), made apart from the bags.
    let t = Instant::now();
    std::hint::black_box(corpus.words());
    println!(
        "Corpus::words (every note split into words with positions): {}",
        ms(t.elapsed())
    );

    // A fresh process, with the snapshot and then without it.
    let home = base.join("home");
    // The analysis cache and the snapshot are there (made above): this process holds the
    // store's writer lock, so the child opens the store read-only and writes neither.
    let kept = std::fs::read(&snapshot).expect("the snapshot was made again");
    for (command, with) in [
        ("matrix", true),
        ("cooccur", true),
        ("keywords", true),
        ("matrix", false),
    ] {
        if with {
            std::fs::write(&snapshot, &kept).unwrap();
        } else {
            let _ = std::fs::remove_file(&snapshot);
        }
        let mut times = Vec::new();
        for _ in 0..6 {
            let t = Instant::now();
            let out = Command::new(env!("CARGO_BIN_EXE_ripple"))
                .args([command, "--format", "json"])
                .args(if command == "keywords" {
                    &["--by", "month"][..]
                } else {
                    &[]
                })
                .env("RIPPLE_STORE", &root)
                .env("RIPPLE_INDEX", base.join("index"))
                .env("RIPPLE_CONFIG", home.join("config.toml"))
                .env("RIPPLE_CODER", "bench")
                .output()
                .expect("run ripple");
            times.push(t.elapsed());
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let first = times.remove(0);
        println!(
            "`ripple {command} --format json` (fresh process, {}): first {}, then median {}, \
             slowest {}",
            if command == "keywords" {
                "counts snapshot and word-bag cache"
            } else if with {
                "counts snapshot"
            } else {
                "no snapshot: catalog and analysis cache"
            },
            ms(first),
            ms(pct(times.clone(), 0.5)),
            ms(pct(times, 1.0))
        );
    }

    // The same flat passage counts, and passage-level co-occurrence, by SQLite.
    let flat = MatrixSpec {
        flat: true,
        ..MatrixSpec::default()
    };
    let (ours, _) = timed(30, || matrix(&corpus, &flat).unwrap());
    let m = matrix(&corpus, &flat).unwrap();
    let (ours_co, _) = timed(10, || {
        cooccurrence(&corpus, &CooccurSpec::default()).unwrap()
    });
    let co = cooccurrence(&corpus, &CooccurSpec::default()).unwrap();
    if Command::new("sqlite3").arg("-version").output().is_ok() {
        let db = base.join(format!("analysis-{n}.sqlite"));
        let _ = std::fs::remove_file(&db);
        let csv = base.join(format!("analysis-{n}.csv"));
        let mut f = std::fs::File::create(&csv).unwrap();
        for c in &corpus.codings {
            let s = &corpus.sessions[c.session];
            writeln!(
                f,
                "{},{},{},{},{},{}",
                s.id.0,
                c.start,
                c.end,
                corpus.themes[c.theme].key,
                c.coder,
                s.date.format("%Y-%m")
            )
            .unwrap();
        }
        drop(f);
        let flat_sql = "SELECT theme, month, COUNT(*) FROM (SELECT DISTINCT session, start, \
                        end_, theme, month FROM codings) GROUP BY theme, month;\n";
        // Two passages (distinct span and theme) of different themes co-occur when their
        // spans share a code point; each unordered pair once (themes ordered by key).
        let co_sql = "WITH p AS (SELECT DISTINCT session, start, end_, theme FROM codings) \
                      SELECT p1.theme, p2.theme, COUNT(*) FROM p p1 JOIN p p2 \
                      ON p1.session = p2.session AND p1.theme < p2.theme \
                      AND p1.start < p2.end_ AND p2.start < p1.end_ \
                      GROUP BY p1.theme, p2.theme;\n";
        let script = format!(
            "CREATE TABLE codings(session TEXT, start INT, end_ INT, theme TEXT, coder INT, month TEXT);\n\
             .mode csv\n.import {} codings\n\
             .timer on\n\
             {flat_sql}{flat_sql}{flat_sql}\
             SELECT 'co-occurrence';\n\
             {co_sql}{co_sql}{co_sql}",
            csv.display()
        );
        let out = Command::new("sqlite3")
            .arg(&db)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                child.stdin.take().unwrap().write_all(script.as_bytes())?;
                child.wait_with_output()
            })
            .expect("run sqlite3");
        let text = String::from_utf8_lossy(&out.stdout);
        let mut counts: BTreeMap<(String, String), f64> = BTreeMap::new();
        let mut pairs: BTreeMap<(String, String), u64> = BTreeMap::new();
        let mut runs: Vec<f64> = Vec::new();
        let mut co_runs: Vec<f64> = Vec::new();
        let mut in_co = false;
        for line in text.lines() {
            if line == "co-occurrence" {
                in_co = true;
            } else if let Some(rest) = line.strip_prefix("Run Time: real ") {
                let t: f64 = rest.split_whitespace().next().unwrap().parse().unwrap();
                // The marker's own SELECT is timed too: the first time after it is its own.
                if in_co {
                    co_runs.push(t);
                } else {
                    runs.push(t);
                }
            } else {
                let parts: Vec<&str> = line.split(',').collect();
                if parts.len() == 3 {
                    let key = (parts[0].to_string(), parts[1].to_string());
                    if in_co {
                        pairs.insert(key, parts[2].parse().unwrap());
                    } else {
                        counts.insert(key, parts[2].parse().unwrap());
                    }
                }
            }
        }
        for (r, row) in m.rows.iter().enumerate() {
            for (c, col) in m.cols.iter().enumerate() {
                let want = counts
                    .get(&(row.key.clone(), col.key.clone()))
                    .copied()
                    .unwrap_or(0.0);
                assert_eq!(m.cells[r][c], want, "{} {}", row.key, col.key);
            }
        }
        for (i, a) in co.themes.iter().enumerate() {
            for (j, b) in co.themes.iter().enumerate() {
                if i == j {
                    continue;
                }
                let key = if a < b {
                    (a.clone(), b.clone())
                } else {
                    (b.clone(), a.clone())
                };
                let want = pairs.get(&key).copied().unwrap_or(0);
                assert_eq!(co.counts[i][j], want, "co-occurrence {a} {b}");
            }
        }
        // The marker's SELECT is timed first in the second group.
        co_runs.remove(0);
        runs.sort_by(f64::total_cmp);
        co_runs.sort_by(f64::total_cmp);
        let sql = runs[runs.len() / 2];
        let sql_co = co_runs[co_runs.len() / 2];
        println!(
            "flat theme × month passages: Ripple p50 {}, sqlite3 GROUP BY {:.1} ms (median of {}), ratio {:.1}× (counts equal)",
            ms(ours),
            sql * 1000.0,
            runs.len(),
            sql / ours.as_secs_f64()
        );
        println!(
            "co-occurrence, passage level: Ripple p50 {}, sqlite3 self-join {:.1} ms (median of {}), ratio {:.1}× (counts equal)",
            ms(ours_co),
            sql_co * 1000.0,
            co_runs.len(),
            sql_co / ours_co.as_secs_f64()
        );
    } else {
        println!("sqlite3 not found: no comparison");
    }
}
