//! The session file: TOML front matter between two `+++` lines, then the note text verbatim.
//!
//! ```text
//! +++
//! id = "01jd3k…"
//! title = "Joint coaching: safety planning with fathers"
//! date = "2026-06-14"
//! …
//! +++
//! The note text, exactly.
//! ```
//!
//! Writing is done by hand rather than through a TOML serializer so the layout is fixed and every
//! string is a single-line basic string: no line of the front matter can ever be `+++`, whatever
//! the metadata holds. Reading uses the `toml` crate and reports errors with the line of the
//! whole file. Unknown keys are rejected (not dropped): saving would otherwise lose them.

use crate::core::session::{Participant, Session, SessionId, SessionMeta, SessionType};
use crate::core::text::normalize_newlines;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Deserialize;
use std::fmt;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

/// The line that opens and closes the front matter.
pub const DELIMITER: &str = "+++";

/// What is wrong with a session file, and on which line (1-based, of the whole file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for FormatError {}

/// The file text for a session. The note text is written verbatim after the closing `+++`.
pub fn to_file_string(s: &Session) -> String {
    let m = &s.meta;
    let mut out = String::with_capacity(s.text.len() + 512);
    out.push_str(DELIMITER);
    out.push('\n');
    let _ = writeln!(out, "id = {}", toml_string(m.id.as_str()));
    let _ = writeln!(out, "title = {}", toml_string(&m.title));
    let _ = writeln!(out, "date = \"{}\"", format_date(m.date));
    let _ = writeln!(out, "agencies = {}", toml_array(&m.agencies));
    let _ = writeln!(out, "type = \"{}\"", m.session_type.key());
    let _ = writeln!(out, "county = {}", toml_string(&m.county));
    let _ = writeln!(out, "facilitator = {}", toml_string(&m.facilitator));
    let _ = writeln!(out, "tags = {}", toml_array(&m.tags));
    let _ = writeln!(out, "created = \"{}\"", format_timestamp(&m.created));
    let _ = writeln!(out, "updated = \"{}\"", format_timestamp(&m.updated));
    for p in &m.participants {
        out.push('\n');
        out.push_str("[[participants]]\n");
        let _ = writeln!(out, "role = {}", toml_string(&p.role));
        let _ = writeln!(out, "count = {}", p.count);
    }
    out.push_str(DELIMITER);
    out.push('\n');
    out.push_str(&s.text);
    out
}

/// `YYYY-MM-DD`, as stored in files.
pub fn format_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// RFC 3339 in UTC with `Z`; fractional seconds only when present, so times round-trip exactly.
pub fn format_timestamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A TOML basic string on one line: every control character is escaped.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_array(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| toml_string(s)).collect();
    format!("[{}]", parts.join(", "))
}

/// A date or time written either as a string (what Ripple writes) or as a bare TOML date/time
/// (what a person editing by hand may type).
#[derive(Deserialize)]
#[serde(untagged)]
enum DateValue {
    Text(String),
    Toml(toml::value::Datetime),
}

