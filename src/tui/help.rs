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
        let max = (layout::help_line_count(ctx.size) as u16).saturating_sub(page);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::effect::Effects;
    use std::time::Instant;

    #[test]
    fn scrolling_stops_at_the_last_page_and_the_top() {
        let (mut effects, mut status, mut commands, mut clip) =
            (Effects::default(), None, Vec::new(), String::new());
        let mut ctx = Ctx {
            now: Instant::now(),
            size: (80, 24),
            read_only: None,
            effects: &mut effects,
            status: &mut status,
            commands: &mut commands,
            clipboard: &mut clip,
        };
        let page = layout::help_page((80, 24));
        let max = (layout::help_line_count((80, 24)) as u16).saturating_sub(page);
        assert!(max > 0, "the help is longer than one screen at 80×24");
        let mut h = HelpOverlay::default();
        assert!(h.handle(Action::PageDown, &mut ctx).consumed());
        assert_eq!(h.scroll, page.min(max));
        h.handle(Action::Last, &mut ctx);
        assert_eq!(h.scroll, max);
        h.handle(Action::Down, &mut ctx);
        assert_eq!(h.scroll, max, "no scrolling past the end");
        h.handle(Action::First, &mut ctx);
        h.handle(Action::Up, &mut ctx);
        assert_eq!(h.scroll, 0);
        assert!(!h.handle(Action::Save, &mut ctx).consumed());
        assert!(effects.is_empty() && commands.is_empty());
    }
}
