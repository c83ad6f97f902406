//! The integration tests, linked into one binary so tantivy and ratatui are linked once
//! (each `tests/*.rs` file would otherwise be a binary of its own). Each module is one area.

mod common;

mod agree;
mod cli_code;
mod cli_sessions;
mod cli_shell;
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
mod notes_store;
mod query_caps;
mod search;
mod search_cli;
mod share;
mod store;
mod store_safety;
mod tui;
mod tui_agree;
mod tui_between;
mod tui_coding;
mod tui_details;
mod tui_first_run;
mod tui_keys;
mod tui_line_input;
mod tui_lock;
mod tui_messages;
mod tui_exchange;
mod tui_recovery;
mod tui_search;
mod tui_search_open;
mod tui_writing;
mod tui_keymap;
mod tui_recovery;
mod tui_search;
mod tui_share;
mod tui_theme;
