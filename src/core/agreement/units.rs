//! The units of comparison and how coders' codings rate them.
//!
//! - `char`: every code point of every compared session. Counted with a sweep over the codings'
//!   boundaries: the stretch between two consecutive boundaries has the same ratings throughout,
//!   so it adds its length to one pattern at once ([`char_tally_naive`] is the per-code-point
//!   definition, kept to prove the sweep identical).
//! - `paragraph`: a maximal run of non-blank lines (a blank line is empty or whitespace only);
//!   a coder rates it "present" for a theme when one of their codings of the theme overlaps it
//!   by at least one code point.
//! - `segment`: every coding of every coder is a unit; its coder rates it present, and another
//!   coder does when they have a coding of the same theme whose overlap with it is at least the
//!   threshold share of the longer of the two spans.
//!
//! Only units some coder rated "present" are counted here; the units nobody coded (the
//! "neither" cell) are the rest of the total and are added by the caller.

use super::stats::Tally;
use std::fmt;
use std::str::FromStr;

/// A coded span of one coder, its theme as an index into the compared themes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub theme: u32,
    pub start: usize,
    pub end: usize,
}

/// What one unit of comparison is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Unit {
    #[default]
    Char,
    Paragraph,
    Segment,
}

impl Unit {
    pub fn key(self) -> &'static str {
        match self {
            Unit::Char => "char",
            Unit::Paragraph => "paragraph",
            Unit::Segment => "segment",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The share of the longer span two codings must share to match at segment level, held as an
/// exact fraction so that 7 of 10 code points meet 0.7 (in floating point 0.7 × 10 exceeds 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overlap {
    num: u64,
    den: u64,
}

impl Overlap {
    /// MAXQDA's default for segment comparison: 90 %.
    pub const DEFAULT: Overlap = Overlap { num: 9, den: 10 };

    /// `num / den`, which must be in (0, 1].
    pub fn new(num: u64, den: u64) -> Option<Overlap> {
        (den > 0 && num > 0 && num <= den).then_some(Overlap { num, den })
    }

    pub fn as_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// Whether `shared` code points are enough for spans of lengths `len_a` and `len_b`.
    pub fn met(self, shared: usize, len_a: usize, len_b: usize) -> bool {
        shared > 0
            && shared as u128 * self.den as u128 >= len_a.max(len_b) as u128 * self.num as u128
    }
}

impl Default for Overlap {
    fn default() -> Self {
        Overlap::DEFAULT
    }
}

impl fmt::Display for Overlap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_f64())
    }
}

impl FromStr for Overlap {
    type Err = String;

