//! The store's templates folder (`templates/<name>.md`): made with the default template when
//! new, listed and read (the format is `core::template`'s).

use super::{Store, StoreError};
use crate::core::template::{Template, DEFAULT_TEMPLATE, TEMPLATES_DIR};
use std::fs;
use std::path::PathBuf;

impl Store {
    pub fn templates_dir(&self) -> PathBuf {
        self.root.join(TEMPLATES_DIR)
    }

    /// Make `templates/` with the default template, when there is no such folder (a folder
    /// the user emptied stays empty).
    pub(super) fn create_templates(&self) -> Result<(), StoreError> {
        let dir = self.templates_dir();
        if fs::symlink_metadata(&dir).is_ok() {
            return Ok(());
        }
        self.create_dir(&dir)
            .map_err(|e| StoreError::io("create", &dir, e, String::new()))?;
        let p = dir.join("default.md");
        self.write_file(&p, DEFAULT_TEMPLATE.as_bytes())
            .map_err(|e| StoreError::io("write", &p, e, String::new()))
    }

    /// Every template in `templates/`, by name, and the files that could not be read
    /// (`path:line: reason`).
    pub fn templates(&self) -> (Vec<Template>, Vec<String>) {
        let mut found = Vec::new();
        let mut problems = Vec::new();
        let mut files: Vec<PathBuf> = fs::read_dir(self.templates_dir())
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|x| x == "md")
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        files.sort();
        for path in files {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            match fs::read(&path) {
                Err(e) => problems.push(format!("{}: cannot read: {e}", path.display())),
                Ok(bytes) => match String::from_utf8(bytes) {
                    Err(_) => problems.push(format!(
                        "{}: the file is not UTF-8 text: save it as UTF-8",
                        path.display()
                    )),
                    Ok(text) => match Template::parse(&name, &path, &text) {
                        Ok(t) => found.push(t),
                        Err(e) => problems.push(e),
                    },
                },
            }
        }
        (found, problems)
    }

    /// The template called `name` (its file name without `.md`, any case).
    pub fn template(&self, name: &str) -> Result<Template, String> {
        let (all, problems) = self.templates();
        let want = name.trim().trim_end_matches(".md").to_lowercase();
        if let Some(t) = all.into_iter().find(|t| t.name.to_lowercase() == want) {
            return Ok(t);
        }
        if let Some(p) = problems
            .iter()
            .find(|p| p.contains(&format!("/{want}.md:")))
        {
            return Err(p.clone());
        }
        let (all, _) = self.templates();
        let names: Vec<String> = all.into_iter().map(|t| t.name).collect();
        Err(format!(
            "no template `{name}` in {}{}",
            self.templates_dir().display(),
            if names.is_empty() {
                String::new()
            } else {
                format!(" (there are: {})", names.join(", "))
            }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_store_gets_the_default_template_and_an_emptied_folder_stays_empty() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("store");
        let store = Store::open(&root).unwrap();
        let (all, problems) = store.templates();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(all.len(), 1);
        assert_eq!(store.template("Default").unwrap().name, "default");
        assert!(store
            .template("weekly")
            .unwrap_err()
            .contains("there are: default"));
        drop(store);
        fs::remove_file(root.join("templates/default.md")).unwrap();
        let store = Store::open(&root).unwrap();
        assert!(store.templates().0.is_empty());
    }
}