impl DateValue {
    fn text(&self) -> String {
        match self {
            DateValue::Text(s) => s.clone(),
            DateValue::Toml(d) => d.to_string(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: Spanned<String>,
    #[serde(default)]
    title: String,
    date: Spanned<DateValue>,
    #[serde(default)]
    agencies: Vec<String>,
    #[serde(rename = "type", default)]
    session_type: Option<Spanned<String>>,
    #[serde(default)]
    county: String,
    #[serde(default)]
    facilitator: String,
    #[serde(default)]
    participants: Vec<ParticipantEntry>,
    #[serde(default)]
    tags: Vec<String>,
    created: Option<Spanned<DateValue>>,
    updated: Option<Spanned<DateValue>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParticipantEntry {
    role: String,
    #[serde(default = "one")]
    count: u32,
}

fn one() -> u32 {
    1
}

/// Parse a session file. CRLF and lone CR become LF first (files edited on Windows load).
pub fn parse_session_file(text: &str) -> Result<Session, FormatError> {
    let text = normalize_newlines(text);
    let (front, body) = split_front_matter(&text)?;
    // The front matter starts on line 2, after the opening `+++`.
    let line_of = |span: Range<usize>| 2 + count_newlines(&front[..span.start.min(front.len())]);

    let fm: FrontMatter = toml::from_str(front).map_err(|e| {
        let line = e.span().map(line_of).unwrap_or(1);
        FormatError {
            line,
            message: toml_message(&e),
        }
    })?;

    let id_raw = fm.id.get_ref().trim();
    if !is_valid_id(id_raw) {
        return Err(FormatError {
            line: line_of(fm.id.span()),
            message: format!(
                "`{}` is not a session id: expected 26 letters and digits (a ULID, e.g. {})",
                fm.id.get_ref(),
                SessionId::new()
            ),
        });
    }
    let id = SessionId(id_raw.to_ascii_lowercase());

    let date_text = fm.date.get_ref().text();
    let date =
        NaiveDate::parse_from_str(date_text.trim(), "%Y-%m-%d").map_err(|_| FormatError {
            line: line_of(fm.date.span()),
            message: format!(
                "date `{date_text}` is not a date: expected YYYY-MM-DD, e.g. 2026-06-14"
            ),
        })?;

    let session_type = match &fm.session_type {
        None => SessionType::default(),
        Some(t) => SessionType::parse(t.get_ref()).ok_or_else(|| FormatError {
            line: line_of(t.span()),
            message: format!(
                "type `{}` is not a session type: use one of {}",
                t.get_ref(),
                SessionType::ALL.map(|t| t.key()).join(", ")
            ),
        })?,
    };

    let parse_time = |v: &Spanned<DateValue>, key: &str| -> Result<DateTime<Utc>, FormatError> {
        let s = v.get_ref().text();
        DateTime::parse_from_rfc3339(s.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| FormatError {
                line: line_of(v.span()),
                message: format!(
                    "{key} `{s}` is not a time: expected RFC 3339, e.g. 2026-06-14T18:03:00Z"
                ),
            })
    };
    // Hand-written files may leave out the times: they default to the session date at midnight
    // UTC, and `updated` to `created`. They are written out on the next save.
    let created = match &fm.created {
        Some(v) => parse_time(v, "created")?,
        None => date
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc(),
    };
    let updated = match &fm.updated {
        Some(v) => parse_time(v, "updated")?,
        None => created,
    };

    Ok(Session {
        meta: SessionMeta {
            id,
            title: fm.title,
            date,
            agencies: fm.agencies,
            session_type,
            county: fm.county,
            facilitator: fm.facilitator,
            participants: fm
                .participants
                .into_iter()
                .map(|p| Participant {
                    role: p.role,
                    count: p.count,
                })
                .collect(),
            tags: fm.tags,
            created,
            updated,
        },
        text: body.to_string(),
    })
}

/// The note of a session file without its metadata: the text [`parse_session_file`] gives, for
/// readers that need only the words (`agree` reads thousands of notes). The front matter is
/// found but not parsed, so broken metadata does not keep the words from being read; every
/// reader of the metadata (the list, `ripple check`) reports it.
pub fn parse_note_only(text: &str) -> Result<String, FormatError> {
    let text = normalize_newlines(text);
    let (_, body) = split_front_matter(&text)?;
    Ok(body.to_string())
}

/// Whether `s` can be a session id: 26 ASCII letters/digits (a ULID in either case). The id
/// names the file, so anything else (slashes, dots) is refused.
pub fn is_valid_id(s: &str) -> bool {
    s.len() == 26 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Splits normalised file text into (front matter, note text).
fn split_front_matter(text: &str) -> Result<(&str, &str), FormatError> {
    let (first, rest_start) = match text.find('\n') {
        Some(i) => (&text[..i], i + 1),
        None => (text, text.len()),
    };
    if first.trim_end() != DELIMITER {
        return Err(FormatError {
            line: 1,
            message: if text.trim().is_empty() {
                "the file is empty: a session file starts with a line `+++`".to_string()
            } else {
                "a session file must start with a line `+++` (the metadata follows it)".to_string()
            },
        });
    }
    let mut pos = rest_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map(|i| pos + i);
        let line = &text[pos..end.unwrap_or(text.len())];
        if line.trim_end() == DELIMITER {
            let body_start = end.map(|e| e + 1).unwrap_or(text.len());
            return Ok((&text[rest_start..pos], &text[body_start..]));
        }
        match end {
            Some(e) => pos = e + 1,
            None => break,
        }
    }
    Err(FormatError {
        line: 1,
        message:
            "the metadata opened by `+++` on line 1 is never closed: add a line `+++` after it"
                .to_string(),
    })
}

fn count_newlines(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'\n').count()
}

/// The toml error's message, first line only (its Display repeats the source with markers).
fn toml_message(e: &toml::de::Error) -> String {
    let msg = e.message().trim();
    let msg = msg.lines().next().unwrap_or(msg).trim();
    if msg.is_empty() {
        "malformed metadata".to_string()
    } else if let Some(rest) = msg.strip_prefix("unknown field ") {
        // Refused rather than dropped: saving would otherwise lose it.
        let (key, known) = rest.split_once(", ").unwrap_or((rest, ""));
        format!("unknown key {key} (Ripple would lose it on save; remove or rename it): {known}")
    } else {
        msg.to_string()
    }
}

/// A file's bytes as text, or the line of the first byte that is not UTF-8.
pub fn utf8_text(bytes: &[u8]) -> Result<&str, FormatError> {
    std::str::from_utf8(bytes).map_err(|e| FormatError {
        line: 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count(),
        message: "the file is not UTF-8 text: save it as UTF-8".into(),
    })
}

/// The store folder that holds the session files.
pub const SESSIONS_DIR: &str = "sessions";

/// Longest title part of a session file name, in bytes (so a name stays well under the 255
/// bytes file systems allow, whatever the script of the title).
pub const SLUG_BYTES: usize = 80;

/// A title as the readable part of a file name: lower case, accents folded ("Doña" → "dona"),
/// anything but letters and digits → `-`, no leading, trailing or doubled dashes, at most
/// [`SLUG_BYTES`] bytes (cut at a dash where one is near). Letters of other scripts are kept.
pub fn title_slug(title: &str) -> String {
    crate::core::text::name_slug(title, SLUG_BYTES)
}

/// A session's file name: `YYYY-MM-DD-title-slug-ID.md` (`YYYY-MM-DD-ID.md` when the title has
/// no letters or digits). The id is always the last 26 characters before `.md`.
pub fn file_name_for(meta: &SessionMeta) -> String {
    let slug = title_slug(&meta.title);
    let date = format_date(meta.date);
    if slug.is_empty() {
        format!("{date}-{}.md", meta.id.as_str())
    } else {
        format!("{date}-{slug}-{}.md", meta.id.as_str())
    }
}

/// The session id a file name holds: the 26 letters and digits before `.md`, either the whole
/// name (`<id>.md`, the form of earlier Ripples) or after a `-` (`2026-06-14-title-<id>.md`).
/// `None` for any other name.
pub fn id_of_file_name(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(".md")?;
    let cut = stem.len().checked_sub(26)?;
    if !stem.is_char_boundary(cut) {
        return None;
    }
    let (prefix, id) = stem.split_at(cut);
    (is_valid_id(id) && (prefix.is_empty() || prefix.ends_with('-'))).then_some(id)
}

/// Read a session file's bytes: UTF-8 (else the line of the first bad byte), the format, and
/// that the id in the file is the one its name ends with (for a file in `sessions/`; an empty
/// path skips that).
pub fn parse_bytes(path: &Path, bytes: &[u8]) -> Result<Session, FormatError> {
    let s = parse_session_file(utf8_text(bytes)?)?;
    let name = path.file_name().and_then(|s| s.to_str()).unwrap_or("");
    if !name.is_empty()
        && path.parent().is_some_and(|p| p.ends_with(SESSIONS_DIR))
        && id_of_file_name(name) != Some(s.meta.id.as_str())
    {
        return Err(FormatError {
            line: 2,
            message: format!(
                "the id inside ({}) does not match the file name: rename the file to {}",
                s.meta.id,
                file_name_for(&s.meta)
            ),
        });
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Session {
        let t = DateTime::parse_from_rfc3339("2026-06-14T18:03:00Z")
            .unwrap()
            .with_timezone(&Utc);
        Session {
            meta: SessionMeta {
                id: SessionId("01jd3k4m5n6p7q8r9s0t1v2w3x".into()),
                title: "Joint coaching: safety planning with fathers".into(),
                date: NaiveDate::from_ymd_opt(2026, 6, 14).unwrap(),
                agencies: vec!["CYFD".into(), "La Casa".into()],
                session_type: SessionType::JointCoaching,
                county: "Doña Ana".into(),
                facilitator: "M. Rivera".into(),
                participants: vec![Participant {
                    role: "supervisor".into(),
                    count: 2,
                }],
                tags: vec!["fathers".into()],
                created: t,
                updated: t + chrono::Duration::seconds(2232),
            },
            text: "Confianza grew 🙂\n我们\n".into(),
        }
    }

    #[test]
    fn file_names_are_date_title_and_id_and_give_the_id_back() {
        let mut meta = sample().meta;
        assert_eq!(
            file_name_for(&meta),
            "2026-06-14-joint-coaching-safety-planning-with-fathers-01jd3k4m5n6p7q8r9s0t1v2w3x.md"
        );
        meta.title = "  Doña Ana — Straße, 我们 🙂 ".into();
        assert_eq!(title_slug(&meta.title), "dona-ana-strasse-我们");
        meta.title = "¿?".into();
        assert_eq!(
            file_name_for(&meta),
            "2026-06-14-01jd3k4m5n6p7q8r9s0t1v2w3x.md"
        );
        meta.title = "palabra ".repeat(40);
        let slug = title_slug(&meta.title);
        assert!(
            slug.len() <= SLUG_BYTES && slug.ends_with("palabra"),
            "{slug}"
        );
        meta.title = "我".repeat(100);
        assert!(title_slug(&meta.title).len() <= SLUG_BYTES);
        assert!(file_name_for(&meta).len() < 255);
        for name in [
            "01jd3k4m5n6p7q8r9s0t1v2w3x.md",
            "2026-06-14-01jd3k4m5n6p7q8r9s0t1v2w3x.md",
            "2026-06-14-我们-01jd3k4m5n6p7q8r9s0t1v2w3x.md",
        ] {
            assert_eq!(
                id_of_file_name(name),
                Some("01jd3k4m5n6p7q8r9s0t1v2w3x"),
                "{name}"
            );
        }
        for name in [
            "x01jd3k4m5n6p7q8r9s0t1v2w3x.md",
            "01jd3k4m5n6p7q8r9s0t1v2w3x.txt",
            "notes.md",
            "我01jd3k4m5n6p7q8r9s0t1v2w.md",
            "2026-06-14-title-01jd3k4m5n6p7q8r9s0t1v2w3!.md",
        ] {
            assert_eq!(id_of_file_name(name), None, "{name}");
        }
    }

    #[test]
    fn a_file_must_end_with_the_id_it_holds() {
        let file = to_file_string(&sample());
        let dir = Path::new("/s/sessions");
        for name in [
            "01jd3k4m5n6p7q8r9s0t1v2w3x.md",
            "2026-06-14-any-title-at-all-01jd3k4m5n6p7q8r9s0t1v2w3x.md",
        ] {
            assert!(
                parse_bytes(&dir.join(name), file.as_bytes()).is_ok(),
                "{name}"
            );
        }
        let e = parse_bytes(
            &dir.join("2026-06-14-joint-01jd3k4m5n6p7q8r9s0t1v2w3y.md"),
            file.as_bytes(),
        )
        .unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.message
                .contains("rename the file to 2026-06-14-joint-coaching"),
            "{e}"
        );
    }

    #[test]
    fn the_note_alone_is_the_parsed_text() {
        let file = to_file_string(&sample());
        let crlf = format!("\u{feff}{}", file.replace('\n', "\r\n"));
        for f in [&file, &crlf] {
            assert_eq!(
                parse_note_only(f).unwrap(),
                parse_session_file(f).unwrap().text
            );
        }
        // Broken metadata does not hide the words; a file without its delimiters is refused.
        let bad_date = file.replace("date = \"2026-06-14\"", "date = \"June\"");
        assert_ne!(bad_date, file);
        assert!(parse_session_file(&bad_date).is_err());
        assert_eq!(parse_note_only(&bad_date).unwrap(), sample().text);
        assert_eq!(parse_note_only("no front matter").unwrap_err().line, 1);
        assert!(parse_note_only("+++\ntitle = \"x\"\nwords").is_err());
    }

    #[test]
    fn writes_the_documented_layout() {
        let s = sample();
        let expected = "+++\n\
id = \"01jd3k4m5n6p7q8r9s0t1v2w3x\"\n\
title = \"Joint coaching: safety planning with fathers\"\n\
date = \"2026-06-14\"\n\
agencies = [\"CYFD\", \"La Casa\"]\n\
type = \"joint-coaching\"\n\
county = \"Doña Ana\"\n\
facilitator = \"M. Rivera\"\n\
tags = [\"fathers\"]\n\
created = \"2026-06-14T18:03:00Z\"\n\
updated = \"2026-06-14T18:40:12Z\"\n\
\n\
[[participants]]\n\
role = \"supervisor\"\n\
count = 2\n\
+++\n\
Confianza grew 🙂\n我们\n";
        assert_eq!(to_file_string(&s), expected);
        assert_eq!(parse_session_file(expected).unwrap(), s);
    }

    #[test]
    fn crlf_is_normalised_and_bare_toml_dates_accepted() {
        let f = "+++\r\nid = \"01JD3K4M5N6P7Q8R9S0T1V2W3X\"\r\ntitle = \"x\"\r\ndate = 2026-02-03\r\n+++\r\na\r\nb";
        let s = parse_session_file(f).unwrap();
        assert_eq!(s.meta.id.as_str(), "01jd3k4m5n6p7q8r9s0t1v2w3x");
        assert_eq!(s.text, "a\nb");
        assert_eq!(s.meta.date, NaiveDate::from_ymd_opt(2026, 2, 3).unwrap());
        assert_eq!(s.meta.created, s.meta.updated);
        assert_eq!(s.meta.session_type, SessionType::Coaching);
    }

    #[test]
    fn errors_name_the_line_of_the_file() {
        let base = to_file_string(&sample());
        // Bad date on line 4.
        let bad = base.replace("date = \"2026-06-14\"", "date = \"2026-14-06\"");
        let e = parse_session_file(&bad).unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("2026-14-06"), "{e}");
        // Broken TOML on line 3.
        let bad = base.replace("title = \"Joint", "title = Joint");
        let e = parse_session_file(&bad).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        // Unknown key on line 11 is refused, not dropped.
        let bad = base.replace("updated = ", "mood = \"ok\"\nupdated = ");
        let e = parse_session_file(&bad).unwrap_err();
        assert_eq!(e.line, 11, "{e}");
        assert!(e.message.contains("unknown key `mood`"), "{e}");
        assert!(e.message.contains("lose it on save"), "{e}");
        // Bad type.
        let bad = base.replace("\"joint-coaching\"", "\"picnic\"");
        let e = parse_session_file(&bad).unwrap_err();
        assert_eq!(e.line, 6);
        assert!(e.message.contains("joint-coaching"), "{e}");
        // Missing closing line.
        let e = parse_session_file("+++\nid = \"x\"\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("never closed"), "{e}");
        // No opening line.
        let e = parse_session_file("hello\n").unwrap_err();
        assert_eq!(e.line, 1);
        // Bad id (would escape the sessions folder as a file name).
        let bad = base.replace("01jd3k4m5n6p7q8r9s0t1v2w3x", "../../etc/passwd");
        assert_eq!(parse_session_file(&bad).unwrap_err().line, 2);
        // Missing required id.
        let e = parse_session_file("+++\ndate = \"2026-01-01\"\n+++\n").unwrap_err();
        assert!(e.message.contains("id"), "{e}");
    }

    #[test]
    fn text_may_contain_delimiter_lines() {
        let mut s = sample();
        s.text = "+++\n+++\nafter\n+++".into();
        s.meta.title = "a\n+++\nb".into();
        assert_eq!(parse_session_file(&to_file_string(&s)).unwrap(), s);
    }

    fn arb_string() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            proptest::collection::vec(
                prop_oneof![
                    Just("+++".to_string()),
                    Just("\n".to_string()),
                    Just("\r\n".to_string()),
                    Just("\r".to_string()),
                    Just("Doña Ana".to_string()),
                    Just("🙂".to_string()),
                    Just("我们".to_string()),
                    Just("\"".to_string()),
                    Just("\\".to_string()),
                    Just("'''".to_string()),
                    Just("\"\"\"".to_string()),
                    Just("\u{0}\u{7f}\u{1b}\t".to_string()),
                    Just(String::new()),
                    "[a-z ]{0,8}",
                ],
                0..12
            )
            .prop_map(|v| v.concat()),
        ]
    }

    fn arb_session() -> impl Strategy<Value = Session> {
        (
            (
                arb_string(),
                (1i32..=9999, 1u32..=12, 1u32..=28),
                proptest::collection::vec(arb_string(), 0..4),
                0usize..5,
                arb_string(),
                arb_string(),
            ),
            (
                proptest::collection::vec((arb_string(), any::<u32>()), 0..3),
                proptest::collection::vec(arb_string(), 0..4),
                (0i64..4_000_000_000, 0u32..1_000_000_000),
                0i64..100_000_000,
                arb_string(),
            ),
        )
            .prop_map(
                |(
                    (title, (y, mo, d), agencies, ty, county, facilitator),
                    (participants, tags, (secs, nanos), later, text),
                )| {
                    let created = DateTime::from_timestamp(secs, nanos).unwrap();
                    Session {
                        meta: SessionMeta {
                            id: SessionId::new(),
                            title,
                            date: NaiveDate::from_ymd_opt(y, mo, d).unwrap(),
                            agencies,
                            session_type: SessionType::ALL[ty],
                            county,
                            facilitator,
                            participants: participants
                                .into_iter()
                                .map(|(role, count)| Participant { role, count })
                                .collect(),
                            tags,
                            created,
                            updated: created + chrono::Duration::seconds(later),
                        },
                        text,
                    }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Metadata round-trips exactly; note text round-trips exactly once it has LF line
        /// endings (the invariant of `Session::text`), and raw CR/CRLF become LF.
        #[test]
        fn round_trips(s in arb_session()) {
            let back = parse_session_file(&to_file_string(&s)).unwrap();
            prop_assert_eq!(&back.meta, &s.meta);
            let lf_text = s.text.replace("\r\n", "\n").replace('\r', "\n");
            prop_assert_eq!(&back.text, &lf_text);
            let mut lf = s.clone();
            lf.text = lf_text;
            let back = parse_session_file(&to_file_string(&lf)).unwrap();
            prop_assert_eq!(back, lf);
        }
    }
}
