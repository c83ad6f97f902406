//! The codebook: themes an evaluator applies to passages. Stored as TOML (`codebook.toml` in a
//! store; the default in `codebook/default.toml`, built into the binary).
//!
//! Themes form a forest through `parent`. Every edit is checked before it takes effect, and
//! edits that would strand coded passages (merge, delete) return a [`ThemeRemap`] that the
//! coding store applies to every coder's files, so no passage is silently dropped.

use crate::core::atomic::atomic_write;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

/// The codebook a new store starts with.
pub const DEFAULT_CODEBOOK: &str = include_str!("../../codebook/default.toml");

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    /// Short unique key, lowercase, `[a-z0-9-]` (e.g. `trust`).
    pub key: String,
    pub name: String,
    /// `#rrggbb`.
    pub colour: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default)]
    pub definition: String,
    #[serde(default)]
    pub use_when: String,
    #[serde(default)]
    pub not_when: String,
    #[serde(default)]
    pub example: String,
}

impl Theme {
    /// A theme with only the required fields filled in.
    pub fn new(key: &str, name: &str, colour: &str) -> Theme {
        Theme {
            key: key.to_string(),
            name: name.to_string(),
            colour: colour.to_string(),
            parent: None,
            definition: String::new(),
            use_when: String::new(),
            not_when: String::new(),
            example: String::new(),
        }
    }

    /// The colour as RGB, if it is a valid `#rrggbb`.
    pub fn rgb(&self) -> Option<(u8, u8, u8)> {
        parse_colour(&self.colour)
    }
}

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

/// Colours offered for new themes: readable as text on both light and dark terminals
/// (contrast at least 3:1 against black and against white) and apart from one another.
pub const PALETTE: [&str; 24] = [
    "#1f8fd6", "#12a0a0", "#8a6fdc", "#2f9e6a", "#7f9612", "#a65cc8", "#3a62e0", "#c96f1c",
    "#e86a28", "#e0607a", "#a0662c", "#b08a10", "#c2448f", "#cc2f2f", "#2e9c48", "#8a7f5a",
    "#5b7a99", "#0e8fb0", "#d0508a", "#6f8f3a", "#9a6a9e", "#bb5c3c", "#4f88a8", "#968a20",
];

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

/// True for `#rrggbb` (hex digits in either case).
pub fn is_valid_colour(s: &str) -> bool {
    parse_colour(s).is_some()
}

fn parse_colour(s: &str) -> Option<(u8, u8, u8)> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let p = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some((p(0)?, p(2)?, p(4)?))
}

