//! Reading `project.qde` and `.qdc` files into the model.
//!
//! roxmltree parses the whole document with DTDs refused (so no entity can expand), and every
//! error and element carries a position, so a problem is reported with its line. Elements are
//! matched by local name, whatever namespace prefix the writer used. Structure the importer
//! can work around (a missing name, a bad number) is kept as `None` for it to report; only a
//! document that is not well-formed XML, or whose root is not a REFI-QDA element, is an error.

use super::model::{
    Case, Code, CodebookFile, CodingRef, Guid, Note, Project, Selection, Set, Source, SourceKind,
    User, Variable, VariableType, VariableValue,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use roxmltree::{Document, Node, ParsingOptions};

/// Most elements a document may have: about fifty times what 10,000 coded sessions need, and
/// far below what would exhaust memory.
pub const MAX_NODES: u32 = 20_000_000;

/// What is wrong with an XML document, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// True when the document was refused as unsafe (a DTD) rather than found malformed.
    pub refused: bool,
}

/// What a REFI-QDA XML file holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Parsed {
    Project(Box<Project>),
    Codebook(CodebookFile),
}

/// Parse a `project.qde` or `.qdc` document (its root says which).
pub fn parse(text: &str) -> Result<Parsed, XmlProblem> {
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, opts).map_err(|e| problem(text, e))?;
    let root = doc.root_element();
    let r = Reader {
        newlines: text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i)
            .collect(),
    };
    match root.tag_name().name() {
        "Project" => Ok(Parsed::Project(Box::new(r.project(root)))),
        "CodeBook" => Ok(Parsed::Codebook(r.codebook_file(root))),
        other => Err(XmlProblem {
            line: r.line(root),
            column: 1,
            message: format!(
                "the root element is <{other}>, not a REFI-QDA <Project> or <CodeBook>"
            ),
            refused: false,
        }),
    }
}

fn problem(text: &str, e: roxmltree::Error) -> XmlProblem {
    match e {
        roxmltree::Error::DtdDetected => {
            let at = text.find("<!DOCTYPE").unwrap_or(0);
            let line = 1 + text[..at].matches('\n').count();
            XmlProblem {
                line,
                column: 1,
                message: "the XML declares a DTD (<!DOCTYPE …>), whose entities can expand \
                          without limit: refused"
                    .into(),
                refused: true,
            }
        }
        roxmltree::Error::NodesLimitReached => XmlProblem {
            line: 1,
            column: 1,
            message: format!("more than {MAX_NODES} XML nodes: refused"),
            refused: true,
        },
        e => {
            let pos = e.pos();
            XmlProblem {
                line: pos.row as usize,
                column: pos.col as usize,
                message: e.to_string(),
                refused: false,
            }
        }
    }
}

struct Reader {
    /// The byte offset of every LF of the document, in order: a node's line is found by binary
    /// search. (`Document::text_pos_at` counts the lines from the start on every call, which
    /// made reading a project with 20,000 selections quadratic.)
    newlines: Vec<usize>,
}

fn children<'a, 'i>(n: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &'static str) -> Option<Node<'a, 'i>> {
    children(n, name).next()
}

/// All the text directly inside an element (text and CDATA, across comments).
fn text_of(n: Node) -> String {
    n.children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect()
}

fn attr(n: Node, name: &str) -> Option<String> {
    n.attribute(name).map(str::to_string)
}

fn guid_attr(n: Node, name: &str) -> Option<Guid> {
    n.attribute(name)
        .filter(|s| !s.trim().is_empty())
        .map(Guid::parse)
}

/// xsd:dateTime; a time without a zone is taken as UTC.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc())
        })
}

fn time_attr(n: Node, name: &str) -> Option<DateTime<Utc>> {
    n.attribute(name).and_then(parse_time)
}

fn note_refs(n: Node) -> Vec<Guid> {
    children(n, "NoteRef")
        .filter_map(|r| guid_attr(r, "targetGUID"))
        .collect()
}

