//! Searching the index: hits in pages and orders, facet counts, snippets on each hit.

use super::facet_tally::FacetTally;
use super::query_plan::{highlight_terms, to_tantivy};
use super::snippet::SnippetMaker;
use super::terms::IndexTerms;
use super::{
    FacetCounts, Hit, HitKind, IndexError, Order, PassageTally, Results, SearchIndex, MAX_PAGE,
};
use crate::core::query::{self, Query};
use crate::core::session::{SessionId, SessionType};
use std::collections::HashSet;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query as TantivyQuery, TermQuery, TermSetQuery};
use tantivy::schema::{Field, Value};
use tantivy::TantivyDocument;

impl SearchIndex {
    /// Search. `limit` hits from `offset`, best first, with facet counts over all matches.
    pub fn search(
        &self,
        query: &Query,
        kind: HitKind,
        limit: usize,
        offset: usize,
    ) -> Result<Results, IndexError> {
        self.search_page(query, kind, limit, offset, true)
    }

    /// `search`, with facet counting optional: counting visits every match, so a caller that
    /// does not show counts (paging on, the CLI) can skip it.
    pub fn search_page(
        &self,
        query: &Query,
        kind: HitKind,
        limit: usize,
        offset: usize,
        with_facets: bool,
    ) -> Result<Results, IndexError> {
        self.search_ordered(query, kind, limit, offset, with_facets, Order::Relevance)
    }

    /// Every session that matches `query`, paged through `MAX_PAGE` at a time (for commands
    /// that select sessions by a query: export, agreement), in the index's order.
    pub fn matching_sessions(&self, query: &Query) -> Result<Vec<SessionId>, IndexError> {
        let mut out = Vec::new();
        loop {
            let page = self.search_page(query, HitKind::Sessions, MAX_PAGE, out.len(), false)?;
            let got = page.hits.len();
            out.extend(page.hits.into_iter().map(|h| h.session_id));
            if got < MAX_PAGE || out.len() >= page.total {
                return Ok(out);
            }
        }
    }

    /// `search_page` in the given order. `limit` is capped at `MAX_PAGE`. A damaged index
    /// gives `IndexError::Damaged` (never a panic, see `guard`).
    pub fn search_ordered(
        &self,
        query: &Query,
        kind: HitKind,
        limit: usize,
        offset: usize,
        with_facets: bool,
        order: Order,
    ) -> Result<Results, IndexError> {
        self.search_guarded(query, kind, limit, offset, with_facets, order, None)
    }

    /// `search_inner` with `limit` capped at `MAX_PAGE`, the offset kept within what an index
    /// can hold (tantivy's ids are u32: past them the page is empty), inside `guard`.
    #[allow(clippy::too_many_arguments)]
    fn search_guarded(
        &self,
        query: &Query,
        kind: HitKind,
        limit: usize,
        offset: usize,
        with_facets: bool,
        order: Order,
        within: Option<&[String]>,
    ) -> Result<Results, IndexError> {
        let limit = limit.min(MAX_PAGE);
        let offset = offset.min(u32::MAX as usize);
        self.guard(|| self.search_inner(query, kind, limit, offset, with_facets, order, within))
    }

    /// Every hit of `query`, confined to `sessions` when given, paged through `MAX_PAGE` at a
    /// time in one order (newest first), without facets: for exports, which must not stop at
    /// a page.
    pub fn every_hit(
        &self,
        query: &Query,
        kind: HitKind,
        sessions: Option<&[String]>,
    ) -> Result<Vec<Hit>, IndexError> {
        let mut out: Vec<Hit> = Vec::new();
        loop {
            let page = self.search_guarded(
                query,
                kind,
                MAX_PAGE,
                out.len(),
                false,
                Order::Newest,
                sessions,
            )?;
            let got = page.hits.len();
            out.extend(page.hits);
            if got < MAX_PAGE || out.len() >= page.total {
                return Ok(out);
            }
        }
    }

