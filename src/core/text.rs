//! Text helpers shared by the core: line-ending normalisation and code-point offsets.
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

#[cfg(test)]
mod tests {
    use super::*;

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
