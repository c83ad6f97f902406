//! The index's schema: its fields, by role and by kind of document (sessions, passages).

use crate::core::index::analysis::{
    CJK_TOKENIZER, EXACT_TOKENIZER, INDEX_TOKENIZER, PAIR_TOKENIZER, PLAIN_TOKENIZER,
    SYMBOL_TOKENIZER,
};
use tantivy::query::{Query as TantivyQuery, TermQuery};
use tantivy::schema::{
    DateOptions, DateTimePrecision, FacetOptions, Field, IndexRecordOption, Schema,
    TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::Term;

/// The fields of one kind of document. Sessions and passages have separate fields (`s_text`,
/// `p_text`, ...) in one index: a search for one kind then needs no filter on the kind (a
/// one-word query is one posting list, so its count is known without visiting it and its top
/// hits can be found by block-max WAND), each kind has its own ranking statistics (a quote is
/// not scored against the length of a whole note), and a save is still one commit.
#[derive(Clone, Copy, Debug)]
pub struct KindFields {
    /// Sessions: title, note and every coder's memo; passages: the quote and its memo.
    /// Analysed by `INDEX_TOKENIZER` (words and their stems), with positions.
    pub text: Field,
    pub cjk: Field,
    /// The symbols of the same text (`SYMBOL_TOKENIZER`), filled only when it has some.
    pub symbols: Field,
    /// Each two neighbouring words of `text` as one term (`PAIR_TOKENIZER`), with frequencies
    /// but no positions or norms: two-word phrases are looked up here (see `query_plan`).
    pub pairs: Field,
    pub title: Field,
    pub memo: Field,
    /// Stored only: the keys of the themes (passages: the coding's theme).
    pub theme_key: Field,
    pub agency: Field,
    pub session_type: Field,
    pub county: Field,
    pub facilitator: Field,
    pub coder: Field,
    pub tag: Field,
    /// The keyword fields' whole values (`EXACT_TOKENIZER`), one term a value.
    pub agency_exact: Field,
    pub county_exact: Field,
    pub facilitator_exact: Field,
    pub coder_exact: Field,
    pub tag_exact: Field,
    /// Facets for counting and for `theme:`: `/agency/<name>`, `/month/<yyyy-mm>`, and
    /// `/theme/<key>` for each coded theme and each of its ancestors.
    pub counts: Field,
}

/// The index's fields, by role.
#[derive(Clone, Copy, Debug)]
pub struct IndexFields {
    pub kind: Field,
    /// Also a fast column, so the sessions an index holds are listed without reading documents.
    pub session_id: Field,
    /// Session documents only: what the session's files were when it was indexed (a fast
    /// column; see `core::index_sync`).
    pub sources: Field,
    pub coding_id: Field,
    /// Stored only: the note or the quote, returned with hits.
    pub body: Field,
    pub start: Field,
    pub end: Field,
    /// The session's date, on every document: one dense fast column, so a date range is a
    /// scan of plain values (a column holding only some documents answers each lookup through
    /// an index of which documents have a value).
    pub date: Field,
    pub sessions: KindFields,
    pub passages: KindFields,
}

/// The per-kind field names, without the kind's prefix.
const KIND_FIELDS: [&str; 19] = [
    "text",
    "cjk",
    "symbols",
    "pairs",
    "title",
    "memo",
    "theme_key",
    "agency",
    "type",
    "county",
    "facilitator",
    "coder",
    "tag",
    "agency_exact",
    "county_exact",
    "facilitator_exact",
    "coder_exact",
    "tag_exact",
    "counts",
];

impl IndexFields {
    pub fn from_schema(schema: &Schema) -> IndexFields {
        let f = |name: &str| {
            schema
                .get_field(name)
                .unwrap_or_else(|_| panic!("index schema lacks field {name}"))
        };
        let kind_fields = |kind: HitKind| {
            let g = |name: &str| f(&format!("{}_{name}", kind.prefix()));
            KindFields {
                text: g("text"),
                cjk: g("cjk"),
                symbols: g("symbols"),
                pairs: g("pairs"),
                title: g("title"),
                memo: g("memo"),
                theme_key: g("theme_key"),
                agency: g("agency"),
                session_type: g("type"),
                county: g("county"),
                facilitator: g("facilitator"),
                coder: g("coder"),
                tag: g("tag"),
                agency_exact: g("agency_exact"),
                county_exact: g("county_exact"),
                facilitator_exact: g("facilitator_exact"),
                coder_exact: g("coder_exact"),
                tag_exact: g("tag_exact"),
                counts: g("counts"),
            }
        };
        IndexFields {
            kind: f("kind"),
            session_id: f("session_id"),
            sources: f("sources"),
            coding_id: f("coding_id"),
            body: f("body"),
            start: f("start"),
            end: f("end"),
            date: f("date"),
            sessions: kind_fields(HitKind::Sessions),
            passages: kind_fields(HitKind::Passages),
        }
    }

    pub fn of(&self, kind: HitKind) -> &KindFields {
        match kind {
            HitKind::Sessions => &self.sessions,
            HitKind::Passages => &self.passages,
        }
    }
}

/// The index schema (version `SCHEMA_VERSION`).
pub fn build_schema() -> Schema {
    let mut b = Schema::builder();
    let analyzed = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    b.add_text_field("kind", STRING | STORED);
    b.add_text_field("session_id", STRING | STORED | FAST);
    b.add_u64_field("sources", FAST);
    b.add_text_field("coding_id", STRING | STORED);
    b.add_text_field("body", TextOptions::default().set_stored());
    b.add_u64_field("start", STORED);
    b.add_u64_field("end", STORED);
    b.add_date_field(
        "date",
        DateOptions::from(INDEXED | STORED)
            .set_fast()
            .set_precision(DateTimePrecision::Seconds),
    );
    for kind in [HitKind::Sessions, HitKind::Passages] {
        for name in KIND_FIELDS {
            let full = format!("{}_{name}", kind.prefix());
            match name {
                "text" => b.add_text_field(&full, analyzed(INDEX_TOKENIZER)),
                "cjk" => b.add_text_field(&full, analyzed(CJK_TOKENIZER)),
                "symbols" => b.add_text_field(&full, analyzed(SYMBOL_TOKENIZER)),
                "pairs" => b.add_text_field(
                    &full,
                    TextOptions::default().set_indexing_options(
                        TextFieldIndexing::default()
                            .set_tokenizer(PAIR_TOKENIZER)
                            .set_index_option(IndexRecordOption::WithFreqs)
                            .set_fieldnorms(false),
                    ),
                ),
                "title" | "memo" => b.add_text_field(&full, analyzed(INDEX_TOKENIZER).set_stored()),
                "counts" => b.add_facet_field(&full, FacetOptions::default()),
                "theme_key" => b.add_text_field(&full, STORED),
                "type" => b.add_text_field(&full, STRING | STORED),
                _ if name.ends_with("_exact") => b.add_text_field(
                    &full,
                    TextOptions::default().set_indexing_options(
                        TextFieldIndexing::default()
                            .set_tokenizer(EXACT_TOKENIZER)
                            .set_index_option(IndexRecordOption::Basic),
                    ),
                ),
                _ => b.add_text_field(&full, analyzed(PLAIN_TOKENIZER).set_stored()),
            };
        }
    }
    b.build()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HitKind {
    Passages,
    Sessions,
}

impl HitKind {
    pub(crate) fn key(self) -> &'static str {
        match self {
            HitKind::Passages => "passage",
            HitKind::Sessions => "session",
        }
    }

    /// The prefix of this kind's field names.
    pub(crate) fn prefix(self) -> &'static str {
        match self {
            HitKind::Passages => "p",
            HitKind::Sessions => "s",
        }
    }

    /// All documents of this kind: the base of a query made only of exclusions.
    pub fn all_query(self, fields: &IndexFields) -> Box<dyn TantivyQuery> {
        Box::new(TermQuery::new(
            Term::from_field_text(fields.kind, self.key()),
            IndexRecordOption::Basic,
        ))
    }
}
