//! Agreement in the workspace: the one sequence `ripple agree` and the TUI's agreement screen
//! both follow — which coders are compared (every coder but the consensus coder unless named),
//! which sessions (done marks), reading them, the figures, the open disagreements (those the
//! consensus coder has not settled), and settling one (docs/agreement.md).

use super::Workspace;
use crate::core::agreement::consensus::{self, ResolveError, Settled, Settlement};
use crate::core::agreement::disagreements::{self, Disagreement};
use crate::core::agreement::done;
use crate::core::agreement::load::{self, CoderInfo, SessionChoice};
use crate::core::agreement::{self as agreement, Options, Report, SessionCodings};
use crate::core::codebook::Codebook;
use crate::core::coding::coder_slug;
use crate::core::coding_store::CodingFileError;
use crate::core::session::SessionId;
use std::collections::HashSet;
use std::path::Path;

/// The coders to compare: those named in `wanted` (each once), or every coder but the
/// consensus coder. At least two; the error says who the coders are.
pub fn pick_coders(
    all: &[CoderInfo],
    wanted: &[String],
    consensus: &str,
) -> Result<Vec<CoderInfo>, String> {
    let known = || {
        if all.is_empty() {
            "nobody has coded in this store yet".to_string()
        } else {
            format!(
                "the coders are: {}",
                all.iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    };
    let picked: Vec<CoderInfo> = if wanted.is_empty() {
        all.iter()
            .filter(|c| c.slug != coder_slug(consensus))
            .cloned()
            .collect()
    } else {
        let mut out: Vec<CoderInfo> = Vec::new();
        for w in wanted {
            let c = load::find_coder(all, w)
                .ok_or_else(|| format!("no coder `{w}` in this store: {}", known()))?;
            if out.iter().any(|o| o.slug == c.slug) {
                return Err(format!("{w} is named twice"));
            }
            out.push(c.clone());
        }
        out
    };
    if picked.len() < 2 {
        return Err(format!(
            "agreement needs at least two coders to compare; {}",
            known()
        ));
    }
    Ok(picked)
}

/// The disagreements among `names` in `sessions` that the consensus coder has not settled.
/// When the consensus coder is itself compared, its decisions settle nothing.
pub fn open_disagreements(
    root: &Path,
    sessions: &[SessionCodings],
    names: &[String],
    book: &Codebook,
    opts: &Options,
    consensus_name: &str,
) -> Result<Vec<Disagreement>, CodingFileError> {
    let decisions = consensus::load_decisions(root, consensus_name)?;
    let settled = if names
        .iter()
        .any(|n| coder_slug(n) == coder_slug(consensus_name))
    {
        Settled::default()
    } else {
        decisions.settled()
    };
    Ok(disagreements::list(sessions, names, book, opts, &settled))
}

/// What is compared, as asked.
#[derive(Clone, Debug, Default)]
pub struct AgreementAsk {
    /// By name; empty: every coder but the consensus coder.
    pub coders: Vec<String>,
    pub options: Options,
    pub sessions: SessionChoice,
    /// Only sessions among these (a search's), if given.
    pub only: Option<HashSet<SessionId>>,
}

/// A comparison read from the store, ready for figures, disagreements and settling.
pub struct Comparison {
    /// Every coder with a folder, with their done marks.
    pub all_coders: Vec<CoderInfo>,
    /// The compared coders' names, in order.
    pub names: Vec<String>,
    pub consensus: String,
    pub codebook: Codebook,
    pub sessions: Vec<SessionCodings>,
    /// What could not be read, or was left out, said as the user is told it.
    pub warnings: Vec<String>,
}

impl Comparison {
    pub fn report(&self, opts: &Options) -> Report {
        agreement::compare(&self.sessions, &self.names, &self.codebook, opts)
    }
}

/// The figures and open disagreements of a comparison (what the agreement screen shows).
#[derive(Clone, Debug)]
pub struct AgreementView {
    /// Every coder with a folder, the consensus coder too, by name (to choose from).
    pub coders: Vec<String>,
    pub consensus: String,
    pub report: Report,
    /// Every open disagreement, all themes (empty when not asked for).
    pub disagreements: Vec<Disagreement>,
    pub warnings: Vec<String>,
}

impl Workspace<'_> {
    /// The coders and sessions `ask` names, read from the store. The codebook is the store's
    /// (the built-in one, with a warning, when it cannot be read).
    pub fn comparison(&self, ask: &AgreementAsk) -> Result<Comparison, String> {
        let store = self.store;
        let mut warnings: Vec<String> = Vec::new();
        let codebook = match Codebook::load_or_builtin(&store.codebook_path()) {
            Ok(b) => b,
            Err(errs) => {
                warnings.extend(errs.iter().map(|e| e.to_string()));
                warnings.push("using the built-in codebook for theme names and parents".into());
                Codebook::builtin()
            }
        };
        let consensus = store.settings().consensus_coder().to_string();
        let (all_coders, errors) = load::coders(store.root());
        warnings.extend(
            errors
                .iter()
                .map(|e| format!("{e} (that coder's done marks are not read)")),
        );
        let coders = pick_coders(&all_coders, &ask.coders, &consensus)?;
        let (ids, unreadable) = load::session_ids(store, &coders, ask.sessions, ask.only.as_ref());
        let loaded = load::load(store, &coders, &ids);
        warnings.extend(unreadable);
        warnings.extend(loaded.warnings);
        Ok(Comparison {
            all_coders,
            names: coders.iter().map(|c| c.name.clone()).collect(),
            consensus,
            codebook,
            sessions: loaded.sessions,
            warnings,
        })
    }

    /// Whether `id` is marked done by this workspace's coder, after setting the mark to `set`
    /// when given (stored in the coder's own folder, `agreement::done`).
    pub fn done_mark(&self, id: &SessionId, set: Option<bool>) -> Result<bool, String> {
        let root = self.store.root();
        match set {
            Some(_) if self.store.read_only_reason().is_some() => Err(format!(
                "the store is read-only ({}): the mark is not changed",
                self.store.read_only_reason().unwrap_or_default()
            )),
            Some(done) => done::set(root, &self.coder, id, done)
                .map(|_| done)
                .map_err(|e| e.to_string()),
            None => done::load(root, &self.coder)
                .map(|m| m.is_done(id))
                .map_err(|e| e.to_string()),
        }
    }

    /// The figures of `ask`, and its open disagreements when `disagreements` is set.
    pub fn agreement(
        &self,
        ask: &AgreementAsk,
        disagreements: bool,
    ) -> Result<AgreementView, String> {
        let cmp = self.comparison(ask)?;
        self.view_of(&cmp, ask, disagreements)
    }

    fn view_of(
        &self,
        cmp: &Comparison,
        ask: &AgreementAsk,
        disagreements: bool,
    ) -> Result<AgreementView, String> {
        let list = if disagreements {
            open_disagreements(
                self.store.root(),
                &cmp.sessions,
                &cmp.names,
                &cmp.codebook,
                &ask.options,
                &cmp.consensus,
            )
            .map_err(|e| e.to_string())?
        } else {
            Vec::new()
        };
        Ok(AgreementView {
            coders: cmp.all_coders.iter().map(|c| c.name.clone()).collect(),
            consensus: cmp.consensus.clone(),
            report: cmp.report(&ask.options),
            disagreements: list,
            warnings: cmp.warnings.clone(),
        })
    }

    /// Settle the open disagreement `key` of `ask` by taking the codings of the coders in
    /// `accept` (none: neither) into the consensus coder's; then the comparison as it is now
    /// (figures and open disagreements).
    pub fn settle(
        &self,
        ask: &AgreementAsk,
        key: &str,
        accept: &[String],
    ) -> Result<(Settlement, AgreementView), String> {
        let cmp = self.comparison(ask)?;
        let list = open_disagreements(
            self.store.root(),
            &cmp.sessions,
            &cmp.names,
            &cmp.codebook,
            &ask.options,
            &cmp.consensus,
        )
        .map_err(|e| e.to_string())?;
        let d = list.iter().find(|d| d.key == key).ok_or(
            "this disagreement is no longer open (its codings changed): the list is read again",
        )?;
        let session = cmp
            .sessions
            .iter()
            .find(|s| s.session == d.session)
            .expect("a listed disagreement's session was loaded");
        let done = consensus::resolve(
            self.store,
            session,
            &cmp.names,
            &cmp.codebook,
            &ask.options,
            d,
            accept,
            &cmp.consensus,
        )
        .map_err(|e: ResolveError| e.to_string())?;
        // Read again: the consensus coder's files changed, and they may be compared.
        Ok((done, self.agreement(ask, true)?))
    }
}