    /// `search_ordered` confined to the sessions named (by id): an analysis cell's sessions,
    /// from `sessions_with_passages`. Passages are the query's, in those sessions; sessions are
    /// those sessions, every one (the query, read in session mode, could leave some out: it
    /// only marks its words in their snippets).
    #[allow(clippy::too_many_arguments)]
    pub fn search_in_sessions(
        &self,
        query: &Query,
        kind: HitKind,
        limit: usize,
        offset: usize,
        with_facets: bool,
        order: Order,
        sessions: &[String],
    ) -> Result<Results, IndexError> {
        self.search_guarded(
            query,
            kind,
            limit,
            offset,
            with_facets,
            order,
            Some(sessions),
        )
    }

    /// The sessions (ids, sorted) that have, for some group of `groups`, a passage matching
    /// each query of the group (passage mode, each query on its own): with one group of one
    /// query, the sessions of its passages; with one group of two, the sessions that have
    /// passages of both (a co-occurrence cell at session level); one group per coder, the
    /// sessions where one coder's passages match each. Session ids come from the fast column.
    pub fn sessions_with_passages(&self, groups: &[Vec<Query>]) -> Result<Vec<String>, IndexError> {
        self.guard(|| {
            let searcher = self.reader.searcher();
            let mut all: HashSet<String> = HashSet::new();
            for group in groups {
                let mut common: Option<HashSet<String>> = None;
                for query in group {
                    let found = self.passage_sessions(&searcher, query)?;
                    common = Some(match common {
                        None => found,
                        Some(c) => c.intersection(&found).cloned().collect(),
                    });
                }
                all.extend(common.unwrap_or_default());
            }
            let mut out: Vec<String> = all.into_iter().collect();
            out.sort();
            Ok(out)
        })
    }

    /// The sessions of the passages matching `query`, by the `session_id` fast column.
    fn passage_sessions(
        &self,
        searcher: &tantivy::Searcher,
        query: &Query,
    ) -> Result<HashSet<String>, IndexError> {
        let q = self.compile(searcher, query, HitKind::Passages)?;
        let segments = searcher.segment_readers();
        // Each segment's distinct ordinals first, then each turned into its id once.
        let mut ords: Vec<HashSet<u64>> = vec![HashSet::new(); segments.len()];
        let mut columns = Vec::with_capacity(segments.len());
        for seg in segments {
            // Every document has a session id: a segment without the column is damaged.
            let column =
                seg.fast_fields()
                    .str("session_id")?
                    .ok_or_else(|| IndexError::Damaged {
                        path: self.dir.clone(),
                        reason: "a segment has no session_id column".into(),
                    })?;
            columns.push(column);
        }
        for addr in searcher.search(&q, &tantivy::collector::DocSetCollector)? {
            let seg = addr.segment_ord as usize;
            if let Some(ord) = columns[seg].ords().first(addr.doc_id) {
                ords[seg].insert(ord);
            }
        }
        let mut out = HashSet::new();
        for (column, ords) in columns.iter().zip(ords) {
            for ord in ords {
                let mut id = String::new();
                column.ord_to_str(ord, &mut id)?;
                out.insert(id);
            }
        }
        Ok(out)
    }

    /// Compile `query` for documents of `kind` without running it: its errors (an unknown
    /// theme) are found before other work.
    pub fn check(&self, query: &Query, kind: HitKind) -> Result<(), IndexError> {
        self.guard(|| {
            let searcher = self.reader.searcher();
            self.compile(&searcher, query, kind).map(|_| ())
        })
    }

    /// The query as tantivy runs it on documents of `kind`.
    fn compile(
        &self,
        searcher: &tantivy::Searcher,
        query: &Query,
        kind: HitKind,
    ) -> Result<Box<dyn TantivyQuery>, IndexError> {
        let terms = IndexTerms {
            searcher,
            vocabulary: &self.vocabulary,
        };
        Ok(to_tantivy(
            &query.ast,
            &self.fields,
            kind,
            &self.codebook,
            &terms,
            !self.reference_paths,
        )?)
    }

    /// How many documents of `kind` match `query` (no hits, no facets: one count).
    pub fn count_matches(&self, query: &Query, kind: HitKind) -> Result<usize, IndexError> {
        self.guard(|| {
            let searcher = self.reader.searcher();
            let q = self.compile(&searcher, query, kind)?;
            Ok(searcher.search(&q, &Count)?)
        })
    }

