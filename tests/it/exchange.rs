//! `ripple export` and `ripple import` (REFI-QDA), run as a user would: the real binary on
//! stores in temporary folders.
//!
//! The schema and the files other tools exported live in the `shared/` folder beside the
//! repository (`../shared/refi-qda`, or where `RIPPLE_SHARED` points); schema validation needs
//! `xmllint` (`.ci/run` installs it). Tests that need what is missing say so and pass.

use ripple::core::coding::{Coding, CodingId};
use ripple::core::exchange::export::read_store;
use ripple::core::session::SessionId;
use ripple::core::store::Store;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

fn shared_dir() -> Option<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [
        std::env::var_os("RIPPLE_SHARED").map(PathBuf::from),
        Some(manifest.join("../shared")),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.join("refi-qda/samples").is_dir())
    .map(|p| p.join("refi-qda"))
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// `ripple --store STORE ARGS` with its own config and index beside the store, `stdin` given.
fn ripple_in(store: &Path, coder: &str, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ripple"));
    cmd.arg("--store")
        .arg(store)
        .args(args)
        .env("RIPPLE_CODER", coder)
        .env("RIPPLE_CONFIG", store.with_extension("config.toml"))
        .env("RIPPLE_INDEX", store.with_extension("index"))
        .env("NO_COLOR", "1");
    let out = crate::common::output_with_stdin(cmd, stdin);
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn ripple(store: &Path, args: &[&str]) -> Run {
    ripple_in(store, "Tester", args, None)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const UNICODE_NOTE: &str = "Coaching in Doña Ana county with 李小龍 from the 家庭 team. 🙂🙂\n\
The advocate said: mañana we finally trust each other 👩‍👧.\n\
Line with CJK 信任 and a combining e\u{301} before the end.\n";

/// The demo store, plus a session whose note holds emoji, CJK and combining marks, coded by a
/// third coder (with a memo) at passages after the emoji.
fn demo_plus_unicode(root: &Path) {
    ripple::core::demo::write_demo_store(root).unwrap();
    let r = ripple_in(
        root,
        "Tester",
        &[
            "new",
            "--title",
            "Doña Ana 🙂 coaching: 信任",
            "--date",
            "2026-07-01",
            "--agency",
            "La Casa",
            "--county",
            "Doña Ana",
            "--facilitator",
            "Dolores Peña",
            "--tag",
            "unicode",
            "--participant",
            "advocate=2",
        ],
        Some(UNICODE_NOTE),
    )
    .ok();
    let id = r.stdout.trim().to_string();
    for (theme, quote, memo) in [
        (
            "trust",
            "mañana we finally trust each other 👩‍👧",
            "said twice 🙂",
        ),
        ("communication", "李小龍 from the 家庭 team", ""),
        (
            "trust",
            "信任 and a combining e\u{301}",
            "CJK: 信任 = trust",
        ),
    ] {
        ripple_in(
            root,
            "Ana Peña",
            &["code", "add", &id, theme, "--quote", quote, "--memo", memo],
            None,
        )
        .ok();
    }
}

/// A store's content with ids left out (an import gives new ids): the name, the themes by
/// key, sessions by (date, title) with metadata and text, and each coder's memo and codings.
#[derive(Debug, PartialEq)]
struct Content {
    name: String,
    themes: Vec<String>,
    sessions: Vec<String>,
    coders: BTreeMap<(String, String), (String, Vec<String>)>,
}

fn content(root: &Path) -> Content {
    let store = Store::open_read_only(root).unwrap();
    let (c, warnings) = read_store(&store, None).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let mut themes: Vec<String> = c.codebook.themes.iter().map(|t| format!("{t:?}")).collect();
    themes.sort();
    let title = |id: &SessionId| {
        let s = c.sessions.iter().find(|s| &s.meta.id == id).unwrap();
        format!("{} {}", s.meta.date, s.meta.title)
    };
    let mut sessions: Vec<String> = c
        .sessions
        .iter()
        .map(|s| {
            let mut meta = s.meta.clone();
            meta.id = SessionId(String::new());
            format!("{meta:?}\n{}", s.text)
        })
        .collect();
    sessions.sort();
    let coders = c
        .coder_files
        .iter()
        .map(|f| {
            let mut codings: Vec<String> = f
                .codings
                .iter()
                .map(|k| {
                    let k = Coding {
                        id: CodingId(String::new()),
                        session: SessionId(String::new()),
                        ..k.clone()
                    };
                    format!("{k:?}")
                })
                .collect();
            codings.sort();
            (
                (title(&f.session), f.coder.clone()),
                (f.memo.clone(), codings),
            )
        })
        .collect();
    Content {
        name: c.name,
        themes,
        sessions,
        coders,
    }
}

fn entry(qdpx: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(qdpx).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn a_store_exports_and_imports_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("original");
    demo_plus_unicode(&original);
    let first = dir.path().join("first.qdpx");
    let r = ripple(&original, &["export", s(&first)]).ok();
    assert!(
        r.stdout
            .contains("Exported 15 session(s), 17 theme(s), 35 coding(s) by 3 coder(s)"),
        "{}",
        r.stdout
    );
    // RIPPLE_CODER (who codes) does not narrow an export; --coded-by does.
    let one = dir.path().join("one.qdpx");
    let r = ripple(&original, &["export", s(&one), "--coded-by", "ana peña"]).ok();
    assert!(
        r.stdout.contains("3 coding(s) by 1 coder(s)"),
        "{}",
        r.stdout
    );
    // The same store exported twice gives the same archive (stable GUIDs, fixed times).
    let again = dir.path().join("again.qdpx");
    ripple(&original, &["export", s(&again)]).ok();
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&again).unwrap()
    );

    // The plan first: nothing is written without --yes.
    let copy = dir.path().join("copy");
    let r = ripple(&copy, &["import", s(&first)]).ok();
    assert!(r.stdout.contains("Sessions: 15 to add"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("Codings: 35 (17 by Ana Ortiz, 3 by Ana Peña, 15 by J. Chen); 35 checked"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("Run again with --yes"), "{}", r.stdout);
    assert!(!copy.exists(), "a plan writes nothing");

    let r = ripple(&copy, &["import", s(&first), "--yes"]).ok();
    assert!(r
        .stdout
        .contains("Imported 15 session(s), 35 coding(s) and 17 new theme(s)"));
    let want = content(&original);
    assert_eq!(want.sessions.len(), 15);
    assert_eq!(
        want.coders.values().map(|(_, c)| c.len()).sum::<usize>(),
        35
    );
    assert!(
        want.coders.values().filter(|(m, _)| !m.is_empty()).count() > 0,
        "session memos"
    );
    let got = content(&copy);
    assert_eq!(got.name, want.name);
    assert_eq!(got.themes, want.themes);
    for (g, w) in got.sessions.iter().zip(&want.sessions) {
        assert_eq!(g, w);
    }
    for (k, w) in &want.coders {
        assert_eq!(got.coders.get(k), Some(w), "{k:?}");
    }
    assert_eq!(got, want);

    // The Unicode passages sit at code-point offsets in the exported text and the selection.
    let qde = entry(&first, "project.qde");
    let quote = "mañana we finally trust each other 👩‍👧";
    let start = UNICODE_NOTE[..UNICODE_NOTE.find(quote).unwrap()]
        .chars()
        .count();
    let attrs = format!(
        "name=\"{quote}\" startPosition=\"{start}\" endPosition=\"{}\"",
        start + quote.chars().count()
    );
    assert!(qde.contains(&attrs), "{attrs}");

    // Importing it again finds every session and theme: nothing to add.
    let r = ripple(&copy, &["import", s(&first), "--yes"]).ok();
    assert!(r.stdout.contains("Nothing to import"), "{}", r.stdout);
    assert_eq!(content(&copy), want);

    // And the imported store exports to a project that imports to the same content again.
    let second = dir.path().join("second.qdpx");
    ripple(&copy, &["export", s(&second)]).ok();
    let third = dir.path().join("third");
    ripple(&third, &["import", s(&second), "--yes"]).ok();
    assert_eq!(content(&third), want);
}

/// `xmllint --schema XSD FILE`; None when xmllint is not installed.
fn xmllint(xsd: &Path, file: &Path) -> Option<(bool, String)> {
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(xsd)
        .arg(file)
        .output()
        .ok()?;
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

#[test]
fn exported_projects_and_codebooks_validate_against_the_schemas() {
    let Some(shared) = shared_dir() else {
        eprintln!("skipped: ../shared/refi-qda (the REFI-QDA schemas) is not there");
        return;
    };
    if xmllint(
        &shared.join("Project.xsd"),
        &shared.join("samples/minimal-project.qde"),
    )
    .is_none()
    {
        eprintln!("skipped: xmllint is not installed (apt-get install libxml2-utils)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    demo_plus_unicode(&store);
    for args in [
        &[][..],
        &["--deidentify"][..],
        &["--coded-by", "Ana Peña"][..],
    ] {
        let qdpx = dir.path().join("p.qdpx");
        let mut a = vec!["export", s(&qdpx), "--force"];
        a.extend_from_slice(args);
        ripple(&store, &a).ok();
        let qde = dir.path().join("project.qde");
        std::fs::write(&qde, entry(&qdpx, "project.qde")).unwrap();
        let (ok, msg) = xmllint(&shared.join("Project.xsd"), &qde).unwrap();
        assert!(ok, "project.qde from export {args:?} is not valid: {msg}");
    }
    let qdc = dir.path().join("codebook.qdc");
    ripple(&store, &["export", s(&qdc)]).ok();
    let (ok, msg) = xmllint(&shared.join("Codebook.reconstructed.xsd"), &qdc).unwrap();
    assert!(ok, "the .qdc is not valid: {msg}");

    // The check can fail: a project with its elements out of order is not valid.
    let bad = dir.path().join("bad.qde");
    let qde = entry(&dir.path().join("p.qdpx"), "project.qde");
    let users = qde.find("<Users>").unwrap();
    let users_end = qde.find("</Users>").unwrap() + "</Users>".len();
    let codebook_end = qde.find("</CodeBook>").unwrap() + "</CodeBook>".len();
    let swapped = format!(
        "{}{}{}{}",
        &qde[..users],
        &qde[users_end..codebook_end],
        &qde[users..users_end],
        &qde[codebook_end..]
    );
    std::fs::write(&bad, swapped).unwrap();
    assert!(!xmllint(&shared.join("Project.xsd"), &bad).unwrap().0);
}

#[test]
fn de_identified_exports_say_what_they_changed() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    demo_plus_unicode(&store);
    let qdpx = dir.path().join("d.qdpx");
    let r = ripple(&store, &["export", s(&qdpx), "--deidentify"]).ok();
    assert!(r.stdout.contains("De-identified:"), "{}", r.stdout);
    let qde = entry(&qdpx, "project.qde");
    for name in [
        "Dolores Peña",
        "M. Rivera",
        "Ana Peña",
        "Ana Ortiz",
        "J. Chen",
    ] {
        assert!(!qde.contains(name), "{name} is in the de-identified export");
    }
    assert!(qde.contains("Coder 1"));
}

#[test]
fn coding_blind_a_project_export_holds_only_the_coder_s_own_codings() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    ripple::core::demo::write_demo_store(&store).unwrap();
    let selections = |qdpx: &Path| {
        entry(qdpx, "project.qde")
            .matches("<PlainTextSelection ")
            .count()
    };
    let all = dir.path().join("all.qdpx");
    ripple(&store, &["export", s(&all)]).ok();
    let chosen = dir.path().join("chosen.qdpx");
    ripple(&store, &["export", s(&chosen), "--coded-by", "Ana Ortiz"]).ok();
    let blind = dir.path().join("blind.qdpx");
    let r = ripple_in(&store, "Ana Ortiz", &["--blind", "export", s(&blind)], None).ok();
    assert!(r.stdout.contains("by 1 coder(s)"), "{}", r.stdout);
    let qde = entry(&blind, "project.qde");
    assert!(!qde.contains("J. Chen"), "another coder in a blind export");
    assert!(qde.contains("Ana Ortiz"));
    assert!(selections(&blind) > 0);
    assert_eq!(selections(&blind), selections(&chosen));
    assert!(selections(&blind) < selections(&all));
    // Asking for another coder's codings while blind is refused, and nothing is written.
    let other = dir.path().join("other.qdpx");
    let r = ripple_in(
        &store,
        "Ana Ortiz",
        &["--blind", "export", s(&other), "--coded-by", "J. Chen"],
        None,
    );
    assert_eq!(r.code, 2, "{} {}", r.stdout, r.stderr);
    assert!(r.stderr.contains("only your own codings"), "{}", r.stderr);
    assert!(!other.exists());
    // A name that is no coder of the store (a typo) is refused with the store's coders, not
    // exported with no codings; a name in another case and without accents is a coder.
    let r = ripple(&store, &["export", s(&other), "--coded-by", "Ana Ortis"]);
    assert_eq!(r.code, 2, "{} {}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(
            "--coded-by Ana Ortis: no such coder in this store (its coders: Ana Ortiz, J. Chen)"
        ),
        "{}",
        r.stderr
    );
    assert!(!other.exists());
    ripple(&store, &["export", s(&other), "--coded-by", "ANA ORTIZ"]).ok();
    assert_eq!(selections(&other), selections(&chosen));
}

/// Every file under `root` with its bytes.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

/// Files a store holds, without the lock file and other machine-local state in `.ripple/`.
fn store_files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot(root)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(".ripple"))
        .collect()
}

