//! Import and export of REFI-QDA files (NVivo, ATLAS.ti, MAXQDA, QualCoder, qc), a component
//! over the session list: `x` opens the export dialog (a project `.qdpx` or the codebook alone
//! `.qdc`, the file, a query choosing the sessions, de-identification), `i` the import dialog
//! (the file, then the plan of what will be added, matched and refused, then a key to import).
//! The work is the IO thread's (`Request::Exchange`, `job.rs`): the same core calls the CLI
//! makes, with a progress line while they run; a query is answered by the index thread. After
//! an import the session list, the codebook, the counts and the search index are refreshed.

pub mod job;
#[cfg(test)]
mod tests;

use crate::core::exchange::{FileKind, Stage};
use crate::tui::component::{Ctx, Outcome, StatusKind};
use crate::tui::index_worker::{IndexRequest, IndexResponse, SearchError};
use crate::tui::keymap::{Action, Context};
use crate::tui::layout;
use crate::tui::line_input::{pasted_line, LineInput};
use crate::tui::worker::Request;
use job::{Answer, ExportKind, ExportProblem, Job};
use std::path::{Path, PathBuf};

/// The export dialog's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    File,
    Query,
}

/// The export dialog's state, kept between openings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportForm {
    pub kind: ExportKind,
    pub file: LineInput,
    pub query: LineInput,
    pub focus: Field,
    pub deidentify: bool,
    /// The user was told this file exists: Enter again on the same name replaces it.
    pub replace: Option<String>,
}

/// What the dialog shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    Export,
    Import,
    /// Work under way on the IO or index thread.
    Working {
        what: String,
        progress: Option<(Stage, usize, usize)>,
        /// Importing (not exporting).
        import: bool,
    },
    /// The import plan, scrolled this far; a key imports it.
    Plan {
        file: PathBuf,
        text: String,
        scroll: u16,
    },
    /// How it went (what an import did can be long: it is scrolled this far).
    Done {
        ok: bool,
        text: String,
        scroll: u16,
    },
}

#[derive(Debug, Default)]
pub struct ExchangeDialog {
    pub phase: Option<Phase>,
    pub export: Option<ExportForm>,
    pub import_file: LineInput,
    /// A message under the form (why the last try did not work).
    pub message: Option<(StatusKind, String)>,
    /// The search index folder, which exports stay out of.
    pub index_dir: PathBuf,
    /// Coding blind: the user's coder name, whose codings and memos alone a project export
    /// holds (as search and evidence show only theirs).
    pub only_coder: Option<String>,
    /// The query asked of the index thread (answers to older ones are ignored).
    seq: u64,
    /// The export waiting for the sessions its query matches.
    waiting_for_query: Option<Job>,
    /// The file being exported, then the file exported last in this run: the import dialog
    /// offers it once.
    exporting: Option<PathBuf>,
    exported: Option<PathBuf>,
}

/// Where files go by default: the user's Documents folder when there is one, else the current
/// folder.
fn default_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        let docs = PathBuf::from(home).join("Documents");
        if docs.is_dir() {
            return docs;
        }
    }
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// The default folder as the start of a name to type: `/home/ana/Documents/`.
fn default_folder() -> String {
    let mut dir = default_dir().display().to_string();
    dir.push(std::path::MAIN_SEPARATOR);
    dir
}

/// A typed path: `~/` is the home folder.
pub fn expand(typed: &str) -> PathBuf {
    let t = typed.trim();
    if let Some(rest) = t.strip_prefix("~/") {
        if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            return PathBuf::from(home).join(rest);
        }
    }
    PathBuf::from(t)
}

/// `path` with its extension replaced by `ext` (added when it has none).
fn with_extension(path: &str, ext: &str) -> String {
    let p = Path::new(path);
    let known = FileKind::of(p).is_some();
    let stem_end = if known {
        path.rfind('.').unwrap_or(path.len())
    } else {
        path.len()
    };
    format!("{}.{ext}", &path[..stem_end])
}

/// A long text (the plan when `plan`, else the result) scrolled by `action` from `scroll`, in
/// a terminal of `size`: the last page shows its end. `None` for a key that does not scroll.
fn scrolled(
    action: Action,
    plan: bool,
    (text, scroll): (&str, u16),
    size: (u16, u16),
) -> Option<u16> {
    let page = layout::exchange_page(plan, size);
    let max = layout::exchange_max_scroll(plan, layout::exchange_rows(text, size).len(), size);
    let to = match action {
        Action::Up => scroll.saturating_sub(1),
        Action::Down => scroll.saturating_add(1),
        Action::PageUp => scroll.saturating_sub(page),
        Action::PageDown => scroll.saturating_add(page),
        Action::First => 0,
        Action::Last => max,
        _ => return None,
    };
    Some(to.min(max))
}

