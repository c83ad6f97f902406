//! Every key binding in one table. The help screen and every key hint (the status line, the
//! dialogs, the messages that name a key) are generated from it, so they cannot drift.
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
    /// The open note's file changed outside Ripple while it has unsaved edits: reload or keep.
    Conflict,
    /// Kept text (a draft, a save cut short) not made from the file as it is: choose a version.
    Recovery,
    /// The agreement screen's table of figures per theme.
    Agreement,
    /// The agreement screen's list of one theme's disagreements.
    Disagreements,
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
            Context::Conflict => "The file changed outside Ripple (unsaved edits here)",
            Context::Recovery => "Kept text differs from the file",
            Context::Agreement => "Agreement (figures per theme)",
            Context::Disagreements => "Disagreements (settling into the consensus coder)",
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
    // The file changed outside Ripple / kept text differs from the file
    /// Take the file from disk; our text goes to a recovery draft first.
    ReloadFile,
    /// Keep our text: the next save replaces the outside change.
    KeepMine,
    /// Kept text: take it instead of the file.
    TakeDraft,
    /// Kept text: merge it with the file.
    Merge,
    // Agreement
    OpenAgreement,
    /// The unit compared: character, paragraph, segment.
    AgreeUnit,
    /// The coders compared: the default set, or each pair.
    AgreeCoders,
    /// The sessions compared: those marked done, or all.
    AgreeSessions,
    /// Settle the disagreement with the n-th compared coder's codings (1-based).
    AcceptCoder(u8),
    AcceptBoth,
    AcceptNeither,
    /// The open note: mark it done (or not) for agreement.
    MarkDone,
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

/// One binding: in `context`, the chord `code` + `mods` does `action`. `hint` is the short label
/// the status line shows beside the key (empty: the key is not the one hints show for its
/// action); `help` is the help screen's description.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Binding {
    pub context: Context,
    pub code: KeyCode,
    pub mods: KeyModifiers,
    pub action: Action,
    pub hint: &'static str,
    pub help: &'static str,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const ALT: KeyModifiers = KeyModifiers::ALT;
const CTRL_SHIFT: KeyModifiers = KeyModifiers::CONTROL.union(KeyModifiers::SHIFT);

/// One binding a line: `context, key, modifiers, action, "hint", "help";`.
macro_rules! bindings {
    ($($ctx:ident, $code:ident $(($arg:expr))?, $mods:ident, $action:ident $(($aarg:expr))?,
       $hint:literal, $help:literal;)*) => {
        &[$(Binding {
            context: Context::$ctx,
            code: KeyCode::$code $(($arg))?,
            mods: $mods,
            action: Action::$action $(($aarg))?,
            hint: $hint,
            help: $help,
        }),*]
    };
}

use Action as A;
use Context as C;
use KeyCode as K;

