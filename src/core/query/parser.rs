//! The parser: tokens into the AST by precedence (`NOT` / `-x` / `+x`, then `OR`, then
//! `AND`), with nesting capped.

use super::ast::{Ast, QueryError};
use super::lexer::Tok;

/// Most levels of nesting in a query: each `(` and each `NOT`, `-` or `+` opens one.
/// Parsing, the translation to tantivy and tantivy's own scorers recurse once or more per
/// level; 64 levels take under a third of a 2 MiB thread stack (the default for the threads
/// that search) even in a debug build, where an unbounded query overflowed it at about 230.
pub const MAX_DEPTH: usize = 64;
pub(super) struct Parser {
    pub(super) tokens: Vec<Tok>,
    pub(super) pos: usize,
    /// Levels open around the current token (`(`, `NOT`, `-`, `+`).
    pub(super) depth: usize,
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

    pub(super) fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    fn end_col(&self) -> usize {
        self.tokens.last().map(|t| t.span().1).unwrap_or(0)
    }

    pub(super) fn and_expr(&mut self) -> Result<Ast, QueryError> {
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
