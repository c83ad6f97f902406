//! The disk work of an import or export, done on the IO thread (`Request::Exchange`): the same
//! core calls `ripple export` and `ripple import` make, with progress reported as it goes.

use crate::core::codebook::Codebook;
use crate::core::exchange::export::{self, ExportOptions};
use crate::core::exchange::plan::{render_plan, Target};
use crate::core::exchange::{self, apply, xml_write, Package, Stage};
use crate::core::export_target::{ExportError, ExportRules};
use crate::core::session::SessionId;
use crate::core::store::Store;
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// A project (`.qdpx`): sessions, codebook, codings, memos.
    Project,
    /// The codebook alone (`.qdc`).
    Codebook,
}

impl ExportKind {
    pub fn extension(self) -> &'static str {
        match self {
            ExportKind::Project => "qdpx",
            ExportKind::Codebook => "qdc",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ExportKind::Project => "project (.qdpx)",
            ExportKind::Codebook => "codebook (.qdc)",
        }
    }
}

/// Work for the IO thread.
#[derive(Debug)]
pub enum Job {
    Export {
        file: PathBuf,
        kind: ExportKind,
        /// Only these sessions (those a query matched); None: all.
        only: Option<Vec<SessionId>>,
        deidentify: bool,
        /// Only these coders' codings and memos (blind coding: the user's own); empty: all.
        coders: Vec<String>,
        /// Replace the file if it exists.
        replace: bool,
        /// The search index folder, which exports stay out of (as the store).
        index_dir: PathBuf,
    },
    /// Read the file and plan importing it (nothing written); with `shown`, plan again and,
    /// when the plan is still the one shown, import it.
    Import {
        file: PathBuf,
        shown: Option<String>,
    },
}

/// Why an export was not written.
#[derive(Debug, PartialEq, Eq)]
pub enum ExportProblem {
    /// The file exists (it is replaced only when the user says so).
    Exists(PathBuf),
    Failed(String),
}

/// The IO thread's answer.
#[derive(Debug)]
pub enum Answer {
    /// How far the work has come.
    Progress(Stage, usize, usize),
    /// The export was written (what it holds, for the user), or why not.
    Exported(Result<String, ExportProblem>),
    /// The plan in words and whether there is anything to import, or why the file cannot be.
    Planned(Result<(String, bool), String>),
    /// What the import added, or why nothing was.
    Imported(Result<String, String>),
}

/// Progress reports are sent at most this often (and at the end of each stage).
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Do `job` against `store`, telling `send` how far it has come.
pub fn run(store: &Store, job: Job, send: &(dyn Fn(Answer) + Sync)) -> Answer {
    let mut last: Option<Instant> = None;
    let mut progress = move |stage: Stage, done: usize, total: usize| {
        if done >= total || last.is_none_or(|t| t.elapsed() >= PROGRESS_EVERY) {
            last = Some(Instant::now());
            send(Answer::Progress(stage, done, total));
        }
    };
    match job {
        Job::Export {
            file,
            kind,
            only,
            deidentify,
            coders,
            replace,
            index_dir,
        } => Answer::Exported(export(
            store,
            &file,
            kind,
            only,
            deidentify,
            coders,
            replace,
            &index_dir,
            &mut progress,
        )),
        Job::Import { file, shown: None } => {
            Answer::Planned(plan(store, &file, &mut progress).map(|(text, empty, _)| (text, empty)))
        }
        Job::Import {
            file,
            shown: Some(shown),
        } => Answer::Imported(import(store, &file, &shown, &mut progress)),
    }
}

