//! The writing aids of the note screen, as the app routes them: find and replace, spelling
//! suggestions, focus mode and the collapsible details pane. Their state lives in the note
//! (`note::find`), in `tui::spell` and in `Room`; this routes keys to them.

use super::{App, Screen};
use crate::core::coding::AnchorStatus;
use crate::tui::effect::Effects;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout::Room;
use crate::tui::note::Pane;
use crate::tui::spell::{SpellLoaded, SpellMenu, SpellState};
use crate::tui::text_view::TextViewStyle;
use crate::tui::worker::Request;

/// Notes (and selections) up to this many characters are counted at every change; longer ones
/// once changes pause for `WORDS_IDLE`.
const WORDS_AT_ONCE: usize = 20_000;
const WORDS_IDLE: std::time::Duration = std::time::Duration::from_millis(300);

/// Suggestions shown at most.
const SUGGESTIONS: usize = 8;

impl App {
    /// The key context of the writing aids, when one has the keys.
    pub(crate) fn writing_context(&self) -> Option<Context> {
        if self.screen != Screen::Note || self.overlay.is_some() {
            return None;
        }
        let n = self.note.as_ref()?;
        if n.focus != Pane::Editor || n.coding.mode {
            return None;
        }
        if self.spell.menu.is_some() {
            return Some(Context::Spelling);
        }
        n.find.is_some().then_some(Context::Find)
    }

    /// The note view's style: no margin in focus mode, nor while the note has no codings to
    /// list there (the text takes the room).
    pub fn note_style(&self) -> TextViewStyle {
        let mut style = TextViewStyle::new(self.no_color);
        let coded = self.note.as_ref().is_some_and(|n| {
            n.coding.mode
                || n.doc
                    .codings()
                    .iter()
                    .any(|c| c.status == AnchorStatus::Attached)
        });
        if self.room.focus || !coded {
            style.margin_width = 0;
        }
        style
    }

    /// The room the note screen gives the text.
    pub fn room(&self) -> Room {
        self.room
    }

