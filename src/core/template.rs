//! Templates for new sessions: `templates/<name>.md` in the store, a session file's layout
//! with default metadata above the `+++` line and the standing headings below it. A store
//! whose `templates/` folder is new gets [`DEFAULT_TEMPLATE`] as `templates/default.md`
//! (`store::templates` reads and writes the folder).

use crate::core::session::{Participant, SessionMeta, SessionType};
use crate::core::session_file::DELIMITER;
use crate::core::text::normalize_newlines;
use serde::Deserialize;
use std::path::Path;

/// The folder of templates under the store root.
pub const TEMPLATES_DIR: &str = "templates";
/// The template a new store (or a store whose `templates/` folder is new) starts with.
pub const DEFAULT_TEMPLATE: &str = include_str!("default_template.md");

/// A template: its name (the file name without `.md`), metadata defaults and text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub name: String,
    pub description: String,
    pub defaults: TemplateDefaults,
    /// The note a new session starts with (the standing headings).
    pub text: String,
}

/// What a template fills in; anything left out keeps the new session's own value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateDefaults {
    #[serde(default)]
    description: String,
    pub title: Option<String>,
    #[serde(rename = "type")]
    pub session_type: Option<String>,
    #[serde(default)]
    pub agencies: Vec<String>,
    pub county: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub participants: Vec<TemplateParticipant>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateParticipant {
    pub role: String,
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

impl Template {
    /// Read a template's text (`path` names it in errors): `+++`, the defaults as TOML, `+++`,
    /// then the note. Errors say `path:line: reason`.
    pub fn parse(name: &str, path: &Path, text: &str) -> Result<Template, String> {
        let text = normalize_newlines(text.strip_prefix('\u{feff}').unwrap_or(text));
        let err = |line: usize, msg: &str| format!("{}:{line}: {msg}", path.display());
        let Some(rest) = text.strip_prefix(&format!("{DELIMITER}\n")) else {
            return Err(err(
                1,
                "a template starts with a line `+++`, its defaults, and `+++`",
            ));
        };
        let (front, body) = if let Some(body) = rest.strip_prefix(&format!("{DELIMITER}\n")) {
            ("", body)
        } else if let Some(i) = rest.find(&format!("\n{DELIMITER}\n")) {
            (&rest[..i + 1], &rest[i + 5..])
        } else if let Some(f) = rest.strip_suffix(&format!("\n{DELIMITER}")) {
            (f, "")
        } else {
            return Err(err(1, "no closing `+++` line after the defaults"));
        };
        let defaults: TemplateDefaults = toml::from_str(front).map_err(|e| {
            let line = e.span().map_or(1, |s| {
                front[..s.start.min(front.len())].matches('\n').count() + 1
            });
            err(line + 1, e.message())
        })?;
        if let Some(t) = &defaults.session_type {
            if SessionType::parse(t).is_none() {
                return Err(err(
                    2,
                    &format!(
                        "`{t}` is not a session type: use one of {}",
                        SessionType::ALL.map(|t| t.key()).join(", ")
                    ),
                ));
            }
        }
        Ok(Template {
            name: name.to_string(),
            description: defaults.description.clone(),
            defaults,
            text: body.to_string(),
        })
    }

    /// Fill a new session's metadata from the template's defaults; the note it starts with.
    pub fn apply(&self, meta: &mut SessionMeta) -> String {
        let d = &self.defaults;
        if let Some(t) = d.title.as_ref().filter(|t| !t.trim().is_empty()) {
            meta.title = t.trim().to_string();
        }
        if let Some(t) = d.session_type.as_deref().and_then(SessionType::parse) {
            meta.session_type = t;
        }
        if !d.agencies.is_empty() {
            meta.agencies = d.agencies.clone();
        }
        if let Some(c) = &d.county {
            meta.county = c.clone();
        }
        if !d.tags.is_empty() {
            meta.tags = d.tags.clone();
        }
        if !d.participants.is_empty() {
            meta.participants = d
                .participants
                .iter()
                .map(|p| Participant {
                    role: p.role.clone(),
                    count: p.count,
                })
                .collect();
        }
        self.text.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_template_has_the_standing_headings_and_a_follow_up() {
        let t = Template::parse("default", Path::new("default.md"), DEFAULT_TEMPLATE).unwrap();
        for h in [
            "## Discussion",
            "## Quotes",
            "## Practice skills",
            "## Follow-ups",
            "- [ ] ",
        ] {
            assert!(t.text.contains(h), "{h}");
        }
        let mut meta = SessionMeta::new_today("M. Rivera");
        meta.session_type = SessionType::Training;
        let text = t.apply(&mut meta);
        assert_eq!(text, t.text);
        assert_eq!(meta.session_type, SessionType::Coaching);
        assert_eq!(meta.facilitator, "M. Rivera", "kept");
    }

    #[test]
    fn a_template_fills_what_it_names_and_bad_ones_say_where() {
        let text = "+++\ntitle = \"Joint coaching\"\ntype = \"joint coaching\"\nagencies = [\"CYFD\", \"La Casa\"]\ncounty = \"Doña Ana\"\n\n[[participants]]\nrole = \"supervisor\"\ncount = 2\n+++\n## Plan\n";
        let t = Template::parse("joint", Path::new("joint.md"), text).unwrap();
        let mut meta = SessionMeta::new_today("M. Rivera");
        assert_eq!(t.apply(&mut meta), "## Plan\n");
        assert_eq!(meta.title, "Joint coaching");
        assert_eq!(meta.session_type, SessionType::JointCoaching);
        assert_eq!(meta.agencies, ["CYFD", "La Casa"]);
        assert_eq!(meta.county, "Doña Ana");
        assert_eq!(meta.participants[0].count, 2);

        let e = Template::parse(
            "x",
            Path::new("t/x.md"),
            "+++\ntitle = \"a\"\ncolour = 1\n+++\n",
        )
        .unwrap_err();
        assert!(e.starts_with("t/x.md:3:") && e.contains("colour"), "{e}");
        let e =
            Template::parse("x", Path::new("x.md"), "+++\ntype = \"party\"\n+++\n").unwrap_err();
        assert!(e.contains("not a session type"), "{e}");
        let e = Template::parse("x", Path::new("x.md"), "## just text\n").unwrap_err();
        assert!(e.starts_with("x.md:1:"), "{e}");
    }
}
