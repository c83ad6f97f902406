//! The application state and its update function (the Elm architecture): `update` takes a
//! message, changes the state, and returns the disk work to do. It never touches the disk
//! itself, so the UI thread never waits on IO and the logic can be tested without a terminal.

use crate::core::coding::CoderSessionFile;
use crate::core::document::NoteDocument;
use crate::core::session::{Session, SessionId, SessionMeta};
use crate::core::store::{BaseCopy, FileStamp, RecoverySource};
use crate::tui::component::{Command, Ctx};
pub use crate::tui::component::{Screen, Status, StatusKind};
use crate::tui::effect::{Effect, Effects};
use crate::tui::form::{Field, FormState};
use crate::tui::index_worker::{IndexRequest, IndexResponse};
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout;
use crate::tui::list::SessionList;
use crate::tui::search::{EvidenceState, SearchState};
use crate::tui::text_view::TextViewState;
use crate::tui::worker::{DraftOf, Loaded, Recovered, Request, Response};
use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;
use std::time::{Duration, Instant};

/// A component's `Ctx` from the app's fields (a macro, so that the component, itself a field,
/// can be borrowed beside them).
macro_rules! ctx {
    ($app:ident, $out:ident, $commands:ident) => {
        Ctx {
            now: $app.now,
            size: $app.size,
            read_only: $app.read_only.as_deref(),
            effects: $out,
            status: &mut $app.status,
            commands: &mut $commands,
            clipboard: &mut $app.clipboard,
        }
    };
}
pub(crate) use ctx;

/// Typing pauses this long before an autosave.
pub const AUTOSAVE_IDLE: Duration = Duration::from_millis(1500);
/// Typing that is neither saved nor in a recovery draft goes to a draft once its first
/// keystroke is this old, pause or not: a crash loses at most about this much typing (plus a
/// tick and the write), as vim's swap file bounds it.
pub const DRAFT_AFTER: Duration = Duration::from_millis(1500);
/// How often an open note's file is checked for edits made outside Ripple.
pub const STAMP_INTERVAL: Duration = Duration::from_secs(2);
/// How often the session list is refreshed from disk while it is shown.
pub const RESCAN_INTERVAL: Duration = Duration::from_secs(10);
/// Typing pauses this long before the next keystroke starts a new undo step.
pub const UNDO_GROUP_IDLE: Duration = Duration::from_millis(1000);
/// The smallest terminal Ripple draws in.
pub const MIN_SIZE: (u16, u16) = (40, 10);

