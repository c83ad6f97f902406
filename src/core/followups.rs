//! Follow-ups: the task lines of a note, `- [ ] call the school` (open) and `- [x] …` (done),
//! as in GitHub's and Obsidian's Markdown. A line is a follow-up when, after any indentation,
//! it starts with a list marker (`-`, `*` or `+`), one space, and a box `[ ]`, `[x]` or `[X]`,
//! followed by a space or the end of the line. Lines are counted from 0; offsets are code
//! points, like every offset in a note.

/// One follow-up line of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUp {
    /// The line's number in the note, from 0.
    pub line: usize,
    /// Where the line starts, in code points from the start of the note.
    pub start: usize,
    pub done: bool,
    /// The words after the box, trimmed.
    pub text: String,
    /// The whole line as it is in the note (to check it is still there before changing it).
    pub raw: String,
}

/// The box of a follow-up line: its byte offset in the line and whether it is ticked.
fn box_of(line: &str) -> Option<(usize, bool)> {
    let body = line.trim_start_matches([' ', '\t']);
    let indent = line.len() - body.len();
    let mut chars = body.chars();
    if !matches!(chars.next(), Some('-' | '*' | '+')) || chars.next() != Some(' ') {
        return None;
    }
    let rest = &body[2..];
    let done = match rest.get(..3) {
        Some("[ ]") => false,
        Some("[x]" | "[X]") => true,
        _ => return None,
    };
    match rest[3..].chars().next() {
        None | Some(' ' | '\t') => Some((indent + 2, done)),
        _ => None,
    }
}

/// Every follow-up line of `text`, in order.
pub fn parse(text: &str) -> Vec<FollowUp> {
    let mut out = Vec::new();
    let mut start = 0;
    for (n, line) in text.split('\n').enumerate() {
        if let Some((at, done)) = box_of(line) {
            out.push(FollowUp {
                line: n,
                start,
                done,
                text: line[at + 3..].trim().to_string(),
                raw: line.to_string(),
            });
        }
        start += line.chars().count() + 1;
    }
    out
}

/// The open follow-ups of `text`.
pub fn open(text: &str) -> Vec<FollowUp> {
    parse(text).into_iter().filter(|f| !f.done).collect()
}

/// `text` with the box of line `line` ticked or unticked (`[ ]` ↔ `[x]`), when that line is a
/// follow-up and still reads `raw`; None otherwise (the note changed: nothing is touched).
/// Only the one character inside the box changes, so no other offset moves.
pub fn toggle(text: &str, line: usize, raw: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for (n, l) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        if n == line && l == raw {
            let (at, done) = box_of(l)?;
            out.push_str(&l[..at + 1]);
            out.push(if done { ' ' } else { 'x' });
            out.push_str(&l[at + 2..]);
            changed = true;
        } else {
            out.push_str(l);
        }
    }
    changed.then_some(out)
}

/// The lines to carry open follow-ups into a new note: each open item, unticked, as written.
pub fn carry_over(items: &[FollowUp]) -> String {
    items
        .iter()
        .filter(|f| !f.done && !f.text.is_empty())
        .map(|f| format!("- [ ] {}\n", f.text))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTE: &str = "## Follow-ups\n- [ ] Llamar a la escuela 🙂\n  * [x] sent the plan\n- [X]\n-[ ] not one\n- [ ]no space\n- [y] no\n+ [ ] CYFD: safety plan\ntext - [ ] inside\n";

    #[test]
    fn task_lines_are_found_with_their_line_offset_and_state() {
        let f = parse(NOTE);
        let got: Vec<(usize, bool, &str)> = f
            .iter()
            .map(|f| (f.line, f.done, f.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (1, false, "Llamar a la escuela 🙂"),
                (2, true, "sent the plan"),
                (3, true, ""),
                (7, false, "CYFD: safety plan"),
            ]
        );
        // Offsets are code points: the emoji line is 28 code points long.
        assert_eq!(
            f[1].start,
            "## Follow-ups\n- [ ] Llamar a la escuela 🙂\n"
                .chars()
                .count()
        );
        assert_eq!(open(NOTE).len(), 2);
    }

    #[test]
    fn toggling_changes_one_character_and_only_a_line_still_as_seen() {
        let f = parse(NOTE);
        let ticked = toggle(NOTE, f[0].line, &f[0].raw).unwrap();
        assert_eq!(ticked.chars().count(), NOTE.chars().count());
        assert!(ticked.contains("- [x] Llamar a la escuela 🙂\n"));
        let back = toggle(&ticked, 1, "- [x] Llamar a la escuela 🙂").unwrap();
        assert_eq!(back, NOTE);
        let untick = toggle(NOTE, 2, "  * [x] sent the plan").unwrap();
        assert!(untick.contains("  * [ ] sent the plan\n"));
        assert_eq!(
            toggle(NOTE, 1, "- [ ] something else"),
            None,
            "the line changed"
        );
        assert_eq!(toggle(NOTE, 4, "-[ ] not one"), None, "not a follow-up");
        assert_eq!(toggle(NOTE, 99, ""), None);
    }

    #[test]
    fn carrying_over_writes_the_open_items_unticked() {
        assert_eq!(
            carry_over(&parse(NOTE)),
            "- [ ] Llamar a la escuela 🙂\n- [ ] CYFD: safety plan\n"
        );
    }
}
