//! Sharing notes from the command line (`ripple export FILE.md|.html|.docx`) and evidence as
//! DOCX, run as a user would: the real binary on stores in temporary folders. DOCX files are
//! unzipped and their `word/document.xml` checked to be well-formed (by `xmllint` where it is
//! installed, and always by an XML parser) and to hold the text.

use crate::common::{cli_new, output_with_stdin, store_dir};
use std::io::Read;
use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ripple(store: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ripple"));
    cmd.arg("--store")
        .arg(store)
        .args(args)
        .env("RIPPLE_CODER", "Tester")
        .env("RIPPLE_CONFIG", store.with_extension("config.toml"))
        .env("RIPPLE_INDEX", store.parent().unwrap().join("index"))
        .env("NO_COLOR", "1");
    let out = output_with_stdin(cmd, None);
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn ok(r: Run) -> Run {
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    r
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The text of a DOCX file, a line per paragraph (a tab and a line break inside a paragraph
/// as `\t` and `\n`), after `word/document.xml` is checked well-formed; and the XML itself.
pub fn docx_document(path: &Path) -> String {
    docx_parts(path).0
}

pub fn docx_parts(path: &Path) -> (String, String) {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).expect("a DOCX file is a zip archive");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("document.xml is well-formed XML");
    let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let text: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name((w, "p")))
        .map(|p| {
            p.descendants()
                .filter_map(|n| {
                    if n.has_tag_name((w, "t")) {
                        Some(n.text().unwrap_or("").to_string())
                    } else if n.has_tag_name((w, "tab")) {
                        Some("\t".into())
                    } else if n.has_tag_name((w, "br")) {
                        Some("\n".into())
                    } else {
                        None
                    }
                })
                .collect()
        })
        .collect();
    let text = text.join("\n");
    let dir = tempfile::tempdir().unwrap();
    let unpacked = dir.path().join("document.xml");
    std::fs::write(&unpacked, &xml).unwrap();
    if let Ok(out) = Command::new("xmllint")
        .arg("--noout")
        .arg(&unpacked)
        .output()
    {
        assert!(
            out.status.success(),
            "xmllint: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    (text, xml)
}

const NOTE: &str =
    "# Discussion\n\nMaría from CYFD said <b>trust</b> & safety grew.\n\n- [ ] call La Casa\n";

#[test]
fn one_session_is_shared_as_markdown_html_and_docx() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "Doña Ana check-in", "2026-06-14", NOTE);
    cli_new(&store, "Another", "2026-06-15", "not shared\n");

    let md = tmp.path().join("note.md");
    let r = ok(ripple(&store, &["export", s(&md), "--session", &id[..10]]));
    assert!(
        r.stdout.contains("Shared 1 session(s) as Markdown"),
        "{}",
        r.stdout
    );
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.starts_with("# Doña Ana check-in\n"), "{text}");
    assert!(text.contains("- **Date:** 14 June 2026"), "{text}");
    assert!(text.contains("\n## Discussion\n"), "{text}");
    assert!(text.contains("<b>trust</b> & safety"), "{text}");
    assert!(!text.contains("not shared"), "{text}");

    let html = tmp.path().join("note.HTML");
    ok(ripple(&store, &["export", s(&html), "--session", &id]));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(
        page.contains("&lt;b&gt;trust&lt;/b&gt; &amp; safety"),
        "{page}"
    );
    assert!(!page.contains("<b>"), "{page}");

    let docx = tmp.path().join("note.docx");
    ok(ripple(&store, &["export", s(&docx), "--session", &id]));
    let (text, xml) = docx_parts(&docx);
    assert!(
        text.starts_with("Doña Ana check-in\nDate: 14 June 2026\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "\nDiscussion\nMaría from CYFD said <b>trust</b> & safety grew.\n☐\tcall La Casa"
        ),
        "{text}"
    );
    assert!(xml.contains("<w:pStyle w:val=\"Heading2\" />"), "{xml}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&docx).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn a_date_range_and_a_query_choose_the_sessions() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    cli_new(&store, "May visit", "2026-05-02", "whiteboard plans\n");
    cli_new(&store, "June visit", "2026-06-10", "whiteboard again\n");
    cli_new(&store, "July visit", "2026-07-20", "whiteboard late\n");
    cli_new(&store, "June other", "2026-06-11", "nothing here\n");

    let out = tmp.path().join("range.md");
    let r = ok(ripple(
        &store,
        &[
            "export",
            s(&out),
            "--from",
            "2026-06-01",
            "--to",
            "2026-06-30",
        ],
    ));
    assert!(r.stdout.contains("Shared 2 session(s)"), "{}", r.stdout);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("# Sessions, 10 June 2026 – 11 June 2026\n"),
        "{text}"
    );
    assert!(text.find("## June visit").unwrap() < text.find("## June other").unwrap());
    assert!(
        !text.contains("May visit") && !text.contains("July visit"),
        "{text}"
    );

    let out = tmp.path().join("query.md");
    ok(ripple(
        &store,
        &[
            "export",
            s(&out),
            "--query",
            "whiteboard",
            "--from",
            "2026-06-01",
        ],
    ));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("## June visit") && text.contains("## July visit"),
        "{text}"
    );
    assert!(
        !text.contains("June other") && !text.contains("May visit"),
        "{text}"
    );
}

