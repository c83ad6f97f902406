//! The codebook written as TOML: a new file in the shape of `codebook/default.toml`, or a
//! hand-edited file changed in place with its comments, order and layout kept.

use super::{Codebook, CodebookError, Lines, Theme};
use serde::Serialize;
use std::collections::HashMap;

impl Codebook {
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
        // Nothing to change: the file stays as it is, byte for byte (toml_edit would rewrite
        // the whitespace of an empty document, a lone CR LF among LFs for one).
        if matches!(Codebook::parse(text), Ok(ref b) if b == self) {
            return Ok(text.to_string());
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by `fuzz::any_codebook_file…`: an empty codebook whose lines end in CR LF and LF
    /// came back with the CR gone although nothing was edited.
    #[test]
    fn an_unchanged_codebook_keeps_its_file_byte_for_byte() {
        for text in ["\r\n\n", "\n\n", "# only a comment\r\n"] {
            let book = Codebook::parse(text).unwrap();
            assert_eq!(book.edit_toml(text).unwrap(), text);
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
}
