//! The search-index thread. It owns the workspace's index (`core::workspace::index`), which
//! opens it, brings it up to date or rebuilds it from the store, re-indexes each session after
//! it is saved, answers searches and evidence gathering, and writes evidence exports; this
//! thread turns each request into one of its calls and reports progress. The UI thread only
//! sends requests and receives answers, so it never waits on the index.
//!
//! Searches supersede each other: the thread drains its queue before each piece of work and
//! answers only the newest search (and the newest evidence request); re-indexing and exports
//! are never dropped.
//!
//! A damaged index (an error or a panic while reading it) is answered with an error naming the
//! damage, then set aside and rebuilt: every request gets an answer, so the UI never waits
//! forever.

use crate::core::codebook::Theme;
use crate::core::evidence::{EvidenceItem, EvidenceSort};
use crate::core::export_target::ExportError;
use crate::core::index::{panic_message, IndexError, Results};
use crate::core::query::QueryError;
use crate::core::session::SessionId;
use crate::core::store::Store;
use crate::core::workspace::error::WorkspaceError;
use crate::core::workspace::index::{ExportFailure, IndexEvent, IndexWorkspace};
use crossbeam_channel::{Receiver, Sender};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many hits of each kind a search loads at first, and how many more each time the
/// selection reaches the last one loaded.
pub const SEARCH_PAGE: usize = 100;
/// A read-only index is reopened at most this often, to see the writer's commits.
const READ_ONLY_REFRESH: Duration = Duration::from_secs(2);

#[derive(Debug)]
pub enum IndexRequest {
    /// Search both passages and sessions, the best `limit` hits of each (confined to a cell's
    /// sessions, `Within::groups`, when given). `seq` grows with every
    /// request the UI sends.
    Search {
        seq: u64,
        query: String,
        limit: usize,
        within: Option<Vec<Vec<String>>>,
    },
    /// A session or its codings were saved: index it (with its codings) and commit.
    Reindex(SessionId),
    /// The codebook changed: read it again and rebuild the whole index (in the background,
    /// with progress).
    Rebuild,
    /// Every coded passage matching the query and/or theme (confined to a cell's sessions,
    /// `Within::groups`, when given).
    Evidence {
        seq: u64,
        query: String,
        theme: Option<String>,
        sort: EvidenceSort,
        within: Option<Vec<Vec<String>>>,
    },
    /// Tests only: panic while handling (a stand-in for tantivy failing on a damaged file).
    #[cfg(test)]
    Panic,
    /// Write these passages to `path`, in the format its name asks for (`.csv`, `.json`,
    /// Markdown otherwise); an existing file only when `replace`; de-identified (names left
    /// out, the store's `deidentify` terms redacted) when `deidentify`.
    Export {
        items: Vec<EvidenceItem>,
        path: PathBuf,
        replace: bool,
        deidentify: bool,
    },
    /// The sessions `query` matches (a REFI-QDA export of those only).
    Matching { seq: u64, query: String },
}

impl IndexRequest {
    fn supersedable(&self) -> Option<u8> {
        match self {
            IndexRequest::Search { .. } => Some(0),
            IndexRequest::Evidence { .. } => Some(1),
            _ => None,
        }
    }
}

/// Keep only the newest search and the newest evidence request; keep everything else, in order.
/// Re-indexing goes first so that the search answered next sees the saved text; a session is
/// re-indexed once however often it was saved meanwhile (it is read from disk when indexed).
pub fn coalesce(queue: Vec<IndexRequest>) -> Vec<IndexRequest> {
    let mut last: HashMap<u8, usize> = HashMap::new();
    for (i, r) in queue.iter().enumerate() {
        if let Some(k) = r.supersedable() {
            last.insert(k, i);
        }
    }
    let mut reindex = Vec::new();
    let mut rest = Vec::new();
    for (i, r) in queue.into_iter().enumerate() {
        match r.supersedable() {
            Some(k) if last.get(&k) != Some(&i) => {}
            _ if matches!(r, IndexRequest::Reindex(_) | IndexRequest::Rebuild) => {
                let seen = reindex.iter().any(|q| match (q, &r) {
                    (IndexRequest::Reindex(a), IndexRequest::Reindex(b)) => a == b,
                    (IndexRequest::Rebuild, IndexRequest::Rebuild) => true,
                    _ => false,
                });
                if !seen {
                    reindex.push(r);
                }
            }
            _ => rest.push(r),
        }
    }
    reindex.extend(rest);
    reindex
}

