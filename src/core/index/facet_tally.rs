//! Facet counts over every match of a search, from a per-segment table read once.
//!
//! Every facet the index writes is `/agency/<name>`, `/month/<yyyy-mm>`, `/theme/<key>` (a
//! theme's ancestors are facets of their own, see `write`) or `/overlaps/<key>` (for queries
//! only, never counted). The counts are what tantivy's `FacetCollector` gives for the first
//! three roots: per child of the root, the matches carrying it (each match once).
//!
//! The table gives each document, per counted root, the id of its *set* of facets under that
//! root (documents share sets: one month, one agency or two, a theme with its ancestors), so
//! a match costs one increment per root, the same for every document, instead of one per facet
//! in a loop of varying length; the sets are opened into their facets once per query, at the
//! end, for the sets some match had.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fastfield::{AliveBitSet, FacetReader};
use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Query, Scorer, Weight};
use tantivy::schema::Facet;
use tantivy::{DocId, DocSet, Searcher, SegmentOrdinal, TERMINATED};
use tantivy_common::TinySet;

/// How many matches fall under each theme, agency and month (the search view's side panel).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FacetCounts {
    /// Per theme key (parents include their children), most first.
    pub themes: Vec<(String, u64)>,
    /// Per agency, most first.
    pub agencies: Vec<(String, u64)>,
    /// Per month ("2026-06"), in date order.
    pub months: Vec<(String, u64)>,
}

/// The roots counted, in the order of a document's sets in `FacetTable::doc_sets`.
const ROOTS: [&str; 3] = ["agency", "month", "theme"];

/// The facet tables of live segments, by segment and facet field.
pub(super) type FacetTables = Arc<Mutex<HashMap<(SegmentId, String), Arc<FacetTable>>>>;

/// One segment's facets, document by document, read from the facet column once and kept while
/// the segment lives (segments never change; deletions are left to the collector).
pub(super) struct FacetTable {
    /// Each document's set under each root of `ROOTS`, numbered from 0 within the root (each
    /// root has its own empty set).
    doc_sets: DocSets,
    /// The sets of root `r` are the sets `first_set[r]..` of `set_starts`.
    first_set: [u32; ROOTS.len()],
    /// Set `s` holds the facets `members[set_starts[s]..set_starts[s + 1]]` (indices into
    /// `names`, each once).
    set_starts: Vec<u32>,
    members: Vec<u32>,
    /// Each counted facet: the index of its root in `ROOTS`, and its value.
    names: Vec<(usize, Arc<str>)>,
}

/// The documents' sets, a document's three in one `u32` when they fit (a third of the memory a
/// count pass reads: the table is read at every match).
enum DocSets {
    /// Root `r`'s set is `(doc >> shift[r]) & mask[r]`.
    Packed {
        docs: Vec<u32>,
        shift: [u32; ROOTS.len()],
        mask: [u32; ROOTS.len()],
    },
    Wide(Vec<[u32; ROOTS.len()]>),
}

impl FacetTable {
    /// The table of a segment's facet column.
    fn read(reader: &FacetReader, max_doc: DocId) -> FacetTable {
        let mut facet = Facet::root();
        let names = (0..reader.num_facets() as u64)
            .map(|ord| {
                reader.facet_from_ord(ord, &mut facet).ok()?;
                match facet.to_path().as_slice() {
                    [root, value] => Some((ROOTS.iter().position(|r| r == root)?, *value)),
                    _ => None,
                }
                .map(|(root, value)| (root, value.to_string()))
            })
            .collect();
        FacetTable::build(names, (0..max_doc).map(|doc| reader.facet_ords(doc)), 32)
    }

