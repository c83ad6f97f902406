//! Settling: after each message, bring the scroll positions up to date with the state and the
//! terminal size, so that drawing only reads the state (`views::draw(frame, &App)`) and mouse
//! hit-testing answers for what is on screen.

use crate::tui::app::{App, Pane, Screen};
use crate::tui::layout;
use crate::tui::text_view::TextView;

impl App {
    /// Whether the note screen's side panel (the details form or the codings pane) has the
    /// focus: a narrow terminal then shows it instead of the editor.
    pub fn side_focused(&self) -> bool {
        self.note
            .as_ref()
            .is_some_and(|n| matches!(n.focus, Pane::Form | Pane::Codings))
    }

    /// Where the note screen's parts are in the terminal as it is now.
    pub fn note_areas(&self) -> layout::NoteAreas {
        layout::note_areas_in(layout::screen(self.size), self.side_focused(), self.room)
    }

    /// Bring what is on screen up to date (run at the end of each update): the session
    /// list's first row keeps the selection visible; the note view follows the cursor, lays
    /// out its rows at the editor's width and records them for drawing and hit-testing. Only
    /// the screen shown is settled, as only it is drawn; a terminal below the minimum size
    /// shows a message instead, and nothing moves.
    pub fn settle(&mut self) {
        if self.too_small() {
            return;
        }
        let area = layout::screen(self.size);
        match self.screen {
            Screen::List => {
                let rows = layout::list_table_body(area, self.list.first_problem.as_deref()).height
                    as usize;
                self.list.offset = layout::list_offset(self.list.offset, self.list.selected, rows);
            }
            Screen::Note => {
                let editor = self.note_areas().editor;
                if editor.is_empty() {
                    return;
                }
                let style = self.note_style();
                let Some(n) = &mut self.note else { return };
                let view = TextView::for_editor(n.doc.editor()).style(&style);
                n.view.settle(&view, editor);
                self.settle_writing();
            }
            Screen::Between => {
                let rows = layout::list_table_body(area, None).height as usize;
                self.between.offset =
                    layout::list_offset(self.between.offset, self.between.selected, rows);
            }
            Screen::Search | Screen::Evidence | Screen::Codebook | Screen::Agreement => {}
            Screen::Analysis => self.analysis.settle(self.size),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::session::{Session, SessionMeta};
    use crate::core::store::{FileStamp, SessionSummary};
    use crate::tui::app::{Msg, NoteState};
    use crate::tui::views;
    use crossterm::event::{
        KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
    };
    use ratatui::backend::TestBackend;
    use ratatui::buffer::Buffer;
    use ratatui::Terminal;
    use std::sync::Arc;

    /// The frame `app` draws, as the run loop draws it.
    fn frame(app: &App) -> Buffer {
        let mut term = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
        term.draw(|f| views::draw(f, app)).unwrap();
        term.backend().buffer().clone()
    }

    fn click(column: u16, row: u16) -> Msg {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    }

    fn app_with_sessions(n: usize) -> App {
        let mut app = App::new("test".into(), "me".into(), None, std::time::Instant::now());
        for i in 0..n {
            let mut meta = SessionMeta::new_today("me");
            meta.title = format!("Sesión {i}");
            app.list.all.push(SessionSummary {
                meta: Arc::new(meta),
                path: format!("{i}.md").into(),
                stamp: FileStamp {
                    mtime_ns: 0,
                    size: 0,
                },
                key: None,
                chars: 0,
                preview: Arc::from(""),
            });
        }
        app.list.loaded = true;
        app.list.refilter();
        app
    }

    #[test]
    fn the_list_scrolls_with_the_selection_in_update_and_clicks_hit_the_rows_drawn() {
        let mut app = app_with_sessions(40);
        app.step(Msg::Resize(80, 24));
        let body = layout::list_table_body(layout::screen(app.size), None);
        assert_eq!(body.height, 16);
        for _ in 0..20 {
            app.step(Msg::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)));
        }
        assert_eq!(app.list.selected, 20);
        assert_eq!(app.list.offset, 5, "the selection is on the last row shown");
        // The frame shows the rows from the settled offset; a click on the first row drawn
        // selects the session drawn there.
        let buf = frame(&app);
        let first_row: String = (0..body.width)
            .map(|x| buf[(x, body.y)].symbol().to_string())
            .collect();
        let first_title = app.list.all[app.list.shown[5]].meta.title.clone();
        assert!(first_row.contains(&first_title), "{first_row:?}");
        app.step(click(5, body.y));
        assert_eq!(app.list.selected, 5);
        assert_eq!(app.list.offset, 5);
    }

