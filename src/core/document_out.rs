//! Documents Ripple writes for people to read (a shared note, evidence): a small block model
//! (headings, paragraphs, quotes, list items, code) built once and written as DOCX, and the
//! reading of a note's Markdown into it.
//!
//! - A note's Markdown is read with pulldown-cmark (CommonMark, with tables, strikethrough and
//!   task lists). Raw HTML in a note is kept as the text it is, never as markup; images become
//!   their description (a shared document loads nothing from anywhere).
//! - DOCX is written with docx-rs, with the usual Word style names (Title, Heading1–6, Quote),
//!   so a reader's outline and table of contents work. Characters XML 1.0 cannot hold (control
//!   characters other than tab and line break) become U+FFFD; nothing else is changed.

use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, Paragraph, Run, RunFonts, Style, StyleType,
};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// A stretch of text with one style.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Span {
    /// The text; a `\n` inside is a line break within the block.
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
    pub code: bool,
}

impl Span {
    pub fn plain(text: impl Into<String>) -> Span {
        Span {
            text: text.into(),
            ..Span::default()
        }
    }
    pub fn italic(text: impl Into<String>) -> Span {
        Span {
            text: text.into(),
            italic: true,
            ..Span::default()
        }
    }
    pub fn bold(text: impl Into<String>) -> Span {
        Span {
            text: text.into(),
            bold: true,
            ..Span::default()
        }
    }
}

/// What a block is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// The document's title.
    Title,
    /// A heading, 1 (largest) to 6.
    Heading(u8),
    Paragraph,
    /// A quotation, indented `depth` levels (1 for a plain quote).
    Quote(u8),
    /// A list item `depth` levels deep (1 for the outer list), starting with `marker`
    /// ("•", "1.", "☐", "☑"); a continuation paragraph of the item has an empty marker.
    Item {
        depth: u8,
        marker: String,
    },
    /// Preformatted text, kept line by line.
    Code,
    /// A horizontal rule.
    Rule,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub spans: Vec<Span>,
}

impl Block {
    pub fn new(kind: BlockKind, spans: Vec<Span>) -> Block {
        Block { kind, spans }
    }
    /// The block's text, spans joined.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// The parser options every reading of a note uses.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// A heading level moved `shift` levels down (a note's `#` under the document's own title),
/// never past 6.
pub fn shifted(level: HeadingLevel, shift: u8) -> HeadingLevel {
    let n = (level as u8 + shift).min(6);
    HeadingLevel::try_from(n as usize).unwrap_or(HeadingLevel::H6)
}

/// A note's Markdown as blocks, its headings moved `shift` levels down.
pub fn markdown_blocks(text: &str, shift: u8) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut cur: Option<Block> = None;
    let (mut bold, mut italic, mut strike) = (0u32, 0u32, 0u32);
    let mut quote_depth = 0u8;
    // Per open list: the next number (None for a bulleted list).
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut in_item_fresh = false;
    let mut in_code = false;
    let mut links: Vec<String> = Vec::new();
    // Table cells of the row being read.
    let mut row: Vec<String> = Vec::new();
    let mut in_cell = false;

    let flush = |cur: &mut Option<Block>, out: &mut Vec<Block>| {
        if let Some(b) = cur.take() {
            if !b.spans.is_empty() || matches!(b.kind, BlockKind::Rule) {
                out.push(b);
            }
        }
    };
    let para_kind = |quote_depth: u8, lists: &Vec<Option<u64>>| {
        if !lists.is_empty() {
            BlockKind::Item {
                depth: lists.len() as u8,
                marker: String::new(),
            }
        } else if quote_depth > 0 {
            BlockKind::Quote(quote_depth)
        } else {
            BlockKind::Paragraph
        }
    };

