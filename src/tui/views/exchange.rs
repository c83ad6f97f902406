//! The REFI-QDA import and export dialog, over the session list.

use crate::tui::component::StatusKind;
use crate::tui::exchange::{ExchangeDialog, Field, Phase};
use crate::tui::keymap::{self, Action as A, Context, Hint};
use crate::tui::layout::{self, centered};
use crate::tui::line_input::LineInput;
use crate::tui::theme::Palette;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// The key hints of the dialog, for the status line.
pub fn hints(d: &ExchangeDialog) -> String {
    let Some(ctx) = d.context() else {
        return String::new();
    };
    let items: &[Hint] = match ctx {
        Context::ExchangeExport => &[
            Hint::Key(A::Confirm),
            Hint::Key(A::NextField),
            Hint::Key(A::ExchangeKind),
            Hint::Key(A::ToggleDeidentify),
            Hint::Said(A::Back, "cancel"),
        ],
        Context::ExchangeImport => &[Hint::Key(A::Confirm), Hint::Said(A::Back, "cancel")],
        Context::ExchangePlan => return keymap::EXCHANGE_PLAN_HINTS.line(),
        _ if d.working() => &[Hint::Text("working…")],
        _ => return keymap::EXCHANGE_DONE_HINTS.line(),
    };
    keymap::hints(ctx, items)
}

fn field<'a>(label: &'a str, input: &LineInput, focused: bool, pal: &Palette) -> Line<'a> {
    let mut spans = vec![Span::styled(format!("{label:<8}"), pal.key())];
    spans.extend(input.spans(ratatui::style::Style::new(), pal.selected(), focused));
    Line::from(spans)
}

/// A long text (the plan when `plan`, else the result) in a box as tall as it needs, scrolled
/// from `scroll`, with the hints under it and, when it does not fit, which rows show on the
/// bottom border.
fn draw_long(
    frame: &mut Frame,
    area: Rect,
    plan: bool,
    (title, text, scroll, style): (&str, &str, u16, Style),
    pal: &Palette,
) {
    let size = (area.width, area.height);
    let rows = layout::exchange_rows(text, size);
    let page = layout::exchange_page(plan, size) as usize;
    let from = (scroll as usize).min(layout::exchange_max_scroll(plan, rows.len(), size) as usize);
    let shown = &rows[from..rows.len().min(from + page)];
    let mut lines: Vec<Line> = shown
        .iter()
        .map(|r| Line::styled(r.clone(), style))
        .collect();
    lines.push(Line::raw(""));
    for row in layout::exchange_hint_rows(plan, size) {
        lines.push(Line::styled(row, pal.dim()));
    }
    let h = lines.len() as u16 + 2;
    let r = centered(area, layout::exchange_width(area), h);
    frame.render_widget(Clear, r);
    let mut block = Block::bordered()
        .title(title)
        .border_style(pal.focus_border());
    if rows.len() > page {
        let at = format!(
            " rows {}–{} of {} ",
            from + 1,
            from + shown.len(),
            rows.len()
        );
        block = block.title_bottom(Line::styled(at, pal.dim()).right_aligned());
    }
    frame.render_widget(Paragraph::new(lines).block(block), r);
}