    #[test]
    fn below_the_minimum_size_keys_pastes_and_clicks_are_ignored_and_counted() {
        let mut app = app_with_note("uno");
        app.step(Msg::Resize(30, 8));
        let before = app.note.as_ref().unwrap().doc.text();
        app.step(Msg::Key(KeyEvent::new(
            KeyCode::Char('x'),
            KeyModifiers::NONE,
        )));
        app.step(Msg::Paste("pegado".into()));
        app.step(click(1, 1));
        assert_eq!(
            app.note.as_ref().unwrap().doc.text(),
            before,
            "nothing typed blind"
        );
        assert_eq!(app.keys_ignored_while_small, 2);
        let buf = frame(&app);
        let shown: String = buf.content().iter().map(|c| c.symbol()).collect();
        assert!(shown.contains("2 keys ignored"), "{shown}");
        // Big enough again: the count is forgotten, and keys work.
        app.step(Msg::Resize(100, 30));
        assert_eq!(app.keys_ignored_while_small, 0);
        app.step(Msg::Key(KeyEvent::new(
            KeyCode::Char('x'),
            KeyModifiers::NONE,
        )));
        assert_ne!(app.note.as_ref().unwrap().doc.text(), before);
    }

    fn app_with_note(text: &str) -> App {
        let mut app = App::new("test".into(), "me".into(), None, std::time::Instant::now());
        let mut n = NoteState::new(
            Session {
                meta: SessionMeta::new_today("me"),
                text: text.into(),
            },
            Pane::Editor,
            std::time::Instant::now(),
        );
        n.file = crate::tui::app::NoteFile::Known(None);
        app.note = Some(n);
        app.screen = Screen::Note;
        app
    }

    #[test]
    fn a_resize_settles_the_note_view_so_a_click_lands_on_the_letter_drawn_there() {
        let mut app = app_with_note("uno dos tres\ncuatro cinco");
        app.step(Msg::Resize(100, 30));
        let editor = app.note_areas().editor;
        let margin = app.note_style().margin_width;
        let n = app.note.as_ref().unwrap();
        // The wrap width of the editor at this size, before any frame is drawn.
        assert_eq!(n.view.wrap_width(), (editor.width - margin - 1) as usize);
        let (x, y) = (editor.x + margin + 2, editor.y + 1);
        assert_eq!(frame(&app)[(x, y)].symbol(), "a", "cu[a]tro");
        app.step(click(x, y));
        let n = app.note.as_ref().unwrap();
        assert_eq!(n.doc.editor().cursor(), "uno dos tres\ncu".chars().count());

        // Narrower: the side panel goes and the rows are laid out again at the new width.
        app.step(Msg::Resize(60, 20));
        let n = app.note.as_ref().unwrap();
        assert_eq!(n.view.wrap_width(), (60 - margin - 1) as usize);
    }

    #[test]
    fn the_note_view_follows_the_cursor_in_update() {
        let text: String = (0..200).map(|i| format!("línea {i}\n")).collect();
        let mut app = app_with_note(&text);
        app.step(Msg::Resize(80, 24));
        app.step(Msg::Key(KeyEvent::new(KeyCode::End, KeyModifiers::CONTROL)));
        let n = app.note.as_ref().unwrap();
        let page = n.view.page_rows();
        assert!(n.view.top_line + page > 199, "the last line is on screen");
        let cursor = n.view.cursor_position().expect("the cursor is on screen");
        assert!(app.note_areas().editor.contains(cursor));
    }
}
