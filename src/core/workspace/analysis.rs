//! Analysis in the workspace: the corpus read from the store, as `ripple matrix`, `cooccur`,
//! `terms`, `kwic`, `keywords` and the TUI's analysis screen all read it (docs/analysis.md).

use super::{analysis_cache, counts_snapshot, word_bags, Workspace};
use crate::core::agreement::cache::key_of;
use crate::core::analysis::{orphaned_warning, Corpus, Scope};
use crate::core::codebook::Codebook;
use crate::core::coding::{same_coder, AnchorStatus, Coding};
use crate::core::coding_store;
use crate::core::file_key::{now_ns, FileKey};
use crate::core::parallel::parallel_map;
use crate::core::session::SessionMeta;
use crate::core::store::Scan;
use std::collections::HashMap;

type Loaded = Result<
    (
        (SessionMeta, String, Vec<(String, String)>),
        Vec<Coding>,
        Vec<String>,
    ),
    String,
>;

impl Corpus {
    /// The corpus for counting (`counts_only`: no note text, memos or coding ids), read
    /// through the analysis cache (`analysis_cache`) so unchanged files are not read. With a
    /// query, or when the coder folders cannot be listed, the whole corpus is read instead
    /// ([`Corpus::load`]). The counts are those of [`Corpus::load`].
    pub fn load_counts(ws: &Workspace, scope: &Scope) -> Result<Corpus, String> {
        Corpus::load_counts_at(ws, scope, 0)
    }

    /// [`Corpus::load_counts`] with the clock moved on by `skew_ns` (tests: files written a
    /// moment ago then count as settled).
    pub(crate) fn load_counts_at(
        ws: &Workspace,
        scope: &Scope,
        skew_ns: i64,
    ) -> Result<Corpus, String> {
        if !scope.query_text().is_empty() {
            return Corpus::load(ws, scope);
        }
        let store = ws.store();
        let blind = ws.blind().then(|| ws.coder().to_string());
        // Nothing changed since the last full read: its corpus, from one file.
        if let Some(parts) = counts_snapshot::load(store, blind.as_deref()) {
            let codebook = codebook(ws, &mut Vec::new());
            let corpus = Corpus::from_counts(codebook, store.settings().project_start, parts);
            corpus.select(scope)?;
            return Ok(corpus);
        }
        // The keys the snapshot is made from, taken before anything is read.
        let now = now_ns().saturating_add(skew_ns);
        let sessions_dir = store.sessions_dir();
        let dir_before = FileKey::of_path(&sessions_dir);
        let codebook_key = key_of(&store.codebook_path());
        let mut warnings: Vec<String> = Vec::new();
        let codebook = codebook(ws, &mut warnings);
        let scan = store.scan();
        let Some(loaded) =
            analysis_cache::load_counts_at(store, &scan.sessions, blind.as_deref(), skew_ns)
        else {
            return Corpus::load(ws, scope);
        };
        warnings.extend(scan.problems.iter().map(|p| p.to_string()));
        warnings.extend(loaded.warnings);
        let mut corpus = Corpus::build_indexed(
            codebook,
            store.settings().project_start,
            loaded.sessions,
            &loaded.coders,
            &loaded.themes,
            &loaded.codings,
        );
        corpus.warnings = warnings;
        corpus.note_keys = note_keys(&corpus, &scan, now);
        // A snapshot only from keys that were settled when taken, with no file added,
        // removed or renamed among the notes while they were read.
        let settled = |k: &FileKey| !k.is_racy(now);
        let sources = (|| {
            let dir = dir_before.filter(settled)?;
            if FileKey::of_path(&sessions_dir) != Some(dir) {
                return None;
            }
            let codebook = match codebook_key {
                Ok(k) if k.as_ref().is_none_or(settled) => k,
                _ => return None,
            };
            let coder_dirs = loaded
                .folders
                .into_iter()
                .map(|(name, key)| key.map(|k| (name, k)))
                .collect::<Option<Vec<_>>>()?;
            if !scan.files.iter().all(|(_, k)| settled(k)) {
                return None;
            }
            let codings = loaded
                .files
                .into_iter()
                .map(|(d, name, key)| key.map(|k| (d, name, k)))
                .collect::<Option<Vec<_>>>()?;
            Some(counts_snapshot::Sources {
                blind,
                sessions_dir: dir,
                codebook,
                coder_dirs,
                notes: scan.files,
                codings,
            })
        })();
        if let Some(sources) = sources {
            counts_snapshot::save(store, &sources, &corpus);
        }
        corpus.select(scope)?;
        Ok(corpus)
    }

