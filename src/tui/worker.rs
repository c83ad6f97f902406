//! Disk work off the UI thread. The UI sends `Request`s; one IO thread answers with `Response`s
//! on the same channel the input thread feeds, so the event loop waits on one queue and the UI
//! never blocks on the file system.

use crate::core::agreement::consensus::Settlement;
use crate::core::codebook::{Codebook, ThemeRemap};
use crate::core::coding::CoderSessionFile;
use crate::core::session::{Session, SessionId};
use crate::core::store::{BaseCopy, FileStamp, Scan, Store, Template, Trashed};
use crate::core::workspace::agreement::{AgreementAsk, AgreementView};
use crate::core::workspace::between::{CarryOver, FollowUpFilter, FollowUpItem, NewSession};
use crate::core::workspace::codings::{Codings, CodingsSaved};
use crate::core::workspace::error::WorkspaceError;
use crate::core::workspace::notes::Saved;
pub use crate::core::workspace::notes::{Loaded, Recovered};
use crate::core::workspace::Workspace;
use crossbeam_channel::{Receiver, Sender};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug)]
pub enum Request {
    Scan,
    Load(SessionId),
    /// Save a snapshot taken at editor version `version`.
    Save {
        session: Box<Session>,
        version: u64,
        /// The file's stamp when Ripple last read or wrote it. If the file on disk no longer
        /// has it, someone else changed the file: the save is refused (and our text kept in a
        /// draft) instead of overwriting their change. None writes regardless.
        expected: Option<FileStamp>,
        /// The file the text was made from (None: no file yet), recorded in the draft that
        /// keeps the text if the save fails.
        base: Option<BaseCopy>,
    },
    /// Keep unsaved text safe: typing not yet saved, a failed save, a read-only store.
    WriteDraft(Box<DraftOf>),
    ClearDraft(SessionId),
    /// The user chose the file over the recovered text: move the drafts to the trash.
    DiscardRecovery(SessionId),
    /// Ask for the file's current stamp, to notice edits made outside Ripple.
    Stamp(SessionId),
    /// Read the store's codebook.
    LoadCodebook,
    /// Write your coder file of one session (coding version `version` of the open note). Only
    /// your own file is ever written: other coders' codings that your typing moved are moved
    /// on screen only (they are found again from their words whenever read), so coders
    /// sharing a store never write each other's files. If the file cannot be written, its
    /// content is kept in a coding draft.
    SaveCodings {
        id: SessionId,
        file: Box<CoderSessionFile>,
        version: u64,
        /// The file holds what its coding draft (if any) kept, so a successful write removes
        /// the draft and a failed one replaces it. False while a draft from an earlier run
        /// waits to be restored: it is then kept, and added to on a failure.
        holds_draft: bool,
    },
    /// Keep one coder's unsaved codings in a coding draft (leaving although a save failed).
    WriteCodingDraft {
        file: Box<CoderSessionFile>,
        holds_draft: bool,
    },
    /// Write the coder's kept coding draft back into their file, then re-read every coder's
    /// codings re-attached to `text` (the open note's text).
    RestoreCodingDraft {
        id: SessionId,
        coder: String,
        text: String,
    },
    /// Count coded passages per theme over every coder file.
    CountCodings,
    /// Size and time of every coder's file for the session (to notice files changed outside).
    CodingStamp(SessionId),
    /// Every coder's codings for the session, re-attached to `text` (the open note's text).
    LoadCodings {
        id: SessionId,
        text: String,
    },
    /// Write an edited codebook. `remap` moves passages first (merge, delete with
    /// reassignment); `require_unused` refuses when that theme still codes passages.
    SaveCodebook {
        codebook: Box<Codebook>,
        remap: Option<ThemeRemap>,
        require_unused: Option<String>,
        done: String,
    },
    /// Compare coders (`ask`): the figures, and the open disagreements when `disagreements`.
    /// `seq` tells the answer to the latest question from older ones.
    Agreement {
        seq: u64,
        ask: Box<AgreementAsk>,
        disagreements: bool,
    },
    /// Settle the open disagreement `key` of `ask` into the consensus coder, taking the
    /// codings of the coders in `accept` (none: neither); then compare again.
    Settle {
        seq: u64,
        ask: Box<AgreementAsk>,
        key: String,
        accept: Vec<String>,
    },
    /// The session's done mark of this coder: set it (`Some`) or only read it (`None`).
    DoneMark {
        id: SessionId,
        set: Option<bool>,
    },
    /// The store is read-only because another Ripple holds the writer lock: take it if that
    /// one has let go (`Store::try_take_over`; it does not wait).
    TakeOver,
    /// Write the names and blind coding into the user's config file at `path` (its other
    /// settings kept; a file that cannot be read is not written over), and, with `set_coder`,
    /// record codings under `coder` from now on.
    SaveConfig {
        path: std::path::PathBuf,
        facilitator: String,
        coder: String,
        blind: bool,
        set_coder: bool,
    },
    /// Add a word to the store's word list (`words.txt`).
    AddWord(String),
    /// Between sessions (`core::workspace::between`): the templates to start from.
    Templates,
    /// A new session (not saved) for `facilitator`, from `template` and, with `like`, the
    /// last session with that session's agencies (its open follow-ups carried over).
    NewSession {
        facilitator: String,
        template: Option<Box<Template>>,
        like: Option<SessionId>,
    },
    /// What session `id`, dated `date`, may carry over now that it names `agencies`: the
    /// latest other session with them up to that date and its open follow-ups.
    CarryOver {
        id: SessionId,
        agencies: Vec<String>,
        date: chrono::NaiveDate,
    },
    /// Keep the carried marks in `from`'s note in step with `into` (just saved): `pending`
    /// items it holds are marked, `marked` ones it no longer holds opened again
    /// (`Workspace::sync_carried`).
    SyncCarried {
        from: SessionId,
        into: SessionId,
        pending: Vec<crate::core::followups::FollowUp>,
        marked: Vec<crate::core::followups::FollowUp>,
    },
    /// Move a session (and its codings) to the trash.
    Delete(SessionId),
    /// Copy a session under a new id.
    Duplicate(SessionId),
    /// The deleted sessions.
    Trash,
    /// Put a deleted session back.
    Restore(Box<Trashed>),
    /// Every follow-up (done ones too when `all`).
    FollowUps {
        all: bool,
    },
    /// Tick or untick the follow-up at `line` of `id`, if the line still reads `raw`.
    ToggleFollowUp {
        id: SessionId,
        line: usize,
        raw: String,
        all: bool,
    },
    /// Share sessions to a file (`core::share`): the open note as shown (`note`), else the
    /// sessions `ids` read from the store. Exports stay out of the store and `index_dir`.
    Share(Box<ShareRequest>),
    /// A REFI-QDA export or import (`tui::exchange::job`); answered with progress as it goes.
    Exchange(Box<crate::tui::exchange::job::Job>),
    /// The analysis screen's question, over the corpus it has read (None: read it first).
    Analysis {
        corpus: Option<Arc<crate::core::analysis::Corpus>>,
        ask: Box<crate::tui::analysis::compute::Ask>,
        /// Which read of the store the question belongs to (the screen's count of reads):
        /// answers to an earlier one are dropped.
        read: u64,
    },
}

