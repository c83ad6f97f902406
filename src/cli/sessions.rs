//! `ripple list`, `show`, `new`, `check`: sessions from the command line.

use super::{usage, Context};
use crate::core::session::{Participant, Session, SessionId, SessionMeta, SessionType};
use crate::core::session_file::{format_date, format_timestamp};
use crate::core::store::{
    decode_draft, Compared, DraftBase, FileVersion, LeftoverTemp, Problem, Store, TempHolds,
};
use anyhow::Context as _;
use chrono::NaiveDate;
use clap::Args;
use serde::Serialize;
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print a JSON array of session metadata (full ids) instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A session id: the full id, or a unique prefix of it or of the short id `ripple list` shows.
    pub id: String,
    /// Print the metadata and text as one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The session's title.
    #[arg(long)]
    pub title: String,
    /// The date of the session, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// An agency that took part (repeat for a joint session).
    #[arg(long = "agency", value_name = "AGENCY")]
    pub agencies: Vec<String>,
    /// coaching, joint-coaching, leadership-meeting, training or other.
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_type)]
    pub session_type: Option<SessionType>,
    /// The county (e.g. "Doña Ana").
    #[arg(long)]
    pub county: Option<String>,
    /// Who facilitated (default: `facilitator` in config.toml, else the login name).
    #[arg(long)]
    pub facilitator: Option<String>,
    /// A tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Participants by role and head count, e.g. `supervisor=2` (repeatable).
    #[arg(long = "participant", value_name = "ROLE=COUNT", value_parser = parse_participant)]
    pub participants: Vec<Participant>,
    /// Start from the store's template NAME (templates/NAME.md): its defaults and headings.
    /// The note on stdin, if any, follows the headings; the options above win over defaults.
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date: use YYYY-MM-DD, e.g. 2026-06-14"))
}

fn parse_type(s: &str) -> Result<SessionType, String> {
    SessionType::parse(s).ok_or_else(|| {
        format!(
            "`{s}` is not a session type: use one of {}",
            SessionType::ALL.map(|t| t.key()).join(", ")
        )
    })
}

fn parse_participant(s: &str) -> Result<Participant, String> {
    let (role, count) = match s.rsplit_once('=') {
        Some((r, c)) => (r.trim(), c.trim()),
        None => (s.trim(), "1"),
    };
    if role.is_empty() {
        return Err(format!("`{s}`: give a role, e.g. supervisor=2"));
    }
    let count = count.parse::<u32>().map_err(|_| {
        format!("`{s}`: the count after `=` must be a whole number, e.g. supervisor=2")
    })?;
    Ok(Participant {
        role: role.to_string(),
        count,
    })
}

fn warn_problems(problems: &[Problem]) {
    for p in problems {
        eprintln!("ripple: warning: {p}");
    }
}

