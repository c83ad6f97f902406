//! Soft word wrap and display columns for one line of note text (no terminal types).
//!
//! A *line* is the text between two `\n` (without the `\n`). Wrapping splits a line into visual
//! *rows*; every offset here is in code points relative to the line, half-open.
//!
//! Rules:
//! - A row breaks after whitespace, so words stay whole. Whitespace itself never forces a break:
//!   trailing spaces may hang past the right edge (the view clips them), which keeps the next
//!   row starting with a word.
//! - A word longer than the width breaks at a grapheme boundary.
//! - Grapheme clusters (ZWJ emoji, combining marks) are never split; a double-width character
//!   (CJK) that would cross the edge moves to the next row.
//! - A tab is shown as `TAB_WIDTH` spaces wherever it stands (no tab stops, so a row's width does
//!   not depend on where the row starts).
//! - Control characters other than tab are shown as one replacement cell.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Display width of a tab, in columns.
pub const TAB_WIDTH: usize = 4;

/// One visual row of a line: code points `[start, end)` relative to the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Row {
    pub start: usize,
    pub end: usize,
}

/// One grapheme cluster of a line as laid out: where it starts (chars and bytes, relative to
/// the line), how many chars it has and how many columns it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cluster {
    pub char_start: usize,
    pub byte_start: usize,
    pub chars: usize,
    pub byte_len: usize,
    pub width: usize,
    pub is_whitespace: bool,
}

/// Display width of one grapheme cluster, matching what the terminal view draws.
pub fn grapheme_width(g: &str) -> usize {
    if g == "\t" {
        return TAB_WIDTH;
    }
    if g.chars().any(|c| c.is_control()) {
        return 1;
    }
    // Terminals draw halfwidth (semi-)voiced sound marks as their own cell although
    // unicode-width calls them zero-width (ratatui makes the same correction).
    let marks = g
        .chars()
        .filter(|c| matches!(c, '\u{FF9E}' | '\u{FF9F}'))
        .count();
    g.width() + marks
}

/// The grapheme clusters of a line, in order.
///
/// Runs of plain ASCII take a fast path (one byte, one cluster); text around anything else is
/// segmented by the Unicode rules. A run is only cut where three ASCII bytes meet, so no
/// combining mark, joiner or prepended mark can belong to a cluster across the cut.
pub fn clusters(line: &str) -> Vec<Cluster> {
    let bytes = line.as_bytes();
    let mut out = Vec::with_capacity(line.len());
    let mut char_pos = 0;
    let mut i = 0;
    let n = bytes.len();
    while i < n {
        let ascii_here = bytes[i].is_ascii() && (i + 1 == n || bytes[i + 1].is_ascii());
        if ascii_here {
            let b = bytes[i];
            out.push(Cluster {
                char_start: char_pos,
                byte_start: i,
                chars: 1,
                byte_len: 1,
                width: if b == b'\t' { TAB_WIDTH } else { 1 },
                is_whitespace: b.is_ascii_whitespace() || b == 0x0b,
            });
            char_pos += 1;
            i += 1;
            continue;
        }
        // Segment up to the next point with ASCII on both sides of an ASCII byte.
        let mut j = i + 1;
        while j < n
            && !(bytes[j - 1].is_ascii()
                && bytes[j].is_ascii()
                && (j + 1 == n || bytes[j + 1].is_ascii()))
        {
            j += 1;
        }
        while !line.is_char_boundary(j) {
            j += 1;
        }
        for (off, g) in line[i..j].grapheme_indices(true) {
            let chars = g.chars().count();
            out.push(Cluster {
                char_start: char_pos,
                byte_start: i + off,
                chars,
                byte_len: g.len(),
                width: grapheme_width(g),
                is_whitespace: g.chars().all(char::is_whitespace),
            });
            char_pos += chars;
        }
        i = j;
    }
    out
}

/// Rows of a line given its clusters (see the module rules). Always at least one row.
pub fn wrap_clusters(clusters: &[Cluster], width: usize) -> Vec<Row> {
    wrap_from(clusters, width, 0, |_| false).0
}