#[test]
fn importing_into_a_store_adds_files_and_rewrites_none() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source");
    demo_plus_unicode(&source);
    let qdpx = dir.path().join("p.qdpx");
    ripple(&source, &["export", s(&qdpx)]).ok();

    // A store of its own, whose coders Ana Ortiz and Ana Peña have files that the import
    // must leave alone.
    let store = dir.path().join("store");
    let id = crate::common::cli_new(&store, "Our own session", "2026-01-05", UNICODE_NOTE);
    for coder in ["Ana Ortiz", "Ana Peña"] {
        ripple_in(
            &store,
            coder,
            &[
                "code", "add", &id, "trust", "--quote", "信任", "--memo", "ours",
            ],
            None,
        )
        .ok();
    }
    let before = store_files(&store);
    let r = ripple(&store, &["import", s(&qdpx)]).ok();
    assert!(
        r.stdout.contains("Themes: 0 to add, 17 matched"),
        "{}",
        r.stdout
    );
    assert_eq!(store_files(&store), before, "the plan alone writes nothing");

    ripple(&store, &["import", s(&qdpx), "--yes"]).ok();
    let after = store_files(&store);
    for (path, bytes) in &before {
        assert_eq!(
            after.get(path),
            Some(bytes),
            "{} was rewritten",
            path.display()
        );
    }
    let added: Vec<&PathBuf> = after.keys().filter(|p| !before.contains_key(*p)).collect();
    // 15 sessions and one file per coder and session coded.
    let coded = content(&source).coders.len();
    assert_eq!(added.len(), 15 + coded, "{added:?}");
    assert!(added
        .iter()
        .all(|p| p.starts_with("sessions") || p.starts_with("codings")));
    assert!(!snapshot(&store.join(".ripple"))
        .keys()
        .any(|p| p.to_string_lossy().contains("import-")));
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const GOOD_QDE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p">
<Sources><TextSource guid="11111111-1111-4111-8111-111111111111" name="s" plainTextPath="internal://s.txt"/></Sources>
</Project>"#;

