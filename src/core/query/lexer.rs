//! The lexer: a query's characters into tokens, each field value checked and turned into its
//! AST node (text matches, types by prefix, dates and periods).

use super::ast::{ast_span, Ast, QueryError, Span, TextField, TextMatch};
use crate::core::fold::fold;
use crate::core::session::SessionType;
use chrono::{Datelike, Duration, NaiveDate};

/// Field names, as typed (case- and accent-insensitive).
pub const FIELD_NAMES: [&str; 14] = [
    "theme",
    "agency",
    "type",
    "county",
    "facilitator",
    "coder",
    "tag",
    "title",
    "memo",
    "date",
    "after",
    "before",
    "joint",
    "session",
];

/// Most terms (words, phrases, prefixes, fuzzy words and field values) in a query. Each term
/// becomes one or more tantivy queries, a prefix or fuzzy word up to hundreds: thousands of
/// terms would take seconds and gigabytes to answer.
pub const MAX_TERMS: usize = 256;

#[derive(Clone, Debug)]
pub(super) enum Tok {
    LParen(usize),
    RParen(usize),
    And(Span),
    Or(Span),
    Not(Span),
    /// `-` or `+` glued to what follows.
    Sign(bool, usize),
    Atom(Ast),
}

impl Tok {
    pub(super) fn span(&self) -> (usize, usize) {
        match self {
            Tok::LParen(p) | Tok::RParen(p) | Tok::Sign(_, p) => (*p, p + 1),
            Tok::And(s) | Tok::Or(s) | Tok::Not(s) => (s.start, s.end),
            Tok::Atom(a) => {
                let s = ast_span(a);
                (s.start, s.end)
            }
        }
    }
}

fn is_break(c: char) -> bool {
    c.is_whitespace() || c == '(' || c == ')' || c == '"'
}

/// Reads a quoted string starting at `chars[i] == '"'`; returns (content, index after the
/// closing quote).
fn read_quoted(chars: &[char], i: usize) -> Result<(String, usize), QueryError> {
    let mut j = i + 1;
    while j < chars.len() && chars[j] != '"' {
        j += 1;
    }
    if j >= chars.len() {
        return Err(QueryError::new(
            "unclosed quote: add a closing `\"`",
            i,
            chars.len(),
        ));
    }
    Ok((chars[i + 1..j].iter().collect(), j + 1))
}

pub(super) fn lex(chars: &[char]) -> Result<Vec<Tok>, QueryError> {
    let mut out = Vec::new();
    let mut terms = 0;
    // Lexing stops at the first term past the cap, so a huge query costs no more than that.
    let mut push_term = |out: &mut Vec<Tok>, atom: Ast| {
        terms += 1;
        if terms > MAX_TERMS {
            let s = ast_span(&atom);
            return Err(QueryError::new(
                format!(
                    "too many terms: a query may have at most {MAX_TERMS} words, phrases and field values"
                ),
                s.start,
                s.end,
            ));
        }
        out.push(Tok::Atom(atom));
        Ok(())
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' => {
                out.push(Tok::LParen(i));
                i += 1;
            }
            ')' => {
                out.push(Tok::RParen(i));
                i += 1;
            }
            '"' => {
                let (content, next) = read_quoted(chars, i)?;
                push_term(
                    &mut out,
                    Ast::Text {
                        m: TextMatch::Phrase(content),
                        span: Span {
                            start: i,
                            end: next,
                        },
                    },
                )?;
                i = next;
            }
            '-' | '+' if i + 1 < chars.len() && !chars[i + 1].is_whitespace() => {
                out.push(Tok::Sign(c == '-', i));
                i += 1;
            }
            _ => {
                let start = i;
                while i < chars.len() && !is_break(chars[i]) {
                    i += 1;
                }
                let chunk: String = chars[start..i].iter().collect();
                let span = Span { start, end: i };
                match chunk.as_str() {
                    "AND" => out.push(Tok::And(span)),
                    "OR" => out.push(Tok::Or(span)),
                    "NOT" => out.push(Tok::Not(span)),
                    _ => {
                        let (atom, next) = lex_chunk(chars, start, i, &chunk)?;
                        push_term(&mut out, atom)?;
                        i = next;
                    }
                }
            }
        }
    }
    Ok(out)
}

