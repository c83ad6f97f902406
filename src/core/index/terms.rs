//! The terms a prefix or fuzzy query stands for, spelled out from the term dictionaries of the
//! segments a search reads and from the vocabulary.

use super::query_plan::TermExpander;
use crate::core::vocabulary::Vocabulary;
use std::collections::BTreeSet;
use tantivy::schema::Field;

/// Spells out prefixes, fuzzy words and keyword values from the term dictionaries of the
/// segments a search reads (see `query_plan::TermExpander`).
pub(super) struct IndexTerms<'a> {
    pub(super) searcher: &'a tantivy::Searcher,
    pub(super) vocabulary: &'a Vocabulary,
}

impl IndexTerms<'_> {
    /// Terms of `field` accepted by `automaton`, across segments; `None` past `max`.
    fn collect<A>(&self, field: Field, automaton: &A, max: usize) -> Option<Vec<String>>
    where
        A: tantivy_fst::Automaton,
        A::State: Clone,
    {
        let mut out: BTreeSet<String> = BTreeSet::new();
        for seg in self.searcher.segment_readers() {
            let inv = seg.inverted_index(field).ok()?;
            let mut stream = inv.terms().search(automaton).into_stream().ok()?;
            while stream.advance() {
                out.insert(String::from_utf8_lossy(stream.key()).into_owned());
                if out.len() > max {
                    return None;
                }
            }
        }
        Some(out.into_iter().collect())
    }
}

impl TermExpander for IndexTerms<'_> {
    fn prefixed(&self, field: Field, prefix: &str, max: usize) -> Option<Vec<String>> {
        self.collect(field, &Prefix(prefix.as_bytes()), max)
    }

    fn fuzzy(&self, field: Field, word: &str, distance: u8, max: usize) -> Option<Vec<String>> {
        let dfa = levenshtein_dfa(word, distance)?;
        self.collect(field, &Levenshtein(dfa), max)
    }

    fn all_terms(&self, field: Field, max: usize) -> Option<Vec<String>> {
        self.collect(field, &tantivy_fst::automaton::AlwaysMatch, max)
    }

    fn words_prefixed(&self, prefix: &str, max: usize) -> Option<Vec<String>> {
        self.vocabulary.prefixed(prefix, max)
    }

    fn words_fuzzy(&self, word: &str, distance: u8, max: usize) -> Option<Vec<String>> {
        let dfa = levenshtein_dfa(word, distance)?;
        let len = word.chars().count();
        let d = distance as usize;
        self.vocabulary.matching(max, |w| {
            // Lengths differing by more than the distance cannot match: skip the automaton.
            let n = w.len();
            n + d >= len
                && w.chars().count().abs_diff(len) <= d
                && matches!(dfa.eval(w), levenshtein_automata::Distance::Exact(_))
        })
    }
}

/// Terms starting with these bytes. State: how many bytes matched so far (`None`: a mismatch).
struct Prefix<'a>(&'a [u8]);

impl tantivy_fst::Automaton for Prefix<'_> {
    type State = Option<usize>;
    fn start(&self) -> Option<usize> {
        Some(0)
    }
    fn is_match(&self, state: &Option<usize>) -> bool {
        *state == Some(self.0.len())
    }
    fn can_match(&self, state: &Option<usize>) -> bool {
        state.is_some()
    }
    fn will_always_match(&self, state: &Option<usize>) -> bool {
        self.is_match(state)
    }
    fn accept(&self, state: &Option<usize>, byte: u8) -> Option<usize> {
        match *state {
            Some(n) if n == self.0.len() => Some(n),
            Some(n) if self.0[n] == byte => Some(n + 1),
            _ => None,
        }
    }
}

/// Terms within the automaton's edit distance (the same automaton as tantivy's fuzzy query).
struct Levenshtein(levenshtein_automata::DFA);

impl tantivy_fst::Automaton for Levenshtein {
    type State = u32;
    fn start(&self) -> u32 {
        self.0.initial_state()
    }
    fn is_match(&self, state: &u32) -> bool {
        matches!(
            self.0.distance(*state),
            levenshtein_automata::Distance::Exact(_)
        )
    }
    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }
    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// A Levenshtein automaton for `word` (transpositions count as one edit). Building the
/// builder for a distance is the slow part, so each is made once.
pub(super) fn levenshtein_dfa(word: &str, distance: u8) -> Option<levenshtein_automata::DFA> {
    use levenshtein_automata::LevenshteinAutomatonBuilder;
    use std::sync::OnceLock;
    static BUILDERS: [OnceLock<LevenshteinAutomatonBuilder>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let slot = BUILDERS.get(distance as usize)?;
    let builder = slot.get_or_init(|| LevenshteinAutomatonBuilder::new(distance, true));
    Some(builder.build_dfa(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_automata_count_transpositions_once() {
        use levenshtein_automata::Distance;
        let two = levenshtein_dfa("trust", 2).unwrap();
        assert_eq!(two.eval("trsut"), Distance::Exact(1));
        assert_eq!(two.eval("rust"), Distance::Exact(1));
        let one = levenshtein_dfa("trust", 1).unwrap();
        assert!(matches!(one.eval("crusty"), Distance::AtLeast(2)));
    }
}
