//! Where codings live: `codings/<coder-slug>/<session-id>.json`, one file per coder and session.
//!
//! One file per (coder, session) means two evaluators coding the same note never write the
//! same file, so their work merges without conflicts (through a shared folder or git), and one
//! broken file loses nothing else. Files are pretty JSON ([`CoderSessionFile`]) written
//! atomically.

use crate::core::anchor::reattach_all;
use crate::core::atomic::{atomic_write_in, create_private_dir_in, refuse_links_below, sync_dir};
use crate::core::codebook::ThemeRemap;
use crate::core::coding::{
    coder_slug, AnchorStatus, CoderSessionFile, Coding, CodingId, CONTEXT_CHARS,
};
use crate::core::session::SessionId;
use crate::core::store::CODINGS_DIR;
use crate::core::text::{char_slice, normalize_newlines};
use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A coding file that could not be read or written. Displayed as `path:line: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodingFileError {
    pub path: PathBuf,
    /// 1-based line of a JSON error.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for CodingFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.path.display(), l, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for CodingFileError {}

impl CodingFileError {
    fn io(path: &Path, what: &str, e: io::Error) -> CodingFileError {
        CodingFileError {
            path: path.to_path_buf(),
            line: None,
            message: format!("cannot {what}: {e}"),
        }
    }
}

pub fn codings_dir(root: &Path) -> PathBuf {
    root.join(CODINGS_DIR)
}

/// `codings/<coder-slug>/<session-id>.json`.
pub fn file_path(root: &Path, coder: &str, session: &SessionId) -> PathBuf {
    codings_dir(root)
        .join(coder_slug(coder))
        .join(format!("{}.json", session.as_str()))
}

fn parse_file(path: &Path, bytes: &[u8]) -> Result<CoderSessionFile, CodingFileError> {
    serde_json::from_slice(bytes).map_err(|e| CodingFileError {
        path: path.to_path_buf(),
        line: (e.line() > 0).then_some(e.line()),
        message: format!("not a valid codings file: {e}"),
    })
}

/// The 1-based line of `key` among the keys of the top-level object of `json` (valid JSON), so
/// an error about its value points at it.
fn top_level_key_line(json: &[u8], key: &str) -> Option<usize> {
    let mut line = 1;
    let mut depth = 0usize;
    let mut i = 0;
    while i < json.len() {
        match json[i] {
            b'\n' => line += 1,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < json.len() && json[i] != b'"' {
                    i += if json[i] == b'\\' { 2 } else { 1 };
                }
                let rest = json.get(i + 1..).unwrap_or_default();
                let is_key = rest.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b':');
                let text =
                    serde_json::from_slice::<String>(&json[start - 1..=i.min(json.len() - 1)]);
                if depth == 1 && is_key && text.ok().as_deref() == Some(key) {
                    return Some(line);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Read and check one coder file (or a recovery draft of one): valid JSON whose session is the
/// one the file is named for.
pub fn read_file(path: &Path) -> Result<CoderSessionFile, CodingFileError> {
    let bytes = fs::read(path).map_err(|e| CodingFileError::io(path, "read", e))?;
    let file = parse_file(path, &bytes)?;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    if file.session.as_str() != stem {
        return Err(CodingFileError {
            path: path.to_path_buf(),
            line: top_level_key_line(&bytes, "session"),
            message: format!(
                "the file is named for session {stem} but says it holds session {}",
                file.session
            ),
        });
    }
    Ok(file)
}

/// One coder's file for one session; a missing file is an empty one.
pub fn load(
    root: &Path,
    coder: &str,
    session: &SessionId,
) -> Result<CoderSessionFile, CodingFileError> {
    let path = file_path(root, coder, session);
    if !path.exists() {
        return Ok(CoderSessionFile {
            session: session.clone(),
            coder: coder.to_string(),
            memo: String::new(),
            codings: Vec::new(),
        });
    }
    let file = read_file(&path)?;
    refuse_shared_folder(&path, &file.coder, coder)?;
    Ok(file)
}

/// Two coder names can map to one folder ("a/b" and "a-b" both to `codings/a-b/`). The file
/// there belongs to the name it records; another name that is not the same coder
/// ([`same_coder`]) must not read it as its own or write over it.
fn refuse_shared_folder(path: &Path, owner: &str, coder: &str) -> Result<(), CodingFileError> {
    if crate::core::coding::same_coder(owner, coder) {
        return Ok(());
    }
    Err(CodingFileError {
        path: path.to_path_buf(),
        line: None,
        message: format!(
            "this file holds the codings of `{owner}`, and the coder name `{coder}` maps to the \
             same folder: choose a coder name that differs from `{owner}` in more than \
             punctuation"
        ),
    })
}

/// Write one coder's file atomically. A file with no codings and an empty memo is removed
/// instead, so the folder holds only real work. Nothing is written, removed or created through
/// a symbolic link inside the store, and a session id that is not one is refused, so the file
/// never lands outside its folder.
pub fn save(root: &Path, file: &CoderSessionFile) -> Result<(), CodingFileError> {
    let path = file_path(root, &file.coder, &file.session);
    if !crate::core::session_file::is_valid_id(file.session.as_str()) {
        return Err(CodingFileError {
            path,
            line: None,
            message: format!("`{}` is not a session id", file.session),
        });
    }
    let dir = path.parent().expect("file_path has a parent").to_path_buf();
    refuse_links_below(root, &path).map_err(|e| CodingFileError::io(&path, "write", e))?;
    if let Ok(bytes) = fs::read(&path) {
        // Only the owner counts here (a file that cannot be parsed is reported where it is
        // read), so only that field is decoded, not every coding.
        #[derive(serde::Deserialize)]
        struct Owner {
            coder: String,
        }
        if let Ok(on_disk) = serde_json::from_slice::<Owner>(&bytes) {
            refuse_shared_folder(&path, &on_disk.coder, &file.coder)?;
        }
    }
    if file.codings.is_empty() && file.memo.trim().is_empty() {
        return match fs::remove_file(&path) {
            Ok(()) => sync_dir(&dir).map_err(|e| CodingFileError::io(&dir, "sync", e)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(CodingFileError::io(&path, "remove", e)),
        };
    }
    create_private_dir_in(root, &codings_dir(root))
        .and_then(|()| create_private_dir_in(root, &dir))
        .map_err(|e| CodingFileError::io(&dir, "create the folder", e))?;
    let json = to_json(file);
    atomic_write_in(root, &path, json.as_bytes())
        .map_err(|e| CodingFileError::io(&path, "write", e))
}

/// A coder file as stored: pretty JSON ending in a newline.
pub fn to_json(file: &CoderSessionFile) -> String {
    // Plain structs of strings, numbers and timestamps always serialise.
    let mut json = serde_json::to_string_pretty(file).expect("a coder file serialises");
    json.push('\n');
    json
}

/// The coder folders under `codings/`, sorted.
pub(crate) fn coder_dirs(root: &Path) -> (Vec<PathBuf>, Vec<CodingFileError>) {
    let dir = codings_dir(root);
    let mut dirs = Vec::new();
    let mut errors = Vec::new();
    match fs::read_dir(&dir) {
        Ok(entries) => {
            for entry in entries.flatten() {
                let p = entry.path();
                let hidden = p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'));
                if p.is_dir() && !hidden {
                    dirs.push(p);
                }
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => errors.push(CodingFileError::io(&dir, "list", e)),
    }
    dirs.sort();
    (dirs, errors)
}

/// Every coder's file for one session (sorted by coder folder), and the files that failed.
pub fn load_session(
    root: &Path,
    session: &SessionId,
) -> (Vec<CoderSessionFile>, Vec<CodingFileError>) {
    let (dirs, mut errors) = coder_dirs(root);
    let mut files = Vec::new();
    for d in dirs {
        let p = d.join(format!("{}.json", session.as_str()));
        if p.is_file() {
            match read_file(&p) {
                Ok(f) => files.push(f),
                Err(e) => errors.push(e),
            }
        }
    }
    (files, errors)
}

/// Every codings file in the store. A malformed file is reported (path and line) and the
/// rest still load.
pub fn load_all(root: &Path) -> (Vec<CoderSessionFile>, Vec<CodingFileError>) {
    let (dirs, mut errors) = coder_dirs(root);
    let mut files = Vec::new();
    for d in dirs {
        let entries = match fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) => {
                errors.push(CodingFileError::io(&d, "list", e));
                continue;
            }
        };
        let mut paths: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|x| x == "json")
                    && !p
                        .file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with('.'))
            })
            .collect();
        paths.sort();
        for p in paths {
            match read_file(&p) {
                Ok(f) => files.push(f),
                Err(e) => errors.push(e),
            }
        }
    }
    (files, errors)
}

/// Move every coding of theme `remap.from` to `remap.to`, in every coder's files. Refuses to
/// start while any codings file is unreadable, so no file is left behind on the old theme.
/// Returns how many codings changed.
pub fn apply_remap(root: &Path, remap: &ThemeRemap) -> Result<usize, CodingFileError> {
    let (files, errors) = load_all(root);
    if let Some(e) = errors.into_iter().next() {
        return Err(CodingFileError {
            message: format!("{}; fix this file before changing themes", e.message),
            ..e
        });
    }
    let mut changed = 0;
    for mut f in files {
        let n = recode(&mut f, remap);
        if n > 0 {
            save(root, &f)?;
            changed += n;
        }
    }
    Ok(changed)
}

/// Move the file's codings of theme `remap.from` to `remap.to` (in memory); how many moved.
pub fn recode(file: &mut CoderSessionFile, remap: &ThemeRemap) -> usize {
    let mut n = 0;
    for c in file.codings.iter_mut().filter(|c| c.theme == remap.from) {
        c.theme = remap.to.clone();
        c.updated = chrono::Utc::now();
        n += 1;
    }
    n
}

/// How many codings each theme has (by exact theme key; the codebook adds up parents).
pub fn count_by_theme<'a>(
    files: impl IntoIterator<Item = &'a CoderSessionFile>,
) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for f in files {
        for c in &f.codings {
            *counts.entry(c.theme.clone()).or_insert(0) += 1;
        }
    }
    counts
}

/// How many passages each theme has (by exact theme key): distinct spans `(session, start,
/// end)` coded with it by any coder, at their stored positions; orphaned codings are not
/// counted (`core::analysis` defines passages, codings and sessions).
pub fn count_passages_by_theme<'a>(
    files: impl IntoIterator<Item = &'a CoderSessionFile>,
) -> BTreeMap<String, usize> {
    let mut spans: std::collections::BTreeSet<(&str, &str, usize, usize)> = Default::default();
    for f in files {
        for c in &f.codings {
            if c.status == AnchorStatus::Attached && c.end > c.start {
                spans.insert((c.theme.as_str(), f.session.as_str(), c.start, c.end));
            }
        }
    }
    let mut counts = BTreeMap::new();
    for (theme, ..) in spans {
        *counts.entry(theme.to_string()).or_insert(0) += 1;
    }
    counts
}

