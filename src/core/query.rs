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

mod ast;
mod lexer;
mod parser;

pub use ast::{ast_span, has_words, Ast, Query, QueryError, Span, TextField, TextMatch};
pub use lexer::{FIELD_NAMES, MAX_TERMS};
pub use parser::MAX_DEPTH;

use lexer::{lex, Tok};
use parser::Parser;

/// A field value written so the lexer reads it back as one value: in double quotes (a `"`
/// inside, which a quoted value cannot hold, becomes a space: values are matched word by word,
/// so the words are the same).
pub fn quote_value(value: &str) -> String {
    format!("\"{}\"", value.replace('"', " "))
}

/// The parts joined by AND (empty parts left out), each in parentheses when there are several
/// and it holds a space, so no part's `OR` reaches into another.
pub fn and(parts: &[&str]) -> String {
    let parts: Vec<&str> = parts
        .iter()
        .copied()
        .filter(|p| !p.trim().is_empty())
        .collect();
    parts
        .iter()
        .map(|p| {
            if parts.len() > 1 && p.contains(' ') {
                format!("({p})")
            } else {
                p.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::fold::fold;
    use crate::core::session::SessionType;
    use chrono::NaiveDate;

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
