//! Views: pure functions from the app state to a frame. Each screen in its own file; layout
//! helpers here are shared with the update function so mouse clicks land where things are drawn.

pub mod codebook;
pub mod codings;
pub mod evidence;
pub mod form;
pub mod help;
pub mod list;
pub mod note;
pub mod picker;
pub mod recovery;
pub mod search;
pub mod status;

use crate::tui::app::{App, Overlay, Pane, Screen, MIN_SIZE};
use crate::tui::theme::Palette;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// Where the note screen's parts are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoteAreas {
    pub header: Rect,
    pub editor: Rect,
    /// The details form, when there is room for it or it has the focus.
    pub form: Option<Rect>,
    pub status: Rect,
}

/// The side panel needs this many columns; narrower terminals show one pane at a time.
pub const FORM_WIDTH: u16 = 38;
const SIDE_BY_SIDE_MIN: u16 = 90;

pub fn note_areas(area: Rect, app: &App) -> NoteAreas {
    let [header, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(2),
    ])
    .areas(area);
    let form_focused = app
        .note
        .as_ref()
        .is_some_and(|n| matches!(n.focus, Pane::Form | Pane::Codings));
    if area.width >= SIDE_BY_SIDE_MIN {
        let [editor, form] =
            Layout::horizontal([Constraint::Min(20), Constraint::Length(FORM_WIDTH)]).areas(body);
        NoteAreas {
            header,
            editor,
            form: Some(form),
            status,
        }
    } else if form_focused {
        NoteAreas {
            header,
            editor: Rect::new(body.x, body.y, 0, 0),
            form: Some(body),
            status,
        }
    } else {
        NoteAreas {
            header,
            editor: body,
            form: None,
            status,
        }
    }
}

pub fn draw(frame: &mut Frame, app: &mut App) {
    let area = frame.area();
    let pal = Palette::new(app.no_color);
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let msg = format!(
            "Terminal too small: {}×{}. Ripple needs at least {}×{}. Enlarge the window; nothing is lost.",
            area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
        );
        frame.render_widget(
            Paragraph::new(Line::from(msg)).wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    match app.screen {
        Screen::List => list::draw(frame, area, app, &pal),
        Screen::Note => note::draw(frame, area, app, &pal),
        Screen::Search => search::draw(frame, area, app, &pal),
        Screen::Evidence => evidence::draw(frame, area, app, &pal),
        Screen::Codebook => codebook::draw(frame, area, app, &pal),
    }
    picker::draw_overlays(frame, area, app, &pal);
    match &app.overlay {
        Some(Overlay::Help { scroll }) => help::draw(frame, area, *scroll, &pal),
        Some(Overlay::Conflict) => note::draw_conflict(frame, area, &pal),
        Some(Overlay::Recovery { scroll }) => recovery::draw(frame, area, app, *scroll, &pal),
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

/// A rectangle of at most `w`×`h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}
