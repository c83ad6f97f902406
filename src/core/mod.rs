//! The core: everything Ripple knows about notes, codings and search, with no terminal code.

pub mod anchor;
pub mod atomic;
pub mod codebook;
pub mod coding;
pub mod coding_draft;
pub mod coding_store;
pub mod demo;
pub mod document;
pub mod editor;
pub mod evidence;
pub mod exchange;
pub mod export_target;
pub mod file_key;
pub mod fold;
pub mod index;
pub mod index_sync;
pub mod layout;
pub mod parallel;
pub mod query;
pub mod session;
pub mod session_file;
pub mod settings;
pub mod store;
pub mod text;
pub mod vocabulary;
