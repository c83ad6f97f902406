//! `ripple code ...` (code passages, list and remove codings) and `ripple codebook ...`
//! (check and show the store's codebook).

use crate::cli::{usage, Context as CliContext};
use crate::core::analysis::{theme_counts, Corpus, Scope};
use crate::core::anchor::reattach_all;
use crate::core::anchor::Reattach;
use crate::core::codebook::{Codebook, CodebookError};
use crate::core::coding::coder_slug;
use crate::core::coding::{same_coder, AnchorStatus, CoderSessionFile, Coding};
use crate::core::coding_store::{self, find_quote, new_coding, short_id};
use crate::core::settings::Env;
use crate::core::store::{Problem, Store};
use crate::core::text::one_line;
use crate::core::workspace::Workspace;
use anyhow::bail;
use clap::Subcommand;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::process::ExitCode;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Subcommand)]
pub enum CodeCommand {
    /// Code a passage: the words given by --quote in SESSION's note get THEME.
    Add {
        /// Session id, or a unique prefix of it or of its short id from `ripple list`.
        session: String,
        /// Theme key (`ripple codebook show` lists them).
        theme: String,
        /// The exact words to code, as they appear in the note.
        #[arg(long)]
        quote: String,
        /// A memo on this passage.
        #[arg(long, default_value = "")]
        memo: String,
        /// Which occurrence to code (1 = first) when the quote occurs more than once.
        #[arg(long)]
        occurrence: Option<usize>,
    },
    /// List codings (all sessions, or one), oldest session first.
    #[command(alias = "ls")]
    List {
        /// Only this session (id, or a unique prefix of it or of its short id).
        session: Option<String>,
        /// Only this theme and its child themes.
        #[arg(long)]
        theme: Option<String>,
        /// Only this coder's codings (every coder's by default). Only `--coder` given after
        /// `list` filters: your coder name (the global --coder, RIPPLE_CODER) does not.
        #[arg(long)]
        coder: Option<String>,
        /// Print JSON (an array of codings) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Remove one of your codings by id (a unique prefix, or the short form `list` shows).
    Rm {
        id: String,
        /// Remove it even if another coder made it (their file is changed).
        #[arg(long)]
        any_coder: bool,
    },
    /// Write your codings of SESSION that were kept in a recovery draft (a save that failed)
    /// back into your codings file. Codings made in that file since are kept too.
    Restore {
        /// Session id, or a unique prefix of it or of its short id from `ripple list`.
        session: String,
    },
    /// Mark SESSION as done (you finished coding it), so agreement compares it.
    Done {
        /// Session id, or a unique prefix of it or of its short id from `ripple list`.
        session: String,
        /// Take the mark away again.
        #[arg(long)]
        undo: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CodebookCommand {
    /// Report every problem in the codebook and in the codings' themes; exit 1 if there are any.
    Check,
    /// Show the themes as a tree, with definitions and how many passages each codes.
    Show {
        /// Also show "use when", "not when" and the example.
        #[arg(long)]
        full: bool,
        /// Print JSON instead.
        #[arg(long)]
        json: bool,
    },
}

/// Run a `ripple code` subcommand.
pub fn run(cmd: CodeCommand, ctx: &CliContext) -> anyhow::Result<ExitCode> {
    let store = match cmd {
        CodeCommand::List { .. } => ctx.open_store()?,
        // Writers wait briefly for an open Ripple's lock, then say "busy".
        _ => {
            let store = ctx.open_store_for_writing()?;
            store.check_writable()?;
            store
        }
    };
    let (store, env) = (&store, &ctx.env);
    match cmd {
        CodeCommand::Add {
            session,
            theme,
            quote,
            memo,
            occurrence,
        } => add(store, env, &session, &theme, &quote, &memo, occurrence),
        CodeCommand::List {
            session,
            theme,
            coder,
            json,
        } => list(
            store,
            env,
            session.as_deref(),
            theme.as_deref(),
            coder.as_deref(),
            json,
        ),
        CodeCommand::Rm { id, any_coder } => remove(store, env, &id, any_coder),
        CodeCommand::Restore { session } => restore(store, env, &session),
        CodeCommand::Done { session, undo } => mark_done(store, env, &session, !undo),
    }
    .map(|()| ExitCode::SUCCESS)
}

/// `--coder` after `code list` filters by coder, but `--coder` is also the option that says
/// who you are (`ripple --coder NAME ...`, `RIPPLE_CODER`), and clap gives both one value.
/// Who you are must not filter the list: the filter is kept only when `--coder` was given
/// after `list` itself, which a second parse tells (with the list's own `--coder` renamed,
/// the command line parses again only if `--coder` was not given there). `args` are the
/// process arguments `cli` was parsed from.
pub fn keep_list_coder_only_if_given_on_list(
    cli: &mut crate::cli::Cli,
    args: &[std::ffi::OsString],
) {
    use clap::CommandFactory;
    let Some(crate::cli::Command::Code(CodeCommand::List { coder, .. })) = &mut cli.command else {
        return;
    };
    if coder.is_none() {
        return;
    }
    let probe = crate::cli::Cli::command().mut_subcommand("code", |c| {
        c.mut_subcommand("list", |l| {
            // No one can type a NUL in an argument.
            l.mut_arg("coder", |a| a.long("\u{0}coder-of-list"))
        })
    });
    if probe.try_get_matches_from(args).is_ok() {
        *coder = None;
    }
}

/// Run a `ripple codebook` subcommand.
pub fn run_codebook(cmd: CodebookCommand, ctx: &CliContext) -> anyhow::Result<ExitCode> {
    let store = ctx.open_store()?;
    let store = &store;
    match cmd {
        CodebookCommand::Check => {
            let problems = check_codebook(store);
            for p in &problems {
                eprintln!("{p}");
            }
            if problems.is_empty() {
                let book = load_codebook(store)?;
                emit(&format!(
                    "codebook ok: {} themes ({} top-level)\n",
                    book.themes.len(),
                    book.roots().len()
                ))?;
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("{} problem(s)", problems.len());
                Ok(ExitCode::from(1))
            }
        }
        CodebookCommand::Show { full, json } => show(store, full, json).map(|()| ExitCode::SUCCESS),
    }
}

fn codebook_problem(e: CodebookError) -> Problem {
    Problem {
        path: e.path.unwrap_or_default(),
        line: e.line,
        message: e.message,
    }
}

/// The store's codebook (the built-in default if the store has none), or all its problems.
fn load_codebook(store: &Store) -> anyhow::Result<Codebook> {
    Codebook::load_or_builtin(&store.codebook_path()).map_err(|errs| {
        let lines: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        anyhow::anyhow!(
            "the codebook has problems (`ripple codebook check` lists them):\n{}",
            lines.join("\n")
        )
    })
}

/// Problems for `ripple codebook check`: the codebook file (every error, with its line) and
/// codings whose theme is not in the codebook.
pub fn check_codebook(store: &Store) -> Vec<Problem> {
    match Codebook::load_or_builtin(&store.codebook_path()) {
        Err(errs) => errs.into_iter().map(codebook_problem).collect(),
        Ok(book) => unknown_themes(store, &book),
    }
}

fn unknown_themes(store: &Store, book: &Codebook) -> Vec<Problem> {
    let (files, _) = coding_store::load_all(store.root());
    let themes = book.hierarchy();
    let mut problems = Vec::new();
    for f in &files {
        for c in f.codings.iter().filter(|c| themes.get(&c.theme).is_none()) {
            problems.push(Problem {
                path: coding_store::file_path(store.root(), &f.coder, &f.session),
                line: None,
                message: format!(
                    "coding {} uses theme `{}`, which is not in the codebook",
                    short_id(&c.id),
                    c.theme
                ),
            });
        }
    }
    problems
}

/// What `ripple check` reports about codings (the codebook file itself it checks on its own):
/// problems — unreadable codings files (path and line), codings whose theme is not in the
/// codebook, codings of sessions that no longer exist, codings whose words are no longer in the
/// note (orphans) — and notes: codings whose words moved (the note was edited since their
/// coder last wrote them: outside Ripple, or by someone else)
/// and are found there by every reader; their coder's file stores the new place when that
/// coder next opens or codes the note.
pub fn check_codings(store: &Store) -> (Vec<Problem>, Vec<String>) {
    let root = store.root();
    let mut notes = Vec::new();
    let (files, errors) = coding_store::load_all(root);
    let mut problems: Vec<Problem> = errors
        .into_iter()
        .map(|e| Problem {
            path: e.path,
            line: e.line,
            message: e.message,
        })
        .collect();
    if let Ok(book) = Codebook::load_or_builtin(&store.codebook_path()) {
        problems.extend(unknown_themes(store, &book));
    }
    for f in &files {
        let path = coding_store::file_path(root, &f.coder, &f.session);
        let text = match store.load(&f.session) {
            Ok(s) => s.text,
            Err(_) if !store.session_path(&f.session).exists() => {
                problems.push(Problem {
                    path,
                    line: None,
                    message: format!(
                        "{} coding(s) of session {}, which does not exist (deleted or moved?)",
                        f.codings.len(),
                        f.session
                    ),
                });
                continue;
            }
            // An unreadable session file is reported by the session checks.
            Err(_) => continue,
        };
        let mut codings = f.codings.clone();
        let outcomes = reattach_all(&text, &mut codings);
        for (c, r) in codings.iter().zip(outcomes) {
            match r {
                Reattach::Orphaned => problems.push(Problem {
                    path: path.clone(),
                    line: None,
                    message: match crate::core::anchor::quote_occurrences(&text, c) {
                        0 => format!(
                            "coding {} ({}) lost its words: “{}” is no longer in the note (re-attach or remove it)",
                            short_id(&c.id),
                            c.theme,
                            one_line(&c.quote, 60)
                        ),
                        n => format!(
                            "coding {} ({}) lost its place: “{}” is in the note {n} time(s), but the words around it no longer tell which is the coded one (re-attach or remove it)",
                            short_id(&c.id),
                            c.theme,
                            one_line(&c.quote, 60)
                        ),
                    },
                }),
                Reattach::Moved { from, to } => notes.push(format!(
                    "{}: coding {} ({}) moved from {}..{} to {}..{}: the note was edited since its coder last saved it",
                    path.display(),
                    short_id(&c.id),
                    c.theme,
                    from.0,
                    from.1,
                    to.0,
                    to.1
                )),
                Reattach::Unchanged => {}
            }
        }
    }
    (problems, notes)
}

fn require_writable(store: &Store) -> anyhow::Result<()> {
    if store.is_read_only() {
        bail!(
            "the store is read-only ({}): codings cannot be changed now",
            store.read_only_reason().unwrap_or("no writer lock")
        );
    }
    Ok(())
}

fn require_coder(env: &Env) -> anyhow::Result<&str> {
    let c = env.coder.trim();
    if c.is_empty() {
        bail!("no coder name: set `coder` in the config file or RIPPLE_CODER");
    }
    Ok(c)
}

fn add(
    store: &Store,
    env: &Env,
    session: &str,
    theme: &str,
    quote: &str,
    memo: &str,
    occurrence: Option<usize>,
) -> anyhow::Result<()> {
    if occurrence == Some(0) {
        return Err(usage(
            "--occurrence counts from 1 (the first place the quote occurs)",
        ));
    }
    require_writable(store)?;
    let coder = require_coder(env)?;
    let book = load_codebook(store)?;
    if book.get(theme).is_none() {
        return Err(usage(book.unknown_theme_message(theme)));
    }
    let id = store.resolve(session)?;
    let note = store.load(&id)?;
    let (start, end) = find_quote(&note.text, quote, occurrence)
        .map_err(|e| usage(format!("cannot code “{}”: {e}", one_line(quote, 60))))?;
    let coding = new_coding(&note.text, &id, start, end, theme, coder, memo)
        .map_err(|e| usage(e.to_string()))?;
    // Only this coder's file is read and written: other coders' files are theirs. Its codings
    // are re-attached to the note as it is now, so the file stores where they are today.
    let mut file = coding_store::load_attached(store.root(), coder, &id, &note.text)?;
    let coding_id = coding.id.clone();
    coding_store::add_to_file(&mut file, coding).map_err(|e| usage(e.to_string()))?;
    coding_store::save(store.root(), &file)?;
    emit(&format!("{coding_id}\n"))?;
    Ok(())
}

/// One row of `code list`, and the JSON it prints.
#[derive(Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    coding: &'a Coding,
    theme_name: &'a str,
}

fn list(
    store: &Store,
    env: &Env,
    session: Option<&str>,
    theme: Option<&str>,
    coder: Option<&str>,
    json: bool,
) -> anyhow::Result<()> {
    let book = load_codebook(store)?;
    let themes: Option<BTreeSet<String>> = match theme {
        Some(t) if book.get(t).is_none() => return Err(usage(book.unknown_theme_message(t))),
        Some(t) => Some(book.subtree_keys(t).into_iter().collect()),
        None => None,
    };
    let (files, errors) = match session {
        Some(s) => coding_store::load_session(store.root(), &store.resolve(s)?),
        None => coding_store::load_all(store.root()),
    };
    for e in &errors {
        eprintln!("warning: {e}");
    }
    let coder_slug_wanted = coder.map(coder_slug);
    // Blind coding: only the viewer's own codings.
    let files = crate::core::blind::visible_files(&env.coder, env.blind, files);
    let files: Vec<CoderSessionFile> = files
        .into_iter()
        .filter(|f| {
            coder_slug_wanted
                .as_ref()
                .is_none_or(|w| &coder_slug(&f.coder) == w)
        })
        .collect();
    // Show where each coding is in the note as it is now (without writing anything).
    let files = Workspace::new(store, &env.coder).codings_in_place(files);
    let mut codings: Vec<Coding> = files
        .into_iter()
        .flat_map(|f| f.codings)
        .filter(|c| themes.as_ref().is_none_or(|t| t.contains(&c.theme)))
        .collect();
    codings.sort_by(|a, b| {
        (&a.session, a.start, a.end, &a.coder).cmp(&(&b.session, b.start, b.end, &b.coder))
    });
    let theme_name = |k: &str| book.get(k).map_or("", |t| t.name.as_str());
    if json {
        let rows: Vec<Listed> = codings
            .iter()
            .map(|c| Listed {
                coding: c,
                theme_name: theme_name(&c.theme),
            })
            .collect();
        return emit(&format!("{}\n", serde_json::to_string_pretty(&rows)?));
    }
    if codings.is_empty() {
        eprintln!("no codings");
        return Ok(());
    }
    let rows: Vec<[String; 5]> = codings
        .iter()
        .map(|c| {
            let mut quote = format!("“{}”", one_line(&c.quote, 60));
            if c.status == AnchorStatus::Orphaned {
                quote = format!("[orphaned] {quote}");
            }
            [
                short_id(&c.id).to_string(),
                c.session.short().to_string(),
                c.theme.clone(),
                c.coder.clone(),
                quote,
            ]
        })
        .collect();
    emit(&table(&["ID", "SESSION", "THEME", "CODER", "QUOTE"], &rows))
}

fn remove(store: &Store, env: &Env, id: &str, any_coder: bool) -> anyhow::Result<()> {
    require_writable(store)?;
    let (files, errors) = coding_store::load_all(store.root());
    // Blind coding: another coder's coding is neither found nor shown.
    let mut files = crate::core::blind::visible_files(&env.coder, env.blind, files);
    let (fi, ci) = match coding_store::find_by_id_prefix(&files, id) {
        Ok(hit) => hit,
        Err(e) => {
            // The coding may be in a file that could not be read: say so.
            for err in &errors {
                eprintln!("warning: {err}");
            }
            return Err(usage(e.to_string()));
        }
    };
    let owner = files[fi].codings[ci].coder.clone();
    if !any_coder {
        // Each coder's file is changed by that coder alone (shared stores never conflict).
        let me = env.coder.trim();
        if me.is_empty() {
            return Err(usage(format!(
                "coding {} is {owner}'s and no coder name is set (`coder` in the config file, --coder or RIPPLE_CODER); --any-coder removes it anyway",
                short_id(&files[fi].codings[ci].id)
            )));
        }
        if !same_coder(&owner, me) {
            return Err(usage(format!(
                "coding {} is {owner}'s, not yours ({me}): only {owner} removes it; --any-coder removes it anyway",
                short_id(&files[fi].codings[ci].id)
            )));
        }
    }
    let removed = files[fi].codings.remove(ci);
    coding_store::save(store.root(), &files[fi])?;
    emit(&format!(
        "removed coding {} ({}, {}): “{}”\n",
        removed.id,
        removed.theme,
        removed.coder,
        one_line(&removed.quote, 60)
    ))
}

fn restore(store: &Store, env: &Env, session: &str) -> anyhow::Result<()> {
    require_writable(store)?;
    let coder = require_coder(env)?;
    let id = store.resolve(session)?;
    if crate::core::coding_draft::read(store, coder, &id)?.is_none() {
        bail!(
            "no codings of {coder} kept for session {} (`ripple check` lists every kept draft)",
            id.short()
        );
    }
    let done = Workspace::new(store, coder).restore_coding_draft(coder, &id)?;
    let kept = if done.from_file > 0 {
        format!("; {} coding(s) of the file are kept", done.from_file)
    } else {
        String::new()
    };
    emit(&format!(
        "restored {} coding(s) of {coder} for session {} into {} (from {}){kept}\n",
        done.codings,
        id.short(),
        done.path.display(),
        done.draft.display()
    ))
}

fn mark_done(store: &Store, env: &Env, session: &str, done: bool) -> anyhow::Result<()> {
    require_writable(store)?;
    let coder = require_coder(env)?;
    let id = store.resolve(session)?;
    let changed = crate::core::agreement::done::set(store.root(), coder, &id, done)?;
    let msg = match (done, changed) {
        (true, true) => format!("session {} marked done by {coder}\n", id.short()),
        (true, false) => format!(
            "session {} was already marked done by {coder}\n",
            id.short()
        ),
        (false, true) => format!("session {} no longer marked done by {coder}\n", id.short()),
        (false, false) => format!("session {} was not marked done by {coder}\n", id.short()),
    };
    emit(&msg)
}

#[derive(Serialize)]
struct ShownTheme<'a> {
    depth: usize,
    #[serde(flatten)]
    theme: &'a crate::core::codebook::Theme,
    /// Passages (distinct coded spans, each once whoever coded it) with this theme itself.
    passages: usize,
    /// Passages with this theme or any theme below it, each span once.
    passages_with_children: usize,
    /// Codings (one per coder per span) with this theme itself.
    codings: usize,
    codings_with_children: usize,
}

fn show(store: &Store, full: bool, json: bool) -> anyhow::Result<()> {
    let book = load_codebook(store)?;
    // The one definition of passages and codings (core::analysis), as evidence, search and
    // `ripple matrix` count them: attached codings of every coder, each span once.
    let ws = crate::core::workspace::Workspace::new(store, "");
    let corpus = Corpus::load(&ws, &Scope::default()).map_err(|e| anyhow::anyhow!(e))?;
    for w in &corpus.warnings {
        eprintln!("warning: {w} (its codings are not counted)");
    }
    let counts = theme_counts(&corpus, &Scope::default()).map_err(|e| anyhow::anyhow!(e))?;
    let of = |k: &str| counts.iter().find(|c| c.key == k);
    let hierarchy = book.hierarchy();
    let shown: Vec<ShownTheme> = hierarchy
        .rows()
        .into_iter()
        .map(|r| {
            let c = of(&r.theme.key);
            ShownTheme {
                depth: r.depth,
                theme: r.theme,
                passages: c.map_or(0, |c| c.passages),
                passages_with_children: c.map_or(0, |c| c.passages_with_children),
                codings: c.map_or(0, |c| c.codings),
                codings_with_children: c.map_or(0, |c| c.codings_with_children),
            }
        })
        .collect();
    if json {
        return emit(&format!("{}\n", serde_json::to_string_pretty(&shown)?));
    }
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = String::new();
    for s in &shown {
        let indent = "  ".repeat(s.depth);
        let key = match (colour, s.theme.rgb()) {
            (true, Some((r, g, b))) => format!("\x1b[1;38;2;{r};{g};{b}m{}\x1b[0m", s.theme.key),
            _ => s.theme.key.clone(),
        };
        let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
        let count = if s.passages_with_children != s.passages {
            format!(
                "{} ({} here, {} only in sub-themes), {}",
                plural(s.passages_with_children, "passage"),
                s.passages,
                s.passages_with_children - s.passages,
                plural(s.codings_with_children, "coding"),
            )
        } else {
            format!(
                "{}, {}",
                plural(s.passages, "passage"),
                plural(s.codings, "coding")
            )
        };
        let _ = writeln!(
            out,
            "{indent}{key}  {}  {}  · {count}",
            s.theme.name, s.theme.colour
        );
        let body = format!("{indent}    ");
        let mut fields = vec![("", &s.theme.definition)];
        if full {
            fields.push(("Use when: ", &s.theme.use_when));
            fields.push(("Not when: ", &s.theme.not_when));
            fields.push(("Example: ", &s.theme.example));
        }
        for (label, text) in fields {
            if !text.trim().is_empty() {
                for line in wrap(
                    &format!("{label}{text}"),
                    88usize.saturating_sub(body.len()),
                ) {
                    let _ = writeln!(out, "{body}{line}");
                }
            }
        }
    }
    emit(&out)
}

/// Greedy word wrap by display width.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.width() + 1 + word.width() > width.max(20) {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Write to stdout. A closed pipe (`ripple code list | head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Columns padded by display width (accents and CJK line up); the last column is not padded.
fn table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(|h| h.width());
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.width());
        }
    }
    let fmt_row = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < N {
                out.push_str(&" ".repeat(widths[i] - cell.width() + 2));
            }
        }
        out
    };
    let mut out = fmt_row(header.to_vec());
    out.push('\n');
    for r in rows {
        out.push_str(&fmt_row(r.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_respects_width() {
        let text =
            "Confidence that staff of the other agency act in good faith and keep their word.";
        let lines = wrap(text, 30);
        assert!(lines.iter().all(|l| l.width() <= 30), "{lines:?}");
        assert_eq!(lines.join(" "), text);
    }
}
