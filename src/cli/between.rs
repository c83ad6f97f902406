//! `ripple delete`, `trash`, `restore`, `duplicate` and `followups`: between sessions, from
//! the command line (the same workspace rules as the terminal UI).

use super::{usage, Context};
use crate::core::session_file::format_date;
use crate::core::store::{Store, StoreError};
use crate::core::workspace::between::FollowUpFilter;
use crate::core::workspace::Workspace;
use chrono::NaiveDate;
use clap::Args;
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The session: a full id, or a unique prefix of it or of the short id `ripple list` shows.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct TrashArgs {
    /// Print a JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The deleted session: a full id, or a unique prefix of it or of the short id `ripple trash` shows.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct DuplicateArgs {
    /// The session to copy: a full id, or a unique prefix of it or of its short id.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct FollowupsArgs {
    /// Only sessions naming this agency (case and accents ignored).
    #[arg(long)]
    pub agency: Option<String>,
    /// Only sessions on or after this date (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    pub since: Option<NaiveDate>,
    /// Only sessions on or before this date (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    pub until: Option<NaiveDate>,
    /// Done and carried (`[>]`) follow-ups too.
    #[arg(long)]
    pub all: bool,
    /// Print a JSON array instead of lines.
    #[arg(long)]
    pub json: bool,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date: use YYYY-MM-DD, e.g. 2026-06-14"))
}

fn writable(ctx: &Context) -> anyhow::Result<Store> {
    let store = ctx.open_store_for_writing()?;
    store.check_writable()?;
    Ok(store)
}

/// A lookup the user typed that finds nothing is bad input (exit 2).
fn user_error(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::NoMatch(_)
        | StoreError::Ambiguous { .. }
        | StoreError::BadId(_)
        | StoreError::NotInTrash(_) => usage(e.to_string()),
        other => other.into(),
    }
}

fn title_of(title: &str) -> &str {
    if title.is_empty() {
        "(untitled)"
    } else {
        title
    }
}

pub fn delete(args: &DeleteArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let store = writable(ctx)?;
    let id = store.resolve(&args.id).map_err(user_error)?;
    let title = store.load(&id).map(|s| s.meta.title).unwrap_or_default();
    let mut ws = Workspace::new(&store, &ctx.env.coder);
    let deleted = ws.delete(&id)?;
    eprintln!(
        "moved “{}” ({}) to the trash: {} (`ripple restore {}` puts it back)",
        title_of(&title),
        id.short(),
        deleted.bin.display(),
        id.short()
    );
    if deleted.reopened > 0 {
        eprintln!(
            "{} follow-up(s) it had carried over are open again where they came from",
            deleted.reopened
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct TrashJson {
    id: String,
    title: Option<String>,
    date: Option<String>,
    agencies: Vec<String>,
    deleted: Option<String>,
    codings: usize,
    folder: String,
    problem: Option<String>,
}

pub fn trash(args: &TrashArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let store = ctx.open_store()?;
    let all = store.trash();
    let mut out = std::io::stdout().lock();
    if args.json {
        let rows: Vec<TrashJson> = all
            .iter()
            .map(|t| TrashJson {
                id: t.id.to_string(),
                title: t.meta.as_ref().map(|m| m.title.clone()),
                date: t.meta.as_ref().map(|m| format_date(m.date)),
                agencies: t
                    .meta
                    .as_ref()
                    .map(|m| m.agencies.clone())
                    .unwrap_or_default(),
                deleted: t.deleted.map(|d| d.to_rfc3339()),
                codings: t.codings,
                folder: t.folder.display().to_string(),
                problem: t.problem.clone(),
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if all.is_empty() {
        eprintln!("the trash is empty");
        return Ok(ExitCode::SUCCESS);
    }
    for t in &all {
        let deleted = t.deleted.map_or("?".to_string(), |d| {
            d.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        });
        let what = match (&t.meta, &t.problem) {
            (Some(m), _) => format!("{}  {}", format_date(m.date), title_of(&m.title)),
            (None, Some(p)) => format!("(cannot read: {p})"),
            (None, None) => String::new(),
        };
        writeln!(out, "{}  deleted {deleted}  {what}", t.id.short())?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn restore(args: &RestoreArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let store = writable(ctx)?;
    let trashed = store.find_in_trash(&args.id).map_err(user_error)?;
    let id = store.restore(&trashed)?;
    let title = store.load(&id).map(|s| s.meta.title).unwrap_or_default();
    eprintln!("restored “{}” ({})", title_of(&title), id.short());
    writeln!(std::io::stdout(), "{id}")?;
    Ok(ExitCode::SUCCESS)
}

pub fn duplicate(args: &DuplicateArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let store = writable(ctx)?;
    let id = store.resolve(&args.id).map_err(user_error)?;
    let ws = Workspace::new(&store, &ctx.env.coder);
    let copy = ws.duplicate(&id, chrono::Utc::now())?;
    writeln!(std::io::stdout(), "{}", copy.meta.id)?;
    Ok(ExitCode::SUCCESS)
}

pub fn followups(args: &FollowupsArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let store = ctx.open_store()?;
    let ws = Workspace::new(&store, &ctx.env.coder);
    let filter = FollowUpFilter {
        agency: args.agency.clone(),
        since: args.since,
        until: args.until,
        all: args.all,
    };
    let (items, problems) = ws.followups(&filter);
    for p in &problems {
        eprintln!("ripple: warning: {p}");
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &items)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if items.is_empty() {
        eprintln!("no {}follow-ups", if args.all { "" } else { "open " });
    }
    for f in &items {
        let text = match f.carried_note() {
            Some(c) => format!("{}  {c}", f.text),
            None => f.text.clone(),
        };
        writeln!(
            out,
            "{} {}  {}  {}  {}",
            f.status_box(),
            text,
            format_date(f.date),
            f.session.short(),
            title_of(&f.title)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
