//! Spell checking in English and Spanish (notes mix them), with the store's own word list.
//!
//! The dictionaries are the system's Hunspell ones (Debian: `hunspell-en-us`, `hunspell-es`),
//! read with `spellbook`. They are looked for, in order, in the folders `RIPPLE_DICTIONARIES`
//! names (a `:`-separated list, which replaces the usual ones when set), else in
//! `/usr/share/hunspell`, `/usr/share/myspell`, `/usr/share/myspell/dicts` and the
//! `hunspell` / `myspell` folders of each `$XDG_DATA_DIRS` entry. One English dictionary is
//! taken (`en_US`, else `en_GB`, else any `en_*`) and one Spanish (`es_ES`, else `es`, else any
//! `es_*`).
//!
//! A word is misspelt only when no dictionary and not the store's word list (`words.txt` at the
//! store's root: one word a line, `#` starts a comment) knows it. The word list is matched
//! exactly and case-insensitively ("Doña" in the list accepts "DOÑA" too); a typographic
//! apostrophe is checked as `'`.
//!
//! Loading compiles the dictionaries (a fraction of a second each): callers do it off the UI
//! thread.

use spellbook::Dictionary;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The store's word list, at its root.
pub const WORDS_FILE: &str = "words.txt";

/// One dictionary's two files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DictionaryFiles {
    /// Its name, such as `en_US`.
    pub name: String,
    pub aff: PathBuf,
    pub dic: PathBuf,
}

/// The folders looked in, from the environment (see the module's documentation).
pub fn dictionary_dirs() -> Vec<PathBuf> {
    if let Some(list) = std::env::var_os("RIPPLE_DICTIONARIES") {
        return std::env::split_paths(&list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
    }
    let mut dirs: Vec<PathBuf> = [
        "/usr/share/hunspell",
        "/usr/share/myspell",
        "/usr/share/myspell/dicts",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    let data = std::env::var_os("XDG_DATA_DIRS")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "/usr/local/share:/usr/share".into());
    for d in std::env::split_paths(&data) {
        for sub in ["hunspell", "myspell"] {
            let p = d.join(sub);
            if !dirs.contains(&p) {
                dirs.push(p);
            }
        }
    }
    dirs
}

/// The English and Spanish dictionaries found in `dirs` (the first folder holding a name wins).
pub fn find_dictionaries(dirs: &[PathBuf]) -> Vec<DictionaryFiles> {
    let mut found: Vec<DictionaryFiles> = Vec::new();
    for dir in dirs {
        let Ok(entries) = fs::read_dir(dir) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                name.strip_suffix(".dic").map(str::to_string)
            })
            .filter(|n| dir.join(format!("{n}.aff")).is_file())
            .collect();
        names.sort();
        for name in names {
            if !found.iter().any(|f| f.name == name) {
                found.push(DictionaryFiles {
                    aff: dir.join(format!("{name}.aff")),
                    dic: dir.join(format!("{name}.dic")),
                    name,
                });
            }
        }
    }
    let mut chosen = Vec::new();
    for (lang, preferred) in [
        ("en", &["en_US", "en_GB"][..]),
        ("es", &["es_ES", "es"][..]),
    ] {
        let pick = preferred
            .iter()
            .find_map(|p| found.iter().find(|f| f.name == *p))
            .or_else(|| {
                found
                    .iter()
                    .find(|f| f.name.starts_with(&format!("{lang}_")) || f.name == lang)
            });
        if let Some(f) = pick {
            chosen.push(f.clone());
        }
    }
    chosen
}

/// A dictionary file's text: UTF-8, or ISO 8859-1 / -15 when its `.aff` says `SET ISO8859-1`
/// (older dictionaries).
fn read_text(path: &Path, latin: bool) -> io::Result<String> {
    let bytes = fs::read(path)?;
    if latin {
        return Ok(bytes.iter().map(|&b| b as char).collect());
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} is not UTF-8", path.display()),
        )
    })?;
    Ok(text
        .strip_prefix('\u{FEFF}')
        .map(str::to_string)
        .unwrap_or(text))
}

/// What loading found: the speller, and what went wrong on the way.
pub struct Loaded {
    pub speller: Speller,
    /// One line each: a dictionary that could not be read, or the word list.
    pub problems: Vec<String>,
}

/// Dictionaries and the store's word list.
pub struct Speller {
    dictionaries: Vec<(String, Dictionary)>,
    /// The word list as written, and lower-cased.
    words: HashSet<String>,
    words_lower: HashSet<String>,
}

impl std::fmt::Debug for Speller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Speller")
            .field("dictionaries", &self.names())
            .field("words", &self.words.len())
            .finish()
    }
}

