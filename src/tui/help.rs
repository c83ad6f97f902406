//! The help overlay component: every binding, generated from the keymap, scrolled.

use crate::tui::component::{Ctx, Outcome};
use crate::tui::keymap::Action;
use crate::tui::layout;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HelpOverlay {
    /// The first line shown.
    pub scroll: u16,
}

impl HelpOverlay {
    pub fn handle(&mut self, action: Action, ctx: &mut Ctx) -> Outcome {
        let page = layout::help_page(ctx.size);
        let max = (layout::help_line_count() as u16).saturating_sub(page);
        let s = self.scroll;
        self.scroll = match action {
            Action::Up => s.saturating_sub(1),
            Action::Down => s.saturating_add(1),
            Action::PageUp => s.saturating_sub(page),
            Action::PageDown => s.saturating_add(page),
            Action::First => 0,
            Action::Last => max,
            _ => return Outcome::NotConsumed,
        }
        .min(max);
        Outcome::Consumed
    }
}