/// Wrap from the row starting at cluster `first`. Before each new row starts at cluster
/// index `i`, `stop(i)` may end the work: then the rows so far and `Some(i)` are returned
/// (wrapping from a row start depends on nothing before it, which makes re-using old rows
/// after an edit safe).
fn wrap_from(
    clusters: &[Cluster],
    width: usize,
    first: usize,
    mut stop: impl FnMut(usize) -> bool,
) -> (Vec<Row>, Option<usize>) {
    let width = width.max(1);
    let total_chars = clusters.last().map(|c| c.char_start + c.chars).unwrap_or(0);
    let mut rows = Vec::new();
    let mut row_start_idx = first; // cluster index where the current row starts
    let mut col = 0;
    // Cluster index just after the last whitespace in the current row (a break opportunity).
    let mut break_after: Option<usize> = None;
    let mut i = first;
    while i < clusters.len() {
        let c = clusters[i];
        if c.is_whitespace {
            // Whitespace never forces a break: it may hang past the edge.
            col += c.width;
            break_after = Some(i + 1);
            i += 1;
            continue;
        }
        if col + c.width <= width || i == row_start_idx {
            col += c.width;
            i += 1;
            continue;
        }
        // `c` does not fit: break after the last whitespace, or else right before `c`.
        let break_idx = match break_after {
            Some(b) if b > row_start_idx && b <= i => b,
            _ => i,
        };
        rows.push(Row {
            start: clusters[row_start_idx].char_start,
            end: clusters[break_idx].char_start,
        });
        if stop(break_idx) {
            return (rows, Some(break_idx));
        }
        row_start_idx = break_idx;
        break_after = None;
        col = clusters[row_start_idx..i].iter().map(|c| c.width).sum();
    }
    let start = clusters
        .get(row_start_idx)
        .map(|c| c.char_start)
        .unwrap_or(total_chars);
    rows.push(Row {
        start,
        end: total_chars,
    });
    (rows, None)
}

/// True if a cluster boundary at byte `p` cannot depend on text on the other side: three
/// ASCII bytes meet there (or it is an end).
fn safe_cut(b: &[u8], p: usize) -> bool {
    p == 0
        || p >= b.len()
        || (b[p - 1].is_ascii() && b[p].is_ascii() && (p + 1 == b.len() || b[p + 1].is_ascii()))
}

/// Soft-wrap a line (without its `\n`) to `width` columns. Always returns at least one row;
/// an empty line is one empty row.
pub fn wrap_line(line: &str, width: usize) -> Vec<Row> {
    wrap_clusters(&clusters(line), width)
}

/// Display column (from the row's start) of the char `char_idx` (relative to the line) in `row`.
/// An index past the row's last cluster gives the row's full width.
pub fn col_of(line: &str, row: Row, char_idx: usize) -> usize {
    col_of_clusters(&clusters(line), row, char_idx)
}

/// The char index (relative to the line) in `row` shown at display column `col`.
///
/// A column inside a wide character gives that character. A column past the row's text gives
/// the row's end on a line's last row, and the start of the row's last cluster on other rows
/// (a row's end belongs to the next row).
pub fn char_at_col(line: &str, row: Row, col: usize) -> usize {
    let cl = clusters(line);
    let line_len = cl.last().map(|c| c.char_start + c.chars).unwrap_or(0);
    char_at_col_clusters(&cl, row, col, row.end >= line_len)
}

pub(crate) fn col_of_clusters(clusters: &[Cluster], row: Row, char_idx: usize) -> usize {
    let mut col = 0;
    for c in clusters_in(clusters, row) {
        if c.char_start + c.chars > char_idx {
            break;
        }
        col += c.width;
    }
    col
}

pub(crate) fn char_at_col_clusters(
    clusters: &[Cluster],
    row: Row,
    col: usize,
    last_row: bool,
) -> usize {
    let in_row = clusters_in(clusters, row);
    let mut x = 0;
    for c in in_row {
        if col < x + c.width.max(1) {
            return c.char_start;
        }
        x += c.width;
    }
    if last_row {
        row.end
    } else {
        in_row.last().map(|c| c.char_start).unwrap_or(row.start)
    }
}

