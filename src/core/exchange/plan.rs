//! Import, first half: what a REFI-QDA project or codebook becomes in a store, worked out in
//! memory (nothing is written). The plan lists what will be added, what is matched to what the
//! store has, and every element that cannot be imported with the reason; `apply.rs` writes it.
//!
//! Field by field (docs/exchange.md has the full table):
//! - a `TextSource` becomes a session: its text from `PlainTextContent`, its `plainTextPath`
//!   file, or (when the archive has neither) its `.docx` converted to text; its `name` the
//!   title; `VariableValue`s (its own, then its cases') whose names are Ripple fields fill them,
//!   any other becomes a tag `name:value`; a case it belongs to becomes a tag `case:<name>`;
//! - a `Code` becomes a theme, or is matched to the store's theme of the same name (or key):
//!   key from the name (or the description's "Key:"), colour, description split into the
//!   entry's fields, parent from the hierarchy;
//! - each `Coding` of a `PlainTextSelection` becomes a coding of its user, after the selection
//!   is checked against the text (inside it, not only white space, and the words its name
//!   quotes, or the line it names as qc does, `line:N`); a `Coding` of a whole source codes the whole note;
//! - `Note`s referred to by a source become its memo by the note's author, those referred to
//!   by a selection or coding the coding's memo (with the selection's `Description`).
//!
//! Sessions get ids derived from the source GUIDs (`guid.rs`): a source imported before, or a
//! session this store exported, is found again and left alone rather than added twice.

mod parts;
mod sources;
mod text;
mod themes;

pub use parts::{
    Fetch, Plan, PlannedSession, Skipped, SourceFiles, Target, ThemeOutcome, ThemePlan,
    UNKNOWN_CODER,
};

pub use text::render_plan;
pub use themes::plan_codebook;

use super::error::ExchangeError;
use super::guid;
use super::model::{Code, Guid, Project, SourceKind, VariableType};
use super::offsets::{SourceText, Unit};
use super::progress::{Progress, Stage};
use crate::core::coding::{coder_slug, AnchorStatus, CoderSessionFile, Coding, CONTEXT_CHARS};
use crate::core::session::{Session, SessionId, SessionMeta, SessionType};
use crate::core::text::{normalize_newlines, one_line};
use chrono::{DateTime, Utc};
use sources::{apply_value, join_memo, source_label, title_of, Notes};
use std::collections::{BTreeMap, HashMap, HashSet};
use themes::{flatten, plan_themes};

