//! The codebook of a workspace: reading it, and changing it in the one safe order.

use super::error::WorkspaceError;
use super::Workspace;
use crate::core::codebook::{Codebook, ThemeRemap};
use crate::core::coding_draft;
use crate::core::coding_store;

impl Workspace<'_> {
    /// The store's codebook (the built-in one when the store has none), or its problems
    /// (`file:line: reason`) when it is invalid.
    pub fn codebook(&self) -> Result<Codebook, Vec<String>> {
        Codebook::load_or_builtin(&self.store.codebook_path())
            .map_err(|errs| errs.iter().map(|e| e.to_string()).collect())
    }

    /// Write an edited codebook; returns how many passages moved. `remap` moves passages
    /// first (merge, delete with reassignment), in every coder's file and every kept coding
    /// draft: if writing the codebook then fails, they carry a theme that still exists, so
    /// nothing is stranded. `require_unused` refuses when that theme still codes passages (in
    /// a file or a kept draft), or when a coder file cannot be read (it might). Kept coding
    /// drafts change with the files, so they are all checked readable before anything is
    /// written. This changes every coder's files: it is an explicit codebook change.
    pub fn save_codebook(
        &self,
        codebook: &Codebook,
        remap: Option<&ThemeRemap>,
        require_unused: Option<&str>,
    ) -> Result<usize, WorkspaceError> {
        let store = self.store;
        if store.is_read_only() {
            return Err(WorkspaceError::ReadOnly);
        }
        let drafts = if remap.is_some() || require_unused.is_some() {
            coding_draft::all_readable(store, "changing themes")?
        } else {
            Vec::new()
        };
        if let Some(key) = require_unused {
            let (files, mut errors) = coding_store::load_all(store.root());
            if !errors.is_empty() {
                return Err(WorkspaceError::UnreadableBeforeDelete(errors.remove(0)));
            }
            let count = coding_store::count_by_theme(&files)
                .get(key)
                .copied()
                .unwrap_or(0)
                + coding_draft::count_theme(&drafts, key);
            if count > 0 {
                return Err(WorkspaceError::ThemeInUse {
                    key: key.to_string(),
                    count,
                });
            }
        }
        let moved = match remap {
            Some(r) => {
                let moved = coding_store::apply_remap(store.root(), r)?;
                coding_draft::apply_remap(store, drafts, r)?;
                moved
            }
            None => 0,
        };
        codebook.save(&store.codebook_path())?;
        Ok(moved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::coding::CoderSessionFile;
    use crate::core::session::SessionMeta;
    use crate::core::store::Store;

    #[test]
    fn merging_or_deleting_a_theme_reaches_kept_coding_drafts() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let meta = SessionMeta::new_today("M. Rivera");
        let id = meta.id.clone();
        let text = "we trust each other now";
        store.create(meta, text).unwrap();
        let kept = CoderSessionFile {
            session: id.clone(),
            coder: "Ana".into(),
            memo: String::new(),
            codings: vec![coding_store::new_coding(text, &id, 3, 8, "trust", "Ana", "").unwrap()],
        };
        coding_draft::write(&store, &kept).unwrap();
        let book = Codebook::builtin();
        let ws = Workspace::new(&store, "Ana");

        // Deleting `trust` without reassigning: the kept passage counts.
        let mut deleted = book.clone();
        let remap = deleted.delete("trust", None, 0).unwrap();
        let err = ws.save_codebook(&deleted, remap.as_ref(), Some("trust"));
        assert!(err.unwrap_err().to_string().contains("now codes 1 passage"));

        // Merging it into `communication` moves the kept passage too.
        let mut merged = book.clone();
        let remap = merged.merge("trust", "communication").unwrap();
        ws.save_codebook(&merged, Some(&remap), None).unwrap();
        let draft = coding_draft::read(&store, "Ana", &id).unwrap().unwrap();
        assert_eq!(draft.file.codings[0].theme, "communication");
    }
}
