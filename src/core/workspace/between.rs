//! Between sessions: the session before and after with the same agencies, a new session from
//! a template or from the last session with these agencies (its open follow-ups carried
//! over), duplicating one, the follow-ups of every note, ticking one off, and the trash.
//! The TUI's IO thread and the CLI both come here.

use super::error::WorkspaceError;
use super::notes::Saved;
use super::Workspace;
use crate::core::fold::fold;
use crate::core::followups::{self, FollowUp, State};
use crate::core::session::{Session, SessionId, SessionMeta};
use crate::core::store::{SessionSummary, Template, Trashed};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// A session's agencies as a set, compared without case or accents ("Doña Ana" = "dona ana").
pub fn agency_set(agencies: &[String]) -> BTreeSet<String> {
    agencies
        .iter()
        .map(|a| fold(a.trim()))
        .filter(|a| !a.is_empty())
        .collect()
}

/// The session before (`forward` false: the next older) or after (`forward`: the next newer)
/// `id` among those with the same agencies, in the list's order (`sessions` newest first, as
/// `Store::scan` gives them). None when there is none, or `id` names no agencies.
pub fn neighbour(sessions: &[SessionSummary], id: &SessionId, forward: bool) -> Option<SessionId> {
    let at = sessions.iter().position(|s| &s.meta.id == id)?;
    let set = agency_set(&sessions[at].meta.agencies);
    if set.is_empty() {
        return None;
    }
    let same = |s: &&SessionSummary| agency_set(&s.meta.agencies) == set;
    if forward {
        sessions[..at]
            .iter()
            .rev()
            .find(same)
            .map(|s| s.meta.id.clone())
    } else {
        sessions[at + 1..]
            .iter()
            .find(same)
            .map(|s| s.meta.id.clone())
    }
}

/// The most recent session with exactly these agencies (`sessions` newest first).
pub fn latest_with(sessions: &[SessionSummary], agencies: &[String]) -> Option<SessionId> {
    let set = agency_set(agencies);
    if set.is_empty() {
        return None;
    }
    sessions
        .iter()
        .find(|s| agency_set(&s.meta.agencies) == set)
        .map(|s| s.meta.id.clone())
}

/// The words of the heading that carried-over follow-ups go under ("## Open follow-ups from
/// …"): a note holding it has had its carry-over offered already.
pub const CARRIED_HEADING: &str = "Open follow-ups from";

/// What to add at the end of a note reading `text` to carry over the follow-ups `open` of the
/// session `from`: a blank line when needed, "## Open follow-ups from DATE (TITLE)", a blank
/// line, and each open item unticked. Empty when none of `open` is an open item with words.
pub fn carried_section(text: &str, from: &SessionMeta, open: &[FollowUp]) -> String {
    let carried = followups::carry_over(open);
    if carried.is_empty() {
        return String::new();
    }
    let gap = if text.is_empty() || text.ends_with("\n\n") {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    let title = if from.title.is_empty() {
        "untitled"
    } else {
        &from.title
    };
    format!(
        "{gap}## {CARRIED_HEADING} {} ({title})\n\n{carried}",
        from.date
    )
}

/// Whether `text` has a heading naming `CARRIED_HEADING` (follow-ups were carried into it).
pub fn has_carried_section(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with('#')
            && l.trim_start_matches('#')
                .trim_start()
                .starts_with(CARRIED_HEADING)
    })
}

/// A carried-over section: the date and title its heading names, the words of its items.
type CarriedSection = (NaiveDate, String, Vec<String>);

/// The carried-over sections of `text`: for each heading "## Open follow-ups from DATE
/// (TITLE)", the date and title it names and the words of the follow-ups under it (up to the
/// next heading).
fn carried_sections(text: &str) -> Vec<CarriedSection> {
    let mut out: Vec<CarriedSection> = Vec::new();
    let items = followups::parse(text);
    let mut in_section = false;
    for (n, l) in text.split('\n').enumerate() {
        let t = l.trim_start();
        if !t.starts_with('#') {
            if in_section {
                if let Some(f) = items.iter().find(|f| f.line == n) {
                    if let Some(last) = out.last_mut() {
                        last.2.push(f.text.clone());
                    }
                }
            }
            continue;
        }
        in_section = false;
        let Some(rest) = t
            .trim_start_matches('#')
            .trim_start()
            .strip_prefix(CARRIED_HEADING)
        else {
            continue;
        };
        let rest = rest.trim();
        let (date, title) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let Ok(date) = NaiveDate::parse_from_str(date, "%Y-%m-%d") else {
            continue;
        };
        let title = title.trim();
        let title = title
            .strip_prefix('(')
            .and_then(|t| t.strip_suffix(')'))
            .unwrap_or(title);
        out.push((date, title.to_string(), Vec::new()));
        in_section = true;
    }
    out
}

