//! Crash-safe file writes: a crash at any instant leaves the old file or the new one, never a
//! torn one. And writes that never leave the folder they are meant for: a symbolic link where
//! Ripple writes is refused, never followed or replaced (see [`LinkRefused`]).

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// Make everything this process creates private to the user from now on (umask 0077: files
/// 0600, folders 0700), including files that libraries create (the search index). Called at
/// start, before any thread is spawned.
pub fn set_private_umask() {
    #[cfg(unix)]
    // SAFETY: umask(2) only sets the process's file-creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// A symbolic link found where Ripple was about to write, create a folder, or change
/// permissions. Writing through it could put confidential text, or a chmod, anywhere the link
/// points (a store shared through git or a synced folder can carry such links), and replacing
/// it would silently drop what the user linked; so the write is refused and nothing changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkRefused {
    /// The link itself.
    pub link: PathBuf,
    /// What it points to, as stored in the link.
    pub target: PathBuf,
    /// The folder it was found in that Ripple keeps (a store, a drafts folder), if any.
    pub inside: Option<PathBuf>,
}

impl fmt::Display for LinkRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inside {
            Some(root) => write!(
                f,
                "{} is a symbolic link (to {}) inside {}: Ripple never writes through links \
                 there; replace the link with the real folder or file (`ripple check` lists \
                 such links)",
                self.link.display(),
                self.target.display(),
                root.display()
            ),
            None => write!(
                f,
                "{} is a symbolic link (to {}): Ripple does not replace links; remove the link \
                 or write to the file it points to",
                self.link.display(),
                self.target.display()
            ),
        }
    }
}

impl std::error::Error for LinkRefused {}

impl LinkRefused {
    fn at(link: &Path, inside: Option<&Path>) -> io::Error {
        let target = fs::read_link(link).unwrap_or_default();
        io::Error::other(LinkRefused {
            link: link.to_path_buf(),
            target,
            inside: inside.map(Path::to_path_buf),
        })
    }

    /// The refusal inside an I/O error, if that is what it is.
    pub fn from_io(e: &io::Error) -> Option<&LinkRefused> {
        e.get_ref()
            .and_then(|inner| inner.downcast_ref::<LinkRefused>())
    }
}

/// Refuse `path` if it, or any folder between `root` and it, is a symbolic link. `root` itself
/// may be a link (a store kept elsewhere and linked in by its owner is the owner's choice);
/// nothing below it may. Parts that do not exist yet are fine (they are created as real
/// folders). `path` must lie under `root`, with no `..`: anything else is an error, so an id or
/// name that slipped through with a separator can never reach another folder.
///
/// This guards against links planted in the store, not against a process racing Ripple with
/// write access to the same folders (that process could write the files directly anyway).
pub fn refuse_links_below(root: &Path, path: &Path) -> io::Result<()> {
    let rel = path.strip_prefix(root).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is not inside {}: refusing to write there",
                path.display(),
                root.display()
            ),
        )
    })?;
    let mut at = root.to_path_buf();
    for part in rel.components() {
        match part {
            Component::Normal(name) => at.push(name),
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "{} leaves {}: refusing to write there",
                        path.display(),
                        root.display()
                    ),
                ))
            }
        }
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => return Err(LinkRefused::at(&at, Some(root))),
            Ok(_) => {}
            // Nothing further exists: what is created below is real.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            // A file where a folder should be: the write itself fails and says so.
            Err(e) if e.kind() == io::ErrorKind::NotADirectory => return Ok(()),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// [`atomic_write`] of a file Ripple keeps under `root` (the store, a drafts folder): refused
/// when a link is on the way ([`refuse_links_below`]).
pub fn atomic_write_in(root: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    refuse_links_below(root, path)?;
    atomic_write(path, bytes)
}

/// [`create_private_dir`] of a folder under `root`: refused when a link is on the way, so no
/// folder is made, and no permission changed, outside `root`.
pub fn create_private_dir_in(root: &Path, dir: &Path) -> io::Result<()> {
    refuse_links_below(root, dir)?;
    create_private_dir(dir)
}

/// The name every temporary file of an atomic write starts with. One left behind is a write
/// cut short (a crash, a kill): `Store::leftover_temp_files` says what each holds.
pub const TEMP_PREFIX: &str = ".ripple-tmp-";

/// Write `bytes` to `path` atomically: a temporary file in the same folder, fsync, rename over
/// the target, fsync the folder. The file is created private to the user (0600 on Unix).
/// A `path` that is a symbolic link is refused ([`LinkRefused`]): the rename would replace the
/// link with a file, so the file the user linked would silently stop being the one written.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(LinkRefused::at(path, None));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)?;
    // tempfile already creates 0600 on Unix; say so explicitly in case that ever changes.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// fsync a folder so a rename inside it survives power loss.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
    }
    Ok(())
}

