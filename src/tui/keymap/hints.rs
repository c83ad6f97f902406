//! Key hints generated from the table: the key of an action, the hint items and the named
//! hint lines of the status line and the dialogs.

#[cfg(test)]
use super::BINDINGS;
use super::{bindings, short, Action, Binding, Context};
use Action as A;
use Context as C;

/// The binding hints show for `action` in `context`: the first one with a hint label in the
/// context, then in `Global`; else the first one at all.
pub fn binding(context: Context, action: Action) -> Option<&'static Binding> {
    let of = |ctx: Context| {
        bindings()
            .iter()
            .filter(move |b| b.context == ctx && b.action == action)
    };
    of(context)
        .find(|b| !b.hint.is_empty())
        .or_else(|| of(C::Global).find(|b| !b.hint.is_empty()))
        .or_else(|| of(context).next())
        .or_else(|| of(C::Global).next())
}

/// The key of `action` in `context` as the status line writes it ("Ctrl-R"); "?" when nothing
/// is bound to it (a test keeps every hint bound).
pub fn key(context: Context, action: Action) -> String {
    binding(context, action).map_or_else(|| "?".into(), |b| short(b.code, b.mods))
}

/// The help screen's description of `action` in `context`.
pub fn help_of(context: Context, action: Action) -> &'static str {
    binding(context, action).map_or("", |b| b.help)
}

