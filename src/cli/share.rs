//! `ripple export FILE.md|FILE.html|FILE.docx`: share notes with people outside Ripple (each
//! session's details and note; `core::share`). The sessions are chosen by `--session` (repeat),
//! `--query` and `--from`/`--to`, which narrow one another; at least one is needed, so a whole
//! store is never shared by a slip. `--deidentify` is the evidence export's de-identification.

use super::exchange::{check_export_target, matching_sessions, ExportArgs};
use super::{usage, Context};
use crate::core::evidence::load_redact_terms;
use crate::core::export_target::ExportRules;
use crate::core::session::SessionId;
use crate::core::share::{self, ShareFormat, ShareOptions};
use crate::core::store::Store;
use anyhow::{anyhow, bail};
use std::collections::HashSet;
use std::process::ExitCode;

pub fn export(args: &ExportArgs, ctx: &Context, format: ShareFormat) -> anyhow::Result<ExitCode> {
    if !args.coded_by.is_empty() {
        return Err(usage(
            "--coded-by chooses codings: a shared note is the note itself, with no codings",
        ));
    }
    if args.sessions.is_empty() && args.query.is_none() && args.from.is_none() && args.to.is_none()
    {
        return Err(usage(format!(
            "choose the notes to share: --session ID (repeat for several), --query QUERY, or --from DATE --to DATE (e.g. ripple export {} --session 01jq…)",
            super::shell_word(&args.file.display().to_string())
        )));
    }
    if let (Some(from), Some(to)) = (args.from, args.to) {
        if from > to {
            return Err(usage(format!(
                "--from {from} is after --to {to}: nothing could match"
            )));
        }
    }
    let target = check_export_target(&args.file, ctx, args.force)?;
    let store = Store::open_read_only(&ctx.env.store_root)?;

    let mut ids: Vec<SessionId> = if args.sessions.is_empty() {
        let scan = store.scan();
        for p in &scan.problems {
            eprintln!("warning: {p} (left out)");
        }
        scan.sessions.iter().map(|s| s.meta.id.clone()).collect()
    } else {
        let mut ids = Vec::new();
        for asked in &args.sessions {
            let id = store
                .resolve(asked)
                .map_err(|e| usage(format!("--session {asked}: {e}")))?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    };
    if let Some(q) = &args.query {
        let matching: HashSet<SessionId> = match matching_sessions(ctx, &store, q)? {
            Ok(found) => found,
            Err(code) => return Ok(code),
        };
        ids.retain(|id| matching.contains(id));
    }
    let mut sessions = Vec::with_capacity(ids.len());
    for id in &ids {
        match store.load(id) {
            Ok(s) => {
                if args.from.is_some_and(|d| s.meta.date < d)
                    || args.to.is_some_and(|d| s.meta.date > d)
                {
                    continue;
                }
                sessions.push(s);
            }
            Err(e) if !args.sessions.is_empty() => return Err(anyhow!(e)),
            Err(e) => eprintln!("warning: {e} (left out)"),
        }
    }
    if sessions.is_empty() {
        bail!("no session matched: nothing was written");
    }
    let redact_terms = if args.deidentify {
        load_redact_terms(store.root()).map_err(|e| anyhow!(e))?
    } else {
        Vec::new()
    };
    let opts = ShareOptions {
        deidentify: args.deidentify,
        redact_terms,
    };
    let bytes = share::render(&sessions, format, &opts)?;
    let written = ExportRules::for_store(&ctx.env.store_root, &ctx.env.index_dir)
        .write(&target, &bytes, args.force)
        .map_err(|e| anyhow!(e))?;
    println!(
        "Shared {} session(s) as {} in {}",
        sessions.len(),
        format.name(),
        written.file.display()
    );
    if args.deidentify {
        println!(
            "De-identified: facilitator and session ids left out; {} term(s) from ripple.toml's `deidentify` redacted",
            opts.redact_terms.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
