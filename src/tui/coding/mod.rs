//! Qualitative coding in the TUI: state and `impl App` handlers for coding passages (from the
//! editor, in coding mode, in the codings pane), the theme picker, small text prompts, and the
//! codebook screen. Disk work goes through `Request`s like everything else; views are in
//! `views/codings.rs`, `views/picker.rs` and `views/codebook.rs`.
//!
//! One job per file: this one holds the state and the dispatch; `pane` the codings pane and
//! coding mode, `picker` the theme picker, `prompt` the one-line prompts, `codebook_screen`
//! the codebook screen, and `io` saving, loading and watching the coder files.

mod codebook_screen;
mod io;
#[cfg(test)]
mod io_tests;
mod pane;
mod picker;
mod prompt;
#[cfg(test)]
mod tests;

pub use codebook_screen::CodebookScreen;
pub use picker::{PickFor, PickItem, Picker};
pub use prompt::{Prompt, PromptFor};

use crate::core::codebook::{Codebook, Theme};
use crate::core::coding::Coding;
use crate::core::document::NoteDocument;
use crate::tui::app::{App, Pane, Screen, Status, StatusKind};
use crate::tui::effect::Effects;
use crate::tui::keymap::{self, Action, Context};
pub use crate::tui::note::codings::{document, reset_note, CodingWork, NoteCoding};
use crate::tui::text_view::{spans_for_codings, CodedSpan};
use std::collections::BTreeMap;

/// App-wide coding state.
#[derive(Clone, Debug)]
pub struct CodingState {
    /// Who codes (`env.coder`).
    pub coder: String,
    pub codebook: Codebook,
    /// Set when the store's codebook is invalid and the built-in one is in use.
    pub codebook_problem: Option<String>,
    /// Show one coder's codings only (None: everyone's).
    pub filter: Option<String>,
    pub picker: Option<Picker>,
    pub prompt: Option<Prompt>,
    pub last_theme: Option<String>,
    /// Passages per theme key in the store, plus this run's codings: ranks the quick keys.
    pub usage: BTreeMap<String, usize>,
    pub book: CodebookScreen,
}

impl CodingState {
    pub fn new(coder: String) -> CodingState {
        CodingState {
            coder,
            codebook: Codebook::builtin(),
            codebook_problem: None,
            filter: None,
            picker: None,
            prompt: None,
            last_theme: None,
            usage: BTreeMap::new(),
            book: CodebookScreen::default(),
        }
    }

    /// The nine most used themes (most used first; codebook order breaks ties and fills up):
    /// what the quick keys 1–9 mean when a note's keys are first fixed (`App::quick_keys`).
    pub fn quick_themes(&self) -> Vec<&Theme> {
        let mut themes: Vec<(usize, &Theme)> = self.codebook.themes.iter().enumerate().collect();
        themes.sort_by_key(|(i, t)| {
            (
                std::cmp::Reverse(self.usage.get(&t.key).copied().unwrap_or(0)),
                *i,
            )
        });
        themes.into_iter().take(9).map(|(_, t)| t).collect()
    }

    /// Whether a coding passes the coder filter.
    pub fn shows(&self, c: &Coding) -> bool {
        self.filter.as_ref().is_none_or(|f| &c.coder == f)
    }

    /// Spans to draw for the open note.
    pub fn spans(&self, doc: &NoteDocument) -> Vec<CodedSpan> {
        spans_for_codings(
            doc.codings().iter().filter(|c| self.shows(c)),
            &self.codebook,
        )
    }

    /// The codings pane's rows: indices into `doc.codings()`, by position.
    pub fn rows(&self, doc: &NoteDocument) -> Vec<usize> {
        let mut v: Vec<usize> = doc
            .codings()
            .iter()
            .enumerate()
            .filter(|(_, c)| self.shows(c))
            .map(|(i, _)| i)
            .collect();
        let cs = doc.codings();
        v.sort_by_key(|&i| (cs[i].start, cs[i].end, cs[i].theme.clone()));
        v
    }

