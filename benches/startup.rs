//! Launch-to-first-frame and resident memory of the TUI on stores of 1,000 to 100,000 sessions.
//!
//! Runs the real binary in a pseudo-terminal, as a user starts it, and reads the screen. Sizes
//! default to 1000,10000,100000; `RIPPLE_BENCH_SIZES=1000,10000` limits them. Stores are kept in
//! `$RIPPLE_BENCH_DIR` (default: the system temp folder) between runs.
//!
//!     cargo bench --bench startup

mod common;

use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::Read;
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

struct Launch {
    first_frame: Duration,
    list_ready: Duration,
    rss_kb: u64,
}

fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn launch(store: &Path, n: usize, home: &Path) -> Launch {
    let pty = native_pty_system();
    let pair = pty
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_ripple"));
    cmd.arg("--store");
    cmd.arg(store);
    cmd.env("HOME", home);
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    cmd.env("XDG_CACHE_HOME", home.join("cache"));
    cmd.env("TERM", "xterm-256color");
    let parser = Arc::new(Mutex::new(vt100::Parser::new(
        NonZeroU16::new(40).unwrap(),
        NonZeroU16::new(120).unwrap(),
        0,
    )));
    let t0 = Instant::now();
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let p = Arc::clone(&parser);
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(k) = reader.read(&mut buf) {
            if k == 0 {
                break;
            }
            p.lock().unwrap().process(&buf[..k]);
        }
    });
    let ready_text = format!("{n} sessions");
    let mut first_frame = None;
    let deadline = t0 + Duration::from_secs(120);
    let list_ready = loop {
        let screen = parser.lock().unwrap().screen().contents();
        if first_frame.is_none() && screen.contains("Ripple") {
            first_frame = Some(t0.elapsed());
        }
        if screen.contains(&ready_text) {
            break t0.elapsed();
        }
        assert!(Instant::now() < deadline, "no list after 120 s:\n{screen}");
        std::thread::sleep(Duration::from_micros(500));
    };
    let rss = rss_kb(child.process_id().unwrap());
    let mut writer = pair.master.take_writer().unwrap();
    let _ = writer.write_all(b"q");
    let _ = writer.flush();
    let _ = child.wait();
    Launch {
        first_frame: first_frame.unwrap_or(list_ready),
        list_ready,
        rss_kb: rss,
    }
}

use std::io::Write;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let sizes: Vec<usize> = std::env::var("RIPPLE_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let base = std::env::var_os("RIPPLE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("ripple-bench-startup"));
    let home = base.join("home");
    std::fs::create_dir_all(&home).unwrap();
    println!("| sessions | first frame (median) | list shown, warm catalog (median) | list shown, cold (no catalog) | resident memory |");
    println!("|---:|---:|---:|---:|---:|");
    for n in sizes {
        let store = base.join(format!("startup-{n}"));
        eprintln!("generating {n} sessions in {} …", store.display());
        common::synth::write_store(&store, n, 220);
        // Build the search index first, so the runs measure start-up, not a background rebuild.
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_ripple"))
            .arg("--store")
            .arg(&store)
            .arg("reindex")
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .stdout(std::process::Stdio::null())
            .status()
            .expect("run ripple reindex");
        assert!(status.success(), "ripple reindex failed");
        // Cold: no catalog, every note's front matter is read.
        let _ = std::fs::remove_file(store.join(".ripple").join("catalog.tsv"));
        let cold = launch(&store, n, &home);
        let runs: Vec<Launch> = (0..RUNS).map(|_| launch(&store, n, &home)).collect();
        let first = median(runs.iter().map(|r| r.first_frame).collect());
        let ready = median(runs.iter().map(|r| r.list_ready).collect());
        let rss = runs.iter().map(|r| r.rss_kb).max().unwrap_or(0);
        println!(
            "| {n} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} MB |",
            first.as_secs_f64() * 1e3,
            ready.as_secs_f64() * 1e3,
            cold.list_ready.as_secs_f64() * 1e3,
            rss as f64 / 1024.0
        );
    }
}
