//! Disk work off the UI thread. The UI sends `Request`s; one IO thread answers with `Response`s
//! on the same channel the input thread feeds, so the event loop waits on one queue and the UI
//! never blocks on the file system.

use crate::core::session::{Session, SessionId};
use crate::core::store::{FileStamp, Scan, Store};
use crossbeam_channel::{Receiver, Sender};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

#[derive(Debug)]
pub enum Request {
    Scan,
    Load(SessionId),
    /// Save a snapshot taken at editor version `version`.
    Save {
        session: Box<Session>,
        version: u64,
    },
    /// Keep unsaved text safe when a save failed or the store is read-only.
    WriteDraft(Box<Session>),
    ClearDraft(SessionId),
    /// Ask for the file's current stamp, to notice edits made outside Ripple.
    Stamp(SessionId),
}

// Answers are moved once each; boxing the loaded session would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Response {
    Scanned(Box<Scan>, Vec<SessionId>),
    Loaded {
        id: SessionId,
        result: Result<Loaded, String>,
    },
    Saved {
        id: SessionId,
        version: u64,
        result: Result<FileStamp, String>,
        /// Where the text was kept when the save failed.
        draft: Option<PathBuf>,
    },
    DraftWritten(Result<PathBuf, String>),
    Stamp {
        id: SessionId,
        stamp: Option<FileStamp>,
    },
}

#[derive(Debug)]
pub struct Loaded {
    pub session: Session,
    pub stamp: Option<FileStamp>,
    /// Unsaved text recovered from a draft newer than the file.
    pub draft: Option<(Session, SystemTime)>,
}

/// Start the IO thread. Responses are wrapped by `wrap` into the event loop's message type.
pub fn spawn<M: Send + 'static>(
    store: Arc<Store>,
    requests: Receiver<Request>,
    out: Sender<M>,
    wrap: fn(Response) -> M,
) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("ripple-io".into())
        .spawn(move || {
            for req in requests {
                let resp = handle(&store, req);
                if out.send(wrap(resp)).is_err() {
                    break;
                }
            }
        })
        .expect("spawn IO thread")
}

fn handle(store: &Store, req: Request) -> Response {
    match req {
        Request::Scan => {
            let scan = store.scan();
            let drafts = store.list_drafts();
            Response::Scanned(Box::new(scan), drafts)
        }
        Request::Load(id) => {
            let result = store
                .load(&id)
                .map(|session| {
                    let stamp = store.stamp(&id);
                    let draft = store
                        .read_draft(&id)
                        .filter(|(d, _)| d.text != session.text || d.meta != session.meta);
                    Loaded {
                        session,
                        stamp,
                        draft,
                    }
                })
                .or_else(|e| {
                    // A session that exists only as a draft (created, never saved) still opens.
                    match store.read_draft(&id) {
                        Some((d, t)) => Ok(Loaded {
                            session: d.clone(),
                            stamp: None,
                            draft: Some((d, t)),
                        }),
                        None => Err(e.to_string()),
                    }
                });
            Response::Loaded { id, result }
        }
        Request::Save { session, version } => {
            let id = session.meta.id.clone();
            match store.save(&session) {
                Ok(stamp) => {
                    let _ = store.clear_draft(&id);
                    Response::Saved {
                        id,
                        version,
                        result: Ok(stamp),
                        draft: None,
                    }
                }
                Err(e) => {
                    let draft = store.write_draft(&session).ok();
                    Response::Saved {
                        id,
                        version,
                        result: Err(e.to_string()),
                        draft,
                    }
                }
            }
        }
        Request::WriteDraft(session) => {
            Response::DraftWritten(store.write_draft(&session).map_err(|e| e.to_string()))
        }
        Request::ClearDraft(id) => {
            let _ = store.clear_draft(&id);
            Response::DraftWritten(Ok(PathBuf::new()))
        }
        Request::Stamp(id) => {
            let stamp = store.stamp(&id);
            Response::Stamp { id, stamp }
        }
    }
}
