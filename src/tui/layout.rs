//! Where things are on screen: pure functions from the terminal's size (and the few facts of
//! the state that move things) to areas, rows and pages. The views draw into these areas, and
//! the update function uses the same functions to settle scroll positions and to map a mouse
//! click to what was drawn there, so the two never disagree and update needs no view.
//!
//! Nothing here draws or reads `App`: each function takes what it needs as plain values.

use crate::tui::form::Field;
use crate::tui::keymap;
use ratatui::layout::{Constraint, Layout, Rect};

/// The whole terminal as an area.
pub fn screen(size: (u16, u16)) -> Rect {
    Rect::new(0, 0, size.0, size.1)
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

/// The inside of a one-cell border around `area`.
fn inside_border(area: Rect) -> Rect {
    Rect::new(
        area.x.saturating_add(1),
        area.y.saturating_add(1),
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    )
}

// ---- the note screen ----

/// Where the note screen's parts are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoteAreas {
    pub header: Rect,
    pub editor: Rect,
    /// The side panel (details form or codings), when there is room for it or it has the
    /// focus.
    pub form: Option<Rect>,
    pub status: Rect,
}

/// How much room the note screen gives the text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Room {
    /// Focus mode: the text alone, in a column of at most `FOCUS_WIDTH` (no details pane, no
    /// margin).
    pub focus: bool,
    /// The details pane is collapsed: shown only when it has the focus, in place of the text.
    pub details_hidden: bool,
}

/// The widest text column of focus mode (the cursor's spare column included): lines of about
/// 80 characters read comfortably.
pub const FOCUS_WIDTH: u16 = 82;

/// The side panel needs this many columns; narrower terminals show one pane at a time.
pub const FORM_WIDTH: u16 = 38;
const SIDE_BY_SIDE_MIN: u16 = 90;

/// The note screen in `area`; `side_focused` when the details form or the codings pane has
/// the focus (a narrow terminal then shows it instead of the editor).
pub fn note_areas(area: Rect, side_focused: bool) -> NoteAreas {
    note_areas_in(area, side_focused, Room::default())
}

/// The note screen in `area` with `room`: focus mode centres the text in a column of at most
/// `FOCUS_WIDTH`; a collapsed details pane (or focus mode) shows the side panel only when it
/// has the focus, as a narrow terminal does.
pub fn note_areas_in(area: Rect, side_focused: bool, room: Room) -> NoteAreas {
    let [header, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(2),
    ])
    .areas(area);
    if room.focus && !side_focused {
        let w = body.width.min(FOCUS_WIDTH);
        return NoteAreas {
            header,
            editor: Rect::new(body.x + (body.width - w) / 2, body.y, w, body.height),
            form: None,
            status,
        };
    }
    if area.width >= SIDE_BY_SIDE_MIN && !room.focus && !room.details_hidden {
        let [editor, form] =
            Layout::horizontal([Constraint::Min(20), Constraint::Length(FORM_WIDTH)]).areas(body);
        NoteAreas {
            header,
            editor,
            form: Some(form),
            status,
        }
    } else if side_focused {
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

/// The details form: each field takes two rows (label, value) inside the border.
const ROWS_PER_FIELD: u16 = 2;

/// Which field of the details form drawn in `area` a click on screen row `y` hits.
pub fn form_field_at(area: Rect, y: u16) -> Option<usize> {
    let inner_y = y.checked_sub(area.y + 1)?;
    let i = (inner_y / ROWS_PER_FIELD) as usize;
    (i < Field::ALL.len()).then_some(i)
}

/// The codings pane drawn in `area`: its list of codings (two rows each) and the details
/// below it, inside the border.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodingsAreas {
    pub list: Rect,
    pub detail: Rect,
}

pub fn codings_areas(area: Rect) -> CodingsAreas {
    let [list, detail] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(6)]).areas(inside_border(area));
    CodingsAreas { list, detail }
}

