//! `ripple agree`: inter-coder agreement per theme and pooled, the disagreements, and settling
//! them into the consensus coder (docs/agreement.md).

use crate::cli::{usage, Context as CliContext};
use crate::core::agreement::consensus::{self, Settled};
use crate::core::agreement::disagreements::{self, Disagreement};
use crate::core::agreement::load::{self, CoderInfo, SessionChoice};
use crate::core::agreement::stats::{Figure, Table2};
use crate::core::agreement::{self as agreement, Figures, Options, Overlap, Report, Unit};
use crate::core::codebook::Codebook;
use crate::core::coding::coder_slug;
use crate::core::session::SessionId;
use crate::core::store::Store;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;
use unicode_width::UnicodeWidthStr;

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
        let decisions = consensus::load_decisions(store.root(), &consensus_name)?;
        let settled = if names
            .iter()
            .any(|n| coder_slug(n) == coder_slug(&consensus_name))
        {
            Settled::default()
        } else {
            decisions.settled()
        };
        let list = disagreements::list(&loaded.sessions, &names, &book, &opts, &settled);
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
                .ok_or_else(|| usage(format!("no coder `{w}` in this store: {}", known())))?;
            if out.iter().any(|o| o.slug == c.slug) {
                return Err(usage(format!("{w} is named twice")));
            }
            out.push(c.clone());
        }
        out
    };
    if picked.len() < 2 {
        return Err(usage(format!(
            "agreement needs at least two coders to compare; {}",
            known()
        )));
    }
    Ok(picked)
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
            "--query:\n{}",
            crate::cli::search::render_query_error(q, &e).trim_end()
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
            "--query:\n{}",
            crate::cli::search::render_query_error(q, &e).trim_end()
        ))),
        Err(e) => Err(e.into()),
    }
}