/// Passages per theme with its sub-themes rolled up: each distinct span (session, start, end)
/// coded with the theme or any theme below it in `codebook`, counted once, the rule of the
/// analysis matrix's rolled-up rows. A span coded with two sub-themes is one passage of their
/// parent, which adding up the sub-themes' counts would count twice. Themes of `codebook`
/// only; a theme with no passages is absent.
pub fn count_passages_rolled_up<'a>(
    files: impl IntoIterator<Item = &'a CoderSessionFile>,
    codebook: &crate::core::codebook::Codebook,
) -> BTreeMap<String, usize> {
    use std::collections::{HashMap, HashSet};
    let mut by_theme: HashMap<&str, HashSet<(&str, usize, usize)>> = HashMap::new();
    for f in files {
        for c in &f.codings {
            if c.status == AnchorStatus::Attached && c.end > c.start {
                by_theme.entry(c.theme.as_str()).or_default().insert((
                    f.session.as_str(),
                    c.start,
                    c.end,
                ));
            }
        }
    }
    let hierarchy = codebook.hierarchy();
    let mut counts = BTreeMap::new();
    for theme in &codebook.themes {
        let below = hierarchy.descendants(&theme.key);
        let mut spans: HashSet<(&str, usize, usize)> = HashSet::new();
        for key in std::iter::once(theme.key.as_str()).chain(below.iter().map(|t| t.key.as_str())) {
            if let Some(s) = by_theme.get(key) {
                spans.extend(s.iter().copied());
            }
        }
        if !spans.is_empty() {
            counts.insert(theme.key.clone(), spans.len());
        }
    }
    counts
}

