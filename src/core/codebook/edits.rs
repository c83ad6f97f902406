//! Edits of the codebook (add, rename, recolour, move, merge, delete), each checked before
//! it takes effect; merge and delete return the [`ThemeRemap`] that keeps coded passages.

use super::{Codebook, CodebookError, Theme, ThemeRemap, PALETTE};

impl Codebook {
    /// Apply `edit` to a copy; keep the result only if the codebook is still valid.
    fn edit<T>(
        &mut self,
        edit: impl FnOnce(&mut Codebook) -> Result<T, CodebookError>,
    ) -> Result<T, CodebookError> {
        let mut copy = self.clone();
        let out = edit(&mut copy)?;
        if let Some(e) = copy.validate().into_iter().next() {
            return Err(e);
        }
        *self = copy;
        Ok(out)
    }

    /// Add a theme at the end (after its parent's other children when it has a parent).
    pub fn add(&mut self, theme: Theme) -> Result<(), CodebookError> {
        if self.get(&theme.key).is_some() {
            return Err(CodebookError::new(format!(
                "a theme with key `{}` already exists",
                theme.key
            )));
        }
        self.edit(|b| {
            let at = match &theme.parent {
                Some(p) => {
                    let parent = b.index_of(p)?;
                    let h = b.hierarchy();
                    h.below(parent).into_iter().fold(parent, usize::max) + 1
                }
                None => b.themes.len(),
            };
            b.themes.insert(at, theme);
            Ok(())
        })
    }

    /// Change a theme's display name (its key, which codings refer to, stays).
    pub fn rename(&mut self, key: &str, new_name: &str) -> Result<(), CodebookError> {
        self.edit(|b| {
            let i = b.index_of(key)?;
            b.themes[i].name = new_name.trim().to_string();
            Ok(())
        })
    }

    pub fn recolour(&mut self, key: &str, colour: &str) -> Result<(), CodebookError> {
        self.edit(|b| {
            let i = b.index_of(key)?;
            b.themes[i].colour = colour.trim().to_ascii_lowercase();
            Ok(())
        })
    }

    /// Put `key` under `parent` (or make it a root). Refuses to create a cycle.
    pub fn move_under(&mut self, key: &str, parent: Option<&str>) -> Result<(), CodebookError> {
        self.edit(|b| {
            let i = b.index_of(key)?;
            if let Some(p) = parent {
                b.index_of(p)?;
                if p == key || b.descendants(key).iter().any(|d| d.key == p) {
                    return Err(CodebookError::new(format!(
                        "cannot move `{key}` under `{p}`: `{p}` is `{key}` or inside it"
                    )));
                }
            }
            b.themes[i].parent = parent.map(str::to_string);
            Ok(())
        })
    }

    /// Merge theme `from` into `into`: `from` disappears, its children move under `into`, and
    /// the returned remap moves its codings to `into`.
    pub fn merge(&mut self, from: &str, into: &str) -> Result<ThemeRemap, CodebookError> {
        if from == into {
            return Err(CodebookError::new(format!(
                "cannot merge `{from}` into itself"
            )));
        }
        self.edit(|b| {
            let i = b.index_of(from)?;
            b.index_of(into)?;
            let from_parent = b.themes[i].parent.clone();
            for t in b.themes.iter_mut() {
                if t.parent.as_deref() == Some(from) {
                    // `into` may itself be a child of `from`: it takes `from`'s place.
                    t.parent = if t.key == into {
                        from_parent.clone()
                    } else {
                        Some(into.to_string())
                    };
                }
            }
            b.themes.remove(i);
            Ok(ThemeRemap {
                from: from.to_string(),
                to: into.to_string(),
            })
        })
    }

