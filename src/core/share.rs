//! Sharing notes: one session, or several (a date range, a query's sessions), as a document
//! for people outside Ripple: Markdown, HTML or DOCX.
//!
//! Each session is its metadata (date, type, agencies, county, facilitator, participants,
//! tags) followed by its note, whose headings move down under the session's title. Codings are
//! not part of a shared note.
//!
//! **De-identification** (`ShareOptions::deidentify`) is the evidence export's
//! (`core::evidence`): the facilitator and the session id are left out, and each term in the
//! store's `deidentify = [...]` list is replaced by `[redacted]` (whole words, folded as search
//! folds them) in the title, the note, the agencies, the county, the participants' roles and
//! the tags. Date and session type stay.
//!
//! HTML is a standalone page: every character from the note is escaped, raw HTML in a note
//! shows as the text it is, links keep only `http:`, `https:` and `mailto:` targets, and images
//! become their description (the page loads nothing).

use crate::core::document_out::{self, markdown_options, shifted, Block, BlockKind, Span};
use crate::core::evidence::redact;
use crate::core::export_target::{ExportError, ExportRules};
use crate::core::session::Session;
use chrono::NaiveDate;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::path::{Path, PathBuf};

/// The formats a note is shared in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareFormat {
    Markdown,
    Html,
    Docx,
}

impl ShareFormat {
    pub const ALL: [ShareFormat; 3] = [ShareFormat::Markdown, ShareFormat::Html, ShareFormat::Docx];

    /// The format a file name asks for (`.md`/`.markdown`, `.html`/`.htm`, `.docx`, any case);
    /// None for any other name.
    pub fn from_path(path: &Path) -> Option<ShareFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(ShareFormat::Markdown),
            "html" | "htm" => Some(ShareFormat::Html),
            "docx" => Some(ShareFormat::Docx),
            _ => None,
        }
    }

    /// How the format is named to people.
    pub fn name(self) -> &'static str {
        match self {
            ShareFormat::Markdown => "Markdown",
            ShareFormat::Html => "HTML",
            ShareFormat::Docx => "DOCX",
        }
    }

    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ShareFormat::Markdown => "md",
            ShareFormat::Html => "html",
            ShareFormat::Docx => "docx",
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct ShareOptions {
    pub deidentify: bool,
    /// Terms replaced by `[redacted]` when `deidentify` is set (the store's `deidentify` list).
    pub redact_terms: Vec<String>,
}

/// A session as it is shared: de-identified already when asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedNote {
    pub title: String,
    pub date: NaiveDate,
    pub session_type: String,
    pub agencies: Vec<String>,
    pub county: String,
    /// None when de-identified.
    pub facilitator: Option<String>,
    /// "caseworker ×2".
    pub participants: Vec<String>,
    pub tags: Vec<String>,
    /// None when de-identified.
    pub id: Option<String>,
    pub text: String,
}

/// The session as the options share it.
pub fn shared(session: &Session, opts: &ShareOptions) -> SharedNote {
    let m = &session.meta;
    let r = |s: &str| {
        if opts.deidentify {
            redact(s, &opts.redact_terms)
        } else {
            s.to_string()
        }
    };
    SharedNote {
        title: r(&m.title),
        date: m.date,
        session_type: m.session_type.label().to_string(),
        agencies: m.agencies.iter().map(|a| r(a)).collect(),
        county: r(&m.county),
        facilitator: (!opts.deidentify).then(|| m.facilitator.clone()),
        participants: m
            .participants
            .iter()
            .map(|p| format!("{} ×{}", r(&p.role), p.count))
            .collect(),
        tags: m.tags.iter().map(|t| r(t)).collect(),
        id: (!opts.deidentify).then(|| m.id.0.clone()),
        text: r(&session.text),
    }
}

fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn title_of(n: &SharedNote) -> String {
    if n.title.trim().is_empty() {
        format!("Session of {}", long_date(n.date))
    } else {
        n.title.trim().to_string()
    }
}

