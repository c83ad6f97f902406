//! A parsed query (`core::query`) translated into tantivy queries over the index's fields, and
//! the terms its hits highlight, both through the index's analysis (`index::analysis`).

use crate::core::codebook::Codebook;
use crate::core::fold::fold;
use crate::core::index::analysis::{self, analyze};
use crate::core::index::schema::{HitKind, IndexFields, KindFields};
use crate::core::query::{ast_span, Ast, QueryError, Span, TextField, TextMatch};
use crate::core::text::{cjk_runs, has_cjk};
use chrono::{Duration, NaiveDate};
use std::collections::BTreeSet;
use std::ops::Bound;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    Bm25Weight, BooleanQuery, EmptyQuery, EmptyScorer, EnableScoring, Explanation, FuzzyTermQuery,
    Occur, PhrasePrefixQuery, PhraseQuery, Query as TantivyQuery, RangeQuery, Scorer, TermQuery,
    Weight,
};
use tantivy::schema::{Facet, Field as TantivyField, IndexRecordOption};
use tantivy::{DateTime, DocId, DocSet, Score, SeekDangerResult, SegmentReader, Term, TERMINATED};

/// How an AND reads its themes in passage mode. A passage has one theme, so `theme:trust
/// theme:communication` would find nothing; it finds instead the passages of the first theme
/// (the *anchor*: the first item made of themes alone, `theme:trust` or `(theme:trust OR
/// theme:roles)`) that overlap, by at least one code point, a passage (any coder's) of each
/// later theme. Every later item made of themes alone — a theme, an OR or AND of themes, or
/// one negated (`-theme:communication`: passages that overlap no communication passage) —
/// is read that way. Inside such an item, a theme above or below one of the anchor's
/// (`theme:collaboration theme:trust`) keeps its plain meaning. Unknown themes are left to the
/// translation, which reports them.
pub struct OverlapPlan {
    /// Per item of the AND: whether its themes are read as overlaps.
    pub items: Vec<bool>,
    /// The anchor's theme keys.
    anchors: Vec<String>,
}

impl OverlapPlan {
    pub fn of(items: &[Ast], codebook: &Codebook) -> OverlapPlan {
        let mut out = vec![false; items.len()];
        let Some(at) = items
            .iter()
            .position(|i| !matches!(i, Ast::Not(_)) && themes_only(i))
        else {
            return OverlapPlan {
                items: out,
                anchors: Vec::new(),
            };
        };
        let mut anchors = Vec::new();
        theme_keys(&items[at], codebook, &mut anchors);
        for (i, item) in items.iter().enumerate() {
            out[i] = i != at && (i > at || matches!(item, Ast::Not(_))) && themes_only(item);
        }
        OverlapPlan {
            items: out,
            anchors,
        }
    }

    /// Whether the theme `value`, inside an item read as overlaps, means "overlaps a passage
    /// of it" (false: its plain meaning, being above or below an anchor theme, or unknown).
    pub fn overlaps(&self, codebook: &Codebook, value: &str, span: Span) -> bool {
        let Ok(key) = resolve_theme(codebook, value, span) else {
            return false;
        };
        !self.anchors.iter().any(|a| {
            *a == key
                || codebook.ancestors(a).iter().any(|t| t.key == key)
                || codebook.ancestors(&key).iter().any(|t| t.key == *a)
        })
    }
}

/// Whether `ast` is made of themes alone (themes joined by AND, OR and NOT).
fn themes_only(ast: &Ast) -> bool {
    match ast {
        Ast::Theme { .. } => true,
        Ast::And(items) | Ast::Or(items) => items.iter().all(themes_only),
        Ast::Not(inner) => themes_only(inner),
        _ => false,
    }
}

/// The keys of the themes `ast` names (those the codebook knows).
fn theme_keys(ast: &Ast, codebook: &Codebook, out: &mut Vec<String>) {
    match ast {
        Ast::Theme { value, span } => out.extend(resolve_theme(codebook, value, *span)),
        Ast::And(items) | Ast::Or(items) => {
            for i in items {
                theme_keys(i, codebook, out);
            }
        }
        Ast::Not(inner) => theme_keys(inner, codebook, out),
        _ => {}
    }
}

