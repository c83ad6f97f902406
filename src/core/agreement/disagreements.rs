//! Where coders differ: each disagreement with its passage, its context and who coded what.
//!
//! Per session and compared theme, the coders' codings of the theme fall into clusters: sets
//! of codings joined by overlapping (sharing at least one code point). What counts as a
//! disagreement follows the unit:
//! - `char`: a cluster in which the coders did not code exactly the same code points;
//! - `segment`: a cluster holding a coding that another coder has no match for (overlap below
//!   the threshold share of the longer span);
//! - `paragraph`: a paragraph some coders coded with the theme and others did not.
//!
//! A disagreement whose codings the consensus coder has all settled ([`super::consensus`]) is
//! resolved and no longer listed.

use super::units::{paragraphs, Overlap, Unit};
use super::{comparable, Options, SessionCodings, ThemeMap};
use crate::core::codebook::Codebook;
use crate::core::coding::{Coding, CodingId, CONTEXT_CHARS};
use crate::core::session::SessionId;
use crate::core::text::char_slice;
use std::collections::{BTreeMap, HashSet};

/// The codings the consensus coder has decided on: (session, coding id). Their disagreements
/// are settled and no longer listed (see `consensus::Decisions::settled`).
#[derive(Clone, Debug, Default)]
pub struct Settled(HashSet<(String, String)>);

impl Settled {
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Settled {
        Settled(pairs.into_iter().collect())
    }

    pub fn contains(&self, session: &SessionId, id: &CodingId) -> bool {
        self.0.contains(&(session.0.clone(), id.0.clone()))
    }
}

/// A coding taking part in a disagreement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvolvedCoding {
    pub id: CodingId,
    /// The coding's own theme (with roll-up it may be a child of the compared theme).
    pub theme: String,
    pub start: usize,
    pub end: usize,
    pub quote: String,
    pub memo: String,
}

impl InvolvedCoding {
    fn of(c: &Coding) -> InvolvedCoding {
        InvolvedCoding {
            id: c.id.clone(),
            theme: c.theme.clone(),
            start: c.start,
            end: c.end,
            quote: c.quote.clone(),
            memo: c.memo.clone(),
        }
    }
}

/// What one coder did at a disagreement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    pub coder: String,
    /// Whether they coded the passage with the compared theme.
    pub coded: bool,
    /// Their codings of the compared theme in dispute.
    pub codings: Vec<InvolvedCoding>,
    /// Their codings of other themes overlapping the passage (what they coded instead).
    pub other: Vec<InvolvedCoding>,
}

impl Position {
    /// What this coder coded here, one item a coding: "trust [12, 40)", then what they coded
    /// instead, "instead roles [12, 30)". Empty when they coded nothing here.
    pub fn described(&self) -> Vec<String> {
        let span = |c: &InvolvedCoding| format!("{} [{}, {})", c.theme, c.start, c.end);
        self.codings
            .iter()
            .map(span)
            .chain(self.other.iter().map(|c| format!("instead {}", span(c))))
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disagreement {
    /// Stable while the codings involved stay the same: what `--resolve` and keys refer to.
    pub key: String,
    pub session: SessionId,
    /// The compared theme key.
    pub theme: String,
    /// The passage in dispute, code points, half-open.
    pub start: usize,
    pub end: usize,
    pub before: String,
    pub text: String,
    pub after: String,
    /// One per compared coder, in the comparison's order.
    pub positions: Vec<Position>,
}

impl Disagreement {
    /// Every coding of the compared theme taking part, with its coder's index.
    pub fn involved(&self) -> impl Iterator<Item = (usize, &InvolvedCoding)> {
        self.positions
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.codings.iter().map(move |c| (i, c)))
    }
}

/// A cluster of one theme's codings and whether the coders disagree in it.
pub(crate) struct Cluster<'a> {
    pub theme: String,
    pub start: usize,
    pub end: usize,
    /// (coder index, coding), by start.
    pub codings: Vec<(usize, &'a Coding)>,
    pub disputed: bool,
}

/// One session's comparable codings grouped by compared theme: (coder, coding) by start.
fn grouped<'a>(
    s: &'a SessionCodings,
    map: &ThemeMap,
    opts: &Options,
) -> BTreeMap<String, Vec<(usize, &'a Coding)>> {
    let mut by_theme: BTreeMap<String, Vec<(usize, &Coding)>> = BTreeMap::new();
    for (i, codings) in s.codings.iter().enumerate() {
        for c in codings.iter().filter(|c| comparable(c)) {
            let key = map.compared(&c.theme);
            if opts.themes.is_empty() || opts.themes.iter().any(|t| t == key) {
                by_theme.entry(key.to_string()).or_default().push((i, c));
            }
        }
    }
    for v in by_theme.values_mut() {
        v.sort_by_key(|(i, c)| (c.start, c.end, *i));
    }
    by_theme
}

