//! Settling disagreements into a consensus coder.
//!
//! The consensus coder (default `consensus`, `consensus = "..."` in ripple.toml) is an ordinary
//! coder: its codings live in `codings/<slug>/<session>.json` like anyone's, so they are
//! searched, exported and compared as usual. Settling a disagreement copies the accepted
//! coders' codings of it (A's, B's, both, or none) into the consensus coder's file, and records
//! the decision — the ids of every coding involved — in `codings/<slug>/decisions.toml`, so the
//! disagreement is resolved even when nothing was accepted. A disagreement in which a coder
//! later adds or changes a coding involves a coding not decided on, and is listed again.
//!
//! The first decision in a session also copies what the coders agreed on there (for each
//! agreed cluster, the codings of its first coder), so the consensus coding of a session is
//! complete: the agreed passages and the settled ones.

pub use super::disagreements::Settled;
use super::disagreements::{clusters, Disagreement};
use super::{Options, SessionCodings, ThemeMap};
use crate::core::atomic::{atomic_write, create_private_dir};
use crate::core::codebook::Codebook;
use crate::core::coding::coder_slug;
use crate::core::coding::{Coding, CodingId};
use crate::core::coding_store::{self, codings_dir, new_coding, CodingFileError};
use crate::core::session::SessionId;
use crate::core::store::Store;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io;
use std::path::{Path, PathBuf};

/// The consensus coder's name when ripple.toml names none (kept with the settings).
pub use crate::core::settings::DEFAULT_CONSENSUS;
/// The decisions file in the consensus coder's folder.
pub const DECISIONS_FILE: &str = "decisions.toml";

/// One settled disagreement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub session: String,
    /// The compared theme.
    pub theme: String,
    /// Whose codings were taken (none: neither).
    #[serde(default)]
    pub accepted: Vec<String>,
    /// Every coding the decision was about.
    pub codings: Vec<String>,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decisions {
    #[serde(default)]
    pub coder: String,
    #[serde(default, rename = "decision")]
    pub decisions: Vec<Decision>,
}

impl Decisions {
    /// The codings decided on, which no longer count as disagreements.
    pub fn settled(&self) -> Settled {
        Settled::from_pairs(
            self.decisions
                .iter()
                .flat_map(|d| d.codings.iter().map(|c| (d.session.clone(), c.clone()))),
        )
    }
}

pub fn decisions_path(root: &Path, consensus: &str) -> PathBuf {
    codings_dir(root)
        .join(coder_slug(consensus))
        .join(DECISIONS_FILE)
}

/// The consensus coder's decisions (none when the file is missing).
pub fn load_decisions(root: &Path, consensus: &str) -> Result<Decisions, CodingFileError> {
    let p = decisions_path(root, consensus);
    let text = match std::fs::read_to_string(&p) {
        Ok(t) => crate::core::text::normalize_newlines(&t),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Decisions {
                coder: consensus.to_string(),
                decisions: Vec::new(),
            })
        }
        Err(e) => {
            return Err(CodingFileError {
                path: p,
                line: None,
                message: format!("cannot read: {e}"),
            })
        }
    };
    toml::from_str(&text).map_err(|e| CodingFileError {
        path: p.clone(),
        line: e
            .span()
            .map(|s| 1 + text[..s.start.min(text.len())].matches('\n').count()),
        message: format!(
            "not a valid decisions file: {}",
            e.message().lines().next().unwrap_or("malformed TOML")
        ),
    })
}

fn save_decisions(root: &Path, consensus: &str, d: &Decisions) -> Result<(), CodingFileError> {
    let p = decisions_path(root, consensus);
    let dir = p.parent().expect("a coder folder").to_path_buf();
    let err = |what: &str, path: &Path, e: io::Error| CodingFileError {
        path: path.to_path_buf(),
        line: None,
        message: format!("cannot {what}: {e}"),
    };
    create_private_dir(&codings_dir(root))
        .and_then(|()| create_private_dir(&dir))
        .map_err(|e| err("create the folder", &dir, e))?;
    let mut text = String::from(
        "# Disagreements settled into this coder's codings (`ripple agree --resolve`).\n\
         # A decision lists every coding it was about; a disagreement whose codings are all\n\
         # decided on is resolved.\n",
    );
    text.push_str(&toml::to_string(d).expect("decisions serialise"));
    atomic_write(&p, text.as_bytes()).map_err(|e| err("write", &p, e))
}

