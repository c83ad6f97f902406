//! Writing `project.qde` and `.qdc` files: the model as QDA-XML 1.0, child elements in the
//! schema's order, indented two spaces.
//!
//! Written by hand rather than through an XML crate because the escaping the format needs is
//! more than such writers do by default: line breaks and tabs inside attribute values (a quote
//! in a selection's `name`) must be character references or every reader turns them into
//! spaces, a carriage return must be one everywhere, and characters XML 1.0 cannot carry at
//! all (most C0 controls) must be replaced, and counted so the export can say so.

use super::model::{
    Code, CodebookFile, CodingRef, Note, Project, Selection, Source, VariableValue,
};
use chrono::{DateTime, Utc};
use std::fmt::Write as _;

pub const PROJECT_NS: &str = "urn:QDA-XML:project:1.0";
pub const CODEBOOK_NS: &str = "urn:QDA-XML:codebook:1.0";

/// The XML text and how many characters had to be replaced by U+FFFD (XML 1.0 cannot hold
/// them: NUL and most other C0 control characters).
pub struct Written {
    pub xml: String,
    pub replaced: usize,
}

struct Out {
    buf: String,
    depth: usize,
    replaced: usize,
}

fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
}

impl Out {
    fn new(capacity: usize) -> Out {
        let mut buf = String::with_capacity(capacity);
        buf.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        Out {
            buf,
            depth: 0,
            replaced: 0,
        }
    }

    fn escape(&mut self, s: &str, attribute: bool) {
        for c in s.chars() {
            match c {
                '&' => self.buf.push_str("&amp;"),
                '<' => self.buf.push_str("&lt;"),
                '>' => self.buf.push_str("&gt;"),
                '"' if attribute => self.buf.push_str("&quot;"),
                '\r' => self.buf.push_str("&#13;"),
                '\n' if attribute => self.buf.push_str("&#10;"),
                '\t' if attribute => self.buf.push_str("&#9;"),
                c if allowed(c) => self.buf.push(c),
                _ => {
                    self.replaced += 1;
                    self.buf.push('\u{fffd}');
                }
            }
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.buf.push_str("  ");
        }
    }

    /// `<name a="v" …` (attributes whose value is None are left out).
    fn start(&mut self, name: &str, attrs: &[(&str, Option<&str>)]) {
        self.indent();
        self.buf.push('<');
        self.buf.push_str(name);
        for (k, v) in attrs {
            if let Some(v) = v {
                self.buf.push(' ');
                self.buf.push_str(k);
                self.buf.push_str("=\"");
                self.escape(v, true);
                self.buf.push('"');
            }
        }
    }

    /// An element with children: `start` it, then `close` it.
    fn open(&mut self, name: &str, attrs: &[(&str, Option<&str>)]) {
        self.start(name, attrs);
        self.buf.push_str(">\n");
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth -= 1;
        self.indent();
        let _ = writeln!(self.buf, "</{name}>");
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, Option<&str>)]) {
        self.start(name, attrs);
        self.buf.push_str("/>\n");
    }

    /// `<name>text</name>` on one line (the text as is: its line breaks are its own).
    fn text(&mut self, name: &str, text: &str) {
        self.indent();
        let _ = write!(self.buf, "<{name}>");
        self.escape(text, false);
        let _ = writeln!(self.buf, "</{name}>");
    }

    fn done(self) -> Written {
        Written {
            xml: self.buf,
            replaced: self.replaced,
        }
    }
}

fn time(t: &Option<DateTime<Utc>>) -> Option<String> {
    t.as_ref().map(crate::core::session_file::format_timestamp)
}

