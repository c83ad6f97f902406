//! The corpus: every session in memory with its metadata, note and memos, every attached
//! coding of the coders read, and the codebook's themes as rows. Built once (from the store
//! by `core::workspace::analysis`, or by hand in tests and benchmarks); every analysis is a
//! pure function of it and a [`Scope`].

use crate::core::codebook::Codebook;
use crate::core::coding::{AnchorStatus, Coding};
use crate::core::file_key::FileKey;
use crate::core::index::analysis::{plain_analyzer, stem, MAX_TOKEN_BYTES};
use crate::core::session::{SessionId, SessionMeta, SessionType};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use tantivy::tokenizer::TokenStream;

/// One session: what the dimensions read, the note and its memos.
#[derive(Clone, Debug)]
pub struct CorpusSession {
    pub id: SessionId,
    pub title: String,
    pub date: NaiveDate,
    /// Shared strings: a store's sessions repeat a few agencies, counties, facilitators and
    /// tags, and a counting corpus of 100,000 sessions made one string of each per session.
    pub agencies: Vec<Arc<str>>,
    pub session_type: SessionType,
    pub county: Arc<str>,
    pub facilitator: Arc<str>,
    pub tags: Vec<Arc<str>>,
    /// The note (LF line endings).
    pub text: String,
    /// Each coder's memo on the note: (coder index, memo).
    pub memos: Vec<(usize, String)>,
}

impl CorpusSession {
    /// The session of `meta`, with its note and memos.
    fn new(meta: SessionMeta, text: String, memos: Vec<(usize, String)>) -> CorpusSession {
        CorpusSession {
            id: meta.id,
            title: meta.title,
            date: meta.date,
            agencies: meta.agencies.into_iter().map(Arc::from).collect(),
            session_type: meta.session_type,
            county: meta.county.into(),
            facilitator: meta.facilitator.into(),
            tags: meta.tags.into_iter().map(Arc::from).collect(),
            text,
            memos,
        }
    }
}

/// One coder's coding of a span with a theme (attached codings only).
#[derive(Clone, Debug)]
pub struct CorpusCoding {
    /// Index into `Corpus::sessions`.
    pub session: usize,
    /// Index into `Corpus::coders`.
    pub coder: usize,
    /// Index into `Corpus::themes`.
    pub theme: usize,
    /// Code points, half-open.
    pub start: usize,
    pub end: usize,
    /// Empty in a counting corpus (`counts_only`), which has no memos.
    pub memo: Box<str>,
}

/// A theme as a row: codebook tree order (parents before their children), then any theme key
/// codings use that the codebook does not know (as roots, `known: false`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThemeRow {
    pub key: String,
    pub name: String,
    pub depth: usize,
    pub parent: Option<usize>,
    pub known: bool,
}

/// A word of a note: code points `[start, end)` and its index in the corpus's word list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: u32,
    pub end: u32,
    pub word: u32,
}

/// Every note's words, the words' folded forms and their stems (built on first use).
#[derive(Debug, Default)]
pub struct Words {
    /// Per session, its note's words in order.
    pub tokens: Vec<Vec<Token>>,
    /// Folded word forms, by word index.
    pub forms: Vec<String>,
    /// The stem index of each word.
    pub stem_of: Vec<u32>,
    /// Stems, by stem index.
    pub stems: Vec<String>,
}

/// Every note's words as bags: how often each folded form occurs in each note, without
/// positions (keywords need no more). The words are those of [`Words`] (the index's words),
/// split by a faster path over the same rules (built on first use).
#[derive(Debug, Default)]
pub struct Bags {
    /// Folded word forms, by form index (in no particular order).
    pub forms: Vec<String>,
    /// Per session, (form index, occurrences) of each form its note uses, each once.
    pub bags: Vec<Vec<(u32, u32)>>,
    /// Per session, its note's number of words.
    pub totals: Vec<u64>,
}

/// Which sessions and codings a scope takes (by index).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    pub sessions: Vec<bool>,
    pub codings: Vec<bool>,
}

impl Selection {
    pub fn session_count(&self) -> usize {
        self.sessions.iter().filter(|&&b| b).count()
    }
    pub fn coding_count(&self) -> usize {
        self.codings.iter().filter(|&&b| b).count()
    }
}