/// Why a disagreement could not be settled.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("the store is read-only ({0}): nothing can be settled now")]
    ReadOnly(String),
    #[error("{0} is not one of the compared coders of this disagreement")]
    NotACoder(String),
    #[error("the consensus coder `{0}` is one of the compared coders: compare the coders themselves, or name another consensus coder (`consensus = \"...\"` in ripple.toml)")]
    ConsensusCompared(String),
    #[error("{0}")]
    File(#[from] CodingFileError),
}

/// What settling did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settlement {
    /// Codings copied for this disagreement.
    pub accepted: usize,
    /// Codings of agreed passages of the session copied along (first decision in a session).
    pub agreed: usize,
}

/// Copy of `c` as a consensus coding over the note `text`, or None if the consensus coder
/// already has that theme on that passage.
fn copy_into(
    file: &mut Vec<Coding>,
    text: &str,
    session: &SessionId,
    c: &Coding,
    consensus: &str,
) -> bool {
    if file
        .iter()
        .any(|k| k.theme == c.theme && k.start == c.start && k.end == c.end)
    {
        return false;
    }
    match new_coding(text, session, c.start, c.end, &c.theme, consensus, &c.memo) {
        Ok(k) => {
            file.push(k);
            true
        }
        Err(_) => false,
    }
}

/// Settle `d` by taking the codings of the coders named in `accept` (none: neither) into the
/// consensus coder's codings of the session. `session` and `coders` are the comparison's.
#[allow(clippy::too_many_arguments)]
pub fn resolve(
    store: &Store,
    session: &SessionCodings,
    coders: &[String],
    codebook: &Codebook,
    opts: &Options,
    d: &Disagreement,
    accept: &[String],
    consensus: &str,
) -> Result<Settlement, ResolveError> {
    if let Some(r) = store.read_only_reason() {
        return Err(ResolveError::ReadOnly(r.to_string()));
    }
    let cslug = coder_slug(consensus);
    if coders.iter().any(|c| coder_slug(c) == cslug) {
        return Err(ResolveError::ConsensusCompared(consensus.to_string()));
    }
    let mut taken: Vec<usize> = Vec::new();
    for a in accept {
        match coders.iter().position(|c| coder_slug(c) == coder_slug(a)) {
            Some(i) => taken.push(i),
            None => return Err(ResolveError::NotACoder(a.clone())),
        }
    }
    let root = store.root();
    let mut decisions = load_decisions(root, consensus)?;
    let settled = decisions.settled();
    let mut file = coding_store::load(root, consensus, &d.session)?;
    let text = &session.text;
    let find = |i: usize, id: &CodingId| session.codings[i].iter().find(|c| &c.id == id);
    let mut result = Settlement::default();
    for (i, ic) in d.involved() {
        if taken.contains(&i) {
            if let Some(c) = find(i, &ic.id) {
                result.accepted +=
                    usize::from(copy_into(&mut file.codings, text, &d.session, c, consensus));
            }
        }
    }
    // The first decision in the session brings along what the coders agreed on.
    let now = Utc::now();
    let first_here = !decisions.decisions.iter().any(|x| x.session == d.session.0);
    let mut agreed_decisions = Vec::new();
    if first_here {
        let map = ThemeMap::new(codebook, opts.roll_up);
        let (all, _) = clusters(session, coders.len(), &map, opts);
        for cl in all.iter().filter(|c| !c.disputed) {
            if cl
                .codings
                .iter()
                .all(|(_, c)| settled.contains(&d.session, &c.id))
            {
                continue;
            }
            let Some(first) = cl.codings.iter().map(|(i, _)| *i).min() else {
                continue;
            };
            for (_, c) in cl.codings.iter().filter(|(i, _)| *i == first) {
                result.agreed +=
                    usize::from(copy_into(&mut file.codings, text, &d.session, c, consensus));
            }
            agreed_decisions.push(Decision {
                session: d.session.0.clone(),
                theme: cl.theme.clone(),
                accepted: vec![coders[first].clone()],
                codings: cl.codings.iter().map(|(_, c)| c.id.0.clone()).collect(),
                at: now,
            });
        }
    }
    file.coder = consensus.to_string();
    file.codings.sort_by_key(|c| (c.start, c.end));
    coding_store::save(root, &file)?;
    decisions.coder = consensus.to_string();
    decisions.decisions.extend(agreed_decisions);
    decisions.decisions.push(Decision {
        session: d.session.0.clone(),
        theme: d.theme.clone(),
        accepted: taken.iter().map(|&i| coders[i].clone()).collect(),
        codings: d.involved().map(|(_, c)| c.id.0.clone()).collect(),
        at: now,
    });
    save_decisions(root, consensus, &decisions)?;
    Ok(result)
}