// Messages are moved, not stored; boxing the large IO answers would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize(u16, u16),
    Tick,
    Io(Response),
    /// An answer from the search-index thread.
    Index(IndexResponse),
    /// SIGTERM, SIGHUP or SIGINT: save and leave.
    Terminate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Editor,
    Form,
    Codings,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    /// The open note's file changed on disk while it has unsaved edits here.
    Conflict,
    /// Unsaved text was kept for the note just opened, but not made from the file as it is
    /// now: the difference is shown (scrolled this far) and the user chooses.
    Recovery {
        scroll: u16,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quit {
    No,
    /// Leave once the pending save has landed.
    AfterSave,
    /// A save failed on the way out; the next quit leaves anyway (the text is in a draft).
    Forced,
    /// A save (text or codings) failed on the way out and what it held could not be kept in
    /// a draft either: leaving loses it, so it takes two more quits (the next one only asks).
    Unkept,
    Now,
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
    pub coding: crate::tui::coding::NoteCoding,
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
}

impl NoteState {
    pub fn new(session: Session, focus: Pane, now: Instant) -> NoteState {
        let doc = NoteDocument::new(&session.text, Vec::new(), Default::default());
        let version = doc.editor().version();
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
        }
    }

    /// A change was made: it is unkept until a save or a draft takes it.
    fn changed(&mut self, now: Instant) {
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
    fn take_recovered(
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
        self.doc = crate::tui::coding::document(&session.text, codings);
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

pub struct App {
    pub store_label: String,
    pub facilitator: String,
    pub read_only: Option<String>,
    pub no_color: bool,
    pub screen: Screen,
    pub list: SessionList,
    pub note: Option<NoteState>,
    pub overlay: Option<Overlay>,
    pub status: Option<Status>,
    pub problems: Vec<String>,
    pub drafts: Vec<SessionId>,
    /// Sessions with codings kept in a draft after a failed save.
    pub coding_drafts: Vec<SessionId>,
    pub size: (u16, u16),
    pub quit: Quit,
    pub last_scan: Instant,
    /// The session asked for with Enter, until it arrives from disk.
    pub opening: Option<SessionId>,
    /// Text cut or copied in the editor.
    pub clipboard: String,
    /// A signal asked us to leave: save what we can, then go.
    pub terminating: bool,
    pub search: SearchState,
    pub evidence: EvidenceState,
    /// When the message being handled arrived: the one clock update reads, so every timing
    /// rule (autosave, drafts, undo grouping, stamp checks) can be driven by a test.
    pub now: Instant,
    /// `Effect::Quit` was returned; it is returned once.
    quit_sent: bool,
    /// Index requests returned to a test's `step_all` or `with_effects`.
    #[cfg(test)]
    pub index_out: Vec<IndexRequest>,
    /// The last clipboard text returned to a test's `step_all` or `with_effects`.
    #[cfg(test)]
    pub clipboard_out: Option<String>,
    pub coding: crate::tui::coding::CodingState,
}

impl App {
    pub fn new(
        store_label: String,
        facilitator: String,
        read_only: Option<String>,
        now: Instant,
    ) -> App {
        App {
            store_label,
            facilitator,
            read_only,
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            screen: Screen::List,
            list: SessionList::default(),
            note: None,
            overlay: None,
            status: None,
            problems: Vec::new(),
            drafts: Vec::new(),
            coding_drafts: Vec::new(),
            size: (80, 24),
            quit: Quit::No,
            last_scan: now,
            opening: None,
            clipboard: String::new(),
            terminating: false,
            search: SearchState::default(),
            evidence: EvidenceState::default(),
            now,
            quit_sent: false,
            #[cfg(test)]
            index_out: Vec::new(),
            #[cfg(test)]
            clipboard_out: None,
            coding: crate::tui::coding::CodingState::new(String::new()),
        }
    }

    /// Requests to send when the app starts.
    pub fn init(&mut self) -> Vec<Request> {
        if let Some(why) = &self.read_only {
            self.info(format!("Read-only: {why}"));
        }
        vec![Request::Scan, Request::LoadCodebook, Request::CountCodings]
    }

    pub fn context(&self) -> Context {
        if matches!(self.overlay, Some(Overlay::Help { .. })) {
            return Context::Help;
        }
        if let Some(c) = self.coding_context() {
            return c;
        }
        if let Some(ctx) = self.search_context() {
            return ctx;
        }
        match (self.screen, self.note.as_ref().map(|n| n.focus)) {
            (Screen::Note, Some(Pane::Editor)) => Context::Editor,
            (Screen::Note, Some(Pane::Form)) => Context::Form,
            _ => Context::List,
        }
    }

    fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            kind: StatusKind::Info,
        });
    }
    fn ok(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            kind: StatusKind::Ok,
        });
    }
    fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            kind: StatusKind::Error,
        });
    }

    /// Handle `msg`, which arrived at `now`, and return what is to be done outside.
    pub fn update(&mut self, msg: Msg, now: Instant) -> Vec<Effect> {
        self.now = now;
        let mut out = Effects::default();
        match msg {
            Msg::Key(key) => self.on_key(key, &mut out),
            Msg::Mouse(m) => self.on_mouse(m, &mut out),
            Msg::Paste(_)
                if matches!(
                    self.overlay,
                    Some(Overlay::Conflict | Overlay::Recovery { .. })
                ) => {}
            Msg::Paste(text) => {
                if self.context() == Context::Prompt {
                    if let Some(p) = &mut self.coding.prompt {
                        p.paste(&text);
                    }
                } else if self.context() == Context::Picker {
                    if let Some(p) = &mut self.coding.picker {
                        p.paste(&text);
                    }
                } else if self.context() == Context::Editor {
                    self.edit(&mut out, |doc| {
                        doc.insert_str(&text);
                    });
                } else if self.context() == Context::Form {
                    if let Some(n) = &mut self.note {
                        for c in text.chars().filter(|c| !c.is_control()) {
                            n.form.insert(c);
                        }
                    }
                    self.form_changed();
                } else if let Some(ctx @ (Context::Search | Context::ExportPrompt)) =
                    self.search_context()
                {
                    self.search_paste(&text, ctx, &mut out);
                } else if self.context() == Context::List {
                    self.list.paste(&text);
                }
            }
            Msg::Resize(w, h) => self.size = (w, h),
            Msg::Tick => self.on_tick(&mut out),
            Msg::Io(resp) => self.on_io(resp, &mut out),
            Msg::Index(resp) => self.on_index(resp, &mut out),
            Msg::Terminate => {
                self.terminating = true;
                self.request_quit(&mut out);
            }
        }
        self.settle();
        if self.quit == Quit::Now && !self.quit_sent {
            self.quit_sent = true;
            out.push(Effect::Quit);
        }
        out.into_vec()
    }

    /// `update` at the current time, keeping the IO requests: for tests that look at what
    /// goes to the disk and do not test timing.
    #[cfg(test)]
    pub fn step(&mut self, msg: Msg) -> Vec<Request> {
        // Quit is looked at through `quit`.
        self.step_all(msg)
            .into_iter()
            .filter_map(|e| match e {
                Effect::Io(r) => Some(r),
                _ => None,
            })
            .collect()
    }

    /// `update` at the current time; the index requests and clipboard text it returns are
    /// recorded in `index_out` and `clipboard_out` for the test to look at.
    #[cfg(test)]
    pub fn step_all(&mut self, msg: Msg) -> Vec<Effect> {
        let effects = self.update(msg, Instant::now());
        self.record(effects)
    }

    /// Call one handler directly with an effect collector, recording as `step_all` does.
    #[cfg(test)]
    pub fn with_effects(&mut self, f: impl FnOnce(&mut App, &mut Effects)) -> Vec<Request> {
        let mut out = Effects::default();
        f(self, &mut out);
        self.record(out.into_vec())
            .into_iter()
            .filter_map(|e| match e {
                Effect::Io(r) => Some(r),
                _ => None,
            })
            .collect()
    }

    #[cfg(test)]
    fn record(&mut self, effects: Vec<Effect>) -> Vec<Effect> {
        let mut rest = Vec::new();
        for e in effects {
            match e {
                Effect::Index(r) => self.index_out.push(r),
                Effect::Clipboard(t) => self.clipboard_out = Some(t),
                e => rest.push(e),
            }
        }
        rest
    }

    // ---- keys ----

    fn on_key(&mut self, key: KeyEvent, out: &mut Effects) {
        // Nothing is drawn in a terminal that is too small, so nothing is typed blind there;
        // only quitting works.
        if self.size.0 < MIN_SIZE.0 || self.size.1 < MIN_SIZE.1 {
            if matches!(
                keymap::lookup(Context::Global, &key),
                Some(Action::Quit | Action::QuitOrCopy)
            ) {
                self.request_quit(out);
            }
            return;
        }
        if self.overlay == Some(Overlay::Conflict) {
            self.on_conflict_key(key, out);
            return;
        }
        if let Some(Overlay::Recovery { .. }) = self.overlay {
            self.on_recovery_key(key, out);
            return;
        }
        let ctx = self.context();
        let action = keymap::lookup(ctx, &key);
        // In the list, a typed letter that no binding claims starts the filter; while the filter
        // has focus every printable key goes to it.
        if ctx == Context::List {
            if let Some(c) = keymap::typed_char(&key) {
                if self.list.typed(c, action.is_some()).consumed() {
                    return;
                }
            }
        }
        match action {
            Some(a) => self.on_action(a, out),
            None => {
                if let Some(c) = keymap::typed_char(&key) {
                    match ctx {
                        Context::Editor => self.edit(out, |doc| {
                            doc.insert_char(c);
                        }),
                        Context::Form => {
                            if let Some(n) = &mut self.note {
                                n.form.insert(c);
                            }
                            self.form_changed();
                        }
                        Context::Search | Context::ExportPrompt => self.search_typed(c, ctx, out),
                        Context::Prompt => {
                            if let Some(p) = &mut self.coding.prompt {
                                p.typed(c);
                            }
                        }
                        Context::Picker => {
                            if let Some(p) = &mut self.coding.picker {
                                p.typed(c);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    fn on_action(&mut self, action: Action, out: &mut Effects) {
        let ctx = self.context();
        match action {
            a if crate::tui::coding::handles(ctx, a) => self.coding_action(ctx, a, out),
            Action::Quit => self.request_quit(out),
            Action::QuitOrCopy => {
                let has_selection = ctx == Context::Editor
                    && self
                        .note
                        .as_ref()
                        .is_some_and(|n| n.doc.editor().selection().is_some());
                if has_selection {
                    self.copy(out);
                } else {
                    self.request_quit(out);
                }
            }
            Action::Help => {
                self.overlay = match self.overlay {
                    Some(Overlay::Help { .. }) => None,
                    _ => Some(Overlay::Help { scroll: 0 }),
                }
            }
            Action::Save => self.save_now(out, true),
            Action::Back => self.back(out),
            Action::NextPane => self.switch_pane(out, true),
            Action::PrevPane => self.switch_pane(out, false),
            Action::OpenSearch => self.open_search(out),
            Action::OpenEvidence => self.open_evidence(out),
            _ => match ctx {
                Context::List => {
                    let mut commands = Vec::new();
                    self.list.handle(action, &mut ctx!(self, out, commands));
                    self.run_commands(commands, out);
                }
                Context::Editor => self.editor_action(action, out),
                Context::Form => self.form_action(action, out),
                Context::Help => self.help_action(action),
                Context::Search
                | Context::Evidence
                | Context::ExportPrompt
                | Context::ExportReplace => self.search_action(action, ctx, out),
                _ => {}
            },
        }
    }

    fn help_action(&mut self, action: Action) {
        // The overlay leaves two rows above and below, and has a border.
        let page = layout::help_page(self.size);
        let total = layout::help_line_count() as u16;
        let max = total.saturating_sub(page);
        if let Some(Overlay::Help { scroll }) = &mut self.overlay {
            *scroll = match action {
                Action::Up => scroll.saturating_sub(1),
                Action::Down => scroll.saturating_add(1),
                Action::PageUp => scroll.saturating_sub(page),
                Action::PageDown => scroll.saturating_add(page),
                Action::First => 0,
                Action::Last => max,
                _ => *scroll,
            }
            .min(max);
        }
    }

    fn back(&mut self, out: &mut Effects) {
        if self.overlay.is_some() {
            self.overlay = None;
            return;
        }
        match self.screen {
            Screen::List => {
                self.list.back();
            }
            Screen::Note => {
                if let Some(n) = &mut self.note {
                    if n.focus == Pane::Editor && n.doc.editor().selection().is_some() {
                        n.doc.editor_mut().clear_selection();
                        return;
                    }
                }
                self.close_note(out);
            }
            Screen::Search | Screen::Evidence => self.search_back(out),
            Screen::Codebook => self.screen = Screen::List,
        }
    }

    pub(crate) fn close_note(&mut self, out: &mut Effects) {
        self.save_now(out, false);
        if let Some(n) = &self.note {
            if n.is_blank_new() {
                self.info("Empty new session discarded");
            }
        }
        self.note = None;
        self.screen = Screen::List;
        out.push(Request::Scan);
        self.after_close_note(out);
    }

    /// Editor → Codings → Details → Editor (backwards with `forward` false).
    fn switch_pane(&mut self, out: &mut Effects, forward: bool) {
        if self.screen != Screen::Note {
            return;
        }
        self.save_now(out, false);
        if let Some(n) = &mut self.note {
            n.focus = match (n.focus, forward) {
                (Pane::Editor, true) | (Pane::Form, false) => Pane::Codings,
                (Pane::Codings, true) | (Pane::Editor, false) => Pane::Form,
                (Pane::Form, true) | (Pane::Codings, false) => Pane::Editor,
            };
            match n.focus {
                Pane::Codings => n.coding.side_codings = true,
                Pane::Form => n.coding.side_codings = false,
                Pane::Editor => {}
            }
        }
    }

    fn request_quit(&mut self, out: &mut Effects) {
        let dirty = self
            .note
            .as_ref()
            .is_some_and(|n| n.dirty() && !n.is_blank_new());
        if !dirty {
            self.quit = Quit::Now;
            return;
        }
        if self.quit == Quit::Unkept {
            self.quit = Quit::Forced;
            self.error(
                "Quit once more to leave and LOSE what could be neither saved nor kept in a draft",
            );
            return;
        }
        if self.read_only.is_some() || self.quit == Quit::Forced {
            // Saving is impossible or already failed: keep the text and your codings in
            // recovery drafts and leave (the run loop drains the IO queue before exiting).
            if let Some(n) = &self.note {
                if n.text_dirty() {
                    out.push(n.draft_request());
                }
            }
            if let Some(r) = self.my_coding_draft_request() {
                out.push(r);
            }
            self.quit = Quit::Now;
            return;
        }
        self.save_now(out, false);
        self.quit = Quit::AfterSave;
        self.info("Saving before quitting…");
    }

    // ---- list ----

    /// Carry out what components asked for.
    pub(crate) fn run_commands(&mut self, commands: Vec<Command>, out: &mut Effects) {
        for c in commands {
            match c {
                Command::Open(id) => {
                    self.opening = Some(id.clone());
                    out.push(Request::Load(id));
                }
                Command::NewSession => self.new_session(),
                Command::OpenAt { jump, title, from } => self.open_at(jump, &title, from, out),
                Command::Show(screen) => self.screen = screen,
                Command::Pick {
                    purpose,
                    title,
                    top_level,
                } => self.coding.open_picker(purpose, title, top_level),
                Command::Picked { purpose, key } => {
                    self.coding.picker = None;
                    self.picked(purpose, key, out);
                }
                Command::PickedNewTheme { key, name, then } => {
                    self.coding.picker = None;
                    self.ask_new_theme_name(key, name, then);
                }
                Command::Ask {
                    purpose,
                    title,
                    text,
                } => self.coding.ask(purpose, title, &text),
                Command::Prompted { purpose, text } => {
                    self.coding.prompt = None;
                    self.prompted(purpose, text, out);
                }
                Command::CloseOverlay => self.coding.close_overlay(),
            }
        }
    }

    fn new_session(&mut self) {
        if let Some(why) = &self.read_only {
            self.error(format!("Read-only, so no new sessions here: {why}"));
            return;
        }
        let meta = SessionMeta::new_today(&self.facilitator);
        let mut note = NoteState::new(
            Session {
                meta,
                text: String::new(),
            },
            Pane::Form,
            self.now,
        );
        note.form.focus(Field::Title as usize);
        self.note = Some(note);
        self.screen = Screen::Note;
        self.info(format!(
            "New session: fill in the details ({} moves on), {} to write the note",
            keymap::key(Context::Form, Action::NextField),
            keymap::key(Context::Form, Action::NextPane)
        ));
    }

    // ---- form ----

    #[allow(clippy::collapsible_match)]
    fn form_action(&mut self, action: Action, out: &mut Effects) {
        let sugg = self.list.suggestions.clone();
        let Some(n) = &mut self.note else { return };
        let f = &mut n.form;
        match action {
            Action::NextField if !f.next_field() => {
                n.focus = Pane::Editor;
                self.save_now(out, false);
            }
            Action::NextField => {}
            Action::PrevField => f.prev_field(),
            Action::AcceptSuggestion => f.right(&sugg),
            Action::NextSuggestion => f.cycle_suggestion(1, &sugg),
            Action::PrevSuggestion => f.cycle_suggestion(-1, &sugg),
            Action::Backspace => f.backspace(),
            Action::Delete => f.delete(),
            Action::Left(_) => f.left(),
            Action::LineStart(_) => f.home(),
            Action::LineEnd(_) => f.end(),
            Action::DeleteWordBack => f.delete_word_back(),
            Action::ClearFilter => f.clear(),
            _ => {}
        }
        self.form_changed();
    }

    fn form_changed(&mut self) {
        if let Some(n) = &mut self.note {
            if self.read_only.is_some() {
                n.form = FormState {
                    field: n.form.field,
                    ..FormState::from_meta(&n.meta)
                };
                self.status = Some(Status {
                    text: "Read-only: details cannot be changed here".into(),
                    kind: StatusKind::Error,
                });
                return;
            }
            if n.form.apply_to(&mut n.meta) {
                n.last_input = self.now;
                n.changed(n.last_input);
            }
        }
    }

    // ---- editor ----

    /// Run an edit on the open document, unless the store is read-only.
    fn edit(&mut self, _out: &mut Effects, f: impl FnOnce(&mut NoteDocument)) {
        if let Some(why) = &self.read_only {
            let why = why.clone();
            self.error(format!("Read-only, nothing typed is kept: {why}"));
            return;
        }
        let Some(n) = &mut self.note else { return };
        let now = self.now;
        if now.duration_since(n.last_input) >= UNDO_GROUP_IDLE {
            n.doc.break_undo_group();
        }
        let before = n.doc.editor().version();
        f(&mut n.doc);
        n.last_input = now;
        if n.doc.editor().version() != before {
            n.changed(now);
        }
    }

    fn editor_action(&mut self, action: Action, out: &mut Effects) {
        match action {
            Action::Newline => self.edit(out, |d| {
                d.newline();
            }),
            Action::Backspace => self.edit(out, |d| {
                d.backspace();
            }),
            Action::Delete => self.edit(out, |d| {
                d.delete();
            }),
            Action::DeleteWordBack => self.edit(out, |d| {
                d.delete_word_back();
            }),
            Action::DeleteWordForward => self.edit(out, |d| {
                d.delete_word_forward();
            }),
            Action::Undo => self.edit(out, |d| {
                d.undo();
            }),
            Action::Redo => self.edit(out, |d| {
                d.redo();
            }),
            Action::Cut => {
                if self.read_only.is_none() {
                    self.copy(out);
                }
                self.edit(out, |d| {
                    d.delete_selection();
                });
            }
            Action::Copy => self.copy(out),
            Action::Paste => {
                let text = self.clipboard.clone();
                self.edit(out, |d| {
                    d.insert_str(&text);
                });
            }
            _ => {
                let Some(n) = &mut self.note else { return };
                // Vertical motions use the wrap width and height of the last frame drawn.
                let width = n.view.wrap_width();
                let page = n.view.page_rows();
                n.doc.break_undo_group();
                let e = n.doc.editor_mut();
                match action {
                    Action::Left(x) => e.move_left(x),
                    Action::Right(x) => e.move_right(x),
                    Action::WordLeft(x) => e.move_word_left(x),
                    Action::WordRight(x) => e.move_word_right(x),
                    Action::LineUp(x) => e.move_up(width, x),
                    Action::LineDown(x) => e.move_down(width, x),
                    Action::LineStart(x) => e.move_home(width, x),
                    Action::LineEnd(x) => e.move_end(width, x),
                    Action::DocStart(x) => e.move_doc_start(x),
                    Action::DocEnd(x) => e.move_doc_end(x),
                    Action::PageUpEdit(x) => e.page_up(page, width, x),
                    Action::PageDownEdit(x) => e.page_down(page, width, x),
                    Action::SelectAll => e.select_all(),
                    _ => {}
                }
            }
        }
    }

    fn copy(&mut self, out: &mut Effects) {
        if let Some(n) = &self.note {
            if let Some(text) = n.doc.editor().selected_text() {
                out.push(Effect::Clipboard(text.clone()));
                self.clipboard = text;
                self.ok("Copied");
            }
        }
    }

    // ---- mouse ----

    fn on_mouse(&mut self, m: MouseEvent, out: &mut Effects) {
        let pos = Position::new(m.column, m.row);
        match self.screen {
            Screen::List => {
                let mut commands = Vec::new();
                self.list.mouse(m, &mut ctx!(self, out, commands));
                self.run_commands(commands, out);
            }
            Screen::Codebook => {}
            Screen::Note => {
                let areas = self.note_areas();
                if let Some(side) = areas.form.filter(|f| f.contains(pos)) {
                    if m.kind == MouseEventKind::Down(MouseButton::Left)
                        && self.codings_click(side, m.row)
                    {
                        return;
                    }
                }
                let Some(n) = &mut self.note else { return };
                match m.kind {
                    MouseEventKind::ScrollDown if areas.editor.contains(pos) => {
                        n.view.scroll_by(n.doc.editor().rope(), 3)
                    }
                    MouseEventKind::ScrollUp if areas.editor.contains(pos) => {
                        n.view.scroll_by(n.doc.editor().rope(), -3)
                    }
                    MouseEventKind::Down(MouseButton::Left) => {
                        if areas.editor.contains(pos) {
                            n.focus = Pane::Editor;
                            if let Some(at) = n.view.hit_test(m.column, m.row) {
                                n.doc.editor_mut().set_cursor(at, false);
                                n.drag_anchor = Some(at);
                            }
                        } else if let Some(form) = areas
                            .form
                            .filter(|f| f.contains(pos) && n.focus != Pane::Codings)
                        {
                            n.focus = Pane::Form;
                            let idx = layout::form_field_at(form, m.row);
                            if let Some(i) = idx {
                                n.form.focus(i);
                            }
                        }
                    }
                    MouseEventKind::Drag(MouseButton::Left) if n.drag_anchor.is_some() => {
                        if let Some(at) = n.view.hit_test_clamped(m.column, m.row) {
                            n.doc.editor_mut().set_cursor(at, true);
                        }
                    }
                    MouseEventKind::Up(MouseButton::Left) => n.drag_anchor = None,
                    _ => {}
                }
            }
            Screen::Search | Screen::Evidence => self.search_mouse(m, out),
        }
    }

    // ---- conflicts with outside edits ----

    fn on_conflict_key(&mut self, key: KeyEvent, out: &mut Effects) {
        let action = keymap::lookup(Context::Conflict, &key);
        let Some(n) = &mut self.note else {
            self.overlay = None;
            return;
        };
        match action {
            // Take the file from disk; our text goes to a draft first so it is not lost.
            Some(Action::ReloadFile) => {
                // Made from the file as it was before the outside change: reopening the note
                // later shows both rather than restoring it over their change.
                out.push(n.draft_request());
                n.unkept_since = None;
                // This draft is the only copy of our version: not one to clear.
                n.drafted = false;
                // Unsaved codings go to their files first; the reload re-attaches them to the
                // text on disk.
                self.save_codings(out);
                let Some(n) = &mut self.note else { return };
                // Our text is in the draft: the reload may replace it.
                n.saved_version = Some(n.doc.editor().version());
                n.saved_meta = n.meta.clone();
                n.work = FileWork::Reloading;
                out.push(Request::Load(n.meta.id.clone()));
                self.overlay = None;
                self.info("Reloading the file; your version is kept as a recovery draft");
            }
            // Keep ours: the next save overwrites the outside change.
            Some(Action::KeepMine) => {
                if let NoteFile::Known(s) = n.file {
                    n.file = NoteFile::Overwrite(s);
                }
                self.overlay = None;
                self.save_now(out, true);
            }
            _ => self.error(format!(
                "The file changed outside Ripple: press {} to reload it (your text goes to a draft) or {} to keep yours",
                keymap::key(Context::Conflict, Action::ReloadFile),
                keymap::key(Context::Conflict, Action::KeepMine),
            )),
        }
    }

    // ---- kept text that was not made from the file as it is ----

    fn on_recovery_key(&mut self, key: KeyEvent, out: &mut Effects) {
        let action = keymap::lookup(Context::Recovery, &key);
        if matches!(action, Some(Action::Quit | Action::QuitOrCopy)) {
            // Nothing is unsaved (the file is shown); the kept text stays for next time.
            self.request_quit(out);
            return;
        }
        let page = layout::recovery_page(self.size);
        let Some(n) = &mut self.note else {
            self.overlay = None;
            return;
        };
        let Some(pending) = n.recovery.take() else {
            self.overlay = None;
            return;
        };
        let (r, codings) = *pending;
        let scroll = match self.overlay {
            Some(Overlay::Recovery { scroll }) => scroll,
            _ => 0,
        };
        match action {
            Some(Action::KeepFile) => {
                out.push(Request::DiscardRecovery(n.meta.id.clone()));
                self.overlay = None;
                self.info("Keeping the file; moving the kept text to the trash…");
            }
            Some(Action::TakeDraft) => {
                n.take_recovered(r.session, codings, &self.coding.coder);
                self.overlay = None;
                self.info("Took the kept text: it replaces the file on your next pause");
            }
            Some(Action::Merge) => match r.merged.clone() {
                Some(m) => {
                    n.take_recovered(m.session, codings, &self.coding.coder);
                    self.overlay = None;
                    if m.conflicts == 0 {
                        self.info("Merged both versions: it is saved on your next pause");
                    } else {
                        self.info(format!(
                            "Merged; {} place(s) changed on both sides hold both versions between <<<<<<< and >>>>>>> lines: edit them (it saves on your next pause)",
                            m.conflicts
                        ));
                    }
                }
                None => {
                    n.recovery = Some(Box::new((r, codings)));
                    self.error(format!(
                        "Cannot merge: the version the kept text was made from is not known. {}",
                        keymap::RECOVERY_NO_MERGE_HINTS.phrase()
                    ));
                }
            },
            Some(Action::Back) => {
                self.overlay = None;
                self.close_note(out);
                self.info("The kept text stays kept: open the session again to choose");
            }
            other => {
                let moved = match other {
                    Some(Action::Up) => Some(scroll.saturating_sub(1)),
                    Some(Action::Down) => Some(scroll.saturating_add(1)),
                    Some(Action::PageUp) => Some(scroll.saturating_sub(page)),
                    Some(Action::PageDown) => Some(scroll.saturating_add(page)),
                    Some(Action::First) => Some(0),
                    _ => None,
                };
                let max = layout::recovery_line_count(&r.diff).saturating_sub(1);
                n.recovery = Some(Box::new((r, codings)));
                self.overlay = Some(Overlay::Recovery {
                    scroll: moved.unwrap_or(scroll).min(max),
                });
                if moved.is_none() {
                    self.error(format!("Choose: {}", keymap::RECOVERY_HINTS.phrase()));
                }
            }
        }
    }

    // ---- time ----

    fn on_tick(&mut self, out: &mut Effects) {
        self.coding_tick(out);
        let now = self.now;
        if let Some(n) = &mut self.note {
            let idle = now.duration_since(n.last_input);
            // While the outside-change question is open, nothing is written.
            if n.dirty()
                && !n.saving()
                && idle >= AUTOSAVE_IDLE
                && self.overlay != Some(Overlay::Conflict)
            {
                self.save_now(out, false);
            }
        }
        if let Some(n) = &mut self.note {
            if n.text_dirty()
                && n.unkept_since
                    .is_some_and(|t| now.duration_since(t) >= DRAFT_AFTER)
            {
                // Typing without a pause long enough to save: keep it in a draft meanwhile.
                out.push(n.draft_request());
                n.unkept_since = None;
                n.drafted = true;
            } else if n.drafted && !n.text_dirty() && !n.saving() {
                // Back to what the file holds (undone, say): the draft would bring it back.
                out.push(Request::ClearDraft(n.meta.id.clone()));
                n.drafted = false;
            }
        }
        if let Some(n) = &mut self.note {
            if n.file.exists()
                && n.work == FileWork::Idle
                && self.overlay.is_none()
                && now.duration_since(n.last_stamp_check) >= STAMP_INTERVAL
            {
                n.last_stamp_check = now;
                out.push(Request::Stamp(n.meta.id.clone()));
            }
        }
        if self.screen == Screen::List && now.duration_since(self.last_scan) >= RESCAN_INTERVAL {
            self.last_scan = now;
            out.push(Request::Scan);
        }
    }

    /// Send the open note to disk if it has changes. `explicit`: the user asked (Ctrl-S).
    fn save_now(&mut self, out: &mut Effects, explicit: bool) {
        if let Some(why) = self.read_only.clone() {
            if explicit {
                self.error(format!("Read-only, cannot save: {why}"));
            }
            return;
        }
        let Some(n) = &mut self.note else { return };
        if n.is_blank_new() {
            return;
        }
        if !n.dirty() {
            if explicit {
                self.ok("Saved (no changes)");
            }
            return;
        }
        self.save_codings(out);
        let Some(n) = &mut self.note else { return };
        if n.saving() || !n.text_dirty() {
            return; // the tick after it lands saves again
        }
        n.meta.updated = chrono::Utc::now();
        let session = n.snapshot();
        let version = n.doc.editor().version();
        n.work = FileWork::Saving {
            version,
            meta: Box::new(n.meta.clone()),
        };
        // A failed save keeps this in a draft: nothing is unkept now.
        n.unkept_since = None;
        let expected = n.file.expected();
        out.push(Request::Save {
            session: Box::new(session),
            version,
            expected,
            base: n.base.clone(),
        });
    }

    // ---- IO results ----

    fn on_io(&mut self, resp: Response, out: &mut Effects) {
        match resp {
            Response::Scanned(scan, drafts, coding_drafts) => {
                self.last_scan = self.now;
                self.problems = scan.problems.iter().map(|p| p.to_string()).collect();
                self.list.scanned(scan.sessions);
                let new_drafts = drafts.len() > self.drafts.len();
                self.drafts = drafts;
                let new_coding_drafts = coding_drafts
                    .iter()
                    .any(|d| !self.coding_drafts.contains(d));
                self.coding_drafts = coding_drafts;
                if !self.problems.is_empty() && self.status.is_none() {
                    let n = self.problems.len();
                    self.error(format!(
                        "{n} file(s) could not be read and were left untouched: {} (ripple check lists all)",
                        self.problems[0]
                    ));
                } else if new_drafts {
                    self.info(format!(
                        "{} session(s) have unsaved text recovered from a crash: open them to review (marked ●)",
                        self.drafts.len()
                    ));
                } else if new_coding_drafts
                    && !matches!(&self.status, Some(s) if s.kind == StatusKind::Error)
                {
                    self.info(format!(
                        "{} session(s) have codings kept in a draft after a failed save: open them and press {} to restore (marked ●)",
                        self.coding_drafts.len(),
                        keymap::key(Context::Editor, Action::RestoreCodings)
                    ));
                }
            }
            Response::Loaded { id, result } => self.on_loaded(id, result),
            Response::SaveConflict { id, draft, .. } => {
                let kept = match &draft {
                    Some(p) => format!("your text is kept here and in {}", p.display()),
                    None => "your text is kept here".to_string(),
                };
                if let Some(n) = self.note.as_mut().filter(|n| n.meta.id == id) {
                    if n.saving() {
                        n.work = FileWork::Idle;
                    }
                    self.overlay = Some(Overlay::Conflict);
                }
                if self.quit == Quit::AfterSave {
                    self.quit = if self.terminating {
                        Quit::Now
                    } else {
                        Quit::Forced
                    };
                }
                self.error(format!(
                    "Not saved: the file changed outside Ripple; {kept}. {}",
                    keymap::CONFLICT_HINTS.phrase()
                ));
            }
            Response::Saved {
                id,
                version,
                result,
                draft,
            } => {
                if result.is_ok() {
                    // Searchable as soon as it is on disk.
                    out.push(IndexRequest::Reindex(id.clone()));
                }
                let Some(n) = self.note.as_mut().filter(|n| n.meta.id == id) else {
                    if let Err(e) = result {
                        self.error(format!("Save failed: {e}"));
                    }
                    if self.quit == Quit::AfterSave {
                        self.quit = Quit::Now;
                    }
                    return;
                };
                // A reload asked for meanwhile stays on its way.
                let sent = match n.work {
                    FileWork::Saving { .. } => std::mem::replace(&mut n.work, FileWork::Idle),
                    _ => FileWork::Idle,
                };
                match result {
                    Ok((stamp, base)) => {
                        if let FileWork::Saving { meta, .. } = sent {
                            n.saved_meta = *meta;
                        }
                        n.saved_version = Some(version);
                        n.file = NoteFile::Known(Some(stamp));
                        n.base = Some(base);
                        let still_dirty = n.dirty();
                        // The save removed the drafts; one asked for since is still to come.
                        if !n.text_dirty() {
                            n.drafted = false;
                        }
                        let codings_in_flight = n.coding.saving();
                        self.drafts.retain(|d| *d != id);
                        let t = chrono::Local::now().format("%H:%M:%S");
                        self.ok(format!("Saved {t}"));
                        if self.quit == Quit::AfterSave {
                            if still_dirty {
                                self.save_now(out, false);
                            } else if !codings_in_flight {
                                self.quit = Quit::Now;
                            }
                        }
                    }
                    Err(e) => {
                        let kept = match &draft {
                            Some(p) => format!("your text is kept here and in {}", p.display()),
                            None => "your text is kept in memory only: do not close Ripple".into(),
                        };
                        if self.quit == Quit::AfterSave && self.terminating {
                            self.quit = Quit::Now; // the IO thread kept a draft
                        } else if self.quit == Quit::AfterSave && draft.is_none() {
                            // Neither saved nor kept: leaving would lose the text.
                            self.quit = Quit::Unkept;
                            self.error(format!(
                                "Could not save: {e}; nor keep your text in a recovery draft: do not close Ripple (quitting now loses it: it takes {} twice more)",
                                keymap::key(Context::Global, Action::Quit)
                            ));
                        } else if self.quit == Quit::AfterSave {
                            self.quit = Quit::Forced;
                            self.error(format!(
                                "Could not save: {e}; {kept}. Quit again to leave anyway."
                            ));
                        } else {
                            self.error(format!("Could not save: {e}; {kept}"));
                        }
                    }
                }
            }
            Response::DraftWritten(r) => {
                if let Err(e) = r {
                    self.error(format!("Could not write the recovery draft: {e}"));
                }
            }
            Response::RecoveryDiscarded { id, result } => match result {
                Ok(trash) => {
                    self.drafts.retain(|d| *d != id);
                    match trash {
                        Some(p) => self.ok(format!(
                            "Kept the file; the recovered text was moved to {}",
                            p.display()
                        )),
                        None => self.ok("Kept the file"),
                    }
                }
                Err(e) => self.error(format!(
                    "Kept the file, but the recovered text could not be moved to the trash ({e}): it stays kept, and is offered again next time"
                )),
            },
            Response::Codebook(_)
            | Response::CodingsSaved { .. }
            | Response::CodingDraftRestored { .. }
            | Response::CodingCounts(..)
            | Response::CodingStamp { .. }
            | Response::CodingsLoaded { .. }
            | Response::CodebookSaved { .. } => {
                match &resp {
                    // Codings count as evidence as soon as they are on disk.
                    Response::CodingsSaved {
                        id, result: Ok(()), ..
                    }
                    | Response::CodingDraftRestored {
                        id, result: Ok(_), ..
                    } => out.push(IndexRequest::Reindex(id.clone())),
                    // Theme names, parents or merged themes change what the index holds.
                    Response::CodebookSaved { result: Ok(_), .. } => {
                        out.push(IndexRequest::Rebuild)
                    }
                    _ => {}
                }
                self.coding_io(resp, out)
            }
            Response::Stamp { id, stamp } => {
                let Some(n) = self.note.as_mut().filter(|n| n.meta.id == id) else {
                    return;
                };
                if n.saving() || stamp == n.file.stamp() || !n.file.exists() {
                    return;
                }
                if stamp.is_none() {
                    self.error(
                        "The note's file was deleted outside Ripple: the next save writes it again",
                    );
                    if let Some(n) = &mut self.note {
                        n.file = NoteFile::Absent;
                    }
                    return;
                }
                if n.dirty() {
                    self.overlay = Some(Overlay::Conflict);
                } else {
                    n.work = FileWork::Reloading;
                    out.push(Request::Load(id));
                }
            }
        }
    }

    fn on_loaded(
        &mut self,
        id: SessionId,
        result: Result<Loaded, crate::core::workspace::error::WorkspaceError>,
    ) {
        let reload = self
            .note
            .as_ref()
            .is_some_and(|n| n.meta.id == id && n.work == FileWork::Reloading);
        match result {
            Err(e) if reload => {
                // Often a file caught mid-write by another editor: keep our text, and the next
                // stamp check (the stamp still differs) tries again.
                if let Some(n) = &mut self.note {
                    n.work = FileWork::Idle;
                }
                self.error(format!(
                    "The file changed outside Ripple but cannot be read ({e}); your text here is kept, retrying"
                ));
            }
            Err(e) => {
                if self.opening.as_ref() == Some(&id) {
                    self.opening = None;
                }
                self.error(format!("Could not open the session: {e}"));
            }
            Ok(_) if reload && self.note.as_ref().is_some_and(|n| n.text_dirty()) => {
                // Typed while the reload was on its way: ask rather than drop either version.
                if let Some(n) = &mut self.note {
                    n.work = FileWork::Idle;
                }
                self.overlay = Some(Overlay::Conflict);
            }
            Ok(loaded) if reload => {
                let n = self.note.as_mut().expect("reload of open note");
                let cursor = n.doc.editor().cursor();
                n.doc = crate::tui::coding::document(&loaded.session.text, loaded.codings);
                let (mode, side) = (n.coding.mode, n.coding.side_codings);
                n.coding.reset(&n.doc, &self.coding.coder);
                (n.coding.mode, n.coding.side_codings) = (mode, side);
                n.coding.disk_stamp = Some(loaded.coding_stamp);
                let len = n.doc.editor().len_chars();
                n.doc.editor_mut().set_cursor(cursor.min(len), false);
                n.saved_version = Some(n.doc.editor().version());
                n.meta = loaded.session.meta.clone();
                n.saved_meta = loaded.session.meta;
                n.form = FormState {
                    field: n.form.field,
                    ..FormState::from_meta(&n.meta)
                };
                n.file = NoteFile::Known(loaded.stamp);
                n.base = loaded.base;
                n.unkept_since = None;
                n.work = FileWork::Idle;
                self.info("Reloaded: the file was changed outside Ripple");
                self.codings_loaded(&loaded.coding_problems);
            }
            Ok(loaded) => {
                if self.opening.as_ref() != Some(&id) {
                    return; // superseded by another open
                }
                self.opening = None;
                let codings = loaded.codings;
                let mut note = NoteState::new(loaded.session, Pane::Editor, self.now);
                note.doc = crate::tui::coding::document(&note.doc.text(), codings.clone());
                note.saved_version = Some(note.doc.editor().version());
                note.file = NoteFile::from_stamp(loaded.stamp);
                note.base = loaded.base;
                note.coding.reset(&note.doc, &self.coding.coder);
                note.coding.disk_stamp = Some(loaded.coding_stamp.clone());
                match loaded.draft {
                    Some(r) if r.onto_file => {
                        let when: chrono::DateTime<chrono::Local> = r.written.into();
                        let from = match r.source {
                            RecoverySource::Draft => "unsaved text",
                            RecoverySource::InterruptedSave => "the text of a save cut short",
                        };
                        note.take_recovered(r.session, codings, &self.coding.coder);
                        self.info(format!(
                            "Recovered {from} from {}: it is saved on your next pause",
                            when.format("%Y-%m-%d %H:%M")
                        ));
                    }
                    Some(r) => {
                        // Not made from the file as it is now: show both, overwrite nothing.
                        note.recovery = Some(Box::new((r, codings)));
                        self.overlay = Some(Overlay::Recovery { scroll: 0 });
                        self.info(format!(
                            "Unsaved text was kept, but the file changed since: {}",
                            keymap::RECOVERY_HINTS.phrase()
                        ));
                    }
                    None => self.status = None,
                }
                self.note = Some(note);
                self.screen = Screen::Note;
                self.codings_loaded(&loaded.coding_problems);
                self.offer_coding_draft(loaded.coding_drafts);
                self.apply_jump();
            }
        }
    }
}

#[cfg(test)]
mod timing_tests {
    //! The timing rules, driven by the time each message carries: no sleeps, no terminal.
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn note_app(t0: Instant) -> App {
        let mut app = App::new("test".into(), "me".into(), None, t0);
        let session = Session {
            meta: SessionMeta::new_today("me"),
            text: "x".into(),
        };
        let mut n = NoteState::new(session, Pane::Editor, t0);
        n.file = NoteFile::Known(None);
        app.note = Some(n);
        app.screen = Screen::Note;
        app
    }

    fn type_at(app: &mut App, c: char, at: Instant) -> Vec<Effect> {
        app.update(
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
            at,
        )
    }

    fn saves(effects: &[Effect]) -> usize {
        crate::tui::effect::requests(effects)
            .iter()
            .filter(|r| matches!(r, Request::Save { .. }))
            .count()
    }

    fn drafts(effects: &[Effect]) -> usize {
        crate::tui::effect::requests(effects)
            .iter()
            .filter(|r| matches!(r, Request::WriteDraft(_)))
            .count()
    }

    fn ms(t0: Instant, ms: u64) -> Instant {
        t0 + Duration::from_millis(ms)
    }

    #[test]
    fn a_pause_of_the_autosave_idle_saves_and_a_shorter_one_does_not() {
        let t0 = Instant::now();
        let mut app = note_app(t0);
        type_at(&mut app, 'a', t0);
        let just_short = AUTOSAVE_IDLE - Duration::from_millis(1);
        assert_eq!(saves(&app.update(Msg::Tick, t0 + just_short)), 0);
        assert_eq!(saves(&app.update(Msg::Tick, t0 + AUTOSAVE_IDLE)), 1);
    }

    #[test]
    fn typing_without_a_pause_goes_to_a_draft_once_its_first_key_is_old_enough() {
        let t0 = Instant::now();
        let mut app = note_app(t0);
        let mut draft_at = None;
        // A key every 400 ms for 3 s: never a pause long enough to save.
        for i in 0..8u64 {
            let at = ms(t0, i * 400);
            type_at(&mut app, 'a', at);
            let fx = app.update(Msg::Tick, ms(t0, i * 400 + 10));
            assert_eq!(saves(&fx), 0, "no pause, no save (at {} ms)", i * 400);
            if drafts(&fx) > 0 && draft_at.is_none() {
                draft_at = Some(i * 400 + 10);
            }
        }
        assert_eq!(
            draft_at,
            Some(1610),
            "first draft once the first unkept key is 1.5 s old"
        );
    }

    #[test]
    fn the_file_is_looked_at_every_stamp_interval() {
        let t0 = Instant::now();
        let mut app = note_app(t0);
        let stamps = |fx: &[Effect]| {
            crate::tui::effect::requests(fx)
                .iter()
                .filter(|r| matches!(r, Request::Stamp(_)))
                .count()
        };
        let short = STAMP_INTERVAL - Duration::from_millis(1);
        assert_eq!(stamps(&app.update(Msg::Tick, t0 + short)), 0);
        assert_eq!(stamps(&app.update(Msg::Tick, t0 + STAMP_INTERVAL)), 1);
        assert_eq!(
            stamps(&app.update(Msg::Tick, t0 + STAMP_INTERVAL + short)),
            0
        );
        assert_eq!(stamps(&app.update(Msg::Tick, t0 + STAMP_INTERVAL * 2)), 1);
    }

    #[test]
    fn quitting_returns_one_quit_effect() {
        let t0 = Instant::now();
        let mut app = App::new("test".into(), "me".into(), None, t0);
        let quit = |fx: &[Effect]| fx.iter().filter(|e| matches!(e, Effect::Quit)).count();
        let ctrl_q = Msg::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL));
        assert_eq!(quit(&app.update(ctrl_q, t0)), 1);
        assert_eq!(quit(&app.update(Msg::Tick, t0)), 0, "said once");
    }
}
