//! The terminal UI, in the Elm architecture: one `App` state, `Msg`s from the keyboard, mouse,
//! timer and IO thread, an `update` that returns disk work for the IO thread, and views that are
//! pure functions of the state. Only this module touches the terminal.

pub mod app;
pub mod coding;
pub mod form;
pub mod index_worker;
pub mod keymap;
pub mod search;
pub mod text_view;
pub mod theme;
pub mod views;
pub mod worker;

use crate::core::settings::Env;
use crate::core::store::Store;
use app::{App, Msg, Quit};
use crossbeam_channel::{unbounded, RecvTimeoutError};
use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyEventKind,
};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often time-based work (autosave, outside-edit checks) is considered.
const TICK: Duration = Duration::from_millis(100);
/// After a signal, how long to wait for the last save before leaving anyway.
const TERMINATE_GRACE: Duration = Duration::from_secs(3);

/// Put the terminal back as we found it. Safe to call more than once.
fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

pub fn run(store: Store, env: Env) -> anyhow::Result<()> {
    // Before any thread starts: index files and exports are private like the notes.
    crate::core::atomic::set_private_umask();
    let store = Arc::new(store);
    let read_only = store.read_only_reason().map(str::to_string);
    let label = if env.demo {
        "demo store (throw-away copy)".to_string()
    } else {
        env.store_root.display().to_string()
    };
    let mut app = App::new(label, env.facilitator.clone(), read_only);
    app.coding.coder = env.coder.clone();

    // Signals set a flag that the loop turns into a message, so a save can still happen.
    let term = Arc::new(AtomicBool::new(false));
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        signal_hook::flag::register(sig, Arc::clone(&term))?;
    }

    // A panic on the UI thread ends the program: give the terminal back first. Worker threads
    // catch their panics (the index thread rebuilds; the IO thread's end is noticed by the
    // loop, see `io_thread_failed`): the screen stays ours and nothing is printed over it.
    let ui_thread = std::thread::current().id();
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == ui_thread {
            restore_terminal();
            default_hook(info);
        }
    }));

    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    let result = run_loop(&mut app, Arc::clone(&store), env.index_dir.clone(), &term);
    restore_terminal();
    result
}

fn run_loop(
    app: &mut App,
    store: Arc<Store>,
    index_dir: std::path::PathBuf,
    term: &AtomicBool,
) -> anyhow::Result<()> {
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    let size = terminal.size()?;
    app.size = (size.width, size.height);

    let (msg_tx, msg_rx) = unbounded::<Msg>();
    let (req_tx, req_rx) = unbounded();
    let (index_tx, index_rx) = unbounded();
    let index_thread = index_worker::spawn(
        Arc::clone(&store),
        index_dir,
        index_rx,
        msg_tx.clone(),
        Msg::Index,
    );
    let io_thread = worker::spawn(
        Arc::clone(&store),
        app.coding.coder.clone(),
        req_rx,
        msg_tx.clone(),
        Msg::Io,
    );

    // Input thread: crossterm's blocking read, forwarded as messages.
    let input_tx = msg_tx.clone();
    std::thread::Builder::new()
        .name("ripple-input".into())
        .spawn(move || {
            while let Ok(ev) = event::read() {
                let msg = match ev {
                    // Some terminals report releases too: act on presses only.
                    Event::Key(k) if k.kind != KeyEventKind::Release => Msg::Key(k),
                    Event::Mouse(m) => Msg::Mouse(m),
                    Event::Paste(s) => Msg::Paste(s),
                    Event::Resize(w, h) => Msg::Resize(w, h),
                    _ => continue,
                };
                if input_tx.send(msg).is_err() {
                    break;
                }
            }
        })?;
    drop(msg_tx);

    for r in app.init() {
        req_tx.send(r)?;
    }
    let mut last_tick = Instant::now();
    let mut terminate_at: Option<Instant> = None;
    loop {
        terminal.draw(|f| views::draw(f, app))?;
        if let Some(text) = app.clipboard_out.take() {
            write_osc52(&text);
        }
        if app.quit == Quit::Now {
            break;
        }
        if terminate_at.is_some_and(|t| Instant::now() > t) {
            break;
        }
        if io_thread.is_finished() {
            // The IO thread only ends before the loop does by panicking.
            return Err(io_thread_failed(app, &store, io_thread));
        }
        let first = match msg_rx.recv_timeout(TICK) {
            Ok(m) => Some(m),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        // Handle everything already queued before drawing again.
        let mut msgs: Vec<Msg> = first.into_iter().collect();
        msgs.extend(msg_rx.try_iter());
        if term.swap(false, Ordering::SeqCst) {
            msgs.push(Msg::Terminate);
            terminate_at = Some(Instant::now() + TERMINATE_GRACE);
        }
        if last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
            msgs.push(Msg::Tick);
        }
        for m in msgs {
            for r in app.update(m) {
                req_tx.send(r)?;
            }
            for r in app.index_out.drain(..) {
                // The index thread only stops when the program does; a send cannot fail before.
                let _ = index_tx.send(r);
            }
        }
    }
    // Let the IO thread finish every queued save and draft before we go.
    drop(req_tx);
    let _ = io_thread.join();
    // Let the index take in the last saves, unless it is busy rebuilding (it is rebuilt on the
    // next start if the rebuild did not finish).
    for r in app.index_out.drain(..) {
        let _ = index_tx.send(r);
    }
    drop(index_tx);
    let end = Instant::now() + TERMINATE_GRACE;
    while !index_thread.is_finished() && Instant::now() < end {
        if !matches!(app.search.index, index_worker::IndexState::Ready { .. }) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(())
}

/// The IO thread died: save what can be saved here, on the UI thread (the requests a signal
/// would send: the open note, or a recovery draft of it, and unsaved codings), and say what
/// happened once the terminal is restored. Never carry on half-alive, with saves going nowhere.
fn io_thread_failed(
    app: &mut App,
    store: &Store,
    io_thread: std::thread::JoinHandle<()>,
) -> anyhow::Error {
    let why = match io_thread.join() {
        Err(panic) => crate::core::index::panic_message(&panic),
        Ok(()) => "it stopped".to_string(),
    };
    let mut queue = app.update(Msg::Terminate);
    // Answers can ask for more (a failed save asks for a draft): a few rounds at most.
    for _ in 0..4 {
        let mut next = Vec::new();
        for r in queue.drain(..) {
            let coder = app.coding.coder.clone();
            let answered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                worker::handle(store, &coder, r)
            }));
            if let Ok(resp) = answered {
                next.extend(app.update(Msg::Io(resp)));
            }
        }
        queue = next;
    }
    let kept = if app.quit == Quit::Now {
        "your unsaved work was saved"
    } else {
        "your unsaved work may not have been saved: check the recovery drafts (`ripple check` lists them)"
    };
    anyhow::anyhow!("the disk thread failed ({why}); {kept}")
}

/// Copy to the system clipboard through the terminal (OSC 52), which also works over SSH.
fn write_osc52(text: &str) {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let mut out = io::stdout();
    let _ = write!(out, "\x1b]52;c;{b64}\x07");
    let _ = out.flush();
}