/// The keymap. Order matters only for the help screen (first binding of an action is listed
/// first) and for lookups (first match wins).
#[rustfmt::skip]
pub const BINDINGS: &[Binding] = bindings! {
    // Everywhere
    Global,        F(1),      NONE,       Help,                            "help", "help (also ? outside text fields)";
    Global,        Char('q'), CTRL,       Quit,                            "quit", "quit (saves first)";
    Global,        Char('c'), CTRL,       QuitOrCopy,                      "", "copy the selection; with none, quit (saves first)";
    Global,        Char('s'), CTRL,       Save,                            "save", "save now";
    Global,        Tab,       NONE,       NextPane,                        "next pane", "next pane";
    Global,        BackTab,   SHIFT,      PrevPane,                        "", "previous pane";
    Global,        Esc,       NONE,       Back,                            "back", "back / close";
    // Session list
    List,          Char('?'), NONE,       Help,                            "help", "help";
    List,          Char('q'), NONE,       Quit,                            "quit", "quit";
    List,          Char('n'), NONE,       NewSession,                      "new", "new session";
    List,          Enter,     NONE,       OpenSession,                     "open", "open the highlighted session";
    List,          Char('f'), NONE,       FocusFilter,                     "", "filter (or just type any other letter)";
    List,          Char('u'), CTRL,       ClearFilter,                     "", "clear the filter";
    List,          Up,        NONE,       Up,                              "", "previous session";
    List,          Char('k'), NONE,       Up,                              "", "previous session";
    List,          Down,      NONE,       Down,                            "", "next session";
    List,          Char('j'), NONE,       Down,                            "", "next session";
    List,          PageUp,    NONE,       PageUp,                          "", "page up";
    List,          PageDown,  NONE,       PageDown,                        "", "page down";
    List,          Home,      NONE,       First,                           "", "first session";
    List,          End,       NONE,       Last,                            "", "last session";
    List,          Char('/'), NONE,       OpenSearch,                      "search", "search notes and coded passages";
    List,          Char('e'), NONE,       OpenEvidence,                    "evidence", "evidence: coded passages by theme";
    // Editor
    Editor,        Left,      NONE,       Left(false),                     "", "left";
    Editor,        Right,     NONE,       Right(false),                    "", "right";
    Editor,        Up,        NONE,       LineUp(false),                   "", "up a line";
    Editor,        Down,      NONE,       LineDown(false),                 "", "down a line";
    Editor,        Left,      SHIFT,      Left(true),                      "", "select left";
    Editor,        Right,     SHIFT,      Right(true),                     "", "select right";
    Editor,        Up,        SHIFT,      LineUp(true),                    "", "select up";
    Editor,        Down,      SHIFT,      LineDown(true),                  "", "select down";
    Editor,        Left,      CTRL,       WordLeft(false),                 "", "word left";
    Editor,        Right,     CTRL,       WordRight(false),                "", "word right";
    Editor,        Char('b'), ALT,        WordLeft(false),                 "", "word left";
    Editor,        Char('f'), ALT,        WordRight(false),                "", "word right";
    Editor,        Left,      CTRL_SHIFT, WordLeft(true),                  "", "select word left";
    Editor,        Right,     CTRL_SHIFT, WordRight(true),                 "", "select word right";
    Editor,        Home,      NONE,       LineStart(false),                "", "start of line";
    Editor,        End,       NONE,       LineEnd(false),                  "", "end of line";
    Editor,        Home,      SHIFT,      LineStart(true),                 "", "select to start of line";
    Editor,        End,       SHIFT,      LineEnd(true),                   "", "select to end of line";
    Editor,        Home,      CTRL,       DocStart(false),                 "", "start of note";
    Editor,        End,       CTRL,       DocEnd(false),                   "", "end of note";
    Editor,        Home,      CTRL_SHIFT, DocStart(true),                  "", "select to start of note";
    Editor,        End,       CTRL_SHIFT, DocEnd(true),                    "", "select to end of note";
    Editor,        PageUp,    NONE,       PageUpEdit(false),               "", "page up";
    Editor,        PageDown,  NONE,       PageDownEdit(false),             "", "page down";
    Editor,        PageUp,    SHIFT,      PageUpEdit(true),                "", "select a page up";
    Editor,        PageDown,  SHIFT,      PageDownEdit(true),              "", "select a page down";
    Editor,        Enter,     NONE,       Newline,                         "", "new line";
    Editor,        Backspace, NONE,       Backspace,                       "", "delete left";
    Editor,        Delete,    NONE,       Delete,                          "", "delete right";
    Editor,        Char('w'), CTRL,       DeleteWordBack,                  "", "delete word left";
    Editor,        Backspace, CTRL,       DeleteWordBack,                  "", "delete word left";
    Editor,        Backspace, ALT,        DeleteWordBack,                  "", "delete word left";
    Editor,        Delete,    CTRL,       DeleteWordForward,               "", "delete word right";
    Editor,        Char('z'), CTRL,       Undo,                            "undo", "undo";
    Editor,        Char('y'), CTRL,       Redo,                            "", "redo";
    Editor,        Char('z'), CTRL_SHIFT, Redo,                            "", "redo";
    Editor,        Char('x'), CTRL,       Cut,                             "", "cut";
    Editor,        Char('v'), CTRL,       Paste,                           "", "paste (terminal paste works too)";
    Editor,        Char('a'), CTRL,       SelectAll,                       "", "select all";
    Editor,        Char('f'), CTRL,       OpenSearch,                      "", "search (closes the note)";
    // Form
    Form,          Up,        NONE,       PrevField,                       "", "previous field";
    Form,          Down,      NONE,       NextField,                       "", "next field";
    Form,          Enter,     NONE,       NextField,                       "", "next field (from the last: the note)";
    Form,          Right,     NONE,       AcceptSuggestion,                "takes", "at the end: take the suggested value";
    Form,          Char('n'), CTRL,       NextSuggestion,                  "next", "next suggestion";
    Form,          Char('p'), CTRL,       PrevSuggestion,                  "previous", "previous suggestion";
    Form,          Backspace, NONE,       Backspace,                       "", "delete left";
    Form,          Delete,    NONE,       Delete,                          "", "delete right";
    Form,          Left,      NONE,       Left(false),                     "", "left (on Type: previous type)";
    Form,          Home,      NONE,       LineStart(false),                "", "start of field";
    Form,          End,       NONE,       LineEnd(false),                  "", "end of field";
    Form,          Char('w'), CTRL,       DeleteWordBack,                  "", "delete word left";
    Form,          Char('u'), CTRL,       ClearFilter,                     "", "clear the field";
    // Search
    Search,        Up,        NONE,       Up,                              "choose", "previous result";
    Search,        Down,      NONE,       Down,                            "choose", "next result";
    Search,        PageUp,    NONE,       PageUp,                          "", "page up";
    Search,        PageDown,  NONE,       PageDown,                        "", "page down";
    Search,        Char('t'), CTRL,       SwitchResults,                   "passages/sessions", "switch between passages and sessions";
    Search,        F(3),      NONE,       SwitchResults,                   "passages/sessions", "switch between passages and sessions";
    Search,        Enter,     NONE,       OpenResult,                      "open", "open the note at the result (Esc comes back)";
    Search,        Char('e'), CTRL,       OpenEvidence,                    "evidence", "evidence for this query";
    Search,        Left,      NONE,       Left(false),                     "", "cursor left in the query";
    Search,        Right,     NONE,       Right(false),                    "", "cursor right in the query";
    Search,        Left,      CTRL,       WordLeft(false),                 "", "word left in the query";
    Search,        Right,     CTRL,       WordRight(false),                "", "word right in the query";
    Search,        Home,      NONE,       LineStart(false),                "", "start of the query";
    Search,        End,       NONE,       LineEnd(false),                  "", "end of the query";
    Search,        Delete,    NONE,       Delete,                          "", "delete right";
    Search,        Backspace, NONE,       Backspace,                       "", "delete left";
    Search,        Char('w'), CTRL,       DeleteWordBack,                  "", "delete word left";
    Search,        Char('u'), CTRL,       ClearFilter,                     "", "clear the query";
    // Evidence
    Evidence,      Up,        NONE,       Up,                              "", "previous passage";
    Evidence,      Char('k'), NONE,       Up,                              "", "previous passage";
    Evidence,      Down,      NONE,       Down,                            "", "next passage";
    Evidence,      Char('j'), NONE,       Down,                            "", "next passage";
    Evidence,      PageUp,    NONE,       PageUp,                          "", "page up";
    Evidence,      PageDown,  NONE,       PageDown,                        "", "page down";
    Evidence,      Home,      NONE,       First,                           "", "first passage";
    Evidence,      End,       NONE,       Last,                            "", "last passage";
    Evidence,      Right,     NONE,       NextTheme,                       "theme", "next theme";
    Evidence,      Left,      NONE,       PrevTheme,                       "theme", "previous theme";
    Evidence,      Char('s'), NONE,       ToggleSort,                      "sort", "sort by date / by session";
    Evidence,      Char(' '), NONE,       ToggleMark,                      "mark", "mark / unmark the passage";
    Evidence,      Char('y'), NONE,       CopyQuote,                       "copy", "copy the quote with its citation";
    Evidence,      Char('x'), NONE,       Export,                          "export", "export marked (or all) passages: Markdown, or CSV / JSON for a .csv / .json name";
    Evidence,      Enter,     NONE,       OpenResult,                      "open", "open the note at the passage (Esc comes back)";
    Evidence,      Char('q'), NONE,       Back,                            "", "back";
    // Export prompt
    ExportPrompt,  Enter,     NONE,       Confirm,                         "write the file", "write the file";
    ExportPrompt,  Backspace, NONE,       Backspace,                       "", "delete left";
    ExportPrompt,  Char('u'), CTRL,       ClearFilter,                     "", "clear the file name";
    ExportPrompt,  Char('d'), CTRL,       ToggleDeidentify,                "de-identify", "de-identify the export (no names or ids; ripple.toml's deidentify terms redacted), or not";
    // The export file exists
    ExportReplace, Char('y'), NONE,       ReplaceFile,                     "replace the file", "yes: replace the existing file with the export";
    ExportReplace, Char('Y'), NONE,       ReplaceFile,                     "", "yes: replace the existing file with the export";
    ExportReplace, Char('n'), NONE,       KeepFile,                        "keep it and choose another name", "no: keep the file and choose another name (also Esc)";
    ExportReplace, Char('N'), NONE,       KeepFile,                        "", "no: keep the file and choose another name (also Esc)";
    // Coding, from the editor
    Editor,        Char('t'), CTRL,       ThemePicker,                     "code", "code the selection: choose a theme";
    Editor,        F(2),      NONE,       CodingMode,                      "coding mode", "coding mode (single-key coding; note read-only)";
    Editor,        Char('.'), ALT,        RepeatTheme,                     "", "code the selection with the last theme used";
    Editor,        F(3),      NONE,       CoderFilter,                     "", "show all coders' codings / one coder's";
    Editor,        Char('r'), CTRL,       RestoreCodings,                  "restore", "restore your codings kept in a draft after a failed save";
    Editor,        Char('1'), ALT,        QuickTheme(1),                   "", "code with the n-th most used theme (coding mode lists them)";
    Editor,        Char('2'), ALT,        QuickTheme(2),                   "", "code with the n-th most used theme (coding mode lists them)";
    Editor,        Char('3'), ALT,        QuickTheme(3),                   "", "code with the n-th most used theme (coding mode lists them)";
    Editor,        Char('4'), ALT,        QuickTheme(4),                   "", "code with the n-th most used theme (coding mode lists them)";
    Editor,        Char('5'), ALT,        QuickTheme(5),                   "", "code with the n-th most used theme (coding mode lists them)";
    Editor,        Char('6'), ALT,        QuickTheme(6),                   "", "code with the n-th most used theme (coding mode lists them)";
    Editor,        Char('7'), ALT,        QuickTheme(7),                   "", "code with the n-th most used theme (coding mode lists them)";
    Editor,        Char('8'), ALT,        QuickTheme(8),                   "", "code with the n-th most used theme (coding mode lists them)";
    Editor,        Char('9'), ALT,        QuickTheme(9),                   "", "code with the n-th most used theme (coding mode lists them)";
    // Coding mode
    Coding,        F(2),      NONE,       CodingMode,                      "leave", "leave coding mode";
    Coding,        Esc,       NONE,       Back,                            "leave", "drop the selection, else leave coding mode";
    Coding,        Char('v'), NONE,       SelectMark,                      "select", "start / drop a selection";
    Coding,        Char('s'), NONE,       SelectSentence,                  "sentence", "select the sentence";
    Coding,        Char('p'), NONE,       SelectParagraph,                 "paragraph", "select the paragraph";
    Coding,        Char('w'), NONE,       CodeMove(Motion::WordNext),      "", "next word";
    Coding,        Char('b'), NONE,       CodeMove(Motion::WordPrev),      "", "previous word";
    Coding,        Char(')'), NONE,       CodeMove(Motion::SentenceNext),  "", "end of sentence / next";
    Coding,        Char('('), NONE,       CodeMove(Motion::SentencePrev),  "", "start of sentence / previous";
    Coding,        Char('}'), NONE,       CodeMove(Motion::ParagraphNext), "", "end of paragraph / next";
    Coding,        Char('{'), NONE,       CodeMove(Motion::ParagraphPrev), "", "start of paragraph / previous";
    Coding,        Left,      NONE,       CodeMove(Motion::Left),          "", "left";
    Coding,        Char('h'), NONE,       CodeMove(Motion::Left),          "", "left";
    Coding,        Right,     NONE,       CodeMove(Motion::Right),         "", "right";
    Coding,        Char('l'), NONE,       CodeMove(Motion::Right),         "", "right";
    Coding,        Up,        NONE,       CodeMove(Motion::Up),            "", "up a line";
    Coding,        Char('k'), NONE,       CodeMove(Motion::Up),            "", "up a line";
    Coding,        Down,      NONE,       CodeMove(Motion::Down),          "", "down a line";
    Coding,        Char('j'), NONE,       CodeMove(Motion::Down),          "", "down a line";
    Coding,        Left,      SHIFT,      Left(true),                      "", "select left";
    Coding,        Right,     SHIFT,      Right(true),                     "", "select right";
    Coding,        Up,        SHIFT,      LineUp(true),                    "", "select up";
    Coding,        Down,      SHIFT,      LineDown(true),                  "", "select down";
    Coding,        Left,      CTRL_SHIFT, WordLeft(true),                  "", "select word left";
    Coding,        Right,     CTRL_SHIFT, WordRight(true),                 "", "select word right";
    Coding,        Home,      NONE,       CodeMove(Motion::LineStart),     "", "start of line";
    Coding,        Char('0'), NONE,       CodeMove(Motion::LineStart),     "", "start of line";
    Coding,        End,       NONE,       CodeMove(Motion::LineEnd),       "", "end of line";
    Coding,        Char('$'), NONE,       CodeMove(Motion::LineEnd),       "", "end of line";
    Coding,        Char('g'), NONE,       CodeMove(Motion::DocStart),      "", "start of note";
    Coding,        Char('G'), NONE,       CodeMove(Motion::DocEnd),        "", "end of note";
    Coding,        Char('t'), NONE,       ThemePicker,                     "theme", "code the selection: choose a theme";
    Coding,        Enter,     NONE,       ThemePicker,                     "", "code the selection: choose a theme";
    Coding,        Char('.'), NONE,       RepeatTheme,                     "again", "code with the last theme used";
    Coding,        Char('x'), NONE,       RemoveCoding,                    "remove", "remove the coding under the cursor";
    Coding,        Char('m'), NONE,       CodingMemo,                      "", "memo of the coding under the cursor";
    Coding,        Char('M'), NONE,       NoteMemo,                        "", "your memo on this note";
    Coding,        Char('f'), NONE,       CoderFilter,                     "", "show all coders' codings / one coder's";
    Coding,        F(3),      NONE,       CoderFilter,                     "", "show all coders' codings / one coder's";
    Coding,        Char('r'), CTRL,       RestoreCodings,                  "", "restore your codings kept in a draft after a failed save";
    Coding,        Char('u'), NONE,       Undo,                            "", "undo";
    Coding,        Char('z'), CTRL,       Undo,                            "", "undo";
    Coding,        Char('y'), CTRL,       Redo,                            "", "redo";
    Coding,        Char('?'), NONE,       Help,                            "", "help";
    Coding,        Char('1'), NONE,       QuickTheme(1),                   "quick", "code with the n-th most used theme (coding mode lists them)";
    Coding,        Char('2'), NONE,       QuickTheme(2),                   "", "code with the n-th most used theme (coding mode lists them)";
    Coding,        Char('3'), NONE,       QuickTheme(3),                   "", "code with the n-th most used theme (coding mode lists them)";
    Coding,        Char('4'), NONE,       QuickTheme(4),                   "", "code with the n-th most used theme (coding mode lists them)";
    Coding,        Char('5'), NONE,       QuickTheme(5),                   "", "code with the n-th most used theme (coding mode lists them)";
    Coding,        Char('6'), NONE,       QuickTheme(6),                   "", "code with the n-th most used theme (coding mode lists them)";
    Coding,        Char('7'), NONE,       QuickTheme(7),                   "", "code with the n-th most used theme (coding mode lists them)";
    Coding,        Char('8'), NONE,       QuickTheme(8),                   "", "code with the n-th most used theme (coding mode lists them)";
    Coding,        Char('9'), NONE,       QuickTheme(9),                   "quick", "code with the n-th most used theme (coding mode lists them)";
    // Codings pane
    Codings,       Up,        NONE,       Up,                              "", "previous coding";
    Codings,       Char('k'), NONE,       Up,                              "", "previous coding";
    Codings,       Down,      NONE,       Down,                            "", "next coding";
    Codings,       Char('j'), NONE,       Down,                            "", "next coding";
    Codings,       Home,      NONE,       First,                           "", "first coding";
    Codings,       End,       NONE,       Last,                            "", "last coding";
    Codings,       Enter,     NONE,       JumpToCoding,                    "go to", "go to the passage (selects it)";
    Codings,       Char('t'), NONE,       ThemePicker,                     "theme", "change the coding's theme";
    Codings,       Char('d'), NONE,       RemoveCoding,                    "remove", "remove the coding (undoable)";
    Codings,       Delete,    NONE,       RemoveCoding,                    "", "remove the coding (undoable)";
    Codings,       Char('m'), NONE,       CodingMemo,                      "memo", "edit the coding's memo";
    Codings,       Char('M'), NONE,       NoteMemo,                        "note memo", "your memo on this note";
    Codings,       Char('a'), NONE,       ReattachOrphan,                  "re-attach", "orphaned coding: attach it to the editor's selection";
    Codings,       Char('f'), NONE,       CoderFilter,                     "coders", "show all coders' codings / one coder's";
    Codings,       F(3),      NONE,       CoderFilter,                     "", "show all coders' codings / one coder's";
    Codings,       Char('r'), CTRL,       RestoreCodings,                  "", "restore your codings kept in a draft after a failed save";
    Codings,       Char('z'), CTRL,       Undo,                            "", "undo";
    Codings,       Char('y'), CTRL,       Redo,                            "", "redo";
    Codings,       Char('?'), NONE,       Help,                            "", "help";
    // Theme picker
    Picker,        Enter,     NONE,       Accept,                          "apply", "apply the highlighted theme";
    Picker,        Esc,       NONE,       Cancel,                          "cancel", "cancel";
    Picker,        Up,        NONE,       Up,                              "choose", "previous theme";
    Picker,        Char('p'), CTRL,       Up,                              "", "previous theme";
    Picker,        Down,      NONE,       Down,                            "choose", "next theme";
    Picker,        Char('n'), CTRL,       Down,                            "", "next theme";
    Picker,        Tab,       NONE,       Down,                            "", "next theme";
    Picker,        PageUp,    NONE,       PageUp,                          "", "page up";
    Picker,        PageDown,  NONE,       PageDown,                        "", "page down";
    Picker,        Backspace, NONE,       Backspace,                       "", "delete left";
    Picker,        Char('u'), CTRL,       ClearFilter,                     "", "clear the filter";
    // Prompt
    Prompt,        Enter,     NONE,       Accept,                          "accept", "accept";
    Prompt,        Esc,       NONE,       Cancel,                          "cancel", "cancel";
    Prompt,        Backspace, NONE,       Backspace,                       "", "delete left";
    Prompt,        Delete,    NONE,       Delete,                          "", "delete right";
    Prompt,        Left,      NONE,       Left(false),                     "", "left";
    Prompt,        Right,     NONE,       Right(false),                    "", "right";
    Prompt,        Home,      NONE,       LineStart(false),                "", "start";
    Prompt,        End,       NONE,       LineEnd(false),                  "", "end";
    Prompt,        Char('u'), CTRL,       ClearFilter,                     "", "clear";
    Prompt,        Tab,       NONE,       Accept,                          "", "accept";
    // Codebook
    List,          Char('c'), NONE,       OpenCodebook,                    "codebook", "the codebook (themes, counts, edits)";
    Codebook,      Up,        NONE,       Up,                              "", "previous theme";
    Codebook,      Char('k'), NONE,       Up,                              "", "previous theme";
    Codebook,      Down,      NONE,       Down,                            "", "next theme";
    Codebook,      Char('j'), NONE,       Down,                            "", "next theme";
    Codebook,      Home,      NONE,       First,                           "", "first theme";
    Codebook,      End,       NONE,       Last,                            "", "last theme";
    Codebook,      Char('a'), NONE,       ThemeAdd,                        "add", "add a theme beside the highlighted one (key, name)";
    Codebook,      Char('r'), NONE,       ThemeRename,                     "rename", "rename";
    Codebook,      Char('C'), NONE,       ThemeRecolour,                   "colour", "next palette colour";
    Codebook,      Char('#'), NONE,       ThemeColourTyped,                "hex", "type a colour #rrggbb";
    Codebook,      Char('p'), NONE,       ThemeParent,                     "parent", "move under another parent";
    Codebook,      Char('M'), NONE,       ThemeMerge,                      "merge", "merge into another theme (passages move)";
    Codebook,      Char('D'), NONE,       ThemeDelete,                     "delete", "delete (passages must be reassigned)";
    Codebook,      Char('q'), NONE,       Back,                            "", "back to the sessions";
    Codebook,      Char('?'), NONE,       Help,                            "", "help";
    // The open note's file changed outside Ripple while it has unsaved edits
    Conflict,      Char('r'), NONE,       ReloadFile,                      "reloads the file", "reload the file (your version is kept as a draft)";
    Conflict,      Char('k'), NONE,       KeepMine,                        "keeps yours", "keep your version (it replaces the file)";
    // Kept text that was not made from the file as it is
    Recovery,      Char('f'), NONE,       KeepFile,                        "keeps the file", "keep the file (the kept text goes to the trash)";
    Recovery,      Char('d'), NONE,       TakeDraft,                       "takes the kept text", "take the kept text";
    Recovery,      Char('m'), NONE,       Merge,                           "merges both", "merge both";
    Recovery,      Esc,       NONE,       Back,                            "decides later", "decide later";
    Recovery,      Up,        NONE,       Up,                              "scroll", "scroll up";
    Recovery,      Down,      NONE,       Down,                            "scroll", "scroll down";
    Recovery,      PageUp,    NONE,       PageUp,                          "scroll", "page up";
    Recovery,      PageDown,  NONE,       PageDown,                        "scroll", "page down";
    Recovery,      Home,      NONE,       First,                           "", "top";
    // Agreement
    List,          Char('a'), NONE,       OpenAgreement,                   "agreement", "inter-coder agreement: figures per theme, disagreements to settle";
    Agreement,     Up,        NONE,       Up,                              "", "previous theme";
    Agreement,     Char('k'), NONE,       Up,                              "", "previous theme";
    Agreement,     Down,      NONE,       Down,                            "", "next theme";
    Agreement,     Char('j'), NONE,       Down,                            "", "next theme";
    Agreement,     Home,      NONE,       First,                           "", "first theme";
    Agreement,     End,       NONE,       Last,                            "", "all themes (last row)";
    Agreement,     Enter,     NONE,       OpenResult,                      "disagreements", "the theme's disagreements (passage, who coded what)";
    Agreement,     Char('u'), NONE,       AgreeUnit,                       "unit", "unit compared: character / paragraph / segment";
    Agreement,     Char('c'), NONE,       AgreeCoders,                     "coders", "coders compared: all but the consensus coder, or each pair";
    Agreement,     Char('s'), NONE,       AgreeSessions,                   "sessions", "sessions compared: those every coder marked done / all";
    Agreement,     Char('q'), NONE,       Back,                            "", "back to the sessions";
    Agreement,     Char('?'), NONE,       Help,                            "", "help";
    Disagreements, Up,        NONE,       Up,                              "", "previous disagreement";
    Disagreements, Char('k'), NONE,       Up,                              "", "previous disagreement";
    Disagreements, Down,      NONE,       Down,                            "", "next disagreement";
    Disagreements, Char('j'), NONE,       Down,                            "", "next disagreement";
    Disagreements, Home,      NONE,       First,                           "", "first disagreement";
    Disagreements, End,       NONE,       Last,                            "", "last disagreement";
    Disagreements, Char('a'), NONE,       AcceptCoder(1),                  "A's", "accept coder A's coding into the consensus coder";
    Disagreements, Char('b'), NONE,       AcceptCoder(2),                  "B's", "accept coder B's coding into the consensus coder";
    Disagreements, Char('B'), NONE,       AcceptBoth,                      "both", "accept both (every compared coder's) codings";
    Disagreements, Char('n'), NONE,       AcceptNeither,                   "neither", "accept neither: the consensus coder leaves the passage uncoded";
    Disagreements, Enter,     NONE,       OpenResult,                      "open", "open the note at the passage (Esc comes back)";
    Disagreements, Char('q'), NONE,       Back,                            "", "back to the figures";
    Disagreements, Char('?'), NONE,       Help,                            "", "help";
    Editor,        Char('d'), CTRL,       MarkDone,                        "done", "mark the session done for agreement (again: not done)";
    Coding,        Char('d'), CTRL,       MarkDone,                        "", "mark the session done for agreement (again: not done)";
    Codings,       Char('d'), CTRL,       MarkDone,                        "", "mark the session done for agreement (again: not done)";
    // Help
    Help,          Up,        NONE,       Up,                              "scroll", "scroll up";
    Help,          Down,      NONE,       Down,                            "scroll", "scroll down";
    Help,          PageUp,    NONE,       PageUp,                          "page", "page up";
    Help,          PageDown,  NONE,       PageDown,                        "page", "page down";
    Help,          Home,      NONE,       First,                           "", "top";
    Help,          End,       NONE,       Last,                            "", "bottom";
    Help,          Char('q'), NONE,       Back,                            "", "close help";
    Help,          Char('?'), NONE,       Back,                            "", "close help";
};

