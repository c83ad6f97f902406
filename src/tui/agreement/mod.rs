//! The agreement screen, a component: the figures per theme (units, % agreement, κ, α,
//! Brennan–Prediger κ, open disagreements) for the unit, coders and sessions chosen, and one
//! theme's disagreements, each settled into the consensus coder with a key (A's coding, B's,
//! both, neither) or looked at in its note (`Command::OpenAt`). Reading the codings and
//! computing the figures is disk and CPU work: it is asked of the IO thread
//! (`Request::Agreement`, `Request::Settle`), which calls the workspace as `ripple agree` does;
//! a settled disagreement comes back with the figures and the list as they are after it.

use crate::core::agreement::disagreements::Disagreement;
use crate::core::agreement::load::SessionChoice;
use crate::core::agreement::{Options, Unit};
use crate::core::workspace::agreement::{AgreementAsk, AgreementView};
use crate::tui::component::{Command, Ctx, Jump, Outcome, Screen};
use crate::tui::keymap::{Action, Context};
use crate::tui::worker::{Request, Response};

/// Which part of the screen is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// The table of figures.
    Table,
    /// The disagreements of one theme (None: of every theme).
    Disagreements(Option<String>),
}

#[derive(Debug)]
pub struct AgreementScreen {
    pub unit: Unit,
    pub sessions: SessionChoice,
    /// The coders compared, by name; empty: every coder but the consensus coder.
    pub coders: Vec<String>,
    /// The last comparison received.
    pub view: Option<AgreementView>,
    /// Why the last comparison could not be made.
    pub error: Option<String>,
    pub sent_seq: u64,
    pub shown_seq: u64,
    /// A settle on its way (no second one until it is answered).
    pub settling: bool,
    pub part: Part,
    /// The highlighted row of the table (the last row is "all themes").
    pub selected: usize,
    /// The highlighted disagreement.
    pub item: usize,
    /// The user codes blind: the figures are shown, the disagreements (others' codings) not.
    pub blind: bool,
    /// The screen Esc goes back to: the one it was opened from (the list, or analysis).
    pub back_to: Screen,
}

impl Default for AgreementScreen {
    fn default() -> Self {
        AgreementScreen {
            unit: Unit::Char,
            sessions: SessionChoice::Done,
            coders: Vec::new(),
            view: None,
            error: None,
            sent_seq: 0,
            shown_seq: 0,
            settling: false,
            part: Part::Table,
            back_to: Screen::List,
            selected: 0,
            item: 0,
            blind: false,
        }
    }
}

impl AgreementScreen {
    pub fn loading(&self) -> bool {
        self.sent_seq != self.shown_seq
    }

    pub fn context(&self) -> Context {
        match self.part {
            Part::Table => Context::Agreement,
            Part::Disagreements(_) => Context::Disagreements,
        }
    }

    /// What is compared, as the IO thread is asked.
    pub fn ask(&self) -> AgreementAsk {
        AgreementAsk {
            coders: self.coders.clone(),
            options: Options {
                unit: self.unit,
                ..Options::default()
            },
            sessions: self.sessions,
            only: None,
        }
    }

    /// The screen is shown: the table, figures asked for afresh.
    pub fn open(&mut self, ctx: &mut Ctx) {
        self.part = Part::Table;
        self.send(ctx);
    }

    /// Ask the IO thread for the comparison as chosen now.
    pub fn send(&mut self, ctx: &mut Ctx) {
        self.sent_seq += 1;
        ctx.effects.push(Request::Agreement {
            seq: self.sent_seq,
            ask: Box::new(self.ask()),
            disagreements: !self.blind,
        });
    }

    /// Rows of the table: each theme, then "all themes".
    pub fn rows(&self) -> usize {
        self.view.as_ref().map_or(0, |v| v.report.themes.len() + 1)
    }

