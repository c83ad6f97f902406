//! The codebook and the coding store through their public API, on real files.

use ripple::core::codebook::{Codebook, Theme, ThemeRemap};
use ripple::core::coding::{AnchorStatus, CoderSessionFile};
use ripple::core::coding_store::{self as store, find_quote, new_coding};
use ripple::core::session::SessionId;
use std::fs;
use std::path::Path;

const NOTE: &str = "Joint coaching in Doña Ana county. 🙂 The advocate said: we finally trust \
each other. The investigator now texts La Casa the same day a case opens. We trust CYFD \
to call first.";

fn code(root: &Path, coder: &str, session: &SessionId, quote: &str, theme: &str) {
    let mut file = store::load(root, coder, session).unwrap();
    let (s, e) = find_quote(NOTE, quote, None).unwrap();
    file.codings
        .push(new_coding(NOTE, session, s, e, theme, coder, "").unwrap());
    store::save(root, &file).unwrap();
}

#[test]
fn codebook_file_errors_name_path_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("codebook.toml");
    fs::write(
        &path,
        "[[theme]]\nkey = \"trust\"\nname = \"Trust\"\ncolour = \"#1f8fd6\"\n\n\
         [[theme]]\nkey = \"trust\"\nname = \"Trust again\"\ncolour = \"#1f8fd6\"\nparent = \"relationships\"\n",
    )
    .unwrap();
    let errs = Codebook::load_report(&path).unwrap_err();
    let shown: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    let p = path.display();
    assert_eq!(shown.len(), 2, "{shown:#?}");
    assert!(
        shown[0].starts_with(&format!("{p}:7: duplicate theme key `trust`")),
        "{shown:#?}"
    );
    assert!(
        shown[1].starts_with(&format!("{p}:10: theme `trust` has parent `relationships`")),
        "{shown:#?}"
    );
    // `load` gives the first problem.
    assert_eq!(Codebook::load(&path).unwrap_err().line, Some(7));

    fs::write(&path, "[[theme]\nkey = 1\n").unwrap();
    let e = Codebook::load(&path).unwrap_err();
    assert_eq!(e.line, Some(1), "{e}");
    assert!(e.to_string().starts_with(&format!("{p}:1: ")), "{e}");

    let missing = dir.path().join("nope.toml");
    let e = Codebook::load(&missing).unwrap_err();
    assert!(e.to_string().contains("nope.toml: cannot read"), "{e}");
}

#[test]
fn saved_codebook_loads_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("codebook.toml");
    let mut book = Codebook::builtin();
    let mut t = Theme::new("housing", "Housing — vivienda 住房", &book.suggest_colour());
    t.definition = "Line one.\nLine two with \"quotes\".".into();
    book.add(t).unwrap();
    book.save(&path).unwrap();
    assert_eq!(Codebook::load(&path).unwrap(), book);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn two_coders_write_different_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let session = SessionId::new();
    code(
        root,
        "Ana Peña",
        &session,
        "we finally trust each other",
        "trust",
    );
    code(
        root,
        "M. Rivera",
        &session,
        "we finally trust each other",
        "shared-purpose",
    );
    code(
        root,
        "M. Rivera",
        &session,
        "texts La Casa the same day",
        "communication",
    );

    let a = root.join(format!("codings/ana-pena/{session}.json"));
    let m = root.join(format!("codings/m-rivera/{session}.json"));
    assert!(a.is_file() && m.is_file());

    let (files, errors) = store::load_session(root, &session);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].coder, "Ana Peña");
    assert_eq!(files[0].codings.len(), 1);
    assert_eq!(files[1].codings.len(), 2);
    let c = &files[0].codings[0];
    assert_eq!(c.quote, "we finally trust each other");
    assert_eq!(c.status, AnchorStatus::Attached);

    let counts = store::count_by_theme(&files);
    assert_eq!(counts.get("trust"), Some(&1));
    assert_eq!(counts.get("communication"), Some(&1));

    // Removing the last coding (and no memo) removes the file.
    let mut ana = store::load(root, "Ana Peña", &session).unwrap();
    ana.codings.clear();
    store::save(root, &ana).unwrap();
    assert!(!a.exists());
    // A memo alone is kept.
    ana.memo = "Ask about month 3.".into();
    store::save(root, &ana).unwrap();
    assert_eq!(
        store::load(root, "Ana Peña", &session).unwrap().memo,
        "Ask about month 3."
    );

    // A session nobody coded loads empty.
    let other = SessionId::new();
    let empty = store::load(root, "Ana Peña", &other).unwrap();
    assert!(empty.codings.is_empty() && empty.session == other);
}