/// A coding that cannot be made from the given range.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodingError {
    #[error("the passage [{start}, {end}) is outside the note, which has {len} characters")]
    OutOfRange {
        start: usize,
        end: usize,
        len: usize,
    },
    #[error("the passage is empty: select or quote some words")]
    Empty,
    #[error("these words are already coded as `{theme}` by the same coder: coding {id}")]
    Duplicate { id: CodingId, theme: String },
}

/// A new coding of `text[start..end)` (code points, LF text) with quote and context filled in.
pub fn new_coding(
    text: &str,
    session: &SessionId,
    start: usize,
    end: usize,
    theme: &str,
    coder: &str,
    memo: &str,
) -> Result<Coding, CodingError> {
    let len = text.chars().count();
    if start > end || end > len {
        return Err(CodingError::OutOfRange { start, end, len });
    }
    let quote = char_slice(text, start, end);
    if quote.trim().is_empty() {
        return Err(CodingError::Empty);
    }
    let now = chrono::Utc::now();
    Ok(Coding {
        id: CodingId::new(),
        session: session.clone(),
        theme: theme.to_string(),
        coder: coder.to_string(),
        start,
        end,
        quote: quote.to_string(),
        before: char_slice(text, start.saturating_sub(CONTEXT_CHARS), start).to_string(),
        after: char_slice(text, end, end + CONTEXT_CHARS).to_string(),
        memo: memo.to_string(),
        status: AnchorStatus::Attached,
        created: now,
        updated: now,
    })
}