/// Plan importing a project.
pub fn plan_project(
    project: &Project,
    files: &mut dyn SourceFiles,
    target: &Target,
    progress: Progress<'_>,
) -> Result<Plan, ExchangeError> {
    let now = target.now.unwrap_or_else(Utc::now);
    let today = target.today.unwrap_or_else(|| now.date_naive());
    let mut plan = Plan {
        project_name: Some(project.name.clone()).filter(|n| !n.trim().is_empty()),
        origin: project.origin.clone(),
        ..Plan::default()
    };
    let (code_keys, themes, codebook) =
        plan_themes(&project.codes, &target.codebook, &mut plan.skipped);
    plan.themes = themes;
    plan.codebook = codebook;
    let code_names: HashMap<&Guid, String> = {
        let mut flat = Vec::new();
        flatten(&project.codes, None, "", &mut flat);
        flat.iter()
            .map(|f| (&f.code.guid, f.path.clone()))
            .collect()
    };

    let users: HashMap<&Guid, String> = project
        .users
        .iter()
        .map(|u| {
            let name = u
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .or_else(|| u.id.clone().filter(|n| !n.trim().is_empty()))
                .unwrap_or_else(|| format!("User {}", u.guid.0.get(..8).unwrap_or(&u.guid.0)));
            (&u.guid, name)
        })
        .collect();
    let mut unknown_users = 0usize;
    let mut user_name = |guids: &[Option<&Guid>]| -> String {
        for g in guids.iter().flatten() {
            if let Some(n) = users.get(g) {
                return n.clone();
            }
        }
        unknown_users += 1;
        UNKNOWN_CODER.to_string()
    };

    let variables: HashMap<&Guid, (&str, VariableType)> = project
        .variables
        .iter()
        .map(|v| (&v.guid, (v.name.as_str(), v.kind)))
        .collect();
    let mut cases_of: HashMap<&Guid, Vec<&super::model::Case>> = HashMap::new();
    for c in &project.cases {
        for s in &c.sources {
            cases_of.entry(s).or_default().push(c);
        }
    }
    let mut notes = Notes {
        by_guid: project.notes.iter().map(|n| (&n.guid, n)).collect(),
        text: HashMap::new(),
        used: HashSet::new(),
    };
    let own: HashMap<Guid, SessionId> = target
        .sessions
        .iter()
        .map(|id| (guid::session(id), id.clone()))
        .collect();

    let mut dated_by_creation = 0;
    let mut dated_today = 0;
    let mut seen_ids: HashSet<SessionId> = HashSet::new();
    let total = project.sources.len();
    for (i, src) in project.sources.iter().enumerate() {
        if i % 64 == 0 {
            progress(Stage::Planning, i, total);
        }
        let label = source_label(src);
        if src.kind != SourceKind::Text {
            let kind = match src.kind {
                SourceKind::Pdf => "PDF",
                SourceKind::Picture => "picture",
                SourceKind::Audio => "audio",
                _ => "video",
            };
            let codings = if src.other_selections > 0 {
                format!(" ({} selection(s) with it)", src.other_selections)
            } else {
                String::new()
            };
            plan.skipped.push(Skipped {
                what: format!("{kind} source {label}{codings}"),
                reason: "Ripple imports text sources only".into(),
            });
            continue;
        }
        let title = title_of(src);
        if let Some(id) = own.get(&src.guid) {
            not_merged(src, id, &title, target, &mut plan.skipped);
            plan.present.push((title, id.clone()));
            continue;
        }
        let id = guid::imported_session(&src.guid, src.created);
        if target.sessions.contains(&id) || !seen_ids.insert(id.clone()) {
            not_merged(src, &id, &title, target, &mut plan.skipped);
            plan.present.push((title, id));
            continue;
        }

        // The text.
        let mut converted = false;
        let fetched = match (&src.plain_text, &src.plain_text_path) {
            (Some(t), _) => Fetch::Text(t.clone()),
            (None, Some(p)) => files.plain(p)?,
            (None, None) => Fetch::Missing,
        };
        let text = match fetched {
            Fetch::Text(t) => t,
            other => {
                let docx = match &src.rich_text_path {
                    Some(r) => files.docx(r)?,
                    None => Fetch::Missing,
                };
                match (docx, other) {
                    (Fetch::Text(t), _) => {
                        converted = true;
                        t
                    }
                    (Fetch::Unreadable(why), _) | (_, Fetch::Unreadable(why)) => {
                        plan.skipped.push(Skipped {
                            what: format!("text source {label}"),
                            reason: why,
                        });
                        continue;
                    }
                    _ => {
                        let where_ = src
                            .plain_text_path
                            .as_deref()
                            .or(src.rich_text_path.as_deref())
                            .map(|p| format!(" ({p})"))
                            .unwrap_or_default();
                        plan.skipped.push(Skipped {
                            what: format!("text source {label}"),
                            reason: format!("its text{where_} is not in the file"),
                        });
                        continue;
                    }
                }
            }
        };
        if converted {
            plan.notes.push(format!(
                "text source {label}: its text comes from its .docx (the archive has no plain \
                 text of it)"
            ));
        }
        let st = SourceText::new(&text);

        // The metadata.
        let created = src.created.or(project.created).unwrap_or(now);
        let mut meta = SessionMeta {
            id: id.clone(),
            title: title.clone(),
            date: created.date_naive(),
            agencies: Vec::new(),
            session_type: SessionType::Other,
            county: String::new(),
            facilitator: String::new(),
            participants: Vec::new(),
            tags: Vec::new(),
            created,
            updated: src.modified.filter(|m| *m >= created).unwrap_or(created),
        };
        let mut dated = false;
        let cases = cases_of.get(&src.guid).cloned().unwrap_or_default();
        // A case's values first, so the source's own win.
        let values = cases
            .iter()
            .flat_map(|c| c.values.iter())
            .chain(src.values.iter());
        for v in values {
            let Some((name, _)) = variables.get(&v.variable) else {
                plan.skipped.push(Skipped {
                    what: format!("a value of text source {label}"),
                    reason: format!(
                        "it refers to variable {}, which the file does not define",
                        v.variable
                    ),
                });
                continue;
            };
            if let Some(value) = &v.value {
                dated |= apply_value(&mut meta, name, v.kind, value, &mut plan.notes, &label);
            }
        }
        for c in &cases {
            let tag = format!("case:{}", c.name.as_deref().unwrap_or(c.guid.as_str()));
            if !meta.tags.contains(&tag) {
                meta.tags.push(tag);
            }
        }
        if !dated {
            if src.created.is_some() || project.created.is_some() {
                dated_by_creation += 1;
            } else {
                meta.date = today;
                dated_today += 1;
            }
        }

        // Codings and memos, by coder (one file per coder folder).
        let mut by_coder: BTreeMap<String, CoderSessionFile> = BTreeMap::new();
        for r in &src.note_refs {
            if let Some((text, author)) = notes.text(r, files, &mut plan.skipped)? {
                let who = user_name(&[author.as_ref()]);
                join_memo(&mut file_for(&mut by_coder, &id, &who).memo, &text);
                plan.memos += 1;
            }
        }
        if let Some(d) = src.description.as_deref().filter(|d| !d.trim().is_empty()) {
            let who = user_name(&[src.creating_user.as_ref(), project.creating_user.as_ref()]);
            join_memo(
                &mut file_for(&mut by_coder, &id, &who).memo,
                &normalize_newlines(d),
            );
            plan.memos += 1;
        }

        let spans: Vec<(i64, i64, Option<&str>)> = src
            .selections
            .iter()
            .filter_map(|s| Some((s.start?, s.end?, s.name.as_deref())))
            .collect();
        let unit = st.choose_unit(&spans);
        if unit != Unit::CodePoints {
            plan.notes.push(format!(
                "text source {label}: selection offsets read as {} (the words the selections \
                 name are there)",
                unit.describe()
            ));
        }
        let mut nth: HashMap<Guid, usize> = HashMap::new();
        let mut make = |covered_range: (usize, usize),
                        coding: &super::model::CodingRef,
                        selection_guid: Option<&Guid>,
                        users: [Option<&Guid>; 3],
                        created: Option<DateTime<Utc>>,
                        modified: Option<DateTime<Utc>>,
                        memo: &str,
                        what: &str,
                        plan: &mut Plan,
                        verified: bool|
         -> Option<(String, Coding)> {
            let Some(code) = &coding.code else {
                plan.skipped.push(Skipped {
                    what: what.to_string(),
                    reason: "its coding has no CodeRef".into(),
                });
                return None;
            };
            let Some(key) = code_keys.get(code) else {
                plan.skipped.push(Skipped {
                    what: what.to_string(),
                    reason: format!("it refers to code {code}, which the codebook does not have"),
                });
                return None;
            };
            let n = nth.entry(coding.guid.clone()).or_insert(0);
            let created = coding.created.or(created).unwrap_or(meta.created);
            let id =
                guid::imported_coding(&src.guid, selection_guid, &coding.guid, *n, Some(created));
            *n += 1;
            let (s, e) = covered_range;
            let coder = user_name(&users);
            if verified {
                plan.verified += 1;
            }
            Some((
                coder.clone(),
                Coding {
                    id,
                    session: meta.id.clone(),
                    theme: key.clone(),
                    coder,
                    start: s,
                    end: e,
                    quote: st.slice(s, e).to_string(),
                    before: st.slice(s.saturating_sub(CONTEXT_CHARS), s).to_string(),
                    after: st.slice(e, e + CONTEXT_CHARS).to_string(),
                    memo: memo.to_string(),
                    status: AnchorStatus::Attached,
                    created,
                    updated: modified.filter(|m| *m >= created).unwrap_or(created),
                },
            ))
        };

        let mut made: Vec<(String, Coding)> = Vec::new();
        for sel in &src.selections {
            let name = sel.name.as_deref().filter(|n| !n.trim().is_empty());
            let what = match name {
                Some(n) => format!("selection “{}” in {label}", one_line(n, 60)),
                None => format!("selection at line {} in {label}", sel.line),
            };
            let (Some(s), Some(e)) = (sel.start, sel.end) else {
                plan.skipped.push(Skipped {
                    what,
                    reason: "it has no valid startPosition and endPosition".into(),
                });
                continue;
            };
            let Some((a, b)) = st.range(unit, s, e) else {
                let reason = if s >= e {
                    format!("it is empty or reversed ([{s}, {e}))")
                } else {
                    format!(
                        "[{s}, {e}) lies outside the text, which has {} characters",
                        st.len()
                    )
                };
                plan.skipped.push(Skipped { what, reason });
                continue;
            };
            let covered = st.slice(a, b);
            if covered.trim().is_empty() {
                plan.skipped.push(Skipped {
                    what,
                    reason: format!("[{s}, {e}) covers only white space"),
                });
                continue;
            }
            let verified = name.and_then(|n| st.confirms(n, a, b));
            if converted && verified != Some(true) {
                plan.skipped.push(Skipped {
                    what,
                    reason: "the text was converted from .docx and the selection's name does \
                             not confirm the words at its offsets"
                        .into(),
                });
                continue;
            }
            if verified == Some(false) && name.is_some_and(|n| n.trim().starts_with("line:")) {
                plan.notes.push(format!(
                    "{what}: [{s}, {e}) is not the line its name gives (“{}”); imported at its \
                     offsets",
                    one_line(covered, 60)
                ));
            } else if verified == Some(false) && looks_like_quote(name.unwrap_or(""), &st) {
                plan.notes.push(format!(
                    "{what}: its name quotes other words than the text at [{s}, {e}) (“{}”); \
                     imported at its offsets",
                    one_line(covered, 60)
                ));
            }
            let mut memo = String::new();
            if let Some(d) = sel.description.as_deref().filter(|d| !d.trim().is_empty()) {
                join_memo(&mut memo, &normalize_newlines(d));
            }
            for r in &sel.note_refs {
                if let Some((text, _)) = notes.text(r, files, &mut plan.skipped)? {
                    join_memo(&mut memo, &text);
                }
            }
            if sel.codings.is_empty() {
                plan.skipped.push(Skipped {
                    what,
                    reason: "no code is applied to it (Ripple keeps coded passages only)".into(),
                });
                continue;
            }
            for c in &sel.codings {
                let mut coding_memo = memo.clone();
                for r in &c.note_refs {
                    if let Some((text, _)) = notes.text(r, files, &mut plan.skipped)? {
                        join_memo(&mut coding_memo, &text);
                    }
                }
                if !coding_memo.is_empty() {
                    plan.memos += 1;
                }
                if let Some(m) = make(
                    (a, b),
                    c,
                    Some(&sel.guid),
                    [
                        c.creating_user.as_ref(),
                        sel.creating_user.as_ref(),
                        project.creating_user.as_ref(),
                    ],
                    sel.created,
                    sel.modified,
                    &coding_memo,
                    &what,
                    &mut plan,
                    verified == Some(true),
                ) {
                    made.push(m);
                }
            }
        }
        for c in &src.codings {
            let what = format!("coding of the whole of {label}");
            if st.lf.trim().is_empty() {
                plan.skipped.push(Skipped {
                    what,
                    reason: "the text is empty".into(),
                });
                continue;
            }
            let mut memo = String::new();
            for r in &c.note_refs {
                if let Some((text, _)) = notes.text(r, files, &mut plan.skipped)? {
                    join_memo(&mut memo, &text);
                }
            }
            if let Some(m) = make(
                (0, st.len()),
                c,
                None,
                [c.creating_user.as_ref(), src.creating_user.as_ref(), None],
                src.created,
                src.modified,
                &memo,
                &what,
                &mut plan,
                false,
            ) {
                made.push(m);
            }
        }
        for (coder, coding) in made {
            file_for(&mut by_coder, &id, &coder).codings.push(coding);
            plan.codings += 1;
        }
        let session = Session { meta, text: st.lf };
        plan.sessions.push(PlannedSession {
            session,
            files: by_coder.into_values().collect(),
            converted,
        });
    }

    if unknown_users > 0 {
        plan.notes.push(format!(
            "{unknown_users} coding(s) or memo(s) name no user the file knows: recorded under \
             “{UNKNOWN_CODER}”"
        ));
    }
    if dated_by_creation > 0 {
        plan.notes.push(format!(
            "{dated_by_creation} session(s) have no date in the file: dated by when the source \
             was created"
        ));
    }
    if dated_today > 0 {
        plan.notes.push(format!(
            "{dated_today} session(s) have no date or creation time in the file: dated today \
             ({today})"
        ));
    }
    for (i, code) in flat_codes(&project.codes) {
        for r in &code.note_refs {
            let name = notes
                .by_guid
                .get(r)
                .and_then(|n| n.name.clone())
                .unwrap_or_else(|| r.to_string());
            notes.used.insert(r.clone());
            plan.skipped.push(Skipped {
                what: format!(
                    "note “{name}” on code “{}”",
                    code_names
                        .get(&code.guid)
                        .cloned()
                        .unwrap_or_else(|| i.clone())
                ),
                reason: "Ripple keeps memos on sessions and passages, not on themes".into(),
            });
        }
    }
    for r in &project.note_refs {
        notes.used.insert(r.clone());
        let name = notes
            .by_guid
            .get(r)
            .and_then(|n| n.name.clone())
            .unwrap_or_else(|| r.to_string());
        plan.skipped.push(Skipped {
            what: format!("note “{name}” on the project"),
            reason: "Ripple keeps memos on sessions and passages only".into(),
        });
    }
    for n in &project.notes {
        if !notes.used.contains(&n.guid) {
            plan.skipped.push(Skipped {
                what: format!(
                    "note “{}” (line {})",
                    n.name.as_deref().unwrap_or(n.guid.as_str()),
                    n.line
                ),
                reason: "it is attached to nothing Ripple imports".into(),
            });
        }
    }
    if let Some(d) = project
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
    {
        plan.skipped.push(Skipped {
            what: format!("the project's description (“{}”)", one_line(d, 60)),
            reason: "a Ripple store has a name only".into(),
        });
    }
    for s in &project.sets {
        plan.skipped.push(Skipped {
            what: format!("set “{}” ({} members)", s.name, s.members),
            reason: "Ripple has no sets".into(),
        });
    }
    for l in &project.links {
        plan.skipped.push(Skipped {
            what: format!("link “{l}”"),
            reason: "Ripple has no links between items".into(),
        });
    }
    for g in &project.graphs {
        plan.skipped.push(Skipped {
            what: format!("graph “{g}”"),
            reason: "Ripple has no graphs".into(),
        });
    }
    for c in &project.cases {
        if c.sources.is_empty() && !c.values.is_empty() {
            plan.skipped.push(Skipped {
                what: format!("case “{}”", c.name.as_deref().unwrap_or(c.guid.as_str())),
                reason: "it has variables but no sources, so they apply to no session".into(),
            });
        }
    }
    Ok(plan)
}

