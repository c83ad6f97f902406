//! The app's side of carrying follow-ups over: noticing that the agencies were committed,
//! asking the IO thread, showing its answer, and adding the chosen items to the note.

use super::{CarryOffer, Choice};
use crate::core::followups::FollowUp;
use crate::core::workspace::between::{
    agency_set, carried_section, has_carried_section, CarriedSynced,
};
use crate::tui::app::{ctx, App, Pane, Screen, StatusKind};
use crate::tui::component::Ctx;
use crate::tui::component::Status;
use crate::tui::effect::Effects;
use crate::tui::form::Field;
use crate::tui::index_worker::IndexRequest;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::worker::{Request, Response};

/// Whether `action` in `ctx` is the offer's (`App::carry_action` does it): every key while it
/// is shown but quitting and help.
pub fn handles(ctx: Context, action: Action) -> bool {
    ctx == Context::CarryOver && !matches!(action, Action::Quit | Action::Help)
}

impl App {
    fn carry_say(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            kind,
        });
    }

    /// After each message: an offer for a note no longer open goes; the agencies field just
    /// left with other agencies than before asks the IO thread what to carry over (not on a
    /// read-only store, nor into a note that has a carried-over section already).
    pub(crate) fn watch_agencies(&mut self, out: &mut Effects) {
        let open = self.note.as_ref().map(|n| &n.meta.id);
        if self
            .carry
            .as_ref()
            .is_some_and(|o| Some(&o.session) != open)
        {
            self.carry = None;
        }
        let on_note = self.screen == Screen::Note;
        let Some(n) = &mut self.note else { return };
        let here = on_note && n.focus == Pane::Form && n.form.current() == Field::Agencies;
        let left = std::mem::replace(&mut n.in_agencies, here) && !here;
        if !left || self.read_only.is_some() {
            return;
        }
        let set = agency_set(&n.meta.agencies);
        if set.is_empty() || set == n.carry_seen {
            return;
        }
        n.carry_seen = set;
        if has_carried_section(&n.doc.editor().text()) {
            return;
        }
        out.push(Request::CarryOver {
            id: n.meta.id.clone(),
            agencies: n.meta.agencies.clone(),
            date: n.meta.date,
        });
    }

    /// The offer's keys.
    pub(crate) fn carry_action(&mut self, action: Action, out: &mut Effects) {
        let Some(offer) = &mut self.carry else { return };
        let mut commands = Vec::new();
        let (_, choice) = offer.handle(action, &mut ctx!(self, out, commands));
        self.run_commands(commands, out);
        let Some(choice) = choice else { return };
        let Some(offer) = self.carry.take() else {
            return;
        };
        match choice {
            Choice::Decline => self.carry_say(
                StatusKind::Info,
                format!(
                    "Not carried over: the follow-ups stay open in {} “{}”",
                    offer.from.date,
                    title(&offer.from.title)
                ),
            ),
            Choice::Carry(items) => self.carry_into_note(&offer, &items, out),
        }
    }

    /// Add `items` (of `offer`) at the end of the open note, as one undo step made through the
    /// document (codings stay where they are); the cursor stays where it was.
    fn carry_into_note(
        &mut self,
        offer: &CarryOffer,
        items: &[crate::core::followups::FollowUp],
        out: &mut Effects,
    ) {
        let Some(n) = self.note.as_ref().filter(|n| n.meta.id == offer.session) else {
            return;
        };
        let section = carried_section(&n.doc.editor().text(), &offer.from, items);
        if section.is_empty() {
            self.carry_say(StatusKind::Info, "Nothing ticked, so nothing carried over");
            return;
        }
        let end = n.doc.editor().len_chars();
        let cursor = n.doc.editor().cursor();
        let mut added = false;
        self.note_do(out, |n, _, cx| {
            n.edit(cx, |d| {
                d.break_undo_group();
                d.replace_range(end, end, &section);
                d.break_undo_group();
            });
            added = n.doc.editor().len_chars() > end;
            n.doc.editor_mut().set_cursor(cursor, false);
        });
        if added {
            if let Some(n) = self.note.as_mut() {
                match &mut n.carried {
                    Some(c) if c.from == offer.from.id => c.pending.extend(items.iter().cloned()),
                    _ => {
                        n.carried = Some(super::Carried::new(offer.from.id.clone(), items.to_vec()))
                    }
                }
            }
            self.carry_say(
                StatusKind::Ok,
                format!(
                    "Carried over {} open follow-up(s) from {} “{}” to the end of the note \
                     ({} takes them back); they are marked carried there when this note is saved",
                    items.len(),
                    offer.from.date,
                    title(&offer.from.title),
                    keymap::key(Context::Editor, Action::Undo)
                ),
            );
        }
    }

    /// The IO thread's answer to `Request::CarryOver`: the offer, when the note still names
    /// those agencies and the previous session has open follow-ups.
    pub(crate) fn carry_io(&mut self, resp: Response, out: &mut Effects) {
        if let Response::SyncedCarried { from, into, result } = resp {
            self.synced_carried(from, into, result, out);
            return;
        }
        let Response::CarryOver {
            id,
            agencies,
            result,
        } = resp
        else {
            return;
        };
        let Some(n) = self.note.as_ref().filter(|n| n.meta.id == id) else {
            return;
        };
        // The agencies changed since: leaving the field again asks again.
        if agency_set(&n.meta.agencies) != agency_set(&agencies) {
            return;
        }
        match result {
            Err(e) => self.carry_say(
                StatusKind::Error,
                format!("Could not look for follow-ups to carry over: {e}"),
            ),
            Ok(None) => {}
            Ok(Some(c)) => {
                let (date, from_title) = (c.from.date, title(&c.from.title).to_string());
                let c = *c;
                match CarryOffer::new(id, c.from, c.open) {
                    Some(offer) => {
                        let n = offer.items.len();
                        self.carry = Some(offer);
                        self.carry_say(
                            StatusKind::Info,
                            format!(
                                "{n} open follow-up(s) in {date} “{from_title}”, the last \
                                 session with these agencies: {}",
                                keymap::CARRY_OVER_HINTS.phrase()
                            ),
                        );
                    }
                    None => self.carry_say(
                        StatusKind::Info,
                        format!(
                            "No open follow-ups to carry over from {date} “{from_title}”, the \
                             last session with these agencies"
                        ),
                    ),
                }
            }
        }
    }
}

