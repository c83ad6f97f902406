//! The workspace: one store worked in by one coder, with its codebook, its coder files and its
//! search index. It holds the rules that every shell follows in the same order, so the TUI's
//! workers and the CLI call these methods instead of repeating them:
//!
//! - `notes`: listing sessions (with those that exist only as unsaved text), opening a note
//!   with what was kept unsaved and every coder's codings, saving it (refused when the file
//!   changed on disk, the text kept in a draft when the save fails), and which file a draft
//!   was made from.
//! - `codings`: every coder's codings re-attached to a note's text (only the workspace's own
//!   coder's file is ever written back), saving the coder's file or keeping it in a coding
//!   draft, restoring a kept draft, counting passages per theme.
//! - `codebook`: reading the codebook, and changing it in the one safe order (kept coding
//!   drafts checked, passages moved, then the codebook written).
//! - `index`: the search index (`IndexWorkspace`): opening, verifying and bringing it up to
//!   date, recovering it when damaged, and what to re-index after a save or a codebook change.
//! - `agreement`: which coders and sessions an agreement comparison takes, its figures, the
//!   open disagreements and settling one into the consensus coder.
//! - `error`: `WorkspaceError`, the one error type all of these return.
//!
//! Offsets are code points, as everywhere in the core.

pub mod agreement;
pub mod analysis;
pub mod analysis_cache;
pub mod between;
pub mod codebook;
pub mod codings;
pub mod counts_snapshot;
pub mod error;
pub mod index;
pub mod notes;
pub mod word_bags;

use crate::core::session::SessionId;
use crate::core::store::{BaseCopy, FileVersion, Store};
use std::collections::HashMap;

/// One store, worked in by `coder` (the one coder whose files it writes, besides an explicit
/// codebook change). It remembers which file each of its saves wrote (see `notes`).
pub struct Workspace<'s> {
    store: &'s Store,
    coder: String,
    /// Blind coding: other coders' codings are not read for this coder (`core::blind`).
    blind: bool,
    saved: SavedBases,
}

impl<'s> Workspace<'s> {
    pub fn new(store: &'s Store, coder: &str) -> Workspace<'s> {
        Workspace {
            store,
            coder: coder.to_string(),
            blind: false,
            saved: SavedBases::default(),
        }
    }

    /// This workspace's coder codes blind (or not): every coder file it reads for them
    /// (a note's codings, the counts per theme) is then their own only.
    pub fn set_blind(&mut self, blind: bool) {
        self.blind = blind;
    }

    pub fn blind(&self) -> bool {
        self.blind
    }

    pub fn store(&self) -> &'s Store {
        self.store
    }

    /// The coder this workspace writes for.
    pub fn coder(&self) -> &str {
        &self.coder
    }
}

/// The file each session's last save here wrote, and the version it replaced. Requests are
/// handled in order, so a draft asked for while a save was on its way was made from the text
/// that save wrote, though the editor did not know its version yet: the draft names that.
#[derive(Default)]
struct SavedBases(HashMap<SessionId, (Option<FileVersion>, BaseCopy)>);

impl SavedBases {
    /// The file the editor's text was made from, given what the editor believed it was.
    fn current(&self, id: &SessionId, believed: Option<BaseCopy>) -> Option<BaseCopy> {
        match self.0.get(id) {
            Some((before, written)) if *before == believed.as_ref().map(|b| b.version.clone()) => {
                Some(written.clone())
            }
            _ => believed,
        }
    }
}