impl ExchangeDialog {
    pub fn is_open(&self) -> bool {
        self.phase.is_some()
    }

    /// The key context while the dialog is open.
    pub fn context(&self) -> Option<Context> {
        Some(match self.phase.as_ref()? {
            Phase::Export => Context::ExchangeExport,
            Phase::Import => Context::ExchangeImport,
            Phase::Plan { .. } => Context::ExchangePlan,
            Phase::Working { .. } | Phase::Done { .. } => Context::ExchangeDone,
        })
    }

    pub fn working(&self) -> bool {
        matches!(self.phase, Some(Phase::Working { .. }))
    }

    /// `x` on the session list.
    pub fn open_export(&mut self) {
        let reopened = self.export.is_some();
        let form = self.export.get_or_insert_with(|| {
            let today = chrono::Local::now().format("%Y-%m-%d");
            let file = default_dir().join(format!("ripple-{today}.qdpx"));
            ExportForm {
                kind: ExportKind::Project,
                file: LineInput::new(file.display().to_string()),
                query: LineInput::default(),
                focus: Field::File,
                deidentify: false,
                replace: None,
            }
        });
        form.replace = None;
        if reopened {
            // The last name, selected (as the import field and search's last query): typing
            // replaces it, a motion keeps it to edit.
            form.file.select_all();
            form.focus = Field::File;
        }
        self.message = None;
        self.phase = Some(Phase::Export);
    }

    /// `i` on the session list.
    pub fn open_import(&mut self, ctx: &mut Ctx) {
        if let Some(why) = ctx.read_only {
            ctx.error(format!("Read-only, so nothing can be imported here: {why}"));
            return;
        }
        if let Some(file) = self.exported.take() {
            // The file just exported, to read back: offered, selected so typing replaces it.
            self.import_file.set(file.display().to_string());
            self.import_file.select_all();
        } else if self.import_file.is_empty() || self.import_file.text() == default_folder() {
            // The folder files usually are in, for the name to be typed after it.
            self.import_file.set(default_folder());
        } else {
            // The last name typed, selected (as search shows its last query): typing replaces
            // it, a motion keeps it to edit.
            self.import_file.select_all();
        }
        self.message = None;
        self.phase = Some(Phase::Import);
    }

    /// The one-line field with the focus, in a form.
    fn input(&mut self) -> Option<&mut LineInput> {
        match self.phase {
            Some(Phase::Export) => {
                let f = self.export.as_mut()?;
                Some(match f.focus {
                    Field::File => &mut f.file,
                    Field::Query => &mut f.query,
                })
            }
            Some(Phase::Import) => Some(&mut self.import_file),
            _ => None,
        }
    }

    /// A printable key, in a form's field.
    pub fn typed(&mut self, c: char) {
        if let Some(i) = self.input() {
            i.insert(c);
        }
    }

    /// Pasted text, in a form's field (one line).
    pub fn paste(&mut self, text: &str) {
        if let Some(i) = self.input() {
            i.insert_str(&pasted_line(text));
        }
    }