/// One place where a quote occurs in a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuotePlace {
    /// Code points of the note (LF line endings), half-open.
    pub start: usize,
    pub end: usize,
    /// 1-based line of the note where it begins.
    pub line: usize,
    /// The words there between `[` and `]`, with a few words either side, on one line.
    pub context: String,
}

/// Why a quote does not pick out one passage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuoteError {
    Empty,
    NotFound,
    /// The quote occurs in several places (listed in text order).
    Ambiguous {
        places: Vec<QuotePlace>,
    },
    NoSuchOccurrence {
        requested: usize,
        count: usize,
    },
}

/// How many places an ambiguity message lists before saying how many more there are.
const PLACES_LISTED: usize = 10;

impl fmt::Display for QuoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuoteError::Empty => f.write_str("the quote is empty"),
            QuoteError::NotFound => f.write_str(
                "the quote does not occur in the note (whole words; case, accents, quote marks, dashes and spacing may differ)",
            ),
            QuoteError::Ambiguous { places } => {
                let count = places.len();
                write!(
                    f,
                    "the quote occurs {count} times in the note: add --occurrence N (1 to {count}) or quote more words"
                )?;
                for (i, p) in places.iter().enumerate().take(PLACES_LISTED) {
                    write!(f, "\n  {}: line {}: {}", i + 1, p.line, p.context)?;
                }
                if count > PLACES_LISTED {
                    write!(f, "\n  … and {} more", count - PLACES_LISTED)?;
                }
                Ok(())
            }
            QuoteError::NoSuchOccurrence { requested, count } => write!(
                f,
                "--occurrence {requested} asked for, but the quote occurs {count} time(s)"
            ),
        }
    }
}

impl std::error::Error for QuoteError {}

/// Code points of context shown on each side of a place in an ambiguity message.
const PLACE_CONTEXT: usize = 24;

