//! REFI-QDA exchange at scale: a store of 10,000 synthetic sessions (about 220 words each) with
//! 20,000 codings (two coders, one coding each per session, every tenth with a memo), and
//!
//! - `ripple export FILE.qdpx` of the whole store as a fresh process (release binary), against
//!   the target of 5 s;
//! - `ripple import FILE.qdpx --yes` of that file into a new store as a fresh process, against
//!   the target of 10 s (each run into a folder of its own, removed afterwards).
//!
//! Median of runs after one warm-up run of each. Run: `cargo bench --bench exchange`
//! (`RIPPLE_BENCH_SESSIONS=1000` for a smaller store, `RIPPLE_BENCH_RUNS` for the number of
//! timed runs, default 3; `RIPPLE_BENCH_DIR` keeps the store there between runs).

mod common;

use common::synth::Rng;
use ripple::core::codebook::Codebook;
use ripple::core::coding::{AnchorStatus, CoderSessionFile, Coding, CodingId, CONTEXT_CHARS};
use ripple::core::coding_store;
use ripple::core::store::Store;
use ripple::core::text::char_slice;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const CODERS: [&str; 2] = ["Ana Peña", "Luis Ortiz"];

/// One coding per coder of each session: a random sentence with a random theme.
fn code_store(root: &Path, n: usize) {
    let marker = root.join(format!(".bench-exchange-coded-{n}"));
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
    let mut count = 0usize;
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
        for coder in CODERS {
            let (s, e) = sentences[rng.below(sentences.len())];
            let now = chrono::Utc::now();
            count += 1;
            let coding = Coding {
                id: CodingId::new(),
                session: id.clone(),
                theme: themes[rng.below(themes.len())].clone(),
                coder: coder.into(),
                start: s,
                end: e,
                quote: char_slice(&text, s, e).into(),
                before: char_slice(&text, s.saturating_sub(CONTEXT_CHARS), s).into(),
                after: char_slice(&text, e, e + CONTEXT_CHARS).into(),
                memo: if count.is_multiple_of(10) {
                    "Worth quoting in the report.".into()
                } else {
                    String::new()
                },
                status: AnchorStatus::Attached,
                created: now,
                updated: now,
            };
            coding_store::save(
                root,
                &CoderSessionFile {
                    session: id.clone(),
                    coder: coder.into(),
                    memo: String::new(),
                    codings: vec![coding],
                },
            )
            .expect("save codings");
        }
    }
    assert_eq!(count, 2 * n);
    std::fs::write(marker, b"").unwrap();
}

fn ripple(home: &Path, args: &[&std::ffi::OsStr]) -> Duration {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_ripple"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env_remove("RIPPLE_CONFIG")
        .env_remove("RIPPLE_CODER")
        .env_remove("RIPPLE_STORE")
        .output()
        .expect("run ripple");
    let elapsed = t.elapsed();
    assert!(
        out.status.success(),
        "ripple {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// "fastest–slowest ms" of `runs`.
fn range(runs: &[Duration]) -> String {
    let ms = |d: &Duration| d.as_secs_f64() * 1e3;
    let lo = runs.iter().min().map(ms).unwrap_or(0.0);
    let hi = runs.iter().max().map(ms).unwrap_or(0.0);
    format!("{lo:.0}–{hi:.0} ms")
}

fn main() {
    let n: usize = std::env::var("RIPPLE_BENCH_SESSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let runs: usize = std::env::var("RIPPLE_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1);
    let base = std::env::var_os("RIPPLE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("ripple-bench-exchange"));
    let home = base.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let store = base.join(format!("exchange-{n}"));
    eprintln!("generating {n} sessions in {} …", store.display());
    common::synth::write_store(&store, n, 220);
    code_store(&store, n);
    let qdpx = base.join(format!("exchange-{n}.qdpx"));
    let export = |_: usize| {
        ripple(
            &home,
            &[
                "--store".as_ref(),
                store.as_os_str(),
                "export".as_ref(),
                qdpx.as_os_str(),
                "--force".as_ref(),
            ],
        )
    };
    export(0);
    let export_runs: Vec<Duration> = (0..runs).map(export).collect();
    let export_time = median(export_runs.clone());
    let size = std::fs::metadata(&qdpx).unwrap().len();
    let import = |i: usize| {
        let target = base.join(format!("imported-{i}"));
        let _ = std::fs::remove_dir_all(&target);
        // The import ends with one syncfs, which also flushes whatever else is waiting to be
        // written on the file system, such as the 30,000 deletions of the previous run: let
        // that settle first, so each run times its own import.
        rustix::fs::sync();
        let t = ripple(
            &home,
            &[
                "--store".as_ref(),
                target.as_os_str(),
                "import".as_ref(),
                qdpx.as_os_str(),
                "--yes".as_ref(),
            ],
        );
        let imported = Store::open_read_only(&target)
            .unwrap()
            .scan()
            .sessions
            .len();
        assert_eq!(imported, n, "every session imported");
        let codings = coding_store_count(&target);
        assert_eq!(codings, 2 * n, "every coding imported");
        std::fs::remove_dir_all(&target).unwrap();
        rustix::fs::sync();
        t
    };
    import(0);
    let import_runs: Vec<Duration> = (1..=runs).map(import).collect();
    let import_time = median(import_runs.clone());
    println!("| step | sessions | codings | fresh process, median of {runs} | fastest–slowest | target |");
    println!("|---|---:|---:|---:|---:|---:|");
    println!(
        "| `ripple export FILE.qdpx` ({:.1} MB) | {n} | {} | {:.0} ms | {} | < 5000 ms |",
        size as f64 / 1e6,
        2 * n,
        export_time.as_secs_f64() * 1e3,
        range(&export_runs)
    );
    println!(
        "| `ripple import FILE.qdpx --yes` (new store) | {n} | {} | {:.0} ms | {} | < 10000 ms |",
        2 * n,
        import_time.as_secs_f64() * 1e3,
        range(&import_runs)
    );
}

/// The codings in every coder's files of the store at `root`.
fn coding_store_count(root: &Path) -> usize {
    let dir = coding_store::codings_dir(root);
    let mut count = 0;
    for coder in std::fs::read_dir(&dir).unwrap().flatten() {
        if !coder.path().is_dir() {
            continue;
        }
        for f in std::fs::read_dir(coder.path()).unwrap().flatten() {
            if f.path().extension().is_some_and(|x| x == "json") {
                count += coding_store::read_file(&f.path()).unwrap().codings.len();
            }
        }
    }
    count
}