    /// The table from what each facet ordinal names (`None`: not counted) and each document's
    /// ordinals (in any order, repeats allowed); packed when a document's sets fit in
    /// `packed_bits` bits (32 but in tests).
    fn build<D, O>(
        ordinal_names: Vec<Option<(usize, String)>>,
        docs: D,
        packed_bits: u32,
    ) -> FacetTable
    where
        D: IntoIterator<Item = O>,
        O: IntoIterator<Item = u64>,
    {
        // Counted ordinals renumbered densely, in ordinal order.
        let mut dense = vec![None; ordinal_names.len()];
        let mut names = Vec::new();
        for (ord, name) in ordinal_names.into_iter().enumerate() {
            if let Some((root, value)) = name {
                dense[ord] = Some(names.len() as u32);
                names.push((root, Arc::<str>::from(value)));
            }
        }
        // Per root, its sets (each a sorted list of facets) by number.
        let mut known: [HashMap<Vec<u32>, u32>; ROOTS.len()] = Default::default();
        let mut sets: [Vec<Vec<u32>>; ROOTS.len()] = Default::default();
        let mut wide = Vec::new();
        let mut parts: [Vec<u32>; ROOTS.len()] = Default::default();
        for ords in docs {
            parts.iter_mut().for_each(Vec::clear);
            for ord in ords {
                if let Some(&Some(i)) = dense.get(ord as usize) {
                    parts[names[i as usize].0].push(i);
                }
            }
            let mut doc = [0u32; ROOTS.len()];
            for (root, part) in parts.iter_mut().enumerate() {
                part.sort_unstable();
                part.dedup();
                doc[root] = match known[root].get(part.as_slice()) {
                    Some(&s) => s,
                    None => {
                        let s = sets[root].len() as u32;
                        sets[root].push(part.clone());
                        known[root].insert(part.clone(), s);
                        s
                    }
                };
            }
            wide.push(doc);
        }
        let mut first_set = [0u32; ROOTS.len()];
        let mut set_starts = vec![0u32];
        let mut members = Vec::new();
        for (root, root_sets) in sets.iter().enumerate() {
            first_set[root] = (set_starts.len() - 1) as u32;
            for set in root_sets {
                members.extend_from_slice(set);
                set_starts.push(members.len() as u32);
            }
        }
        // Bits for the numbers 0..n.
        let bits = |n: usize| usize::BITS - n.saturating_sub(1).leading_zeros();
        let widths = sets.each_ref().map(|s| bits(s.len()));
        let doc_sets = if widths.iter().sum::<u32>() <= packed_bits {
            let mut shift = [0u32; ROOTS.len()];
            for root in 1..ROOTS.len() {
                shift[root] = shift[root - 1] + widths[root - 1];
            }
            // A root of one set has no bits (and its shift may be 32, see `wrapping_shr`).
            let mask = widths.map(|w| u32::MAX.checked_shr(32 - w).unwrap_or(0));
            let docs = wide
                .iter()
                .map(|doc| (0..ROOTS.len()).fold(0u32, |p, r| p | doc[r].wrapping_shl(shift[r])))
                .collect();
            DocSets::Packed { docs, shift, mask }
        } else {
            DocSets::Wide(wide)
        };
        FacetTable {
            doc_sets,
            first_set,
            set_starts,
            members,
            names,
        }
    }

    fn sets(&self) -> usize {
        self.set_starts.len() - 1
    }

    fn members(&self, set: usize) -> &[u32] {
        &self.members[self.set_starts[set] as usize..self.set_starts[set + 1] as usize]
    }

    /// Adds each document's sets to `counts` (by set, `set_starts`' numbering).
    #[inline]
    fn count(&self, docs: &[DocId], counts: &mut [u32]) {
        let first = self.first_set;
        match &self.doc_sets {
            DocSets::Packed {
                docs: packed,
                shift,
                mask,
            } => {
                for &doc in docs {
                    let p = packed[doc as usize];
                    for r in 0..ROOTS.len() {
                        counts[(first[r] + (p.wrapping_shr(shift[r]) & mask[r])) as usize] += 1;
                    }
                }
            }
            DocSets::Wide(wide) => {
                for &doc in docs {
                    let sets = wide[doc as usize];
                    for r in 0..ROOTS.len() {
                        counts[(first[r] + sets[r]) as usize] += 1;
                    }
                }
            }
        }
    }
}

/// Counts the matches and, per facet of the counted roots in the kind's facet field, the
/// matches carrying it. It needs no scores, so the count and the facets are one pass that can
/// go block by block.
pub(super) struct FacetTally {
    /// The kind's facet field.
    pub(super) field: String,
    pub(super) tables: FacetTables,
}

