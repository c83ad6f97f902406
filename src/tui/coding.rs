//! Qualitative coding in the TUI: state and `impl App` handlers for coding passages (from the
//! editor, in coding mode, in the codings pane), the theme picker, small text prompts, and the
//! codebook screen. Disk work goes through `Request`s like everything else; views are in
//! `views/codings.rs`, `views/picker.rs` and `views/codebook.rs`.

use crate::core::codebook::{Codebook, Theme, PALETTE};
use crate::core::coding::{
    coder_slug, same_coder, AnchorStatus, CoderSessionFile, Coding, CodingId,
};
use crate::core::coding_draft;
use crate::core::coding_store;
use crate::core::document::NoteDocument;
use crate::core::text::one_line;
use crate::tui::app::{App, NoteState, Pane, Screen, Status, StatusKind};
use crate::tui::effect::Effects;
use crate::tui::keymap::{self, Action, Context, Motion};
use crate::tui::text_view::{spans_for_codings, CodedSpan};
use crate::tui::worker::{Request, Response};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::collections::BTreeMap;
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
    /// Nothing is on its way.
    pub fn idle(&self) -> bool {
        matches!(self.work, CodingWork::Idle { .. })
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

/// Who owns a list of themes being picked from, and what Enter does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PickFor {
    /// Code `[start, end)` of the open note.
    NewCoding { start: usize, end: usize },
    /// Change the theme of a coding.
    ChangeTheme(CodingId),
    /// Codebook: new parent of `key` (None item = top level).
    Parent(String),
    /// Codebook: merge `key` into the picked theme.
    MergeInto(String),
    /// Codebook: delete `key`, its passages going to the picked theme.
    Reassign(String),
}

#[derive(Clone, Debug)]
pub struct PickItem {
    /// None: "(top level)".
    pub key: Option<String>,
    /// Not a theme yet: Enter adds it to the codebook (name asked for) and uses it.
    pub create: bool,
    pub depth: usize,
    /// "Parent › Name".
    pub path: String,
    haystack: String,
}

#[derive(Clone, Debug)]
pub struct Picker {
    pub purpose: PickFor,
    pub title: String,
    pub query: String,
    pub items: Vec<PickItem>,
    /// Indices into `items`, best match first.
    pub shown: Vec<usize>,
    pub selected: usize,
}

/// Most ancestors a picker line names before `…`.
const PICKER_PATH_ANCESTORS: usize = 8;

impl Picker {
    pub fn new(purpose: PickFor, title: String, book: &Codebook, top_level: bool) -> Picker {
        let mut items = Vec::new();
        if top_level {
            items.push(PickItem {
                key: None,
                create: false,
                depth: 0,
                path: "(top level: no parent)".into(),
                haystack: "top level none root".into(),
            });
        }
        let hierarchy = book.hierarchy();
        for row in hierarchy.rows() {
            let (depth, t) = (row.depth, row.theme);
            // The nearest ancestors only: a path through a deep (hand-made) chain would make
            // the list quadratic in the number of themes.
            let mut names: Vec<&str> = hierarchy
                .ancestors(&t.key)
                .take(PICKER_PATH_ANCESTORS + 1)
                .map(|a| a.name.as_str())
                .collect();
            if names.len() > PICKER_PATH_ANCESTORS {
                names[PICKER_PATH_ANCESTORS] = "…";
                names.truncate(PICKER_PATH_ANCESTORS + 1);
            }
            names.reverse();
            names.push(&t.name);
            let path = names.join(" › ");
            items.push(PickItem {
                key: Some(t.key.clone()),
                create: false,
                depth,
                haystack: format!("{} {}", t.key, path),
                path,
            });
        }
        let mut p = Picker {
            purpose,
            title,
            query: String::new(),
            shown: Vec::new(),
            items,
            selected: 0,
        };
        p.refilter();
        p
    }

    /// Fuzzy-filter (fzf syntax; accents optional: "dona" finds "Doña").
    pub fn refilter(&mut self) {
        self.items.retain(|it| !it.create);
        let q = self.query.trim();
        let offers_new = matches!(
            self.purpose,
            PickFor::NewCoding { .. } | PickFor::ChangeTheme(_)
        );
        let key = coder_slug(q);
        let exists = self.items.iter().any(|it| it.key.as_deref() == Some(&key));
        if offers_new && !q.is_empty() && !exists && crate::core::codebook::is_valid_key(&key) {
            self.items.push(PickItem {
                path: format!("+ new theme “{q}” (key {key})"),
                haystack: q.to_string(),
                key: Some(key),
                create: true,
                depth: 0,
            });
        }
        if q.is_empty() {
            self.shown = (0..self.items.len()).collect();
        } else {
            let pattern = Pattern::parse(q, CaseMatching::Ignore, Normalization::Smart);
            let mut matcher = Matcher::new(Config::DEFAULT);
            let mut buf = Vec::new();
            let mut scored: Vec<(u32, usize)> = self
                .items
                .iter()
                .enumerate()
                .filter_map(|(i, it)| {
                    pattern
                        .score(Utf32Str::new(&it.haystack, &mut buf), &mut matcher)
                        .map(|s| (s, i))
                })
                .collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            self.shown = scored.into_iter().map(|(_, i)| i).collect();
        }
        // Offering a new theme comes after every existing match.
        let items = &self.items;
        self.shown.sort_by_key(|&i| items[i].create);
        self.selected = 0;
    }

    pub fn highlighted(&self) -> Option<&PickItem> {
        self.shown.get(self.selected).map(|&i| &self.items[i])
    }
}

/// What a one-line prompt is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptFor {
    CodingMemo(CodingId),
    NoteMemo,
    ThemeKey {
        parent: Option<String>,
    },
    ThemeName {
        key: String,
        parent: Option<String>,
    },
    Rename(String),
    Colour(String),
    ConfirmDelete {
        key: String,
        reassign: Option<String>,
    },
    /// Name a theme created from the picker, then use it for `then`.
    NewThemeName {
        key: String,
        then: PickFor,
    },
}

#[derive(Clone, Debug)]
pub struct Prompt {
    pub purpose: PromptFor,
    pub title: String,
    pub text: String,
    /// Cursor, in chars.
    pub cursor: usize,
}

impl Prompt {
    pub fn new(purpose: PromptFor, title: impl Into<String>, text: &str) -> Prompt {
        Prompt {
            purpose,
            title: title.into(),
            cursor: text.chars().count(),
            text: text.to_string(),
        }
    }
    fn byte(&self, ch: usize) -> usize {
        self.text
            .char_indices()
            .nth(ch)
            .map_or(self.text.len(), |(b, _)| b)
    }
    pub fn insert(&mut self, c: char) {
        let b = self.byte(self.cursor);
        self.text.insert(b, c);
        self.cursor += 1;
    }
    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            let b = self.byte(self.cursor);
            self.text.remove(b);
        }
    }
    pub fn delete(&mut self) {
        if self.cursor < self.text.chars().count() {
            let b = self.byte(self.cursor);
            self.text.remove(b);
        }
    }
}

/// The codebook screen.
#[derive(Clone, Debug, Default)]
pub struct CodebookScreen {
    pub selected: usize,
    /// Passages per theme key (all coders), from the last scan.
    pub counts: BTreeMap<String, usize>,
    pub counted: bool,
    /// An edit is being written.
    pub saving: bool,
}

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