impl Reader {
    /// The 1-based line a node starts on: one more than the LFs before it.
    fn line(&self, n: Node) -> usize {
        let start = n.range().start;
        1 + self.newlines.partition_point(|&p| p < start)
    }

    fn project(&self, root: Node) -> Project {
        let mut p = Project {
            name: attr(root, "name").unwrap_or_default(),
            origin: attr(root, "origin"),
            creating_user: guid_attr(root, "creatingUserGUID"),
            created: time_attr(root, "creationDateTime"),
            modified: time_attr(root, "modifiedDateTime"),
            description: child(root, "Description").map(text_of),
            note_refs: note_refs(root),
            ..Project::default()
        };
        if let Some(users) = child(root, "Users") {
            p.users = children(users, "User")
                .filter_map(|u| {
                    Some(User {
                        guid: guid_attr(u, "guid")?,
                        name: attr(u, "name"),
                        id: attr(u, "id"),
                    })
                })
                .collect();
        }
        if let Some(codes) = child(root, "CodeBook").and_then(|c| child(c, "Codes")) {
            p.codes = self.codes(codes);
        }
        if let Some(vars) = child(root, "Variables") {
            p.variables = children(vars, "Variable")
                .filter_map(|v| {
                    Some(Variable {
                        guid: guid_attr(v, "guid")?,
                        name: attr(v, "name").unwrap_or_default(),
                        kind: v
                            .attribute("typeOfVariable")
                            .and_then(VariableType::parse)
                            .unwrap_or(VariableType::Text),
                        description: child(v, "Description").map(text_of),
                    })
                })
                .collect();
        }
        if let Some(cases) = child(root, "Cases") {
            p.cases = children(cases, "Case")
                .map(|c| Case {
                    guid: guid_attr(c, "guid").unwrap_or(Guid(String::new())),
                    name: attr(c, "name"),
                    values: self.values(c),
                    sources: children(c, "SourceRef")
                        .filter_map(|r| guid_attr(r, "targetGUID"))
                        .collect(),
                })
                .collect();
        }
        if let Some(sources) = child(root, "Sources") {
            p.sources = sources
                .children()
                .filter(|c| c.is_element())
                .filter_map(|s| self.source(s))
                .collect();
        }
        if let Some(notes) = child(root, "Notes") {
            p.notes = children(notes, "Note")
                .filter_map(|n| {
                    Some(Note {
                        guid: guid_attr(n, "guid")?,
                        name: attr(n, "name"),
                        plain_text: child(n, "PlainTextContent").map(text_of),
                        plain_text_path: attr(n, "plainTextPath"),
                        rich_text_path: attr(n, "richTextPath"),
                        creating_user: guid_attr(n, "creatingUser"),
                        created: time_attr(n, "creationDateTime"),
                        modified: time_attr(n, "modifiedDateTime"),
                        line: self.line(n),
                    })
                })
                .collect();
        }
        if let Some(sets) = child(root, "Sets") {
            p.sets = self.sets(sets);
        }
        if let Some(links) = child(root, "Links") {
            p.links = children(links, "Link")
                .map(|l| attr(l, "name").unwrap_or_else(|| format!("line {}", self.line(l))))
                .collect();
        }
        if let Some(graphs) = child(root, "Graphs") {
            p.graphs = children(graphs, "Graph")
                .map(|g| attr(g, "name").unwrap_or_else(|| format!("line {}", self.line(g))))
                .collect();
        }
        p
    }

    fn codebook_file(&self, root: Node) -> CodebookFile {
        CodebookFile {
            origin: attr(root, "origin"),
            codes: child(root, "Codes")
                .map(|c| self.codes(c))
                .unwrap_or_default(),
            sets: child(root, "Sets")
                .map(|s| self.sets(s))
                .unwrap_or_default(),
        }
    }

    fn sets(&self, sets: Node) -> Vec<Set> {
        children(sets, "Set")
            .map(|s| Set {
                guid: guid_attr(s, "guid").unwrap_or(Guid(String::new())),
                name: attr(s, "name").unwrap_or_default(),
                members: s
                    .children()
                    .filter(|c| c.is_element() && c.tag_name().name().starts_with("Member"))
                    .count(),
            })
            .collect()
    }

