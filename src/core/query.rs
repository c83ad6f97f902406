//! The search query language: our own parser into an AST, with errors that point at code-point
//! columns of the query. Parsing is pure (no index, no tantivy): the TUI parses as the user
//! types. The AST's translation into tantivy queries, and the terms its hits highlight, are
//! `core::index::query_plan`.
//!
//! docs/query-language.md is the user's description; this is the implementation.
//!
//! Precedence, tightest first: `NOT` / `-x` / `+x`, then `OR`, then `AND` (explicit or implied
//! by juxtaposition). So `trust agencies OR partners` means `trust AND (agencies OR partners)`,
//! which is what people mean when they type it.

use crate::core::fold::fold;
use crate::core::session::SessionType;
use chrono::{Datelike, Duration, NaiveDate};
use std::fmt;

/// A parse (or translation) error: `start..end` are code-point columns in the query text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError {
    pub message: String,
    pub start: usize,
    pub end: usize,
}

impl QueryError {
    pub fn new(message: impl Into<String>, start: usize, end: usize) -> QueryError {
        QueryError {
            message: message.into(),
            start,
            end: end.max(start + 1),
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (column {})", self.message, self.start + 1)
    }
}

impl std::error::Error for QueryError {}

/// Code-point columns `[start, end)` of a piece of the query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Fields whose values are free text (matched word by word, accent- and case-folded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextField {
    Title,
    Memo,
    Agency,
    County,
    Facilitator,
    Coder,
    Tag,
}

/// How a piece of text is matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextMatch {
    /// One word (stemmed in note text); a word that splits into several tokens ("safety-plan")
    /// matches them as a phrase.
    Word(String),
    /// `"an exact phrase"`: the words in this order.
    Phrase(String),
    /// `perpetrat*`: any word beginning with this (not stemmed).
    Prefix(String),
    /// `word~` / `word~2`: words within this many edits (not stemmed).
    Fuzzy(String, u8),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ast {
    /// Matches everything (the empty query).
    All,
    /// Text in the note / quote and memos.
    Text {
        m: TextMatch,
        span: Span,
    },
    /// `title:`, `memo:`, `agency:`, ...
    Field {
        field: TextField,
        m: TextMatch,
        span: Span,
    },
    /// `theme:trust`; resolved against the codebook when translated (a parent includes its
    /// children).
    Theme {
        value: String,
        span: Span,
    },
    Type {
        ty: SessionType,
        span: Span,
    },
    /// Inclusive days; `None` is open.
    Date {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        span: Span,
    },
    And(Vec<Ast>),
    Or(Vec<Ast>),
    Not(Box<Ast>),
}

/// A parsed query and the text it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub source: String,
    pub ast: Ast,
}

impl Query {
    /// The query matching everything.
    pub fn all() -> Query {
        Query {
            source: String::new(),
            ast: Ast::All,
        }
    }
}

/// Field names, as typed (case- and accent-insensitive).
pub const FIELD_NAMES: [&str; 12] = [
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
];

/// Most levels of nesting in a query: each `(` and each `NOT`, `-` or `+` opens one.
/// Parsing, the translation to tantivy and tantivy's own scorers recurse once or more per
/// level; 64 levels take under a third of a 2 MiB thread stack (the default for the threads
/// that search) even in a debug build, where an unbounded query overflowed it at about 230.
pub const MAX_DEPTH: usize = 64;

/// Most terms (words, phrases, prefixes, fuzzy words and field values) in a query. Each term
/// becomes one or more tantivy queries, a prefix or fuzzy word up to hundreds: thousands of
/// terms would take seconds and gigabytes to answer.
pub const MAX_TERMS: usize = 256;

/// Parse a query. The empty query (or only spaces) matches everything.
pub fn parse(input: &str) -> Result<Query, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    let tokens = lex(&chars)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let ast = if p.tokens.is_empty() {
        Ast::All
    } else {
        let ast = p.and_expr()?;
        if let Some(t) = p.peek() {
            let (s, e) = t.span();
            return Err(match t {
                Tok::RParen(_) => QueryError::new("unmatched `)`", s, e),
                _ => QueryError::new("unexpected input", s, e),
            });
        }
        ast
    };
    Ok(Query {
        source: input.to_string(),
        ast,
    })
}

