//! Export: a store (or part of it) as a REFI-QDA project or codebook.
//!
//! Field by field (docs/exchange.md has the full table): each session becomes a `TextSource`
//! named by its title, its note a UTF-8 file with LF line endings in `sources/`, its
//! metadata `VariableValue`s of project `Variables`; each theme a `Code` (hierarchy, colour,
//! entry in the description); each coding a `PlainTextSelection` named by the words it covers,
//! with one `Coding` by its coder (a `User`); memos `Note`s with `NoteRef`s. GUIDs come from
//! Ripple's ids (`guid.rs`).
//!
//! Codings are first re-attached to their note's current text in memory, as Ripple does when a
//! note is opened, so the offsets exported are the ones Ripple shows; an orphaned coding (its
//! words are gone) is left out and counted.
//!
//! De-identification is the evidence export's: `evidence::deidentified` for each session's
//! title, agencies and county (the facilitator left out), its `redact` for everything else
//! written (note text, tags, roles, memos, theme texts, the project's name), and coders are
//! named "Coder 1", "Coder 2", … (their real names are what evidence leaves out; numbering
//! keeps one coder's work apart from another's). In the note text each redaction changes the
//! length, so coding offsets are moved with it.

use super::codebook_map;
use super::guid;
use super::model::{
    Code, CodebookFile, CodingRef, Guid, Note, Project, Selection, Source, SourceKind, User,
    Variable, VariableType, VariableValue,
};
use crate::core::anchor::reattach_all;
use crate::core::codebook::{Codebook, Theme};
use crate::core::coding::{coder_slug, AnchorStatus, CoderSessionFile};
use crate::core::evidence::{self, EvidenceItem};
use crate::core::session::{Session, SessionId};
use crate::core::session_file::format_date;
use crate::core::store::Store;
use crate::core::text::char_slice;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// What the exporter shows of Ripple in `origin`.
pub fn origin() -> String {
    format!("Ripple {}", env!("CARGO_PKG_VERSION"))
}

#[derive(Clone, Debug, Default)]
pub struct ExportOptions {
    pub deidentify: bool,
    /// Terms to redact when de-identifying (the store's `deidentify` list).
    pub redact_terms: Vec<String>,
    /// Only these coders' codings and memos (matched as coder folders are: `Ana Peña` is
    /// `ana peña`); every coder's when empty.
    pub coders: Vec<String>,
}

/// What an export reads from a store.
#[derive(Clone, Debug, Default)]
pub struct StoreContent {
    pub name: String,
    pub codebook: Codebook,
    /// In export order: oldest date first, then creation time, then id.
    pub sessions: Vec<Session>,
    pub coder_files: Vec<CoderSessionFile>,
}

/// Read a store for export: every session (or those in `only`), the codebook and every
/// coder's files. Files that cannot be read are left out, each with a warning.
pub fn read_store(
    store: &Store,
    only: Option<&HashSet<SessionId>>,
) -> Result<(StoreContent, Vec<String>), String> {
    read_store_with(store, only, &mut |_, _, _| {})
}

/// `read_store`, telling `progress` how many sessions are read.
pub fn read_store_with(
    store: &Store,
    only: Option<&HashSet<SessionId>>,
    progress: super::progress::Progress<'_>,
) -> Result<(StoreContent, Vec<String>), String> {
    let codebook = Codebook::load_or_builtin(&store.codebook_path()).map_err(|errors| {
        let first = errors.first().map(|e| e.to_string()).unwrap_or_default();
        format!("the codebook has problems ({first}): `ripple codebook check` lists them")
    })?;
    let mut warnings = Vec::new();
    let scan = store.scan();
    warnings.extend(scan.problems.iter().map(|p| format!("{p} (left out)")));
    let mut sessions = Vec::with_capacity(scan.sessions.len());
    let total = only.map_or(scan.sessions.len(), |o| {
        scan.sessions
            .iter()
            .filter(|s| o.contains(&s.meta.id))
            .count()
    });
    for s in scan.sessions.iter().rev() {
        if only.is_some_and(|o| !o.contains(&s.meta.id)) {
            continue;
        }
        if sessions.len() % 64 == 0 {
            progress(super::progress::Stage::Reading, sessions.len(), total);
        }
        match store.load(&s.meta.id) {
            Ok(session) => sessions.push(session),
            Err(e) => warnings.push(format!("{e} (left out)")),
        }
    }
    sessions.sort_by(|a, b| {
        (a.meta.date, a.meta.created, &a.meta.id).cmp(&(b.meta.date, b.meta.created, &b.meta.id))
    });
    let wanted: HashSet<&SessionId> = sessions.iter().map(|s| &s.meta.id).collect();
    let (files, errors) = crate::core::coding_store::load_all(store.root());
    warnings.extend(errors.iter().map(|e| format!("{e} (left out)")));
    // Stored positions are where each coder last wrote them; the note may have changed since:
    // export each passage where its words are now, as every reader of codings does (in memory:
    // other coders' files are theirs to write).
    let texts: std::collections::HashMap<&SessionId, &str> = sessions
        .iter()
        .map(|s| (&s.meta.id, s.text.as_str()))
        .collect();
    let coder_files = files
        .into_iter()
        .filter(|f| wanted.contains(&f.session))
        .map(|mut f| {
            if let Some(text) = texts.get(&f.session) {
                crate::core::anchor::reattach_all(text, &mut f.codings);
            }
            f
        })
        .collect();
    let name = if store.settings().name.trim().is_empty() {
        store
            .root()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        store.settings().name.clone()
    };
    Ok((
        StoreContent {
            name,
            codebook,
            sessions,
            coder_files,
        },
        warnings,
    ))
}

