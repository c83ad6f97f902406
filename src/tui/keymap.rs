//! Every key binding in one table. The help screen is generated from it, so the two cannot drift.
//!
//! Printable characters that no binding claims are text input in the editor, the form and the
//! filter; everything else goes through `lookup`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where the focus is: bindings are looked up in the focused context, then in `Global`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Context {
    Global,
    List,
    Editor,
    Form,
    Help,
    Search,
    Evidence,
    ExportPrompt,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::List => "Session list",
            Context::Editor => "Note editor",
            Context::Form => "Session details form",
            Context::Help => "Help",
            Context::Search => "Search",
            Context::Evidence => "Evidence",
            Context::ExportPrompt => "Evidence export file name",
        }
    }
}

/// What a key does. The update function interprets actions; the keymap only names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    QuitOrCopy,
    Help,
    Save,
    Back,
    NextPane,
    PrevPane,
    // List
    NewSession,
    OpenSession,
    FocusFilter,
    ClearFilter,
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    // Editor motions; `extend` variants grow the selection.
    Left(bool),
    Right(bool),
    WordLeft(bool),
    WordRight(bool),
    LineUp(bool),
    LineDown(bool),
    LineStart(bool),
    LineEnd(bool),
    DocStart(bool),
    DocEnd(bool),
    PageUpEdit(bool),
    PageDownEdit(bool),
    // Editor edits
    Newline,
    Backspace,
    Delete,
    DeleteWordBack,
    DeleteWordForward,
    Undo,
    Redo,
    Cut,
    Copy,
    Paste,
    SelectAll,
    // Form
    NextField,
    PrevField,
    AcceptSuggestion,
    NextSuggestion,
    PrevSuggestion,
    // Search and evidence
    OpenSearch,
    OpenEvidence,
    SwitchResults,
    OpenResult,
    ToggleMark,
    ToggleSort,
    NextTheme,
    PrevTheme,
    CopyQuote,
    Export,
    Confirm,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Binding {
    pub context: Context,
    pub code: KeyCode,
    pub mods: KeyModifiers,
    pub action: Action,
    pub help: &'static str,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const ALT: KeyModifiers = KeyModifiers::ALT;
const CTRL_SHIFT: KeyModifiers = KeyModifiers::CONTROL.union(KeyModifiers::SHIFT);

const fn b(
    context: Context,
    code: KeyCode,
    mods: KeyModifiers,
    action: Action,
    help: &'static str,
) -> Binding {
    Binding {
        context,
        code,
        mods,
        action,
        help,
    }
}

use Action as A;
use Context as C;
use KeyCode as K;

/// The keymap. Order matters only for the help screen (first binding of an action is listed
/// first) and for lookups (first match wins).
pub const BINDINGS: &[Binding] = &[
    // Everywhere
    b(
        C::Global,
        K::F(1),
        NONE,
        A::Help,
        "help (also ? outside text fields)",
    ),
    b(C::Global, K::Char('q'), CTRL, A::Quit, "quit (saves first)"),
    b(
        C::Global,
        K::Char('c'),
        CTRL,
        A::QuitOrCopy,
        "copy the selection; with none, quit (saves first)",
    ),
    b(C::Global, K::Char('s'), CTRL, A::Save, "save now"),
    b(C::Global, K::Tab, NONE, A::NextPane, "next pane"),
    b(C::Global, K::BackTab, SHIFT, A::PrevPane, "previous pane"),
    b(C::Global, K::Esc, NONE, A::Back, "back / close"),
    // Session list
    b(C::List, K::Char('?'), NONE, A::Help, "help"),
    b(C::List, K::Char('q'), NONE, A::Quit, "quit"),
    b(C::List, K::Char('n'), NONE, A::NewSession, "new session"),
    b(
        C::List,
        K::Enter,
        NONE,
        A::OpenSession,
        "open the highlighted session",
    ),
    b(
        C::List,
        K::Char('f'),
        NONE,
        A::FocusFilter,
        "filter (or just type any other letter)",
    ),
    b(
        C::List,
        K::Char('u'),
        CTRL,
        A::ClearFilter,
        "clear the filter",
    ),
    b(C::List, K::Up, NONE, A::Up, "previous session"),
    b(C::List, K::Char('k'), NONE, A::Up, "previous session"),
    b(C::List, K::Down, NONE, A::Down, "next session"),
    b(C::List, K::Char('j'), NONE, A::Down, "next session"),
    b(C::List, K::PageUp, NONE, A::PageUp, "page up"),
    b(C::List, K::PageDown, NONE, A::PageDown, "page down"),
    b(C::List, K::Home, NONE, A::First, "first session"),
    b(C::List, K::End, NONE, A::Last, "last session"),
    b(
        C::List,
        K::Char('/'),
        NONE,
        A::OpenSearch,
        "search notes and coded passages",
    ),
    b(
        C::List,
        K::Char('e'),
        NONE,
        A::OpenEvidence,
        "evidence: coded passages by theme",
    ),
    // Editor
    b(C::Editor, K::Left, NONE, A::Left(false), "left"),
    b(C::Editor, K::Right, NONE, A::Right(false), "right"),
    b(C::Editor, K::Up, NONE, A::LineUp(false), "up a line"),
    b(C::Editor, K::Down, NONE, A::LineDown(false), "down a line"),
    b(C::Editor, K::Left, SHIFT, A::Left(true), "select left"),
    b(C::Editor, K::Right, SHIFT, A::Right(true), "select right"),
    b(C::Editor, K::Up, SHIFT, A::LineUp(true), "select up"),
    b(C::Editor, K::Down, SHIFT, A::LineDown(true), "select down"),
    b(C::Editor, K::Left, CTRL, A::WordLeft(false), "word left"),
    b(C::Editor, K::Right, CTRL, A::WordRight(false), "word right"),
    b(
        C::Editor,
        K::Char('b'),
        ALT,
        A::WordLeft(false),
        "word left",
    ),
    b(
        C::Editor,
        K::Char('f'),
        ALT,
        A::WordRight(false),
        "word right",
    ),
    b(
        C::Editor,
        K::Left,
        CTRL_SHIFT,
        A::WordLeft(true),
        "select word left",
    ),
    b(
        C::Editor,
        K::Right,
        CTRL_SHIFT,
        A::WordRight(true),
        "select word right",
    ),
    b(
        C::Editor,
        K::Home,
        NONE,
        A::LineStart(false),
        "start of line",
    ),
    b(C::Editor, K::End, NONE, A::LineEnd(false), "end of line"),
    b(
        C::Editor,
        K::Home,
        SHIFT,
        A::LineStart(true),
        "select to start of line",
    ),
    b(
        C::Editor,
        K::End,
        SHIFT,
        A::LineEnd(true),
        "select to end of line",
    ),
    b(
        C::Editor,
        K::Home,
        CTRL,
        A::DocStart(false),
        "start of note",
    ),
    b(C::Editor, K::End, CTRL, A::DocEnd(false), "end of note"),
    b(
        C::Editor,
        K::Home,
        CTRL_SHIFT,
        A::DocStart(true),
        "select to start of note",
    ),
    b(
        C::Editor,
        K::End,
        CTRL_SHIFT,
        A::DocEnd(true),
        "select to end of note",
    ),
    b(C::Editor, K::PageUp, NONE, A::PageUpEdit(false), "page up"),
    b(
        C::Editor,
        K::PageDown,
        NONE,
        A::PageDownEdit(false),
        "page down",
    ),
    b(
        C::Editor,
        K::PageUp,
        SHIFT,
        A::PageUpEdit(true),
        "select a page up",
    ),
    b(
        C::Editor,
        K::PageDown,
        SHIFT,
        A::PageDownEdit(true),
        "select a page down",
    ),
    b(C::Editor, K::Enter, NONE, A::Newline, "new line"),
    b(C::Editor, K::Backspace, NONE, A::Backspace, "delete left"),
    b(C::Editor, K::Delete, NONE, A::Delete, "delete right"),
    b(
        C::Editor,
        K::Char('w'),
        CTRL,
        A::DeleteWordBack,
        "delete word left",
    ),
    b(
        C::Editor,
        K::Backspace,
        CTRL,
        A::DeleteWordBack,
        "delete word left",
    ),
    b(
        C::Editor,
        K::Backspace,
        ALT,
        A::DeleteWordBack,
        "delete word left",
    ),
    b(
        C::Editor,
        K::Delete,
        CTRL,
        A::DeleteWordForward,
        "delete word right",
    ),
    b(C::Editor, K::Char('z'), CTRL, A::Undo, "undo"),
    b(C::Editor, K::Char('y'), CTRL, A::Redo, "redo"),
    b(C::Editor, K::Char('z'), CTRL_SHIFT, A::Redo, "redo"),
    b(C::Editor, K::Char('x'), CTRL, A::Cut, "cut"),
    b(
        C::Editor,
        K::Char('v'),
        CTRL,
        A::Paste,
        "paste (terminal paste works too)",
    ),
    b(C::Editor, K::Char('a'), CTRL, A::SelectAll, "select all"),
    b(
        C::Editor,
        K::Char('f'),
        CTRL,
        A::OpenSearch,
        "search (closes the note)",
    ),
    // Form
    b(C::Form, K::Up, NONE, A::PrevField, "previous field"),
    b(C::Form, K::Down, NONE, A::NextField, "next field"),
    b(
        C::Form,
        K::Enter,
        NONE,
        A::NextField,
        "next field (from the last: the note)",
    ),
    b(
        C::Form,
        K::Right,
        NONE,
        A::AcceptSuggestion,
        "at the end: take the suggested value",
    ),
    b(
        C::Form,
        K::Char('n'),
        CTRL,
        A::NextSuggestion,
        "next suggestion",
    ),
    b(
        C::Form,
        K::Char('p'),
        CTRL,
        A::PrevSuggestion,
        "previous suggestion",
    ),
    b(C::Form, K::Backspace, NONE, A::Backspace, "delete left"),
    b(C::Form, K::Delete, NONE, A::Delete, "delete right"),
    b(
        C::Form,
        K::Left,
        NONE,
        A::Left(false),
        "left (on Type: previous type)",
    ),
    b(
        C::Form,
        K::Home,
        NONE,
        A::LineStart(false),
        "start of field",
    ),
    b(C::Form, K::End, NONE, A::LineEnd(false), "end of field"),
    b(
        C::Form,
        K::Char('w'),
        CTRL,
        A::DeleteWordBack,
        "delete word left",
    ),
    b(
        C::Form,
        K::Char('u'),
        CTRL,
        A::ClearFilter,
        "clear the field",
    ),
    // Search
    b(C::Search, K::Up, NONE, A::Up, "previous result"),
    b(C::Search, K::Down, NONE, A::Down, "next result"),
    b(C::Search, K::PageUp, NONE, A::PageUp, "page up"),
    b(C::Search, K::PageDown, NONE, A::PageDown, "page down"),
    b(
        C::Search,
        K::Char('t'),
        CTRL,
        A::SwitchResults,
        "switch between passages and sessions",
    ),
    b(
        C::Search,
        K::F(3),
        NONE,
        A::SwitchResults,
        "switch between passages and sessions",
    ),
    b(
        C::Search,
        K::Enter,
        NONE,
        A::OpenResult,
        "open the note at the result (Esc comes back)",
    ),
    b(
        C::Search,
        K::Char('e'),
        CTRL,
        A::OpenEvidence,
        "evidence for this query",
    ),
    b(
        C::Search,
        K::Left,
        NONE,
        A::Left(false),
        "cursor left in the query",
    ),
    b(
        C::Search,
        K::Right,
        NONE,
        A::Right(false),
        "cursor right in the query",
    ),
    b(
        C::Search,
        K::Left,
        CTRL,
        A::WordLeft(false),
        "word left in the query",
    ),
    b(
        C::Search,
        K::Right,
        CTRL,
        A::WordRight(false),
        "word right in the query",
    ),
    b(
        C::Search,
        K::Home,
        NONE,
        A::LineStart(false),
        "start of the query",
    ),
    b(
        C::Search,
        K::End,
        NONE,
        A::LineEnd(false),
        "end of the query",
    ),
    b(C::Search, K::Delete, NONE, A::Delete, "delete right"),
    b(C::Search, K::Backspace, NONE, A::Backspace, "delete left"),
    b(
        C::Search,
        K::Char('w'),
        CTRL,
        A::DeleteWordBack,
        "delete word left",
    ),
    b(
        C::Search,
        K::Char('u'),
        CTRL,
        A::ClearFilter,
        "clear the query",
    ),
    // Evidence
    b(C::Evidence, K::Up, NONE, A::Up, "previous passage"),
    b(C::Evidence, K::Char('k'), NONE, A::Up, "previous passage"),
    b(C::Evidence, K::Down, NONE, A::Down, "next passage"),
    b(C::Evidence, K::Char('j'), NONE, A::Down, "next passage"),
    b(C::Evidence, K::PageUp, NONE, A::PageUp, "page up"),
    b(C::Evidence, K::PageDown, NONE, A::PageDown, "page down"),
    b(C::Evidence, K::Home, NONE, A::First, "first passage"),
    b(C::Evidence, K::End, NONE, A::Last, "last passage"),
    b(C::Evidence, K::Right, NONE, A::NextTheme, "next theme"),
    b(C::Evidence, K::Left, NONE, A::PrevTheme, "previous theme"),
    b(
        C::Evidence,
        K::Char('s'),
        NONE,
        A::ToggleSort,
        "sort by date / by session",
    ),
    b(
        C::Evidence,
        K::Char(' '),
        NONE,
        A::ToggleMark,
        "mark / unmark the passage",
    ),
    b(
        C::Evidence,
        K::Char('y'),
        NONE,
        A::CopyQuote,
        "copy the quote with its citation",
    ),
    b(
        C::Evidence,
        K::Char('x'),
        NONE,
        A::Export,
        "export marked (or all) passages to Markdown",
    ),
    b(
        C::Evidence,
        K::Enter,
        NONE,
        A::OpenResult,
        "open the note at the passage (Esc comes back)",
    ),
    b(C::Evidence, K::Char('q'), NONE, A::Back, "back"),
    // Export prompt
    b(
        C::ExportPrompt,
        K::Enter,
        NONE,
        A::Confirm,
        "write the file",
    ),
    b(
        C::ExportPrompt,
        K::Backspace,
        NONE,
        A::Backspace,
        "delete left",
    ),
    b(
        C::ExportPrompt,
        K::Char('u'),
        CTRL,
        A::ClearFilter,
        "clear the file name",
    ),
    // Help
    b(C::Help, K::Up, NONE, A::Up, "scroll up"),
    b(C::Help, K::Down, NONE, A::Down, "scroll down"),
    b(C::Help, K::PageUp, NONE, A::PageUp, "page up"),
    b(C::Help, K::PageDown, NONE, A::PageDown, "page down"),
    b(C::Help, K::Char('q'), NONE, A::Back, "close help"),
    b(C::Help, K::Char('?'), NONE, A::Back, "close help"),
];

/// The action bound to `key` in `context`, falling back to `Global`.
pub fn lookup(context: Context, key: &KeyEvent) -> Option<Action> {
    let mods = normalise_mods(key);
    let find = |ctx: Context| {
        BINDINGS
            .iter()
            .find(|b| b.context == ctx && b.code == normalise_code(key.code) && b.mods == mods)
            .map(|b| b.action)
    };
    find(context).or_else(|| find(Context::Global))
}

/// Shift on a plain character is part of the character ('?' is Shift+/ on most layouts), so it
/// is ignored for character keys without Ctrl or Alt.
fn normalise_mods(key: &KeyEvent) -> KeyModifiers {
    let m = key.modifiers & (CTRL | SHIFT | ALT);
    match key.code {
        K::Char(_) if !m.intersects(CTRL | ALT) => NONE,
        K::Char(_) if m.contains(CTRL) && m.contains(SHIFT) => CTRL_SHIFT,
        K::BackTab => SHIFT,
        _ => m,
    }
}

fn normalise_code(code: KeyCode) -> KeyCode {
    match code {
        // Ctrl+Shift+Z arrives as an upper-case 'Z' on some terminals.
        K::Char(c) if c.is_ascii_uppercase() => K::Char(c.to_ascii_lowercase()),
        other => other,
    }
}

/// A printable character to insert, when the key is plain typing.
pub fn typed_char(key: &KeyEvent) -> Option<char> {
    match key.code {
        K::Char(c) if !key.modifiers.intersects(CTRL | ALT) => Some(c),
        // AltGr arrives as Ctrl+Alt on Windows terminals and produces characters.
        K::Char(c) if key.modifiers.contains(CTRL | ALT) => Some(c),
        _ => None,
    }
}

/// A key as people write it: "Ctrl+Shift+Left".
pub fn describe(code: KeyCode, mods: KeyModifiers) -> String {
    let mut s = String::new();
    if mods.contains(CTRL) {
        s.push_str("Ctrl+");
    }
    if mods.contains(ALT) {
        s.push_str("Alt+");
    }
    if mods.contains(SHIFT) && code != K::BackTab {
        s.push_str("Shift+");
    }
    let name = match code {
        K::Char(' ') => "Space".to_string(),
        K::Char(c) => c.to_string(),
        K::F(n) => format!("F{n}"),
        K::BackTab => "Shift+Tab".to_string(),
        K::PageUp => "PgUp".to_string(),
        K::PageDown => "PgDn".to_string(),
        other => format!("{other:?}"),
    };
    s.push_str(&name);
    s
}

/// Help rows per context: (context title, [(keys, description)]). Keys bound to the same action
/// and description are joined ("Up, k").
pub fn help_sections() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    let contexts = [
        C::Global,
        C::List,
        C::Editor,
        C::Form,
        C::Search,
        C::Evidence,
        C::ExportPrompt,
        C::Help,
    ];
    let mut out = Vec::new();
    for ctx in contexts {
        let mut rows: Vec<(String, &'static str)> = Vec::new();
        for bind in BINDINGS.iter().filter(|b| b.context == ctx) {
            let key = describe(bind.code, bind.mods);
            if let Some(row) = rows.iter_mut().find(|(_, h)| *h == bind.help) {
                row.0.push_str(", ");
                row.0.push_str(&key);
            } else {
                rows.push((key, bind.help));
            }
        }
        if ctx == C::Editor {
            rows.push(("any character".into(), "type text"));
        }
        if ctx == C::Search {
            rows.push(("any character".into(), "type the query (results follow)"));
        }
        out.push((ctx.title(), rows));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn context_bindings_win_and_global_is_the_fallback() {
        assert_eq!(lookup(C::List, &key(K::Char('q'), NONE)), Some(A::Quit));
        assert_eq!(
            lookup(C::Editor, &key(K::Char('q'), NONE)),
            None,
            "q types in the editor"
        );
        assert_eq!(lookup(C::Editor, &key(K::Char('s'), CTRL)), Some(A::Save));
        assert_eq!(
            lookup(C::Editor, &key(K::Left, CTRL_SHIFT)),
            Some(A::WordLeft(true))
        );
        assert_eq!(lookup(C::List, &key(K::Char('?'), SHIFT)), Some(A::Help));
        assert_eq!(
            lookup(C::Editor, &key(K::Char('Z'), CTRL_SHIFT)),
            Some(A::Redo)
        );
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                assert!(
                    !(a.context == b.context && a.code == b.code && a.mods == b.mods),
                    "{:?} {} bound twice",
                    a.context,
                    describe(a.code, a.mods)
                );
            }
        }
    }

    #[test]
    fn help_lists_every_binding() {
        let sections = help_sections();
        let text: String = sections
            .iter()
            .flat_map(|(_, rows)| rows.iter().map(|(k, h)| format!("{k} {h}\n")))
            .collect();
        for bind in BINDINGS {
            assert!(text.contains(&describe(bind.code, bind.mods)), "{:?}", bind);
            assert!(text.contains(bind.help));
        }
    }
}