/// What the index is doing, for the status line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexState {
    Opening,
    Rebuilding { done: usize, total: usize },
    Ready { read_only: bool },
    Unavailable(String),
}

/// Why a search gave no results.
#[derive(Clone, Debug, PartialEq)]
pub enum SearchError {
    /// The query itself is wrong (offsets in chars of the query).
    Query(QueryError),
    Other(String),
}

#[derive(Debug)]
pub enum IndexResponse {
    State(IndexState),
    /// The store's codebook themes (for theme chips and the evidence theme picker).
    Themes(Vec<Theme>),
    Searched {
        seq: u64,
        query: String,
        result: Result<Box<(Results, Results)>, SearchError>,
    },
    Reindexed {
        id: SessionId,
        result: Result<(), WorkspaceError>,
    },
    Evidence {
        seq: u64,
        result: Result<Vec<EvidenceItem>, SearchError>,
    },
    /// The sessions a `Matching` query matches, or why they are not known.
    Matching {
        seq: u64,
        result: Result<Vec<SessionId>, SearchError>,
    },
    Exported {
        /// As asked for, and in full.
        path: PathBuf,
        full: PathBuf,
        count: usize,
        deidentified: bool,
        /// `Err(None)`: the file exists and was left alone (ask before replacing it).
        result: Result<(), Option<ExportFailure>>,
    },
}

struct Worker<'s> {
    ix: IndexWorkspace<'s>,
    /// When the read-only index was last reopened.
    opened_at: Instant,
    /// A state change noticed while handling a request, to report after its answer.
    state_changed: Option<IndexState>,
    /// The index was found damaged while answering: rebuild it after the answer is sent.
    damaged: Option<String>,
}

/// What to answer for a request whose handling panicked, so the UI never waits forever.
enum Failure {
    Search {
        seq: u64,
        query: String,
    },
    Evidence {
        seq: u64,
    },
    Matching {
        seq: u64,
    },
    Reindex(SessionId),
    Export {
        path: PathBuf,
        count: usize,
        deidentify: bool,
    },
    Rebuild,
}

impl Failure {
    fn of(req: &IndexRequest) -> Failure {
        match req {
            IndexRequest::Search { seq, query, .. } => Failure::Search {
                seq: *seq,
                query: query.clone(),
            },
            IndexRequest::Evidence { seq, .. } => Failure::Evidence { seq: *seq },
            IndexRequest::Matching { seq, .. } => Failure::Matching { seq: *seq },
            IndexRequest::Reindex(id) => Failure::Reindex(id.clone()),
            IndexRequest::Export {
                path,
                items,
                deidentify,
                ..
            } => Failure::Export {
                path: path.clone(),
                count: items.len(),
                deidentify: *deidentify,
            },
            IndexRequest::Rebuild => Failure::Rebuild,
            #[cfg(test)]
            IndexRequest::Panic => Failure::Rebuild,
        }
    }

    fn answer(self, why: &str) -> IndexResponse {
        let other = || SearchError::Other(why.to_string());
        match self {
            Failure::Search { seq, query } => IndexResponse::Searched {
                seq,
                query,
                result: Err(other()),
            },
            Failure::Evidence { seq } => IndexResponse::Evidence {
                seq,
                result: Err(other()),
            },
            Failure::Matching { seq } => IndexResponse::Matching {
                seq,
                result: Err(other()),
            },
            Failure::Reindex(id) => IndexResponse::Reindexed {
                id,
                result: Err(why.into()),
            },
            Failure::Export {
                path,
                count,
                deidentify,
            } => IndexResponse::Exported {
                full: path.clone(),
                path,
                count,
                deidentified: deidentify,
                result: Err(Some(ExportFailure::Failed(why.to_string()))),
            },
            Failure::Rebuild => IndexResponse::State(IndexState::Unavailable(why.to_string())),
        }
    }
}