    /// A decimal in (0, 1] such as `0.9`, `1` or `.75`, or a percentage such as `90%`.
    fn from_str(s: &str) -> Result<Overlap, String> {
        let t = s.trim();
        let bad = || format!("`{s}` is not a share between 0 and 1 (such as 0.9 or 90%)");
        let (digits, percent) = match t.strip_suffix('%') {
            Some(p) => (p.trim(), true),
            None => (t, false),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if (int.is_empty() && frac.is_empty())
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || int.len() > 6
            || frac.len() > 9
        {
            return Err(bad());
        }
        let mut den = 10u64.pow(frac.len() as u32);
        let num = format!("{int}{frac}").parse::<u64>().unwrap_or(0);
        if percent {
            den *= 100;
        }
        let g = gcd(num, den);
        Overlap::new(num / g.max(1), den / g.max(1)).ok_or_else(bad)
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The paragraphs of a text as code-point ranges `[start, end)`: maximal runs of non-blank
/// lines, a blank line being empty or made only of whitespace (Unicode White_Space). A
/// paragraph runs from the start of its first line to the end of its last, without the final
/// line break.
pub fn paragraphs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0usize; // code point at the start of the current line
    let mut open: Option<usize> = None;
    let mut last_end = 0usize;
    for line in text.split('\n') {
        let len = line.chars().count();
        if line.chars().all(char::is_whitespace) {
            if let Some(s) = open.take() {
                out.push((s, last_end));
            }
        } else {
            open.get_or_insert(pos);
            last_end = pos + len;
        }
        pos += len + 1;
    }
    if let Some(s) = open {
        out.push((s, last_end));
    }
    out
}

/// Spans clamped to the note (`len` code points), empty ones dropped, grouped by theme and
/// sorted: `(theme, coder, start, end)`.
fn by_theme(coders: &[Vec<Span>], len: usize) -> Vec<(u32, usize, usize, usize)> {
    let mut all: Vec<(u32, usize, usize, usize)> = Vec::new();
    for (c, spans) in coders.iter().enumerate() {
        for s in spans {
            let (start, end) = (s.start.min(len), s.end.min(len));
            if start < end {
                all.push((s.theme, c, start, end));
            }
        }
    }
    all.sort_unstable_by_key(|&(t, c, s, e)| (t, s, e, c));
    all
}

/// Run `f` on each theme's group of `(theme, coder, start, end)`.
fn for_each_theme(
    all: &[(u32, usize, usize, usize)],
    mut f: impl FnMut(u32, &[(u32, usize, usize, usize)]),
) {
    let mut i = 0;
    while i < all.len() {
        let t = all[i].0;
        let j = i + all[i..].iter().take_while(|x| x.0 == t).count();
        f(t, &all[i..j]);
        i = j;
    }
}

/// Character units of one session of `len` code points, by sweeping the codings' boundaries:
/// adds to `tallies[theme]` the code points some coder coded with that theme, by pattern.
pub fn char_tally(coders: &[Vec<Span>], len: usize, tallies: &mut [Tally]) {
    let m = coders.len();
    let all = by_theme(coders, len);
    let mut events: Vec<(usize, usize, bool)> = Vec::new();
    let mut depth = vec![0u32; m];
    for_each_theme(&all, |t, group| {
        events.clear();
        for &(_, c, s, e) in group {
            events.push((s, c, true));
            events.push((e, c, false));
        }
        events.sort_unstable();
        depth.iter_mut().for_each(|d| *d = 0);
        let mut present = 0usize;
        let mut at = 0usize;
        let tally = &mut tallies[t as usize];
        for &(pos, c, opens) in &events {
            if pos > at && present > 0 {
                tally.add_full(present, depth[0] > 0, (pos - at) as u64);
            }
            at = pos;
            if opens {
                depth[c] += 1;
                if depth[c] == 1 {
                    present += 1;
                }
            } else {
                depth[c] -= 1;
                if depth[c] == 0 {
                    present -= 1;
                }
            }
        }
    });
}

/// The definition of character units, one code point at a time (for tests: too slow for use).
pub fn char_tally_naive(coders: &[Vec<Span>], len: usize, themes: usize) -> Vec<Tally> {
    let m = coders.len();
    let mut tallies = vec![Tally::new(m); themes];
    for (t, tally) in tallies.iter_mut().enumerate() {
        for p in 0..len {
            let ratings: Vec<Option<bool>> = coders
                .iter()
                .map(|spans| {
                    Some(
                        spans
                            .iter()
                            .any(|s| s.theme as usize == t && s.start <= p && p < s.end),
                    )
                })
                .collect();
            tally.add_unit(&ratings);
        }
    }
    tallies
}

/// Paragraph units of one session: adds to `tallies[theme]` the paragraphs some coder coded
/// with that theme, by pattern.
pub fn paragraph_tally(
    coders: &[Vec<Span>],
    len: usize,
    paragraphs: &[(usize, usize)],
    tallies: &mut [Tally],
) {
    let all = by_theme(coders, len);
    let mut hits: Vec<(usize, usize)> = Vec::new(); // (paragraph, coder)
    for_each_theme(&all, |t, group| {
        hits.clear();
        for &(_, c, s, e) in group {
            let first = paragraphs.partition_point(|p| p.1 <= s);
            for (i, p) in paragraphs.iter().enumerate().skip(first) {
                if p.0 >= e {
                    break;
                }
                hits.push((i, c));
            }
        }
        hits.sort_unstable();
        hits.dedup();
        let tally = &mut tallies[t as usize];
        let mut i = 0;
        while i < hits.len() {
            let p = hits[i].0;
            let n = hits[i..].iter().take_while(|h| h.0 == p).count();
            tally.add_full(n, hits[i].1 == 0, 1);
            i += n;
        }
    });
}

/// Whether coder `other`'s spans in `group` hold one that matches `[s, e)` at the threshold.
fn matched(
    group: &[(u32, usize, usize, usize)],
    other: usize,
    s: usize,
    e: usize,
    overlap: Overlap,
) -> bool {
    group.iter().any(|&(_, c, vs, ve)| {
        c == other && overlap.met(e.min(ve).saturating_sub(s.max(vs)), e - s, ve - vs)
    })
}

/// Segment units of one session: every coding is a unit, added to its theme's tally.
pub fn segment_tally(coders: &[Vec<Span>], len: usize, overlap: Overlap, tallies: &mut [Tally]) {
    let m = coders.len();
    let all = by_theme(coders, len);
    for_each_theme(&all, |t, group| {
        let tally = &mut tallies[t as usize];
        for &(_, c, s, e) in group {
            let rated = |o: usize| o == c || matched(group, o, s, e, overlap);
            let present = (0..m).filter(|&o| rated(o)).count();
            tally.add_full(present, rated(0), 1);
        }
    });
}

/// Ratings of one segment unit (`coder`'s coding `[s, e)` of `theme`) by every coder.
pub fn segment_ratings(
    coders: &[Vec<Span>],
    coder: usize,
    theme: u32,
    s: usize,
    e: usize,
    overlap: Overlap,
) -> Vec<bool> {
    (0..coders.len())
        .map(|o| {
            o == coder
                || coders[o].iter().any(|v| {
                    v.theme == theme
                        && overlap.met(
                            e.min(v.end).saturating_sub(s.max(v.start)),
                            e - s,
                            v.end - v.start,
                        )
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sp(theme: u32, start: usize, end: usize) -> Span {
        Span { theme, start, end }
    }

    #[test]
    fn paragraphs_are_runs_of_non_blank_lines() {
        let text = "Doña Ana 🙂\nsecond line\n\n  \t\nNew paragraph\n \nlast";
        let p = paragraphs(text);
        assert_eq!(p, vec![(0, 22), (28, 41), (44, 48)]);
        let chars: Vec<char> = text.chars().collect();
        let s = |(a, b): (usize, usize)| chars[a..b].iter().collect::<String>();
        assert_eq!(s(p[0]), "Doña Ana 🙂\nsecond line");
        assert_eq!(s(p[1]), "New paragraph");
        assert_eq!(s(p[2]), "last");
        assert_eq!(paragraphs(""), vec![]);
        assert_eq!(paragraphs("\n \n"), vec![]);
        assert_eq!(
            paragraphs("\u{3000}\nx\n"),
            vec![(2, 3)],
            "an ideographic space is blank"
        );
    }

    #[test]
    fn paragraph_units_count_any_overlap() {
        let text = "one\n\ntwo two\n\nthree";
        let paras = paragraphs(text);
        assert_eq!(paras, vec![(0, 3), (5, 12), (14, 19)]);
        // A codes the first word and, with one code point, the last paragraph; B codes the
        // middle paragraph; a coding of only the blank line counts nowhere.
        let a = vec![sp(0, 0, 2), sp(0, 12, 15)];
        let b = vec![sp(0, 6, 8), sp(0, 3, 5)];
        let mut t = vec![Tally::new(2)];
        paragraph_tally(&[a, b], 19, &paras, &mut t);
        t[0].fill_absent(3);
        assert_eq!(
            t[0].table(),
            Some(crate::core::agreement::stats::Table2 {
                both: 0,
                only_a: 2,
                only_b: 1,
                neither: 0
            })
        );
    }

    #[test]
    fn segment_units_match_at_the_threshold_of_the_longer_span() {
        // A [0,10) vs B [3,10): 7 shared of the longer 10 = 0.7.
        let coders = vec![vec![sp(0, 0, 10)], vec![sp(0, 3, 10)]];
        let at = |o: &str| {
            let mut t = vec![Tally::new(2)];
            segment_tally(&coders, 20, o.parse().unwrap(), &mut t);
            t[0].table().unwrap()
        };
        let met = at("0.7");
        assert_eq!(
            (met.both, met.only_a, met.only_b, met.neither),
            (2, 0, 0, 0),
            "7/10 meets 0.7 exactly"
        );
        let missed = at("0.71");
        assert_eq!((missed.both, missed.only_a, missed.only_b), (0, 1, 1));
        // A different theme never matches.
        let other = vec![vec![sp(0, 0, 10)], vec![sp(1, 0, 10)]];
        let mut t = vec![Tally::new(2), Tally::new(2)];
        segment_tally(&other, 20, Overlap::DEFAULT, &mut t);
        assert_eq!(t[0].table().unwrap().only_a, 1);
        assert_eq!(t[1].table().unwrap().only_b, 1);
    }

    #[test]
    fn overlap_parses_decimals_and_percentages_exactly() {
        assert_eq!("0.9".parse::<Overlap>(), Ok(Overlap::DEFAULT));
        assert_eq!("90%".parse::<Overlap>(), Ok(Overlap::DEFAULT));
        assert_eq!(
            ".5".parse::<Overlap>(),
            Overlap::new(1, 2).ok_or(String::new())
        );
        assert_eq!(
            "1".parse::<Overlap>(),
            Overlap::new(1, 1).ok_or(String::new())
        );
        for bad in ["0", "1.5", "-0.2", "abc", "", ".", "0.9.1", "150%"] {
            assert!(bad.parse::<Overlap>().is_err(), "{bad}");
        }
        assert!(Overlap::new(7, 10).unwrap().met(7, 10, 3));
        assert!(
            !Overlap::new(7, 10).unwrap().met(0, 0, 0),
            "nothing shared never matches"
        );
    }

    fn coders_spans(max_len: usize) -> impl Strategy<Value = (usize, Vec<Vec<Span>>)> {
        (1usize..max_len).prop_flat_map(|len| {
            let span = (0u32..3, 0..len + 3, 1usize..12).prop_map(move |(t, s, l)| Span {
                theme: t,
                start: s,
                end: s + l,
            });
            (
                Just(len),
                prop::collection::vec(prop::collection::vec(span, 0..6), 1..4),
            )
        })
    }

    proptest! {
        /// The sweep over boundaries gives exactly the per-code-point counts.
        #[test]
        fn char_sweep_equals_the_per_code_point_definition((len, coders) in coders_spans(60)) {
            let mut swept = vec![Tally::new(coders.len()); 3];
            char_tally(&coders, len, &mut swept);
            for t in &mut swept {
                t.fill_absent(len as u64);
            }
            let naive = char_tally_naive(&coders, len, 3);
            prop_assert_eq!(swept, naive);
        }

        /// Paragraph units against their definition, one paragraph at a time.
        #[test]
        fn paragraph_tally_equals_its_definition(
            lines in prop::collection::vec(prop_oneof![Just(""), Just("  "), Just("ab"), Just("ñ 🙂 x")], 0..10),
            (_, coders) in coders_spans(30),
        ) {
            let text = lines.join("\n");
            let len = text.chars().count();
            let paras = paragraphs(&text);
            let mut got = vec![Tally::new(coders.len()); 3];
            paragraph_tally(&coders, len, &paras, &mut got);
            for t in &mut got {
                t.fill_absent(paras.len() as u64);
            }
            let mut want = vec![Tally::new(coders.len()); 3];
            for (theme, tally) in want.iter_mut().enumerate() {
                for &(ps, pe) in &paras {
                    let r: Vec<Option<bool>> = coders.iter().map(|spans| Some(spans.iter().any(|s| {
                        s.theme as usize == theme && s.start.min(len) < pe && ps < s.end.min(len)
                    }))).collect();
                    tally.add_unit(&r);
                }
            }
            prop_assert_eq!(got, want);
        }
    }
}