pub fn draw(frame: &mut Frame, area: Rect, d: &ExchangeDialog, pal: &Palette) {
    let Some(phase) = &d.phase else { return };
    match phase {
        Phase::Plan { text, scroll, .. } => {
            let title = " Import plan: nothing is written until you say yes ";
            let long = (title, text.as_str(), *scroll, Style::new());
            return draw_long(frame, area, true, long, pal);
        }
        Phase::Done { ok, text, scroll } => {
            let style = if *ok { pal.ok() } else { pal.error() };
            return draw_long(frame, area, false, (" Done ", text, *scroll, style), pal);
        }
        _ => {}
    }
    let wide = layout::exchange_width(area);
    let (title, mut lines): (&str, Vec<Line>) = match phase {
        Phase::Export => {
            let Some(f) = &d.export else { return };
            let mut lines = vec![
                Line::from(vec![
                    Span::styled(format!("{:<8}", "What"), pal.key()),
                    Span::raw(f.kind.name()),
                    Span::styled(
                        format!(
                            "   {}",
                            keymap::hints(Context::ExchangeExport, &[Hint::Key(A::ExchangeKind)])
                        ),
                        pal.dim(),
                    ),
                ]),
                field("File", &f.file, f.focus == Field::File, pal),
            ];
            if f.kind == crate::tui::exchange::job::ExportKind::Project {
                let mut q = field("Query", &f.query, f.focus == Field::Query, pal);
                if f.query.is_empty() && f.focus != Field::Query {
                    q.spans
                        .push(Span::styled("(empty: every session)", pal.dim()));
                }
                lines.push(q);
            }
            lines.push(Line::from(vec![
                Span::styled(format!("{:<8}", "Names"), pal.key()),
                Span::raw(if f.deidentify {
                    "de-identified (no names; ripple.toml's deidentify terms redacted)"
                } else {
                    "kept"
                }),
                Span::styled(
                    format!(
                        "   {}",
                        keymap::hints(Context::ExchangeExport, &[Hint::Key(A::ToggleDeidentify)])
                    ),
                    pal.dim(),
                ),
            ]));
            if let Some(coder) = d
                .only_coder
                .as_ref()
                .filter(|_| f.kind == crate::tui::exchange::job::ExportKind::Project)
            {
                lines.push(Line::from(vec![
                    Span::styled(format!("{:<8}", "Codings"), pal.key()),
                    Span::raw(format!("only yours ({coder}): you are coding blind")),
                ]));
            }
            (" Export (REFI-QDA) ", lines)
        }
        Phase::Import => (
            " Import (REFI-QDA) ",
            vec![
                field("File", &d.import_file, true, pal),
                Line::styled(
                    "A project (.qdpx, .qde) or a codebook (.qdc) from NVivo, ATLAS.ti, MAXQDA, QualCoder…",
                    pal.dim(),
                ),
            ],
        ),
        Phase::Working { what, .. } => {
            let mut lines = vec![Line::raw(format!("{what}…"))];
            if let Some(p) = d.progress_line() {
                lines.push(Line::styled(p, pal.dim()));
            }
            (" Working ", lines)
        }
        Phase::Plan { .. } | Phase::Done { .. } => return,
    };
    if let Some((kind, text)) = &d.message {
        let style = match kind {
            StatusKind::Error => pal.error(),
            StatusKind::Ok => pal.ok(),
            StatusKind::Info => ratatui::style::Style::new(),
        };
        lines.push(Line::raw(""));
        lines.push(Line::styled(text.clone(), style));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(hints(d), pal.dim()));
    let inner_w = wide.saturating_sub(2).max(1) as usize;
    // Wrapped lines, roughly, to size the box.
    let rows: usize = lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner_w))
        .sum();
    let h = (rows as u16 + 2).min(area.height.saturating_sub(2));
    let r = centered(area, wide, h);
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(title)
        .border_style(pal.focus_border());
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        r,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::component::Harness;
    use crate::tui::exchange::job::Answer;
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    fn screen(d: &ExchangeDialog, size: (u16, u16)) -> String {
        let mut term = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
        let pal = Palette::new(true);
        term.draw(|f| draw(f, f.area(), d, &pal)).unwrap();
        let buf = term.backend().buffer().clone();
        (0..size.1)
            .map(|y| {
                let row: String = (0..size.0).map(|x| buf[(x, y)].symbol()).collect();
                row.trim_end().to_string() + "\n"
            })
            .collect()
    }

    /// What an import did, longer than a screen: themes first, then the codings.
    fn long_result() -> String {
        let mut text =
            "Imported 2 session(s), 205 coding(s) and 40 new theme(s)\nThemes:\n".to_string();
        for i in 0..40 {
            text.push_str(&format!("  + theme {i:02} → key `t{i:02}`\n"));
        }
        text.push_str("Codings: 205, the last line of the result");
        text
    }

    #[test]
    fn a_long_result_scrolls_to_its_end_and_says_how() {
        let size = (100, 30);
        let mut d = ExchangeDialog::default();
        let mut h = Harness::default();
        d.on_io(Answer::Imported(Ok(long_result())), &mut h.ctx_sized(size));
        let first = screen(&d, size);
        assert!(first.contains("theme 00"), "{first}");
        assert!(!first.contains("the last line"), "{first}");
        assert!(first.contains("↑/↓ scroll"), "{first}");
        assert!(first.contains("PgUp/PgDn page"), "{first}");
        assert!(first.contains("Home/End start/end"), "{first}");
        assert!(first.contains("rows 1–24 of 43"), "{first}");
        d.handle(A::Down, &mut h.ctx_sized(size));
        assert!(screen(&d, size).contains("rows 2–25 of 43"));
        d.handle(A::Last, &mut h.ctx_sized(size));
        let end = screen(&d, size);
        assert!(
            end.contains("Codings: 205, the last line of the result"),
            "{end}"
        );
        assert!(end.contains("rows 20–43 of 43"), "{end}");
        // No scrolling past the end: the last page stays whole.
        d.handle(A::PageDown, &mut h.ctx_sized(size));
        assert_eq!(screen(&d, size), end);
        d.handle(A::First, &mut h.ctx_sized(size));
        assert_eq!(screen(&d, size), first);
    }

    #[test]
    fn a_long_plan_line_wraps_under_its_item_and_nothing_is_cut() {
        let size = (60, 20);
        let long = "  - a theme whose name is far longer than the dialog is wide: kept whole";
        let mut d = ExchangeDialog::default();
        d.phase = Some(Phase::Plan {
            file: "/tmp/p.qdpx".into(),
            text: format!("Import plan\n{long}\nThe end"),
            scroll: 0,
        });
        let s = screen(&d, size);
        assert!(
            s.contains("│  - a theme whose name is far longer than the dialog  │"),
            "{s}"
        );
        assert!(s.contains("│    is wide: kept whole"), "{s}");
        assert!(s.contains("The end"), "{s}");
        // The hints wrap rather than being cut.
        assert!(s.contains("y import"), "{s}");
        assert!(s.contains("Home/End start/end"), "{s}");
    }
}
