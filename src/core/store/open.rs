//! Opening a store: the writer lock (taken, waited for, or held by another Ripple and then
//! read-only), the settings, and the folders and `.gitignore` of a new store.

use super::{
    io_err, Store, StoreError, DEFAULT_CODEBOOK, GITIGNORE, GITIGNORE_BEFORE_TEMP_FILES, MACHINE,
    MOMENTARY_WAIT, SESSIONS,
};
use crate::core::atomic::{
    atomic_write_in, create_private_dir, create_private_dir_in, refuse_links_below, LinkRefused,
};
use crate::core::settings::StoreSettings;
use serde::Deserialize;
use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

impl Store {
    /// Open (creating if missing) the store at `root` and take the writer lock. If another Ripple
    /// holds the lock (still, after [`MOMENTARY_WAIT`]), or the folder cannot be written, the
    /// store opens read-only and `read_only_reason` says why.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        Store::open_waiting(root, MOMENTARY_WAIT)
    }

    /// Like [`Store::open`], but when another Ripple holds the writer lock, wait up to `wait`
    /// for it to be released (for one-off commands that write; see [`BUSY_WAIT`]). Still held
    /// then: the store opens read-only and a write says "busy".
    pub fn open_waiting(root: &Path, wait: Duration) -> Result<Store, StoreError> {
        let root = std::path::absolute(root).map_err(io_err("find", root))?;
        check_is_store_or_empty(&root)?;
        create_private_dir(&root).map_err(io_err("create the store folder", &root))?;
        let machine = root.join(MACHINE);
        let (lock, read_only_reason, busy_holder) = match create_private_dir_in(&root, &machine) {
            Err(e) => (
                None,
                Some(format!(
                    "cannot write to {} ({e}): read-only",
                    root.display()
                )),
                None,
            ),
            Ok(()) => {
                let deadline = Instant::now() + wait;
                loop {
                    match take_lock(&root, &machine.join("lock")) {
                        Lock::Held(f) => break (Some(f), None, None),
                        Lock::Busy { .. } if Instant::now() < deadline => {
                            std::thread::sleep(Duration::from_millis(50));
                        }
                        Lock::Busy { message, holder } => {
                            break (None, Some(message), Some(holder))
                        }
                        Lock::Failed(message) => break (None, Some(message), None),
                    }
                }
            }
        };
        let mut store = Store {
            root: root.clone(),
            settings: StoreSettings::default(),
            _lock: lock,
            late_lock: std::sync::OnceLock::new(),
            read_only_reason,
            busy_holder,
            waited: wait,
            fallback_drafts: default_fallback_drafts(&root),
            catalog: Mutex::new(None),
            temp_files: Mutex::new(Vec::new()),
            names: Mutex::new(HashMap::new()),
        };
        if !store.is_read_only() {
            store.initialise()?;
        }
        store.settings = store.load_settings()?;
        Ok(store)
    }

    /// A store opened read-only because another Ripple held the writer lock: take the lock if
    /// that one has let go (quit, or died: the system releases a dead process's lock), and
    /// become writable. Returns whether it was taken now; false while the other still holds
    /// it, and for a store read-only for any other reason. It does not wait: a try, for a
    /// thread that is not the UI's to call every few seconds.
    pub fn try_take_over(&self) -> Result<bool, StoreError> {
        if !self.is_read_only() || self.busy_holder.is_none() {
            return Ok(false);
        }
        match take_lock(&self.root, &self.root.join(MACHINE).join("lock")) {
            Lock::Held(f) => {
                if self.late_lock.set(f).is_err() {
                    return Ok(false);
                }
                self.initialise()?;
                Ok(true)
            }
            Lock::Busy { .. } | Lock::Failed(_) => Ok(false),
        }
    }

    /// Open an existing store without taking the lock or writing anything in it.
    pub fn open_read_only(root: &Path) -> Result<Store, StoreError> {
        let root = std::path::absolute(root).map_err(io_err("find", root))?;
        if !root.join("ripple.toml").is_file() && !root.join(SESSIONS).is_dir() {
            return Err(StoreError::NotAStore {
                path: root,
                reason: "it has no ripple.toml and no sessions folder".into(),
            });
        }
        let mut store = Store {
            root: root.clone(),
            settings: StoreSettings::default(),
            _lock: None,
            late_lock: std::sync::OnceLock::new(),
            read_only_reason: Some("opened read-only".into()),
            busy_holder: None,
            waited: Duration::ZERO,
            fallback_drafts: default_fallback_drafts(&root),
            catalog: Mutex::new(None),
            temp_files: Mutex::new(Vec::new()),
            names: Mutex::new(HashMap::new()),
        };
        store.settings = store.load_settings()?;
        Ok(store)
    }

    fn load_settings(&self) -> Result<StoreSettings, StoreError> {
        let p = self.root.join("ripple.toml");
        if p.exists() {
            Ok(StoreSettings::load(&p)?)
        } else {
            Ok(StoreSettings::default())
        }
    }

    /// Create whatever of the layout is missing. Existing files are never overwritten. A
    /// symbolic link in the layout is left alone here (the store still opens, `ripple check`
    /// reports it); every write through it is refused.
    fn initialise(&self) -> Result<(), StoreError> {
        for dir in [
            self.root.join(SESSIONS),
            self.codings_dir(),
            self.drafts_dir(),
            self.trash_dir(),
        ] {
            match create_private_dir_in(&self.root, &dir) {
                Err(e) if LinkRefused::from_io(&e).is_some() => {}
                r => r.map_err(io_err("create", &dir))?,
            }
        }
        let write_new = |name: &str, text: String| -> Result<(), StoreError> {
            let p = self.root.join(name);
            if fs::symlink_metadata(&p).is_err() {
                atomic_write_in(&self.root, &p, text.as_bytes()).map_err(io_err("write", &p))?;
            }
            Ok(())
        };
        let name = self
            .root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        write_new(
            "ripple.toml",
            StoreSettings {
                format: crate::core::settings::STORE_FORMAT,
                name,
                ..StoreSettings::default()
            }
            .to_toml_string(),
        )?;
        write_new("codebook.toml", DEFAULT_CODEBOOK.to_string())?;
        // Templates are a convenience: a store whose templates cannot be made still opens.
        let _ = self.create_templates();
        write_new(".gitignore", GITIGNORE.to_string())?;
        // A store made before temporary files were listed gets them, unless the file was edited.
        let ignore = self.root.join(".gitignore");
        if fs::read_to_string(&ignore).is_ok_and(|t| t == GITIGNORE_BEFORE_TEMP_FILES) {
            self.write_file(&ignore, GITIGNORE.as_bytes())
                .map_err(io_err("write", &ignore))?;
        }
        Ok(())
    }
}

