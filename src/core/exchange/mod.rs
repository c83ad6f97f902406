//! Exchange with other qualitative-analysis tools (NVivo, ATLAS.ti, MAXQDA, QualCoder, qc):
//! REFI-QDA projects (`.qdpx`: a zip of `project.qde` and `sources/`) and codebooks (`.qdc`),
//! in both directions. docs/exchange.md has the mapping field by field.
//!
//! One job per file: `model` (the QDA-XML elements), `guid` (stable identifiers), `xml_write`
//! and `xml_read`, `archive` (zip safety and atomic writing), `docx` (text of Word sources),
//! `offsets` (how a writer counted positions), `codebook_map` (themes ⇄ codes), `error` (why an exchange failed),
//! `progress` (how far a long exchange has come), `export`
//! (store → model), `plan` (model → what an import adds) and `apply` (writing it, all or
//! nothing). This file opens the files to import.

pub mod apply;
pub mod archive;
pub mod codebook_map;
pub mod docx;
pub mod error;
pub mod export;
pub mod guid;
pub mod model;
pub mod offsets;
pub mod plan;
pub mod progress;
pub mod xml_read;
pub mod xml_write;

pub use error::ExchangeError;
pub use progress::{Progress, Stage};

use archive::{Archive, ArchiveProblem, Limits};
use plan::{Fetch, SourceFiles};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use xml_read::Parsed;

/// The kinds of file Ripple exchanges, by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// `.qdpx`: a project archive.
    Project,
    /// `.qde`: a project's XML alone (no sources).
    ProjectXml,
    /// `.qdc`: a codebook.
    Codebook,
}

impl FileKind {
    pub fn of(path: &Path) -> Option<FileKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "qdpx" => Some(FileKind::Project),
            "qde" => Some(FileKind::ProjectXml),
            "qdc" => Some(FileKind::Codebook),
            _ => None,
        }
    }
}

/// A file to import, opened and parsed; a project archive's sources are read on demand.
pub struct Package {
    pub file: PathBuf,
    pub kind: FileKind,
    pub parsed: Parsed,
    archive: Option<Archive<File>>,
}

fn utf8(file: &Path, entry: &str, bytes: Vec<u8>) -> Result<String, ExchangeError> {
    String::from_utf8(bytes).map_err(|e| {
        let ok = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        ExchangeError::Malformed {
            file: file.to_path_buf(),
            entry: entry.to_string(),
            line: 1 + bytes[..ok].iter().filter(|&&b| b == b'\n').count(),
            column: 1,
            message: "not UTF-8 text (REFI-QDA files are UTF-8)".into(),
        }
    })
}

fn parse_xml(file: &Path, entry: &str, text: &str) -> Result<Parsed, ExchangeError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    xml_read::parse(text).map_err(|p| {
        if p.refused {
            ExchangeError::Refused {
                file: file.to_path_buf(),
                reason: format!("{entry}:{}: {}", p.line, p.message),
            }
        } else {
            ExchangeError::Malformed {
                file: file.to_path_buf(),
                entry: entry.to_string(),
                line: p.line,
                column: p.column,
                message: p.message,
            }
        }
    })
}

fn archive_error(file: &Path, p: ArchiveProblem) -> ExchangeError {
    match p {
        ArchiveProblem::Refused(reason) => ExchangeError::Refused {
            file: file.to_path_buf(),
            reason,
        },
        ArchiveProblem::Damaged(message) => ExchangeError::Unreadable {
            file: file.to_path_buf(),
            message,
        },
    }
}

impl Package {
    /// Open and parse a `.qdpx`, `.qde` or `.qdc` with the default limits.
    pub fn open(path: &Path) -> Result<Package, ExchangeError> {
        Package::open_with(path, Limits::default())
    }

