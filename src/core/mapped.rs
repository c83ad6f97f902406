//! A file's bytes, mapped into memory where the system allows.

use std::path::Path;

/// A whole file's bytes: mapped where the system allows (no copy into fresh memory: the pages
/// are the file system's cache; reading a cache of tens of megabytes into a new buffer was a
/// tenth of a fresh `ripple matrix`), read otherwise. For Ripple's caches in `.ripple/`,
/// which Ripple replaces by renaming a new file over the old, so a mapping always sees one
/// whole file; only a program truncating such a file in place while it is read could take
/// pages from under it.
pub(crate) enum Mapped {
    #[cfg(unix)]
    Map(*mut libc::c_void, usize),
    Read(Vec<u8>),
}

// SAFETY: a read-only mapping, never written while it lives: shared like a `&[u8]`.
unsafe impl Send for Mapped {}
unsafe impl Sync for Mapped {}

impl Mapped {
    pub(crate) fn of(p: &Path) -> Option<Mapped> {
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            let file = std::fs::File::open(p).ok()?;
            let len = usize::try_from(file.metadata().ok()?.len()).ok()?;
            if len > 0 {
                #[cfg(target_os = "linux")]
                let flags = libc::MAP_PRIVATE | libc::MAP_POPULATE;
                #[cfg(not(target_os = "linux"))]
                let flags = libc::MAP_PRIVATE;
                // SAFETY: a read-only private mapping of an open file, of its length; the
                // result is checked before use and unmapped once, on drop.
                let ptr = unsafe {
                    libc::mmap(
                        std::ptr::null_mut(),
                        len,
                        libc::PROT_READ,
                        flags,
                        file.as_raw_fd(),
                        0,
                    )
                };
                if ptr != libc::MAP_FAILED {
                    return Some(Mapped::Map(ptr, len));
                }
            }
        }
        std::fs::read(p).ok().map(Mapped::Read)
    }
}

impl std::ops::Deref for Mapped {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            #[cfg(unix)]
            // SAFETY: the mapping is `len` readable bytes and lives as long as `self`.
            Mapped::Map(ptr, len) => unsafe { std::slice::from_raw_parts(*ptr as *const u8, *len) },
            Mapped::Read(v) => v,
        }
    }
}

impl Drop for Mapped {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Mapped::Map(ptr, len) = *self {
            // SAFETY: mapped by `Mapped::of` with this length, unmapped once.
            unsafe {
                libc::munmap(ptr, len);
            }
        }
    }
}
