//! The component model, as in gitui: each screen, pane and overlay owns its state and handles
//! the actions routed to it, answering whether it used them (`Outcome`). What a component needs
//! from outside itself goes through its `Ctx`: effects for the IO and index threads, the status
//! line, and `Command`s for the app (things that cross components, such as opening a note from
//! a search result). `App` routes messages to the focused component and carries out commands;
//! it owns nothing the components own.
//!
//! Components never import `app`: they see the world only through `Ctx`.

use crate::core::session::SessionId;
use crate::tui::coding::purpose::{PickFor, PromptFor};
use crate::tui::effect::Effects;
use std::time::Instant;

/// Whether a component used an action (gitui's `EventState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Consumed,
    NotConsumed,
}

impl Outcome {
    pub fn consumed(self) -> bool {
        self == Outcome::Consumed
    }
}

/// The screens the app shows, one at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    List,
    Note,
    Search,
    Evidence,
    Codebook,
    Agreement,
    /// Between sessions: the trash, the follow-ups, or how to start a new session.
    Between,
    Analysis,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Ok,
    Error,
}

/// The message on the status line.
#[derive(Clone, Debug)]
pub struct Status {
    pub text: String,
    pub kind: StatusKind,
}

/// Where to put the cursor and what to highlight once a note asked for from a result opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Jump {
    pub id: SessionId,
    pub cursor: usize,
    /// Ranges to highlight, in chars.
    pub hits: Vec<(usize, usize)>,
}

/// What a component asks of the app: work that crosses components.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Open a session from the list.
    Open(SessionId),
    /// Start a new session.
    NewSession,
    /// Start a new session from `template` and, with `like`, the last session with that
    /// session's agencies (the IO thread makes it; it opens unsaved).
    StartSession {
        template: Option<Box<crate::core::store::Template>>,
        like: Option<SessionId>,
    },
    /// Save the open note now (if it has changes).
    SaveNote,
    /// Open a session from a result (closing the open note first), put the cursor at `jump`
    /// when it arrives, and come back to `from` when it is closed.
    OpenAt {
        jump: Jump,
        title: String,
        from: Screen,
    },
    /// Leave for another screen (Esc on search and evidence): its results are asked for again.
    Show(Screen),
    /// What the index holds changed (it became ready, or a session was re-indexed): ask again
    /// for the results on the screen shown.
    Refresh,
    /// Open the theme picker over the codebook for `purpose` (`top_level`: offer "(top level)"
    /// first).
    Pick {
        purpose: PickFor,
        title: String,
        top_level: bool,
    },
    /// The theme picker closed on `key` (None: "(top level)"): do with it what `purpose` says.
    Picked {
        purpose: PickFor,
        key: Option<String>,
    },
    /// The theme picker closed on a theme not in the codebook yet: ask for its name (offering
    /// `name`), add it as `key`, then use it for `then`.
    PickedNewTheme {
        key: String,
        name: String,
        then: PickFor,
    },
    /// Ask for one line of text for `purpose`, starting from `text`.
    Ask {
        purpose: PromptFor,
        title: String,
        text: String,
    },
    /// The prompt closed with `text`: do with it what `purpose` says.
    Prompted { purpose: PromptFor, text: String },
    /// A passage was coded with this theme: it counts toward the quick keys' ranking and is the
    /// theme that "again" repeats.
    Coded(String),
    /// Show one coder's codings only (None: everyone's).
    ShowCoders(Option<String>),
    /// Esc in the theme picker or a prompt: close it (the prompt, which has the keys, when both
    /// are open) and do nothing.
    CloseOverlay,
    /// Show the search screen with `query` (its sessions when `sessions`, else its passages),
    /// confined to the sessions of `within` when given; Esc there comes back to `back`.
    SearchFor {
        query: String,
        sessions: bool,
        within: Option<Within>,
        back: Screen,
    },
}

/// What is behind an analysis cell, for the search screen: the sessions that have, for some
/// group of `groups`, a passage matching each query of the group (passage mode). The cell's query read in session mode is not
/// always that (`theme:X -theme:sub` there drops sessions that also have a `sub` passage;
/// `theme:X coder:B` finds sessions where anyone coded X), so the search is confined to
/// them while the query shown is still `query`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Within {
    pub query: String,
    pub groups: Vec<Vec<String>>,
    /// Said beside the tabs, e.g. "in the cell's sessions".
    pub label: String,
}

/// What a component's handler may reach outside itself.
pub struct Ctx<'a> {
    /// When the message being handled arrived.
    pub now: Instant,
    /// The terminal's size.
    pub size: (u16, u16),
    /// Why the store cannot be written, if it cannot.
    pub read_only: Option<&'a str>,
    pub effects: &'a mut Effects,
    pub status: &'a mut Option<Status>,
    pub commands: &'a mut Vec<Command>,
    /// Text cut or copied, for pasting inside Ripple.
    pub clipboard: &'a mut String,
}

impl Ctx<'_> {
    pub fn say(&mut self, kind: StatusKind, text: impl Into<String>) {
        *self.status = Some(Status {
            text: text.into(),
            kind,
        });
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.say(StatusKind::Info, text);
    }

    pub fn ok(&mut self, text: impl Into<String>) {
        self.say(StatusKind::Ok, text);
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.say(StatusKind::Error, text);
    }

    pub fn command(&mut self, c: Command) {
        self.commands.push(c);
    }
}

/// What a component's handler left behind, for tests that drive a component without an app.
#[cfg(test)]
#[derive(Default)]
pub struct Harness {
    pub effects: Effects,
    pub status: Option<Status>,
    pub commands: Vec<Command>,
    pub clipboard: String,
}

#[cfg(test)]
impl Harness {
    /// A `Ctx` over this harness on an 80×24 terminal, with a writable store.
    pub fn ctx(&mut self) -> Ctx<'_> {
        self.ctx_read_only(None)
    }

    /// A `Ctx` over this harness on a terminal of `size`, with a writable store.
    pub fn ctx_sized(&mut self, size: (u16, u16)) -> Ctx<'_> {
        let mut ctx = self.ctx_read_only(None);
        ctx.size = size;
        ctx
    }

    /// A `Ctx` over this harness, for a store that is read-only when `read_only` says why.
    pub fn ctx_read_only<'a>(&'a mut self, read_only: Option<&'a str>) -> Ctx<'a> {
        Ctx {
            now: Instant::now(),
            size: (80, 24),
            read_only,
            effects: &mut self.effects,
            status: &mut self.status,
            commands: &mut self.commands,
            clipboard: &mut self.clipboard,
        }
    }

    /// The commands given so far, taken.
    pub fn commands(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.commands)
    }

    /// The status line's text.
    pub fn said(&self) -> &str {
        self.status.as_ref().map_or("", |s| s.text.as_str())
    }
}