#[derive(Debug)]
pub struct Corpus {
    /// Oldest first (date, then id).
    pub sessions: Vec<CorpusSession>,
    /// By session, start, end, theme, coder.
    pub codings: Vec<CorpusCoding>,
    /// Coder names as their files write them, sorted.
    pub coders: Vec<String>,
    pub themes: Vec<ThemeRow>,
    pub codebook: Codebook,
    /// The project's first day (`project_start` in ripple.toml), for project months.
    pub project_start: Option<NaiveDate>,
    /// What could not be read, said as the user is told it.
    pub warnings: Vec<String>,
    /// Read for counting only (`Corpus::load_counts`): no note text, no memos (a memo's coder
    /// is kept in `coders`), no coding ids. Matrices and co-occurrence without a query need
    /// nothing more; words, quotes and queries do, and are refused.
    pub counts_only: bool,
    /// For each session, its note file's key when the corpus was read from the store and the
    /// key was settled (`FileKey::is_racy`) when taken: what the word-bag cache is keyed by.
    /// Empty when not known (a corpus built by hand).
    pub(crate) note_keys: Vec<Option<FileKey>>,
    /// For each theme row: itself and its ancestors (nearest first).
    lineage: Vec<Vec<usize>>,
    words: OnceLock<Words>,
    bags: OnceLock<Bags>,
}

/// What a counting corpus is made of, without its codebook (`Corpus::from_counts`).
#[derive(Debug, Default)]
pub(crate) struct CountsParts {
    pub sessions: Vec<CorpusSession>,
    pub note_keys: Vec<Option<FileKey>>,
    pub codings: Vec<CorpusCoding>,
    pub coders: Vec<String>,
    pub themes: Vec<ThemeRow>,
    pub warnings: Vec<String>,
}

/// The warning that `orphaned` codings (their words gone from the note) are not counted:
/// every read of the store says it the same way.
pub(crate) fn orphaned_warning(orphaned: usize) -> Option<String> {
    (orphaned > 0).then(|| {
        format!(
            "{orphaned} coding(s) whose words are no longer in their note (orphaned) are not \
             counted; `ripple check` lists them"
        )
    })
}

/// A session as `Corpus::build` takes it: metadata, note, and each coder's memo on the note.
pub type SessionInput = (SessionMeta, String, Vec<(String, String)>);

/// A coding as [`Corpus::build_from`] takes it: what the corpus keeps of a [`Coding`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodingInput {
    pub session: SessionId,
    pub coder: String,
    pub theme: String,
    /// Code points, half-open.
    pub start: usize,
    pub end: usize,
    pub orphaned: bool,
    pub memo: String,
}

impl From<Coding> for CodingInput {
    fn from(c: Coding) -> CodingInput {
        CodingInput {
            session: c.session,
            coder: c.coder,
            theme: c.theme,
            start: c.start,
            end: c.end,
            orphaned: c.status == AnchorStatus::Orphaned,
            memo: c.memo,
        }
    }
}

impl Corpus {
    /// A corpus of these sessions (metadata, note, coders' memos on the note) and codings.
    /// Orphaned codings, and codings of sessions not given, are left out.
    pub fn build(
        codebook: Codebook,
        project_start: Option<NaiveDate>,
        sessions: Vec<SessionInput>,
        codings: Vec<Coding>,
    ) -> Corpus {
        let codings = codings.into_iter().map(CodingInput::from).collect();
        Corpus::build_from(codebook, project_start, sessions, codings)
    }

