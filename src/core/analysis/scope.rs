//! What an analysis counts: a query of the query language (docs/query-language.md) and the
//! coders taken. The query is answered over the corpus in memory with the search index's own
//! analysis (the same folding, stems and irregular forms, the same word-by-word keyword
//! fields), so a session counts when a session search finds it and a coding when a passage
//! search finds it; `tests/it/analysis.rs` checks the two agree.

use super::corpus::{tokenize, Corpus, CorpusCoding, Selection};
use super::dimension::is_joint;
use crate::core::coding::same_coder;
use crate::core::index::analysis::{self, analyze, is_symbol, stem};
use crate::core::index::query_plan::{resolve_theme, OverlapPlan};
use crate::core::query::{self, Ast, TextField, TextMatch};
use crate::core::text::{cjk_runs, has_cjk};
use std::collections::{BTreeSet, HashSet};

/// What is counted: sessions and passages matching `query` (all without one), coded by
/// `coders` (every coder read when empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    pub query: Option<String>,
    pub coders: Vec<String>,
}

/// A value of a word-by-word field, exactly: the value, minus every other value of `others`
/// that holds it (`agency:"La Casa" -agency:"La Casa Nueva"`).
pub(crate) fn exact_field(name: &str, value: &str, others: &[String]) -> String {
    use crate::core::fold::fold;
    let words = |v: &str| -> Vec<String> { analyze(analysis::PLAIN_TOKENIZER, v) };
    let mine = words(value);
    let field = |name: &str, value: &str| format!("{name}:{}", query::quote_value(value));
    let mut q = field(name, value);
    for o in others {
        let theirs = words(o);
        if fold(o) != fold(value)
            && theirs != mine
            && theirs
                .windows(mine.len().max(1))
                .any(|w| w == mine.as_slice())
        {
            q.push_str(&format!(" -{}", field(name, o)));
        }
    }
    if q.contains(" -") {
        format!("({q})")
    } else {
        q
    }
}

impl Scope {
    pub fn query(q: &str) -> Scope {
        Scope {
            query: (!q.trim().is_empty()).then(|| q.to_string()),
            coders: Vec::new(),
        }
    }

    /// The query text, empty when there is none.
    pub fn query_text(&self) -> &str {
        self.query.as_deref().unwrap_or("").trim()
    }

    /// The scope as parts of a cell's query: the query in parentheses, and the coders as one
    /// group of `coder:` values, each exact against `all_coders` (`coder:"Ana"` alone also
    /// finds "Ana Ortiz"). Empty parts are left out.
    pub fn query_parts(&self, all_coders: &[String]) -> Vec<String> {
        let mut parts = Vec::new();
        let q = self.query_text();
        if !q.is_empty() {
            parts.push(format!("({q})"));
        }
        if !self.coders.is_empty() {
            let ors: Vec<String> = self
                .coders
                .iter()
                .map(|c| exact_field("coder", c, all_coders))
                .collect();
            parts.push(format!("({})", ors.join(" OR ")));
        }
        parts
    }

    /// Whether the query names a theme. A cell's query is the scope's joined with the row's
    /// theme, and in passage mode themes joined are read together (a later theme, or a
    /// negated one, as an overlap: docs/query-language.md), so such a scope does not read in
    /// a cell's query as it reads alone: the cell's query then does not find exactly the
    /// cell's codings.
    pub fn names_themes(&self) -> bool {
        fn themes(a: &Ast) -> bool {
            match a {
                Ast::Theme { .. } => true,
                Ast::And(items) | Ast::Or(items) => items.iter().any(themes),
                Ast::Not(inner) => themes(inner),
                _ => false,
            }
        }
        query::parse(self.query_text()).is_ok_and(|q| themes(&q.ast))
    }
}

impl Corpus {
    /// Which sessions and codings `scope` takes: its query (sessions as a session search
    /// finds them, codings as a passage search does) and its coders.
    pub fn select(&self, scope: &Scope) -> Result<Selection, String> {
        select(self, scope)
    }
}