/// What keeping the carried marks of a source note in step with the note they went to did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarriedSynced {
    /// The source session.
    pub from: SessionMeta,
    /// Those marked `[>]` now, as their lines read in the source after it.
    pub marked: Vec<FollowUp>,
    /// Those opened again (`[>]` → `[ ]`) because the note they went to no longer holds them
    /// (undone or deleted there), as their lines read in the source after it.
    pub reopened: Vec<FollowUp>,
    /// Those left open because their line in the source note changed meanwhile.
    pub changed: Vec<FollowUp>,
    /// Those not marked because the note they were carried into, as saved, does not hold them
    /// as open items (deleted before it was saved, or not saved yet).
    pub absent: Vec<FollowUp>,
    /// Those left marked though the note no longer holds them, because their line in the
    /// source changed meanwhile.
    pub stuck: Vec<FollowUp>,
}

impl CarriedSynced {
    /// Nothing marked or opened in `from`; `absent` not held by the note they went to.
    pub fn untouched(from: SessionMeta, absent: Vec<FollowUp>) -> CarriedSynced {
        CarriedSynced {
            from,
            marked: Vec::new(),
            reopened: Vec::new(),
            changed: Vec::new(),
            absent,
            stuck: Vec::new(),
        }
    }

    /// Whether the source note was written.
    pub fn wrote(&self) -> bool {
        !self.marked.is_empty() || !self.reopened.is_empty()
    }
}

/// What deleting a session did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deleted {
    /// Where it went in the trash.
    pub bin: std::path::PathBuf,
    /// Follow-ups it had carried over, opened again where they came from.
    pub reopened: usize,
}

/// The previous session with these agencies, and its open follow-ups: what a session with
/// them may carry over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarryOver {
    pub from: SessionMeta,
    pub open: Vec<FollowUp>,
}

/// A new session, not yet saved: what the editor opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSession {
    pub session: Session,
    /// The session its details came from, and its open follow-ups (carried into the note).
    pub from: Option<(SessionMeta, Vec<FollowUp>)>,
}

/// One follow-up of one note, as the follow-ups view and `ripple followups` list them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FollowUpItem {
    pub session: SessionId,
    pub title: String,
    pub date: NaiveDate,
    pub agencies: Vec<String>,
    /// The line in the note, from 0.
    pub line: usize,
    /// Where the line starts in the note, in code points.
    pub start: usize,
    /// True when done (`[x]`); false when open or carried.
    pub done: bool,
    /// `open`, `done` or `carried` (`[>]`: carried over into a later note).
    pub status: State,
    /// For a carried item: the date of the session it was carried into, when a later session
    /// with the same agencies has it under "Open follow-ups from DATE (TITLE)" naming this one.
    pub carried_to: Option<NaiveDate>,
    pub text: String,
    /// The line as written (to check it is unchanged before ticking it).
    #[serde(skip)]
    pub raw: String,
}

impl FollowUpItem {
    /// The box as written: `[ ]`, `[x]` or `[>]`.
    pub fn status_box(&self) -> &'static str {
        match self.status {
            State::Open => "[ ]",
            State::Done => "[x]",
            State::Carried => "[>]",
        }
    }

    /// For a carried item, where it went: "→ carried to DATE", or "→ carried over" when the
    /// session it went into is not found.
    pub fn carried_note(&self) -> Option<String> {
        (self.status == State::Carried).then(|| match self.carried_to {
            Some(d) => format!("→ carried to {d}"),
            None => "→ carried over".to_string(),
        })
    }
}

/// Which follow-ups to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FollowUpFilter {
    /// Sessions naming this agency (case and accents ignored).
    pub agency: Option<String>,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// Done and carried ones too.
    pub all: bool,
}

impl FollowUpFilter {
    fn takes(&self, meta: &SessionMeta) -> bool {
        self.since.is_none_or(|d| meta.date >= d)
            && self.until.is_none_or(|d| meta.date <= d)
            && self.agency.as_ref().is_none_or(|a| {
                let a = fold(a.trim());
                meta.agencies.iter().any(|x| fold(x.trim()) == a)
            })
    }
}

