//! `ripple search`, `ripple evidence`, `ripple reindex`: thin commands over the search core.
//!
//! Exit status: 0 on success (including "no matches"), 2 for a query that cannot be parsed
//! (the message and a caret under the problem go to stderr), 1 for other failures.

use crate::cli::{usage, Context as CliContext};
use crate::core::codebook::Codebook;
use crate::core::evidence::{self, EvidenceFormat, EvidenceOptions, EvidenceSort};
use crate::core::export_target::{ExportError, ExportRules};
use crate::core::index::{
    Hit, HitKind, IndexError, IndexHealth, Order, PassageTally, Results, SearchIndex, MAX_PAGE,
};
use crate::core::index_sync::{self, Check, SyncReport};
use crate::core::query::{self, QueryError};
use crate::core::store::Store;
use crate::core::workspace::index::{IndexEvent, IndexWorkspace};
use anyhow::anyhow;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;
use unicode_width::UnicodeWidthStr;

/// Exit status for a query that cannot be parsed.
pub const EXIT_BAD_QUERY: i32 = 2;

#[derive(clap::Args, Debug)]
pub struct SearchArgs {
    /// The query (see docs/query-language.md), e.g. 'trust agency:"La Casa" after:2026-04'.
    /// It may start with `-` (`-theme:trust` excludes): it is read as the query, not an option.
    #[arg(allow_hyphen_values = true)]
    pub query: String,
    /// Show coded passages (the default).
    #[arg(long, conflicts_with = "sessions")]
    pub passages: bool,
    /// Show sessions instead of coded passages.
    #[arg(long)]
    pub sessions: bool,
    /// How many hits to show (at most 10000).
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Skip this many hits (paging).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// `score`: best match first; `date`: newest session first. Without it: by score when the
    /// query has words, newest first when it has only filters (equal scores: newest first).
    #[arg(long, value_enum)]
    pub sort: Option<SearchSortArg>,
    /// Machine-readable output: ids, metadata, quote, offsets, score, highlight ranges.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum FormatArg {
    Md,
    Csv,
    Json,
    Docx,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum SearchSortArg {
    Score,
    Date,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum SortArg {
    Date,
    Session,
}

#[derive(clap::Args, Debug)]
pub struct EvidenceArgs {
    /// Only passages matching this query (all coded passages if left out). It may start with
    /// `-`.
    #[arg(allow_hyphen_values = true)]
    pub query: Option<String>,
    /// Only this theme (key or name; a parent theme includes its children).
    #[arg(long)]
    pub theme: Option<String>,
    /// md, csv, json or docx (a Word file: needs --out). Without it: from --out's name
    /// (.csv, .json, .docx), Markdown otherwise.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Write to this file (private, 0600) instead of standard output. Never inside the store
    /// or the index folder, never to a device, FIFO or folder; a symbolic link is written
    /// through to its file.
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    /// With --out: replace the file if it exists.
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Leave out facilitator, coder and ids; redact the terms listed in ripple.toml's
    /// `deidentify = [...]`.
    #[arg(long)]
    pub deidentify: bool,
    #[arg(long, value_enum, default_value = "date")]
    pub sort: SortArg,
    /// Markdown: add each coding memo in italics under its quote, with its coder.
    #[arg(long)]
    pub memos: bool,
    /// The order of the theme headings: codebook, count (most passages first), or theme keys
    /// separated by commas (the rest follow in codebook order). A named theme always has its
    /// heading; a named parent brings its sub-themes' passages under it.
    #[arg(long, value_name = "codebook|count|KEYS", default_value = "codebook")]
    pub headings: String,
    /// Keep a passage that lies inside a longer passage of the same theme (by default it is
    /// exported once, as the longer passage, with both memos and coders; each theme says how
    /// many passages its quotes stand for).
    #[arg(long)]
    pub keep_nested: bool,
}

#[derive(clap::Args, Debug)]
pub struct ReindexArgs {}

fn with_env(
    ctx: &CliContext,
    f: impl FnOnce(&SearchEnv) -> anyhow::Result<i32>,
) -> anyhow::Result<ExitCode> {
    let store = ctx.open_store()?;
    let env = SearchEnv {
        store: &store,
        index_dir: &ctx.env.index_dir,
        blind_viewer: blind_viewer(ctx),
    };
    let code = f(&env)?;
    Ok(ExitCode::from(code.clamp(0, 255) as u8))
}

/// `ripple search` (wired in `cli::run`).
pub fn search(args: &SearchArgs, ctx: &CliContext) -> anyhow::Result<ExitCode> {
    with_env(ctx, |env| run_search(args, env))
}

/// `ripple evidence` (wired in `cli::run`).
pub fn evidence(args: &EvidenceArgs, ctx: &CliContext) -> anyhow::Result<ExitCode> {
    with_env(ctx, |env| run_evidence(args, env))
}

/// `ripple reindex` (wired in `cli::run`).
pub fn reindex(args: &ReindexArgs, ctx: &CliContext) -> anyhow::Result<ExitCode> {
    with_env(ctx, |env| run_reindex(args, env))
}

/// A query error as every command prints it on stderr: `ripple: ` (the prefix of every CLI
/// error) and the message, then the query with a caret line under the problem.
pub fn render_query_error(query: &str, e: &QueryError) -> String {
    format!("ripple: {}", query_error_with_caret(query, e))
}

/// The message, then the query and a caret line under the offending columns (display width
/// aware), without a prefix: for a message that has its own (`--query: …`).
pub fn query_error_with_caret(query: &str, e: &QueryError) -> String {
    let chars: Vec<char> = query.chars().collect();
    let shown: String = chars
        .iter()
        .map(|c| if *c == '\n' || *c == '\t' { ' ' } else { *c })
        .collect();
    let before: String = chars.iter().take(e.start).collect();
    let marked: String = chars
        .iter()
        .skip(e.start)
        .take(e.end.saturating_sub(e.start))
        .collect();
    let pad = UnicodeWidthStr::width(before.as_str());
    let width = UnicodeWidthStr::width(marked.as_str()).max(1);
    format!(
        "{}\n  {}\n  {}{}\n",
        e.message,
        shown,
        " ".repeat(pad),
        "^".repeat(width)
    )
}

/// What a command needs from the environment.
pub struct SearchEnv<'a> {
    pub store: &'a Store,
    pub index_dir: &'a Path,
    /// Blind mode: the coder who searches, who sees only their own codings and memos.
    pub blind_viewer: Option<&'a str>,
}

/// The viewer when they code blind (`--blind`, `RIPPLE_BLIND=1`, `blind = true`).
pub fn blind_viewer(ctx: &CliContext) -> Option<&str> {
    ctx.env.blind.then_some(ctx.env.coder.as_str())
}

/// An index ready to search. In blind mode it is a private one, built for this command in a
/// temporary folder (readable by this user only, removed when the command ends) from every
/// session with only the viewer's codings and memos: the shared index holds everyone's.
pub struct OpenIndex {
    index: SearchIndex,
    /// Dropped after `index`.
    _private_dir: Option<tempfile::TempDir>,
}

impl OpenIndex {
    /// Built for this command alone (blind mode), not the shared index.
    pub fn is_private(&self) -> bool {
        self._private_dir.is_some()
    }
}

impl std::ops::Deref for OpenIndex {
    type Target = SearchIndex;
    fn deref(&self) -> &SearchIndex {
        &self.index
    }
}

fn load_codebook(store_root: &Path) -> Codebook {
    match Codebook::load_or_builtin(&store_root.join("codebook.toml")) {
        Ok(cb) => cb,
        Err(errors) => {
            for e in errors {
                eprintln!("warning: {e}");
            }
            eprintln!("warning: using the built-in codebook for theme names");
            Codebook::builtin()
        }
    }
}

/// A progress bar on stderr when it is a terminal.
fn progress_bar() -> impl FnMut(usize, usize) {
    let tty = std::io::stderr().is_terminal();
    let mut last_draw = Instant::now();
    move |done: usize, total: usize| {
        if !tty || (last_draw.elapsed().as_millis() < 50 && done < total) {
            return;
        }
        last_draw = Instant::now();
        let width = 30;
        let filled = (done * width)
            .checked_div(total)
            .unwrap_or(width)
            .min(width);
        eprint!(
            "\rIndexing [{}{}] {done}/{total}",
            "#".repeat(filled),
            ".".repeat(width - filled)
        );
        if done >= total {
            eprintln!();
        }
        let _ = std::io::stderr().flush();
    }
}

fn report_warnings(report: &SyncReport) {
    for w in &report.warnings {
        eprintln!("warning: {w} (not indexed)");
    }
}

/// Index work said on stderr: a rebuild announced with its reason (when `announce`), progress
/// as a bar.
fn on_stderr(announce: bool) -> impl FnMut(IndexEvent) {
    let mut bar = progress_bar();
    move |event| match event {
        IndexEvent::Rebuilding { why, .. } if announce => {
            eprintln!("Rebuilding the search index ({why})…")
        }
        IndexEvent::Progress { done, total } => bar(done, total),
        _ => {}
    }
}

/// What catching up did, said on stderr.
fn report_caught_up(report: &SyncReport) {
    report_warnings(report);
    if report.rebuilt {
        eprintln!("Indexed {} sessions.", report.indexed);
    }
}

/// An index ready to search: the shared one, brought up to date first (`shared_index`). In
/// blind mode, a private index of what the viewer may see (see [`OpenIndex`]).
pub fn index_for_search(env: &SearchEnv, codebook: &Codebook) -> anyhow::Result<OpenIndex> {
    if let Some(viewer) = env.blind_viewer {
        let dir = tempfile::Builder::new()
            .prefix("ripple-blind-index-")
            .tempdir()
            .map_err(|e| anyhow!("cannot create a private search index for blind mode: {e}"))?;
        let (mut ix, _) = SearchIndex::open(dir.path())?;
        let (items, warnings) = index_sync::load_items(env.store);
        for w in warnings {
            eprintln!("warning: {w} (not indexed)");
        }
        let items = crate::core::blind::visible_items(viewer, true, items);
        let total = items.len();
        ix.rebuild(items, total, codebook, &mut |_, _| {})?;
        ix.set_codebook(codebook.clone());
        eprintln!("blind mode: searching your own codings and memos only");
        return Ok(OpenIndex {
            index: ix,
            _private_dir: Some(dir),
        });
    }
    shared_index(env, codebook).map(|index| OpenIndex {
        index,
        _private_dir: None,
    })
}

/// An index that holds what the store holds (`core::index_sync`'s quick check): the existing
/// one read-only when it is sound and current (fast, and works while another process holds
/// the writer); otherwise opened for writing and brought up to date, or rebuilt, first.
fn shared_index(env: &SearchEnv, codebook: &Codebook) -> anyhow::Result<SearchIndex> {
    let mut behind = 0;
    if let Ok(mut ix) = SearchIndex::open_read_only(env.index_dir) {
        ix.set_codebook(codebook.clone());
        match index_sync::plan(env.store, &ix, codebook, Check::Quick) {
            Ok(plan) if plan.is_current() => return Ok(ix),
            Ok(plan) => behind = plan.changed_sessions(),
            Err(_) => {}
        }
    }
    let mut ws = IndexWorkspace::with_codebook(env.store, env.index_dir, codebook.clone());
    match ws.open_writable() {
        Ok(health) => {
            let report = ws.catch_up(&health, Check::Quick, &mut on_stderr(true))?;
            report_caught_up(&report);
            Ok(ws.into_index().expect("an index opened for writing"))
        }
        Err(IndexError::Locked(p)) => {
            // Another Ripple holds the writer: it indexes what it writes itself.
            let mut ix = SearchIndex::open_read_only(env.index_dir).map_err(|_| {
                anyhow!(
                    "the search index at {} is being written by another Ripple process and cannot be read yet; try again in a moment",
                    p.display()
                )
            })?;
            if behind > 0 {
                eprintln!(
                    "warning: {behind} session(s) changed since the search index was updated, and another Ripple process is writing the index: results may miss those changes"
                );
            }
            ix.set_codebook(codebook.clone());
            Ok(ix)
        }
        Err(e) => Err(e.into()),
    }
}

/// Run `answer` on an index brought up to date; if the index turns out damaged while answering,
/// rebuild it (saying so) and answer again.
pub(crate) fn with_current_index<T>(
    env: &SearchEnv,
    codebook: &Codebook,
    answer: impl Fn(&SearchIndex) -> Result<T, IndexError>,
) -> anyhow::Result<Result<T, IndexError>> {
    let index = index_for_search(env, codebook)?;
    match answer(&index) {
        // A blind search's private index was built a moment ago from the files: nothing to mend.
        Err(e) if e.is_damage() && !index.is_private() => {
            drop(index);
            eprintln!("index damaged: rebuilding ({e})");
            let mut ws = IndexWorkspace::with_codebook(env.store, env.index_dir, codebook.clone());
            let report = match ws.rebuild_from_scratch(&e.to_string(), &mut on_stderr(false)) {
                Err(IndexError::Locked(p)) => {
                    return Err(anyhow!(
                        "the search index at {} is damaged and another Ripple process is writing it; close it and run `ripple reindex`",
                        p.display()
                    ))
                }
                other => other?,
            };
            report_warnings(&report);
            let fresh = ws.into_index().expect("a rebuilt index");
            Ok(answer(&fresh))
        }
        other => Ok(other),
    }
}

fn parse_or_report(q: &str) -> Result<query::Query, i32> {
    query::parse(q).map_err(|e| {
        eprint!("{}", render_query_error(q, &e));
        EXIT_BAD_QUERY
    })
}

/// `ripple search`. Returns the exit status.
pub fn run_search(args: &SearchArgs, env: &SearchEnv) -> anyhow::Result<i32> {
    let q = match parse_or_report(&args.query) {
        Ok(q) => q,
        Err(code) => return Ok(code),
    };
    if args.limit == 0 {
        return Err(usage("--limit must be at least 1"));
    }
    let limit = if args.limit > MAX_PAGE {
        eprintln!("ripple: --limit {} is more than {MAX_PAGE}: showing at most {MAX_PAGE} hits (use --offset for more)", args.limit);
        MAX_PAGE
    } else {
        args.limit
    };
    let codebook = load_codebook(env.store.root());
    let kind = if args.sessions {
        HitKind::Sessions
    } else {
        HitKind::Passages
    };
    let order = match args.sort {
        None => Order::Relevance,
        Some(SearchSortArg::Score) => Order::Score,
        Some(SearchSortArg::Date) => Order::Newest,
    };
    // Facet counts are only printed in JSON. A passage search counts its codings' passages
    // and sessions too; one of plain words also counts the sessions a session search finds
    // (one count), to say when the notes hold more than the coded passages.
    let answer = with_current_index(env, &codebook, |index| {
        let results = index.search_ordered(&q, kind, limit, args.offset, args.json, order)?;
        let (tally, in_notes) = match kind {
            HitKind::Passages => {
                let tally = index.passage_tally(&q)?;
                let in_notes = if !args.json && query::has_words(&q.ast) {
                    Some(index.count_matches(&q, HitKind::Sessions)?)
                } else {
                    None
                };
                (Some(tally), in_notes)
            }
            HitKind::Sessions => (None, None),
        };
        Ok((results, tally, in_notes))
    })?;
    let (results, tally, in_notes) = match answer {
        Ok(r) => r,
        Err(IndexError::Query(e)) => {
            eprint!("{}", render_query_error(&args.query, &e));
            return Ok(EXIT_BAD_QUERY);
        }
        Err(e) => return Err(e.into()),
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let v = results_json(&args.query, kind, &results, tally);
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(0);
    }
    if results.total == 0 {
        writeln!(out, "no matches")?;
    } else {
        let colour = std::io::stdout().is_terminal();
        for hit in &results.hits {
            writeln!(out, "{}", hit_line(hit, colour))?;
        }
        writeln!(out, "{}", summary_line(&results, tally, args.offset))?;
    }
    // Plain words found in more notes than coded passages: the passages are the default
    // (scripts rely on it), so say where the rest are.
    if let (Some(tally), Some(in_notes)) = (tally, in_notes) {
        if in_notes > tally.sessions {
            let line = if in_notes == 1 {
                "1 session mentions it: add --sessions to see it".to_string()
            } else {
                format!("{in_notes} sessions mention it: add --sessions to see them")
            };
            writeln!(out, "{line}")?;
        }
    }
    Ok(0)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The last line of a search: how many hits, in the unit they are. A passage search lists
/// codings (one coder's each), so it says how many codings, how many passages they are (two
/// coders on the same words: one passage, docs/analysis.md) and in how many sessions.
fn summary_line(results: &Results, tally: Option<PassageTally>, offset: usize) -> String {
    let total = match tally {
        Some(t) => format!(
            "{} ({}) in {}",
            plural(results.total, "coding", "codings"),
            plural(t.passages, "passage", "passages"),
            plural(t.sessions, "session", "sessions")
        ),
        None => plural(results.total, "session", "sessions"),
    };
    let shown = results.hits.len();
    if shown == 0 {
        format!(
            "nothing at --offset {offset}: there {} {total}",
            if results.total == 1 { "is" } else { "are" },
        )
    } else if shown < results.total {
        format!("{}–{} of {total}", offset + 1, offset + shown)
    } else {
        total
    }
}

/// The text with matched ranges marked: reverse video on a terminal, «…» otherwise.
fn mark(text: &str, highlights: &[(usize, usize)], colour: bool) -> String {
    let (open, close) = if colour {
        ("\x1b[7m", "\x1b[27m")
    } else {
        ("«", "»")
    };
    let mut out = String::with_capacity(text.len() + highlights.len() * 4);
    let mut hl = highlights.iter().peekable();
    let mut inside = false;
    for (i, c) in text.chars().enumerate() {
        while let Some((_, e)) = hl.peek() {
            if inside && i == *e {
                out.push_str(close);
                inside = false;
                hl.next();
            } else {
                break;
            }
        }
        if let Some((s, _)) = hl.peek() {
            if !inside && i == *s {
                out.push_str(open);
                inside = true;
            }
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    if inside {
        out.push_str(close);
    }
    out
}

fn hit_line(hit: &Hit, colour: bool) -> String {
    let agencies = hit.agencies.join(" & ");
    let chips: String = hit.themes.iter().map(|t| format!("#{t} ")).collect();
    let text = mark(&hit.quote_or_snippet, &hit.highlights, colour);
    let id = hit.session_id.short();
    match hit.kind {
        HitKind::Passages => format!(
            "{}  {}  {}  {}“{}”{}  ({id})",
            hit.date,
            agencies,
            hit.session_type.label(),
            chips,
            text,
            if hit.coder.is_empty() {
                String::new()
            } else {
                format!(" — {}", hit.coder)
            }
        ),
        HitKind::Sessions => {
            let lead = if hit.start > 0 { "…" } else { "" };
            let trail = if text.ends_with(['.', '!', '?', '。']) {
                ""
            } else {
                "…"
            };
            format!(
                "{}  {}  {}  {}  {}{lead}{text}{trail}  ({id})",
                hit.date,
                agencies,
                hit.session_type.label(),
                hit.title,
                chips,
            )
        }
    }
}

fn results_json(
    q: &str,
    kind: HitKind,
    r: &Results,
    tally: Option<PassageTally>,
) -> serde_json::Value {
    use serde_json::json;
    let hits: Vec<serde_json::Value> = r
        .hits
        .iter()
        .map(|h| {
            json!({
                "kind": match h.kind { HitKind::Passages => "passage", HitKind::Sessions => "session" },
                "session_id": h.session_id.as_str(),
                "coding_id": h.coding_id,
                "title": h.title,
                "date": h.date.to_string(),
                "agencies": h.agencies,
                "type": h.session_type.key(),
                "county": h.county,
                "facilitator": h.facilitator,
                "themes": h.themes,
                "coder": h.coder,
                "memo": h.memo,
                "text": h.quote_or_snippet,
                "start": h.start,
                "end": h.end,
                "highlights": h.highlights.iter().map(|(a, b)| [*a, *b]).collect::<Vec<_>>(),
                "score": h.score,
            })
        })
        .collect();
    let mut v = json!({
        "query": q,
        "kind": match kind { HitKind::Passages => "passages", HitKind::Sessions => "sessions" },
        "total": r.total,
        "hits": hits,
        "facets": {
            "themes": r.facets.themes,
            "agencies": r.facets.agencies,
            "months": r.facets.months,
        },
    });
    // `total` counts hits: codings in a passage search. Their passages and sessions beside.
    if let Some(t) = tally {
        v["passages"] = json!(t.passages);
        v["sessions"] = json!(t.sessions);
    }
    v
}

/// `ripple evidence`.
pub fn run_evidence(args: &EvidenceArgs, env: &SearchEnv) -> anyhow::Result<i32> {
    let source = args.query.clone().unwrap_or_default();
    let q = match parse_or_report(&source) {
        Ok(q) => q,
        Err(code) => return Ok(code),
    };
    let format = match (args.format, &args.out) {
        (Some(FormatArg::Md), _) => EvidenceFormat::Markdown,
        (Some(FormatArg::Csv), _) => EvidenceFormat::Csv,
        (Some(FormatArg::Json), _) => EvidenceFormat::Json,
        (Some(FormatArg::Docx), _) => EvidenceFormat::Docx,
        (None, Some(path)) => EvidenceFormat::from_path(path),
        (None, None) => EvidenceFormat::Markdown,
    };
    if format == EvidenceFormat::Docx && args.out.is_none() {
        return Err(super::usage(
            "a DOCX file is not text to print: add --out FILE.docx",
        ));
    }
    // The target is checked before any work, and again when written.
    let rules = ExportRules::for_store(env.store.root(), env.index_dir);
    if let Some(path) = &args.out {
        rules
            .check(path, args.force)
            .map_err(|e| export_refused(e, path))?;
    }
    let codebook = load_codebook(env.store.root());
    let redact_terms = if args.deidentify {
        evidence::load_redact_terms(env.store.root()).map_err(|e| anyhow!(e))?
    } else {
        Vec::new()
    };
    let opts = EvidenceOptions {
        query: q,
        theme: args.theme.clone(),
        sort: match args.sort {
            SortArg::Date => EvidenceSort::Date,
            SortArg::Session => EvidenceSort::Session,
        },
        deidentify: args.deidentify,
        redact_terms,
        include_memos: args.memos,
        project_start: env.store.settings().project_start,
        headings: evidence::Headings::parse(&args.headings, &codebook).map_err(super::usage)?,
        keep_nested: args.keep_nested,
        sessions: None,
    };
    let answer = with_current_index(env, &codebook, |index| {
        evidence::gather(index, &codebook, &opts)
    })?;
    let items = match answer {
        Ok(items) => items,
        Err(IndexError::Query(e)) => {
            if args.theme.is_some() && e.start == 0 && e.end <= 1 {
                eprintln!("ripple: --theme: {}", e.message);
            } else {
                eprint!("{}", render_query_error(&source, &e));
            }
            return Ok(EXIT_BAD_QUERY);
        }
        Err(e) => return Err(e.into()),
    };
    let bytes = evidence::render(&items, format, &opts).map_err(|e| anyhow!(e))?;
    // Markdown and DOCX show every named heading; CSV and JSON have no headings to show.
    if matches!(format, EvidenceFormat::Csv | EvidenceFormat::Json) {
        for note in evidence::named_heading_notes(&items, &opts.headings) {
            eprintln!("ripple: {note}");
        }
    }
    match &args.out {
        Some(path) => {
            let target = rules
                .write(path, &bytes, args.force)
                .map_err(|e| export_refused(e, path))?;
            eprintln!(
                "Wrote {} to {}",
                evidence::quote_count(&items),
                target.file.display()
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            if !bytes.ends_with(b"\n") {
                writeln!(out)?;
            }
        }
    }
    if items.is_empty() {
        eprintln!("no matches");
    }
    Ok(0)
}

/// An export target the rules refuse: bad input (exit 2), said with what to do.
fn export_refused(e: ExportError, asked: &Path) -> anyhow::Error {
    match e {
        ExportError::Exists { .. } => super::usage(format!(
            "{} already exists: add --force to replace it, or choose another --out",
            asked.display()
        )),
        ExportError::Io { .. } => anyhow!(e),
        other => super::usage(format!("--out: {other}")),
    }
}

/// `ripple reindex`: rebuild the whole index from the store.
pub fn run_reindex(_args: &ReindexArgs, env: &SearchEnv) -> anyhow::Result<i32> {
    let codebook = load_codebook(env.store.root());
    let t = Instant::now();
    let mut ws = IndexWorkspace::with_codebook(env.store, env.index_dir, codebook);
    let health = match ws.open_writable() {
        Ok(x) => x,
        Err(IndexError::Locked(p)) => {
            return Err(anyhow!(
                "another Ripple process is writing the search index at {}; close it and try again",
                p.display()
            ))
        }
        Err(e) => return Err(e.into()),
    };
    if let IndexHealth::Rebuilt { reason } = &health {
        eprintln!("The old index was set aside ({reason}).");
    }
    let report = ws.rebuild("asked for", &mut on_stderr(false))?;
    report_warnings(&report);
    // One passage document a coding (docs/analysis.md: "What counts").
    let codings = ws
        .index()
        .expect("an index opened for writing")
        .passage_count()?;
    eprintln!(
        "Indexed {} sessions and {codings} codings in {:.1} s.",
        report.indexed,
        t.elapsed().as_secs_f64()
    );
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_sits_under_the_problem_even_after_wide_characters() {
        let q = "我们 agnecy:x";
        let e = query::parse(q).unwrap_err();
        let shown = render_query_error(q, &e);
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[2], format!("  {}^^^^^^", " ".repeat(5)));
    }

    #[test]
    fn marks_wrap_highlighted_code_points() {
        assert_eq!(mark("🙂 trust me", &[(2, 7)], false), "🙂 «trust» me");
        assert_eq!(mark("ab\ncd", &[(0, 1), (3, 5)], false), "«a»b «cd»");
    }
}
