//! The codebook: themes an evaluator applies to passages. Stored as TOML (`codebook.toml` in a
//! store; the default in `codebook/default.toml`, built into the binary).
//!
//! Themes form a forest through `parent`. Every edit is checked before it takes effect, and
//! edits that would strand coded passages (merge, delete) return a [`ThemeRemap`] that the
//! coding store applies to every coder's files, so no passage is silently dropped.

mod edits;
mod hierarchy;
mod theme;
mod toml_text;

pub use hierarchy::{Hierarchy, TreeRow};
pub use theme::{is_valid_colour, is_valid_key, Theme, PALETTE};

use crate::core::atomic::atomic_write;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The codebook a new store starts with.
pub const DEFAULT_CODEBOOK: &str = include_str!("../../codebook/default.toml");

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Codebook {
    #[serde(default, rename = "theme")]
    pub themes: Vec<Theme>,
}

/// A problem with a codebook: a TOML syntax error or a broken rule. Displayed as
/// `path:line: message` (path and line when known).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodebookError {
    pub path: Option<PathBuf>,
    /// 1-based line in the codebook file.
    pub line: Option<usize>,
    pub message: String,
}

impl CodebookError {
    fn new(message: impl Into<String>) -> CodebookError {
        CodebookError {
            path: None,
            line: None,
            message: message.into(),
        }
    }
    fn at(line: Option<usize>, message: impl Into<String>) -> CodebookError {
        CodebookError {
            path: None,
            line,
            message: message.into(),
        }
    }
    fn with_path(mut self, path: &Path) -> CodebookError {
        self.path = Some(path.to_path_buf());
        self
    }
}

impl fmt::Display for CodebookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, self.line) {
            (Some(p), Some(l)) => write!(f, "{}:{}: {}", p.display(), l, self.message),
            (Some(p), None) => write!(f, "{}: {}", p.display(), self.message),
            (None, Some(l)) => write!(f, "line {}: {}", l, self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for CodebookError {}

/// Codings of theme `from` must now carry theme `to` (after a merge, or a delete with
/// reassignment). Applied to all coders' files by `coding_store::apply_remap`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThemeRemap {
    pub from: String,
    pub to: String,
}

/// Where in the file each theme's fields are (1-based lines), recovered from the TOML spans.
#[derive(Clone, Debug, Default)]
struct ThemeLines {
    table: Option<usize>,
    key: Option<usize>,
    name: Option<usize>,
    colour: Option<usize>,
    parent: Option<usize>,
}

const KNOWN_FIELDS: [&str; 8] = [
    "key",
    "name",
    "colour",
    "parent",
    "definition",
    "use_when",
    "not_when",
    "example",
];

/// 1-based line numbers of byte offsets, each found by a binary search over where the lines
/// start (counting the newlines before each offset anew made reading a codebook quadratic).
struct Lines {
    newlines: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        Lines {
            newlines: text
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    fn line_of(&self, byte: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < byte) + 1
    }
}

impl Codebook {
    /// The default codebook built into the binary.
    pub fn builtin() -> Codebook {
        Codebook::parse(DEFAULT_CODEBOOK).expect("the built-in codebook is valid (tested)")
    }

    /// Parse and validate codebook TOML; the first problem found is the error.
    pub fn parse(text: &str) -> Result<Codebook, CodebookError> {
        Codebook::parse_report(text).map_err(|mut errs| errs.remove(0))
    }