pub(super) struct SegmentTally {
    table: Arc<FacetTable>,
    /// Matches per set of the table.
    counts: Vec<u32>,
    total: usize,
}

/// The matches and the counts of every facet some match carries.
#[derive(Default)]
pub(super) struct Tally {
    pub(super) total: usize,
    /// (root in `ROOTS`, value) → matches.
    counts: BTreeMap<(usize, Arc<str>), u64>,
}

impl Tally {
    /// The counts by root, in no particular order.
    pub(super) fn facet_counts(self) -> FacetCounts {
        let mut facets = FacetCounts::default();
        for ((root, value), n) in self.counts {
            let to = match ROOTS[root] {
                "agency" => &mut facets.agencies,
                "month" => &mut facets.months,
                _ => &mut facets.themes,
            };
            to.push((value.to_string(), n));
        }
        facets
    }
}

/// A lead term matching at least this share of a segment's documents (1 / 32) is intersected
/// window by window rather than document by document (tantivy's own threshold for counting
/// an intersection that way).
const DENSE_INVERSE: u32 = 32;

impl FacetTally {
    /// The tally of `query`'s matches; `must` are its clauses when they must all match (an
    /// intersection). Then, in a segment where the rarest clause is common enough, the matches
    /// are found 1,024 documents at a time: each clause's documents of the window as a bitset
    /// (walking its postings, no seeks), the bitsets ANDed, as tantivy counts such an
    /// intersection (`Count`), where going match by match would seek in every other clause
    /// at each match.
    pub(super) fn of_matches(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        must: Option<&[&dyn Query]>,
    ) -> tantivy::Result<Tally> {
        let scoring = EnableScoring::disabled_from_searcher(searcher);
        let weight = query.weight(scoring)?;
        let terms: Vec<Box<dyn Weight>> = match must {
            Some(terms) if terms.len() > 1 => terms
                .iter()
                .map(|t| t.weight(scoring))
                .collect::<tantivy::Result<_>>()?,
            _ => Vec::new(),
        };
        let mut fruits = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let ord = ord as SegmentOrdinal;
            let mut scorers = terms
                .iter()
                .map(|w| w.scorer(segment, 1.0))
                .collect::<tantivy::Result<Vec<_>>>()?;
            let lead = scorers.iter().map(|s| s.size_hint()).min().unwrap_or(0);
            if scorers.is_empty() || lead.saturating_mul(DENSE_INVERSE) < segment.num_docs() {
                fruits.push(self.collect_segment(weight.as_ref(), ord, segment)?);
            } else {
                let mut tally = self.for_segment(ord, segment)?;
                intersect_windows(&mut scorers, segment.alive_bitset(), &mut tally);
                fruits.push(tally.harvest());
            }
        }
        self.merge_fruits(fruits)
    }
}

/// Counts into `tally` the documents every scorer has (and not deleted), a window of 1,024
/// documents at a time.
fn intersect_windows(
    scorers: &mut [Box<dyn Scorer>],
    alive: Option<&AliveBitSet>,
    tally: &mut SegmentTally,
) {
    const WORDS: usize = 16; // tantivy's `BLOCK_NUM_TINYBITSETS`: 16 × 64 = 1,024 documents
    let mut docs: Vec<DocId> = Vec::with_capacity(WORDS * 64);
    // Every scorer is at or before `base` (`fill_bitset_block` seeks, and a seek may not go
    // back), and no match lies before it.
    let mut base = scorers.iter().map(|s| s.doc()).max().unwrap_or(TERMINATED);
    while base != TERMINATED {
        let mut window = [TinySet::EMPTY; WORDS];
        let mut next = base;
        for (i, scorer) in scorers.iter_mut().enumerate() {
            let mut bits = [TinySet::EMPTY; WORDS];
            // The scorer's first document past the window: no match lies before it.
            next = next.max(scorer.fill_bitset_block(base, &mut bits));
            if i == 0 {
                window = bits;
            } else {
                for (w, b) in window.iter_mut().zip(bits) {
                    *w = w.intersect(b);
                }
            }
        }
        docs.clear();
        for (i, word) in window.into_iter().enumerate() {
            let first = base + 64 * i as DocId;
            docs.extend(
                word.into_iter()
                    .map(|bit| first + bit)
                    .filter(|&doc| alive.is_none_or(|a| a.is_alive(doc))),
            );
        }
        tally.collect_block(&docs);
        base = next;
    }
}