#[test]
fn deidentified_sharing_leaves_out_names_and_listed_terms() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "Maria's review", "2026-06-14", NOTE);
    let settings = std::fs::read_to_string(store.join("ripple.toml")).unwrap();
    std::fs::write(
        store.join("ripple.toml"),
        format!("{settings}\ndeidentify = [\"Maria\"]\n"),
    )
    .unwrap();
    for name in ["d.md", "d.html", "d.docx"] {
        let out = tmp.path().join(name);
        let r = ok(ripple(
            &store,
            &["export", s(&out), "--session", &id, "--deidentify"],
        ));
        assert!(r.stdout.contains("De-identified"), "{}", r.stdout);
        let text = if name.ends_with("docx") {
            docx_document(&out)
        } else {
            std::fs::read_to_string(&out).unwrap()
        };
        for gone in ["Maria", "María", id.as_str(), "Facilitator"] {
            assert!(!text.contains(gone), "{name} has {gone}: {text}");
        }
        assert!(
            text.contains("[redacted]") && text.contains("CYFD"),
            "{name}: {text}"
        );
    }
}

#[test]
fn bad_requests_are_refused_and_nothing_is_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "One", "2026-06-14", "text\n");
    let out = tmp.path().join("mine.md");
    std::fs::write(&out, "my own file").unwrap();

    let r = ripple(&store, &["export", s(&out), "--session", &id]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "my own file");

    let fresh = tmp.path().join("all.html");
    let r = ripple(&store, &["export", s(&fresh)]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("choose the notes to share"),
        "{}",
        r.stderr
    );
    assert!(!fresh.exists());

    let r = ripple(&store, &["export", s(&fresh), "--session", "zzzz"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--session zzzz"), "{}", r.stderr);

    let r = ripple(
        &store,
        &[
            "export",
            s(&fresh),
            "--from",
            "2026-07-01",
            "--to",
            "2026-06-01",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);

    let qdpx = tmp.path().join("p.qdpx");
    let r = ripple(&store, &["export", s(&qdpx), "--session", &id]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains(".md, .html or .docx"), "{}", r.stderr);

    let inside = store.join("shared.md");
    let r = ripple(&store, &["export", s(&inside), "--session", &id]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!inside.exists());

    ok(ripple(
        &store,
        &["export", s(&out), "--session", &id, "--force"],
    ));
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("# One"));
}

#[test]
fn evidence_is_written_as_docx_with_headings_and_citations() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("evidence.docx");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ripple"));
    cmd.args(["--demo", "evidence", "--out"])
        .arg(&out)
        .env("RIPPLE_CONFIG", tmp.path().join("config.toml"))
        .env("NO_COLOR", "1");
    let r = output_with_stdin(cmd, None);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let (text, xml) = docx_parts(&out);
    // The same document the Markdown export is, heading by heading and citation by citation.
    let mut md_cmd = Command::new(env!("CARGO_BIN_EXE_ripple"));
    md_cmd
        .args(["--demo", "evidence"])
        .env("RIPPLE_CONFIG", tmp.path().join("config.toml"))
        .env("NO_COLOR", "1");
    let md = String::from_utf8(output_with_stdin(md_cmd, None).stdout).unwrap();
    let headings: Vec<&str> = md.lines().filter_map(|l| l.strip_prefix("## ")).collect();
    let citations: Vec<&str> = md.lines().filter(|l| l.starts_with("— ")).collect();
    assert!(!headings.is_empty() && !citations.is_empty(), "{md}");
    let lines: Vec<&str> = text.lines().collect();
    for h in &headings {
        assert!(lines.contains(h), "heading {h} missing: {text}");
    }
    for c in &citations {
        assert!(lines.contains(c), "citation {c} missing: {text}");
    }
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("— ")).count(),
        citations.len()
    );
    assert!(xml.contains("Heading2") && xml.contains("Quote"), "{xml}");

    // --format docx without --out is refused: a Word file is not printed.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ripple"));
    cmd.args(["--demo", "evidence", "--format", "docx"])
        .env("RIPPLE_CONFIG", tmp.path().join("config.toml"));
    let r = output_with_stdin(cmd, None);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("--out"));
}