    /// What a passage search's matches add up to, in the units of docs/analysis.md: the
    /// codings it finds, their distinct spans `(session, start, end)` (the passages: the same
    /// words coded by two coders are one), and their distinct sessions. Reads every match's
    /// stored span, so it costs in proportion to the matches.
    pub fn passage_tally(&self, query: &Query) -> Result<PassageTally, IndexError> {
        self.guard(|| {
            let searcher = self.reader.searcher();
            let q = self.compile(&searcher, query, HitKind::Passages)?;
            let mut docs: Vec<tantivy::DocAddress> = searcher
                .search(&q, &tantivy::collector::DocSetCollector)?
                .into_iter()
                .collect();
            // In document order, so each stored block is read once.
            docs.sort();
            let f = &self.fields;
            let mut spans: HashSet<(String, u64, u64)> = HashSet::with_capacity(docs.len());
            let mut sessions: HashSet<String> = HashSet::new();
            for addr in &docs {
                let doc: TantivyDocument = searcher.doc(*addr)?;
                let session = doc
                    .get_first(f.session_id)
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                let num = |field: Field| doc.get_first(field).and_then(|v| v.as_u64());
                let (start, end) = (num(f.start).unwrap_or(0), num(f.end).unwrap_or(0));
                sessions.insert(session.clone());
                spans.insert((session, start, end));
            }
            Ok(PassageTally {
                codings: docs.len(),
                passages: spans.len(),
                sessions: sessions.len(),
            })
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn search_inner(
        &self,
        query: &Query,
        kind: HitKind,
        limit: usize,
        offset: usize,
        with_facets: bool,
        order: Order,
        within: Option<&[String]>,
    ) -> Result<Results, IndexError> {
        let f = &self.fields;
        let k = f.of(kind);
        let searcher = self.reader.searcher();
        let mut q = match (within, kind) {
            (Some(_), HitKind::Sessions) => self.compile(&searcher, &Query::all(), kind)?,
            _ => self.compile(&searcher, query, kind)?,
        };
        if let Some(ids) = within {
            let ids = TermSetQuery::new(
                ids.iter()
                    .map(|id| tantivy::Term::from_field_text(f.session_id, id)),
            );
            q = Box::new(BooleanQuery::new(vec![
                (Occur::Must, q),
                (Occur::Must, Box::new(ids)),
            ]));
        }
        // A query without words (fields, dates, exclusions) ranks nothing: every hit gets the
        // same score (a field's term would otherwise score by its frequency and the document's
        // length, so "agency:casa" would put single-agency sessions first), newest first.
        let wordless = !query::has_words(&query.ast);
        if wordless {
            q = Box::new(tantivy::query::ConstScoreQuery::new(q, 1.0));
        }
        let by_date = match order {
            Order::Newest => true,
            // Sessions confined to a cell are all of them, scored alike: newest first.
            _ if within.is_some() && kind == HitKind::Sessions => true,
            _ if wordless => true,
            Order::Score | Order::Relevance => false,
        };
        // A page past the last document is empty (and collecting up to it would cost memory
        // in proportion to the offset).
        let offset = offset.min(searcher.num_docs() as usize);
        let page = TopDocs::with_limit(limit.max(1)).and_offset(offset);
        let newest_first = |seg: &tantivy::SegmentReader| {
            // Newest first; among the same date, the better score.
            let dates = seg.fast_fields().date("date").ok();
            move |doc: tantivy::DocId, score: tantivy::Score| {
                let secs = dates
                    .as_ref()
                    .and_then(|c| c.first(doc))
                    .map_or(i64::MIN, |d| d.into_timestamp_secs());
                (secs, score)
            }
        };
        let by_score = |top: Vec<((i64, f32), tantivy::DocAddress)>| {
            top.into_iter()
                .map(|((_, score), a)| (score, a))
                .collect::<Vec<(f32, tantivy::DocAddress)>>()
        };
        let counts_field = format!("{}_counts", kind.prefix());
        let (total, top, facets) = if with_facets && self.reference_paths {
            let mut counts = FacetCollector::for_field(&counts_field);
            counts.add_facet("/agency");
            counts.add_facet("/month");
            counts.add_facet("/theme");
            let (total, top, fc) = if by_date {
                let top = page.tweak_score(newest_first);
                let (total, top, fc) = searcher.search(&q, &(Count, top, counts))?;
                (total, by_score(top), fc)
            } else {
                searcher.search(&q, &(Count, page.order_by_score(), counts))?
            };
            (total, top, facet_counts_of(&fc))
        } else if with_facets {
            // The count and the facets come from one unscored pass over the matches (tallied
            // from each segment's table of document facet sets, see `facet_tally`); the page
            // is found apart when block-max WAND can skip, otherwise in the same pass.
            let tally = FacetTally {
                field: counts_field,
                tables: self.facet_tables.clone(),
            };
            let (top, tally) = if by_date && q.downcast_ref::<TermQuery>().is_some() {
                // One posting list is cheap to walk twice, and the walk without scores counts
                // a block of matches at a time; walking an intersection or a range again costs
                // more than that saves, so those stay one pass.
                let top = searcher.search(&q, &page.tweak_score(newest_first))?;
                (by_score(top), searcher.search(&q, &tally)?)
            } else if by_date {
                let (top, tally) = searcher.search(&q, &(page.tweak_score(newest_first), tally))?;
                (by_score(top), tally)
            } else if prunes_alone(q.as_ref()) {
                let top = searcher.search(&q, &page.order_by_score())?;
                let must = must_clauses(q.as_ref());
                (
                    top,
                    tally.of_matches(&searcher, q.as_ref(), must.as_deref())?,
                )
            } else {
                searcher.search(&q, &(page.order_by_score(), tally))?
            };
            (tally.total, top, sorted(tally.facet_counts()))
        } else if by_date {
            let (total, top) = searcher.search(&q, &(Count, page.tweak_score(newest_first)))?;
            (total, by_score(top), FacetCounts::default())
        } else if prunes_alone(q.as_ref()) {
            // Counted apart, the top hits can skip blocks that cannot make the page, and
            // the count needs no scores (one term: the posting list's length).
            let top = searcher.search(&q, &page.order_by_score())?;
            (searcher.search(&q, &Count)?, top, FacetCounts::default())
        } else {
            let (total, top) = searcher.search(&q, &(Count, page.order_by_score()))?;
            (total, top, FacetCounts::default())
        };

        if with_facets && !self.reference_paths {
            // Forget the tables of segments merged away or deleted.
            let live: Vec<_> = searcher
                .segment_readers()
                .iter()
                .map(|s| s.segment_id())
                .collect();
            if let Ok(mut t) = self.facet_tables.lock() {
                t.retain(|(id, _), _| live.contains(id));
            }
        }

        let wanted = highlight_terms(&query.ast);
        let mut hits = Vec::new();
        if limit > 0 {
            let mut snippets = SnippetMaker::new(&wanted, k.text);
            for (score, addr) in top {
                let doc: TantivyDocument = searcher.doc(addr)?;
                hits.push(self.hit(&doc, kind, score, &mut snippets));
            }
            if !by_date {
                // Equal scores: newest first (within the page; tantivy breaks ties by position).
                hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.date.cmp(&a.date)));
            }
        }
        Ok(Results {
            total,
            hits,
            facets,
        })
    }

    fn hit(
        &self,
        doc: &TantivyDocument,
        kind: HitKind,
        score: f32,
        snippets: &mut SnippetMaker,
    ) -> Hit {
        let f = &self.fields;
        let k = f.of(kind);
        let text = |field: Field| -> String {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        let all = |field: Field| -> Vec<String> {
            doc.get_all(field)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        };
        let num = |field: Field| -> usize {
            doc.get_first(field)
                .and_then(|v| v.as_u64())
                .unwrap_or_default() as usize
        };
        let date = doc
            .get_first(f.date)
            .and_then(|v| v.as_datetime())
            .and_then(|d| chrono::DateTime::from_timestamp(d.into_timestamp_secs(), 0))
            .map(|d| d.date_naive())
            .unwrap_or_default();
        let body = text(f.body);
        let (shown, highlights, start, end) = match kind {
            HitKind::Passages => {
                let hl = snippets.highlight_whole(&body);
                let start = num(f.start);
                (body, hl, start, num(f.end))
            }
            HitKind::Sessions => {
                let (snip, hl, s, e) = snippets.snippet(&body);
                (snip, hl, s, e)
            }
        };
        let coding_id = text(f.coding_id);
        Hit {
            kind,
            session_id: SessionId(text(f.session_id)),
            coding_id: (!coding_id.is_empty()).then_some(coding_id),
            title: text(k.title),
            date,
            agencies: all(k.agency),
            session_type: SessionType::parse(&text(k.session_type)).unwrap_or_default(),
            county: text(k.county),
            facilitator: text(k.facilitator),
            themes: all(k.theme_key),
            coder: if kind == HitKind::Passages {
                text(k.coder)
            } else {
                String::new()
            },
            memo: text(k.memo),
            quote_or_snippet: shown,
            highlights,
            start,
            end,
            score,
        }
    }
}

/// Facet counts as the search view shows them: agencies and themes most first, months in
/// date order.
fn sorted(mut facets: FacetCounts) -> FacetCounts {
    facets
        .agencies
        .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    facets
        .themes
        .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    facets.months.sort();
    facets
}

/// The counts from tantivy's `FacetCollector` (the reference path).
fn facet_counts_of(fc: &tantivy::collector::FacetCounts) -> FacetCounts {
    let mut facets = FacetCounts::default();
    for (facet, n) in fc.get("/agency") {
        if let Some(name) = facet.to_path().last() {
            facets.agencies.push((name.to_string(), n));
        }
    }
    for (facet, n) in fc.get("/month") {
        if let Some(m) = facet.to_path().last() {
            facets.months.push((m.to_string(), n));
        }
    }
    for (facet, n) in fc.get("/theme") {
        if let Some(k) = facet.to_path().last() {
            facets.themes.push((k.to_string(), n));
        }
    }
    sorted(facets)
}

/// The clauses of a query whose clauses must all match (an intersection).
fn must_clauses(q: &dyn TantivyQuery) -> Option<Vec<&dyn TantivyQuery>> {
    let b = q.downcast_ref::<BooleanQuery>()?;
    let clauses = b.clauses();
    let all_must = !clauses.is_empty() && clauses.iter().all(|(o, _)| *o == Occur::Must);
    all_must.then(|| clauses.iter().map(|(_, c)| c.as_ref()).collect())
}

/// Whether tantivy can find this query's top hits by skipping blocks (block-max WAND): one
/// term, or terms that must all match, or terms of which any may match. Counting such a query
/// on its own is cheaper than counting while scoring; for anything else (phrases, ranges,
/// exclusions) one pass that counts and ranks together is cheaper than two.
fn prunes_alone(q: &dyn TantivyQuery) -> bool {
    if q.downcast_ref::<TermQuery>().is_some() {
        return true;
    }
    let Some(b) = q.downcast_ref::<BooleanQuery>() else {
        return false;
    };
    let clauses = b.clauses();
    let all_terms = clauses
        .iter()
        .all(|(_, c)| c.downcast_ref::<TermQuery>().is_some());
    let same_occur = clauses.iter().all(|(o, _)| *o == Occur::Must)
        || clauses.iter().all(|(o, _)| *o == Occur::Should);
    !clauses.is_empty() && all_terms && same_occur
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::index::schema::build_schema;
    use crate::core::index::IndexFields;
    use tantivy::schema::IndexRecordOption;
    use tantivy::Term;

    #[test]
    fn only_term_queries_are_counted_apart() {
        let schema = build_schema();
        let f = IndexFields::from_schema(&schema);
        let term = |w: &str| -> Box<dyn TantivyQuery> {
            Box::new(TermQuery::new(
                Term::from_field_text(f.sessions.text, w),
                IndexRecordOption::WithFreqs,
            ))
        };
        assert!(prunes_alone(term("trust").as_ref()));
        let and = BooleanQuery::new(vec![
            (Occur::Must, term("trust")),
            (Occur::Must, term("agenc")),
        ]);
        assert!(prunes_alone(&and));
        assert!(prunes_alone(&BooleanQuery::union(vec![
            term("trust"),
            term("roles")
        ])));
        let mixed = BooleanQuery::new(vec![
            (Occur::Must, term("trust")),
            (Occur::MustNot, term("court")),
        ]);
        assert!(!prunes_alone(&mixed));
        let phrase = tantivy::query::PhraseQuery::new(vec![
            Term::from_field_text(f.sessions.text, "safeti"),
            Term::from_field_text(f.sessions.text, "plan"),
        ]);
        assert!(!prunes_alone(&phrase));
    }
}