/// A theme key is lowercase ASCII letters, digits and single dashes, starting with a letter.
pub fn is_valid_key(key: &str) -> bool {
    let b = key.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && !key.ends_with('-')
        && !key.contains("--")
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

    /// `text` (a codebook file, typically edited by hand) changed to hold this codebook, with
    /// everything else kept byte for byte: comments, blank lines, the order of themes and of
    /// their fields, quoting and spacing. Each theme's `[[theme]]` table is found by its key;
    /// only values that differ are rewritten (keeping the comment after them), fields that
    /// appear are added at the end of their table, and the tables of removed themes go with the
    /// comment lines right above them. A comment separated from a removed table by a blank line
    /// stays (it may be about the whole file). New themes are written as `to_toml` writes them.
    /// A file that is not valid TOML is an error (with its line): it is never overwritten.
    pub fn edit_toml(&self, text: &str) -> Result<String, CodebookError> {
        use toml_edit::{ArrayOfTables, DocumentMut, Item, Table};
        // A byte-order mark (as some Windows editors write) is kept; toml_edit would drop it.
        let (bom, text) = match text.strip_prefix('\u{feff}') {
            Some(rest) => ("\u{feff}", rest),
            None => ("", text),
        };
        let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            let line = e.span().map(|s| Lines::new(text).line_of(s.start));
            let message = e.message().lines().next().unwrap_or("").trim().to_string();
            CodebookError::at(
                line,
                format!("the codebook file is not valid TOML ({message}): fix it first"),
            )
        })?;
        let mut old: Vec<Table> = match doc.get_mut("theme") {
            None => Vec::new(),
            Some(Item::ArrayOfTables(tables)) => std::mem::take(tables).into_iter().collect(),
            // `theme = [{ ... }]`: a layout this edit does not keep.
            Some(_) => return Ok(format!("{bom}{}", self.to_toml())),
        };
        // Each theme's table: the first unclaimed one with its key.
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (j, t) in old.iter().enumerate().rev() {
            if let Some(k) = t.get("key").and_then(Item::as_str) {
                by_key.entry(k.to_string()).or_default().push(j);
            }
        }
        let matched: Vec<Option<usize>> = self
            .themes
            .iter()
            .map(|t| by_key.get_mut(&t.key).and_then(Vec::pop))
            .collect();
        let mut kept = vec![false; old.len()];
        for &j in matched.iter().flatten() {
            kept[j] = true;
        }
        // What was above a removed table, apart from its own comment lines, moves to the next
        // kept table (or the end of the file).
        // When the first tables go, the file does not start with the blank line that
        // separated them from the one now first.
        let nothing_above = doc.as_table().iter().all(|(k, _)| k == "theme");
        let mut carried = String::new();
        let mut first_kept = true;
        for j in 0..old.len() {
            let prefix = table_prefix(&old[j]);
            if kept[j] {
                let mut above = if carried.is_empty() {
                    prefix
                } else {
                    join_above(&std::mem::take(&mut carried), &prefix)
                };
                if first_kept && j > 0 && nothing_above {
                    above = above
                        .trim_start_matches(['\n', '\r', ' ', '\t'])
                        .to_string();
                }
                first_kept = false;
                old[j].decor_mut().set_prefix(above);
            } else {
                carried.push_str(split_leading_comments(&prefix).0);
            }
        }
        if !carried.is_empty() {
            let trailing = doc.trailing().as_str().unwrap_or("").to_string();
            doc.set_trailing(join_above(&carried, &trailing));
        }
        let mut tables: Vec<Option<Table>> = old.into_iter().map(Some).collect();
        let mut out = ArrayOfTables::new();
        for (i, (theme, m)) in self.themes.iter().zip(&matched).enumerate() {
            let table = match m {
                Some(j) => {
                    let mut table = tables[*j].take().expect("each table is claimed once");
                    update_table(&mut table, theme);
                    table
                }
                None => {
                    let mut table = new_table(theme);
                    // A new table takes over what separated the next one from the one before.
                    let next = matched[i + 1..].iter().flatten().next().copied();
                    let above = match next.and_then(|j| tables[j].as_mut()) {
                        Some(next) => {
                            let prefix = table_prefix(next);
                            let (before, own) = split_leading_comments(&prefix);
                            let before = before.to_string();
                            next.decor_mut().set_prefix(format!("\n{own}"));
                            before
                        }
                        None => String::new(),
                    };
                    let above = if above.is_empty() && i > 0 {
                        "\n".to_string()
                    } else {
                        above
                    };
                    table.decor_mut().set_prefix(above);
                    table
                }
            };
            out.push(table);
        }
        for (k, t) in out.iter_mut().enumerate() {
            t.set_position(Some(k as isize + 1));
        }
        if out.is_empty() {
            doc.remove("theme");
        } else {
            doc.insert("theme", Item::ArrayOfTables(out));
        }
        let out = doc.to_string();
        // toml_edit ends the lines it writes with LF; a file whose lines all end in CRLF (as
        // Windows editors write them) keeps CRLF throughout.
        let crlf = text.contains("\r\n") && !text.replace("\r\n", "").contains('\n');
        let out = if crlf {
            out.replace("\r\n", "\n").replace('\n', "\r\n")
        } else {
            out
        };
        Ok(format!("{bom}{out}"))
    }

    /// The codebook as TOML in the same shape as `codebook/default.toml`.
    pub fn to_toml(&self) -> String {
        let mut out = String::new();
        for t in &self.themes {
            out.push_str(&toml::to_string_pretty(&TomlTheme { theme: [t] }).unwrap_or_default());
            out.push('\n');
        }
        out
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

    /// Apply `edit` to a copy; keep the result only if the codebook is still valid.
    fn edit<T>(
        &mut self,
        edit: impl FnOnce(&mut Codebook) -> Result<T, CodebookError>,
    ) -> Result<T, CodebookError> {
        let mut copy = self.clone();
        let out = edit(&mut copy)?;
        if let Some(e) = copy.validate().into_iter().next() {
            return Err(e);
        }
        *self = copy;
        Ok(out)
    }

    /// Add a theme at the end (after its parent's other children when it has a parent).
    pub fn add(&mut self, theme: Theme) -> Result<(), CodebookError> {
        if self.get(&theme.key).is_some() {
            return Err(CodebookError::new(format!(
                "a theme with key `{}` already exists",
                theme.key
            )));
        }
        self.edit(|b| {
            let at = match &theme.parent {
                Some(p) => {
                    let parent = b.index_of(p)?;
                    let h = b.hierarchy();
                    h.below(parent).into_iter().fold(parent, usize::max) + 1
                }
                None => b.themes.len(),
            };
            b.themes.insert(at, theme);
            Ok(())
        })
    }

    /// Change a theme's display name (its key, which codings refer to, stays).
    pub fn rename(&mut self, key: &str, new_name: &str) -> Result<(), CodebookError> {
        self.edit(|b| {
            let i = b.index_of(key)?;
            b.themes[i].name = new_name.trim().to_string();
            Ok(())
        })
    }

    pub fn recolour(&mut self, key: &str, colour: &str) -> Result<(), CodebookError> {
        self.edit(|b| {
            let i = b.index_of(key)?;
            b.themes[i].colour = colour.trim().to_ascii_lowercase();
            Ok(())
        })
    }

    /// Put `key` under `parent` (or make it a root). Refuses to create a cycle.
    pub fn move_under(&mut self, key: &str, parent: Option<&str>) -> Result<(), CodebookError> {
        self.edit(|b| {
            let i = b.index_of(key)?;
            if let Some(p) = parent {
                b.index_of(p)?;
                if p == key || b.descendants(key).iter().any(|d| d.key == p) {
                    return Err(CodebookError::new(format!(
                        "cannot move `{key}` under `{p}`: `{p}` is `{key}` or inside it"
                    )));
                }
            }
            b.themes[i].parent = parent.map(str::to_string);
            Ok(())
        })
    }

    /// Merge theme `from` into `into`: `from` disappears, its children move under `into`, and
    /// the returned remap moves its codings to `into`.
    pub fn merge(&mut self, from: &str, into: &str) -> Result<ThemeRemap, CodebookError> {
        if from == into {
            return Err(CodebookError::new(format!(
                "cannot merge `{from}` into itself"
            )));
        }
        self.edit(|b| {
            let i = b.index_of(from)?;
            b.index_of(into)?;
            let from_parent = b.themes[i].parent.clone();
            for t in b.themes.iter_mut() {
                if t.parent.as_deref() == Some(from) {
                    // `into` may itself be a child of `from`: it takes `from`'s place.
                    t.parent = if t.key == into {
                        from_parent.clone()
                    } else {
                        Some(into.to_string())
                    };
                }
            }
            b.themes.remove(i);
            Ok(ThemeRemap {
                from: from.to_string(),
                to: into.to_string(),
            })
        })
    }

    /// Delete a theme. `passage_count` is how many codings (all coders) use it: they must be
    /// reassigned to another theme, and a theme with children must have them moved first.
    /// Returns the remap to apply to codings when passages are reassigned.
    pub fn delete(
        &mut self,
        key: &str,
        reassign_to: Option<&str>,
        passage_count: usize,
    ) -> Result<Option<ThemeRemap>, CodebookError> {
        self.edit(|b| {
            let i = b.index_of(key)?;
            let children = b.children(key);
            if !children.is_empty() {
                let names: Vec<&str> = children.iter().map(|t| t.key.as_str()).collect();
                return Err(CodebookError::new(format!(
                    "theme `{key}` has {} child theme(s) ({}): move them elsewhere first",
                    names.len(),
                    names.join(", ")
                )));
            }
            let remap = match reassign_to {
                Some(to) if to == key => {
                    return Err(CodebookError::new(format!(
                        "cannot reassign `{key}`'s passages to itself"
                    )))
                }
                Some(to) => {
                    b.index_of(to)?;
                    Some(ThemeRemap {
                        from: key.to_string(),
                        to: to.to_string(),
                    })
                }
                None if passage_count > 0 => {
                    return Err(CodebookError::new(format!(
                        "theme `{key}` codes {passage_count} passage(s): choose a theme to reassign them to"
                    )))
                }
                None => None,
            };
            b.themes.remove(i);
            Ok(remap)
        })
    }

    /// A colour for a new theme: the first palette colour not yet used, else the least used.
    pub fn suggest_colour(&self) -> String {
        let used: Vec<String> = self
            .themes
            .iter()
            .map(|t| t.colour.to_ascii_lowercase())
            .collect();
        PALETTE
            .iter()
            .min_by_key(|c| used.iter().filter(|u| u == c).count())
            .map(|c| c.to_string())
            .unwrap_or_else(|| PALETTE[0].to_string())
    }
}