fn select(corpus: &Corpus, scope: &Scope) -> Result<Selection, String> {
    let coder_ok: Vec<bool> = if scope.coders.is_empty() {
        vec![true; corpus.coders.len()]
    } else {
        for w in &scope.coders {
            if !corpus.coders.iter().any(|c| same_coder(c, w)) {
                return Err(format!(
                    "no coder `{w}` has codings here; the coders are: {}",
                    if corpus.coders.is_empty() {
                        "(none)".to_string()
                    } else {
                        corpus.coders.join(", ")
                    }
                ));
            }
        }
        corpus
            .coders
            .iter()
            .map(|c| scope.coders.iter().any(|w| same_coder(c, w)))
            .collect()
    };
    let text = scope.query_text();
    if corpus.counts_only && !text.is_empty() {
        return Err(
            "a query needs the notes' words: this corpus was read for counting only".into(),
        );
    }
    let ast = if text.is_empty() {
        Ast::All
    } else {
        query::parse(text)
            .map_err(|e| format!("in the query, at column {}: {}", e.start + 1, e.message))?
            .ast
    };
    // Everything in scope: nothing to evaluate (a fresh `ripple matrix` selects 100,000
    // sessions and their codings this way twice).
    if matches!(ast, Ast::All) && scope.coders.is_empty() {
        return Ok(Selection {
            sessions: vec![true; corpus.sessions.len()],
            codings: vec![true; corpus.codings.len()],
        });
    }
    let ev = Evaluator::new(corpus, &ast)?;
    let mut sessions: Vec<bool> = (0..corpus.sessions.len())
        .map(|i| ev.session(i, &ast))
        .collect();
    let codings: Vec<bool> = corpus
        .codings
        .iter()
        .map(|c| coder_ok[c.coder] && ev.passage(c, &ast))
        .collect();
    // A session with a passage in scope is in scope too (a passage's memo can match where
    // the session's text does not), so a share is never above one.
    for (c, &k) in corpus.codings.iter().zip(&codings) {
        if k {
            sessions[c.session] = true;
        }
    }
    Ok(Selection { sessions, codings })
}

/// A query resolved against the corpus: theme subtrees, and the stems prefix and fuzzy words
/// stand for (from the corpus's words as written, as the index's vocabulary holds them).
struct Evaluator<'c> {
    corpus: &'c Corpus,
    /// Per theme value in the query (in walk order): the theme rows it covers.
    themes: Vec<(String, Vec<bool>)>,
    /// Per prefix / fuzzy word (folded, distance): the stems it stands for.
    expanded: Vec<((String, u8), HashSet<String>)>,
}

/// A document as search sees it: its running text split into fields of stems and words.
struct DocText {
    /// Each part (title, note, memos; or quote, memo) as (stems, CJK runs, symbols).
    parts: Vec<(Vec<String>, Vec<String>, Vec<char>)>,
}

fn doc_text(parts: &[&str]) -> DocText {
    DocText {
        parts: parts
            .iter()
            .map(|p| {
                (
                    analyze(analysis::TEXT_TOKENIZER, p),
                    cjk_runs(p),
                    p.chars().filter(|c| is_symbol(*c)).collect(),
                )
            })
            .collect(),
    }
}

