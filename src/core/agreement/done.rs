//! Done marks: a coder says they have finished coding a session, so it can be compared.
//!
//! Stored in the coder's own folder, `codings/<coder-slug>/done.toml`, one file per coder:
//! coders never write each other's files, and a comparison learns which sessions to read from
//! one small file per coder. The mark is not a field of the per-session codings file because
//! every writer of those files (the terminal UI among them) rebuilds them from the codings it
//! holds, and a done session may have no codings at all (its file would not exist).

use crate::core::atomic::{atomic_write, create_private_dir};
use crate::core::coding::coder_slug;
use crate::core::coding_store::{codings_dir, CodingFileError};
use crate::core::session::SessionId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// The file name in a coder's folder.
pub const DONE_FILE: &str = "done.toml";

/// One coder's done marks.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoneMarks {
    /// The coder's name as configured.
    pub coder: String,
    /// Session id → when it was marked done.
    #[serde(default)]
    pub done: BTreeMap<String, DateTime<Utc>>,
}

impl DoneMarks {
    pub fn is_done(&self, session: &SessionId) -> bool {
        self.done.contains_key(session.as_str())
    }
}

/// `codings/<coder-slug>/done.toml`.
pub fn path(root: &Path, coder: &str) -> PathBuf {
    codings_dir(root).join(coder_slug(coder)).join(DONE_FILE)
}

/// The done marks in a coder folder (`codings/<slug>`); a missing file is no marks.
pub fn load_dir(dir: &Path) -> Result<Option<DoneMarks>, CodingFileError> {
    let p = dir.join(DONE_FILE);
    let text = match std::fs::read_to_string(&p) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CodingFileError {
                path: p,
                line: None,
                message: format!("cannot read: {e}"),
            })
        }
    };
    let text = crate::core::text::normalize_newlines(&text);
    toml::from_str::<DoneMarks>(&text)
        .map(Some)
        .map_err(|e| CodingFileError {
            path: p.clone(),
            line: e
                .span()
                .map(|s| 1 + text[..s.start.min(text.len())].matches('\n').count()),
            message: format!(
                "not a valid done-marks file: {}",
                e.message().lines().next().unwrap_or("malformed TOML")
            ),
        })
}

/// A coder's done marks (none when the file is missing).
pub fn load(root: &Path, coder: &str) -> Result<DoneMarks, CodingFileError> {
    let dir = codings_dir(root).join(coder_slug(coder));
    Ok(load_dir(&dir)?.unwrap_or_else(|| DoneMarks {
        coder: coder.to_string(),
        done: BTreeMap::new(),
    }))
}

/// The file's text: a comment, the coder, then one `id = time` line per session.
pub fn to_toml(marks: &DoneMarks) -> String {
    let mut out = String::from(
        "# Sessions this coder has marked done (`ripple code done SESSION`; `--undo` removes the mark).\n\
         # Agreement compares the sessions every compared coder has marked done.\n",
    );
    // Strings and RFC 3339 times always serialise.
    out.push_str(&toml::to_string(marks).expect("done marks serialise"));
    out
}

/// Mark `session` done (or, with `done = false`, not done) for `coder`. Returns whether the
/// mark changed. A file that cannot be read is never overwritten.
pub fn set(
    root: &Path,
    coder: &str,
    session: &SessionId,
    done: bool,
) -> Result<bool, CodingFileError> {
    let mut marks = load(root, coder)?;
    let changed = if done {
        if marks.is_done(session) {
            false
        } else {
            marks.done.insert(session.as_str().to_string(), Utc::now());
            true
        }
    } else {
        marks.done.remove(session.as_str()).is_some()
    };
    if !changed {
        return Ok(false);
    }
    marks.coder = coder.to_string();
    let p = path(root, coder);
    let dir = p.parent().expect("a coder folder").to_path_buf();
    let io_err = |what: &str, path: &Path, e: io::Error| CodingFileError {
        path: path.to_path_buf(),
        line: None,
        message: format!("cannot {what}: {e}"),
    };
    create_private_dir(&codings_dir(root))
        .and_then(|()| create_private_dir(&dir))
        .map_err(|e| io_err("create the folder", &dir, e))?;
    atomic_write(&p, to_toml(&marks).as_bytes()).map_err(|e| io_err("write", &p, e))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_round_trip_per_coder_and_undo_removes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let s1 = SessionId("01jd3k8y6q2v0m5h4c7r9t1w2x".into());
        let s2 = SessionId("01jd3k8y6q2v0m5h4c7r9t1w2y".into());
        assert!(!load(root, "Ana Peña").unwrap().is_done(&s1));
        assert!(set(root, "Ana Peña", &s1, true).unwrap());
        assert!(
            !set(root, "Ana Peña", &s1, true).unwrap(),
            "marking twice changes nothing"
        );
        assert!(set(root, "Luis", &s2, true).unwrap());
        let ana = load(root, "Ana Peña").unwrap();
        assert!(ana.is_done(&s1) && !ana.is_done(&s2));
        assert_eq!(ana.coder, "Ana Peña");
        assert!(path(root, "Ana Peña").ends_with("codings/ana-pena/done.toml"));
        assert!(set(root, "Ana Peña", &s1, false).unwrap());
        assert!(!load(root, "Ana Peña").unwrap().is_done(&s1));
        assert!(
            load(root, "Luis").unwrap().is_done(&s2),
            "the other coder's file is untouched"
        );
    }

    #[test]
    fn a_broken_file_is_reported_with_its_line_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let p = path(root, "Ana");
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, "coder = \"Ana\"\n[done]\nx = 3\n").unwrap();
        let e = load(root, "Ana").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        let s = SessionId("01jd3k8y6q2v0m5h4c7r9t1w2x".into());
        assert!(set(root, "Ana", &s, true).is_err());
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "coder = \"Ana\"\n[done]\nx = 3\n"
        );
    }
}
