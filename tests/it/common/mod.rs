//! Drive the real `ripple` binary in a pseudo-terminal and read its screen, as a user would.
//!
//! Output is drained on a thread into a vt100 parser (a program whose output is not read
//! blocks); tests poll the parsed screen until a condition holds, with a deadline and no fixed
//! sleeps.
#![allow(dead_code)]

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::os::fd::{AsRawFd, FromRawFd};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const DEADLINE: Duration = Duration::from_secs(20);

pub struct Tui {
    child: Box<dyn Child + Send + Sync>,
    /// None once the terminal is closed (`close_terminal`).
    master: Option<Box<dyn MasterPty + Send>>,
    writer: Option<Box<dyn Write + Send>>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Tells the output-draining thread to let go of its copy of the terminal.
    closing: Arc<AtomicBool>,
    drain: Option<std::thread::JoinHandle<()>>,
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("non-zero size")
}

impl Tui {
    /// Start `ripple --store STORE ARGS…` on a `cols`×`rows` terminal, with a private config
    /// and index so tests never touch the user's files.
    pub fn start(store: &Path, args: &[&str], cols: u16, rows: u16) -> Tui {
        Self::start_env(store, args, cols, rows, &[])
    }

    pub fn start_env(
        store: &Path,
        args: &[&str],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
    ) -> Tui {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_ripple"));
        cmd.arg("--store");
        cmd.arg(store);
        for a in args {
            cmd.arg(a);
        }
        let home = store.parent().unwrap_or(store).join("home");
        std::fs::create_dir_all(&home).unwrap();
        cmd.env("HOME", &home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_CACHE_HOME", home.join("cache"));
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env(
            "RIPPLE_INDEX",
            store.parent().unwrap_or(store).join("index"),
        );
        cmd.env("RIPPLE_CODER", "Test Coder");
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn ripple");
        drop(pair.slave);
        // A descriptor of our own for the output, polled, so that closing the terminal
        // (`close_terminal`) can let go of it: a terminal is closed when its last descriptor is.
        let master_fd = pair.master.as_raw_fd().expect("pty master descriptor");
        // SAFETY: dup returns a new descriptor that nothing else owns (checked below).
        let dup = unsafe { libc::dup(master_fd) };
        assert!(dup >= 0, "dup the pty master");
        // SAFETY: `dup` is open and owned by this File alone.
        let mut reader = unsafe { std::fs::File::from_raw_fd(dup) };
        let writer = pair.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
        let p = Arc::clone(&parser);
        let closing = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&closing);
        let drain = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while !stop.load(Ordering::SeqCst) {
                let mut pfd = libc::pollfd {
                    fd: reader.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: one valid pollfd.
                let ready = unsafe { libc::poll(&mut pfd, 1, 20) };
                if ready <= 0 {
                    continue;
                }
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => p.lock().unwrap().process(&buf[..n]),
                }
            }
        });
        Tui {
            child,
            master: Some(pair.master),
            writer: Some(writer),
            parser,
            closing,
            drain: Some(drain),
        }
    }

    /// Close the terminal as closing its window does: every descriptor of the pseudo-terminal's
    /// master side is closed, so the program gets SIGHUP and its reads and writes fail.
    pub fn close_terminal(&mut self) {
        self.closing.store(true, Ordering::SeqCst);
        if let Some(d) = self.drain.take() {
            let _ = d.join();
        }
        self.writer = None;
        self.master = None;
    }

    /// Whether the program has exited (without waiting).
    pub fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Run `f` on the parsed screen.
    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(self.parser.lock().unwrap().screen())
    }

    /// Wait until `pred` holds for the screen text; panic with the screen if it never does.
    pub fn wait_until(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + DEADLINE;
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() > end {
                panic!("timed out waiting for {what}; screen was:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    /// Wait until the open note's state in the status line says everything is on disk.
    pub fn wait_saved(&self) -> String {
        self.wait_until("the note to be saved", |s| {
            s.lines().any(|l| l.starts_with(" saved "))
        })
    }

    pub fn wait_gone(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} to go"), |s| !s.contains(text))
    }

    pub fn send(&mut self, bytes: &[u8]) {
        let w = self.writer.as_mut().expect("the terminal is open");
        w.write_all(bytes).unwrap();
        w.flush().unwrap();
    }

    /// Type text a character at a time, as a person does.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let mut b = [0u8; 4];
            self.send(c.encode_utf8(&mut b).as_bytes());
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    pub fn key(&mut self, k: Key) {
        match k {
            Key::Char(c) => self.type_text(&c.to_string()),
            Key::Esc => {
                self.send(Key::Esc.bytes());
                // A lone ESC byte followed at once by the next key's bytes reads as Alt+key
                // (or as an escape sequence): a person's next key comes later than this.
                std::thread::sleep(Duration::from_millis(60));
            }
            other => self.send(other.bytes()),
        }
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.parser.lock().unwrap().set_size(nz(rows), nz(cols));
        self.master
            .as_ref()
            .expect("the terminal is open")
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("pid")
    }

    /// SIGKILL: no chance to save or restore anything.
    pub fn kill9(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-9", &self.pid().to_string()])
            .status();
        let _ = self.child.wait();
    }

    pub fn signal(&mut self, sig: &str) {
        let _ = std::process::Command::new("kill")
            .args([&format!("-{sig}"), &self.pid().to_string()])
            .status();
    }

    /// Wait for the program to exit and return whether it succeeded.
    pub fn wait_exit(&mut self) -> bool {
        let end = Instant::now() + DEADLINE;
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st.success();
            }
            if Instant::now() > end {
                let s = self.screen();
                let _ = self.child.kill();
                panic!("ripple did not exit; screen was:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        self.closing.store(true, Ordering::SeqCst);
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The store folder inside a test's temporary folder (the harness keeps home, config and
/// index beside it).
pub fn store_dir(tmp: &tempfile::TempDir) -> std::path::PathBuf {
    tmp.path().join("store")
}

/// Run a prepared command (the `ripple` binary with its arguments and environment) with
/// `stdin` written to its standard input (None: no input at all), and collect its exit status,
/// stdout and stderr.
pub fn output_with_stdin(mut cmd: Command, stdin: Option<&str>) -> Output {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run ripple");
    if let Some(text) = stdin {
        // Dropped at the end of the statement, so the program sees the end of its input.
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    child.wait_with_output().expect("wait for ripple")
}

/// Create a session with `ripple new` (the same core the TUI uses), the note text on stdin;
/// returns the new session's id.
pub fn cli_new(store: &Path, title: &str, date: &str, text: &str) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ripple"));
    cmd.arg("--store")
        .arg(store)
        .args(["new", "--title", title, "--date", date, "--agency", "CYFD"])
        .env(
            "RIPPLE_INDEX",
            store.parent().unwrap_or(store).join("index"),
        );
    let out = output_with_stdin(cmd, Some(text));
    assert!(
        out.status.success(),
        "ripple new failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[derive(Clone, Copy, Debug)]
pub enum Key {
    Enter,
    Esc,
    Tab,
    BackTab,
    Up,
    Down,
    Left,
    Right,
    ShiftLeft,
    ShiftRight,
    CtrlLeft,
    CtrlRight,
    Home,
    End,
    Backspace,
    Ctrl(char),
    Char(char),
    F1,
}

impl Key {
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Key::Enter => b"\r",
            Key::Esc => b"\x1b",
            Key::Tab => b"\t",
            Key::BackTab => b"\x1b[Z",
            Key::Up => b"\x1b[A",
            Key::Down => b"\x1b[B",
            Key::Right => b"\x1b[C",
            Key::Left => b"\x1b[D",
            Key::ShiftLeft => b"\x1b[1;2D",
            Key::ShiftRight => b"\x1b[1;2C",
            Key::CtrlLeft => b"\x1b[1;5D",
            Key::CtrlRight => b"\x1b[1;5C",
            Key::Home => b"\x1b[H",
            Key::End => b"\x1b[F",
            Key::Backspace => b"\x7f",
            Key::F1 => b"\x1bOP",
            Key::Char(_) => unreachable!("typed with type_text"),
            Key::Ctrl(c) => {
                const CTRL: [&[u8]; 26] = [
                    b"\x01", b"\x02", b"\x03", b"\x04", b"\x05", b"\x06", b"\x07", b"\x08",
                    b"\x09", b"\x0a", b"\x0b", b"\x0c", b"\x0d", b"\x0e", b"\x0f", b"\x10",
                    b"\x11", b"\x12", b"\x13", b"\x14", b"\x15", b"\x16", b"\x17", b"\x18",
                    b"\x19", b"\x1a",
                ];
                CTRL[(c.to_ascii_lowercase() as u8 - b'a') as usize]
            }
        }
    }
}

/// The file in `<store>/sessions/` that holds session `id` (`YYYY-MM-DD-title-<id>.md`, or
/// `<id>.md` as earlier Ripples named it); the short name when there is none.
pub fn session_file(store: &Path, id: &str) -> std::path::PathBuf {
    let dir = store.join("sessions");
    std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                !n.starts_with('.')
                    && (n == format!("{id}.md") || n.ends_with(&format!("-{id}.md")))
            })
        })
        .unwrap_or_else(|| dir.join(format!("{id}.md")))
}