/// The key of the theme a `theme:` value names (by key, name, or `parent/child` path).
pub fn resolve_theme(codebook: &Codebook, value: &str, span: Span) -> Result<String, QueryError> {
    let v = fold(value);
    let last = v.rsplit('/').next().unwrap_or(&v).to_string();
    let found = codebook.themes.iter().find(|t| {
        fold(&t.key) == last || fold(&t.name) == v || fold(&t.name).replace(' ', "-") == last
    });
    match found {
        Some(t) => Ok(t.key.clone()),
        None => {
            let keys: Vec<&str> = codebook.themes.iter().map(|t| t.key.as_str()).collect();
            Err(QueryError::new(
                if keys.is_empty() {
                    format!("unknown theme `{value}`: the codebook has no themes")
                } else {
                    format!("unknown theme `{value}`; themes are: {}", keys.join(", "))
                },
                span.start,
                span.end,
            ))
        }
    }
}

fn term_or_phrase(field: TantivyField, tokens: Vec<String>) -> Option<Box<dyn TantivyQuery>> {
    match tokens.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, &tokens[0]),
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(Box::new(ForwardOnly(Box::new(PhraseQuery::new(
            tokens
                .iter()
                .map(|t| Term::from_field_text(field, t))
                .collect(),
        ))))),
    }
}

fn prefix_query(field: TantivyField, prefix: &str) -> Box<dyn TantivyQuery> {
    let mut q = PhrasePrefixQuery::new(vec![Term::from_field_text(field, prefix)]);
    q.set_max_expansions(500);
    Box::new(ForwardOnly(Box::new(q)))
}

/// A phrase (or phrase-prefix) query whose scorer is never asked to seek behind the document
/// it is on. tantivy 0.27's phrase scorer asserts that it never is (in builds with debug
/// assertions, as tests and development builds are), but an exclusion asks anyway: in
/// `trust NOT "doña doña"`, a phrase that matches no note has run out before the first note
/// is checked against it, and the check panicked (found by fuzzing; tantivy issue #2811).
/// A seek to or behind the current document answers that document, as `DocSet::seek`
/// describes; a "danger" seek behind it answers that nothing matches before it, which holds
/// because the phrase's documents are those of its first term's postings, already past there.
#[derive(Debug)]
struct ForwardOnly(Box<dyn TantivyQuery>);

impl Clone for ForwardOnly {
    fn clone(&self) -> ForwardOnly {
        ForwardOnly(self.0.box_clone())
    }
}

impl TantivyQuery for ForwardOnly {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ForwardOnlyWeight(self.0.weight(scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor)
    }
}

struct ForwardOnlyWeight(Box<dyn Weight>);

impl Weight for ForwardOnlyWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ForwardOnlyScorer(self.0.scorer(reader, boost)?)))
    }

    fn scorer_danger(
        &self,
        reader: &SegmentReader,
        target: DocId,
        boost: Score,
    ) -> tantivy::Result<(SeekDangerResult, Box<dyn Scorer>)> {
        let (found, scorer) = self.0.scorer_danger(reader, target, boost)?;
        Ok((found, Box::new(ForwardOnlyScorer(scorer))))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

struct ForwardOnlyScorer(Box<dyn Scorer>);

impl DocSet for ForwardOnlyScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let doc = self.0.doc();
        if target <= doc {
            doc
        } else {
            self.0.seek(target)
        }
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        let doc = self.0.doc();
        if target < doc {
            SeekDangerResult::SeekLowerBound(doc)
        } else {
            self.0.seek_danger(target)
        }
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }

    fn cost(&self) -> u64 {
        self.0.cost()
    }
}

impl Scorer for ForwardOnlyScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}