/// The first coding shown in the pane's `list` area when row `selected` is highlighted (it
/// stays on the last shown row once the list scrolls).
pub fn codings_first_shown(list: Rect, selected: usize) -> usize {
    let height = (list.height as usize / 2).max(1);
    (selected + 1).saturating_sub(height)
}

/// Which row (index into the pane's `rows` rows) a click on screen row `y` hits, for the
/// pane drawn in `area` with row `selected` highlighted.
pub fn codings_row_at(area: Rect, y: u16, selected: usize, rows: usize) -> Option<usize> {
    let list = codings_areas(area).list;
    if y < list.y || y >= list.bottom() {
        return None;
    }
    let r = codings_first_shown(list, selected) + (y - list.y) as usize / 2;
    (r < rows).then_some(r)
}

// ---- the session list ----

pub struct ListAreas {
    pub header: Rect,
    pub filter: Rect,
    /// The table with its column header on its first row.
    pub table: Rect,
    /// Facts and the first words of the selected session (when the terminal is tall enough).
    pub preview: Rect,
    pub status: Rect,
}

/// The first file that cannot be read, as the session list shows it whole (wrapped) in place
/// of the preview.
pub fn problem_text(problem: &str) -> String {
    format!(" Cannot be read (left untouched): {problem}")
}

/// The rows the first problem takes in the list `area` (at most a third of the screen).
pub fn problem_rows(area: Rect, problem: Option<&str>) -> u16 {
    problem.map_or(0, |p| {
        let rows = crate::tui::wrap::wrap_words(&problem_text(p), area.width as usize).len();
        (rows as u16).min(area.height / 3)
    })
}

/// The session list in `area`; `problem`: the first file that cannot be read, shown whole.
pub fn list_areas(area: Rect, problem: Option<&str>) -> ListAreas {
    let preview_h = if area.height >= 20 { 3 } else { 0 }.max(problem_rows(area, problem));
    let [header, filter, table, preview, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(2),
        Constraint::Length(preview_h),
        Constraint::Length(2),
    ])
    .areas(area);
    ListAreas {
        header,
        filter,
        table,
        preview,
        status,
    }
}

/// The rows of the list's table below its column header (one session a row).
pub fn list_table_body(area: Rect, problem: Option<&str>) -> Rect {
    let t = list_areas(area, problem).table;
    Rect::new(t.x, t.y + 1, t.width, t.height.saturating_sub(1))
}

/// The first row to show so that `selected` is visible, moving `offset` (the first row shown
/// now) as little as possible, in a table body of `rows` rows.
pub fn list_offset(offset: usize, selected: usize, rows: usize) -> usize {
    if selected < offset {
        selected
    } else if rows > 0 && selected >= offset + rows {
        selected + 1 - rows
    } else {
        offset
    }
}

// ---- search ----

/// Width of the facet column (shown when the terminal is wide enough).
pub const FACETS_WIDTH: u16 = 30;

pub struct SearchAreas {
    pub header: Rect,
    pub input: Rect,
    pub message: Rect,
    pub tabs: Rect,
    /// The results, two rows each.
    pub results: Rect,
    /// Facet counts beside the results, when the terminal is wide enough.
    pub facets: Option<Rect>,
    pub status: Rect,
}

pub fn search_areas(area: Rect) -> SearchAreas {
    let [header, input, message, tabs, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(2),
        Constraint::Length(2),
    ])
    .areas(area);
    let (results, facets) = if body.width >= 80 {
        let [l, f] =
            Layout::horizontal([Constraint::Min(30), Constraint::Length(FACETS_WIDTH)]).areas(body);
        (l, Some(f))
    } else {
        (body, None)
    };
    SearchAreas {
        header,
        input,
        message,
        tabs,
        results,
        facets,
        status,
    }
}

/// The first result shown when `selected` is selected in a list of `rows` rows.
pub fn search_first_shown(selected: usize, rows: u16) -> usize {
    (selected + 1).saturating_sub((rows as usize / 2).max(1))
}

// ---- overlays ----

