//! The query's AST and its errors, with the columns (code points) they cover.

use crate::core::session::SessionType;
use chrono::NaiveDate;
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
    /// `joint:yes` (sessions with more than one agency) or `joint:no`.
    Joint {
        joint: bool,
        span: Span,
    },
    /// `session:<id>`: one session (its id exactly as stored).
    Session {
        id: String,
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

/// The columns an AST node covers.
pub fn ast_span(a: &Ast) -> Span {
    match a {
        Ast::Text { span, .. }
        | Ast::Field { span, .. }
        | Ast::Theme { span, .. }
        | Ast::Type { span, .. }
        | Ast::Joint { span, .. }
        | Ast::Session { span, .. }
        | Ast::Date { span, .. } => *span,
        _ => Span { start: 0, end: 0 },
    }
}

/// Whether a query has words to rank by (text, title or memo words not under a NOT). Without
/// any, every hit scores alike: hits are then listed newest first.
pub fn has_words(ast: &Ast) -> bool {
    match ast {
        Ast::Text { .. } => true,
        Ast::Field { field, .. } => matches!(field, TextField::Title | TextField::Memo),
        Ast::And(items) | Ast::Or(items) => items.iter().any(has_words),
        Ast::All
        | Ast::Theme { .. }
        | Ast::Type { .. }
        | Ast::Joint { .. }
        | Ast::Session { .. }
        | Ast::Date { .. }
        | Ast::Not(_) => false,
    }
}