/// A two-word phrase of running text answered from the word-pair field (`PAIR_TOKENIZER`):
/// the documents are the pair term's postings and the phrase's count in a document is the
/// term's frequency there, which are exactly the documents and counts of the phrase query
/// over `text`. The score is the phrase query's too: BM25 with the sum of the two words'
/// IDFs and the note's length, both from `text` (the pair field keeps no lengths), so
/// rankings do not change; only the position checks are gone.
#[derive(Clone, Debug)]
struct PairPhrase {
    /// The two words' terms in `text`, for the score.
    words: [Term; 2],
    pair: Term,
}

impl PairPhrase {
    fn new(text: TantivyField, pairs: TantivyField, stems: &[String]) -> PairPhrase {
        PairPhrase {
            words: [
                Term::from_field_text(text, &stems[0]),
                Term::from_field_text(text, &stems[1]),
            ],
            pair: Term::from_field_text(pairs, &analysis::pair_term(&stems[0], &stems[1])),
        }
    }
}

impl TantivyQuery for PairPhrase {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let bm25 = match scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(Bm25Weight::for_terms(statistics_provider, &self.words)?),
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(PairPhraseWeight {
            pair: self.pair.clone(),
            text: self.words[0].field(),
            bm25,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for w in &self.words {
            visitor(w, true);
        }
    }
}

struct PairPhraseWeight {
    pair: Term,
    text: TantivyField,
    bm25: Option<Bm25Weight>,
}

impl PairPhraseWeight {
    fn pair_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<PairScorer> {
        let postings = reader
            .inverted_index(self.pair.field())?
            .read_postings(&self.pair, IndexRecordOption::WithFreqs)?;
        let norms = match &self.bm25 {
            Some(_) => reader.fieldnorms_readers().get_field(self.text)?,
            None => None,
        };
        Ok(PairScorer {
            postings,
            norms: norms.unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1)),
            bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)),
        })
    }
}

impl Weight for PairPhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let s = self.pair_scorer(reader, boost)?;
        Ok(if s.postings.is_some() {
            Box::new(s)
        } else {
            Box::new(EmptyScorer)
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut s = self.pair_scorer(reader, 1.0)?;
        if s.postings.is_none() || s.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new("Word pair (phrase) scorer", s.score()))
    }
}

/// The pair term's postings, scored as the phrase would be. Never asked to seek behind the
/// document it is on (see `ForwardOnly`): a seek there answers that document.
struct PairScorer {
    postings: Option<SegmentPostings>,
    norms: FieldNormReader,
    bm25: Option<Bm25Weight>,
}

impl DocSet for PairScorer {
    fn advance(&mut self) -> DocId {
        self.postings.as_mut().map_or(TERMINATED, |p| p.advance())
    }

    fn seek(&mut self, target: DocId) -> DocId {
        match self.postings.as_mut() {
            Some(p) if target > p.doc() => p.seek(target),
            Some(p) => p.doc(),
            None => TERMINATED,
        }
    }

    fn doc(&self) -> DocId {
        self.postings.as_ref().map_or(TERMINATED, |p| p.doc())
    }

    fn size_hint(&self) -> u32 {
        self.postings.as_ref().map_or(0, |p| p.size_hint())
    }
}

impl Scorer for PairScorer {
    fn score(&mut self) -> Score {
        match (&self.bm25, &self.postings) {
            (Some(w), Some(p)) => w.score(self.norms.fieldnorm_id(p.doc()), p.term_freq()),
            _ => 1.0,
        }
    }
}

fn union(mut qs: Vec<Box<dyn TantivyQuery>>) -> Option<Box<dyn TantivyQuery>> {
    match qs.len() {
        0 => None,
        1 => qs.pop(),
        _ => Some(Box::new(BooleanQuery::union(qs))),
    }
}

/// The symbols of a word that has nothing else to search for (no letters, digits or CJK), or
/// None.
fn symbol_word(w: &str) -> Option<Vec<String>> {
    if w.chars().any(char::is_alphanumeric) {
        return None;
    }
    let tokens = analyze(analysis::SYMBOL_TOKENIZER, w);
    (!tokens.is_empty()).then_some(tokens)
}

