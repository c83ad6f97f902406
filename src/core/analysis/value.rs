//! What a matrix cell counts and the unit of co-occurrence.

use std::fmt;
use std::str::FromStr;

/// What a matrix cell counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Value {
    /// Distinct spans coded with the theme (each span once, whoever coded it).
    #[default]
    Passages,
    /// Sessions with at least one such passage.
    Sessions,
    /// Coders' records: the same span coded by two coders counts twice.
    Codings,
    /// Sessions with the theme as a share (0–1) of the column's sessions in scope.
    Share,
}

impl Value {
    pub const ALL: [Value; 4] = [
        Value::Passages,
        Value::Sessions,
        Value::Codings,
        Value::Share,
    ];

    /// The name used in commands and JSON: `passages`, `sessions`, `codings`, `share`.
    pub fn key(self) -> &'static str {
        match self {
            Value::Passages => "passages",
            Value::Sessions => "sessions",
            Value::Codings => "codings",
            Value::Share => "share",
        }
    }

    /// How a screen or an export says what the numbers are.
    pub fn describe(self) -> &'static str {
        match self {
            Value::Passages => "passages (distinct coded spans; each span once whoever coded it)",
            Value::Sessions => "sessions with the theme",
            Value::Codings => "codings (one per coder per coded span)",
            Value::Share => "share of the column's sessions that have the theme",
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Value {
    type Err = String;
    fn from_str(s: &str) -> Result<Value, String> {
        let s = s.trim().to_ascii_lowercase();
        Value::ALL
            .into_iter()
            .find(|v| v.key() == s || v.key().trim_end_matches('s') == s)
            .ok_or_else(|| {
                format!("unknown value `{s}`; values are: passages, sessions, codings, share")
            })
    }
}

/// The unit of co-occurrence: overlapping passages, or themes in the same session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Level {
    #[default]
    Passage,
    Session,
}

impl Level {
    pub fn key(self) -> &'static str {
        match self {
            Level::Passage => "passage",
            Level::Session => "session",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Level, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "passage" | "passages" => Ok(Level::Passage),
            "session" | "sessions" => Ok(Level::Session),
            other => Err(format!(
                "unknown level `{other}`; levels are: passage, session"
            )),
        }
    }
}