/// The help overlay's box in `area`.
pub fn help_box(area: Rect) -> Rect {
    centered(area, 84, area.height.saturating_sub(2))
}

/// Rows of help shown at once in a terminal of `size`.
pub fn help_page(size: (u16, u16)) -> u16 {
    help_box(screen(size)).height.saturating_sub(2).max(1)
}

/// Columns for the keys in the help before the description starts.
pub const HELP_KEYS_WIDTH: usize = 30;

/// Whether a binding's keys are too long to share a line with its description in the help
/// (they get a line of their own rather than running into the text).
pub fn help_keys_own_line(keys: &str) -> bool {
    keys.chars().count() > HELP_KEYS_WIDTH - 1
}

/// One row of the help overlay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HelpRow {
    /// A context's title.
    Title(&'static str),
    /// Keys too long to share a row with their description.
    Keys(String),
    /// Keys (empty on a description's continuation rows) and a description, or the part of
    /// one that fits.
    Entry(String, String),
    /// The blank row after a context.
    Blank,
}

/// The help overlay's rows in a terminal of `size`: each context's title, its bindings and a
/// blank row; a description too long for the box continues on rows under the description
/// column, never cut.
pub fn help_rows(size: (u16, u16)) -> Vec<HelpRow> {
    let inner = help_box(screen(size)).width.saturating_sub(2) as usize;
    let what_width = inner.saturating_sub(HELP_KEYS_WIDTH + 2).max(12);
    let mut out = Vec::new();
    for (title, rows) in keymap::help_sections() {
        out.push(HelpRow::Title(title));
        for (keys, what) in rows {
            let mut keys = Some(keys);
            if keys.as_deref().is_some_and(help_keys_own_line) {
                out.push(HelpRow::Keys(keys.take().unwrap_or_default()));
            }
            for part in crate::tui::wrap::wrap_words(what, what_width) {
                out.push(HelpRow::Entry(keys.take().unwrap_or_default(), part));
            }
        }
        out.push(HelpRow::Blank);
    }
    out
}

/// How many rows the help has in a terminal of `size` (for scrolling).
pub fn help_line_count(size: (u16, u16)) -> usize {
    help_rows(size).len()
}

/// The REFI-QDA exchange dialog's width in `area`.
pub fn exchange_width(area: Rect) -> u16 {
    area.width.saturating_sub(4).min(110)
}

/// A long text of the exchange dialog (the import plan, what an import did) as the rows it
/// takes in a terminal of `size`: each line wrapped to the box, list items kept under their
/// item.
pub fn exchange_rows(text: &str, size: (u16, u16)) -> Vec<String> {
    let inner = exchange_width(screen(size)).saturating_sub(2).max(1) as usize;
    text.lines()
        .flat_map(|l| crate::tui::wrap::wrap_indented(l, inner))
        .collect()
}

/// The hint rows under a long exchange text (the plan's when `plan`, else the result's),
/// wrapped to the box in a terminal of `size`.
pub fn exchange_hint_rows(plan: bool, size: (u16, u16)) -> Vec<String> {
    let inner = exchange_width(screen(size)).saturating_sub(2).max(1) as usize;
    let hints = if plan {
        keymap::EXCHANGE_PLAN_HINTS
    } else {
        keymap::EXCHANGE_DONE_HINTS
    };
    crate::tui::wrap::wrap_words(&hints.line(), inner)
}

/// How many rows of a long exchange text show at once in a terminal of `size`: the tallest box
/// less its borders, a blank line and the hints.
pub fn exchange_page(plan: bool, size: (u16, u16)) -> u16 {
    let footer = 1 + exchange_hint_rows(plan, size).len() as u16;
    size.1
        .saturating_sub(2)
        .saturating_sub(2)
        .saturating_sub(footer)
        .max(1)
}

/// The first row a long exchange text of `rows` rows may be scrolled to: the last page shows
/// its end.
pub fn exchange_max_scroll(plan: bool, rows: usize, size: (u16, u16)) -> u16 {
    (rows as u16).saturating_sub(exchange_page(plan, size))
}

