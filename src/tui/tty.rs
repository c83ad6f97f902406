//! Terminal output on a thread of its own, so nothing else ever waits on the terminal.
//!
//! A terminal that is gone (the window closed: writes fail) or stuck (nobody reads it: writes
//! block once the kernel's buffer is full) can then neither stop a save nor hang the exit. The
//! UI thread hands each frame over without waiting; when the writer is behind, the frame is
//! dropped and the next one is drawn whole.

use crossbeam_channel::{bounded, Sender, TrySendError};
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Frames waiting for the terminal before new ones are dropped.
const QUEUE: usize = 16;

#[derive(Default)]
struct Shared {
    /// A frame was dropped: the screen no longer shows what the UI thread last drew.
    dropped: AtomicBool,
    /// A write failed: the terminal is gone.
    gone: AtomicBool,
}

/// The writer thread.
pub struct Tty {
    tx: Sender<Vec<u8>>,
    shared: Arc<Shared>,
    thread: JoinHandle<()>,
}

/// Where the UI writes: bytes collect here and go to the writer thread on `flush`.
pub struct TtyOut {
    buf: Vec<u8>,
    tx: Sender<Vec<u8>>,
    shared: Arc<Shared>,
}

impl Tty {
    /// Start writing to standard output on a thread. `on_gone` runs (on that thread) when a
    /// write fails.
    pub fn spawn(on_gone: impl FnOnce() + Send + 'static) -> io::Result<Tty> {
        let mut out = stdout_handle()?;
        let (tx, rx) = bounded::<Vec<u8>>(QUEUE);
        let shared = Arc::new(Shared::default());
        let s = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("ripple-tty".into())
            .spawn(move || {
                for chunk in rx {
                    if out.write_all(&chunk).and_then(|_| out.flush()).is_err() {
                        s.gone.store(true, Ordering::SeqCst);
                        on_gone();
                        return;
                    }
                }
            })?;
        Ok(Tty { tx, shared, thread })
    }

    pub fn out(&self) -> TtyOut {
        TtyOut {
            buf: Vec::new(),
            tx: self.tx.clone(),
            shared: Arc::clone(&self.shared),
        }
    }

    /// Whether a frame was dropped since the last call (the next frame must be drawn whole).
    pub fn take_dropped(&self) -> bool {
        self.shared.dropped.swap(false, Ordering::SeqCst)
    }

    /// Send the last bytes (restoring the terminal) and wait at most `wait` for everything to
    /// be written. A terminal that does not take them is left as it is: the caller leaves.
    /// Every `TtyOut` must be dropped first, or the wait is the whole `wait`.
    pub fn finish(self, last: Vec<u8>, wait: Duration) -> bool {
        let end = Instant::now() + wait;
        if !self.shared.gone.load(Ordering::SeqCst) {
            let _ = self.tx.send_timeout(last, wait);
        }
        drop(self.tx);
        while !self.thread.is_finished() {
            if Instant::now() >= end {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.thread.join();
        true
    }
}

impl Write for TtyOut {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        if self.shared.gone.load(Ordering::SeqCst) {
            self.buf.clear();
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the terminal is gone",
            ));
        }
        match self.tx.try_send(std::mem::take(&mut self.buf)) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_)) => {
                self.shared.dropped.store(true, Ordering::SeqCst);
                Ok(())
            }
            Err(TrySendError::Disconnected(_)) => Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the terminal is gone",
            )),
        }
    }
}

/// Standard output as a file of its own (a duplicate descriptor), so a write blocked on a
/// stuck terminal holds no lock that anything else (the panic hook, the exit) needs.
#[cfg(unix)]
fn stdout_handle() -> io::Result<Box<dyn Write + Send>> {
    use std::os::fd::AsFd;
    let fd = io::stdout().as_fd().try_clone_to_owned()?;
    Ok(Box::new(std::fs::File::from(fd)))
}

#[cfg(not(unix))]
fn stdout_handle() -> io::Result<Box<dyn Write + Send>> {
    Ok(Box::new(io::stdout()))
}
