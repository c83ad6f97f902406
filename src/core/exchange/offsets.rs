//! Selection offsets in imported text, and how the writer counted them.
//!
//! QDA-XML counts Unicode code points from 0 in the source's text file, half-open: Ripple's
//! own unit, over text with LF line endings. Writers differ where that is ambiguous: in a file
//! with CRLF line endings some count the CR (the file as written: the specification's reading),
//! one counts CRLF as one character, and a writer built on UTF-16 strings may count an emoji
//! as two. For each source the importer tries every reading that differs for its text, and
//! keeps the one under which the most selections cover the words their `name` quotes (ATLAS.ti
//! and Ripple name selections by their text); without such evidence, the specification's.

use crate::core::text::{char_slice, normalize_newlines};

/// A way of counting positions in a source's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Code points of the file as written (a CR LF pair counts two).
    CodePoints,
    /// Code points after CRLF became LF (Ripple's own offsets).
    CodePointsLf,
    /// UTF-16 code units of the file as written.
    Utf16,
    /// UTF-16 code units after CRLF became LF.
    Utf16Lf,
}

impl Unit {
    pub fn describe(self) -> &'static str {
        match self {
            Unit::CodePoints => "code points of the file as written",
            Unit::CodePointsLf => "code points with CRLF counted as one",
            Unit::Utf16 => "UTF-16 units (an emoji counts two)",
            Unit::Utf16Lf => "UTF-16 units with CRLF counted as one",
        }
    }
}

/// A source's text (byte-order mark dropped) with what is needed to map positions onto its
/// LF form.
pub struct SourceText {
    /// The text with LF line endings: what the session holds.
    pub lf: String,
    lf_len: usize,
    raw_len: usize,
    /// Code-point positions, in the text as written, of each CR that precedes an LF.
    crlf: Vec<usize>,
    /// UTF-16 positions at which a character outside the BMP starts (two units), in the text
    /// as written and in the LF text.
    astral_raw: Vec<usize>,
    astral_lf: Vec<usize>,
    /// Code-point position at which each line of the LF text starts.
    line_starts: Vec<usize>,
}

fn astral_starts(s: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut u = 0;
    for c in s.chars() {
        if c.len_utf16() == 2 {
            out.push(u);
        }
        u += c.len_utf16();
    }
    out
}

/// How many of the sorted `positions` are below `p`.
fn below(positions: &[usize], p: usize) -> usize {
    positions.partition_point(|&x| x < p)
}

impl SourceText {
    pub fn new(text: &str) -> SourceText {
        let raw = text.strip_prefix('\u{feff}').unwrap_or(text);
        let lf = normalize_newlines(raw);
        let mut crlf = Vec::new();
        if raw.contains('\r') {
            let mut prev_cr = None;
            for (i, c) in raw.chars().enumerate() {
                if c == '\n' {
                    if let Some(p) = prev_cr {
                        crlf.push(p);
                    }
                }
                prev_cr = (c == '\r').then_some(i);
            }
        }
        let ascii = raw.is_ascii();
        let line_starts = std::iter::once(0)
            .chain(if ascii {
                lf.match_indices('\n')
                    .map(|(i, _)| i + 1)
                    .collect::<Vec<_>>()
            } else {
                lf.chars()
                    .enumerate()
                    .filter(|&(_, c)| c == '\n')
                    .map(|(i, _)| i + 1)
                    .collect()
            })
            .collect();
        SourceText {
            line_starts,
            lf_len: if ascii { lf.len() } else { lf.chars().count() },
            raw_len: if ascii {
                raw.len()
            } else {
                raw.chars().count()
            },
            astral_raw: if ascii {
                Vec::new()
            } else {
                astral_starts(raw)
            },
            astral_lf: if ascii {
                Vec::new()
            } else {
                astral_starts(&lf)
            },
            crlf,
            lf,
        }
    }

    /// Length of the LF text in code points.
    pub fn len(&self) -> usize {
        self.lf_len
    }

    pub fn is_empty(&self) -> bool {
        self.lf_len == 0
    }

