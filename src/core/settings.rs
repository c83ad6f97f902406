//! Settings: the store's own (`ripple.toml`), the user's (`config.toml`), and the resolved
//! runtime context [`Env`] built from flags, environment variables and those files.

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// The store format this build reads and writes.
pub const STORE_FORMAT: u32 = 1;

/// The coder that settled disagreements are coded as, unless ripple.toml names another.
pub const DEFAULT_CONSENSUS: &str = "consensus";

/// An error in a settings file, with its path and line.
#[derive(Debug, Clone, PartialEq, Eq)]

pub struct SettingsError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.path.display(), l, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for SettingsError {}

/// Parse TOML, mapping errors to the file's path and line.
fn parse_toml<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T, SettingsError> {
    let text = crate::core::text::normalize_newlines(text);
    toml::from_str(&text).map_err(|e| SettingsError {
        path: path.to_path_buf(),
        line: e
            .span()
            .map(|s| 1 + text[..s.start.min(text.len())].matches('\n').count()),
        message: e
            .message()
            .lines()
            .next()
            .unwrap_or("malformed TOML")
            .to_string(),
    })
}

fn read_to_string(path: &Path) -> Result<String, SettingsError> {
    std::fs::read_to_string(path).map_err(|e| SettingsError {
        path: path.to_path_buf(),
        line: None,
        message: format!("cannot read: {e}"),
    })
}

/// `ripple.toml` at the store root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreSettings {
    /// Store format version; this build knows `1`.
    pub format: u32,
    /// The project's name, shown in the title bar.
    #[serde(default)]
    pub name: String,
    /// Terms `ripple evidence --deidentify` replaces with "[redacted]" (names, places).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deidentify: Vec<String>,
    /// The coder that settled disagreements are coded as (default `consensus`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consensus: Option<String>,
    /// The project's first day (`project_start = 2022-02-01`, a TOML date or a quoted
    /// `"YYYY-MM-DD"`): analysis columns and evidence citations then give the month of the
    /// project (month 1 is the month of this date).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_date"
    )]
    pub project_start: Option<chrono::NaiveDate>,
}

/// A date written as a TOML date (`2022-02-01`) or as a string (`"2022-02-01"`).
fn de_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<chrono::NaiveDate>, D::Error> {
    use serde::de::Error;
    let v = toml::Value::deserialize(d)?;
    let text = match &v {
        toml::Value::String(s) => s.trim().to_string(),
        toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
        _ => {
            return Err(D::Error::custom(
                "`project_start` must be a date such as 2022-02-01",
            ))
        }
    };
    chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            D::Error::custom(format!(
                "`project_start` must be a date such as 2022-02-01, not `{text}`"
            ))
        })
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings {
            format: STORE_FORMAT,
            name: String::new(),
            deidentify: Vec::new(),
            consensus: None,
            project_start: None,
        }
    }
}

impl StoreSettings {
    pub fn parse(path: &Path, text: &str) -> Result<StoreSettings, SettingsError> {
        let s: StoreSettings = parse_toml(path, text)?;
        if s.format != STORE_FORMAT {
            return Err(SettingsError {
                path: path.to_path_buf(),
                line: None,
                message: format!(
                    "store format {} is not known to this Ripple (it reads format {STORE_FORMAT}): \
                     use a newer Ripple",
                    s.format
                ),
            });
        }
        Ok(s)
    }

    pub fn load(path: &Path) -> Result<StoreSettings, SettingsError> {
        StoreSettings::parse(path, &read_to_string(path)?)
    }

    pub fn to_toml_string(&self) -> String {
        let mut out = format!(
            "# Ripple store settings. The notes in this folder are confidential.\nformat = {}\nname = {}\n",
            self.format,
            toml::Value::String(self.name.clone())
        );
        if !self.deidentify.is_empty() {
            let terms: Vec<String> = self
                .deidentify
                .iter()
                .map(|t| toml::Value::String(t.clone()).to_string())
                .collect();
            out.push_str(&format!("deidentify = [{}]\n", terms.join(", ")));
        }
        if let Some(c) = &self.consensus {
            out.push_str(&format!("consensus = {}\n", toml::Value::String(c.clone())));
        }
        if let Some(d) = self.project_start {
            out.push_str(&format!("project_start = {}\n", d.format("%Y-%m-%d")));
        }
        out
    }

    /// The consensus coder's name: `consensus` in ripple.toml, else `consensus`.
    pub fn consensus_coder(&self) -> &str {
        self.consensus
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .unwrap_or(DEFAULT_CONSENSUS)
    }
}

