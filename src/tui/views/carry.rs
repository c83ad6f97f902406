//! The carry-over offer over the note: the open follow-ups of the last session with the
//! note's agencies, each with its box (ticked ones are carried over), and the keys.

use crate::tui::carry::CarryOffer;
use crate::tui::keymap;
use crate::tui::layout::centered;
use crate::tui::theme::Palette;
use crate::tui::views::wrap_words;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, offer: &CarryOffer, pal: &Palette) {
    let width = area.width.saturating_sub(4).min(76);
    let inner_width = width.saturating_sub(2) as usize;
    let from = &offer.from;
    let title = if from.title.is_empty() {
        "untitled"
    } else {
        from.title.as_str()
    };
    let intro = wrap_words(
        &format!(
            "Open in {} “{title}”, the last session with {}. Ticked ones are added at the end of \
             this note:",
            from.date,
            from.agencies.join(", ")
        ),
        inner_width.max(1),
    );
    // Intro, the items, a blank line and the keys, inside the border; the items scroll.
    let room = area
        .height
        .saturating_sub(2 + intro.len() as u16 + 2 + 2)
        .max(1) as usize;
    let shown = offer.items.len().min(room);
    let height = (intro.len() + shown + 2 + 2) as u16;
    let r = centered(area, width, height);
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(" Carry over open follow-ups? ")
        .border_style(pal.focus_border());
    let inner = block.inner(r);
    frame.render_widget(block, r);

    let mut lines: Vec<Line> = intro
        .into_iter()
        .map(|l| Line::from(Span::styled(l, pal.dim())))
        .collect();
    let first = (offer.selected + 1).saturating_sub(shown);
    for (i, item) in offer.items.iter().enumerate().skip(first).take(shown) {
        let mark = if offer.ticked[i] { "[x]" } else { "[ ]" };
        let line = Line::from(format!(" {mark} {}", item.text));
        lines.push(if i == offer.selected {
            line.style(pal.selected())
        } else {
            line
        });
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        keymap::CARRY_OVER_HINTS.line(),
        pal.dim(),
    )));
    frame.render_widget(Paragraph::new(lines), inner);
}
