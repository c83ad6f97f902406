//! The open note: its text and codings (the document), its details, its file and what is on
//! its way to and from that file. The editor (`editor.rs`), the details form (`details.rs`)
//! and the codings pane with coding mode (`codings_pane.rs`) are its components; `codings.rs`
//! holds its coding state.

pub mod codings;
pub mod codings_pane;
#[cfg(test)]
mod codings_pane_tests;
pub mod details;
pub mod editor;
pub mod find;

use crate::core::coding::CoderSessionFile;
use crate::core::document::NoteDocument;
use crate::core::session::{Session, SessionMeta};
use crate::core::store::{BaseCopy, FileStamp};
use crate::core::workspace::between::agency_set;
use crate::tui::form::FormState;
use crate::tui::text_view::TextViewState;
use crate::tui::worker::{DraftOf, Recovered, Request};
use std::collections::BTreeSet;
use std::time::Instant;

/// What the word counts last saw: the editor version and the selection.
pub type WordsSeen = (u64, Option<(usize, usize)>);

/// Where the focus is on the note screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Editor,
    Form,
    Codings,
}

/// The open note's file, as Ripple last saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteFile {
    /// No file: a new session not saved yet, or its file was deleted outside Ripple (the next
    /// save writes it again). Nothing to watch for outside edits.
    Absent,
    /// The file as Ripple last read or wrote it, with its stamp when known: a save expects to
    /// find that stamp, so an edit made outside is never overwritten unseen.
    Known(Option<FileStamp>),
    /// The user chose their version over a change made outside: the next save writes over
    /// the file without looking at its stamp.
    Overwrite(Option<FileStamp>),
}

impl NoteFile {
    /// `Known` with `stamp`, or `Absent` when there is no file.
    pub fn from_stamp(stamp: Option<FileStamp>) -> NoteFile {
        match stamp {
            Some(s) => NoteFile::Known(Some(s)),
            None => NoteFile::Absent,
        }
    }

    pub fn exists(self) -> bool {
        self != NoteFile::Absent
    }

    pub fn stamp(self) -> Option<FileStamp> {
        match self {
            NoteFile::Absent => None,
            NoteFile::Known(s) | NoteFile::Overwrite(s) => s,
        }
    }

    /// The stamp a save expects to find on disk (None: write regardless).
    pub fn expected(self) -> Option<FileStamp> {
        match self {
            NoteFile::Known(s) => s,
            NoteFile::Absent | NoteFile::Overwrite(_) => None,
        }
    }
}

/// What is on its way between the open note and its file. One at a time: a save is not sent
/// while another is on its way, and an outside change is not looked for during a save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileWork {
    Idle,
    /// A save of this editor version and these details is on its way.
    Saving {
        version: u64,
        meta: Box<SessionMeta>,
    },
    /// The file is being read again after a change outside Ripple: the next `Loaded` for
    /// this session replaces the text.
    Reloading,
}

pub struct NoteState {
    pub meta: SessionMeta,
    pub doc: NoteDocument,
    pub form: FormState,
    pub focus: Pane,
    pub view: TextViewState,
    /// The editor version the file holds (None: the text shown is not one the file holds,
    /// such as recovered text) and the details as last written.
    pub saved_version: Option<u64>,
    pub saved_meta: SessionMeta,
    /// The note's file as Ripple last saw it.
    pub file: NoteFile,
    /// What is on its way between the note and its file.
    pub work: FileWork,
    pub last_input: Instant,
    pub last_stamp_check: Instant,
    pub undo_group_open: bool,
    /// Selecting with the mouse: where the drag started.
    pub drag_anchor: Option<usize>,
    pub coding: codings::NoteCoding,
    /// The file the text was made from (None: no file yet): recorded in every draft, so a
    /// draft is only restored without asking onto that same file.
    pub base: Option<BaseCopy>,
    /// When the first change not yet sent to a save or a draft was made.
    pub unkept_since: Option<Instant>,
    /// A draft of typing was written since the last save that took everything.
    pub drafted: bool,
    /// Kept text waiting for the user's choice (the `Recovery` overlay), with the codings as
    /// loaded (to re-attach to the text chosen).
    pub recovery: Option<Box<(Recovered, Vec<CoderSessionFile>)>>,
    /// The find bar, when open.
    pub find: Option<find::FindBar>,
    /// The last query found (F3 finds it again with the bar closed).
    pub last_find: String,
    /// Word counts for the status line: (editor version, words in the note) and (the
    /// selection, its words) at that version.
    pub words: Option<(u64, usize)>,
    pub selection_words: Option<(u64, (usize, usize), usize)>,
    /// The (editor version, selection) the word counts last saw change, and when.
    pub words_seen: Option<(WordsSeen, Instant)>,
    /// The misspelt words on screen (code-point ranges), as the last settle found them.
    pub misspelt: Vec<(usize, usize)>,
    /// The agencies (as `agency_set` compares them) whose carry-over was last asked for, or
    /// those the note opened with: committing the same ones again asks nothing.
    pub carry_seen: BTreeSet<String>,
    /// The agencies field had the focus when the last message was handled (leaving it commits
    /// it: see `tui::carry`).
    pub in_agencies: bool,
    /// Follow-ups carried into this note from another session's, marked carried (`[>]`)
    /// there while this note is saved holding them (`tui::carry::Carried`).
    pub carried: Option<crate::tui::carry::Carried>,
}

