//! Analysis on a store of 10,000 sessions (about 220 words each, 2022–2026, two agencies and
//! joint sessions), coded by two coders with the 17 themes of the default codebook (four to
//! eight sentences a session, the second coder agreeing most of the time):
//!
//! - reading the corpus from the store (`Corpus::load`, every note and coder file);
//! - in-process, p50 / p95 of repeated runs: the theme × month matrix (passages, rolled up),
//!   theme × agency (share), co-occurrence at passage level, keywords of the last month
//!   against the rest (the first call, which splits every note into words, timed apart);
//! - the counting corpus (`Corpus::load_counts`, through `.ripple/analysis-cache`), making the
//!   cache and then warm;
//! - `ripple matrix --format json` as a fresh process (release binary, the analysis cache as
//!   the counting corpus above left it): the first run, then the median and slowest of five;
//! - the same flat theme × month passage counts done by `sqlite3` (GROUP BY over a table of the
//!   same codings, built in the same run), when `sqlite3` is on the PATH: its time as
//!   `.timer on` reports it, and the ratio. The counts are checked equal.
//!
//! Run: `cargo bench --bench analysis` (`RIPPLE_BENCH_SESSIONS=1000` for a smaller store,
//! `RIPPLE_BENCH_DIR` keeps the store there between runs).

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

fn code_store(root: &Path, n: usize) {
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
        for _ in 0..4 + rng.below(5) {
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
    let root = base.join(format!("analysis-store-{n}"));
    let t = Instant::now();
    synth::write_store(&root, n, 220);
    code_store(&root, n);
    println!(
        "store of {n} sessions ready in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let store = Store::open(&root).expect("open");
    let ws = Workspace::new(&store, "bench");
    let t = Instant::now();
    let corpus = Corpus::load(&ws, &Scope::default()).expect("load");
    let load = t.elapsed();
    println!(
        "Corpus::load: {} ({} sessions, {} codings)",
        ms(load),
        corpus.sessions.len(),
        corpus.codings.len()
    );

    // The counting corpus (matrices, co-occurrence), through the analysis cache: the first
    // read makes it (notes and codings files read), the second finds every file unchanged.
    for pass in ["making the cache", "cache warm"] {
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
        "keywords of the last month, first call (splits every note into words): {}",
        ms(t.elapsed())
    );
    let (p50, p95) = timed(10, || keywords(&corpus, &spec).unwrap());
    println!(
        "keywords of the last month, after: p50 {}, p95 {}",
        ms(p50),
        ms(p95)
    );

    // A fresh process.
    let home = base.join("home");
    let mut times = Vec::new();
    // The analysis cache is there (made above): this process holds the store's writer lock,
    // so the child opens it read-only and could not write it.
    for _ in 0..6 {
        let t = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_ripple"))
            .args(["matrix", "--format", "json"])
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
        "`ripple matrix --format json` (fresh process, analysis cache warm): first {}, \
         then median {}, slowest {}",
        ms(first),
        ms(pct(times.clone(), 0.5)),
        ms(pct(times, 1.0))
    );

    // The same flat passage counts by SQLite.
    let flat = MatrixSpec {
        flat: true,
        ..MatrixSpec::default()
    };
    let (ours, _) = timed(30, || matrix(&corpus, &flat).unwrap());
    let m = matrix(&corpus, &flat).unwrap();
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
        let script = format!(
            "CREATE TABLE codings(session TEXT, start INT, end_ INT, theme TEXT, coder INT, month TEXT);\n\
             .mode csv\n.import {}\ncodings\n\
             .timer on\n\
             SELECT theme, month, COUNT(*) FROM (SELECT DISTINCT session, start, end_, theme, month FROM codings) GROUP BY theme, month;\n\
             SELECT theme, month, COUNT(*) FROM (SELECT DISTINCT session, start, end_, theme, month FROM codings) GROUP BY theme, month;\n\
             SELECT theme, month, COUNT(*) FROM (SELECT DISTINCT session, start, end_, theme, month FROM codings) GROUP BY theme, month;\n",
            csv.display()
        )
        .replace(".import ", ".import ")
        .replace("\ncodings\n", " codings\n");
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
        let mut runs: Vec<f64> = Vec::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("Run Time: real ") {
                runs.push(rest.split_whitespace().next().unwrap().parse().unwrap());
            } else {
                let parts: Vec<&str> = line.split(',').collect();
                if parts.len() == 3 {
                    counts.insert(
                        (parts[0].into(), parts[1].into()),
                        parts[2].parse().unwrap(),
                    );
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
        runs.sort_by(f64::total_cmp);
        let sql = runs[runs.len() / 2];
        println!(
            "flat theme × month passages: Ripple p50 {}, sqlite3 GROUP BY {:.1} ms (median of {}), ratio {:.1}× (counts equal)",
            ms(ours),
            sql * 1000.0,
            runs.len(),
            sql / ours.as_secs_f64()
        );
    } else {
        println!("sqlite3 not found: no comparison");
    }
}
