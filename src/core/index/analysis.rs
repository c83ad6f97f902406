//! The index's analysis: how running text, keyword values, CJK runs and symbols become terms,
//! at index time and at query time alike (tokenizers registered on the index under the names
//! below, and [`analyze`] for a query's words).

use crate::core::text::{cjk_runs, is_cjk};
use crate::core::vocabulary::Vocabulary;
use std::sync::Arc;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, TextAnalyzer, Token, TokenFilter,
    TokenStream, Tokenizer,
};
use tantivy::Index;

/// Running text as it is indexed (notes, quotes, titles, memos): each word lowercased with
/// accents folded and replaced by its English stem, one term a word. Word and phrase queries
/// look up stems; prefix and fuzzy queries match the words as written in the index's
/// vocabulary (`core::vocabulary`) and look up their stems.
pub const INDEX_TOKENIZER: &str = "ripple_index";
/// How a query's words are looked up in running text: folded and stemmed ("fathers" → "father").
pub const TEXT_TOKENIZER: &str = "ripple_text";
/// Folded words without stemming: prefix and fuzzy words, and the keyword fields (agency, ...).
/// The same words the vocabulary holds.
pub const PLAIN_TOKENIZER: &str = "ripple_plain";
/// A keyword field's whole value, folded: the exact-value side of agency, county, ... (so a
/// phrase such as `agency:"La Casa"` can be answered by whole values, see `query`).
pub const EXACT_TOKENIZER: &str = "ripple_exact";
/// Character bigrams (and single characters) of CJK runs, so "我们" is found inside "我们的".
pub const CJK_TOKENIZER: &str = "ripple_cjk";
/// Each symbol (emoji, ★, €, →: Unicode's symbol categories), one term a character, so a
/// query of symbols alone finds the notes holding them. Marks, joiners and variation
/// selectors are left out ("❤️" is "❤"; "👩‍👧" is 👩 then 👧).
pub const SYMBOL_TOKENIZER: &str = "ripple_symbols";
/// Each two neighbouring words of running text as one term (their stems, `pair_term`), so a
/// two-word phrase is one posting list rather than a check of positions in every note holding
/// both words (Elasticsearch's `index_phrases`). Words are neighbours when their positions
/// follow each other, exactly as a phrase query requires.
pub const PAIR_TOKENIZER: &str = "ripple_pairs";

/// Longest word kept (longer tokens are noise: URLs, base64...).
pub(crate) const MAX_TOKEN_BYTES: usize = 60;

fn folded_words() -> tantivy::tokenizer::TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(WordTokenizer)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(Composed)
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
}

/// Words of running text: runs of letters and digits, as tantivy's `SimpleTokenizer` cuts
/// them, with the combining marks after a letter kept in its word. A note saved with
/// decomposed accents (macOS often writes `n` + U+0303 for `ñ`) then holds the word "Peña",
/// not "Pen" and "a"; `Composed` makes it the same term as the composed spelling.
#[derive(Clone, Default)]
struct WordTokenizer;

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        WordStream {
            text,
            chars: text.char_indices().peekable(),
            token: Token::default(),
            started: false,
        }
    }
}

/// `WordTokenizer`'s words one at a time, in one token reused (as `SimpleTokenizer` does).
struct WordStream<'a> {
    text: &'a str,
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    token: Token,
    started: bool,
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        use crate::core::text::is_word_mark;
        // The next letter or digit starts a word (a mark with no letter before it does not).
        let start = loop {
            match self.chars.next() {
                Some((i, c)) if c.is_alphanumeric() => break i,
                Some(_) => {}
                None => return false,
            }
        };
        let mut end = self.text.len();
        while let Some(&(i, c)) = self.chars.peek() {
            if !c.is_alphanumeric() && !is_word_mark(c) {
                end = i;
                break;
            }
            self.chars.next();
        }
        if self.started {
            self.token.position += 1;
        } else {
            self.token.position = 0;
            self.started = true;
        }
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position_length = 1;
        self.token.text.clear();
        self.token.text.push_str(&self.text[start..end]);
        true
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Each token's text in Unicode's composed form (NFC), so decomposed and composed spellings
/// of a word are one term, and accent folding (`AsciiFoldingFilter`, which knows composed
/// letters) folds both.
#[derive(Clone, Default)]
struct Composed;

