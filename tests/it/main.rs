//! The integration tests, linked into one binary so tantivy and ratatui are linked once
//! (each `tests/*.rs` file would otherwise be a binary of its own). Each module is one area.

mod common;

mod agree;
mod cli_code;
mod cli_sessions;
mod coding;
mod coding_refi;
mod editor;
mod editor_props;
mod search;
mod search_cli;
mod store;
mod tui;
mod tui_coding;
mod tui_search;
