//! Inter-coder agreement: how reliably coders applied the themes, per theme and pooled, and the
//! passages where they differ (docs/agreement.md defines every figure with a worked example).
//!
//! - [`units`]: what is compared (code points, paragraphs or codings) and how codings rate it;
//! - [`stats`]: percent agreement, Cohen's κ, Krippendorff's α, Brennan–Prediger κ;
//! - [`done`]: done marks, the sessions a coder has finished;
//! - [`load`]: which coders and sessions are compared (done marks) and reading them;
//! - [`cache`]: what the figures need of each session, kept in `.ripple/` between runs;
//! - [`disagreements`]: each place the coders differ, with the text and who coded what;
//! - [`consensus`]: settling a disagreement into the consensus coder's ordinary codings.

pub mod cache;
pub mod consensus;
pub mod disagreements;
pub mod done;
pub mod load;
mod read;
pub mod stats;
pub mod units;

use crate::core::codebook::Codebook;
use crate::core::coding::{AnchorStatus, Coding};
use crate::core::session::SessionId;
use stats::{Figure, Table2, Tally};
use std::collections::HashMap;
pub use units::{Overlap, Unit};

/// One compared session: its note and each compared coder's codings of it.
#[derive(Clone, Debug)]
pub struct SessionCodings {
    pub session: SessionId,
    /// The note text (LF line endings), the codings attached to it.
    pub text: String,
    /// One list per compared coder, in the order of the comparison's coders.
    pub codings: Vec<Vec<Coding>>,
}

/// How to compare.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub unit: Unit,
    /// The segment-level match threshold (used with `Unit::Segment`).
    pub overlap: Overlap,
    /// Only these themes (compared keys); empty: every theme the coders used.
    pub themes: Vec<String>,
    /// Count every theme as its top-level ancestor (a child as its parent).
    pub roll_up: bool,
}

/// The figures of one theme, or of all themes pooled.
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    /// Units compared (rated by at least two coders). Pooled: the sum over the themes.
    pub units: u64,
    /// Two coders: who rated how many units present (pooled: the themes' tables added up).
    pub table: Option<Table2>,
    /// Percent agreement as a fraction (0.93 is 93 %).
    pub agreement: Figure,
    pub kappa: Figure,
    pub alpha: Figure,
    pub bp_kappa: Figure,
}