impl TokenFilter for Composed {
    type Tokenizer<T: Tokenizer> = ComposedFilter<T>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> ComposedFilter<T> {
        ComposedFilter(tokenizer)
    }
}

#[derive(Clone)]
struct ComposedFilter<T>(T);

impl<T: Tokenizer> Tokenizer for ComposedFilter<T> {
    type TokenStream<'a> = ComposedStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        ComposedStream(self.0.token_stream(text))
    }
}

struct ComposedStream<S>(S);

impl<S: TokenStream> TokenStream for ComposedStream<S> {
    fn advance(&mut self) -> bool {
        use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
        if !self.0.advance() {
            return false;
        }
        let token = self.0.token_mut();
        if is_nfc_quick(token.text.chars()) != IsNormalized::Yes {
            token.text = token.text.nfc().collect();
        }
        true
    }
    fn token(&self) -> &Token {
        self.0.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

/// The analysis of indexed running text: each word's stem, one term a word; the words as
/// written go to the index's vocabulary when one is given (a writable index).
fn index_analyzer(vocabulary: Option<Arc<Vocabulary>>) -> TextAnalyzer {
    folded_words().filter(Stems { vocabulary }).build()
}

/// The same analysis for queries and snippets (nothing recorded).
pub(crate) fn text_analyzer() -> TextAnalyzer {
    folded_words().filter(Stems { vocabulary: None }).build()
}

pub(crate) fn plain_analyzer() -> TextAnalyzer {
    folded_words().build()
}

/// A keyword field's whole value, composed, lowercased and folded (`EXACT_TOKENIZER`).
fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(tantivy::tokenizer::RawTokenizer::default())
        .filter(Composed)
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub(crate) fn register_tokenizers(index: &Index, vocabulary: Option<Arc<Vocabulary>>) {
    let m = index.tokenizers();
    m.register(INDEX_TOKENIZER, index_analyzer(vocabulary));
    m.register(TEXT_TOKENIZER, text_analyzer());
    m.register(PLAIN_TOKENIZER, plain_analyzer());
    m.register(EXACT_TOKENIZER, exact_analyzer());
    m.register(CJK_TOKENIZER, TextAnalyzer::from(CjkTokenizer));
    m.register(SYMBOL_TOKENIZER, TextAnalyzer::from(SymbolTokenizer));
    m.register(
        PAIR_TOKENIZER,
        TextAnalyzer::from(PairTokenizer(text_analyzer())),
    );
}

/// The term of the word pair `first second` (two stems) in the pair field. Stems hold no space.
pub fn pair_term(first: &str, second: &str) -> String {
    format!("{first} {second}")
}

/// Runs the text analysis (`TEXT_TOKENIZER`: folded stems) and emits each two tokens whose
/// positions follow each other as one `pair_term`.
#[derive(Clone)]
struct PairTokenizer(TextAnalyzer);

impl Tokenizer for PairTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut tokens = Vec::new();
        let mut previous: Option<Token> = None;
        let mut stream = self.0.token_stream(text);
        while let Some(token) = stream.next() {
            if let Some(p) = &previous {
                if p.position + 1 == token.position {
                    tokens.push(Token {
                        offset_from: p.offset_from,
                        offset_to: token.offset_to,
                        position: p.position,
                        text: pair_term(&p.text, &token.text),
                        position_length: 1,
                    });
                }
            }
            previous = Some(token.clone());
        }
        VecTokenStream { tokens, next: 0 }
    }
}