    /// [`Corpus::build`] from codings already reduced to what the corpus keeps.
    pub fn build_from(
        codebook: Codebook,
        project_start: Option<NaiveDate>,
        sessions: Vec<SessionInput>,
        codings: Vec<CodingInput>,
    ) -> Corpus {
        let mut coders: Vec<String> = codings.iter().map(|c| c.coder.clone()).collect();
        for (_, _, memos) in &sessions {
            coders.extend(memos.iter().map(|(c, _)| c.clone()));
        }
        coders.sort();
        coders.dedup();
        let coder_ix: HashMap<&str, usize> = coders
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i))
            .collect();
        let mut sessions: Vec<CorpusSession> = sessions
            .into_iter()
            .map(|(m, text, memos)| {
                let memos = memos
                    .into_iter()
                    .filter(|(_, memo)| !memo.trim().is_empty())
                    .map(|(c, memo)| (coder_ix[c.as_str()], memo))
                    .collect();
                CorpusSession::new(m, text, memos)
            })
            .collect();
        sessions.sort_by(|a, b| (a.date, &a.id.0).cmp(&(b.date, &b.id.0)));
        let session_ix: HashMap<&str, usize> = sessions
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.0.as_str(), i))
            .collect();

        let (mut themes, mut theme_ix) = theme_rows(&codebook);
        let mut out: Vec<CorpusCoding> = Vec::with_capacity(codings.len());
        for c in codings {
            // Search indexes neither orphaned codings nor empty ones.
            if c.orphaned || c.end <= c.start {
                continue;
            }
            let Some(&session) = session_ix.get(c.session.0.as_str()) else {
                continue;
            };
            let theme = match theme_ix.get(&c.theme) {
                Some(&t) => t,
                None => {
                    let t = themes.len();
                    theme_ix.insert(c.theme.clone(), t);
                    themes.push(ThemeRow {
                        key: c.theme.clone(),
                        name: c.theme.clone(),
                        depth: 0,
                        parent: None,
                        known: false,
                    });
                    t
                }
            };
            out.push(CorpusCoding {
                session,
                coder: coder_ix[c.coder.as_str()],
                theme,
                start: c.start,
                end: c.end,
                memo: c.memo.into_boxed_str(),
            });
        }
        out.sort_by(|a, b| {
            (a.session, a.start, a.end, a.theme, a.coder)
                .cmp(&(b.session, b.start, b.end, b.theme, b.coder))
        });
        Corpus::finish(codebook, project_start, sessions, out, coders, themes)
    }

    /// A corpus for counting (no note text, memos or coding ids; `counts_only`) from
    /// sessions' metadata and codings given by index into the tables given with them: how
    /// the analysis cache hands over what it holds, without a string per coding. `coders`
    /// are the coders read (each listed whether or not it has a coding here); codings of a
    /// coder, theme or session not in the tables are a caller's error (they panic).
    /// The result is that of [`Corpus::build_from`] given the same codings as strings.
    pub fn build_indexed(
        codebook: Codebook,
        project_start: Option<NaiveDate>,
        sessions: Vec<SessionMeta>,
        coders: &[String],
        theme_keys: &[String],
        codings: &[IndexedCoding],
    ) -> Corpus {
        let mut sorted_coders: Vec<String> = coders.to_vec();
        sorted_coders.sort();
        sorted_coders.dedup();
        let coder_map: Vec<usize> = coders
            .iter()
            .map(|c| sorted_coders.binary_search(c).expect("listed above"))
            .collect();
        // Sessions oldest first (date, then id), as `build_from` orders them.
        let mut order: Vec<usize> = (0..sessions.len()).collect();
        order.sort_unstable_by(|&a, &b| {
            (sessions[a].date, &sessions[a].id.0).cmp(&(sessions[b].date, &sessions[b].id.0))
        });
        let mut position = vec![0usize; sessions.len()];
        for (p, &i) in order.iter().enumerate() {
            position[i] = p;
        }
        let mut slots: Vec<Option<SessionMeta>> = sessions.into_iter().map(Some).collect();
        let sessions: Vec<CorpusSession> = order
            .iter()
            .map(|&i| {
                let m = slots[i].take().expect("each session once");
                CorpusSession::new(m, String::new(), Vec::new())
            })
            .collect();
        let (mut themes, mut theme_ix) = theme_rows(&codebook);
        // Theme keys to rows once per key; a key the codebook does not know becomes a row
        // where a coding first uses it, in the order given (as `build_from` does).
        let mut theme_map: Vec<Option<usize>> = vec![None; theme_keys.len()];
        // Codings bucketed by their session's position, then ordered within each session.
        let mut per = vec![0usize; sessions.len() + 1];
        for c in codings {
            if c.end > c.start {
                per[position[c.session as usize] + 1] += 1;
            }
        }
        for i in 1..per.len() {
            per[i] += per[i - 1];
        }
        let mut next = per.clone();
        let mut out: Vec<CorpusCoding> = Vec::with_capacity(per[sessions.len()]);
        // Filled in bucket order below; start with placeholders written over once each.
        out.resize_with(per[sessions.len()], || CorpusCoding {
            session: 0,
            coder: 0,
            theme: 0,
            start: 0,
            end: 0,
            memo: Box::default(),
        });
        for c in codings {
            if c.end <= c.start {
                continue;
            }
            let t = c.theme as usize;
            let theme = match theme_map[t] {
                Some(r) => r,
                None => {
                    let key = &theme_keys[t];
                    let r = match theme_ix.get(key) {
                        Some(&r) => r,
                        None => {
                            let r = themes.len();
                            theme_ix.insert(key.clone(), r);
                            themes.push(ThemeRow {
                                key: key.clone(),
                                name: key.clone(),
                                depth: 0,
                                parent: None,
                                known: false,
                            });
                            r
                        }
                    };
                    theme_map[t] = Some(r);
                    r
                }
            };
            let session = position[c.session as usize];
            let slot = &mut out[next[session]];
            next[session] += 1;
            slot.session = session;
            slot.coder = coder_map[c.coder as usize];
            slot.theme = theme;
            slot.start = c.start;
            slot.end = c.end;
        }
        for w in per.windows(2) {
            out[w[0]..w[1]].sort_unstable_by_key(|c| (c.start, c.end, c.theme, c.coder));
        }
        let mut corpus = Corpus::finish(
            codebook,
            project_start,
            sessions,
            out,
            sorted_coders,
            themes,
        );
        corpus.counts_only = true;
        corpus
    }

    /// A counting corpus (`counts_only`) from the parts of one [`Corpus::build_indexed`]
    /// made (sessions oldest first, codings in their order, coders sorted, theme rows as the
    /// codebook and the codings made them): how `.ripple/counts-snapshot` hands a stored
    /// counting corpus back.
    pub(crate) fn from_counts(
        codebook: Codebook,
        project_start: Option<NaiveDate>,
        parts: CountsParts,
    ) -> Corpus {
        let mut corpus = Corpus::finish(
            codebook,
            project_start,
            parts.sessions,
            parts.codings,
            parts.coders,
            parts.themes,
        );
        corpus.warnings = parts.warnings;
        corpus.note_keys = parts.note_keys;
        corpus.counts_only = true;
        corpus
    }

    fn finish(
        codebook: Codebook,
        project_start: Option<NaiveDate>,
        sessions: Vec<CorpusSession>,
        codings: Vec<CorpusCoding>,
        coders: Vec<String>,
        themes: Vec<ThemeRow>,
    ) -> Corpus {
        let lineage = themes
            .iter()
            .enumerate()
            .map(|(i, _)| {
                let mut chain = vec![i];
                let mut cur = themes[i].parent;
                while let Some(p) = cur {
                    chain.push(p);
                    cur = themes[p].parent;
                }
                chain
            })
            .collect();
        Corpus {
            sessions,
            codings,
            coders,
            themes,
            codebook,
            project_start,
            warnings: Vec::new(),
            counts_only: false,
            note_keys: Vec::new(),
            lineage,
            words: OnceLock::new(),
            bags: OnceLock::new(),
        }
    }

    /// The theme row and every row above it (nearest first).
    pub fn lineage(&self, theme: usize) -> &[usize] {
        &self.lineage[theme]
    }

    /// The theme rows at or below `theme`.
    pub fn subtree(&self, theme: usize) -> Vec<usize> {
        (0..self.themes.len())
            .filter(|&t| self.lineage[t].contains(&theme))
            .collect()
    }

    /// The row of a theme key.
    pub fn theme_index(&self, key: &str) -> Option<usize> {
        self.themes.iter().position(|t| t.key == key)
    }

    /// The quoted words of a coding.
    pub fn quote(&self, c: &CorpusCoding) -> &str {
        assert!(!self.counts_only, "a counting corpus holds no words");
        crate::core::text::char_slice(&self.sessions[c.session].text, c.start, c.end)
    }

    /// Every note's words (computed once, on first use, in parallel).
    pub fn words(&self) -> &Words {
        assert!(!self.counts_only, "a counting corpus holds no words");
        self.words.get_or_init(|| tokenize_all(&self.sessions))
    }

    /// Every note's words as bags of folded forms (computed once, on first use, in parallel;
    /// from [`Corpus::words`] when those are already there).
    pub fn bags(&self) -> &Bags {
        if let Some(bags) = self.bags.get() {
            return bags;
        }
        assert!(!self.counts_only, "a counting corpus holds no words");
        self.bags.get_or_init(|| match self.words.get() {
            Some(words) => bags_of_words(words),
            None => bag_all(&self.sessions),
        })
    }

    /// Set the bags of words (from the word-bag cache) before anything asked for them; a
    /// counting corpus then answers keywords too. Nothing if they were made already.
    pub(crate) fn set_bags(&self, bags: Bags) {
        let _ = self.bags.set(bags);
    }

    /// Whether the bags of words are there (made, or set from the cache).
    pub fn has_bags(&self) -> bool {
        self.bags.get().is_some()
    }
}

