//! Moving the cursor: by grapheme, word, visual row, line, sentence and paragraph, and the
//! wrapped layout of a line those motions read.

use super::units::{next_grapheme_boundary, prev_grapheme_boundary, sentence_ranges, word_spans};
use super::{line_string, CachedLayout, Editor, LONG_LINE_BYTES};
use crate::core::layout::LineLayout;

impl Editor {
    // ----- horizontal motions --------------------------------------------------------------

    /// One grapheme cluster left (or to the selection's start, dropping it).
    pub fn move_left(&mut self, extend: bool) {
        if !extend {
            if let Some((s, _)) = self.selection() {
                return self.set_cursor(s, false);
            }
        }
        let p = self.prev_grapheme(self.cursor);
        self.set_cursor(p, extend);
    }

    /// One grapheme cluster right (or to the selection's end, dropping it).
    pub fn move_right(&mut self, extend: bool) {
        if !extend {
            if let Some((_, e)) = self.selection() {
                return self.set_cursor(e, false);
            }
        }
        let p = self.next_grapheme(self.cursor);
        self.set_cursor(p, extend);
    }

    /// To the start of the word before the cursor (Unicode word boundaries).
    pub fn move_word_left(&mut self, extend: bool) {
        let p = self.word_left_of(self.cursor);
        self.set_cursor(p, extend);
    }

    /// To the end of the word after the cursor.
    pub fn move_word_right(&mut self, extend: bool) {
        let p = self.word_right_of(self.cursor);
        self.set_cursor(p, extend);
    }

    pub fn move_doc_start(&mut self, extend: bool) {
        self.set_cursor(0, extend);
    }

    pub fn move_doc_end(&mut self, extend: bool) {
        self.set_cursor(self.len_chars(), extend);
    }

    /// Start of the grapheme cluster before `pos`.
    pub fn prev_grapheme(&self, pos: usize) -> usize {
        prev_grapheme_boundary(self.rope.slice(..), pos.min(self.len_chars()))
    }

    /// End of the grapheme cluster at `pos`.
    pub fn next_grapheme(&self, pos: usize) -> usize {
        next_grapheme_boundary(self.rope.slice(..), pos.min(self.len_chars()))
    }

    /// Start of the word before `pos`: the start of the word holding `pos` if `pos` is inside
    /// one, else of the previous word (across lines); 0 if none.
    pub fn word_left_of(&self, pos: usize) -> usize {
        let pos = pos.min(self.len_chars());
        let mut line = self.line_of(pos);
        loop {
            let start = self.line_start(line);
            let mut best = None;
            for (s, _) in word_spans(&self.line_text(line)) {
                if start + s < pos {
                    best = Some(start + s);
                } else {
                    break;
                }
            }
            if let Some(b) = best {
                return b;
            }
            if line == 0 {
                return 0;
            }
            line -= 1;
        }
    }

    /// End of the word after `pos`: the end of the word holding `pos`, else of the next word
    /// (across lines); the text's end if none.
    pub fn word_right_of(&self, pos: usize) -> usize {
        let pos = pos.min(self.len_chars());
        let lines = self.line_count();
        let mut line = self.line_of(pos);
        while line < lines {
            let start = self.line_start(line);
            for (_, e) in word_spans(&self.line_text(line)) {
                if start + e > pos {
                    return start + e;
                }
            }
            line += 1;
        }
        self.len_chars()
    }

    /// The word holding `pos` (or ending at it), as a char range.
    pub fn word_at(&self, pos: usize) -> Option<(usize, usize)> {
        let pos = pos.min(self.len_chars());
        let line = self.line_of(pos);
        let start = self.line_start(line);
        let words = word_spans(&self.line_text(line));
        let rel = pos - start;
        words
            .iter()
            .find(|&&(s, e)| s <= rel && rel < e)
            .or_else(|| words.iter().find(|&&(_, e)| e == rel))
            .map(|&(s, e)| (start + s, start + e))
    }

    /// Select the word at `pos` (double click); false if there is none.
    pub fn select_word_at(&mut self, pos: usize) -> bool {
        match self.word_at(pos) {
            Some((s, e)) => {
                self.set_selection(s, e);
                true
            }
            None => false,
        }
    }

    // ----- vertical motions (visual rows) --------------------------------------------------