/// A share to write.
#[derive(Debug)]
pub struct ShareRequest {
    pub ids: Vec<SessionId>,
    pub note: Option<Session>,
    pub path: PathBuf,
    pub format: crate::core::share::ShareFormat,
    pub deidentify: bool,
    pub replace: bool,
    pub index_dir: Option<PathBuf>,
}

/// A recovery draft to write: the text, and the file it was made from (None: no file yet).
#[derive(Debug)]
pub struct DraftOf {
    pub session: Session,
    pub base: Option<BaseCopy>,
}

// Answers are moved once into the event loop; boxing the large ones would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Response {
    /// `Request::SaveConfig`: the file written, or why not.
    ConfigSaved(Result<std::path::PathBuf, String>),
    /// `Request::TakeOver`: whether this Ripple now writes the store.
    TookOver(Result<bool, String>),
    /// The scan, sessions with text drafts, and sessions with coding drafts.
    Scanned(Box<Scan>, Vec<SessionId>, Vec<SessionId>),
    Loaded {
        id: SessionId,
        result: Result<Loaded, WorkspaceError>,
    },
    Saved {
        id: SessionId,
        version: u64,
        /// The file's stamp and content as written.
        result: Result<(FileStamp, BaseCopy), WorkspaceError>,
        /// Where the text was kept when the save failed.
        draft: Option<PathBuf>,
    },
    /// A save was refused because the file changed on disk since Ripple last read or wrote it.
    SaveConflict {
        id: SessionId,
        version: u64,
        /// Where our text was kept.
        draft: Option<PathBuf>,
    },
    DraftWritten(Result<PathBuf, WorkspaceError>),
    /// The recovered text was moved to this trash folder (None: there was none), or why not.
    RecoveryDiscarded {
        id: SessionId,
        result: Result<Option<PathBuf>, WorkspaceError>,
    },
    Stamp {
        id: SessionId,
        stamp: Option<FileStamp>,
    },
    /// The codebook, or its problems (`file:line: reason`) when it is invalid.
    Codebook(Result<Codebook, Vec<String>>),
    CodingsSaved {
        id: SessionId,
        version: u64,
        result: Result<(), WorkspaceError>,
        /// The coder files' stamps right after writing.
        stamp: Vec<(PathBuf, Option<FileStamp>)>,
        /// Where the owner's codings were kept when their file could not be written (Err: the
        /// draft could not be written either).
        draft: Option<Result<PathBuf, WorkspaceError>>,
    },
    /// A coding draft was written back into its coder file (the message to show) or why not,
    /// and every coder's codings as they are now.
    CodingDraftRestored {
        id: SessionId,
        result: Result<String, WorkspaceError>,
        files: Vec<CoderSessionFile>,
        problems: Vec<String>,
        stamp: Vec<(PathBuf, Option<FileStamp>)>,
    },
    /// Passages per theme key, and files that could not be read.
    CodingCounts(crate::core::workspace::codings::PassageCounts, Vec<String>),
    CodingStamp {
        id: SessionId,
        stamp: Vec<(PathBuf, Option<FileStamp>)>,
    },
    CodingsLoaded {
        id: SessionId,
        files: Vec<CoderSessionFile>,
        problems: Vec<String>,
        stamp: Vec<(PathBuf, Option<FileStamp>)>,
    },
    /// Codebook written (the message to show) or why not.
    CodebookSaved {
        codebook: Box<Codebook>,
        result: Result<String, WorkspaceError>,
    },
    /// The comparison asked for (seq), or why it could not be made.
    Agreement {
        seq: u64,
        result: Result<Box<AgreementView>, String>,
    },
    /// A disagreement settled (what was copied, and the comparison after it), or why not.
    Settled {
        seq: u64,
        accept: Vec<String>,
        result: Result<(Settlement, Box<AgreementView>), String>,
    },
    /// Whether the session is marked done now (`set`: after setting it), or why not known.
    DoneMark {
        id: SessionId,
        set: Option<bool>,
        result: Result<bool, String>,
    },
    /// The spell checker, loaded on its own thread (`tui::spell`).
    Spelling(Box<crate::tui::spell::SpellLoaded>),
    /// A word was added to the store's word list (or could not be).
    WordAdded {
        word: String,
        result: Result<(), String>,
    },
    /// A share written (the file, how many sessions) or why not.
    Shared(Result<(PathBuf, usize), crate::core::share::WriteError>),
    /// The templates, and the files that could not be read.
    Templates(Vec<Template>, Vec<String>),
    NewSession(Result<Box<NewSession>, WorkspaceError>),
    /// `Request::CarryOver`'s answer, with the agencies asked about.
    CarryOver {
        id: SessionId,
        agencies: Vec<String>,
        result: Result<Option<Box<CarryOver>>, WorkspaceError>,
    },
    /// `Request::SyncCarried`'s answer, with the sessions asked about.
    SyncedCarried {
        from: SessionId,
        into: SessionId,
        result: Result<crate::core::workspace::between::CarriedSynced, WorkspaceError>,
    },
    Deleted {
        id: SessionId,
        title: String,
        result: Result<crate::core::workspace::between::Deleted, WorkspaceError>,
    },
    Duplicated(Result<Box<Session>, WorkspaceError>),
    Trash(Vec<Trashed>),
    Restored(Result<SessionId, WorkspaceError>),
    /// The follow-ups, and the files that could not be read.
    FollowUps(Vec<FollowUpItem>, Vec<String>),
    /// A follow-up ticked (`Ok(done)`) or why not, and the follow-ups as they are now.
    FollowUpToggled {
        id: SessionId,
        result: Result<bool, WorkspaceError>,
        items: Vec<FollowUpItem>,
    },
    /// How an export or import is going, and how it went.
    Exchange(crate::tui::exchange::job::Answer),
    /// An analysis answered (with the corpus it was computed over, to keep), or why not.
    Analysis {
        corpus: Option<Arc<crate::core::analysis::Corpus>>,
        ask: Box<crate::tui::analysis::compute::Ask>,
        result: Result<Box<crate::tui::analysis::compute::Analysed>, String>,
        read: u64,
    },
}

