//! The agreement figures written out: an aligned table, Markdown for a report, CSV and JSON.

use crate::core::agreement::load::SessionChoice;
use crate::core::agreement::stats::{Figure, Table2};
use crate::core::agreement::{Figures, Report, Unit};
use crate::core::codebook::Codebook;
use crate::core::text::thousands;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

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
pub(super) struct JsonReport {
    unit: &'static str,
    coders: Vec<String>,
    sessions: usize,
    themes: Vec<JsonTheme>,
    all: JsonFigures,
}

pub(super) fn json_report(r: &Report) -> JsonReport {
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

pub(super) fn csv_report(r: &Report) -> anyhow::Result<String> {
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

pub(super) fn table_report(r: &Report, choice: SessionChoice) -> String {
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

pub(super) fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

pub(super) fn md_report(r: &Report, book: &Codebook, choice: SessionChoice) -> String {
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
