//! Ripple: coaching-session notes and qualitative coding at the keyboard.
//!
//! `core` knows no terminal; `tui` and `cli` are thin shells over it.

pub mod cli;
pub mod core;
pub mod tui;