/// The document's title: the session's, or for several "Sessions, 1 May 2026 – 14 June 2026".
pub fn document_title(notes: &[SharedNote]) -> String {
    match notes {
        [one] => title_of(one),
        [] => "Sessions".to_string(),
        many => {
            let first = many.iter().map(|n| n.date).min().expect("not empty");
            let last = many.iter().map(|n| n.date).max().expect("not empty");
            if first == last {
                format!("Sessions, {}", long_date(first))
            } else {
                format!("Sessions, {} – {}", long_date(first), long_date(last))
            }
        }
    }
}

/// (label, value) lines of a session's metadata, the empty ones left out.
fn meta_lines(n: &SharedNote) -> Vec<(&'static str, String)> {
    let mut out = vec![
        ("Date", long_date(n.date)),
        ("Type", n.session_type.clone()),
    ];
    let mut add = |label, value: String| {
        if !value.trim().is_empty() {
            out.push((label, value));
        }
    };
    add("Agencies", n.agencies.join(", "));
    add("County", n.county.clone());
    add("Facilitator", n.facilitator.clone().unwrap_or_default());
    add("Participants", n.participants.join(", "));
    add("Tags", n.tags.join(", "));
    add("Session", n.id.clone().unwrap_or_default());
    out
}

/// (heading level of each session's title, how far its note's headings move down).
fn levels(notes: &[SharedNote]) -> (u8, u8) {
    if notes.len() == 1 {
        (1, 1)
    } else {
        (2, 2)
    }
}

fn md_escape_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '_' | '`' | '\\' | '[' | ']' | '<' | '>' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The note's Markdown with its ATX headings (`# x`) moved `shift` levels down (never past
/// six); everything else is kept byte for byte.
pub fn shift_markdown_headings(text: &str, shift: u8) -> String {
    let mut inserts: Vec<(usize, usize)> = Vec::new();
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        if let Event::Start(Tag::Heading { level, .. }) = event {
            let add = shifted(level, shift) as usize - level as usize;
            let at = range.start + text[range.start..].len()
                - text[range.start..].trim_start_matches([' ', '\t']).len();
            if add > 0 && text[at..].starts_with('#') {
                inserts.push((at, add));
            }
        }
    }
    let mut out = String::with_capacity(text.len() + inserts.len() * 2);
    let mut last = 0;
    for (at, add) in inserts {
        out.push_str(&text[last..at]);
        out.push_str(&"#".repeat(add));
        last = at;
    }
    out.push_str(&text[last..]);
    out
}

/// Markdown: the title, each session's metadata as a list, then its note.
pub fn to_markdown(notes: &[SharedNote]) -> String {
    let mut out = String::new();
    let (level, shift) = levels(notes);
    if notes.len() != 1 {
        out.push_str(&format!("# {}\n", md_escape_inline(&document_title(notes))));
    }
    for n in notes {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!(
            "{} {}\n\n",
            "#".repeat(level as usize),
            md_escape_inline(&title_of(n))
        ));
        for (label, value) in meta_lines(n) {
            out.push_str(&format!("- **{label}:** {}\n", md_escape_inline(&value)));
        }
        let body = shift_markdown_headings(&n.text, shift);
        if !body.trim().is_empty() {
            out.push('\n');
            out.push_str(body.trim_end_matches('\n'));
            out.push('\n');
        }
    }
    out
}

/// Text escaped for HTML content and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn safe_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// A note's Markdown as HTML: raw HTML shown as text, unsafe links and images reduced to
/// their text, headings moved down `shift` levels.
pub fn note_html(text: &str, shift: u8) -> String {
    // Whether each open link was kept (its end tag is dropped when it was not).
    let mut kept_links: Vec<bool> = Vec::new();
    let events = Parser::new_ext(text, markdown_options()).filter_map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Some(Event::Text(t)),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Some(Event::Start(Tag::Heading {
            level: shifted(level, shift),
            id,
            classes,
            attrs,
        })),
        Event::End(TagEnd::Heading(level)) => {
            Some(Event::End(TagEnd::Heading(shifted(level, shift))))
        }
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let keep = safe_link(&dest_url);
            kept_links.push(keep);
            keep.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link) => kept_links
            .pop()
            .unwrap_or(false)
            .then_some(Event::End(TagEnd::Link)),
        Event::InlineMath(t) | Event::DisplayMath(t) => Some(Event::Code(t)),
        other => Some(other),
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