/// A folder may become a store if it is new, empty, or already a store.
fn check_is_store_or_empty(root: &Path) -> Result<(), StoreError> {
    match fs::metadata(root) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::io("open", root, e, String::new())),
        Ok(m) if !m.is_dir() => Err(StoreError::NotAStore {
            path: root.to_path_buf(),
            reason: "it is a file, not a folder".into(),
        }),
        Ok(_) => {
            if root.join("ripple.toml").is_file() || root.join(SESSIONS).is_dir() {
                return Ok(());
            }
            let mut entries = fs::read_dir(root).map_err(io_err("read", root))?;
            if entries.next().is_none() {
                Ok(())
            } else {
                Err(StoreError::NotAStore {
                    path: root.to_path_buf(),
                    reason: "the folder is not empty and has no ripple.toml: choose a new or \
                             empty folder"
                        .into(),
                })
            }
        }
    }
}

fn default_fallback_drafts(root: &Path) -> Option<PathBuf> {
    crate::core::settings::default_cache_dir().map(|c| {
        let index = crate::core::settings::index_dir_for(&c, root);
        // Same store hash as the index folder.
        let hash = index.file_name().map(PathBuf::from).unwrap_or_default();
        c.join("drafts").join(hash)
    })
}

/// What came of trying to take the writer lock.
enum Lock {
    Held(File),
    /// Another Ripple holds it: the read-only reason, and who holds it (" (pid 1234, since
    /// 14:02)", or "").
    Busy {
        message: String,
        holder: String,
    },
    /// The lock file cannot be opened or locked: the read-only reason.
    Failed(String),
}