    /// The corpus for keywords: for counting (as [`Corpus::load_counts`]; the whole corpus
    /// with a query, which needs the notes' words), with every note's bag of words, from the
    /// word-bag cache where the note is unchanged (`word_bags`).
    pub fn load_keywords(ws: &Workspace, scope: &Scope) -> Result<Corpus, String> {
        Corpus::load_keywords_at(ws, scope, 0)
    }

    /// [`Corpus::load_keywords`] with the clock moved on by `skew_ns` (tests).
    pub(crate) fn load_keywords_at(
        ws: &Workspace,
        scope: &Scope,
        skew_ns: i64,
    ) -> Result<Corpus, String> {
        let mut corpus = if scope.query_text().is_empty() {
            Corpus::load_counts_at(ws, scope, skew_ns)?
        } else {
            Corpus::load_at(ws, scope, skew_ns)?
        };
        let filled = word_bags::fill(ws.store(), &corpus);
        corpus.warnings.extend(filled.warnings);
        Ok(corpus)
    }

    /// Every session of the store with its note, its coders' memos and their codings
    /// re-attached to the note as it is now (only the workspace's own coder's when it codes
    /// blind). Files that cannot be read are left out and said in `warnings`. The codebook
    /// is the store's (the built-in one, with a warning, when it cannot be read). `scope` is
    /// checked here (a query that does not parse, a coder with no codings) so a caller learns
    /// early; each analysis applies its own scope.
    pub fn load(ws: &Workspace, scope: &Scope) -> Result<Corpus, String> {
        Corpus::load_at(ws, scope, 0)
    }

    /// [`Corpus::load`] with the clock moved on by `skew_ns` (tests), for which note keys
    /// count as settled.
    pub(crate) fn load_at(ws: &Workspace, scope: &Scope, skew_ns: i64) -> Result<Corpus, String> {
        let store = ws.store();
        let mut warnings: Vec<String> = Vec::new();
        let codebook = codebook(ws, &mut warnings);
        let now = now_ns().saturating_add(skew_ns);
        let scan = store.scan();
        warnings.extend(scan.problems.iter().map(|p| p.to_string()));
        let root = store.root();
        let blind = ws.blind().then(|| ws.coder().to_string());
        let loaded: Vec<Loaded> = parallel_map(&scan.sessions, |summary| {
            let id = &summary.meta.id;
            let session = store.load(id).map_err(|e| e.to_string())?;
            let (files, errors) = coding_store::load_session_attached(root, id, &session.text);
            let mut memos = Vec::new();
            let mut codings = Vec::new();
            for f in files {
                if blind.as_deref().is_some_and(|me| !same_coder(me, &f.coder)) {
                    continue;
                }
                memos.push((f.coder.clone(), f.memo.clone()));
                for mut c in f.codings {
                    c.coder = f.coder.clone();
                    codings.push(c);
                }
            }
            let errors = errors.iter().map(|e| e.to_string()).collect();
            Ok(((session.meta, session.text, memos), codings, errors))
        });
        let mut sessions = Vec::with_capacity(loaded.len());
        let mut codings: Vec<Coding> = Vec::new();
        for l in loaded {
            match l {
                Ok((s, c, errors)) => {
                    sessions.push(s);
                    codings.extend(c);
                    warnings.extend(errors);
                }
                Err(e) => warnings.push(e),
            }
        }
        warnings.extend(orphaned_warning(
            codings
                .iter()
                .filter(|c| c.status == AnchorStatus::Orphaned)
                .count(),
        ));
        let mut corpus = Corpus::build(codebook, store.settings().project_start, sessions, codings);
        corpus.warnings = warnings;
        corpus.note_keys = note_keys(&corpus, &scan, now);
        corpus.select(scope)?;
        Ok(corpus)
    }
}

/// Each session's note key as the scan took it, when it was settled at `now` (a time before
/// the scan): what a cache of something read from the note may be keyed by.
fn note_keys(corpus: &Corpus, scan: &Scan, now: i64) -> Vec<Option<FileKey>> {
    let by_id: HashMap<&str, FileKey> = scan
        .sessions
        .iter()
        .filter_map(|s| Some((s.meta.id.as_str(), s.key?)))
        .collect();
    corpus
        .sessions
        .iter()
        .map(|s| {
            by_id
                .get(s.id.as_str())
                .copied()
                .filter(|k| !k.is_racy(now))
        })
        .collect()
}

/// The store's codebook (the built-in one, with a warning, when it cannot be read).
fn codebook(ws: &Workspace, warnings: &mut Vec<String>) -> Codebook {
    match Codebook::load_or_builtin(&ws.store().codebook_path()) {
        Ok(b) => b,
        Err(errs) => {
            warnings.extend(errs.iter().map(|e| e.to_string()));
            warnings.push("using the built-in codebook for theme names and parents".into());
            Codebook::builtin()
        }
    }
}