    pub fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let Some(phase) = self.phase.clone() else {
            return Outcome::NotConsumed;
        };
        match phase {
            Phase::Export | Phase::Import => return self.form_action(action, ctx),
            Phase::Plan { file, text, scroll } => match action {
                Action::Confirm => {
                    self.phase = Some(Phase::Working {
                        what: format!("Importing {}", file.display()),
                        progress: None,
                        import: true,
                    });
                    ctx.effects.push(Request::Exchange(Box::new(Job::Import {
                        file,
                        shown: Some(text),
                    })));
                }
                Action::Back => {
                    self.phase = None;
                    ctx.info("Import cancelled: nothing was written");
                }
                _ => match scrolled(action, true, (&text, scroll), ctx.size) {
                    Some(scroll) => self.phase = Some(Phase::Plan { file, text, scroll }),
                    None => return Outcome::NotConsumed,
                },
            },
            Phase::Working { .. } => match action {
                Action::Back | Action::Confirm => {
                    ctx.info("Still working: the result shows here when it is done");
                }
                _ => return Outcome::NotConsumed,
            },
            Phase::Done { ok, text, scroll } => match action {
                Action::Back | Action::Confirm => self.phase = None,
                _ => match scrolled(action, false, (&text, scroll), ctx.size) {
                    Some(scroll) => self.phase = Some(Phase::Done { ok, text, scroll }),
                    None => return Outcome::NotConsumed,
                },
            },
        }
        Outcome::Consumed
    }

    fn form_action(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let exporting = self.phase == Some(Phase::Export);
        match action {
            Action::Back => {
                self.phase = None;
                return Outcome::Consumed;
            }
            Action::Confirm => {
                if exporting {
                    self.start_export(ctx);
                } else {
                    self.start_import(ctx);
                }
                return Outcome::Consumed;
            }
            Action::NextField | Action::PrevField if exporting => {
                if let Some(f) = &mut self.export {
                    if f.kind == ExportKind::Project {
                        f.focus = match f.focus {
                            Field::File => Field::Query,
                            Field::Query => Field::File,
                        };
                    }
                }
                return Outcome::Consumed;
            }
            Action::ExchangeKind if exporting => {
                if let Some(f) = &mut self.export {
                    f.kind = match f.kind {
                        ExportKind::Project => ExportKind::Codebook,
                        ExportKind::Codebook => ExportKind::Project,
                    };
                    f.focus = Field::File;
                    let renamed = with_extension(f.file.text(), f.kind.extension());
                    f.file.set(renamed);
                }
                return Outcome::Consumed;
            }
            Action::ToggleDeidentify if exporting => {
                if let Some(f) = &mut self.export {
                    f.deidentify = !f.deidentify;
                }
                return Outcome::Consumed;
            }
            _ => {}
        }
        let Some(input) = self.input() else {
            return Outcome::NotConsumed;
        };
        match action {
            Action::Left(_) => input.left(),
            Action::Right(_) => input.right(),
            Action::WordLeft(_) => input.word_left(),
            Action::WordRight(_) => input.word_right(),
            Action::LineStart(_) => input.home(),
            Action::LineEnd(_) => input.end(),
            Action::Backspace => {
                input.backspace();
            }
            Action::Delete => {
                input.delete();
            }
            Action::DeleteWordBack => {
                input.delete_word_back();
            }
            Action::ClearFilter => {
                input.clear();
            }
            _ => return Outcome::NotConsumed,
        }
        Outcome::Consumed
    }

    fn form_error(&mut self, text: impl Into<String>) {
        self.message = Some((StatusKind::Error, text.into()));
    }

    fn start_export(&mut self, ctx: &mut Ctx) {
        let Some(form) = &mut self.export else { return };
        let typed = form.file.text().trim().to_string();
        if typed.is_empty() {
            self.form_error("Type the name of the file to write");
            return;
        }
        let ext = form.kind.extension();
        let typed = match FileKind::of(Path::new(&typed)) {
            None => {
                let named = format!("{typed}.{ext}");
                form.file.set(named.clone());
                named
            }
            Some(k) if k == FileKind::Project && form.kind == ExportKind::Project => typed,
            Some(k) if k == FileKind::Codebook && form.kind == ExportKind::Codebook => typed,
            Some(_) => {
                let want = form.kind.name();
                self.form_error(format!(
                    "A {want} export is named .{ext}: change the name, or switch what to export"
                ));
                return;
            }
        };
        let replace = form.replace.as_deref() == Some(typed.as_str());
        let query = form.query.text().trim().to_string();
        let job = Job::Export {
            file: expand(&typed),
            kind: form.kind,
            only: None,
            deidentify: form.deidentify,
            coders: self.only_coder.iter().cloned().collect(),
            replace,
            index_dir: self.index_dir.clone(),
        };
        self.message = None;
        if form.kind == ExportKind::Project && !query.is_empty() {
            self.seq += 1;
            ctx.effects.push(IndexRequest::Matching {
                seq: self.seq,
                query: query.clone(),
            });
            self.waiting_for_query = Some(job);
            self.phase = Some(Phase::Working {
                what: format!("Finding the sessions that match {query}"),
                progress: None,
                import: false,
            });
        } else {
            self.send_export(job, ctx);
        }
    }

    fn send_export(&mut self, job: Job, ctx: &mut Ctx) {
        if let Job::Export { file, .. } = &job {
            self.exporting = Some(file.clone());
            self.phase = Some(Phase::Working {
                what: format!("Exporting to {}", file.display()),
                progress: None,
                import: false,
            });
        }
        ctx.effects.push(Request::Exchange(Box::new(job)));
    }

    fn start_import(&mut self, ctx: &mut Ctx) {
        let typed = self.import_file.text().trim().to_string();
        let file = expand(&typed);
        if typed.is_empty() || file.is_dir() {
            self.form_error(
                "Type the name of a REFI-QDA file: a project (.qdpx, .qde) or a codebook (.qdc)",
            );
            return;
        }
        if FileKind::of(&file).is_none() {
            self.form_error(format!(
                "{}: not a REFI-QDA file (the name must end in .qdpx, .qdc or .qde)",
                file.display()
            ));
            return;
        }
        self.message = None;
        self.phase = Some(Phase::Working {
            what: format!("Reading {}", file.display()),
            progress: None,
            import: true,
        });
        ctx.effects.push(Request::Exchange(Box::new(Job::Import {
            file,
            shown: None,
        })));
    }

    /// Back to the form the work came from, saying why it did not work.
    fn failed(&mut self, import: bool, text: String) {
        self.phase = Some(if import { Phase::Import } else { Phase::Export });
        self.form_error(text);
    }

    /// The IO thread's answer.
    pub fn on_io(&mut self, answer: Answer, ctx: &mut Ctx) {
        match answer {
            Answer::Progress(stage, done, total) => {
                if let Some(Phase::Working { progress, .. }) = &mut self.phase {
                    *progress = Some((stage, done, total));
                }
            }
            Answer::Exported(Ok(text)) => {
                self.exported = self.exporting.take();
                ctx.ok(text.lines().next().unwrap_or_default().to_string());
                self.phase = Some(Phase::Done {
                    ok: true,
                    text,
                    scroll: 0,
                });
            }
            Answer::Exported(Err(ExportProblem::Exists(path))) => {
                let typed = self
                    .export
                    .as_ref()
                    .map(|f| f.file.text().trim().to_string());
                if let Some(f) = &mut self.export {
                    f.replace = typed;
                }
                self.failed(
                    false,
                    format!(
                        "{} exists: Enter again replaces it, or change the name",
                        path.display()
                    ),
                );
            }
            Answer::Exported(Err(ExportProblem::Failed(why))) => {
                self.failed(false, format!("Export failed: {why}"));
                ctx.error("Export failed: nothing was written");
            }
            Answer::Planned(Ok((text, empty))) => {
                if empty {
                    self.phase = Some(Phase::Done {
                        ok: true,
                        text: format!("Nothing to import: the store already has every session in the file (anything not imported is listed in the plan).\n\n{text}"),
                        scroll: 0,
                    });
                } else {
                    self.phase = Some(Phase::Plan {
                        file: expand(self.import_file.text()),
                        text,
                        scroll: 0,
                    });
                }
            }
            Answer::Planned(Err(why)) => {
                self.failed(true, format!("Cannot import: {why}"));
            }
            Answer::Imported(Ok(text)) => {
                ctx.ok(text.clone());
                self.phase = Some(Phase::Done {
                    ok: true,
                    text,
                    scroll: 0,
                });
                // What the store holds changed: the list, the codebook, the counts and the
                // search index are read again.
                ctx.effects.push(Request::Scan);
                ctx.effects.push(Request::LoadCodebook);
                ctx.effects.push(Request::CountCodings);
                ctx.effects.push(IndexRequest::Rebuild);
            }
            Answer::Imported(Err(why)) => {
                ctx.error("Import failed: nothing was written");
                self.phase = Some(Phase::Done {
                    ok: false,
                    text: format!("Import failed: {why}"),
                    scroll: 0,
                });
            }
        }
    }

    /// The index thread's answer to a query: the export goes on with those sessions.
    pub fn on_index(&mut self, resp: IndexResponse, ctx: &mut Ctx) {
        let IndexResponse::Matching { seq, result } = resp else {
            return;
        };
        if seq != self.seq {
            return;
        }
        let Some(mut job) = self.waiting_for_query.take() else {
            return;
        };
        match result {
            Ok(ids) => {
                if let Job::Export { only, .. } = &mut job {
                    *only = Some(ids);
                }
                self.send_export(job, ctx);
            }
            Err(SearchError::Query(e)) => {
                self.failed(false, format!("The query is not understood: {}", e.message));
            }
            Err(SearchError::Other(why)) => {
                self.failed(false, format!("The search index cannot answer: {why}"));
            }
        }
    }

    /// The progress line while working: "Reading sources: 1,200 of 10,000".
    pub fn progress_line(&self) -> Option<String> {
        let Some(Phase::Working { progress, .. }) = &self.phase else {
            return None;
        };
        let (stage, done, total) = (*progress)?;
        Some(format!("{}: {done} of {total}", stage.label()))
    }
}
