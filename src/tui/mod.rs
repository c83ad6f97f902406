//! The terminal UI (Elm architecture: one state, messages, an update function, pure views).
pub mod text_view;