fn place(text: &[char], start: usize, end: usize) -> QuotePlace {
    let line = 1 + text[..start].iter().filter(|c| **c == '\n').count();
    // Context of whole words: a cut inside a word moves to the word's edge.
    let mut from = start.saturating_sub(PLACE_CONTEXT);
    while from > 0 && from < start && !text[from - 1].is_whitespace() {
        from += 1;
    }
    let mut to = (end + PLACE_CONTEXT).min(text.len());
    while to < text.len() && to > end && !text[to].is_whitespace() {
        to -= 1;
    }
    let flat = |cs: &[char]| -> String {
        let s: String = cs.iter().collect();
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < text.len() { "…" } else { "" };
    let before = flat(&text[from..start]);
    let after = flat(&text[end..to]);
    let gap_before = if text[from..start].last().is_some_and(|c| c.is_whitespace()) {
        " "
    } else {
        ""
    };
    let gap_after = if text[end..to].first().is_some_and(|c| c.is_whitespace()) {
        " "
    } else {
        ""
    };
    QuotePlace {
        start,
        end,
        line,
        context: format!(
            "{lead}{before}{gap_before}[{}]{gap_after}{after}{tail}",
            flat(&text[start..end])
        ),
    }
}

/// Find `quote` in `text` (line endings normalised to LF) and return its code-point range.
///
/// The quote matches as search reads words (see `core::fold`): case, accents, apostrophes and
/// quote marks, dashes and runs of whitespace may differ, leading and trailing spaces do not
/// count, and it matches whole words only. `occurrence` (1-based) picks one of several
/// places; without it, a quote that occurs more than once is an error listing the places.
pub fn find_quote(
    text: &str,
    quote: &str,
    occurrence: Option<usize>,
) -> Result<(usize, usize), QuoteError> {
    let text = normalize_newlines(text);
    let needle = crate::core::fold::fold_quote(&normalize_newlines(quote));
    if needle.is_empty() {
        return Err(QuoteError::Empty);
    }
    let folded = crate::core::fold::FoldedText::new(&text);
    // Overlapping matches count: each is a different passage.
    let hits: Vec<(usize, usize)> = folded
        .find_words(&needle)
        .into_iter()
        .map(|(i, j)| folded.original(i, j))
        .collect();
    match (hits.len(), occurrence) {
        (0, _) => Err(QuoteError::NotFound),
        (count, Some(n)) if n == 0 || n > count => Err(QuoteError::NoSuchOccurrence {
            requested: n,
            count,
        }),
        (_, Some(n)) => Ok(hits[n - 1]),
        (1, None) => Ok(hits[0]),
        (_, None) => {
            let chars: Vec<char> = text.chars().collect();
            Err(QuoteError::Ambiguous {
                places: hits.iter().map(|&(s, e)| place(&chars, s, e)).collect(),
            })
        }
    }
}

/// The short form of a coding id that lists show: its last eight characters (the start of a
/// ULID is a timestamp, shared by codings made in the same second).
pub fn short_id(id: &CodingId) -> &str {
    let n = id.0.len().min(8);
    &id.0[id.0.len() - n..]
}

/// Every coder's file for one session, with its codings re-attached to `text` (the note as it
/// is now, LF) in memory, for showing, listing and indexing. Nothing is written: a coder's file
/// is written only by that coder's own changes (which then store the positions found here),
/// so coders sharing a store through git never conflict. Files that cannot be read are
/// reported.
pub fn load_session_attached(
    root: &Path,
    session: &SessionId,
    text: &str,
) -> (Vec<CoderSessionFile>, Vec<CodingFileError>) {
    let (mut files, errors) = load_session(root, session);
    for f in &mut files {
        reattach_all(text, &mut f.codings);
    }
    (files, errors)
}

/// One coder's file for one session (a missing file is an empty one), its codings re-attached
/// to `text` in memory: what that coder's next change of the file builds on.
pub fn load_attached(
    root: &Path,
    coder: &str,
    session: &SessionId,
    text: &str,
) -> Result<CoderSessionFile, CodingFileError> {
    let mut file = load(root, coder, session)?;
    reattach_all(text, &mut file.codings);
    Ok(file)
}

/// Add `coding` to its coder's file (in memory), in text order. Refused when the file already
/// has a coding of the same words with the same theme: that passage would count twice.
pub fn add_to_file(file: &mut CoderSessionFile, coding: Coding) -> Result<(), CodingError> {
    if let Some(d) = crate::core::coding::find_duplicate(
        &file.codings,
        &coding.coder,
        &coding.theme,
        coding.start,
        coding.end,
        None,
    ) {
        return Err(CodingError::Duplicate {
            id: d.id.clone(),
            theme: d.theme.clone(),
        });
    }
    file.codings.push(coding);
    file.codings.sort_by_key(|c| (c.start, c.end));
    Ok(())
}

/// Where a coding id prefix points: (file index, coding index).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdLookupError {
    #[error("no coding with an id starting `{0}`")]
    NotFound(String),
    #[error("{count} codings have ids starting `{prefix}`: type more of the id")]
    Ambiguous { prefix: String, count: usize },
}

