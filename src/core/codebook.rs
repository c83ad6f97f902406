//! The codebook: themes an evaluator applies to passages. Stored as TOML (`codebook.toml` in a
//! store; the default in `codebook/default.toml`, built into the binary).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    /// Short unique key, lowercase, `[a-z0-9-]` (e.g. `trust`).
    pub key: String,
    pub name: String,
    /// `#rrggbb`.
    pub colour: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default)]
    pub definition: String,
    #[serde(default)]
    pub use_when: String,
    #[serde(default)]
    pub not_when: String,
    #[serde(default)]
    pub example: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Codebook {
    #[serde(default, rename = "theme")]
    pub themes: Vec<Theme>,
}
