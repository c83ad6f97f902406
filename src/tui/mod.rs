//! The terminal UI, in the Elm architecture: one `App` state, `Msg`s from the keyboard, mouse,
//! timer and IO thread, an `update` that returns disk work for the IO thread, and views that are
//! pure functions of the state. Only this module touches the terminal.

pub mod agreement;
pub mod analysis;
pub mod app;
pub mod between;
pub mod carry;
pub mod coding;
pub mod component;
pub mod effect;
pub mod exchange;
pub mod form;
pub mod help;
pub mod index_worker;
pub mod keymap;
pub mod layout;
pub mod line_input;
pub mod list;
pub mod message_log;
pub mod note;
pub mod search;
pub mod settings;
pub mod settle;
pub mod spell;
pub mod text_view;
pub mod theme;
pub mod tty;
pub mod views;
pub mod worker;
pub mod wrap;

use crate::core::settings::Env;
use crate::core::store::Store;
use app::{App, Msg, Quit};
use crossbeam_channel::{unbounded, RecvTimeoutError, Sender};
use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyEventKind,
};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use effect::Effect;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tty::{Tty, TtyOut};

/// How often time-based work (autosave, outside-edit checks) is considered.
const TICK: Duration = Duration::from_millis(100);
/// After a signal, how long to wait for the last save before leaving anyway.
const TERMINATE_GRACE: Duration = Duration::from_secs(3);
/// On the way out (everything saved), how long to wait for the terminal to take the bytes that
/// restore it: a terminal that is gone or stuck does not hold up the exit.
const RESTORE_WAIT: Duration = Duration::from_millis(500);

/// The bytes that put the screen back (mouse, paste mode, main screen, cursor).
fn restore_bytes() -> Vec<u8> {
    let mut bytes = Vec::new();
    let _ = crossterm::queue!(
        bytes,
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    bytes
}

/// Put the terminal back as we found it (after a panic). Safe to call more than once.
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
    let mut app = App::new(label, env.facilitator.clone(), read_only, Instant::now());
    app.lock_busy = matches!(
        store.check_writable(),
        Err(crate::core::store::StoreError::Busy { .. })
    );
    app.coding.coder = env.coder.clone();
    app.config_path = env.config_path.clone();
    app.coder_overridden = env.coder_overridden;
    app.config_blind = env.blind;
    if env.ask_name {
        app.overlay = Some(app::Overlay::Settings(settings::SettingsForm::first_run(
            &env.facilitator,
        )));
    }
    app.blind = env.blind;
    app.agreement.blind = env.blind;
    app.index_dir = Some(env.index_dir.clone());
    let palette = theme::resolve(
        env.theme,
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        std::env::var("COLORFGBG").ok().as_deref(),
    );
    app.no_color = palette.no_color;
    app.light = palette.light;
    // The user's keymap, read once: every lookup, hint and help row uses it from here on.
    app.config_problems =
        keymap::user::load_and_install(&env.config_path.with_file_name("keymap.toml"));
    app.exchange.index_dir = env.index_dir.clone();

    // Everything that ends the program arrives as one message in the loop's queue: a signal
    // (SIGTERM, SIGHUP, SIGINT), or the terminal gone (a read or write fails). The text is
    // saved first; the terminal is touched only after that.
    let (msg_tx, msg_rx) = unbounded::<Msg>();
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ])?;
    let signals_handle = signals.handle();
    let signal_tx = msg_tx.clone();
    std::thread::Builder::new()
        .name("ripple-signals".into())
        .spawn(move || {
            for _ in signals.forever() {
                if signal_tx.send(Msg::Terminate).is_err() {
                    break;
                }
            }
        })?;

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

    let gone_tx = msg_tx.clone();
    let tty = Tty::spawn(move || {
        let _ = gone_tx.send(Msg::Terminate);
    })?;
    enable_raw_mode()?;
    let mut out = tty.out();
    execute!(
        out,
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    drop(out);
    let result = run_loop(
        &mut app,
        Arc::clone(&store),
        env.index_dir.clone(),
        &tty,
        msg_tx,
        msg_rx,
    );
    // Every save and draft is on disk now: only then is the terminal put back.
    tty.finish(restore_bytes(), RESTORE_WAIT);
    let _ = disable_raw_mode();
    signals_handle.close();
    result
}

