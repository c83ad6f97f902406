//! The REFI-QDA import and export dialog, over the session list.

use crate::tui::component::StatusKind;
use crate::tui::exchange::{ExchangeDialog, Field, Phase};
use crate::tui::keymap::{self, Action as A, Context, Hint};
use crate::tui::layout::centered;
use crate::tui::line_input::LineInput;
use crate::tui::theme::Palette;
use ratatui::layout::Rect;
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
        Context::ExchangePlan => &[
            Hint::Key(A::Confirm),
            Hint::Key(A::Back),
            Hint::Pair(A::Up, A::Down, "scroll"),
        ],
        _ if d.working() => &[Hint::Text("working…")],
        _ => &[Hint::Key(A::Confirm)],
    };
    keymap::hints(ctx, items)
}

fn field<'a>(label: &'a str, input: &LineInput, focused: bool, pal: &Palette) -> Line<'a> {
    let mut spans = vec![Span::styled(format!("{label:<8}"), pal.key())];
    spans.extend(input.spans(ratatui::style::Style::new(), pal.selected(), focused));
    Line::from(spans)
}

pub fn draw(frame: &mut Frame, area: Rect, d: &ExchangeDialog, pal: &Palette) {
    let Some(phase) = &d.phase else { return };
    let wide = area.width.saturating_sub(4).min(110);
    let (title, mut lines, tall): (&str, Vec<Line>, bool) = match phase {
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
            (" Export (REFI-QDA) ", lines, false)
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
            false,
        ),
        Phase::Working { what, .. } => {
            let mut lines = vec![Line::raw(format!("{what}…"))];
            if let Some(p) = d.progress_line() {
                lines.push(Line::styled(p, pal.dim()));
            }
            (" Working ", lines, false)
        }
        Phase::Plan { text, scroll, .. } => {
            let lines: Vec<Line> = text
                .lines()
                .skip(*scroll as usize)
                .map(|l| Line::raw(l.to_string()))
                .collect();
            (" Import plan: nothing is written until you say yes ", lines, true)
        }
        Phase::Done { ok, text } => {
            let style = if *ok { pal.ok() } else { pal.error() };
            let lines = text
                .lines()
                .map(|l| Line::styled(l.to_string(), style))
                .collect();
            (" Done ", lines, false)
        }
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
    let h = if tall {
        area.height.saturating_sub(2)
    } else {
        (rows as u16 + 2).min(area.height.saturating_sub(2))
    };
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