    /// The readings that give different answers for this text, the specification's first.
    pub fn units(&self) -> Vec<Unit> {
        let mut v = vec![Unit::CodePoints];
        if !self.crlf.is_empty() {
            v.push(Unit::CodePointsLf);
        }
        if !self.astral_raw.is_empty() {
            v.push(Unit::Utf16);
            if !self.crlf.is_empty() {
                v.push(Unit::Utf16Lf);
            }
        }
        v
    }

    /// A position counted in `unit` as a code-point position in the LF text; None when it is
    /// past the end or inside a character (half of a UTF-16 pair).
    pub fn to_lf(&self, unit: Unit, pos: usize) -> Option<usize> {
        let from_utf16 = |astral: &[usize], u: usize| -> Option<usize> {
            let n = below(astral, u);
            if n > 0 && astral[n - 1] + 1 == u {
                return None; // between the two halves of a pair
            }
            Some(u - n)
        };
        let from_raw =
            |p: usize| -> Option<usize> { (p <= self.raw_len).then(|| p - below(&self.crlf, p)) };
        let lf = match unit {
            Unit::CodePoints => from_raw(pos)?,
            Unit::CodePointsLf => pos,
            Unit::Utf16 => from_raw(from_utf16(&self.astral_raw, pos)?)?,
            Unit::Utf16Lf => from_utf16(&self.astral_lf, pos)?,
        };
        (lf <= self.lf_len).then_some(lf)
    }

    /// `[start, end)` in `unit` as a code-point range of the LF text, if it lies in the text.
    pub fn range(&self, unit: Unit, start: i64, end: i64) -> Option<(usize, usize)> {
        let s = usize::try_from(start).ok()?;
        let e = usize::try_from(end).ok()?;
        let (s, e) = (self.to_lf(unit, s)?, self.to_lf(unit, e)?);
        (s < e).then_some((s, e))
    }

    pub fn slice(&self, start: usize, end: usize) -> &str {
        char_slice(&self.lf, start, end)
    }

    /// Whether a selection's `name` confirms that `[a, b)` (LF code points) is what its writer
    /// selected: the words it quotes ([`quotes`]), or the line it names. qc names each
    /// selection `line:N` after the line it covers, lines counted from 0, the range running
    /// from the line's start to the start of the next (its line break included). None when the
    /// name tells nothing either way.
    pub fn confirms(&self, name: &str, a: usize, b: usize) -> Option<bool> {
        if let Some(n) = name.trim().strip_prefix("line:") {
            if let Ok(n) = n.trim().parse::<usize>() {
                let Some(&start) = self.line_starts.get(n) else {
                    return Some(false);
                };
                let next = self.line_starts.get(n + 1).copied();
                // The end of the line without its break, and with it.
                let bare = next.map_or(self.lf_len, |x| x - 1);
                let full = next.unwrap_or(self.lf_len);
                return Some(a == start && (b == bare || b == full));
            }
        }
        quotes(name, self.slice(a, b))
    }

