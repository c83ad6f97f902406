//! Reading one compared session: its note and each coder's codings, re-attached to the note.

use super::SessionCodings;
use crate::core::anchor::reattach_all;
use crate::core::coding::{AnchorStatus, CoderSessionFile};
use crate::core::coding_store::{self, codings_dir};
use crate::core::session::SessionId;
use crate::core::store::{Store, StoreError};

pub(super) enum One {
    Session(SessionCodings, usize),
    /// A done mark of a session that is no longer in the store.
    Gone,
    Problem(String),
}

pub(super) fn orphan_warning(orphans: usize) -> String {
    format!(
        "{orphans} orphaned coding(s) not compared: their words are no longer in the note (`ripple check` lists them)"
    )
}

/// Read session `id` and the codings files of the coders with folders `slugs` (in that order).
pub(super) fn load_one(store: &Store, slugs: &[&str], id: &SessionId) -> One {
    // Only the words are compared: the note is read without parsing its metadata.
    let text = match store.load_note(id) {
        Ok(t) => t,
        Err(StoreError::NotFound(_)) => return One::Gone,
        Err(e) => return One::Problem(format!("session {} left out: {e}", id.short())),
    };
    let root = store.root();
    let mut codings = Vec::with_capacity(slugs.len());
    let mut orphans = 0;
    for slug in slugs {
        let path = codings_dir(root)
            .join(slug)
            .join(format!("{}.json", id.as_str()));
        let file: CoderSessionFile = match coding_store::read_file(&path) {
            Ok(f) => f,
            Err(_) if !path.exists() => {
                codings.push(Vec::new());
                continue;
            }
            Err(e) => {
                return One::Problem(format!("session {} left out: {e}", id.short()));
            }
        };
        let mut cs = file.codings;
        reattach_all(&text, &mut cs);
        orphans += cs
            .iter()
            .filter(|c| c.status == AnchorStatus::Orphaned)
            .count();
        codings.push(cs);
    }
    One::Session(
        SessionCodings {
            session: id.clone(),
            text,
            codings,
        },
        orphans,
    )
}