/// Pad to a display width (CJK and emoji take two columns).
fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// Cut to at most `max` columns, with "…" when cut.
fn clip(s: &str, max: usize) -> String {
    if UnicodeWidthStr::width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

pub fn list(args: &ListArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let store = ctx.open_store()?;
    let scan = store.scan();
    warn_problems(&scan.problems);
    let mut out = std::io::stdout().lock();
    if args.json {
        let metas: Vec<&SessionMeta> = scan.sessions.iter().map(|s| &*s.meta).collect();
        serde_json::to_writer_pretty(&mut out, &metas)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if scan.sessions.is_empty() {
        eprintln!("no sessions in {}", store.root().display());
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<[String; 6]> = scan
        .sessions
        .iter()
        .map(|s| {
            let m = &s.meta;
            [
                m.id.short().to_string(),
                format_date(m.date),
                m.session_type.label().to_string(),
                clip(&m.agencies.join(", "), 28),
                clip(&m.county, 16),
                m.title.clone(),
            ]
        })
        .collect();
    let header = ["ID", "DATE", "TYPE", "AGENCIES", "COUNTY", "TITLE"];
    let mut widths = header.map(UnicodeWidthStr::width);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(UnicodeWidthStr::width(cell.as_str()));
        }
    }
    let line = |cells: [&str; 6]| -> String {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(&pad(c, widths[i]));
                s.push_str("  ");
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(header))?;
    for r in &rows {
        writeln!(out, "{}", line(r.each_ref().map(String::as_str)))?;
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct SessionJson<'a> {
    #[serde(flatten)]
    meta: &'a SessionMeta,
    text: &'a str,
}

pub fn show(args: &ShowArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let store = ctx.open_store()?;
    let id = resolve(&store, &args.id)?;
    let s = store.load(&id)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(
            &mut out,
            &SessionJson {
                meta: &s.meta,
                text: &s.text,
            },
        )?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let m = &s.meta;
    writeln!(
        out,
        "{}",
        if m.title.is_empty() {
            "(untitled)"
        } else {
            &m.title
        }
    )?;
    writeln!(out, "id:           {}", m.id)?;
    writeln!(out, "date:         {}", format_date(m.date))?;
    writeln!(out, "type:         {}", m.session_type.label())?;
    writeln!(out, "agencies:     {}", m.agencies.join(", "))?;
    writeln!(out, "county:       {}", m.county)?;
    writeln!(out, "facilitator:  {}", m.facilitator)?;
    let people: Vec<String> = m
        .participants
        .iter()
        .map(|p| format!("{} ×{}", p.role, p.count))
        .collect();
    writeln!(out, "participants: {}", people.join(", "))?;
    writeln!(out, "tags:         {}", m.tags.join(", "))?;
    writeln!(out, "created:      {}", format_timestamp(&m.created))?;
    writeln!(out, "updated:      {}", format_timestamp(&m.updated))?;
    writeln!(out)?;
    out.write_all(s.text.as_bytes())?;
    if !s.text.is_empty() && !s.text.ends_with('\n') {
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Resolve an id typed by the user; not finding one is bad input (exit 2).
fn resolve(store: &Store, query: &str) -> anyhow::Result<SessionId> {
    use crate::core::store::StoreError;
    store.resolve(query).map_err(|e| match e {
        StoreError::NoMatch(_) | StoreError::Ambiguous { .. } | StoreError::BadId(_) => {
            usage(e.to_string())
        }
        other => other.into(),
    })
}

pub fn new(args: &NewArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    if args.title.trim().is_empty() {
        return Err(usage("--title must not be empty"));
    }
    let text = if std::io::stdin().is_terminal() {
        String::new()
    } else {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read the note text from stdin")?;
        String::from_utf8(bytes)
            .map_err(|_| usage("the note text on stdin is not UTF-8: convert it to UTF-8 first"))?
    };
    let store = ctx.open_store_for_writing()?;
    let mut meta = SessionMeta::new_today(
        args.facilitator
            .as_deref()
            .unwrap_or(ctx.env.facilitator.as_str()),
    );
    let mut text = text;
    if let Some(name) = &args.template {
        let template = store.template(name).map_err(usage)?;
        let headings = template.apply(&mut meta);
        text = if text.is_empty() {
            headings
        } else {
            format!(
                "{headings}{}{text}",
                if headings.ends_with('\n') { "" } else { "\n" }
            )
        };
    }
    meta.title = args.title.trim().to_string();
    if let Some(d) = args.date {
        meta.date = d;
    }
    if !args.agencies.is_empty() || args.template.is_none() {
        meta.agencies = args.agencies.iter().map(|a| a.trim().to_string()).collect();
    }
    if let Some(t) = args.session_type {
        meta.session_type = t;
    }
    if let Some(c) = &args.county {
        meta.county = c.clone();
    }
    if !args.tags.is_empty() || args.template.is_none() {
        meta.tags = args.tags.iter().map(|t| t.trim().to_string()).collect();
    }
    if !args.participants.is_empty() || args.template.is_none() {
        meta.participants = args.participants.clone();
    }
    if let Err(e) = store.check_writable() {
        // Busy or read-only: the text typed or piped in is kept, as when the disk is full.
        return Err(keep_new_session(&store, e, meta, &text));
    }
    let s = store.create(meta, &text).map_err(not_in_memory)?;
    // A closed stdout is reported as an error, not a panic (the session is saved either way).
    writeln!(std::io::stdout(), "{}", s.meta.id)?;
    Ok(ExitCode::SUCCESS)
}

/// A failed save says the text is "kept in memory and in the recovery draft": true in the
/// terminal UI, not for a command that is about to exit. Say only where it is.
fn not_in_memory(e: crate::core::store::StoreError) -> crate::core::store::StoreError {
    use crate::core::store::StoreError as E;
    let fix = |kept: String| {
        kept.replace("kept in memory and in the", "kept in the")
            .replace("kept in memory only", "not kept")
    };
    match e {
        E::DiskFull { path, kept } => E::DiskFull {
            path,
            kept: fix(kept),
        },
        E::PermissionDenied { path, action, kept } => E::PermissionDenied {
            path,
            action,
            kept: fix(kept),
        },
        E::Io {
            path,
            action,
            kept,
            source,
        } => E::Io {
            path,
            action,
            kept: fix(kept),
            source,
        },
        other => other,
    }
}

/// A new session that cannot be written into the store: keep it whole in a recovery draft
/// (outside the store when the store cannot be written) and say where, and how to bring it in.
fn keep_new_session(
    store: &Store,
    why: crate::core::store::StoreError,
    meta: SessionMeta,
    text: &str,
) -> anyhow::Error {
    let session = Session {
        meta,
        text: crate::core::text::normalize_newlines(text),
    };
    match store.write_draft(&session) {
        Ok(path) => anyhow::anyhow!(
            "{why}; the new session is kept in full at {} (a complete session file: copy it \
             into {} when the store can be written)",
            path.display(),
            store.sessions_dir().display()
        ),
        Err(e) => anyhow::anyhow!(
            "{why}; the new session could not be kept in a recovery draft either ({e}): the \
             text is only where it came from"
        ),
    }
}

pub fn check(_args: &CheckArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let store = ctx.open_store()?;
    // Every session file read and parsed, whatever the catalog cache says (it serves start-up
    // only): a file damaged in place at the same size and time is caught too.
    let scan = store.scan_verified();
    let mut problems: Vec<String> = scan.problems.iter().map(|p| p.to_string()).collect();
    // Links planted in the store (a shared or synced folder can carry them): every write
    // through one is refused, so the user should know before a save fails.
    problems.extend(store.links().into_iter().map(|(link, target)| {
        format!(
            "{}: a symbolic link inside the store (to {}): Ripple never writes through it; \
             replace it with the real folder or file",
            link.display(),
            target.display()
        )
    }));
    let mut notes = scan.notes.clone();
    if let Some(reason) = store.read_only_reason() {
        notes.push(reason.to_string());
    }

    // Recovery drafts: unsaved edits someone may want back.
    for path in store.draft_files() {
        match std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|b| decode_draft(&b).map_err(|e| e.to_string()))
        {
            Ok((draft, base)) => notes.push(draft_note(&store, &path, &draft, &base)),
            Err(e) => problems.push(format!(
                "{}: recovery draft cannot be read: {e}",
                path.display()
            )),
        }
    }

    // Temporary files of writes cut short, in any folder: what each holds, and whether it is
    // text kept nowhere else.
    notes.extend(store.leftover_temp_files().iter().map(temp_note));

    // Codings kept after a failed save (`ripple code restore` writes them back).
    let (coding_drafts, unreadable) = crate::core::coding_draft::list(&store);
    notes.extend(coding_drafts.iter().map(|d| coding_draft_note(&store, d)));
    problems.extend(unreadable.iter().map(|e| e.to_string()));

    // The codebook.
    if let Err(errors) = crate::core::codebook::Codebook::load_report(&store.codebook_path()) {
        problems.extend(errors.iter().map(|e| e.to_string()));
    }

    // The coding files (codings/<coder>/<session>.json: parse errors, unknown themes, codings of
    // sessions that no longer exist, codings whose words are gone or moved).
    let (coding_problems, coding_notes) = crate::cli::code::check_codings(&store);
    problems.extend(coding_problems.iter().map(|p| p.to_string()));
    notes.extend(coding_notes);
    // The counts snapshot was made through the catalog, which `check` has just found out of
    // date or not: the next count reads the store.
    if let Err(e) = crate::core::workspace::counts_snapshot::forget(&store) {
        notes.push(format!(
            "{}: cannot remove the counts snapshot ({e}); delete it if `ripple matrix` \
             disagrees with the files",
            crate::core::workspace::counts_snapshot::path(&store).display()
        ));
    }

    // The keymap file is the user's, not the store's: its problems are said (with their lines,
    // as `ripple keymap --check` says them) without making the store fail its check.
    let keymap = ctx.env.config_path.with_file_name("keymap.toml");
    match crate::tui::keymap::user::check_file(&keymap) {
        Ok(Some(found)) => notes.extend(found),
        Ok(None) => {}
        Err(e) => notes.push(e),
    }

    let mut out = std::io::stdout().lock();
    for n in &notes {
        writeln!(out, "note: {n}")?;
    }
    for p in &problems {
        writeln!(out, "{p}")?;
    }
    if problems.is_empty() {
        writeln!(out, "store OK: {} sessions", scan.sessions.len())?;
        Ok(ExitCode::SUCCESS)
    } else {
        writeln!(
            out,
            "{} problem{} in {} ({} sessions read correctly; broken files were left untouched)",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            store.root().display(),
            scan.sessions.len()
        )?;
        Ok(ExitCode::from(1))
    }
}

fn local_time(t: std::time::SystemTime) -> String {
    chrono::DateTime::<chrono::Local>::from(t)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn coding_draft_note(store: &Store, d: &crate::core::coding_draft::CodingDraft) -> String {
    let id = &d.file.session;
    let about = match store.load(id) {
        Ok(s) => format!("\"{}\" ({})", s.meta.title, id.short()),
        Err(_) => format!("{} (the session itself no longer exists)", id.short()),
    };
    format!(
        "{}: {} coding(s) of {} for {about} kept after a failed save on {}: `ripple --store {} --coder {} code restore {}` writes them back",
        d.path.display(),
        d.file.codings.len(),
        d.file.coder,
        local_time(d.written),
        super::shell_word(&store.root().to_string_lossy()),
        super::shell_word(&d.file.coder),
        id.short()
    )
}

fn draft_note(store: &Store, path: &std::path::Path, draft: &Session, base: &DraftBase) -> String {
    let when = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map(local_time)
        .unwrap_or_default();
    let file = std::fs::read(store.session_path(&draft.meta.id)).ok();
    let about = match (&file, base) {
        (None, DraftBase::NoFile) => "; the session was never saved: open it in Ripple to keep it",
        (None, _) => {
            "; there is no session file (never saved, or deleted since): open it in Ripple to keep the text"
        }
        (Some(bytes), DraftBase::File(v)) if FileVersion::of(bytes) != *v => {
            "; the file changed since the draft was made: opening the session shows both"
        }
        _ => "",
    };
    format!(
        "{}: recovery draft of unsaved edits to \"{}\" ({}) from {when}{about}",
        path.display(),
        draft.meta.title,
        draft.meta.id.short(),
    )
}

/// What `ripple check` says of a left-over `.ripple-tmp-*` file. Only a copy identical to its
/// session file is called safe to delete: anything else may be the one copy of some text.
fn temp_note(t: &LeftoverTemp) -> String {
    let when = local_time(t.modified);
    let what = match &t.holds {
        TempHolds::Session {
            id,
            title,
            compared,
        } => {
            let s = format!("\"{title}\" ({})", id.short());
            match compared {
                Compared::Newer => format!(
                    "unsaved text of {s}, newer than the session file: open the session in Ripple to recover it (do not delete)"
                ),
                Compared::NoFile => format!(
                    "the only copy of {s}, which has no session file: open it in Ripple to recover it (do not delete)"
                ),
                Compared::Older => format!(
                    "an older copy of {s} (the session file was saved after it): compare before deleting"
                ),
                Compared::Same => {
                    format!("a copy of {s} identical to the session file: safe to delete")
                }
            }
        }
        TempHolds::Other => {
            "not a complete session (part of a codings, codebook or settings file, or cut short): compare it with the file beside it before deleting".to_string()
        }
    };
    format!(
        "{}: left-over temporary file of a write cut short, from {when}: {what}",
        t.path.display()
    )
}