#[allow(clippy::too_many_arguments)]
fn resolve(
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

// ---------------------------------------------------------------------------------------------
// Output

/// A figure for JSON: the number, or null.
fn num(f: &Figure) -> Option<f64> {
    f.value()
}

#[derive(Serialize)]
struct JsonTable {
    both: u64,
    only_a: u64,
    only_b: u64,
    neither: u64,
}

impl From<Table2> for JsonTable {
    fn from(t: Table2) -> JsonTable {
        JsonTable {
            both: t.both,
            only_a: t.only_a,
            only_b: t.only_b,
            neither: t.neither,
        }
    }
}

#[derive(Serialize)]
struct JsonFigures {
    units: u64,
    agreement: Option<f64>,
    kappa: Option<f64>,
    alpha: Option<f64>,
    bp_kappa: Option<f64>,
    /// Two coders: the 2×2 table; null otherwise.
    table: Option<JsonTable>,
    /// Why each null figure is null.
    undefined: BTreeMap<&'static str, &'static str>,
}

impl JsonFigures {
    fn of(f: &Figures) -> JsonFigures {
        let mut undefined = BTreeMap::new();
        for (name, fig) in [
            ("agreement", &f.agreement),
            ("kappa", &f.kappa),
            ("alpha", &f.alpha),
            ("bp_kappa", &f.bp_kappa),
        ] {
            if let Some(r) = fig.reason() {
                undefined.insert(name, r);
            }
        }
        JsonFigures {
            units: f.units,
            agreement: num(&f.agreement),
            kappa: num(&f.kappa),
            alpha: num(&f.alpha),
            bp_kappa: num(&f.bp_kappa),
            table: f.table.map(JsonTable::from),
            undefined,
        }
    }
}

#[derive(Serialize)]
struct JsonTheme {
    theme: String,
    #[serde(flatten)]
    figures: JsonFigures,
}

#[derive(Serialize)]
struct JsonReport {
    unit: &'static str,
    coders: Vec<String>,
    sessions: usize,
    themes: Vec<JsonTheme>,
    all: JsonFigures,
}

fn json_report(r: &Report) -> JsonReport {
    JsonReport {
        unit: r.unit.key(),
        coders: r.coders.clone(),
        sessions: r.sessions,
        themes: r
            .themes
            .iter()
            .map(|t| JsonTheme {
                theme: t.theme.clone(),
                figures: JsonFigures::of(&t.figures),
            })
            .collect(),
        all: JsonFigures::of(&r.all),
    }
}

fn csv_report(r: &Report) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "theme",
        "units",
        "both",
        "only_a",
        "only_b",
        "neither",
        "agreement",
        "kappa",
        "alpha",
        "bp_kappa",
    ])?;
    let full = |f: &Figure| f.value().map(|v| v.to_string()).unwrap_or_default();
    let rows = r
        .themes
        .iter()
        .map(|t| (t.theme.as_str(), &t.figures))
        .chain(std::iter::once(("(all themes)", &r.all)));
    for (theme, f) in rows {
        let cell = |g: fn(&Table2) -> u64| {
            f.table
                .as_ref()
                .map(|t| g(t).to_string())
                .unwrap_or_default()
        };
        w.write_record([
            theme.to_string(),
            f.units.to_string(),
            cell(|t| t.both),
            cell(|t| t.only_a),
            cell(|t| t.only_b),
            cell(|t| t.neither),
            full(&f.agreement),
            full(&f.kappa),
            full(&f.alpha),
            full(&f.bp_kappa),
        ])?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// 12345 → "12,345".
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn pct(f: &Figure) -> String {
    f.value()
        .map_or("—".into(), |v| format!("{:.1} %", v * 100.0))
}

fn coef(f: &Figure) -> String {
    f.value().map_or("—".into(), |v| format!("{v:.3}"))
}

fn unit_phrase(r: &Report) -> String {
    match r.unit {
        Unit::Char => "the character (every code point of each compared session)".into(),
        Unit::Paragraph => "the paragraph (a run of non-blank lines)".into(),
        Unit::Segment => format!(
            "the coded segment (a coding matches another coder's coding of the same theme that shares at least {} % of the longer of the two)",
            (r.overlap.as_f64() * 1000.0).round() / 10.0
        ),
    }
}

/// "12 sessions (those both coders marked done)".
fn which_sessions(r: &Report, choice: SessionChoice) -> String {
    let n = r.sessions;
    let s = if n == 1 { "session" } else { "sessions" };
    match choice {
        SessionChoice::Done if r.coders.len() == 2 => {
            format!("{n} {s} (those both coders marked done)")
        }
        SessionChoice::Done => format!("{n} {s} (those every coder marked done)"),
        SessionChoice::All => format!("{n} {s} (every session in the store)"),
    }
}

/// Every distinct reason a figure is undefined, with where.
fn undefined_notes(r: &Report) -> Vec<String> {
    let mut by_reason: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let rows = r
        .themes
        .iter()
        .map(|t| (t.theme.as_str(), &t.figures))
        .chain(std::iter::once(("all themes", &r.all)));
    for (theme, f) in rows {
        for (name, fig) in [
            ("agreement", &f.agreement),
            ("κ", &f.kappa),
            ("α", &f.alpha),
            ("BP κ", &f.bp_kappa),
        ] {
            if let Some(reason) = fig.reason() {
                by_reason
                    .entry(reason)
                    .or_default()
                    .push(format!("{name} of {theme}"));
            }
        }
    }
    by_reason
        .into_iter()
        .map(|(reason, wheres)| format!("— {}: {reason}", wheres.join(", ")))
        .collect()
}

fn table_report(r: &Report, choice: SessionChoice) -> String {
    let mut out = format!(
        "Agreement of {} on {}; unit: {}{}\n\n",
        r.coders.join(", "),
        which_sessions(r, choice),
        r.unit,
        if r.unit == Unit::Segment {
            format!(" (overlap {})", r.overlap)
        } else {
            String::new()
        },
    );
    let two = r.coders.len() == 2;
    let mut header: Vec<String> = vec!["THEME".into(), "UNITS".into()];
    if two {
        header.extend(["BOTH", "ONLY A", "ONLY B", "NEITHER"].map(String::from));
    }
    header.extend(["AGREE", "KAPPA", "ALPHA", "BP KAPPA"].map(String::from));
    let mut rows: Vec<Vec<String>> = Vec::new();
    let all_rows = r
        .themes
        .iter()
        .map(|t| (t.theme.clone(), &t.figures))
        .chain(std::iter::once(("all themes".to_string(), &r.all)));
    for (theme, f) in all_rows {
        let mut row = vec![theme, thousands(f.units)];
        if two {
            let t = f.table.unwrap_or_default();
            row.extend([t.both, t.only_a, t.only_b, t.neither].map(thousands));
        }
        row.extend([
            pct(&f.agreement),
            coef(&f.kappa),
            coef(&f.alpha),
            coef(&f.bp_kappa),
        ]);
        rows.push(row);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].width())
                .chain([header[i].width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = " ".repeat(widths[i] - c.width());
            if i == 0 {
                s.push_str(c);
                s.push_str(&pad);
            } else {
                s.push_str("  ");
                s.push_str(&pad);
                s.push_str(c);
            }
        }
        s.push('\n');
        s
    };
    out.push_str(&line(&header));
    for row in &rows {
        out.push_str(&line(row));
    }
    if two {
        let _ = writeln!(out, "\nA = {}, B = {}", r.coders[0], r.coders[1]);
    }
    let notes = undefined_notes(r);
    if !notes.is_empty() {
        out.push('\n');
        for n in notes {
            out.push_str(&n);
            out.push('\n');
        }
    }
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

fn md_report(r: &Report, book: &Codebook, choice: SessionChoice) -> String {
    let two = r.coders.len() == 2;
    let coders = match r.coders.as_slice() {
        [a, b] => format!("two coders ({a} and {b})"),
        cs => format!("{} coders ({})", cs.len(), cs.join(", ")),
    };
    let mut out = format!(
        "**Inter-coder agreement by theme.** {} independently coded the same {}. Unit of analysis: {}. \
         For each theme, every unit is a present/absent decision by each coder; \"All themes\" pools the decisions of every theme{}.\n\n",
        capitalise(&coders),
        which_sessions(r, choice),
        unit_phrase(r),
        if r.roll_up { " (sub-themes counted as their top-level theme)" } else { "" },
    );
    out.push_str(if two {
        "| Theme | Units | Agreement | Cohen's κ | Krippendorff's α | Brennan–Prediger κ |\n|:--|--:|--:|--:|--:|--:|\n"
    } else {
        "| Theme | Units | Agreement | Krippendorff's α | Brennan–Prediger κ |\n|:--|--:|--:|--:|--:|\n"
    });
    let name = |key: &str| book.get(key).map_or(key.to_string(), |t| t.name.clone());
    let rows = r
        .themes
        .iter()
        .map(|t| (md_escape(&name(&t.theme)), &t.figures))
        .chain(std::iter::once((
            "**All themes (pooled)**".to_string(),
            &r.all,
        )));
    for (theme, f) in rows {
        if two {
            let _ = writeln!(
                out,
                "| {theme} | {} | {} | {} | {} | {} |",
                thousands(f.units),
                pct(&f.agreement),
                coef(&f.kappa),
                coef(&f.alpha),
                coef(&f.bp_kappa)
            );
        } else {
            let _ = writeln!(
                out,
                "| {theme} | {} | {} | {} | {} |",
                thousands(f.units),
                pct(&f.agreement),
                coef(&f.alpha),
                coef(&f.bp_kappa)
            );
        }
    }
    out.push_str(
        "\nAgreement: share of units on which the coders' decisions agree. κ: Cohen's kappa. \
         α: Krippendorff's alpha (nominal). Brennan–Prediger κ: agreement corrected for a chance \
         agreement of ½.",
    );
    let notes = undefined_notes(r);
    if !notes.is_empty() {
        out.push_str(" —: not defined (");
        let reasons: Vec<String> = notes
            .iter()
            .map(|n| n.trim_start_matches("— ").to_string())
            .collect();
        out.push_str(&md_escape(&reasons.join("; ")));
        out.push(')');
    }
    out.push('\n');
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[derive(Serialize)]
struct JsonCoding<'a> {
    id: &'a str,
    theme: &'a str,
    start: usize,
    end: usize,
    quote: &'a str,
}

#[derive(Serialize)]
struct JsonPosition<'a> {
    coder: &'a str,
    coded: bool,
    codings: Vec<JsonCoding<'a>>,
    other_themes: Vec<JsonCoding<'a>>,
}