/// The action bound to `key` in `context`, falling back to `Global`.
///
/// The two dialogs (`Conflict`, `Recovery`) take their letters in either case and whatever the
/// modifiers of a non-character key (Shift+Up scrolls too); Ctrl combinations stay what they are
/// (Ctrl-Q quits from the recovery window).
pub fn lookup(context: Context, key: &KeyEvent) -> Option<Action> {
    let key = if matches!(context, C::Conflict | C::Recovery) {
        dialog_key(key)
    } else {
        *key
    };
    let mods = normalise_mods(&key);
    let code = normalise_code(key.code, mods);
    let find = |ctx: Context| {
        BINDINGS
            .iter()
            .find(|b| b.context == ctx && b.code == code && b.mods == mods)
            .map(|b| b.action)
    };
    find(context).or_else(|| find(Context::Global))
}

/// A dialog's key: typed letters lower-cased and without modifiers, other keys without modifiers,
/// Ctrl/Alt chords unchanged.
fn dialog_key(key: &KeyEvent) -> KeyEvent {
    match (typed_char(key), key.code) {
        (Some(c), _) => KeyEvent::new(K::Char(c.to_ascii_lowercase()), NONE),
        (None, K::Char(_)) => *key,
        (None, code) => KeyEvent::new(code, NONE),
    }
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

/// A key as the status line writes it: "Ctrl-S", "Esc", "↑".
pub fn short(code: KeyCode, mods: KeyModifiers) -> String {
    let mut s = String::new();
    if mods.contains(CTRL) {
        s.push_str("Ctrl-");
    }
    if mods.contains(ALT) {
        s.push_str("Alt-");
    }
    if mods.contains(SHIFT) && code != K::BackTab {
        s.push_str("Shift-");
    }
    let name = match code {
        K::Char(' ') => "Space".to_string(),
        K::Char(c) if mods.intersects(CTRL | ALT) => c.to_uppercase().to_string(),
        K::Char(c) => c.to_string(),
        K::F(n) => format!("F{n}"),
        K::BackTab => "Shift-Tab".to_string(),
        K::Up => "↑".to_string(),
        K::Down => "↓".to_string(),
        K::Left => "←".to_string(),
        K::Right => "→".to_string(),
        K::PageUp => "PgUp".to_string(),
        K::PageDown => "PgDn".to_string(),
        K::Delete => "Del".to_string(),
        other => format!("{other:?}"),
    };
    s.push_str(&name);
    s
}

/// The binding hints show for `action` in `context`: the first one with a hint label in the
/// context, then in `Global`; else the first one at all.
pub fn binding(context: Context, action: Action) -> Option<&'static Binding> {
    let of = |ctx: Context| {
        BINDINGS
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
    /// Words without a key: "type to filter".
    Text(&'static str),
}

impl Hint {
    #[cfg(test)]
    fn actions(self) -> Vec<Action> {
        match self {
            Hint::Key(a) | Hint::Said(a, _) | Hint::All(a, _) => vec![a],
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
            Hint::All(a, l) => {
                let keys: Vec<String> = BINDINGS
                    .iter()
                    .filter(|b| b.context == ctx && b.action == a)
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
    let parts: Vec<String> = items.iter().map(|h| h.render(ctx)).collect();
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

use Hint::{Key, Pair, Range, Said, Text};

// The hint lines: `NAME = context: items;`. Keys are looked up in the context, then `Global`.
hint_lines! {
    /// The session list's status line.
    LIST_HINTS = List: Key(A::NewSession), Key(A::OpenSession), Key(A::OpenSearch),
        Key(A::OpenEvidence), Key(A::OpenCodebook), Text("type to filter"), Key(A::Help),
        Key(A::Quit);
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
        Key(A::CodingMode), Key(A::Save), Key(A::Undo), Said(A::Back, "list"), Key(A::Help);
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
    /// The help overlay's title.
    HELP_HINTS = Help: Pair(A::Up, A::Down, "scroll"), Pair(A::PageUp, A::PageDown, "page"),
        Said(A::Back, "closes");
    /// The outside-change question, as a sentence: "r reloads the file, k keeps yours".
    CONFLICT_HINTS = Conflict: Key(A::ReloadFile), Key(A::KeepMine);
    /// The kept-text question, as a sentence.
    RECOVERY_HINTS = Recovery: Key(A::KeepFile), Key(A::TakeDraft), Key(A::Merge), Key(A::Back);
    /// The kept-text question when no merge is possible.
    RECOVERY_NO_MERGE_HINTS = Recovery: Key(A::KeepFile), Key(A::TakeDraft);
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
        C::Agreement,
        C::Disagreements,
        C::Conflict,
        C::Recovery,
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
    fn the_dialogs_take_letters_in_either_case_and_quit_stays_global() {
        assert_eq!(
            lookup(C::Conflict, &key(K::Char('R'), SHIFT)),
            Some(A::ReloadFile)
        );
        assert_eq!(
            lookup(C::Conflict, &key(K::Char('k'), NONE)),
            Some(A::KeepMine)
        );
        assert_eq!(lookup(C::Conflict, &key(K::Char('x'), NONE)), None);
        assert_eq!(
            lookup(C::Recovery, &key(K::Char('M'), NONE)),
            Some(A::Merge)
        );
        // AltGr arrives as Ctrl+Alt and types its letter.
        assert_eq!(
            lookup(C::Recovery, &key(K::Char('d'), CTRL | ALT)),
            Some(A::TakeDraft)
        );
        assert_eq!(lookup(C::Recovery, &key(K::Up, SHIFT)), Some(A::Up));
        assert_eq!(lookup(C::Recovery, &key(K::Esc, CTRL)), Some(A::Back));
        assert_eq!(lookup(C::Recovery, &key(K::Char('q'), CTRL)), Some(A::Quit));
        assert_eq!(lookup(C::Recovery, &key(K::Char('q'), NONE)), None);
    }
}
