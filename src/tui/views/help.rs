//! The help overlay: every key binding, generated from the keymap.

use crate::tui::keymap;
use crate::tui::layout::{help_box, help_rows, HelpRow, HELP_KEYS_WIDTH};
use crate::tui::theme::Palette;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

pub fn lines(pal: &Palette, size: (u16, u16)) -> Vec<Line<'static>> {
    help_rows(size)
        .into_iter()
        .map(|row| match row {
            HelpRow::Title(title) => Line::from(Span::styled(title, pal.title())),
            HelpRow::Keys(keys) => Line::from(Span::styled(format!("  {keys}"), pal.key())),
            HelpRow::Entry(keys, what) => Line::from(vec![
                Span::styled(format!("  {keys:<HELP_KEYS_WIDTH$}"), pal.key()),
                Span::raw(what),
            ]),
            HelpRow::Blank => Line::from(""),
        })
        .collect()
}

pub fn draw(frame: &mut Frame, area: Rect, scroll: u16, pal: &Palette) {
    let r = help_box(area);
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(format!(" Keys — {} ", keymap::HELP_HINTS.line()))
        .border_style(pal.focus_border());
    let all = lines(pal, (area.width, area.height));
    let max = (all.len() as u16).saturating_sub(r.height.saturating_sub(2));
    frame.render_widget(
        Paragraph::new(all)
            .block(block)
            .scroll((scroll.min(max), 0)),
        r,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_counts_the_lines_the_help_draws() {
        for size in [(80, 24), (100, 30), (200, 50)] {
            assert_eq!(
                crate::tui::layout::help_line_count(size),
                lines(&Palette::new(true), size).len()
            );
        }
    }
}

#[cfg(test)]
mod wrapping {
    use super::*;
    use crate::tui::component::Harness;
    use crate::tui::help::HelpOverlay;
    use crate::tui::keymap::{Action, BINDINGS};
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    /// The help drawn at `size` from `scroll`: the rows of the screen.
    fn rows(size: (u16, u16), scroll: u16) -> Vec<String> {
        let mut term = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
        let pal = Palette::new(true);
        term.draw(|f| draw(f, f.area(), scroll, &pal)).unwrap();
        let buf = term.backend().buffer().clone();
        (0..size.1)
            .map(|y| (0..size.0).map(|x| buf[(x, y)].symbol()).collect())
            .collect()
    }

    #[test]
    fn at_100_columns_every_description_is_whole_on_continuation_rows() {
        // Tall enough for all of it at once.
        let size = (
            100,
            crate::tui::layout::help_line_count((100, 30)) as u16 + 4,
        );
        let rows = rows(size, 0);
        let r = help_box(Rect::new(0, 0, size.0, size.1));
        let desc_from = (r.x + 1) as usize + HELP_KEYS_WIDTH + 2;
        let desc_to = (r.x + r.width - 1) as usize;
        // The description column, row after row.
        let column: Vec<String> = rows
            .iter()
            .map(|row| {
                let cells: Vec<char> = row.chars().collect();
                cells[desc_from.min(cells.len())..desc_to.min(cells.len())]
                    .iter()
                    .collect::<String>()
                    .trim()
                    .to_string()
            })
            .collect();
        let joined = column.join(" ");
        for b in BINDINGS {
            assert!(joined.contains(b.help), "cut: {}", b.help);
        }
        // The long one the help cut before, under the description column.
        let at = rows
            .iter()
            .position(|r| r.contains("back / close (in a note: the first Esc"))
            .expect("the Esc row");
        let before_column: String = rows[at + 1].chars().take(desc_from).collect();
        assert!(
            before_column.chars().all(|c| c == ' ' || c == '│'),
            "{}",
            rows[at + 1]
        );
        assert!(column[at + 1].contains("selection"), "{}", rows[at + 1]);
    }

    #[test]
    fn scrolled_to_the_end_at_100_columns_the_last_row_shows() {
        let size = (100, 30);
        let mut h = Harness::default();
        let mut help = HelpOverlay::default();
        help.handle(Action::Last, &mut h.ctx_sized(size));
        let shown = rows(size, help.scroll);
        let r = help_box(Rect::new(0, 0, size.0, size.1));
        // The last binding's row is on the box's last inner row but one (a blank row ends it).
        let last = BINDINGS.last().unwrap().help;
        assert!(
            shown[(r.y + r.height - 3) as usize].contains(last),
            "{}",
            shown.join("\n")
        );
        // One more row down changes nothing.
        help.handle(Action::Down, &mut h.ctx_sized(size));
        assert_eq!(rows(size, help.scroll), shown);
    }
}