/// The clusters that make up `row`.
pub(crate) fn clusters_in(clusters: &[Cluster], row: Row) -> &[Cluster] {
    let a = clusters.partition_point(|c| c.char_start < row.start);
    let b = clusters.partition_point(|c| c.char_start < row.end);
    &clusters[a..b]
}

/// A line's clusters and rows, computed together (the view and the editor cache these).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineLayout {
    pub clusters: Vec<Cluster>,
    pub rows: Vec<Row>,
    /// Length of the line in chars.
    pub len_chars: usize,
}

impl LineLayout {
    pub fn new(line: &str, width: usize) -> LineLayout {
        let clusters = clusters(line);
        let rows = wrap_clusters(&clusters, width);
        let len_chars = clusters.last().map(|c| c.char_start + c.chars).unwrap_or(0);
        LineLayout {
            clusters,
            rows,
            len_chars,
        }
    }

    /// The row index holding `char_idx` (relative to the line).
    pub fn row_of(&self, char_idx: usize) -> usize {
        row_of(&self.rows, char_idx)
    }

    /// Display column of `char_idx` within its row `row`.
    pub fn col_of(&self, row: usize, char_idx: usize) -> usize {
        col_of_clusters(&self.clusters, self.rows[row], char_idx)
    }

    /// The char (relative to the line) at display column `col` of row `row`.
    pub fn char_at_col(&self, row: usize, col: usize) -> usize {
        char_at_col_clusters(
            &self.clusters,
            self.rows[row],
            col,
            row + 1 == self.rows.len(),
        )
    }

    /// The clusters of row `row`.
    pub fn row_clusters(&self, row: usize) -> &[Cluster] {
        clusters_in(&self.clusters, self.rows[row])
    }

    /// Where the cursor goes for "end of visual row": the line end on the last row, otherwise
    /// the start of the row's last cluster (its end is the next row's start).
    pub fn row_end_cursor(&self, row: usize) -> usize {
        if row + 1 == self.rows.len() {
            self.len_chars
        } else {
            self.row_clusters(row)
                .last()
                .map(|c| c.char_start)
                .unwrap_or(self.rows[row].start)
        }
    }
}

