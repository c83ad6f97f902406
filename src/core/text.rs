//! Text helpers shared by the core and its shells: line-ending normalisation, code-point
//! offsets, one-line previews and character classes.
//!
//! The one offset unit in Ripple is the Unicode code point (Rust `char`), counted from 0 over
//! text with LF line endings. Byte offsets appear only inside functions that convert.

/// CRLF and lone CR become LF; a leading byte-order mark is dropped.
pub fn normalize_newlines(s: &str) -> String {
    let s = s.strip_prefix('\u{feff}').unwrap_or(s);
    if !s.contains('\r') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// Byte index of the `char_idx`-th code point (or `s.len()` at the end). Saturates.
pub fn char_to_byte(s: &str, char_idx: usize) -> usize {
    if char_idx == 0 {
        return 0;
    }
    // Counting the bytes that start a code point is several times faster than decoding each
    // `char`; indexing passes every coding through here.
    let mut seen = 0;
    for (i, b) in s.bytes().enumerate() {
        if !is_continuation(b) {
            if seen == char_idx {
                return i;
            }
            seen += 1;
        }
    }
    s.len()
}

/// Whether a UTF-8 byte continues a code point rather than starting one.
fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Code-point index of a byte offset that lies on a char boundary.
pub fn byte_to_char(s: &str, byte_idx: usize) -> usize {
    s[..byte_idx.min(s.len())].chars().count()
}

/// The substring between two code-point offsets (clamped).
pub fn char_slice(s: &str, start: usize, end: usize) -> &str {
    let b0 = char_to_byte(s, start);
    // The end is counted on from the start, so the text before it is walked once.
    let b1 = b0 + char_to_byte(&s[b0..], end.saturating_sub(start));
    &s[b0..b1]
}

/// Text on one line (whitespace runs become one space), cut to `max` code points with "…".
pub fn one_line(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

// ---------------------------------------------------------------------------------------------
// Character classes

/// Han, kana, Hangul: scripts written without spaces between words.
/// A combining mark that belongs to the letter before it (an accent written decomposed, as
/// `n` + U+0303 for `ñ`): part of its word for search, word counts and coding edges. Marks
/// made for symbols (the keycap of `5️⃣`, variation selectors) are not: `5️⃣` is the word `5`.
pub fn is_word_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
        && !matches!(c,
            '\u{FE00}'..='\u{FE0F}'          // variation selectors
            | '\u{20D0}'..='\u{20FF}'        // combining marks for symbols (keycap, enclosing)
            | '\u{E0100}'..='\u{E01EF}') // variation selectors supplement
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0x1100..=0x11FF    // Hangul jamo
        | 0x3130..=0x318F    // Hangul compatibility jamo
        | 0x20000..=0x2EBEF) // extensions B–F
}

pub fn has_cjk(s: &str) -> bool {
    s.chars().any(is_cjk)
}

/// The maximal runs of CJK characters in `s`.
pub fn cjk_runs(s: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if is_cjk(c) {
            cur.push(c);
        } else if !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

/// A count with thousands separators: 12345 → "12,345".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Text as a file or folder name: lower case, accents folded ("Peña" → "pena"), anything but
/// letters and digits → `-`, no leading, trailing or doubled dashes, at most `max_bytes` bytes
/// (cut at a dash when one keeps at least half). Letters of other scripts are kept.
///
/// Coder folders (`coding::coder_slug`) and session file names (`session_file::title_slug`)
/// are made by this: it must stay as it is (a changed slug would lose a coder's folder or
/// rename every note), not follow changes to `core::fold`.
pub fn name_slug(text: &str, max_bytes: usize) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    for c in text.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let mapped: &str = match c {
            'ß' => "ss",
            'æ' | 'Æ' => "ae",
            'ø' | 'Ø' => "o",
            'đ' | 'Đ' => "d",
            'ł' | 'Ł' => "l",
            'œ' | 'Œ' => "oe",
            _ => "",
        };
        let before = out.len();
        if !mapped.is_empty() {
            out.push_str(mapped);
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() > max_bytes {
            out.truncate(before);
            // Cut at the last dash when it keeps most of the slug: whole words read better.
            if let Some(dash) = out.rfind('-').filter(|&d| d >= max_bytes / 2) {
                out.truncate(dash);
            }
            break;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_flattens_and_cuts() {
        assert_eq!(one_line("a\n  b\tc", 10), "a b c");
        assert_eq!(one_line("Doña Ana county 🙂", 8), "Doña An…");
    }

    #[test]
    fn newlines_are_normalised() {
        assert_eq!(normalize_newlines("a\r\nb\rc\n"), "a\nb\nc\n");
        assert_eq!(normalize_newlines("\u{feff}x"), "x");
    }

    #[test]
    fn offsets_count_code_points() {
        let s = "Doña 🙂 我们";
        assert_eq!(char_slice(s, 3, 4), "a");
        assert_eq!(char_slice(s, 5, 6), "🙂");
        assert_eq!(char_slice(s, 7, 9), "我们");
        assert_eq!(byte_to_char(s, char_to_byte(s, 7)), 7);
        assert_eq!(char_slice(s, 7, 3), "");
        assert_eq!(char_slice(s, 8, 99), "们");
        assert_eq!(char_to_byte(s, 99), s.len());
        for i in 0..=s.chars().count() {
            assert_eq!(
                char_to_byte(s, i),
                s.char_indices().nth(i).map_or(s.len(), |(b, _)| b)
            );
        }
    }
}