fn run_loop(
    app: &mut App,
    store: Arc<Store>,
    index_dir: std::path::PathBuf,
    tty: &Tty,
    msg_tx: Sender<Msg>,
    msg_rx: crossbeam_channel::Receiver<Msg>,
) -> anyhow::Result<()> {
    let mut terminal = Terminal::new(CrosstermBackend::new(tty.out()))?;
    let size = terminal.size()?;
    app.size = (size.width, size.height);
    app.settle();
    let mut clipboard_out = tty.out();
    // Clipboard text from the last messages, written after the frame they changed.
    let mut clipboard: Vec<String> = Vec::new();
    let mut quitting = false;

    let (req_tx, req_rx) = unbounded();
    let (index_tx, index_rx) = unbounded();
    // Coding blind, search and evidence must not show other coders' work: the index is a
    // private one, of this run only, holding your own codings and memos alone.
    let blind_dir = if app.blind {
        Some(
            tempfile::Builder::new()
                .prefix("ripple-blind-index-")
                .tempdir()
                .map_err(|e| {
                    anyhow::anyhow!("cannot create a private search index for blind mode: {e}")
                })?,
        )
    } else {
        None
    };
    let (index_dir, viewer) = match &blind_dir {
        Some(d) => (d.path().to_path_buf(), Some(app.coding.coder.clone())),
        None => (index_dir, None),
    };
    let index_thread = index_worker::spawn(
        Arc::clone(&store),
        index_dir,
        viewer,
        index_rx,
        msg_tx.clone(),
        Msg::Index,
    );
    let io_thread = worker::spawn(
        Arc::clone(&store),
        app.coding.coder.clone(),
        app.blind,
        req_rx,
        msg_tx.clone(),
        Msg::Io,
    );

    // The spell checker loads on its own thread (compiling two dictionaries takes a moment).
    spell::spawn_loader(store.root().to_path_buf(), msg_tx.clone(), |loaded| {
        Msg::Io(worker::Response::Spelling(loaded))
    });

    // Input thread: crossterm's blocking read, forwarded as messages.
    let input_tx = msg_tx.clone();
    std::thread::Builder::new()
        .name("ripple-input".into())
        .spawn(move || {
            loop {
                let Ok(ev) = event::read() else {
                    // The terminal is gone (its window closed): save and leave.
                    let _ = input_tx.send(Msg::Terminate);
                    break;
                };
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
    let mut terminal_failed = false;
    loop {
        // Leaving (a signal, the terminal gone): nothing more is drawn, so no write to a
        // terminal that may be gone stands before the save.
        if terminate_at.is_none() {
            if tty.take_dropped() {
                // The terminal fell behind and a frame was dropped: draw the next one whole.
                let _ = terminal.clear();
            }
            if terminal.draw(|f| views::draw(f, app)).is_err() {
                terminal_failed = true;
            }
            for text in clipboard.drain(..) {
                write_osc52(&mut clipboard_out, &text);
            }
        }
        if quitting {
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
        if std::mem::take(&mut terminal_failed) {
            msgs.push(Msg::Terminate);
        }
        if last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
            msgs.push(Msg::Tick);
        }
        for m in msgs {
            match m {
                // Once leaving, input no longer counts, and one request to leave is enough.
                Msg::Key(_) | Msg::Mouse(_) | Msg::Paste(_) | Msg::Resize(..) | Msg::Terminate
                    if terminate_at.is_some() =>
                {
                    continue
                }
                Msg::Terminate => terminate_at = Some(Instant::now() + TERMINATE_GRACE),
                _ => {}
            }
            for effect in app.update(m, Instant::now()) {
                match effect {
                    Effect::Io(r) => req_tx.send(r)?,
                    // The index thread only stops when the program does; a send cannot fail
                    // before.
                    Effect::Index(r) => {
                        let _ = index_tx.send(r);
                    }
                    Effect::Clipboard(text) => clipboard.push(text),
                    Effect::Quit => quitting = true,
                }
            }
        }
    }
    // Let the IO thread finish every queued save and draft before we go.
    drop(req_tx);
    let _ = io_thread.join();
    // Let the index take in the last saves (sent with the answers above), unless it is busy
    // rebuilding (it is rebuilt on the next start if the rebuild did not finish).
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
    let mut queue = effect::into_requests(app.update(Msg::Terminate, Instant::now()));
    let mut ws = crate::core::workspace::Workspace::new(store, &app.coding.coder);
    ws.set_blind(app.blind);
    // Answers can ask for more (a failed save asks for a draft): a few rounds at most.
    for _ in 0..4 {
        let mut next = Vec::new();
        for r in queue.drain(..) {
            let answered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                worker::handle(&mut ws, r)
            }));
            if let Ok(resp) = answered {
                next.extend(effect::into_requests(
                    app.update(Msg::Io(resp), Instant::now()),
                ));
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
fn write_osc52(out: &mut TtyOut, text: &str) {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let _ = write!(out, "\x1b]52;c;{b64}\x07");
    let _ = out.flush();
}