#[derive(Serialize)]
struct JsonDisagreement<'a> {
    key: &'a str,
    session: &'a str,
    title: String,
    date: String,
    theme: &'a str,
    start: usize,
    end: usize,
    before: &'a str,
    text: &'a str,
    after: &'a str,
    coders: Vec<JsonPosition<'a>>,
}

fn json_codings(cs: &[disagreements::InvolvedCoding]) -> Vec<JsonCoding<'_>> {
    cs.iter()
        .map(|c| JsonCoding {
            id: &c.id.0,
            theme: &c.theme,
            start: c.start,
            end: c.end,
            quote: &c.quote,
        })
        .collect()
}

/// Whitespace runs (line breaks too) as one space, a space at either end kept.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

/// Who coded what at a disagreement, on one line: "Ana: trust [12, 40); Luis: —".
fn positions_line(d: &Disagreement) -> String {
    d.positions
        .iter()
        .map(|p| {
            let mut parts: Vec<String> = p
                .codings
                .iter()
                .map(|c| format!("{} [{}, {})", c.theme, c.start, c.end))
                .collect();
            parts.extend(
                p.other
                    .iter()
                    .map(|c| format!("instead {} [{}, {})", c.theme, c.start, c.end)),
            );
            if parts.is_empty() {
                parts.push("not coded".into());
            }
            format!("{}: {}", p.coder, parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn render_disagreements(
    list: &[Disagreement],
    _names: &[String],
    store: &Store,
    format: AgreeFormat,
) -> anyhow::Result<String> {
    let meta = |id: &SessionId| {
        store
            .load(id)
            .map(|s| (s.meta.title.clone(), s.meta.date.to_string()))
            .unwrap_or_default()
    };
    Ok(match format {
        AgreeFormat::Json => {
            let rows: Vec<JsonDisagreement> = list
                .iter()
                .map(|d| {
                    let (title, date) = meta(&d.session);
                    JsonDisagreement {
                        key: &d.key,
                        session: d.session.as_str(),
                        title,
                        date,
                        theme: &d.theme,
                        start: d.start,
                        end: d.end,
                        before: &d.before,
                        text: &d.text,
                        after: &d.after,
                        coders: d
                            .positions
                            .iter()
                            .map(|p| JsonPosition {
                                coder: &p.coder,
                                coded: p.coded,
                                codings: json_codings(&p.codings),
                                other_themes: json_codings(&p.other),
                            })
                            .collect(),
                    }
                })
                .collect();
            format!("{}\n", serde_json::to_string_pretty(&rows)?)
        }
        AgreeFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([
                "key",
                "session",
                "date",
                "theme",
                "start",
                "end",
                "coded_by",
                "not_coded_by",
                "codings",
                "before",
                "text",
                "after",
            ])?;
            for d in list {
                let (_, date) = meta(&d.session);
                let by = |coded: bool| {
                    d.positions
                        .iter()
                        .filter(|p| p.coded == coded)
                        .map(|p| p.coder.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                };
                w.write_record([
                    d.key.clone(),
                    d.session.0.clone(),
                    date,
                    d.theme.clone(),
                    d.start.to_string(),
                    d.end.to_string(),
                    by(true),
                    by(false),
                    positions_line(d),
                    d.before.clone(),
                    d.text.clone(),
                    d.after.clone(),
                ])?;
            }
            String::from_utf8(w.into_inner()?)?
        }
        AgreeFormat::Md | AgreeFormat::Table => {
            let mut out = String::new();
            for d in list {
                let (title, date) = meta(&d.session);
                let _ = writeln!(
                    out,
                    "## {} — {} ({date}, {}) [{}, {})  key {}\n",
                    d.theme,
                    md_escape(&title),
                    d.session.short(),
                    d.start,
                    d.end,
                    d.key
                );
                let _ = writeln!(
                    out,
                    "> …{}**{}**{}…\n",
                    md_escape(&one_line(&d.before)),
                    md_escape(&one_line(&d.text)),
                    md_escape(&one_line(&d.after))
                );
                for p in &d.positions {
                    let mut what: Vec<String> = p
                        .codings
                        .iter()
                        .map(|c| {
                            format!(
                                "{} [{}, {}) “{}”",
                                c.theme,
                                c.start,
                                c.end,
                                md_escape(&one_line(&c.quote))
                            )
                        })
                        .collect();
                    what.extend(
                        p.other
                            .iter()
                            .map(|c| format!("instead {} [{}, {})", c.theme, c.start, c.end)),
                    );
                    if what.is_empty() {
                        what.push(format!("did not code it as {}", d.theme));
                    }
                    let _ = writeln!(out, "- {}: {}", p.coder, what.join("; "));
                }
                out.push('\n');
            }
            if !list.is_empty() {
                let _ = writeln!(
                    out,
                    "{} disagreement(s). Settle one: ripple agree … --resolve KEY --accept CODER|both|neither",
                    list.len()
                );
            }
            out
        }
    })
}

/// Write to stdout. A closed pipe (`ripple agree | head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
