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
    /// The export file exists: replace it or not.
    ExportReplace,
    /// Coding mode: the note is read-only and single keys select and code.
    Coding,
    /// The list of the open note's codings.
    Codings,
    /// Choosing a theme.
    Picker,
    /// A one-line text input (memo, theme name ...).
    Prompt,
    /// The codebook screen.
    Codebook,
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
            Context::ExportReplace => "Evidence export: the file exists",
            Context::Coding => "Coding mode (F2)",
            Context::Codings => "Codings pane",
            Context::Picker => "Theme picker",
            Context::Prompt => "Text input (memo, name)",
            Context::Codebook => "Codebook",
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
    /// The export prompt: de-identify the export, or not.
    ToggleDeidentify,
    Confirm,
    /// The export file exists: replace it (yes) or keep it and choose another name (no).
    ReplaceFile,
    KeepFile,
    // Coding
    /// Choose a theme for the selection (or for the highlighted coding).
    ThemePicker,
    CodingMode,
    /// Apply the n-th most used theme (1-based).
    QuickTheme(u8),
    RepeatTheme,
    CoderFilter,
    /// Coding mode: start (or drop) a selection at the cursor.
    SelectMark,
    SelectSentence,
    SelectParagraph,
    CodeMove(Motion),
    RemoveCoding,
    CodingMemo,
    NoteMemo,
    JumpToCoding,
    ReattachOrphan,
    /// Write codings kept in a draft after a failed save back into your coder file.
    RestoreCodings,
    /// Picker and prompt: take the choice / the text.
    Accept,
    Cancel,
    // Codebook
    OpenCodebook,
    ThemeAdd,
    ThemeRename,
    ThemeRecolour,
    ThemeColourTyped,
    ThemeParent,
    ThemeMerge,
    ThemeDelete,
}

