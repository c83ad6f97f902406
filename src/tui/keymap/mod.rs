//! Every key binding in one table. The help screen and every key hint (the status line, the
//! dialogs, the messages that name a key) are generated from it, so they cannot drift.
//!
//! Printable characters that no binding claims are text input in the editor, the form and the
//! filter; everything else goes through `lookup`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
mod help;
mod hints;
mod names;
mod table;
pub mod user;

pub use help::help_sections;
pub use hints::*;
pub use names::{describe, short};
pub use table::BINDINGS;
pub use user::bindings;

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
    /// The message log.
    Messages,
    /// The settings form (and the first run's question).
    Settings,
    /// Find (and replace) in the open note.
    Find,
    /// Spelling suggestions for the word at the cursor.
    Spelling,
    /// The share dialog: format, file name, de-identify.
    Share,
    /// The share's file exists: replace it or not.
    ShareReplace,
    /// Starting a new session: a template, blank, or from the last session with these agencies.
    NewFrom,
    /// The deleted sessions in the store's trash.
    Trash,
    /// Open follow-ups across sessions.
    FollowUps,
    /// Delete the highlighted session (to the trash)?
    ConfirmDelete,
    /// The open follow-ups of the previous session with the agencies just typed: carry them
    /// over into the note, or not.
    CarryOver,
    /// The REFI-QDA export dialog.
    ExchangeExport,
    /// The REFI-QDA import dialog: the file.
    ExchangeImport,
    /// The import plan: import it or not.
    ExchangePlan,
    /// An export or import under way, or its result.
    ExchangeDone,
    /// The analysis screen (matrix, co-occurrence, words, concordance, keywords).
    Analysis,
    /// The analysis screen's query or words being typed.
    AnalysisInput,
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
            Context::Messages => "Message log",
            Context::Settings => "Settings (your names, blind coding)",
            Context::Find => "Find and replace in the note",
            Context::Spelling => "Spelling suggestions",
            Context::Share => "Share a note (Markdown, HTML, DOCX)",
            Context::ShareReplace => "Share: the file exists",
            Context::NewFrom => "New session: how to start",
            Context::Trash => "Trash (deleted sessions)",
            Context::FollowUps => "Follow-ups (- [ ] lines of every note)",
            Context::ConfirmDelete => "Delete the session?",
            Context::CarryOver => "Carry over the last session's open follow-ups",
            Context::ExchangeExport => "Export to NVivo, ATLAS.ti, MAXQDA… (REFI-QDA)",
            Context::ExchangeImport => "Import from NVivo, ATLAS.ti, MAXQDA… (REFI-QDA)",
            Context::ExchangePlan => "Import plan",
            Context::ExchangeDone => "Export or import: progress and result",
            Context::Analysis => "Analysis (matrix, co-occurrence, words, concordance, keywords)",
            Context::AnalysisInput => "Analysis: typing the query or the words to count",
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
    /// The message log: every status message of this run, whole.
    OpenMessages,
    /// The settings form.
    OpenSettings,
    // Writing
    /// Find (and replace) in the note.
    Find,
    FindNext,
    FindPrev,
    /// Find: move between the find and replace fields.
    FindField,
    ReplaceOne,
    ReplaceAll,
    /// Spelling suggestions for the word at the cursor.
    Spelling,
    /// Add the word to the store's word list.
    AddWord,
    /// Focus mode: only the text (no details pane, no margin).
    FocusMode,
    /// Show or collapse the details pane.
    ToggleDetails,
    /// Share the highlighted session or the open note (the share dialog).
    Share,
    /// The share dialog: the next format (the file name's extension follows).
    ShareFormat,
    // Between sessions
    OpenTrash,
    OpenFollowUps,
    DeleteSession,
    DuplicateSession,
    /// The session before / after this one with the same agencies.
    PrevSameAgencies,
    NextSameAgencies,
    RestoreSession,
    /// Tick or untick the highlighted follow-up.
    ToggleFollowUp,
    /// The follow-ups view: show done ones too, or open ones only.
    ToggleDoneShown,
    // Exchange (REFI-QDA)
    OpenExport,
    OpenImport,
    /// The export dialog: a project (.qdpx) or the codebook alone (.qdc).
    ExchangeKind,
    // Analysis
    OpenAnalysis,
    /// A key of the analysis screen.
    Analysis(AnalysisKey),
}

/// What a key does on the analysis screen (besides moving, Enter and Esc).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnalysisKey {
    /// Fold or unfold the theme's sub-themes.
    Fold,
    FoldAll,
    UnfoldAll,
    /// Rolled-up rows (a parent counts its sub-themes' passages) or each theme on its own.
    Flat,
    NextDimension,
    PrevDimension,
    /// Passages → sessions → codings → share.
    NextValue,
    EditQuery,
    EditWords,
    Matrix,
    Cooccurrence,
    Terms,
    Concordance,
    Keywords,
    /// Co-occurrence: passage or session level.
    Level,
    /// Co-occurrence: pairs by any coders or by one and the same coder.
    SameCoder,
    /// Co-occurrence: counts or c-coefficients.
    Coefficient,
    /// Words: occurrences or per 10,000 words.
    Per10k,
    /// Read the store again.
    Reload,
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
const ALT_SHIFT: KeyModifiers = KeyModifiers::ALT.union(KeyModifiers::SHIFT);
use Context as C;
use KeyCode as K;

/// The action bound to `key` in `context`, falling back to `Global`.
///
/// The two dialogs (`Conflict`, `Recovery`) take their letters in either case and whatever the
/// modifiers of a non-character key (Shift+Up scrolls too); Ctrl combinations stay what they are
/// (Ctrl-Q quits from the recovery window).
pub fn lookup(context: Context, key: &KeyEvent) -> Option<Action> {
    lookup_in(bindings(), context, key)
}

/// `lookup` in the keymap `table`.
pub fn lookup_in(table: &[Binding], context: Context, key: &KeyEvent) -> Option<Action> {
    let key = if matches!(context, C::Conflict | C::Recovery) {
        dialog_key(key)
    } else {
        *key
    };
    let mods = normalise_mods(&key);
    let code = normalise_code(key.code, mods);
    let find = |ctx: Context| {
        table
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
        // Alt+Shift+N arrives as Alt with an upper-case 'N', with or without Shift.
        K::Char(c) if m == ALT && c.is_uppercase() => ALT_SHIFT,
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

#[cfg(test)]
mod tests {
    use super::*;
    use Action as A;

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
    fn alt_n_and_alt_shift_n_go_through_the_matches_however_the_terminal_sends_them() {
        for ctx in [C::Editor, C::Find] {
            assert_eq!(lookup(ctx, &key(K::Char('n'), ALT)), Some(A::FindNext));
            // Legacy terminals: ESC N, read as Alt with an upper-case letter (and Shift).
            assert_eq!(
                lookup(ctx, &key(K::Char('N'), ALT_SHIFT)),
                Some(A::FindPrev)
            );
            assert_eq!(lookup(ctx, &key(K::Char('N'), ALT)), Some(A::FindPrev));
            // The kitty keyboard protocol: the base letter with both modifiers.
            assert_eq!(
                lookup(ctx, &key(K::Char('n'), ALT_SHIFT)),
                Some(A::FindPrev)
            );
            // A plain n is typed.
            assert_eq!(lookup(ctx, &key(K::Char('n'), NONE)), None);
        }
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
