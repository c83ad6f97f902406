//! The offset unit checked against real REFI-QDA exports: a `PlainTextSelection`'s
//! `startPosition`/`endPosition`, read as Ripple reads coding offsets (code points from 0,
//! half-open, over LF text, via `core::text::char_slice`), must give the selected words.
//!
//! The sample files live in the `shared/` folder beside the repository (`../shared`), or where
//! `RIPPLE_SHARED` points. Without them the tests say so and pass.

use ripple::core::text::{char_slice, normalize_newlines};
use std::io::Read;
use std::path::PathBuf;

fn shared_dir() -> Option<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("RIPPLE_SHARED").map(PathBuf::from),
        Some(manifest.join("../shared")),
        Some(PathBuf::from("/work/shared")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("refi-qda/samples").is_dir())
}

/// The value of `name="..."` in one XML start tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let j = tag[i..].find('"')?;
    Some(&tag[i..i + j])
}

/// Every start tag `<{element} ...>` in `xml`, in order, with its byte position.
fn start_tags<'a>(xml: &'a str, element: &str) -> Vec<(usize, &'a str)> {
    let open = format!("<{element} ");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = xml[from..].find(&open) {
        let s = from + i;
        let e = s + xml[s..].find('>').expect("tag closes");
        out.push((s, &xml[s..=e]));
        from = e;
    }
    out
}

fn read_zip_entry(archive: &mut zip::ZipArchive<std::fs::File>, name: &str) -> String {
    let mut entry = archive.by_name(name).expect(name);
    let mut text = String::new();
    entry.read_to_string(&mut text).expect("UTF-8 entry");
    text
}

#[test]
fn qc_export_selections_are_code_point_ranges() {
    let Some(shared) = shared_dir() else {
        eprintln!("skipped: no shared/refi-qda/samples beside the repository (set RIPPLE_SHARED)");
        return;
    };
    let path = shared.join("refi-qda/samples/qc-1.3.2-demo.qdpx");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).expect("open .qdpx"))
        .expect("a .qdpx is a zip");
    let project = read_zip_entry(&mut archive, "project.qde");

    let sources = start_tags(&project, "TextSource");
    assert!(!sources.is_empty(), "the demo has text sources");
    let mut checked = 0;
    for (n, &(at, tag)) in sources.iter().enumerate() {
        let file = attr(tag, "plainTextPath").expect("plainTextPath");
        let text = normalize_newlines(&read_zip_entry(&mut archive, &format!("sources/{file}")));
        let lines: Vec<&str> = text.split('\n').collect();
        let end = sources.get(n + 1).map_or(project.len(), |&(next, _)| next);
        for (_, sel) in start_tags(&project[at..end], "PlainTextSelection") {
            let start: usize = attr(sel, "startPosition").unwrap().parse().unwrap();
            let stop: usize = attr(sel, "endPosition").unwrap().parse().unwrap();
            // qc names each selection after the (0-based) line it covers, newline included.
            let line: usize = attr(sel, "name")
                .and_then(|n| n.strip_prefix("line:"))
                .expect("qc selection names are line:N")
                .parse()
                .unwrap();
            assert_eq!(
                char_slice(&text, start, stop),
                format!("{}\n", lines[line]),
                "{file}: selection {start}..{stop} (line {line})"
            );
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} selections checked");
}

#[test]
fn minimal_project_selection_length_is_its_text_in_code_points() {
    let Some(shared) = shared_dir() else {
        eprintln!("skipped: no shared/refi-qda/samples beside the repository (set RIPPLE_SHARED)");
        return;
    };
    let xml = std::fs::read_to_string(shared.join("refi-qda/samples/minimal-project.qde")).unwrap();
    let sels = start_tags(&xml, "PlainTextSelection");
    assert_eq!(sels.len(), 1);
    let tag = sels[0].1;
    let start: usize = attr(tag, "startPosition").unwrap().parse().unwrap();
    let end: usize = attr(tag, "endPosition").unwrap().parse().unwrap();
    // The sample names the selection after its words; a half-open range covers exactly them.
    let words = attr(tag, "name").unwrap();
    assert_eq!(words, "We finally trust each other");
    assert_eq!(end - start, words.chars().count());
    // Placed at that offset in a note, Ripple's coding offsets pick out the same words, even
    // with non-ASCII text before them (10 code points, 15 bytes, 11 UTF-16 units).
    let note = format!("Doña 🙂 Sí {words}.");
    assert_eq!(char_slice(&note, start, end), words);
    let quote = ripple::core::coding_store::find_quote(&note, words, None).unwrap();
    assert_eq!(quote, (start, end));
}