/// One line of the codebook's tree: a theme, where it is in `Codebook::themes`, and its depth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeRow<'a> {
    pub depth: usize,
    pub index: usize,
    pub theme: &'a Theme,
}

/// A codebook's parent links resolved into positions once, so that every walk through the
/// hierarchy (children, descendants, ancestors, the tree, roll-ups, cycles) visits each theme a
/// bounded number of times: linear in the number of themes, however deep the chain. Walks are
/// iterative (a 20,000-deep chain needs no 20,000-deep recursion) and safe on cyclic,
/// hand-edited codebooks.
///
/// Positions are indices into `Codebook::themes`; a key names the first theme with that key.
pub struct Hierarchy<'a> {
    themes: &'a [Theme],
    /// The first theme with each key.
    position: HashMap<&'a str, usize>,
    /// Each theme's parent, when the parent is in the codebook (a theme may be its own).
    parent: Vec<Option<usize>>,
    /// Each theme's children, in file order.
    children: Vec<Vec<usize>>,
}

impl<'a> Hierarchy<'a> {
    fn new(themes: &'a [Theme]) -> Hierarchy<'a> {
        let mut position: HashMap<&str, usize> = HashMap::with_capacity(themes.len());
        for (i, t) in themes.iter().enumerate() {
            position.entry(t.key.as_str()).or_insert(i);
        }
        let parent: Vec<Option<usize>> = themes
            .iter()
            .map(|t| t.parent.as_deref().and_then(|p| position.get(p).copied()))
            .collect();
        let mut children = vec![Vec::new(); themes.len()];
        for (i, p) in parent.iter().enumerate() {
            if let Some(p) = *p {
                children[p].push(i);
            }
        }
        Hierarchy {
            themes,
            position,
            parent,
            children,
        }
    }

    /// The position of the (first) theme with this key.
    pub fn position(&self, key: &str) -> Option<usize> {
        self.position.get(key).copied()
    }

    pub fn get(&self, key: &str) -> Option<&'a Theme> {
        self.position(key).map(|i| &self.themes[i])
    }