/// Irregular English forms the Snowball stemmer leaves alone, each mapped to the word whose
/// stem it shares ("children" → "child"), so a word finds its other forms at index and at
/// query time alike. Forms that are also common words or names of their own ("rose", "won",
/// "lay", "bore", "better") are left out: they would find the wrong notes. Sorted, for
/// binary search.
const IRREGULAR_FORMS: &[(&str, &str)] = &[
    ("ate", "eat"),
    ("became", "become"),
    ("began", "begin"),
    ("begun", "begin"),
    ("bought", "buy"),
    ("broke", "break"),
    ("broken", "break"),
    ("brought", "bring"),
    ("built", "build"),
    ("businessmen", "businessman"),
    ("businesswomen", "businesswoman"),
    ("came", "come"),
    ("caught", "catch"),
    ("chairmen", "chairman"),
    ("chairwomen", "chairwoman"),
    ("children", "child"),
    ("chose", "choose"),
    ("chosen", "choose"),
    ("dealt", "deal"),
    ("did", "do"),
    ("done", "do"),
    ("drawn", "draw"),
    ("drew", "draw"),
    ("driven", "drive"),
    ("drove", "drive"),
    ("eaten", "eat"),
    ("fallen", "fall"),
    ("fed", "feed"),
    ("feet", "foot"),
    ("fell", "fall"),
    ("felt", "feel"),
    ("firemen", "fireman"),
    ("forgot", "forget"),
    ("forgotten", "forget"),
    ("fought", "fight"),
    ("found", "find"),
    ("gave", "give"),
    ("geese", "goose"),
    ("gentlemen", "gentleman"),
    ("given", "give"),
    ("godchildren", "godchild"),
    ("gone", "go"),
    ("got", "get"),
    ("gotten", "get"),
    ("grandchildren", "grandchild"),
    ("grew", "grow"),
    ("grown", "grow"),
    ("halves", "half"),
    ("heard", "hear"),
    ("held", "hold"),
    ("hid", "hide"),
    ("hidden", "hide"),
    ("kept", "keep"),
    ("knew", "know"),
    ("knives", "knife"),
    ("known", "know"),
    ("led", "lead"),
    ("left", "leave"),
    ("lent", "lend"),
    ("lost", "lose"),
    ("made", "make"),
    ("meant", "mean"),
    ("men", "man"),
    ("met", "meet"),
    ("mice", "mouse"),
    ("oxen", "ox"),
    ("paid", "pay"),
    ("people", "person"),
    ("policemen", "policeman"),
    ("policewomen", "policewoman"),
    ("ran", "run"),
    ("said", "say"),
    ("sat", "sit"),
    ("saw", "see"),
    ("schoolchildren", "schoolchild"),
    ("seen", "see"),
    ("selves", "self"),
    ("sent", "send"),
    ("shown", "show"),
    ("slept", "sleep"),
    ("sought", "seek"),
    ("spent", "spend"),
    ("spoke", "speak"),
    ("spoken", "speak"),
    ("spokesmen", "spokesman"),
    ("spokeswomen", "spokeswoman"),
    ("stepchildren", "stepchild"),
    ("stood", "stand"),
    ("taken", "take"),
    ("taught", "teach"),
    ("teeth", "tooth"),
    ("thought", "think"),
    ("threw", "throw"),
    ("thrown", "throw"),
    ("told", "tell"),
    ("took", "take"),
    ("understood", "understand"),
    ("went", "go"),
    ("wives", "wife"),
    ("woke", "wake"),
    ("woken", "wake"),
    ("wolves", "wolf"),
    ("women", "woman"),
    ("wore", "wear"),
    ("worn", "wear"),
    ("written", "write"),
    ("wrote", "write"),
];

/// The word an irregular form shares its stem with (see `IRREGULAR_FORMS`).
fn irregular_base(word: &str) -> Option<&'static str> {
    IRREGULAR_FORMS
        .binary_search_by(|(form, _)| (*form).cmp(word))
        .ok()
        .map(|i| IRREGULAR_FORMS[i].1)
}

