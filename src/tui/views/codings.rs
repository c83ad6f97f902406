//! The codings pane: the open note's codings by position, with theme chip, coder, quote, memo
//! mark and ORPHANED marker; the highlighted coding's memo and the note memo below.

use crate::core::coding::AnchorStatus;
use crate::core::text::one_line;
use crate::tui::app::{App, Pane};
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout::{codings_areas, codings_first_shown, CodingsAreas};
use crate::tui::text_view::{contrast_text, parse_hex_colour};
use crate::tui::theme::Palette;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

/// The chip style of a theme colour.
pub fn chip(colour: &str, pal: &Palette) -> Style {
    match parse_hex_colour(colour) {
        Some(rgb) if !pal.no_color => Style::new()
            .bg(Color::Rgb(rgb.0, rgb.1, rgb.2))
            .fg(contrast_text(rgb)),
        _ => pal.key(),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, pal: &Palette) {
    let Some(n) = &app.note else { return };
    let focused = n.focus == Pane::Codings;
    let rows = app.coding.rows(&n.doc);
    let block = Block::bordered()
        .title(format!(
            " Codings ({}) · {} ",
            rows.len(),
            app.coding.filter_label()
        ))
        .border_style(if focused {
            pal.focus_border()
        } else {
            pal.border()
        });
    frame.render_widget(block, area);
    let CodingsAreas {
        list: list_area,
        detail: detail_area,
    } = codings_areas(area);
    let sel = n.coding.selected.min(rows.len().saturating_sub(1));
    let offset = codings_first_shown(list_area, sel);
    let width = list_area.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    if rows.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(
                "No codings yet: select words, {}",
                keymap::key(Context::Editor, Action::ThemePicker)
            ),
            pal.ghost(),
        )));
    }
    for (r, &i) in rows.iter().enumerate().skip(offset) {
        let c = &n.doc.codings()[i];
        let colour = app
            .coding
            .codebook
            .get(&c.theme)
            .map(|t| t.colour.clone())
            .unwrap_or_default();
        let mut head = vec![
            Span::styled(format!(" {} ", c.theme), chip(&colour, pal)),
            Span::styled(format!(" {}", c.coder), pal.dim()),
        ];
        if !c.memo.is_empty() {
            head.push(Span::styled(" ✎", pal.key()));
        }
        if c.status == AnchorStatus::Orphaned {
            head.push(Span::styled(" ORPHANED", pal.error()));
        }
        let mut quote = Line::from(Span::raw(format!(
            "  “{}”",
            one_line(&c.quote, width.saturating_sub(4))
        )));
        let mut head = Line::from(head);
        if focused && r == sel {
            head = head.style(pal.selected());
            quote = quote.style(pal.selected());
        }
        lines.push(head);
        lines.push(quote);
    }
    frame.render_widget(Paragraph::new(lines), list_area);

    let mut detail: Vec<Line> = Vec::new();
    if let Some(&i) = rows.get(sel) {
        let c = &n.doc.codings()[i];
        let name = app
            .coding
            .codebook
            .get(&c.theme)
            .map_or("(not in the codebook)".to_string(), |t| t.name.clone());
        detail.push(Line::from(vec![
            Span::styled("Theme ", pal.dim()),
            Span::raw(name),
        ]));
        detail.push(Line::from(vec![
            Span::styled("Memo ", pal.dim()),
            Span::raw(if c.memo.is_empty() {
                "—".to_string()
            } else {
                c.memo.clone()
            }),
        ]));
    }
    let memo = n.doc.note_memo(&app.coding.coder);
    detail.push(Line::from(vec![
        Span::styled("Note memo ", pal.dim()),
        Span::raw(if memo.is_empty() { "— (M)" } else { memo }),
    ]));
    frame.render_widget(
        Paragraph::new(detail).wrap(Wrap { trim: true }).block(
            Block::new()
                .borders(ratatui::widgets::Borders::TOP)
                .border_style(pal.border()),
        ),
        detail_area,
    );
}
