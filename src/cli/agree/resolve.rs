//! Settling one disagreement into the consensus coder (`--resolve KEY --accept ...`).

use super::emit;
use crate::cli::usage;
use crate::core::agreement::consensus;
use crate::core::agreement::disagreements::Disagreement;
use crate::core::agreement::{self as agreement, Options};
use crate::core::codebook::Codebook;
use crate::core::coding::coder_slug;
use crate::core::store::Store;
use std::fmt::Write as _;
use std::process::ExitCode;

#[allow(clippy::too_many_arguments)]
pub(super) fn resolve(
    store: &Store,
    sessions: &[agreement::SessionCodings],
    names: &[String],
    book: &Codebook,
    opts: &Options,
    list: &[Disagreement],
    key: &str,
    accept: &str,
    consensus_name: &str,
) -> anyhow::Result<ExitCode> {
    let hits: Vec<&Disagreement> = list
        .iter()
        .filter(|d| d.key.starts_with(key.trim()))
        .collect();
    let d = match hits.as_slice() {
        [d] => *d,
        [] => {
            return Err(usage(format!(
                "no open disagreement with key `{key}` under these options (`ripple agree --disagreements` lists them with the same options)"
            )))
        }
        _ => return Err(usage(format!("{} disagreements have keys starting `{key}`: type more of it", hits.len()))),
    };
    let accepted: Vec<String> = match accept.trim().to_lowercase().as_str() {
        "both" | "all" => names.to_vec(),
        "neither" | "none" => Vec::new(),
        _ => match names.iter().find(|n| coder_slug(n) == coder_slug(accept)) {
            Some(n) => vec![n.clone()],
            None => {
                return Err(usage(format!(
                    "--accept {accept}: say one of {}, both or neither",
                    names.join(", ")
                )))
            }
        },
    };
    let session = sessions
        .iter()
        .find(|s| s.session == d.session)
        .expect("a listed disagreement's session was loaded");
    let done = consensus::resolve(
        store,
        session,
        names,
        book,
        opts,
        d,
        &accepted,
        consensus_name,
    )
    .map_err(|e| match e {
        consensus::ResolveError::File(f) => anyhow::Error::new(f),
        other => usage(other.to_string()),
    })?;
    let whose = if accepted.is_empty() {
        "neither coder's codings".to_string()
    } else {
        format!("{}'s codings", accepted.join(" and "))
    };
    let mut msg = format!(
        "settled {} ({}, session {}): {whose} into {consensus_name} ({} coding(s) added)",
        d.key,
        d.theme,
        d.session.short(),
        done.accepted
    );
    if done.agreed > 0 {
        let _ = write!(
            msg,
            "; {} coding(s) the coders agreed on in this session added too",
            done.agreed
        );
    }
    msg.push('\n');
    emit(&msg)?;
    Ok(ExitCode::SUCCESS)
}