#[allow(clippy::too_many_arguments)]
fn export(
    store: &Store,
    file: &std::path::Path,
    kind: ExportKind,
    only: Option<Vec<SessionId>>,
    deidentify: bool,
    coders: Vec<String>,
    replace: bool,
    index_dir: &std::path::Path,
    progress: exchange::Progress<'_>,
) -> Result<String, ExportProblem> {
    let failed = |e: String| ExportProblem::Failed(e);
    let target = ExportRules::for_store(store.root(), index_dir)
        .check(file, replace)
        .map_err(|e| match e {
            ExportError::Exists { path } => ExportProblem::Exists(path),
            other => failed(other.to_string()),
        })?
        .file;
    let opts = ExportOptions {
        deidentify,
        redact_terms: store.settings().deidentify.clone(),
        coders,
    };
    let mut lines = Vec::new();
    match kind {
        ExportKind::Codebook => {
            let codebook = Codebook::load_or_builtin(&store.codebook_path()).map_err(|errors| {
                failed(format!(
                    "the codebook has problems ({}): fix them first (`ripple codebook check` lists them)",
                    errors.first().map(|e| e.to_string()).unwrap_or_default()
                ))
            })?;
            if codebook.themes.is_empty() {
                return Err(failed(
                    "the codebook has no themes: there is nothing to export".into(),
                ));
            }
            let written = xml_write::codebook_xml(&export::codebook_file(&codebook, &opts));
            exchange::archive::write_file(&target, written.xml.as_bytes(), replace)
                .map_err(|e| failed(format!("cannot write {}: {e}", target.display())))?;
            lines.push(format!(
                "Exported the codebook ({} themes) to {}",
                codebook.themes.len(),
                target.display()
            ));
            if deidentify {
                lines.push(
                    "De-identified: ripple.toml's `deidentify` terms redacted in theme names and descriptions"
                        .into(),
                );
            }
        }
        ExportKind::Project => {
            let only: Option<HashSet<SessionId>> = only.map(|v| v.into_iter().collect());
            if only.as_ref().is_some_and(HashSet::is_empty) {
                return Err(failed(
                    "the query matches no session: there is nothing to export".into(),
                ));
            }
            let (content, warnings) =
                export::read_store_with(store, only.as_ref(), progress).map_err(failed)?;
            let mut exported = export::project(&content, &opts);
            let written = xml_write::project_xml(&exported.project);
            exported.report.replaced_characters = written.replaced;
            progress(Stage::Writing, 0, 1);
            exchange::archive::write_qdpx(&target, &written.xml, &exported.files, replace)
                .map_err(|e| failed(format!("cannot write {}: {e}", target.display())))?;
            let r = &exported.report;
            lines.push(format!(
                "Exported {} session(s), {} theme(s), {} coding(s) by {} coder(s) and {} memo(s) to {}",
                r.sessions,
                r.themes,
                r.codings,
                r.coders.len(),
                r.memos,
                target.display()
            ));
            if r.orphans > 0 {
                lines.push(format!(
                    "Left out {} orphaned coding(s): their words are no longer in the note",
                    r.orphans
                ));
            }
            for key in &r.unknown_themes {
                lines.push(format!(
                    "Theme `{key}` is used by codings but not in the codebook: exported as a code named `{key}`"
                ));
            }
            if deidentify {
                lines.push("De-identified:".into());
                lines.extend(r.deidentified.iter().map(|l| format!("  - {l}")));
            }
            lines.extend(warnings.into_iter().map(|w| format!("Warning: {w}")));
        }
    }
    Ok(lines.join("\n"))
}

/// The plan of importing `file` into `store`: its text, whether it is empty, and the plan.
fn plan(
    store: &Store,
    file: &std::path::Path,
    progress: exchange::Progress<'_>,
) -> Result<(String, bool, exchange::plan::Plan), String> {
    if let Some(why) = store.read_only_reason() {
        return Err(format!(
            "the store is read-only, so nothing can be imported: {why}"
        ));
    }
    let mut package = Package::open(file).map_err(|e| e.to_string())?;
    let codebook = Codebook::load_or_builtin(&store.codebook_path()).map_err(|errors| {
        format!(
            "the store's codebook has problems ({}): fix them first (`ripple codebook check`)",
            errors.first().map(|e| e.to_string()).unwrap_or_default()
        )
    })?;
    let plan = exchange::plan_with(&mut package, &Target::of_store(store, codebook), progress)
        .map_err(|e| e.to_string())?;
    let text = render_plan(&plan, file, store.root(), false);
    Ok((text, plan.is_empty(), plan))
}

fn import(
    store: &Store,
    file: &std::path::Path,
    shown: &str,
    progress: exchange::Progress<'_>,
) -> Result<String, String> {
    let (text, empty, plan) = plan(store, file, progress)?;
    if text != shown {
        return Err(
            "the store or the file changed since the plan was shown: nothing was imported; read the file again to see the plan as it is now"
                .into(),
        );
    }
    if empty {
        return Ok("Nothing to import: the store already has every session in the file (anything not imported is listed in the plan).".into());
    }
    let applied = apply::into_store_with(&plan, store, progress).map_err(|e| e.to_string())?;
    Ok(format!(
        "Imported {} session(s), {} coding(s) and {} new theme(s) from {}",
        applied.sessions,
        applied.codings,
        applied.themes,
        file.display()
    ))
}
