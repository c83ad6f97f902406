//! The codebook screen: the theme hierarchy with passage counts and definitions.

use crate::tui::app::App;
use crate::tui::theme::Palette;
use crate::tui::views::codings::chip;
use crate::tui::views::status;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, pal: &Palette) {
    let [header, body, status_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(2),
    ])
    .areas(area);
    let book = &app.coding.codebook;
    let source = if app.coding.codebook_problem.is_some() {
        "built-in codebook (the store's is invalid)"
    } else {
        "codebook.toml"
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" Ripple ", pal.title()),
            Span::styled(" Codebook ", pal.header()),
            Span::styled(
                format!(" {} themes · {source}", book.themes.len()),
                pal.dim(),
            ),
        ])),
        header,
    );
    let [list, detail] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);
    let hierarchy = book.hierarchy();
    let tree = hierarchy.rows();
    let counts = &app.coding.book.counts;
    let rolled_up = &app.coding.book.rolled_up;
    let h = list.height.saturating_sub(2) as usize;
    let sel = app.coding.book.selected.min(tree.len().saturating_sub(1));
    let offset = (sel + 1).saturating_sub(h.max(1));
    let lines: Vec<Line> = tree
        .iter()
        .enumerate()
        .skip(offset)
        .take(h)
        .map(|(i, row)| {
            let (depth, t) = (row.depth, row.theme);
            let own = counts.get(&t.key).copied().unwrap_or(0);
            // Distinct passages of the theme and its sub-themes, counted by the IO thread: a
            // passage coded with two sub-themes is one passage here, as in analysis.
            let total = rolled_up.get(&t.key).copied().unwrap_or(own).max(own);
            let count = if !app.coding.book.counted {
                "…".to_string()
            } else if total != own {
                format!("{own} ({total})")
            } else {
                own.to_string()
            };
            let line = Line::from(vec![
                Span::raw("  ".repeat(depth)),
                Span::styled(" ", chip(&t.colour, pal)),
                Span::raw(format!(" {} ", t.name)),
                Span::styled(format!("{} ", t.key), pal.dim()),
                Span::styled(format!("{count:>4}"), pal.key()),
            ]);
            if i == sel {
                line.style(pal.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(" Themes · passages (with sub-themes) ")
                .border_style(pal.focus_border()),
        ),
        list,
    );
    let mut info: Vec<Line> = Vec::new();
    if let Some(t) = tree.get(sel).map(|r| r.theme) {
        info.push(Line::from(vec![
            Span::styled(format!(" {} ", t.key), chip(&t.colour, pal)),
            Span::raw(format!(" {} · {}", t.name, t.colour)),
        ]));
        if let Some(p) = &t.parent {
            info.push(Line::from(Span::styled(format!("under {p}"), pal.dim())));
        }
        crate::tui::views::picker::push_theme_details(&mut info, t, pal);
    }
    frame.render_widget(
        Paragraph::new(info).wrap(Wrap { trim: true }).block(
            Block::bordered()
                .title(" Theme ")
                .border_style(pal.border()),
        ),
        detail,
    );
    status::draw(frame, status_area, app, pal);
}
