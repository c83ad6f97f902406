//! The share dialog: the session, the format, the file name (scrolled to keep the caret in
//! view) and whether the file is de-identified, each with the key that changes it.

use crate::core::share::ShareFormat;
use crate::tui::app::App;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout::centered;
use crate::tui::theme::Palette;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, pal: &Palette) {
    let Some(d) = &app.share else { return };
    let r = centered(area, 72, 8);
    frame.render_widget(Clear, r);
    let title = if d.title.trim().is_empty() {
        " Share this session ".to_string()
    } else {
        format!(" Share “{}” ", d.title.trim())
    };
    let block = Block::bordered()
        .title(title)
        .border_style(pal.focus_border());
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let key = |a: Action| keymap::key(Context::Share, a);

    let mut formats = vec![Span::styled("Format:      ", pal.key())];
    for f in ShareFormat::ALL {
        let style = if f == d.format {
            pal.selected()
        } else {
            pal.dim()
        };
        formats.push(Span::styled(format!(" {} ", f.name()), style));
        formats.push(Span::raw(" "));
    }
    formats.push(Span::styled(
        format!("({})", key(Action::ShareFormat)),
        pal.dim(),
    ));

    let label = "File:        ";
    let field = inner.width.saturating_sub(label.len() as u16 + 1) as usize;
    let caret_at = d.path.width_to(d.path.cursor());
    let skip = (caret_at + 1).saturating_sub(field.max(1));
    let mut path_spans = vec![Span::styled(label, pal.key())];
    let focused = d.replace.is_none();
    let text_spans = d
        .path
        .spans(ratatui::style::Style::new(), pal.selected(), focused);
    // Drop the columns scrolled past on the left.
    let mut to_skip = skip;
    for s in text_spans {
        if to_skip == 0 {
            path_spans.push(s);
            continue;
        }
        let mut kept = String::new();
        for c in s.content.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if to_skip >= w && to_skip > 0 {
                to_skip -= w;
            } else {
                to_skip = 0;
                kept.push(c);
            }
        }
        if !kept.is_empty() {
            path_spans.push(Span::styled(kept, s.style));
        }
    }

    let deid = vec![
        Span::styled("De-identify: ", pal.key()),
        Span::raw(if d.deidentify {
            "yes: no facilitator or ids; ripple.toml's terms redacted "
        } else {
            "no "
        }),
        Span::styled(format!("({})", key(Action::ToggleDeidentify)), pal.dim()),
    ];
    let last = match &d.replace {
        Some(file) => Line::from(vec![
            Span::styled(format!("{} exists. ", file.display()), pal.warn()),
            Span::raw(keymap::SHARE_REPLACE_HINTS.line()),
        ]),
        None => Line::from(Span::styled(keymap::SHARE_HINTS.line(), pal.dim())),
    };
    let lines = vec![
        Line::from(formats),
        Line::from(path_spans),
        Line::from(deid),
        Line::from(Span::styled(
            ".md Markdown · .html a web page · .docx Word; never inside the store",
            pal.dim(),
        )),
        Line::from(""),
        last,
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}
