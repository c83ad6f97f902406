//! The REFI-QDA data model (QDA-XML 1.0), as far as Ripple reads or writes it: what the XML
//! reader produces and the XML writer consumes. Export maps a store onto it (`export.rs`),
//! import maps it onto a store (`plan.rs`).
//!
//! Elements Ripple has no place for (sets, links, graphs, picture and media selections) are
//! kept only as far as needed to name them in the list of what was not imported.

use chrono::{DateTime, Utc};

/// A GUID as the file spells it, normalised for comparison: lowercase, without braces.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Guid(pub String);

impl Guid {
    /// Normalise a GUID attribute (`{ABC…}` and `abc…` are the same GUID).
    pub fn parse(s: &str) -> Guid {
        let t = s.trim();
        let t = t
            .strip_prefix('{')
            .and_then(|t| t.strip_suffix('}'))
            .unwrap_or(t);
        Guid(t.to_ascii_lowercase())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// 8-4-4-4-12 hexadecimal digits: what the schema's GUIDType allows (without braces).
    pub fn is_well_formed(&self) -> bool {
        let parts: Vec<&str> = self.0.split('-').collect();
        parts.len() == 5
            && parts
                .iter()
                .zip([8, 4, 4, 4, 12])
                .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
    }
}

impl std::fmt::Display for Guid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A `<Project>`: the root of `project.qde`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Project {
    pub name: String,
    pub origin: Option<String>,
    pub creating_user: Option<Guid>,
    pub created: Option<DateTime<Utc>>,
    pub modified: Option<DateTime<Utc>>,
    pub users: Vec<User>,
    /// The code tree (roots; children nested).
    pub codes: Vec<Code>,
    pub variables: Vec<Variable>,
    pub cases: Vec<Case>,
    pub sources: Vec<Source>,
    pub notes: Vec<Note>,
    pub sets: Vec<Set>,
    /// Links and graphs: names only, to say they were not imported.
    pub links: Vec<String>,
    pub graphs: Vec<String>,
    pub description: Option<String>,
    /// Notes on the project as a whole.
    pub note_refs: Vec<Guid>,
}

/// A `<CodeBook>` exchanged alone (a `.qdc` file).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CodebookFile {
    pub origin: Option<String>,
    pub codes: Vec<Code>,
    pub sets: Vec<Set>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub guid: Guid,
    pub name: Option<String>,
    pub id: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Code {
    pub guid: Guid,
    pub name: String,
    pub codable: bool,
    /// `#rrggbb` or `#rgb`, as in the file.
    pub colour: Option<String>,
    pub description: Option<String>,
    pub note_refs: Vec<Guid>,
    pub children: Vec<Code>,
    /// 1-based line of the element in its file (0 when built in memory).
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Set {
    pub guid: Guid,
    pub name: String,
    pub members: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VariableType {
    Text,
    Boolean,
    Integer,
    Float,
    Date,
    DateTime,
}

impl VariableType {
    pub fn name(self) -> &'static str {
        match self {
            VariableType::Text => "Text",
            VariableType::Boolean => "Boolean",
            VariableType::Integer => "Integer",
            VariableType::Float => "Float",
            VariableType::Date => "Date",
            VariableType::DateTime => "DateTime",
        }
    }
    pub fn parse(s: &str) -> Option<VariableType> {
        [
            VariableType::Text,
            VariableType::Boolean,
            VariableType::Integer,
            VariableType::Float,
            VariableType::Date,
            VariableType::DateTime,
        ]
        .into_iter()
        .find(|t| t.name().eq_ignore_ascii_case(s.trim()))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    pub guid: Guid,
    pub name: String,
    pub kind: VariableType,
    pub description: Option<String>,
}

/// A value as the file writes it; the element name says its type. Kept as text so nothing is
/// lost in a conversion: the importer interprets it.
#[derive(Clone, Debug, PartialEq)]
pub struct VariableValue {
    pub variable: Guid,
    pub kind: VariableType,
    /// None for an empty choice (the schema allows a VariableValue with no value).
    pub value: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub guid: Guid,
    pub name: Option<String>,
    pub values: Vec<VariableValue>,
    pub sources: Vec<Guid>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Text,
    Pdf,
    Picture,
    Audio,
    Video,
}

impl SourceKind {
    pub fn element(self) -> &'static str {
        match self {
            SourceKind::Text => "TextSource",
            SourceKind::Pdf => "PDFSource",
            SourceKind::Picture => "PictureSource",
            SourceKind::Audio => "AudioSource",
            SourceKind::Video => "VideoSource",
        }
    }
}

/// A source. Only text sources carry text and selections here; the others keep what is needed
/// to name them.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub kind: SourceKind,
    pub guid: Guid,
    pub name: Option<String>,
    pub description: Option<String>,
    pub plain_text: Option<String>,
    pub plain_text_path: Option<String>,
    pub rich_text_path: Option<String>,
    /// `path` of a PDF, picture, audio or video source.
    pub path: Option<String>,
    pub creating_user: Option<Guid>,
    pub created: Option<DateTime<Utc>>,
    pub modifying_user: Option<Guid>,
    pub modified: Option<DateTime<Utc>>,
    pub selections: Vec<Selection>,
    /// Codings of the whole source.
    pub codings: Vec<CodingRef>,
    pub note_refs: Vec<Guid>,
    pub values: Vec<VariableValue>,
    /// Selections of another kind (picture, PDF, audio, video, transcript): how many.
    pub other_selections: usize,
    pub line: usize,
}

impl Source {
    pub fn text(kind: SourceKind, guid: Guid) -> Source {
        Source {
            kind,
            guid,
            name: None,
            description: None,
            plain_text: None,
            plain_text_path: None,
            rich_text_path: None,
            path: None,
            creating_user: None,
            created: None,
            modifying_user: None,
            modified: None,
            selections: Vec::new(),
            codings: Vec::new(),
            note_refs: Vec::new(),
            values: Vec::new(),
            other_selections: 0,
            line: 0,
        }
    }
}

/// A `<PlainTextSelection>`: code points from 0, half-open (see `offsets.rs` for what other
/// writers do).
#[derive(Clone, Debug, PartialEq)]
pub struct Selection {
    pub guid: Guid,
    pub name: Option<String>,
    pub description: Option<String>,
    /// As written; None when missing or not an integer (reported by the importer).
    pub start: Option<i64>,
    pub end: Option<i64>,
    pub creating_user: Option<Guid>,
    pub created: Option<DateTime<Utc>>,
    pub modifying_user: Option<Guid>,
    pub modified: Option<DateTime<Utc>>,
    pub codings: Vec<CodingRef>,
    pub note_refs: Vec<Guid>,
    pub line: usize,
}

/// A `<Coding>`: one code applied to its parent (selection or source).
#[derive(Clone, Debug, PartialEq)]
pub struct CodingRef {
    pub guid: Guid,
    /// The code's GUID (from `<CodeRef targetGUID>`); None when the element has no CodeRef.
    pub code: Option<Guid>,
    pub creating_user: Option<Guid>,
    pub created: Option<DateTime<Utc>>,
    pub note_refs: Vec<Guid>,
    pub line: usize,
}

/// A `<Note>` (a memo): a text source of its own, referred to by `<NoteRef>`s.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub guid: Guid,
    pub name: Option<String>,
    pub plain_text: Option<String>,
    pub plain_text_path: Option<String>,
    pub rich_text_path: Option<String>,
    pub creating_user: Option<Guid>,
    pub created: Option<DateTime<Utc>>,
    pub modified: Option<DateTime<Utc>>,
    pub line: usize,
}
