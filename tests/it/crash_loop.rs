//! The crash loop: the real binary in a pseudo-terminal, typed at continuously (with saves and
//! pauses), ended at a random moment by kill -9, SIGHUP, SIGTERM or its terminal closing. After
//! each ending, every file must read back whole (no torn file) and the text kept (the session
//! file, or the recovery draft / interrupted save offered at the next start) must be what was
//! typed, missing at most the last ~2 s of typing.
//!
//! `cargo test --test it crash_loop::` runs a few trials of each ending (seconds). The larger run:
//!
//! ```text
//! RIPPLE_CRASH_TRIALS=40 cargo test --test it crash_loop::many -- --ignored --nocapture
//! ```
//!
//! prints the figures recorded in docs/reliability.md (`RIPPLE_CRASH_SEED` replays a run).

use crate::common::{cli_new, store_dir, Key, Tui};
use ripple::core::session::SessionId;
use ripple::core::store::{decode_draft, DraftBase, FileVersion, Store};
use std::path::Path;
use std::time::{Duration, Instant};

/// The most typing a crash may lose: a draft is due 1.5 s after the first unkept keystroke,
/// looked at every 0.1 s, then written and synced; the rest is slack for a loaded machine.
const LOSS_BOUND: Duration = Duration::from_millis(2500);

const START: &str = "Start.";
/// What is typed, over and over: words, accents, symbols and CJK.
const WORDS: &[&str] = &[
    "safety ",
    "plan ",
    "Doña ",
    "Ana ",
    "confianza ",
    "✓ ",
    "我们 ",
    "trust ",
    "coaching ",
    "niño ",
    "—",
    "follow-up ",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    Kill9,
    Hup,
    Term,
    TerminalClosed,
}

impl Ending {
    const ALL: [Ending; 4] = [
        Ending::Kill9,
        Ending::Hup,
        Ending::Term,
        Ending::TerminalClosed,
    ];
}

/// A small random source (xorshift), seeded so that a failing run can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn ms(&mut self, lo: u64, hi: u64) -> Duration {
        Duration::from_millis(lo + self.below(hi - lo + 1))
    }
}

/// One trial's result.
#[derive(Debug)]
pub struct Trial {
    pub ending: Ending,
    /// Characters typed, and how many of them were kept.
    pub typed: usize,
    pub kept: usize,
    /// From the first keystroke not kept to the ending (zero when all was kept).
    pub lost: Duration,
    /// The text kept is in a draft made from another version of the file than the one on disk
    /// (the next start shows both rather than restoring it).
    pub needs_choice: bool,
}

/// What survives: the session file (which must read back whole) and the unsaved text the next
/// start offers (which must too). Returns the longest text kept and whether it is a draft made
/// from another version of the file.
fn kept_text(store_path: &Path, home: &Path, id: &SessionId) -> (String, bool) {
    let mut store = Store::open_read_only(store_path).expect("open the store");
    store.set_fallback_drafts_dir(home.join("fallback-drafts"));
    let scan = store.scan();
    assert!(
        scan.problems.is_empty(),
        "a torn or unreadable file: {:?}",
        scan.problems
    );
    let file = store.load(id).expect("the session file reads back whole");
    // Every draft file reads back whole too.
    for p in store.draft_files() {
        let bytes = std::fs::read(&p).unwrap();
        decode_draft(&bytes).unwrap_or_else(|e| panic!("{}: torn draft: {e}", p.display()));
    }
    let Some(r) = store.recovery(id) else {
        return (file.text, false);
    };
    let file_bytes = std::fs::read(store.session_path(id)).unwrap();
    let needs_choice = r.base != DraftBase::File(FileVersion::of(&file_bytes));
    if r.session.text.chars().count() >= file.text.chars().count() {
        (r.session.text, needs_choice)
    } else {
        // An older draft left beside a newer file (the end came between the save and the
        // draft's removal): the file holds more.
        assert!(
            file.text.starts_with(&r.session.text),
            "an older draft that is not part of the file:\n{:?}\n{:?}",
            r.session.text,
            file.text
        );
        (file.text, false)
    }
}