    /// Layout of line `line` at `width` columns (cached until the text or width changes).
    pub fn line_layout(&mut self, line: usize, width: usize) -> &LineLayout {
        let cache = &mut self.wrap_cache;
        if cache.width != width || cache.lines.len() > 256 {
            cache.lines.clear();
            cache.width = width;
        }
        let version = self.version;
        let fresh = cache.lines.get(&line).is_some_and(|c| c.version == version);
        if !fresh {
            let text = line_string(self.rope.line(line));
            match cache.lines.get_mut(&line) {
                Some(c) if c.text == text => c.version = version,
                Some(c) if c.text.len() > LONG_LINE_BYTES => {
                    c.layout.update(&c.text, &text, width);
                    c.text = text;
                    c.version = version;
                }
                _ => {
                    let layout = LineLayout::new(&text, width);
                    cache.lines.insert(
                        line,
                        CachedLayout {
                            version,
                            text,
                            layout,
                        },
                    );
                }
            }
        }
        &cache.lines[&line].layout
    }

    /// The cursor's line, visual row within the line and display column.
    pub fn cursor_visual(&mut self, width: usize) -> (usize, usize, usize) {
        let line = self.line_of(self.cursor);
        let rel = self.cursor - self.line_start(line);
        let layout = self.line_layout(line, width);
        let row = layout.row_of(rel);
        let col = layout.col_of(row, rel);
        (line, row, col)
    }

    /// Up one visual row at wrap `width`, keeping the preferred display column.
    pub fn move_up(&mut self, width: usize, extend: bool) {
        self.move_rows(-1, width, extend);
    }

    /// Down one visual row at wrap `width`, keeping the preferred display column.
    pub fn move_down(&mut self, width: usize, extend: bool) {
        self.move_rows(1, width, extend);
    }

    /// Up `rows` visual rows (a page).
    pub fn page_up(&mut self, rows: usize, width: usize, extend: bool) {
        self.move_rows(-(rows.max(1) as isize), width, extend);
    }

    /// Down `rows` visual rows (a page).
    pub fn page_down(&mut self, rows: usize, width: usize, extend: bool) {
        self.move_rows(rows.max(1) as isize, width, extend);
    }

    /// Move by `delta` visual rows. Past the first row goes to the text's start, past the last
    /// to its end.
    pub fn move_rows(&mut self, delta: isize, width: usize, extend: bool) {
        let (mut line, mut row, col) = self.cursor_visual(width);
        let col = self.preferred_col.unwrap_or(col);
        let lines = self.line_count();
        let mut target = None;
        for _ in 0..delta.unsigned_abs() {
            if delta < 0 {
                if row > 0 {
                    row -= 1;
                } else if line > 0 {
                    line -= 1;
                    row = self.line_layout(line, width).rows.len() - 1;
                } else {
                    target = Some(0);
                    break;
                }
            } else {
                let n_rows = self.line_layout(line, width).rows.len();
                if row + 1 < n_rows {
                    row += 1;
                } else if line + 1 < lines {
                    line += 1;
                    row = 0;
                } else {
                    target = Some(self.len_chars());
                    break;
                }
            }
        }
        match target {
            // Ran into the start or end: the column starts afresh from there.
            Some(p) => self.set_cursor(p, extend),
            None => {
                let start = self.line_start(line);
                let pos = start + self.line_layout(line, width).char_at_col(row, col);
                self.set_cursor(pos, extend);
                self.preferred_col = Some(col);
            }
        }
    }

    /// Start of the visual row; pressed again at a row start, the start of the line.
    pub fn move_home(&mut self, width: usize, extend: bool) {
        let (line, row, _) = self.cursor_visual(width);
        let start = self.line_start(line);
        let row_start = start + self.line_layout(line, width).rows[row].start;
        let p = if self.cursor != row_start {
            row_start
        } else {
            start
        };
        self.set_cursor(p, extend);
    }

    /// End of the visual row; pressed again there, the end of the line.
    pub fn move_end(&mut self, width: usize, extend: bool) {
        let (line, row, _) = self.cursor_visual(width);
        let start = self.line_start(line);
        let layout = self.line_layout(line, width);
        let row_end = start + layout.row_end_cursor(row);
        let line_end = start + layout.len_chars;
        let p = if self.cursor != row_end {
            row_end
        } else {
            line_end
        };
        self.set_cursor(p, extend);
    }

    // ----- paragraphs and sentences --------------------------------------------------------

    fn line_is_blank(&self, line: usize) -> bool {
        self.rope.line(line).chars().all(char::is_whitespace)
    }

    /// The paragraph (a run of non-blank lines) holding `pos`, from its first char to the end
    /// of its last line (without the `\n`). None on a blank line.
    pub fn paragraph_at(&self, pos: usize) -> Option<(usize, usize)> {
        let line = self.line_of(pos);
        if self.line_is_blank(line) {
            return None;
        }
        Some(self.paragraph_of_line(line))
    }

    fn paragraph_of_line(&self, line: usize) -> (usize, usize) {
        let mut first = line;
        while first > 0 && !self.line_is_blank(first - 1) {
            first -= 1;
        }
        let mut last = line;
        while last + 1 < self.line_count() && !self.line_is_blank(last + 1) {
            last += 1;
        }
        (
            self.line_start(first),
            self.line_start(last) + self.line_len(last),
        )
    }

