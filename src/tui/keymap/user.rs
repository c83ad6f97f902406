//! The user's keymap file (`keymap.toml` beside `config.toml`): bindings overridden per
//! context, read once at start into the runtime keymap that every lookup, hint and help row
//! uses. The format is in docs/user-guide.md:
//!
//! ```toml
//! [list]
//! share = "S"
//! open-search = ["/", "Ctrl-F"]
//!
//! [editor]
//! share = "Ctrl-P"
//! ```
//!
//! A table is a context, a key an action (kebab-case, as `ripple keymap` prints them), the
//! value the key or keys that do it there (`[]` unbinds it). The action's table bindings in
//! that context are replaced. A problem (unknown context, action or key, a key already bound
//! to another action there, a plain character where it would type text) is reported with the
//! file and line, and that line is left out: the rest of the file still applies and the
//! program runs.

use super::{Action, Binding, Context, ALT, BINDINGS, CTRL, CTRL_SHIFT, NONE, SHIFT};
use crossterm::event::{KeyCode, KeyCode as K, KeyModifiers};
use std::path::Path;
use std::sync::OnceLock;

static ACTIVE: OnceLock<Vec<Binding>> = OnceLock::new();

/// The keymap in force: the one installed at start, else the built-in table.
pub fn bindings() -> &'static [Binding] {
    ACTIVE.get().map_or(BINDINGS, Vec::as_slice)
}

/// Make `bindings` the keymap in force for the rest of the process (once; later calls are
/// ignored and return false).
pub fn install(bindings: Vec<Binding>) -> bool {
    ACTIVE.set(bindings).is_ok()
}

/// Every context, in help order.
pub const CONTEXTS: [Context; 35] = [
    Context::Global,
    Context::List,
    Context::Editor,
    Context::Find,
    Context::Spelling,
    Context::Coding,
    Context::Codings,
    Context::Picker,
    Context::Prompt,
    Context::Form,
    Context::CarryOver,
    Context::Codebook,
    Context::Search,
    Context::Evidence,
    Context::ExportPrompt,
    Context::ExportReplace,
    Context::Share,
    Context::ShareReplace,
    Context::Agreement,
    Context::Disagreements,
    Context::NewFrom,
    Context::Trash,
    Context::FollowUps,
    Context::ConfirmDelete,
    Context::ExchangeExport,
    Context::ExchangeImport,
    Context::ExchangePlan,
    Context::ExchangeDone,
    Context::Analysis,
    Context::AnalysisInput,
    Context::Conflict,
    Context::Recovery,
    Context::Messages,
    Context::Settings,
    Context::Help,
];