fn contains_seq<T: PartialEq>(hay: &[T], needle: &[T]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Edits between two words (insert, delete, change, swapping two neighbours: one each).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

fn single_plain(w: &str) -> Option<String> {
    let t = analyze(analysis::PLAIN_TOKENIZER, w);
    (t.len() == 1).then(|| t.into_iter().next().expect("one"))
}

impl<'c> Evaluator<'c> {
    fn new(corpus: &'c Corpus, ast: &Ast) -> Result<Evaluator<'c>, String> {
        let mut ev = Evaluator {
            corpus,
            themes: Vec::new(),
            expanded: Vec::new(),
        };
        let mut vocabulary: Option<BTreeSet<String>> = None;
        ev.prepare(ast, &mut vocabulary)?;
        Ok(ev)
    }

    /// The corpus's words as written (notes, titles, quotes, memos), folded.
    fn vocabulary(&self) -> BTreeSet<String> {
        let mut v: BTreeSet<String> = self.corpus.words().forms.iter().cloned().collect();
        let mut add = |t: &str| {
            for (_, _, w) in tokenize(t) {
                v.insert(w);
            }
        };
        for s in &self.corpus.sessions {
            add(&s.title);
            for (_, m) in &s.memos {
                add(m);
            }
        }
        for c in &self.corpus.codings {
            add(self.corpus.quote(c));
            add(&c.memo);
        }
        v
    }

    fn prepare(
        &mut self,
        ast: &Ast,
        vocabulary: &mut Option<BTreeSet<String>>,
    ) -> Result<(), String> {
        match ast {
            Ast::Theme { value, span } if !self.themes.iter().any(|(v, _)| v == value) => {
                let key =
                    resolve_theme(&self.corpus.codebook, value, *span).map_err(|e| e.message)?;
                let t = self
                    .corpus
                    .theme_index(&key)
                    .expect("a codebook theme is a row");
                let mut rows = vec![false; self.corpus.themes.len()];
                for r in self.corpus.subtree(t) {
                    rows[r] = true;
                }
                self.themes.push((value.clone(), rows));
            }
            Ast::Text { m, .. }
            | Ast::Field {
                field: TextField::Title | TextField::Memo,
                m,
                ..
            } => {
                let (w, d) = match m {
                    TextMatch::Prefix(p) => (p, 0u8),
                    TextMatch::Fuzzy(w, d) => (w, *d),
                    _ => return Ok(()),
                };
                let Some(t) = single_plain(w) else {
                    return Ok(());
                };
                if self.expanded.iter().any(|(k, _)| *k == (t.clone(), d)) {
                    return Ok(());
                }
                let vocab = vocabulary.get_or_insert_with(|| self.vocabulary());
                let stems: HashSet<String> = vocab
                    .iter()
                    .filter(|v| {
                        if d == 0 {
                            v.starts_with(t.as_str())
                        } else {
                            edit_distance(v, &t) <= d as usize
                        }
                    })
                    .map(|v| stem(v))
                    .collect();
                self.expanded.push(((t, d), stems));
            }
            Ast::And(items) | Ast::Or(items) => {
                for i in items {
                    self.prepare(i, vocabulary)?;
                }
            }
            Ast::Not(inner) => self.prepare(inner, vocabulary)?,
            _ => {}
        }
        Ok(())
    }

    fn theme_rows(&self, value: &str) -> &[bool] {
        &self
            .themes
            .iter()
            .find(|(v, _)| v == value)
            .expect("prepared")
            .1
    }

    fn expansion(&self, w: &str, d: u8) -> Option<&HashSet<String>> {
        let t = single_plain(w)?;
        self.expanded
            .iter()
            .find(|(k, _)| k.0 == t && k.1 == d)
            .map(|(_, s)| s)
    }

    /// Whether running text matches: `None` when the match has nothing to search for.
    fn text_matches(&self, m: &TextMatch, doc: &DocText, cjk_and_symbols: bool) -> Option<bool> {
        match m {
            TextMatch::Word(w) | TextMatch::Phrase(w) => {
                let stems = analyze(analysis::TEXT_TOKENIZER, w);
                let cjk = cjk_and_symbols && has_cjk(w);
                if stems.is_empty() && !cjk {
                    if !cjk_and_symbols {
                        return None;
                    }
                    let sym: Vec<char> = w.chars().filter(|c| is_symbol(*c)).collect();
                    if sym.is_empty() || w.chars().any(char::is_alphanumeric) {
                        return None;
                    }
                    return Some(doc.parts.iter().any(|(_, _, s)| contains_seq(s, &sym)));
                }
                let by_stems = !stems.is_empty()
                    && doc.parts.iter().any(|(s, _, _)| {
                        if stems.len() == 1 {
                            s.contains(&stems[0])
                        } else {
                            contains_seq(s, &stems)
                        }
                    });
                let by_cjk = cjk && {
                    let runs = cjk_runs(w);
                    runs.iter().all(|r| {
                        doc.parts
                            .iter()
                            .any(|(_, runs_in, _)| runs_in.iter().any(|x| x.contains(r.as_str())))
                    })
                };
                Some(by_stems || by_cjk)
            }
            TextMatch::Prefix(p) => {
                let set = self.expansion(p, 0)?;
                Some(
                    doc.parts
                        .iter()
                        .any(|(s, _, _)| s.iter().any(|x| set.contains(x))),
                )
            }
            TextMatch::Fuzzy(w, d) => {
                let set = self.expansion(w, *d)?;
                Some(
                    doc.parts
                        .iter()
                        .any(|(s, _, _)| s.iter().any(|x| set.contains(x))),
                )
            }
        }
    }

    /// A keyword field's values (agency, county, …) matched word by word, folded.
    fn keyword_matches(m: &TextMatch, values: &[&str]) -> bool {
        let tokens: Vec<Vec<String>> = values
            .iter()
            .map(|v| analyze(analysis::PLAIN_TOKENIZER, v))
            .collect();
        match m {
            TextMatch::Word(w) | TextMatch::Phrase(w) => {
                let want = analyze(analysis::PLAIN_TOKENIZER, w);
                match want.len() {
                    0 => false,
                    1 => tokens.iter().any(|t| t.contains(&want[0])),
                    _ => tokens.iter().any(|t| contains_seq(t, &want)),
                }
            }
            TextMatch::Prefix(p) => match single_plain(p) {
                Some(p) => tokens.iter().flatten().any(|t| t.starts_with(&p)),
                None => false,
            },
            TextMatch::Fuzzy(w, d) => match single_plain(w) {
                Some(w) => tokens
                    .iter()
                    .flatten()
                    .any(|t| edit_distance(t, &w) <= *d as usize),
                None => false,
            },
        }
    }

    /// Whether a session search finds session `i`.
    fn session(&self, i: usize, ast: &Ast) -> bool {
        let mut text: Option<DocText> = None;
        self.eval(ast, None, &mut |leaf| self.session_leaf(i, leaf, &mut text))
            .unwrap_or(true)
    }

    fn session_leaf(&self, i: usize, a: &Ast, text: &mut Option<DocText>) -> Option<bool> {
        let c = self.corpus;
        let s = &c.sessions[i];
        Some(match a {
            Ast::Text { m, .. } => {
                let t = text.get_or_insert_with(|| {
                    let mut parts: Vec<&str> = vec![&s.title, &s.text];
                    parts.extend(s.memos.iter().map(|(_, m)| m.as_str()));
                    doc_text(&parts)
                });
                return self.text_matches(m, t, true);
            }
            Ast::Field { field, m, .. } => match field {
                TextField::Title => return self.text_matches(m, &doc_text(&[&s.title]), false),
                TextField::Memo => {
                    let memos: Vec<&str> = s.memos.iter().map(|(_, m)| m.as_str()).collect();
                    return self.text_matches(m, &doc_text(&memos), false);
                }
                TextField::Agency => {
                    let v: Vec<&str> = s.agencies.iter().map(|a| &**a).collect();
                    Self::keyword_matches(m, &v)
                }
                TextField::County => Self::keyword_matches(m, &[&s.county]),
                TextField::Facilitator => Self::keyword_matches(m, &[&s.facilitator]),
                TextField::Tag => {
                    let v: Vec<&str> = s.tags.iter().map(|a| &**a).collect();
                    Self::keyword_matches(m, &v)
                }
                TextField::Coder => {
                    let mut who: Vec<&str> = self
                        .session_codings(i)
                        .iter()
                        .map(|k| c.coders[k.coder].as_str())
                        .collect();
                    who.extend(s.memos.iter().map(|(k, _)| c.coders[*k].as_str()));
                    Self::keyword_matches(m, &who)
                }
            },
            Ast::Theme { value, .. } => {
                let rows = self.theme_rows(value);
                self.session_codings(i).iter().any(|k| rows[k.theme])
            }
            Ast::Type { ty, .. } => s.session_type == *ty,
            Ast::Date { from, to, .. } => {
                from.is_none_or(|f| s.date >= f) && to.is_none_or(|t| s.date <= t)
            }
            Ast::Joint { joint, .. } => is_joint(s) == *joint,
            Ast::Session { id, .. } => s.id.0 == *id,
            _ => unreachable!("leaves only"),
        })
    }

    fn session_codings(&self, i: usize) -> &'c [CorpusCoding] {
        let c = &self.corpus.codings;
        let lo = c.partition_point(|k| k.session < i);
        let hi = c.partition_point(|k| k.session <= i);
        &c[lo..hi]
    }

    /// Whether a passage search finds coding `c`.
    fn passage(&self, k: &CorpusCoding, ast: &Ast) -> bool {
        let mut text: Option<DocText> = None;
        self.eval(ast, Some(k), &mut |leaf| {
            self.passage_leaf(k, leaf, &mut text)
        })
        .unwrap_or(true)
    }

    fn passage_leaf(&self, k: &CorpusCoding, a: &Ast, text: &mut Option<DocText>) -> Option<bool> {
        let c = self.corpus;
        let s = &c.sessions[k.session];
        Some(match a {
            Ast::Text { m, .. } => {
                let t = text.get_or_insert_with(|| doc_text(&[c.quote(k), &k.memo]));
                return self.text_matches(m, t, true);
            }
            Ast::Field { field, m, .. } => match field {
                TextField::Title => return self.text_matches(m, &doc_text(&[&s.title]), false),
                TextField::Memo => return self.text_matches(m, &doc_text(&[&k.memo]), false),
                TextField::Coder => Self::keyword_matches(m, &[&c.coders[k.coder]]),
                _ => return self.session_leaf(k.session, a, &mut None),
            },
            Ast::Theme { value, .. } => self.theme_rows(value)[k.theme],
            _ => return self.session_leaf(k.session, a, &mut None),
        })
    }

    /// Whether another passage of `k`'s session (any coder's) overlaps it by at least one code
    /// point with a theme at or below `value`.
    fn overlaps(&self, k: &CorpusCoding, value: &str) -> bool {
        let rows = self.theme_rows(value);
        self.session_codings(k.session)
            .iter()
            .any(|o| !std::ptr::eq(o, k) && o.start < k.end && k.start < o.end && rows[o.theme])
    }

    /// Whether the passage `k` matches `ast`, an item of themes alone that an AND reads as
    /// overlaps (`OverlapPlan`, as the search index reads it).
    fn overlapping(&self, ast: &Ast, k: &CorpusCoding, plan: &OverlapPlan) -> bool {
        match ast {
            Ast::Theme { value, span } => {
                if plan.overlaps(&self.corpus.codebook, value, *span) {
                    self.overlaps(k, value)
                } else {
                    self.theme_rows(value)[k.theme]
                }
            }
            Ast::Or(items) => items.iter().any(|i| self.overlapping(i, k, plan)),
            Ast::And(items) => items.iter().all(|i| self.overlapping(i, k, plan)),
            Ast::Not(inner) => !self.overlapping(inner, k, plan),
            _ => false,
        }
    }

    /// `passage`: the coding a passage search looks at (`None` for a session search).
    fn eval(
        &self,
        ast: &Ast,
        passage: Option<&CorpusCoding>,
        leaf: &mut dyn FnMut(&Ast) -> Option<bool>,
    ) -> Option<bool> {
        match ast {
            Ast::All => None,
            Ast::And(items) => {
                let mut any = None;
                let plan = passage.map(|k| (k, OverlapPlan::of(items, &self.corpus.codebook)));
                for (n, i) in items.iter().enumerate() {
                    if let Some((k, plan)) = plan.as_ref().filter(|(_, p)| p.items[n]) {
                        match i {
                            Ast::Not(inner) => {
                                if self.overlapping(inner, k, plan) {
                                    return Some(false);
                                }
                            }
                            _ => {
                                if !self.overlapping(i, k, plan) {
                                    return Some(false);
                                }
                                any = Some(true);
                            }
                        }
                        continue;
                    }
                    match i {
                        Ast::Not(inner) => {
                            if self.eval(inner, passage, leaf) == Some(true) {
                                return Some(false);
                            }
                        }
                        _ => match self.eval(i, passage, leaf) {
                            Some(false) => return Some(false),
                            Some(true) => any = Some(true),
                            None => {}
                        },
                    }
                }
                Some(any.unwrap_or(true))
            }
            Ast::Or(items) => {
                let mut out = false;
                for i in items {
                    match self.eval(i, passage, leaf) {
                        None => return None,
                        Some(true) => out = true,
                        Some(false) => {}
                    }
                }
                Some(out)
            }
            Ast::Not(inner) => Some(self.eval(inner, passage, leaf) == Some(false)),
            leaf_ast => leaf(leaf_ast),
        }
    }
}
