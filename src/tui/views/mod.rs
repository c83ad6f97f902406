//! Views: pure functions from the app state to a frame. Each screen in its own file; where
//! things go comes from `tui::layout`, which the update function uses too, so mouse clicks
//! land where things are drawn.

pub mod agreement;
pub mod analysis;
pub mod between;
pub mod carry;
pub mod codebook;
pub mod codings;
pub mod evidence;
pub mod exchange;
pub mod form;
pub mod help;
pub mod list;
pub mod messages;
pub mod note;
pub mod picker;
pub mod recovery;
pub mod search;
pub mod settings;
pub mod share;
pub mod status;
pub mod writing;

use crate::tui::app::{App, Overlay, Screen, MIN_SIZE};
use crate::tui::theme::Palette;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// Draw the app as it is (settled by the update step); changes nothing.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let pal = Palette {
        no_color: app.no_color,
        light: app.light,
    };
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let msg = format!(
            "Terminal too small: {}×{}. Ripple needs at least {}×{}. Enlarge the window; nothing is lost.",
            area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
        );
        let mut lines = vec![Line::from(msg)];
        match app.keys_ignored_while_small {
            0 => {}
            1 => lines.push(Line::from("1 key ignored until then.")),
            n => lines.push(Line::from(format!("{n} keys ignored until then."))),
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
        return;
    }
    match app.screen {
        Screen::List => list::draw(frame, area, app, &pal),
        Screen::Note => note::draw(frame, area, app, &pal),
        Screen::Search => search::draw(frame, area, app, &pal),
        Screen::Evidence => evidence::draw(frame, area, app, &pal),
        Screen::Codebook => codebook::draw(frame, area, app, &pal),
        Screen::Agreement => agreement::draw(frame, area, app, &pal),
        Screen::Between => between::draw(frame, area, app, &pal),
        Screen::Analysis => analysis::draw(frame, area, app, &pal),
    }
    if app.screen == Screen::List {
        between::draw_confirm(frame, area, app, &pal);
    }
    picker::draw_overlays(frame, area, app, &pal);
    share::draw(frame, area, app, &pal);
    exchange::draw(frame, area, &app.exchange, &pal);
    if app.screen == Screen::Note {
        if let Some(offer) = &app.carry {
            carry::draw(frame, area, offer, &pal);
        }
    }
    match &app.overlay {
        Some(Overlay::Help(h)) => help::draw(frame, area, h.scroll, &pal),
        Some(Overlay::Conflict) => note::draw_conflict(frame, area, &pal),
        Some(Overlay::Recovery { scroll }) => recovery::draw(frame, area, app, *scroll, &pal),
        Some(Overlay::Messages { scroll }) => messages::draw(frame, area, app, *scroll, &pal),
        Some(Overlay::Settings(form)) => settings::draw(frame, area, form, &pal),
        None => {}
    }
}

/// The non-empty parts joined with " · " (no doubled separators for empty fields).
pub fn join_present(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ")
}

pub use crate::tui::wrap::wrap_words;