    /// Direct children, in file order.
    pub fn children(&self, key: &str) -> Vec<&'a Theme> {
        self.position(key)
            .map(|i| self.children[i].iter().map(|&c| &self.themes[c]).collect())
            .unwrap_or_default()
    }

    /// Positions of everything below theme `i`, depth-first in file order, without `i`.
    fn below(&self, i: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut seen: BTreeSet<usize> = BTreeSet::from([i]);
        // Children still to visit, last to visit first.
        let mut stack: Vec<usize> = self.children[i].iter().rev().copied().collect();
        while let Some(c) = stack.pop() {
            if seen.insert(c) {
                out.push(c);
                stack.extend(self.children[c].iter().rev());
            }
        }
        out
    }

    /// Everything below `key`, depth-first in file order, without `key` itself.
    pub fn descendants(&self, key: &str) -> Vec<&'a Theme> {
        self.position(key)
            .map(|i| self.below(i).into_iter().map(|d| &self.themes[d]).collect())
            .unwrap_or_default()
    }

    /// Parent, grandparent, ... (nearest first), lazily. Stops at a cycle or an unknown parent.
    pub fn ancestors(&self, key: &str) -> impl Iterator<Item = &'a Theme> + '_ {
        let start = self.position(key);
        let mut seen: BTreeSet<usize> = start.into_iter().collect();
        let mut cur = start;
        std::iter::from_fn(move || {
            let p = self.parent[cur?]?;
            if !seen.insert(p) {
                return None;
            }
            cur = Some(p);
            Some(&self.themes[p])
        })
    }

    /// Themes without a parent (or whose parent is missing), in file order.
    pub fn roots(&self) -> Vec<&'a Theme> {
        (0..self.themes.len())
            .filter(|&i| self.parent[i].is_none())
            .map(|i| &self.themes[i])
            .collect()
    }

    /// Every theme once, depth-first in file order, with its depth (roots at 0). Themes no
    /// root leads to (on a parent cycle or below one) come last, each walk starting at depth 0
    /// from the first of them in file order, so nothing is hidden from view.
    pub fn rows(&self) -> Vec<TreeRow<'a>> {
        let n = self.themes.len();
        let mut out = Vec::with_capacity(n);
        let mut seen = vec![false; n];
        let roots = (0..n).filter(|&i| self.parent[i].is_none());
        // Roots first, then whatever they did not reach.
        for start in roots.chain(0..n) {
            if seen[start] {
                continue;
            }
            seen[start] = true;
            let mut stack = vec![(start, 0)];
            while let Some((i, depth)) = stack.pop() {
                out.push(TreeRow {
                    depth,
                    index: i,
                    theme: &self.themes[i],
                });
                for &c in self.children[i].iter().rev() {
                    if !seen[c] {
                        seen[c] = true;
                        stack.push((c, depth + 1));
                    }
                }
            }
        }
        out
    }

    /// For each theme (by position), `own` of it plus `own` of everything below it: the
    /// passages a parent rolls up from its sub-themes. Everything hanging from a parent cycle
    /// is below each of its members.
    pub fn totals(&self, own: impl Fn(&Theme) -> usize) -> Vec<usize> {
        let n = self.themes.len();
        let mut total: Vec<usize> = self.themes.iter().map(own).collect();
        let mut on_cycle = vec![false; n];
        let cycles = self.cycles();
        for &i in cycles.iter().flatten() {
            on_cycle[i] = true;
        }
        // Off the cycles the links form trees: add each theme into its parent once all its
        // children have been added into it (leaves first).
        let mut waiting: Vec<usize> = (0..n)
            .map(|i| self.children[i].iter().filter(|&&c| !on_cycle[c]).count())
            .collect();
        let mut ready: Vec<usize> = (0..n)
            .filter(|&i| !on_cycle[i] && waiting[i] == 0)
            .collect();
        while let Some(i) = ready.pop() {
            if let Some(p) = self.parent[i] {
                total[p] += total[i];
                if !on_cycle[p] {
                    waiting[p] -= 1;
                    if waiting[p] == 0 {
                        ready.push(p);
                    }
                }
            }
        }
        // Each member of a cycle has the whole cycle with what hangs from it.
        for cycle in cycles {
            let whole: usize = cycle.iter().map(|&i| total[i]).sum();
            for i in cycle {
                total[i] = whole;
            }
        }
        total
    }

    /// Every parent cycle, as the positions of its members: from its first member in file
    /// order, each followed by its parent (the last one's parent is the first). A theme that is
    /// its own parent is a cycle of one. Cycles come in the order of their first members.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let n = self.themes.len();
        // 0: not visited; w + 1: on the path of the walk from theme w; usize::MAX: done.
        let mut mark = vec![0usize; n];
        let mut cycles = Vec::new();
        for start in 0..n {
            if mark[start] != 0 {
                continue;
            }
            // Follow parents until a theme seen before: on this walk's path it closes a
            // cycle; otherwise it was settled by an earlier walk.
            let mut path = Vec::new();
            let mut cur = Some(start);
            while let Some(i) = cur {
                if mark[i] == start + 1 {
                    let from = path.iter().position(|&p| p == i).expect("on the path");
                    let mut cycle: Vec<usize> = path[from..].to_vec();
                    // From the first member in file order, in the order the walk went.
                    let first = (0..cycle.len()).min_by_key(|&k| cycle[k]).unwrap_or(0);
                    cycle.rotate_left(first);
                    cycles.push(cycle);
                    break;
                }
                if mark[i] != 0 {
                    break;
                }
                mark[i] = start + 1;
                path.push(i);
                cur = self.parent[i];
            }
            for i in path {
                mark[i] = usize::MAX;
            }
        }
        cycles.sort_by_key(|c| c[0]);
        cycles
    }
}

/// The text above a table's header (comments and blank lines).
fn table_prefix(table: &toml_edit::Table) -> String {
    table
        .decor()
        .prefix()
        .and_then(|p| p.as_str())
        .unwrap_or("")
        .to_string()
}

/// Splits the text above a table header into what comes first and the comment lines right
/// above the header (no blank line between them and it): those are about the table.
fn split_leading_comments(prefix: &str) -> (&str, &str) {
    let mut start = prefix.len();
    for line in prefix.split_inclusive('\n').rev() {
        if line.trim_start().starts_with('#') {
            start -= line.len();
        } else {
            break;
        }
    }
    prefix.split_at(start)
}

/// `carried` (what was above a removed table) put before `text` (what is above the next
/// one), with the blank lines where they meet made one: removing tables never piles up blank
/// lines.
fn join_above(carried: &str, text: &str) -> String {
    let is_blank = |l: &str| l.trim().is_empty();
    let carried_lines: Vec<&str> = carried.split_inclusive('\n').collect();
    let keep = carried_lines.len()
        - carried_lines
            .iter()
            .rev()
            .take_while(|l| is_blank(l))
            .count();
    let text_lines: Vec<&str> = text.split_inclusive('\n').collect();
    let skip = text_lines.iter().take_while(|l| is_blank(l)).count();
    let blank = keep < carried_lines.len() || skip > 0;
    let mut out = carried_lines[..keep].concat();
    if blank {
        out.push('\n');
    }
    out.push_str(&text_lines[skip..].concat());
    out
}

/// A theme's `[[theme]]` table with the fields `to_toml` writes, in its order.
fn new_table(theme: &Theme) -> toml_edit::Table {
    let mut table = toml_edit::Table::new();
    let fields = [
        ("key", Some(theme.key.as_str())),
        ("name", Some(theme.name.as_str())),
        ("colour", Some(theme.colour.as_str())),
        ("parent", theme.parent.as_deref()),
        ("definition", Some(theme.definition.as_str())),
        ("use_when", Some(theme.use_when.as_str())),
        ("not_when", Some(theme.not_when.as_str())),
        ("example", Some(theme.example.as_str())),
    ];
    for (field, value) in fields {
        if let Some(v) = value {
            table.insert(field, toml_edit::Item::Value(one_line_string(v)));
        }
    }
    table
}

/// `s` as a TOML basic string on one line (line breaks and other controls escaped), so that
/// the line ends of the file around it never become part of the value.
fn one_line_string(s: &str) -> toml_edit::Value {
    let mut quoted = String::with_capacity(s.len() + 2);
    quoted.push('"');
    for c in s.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
        .parse()
        .expect("an escaped basic string is a TOML value")
}

