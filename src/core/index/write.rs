//! Writing the index: a session's documents (the session and its passages), removals,
//! commits and rebuilds.

use super::analysis::has_symbols;
use super::{
    theme_path_in, CommitPayload, HitKind, IndexError, IndexItem, KindFields, SearchIndex,
    SCHEMA_VERSION, VERSION_MARKER,
};
use crate::core::atomic::atomic_write;
use crate::core::codebook::Codebook;
use crate::core::coding::{AnchorStatus, Coding};
use crate::core::session::{Session, SessionId};
use crate::core::text::{char_slice, has_cjk};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;
use tantivy::schema::Facet;
use tantivy::{DateTime, IndexWriter, TantivyDocument, Term};

impl SearchIndex {
    fn writer(&mut self) -> Result<&mut IndexWriter, IndexError> {
        self.writer.as_mut().ok_or(IndexError::ReadOnly)
    }

    /// Replace a session's documents (the session and its attached codings). Not visible to
    /// searches until `commit`.
    pub fn index_session(
        &mut self,
        session: &Session,
        codings: &[Coding],
        memos: &[(String, String)],
        codebook: &Codebook,
    ) -> Result<(), IndexError> {
        self.index_sourced(session, codings, memos, codebook, 0)
    }

    /// `index_session`, recording `sources` (what the session's files were when read, see
    /// `core::index_sync`; 0 is "unknown": the session is read again at the next full check).
    pub fn index_sourced(
        &mut self,
        session: &Session,
        codings: &[Coding],
        memos: &[(String, String)],
        codebook: &Codebook,
        sources: u64,
    ) -> Result<(), IndexError> {
        if self.codebook != *codebook {
            self.codebook = codebook.clone();
        }
        let docs = self.documents(session, codings, memos, sources);
        let id_field = self.fields.session_id;
        let writer = self.writer()?;
        writer.delete_term(Term::from_field_text(id_field, session.meta.id.as_str()));
        for d in docs {
            writer.add_document(d)?;
        }
        Ok(())
    }

    /// Remove a session's documents (until `commit`).
    pub fn remove_session(&mut self, id: &SessionId) -> Result<(), IndexError> {
        let f = self.fields.session_id;
        self.writer()?
            .delete_term(Term::from_field_text(f, id.as_str()));
        Ok(())
    }