impl Speller {
    /// Load `files` and the word list of the store at `store_root` (None: no word list).
    pub fn load(files: &[DictionaryFiles], store_root: Option<&Path>) -> Loaded {
        let mut problems = Vec::new();
        let mut dictionaries = Vec::new();
        for f in files {
            match Speller::load_one(f) {
                Ok(d) => dictionaries.push((f.name.clone(), d)),
                Err(e) => problems.push(format!("dictionary {} not loaded: {e}", f.name)),
            }
        }
        let mut speller = Speller {
            dictionaries,
            words: HashSet::new(),
            words_lower: HashSet::new(),
        };
        if let Some(root) = store_root {
            match read_word_list(&root.join(WORDS_FILE)) {
                Ok(words) => words.iter().for_each(|w| speller.learn(w)),
                Err(e) => problems.push(format!("{WORDS_FILE} not read: {e}")),
            }
        }
        Loaded { speller, problems }
    }

    fn load_one(f: &DictionaryFiles) -> Result<Dictionary, String> {
        let aff_bytes = fs::read(&f.aff).map_err(|e| format!("{}: {e}", f.aff.display()))?;
        let latin = aff_bytes
            .split(|&b| b == b'\n')
            .take(50)
            .any(|l| l.starts_with(b"SET ISO8859-1") || l.starts_with(b"SET ISO8859-15"));
        let aff = read_text(&f.aff, latin).map_err(|e| format!("{}: {e}", f.aff.display()))?;
        let dic = read_text(&f.dic, latin).map_err(|e| format!("{}: {e}", f.dic.display()))?;
        Dictionary::new(&aff, &dic).map_err(|e| e.to_string())
    }

    /// A speller from dictionary texts (tests) and words.
    pub fn from_texts(dictionaries: &[(&str, &str, &str)], words: &[&str]) -> Speller {
        let mut s = Speller {
            dictionaries: dictionaries
                .iter()
                .map(|(name, aff, dic)| {
                    (
                        name.to_string(),
                        Dictionary::new(aff, dic).expect("a valid test dictionary"),
                    )
                })
                .collect(),
            words: HashSet::new(),
            words_lower: HashSet::new(),
        };
        words.iter().for_each(|w| s.learn(w));
        s
    }

    /// The dictionaries' names, such as `en_US, es_ES`.
    pub fn names(&self) -> Vec<&str> {
        self.dictionaries.iter().map(|(n, _)| n.as_str()).collect()
    }

    pub fn has_dictionaries(&self) -> bool {
        !self.dictionaries.is_empty()
    }

    /// Accept `word` from now on (it was added to the word list).
    pub fn learn(&mut self, word: &str) {
        let w = word.trim();
        if w.is_empty() {
            return;
        }
        self.words_lower.insert(w.to_lowercase());
        self.words.insert(w.to_string());
    }

    /// Whether `word` is spelt right: a dictionary or the word list knows it. Without any
    /// dictionary every word is right (nothing to check against).
    pub fn check(&self, word: &str) -> bool {
        if self.dictionaries.is_empty() || self.words.contains(word) {
            return true;
        }
        if self.words_lower.contains(&word.to_lowercase()) {
            return true;
        }
        let w = normalise(word);
        self.dictionaries.iter().any(|(_, d)| d.check(&w))
    }

    /// Up to `max` suggestions for `word`, taking each dictionary's in turn (the first of each,
    /// then the second ...), without repeats.
    pub fn suggest(&self, word: &str, max: usize) -> Vec<String> {
        let w = normalise(word);
        let lists: Vec<Vec<String>> = self
            .dictionaries
            .iter()
            .map(|(_, d)| {
                let mut out = Vec::new();
                d.suggest(&w, &mut out);
                out
            })
            .collect();
        let mut out: Vec<String> = Vec::new();
        let longest = lists.iter().map(Vec::len).max().unwrap_or(0);
        for i in 0..longest {
            for l in &lists {
                if let Some(s) = l.get(i) {
                    if !out.contains(s) && out.len() < max {
                        out.push(s.clone());
                    }
                }
            }
        }
        out
    }
}

/// What the dictionaries are given: a typographic apostrophe as `'`, decomposed accents
/// composed.
fn normalise(word: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    word.replace(['’', 'ʼ'], "'").nfc().collect()
}