    pub fn open_with(path: &Path, limits: Limits) -> Result<Package, ExchangeError> {
        let unreadable = |message: String| ExchangeError::Unreadable {
            file: path.to_path_buf(),
            message,
        };
        let kind = FileKind::of(path).ok_or_else(|| {
            unreadable("not a REFI-QDA file: the name must end in .qdpx, .qdc or .qde".into())
        })?;
        let file = File::open(path).map_err(|e| unreadable(format!("cannot open: {e}")))?;
        let meta = file
            .metadata()
            .map_err(|e| unreadable(format!("cannot read: {e}")))?;
        if !meta.is_file() {
            return Err(unreadable("not a regular file".into()));
        }
        let entry_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match kind {
            FileKind::Project => {
                let mut archive =
                    Archive::open(file, limits, 0).map_err(|p| archive_error(path, p))?;
                let entry = archive.find("project.qde").or_else(|| {
                    let qde: Vec<String> = archive
                        .entry_names()
                        .into_iter()
                        .filter(|n| !n.contains('/') && n.to_lowercase().ends_with(".qde"))
                        .collect();
                    (qde.len() == 1).then(|| qde[0].clone())
                });
                let Some(entry) = entry else {
                    return Err(unreadable(
                        "the archive has no project.qde: not a REFI-QDA project".into(),
                    ));
                };
                let bytes = archive
                    .read(&entry)
                    .map_err(|p| archive_error(path, p))?
                    .expect("found above");
                let text = utf8(path, &entry, bytes)?;
                let parsed = parse_xml(path, &entry, &text)?;
                if !matches!(parsed, Parsed::Project(_)) {
                    return Err(unreadable(format!(
                        "{entry} holds a codebook, not a project"
                    )));
                }
                Ok(Package {
                    file: path.to_path_buf(),
                    kind,
                    parsed,
                    archive: Some(archive),
                })
            }
            FileKind::ProjectXml | FileKind::Codebook => {
                if meta.len() > limits.entry_bytes {
                    return Err(ExchangeError::Refused {
                        file: path.to_path_buf(),
                        reason: format!(
                            "{} bytes, more than the {} Ripple reads",
                            meta.len(),
                            limits.entry_bytes
                        ),
                    });
                }
                let mut bytes = Vec::with_capacity(meta.len() as usize);
                file.take(limits.entry_bytes + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| unreadable(format!("cannot read: {e}")))?;
                let text = utf8(path, &entry_name, bytes)?;
                let parsed = parse_xml(path, &entry_name, &text)?;
                match (&parsed, kind) {
                    (Parsed::Project(_), FileKind::ProjectXml)
                    | (Parsed::Codebook(_), FileKind::Codebook) => {}
                    (Parsed::Project(_), _) => {
                        return Err(unreadable(
                            "it holds a project: name it .qde (or import the .qdpx)".into(),
                        ))
                    }
                    (Parsed::Codebook(_), _) => {
                        return Err(unreadable("it holds a codebook: name it .qdc".into()))
                    }
                }
                Ok(Package {
                    file: path.to_path_buf(),
                    kind,
                    parsed,
                    archive: None,
                })
            }
        }
    }

    /// The archive entry a source path names: `internal://x.txt` and a bare `x.txt` are
    /// `sources/x.txt`. Paths to files outside the archive are not followed.
    fn entry_for(&self, path: &str) -> Result<String, String> {
        let p = path.trim();
        let name = match p.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("internal") => rest,
            Some(_) => {
                return Err(format!(
                    "its text is a file outside the archive ({p}): Ripple reads only what the \
                     archive holds"
                ))
            }
            None => p,
        };
        let name = name.trim_start_matches('/');
        if self.archive.is_none() {
            return Err(format!(
                "a .qde file alone carries no source files ({p}): import the .qdpx archive"
            ));
        }
        Ok(name.to_string())
    }

    fn read_entry(&mut self, path: &str) -> Result<Result<Vec<u8>, Fetch>, ExchangeError> {
        let name = match self.entry_for(path) {
            Ok(n) => n,
            Err(why) => return Ok(Err(Fetch::Unreadable(why))),
        };
        let file = self.file.clone();
        let archive = self.archive.as_mut().expect("checked in entry_for");
        for candidate in [format!("sources/{name}"), name.clone()] {
            if let Some(bytes) = archive
                .read(&candidate)
                .map_err(|p| archive_error(&file, p))?
            {
                return Ok(Ok(bytes));
            }
        }
        Ok(Err(Fetch::Missing))
    }
}

impl SourceFiles for Package {
    fn plain(&mut self, path: &str) -> Result<Fetch, ExchangeError> {
        Ok(match self.read_entry(path)? {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => Fetch::Text(t.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(t)),
                Err(_) => Fetch::Unreadable(format!("{path} is not UTF-8 text")),
            },
            Err(f) => f,
        })
    }

    fn docx(&mut self, path: &str) -> Result<Fetch, ExchangeError> {
        let bytes = match self.read_entry(path)? {
            Ok(b) => b,
            Err(f) => return Ok(f),
        };
        let archive = self.archive.as_mut().expect("read above");
        match docx::docx_text(bytes, archive.limits(), archive.spent) {
            Ok((text, spent)) => {
                archive.spent += spent;
                Ok(Fetch::Text(text))
            }
            Err(docx::DocxProblem::Archive(ArchiveProblem::Refused(reason))) => {
                Err(ExchangeError::Refused {
                    file: self.file.clone(),
                    reason: format!("{path}: {reason}"),
                })
            }
            Err(e) => Ok(Fetch::Unreadable(format!(
                "{path} cannot be read as text: {e}"
            ))),
        }
    }
}

/// Plan importing an opened package into `target`.
pub fn plan(package: &mut Package, target: &plan::Target) -> Result<plan::Plan, ExchangeError> {
    plan_with(package, target, &mut |_, _, _| {})
}

/// `plan`, telling `progress` how many sources are read.
pub fn plan_with(
    package: &mut Package,
    target: &plan::Target,
    progress: Progress<'_>,
) -> Result<plan::Plan, ExchangeError> {
    match package.parsed.clone() {
        Parsed::Project(p) => plan::plan_project(&p, package, target, progress),
        Parsed::Codebook(c) => Ok(plan::plan_codebook(&c, target)),
    }
}
