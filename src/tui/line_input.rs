//! The one-line text input every one-line field uses: the search query, the list filter, the
//! session details, the prompt (memos, theme names, file names). One implementation, so every
//! field edits, moves and draws its caret the same way.
//!
//! The cursor counts chars (code points), the offset unit used everywhere in Ripple.

use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    /// In chars, `0..=len`.
    cursor: usize,
    /// The whole text is selected (as a reopened search shows its last query): typing or a
    /// paste replaces it, Backspace or Delete empties the input, a motion drops the selection.
    selected: bool,
}

impl LineInput {
    /// `text` with the cursor at its end.
    pub fn new(text: impl Into<String>) -> LineInput {
        let text = one_line(&text.into());
        let cursor = text.chars().count();
        LineInput {
            text,
            cursor,
            selected: false,
        }
    }

    /// Select the whole text (nothing when it is empty), the cursor at its end.
    pub fn select_all(&mut self) {
        self.selected = !self.text.is_empty();
        self.cursor = self.len();
    }

    /// Whether the whole text is selected.
    pub fn is_selected(&self) -> bool {
        self.selected
    }

    /// An edit replaces the selection: the text goes first. Returns whether there was one.
    fn replace_selection(&mut self) -> bool {
        if std::mem::take(&mut self.selected) {
            self.text.clear();
            self.cursor = 0;
            true
        } else {
            false
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Length in chars.
    pub fn len(&self) -> usize {
        self.text.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Replace the text; the cursor goes to its end.
    pub fn set(&mut self, text: impl Into<String>) {
        *self = LineInput::new(text);
    }

    /// Take the text out, leaving the input empty.
    pub fn take(&mut self) -> String {
        self.cursor = 0;
        self.selected = false;
        std::mem::take(&mut self.text)
    }

    fn byte(&self, ch: usize) -> usize {
        crate::core::text::char_to_byte(&self.text, ch)
    }

    /// Insert one typed char at the cursor (control chars are not text here).
    pub fn insert(&mut self, c: char) {
        if c.is_control() {
            return;
        }
        self.replace_selection();
        let at = self.byte(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    /// Insert pasted text at the cursor: line breaks and tabs become spaces, other control
    /// chars are dropped, so a field stays one line.
    pub fn insert_str(&mut self, s: &str) {
        let clean = one_line(s);
        self.replace_selection();
        let at = self.byte(self.cursor);
        self.text.insert_str(at, &clean);
        self.cursor += clean.chars().count();
    }

    /// Delete the chars in `[from, to)`; returns whether anything went.
    fn remove(&mut self, from: usize, to: usize) -> bool {
        if from >= to {
            return false;
        }
        let (a, b) = (self.byte(from), self.byte(to));
        self.text.replace_range(a..b, "");
        self.cursor = from;
        true
    }

    pub fn backspace(&mut self) -> bool {
        if self.replace_selection() {
            return true;
        }
        self.remove(self.cursor.saturating_sub(1), self.cursor)
    }

    pub fn delete(&mut self) -> bool {
        if self.replace_selection() {
            return true;
        }
        self.remove(self.cursor, (self.cursor + 1).min(self.len()))
    }

    /// Delete the word before the cursor and the spaces between it and the cursor.
    pub fn delete_word_back(&mut self) -> bool {
        if self.replace_selection() {
            return true;
        }
        let from = self.word_start_before(self.cursor);
        self.remove(from, self.cursor)
    }

    /// Empty the input; returns whether there was anything.
    pub fn clear(&mut self) -> bool {
        let had = !self.text.is_empty();
        self.selected = false;
        self.text.clear();
        self.cursor = 0;
        had
    }

    pub fn left(&mut self) {
        if std::mem::take(&mut self.selected) {
            self.cursor = 0;
            return;
        }
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        if std::mem::take(&mut self.selected) {
            return;
        }
        self.cursor = (self.cursor + 1).min(self.len());
    }

    pub fn at_end(&self) -> bool {
        self.cursor >= self.len()
    }

    /// To the start of the word before the cursor.
    pub fn word_left(&mut self) {
        self.selected = false;
        self.cursor = self.word_start_before(self.cursor);
    }

    /// Past the end of the word after the cursor.
    pub fn word_right(&mut self) {
        self.selected = false;
        let chars: Vec<char> = self.text.chars().collect();
        let mut i = self.cursor;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        self.cursor = i;
    }

    /// Put the cursor at char `at` (clamped to the text).
    pub fn set_cursor(&mut self, at: usize) {
        self.selected = false;
        self.cursor = at.min(self.len());
    }

    /// Terminal columns taken by the first `ch` chars (CJK and emoji take two).
    pub fn width_to(&self, ch: usize) -> usize {
        self.text[..self.byte(ch)].width()
    }

    /// Terminal columns taken by chars `[from, to)`.
    pub fn width_of(&self, from: usize, to: usize) -> usize {
        self.text[self.byte(from)..self.byte(to.max(from))].width()
    }

    /// Where the terminal cursor goes when the input is drawn (by `view`) in `area` after
    /// `prefix` columns of label; None when the area has no room for it.
    pub fn caret_position(&self, area: Rect, prefix: usize) -> Option<Position> {
        let room = (area.width as usize)
            .checked_sub(prefix)
            .filter(|r| *r > 0)?;
        let x = area.x as usize + prefix + self.view(room).1;
        (area.height > 0).then(|| Position::new(x as u16, area.y))
    }

    /// The first char shown when the input is drawn in `width` columns: 0 when the text up to
    /// the cursor (and the cell the cursor stands on) fits, else as far right as keeps the
    /// cursor's cell on the last column. The input scrolls sideways with its cursor.
    pub fn first_shown(&self, width: usize) -> usize {
        use unicode_width::UnicodeWidthChar;
        let width = width.max(1);
        let chars: Vec<char> = self.text.chars().collect();
        let cursor_cell = chars
            .get(self.cursor)
            .map_or(1, |c| c.width().unwrap_or(0).max(1));
        if self.width_to(self.cursor) + cursor_cell <= width {
            return 0;
        }
        let mut start = self.cursor;
        let mut used = cursor_cell;
        while start > 0 {
            let w = chars[start - 1].width().unwrap_or(0);
            if used + w > width {
                break;
            }
            used += w;
            start -= 1;
        }
        start
    }

    /// What is drawn of the input in `width` columns: the text from `first_shown` on, as much
    /// as fits (a wide char that would straddle the edge is left out), and the column of the
    /// cursor from the start of the area.
    pub fn view(&self, width: usize) -> (String, usize) {
        use unicode_width::UnicodeWidthChar;
        let start = self.first_shown(width);
        let mut shown = String::new();
        let mut used = 0;
        for c in self.text.chars().skip(start) {
            let w = c.width().unwrap_or(0);
            if used + w > width {
                break;
            }
            used += w;
            shown.push(c);
        }
        (shown, self.width_of(start, self.cursor))
    }

    /// `view` as a span: the shown text in `style`, or in `selected` while the whole text is
    /// selected.
    pub fn view_span(&self, width: usize, style: Style, selected: Style) -> Span<'static> {
        let (shown, _) = self.view(width);
        Span::styled(shown, if self.selected { selected } else { style })
    }

    pub fn home(&mut self) {
        self.selected = false;
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.selected = false;
        self.cursor = self.len();
    }

    fn word_start_before(&self, at: usize) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut i = at.min(chars.len());
        while i > 0 && chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !chars[i - 1].is_whitespace() {
            i -= 1;
        }
        i
    }

    /// The text as spans with the caret drawn as a reversed cell (a space past the end).
    /// `focused` false draws no caret.
    pub fn spans(&self, text: Style, caret: Style, focused: bool) -> Vec<Span<'static>> {
        if !focused {
            return vec![Span::styled(self.text.clone(), text)];
        }
        let at = self.byte(self.cursor);
        let (before, rest) = self.text.split_at(at);
        let mut rest_chars = rest.chars();
        let under = rest_chars.next();
        let after: String = rest_chars.collect();
        let mut out = vec![Span::styled(before.to_string(), text)];
        out.push(Span::styled(
            under.map_or_else(|| " ".to_string(), String::from),
            caret,
        ));
        if !after.is_empty() {
            out.push(Span::styled(after, text));
        }
        out
    }
}

/// Pasted text as one line, every control char (line breaks, tabs and the rest) as a space: for
/// the search query and the export file name, where a paste keeps its word breaks.
pub fn pasted_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Tabs and line breaks become spaces; other control chars go.
fn one_line(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_count_chars_not_bytes() {
        let mut i = LineInput::new("Doña Ana");
        assert_eq!((i.len(), i.cursor()), (8, 8));
        i.home();
        i.right();
        i.right();
        assert!(i.delete(), "deletes the ñ whole");
        assert_eq!(i.text(), "Doa Ana");
        i.insert('ñ');
        i.end();
        i.insert_str(" 家族 👪");
        assert_eq!(i.text(), "Doña Ana 家族 👪");
        assert!(i.backspace());
        assert_eq!(i.text(), "Doña Ana 家族 ");
        assert_eq!(i.cursor(), i.len());
    }

    #[test]
    fn word_moves_and_deletes_skip_spaces_then_the_word() {
        let mut i = LineInput::new("agency:\"La Casa\"  trust ");
        assert!(i.delete_word_back());
        assert_eq!(i.text(), "agency:\"La Casa\"  ");
        i.word_left();
        assert_eq!(i.cursor(), "agency:\"La ".chars().count());
        i.word_right();
        assert_eq!(i.cursor(), "agency:\"La Casa\"".chars().count());
        i.home();
        assert!(!i.delete_word_back(), "nothing before the start");
    }

    #[test]
    fn the_caret_column_counts_wide_chars_twice() {
        let mut i = LineInput::new("家族 ok");
        assert_eq!(i.width_to(i.cursor()), 7);
        assert_eq!(i.width_of(0, 2), 4);
        let area = Rect::new(3, 5, 20, 1);
        assert_eq!(i.caret_position(area, 2), Some(Position::new(12, 5)));
        i.set_cursor(1);
        assert_eq!(i.caret_position(area, 2), Some(Position::new(7, 5)));
        assert_eq!(
            i.caret_position(Rect::new(3, 5, 4, 1), 2),
            Some(Position::new(5, 5)),
            "scrolled so the cursor stays inside"
        );
        assert_eq!(i.caret_position(Rect::new(3, 5, 2, 1), 2), None, "no room");
    }

    #[test]
    fn a_selected_text_is_replaced_by_typing_and_dropped_by_a_motion() {
        let mut i = LineInput::new("whiteboard");
        i.select_all();
        i.insert('f');
        assert_eq!((i.text(), i.cursor(), i.is_selected()), ("f", 1, false));
        i.set("whiteboard");
        i.select_all();
        i.insert_str("folleto");
        assert_eq!(i.text(), "folleto");
        i.select_all();
        assert!(i.backspace());
        assert!(i.is_empty());
        i.set("Doña Ana");
        i.select_all();
        i.left();
        assert!(!i.is_selected());
        assert_eq!(i.cursor(), 0, "← goes to the start of what was selected");
        i.insert('X');
        assert_eq!(i.text(), "XDoña Ana");
        let mut empty = LineInput::default();
        empty.select_all();
        assert!(!empty.is_selected(), "nothing to select");
    }

    #[test]
    fn a_long_text_scrolls_to_keep_the_cursor_in_view() {
        let mut i = LineInput::new("abcdefghij");
        // Ten chars and the caret cell after them need 11 columns.
        assert_eq!(i.view(11), ("abcdefghij".to_string(), 10));
        assert_eq!(i.view(6), ("fghij".to_string(), 5), "the end and the caret");
        i.home();
        assert_eq!(i.view(6), ("abcdef".to_string(), 0));
        i.set_cursor(7);
        assert_eq!(
            i.view(6),
            ("cdefgh".to_string(), 5),
            "the cursor's cell on the last column"
        );
        // Wide characters take two columns and are never cut in half.
        let mut w = LineInput::new("ab家族会议");
        assert_eq!(w.view(6), ("会议".to_string(), 4), "… 会议 then the caret");
        let (shown, col) = w.view(6);
        assert!(unicode_width::UnicodeWidthStr::width(shown.as_str()) < 6);
        assert_eq!(col, 4);
        w.set_cursor(3);
        let (shown, col) = w.view(5);
        assert_eq!(
            (shown.as_str(), col),
            ("b家族", 3),
            "the cursor on 族 shows it whole"
        );
        let area = Rect::new(10, 2, 12, 1);
        assert_eq!(
            LineInput::new("x".repeat(40)).caret_position(area, 4),
            Some(Position::new(10 + 4 + 7, 2)),
            "the caret stays inside the area"
        );
    }

    #[test]
    fn pasted_line_breaks_and_controls_keep_it_one_line() {
        let mut i = LineInput::default();
        i.insert_str("one\ntwo\tthree\u{7}\r\n");
        assert_eq!(i.text(), "one two three  ");
        i.insert('\u{1b}');
        assert_eq!(i.text(), "one two three  ");
    }

    #[test]
    fn the_caret_is_the_cell_under_the_cursor_or_a_space_at_the_end() {
        let (t, c) = (Style::default(), Style::default().reversed());
        let mut i = LineInput::new("ab");
        let spans = i.spans(t, c, true);
        assert_eq!(spans.len(), 2);
        assert_eq!((spans[1].content.as_ref(), spans[1].style), (" ", c));
        i.home();
        let spans = i.spans(t, c, true);
        let texts: Vec<&str> = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(texts, ["", "a", "b"]);
        assert_eq!(i.spans(t, c, false).len(), 1);
    }
}
