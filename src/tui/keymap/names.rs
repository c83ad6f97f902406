//! Keys written out: as people write them (the help screen) and as the status line does.

use super::{ALT, CTRL, SHIFT};
use crossterm::event::{KeyCode, KeyCode as K, KeyModifiers};

/// A key as people write it: "Ctrl+Shift+Left".
pub fn describe(code: KeyCode, mods: KeyModifiers) -> String {
    let mut s = String::new();
    if mods.contains(CTRL) {
        s.push_str("Ctrl+");
    }
    if mods.contains(ALT) {
        s.push_str("Alt+");
    }
    if mods.contains(SHIFT) && code != K::BackTab {
        s.push_str("Shift+");
    }
    let name = match code {
        K::Char(' ') => "Space".to_string(),
        K::Char(c) => c.to_string(),
        K::F(n) => format!("F{n}"),
        K::BackTab => "Shift+Tab".to_string(),
        K::PageUp => "PgUp".to_string(),
        K::PageDown => "PgDn".to_string(),
        other => format!("{other:?}"),
    };
    s.push_str(&name);
    s
}

/// A key as the status line writes it: "Ctrl-S", "Esc", "↑".
pub fn short(code: KeyCode, mods: KeyModifiers) -> String {
    dashed(code, mods, true)
}

/// A key with `-` between modifiers and name ("Ctrl-S", "Shift-Tab", "PgDn"), as the status
/// line (`arrows`: ↑ ← for the arrow keys, "Del") and the keymap file (`Up`, `Delete`, as
/// `user::parse_key` reads them) write it.
pub fn dashed(code: KeyCode, mods: KeyModifiers, arrows: bool) -> String {
    let mut s = String::new();
    if mods.contains(CTRL) {
        s.push_str("Ctrl-");
    }
    if mods.contains(ALT) {
        s.push_str("Alt-");
    }
    if mods.contains(SHIFT) && code != K::BackTab {
        s.push_str("Shift-");
    }
    let arrow = match code {
        K::Up => "↑",
        K::Down => "↓",
        K::Left => "←",
        K::Right => "→",
        K::Delete => "Del",
        _ => "",
    };
    let name = match code {
        _ if arrows && !arrow.is_empty() => arrow.to_string(),
        K::Char(' ') => "Space".to_string(),
        K::Char(c) if mods.intersects(CTRL | ALT) => c.to_uppercase().to_string(),
        K::Char(c) => c.to_string(),
        K::F(n) => format!("F{n}"),
        K::BackTab => "Shift-Tab".to_string(),
        K::PageUp => "PgUp".to_string(),
        K::PageDown => "PgDn".to_string(),
        other => format!("{other:?}"),
    };
    s.push_str(&name);
    s
}