impl Collector for FacetTally {
    type Fruit = Tally;
    type Child = SegmentTally;

    fn for_segment(
        &self,
        _: tantivy::SegmentOrdinal,
        segment: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentTally> {
        let key = (segment.segment_id(), self.field.clone());
        let cached = self.tables.lock().ok().and_then(|t| t.get(&key).cloned());
        let table = match cached {
            Some(t) => t,
            None => {
                let reader = segment.facet_reader(&self.field)?;
                let t = Arc::new(FacetTable::read(&reader, segment.max_doc()));
                if let Ok(mut tables) = self.tables.lock() {
                    tables.insert(key, t.clone());
                }
                t
            }
        };
        Ok(SegmentTally::new(table))
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Tally>) -> tantivy::Result<Tally> {
        let mut all = Tally::default();
        for fruit in fruits {
            all.total += fruit.total;
            for (facet, n) in fruit.counts {
                *all.counts.entry(facet).or_default() += n;
            }
        }
        Ok(all)
    }
}

impl SegmentTally {
    fn new(table: Arc<FacetTable>) -> SegmentTally {
        SegmentTally {
            counts: vec![0; table.sets()],
            table,
            total: 0,
        }
    }
}

impl SegmentCollector for SegmentTally {
    type Fruit = Tally;

    fn collect(&mut self, doc: DocId, _: tantivy::Score) {
        self.total += 1;
        self.table.count(&[doc], &mut self.counts);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.total += docs.len();
        self.table.count(docs, &mut self.counts);
    }

