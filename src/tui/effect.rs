//! What `App::update` asks the world to do. Update changes state and returns effects; the run
//! loop carries them out (the IO thread, the index thread, the terminal). Nothing leaves update
//! by any other way, so a test sees everything a message caused in the value it returns.

use crate::tui::index_worker::IndexRequest;
use crate::tui::worker::Request;

// Effects are moved once into the run loop; boxing the large requests would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Effect {
    /// File work for the IO thread.
    Io(Request),
    /// Work for the search-index thread.
    Index(IndexRequest),
    /// Text for the system clipboard (written to the terminal as OSC 52 after the next frame).
    Clipboard(String),
    /// Leave: everything asked for before this is still carried out.
    Quit,
}

impl From<Request> for Effect {
    fn from(r: Request) -> Effect {
        Effect::Io(r)
    }
}

impl From<IndexRequest> for Effect {
    fn from(r: IndexRequest) -> Effect {
        Effect::Index(r)
    }
}

/// The effects of one message, in the order they were asked for.
#[derive(Debug, Default)]
pub struct Effects(Vec<Effect>);

impl Effects {
    pub fn push(&mut self, e: impl Into<Effect>) {
        self.0.push(e.into());
    }

    pub fn into_vec(self) -> Vec<Effect> {
        self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The IO requests among `effects`, in order, taken out (the others dropped).
pub fn into_requests(effects: Vec<Effect>) -> Vec<Request> {
    effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Io(r) => Some(r),
            _ => None,
        })
        .collect()
}

/// The IO requests among `effects`, in order (what tests of the update logic mostly look at).
pub fn requests(effects: &[Effect]) -> Vec<&Request> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Io(r) => Some(r),
            _ => None,
        })
        .collect()
}

/// The index requests among `effects`, in order.
pub fn index_requests(effects: &[Effect]) -> Vec<&IndexRequest> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Index(r) => Some(r),
            _ => None,
        })
        .collect()
}
