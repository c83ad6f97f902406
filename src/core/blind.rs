//! Blind coding: while a coder codes blind, other coders' codings are hidden from them, so
//! their own judgement is independent (the premise of an agreement figure).
//!
//! Blind mode is on with `--blind`, `RIPPLE_BLIND=1` or `blind = true` in the config file
//! ([`crate::core::settings::Env::blind`]). Every view of codings asks [`may_see`].

use crate::core::coding::coder_slug;
use crate::core::coding::{CoderSessionFile, Coding};
use crate::core::index::IndexItem;

/// Whether `viewer` may see a coding made by `coder`: always, unless the viewer codes blind;
/// then only their own (names compared as coder folders are: "Ana Peña" is "ana-pena").
pub fn may_see(viewer: &str, blind: bool, coder: &str) -> bool {
    !blind || coder_slug(viewer) == coder_slug(coder)
}

/// The coder files `viewer` may see.
pub fn visible_files(
    viewer: &str,
    blind: bool,
    files: Vec<CoderSessionFile>,
) -> Vec<CoderSessionFile> {
    files
        .into_iter()
        .filter(|f| may_see(viewer, blind, &f.coder))
        .collect()
}

/// The codings `viewer` may see.
pub fn visible_codings<'a>(
    viewer: &'a str,
    blind: bool,
    codings: impl IntoIterator<Item = &'a Coding> + 'a,
) -> impl Iterator<Item = &'a Coding> + 'a {
    codings
        .into_iter()
        .filter(move |c| may_see(viewer, blind, &c.coder))
}

/// What a blind viewer's search index holds: every session, with only the viewer's own
/// codings and note memos (so no hit, facet, `theme:`/`coder:`/`memo:` filter or word in
/// another coder's memo can show what the others coded).
pub fn visible_items(viewer: &str, blind: bool, mut items: Vec<IndexItem>) -> Vec<IndexItem> {
    if blind {
        for item in &mut items {
            item.codings.retain(|c| may_see(viewer, blind, &c.coder));
            item.memos
                .retain(|(coder, _)| may_see(viewer, blind, coder));
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::session::SessionId;

    fn file(coder: &str) -> CoderSessionFile {
        CoderSessionFile {
            session: SessionId("01jd3k8y6q2v0m5h4c7r9t1w2x".into()),
            coder: coder.into(),
            memo: String::new(),
            codings: Vec::new(),
        }
    }

    #[test]
    fn blind_viewers_see_only_their_own_codings() {
        let files = vec![file("Ana Peña"), file("Luis"), file("consensus")];
        let all = visible_files("ana pena", false, files.clone());
        assert_eq!(all.len(), 3, "not blind: everything");
        let own = visible_files("ana pena", true, files);
        assert_eq!(own.len(), 1);
        assert_eq!(own[0].coder, "Ana Peña", "names compare as folder slugs");
        assert!(!may_see("Luis", true, "Ana Peña"));
        assert!(may_see("Luis", true, "luis"));
    }

    #[test]
    fn a_blind_index_holds_only_the_viewers_codings_and_memos() {
        let session = crate::core::session::Session {
            meta: crate::core::session::SessionMeta::new_today(""),
            text: "We trust La Casa.".into(),
        };
        let coding = |coder: &str| {
            crate::core::coding_store::new_coding(
                &session.text,
                &session.meta.id,
                3,
                8,
                "trust",
                coder,
                "",
            )
            .unwrap()
        };
        let item = IndexItem {
            session: session.clone(),
            codings: vec![coding("Ana Peña"), coding("Luis")],
            memos: vec![("Luis".into(), "x".into()), ("ana pena".into(), "y".into())],
        };
        let seen = visible_items("Ana Peña", false, vec![item.clone()]);
        assert_eq!((seen[0].codings.len(), seen[0].memos.len()), (2, 2));
        let own = visible_items("Ana Peña", true, vec![item]);
        assert_eq!(own.len(), 1, "every session stays");
        assert_eq!(own[0].codings.len(), 1);
        assert_eq!(own[0].codings[0].coder, "Ana Peña");
        assert_eq!(own[0].memos, [("ana pena".to_string(), "y".to_string())]);
    }
}