fn kebab(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A context's name in the file: `list`, `export-prompt`.
pub fn context_name(c: Context) -> String {
    kebab(&format!("{c:?}"))
}

/// An action's name in the file: `share`, `left` and `left-select` (the selecting variant),
/// `quick-theme-3`, `code-move-word-next`.
pub fn action_name(a: Action) -> String {
    let debug = format!("{a:?}");
    match debug.split_once('(') {
        None => kebab(&debug),
        Some((name, arg)) => {
            let arg = arg.trim_end_matches(')');
            match arg {
                "false" => kebab(name),
                "true" => format!("{}-select", kebab(name)),
                other => format!("{}-{}", kebab(name), kebab(other)),
            }
        }
    }
}

/// Contexts where a plain character types text (binding one there would take it away).
fn types_text(c: Context) -> bool {
    matches!(
        c,
        Context::Editor
            | Context::Form
            | Context::Search
            | Context::ExportPrompt
            | Context::Share
            | Context::Prompt
            | Context::Picker
    )
}

/// A key as written in the file ("Ctrl-S", "Ctrl+Shift+Z", "Alt-.", "F2", "PgDn", "?", "S"),
/// in the form lookups compare.
pub fn parse_key(s: &str) -> Result<(KeyCode, KeyModifiers), String> {
    let mut rest = s.trim();
    if rest.is_empty() {
        return Err("an empty key".into());
    }
    let mut mods = NONE;
    loop {
        let lower = rest.to_ascii_lowercase();
        let found = [
            ("ctrl", CTRL),
            ("control", CTRL),
            ("alt", ALT),
            ("meta", ALT),
            ("shift", SHIFT),
        ]
        .into_iter()
        .find_map(|(name, m)| {
            let after = lower.strip_prefix(name)?;
            (after.starts_with('-') || after.starts_with('+')).then_some((name.len() + 1, m))
        });
        match found {
            Some((n, m)) if rest.len() > n => {
                mods |= m;
                rest = &rest[n..];
            }
            _ => break,
        }
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => K::Char(c),
        _ => {
            let lower = rest.to_ascii_lowercase();
            match lower.as_str() {
                "enter" | "return" => K::Enter,
                "esc" | "escape" => K::Esc,
                "tab" => K::Tab,
                "backtab" => K::BackTab,
                "space" => K::Char(' '),
                "backspace" => K::Backspace,
                "delete" | "del" => K::Delete,
                "insert" | "ins" => K::Insert,
                "home" => K::Home,
                "end" => K::End,
                "pageup" | "pgup" => K::PageUp,
                "pagedown" | "pgdn" => K::PageDown,
                "up" | "↑" => K::Up,
                "down" | "↓" => K::Down,
                "left" | "←" => K::Left,
                "right" | "→" => K::Right,
                f if f.starts_with('f') && f[1..].parse::<u8>().is_ok_and(|n| (1..=24).contains(&n)) => {
                    K::F(f[1..].parse().expect("checked"))
                }
                _ => {
                    return Err(format!(
                        "`{s}` is not a key: write a character, a name (Enter, Esc, Tab, Space, Backspace, Delete, Home, End, PgUp, PgDn, Up, Down, Left, Right, F1–F24) and modifiers (Ctrl-, Alt-, Shift-)"
                    ))
                }
            }
        }
    };
    // The forms lookups see: Shift on a plain character is the character itself; Ctrl and Alt
    // letters are lower case; Shift-Tab is BackTab.
    Ok(match code {
        K::Char(c) if !mods.intersects(CTRL | ALT) => {
            let c = if mods.contains(SHIFT) {
                c.to_uppercase().next().unwrap_or(c)
            } else {
                c
            };
            (K::Char(c), NONE)
        }
        K::Char(c) => {
            let mods = if mods.contains(CTRL) && mods.contains(SHIFT) {
                CTRL_SHIFT | (mods & ALT)
            } else {
                mods
            };
            (K::Char(c.to_ascii_lowercase()), mods)
        }
        K::Tab if mods == SHIFT => (K::BackTab, SHIFT),
        K::BackTab => (K::BackTab, SHIFT),
        other => (other, mods),
    })
}

/// One problem in the keymap file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// One well-formed line: (context, action, its keys as read and as written, line).
type Wanted = (Context, Action, Vec<(KeyCode, KeyModifiers, String)>, usize);

/// The table with the file's overrides applied, and the problems found (each line with a
/// problem is left out).
pub fn apply(table: &[Binding], text: &str) -> (Vec<Binding>, Vec<Problem>) {
    let mut problems = Vec::new();
    let line_of = |at: usize| 1 + text[..at.min(text.len())].matches('\n').count();
    let doc = match toml_edit::Document::parse(text) {
        Ok(d) => d,
        Err(e) => {
            let line = e.span().map_or(1, |s| line_of(s.start));
            let message = e
                .message()
                .lines()
                .next()
                .unwrap_or("malformed TOML")
                .to_string();
            return (
                table.to_vec(),
                vec![Problem {
                    line,
                    message: format!("{message}; the whole file is left out"),
                }],
            );
        }
    };
    // (context, action, keys, line) for each well-formed line.
    let mut wanted: Vec<Wanted> = Vec::new();
    let root = doc.as_table();
    for (ctx_name, item) in root.iter() {
        let line = root
            .key(ctx_name)
            .and_then(|k| k.span())
            .or_else(|| item.span())
            .map_or(1, |s| line_of(s.start));
        let Some(context) = CONTEXTS
            .iter()
            .copied()
            .find(|c| context_name(*c) == ctx_name)
        else {
            let names: Vec<String> = CONTEXTS.iter().map(|c| context_name(*c)).collect();
            problems.push(Problem {
                line,
                message: format!("unknown context [{ctx_name}]: one of {}", names.join(", ")),
            });
            continue;
        };
        let Some(t) = item.as_table() else {
            problems.push(Problem {
                line,
                message: format!("`{ctx_name}` must be a table: [{ctx_name}]"),
            });
            continue;
        };
        for (act_name, value) in t.iter() {
            let line = t
                .key(act_name)
                .and_then(|k| k.span())
                .or_else(|| value.span())
                .map_or(line, |s| line_of(s.start));
            let Some(action) = table
                .iter()
                .map(|b| b.action)
                .find(|a| action_name(*a) == act_name)
            else {
                problems.push(Problem {
                    line,
                    message: format!(
                        "unknown action `{act_name}` in [{ctx_name}] (`ripple keymap` lists every action)"
                    ),
                });
                continue;
            };
            let written: Vec<&str> = match value.as_value() {
                Some(v) if v.as_str().is_some() => vec![v.as_str().expect("checked")],
                Some(v) if v.as_array().is_some() => {
                    let arr = v.as_array().expect("checked");
                    if arr.iter().all(|x| x.as_str().is_some()) {
                        arr.iter().map(|x| x.as_str().expect("checked")).collect()
                    } else {
                        problems.push(Problem {
                            line,
                            message: format!("`{act_name}`: keys are written as strings"),
                        });
                        continue;
                    }
                }
                _ => {
                    problems.push(Problem {
                        line,
                        message: format!(
                            "`{act_name}`: write a key (\"Ctrl-S\") or a list of keys ([\"s\", \"F5\"])"
                        ),
                    });
                    continue;
                }
            };
            let mut keys = Vec::new();
            let mut bad = false;
            for w in written {
                match parse_key(w) {
                    Ok((code, mods)) => {
                        if types_text(context)
                            && matches!(code, K::Char(_))
                            && !mods.intersects(CTRL | ALT)
                        {
                            problems.push(Problem {
                                line,
                                message: format!(
                                    "`{w}` types text in [{ctx_name}]: bind a key with Ctrl or Alt, or a named key"
                                ),
                            });
                            bad = true;
                        }
                        keys.push((code, mods, w.to_string()));
                    }
                    Err(m) => {
                        problems.push(Problem { line, message: m });
                        bad = true;
                    }
                }
            }
            if !bad {
                wanted.push((context, action, keys, line));
            }
        }
    }
    // The replaced bindings go first, so two actions can swap keys.
    let mut out: Vec<Binding> = table
        .iter()
        .filter(|b| !wanted.iter().any(|w| w.0 == b.context && w.1 == b.action))
        .copied()
        .collect();
    // Where each new binding came from (to name the line of a conflict between two lines).
    let mut added: Vec<(Context, KeyCode, KeyModifiers, usize)> = Vec::new();
    for (context, action, keys, line) in &wanted {
        let like = table
            .iter()
            .find(|b| b.context == *context && b.action == *action)
            .or_else(|| table.iter().find(|b| b.action == *action))
            .copied()
            .expect("known actions are in the table");
        let mut first = true;
        let mut refused = 0;
        for (code, mods, written) in keys {
            if let Some(other) = out
                .iter()
                .find(|b| b.context == *context && b.code == *code && b.mods == *mods)
            {
                let by = added
                    .iter()
                    .find(|a| a.0 == *context && a.1 == *code && a.2 == *mods)
                    .map(|a| format!(" by line {}", a.3))
                    .unwrap_or_default();
                problems.push(Problem {
                    line: *line,
                    message: format!(
                        "`{written}` is already bound to `{}` in [{}]{by}: left out (bind `{}` to another key too, to free it)",
                        action_name(other.action),
                        context_name(*context),
                        action_name(other.action)
                    ),
                });
                refused += 1;
                continue;
            }
            out.push(Binding {
                context: *context,
                code: *code,
                mods: *mods,
                action: *action,
                hint: if first { like.hint } else { "" },
                help: like.help,
            });
            added.push((*context, *code, *mods, *line));
            first = false;
        }
        // A line left out whole: the action keeps the keys it had (those still free).
        if refused > 0 && refused == keys.len() {
            for b in table
                .iter()
                .filter(|b| b.context == *context && b.action == *action)
            {
                if !out
                    .iter()
                    .any(|o| o.context == b.context && o.code == b.code && o.mods == b.mods)
                {
                    out.push(*b);
                }
            }
        }
    }
    problems.sort_by_key(|p| p.line);
    (out, problems)
}

/// The keymap file's problems said for people: `path:line: message`.
pub fn describe_problems(path: &Path, problems: &[Problem]) -> Vec<String> {
    problems
        .iter()
        .map(|p| format!("{}:{}: {}", path.display(), p.line, p.message))
        .collect()
}

/// Read the keymap file at `path` (a missing file is no keymap) and install the result. Returns
/// the problems, said with the file and line.
pub fn load_and_install(path: &Path) -> Vec<String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => return vec![format!("{}: cannot read: {e}", path.display())],
    };
    let text = crate::core::text::normalize_newlines(&text);
    let (bindings, problems) = apply(BINDINGS, &text);
    install(bindings);
    describe_problems(path, &problems)
}