impl NoteState {
    pub fn new(session: Session, focus: Pane, now: Instant) -> NoteState {
        let doc = NoteDocument::new(&session.text, Vec::new(), Default::default());
        let version = doc.editor().version();
        let carry_seen = agency_set(&session.meta.agencies);
        let mut form = FormState::from_meta(&session.meta);
        form.focus(0);
        NoteState {
            form,
            saved_meta: session.meta.clone(),
            meta: session.meta,
            doc,
            focus,
            view: TextViewState::new(),
            saved_version: Some(version),
            file: NoteFile::Absent,
            work: FileWork::Idle,
            last_input: now,
            last_stamp_check: now,
            undo_group_open: false,
            drag_anchor: None,
            coding: Default::default(),
            base: None,
            unkept_since: None,
            drafted: false,
            recovery: None,
            find: None,
            last_find: String::new(),
            words: None,
            selection_words: None,
            words_seen: None,
            misspelt: Vec::new(),
            carry_seen,
            in_agencies: false,
            carried: None,
        }
    }

    /// A change was made: it is unkept until a save or a draft takes it.
    pub(crate) fn changed(&mut self, now: Instant) {
        self.unkept_since.get_or_insert(now);
    }

    /// A request that keeps the current text in a recovery draft.
    pub fn draft_request(&self) -> Request {
        Request::WriteDraft(Box::new(DraftOf {
            session: self.snapshot(),
            base: self.base.clone(),
        }))
    }

    /// Show `session` (recovered text) as unsaved edits on top of the file, with `codings`
    /// re-attached to it.
    pub(crate) fn take_recovered(
        &mut self,
        session: Session,
        mut codings: Vec<CoderSessionFile>,
        coder: &str,
    ) {
        for f in &mut codings {
            crate::core::anchor::reattach_all(&session.text, &mut f.codings);
        }
        let mode = (self.coding.mode, self.coding.side_codings);
        let disk_stamp = self.coding.disk_stamp.take();
        self.doc = codings::document(&session.text, codings);
        // Not what the file holds: the next pause saves it.
        self.saved_version = None;
        self.meta = session.meta;
        self.form = FormState::from_meta(&self.meta);
        self.coding.reset(&self.doc, coder);
        (self.coding.mode, self.coding.side_codings) = mode;
        self.coding.disk_stamp = disk_stamp;
    }

    /// A save is on its way.
    pub fn saving(&self) -> bool {
        matches!(self.work, FileWork::Saving { .. })
    }

    pub fn dirty(&self) -> bool {
        self.text_dirty() || self.coding.dirty(&self.doc)
    }

    /// The note file (text or details) differs from disk.
    pub fn text_dirty(&self) -> bool {
        self.saved_version != Some(self.doc.editor().version()) || self.meta != self.saved_meta
    }

    /// A new session with nothing typed is not worth a file.
    pub fn is_blank_new(&self) -> bool {
        !self.file.exists() && self.doc.editor().len_chars() == 0 && self.meta.title.is_empty()
    }

    pub fn snapshot(&self) -> Session {
        Session {
            meta: self.meta.clone(),
            text: self.doc.editor().text(),
        }
    }
}
