//! The binding table: one binding a line.

use super::{Action, Binding, Context, Motion, ALT, ALT_SHIFT, CTRL, CTRL_SHIFT, NONE, SHIFT};
use crossterm::event::KeyCode;

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
/// The keymap. Order matters only for the help screen (first binding of an action is listed
/// first) and for lookups (first match wins).
#[rustfmt::skip]
pub const BINDINGS: &[Binding] = bindings! {
    // Everywhere
    Global,        F(1),      NONE,       Help,                            "help", "help (also ? outside text fields)";
    Global,        Char('q'), CTRL,       Quit,                            "quit", "quit (saves first)";
    Global,        Char('c'), CTRL,       QuitOrCopy,                      "", "copy the selection; with none, on the session list only, quit (saves first)";
    Global,        Char('s'), CTRL,       Save,                            "save", "save now";
    Global,        Tab,       NONE,       NextPane,                        "next pane", "next pane";
    Global,        BackTab,   SHIFT,      PrevPane,                        "", "previous pane";
    Global,        Esc,       NONE,       Back,                            "back", "back / close (in a note: the first Esc clears a selection, the next leaves the note)";
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
    Editor,        Char('f'), CTRL,       Find,                            "find", "find and replace in the note (accents and case do not matter)";
    Editor,        Char('g'), CTRL,       FindNext,                        "", "next match of the last find";
    Editor,        Char('g'), CTRL_SHIFT, FindPrev,                        "", "previous match of the last find";
    Editor,        Char('n'), ALT,        FindNext,                        "", "next match of the last find (n)";
    Editor,        Char('n'), ALT_SHIFT,  FindPrev,                        "", "previous match of the last find (N)";
    Editor,        F(7),      NONE,       Spelling,                        "spelling", "spelling: suggestions for the word at the cursor, or add it to the word list";
    Editor,        F(8),      NONE,       FocusMode,                       "focus", "focus mode: only the text (again: back)";
    Editor,        Char('b'), CTRL,       ToggleDetails,                   "", "collapse / show the details pane";
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
    Evidence,      Char('x'), NONE,       Export,                          "export", "export marked (or all) passages: Markdown, or CSV / JSON / DOCX for a .csv / .json / .docx name";
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
    // Exchange with other tools (REFI-QDA)
    List,           Char('x'), NONE,      OpenExport,                      "export", "export a REFI-QDA project (.qdpx) or codebook (.qdc) for NVivo, ATLAS.ti, MAXQDA…";
    List,           Char('i'), NONE,      OpenImport,                      "import", "import a REFI-QDA project (.qdpx) or codebook (.qdc): shows the plan first";
    ExchangeExport, Enter,     NONE,      Confirm,                         "export", "write the file";
    ExchangeExport, Tab,       NONE,      NextField,                       "file/query", "next field (the file, the query choosing sessions)";
    ExchangeExport, BackTab,   SHIFT,     PrevField,                       "", "previous field";
    ExchangeExport, Down,      NONE,      NextField,                       "", "next field";
    ExchangeExport, Up,        NONE,      PrevField,                       "", "previous field";
    ExchangeExport, Char('t'), CTRL,      ExchangeKind,                    "project/codebook", "export a project (.qdpx) or the codebook alone (.qdc)";
    ExchangeExport, Char('d'), CTRL,      ToggleDeidentify,                "de-identify", "de-identify the export (no names; ripple.toml's deidentify terms redacted), or not";
    ExchangeExport, Left,      NONE,      Left(false),                     "", "cursor left";
    ExchangeExport, Right,     NONE,      Right(false),                    "", "cursor right";
    ExchangeExport, Left,      CTRL,      WordLeft(false),                 "", "word left";
    ExchangeExport, Right,     CTRL,      WordRight(false),                "", "word right";
    ExchangeExport, Home,      NONE,      LineStart(false),                "", "start of the field";
    ExchangeExport, End,       NONE,      LineEnd(false),                  "", "end of the field";
    ExchangeExport, Backspace, NONE,      Backspace,                       "", "delete left";
    ExchangeExport, Delete,    NONE,      Delete,                          "", "delete right";
    ExchangeExport, Char('w'), CTRL,      DeleteWordBack,                  "", "delete word left";
    ExchangeExport, Char('u'), CTRL,      ClearFilter,                     "", "clear the field";
    ExchangeImport, Enter,     NONE,      Confirm,                         "read it and show the plan", "read the file and show what importing it would do (nothing is written yet)";
    ExchangeImport, Left,      NONE,      Left(false),                     "", "cursor left";
    ExchangeImport, Right,     NONE,      Right(false),                    "", "cursor right";
    ExchangeImport, Left,      CTRL,      WordLeft(false),                 "", "word left";
    ExchangeImport, Right,     CTRL,      WordRight(false),                "", "word right";
    ExchangeImport, Home,      NONE,      LineStart(false),                "", "start of the file name";
    ExchangeImport, End,       NONE,      LineEnd(false),                  "", "end of the file name";
    ExchangeImport, Backspace, NONE,      Backspace,                       "", "delete left";
    ExchangeImport, Delete,    NONE,      Delete,                          "", "delete right";
    ExchangeImport, Char('w'), CTRL,      DeleteWordBack,                  "", "delete word left";
    ExchangeImport, Char('u'), CTRL,      ClearFilter,                     "", "clear the file name";
    ExchangePlan,   Char('y'), NONE,      Confirm,                         "import", "yes: import as planned";
    ExchangePlan,   Char('n'), NONE,      Back,                            "cancel", "no: cancel, nothing is written (also Esc)";
    ExchangePlan,   Up,        NONE,      Up,                              "", "scroll up";
    ExchangePlan,   Char('k'), NONE,      Up,                              "", "scroll up";
    ExchangePlan,   Down,      NONE,      Down,                            "", "scroll down";
    ExchangePlan,   Char('j'), NONE,      Down,                            "", "scroll down";
    ExchangePlan,   PageUp,    NONE,      PageUp,                          "", "page up";
    ExchangePlan,   PageDown,  NONE,      PageDown,                        "", "page down";
    ExchangePlan,   Home,      NONE,      First,                           "", "top of the plan";
    ExchangePlan,   End,       NONE,      Last,                            "", "end of the plan";
    ExchangeDone,   Enter,     NONE,      Confirm,                         "close", "close (once the work is done)";
    ExchangeDone,   Up,        NONE,      Up,                              "", "scroll up (a long result)";
    ExchangeDone,   Char('k'), NONE,      Up,                              "", "scroll up (a long result)";
    ExchangeDone,   Down,      NONE,      Down,                            "", "scroll down (a long result)";
    ExchangeDone,   Char('j'), NONE,      Down,                            "", "scroll down (a long result)";
    ExchangeDone,   PageUp,    NONE,      PageUp,                          "", "page up";
    ExchangeDone,   PageDown,  NONE,      PageDown,                        "", "page down";
    ExchangeDone,   Home,      NONE,      First,                           "", "top of the result";
    ExchangeDone,   End,       NONE,      Last,                            "", "end of the result";
    // Agreement
    List,          Char('A'), NONE,       OpenAgreement,                   "agreement", "inter-coder agreement: figures per theme, disagreements to settle";
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
    // The message log
    Global,        F(2),      NONE,       OpenMessages,                    "messages", "the message log: every message of this run, whole (in the editor F2 is coding mode)";
    List,          Char('m'), NONE,       OpenMessages,                    "messages", "the message log: every message of this run, whole";
    Messages,      Up,        NONE,       Up,                              "scroll", "scroll up";
    Messages,      Down,      NONE,       Down,                            "scroll", "scroll down";
    Messages,      PageUp,    NONE,       PageUp,                          "page", "page up";
    Messages,      PageDown,  NONE,       PageDown,                        "page", "page down";
    Messages,      Home,      NONE,       First,                           "", "newest";
    Messages,      End,       NONE,       Last,                            "", "oldest";
    Messages,      Char('q'), NONE,       Back,                            "", "close the log";
    Messages,      Char('m'), NONE,       Back,                            "", "close the log";
    Messages,      F(2),      NONE,       Back,                            "", "close the log";
    // Settings
    List,          Char(','), NONE,       OpenSettings,                    "settings", "settings: your names as facilitator and coder, blind coding";
    Settings,      Enter,     NONE,       Accept,                          "save", "save to the config file";
    Settings,      Esc,       NONE,       Cancel,                          "cancel", "cancel (on the first run: ask again next time)";
    Settings,      Up,        NONE,       Up,                              "", "previous setting";
    Settings,      Down,      NONE,       Down,                            "", "next setting";
    Settings,      Tab,       NONE,       Down,                            "", "next setting";
    Settings,      Left,      NONE,       Left(false),                     "", "left (on blind coding: on / off)";
    Settings,      Right,     NONE,       Right(false),                    "", "right (on blind coding: on / off)";
    Settings,      Home,      NONE,       LineStart(false),                "", "start of the name";
    Settings,      End,       NONE,       LineEnd(false),                  "", "end of the name";
    Settings,      Backspace, NONE,       Backspace,                       "", "delete left";
    Settings,      Delete,    NONE,       Delete,                          "", "delete right";
    Settings,      Char('w'), CTRL,       DeleteWordBack,                  "", "delete word left";
    Settings,      Char('u'), CTRL,       ClearFilter,                     "", "clear the name";
    // Find and replace in the note
    Find,          Enter,     NONE,       FindNext,                        "next", "next match";
    Find,          Down,      NONE,       FindNext,                        "next", "next match";
    Find,          Char('g'), CTRL,       FindNext,                        "", "next match";
    Find,          Up,        NONE,       FindPrev,                        "previous", "previous match";
    Find,          Char('g'), CTRL_SHIFT, FindPrev,                        "", "previous match";
    Find,          Char('n'), ALT,        FindNext,                        "next", "next match (n)";
    Find,          Char('n'), ALT_SHIFT,  FindPrev,                        "previous", "previous match (N)";
    Find,          Tab,       NONE,       FindField,                       "replace with", "between the find and replace fields";
    Find,          BackTab,   SHIFT,      FindField,                       "", "between the find and replace fields";
    Find,          Char('r'), CTRL,       ReplaceOne,                      "replace", "replace this match and go to the next";
    Find,          Char('a'), CTRL,       ReplaceAll,                      "all", "replace every match (one undo step)";
    Find,          Esc,       NONE,       Back,                            "close", "close find (the match stays selected)";
    Find,          Backspace, NONE,       Backspace,                       "", "delete left";
    Find,          Delete,    NONE,       Delete,                          "", "delete right";
    Find,          Left,      NONE,       Left(false),                     "", "left";
    Find,          Right,     NONE,       Right(false),                    "", "right";
    Find,          Home,      NONE,       LineStart(false),                "", "start";
    Find,          End,       NONE,       LineEnd(false),                  "", "end";
    Find,          Char('w'), CTRL,       DeleteWordBack,                  "", "delete word left";
    Find,          Char('u'), CTRL,       ClearFilter,                     "", "clear";
    Find,          Char('z'), CTRL,       Undo,                            "", "undo the last replacement";
    // Spelling suggestions
    Spelling,      Up,        NONE,       Up,                              "choose", "previous suggestion";
    Spelling,      Down,      NONE,       Down,                            "choose", "next suggestion";
    Spelling,      Enter,     NONE,       Accept,                          "replace", "replace the word with the suggestion (or add it)";
    Spelling,      Char('a'), NONE,       AddWord,                         "add to word list", "add the word to the store's word list (words.txt)";
    Spelling,      Esc,       NONE,       Cancel,                          "cancel", "cancel";
    // Sharing a note
    List,          Char('s'), NONE,       Share,                           "share", "share the highlighted session: Markdown, HTML or DOCX, de-identified if you like";
    Editor,        Char('e'), CTRL,       Share,                           "share", "share this note: Markdown, HTML or DOCX, de-identified if you like";
    Form,          Char('e'), CTRL,       Share,                           "", "share this note: Markdown, HTML or DOCX, de-identified if you like";
    Coding,        Char('e'), CTRL,       Share,                           "", "share this note: Markdown, HTML or DOCX, de-identified if you like";
    Codings,       Char('e'), CTRL,       Share,                           "", "share this note: Markdown, HTML or DOCX, de-identified if you like";
    Share,         Enter,     NONE,       Confirm,                         "share", "write the file";
    Share,         Esc,       NONE,       Back,                            "cancel", "cancel";
    Share,         Tab,       NONE,       ShareFormat,                     "format", "next format: Markdown, HTML, DOCX (the file name follows)";
    Share,         Char('d'), CTRL,       ToggleDeidentify,                "de-identify", "de-identify (no facilitator or ids; ripple.toml's deidentify terms redacted), or not";
    Share,         Backspace, NONE,       Backspace,                       "", "delete left";
    Share,         Delete,    NONE,       Delete,                          "", "delete right";
    Share,         Left,      NONE,       Left(false),                     "", "left";
    Share,         Right,     NONE,       Right(false),                    "", "right";
    Share,         Home,      NONE,       LineStart(false),                "", "start of the file name";
    Share,         End,       NONE,       LineEnd(false),                  "", "end of the file name";
    Share,         Char('u'), CTRL,       ClearFilter,                     "", "clear the file name";
    ShareReplace,  Char('y'), NONE,       ReplaceFile,                     "replace the file", "yes: replace the existing file";
    ShareReplace,  Char('n'), NONE,       KeepFile,                        "keep it", "no: keep the file and choose another name (also Esc)";
    ShareReplace,  Esc,       NONE,       KeepFile,                        "", "no: keep the file and choose another name";
    // Between sessions
    List,          Char('o'), NONE,       OpenFollowUps,                   "follow-ups", "follow-ups: the open - [ ] items of every note";
    List,          Char('t'), NONE,       OpenTrash,                       "trash", "trash: deleted sessions, to restore";
    List,          Char('d'), NONE,       DeleteSession,                   "delete", "delete the highlighted session (to the trash; asks first)";
    List,          Delete,    NONE,       DeleteSession,                   "", "delete the highlighted session (to the trash; asks first)";
    List,          Char('y'), NONE,       DuplicateSession,                "duplicate", "duplicate the highlighted session (a copy, without codings)";
    List,          Char('['), NONE,       PrevSameAgencies,                "", "previous session with the same agencies";
    List,          Char(']'), NONE,       NextSameAgencies,                "", "next session with the same agencies";
    Editor,        PageUp,    ALT,        PrevSameAgencies,                "", "open the previous session with the same agencies";
    Editor,        PageDown,  ALT,        NextSameAgencies,                "", "open the next session with the same agencies";
    Form,          PageUp,    ALT,        PrevSameAgencies,                "", "open the previous session with the same agencies";
    Form,          PageDown,  ALT,        NextSameAgencies,                "", "open the next session with the same agencies";
    NewFrom,       Up,        NONE,       Up,                              "choose", "previous way to start";
    NewFrom,       Char('k'), NONE,       Up,                              "", "previous way to start";
    NewFrom,       Down,      NONE,       Down,                            "choose", "next way to start";
    NewFrom,       Char('j'), NONE,       Down,                            "", "next way to start";
    NewFrom,       Home,      NONE,       First,                           "", "first way to start";
    NewFrom,       End,       NONE,       Last,                            "", "last way to start (blank)";
    NewFrom,       Enter,     NONE,       Accept,                          "start", "start the new session this way";
    NewFrom,       Char('q'), NONE,       Back,                            "", "back to the sessions";
    NewFrom,       Char('?'), NONE,       Help,                            "", "help";
    Trash,         Up,        NONE,       Up,                              "", "previous deleted session";
    Trash,         Char('k'), NONE,       Up,                              "", "previous deleted session";
    Trash,         Down,      NONE,       Down,                            "", "next deleted session";
    Trash,         Char('j'), NONE,       Down,                            "", "next deleted session";
    Trash,         Home,      NONE,       First,                           "", "first";
    Trash,         End,       NONE,       Last,                            "", "last";
    Trash,         Char('r'), NONE,       RestoreSession,                  "restore", "restore the highlighted session (with its codings)";
    Trash,         Enter,     NONE,       RestoreSession,                  "", "restore the highlighted session (with its codings)";
    Trash,         Char('q'), NONE,       Back,                            "", "back to the sessions";
    Trash,         Char('?'), NONE,       Help,                            "", "help";
    FollowUps,     Up,        NONE,       Up,                              "", "previous follow-up";
    FollowUps,     Down,      NONE,       Down,                            "", "next follow-up";
    FollowUps,     PageUp,    NONE,       PageUp,                          "", "page up";
    FollowUps,     PageDown,  NONE,       PageDown,                        "", "page down";
    FollowUps,     Home,      NONE,       First,                           "", "first";
    FollowUps,     End,       NONE,       Last,                            "", "last";
    FollowUps,     Char(' '), NONE,       ToggleFollowUp,                  "tick", "tick / untick the highlighted follow-up (saves its note)";
    FollowUps,     Char('x'), CTRL,       ToggleFollowUp,                  "", "tick / untick the highlighted follow-up (saves its note)";
    FollowUps,     Enter,     NONE,       OpenResult,                      "open", "open the note at the follow-up (Esc comes back)";
    FollowUps,     Char('a'), CTRL,       ToggleDoneShown,                 "done too", "show done and carried follow-ups too, or open ones only";
    FollowUps,     Backspace, NONE,       Backspace,                       "", "delete left in the filter";
    FollowUps,     Char('u'), CTRL,       ClearFilter,                     "", "clear the filter";
    CarryOver,     Up,        NONE,       Up,                              "", "previous follow-up";
    CarryOver,     Char('k'), NONE,       Up,                              "", "previous follow-up";
    CarryOver,     Down,      NONE,       Down,                            "", "next follow-up";
    CarryOver,     Char('j'), NONE,       Down,                            "", "next follow-up";
    CarryOver,     Char(' '), NONE,       ToggleFollowUp,                  "tick", "tick / untick the highlighted follow-up (ticked ones are carried over)";
    CarryOver,     Char('a'), NONE,       SelectAll,                       "all/none", "tick all, or none when all are ticked";
    CarryOver,     Enter,     NONE,       Accept,                          "carry over", "add the ticked follow-ups at the end of the note, under \"Open follow-ups from DATE (TITLE)\" (one undo step)";
    CarryOver,     Esc,       NONE,       Cancel,                          "no thanks", "do not carry them over (not offered again for this note unless its agencies change)";
    ConfirmDelete, Char('y'), NONE,       Confirm,                         "deletes", "yes: move the session to the trash";
    ConfirmDelete, Enter,     NONE,       Confirm,                         "", "yes: move the session to the trash";
    ConfirmDelete, Char('n'), NONE,       Cancel,                          "keeps it", "no: keep it (also Esc)";
    ConfirmDelete, Esc,       NONE,       Cancel,                          "", "no: keep it";
    // Analysis
    List,          Char('a'), NONE,       OpenAnalysis,                    "analysis", "analysis: theme matrix, co-occurrence, words over time";
    Analysis,      Up,        NONE,       Up,                              "", "previous row";
    Analysis,      Char('k'), NONE,       Up,                              "", "previous row";
    Analysis,      Down,      NONE,       Down,                            "", "next row";
    Analysis,      Char('j'), NONE,       Down,                            "", "next row";
    Analysis,      Left,      NONE,       Left(false),                     "", "previous column (the table scrolls)";
    Analysis,      Char('h'), NONE,       Left(false),                     "", "previous column (the table scrolls)";
    Analysis,      Right,     NONE,       Right(false),                    "", "next column (the table scrolls)";
    Analysis,      Char('l'), NONE,       Right(false),                    "", "next column (the table scrolls)";
    Analysis,      PageUp,    NONE,       PageUp,                          "", "page up";
    Analysis,      PageDown,  NONE,       PageDown,                        "", "page down";
    Analysis,      Home,      NONE,       First,                           "", "first row";
    Analysis,      End,       NONE,       Last,                            "", "last row";
    Analysis,      Enter,     NONE,       OpenResult,                      "open", "what is behind the cell: its passages or sessions in search; a word's occurrences; a note";
    Analysis,      Char(' '), NONE,       Analysis(super::AnalysisKey::Fold), "fold", "fold / unfold the theme's sub-themes";
    Analysis,      Char('['), NONE,       Analysis(super::AnalysisKey::FoldAll), "", "fold every theme";
    Analysis,      Char(']'), NONE,       Analysis(super::AnalysisKey::UnfoldAll), "", "unfold every theme";
    Analysis,      Char('f'), NONE,       Analysis(super::AnalysisKey::Flat), "flat", "rows rolled up (a parent counts its sub-themes) / flat (each theme alone)";
    Analysis,      Char('d'), NONE,       Analysis(super::AnalysisKey::NextDimension), "columns", "next column dimension: month, project month, quarter, agency, joint, type, county, facilitator, coder, tag, session";
    Analysis,      Char('D'), NONE,       Analysis(super::AnalysisKey::PrevDimension), "", "previous column dimension";
    Analysis,      Char('v'), NONE,       Analysis(super::AnalysisKey::NextValue), "value", "what a cell counts: passages / sessions / codings / share of the column's sessions";
    Analysis,      Char('/'), NONE,       Analysis(super::AnalysisKey::EditQuery), "query", "what is counted: a query of the query language (Enter applies)";
    Analysis,      Char('m'), NONE,       Analysis(super::AnalysisKey::Matrix), "matrix", "the theme matrix";
    Analysis,      Char('c'), NONE,       Analysis(super::AnalysisKey::Cooccurrence), "co-occur", "theme co-occurrence (theme × theme)";
    Analysis,      Char('p'), NONE,       Analysis(super::AnalysisKey::Level), "level", "co-occurrence: overlapping passages / same session";
    Analysis,      Char('s'), NONE,       Analysis(super::AnalysisKey::SameCoder), "coder", "co-occurrence: by any coders / by the same coder only";
    Analysis,      Char('n'), NONE,       Analysis(super::AnalysisKey::Coefficient), "c", "co-occurrence: counts / c-coefficient n12 / (n1 + n2 − n12)";
    Analysis,      Char('w'), NONE,       Analysis(super::AnalysisKey::Terms), "words", "words and phrases by column (occurrences in the notes)";
    Analysis,      Char('W'), NONE,       Analysis(super::AnalysisKey::EditWords), "edit words", "the words to count (comma between them; a query of words each)";
    Analysis,      Char('%'), NONE,       Analysis(super::AnalysisKey::Per10k), "per 10k", "words: occurrences / per 10,000 words of the column's notes";
    Analysis,      Char('x'), NONE,       Analysis(super::AnalysisKey::Concordance), "concordance", "concordance: every occurrence of the row's words in context";
    Analysis,      Char('K'), NONE,       Analysis(super::AnalysisKey::Keywords), "keywords", "keywords of the column: words over-represented against the rest (G²)";
    Analysis,      Char('r'), NONE,       Analysis(super::AnalysisKey::Reload), "", "read the store again";
    Analysis,      Char('g'), NONE,       OpenAgreement,                   "agreement", "the agreement screen";
    Analysis,      Char('q'), NONE,       Back,                            "", "back (to the table, then to the sessions)";
    Analysis,      Char('?'), NONE,       Help,                            "", "help";
    AnalysisInput, Enter,     NONE,       Accept,                          "apply", "apply";
    AnalysisInput, Esc,       NONE,       Cancel,                          "cancel", "cancel (what is counted stays)";
    AnalysisInput, Backspace, NONE,       Backspace,                       "", "delete left";
    AnalysisInput, Delete,    NONE,       Delete,                          "", "delete right";
    AnalysisInput, Left,      NONE,       Left(false),                     "", "left";
    AnalysisInput, Right,     NONE,       Right(false),                    "", "right";
    AnalysisInput, Home,      NONE,       LineStart(false),                "", "start";
    AnalysisInput, End,       NONE,       LineEnd(false),                  "", "end";
    AnalysisInput, Char('u'), CTRL,       ClearFilter,                     "", "clear";
    AnalysisInput, Char('w'), CTRL,       DeleteWordBack,                  "", "delete the word before";
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::describe;

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
}