    fn codes(&self, parent: Node) -> Vec<Code> {
        children(parent, "Code")
            .map(|c| Code {
                guid: guid_attr(c, "guid").unwrap_or(Guid(String::new())),
                name: attr(c, "name").unwrap_or_default(),
                codable: c
                    .attribute("isCodable")
                    .is_none_or(|v| v.trim() == "true" || v.trim() == "1"),
                colour: attr(c, "color").filter(|s| !s.trim().is_empty()),
                description: child(c, "Description").map(text_of),
                note_refs: note_refs(c),
                children: self.codes(c),
                line: self.line(c),
            })
            .collect()
    }

    fn values(&self, n: Node) -> Vec<VariableValue> {
        children(n, "VariableValue")
            .filter_map(|v| {
                let variable = child(v, "VariableRef").and_then(|r| guid_attr(r, "targetGUID"))?;
                let value_el = v
                    .children()
                    .find(|c| c.is_element() && c.tag_name().name().ends_with("Value"));
                let (kind, value) = match value_el {
                    Some(e) => {
                        let kind = e
                            .tag_name()
                            .name()
                            .strip_suffix("Value")
                            .and_then(VariableType::parse)
                            .unwrap_or(VariableType::Text);
                        (kind, Some(text_of(e)))
                    }
                    None => (VariableType::Text, None),
                };
                Some(VariableValue {
                    variable,
                    kind,
                    value,
                })
            })
            .collect()
    }

    fn coding(&self, c: Node) -> CodingRef {
        CodingRef {
            guid: guid_attr(c, "guid").unwrap_or(Guid(String::new())),
            code: child(c, "CodeRef").and_then(|r| guid_attr(r, "targetGUID")),
            creating_user: guid_attr(c, "creatingUser"),
            created: time_attr(c, "creationDateTime"),
            note_refs: note_refs(c),
            line: self.line(c),
        }
    }

    fn source(&self, s: Node) -> Option<Source> {
        let kind = match s.tag_name().name() {
            "TextSource" => SourceKind::Text,
            "PDFSource" => SourceKind::Pdf,
            "PictureSource" => SourceKind::Picture,
            "AudioSource" => SourceKind::Audio,
            "VideoSource" => SourceKind::Video,
            _ => return None,
        };
        let mut src = Source::text(kind, guid_attr(s, "guid").unwrap_or(Guid(String::new())));
        src.name = attr(s, "name");
        src.description = child(s, "Description").map(text_of);
        src.plain_text_path = attr(s, "plainTextPath");
        src.rich_text_path = attr(s, "richTextPath");
        src.path = attr(s, "path");
        src.creating_user = guid_attr(s, "creatingUser");
        src.created = time_attr(s, "creationDateTime");
        src.modifying_user = guid_attr(s, "modifyingUser");
        src.modified = time_attr(s, "modifiedDateTime");
        src.note_refs = note_refs(s);
        src.values = self.values(s);
        src.line = self.line(s);
        if kind == SourceKind::Text {
            src.plain_text = child(s, "PlainTextContent").map(text_of);
            src.selections = children(s, "PlainTextSelection")
                .map(|sel| self.selection(sel))
                .collect();
            src.codings = children(s, "Coding").map(|c| self.coding(c)).collect();
        } else {
            src.other_selections = s
                .descendants()
                .filter(|d| d.is_element() && d.tag_name().name().ends_with("Selection"))
                .count();
        }
        Some(src)
    }