/// A coding as [`Corpus::build_indexed`] takes it: indices into the session, coder and theme
/// tables given with it, and its span in code points (half-open).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexedCoding {
    pub session: u32,
    pub coder: u32,
    pub theme: u32,
    pub start: usize,
    pub end: usize,
}

/// The codebook's themes as rows in tree order, and each key's row.
fn theme_rows(codebook: &Codebook) -> (Vec<ThemeRow>, HashMap<String, usize>) {
    let mut themes: Vec<ThemeRow> = Vec::new();
    let tree = codebook.hierarchy().rows();
    let mut theme_ix: HashMap<String, usize> = HashMap::new();
    for row in &tree {
        theme_ix.insert(row.theme.key.clone(), themes.len());
        themes.push(ThemeRow {
            key: row.theme.key.clone(),
            name: row.theme.name.clone(),
            depth: row.depth,
            parent: None,
            known: true,
        });
    }
    for (i, row) in tree.iter().enumerate() {
        // A parent met later in the tree order (a cycle) is not linked: rows stay a tree.
        themes[i].parent = row
            .theme
            .parent
            .as_ref()
            .and_then(|p| theme_ix.get(p).copied())
            .filter(|&p| p < i && row.depth > 0);
    }
    (themes, theme_ix)
}

/// A text's words as the index splits them (folded, with code-point offsets).
pub fn tokenize(text: &str) -> Vec<(u32, u32, String)> {
    let mut analyzer = plain_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    // Byte offsets come in increasing order: walk the text once to turn them into code points.
    let mut byte = 0usize;
    let mut chars = 0usize;
    let mut advance = |to: usize| {
        if to >= byte {
            chars += text[byte..to].chars().count();
        } else {
            chars -= text[to..byte].chars().count();
        }
        byte = to;
        chars
    };
    while stream.advance() {
        let t = stream.token();
        let s = advance(t.offset_from) as u32;
        let e = advance(t.offset_to) as u32;
        out.push((s, e, t.text.clone()));
    }
    out
}

