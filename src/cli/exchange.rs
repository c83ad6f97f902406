//! `ripple export FILE.qdpx|FILE.qdc` and `ripple import FILE.qdpx|FILE.qdc|FILE.qde`:
//! exchange with other qualitative-analysis tools through REFI-QDA (see docs/exchange.md).
//! `ripple export FILE.md|FILE.html|FILE.docx` shares notes instead (`cli::share`).
//!
//! Export needs the store only for reading (it works while the terminal UI has it open).
//! Import shows its plan and writes nothing unless `--yes` is given; it needs the writer lock.

use super::{usage, Context};
use crate::core::codebook::Codebook;
use crate::core::coding::{coder_slug, same_coder};
use crate::core::exchange::export::{self, ExportOptions};
use crate::core::exchange::plan::{render_plan, Target};
use crate::core::exchange::{self, apply, xml_write, FileKind, Package};
use crate::core::export_target::{ExportError, ExportRules};
use crate::core::index::IndexError;
use crate::core::session::SessionId;
use crate::core::store::Store;
use anyhow::{anyhow, bail, Context as _};
use clap::Args;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The file to write: NAME.qdpx for a project (sessions, codebook, codings, memos),
    /// NAME.qdc for the codebook alone, or NAME.md, NAME.html or NAME.docx to share notes
    /// (each session's details and note) with people outside Ripple.
    pub file: PathBuf,
    /// Only sessions matching this query (docs/query-language.md).
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,
    /// .md/.html/.docx: this session (an id, or a unique prefix of one or of its short id; repeat for several).
    #[arg(long = "session", value_name = "ID")]
    pub sessions: Vec<String>,
    /// .md/.html/.docx: only sessions on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = super::sessions::parse_date)]
    pub from: Option<chrono::NaiveDate>,
    /// .md/.html/.docx: only sessions on or before this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = super::sessions::parse_date)]
    pub to: Option<chrono::NaiveDate>,
    /// Only this coder's codings and memos (repeat for several coders). Not `--coder`: that
    /// global option (and RIPPLE_CODER) names who codes, and would narrow every export.
    #[arg(long = "coded-by", value_name = "CODER")]
    pub coded_by: Vec<String>,
    /// Leave out facilitators, name coders "Coder 1", "Coder 2"…, and replace the terms in
    /// ripple.toml's `deidentify = [...]` with [redacted], as `ripple evidence --deidentify`.
    #[arg(long)]
    pub deidentify: bool,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A REFI-QDA project (.qdpx, or a bare .qde) or codebook (.qdc).
    pub file: PathBuf,
    /// Import (without it, only the plan is shown and nothing is written).
    #[arg(long)]
    pub yes: bool,
}

/// Where an export may be written: the one rule every export follows
/// (`core::export_target`): never inside the store or the index folder, only a regular file
/// (a link is written through), an existing file replaced only with `--force`.
pub(crate) fn check_export_target(
    target: &Path,
    ctx: &Context,
    force: bool,
) -> anyhow::Result<PathBuf> {
    ExportRules::for_store(&ctx.env.store_root, &ctx.env.index_dir)
        .check(target, force)
        .map(|t| t.file)
        .map_err(|e| match e {
            ExportError::Exists { .. } => usage(format!(
                "{} exists: add --force to replace it, or choose another name",
                target.display()
            )),
            ExportError::Io { .. } => anyhow!(e),
            other => usage(other.to_string()),
        })
}

/// The sessions a query matches, from the search index (rebuilt first when it is missing,
/// damaged or does not hold every session).
pub(crate) fn matching_sessions(
    ctx: &Context,
    store: &Store,
    source: &str,
) -> anyhow::Result<Result<HashSet<SessionId>, ExitCode>> {
    let q = match crate::core::query::parse(source) {
        Ok(q) => q,
        Err(e) => {
            eprint!("{}", super::search::render_query_error(source, &e));
            return Ok(Err(ExitCode::from(2)));
        }
    };
    let codebook = Codebook::load_or_builtin(&store.codebook_path()).unwrap_or_default();
    // The index is brought up to date first, by the rule every search follows.
    let env = super::search::SearchEnv {
        store,
        index_dir: &ctx.env.index_dir,
        blind_viewer: super::search::blind_viewer(ctx),
    };
    let answered =
        super::search::with_current_index(&env, &codebook, |index| index.matching_sessions(&q))?;
    match answered {
        Ok(ids) => Ok(Ok(ids.into_iter().collect())),
        Err(IndexError::Query(e)) => {
            eprint!("{}", super::search::render_query_error(source, &e));
            Ok(Err(ExitCode::from(2)))
        }
        Err(e) => Err(e.into()),
    }
}