/// A project ready to write: `project.qde`'s model and the files for `sources/`.
pub struct ExportedProject {
    pub project: Project,
    /// `(file name in sources/, text)`.
    pub files: Vec<(String, String)>,
    pub report: ExportReport,
}

/// What an export holds and what it changed or left out, for the user.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportReport {
    pub sessions: usize,
    pub themes: usize,
    pub codings: usize,
    pub memos: usize,
    pub coders: Vec<String>,
    /// Orphaned codings left out (their words are no longer in the note).
    pub orphans: usize,
    /// Theme keys codings use that the codebook lacks (exported as codes named by the key).
    pub unknown_themes: Vec<String>,
    /// What de-identification changed, one line each.
    pub deidentified: Vec<String>,
    /// Characters XML cannot hold, replaced by U+FFFD (set by the writer).
    pub replaced_characters: usize,
}

/// Counts of what de-identification changed.
#[derive(Default)]
struct Redactions {
    in_notes: usize,
    notes: usize,
    in_fields: usize,
    facilitators: usize,
}

impl Redactions {
    fn field(&mut self, text: &str, terms: &[String]) -> String {
        let n = evidence::redaction_spans(text, terms).len();
        self.in_fields += n;
        if n == 0 {
            text.to_string()
        } else {
            evidence::redact(text, terms)
        }
    }
}

/// The note text with each term redacted, and a map of old code-point positions to new ones.
struct RedactedText {
    text: String,
    /// (start, end, replacement length) of each redaction, in order.
    spans: Vec<(usize, usize, usize)>,
}

impl RedactedText {
    fn new(text: &str, terms: &[String]) -> RedactedText {
        let spans = evidence::redaction_spans(text, terms);
        let redacted = if spans.is_empty() {
            text.to_string()
        } else {
            evidence::redact(text, terms)
        };
        let n = "[redacted]".chars().count();
        RedactedText {
            text: redacted,
            spans: spans.into_iter().map(|(s, e)| (s, e, n)).collect(),
        }
    }

    /// Where position `p` moves. A position inside a redacted term moves to the start of its
    /// replacement for a coding's start and to the end for its end, so the passage keeps
    /// covering the (redacted) words.
    fn map(&self, p: usize, is_end: bool) -> usize {
        let mut shift: isize = 0;
        for &(s, e, n) in &self.spans {
            if e <= p {
                shift += n as isize - (e - s) as isize;
            } else if s < p {
                let start = (s as isize + shift) as usize;
                return if is_end { start + n } else { start };
            } else {
                break;
            }
        }
        (p as isize + shift) as usize
    }
}