/// Open a session, type at it continuously with the odd save (Ctrl-S) and pause (which
/// autosaves), and end the program `ending` after `typing_for`.
pub fn trial(rng_seed: u64, ending: Ending, typing_for: Duration) -> Trial {
    let mut rng = Rng(rng_seed | 1);
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = SessionId(cli_new(&store, "Crash loop", "2026-03-02", START));
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("Crash loop");
    t.key(Key::Enter);
    t.wait_for("Details");
    t.wait_for(START);
    t.key(Key::End);

    // Each character sent, with when.
    let mut sent: Vec<(char, Instant)> = Vec::new();
    let begin = Instant::now();
    let end_at = begin + typing_for;
    'typing: loop {
        let word = WORDS[rng.below(WORDS.len() as u64) as usize];
        for c in word.chars() {
            // Fast typing, with the odd longer gap (still shorter than the autosave's pause).
            let gap = if rng.below(10) == 0 {
                rng.ms(200, 900)
            } else {
                rng.ms(15, 120)
            };
            let next = Instant::now() + gap;
            if next >= end_at {
                std::thread::sleep(end_at.saturating_duration_since(Instant::now()));
                break 'typing;
            }
            std::thread::sleep(gap);
            t.type_text(&c.to_string());
            sent.push((c, Instant::now()));
        }
        match rng.below(40) {
            0 => t.key(Key::Ctrl('s')),
            1 => {
                // A pause long enough to autosave.
                let pause = rng.ms(1600, 2200);
                if Instant::now() + pause >= end_at {
                    std::thread::sleep(end_at.saturating_duration_since(Instant::now()));
                    break 'typing;
                }
                std::thread::sleep(pause);
            }
            _ => {}
        }
    }
    let ended = Instant::now();
    match ending {
        Ending::Kill9 => t.kill9(),
        Ending::Hup => {
            t.signal("HUP");
            t.wait_exit();
        }
        Ending::Term => {
            t.signal("TERM");
            t.wait_exit();
        }
        Ending::TerminalClosed => {
            t.close_terminal();
            let deadline = Instant::now() + crate::common::DEADLINE;
            while !t.exited() {
                assert!(
                    Instant::now() < deadline,
                    "ripple did not exit when its terminal closed"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
    drop(t);

    let (kept, needs_choice) = kept_text(&store, &tmp.path().join("home"), &id);
    let typed: String = sent.iter().map(|(c, _)| *c).collect();
    let Some(kept_typed) = kept.strip_prefix(START) else {
        panic!("the note lost its first words: {kept:?}");
    };
    assert!(
        typed.starts_with(kept_typed),
        "the text kept is not what was typed ({ending:?}, seed {rng_seed}):\nkept:  {kept_typed:?}\ntyped: {typed:?}"
    );
    let kept_chars = kept_typed.chars().count();
    let lost = sent
        .get(kept_chars)
        .map(|(_, at)| ended.saturating_duration_since(*at))
        .unwrap_or_default();
    Trial {
        ending,
        typed: sent.len(),
        kept: kept_chars,
        lost,
        needs_choice,
    }
}

fn seed() -> u64 {
    std::env::var("RIPPLE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
}

/// Run `n` trials, the endings in turn, typing for a random 0.5–`max_typing` each; assert the
/// bound on each; return them.
fn run(n: usize, max_typing: Duration) -> Vec<Trial> {
    let seed = seed();
    eprintln!("crash loop: {n} trials, seed {seed} (RIPPLE_CRASH_SEED={seed} replays it)");
    let mut rng = Rng(seed | 1);
    let mut trials = Vec::new();
    for i in 0..n {
        let ending = Ending::ALL[i % Ending::ALL.len()];
        let typing = rng.ms(500, max_typing.as_millis() as u64);
        let trial_seed = rng.next();
        let r = trial(trial_seed, ending, typing);
        assert!(
            r.lost <= LOSS_BOUND,
            "{ending:?} after {typing:?} lost {:?} of typing ({} of {} characters kept; trial seed {trial_seed})",
            r.lost,
            r.kept,
            r.typed
        );
        trials.push(r);
    }
    trials
}

fn report(trials: &[Trial]) {
    for e in Ending::ALL {
        let of: Vec<&Trial> = trials.iter().filter(|t| t.ending == e).collect();
        let max = of.iter().map(|t| t.lost).max().unwrap_or_default();
        let all_kept = of.iter().filter(|t| t.kept == t.typed).count();
        let choice = of.iter().filter(|t| t.needs_choice).count();
        eprintln!(
            "{e:?}: {} trials, torn files 0, everything kept in {all_kept}, max loss {:.2} s, drafts needing a choice {choice}",
            of.len(),
            max.as_secs_f64()
        );
    }
    let max = trials.iter().map(|t| t.lost).max().unwrap_or_default();
    let typed: usize = trials.iter().map(|t| t.typed).sum();
    eprintln!(
        "all: {} trials, {typed} characters typed, torn files 0, max loss {:.2} s",
        trials.len(),
        max.as_secs_f64()
    );
}

/// A few trials of each ending, in seconds.
#[test]
fn every_ending_keeps_all_but_the_last_two_seconds() {
    let trials = run(8, Duration::from_millis(4000));
    report(&trials);
    // Signals and a closed terminal save what was typed; only keystrokes still on their way
    // to the program when it was told to stop may be missing.
    for t in trials.iter().filter(|t| t.ending != Ending::Kill9) {
        assert!(
            t.typed - t.kept <= 2,
            "{:?} kept {} of {} characters",
            t.ending,
            t.kept,
            t.typed
        );
    }
}

/// Steady typing, never pausing long enough to autosave, then kill -9: a draft holds all but
/// the last ~2 s (before drafts were written while typing, all of it was lost).
#[test]
fn steady_typing_without_a_pause_is_kept_in_a_draft() {
    let seed = seed();
    let mut rng = Rng(seed | 1);
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = SessionId(cli_new(&store, "Steady", "2026-03-02", START));
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("Steady");
    t.key(Key::Enter);
    t.wait_for("Details");
    t.wait_for(START);
    t.key(Key::End);
    let mut sent = Vec::new();
    let begin = Instant::now();
    while begin.elapsed() < Duration::from_millis(4500) {
        std::thread::sleep(rng.ms(100, 300));
        let c = char::from(b'a' + rng.below(26) as u8);
        t.type_text(&c.to_string());
        sent.push((c, Instant::now()));
    }
    let ended = Instant::now();
    t.kill9();
    let (kept, _) = kept_text(&store, &tmp.path().join("home"), &id);
    let kept = kept
        .strip_prefix(START)
        .expect("starts as it did")
        .to_string();
    let typed: String = sent.iter().map(|(c, _)| *c).collect();
    assert!(typed.starts_with(&kept), "{kept:?} / {typed:?}");
    let n = kept.chars().count();
    let lost = sent
        .get(n)
        .map(|(_, at)| ended.saturating_duration_since(*at))
        .unwrap_or_default();
    assert!(
        lost <= LOSS_BOUND,
        "lost {lost:?} of steady typing ({n} of {} characters kept)",
        sent.len()
    );
}

/// Typing, a short pause (shorter than the autosave's), then the terminal window closes: the
/// text is saved before anything is written to the terminal that is gone.
///
/// The note is long, so its save takes a while: before, the first frame drawn after the
/// hang-up failed and the program left with an error while the save was still being written.
#[test]
fn closing_the_terminal_saves_what_was_typed() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let long: String = (0..6000)
        .map(|i| format!("Line {i}: the family agreed to the safety plan, Doña Ana ✓ 我们.\n"))
        .collect();
    let id = SessionId(cli_new(&store, "Window", "2026-03-02", &long));
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("Window");
    t.key(Key::Enter);
    t.wait_for("Details");
    t.wait_for("Line 0:");
    // Ctrl-End: the end of the note.
    t.send(b"\x1b[1;5F");
    t.wait_for("Line 5999:");
    t.type_text("closed ✓");
    t.wait_for("closed ✓");
    std::thread::sleep(Duration::from_millis(300));
    t.close_terminal();
    let clean = t.wait_exit();
    let store = Store::open_read_only(&store).unwrap();
    assert!(
        store.load(&id).unwrap().text == format!("{long}closed ✓"),
        "the text typed is saved"
    );
    assert!(store.recovery(&id).is_none(), "saved, so no draft is left");
    assert!(clean, "a closed terminal is a normal way to leave");
}

/// The larger run: `RIPPLE_CRASH_TRIALS` trials (default 100) of up to 8 s of typing each.
#[test]
#[ignore = "minutes: RIPPLE_CRASH_TRIALS=40 cargo test --test it crash_loop::many -- --ignored --nocapture"]
fn many() {
    let n = std::env::var("RIPPLE_CRASH_TRIALS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let trials = run(n, Duration::from_secs(8));
    report(&trials);
}