/// Parse as much as possible while the user is typing: every error found, and a query built
/// from the rest (each erroneous piece is blanked out and the parse retried).
pub fn parse_lenient(input: &str) -> (Query, Vec<QueryError>) {
    let mut chars: Vec<char> = input.chars().collect();
    let mut errors = Vec::new();
    for _ in 0..8 {
        let text: String = chars.iter().collect();
        match parse(&text) {
            Ok(mut q) => {
                q.source = input.to_string();
                return (q, errors);
            }
            Err(e) => {
                let end = e.end.min(chars.len());
                for c in chars.iter_mut().take(end).skip(e.start) {
                    *c = ' ';
                }
                errors.push(e);
            }
        }
    }
    (
        Query {
            source: input.to_string(),
            ast: Ast::All,
        },
        errors,
    )
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Clone, Debug)]
enum Tok {
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
    fn span(&self) -> (usize, usize) {
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

/// The columns an AST node covers.
pub fn ast_span(a: &Ast) -> Span {
    match a {
        Ast::Text { span, .. }
        | Ast::Field { span, .. }
        | Ast::Theme { span, .. }
        | Ast::Type { span, .. }
        | Ast::Date { span, .. } => *span,
        _ => Span { start: 0, end: 0 },
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

fn lex(chars: &[char]) -> Result<Vec<Tok>, QueryError> {
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

// ---------------------------------------------------------------------------------------------
// Parser

struct Parser {
    tokens: Vec<Tok>,
    pos: usize,
    /// Levels open around the current token (`(`, `NOT`, `-`, `+`).
    depth: usize,
}

impl Parser {
    /// Open one more level at the token spanning `start..end`, or refuse past `MAX_DEPTH`
    /// (before recursing, so no hostile query can exhaust the stack).
    fn enter(&mut self, start: usize, end: usize) -> Result<(), QueryError> {
        if self.depth >= MAX_DEPTH {
            return Err(QueryError::new(
                format!(
                    "the query nests too deeply: at most {MAX_DEPTH} levels of parentheses and NOT, - or +"
                ),
                start,
                end,
            ));
        }
        self.depth += 1;
        Ok(())
    }

    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    fn end_col(&self) -> usize {
        self.tokens.last().map(|t| t.span().1).unwrap_or(0)
    }

    fn and_expr(&mut self) -> Result<Ast, QueryError> {
        let mut items = vec![self.or_expr()?];
        loop {
            match self.peek() {
                None | Some(Tok::RParen(_)) => break,
                Some(Tok::And(s)) => {
                    let s = *s;
                    self.pos += 1;
                    match self.peek() {
                        None | Some(Tok::RParen(_)) | Some(Tok::And(_)) | Some(Tok::Or(_)) => {
                            return Err(QueryError::new(
                                "`AND` needs something on both sides",
                                s.start,
                                s.end,
                            ))
                        }
                        _ => items.push(self.or_expr()?),
                    }
                }
                Some(_) => items.push(self.or_expr()?),
            }
        }
        Ok(if items.len() == 1 {
            items.pop().expect("one item")
        } else {
            Ast::And(items)
        })
    }

    fn or_expr(&mut self) -> Result<Ast, QueryError> {
        let mut items = vec![self.unary()?];
        while let Some(Tok::Or(s)) = self.peek() {
            let s = *s;
            self.pos += 1;
            match self.peek() {
                None | Some(Tok::RParen(_)) | Some(Tok::And(_)) | Some(Tok::Or(_)) => {
                    return Err(QueryError::new(
                        "`OR` needs something on both sides",
                        s.start,
                        s.end,
                    ))
                }
                _ => items.push(self.unary()?),
            }
        }
        Ok(if items.len() == 1 {
            items.pop().expect("one item")
        } else {
            Ast::Or(items)
        })
    }

    fn unary(&mut self) -> Result<Ast, QueryError> {
        match self.peek().cloned() {
            Some(Tok::Not(s)) => {
                self.pos += 1;
                if matches!(
                    self.peek(),
                    None | Some(Tok::RParen(_)) | Some(Tok::And(_)) | Some(Tok::Or(_))
                ) {
                    return Err(QueryError::new(
                        "`NOT` needs something after it",
                        s.start,
                        s.end,
                    ));
                }
                self.enter(s.start, s.end)?;
                let inner = self.unary()?;
                self.depth -= 1;
                Ok(Ast::Not(Box::new(inner)))
            }
            Some(Tok::Sign(negative, p)) => {
                self.pos += 1;
                if !matches!(self.peek(), Some(Tok::Atom(_)) | Some(Tok::LParen(_))) {
                    return Err(QueryError::new(
                        "`-` or `+` must be followed by a word, phrase or group",
                        p,
                        p + 1,
                    ));
                }
                self.enter(p, p + 1)?;
                let inner = self.primary()?;
                self.depth -= 1;
                Ok(if negative {
                    Ast::Not(Box::new(inner))
                } else {
                    inner
                })
            }
            _ => self.primary(),
        }
    }

    fn primary(&mut self) -> Result<Ast, QueryError> {
        match self.peek().cloned() {
            Some(Tok::Atom(a)) => {
                self.pos += 1;
                Ok(a)
            }
            Some(Tok::LParen(p)) => {
                self.pos += 1;
                if let Some(Tok::RParen(q)) = self.peek() {
                    return Err(QueryError::new("empty parentheses", p, q + 1));
                }
                self.enter(p, p + 1)?;
                let inner = self.and_expr()?;
                self.depth -= 1;
                match self.peek() {
                    Some(Tok::RParen(_)) => {
                        self.pos += 1;
                        Ok(inner)
                    }
                    _ => Err(QueryError::new("unclosed `(`: add a `)`", p, p + 1)),
                }
            }
            Some(t) => {
                let (s, e) = t.span();
                let msg = match t {
                    Tok::RParen(_) => "unmatched `)`",
                    Tok::And(_) => "`AND` needs something on both sides",
                    Tok::Or(_) => "`OR` needs something on both sides",
                    _ => "unexpected input",
                };
                Err(QueryError::new(msg, s, e))
            }
            None => {
                let c = self.end_col();
                Err(QueryError::new("the query ends too soon", c, c + 1))
            }
        }
    }
}

/// Whether a query has words to rank by (text, title or memo words not under a NOT). Without
/// any, every hit scores alike: hits are then listed newest first.
pub fn has_words(ast: &Ast) -> bool {
    match ast {
        Ast::Text { .. } => true,
        Ast::Field { field, .. } => matches!(field, TextField::Title | TextField::Memo),
        Ast::And(items) | Ast::Or(items) => items.iter().any(has_words),
        Ast::All | Ast::Theme { .. } | Ast::Type { .. } | Ast::Date { .. } | Ast::Not(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(q: &str) -> QueryError {
        parse(q).expect_err(q)
    }

    #[test]
    fn precedence_and_operators() {
        let q = parse("trust agencies OR partners").unwrap();
        match q.ast {
            Ast::And(items) => {
                assert_eq!(items.len(), 2);
                assert!(matches!(items[1], Ast::Or(_)));
            }
            other => panic!("{other:?}"),
        }
        let q = parse("a -b NOT c +d").unwrap();
        match q.ast {
            Ast::And(items) => {
                assert_eq!(items.len(), 4);
                assert!(matches!(items[1], Ast::Not(_)));
                assert!(matches!(items[2], Ast::Not(_)));
                assert!(matches!(items[3], Ast::Text { .. }));
            }
            other => panic!("{other:?}"),
        }
        // Lowercase operator words are plain words.
        let q = parse("trust or safety").unwrap();
        assert!(matches!(q.ast, Ast::And(ref v) if v.len() == 3));
    }

    #[test]
    fn words_prefix_fuzzy_phrase() {
        let q = parse("perpetrat* trust~ safety~2 \"safety plan\"").unwrap();
        let Ast::And(items) = q.ast else { panic!() };
        assert!(matches!(&items[0], Ast::Text { m: TextMatch::Prefix(p), .. } if p == "perpetrat"));
        assert!(matches!(&items[1], Ast::Text { m: TextMatch::Fuzzy(w, 1), .. } if w == "trust"));
        assert!(matches!(
            &items[2],
            Ast::Text {
                m: TextMatch::Fuzzy(_, 2),
                ..
            }
        ));
        assert!(
            matches!(&items[3], Ast::Text { m: TextMatch::Phrase(p), span } if p == "safety plan" && span.start == 27 && span.end == 40)
        );
    }

    #[test]
    fn fields_are_case_and_accent_insensitive() {
        let q = parse("AGENCY:\"La Casa\" Tipo:x").unwrap_err();
        assert_eq!((q.start, q.end), (17, 21));
        assert!(q.message.contains("theme, agency"));
        let q = parse("AGENCY:\"La Casa\" TYPE:joint_coaching").unwrap();
        let Ast::And(items) = q.ast else { panic!() };
        assert!(
            matches!(&items[0], Ast::Field { field: TextField::Agency, m: TextMatch::Phrase(v), .. } if v == "La Casa")
        );
        assert!(matches!(
            &items[1],
            Ast::Type {
                ty: SessionType::JointCoaching,
                ..
            }
        ));
        assert!(parse("type:\"joint coaching\"").is_ok());
        assert!(parse("type:joint-coaching").is_ok());
    }

    #[test]
    fn a_type_may_be_shortened_to_a_unique_start() {
        let ty = |q: &str| match parse(q).map(|q| q.ast) {
            Ok(Ast::Type { ty, .. }) => Some(ty),
            _ => None,
        };
        assert_eq!(ty("type:leadership"), Some(SessionType::LeadershipMeeting));
        assert_eq!(ty("type:Joint"), Some(SessionType::JointCoaching));
        assert_eq!(ty("type:train"), Some(SessionType::Training));
        // A whole key wins over a longer one it starts: coaching is not joint-coaching.
        assert_eq!(ty("type:coaching"), Some(SessionType::Coaching));
        assert_eq!(ty("type:coach"), Some(SessionType::Coaching));
        // No type starts so: the error lists the types.
        assert!(parse("type:x")
            .unwrap_err()
            .message
            .contains("leadership-meeting"));
    }

    fn date_of(q: &str) -> (Option<NaiveDate>, Option<NaiveDate>) {
        match parse(q).unwrap().ast {
            Ast::Date { from, to, .. } => (from, to),
            other => panic!("{other:?}"),
        }
    }

    fn d(s: &str) -> Option<NaiveDate> {
        Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    }

    #[test]
    fn dates() {
        assert_eq!(
            date_of("date:2026-03-01..2026-06-30"),
            (d("2026-03-01"), d("2026-06-30"))
        );
        assert_eq!(date_of("date:2026-06"), (d("2026-06-01"), d("2026-06-30")));
        assert_eq!(date_of("date:2024-02"), (d("2024-02-01"), d("2024-02-29")));
        assert_eq!(date_of("date:2026"), (d("2026-01-01"), d("2026-12-31")));
        assert_eq!(date_of("date:2026-04.."), (d("2026-04-01"), None));
        assert_eq!(date_of("date:..2026-05"), (None, d("2026-05-31")));
        assert_eq!(date_of("after:2026-04-01"), (d("2026-04-02"), None));
        assert_eq!(date_of("after:2026-04"), (d("2026-05-01"), None));
        assert_eq!(date_of("before:2026-05-01"), (None, d("2026-04-30")));
        let e = err("trust date:2026-13");
        assert_eq!((e.start, e.end), (11, 18));
        let e = err("date:2026-06-01..2026-02-30");
        assert!(e.message.contains("no date"), "{e:?}");
        assert_eq!(e.start, 17);
        assert!(err("date:2026-06..2026-05")
            .message
            .contains("before it starts"));
        assert!(err("date:..").message.contains("at least one end"));
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = err("trust AND");
        assert_eq!((e.start, e.end), (6, 9));
        let e = err("(trust OR roles");
        assert_eq!((e.start, e.end), (0, 1));
        let e = err("trust)");
        assert_eq!((e.start, e.end), (5, 6));
        let e = err("Doña \"unclosed");
        assert_eq!((e.start, e.end), (5, 14));
        let e = err("🙂 foo:bar");
        assert_eq!((e.start, e.end), (2, 5));
        let e = err("trust~3");
        assert_eq!((e.start, e.end), (5, 7));
        let e = err("agency:");
        assert_eq!((e.start, e.end), (0, 7));
        let e = err("type:picnic");
        assert_eq!((e.start, e.end), (5, 11));
        assert!(err("NOT").message.contains("NOT"));
        assert!(err("()").message.contains("empty"));
        assert!(err("*").message.contains("prefix"));
        // Colons in ordinary words (times) are not fields.
        assert!(parse("10:30").is_ok());
    }

    /// Column (code points) of the `n`th (0-based) occurrence of `pat` in `q`.
    fn col_of(q: &str, pat: &str, n: usize) -> usize {
        let b = q.match_indices(pat).nth(n).expect("occurrence").0;
        q[..b].chars().count()
    }

    #[test]
    fn nesting_is_capped_with_the_column_of_the_level_too_many() {
        // (opening text, closing text, levels each repeat opens, what opens the first of them)
        let shapes: [(&str, &str, usize, &str); 5] = [
            ("NOT ", "", 1, "NOT"),
            ("(", ")", 1, "("),
            ("-(", ")", 2, "-"),
            ("+(", ")", 2, "+"),
            ("(Doña b OR NOT ", ")", 2, "("),
        ];
        for (open, close, per_repeat, opener) in shapes {
            let build = |repeats: usize| {
                format!("{}🙂trust{}", open.repeat(repeats), close.repeat(repeats))
            };
            let at_cap = build(MAX_DEPTH / per_repeat);
            assert!(parse(&at_cap).is_ok(), "{at_cap}: {:?}", parse(&at_cap));
            let past = build(MAX_DEPTH / per_repeat + 1);
            let e = parse(&past).unwrap_err();
            assert!(e.message.contains("nests too deeply"), "{e:?}");
            assert!(e.message.contains(&MAX_DEPTH.to_string()), "{e:?}");
            // The error points at what opens level MAX_DEPTH + 1.
            let col = col_of(&past, opener, MAX_DEPTH / per_repeat);
            let want = (col, col + opener.chars().count());
            assert_eq!((e.start, e.end), want, "{past}");
            // A lenient parse reports it too.
            let (_, errors) = parse_lenient(&past);
            assert!(errors
                .iter()
                .any(|e| e.message.contains("nests too deeply")));
        }
        // Ten thousand levels: an error, not a stack overflow.
        let e = parse(&"(".repeat(10_000)).unwrap_err();
        assert_eq!(e.start, MAX_DEPTH);
        let e = parse(&format!("{}x", "NOT ".repeat(10_000))).unwrap_err();
        assert_eq!(e.start, MAX_DEPTH * 4);
    }

    #[test]
    fn terms_are_capped_with_the_column_of_the_term_too_many() {
        let words = |n: usize| -> Vec<String> { (0..n).map(|i| format!("wörd{i}")).collect() };
        for sep in [" ", " OR ", " AND "] {
            let q = words(MAX_TERMS).join(sep);
            assert!(parse(&q).is_ok(), "{} terms", MAX_TERMS);
            let q = words(MAX_TERMS + 1).join(sep);
            let e = parse(&q).unwrap_err();
            assert!(e.message.contains("too many terms"), "{e:?}");
            assert!(e.message.contains(&MAX_TERMS.to_string()), "{e:?}");
            let last = format!("wörd{MAX_TERMS}");
            let col = col_of(&q, &last, 0);
            assert_eq!((e.start, e.end), (col, col + last.chars().count()));
        }
        // Phrases and field values are terms too.
        let mut q = "\"a b\" agency:x ".repeat(MAX_TERMS / 2);
        assert!(parse(&q).is_ok());
        q.push_str("title:\"Doña Ana\"");
        let e = parse(&q).unwrap_err();
        assert_eq!(e.start, col_of(&q, "title:", 0));
        // A hundred thousand terms stop at the first one past the cap.
        let e = parse(&words(100_000).join(" OR ")).unwrap_err();
        assert!(e.message.contains("too many terms"));
    }

    #[test]
    fn lenient_parse_keeps_the_good_parts() {
        let (q, errors) = parse_lenient("trust foo:bar \"open");
        assert_eq!(errors.len(), 2);
        let Ast::And(items) = q.ast else {
            panic!("{:?}", q.ast)
        };
        assert!(matches!(&items[0], Ast::Text { m: TextMatch::Word(w), .. } if w == "trust"));
        let (q, errors) = parse_lenient("");
        assert!(errors.is_empty());
        assert_eq!(q.ast, Ast::All);
    }

    #[test]
    fn folding() {
        assert_eq!(fold("Doña ANA"), "dona ana");
        assert_eq!(fold("Niñez"), "ninez");
    }
}
