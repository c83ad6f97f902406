//! What the analysis screen asks of the IO thread, and the work done there: the corpus read
//! once from the store (then kept in an `Arc` the screen hands back with each question) and
//! each analysis computed over it, with its table built, so the UI thread only draws.

use super::grid::Grid;
use crate::core::analysis::{
    cooccurrence, keywords, kwic, matrix, terms, Concordance, CooccurSpec, Cooccurrence, Corpus,
    Dimension, Keyword, KeywordSpec, Matrix, MatrixSpec, Scope, TermCounts, Value,
};
use crate::core::workspace::Workspace;
use std::sync::Arc;

/// Characters of context each side of a concordance hit.
pub const KWIC_WIDTH: usize = 40;
/// Most keywords listed, and the fewest occurrences in the column for a word to be one.
pub const KEYWORD_LIMIT: usize = 50;
pub const KEYWORD_MIN: u64 = 3;

/// One analysis, as asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ask {
    Matrix(MatrixSpec),
    Cooccur(CooccurSpec),
    /// Occurrences of each of `words` (a query of words and phrases each) by `by`.
    Terms {
        words: Vec<String>,
        by: Dimension,
        per_10k: bool,
        scope: Scope,
    },
    /// Every occurrence of `words` in the sessions of `scope`.
    Kwic {
        words: String,
        scope: Scope,
    },
    Keywords(KeywordSpec),
}

impl Ask {
    /// Whether answering needs the notes' words: a query, terms, a concordance. The others
    /// are answered from a counting corpus (`Corpus::load_counts`: at 100,000 sessions one
    /// file and a `stat` per note, against seconds for every note).
    pub fn needs_words(&self) -> bool {
        match self {
            Ask::Matrix(spec) => !spec.scope.query_text().is_empty(),
            Ask::Cooccur(spec) => !spec.scope.query_text().is_empty(),
            Ask::Keywords(spec) => !spec.scope.query_text().is_empty(),
            Ask::Terms { .. } | Ask::Kwic { .. } => true,
        }
    }
}

/// An answer, with the table to draw where it is one.
#[derive(Debug)]
pub enum Analysed {
    Matrix {
        matrix: Box<Matrix>,
        grid: Grid,
    },
    Cooccur {
        co: Box<Cooccurrence>,
        counts: Grid,
        coef: Grid,
    },
    Terms {
        counts: TermCounts,
        grid: Grid,
        /// The query selecting each column (for its concordance).
        col_queries: Vec<String>,
    },
    Kwic(Vec<Concordance>),
    Keywords(Vec<Keyword>),
}

/// `ask` over `corpus` (pure; run on the IO thread).
pub fn compute(corpus: &Corpus, ask: &Ask) -> Result<Analysed, String> {
    Ok(match ask {
        Ask::Matrix(spec) => {
            let m = matrix(corpus, spec)?;
            let grid = Grid::of_matrix(&m);
            Analysed::Matrix {
                matrix: Box::new(m),
                grid,
            }
        }
        Ask::Cooccur(spec) => {
            let co = cooccurrence(corpus, spec)?;
            Analysed::Cooccur {
                counts: Grid::of_cooccurrence(&co, false),
                coef: Grid::of_cooccurrence(&co, true),
                co: Box::new(co),
            }
        }
        Ask::Terms {
            words,
            by,
            per_10k,
            scope,
        } => {
            let counts = terms(corpus, words, *by, *per_10k, scope)?;
            // The columns' queries, as a matrix along the same dimension writes them.
            let m = matrix(
                corpus,
                &MatrixSpec {
                    cols: *by,
                    value: Value::Sessions,
                    flat: true,
                    scope: scope.clone(),
                },
            )?;
            let col_queries = counts.cols.iter().map(|c| m.col_query(&c.column)).collect();
            Analysed::Terms {
                grid: Grid::of_terms(&counts),
                counts,
                col_queries,
            }
        }
        Ask::Kwic { words, scope } => Analysed::Kwic(kwic(corpus, words, KWIC_WIDTH, scope)?),
        Ask::Keywords(spec) => Analysed::Keywords(keywords(corpus, spec)?),
    })
}

/// On the IO thread: the corpus and `ask` over it. The store is read when `corpus` is None
/// (for counting only, unless `ask` needs the notes' words), or when it is a counting corpus
/// and `ask` needs the words. The corpus used is handed back to be kept.
pub fn answer(
    ws: &Workspace,
    corpus: Option<Arc<Corpus>>,
    ask: &Ask,
) -> (Option<Arc<Corpus>>, Result<Analysed, String>) {
    let words = ask.needs_words();
    let corpus = match corpus {
        Some(c) if !(words && c.counts_only) => c,
        _ => {
            let read = if words {
                Corpus::load(ws, &Scope::default())
            } else {
                Corpus::load_counts(ws, &Scope::default())
            };
            match read {
                Ok(c) => Arc::new(c),
                Err(e) => return (None, Err(e)),
            }
        }
    };
    if matches!(ask, Ask::Keywords(_)) {
        // Every note's bag of words, from the word-bag cache where the note is unchanged
        // (the corpus holds every note's text, so no word is left uncounted).
        crate::core::workspace::word_bags::fill(ws.store(), &corpus);
    }
    let result = compute(&corpus, ask);
    (Some(corpus), result)
}
