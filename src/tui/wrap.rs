//! Text broken into rows for messages shown whole (the message log, a problem under the
//! list, a form's inline message).

/// `text` broken into rows of at most `width` terminal columns, at spaces where it can be
/// (a word wider than a row is cut), every character kept: for messages shown whole.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut row = String::new();
    let mut row_w = 0;
    for word in text.split(' ') {
        let w: usize = word.chars().map(|c| c.width().unwrap_or(0)).sum();
        let sep = usize::from(!row.is_empty());
        if row_w + sep + w <= width {
            if sep == 1 {
                row.push(' ');
            }
            row.push_str(word);
            row_w += sep + w;
            continue;
        }
        if !row.is_empty() {
            rows.push(std::mem::take(&mut row));
            row_w = 0;
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if row_w + cw > width && !row.is_empty() {
                rows.push(std::mem::take(&mut row));
                row_w = 0;
            }
            row.push(c);
            row_w += cw;
        }
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(row);
    }
    rows
}

/// A line of a long text (an import plan, a result) broken into rows of at most `width`
/// columns: its leading spaces are kept on the first row, and the rows that continue it are
/// indented two further, so a wrapped list item stays under its item. Every character but the
/// spaces a row is broken at is kept.
pub fn wrap_indented(line: &str, width: usize) -> Vec<String> {
    let body = line.trim_start_matches(' ');
    let indent = line.len() - body.len();
    let width = width.max(1);
    // Indents too deep for the width are not kept (the text would have no room).
    let (first, more) = if indent + 2 < width / 2 {
        (indent, indent + 2)
    } else {
        (0, 0)
    };
    let rows = wrap_words(body, width - more);
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
        let pad = if i == 0 { first } else { more };
        out.push(format!("{}{row}", " ".repeat(pad)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{wrap_indented, wrap_words};

    #[test]
    fn a_long_list_item_wraps_under_itself_and_keeps_its_indent() {
        assert_eq!(wrap_indented("  + a → b", 40), ["  + a → b"]);
        assert_eq!(
            wrap_indented("  - one two three four", 14),
            ["  - one two", "    three four"]
        );
        assert_eq!(wrap_indented("", 10), [""]);
        // No room for the indent: the text is kept, at the left.
        assert_eq!(wrap_indented("      abc def", 8), ["abc def"]);
    }

    #[test]
    fn words_wrap_whole_and_long_ones_are_cut_nothing_lost() {
        assert_eq!(
            wrap_words("open in another Ripple", 10),
            ["open in", "another", "Ripple"]
        );
        let path = "/tmp/store/sessions/01broken.md: bad";
        let rows = wrap_words(path, 8);
        assert!(rows
            .iter()
            .all(|r| unicode_width::UnicodeWidthStr::width(r.as_str()) <= 8));
        assert_eq!(rows.concat().replace(' ', ""), path.replace(' ', ""));
        assert_eq!(wrap_words("家族会议", 5), ["家族", "会议"]);
        assert_eq!(wrap_words("", 5), [""]);
    }
}