/// `ripple export FILE.qdpx|FILE.qdc` (Markdown, HTML and DOCX go to `share::export`).
pub fn export(args: &ExportArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    if !args.sessions.is_empty() || args.from.is_some() || args.to.is_some() {
        return Err(usage(
            "--session, --from and --to choose notes to share: name the file .md, .html or .docx",
        ));
    }
    let kind = match FileKind::of(&args.file) {
        Some(FileKind::Project) => FileKind::Project,
        Some(FileKind::Codebook) => FileKind::Codebook,
        _ => {
            return Err(usage(format!(
                "{}: name the file .qdpx for a project or .qdc for the codebook (or .md, .html, .docx to share notes)",
                args.file.display()
            )))
        }
    };
    if kind == FileKind::Codebook && (args.query.is_some() || !args.coded_by.is_empty()) {
        return Err(usage(
            "--query and --coded-by choose sessions and codings: a .qdc holds the codebook only",
        ));
    }
    // Coding blind, a project holds the user's own codings and memos only, as search and
    // evidence show only theirs; asking for another coder's is refused, not quietly narrowed.
    let coders = match super::search::blind_viewer(ctx) {
        Some(me) if kind == FileKind::Project => {
            if let Some(other) = args.coded_by.iter().find(|c| !same_coder(c, me)) {
                return Err(usage(format!(
                    "coding blind, you export only your own codings ({me}), not {other}'s: \
                     leave out --coded-by, or run without --blind"
                )));
            }
            vec![me.to_string()]
        }
        _ => args.coded_by.clone(),
    };
    let target = check_export_target(&args.file, ctx, args.force)?;
    let store = Store::open_read_only(&ctx.env.store_root)?;
    let opts = ExportOptions {
        deidentify: args.deidentify,
        redact_terms: store.settings().deidentify.clone(),
        coders,
    };
    if kind == FileKind::Codebook {
        let codebook = Codebook::load_or_builtin(&store.codebook_path()).map_err(|errors| {
            anyhow!(
                "the codebook has problems ({}): `ripple codebook check` lists them",
                errors.first().map(|e| e.to_string()).unwrap_or_default()
            )
        })?;
        if codebook.themes.is_empty() {
            bail!("the codebook has no themes: there is nothing to export");
        }
        let file = export::codebook_file(&codebook, &opts);
        let written = xml_write::codebook_xml(&file);
        exchange::archive::write_file(&target, written.xml.as_bytes(), args.force)
            .with_context(|| format!("writing {}", args.file.display()))?;
        println!(
            "Exported the codebook ({} themes) to {}",
            codebook.themes.len(),
            args.file.display()
        );
        if args.deidentify {
            println!("De-identified: terms in ripple.toml's `deidentify` redacted in theme names and descriptions");
        }
        return Ok(ExitCode::SUCCESS);
    }

    let only = match &args.query {
        Some(q) => match matching_sessions(ctx, &store, q)? {
            Ok(ids) => Some(ids),
            Err(code) => return Ok(code),
        },
        None => None,
    };
    let (content, warnings) = export::read_store(&store, only.as_ref()).map_err(|e| anyhow!(e))?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    // A name that is no coder of the store (a typo) would export no codings without a word.
    if let Some(unknown) = unknown_coder(&store, &content, &args.coded_by) {
        return Err(usage(unknown));
    }
    let mut exported = export::project(&content, &opts);
    let written = xml_write::project_xml(&exported.project);
    exported.report.replaced_characters = written.replaced;
    exchange::archive::write_qdpx(&target, &written.xml, &exported.files, args.force)
        .with_context(|| format!("writing {}", args.file.display()))?;
    let r = &exported.report;
    println!(
        "Exported {} session(s), {} theme(s), {} coding(s) by {} coder(s) and {} memo(s) to {}",
        r.sessions,
        r.themes,
        r.codings,
        r.coders.len(),
        r.memos,
        args.file.display()
    );
    if r.orphans > 0 {
        println!(
            "Left out {} orphaned coding(s): their words are no longer in the note (`ripple check` lists them)",
            r.orphans
        );
    }
    for key in &r.unknown_themes {
        println!("Theme `{key}` is used by codings but not in the codebook: exported as a code named `{key}`");
    }
    if r.replaced_characters > 0 {
        println!(
            "{} control character(s) that XML cannot hold were replaced by U+FFFD in names and memos (the notes themselves are exact)",
            r.replaced_characters
        );
    }
    if args.deidentify {
        println!("De-identified:");
        for line in &r.deidentified {
            println!("  - {line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Why `--coded-by` names no coder of the store, if one of its names is none: matched as coder
/// folders are (`ana pena` is Ana Peña), against every coder folder, not only those of the
/// sessions chosen.
fn unknown_coder(
    store: &Store,
    content: &export::StoreContent,
    wanted: &[String],
) -> Option<String> {
    let (dirs, _) = crate::core::coding_store::coder_dirs(store.root());
    let folders: HashSet<String> = dirs
        .iter()
        .filter_map(|d| d.file_name().and_then(|n| n.to_str()).map(str::to_string))
        .collect();
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|c| !folders.contains(&coder_slug(c)))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return None;
    }
    let mut names: Vec<&str> = content
        .coder_files
        .iter()
        .map(|f| f.coder.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let known = if names.is_empty() {
        let mut slugs: Vec<&str> = folders.iter().map(String::as_str).collect();
        slugs.sort_unstable();
        if slugs.is_empty() {
            "none yet".to_string()
        } else {
            slugs.join(", ")
        }
    } else {
        names.join(", ")
    };
    Some(format!(
        "--coded-by {}: no such coder in this store (its coders: {known})",
        missing.join(", ")
    ))
}

fn folder_is_new_or_empty(root: &Path) -> bool {
    match std::fs::read_dir(root) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}

/// `ripple import`.
pub fn import(args: &ImportArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let mut package = Package::open(&args.file)?;
    let root = std::path::absolute(&ctx.env.store_root)?;
    let new_store = folder_is_new_or_empty(&root);
    let store = if new_store {
        None
    } else {
        let store = ctx.open_store()?;
        if let Some(reason) = store.read_only_reason() {
            bail!("cannot import into {}: {reason}", root.display());
        }
        Some(store)
    };
    let target = match &store {
        None => Target {
            new_store: true,
            ..Target::default()
        },
        Some(store) => {
            let codebook = Codebook::load_or_builtin(&store.codebook_path()).map_err(|errors| {
                anyhow!(
                    "the store's codebook has problems ({}): fix them first (`ripple codebook check`)",
                    errors.first().map(|e| e.to_string()).unwrap_or_default()
                )
            })?;
            Target::of_store(store, codebook)
        }
    };
    let plan = exchange::plan(&mut package, &target)?;
    print!("{}", render_plan(&plan, &args.file, &root, new_store));
    if plan.is_empty() && !new_store {
        println!("Nothing to import: the store already has every session in the file (anything not imported is listed in the plan).");
        return Ok(ExitCode::SUCCESS);
    }
    if !args.yes {
        println!("Nothing was written. Run again with --yes to import.");
        return Ok(ExitCode::SUCCESS);
    }
    let applied = match &store {
        None => {
            let name = plan.project_name.clone().unwrap_or_else(|| {
                root.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
            apply::into_new_store(&plan, &root, &name)?
        }
        Some(store) => apply::into_store(&plan, store)?,
    };
    println!(
        "Imported {} session(s), {} coding(s) and {} new theme(s) into {}",
        applied.sessions,
        applied.codings,
        applied.themes,
        applied.store.display()
    );
    Ok(ExitCode::SUCCESS)
}