/// The stem of a folded word: Snowball's English stem, with irregular forms (also after
/// stemming: "childrens" → "children" → "child") taking their base word's stem.
fn stem_of(stemmer: &frostem::Stemmer, word: &str) -> String {
    if let Some(base) = irregular_base(word) {
        return stemmer.stem(base).into_owned();
    }
    let stemmed = stemmer.stem(word);
    match irregular_base(&stemmed) {
        Some(base) => stemmer.stem(base).into_owned(),
        None => stemmed.into_owned(),
    }
}

/// Entries kept per thread before the stem cache starts over (a few MB at most).
const STEM_CACHE_ENTRIES: usize = 50_000;

/// A cached stem: `None` when the stem is the word itself, and the vocabulary (by
/// `Vocabulary::tag`) the word was last handed to, so a word goes to the vocabulary once and
/// not with every occurrence.
struct CachedStem {
    stem: Option<Box<str>>,
    noted_in: u64,
}

thread_local! {
    /// English stems of folded words. Notes use a small vocabulary over and over, and the
    /// Snowball stemmer was half of indexing time, so each thread (tantivy's indexing threads,
    /// a searcher making snippets) remembers them.
    static STEM_CACHE: std::cell::RefCell<rustc_hash::FxHashMap<String, CachedStem>> =
        std::cell::RefCell::new(rustc_hash::FxHashMap::default());
}

/// Calls `f` with the English stem of a folded word, or `None` if the stem is the word; and
/// hands the word to `vocabulary` unless this thread already did (one cache lookup for both).
fn with_stem<R>(
    stemmer: &frostem::Stemmer,
    word: &str,
    vocabulary: Option<&Vocabulary>,
    f: impl FnOnce(Option<&str>) -> R,
) -> R {
    STEM_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(entry) = cache.get_mut(word) {
            if let Some(v) = vocabulary {
                if entry.noted_in != v.tag() {
                    v.note(word);
                    entry.noted_in = v.tag();
                }
            }
            return f(entry.stem.as_deref());
        }
        let stemmed = stem_of(stemmer, word);
        let stem = (stemmed != word).then(|| Box::from(stemmed.as_str()));
        let r = f(stem.as_deref());
        if cache.len() >= STEM_CACHE_ENTRIES {
            cache.clear();
        }
        let noted_in = match vocabulary {
            Some(v) => {
                v.note(word);
                v.tag()
            }
            None => 0,
        };
        cache.insert(word.to_string(), CachedStem { stem, noted_in });
        r
    })
}

/// The folded English stem of a word (the word itself when the stemmer leaves it).
pub fn stem(word: &str) -> String {
    thread_local! {
        static STEMMER: frostem::Stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
    }
    STEMMER.with(|st| with_stem(st, word, None, |s| s.unwrap_or(word).to_string()))
}

/// A token filter replacing each word by its English stem, handing the word as written to the
/// vocabulary first when there is one.
#[derive(Clone)]
struct Stems {
    vocabulary: Option<Arc<Vocabulary>>,
}

impl TokenFilter for Stems {
    type Tokenizer<T: Tokenizer> = StemFilter<T>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> StemFilter<T> {
        StemFilter {
            inner: tokenizer,
            vocabulary: self.vocabulary,
        }
    }
}

#[derive(Clone)]
struct StemFilter<T> {
    inner: T,
    vocabulary: Option<Arc<Vocabulary>>,
}

impl<T: Tokenizer> Tokenizer for StemFilter<T> {
    type TokenStream<'a> = StemStream<'a, T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemStream {
            tail: self.inner.token_stream(text),
            vocabulary: self.vocabulary.as_deref(),
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            stem: String::new(),
        }
    }
}

struct StemStream<'a, S> {
    tail: S,
    vocabulary: Option<&'a Vocabulary>,
    stemmer: frostem::Stemmer,
    /// Scratch space for the stem, swapped into the token.
    stem: String,
}