/// One item of a status-line hint.
#[derive(Clone, Copy, Debug)]
pub enum Hint {
    /// The action's key and its hint label: "Ctrl-S save".
    Key(Action),
    /// The action's key with a label of this place: "Esc back to the results".
    Said(Action, &'static str),
    /// Two actions' keys and one label: "↑/↓ choose".
    Pair(Action, Action, &'static str),
    /// A run of keys: "1-9 quick".
    Range(Action, Action, &'static str),
    /// Every key bound to the action in the context: "Ctrl-T/F3 switches".
    All(Action, &'static str),
    /// Every key bound to the action in the context with a hint label (the table marks the
    /// ones worth saying): "Enter/↓/Alt-N next".
    Labelled(Action, &'static str),
    /// Words without a key: "type to filter".
    Text(&'static str),
}

impl Hint {
    fn actions(self) -> Vec<Action> {
        match self {
            Hint::Key(a) | Hint::Said(a, _) | Hint::All(a, _) | Hint::Labelled(a, _) => vec![a],
            Hint::Pair(a, b, _) | Hint::Range(a, b, _) => vec![a, b],
            Hint::Text(_) => Vec::new(),
        }
    }

    fn render(self, ctx: Context) -> String {
        let label = |a: Action| binding(ctx, a).map_or("", |b| b.hint);
        match self {
            Hint::Key(a) => format!("{} {}", key(ctx, a), label(a)),
            Hint::Said(a, l) => format!("{} {l}", key(ctx, a)),
            Hint::Pair(a, b, l) => format!("{}/{} {l}", key(ctx, a), key(ctx, b)),
            Hint::Range(a, b, l) => format!("{}-{} {l}", key(ctx, a), key(ctx, b)),
            Hint::All(a, l) | Hint::Labelled(a, l) => {
                let every = matches!(self, Hint::All(..));
                let keys: Vec<String> = bindings()
                    .iter()
                    .filter(|b| b.context == ctx && b.action == a && (every || !b.hint.is_empty()))
                    .map(|b| short(b.code, b.mods))
                    .collect();
                format!("{} {l}", keys.join("/"))
            }
            Hint::Text(t) => t.to_string(),
        }
    }
}

/// A hint line: items whose keys are looked up in `context` (then `Global`).
#[derive(Clone, Copy, Debug)]
pub struct Hints {
    pub context: Context,
    pub items: &'static [Hint],
}

impl Hints {
    /// The status-line text: "Ctrl-S save · Tab next pane".
    pub fn line(&self) -> String {
        hints(self.context, self.items)
    }

    /// As a phrase in a sentence: "f keeps the file, d takes the kept text".
    pub fn phrase(&self) -> String {
        join(self.context, self.items, ", ")
    }
}

/// `items` in `ctx` joined as the status line shows them.
pub fn hints(ctx: Context, items: &[Hint]) -> String {
    join(ctx, items, " · ")
}

fn join(ctx: Context, items: &[Hint], sep: &str) -> String {
    // An action the user's keymap left without a key is not hinted.
    let parts: Vec<String> = items
        .iter()
        .filter(|h| h.actions().into_iter().all(|a| binding(ctx, a).is_some()))
        .map(|h| h.render(ctx))
        .collect();
    parts.join(sep)
}

/// Declares each hint line as a `Hints` constant, and `ALL_HINTS` listing them for the tests.
macro_rules! hint_lines {
    ($($(#[$doc:meta])* $name:ident = $ctx:ident: $($item:expr),*;)*) => {
        $($(#[$doc])* pub const $name: Hints = Hints { context: Context::$ctx, items: &[$($item),*] };)*
        /// Every hint line (the tests check that each names keys bound in its context).
        pub const ALL_HINTS: &[Hints] = &[$($name),*];
    };
}

use Hint::{Key, Labelled, Pair, Range, Said, Text};

// The hint lines: `NAME = context: items;`. Keys are looked up in the context, then `Global`.
hint_lines! {
    /// The session list's status line.
    /// ("type to filter" is said on the filter line above it.)
    LIST_HINTS = List: Key(A::NewSession), Key(A::OpenSession), Key(A::OpenSearch),
        Key(A::OpenEvidence), Key(A::OpenCodebook), Key(A::Share), Key(A::Help), Key(A::Quit);
    /// The session list's empty filter line.
    FILTER_HINTS = List: Text("type to filter"), Key(A::NewSession), Key(A::OpenSession),
        Key(A::Help), Key(A::Quit);
    SEARCH_HINTS = Search: Text("type to search"), Pair(A::Up, A::Down, "choose"),
        Key(A::OpenResult), Key(A::SwitchResults), Key(A::OpenEvidence), Key(A::Back), Key(A::Help);
    EVIDENCE_HINTS = Evidence: Pair(A::PrevTheme, A::NextTheme, "theme"), Key(A::ToggleSort),
        Key(A::ToggleMark), Key(A::CopyQuote), Key(A::Export), Key(A::OpenResult), Key(A::Back),
        Key(A::Help);
    EXPORT_HINTS = ExportPrompt: Key(A::Confirm), Said(A::Back, "cancel");
    REPLACE_HINTS = ExportReplace: Key(A::ReplaceFile), Key(A::KeepFile), Said(A::Back, "keep it");
    /// The note, opened from search or evidence results.
    NOTE_FROM_RESULTS_HINTS = Editor: Said(A::NextPane, "codings/details"), Key(A::ThemePicker),
        Key(A::Save), Said(A::Back, "back to the results"), Key(A::Help);
    NOTE_HINTS = Editor: Said(A::NextPane, "codings/details"), Key(A::ThemePicker),
        Key(A::CodingMode), Key(A::Save), Key(A::Find), Said(A::Back, "list"), Key(A::Help);
    /// The note's details form: its own keys (F2 here is the message log, not coding mode).
    FORM_HINTS = Form: Pair(A::PrevField, A::NextField, "fields"), Said(A::NextPane, "the note"),
        Key(A::Save), Key(A::OpenMessages), Said(A::Back, "list"), Key(A::Help);
    /// The find bar's hints.
    FIND_HINTS = Find: Labelled(A::FindNext, "next"),
        Labelled(A::FindPrev, "previous"), Key(A::FindField),
        Key(A::ReplaceOne), Key(A::ReplaceAll), Key(A::Back);
    SPELLING_HINTS = Spelling: Pair(A::Up, A::Down, "choose"), Key(A::Accept), Key(A::AddWord),
        Key(A::Cancel);
    /// Coding mode's status line; the quick themes follow it.
    CODING_HINTS = Coding: Key(A::SelectMark), Key(A::ThemePicker), Key(A::RepeatTheme),
        Key(A::RemoveCoding);
    /// Said when coding mode starts.
    CODING_START_HINTS = Coding: Key(A::SelectMark), Key(A::SelectSentence),
        Key(A::SelectParagraph), Key(A::ThemePicker),
        Range(A::QuickTheme(1), A::QuickTheme(9), "quick"), Key(A::RepeatTheme),
        Key(A::RemoveCoding), Pair(A::CodingMode, A::Back, "leave");
    CODINGS_HINTS = Codings: Key(A::JumpToCoding), Key(A::ThemePicker), Key(A::RemoveCoding),
        Key(A::CodingMemo), Key(A::NoteMemo), Key(A::ReattachOrphan), Key(A::CoderFilter),
        Said(A::NextPane, "next");
    PICKER_HINTS = Picker: Text("type to filter"), Pair(A::Up, A::Down, "choose"), Key(A::Accept),
        Key(A::Cancel);
    PROMPT_HINTS = Prompt: Key(A::Accept), Key(A::Cancel);
    CODEBOOK_HINTS = Codebook: Key(A::ThemeAdd), Key(A::ThemeRename), Key(A::ThemeRecolour),
        Key(A::ThemeColourTyped), Key(A::ThemeParent), Key(A::ThemeMerge), Key(A::ThemeDelete),
        Key(A::Back);
    /// The share dialog.
    SHARE_HINTS = Share: Key(A::Confirm), Key(A::ShareFormat), Key(A::ToggleDeidentify),
        Key(A::Back);
    SHARE_REPLACE_HINTS = ShareReplace: Key(A::ReplaceFile), Key(A::KeepFile);
    /// The help overlay's title.
    HELP_HINTS = Help: Pair(A::Up, A::Down, "scroll"), Pair(A::PageUp, A::PageDown, "page"),
        Said(A::Back, "closes");
    /// The outside-change question, as a sentence: "r reloads the file, k keeps yours".
    CONFLICT_HINTS = Conflict: Key(A::ReloadFile), Key(A::KeepMine);
    /// The kept-text question, as a sentence.
    RECOVERY_HINTS = Recovery: Key(A::KeepFile), Key(A::TakeDraft), Key(A::Merge), Key(A::Back);
    NEW_FROM_HINTS = NewFrom: Pair(A::Up, A::Down, "choose"), Key(A::Accept),
        Said(A::Back, "cancel"), Key(A::Help);
    TRASH_HINTS = Trash: Key(A::RestoreSession), Said(A::Back, "sessions"), Key(A::Help);
    FOLLOWUPS_HINTS = FollowUps: Text("type to filter (agency, date, words)"),
        Key(A::ToggleFollowUp), Key(A::OpenResult), Key(A::ToggleDoneShown),
        Said(A::Back, "sessions");
    /// The carry-over offer.
    CARRY_OVER_HINTS = CarryOver: Pair(A::Up, A::Down, "choose"), Key(A::ToggleFollowUp),
        Key(A::SelectAll), Key(A::Accept), Key(A::Cancel);
    /// The delete question, as a sentence.
    CONFIRM_DELETE_HINTS = ConfirmDelete: Key(A::Confirm), Key(A::Cancel);
    /// The import plan, under it.
    EXCHANGE_PLAN_HINTS = ExchangePlan: Key(A::Confirm), Key(A::Back),
        Pair(A::Up, A::Down, "scroll"), Pair(A::PageUp, A::PageDown, "page"),
        Pair(A::First, A::Last, "start/end");
    /// What an export or import did, under it.
    EXCHANGE_DONE_HINTS = ExchangeDone: Key(A::Confirm), Pair(A::Up, A::Down, "scroll"),
        Pair(A::PageUp, A::PageDown, "page"), Pair(A::First, A::Last, "start/end");
    /// The kept-text question when no merge is possible.
    RECOVERY_NO_MERGE_HINTS = Recovery: Key(A::KeepFile), Key(A::TakeDraft);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_in_a_hint_is_bound_in_its_context() {
        for line in ALL_HINTS {
            for item in line.items {
                for a in item.actions() {
                    let bound = BINDINGS.iter().any(|b| {
                        (b.context == line.context || b.context == C::Global) && b.action == a
                    });
                    assert!(bound, "{:?}: {a:?} has no key", line.context);
                }
                if let Hint::Key(a) = item {
                    assert!(
                        !binding(line.context, *a).unwrap().hint.is_empty(),
                        "{:?}: {a:?} has no hint label",
                        line.context
                    );
                }
            }
        }
    }

    #[test]
    fn hints_are_written_from_the_table() {
        assert_eq!(
            NOTE_FROM_RESULTS_HINTS.line(),
            "Tab codings/details · Ctrl-T code · Ctrl-S save · Esc back to the results · F1 help"
        );
        assert_eq!(CONFLICT_HINTS.phrase(), "r reloads the file, k keeps yours");
        assert_eq!(
            RECOVERY_HINTS.phrase(),
            "f keeps the file, d takes the kept text, m merges both, Esc decides later"
        );
        assert_eq!(
            hints(
                C::Coding,
                &[Hint::Range(A::QuickTheme(1), A::QuickTheme(9), "quick")]
            ),
            "1-9 quick"
        );
        assert_eq!(
            hints(C::Search, &[Hint::All(A::SwitchResults, "switches")]),
            "Ctrl-T/F3 switches"
        );
        assert_eq!(super::key(C::Editor, A::RestoreCodings), "Ctrl-R");
        assert_eq!(
            super::key(C::Evidence, A::Back),
            "Esc",
            "the labelled key, not q"
        );
        assert_eq!(super::key(C::Editor, A::Quit), "Ctrl-Q");
    }

    #[test]
    fn the_details_form_says_its_own_keys_and_f2_is_the_message_log_there() {
        assert_eq!(
            FORM_HINTS.line(),
            "↑/↓ fields · Tab the note · Ctrl-S save · F2 messages · Esc list · F1 help"
        );
    }

    #[test]
    fn the_find_bar_says_every_key_for_the_next_and_the_previous_match() {
        let line = FIND_HINTS.line();
        assert!(
            line.starts_with("Enter/↓/Alt-N next · ↑/Alt-Shift-N previous · "),
            "{line}"
        );
    }
}
