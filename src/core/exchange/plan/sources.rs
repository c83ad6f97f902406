//! A source's part of a session: its label and title, its variables as fields or tags, its
//! notes as memos, and its `.docx` text.

use super::parts::{Fetch, Skipped, SourceFiles};
use crate::core::exchange::error::ExchangeError;
use crate::core::exchange::model::{Guid, Note, Source, VariableType};
use crate::core::session::{Participant, SessionMeta, SessionType};
use crate::core::text::normalize_newlines;
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// How the plan refers to a source: its name, or its file.
pub(super) fn source_label(s: &Source) -> String {
    match (&s.name, &s.plain_text_path, &s.path) {
        (Some(n), _, _) if !n.trim().is_empty() => format!("“{n}”"),
        (_, Some(p), _) | (_, None, Some(p)) => format!("“{p}”"),
        _ => format!("at line {}", s.line),
    }
}

/// The title a source gives a session: its name, else its file's name without the extension.
pub(super) fn title_of(s: &Source) -> String {
    if let Some(n) = &s.name {
        return n.clone();
    }
    let from_path = s
        .plain_text_path
        .as_deref()
        .or(s.rich_text_path.as_deref())
        .map(|p| {
            let file = p.rsplit(['/', '\\']).next().unwrap_or(p);
            file.rsplit_once('.')
                .map_or(file, |(stem, _)| stem)
                .to_string()
        });
    from_path.unwrap_or_else(|| format!("Source {}", &s.guid.0.get(..8).unwrap_or(&s.guid.0)))
}

/// A variable's name as compared with Ripple's fields: lowercase, `_` and `-` as spaces.
fn field_name(name: &str) -> String {
    name.to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn split_list(v: &str) -> Vec<String> {
    v.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// What one variable value does to the session's metadata. Returns whether it set a date.
pub(super) fn apply_value(
    meta: &mut SessionMeta,
    name: &str,
    kind: VariableType,
    value: &str,
    notes: &mut Vec<String>,
    label: &str,
) -> bool {
    let value = value.trim();
    if value.is_empty() {
        return false;
    }
    let tag = |meta: &mut SessionMeta| {
        let t = format!("{}:{}", name.trim(), value);
        if !meta.tags.contains(&t) {
            meta.tags.push(t);
        }
    };
    let field = field_name(name);
    match field.as_str() {
        "date" | "session date" => {
            let day = value.get(..10).unwrap_or(value);
            match NaiveDate::parse_from_str(day, "%Y-%m-%d") {
                Ok(d) if kind != VariableType::Boolean => {
                    meta.date = d;
                    return true;
                }
                _ => {
                    notes.push(format!(
                        "{label}: “{name}” = “{value}” is not a date: kept as a tag"
                    ));
                    tag(meta);
                }
            }
        }
        "type" | "session type" => match SessionType::parse(value) {
            Some(t) => meta.session_type = t,
            None => tag(meta),
        },
        "agencies" | "agency" => {
            for a in split_list(value) {
                if !meta.agencies.contains(&a) {
                    meta.agencies.push(a);
                }
            }
        }
        "county" => meta.county = value.to_string(),
        "facilitator" => meta.facilitator = value.to_string(),
        "tags" | "tag" => {
            for t in split_list(value) {
                if !meta.tags.contains(&t) {
                    meta.tags.push(t);
                }
            }
        }
        _ => {
            let role = name
                .split_once(':')
                .filter(|(head, _)| field_name(head) == "participants")
                .map(|(_, role)| role.trim());
            match (role, value.parse::<u32>()) {
                (Some(role), Ok(count)) if !role.is_empty() => {
                    meta.participants.push(Participant {
                        role: role.to_string(),
                        count,
                    })
                }
                _ => tag(meta),
            }
        }
    }
    false
}

/// Notes by GUID, resolved to their text once each.
pub(super) struct Notes<'a> {
    pub(super) by_guid: HashMap<&'a Guid, &'a Note>,
    pub(super) text: HashMap<Guid, Option<String>>,
    pub(super) used: HashSet<Guid>,
}

impl<'a> Notes<'a> {
    pub(super) fn text(
        &mut self,
        guid: &Guid,
        files: &mut dyn SourceFiles,
        skipped: &mut Vec<Skipped>,
    ) -> Result<Option<(String, Option<Guid>)>, ExchangeError> {
        let Some(note) = self.by_guid.get(guid).copied() else {
            skipped.push(Skipped {
                what: format!("note reference {guid}"),
                reason: "no note with this GUID in the file".into(),
            });
            return Ok(None);
        };
        self.used.insert(guid.clone());
        if !self.text.contains_key(guid) {
            let text = match (
                &note.plain_text,
                &note.plain_text_path,
                &note.rich_text_path,
            ) {
                (Some(t), _, _) => Some(t.clone()),
                (None, Some(p), rich) => match files.plain(p)? {
                    Fetch::Text(t) => Some(t),
                    other => match rich {
                        Some(r) => fetch_docx(files, r)?,
                        None => {
                            skip_note(note, &other, skipped);
                            None
                        }
                    },
                },
                (None, None, Some(r)) => fetch_docx(files, r)?,
                (None, None, None) => Some(String::new()),
            };
            self.text
                .insert(guid.clone(), text.map(|t| normalize_newlines(&t)));
        }
        Ok(self.text[guid]
            .clone()
            .filter(|t| !t.trim().is_empty())
            .map(|t| (t, note.creating_user.clone())))
    }
}

fn fetch_docx(files: &mut dyn SourceFiles, path: &str) -> Result<Option<String>, ExchangeError> {
    Ok(match files.docx(path)? {
        Fetch::Text(t) => Some(t),
        _ => None,
    })
}

fn skip_note(note: &Note, why: &Fetch, skipped: &mut Vec<Skipped>) {
    let reason = match why {
        Fetch::Unreadable(r) => r.clone(),
        _ => "its text file is not in the archive".into(),
    };
    skipped.push(Skipped {
        what: format!(
            "note “{}” (line {})",
            note.name.as_deref().unwrap_or(note.guid.as_str()),
            note.line
        ),
        reason,
    });
}

pub(super) fn join_memo(memo: &mut String, text: &str) {
    if !memo.is_empty() {
        memo.push_str("\n\n");
    }
    memo.push_str(text);
}
