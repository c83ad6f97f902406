//! The codings pane and coding mode, a component of the open note: motions and selections,
//! the highlighted coding, adding and removing codings, memos, re-attaching orphans, the quick
//! keys, the coder filter and clicks in the pane.
//!
//! It reads the app-wide coding facts (who codes, the codebook, the coder filter, how often
//! each theme is used) and never changes them: it asks the app through its `Ctx` to count a
//! theme used (`Command::Coded`), to show other coders (`Command::ShowCoders`), to open the
//! theme picker (`Command::Pick`) or a prompt (`Command::Ask`). Saving is not its business: a
//! change marks the note's input time, and the app's timing rules take it from there.

use crate::core::coding::{same_coder, AnchorStatus, Coding};
use crate::core::coding_store;
use crate::core::document::NoteDocument;
use crate::core::text::one_line;
use crate::tui::coding::{filter_label, refuse_change, CodingState, PickFor, PromptFor};
use crate::tui::component::{Command, Ctx, Outcome};
use crate::tui::keymap::{self, Action, Context, Motion};
use crate::tui::layout;
use crate::tui::note::{NoteState, Pane};
use ratatui::layout::Rect;

/// The open note's codings pane and coding mode, over the app-wide coding facts.
pub struct CodingsPane<'a> {
    pub note: &'a mut NoteState,
    /// Read only: changes to it are asked of the app.
    pub coding: &'a CodingState,
}

/// `[start, end)` without the white space at either end.
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

/// The theme keys of the quick keys 1–9 (None: that key has no theme): the note's fixed keys
/// once fixed, else the current ranking.
pub fn quick_keys(note: &NoteState, coding: &CodingState) -> Vec<Option<String>> {
    match &note.coding.quick {
        Some(fixed) => fixed.clone(),
        None => coding
            .quick_themes()
            .into_iter()
            .map(|t| Some(t.key.clone()))
            .collect(),
    }
}