/// Start the IO thread, which works for `coder` (the one coder whose codings files it writes,
/// besides an explicit codebook change), who codes `blind` or not. Responses are wrapped by
/// `wrap` into the event loop's message type.
pub fn spawn<M: Send + 'static>(
    store: Arc<Store>,
    coder: String,
    blind: bool,
    requests: Receiver<Request>,
    out: Sender<M>,
    wrap: fn(Response) -> M,
) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("ripple-io".into())
        .spawn(move || {
            let mut ws = Workspace::new(&store, &coder);
            ws.set_blind(blind);
            for req in requests {
                let resp = match req {
                    // Long work: its progress goes out as it comes.
                    Request::Exchange(job) => {
                        let send = |a| {
                            let _ = out.send(wrap(Response::Exchange(a)));
                        };
                        Response::Exchange(crate::tui::exchange::job::run(ws.store(), *job, &send))
                    }
                    req => handle(&mut ws, req),
                };
                if out.send(wrap(resp)).is_err() {
                    break;
                }
            }
        })
        .expect("spawn IO thread")
}

/// Write a share: the sessions read (or the note as shown), then `core::share::write_file`.
fn share(
    ws: &Workspace,
    r: ShareRequest,
) -> Result<(PathBuf, usize), crate::core::share::WriteError> {
    use crate::core::export_target::ExportRules;
    use crate::core::share::{write_file, WriteError};
    let store = ws.store();
    // Without an index folder to keep out of, the store alone is protected.
    let rules =
        ExportRules::for_store(store.root(), r.index_dir.as_deref().unwrap_or(store.root()));
    let mut sessions = Vec::new();
    if let Some(n) = r.note {
        sessions.push(n);
    }
    for id in &r.ids {
        sessions.push(
            store
                .load(id)
                .map_err(|e| WriteError::Failed(e.to_string()))?,
        );
    }
    let n = sessions.len();
    let file = write_file(
        &rules,
        store.root(),
        &sessions,
        &r.path,
        r.format,
        r.deidentify,
        r.replace,
    )?;
    Ok((file, n))
}

