//! End-to-end: one-line fields longer than their box scroll sideways and keep the cursor in
//! view, wide characters counted as two columns.

use crate::common::{store_dir, Key, Tui};

/// The screen row below the header holding `text` at or right of column `from`, and the
/// column it starts at.
fn find(t: &Tui, text: &str, from: usize) -> Option<(u16, u16)> {
    t.with_screen(|s| {
        let contents = s.contents();
        contents
            .lines()
            .enumerate()
            .skip(1)
            .find_map(|(row, line)| {
                let (byte, _) = line
                    .match_indices(text)
                    .find(|(b, _)| unicode_width::UnicodeWidthStr::width(&line[..*b]) >= from)?;
                let col = unicode_width::UnicodeWidthStr::width(&line[..byte]);
                Some((row as u16, col as u16))
            })
    })
}

/// The details box takes the last 38 columns of a 100-column screen (the note's title is
/// also in the header line, at the left).
const DETAILS_FROM: usize = 62;

#[test]
fn a_long_title_scrolls_and_shows_its_end_and_the_cursor() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("No sessions yet");
    t.key(Key::Char('n'));
    // `n` offers templates first: Blank is the last choice.
    t.wait_for("Blank: no template");
    t.key(Key::End);
    t.key(Key::Enter);
    t.wait_for("Details");
    // Far wider than the 36 columns inside the details box; ends in wide characters.
    let title = "Joint coaching with CYFD and La Casa on shared safety plans 家族会议";
    t.type_text(title);
    // The frame's cursor is placed after its text: both are waited for, so a frame read half
    // drawn is not taken for the last.
    t.wait_until("the cursor after the title's last (wide) character", |_| {
        find(&t, "plans 家族会议", DETAILS_FROM).is_some_and(|_| {
            let (row, col) = find(&t, "家族会议", DETAILS_FROM).unwrap();
            cursor(&t) == (row, col + 8)
        })
    });
    let (_, col) = find(&t, "家族会议", DETAILS_FROM).unwrap();
    assert!(col + 8 < 100, "inside the screen");
    // Home shows the start again.
    t.key(Key::Home);
    t.wait_until("the cursor at the title's start in the details box", |_| {
        find(&t, "Joint coaching", DETAILS_FROM).is_some_and(|at| cursor(&t) == at)
    });
}

#[test]
fn a_long_search_query_scrolls_and_shows_the_cursor() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let mut t = Tui::start(&store, &[], 60, 20);
    t.wait_for("No sessions yet");
    t.type_text("/");
    t.wait_for("Search:");
    let query = "safety plans and the shelter and confidentiality agreements última";
    t.type_text(query);
    t.wait_until("the cursor after the query's end", |_| {
        find(&t, "agreements última", 0).is_some_and(|_| {
            let (row, col) = find(&t, "última", 0).unwrap();
            cursor(&t) == (row, col + 6)
        })
    });
}

/// Where the terminal's cursor is.
fn cursor(t: &Tui) -> (u16, u16) {
    t.with_screen(|s| s.cursor_position())
}