impl LineLayout {
    /// Update the layout of `old` (which this is) to that of `new`, re-doing only the part
    /// around the edit: clusters and rows before it are kept, and after it the old ones are
    /// re-used (shifted) from the first point where the new layout meets the old one again.
    /// For long lines (a pasted transcript without blank lines) this keeps typing cheap.
    pub fn update(&mut self, old: &str, new: &str, width: usize) {
        let (ob, nb) = (old.as_bytes(), new.as_bytes());
        let mut pre = ob.iter().zip(nb).take_while(|(a, b)| a == b).count();
        while !new.is_char_boundary(pre) {
            pre -= 1;
        }
        let max_suf = ob.len().min(nb.len()) - pre;
        let suf = ob
            .iter()
            .rev()
            .zip(nb.iter().rev())
            .take(max_suf)
            .take_while(|(a, b)| a == b)
            .count();
        let old_cl = std::mem::take(&mut self.clusters);
        // Restart two clusters before the edit, at a safe cut.
        let mut k = old_cl
            .partition_point(|c| c.byte_start + c.byte_len <= pre)
            .saturating_sub(2);
        while k > 0 && !safe_cut(ob, old_cl[k].byte_start) {
            k -= 1;
        }
        let b0 = old_cl.get(k).map(|c| c.byte_start).unwrap_or(ob.len());
        let c0 = old_cl
            .get(k)
            .map(|c| c.char_start)
            .unwrap_or(self.len_chars);
        // Resume the old clusters at a safe cut inside the unchanged tail.
        let tail = ob.len() - suf;
        let mut j = old_cl.partition_point(|c| c.byte_start <= tail);
        while j < old_cl.len() && !safe_cut(ob, old_cl[j].byte_start) {
            j += 1;
        }
        let s_old = old_cl.get(j).map(|c| c.byte_start).unwrap_or(ob.len());
        let s_new = s_old + nb.len() - ob.len();
        let mut clusters = Vec::with_capacity(old_cl.len() + (s_new - b0));
        clusters.extend_from_slice(&old_cl[..k]);
        let mut chars = c0;
        for mut c in crate::core::layout::clusters(&new[b0..s_new]) {
            c.byte_start += b0;
            c.char_start += c0;
            chars = c.char_start + c.chars;
            clusters.push(c);
        }
        let old_resume_char = old_cl
            .get(j)
            .map(|c| c.char_start)
            .unwrap_or(self.len_chars);
        let char_delta = chars as isize - old_resume_char as isize;
        let byte_delta = s_new as isize - s_old as isize;
        let resume_idx = clusters.len();
        for c in &old_cl[j..] {
            let mut c = *c;
            c.byte_start = (c.byte_start as isize + byte_delta) as usize;
            c.char_start = (c.char_start as isize + char_delta) as usize;
            clusters.push(c);
        }
        let len_chars = clusters.last().map(|c| c.char_start + c.chars).unwrap_or(0);

        // Rows: re-wrap from the row before the one holding cluster `k` until a new row
        // starts where an old row started (in the re-used tail); keep the old rows from there.
        let old_rows = std::mem::take(&mut self.rows);
        let r = row_of(&old_rows, c0).saturating_sub(1);
        let first_char = old_rows[r].start;
        let first = clusters.partition_point(|c| c.char_start < first_char);
        let (mut rows, stopped) = wrap_from(&clusters, width, first, |i| {
            i >= resume_idx && {
                let old_start = (clusters[i].char_start as isize - char_delta) as usize;
                old_rows
                    .binary_search_by_key(&old_start, |row| row.start)
                    .is_ok()
            }
        });
        let mut new_rows = old_rows[..r].to_vec();
        new_rows.append(&mut rows);
        if let Some(i) = stopped {
            let old_start = (clusters[i].char_start as isize - char_delta) as usize;
            let from = old_rows.partition_point(|row| row.start < old_start);
            for row in &old_rows[from..] {
                new_rows.push(Row {
                    start: (row.start as isize + char_delta) as usize,
                    end: (row.end as isize + char_delta) as usize,
                });
            }
            if let Some(last) = new_rows.last_mut() {
                last.end = len_chars;
            }
        }
        self.clusters = clusters;
        self.rows = new_rows;
        self.len_chars = len_chars;
    }
}

