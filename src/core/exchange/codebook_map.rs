//! The codebook in both directions: Ripple themes ⇄ REFI-QDA codes.
//!
//! A theme's codebook entry travels in the code's `Description` as labelled paragraphs,
//! "Definition: …", "Use when: …", "Don't use when: …", "Example: …", which other tools show
//! as the code's description and Ripple reads back into the four fields. A description without
//! these labels is a definition. REFI-QDA has no place for a short key: when a theme's key is
//! not the one its name gives (`Collaboration between agencies` → key `collaboration`), a last
//! paragraph "Key: collaboration" carries it, so a Ripple → Ripple round trip keeps keys.
//!
//! A field's own text may hold a paragraph that starts with a label ("Example: …" inside a
//! definition). On export such a paragraph gets one backslash before it (`\Example: …`; one
//! more for each it already had), so it is not read as the next field, and reading takes one
//! off again: every field comes back as it was.

use crate::core::codebook::{is_valid_key, Theme};
use unicode_normalization::UnicodeNormalization;

const DEFINITION: &str = "Definition: ";
const USE_WHEN: &str = "Use when: ";
const NOT_WHEN: &str = "Don't use when: ";
const EXAMPLE: &str = "Example: ";
const KEY: &str = "Key: ";
const LABELS: [&str; 5] = [DEFINITION, USE_WHEN, NOT_WHEN, EXAMPLE, KEY];

/// Longest key made from a name (keys are typed in queries: `theme:shared-purpose`).
const MAX_KEY: usize = 40;

/// The key a theme name gives: lowercase ASCII letters and digits with single dashes, accents
/// folded ("Niñez" → "ninez"), starting with a letter ("theme-" before a leading digit; "theme"
/// for a name with no Latin letter or digit at all).
pub fn key_from_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "theme-");
    }
    out.truncate(MAX_KEY);
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("theme");
    }
    debug_assert!(is_valid_key(&out), "{out}");
    out
}

/// The description a theme exports with: its entry's fields as labelled paragraphs, and its
/// key when the name does not give it. None when there is nothing to say.
pub fn description(theme: &Theme) -> Option<String> {
    description_with(theme, true)
}