/// The codebook as REFI-QDA codes: the theme tree in codebook order, with `extra` codes (named
/// by theme keys the codebook lacks) after it.
fn codes(
    codebook: &Codebook,
    extra: &[String],
    guids: &guid::ThemeGuids,
    redact: &mut dyn FnMut(&str) -> String,
) -> Vec<Code> {
    fn build(
        codebook: &Codebook,
        theme: &Theme,
        guids: &guid::ThemeGuids,
        redact: &mut dyn FnMut(&str) -> String,
        seen: &mut HashSet<String>,
    ) -> Code {
        seen.insert(theme.key.clone());
        let children = codebook
            .themes
            .iter()
            .filter(|t| t.parent.as_deref() == Some(theme.key.as_str()) && !seen.contains(&t.key))
            .cloned()
            .collect::<Vec<_>>();
        // A key is the words of a name: one that spells a redacted name is not written.
        let key_words = theme.key.replace('-', " ");
        let key_shown = redact(&key_words) == key_words;
        Code {
            guid: guids.of(&theme.key),
            name: redact(&theme.name),
            codable: true,
            colour: Some(theme.colour.clone()),
            description: codebook_map::description_with(theme, key_shown).map(|d| redact(&d)),
            note_refs: Vec::new(),
            children: children
                .iter()
                .map(|c| build(codebook, c, guids, redact, seen))
                .collect(),
            line: 0,
        }
    }
    let keys: HashSet<&str> = codebook.themes.iter().map(|t| t.key.as_str()).collect();
    let mut seen = HashSet::new();
    let mut out: Vec<Code> = codebook
        .themes
        .iter()
        .filter(|t| t.parent.as_deref().is_none_or(|p| !keys.contains(p)))
        .map(|t| build(codebook, t, guids, redact, &mut seen))
        .collect();
    // Keys of themes the codebook lacks are their names: redacted as names are, read as the
    // words they were made of (`maria-lopez` is "Maria Lopez").
    for key in extra {
        let words = key.replace('-', " ");
        let redacted = redact(&words);
        out.push(Code {
            guid: guids.of(key),
            name: if redacted == words {
                key.clone()
            } else {
                redacted
            },
            codable: true,
            colour: None,
            description: None,
            note_refs: Vec::new(),
            children: Vec::new(),
            line: 0,
        });
    }
    out
}

/// The codebook alone, as a `.qdc`.
pub fn codebook_file(codebook: &Codebook, opts: &ExportOptions) -> CodebookFile {
    let terms: &[String] = if opts.deidentify {
        &opts.redact_terms
    } else {
        &[]
    };
    let mut redact = |s: &str| evidence::redact(s, terms);
    CodebookFile {
        origin: Some(origin()),
        codes: codes(
            codebook,
            &[],
            &guid::ThemeGuids::new(opts.deidentify),
            &mut redact,
        ),
        sets: Vec::new(),
    }
}

const VAR_DATE: &str = "date";
const VAR_TYPE: &str = "type";
const VAR_AGENCIES: &str = "agencies";
const VAR_COUNTY: &str = "county";
const VAR_FACILITATOR: &str = "facilitator";
const VAR_TAGS: &str = "tags";
/// `participants: <role>`, an integer per role.
pub const PARTICIPANTS_PREFIX: &str = "participants: ";
/// Several agencies or tags in one text value.
pub const LIST_SEPARATOR: &str = "; ";

fn text_value(variable: &str, value: String) -> VariableValue {
    VariableValue {
        variable: guid::variable(variable),
        kind: VariableType::Text,
        value: Some(value),
    }
}