/// One bare chunk `chars[start..end]`: a word, a prefix, a fuzzy word, or `field:value` (the
/// value may be a quoted string right after the colon). Returns the atom and where lexing
/// continues.
fn lex_chunk(
    chars: &[char],
    start: usize,
    end: usize,
    chunk: &str,
) -> Result<(Ast, usize), QueryError> {
    let colon = chunk.chars().position(|c| c == ':');
    let field_name: Option<String> = colon
        .filter(|&k| k > 0)
        .map(|k| chunk.chars().take(k).collect::<String>())
        .filter(|name| name.chars().all(char::is_alphabetic));
    let (Some(name), Some(k)) = (field_name, colon) else {
        let m = text_match(chunk, start)?;
        return Ok((
            Ast::Text {
                m,
                span: Span { start, end },
            },
            end,
        ));
    };
    let name_span = Span {
        start,
        end: start + k,
    };
    let folded = fold(&name);
    let Some(field) = FIELD_NAMES.iter().copied().find(|f| *f == folded) else {
        return Err(QueryError::new(
            format!(
                "unknown field `{name}`; fields are: {} (to search for the text itself, put it in quotes)",
                FIELD_NAMES.join(", ")
            ),
            name_span.start,
            name_span.end,
        ));
    };
    let value_start = start + k + 1;
    let (value, quoted, next) = if value_start == end {
        if value_start < chars.len() && chars[value_start] == '"' {
            let (content, next) = read_quoted(chars, value_start)?;
            (content, true, next)
        } else {
            return Err(QueryError::new(
                format!(
                    "`{name}:` needs a value right after the colon, e.g. {}",
                    example(field)
                ),
                start,
                value_start,
            ));
        }
    } else {
        (chars[value_start..end].iter().collect(), false, end)
    };
    let span = Span { start, end: next };
    let vspan = Span {
        start: value_start,
        end: next,
    };
    let ast = match field {
        "theme" => Ast::Theme {
            value: value.trim().to_string(),
            span: vspan,
        },
        "type" => match SessionType::parse(&value).or_else(|| type_by_prefix(&value)) {
            Some(ty) => Ast::Type { ty, span },
            None => {
                return Err(QueryError::new(
                    format!(
                        "unknown session type `{value}`; types are: {}",
                        SessionType::ALL.map(|t| t.key()).join(", ")
                    ),
                    vspan.start,
                    vspan.end,
                ))
            }
        },
        "joint" => match fold(value.trim()).as_str() {
            "yes" | "true" | "y" => Ast::Joint { joint: true, span },
            "no" | "false" | "n" => Ast::Joint { joint: false, span },
            _ => {
                return Err(QueryError::new(
                    format!("`joint:` is yes or no (sessions with more than one agency, or not), not `{value}`"),
                    vspan.start,
                    vspan.end,
                ))
            }
        },
        "session" => Ast::Session {
            id: value.trim().to_string(),
            span,
        },
        "date" | "after" | "before" => {
            if quoted {
                return Err(QueryError::new(
                    "dates are written without quotes, e.g. date:2026-06",
                    vspan.start,
                    vspan.end,
                ));
            }
            let (from, to) = parse_date_value(field, &value, vspan.start)?;
            Ast::Date { from, to, span }
        }
        _ => {
            let tf = match field {
                "agency" => TextField::Agency,
                "county" => TextField::County,
                "facilitator" => TextField::Facilitator,
                "coder" => TextField::Coder,
                "tag" => TextField::Tag,
                "title" => TextField::Title,
                _ => TextField::Memo,
            };
            let m = if quoted {
                TextMatch::Phrase(value)
            } else {
                text_match(&value, value_start)?
            };
            Ast::Field { field: tf, m, span }
        }
    };
    Ok((ast, next))
}

fn example(field: &str) -> &'static str {
    match field {
        "theme" => "theme:trust",
        "type" => "type:joint-coaching",
        "date" => "date:2026-06 or date:2026-03-01..2026-06-30",
        "after" => "after:2026-04",
        "before" => "before:2026-05-01",
        "agency" => "agency:\"La Casa\"",
        "county" => "county:\"Doña Ana\"",
        "joint" => "joint:yes",
        "session" => "session:01J0ABCDEF",
        _ => "title:fathers",
    }
}

