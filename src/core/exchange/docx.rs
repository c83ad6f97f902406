//! Plain text from a `.docx` source, for archives that carry a source only as Word document:
//! each paragraph of `word/document.xml` (tables' paragraphs included) on a line of its own,
//! tabs and line breaks kept, deleted text (tracked changes) and field codes left out.
//!
//! The `.docx` is a zip inside the archive: it is opened with the same limits and the same
//! byte budget as the archive itself, and its XML with DTDs refused.

use super::archive::{Archive, ArchiveProblem, Limits};
use roxmltree::{Node, ParsingOptions};
use std::io::Cursor;

/// Why a `.docx` gave no text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocxProblem {
    Archive(ArchiveProblem),
    /// `word/document.xml` is missing or not well-formed XML (line and message).
    Document(String),
}

impl std::fmt::Display for DocxProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocxProblem::Archive(p) => write!(f, "{p}"),
            DocxProblem::Document(m) => f.write_str(m),
        }
    }
}

/// The text of a `.docx` given as bytes, and the bytes decompressed on the way (to charge to
/// the outer archive's budget, of which `spent` is already used).
pub fn docx_text(bytes: Vec<u8>, limits: Limits, spent: u64) -> Result<(String, u64), DocxProblem> {
    let mut inner =
        Archive::open(Cursor::new(bytes), limits, spent).map_err(DocxProblem::Archive)?;
    let xml = inner
        .read("word/document.xml")
        .map_err(DocxProblem::Archive)?
        .ok_or_else(|| DocxProblem::Document("it has no word/document.xml".into()))?;
    let xml = String::from_utf8(xml)
        .map_err(|_| DocxProblem::Document("word/document.xml is not UTF-8".into()))?;
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: super::xml_read::MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(&xml, opts).map_err(|e| {
        DocxProblem::Document(format!(
            "word/document.xml:{}:{}: {e}",
            e.pos().row,
            e.pos().col
        ))
    })?;
    let mut out = String::new();
    if let Some(body) = doc
        .root_element()
        .children()
        .find(|c| c.is_element() && c.tag_name().name() == "body")
    {
        walk(body, &mut out);
    }
    Ok((out, inner.spent - spent))
}

fn walk(node: Node, out: &mut String) {
    for c in node.children().filter(|c| c.is_element()) {
        match c.tag_name().name() {
            "p" => {
                walk(c, out);
                out.push('\n');
            }
            "t" => out.extend(
                c.children()
                    .filter(|t| t.is_text())
                    .filter_map(|t| t.text()),
            ),
            "tab" => out.push('\t'),
            "br" | "cr" => out.push('\n'),
            "noBreakHyphen" => out.push('-'),
            // Tracked deletions, field instructions and properties are not text of the document.
            "delText" | "instrText" | "pPr" | "rPr" | "sectPr" => {}
            _ => walk(c, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    pub fn docx(document_xml: &str) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(document_xml.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn paragraphs_runs_tabs_and_breaks_become_plain_text() {
        let xml = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:pPr><w:pStyle w:val="x"/></w:pPr><w:r><w:t>Doña </w:t></w:r><w:r><w:t xml:space="preserve">Ana</w:t><w:tab/><w:t>🙂</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t><w:br/><w:t>two</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:del><w:r><w:delText>gone</w:delText></w:r></w:del><w:r><w:fldChar/><w:instrText>PAGE</w:instrText><w:t>kept</w:t></w:r></w:p>
<w:sectPr/></w:body></w:document>"#;
        let (text, spent) = docx_text(docx(xml), Limits::default(), 0).unwrap();
        assert_eq!(text, "Doña Ana\t🙂\ncell\ntwo\nkept\n");
        assert_eq!(spent, xml.len() as u64);
    }

    #[test]
    fn a_docx_with_a_dtd_or_without_a_document_is_a_problem() {
        let e = docx_text(
            docx("<!DOCTYPE d [<!ENTITY a \"a\">]><w:document/>"),
            Limits::default(),
            0,
        )
        .unwrap_err();
        assert!(e.to_string().contains("word/document.xml"), "{e}");
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("other.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert!(docx_text(bytes, Limits::default(), 0).is_err());
    }
}