/// The one coding whose id starts with `prefix`, or whose short form (`short_id`) is `prefix`
/// (case-insensitive), among `files`.
pub fn find_by_id_prefix(
    files: &[CoderSessionFile],
    prefix: &str,
) -> Result<(usize, usize), IdLookupError> {
    let p = prefix.trim().to_ascii_lowercase();
    let hits: Vec<(usize, usize)> = files
        .iter()
        .enumerate()
        .flat_map(|(fi, f)| {
            f.codings
                .iter()
                .enumerate()
                .filter(|(_, c)| !p.is_empty() && (c.id.0.starts_with(&p) || short_id(&c.id) == p))
                .map(move |(ci, _)| (fi, ci))
        })
        .collect();
    match hits.len() {
        0 => Err(IdLookupError::NotFound(prefix.to_string())),
        1 => Ok(hits[0]),
        count => Err(IdLookupError::Ambiguous {
            prefix: prefix.to_string(),
            count,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One span coded with two sub-themes of `collaboration` (by two coders) and another
    /// coded with `collaboration` itself: the parent has two passages, not the three that
    /// adding its sub-themes' counts to its own gives.
    #[test]
    fn rolled_up_counts_take_each_span_once_under_every_ancestor() {
        let book = crate::core::codebook::Codebook::builtin();
        let text = "We finally trust each other. Calls go unanswered.";
        let id = SessionId::new();
        let coded = |coder: &str, s, e, theme: &str| CoderSessionFile {
            session: id.clone(),
            coder: coder.into(),
            memo: String::new(),
            codings: vec![new_coding(text, &id, s, e, theme, coder, "").unwrap()],
        };
        let files = [
            coded("Ana", 11, 27, "trust"),
            coded("Bea", 11, 27, "communication"),
            coded("Cy", 29, 48, "collaboration"),
        ];
        let own = count_passages_by_theme(&files);
        let rolled = count_passages_rolled_up(&files, &book);
        assert_eq!(own.get("collaboration"), Some(&1));
        assert_eq!(rolled.get("collaboration"), Some(&2));
        assert_eq!(rolled.get("trust"), Some(&1));
        assert_eq!(rolled.get("communication"), Some(&1));
        assert_eq!(rolled.get("practice"), None, "no passages, no entry");
        // An orphaned coding is not a passage anywhere.
        let mut orphan = coded("Dee", 0, 10, "trust");
        orphan.codings[0].status = AnchorStatus::Orphaned;
        let rolled = count_passages_rolled_up(files.iter().chain([&orphan]), &book);
        assert_eq!(rolled.get("collaboration"), Some(&2));
    }

    /// Found by fuzzing: a file holding another session's codings was refused without a line.
    #[test]
    fn a_file_named_for_another_session_is_refused_at_the_line_of_its_session() {
        let dir = tempfile::tempdir().unwrap();
        let id = SessionId::new();
        let path = dir.path().join(format!("{id}.json"));
        // Keys named `session` deeper in come first; the top-level one (escaped) is on line 4.
        let json = "{\n  \"note\": [{\"session\": \"a\"}, {\"x\": {\"session\": 1}}],\n  \"coder\": \"Ana \\\" Peña\",\n  \"se\\u0073sion\" :\n \"01arz3ndektsv4rrffq69g5fav\"\n}\n";
        std::fs::write(&path, json).unwrap();
        let e = read_file(&path).unwrap_err();
        assert!(e.message.contains("named for session"), "{e}");
        assert_eq!(e.line, Some(4), "{e}");
        assert_eq!(
            top_level_key_line(b"{\"memo\": \"session\"}", "session"),
            None
        );
    }

    #[test]
    fn find_quote_counts_code_points_and_reports_ambiguity() {
        let text = "Doña 🙂 Ana said: we trust La Casa.\r\nWe trust them.";
        let (s, e) = find_quote(text, "trust La", None).unwrap();
        assert_eq!(char_slice(&normalize_newlines(text), s, e), "trust La");
        assert_eq!(s, 20);
        let err = find_quote(text, "trust", None).unwrap_err();
        let QuoteError::Ambiguous { places } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(
            places.iter().map(|p| (p.start, p.line)).collect::<Vec<_>>(),
            [(20, 1), (38, 2)]
        );
        let msg = err.to_string();
        assert!(msg.contains("--occurrence"), "{msg}");
        assert!(
            msg.contains("\n  1: line 1: Doña 🙂 Ana said: we [trust] La Casa. We trust them.\n"),
            "{msg}"
        );
        assert!(
            msg.ends_with("\n  2: line 2: …we trust La Casa. We [trust] them."),
            "{msg}"
        );
        let (s, _) = find_quote(text, "trust", Some(2)).unwrap();
        assert_eq!(s, 38);
        assert_eq!(
            find_quote(text, "trust", Some(3)),
            Err(QuoteError::NoSuchOccurrence {
                requested: 3,
                count: 2
            })
        );
        assert_eq!(
            find_quote(text, "Casa.\r\nWe", None).map(|(s, e)| e - s),
            Ok(8),
            "CRLF in the quote matches the LF text"
        );
        assert_eq!(find_quote(text, "   ", None), Err(QuoteError::Empty));
        assert_eq!(find_quote(text, "trusted", None), Err(QuoteError::NotFound));
    }

    #[test]
    fn a_typed_quote_finds_the_note_s_typography() {
        let note =
            "Intro.\nThe father said: “I don’t want CYFD\n  in my home” — and meant it.\nDoña Ana.";
        let chars: Vec<char> = note.chars().collect();
        let words = |q: &str| {
            let (s, e) = find_quote(note, q, None).unwrap();
            chars[s..e].iter().collect::<String>()
        };
        assert_eq!(words("I don't want"), "I don’t want");
        assert_eq!(
            words("\"i don't want cyfd in my home\" - and"),
            "“I don’t want CYFD\n  in my home” — and"
        );
        assert_eq!(words("dona ana"), "Doña Ana");
        assert_eq!(words("  meant it  "), "meant it");
        // Whole words only: "an" is not found inside "Ana", "want" not inside "wanted".
        assert_eq!(find_quote(note, "an", None), Err(QuoteError::NotFound));
        assert_eq!(
            find_quote("we wanted", "want", None),
            Err(QuoteError::NotFound)
        );
    }

    #[test]
    fn a_coder_file_refuses_the_same_words_with_the_same_theme_twice() {
        let text = "we trust each other";
        let id = SessionId::new();
        let mut file = CoderSessionFile {
            session: id.clone(),
            coder: "Ana Peña".into(),
            memo: String::new(),
            codings: Vec::new(),
        };
        let first = new_coding(text, &id, 3, 8, "trust", "Ana Peña", "").unwrap();
        let first_id = first.id.clone();
        add_to_file(&mut file, first).unwrap();
        // The same coder (spelled as the same folder), words and theme: refused, naming it.
        let again = new_coding(text, &id, 3, 8, "trust", "ana pena", "").unwrap();
        let err = add_to_file(&mut file, again).unwrap_err();
        assert_eq!(
            err,
            CodingError::Duplicate {
                id: first_id.clone(),
                theme: "trust".into()
            }
        );
        assert!(err.to_string().contains(&first_id.0), "{err}");
        // Another theme, or other words, are other codings.
        add_to_file(
            &mut file,
            new_coding(text, &id, 3, 8, "roles", "Ana Peña", "").unwrap(),
        )
        .unwrap();
        add_to_file(
            &mut file,
            new_coding(text, &id, 3, 13, "trust", "Ana Peña", "").unwrap(),
        )
        .unwrap();
        assert_eq!(file.codings.len(), 3);
    }

    #[test]
    fn new_coding_fills_quote_and_context() {
        let text = "👩‍👩‍👧 Doña Ana: we finally trust each other.";
        let id = SessionId::new();
        let (s, e) = find_quote(text, "trust each other", None).unwrap();
        let c = new_coding(text, &id, s, e, "trust", "Ana", "").unwrap();
        assert_eq!(c.quote, "trust each other");
        assert_eq!(c.before, "👩‍👩‍👧 Doña Ana: we finally ");
        assert_eq!(c.after, ".");
        assert_eq!(
            new_coding(text, &id, 3, 2, "trust", "Ana", ""),
            Err(CodingError::OutOfRange {
                start: 3,
                end: 2,
                len: 44
            })
        );
        assert_eq!(
            new_coding(text, &id, 5, 6, "trust", "Ana", ""),
            Err(CodingError::Empty),
            "a lone space is not a passage"
        );
        assert!(new_coding(text, &id, 0, 45, "t", "A", "").is_err());
    }
}