    for event in Parser::new_ext(text, markdown_options()) {
        let mut push = |s: String, cur: &mut Option<Block>, code: bool| {
            if in_cell {
                if let Some(last) = row.last_mut() {
                    last.push_str(&s);
                }
                return;
            }
            let block =
                cur.get_or_insert_with(|| Block::new(para_kind(quote_depth, &lists), vec![]));
            block.spans.push(Span {
                text: s,
                bold: bold > 0,
                italic: italic > 0,
                strike: strike > 0,
                code: code || in_code,
            });
        };
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => {
                    if in_item_fresh {
                        in_item_fresh = false;
                    } else {
                        flush(&mut cur, &mut out);
                        cur = Some(Block::new(para_kind(quote_depth, &lists), vec![]));
                    }
                }
                Tag::Heading { level, .. } => {
                    flush(&mut cur, &mut out);
                    in_item_fresh = false;
                    cur = Some(Block::new(
                        BlockKind::Heading(shifted(level, shift) as u8),
                        vec![],
                    ));
                }
                Tag::BlockQuote(_) => {
                    flush(&mut cur, &mut out);
                    quote_depth += 1;
                }
                Tag::CodeBlock(_) => {
                    flush(&mut cur, &mut out);
                    in_code = true;
                    cur = Some(Block::new(BlockKind::Code, vec![]));
                }
                Tag::List(start) => {
                    flush(&mut cur, &mut out);
                    lists.push(start);
                }
                Tag::Item => {
                    flush(&mut cur, &mut out);
                    let marker = match lists.last_mut() {
                        Some(Some(n)) => {
                            let m = format!("{n}.");
                            *n += 1;
                            m
                        }
                        _ => "•".to_string(),
                    };
                    cur = Some(Block::new(
                        BlockKind::Item {
                            depth: lists.len().max(1) as u8,
                            marker,
                        },
                        vec![],
                    ));
                    in_item_fresh = true;
                }
                Tag::Emphasis => italic += 1,
                Tag::Strong => bold += 1,
                Tag::Strikethrough => strike += 1,
                Tag::Link { dest_url, .. } => links.push(dest_url.to_string()),
                Tag::TableRow | Tag::TableHead => row.clear(),
                Tag::TableCell => {
                    in_cell = true;
                    row.push(String::new());
                }
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph | TagEnd::Heading(_) => {
                    flush(&mut cur, &mut out);
                }
                TagEnd::CodeBlock => {
                    in_code = false;
                    if let Some(b) = cur.as_mut() {
                        if let Some(last) = b.spans.last_mut() {
                            if last.text.ends_with('\n') {
                                last.text.pop();
                            }
                        }
                    }
                    flush(&mut cur, &mut out);
                }
                TagEnd::BlockQuote(_) => {
                    flush(&mut cur, &mut out);
                    quote_depth = quote_depth.saturating_sub(1);
                }
                TagEnd::List(_) => {
                    flush(&mut cur, &mut out);
                    lists.pop();
                }
                TagEnd::Item => {
                    in_item_fresh = false;
                    flush(&mut cur, &mut out);
                }
                TagEnd::Emphasis => italic = italic.saturating_sub(1),
                TagEnd::Strong => bold = bold.saturating_sub(1),
                TagEnd::Strikethrough => strike = strike.saturating_sub(1),
                TagEnd::Link => {
                    let url = links.pop().unwrap_or_default();
                    if !url.is_empty() {
                        push(format!(" ({url})"), &mut cur, false);
                    }
                }
                TagEnd::TableCell => in_cell = false,
                TagEnd::TableRow | TagEnd::TableHead => {
                    flush(&mut cur, &mut out);
                    let line = row.join(" | ");
                    out.push(Block::new(
                        para_kind(quote_depth, &lists),
                        vec![Span::plain(line)],
                    ));
                    row.clear();
                }
                _ => {}
            },
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => {
                push(t.to_string(), &mut cur, false)
            }
            Event::Code(t) => push(t.to_string(), &mut cur, true),
            Event::InlineMath(t) | Event::DisplayMath(t) => push(t.to_string(), &mut cur, true),
            Event::SoftBreak => push(" ".into(), &mut cur, false),
            Event::HardBreak => push("\n".into(), &mut cur, false),
            Event::Rule => {
                flush(&mut cur, &mut out);
                out.push(Block::new(BlockKind::Rule, vec![]));
            }
            Event::TaskListMarker(done) => {
                if let Some(Block {
                    kind: BlockKind::Item { marker, .. },
                    ..
                }) = cur.as_mut()
                {
                    *marker = if done { "☑" } else { "☐" }.to_string();
                }
            }
            Event::FootnoteReference(r) => push(format!("[{r}]"), &mut cur, false),
        }
    }
    flush(&mut cur, &mut out);
    out
}