#[test]
fn hostile_archives_are_refused_and_the_store_stays_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    crate::common::cli_new(&store, "Kept", "2026-01-05", UNICODE_NOTE);
    let before = store_files(&store);
    let zeros = vec![0u8; 16 << 20];
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "slip.qdpx",
            zip_of(&[("project.qde", GOOD_QDE.as_bytes()), ("../../evil.txt", b"x")]),
            "refused",
        ),
        (
            "absolute.qdpx",
            zip_of(&[("project.qde", GOOD_QDE.as_bytes()), ("/tmp/evil.txt", b"x")]),
            "refused",
        ),
        (
            "bomb.qdpx",
            zip_of(&[("project.qde", GOOD_QDE.as_bytes()), ("sources/s.txt", &zeros)]),
            "refused",
        ),
        (
            "entities.qdpx",
            zip_of(&[(
                "project.qde",
                b"<?xml version=\"1.0\"?>\n<!DOCTYPE p [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n<Project name=\"&b;\"/>",
            )]),
            "refused",
        ),
        (
            "malformed.qdpx",
            zip_of(&[("project.qde", b"<?xml version=\"1.0\"?>\n<Project name=\"p\">\n<Sources>\n</Project>")]),
            "project.qde:4",
        ),
        ("notzip.qdpx", b"PK\x03\x04 not really a zip".to_vec(), "notzip.qdpx"),
        ("noproject.qdpx", zip_of(&[("sources/s.txt", b"text")]), "no project.qde"),
    ];
    for (name, bytes, says) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        for target in [&store, &dir.path().join(format!("new-{name}"))] {
            let r = ripple(target, &["import", s(&file), "--yes"]);
            assert_ne!(r.code, 0, "{name} was imported: {}", r.stdout);
            assert!(
                r.stderr.starts_with("ripple: ") && r.stderr.contains(says),
                "{name}: {}",
                r.stderr
            );
            assert!(
                r.stderr.contains(name),
                "{name}: names the file: {}",
                r.stderr
            );
        }
        assert_eq!(store_files(&store), before, "{name} changed the store");
        assert!(!dir.path().join(format!("new-{name}")).exists());
    }
    assert!(!dir.path().join("evil.txt").exists());
}