/// The single folded token of a prefix / fuzzy word, or None if it has none.
fn single_plain_token(word: &str) -> Option<String> {
    analyze(analysis::PLAIN_TOKENIZER, word).into_iter().next()
}

fn date_term(field: TantivyField, d: NaiveDate) -> Term {
    let secs = d
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp();
    Term::from_field_date_for_search(field, DateTime::from_timestamp_secs(secs))
}

/// Translate the AST into a tantivy query for one kind of document (sessions or passages:
/// each has its own fields, see `schema::KindFields`). `theme:` values are resolved against the
/// codebook (an unknown theme is an error pointing at it).
pub fn to_tantivy(
    ast: &Ast,
    fields: &IndexFields,
    kind: HitKind,
    codebook: &Codebook,
    expander: &dyn TermExpander,
    pairs: bool,
) -> Result<Box<dyn TantivyQuery>, QueryError> {
    let t = Translator {
        fields,
        kind,
        f: fields.of(kind),
        codebook,
        expander,
        pairs,
    };
    Ok(match t.translate(ast)? {
        None if *ast == Ast::All => t.all(),
        // Only punctuation (or an OR with such a branch): answering with every document
        // would look like matches.
        None => return Err(nothing_to_search(ast)),
        Some(q) => t.bound(q),
    })
}

fn nothing_to_search(ast: &Ast) -> QueryError {
    let (start, end) = match ast {
        Ast::And(items) | Ast::Or(items) if !items.is_empty() => {
            let first = ast_span(&items[0]);
            let last = ast_span(&items[items.len() - 1]);
            (first.start, last.end)
        }
        a => {
            let s = ast_span(a);
            (s.start, s.end)
        }
    };
    QueryError::new(
        "nothing to search for: punctuation alone is not searched; add a word, a symbol or an emoji",
        start,
        end,
    )
}

/// The terms of a field that a prefix, a fuzzy word or a keyword phrase stands for, read from
/// the index's term dictionaries. Spelled out as plain terms, such a query is a union that
/// tantivy can rank by skipping blocks and count without scoring; left to an automaton it is a
/// constant-score scan of every matching document.
pub trait TermExpander {
    /// Terms starting with `prefix`, or `None` if there are more than `max`.
    fn prefixed(&self, field: TantivyField, prefix: &str, max: usize) -> Option<Vec<String>>;
    /// Terms within `distance` edits of `word` (a transposition counts as one), or `None` if
    /// there are more than `max`.
    fn fuzzy(
        &self,
        field: TantivyField,
        word: &str,
        distance: u8,
        max: usize,
    ) -> Option<Vec<String>>;
    /// Every term of a (small) field.
    fn all_terms(&self, field: TantivyField, max: usize) -> Option<Vec<String>>;
    /// Words of running text as written (folded, not stemmed: the index's vocabulary)
    /// starting with `prefix`, or `None` if there are more than `max`.
    fn words_prefixed(&self, prefix: &str, max: usize) -> Option<Vec<String>>;
    /// Words of running text as written within `distance` edits of `word`, or `None` if there
    /// are more than `max`.
    fn words_fuzzy(&self, word: &str, distance: u8, max: usize) -> Option<Vec<String>>;
}

/// Most terms a prefix or fuzzy word is spelled out into (beyond it stays an automaton).
const MAX_EXPANSIONS: usize = 500;
/// Most distinct values of a keyword field looked through for a phrase.
const MAX_KEYWORD_VALUES: usize = 5_000;

/// A translated query, and whether it can only match documents of the kind searched (the
/// shared `date` field matches both).
struct Translated {
    q: Box<dyn TantivyQuery>,
    bound: bool,
}

struct Translator<'a> {
    /// Two-word phrases in running text are looked up in the word-pair field.
    pairs: bool,
    fields: &'a IndexFields,
    kind: HitKind,
    f: &'a KindFields,
    codebook: &'a Codebook,
    expander: &'a dyn TermExpander,
}

