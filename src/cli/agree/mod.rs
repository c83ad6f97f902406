//! `ripple agree`: inter-coder agreement per theme and pooled, the disagreements, and settling
//! them into the consensus coder (docs/agreement.md).

mod figures;
mod listing;
mod resolve;

use crate::cli::{usage, Context as CliContext};
use crate::core::agreement::load::{self, CoderInfo, SessionChoice};
use crate::core::agreement::{Options, Overlap, Unit};
use crate::core::codebook::Codebook;
use crate::core::session::SessionId;
use figures::{csv_report, json_report, md_report, table_report};
use listing::render_disagreements;
use resolve::resolve;
use std::collections::HashSet;
use std::io::Write as _;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitArg {
    Char,
    Paragraph,
    Segment,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionsArg {
    /// Sessions every compared coder marked done (`ripple code done`).
    Done,
    /// Every session in the store.
    All,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgreeFormat {
    Table,
    Csv,
    Md,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct AgreeArgs {
    /// Coders to compare, by name (default: every coder but the consensus coder).
    pub coders: Vec<String>,
    /// The unit compared: every character, every paragraph, or every coding (segment).
    #[arg(long, value_enum, default_value = "char")]
    pub unit: UnitArg,
    /// Segment unit: the share of the longer of two codings they must share to match
    /// (default 0.9; also written as 90%).
    #[arg(long, value_name = "SHARE")]
    pub overlap: Option<String>,
    /// Only this theme (repeat for several); by key.
    #[arg(long = "theme", value_name = "THEME")]
    pub themes: Vec<String>,
    /// Count a child theme as its parent (every theme as its top-level theme).
    #[arg(long)]
    pub roll_up: bool,
    /// Which sessions to compare.
    #[arg(long, value_enum, default_value = "done")]
    pub sessions: SessionsArg,
    /// Only sessions matching this search (docs/query-language.md).
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,
    /// Output format (default: table; with --disagreements: a readable list).
    #[arg(long, value_enum)]
    pub format: Option<AgreeFormat>,
    /// List the disagreements instead of the figures.
    #[arg(long)]
    pub disagreements: bool,
    /// Settle the disagreement with this key (from --disagreements) into the consensus coder.
    #[arg(long, value_name = "KEY", requires = "accept")]
    pub resolve: Option<String>,
    /// With --resolve: whose codings to accept: a coder's name, `both` (every compared coder)
    /// or `neither`.
    #[arg(long, value_name = "CODER|both|neither", requires = "resolve")]
    pub accept: Option<String>,
}

/// `ripple agree`.
pub fn run(args: &AgreeArgs, ctx: &CliContext) -> anyhow::Result<ExitCode> {
    let store = ctx.open_store()?;
    let book = match Codebook::load_or_builtin(&store.codebook_path()) {
        Ok(b) => b,
        Err(errs) => {
            for e in errs {
                eprintln!("warning: {e}");
            }
            eprintln!("warning: using the built-in codebook for theme names and parents");
            Codebook::builtin()
        }
    };
    let consensus_name = store.settings().consensus_coder().to_string();
    let (all_coders, errors) = load::coders(store.root());
    for e in &errors {
        eprintln!("warning: {e} (that coder's done marks are not read)");
    }
    let coders = pick_coders(&all_coders, &args.coders, &consensus_name)?;
    let opts = options(args, &book)?;
    let only = match &args.query {
        Some(q) => Some(sessions_matching(q, ctx)?),
        None => None,
    };
    let choice = match args.sessions {
        SessionsArg::Done => SessionChoice::Done,
        SessionsArg::All => SessionChoice::All,
    };
    let (ids, unreadable) = load::session_ids(&store, &coders, choice, only.as_ref());
    let texts = args.disagreements || args.resolve.is_some();
    let loaded = load::load_for(&store, &coders, &ids, texts);
    for w in unreadable.iter().chain(&loaded.warnings) {
        eprintln!("warning: {w}");
    }
    let names: Vec<String> = coders.iter().map(|c| c.name.clone()).collect();
    if loaded.is_empty() && choice == SessionChoice::Done {
        eprintln!(
            "no session is marked done by {}: each coder marks the sessions they finished with \
             `ripple code done SESSION` (or compare every session with --sessions all)",
            if names.len() == 2 {
                "both coders"
            } else {
                "every compared coder"
            }
        );
    }
    if args.disagreements || args.resolve.is_some() {
        if ctx.env.blind {
            return Err(usage(
                "blind mode is on: the disagreements show other coders' codings; \
                 turn blind mode off (RIPPLE_BLIND=0, or `blind = false` in the config) to reconcile",
            ));
        }
        let list = crate::core::workspace::agreement::open_disagreements(
            store.root(),
            &loaded.sessions,
            &names,
            &book,
            &opts,
            &consensus_name,
        )?;
        if let (Some(key), Some(accept)) = (&args.resolve, &args.accept) {
            return resolve(
                &store,
                &loaded.sessions,
                &names,
                &book,
                &opts,
                &list,
                key,
                accept,
                &consensus_name,
            );
        }
        let format = args.format.unwrap_or(AgreeFormat::Table);
        emit(&render_disagreements(&list, &names, &store, format)?)?;
        if list.is_empty() {
            eprintln!("no disagreements");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let report = loaded.compare(&names, &book, &opts);
    let text = match args.format.unwrap_or(AgreeFormat::Table) {
        AgreeFormat::Json => format!("{}\n", serde_json::to_string_pretty(&json_report(&report))?),
        AgreeFormat::Csv => csv_report(&report)?,
        AgreeFormat::Md => md_report(&report, &book, choice),
        AgreeFormat::Table => table_report(&report, choice),
    };
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn pick_coders(
    all: &[CoderInfo],
    wanted: &[String],
    consensus: &str,
) -> anyhow::Result<Vec<CoderInfo>> {
    crate::core::workspace::agreement::pick_coders(all, wanted, consensus).map_err(usage)
}

fn options(args: &AgreeArgs, book: &Codebook) -> anyhow::Result<Options> {
    let unit = match args.unit {
        UnitArg::Char => Unit::Char,
        UnitArg::Paragraph => Unit::Paragraph,
        UnitArg::Segment => Unit::Segment,
    };
    let overlap = match &args.overlap {
        None => Overlap::DEFAULT,
        Some(_) if unit != Unit::Segment => {
            return Err(usage("--overlap applies to --unit segment only"))
        }
        Some(s) => s
            .parse::<Overlap>()
            .map_err(|e| usage(format!("--overlap: {e}")))?,
    };
    let mut themes = Vec::new();
    for t in &args.themes {
        let Some(theme) = book.get(t) else {
            return Err(usage(format!("--theme: {}", book.unknown_theme_message(t))));
        };
        if args.roll_up {
            if let Some(top) = book.ancestors(&theme.key).last() {
                return Err(usage(format!(
                    "with --roll-up, `{t}` is counted as `{}`: use --theme {}",
                    top.key, top.key
                )));
            }
        }
        if !themes.contains(&theme.key) {
            themes.push(theme.key.clone());
        }
    }
    Ok(Options {
        unit,
        overlap,
        themes,
        roll_up: args.roll_up,
    })
}

/// The sessions a search matches.
fn sessions_matching(q: &str, ctx: &CliContext) -> anyhow::Result<HashSet<SessionId>> {
    use crate::core::index::IndexError;
    let query = crate::core::query::parse(q).map_err(|e| {
        usage(format!(
            "--query: {}",
            crate::cli::search::query_error_with_caret(q, &e).trim_end()
        ))
    })?;
    let store = ctx.open_store()?;
    let env = crate::cli::search::SearchEnv {
        store: &store,
        index_dir: &ctx.env.index_dir,
        blind_viewer: crate::cli::search::blind_viewer(ctx),
    };
    let codebook = Codebook::load_or_builtin(&ctx.env.store_root.join("codebook.toml"))
        .unwrap_or_else(|_| Codebook::builtin());
    let index = crate::cli::search::index_for_search(&env, &codebook)?;
    match index.matching_sessions(&query) {
        Ok(ids) => Ok(ids.into_iter().collect()),
        Err(IndexError::Query(e)) => Err(usage(format!(
            "--query: {}",
            crate::cli::search::query_error_with_caret(q, &e).trim_end()
        ))),
        Err(e) => Err(e.into()),
    }
}

/// Write to stdout. A closed pipe (`ripple agree | head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
