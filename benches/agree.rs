//! `ripple agree` on a store of 10,000 sessions (about 220 words each) double-coded by two
//! coders with the 17 themes of the default codebook, every session marked done by both:
//!
//! - `ripple agree --unit char` and `--unit paragraph` as fresh processes (release binary),
//!   median of runs, against the targets of 1 s and 300 ms; and one first run without the
//!   agreement cache (`.ripple/agreement-cache`, removed before it), which reads every file;
//! - where Python with the `krippendorff` package is available (`RIPPLE_BENCH_PYTHON`, default
//!   `python3`), the same ratings (every unit of every theme, exported by this benchmark from
//!   the store) fed to `krippendorff.alpha`, timed in Python without reading or building the
//!   ratings, and its alphas checked against Ripple's to 1e-9.
//!
//! Run: `cargo bench --bench agree` (`RIPPLE_BENCH_SESSIONS=1000` for a smaller store,
//! `RIPPLE_BENCH_DIR` keeps the store there between runs).

mod common;

use common::synth::Rng;
use ripple::core::agreement::done::{self, DoneMarks};
use ripple::core::agreement::load;
use ripple::core::agreement::units::paragraphs;
use ripple::core::codebook::Codebook;
use ripple::core::coding::{AnchorStatus, CoderSessionFile, Coding, CodingId, CONTEXT_CHARS};
use ripple::core::coding_store;
use ripple::core::session::SessionId;
use ripple::core::store::Store;
use ripple::core::text::char_slice;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 7;
const CODERS: [&str; 2] = ["Ana Peña", "Luis Ortiz"];

fn coding(text: &str, session: &SessionId, theme: &str, coder: &str, s: usize, e: usize) -> Coding {
    let now = chrono::Utc::now();
    Coding {
        id: CodingId::new(),
        session: session.clone(),
        theme: theme.into(),
        coder: coder.into(),
        start: s,
        end: e,
        quote: char_slice(text, s, e).into(),
        before: char_slice(text, s.saturating_sub(CONTEXT_CHARS), s).into(),
        after: char_slice(text, e, e + CONTEXT_CHARS).into(),
        memo: String::new(),
        status: AnchorStatus::Attached,
        created: now,
        updated: now,
    }
}

/// Two coders' codings of every session: the first codes four to eight sentences with random
/// themes; the second mostly agrees, sometimes shifts the boundaries, picks another theme or
/// skips, and sometimes codes a sentence of its own.
fn code_store(root: &Path, n: usize) {
    let marker = root.join(format!(".bench-coded-{n}"));
    if marker.exists() {
        return;
    }
    let store = Store::open(root).expect("open store");
    let themes: Vec<String> = Codebook::builtin()
        .themes
        .iter()
        .map(|t| t.key.clone())
        .collect();
    assert_eq!(themes.len(), 17, "the default codebook has 17 themes");
    let mut rng = Rng::new(7);
    let mut marks: Vec<DoneMarks> = CODERS
        .iter()
        .map(|c| DoneMarks {
            coder: c.to_string(),
            ..DoneMarks::default()
        })
        .collect();
    let scan = store.scan();
    for summary in &scan.sessions {
        let id = summary.meta.id.clone();
        let text = store.load(&id).expect("load").text;
        // Sentences as code-point ranges.
        let chars: Vec<char> = text.chars().collect();
        let mut sentences = Vec::new();
        let mut start = 0;
        for (i, c) in chars.iter().enumerate() {
            if *c == '.' {
                sentences.push((start, i + 1));
                start = i + 2;
            }
        }
        let mut files: Vec<Vec<Coding>> = vec![Vec::new(), Vec::new()];
        for _ in 0..4 + rng.below(5) {
            let (s, e) = sentences[rng.below(sentences.len())];
            let theme = &themes[rng.below(themes.len())];
            files[0].push(coding(&text, &id, theme, CODERS[0], s, e));
            match rng.below(10) {
                0..=5 => files[1].push(coding(&text, &id, theme, CODERS[1], s, e)),
                6 => files[1].push(coding(
                    &text,
                    &id,
                    theme,
                    CODERS[1],
                    s + 3.min(e - s - 1),
                    e,
                )),
                7 => files[1].push(coding(
                    &text,
                    &id,
                    &themes[rng.below(themes.len())],
                    CODERS[1],
                    s,
                    e,
                )),
                _ => {}
            }
        }
        if rng.below(3) == 0 {
            let (s, e) = sentences[rng.below(sentences.len())];
            files[1].push(coding(
                &text,
                &id,
                &themes[rng.below(themes.len())],
                CODERS[1],
                s,
                e,
            ));
        }
        for (i, codings) in files.into_iter().enumerate() {
            coding_store::save(
                root,
                &CoderSessionFile {
                    session: id.clone(),
                    coder: CODERS[i].into(),
                    memo: String::new(),
                    codings,
                },
            )
            .expect("save codings");
            marks[i].done.insert(id.0.clone(), chrono::Utc::now());
        }
    }
    for m in &marks {
        std::fs::write(done::path(root, &m.coder), done::to_toml(m)).expect("write done marks");
    }
    std::fs::write(marker, b"").unwrap();
}