/// Answer one request (on the IO thread; on the UI thread only when that thread has died):
/// one workspace call, its result said as a `Response`.
pub(crate) fn handle(ws: &mut Workspace, req: Request) -> Response {
    match req {
        Request::Share(r) => Response::Shared(share(ws, *r)),
        Request::Scan => {
            let l = ws.list();
            Response::Scanned(Box::new(l.scan), l.drafts, l.coding_drafts)
        }
        Request::Load(id) => Response::Loaded {
            result: ws.open(&id),
            id,
        },
        Request::Save {
            session,
            version,
            expected,
            base,
        } => {
            let id = session.meta.id.clone();
            match ws.save(&session, expected, base) {
                Saved::Conflict { draft } => Response::SaveConflict { id, version, draft },
                Saved::Written(stamp, written) => Response::Saved {
                    id,
                    version,
                    result: Ok((stamp, written)),
                    draft: None,
                },
                Saved::Failed { error, draft } => Response::Saved {
                    id,
                    version,
                    result: Err(error),
                    draft,
                },
            }
        }
        Request::WriteDraft(d) => Response::DraftWritten(ws.write_draft(&d.session, d.base)),
        Request::DiscardRecovery(id) => Response::RecoveryDiscarded {
            result: ws.discard_recovery(&id),
            id,
        },
        Request::ClearDraft(id) => {
            ws.clear_draft(&id);
            Response::DraftWritten(Ok(PathBuf::new()))
        }
        Request::Stamp(id) => Response::Stamp {
            stamp: ws.stamp(&id),
            id,
        },
        Request::LoadCodebook => Response::Codebook(ws.codebook()),
        Request::SaveConfig {
            path,
            facilitator,
            coder,
            blind,
            set_coder,
        } => {
            if set_coder {
                let keep_blind = ws.blind();
                *ws = Workspace::new(ws.store(), &coder);
                ws.set_blind(keep_blind);
            }
            let saved = crate::core::settings::UserConfig::load(&path)
                .map_err(|e| e.to_string())
                .and_then(|mut c| {
                    c.facilitator = facilitator;
                    c.coder = coder;
                    c.blind = blind;
                    c.save(&path).map_err(|e| format!("{e:#}"))
                })
                .map(|()| path);
            Response::ConfigSaved(saved)
        }
        Request::TakeOver => {
            Response::TookOver(ws.store().try_take_over().map_err(|e| e.to_string()))
        }
        Request::SaveCodings {
            id,
            file,
            version,
            holds_draft,
        } => {
            let CodingsSaved {
                result,
                draft,
                stamp,
            } = ws.save_codings(&file, holds_draft);
            Response::CodingsSaved {
                id,
                version,
                result,
                stamp,
                draft,
            }
        }
        Request::WriteCodingDraft { file, holds_draft } => {
            Response::DraftWritten(ws.keep_codings(&file, holds_draft))
        }
        Request::RestoreCodingDraft { id, coder, text } => {
            let result = ws.restore_coding_draft(&coder, &id).map(|r| {
                let kept = if r.from_file > 0 {
                    format!(", with {} already in the file", r.from_file)
                } else {
                    String::new()
                };
                format!(
                    "Restored {} coding(s) from {}{kept}",
                    r.codings,
                    r.draft.display()
                )
            });
            let Codings {
                files,
                problems,
                stamp,
            } = ws.codings(&id, &text);
            Response::CodingDraftRestored {
                id,
                result,
                files,
                problems,
                stamp,
            }
        }
        Request::CodingStamp(id) => Response::CodingStamp {
            stamp: ws.coding_stamp(&id),
            id,
        },
        Request::LoadCodings { id, text } => {
            let Codings {
                files,
                problems,
                stamp,
            } = ws.codings(&id, &text);
            Response::CodingsLoaded {
                id,
                files,
                problems,
                stamp,
            }
        }
        Request::CountCodings => {
            let (counts, errors) = ws.count_codings();
            Response::CodingCounts(counts, errors.iter().map(|e| e.to_string()).collect())
        }
        Request::SaveCodebook {
            codebook,
            remap,
            require_unused,
            done,
        } => {
            let result = ws.save_codebook(&codebook, remap.as_ref(), require_unused.as_deref());
            Response::CodebookSaved {
                codebook,
                result: result.map(|moved| {
                    if moved > 0 {
                        format!("{done}; {moved} passage(s) moved")
                    } else {
                        done
                    }
                }),
            }
        }
        Request::Agreement {
            seq,
            ask,
            disagreements,
        } => Response::Agreement {
            seq,
            result: ws.agreement(&ask, disagreements).map(Box::new),
        },
        Request::Settle {
            seq,
            ask,
            key,
            accept,
        } => Response::Settled {
            seq,
            result: ws
                .settle(&ask, &key, &accept)
                .map(|(done, view)| (done, Box::new(view))),
            accept,
        },
        Request::AddWord(word) => {
            let store = ws.store();
            let result = match store.read_only_reason() {
                Some(why) => Err(format!("read-only: {why}")),
                None => {
                    crate::core::spell::add_word(store.root(), &word).map_err(|e| e.to_string())
                }
            };
            Response::WordAdded { word, result }
        }
        Request::DoneMark { id, set } => Response::DoneMark {
            result: ws.done_mark(&id, set),
            id,
            set,
        },
        Request::Templates => {
            let (all, problems) = ws.store().templates();
            Response::Templates(all, problems)
        }
        Request::NewSession {
            facilitator,
            template,
            like,
        } => Response::NewSession(
            ws.new_session(&facilitator, template.as_deref(), like.as_ref())
                .map(Box::new),
        ),
        Request::CarryOver { id, agencies, date } => Response::CarryOver {
            result: ws.carry_over(&agencies, date, &id).map(|c| c.map(Box::new)),
            id,
            agencies,
        },
        Request::SyncCarried {
            from,
            into,
            pending,
            marked,
        } => Response::SyncedCarried {
            result: ws.sync_carried(&from, &into, &pending, &marked, chrono::Utc::now()),
            from,
            into,
        },
        Request::Delete(id) => Response::Deleted {
            title: ws
                .store()
                .load(&id)
                .map(|s| s.meta.title)
                .unwrap_or_default(),
            result: ws.delete(&id),
            id,
        },
        Request::Duplicate(id) => {
            Response::Duplicated(ws.duplicate(&id, chrono::Utc::now()).map(Box::new))
        }
        Request::Trash => Response::Trash(ws.trash()),
        Request::Restore(t) => Response::Restored(ws.restore(&t)),
        Request::FollowUps { all } => {
            let (items, problems) = ws.followups(&FollowUpFilter {
                all,
                ..FollowUpFilter::default()
            });
            Response::FollowUps(items, problems)
        }
        Request::ToggleFollowUp { id, line, raw, all } => {
            let result = ws
                .toggle_followup(&id, line, &raw, chrono::Utc::now())
                .map(|s| {
                    crate::core::followups::parse(&s.text)
                        .iter()
                        .any(|f| f.line == line && f.is_done())
                });
            let (items, _) = ws.followups(&FollowUpFilter {
                all,
                ..FollowUpFilter::default()
            });
            Response::FollowUpToggled { id, result, items }
        }
        Request::Exchange(job) => {
            Response::Exchange(crate::tui::exchange::job::run(ws.store(), *job, &|_| {}))
        }
        Request::Analysis { corpus, ask, read } => {
            let (corpus, result) = crate::tui::analysis::compute::answer(ws, corpus, &ask);
            Response::Analysis {
                corpus,
                ask,
                result: result.map(Box::new),
                read,
            }
        }
    }
}