/// The user's `config.toml`. Missing file or keys: defaults from the login name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// Default facilitator for new sessions.
    #[serde(default = "login_name")]
    pub facilitator: String,
    /// The name codings are recorded under.
    #[serde(default = "login_name")]
    pub coder: String,
    /// Code blind: other coders' codings are hidden from this user.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blind: bool,
    /// The terminal UI's colours: `auto` (light when the terminal says its background is),
    /// `dark`, `light` or `no-color`. NO_COLOR in the environment wins.
    #[serde(default, skip_serializing_if = "ThemeChoice::is_auto")]
    pub theme: ThemeChoice,
}

/// The colour theme chosen in config.toml.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeChoice {
    #[default]
    Auto,
    Dark,
    Light,
    NoColor,
}

impl ThemeChoice {
    pub fn is_auto(&self) -> bool {
        *self == ThemeChoice::Auto
    }
}

impl Default for UserConfig {
    fn default() -> Self {
        UserConfig {
            facilitator: login_name(),
            coder: login_name(),
            blind: false,
            theme: ThemeChoice::Auto,
        }
    }
}

impl UserConfig {
    /// Load the config; a missing file gives the defaults, a malformed one an error with its line.
    pub fn load(path: &Path) -> Result<UserConfig, SettingsError> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(UserConfig::default()),
            _ => parse_toml(path, &read_to_string(path)?),
        }
    }

    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        if let Some(dir) = path.parent() {
            crate::core::atomic::create_private_dir(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let text = toml::to_string(self)?;
        crate::core::atomic::atomic_write(path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))
    }
}

/// The user's login name ($USER, $USERNAME), or "me".
pub fn login_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .map(|v| v.trim().to_string())
        .find(|v| !v.is_empty())
        .unwrap_or_else(|| "me".to_string())
}

/// The resolved runtime context shared by the CLI and the terminal UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Env {
    pub store_root: PathBuf,
    pub index_dir: PathBuf,
    pub config_path: PathBuf,
    pub facilitator: String,
    pub coder: String,
    pub demo: bool,
    /// Blind coding: other coders' codings are hidden (`--blind`, `RIPPLE_BLIND`, `blind` in
    /// the config file).
    pub blind: bool,
    /// The coder was given by `--coder` or `RIPPLE_CODER` (not the config file).
    pub coder_overridden: bool,
    /// The first run: no config file yet and no name given by flag or environment, so the
    /// terminal UI asks for the name used as facilitator and coder (and saves it).
    pub ask_name: bool,
    /// The colour theme (`theme` in the config file).
    pub theme: ThemeChoice,
}

/// Ripple's per-user folders (`ProjectDirs::from("", "", "ripple")`).
pub fn project_dirs() -> anyhow::Result<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "ripple").context(
        "cannot find the home folder to put Ripple's files in: set RIPPLE_STORE and RIPPLE_CONFIG",
    )
}

/// The user's cache folder for Ripple (indexes, recovery drafts of read-only stores).
pub fn default_cache_dir() -> Option<PathBuf> {
    project_dirs().ok().map(|d| d.cache_dir().to_path_buf())
}

