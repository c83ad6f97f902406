//! The application state and its update function (the Elm architecture): `update` takes a
//! message, changes the state, and returns the disk work to do. It never touches the disk
//! itself, so the UI thread never waits on IO and the logic can be tested without a terminal.

use crate::core::session::SessionId;
#[cfg(test)]
use crate::core::session::{Session, SessionMeta};
use crate::core::store::RecoverySource;
use crate::tui::component::{Command, Ctx, Jump};
pub use crate::tui::component::{Screen, Status, StatusKind};
use crate::tui::effect::{Effect, Effects};
use crate::tui::form::FormState;
use crate::tui::help::HelpOverlay;
use crate::tui::index_worker::{IndexRequest, IndexResponse};
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout;
use crate::tui::list::SessionList;
pub use crate::tui::note::{FileWork, NoteFile, NoteState, Pane};
use crate::tui::search::evidence::EvidenceScreen;
use crate::tui::search::SearchScreen;
use crate::tui::worker::{Loaded, Request, Response};
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

/// Call a component's handler with its `Ctx`, then carry out the commands it gave; the
/// handler's answer is the macro's: `route!(self, out, |ctx| self.search.handle(action, ctx))`.
macro_rules! route {
    ($app:ident, $out:ident, |$ctx:ident| $call:expr) => {{
        let mut commands = Vec::new();
        let answer = {
            let $ctx = &mut ctx!($app, $out, commands);
            $call
        };
        $app.run_commands(commands, $out);
        answer
    }};
}

mod results;

/// Typing pauses this long before an autosave.
pub const AUTOSAVE_IDLE: Duration = Duration::from_millis(1500);
/// Typing that is neither saved nor in a recovery draft goes to a draft once its first
/// keystroke is this old, pause or not: a crash loses at most about this much typing (plus a
/// tick and the write), as vim's swap file bounds it.
pub const DRAFT_AFTER: Duration = Duration::from_millis(1500);
/// How often an open note's file is checked for edits made outside Ripple.
pub const STAMP_INTERVAL: Duration = Duration::from_secs(2);
/// How often a store read-only because another Ripple holds it tries to take it over.
pub const TAKEOVER_INTERVAL: Duration = Duration::from_secs(1);
/// How often the session list is refreshed from disk while it is shown.
pub const RESCAN_INTERVAL: Duration = Duration::from_secs(10);
pub use crate::tui::note::editor::UNDO_GROUP_IDLE;
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    Help(HelpOverlay),
    /// The open note's file changed on disk while it has unsaved edits here.
    Conflict,
    /// Unsaved text was kept for the note just opened, but not made from the file as it is
    /// now: the difference is shown (scrolled this far) and the user chooses.
    Recovery {
        scroll: u16,
    },
    /// The message log, newest first, scrolled this many rows.
    Messages {
        scroll: u16,
    },
    /// The settings form, or the first run's question.
    Settings(crate::tui::settings::SettingsForm),
}

pub use crate::tui::message_log::{Logged, MESSAGE_LOG_MAX};

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

mod dialogs;
mod note_sync;
pub mod share;
#[cfg(test)]
mod timing_tests;
mod writing;

/// Highlights in a note: (session, editor version they are valid for, ranges in chars).
pub type NoteHits = (SessionId, u64, Vec<(usize, usize)>);

/// A note opened at a result: where it goes, what it highlights, where closing it returns.
#[derive(Debug, Default)]
pub struct FromResult {
    /// A note asked for from a result: where it goes when it opens.
    pub jump: Option<Jump>,
    /// The open note's search highlights, valid while its text is at this editor version.
    pub note_hits: Option<NoteHits>,
    /// The screen to go back to when the note opened from a result is closed.
    pub return_to: Option<Screen>,
}

impl FromResult {
    /// Highlights for the note `id` at editor `version`.
    pub fn hits_for(&self, id: &SessionId, version: u64) -> &[(usize, usize)] {
        match &self.note_hits {
            Some((i, v, hits)) if i == id && *v == version => hits,
            _ => &[],
        }
    }
}

