//! Carrying follow-ups over: when the agencies of an open note are committed (its details
//! form's agencies field is left, by Tab, Enter, an arrow, a click or a pane switch) and name
//! other agencies than before, the IO thread looks for the latest other session with the same
//! agencies up to the note's date (`Request::CarryOver`, `Workspace::carry_over`). When that
//! session has open follow-ups, this offer lists them, each ticked; Enter adds the ticked ones
//! at the end of the note under "## Open follow-ups from DATE (TITLE)" (the same section as
//! "new from the last session" writes), Esc declines. The carried items are marked carried
//! (`- [>]`) in the session they came from once the note is saved holding them, and opened
//! there again once it is saved without them (undone or deleted) while it is open
//! (`Carried`, `Request::SyncCarried`, `Workspace::sync_carried`). Either way the note is not
//! asked about
//! those agencies again in this run. The glue with the app is `route.rs`; `views::carry`
//! draws it.

use crate::core::followups::FollowUp;
use crate::core::session::{SessionId, SessionMeta};
use crate::core::workspace::between::CarriedSynced;
use crate::tui::component::{Ctx, Outcome};
use crate::tui::keymap::{self, Action};
use crate::tui::worker::Request;

mod route;
pub use route::handles;
#[cfg(test)]
mod tests;

/// Follow-ups carried into the open note (by this offer or by "new from the last session"),
/// and where they stand in the note they came from. Each save of the note sends both lists to
/// the IO thread after the save (`Request::SyncCarried`): `pending` items the saved note
/// holds are marked carried in the source and move to `marked`; `marked` items it no longer
/// holds are opened there again and move back to `pending` (so a redo marks them again).
/// One request is out at a time: a save made meanwhile asks again once it is answered
/// (`again`), so an item is never marked twice from the same list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Carried {
    pub from: SessionId,
    /// Carried, not marked in the source (as its lines read there, open).
    pub pending: Vec<FollowUp>,
    /// Marked `[>]` in the source (as its lines read there, marked).
    pub marked: Vec<FollowUp>,
    /// A `Request::SyncCarried` is out, not yet answered.
    pub asking: bool,
    /// The note was saved while one was out: ask again once it is answered.
    pub again: bool,
}

impl Carried {
    pub fn new(from: SessionId, pending: Vec<FollowUp>) -> Carried {
        Carried {
            from,
            pending,
            marked: Vec::new(),
            asking: false,
            again: false,
        }
    }

    /// After a save of note `into`: the request keeping the source in step, unless one is out
    /// already (then it is asked again when that one is answered) or there is nothing to do.
    pub fn request(&mut self, into: &SessionId) -> Option<Request> {
        if self.pending.is_empty() && self.marked.is_empty() {
            return None;
        }
        if self.asking {
            self.again = true;
            return None;
        }
        self.asking = true;
        Some(Request::SyncCarried {
            from: self.from.clone(),
            into: into.clone(),
            pending: self.pending.clone(),
            marked: self.marked.clone(),
        })
    }

    /// The answer: items marked move to `marked`, items opened again to `pending`; those whose
    /// source line changed are no longer followed (the status line says so). Items are the
    /// same follow-up when their line and words are.
    pub fn answered(&mut self, synced: &CarriedSynced) {
        let same = |a: &FollowUp, b: &FollowUp| a.line == b.line && a.text == b.text;
        let gone = |v: &mut Vec<FollowUp>, out: &[FollowUp]| {
            v.retain(|f| !out.iter().any(|o| same(o, f)));
        };
        gone(&mut self.pending, &synced.marked);
        gone(&mut self.pending, &synced.changed);
        gone(&mut self.marked, &synced.reopened);
        gone(&mut self.marked, &synced.stuck);
        self.marked.extend(synced.marked.iter().cloned());
        self.pending.extend(synced.reopened.iter().cloned());
    }
}

/// The offer: the open follow-ups of session `from`, for the open note `session`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarryOffer {
    /// The note the offer is for.
    pub session: SessionId,
    /// The previous session with the same agencies.
    pub from: SessionMeta,
    /// Its open follow-ups (those with words), in note order.
    pub items: Vec<FollowUp>,
    /// Which of `items` are carried over (all, to begin with).
    pub ticked: Vec<bool>,
    /// The highlighted item.
    pub selected: usize,
}

/// What the user chose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Carry these over (the ticked ones, in note order; none ticked: nothing is added).
    Carry(Vec<FollowUp>),
    Decline,
}

impl CarryOffer {
    /// The offer of `open` (the follow-ups of `from`) for the note `session`; None when none
    /// of them is an open item with words.
    pub fn new(session: SessionId, from: SessionMeta, open: Vec<FollowUp>) -> Option<CarryOffer> {
        let items: Vec<FollowUp> = open
            .into_iter()
            .filter(|f| f.is_open() && !f.text.is_empty())
            .collect();
        if items.is_empty() {
            return None;
        }
        Some(CarryOffer {
            session,
            from,
            ticked: vec![true; items.len()],
            items,
            selected: 0,
        })
    }

    /// The ticked items, in note order.
    pub fn chosen(&self) -> Vec<FollowUp> {
        self.items
            .iter()
            .zip(&self.ticked)
            .filter(|(_, t)| **t)
            .map(|(f, _)| f.clone())
            .collect()
    }

    /// The offer's keys (`Context::CarryOver`); the choice once Enter or Esc is pressed.
    pub fn handle(&mut self, action: Action, ctx: &mut Ctx) -> (Outcome, Option<Choice>) {
        let last = self.items.len().saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::ToggleFollowUp => {
                if let Some(t) = self.ticked.get_mut(self.selected) {
                    *t = !*t;
                }
            }
            Action::SelectAll => {
                let all = self.ticked.iter().all(|t| *t);
                self.ticked.iter_mut().for_each(|t| *t = !all);
            }
            Action::Accept => return (Outcome::Consumed, Some(Choice::Carry(self.chosen()))),
            Action::Cancel | Action::Back => return (Outcome::Consumed, Some(Choice::Decline)),
            _ => {
                ctx.info(format!(
                    "Carry over the open follow-ups first: {}",
                    keymap::CARRY_OVER_HINTS.phrase()
                ));
                return (Outcome::NotConsumed, None);
            }
        }
        (Outcome::Consumed, None)
    }
}
