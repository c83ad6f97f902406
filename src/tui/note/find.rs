//! Find and replace in the open note: a bar over the status line with a find field and a
//! replace field. Finding is incremental (each typed character moves to the nearest match from
//! where find was opened) and folded like search (`core::find`): "dona" finds "Doña". Every
//! match is highlighted; the current one is selected in the editor, so closing the bar leaves
//! it selected. Replacing goes through the document (codings move with the text) and each
//! replacement — one, or all at once — is one undo step.

use crate::core::find::{crosses_line_break, nearest, Finder};
use crate::tui::component::{Ctx, Outcome};
use crate::tui::keymap::Action;
use crate::tui::line_input::{pasted_line, LineInput};
use crate::tui::note::NoteState;

/// Which field of the bar has the keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindField {
    Find,
    Replace,
}

/// The find bar's state.
#[derive(Debug)]
pub struct FindBar {
    pub query: LineInput,
    pub replacement: LineInput,
    pub field: FindField,
    /// The matches of `query` in the text at editor version `version`.
    pub matches: Vec<(usize, usize)>,
    /// The match selected in the editor, if any.
    pub current: Option<usize>,
    version: u64,
    matched_query: String,
    /// The note folded, at an editor version.
    finder: Option<(u64, Finder)>,
    /// Where the cursor was when the bar opened: typing finds from there.
    origin: usize,
}

impl FindBar {
    fn new(query: String, origin: usize) -> FindBar {
        FindBar {
            query: LineInput::new(query),
            replacement: LineInput::default(),
            field: FindField::Find,
            matches: Vec::new(),
            current: None,
            version: u64::MAX,
            matched_query: String::new(),
            finder: None,
            origin,
        }
    }

    /// The matches to highlight for the text at editor `version` (none if it changed since).
    pub fn hits(&self, version: u64) -> &[(usize, usize)] {
        if self.version == version {
            &self.matches
        } else {
            &[]
        }
    }

    fn input(&mut self) -> &mut LineInput {
        match self.field {
            FindField::Find => &mut self.query,
            FindField::Replace => &mut self.replacement,
        }
    }
}

impl NoteState {
    /// Open the find bar (or go back to its find field): it starts with the selected text when
    /// a short one-line selection is made, else empty.
    pub fn open_find(&mut self) {
        if let Some(f) = &mut self.find {
            f.field = FindField::Find;
            return;
        }
        let e = self.doc.editor();
        let selected = e
            .selected_text()
            .filter(|t| !t.contains('\n') && t.chars().count() <= 80)
            .unwrap_or_default();
        let origin = e.selection().map_or(e.cursor(), |(s, _)| s);
        self.find = Some(FindBar::new(selected, origin));
        self.refresh_find();
        if self.find.as_ref().is_some_and(|f| !f.query.is_empty()) {
            self.go_to_match(true, origin);
        }
    }

    /// Bring the matches up to date with the text and the query.
    pub fn refresh_find(&mut self) {
        let version = self.doc.editor().version();
        let Some(f) = &mut self.find else { return };
        if f.version == version && f.matched_query == f.query.text() {
            return;
        }
        if f.finder.as_ref().is_none_or(|(v, _)| *v != version) {
            f.finder = Some((version, Finder::new(&self.doc.editor().text())));
        }
        let finder = &f.finder.as_ref().expect("made above").1;
        f.matches = finder.find(f.query.text());
        f.matched_query = f.query.text().to_string();
        f.version = version;
        let sel = self.doc.editor().selection();
        f.current = sel.and_then(|s| f.matches.iter().position(|m| *m == s));
    }

    /// Select the match nearest `from` (forward, or backward), wrapping around; with none,
    /// the cursor goes back to where find started.
    fn go_to_match(&mut self, forward: bool, from: usize) {
        self.refresh_find();
        let Some(f) = &mut self.find else { return };
        f.current = nearest(&f.matches, from, forward);
        let e = self.doc.editor_mut();
        match f.current {
            Some(i) => {
                let (s, end) = f.matches[i];
                e.set_selection(s, end);
            }
            None => {
                e.clear_selection();
                e.set_cursor(f.origin.min(e.len_chars()), false);
            }
        }
    }