/// Merged code-point ranges of one coder's codings.
fn coverage(codings: &[(usize, &Coding)], coder: usize) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (_, c) in codings.iter().filter(|(i, _)| *i == coder) {
        match out.last_mut() {
            Some(last) if c.start <= last.1 => last.1 = last.1.max(c.end),
            _ => out.push((c.start, c.end)),
        }
    }
    out
}

fn segment_unmatched(codings: &[(usize, &Coding)], coders: usize, overlap: Overlap) -> bool {
    codings.iter().any(|(x, u)| {
        (0..coders).filter(|o| o != x).any(|o| {
            !codings.iter().any(|(y, v)| {
                *y == o
                    && overlap.met(
                        u.end.min(v.end).saturating_sub(u.start.max(v.start)),
                        u.end - u.start,
                        v.end - v.start,
                    )
            })
        })
    })
}

/// The clusters of one session, each marked disputed or not under `opts.unit`, and for the
/// paragraph unit the disputed paragraphs with their codings.
pub(crate) fn clusters<'a>(
    s: &'a SessionCodings,
    coders: usize,
    map: &ThemeMap,
    opts: &Options,
) -> (Vec<Cluster<'a>>, Vec<Cluster<'a>>) {
    let mut clusters = Vec::new();
    let mut disputed_paragraphs = Vec::new();
    let paras = if opts.unit == Unit::Paragraph {
        paragraphs(&s.text)
    } else {
        Vec::new()
    };
    for (theme, group) in grouped(s, map, opts) {
        let mut i = 0;
        while i < group.len() {
            let mut end = group[i].1.end;
            let mut j = i + 1;
            while j < group.len() && group[j].1.start < end {
                end = end.max(group[j].1.end);
                j += 1;
            }
            let members = group[i..j].to_vec();
            let disputed = match opts.unit {
                Unit::Char => {
                    let first = coverage(&members, 0);
                    (1..coders).any(|c| coverage(&members, c) != first)
                }
                Unit::Segment => segment_unmatched(&members, coders, opts.overlap),
                // Decided per paragraph below.
                Unit::Paragraph => false,
            };
            clusters.push(Cluster {
                theme: theme.clone(),
                start: group[i].1.start,
                end,
                codings: members,
                disputed,
            });
            i = j;
        }
        if opts.unit == Unit::Paragraph {
            for &(ps, pe) in &paras {
                let members: Vec<(usize, &Coding)> = group
                    .iter()
                    .filter(|(_, c)| c.start < pe && ps < c.end)
                    .copied()
                    .collect();
                let n = (0..coders)
                    .filter(|k| members.iter().any(|(i, _)| i == k))
                    .count();
                if n > 0 && n < coders {
                    disputed_paragraphs.push(Cluster {
                        theme: theme.clone(),
                        start: ps,
                        end: pe,
                        codings: members,
                        disputed: true,
                    });
                }
            }
        }
    }
    if opts.unit == Unit::Paragraph {
        // A cluster is disputed when it reaches into a disputed paragraph of its theme.
        for c in &mut clusters {
            c.disputed = disputed_paragraphs
                .iter()
                .any(|p| p.theme == c.theme && c.start < p.end && p.start < c.end);
        }
        (clusters, disputed_paragraphs)
    } else {
        let disputed = clusters.iter().filter(|c| c.disputed).map(|c| Cluster {
            theme: c.theme.clone(),
            start: c.start,
            end: c.end,
            codings: c.codings.clone(),
            disputed: true,
        });
        let disputed: Vec<Cluster> = disputed.collect();
        (clusters, disputed)
    }
}