fn agree(store: &Path, home: &Path, unit: &str) -> (Duration, String) {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_ripple"))
        .arg("--store")
        .arg(store)
        .args(["agree", "--unit", unit, "--format", "json"])
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env_remove("RIPPLE_CONFIG")
        .env_remove("RIPPLE_CODER")
        .output()
        .expect("run ripple agree");
    let elapsed = t.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (elapsed, String::from_utf8(out.stdout).unwrap())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Every unit's ratings per theme, coder A's then coder B's (one byte each), in
/// `dir/<unit>/<theme>.a` and `.b`: what the Python comparison reads.
fn export_ratings(store_root: &Path, dir: &Path, unit: &str, themes: &[String]) {
    let out = dir.join(unit);
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let store = Store::open_read_only(store_root).unwrap();
    let (coders, _) = load::coders(store_root);
    let (ids, _) = load::session_ids(&store, &coders, load::SessionChoice::Done, None);
    let loaded = load::load(&store, &coders, &ids);
    for theme in themes {
        let mut cols = [Vec::new(), Vec::new()];
        for s in &loaded.sessions {
            let units: Vec<(usize, usize)> = if unit == "char" {
                (0..s.text.chars().count()).map(|p| (p, p + 1)).collect()
            } else {
                paragraphs(&s.text)
            };
            for (c, col) in cols.iter_mut().enumerate() {
                let mine: Vec<(usize, usize)> = s.codings[c]
                    .iter()
                    .filter(|k| &k.theme == theme)
                    .map(|k| (k.start, k.end))
                    .collect();
                col.extend(
                    units
                        .iter()
                        .map(|&(us, ue)| u8::from(mine.iter().any(|&(a, b)| a < ue && us < b))),
                );
            }
        }
        for (c, col) in cols.iter().enumerate() {
            let ext = if c == 0 { "a" } else { "b" };
            std::fs::File::create(out.join(format!("{theme}.{ext}")))
                .unwrap()
                .write_all(col)
                .unwrap();
        }
    }
}

const PYTHON: &str = r#"
import sys, json, time, numpy as np, krippendorff
d, report = sys.argv[1], json.load(open(sys.argv[2]))
total, worst = 0.0, 0.0
for t in report["themes"]:
    a = np.fromfile(f"{d}/{t['theme']}.a", dtype=np.uint8)
    b = np.fromfile(f"{d}/{t['theme']}.b", dtype=np.uint8)
    data = np.vstack([a, b]).astype(float)
    t0 = time.perf_counter()
    alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal", value_domain=[0, 1])
    total += time.perf_counter() - t0
    if t["alpha"] is not None:
        worst = max(worst, abs(alpha - t["alpha"]))
print(json.dumps({"seconds": total, "max_difference": worst}))
"#;

fn python_alpha(python: &str, dir: &Path, report: &Path) -> Option<(f64, f64)> {
    let out = Command::new(python)
        .args(["-c", PYTHON])
        .arg(dir)
        .arg(report)
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("python: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    Some((v["seconds"].as_f64()?, v["max_difference"].as_f64()?))
}

fn main() {
    let n: usize = std::env::var("RIPPLE_BENCH_SESSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let base = std::env::var_os("RIPPLE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("ripple-bench-agree"));
    let home = base.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let store = base.join(format!("agree-{n}"));
    eprintln!("generating {n} sessions in {} …", store.display());
    common::synth::write_store(&store, n, 220);
    code_store(&store, n);
    let python = std::env::var("RIPPLE_BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_python = Command::new(&python)
        .args(["-c", "import krippendorff, numpy"])
        .output()
        .is_ok_and(|o| o.status.success());
    let cache = ripple::core::agreement::cache::path(&Store::open_read_only(&store).unwrap());
    println!("| unit | sessions | units per theme | first run, no cache | `ripple agree` (fresh process, median of {RUNS}) | target | krippendorff.alpha in Python, same ratings (17 themes) | ratio |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (unit, target) in [("char", 1000), ("paragraph", 300)] {
        let _ = agree(&store, &home, unit); // warm the page cache
        let _ = std::fs::remove_file(&cache);
        let (first, json) = agree(&store, &home, unit); // reads every file, writes the cache
        let times: Vec<Duration> = (0..RUNS).map(|_| agree(&store, &home, unit).0).collect();
        let t = median(times);
        let report: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(report["sessions"].as_u64(), Some(n as u64));
        let units = report["themes"][0]["units"].as_u64().unwrap_or(0);
        let (py, ratio) = if has_python {
            let themes: Vec<String> = report["themes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["theme"].as_str().unwrap().to_string())
                .collect();
            export_ratings(&store, &base.join("ratings"), unit, &themes);
            let report_path = base.join(format!("report-{unit}.json"));
            std::fs::write(&report_path, &json).unwrap();
            match python_alpha(&python, &base.join("ratings").join(unit), &report_path) {
                Some((secs, diff)) => {
                    assert!(
                        diff < 1e-9,
                        "krippendorff's alpha differs from Ripple's by {diff}"
                    );
                    (
                        format!("{:.0} ms (alphas equal to {diff:.0e})", secs * 1e3),
                        format!("{:.1}×", secs / t.as_secs_f64()),
                    )
                }
                None => ("failed".into(), "—".into()),
            }
        } else {
            ("no Python with krippendorff".into(), "—".into())
        };
        println!(
            "| {unit} | {n} | {units} | {:.0} ms | {:.0} ms | < {target} ms | {py} | {ratio} |",
            first.as_secs_f64() * 1e3,
            t.as_secs_f64() * 1e3
        );
    }
}