    /// Delete a theme. `passage_count` is how many codings (all coders) use it: they must be
    /// reassigned to another theme, and a theme with children must have them moved first.
    /// Returns the remap to apply to codings when passages are reassigned.
    pub fn delete(
        &mut self,
        key: &str,
        reassign_to: Option<&str>,
        passage_count: usize,
    ) -> Result<Option<ThemeRemap>, CodebookError> {
        self.edit(|b| {
            let i = b.index_of(key)?;
            let children = b.children(key);
            if !children.is_empty() {
                let names: Vec<&str> = children.iter().map(|t| t.key.as_str()).collect();
                return Err(CodebookError::new(format!(
                    "theme `{key}` has {} child theme(s) ({}): move them elsewhere first",
                    names.len(),
                    names.join(", ")
                )));
            }
            let remap = match reassign_to {
                Some(to) if to == key => {
                    return Err(CodebookError::new(format!(
                        "cannot reassign `{key}`'s passages to itself"
                    )))
                }
                Some(to) => {
                    b.index_of(to)?;
                    Some(ThemeRemap {
                        from: key.to_string(),
                        to: to.to_string(),
                    })
                }
                None if passage_count > 0 => {
                    return Err(CodebookError::new(format!(
                        "theme `{key}` codes {passage_count} passage(s): choose a theme to reassign them to"
                    )))
                }
                None => None,
            };
            b.themes.remove(i);
            Ok(remap)
        })
    }

    /// A colour for a new theme: the first palette colour not yet used, else the least used.
    pub fn suggest_colour(&self) -> String {
        let used: Vec<String> = self
            .themes
            .iter()
            .map(|t| t.colour.to_ascii_lowercase())
            .collect();
        PALETTE
            .iter()
            .min_by_key(|c| used.iter().filter(|u| u == c).count())
            .map(|c| c.to_string())
            .unwrap_or_else(|| PALETTE[0].to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits() {
        let mut b = Codebook::builtin();
        let mut t = Theme::new("housing", "Housing", &b.suggest_colour());
        t.parent = Some("practice".into());
        b.add(t).unwrap();
        assert_eq!(b.children("practice").last().unwrap().key, "housing");
        assert_eq!(
            b.themes.iter().position(|t| t.key == "housing"),
            Some(13),
            "added after its siblings"
        );
        assert!(b.add(Theme::new("housing", "X", "#123456")).is_err());
        assert!(b.add(Theme::new("Bad Key", "X", "#123456")).is_err());
        b.rename("housing", "Housing stability").unwrap();
        assert!(b.rename("housing", "  ").is_err());
        assert!(b.recolour("housing", "#12345").is_err());
        b.recolour("housing", "#AABBCC").unwrap();
        assert_eq!(b.get("housing").unwrap().colour, "#aabbcc");
        b.move_under("housing", None).unwrap();
        assert!(b.roots().iter().any(|t| t.key == "housing"));

        let r = b.merge("flexibility", "trust").unwrap();
        assert_eq!(
            r,
            ThemeRemap {
                from: "flexibility".into(),
                to: "trust".into()
            }
        );
        assert!(b.get("flexibility").is_none());

        assert!(
            b.delete("trust", None, 3).is_err(),
            "passages would be lost"
        );
        assert!(
            b.delete("collaboration", Some("practice"), 0).is_err(),
            "has children"
        );
        let r = b
            .delete("trust", Some("communication"), 3)
            .unwrap()
            .unwrap();
        assert_eq!(r.to, "communication");
        assert_eq!(b.delete("housing", None, 0).unwrap(), None);
        assert!(b.validate().is_empty());
    }

    #[test]
    fn merging_a_parent_into_its_child() {
        let mut b = Codebook::builtin();
        b.merge("practice", "perpetrator-patterns").unwrap();
        assert_eq!(b.get("perpetrator-patterns").unwrap().parent, None);
        assert_eq!(
            b.get("engaging-perpetrators").unwrap().parent.as_deref(),
            Some("perpetrator-patterns")
        );
    }

    #[test]
    fn suggested_colour_is_unused() {
        let b = Codebook::builtin();
        let c = b.suggest_colour();
        assert!(b.themes.iter().all(|t| t.colour != c));
    }
}