fn key_of(
    session: &SessionId,
    theme: &str,
    start: usize,
    end: usize,
    codings: &[(usize, &Coding)],
) -> String {
    let mut ids: Vec<&str> = codings.iter().map(|(_, c)| c.id.0.as_str()).collect();
    ids.sort_unstable();
    let text = format!(
        "{}|{theme}|{start}|{end}|{}",
        session.as_str(),
        ids.join(",")
    );
    format!("{:016x}", crate::core::settings::fnv1a64(text.as_bytes()))[..10].to_string()
}

/// Every unresolved disagreement among `coders` in `sessions`, by session, then position.
pub fn list(
    sessions: &[SessionCodings],
    coders: &[String],
    codebook: &Codebook,
    opts: &Options,
    settled: &Settled,
) -> Vec<Disagreement> {
    let map = ThemeMap::new(codebook, opts.roll_up);
    let mut out = Vec::new();
    for s in sessions {
        let (_, disputed) = clusters(s, coders.len(), &map, opts);
        let mut items: Vec<Disagreement> = disputed
            .into_iter()
            .filter(|d| {
                !d.codings
                    .iter()
                    .all(|(_, c)| settled.contains(&s.session, &c.id))
            })
            .map(|d| {
                let positions = coders
                    .iter()
                    .enumerate()
                    .map(|(i, name)| {
                        let codings: Vec<InvolvedCoding> = d
                            .codings
                            .iter()
                            .filter(|(k, _)| *k == i)
                            .map(|(_, c)| InvolvedCoding::of(c))
                            .collect();
                        let other = s.codings[i]
                            .iter()
                            .filter(|c| {
                                comparable(c)
                                    && map.compared(&c.theme) != d.theme
                                    && c.start < d.end
                                    && d.start < c.end
                            })
                            .map(InvolvedCoding::of)
                            .collect();
                        Position {
                            coder: name.clone(),
                            coded: !codings.is_empty(),
                            codings,
                            other,
                        }
                    })
                    .collect();
                Disagreement {
                    key: key_of(&s.session, &d.theme, d.start, d.end, &d.codings),
                    session: s.session.clone(),
                    theme: d.theme.clone(),
                    start: d.start,
                    end: d.end,
                    before: char_slice(&s.text, d.start.saturating_sub(CONTEXT_CHARS), d.start)
                        .to_string(),
                    text: char_slice(&s.text, d.start, d.end).to_string(),
                    after: char_slice(&s.text, d.end, d.end + CONTEXT_CHARS).to_string(),
                    positions,
                }
            })
            .collect();
        items.sort_by(|a, b| (a.start, a.end, &a.theme).cmp(&(b.start, b.end, &b.theme)));
        out.extend(items);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::coding_store::new_coding;

    const TEXT: &str = "We trust La Casa.\n\nThe supervisor calls weekly. 🙂 Doña Ana.";

    fn c(coder: &str, theme: &str, quote: &str) -> Coding {
        let (s, e) = crate::core::coding_store::find_quote(TEXT, quote, None).unwrap();
        new_coding(
            TEXT,
            &SessionId("01jd3k8y6q2v0m5h4c7r9t1w2x".into()),
            s,
            e,
            theme,
            coder,
            "",
        )
        .unwrap()
    }

    fn session(a: Vec<Coding>, b: Vec<Coding>) -> SessionCodings {
        SessionCodings {
            session: SessionId("01jd3k8y6q2v0m5h4c7r9t1w2x".into()),
            text: TEXT.into(),
            codings: vec![a, b],
        }
    }

    fn listed(s: &SessionCodings, unit: Unit, overlap: &str) -> Vec<Disagreement> {
        let opts = Options {
            unit,
            overlap: overlap.parse().unwrap(),
            ..Options::default()
        };
        list(
            std::slice::from_ref(s),
            &["A".into(), "B".into()],
            &Codebook::builtin(),
            &opts,
            &Settled::default(),
        )
    }

    #[test]
    fn each_unit_finds_its_own_disagreements() {
        let s = session(
            vec![
                c("A", "trust", "trust La Casa"),
                c("A", "communication", "calls weekly"),
            ],
            vec![
                c("B", "trust", "trust"),
                c("B", "roles", "supervisor calls"),
            ],
        );
        // Characters: trust differs in extent; communication and roles are each one coder's, and
        // B's roles coding overlaps A's communication coding.
        let chars = listed(&s, Unit::Char, "0.9");
        let themes: Vec<&str> = chars.iter().map(|d| d.theme.as_str()).collect();
        assert_eq!(themes, ["trust", "roles", "communication"]);
        let trust = &chars[0];
        assert_eq!(
            (trust.text.as_str(), trust.before.as_str()),
            ("trust La Casa", "We ")
        );
        assert_eq!(trust.positions[1].codings[0].quote, "trust");
        let comm = &chars[2];
        assert!(!comm.positions[1].coded);
        assert_eq!(
            comm.positions[1].other[0].theme, "roles",
            "what B coded instead"
        );
        // Paragraphs: both coded trust in the first paragraph, so only the second differs.
        let paras = listed(&s, Unit::Paragraph, "0.9");
        let themes: Vec<&str> = paras.iter().map(|d| d.theme.as_str()).collect();
        assert_eq!(themes, ["communication", "roles"]);
        assert_eq!(paras[0].text, "The supervisor calls weekly. 🙂 Doña Ana.");
        // Segments: "trust" shares 5 of 13 code points with "trust La Casa": a match at 0.3.
        assert_eq!(listed(&s, Unit::Segment, "0.9").len(), 3);
        assert_eq!(listed(&s, Unit::Segment, "0.3").len(), 2);
        // Keys are stable and distinct.
        let again = listed(&s, Unit::Char, "0.9");
        assert_eq!(chars[0].key, again[0].key);
        assert_ne!(chars[0].key, chars[1].key);
    }

    #[test]
    fn settled_codings_hide_a_disagreement_until_a_new_coding_joins_it() {
        let a = c("A", "trust", "trust La Casa");
        let b = c("B", "trust", "trust");
        let s = session(vec![a.clone()], vec![b.clone()]);
        let decisions = crate::core::agreement::consensus::Decisions {
            coder: "consensus".into(),
            decisions: vec![crate::core::agreement::consensus::Decision {
                session: s.session.0.clone(),
                theme: "trust".into(),
                accepted: vec!["A".into()],
                codings: vec![a.id.0.clone(), b.id.0.clone()],
                at: chrono::Utc::now(),
            }],
        };
        let settled = decisions.settled();
        let opts = Options::default();
        let coders = ["A".to_string(), "B".to_string()];
        let book = Codebook::builtin();
        assert!(list(std::slice::from_ref(&s), &coders, &book, &opts, &settled).is_empty());
        let later = session(vec![a], vec![b, c("B", "trust", "La Casa.")]);
        assert_eq!(
            list(
                std::slice::from_ref(&later),
                &coders,
                &book,
                &opts,
                &settled
            )
            .len(),
            1
        );
    }
}