    pub fn filter_label(&self) -> String {
        match &self.filter {
            None => "all coders".into(),
            Some(c) => format!("coder: {c}"),
        }
    }
}

/// The contexts whose keys this module handles.
pub fn owns(ctx: Context) -> bool {
    matches!(
        ctx,
        Context::Coding | Context::Codings | Context::Picker | Context::Prompt | Context::Codebook
    )
}

/// Whether `action` in `ctx` is handled here (rather than by the app's generic handlers).
pub fn handles(ctx: Context, action: Action) -> bool {
    use Action as A;
    match action {
        A::Quit | A::QuitOrCopy | A::Help | A::Save | A::NextPane | A::PrevPane => false,
        A::ThemePicker
        | A::CodingMode
        | A::QuickTheme(_)
        | A::RepeatTheme
        | A::CoderFilter
        | A::RestoreCodings
        | A::OpenCodebook => true,
        _ => owns(ctx),
    }
}

impl App {
    pub(super) fn set_status(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            kind,
        });
    }

    /// The coding context that has the keys now, if any.
    pub(crate) fn coding_context(&self) -> Option<Context> {
        if self.coding.prompt.is_some() {
            return Some(Context::Prompt);
        }
        if self.coding.picker.is_some() {
            return Some(Context::Picker);
        }
        if self.screen == Screen::Codebook {
            return Some(Context::Codebook);
        }
        if self.screen == Screen::Note {
            let n = self.note.as_ref()?;
            return match n.focus {
                Pane::Codings => Some(Context::Codings),
                Pane::Editor if n.coding.mode => Some(Context::Coding),
                _ => None,
            };
        }
        None
    }

    /// A typed character in the picker or a prompt.
    pub(crate) fn coding_typed(&mut self, c: char) {
        if let Some(p) = &mut self.coding.prompt {
            p.input.insert(c);
        } else if let Some(p) = &mut self.coding.picker {
            p.query.push(c);
            p.refilter();
        }
    }

    /// Pasted text in the picker or a prompt.
    pub(crate) fn coding_paste(&mut self, text: &str) {
        for c in text.chars().filter(|c| !c.is_control()) {
            self.coding_typed(c);
        }
    }

    /// Refuse a coding change (saying why) when the store is read-only, or for the moment
    /// kept codings are being restored (the codings shown are replaced when that lands).
    pub(super) fn refuse_read_only(&mut self) -> bool {
        if let Some(why) = self.read_only.clone() {
            self.set_status(
                StatusKind::Error,
                format!("Read-only, coding is not possible here: {why}"),
            );
            return true;
        }
        if self
            .note
            .as_ref()
            .is_some_and(|n| n.coding.work == CodingWork::Restoring)
        {
            self.set_status(StatusKind::Info, "Restoring the kept codings…");
            return true;
        }
        false
    }

    pub(crate) fn coding_action(&mut self, ctx: Context, action: Action, out: &mut Effects) {
        match ctx {
            Context::Picker => self.picker_action(action, out),
            Context::Prompt => self.prompt_action(action, out),
            Context::Codebook => self.codebook_action(action, out),
            _ => self.pane_action(ctx, action, out),
        }
    }

    /// The key hints shown while coding.
    pub fn coding_hints(&self) -> Option<String> {
        let ctx = self.coding_context()?;
        Some(match ctx {
            Context::Coding => {
                let quick: Vec<String> = self
                    .quick_keys()
                    .iter()
                    .enumerate()
                    .filter_map(|(i, k)| {
                        let key = keymap::key(Context::Coding, Action::QuickTheme(i as u8 + 1));
                        Some(format!("{key} {}", k.as_ref()?))
                    })
                    .collect();
                format!(
                    "CODING {} · {}",
                    keymap::CODING_HINTS.line(),
                    quick.join(" ")
                )
            }
            Context::Codings => keymap::CODINGS_HINTS.line(),
            Context::Picker => keymap::PICKER_HINTS.line(),
            Context::Prompt => keymap::PROMPT_HINTS.line(),
            Context::Codebook => keymap::CODEBOOK_HINTS.line(),
            _ => return None,
        })
    }
}