#[test]
fn export_targets_inside_the_store_or_index_or_not_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    crate::common::cli_new(&store, "Kept", "2026-01-05", UNICODE_NOTE);
    let index = store.with_extension("index");
    std::fs::create_dir_all(&index).unwrap();
    let before = store_files(&store);
    for (target, says) in [
        (store.join("out.qdpx"), "inside the store"),
        (store.join("sessions/out.qdc"), "inside the store"),
        (index.join("out.qdpx"), "inside the search index folder"),
        (dir.path().join("out.txt"), "name the file .qdpx"),
    ] {
        let r = ripple(&store, &["export", s(&target)]);
        assert_eq!(r.code, 2, "{}: {}", target.display(), r.stdout);
        assert!(
            r.stderr.contains(says),
            "{}: {}",
            target.display(),
            r.stderr
        );
        assert!(!target.exists());
    }
    assert_eq!(store_files(&store), before);

    // A folder is not replaced even with --force; a link is written through, never replaced.
    let folder = dir.path().join("folder.qdpx");
    std::fs::create_dir(&folder).unwrap();
    let r = ripple(&store, &["export", s(&folder), "--force"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    #[cfg(unix)]
    {
        let victim = dir.path().join("victim.qdpx");
        std::fs::write(&victim, "older").unwrap();
        let link = dir.path().join("link.qdpx");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let r = ripple(&store, &["export", s(&link)]);
        assert_eq!(r.code, 2, "an existing file behind a link needs --force");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "older");
        ripple(&store, &["export", s(&link), "--force"]).ok();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(entry(&victim, "project.qde").contains("<Project"));
    }

    // An existing file needs --force.
    let out = dir.path().join("out.qdpx");
    std::fs::write(&out, "older").unwrap();
    let r = ripple(&store, &["export", s(&out)]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "older");
    ripple(&store, &["export", s(&out), "--force"]).ok();
    assert!(entry(&out, "project.qde").contains("<Project"));
}