pub struct App {
    pub store_label: String,
    pub facilitator: String,
    pub read_only: Option<String>,
    pub no_color: bool,
    /// The light colour theme (`tui::theme`).
    pub light: bool,
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
    /// Keys pressed while the terminal was too small, since it last was: said on that
    /// screen, so a user knows the key was not taken (and a test can tell it was read).
    pub keys_ignored_while_small: u32,
    pub quit: Quit,
    pub last_scan: Instant,
    /// The session asked for with Enter, until it arrives from disk.
    pub opening: Option<SessionId>,
    /// Text cut or copied in the editor.
    pub clipboard: String,
    /// A signal asked us to leave: save what we can, then go.
    pub terminating: bool,
    pub search: SearchScreen,
    pub evidence: EvidenceScreen,
    /// The note opened at a search or evidence result, and the way back.
    pub from_result: FromResult,
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
    pub agreement: crate::tui::agreement::AgreementScreen,
    pub analysis: crate::tui::analysis::AnalysisScreen,
    /// The user codes blind (`--blind`, `RIPPLE_BLIND=1`, `blind = true`): other coders'
    /// codings are not read for them (the IO thread leaves them out).
    pub blind: bool,
    /// The open note's done mark, once read: (session, marked done).
    pub done_mark: Option<(SessionId, bool)>,
    /// The last key was an Esc that only cleared the editor's selection: a `q` now is not
    /// typed (it was meant to quit), see `on_key`.
    pub esc_cleared_selection: bool,
    /// The user's config file (the settings form saves there).
    pub config_path: std::path::PathBuf,
    /// The coder was given by `--coder` or `RIPPLE_CODER`: the config's coder does not apply
    /// to this run.
    pub coder_overridden: bool,
    /// Blind coding as the config file says (the run's own is `blind`).
    pub config_blind: bool,
    /// Every status message of this run, whole, oldest first (`Overlay::Messages` shows it).
    pub messages: Vec<Logged>,
    /// The store is read-only because another Ripple holds its writer lock: every
    /// `TAKEOVER_INTERVAL` the IO thread tries to take it (the UI never waits on the lock).
    pub lock_busy: bool,
    /// When the lock was last tried, and whether that try is still on its way.
    pub takeover: (Instant, bool),
    /// Spell checking: the speller, the misspelt words' caches, the suggestions menu.
    pub spell: crate::tui::spell::SpellState,
    /// Focus mode and the collapsed details pane.
    pub room: layout::Room,
    /// The share dialog, while it is open.
    pub share: Option<share::ShareDialog>,
    /// The last share was de-identified: the next one starts so.
    pub share_deidentify: bool,
    /// The search index folder, which exports stay out of (None in tests).
    pub index_dir: Option<std::path::PathBuf>,
    /// Problems in the user's keymap file (`path:line: what`), said at start.
    pub config_problems: Vec<String>,
    /// Between sessions: new-session choices, the trash, the follow-ups, the delete question.
    pub between: crate::tui::between::BetweenScreen,
    /// REFI-QDA import and export, over the session list.
    pub exchange: crate::tui::exchange::ExchangeDialog,
    /// The open note's offer to carry over the last session's open follow-ups.
    pub carry: Option<crate::tui::carry::CarryOffer>,
    /// The carried follow-ups of notes closed while their sync was out (`Request::SyncCarried`):
    /// kept until it is answered, so a save made meanwhile (the one on closing) still asks.
    pub carried_out: Vec<(SessionId, crate::tui::carry::Carried)>,
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
            light: false,
            screen: Screen::List,
            list: SessionList::default(),
            note: None,
            overlay: None,
            status: None,
            problems: Vec::new(),
            drafts: Vec::new(),
            coding_drafts: Vec::new(),
            size: (80, 24),
            keys_ignored_while_small: 0,
            quit: Quit::No,
            last_scan: now,
            opening: None,
            clipboard: String::new(),
            terminating: false,
            search: SearchScreen::default(),
            evidence: EvidenceScreen::default(),
            from_result: FromResult::default(),
            now,
            quit_sent: false,
            #[cfg(test)]
            index_out: Vec::new(),
            #[cfg(test)]
            clipboard_out: None,
            coding: crate::tui::coding::CodingState::new(String::new()),
            agreement: crate::tui::agreement::AgreementScreen::default(),
            analysis: crate::tui::analysis::AnalysisScreen::default(),
            blind: false,
            done_mark: None,
            esc_cleared_selection: false,
            lock_busy: false,
            takeover: (now, false),
            messages: Vec::new(),
            config_path: std::path::PathBuf::new(),
            coder_overridden: false,
            config_blind: false,
            spell: Default::default(),
            room: Default::default(),
            share: None,
            share_deidentify: false,
            index_dir: None,
            config_problems: Vec::new(),
            between: Default::default(),
            exchange: Default::default(),
            carry: None,
            carried_out: Vec::new(),
        }
    }

    /// Requests to send when the app starts.
    pub fn init(&mut self) -> Vec<Request> {
        if let Some(why) = &self.read_only {
            self.info(format!("Read-only: {why}"));
        }
        if let Some(first) = self.config_problems.first() {
            let more = match self.config_problems.len() {
                1 => String::new(),
                n => format!(" ({} more problems)", n - 1),
            };
            self.error(format!("{first}{more}; those lines are left out"));
        }
        vec![Request::Scan, Request::LoadCodebook, Request::CountCodings]
    }

    pub fn context(&self) -> Context {
        if matches!(self.overlay, Some(Overlay::Help(_))) {
            return Context::Help;
        }
        if matches!(self.overlay, Some(Overlay::Messages { .. })) {
            return Context::Messages;
        }
        if matches!(self.overlay, Some(Overlay::Settings(_))) {
            return Context::Settings;
        }
        if self.screen == Screen::Note && self.carry.is_some() {
            return Context::CarryOver;
        }
        if let Some(c) = self.writing_context() {
            return c;
        }
        if let Some(d) = &self.share {
            return d.context();
        }
        if let Some(c) = self.exchange.context() {
            return c;
        }
        if let Some(c) = self.coding_context() {
            return c;
        }
        if let Some(ctx) = self.search_context() {
            return ctx;
        }
        if self.screen == Screen::List && self.between.confirm.is_some() {
            return Context::ConfirmDelete;
        }
        match (self.screen, self.note.as_ref().map(|n| n.focus)) {
            (Screen::Note, Some(Pane::Editor)) => Context::Editor,
            (Screen::Note, Some(Pane::Form)) => Context::Form,
            _ => Context::List,
        }
    }

    /// The key context of the search and evidence screens, if one of them is shown.
    pub fn search_context(&self) -> Option<Context> {
        match self.screen {
            Screen::Search => Some(Context::Search),
            Screen::Evidence => Some(self.evidence.context()),
            Screen::Agreement => Some(self.agreement.context()),
            Screen::Between => Some(self.between.context()),
            Screen::Analysis => Some(self.analysis.context()),
            _ => None,
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
            // Nothing but a notice is drawn below the minimum size: clicks would land blind,
            // and a paste is ignored as a key is (the clipboard still holds it).
            Msg::Mouse(_) if self.too_small() => {}
            Msg::Mouse(m) => self.on_mouse(m, &mut out),
            Msg::Paste(_) if self.too_small() => {
                self.keys_ignored_while_small = self.keys_ignored_while_small.saturating_add(1);
            }
            Msg::Paste(_)
                if matches!(
                    self.overlay,
                    Some(Overlay::Conflict | Overlay::Recovery { .. })
                ) => {}
            Msg::Paste(text) => {
                if let Some(Overlay::Settings(f)) = &mut self.overlay {
                    f.paste(&text);
                } else if self.writing_paste(&text) {
                } else if self.context() == Context::Share {
                    self.share_paste(&text);
                } else if self.context() == Context::Prompt {
                    if let Some(p) = &mut self.coding.prompt {
                        p.paste(&text);
                    }
                } else if self.context() == Context::Picker {
                    if let Some(p) = &mut self.coding.picker {
                        p.paste(&text);
                    }
                } else if self.context() == Context::Editor {
                    self.note_do(&mut out, |n, _, cx| n.paste(&text, cx));
                } else if self.context() == Context::Form {
                    self.note_do(&mut out, |n, _, cx| n.form_paste(&text, cx));
                } else if self.search_context() == Some(Context::Search) {
                    let out = &mut out;
                    route!(self, out, |ctx| self.search.paste(&text, ctx));
                } else if self.search_context() == Some(Context::ExportPrompt) {
                    self.evidence.paste(&text);
                } else if self.exchange.is_open() {
                    self.exchange.paste(&text);
                } else if self.search_context() == Some(Context::AnalysisInput) {
                    self.analysis.paste(&text);
                } else if self.context() == Context::List {
                    self.list.paste(&text);
                } else if self.context() == Context::FollowUps {
                    self.between.paste(&text);
                }
            }
            Msg::Resize(w, h) => {
                self.size = (w, h);
                if !self.too_small() {
                    self.keys_ignored_while_small = 0;
                }
            }
            Msg::Tick => self.on_tick(&mut out),
            Msg::Io(resp) => self.on_io(resp, &mut out),
            Msg::Index(resp) => self.on_index(resp, &mut out),
            Msg::Terminate => {
                self.terminating = true;
                self.request_quit(&mut out);
            }
        }
        self.watch_agencies(&mut out);
        self.settle();
        self.log_status();
        if self.quit == Quit::Now && !self.quit_sent {
            self.quit_sent = true;
            out.push(Effect::Quit);
        }
        out.into_vec()
    }

    /// Keep the status line's message in the message log, whole, unless it is the last one
    /// kept already.
    pub fn log_status(&mut self) {
        let Some(st) = &self.status else { return };
        if self
            .messages
            .last()
            .is_some_and(|m| m.text == st.text && m.kind == st.kind)
        {
            return;
        }
        self.messages.push(Logged {
            at: chrono::Local::now().format("%H:%M:%S").to_string(),
            kind: st.kind,
            text: st.text.clone(),
        });
        if self.messages.len() > MESSAGE_LOG_MAX {
            self.messages.remove(0);
        }
    }

    /// `update` at the current time, keeping the IO requests: for tests that look at what
    /// goes to the disk and do not test timing.
    #[cfg(test)]
    pub fn step(&mut self, msg: Msg) -> Vec<Request> {
        // Quit is looked at through `quit`.
        let effects = self.step_all(msg);
        crate::tui::effect::into_requests(effects)
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
        let effects = self.record(out.into_vec());
        crate::tui::effect::into_requests(effects)
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

    /// Below `MIN_SIZE` nothing is drawn but a notice, and keys other than quit are ignored.
    pub fn too_small(&self) -> bool {
        self.size.0 < MIN_SIZE.0 || self.size.1 < MIN_SIZE.1
    }

    // ---- keys ----

    fn on_key(&mut self, key: KeyEvent, out: &mut Effects) {
        // Nothing is drawn in a terminal that is too small, so nothing is typed blind there;
        // only quitting works.
        if self.too_small() {
            if matches!(
                keymap::lookup(Context::Global, &key),
                Some(Action::Quit | Action::QuitOrCopy)
            ) {
                self.request_quit(out);
            } else {
                self.keys_ignored_while_small = self.keys_ignored_while_small.saturating_add(1);
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
        // "Esc, q" to leave and quit, with text selected: the Esc only cleared the selection,
        // so the q would land in the note. It is not typed; the status line says why.
        if std::mem::take(&mut self.esc_cleared_selection)
            && ctx == Context::Editor
            && action.is_none()
            && keymap::typed_char(&key) == Some('q')
        {
            self.info(format!(
                "q not typed: Esc cleared the selection. Esc again leaves the note; q quits from the session list ({} from anywhere)",
                keymap::key(Context::Global, Action::Quit)
            ));
            return;
        }
        // In the list, a typed letter that no binding claims starts the filter; while the filter
        // has focus every printable key goes to it.
        if ctx == Context::List {
            if let Some(c) = keymap::typed_char(&key) {
                if self.list.typed(c, action.is_some()).consumed() {
                    return;
                }
            }
        }
        // The follow-ups view filters the same way.
        if ctx == Context::FollowUps {
            if let Some(c) = keymap::typed_char(&key) {
                if self.between.typed(c, action.is_some()).consumed() {
                    return;
                }
            }
        }
        match action {
            Some(a) => self.on_action(a, out),
            None => {
                if let Some(c) = keymap::typed_char(&key) {
                    match ctx {
                        Context::Find => self.writing_typed(ctx, c),
                        Context::Editor => self.note_do(out, |n, _, cx| n.type_char(c, cx)),
                        Context::Form => self.note_do(out, |n, _, cx| n.form_typed(c, cx)),
                        Context::Search => {
                            route!(self, out, |ctx| self.search.typed(c, ctx));
                        }
                        Context::ExportPrompt => {
                            self.evidence.typed(c);
                        }
                        Context::Settings => {
                            if let Some(Overlay::Settings(f)) = &mut self.overlay {
                                f.typed(c);
                            }
                        }
                        Context::Share => self.share_typed(c),
                        // Not typed while the offer is shown: it says its keys.
                        Context::CarryOver => self.carry_action(Action::Confirm, out),
                        Context::ExchangeExport | Context::ExchangeImport => {
                            self.exchange.typed(c);
                        }
                        Context::AnalysisInput => {
                            self.analysis.typed(c);
                        }
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
        if self.writing_action(ctx, action, out) {
            return;
        }
        match action {
            a if matches!(ctx, Context::Share | Context::ShareReplace)
                && !matches!(a, Action::Quit | Action::QuitOrCopy | Action::Help) =>
            {
                self.share_action(a, out)
            }
            a if crate::tui::carry::handles(ctx, a) => self.carry_action(a, out),
            a if crate::tui::coding::handles(ctx, a) => self.coding_action(ctx, a, out),
            a if crate::tui::between::handles(ctx, a) => self.between_action(ctx, a, out),
            Action::Quit => self.request_quit(out),
            Action::QuitOrCopy => {
                let has_selection = ctx == Context::Editor
                    && self
                        .note
                        .as_ref()
                        .is_some_and(|n| n.doc.editor().selection().is_some());
                if has_selection {
                    self.note_do(out, |n, _, cx| n.copy(cx));
                } else if ctx == Context::List {
                    self.request_quit(out);
                } else {
                    // Quitting is deliberate: Ctrl-C is a copy key everywhere but the list.
                    self.info(format!(
                        "Nothing selected to copy. {} quits (q from the session list)",
                        keymap::key(Context::Global, Action::Quit)
                    ));
                }
            }
            Action::Help => {
                self.overlay = match self.overlay {
                    Some(Overlay::Help(_)) => None,
                    _ => Some(Overlay::Help(HelpOverlay::default())),
                }
            }
            Action::Save => self.save_now(out, true),
            Action::Back => self.back(out),
            Action::NextPane => self.switch_pane(out, true),
            Action::PrevPane => self.switch_pane(out, false),
            Action::OpenSearch => self.open_search(out),
            Action::OpenEvidence => self.open_evidence(out),
            Action::OpenAgreement => self.open_agreement(out),
            Action::OpenAnalysis => self.open_analysis(out),
            Action::MarkDone => self.mark_done(out),
            Action::OpenSettings => {
                self.overlay = Some(Overlay::Settings(crate::tui::settings::SettingsForm::edit(
                    &self.facilitator,
                    &self.coding.coder,
                    self.config_blind,
                )))
            }
            Action::OpenMessages => {
                self.overlay = match self.overlay {
                    Some(Overlay::Messages { .. }) => None,
                    _ => Some(Overlay::Messages { scroll: 0 }),
                }
            }
            Action::Share => self.open_share(),
            Action::OpenExport if ctx == Context::List => {
                self.exchange.only_coder = self.blind.then(|| self.coding.coder.clone());
                self.exchange.open_export()
            }
            Action::OpenImport if ctx == Context::List => {
                route!(self, out, |ctx| self.exchange.open_import(ctx));
            }
            _ => match ctx {
                Context::List => {
                    route!(self, out, |ctx| self.list.handle(action, ctx));
                }
                Context::Editor => self.note_do(out, |n, _, cx| {
                    n.editor_action(action, cx);
                }),
                Context::Form => self.note_do(out, |n, sugg, cx| {
                    n.form_action(action, sugg, cx);
                }),
                Context::Help => {
                    if let Some(Overlay::Help(h)) = &mut self.overlay {
                        route!(self, out, |ctx| h.handle(action, ctx));
                    }
                }
                Context::Messages => self.scroll_messages(action),
                Context::Settings => self.settings_action(action, out),
                Context::Search => {
                    route!(self, out, |ctx| self.search.handle(action, ctx));
                }
                Context::Evidence | Context::ExportPrompt | Context::ExportReplace => {
                    route!(self, out, |ctx| self.evidence.handle(action, ctx));
                }
                Context::Agreement | Context::Disagreements => {
                    route!(self, out, |ctx| self.agreement.handle(action, ctx));
                }
                Context::ExchangeExport
                | Context::ExchangeImport
                | Context::ExchangePlan
                | Context::ExchangeDone => {
                    route!(self, out, |ctx| self.exchange.handle(action, ctx));
                }
                Context::Analysis | Context::AnalysisInput => {
                    route!(self, out, |ctx| self.analysis.handle(action, ctx));
                }
                _ => {}
            },
        }
    }

    /// The settings form's keys: Enter saves (through the IO thread) and the names apply at
    /// once; Esc closes it.
    fn settings_action(&mut self, action: Action, out: &mut Effects) {
        let Some(Overlay::Settings(form)) = &mut self.overlay else {
            return;
        };
        if action == Action::Cancel {
            let first_run = form.first_run;
            self.overlay = None;
            if first_run {
                self.info(format!(
                    "Ripple will ask for your name next time; new sessions say \"{}\" meanwhile ({} on the list opens the settings)",
                    self.facilitator,
                    keymap::key(Context::List, Action::OpenSettings)
                ));
            }
            return;
        }
        let mut commands = Vec::new();
        let (_, chosen) = form.handle(action, &mut ctx!(self, out, commands));
        self.run_commands(commands, out);
        let Some(chosen) = chosen else { return };
        self.overlay = None;
        self.facilitator = chosen.facilitator.clone();
        self.config_blind = chosen.blind;
        if !self.coder_overridden {
            self.coding.coder = chosen.coder.clone();
        }
        out.push(Request::SaveConfig {
            path: self.config_path.clone(),
            facilitator: chosen.facilitator,
            coder: chosen.coder,
            blind: chosen.blind,
            set_coder: !self.coder_overridden,
        });
        out.push(Request::CountCodings);
    }

    /// The message log's keys: scroll it (newest first).
    fn scroll_messages(&mut self, action: Action) {
        let Some(Overlay::Messages { scroll }) = &mut self.overlay else {
            return;
        };
        let page = layout::help_page(self.size);
        let total = crate::tui::message_log::line_count(&self.messages, self.size);
        let max = total.saturating_sub(page);
        let s = *scroll;
        *scroll = match action {
            Action::Up => s.saturating_sub(1),
            Action::Down => s.saturating_add(1),
            Action::PageUp => s.saturating_sub(page),
            Action::PageDown => s.saturating_add(page),
            Action::First => 0,
            Action::Last => max,
            _ => s,
        }
        .min(max);
    }

    fn back(&mut self, out: &mut Effects) {
        if self.overlay.is_some() {
            self.overlay = None;
            return;
        }
        if self.exchange.is_open() {
            route!(self, out, |ctx| self.exchange.handle(Action::Back, ctx));
            return;
        }
        match self.screen {
            Screen::List => {
                self.list.back();
            }
            Screen::Note => {
                if let Some(n) = &mut self.note {
                    // Esc on a value the details cannot take refuses it (the message and the
                    // kept value show); the next Esc leaves.
                    if n.leave_form() {
                        return;
                    }
                    if n.focus == Pane::Editor && n.doc.editor().selection().is_some() {
                        n.doc.editor_mut().clear_selection();
                        self.esc_cleared_selection = true;
                        self.info("Selection cleared: Esc again leaves the note");
                        return;
                    }
                }
                self.close_note(out);
            }
            Screen::Search => {
                route!(self, out, |ctx| self.search.handle(Action::Back, ctx));
            }
            Screen::Evidence => {
                route!(self, out, |ctx| self.evidence.handle(Action::Back, ctx));
            }
            Screen::Codebook => self.screen = Screen::List,
            Screen::Agreement => {
                route!(self, out, |ctx| self.agreement.handle(Action::Back, ctx));
            }
            Screen::Between => {
                route!(self, out, |ctx| self.between.handle(Action::Back, ctx));
            }
            Screen::Analysis => {
                route!(self, out, |ctx| self.analysis.handle(Action::Back, ctx));
            }
        }
    }

    pub(crate) fn close_note(&mut self, out: &mut Effects) {
        self.save_now(out, false);
        if let Some(n) = &self.note {
            if n.is_blank_new() {
                self.info("Empty new session discarded");
            }
        }
        if let Some(n) = &mut self.note {
            if let Some(c) = n.carried.take().filter(|c| c.asking) {
                self.carried_out.push((n.meta.id.clone(), c));
            }
        }
        self.note = None;
        self.done_mark = None;
        self.spell.menu = None;
        self.screen = Screen::List;
        out.push(Request::Scan);
        self.after_close_note(out);
    }

    /// Editor → Codings → Details → Editor (backwards with `forward` false).
    fn switch_pane(&mut self, out: &mut Effects, forward: bool) {
        if self.screen != Screen::Note {
            return;
        }
        if let Some(n) = &mut self.note {
            n.leave_form();
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
                Command::NewSession => self.offer_new_session(out),
                Command::StartSession { template, like } => out.push(Request::NewSession {
                    facilitator: self.facilitator.clone(),
                    template,
                    like,
                }),
                Command::SaveNote => self.save_now(out, false),
                Command::OpenAt { jump, title, from } => self.open_at(jump, &title, from, out),
                Command::Show(screen) => self.show(screen, out),
                Command::Refresh => self.refresh_results(out),
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
                Command::Coded(theme) => self.coding.coded(theme),
                Command::ShowCoders(filter) => self.coding.filter = filter,
                Command::CloseOverlay => self.coding.close_overlay(),
                Command::SearchFor {
                    query,
                    sessions,
                    within,
                    back,
                } => self.search_for(query, sessions, within, back, out),
            }
        }
    }

    // ---- form ----

    /// Run `f` on the open note (its editor or details form, as components), then carry out
    /// what it asked for.
    pub(crate) fn note_do(
        &mut self,
        out: &mut Effects,
        f: impl FnOnce(&mut NoteState, &crate::tui::form::Suggestions, &mut Ctx),
    ) {
        let mut commands = Vec::new();
        if let Some(n) = &mut self.note {
            f(n, &self.list.suggestions, &mut ctx!(self, out, commands));
        }
        self.run_commands(commands, out);
    }

    // ---- mouse ----

    fn on_mouse(&mut self, m: MouseEvent, out: &mut Effects) {
        // The share and exchange dialogs are answered from the keyboard; what is behind them
        // stays put.
        if self.share.is_some()
            || self.exchange.is_open()
            || (self.screen == Screen::Note && self.carry.is_some())
        {
            return;
        }
        let pos = Position::new(m.column, m.row);
        match self.screen {
            Screen::List => {
                route!(self, out, |ctx| self.list.mouse(m, ctx));
            }
            Screen::Codebook | Screen::Agreement | Screen::Between | Screen::Analysis => {}
            Screen::Note => {
                let areas = self.note_areas();
                if let Some(side) = areas.form.filter(|f| f.contains(pos)) {
                    if m.kind == MouseEventKind::Down(MouseButton::Left)
                        && self
                            .pane_do(out, |p, cx| p.click(side, m.row, cx))
                            .is_some_and(|o| o.consumed())
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
                        n.leave_form();
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
            Screen::Search => {
                route!(self, out, |ctx| self.search.mouse(m, ctx));
            }
            Screen::Evidence => {
                route!(self, out, |ctx| self.evidence.mouse(m, ctx));
            }
        }
    }
}