fn tokenize_all(sessions: &[CorpusSession]) -> Words {
    let per: Vec<Vec<(u32, u32, String)>> =
        crate::core::parallel::parallel_map(sessions, |s| tokenize(&s.text));
    let mut words = Words::default();
    let mut form_ix: HashMap<String, u32> = HashMap::new();
    let mut stem_ix: HashMap<String, u32> = HashMap::new();
    for toks in per {
        let mut row = Vec::with_capacity(toks.len());
        for (s, e, w) in toks {
            let id = match form_ix.get(&w) {
                Some(&i) => i,
                None => {
                    let i = words.forms.len() as u32;
                    let st = stem(&w);
                    let sid = match stem_ix.get(&st) {
                        Some(&x) => x,
                        None => {
                            let x = words.stems.len() as u32;
                            words.stems.push(st.clone());
                            stem_ix.insert(st, x);
                            x
                        }
                    };
                    words.stem_of.push(sid);
                    words.forms.push(w.clone());
                    form_ix.insert(w, i);
                    i
                }
            };
            row.push(Token {
                start: s,
                end: e,
                word: id,
            });
        }
        words.tokens.push(row);
    }
    words
}

/// Bags from words already split.
fn bags_of_words(words: &Words) -> Bags {
    let mut counts = vec![0u32; words.forms.len()];
    let mut touched: Vec<u32> = Vec::new();
    let mut bags = Bags {
        forms: words.forms.clone(),
        bags: Vec::with_capacity(words.tokens.len()),
        totals: Vec::with_capacity(words.tokens.len()),
    };
    for toks in &words.tokens {
        for t in toks {
            let c = &mut counts[t.word as usize];
            if *c == 0 {
                touched.push(t.word);
            }
            *c += 1;
        }
        bags.bags.push(
            touched
                .drain(..)
                .map(|w| (w, std::mem::take(&mut counts[w as usize])))
                .collect(),
        );
        bags.totals.push(toks.len() as u64);
    }
    bags
}