/// Each sample another tool exported: imported with every coding checked against the words
/// (or line) its file records, then exported and imported again with the same content.
#[test]
fn samples_from_other_tools_import_and_round_trip() {
    let Some(shared) = shared_dir() else {
        eprintln!("skipped: ../shared/refi-qda/samples is not there");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // (file, sessions, codings, themes, words in the output)
    let samples: [(&str, usize, usize, usize, &[&str]); 5] = [
        (
            "qc-1.3.2-demo.qdpx",
            2,
            205,
            262,
            &["205 checked against the words"],
        ),
        (
            "nvivo-mac-15.0.0.qdpx",
            2,
            0,
            262,
            &["dated by when the source was created"],
        ),
        ("atlasti-23.2.3-codebook.qdpx", 0, 0, 3, &["from ATLAS.ti"]),
        (
            "minimal-codebook.qdc",
            0,
            0,
            2,
            &["Ripple has no code sets"],
        ),
        (
            "minimal-project.qde",
            0,
            0,
            2,
            &["a .qde file alone carries no source files", "not on themes"],
        ),
    ];
    for (i, (name, sessions, codings, themes, says)) in samples.iter().enumerate() {
        let file = shared.join("samples").join(name);
        let store = dir.path().join(format!("s{i}"));
        let r = ripple(&store, &["import", s(&file), "--yes"]).ok();
        for w in *says {
            assert!(r.stdout.contains(w), "{name}: {w:?} not in\n{}", r.stdout);
        }
        let c = content(&store);
        assert_eq!(c.sessions.len(), *sessions, "{name}");
        assert_eq!(c.themes.len(), *themes, "{name}");
        let st = Store::open_read_only(&store).unwrap();
        let (read, _) = read_store(&st, None).unwrap();
        let mut n = 0;
        for f in &read.coder_files {
            let text = &read
                .sessions
                .iter()
                .find(|s| s.meta.id == f.session)
                .unwrap()
                .text;
            for k in &f.codings {
                n += 1;
                let covered: String = text.chars().skip(k.start).take(k.end - k.start).collect();
                assert_eq!(covered, k.quote, "{name}");
                if name.starts_with("qc") {
                    // qc codes whole lines: each passage starts a line and ends with its break.
                    let before: String = text.chars().take(k.start).collect();
                    assert!(
                        before.is_empty() || before.ends_with('\n'),
                        "{name}: {covered:?}"
                    );
                    assert!(covered.ends_with('\n'), "{name}: {covered:?}");
                }
            }
        }
        assert_eq!(n, *codings, "{name}");
        // NVivo's two sources are empty in the file itself (a text file holding one line
        // break, and a .docx with one empty paragraph): sessions named as NVivo names them.
        if name.starts_with("nvivo") {
            let mut titles: Vec<&str> = read
                .sessions
                .iter()
                .map(|s| s.meta.title.as_str())
                .collect();
            titles.sort();
            assert_eq!(
                titles,
                [
                    "33663939-3636-3632-3038-613431643463",
                    "66653866-6334-3535-3435-366637306566"
                ]
            );
            assert!(read.sessions.iter().all(|s| s.text.trim().is_empty()));
        }

        let out = dir.path().join(format!("s{i}.qdpx"));
        ripple(&store, &["export", s(&out)]).ok();
        let again = dir.path().join(format!("again{i}"));
        ripple(&again, &["import", s(&out), "--yes"]).ok();
        let d = content(&again);
        assert_eq!(d.sessions, c.sessions, "{name}");
        assert_eq!(d.themes, c.themes, "{name}");
        assert_eq!(d.coders, c.coders, "{name}");
    }
}

/// A rename failing half-way through an import puts back what was moved (the codebook too):
/// the store is as it was, for every point of failure.
#[test]
fn an_import_failing_half_way_leaves_the_store_as_it_was() {
    use ripple::core::codebook::{Codebook, Theme};
    use ripple::core::exchange::{self, apply, plan::Target, Package};
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source");
    demo_plus_unicode(&source);
    let qdpx = dir.path().join("p.qdpx");
    ripple(&source, &["export", s(&qdpx)]).ok();

    let store_root = dir.path().join("store");
    crate::common::cli_new(&store_root, "Ours", "2026-01-05", UNICODE_NOTE);
    // A codebook of one theme, so the import adds themes and replaces codebook.toml.
    let mut own = Codebook::default();
    own.themes.push(Theme::new("trust", "Trust", "#1f8fd6"));
    std::fs::write(store_root.join("codebook.toml"), own.to_toml()).unwrap();
    let before = store_files(&store_root);

    let store = Store::open(&store_root).unwrap();
    let codebook = Codebook::load_or_builtin(&store.codebook_path()).unwrap();
    let mut package = Package::open(&qdpx).unwrap();
    let plan = exchange::plan(&mut package, &Target::of_store(&store, codebook)).unwrap();
    assert!(plan.new_themes() > 0 && plan.sessions.len() == 15);
    // Step 1 replaces the codebook, then each session and coding file is one step.
    for fail_at in [1, 2, 10, 30] {
        let err = apply::into_store_failing_at(&plan, &store, Some(fail_at), &mut |_, _, _| {})
            .unwrap_err();
        assert!(err.to_string().contains("the store is as it was"), "{err}");
        assert_eq!(
            store_files(&store_root),
            before,
            "failing at step {fail_at}"
        );
    }
    // Without a failure it goes through.
    apply::into_store(&plan, &store).unwrap();
    assert_ne!(store_files(&store_root), before);
}

/// `--query` reads the index as every search does: brought up to date first, so a session
/// added (or a coding removed) a moment ago is exported (or not) without `ripple reindex`.
#[test]
fn export_query_sees_the_store_as_it_is_now() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    crate::common::cli_new(
        &store,
        "First",
        "2026-01-05",
        "The supervisor calls weekly.",
    );
    let out = dir.path().join("first.qdpx");
    ripple(&store, &["export", s(&out), "--query", "supervisor"]).ok();
    assert!(entry(&out, "project.qde").contains("First"));
    let second = crate::common::cli_new(&store, "Second", "2026-01-06", "A new supervisor joined.");
    ripple(
        &store,
        &["export", s(&out), "--query", "supervisor", "--force"],
    )
    .ok();
    let qde = entry(&out, "project.qde");
    assert!(qde.contains("First") && qde.contains("Second"), "{qde}");
    // A coding changes no count of sessions: only the files' own keys tell the index is old.
    ripple(
        &store,
        &["code", "add", &second, "trust", "--quote", "new supervisor"],
    )
    .ok();
    ripple(
        &store,
        &["export", s(&out), "--query", "theme:trust", "--force"],
    )
    .ok();
    let qde = entry(&out, "project.qde");
    assert!(
        qde.contains("Second") && !qde.contains("\"First\""),
        "{qde}"
    );
}