    /// The theme of table row `i` (None: the "all themes" row).
    pub fn row_theme(&self, i: usize) -> Option<&str> {
        let v = self.view.as_ref()?;
        v.report.themes.get(i).map(|t| t.theme.as_str())
    }

    /// Open disagreements of `theme` (None: all).
    pub fn open_count(&self, theme: Option<&str>) -> usize {
        self.view.as_ref().map_or(0, |v| {
            v.disagreements
                .iter()
                .filter(|d| theme.is_none_or(|t| d.theme == t))
                .count()
        })
    }

    /// The disagreements listed now.
    pub fn items(&self) -> Vec<&Disagreement> {
        let Part::Disagreements(theme) = &self.part else {
            return Vec::new();
        };
        self.view.as_ref().map_or(Vec::new(), |v| {
            v.disagreements
                .iter()
                .filter(|d| theme.as_ref().is_none_or(|t| &d.theme == t))
                .collect()
        })
    }

    /// The compared coders' names, as the last comparison says.
    pub fn compared(&self) -> &[String] {
        self.view.as_ref().map_or(&[], |v| &v.report.coders)
    }

    /// The coders to compare next: the default set, then each pair of coders in turn (the
    /// default set when no comparison is known).
    fn next_coders(&self) -> Vec<String> {
        let Some(v) = &self.view else {
            return Vec::new();
        };
        let mut choices: Vec<Vec<String>> = vec![Vec::new()];
        for (i, a) in v.coders.iter().enumerate() {
            for b in &v.coders[i + 1..] {
                choices.push(vec![a.clone(), b.clone()]);
            }
        }
        let at = choices.iter().position(|c| *c == self.coders).unwrap_or(0);
        choices[(at + 1) % choices.len()].clone()
    }