/// Coding-mode motions (they extend the selection once `v` has started one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Motion {
    Left,
    Right,
    Up,
    Down,
    WordNext,
    WordPrev,
    SentenceNext,
    SentencePrev,
    ParagraphNext,
    ParagraphPrev,
    LineStart,
    LineEnd,
    DocStart,
    DocEnd,
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
        "export marked (or all) passages: Markdown, or CSV / JSON for a .csv / .json name",
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
    b(
        C::ExportPrompt,
        K::Char('d'),
        CTRL,
        A::ToggleDeidentify,
        "de-identify the export (no names or ids; ripple.toml's deidentify terms redacted), or not",
    ),
    // The export file exists
    b(
        C::ExportReplace,
        K::Char('y'),
        NONE,
        A::ReplaceFile,
        "yes: replace the existing file with the export",
    ),
    b(
        C::ExportReplace,
        K::Char('Y'),
        NONE,
        A::ReplaceFile,
        "yes: replace the existing file with the export",
    ),
    b(
        C::ExportReplace,
        K::Char('n'),
        NONE,
        A::KeepFile,
        "no: keep the file and choose another name (also Esc)",
    ),
    b(
        C::ExportReplace,
        K::Char('N'),
        NONE,
        A::KeepFile,
        "no: keep the file and choose another name (also Esc)",
    ),
    // Coding, from the editor
    b(
        C::Editor,
        K::Char('t'),
        CTRL,
        A::ThemePicker,
        "code the selection: choose a theme",
    ),
    b(
        C::Editor,
        K::F(2),
        NONE,
        A::CodingMode,
        "coding mode (single-key coding; note read-only)",
    ),
    b(
        C::Editor,
        K::Char('.'),
        ALT,
        A::RepeatTheme,
        "code the selection with the last theme used",
    ),
    b(
        C::Editor,
        K::F(3),
        NONE,
        A::CoderFilter,
        "show all coders' codings / one coder's",
    ),
    b(
        C::Editor,
        K::Char('r'),
        CTRL,
        A::RestoreCodings,
        "restore your codings kept in a draft after a failed save",
    ),
    QUICK_EDITOR[0],
    QUICK_EDITOR[1],
    QUICK_EDITOR[2],
    QUICK_EDITOR[3],
    QUICK_EDITOR[4],
    QUICK_EDITOR[5],
    QUICK_EDITOR[6],
    QUICK_EDITOR[7],
    QUICK_EDITOR[8],
    // Coding mode
    b(C::Coding, K::F(2), NONE, A::CodingMode, "leave coding mode"),
    b(
        C::Coding,
        K::Esc,
        NONE,
        A::Back,
        "drop the selection, else leave coding mode",
    ),
    b(
        C::Coding,
        K::Char('v'),
        NONE,
        A::SelectMark,
        "start / drop a selection",
    ),
    b(
        C::Coding,
        K::Char('s'),
        NONE,
        A::SelectSentence,
        "select the sentence",
    ),
    b(
        C::Coding,
        K::Char('p'),
        NONE,
        A::SelectParagraph,
        "select the paragraph",
    ),
    b(
        C::Coding,
        K::Char('w'),
        NONE,
        A::CodeMove(Motion::WordNext),
        "next word",
    ),
    b(
        C::Coding,
        K::Char('b'),
        NONE,
        A::CodeMove(Motion::WordPrev),
        "previous word",
    ),
    b(
        C::Coding,
        K::Char(')'),
        NONE,
        A::CodeMove(Motion::SentenceNext),
        "end of sentence / next",
    ),
    b(
        C::Coding,
        K::Char('('),
        NONE,
        A::CodeMove(Motion::SentencePrev),
        "start of sentence / previous",
    ),
    b(
        C::Coding,
        K::Char('}'),
        NONE,
        A::CodeMove(Motion::ParagraphNext),
        "end of paragraph / next",
    ),
    b(
        C::Coding,
        K::Char('{'),
        NONE,
        A::CodeMove(Motion::ParagraphPrev),
        "start of paragraph / previous",
    ),
    b(C::Coding, K::Left, NONE, A::CodeMove(Motion::Left), "left"),
    b(
        C::Coding,
        K::Char('h'),
        NONE,
        A::CodeMove(Motion::Left),
        "left",
    ),
    b(
        C::Coding,
        K::Right,
        NONE,
        A::CodeMove(Motion::Right),
        "right",
    ),
    b(
        C::Coding,
        K::Char('l'),
        NONE,
        A::CodeMove(Motion::Right),
        "right",
    ),
    b(C::Coding, K::Up, NONE, A::CodeMove(Motion::Up), "up a line"),
    b(
        C::Coding,
        K::Char('k'),
        NONE,
        A::CodeMove(Motion::Up),
        "up a line",
    ),
    b(
        C::Coding,
        K::Down,
        NONE,
        A::CodeMove(Motion::Down),
        "down a line",
    ),
    b(
        C::Coding,
        K::Char('j'),
        NONE,
        A::CodeMove(Motion::Down),
        "down a line",
    ),
    b(C::Coding, K::Left, SHIFT, A::Left(true), "select left"),
    b(C::Coding, K::Right, SHIFT, A::Right(true), "select right"),
    b(C::Coding, K::Up, SHIFT, A::LineUp(true), "select up"),
    b(C::Coding, K::Down, SHIFT, A::LineDown(true), "select down"),
    b(
        C::Coding,
        K::Left,
        CTRL_SHIFT,
        A::WordLeft(true),
        "select word left",
    ),
    b(
        C::Coding,
        K::Right,
        CTRL_SHIFT,
        A::WordRight(true),
        "select word right",
    ),
    b(
        C::Coding,
        K::Home,
        NONE,
        A::CodeMove(Motion::LineStart),
        "start of line",
    ),
    b(
        C::Coding,
        K::Char('0'),
        NONE,
        A::CodeMove(Motion::LineStart),
        "start of line",
    ),
    b(
        C::Coding,
        K::End,
        NONE,
        A::CodeMove(Motion::LineEnd),
        "end of line",
    ),
    b(
        C::Coding,
        K::Char('$'),
        NONE,
        A::CodeMove(Motion::LineEnd),
        "end of line",
    ),
    b(
        C::Coding,
        K::Char('g'),
        NONE,
        A::CodeMove(Motion::DocStart),
        "start of note",
    ),
    b(
        C::Coding,
        K::Char('G'),
        NONE,
        A::CodeMove(Motion::DocEnd),
        "end of note",
    ),
    b(
        C::Coding,
        K::Char('t'),
        NONE,
        A::ThemePicker,
        "code the selection: choose a theme",
    ),
    b(
        C::Coding,
        K::Enter,
        NONE,
        A::ThemePicker,
        "code the selection: choose a theme",
    ),
    b(
        C::Coding,
        K::Char('.'),
        NONE,
        A::RepeatTheme,
        "code with the last theme used",
    ),
    b(
        C::Coding,
        K::Char('x'),
        NONE,
        A::RemoveCoding,
        "remove the coding under the cursor",
    ),
    b(
        C::Coding,
        K::Char('m'),
        NONE,
        A::CodingMemo,
        "memo of the coding under the cursor",
    ),
    b(
        C::Coding,
        K::Char('M'),
        NONE,
        A::NoteMemo,
        "your memo on this note",
    ),
    b(
        C::Coding,
        K::Char('f'),
        NONE,
        A::CoderFilter,
        "show all coders' codings / one coder's",
    ),
    b(
        C::Coding,
        K::F(3),
        NONE,
        A::CoderFilter,
        "show all coders' codings / one coder's",
    ),
    b(
        C::Coding,
        K::Char('r'),
        CTRL,
        A::RestoreCodings,
        "restore your codings kept in a draft after a failed save",
    ),
    b(C::Coding, K::Char('u'), NONE, A::Undo, "undo"),
    b(C::Coding, K::Char('z'), CTRL, A::Undo, "undo"),
    b(C::Coding, K::Char('y'), CTRL, A::Redo, "redo"),
    b(C::Coding, K::Char('?'), NONE, A::Help, "help"),
    QUICK_CODING[0],
    QUICK_CODING[1],
    QUICK_CODING[2],
    QUICK_CODING[3],
    QUICK_CODING[4],
    QUICK_CODING[5],
    QUICK_CODING[6],
    QUICK_CODING[7],
    QUICK_CODING[8],
    // Codings pane
    b(C::Codings, K::Up, NONE, A::Up, "previous coding"),
    b(C::Codings, K::Char('k'), NONE, A::Up, "previous coding"),
    b(C::Codings, K::Down, NONE, A::Down, "next coding"),
    b(C::Codings, K::Char('j'), NONE, A::Down, "next coding"),
    b(C::Codings, K::Home, NONE, A::First, "first coding"),
    b(C::Codings, K::End, NONE, A::Last, "last coding"),
    b(
        C::Codings,
        K::Enter,
        NONE,
        A::JumpToCoding,
        "go to the passage (selects it)",
    ),
    b(
        C::Codings,
        K::Char('t'),
        NONE,
        A::ThemePicker,
        "change the coding's theme",
    ),
    b(
        C::Codings,
        K::Char('d'),
        NONE,
        A::RemoveCoding,
        "remove the coding (undoable)",
    ),
    b(
        C::Codings,
        K::Delete,
        NONE,
        A::RemoveCoding,
        "remove the coding (undoable)",
    ),
    b(
        C::Codings,
        K::Char('m'),
        NONE,
        A::CodingMemo,
        "edit the coding's memo",
    ),
    b(
        C::Codings,
        K::Char('M'),
        NONE,
        A::NoteMemo,
        "your memo on this note",
    ),
    b(
        C::Codings,
        K::Char('a'),
        NONE,
        A::ReattachOrphan,
        "orphaned coding: attach it to the editor's selection",
    ),
    b(
        C::Codings,
        K::Char('f'),
        NONE,
        A::CoderFilter,
        "show all coders' codings / one coder's",
    ),
    b(
        C::Codings,
        K::F(3),
        NONE,
        A::CoderFilter,
        "show all coders' codings / one coder's",
    ),
    b(
        C::Codings,
        K::Char('r'),
        CTRL,
        A::RestoreCodings,
        "restore your codings kept in a draft after a failed save",
    ),
    b(C::Codings, K::Char('z'), CTRL, A::Undo, "undo"),
    b(C::Codings, K::Char('y'), CTRL, A::Redo, "redo"),
    b(C::Codings, K::Char('?'), NONE, A::Help, "help"),
    // Theme picker
    b(
        C::Picker,
        K::Enter,
        NONE,
        A::Accept,
        "apply the highlighted theme",
    ),
    b(C::Picker, K::Esc, NONE, A::Cancel, "cancel"),
    b(C::Picker, K::Up, NONE, A::Up, "previous theme"),
    b(C::Picker, K::Char('p'), CTRL, A::Up, "previous theme"),
    b(C::Picker, K::Down, NONE, A::Down, "next theme"),
    b(C::Picker, K::Char('n'), CTRL, A::Down, "next theme"),
    b(C::Picker, K::Tab, NONE, A::Down, "next theme"),
    b(C::Picker, K::PageUp, NONE, A::PageUp, "page up"),
    b(C::Picker, K::PageDown, NONE, A::PageDown, "page down"),
    b(C::Picker, K::Backspace, NONE, A::Backspace, "delete left"),
    b(
        C::Picker,
        K::Char('u'),
        CTRL,
        A::ClearFilter,
        "clear the filter",
    ),
    // Prompt
    b(C::Prompt, K::Enter, NONE, A::Accept, "accept"),
    b(C::Prompt, K::Esc, NONE, A::Cancel, "cancel"),
    b(C::Prompt, K::Backspace, NONE, A::Backspace, "delete left"),
    b(C::Prompt, K::Delete, NONE, A::Delete, "delete right"),
    b(C::Prompt, K::Left, NONE, A::Left(false), "left"),
    b(C::Prompt, K::Right, NONE, A::Right(false), "right"),
    b(C::Prompt, K::Home, NONE, A::LineStart(false), "start"),
    b(C::Prompt, K::End, NONE, A::LineEnd(false), "end"),
    b(C::Prompt, K::Char('u'), CTRL, A::ClearFilter, "clear"),
    b(C::Prompt, K::Tab, NONE, A::Accept, "accept"),
    // Codebook
    b(
        C::List,
        K::Char('c'),
        NONE,
        A::OpenCodebook,
        "the codebook (themes, counts, edits)",
    ),
    b(C::Codebook, K::Up, NONE, A::Up, "previous theme"),
    b(C::Codebook, K::Char('k'), NONE, A::Up, "previous theme"),
    b(C::Codebook, K::Down, NONE, A::Down, "next theme"),
    b(C::Codebook, K::Char('j'), NONE, A::Down, "next theme"),
    b(C::Codebook, K::Home, NONE, A::First, "first theme"),
    b(C::Codebook, K::End, NONE, A::Last, "last theme"),
    b(
        C::Codebook,
        K::Char('a'),
        NONE,
        A::ThemeAdd,
        "add a theme beside the highlighted one (key, name)",
    ),
    b(C::Codebook, K::Char('r'), NONE, A::ThemeRename, "rename"),
    b(
        C::Codebook,
        K::Char('C'),
        NONE,
        A::ThemeRecolour,
        "next palette colour",
    ),
    b(
        C::Codebook,
        K::Char('#'),
        NONE,
        A::ThemeColourTyped,
        "type a colour #rrggbb",
    ),
    b(
        C::Codebook,
        K::Char('p'),
        NONE,
        A::ThemeParent,
        "move under another parent",
    ),
    b(
        C::Codebook,
        K::Char('M'),
        NONE,
        A::ThemeMerge,
        "merge into another theme (passages move)",
    ),
    b(
        C::Codebook,
        K::Char('D'),
        NONE,
        A::ThemeDelete,
        "delete (passages must be reassigned)",
    ),
    b(
        C::Codebook,
        K::Char('q'),
        NONE,
        A::Back,
        "back to the sessions",
    ),
    b(C::Codebook, K::Char('?'), NONE, A::Help, "help"),
    // Help
    b(C::Help, K::Up, NONE, A::Up, "scroll up"),
    b(C::Help, K::Down, NONE, A::Down, "scroll down"),
    b(C::Help, K::PageUp, NONE, A::PageUp, "page up"),
    b(C::Help, K::PageDown, NONE, A::PageDown, "page down"),
    b(C::Help, K::Home, NONE, A::First, "top"),
    b(C::Help, K::End, NONE, A::Last, "bottom"),
    b(C::Help, K::Char('q'), NONE, A::Back, "close help"),
    b(C::Help, K::Char('?'), NONE, A::Back, "close help"),
];