fn bool_str(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

fn code(out: &mut Out, c: &Code, with_note_refs: bool) {
    let attrs = [
        ("guid", Some(c.guid.as_str())),
        ("name", Some(c.name.as_str())),
        ("isCodable", Some(bool_str(c.codable))),
        ("color", c.colour.as_deref()),
    ];
    let has_children = c.description.is_some()
        || !c.children.is_empty()
        || (with_note_refs && !c.note_refs.is_empty());
    if !has_children {
        out.empty("Code", &attrs);
        return;
    }
    out.open("Code", &attrs);
    if let Some(d) = &c.description {
        out.text("Description", d);
    }
    if with_note_refs {
        for n in &c.note_refs {
            out.empty("NoteRef", &[("targetGUID", Some(n.as_str()))]);
        }
    }
    for child in &c.children {
        code(out, child, with_note_refs);
    }
    out.close("Code");
}

fn note_refs(out: &mut Out, refs: &[super::model::Guid]) {
    for n in refs {
        out.empty("NoteRef", &[("targetGUID", Some(n.as_str()))]);
    }
}

fn coding(out: &mut Out, c: &CodingRef) {
    let created = time(&c.created);
    out.open(
        "Coding",
        &[
            ("guid", Some(c.guid.as_str())),
            ("creatingUser", c.creating_user.as_ref().map(|g| g.as_str())),
            ("creationDateTime", created.as_deref()),
        ],
    );
    if let Some(code) = &c.code {
        out.empty("CodeRef", &[("targetGUID", Some(code.as_str()))]);
    }
    note_refs(out, &c.note_refs);
    out.close("Coding");
}

fn selection(out: &mut Out, s: &Selection) {
    let (start, end) = (s.start.map(|v| v.to_string()), s.end.map(|v| v.to_string()));
    let (created, modified) = (time(&s.created), time(&s.modified));
    out.open(
        "PlainTextSelection",
        &[
            ("guid", Some(s.guid.as_str())),
            ("name", s.name.as_deref()),
            ("startPosition", start.as_deref()),
            ("endPosition", end.as_deref()),
            ("creatingUser", s.creating_user.as_ref().map(|g| g.as_str())),
            ("creationDateTime", created.as_deref()),
            (
                "modifyingUser",
                s.modifying_user.as_ref().map(|g| g.as_str()),
            ),
            ("modifiedDateTime", modified.as_deref()),
        ],
    );
    if let Some(d) = &s.description {
        out.text("Description", d);
    }
    for c in &s.codings {
        coding(out, c);
    }
    note_refs(out, &s.note_refs);
    out.close("PlainTextSelection");
}

fn value(out: &mut Out, v: &VariableValue) {
    out.open("VariableValue", &[]);
    out.empty("VariableRef", &[("targetGUID", Some(v.variable.as_str()))]);
    if let Some(value) = &v.value {
        out.text(&format!("{}Value", v.kind.name()), value);
    }
    out.close("VariableValue");
}

fn source(out: &mut Out, s: &Source) {
    let (created, modified) = (time(&s.created), time(&s.modified));
    out.open(
        s.kind.element(),
        &[
            ("guid", Some(s.guid.as_str())),
            ("name", s.name.as_deref()),
            ("richTextPath", s.rich_text_path.as_deref()),
            ("plainTextPath", s.plain_text_path.as_deref()),
            ("creatingUser", s.creating_user.as_ref().map(|g| g.as_str())),
            ("creationDateTime", created.as_deref()),
            (
                "modifyingUser",
                s.modifying_user.as_ref().map(|g| g.as_str()),
            ),
            ("modifiedDateTime", modified.as_deref()),
        ],
    );
    if let Some(d) = &s.description {
        out.text("Description", d);
    }
    if let Some(t) = &s.plain_text {
        out.text("PlainTextContent", t);
    }
    for sel in &s.selections {
        selection(out, sel);
    }
    for c in &s.codings {
        coding(out, c);
    }
    note_refs(out, &s.note_refs);
    for v in &s.values {
        value(out, v);
    }
    out.close(s.kind.element());
}

fn note(out: &mut Out, n: &Note) {
    let (created, modified) = (time(&n.created), time(&n.modified));
    out.open(
        "Note",
        &[
            ("guid", Some(n.guid.as_str())),
            ("name", n.name.as_deref()),
            ("richTextPath", n.rich_text_path.as_deref()),
            ("plainTextPath", n.plain_text_path.as_deref()),
            ("creatingUser", n.creating_user.as_ref().map(|g| g.as_str())),
            ("creationDateTime", created.as_deref()),
            ("modifiedDateTime", modified.as_deref()),
        ],
    );
    if let Some(t) = &n.plain_text {
        out.text("PlainTextContent", t);
    }
    out.close("Note");
}

/// `project.qde`. Cases, sets, links and graphs are not written (Ripple has none).
pub fn project_xml(p: &Project) -> Written {
    let size: usize = p
        .sources
        .iter()
        .map(|s| 600 + s.selections.len() * 700)
        .sum();
    let mut out = Out::new(size + 4096);
    let (created, modified) = (time(&p.created), time(&p.modified));
    out.open(
        "Project",
        &[
            ("xmlns", Some(PROJECT_NS)),
            ("name", Some(p.name.as_str())),
            ("origin", p.origin.as_deref()),
            (
                "creatingUserGUID",
                p.creating_user.as_ref().map(|g| g.as_str()),
            ),
            ("creationDateTime", created.as_deref()),
            ("modifiedDateTime", modified.as_deref()),
        ],
    );
    if !p.users.is_empty() {
        out.open("Users", &[]);
        for u in &p.users {
            out.empty(
                "User",
                &[
                    ("guid", Some(u.guid.as_str())),
                    ("name", u.name.as_deref()),
                    ("id", u.id.as_deref()),
                ],
            );
        }
        out.close("Users");
    }
    if !p.codes.is_empty() {
        out.open("CodeBook", &[]);
        out.open("Codes", &[]);
        for c in &p.codes {
            code(&mut out, c, true);
        }
        out.close("Codes");
        out.close("CodeBook");
    }
    if !p.variables.is_empty() {
        out.open("Variables", &[]);
        for v in &p.variables {
            let attrs = [
                ("guid", Some(v.guid.as_str())),
                ("name", Some(v.name.as_str())),
                ("typeOfVariable", Some(v.kind.name())),
            ];
            match &v.description {
                Some(d) => {
                    out.open("Variable", &attrs);
                    out.text("Description", d);
                    out.close("Variable");
                }
                None => out.empty("Variable", &attrs),
            }
        }
        out.close("Variables");
    }
    if !p.sources.is_empty() {
        out.open("Sources", &[]);
        for s in &p.sources {
            source(&mut out, s);
        }
        out.close("Sources");
    }
    if !p.notes.is_empty() {
        out.open("Notes", &[]);
        for n in &p.notes {
            note(&mut out, n);
        }
        out.close("Notes");
    }
    if let Some(d) = &p.description {
        out.text("Description", d);
    }
    note_refs(&mut out, &p.note_refs);
    out.close("Project");
    out.done()
}

/// A `.qdc` codebook. The schema needs at least one code; the caller checks.
pub fn codebook_xml(c: &CodebookFile) -> Written {
    let mut out = Out::new(4096 + c.codes.len() * 400);
    out.open(
        "CodeBook",
        &[
            ("xmlns", Some(CODEBOOK_NS)),
            ("origin", c.origin.as_deref()),
        ],
    );
    out.open("Codes", &[]);
    for code_el in &c.codes {
        code(&mut out, code_el, false);
    }
    out.close("Codes");
    out.close("CodeBook");
    out.done()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_keep_line_breaks_and_text_keeps_carriage_returns() {
        let mut out = Out::new(0);
        out.open("R", &[]);
        out.empty("E", &[("name", Some("a\"b\n\tc & <d>\r"))]);
        out.text("T", "x\r\ny\u{0}z]]>");
        out.close("R");
        let w = out.done();
        assert!(w
            .xml
            .contains(r#"<E name="a&quot;b&#10;&#9;c &amp; &lt;d&gt;&#13;"/>"#));
        assert!(w.xml.contains("<T>x&#13;\ny\u{fffd}z]]&gt;</T>"));
        assert_eq!(w.replaced, 1);
        let doc = roxmltree::Document::parse(&w.xml).unwrap();
        let e = doc.descendants().find(|n| n.has_tag_name("E")).unwrap();
        assert_eq!(e.attribute("name"), Some("a\"b\n\tc & <d>\r"));
        let t = doc.descendants().find(|n| n.has_tag_name("T")).unwrap();
        assert_eq!(t.text(), Some("x\r\ny\u{fffd}z]]>"));
    }
}
