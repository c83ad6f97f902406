//! Sharing one note: from the session list (the highlighted session) or from inside a note
//! (the note as shown, unsaved edits included), a small dialog asks for the format, the file
//! name and whether to de-identify; the IO thread writes the file (`core::share`), and an
//! existing file is replaced only after a yes. Keys come from the keymap's `Share` and
//! `ShareReplace` contexts.

use super::*;
use crate::core::export_target::ExportError;
use crate::core::session::Session;
use crate::core::share::{suggested_file_name, ShareFormat, WriteError};
use crate::tui::line_input::{pasted_line, LineInput};
use crate::tui::worker::ShareRequest;
use std::path::PathBuf;

/// The share dialog's state.
#[derive(Debug)]
pub struct ShareDialog {
    /// The session shared: its title (for the dialog) and id.
    pub title: String,
    pub id: SessionId,
    /// The note as shown, when shared from inside it; None: read from the store.
    pub note: Option<Session>,
    pub format: ShareFormat,
    pub path: LineInput,
    pub deidentify: bool,
    /// The file exists: replace it? (the file it would replace).
    pub replace: Option<PathBuf>,
    /// Sent to the IO thread, waiting for its answer.
    pub writing: bool,
}

impl ShareDialog {
    pub fn context(&self) -> Context {
        if self.replace.is_some() {
            Context::ShareReplace
        } else {
            Context::Share
        }
    }

    /// The next format; a file name ending in the old format's extension follows it.
    fn next_format(&mut self) {
        let i = ShareFormat::ALL
            .iter()
            .position(|f| *f == self.format)
            .unwrap_or(0);
        let next = ShareFormat::ALL[(i + 1) % ShareFormat::ALL.len()];
        let text = self.path.text().to_string();
        let old = format!(".{}", self.format.extension());
        if let Some(stem) = text.strip_suffix(&old) {
            self.path.set(format!("{stem}.{}", next.extension()));
        }
        self.format = next;
    }
}

impl App {
    /// The share dialog for the open note, or for the highlighted session of the list.
    pub(super) fn open_share(&mut self) {
        let (title, id, note, meta_session) = if self.screen == Screen::Note {
            let Some(n) = &self.note else { return };
            let s = n.snapshot();
            (s.meta.title.clone(), s.meta.id.clone(), Some(s.clone()), s)
        } else {
            let Some(s) = self.list.selected_summary() else {
                self.info("No session to share");
                return;
            };
            let session = Session {
                meta: (*s.meta).clone(),
                text: String::new(),
            };
            (s.meta.title.clone(), s.meta.id.clone(), None, session)
        };
        let format = ShareFormat::Markdown;
        let deidentify = self.share_deidentify;
        self.share = Some(ShareDialog {
            title,
            id,
            note,
            format,
            path: LineInput::new(suggested_file_name(&meta_session, format, deidentify)),
            deidentify,
            replace: None,
            writing: false,
        });
    }

    pub(super) fn share_typed(&mut self, c: char) {
        if let Some(d) = &mut self.share {
            if d.replace.is_none() {
                d.path.insert(c);
            }
        }
    }

    pub(super) fn share_paste(&mut self, text: &str) {
        if let Some(d) = &mut self.share {
            if d.replace.is_none() {
                d.path.insert_str(&pasted_line(text));
            }
        }
    }

    pub(super) fn share_action(&mut self, action: Action, out: &mut Effects) {
        let Some(d) = &mut self.share else { return };
        if d.replace.is_some() {
            match action {
                Action::ReplaceFile => {
                    d.replace = None;
                    self.send_share(true, out);
                }
                Action::KeepFile | Action::Back => {
                    d.replace = None;
                    self.info("Kept the file: choose another name");
                }
                _ => {}
            }
            return;
        }
        match action {
            Action::Confirm => {
                if d.path.text().trim().is_empty() {
                    self.error("Type a file name to share to");
                } else if d.writing {
                    self.info("Still writing the last share…");
                } else {
                    self.send_share(false, out);
                }
            }
            Action::Back => self.share = None,
            Action::ShareFormat => d.next_format(),
            Action::ToggleDeidentify => {
                d.deidentify = !d.deidentify;
                self.share_deidentify = d.deidentify;
            }
            Action::Backspace => {
                d.path.backspace();
            }
            Action::Delete => {
                d.path.delete();
            }
            Action::Left(_) => d.path.left(),
            Action::Right(_) => d.path.right(),
            Action::LineStart(_) => d.path.home(),
            Action::LineEnd(_) => d.path.end(),
            Action::ClearFilter => {
                d.path.clear();
            }
            _ => {}
        }
    }

    fn send_share(&mut self, replace: bool, out: &mut Effects) {
        let Some(d) = &mut self.share else { return };
        let path = PathBuf::from(d.path.text().trim());
        // The name's extension wins over the format shown, as in the CLI.
        if let Some(f) = ShareFormat::from_path(&path) {
            d.format = f;
        }
        d.writing = true;
        out.push(Request::Share(Box::new(ShareRequest {
            ids: if d.note.is_some() {
                Vec::new()
            } else {
                vec![d.id.clone()]
            },
            note: d.note.clone(),
            path,
            format: d.format,
            deidentify: d.deidentify,
            replace,
            index_dir: self.index_dir.clone(),
        })));
        let how = if d.deidentify { ", de-identified" } else { "" };
        let msg = format!("Sharing as {}{how}…", d.format.name());
        self.info(msg);
    }