/// Text as XML 1.0 can hold it: control characters other than tab and line break become
/// U+FFFD (they cannot be written at all, not even escaped).
pub fn xml_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

const MONO: &str = "Consolas";

fn run_of(span: &Span, text: &str) -> Run {
    let mut run = Run::new().add_text(xml_safe(text));
    if span.bold {
        run = run.bold();
    }
    if span.italic {
        run = run.italic();
    }
    if span.strike {
        run = run.strike();
    }
    if span.code {
        run = run.fonts(RunFonts::new().ascii(MONO).hi_ansi(MONO).cs(MONO));
    }
    run
}

fn paragraph_of(block: &Block) -> Paragraph {
    let mut p = Paragraph::new();
    if let BlockKind::Item { marker, .. } = &block.kind {
        if !marker.is_empty() {
            p = p.add_run(Run::new().add_text(marker.clone()).add_tab());
        }
    }
    for span in &block.spans {
        for (i, line) in span.text.split('\n').enumerate() {
            if i > 0 {
                p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
            }
            if !line.is_empty() {
                p = p.add_run(run_of(span, line));
            }
        }
    }
    match &block.kind {
        BlockKind::Title => p.style("Title"),
        BlockKind::Heading(n) => p.style(&format!("Heading{}", (*n).clamp(1, 6))),
        BlockKind::Paragraph => p,
        BlockKind::Quote(depth) => {
            p.style("Quote")
                .indent(Some(720 * *depth as i32), None, None, None)
        }
        BlockKind::Item { depth, .. } => {
            let left = 360 + 360 * *depth as i32;
            p.indent(
                Some(left),
                Some(docx_rs::SpecialIndentType::Hanging(360)),
                None,
                None,
            )
        }
        BlockKind::Code => p.style("Code"),
        BlockKind::Rule => p
            .add_run(Run::new().add_text("⁂"))
            .align(AlignmentType::Center),
    }
}

fn styles() -> Vec<Style> {
    let mut out = vec![
        Style::new("Title", StyleType::Paragraph)
            .name("Title")
            .size(48)
            .bold(),
        Style::new("Quote", StyleType::Paragraph)
            .name("Quote")
            .italic()
            .color("404040"),
        Style::new("Code", StyleType::Paragraph)
            .name("Code")
            .fonts(RunFonts::new().ascii(MONO).hi_ansi(MONO).cs(MONO))
            .size(20),
    ];
    // Sizes in half-points: 16, 14, 13, 12, 11, 11 pt.
    for (n, size) in [(1, 32), (2, 28), (3, 26), (4, 24), (5, 22), (6, 22)] {
        out.push(
            Style::new(format!("Heading{n}"), StyleType::Paragraph)
                .name(format!("Heading {n}"))
                .size(size)
                .bold()
                .outline_lvl(n - 1),
        );
    }
    out
}

