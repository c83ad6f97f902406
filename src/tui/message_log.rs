//! The message log: every status-line message of this run, kept whole (the status line has
//! room for one line of one message), and the rows it takes when shown.

use crate::tui::component::StatusKind;
use crate::tui::layout::{help_box, screen};
use crate::tui::wrap::wrap_words;

/// One message of the status line, kept whole in the message log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    /// Local time it was said, "14:02:05".
    pub at: String,
    pub kind: StatusKind,
    pub text: String,
}

/// The message log keeps this many messages (the oldest go first).
pub const MESSAGE_LOG_MAX: usize = 500;

/// The log's rows at `width` columns inside the box, newest message first.
pub fn rows(messages: &[Logged], width: usize) -> Vec<(StatusKind, String)> {
    let mut out = Vec::new();
    if messages.is_empty() {
        out.push((StatusKind::Info, "No messages yet.".to_string()));
    }
    for m in messages.iter().rev() {
        let text = format!("{}  {}", m.at, m.text);
        for row in wrap_words(&text, width) {
            out.push((m.kind, row));
        }
    }
    out
}

/// How many rows the log takes in a terminal of `size` (for scrolling).
pub fn line_count(messages: &[Logged], size: (u16, u16)) -> u16 {
    let inner = help_box(screen(size)).width.saturating_sub(2) as usize;
    rows(messages, inner).len() as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_kept_whole_newest_first() {
        let long = "open in another Ripple (pid 4242 on a-host-with-a-long-name) since 2026-12-03 14:02: read-only";
        let log = vec![
            Logged {
                at: "14:02:05".into(),
                kind: StatusKind::Info,
                text: format!("Read-only: {long}"),
            },
            Logged {
                at: "14:03:00".into(),
                kind: StatusKind::Ok,
                text: "Saved".into(),
            },
        ];
        let r = rows(&log, 30);
        assert_eq!(r[0].1, "14:03:00  Saved");
        let whole: Vec<String> = r[1..].iter().map(|(_, t)| t.clone()).collect();
        assert_eq!(whole.join(" "), format!("14:02:05  Read-only: {long}"));
        assert!(r
            .iter()
            .all(|(_, t)| unicode_width::UnicodeWidthStr::width(t.as_str()) <= 30));
    }
}
