//! The note view: word-wrapped text with coloured coded passages, the selection, search hits,
//! a margin of coding stripes, scrolling and mouse hit-testing.
//!
//! Laying out and drawing are two steps, so that drawing changes nothing:
//! ```ignore
//! let view = TextView::for_editor(doc.editor()).spans(&spans).search_hits(&hits).style(&style);
//! // In the update step, after each change: follow the cursor, lay out the rows on screen.
//! view_state.settle(&view, area);
//! // Hit-testing and vertical motions answer from the settled state:
//! doc.editor_mut().move_down(view_state.wrap_width(), shift);
//! // Drawing reads the state:
//! if let Some(p) = view_state.render(&view, area, frame.buffer_mut()) { frame.set_cursor_position(p); }
//! ```
//! (`frame.render_stateful_widget(view, area, &mut view_state)` does both steps at once, for
//! a view drawn on its own.) Only the lines on screen are laid out; line layouts are cached
//! and re-checked against the text at each settle, so a long note settles and draws in well
//! under a millisecond or two.

mod cache;
mod render;
mod state;
mod style;

pub use state::{TextViewState, SCROLL_OFF};
pub use style::{contrast_text, parse_hex_colour, spans_for_codings, CodedSpan, TextViewStyle};

use crate::core::editor::Editor;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::StatefulWidget;
use ropey::Rope;

/// The widget: borrowed data for one frame.
pub struct TextView<'a> {
    rope: &'a Rope,
    version: Option<u64>,
    cursor: Option<usize>,
    selection: Option<(usize, usize)>,
    spans: &'a [CodedSpan],
    search_hits: &'a [(usize, usize)],
    /// Misspelt words (code-point ranges, in order), underlined.
    misspelt: &'a [(usize, usize)],
    style: Option<&'a TextViewStyle>,
}

impl<'a> TextView<'a> {
    /// A read-only view of `rope` (no cursor, no selection).
    pub fn new(rope: &'a Rope) -> TextView<'a> {
        TextView {
            rope,
            version: None,
            cursor: None,
            selection: None,
            spans: &[],
            search_hits: &[],
            misspelt: &[],
            style: None,
        }
    }
    /// The editor's text, cursor, selection and version.
    pub fn for_editor(editor: &'a Editor) -> TextView<'a> {
        TextView {
            version: Some(editor.version()),
            cursor: Some(editor.cursor()),
            selection: editor.selection(),
            ..TextView::new(editor.rope())
        }
    }
    pub fn cursor(mut self, cursor: Option<usize>) -> Self {
        self.cursor = cursor;
        self
    }
    pub fn selection(mut self, selection: Option<(usize, usize)>) -> Self {
        self.selection = selection;
        self
    }
    /// A number that changes whenever the text changes (the view follows the cursor then).
    pub fn version(mut self, version: u64) -> Self {
        self.version = Some(version);
        self
    }
    pub fn spans(mut self, spans: &'a [CodedSpan]) -> Self {
        self.spans = spans;
        self
    }
    pub fn search_hits(mut self, hits: &'a [(usize, usize)]) -> Self {
        self.search_hits = hits;
        self
    }
    /// Misspelt words to underline: code-point ranges in order (those of the lines on screen
    /// are enough).
    pub fn misspelt(mut self, ranges: &'a [(usize, usize)]) -> Self {
        self.misspelt = ranges;
        self
    }
    pub fn style(mut self, style: &'a TextViewStyle) -> Self {
        self.style = Some(style);
        self
    }
}

/// For a view drawn on its own: settles the state for this view and area, then draws it. (The
/// app settles in its update step and draws with `TextViewState::render`, read-only.)
impl StatefulWidget for TextView<'_> {
    type State = TextViewState;
    fn render(self, area: Rect, buf: &mut Buffer, state: &mut TextViewState) {
        state.settle(&self, area);
        state.render(&self, area, buf);
    }
}