/// Take the writer lock, or explain who holds it. The lock file is never opened through a
/// symbolic link (its holder's details are written into it).
fn take_lock(root: &Path, path: &Path) -> Lock {
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let opened = refuse_links_below(root, path).and_then(|()| options.open(path));
    let mut file = match opened {
        Ok(f) => f,
        Err(e) => {
            // O_NOFOLLOW on a link that appeared since the check.
            #[cfg(unix)]
            let looped = e.raw_os_error() == Some(libc::ELOOP);
            #[cfg(not(unix))]
            let looped = false;
            let e = if looped {
                io::Error::other(format!("{} is a symbolic link", path.display()))
            } else {
                e
            };
            return Lock::Failed(format!(
                "cannot open the lock {} ({e}): read-only",
                path.display()
            ));
        }
    };
    match file.try_lock() {
        Ok(()) => {
            let info = format!(
                "pid = {}\nhost = {}\nsince = \"{}\"\n",
                std::process::id(),
                toml::Value::String(host_name()),
                chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
            // The holder's details are only for the message another instance shows.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = file.set_permissions(fs::Permissions::from_mode(0o600));
            }
            let _ = file
                .set_len(0)
                .and_then(|_| file.rewind())
                .and_then(|_| file.write_all(info.as_bytes()))
                .and_then(|_| file.sync_all());
            Lock::Held(file)
        }
        Err(fs::TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            Lock::Busy {
                message: holder_message(&text),
                holder: holder_details(&text),
            }
        }
        Err(fs::TryLockError::Error(e)) => {
            Lock::Failed(format!("cannot lock {} ({e}): read-only", path.display()))
        }
    }
}

/// Who holds the lock, from the lock file: ("pid 1234 on host" or "pid 1234", "since 14:02").
fn holder(lock_text: &str) -> (Option<String>, Option<String>) {
    #[derive(Deserialize, Default)]
    struct Holder {
        pid: Option<u32>,
        host: Option<String>,
        since: Option<String>,
    }
    let h: Holder = toml::from_str(lock_text).unwrap_or_default();
    let who = match (h.pid, h.host.filter(|s| !s.is_empty())) {
        (Some(pid), Some(host)) if host != host_name() => Some(format!("pid {pid} on {host}")),
        (Some(pid), _) => Some(format!("pid {pid}")),
        (None, Some(host)) => Some(format!("on {host}")),
        (None, None) => None,
    };
    let since = h
        .since
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(&s).ok())
        .map(|since| {
            let local = since.with_timezone(&chrono::Local);
            if local.date_naive() == chrono::Local::now().date_naive() {
                format!("since {}", local.format("%H:%M"))
            } else {
                format!("since {}", local.format("%Y-%m-%d %H:%M"))
            }
        });
    (who, since)
}

/// " (pid 1234 on host, since 14:02)"; "" when the lock file says nothing.
fn holder_details(lock_text: &str) -> String {
    let (who, since) = holder(lock_text);
    let parts: Vec<String> = who.into_iter().chain(since).collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// "open in another Ripple (pid 1234 on host) since 14:02: read-only".
fn holder_message(lock_text: &str) -> String {
    let (who, since) = holder(lock_text);
    let mut msg = String::from("open in another Ripple");
    if let Some(who) = who {
        msg.push_str(&format!(" ({who})"));
    }
    if let Some(since) = since {
        msg.push_str(&format!(" {since}"));
    }
    msg.push_str(": read-only");
    msg
}

fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .filter_map(|p| fs::read_to_string(p).ok())
        .map(|s| s.trim().to_string())
        .find(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gitignore_lists_temporary_files_and_an_old_default_one_gets_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("store");
        Store::open(&root).unwrap();
        let ignore = root.join(".gitignore");
        let text = fs::read_to_string(&ignore).unwrap();
        assert!(text.lines().any(|l| l == ".ripple-tmp-*"), "{text}");
        assert!(text.lines().any(|l| l == ".ripple/"), "{text}");
        fs::write(&ignore, GITIGNORE_BEFORE_TEMP_FILES).unwrap();
        Store::open(&root).unwrap();
        assert_eq!(fs::read_to_string(&ignore).unwrap(), GITIGNORE);
        // One the user wrote is theirs.
        fs::write(&ignore, ".ripple/\nexports/\n").unwrap();
        Store::open(&root).unwrap();
        assert_eq!(fs::read_to_string(&ignore).unwrap(), ".ripple/\nexports/\n");
    }

    #[test]
    fn holder_message_names_pid_and_time() {
        let now = chrono::Utc::now();
        let text = format!(
            "pid = 1234\nhost = \"{}\"\nsince = \"{}\"\n",
            host_name(),
            crate::core::session_file::format_timestamp(&now)
        );
        let local = now
            .with_timezone(&chrono::Local)
            .format("%H:%M")
            .to_string();
        assert_eq!(
            holder_message(&text),
            format!("open in another Ripple (pid 1234) since {local}: read-only")
        );
        assert_eq!(holder_message(""), "open in another Ripple: read-only");
    }
}