/// A code whose name makes the key of a store theme named otherwise is a theme of its own:
/// qc's nested "collaboration" (a student practice) is not the store's "Collaboration between
/// agencies" (key `collaboration`). A code that names the key itself (a Ripple export's
/// "Key:") still finds its theme, as the round trips above show.
#[test]
fn a_key_made_from_a_code_s_name_does_not_merge_it_into_a_theme_named_otherwise() {
    let Some(shared) = shared_dir() else {
        eprintln!("skipped: ../shared/refi-qda/samples is not there");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    ripple::core::demo::write_demo_store(&store).unwrap();
    let file = shared.join("samples").join("qc-1.3.2-demo.qdpx");
    let plan = ripple(&store, &["import", s(&file)]).ok().stdout;
    assert!(
        !plan.contains("same key: the store's `collaboration`"),
        "{plan}"
    );
    let line = plan
        .lines()
        .find(|l| l.contains("practices › collaboration"))
        .unwrap_or_else(|| panic!("{plan}"));
    assert!(!line.contains("the store's `collaboration`"), "{line}");
}

/// A project sent out, coded by another tool's user on a session the store has, and read back:
/// that coding is not merged into the session, and the plan says so rather than "nothing to
/// import" alone. Reading the store's own export back skips nothing.
#[test]
fn codings_on_sessions_the_store_has_are_said_to_be_skipped_never_dropped_silently() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    ripple::core::demo::write_demo_store(&store).unwrap();
    let out = dir.path().join("sent.qdpx");
    ripple(&store, &["export", s(&out)]).ok();
    let plain = ripple(&store, &["import", s(&out)]).ok().stdout;
    assert!(plain.contains("Nothing to import"), "{plain}");
    assert!(!plain.contains("coding(s) of"), "{plain}");

    // Carol codes the first five code points of a source in another tool.
    let qde = entry(&out, "project.qde");
    let code = qde.split("<Code guid=\"").nth(1).unwrap();
    let code = &code[..code.find('"').unwrap()];
    let at = qde.find("<PlainTextSelection ").unwrap();
    let added = format!(
        "<PlainTextSelection guid=\"0b7a1c3e-5d2f-4e6a-9b8c-1d2e3f4a5b6c\" startPosition=\"0\" endPosition=\"5\"><Coding guid=\"1c8b2d4f-6e3a-4f7b-8c9d-2e3f4a5b6c7d\"><CodeRef targetGUID=\"{code}\"/></Coding></PlainTextSelection>"
    );
    let qde = format!("{}{added}{}", &qde[..at], &qde[at..]);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        let name = f.name().unwrap().to_string();
        if name == "project.qde" {
            bytes = qde.clone().into_bytes();
        }
        entries.push((name, bytes));
    }
    let back = dir.path().join("back.qdpx");
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    std::fs::write(&back, zip_of(&refs)).unwrap();
    let before = store_files(&store);
    let plan = ripple(&store, &["import", s(&back), "--yes"]).ok().stdout;
    assert!(plan.contains("1 coding(s) of “"), "{plan}");
    assert!(plan.contains("in the store already"), "{plan}");
    assert!(plan.contains("Nothing to import"), "{plan}");
    assert_eq!(store_files(&store), before, "the store is as it was");
}