/// The blocks as a DOCX file (its bytes).
pub fn to_docx(blocks: &[Block]) -> Result<Vec<u8>, String> {
    let mut docx = Docx::new();
    for s in styles() {
        docx = docx.add_style(s);
    }
    // US Letter with one-inch margins (sizes in twentieths of a point).
    docx = docx.default_size(22).page_size(12240, 15840).page_margin(
        docx_rs::PageMargin::new()
            .top(1440)
            .bottom(1440)
            .left(1440)
            .right(1440),
    );
    for block in blocks {
        let p = paragraph_of(block);
        docx = docx.add_paragraph(p.line_spacing(LineSpacing::new().after(120)));
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    docx.build()
        .pack(&mut buf)
        .map_err(|e| format!("cannot build the DOCX file: {e}"))?;
    Ok(buf.into_inner())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Read;

    /// `word/document.xml` of a DOCX file.
    pub(crate) fn document_xml(bytes: &[u8]) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut f = zip.by_name("word/document.xml").unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        s
    }

    /// The text of each `w:p` whose style is `style` ("" for unstyled paragraphs).
    pub(crate) fn paragraphs(xml: &str) -> Vec<(String, String)> {
        let doc = roxmltree::Document::parse(xml).expect("document.xml is well-formed");
        let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
        doc.descendants()
            .filter(|n| n.has_tag_name((w, "p")))
            .map(|p| {
                let style = p
                    .descendants()
                    .find(|n| n.has_tag_name((w, "pStyle")))
                    .and_then(|n| n.attribute((w, "val")))
                    .unwrap_or("")
                    .to_string();
                let text: String = p
                    .descendants()
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
                    .collect();
                (style, text)
            })
            .collect()
    }

    #[test]
    fn a_note_reads_as_blocks_with_headings_moved_down() {
        let note = "# Discussion\n\nWe talked about *trust* and **safety**.\n\n- [ ] call La Casa\n- [x] send notes\n\n1. first\n2. second\n\n> A quote\n\n```\nkept  as is\n```\n\n<b>raw</b> & more\n";
        let blocks = markdown_blocks(note, 1);
        let kinds: Vec<(BlockKind, String)> =
            blocks.iter().map(|b| (b.kind.clone(), b.text())).collect();
        assert_eq!(kinds[0], (BlockKind::Heading(2), "Discussion".into()));
        assert_eq!(kinds[1].1, "We talked about trust and safety.".to_string());
        assert!(blocks[1]
            .spans
            .iter()
            .any(|s| s.italic && s.text == "trust"));
        assert!(blocks[1].spans.iter().any(|s| s.bold && s.text == "safety"));
        let item = |m: &str| BlockKind::Item {
            depth: 1,
            marker: m.into(),
        };
        assert_eq!(kinds[2], (item("☐"), "call La Casa".into()));
        assert_eq!(kinds[3], (item("☑"), "send notes".into()));
        assert_eq!(kinds[4], (item("1."), "first".into()));
        assert_eq!(kinds[5], (item("2."), "second".into()));
        assert_eq!(kinds[6], (BlockKind::Quote(1), "A quote".into()));
        assert_eq!(kinds[7], (BlockKind::Code, "kept  as is".into()));
        assert_eq!(kinds[8].1, "<b>raw</b> & more");
    }

    #[test]
    fn docx_is_well_formed_with_styles_and_the_exact_text() {
        let blocks = vec![
            Block::new(
                BlockKind::Title,
                vec![Span::plain("Doña Ana <review> & \"más\"")],
            ),
            Block::new(BlockKind::Heading(2), vec![Span::plain("Trust")]),
            Block::new(
                BlockKind::Paragraph,
                vec![Span::plain("line one\nline two \u{1}")],
            ),
        ];
        let bytes = to_docx(&blocks).unwrap();
        let xml = document_xml(&bytes);
        let paras = paragraphs(&xml);
        assert_eq!(
            paras[0],
            ("Title".into(), "Doña Ana <review> & \"más\"".into())
        );
        assert_eq!(paras[1], ("Heading2".into(), "Trust".into()));
        assert_eq!(paras[2], ("".into(), "line one\nline two \u{FFFD}".into()));
    }
}
