//! The note screen's writing aids: the find bar (over the two status lines) and the spelling
//! suggestions menu.

use crate::tui::app::{App, StatusKind};
use crate::tui::keymap;
use crate::tui::layout::{centered, NoteAreas};
use crate::tui::note::find::FindField;
use crate::tui::theme::Palette;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, List, ListItem, ListState, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

pub fn draw(frame: &mut Frame, a: NoteAreas, app: &App, pal: &Palette) {
    let Some(n) = &app.note else { return };
    if let Some(f) = &n.find {
        let area = a.status;
        frame.render_widget(Clear, area);
        let version = n.doc.editor().version();
        let count = if f.query.is_empty() {
            String::new()
        } else if f.hits(version).is_empty() {
            " no match ".to_string()
        } else {
            match f.current {
                Some(i) => format!(" {} of {} ", i + 1, f.matches.len()),
                None => format!(" {} matches ", f.matches.len()),
            }
        };
        let label =
            |t: &'static str, on: bool| Span::styled(t, if on { pal.key() } else { pal.dim() });
        let find_on = f.field == FindField::Find;
        let mut spans = vec![label(" Find: ", find_on)];
        let find_x = area.x + " Find: ".width() as u16;
        spans.push(Span::raw(f.query.text().to_string()));
        spans.push(Span::styled(count.clone(), pal.warn()));
        let replace_label = "  Replace with: ";
        spans.push(label(replace_label, !find_on));
        let replace_x =
            find_x + (f.query.text().width() + count.width() + replace_label.width()) as u16;
        spans.push(Span::raw(f.replacement.text().to_string()));
        if let Some(st) = &app.status {
            let style = match st.kind {
                StatusKind::Error => pal.error(),
                StatusKind::Ok => pal.ok(),
                StatusKind::Info => pal.dim(),
            };
            spans.push(Span::styled(format!("  {}", st.text), style));
        }
        let lines = vec![
            Line::from(spans),
            Line::from(Span::styled(
                format!(" {}", keymap::FIND_HINTS.line()),
                pal.dim(),
            )),
        ];
        frame.render_widget(Paragraph::new(lines), area);
        let (input, x) = match f.field {
            FindField::Find => (&f.query, find_x),
            FindField::Replace => (&f.replacement, replace_x),
        };
        let cx = x as usize + input.width_to(input.cursor());
        if cx < area.right() as usize {
            frame.set_cursor_position(Position::new(cx as u16, area.y));
        }
    }
    if let Some(m) = &app.spell.menu {
        let mut items: Vec<ListItem> = m
            .suggestions
            .iter()
            .map(|s| ListItem::new(format!(" {s}")))
            .collect();
        if m.suggestions.is_empty() {
            items.push(ListItem::new(Span::styled(" (no suggestions)", pal.dim())));
        }
        let add = format!(" + add “{}” to the word list", m.word);
        items.push(ListItem::new(add.clone()));
        let rows = items.len() as u16;
        let hints = format!(" {} ", keymap::SPELLING_HINTS.line());
        let widest = m
            .suggestions
            .iter()
            .map(|s| s.width() + 2)
            .chain([add.width() + 1, hints.width(), 30])
            .max()
            .unwrap_or(30) as u16;
        let body = Rect::new(
            a.editor.x,
            a.editor.y,
            a.editor.width.max(a.header.width),
            a.editor.height,
        );
        let r = centered(body, widest + 2, rows + 2);
        frame.render_widget(Clear, r);
        let block = Block::bordered()
            .title(format!(" “{}” ", m.word))
            .title_bottom(hints)
            .border_style(pal.focus_border());
        let mut state = ListState::default();
        // The "no suggestions" row is not a choice: the add row follows it.
        let shown = if m.suggestions.is_empty() {
            m.selected + 1
        } else {
            m.selected
        };
        state.select(Some(shown));
        frame.render_stateful_widget(
            List::new(items)
                .block(block)
                .highlight_style(pal.selected()),
            r,
            &mut state,
        );
    }
}