    /// The next (or previous) match from the current one; the bar may be closed (F3 in the
    /// editor finds the last query again).
    pub fn find_again(&mut self, forward: bool, ctx: &mut Ctx) {
        if self.find.is_none() {
            if self.last_find.is_empty() {
                ctx.info(format!(
                    "Nothing to find yet: {} finds in the note",
                    crate::tui::keymap::key(crate::tui::keymap::Context::Editor, Action::Find)
                ));
                return;
            }
            let origin = self.doc.editor().cursor();
            self.find = Some(FindBar::new(self.last_find.clone(), origin));
            self.step_match(forward);
            self.close_find();
        } else {
            self.step_match(forward);
        }
        self.say_matches(ctx);
    }

    fn step_match(&mut self, forward: bool) {
        self.refresh_find();
        let Some(f) = &self.find else { return };
        if f.query.is_empty() && !self.last_find.is_empty() {
            let last = self.last_find.clone();
            if let Some(f) = &mut self.find {
                f.query.set(last);
            }
            self.refresh_find();
        }
        let e = self.doc.editor();
        let from = match (e.selection(), forward) {
            (Some((s, _)), true) => s + 1,
            (Some((s, _)), false) => s,
            (None, _) => e.cursor(),
        };
        self.go_to_match(forward, from);
    }

    /// Close the bar, keeping its query for F3 and the match selected.
    pub fn close_find(&mut self) {
        if let Some(f) = self.find.take() {
            if !f.query.is_empty() {
                self.last_find = f.query.text().to_string();
            }
        }
    }

    fn say_matches(&mut self, ctx: &mut Ctx) {
        let Some(f) = &self.find else {
            return;
        };
        if !f.query.is_empty() && f.matches.is_empty() {
            ctx.info(format!("No match for “{}”", f.query.text()));
        }
    }

    /// A character typed into the bar.
    pub fn find_typed(&mut self, c: char) {
        let Some(f) = &mut self.find else { return };
        f.input().insert(c);
        if f.field == FindField::Find {
            let origin = f.origin;
            self.go_to_match(true, origin);
        }
    }

    /// Text pasted into the bar (as one line).
    pub fn find_paste(&mut self, text: &str) {
        let Some(f) = &mut self.find else { return };
        f.input().insert_str(&pasted_line(text));
        if f.field == FindField::Find {
            let origin = f.origin;
            self.go_to_match(true, origin);
        }
    }

    pub fn find_action(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let Some(f) = &mut self.find else {
            return Outcome::NotConsumed;
        };
        let edits_query = f.field == FindField::Find;
        let changed = match action {
            Action::Backspace => f.input().backspace(),
            Action::Delete => f.input().delete(),
            Action::DeleteWordBack => f.input().delete_word_back(),
            Action::ClearFilter => f.input().clear(),
            Action::Left(_) => {
                f.input().left();
                false
            }
            Action::Right(_) => {
                f.input().right();
                false
            }
            Action::LineStart(_) => {
                f.input().home();
                false
            }
            Action::LineEnd(_) => {
                f.input().end();
                false
            }
            Action::FindField => {
                f.field = match f.field {
                    FindField::Find => FindField::Replace,
                    FindField::Replace => FindField::Find,
                };
                false
            }
            Action::FindNext | Action::FindPrev => {
                self.step_match(action == Action::FindNext);
                self.say_matches(ctx);
                return Outcome::Consumed;
            }
            Action::ReplaceOne => {
                self.replace_one(ctx);
                return Outcome::Consumed;
            }
            Action::ReplaceAll => {
                self.replace_all(ctx);
                return Outcome::Consumed;
            }
            Action::Undo => {
                self.edit(ctx, |d| {
                    d.undo();
                });
                self.refresh_find();
                return Outcome::Consumed;
            }
            Action::Back => {
                self.close_find();
                return Outcome::Consumed;
            }
            _ => return Outcome::NotConsumed,
        };
        if changed && edits_query {
            let origin = f.origin;
            self.go_to_match(true, origin);
        }
        Outcome::Consumed
    }