/// Calls `each` with every word of `text`, folded, in order: the words [`tokenize`] gives
/// (the index's `WordTokenizer`: runs of alphanumeric characters, with the combining marks
/// after a letter kept in its word; words of 60 bytes or more left out; composed, lowercased;
/// accents folded to ASCII), without offsets. An ASCII word is lowercased here; any other goes
/// through the index's own analyzer, alone.
pub fn each_word(text: &str, mut each: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut buf = String::new();
    let mut analyzer: Option<tantivy::tokenizer::TextAnalyzer> = None;
    let mut i = 0;
    while i < bytes.len() {
        // The next alphanumeric character starts a word.
        let (c, len) = char_at(text, i);
        if !c.is_alphanumeric() {
            i += len;
            continue;
        }
        let start = i;
        let mut ascii = c.is_ascii();
        i += len;
        while i < bytes.len() {
            let (c, len) = char_at(text, i);
            if !c.is_alphanumeric() && !crate::core::text::is_word_mark(c) {
                break;
            }
            ascii &= c.is_ascii();
            i += len;
        }
        let word = &text[start..i];
        if ascii {
            if word.len() >= MAX_TOKEN_BYTES {
                continue;
            }
            buf.clear();
            buf.push_str(word);
            buf.make_ascii_lowercase();
            each(&buf);
        } else {
            let analyzer = analyzer.get_or_insert_with(plain_analyzer);
            let mut stream = analyzer.token_stream(word);
            while stream.advance() {
                each(&stream.token().text);
            }
        }
    }
}

/// The character at byte `i` of `text` (a character boundary) and its length in bytes.
fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return (b as char, 1);
    }
    let c = text[i..].chars().next().expect("a character boundary");
    (c, c.len_utf8())
}

/// Every note's bag of words.
fn bag_all(sessions: &[CorpusSession]) -> Bags {
    let texts: Vec<&str> = sessions.iter().map(|s| s.text.as_str()).collect();
    bag_texts(&texts)
}

/// Each text's bag of words, in order: each thread bags its share of the texts with its own
/// form table, then the tables are merged.
pub(crate) fn bag_texts<S: AsRef<str> + Sync>(texts: &[S]) -> Bags {
    struct Part {
        forms: Vec<String>,
        bags: Vec<Vec<(u32, u32)>>,
        totals: Vec<u64>,
    }
    let parts = crate::core::parallel::parallel_chunks(texts, |chunk| {
        let mut ix: rustc_hash::FxHashMap<String, u32> = Default::default();
        let mut part = Part {
            forms: Vec::new(),
            bags: Vec::with_capacity(chunk.len()),
            totals: Vec::with_capacity(chunk.len()),
        };
        let mut counts: Vec<u32> = Vec::new();
        let mut touched: Vec<u32> = Vec::new();
        for text in chunk {
            let mut total = 0u64;
            each_word(text.as_ref(), |w| {
                total += 1;
                let id = match ix.get(w) {
                    Some(&id) => id,
                    None => {
                        let id = part.forms.len() as u32;
                        part.forms.push(w.to_string());
                        ix.insert(w.to_string(), id);
                        counts.push(0);
                        id
                    }
                };
                let c = &mut counts[id as usize];
                if *c == 0 {
                    touched.push(id);
                }
                *c += 1;
            });
            part.bags.push(
                touched
                    .drain(..)
                    .map(|w| (w, std::mem::take(&mut counts[w as usize])))
                    .collect(),
            );
            part.totals.push(total);
        }
        part
    });
    let mut out = Bags::default();
    let mut ix: HashMap<String, u32> = HashMap::new();
    for part in parts {
        let map: Vec<u32> = part
            .forms
            .into_iter()
            .map(|f| match ix.get(&f) {
                Some(&id) => id,
                None => {
                    let id = out.forms.len() as u32;
                    out.forms.push(f.clone());
                    ix.insert(f, id);
                    id
                }
            })
            .collect();
        for mut bag in part.bags {
            for (w, _) in &mut bag {
                *w = map[*w as usize];
            }
            out.bags.push(bag);
        }
        out.totals.extend(part.totals);
    }
    out
}
