//! The app's side of between-sessions work: the keys that reach it, the commands it gives,
//! and the IO thread's answers.

use super::Mode;
use crate::core::workspace::between::neighbour;
use crate::tui::app::{ctx, App, Screen, StatusKind};
use crate::tui::component::{Command, Ctx, Status};
use crate::tui::effect::Effects;
use crate::tui::form::Field;
use crate::tui::index_worker::IndexRequest;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::note::{NoteState, Pane};
use crate::tui::worker::{Request, Response};

/// Whether `action` in `ctx` is between-sessions work (`App::between_action` does it).
pub fn handles(ctx: Context, action: Action) -> bool {
    use Action as A;
    match ctx {
        Context::NewFrom | Context::Trash | Context::FollowUps | Context::ConfirmDelete => {
            !matches!(action, A::Quit | A::QuitOrCopy | A::Help)
        }
        Context::List => matches!(
            action,
            A::OpenTrash
                | A::OpenFollowUps
                | A::DeleteSession
                | A::DuplicateSession
                | A::PrevSameAgencies
                | A::NextSameAgencies
        ),
        Context::Editor | Context::Form => {
            matches!(action, A::PrevSameAgencies | A::NextSameAgencies)
        }
        _ => false,
    }
}

impl App {
    fn say(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            kind,
        });
    }

    /// Run `f` on the between-sessions component with a `Ctx` over the app, then carry out
    /// the commands it gave.
    fn with_between<R>(
        &mut self,
        out: &mut Effects,
        f: impl FnOnce(&mut super::BetweenScreen, &mut Ctx) -> R,
    ) -> R {
        let mut commands = Vec::new();
        let r = f(&mut self.between, &mut ctx!(self, out, commands));
        self.run_commands(commands, out);
        r
    }

    pub(crate) fn between_action(&mut self, ctx: Context, action: Action, out: &mut Effects) {
        match (ctx, action) {
            (Context::ConfirmDelete, Action::Confirm) => {
                if let Some((id, title)) = self.between.confirm.take() {
                    self.say(StatusKind::Info, format!("Moving “{title}” to the trash…"));
                    out.push(Request::Delete(id));
                }
            }
            (Context::ConfirmDelete, _) => {
                if self.between.confirm.take().is_some() {
                    self.say(StatusKind::Info, "Kept: nothing was deleted");
                }
            }
            (Context::List, Action::OpenTrash) => self.open_between(Mode::Trash, out),
            (Context::List, Action::OpenFollowUps) => self.open_between(Mode::FollowUps, out),
            (Context::List, Action::DeleteSession) => {
                if let Some(why) = &self.read_only {
                    let why = why.clone();
                    self.say(
                        StatusKind::Error,
                        format!("Read-only, so nothing is deleted: {why}"),
                    );
                    return;
                }
                if let Some(s) = self.list.selected_summary() {
                    let title = if s.meta.title.is_empty() {
                        "(untitled)".to_string()
                    } else {
                        s.meta.title.clone()
                    };
                    self.between.confirm = Some((s.meta.id.clone(), title));
                }
            }
            (Context::List, Action::DuplicateSession) => {
                if let Some(why) = &self.read_only {
                    let why = why.clone();
                    self.say(
                        StatusKind::Error,
                        format!("Read-only, so nothing is copied: {why}"),
                    );
                    return;
                }
                if let Some(s) = self.list.selected_summary() {
                    out.push(Request::Duplicate(s.meta.id.clone()));
                }
            }
            (Context::List, Action::PrevSameAgencies | Action::NextSameAgencies) => {
                let forward = action == Action::NextSameAgencies;
                let Some(s) = self.list.selected_summary() else {
                    return;
                };
                match neighbour(&self.list.all, &s.meta.id, forward) {
                    Some(id) => {
                        self.forget_no_neighbour();
                        self.select_in_list(&id);
                    }
                    None => self.no_neighbour(forward),
                }
            }
            (
                Context::Editor | Context::Form,
                Action::PrevSameAgencies | Action::NextSameAgencies,
            ) => {
                let forward = action == Action::NextSameAgencies;
                let Some(id) = self.note.as_ref().map(|n| n.meta.id.clone()) else {
                    return;
                };
                match neighbour(&self.list.all, &id, forward) {
                    Some(next) => {
                        self.forget_no_neighbour();
                        // Saved first, as leaving a note always is; then the other one opens.
                        self.close_note(out);
                        self.select_in_list(&next);
                        self.run_commands(vec![Command::Open(next)], out);
                    }
                    None => self.no_neighbour(forward),
                }
            }
            _ => {
                self.with_between(out, |b, ctx| b.handle(action, ctx));
            }
        }
    }

    fn no_neighbour(&mut self, forward: bool) {
        self.say(StatusKind::Info, no_neighbour_text(forward));
    }

    /// A move to a session with the same agencies took place: a message that there was none
    /// (from a press before) is no longer true.
    fn forget_no_neighbour(&mut self) {
        if self.status.as_ref().is_some_and(|s| {
            s.text == no_neighbour_text(true) || s.text == no_neighbour_text(false)
        }) {
            self.status = None;
        }
    }

    /// Highlight session `id` in the list (clearing a filter that hides it).
    fn select_in_list(&mut self, id: &crate::core::session::SessionId) {
        let find = |l: &crate::tui::list::SessionList| {
            l.shown.iter().position(|&i| &l.all[i].meta.id == id)
        };
        if find(&self.list).is_none() {
            self.list.filter.clear();
            self.list.refilter();
        }
        if let Some(i) = find(&self.list) {
            self.list.selected = i;
        }
    }

    fn open_between(&mut self, mode: Mode, out: &mut Effects) {
        self.with_between(out, |b, ctx| b.open(mode, ctx));
    }

    /// `n`: offer the ways to start (templates, blank, from the last session with the
    /// highlighted session's agencies).
    pub(crate) fn offer_new_session(&mut self, out: &mut Effects) {
        if let Some(why) = &self.read_only {
            let why = why.clone();
            self.say(
                StatusKind::Error,
                format!("Read-only, so no new sessions here: {why}"),
            );
            return;
        }
        self.between.like = self
            .list
            .selected_summary()
            .filter(|s| s.meta.agencies.iter().any(|a| !a.trim().is_empty()))
            .map(|s| (s.meta.id.clone(), s.meta.agencies.join(", ")));
        self.between.starts.clear();
        self.between.selected = 0;
        self.open_between(Mode::NewFrom, out);
    }

    /// The IO thread's answers to between-sessions requests.
    pub(crate) fn between_io(&mut self, resp: Response, out: &mut Effects) {
        match resp {
            Response::Templates(all, problems) => {
                self.between.templates(all);
                if let Some(p) = problems.first() {
                    self.say(StatusKind::Error, format!("A template cannot be read: {p}"));
                }
                if self.screen == Screen::Between {
                    self.with_between(out, |b, ctx| b.arrived(ctx));
                } else {
                    self.between.start_on_arrival = false;
                }
            }
            Response::NewSession(Ok(new)) => {
                self.between.busy = false;
                let carried = new.from.as_ref().map(|(m, open)| (m.clone(), open.len()));
                let start = writing_start(&new.session.text);
                let mut note = NoteState::new(new.session, Pane::Form, self.now);
                if new.from.is_none() {
                    // Agencies a template gave were never asked about: leaving the agencies
                    // field with them offers the last session's open follow-ups, as typing
                    // them would.
                    note.carry_seen.clear();
                }
                // Once the note is saved, what it carried is marked carried in the source.
                note.carried = new
                    .from
                    .filter(|(_, open)| !open.is_empty())
                    .map(|(m, items)| crate::tui::carry::Carried::new(m.id, items));
                note.form.focus(Field::Title as usize);
                // Tab from the details writes under the first heading, not before it.
                note.doc.editor_mut().set_cursor(start, false);
                self.note = Some(note);
                self.screen = Screen::Note;
                let fill = format!(
                    "fill in the details ({} moves on), {} to write the note",
                    keymap::key(Context::Form, Action::NextField),
                    keymap::key(Context::Form, Action::NextPane)
                );
                let text = match carried {
                    Some((from, 0)) => format!(
                        "New session with the details of {} “{}”: {fill}",
                        from.date, from.title
                    ),
                    Some((from, n)) => format!(
                        "New session with the details of {} “{}” and its {n} open follow-up(s), \
                         under “Open follow-ups from …” (delete what you do not carry over; the rest are \
                         marked carried there when this note is saved): {fill}",
                        from.date, from.title
                    ),
                    None => format!("New session: {fill}"),
                };
                self.say(StatusKind::Info, text);
            }
            Response::NewSession(Err(e)) => {
                self.between.busy = false;
                self.say(
                    StatusKind::Error,
                    format!("Could not start the session: {e}"),
                );
            }
            Response::Deleted { id, title, result } => match result {
                Ok(d) => {
                    out.push(Request::Scan);
                    out.push(IndexRequest::Reindex(id));
                    let reopened = match d.reopened {
                        0 => String::new(),
                        n => format!(
                            "; {n} follow-up(s) it had carried over are open again where they \
                             came from"
                        ),
                    };
                    self.say(
                        StatusKind::Ok,
                        format!(
                            "Moved “{title}” to the trash ({} shows it, to restore){reopened}",
                            keymap::key(Context::List, Action::OpenTrash)
                        ),
                    );
                }
                Err(e) => self.say(
                    StatusKind::Error,
                    format!("Could not delete “{title}”: {e}"),
                ),
            },
            Response::Duplicated(Ok(copy)) => {
                out.push(Request::Scan);
                out.push(IndexRequest::Reindex(copy.meta.id.clone()));
                self.list.filter.clear();
                self.say(StatusKind::Ok, format!("Made “{}”", copy.meta.title));
            }
            Response::Duplicated(Err(e)) => {
                self.say(StatusKind::Error, format!("Could not duplicate: {e}"))
            }
            Response::Trash(all) => self.between.trashed(all),
            Response::Restored(result) => {
                self.between.busy = false;
                match result {
                    Ok(id) => {
                        out.push(Request::Scan);
                        out.push(IndexRequest::Reindex(id.clone()));
                        let title = self
                            .between
                            .trash
                            .iter()
                            .find(|t| t.id == id)
                            .and_then(|t| t.meta.as_ref())
                            .map(|m| m.title.clone())
                            .unwrap_or_default();
                        self.say(StatusKind::Ok, format!("Restored “{title}”"));
                        self.with_between(out, |b, ctx| b.send(ctx));
                    }
                    Err(e) => self.say(StatusKind::Error, format!("Could not restore: {e}")),
                }
            }
            Response::FollowUps(items, problems) => {
                self.between.followed(items);
                if let Some(p) = problems.first() {
                    self.say(StatusKind::Error, format!("Not read: {p}"));
                }
            }
            Response::FollowUpToggled { id, result, items } => {
                self.between.busy = false;
                self.between.followed(items);
                match result {
                    Ok(done) => {
                        out.push(IndexRequest::Reindex(id));
                        out.push(Request::Scan);
                        self.say(
                            StatusKind::Ok,
                            if done {
                                "Ticked off (saved)"
                            } else {
                                "Open again (saved)"
                            },
                        );
                    }
                    Err(e) => self.say(StatusKind::Error, e.to_string()),
                }
            }
            _ => {}
        }
    }
}