/// The problems of the keymap file at `path`, said with the file and line, without installing
/// it: `Ok(None)` when there is no file, `Err` when it cannot be read. For `ripple keymap
/// --check` and `ripple check`.
pub fn check_file(path: &Path) -> Result<Option<Vec<String>>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
    };
    let text = crate::core::text::normalize_newlines(&text);
    let (_, problems) = apply(BINDINGS, &text);
    Ok(Some(describe_problems(path, &problems)))
}

/// The keymap as a file: every context and action with its keys, the help as a comment. What
/// `ripple keymap` prints, to start a `keymap.toml` from.
pub fn default_file() -> String {
    let mut out = String::from(
        "# Ripple's key bindings. Copy the lines you want to change into keymap.toml beside\n\
         # config.toml; a line replaces the action's keys in its context ([] unbinds it).\n",
    );
    for ctx in &CONTEXTS {
        let mut actions: Vec<Action> = Vec::new();
        for b in bindings().iter().filter(|b| b.context == *ctx) {
            if !actions.contains(&b.action) {
                actions.push(b.action);
            }
        }
        if actions.is_empty() {
            continue;
        }
        out.push_str(&format!("\n# {}\n[{}]\n", ctx.title(), context_name(*ctx)));
        for a in actions {
            let bs: Vec<&Binding> = bindings()
                .iter()
                .filter(|b| b.context == *ctx && b.action == a)
                .collect();
            let keys: Vec<String> = bs
                .iter()
                .map(|b| format!("{:?}", written(b.code, b.mods)))
                .collect();
            let value = if keys.len() == 1 {
                keys[0].clone()
            } else {
                format!("[{}]", keys.join(", "))
            };
            out.push_str(&format!("{} = {value}  # {}\n", action_name(a), bs[0].help));
        }
    }
    out
}