impl<S: TokenStream> TokenStream for StemStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let stem = &mut self.stem;
        with_stem(&self.stemmer, &token.text, self.vocabulary, |s| {
            if let Some(s) = s {
                stem.clear();
                stem.push_str(s);
            }
        });
        if !self.stem.is_empty() {
            std::mem::swap(&mut token.text, &mut self.stem);
            self.stem.clear();
        }
        true
    }
    fn token(&self) -> &Token {
        self.tail.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Indexes each CJK character (position i) and each bigram starting there (also position i),
/// so a one-character query is a term and a longer one a phrase of bigrams.
#[derive(Clone, Default)]
struct CjkTokenizer;

struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for CjkTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut tokens = Vec::new();
        let mut position = 0usize;
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            if !is_cjk(chars[i].1) {
                i += 1;
                continue;
            }
            let run_start = i;
            while i < chars.len() && is_cjk(chars[i].1) {
                i += 1;
            }
            for k in run_start..i {
                let (b0, c0) = chars[k];
                let b1 = b0 + c0.len_utf8();
                tokens.push(Token {
                    offset_from: b0,
                    offset_to: b1,
                    position,
                    text: c0.to_string(),
                    position_length: 1,
                });
                if k + 1 < i {
                    let c1 = chars[k + 1].1;
                    tokens.push(Token {
                        offset_from: b0,
                        offset_to: b1 + c1.len_utf8(),
                        position,
                        text: format!("{c0}{c1}"),
                        position_length: 1,
                    });
                }
                position += 1;
            }
            // Runs separated by other text are not adjacent.
            position += 1;
        }
        VecTokenStream { tokens, next: 0 }
    }
}

/// A character indexed by `SYMBOL_TOKENIZER`: emoji, dingbats, arrows, currency and math signs.
pub fn is_symbol(c: char) -> bool {
    use finl_unicode::categories::CharacterCategories;
    !c.is_alphanumeric() && c.is_symbol()
}

pub fn has_symbols(s: &str) -> bool {
    s.chars().any(is_symbol)
}

/// One token per symbol, at consecutive positions unless words come between (so "★ ☆" and
/// "★☆" are the same phrase, and "★ and ☆" is not).
#[derive(Clone, Default)]
struct SymbolTokenizer;

impl Tokenizer for SymbolTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut tokens = Vec::new();
        let mut position = 0usize;
        let mut word_between = false;
        for (b, c) in text.char_indices() {
            if is_symbol(c) {
                if word_between && !tokens.is_empty() {
                    position += 1;
                }
                word_between = false;
                tokens.push(Token {
                    offset_from: b,
                    offset_to: b + c.len_utf8(),
                    position,
                    text: c.to_string(),
                    position_length: 1,
                });
                position += 1;
            } else if c.is_alphanumeric() {
                word_between = true;
            }
        }
        VecTokenStream { tokens, next: 0 }
    }
}

