//! The file's codes planned as themes: matched to the store's by name or key, or added.

use super::parts::{Plan, Skipped, Target, ThemeOutcome, ThemePlan};
use crate::core::codebook::{Codebook, Theme};
use crate::core::exchange::codebook_map::{self, key_from_name};
use crate::core::exchange::model::{Code, CodebookFile, Guid};
use crate::core::text::normalize_newlines;
use std::collections::{HashMap, HashSet};

/// A code with its place in the file's tree.
pub(super) struct FlatCode<'a> {
    pub(super) code: &'a Code,
    pub(super) parent: Option<usize>,
    pub(super) path: String,
}

pub(super) fn flatten<'a>(
    codes: &'a [Code],
    parent: Option<usize>,
    prefix: &str,
    out: &mut Vec<FlatCode<'a>>,
) {
    for c in codes {
        let name = display_name(&c.name);
        let path = if prefix.is_empty() {
            name
        } else {
            format!("{prefix} › {name}")
        };
        out.push(FlatCode {
            code: c,
            parent,
            path: path.clone(),
        });
        let me = out.len() - 1;
        flatten(&c.children, Some(me), &path, out);
    }
}

fn display_name(name: &str) -> String {
    let n = name.trim();
    if n.is_empty() {
        "Unnamed code".to_string()
    } else {
        n.to_string()
    }
}

fn same_name(a: &str, b: &str) -> bool {
    let fold = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    fold(a) == fold(b)
}

/// Themes for the file's codes: matched to the store's or added. Returns the code GUID → key
/// map, the plans and the codebook after.
pub(super) fn plan_themes(
    codes: &[Code],
    existing: &Codebook,
    skipped: &mut Vec<Skipped>,
) -> (HashMap<Guid, String>, Vec<ThemePlan>, Codebook) {
    let mut flat = Vec::new();
    flatten(codes, None, "", &mut flat);
    let mut book = existing.clone();
    let mut claimed: HashSet<String> = HashSet::new();
    let mut keys_of: Vec<String> = Vec::with_capacity(flat.len());
    let mut by_guid = HashMap::new();
    let mut plans = Vec::with_capacity(flat.len());
    let mut used_keys: HashSet<String> = existing.themes.iter().map(|t| t.key.clone()).collect();
    for f in &flat {
        let code = f.code;
        let name = display_name(&code.name);
        let entry = codebook_map::entry(code.description.as_deref().unwrap_or(""));
        let parent_key = f.parent.map(|p| keys_of[p].clone());
        // 1. The store's theme of the same name (the one under the same parent if several).
        let same: Vec<&Theme> = existing
            .themes
            .iter()
            .filter(|t| same_name(&t.name, &name) && !claimed.contains(&t.key))
            .collect();
        let by_name = match same.len() {
            0 => None,
            1 => Some((same[0], "same name")),
            _ => same
                .iter()
                .find(|t| t.parent == parent_key)
                .map(|t| (*t, "same name and parent")),
        };
        // 2. Else the store's theme with the key the code names (a Ripple export's "Key:"),
        // or with the key its name gives when that theme's own name gives it too: a key made
        // from a name is no reason to merge a code into a theme named otherwise (a nested
        // "collaboration" of another project is not "Collaboration between agencies",
        // whose key is `collaboration`).
        let named_key = entry.key.is_some();
        let wanted_key = entry.key.clone().unwrap_or_else(|| key_from_name(&name));
        let matched = by_name.or_else(|| {
            existing
                .themes
                .iter()
                .find(|t| {
                    t.key == wanted_key
                        && !claimed.contains(&t.key)
                        && (named_key || key_from_name(&t.name) == wanted_key)
                })
                .map(|t| (t, "same key"))
        });
        let key = match matched {
            Some((theme, how)) => {
                claimed.insert(theme.key.clone());
                let mut how = format!("{how}: the store's `{}` ({})", theme.key, theme.name);
                if how.ends_with(&format!("({name})")) {
                    how = format!("same name: the store's `{}`", theme.key);
                }
                plans.push(ThemePlan {
                    path: f.path.clone(),
                    key: theme.key.clone(),
                    outcome: ThemeOutcome::Matched { how },
                });
                theme.key.clone()
            }
            None => {
                let mut key = wanted_key.clone();
                let mut n = 2;
                while used_keys.contains(&key) {
                    key = format!("{wanted_key}-{n}");
                    n += 1;
                }
                used_keys.insert(key.clone());
                let colour = code
                    .colour
                    .as_deref()
                    .and_then(codebook_map::colour)
                    .unwrap_or_else(|| book.suggest_colour());
                book.themes.push(Theme {
                    key: key.clone(),
                    name: name.clone(),
                    colour,
                    parent: parent_key.clone(),
                    definition: normalize_newlines(&entry.definition),
                    use_when: normalize_newlines(&entry.use_when),
                    not_when: normalize_newlines(&entry.not_when),
                    example: normalize_newlines(&entry.example),
                });
                plans.push(ThemePlan {
                    path: f.path.clone(),
                    key: key.clone(),
                    outcome: ThemeOutcome::New,
                });
                key
            }
        };
        if !code.guid.0.is_empty() && by_guid.insert(code.guid.clone(), key.clone()).is_some() {
            skipped.push(Skipped {
                what: format!("code “{}” (line {})", f.path, code.line),
                reason: format!(
                    "its GUID {} is used by another code: codings of it go to the first",
                    code.guid
                ),
            });
        }
        keys_of.push(key);
    }
    (by_guid, plans, book)
}

/// Plan importing a codebook file.
pub fn plan_codebook(file: &CodebookFile, target: &Target) -> Plan {
    let mut plan = Plan {
        origin: file.origin.clone(),
        ..Plan::default()
    };
    let (_, themes, codebook) = plan_themes(&file.codes, &target.codebook, &mut plan.skipped);
    plan.themes = themes;
    plan.codebook = codebook;
    for s in &file.sets {
        plan.skipped.push(Skipped {
            what: format!("code set “{}” ({} codes)", s.name, s.members),
            reason: "Ripple has no code sets (its codes are imported as themes)".into(),
        });
    }
    plan
}