    fn harvest(self) -> Tally {
        let t = &*self.table;
        let mut per_facet = vec![0u64; t.names.len()];
        for (set, &n) in self.counts.iter().enumerate() {
            if n > 0 {
                for &i in t.members(set) {
                    per_facet[i as usize] += u64::from(n);
                }
            }
        }
        let counts = per_facet
            .iter()
            .zip(&t.names)
            .filter(|(&n, _)| n > 0)
            .map(|(&n, (root, value))| ((*root, value.clone()), n))
            .collect();
        Tally {
            total: self.total,
            counts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::core::test_rng::Rng;

    /// Ordinals 0..12: agencies, months, themes, overlaps (not counted), and the roots
    /// themselves (not counted), shuffled so that the roots' ordinals interleave.
    fn ordinal_names() -> Vec<Option<(usize, String)>> {
        let named = |root: usize, v: &str| Some((root, v.to_string()));
        vec![
            named(0, "La Casa"),
            named(2, "trust"),
            None, // `/overlaps/trust`
            named(1, "2026-01"),
            named(0, "東京"),
            named(2, "collaboration"),
            named(1, "2026-02"),
            None, // `/theme`
            named(2, "roles"),
            named(0, "CYFD"),
            named(1, "2026-03"),
            None, // `/overlaps/roles`
        ]
    }

    /// What the table's counts must be: per (root, value), the matched documents that carry it
    /// at least once, counted directly.
    fn recount(
        names: &[Option<(usize, String)>],
        docs: &[Vec<u64>],
        matched: &[DocId],
    ) -> BTreeMap<(usize, String), u64> {
        let mut out = BTreeMap::new();
        for &doc in matched {
            let mut seen: Vec<u64> = docs[doc as usize].clone();
            seen.sort_unstable();
            seen.dedup();
            for ord in seen {
                if let Some((root, value)) = &names[ord as usize] {
                    *out.entry((*root, value.clone())).or_default() += 1;
                }
            }
        }
        out
    }

    fn tally(table: &Arc<FacetTable>, matched: &[DocId], blocks: bool) -> Tally {
        let mut seg = SegmentTally::new(table.clone());
        if blocks {
            for chunk in matched.chunks(7) {
                seg.collect_block(chunk);
            }
        } else {
            for &doc in matched {
                seg.collect(doc, 1.0);
            }
        }
        seg.harvest()
    }

    fn plain(t: &Tally) -> BTreeMap<(usize, String), u64> {
        t.counts
            .iter()
            .map(|((root, value), n)| ((*root, value.to_string()), *n))
            .collect()
    }

    impl FacetTable {
        /// A document's set under each root.
        fn sets_of(&self, doc: usize) -> [u32; ROOTS.len()] {
            match &self.doc_sets {
                DocSets::Packed { docs, shift, mask } => {
                    [0, 1, 2].map(|r| docs[doc].wrapping_shr(shift[r]) & mask[r])
                }
                DocSets::Wide(wide) => wide[doc],
            }
        }
    }

    /// `n` ordinals, most named under a random root, some not counted.
    fn random_names(rng: &mut Rng, n: usize) -> Vec<Option<(usize, String)>> {
        (0..n)
            .map(|ord| (rng.below(6) > 0).then(|| (rng.below(ROOTS.len()), format!("v{ord}"))))
            .collect()
    }

    #[test]
    fn counts_equal_a_direct_recount_of_random_documents() {
        let mut rng = Rng(0x0DDB_A11C_0FFE_E123);
        let mut packed_wide = (0, 0);
        for round in 0..60 {
            // Few facets (few sets, narrow fields) to many (hundreds of sets a root).
            let names = match round % 3 {
                0 => ordinal_names(),
                1 => {
                    let n = 5 + rng.below(20);
                    random_names(&mut rng, n)
                }
                _ => {
                    let n = 40 + rng.below(40);
                    random_names(&mut rng, n)
                }
            };
            // Documents with 0 to 11 ordinals, repeats and unordered included.
            let docs: Vec<Vec<u64>> = (0..200 + round * 13)
                .map(|_| {
                    (0..rng.below(12))
                        .map(|_| rng.below(names.len()) as u64)
                        .collect()
                })
                .collect();
            let matched: Vec<DocId> = (0..docs.len() as DocId)
                .filter(|_| rng.below(3) > 0)
                .collect();
            let expected = recount(&names, &docs, &matched);
            // Packed into 32 bits where they fit, and never packed.
            for bits in [32, 0] {
                let table = Arc::new(FacetTable::build(names.clone(), docs.clone(), bits));
                match table.doc_sets {
                    DocSets::Packed {
                        docs: ref packed, ..
                    } => {
                        packed_wide.0 += 1;
                        assert_eq!(packed.len(), docs.len());
                    }
                    DocSets::Wide(ref wide) => {
                        packed_wide.1 += 1;
                        assert_eq!(wide.len(), docs.len());
                    }
                }
                for blocks in [false, true] {
                    let got = tally(&table, &matched, blocks);
                    assert_eq!(got.total, matched.len(), "round {round}");
                    assert_eq!(
                        plain(&got),
                        expected,
                        "round {round}, bits {bits}, blocks {blocks}"
                    );
                }
            }
        }
        // Both layouts were counted from.
        assert_eq!(packed_wide, (60, 60));
    }

    #[test]
    fn a_document_s_sets_are_packed_when_they_fit_in_32_bits() {
        // 2^11 agency sets (11 bits), one month set and one (empty) theme set (no bits).
        let names: Vec<Option<(usize, String)>> = (0..11)
            .map(|i| Some((0, format!("a{i}"))))
            .chain([Some((1, "2026-01".to_string()))])
            .collect();
        // Every subset of the 11 agencies, each with the month.
        let docs: Vec<Vec<u64>> = (0..1u64 << 11)
            .map(|bits| (0..11).filter(|i| bits >> i & 1 == 1).chain([11]).collect())
            .collect();
        let table = Arc::new(FacetTable::build(names.clone(), docs.clone(), 32));
        let DocSets::Packed { shift, mask, .. } = &table.doc_sets else {
            panic!("not packed");
        };
        assert_eq!(mask, &[(1 << 11) - 1, 0, 0]);
        assert_eq!(shift, &[0, 11, 11]);
        let all: Vec<DocId> = (0..docs.len() as DocId).collect();
        let got = tally(&table, &all, true);
        assert_eq!(plain(&got), recount(&names, &docs, &all));
        // Each agency is in half the subsets; the month in all.
        assert_eq!(got.counts[&(1, Arc::from("2026-01"))], 1 << 11);
        assert_eq!(got.counts[&(0, Arc::from("a7"))], 1 << 10);
        // With room for 10 bits only, the same documents are not packed, and count the same.
        let wide = Arc::new(FacetTable::build(names.clone(), docs, 10));
        assert!(matches!(wide.doc_sets, DocSets::Wide(_)));
        assert_eq!(plain(&tally(&wide, &all, false)), plain(&got));
    }

    #[test]
    fn a_facet_repeated_in_a_document_counts_once_and_uncounted_roots_are_left_out() {
        let names = ordinal_names();
        let docs = vec![
            vec![1, 1, 5, 2, 7, 0], // trust twice, collaboration, La Casa
            vec![5, 3, 3, 11],      // collaboration, 2026-01 twice
            vec![],                 // nothing
            vec![2, 7, 11],         // uncounted only
            vec![0, 9, 4, 6, 8, 1], // three agencies, a month, two themes
            vec![1, 5, 0, 3],       // the same sets as documents 0 and 1 share
        ];
        let table = Arc::new(FacetTable::build(names.clone(), docs.clone(), 32));
        // Sets are shared: document 5's theme set is document 0's.
        assert_eq!(table.sets_of(5)[2], table.sets_of(0)[2]);
        assert_eq!(table.sets_of(5)[0], table.sets_of(0)[0]);
        assert_eq!(table.sets_of(5)[1], table.sets_of(1)[1]);
        let got = tally(&table, &[0, 1, 2, 3, 4, 5], true);
        let want: BTreeMap<(usize, String), u64> = [
            ((0, "La Casa"), 3),
            ((0, "東京"), 1),
            ((0, "CYFD"), 1),
            ((1, "2026-01"), 2),
            ((1, "2026-02"), 1),
            ((2, "trust"), 3),
            ((2, "collaboration"), 3),
            ((2, "roles"), 1),
        ]
        .into_iter()
        .map(|((r, v), n)| ((r, v.to_string()), n))
        .collect();
        assert_eq!(plain(&got), want);
        assert_eq!(got.total, 6);
        // Only the documents matched count.
        let got = tally(&table, &[2, 3], false);
        assert!(got.counts.is_empty());
        assert_eq!(got.total, 2);
    }

    /// A test document's words (none once deleted) and facets.
    type Held = (Vec<&'static str>, Vec<Facet>);

    /// An index of three segments (with deletions) whose documents have words of every
    /// density and facets under every root, and what each holds.
    fn small_index() -> (tantivy::Index, Vec<Held>) {
        use tantivy::schema::{FacetOptions, Schema, INDEXED, TEXT};
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let id = schema.add_u64_field("id", INDEXED);
        let counts = schema.add_facet_field("counts", FacetOptions::default());
        let index = tantivy::Index::create_in_ram(schema.build());
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let mut rng = Rng(0x5EED_FACE_7A11_0001);
        // Word → share of documents (in 1/100): dense, middling, below 1/32, absent.
        let words: [(&str, usize); 5] = [
            ("often", 90),
            ("half", 50),
            ("some", 12),
            ("rare", 2),
            ("never", 0),
        ];
        let mut docs = Vec::new();
        for _segment in 0..3 {
            for _ in 0..2_600 + rng.below(300) {
                let have: Vec<&str> = words
                    .iter()
                    .filter(|(_, share)| rng.below(100) < *share)
                    .map(|(w, _)| *w)
                    .collect();
                let mut facets = vec![Facet::from_path([
                    "month",
                    ["2026-01", "2026-02"][rng.below(2)],
                ])];
                for _ in 0..rng.below(3) {
                    facets.push(Facet::from_path([
                        "agency",
                        ["La Casa", "東京", "a/b"][rng.below(3)],
                    ]));
                }
                for _ in 0..rng.below(4) {
                    let root = ["theme", "overlaps"][rng.below(2)];
                    facets.push(Facet::from_path([
                        root,
                        ["trust", "roles", "practice"][rng.below(3)],
                    ]));
                }
                let mut doc = tantivy::TantivyDocument::default();
                doc.add_text(text, have.join(" "));
                doc.add_u64(id, docs.len() as u64);
                for f in &facets {
                    doc.add_facet(counts, f.clone());
                }
                writer.add_document(doc).unwrap();
                docs.push((have, facets));
            }
            writer.commit().unwrap();
        }
        // About one document in ten deleted, across the segments.
        for (i, (words, _)) in docs.iter_mut().enumerate() {
            if rng.below(10) == 0 {
                writer.delete_term(tantivy::Term::from_field_u64(id, i as u64));
                words.clear(); // matches nothing from now on
            }
        }
        writer.commit().unwrap();
        (index, docs)
    }

    #[test]
    fn intersections_counted_by_windows_equal_a_direct_recount() {
        use tantivy::query::{BooleanQuery, Occur, TermQuery};
        use tantivy::schema::IndexRecordOption;
        let (index, docs) = small_index();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let text = index.schema().get_field("text").unwrap();
        let tally = FacetTally {
            field: "counts".into(),
            tables: FacetTables::default(),
        };
        let term = |w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                tantivy::Term::from_field_text(text, w),
                IndexRecordOption::Basic,
            ))
        };
        for words in [
            vec!["often", "half"],
            vec!["half", "often", "some"],
            vec!["often", "rare"],
            vec!["often", "never"],
            vec!["often", "often"],
        ] {
            let clauses: Vec<Box<dyn Query>> = words.iter().map(|w| term(w)).collect();
            let query = BooleanQuery::new(words.iter().map(|w| (Occur::Must, term(w))).collect());
            let must: Vec<&dyn Query> = clauses.iter().map(|c| c.as_ref()).collect();
            let got = tally.of_matches(&searcher, &query, Some(&must)).unwrap();
            // Recounted from what the documents hold (each facet once a document).
            let mut want: BTreeMap<(usize, String), u64> = BTreeMap::new();
            let mut total = 0;
            for (have, facets) in &docs {
                if !words.iter().all(|w| have.contains(w)) {
                    continue;
                }
                total += 1;
                let mut seen: Vec<&Facet> = facets.iter().collect();
                seen.sort();
                seen.dedup();
                for f in seen {
                    if let [root, value] = f.to_path().as_slice() {
                        if let Some(r) = ROOTS.iter().position(|x| x == root) {
                            *want.entry((r, value.to_string())).or_default() += 1;
                        }
                    }
                }
            }
            assert_eq!(got.total, total, "{words:?}");
            assert_eq!(plain(&got), want, "{words:?}");
            // The same as going match by match.
            let one_by_one = searcher.search(&query, &tally).unwrap();
            assert_eq!(one_by_one.total, total, "{words:?}");
            assert_eq!(plain(&one_by_one), want, "{words:?}");
        }
    }

    #[test]
    fn segments_add_up_by_name_not_by_ordinal() {
        // The same facet has different ordinals in different segments.
        let a = Arc::new(FacetTable::build(
            vec![Some((2, "trust".into())), Some((1, "2026-01".into()))],
            vec![vec![0, 1], vec![1]],
            32,
        ));
        let b = Arc::new(FacetTable::build(
            vec![
                Some((1, "2026-01".into())),
                Some((2, "roles".into())),
                Some((2, "trust".into())),
            ],
            vec![vec![2, 0], vec![1]],
            32,
        ));
        let collector = FacetTally {
            field: String::new(),
            tables: FacetTables::default(),
        };
        let all = collector
            .merge_fruits(vec![tally(&a, &[0, 1], true), tally(&b, &[0, 1], true)])
            .unwrap();
        assert_eq!(all.total, 4);
        let facets = all.facet_counts();
        assert_eq!(facets.months, vec![("2026-01".to_string(), 3)]);
        let mut themes = facets.themes;
        themes.sort();
        assert_eq!(
            themes,
            vec![("roles".to_string(), 1), ("trust".to_string(), 2)]
        );
        assert!(facets.agencies.is_empty());
    }
}
