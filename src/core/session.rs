//! Sessions: the metadata a facilitator records about one coaching session, and its note text.
//!
//! The note text is always held with LF line endings. Every offset into it (cursor, selection,
//! coding) is a count of Unicode code points from 0, half-open `[start, end)`: the unit of the
//! REFI-QDA exchange standard. See docs/file-format.md.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A session id: a lowercase ULID (26 Crockford base-32 characters). Time-ordered and unique
/// without coordination, so two machines creating sessions never collide.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(pub String);

impl SessionId {
    pub fn new() -> SessionId {
        SessionId(ulid::Ulid::new().to_string().to_ascii_lowercase())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The last eight characters (the random part's end): short enough to type, and what
    /// lists show. Lookups accept a unique prefix of the full id or of this short form
    /// (`answers_to`).
    pub fn short(&self) -> &str {
        let n = self.0.len().min(8);
        &self.0[self.0.len() - n..]
    }

    /// Whether `typed` (lowercase, not empty) names this id as a lookup reads it: a prefix of
    /// the full id or of the short form. Whether it names only this one is the caller's to
    /// check against every other id.
    pub fn answers_to(&self, typed: &str) -> bool {
        !typed.is_empty() && (self.0.starts_with(typed) || self.short().starts_with(typed))
    }
}

impl Default for SessionId {
    fn default() -> Self {
        SessionId::new()
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of meeting a session was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SessionType {
    #[default]
    Coaching,
    JointCoaching,
    LeadershipMeeting,
    Training,
    Other,
}

impl SessionType {
    pub const ALL: [SessionType; 5] = [
        SessionType::Coaching,
        SessionType::JointCoaching,
        SessionType::LeadershipMeeting,
        SessionType::Training,
        SessionType::Other,
    ];
    /// The words shown to people ("joint coaching").
    pub fn label(self) -> &'static str {
        match self {
            SessionType::Coaching => "coaching",
            SessionType::JointCoaching => "joint coaching",
            SessionType::LeadershipMeeting => "leadership meeting",
            SessionType::Training => "training",
            SessionType::Other => "other",
        }
    }
    /// The spelling in files and on the command line ("joint-coaching").
    pub fn key(self) -> &'static str {
        match self {
            SessionType::Coaching => "coaching",
            SessionType::JointCoaching => "joint-coaching",
            SessionType::LeadershipMeeting => "leadership-meeting",
            SessionType::Training => "training",
            SessionType::Other => "other",
        }
    }
    /// Accepts the key, the label, any case, and spaces, dashes or underscores between words.
    pub fn parse(s: &str) -> Option<SessionType> {
        let norm: String = s
            .trim()
            .chars()
            .map(|c| {
                if c == ' ' || c == '_' {
                    '-'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        SessionType::ALL.into_iter().find(|t| t.key() == norm)
    }
}

impl fmt::Display for SessionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Who took part, as a role and a head count: never names (the notes are confidential).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub role: String,
    pub count: u32,
}

/// Everything about a session except its note text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionMeta {
    pub id: SessionId,
    pub title: String,
    pub date: NaiveDate,
    /// One or more agencies (a joint session has several).
    #[serde(default)]
    pub agencies: Vec<String>,
    #[serde(rename = "type", default)]
    pub session_type: SessionType,
    #[serde(default)]
    pub county: String,
    #[serde(default)]
    pub facilitator: String,
    #[serde(default)]
    pub participants: Vec<Participant>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

impl SessionMeta {
    /// A new session dated today, with the given facilitator.
    pub fn new_today(facilitator: &str) -> SessionMeta {
        let now = Utc::now();
        SessionMeta {
            id: SessionId::new(),
            title: String::new(),
            date: chrono::Local::now().date_naive(),
            agencies: Vec::new(),
            session_type: SessionType::default(),
            county: String::new(),
            facilitator: facilitator.to_string(),
            participants: Vec::new(),
            tags: Vec::new(),
            created: now,
            updated: now,
        }
    }
}

/// A session: metadata and the note text (LF line endings only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub meta: SessionMeta,
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_answers_to_a_prefix_of_itself_or_of_its_short_form() {
        let id = SessionId("01jd3k4m5n6p7q8r9sc9p2x4hq".into());
        assert_eq!(id.short(), "c9p2x4hq");
        for typed in [
            "01jd",
            "01jd3k4m5n6p7q8r9sc9p2x4hq",
            "c",
            "c9p2",
            "c9p2x4hq",
        ] {
            assert!(id.answers_to(typed), "{typed}");
        }
        for typed in ["", "p2x4", "c9p2x4hq0", "1jd", "x4hq"] {
            assert!(!id.answers_to(typed), "{typed}");
        }
    }
}