/// The store's sessions, codebook, codings and memos as a REFI-QDA project.
pub fn project(content: &StoreContent, opts: &ExportOptions) -> ExportedProject {
    let terms: Vec<String> = if opts.deidentify {
        opts.redact_terms.clone()
    } else {
        Vec::new()
    };
    let mut red = Redactions::default();
    let mut report = ExportReport::default();

    let wanted_coders: HashSet<String> = opts.coders.iter().map(|c| coder_slug(c)).collect();
    let mut files_by_session: HashMap<&SessionId, Vec<&CoderSessionFile>> = HashMap::new();
    for f in &content.coder_files {
        if wanted_coders.is_empty() || wanted_coders.contains(&coder_slug(&f.coder)) {
            files_by_session.entry(&f.session).or_default().push(f);
        }
    }
    for files in files_by_session.values_mut() {
        files.sort_by(|a, b| a.coder.cmp(&b.coder));
    }
    let coder_names: BTreeSet<&str> = files_by_session
        .values()
        .flatten()
        .filter(|f| !f.codings.is_empty() || !f.memo.trim().is_empty())
        .map(|f| f.coder.as_str())
        .collect();
    // The name each coder is exported under.
    let shown: BTreeMap<&str, String> = coder_names
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let name = if opts.deidentify {
                format!("Coder {}", i + 1)
            } else {
                c.to_string()
            };
            (*c, name)
        })
        .collect();
    let user_guid = |coder: &str| guid::user(&shown[coder]);
    let theme_guids = guid::ThemeGuids::new(opts.deidentify);

    let theme_keys: HashSet<&str> = content
        .codebook
        .themes
        .iter()
        .map(|t| t.key.as_str())
        .collect();
    let mut unknown: BTreeSet<String> = BTreeSet::new();
    let mut roles: Vec<String> = Vec::new();
    let mut used_vars: HashSet<&'static str> = HashSet::new();
    let mut sources = Vec::with_capacity(content.sessions.len());
    let mut notes = Vec::new();
    let mut out_files = Vec::with_capacity(content.sessions.len());
    let mut modified: Option<DateTime<Utc>> = None;
    let mut bump = |t: DateTime<Utc>| {
        if modified.is_none_or(|m| t > m) {
            modified = Some(t);
        }
    };

    for session in &content.sessions {
        let meta = &session.meta;
        let sguid = guid::session(&meta.id);
        let note = RedactedText::new(&session.text, &terms);
        if !note.spans.is_empty() {
            red.in_notes += note.spans.len();
            red.notes += 1;
        }
        // Title, agencies and county exactly as the evidence export de-identifies them.
        let (title, agencies, county, facilitator) = if opts.deidentify {
            let item = evidence::deidentified(
                &EvidenceItem {
                    theme: String::new(),
                    theme_name: String::new(),
                    date: meta.date,
                    session_type: meta.session_type.key().to_string(),
                    agencies: meta.agencies.clone(),
                    county: meta.county.clone(),
                    title: meta.title.clone(),
                    quote: String::new(),
                    context_before: String::new(),
                    context_after: String::new(),
                    memo: String::new(),
                    facilitator: Some(meta.facilitator.clone()),
                    coder: None,
                    coders: Vec::new(),
                    session_id: None,
                    coding_id: None,
                    start: 0,
                    end: 0,
                    project_month: None,
                    memos: Vec::new(),
                    merged: 0,
                },
                &terms,
            );
            red.in_fields += evidence::redaction_spans(&meta.title, &terms).len()
                + evidence::redaction_spans(&meta.county, &terms).len()
                + meta
                    .agencies
                    .iter()
                    .map(|a| evidence::redaction_spans(a, &terms).len())
                    .sum::<usize>();
            if !meta.facilitator.is_empty() {
                red.facilitators += 1;
            }
            (item.title, item.agencies, item.county, item.facilitator)
        } else {
            (
                meta.title.clone(),
                meta.agencies.clone(),
                meta.county.clone(),
                Some(meta.facilitator.clone()),
            )
        };

        let mut source = Source::text(SourceKind::Text, sguid.clone());
        source.name = Some(title.clone());
        source.plain_text_path = Some(format!("internal://{sguid}.txt"));
        source.created = Some(meta.created);
        source.modified = Some(meta.updated);
        bump(meta.updated);

        let mut values = vec![
            VariableValue {
                variable: guid::variable(VAR_DATE),
                kind: VariableType::Date,
                value: Some(format_date(meta.date)),
            },
            text_value(VAR_TYPE, meta.session_type.key().to_string()),
        ];
        if !agencies.is_empty() {
            used_vars.insert(VAR_AGENCIES);
            values.push(text_value(VAR_AGENCIES, agencies.join(LIST_SEPARATOR)));
        }
        if !county.is_empty() {
            used_vars.insert(VAR_COUNTY);
            values.push(text_value(VAR_COUNTY, county));
        }
        if let Some(f) = facilitator.filter(|f| !f.is_empty()) {
            used_vars.insert(VAR_FACILITATOR);
            values.push(text_value(VAR_FACILITATOR, f));
        }
        if !meta.tags.is_empty() {
            used_vars.insert(VAR_TAGS);
            let tags: Vec<String> = meta.tags.iter().map(|t| red.field(t, &terms)).collect();
            values.push(text_value(VAR_TAGS, tags.join(LIST_SEPARATOR)));
        }
        for p in &meta.participants {
            let role = red.field(&p.role, &terms);
            if !roles.contains(&role) {
                roles.push(role.clone());
            }
            values.push(VariableValue {
                variable: guid::variable(&format!("{PARTICIPANTS_PREFIX}{role}")),
                kind: VariableType::Integer,
                value: Some(p.count.to_string()),
            });
        }
        source.values = values;

        for file in files_by_session.get(&meta.id).into_iter().flatten() {
            let user = user_guid(&file.coder);
            if !file.memo.trim().is_empty() {
                // The coder as exported ("Coder 2" when de-identified), never the name.
                let nguid = guid::session_memo(&meta.id, &shown[file.coder.as_str()]);
                notes.push(Note {
                    guid: nguid.clone(),
                    name: Some(format!("Memo on “{title}”")),
                    plain_text: Some(red.field(&file.memo, &terms)),
                    plain_text_path: None,
                    rich_text_path: None,
                    creating_user: Some(user.clone()),
                    created: None,
                    modified: None,
                    line: 0,
                });
                source.note_refs.push(nguid);
                report.memos += 1;
            }
            let mut codings = file.codings.clone();
            reattach_all(&session.text, &mut codings);
            codings.sort_by(|a, b| (a.start, a.end, &a.id).cmp(&(b.start, b.end, &b.id)));
            for c in &codings {
                if c.status == AnchorStatus::Orphaned || c.start >= c.end {
                    report.orphans += 1;
                    continue;
                }
                if !theme_keys.contains(c.theme.as_str()) {
                    unknown.insert(c.theme.clone());
                }
                let (start, end) = (note.map(c.start, false), note.map(c.end, true));
                let mut selection = Selection {
                    guid: guid::selection(&c.id),
                    name: Some(char_slice(&note.text, start, end).to_string()),
                    description: None,
                    start: Some(start as i64),
                    end: Some(end as i64),
                    creating_user: Some(user.clone()),
                    created: Some(c.created),
                    modifying_user: Some(user.clone()),
                    modified: Some(c.updated),
                    codings: vec![CodingRef {
                        guid: guid::coding(&c.id),
                        code: Some(theme_guids.of(&c.theme)),
                        creating_user: Some(user.clone()),
                        created: Some(c.created),
                        note_refs: Vec::new(),
                        line: 0,
                    }],
                    note_refs: Vec::new(),
                    line: 0,
                };
                bump(c.updated);
                if !c.memo.trim().is_empty() {
                    let nguid = guid::coding_memo(&c.id);
                    notes.push(Note {
                        guid: nguid.clone(),
                        name: Some(format!("Memo on a passage of “{title}”")),
                        plain_text: Some(red.field(&c.memo, &terms)),
                        plain_text_path: None,
                        rich_text_path: None,
                        creating_user: Some(user.clone()),
                        created: Some(c.created),
                        modified: Some(c.updated),
                        line: 0,
                    });
                    selection.note_refs.push(nguid);
                    report.memos += 1;
                }
                source.selections.push(selection);
                report.codings += 1;
            }
        }
        out_files.push((format!("{sguid}.txt"), note.text));
        sources.push(source);
    }

    let mut variables = vec![
        Variable {
            guid: guid::variable(VAR_DATE),
            name: VAR_DATE.into(),
            kind: VariableType::Date,
            description: Some("The day the session took place".into()),
        },
        Variable {
            guid: guid::variable(VAR_TYPE),
            name: VAR_TYPE.into(),
            kind: VariableType::Text,
            description: Some(
                "coaching, joint-coaching, leadership-meeting, training or other".into(),
            ),
        },
    ];
    for (name, what) in [
        (
            VAR_AGENCIES,
            "The agencies that took part, separated by \"; \"",
        ),
        (VAR_COUNTY, "The county"),
        (VAR_FACILITATOR, "Who facilitated"),
        (VAR_TAGS, "Tags, separated by \"; \""),
    ] {
        if used_vars.contains(name) {
            variables.push(Variable {
                guid: guid::variable(name),
                name: name.into(),
                kind: VariableType::Text,
                description: Some(what.into()),
            });
        }
    }
    for role in &roles {
        let name = format!("{PARTICIPANTS_PREFIX}{role}");
        variables.push(Variable {
            guid: guid::variable(&name),
            name,
            kind: VariableType::Integer,
            description: Some("How many people in this role took part".into()),
        });
    }

    let unknown: Vec<String> = unknown.into_iter().collect();
    let mut redact_field = |s: &str| red.field(s, &terms);
    let code_tree = codes(&content.codebook, &unknown, &theme_guids, &mut redact_field);
    let users: Vec<User> = shown
        .values()
        .map(|name| User {
            guid: guid::user(name),
            name: Some(name.clone()),
            id: None,
        })
        .collect();
    report.sessions = sources.len();
    report.themes = content.codebook.themes.len() + unknown.len();
    report.coders = shown.values().cloned().collect();
    report.unknown_themes = unknown;
    let project = Project {
        name: red.field(&content.name, &terms),
        origin: Some(origin()),
        created: content.sessions.iter().map(|s| s.meta.created).min(),
        modified,
        users,
        codes: code_tree,
        variables,
        sources,
        notes,
        ..Project::default()
    };
    if opts.deidentify {
        report.deidentified = deidentify_summary(&red, &terms, &report.coders);
    }
    ExportedProject {
        project,
        files: out_files,
        report,
    }
}