/// A key as the file writes it ("Ctrl-S", "Shift-Tab", "PgDn"); `parse_key` reads it back.
pub fn written(code: KeyCode, mods: KeyModifiers) -> String {
    super::names::dashed(code, mods, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::lookup_in;
    use crossterm::event::KeyEvent;
    use Action as A;
    use Context as C;

    /// Every context with a binding can be named in the keymap file and has a help section
    /// (screens added later must join `CONTEXTS`).
    #[test]
    fn every_bound_context_is_listed() {
        for b in crate::tui::keymap::BINDINGS {
            assert!(
                CONTEXTS.contains(&b.context),
                "{:?} is bound but not in CONTEXTS",
                b.context
            );
        }
    }

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn names_read_back() {
        assert_eq!(action_name(A::Share), "share");
        assert_eq!(action_name(A::Left(true)), "left-select");
        assert_eq!(action_name(A::Left(false)), "left");
        assert_eq!(action_name(A::QuickTheme(3)), "quick-theme-3");
        assert_eq!(
            action_name(A::CodeMove(crate::tui::keymap::Motion::WordNext)),
            "code-move-word-next"
        );
        assert_eq!(context_name(C::ExportPrompt), "export-prompt");
        // Every key of the table is written as the file reads it back.
        for b in BINDINGS {
            assert_eq!(
                parse_key(&written(b.code, b.mods)),
                Ok((b.code, b.mods)),
                "{b:?}"
            );
        }
        assert_eq!(parse_key("ctrl+shift+z"), Ok((K::Char('z'), CTRL_SHIFT)));
        assert_eq!(parse_key("Shift-a"), Ok((K::Char('A'), NONE)));
        assert_eq!(parse_key("Ctrl-E"), Ok((K::Char('e'), CTRL)));
        assert_eq!(parse_key("Shift-Tab"), Ok((K::BackTab, SHIFT)));
        assert_eq!(parse_key("-"), Ok((K::Char('-'), NONE)));
        assert_eq!(parse_key("Alt--"), Ok((K::Char('-'), ALT)));
        assert!(parse_key("Hyper-x").is_err());
        assert!(parse_key("F99").is_err());
    }

    #[test]
    fn overrides_replace_an_actions_keys_in_their_context() {
        let text = "[list]\nshare = \"S\"\nopen-search = [\"/\", \"Ctrl-F\"]\n\n[editor]\nshare = \"Ctrl-P\"\n";
        let (b, problems) = apply(BINDINGS, text);
        assert_eq!(problems, vec![]);
        assert_eq!(
            lookup_in(&b, C::List, &key(K::Char('S'), SHIFT)),
            Some(A::Share)
        );
        assert_eq!(lookup_in(&b, C::List, &key(K::Char('s'), NONE)), None);
        assert_eq!(
            lookup_in(&b, C::List, &key(K::Char('f'), CTRL)),
            Some(A::OpenSearch)
        );
        assert_eq!(
            lookup_in(&b, C::List, &key(K::Char('/'), NONE)),
            Some(A::OpenSearch)
        );
        assert_eq!(
            lookup_in(&b, C::Editor, &key(K::Char('p'), CTRL)),
            Some(A::Share)
        );
        assert_eq!(lookup_in(&b, C::Editor, &key(K::Char('e'), CTRL)), None);
        // Other contexts keep theirs.
        assert_eq!(
            lookup_in(&b, C::Codings, &key(K::Char('e'), CTRL)),
            Some(A::Share)
        );
        // The hint label moves with the action.
        let s = b
            .iter()
            .find(|x| x.context == C::List && x.action == A::Share)
            .unwrap();
        assert_eq!(s.hint, "share");
    }

    #[test]
    fn an_empty_list_unbinds() {
        let (b, problems) = apply(BINDINGS, "[list]\nshare = []\n");
        assert_eq!(problems, vec![]);
        assert!(!b
            .iter()
            .any(|x| x.context == C::List && x.action == A::Share));
        assert_eq!(lookup_in(&b, C::List, &key(K::Char('s'), NONE)), None);
    }

    #[test]
    fn two_actions_can_swap_keys() {
        let text = "[list]\nnew-session = \"s\"\nshare = \"n\"\n";
        let (b, problems) = apply(BINDINGS, text);
        assert_eq!(problems, vec![]);
        assert_eq!(
            lookup_in(&b, C::List, &key(K::Char('s'), NONE)),
            Some(A::NewSession)
        );
        assert_eq!(
            lookup_in(&b, C::List, &key(K::Char('n'), NONE)),
            Some(A::Share)
        );
    }

    #[test]
    fn problems_name_their_line_and_leave_it_out() {
        let text = "# mine\n[list]\nshare = \"n\"\nfly = \"x\"\nquit = \"Hyper-q\"\n\n[nowhere]\nquit = \"q\"\n\n[editor]\nshare = \"p\"\nsave = [\"Ctrl-W\"]\nundo = \"F9\"\nredo = \"F9\"\n";
        let (b, problems) = apply(BINDINGS, text);
        let lines: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.message.as_str()))
            .collect();
        assert_eq!(lines.len(), 7, "{lines:#?}");
        assert!(
            lines[0].0 == 3 && lines[0].1.contains("already bound to `new-session`"),
            "{lines:#?}"
        );
        assert!(lines[1].0 == 4 && lines[1].1.contains("unknown action `fly`"));
        assert!(lines[2].0 == 5 && lines[2].1.contains("`Hyper-q` is not a key"));
        assert!(lines[3].0 == 7 && lines[3].1.contains("unknown context [nowhere]"));
        assert!(lines[4].0 == 11 && lines[4].1.contains("types text in [editor]"));
        assert!(lines[5].0 == 12 && lines[5].1.contains("already bound to `delete-word-back`"));
        assert!(
            lines[6].0 == 14 && lines[6].1.contains("by line 13"),
            "{lines:#?}"
        );
        // Lines with problems are left out; the rest applies.
        assert_eq!(
            lookup_in(&b, C::List, &key(K::Char('s'), NONE)),
            Some(A::Share),
            "line 3 was left out, so s still shares"
        );
        assert_eq!(
            lookup_in(&b, C::List, &key(K::Char('q'), NONE)),
            Some(A::Quit)
        );
        assert_eq!(lookup_in(&b, C::Editor, &key(K::F(9), NONE)), Some(A::Undo));
        // Bad TOML: the whole file is left out, said with its line.
        let (b, problems) = apply(BINDINGS, "[list]\nshare = \n");
        assert_eq!(b, BINDINGS.to_vec());
        assert_eq!(problems[0].line, 2);
    }

    #[test]
    fn the_printed_keymap_reads_back_as_the_table() {
        let (b, problems) = apply(BINDINGS, &default_file());
        assert_eq!(problems, vec![]);
        for x in BINDINGS {
            assert_eq!(
                lookup_in(&b, x.context, &key(x.code, x.mods)),
                lookup_in(BINDINGS, x.context, &key(x.code, x.mods)),
                "{x:?}"
            );
        }
    }
}