#[test]
fn malformed_file_is_reported_and_the_rest_loads() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (s1, s2) = (SessionId::new(), SessionId::new());
    code(root, "Ana", &s1, "we finally trust each other", "trust");
    code(root, "Ana", &s2, "We trust CYFD", "trust");
    let broken = root.join(format!("codings/ana/{s2}.json"));
    let text = fs::read_to_string(&broken).unwrap();
    // Cut the file in the middle of its third line.
    let cut: String = text.lines().take(3).collect::<Vec<_>>().join("\n");
    fs::write(&broken, &cut[..cut.len() - 3]).unwrap();

    let (files, errors) = store::load_all(root);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].session, s1);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path, broken);
    assert_eq!(errors[0].line, Some(3));
    assert!(errors[0]
        .to_string()
        .starts_with(&format!("{}:3: ", broken.display())));

    // A remap refuses to run while a file is unreadable, and changes nothing.
    let remap = ThemeRemap {
        from: "trust".into(),
        to: "communication".into(),
    };
    let e = store::apply_remap(root, &remap).unwrap_err();
    assert_eq!(e.path, broken);
    assert_eq!(
        store::load(root, "Ana", &s1).unwrap().codings[0].theme,
        "trust"
    );

    // A file whose name and contents disagree is reported too.
    let renamed = root.join(format!("codings/ana/{}.json", SessionId::new()));
    fs::copy(root.join(format!("codings/ana/{s1}.json")), &renamed).unwrap();
    let (_, errors) = store::load_all(root);
    assert!(errors.iter().any(|e| e.path == renamed));
}

#[test]
fn merge_and_delete_reassign_codings_of_all_coders() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (s1, s2) = (SessionId::new(), SessionId::new());
    code(
        root,
        "Ana",
        &s1,
        "we finally trust each other",
        "flexibility",
    );
    code(root, "Ana", &s2, "We trust CYFD", "trust");
    code(
        root,
        "Ben",
        &s1,
        "texts La Casa the same day",
        "flexibility",
    );
    code(root, "Ben", &s1, "we finally trust each other", "roles");

    let mut book = Codebook::builtin();
    let remap = book.merge("flexibility", "trust").unwrap();
    assert_eq!(store::apply_remap(root, &remap).unwrap(), 2);

    // Deleting `roles` with passages needs a reassignment.
    let (files, _) = store::load_all(root);
    let n = store::count_by_theme(&files)["roles"];
    assert!(book.delete("roles", None, n).is_err());
    let remap = book
        .delete("roles", Some("communication"), n)
        .unwrap()
        .unwrap();
    assert_eq!(store::apply_remap(root, &remap).unwrap(), 1);

    let (files, errors) = store::load_all(root);
    assert!(errors.is_empty());
    let counts = store::count_by_theme(&files);
    assert_eq!(counts.get("trust"), Some(&3));
    assert_eq!(counts.get("communication"), Some(&1));
    assert_eq!(counts.get("flexibility"), None);
    assert_eq!(counts.get("roles"), None);
    let total: usize = files
        .iter()
        .map(|f: &CoderSessionFile| f.codings.len())
        .sum();
    assert_eq!(total, 4, "no passage was dropped");
    for f in &files {
        for c in &f.codings {
            assert!(
                book.get(&c.theme).is_some(),
                "{} still in the codebook",
                c.theme
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn coding_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let session = SessionId::new();
    code(dir.path(), "Ana", &session, "We trust CYFD", "trust");
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.path().join("codings")), 0o700);
    assert_eq!(mode(&dir.path().join("codings/ana")), 0o700);
    assert_eq!(mode(&store::file_path(dir.path(), "Ana", &session)), 0o600);
}

#[test]
fn reading_codings_after_an_outside_edit_reattaches_in_memory_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let session = SessionId::new();
    code(
        root,
        "Ana",
        &session,
        "we finally trust each other",
        "trust",
    );
    code(
        root,
        "Ben",
        &session,
        "texts La Casa the same day",
        "communication",
    );
    code(root, "Ben", &session, "We trust CYFD", "trust");
    let bytes = |coder: &str| std::fs::read(store::file_path(root, coder, &session)).unwrap();
    let (ana, ben) = (bytes("Ana"), bytes("Ben"));

    // Someone edited the note in another editor: a heading added, one sentence reworded.
    let edited = format!(
        "👩‍👩‍👧 Session 4\n\n{}",
        NOTE.replace("We trust CYFD to call first.", "CYFD calls first now.")
    );
    let (files, errors) = store::load_session_attached(root, &session, &edited);
    assert!(errors.is_empty(), "{errors:?}");
    let mut orphaned = Vec::new();
    for f in &files {
        for c in &f.codings {
            let here = ripple::core::text::char_slice(&edited, c.start, c.end);
            match c.status {
                AnchorStatus::Attached => assert_eq!(here, c.quote),
                AnchorStatus::Orphaned => orphaned.push((c.coder.clone(), c.quote.clone())),
            }
        }
    }
    assert_eq!(orphaned, [("Ben".to_string(), "We trust CYFD".to_string())]);
    // Reading wrote nothing: each coder's file changes only by that coder's own actions.
    assert_eq!(bytes("Ana"), ana);
    assert_eq!(bytes("Ben"), ben);
}