/// Start the index thread. Answers are wrapped by `wrap` into the event loop's message type.
///
/// A panic while handling a request (tantivy reading a damaged file that passed its checks)
/// does not end the thread: the request gets an error answer, and the index is set aside and
/// rebuilt from the store.
pub fn spawn<M: Send + 'static>(
    store: Arc<Store>,
    dir: PathBuf,
    viewer: Option<String>,
    requests: Receiver<IndexRequest>,
    out: Sender<M>,
    wrap: fn(IndexResponse) -> M,
) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("ripple-index".into())
        .spawn(move || {
            let send = |r: IndexResponse| out.send(wrap(r)).is_ok();
            let ix = IndexWorkspace::new(&store, &dir).only_for(viewer);
            send(IndexResponse::Themes(ix.codebook().themes.clone()));
            let mut w = Worker {
                ix,
                opened_at: Instant::now(),
                state_changed: None,
                damaged: None,
            };
            let state = match catch_unwind(AssertUnwindSafe(|| w.open(&send))) {
                Ok(state) => state,
                Err(panic) => w.recover(&send, &panic_message(&panic)),
            };
            if !send(IndexResponse::State(state)) {
                return;
            }
            while let Ok(first) = requests.recv() {
                let mut queue = vec![first];
                queue.extend(requests.try_iter());
                let mut queue = coalesce(queue);
                while !queue.is_empty() {
                    let req = queue.remove(0);
                    let failure = Failure::of(&req);
                    let resp = match catch_unwind(AssertUnwindSafe(|| w.handle(req, &send))) {
                        Ok(resp) => resp,
                        Err(panic) => {
                            let why = panic_message(&panic);
                            w.damaged = Some(why.clone());
                            failure.answer(&format!("index damaged: rebuilding ({why})"))
                        }
                    };
                    if !send(resp) {
                        return;
                    }
                    if let Some(why) = w.damaged.take() {
                        let state = match catch_unwind(AssertUnwindSafe(|| w.recover(&send, &why)))
                        {
                            Ok(state) => state,
                            Err(panic) => IndexState::Unavailable(format!(
                                "rebuilding the damaged index failed: {}",
                                panic_message(&panic)
                            )),
                        };
                        w.state_changed = Some(state);
                    }
                    if let Some(state) = w.state_changed.take() {
                        send(IndexResponse::State(state));
                    }
                    // Newer requests may have arrived meanwhile: they can supersede queued ones.
                    let more: Vec<IndexRequest> = requests.try_iter().collect();
                    if !more.is_empty() {
                        queue.extend(more);
                        queue = coalesce(queue);
                    }
                }
            }
        })
        .expect("spawn index thread")
}

/// Index events said to the UI: themes, and rebuilding progress at most every 100 ms.
fn reporter(send: &dyn Fn(IndexResponse) -> bool) -> impl FnMut(IndexEvent) + '_ {
    let mut last: Option<Instant> = None;
    move |event| match event {
        IndexEvent::Themes(themes) => {
            send(IndexResponse::Themes(themes.to_vec()));
        }
        IndexEvent::Rebuilding { total, .. } => {
            send(IndexResponse::State(IndexState::Rebuilding {
                done: 0,
                total,
            }));
        }
        IndexEvent::Progress { done, total } => {
            if total > 0
                && (last.is_none_or(|l| l.elapsed() >= Duration::from_millis(100)) || done == total)
            {
                last = Some(Instant::now());
                send(IndexResponse::State(IndexState::Rebuilding { done, total }));
            }
        }
    }
}

/// The index's state after an operation that leaves it ready (`Ok(read_only)`) or not.
fn state(result: Result<bool, WorkspaceError>) -> IndexState {
    match result {
        Ok(read_only) => IndexState::Ready { read_only },
        Err(e) => IndexState::Unavailable(e.to_string()),
    }
}