/// Set the table's fields to the theme's, rewriting only values that differ.
fn update_table(table: &mut toml_edit::Table, theme: &Theme) {
    set_field(table, "key", Some(&theme.key));
    set_field(table, "name", Some(&theme.name));
    set_field(table, "colour", Some(&theme.colour));
    set_field(table, "parent", theme.parent.as_deref());
    // Empty text fields may be left out of a hand-written file.
    for (field, v) in [
        ("definition", &theme.definition),
        ("use_when", &theme.use_when),
        ("not_when", &theme.not_when),
        ("example", &theme.example),
    ] {
        let present = table.contains_key(field);
        set_field(
            table,
            field,
            (present || !v.is_empty()).then_some(v.as_str()),
        );
    }
}

/// `field = value` (`None`: no such field), keeping the spacing and comment around an
/// existing value.
fn set_field(table: &mut toml_edit::Table, field: &str, value: Option<&str>) {
    use toml_edit::Item;
    match (table.get_mut(field), value) {
        (Some(item), Some(v)) if item.as_str() == Some(v) => {}
        (Some(item), Some(v)) => {
            let mut new = one_line_string(v);
            if let Some(old) = item.as_value() {
                *new.decor_mut() = old.decor().clone();
            }
            *item = Item::Value(new);
        }
        (None, Some(v)) => {
            table.insert(field, Item::Value(one_line_string(v)));
        }
        (Some(_), None) => {
            table.remove(field);
        }
        (None, None) => {}
    }
}

