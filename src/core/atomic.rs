//! Crash-safe file writes: a crash at any instant leaves the old file or the new one, never a
//! torn one.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// The name every temporary file of an atomic write starts with. One left behind is a write
/// cut short (a crash, a kill): `Store::leftover_temp_files` says what each holds.
pub const TEMP_PREFIX: &str = ".ripple-tmp-";

/// Write `bytes` to `path` atomically: a temporary file in the same folder, fsync, rename over
/// the target, fsync the folder. The file is created private to the user (0600 on Unix).
pub fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
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
        let mode = if existed {
            fs::metadata(dir)?.permissions().mode() & 0o700
        } else {
            0o700
        };
        fs::set_permissions(dir, fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