const CSS: &str = "body{font-family:system-ui,sans-serif;max-width:42em;margin:2em auto;padding:0 1em;line-height:1.5;color:#1a1a1a;background:#fff}\
dl.meta{display:grid;grid-template-columns:max-content auto;gap:.2em 1em;color:#333}\
dl.meta dt{font-weight:bold}dl.meta dd{margin:0}\
blockquote{border-left:3px solid #999;margin-left:0;padding-left:1em;color:#333}\
pre{background:#f4f4f4;padding:.5em;overflow-x:auto}";

/// HTML: a standalone page (UTF-8, a small style sheet, nothing loaded from elsewhere).
pub fn to_html(notes: &[SharedNote]) -> String {
    let title = document_title(notes);
    let (level, shift) = levels(notes);
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!("<title>{}</title>\n", html_escape(&title)));
    out.push_str(&format!("<style>{CSS}</style>\n</head>\n<body>\n"));
    if notes.len() != 1 {
        out.push_str(&format!("<h1>{}</h1>\n", html_escape(&title)));
    }
    for n in notes {
        out.push_str("<article>\n");
        out.push_str(&format!(
            "<h{level}>{}</h{level}>\n<dl class=\"meta\">\n",
            html_escape(&title_of(n))
        ));
        for (label, value) in meta_lines(n) {
            out.push_str(&format!(
                "<dt>{}</dt><dd>{}</dd>\n",
                html_escape(label),
                html_escape(&value)
            ));
        }
        out.push_str("</dl>\n");
        out.push_str(&note_html(&n.text, shift));
        out.push_str("</article>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The document as blocks (for DOCX).
pub fn blocks(notes: &[SharedNote]) -> Vec<Block> {
    let (level, shift) = levels(notes);
    let mut out = Vec::new();
    if notes.len() != 1 {
        out.push(Block::new(
            BlockKind::Title,
            vec![Span::plain(document_title(notes))],
        ));
    }
    for n in notes {
        let kind = if notes.len() == 1 {
            BlockKind::Title
        } else {
            BlockKind::Heading(level)
        };
        out.push(Block::new(kind, vec![Span::plain(title_of(n))]));
        for (label, value) in meta_lines(n) {
            out.push(Block::new(
                BlockKind::Paragraph,
                vec![Span::bold(format!("{label}: ")), Span::plain(value)],
            ));
        }
        out.extend(document_out::markdown_blocks(&n.text, shift));
    }
    out
}

/// Why a share was not made.
#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    #[error("no sessions to share")]
    Nothing,
    #[error("{0}")]
    Docx(String),
}

/// The sessions, shared as the options say, in `format`: the file's bytes. Sessions are put
/// in date order (then creation).
pub fn render(
    sessions: &[Session],
    format: ShareFormat,
    opts: &ShareOptions,
) -> Result<Vec<u8>, ShareError> {
    if sessions.is_empty() {
        return Err(ShareError::Nothing);
    }
    let mut sorted: Vec<&Session> = sessions.iter().collect();
    sorted.sort_by(|a, b| {
        (a.meta.date, a.meta.created, &a.meta.id).cmp(&(b.meta.date, b.meta.created, &b.meta.id))
    });
    let notes: Vec<SharedNote> = sorted.into_iter().map(|s| shared(s, opts)).collect();
    Ok(match format {
        ShareFormat::Markdown => to_markdown(&notes).into_bytes(),
        ShareFormat::Html => to_html(&notes).into_bytes(),
        ShareFormat::Docx => document_out::to_docx(&blocks(&notes)).map_err(ShareError::Docx)?,
    })
}

/// Why a shared file was not written. Nothing was changed on disk.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The export rules refused the file (it exists, it is inside the store, …).
    #[error("{0}")]
    Refused(#[from] ExportError),
    #[error("{0}")]
    Failed(String),
}

/// Share `sessions` to `path` in `format` under the export rules (never inside the store or
/// the index folder, only a regular file, an existing one replaced only when `replace`),
/// de-identified with the store's `deidentify` terms (read now) when asked. Returns the file
/// written.
pub fn write_file(
    rules: &ExportRules,
    store_root: &Path,
    sessions: &[Session],
    path: &Path,
    format: ShareFormat,
    deidentify: bool,
    replace: bool,
) -> Result<PathBuf, WriteError> {
    rules.check(path, replace)?;
    let redact_terms = if deidentify {
        crate::core::evidence::load_redact_terms(store_root).map_err(WriteError::Failed)?
    } else {
        Vec::new()
    };
    let opts = ShareOptions {
        deidentify,
        redact_terms,
    };
    let bytes = render(sessions, format, &opts).map_err(|e| WriteError::Failed(e.to_string()))?;
    Ok(rules.write(path, &bytes, replace)?.file)
}

/// A file name for sharing one session: `2026-06-14-title-words.md`, made of letters, digits
/// and dashes only (accents kept), at most about 60 characters.
pub fn suggested_file_name(session: &Session, format: ShareFormat, deidentify: bool) -> String {
    let title = if deidentify {
        String::new()
    } else {
        session.meta.title.clone()
    };
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.chars().count() >= 48 {
            break;
        }
    }
    let slug = slug.trim_matches('-');
    let stem = if slug.is_empty() {
        format!("{}-session", session.meta.date)
    } else {
        format!("{}-{slug}", session.meta.date)
    };
    format!("{stem}.{}", format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::document_out::tests::{document_xml, paragraphs};
    use crate::core::session::{Participant, SessionMeta, SessionType};

    fn session(title: &str, date: (i32, u32, u32), text: &str) -> Session {
        let mut meta = SessionMeta::new_today("M. Rivera");
        meta.title = title.into();
        meta.date = NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap();
        meta.agencies = vec!["CYFD".into(), "La Casa".into()];
        meta.county = "Doña Ana".into();
        meta.session_type = SessionType::JointCoaching;
        meta.participants = vec![Participant {
            role: "caseworker".into(),
            count: 2,
        }];
        meta.tags = vec!["Maria follow-up".into()];
        Session {
            meta,
            text: text.into(),
        }
    }

    fn note() -> Session {
        session(
            "Maria's review",
            (2026, 6, 14),
            "# Discussion\n\nMaría said <script>alert(1)</script> & left.\n\n## Quotes\n\n> We trust [them](javascript:alert(1)) now.\n\n![photo](https://example.org/x.png)\n",
        )
    }

    #[test]
    fn the_file_name_chooses_the_format() {
        let f = |p: &str| ShareFormat::from_path(Path::new(p));
        assert_eq!(f("a.md"), Some(ShareFormat::Markdown));
        assert_eq!(f("a.HTML"), Some(ShareFormat::Html));
        assert_eq!(f("a.htm"), Some(ShareFormat::Html));
        assert_eq!(f("out/a.Docx"), Some(ShareFormat::Docx));
        assert_eq!(f("a.qdpx"), None);
        assert_eq!(f("a"), None);
    }

    #[test]
    fn markdown_has_the_metadata_and_the_note_with_headings_moved_down() {
        let md = String::from_utf8(
            render(&[note()], ShareFormat::Markdown, &ShareOptions::default()).unwrap(),
        )
        .unwrap();
        assert!(md.starts_with("# Maria's review\n\n- **Date:** 14 June 2026\n- **Type:** joint coaching\n- **Agencies:** CYFD, La Casa\n- **County:** Doña Ana\n- **Facilitator:** M. Rivera\n- **Participants:** caseworker ×2\n"), "{md}");
        assert!(md.contains("\n## Discussion\n"), "{md}");
        assert!(md.contains("\n### Quotes\n"), "{md}");
        assert!(md.contains("- **Session:** "), "{md}");
    }

    #[test]
    fn deidentified_as_evidence_is() {
        let opts = ShareOptions {
            deidentify: true,
            redact_terms: vec!["Maria".into(), "Dona Ana".into()],
        };
        let s = note();
        for format in ShareFormat::ALL {
            let bytes = render(std::slice::from_ref(&s), format, &opts).unwrap();
            let text = match format {
                ShareFormat::Docx => document_xml(&bytes),
                _ => String::from_utf8(bytes).unwrap(),
            };
            for gone in [
                "Maria",
                "María",
                "M. Rivera",
                "Doña Ana",
                s.meta.id.as_str(),
            ] {
                assert!(!text.contains(gone), "{format:?} still has {gone}: {text}");
            }
            assert!(text.contains("[redacted]"), "{format:?}");
            assert!(text.contains("CYFD"), "{format:?}");
        }
    }

    #[test]
    fn html_is_escaped_and_loads_nothing() {
        let html = String::from_utf8(
            render(&[note()], ShareFormat::Html, &ShareOptions::default()).unwrap(),
        )
        .unwrap();
        assert!(html.contains("<title>Maria&#39;s review</title>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; left."),
            "{html}"
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("<h2>Discussion</h2>"), "{html}");
        assert!(html.contains("<h3>Quotes</h3>"), "{html}");
        assert!(html.contains("<dt>County</dt><dd>Doña Ana</dd>"), "{html}");
        // Well-formed enough for an XML parser once the doctype is set aside.
        let body = html.split_once('\n').unwrap().1;
        roxmltree::Document::parse(
            &body
                .replace("<meta charset=\"utf-8\">", "<meta charset=\"utf-8\"/>")
                .replace("initial-scale=1\">", "initial-scale=1\"/>"),
        )
        .unwrap();
    }

    #[test]
    fn docx_has_title_metadata_and_headings() {
        let bytes = render(&[note()], ShareFormat::Docx, &ShareOptions::default()).unwrap();
        let paras = paragraphs(&document_xml(&bytes));
        assert_eq!(paras[0], ("Title".into(), "Maria's review".into()));
        assert!(paras.contains(&("".into(), "County: Doña Ana".into())));
        assert!(paras.contains(&("Heading2".into(), "Discussion".into())));
        assert!(paras.contains(&("Heading3".into(), "Quotes".into())));
        assert!(paras
            .iter()
            .any(|(_, t)| t == "María said <script>alert(1)</script> & left."));
    }

    #[test]
    fn several_sessions_in_date_order_under_one_title() {
        let a = session("Later", (2026, 6, 14), "# Notes\nlater");
        let b = session("Earlier", (2026, 5, 1), "earlier");
        let md = String::from_utf8(
            render(&[a, b], ShareFormat::Markdown, &ShareOptions::default()).unwrap(),
        )
        .unwrap();
        assert!(
            md.starts_with("# Sessions, 1 May 2026 – 14 June 2026\n\n## Earlier\n"),
            "{md}"
        );
        let later = md.find("## Later").unwrap();
        assert!(md.find("## Earlier").unwrap() < later);
        assert!(md.contains("\n### Notes\n"), "{md}");
        assert!(matches!(
            render(&[], ShareFormat::Markdown, &ShareOptions::default()),
            Err(ShareError::Nothing)
        ));
    }

    #[test]
    fn suggested_names_are_plain() {
        let s = note();
        assert_eq!(
            suggested_file_name(&s, ShareFormat::Docx, false),
            "2026-06-14-maria-s-review.docx"
        );
        assert_eq!(
            suggested_file_name(&s, ShareFormat::Html, true),
            "2026-06-14-session.html"
        );
    }
}