/// Index of the row holding `char_idx` (relative to the line). A row's end belongs to the next
/// row, except at the end of the line.
pub fn row_of(rows: &[Row], char_idx: usize) -> usize {
    let i = rows.partition_point(|r| r.end <= char_idx);
    i.min(rows.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(line: &'a str, rows: &[Row]) -> Vec<&'a str> {
        rows.iter()
            .map(|r| crate::core::text::char_slice(line, r.start, r.end))
            .collect()
    }

    #[test]
    fn wraps_after_whitespace() {
        let line = "the quick brown fox";
        let rows = wrap_line(line, 10);
        assert_eq!(texts(line, &rows), vec!["the quick ", "brown fox"]);
        let rows = wrap_line(line, 9);
        assert_eq!(texts(line, &rows), vec!["the quick ", "brown fox"]);
        let rows = wrap_line(line, 8);
        assert_eq!(texts(line, &rows), vec!["the ", "quick ", "brown ", "fox"]);
    }

    #[test]
    fn empty_line_is_one_row() {
        assert_eq!(wrap_line("", 10), vec![Row { start: 0, end: 0 }]);
    }

    #[test]
    fn long_word_breaks_at_graphemes() {
        let line = "abcdefghij";
        assert_eq!(texts(line, &wrap_line(line, 4)), vec!["abcd", "efgh", "ij"]);
        let line = "ñññññ"; // n + combining tilde each
        let line = line.replace('ñ', "n\u{303}");
        let rows = wrap_line(&line, 2);
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|r| r.start % 2 == 0 && r.end % 2 == 0));
    }

    #[test]
    fn wide_chars_are_not_split() {
        // width 5: 我们 (4 cols) + 是 would need 6 -> 是 wraps.
        let line = "我们是朋友";
        assert_eq!(texts(line, &wrap_line(line, 5)), vec!["我们", "是朋", "友"]);
        assert_eq!(col_of(line, Row { start: 0, end: 2 }, 1), 2);
        assert_eq!(char_at_col(line, Row { start: 0, end: 2 }, 3), 1);
    }

    #[test]
    fn zwj_emoji_is_one_cluster() {
        let line = "ab👩‍👩‍👧cd";
        let cl = clusters(line);
        assert_eq!(cl.len(), 5);
        assert_eq!(cl[2].chars, 5);
        assert_eq!(cl[2].width, 2);
        let rows = wrap_line(line, 3);
        assert_eq!(texts(line, &rows), vec!["ab", "👩‍👩‍👧c", "d"]);
    }

    #[test]
    fn fast_path_matches_unicode_segmentation() {
        let samples = [
            "plain ascii text, with\ttabs",
            "Doña Ana and Don\u{303}a Ana",
            "a\u{301}b c\u{301}\u{302} e",
            "x👩‍👩‍👧y 1\u{fe0f}\u{20e3}z 🇲🇽🇺🇸!",
            "\u{600}1 2 \u{600}ab",
            "我们 are 朋友. e\u{301}",
            "\u{1}ctl\u{7f}",
        ];
        for s in samples {
            let fast = clusters(s);
            let slow: Vec<(usize, usize)> = s
                .grapheme_indices(true)
                .map(|(b, g)| (b, g.len()))
                .collect();
            let got: Vec<(usize, usize)> =
                fast.iter().map(|c| (c.byte_start, c.byte_len)).collect();
            assert_eq!(got, slow, "{s:?}");
            for c in &fast {
                let g = &s[c.byte_start..c.byte_start + c.byte_len];
                assert_eq!(c.width, grapheme_width(g), "{g:?}");
                assert_eq!(c.chars, g.chars().count());
                assert_eq!(c.is_whitespace, g.chars().all(char::is_whitespace), "{g:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn update_matches_a_fresh_layout(
            old in proptest::collection::vec(proptest::sample::select(&["ab", " ", "c", "\u{303}", "我", "👩‍👩‍👧", "\t", "  ", "word "][..]), 0..60),
            at in 0usize..200,
            del in 0usize..12,
            ins in proptest::collection::vec(proptest::sample::select(&["x", " ", "\u{303}", "们", "\u{200d}👧", "yy "][..]), 0..4),
            width in 1usize..14,
        ) {
            let old: String = old.concat();
            let chars: Vec<char> = old.chars().collect();
            let at = at.min(chars.len());
            let end = (at + del).min(chars.len());
            let new: String = chars[..at].iter().collect::<String>() + &ins.concat() + &chars[end..].iter().collect::<String>();
            let mut layout = LineLayout::new(&old, width);
            layout.update(&old, &new, width);
            proptest::prop_assert_eq!(layout, LineLayout::new(&new, width));
        }
    }

    #[test]
    fn tabs_have_fixed_width() {
        let line = "a\tb";
        let row = wrap_line(line, 20)[0];
        assert_eq!(col_of(line, row, 2), 1 + TAB_WIDTH);
    }

    #[test]
    fn char_at_col_past_the_end() {
        let line = "hello world";
        let rows = wrap_line(line, 7);
        assert_eq!(texts(line, &rows), vec!["hello ", "world"]);
        assert_eq!(
            char_at_col(line, rows[0], 20),
            5,
            "before the hanging space"
        );
        assert_eq!(
            char_at_col(line, rows[1], 20),
            11,
            "line end on the last row"
        );
        assert_eq!(row_of(&rows, 6), 1);
        assert_eq!(row_of(&rows, 11), 1);
        assert_eq!(row_of(&rows, 5), 0);
    }
}