    /// Parse and validate codebook TOML, reporting every problem (with lines).
    pub fn parse_report(text: &str) -> Result<Codebook, Vec<CodebookError>> {
        let book: Codebook = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| Lines::new(text).line_of(s.start));
            vec![CodebookError::at(line, e.message().trim().to_string())]
        })?;
        let (lines, mut errors) = spans(text);
        errors.extend(book.validate_with(&lines));
        errors.sort_by_key(|e| e.line.unwrap_or(0));
        if errors.is_empty() {
            Ok(book)
        } else {
            Err(errors)
        }
    }

    /// Read a codebook file; the first problem found is the error (with the path).
    pub fn load(path: &Path) -> Result<Codebook, CodebookError> {
        Codebook::load_report(path).map_err(|mut errs| errs.remove(0))
    }

    /// Read a codebook file, reporting every problem, each with the path.
    pub fn load_report(path: &Path) -> Result<Codebook, Vec<CodebookError>> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            vec![CodebookError::new(format!("cannot read the codebook: {e}")).with_path(path)]
        })?;
        Codebook::parse_report(&text)
            .map_err(|errs| errs.into_iter().map(|e| e.with_path(path)).collect())
    }

    /// A store's codebook: the file at `path`, or the built-in default when there is none.
    pub fn load_or_builtin(path: &Path) -> Result<Codebook, Vec<CodebookError>> {
        if path.exists() {
            Codebook::load_report(path)
        } else {
            Ok(Codebook::builtin())
        }
    }

    /// Write the codebook atomically. An existing file is edited in place ([`edit_toml`]:
    /// comments, order and layout kept, only the changed themes rewritten); a new one is
    /// written as pretty TOML (`[[theme]]` tables). An invalid codebook is refused so a broken
    /// file is never written.
    ///
    /// [`edit_toml`]: Codebook::edit_toml
    pub fn save(&self, path: &Path) -> Result<(), CodebookError> {
        if let Some(e) = self.validate().into_iter().next() {
            return Err(e.with_path(path));
        }
        let text = match std::fs::read_to_string(path) {
            Ok(old) => self.edit_toml(&old).map_err(|e| e.with_path(path))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => self.to_toml(),
            Err(e) => {
                return Err(
                    CodebookError::new(format!("cannot read the codebook: {e}")).with_path(path)
                )
            }
        };
        atomic_write(path, text.as_bytes()).map_err(|e| {
            CodebookError::new(format!("cannot write the codebook: {e}")).with_path(path)
        })
    }

    /// Every problem with the codebook (no line numbers: it may not come from a file).
    pub fn validate(&self) -> Vec<CodebookError> {
        self.validate_with(&[])
    }

    fn validate_with(&self, lines: &[ThemeLines]) -> Vec<CodebookError> {
        let mut errors = Vec::new();
        let line = |i: usize, f: fn(&ThemeLines) -> Option<usize>| {
            lines.get(i).and_then(|l| f(l).or(l.table))
        };
        let mut first_at: HashMap<&str, usize> = HashMap::new();
        for (i, t) in self.themes.iter().enumerate() {
            if !is_valid_key(&t.key) {
                errors.push(CodebookError::at(
                    line(i, |l| l.key),
                    format!(
                        "theme key `{}` is not valid: use lowercase letters, digits and single dashes, starting with a letter (e.g. `shared-purpose`)",
                        t.key
                    ),
                ));
            }
            if let Some(&first) = first_at.get(t.key.as_str()) {
                let first_line = line(first, |l| l.key)
                    .map(|l| format!(" (first defined on line {l})"))
                    .unwrap_or_default();
                errors.push(CodebookError::at(
                    line(i, |l| l.key),
                    format!("duplicate theme key `{}`{first_line}", t.key),
                ));
            } else {
                first_at.insert(&t.key, i);
            }
            if t.name.trim().is_empty() {
                errors.push(CodebookError::at(
                    line(i, |l| l.name),
                    format!("theme `{}` has an empty name", t.key),
                ));
            }
            if !is_valid_colour(&t.colour) {
                errors.push(CodebookError::at(
                    line(i, |l| l.colour),
                    format!(
                        "theme `{}` has colour `{}`: expected `#rrggbb` (six hex digits)",
                        t.key, t.colour
                    ),
                ));
            }
        }
        for (i, t) in self.themes.iter().enumerate() {
            let Some(p) = &t.parent else { continue };
            if p == &t.key {
                errors.push(CodebookError::at(
                    line(i, |l| l.parent),
                    format!("theme `{}` is its own parent", t.key),
                ));
            } else if !first_at.contains_key(p.as_str()) {
                errors.push(CodebookError::at(
                    line(i, |l| l.parent),
                    format!(
                        "theme `{}` has parent `{}`, which is not a theme in this codebook",
                        t.key, p
                    ),
                ));
            }
        }
        // A cycle through parents (longer than a self-loop, reported above): report it once, on
        // its first member in file order, listing its members from there.
        let h = self.hierarchy();
        for cycle in h.cycles() {
            if cycle.len() < 2 {
                continue;
            }
            let first = cycle[0];
            let mut names: Vec<&str> = cycle.iter().map(|&i| self.themes[i].key.as_str()).collect();
            names.push(&self.themes[first].key);
            errors.push(CodebookError::at(
                line(first, |l| l.parent),
                format!("themes form a parent cycle: {}", names.join(" → ")),
            ));
        }
        errors
    }

    pub fn get(&self, key: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.key == key)
    }

    fn index_of(&self, key: &str) -> Result<usize, CodebookError> {
        self.themes
            .iter()
            .position(|t| t.key == key)
            .ok_or_else(|| CodebookError::new(self.unknown_theme_message(key)))
    }

    /// "no theme `x`" with the closest keys, for error messages.
    pub fn unknown_theme_message(&self, key: &str) -> String {
        let close = self.close_matches(key, 3);
        if close.is_empty() {
            format!("no theme `{key}` in the codebook")
        } else {
            format!(
                "no theme `{key}` in the codebook; did you mean {}?",
                close
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }

    /// Keys that look like `query`: keys or names containing it, then small edit distances.
    pub fn close_matches(&self, query: &str, limit: usize) -> Vec<&str> {
        let q = query.trim().to_lowercase();
        let mut scored: Vec<(usize, usize, &str)> = self
            .themes
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let name = t.name.to_lowercase();
                let score = if !q.is_empty() && (t.key.contains(&q) || name.contains(&q)) {
                    0
                } else {
                    let d = edit_distance(&q, &t.key);
                    if d <= 2.max(q.chars().count() / 3) {
                        d
                    } else {
                        return None;
                    }
                };
                Some((score, i, t.key.as_str()))
            })
            .collect();
        scored.sort();
        scored.into_iter().take(limit).map(|(_, _, k)| k).collect()
    }

    /// The parent links resolved once, for walks through the hierarchy (each linear in the
    /// number of themes). Build it once for many walks.
    pub fn hierarchy(&self) -> Hierarchy<'_> {
        Hierarchy::new(&self.themes)
    }

    /// Direct children, in file order.
    pub fn children(&self, key: &str) -> Vec<&Theme> {
        self.hierarchy().children(key)
    }

    /// Everything below `key` (children, grandchildren, ...), depth-first in file order, without
    /// `key` itself. Safe on cyclic codebooks.
    pub fn descendants(&self, key: &str) -> Vec<&Theme> {
        self.hierarchy().descendants(key)
    }

    /// `key` and all its descendants' keys: what a `theme:` filter matches.
    pub fn subtree_keys(&self, key: &str) -> Vec<String> {
        let mut keys = vec![key.to_string()];
        keys.extend(self.descendants(key).into_iter().map(|t| t.key.clone()));
        keys
    }

    /// Parent, grandparent, ... (nearest first). Stops at a cycle or an unknown parent.
    pub fn ancestors(&self, key: &str) -> Vec<&Theme> {
        self.hierarchy().ancestors(key).collect()
    }

    /// Themes without a parent (or whose parent is missing), in file order.
    pub fn roots(&self) -> Vec<&Theme> {
        self.hierarchy().roots()
    }

    /// Every theme once, depth-first in file order, with its depth (roots at 0). Themes caught
    /// in a parent cycle come last at depth 0, so nothing is hidden from view.
    pub fn tree(&self) -> Vec<(usize, &Theme)> {
        self.hierarchy()
            .rows()
            .into_iter()
            .map(|r| (r.depth, r.theme))
            .collect()
    }
}

