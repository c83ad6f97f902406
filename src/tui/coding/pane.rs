//! The codings pane and coding mode: motions and selections, the highlighted coding, adding
//! and removing codings, memos, re-attaching orphans, the quick keys, the coder filter and
//! clicks in the pane.

use super::{PickFor, Picker, Prompt, PromptFor};
use crate::core::coding::{same_coder, AnchorStatus, Coding};
use crate::core::coding_store;
use crate::core::document::NoteDocument;
use crate::core::text::one_line;
use crate::tui::app::{App, Pane, StatusKind};
use crate::tui::effect::Effects;
use crate::tui::keymap::{self, Action, Context, Motion};

pub(super) fn trim_range(doc: &NoteDocument, start: usize, end: usize) -> (usize, usize) {
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
    /// An action in the codings pane, in coding mode, or one of the coding keys of the editor.
    pub(super) fn pane_action(&mut self, ctx: Context, action: Action, out: &mut Effects) {
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
    pub(super) fn preview_highlighted(&mut self) {
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

    pub(super) fn coding_back(&mut self, ctx: Context) {
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
    pub(super) fn fix_quick_keys(&mut self) {
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

    pub(super) fn toggle_coding_mode(&mut self) {
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

    pub(super) fn cycle_coder_filter(&mut self) {
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

    pub(super) fn coding_motion(&mut self, m: Motion) {
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
    pub(super) fn passage(&self, ctx: Context) -> Option<(usize, usize)> {
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
    pub(super) fn highlighted_coding(&self) -> Option<(Coding, usize)> {
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
    pub(super) fn my_highlighted_coding(&mut self) -> Option<Coding> {
        if self.refuse_read_only() {
            return None;
        }
        let Some((c, _)) = self.highlighted_coding() else {
            self.set_status(StatusKind::Info, "No coding here");
            return None;
        };
        self.mine(&c).then_some(c)
    }

    pub(super) fn mine(&mut self, c: &Coding) -> bool {
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

    pub(super) fn open_theme_picker(&mut self, ctx: Context) {
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
    pub(super) fn code_selection(&mut self, theme: &str, ctx: Context) {
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

    pub(super) fn add_coding(&mut self, s: usize, e: usize, theme: &str, keep_selection: bool) {
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

    pub(super) fn remove_coding(&mut self) {
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

    pub(super) fn edit_coding_memo(&mut self) {
        let Some(c) = self.my_highlighted_coding() else {
            return;
        };
        self.coding.prompt = Some(Prompt::new(
            PromptFor::CodingMemo(c.id.clone()),
            format!("Memo on {} “{}”", c.theme, one_line(&c.quote, 30)),
            &c.memo,
        ));
    }

    pub(super) fn reattach_orphan(&mut self) {
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
}