/// The terms a piece of text becomes under one of our analyzers, as a query would use them.
/// For `CJK_TOKENIZER` that is the bigrams of each run (a one-character run stays itself).
pub fn analyze(tokenizer: &str, text: &str) -> Vec<String> {
    if tokenizer == CJK_TOKENIZER {
        let mut out = Vec::new();
        for run in cjk_runs(text) {
            let cs: Vec<char> = run.chars().collect();
            if cs.len() == 1 {
                out.push(run);
            } else {
                out.extend(cs.windows(2).map(|w| w.iter().collect::<String>()));
            }
        }
        return out;
    }
    if tokenizer == SYMBOL_TOKENIZER {
        return text
            .chars()
            .filter(|c| is_symbol(*c))
            .map(String::from)
            .collect();
    }
    let mut analyzer = if tokenizer == TEXT_TOKENIZER {
        text_analyzer()
    } else {
        plain_analyzer()
    };
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push(t.text.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_tokens_are_bigrams_and_unigrams() {
        let mut t = CjkTokenizer;
        let mut s = t.token_stream("a 我们的 b");
        let mut got = Vec::new();
        while let Some(tok) = s.next() {
            got.push((tok.text.clone(), tok.position));
        }
        assert_eq!(
            got,
            vec![
                ("我".into(), 0),
                ("我们".into(), 0),
                ("们".into(), 1),
                ("们的".into(), 1),
                ("的".into(), 2)
            ]
        );
        assert_eq!(analyze(CJK_TOKENIZER, "我们的"), vec!["我们", "们的"]);
        assert_eq!(analyze(CJK_TOKENIZER, "我"), vec!["我"]);
    }

    #[test]
    fn analysis_folds_and_stems() {
        assert_eq!(
            analyze(TEXT_TOKENIZER, "Fathers DOÑA"),
            vec!["father", "dona"]
        );
        assert_eq!(analyze(PLAIN_TOKENIZER, "Fathers"), vec!["fathers"]);
    }

    /// Decomposed accents (a letter, then a combining mark) are part of the word and fold as
    /// composed ones do: "Peña" written either way is one term, its offsets the whole word.
    #[test]
    fn decomposed_accents_stay_in_their_word_and_fold() {
        let nfd = "Sen\u{303}ora Pen\u{303}a, nin\u{303}ez in Don\u{303}a Ana";
        assert_eq!(
            analyze(TEXT_TOKENIZER, nfd),
            analyze(TEXT_TOKENIZER, "Señora Peña, niñez in Doña Ana")
        );
        assert_eq!(analyze(PLAIN_TOKENIZER, "Pen\u{303}a"), vec!["pena"]);
        // A keycap's marks are the symbol's, not the digit's.
        assert_eq!(
            analyze(PLAIN_TOKENIZER, "5\u{FE0F}\u{20E3} goals"),
            vec!["5", "goals"]
        );
        let mut t = WordTokenizer;
        let mut s = t.token_stream("x Pen\u{303}a \u{303}y");
        let mut got = Vec::new();
        while let Some(tok) = s.next() {
            got.push((tok.text.clone(), tok.position));
        }
        // A mark with no letter before it is not a word of its own.
        assert_eq!(
            got,
            vec![("x".into(), 0), ("Pen\u{303}a".into(), 1), ("y".into(), 2)]
        );
        let mut analyzer = exact_analyzer();
        let mut s = analyzer.token_stream("Don\u{303}a Ana");
        assert_eq!(s.next().unwrap().text, "dona ana");
    }

    #[test]
    fn indexing_keeps_one_stem_a_word_and_hands_the_words_to_the_vocabulary() {
        let dir = tempfile::tempdir().unwrap();
        let vocabulary = Arc::new(Vocabulary::new(dir.path()));
        vocabulary.begin_rebuild();
        let text = "Fathers planned; Doña trust";
        let mut analyzer = index_analyzer(Some(vocabulary.clone()));
        let mut stream = analyzer.token_stream(text);
        let mut got = Vec::new();
        while let Some(t) = stream.next() {
            got.push((
                t.text.clone(),
                t.position,
                &text[t.offset_from..t.offset_to],
            ));
        }
        assert_eq!(
            got,
            vec![
                ("father".to_string(), 0, "Fathers"),
                ("plan".to_string(), 1, "planned"),
                ("dona".to_string(), 2, "Doña"),
                ("trust".to_string(), 3, "trust"),
            ]
        );
        vocabulary.commit().unwrap();
        assert_eq!(
            vocabulary.matching(10, |_| true),
            Some(
                ["dona", "fathers", "planned", "trust"]
                    .map(String::from)
                    .to_vec()
            )
        );
        // The cache answers the second time exactly as the stemmer did the first.
        for _ in 0..2 {
            assert_eq!(
                analyze(TEXT_TOKENIZER, "connections Fathers"),
                ["connect", "father"]
            );
        }
    }
}