    /// Paragraphs from the one holding (or following) `pos` onwards.
    fn paragraphs_from(&self, pos: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let mut line = self.line_of(pos);
        std::iter::from_fn(move || {
            while line < self.line_count() && self.line_is_blank(line) {
                line += 1;
            }
            if line >= self.line_count() {
                return None;
            }
            let p = self.paragraph_of_line(line);
            line = self.line_of(p.1) + 1;
            Some(p)
        })
    }

    /// Paragraphs from the one holding (or preceding) `pos` backwards.
    fn paragraphs_back_from(&self, pos: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let mut line = Some(self.line_of(pos));
        std::iter::from_fn(move || {
            let mut l = line?;
            while self.line_is_blank(l) {
                if l == 0 {
                    line = None;
                    return None;
                }
                l -= 1;
            }
            let p = self.paragraph_of_line(l);
            let first = self.line_of(p.0);
            line = first.checked_sub(1);
            Some(p)
        })
    }

    /// To the end of the paragraph; at its end, the end of the next one.
    pub fn move_paragraph_end(&mut self, extend: bool) {
        let cur = self.cursor;
        let p = self
            .paragraphs_from(cur)
            .map(|(_, e)| e)
            .find(|&e| e > cur)
            .unwrap_or(self.len_chars());
        self.set_cursor(p, extend);
    }

    /// To the start of the paragraph; at its start, the start of the previous one.
    pub fn move_paragraph_start(&mut self, extend: bool) {
        let cur = self.cursor;
        let p = self
            .paragraphs_back_from(cur)
            .map(|(s, _)| s)
            .find(|&s| s < cur)
            .unwrap_or(0);
        self.set_cursor(p, extend);
    }

    /// Sentences of the paragraph holding `pos`, in absolute offsets.
    fn sentences_in(&self, para: (usize, usize)) -> Vec<(usize, usize)> {
        let text = self.rope.slice(para.0..para.1).to_string();
        sentence_ranges(&text)
            .into_iter()
            .map(|(s, e)| (para.0 + s, para.0 + e))
            .collect()
    }

    /// The sentence holding `pos` (from its first non-space char through its terminator),
    /// or None between paragraphs.
    pub fn sentence_at(&self, pos: usize) -> Option<(usize, usize)> {
        let para = self.paragraph_at(pos)?;
        let sentences = self.sentences_in(para);
        sentences
            .iter()
            .copied()
            .find(|&(_, e)| e > pos)
            .or(sentences.last().copied())
    }

    /// Select the sentence at `pos` (for coding a whole sentence); false between paragraphs.
    pub fn select_sentence_at(&mut self, pos: usize) -> bool {
        match self.sentence_at(pos) {
            Some((s, e)) => {
                self.set_selection(s, e);
                true
            }
            None => false,
        }
    }

    /// Select the paragraph at `pos`; false on a blank line.
    pub fn select_paragraph_at(&mut self, pos: usize) -> bool {
        match self.paragraph_at(pos) {
            Some((s, e)) => {
                self.set_selection(s, e);
                true
            }
            None => false,
        }
    }

    /// To the end of the sentence (after `.`, `!`, `?`); at its end, the end of the next one.
    pub fn move_sentence_end(&mut self, extend: bool) {
        let cur = self.cursor;
        let mut target = self.len_chars();
        for para in self.paragraphs_from(cur) {
            if let Some((_, e)) = self.sentences_in(para).into_iter().find(|&(_, e)| e > cur) {
                target = e;
                break;
            }
        }
        self.set_cursor(target, extend);
    }

    /// To the start of the sentence; at its start, the start of the previous one.
    pub fn move_sentence_start(&mut self, extend: bool) {
        let cur = self.cursor;
        let mut target = 0;
        for para in self.paragraphs_back_from(cur) {
            if let Some((s, _)) = self
                .sentences_in(para)
                .into_iter()
                .rev()
                .find(|&(s, _)| s < cur)
            {
                target = s;
                break;
            }
        }
        self.set_cursor(target, extend);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_at_and_select_word() {
        let mut ed = Editor::new("met Doña Ana\nhere");
        assert_eq!(ed.word_at(5), Some((4, 8)));
        assert_eq!(ed.word_at(8), Some((4, 8)), "at a word's end");
        assert_eq!(ed.word_at(3), Some((0, 3)));
        assert!(ed.select_word_at(14));
        assert_eq!(ed.selected_text().as_deref(), Some("here"));
        let ed = Editor::new("a  , b");
        assert_eq!(ed.word_at(3), None);
    }
}