#[derive(Serialize)]
struct TomlTheme<'a> {
    theme: [&'a Theme; 1],
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

    fn relative_luminance((r, g, b): (u8, u8, u8)) -> f64 {
        let lin = |c: u8| {
            let c = c as f64 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }

    fn lab(rgb: (u8, u8, u8)) -> (f64, f64, f64) {
        let lin = |c: u8| {
            let c = c as f64 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let (r, g, b) = (lin(rgb.0), lin(rgb.1), lin(rgb.2));
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        let f = |t: f64| {
            if t > 0.008856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        (
            116.0 * f(y) - 16.0,
            500.0 * (f(x) - f(y)),
            200.0 * (f(y) - f(z)),
        )
    }

    fn readable_on_light_and_dark(c: &str) -> bool {
        let l = relative_luminance(parse_colour(c).unwrap());
        let on_white = 1.05 / (l + 0.05);
        let on_black = (l + 0.05) / 0.05;
        on_white >= 3.0 && on_black >= 3.0
    }

    #[test]
    fn colours_are_readable_and_distinct() {
        let b = Codebook::builtin();
        for t in &b.themes {
            assert!(readable_on_light_and_dark(&t.colour), "{}", t.key);
        }
        for c in PALETTE {
            assert!(readable_on_light_and_dark(c), "{c}");
        }
        for (i, a) in b.themes.iter().enumerate() {
            for o in &b.themes[i + 1..] {
                let (x, y) = (lab(a.rgb().unwrap()), lab(o.rgb().unwrap()));
                let d = ((x.0 - y.0).powi(2) + (x.1 - y.1).powi(2) + (x.2 - y.2).powi(2)).sqrt();
                assert!(d >= 12.0, "{} and {} look alike (ΔE {d:.1})", a.key, o.key);
            }
        }
    }

    #[test]
    fn hierarchy() {
        let b = Codebook::builtin();
        let kids: Vec<&str> = b
            .children("practice")
            .iter()
            .map(|t| t.key.as_str())
            .collect();
        assert_eq!(
            kids,
            [
                "engaging-perpetrators",
                "partnering-survivors",
                "perpetrator-patterns",
                "advocating-clients"
            ]
        );
        assert_eq!(b.ancestors("trust")[0].key, "collaboration");
        assert!(b.ancestors("collaboration").is_empty());
        assert_eq!(b.subtree_keys("shared-language").len(), 4);
        assert!(b.descendants("trust").is_empty());
        let tree = b.tree();
        assert_eq!(tree.len(), b.themes.len());
        assert_eq!((tree[0].0, tree[0].1.key.as_str()), (0, "collaboration"));
        assert_eq!((tree[1].0, tree[1].1.key.as_str()), (1, "trust"));
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

    /// A codebook of themes `t0..`, each under the theme named by `parents[i]` (an index, or
    /// none).
    fn linked(parents: &[Option<usize>]) -> Codebook {
        let mut b = Codebook::default();
        for (i, p) in parents.iter().enumerate() {
            let mut t = Theme::new(&format!("t{i}"), &format!("Theme {i}"), PALETTE[i % 24]);
            t.parent = p.map(|p| format!("t{p}"));
            b.themes.push(t);
        }
        b
    }

    #[test]
    fn every_cycle_is_reported_once_with_its_members_in_parent_order() {
        // t0 → t3 → t1 → t0 is a cycle, t2 and t5 hang below it, t4 is its own parent, t6 → t7
        // → t6 a second cycle, t8 a root.
        let b = linked(&[
            Some(3),
            Some(0),
            Some(1),
            Some(1),
            Some(4),
            Some(2),
            Some(7),
            Some(6),
            None,
        ]);
        let messages: Vec<String> = b.validate().into_iter().map(|e| e.message).collect();
        assert_eq!(
            messages,
            [
                "theme `t4` is its own parent",
                "themes form a parent cycle: t0 → t3 → t1 → t0",
                "themes form a parent cycle: t6 → t7 → t6",
            ]
        );
        let h = b.hierarchy();
        assert_eq!(h.cycles(), [vec![0, 3, 1], vec![4], vec![6, 7]]);
        // Nothing is hidden from the tree: the root first, then each walk the roots missed.
        let rows: Vec<(usize, &str)> = h
            .rows()
            .iter()
            .map(|r| (r.depth, r.theme.key.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                (0, "t8"),
                (0, "t0"),
                (1, "t1"),
                (2, "t2"),
                (3, "t5"),
                (2, "t3"),
                (0, "t4"),
                (0, "t6"),
                (1, "t7"),
            ]
        );
        // A member of a cycle has the whole cycle and what hangs from it below it.
        let totals = h.totals(|_| 1);
        assert_eq!(totals, [5, 5, 2, 5, 1, 1, 2, 2, 1]);
        let keys = |v: Vec<&Theme>| v.into_iter().map(|t| t.key.clone()).collect::<Vec<_>>();
        assert_eq!(keys(b.descendants("t3")), ["t0", "t1", "t2", "t5"]);
        assert_eq!(keys(b.ancestors("t5")), ["t2", "t1", "t0", "t3"]);
        assert_eq!(keys(b.ancestors("t4")), Vec::<String>::new());
    }

    #[test]
    fn a_chain_twenty_thousand_deep_is_walked_without_recursion() {
        const N: usize = 20_000;
        let parents: Vec<Option<usize>> = (0..N).map(|i| i.checked_sub(1)).collect();
        let b = linked(&parents);
        assert_eq!(b.validate(), []);
        let h = b.hierarchy();
        let rows = h.rows();
        assert!(rows
            .iter()
            .enumerate()
            .all(|(i, r)| r.depth == i && r.index == i));
        assert_eq!(h.descendants("t0").len(), N - 1);
        let up: Vec<&Theme> = h.ancestors(&format!("t{}", N - 1)).collect();
        assert_eq!((up.len(), up[0].key.as_str()), (N - 1, "t19998"));
        assert_eq!(h.totals(|_| 1)[0], N);
        assert_eq!(b.roots().len(), 1);
        // Closing the chain into one cycle: reported once, from its first member.
        let mut cyclic = b.clone();
        cyclic.themes[0].parent = Some(format!("t{}", N - 1));
        let errs = cyclic.validate();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.starts_with(&format!(
            "themes form a parent cycle: t0 → t{} → t{}",
            N - 1,
            N - 2
        )));
        assert_eq!(cyclic.tree().len(), N);
        // The file, with a line for each problem, in one pass.
        let text = cyclic.to_toml();
        let errs = Codebook::parse_report(&text).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, Some(5), "{:?}", errs[0]);
    }

    /// The walks as first written (recursive, searching the theme list at each step): slow,
    /// but plainly right, to check the linear ones against.
    mod reference {
        use super::super::*;

        pub fn children<'a>(b: &'a Codebook, key: &str) -> Vec<&'a Theme> {
            b.themes
                .iter()
                .filter(|t| t.parent.as_deref() == Some(key))
                .collect()
        }

        fn below<'a>(
            b: &'a Codebook,
            key: &str,
            seen: &mut BTreeSet<String>,
            out: &mut Vec<&'a Theme>,
        ) {
            for t in children(b, key) {
                if seen.insert(t.key.clone()) {
                    out.push(t);
                    below(b, &t.key, seen, out);
                }
            }
        }

        pub fn descendants<'a>(b: &'a Codebook, key: &str) -> Vec<&'a Theme> {
            let mut out = Vec::new();
            below(b, key, &mut BTreeSet::from([key.to_string()]), &mut out);
            out
        }

        pub fn ancestors<'a>(b: &'a Codebook, key: &str) -> Vec<&'a Theme> {
            let get = |k: &str| b.themes.iter().find(|t| t.key == k);
            let mut out: Vec<&Theme> = Vec::new();
            let mut cur = get(key);
            while let Some(p) = cur.and_then(|t| t.parent.as_deref()).and_then(get) {
                if p.key == key || out.iter().any(|a| a.key == p.key) {
                    break;
                }
                out.push(p);
                cur = Some(p);
            }
            out
        }

        pub fn cycle_messages(b: &Codebook) -> Vec<String> {
            let parent_of: HashMap<&str, &str> = b
                .themes
                .iter()
                .filter_map(|t| t.parent.as_deref().map(|p| (t.key.as_str(), p)))
                .collect();
            let mut out = Vec::new();
            let mut reported: BTreeSet<&str> = BTreeSet::new();
            for t in &b.themes {
                if reported.contains(t.key.as_str()) {
                    continue;
                }
                let mut path = vec![t.key.as_str()];
                let mut cur = t.key.as_str();
                while let Some(&p) = parent_of.get(cur) {
                    if p == t.key && path.len() > 1 {
                        path.push(p);
                        out.push(format!("themes form a parent cycle: {}", path.join(" → ")));
                        reported.extend(path.iter().copied());
                        break;
                    }
                    if path.contains(&p) {
                        break;
                    }
                    path.push(p);
                    cur = p;
                }
            }
            out
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// On small codebooks of every shape (forests, cycles, themes below cycles, missing
        /// parents, self-parents), the linear walks agree with the reference ones.
        #[test]
        fn linear_walks_agree_with_the_reference(
            parents in proptest::collection::vec(proptest::option::of(0usize..14), 0..12)
        ) {
            // Parents 12 and 13 are not themes.
            let b = linked(&parents);
            let h = b.hierarchy();
            let keys = |v: Vec<&Theme>| v.into_iter().map(|t| t.key.clone()).collect::<Vec<_>>();
            for t in &b.themes {
                proptest::prop_assert_eq!(keys(h.descendants(&t.key)), keys(reference::descendants(&b, &t.key)));
                proptest::prop_assert_eq!(keys(h.children(&t.key)), keys(reference::children(&b, &t.key)));
                proptest::prop_assert_eq!(keys(h.ancestors(&t.key).collect()), keys(reference::ancestors(&b, &t.key)));
            }
            let own = |t: &Theme| t.key[1..].parse::<usize>().unwrap() + 1;
            let totals = h.totals(own);
            for (i, t) in b.themes.iter().enumerate() {
                let want = own(t) + reference::descendants(&b, &t.key).into_iter().map(own).sum::<usize>();
                proptest::prop_assert_eq!(totals[i], want, "{}", t.key);
            }
            // Each theme once in the tree, a child one deeper than the row it follows from.
            let rows = h.rows();
            let mut listed: Vec<usize> = rows.iter().map(|r| r.index).collect();
            listed.sort_unstable();
            proptest::prop_assert_eq!(listed, (0..b.themes.len()).collect::<Vec<_>>());
            for w in rows.windows(2) {
                proptest::prop_assert!(w[1].depth <= w[0].depth + 1);
                if w[1].depth == w[0].depth + 1 {
                    proptest::prop_assert_eq!(w[1].theme.parent.as_deref(), Some(w[0].theme.key.as_str()));
                }
            }
            let cycles: Vec<String> = b
                .validate()
                .into_iter()
                .map(|e| e.message)
                .filter(|m| m.contains("cycle"))
                .collect();
            proptest::prop_assert_eq!(cycles, reference::cycle_messages(&b));
        }
    }

    /// A codebook as a person keeps it: comments above and beside themes, aligned `=`, a
    /// literal string, a multi-line definition, an uppercase colour, fields left out.
    const HAND_WRITTEN: &str = r##"# Codebook for the Doña Ana evaluation (hand-edited: keep these comments).