impl Translator<'_> {
    /// Every document of the kind.
    fn all(&self) -> Box<dyn TantivyQuery> {
        self.kind.all_query(self.fields)
    }

    /// The query restricted to the kind, if it could match the other kind too.
    fn bound(&self, t: Translated) -> Box<dyn TantivyQuery> {
        if t.bound {
            t.q
        } else {
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, self.all()),
                (Occur::Must, t.q),
            ]))
        }
    }

    fn terms_union(field: TantivyField, terms: Vec<String>) -> Box<dyn TantivyQuery> {
        let mut qs: Vec<Box<dyn TantivyQuery>> = terms
            .iter()
            .map(|t| {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, t),
                    IndexRecordOption::WithFreqs,
                )) as Box<dyn TantivyQuery>
            })
            .collect();
        match qs.len() {
            0 => Box::new(EmptyQuery),
            1 => qs.pop().expect("one query"),
            _ => Box::new(BooleanQuery::union(qs)),
        }
    }

    fn prefix(&self, field: TantivyField, word: &str) -> Option<Box<dyn TantivyQuery>> {
        let t = single_plain_token(word)?;
        Some(match self.expander.prefixed(field, &t, MAX_EXPANSIONS) {
            Some(terms) => Self::terms_union(field, terms),
            None => prefix_query(field, &t),
        })
    }

    fn fuzzy(&self, field: TantivyField, word: &str, d: u8) -> Option<Box<dyn TantivyQuery>> {
        let t = single_plain_token(word)?;
        Some(match self.expander.fuzzy(field, &t, d, MAX_EXPANSIONS) {
            Some(terms) => Self::terms_union(field, terms),
            None => Box::new(FuzzyTermQuery::new(
                Term::from_field_text(field, &t),
                d,
                true,
            )),
        })
    }

    /// The stems of these words, looked up in a field of running text.
    fn stems_union(field: TantivyField, words: Vec<String>) -> Box<dyn TantivyQuery> {
        let stems: BTreeSet<String> = words.iter().map(|w| analysis::stem(w)).collect();
        Self::terms_union(field, stems.into_iter().collect())
    }

    /// A prefix in running text: the words as written that start with it (from the
    /// vocabulary), then every document holding a word of the same stem. Past
    /// `MAX_EXPANSIONS` words, stems starting with the prefix (a stem may be shorter than the
    /// prefix, so this can miss a few; it happens only for prefixes of one or two letters).
    fn text_prefix(&self, field: TantivyField, word: &str) -> Option<Box<dyn TantivyQuery>> {
        let t = single_plain_token(word)?;
        Some(match self.expander.words_prefixed(&t, MAX_EXPANSIONS) {
            Some(words) => Self::stems_union(field, words),
            None => prefix_query(field, &t),
        })
    }

    /// A fuzzy word in running text: the words as written within the distance (from the
    /// vocabulary), then every document holding a word of the same stem.
    fn text_fuzzy(&self, field: TantivyField, word: &str, d: u8) -> Option<Box<dyn TantivyQuery>> {
        let t = single_plain_token(word)?;
        Some(match self.expander.words_fuzzy(&t, d, MAX_EXPANSIONS) {
            Some(words) => Self::stems_union(field, words),
            None => Box::new(FuzzyTermQuery::new(
                Term::from_field_text(field, &analysis::stem(&t)),
                d,
                true,
            )),
        })
    }

    /// A word, phrase, prefix or fuzzy word in a field of running text (`INDEX_TOKENIZER`:
    /// the field holds the stem of each word, so words and phrases look up stems and prefix
    /// and fuzzy words go through the vocabulary), and in its CJK field if any.
    fn text(
        &self,
        m: &TextMatch,
        field: TantivyField,
        pairs: Option<TantivyField>,
        cjk_field: Option<TantivyField>,
    ) -> Option<Box<dyn TantivyQuery>> {
        match m {
            TextMatch::Word(w) | TextMatch::Phrase(w) => {
                let mut qs: Vec<Box<dyn TantivyQuery>> = Vec::new();
                let tokens = analyze(analysis::TEXT_TOKENIZER, w);
                match pairs.filter(|_| self.pairs && tokens.len() == 2) {
                    Some(pairs) => qs.push(Box::new(PairPhrase::new(field, pairs, &tokens))),
                    None => qs.extend(term_or_phrase(field, tokens)),
                }
                if let Some(cjk) = cjk_field {
                    if has_cjk(w) {
                        if let Some(q) = term_or_phrase(cjk, analyze(analysis::CJK_TOKENIZER, w)) {
                            qs.push(q);
                        }
                    }
                }
                union(qs)
            }
            TextMatch::Prefix(p) => self.text_prefix(field, p),
            TextMatch::Fuzzy(w, d) => self.text_fuzzy(field, w, *d),
        }
    }

    /// A word of symbols alone (an emoji, "★", "→"; with `*` or `~` too, which mean nothing
    /// to symbols): the notes holding those symbols, in that order.
    fn symbols(&self, m: &TextMatch) -> Option<Box<dyn TantivyQuery>> {
        let w = match m {
            TextMatch::Word(w) | TextMatch::Phrase(w) | TextMatch::Prefix(w) => w,
            TextMatch::Fuzzy(w, _) => w,
        };
        symbol_word(w).and_then(|tokens| term_or_phrase(self.f.symbols, tokens))
    }

    /// A phrase in a keyword field (agency, county, ...): the field's whole values that hold
    /// the phrase, looked up in its exact-value field, so `agency:"La Casa"` is one term
    /// rather than a check of word positions in every document naming an agency.
    fn keyword_phrase(
        &self,
        words: TantivyField,
        exact: TantivyField,
        tokens: Vec<String>,
    ) -> Option<Box<dyn TantivyQuery>> {
        if tokens.len() < 2 {
            return term_or_phrase(words, tokens);
        }
        let Some(values) = self.expander.all_terms(exact, MAX_KEYWORD_VALUES) else {
            return term_or_phrase(words, tokens);
        };
        let holding: Vec<String> = values
            .into_iter()
            .filter(|v| {
                analyze(analysis::PLAIN_TOKENIZER, v)
                    .windows(tokens.len())
                    .any(|w| w == tokens.as_slice())
            })
            .collect();
        Some(Self::terms_union(exact, holding))
    }

    /// An item of themes alone read as overlaps (`OverlapPlan`): each theme the plan reads
    /// so is the passages overlapping one of it (`/overlaps/<key>` in `counts`, written with
    /// every overlapping passage's theme and its ancestors); any other keeps its meaning.
    fn overlapping(
        &self,
        ast: &Ast,
        plan: &OverlapPlan,
    ) -> Result<Box<dyn TantivyQuery>, QueryError> {
        let f = self.f;
        Ok(match ast {
            Ast::Theme { value, span } if plan.overlaps(self.codebook, value, *span) => {
                let key = resolve_theme(self.codebook, value, *span)?;
                Box::new(TermQuery::new(
                    Term::from_facet(f.counts, &Facet::from_path(["overlaps", key.as_str()])),
                    IndexRecordOption::Basic,
                ))
            }
            Ast::Or(items) => Box::new(BooleanQuery::new(
                items
                    .iter()
                    .map(|i| Ok((Occur::Should, self.overlapping(i, plan)?)))
                    .collect::<Result<Vec<_>, QueryError>>()?,
            )),
            Ast::And(items) => {
                let mut clauses = vec![(Occur::Must, self.all())];
                for i in items {
                    clauses.push(match i {
                        Ast::Not(inner) => (Occur::MustNot, self.overlapping(inner, plan)?),
                        _ => (Occur::Must, self.overlapping(i, plan)?),
                    });
                }
                Box::new(BooleanQuery::new(clauses))
            }
            Ast::Not(inner) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, self.all()),
                (Occur::MustNot, self.overlapping(inner, plan)?),
            ])),
            _ => match self.translate(ast)? {
                Some(t) => t.q,
                None => self.all(),
            },
        })
    }

    /// `None` means "no constraint" (e.g. a word made only of punctuation).
    fn translate(&self, ast: &Ast) -> Result<Option<Translated>, QueryError> {
        let f = self.f;
        let bound = |q: Box<dyn TantivyQuery>| Translated { q, bound: true };
        Ok(match ast {
            Ast::All => None,
            Ast::Text { m, .. } => match self.text(m, f.text, Some(f.pairs), Some(f.cjk)) {
                Some(q) => Some(bound(q)),
                None => self.symbols(m).map(bound),
            },
            Ast::Field { field, m, .. } => {
                let (target, exact) = match field {
                    TextField::Title => (f.title, None),
                    TextField::Memo => (f.memo, None),
                    TextField::Agency => (f.agency, Some(f.agency_exact)),
                    TextField::County => (f.county, Some(f.county_exact)),
                    TextField::Facilitator => (f.facilitator, Some(f.facilitator_exact)),
                    TextField::Coder => (f.coder, Some(f.coder_exact)),
                    TextField::Tag => (f.tag, Some(f.tag_exact)),
                };
                let q = match (exact, m) {
                    (None, _) => self.text(m, target, None, None),
                    // Keyword fields are folded but not stemmed.
                    (Some(exact), TextMatch::Word(w) | TextMatch::Phrase(w)) => {
                        self.keyword_phrase(target, exact, analyze(analysis::PLAIN_TOKENIZER, w))
                    }
                    (Some(_), TextMatch::Prefix(p)) => self.prefix(target, p),
                    (Some(_), TextMatch::Fuzzy(w, d)) => self.fuzzy(target, w, *d),
                };
                Some(bound(q.unwrap_or_else(|| Box::new(EmptyQuery))))
            }
            Ast::Theme { value, span } => {
                // Each document lists every theme it is coded with and their ancestors
                // (`/theme/<key>` in `counts`), so a parent finds its children's passages.
                let key = resolve_theme(self.codebook, value, *span)?;
                Some(bound(Box::new(TermQuery::new(
                    Term::from_facet(f.counts, &Facet::from_path(["theme", key.as_str()])),
                    IndexRecordOption::Basic,
                ))))
            }
            Ast::Joint { joint, .. } => {
                // Sessions naming two different agencies: any pair of the index's whole
                // agency values.
                let values = self
                    .expander
                    .all_terms(f.agency_exact, MAX_KEYWORD_VALUES)
                    .unwrap_or_default();
                let mut pairs: Vec<Box<dyn TantivyQuery>> = Vec::new();
                for (i, a) in values.iter().enumerate() {
                    for b in &values[i + 1..] {
                        let t = |v: &str| -> Box<dyn TantivyQuery> {
                            Box::new(TermQuery::new(
                                Term::from_field_text(f.agency_exact, v),
                                IndexRecordOption::Basic,
                            ))
                        };
                        pairs.push(Box::new(BooleanQuery::new(vec![
                            (Occur::Must, t(a)),
                            (Occur::Must, t(b)),
                        ])));
                    }
                }
                let joint_q: Box<dyn TantivyQuery> = match pairs.len() {
                    0 => Box::new(EmptyQuery),
                    _ => Box::new(BooleanQuery::union(pairs)),
                };
                Some(bound(if *joint {
                    joint_q
                } else {
                    Box::new(BooleanQuery::new(vec![
                        (Occur::Must, self.all()),
                        (Occur::MustNot, joint_q),
                    ]))
                }))
            }
            Ast::Session { id, .. } => Some(Translated {
                q: Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.session_id, id),
                    IndexRecordOption::Basic,
                )),
                bound: false,
            }),
            Ast::Type { ty, .. } => Some(bound(Box::new(TermQuery::new(
                Term::from_field_text(f.session_type, ty.key()),
                IndexRecordOption::Basic,
            )))),
            Ast::Date { from, to, .. } => {
                let date = self.fields.date;
                let lower = match from {
                    Some(d) => Bound::Included(date_term(date, *d)),
                    None => Bound::Unbounded,
                };
                let upper = match to {
                    Some(d) => Bound::Excluded(date_term(date, *d + Duration::days(1))),
                    None => Bound::Unbounded,
                };
                Some(Translated {
                    q: Box::new(RangeQuery::new(lower, upper)),
                    bound: false,
                })
            }
            Ast::And(items) => {
                let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
                let mut is_bound = false;
                let plan = match self.kind {
                    HitKind::Passages => Some(OverlapPlan::of(items, self.codebook)),
                    HitKind::Sessions => None,
                };
                for (i, item) in items.iter().enumerate() {
                    if let Some(plan) = plan.as_ref().filter(|p| p.items[i]) {
                        match item {
                            Ast::Not(inner) => {
                                clauses.push((Occur::MustNot, self.overlapping(inner, plan)?))
                            }
                            _ => {
                                clauses.push((Occur::Must, self.overlapping(item, plan)?));
                                is_bound = true;
                            }
                        }
                        continue;
                    }
                    match item {
                        Ast::Not(inner) => {
                            if let Some(t) = self.translate(inner)? {
                                clauses.push((Occur::MustNot, t.q));
                            }
                        }
                        _ => {
                            if let Some(t) = self.translate(item)? {
                                is_bound |= t.bound;
                                clauses.push((Occur::Must, t.q));
                            }
                        }
                    }
                }
                if !is_bound {
                    clauses.push((Occur::Must, self.all()));
                }
                Some(bound(Box::new(BooleanQuery::new(clauses))))
            }
            Ast::Or(items) => {
                let mut qs = Vec::new();
                for item in items {
                    // An unconstrained branch makes the whole OR unconstrained.
                    match self.translate(item)? {
                        Some(t) => qs.push(self.bound(t)),
                        None => return Ok(None),
                    }
                }
                union(qs).map(bound)
            }
            Ast::Not(inner) => match self.translate(inner)? {
                Some(t) => Some(bound(Box::new(BooleanQuery::new(vec![
                    (Occur::Must, self.all()),
                    (Occur::MustNot, t.q),
                ])))),
                None => Some(bound(Box::new(EmptyQuery))),
            },
        })
    }
}

