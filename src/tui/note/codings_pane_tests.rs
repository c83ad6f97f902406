//! The codings pane and coding mode driven directly, through a `Ctx` and no app.

use super::codings_pane::{quick_keys, CodingsPane};
use super::{NoteState, Pane};
use crate::core::coding::Coding;
use crate::core::coding_store;
use crate::core::session::{Session, SessionMeta};
use crate::tui::coding::{CodingState, PickFor, PromptFor};
use crate::tui::component::{Command, Harness, Outcome};
use crate::tui::keymap::{Action, Context};
use std::time::Instant;

/// An open note and the app-wide coding facts, the pane driven directly.
struct World {
    note: NoteState,
    coding: CodingState,
    h: Harness,
}

impl World {
    /// A note holding `text`, coded by Ana, focus in the editor.
    fn new(text: &str) -> World {
        let meta = SessionMeta::new_today("me");
        let session = Session {
            meta,
            text: text.into(),
        };
        World {
            note: NoteState::new(session, Pane::Editor, Instant::now()),
            coding: CodingState::new("Ana".into()),
            h: Harness::default(),
        }
    }

    /// Hand `action` to the pane as the app does in `context`, then carry out what it
    /// asked of the app.
    fn act(&mut self, context: Context, action: Action) -> Outcome {
        let mut pane = CodingsPane {
            note: &mut self.note,
            coding: &self.coding,
        };
        let outcome = pane.action(context, action, &mut self.h.ctx());
        for c in self.h.commands() {
            match c {
                Command::Coded(theme) => self.coding.coded(theme),
                Command::ShowCoders(filter) => self.coding.filter = filter,
                Command::Pick {
                    purpose,
                    title,
                    top_level,
                } => self.coding.open_picker(purpose, title, top_level),
                Command::Ask {
                    purpose,
                    title,
                    text,
                } => self.coding.ask(purpose, title, &text),
                c => panic!("the pane asked for {c:?}"),
            }
        }
        outcome
    }

    fn code(&mut self, s: usize, e: usize, coder: &str) {
        let text = self.note.doc.text();
        let c =
            coding_store::new_coding(&text, &self.note.meta.id, s, e, "trust", coder, "").unwrap();
        self.note.doc.add_coding(c).unwrap();
    }

    /// The themes of the note's codings, in text order.
    fn themes_coded(&self) -> Vec<String> {
        let mut cs: Vec<&Coding> = self.note.doc.codings().iter().collect();
        cs.sort_by_key(|c| c.start);
        cs.iter().map(|c| c.theme.clone()).collect()
    }
}

#[test]
fn the_coder_filter_cycles_through_coders_and_hides_the_others() {
    let mut w = World::new("uno dos tres");
    w.code(0, 3, "Ana");
    w.code(4, 7, "Bea");
    let n = |w: &World| w.coding.spans(&w.note.doc).len();
    assert_eq!(n(&w), 2);
    w.act(Context::Editor, Action::CoderFilter);
    assert_eq!(w.coding.filter.as_deref(), Some("Ana"));
    assert_eq!(n(&w), 1);
    w.act(Context::Editor, Action::CoderFilter);
    assert_eq!(w.coding.filter.as_deref(), Some("Bea"));
    w.act(Context::Editor, Action::CoderFilter);
    assert_eq!(w.coding.filter, None);
    assert_eq!(n(&w), 2);
}

#[test]
fn quick_keys_fixed_for_a_note_leave_a_deleted_theme_s_key_empty() {
    let mut w = World::new("Una frase.");
    w.act(Context::Editor, Action::CodingMode);
    let keys = quick_keys(&w.note, &w.coding);
    let second = keys[1].clone().unwrap();
    let mut book = w.coding.codebook.clone();
    book.themes.retain(|t| t.key != second);
    for t in &mut book.themes {
        if t.parent.as_deref() == Some(second.as_str()) {
            t.parent = None;
        }
    }
    w.coding.codebook = book;
    w.act(Context::Coding, Action::SelectSentence);
    w.act(Context::Coding, Action::QuickTheme(2));
    assert!(w.themes_coded().is_empty(), "2 has no theme now");
    assert_eq!(w.h.said(), "No theme 2");
    w.act(Context::Coding, Action::QuickTheme(3));
    assert_eq!(
        w.themes_coded(),
        [keys[2].clone().unwrap()],
        "3 is unchanged"
    );
}

#[test]
fn the_same_words_and_theme_are_not_coded_twice() {
    let mut w = World::new("la niñez y la confianza");
    w.note.doc.editor_mut().set_selection(3, 8);
    w.act(Context::Editor, Action::QuickTheme(1));
    let first = w.note.doc.codings()[0].id.clone();
    w.note.doc.editor_mut().set_selection(3, 8);
    w.act(Context::Editor, Action::QuickTheme(1));
    assert_eq!(w.note.doc.codings().len(), 1);
    let status = w.h.said();
    assert!(
        status.contains("Already coded") && status.contains(coding_store::short_id(&first)),
        "{status}"
    );
}

#[test]
fn the_pane_asks_the_app_for_the_picker_and_the_memo_prompt() {
    let mut w = World::new("la niñez y la confianza");
    w.code(3, 8, "Ana");
    w.note.doc.editor_mut().set_selection(14, 23);
    let mut pane = CodingsPane {
        note: &mut w.note,
        coding: &w.coding,
    };
    pane.action(Context::Editor, Action::ThemePicker, &mut w.h.ctx());
    w.note.focus = Pane::Codings;
    let id = w.note.doc.codings()[0].id.clone();
    let mut pane = CodingsPane {
        note: &mut w.note,
        coding: &w.coding,
    };
    pane.action(Context::Codings, Action::CodingMemo, &mut w.h.ctx());
    pane.action(Context::Codings, Action::NoteMemo, &mut w.h.ctx());
    assert_eq!(
        w.h.commands(),
        [
            Command::Pick {
                purpose: PickFor::NewCoding { start: 14, end: 23 },
                title: "Code “confianza”".into(),
                top_level: false,
            },
            Command::Ask {
                purpose: PromptFor::CodingMemo(id),
                title: "Memo on trust “niñez”".into(),
                text: String::new(),
            },
            Command::Ask {
                purpose: PromptFor::NoteMemo,
                title: "Your memo on this note (Ana)".into(),
                text: String::new(),
            },
        ]
    );
    assert!(w.coding.picker.is_none() && w.coding.prompt.is_none());
}

#[test]
fn another_coder_s_coding_and_a_read_only_store_are_refused_with_a_reason() {
    let mut w = World::new("uno dos tres");
    w.code(4, 7, "Bea");
    w.note.focus = Pane::Codings;
    w.act(Context::Codings, Action::RemoveCoding);
    assert!(
        w.h.said().starts_with("That coding is Bea's"),
        "{}",
        w.h.said()
    );
    assert_eq!(w.note.doc.codings().len(), 1);

    let mut pane = CodingsPane {
        note: &mut w.note,
        coding: &w.coding,
    };
    pane.action(
        Context::Coding,
        Action::QuickTheme(1),
        &mut w.h.ctx_read_only(Some("the disk is full")),
    );
    assert_eq!(
        w.h.said(),
        "Read-only, coding is not possible here: the disk is full"
    );
    assert_eq!(w.note.doc.codings().len(), 1);
    assert!(w.h.commands().is_empty());
}
