//! Overlays for coding: the theme picker (fuzzy list with the theme tree and a panel with the
//! highlighted theme's definition) and one-line prompts.

use crate::tui::app::App;
use crate::tui::layout::centered;
use crate::tui::theme::Palette;
use crate::tui::views::codings::chip;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw_overlays(frame: &mut Frame, area: Rect, app: &App, pal: &Palette) {
    if app.coding.picker.is_some() {
        draw_picker(frame, area, app, pal);
    }
    if app.coding.prompt.is_some() {
        draw_prompt(frame, area, app, pal);
    }
}

use crate::tui::line_input::LineInput;

fn draw_picker(frame: &mut Frame, area: Rect, app: &App, pal: &Palette) {
    let Some(p) = &app.coding.picker else { return };
    let r = centered(area, 100, area.height.saturating_sub(4).max(8));
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(format!(" {} ", p.title))
        .border_style(pal.focus_border());
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let wide = inner.width >= 60;
    let [left, right] = if wide {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(inner)
    } else {
        [inner, Rect::new(inner.x, inner.y, 0, 0)]
    };
    let [query_area, list_area] =
        Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(left);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(vec![
                Span::styled("Theme: ", pal.key()),
                // The end of a long filter, beside its caret mark.
                Span::raw(
                    LineInput::new(p.query.clone())
                        .view((query_area.width as usize).saturating_sub(8))
                        .0,
                ),
                Span::styled("▏", pal.key()),
            ]),
            Line::from(Span::styled(
                format!("{} of {}", p.shown.len(), p.items.len()),
                pal.dim(),
            )),
        ]),
        query_area,
    );
    let h = list_area.height as usize;
    let offset = (p.selected + 1).saturating_sub(h.max(1));
    let filtering = !p.query.trim().is_empty();
    let lines: Vec<Line> = p
        .shown
        .iter()
        .enumerate()
        .skip(offset)
        .take(h)
        .map(|(row, &i)| {
            let it = &p.items[i];
            let theme = it.key.as_deref().and_then(|k| app.coding.codebook.get(k));
            let indent = if filtering {
                String::new()
            } else {
                "  ".repeat(it.depth)
            };
            let label = if filtering {
                it.path.clone()
            } else {
                theme.map_or(it.path.clone(), |t| t.name.clone())
            };
            let mut spans = vec![Span::raw(indent)];
            if let Some(t) = theme {
                spans.push(Span::styled(" ", chip(&t.colour, pal)));
                spans.push(Span::raw(" "));
            }
            spans.push(Span::raw(label));
            if let Some(k) = &it.key {
                spans.push(Span::styled(format!("  {k}"), pal.dim()));
            }
            let line = Line::from(spans);
            if row == p.selected {
                line.style(pal.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list_area);

    if right.width > 0 {
        let mut info: Vec<Line> = Vec::new();
        if let Some(t) = p
            .highlighted()
            .and_then(|it| it.key.as_deref())
            .and_then(|k| app.coding.codebook.get(k))
        {
            info.push(Line::from(Span::styled(
                p.highlighted().map(|i| i.path.clone()).unwrap_or_default(),
                pal.title(),
            )));
            push_theme_details(&mut info, t, pal);
        }
        frame.render_widget(
            Paragraph::new(info).wrap(Wrap { trim: true }).block(
                Block::new()
                    .borders(ratatui::widgets::Borders::LEFT)
                    .border_style(pal.border()),
            ),
            right,
        );
    }
}

fn draw_prompt(frame: &mut Frame, area: Rect, app: &App, pal: &Palette) {
    let Some(p) = &app.coding.prompt else { return };
    let r = centered(area, 76, 4);
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(format!(" {} ", p.title))
        .border_style(pal.focus_border());
    let inner = block.inner(r);
    frame.render_widget(block, r);
    // Scrolled sideways with the cursor when longer than the box.
    let (shown, _) = p.input.view(inner.width as usize);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(Span::raw(shown)),
            Line::from(Span::styled(
                crate::tui::keymap::PROMPT_HINTS.line(),
                pal.dim(),
            )),
        ]),
        inner,
    );
    if let Some(pos) = p.input.caret_position(inner, 0) {
        frame.set_cursor_position(pos);
    }
}

/// A theme's definition, when to use it, when not to, and its example, each under a heading
/// (empty parts left out): the picker's side panel and the codebook screen show the same.
pub fn push_theme_details(
    info: &mut Vec<Line<'static>>,
    t: &crate::core::codebook::Theme,
    pal: &Palette,
) {
    for (label, text) in [
        ("Definition", &t.definition),
        ("Use when", &t.use_when),
        ("Not when", &t.not_when),
        ("Example", &t.example),
    ] {
        if !text.is_empty() {
            info.push(Line::from(""));
            info.push(Line::from(Span::styled(label, pal.key())));
            info.push(Line::from(text.clone()));
        }
    }
}