impl Figures {
    pub fn of(tally: &Tally) -> Figures {
        Figures {
            units: tally.units(),
            table: tally.table(),
            agreement: tally.agreement(),
            kappa: tally.kappa(),
            alpha: tally.alpha(),
            bp_kappa: tally.bp_kappa(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ThemeFigures {
    /// The compared theme key (with roll-up: the top-level theme).
    pub theme: String,
    pub figures: Figures,
}

/// The result of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub unit: Unit,
    pub overlap: Overlap,
    pub roll_up: bool,
    pub coders: Vec<String>,
    pub sessions: usize,
    /// In codebook order; themes not in the codebook last, by key.
    pub themes: Vec<ThemeFigures>,
    /// All themes pooled: per-theme decisions added up.
    pub all: Figures,
}

/// Maps a coding's theme to the theme it is compared as.
pub struct ThemeMap {
    roll_up: HashMap<String, String>,
    /// Codebook order of each key, for sorting.
    order: HashMap<String, usize>,
}

impl ThemeMap {
    pub fn new(codebook: &Codebook, roll_up: bool) -> ThemeMap {
        let mut map = HashMap::new();
        if roll_up {
            for t in &codebook.themes {
                if let Some(top) = codebook.ancestors(&t.key).last() {
                    map.insert(t.key.clone(), top.key.clone());
                }
            }
        }
        let order = codebook
            .tree()
            .into_iter()
            .enumerate()
            .map(|(i, (_, t))| (t.key.clone(), i))
            .collect();
        ThemeMap {
            roll_up: map,
            order,
        }
    }

    /// The key a coding of `theme` is compared under.
    pub fn compared<'a>(&'a self, theme: &'a str) -> &'a str {
        self.roll_up.get(theme).map_or(theme, String::as_str)
    }

    /// Sort keys: codebook order, then keys the codebook does not have, alphabetically.
    pub fn sort(&self, keys: &mut [String]) {
        keys.sort_by(|a, b| {
            let oa = self.order.get(a).copied().unwrap_or(usize::MAX);
            let ob = self.order.get(b).copied().unwrap_or(usize::MAX);
            oa.cmp(&ob).then_with(|| a.cmp(b))
        });
    }
}

/// Whether a coding takes part in comparisons: one whose words are lost (orphaned) has no
/// place in the note to compare.
pub fn comparable(c: &Coding) -> bool {
    c.status == AnchorStatus::Attached && c.start < c.end
}

/// The compared themes and each session's codings as spans over them.
pub(crate) struct Prepared {
    pub themes: Vec<String>,
    /// Per session, per coder.
    pub spans: Vec<Vec<Vec<units::Span>>>,
}

pub(crate) fn prepare(sessions: &[SessionCodings], map: &ThemeMap, opts: &Options) -> Prepared {
    prepare_marks(
        sessions.iter().map(|s| {
            s.codings
                .iter()
                .map(|cs| {
                    cs.iter()
                        .filter(|c| comparable(c))
                        .map(|c| (c.theme.as_str(), c.start, c.end))
                        .collect()
                })
                .collect()
        }),
        map,
        opts,
    )
}

/// [`prepare`] from each session's comparable codings as `(theme, start, end)`, per coder.
pub(crate) fn prepare_marks<'a>(
    sessions: impl Iterator<Item = Vec<Vec<(&'a str, usize, usize)>>>,
    map: &ThemeMap,
    opts: &Options,
) -> Prepared {
    // Themes in first-seen order, then sorted; spans re-indexed once the order is known.
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut keys: Vec<String> = Vec::new();
    for t in &opts.themes {
        if !index.contains_key(t) {
            index.insert(t.clone(), keys.len() as u32);
            keys.push(t.clone());
        }
    }
    let only_listed = !opts.themes.is_empty();
    let mut spans: Vec<Vec<Vec<units::Span>>> = Vec::new();
    for s in sessions {
        let mut per_coder = Vec::with_capacity(s.len());
        for codings in s {
            let mut v = Vec::with_capacity(codings.len());
            for (theme, start, end) in codings {
                let key = map.compared(theme);
                let t = match index.get(key) {
                    Some(&t) => t,
                    None if only_listed => continue,
                    None => {
                        let t = keys.len() as u32;
                        index.insert(key.to_string(), t);
                        keys.push(key.to_string());
                        t
                    }
                };
                v.push(units::Span {
                    theme: t,
                    start,
                    end,
                });
            }
            per_coder.push(v);
        }
        spans.push(per_coder);
    }
    let mut sorted = keys.clone();
    map.sort(&mut sorted);
    let new_index: HashMap<&str, u32> = sorted
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i as u32))
        .collect();
    let remap: Vec<u32> = keys.iter().map(|k| new_index[k.as_str()]).collect();
    for per_coder in &mut spans {
        for v in per_coder {
            for sp in v {
                sp.theme = remap[sp.theme as usize];
            }
        }
    }
    Prepared {
        themes: sorted,
        spans,
    }
}

/// How big a session is, in what the units need: its text, or the figures taken from it.
pub(crate) enum Size<'a> {
    Text(&'a str),
    Known {
        chars: usize,
        paragraphs: &'a [(usize, usize)],
    },
}

/// Compare `coders` (named in the order of each session's `codings`) on `sessions`.
pub fn compare(
    sessions: &[SessionCodings],
    coders: &[String],
    codebook: &Codebook,
    opts: &Options,
) -> Report {
    let map = ThemeMap::new(codebook, opts.roll_up);
    let prepared = prepare(sessions, &map, opts);
    let sizes = sessions.iter().map(|s| Size::Text(&s.text));
    tally_report(sizes, prepared, coders, opts)
}

pub(crate) fn tally_report<'a>(
    sizes: impl Iterator<Item = Size<'a>>,
    prepared: Prepared,
    coders: &[String],
    opts: &Options,
) -> Report {
    let m = coders.len();
    let mut tallies = vec![Tally::new(m); prepared.themes.len()];
    let mut total_units: u64 = 0;
    let mut sessions = 0;
    for (size, spans) in sizes.zip(&prepared.spans) {
        sessions += 1;
        debug_assert_eq!(spans.len(), m, "one list of codings per coder");
        let chars = || match &size {
            Size::Text(t) => t.chars().count(),
            Size::Known { chars, .. } => *chars,
        };
        match opts.unit {
            Unit::Char => {
                let len = chars();
                total_units += len as u64;
                units::char_tally(spans, len, &mut tallies);
            }
            Unit::Paragraph => {
                let owned;
                let paragraphs: &[(usize, usize)] = match &size {
                    Size::Text(t) => {
                        owned = units::paragraphs(t);
                        &owned
                    }
                    Size::Known { paragraphs, .. } => paragraphs,
                };
                total_units += paragraphs.len() as u64;
                let len = paragraphs.last().map_or(0, |p| p.1);
                units::paragraph_tally(spans, len, paragraphs, &mut tallies);
            }
            Unit::Segment => {
                units::segment_tally(spans, chars(), opts.overlap, &mut tallies);
            }
        }
    }
    if opts.unit != Unit::Segment {
        for t in &mut tallies {
            t.fill_absent(total_units);
        }
    }
    let mut pooled = Tally::new(m);
    for t in &tallies {
        pooled.add(t);
    }
    Report {
        unit: opts.unit,
        overlap: opts.overlap,
        roll_up: opts.roll_up,
        coders: coders.to_vec(),
        sessions,
        themes: prepared
            .themes
            .into_iter()
            .zip(&tallies)
            .map(|(theme, t)| ThemeFigures {
                theme,
                figures: Figures::of(t),
            })
            .collect(),
        all: Figures::of(&pooled),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::coding_store::{find_quote, new_coding};

    #[test]
    fn roll_up_counts_every_theme_as_its_top_level_theme() {
        let mut book = Codebook::builtin();
        let mut grand = crate::core::codebook::Theme::new("early-trust", "Early trust", "#1f8fd6");
        grand.parent = Some("trust".into());
        book.add(grand).unwrap();
        let text = "We trust La Casa now.";
        let id = SessionId("01jd3k8y6q2v0m5h4c7r9t1w2x".into());
        let at = |q: &str, theme: &str, coder: &str| {
            let (s, e) = find_quote(text, q, None).unwrap();
            new_coding(text, &id, s, e, theme, coder, "").unwrap()
        };
        let s = SessionCodings {
            session: id.clone(),
            text: text.into(),
            codings: vec![
                vec![at("trust La Casa", "early-trust", "A")],
                vec![at("trust La Casa", "communication", "B")],
            ],
        };
        let coders = ["A".to_string(), "B".to_string()];
        let exact = compare(
            std::slice::from_ref(&s),
            &coders,
            &book,
            &Options::default(),
        );
        let keys: Vec<&str> = exact.themes.iter().map(|t| t.theme.as_str()).collect();
        assert_eq!(
            keys,
            ["early-trust", "communication"],
            "codebook order, exact keys"
        );
        let rolled = compare(
            std::slice::from_ref(&s),
            &coders,
            &book,
            &Options {
                roll_up: true,
                ..Options::default()
            },
        );
        assert_eq!(rolled.themes.len(), 1);
        assert_eq!(rolled.themes[0].theme, "collaboration");
        assert_eq!(
            rolled.themes[0].figures.agreement,
            stats::Figure::Value(1.0)
        );
        // Only the listed themes, even one nobody used.
        let listed = compare(
            std::slice::from_ref(&s),
            &coders,
            &book,
            &Options {
                themes: vec!["roles".into(), "communication".into()],
                ..Options::default()
            },
        );
        let keys: Vec<&str> = listed.themes.iter().map(|t| t.theme.as_str()).collect();
        assert_eq!(keys, ["communication", "roles"]);
        assert_eq!(listed.themes[1].figures.units, 21);
        assert_eq!(listed.all.units, 42);
    }
}