    /// The IO thread's answer to a share.
    pub(super) fn on_shared(&mut self, result: Result<(PathBuf, usize), WriteError>) {
        let Some(d) = &mut self.share else { return };
        d.writing = false;
        match result {
            Ok((file, _)) => {
                let msg = format!(
                    "Shared “{}” as {}{}: {}",
                    d.title,
                    d.format.name(),
                    if d.deidentify { ", de-identified" } else { "" },
                    file.display()
                );
                self.share = None;
                self.ok(msg);
            }
            Err(WriteError::Refused(ExportError::Exists { path })) => {
                let shown = path.display().to_string();
                d.replace = Some(path);
                self.info(format!(
                    "{shown} exists: {}",
                    keymap::SHARE_REPLACE_HINTS.phrase()
                ));
            }
            Err(e) => self.error(format!("Not shared: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::session::SessionMeta;
    use crossterm::event::{KeyCode, KeyModifiers};

    const NONE: KeyModifiers = KeyModifiers::NONE;
    const CTRL: KeyModifiers = KeyModifiers::CONTROL;

    fn press(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Request> {
        app.step(Msg::Key(KeyEvent::new(code, mods)))
    }

    fn app_with_note(title: &str, text: &str) -> App {
        let mut app = App::new("test".into(), "me".into(), None, Instant::now());
        let mut meta = SessionMeta::new_today("me");
        meta.title = title.into();
        meta.date = chrono::NaiveDate::from_ymd_opt(2026, 6, 14).unwrap();
        let mut n = NoteState::new(
            Session {
                meta,
                text: text.into(),
            },
            Pane::Editor,
            Instant::now(),
        );
        n.file = NoteFile::Known(None);
        app.note = Some(n);
        app.screen = Screen::Note;
        app
    }

    fn shares(reqs: Vec<Request>) -> Vec<ShareRequest> {
        reqs.into_iter()
            .filter_map(|r| match r {
                Request::Share(s) => Some(*s),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn ctrl_e_shares_the_note_as_shown_and_tab_walks_the_formats() {
        let mut app = app_with_note("Check-in", "first words");
        press(&mut app, KeyCode::Char('!'), NONE);
        press(&mut app, KeyCode::Char('e'), CTRL);
        assert_eq!(app.context(), Context::Share);
        let d = app.share.as_ref().unwrap();
        assert_eq!(d.path.text(), "2026-06-14-check-in.md");
        assert_eq!(d.note.as_ref().unwrap().text, "!first words");
        press(&mut app, KeyCode::Tab, NONE);
        press(&mut app, KeyCode::Tab, NONE);
        let d = app.share.as_ref().unwrap();
        assert_eq!(
            (d.format, d.path.text()),
            (ShareFormat::Docx, "2026-06-14-check-in.docx")
        );
        // Typing goes into the file name, not the note.
        press(&mut app, KeyCode::Char('u'), CTRL);
        for c in "/tmp/x.html".chars() {
            press(&mut app, KeyCode::Char(c), NONE);
        }
        press(&mut app, KeyCode::Char('d'), CTRL);
        let sent = shares(press(&mut app, KeyCode::Enter, NONE));
        assert_eq!(sent.len(), 1);
        let r = &sent[0];
        assert_eq!(r.path, PathBuf::from("/tmp/x.html"));
        assert_eq!(r.format, ShareFormat::Html, "the name's extension wins");
        assert!(r.deidentify && !r.replace && r.ids.is_empty());
        assert_eq!(r.note.as_ref().unwrap().text, "!first words");
        assert_eq!(app.note.as_ref().unwrap().snapshot().text, "!first words");
        // Written: the dialog closes and says where.
        app.with_effects(|a, out| {
            a.on_io(Response::Shared(Ok((PathBuf::from("/tmp/x.html"), 1))), out)
        });
        assert!(app.share.is_none());
        assert!(app.status.as_ref().unwrap().text.contains("/tmp/x.html"));
        assert!(app.share_deidentify, "the next share starts de-identified");
    }

    #[test]
    fn an_existing_file_is_replaced_only_after_a_yes() {
        let mut app = app_with_note("T", "x");
        press(&mut app, KeyCode::Char('e'), CTRL);
        shares(press(&mut app, KeyCode::Enter, NONE));
        let exists = ExportError::Exists {
            path: PathBuf::from("/tmp/t.md"),
        };
        app.with_effects(|a, out| a.on_io(Response::Shared(Err(exists.into())), out));
        assert_eq!(app.context(), Context::ShareReplace);
        assert!(shares(press(&mut app, KeyCode::Char('n'), NONE)).is_empty());
        assert_eq!(app.context(), Context::Share);
        shares(press(&mut app, KeyCode::Enter, NONE));
        let exists = ExportError::Exists {
            path: PathBuf::from("/tmp/t.md"),
        };
        app.with_effects(|a, out| a.on_io(Response::Shared(Err(exists.into())), out));
        let sent = shares(press(&mut app, KeyCode::Char('y'), NONE));
        assert!(sent[0].replace);
        // A click behind the dialog does nothing; Esc closes it; the note is untouched.
        app.step(Msg::Mouse(crossterm::event::MouseEvent {
            kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
            column: 1,
            row: 1,
            modifiers: NONE,
        }));
        assert!(app.share.is_some());
        app.with_effects(|a, out| {
            a.on_io(
                Response::Shared(Err(WriteError::Failed("disk full".into()))),
                out,
            )
        });
        assert!(app.share.is_some(), "a failure keeps the dialog");
        press(&mut app, KeyCode::Esc, NONE);
        assert!(app.share.is_none());
        assert_eq!(app.screen, Screen::Note);
    }
}