impl App {
    /// The IO thread's answer to `Request::SyncCarried`: the open note's lists follow it (a
    /// failure leaves them, and the source, as they were: the next save tries again), and a
    /// save made while it was out asks again now.
    fn synced_carried(
        &mut self,
        from: crate::core::session::SessionId,
        into: crate::core::session::SessionId,
        result: Result<CarriedSynced, crate::core::workspace::error::WorkspaceError>,
        out: &mut Effects,
    ) {
        let open = self
            .note
            .as_mut()
            .filter(|n| n.meta.id == into)
            .and_then(|n| n.carried.as_mut())
            .filter(|c| c.from == from && c.asking);
        let closed = self
            .carried_out
            .iter()
            .position(|(id, c)| *id == into && c.from == from);
        let carried = match (open, closed) {
            (Some(c), _) => Some(c),
            (None, Some(i)) => Some(&mut self.carried_out[i].1),
            (None, None) => None,
        };
        if let Some(c) = carried {
            c.asking = false;
            if let Ok(m) = &result {
                c.answered(m);
            }
            if std::mem::take(&mut c.again) {
                if let Some(r) = c.request(&into) {
                    out.push(r);
                }
            }
        }
        // A closed note's follow-ups are let go once nothing more is asked for them.
        self.carried_out.retain(|(_, c)| c.asking);
        let m = match result {
            Ok(m) => m,
            Err(e) => {
                return self.carry_say(
                    StatusKind::Error,
                    format!(
                        "The carried follow-ups stay as they were in the session they came \
                         from: {e}"
                    ),
                )
            }
        };
        if m.wrote() {
            out.push(IndexRequest::Reindex(from));
            out.push(Request::Scan);
        }
        let (date, t) = (m.from.date, title(&m.from.title).to_string());
        let quoted = |v: &[FollowUp]| {
            v.iter()
                .map(|f| format!("“{}”", f.text))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let them = |v: &[FollowUp]| if v.len() == 1 { "it" } else { "them" };
        let said = if !m.changed.is_empty() {
            Some((
                StatusKind::Error,
                format!(
                    "Left open in {date} “{t}”, whose note changed meanwhile: {}; mark or tick \
                     {} there",
                    quoted(&m.changed),
                    them(&m.changed)
                ),
            ))
        } else if !m.stuck.is_empty() {
            Some((
                StatusKind::Error,
                format!(
                    "No longer in this note but still marked carried in {date} “{t}”, whose \
                     note changed meanwhile: {}; open {} there ([>] to [ ])",
                    quoted(&m.stuck),
                    them(&m.stuck)
                ),
            ))
        } else if !m.reopened.is_empty() {
            Some((
                StatusKind::Ok,
                format!(
                    "Saved; {} follow-up(s) no longer in this note are open again in {date} “{t}”",
                    m.reopened.len()
                ),
            ))
        } else if !m.marked.is_empty() {
            Some((
                StatusKind::Ok,
                format!(
                    "Saved; {} follow-up(s) marked carried ([>]) in {date} “{t}”",
                    m.marked.len()
                ),
            ))
        } else {
            None
        };
        if let Some((kind, text)) = said {
            self.carry_say(kind, text);
        }
    }
}

fn title(t: &str) -> &str {
    if t.is_empty() {
        "untitled"
    } else {
        t
    }
}