    /// Handle `action` if it is one of the writing aids'; false leaves it to the rest.
    pub(crate) fn writing_action(
        &mut self,
        ctx: Context,
        action: Action,
        out: &mut Effects,
    ) -> bool {
        match ctx {
            Context::Find => {
                let mut consumed = false;
                self.note_do(out, |n, _, cx| {
                    consumed = n.find_action(action, cx).consumed();
                });
                consumed
            }
            Context::Spelling => {
                self.spelling_action(action, out);
                true
            }
            Context::Editor => match action {
                Action::Find => {
                    if let Some(n) = &mut self.note {
                        n.doc.break_undo_group();
                        n.open_find();
                    }
                    true
                }
                Action::FindNext | Action::FindPrev => {
                    self.note_do(out, |n, _, cx| n.find_again(action == Action::FindNext, cx));
                    true
                }
                Action::Spelling => {
                    self.open_spelling();
                    true
                }
                Action::FocusMode => {
                    self.room.focus = !self.room.focus;
                    self.info(if self.room.focus {
                        format!(
                            "Focus mode: only the text ({} again to leave)",
                            keymap::key(Context::Editor, Action::FocusMode)
                        )
                    } else {
                        "Focus mode off".to_string()
                    });
                    true
                }
                Action::ToggleDetails => {
                    self.room.details_hidden = !self.room.details_hidden;
                    self.info(if self.room.details_hidden {
                        format!(
                            "Details pane collapsed ({} shows it; {} still goes to it)",
                            keymap::key(Context::Editor, Action::ToggleDetails),
                            keymap::key(Context::Editor, Action::NextPane)
                        )
                    } else {
                        "Details pane shown".to_string()
                    });
                    true
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// A character typed while a writing aid has the keys.
    pub(crate) fn writing_typed(&mut self, ctx: Context, c: char) {
        if ctx == Context::Find {
            if let Some(n) = &mut self.note {
                n.find_typed(c);
            }
        }
    }

    /// Text pasted while a writing aid has the keys (true: it took it).
    pub(crate) fn writing_paste(&mut self, text: &str) -> bool {
        match self.writing_context() {
            Some(Context::Find) => {
                if let Some(n) = &mut self.note {
                    n.find_paste(text);
                }
                true
            }
            Some(_) => true,
            None => false,
        }
    }

    /// F7: the suggestions for the word at the cursor.
    fn open_spelling(&mut self) {
        let Some(n) = &self.note else { return };
        if !self.spell.loaded {
            self.info("Spell check: the dictionaries are still loading");
            return;
        }
        if !self.spell.active() {
            let said = self
                .spell
                .notice
                .take()
                .unwrap_or_else(|| "Spell check is off: no dictionary was found".to_string());
            self.info(said);
            return;
        }
        let e = n.doc.editor();
        let Some((word, range)) = SpellState::word_at(e.rope(), e.cursor()) else {
            self.info("No word to check at the cursor");
            return;
        };
        if self.spell.check(&word) {
            self.info(format!("“{word}” is spelt right"));
            return;
        }
        let suggestions = self
            .spell
            .speller
            .as_ref()
            .map(|s| s.suggest(&word, SUGGESTIONS))
            .unwrap_or_default();
        self.spell.menu = Some(SpellMenu {
            word,
            range,
            version: e.version(),
            suggestions,
            selected: 0,
        });
    }

    fn spelling_action(&mut self, action: Action, out: &mut Effects) {
        let Some(menu) = &mut self.spell.menu else {
            return;
        };
        match action {
            Action::Up => menu.selected = menu.selected.checked_sub(1).unwrap_or(menu.rows() - 1),
            Action::Down => menu.selected = (menu.selected + 1) % menu.rows(),
            Action::Cancel | Action::Back => self.spell.menu = None,
            Action::AddWord => self.add_word(out),
            Action::Accept if menu.selected == menu.suggestions.len() => self.add_word(out),
            Action::Accept => {
                let menu = self.spell.menu.take().expect("checked above");
                let with = menu.suggestions[menu.selected].clone();
                let fresh = self
                    .note
                    .as_ref()
                    .is_some_and(|n| n.doc.editor().version() == menu.version);
                if !fresh {
                    self.error("The text changed: check the word again");
                    return;
                }
                let (s, e) = menu.range;
                self.note_do(out, |n, _, cx| {
                    n.doc.break_undo_group();
                    n.edit(cx, |d| {
                        d.replace_range(s, e, &with);
                    });
                    n.doc.break_undo_group();
                });
            }
            _ => {}
        }
    }

    fn add_word(&mut self, out: &mut Effects) {
        let Some(menu) = self.spell.menu.take() else {
            return;
        };
        if let Some(why) = &self.read_only {
            self.error(format!("Read-only, the word list cannot change: {why}"));
            return;
        }
        // Accepted at once; the file follows on the IO thread.
        self.spell.learn(&menu.word);
        out.push(Request::AddWord(menu.word));
    }

    pub(super) fn spell_loaded(&mut self, loaded: SpellLoaded) {
        if let Some(said) = self.spell.take(loaded) {
            self.spell.notice = Some(said);
        }
    }

    pub(super) fn word_added(&mut self, word: String, result: Result<(), String>) {
        match result {
            Ok(()) => self.ok(format!(
                "“{word}” added to the word list ({})",
                crate::core::spell::WORDS_FILE
            )),
            Err(e) => self.error(format!(
                "“{word}” is accepted for now but could not be added to {}: {e}",
                crate::core::spell::WORDS_FILE
            )),
        }
    }

    /// Settle the writing aids (run with the note view's settle): the word counts, the
    /// misspelt words on screen, and the one notice about spell checking.
    pub(crate) fn settle_writing(&mut self) {
        if self.spell.notice.is_some() && self.status.is_none() && self.screen == Screen::Note {
            let said = self.spell.notice.take().expect("checked");
            self.info(said);
        }
        let Some(n) = &mut self.note else { return };
        let e = n.doc.editor();
        let version = e.version();
        // A long note is counted again once typing or selecting pauses (a 20,000-word note
        // takes milliseconds to count: not on every keystroke); a short one at once.
        let sel = e.selection();
        let seen = (version, sel);
        if n.words_seen.is_none_or(|(s, _)| s != seen) {
            n.words_seen = Some((seen, self.now));
        }
        let settled = n
            .words_seen
            .is_some_and(|(_, since)| self.now.duration_since(since) >= WORDS_IDLE);
        let cheap = e.len_chars() <= WORDS_AT_ONCE;
        if n.words.is_none_or(|(v, _)| v != version) && (cheap || settled || n.words.is_none()) {
            n.words = Some((version, crate::core::words::count_words_rope(e.rope())));
        }
        match sel {
            None => n.selection_words = None,
            Some(sel) => {
                let fresh = n
                    .selection_words
                    .is_some_and(|(v, s, _)| v == version && s == sel);
                let small = sel.1 - sel.0 <= WORDS_AT_ONCE;
                if !fresh && (small || settled) {
                    n.selection_words = Some((
                        version,
                        sel,
                        crate::core::words::count_words_in(e.rope(), sel.0, sel.1),
                    ));
                }
            }
        }
        n.misspelt = match n.view.lines_on_screen() {
            Some((first, last)) if self.spell.active() => self.spell.marks(e.rope(), first, last),
            _ => Vec::new(),
        };
        if let Some(m) = &self.spell.menu {
            if m.version != version {
                self.spell.menu = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::session::{Session, SessionMeta};
    use crate::tui::app::{Msg, NoteFile, NoteState};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use std::time::{Duration, Instant};

    fn app_with_note(text: &str, now: Instant) -> App {
        let mut app = App::new("test".into(), "me".into(), None, now);
        let mut n = NoteState::new(
            Session {
                meta: SessionMeta::new_today("me"),
                text: text.into(),
            },
            Pane::Editor,
            now,
        );
        n.file = NoteFile::Known(None);
        app.note = Some(n);
        app.screen = Screen::Note;
        app.update(Msg::Resize(100, 30), now);
        app
    }

    fn words(app: &App) -> usize {
        app.note.as_ref().unwrap().words.unwrap().1
    }

    #[test]
    fn a_short_note_is_counted_at_once_a_long_one_when_typing_pauses() {
        let t0 = Instant::now();
        let key = |c| Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        let mut app = app_with_note("uno dos", t0);
        assert_eq!(words(&app), 2);
        app.note
            .as_mut()
            .unwrap()
            .doc
            .editor_mut()
            .move_doc_end(false);
        app.update(key(' '), t0);
        app.update(key('x'), t0);
        assert_eq!(words(&app), 3, "at once");

        let long = "palabra ".repeat(3_000);
        let mut app = app_with_note(&long, t0);
        assert_eq!(words(&app), 3_000, "counted when opened");
        app.update(key('x'), t0 + Duration::from_millis(10));
        app.update(key(' '), t0 + Duration::from_millis(20));
        assert_eq!(words(&app), 3_000, "not while typing");
        app.update(Msg::Tick, t0 + Duration::from_millis(100));
        assert_eq!(words(&app), 3_000);
        app.update(Msg::Tick, t0 + Duration::from_millis(400));
        assert_eq!(words(&app), 3_001, "once typing paused");
    }

    #[test]
    fn f8_and_ctrl_b_give_the_editor_the_width() {
        let t0 = Instant::now();
        let mut app = app_with_note("uno dos", t0);
        let width = |app: &App| app.note_areas().editor.width;
        assert_eq!(width(&app), 100 - crate::tui::layout::FORM_WIDTH);
        assert_eq!(app.note_style().margin_width, 0, "no codings: no margin");
        app.update(
            Msg::Key(KeyEvent::new(KeyCode::F(8), KeyModifiers::NONE)),
            t0,
        );
        assert_eq!(width(&app), crate::tui::layout::FOCUS_WIDTH);
        app.update(
            Msg::Key(KeyEvent::new(KeyCode::F(8), KeyModifiers::NONE)),
            t0,
        );
        app.update(
            Msg::Key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::CONTROL)),
            t0,
        );
        assert_eq!(width(&app), 100);
        assert_eq!(app.context(), Context::Editor);
        app.update(
            Msg::Key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL)),
            t0,
        );
        assert_eq!(app.context(), Context::Find);
        assert_eq!(app.screen, Screen::Note, "Ctrl-F stays in the note");
    }
}