/// The recovery question's parts in `area`: what the kept text is, the difference (in a
/// bordered box) and the choices.
pub struct RecoveryAreas {
    pub outer: Rect,
    pub about: Rect,
    pub diff: Rect,
    pub keys: Rect,
}

pub fn recovery_areas(area: Rect) -> RecoveryAreas {
    let outer = centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    let [about, diff, keys] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Min(1),
        Constraint::Length(3),
    ])
    .areas(inside_border(outer));
    RecoveryAreas {
        outer,
        about,
        diff,
        keys,
    }
}

/// Rows of the difference shown at once (inside its border) in a terminal of `size`.
pub fn recovery_page(size: (u16, u16)) -> u16 {
    inside_border(recovery_areas(screen(size)).diff)
        .height
        .max(1)
}

/// Lines the difference takes before wrapping (the most the view scrolls to).
pub fn recovery_line_count<T>(diff: &[T]) -> u16 {
    u16::try_from(diff.len()).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_narrow_note_screen_shows_the_side_panel_only_when_it_has_the_focus() {
        let area = screen((80, 24));
        assert_eq!(note_areas(area, false).form, None);
        let side = note_areas(area, true);
        assert!(side.editor.is_empty());
        assert_eq!(side.form.map(|f| f.width), Some(80));
        let wide = note_areas(screen((120, 30)), false);
        assert_eq!(wide.form.map(|f| f.width), Some(FORM_WIDTH));
        assert_eq!(wide.editor.width, 120 - FORM_WIDTH);
    }

    #[test]
    fn focus_mode_and_a_collapsed_pane_give_the_text_the_room() {
        let area = screen((100, 30));
        let plain = note_areas_in(area, false, Room::default());
        assert_eq!(plain.editor.width, 100 - FORM_WIDTH);
        let collapsed = Room {
            details_hidden: true,
            ..Room::default()
        };
        let c = note_areas_in(area, false, collapsed);
        assert_eq!((c.editor.width, c.form), (100, None));
        assert_eq!(
            note_areas_in(area, true, collapsed).form.map(|f| f.width),
            Some(100),
            "Tab still goes to the details, in place of the text"
        );
        let focus = Room {
            focus: true,
            ..Room::default()
        };
        let f = note_areas_in(area, false, focus);
        assert_eq!(f.form, None);
        assert_eq!(f.editor.width, FOCUS_WIDTH);
        assert_eq!(f.editor.x, (100 - FOCUS_WIDTH) / 2, "centred");
        assert_eq!(
            note_areas_in(screen((60, 20)), false, focus).editor.width,
            60
        );
    }

    #[test]
    fn the_list_offset_moves_only_as_far_as_the_selection_needs() {
        assert_eq!(list_offset(0, 3, 10), 0);
        assert_eq!(list_offset(0, 10, 10), 1);
        assert_eq!(list_offset(5, 2, 10), 2);
        assert_eq!(list_offset(5, 14, 10), 5);
        assert_eq!(list_offset(4, 4, 0), 4, "no rows: left as it is");
    }

    #[test]
    fn form_fields_take_two_rows_inside_the_border() {
        let area = Rect::new(80, 1, 38, 20);
        assert_eq!(form_field_at(area, 1), None, "the border");
        assert_eq!(form_field_at(area, 2), Some(0));
        assert_eq!(form_field_at(area, 3), Some(0));
        assert_eq!(form_field_at(area, 4), Some(1));
        assert_eq!(form_field_at(area, 2 + 2 * Field::ALL.len() as u16), None);
    }

    #[test]
    fn recovery_page_is_the_rows_inside_the_difference_box() {
        // 24 rows: the box leaves one above and below, its border, 4 rows about the kept
        // text and 3 of choices, then the difference's own border.
        assert_eq!(recovery_page((80, 24)), 24 - 2 - 2 - 4 - 3 - 2);
    }
}
