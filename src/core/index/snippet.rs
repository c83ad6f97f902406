//! Snippets and highlights of a hit, in code points.

use super::analysis::{self, stem};
use super::query_plan::HighlightTerms;
use super::terms::levenshtein_dfa;
use crate::core::text::byte_to_char;
use std::collections::BTreeMap;
use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

/// Snippet length for session hits, in bytes of text (tantivy's unit).
const SNIPPET_BYTES: usize = 220;

/// Builds tantivy `SnippetGenerator`s from the query's positive terms: stemmed words as they
/// are, and for prefix / fuzzy terms the stems of the words in this text that match them (the
/// non-fuzzy view of the query; a fuzzy query itself gives tantivy no terms to highlight).
/// CJK strings are highlighted by substring search. All ranges leave here in code points.
pub(super) struct SnippetMaker<'a> {
    wanted: &'a HighlightTerms,
    field: Field,
    text_analyzer: TextAnalyzer,
    plain_analyzer: TextAnalyzer,
    /// One automaton per fuzzy word (the query language allows distances 1 and 2, which
    /// `levenshtein_dfa` builds).
    fuzzy: Vec<levenshtein_automata::DFA>,
}

impl<'a> SnippetMaker<'a> {
    pub(super) fn new(wanted: &'a HighlightTerms, field: Field) -> SnippetMaker<'a> {
        SnippetMaker {
            wanted,
            field,
            text_analyzer: analysis::text_analyzer(),
            plain_analyzer: analysis::plain_analyzer(),
            fuzzy: wanted
                .fuzzy
                .iter()
                .filter_map(|(w, d)| levenshtein_dfa(w, *d))
                .collect(),
        }
    }

    /// Whether a folded word as written matches one of the query's prefixes or fuzzy words.
    fn matches_loosely(
        wanted: &HighlightTerms,
        fuzzy: &[levenshtein_automata::DFA],
        word: &str,
    ) -> bool {
        wanted.prefixes.iter().any(|x| word.starts_with(x.as_str()))
            || fuzzy
                .iter()
                .any(|dfa| matches!(dfa.eval(word), levenshtein_automata::Distance::Exact(_)))
    }

    fn generator(&mut self, text: &str, max_bytes: usize) -> SnippetGenerator {
        let mut terms: BTreeMap<String, f32> = BTreeMap::new();
        for s in &self.wanted.stems {
            terms.insert(s.clone(), 1.0);
        }
        if !self.wanted.prefixes.is_empty() || !self.wanted.fuzzy.is_empty() {
            // A prefix or fuzzy word matches the words of the same stem as the words that
            // match it (see `query`): look for those stems.
            let mut stream = self.plain_analyzer.token_stream(text);
            while let Some(t) = stream.next() {
                if Self::matches_loosely(self.wanted, &self.fuzzy, &t.text) {
                    terms.insert(stem(&t.text), 1.0);
                }
            }
        }
        SnippetGenerator::new(terms, self.text_analyzer.clone(), self.field, max_bytes)
    }

    /// CJK strings and symbols, found by substring search (byte ranges).
    fn cjk_ranges(&self, text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for needle in self.wanted.cjk.iter().chain(&self.wanted.symbols) {
            for (b, _) in text.match_indices(needle.as_str()) {
                out.push((b, b + needle.len()));
            }
        }
        out
    }

    /// Highlights over the whole text (passages), in code points.
    pub(super) fn highlight_whole(&mut self, text: &str) -> Vec<(usize, usize)> {
        let gen = self.generator(text, text.len() + 1);
        let snippet = gen.snippet(text);
        let base = snippet.fragment_range().start;
        let mut bytes: Vec<(usize, usize)> = snippet
            .highlighted()
            .iter()
            .map(|r| (base + r.start, base + r.end))
            .collect();
        bytes.extend(self.cjk_ranges(text));
        to_char_ranges(text, bytes)
    }

    /// A fragment of the note around the best matches: (fragment, highlights in code points
    /// within it, fragment start and end in code points within the note).
    pub(super) fn snippet(&mut self, text: &str) -> (String, Vec<(usize, usize)>, usize, usize) {
        let gen = self.generator(text, SNIPPET_BYTES);
        let snippet = gen.snippet(text);
        let (mut from, mut to, mut rel): (usize, usize, Vec<(usize, usize)>) = if snippet.is_empty()
        {
            // No word matched (a CJK match or a filter-only query): show the start of the
            // note, or around the first CJK match.
            let at = self
                .cjk_ranges(text)
                .into_iter()
                .map(|r| r.0)
                .min()
                .unwrap_or(0);
            let from = floor_char(text, at.saturating_sub(SNIPPET_BYTES / 3));
            let to = floor_char(text, (from + SNIPPET_BYTES).min(text.len()));
            (from, to, Vec::new())
        } else {
            let r = snippet.fragment_range();
            let rel = snippet
                .highlighted()
                .iter()
                .map(|h| (h.start, h.end))
                .collect();
            (r.start, r.end, rel)
        };
        // Start and end on word boundaries, trimming whitespace.
        while from < to && text[from..].starts_with(char::is_whitespace) {
            let c = text[from..].chars().next().map_or(1, char::len_utf8);
            from += c;
            rel = rel
                .into_iter()
                .map(|(a, b)| (a.saturating_sub(c), b.saturating_sub(c)))
                .collect();
        }
        while to > from && text[..to].ends_with(char::is_whitespace) {
            to -= text[..to].chars().next_back().map_or(1, char::len_utf8);
        }
        let frag = &text[from..to];
        let mut bytes: Vec<(usize, usize)> = rel;
        bytes.extend(self.cjk_ranges(frag));
        let hl = to_char_ranges(frag, bytes);
        let start = byte_to_char(text, from);
        let end = start + frag.chars().count();
        (frag.to_string(), hl, start, end)
    }
}

fn floor_char(s: &str, mut b: usize) -> usize {
    b = b.min(s.len());
    while !s.is_char_boundary(b) {
        b -= 1;
    }
    b
}

/// Byte ranges → sorted, merged code-point ranges.
fn to_char_ranges(text: &str, mut bytes: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    bytes.retain(|(a, b)| a < b && *b <= text.len());
    bytes.sort();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in bytes {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
        .into_iter()
        .map(|(a, b)| {
            let a = floor_char(text, a);
            let b = floor_char(text, b);
            (byte_to_char(text, a), byte_to_char(text, b))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_ranges_after_emoji() {
        let s = "🙂 trust";
        assert_eq!(to_char_ranges(s, vec![(5, 10)]), vec![(2, 7)]);
    }
}