/// Recover the line of each theme's fields, and report fields that are not part of a theme
/// (a typo such as `color` would otherwise be dropped without a word).
fn spans(text: &str) -> (Vec<ThemeLines>, Vec<CodebookError>) {
    use toml::de::{DeTable, DeValue};
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    let Ok(doc) = DeTable::parse(text) else {
        return (lines, errors);
    };
    let numbers = Lines::new(text);
    let line_of = |byte: usize| numbers.line_of(byte);
    for (k, v) in doc.get_ref().iter() {
        let name: &str = k.get_ref();
        if name != "theme" {
            errors.push(CodebookError::at(
                Some(line_of(k.span().start)),
                format!("unknown top-level entry `{name}`: a codebook holds only [[theme]] tables"),
            ));
            continue;
        }
        let DeValue::Array(items) = v.get_ref() else {
            continue;
        };
        for item in items.iter() {
            let mut tl = ThemeLines {
                table: Some(line_of(item.span().start)),
                ..ThemeLines::default()
            };
            if let DeValue::Table(fields) = item.get_ref() {
                for (fk, fv) in fields.iter() {
                    let fname: &str = fk.get_ref();
                    let l = Some(line_of(fv.span().start));
                    match fname {
                        "key" => tl.key = l,
                        "name" => tl.name = l,
                        "colour" => tl.colour = l,
                        "parent" => tl.parent = l,
                        _ if KNOWN_FIELDS.contains(&fname) => {}
                        _ => errors.push(CodebookError::at(
                            Some(line_of(fk.span().start)),
                            format!(
                                "unknown theme field `{fname}` (known: {})",
                                KNOWN_FIELDS.join(", ")
                            ),
                        )),
                    }
                }
            }
            lines.push(tl);
        }
    }
    (lines, errors)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXED_KEYS: [(&str, Option<&str>); 17] = [
        ("collaboration", None),
        ("trust", Some("collaboration")),
        ("communication", Some("collaboration")),
        ("roles", Some("collaboration")),
        ("flexibility", Some("collaboration")),
        ("effectiveness", Some("collaboration")),
        ("shared-purpose", Some("collaboration")),
        ("commitment", Some("collaboration")),
        ("practice", None),
        ("engaging-perpetrators", Some("practice")),
        ("partnering-survivors", Some("practice")),
        ("perpetrator-patterns", Some("practice")),
        ("advocating-clients", Some("practice")),
        ("shared-language", None),
        ("naming-choice", Some("shared-language")),
        ("protective-efforts", Some("shared-language")),
        ("avoiding-blame", Some("shared-language")),
    ];

    #[test]
    fn builtin_has_the_fixed_keys_fully_described() {
        let b = Codebook::builtin();
        assert_eq!(b.themes.len(), FIXED_KEYS.len());
        for (t, (key, parent)) in b.themes.iter().zip(FIXED_KEYS) {
            assert_eq!(t.key, key);
            assert_eq!(t.parent.as_deref(), parent, "{key}");
            for (field, v) in [
                ("definition", &t.definition),
                ("use_when", &t.use_when),
                ("not_when", &t.not_when),
                ("example", &t.example),
            ] {
                assert!(v.trim().len() > 20, "{key}.{field} is too short: {v:?}");
            }
        }
        assert_eq!(b.roots().len(), 3);
    }

    #[test]
    fn not_when_points_to_a_neighbour() {
        // Each "not when" should name another theme, so coders know where to go instead.
        let b = Codebook::builtin();
        for t in &b.themes {
            let names_other = b.themes.iter().filter(|o| o.key != t.key).any(|o| {
                t.not_when.contains(&o.name)
                    || t.not_when.contains(o.name.split(' ').next().unwrap())
            });
            assert!(names_other, "{}: not_when names no other theme", t.key);
        }
    }

    #[test]
    fn round_trips_through_toml() {
        let b = Codebook::builtin();
        let text = b.to_toml();
        assert!(text.contains("[[theme]]"));
        assert_eq!(Codebook::parse(&text).unwrap(), b);
    }

    #[test]
    fn validation_reports_every_problem_with_lines() {
        let text = "\
[[theme]]
key = \"trust\"
name = \"Trust\"
colour = \"#123456\"

[[theme]]
key = \"Trust Issues\"
name = \"  \"
colour = \"blue\"
parent = \"nowhere\"

[[theme]]
key = \"trust\"
name = \"Again\"
colour = \"#abcdef\"
color = \"#000000\"
";
        let errs = Codebook::parse_report(text).unwrap_err();
        let got: Vec<(Option<usize>, &str)> = errs
            .iter()
            .map(|e| (e.line, e.message.split(' ').next().unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                (Some(7), "theme"),
                (Some(8), "theme"),
                (Some(9), "theme"),
                (Some(10), "theme"),
                (Some(13), "duplicate"),
                (Some(16), "unknown")
            ],
            "{errs:#?}"
        );
        assert!(errs[4].message.contains("first defined on line 2"));
    }

    #[test]
    fn toml_syntax_error_has_a_line() {
        let e = Codebook::parse("[[theme]]\nkey = \"a\"\nname = \"A\nb\"\n").unwrap_err();
        assert!(e.line.is_some_and(|l| l >= 3), "{e}");
        let e = Codebook::parse("[[theme]]\nkey = \"a\"\nname = \"A\"\n").unwrap_err();
        assert!(e.message.contains("colour"), "{e}");
    }

    #[test]
    fn cycles_are_found_and_refused() {
        let mut b = Codebook::default();
        b.themes.push(Theme::new("a", "A", "#111111"));
        b.themes.push(Theme::new("b", "B", "#222222"));
        b.themes[0].parent = Some("b".into());
        b.themes[1].parent = Some("a".into());
        let errs = b.validate();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].message.contains("a → b → a"));
        assert_eq!(b.tree().len(), 2, "cyclic themes are still listed");

        let mut b = Codebook::builtin();
        let e = b.move_under("collaboration", Some("trust")).unwrap_err();
        assert!(e.message.contains("inside"), "{e}");
        assert_eq!(b, Codebook::builtin(), "a refused edit changes nothing");
    }

    #[test]
    fn close_matches_for_typos() {
        let b = Codebook::builtin();
        assert_eq!(b.close_matches("trsut", 3), ["trust"]);
        assert!(b
            .close_matches("perpetrator", 3)
            .contains(&"perpetrator-patterns"));
        assert!(b
            .unknown_theme_message("comunication")
            .contains("`communication`"));
    }
}
