//! Qualitative coding in the TUI: the app-wide coding state (who codes, the codebook, the
//! coder filter, how often each theme is used), three components (the theme picker, the
//! one-line prompt and the codebook screen) and the `impl App` glue that crosses them. The
//! codings pane and coding mode are a component of the open note (`note/codings_pane.rs`).
//! Disk work goes through `Request`s like everything else; views are in `views/codings.rs`,
//! `views/picker.rs` and `views/codebook.rs`.
//!
//! One job per file: this one holds the state and the rules every coding change follows;
//! `route` hands keys to the component that has them, `io` saves, loads and watches the coder
//! files. The components own their state and never see `App`: `picker` the theme picker,
//! `prompt` the one-line prompt, `codebook_screen` the codebook screen and its edits,
//! `purpose` what a picker or prompt is for. `answers` carries out what they answer that
//! touches the open note.

mod answers;
mod codebook_screen;
mod io;
#[cfg(test)]
mod io_tests;
mod picker;
mod prompt;
pub(crate) mod purpose;
mod route;
#[cfg(test)]
mod tests;

pub use codebook_screen::{Book, CodebookScreen};
pub use picker::{PickItem, Picker};
pub use prompt::Prompt;
pub use purpose::{PickFor, PromptFor};

use crate::core::codebook::{Codebook, Theme};
use crate::core::coding::Coding;
use crate::core::document::NoteDocument;
use crate::tui::component::{Status, StatusKind};
use crate::tui::keymap::{Action, Context};
pub use crate::tui::note::codings::{document, CodingWork, NoteCoding};
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
    /// what the quick keys 1–9 mean when a note's keys are first fixed
    /// (`codings_pane::quick_keys`).
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

    /// Open the theme picker over the codebook.
    pub fn open_picker(&mut self, purpose: PickFor, title: String, top_level: bool) {
        self.picker = Some(Picker::new(purpose, title, &self.codebook, top_level));
    }

    /// Ask for a line of text, starting from `text`.
    pub fn ask(&mut self, purpose: PromptFor, title: String, text: &str) {
        self.prompt = Some(Prompt::new(purpose, title, text));
    }

    /// Close the prompt, else the picker: the one that has the keys.
    pub fn close_overlay(&mut self) {
        if self.prompt.take().is_none() {
            self.picker = None;
        }
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
        filter_label(self.filter.as_deref())
    }

    /// A passage was coded with `theme`: it counts toward the quick keys' ranking and is the
    /// theme that "again" repeats.
    pub fn coded(&mut self, theme: String) {
        *self.usage.entry(theme.clone()).or_insert(0) += 1;
        self.last_theme = Some(theme);
    }
}

/// Whose codings a coder filter shows, for the status line and the pane's title.
pub fn filter_label(filter: Option<&str>) -> String {
    match filter {
        None => "all coders".into(),
        Some(c) => format!("coder: {c}"),
    }
}

/// Refuse a coding change, saying why on `status`, when the store is read-only or kept codings
/// are being restored (the codings shown are replaced when that lands).
pub fn refuse_change(
    read_only: Option<&str>,
    restoring: bool,
    status: &mut Option<Status>,
) -> bool {
    let (kind, text) = if let Some(why) = read_only {
        (
            StatusKind::Error,
            format!("Read-only, coding is not possible here: {why}"),
        )
    } else if restoring {
        (StatusKind::Info, "Restoring the kept codings…".to_string())
    } else {
        return false;
    };
    *status = Some(Status { text, kind });
    true
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
