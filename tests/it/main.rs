//! The integration tests, linked into one binary so tantivy and ratatui are linked once
//! (each `tests/*.rs` file would otherwise be a binary of its own). Each module is one area.

mod common;

mod agree;
mod analysis;
mod analysis_props;
mod cli_code;
mod cli_sessions;
mod coding;
mod coding_integrity;
mod coding_refi;
mod core_layers;
mod crash_loop;
mod editor;
mod editor_props;
mod exchange;
mod fuzz;
mod hostile_paths;
mod index_damage;
mod index_freshness;
mod query_caps;
mod search;
mod search_cli;
mod store;
mod store_safety;
mod tui;
mod tui_agree;
mod tui_analysis;
mod tui_coding;
mod tui_recovery;
mod tui_search;