/// Create a folder (and parents) private to the user (0700 on Unix, every folder it creates).
/// An existing folder loses any access for group and others, but owner permissions are left
/// as they are: a folder the user made read-only on purpose stays read-only (writes into it
/// then fail and say so). Existing parents are left as they are.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    let existed = dir.is_dir();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    #[cfg(not(unix))]
    fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let current = fs::metadata(dir)?.permissions().mode() & 0o7777;
        let mode = if existed { current & 0o700 } else { 0o700 };
        // Only when it changes anything: a chmod moves the folder's ctime, and the search
        // index's freshness check (`core::index_sync`) reads a folder changed moments ago as
        // "may change again unseen", so every open would look at every file again.
        if current != mode {
            fs::set_permissions(dir, fs::Permissions::from_mode(mode))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn an_existing_private_folder_is_left_untouched() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sessions");
        create_private_dir(&sub).unwrap();
        let ctime = |p: &Path| {
            let m = fs::metadata(p).unwrap();
            (m.ctime(), m.ctime_nsec())
        };
        let before = ctime(&sub);
        // Past the file system's timestamp granularity, so that a chmod would show.
        std::thread::sleep(std::time::Duration::from_millis(30));
        create_private_dir(&sub).unwrap();
        assert_eq!(ctime(&sub), before, "no chmod of a folder already private");
        // A folder open to others is still made private.
        fs::set_permissions(&sub, fs::Permissions::from_mode(0o755)).unwrap();
        create_private_dir(&sub).unwrap();
        assert_eq!(
            fs::metadata(&sub).unwrap().permissions().mode() & 0o777,
            0o700
        );
    }

    #[test]
    fn writes_replace_whole_file_and_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        atomic_write(&p, b"first version, longer").unwrap();
        atomic_write(&p, "Doña".as_bytes()).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "Doña");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        // No temporary files are left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_never_replaced_or_written_through() {
        use std::os::unix::fs::{symlink, PermissionsExt};
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        let outside = dir.path().join("outside");
        fs::create_dir_all(store.join("sessions")).unwrap();
        fs::create_dir(&outside).unwrap();
        fs::set_permissions(&outside, fs::Permissions::from_mode(0o755)).unwrap();
        fs::write(outside.join("kept.md"), "theirs").unwrap();

        // The file itself a link: refused, the link and its file unchanged.
        let link = store.join("sessions/a.md");
        symlink(outside.join("kept.md"), &link).unwrap();
        let e = atomic_write(&link, b"ours").unwrap_err();
        let refused = LinkRefused::from_io(&e).expect("a link refusal");
        assert_eq!(refused.target, outside.join("kept.md"));
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            fs::read_to_string(outside.join("kept.md")).unwrap(),
            "theirs"
        );

        // A folder on the way a link: no file, no folder, no chmod outside.
        let codings = store.join("codings");
        symlink(&outside, &codings).unwrap();
        let e = atomic_write_in(&store, &codings.join("x.json"), b"{}").unwrap_err();
        assert!(e.to_string().contains("inside"), "{e}");
        let e = create_private_dir_in(&store, &codings.join("ana")).unwrap_err();
        assert!(LinkRefused::from_io(&e).is_some(), "{e}");
        assert!(create_private_dir_in(&store, &codings).is_err());
        assert_eq!(mode(&outside), 0o755, "no chmod outside the store");
        assert_eq!(fs::read_dir(&outside).unwrap().count(), 1);

        // `..` and paths outside the root are refused before anything is looked at.
        for p in [store.join("../outside/y"), dir.path().join("outside/y")] {
            let e = refuse_links_below(&store, &p).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{p:?}");
        }
        // The root itself may be a link; what does not exist yet is fine.
        let linked_root = dir.path().join("linked-store");
        symlink(&store, &linked_root).unwrap();
        refuse_links_below(&linked_root, &linked_root.join("sessions/new.md")).unwrap();
        refuse_links_below(&store, &store.join("drafts/codings/ana/x.json")).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn every_folder_created_is_private_and_existing_parents_are_left_alone() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let deep = dir.path().join("drafts/codings/ana-peña");
        create_private_dir(&deep).unwrap();
        assert_eq!(mode(&dir.path().join("drafts")), 0o700);
        assert_eq!(mode(&dir.path().join("drafts/codings")), 0o700);
        assert_eq!(mode(&deep), 0o700);
        assert_eq!(
            mode(dir.path()),
            0o755,
            "a parent that existed is not touched"
        );
    }

    #[cfg(unix)]
    #[test]
    fn private_folders_lose_group_and_other_access_but_keep_a_read_only_owner() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("a/b");
        create_private_dir(&new).unwrap();
        assert_eq!(mode(&new), 0o700);
        let open = dir.path().join("open");
        fs::create_dir(&open).unwrap();
        fs::set_permissions(&open, fs::Permissions::from_mode(0o755)).unwrap();
        create_private_dir(&open).unwrap();
        assert_eq!(mode(&open), 0o700);
        let read_only = dir.path().join("kept");
        fs::create_dir(&read_only).unwrap();
        fs::set_permissions(&read_only, fs::Permissions::from_mode(0o555)).unwrap();
        create_private_dir(&read_only).unwrap();
        assert_eq!(
            mode(&read_only),
            0o500,
            "the owner's read-only choice stays"
        );
    }
}