/// A document over `text` with these coder files' codings.
pub fn document(text: &str, files: Vec<CoderSessionFile>) -> NoteDocument {
    NoteDocument::from_files(text, files)
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

fn trim_range(doc: &NoteDocument, start: usize, end: usize) -> (usize, usize) {
    let ed = doc.editor();
    let (mut s, mut e) = (start, end);
    while s < e && ed.rope().char(s).is_whitespace() {
        s += 1;
    }
    while e > s && ed.rope().char(e - 1).is_whitespace() {
        e -= 1;
    }
    (s, e)
}

impl App {
    fn set_status(&mut self, kind: StatusKind, text: impl Into<String>) {
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
            p.insert(c);
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
    fn refuse_read_only(&mut self) -> bool {
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
            Context::Picker => return self.picker_action(action, out),
            Context::Prompt => return self.prompt_action(action, out),
            Context::Codebook => return self.codebook_action(action, out),
            _ => {}
        }
        match action {
            Action::OpenCodebook => self.open_codebook(out),
            Action::CodingMode => self.toggle_coding_mode(),
            Action::CoderFilter => self.cycle_coder_filter(),
            Action::ThemePicker => self.open_theme_picker(ctx),
            Action::QuickTheme(n) => {
                self.fix_quick_keys();
                let key = self
                    .quick_keys()
                    .get(n as usize - 1)
                    .cloned()
                    .flatten()
                    .filter(|k| self.coding.codebook.get(k).is_some());
                match key {
                    Some(k) => self.code_selection(&k, ctx),
                    None => self.set_status(StatusKind::Error, format!("No theme {n}")),
                }
            }
            Action::RepeatTheme => match self.coding.last_theme.clone() {
                Some(k) => self.code_selection(&k, ctx),
                None => self.set_status(
                    StatusKind::Error,
                    format!(
                        "No theme used yet: choose one with {} ({} in the editor)",
                        keymap::key(Context::Coding, Action::ThemePicker),
                        keymap::key(Context::Editor, Action::ThemePicker)
                    ),
                ),
            },
            Action::Undo | Action::Redo => {
                if self.refuse_read_only() {
                    return;
                }
                if let Some(n) = &mut self.note {
                    if action == Action::Undo {
                        n.doc.undo();
                    } else {
                        n.doc.redo();
                    }
                    n.last_input = self.now;
                }
            }
            Action::RestoreCodings => self.restore_coding_draft(out),
            Action::RemoveCoding => self.remove_coding(),
            Action::CodingMemo => self.edit_coding_memo(),
            Action::NoteMemo => {
                let coder = self.coding.coder.clone();
                if let Some(n) = &self.note {
                    let memo = n.doc.note_memo(&coder).to_string();
                    self.coding.prompt = Some(Prompt::new(
                        PromptFor::NoteMemo,
                        format!("Your memo on this note ({coder})"),
                        &memo,
                    ));
                }
            }
            Action::Back => self.coding_back(ctx),
            Action::SelectMark => {
                if let Some(n) = &mut self.note {
                    let ed = n.doc.editor_mut();
                    if n.coding.visual || ed.selection().is_some() {
                        ed.clear_selection();
                        n.coding.visual = false;
                    } else {
                        let c = ed.cursor();
                        ed.set_selection(c, c);
                        n.coding.visual = true;
                    }
                }
            }
            Action::SelectSentence | Action::SelectParagraph => {
                if let Some(n) = &mut self.note {
                    let ed = n.doc.editor_mut();
                    let c = ed.cursor();
                    let r = if action == Action::SelectSentence {
                        ed.sentence_at(c)
                    } else {
                        ed.paragraph_at(c)
                    };
                    if let Some((s, e)) = r {
                        ed.set_selection(s, e);
                        n.coding.visual = true;
                    }
                }
            }
            Action::CodeMove(m) => self.coding_motion(m),
            Action::Left(_)
            | Action::Right(_)
            | Action::LineUp(_)
            | Action::LineDown(_)
            | Action::WordLeft(_)
            | Action::WordRight(_) => {
                if let Some(n) = &mut self.note {
                    let width = n.view.wrap_width();
                    n.coding.visual = true;
                    let ed = n.doc.editor_mut();
                    match action {
                        Action::Left(_) => ed.move_left(true),
                        Action::Right(_) => ed.move_right(true),
                        Action::LineUp(_) => ed.move_up(width, true),
                        Action::LineDown(_) => ed.move_down(width, true),
                        Action::WordLeft(_) => ed.move_word_left(true),
                        _ => ed.move_word_right(true),
                    }
                }
            }
            Action::Up | Action::Down | Action::First | Action::Last => {
                let rows = match &self.note {
                    Some(n) => self.coding.rows(&n.doc).len(),
                    None => 0,
                };
                if let Some(n) = &mut self.note {
                    let sel = &mut n.coding.selected;
                    *sel = match action {
                        Action::Up => sel.saturating_sub(1),
                        Action::Down => (*sel + 1).min(rows.saturating_sub(1)),
                        Action::First => 0,
                        _ => rows.saturating_sub(1),
                    };
                }
                self.preview_highlighted();
            }
            Action::JumpToCoding => {
                if let Some((c, _)) = self.highlighted_coding() {
                    let n = self.note.as_mut().expect("a coding implies a note");
                    if c.status == AnchorStatus::Orphaned {
                        self.set_status(
                            StatusKind::Info,
                            format!(
                                "Orphaned: its words “{}” are no longer in the note. Select new words in the editor and press {} here, or {} to discard it",
                                one_line(&c.quote, 40),
                                keymap::key(Context::Codings, Action::ReattachOrphan),
                                keymap::key(Context::Codings, Action::RemoveCoding)
                            ),
                        );
                        return;
                    }
                    n.doc.editor_mut().set_selection(c.start, c.end);
                    n.focus = Pane::Editor;
                }
            }
            Action::ReattachOrphan => self.reattach_orphan(),
            _ => {}
        }
    }

    /// Scroll the note so the highlighted coding's passage is on screen (the cursor and
    /// selection stay where they are).
    fn preview_highlighted(&mut self) {
        let Some((c, _)) = self.highlighted_coding() else {
            return;
        };
        if c.status != AnchorStatus::Attached {
            return;
        }
        let Some(n) = &mut self.note else { return };
        let rope = n.doc.editor().rope();
        let line = rope.char_to_line(c.start.min(rope.len_chars()));
        let page = n.view.page_rows().max(1);
        if line < n.view.top_line || line >= n.view.top_line + page {
            n.view.top_line = line.saturating_sub(1);
            n.view.top_row = 0;
        }
    }

    fn coding_back(&mut self, ctx: Context) {
        let Some(n) = &mut self.note else { return };
        match ctx {
            Context::Coding => {
                // Only a selection you can see takes an Esc of its own: after `v`, before any
                // motion, the selection is empty (an anchor at the cursor, nothing drawn), so
                // Esc drops it and leaves coding mode at once.
                let visible = n.doc.editor().selection().is_some();
                n.doc.editor_mut().clear_selection();
                n.coding.visual = false;
                if !visible {
                    n.coding.mode = false;
                    self.set_status(StatusKind::Info, "Left coding mode");
                }
            }
            _ => n.focus = Pane::Editor,
        }
    }

    /// The theme keys of the quick keys 1–9 (None: that key has no theme): the open note's
    /// fixed keys once fixed, else the current ranking.
    pub fn quick_keys(&self) -> Vec<Option<String>> {
        match self.note.as_ref().and_then(|n| n.coding.quick.as_ref()) {
            Some(fixed) => fixed.clone(),
            None => self
                .coding
                .quick_themes()
                .into_iter()
                .map(|t| Some(t.key.clone()))
                .collect(),
        }
    }

    /// Fix the open note's quick keys to the current ranking if they are not yet: they then
    /// keep their meaning until the note is closed. A theme added to a codebook of fewer than
    /// nine themes takes the next free key; no key ever changes to another theme.
    fn fix_quick_keys(&mut self) {
        let ranked: Vec<String> = self
            .coding
            .quick_themes()
            .into_iter()
            .map(|t| t.key.clone())
            .collect();
        let book = &self.coding.codebook;
        let Some(n) = &mut self.note else { return };
        let fixed = n.coding.quick.get_or_insert_with(Vec::new);
        for slot in fixed.iter_mut() {
            if slot.as_ref().is_some_and(|k| book.get(k).is_none()) {
                *slot = None;
            }
        }
        for k in ranked {
            if fixed.len() >= 9 {
                break;
            }
            if !fixed.iter().flatten().any(|f| *f == k) {
                fixed.push(Some(k));
            }
        }
    }

    fn toggle_coding_mode(&mut self) {
        if self.note.as_ref().is_some_and(|n| !n.coding.mode) {
            self.fix_quick_keys();
        }
        let Some(n) = &mut self.note else { return };
        n.focus = Pane::Editor;
        n.coding.mode = !n.coding.mode;
        if n.doc.editor().selection().is_none() {
            // An empty selection started with `v` is not carried in or out of coding mode.
            n.doc.editor_mut().clear_selection();
        }
        n.coding.visual = n.doc.editor().selection().is_some();
        n.doc.break_undo_group();
        let msg = if n.coding.mode {
            format!(
                "Coding mode: the note is read-only. {}",
                keymap::CODING_START_HINTS.line()
            )
        } else {
            "Left coding mode".to_string()
        };
        self.set_status(StatusKind::Info, msg);
    }

    fn cycle_coder_filter(&mut self) {
        let mut coders: Vec<String> = vec![self.coding.coder.clone()];
        if let Some(n) = &self.note {
            for c in n.doc.codings() {
                if !coders.contains(&c.coder) {
                    coders.push(c.coder.clone());
                }
            }
        }
        coders[1..].sort();
        self.coding.filter = match &self.coding.filter {
            None => Some(coders[0].clone()),
            Some(cur) => {
                let i = coders.iter().position(|c| c == cur).unwrap_or(0);
                coders.get(i + 1).cloned()
            }
        };
        if let Some(n) = &mut self.note {
            n.coding.selected = 0;
        }
        let label = self.coding.filter_label();
        self.set_status(StatusKind::Info, format!("Showing codings of {label}"));
    }

    fn coding_motion(&mut self, m: Motion) {
        let Some(n) = &mut self.note else { return };
        let width = n.view.wrap_width();
        let x = n.coding.visual;
        let ed = n.doc.editor_mut();
        match m {
            Motion::Left => ed.move_left(x),
            Motion::Right => ed.move_right(x),
            Motion::Up => ed.move_up(width, x),
            Motion::Down => ed.move_down(width, x),
            Motion::WordNext => ed.move_word_right(x),
            Motion::WordPrev => ed.move_word_left(x),
            Motion::SentenceNext => ed.move_sentence_end(x),
            Motion::SentencePrev => ed.move_sentence_start(x),
            Motion::ParagraphNext => ed.move_paragraph_end(x),
            Motion::ParagraphPrev => ed.move_paragraph_start(x),
            Motion::LineStart => ed.move_home(width, x),
            Motion::LineEnd => ed.move_end(width, x),
            Motion::DocStart => ed.move_doc_start(x),
            Motion::DocEnd => ed.move_doc_end(x),
        }
    }

    /// The passage to code: the selection; in coding mode without one, the sentence under the
    /// cursor.
    fn passage(&self, ctx: Context) -> Option<(usize, usize)> {
        let n = self.note.as_ref()?;
        let ed = n.doc.editor();
        let r = ed.selection().or_else(|| {
            if ctx == Context::Coding {
                ed.sentence_at(ed.cursor())
            } else {
                None
            }
        })?;
        let (s, e) = trim_range(&n.doc, r.0, r.1);
        (s < e).then_some((s, e))
    }

    /// The coding the current context points at: the highlighted row of the codings pane, or
    /// (in the editor) the shortest visible coding under the cursor, preferring your own.
    fn highlighted_coding(&self) -> Option<(Coding, usize)> {
        let n = self.note.as_ref()?;
        if n.focus == Pane::Codings {
            let rows = self.coding.rows(&n.doc);
            let i = *rows.get(n.coding.selected.min(rows.len().saturating_sub(1)))?;
            return Some((n.doc.codings()[i].clone(), i));
        }
        let at = n.doc.editor().cursor();
        let mut here: Vec<&Coding> = n
            .doc
            .codings_at(at)
            .into_iter()
            .filter(|c| self.coding.shows(c))
            .collect();
        if here.is_empty() && at > 0 {
            here = n
                .doc
                .codings_at(at - 1)
                .into_iter()
                .filter(|c| self.coding.shows(c))
                .collect();
        }
        here.sort_by_key(|c| c.coder != self.coding.coder);
        let c = here.first()?;
        let i = n.doc.codings().iter().position(|x| x.id == c.id)?;
        Some(((*c).clone(), i))
    }

    /// The highlighted coding, if you may change it: the store is writable, a coding is
    /// highlighted and it is yours. Otherwise the status line says why not.
    fn my_highlighted_coding(&mut self) -> Option<Coding> {
        if self.refuse_read_only() {
            return None;
        }
        let Some((c, _)) = self.highlighted_coding() else {
            self.set_status(StatusKind::Info, "No coding here");
            return None;
        };
        self.mine(&c).then_some(c)
    }

    fn mine(&mut self, c: &Coding) -> bool {
        if !same_coder(&c.coder, &self.coding.coder) {
            self.set_status(
                StatusKind::Error,
                format!(
                    "That coding is {}'s; you code as {} ({})",
                    c.coder,
                    self.coding.coder,
                    keymap::hints(
                        Context::Codings,
                        &[keymap::Hint::All(Action::CoderFilter, "shows only yours")]
                    )
                ),
            );
            return false;
        }
        true
    }

    fn open_theme_picker(&mut self, ctx: Context) {
        let fallback = self.coding.codebook_problem.is_some();
        let (purpose, title) = if ctx == Context::Codings {
            let Some(c) = self.my_highlighted_coding() else {
                return;
            };
            (
                PickFor::ChangeTheme(c.id.clone()),
                format!("New theme for “{}”", one_line(&c.quote, 30)),
            )
        } else {
            if self.refuse_read_only() {
                return;
            }
            let Some((s, e)) = self.passage(ctx) else {
                self.set_status(
                    StatusKind::Error,
                    "Select a passage first (Shift+arrows, mouse drag; in coding mode v or s)",
                );
                return;
            };
            let quote = self
                .note
                .as_ref()
                .map(|n| n.doc.editor().slice(s, e))
                .unwrap_or_default();
            (
                PickFor::NewCoding { start: s, end: e },
                format!("Code “{}”", one_line(&quote, 30)),
            )
        };
        let title = if fallback {
            format!("{title} (built-in codebook: the store's is invalid)")
        } else {
            title
        };
        self.coding.picker = Some(Picker::new(purpose, title, &self.coding.codebook, false));
    }

    /// Code the passage of `ctx` with `theme`.
    fn code_selection(&mut self, theme: &str, ctx: Context) {
        if self.refuse_read_only() {
            return;
        }
        let Some((s, e)) = self.passage(ctx) else {
            self.set_status(
                StatusKind::Error,
                "Select a passage first (Shift+arrows, mouse drag; in coding mode v or s)",
            );
            return;
        };
        self.add_coding(s, e, theme, ctx == Context::Coding);
    }

    fn add_coding(&mut self, s: usize, e: usize, theme: &str, keep_selection: bool) {
        let coder = self.coding.coder.clone();
        let name = self
            .coding
            .codebook
            .get(theme)
            .map_or(theme.to_string(), |t| t.name.clone());
        let Some(n) = &mut self.note else { return };
        let text = n.doc.text();
        let coding = match coding_store::new_coding(&text, &n.meta.id, s, e, theme, &coder, "") {
            Ok(c) => c,
            Err(err) => {
                self.set_status(StatusKind::Error, err.to_string());
                return;
            }
        };
        let quote = one_line(&coding.quote, 40);
        match n.doc.add_coding(coding) {
            Ok(()) => {}
            Err(crate::core::document::DocumentError::Duplicate { id, .. }) => {
                self.set_status(
                    StatusKind::Info,
                    format!(
                        "Already coded as {name}: your coding {} · nothing added",
                        coding_store::short_id(&id)
                    ),
                );
                return;
            }
            Err(err) => {
                self.set_status(StatusKind::Error, err.to_string());
                return;
            }
        }
        n.last_input = self.now;
        if !keep_selection {
            n.doc.editor_mut().clear_selection();
        }
        *self.coding.usage.entry(theme.to_string()).or_insert(0) += 1;
        self.coding.last_theme = Some(theme.to_string());
        let hint = if self.coding.codebook_problem.is_some() {
            " (built-in codebook: the store's is invalid)"
        } else {
            ""
        };
        self.set_status(
            StatusKind::Ok,
            format!(
                "Coded “{quote}” as {name}{hint} · {} undoes",
                keymap::key(Context::Editor, Action::Undo)
            ),
        );
    }

    fn remove_coding(&mut self) {
        let Some(c) = self.my_highlighted_coding() else {
            return;
        };
        let Some(n) = &mut self.note else { return };
        if let Err(e) = n.doc.remove_coding(&c.id) {
            self.set_status(StatusKind::Error, e.to_string());
            return;
        }
        n.last_input = self.now;
        let rows = self.coding.rows(&n.doc).len();
        n.coding.selected = n.coding.selected.min(rows.saturating_sub(1));
        self.set_status(
            StatusKind::Ok,
            format!(
                "Removed {} from “{}” · {} undoes",
                c.theme,
                one_line(&c.quote, 40),
                keymap::key(Context::Editor, Action::Undo)
            ),
        );
    }

    fn edit_coding_memo(&mut self) {
        let Some(c) = self.my_highlighted_coding() else {
            return;
        };
        self.coding.prompt = Some(Prompt::new(
            PromptFor::CodingMemo(c.id.clone()),
            format!("Memo on {} “{}”", c.theme, one_line(&c.quote, 30)),
            &c.memo,
        ));
    }

    fn reattach_orphan(&mut self) {
        if self.refuse_read_only() {
            return;
        }
        let Some((c, _)) = self.highlighted_coding() else {
            return;
        };
        if c.status != AnchorStatus::Orphaned {
            self.set_status(
                StatusKind::Info,
                "This coding is attached; a re-attaches orphaned codings only",
            );
            return;
        }
        if !self.mine(&c) {
            return;
        }
        let Some(n) = &mut self.note else { return };
        let Some((s, e)) = n.doc.editor().selection() else {
            self.set_status(
                StatusKind::Error,
                format!(
                    "Select the words in the editor first ({tab} back there, select, {tab} here, {})",
                    keymap::key(Context::Codings, Action::ReattachOrphan),
                    tab = keymap::key(Context::Editor, Action::NextPane)
                ),
            );
            return;
        };
        let (s, e) = trim_range(&n.doc, s, e);
        match n.doc.set_coding_range(&c.id, s, e) {
            Ok(()) => {
                n.last_input = self.now;
                self.set_status(
                    StatusKind::Ok,
                    format!(
                        "Re-attached · {} undoes",
                        keymap::key(Context::Editor, Action::Undo)
                    ),
                );
            }
            Err(err) => self.set_status(StatusKind::Error, err.to_string()),
        }
    }

    // ---- picker ----

    fn picker_action(&mut self, action: Action, out: &mut Effects) {
        let Some(p) = &mut self.coding.picker else {
            return;
        };
        let len = p.shown.len();
        match action {
            Action::Up => p.selected = p.selected.saturating_sub(1),
            Action::Down => p.selected = (p.selected + 1).min(len.saturating_sub(1)),
            Action::PageUp => p.selected = p.selected.saturating_sub(10),
            Action::PageDown => p.selected = (p.selected + 10).min(len.saturating_sub(1)),
            Action::Backspace => {
                p.query.pop();
                p.refilter();
            }
            Action::ClearFilter => {
                p.query.clear();
                p.refilter();
            }
            Action::Cancel | Action::Back => self.coding.picker = None,
            Action::Accept => {
                let Some(item) = p.highlighted().cloned() else {
                    return;
                };
                let picker = self.coding.picker.take().expect("picker open");
                if item.create {
                    self.offer_new_theme(item, picker);
                    return;
                }
                self.picked(picker.purpose, item.key, out);
            }
            _ => {}
        }
    }

    fn offer_new_theme(&mut self, item: PickItem, picker: Picker) {
        if let Some(p) = self.coding.codebook_problem.clone() {
            self.set_status(
                StatusKind::Error,
                format!("Fix the store's codebook first ({p}); a new theme would overwrite it"),
            );
            return;
        }
        let key = item.key.expect("a new theme has a key");
        let name = picker.query.trim().to_string();
        self.coding.prompt = Some(Prompt::new(
            PromptFor::NewThemeName {
                key: key.clone(),
                then: picker.purpose,
            },
            format!("Name of the new theme `{key}` (added to the codebook)"),
            &name,
        ));
    }

    fn picked(&mut self, purpose: PickFor, key: Option<String>, out: &mut Effects) {
        match (purpose, key) {
            (PickFor::NewCoding { start, end }, Some(k)) => {
                let keep = self.note.as_ref().is_some_and(|n| n.coding.mode);
                self.add_coding(start, end, &k, keep);
            }
            (PickFor::ChangeTheme(id), Some(k)) => {
                let Some(n) = &mut self.note else { return };
                match n.doc.set_theme(&id, &k) {
                    Ok(()) => {
                        n.last_input = self.now;
                        self.coding.last_theme = Some(k.clone());
                        self.set_status(
                            StatusKind::Ok,
                            format!(
                                "Theme is now {k} · {} undoes",
                                keymap::key(Context::Editor, Action::Undo)
                            ),
                        );
                    }
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            (PickFor::Parent(key), parent) => {
                let mut book = self.coding.codebook.clone();
                match book.move_under(&key, parent.as_deref()) {
                    Ok(()) => {
                        let done = match &parent {
                            Some(p) => format!("Moved {key} under {p}"),
                            None => format!("Moved {key} to the top level"),
                        };
                        self.save_codebook(book, None, None, done, out);
                    }
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            (PickFor::MergeInto(from), Some(into)) => {
                let mut book = self.coding.codebook.clone();
                match book.merge(&from, &into) {
                    Ok(remap) => self.save_codebook(
                        book,
                        Some(remap),
                        None,
                        format!("Merged {from} into {into}"),
                        out,
                    ),
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            (PickFor::Reassign(key), Some(to)) => {
                let n = self.coding.book.counts.get(&key).copied().unwrap_or(0);
                self.coding.prompt = Some(Prompt::new(
                    PromptFor::ConfirmDelete {
                        key: key.clone(),
                        reassign: Some(to.clone()),
                    },
                    format!("Delete {key} and move its {n} passage(s) to {to}? Type yes"),
                    "",
                ));
            }
            _ => {}
        }
    }

    // ---- prompt ----

    fn prompt_action(&mut self, action: Action, out: &mut Effects) {
        let Some(p) = &mut self.coding.prompt else {
            return;
        };
        match action {
            Action::Backspace => p.backspace(),
            Action::Delete => p.delete(),
            Action::Left(_) => p.cursor = p.cursor.saturating_sub(1),
            Action::Right(_) => p.cursor = (p.cursor + 1).min(p.text.chars().count()),
            Action::LineStart(_) => p.cursor = 0,
            Action::LineEnd(_) => p.cursor = p.text.chars().count(),
            Action::ClearFilter => {
                p.text.clear();
                p.cursor = 0;
            }
            Action::Cancel | Action::Back => self.coding.prompt = None,
            Action::Accept => {
                let p = self.coding.prompt.take().expect("prompt open");
                self.prompt_done(p, out);
            }
            _ => {}
        }
    }

    fn prompt_done(&mut self, p: Prompt, out: &mut Effects) {
        let text = p.text.trim().to_string();
        match p.purpose {
            PromptFor::CodingMemo(id) => {
                let Some(n) = &mut self.note else { return };
                match n.doc.set_coding_memo(&id, &text) {
                    Ok(()) => {
                        n.last_input = self.now;
                        self.set_status(
                            StatusKind::Ok,
                            format!(
                                "Memo kept · {} undoes",
                                keymap::key(Context::Editor, Action::Undo)
                            ),
                        );
                    }
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            PromptFor::NoteMemo => {
                let coder = self.coding.coder.clone();
                if self.refuse_read_only() {
                    return;
                }
                let Some(n) = &mut self.note else { return };
                n.doc.set_note_memo(&coder, &text);
                n.last_input = self.now;
                self.set_status(
                    StatusKind::Ok,
                    format!(
                        "Note memo kept · {} undoes",
                        keymap::key(Context::Editor, Action::Undo)
                    ),
                );
            }
            PromptFor::ThemeKey { parent } => {
                let key = text.to_lowercase();
                if !crate::core::codebook::is_valid_key(&key) {
                    self.set_status(
                        StatusKind::Error,
                        format!("`{key}` is not a valid key: use a-z, 0-9 and -"),
                    );
                    return;
                }
                if self.coding.codebook.get(&key).is_some() {
                    self.set_status(StatusKind::Error, format!("`{key}` exists already"));
                    return;
                }
                let name = {
                    let mut c = key.replace('-', " ").chars().collect::<Vec<_>>();
                    if let Some(f) = c.first_mut() {
                        *f = f.to_ascii_uppercase();
                    }
                    c.into_iter().collect::<String>()
                };
                self.coding.prompt = Some(Prompt::new(
                    PromptFor::ThemeName { key, parent },
                    "Name of the new theme",
                    &name,
                ));
            }
            PromptFor::ThemeName { key, parent } => {
                let mut book = self.coding.codebook.clone();
                let mut t = Theme::new(&key, &text, &book.suggest_colour());
                t.parent = parent;
                match book.add(t) {
                    Ok(()) => self.save_codebook(book, None, None, format!("Added {key}"), out),
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            PromptFor::Rename(key) => {
                let mut book = self.coding.codebook.clone();
                match book.rename(&key, &text) {
                    Ok(()) => self.save_codebook(book, None, None, format!("Renamed {key}"), out),
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            PromptFor::Colour(key) => {
                let colour = if text.starts_with('#') {
                    text
                } else {
                    format!("#{text}")
                };
                let mut book = self.coding.codebook.clone();
                match book.recolour(&key, &colour) {
                    Ok(()) => {
                        self.save_codebook(book, None, None, format!("{key} is now {colour}"), out)
                    }
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            PromptFor::NewThemeName { key, then } => {
                let mut book = self.coding.codebook.clone();
                let name = if text.is_empty() { key.clone() } else { text };
                match book.add(Theme::new(&key, &name, &book.suggest_colour())) {
                    Ok(()) => {
                        // Shown at once; if writing the codebook fails it is read back.
                        self.coding.codebook = book.clone();
                        self.save_codebook(book, None, None, format!("Added theme {key}"), out);
                        self.picked(then, Some(key), out);
                    }
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            PromptFor::ConfirmDelete { key, reassign } => {
                if !text.eq_ignore_ascii_case("yes") && !text.eq_ignore_ascii_case("y") {
                    self.set_status(StatusKind::Info, format!("{key} kept"));
                    return;
                }
                let n = self.coding.book.counts.get(&key).copied().unwrap_or(0);
                let mut book = self.coding.codebook.clone();
                match book.delete(&key, reassign.as_deref(), n) {
                    Ok(remap) => {
                        let check = remap.is_none().then(|| key.clone());
                        self.save_codebook(book, remap, check, format!("Deleted {key}"), out)
                    }
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
        }
    }

    // ---- codebook screen ----

    fn open_codebook(&mut self, out: &mut Effects) {
        self.screen = Screen::Codebook;
        self.coding.book.counted = false;
        out.push(Request::CountCodings);
        if let Some(p) = &self.coding.codebook_problem {
            let p = p.clone();
            self.set_status(
                StatusKind::Error,
                format!(
                    "The store's codebook is invalid ({p}); showing the built-in one, read-only"
                ),
            );
        } else {
            self.status = None;
        }
    }

    fn book_selected(&self) -> Option<String> {
        self.coding
            .codebook
            .tree()
            .get(self.coding.book.selected)
            .map(|(_, t)| t.key.clone())
    }

    fn codebook_action(&mut self, action: Action, out: &mut Effects) {
        let len = self.coding.codebook.themes.len();
        let sel = &mut self.coding.book.selected;
        match action {
            Action::Up => {
                *sel = sel.saturating_sub(1);
                return;
            }
            Action::Down => {
                *sel = (*sel + 1).min(len.saturating_sub(1));
                return;
            }
            Action::First => {
                *sel = 0;
                return;
            }
            Action::Last => {
                *sel = len.saturating_sub(1);
                return;
            }
            Action::Back | Action::Cancel => {
                self.screen = Screen::List;
                out.push(Request::Scan);
                return;
            }
            _ => {}
        }
        if self.refuse_read_only() {
            return;
        }
        if let Some(p) = self.coding.codebook_problem.clone() {
            self.set_status(
                StatusKind::Error,
                format!("Fix the store's codebook first ({p}); edits here would overwrite it"),
            );
            return;
        }
        if self.coding.book.saving {
            self.set_status(StatusKind::Info, "Still saving the last change…");
            return;
        }
        let Some(key) = self.book_selected() else {
            if action == Action::ThemeAdd {
                self.coding.prompt = Some(Prompt::new(
                    PromptFor::ThemeKey { parent: None },
                    "Key of the new theme (a-z, 0-9, -)",
                    "",
                ));
            }
            return;
        };
        let theme = self.coding.codebook.get(&key).cloned().expect("selected");
        match action {
            Action::ThemeAdd => {
                self.coding.prompt = Some(Prompt::new(
                    PromptFor::ThemeKey {
                        parent: theme.parent.clone(),
                    },
                    format!(
                        "Key of the new theme{} (a-z, 0-9, -)",
                        theme
                            .parent
                            .as_ref()
                            .map(|p| format!(" under {p}"))
                            .unwrap_or_default()
                    ),
                    "",
                ))
            }
            Action::ThemeRename => {
                self.coding.prompt = Some(Prompt::new(
                    PromptFor::Rename(key.clone()),
                    format!("New name for {key}"),
                    &theme.name,
                ))
            }
            Action::ThemeColourTyped => {
                self.coding.prompt = Some(Prompt::new(
                    PromptFor::Colour(key.clone()),
                    format!("Colour for {key} (#rrggbb)"),
                    &theme.colour,
                ))
            }
            Action::ThemeRecolour => {
                let cur = theme.colour.to_ascii_lowercase();
                let i = PALETTE.iter().position(|c| *c == cur);
                let next = PALETTE[i.map_or(0, |i| (i + 1) % PALETTE.len())];
                let mut book = self.coding.codebook.clone();
                match book.recolour(&key, next) {
                    Ok(()) => {
                        self.save_codebook(book, None, None, format!("{key} is now {next}"), out)
                    }
                    Err(e) => self.set_status(StatusKind::Error, e.to_string()),
                }
            }
            Action::ThemeParent => {
                self.coding.picker = Some(Picker::new(
                    PickFor::Parent(key.clone()),
                    format!("Move {key} under…"),
                    &self.coding.codebook,
                    true,
                ))
            }
            Action::ThemeMerge => {
                self.coding.picker = Some(Picker::new(
                    PickFor::MergeInto(key.clone()),
                    format!("Merge {key} into… (its passages move there)"),
                    &self.coding.codebook,
                    false,
                ))
            }
            Action::ThemeDelete => {
                if !self.coding.book.counted {
                    self.set_status(StatusKind::Info, "Still counting passages; try again");
                    return;
                }
                let n = self.coding.book.counts.get(&key).copied().unwrap_or(0);
                if n > 0 {
                    self.coding.picker = Some(Picker::new(
                        PickFor::Reassign(key.clone()),
                        format!("{key} codes {n} passage(s): move them to…"),
                        &self.coding.codebook,
                        false,
                    ));
                } else {
                    self.coding.prompt = Some(Prompt::new(
                        PromptFor::ConfirmDelete {
                            key: key.clone(),
                            reassign: None,
                        },
                        format!("Delete {key} (no passages)? Type yes"),
                        "",
                    ));
                }
            }
            _ => {}
        }
    }

    fn save_codebook(
        &mut self,
        book: Codebook,
        remap: Option<crate::core::codebook::ThemeRemap>,
        require_unused: Option<String>,
        done: String,
        out: &mut Effects,
    ) {
        self.coding.book.saving = true;
        self.set_status(StatusKind::Info, "Saving the codebook…");
        out.push(Request::SaveCodebook {
            codebook: Box::new(book),
            remap,
            require_unused,
            done,
        });
    }

    // ---- saving and loading ----

    /// Send changed coder files to disk (nothing while a write is in flight, nor while the coder
    /// files are being restored or re-read: that would write over what lands; saving is tried
    /// again then).
    pub(crate) fn save_codings(&mut self, out: &mut Effects) {
        if self.read_only.is_some() {
            return;
        }
        let Some(n) = &mut self.note else { return };
        let CodingWork::Idle { reread } = n.coding.work else {
            return;
        };
        if !n.coding.dirty(&n.doc) {
            return;
        }
        // Your file only: other coders' codings moved by typing are theirs to write.
        let file = n.doc.coder_file(&n.meta.id, &self.coding.coder);
        let version = n.doc.coding_version();
        n.coding.work = CodingWork::Saving {
            version,
            superseded: false,
            reread,
        };
        out.push(Request::SaveCodings {
            id: n.meta.id.clone(),
            file: Box::new(file),
            version,
            holds_draft: n.coding.kept_draft.is_none(),
        });
    }

    /// Leaving although a save failed: keep your unsaved codings and memo of the open note in
    /// a coding draft. None when they are all on disk.
    pub(crate) fn my_coding_draft_request(&self) -> Option<Request> {
        let n = self.note.as_ref()?;
        let me = &self.coding.coder;
        if !n
            .doc
            .codings_changed_since(n.coding.saved_version)
            .contains(me)
        {
            return None;
        }
        Some(Request::WriteCodingDraft {
            file: Box::new(n.doc.coder_file(&n.meta.id, me)),
            holds_draft: n.coding.kept_draft.is_none(),
        })
    }

    /// A note was opened: if an earlier run kept your codings of it in a draft, say so and
    /// how to restore them.
    pub(crate) fn offer_coding_draft(&mut self, drafts: Vec<coding_draft::CodingDraft>) {
        let me = coder_slug(&self.coding.coder);
        let Some(d) = drafts
            .into_iter()
            .filter(|d| coder_slug(&d.file.coder) == me)
            .max_by_key(|d| d.written)
        else {
            return;
        };
        let Some(n) = &mut self.note else { return };
        let when: chrono::DateTime<chrono::Local> = d.written.into();
        let text = format!(
            "{} restores the {} coding(s) you could not save on {} (kept in {})",
            keymap::key(Context::Editor, Action::RestoreCodings),
            d.file.codings.len(),
            when.format("%Y-%m-%d %H:%M"),
            d.path.display()
        );
        n.coding.kept_draft = Some(d.path);
        if !matches!(&self.status, Some(s) if s.kind == StatusKind::Error) {
            self.set_status(StatusKind::Info, text);
        }
    }

    /// Ctrl-R: write the kept coding draft back into your coder file.
    fn restore_coding_draft(&mut self, out: &mut Effects) {
        if self.refuse_read_only() {
            return;
        }
        let coder = self.coding.coder.clone();
        let Some(n) = &mut self.note else { return };
        let Some(kept) = n.coding.kept_draft.clone() else {
            self.set_status(StatusKind::Info, "No kept codings to restore for this note");
            return;
        };
        if !n.coding.idle() || n.coding.dirty(&n.doc) {
            // What is shown must be on disk first: the restore adds to the file on disk.
            self.save_codings(out);
            self.set_status(
                StatusKind::Info,
                format!(
                    "Your codings are being saved or re-read: press {} again in a moment",
                    keymap::key(Context::Editor, Action::RestoreCodings)
                ),
            );
            return;
        }
        n.coding.work = CodingWork::Restoring;
        out.push(Request::RestoreCodingDraft {
            id: n.meta.id.clone(),
            coder,
            text: n.doc.text(),
        });
        self.set_status(
            StatusKind::Info,
            format!("Restoring the codings kept in {}…", kept.display()),
        );
    }

    /// After a note was (re)loaded: report coding files that failed and orphans.
    pub(crate) fn codings_loaded(&mut self, problems: &[String]) {
        let Some(n) = &self.note else { return };
        let orphans = n
            .doc
            .codings()
            .iter()
            .filter(|c| c.status == AnchorStatus::Orphaned)
            .count();
        if let Some(p) = problems.first() {
            self.set_status(
                StatusKind::Error,
                format!(
                    "{} codings file(s) could not be read and were left untouched: {p}",
                    problems.len()
                ),
            );
        } else if orphans > 0 && self.status.is_none() {
            self.set_status(
                StatusKind::Info,
                format!(
                    "{orphans} coding(s) lost their words (ORPHANED): {} to the codings pane to re-attach or discard",
                    keymap::key(Context::Editor, Action::NextPane)
                ),
            );
        }
    }

    /// IO answers for coding; returns the response back when it is not one.
    pub(crate) fn coding_io(&mut self, resp: Response, out: &mut Effects) {
        match resp {
            Response::Codebook(Ok(book)) => {
                self.coding.codebook = book;
                self.coding.codebook_problem = None;
            }
            Response::Codebook(Err(problems)) => {
                let first = problems.first().cloned().unwrap_or_default();
                self.coding.codebook = Codebook::builtin();
                self.coding.codebook_problem = Some(first.clone());
                self.set_status(
                    StatusKind::Error,
                    format!("Invalid codebook: {first} — coding uses the built-in codebook until it is fixed"),
                );
            }
            Response::CodingCounts(counts, problems) => {
                for (k, v) in &counts {
                    let u = self.coding.usage.entry(k.clone()).or_insert(0);
                    *u = (*u).max(*v);
                }
                self.coding.book.counts = counts;
                self.coding.book.counted = true;
                if let Some(p) = problems.first() {
                    if self.screen == Screen::Codebook {
                        self.set_status(
                            StatusKind::Error,
                            format!(
                                "{} codings file(s) unreadable, not counted: {p}",
                                problems.len()
                            ),
                        );
                    }
                }
            }
            Response::CodebookSaved { codebook, result } => {
                self.coding.book.saving = false;
                match result {
                    Ok(msg) => {
                        self.coding.codebook = *codebook;
                        let len = self.coding.codebook.themes.len();
                        self.coding.book.selected =
                            self.coding.book.selected.min(len.saturating_sub(1));
                        self.set_status(StatusKind::Ok, msg);
                    }
                    Err(e) => {
                        self.set_status(StatusKind::Error, format!("Codebook not changed: {e}"));
                        out.push(Request::LoadCodebook);
                    }
                }
                out.push(Request::CountCodings);
            }
            Response::CodingStamp { id, stamp } => self.on_coding_stamp(id, stamp, out),
            Response::CodingDraftRestored {
                id,
                result,
                files,
                problems,
                stamp,
            } => {
                let Some(n) = self.note.as_mut().filter(|n| n.meta.id == id) else {
                    return;
                };
                n.coding.work = CodingWork::default();
                match result {
                    Ok(msg) => {
                        n.coding.kept_draft = None;
                        self.coding_drafts.retain(|d| *d != id);
                        // Coding was refused meanwhile, but typing may have moved the text.
                        let text = n.doc.text();
                        let mut files = files;
                        for f in &mut files {
                            crate::core::anchor::reattach_all(&text, &mut f.codings);
                        }
                        replace_codings(n, files, stamp);
                        self.set_status(StatusKind::Ok, msg);
                        self.codings_loaded(&problems);
                    }
                    Err(e) => self.set_status(
                        StatusKind::Error,
                        format!("Could not restore the kept codings: {e}"),
                    ),
                }
                self.resume_saving(out);
            }
            Response::CodingsLoaded {
                id,
                files,
                problems,
                stamp,
            } => {
                self.on_codings_loaded(id, files, problems, stamp);
                self.resume_saving(out);
            }
            Response::CodingsSaved {
                id,
                version,
                result,
                stamp,
                draft,
            } => {
                let Some(n) = self.note.as_mut().filter(|n| n.meta.id == id) else {
                    if let Err(e) = result {
                        let text = match &draft {
                            Some(Ok(p)) => {
                                format!("Codings not saved; kept in {}: {e}", p.display())
                            }
                            Some(Err(d)) => {
                                format!("Codings not saved, nor kept in a recovery draft: {e}; {d}")
                            }
                            None => format!("Codings not saved: {e}"),
                        };
                        self.set_status(StatusKind::Error, text);
                    }
                    if self.quit == crate::tui::app::Quit::AfterSave {
                        self.quit = crate::tui::app::Quit::Now;
                    }
                    return;
                };
                let (superseded, reread) = match n.coding.work {
                    CodingWork::Saving {
                        superseded, reread, ..
                    } => (superseded, reread),
                    _ => (false, false),
                };
                if n.coding.saving() {
                    n.coding.work = CodingWork::Idle { reread };
                }
                if superseded {
                    // Sent before the codings shown were replaced: `version` is not theirs.
                    self.resume_saving(out);
                    return;
                }
                match result {
                    Ok(()) => {
                        n.coding.saved_version = version;
                        // Our own write changed the files: they are the new baseline.
                        n.coding.disk_stamp = Some(stamp);
                        let reread = matches!(n.coding.work, CodingWork::Idle { reread: true });
                        if reread {
                            n.coding.work = CodingWork::default();
                        }
                        if reread && !n.coding.dirty(&n.doc) {
                            n.coding.work = CodingWork::Rereading;
                            out.push(Request::LoadCodings {
                                id: n.meta.id.clone(),
                                text: n.doc.text(),
                            });
                        }
                        if let Some(Err(d)) = draft {
                            self.set_status(
                                StatusKind::Error,
                                format!("Codings saved, but the recovery draft is kept: {d}"),
                            );
                        } else if !n.saving() {
                            let t = chrono::Local::now().format("%H:%M:%S");
                            self.set_status(StatusKind::Ok, format!("Saved {t}"));
                        }
                        self.after_codings_saved(out);
                    }
                    Err(e) => {
                        let leaving = self.quit == crate::tui::app::Quit::AfterSave;
                        let unkept = matches!(draft, Some(Err(_)));
                        if leaving {
                            self.quit = if self.terminating {
                                crate::tui::app::Quit::Now
                            } else if unkept {
                                crate::tui::app::Quit::Unkept
                            } else {
                                crate::tui::app::Quit::Forced
                            };
                        }
                        // Where they are comes first: the status line is one line.
                        let again = if leaving {
                            " (quit again to leave anyway)"
                        } else {
                            ""
                        };
                        let text = match draft {
                            Some(Ok(p)) => format!(
                                "Could not save the codings{again}; kept here and in {}: {e}",
                                p.display()
                            ),
                            Some(Err(d)) if leaving => format!(
                                "Could not save the codings nor keep them in a recovery draft: do not close Ripple (quitting now loses them: it takes {} twice more); {e}; {d}",
                                keymap::key(Context::Global, Action::Quit)
                            ),
                            Some(Err(d)) => format!(
                                "Could not save the codings nor keep them in a recovery draft: do not close Ripple; {e}; {d}"
                            ),
                            None => format!("Could not save the codings{again}; kept here: {e}"),
                        };
                        self.set_status(StatusKind::Error, text);
                    }
                }
            }
            _ => {}
        }
    }

    /// Coder files landed (restored or re-read): send what was held back meanwhile, and leave
    /// if quitting waited for it.
    fn resume_saving(&mut self, out: &mut Effects) {
        self.save_codings(out);
        let Some(n) = &self.note else { return };
        if !n.coding.saving() {
            self.after_codings_saved(out);
        }
    }

    fn after_codings_saved(&mut self, out: &mut Effects) {
        let Some(n) = &self.note else { return };
        if self.quit == crate::tui::app::Quit::AfterSave {
            if !n.dirty() {
                self.quit = crate::tui::app::Quit::Now;
            } else if !n.saving() {
                self.save_codings(out);
            }
        }
    }

    /// A click in the side panel while it shows the codings: focus the pane and highlight
    /// the row; a click on the highlighted row goes to its passage. False when the panel
    /// shows something else.
    pub(crate) fn codings_click(&mut self, side: ratatui::layout::Rect, y: u16) -> bool {
        let Some(n) = &self.note else { return false };
        let shows = n.focus == Pane::Codings || (n.focus == Pane::Editor && n.coding.side_codings);
        if !shows {
            return false;
        }
        let rows = self.coding.rows(&n.doc).len();
        let sel = n.coding.selected.min(rows.saturating_sub(1));
        let hit = crate::tui::layout::codings_row_at(side, y, sel, rows);
        let again = n.focus == Pane::Codings && hit == Some(sel);
        let n = self.note.as_mut().expect("checked");
        n.focus = Pane::Codings;
        if let Some(r) = hit {
            n.coding.selected = r;
        }
        if again {
            // Jumping moves the view only: it asks nothing of the disk.
            let mut out = Effects::default();
            self.coding_action(Context::Codings, Action::JumpToCoding, &mut out);
            debug_assert!(out.is_empty());
        }
        true
    }

    /// Every couple of seconds, look whether the open note's coder files changed outside
    /// Ripple (another coder's synced work, a hand edit).
    pub(crate) fn coding_tick(&mut self, out: &mut Effects) {
        let Some(n) = &mut self.note else { return };
        let now = self.now;
        let due = n
            .coding
            .last_stamp_check
            .is_none_or(|t| now.duration_since(t) >= crate::tui::app::STAMP_INTERVAL);
        if !due || !n.coding.idle() || !n.file.exists() {
            return;
        }
        n.coding.last_stamp_check = Some(now);
        out.push(Request::CodingStamp(n.meta.id.clone()));
    }

    fn on_coding_stamp(
        &mut self,
        id: crate::core::session::SessionId,
        stamp: Vec<(std::path::PathBuf, Option<crate::core::store::FileStamp>)>,
        out: &mut Effects,
    ) {
        let Some(n) = self.note.as_mut().filter(|n| n.meta.id == id) else {
            return;
        };
        if !n.coding.idle() {
            return;
        }
        match &n.coding.disk_stamp {
            None => n.coding.disk_stamp = Some(stamp),
            Some(old) if *old == stamp => {}
            Some(_) => {
                if n.coding.dirty(&n.doc) {
                    // Ours are saved first (other coders' files are merged on save); the
                    // next look re-reads them.
                    n.coding.work = CodingWork::Idle { reread: true };
                    self.save_codings(out);
                    return;
                }
                n.coding.work = CodingWork::Rereading;
                out.push(Request::LoadCodings {
                    id,
                    text: n.doc.text(),
                });
            }
        }
    }

    fn on_codings_loaded(
        &mut self,
        id: crate::core::session::SessionId,
        files: Vec<CoderSessionFile>,
        problems: Vec<String>,
        stamp: Vec<(std::path::PathBuf, Option<crate::core::store::FileStamp>)>,
    ) {
        let Some(n) = self.note.as_mut().filter(|n| n.meta.id == id) else {
            return;
        };
        if n.coding.work == CodingWork::Rereading {
            n.coding.work = CodingWork::default();
        }
        if n.coding.dirty(&n.doc) {
            n.coding.disk_stamp = Some(stamp);
            return; // coded here meanwhile: keep ours; the next look tries again
        }
        replace_codings(n, files, stamp);
        self.set_status(
            StatusKind::Info,
            "Codings changed outside Ripple (another coder?): shown as they are now",
        );
        self.codings_loaded(&problems);
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

/// Show the coder files as read from disk (`stamp` their stamps) in the open note, whose text is
/// unchanged: only the codings are new. The document is rebuilt, so its undo history starts
/// again here; cursor and selection stay.
fn replace_codings(
    n: &mut NoteState,
    files: Vec<CoderSessionFile>,
    stamp: Vec<(std::path::PathBuf, Option<crate::core::store::FileStamp>)>,
) {
    n.coding.disk_stamp = Some(stamp);
    if let CodingWork::Saving { superseded, .. } = &mut n.coding.work {
        *superseded = true;
    }
    let ed = n.doc.editor();
    let (cursor, anchor) = (ed.cursor(), ed.anchor());
    let text = n.doc.text();
    let text_dirty = n.text_dirty();
    n.doc = document(&text, files);
    // A new document: the file holds its text only if the old one was saved.
    n.saved_version = (!text_dirty).then(|| n.doc.editor().version());
    match anchor {
        Some(a) => n.doc.editor_mut().set_selection(a, cursor),
        None => n.doc.editor_mut().set_cursor(cursor, false),
    }
    n.coding.saved_version = n.doc.coding_version();
}

/// Reset the note's coding state to "all on disk" for a freshly loaded document, coded by
/// `owner`. What is on its way (a save, a restore, a re-read) is carried through: its answer
/// still comes. The quick keys keep their meaning.
pub fn reset_note(n: &mut NoteState, owner: &str) {
    let c = std::mem::take(&mut n.coding);
    n.coding = NoteCoding {
        saved_version: n.doc.coding_version(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::session::{Session, SessionMeta};
    use crate::tui::app::Msg;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use std::time::Instant;

    fn spanish_book() -> Codebook {
        let mut b = Codebook::default();
        b.themes
            .push(Theme::new("relaciones", "Relaciones", "#1f8fd6"));
        let mut t = Theme::new("confianza", "Confianza", "#12a0a0");
        t.parent = Some("relaciones".into());
        b.themes.push(t);
        b.themes.push(Theme::new("ninez", "Niñez", "#8a6fdc"));
        b.themes
            .push(Theme::new("condado", "Condado de Doña Ana", "#2f9e6a"));
        b
    }

    fn picked(p: &mut Picker, q: &str) -> Vec<String> {
        p.query = q.into();
        p.refilter();
        p.shown
            .iter()
            .filter(|&&i| !p.items[i].create)
            .filter_map(|&i| p.items[i].key.clone())
            .collect()
    }

    #[test]
    fn the_picker_matches_fuzzily_and_without_accents() {
        let book = spanish_book();
        let mut p = Picker::new(
            PickFor::NewCoding { start: 0, end: 1 },
            "t".into(),
            &book,
            false,
        );
        assert_eq!(p.shown.len(), 4, "an empty query lists every theme");
        assert_eq!(p.items[1].path, "Relaciones › Confianza");
        assert_eq!(picked(&mut p, "dona")[0], "condado");
        assert_eq!(picked(&mut p, "niñez")[0], "ninez");
        assert_eq!(picked(&mut p, "confianza")[0], "confianza");
        assert_eq!(picked(&mut p, "cnfz")[0], "confianza", "fuzzy");
        assert!(picked(&mut p, "zzzz").is_empty());
        // A query that is no theme offers to add it, after any match.
        assert_eq!(p.shown.len(), 1);
        assert!(p.items[p.shown[0]].create);
        assert_eq!(p.items[p.shown[0]].key.as_deref(), Some("zzzz"));
        picked(&mut p, "niñez");
        assert!(!p.shown.iter().any(|&i| p.items[i].create), "ninez exists");
        picked(&mut p, "confi");
        assert!(p.items[*p.shown.last().unwrap()].create);
        assert!(!p.items[p.shown[0]].create);
    }

    fn key(code: KeyCode, mods: KeyModifiers) -> Msg {
        Msg::Key(KeyEvent::new(code, mods))
    }

    fn app_with_note(text: &str) -> App {
        let mut app = App::new("test".into(), "me".into(), None, Instant::now());
        app.coding.coder = "Ana".into();
        let meta = SessionMeta::new_today("me");
        let mut n = NoteState::new(
            Session {
                meta,
                text: text.into(),
            },
            Pane::Editor,
            Instant::now(),
        );
        n.file = crate::tui::app::NoteFile::Known(None);
        app.note = Some(n);
        app.screen = Screen::Note;
        app
    }

    #[test]
    fn coding_from_the_editor_saves_the_coder_file_and_undo_reverts_it() {
        let mut app = app_with_note("la niñez y la confianza");
        app.note
            .as_mut()
            .unwrap()
            .doc
            .editor_mut()
            .set_selection(3, 8);
        app.step(key(KeyCode::Char('t'), KeyModifiers::CONTROL));
        assert_eq!(app.context(), Context::Picker);
        for c in "trust".chars() {
            app.step(key(KeyCode::Char(c), KeyModifiers::NONE));
        }
        app.step(key(KeyCode::Enter, KeyModifiers::NONE));
        assert!(app.coding.picker.is_none());
        let n = app.note.as_ref().unwrap();
        assert_eq!(n.doc.codings().len(), 1);
        let c = &n.doc.codings()[0];
        assert_eq!((c.start, c.end, c.theme.as_str()), (3, 8, "trust"));
        assert_eq!(c.quote, "niñez");
        assert!(n.dirty());
        assert_eq!(app.coding.spans(&n.doc).len(), 1);

        let out = app.step(key(KeyCode::Char('s'), KeyModifiers::CONTROL));
        let files: Vec<&CoderSessionFile> = out
            .iter()
            .filter_map(|r| match r {
                Request::SaveCodings { file, .. } => Some(&**file),
                _ => None,
            })
            .collect();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].coder, "Ana");
        assert_eq!(files[0].codings.len(), 1);

        // Alt+. codes another passage with the same theme; Ctrl-Z takes it back.
        app.note
            .as_mut()
            .unwrap()
            .doc
            .editor_mut()
            .set_selection(14, 23);
        app.step(key(KeyCode::Char('.'), KeyModifiers::ALT));
        assert_eq!(app.note.as_ref().unwrap().doc.codings().len(), 2);
        app.step(key(KeyCode::Char('z'), KeyModifiers::CONTROL));
        assert_eq!(app.note.as_ref().unwrap().doc.codings().len(), 1);
    }

    #[test]
    fn the_coder_filter_cycles_through_coders_and_hides_the_others() {
        let mut app = app_with_note("uno dos tres");
        let id = app.note.as_ref().unwrap().meta.id.clone();
        for (coder, s, e) in [("Ana", 0, 3), ("Bea", 4, 7)] {
            let c =
                coding_store::new_coding("uno dos tres", &id, s, e, "trust", coder, "").unwrap();
            app.note.as_mut().unwrap().doc.add_coding(c).unwrap();
        }
        let n = |app: &App| app.coding.spans(&app.note.as_ref().unwrap().doc).len();
        assert_eq!(n(&app), 2);
        app.step(key(KeyCode::F(3), KeyModifiers::NONE));
        assert_eq!(app.coding.filter.as_deref(), Some("Ana"));
        assert_eq!(n(&app), 1);
        app.step(key(KeyCode::F(3), KeyModifiers::NONE));
        assert_eq!(app.coding.filter.as_deref(), Some("Bea"));
        app.step(key(KeyCode::F(3), KeyModifiers::NONE));
        assert_eq!(app.coding.filter, None);
        assert_eq!(n(&app), 2);
    }

    #[test]
    fn coding_mode_keeps_the_note_read_only() {
        let mut app = app_with_note("Una frase. Otra frase.");
        app.step(key(KeyCode::F(2), KeyModifiers::NONE));
        assert_eq!(app.context(), Context::Coding);
        app.step(key(KeyCode::Char('q'), KeyModifiers::NONE));
        app.step(key(KeyCode::Char('s'), KeyModifiers::NONE));
        let n = app.note.as_ref().unwrap();
        assert_eq!(n.doc.text(), "Una frase. Otra frase.");
        assert_eq!(n.doc.editor().selection(), Some((0, 10)));
        app.step(key(KeyCode::Char('1'), KeyModifiers::NONE));
        let n = app.note.as_ref().unwrap();
        assert_eq!(n.doc.codings().len(), 1);
        assert_eq!(n.doc.codings()[0].quote, "Una frase.");
        app.step(key(KeyCode::Esc, KeyModifiers::NONE));
        app.step(key(KeyCode::Esc, KeyModifiers::NONE));
        assert_eq!(app.context(), Context::Editor);
    }

    #[test]
    fn one_esc_leaves_coding_mode_when_no_selection_is_shown_and_one_more_closes_the_note() {
        let mut app = app_with_note("Una frase. Otra frase.");
        let esc = || key(KeyCode::Esc, KeyModifiers::NONE);
        let f2 = || key(KeyCode::F(2), KeyModifiers::NONE);
        // `v` starts a selection that is still empty: nothing is drawn for it.
        app.step(f2());
        app.step(key(KeyCode::Char('v'), KeyModifiers::NONE));
        assert_eq!(app.note.as_ref().unwrap().doc.editor().selection(), None);
        app.step(esc());
        assert_eq!(app.context(), Context::Editor, "left coding mode at once");
        app.step(esc());
        assert_eq!(app.screen, Screen::List, "the next Esc is back in the list");

        // The same after moving away and back to the anchor.
        let mut app = app_with_note("Una frase. Otra frase.");
        app.step(f2());
        for c in ['v', 'l', 'h'] {
            app.step(key(KeyCode::Char(c), KeyModifiers::NONE));
        }
        app.step(esc());
        assert_eq!(app.context(), Context::Editor);

        // Left with F2 after `v`: the empty selection does not stay behind.
        let mut app = app_with_note("Una frase. Otra frase.");
        app.step(f2());
        app.step(key(KeyCode::Char('v'), KeyModifiers::NONE));
        app.step(f2());
        assert_eq!(app.note.as_ref().unwrap().doc.editor().anchor(), None);
        app.step(esc());
        assert_eq!(app.screen, Screen::List);

        // A selection you can see still takes an Esc of its own.
        let mut app = app_with_note("Una frase. Otra frase.");
        app.step(f2());
        app.step(key(KeyCode::Char('s'), KeyModifiers::NONE));
        app.step(esc());
        assert_eq!(app.context(), Context::Coding);
        assert_eq!(app.note.as_ref().unwrap().doc.editor().selection(), None);
        app.step(esc());
        assert_eq!(app.context(), Context::Editor);
    }

    /// A note with "niñez" coded by the first theme key (Alt-1), then Ctrl-Q: the app, the
    /// session and the requests the quit sent.
    fn code_a_word_and_quit() -> (App, crate::core::session::SessionId, Vec<Request>) {
        let mut app = app_with_note("la niñez y la confianza");
        let id = app.note.as_ref().unwrap().meta.id.clone();
        app.note
            .as_mut()
            .unwrap()
            .doc
            .editor_mut()
            .set_selection(3, 8);
        app.step(key(KeyCode::Char('1'), KeyModifiers::ALT));
        let out = app.step(key(KeyCode::Char('q'), KeyModifiers::CONTROL));
        (app, id, out)
    }

    #[test]
    fn codings_neither_saved_nor_kept_take_two_more_quits_to_leave() {
        let (mut app, id, out) = code_a_word_and_quit();
        let version = out
            .iter()
            .find_map(|r| match r {
                Request::SaveCodings { version, .. } => Some(*version),
                _ => None,
            })
            .expect("the codings are saved before quitting");
        app.step(Msg::Io(Response::CodingsSaved {
            id: id.clone(),
            version,
            result: Err("permission denied".into()),
            stamp: Vec::new(),
            draft: Some(Err("disk full".into())),
        }));
        let status = app.status.clone().unwrap().text;
        assert!(
            status.contains("do not close Ripple") && status.contains("Ctrl-Q twice more"),
            "{status}"
        );
        app.step(key(KeyCode::Char('q'), KeyModifiers::CONTROL));
        assert_ne!(
            app.quit,
            crate::tui::app::Quit::Now,
            "a second quit only asks"
        );
        let status = app.status.clone().unwrap().text;
        assert!(
            status.contains("once more") && status.contains("LOSE"),
            "{status}"
        );
        app.step(key(KeyCode::Char('q'), KeyModifiers::CONTROL));
        assert_eq!(app.quit, crate::tui::app::Quit::Now);
    }

    #[test]
    fn text_neither_saved_nor_kept_takes_two_more_quits_to_leave() {
        let mut app = app_with_note("la niñez");
        let id = app.note.as_ref().unwrap().meta.id.clone();
        app.step(key(KeyCode::Char('!'), KeyModifiers::NONE));
        let out = app.step(key(KeyCode::Char('q'), KeyModifiers::CONTROL));
        let version = out
            .iter()
            .find_map(|r| match r {
                Request::Save { version, .. } => Some(*version),
                _ => None,
            })
            .expect("the text is saved before quitting");
        app.step(Msg::Io(Response::Saved {
            id: id.clone(),
            version,
            result: Err("permission denied".into()),
            draft: None,
        }));
        let status = app.status.clone().unwrap().text;
        assert!(
            status.contains("do not close Ripple") && status.contains("Ctrl-Q twice more"),
            "{status}"
        );
        app.step(key(KeyCode::Char('q'), KeyModifiers::CONTROL));
        assert_ne!(
            app.quit,
            crate::tui::app::Quit::Now,
            "a second quit only asks"
        );
        let out = app.step(key(KeyCode::Char('q'), KeyModifiers::CONTROL));
        assert_eq!(app.quit, crate::tui::app::Quit::Now);
        assert!(
            out.iter().any(|r| matches!(r, Request::WriteDraft(_))),
            "a last try at a draft on the way out: {out:?}"
        );
    }

    #[test]
    fn codings_that_cannot_be_saved_go_to_a_draft_when_quitting_twice() {
        let (mut app, id, out) = code_a_word_and_quit();
        let version = out
            .iter()
            .find_map(|r| match r {
                Request::SaveCodings {
                    version,
                    holds_draft,
                    ..
                } => {
                    assert!(holds_draft, "no earlier draft waits: a save may replace it");
                    Some(*version)
                }
                _ => None,
            })
            .expect("the codings are saved before quitting");
        let kept = std::path::PathBuf::from("/s/.ripple/drafts/codings/ana/x.json");
        app.step(Msg::Io(Response::CodingsSaved {
            id: id.clone(),
            version,
            result: Err("permission denied".into()),
            stamp: Vec::new(),
            draft: Some(Ok(kept.clone())),
        }));
        assert_eq!(app.quit, crate::tui::app::Quit::Forced);
        let status = app.status.clone().unwrap();
        assert_eq!(status.kind, StatusKind::Error);
        assert!(
            status.text.starts_with(&format!(
                "Could not save the codings (quit again to leave anyway); kept here and in {}",
                kept.display()
            )),
            "{}",
            status.text
        );
        // Coded once more, then quit again: what is not on disk goes to the draft.
        app.note
            .as_mut()
            .unwrap()
            .doc
            .editor_mut()
            .set_selection(14, 23);
        app.step(key(KeyCode::Char('.'), KeyModifiers::ALT));
        let out = app.step(key(KeyCode::Char('q'), KeyModifiers::CONTROL));
        assert_eq!(app.quit, crate::tui::app::Quit::Now);
        let kept: Vec<&CoderSessionFile> = out
            .iter()
            .filter_map(|r| match r {
                Request::WriteCodingDraft { file, .. } => Some(&**file),
                _ => None,
            })
            .collect();
        assert_eq!(kept.len(), 1, "{out:?}");
        assert_eq!(kept[0].coder, "Ana");
        let quotes: Vec<&str> = kept[0].codings.iter().map(|c| c.quote.as_str()).collect();
        assert_eq!(quotes, ["niñez", "confianza"]);
        assert!(
            !out.iter().any(|r| matches!(r, Request::WriteDraft(_))),
            "the text is unchanged: no text draft"
        );
    }

    #[test]
    fn no_save_goes_out_while_kept_codings_are_restored() {
        use crate::tui::worker::Loaded;
        let text = "uno dos tres";
        let mut app = App::new("test".into(), "me".into(), None, Instant::now());
        app.coding.coder = "Ana".into();
        let session = Session {
            meta: SessionMeta::new_today("me"),
            text: text.into(),
        };
        let id = session.meta.id.clone();
        let restored = CoderSessionFile {
            session: id.clone(),
            coder: "Ana".into(),
            memo: "memo".into(),
            codings: vec![coding_store::new_coding(text, &id, 4, 7, "trust", "Ana", "").unwrap()],
        };
        app.opening = Some(id.clone());
        app.step(Msg::Io(Response::Loaded {
            id: id.clone(),
            result: Ok(Loaded {
                session,
                stamp: None,
                base: None,
                draft: None,
                codings: Vec::new(),
                coding_problems: Vec::new(),
                coding_stamp: Vec::new(),
                coding_drafts: vec![crate::core::coding_draft::CodingDraft {
                    path: "/s/.ripple/drafts/codings/ana/x.json".into(),
                    file: restored.clone(),
                    written: std::time::SystemTime::now(),
                }],
            }),
        }));
        app.step(key(KeyCode::Char('r'), KeyModifiers::CONTROL));
        assert_eq!(
            app.note.as_ref().unwrap().coding.work,
            CodingWork::Restoring
        );
        // A change to the codings shown (an undo, say) while the restore is on its way: its
        // save would write over the restored file.
        let n = app.note.as_mut().unwrap();
        let c = coding_store::new_coding(text, &id, 0, 3, "roles", "Ana", "").unwrap();
        n.doc.add_coding(c).unwrap();
        let out = app.with_effects(|a, out| a.save_codings(out));
        assert!(out.is_empty(), "held back while restoring: {out:?}");
        // A text reload meanwhile does not forget the restore on its way.
        crate::tui::coding::reset_note(app.note.as_mut().unwrap(), "Ana");
        assert_eq!(
            app.note.as_ref().unwrap().coding.work,
            CodingWork::Restoring
        );
        assert!(app.note.as_ref().unwrap().coding.rereading());
        // The restore fails: what is shown is saved then.
        let out = app.step(Msg::Io(Response::CodingDraftRestored {
            id: id.clone(),
            result: Err("no".into()),
            files: Vec::new(),
            problems: Vec::new(),
            stamp: Vec::new(),
        }));
        assert!(out.is_empty(), "nothing changed since the reload: {out:?}");
        let n = app.note.as_mut().unwrap();
        assert_ne!(n.coding.work, CodingWork::Restoring);
        let c = coding_store::new_coding(text, &id, 4, 7, "roles", "Ana", "").unwrap();
        n.doc.add_coding(c).unwrap();
        // Now a save goes out, then the codings shown are replaced before it lands: its
        // answer (a version of the codings no longer shown) changes nothing.
        let out = app.with_effects(|a, out| a.save_codings(out));
        let version = match out.as_slice() {
            [Request::SaveCodings { version, .. }] => *version,
            other => panic!("one save: {other:?}"),
        };
        let n = app.note.as_mut().unwrap();
        super::replace_codings(n, vec![restored], Vec::new());
        let n = app.note.as_mut().unwrap();
        let c = coding_store::new_coding(text, &id, 8, 12, "roles", "Ana", "").unwrap();
        n.doc.add_coding(c).unwrap();
        let changed = n.doc.coding_version();
        assert!(
            version >= changed,
            "the old version would cover the new change"
        );
        let out = app.step(Msg::Io(Response::CodingsSaved {
            id: id.clone(),
            version,
            result: Ok(()),
            stamp: Vec::new(),
            draft: None,
        }));
        let n = app.note.as_ref().unwrap();
        assert!(
            n.coding.dirty(&n.doc),
            "the change made since is not taken as saved"
        );
        assert!(
            out.iter().any(|r| matches!(r, Request::SaveCodings { .. })),
            "and it is sent now: {out:?}"
        );
    }

    #[test]
    fn a_kept_coding_draft_is_offered_on_open_and_ctrl_r_restores_it() {
        use crate::core::coding_draft::CodingDraft;
        use crate::tui::worker::Loaded;
        let text = "uno dos tres";
        let mut app = App::new("test".into(), "me".into(), None, Instant::now());
        app.coding.coder = "Ana".into();
        let session = Session {
            meta: SessionMeta::new_today("me"),
            text: text.into(),
        };
        let id = session.meta.id.clone();
        let coding = coding_store::new_coding(text, &id, 4, 7, "trust", "Ana", "").unwrap();
        let file = CoderSessionFile {
            session: id.clone(),
            coder: "Ana".into(),
            memo: "memo".into(),
            codings: vec![coding],
        };
        let draft = |coder: &str| CodingDraft {
            path: format!("/s/.ripple/drafts/codings/{coder}/x.json").into(),
            file: CoderSessionFile {
                coder: coder.into(),
                ..file.clone()
            },
            written: std::time::SystemTime::now(),
        };
        app.opening = Some(id.clone());
        app.step(Msg::Io(Response::Loaded {
            id: id.clone(),
            result: Ok(Loaded {
                session,
                stamp: None,
                base: None,
                draft: None,
                codings: Vec::new(),
                coding_problems: Vec::new(),
                coding_stamp: Vec::new(),
                coding_drafts: vec![draft("bea"), draft("ana")],
            }),
        }));
        let status = app.status.clone().unwrap().text;
        assert!(
            status.starts_with("Ctrl-R restores the 1 coding(s)") && status.contains("/ana/"),
            "your own draft is offered: {status}"
        );
        // Saving meanwhile does not drop the draft that waits: the save says it does not
        // hold it, so the IO thread adds to the draft rather than replacing or removing it.
        assert!(app.note.as_ref().unwrap().coding.kept_draft.is_some());
        let n = app.note.as_mut().unwrap();
        let extra = coding_store::new_coding(text, &id, 8, 12, "roles", "Ana", "").unwrap();
        n.doc.add_coding(extra.clone()).unwrap();
        let out = app.with_effects(|a, out| a.save_codings(out));
        let version = match out.as_slice() {
            [Request::SaveCodings {
                holds_draft: false,
                version,
                ..
            }] => *version,
            other => panic!("a save that leaves the draft alone: {other:?}"),
        };
        app.step(Msg::Io(Response::CodingsSaved {
            id: id.clone(),
            version,
            result: Ok(()),
            stamp: Vec::new(),
            draft: None,
        }));
        let n = app.note.as_mut().unwrap();
        assert!(n.coding.kept_draft.is_some(), "still offered once saved");
        assert!(!n.dirty());
        // The saved coding is in the file the restore merges with (as the IO thread would).
        let mut file = file;
        file.codings.push(extra);
        let out = app.step(key(KeyCode::Char('r'), KeyModifiers::CONTROL));
        assert!(
            out.iter()
                .any(|r| matches!(r, Request::RestoreCodingDraft { coder, .. } if coder == "Ana")),
            "{out:?}"
        );
        // Coding waits until the restore lands.
        app.note
            .as_mut()
            .unwrap()
            .doc
            .editor_mut()
            .set_selection(0, 3);
        app.step(key(KeyCode::Char('1'), KeyModifiers::ALT));
        assert_eq!(app.note.as_ref().unwrap().doc.codings().len(), 1);
        app.step(Msg::Io(Response::CodingDraftRestored {
            id: id.clone(),
            result: Ok("Restored 2 coding(s)".into()),
            files: vec![file],
            problems: Vec::new(),
            stamp: Vec::new(),
        }));
        let n = app.note.as_ref().unwrap();
        assert_eq!(n.doc.codings().len(), 2);
        assert_eq!(n.doc.note_memo("Ana"), "memo");
        assert!(n.coding.kept_draft.is_none());
        assert!(!n.dirty(), "what is shown is what is on disk");
        assert_eq!(app.status.clone().unwrap().kind, StatusKind::Ok);
    }

    #[test]
    fn an_orphan_is_shown_and_reattached_to_the_selection_or_discarded() {
        let mut app = app_with_note("uno dos tres");
        let id = app.note.as_ref().unwrap().meta.id.clone();
        let c = coding_store::new_coding("uno dos tres", &id, 4, 7, "trust", "Ana", "").unwrap();
        {
            let n = app.note.as_mut().unwrap();
            n.doc.add_coding(c).unwrap();
            n.doc.editor_mut().set_selection(3, 7);
        }
        app.step(key(KeyCode::Backspace, KeyModifiers::NONE));
        let n = app.note.as_ref().unwrap();
        assert_eq!(n.doc.text(), "uno tres");
        assert_eq!(n.doc.codings()[0].status, AnchorStatus::Orphaned);
        assert_eq!(n.doc.codings()[0].quote, "dos");
        // Tab to the codings pane; `a` attaches the orphan to the editor's selection.
        app.note
            .as_mut()
            .unwrap()
            .doc
            .editor_mut()
            .set_selection(4, 8);
        app.step(key(KeyCode::Tab, KeyModifiers::NONE));
        assert_eq!(app.context(), Context::Codings);
        app.step(key(KeyCode::Char('a'), KeyModifiers::NONE));
        let c = &app.note.as_ref().unwrap().doc.codings()[0];
        assert_eq!(c.status, AnchorStatus::Attached);
        assert_eq!((c.start, c.end, c.quote.as_str()), (4, 8, "tres"));
        // d removes it; Ctrl-Z brings it back.
        app.step(key(KeyCode::Char('d'), KeyModifiers::NONE));
        assert!(app.note.as_ref().unwrap().doc.codings().is_empty());
        app.step(key(KeyCode::Char('z'), KeyModifiers::CONTROL));
        assert_eq!(app.note.as_ref().unwrap().doc.codings().len(), 1);
    }

    #[test]
    fn merging_in_the_codebook_sends_the_remap_with_the_new_codebook() {
        let mut app = App::new("test".into(), "me".into(), None, Instant::now());
        app.step(key(KeyCode::Char('c'), KeyModifiers::NONE));
        assert_eq!(app.context(), Context::Codebook);
        let trust = app
            .coding
            .codebook
            .tree()
            .iter()
            .position(|(_, t)| t.key == "trust")
            .unwrap();
        app.coding.book.selected = trust;
        app.step(key(KeyCode::Char('M'), KeyModifiers::NONE));
        assert_eq!(app.context(), Context::Picker);
        for c in "communication".chars() {
            app.step(key(KeyCode::Char(c), KeyModifiers::NONE));
        }
        let out = app.step(key(KeyCode::Enter, KeyModifiers::NONE));
        let sent = out.iter().find_map(|r| match r {
            Request::SaveCodebook {
                codebook, remap, ..
            } => Some((codebook, remap)),
            _ => None,
        });
        let (book, remap) = sent.expect("a codebook save");
        assert!(book.get("trust").is_none());
        let remap = remap.as_ref().expect("passages move");
        assert_eq!(
            (remap.from.as_str(), remap.to.as_str()),
            ("trust", "communication")
        );
        // Nothing changes here until the worker says it is on disk.
        assert!(app.coding.codebook.get("trust").is_some());
        let book = (*book).clone();
        app.step(Msg::Io(Response::CodebookSaved {
            codebook: book,
            result: Ok("Merged trust into communication; 3 passage(s) moved".into()),
        }));
        assert!(app.coding.codebook.get("trust").is_none());
    }

    #[test]
    fn clicking_a_coding_highlights_it_and_a_second_click_goes_to_it() {
        use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
        let mut app = app_with_note("uno dos tres");
        app.size = (120, 30);
        let id = app.note.as_ref().unwrap().meta.id.clone();
        for (s, e) in [(0, 3), (8, 12)] {
            let c =
                coding_store::new_coding("uno dos tres", &id, s, e, "trust", "Ana", "").unwrap();
            app.note.as_mut().unwrap().doc.add_coding(c).unwrap();
        }
        app.note.as_mut().unwrap().coding.side_codings = true;
        let side = app.note_areas().form.expect("a side panel at 120 columns");
        let click = |row: u16| {
            Msg::Mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column: side.x + 3,
                row,
                modifiers: KeyModifiers::NONE,
            })
        };
        // Rows take two lines each; the second coding's lines start two below the first.
        app.step(click(side.y + 3));
        let n = app.note.as_ref().unwrap();
        assert_eq!((n.focus, n.coding.selected), (Pane::Codings, 1));
        app.step(click(side.y + 4));
        let n = app.note.as_ref().unwrap();
        assert_eq!(n.focus, Pane::Editor);
        assert_eq!(n.doc.editor().selection(), Some((8, 12)));
    }

    #[test]
    fn a_new_theme_can_be_made_from_the_picker_and_used_at_once() {
        let mut app = app_with_note("la resiliencia de las familias");
        app.note
            .as_mut()
            .unwrap()
            .doc
            .editor_mut()
            .set_selection(3, 14);
        app.step(key(KeyCode::Char('t'), KeyModifiers::CONTROL));
        for c in "Resiliencia".chars() {
            app.step(key(KeyCode::Char(c), KeyModifiers::NONE));
        }
        let p = app.coding.picker.as_mut().unwrap();
        p.selected = p.shown.len() - 1;
        assert!(p.highlighted().unwrap().create);
        app.step(key(KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(app.context(), Context::Prompt);
        let out = app.step(key(KeyCode::Enter, KeyModifiers::NONE));
        assert!(out
            .iter()
            .any(|r| matches!(r, Request::SaveCodebook { codebook, .. } if codebook.get("resiliencia").is_some())));
        assert_eq!(
            app.coding.codebook.get("resiliencia").unwrap().name,
            "Resiliencia"
        );
        let n = app.note.as_ref().unwrap();
        assert_eq!(n.doc.codings()[0].theme, "resiliencia");
        assert_eq!(n.doc.codings()[0].quote, "resiliencia");
    }

    #[test]
    fn moving_through_the_codings_scrolls_the_note_to_each_passage() {
        let text: String = (0..100).map(|i| format!("línea {i}\n")).collect();
        let mut app = app_with_note(&text);
        let id = app.note.as_ref().unwrap().meta.id.clone();
        let start = text
            .find("línea 80")
            .map(|b| text[..b].chars().count())
            .unwrap();
        for (s, e) in [(0, 5), (start, start + 8)] {
            let c = coding_store::new_coding(&text, &id, s, e, "trust", "Ana", "").unwrap();
            app.note.as_mut().unwrap().doc.add_coding(c).unwrap();
        }
        app.step(key(KeyCode::Tab, KeyModifiers::NONE));
        app.step(key(KeyCode::Down, KeyModifiers::NONE));
        let n = app.note.as_ref().unwrap();
        assert_eq!(n.view.top_line, 79);
        assert_eq!(n.doc.editor().cursor(), 0, "the cursor stays");
    }

    /// The themes of the open note's codings, in text order.
    fn themes_coded(app: &App) -> Vec<String> {
        let n = app.note.as_ref().unwrap();
        let mut cs: Vec<&Coding> = n.doc.codings().iter().collect();
        cs.sort_by_key(|c| c.start);
        cs.iter().map(|c| c.theme.clone()).collect()
    }

    #[test]
    fn quick_keys_keep_their_meaning_while_the_note_is_open() {
        let mut app = app_with_note("Una frase. Otra frase. Tercera frase.");
        app.step(key(KeyCode::F(2), KeyModifiers::NONE));
        let hints = app.coding_hints().unwrap();
        let third = app.quick_keys()[2].clone().unwrap();
        assert!(hints.contains(&format!(" 3 {third} ")), "{hints}");
        // Code a sentence with 3: that theme is now the most used one...
        app.step(key(KeyCode::Char('s'), KeyModifiers::NONE));
        app.step(key(KeyCode::Char('3'), KeyModifiers::NONE));
        assert_eq!(app.coding.quick_themes()[0].key, third, "ranked first now");
        // ...yet 3 still means what the screen says, for the next sentences too.
        for at in [12, 25] {
            app.step(key(KeyCode::Esc, KeyModifiers::NONE));
            let ed = app.note.as_mut().unwrap().doc.editor_mut();
            ed.set_cursor(at, false);
            app.step(key(KeyCode::Char('s'), KeyModifiers::NONE));
            app.step(key(KeyCode::Char('3'), KeyModifiers::NONE));
        }
        assert_eq!(
            themes_coded(&app),
            [third.clone(), third.clone(), third.clone()]
        );
        assert_eq!(
            app.coding_hints().unwrap(),
            hints,
            "the keys shown did not change"
        );
        // Leaving coding mode and coming back keeps them too; so does Alt-3 in the editor.
        app.step(key(KeyCode::F(2), KeyModifiers::NONE));
        app.step(key(KeyCode::F(2), KeyModifiers::NONE));
        assert_eq!(app.coding_hints().unwrap(), hints);
        app.step(key(KeyCode::F(2), KeyModifiers::NONE));
        app.note
            .as_mut()
            .unwrap()
            .doc
            .editor_mut()
            .set_selection(0, 3);
        app.step(key(KeyCode::Char('3'), KeyModifiers::ALT));
        assert_eq!(themes_coded(&app)[0], third);
    }

    #[test]
    fn quick_keys_fixed_for_a_note_leave_a_deleted_theme_s_key_empty() {
        let mut app = app_with_note("Una frase.");
        app.step(key(KeyCode::F(2), KeyModifiers::NONE));
        let keys = app.quick_keys();
        let second = keys[1].clone().unwrap();
        let mut book = app.coding.codebook.clone();
        book.themes.retain(|t| t.key != second);
        for t in &mut book.themes {
            if t.parent.as_deref() == Some(second.as_str()) {
                t.parent = None;
            }
        }
        app.coding.codebook = book;
        app.step(key(KeyCode::Char('s'), KeyModifiers::NONE));
        app.step(key(KeyCode::Char('2'), KeyModifiers::NONE));
        assert!(themes_coded(&app).is_empty(), "2 has no theme now");
        assert_eq!(app.status.clone().unwrap().text, "No theme 2");
        app.step(key(KeyCode::Char('3'), KeyModifiers::NONE));
        assert_eq!(
            themes_coded(&app),
            [keys[2].clone().unwrap()],
            "3 is unchanged"
        );
    }

    #[test]
    fn typing_that_moves_another_coder_s_passage_saves_only_your_own_file() {
        let text = "uno dos tres";
        let mut app = app_with_note(text);
        app.coding.coder = "Bea".into();
        let id = app.note.as_ref().unwrap().meta.id.clone();
        let ana = CoderSessionFile {
            session: id.clone(),
            coder: "Ana".into(),
            memo: "hers".into(),
            codings: vec![coding_store::new_coding(text, &id, 4, 7, "trust", "Ana", "").unwrap()],
        };
        let n = app.note.as_mut().unwrap();
        n.doc = document(text, vec![ana]);
        n.saved_version = Some(n.doc.editor().version());
        reset_note(n, "Bea");
        // Bea types at the start: Ana's passage moves on screen...
        app.step(key(KeyCode::Char('¡'), KeyModifiers::NONE));
        let n = app.note.as_ref().unwrap();
        assert_eq!(n.doc.codings()[0].start, 5);
        // ...and only the text needs saving: Ana's file is hers to write.
        assert!(!n.coding.dirty(&n.doc));
        let out = app.step(key(KeyCode::Char('s'), KeyModifiers::CONTROL));
        assert!(
            out.iter().any(|r| matches!(r, Request::Save { .. })),
            "{out:?}"
        );
        assert!(
            !out.iter().any(|r| matches!(r, Request::SaveCodings { .. })),
            "{out:?}"
        );
        // Bea's own coding is saved, in her file alone.
        let n = app.note.as_mut().unwrap();
        n.doc.editor_mut().set_selection(0, 4);
        app.step(key(KeyCode::Char('1'), KeyModifiers::ALT));
        let out = app.with_effects(|a, out| a.save_codings(out));
        let files: Vec<&CoderSessionFile> = out
            .iter()
            .filter_map(|r| match r {
                Request::SaveCodings { file, .. } => Some(&**file),
                _ => None,
            })
            .collect();
        assert_eq!(files.len(), 1, "{out:?}");
        assert_eq!(files[0].coder, "Bea");
        assert!(files[0].codings.iter().all(|c| c.coder == "Bea"));
    }

    #[test]
    fn the_same_words_and_theme_are_not_coded_twice() {
        let mut app = app_with_note("la niñez y la confianza");
        app.note
            .as_mut()
            .unwrap()
            .doc
            .editor_mut()
            .set_selection(3, 8);
        app.step(key(KeyCode::Char('1'), KeyModifiers::ALT));
        let first = app.note.as_ref().unwrap().doc.codings()[0].id.clone();
        app.note
            .as_mut()
            .unwrap()
            .doc
            .editor_mut()
            .set_selection(3, 8);
        app.step(key(KeyCode::Char('1'), KeyModifiers::ALT));
        assert_eq!(app.note.as_ref().unwrap().doc.codings().len(), 1);
        let status = app.status.clone().unwrap().text;
        assert!(
            status.contains("Already coded") && status.contains(coding_store::short_id(&first)),
            "{status}"
        );
    }
}