# --- Collaboration ---
[[theme]]
key = "collaboration"
name = "Collaboration"   # the umbrella theme
colour = "#1F8FD6"
definition = """
How agencies work together."""

# Trust between workers of different agencies.
[[theme]]
key    = "trust"
name   = "Trust"
colour = "#12a0a0"
parent = "collaboration"

[[theme]]
key = "roles"
name = 'Roles'
colour = "#8a6fdc"
parent = "collaboration"
# roles and trust overlap: see the memo of 2026-06-14

# --- Practice ---
[[theme]]
key = "practice"
name = "Práctica"
colour = "#2f9e6a"

[[theme]]
key = "engaging"
name = "Engaging fathers"
colour = "#7f9612"
parent = "practice"
example = "He came to every session."

# The end.
"##;

    /// Apply `edit` to the hand-written codebook and save it over the file: the new text.
    fn edited(before: &str, edit: impl FnOnce(&mut Codebook)) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("codebook.toml");
        std::fs::write(&path, before).unwrap();
        let mut b = Codebook::load(&path).unwrap();
        edit(&mut b);
        b.save(&path).unwrap();
        let after = std::fs::read_to_string(&path).unwrap();
        assert_eq!(Codebook::parse(&after).unwrap(), b, "{after}");
        after
    }

    #[test]
    fn saving_keeps_comments_order_and_layout_byte_for_byte() {
        // Nothing changed: nothing moves.
        assert_eq!(edited(HAND_WRITTEN, |_| {}), HAND_WRITTEN);
        // Rename: that one value, spacing kept.
        let renamed = edited(HAND_WRITTEN, |b| b.rename("trust", "Confianza 🙂").unwrap());
        assert_eq!(
            renamed,
            HAND_WRITTEN.replace("name   = \"Trust\"", "name   = \"Confianza 🙂\"")
        );
        // A comment beside a changed value stays beside it.
        let renamed = edited(HAND_WRITTEN, |b| {
            b.rename("collaboration", "Working together").unwrap()
        });
        assert!(renamed.contains("name = \"Working together\"   # the umbrella theme\n"));
        // Add (beside `engaging`, under practice): after its last sibling, as `to_toml` writes it.
        let added = edited(HAND_WRITTEN, |b| {
            let mut t = Theme::new("housing", "Housing", &b.suggest_colour());
            t.parent = Some("practice".into());
            b.add(t).unwrap();
        });
        let housing = "\n[[theme]]\nkey = \"housing\"\nname = \"Housing\"\ncolour = \"#a65cc8\"\nparent = \"practice\"\ndefinition = \"\"\nuse_when = \"\"\nnot_when = \"\"\nexample = \"\"\n";
        assert_eq!(
            added,
            HAND_WRITTEN.replace("\n# The end.", &format!("{housing}\n# The end."))
        );
        // Merge roles into trust: roles' table goes; the comment after it, apart from it by a
        // blank line from the next table's own comment, stays.
        let merged = edited(&added, |b| {
            b.merge("roles", "trust").unwrap();
        });
        let roles = "\n[[theme]]\nkey = \"roles\"\nname = 'Roles'\ncolour = \"#8a6fdc\"\nparent = \"collaboration\"\n";
        assert_eq!(merged, added.replace(roles, "\n"));
        // Delete: the table and nothing else.
        let deleted = edited(&merged, |b| {
            b.delete("engaging", None, 0).unwrap();
        });
        let engaging = "\n[[theme]]\nkey = \"engaging\"\nname = \"Engaging fathers\"\ncolour = \"#7f9612\"\nparent = \"practice\"\nexample = \"He came to every session.\"\n";
        assert_eq!(deleted, merged.replace(engaging, ""));
        // Moving under another parent adds the field at the end of the table; to the top level
        // removes it.
        let moved = edited(HAND_WRITTEN, |b| {
            b.move_under("practice", Some("collaboration")).unwrap();
            b.move_under("trust", None).unwrap();
        });
        assert_eq!(
            moved,
            HAND_WRITTEN
                .replace(
                    "colour = \"#2f9e6a\"\n",
                    "colour = \"#2f9e6a\"\nparent = \"collaboration\"\n"
                )
                .replace(
                    "colour = \"#12a0a0\"\nparent = \"collaboration\"\n",
                    "colour = \"#12a0a0\"\n"
                )
        );
    }

    #[test]
    fn comments_right_above_a_removed_theme_go_with_it_and_the_rest_stays() {
        // The file's opening comment is above the first theme, apart by a blank line: it stays
        // when that theme goes; the comment right above trust goes with trust.
        let deleted = edited(HAND_WRITTEN, |b| {
            b.move_under("trust", None).unwrap();
            b.move_under("roles", None).unwrap();
            b.delete("collaboration", None, 0).unwrap();
            b.delete("trust", None, 0).unwrap();
        });
        // `# --- Collaboration ---` is right above collaboration's header: it goes with it.
        assert!(deleted.starts_with(
            "# Codebook for the Doña Ana evaluation (hand-edited: keep these comments).\n\n[[theme]]\nkey = \"roles\""
        ), "{deleted}");
        assert!(!deleted.contains("# Trust between"), "{deleted}");
        assert!(deleted.ends_with("\n# The end.\n"), "{deleted}");
        // A theme added in front of a commented table takes what stood above that comment.
        let mut b = Codebook::parse(HAND_WRITTEN).unwrap();
        b.themes.insert(3, Theme::new("early", "Early", "#cc2f2f"));
        let text = b.edit_toml(HAND_WRITTEN).unwrap();
        assert!(text.contains(
            "# roles and trust overlap: see the memo of 2026-06-14\n\n[[theme]]\nkey = \"early\""
        ), "{text}");
        assert!(
            text.contains("example = \"\"\n\n# --- Practice ---\n[[theme]]\nkey = \"practice\""),
            "{text}"
        );
        assert_eq!(Codebook::parse(&text).unwrap(), b);
    }

    #[test]
    fn removing_the_first_themes_leaves_no_blank_line_at_the_top_and_a_bom_stays() {
        let text = "[[theme]]\nkey = \"a\"\nname = \"A\"\ncolour = \"#111111\"\n\n[[theme]]\nkey = \"b\"\nname = \"B\"\ncolour = \"#222222\"\n";
        let mut b = Codebook::parse(text).unwrap();
        b.delete("a", None, 0).unwrap();
        assert_eq!(
            b.edit_toml(text).unwrap(),
            "[[theme]]\nkey = \"b\"\nname = \"B\"\ncolour = \"#222222\"\n"
        );
        // A byte-order mark stays, changed or not.
        let bom = format!("\u{feff}{text}");
        let b = Codebook::parse(&bom).unwrap();
        assert_eq!(b.edit_toml(&bom).unwrap(), bom);
        let mut renamed = b.clone();
        renamed.rename("b", "Bee").unwrap();
        assert_eq!(
            renamed.edit_toml(&bom).unwrap(),
            bom.replace("\"B\"", "\"Bee\"")
        );
        // Every theme removed: the comments stay, the tables go.
        let commented = format!("# all themes\n\n{text}# end\n");
        let empty = Codebook { themes: vec![] };
        let out = empty.edit_toml(&commented).unwrap();
        assert_eq!(out, "# all themes\n\n# end\n");
        assert_eq!(Codebook::parse(&out).unwrap(), empty);
    }

    #[test]
    fn a_file_with_windows_line_ends_keeps_them() {
        let crlf = HAND_WRITTEN.replace('\n', "\r\n");
        let b = Codebook::parse(&crlf).unwrap();
        assert_eq!(b.edit_toml(&crlf).unwrap(), crlf);
        let mut changed = b.clone();
        changed.rename("trust", "Confianza").unwrap();
        let mut housing = Theme::new("housing", "Housing", "#a65cc8");
        housing.definition = "Where families live.\nAnd move.".into();
        changed.add(housing).unwrap();
        changed.delete("roles", None, 0).unwrap();
        let out = changed.edit_toml(&crlf).unwrap();
        assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
        assert_eq!(Codebook::parse(&out).unwrap(), changed);
        assert_eq!(
            out.replace("\r\n", "\n"),
            changed.edit_toml(HAND_WRITTEN).unwrap()
        );
    }

    #[test]
    fn a_file_that_is_not_toml_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("codebook.toml");
        let broken = "# mine\n[[theme]]\nkey = \"a\"\nname = \"A\ncolour = \"#111111\"\n";
        std::fs::write(&path, broken).unwrap();
        let e = Codebook::builtin().save(&path).unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.message.contains("not valid TOML"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
    }

    #[test]
    fn edits() {
        let mut b = Codebook::builtin();
        let mut t = Theme::new("housing", "Housing", &b.suggest_colour());
        t.parent = Some("practice".into());
        b.add(t).unwrap();
        assert_eq!(b.children("practice").last().unwrap().key, "housing");
        assert_eq!(
            b.themes.iter().position(|t| t.key == "housing"),
            Some(13),
            "added after its siblings"
        );
        assert!(b.add(Theme::new("housing", "X", "#123456")).is_err());
        assert!(b.add(Theme::new("Bad Key", "X", "#123456")).is_err());
        b.rename("housing", "Housing stability").unwrap();
        assert!(b.rename("housing", "  ").is_err());
        assert!(b.recolour("housing", "#12345").is_err());
        b.recolour("housing", "#AABBCC").unwrap();
        assert_eq!(b.get("housing").unwrap().colour, "#aabbcc");
        b.move_under("housing", None).unwrap();
        assert!(b.roots().iter().any(|t| t.key == "housing"));

        let r = b.merge("flexibility", "trust").unwrap();
        assert_eq!(
            r,
            ThemeRemap {
                from: "flexibility".into(),
                to: "trust".into()
            }
        );
        assert!(b.get("flexibility").is_none());

        assert!(
            b.delete("trust", None, 3).is_err(),
            "passages would be lost"
        );
        assert!(
            b.delete("collaboration", Some("practice"), 0).is_err(),
            "has children"
        );
        let r = b
            .delete("trust", Some("communication"), 3)
            .unwrap()
            .unwrap();
        assert_eq!(r.to, "communication");
        assert_eq!(b.delete("housing", None, 0).unwrap(), None);
        assert!(b.validate().is_empty());
    }

    #[test]
    fn merging_a_parent_into_its_child() {
        let mut b = Codebook::builtin();
        b.merge("practice", "perpetrator-patterns").unwrap();
        assert_eq!(b.get("perpetrator-patterns").unwrap().parent, None);
        assert_eq!(
            b.get("engaging-perpetrators").unwrap().parent.as_deref(),
            Some("perpetrator-patterns")
        );
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

    #[test]
    fn suggested_colour_is_unused() {
        let b = Codebook::builtin();
        let c = b.suggest_colour();
        assert!(b.themes.iter().all(|t| t.colour != c));
    }
}