    /// The reading under which the most `(start, end, name)` selections cover the words their
    /// name quotes (or the line it names), then the most fall inside the text; the specification's on a tie.
    pub fn choose_unit(&self, selections: &[(i64, i64, Option<&str>)]) -> Unit {
        let units = self.units();
        if units.len() == 1 {
            return units[0];
        }
        let mut best = (units[0], 0usize, 0usize);
        for (i, &unit) in units.iter().enumerate() {
            let mut quoted = 0;
            let mut inside = 0;
            for &(s, e, name) in selections {
                if let Some((a, b)) = self.range(unit, s, e) {
                    inside += 1;
                    if name.is_some_and(|n| self.confirms(n, a, b) == Some(true)) {
                        quoted += 1;
                    }
                }
            }
            if i == 0 || (quoted, inside) > (best.1, best.2) {
                best = (unit, quoted, inside);
            }
        }
        best.0
    }
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a selection's `name` quotes the words it covers: equal up to runs of white space,
/// or a prefix of them when the name ends in an ellipsis (ATLAS.ti shortens long quotes so).
/// None when the name is too short to tell (a label such as "Q1", or empty).
pub fn quotes(name: &str, covered: &str) -> Option<bool> {
    let n = name.trim();
    let (n, prefix) = match n.strip_suffix('…').or_else(|| n.strip_suffix("...")) {
        Some(head) => (head, true),
        None => (n, false),
    };
    let n = squeeze(n);
    if n.chars().count() < 3 {
        return None;
    }
    let c = squeeze(covered);
    Some(if prefix { c.starts_with(&n) } else { c == n })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_references_confirm_the_line_they_name() {
        let t = SourceText::new("zero\r\nDoña 🙂 one\r\ntwo");
        // Line 1 is "Doña 🙂 one" at LF code points [5, 15), its break at 15.
        assert_eq!(t.confirms("line:1", 5, 16), Some(true));
        assert_eq!(t.confirms("line:1", 5, 15), Some(true));
        assert_eq!(t.confirms("line:0", 0, 5), Some(true));
        assert_eq!(t.confirms("line:2", 16, 19), Some(true));
        assert_eq!(t.confirms("line:1", 4, 16), Some(false));
        assert_eq!(t.confirms("line:2", 5, 16), Some(false));
        assert_eq!(t.confirms("line:9", 5, 16), Some(false));
        // Not a line reference: read as a quote, or too short to tell.
        assert_eq!(t.confirms("Doña 🙂 one", 5, 15), Some(true));
        assert_eq!(t.confirms("Q1", 5, 15), None);
    }

    #[test]
    fn crlf_counted_as_written_maps_onto_the_lf_text() {
        let t = SourceText::new("\u{feff}ab\r\ncd\r\nef");
        assert_eq!(t.lf, "ab\ncd\nef");
        assert_eq!(t.units(), vec![Unit::CodePoints, Unit::CodePointsLf]);
        // "cd" is [4, 6) counting CR LF as two, [3, 5) in the LF text.
        assert_eq!(t.range(Unit::CodePoints, 4, 6), Some((3, 5)));
        assert_eq!(t.range(Unit::CodePointsLf, 3, 5), Some((3, 5)));
        // A boundary between CR and LF is the line break's position.
        assert_eq!(t.to_lf(Unit::CodePoints, 3), Some(2));
        assert_eq!(t.to_lf(Unit::CodePoints, 10), Some(8));
        assert_eq!(t.to_lf(Unit::CodePoints, 11), None);
        assert_eq!(t.range(Unit::CodePoints, 5, 5), None);
        assert_eq!(t.range(Unit::CodePoints, -1, 2), None);
    }

    #[test]
    fn utf16_counts_an_emoji_twice() {
        let t = SourceText::new("🙂 Doña 我们");
        assert_eq!(t.units(), vec![Unit::CodePoints, Unit::Utf16]);
        assert_eq!(t.range(Unit::CodePoints, 2, 6), Some((2, 6)));
        assert_eq!(t.range(Unit::Utf16, 3, 7), Some((2, 6)));
        assert_eq!(t.to_lf(Unit::Utf16, 1), None, "inside the emoji");
    }

    #[test]
    fn the_reading_the_names_confirm_wins_and_the_specification_otherwise() {
        let t = SourceText::new("first\r\nsecond line\r\nthird part");
        let lf = [(18, 28, Some("third part"))];
        assert_eq!(t.choose_unit(&lf), Unit::CodePointsLf);
        let raw = [(20, 30, Some("third part"))];
        assert_eq!(t.choose_unit(&raw), Unit::CodePoints);
        assert_eq!(t.choose_unit(&[(0, 5, Some("line:0"))]), Unit::CodePoints);
        assert_eq!(t.choose_unit(&[(0, 5, None)]), Unit::CodePoints);
    }

    #[test]
    fn names_quote_with_squeezed_space_and_ellipses() {
        assert_eq!(
            quotes("we  trust\neach other", "we trust each other"),
            Some(true)
        );
        assert_eq!(quotes("we trust…", "we trust each other"), Some(true));
        assert_eq!(quotes("we trust", "we trust each other"), Some(false));
        assert_eq!(quotes("Q1", "anything"), None);
    }
}