impl CodingsPane<'_> {
    /// An action in the codings pane (`Context::Codings`), in coding mode (`Context::Coding`),
    /// or one of the coding keys of the editor (`Context::Editor`).
    pub fn action(&mut self, context: Context, action: Action, ctx: &mut Ctx) -> Outcome {
        match action {
            Action::CodingMode => self.toggle_coding_mode(ctx),
            Action::CoderFilter => self.cycle_coder_filter(ctx),
            Action::ThemePicker => self.open_theme_picker(context, ctx),
            Action::QuickTheme(n) => {
                self.fix_quick_keys();
                let key = self
                    .quick_keys()
                    .get(n as usize - 1)
                    .cloned()
                    .flatten()
                    .filter(|k| self.coding.codebook.get(k).is_some());
                match key {
                    Some(k) => self.code_selection(&k, context, ctx),
                    None => ctx.error(format!("No theme {n}")),
                }
            }
            Action::RepeatTheme => match self.coding.last_theme.clone() {
                Some(k) => self.code_selection(&k, context, ctx),
                None => ctx.error(format!(
                    "No theme used yet: choose one with {} ({} in the editor)",
                    keymap::key(Context::Coding, Action::ThemePicker),
                    keymap::key(Context::Editor, Action::ThemePicker)
                )),
            },
            Action::Undo | Action::Redo => {
                if self.refused(ctx) {
                    return Outcome::Consumed;
                }
                let n = &mut *self.note;
                if action == Action::Undo {
                    n.doc.undo();
                } else {
                    n.doc.redo();
                }
                n.last_input = ctx.now;
            }
            Action::RemoveCoding => self.remove_coding(ctx),
            Action::CodingMemo => self.edit_coding_memo(ctx),
            Action::NoteMemo => {
                let coder = &self.coding.coder;
                ctx.command(Command::Ask {
                    purpose: PromptFor::NoteMemo,
                    title: format!("Your memo on this note ({coder})"),
                    text: self.note.doc.note_memo(coder).to_string(),
                });
            }
            Action::Back => self.back(context, ctx),
            Action::SelectMark => {
                let n = &mut *self.note;
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
            Action::SelectSentence | Action::SelectParagraph => {
                let n = &mut *self.note;
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
            Action::CodeMove(m) => self.motion(m),
            Action::Left(_)
            | Action::Right(_)
            | Action::LineUp(_)
            | Action::LineDown(_)
            | Action::WordLeft(_)
            | Action::WordRight(_) => {
                let n = &mut *self.note;
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
            Action::Up | Action::Down | Action::First | Action::Last => {
                let rows = self.coding.rows(&self.note.doc).len();
                let sel = &mut self.note.coding.selected;
                *sel = match action {
                    Action::Up => sel.saturating_sub(1),
                    Action::Down => (*sel + 1).min(rows.saturating_sub(1)),
                    Action::First => 0,
                    _ => rows.saturating_sub(1),
                };
                self.preview_highlighted();
            }
            Action::JumpToCoding => self.jump_to_coding(ctx),
            Action::ReattachOrphan => self.reattach_orphan(ctx),
            _ => return Outcome::NotConsumed,
        }
        Outcome::Consumed
    }

    /// The theme keys of the quick keys 1–9, as `quick_keys` says.
    pub fn quick_keys(&self) -> Vec<Option<String>> {
        quick_keys(self.note, self.coding)
    }

    /// Refuse a coding change (saying why) when the store is read-only, or for the moment
    /// kept codings are being restored (the codings shown are replaced when that lands).
    fn refused(&self, ctx: &mut Ctx) -> bool {
        refuse_change(ctx.read_only, self.note.coding.restoring(), ctx.status)
    }

    /// Select the highlighted coding's passage in the editor and go there; an orphan has no
    /// passage, and the status line says what can be done with it.
    fn jump_to_coding(&mut self, ctx: &mut Ctx) {
        let Some((c, _)) = self.highlighted_coding() else {
            return;
        };
        if c.status == AnchorStatus::Orphaned {
            ctx.info(format!(
                "Orphaned: its words “{}” are no longer in the note. Select new words in the editor and press {} here, or {} to discard it",
                one_line(&c.quote, 40),
                keymap::key(Context::Codings, Action::ReattachOrphan),
                keymap::key(Context::Codings, Action::RemoveCoding)
            ));
            return;
        }
        self.note.doc.editor_mut().set_selection(c.start, c.end);
        self.note.focus = Pane::Editor;
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
        let n = &mut *self.note;
        let rope = n.doc.editor().rope();
        let line = rope.char_to_line(c.start.min(rope.len_chars()));
        let page = n.view.page_rows().max(1);
        if line < n.view.top_line || line >= n.view.top_line + page {
            n.view.top_line = line.saturating_sub(1);
            n.view.top_row = 0;
        }
    }

    fn back(&mut self, context: Context, ctx: &mut Ctx) {
        let n = &mut *self.note;
        match context {
            Context::Coding => {
                // Only a selection you can see takes an Esc of its own: after `v`, before any
                // motion, the selection is empty (an anchor at the cursor, nothing drawn), so
                // Esc drops it and leaves coding mode at once.
                let visible = n.doc.editor().selection().is_some();
                n.doc.editor_mut().clear_selection();
                n.coding.visual = false;
                if !visible {
                    n.coding.mode = false;
                    ctx.info("Left coding mode");
                }
            }
            _ => n.focus = Pane::Editor,
        }
    }

    /// Fix the note's quick keys to the current ranking if they are not yet: they then keep
    /// their meaning until the note is closed. A theme added to a codebook of fewer than nine
    /// themes takes the next free key; no key ever changes to another theme.
    fn fix_quick_keys(&mut self) {
        let ranked: Vec<String> = self
            .coding
            .quick_themes()
            .into_iter()
            .map(|t| t.key.clone())
            .collect();
        let book = &self.coding.codebook;
        let fixed = self.note.coding.quick.get_or_insert_with(Vec::new);
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

    fn toggle_coding_mode(&mut self, ctx: &mut Ctx) {
        if !self.note.coding.mode {
            self.fix_quick_keys();
        }
        let n = &mut *self.note;
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
        ctx.info(msg);
    }

    /// Show your codings only, then each other coder's in turn, then everyone's again.
    fn cycle_coder_filter(&mut self, ctx: &mut Ctx) {
        let mut coders: Vec<String> = vec![self.coding.coder.clone()];
        for c in self.note.doc.codings() {
            if !coders.contains(&c.coder) {
                coders.push(c.coder.clone());
            }
        }
        coders[1..].sort();
        let next = match &self.coding.filter {
            None => Some(coders[0].clone()),
            Some(cur) => {
                let i = coders.iter().position(|c| c == cur).unwrap_or(0);
                coders.get(i + 1).cloned()
            }
        };
        self.note.coding.selected = 0;
        ctx.info(format!(
            "Showing codings of {}",
            filter_label(next.as_deref())
        ));
        ctx.command(Command::ShowCoders(next));
    }

    fn motion(&mut self, m: Motion) {
        let n = &mut *self.note;
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
    fn passage(&self, context: Context) -> Option<(usize, usize)> {
        let ed = self.note.doc.editor();
        let r = ed.selection().or_else(|| {
            if context == Context::Coding {
                ed.sentence_at(ed.cursor())
            } else {
                None
            }
        })?;
        let (s, e) = trim_range(&self.note.doc, r.0, r.1);
        (s < e).then_some((s, e))
    }

    /// The coding the current context points at: the highlighted row of the codings pane, or
    /// (in the editor) the shortest visible coding under the cursor, preferring your own.
    fn highlighted_coding(&self) -> Option<(Coding, usize)> {
        let n = &*self.note;
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
    fn my_highlighted_coding(&self, ctx: &mut Ctx) -> Option<Coding> {
        if self.refused(ctx) {
            return None;
        }
        let Some((c, _)) = self.highlighted_coding() else {
            ctx.info("No coding here");
            return None;
        };
        self.mine(&c, ctx).then_some(c)
    }

    fn mine(&self, c: &Coding, ctx: &mut Ctx) -> bool {
        if !same_coder(&c.coder, &self.coding.coder) {
            ctx.error(format!(
                "That coding is {}'s; you code as {} ({})",
                c.coder,
                self.coding.coder,
                keymap::hints(
                    Context::Codings,
                    &[keymap::Hint::All(Action::CoderFilter, "shows only yours")]
                )
            ));
            return false;
        }
        true
    }

    /// Ask for the theme picker: a new theme for the highlighted coding (in the pane), else a
    /// theme for the passage.
    fn open_theme_picker(&mut self, context: Context, ctx: &mut Ctx) {
        let fallback = self.coding.codebook_problem.is_some();
        let (purpose, title) = if context == Context::Codings {
            let Some(c) = self.my_highlighted_coding(ctx) else {
                return;
            };
            (
                PickFor::ChangeTheme(c.id.clone()),
                format!("New theme for “{}”", one_line(&c.quote, 30)),
            )
        } else {
            if self.refused(ctx) {
                return;
            }
            let Some((s, e)) = self.passage(context) else {
                ctx.error(
                    "Select a passage first (Shift+arrows, mouse drag; in coding mode v or s)",
                );
                return;
            };
            let quote = self.note.doc.editor().slice(s, e);
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
        ctx.command(Command::Pick {
            purpose,
            title,
            top_level: false,
        });
    }

    /// Code the passage of `context` with `theme`.
    fn code_selection(&mut self, theme: &str, context: Context, ctx: &mut Ctx) {
        if self.refused(ctx) {
            return;
        }
        let Some((s, e)) = self.passage(context) else {
            ctx.error("Select a passage first (Shift+arrows, mouse drag; in coding mode v or s)");
            return;
        };
        self.add_coding(s, e, theme, context == Context::Coding, ctx);
    }

    /// Code `[s, e)` with `theme` (the selection cleared unless `keep_selection`).
    pub fn add_coding(
        &mut self,
        s: usize,
        e: usize,
        theme: &str,
        keep_selection: bool,
        ctx: &mut Ctx,
    ) {
        let coder = &self.coding.coder;
        let name = self
            .coding
            .codebook
            .get(theme)
            .map_or(theme.to_string(), |t| t.name.clone());
        let n = &mut *self.note;
        let text = n.doc.text();
        let coding = match coding_store::new_coding(&text, &n.meta.id, s, e, theme, coder, "") {
            Ok(c) => c,
            Err(err) => {
                ctx.error(err.to_string());
                return;
            }
        };
        let quote = one_line(&coding.quote, 40);
        match n.doc.add_coding(coding) {
            Ok(()) => {}
            Err(crate::core::document::DocumentError::Duplicate { id, .. }) => {
                ctx.info(format!(
                    "Already coded as {name}: your coding {} · nothing added",
                    coding_store::short_id(&id)
                ));
                return;
            }
            Err(err) => {
                ctx.error(err.to_string());
                return;
            }
        }
        n.last_input = ctx.now;
        if !keep_selection {
            n.doc.editor_mut().clear_selection();
        }
        ctx.command(Command::Coded(theme.to_string()));
        let hint = if self.coding.codebook_problem.is_some() {
            " (built-in codebook: the store's is invalid)"
        } else {
            ""
        };
        ctx.ok(format!(
            "Coded “{quote}” as {name}{hint} · {} undoes",
            keymap::key(Context::Editor, Action::Undo)
        ));
    }

    fn remove_coding(&mut self, ctx: &mut Ctx) {
        let Some(c) = self.my_highlighted_coding(ctx) else {
            return;
        };
        let n = &mut *self.note;
        if let Err(e) = n.doc.remove_coding(&c.id) {
            ctx.error(e.to_string());
            return;
        }
        n.last_input = ctx.now;
        let rows = self.coding.rows(&n.doc).len();
        n.coding.selected = n.coding.selected.min(rows.saturating_sub(1));
        ctx.ok(format!(
            "Removed {} from “{}” · {} undoes",
            c.theme,
            one_line(&c.quote, 40),
            keymap::key(Context::Editor, Action::Undo)
        ));
    }

    /// Ask for a memo on the highlighted coding.
    fn edit_coding_memo(&mut self, ctx: &mut Ctx) {
        let Some(c) = self.my_highlighted_coding(ctx) else {
            return;
        };
        ctx.command(Command::Ask {
            purpose: PromptFor::CodingMemo(c.id.clone()),
            title: format!("Memo on {} “{}”", c.theme, one_line(&c.quote, 30)),
            text: c.memo,
        });
    }

    /// Attach the highlighted orphan to the words selected in the editor.
    fn reattach_orphan(&mut self, ctx: &mut Ctx) {
        if self.refused(ctx) {
            return;
        }
        let Some((c, _)) = self.highlighted_coding() else {
            return;
        };
        if c.status != AnchorStatus::Orphaned {
            ctx.info("This coding is attached; a re-attaches orphaned codings only");
            return;
        }
        if !self.mine(&c, ctx) {
            return;
        }
        let n = &mut *self.note;
        let Some((s, e)) = n.doc.editor().selection() else {
            ctx.error(format!(
                "Select the words in the editor first ({tab} back there, select, {tab} here, {})",
                keymap::key(Context::Codings, Action::ReattachOrphan),
                tab = keymap::key(Context::Editor, Action::NextPane)
            ));
            return;
        };
        let (s, e) = trim_range(&n.doc, s, e);
        match n.doc.set_coding_range(&c.id, s, e) {
            Ok(()) => {
                n.last_input = ctx.now;
                ctx.ok(format!(
                    "Re-attached · {} undoes",
                    keymap::key(Context::Editor, Action::Undo)
                ));
            }
            Err(err) => ctx.error(err.to_string()),
        }
    }

    /// A click at row `y` of the side panel `side` while it shows the codings: focus the pane
    /// and highlight the row; a click on the highlighted row goes to its passage. Not
    /// consumed when the panel shows something else.
    pub fn click(&mut self, side: Rect, y: u16, ctx: &mut Ctx) -> Outcome {
        let n = &*self.note;
        let shows = n.focus == Pane::Codings || (n.focus == Pane::Editor && n.coding.side_codings);
        if !shows {
            return Outcome::NotConsumed;
        }
        let rows = self.coding.rows(&n.doc).len();
        let sel = n.coding.selected.min(rows.saturating_sub(1));
        let hit = layout::codings_row_at(side, y, sel, rows);
        let again = n.focus == Pane::Codings && hit == Some(sel);
        let n = &mut *self.note;
        n.focus = Pane::Codings;
        if let Some(r) = hit {
            n.coding.selected = r;
        }
        if again {
            // Jumping moves the view only: it asks nothing of the disk.
            self.jump_to_coding(ctx);
        }
        Outcome::Consumed
    }
}
