//! The open note's coding state: what is on disk, what is on its way, the codings pane's
//! selection, coding mode and the quick keys.

use crate::core::coding::{same_coder, CoderSessionFile};
use crate::core::document::NoteDocument;
use std::time::Instant;

/// Coding state of the open note.
#[derive(Clone, Debug, Default)]
pub struct NoteCoding {
    /// Coding version as last written to disk.
    pub saved_version: u64,
    /// What is on its way between the note's codings and the coder files.
    pub work: CodingWork,
    /// Highlighted row of the codings pane.
    pub selected: usize,
    /// The side panel shows the codings (else the details form).
    pub side_codings: bool,
    /// Coding mode: the note is read-only and single keys code.
    pub mode: bool,
    /// Coding mode: `v` started a selection that motions extend.
    pub visual: bool,
    /// The coder files as last seen on disk (None: look again before comparing).
    pub disk_stamp: Option<Vec<(std::path::PathBuf, Option<crate::core::store::FileStamp>)>>,
    pub last_stamp_check: Option<Instant>,
    /// Where an earlier run kept your codings of this note (a save that failed), not restored
    /// yet. Saves leave that draft alone until Ctrl-R writes it back.
    pub kept_draft: Option<std::path::PathBuf>,
    /// Who codes here (your coder name): only their changes are saved from this note. None
    /// until the note is set up (`reset_note`); every coder's changes count then.
    pub owner: Option<String>,
    /// What the quick keys 1–9 mean while this note is open: theme keys fixed when they are
    /// first shown or used, so a key means what the screen said even as usage changes the
    /// ranking. A theme deleted meanwhile leaves its key empty.
    pub quick: Option<Vec<Option<String>>>,
}

/// What is on its way between the open note's codings and the coder files. One thing at a
/// time: no save while the files are re-read or a kept draft restored, and no re-reading or
/// restoring while a save is on its way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodingWork {
    /// Nothing. `reread`: the coder files changed outside while yours had unsaved changes;
    /// they are re-read once yours land.
    Idle { reread: bool },
    /// Your coder file at coding version `version` is being written. `superseded`: the
    /// codings shown were replaced since (a reload), so its answer is about codings no longer
    /// shown and is ignored.
    Saving {
        version: u64,
        superseded: bool,
        reread: bool,
    },
    /// Every coder's file is being re-read after a change outside Ripple.
    Rereading,
    /// Your kept coding draft is being written back, then every file re-read: coding waits
    /// (what is shown is replaced then).
    Restoring,
}

impl Default for CodingWork {
    fn default() -> Self {
        CodingWork::Idle { reread: false }
    }
}

impl NoteCoding {
    /// Back to "all on disk" for a freshly loaded document `doc`, coded by `owner`. What is on
    /// its way (a save, a restore, a re-read) is carried through: its answer still comes. The
    /// quick keys keep their meaning.
    pub fn reset(&mut self, doc: &NoteDocument, owner: &str) {
        let c = std::mem::take(self);
        *self = NoteCoding {
            saved_version: doc.coding_version(),
            owner: Some(owner.to_string()),
            quick: c.quick,
            kept_draft: c.kept_draft,
            // A save on its way is about the codings no longer shown; a re-read for changes
            // made outside is moot after a fresh load.
            work: match c.work {
                CodingWork::Saving { version, .. } => CodingWork::Saving {
                    version,
                    superseded: true,
                    reread: false,
                },
                CodingWork::Idle { .. } => CodingWork::default(),
                w => w,
            },
            ..NoteCoding::default()
        };
    }

    /// Nothing is on its way.
    pub fn idle(&self) -> bool {
        matches!(self.work, CodingWork::Idle { .. })
    }

    /// Your kept coding draft is being restored: coding changes wait.
    pub fn restoring(&self) -> bool {
        self.work == CodingWork::Restoring
    }

    /// Your coder file is being written.
    pub fn saving(&self) -> bool {
        matches!(self.work, CodingWork::Saving { .. })
    }

    /// The coder files are being read again (a re-read, or the one after a restore).
    pub fn rereading(&self) -> bool {
        matches!(self.work, CodingWork::Rereading | CodingWork::Restoring)
    }

    /// Whether the owner's codings or memo changed since they were last written. Other coders'
    /// codings moved by typing are not: their files are theirs to write.
    pub fn dirty(&self, doc: &NoteDocument) -> bool {
        doc.codings_changed_since(self.saved_version)
            .iter()
            .any(|c| self.owner.as_ref().is_none_or(|o| same_coder(o, c)))
    }
}

/// A document over `text` with these coder files' codings.
pub fn document(text: &str, files: Vec<CoderSessionFile>) -> NoteDocument {
    NoteDocument::from_files(text, files)
}