impl Worker<'_> {
    fn open(&mut self, send: &dyn Fn(IndexResponse) -> bool) -> IndexState {
        send(IndexResponse::State(IndexState::Opening));
        let opened = self.ix.open(&mut reporter(send));
        if matches!(opened, Ok(true)) {
            self.opened_at = Instant::now();
        }
        state(opened)
    }

    fn recover(&mut self, send: &dyn Fn(IndexResponse) -> bool, why: &str) -> IndexState {
        state(self.ix.recover(why, &mut reporter(send)).map(|()| false))
    }

    /// A read-only index is reopened at most every `READ_ONLY_REFRESH`.
    fn refresh_read_only(&mut self) {
        if self.ix.reads_only() && self.opened_at.elapsed() >= READ_ONLY_REFRESH {
            if self.ix.refresh_read_only() {
                // The other instance has finished building the index: search works now.
                self.state_changed = Some(IndexState::Ready { read_only: true });
            }
            self.opened_at = Instant::now();
        }
    }

    /// A search or evidence error; a damaged index is rebuilt after the answer.
    fn search_error(&mut self, e: WorkspaceError) -> SearchError {
        if let Some(why) = e.damage() {
            self.damaged = Some(why.to_string());
        }
        match e {
            WorkspaceError::Index(IndexError::Query(e)) => SearchError::Query(e),
            e => SearchError::Other(e.to_string()),
        }
    }

    fn handle(&mut self, req: IndexRequest, send: &dyn Fn(IndexResponse) -> bool) -> IndexResponse {
        match req {
            #[cfg(test)]
            IndexRequest::Panic => panic!("a damaged file"),
            IndexRequest::Rebuild => {
                IndexResponse::State(state(self.ix.codebook_changed(&mut reporter(send))))
            }
            IndexRequest::Search {
                seq,
                query,
                limit,
                within,
            } => {
                self.refresh_read_only();
                let found = match &within {
                    Some(groups) => self.ix.search_within(&query, groups, limit),
                    None => self.ix.search(&query, limit),
                };
                let result = match found {
                    Ok(both) => Ok(Box::new(both)),
                    Err(e) => Err(self.search_error(e)),
                };
                IndexResponse::Searched { seq, query, result }
            }
            IndexRequest::Reindex(id) => {
                let result = match self.ix.reindex_after_save(&id) {
                    Ok(became_writable) => {
                        if became_writable {
                            self.state_changed = Some(IndexState::Ready { read_only: false });
                        }
                        Ok(())
                    }
                    Err(e) => {
                        if let Some(why) = e.damage() {
                            self.damaged = Some(why.to_string());
                        }
                        Err(e)
                    }
                };
                IndexResponse::Reindexed { id, result }
            }
            IndexRequest::Evidence {
                seq,
                query,
                theme,
                sort,
                within,
            } => {
                self.refresh_read_only();
                let result = self
                    .ix
                    .evidence(&query, theme, sort, within.as_deref())
                    .map_err(|e| self.search_error(e));
                IndexResponse::Evidence { seq, result }
            }
            IndexRequest::Matching { seq, query } => {
                self.refresh_read_only();
                let result = self
                    .ix
                    .matching_sessions(&query)
                    .map_err(|e| self.search_error(e));
                IndexResponse::Matching { seq, result }
            }
            IndexRequest::Export {
                items,
                path,
                replace,
                deidentify,
            } => {
                let count = items.len();
                let (full, result) = match self.ix.export(items, &path, replace, deidentify) {
                    Ok(file) => (file, Ok(())),
                    Err(ExportFailure::Refused(ExportError::Exists { path: file })) => {
                        (file, Err(None))
                    }
                    Err(e) => (
                        std::path::absolute(&path).unwrap_or_else(|_| path.clone()),
                        Err(Some(e)),
                    ),
                };
                IndexResponse::Exported {
                    path,
                    full,
                    count,
                    deidentified: deidentify,
                    result,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(seq: u64) -> IndexRequest {
        IndexRequest::Search {
            seq,
            query: format!("q{seq}"),
            limit: SEARCH_PAGE,
            within: None,
        }
    }

    fn describe(q: &[IndexRequest]) -> Vec<String> {
        q.iter()
            .map(|r| match r {
                IndexRequest::Search { seq, .. } => format!("search {seq}"),
                IndexRequest::Reindex(id) => format!("reindex {}", id.as_str()),
                IndexRequest::Rebuild => "rebuild".into(),
                IndexRequest::Evidence { seq, .. } => format!("evidence {seq}"),
                IndexRequest::Export { path, .. } => format!("export {}", path.display()),
                IndexRequest::Matching { seq, .. } => format!("matching {seq}"),
                IndexRequest::Panic => "panic".into(),
            })
            .collect()
    }

    #[test]
    fn only_the_newest_search_survives_and_reindexing_goes_first() {
        let id = SessionId("01jd3k0000000000000000000a".into());
        let queue = vec![
            search(1),
            search(2),
            IndexRequest::Reindex(id.clone()),
            IndexRequest::Evidence {
                seq: 3,
                query: String::new(),
                theme: None,
                sort: EvidenceSort::Date,
                within: None,
            },
            search(4),
            IndexRequest::Export {
                items: Vec::new(),
                path: "a.md".into(),
                replace: false,
                deidentify: false,
            },
            IndexRequest::Evidence {
                seq: 5,
                query: String::new(),
                theme: None,
                sort: EvidenceSort::Session,
                within: None,
            },
            IndexRequest::Reindex(id),
            IndexRequest::Reindex(SessionId("01jd3k0000000000000000000b".into())),
        ];
        assert_eq!(
            describe(&coalesce(queue)),
            [
                "reindex 01jd3k0000000000000000000a",
                "reindex 01jd3k0000000000000000000b",
                "search 4",
                "export a.md",
                "evidence 5"
            ]
        );
    }

    #[test]
    fn a_single_request_is_kept() {
        assert_eq!(describe(&coalesce(vec![search(7)])), ["search 7"]);
        assert!(coalesce(Vec::new()).is_empty());
    }

    #[test]
    fn a_panic_while_handling_is_answered_and_the_index_rebuilt_and_the_thread_lives_on() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let mut meta = crate::core::session::SessionMeta::new_today("M. Rivera");
        meta.title = "Coaching".into();
        store
            .create(meta, "Trust grew between the agencies.")
            .unwrap();
        let (req_tx, req_rx) = crossbeam_channel::unbounded();
        let (out_tx, out_rx) = crossbeam_channel::unbounded();
        let thread = spawn(
            Arc::new(store),
            dir.path().join("index"),
            None,
            req_rx,
            out_tx,
            |r| r,
        );
        let wait = |pred: &dyn Fn(&IndexResponse) -> bool| -> IndexResponse {
            loop {
                let r = out_rx
                    .recv_timeout(Duration::from_secs(20))
                    .expect("the index thread answers");
                if pred(&r) {
                    return r;
                }
            }
        };
        wait(&|r| matches!(r, IndexResponse::State(IndexState::Ready { .. })));
        req_tx.send(IndexRequest::Panic).unwrap();
        let answer = wait(&|r| matches!(r, IndexResponse::State(IndexState::Unavailable(_))));
        let IndexResponse::State(IndexState::Unavailable(why)) = answer else {
            unreachable!()
        };
        assert!(why.contains("index damaged: rebuilding"), "{why}");
        // Rebuilt, and searching as before.
        wait(&|r| {
            matches!(
                r,
                IndexResponse::State(IndexState::Ready { read_only: false })
            )
        });
        assert!(dir.path().join("index.broken").is_dir(), "set aside");
        req_tx.send(search(9)).unwrap();
        req_tx
            .send(IndexRequest::Search {
                seq: 10,
                query: "trust".into(),
                limit: 10,
                within: None,
            })
            .unwrap();
        // Search 9 is answered too when the thread takes it before 10 arrives (it keeps only
        // the newest of the searches waiting together): the answer to 10 is the one to check.
        let IndexResponse::Searched { seq, result, .. } =
            wait(&|r| matches!(r, IndexResponse::Searched { seq: 10, .. }))
        else {
            unreachable!()
        };
        assert_eq!(seq, 10);
        assert_eq!(result.unwrap().1.total, 1);
        drop(req_tx);
        thread.join().expect("the thread ends normally");
    }
}
