//! The question asked when a note opens with kept text (a draft, or a save cut short) that was
//! not made from the file as it is now: both versions' difference, and the choices.

use crate::core::store::{DiffLine, RecoverySource};
use crate::tui::app::App;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout::recovery_areas;
use crate::tui::theme::Palette;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, scroll: u16, pal: &Palette) {
    let Some((r, _)) = app.note.as_ref().and_then(|n| n.recovery.as_deref()) else {
        return;
    };
    let areas = recovery_areas(area);
    let box_area = areas.outer;
    frame.render_widget(Clear, box_area);
    let block = Block::bordered()
        .title(" Kept text differs from the file ")
        .border_style(pal.warn());
    frame.render_widget(block, box_area);
    let (about, diff_area, keys) = (areas.about, areas.diff, areas.keys);

    let when: chrono::DateTime<chrono::Local> = r.written.into();
    let when = when.format("%Y-%m-%d %H:%M");
    let what = match r.source {
        RecoverySource::Draft => format!("A recovery draft written {when}"),
        RecoverySource::InterruptedSave => {
            format!("A save cut short at {when} (it may be incomplete)")
        }
    };
    let why = match r.merged {
        Some(_) => "was made from an earlier version of the file, which has changed since.",
        None => "was not made from the file as it is now (which version it came from is unknown).",
    };
    let about_text = vec![
        Line::from(format!("{what} {why} Nothing has been overwritten.")),
        Line::from(vec![
            Span::styled("- ", pal.error()),
            Span::raw("only in the file    "),
            Span::styled("+ ", pal.ok()),
            Span::raw("only in the kept text"),
        ]),
    ];
    frame.render_widget(Paragraph::new(about_text).wrap(Wrap { trim: false }), about);

    let lines: Vec<Line> = r
        .diff
        .iter()
        .map(|d| match d {
            DiffLine::Both(t) => Line::from(vec![Span::styled("  ", pal.dim()), Span::raw(t)]),
            DiffLine::FileOnly(t) => Line::from(vec![
                Span::styled("- ", pal.error()),
                Span::styled(t.as_str(), pal.error()),
            ]),
            DiffLine::RecoveredOnly(t) => Line::from(vec![
                Span::styled("+ ", pal.ok()),
                Span::styled(t.as_str(), pal.ok()),
            ]),
            DiffLine::Gap => Line::from(Span::styled("  ⋯", pal.dim())),
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(Block::bordered().border_style(pal.border())),
        diff_area,
    );

    let ctx = Context::Recovery;
    let mut choices = Vec::new();
    for a in [
        Action::KeepFile,
        Action::TakeDraft,
        Action::Merge,
        Action::Back,
    ] {
        if a == Action::Merge && r.merged.is_none() {
            continue;
        }
        choices.push(Span::styled(
            format!(" {} ", keymap::key(ctx, a)),
            pal.key(),
        ));
        choices.push(Span::raw(format!("{}  ", keymap::help_of(ctx, a))));
    }
    let scroll_keys: Vec<String> = [Action::Up, Action::Down, Action::PageUp, Action::PageDown]
        .into_iter()
        .map(|a| keymap::key(ctx, a))
        .collect();
    choices.push(Span::styled(
        format!(" {} ", scroll_keys.join(" ")),
        pal.key(),
    ));
    choices.push(Span::raw("scroll"));
    frame.render_widget(
        Paragraph::new(Line::from(choices)).wrap(Wrap { trim: true }),
        keys,
    );
}
