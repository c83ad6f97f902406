//! The coding handlers driven through `App::step`, as a user would.

use super::*;
use crate::core::coding::CoderSessionFile;
use crate::core::coding::{AnchorStatus, Coding};
use crate::core::coding_store;
use crate::core::session::{Session, SessionMeta};
use crate::tui::app::{App, Msg, NoteState, Pane, Screen};
use crate::tui::note::codings_pane::quick_keys;
use crate::tui::worker::{Request, Response};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Instant;

pub(super) fn key(code: KeyCode, mods: KeyModifiers) -> Msg {
    Msg::Key(KeyEvent::new(code, mods))
}

pub(super) fn app_with_note(text: &str) -> App {
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
        let c = coding_store::new_coding("uno dos tres", &id, s, e, "trust", "Ana", "").unwrap();
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
    let third = quick_keys(app.note.as_ref().unwrap(), &app.coding)[2]
        .clone()
        .unwrap();
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
fn the_memo_prompt_edits_at_its_cursor_by_chars() {
    let mut app = app_with_note("la niñez y la confianza");
    app.note.as_mut().unwrap().focus = Pane::Codings;
    app.step(key(KeyCode::Char('M'), KeyModifiers::NONE));
    assert_eq!(app.context(), Context::Prompt);
    for c in "Niño 👪 ok".chars() {
        app.step(key(KeyCode::Char(c), KeyModifiers::NONE));
    }
    // Three lefts land just after the 👪, and Backspace takes it whole.
    for _ in 0..3 {
        app.step(key(KeyCode::Left, KeyModifiers::NONE));
    }
    app.step(key(KeyCode::Backspace, KeyModifiers::NONE));
    app.step(key(KeyCode::Home, KeyModifiers::NONE));
    app.step(key(KeyCode::Delete, KeyModifiers::NONE));
    app.step(key(KeyCode::Char('n'), KeyModifiers::NONE));
    app.step(key(KeyCode::End, KeyModifiers::NONE));
    app.step(key(KeyCode::Char('!'), KeyModifiers::NONE));
    let p = app.coding.prompt.as_ref().unwrap();
    assert_eq!(p.input.text(), "niño  ok!");
    assert_eq!(p.input.cursor(), p.input.len());
    app.step(key(KeyCode::Enter, KeyModifiers::NONE));
    assert!(app.coding.prompt.is_none());
    assert_eq!(app.note.as_ref().unwrap().doc.note_memo("Ana"), "niño  ok!");
}