    /// Replace the selected match and go to the next one (the first press, when no match is
    /// selected, only goes to one).
    fn replace_one(&mut self, ctx: &mut Ctx) {
        self.refresh_find();
        let Some(f) = &self.find else { return };
        let Some((s, e)) = f.current.map(|i| f.matches[i]) else {
            self.step_match(true);
            self.say_matches(ctx);
            return;
        };
        let with = f.replacement.text().to_string();
        if crosses_line_break(&self.doc.editor().slice(s, e)) {
            self.go_to_match(true, e);
            ctx.info(
                "Not replaced: this match runs across a line break, and replacing it would join \
                 the lines; edit it by hand",
            );
            return;
        }
        self.doc.break_undo_group();
        self.edit(ctx, |d| {
            d.replace_range(s, e, &with);
        });
        self.doc.break_undo_group();
        let after = s + with.chars().count();
        self.go_to_match(true, after);
        let left = self.find.as_ref().map_or(0, |f| f.matches.len());
        ctx.ok(format!("Replaced 1 ({left} left)"));
    }

    fn replace_all(&mut self, ctx: &mut Ctx) {
        self.refresh_find();
        let Some(f) = &self.find else { return };
        if f.matches.is_empty() {
            self.say_matches(ctx);
            return;
        }
        let with = f.replacement.text().to_string();
        let editor = self.doc.editor();
        type Ranges = Vec<(usize, usize)>;
        let (across, ranges): (Ranges, Ranges) = f
            .matches
            .iter()
            .partition(|&&(s, e)| crosses_line_break(&editor.slice(s, e)));
        let kept = match across.len() {
            0 => String::new(),
            1 => "; 1 match across a line break left as it is (no lines joined)".into(),
            n => format!("; {n} matches across a line break left as they are (no lines joined)"),
        };
        if ranges.is_empty() {
            ctx.info(format!("Replaced 0{kept}"));
            return;
        }
        self.doc.break_undo_group();
        self.edit(ctx, |d| {
            d.replace_ranges(&ranges, &with);
        });
        self.doc.break_undo_group();
        self.refresh_find();
        if ctx.read_only.is_none() {
            ctx.ok(format!(
                "Replaced {} (one undo step: {} takes them back){kept}",
                ranges.len(),
                crate::tui::keymap::key(crate::tui::keymap::Context::Find, Action::Undo)
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::session::{Session, SessionMeta};
    use crate::tui::component::Harness;
    use crate::tui::note::Pane;
    use std::time::Instant;

    fn note(text: &str) -> NoteState {
        NoteState::new(
            Session {
                meta: SessionMeta::new_today("me"),
                text: text.into(),
            },
            Pane::Editor,
            Instant::now(),
        )
    }

    fn typed(n: &mut NoteState, s: &str) {
        for c in s.chars() {
            n.find_typed(c);
        }
    }

    #[test]
    fn typing_finds_incrementally_from_the_cursor_whatever_the_accents() {
        let mut n = note("Doña Ana. Later dona ana came. DOÑA ANA left.");
        n.doc.editor_mut().set_cursor(5, false);
        n.open_find();
        typed(&mut n, "d");
        let f = n.find.as_ref().unwrap();
        assert_eq!(f.matches.len(), 3, "the d of each Doña");
        assert_eq!(
            n.doc.editor().selection(),
            Some((16, 17)),
            "first from the cursor"
        );
        typed(&mut n, "ona ana");
        assert_eq!(n.doc.editor().selected_text().as_deref(), Some("dona ana"));
        let mut h = Harness::default();
        n.find_action(Action::FindNext, &mut h.ctx());
        assert_eq!(n.doc.editor().selected_text().as_deref(), Some("DOÑA ANA"));
        n.find_action(Action::FindNext, &mut h.ctx());
        assert_eq!(
            n.doc.editor().selection(),
            Some((0, 8)),
            "wraps to the first"
        );
        n.find_action(Action::FindPrev, &mut h.ctx());
        assert_eq!(n.doc.editor().selected_text().as_deref(), Some("DOÑA ANA"));
        typed(&mut n, "x");
        assert!(n.find.as_ref().unwrap().matches.is_empty());
        assert_eq!(n.doc.editor().selection(), None);
        assert_eq!(
            n.doc.editor().cursor(),
            5,
            "no match: back where find started"
        );
        n.find_action(Action::Backspace, &mut h.ctx());
        n.find_action(Action::Back, &mut h.ctx());
        assert!(n.find.is_none());
        assert_eq!(n.last_find, "dona ana");
        assert_eq!(
            n.doc.editor().selection(),
            Some((16, 24)),
            "the match stays selected"
        );
        n.find_again(true, &mut h.ctx());
        assert_eq!(n.doc.editor().selected_text().as_deref(), Some("DOÑA ANA"));
    }

    #[test]
    fn replace_one_then_all_each_one_undo_step() {
        let mut n = note("café, cafe, CAFÉ 会议 cafe 🎉");
        let mut h = Harness::default();
        n.open_find();
        typed(&mut n, "cafe");
        n.find_action(Action::FindField, &mut h.ctx());
        typed(&mut n, "té");
        n.find_action(Action::ReplaceOne, &mut h.ctx());
        assert_eq!(n.doc.editor().text(), "té, cafe, CAFÉ 会议 cafe 🎉");
        assert_eq!(n.doc.editor().selected_text().as_deref(), Some("cafe"));
        n.find_action(Action::ReplaceAll, &mut h.ctx());
        assert_eq!(n.doc.editor().text(), "té, té, té 会议 té 🎉");
        assert!(h.said().contains("Replaced 3"), "{}", h.said());
        assert!(n.find.as_ref().unwrap().matches.is_empty());
        n.find_action(Action::Undo, &mut h.ctx());
        assert_eq!(
            n.doc.editor().text(),
            "té, cafe, CAFÉ 会议 cafe 🎉",
            "all at once"
        );
        assert_eq!(
            n.find.as_ref().unwrap().matches.len(),
            3,
            "matches follow the text"
        );
        n.find_action(Action::Undo, &mut h.ctx());
        assert_eq!(n.doc.editor().text(), "café, cafe, CAFÉ 会议 cafe 🎉");
    }

    /// A space typed in the query matches a line break too (a find crosses wrapped lines), but
    /// a replace never joins two lines.
    #[test]
    fn replace_leaves_a_match_across_a_line_break() {
        let text = "Met with La Casa\nin Doña Ana.\n\nLa Casa staff said yes.";
        let mut n = note(text);
        let mut h = Harness::default();
        n.open_find();
        typed(&mut n, "casa ");
        assert_eq!(n.find.as_ref().unwrap().matches.len(), 2);
        n.find_action(Action::FindField, &mut h.ctx());
        typed(&mut n, "Casa Familia ");
        n.find_action(Action::ReplaceAll, &mut h.ctx());
        assert_eq!(
            n.doc.editor().text(),
            "Met with La Casa\nin Doña Ana.\n\nLa Casa Familia staff said yes."
        );
        assert!(
            h.said().contains("Replaced 1") && h.said().contains("1 match across a line break"),
            "{}",
            h.said()
        );
        // One at a time: the match across the line is gone to, and left.
        let mut n = note(text);
        n.open_find();
        typed(&mut n, "casa ");
        n.find_action(Action::FindField, &mut h.ctx());
        typed(&mut n, "X ");
        n.find_action(Action::ReplaceOne, &mut h.ctx());
        assert_eq!(n.doc.editor().text(), text, "{}", h.said());
        assert!(h.said().contains("across a line break"), "{}", h.said());
        n.find_action(Action::ReplaceOne, &mut h.ctx());
        assert_eq!(
            n.doc.editor().text(),
            "Met with La Casa\nin Doña Ana.\n\nLa X staff said yes."
        );
    }

    #[test]
    fn a_read_only_store_replaces_nothing() {
        let mut n = note("uno uno");
        let mut h = Harness::default();
        n.open_find();
        typed(&mut n, "uno");
        n.find_action(Action::ReplaceAll, &mut h.ctx_read_only(Some("locked")));
        assert_eq!(n.doc.editor().text(), "uno uno");
    }
}