    /// Make all changes durable and visible to searches (reloads the reader).
    pub fn commit(&mut self) -> Result<(), IndexError> {
        let writer = self.writer.as_mut().ok_or(IndexError::ReadOnly)?;
        // Every document is analysed once the commit is prepared, so the vocabulary has all
        // their words; it is written before the index commits (extra words after a crash,
        // never missing ones). If only the word list cannot be written, the index still
        // commits: the words serve this process and are written with the next commit.
        let mut prepared = writer.prepare_commit()?;
        let _ = self.vocabulary.commit();
        let payload = CommitPayload {
            vocabulary: self.vocabulary.check(),
            store: self.sync_mark.clone(),
        };
        prepared.set_payload(&serde_json::to_string(&payload).expect("payload serialises"));
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Replace the whole index with these sessions. `total` is for the progress callback,
    /// called as `progress(done, total)`.
    pub fn rebuild<I>(
        &mut self,
        items: I,
        total: usize,
        codebook: &Codebook,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<usize, IndexError>
    where
        I: IntoIterator<Item = IndexItem>,
    {
        self.rebuild_sourced(items.into_iter().map(|i| (i, 0)), total, codebook, progress)
    }

    /// `rebuild`, each item with what its files were when read (see `index_sourced`).
    pub fn rebuild_sourced<I>(
        &mut self,
        items: I,
        total: usize,
        codebook: &Codebook,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<usize, IndexError>
    where
        I: IntoIterator<Item = (IndexItem, u64)>,
    {
        self.codebook = codebook.clone();
        self.writer()?.delete_all_documents()?;
        self.vocabulary.begin_rebuild();
        let mut done = 0;
        progress(0, total);
        for (item, sources) in items {
            let docs = self.documents(&item.session, &item.codings, &item.memos, sources);
            let writer = self.writer()?;
            for d in docs {
                writer.add_document(d)?;
            }
            done += 1;
            if done % 64 == 0 {
                progress(done, total.max(done));
            }
        }
        self.commit()?;
        atomic_write(
            &self.dir.join(VERSION_MARKER),
            format!("{SCHEMA_VERSION}\n").as_bytes(),
        )?;
        progress(done, total.max(done));
        Ok(done)
    }

    /// The documents `rebuild` writes for one session. For the benchmark, which times tantivy
    /// alone on them (in an index made by `bench_plain_index`) beside a whole rebuild.
    #[doc(hidden)]
    pub fn bench_documents(&self, item: &IndexItem) -> Vec<TantivyDocument> {
        self.documents(&item.session, &item.codings, &item.memos, 0)
    }

    /// The documents for one session: the session, then one per attached coding.
    fn documents(
        &self,
        session: &Session,
        codings: &[Coding],
        memos: &[(String, String)],
        sources: u64,
    ) -> Vec<TantivyDocument> {
        let f = &self.fields;
        let meta = &session.meta;
        let date = date_value(meta.date);
        let month = format!("{:04}-{:02}", meta.date.year(), meta.date.month());
        let add_meta = |doc: &mut TantivyDocument, k: &KindFields| {
            doc.add_text(f.session_id, meta.id.as_str());
            doc.add_text(k.title, &meta.title);
            for a in &meta.agencies {
                doc.add_text(k.agency, a);
                doc.add_text(k.agency_exact, a);
                doc.add_facet(k.counts, Facet::from_path(["agency", a.as_str()]));
            }
            doc.add_text(k.session_type, meta.session_type.key());
            doc.add_text(k.county, &meta.county);
            doc.add_text(k.county_exact, &meta.county);
            doc.add_text(k.facilitator, &meta.facilitator);
            doc.add_text(k.facilitator_exact, &meta.facilitator);
            for t in &meta.tags {
                doc.add_text(k.tag, t);
                doc.add_text(k.tag_exact, t);
            }
            doc.add_date(f.date, date);
            doc.add_facet(k.counts, Facet::from_path(["month", month.as_str()]));
        };
        let hierarchy = self.codebook.hierarchy();
        let add_themes = |doc: &mut TantivyDocument, k: &KindFields, keys: &BTreeSet<&str>| {
            let mut with_ancestors: BTreeSet<String> = BTreeSet::new();
            for key in keys {
                doc.add_text(k.theme_key, key);
                with_ancestors.extend(theme_path_in(&hierarchy, key));
            }
            for key in with_ancestors {
                doc.add_facet(k.counts, Facet::from_path(["theme", key.as_str()]));
            }
        };
        // Running text goes to the kind's `text` and `pairs` fields (and its CJK field when it
        // has CJK).
        let add_text = |doc: &mut TantivyDocument, k: &KindFields, text: &str| {
            doc.add_text(k.text, text);
            doc.add_text(k.pairs, text);
            if has_cjk(text) {
                doc.add_text(k.cjk, text);
            }
            if has_symbols(text) {
                doc.add_text(k.symbols, text);
            }
        };

        // Stored positions are where each coder last wrote them; the note may have changed
        // since (edited by someone else, or outside Ripple): index each passage where its words
        // are now, as every reader of codings does.
        // A blind coder's private index: nobody else's codings or memos.
        let mut codings: Vec<Coding> = codings
            .iter()
            .filter(|c| self.indexes(&c.coder))
            .cloned()
            .collect();
        let memos: Vec<(String, String)> = memos
            .iter()
            .filter(|(coder, _)| self.indexes(coder))
            .cloned()
            .collect();
        let memos = memos.as_slice();
        if !codings.is_empty() {
            crate::core::anchor::reattach_all(&session.text, &mut codings);
        }
        let attached: Vec<&Coding> = codings
            .iter()
            .filter(|c| c.status == AnchorStatus::Attached && c.end > c.start)
            .collect();
        let mut docs = Vec::with_capacity(1 + attached.len());

        let k = &f.sessions;
        let mut sdoc = TantivyDocument::default();
        sdoc.add_text(f.kind, HitKind::Sessions.key());
        add_meta(&mut sdoc, k);
        add_text(&mut sdoc, k, &meta.title);
        add_text(&mut sdoc, k, &session.text);
        sdoc.add_text(f.body, &session.text);
        let memo_text: Vec<&str> = memos
            .iter()
            .map(|(_, m)| m.as_str())
            .filter(|m| !m.trim().is_empty())
            .collect();
        let memo_joined = memo_text.join("\n\n");
        if !memo_joined.is_empty() {
            sdoc.add_text(k.memo, &memo_joined);
            add_text(&mut sdoc, k, &memo_joined);
        }
        let mut coders: BTreeSet<&str> = attached.iter().map(|c| c.coder.as_str()).collect();
        coders.extend(
            memos
                .iter()
                .filter(|(_, m)| !m.trim().is_empty())
                .map(|(c, _)| c.as_str()),
        );
        for c in coders {
            sdoc.add_text(k.coder, c);
            sdoc.add_text(k.coder_exact, c);
        }
        let session_themes: BTreeSet<&str> = attached.iter().map(|c| c.theme.as_str()).collect();
        add_themes(&mut sdoc, k, &session_themes);
        sdoc.add_u64(f.start, 0);
        sdoc.add_u64(f.end, session.text.chars().count() as u64);
        sdoc.add_u64(f.sources, sources);
        docs.push(sdoc);

        let k = &f.passages;
        for c in attached.iter().copied() {
            // The exact words in the note when they still match; the stored quote otherwise.
            let slice = char_slice(&session.text, c.start, c.end);
            let quote = if slice == c.quote || c.quote.is_empty() {
                slice
            } else {
                c.quote.as_str()
            };
            let mut d = TantivyDocument::default();
            d.add_text(f.kind, HitKind::Passages.key());
            add_meta(&mut d, k);
            d.add_text(f.coding_id, &c.id.0);
            add_text(&mut d, k, quote);
            d.add_text(f.body, quote);
            if !c.memo.trim().is_empty() {
                d.add_text(k.memo, &c.memo);
                add_text(&mut d, k, &c.memo);
            }
            d.add_text(k.coder, &c.coder);
            d.add_text(k.coder_exact, &c.coder);
            add_themes(&mut d, k, &BTreeSet::from([c.theme.as_str()]));
            // The themes (with their ancestors) of every other passage overlapping this one
            // by at least one code point: `theme:a theme:b` in passage mode
            // (`query_plan::OverlapPlan`).
            let mut overlapping: BTreeSet<String> = BTreeSet::new();
            for o in &attached {
                if !std::ptr::eq(*o, c) && o.start < c.end && c.start < o.end {
                    overlapping.extend(theme_path_in(&hierarchy, &o.theme));
                }
            }
            for key in overlapping {
                d.add_facet(k.counts, Facet::from_path(["overlaps", key.as_str()]));
            }
            d.add_u64(f.start, c.start as u64);
            d.add_u64(f.end, c.end as u64);
            docs.push(d);
        }
        docs
    }
}

fn date_value(d: NaiveDate) -> DateTime {
    let secs = d
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp();
    DateTime::from_timestamp_secs(secs)
}