/// What a query asks to see highlighted: stemmed words and phrases, prefixes and fuzzy words
/// (their plain, unstemmed form), and CJK strings. Negated parts are left out.
#[derive(Clone, Debug, Default)]
pub struct HighlightTerms {
    pub stems: Vec<String>,
    pub prefixes: Vec<String>,
    pub fuzzy: Vec<(String, u8)>,
    pub cjk: Vec<String>,
    /// Symbols of words made only of symbols (highlighted wherever they occur).
    pub symbols: Vec<String>,
}

/// Collect the positive text terms of a query (for snippets: a non-fuzzy view of the query).
pub fn highlight_terms(ast: &Ast) -> HighlightTerms {
    let mut h = HighlightTerms::default();
    collect_highlights(ast, &mut h);
    h
}

fn collect_highlights(ast: &Ast, h: &mut HighlightTerms) {
    match ast {
        Ast::Text { m, .. } => match m {
            TextMatch::Word(w) | TextMatch::Phrase(w) => {
                h.stems.extend(analyze(analysis::TEXT_TOKENIZER, w));
                if has_cjk(w) {
                    h.cjk.extend(cjk_runs(w));
                }
                h.symbols.extend(symbol_word(w).unwrap_or_default());
            }
            TextMatch::Prefix(p) => {
                h.prefixes.extend(single_plain_token(p));
                h.symbols.extend(symbol_word(p).unwrap_or_default());
            }
            TextMatch::Fuzzy(w, d) => {
                if let Some(t) = single_plain_token(w) {
                    h.fuzzy.push((t, *d));
                }
                h.symbols.extend(symbol_word(w).unwrap_or_default());
            }
        },
        Ast::And(items) | Ast::Or(items) => {
            for i in items {
                collect_highlights(i, h);
            }
        }
        _ => {}
    }
}