    pub fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        match self.part.clone() {
            Part::Table => self.table_action(action, ctx),
            Part::Disagreements(_) => self.list_action(action, ctx),
        }
    }

    fn moved(at: usize, len: usize, action: Action) -> Option<usize> {
        let last = len.saturating_sub(1);
        Some(match action {
            Action::Up => at.saturating_sub(1),
            Action::Down => (at + 1).min(last),
            Action::PageUp => at.saturating_sub(10),
            Action::PageDown => (at + 10).min(last),
            Action::First => 0,
            Action::Last => last,
            _ => return None,
        })
    }

    fn table_action(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        if let Some(at) = Self::moved(self.selected, self.rows(), action) {
            self.selected = at;
            return Outcome::Consumed;
        }
        match action {
            Action::AgreeUnit => {
                self.unit = match self.unit {
                    Unit::Char => Unit::Paragraph,
                    Unit::Paragraph => Unit::Segment,
                    Unit::Segment => Unit::Char,
                };
                ctx.info(format!("Unit: {}", self.unit));
                self.send(ctx);
            }
            Action::AgreeSessions => {
                self.sessions = match self.sessions {
                    SessionChoice::Done => SessionChoice::All,
                    SessionChoice::All => SessionChoice::Done,
                };
                self.send(ctx);
            }
            Action::AgreeCoders => {
                // Without a comparison (a coder named is gone, say): back to the default set.
                self.coders = self.next_coders();
                self.selected = 0;
                self.send(ctx);
            }
            Action::OpenResult => {
                if self.blind {
                    ctx.error(
                        "Blind mode is on: the disagreements show other coders' codings; \
                         turn blind mode off (RIPPLE_BLIND=0, or `blind = false` in the config) to reconcile",
                    );
                } else if self.view.is_some() {
                    let theme = self.row_theme(self.selected).map(str::to_string);
                    self.part = Part::Disagreements(theme);
                    self.item = 0;
                    if self.items().is_empty() {
                        ctx.info("No open disagreements here");
                    }
                }
            }
            Action::Back => ctx.command(Command::Show(self.back_to)),
            _ => return Outcome::NotConsumed,
        }
        Outcome::Consumed
    }

    fn list_action(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let items = self.items();
        if let Some(at) = Self::moved(self.item, items.len(), action) {
            self.item = at;
            return Outcome::Consumed;
        }
        let coders = self.compared().to_vec();
        let accept = match action {
            Action::Back => {
                self.part = Part::Table;
                return Outcome::Consumed;
            }
            Action::OpenResult => {
                if let Some(d) = items.get(self.item) {
                    let jump = Jump {
                        id: d.session.clone(),
                        cursor: d.start,
                        hits: vec![(d.start, d.end)],
                    };
                    ctx.command(Command::OpenAt {
                        jump,
                        title: format!("the {} passage of {}", d.theme, d.session.short()),
                        from: Screen::Agreement,
                    });
                }
                return Outcome::Consumed;
            }
            Action::AcceptCoder(n) => match coders.get(usize::from(n).saturating_sub(1)) {
                Some(c) => vec![c.clone()],
                None => {
                    ctx.error(format!("There is no coder {n} in this comparison"));
                    return Outcome::Consumed;
                }
            },
            Action::AcceptBoth => coders,
            Action::AcceptNeither => Vec::new(),
            _ => return Outcome::NotConsumed,
        };
        let Some(d) = items.get(self.item) else {
            ctx.info("No disagreement to settle here");
            return Outcome::Consumed;
        };
        if let Some(why) = ctx.read_only {
            let text = format!("Read-only, so nothing can be settled now: {why}");
            ctx.error(text);
            return Outcome::Consumed;
        }
        if self.settling {
            ctx.info("Settling the last one; a moment");
            return Outcome::Consumed;
        }
        let key = d.key.clone();
        self.settling = true;
        self.sent_seq += 1;
        ctx.effects.push(Request::Settle {
            seq: self.sent_seq,
            ask: Box::new(self.ask()),
            key,
            accept,
        });
        Outcome::Consumed
    }

    /// An answer from the IO thread; returns it when it is not for this screen.
    pub fn on_io(&mut self, resp: Response, ctx: &mut Ctx) -> Option<Response> {
        match resp {
            Response::Agreement { seq, result } => {
                if seq == self.sent_seq {
                    self.shown_seq = seq;
                    self.take(result.map(|v| *v), ctx);
                }
                None
            }
            Response::Settled {
                seq,
                accept,
                result,
            } => {
                self.settling = false;
                match result {
                    Ok((done, view)) => {
                        let consensus = view.consensus.clone();
                        let whose = if accept.is_empty() {
                            "neither coder's coding".to_string()
                        } else {
                            format!("{}'s coding", accept.join(" and "))
                        };
                        let mut msg = format!(
                            "Settled: {whose} into {consensus} ({} coding(s) added",
                            done.accepted
                        );
                        if done.agreed > 0 {
                            msg.push_str(&format!(
                                ", and {} the coders agreed on in this session",
                                done.agreed
                            ));
                        }
                        msg.push(')');
                        if seq == self.sent_seq {
                            self.shown_seq = seq;
                            self.take(Ok(*view), ctx);
                        }
                        ctx.ok(msg);
                    }
                    Err(e) => {
                        if seq == self.sent_seq {
                            self.shown_seq = seq;
                        }
                        ctx.error(format!("Not settled: {e}"));
                        // What is open may have changed: read it again.
                        self.send(ctx);
                    }
                }
                None
            }
            other => Some(other),
        }
    }

    fn take(&mut self, result: Result<AgreementView, String>, ctx: &mut Ctx) {
        match result {
            Ok(v) => {
                if let Some(w) = v.warnings.first() {
                    ctx.info(format!("{} warning(s): {w}", v.warnings.len()));
                }
                self.view = Some(v);
                self.error = None;
            }
            Err(e) => {
                self.view = None;
                self.error = Some(e);
            }
        }
        self.selected = self.selected.min(self.rows().saturating_sub(1));
        self.item = self.item.min(self.items().len().saturating_sub(1));
    }
}

#[cfg(test)]
mod tests;