const fn quick(context: Context, mods: KeyModifiers) -> [Binding; 9] {
    let digits = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
    let mut out = [b(context, K::Null, NONE, A::QuickTheme(1), ""); 9];
    let mut i = 0;
    while i < 9 {
        out[i] = b(
            context,
            K::Char(digits[i]),
            mods,
            A::QuickTheme(i as u8 + 1),
            "code with the n-th most used theme (coding mode lists them)",
        );
        i += 1;
    }
    out
}
const QUICK_EDITOR: [Binding; 9] = quick(C::Editor, ALT);
const QUICK_CODING: [Binding; 9] = quick(C::Coding, NONE);

/// The action bound to `key` in `context`, falling back to `Global`.
pub fn lookup(context: Context, key: &KeyEvent) -> Option<Action> {
    let mods = normalise_mods(key);
    let find = |ctx: Context| {
        BINDINGS
            .iter()
            .find(|b| {
                b.context == ctx && b.code == normalise_code(key.code, mods) && b.mods == mods
            })
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

fn normalise_code(code: KeyCode, mods: KeyModifiers) -> KeyCode {
    match code {
        // Ctrl+Shift+Z arrives as an upper-case 'Z' on some terminals. Plain upper-case letters
        // stay: `M` and `m` are different keys.
        K::Char(c) if c.is_ascii_uppercase() && mods.intersects(CTRL | ALT) => {
            K::Char(c.to_ascii_lowercase())
        }
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
        C::Coding,
        C::Codings,
        C::Picker,
        C::Prompt,
        C::Form,
        C::Codebook,
        C::Search,
        C::Evidence,
        C::ExportPrompt,
        C::ExportReplace,
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
        if ctx == C::Picker {
            rows.push((
                "any character".into(),
                "filter themes (fuzzy; accents optional)",
            ));
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