/// The words of a word list file (a missing file is an empty list).
pub fn read_word_list(path: &Path) -> io::Result<Vec<String>> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// Add `word` to the word list of the store at `root` (written whole and atomically; a word
/// already there is not added twice).
pub fn add_word(root: &Path, word: &str) -> io::Result<()> {
    let word = word.trim();
    if word.is_empty() || word.contains(['\n', '#']) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{word:?} cannot go in the word list"),
        ));
    }
    let path = root.join(WORDS_FILE);
    let mut text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            "# Words the spell checker accepts in this store (names of places, agencies, people).\n# One a line.\n".to_string()
        }
        Err(e) => return Err(e),
    };
    if read_word_list(&path)?.iter().any(|w| w == word) {
        return Ok(());
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(word);
    text.push('\n');
    crate::core::atomic::atomic_write_in(root, &path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny English dictionary: a few words, and an `-s` plural.
    const AFF: &str = "SET UTF-8\nTRY esianrtolcdugmphbyfvkwz'\nSFX S Y 1\nSFX S 0 s .\n";
    const DIC: &str = "5\nhello\nworld/S\ncoach\nsession/S\ndon't\n";
    /// A tiny Spanish one.
    const ES_AFF: &str = "SET UTF-8\nTRY aeioulnrsñ\n";
    const ES_DIC: &str = "3\nniña\nsesión\nmañana\n";

    fn speller(words: &[&str]) -> Speller {
        Speller::from_texts(&[("en_XX", AFF, DIC), ("es_XX", ES_AFF, ES_DIC)], words)
    }

    #[test]
    fn a_word_is_wrong_only_when_no_dictionary_nor_the_word_list_knows_it() {
        let s = speller(&["Doña"]);
        for ok in [
            "hello", "worlds", "sessions", "sesión", "niña", "Hello", "Doña", "DOÑA",
        ] {
            assert!(s.check(ok), "{ok}");
        }
        assert!(s.check("don’t"), "a typographic apostrophe is checked as '");
        assert!(
            s.check("nin\u{303}a"),
            "a decomposed accent is composed first"
        );
        for wrong in ["helo", "sesion", "wrold", "Dona"] {
            assert!(!s.check(wrong), "{wrong}");
        }
    }

    #[test]
    fn suggestions_come_from_both_dictionaries() {
        let s = speller(&[]);
        assert!(s.suggest("helo", 5).contains(&"hello".to_string()));
        assert!(s.suggest("sesion", 5).contains(&"sesión".to_string()));
        assert!(s.suggest("hello", 0).is_empty());
    }

    #[test]
    fn without_dictionaries_nothing_is_wrong() {
        let s = Speller::from_texts(&[], &[]);
        assert!(!s.has_dictionaries());
        assert!(s.check("asdfgh"));
    }

    #[test]
    fn dictionaries_are_found_by_language_and_the_word_list_is_kept_in_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        fs::create_dir_all(&a).unwrap();
        fs::create_dir_all(&b).unwrap();
        for (d, n) in [
            (&a, "en_GB"),
            (&a, "es_MX"),
            (&b, "en_US"),
            (&b, "fr_FR"),
            (&b, "es_ES"),
        ] {
            fs::write(d.join(format!("{n}.aff")), AFF).unwrap();
            fs::write(d.join(format!("{n}.dic")), DIC).unwrap();
        }
        fs::write(a.join("de_DE.dic"), DIC).unwrap(); // no .aff: not a dictionary
        let found = find_dictionaries(&[a.clone(), b.clone()]);
        let names: Vec<&str> = found.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["en_US", "es_ES"]);
        assert_eq!(found[0].aff, b.join("en_US.aff"));
        let only_a: Vec<String> = find_dictionaries(std::slice::from_ref(&a))
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(only_a, ["en_GB", "es_MX"]);
        assert!(find_dictionaries(&[dir.path().join("missing")]).is_empty());

        let store = dir.path().join("store");
        fs::create_dir_all(&store).unwrap();
        let loaded = Speller::load(&found, Some(&store));
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert!(!loaded.speller.check("Zapata"));
        add_word(&store, "Zapata").unwrap();
        add_word(&store, "Zapata").unwrap();
        add_word(&store, "Doña Ana").unwrap();
        assert!(add_word(&store, "a#b").is_err());
        let list = read_word_list(&store.join(WORDS_FILE)).unwrap();
        assert_eq!(list, ["Zapata", "Doña Ana"], "once each, comments left out");
        let again = Speller::load(&found, Some(&store)).speller;
        assert!(again.check("Zapata"));
    }

    #[test]
    fn a_broken_dictionary_is_reported_and_the_others_load() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("en_US.aff"), AFF).unwrap();
        fs::write(dir.path().join("en_US.dic"), DIC).unwrap();
        fs::write(dir.path().join("es_ES.aff"), ES_AFF).unwrap();
        fs::write(dir.path().join("es_ES.dic"), [0xffu8, 0xfe, 0x00]).unwrap();
        let found = find_dictionaries(&[dir.path().to_path_buf()]);
        let loaded = Speller::load(&found, None);
        assert_eq!(loaded.speller.names(), ["en_US"]);
        assert_eq!(loaded.problems.len(), 1);
        assert!(
            loaded.problems[0].contains("es_ES"),
            "{:?}",
            loaded.problems
        );
    }

    /// The system's dictionaries, when installed (Debian: hunspell-en-us, hunspell-es).
    #[test]
    fn the_system_dictionaries_check_english_and_spanish() {
        let found = find_dictionaries(&[PathBuf::from("/usr/share/hunspell")]);
        if found.len() < 2 {
            eprintln!("skipped: hunspell-en-us and hunspell-es are not installed");
            return;
        }
        let s = Speller::load(&found, None).speller;
        for ok in [
            "facilitator",
            "children's",
            "niños",
            "reunión",
            "mañana",
            "Doesn't",
        ] {
            assert!(s.check(ok), "{ok}");
        }
        for wrong in ["facilitatr", "reunon", "teh"] {
            assert!(!s.check(wrong), "{wrong}");
        }
        assert!(s.suggest("teh", 8).contains(&"the".to_string()));
        let es = s.suggest("sesion", 8);
        assert!(es.contains(&"sesión".to_string()), "{es:?}");
    }
}