fn env_path(key: &str) -> Option<PathBuf> {
    std::env::var_os(key)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

impl Env {
    /// Resolve the context. Precedence: flag, then environment variable (RIPPLE_STORE,
    /// RIPPLE_INDEX, RIPPLE_CODER, RIPPLE_CONFIG), then the user config, then defaults
    /// (`<data_dir>/store`, `<cache_dir>/index/<hash of the store path>`, the login name).
    pub fn resolve(
        store_flag: Option<PathBuf>,
        index_flag: Option<PathBuf>,
        coder_flag: Option<String>,
        demo: bool,
    ) -> anyhow::Result<Env> {
        let dirs = project_dirs();
        let config_path = match env_path("RIPPLE_CONFIG") {
            Some(p) => p,
            None => dirs
                .as_ref()
                .map_err(clone_err)?
                .config_dir()
                .join("config.toml"),
        };
        let config = UserConfig::load(&config_path)?;
        let store_root = match store_flag.or_else(|| env_path("RIPPLE_STORE")) {
            Some(p) => absolute(&p)?,
            None => dirs.as_ref().map_err(clone_err)?.data_dir().join("store"),
        };
        let index_dir = match index_flag.or_else(|| env_path("RIPPLE_INDEX")) {
            Some(p) => absolute(&p)?,
            None => index_dir_for(dirs.as_ref().map_err(clone_err)?.cache_dir(), &store_root),
        };
        let given = coder_flag
            .or_else(|| std::env::var("RIPPLE_CODER").ok())
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        let coder_overridden = given.is_some();
        let ask_name = !coder_overridden && !demo && !config_path.exists();
        let coder = given.unwrap_or(config.coder);
        let blind = match std::env::var("RIPPLE_BLIND") {
            Ok(v) if !v.trim().is_empty() => parse_switch(&v).ok_or_else(|| {
                anyhow::anyhow!("RIPPLE_BLIND={v}: say 1, true, yes or on (or 0, false, no, off)")
            })?,
            _ => config.blind,
        };
        Ok(Env {
            store_root,
            index_dir,
            config_path,
            facilitator: config.facilitator,
            coder,
            demo,
            blind,
            coder_overridden,
            ask_name,
            theme: config.theme,
        })
    }
}

/// An on/off environment variable's value.
pub fn parse_switch(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

fn clone_err(e: &anyhow::Error) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

fn absolute(p: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(p).with_context(|| format!("cannot resolve the path {}", p.display()))
}

/// `<cache_dir>/index/<16 hex digits>`: one index per store, named by a stable hash of the
/// store's canonical path (the path as given if it cannot be canonicalised yet).
pub fn index_dir_for(cache_dir: &Path, store_root: &Path) -> PathBuf {
    // A store that does not exist yet is named by its canonical parent, so the name does not
    // change once the folder is created.
    let canonical = std::fs::canonicalize(store_root)
        .ok()
        .or_else(|| {
            let parent = std::fs::canonicalize(store_root.parent()?).ok()?;
            Some(parent.join(store_root.file_name()?))
        })
        .unwrap_or_else(|| store_root.to_path_buf());
    cache_dir.join("index").join(path_hash_hex(&canonical))
}

/// 16 hex digits of the 64-bit FNV-1a hash of a path's bytes. FNV-1a is fixed by its
/// definition, so the name stays the same across Rust and Ripple versions (std's
/// `DefaultHasher` does not promise that).
pub fn path_hash_hex(path: &Path) -> String {
    format!("{:016x}", fnv1a64(path_bytes(path).as_ref()))
}

fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::borrow::Cow::Borrowed(path.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        std::borrow::Cow::Owned(path.to_string_lossy().into_owned().into_bytes())
    }
}

/// 64-bit FNV-1a.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
        assert_eq!(path_hash_hex(Path::new("/x")).len(), 16);
    }

    #[test]
    fn index_dir_is_stable_before_and_after_the_store_exists() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Path::new("/cache");
        let root = dir.path().join("store");
        let before = index_dir_for(cache, &root);
        std::fs::create_dir(&root).unwrap();
        assert_eq!(index_dir_for(cache, &root), before);
        let name = before.file_name().unwrap().to_str().unwrap();
        assert_eq!(name.len(), 16);
        assert!(name.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(before.parent().unwrap(), cache.join("index"));
    }

    #[test]
    fn config_errors_have_lines_and_missing_file_is_default() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        assert_eq!(UserConfig::load(&p).unwrap(), UserConfig::default());
        std::fs::write(&p, "facilitator = \"M. Rivera\"\n\ncolour = 3\n").unwrap();
        let e = UserConfig::load(&p).unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        std::fs::write(&p, "coder = \"ana-ortiz\"\n").unwrap();
        let c = UserConfig::load(&p).unwrap();
        assert_eq!(c.coder, "ana-ortiz");
        assert_eq!(c.facilitator, login_name());
    }

    #[test]
    fn store_settings_round_trip_and_reject_other_formats() {
        let s = StoreSettings {
            format: 1,
            name: "Doña Ana \"S&T\" project".into(),
            deidentify: vec!["María".into(), "Las \"Cruces\"".into()],
            consensus: Some("Equipo de consenso".into()),
            project_start: chrono::NaiveDate::from_ymd_opt(2022, 2, 1),
        };
        let p = Path::new("ripple.toml");
        assert_eq!(StoreSettings::parse(p, &s.to_toml_string()).unwrap(), s);
        assert!(StoreSettings::parse(p, "format = 2\n")
            .unwrap_err()
            .message
            .contains("format 2"));
    }

    #[test]
    fn the_project_start_is_a_date_bare_or_quoted() {
        let p = Path::new("ripple.toml");
        let want = chrono::NaiveDate::from_ymd_opt(2022, 2, 1);
        for text in [
            "format = 1\nproject_start = 2022-02-01\n",
            "format = 1\nproject_start = \"2022-02-01\"\n",
        ] {
            assert_eq!(StoreSettings::parse(p, text).unwrap().project_start, want);
        }
        for bad in [
            "format = 1\nproject_start = \"February 2022\"\n",
            "format = 1\nproject_start = 2022-02-01T10:00:00\n",
            "format = 1\nproject_start = 3\n",
        ] {
            let e = StoreSettings::parse(p, bad).unwrap_err();
            assert!(e.message.contains("project_start"), "{bad}: {e}");
            assert_eq!(e.line, Some(2), "{bad}: {e}");
        }
    }
}