/// The coder file of `name` (by coder folder, so names that differ only in case or accents
/// share one, as they would in the store).
fn file_for<'a>(
    by_coder: &'a mut BTreeMap<String, CoderSessionFile>,
    session: &SessionId,
    name: &str,
) -> &'a mut CoderSessionFile {
    by_coder
        .entry(coder_slug(name))
        .or_insert_with(|| CoderSessionFile {
            session: session.clone(),
            coder: name.to_string(),
            memo: String::new(),
            codings: Vec::new(),
        })
}

fn flat_codes(codes: &[Code]) -> Vec<(String, &Code)> {
    let mut out = Vec::new();
    fn walk<'a>(codes: &'a [Code], out: &mut Vec<(String, &'a Code)>) {
        for c in codes {
            out.push((c.name.clone(), c));
            walk(&c.children, out);
        }
    }
    walk(codes, &mut out);
    out
}

/// A name that has the look of a quote rather than a label: several words found somewhere in
/// the text.
fn looks_like_quote(name: &str, st: &SourceText) -> bool {
    let n = name.trim().trim_end_matches('…');
    n.split_whitespace().count() >= 3 && st.lf.contains(n)
}

/// A source the store has already is left as it is, its codings too: those the store does not
/// hold (another tool's coders, codings made since an export) are said to be skipped, never
/// passed over in silence. The store's own codings come back with the GUIDs an export gives
/// them (`guid::coding`), so a round trip skips nothing.
fn not_merged(
    src: &super::model::Source,
    id: &SessionId,
    title: &str,
    target: &Target,
    skipped: &mut Vec<Skipped>,
) {
    let in_file: Vec<&Guid> = src
        .selections
        .iter()
        .flat_map(|s| s.codings.iter())
        .chain(src.codings.iter())
        .map(|c| &c.guid)
        .collect();
    if in_file.is_empty() {
        return;
    }
    let held: HashSet<Guid> = target
        .root
        .as_deref()
        .map(|root| crate::core::coding_store::load_session(root, id).0)
        .unwrap_or_default()
        .iter()
        .flat_map(|f| f.codings.iter().map(|c| guid::coding(&c.id)))
        .collect();
    let new = in_file.iter().filter(|g| !held.contains(**g)).count();
    if new > 0 {
        skipped.push(Skipped {
            what: format!("{new} coding(s) of “{title}”"),
            reason: "that session is in the store already, and Ripple adds codings only with \
                     the sessions it imports: these are not imported (import the file into a \
                     new store to read them)"
                .into(),
        });
    }
}