fn deidentify_summary(red: &Redactions, terms: &[String], coders: &[String]) -> Vec<String> {
    let mut lines = Vec::new();
    if terms.iter().all(|t| t.trim().is_empty()) {
        lines.push(
            "no terms to redact: ripple.toml has no `deidentify = [...]` list, so only names \
             of people were changed"
                .to_string(),
        );
    } else {
        lines.push(format!(
            "{} occurrence(s) of the {} term(s) in ripple.toml's `deidentify` replaced by \
             [redacted] in the notes of {} session(s), and {} in titles, agencies, counties, \
             tags, roles, memos and theme texts (coding offsets moved with the text)",
            red.in_notes,
            terms.len(),
            red.notes,
            red.in_fields
        ));
    }
    lines.push(format!(
        "facilitator left out of {} session(s)",
        red.facilitators
    ));
    if !coders.is_empty() {
        lines.push(format!(
            "coders named {} instead of their names",
            coders.join(", ")
        ));
    }
    lines
}

/// The GUID a Ripple session is exported under (for import to recognise its own sessions).
pub fn session_guid(id: &SessionId) -> Guid {
    guid::session(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_positions_move_with_the_text() {
        let terms = vec!["Doña Ana".to_string()];
        let r = RedactedText::new("In Doña Ana county, Doña Ana staff.", &terms);
        assert_eq!(r.text, "In [redacted] county, [redacted] staff.");
        // "county" was [12, 18): two code points further on.
        assert_eq!(r.map(12, false), 14);
        assert_eq!(r.map(18, true), 20);
        assert_eq!(
            char_slice(&r.text, r.map(12, false), r.map(18, true)),
            "county"
        );
        // A passage starting inside the term covers the whole replacement.
        assert_eq!(r.map(8, false), 3);
        assert_eq!(r.map(8, true), 13);
        assert_eq!(r.map(0, false), 0);
        assert_eq!(r.map(35, true), 39);
    }

    /// De-identified, a theme name is redacted wherever it would show: a key the codebook lacks
    /// is a code's name too; and no GUID is the stable one made from the key, which would let
    /// a guessed name be confirmed.
    #[test]
    fn de_identified_codes_hide_names_in_unknown_keys_and_in_guids() {
        let mut codebook = Codebook::builtin();
        codebook
            .themes
            .push(Theme::new("maria-lopez", "Maria Lopez", "#000000"));
        // Renamed since: its key no longer comes from its name, so it would be written.
        codebook
            .themes
            .push(Theme::new("maria-lopez-2", "Referral", "#000000"));
        let terms = vec!["Maria Lopez".to_string()];
        let mut redact = |s: &str| evidence::redact(s, &terms);
        let extra = vec!["maria-lopez-only".to_string()];
        let hidden = codes(&codebook, &extra, &guid::ThemeGuids::new(true), &mut redact);
        let mut all = Vec::new();
        fn walk<'a>(c: &'a [Code], out: &mut Vec<&'a Code>) {
            for c in c {
                out.push(c);
                walk(&c.children, out);
            }
        }
        walk(&hidden, &mut all);
        assert!(all.iter().all(|c| !c.name.to_lowercase().contains("maria")));
        assert!(
            all.iter().all(|c| !c
                .description
                .as_deref()
                .unwrap_or("")
                .to_lowercase()
                .contains("maria")),
            "{all:?}"
        );
        assert!(all.iter().any(|c| c.name == "[redacted] only"), "{all:?}");
        for key in ["maria-lopez", "maria-lopez-only", "trust"] {
            assert!(all.iter().all(|c| c.guid != guid::theme(key)), "{key}");
        }
        // Two de-identified exports share no theme GUID; plain ones keep theirs.
        let again = codes(&codebook, &extra, &guid::ThemeGuids::new(true), &mut redact);
        assert_ne!(hidden[0].guid, again[0].guid);
        let mut keep = |s: &str| s.to_string();
        let plain = codes(&codebook, &extra, &guid::ThemeGuids::new(false), &mut keep);
        assert_eq!(plain[0].guid, guid::theme(&codebook.themes[0].key));
    }
}