impl Workspace<'_> {
    /// A new session for `facilitator`: from `template` (its defaults and headings), and, with
    /// `like`, the agencies, county, type and participants of the most recent session with
    /// that session's agencies, whose open follow-ups are added to the note under a heading
    /// naming it (delete what is not carried over).
    pub fn new_session(
        &self,
        facilitator: &str,
        template: Option<&Template>,
        like: Option<&SessionId>,
    ) -> Result<NewSession, WorkspaceError> {
        let mut meta = SessionMeta::new_today(facilitator);
        let mut text = template.map(|t| t.apply(&mut meta)).unwrap_or_default();
        let mut from = None;
        if let Some(like) = like {
            let chosen = self.store.load(like)?;
            let scan = self.store.scan();
            let last = latest_with(&scan.sessions, &chosen.meta.agencies)
                .filter(|l| l != like)
                .map(|l| self.store.load(&l))
                .transpose()?
                .filter(|l| l.meta.date >= chosen.meta.date)
                .unwrap_or(chosen);
            meta.agencies = last.meta.agencies.clone();
            meta.county = last.meta.county.clone();
            meta.session_type = last.meta.session_type;
            meta.participants = last.meta.participants.clone();
            let open = followups::open(&last.text);
            text.push_str(&carried_section(&text, &last.meta, &open));
            from = Some((last.meta, open));
        }
        Ok(NewSession {
            session: Session { meta, text },
            from,
        })
    }

    /// For session `own`, dated `date`, naming `agencies`: the most recent other session
    /// with the same agencies (compared as `agency_set` does: trimmed, without case or accents,
    /// in any order) dated on or before `date`, with its open follow-ups (none is an answer
    /// too). None when no such session exists or `agencies` names none.
    pub fn carry_over(
        &self,
        agencies: &[String],
        date: NaiveDate,
        own: &SessionId,
    ) -> Result<Option<CarryOver>, WorkspaceError> {
        let set = agency_set(agencies);
        if set.is_empty() {
            return Ok(None);
        }
        let scan = self.store.scan();
        // Newest first: the first one found is the latest.
        let Some(last) = scan.sessions.iter().find(|s| {
            &s.meta.id != own && s.meta.date <= date && agency_set(&s.meta.agencies) == set
        }) else {
            return Ok(None);
        };
        let text = self.store.load_note(&last.meta.id)?;
        Ok(Some(CarryOver {
            from: (*last.meta).clone(),
            open: followups::open(&text),
        }))
    }

    /// A copy of session `id` under a new id, its title marked "(copy)", dated as the
    /// original, created now. Codings are not copied: they are one coder's reading of one
    /// session.
    pub fn duplicate(&self, id: &SessionId, now: DateTime<Utc>) -> Result<Session, WorkspaceError> {
        let original = self.store.load(id)?;
        let mut meta = original.meta.clone();
        meta.id = SessionId::new();
        meta.title = if meta.title.is_empty() {
            "(copy)".to_string()
        } else {
            format!("{} (copy)", meta.title)
        };
        meta.created = now;
        meta.updated = now;
        Ok(self.store.create(meta, &original.text)?)
    }

    /// Every follow-up of every note that `filter` takes (open ones only unless `all`),
    /// newest session first, in note order; and the files that could not be read. A carried
    /// item says which later session it was carried into (`carried_to`), when one is found.
    pub fn followups(&self, filter: &FollowUpFilter) -> (Vec<FollowUpItem>, Vec<String>) {
        let scan = self.store.scan();
        let mut problems: Vec<String> = scan.problems.iter().map(|p| p.to_string()).collect();
        let mut out = Vec::new();
        // The carried-over sections of the notes looked in for `carried_to`, read once.
        let mut sections: HashMap<SessionId, Vec<CarriedSection>> = HashMap::new();
        for s in scan.sessions.iter().filter(|s| filter.takes(&s.meta)) {
            let text = match self.store.load_note(&s.meta.id) {
                Ok(t) => t,
                Err(e) => {
                    problems.push(e.to_string());
                    continue;
                }
            };
            for f in followups::parse(&text) {
                if !f.is_open() && !filter.all {
                    continue;
                }
                let carried_to = (f.state == State::Carried)
                    .then(|| self.carried_to(&scan.sessions, &s.meta, &f.text, &mut sections))
                    .flatten();
                out.push(FollowUpItem {
                    session: s.meta.id.clone(),
                    title: s.meta.title.clone(),
                    date: s.meta.date,
                    agencies: s.meta.agencies.clone(),
                    line: f.line,
                    start: f.start,
                    done: f.is_done(),
                    status: f.state,
                    carried_to,
                    text: f.text,
                    raw: f.raw,
                });
            }
        }
        (out, problems)
    }

    /// The date of the earliest other session with `from`'s agencies, on or after its date,
    /// holding `text` under a carried-over heading naming `from`'s date and title.
    fn carried_to(
        &self,
        sessions: &[SessionSummary],
        from: &SessionMeta,
        text: &str,
        sections: &mut HashMap<SessionId, Vec<CarriedSection>>,
    ) -> Option<NaiveDate> {
        let set = agency_set(&from.agencies);
        let title = if from.title.is_empty() {
            "untitled"
        } else {
            from.title.as_str()
        };
        // Newest first: the last one found is the earliest.
        let mut found = None;
        for s in sessions.iter().filter(|s| {
            s.meta.id != from.id && s.meta.date >= from.date && agency_set(&s.meta.agencies) == set
        }) {
            let secs = sections.entry(s.meta.id.clone()).or_insert_with(|| {
                self.store
                    .load_note(&s.meta.id)
                    .map(|t| carried_sections(&t))
                    .unwrap_or_default()
            });
            if secs.iter().any(|(d, t, items)| {
                *d == from.date && t == title && items.iter().any(|i| i == text)
            }) {
                found = Some(s.meta.date);
            }
        }
        found
    }

    /// Keep the carried marks in session `from`'s note in step with session `into`'s note as
    /// saved, for follow-ups carried from `from` into `into`: each of `pending` (carried, not
    /// yet marked) that `into` now holds as an open item is marked `[>]` if its line still
    /// reads as it was seen (else it stays open: `changed`; not held: `absent`); each of
    /// `marked` (marked before, as its line reads marked) that `into` no longer holds (the
    /// carry was undone, or the lines deleted) is opened again, so no task is left marked as
    /// followed up in a note that does not have it (a changed line stays: `stuck`). The note
    /// is written once, as the editor saves (refused if the file changes meanwhile), and only
    /// when something changes; its `updated` becomes `now`.
    pub fn sync_carried(
        &mut self,
        from: &SessionId,
        into: &SessionId,
        pending: &[FollowUp],
        marked: &[FollowUp],
        now: DateTime<Utc>,
    ) -> Result<CarriedSynced, WorkspaceError> {
        // A note not on disk (its save failed) holds none of them to mark; and what cannot be
        // read says nothing of what is gone from it, so nothing is opened again then.
        let note = self.store.load_note(into).ok();
        let items = note.as_deref().map(followups::parse).unwrap_or_default();
        let open: BTreeSet<&str> = items
            .iter()
            .filter(|f| f.is_open())
            .map(|f| f.text.as_str())
            .collect();
        // Ticked done (or carried on again) there, an item is still followed up there.
        let kept: BTreeSet<&str> = items.iter().map(|f| f.text.as_str()).collect();
        let (present, absent): (Vec<FollowUp>, Vec<FollowUp>) = pending
            .iter()
            .cloned()
            .partition(|f| open.contains(f.text.as_str()));
        let gone: Vec<FollowUp> = match note {
            Some(_) => marked
                .iter()
                .filter(|f| !kept.contains(f.text.as_str()))
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        if present.is_empty() && gone.is_empty() {
            return Ok(CarriedSynced::untouched(
                self.store.load(from)?.meta,
                absent,
            ));
        }
        // The source is read once: its meta is the answer's, its text the one changed.
        let (mut session, base) = self.store.load_with_base(from)?;
        let stamp = self.store.stamp(from);
        let mut synced = CarriedSynced::untouched(session.meta.clone(), absent);
        let (text, left) = followups::mark_carried(&session.text, &present);
        let (text, stuck) = followups::unmark_carried(&text, &gone);
        let not_in = |v: &[&FollowUp], f: &FollowUp| !v.contains(&f);
        synced.marked = present
            .iter()
            .filter(|f| not_in(&left, f))
            .map(|f| f.with_state(followups::State::Carried))
            .collect();
        synced.reopened = gone
            .iter()
            .filter(|f| not_in(&stuck, f))
            .map(|f| f.with_state(followups::State::Open))
            .collect();
        synced.changed = left.into_iter().cloned().collect();
        synced.stuck = stuck.into_iter().cloned().collect();
        if synced.wrote() {
            session.text = text;
            session.meta.updated = now;
            match self.save(&session, stamp, Some(base)) {
                Saved::Written(..) => {}
                Saved::Conflict { .. } => {
                    return Err(WorkspaceError::Changed(format!(
                        "“{}” changed on disk while its carried follow-ups were being marked: \
                         they stay as they were there",
                        session.meta.title
                    )))
                }
                Saved::Failed { error, .. } => return Err(error),
            }
            synced.from = session.meta;
        }
        Ok(synced)
    }

    /// Tick (or untick) the follow-up at `line` of session `id`, if the line still reads
    /// `raw`: the note is read, the one character changed, and saved as the editor saves
    /// (refused if the file changes meanwhile; kept in a draft if writing fails). The
    /// session's `updated` becomes `now`.
    pub fn toggle_followup(
        &mut self,
        id: &SessionId,
        line: usize,
        raw: &str,
        now: DateTime<Utc>,
    ) -> Result<Session, WorkspaceError> {
        let (mut session, base) = self.store.load_with_base(id)?;
        let stamp = self.store.stamp(id);
        let Some(text) = followups::toggle(&session.text, line, raw) else {
            return Err(WorkspaceError::Changed(format!(
                "the follow-up “{}” is no longer on line {} of “{}”: the note changed; look again",
                raw.trim(),
                line + 1,
                session.meta.title
            )));
        };
        session.text = text;
        session.meta.updated = now;
        match self.save(&session, stamp, Some(base)) {
            Saved::Written(..) => Ok(session),
            Saved::Conflict { .. } => Err(WorkspaceError::Changed(format!(
                "“{}” changed on disk while its follow-up was being ticked: nothing was \
                 changed; look again",
                session.meta.title
            ))),
            Saved::Failed { error, .. } => Err(error),
        }
    }

    /// Move session `id` (and its codings) to the trash: the trash folder, and the follow-ups
    /// opened again. Follow-ups it held as carried over from other sessions, and that no other
    /// session holds carried, are opened again (`[>]` → `[ ]`) in the sessions they came from,
    /// so no task stays marked as followed up in a note in the trash. (Restoring the note
    /// then shows them open in both: ticked in either, nothing is lost.) A source that cannot
    /// be written keeps its marks; the session is deleted all the same.
    pub fn delete(&mut self, id: &SessionId) -> Result<Deleted, WorkspaceError> {
        let sections = self
            .store
            .load_note(id)
            .map(|t| carried_sections(&t))
            .unwrap_or_default();
        let bin = self.store.delete(id)?;
        let mut reopened = 0;
        if sections.is_empty() {
            return Ok(Deleted { bin, reopened });
        }
        let scan = self.store.scan();
        let mut seen: HashMap<SessionId, Vec<CarriedSection>> = HashMap::new();
        for (date, title, items) in &sections {
            let sources = scan.sessions.iter().filter(|s| {
                s.meta.date == *date
                    && (s.meta.title == *title || (s.meta.title.is_empty() && title == "untitled"))
            });
            for src in sources {
                // Read once: its carried items are looked for in the text that is changed.
                let Ok((mut session, base)) = self.store.load_with_base(&src.meta.id) else {
                    continue;
                };
                let stamp = self.store.stamp(&src.meta.id);
                let stuck: Vec<FollowUp> = followups::parse(&session.text)
                    .into_iter()
                    .filter(|f| f.state == State::Carried && items.contains(&f.text))
                    .filter(|f| {
                        self.carried_to(&scan.sessions, &src.meta, &f.text, &mut seen)
                            .is_none()
                    })
                    .collect();
                if stuck.is_empty() {
                    continue;
                }
                let (text, left) = followups::unmark_carried(&session.text, &stuck);
                let n = stuck.len() - left.len();
                if n == 0 {
                    continue;
                }
                session.text = text;
                session.meta.updated = Utc::now();
                if matches!(self.save(&session, stamp, Some(base)), Saved::Written(..)) {
                    reopened += n;
                }
            }
        }
        Ok(Deleted { bin, reopened })
    }

    /// The deleted sessions, most recently deleted first.
    pub fn trash(&self) -> Vec<Trashed> {
        self.store.trash()
    }

    /// Put a deleted session back (see `Store::restore`).
    pub fn restore(&self, trashed: &Trashed) -> Result<SessionId, WorkspaceError> {
        Ok(self.store.restore(trashed)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::store::Store;

    fn meta(title: &str, date: (i32, u32, u32), agencies: &[&str]) -> SessionMeta {
        let mut m = SessionMeta::new_today("M. Rivera");
        m.title = title.into();
        m.date = NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap();
        m.agencies = agencies.iter().map(|a| a.to_string()).collect();
        m
    }

    #[test]
    fn neighbours_are_the_nearest_sessions_with_the_same_agencies() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let a1 = store
            .create(meta("a1", (2026, 1, 1), &["CYFD", "La Casa"]), "")
            .unwrap();
        store
            .create(meta("other", (2026, 1, 2), &["CYFD"]), "")
            .unwrap();
        let a2 = store
            .create(meta("a2", (2026, 1, 3), &["la casa", "cyfd"]), "")
            .unwrap();
        store.create(meta("none", (2026, 1, 4), &[]), "").unwrap();
        let a3 = store
            .create(meta("a3", (2026, 1, 5), &["CYFD", "La Casa"]), "")
            .unwrap();
        let s = store.scan().sessions;
        let id = |s: &Session| s.meta.id.clone();
        assert_eq!(neighbour(&s, &id(&a2), false), Some(id(&a1)));
        assert_eq!(neighbour(&s, &id(&a2), true), Some(id(&a3)));
        assert_eq!(neighbour(&s, &id(&a1), false), None);
        assert_eq!(neighbour(&s, &id(&a3), true), None);
        assert_eq!(
            latest_with(&s, &["La Casa".into(), "CYFD".into()]),
            Some(id(&a3))
        );
        let none = s.iter().find(|x| x.meta.title == "none").unwrap();
        assert_eq!(neighbour(&s, &none.meta.id, false), None);
    }

    #[test]
    fn new_from_last_copies_the_details_and_carries_open_follow_ups() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let mut m = meta("Older", (2026, 1, 1), &["CYFD"]);
        m.county = "Luna".into();
        let older = store.create(m, "- [ ] old item\n").unwrap();
        let mut m = meta("Joint", (2026, 2, 1), &["CYFD"]);
        m.county = "Doña Ana".into();
        m.session_type = crate::core::session::SessionType::JointCoaching;
        m.participants = vec![crate::core::session::Participant {
            role: "supervisor".into(),
            count: 2,
        }];
        store
            .create(
                m,
                "## Follow-ups\n- [x] done one\n- [ ] Call the school\n- [ ] Share the plan\n",
            )
            .unwrap();
        let ws = Workspace::new(&store, "Ana");
        let template = store.template("default").unwrap();
        // From the older session: the latest with its agencies is the one taken.
        let n = ws
            .new_session("Ana", Some(&template), Some(&older.meta.id))
            .unwrap();
        let m = &n.session.meta;
        assert_eq!(m.agencies, ["CYFD"]);
        assert_eq!(m.county, "Doña Ana");
        assert_eq!(
            m.session_type,
            crate::core::session::SessionType::JointCoaching
        );
        assert_eq!(m.participants.len(), 1);
        assert_eq!(m.facilitator, "Ana");
        assert!(m.title.is_empty());
        let (from, open) = n.from.unwrap();
        assert_eq!(from.title, "Joint");
        assert_eq!(open.len(), 2);
        let text = &n.session.text;
        assert!(text.starts_with("## Discussion"), "{text}");
        assert!(
            text.ends_with("## Open follow-ups from 2026-02-01 (Joint)\n\n- [ ] Call the school\n- [ ] Share the plan\n"),
            "{text}"
        );
        assert!(!text.contains("done one") && !text.contains("old item"));
        assert!(store.scan().sessions.len() == 2, "nothing saved yet");
    }

    #[test]
    fn follow_ups_are_listed_filtered_and_ticked_through_the_save_path() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let a = store
            .create(meta("A", (2026, 1, 1), &["CYFD"]), "- [ ] one\n- [x] two\n")
            .unwrap();
        store
            .create(
                meta("B", (2026, 3, 1), &["Doña Ana DV"]),
                "x\n  - [ ] three\n",
            )
            .unwrap();
        let mut ws = Workspace::new(&store, "Ana");
        let (all, problems) = ws.followups(&FollowUpFilter::default());
        assert!(problems.is_empty());
        let texts: Vec<&str> = all.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["three", "one"]);
        let f = FollowUpFilter {
            agency: Some("dona ana dv".into()),
            ..Default::default()
        };
        assert_eq!(ws.followups(&f).0.len(), 1);
        let f = FollowUpFilter {
            until: NaiveDate::from_ymd_opt(2026, 2, 1),
            all: true,
            ..Default::default()
        };
        assert_eq!(ws.followups(&f).0.len(), 2);

        let one = all.iter().find(|f| f.text == "one").unwrap();
        let now = Utc::now();
        let s = ws
            .toggle_followup(&a.meta.id, one.line, &one.raw, now)
            .unwrap();
        assert_eq!(s.text, "- [x] one\n- [x] two\n");
        assert_eq!(store.load(&a.meta.id).unwrap().text, s.text);
        assert_eq!(store.load(&a.meta.id).unwrap().meta.updated, now);
        // The same request again finds the line changed and touches nothing.
        let e = ws
            .toggle_followup(&a.meta.id, one.line, &one.raw, now)
            .unwrap_err();
        assert!(e.to_string().contains("the note changed"), "{e}");
        assert_eq!(store.load(&a.meta.id).unwrap().text, s.text);
    }

    #[test]
    fn carry_over_finds_the_latest_other_session_with_the_same_agencies() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let ws = Workspace::new(&store, "Ana");
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        let agencies = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let own = SessionId::new();
        let want = agencies(&["CYFD", "Peña Blanca"]);
        // None found: an empty store, then only other agencies.
        assert_eq!(ws.carry_over(&want, day(10), &own).unwrap(), None);
        store
            .create(
                meta("Other", (2026, 3, 5), &["CYFD"]),
                "- [ ] not this
",
            )
            .unwrap();
        assert_eq!(ws.carry_over(&want, day(10), &own).unwrap(), None);
        assert_eq!(ws.carry_over(&[], day(10), &own).unwrap(), None);
        assert_eq!(
            ws.carry_over(&agencies(&[" ", ""]), day(10), &own).unwrap(),
            None
        );

        // Same agencies in another order, case and accents.
        store
            .create(
                meta("Early", (2026, 3, 1), &["pena blanca ", "cyfd"]),
                "- [ ] early item\n",
            )
            .unwrap();
        store
            .create(
                meta("March", (2026, 3, 8), &["PEÑA BLANCA", "Cyfd"]),
                "## Notes\n- [x] done thing\n- [ ] call the school\n  * [ ] Llamar 🙂\n",
            )
            .unwrap();
        store
            .create(
                meta("Later", (2026, 3, 20), &["CYFD", "Peña Blanca"]),
                "- [ ] from the future\n",
            )
            .unwrap();
        let c = ws.carry_over(&want, day(10), &own).unwrap().unwrap();
        assert_eq!(c.from.title, "March", "the latest not after the date");
        let open: Vec<&str> = c.open.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(open, ["call the school", "Llamar 🙂"]);
        // On the day itself counts; before the first one, nothing.
        let c = ws.carry_over(&want, day(20), &own).unwrap().unwrap();
        assert_eq!(c.from.title, "Later");
        assert_eq!(
            ws.carry_over(&want, day(1), &own)
                .unwrap()
                .unwrap()
                .from
                .title,
            "Early"
        );
        assert_eq!(
            ws.carry_over(&want, NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(), &own)
                .unwrap(),
            None
        );

        // A session never carries over from itself: the next one back is found.
        let later = store
            .scan()
            .sessions
            .iter()
            .find(|s| s.meta.title == "Later")
            .unwrap()
            .meta
            .id
            .clone();
        let c = ws.carry_over(&want, day(20), &later).unwrap().unwrap();
        assert_eq!(c.from.title, "March");

        // A previous session with no open items is an answer with none.
        store
            .create(
                meta("All done", (2026, 3, 9), &["CYFD", "Peña Blanca"]),
                "- [x] done\nNo tasks here.\n",
            )
            .unwrap();
        let c = ws.carry_over(&want, day(10), &own).unwrap().unwrap();
        assert_eq!(c.from.title, "All done");
        assert!(c.open.is_empty());
        assert_eq!(carried_section("x\n", &c.from, &c.open), "");
    }

    #[test]
    fn the_carried_section_is_the_one_new_from_last_writes() {
        let m = meta("", (2026, 1, 2), &["CYFD"]);
        let open = followups::open("- [ ] one\n- [x] two\n- [ ]\n");
        let section = "## Open follow-ups from 2026-01-02 (untitled)\n\n- [ ] one\n";
        assert_eq!(carried_section("", &m, &open), section);
        assert_eq!(carried_section("a\n\n", &m, &open), section);
        assert_eq!(carried_section("a\n", &m, &open), format!("\n{section}"));
        assert_eq!(carried_section("a", &m, &open), format!("\n\n{section}"));
        assert!(has_carried_section(&format!("Notes\n\n{section}")));
        assert!(has_carried_section("### Open follow-ups from somewhere\n"));
        assert!(!has_carried_section("Open follow-ups from the last one\n"));
        assert!(!has_carried_section("## Follow-ups\n- [ ] one\n"));
    }

    #[test]
    fn carried_items_are_marked_in_their_source_once_the_new_note_holds_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let src = store
            .create(
                meta("Joint", (2026, 2, 1), &["CYFD"]),
                "## Follow-ups\n- [ ] Call the school\n- [x] done one\n- [ ] Share the plan\n- [ ] Llamar 🙂\n- [ ]\n",
            )
            .unwrap();
        let mut ws = Workspace::new(&store, "Ana");
        let new = ws.new_session("Ana", None, Some(&src.meta.id)).unwrap();
        let (from, carried) = new.from.clone().unwrap();
        assert_eq!(carried.len(), 3, "the empty box is not carried");
        // Before the new note is saved, nothing is marked: it holds none of them on disk.
        let m = ws
            .sync_carried(&from.id, &new.session.meta.id, &carried, &[], Utc::now())
            .unwrap();
        assert_eq!((m.marked.len(), m.absent.len(), m.wrote()), (0, 3, false));
        assert_eq!(store.load(&src.meta.id).unwrap().text, src.text);

        // Saved without one of them (deleted as not carried over); meanwhile the source's
        // "Share the plan" line was edited.
        let mut s = new.session.clone();
        s.text = s.text.replace("- [ ] Llamar 🙂\n", "");
        let into = store.create(s.meta.clone(), &s.text).unwrap();
        let edited = src.text.replace("Share the plan", "Share the safety plan");
        let mut changed = store.load(&src.meta.id).unwrap();
        changed.text = edited;
        let base = store.stamp(&src.meta.id);
        assert!(matches!(ws.save(&changed, base, None), Saved::Written(..)));

        let now = Utc::now();
        let m = ws
            .sync_carried(&from.id, &into.meta.id, &carried, &[], now)
            .unwrap();
        let texts = |v: &[FollowUp]| v.iter().map(|f| f.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(&m.marked), ["Call the school"]);
        assert!(m.reopened.is_empty() && m.stuck.is_empty());
        assert_eq!(texts(&m.changed), ["Share the plan"]);
        assert_eq!(texts(&m.absent), ["Llamar 🙂"]);
        let after = store.load(&src.meta.id).unwrap();
        assert_eq!(
            after.text,
            "## Follow-ups\n- [>] Call the school\n- [x] done one\n- [ ] Share the safety plan\n- [ ] Llamar 🙂\n- [ ]\n"
        );
        assert_eq!(after.meta.updated, now);
        // The new note's copies stay open.
        assert_eq!(
            followups::open(&store.load_note(&into.meta.id).unwrap()).len(),
            2
        );

        // The follow-ups: each task once among the open ones; the carried one with its
        // status and the date it went to; no empty box anywhere.
        let (open, _) = ws.followups(&FollowUpFilter::default());
        let got: Vec<(&str, &str)> = open
            .iter()
            .map(|f| (f.title.as_str(), f.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("", "Call the school"),
                ("", "Share the plan"),
                ("Joint", "Share the safety plan"),
                ("Joint", "Llamar 🙂"),
            ],
            "newest first ({})",
            into.meta.date
        );
        let (all, _) = ws.followups(&FollowUpFilter {
            all: true,
            ..Default::default()
        });
        assert!(all.iter().all(|f| !f.text.is_empty()));
        let carried: Vec<&FollowUpItem> =
            all.iter().filter(|f| f.status == State::Carried).collect();
        assert_eq!(carried.len(), 1);
        assert_eq!(carried[0].text, "Call the school");
        assert!(!carried[0].done);
        assert_eq!(carried[0].carried_to, Some(into.meta.date));
        assert_eq!(
            carried[0].carried_note().unwrap(),
            format!("→ carried to {}", into.meta.date)
        );
        assert_eq!(all.iter().filter(|f| f.status == State::Done).count(), 1);
        let marked = m.marked;

        // The carry is undone in the new note and it is saved: the source's task is open
        // again, so it is not hidden as followed up in a note that does not have it.
        let mut undone = store.load(&into.meta.id).unwrap();
        undone.text = undone.text.replace("- [ ] Call the school\n", "");
        let base = store.stamp(&into.meta.id);
        assert!(matches!(ws.save(&undone, base, None), Saved::Written(..)));
        let m = ws
            .sync_carried(&from.id, &into.meta.id, &[], &marked, now)
            .unwrap();
        assert_eq!(texts(&m.reopened), ["Call the school"]);
        assert!(m.marked.is_empty() && m.stuck.is_empty());
        let reopened_once = m.reopened.clone();
        assert!(store
            .load(&src.meta.id)
            .unwrap()
            .text
            .starts_with("## Follow-ups\n- [ ] Call the school\n"));
        let (open, _) = ws.followups(&FollowUpFilter::default());
        assert!(open.iter().any(|f| f.text == "Call the school"));
        // Redone: marked again from what was opened.
        let base = store.stamp(&into.meta.id);
        assert!(matches!(ws.save(&into, base, None), Saved::Written(..)));
        let m = ws
            .sync_carried(&from.id, &into.meta.id, &reopened_once, &[], now)
            .unwrap();
        assert_eq!(texts(&m.marked), ["Call the school"]);
        // Ticked done in the new note: still followed up there, so it stays marked.
        let mut ticked = store.load(&into.meta.id).unwrap();
        ticked.text = ticked
            .text
            .replace("- [ ] Call the school", "- [x] Call the school");
        let base = store.stamp(&into.meta.id);
        assert!(matches!(ws.save(&ticked, base, None), Saved::Written(..)));
        let t = ws
            .sync_carried(&from.id, &into.meta.id, &[], &m.marked, now)
            .unwrap();
        assert!(!t.wrote() && t.reopened.is_empty(), "{t:?}");
        let base = store.stamp(&into.meta.id);
        assert!(matches!(ws.save(&into, base, None), Saved::Written(..)));
        // Undone again, but the source's line was edited meanwhile: it stays, and says so.
        let base = store.stamp(&into.meta.id);
        assert!(matches!(ws.save(&undone, base, None), Saved::Written(..)));
        let mut src_now = store.load(&src.meta.id).unwrap();
        src_now.text = src_now
            .text
            .replace("[>] Call the school", "[>] Call the school today");
        let base = store.stamp(&src.meta.id);
        assert!(matches!(ws.save(&src_now, base, None), Saved::Written(..)));
        let m = ws
            .sync_carried(&from.id, &into.meta.id, &[], &m.marked, now)
            .unwrap();
        assert_eq!(texts(&m.stuck), ["Call the school"]);
        assert!(!m.wrote());
        assert_eq!(store.load(&src.meta.id).unwrap().text, src_now.text);
    }

    /// Deleting the note follow-ups were carried into opens them again where they came from,
    /// unless another note holds them carried too.
    #[test]
    fn deleting_the_note_they_were_carried_into_opens_the_follow_ups_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let src = store
            .create(
                meta("Joint", (2026, 2, 1), &["CYFD"]),
                "## Follow-ups\n- [ ] Call the school\n- [ ] Llamar 🙂\n",
            )
            .unwrap();
        let mut ws = Workspace::new(&store, "Ana");
        let carry = |ws: &mut Workspace, title: &str| {
            let new = ws.new_session("Ana", None, Some(&src.meta.id)).unwrap();
            let (from, carried) = new.from.clone().unwrap();
            let mut m = new.session.meta.clone();
            m.title = title.into();
            let into = store.create(m, &new.session.text).unwrap();
            let pending: Vec<FollowUp> = followups::open(&store.load(&from.id).unwrap().text)
                .into_iter()
                .filter(|f| carried.iter().any(|c| c.text == f.text))
                .collect();
            ws.sync_carried(&from.id, &into.meta.id, &pending, &[], Utc::now())
                .unwrap();
            into
        };
        let into = carry(&mut ws, "Next");
        let marked = store.load(&src.meta.id).unwrap().text;
        assert!(marked.contains("- [>] Call the school"), "{marked}");
        let d = ws.delete(&into.meta.id).unwrap();
        assert_eq!(d.reopened, 2);
        assert_eq!(store.load(&src.meta.id).unwrap().text, src.text);
        let (open, _) = ws.followups(&FollowUpFilter::default());
        assert_eq!(open.len(), 2);

        // Carried into two notes (the second after the first was restored by hand): deleting
        // one leaves the marks, since the other still holds them.
        let a = carry(&mut ws, "A");
        let text = store.load(&a.meta.id).unwrap().text;
        let mut b_meta = a.meta.clone();
        b_meta.id = crate::core::session::SessionId::new();
        b_meta.title = "B".into();
        let b = store.create(b_meta, &text).unwrap();
        let d = ws.delete(&a.meta.id).unwrap();
        assert_eq!(d.reopened, 0);
        assert!(store
            .load(&src.meta.id)
            .unwrap()
            .text
            .contains("- [>] Call the school"));
        assert_eq!(ws.delete(&b.meta.id).unwrap().reopened, 2);
    }

    #[test]
    fn a_duplicate_is_a_new_session_with_the_same_words() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let a = store
            .create(meta("Plan", (2026, 1, 1), &["CYFD"]), "Words 🙂\n")
            .unwrap();
        let ws = Workspace::new(&store, "Ana");
        let d = ws.duplicate(&a.meta.id, Utc::now()).unwrap();
        assert_ne!(d.meta.id, a.meta.id);
        assert_eq!(d.meta.title, "Plan (copy)");
        assert_eq!(d.text, a.text);
        assert_eq!(store.load(&d.meta.id).unwrap(), d);
        assert_eq!(store.scan().sessions.len(), 2);
    }
}