/// `description`, with the "Key:" paragraph only when `with_key` (a de-identified export
/// leaves out a key that spells a redacted name).
pub fn description_with(theme: &Theme, with_key: bool) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for (label, text) in [
        (DEFINITION, &theme.definition),
        (USE_WHEN, &theme.use_when),
        (NOT_WHEN, &theme.not_when),
        (EXAMPLE, &theme.example),
    ] {
        if !text.is_empty() {
            parts.push(format!("{label}{}", escape_labels(text)));
        }
    }
    if with_key && key_from_name(&theme.name) != theme.key {
        parts.push(format!("{KEY}{}", theme.key));
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// Whether a paragraph is a label after `backslashes` backslashes (how many it has before
/// the label, if it is one).
fn label_after_backslashes(paragraph: &str) -> Option<usize> {
    let rest = paragraph.trim_start_matches('\\');
    let n = paragraph.len() - rest.len();
    LABELS.iter().any(|l| rest.starts_with(l)).then_some(n)
}

/// `text` with one more backslash before each paragraph (after the first) that starts with a
/// label after any backslashes.
fn escape_labels(text: &str) -> String {
    map_paragraphs(text, |p| match label_after_backslashes(p) {
        Some(_) => format!("\\{p}"),
        None => p.to_string(),
    })
}

/// `escape_labels` undone: one backslash less before each paragraph (after the first) that
/// starts with a label after at least one backslash.
fn unescape_labels(text: &str) -> String {
    map_paragraphs(text, |p| match label_after_backslashes(p) {
        Some(n) if n > 0 => p[1..].to_string(),
        _ => p.to_string(),
    })
}

/// `text` with `f` applied to each paragraph after the first (paragraphs are separated by a
/// blank line, "\n\n", as the fields are).
fn map_paragraphs(text: &str, f: impl Fn(&str) -> String) -> String {
    text.split("\n\n")
        .enumerate()
        .map(|(i, p)| if i == 0 { p.to_string() } else { f(p) })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A theme's entry read back from a description.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    pub definition: String,
    pub use_when: String,
    pub not_when: String,
    pub example: String,
    /// The key the description names, if it is a valid key.
    pub key: Option<String>,
}

/// Split a description into the entry's fields (see the module comment). Labels are
/// recognised only in their order, each at the start of the text or of a paragraph.
pub fn entry(description: &str) -> Entry {
    let mut entry = Entry::default();
    if !LABELS.iter().any(|l| description.starts_with(l)) {
        entry.definition = description.to_string();
        return entry;
    }
    // (label index, start of its text, start of its paragraph)
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    let mut from_label = 0;
    let mut at = 0;
    while at <= description.len() {
        let rest = &description[at..];
        if let Some(i) = (from_label..LABELS.len()).find(|&i| rest.starts_with(LABELS[i])) {
            found.push((i, at + LABELS[i].len(), at));
            from_label = i + 1;
        }
        match rest.find("\n\n") {
            Some(p) => at += p + 2,
            None => break,
        }
    }
    for (n, &(label, start, _)) in found.iter().enumerate() {
        let end = found
            .get(n + 1)
            .map_or(description.len(), |&(_, _, paragraph)| paragraph - 2);
        let text = unescape_labels(&description[start..end.max(start)]);
        match label {
            0 => entry.definition = text,
            1 => entry.use_when = text,
            2 => entry.not_when = text,
            3 => entry.example = text,
            _ => entry.key = Some(text.trim().to_string()).filter(|k| is_valid_key(k)),
        }
    }
    entry
}

/// `#rgb` → `#rrggbb`; anything else that is not `#rrggbb` → None.
pub fn colour(c: &str) -> Option<String> {
    let hex = c.trim().strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{hex}")),
        3 => Some(hex.chars().fold(String::from("#"), |mut s, c| {
            s.push(c);
            s.push(c);
            s
        })),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_from_names() {
        assert_eq!(key_from_name("Shared purpose"), "shared-purpose");
        assert_eq!(key_from_name("Niñez & familias!"), "ninez-familias");
        assert_eq!(key_from_name("rq1_definition"), "rq1-definition");
        assert_eq!(
            key_from_name("2022-05-10T02:05:59Z 19e4dce"),
            "theme-2022-05-10t02-05-59z-19e4dce"
        );
        assert_eq!(key_from_name("信任"), "theme");
        assert_eq!(key_from_name("\"rushed\""), "rushed");
        assert!(key_from_name(&"long words ".repeat(20)).len() <= MAX_KEY);
    }

    #[test]
    fn descriptions_round_trip_the_entry_and_an_underivable_key() {
        let mut t = Theme::new("collaboration", "Collaboration between agencies", "#1f8fd6");
        t.definition = "How the agencies work.\n\nTwo paragraphs.".into();
        t.not_when = " Use Trust: instead.".into();
        t.example = "\"We call first.\"".into();
        let d = description(&t).unwrap();
        assert!(d.starts_with("Definition: How"));
        assert!(d.ends_with("\n\nKey: collaboration"));
        let e = entry(&d);
        assert_eq!(e.definition, t.definition);
        assert_eq!(e.use_when, "");
        assert_eq!(e.not_when, t.not_when);
        assert_eq!(e.example, t.example);
        assert_eq!(e.key.as_deref(), Some("collaboration"));
        let plain = Theme::new("trust", "Trust", "#000000");
        assert_eq!(description(&plain), None);
    }

    /// A field whose own paragraphs start with labels comes back whole: it does not spill into
    /// other fields, nor change the key.
    #[test]
    fn paragraphs_that_start_with_a_label_stay_in_their_field() {
        let mut t = Theme::new("alpha", "Alpha", "#000000");
        t.definition = "Covers X.\n\nExample: this line is part of the definition\n\nKey: hijack\n\n\\Use when: one backslash already".into();
        t.use_when = "Use when: doubled label".into();
        t.example = "Definition: inside the example\n\n\\\\Key: two".into();
        let d = description(&t).unwrap();
        let e = entry(&d);
        assert_eq!(e.definition, t.definition);
        assert_eq!(e.use_when, t.use_when);
        assert_eq!(e.not_when, "");
        assert_eq!(e.example, t.example);
        assert_eq!(e.key, None, "{d}");
    }

    #[test]
    fn an_unlabelled_description_is_a_definition() {
        let e = entry("Definition / inclusion / exclusion / example as free text");
        assert_eq!(
            e.definition,
            "Definition / inclusion / exclusion / example as free text"
        );
        let e = entry("Example: only an example");
        assert_eq!(e.example, "only an example");
        assert_eq!(e.definition, "");
        let e = entry("Key: Not A Key");
        assert_eq!(e.key, None);
    }

    #[test]
    fn colours_expand_short_forms() {
        assert_eq!(colour("#F00").as_deref(), Some("#FF0000"));
        assert_eq!(colour("#e69f00").as_deref(), Some("#e69f00"));
        assert_eq!(colour("red"), None);
        assert_eq!(colour("#12345"), None);
    }
}
