//! The disagreements written out: a readable Markdown list (also the table format), CSV and
//! JSON.

use super::figures::md_escape;
use super::AgreeFormat;
use crate::core::agreement::disagreements::{self, Disagreement};
use crate::core::session::SessionId;
use crate::core::store::Store;
use serde::Serialize;
use std::fmt::Write as _;

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
            let mut parts = p.described();
            if parts.is_empty() {
                parts.push("not coded".into());
            }
            format!("{}: {}", p.coder, parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) fn render_disagreements(
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