/// Where writing starts in a new note (in code points): the line after the first heading when
/// that line is blank (a template's "## Discussion" then an empty line), else the start.
pub fn writing_start(text: &str) -> usize {
    let mut pos = 0;
    let mut lines = text.split('\n');
    while let Some(line) = lines.next() {
        let len = line.chars().count() + 1;
        if line.trim_start().starts_with('#') {
            return match lines.next() {
                Some(next) if next.trim().is_empty() => pos + len,
                _ => 0,
            };
        }
        if !line.trim().is_empty() {
            return 0;
        }
        pos += len;
    }
    0
}

/// What `[` / `]` say when there is no session with the same agencies that way.
fn no_neighbour_text(forward: bool) -> String {
    format!(
        "No {} session with the same agencies",
        if forward { "later" } else { "earlier" }
    )
}

#[cfg(test)]
mod writing_start_tests {
    use super::writing_start;

    #[test]
    fn writing_starts_under_the_first_heading() {
        let t = "## Discussion\n\n## Quotes\n";
        assert_eq!(writing_start(t), "## Discussion\n".chars().count());
        // Accented headings count in code points.
        assert_eq!(writing_start("## Discusión ñ\n\nx"), 15);
        assert_eq!(writing_start("\n## Notas\n\n"), 10);
        assert_eq!(writing_start(""), 0);
        assert_eq!(writing_start("Plain text first\n## H\n\n"), 0);
        assert_eq!(writing_start("## H\nText right under\n"), 0);
    }
}