/// A bare word: `word`, `pre*`, `word~`, `word~2`.
fn text_match(word: &str, start: usize) -> Result<TextMatch, QueryError> {
    let n = word.chars().count();
    if let Some(stem) = word.strip_suffix('*') {
        if stem.is_empty() || stem.ends_with('*') {
            return Err(QueryError::new(
                "a prefix needs at least one letter before `*`, e.g. perpetrat*",
                start,
                start + n,
            ));
        }
        return Ok(TextMatch::Prefix(stem.to_string()));
    }
    if let Some(tilde) = word.rfind('~') {
        let base = &word[..tilde];
        let dist = &word[tilde + 1..];
        let tilde_col = start + base.chars().count();
        if base.is_empty() {
            return Err(QueryError::new(
                "`~` makes the word before it fuzzy, e.g. trust~",
                start,
                start + n,
            ));
        }
        let distance = match dist {
            "" => 1,
            "1" => 1,
            "2" => 2,
            _ => {
                return Err(QueryError::new(
                    "fuzzy distance must be 1 or 2 (`word~` or `word~2`)",
                    tilde_col,
                    start + n,
                ))
            }
        };
        return Ok(TextMatch::Fuzzy(base.to_string(), distance));
    }
    Ok(TextMatch::Word(word.to_string()))
}

/// The session type whose key starts with `value` (`leadership` → `leadership-meeting`), if
/// exactly one does.
fn type_by_prefix(value: &str) -> Option<SessionType> {
    let v = fold(value).replace([' ', '_'], "-");
    if v.is_empty() {
        return None;
    }
    let mut found = SessionType::ALL
        .into_iter()
        .filter(|t| t.key().starts_with(v.as_str()));
    match (found.next(), found.next()) {
        (Some(t), None) => Some(t),
        _ => None,
    }
}

/// A date, a month or a year: the first and last day it covers.
fn parse_period(s: &str, col: usize) -> Result<(NaiveDate, NaiveDate), QueryError> {
    let n = s.chars().count().max(1);
    let bad = || {
        QueryError::new(
            format!("`{s}` is not a date: write 2026-06-14, 2026-06 or 2026"),
            col,
            col + n,
        )
    };
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| -> Result<u32, QueryError> {
        if p.len() == len && p.chars().all(|c| c.is_ascii_digit()) {
            p.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let no_such = || QueryError::new(format!("there is no date `{s}`"), col, col + n);
    match parts.as_slice() {
        [y] => {
            let y = num(y, 4)? as i32;
            let first = NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(no_such)?;
            let last = NaiveDate::from_ymd_opt(y, 12, 31).ok_or_else(no_such)?;
            Ok((first, last))
        }
        [y, m] => {
            let y = num(y, 4)? as i32;
            let m = num(m, 2)?;
            let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(no_such)?;
            Ok((first, last_of_month(first)))
        }
        [y, m, d] => {
            let y = num(y, 4)? as i32;
            let m = num(m, 2)?;
            let d = num(d, 2)?;
            let day = NaiveDate::from_ymd_opt(y, m, d).ok_or_else(no_such)?;
            Ok((day, day))
        }
        _ => Err(bad()),
    }
}

fn last_of_month(first: NaiveDate) -> NaiveDate {
    let (y, m) = if first.month() == 12 {
        (first.year() + 1, 1)
    } else {
        (first.year(), first.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).expect("valid month") - Duration::days(1)
}

type DateBounds = (Option<NaiveDate>, Option<NaiveDate>);

/// `date:` takes a period or a range `A..B` (inclusive, either end may be open); `after:`
/// starts the day after the period ends; `before:` ends the day before the period starts.
fn parse_date_value(field: &str, value: &str, col: usize) -> Result<DateBounds, QueryError> {
    let n = value.chars().count();
    match field {
        "after" => {
            let (_, last) = parse_period(value, col)?;
            Ok((Some(last + Duration::days(1)), None))
        }
        "before" => {
            let (first, _) = parse_period(value, col)?;
            Ok((None, Some(first - Duration::days(1))))
        }
        _ => {
            if let Some(dots) = value.find("..") {
                let a = &value[..dots];
                let b = &value[dots + 2..];
                let b_col = col + a.chars().count() + 2;
                if a.is_empty() && b.is_empty() {
                    return Err(QueryError::new(
                        "a date range needs at least one end, e.g. date:2026-04..",
                        col,
                        col + n,
                    ));
                }
                let from = if a.is_empty() {
                    None
                } else {
                    Some(parse_period(a, col)?.0)
                };
                let to = if b.is_empty() {
                    None
                } else {
                    Some(parse_period(b, b_col)?.1)
                };
                if let (Some(f), Some(t)) = (from, to) {
                    if t < f {
                        return Err(QueryError::new(
                            "this date range ends before it starts",
                            col,
                            col + n,
                        ));
                    }
                }
                Ok((from, to))
            } else {
                let (f, t) = parse_period(value, col)?;
                Ok((Some(f), Some(t)))
            }
        }
    }
}