    fn selection(&self, sel: Node) -> Selection {
        let int = |name: &str| {
            sel.attribute(name)
                .and_then(|v| v.trim().parse::<i64>().ok())
        };
        Selection {
            guid: guid_attr(sel, "guid").unwrap_or(Guid(String::new())),
            name: attr(sel, "name"),
            description: child(sel, "Description").map(text_of),
            start: int("startPosition"),
            end: int("endPosition"),
            creating_user: guid_attr(sel, "creatingUser"),
            created: time_attr(sel, "creationDateTime"),
            modifying_user: guid_attr(sel, "modifyingUser"),
            modified: time_attr(sel, "modifiedDateTime"),
            codings: children(sel, "Coding").map(|c| self.coding(c)).collect(),
            note_refs: note_refs(sel),
            line: self.line(sel),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_lines_are_roxmltrees_lines() {
        let xml = "<Project name=\"p\">\r\n<Sources>\n\n  <TextSource guid=\"S\" name=\"Doña 🙂\">\n<PlainTextContent>我们\nx</PlainTextContent><PlainTextSelection guid=\"X\"/>\n</TextSource>\n<PictureSource guid=\"P\"/></Sources></Project>\n";
        let doc = Document::parse(xml).unwrap();
        let r = Reader {
            newlines: xml.match_indices('\n').map(|(i, _)| i).collect(),
        };
        let mut lines = Vec::new();
        for n in doc.descendants() {
            assert_eq!(r.line(n), doc.text_pos_at(n.range().start).row as usize);
            lines.push(r.line(n));
        }
        assert_eq!(*lines.iter().max().unwrap(), 8);
    }

    #[test]
    fn dtds_are_refused_with_their_line() {
        let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE p [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]>\n<Project name=\"&b;\"/>";
        let e = parse(xml).unwrap_err();
        assert!(e.refused);
        assert_eq!(e.line, 2);
        assert!(e.message.contains("DTD"), "{}", e.message);
    }

    #[test]
    fn malformed_xml_is_reported_at_its_line() {
        let xml = "<Project name=\"x\">\n  <Users>\n  </Sources>\n</Project>";
        let e = parse(xml).unwrap_err();
        assert!(!e.refused);
        assert_eq!(e.line, 3);
    }

    #[test]
    fn unknown_entities_are_an_error_not_text() {
        let e = parse("<Project name=\"&ext;\"/>").unwrap_err();
        assert!(!e.refused);
        assert_eq!(e.line, 1);
    }

    #[test]
    fn codes_and_selections_read_with_guids_normalised() {
        let xml = r##"<Project xmlns="urn:QDA-XML:project:1.0" name="P">
<CodeBook><Codes><Code guid="{ABCDEF01-0000-4000-8000-000000000001}" name="A" isCodable="false" color="#F00">
<Description>d</Description><Code guid="abcdef01-0000-4000-8000-000000000002" name="B" isCodable="true"/></Code></Codes></CodeBook>
<Sources><TextSource guid="S1" name="n"><PlainTextContent>x<!-- c -->y</PlainTextContent>
<PlainTextSelection guid="X" startPosition="1" endPosition="z"><Coding guid="C"><CodeRef targetGUID="ABCDEF01-0000-4000-8000-000000000002"/></Coding></PlainTextSelection>
</TextSource><PictureSource guid="P1" name="pic"><PictureSelection guid="q" firstX="1" firstY="1" secondX="2" secondY="2"/></PictureSource></Sources></Project>"##;
        let Parsed::Project(p) = parse(xml).unwrap() else {
            panic!("a project")
        };
        assert_eq!(
            p.codes[0].guid.as_str(),
            "abcdef01-0000-4000-8000-000000000001"
        );
        assert!(!p.codes[0].codable);
        assert_eq!(p.codes[0].children[0].name, "B");
        assert_eq!(p.codes[0].line, 2);
        let s = &p.sources[0];
        assert_eq!(s.plain_text.as_deref(), Some("xy"));
        assert_eq!(s.selections[0].start, Some(1));
        assert_eq!(s.selections[0].end, None);
        assert_eq!(
            s.selections[0].codings[0].code,
            Some(p.codes[0].children[0].guid.clone())
        );
        assert_eq!(p.sources[1].kind, SourceKind::Picture);
        assert_eq!(p.sources[1].other_selections, 1);
    }
}
