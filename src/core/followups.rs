//! Follow-ups: the task lines of a note, `- [ ] call the school` (open) and `- [x] …` (done),
//! as in GitHub's and Obsidian's Markdown, and `- [>] …` (carried: copied into a later
//! session's note, as bullet journals and Obsidian Tasks mark a migrated task). A line is a
//! follow-up when, after any indentation, it starts with a list marker (`-`, `*` or `+`), one
//! space, and a box `[ ]`, `[x]`, `[X]` or `[>]`, followed by a space or the end of the line,
//! and has words after the box: a template's empty `- [ ]` is a placeholder, not a follow-up.
//! Lines are counted from 0; offsets are code points, like every offset in a note.

use serde::Serialize;

/// Where a follow-up stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// `[ ]`: still to do.
    Open,
    /// `[x]` or `[X]`: done.
    Done,
    /// `[>]`: carried over into a later session's note, where it is followed up.
    Carried,
}

/// One follow-up line of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUp {
    /// The line's number in the note, from 0.
    pub line: usize,
    /// Where the line starts, in code points from the start of the note.
    pub start: usize,
    pub state: State,
    /// The words after the box, trimmed (never empty).
    pub text: String,
    /// The whole line as it is in the note (to check it is still there before changing it).
    pub raw: String,
    /// The lines that go on with the item (`body_lines`): indented deeper than its marker,
    /// up to a blank line, a line no deeper, or another follow-up; each without the item's
    /// own indentation. Carried over with it, so no detail stays behind.
    pub body: Vec<String>,
}

impl FollowUp {
    pub fn is_open(&self) -> bool {
        self.state == State::Open
    }

    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }
}

/// The box of a follow-up line: its byte offset in the line and its state.
fn box_of(line: &str) -> Option<(usize, State)> {
    let body = line.trim_start_matches([' ', '\t']);
    let indent = line.len() - body.len();
    let mut chars = body.chars();
    if !matches!(chars.next(), Some('-' | '*' | '+')) || chars.next() != Some(' ') {
        return None;
    }
    let rest = &body[2..];
    let state = match rest.get(..3) {
        Some("[ ]") => State::Open,
        Some("[x]" | "[X]") => State::Done,
        Some("[>]") => State::Carried,
        _ => return None,
    };
    match rest[3..].chars().next() {
        None | Some(' ' | '\t') => Some((indent + 2, state)),
        _ => None,
    }
}

/// Every follow-up line of `text`, in order (lines whose box has no words after it are not
/// follow-ups and are left out).
pub fn parse(text: &str) -> Vec<FollowUp> {
    let mut out = Vec::new();
    let mut start = 0;
    let lines: Vec<&str> = text.split('\n').collect();
    for (n, line) in lines.iter().enumerate() {
        if let Some((at, state)) = box_of(line) {
            let words = line[at + 3..].trim();
            if !words.is_empty() {
                out.push(FollowUp {
                    line: n,
                    start,
                    state,
                    text: words.to_string(),
                    raw: line.to_string(),
                    body: body_lines(line, &lines[n + 1..]),
                });
            }
        }
        start += line.chars().count() + 1;
    }
    out
}

/// The width of a line's indentation, a tab as four columns.
fn indent_width(line: &str) -> usize {
    line.chars()
        .take_while(|c| matches!(c, ' ' | '\t'))
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

/// The lines after the follow-up `item` that belong to it, as a Markdown list item's
/// continuation lines and sub-list do: indented deeper than its marker, up to a blank line, a
/// line no deeper, or another follow-up (which is carried on its own). Each loses the item's
/// own indentation, keeping the rest.
fn body_lines(item: &str, after: &[&str]) -> Vec<String> {
    let own = indent_width(item);
    let prefix = &item[..item.len() - item.trim_start_matches([' ', '\t']).len()];
    after
        .iter()
        .take_while(|l| !l.trim().is_empty() && indent_width(l) > own && box_of(l).is_none())
        .map(|l| {
            let l = l.trim_end_matches('\r');
            match l.strip_prefix(prefix) {
                Some(rest) => rest.to_string(),
                None => format!("  {}", l.trim_start_matches([' ', '\t'])),
            }
        })
        .collect()
}

/// The open follow-ups of `text`.
pub fn open(text: &str) -> Vec<FollowUp> {
    parse(text).into_iter().filter(FollowUp::is_open).collect()
}

/// `text` with the one character inside the box of line `line` set to `to`, when that line
/// is a follow-up that `from` accepts and still reads `raw`; None otherwise (nothing touched).
fn set_box(
    text: &str,
    line: usize,
    raw: &str,
    from: impl Fn(State) -> Option<char>,
) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for (n, l) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        if n == line && l == raw {
            let (at, state) = box_of(l)?;
            out.push_str(&l[..at + 1]);
            out.push(from(state)?);
            out.push_str(&l[at + 2..]);
            changed = true;
        } else {
            out.push_str(l);
        }
    }
    changed.then_some(out)
}

/// `text` with the box of line `line` ticked or unticked (`[ ]` ↔ `[x]`), when that line is an
/// open or done follow-up and still reads `raw`; None otherwise (the note changed, or the item
/// was carried over: nothing is touched). Only the one character inside the box changes, so
/// no other offset moves.
pub fn toggle(text: &str, line: usize, raw: &str) -> Option<String> {
    set_box(text, line, raw, |s| match s {
        State::Open => Some('x'),
        State::Done => Some(' '),
        State::Carried => None,
    })
}

/// `text` with each of `items` that is still an open follow-up on its line, reading as it
/// did (`raw`), marked carried (`[ ]` → `[>]`, one character, so no offset moves); and the
/// items left as they were because their line changed meanwhile.
pub fn mark_carried<'a>(text: &str, items: &'a [FollowUp]) -> (String, Vec<&'a FollowUp>) {
    let mut text = text.to_string();
    let mut left = Vec::new();
    for f in items {
        let marked = set_box(&text, f.line, &f.raw, |s| (s == State::Open).then_some('>'));
        match marked {
            Some(t) => text = t,
            None => left.push(f),
        }
    }
    (text, left)
}

/// `text` with each of `items` (as `mark_carried` left them: `[>]` on their line) that still
/// reads so on its line opened again (`[>]` → `[ ]`); and the items left as they were because
/// their line changed meanwhile.
pub fn unmark_carried<'a>(text: &str, items: &'a [FollowUp]) -> (String, Vec<&'a FollowUp>) {
    let mut text = text.to_string();
    let mut left = Vec::new();
    for f in items {
        let opened = set_box(&text, f.line, &f.raw, |s| {
            (s == State::Carried).then_some(' ')
        });
        match opened {
            Some(t) => text = t,
            None => left.push(f),
        }
    }
    (text, left)
}

impl FollowUp {
    /// This follow-up as its line reads with its box set to `state` (one character changes,
    /// so `line` and `start` stay); itself when its line has no box.
    pub fn with_state(&self, state: State) -> FollowUp {
        let c = match state {
            State::Open => ' ',
            State::Done => 'x',
            State::Carried => '>',
        };
        match set_box(&self.raw, 0, &self.raw, |_| Some(c)) {
            Some(raw) => FollowUp {
                state,
                raw,
                ..self.clone()
            },
            None => self.clone(),
        }
    }
}

/// The lines to carry open follow-ups into a new note: each open item, unticked, as written,
/// with the lines that go on with it.
pub fn carry_over(items: &[FollowUp]) -> String {
    let mut out = String::new();
    for f in items.iter().filter(|f| f.is_open() && !f.text.is_empty()) {
        out.push_str(&format!("- [ ] {}\n", f.text));
        for l in &f.body {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTE: &str = "## Follow-ups\n- [ ] Llamar a la escuela 🙂\n  * [x] sent the plan\n- [X]\n-[ ] not one\n- [ ]no space\n- [y] no\n+ [ ] CYFD: safety plan\ntext - [ ] inside\n";

    #[test]
    fn marked_carried_items_are_opened_again_only_where_their_line_still_reads_so() {
        let text = "- [ ] Llamar a Doña Ana 🙂\n* [ ] 我们的合作\n- [ ] third\n";
        let items = open(text);
        let (marked, left) = mark_carried(text, &items);
        assert!(left.is_empty());
        assert_eq!(
            marked,
            "- [>] Llamar a Doña Ana 🙂\n* [>] 我们的合作\n- [>] third\n"
        );
        let as_marked: Vec<FollowUp> = items.iter().map(|f| f.with_state(State::Carried)).collect();
        assert_eq!(parse(&marked), as_marked);
        // The third line was edited meanwhile: it stays as it is.
        let edited = marked.replace("[>] third", "[>] third, edited");
        let (opened, left) = unmark_carried(&edited, &as_marked);
        assert_eq!(
            opened,
            "- [ ] Llamar a Doña Ana 🙂\n* [ ] 我们的合作\n- [>] third, edited\n"
        );
        assert_eq!(left, [&as_marked[2]]);
        // An open or done line is never touched by it.
        let (same, left) = unmark_carried(text, &as_marked);
        assert_eq!((same.as_str(), left.len()), (text, 3));
    }

    #[test]
    fn task_lines_are_found_with_their_line_offset_and_state() {
        let f = parse(NOTE);
        let got: Vec<(usize, State, &str)> = f
            .iter()
            .map(|f| (f.line, f.state, f.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (1, State::Open, "Llamar a la escuela 🙂"),
                (2, State::Done, "sent the plan"),
                (7, State::Open, "CYFD: safety plan"),
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
    fn a_box_without_words_is_no_follow_up() {
        // A template's placeholders, open or done, with or without trailing blanks.
        let t = "## Follow-ups\n- [ ]\n- [ ]   \n* [x]\t\n- [>]\n- [ ] real one\n";
        let f = parse(t);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].line, f[0].text.as_str()), (5, "real one"));
        assert_eq!(open(t).len(), 1);
        assert_eq!(carry_over(&parse(t)), "- [ ] real one\n");
    }

    #[test]
    fn a_carried_item_is_neither_open_nor_done() {
        let t = "- [>] Llamar a la escuela 🙂\n  + [>]\tsafety plan\n- [>]x not one\n- [ ] still open\n";
        let f = parse(t);
        let got: Vec<(State, &str)> = f.iter().map(|f| (f.state, f.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (State::Carried, "Llamar a la escuela 🙂"),
                (State::Carried, "safety plan"),
                (State::Open, "still open"),
            ]
        );
        assert!(!f[0].is_open() && !f[0].is_done());
        assert_eq!(open(t).len(), 1);
        assert_eq!(carry_over(&f), "- [ ] still open\n");
        // Ticking a carried item is refused: it is followed up where it was carried.
        assert_eq!(toggle(t, 0, &f[0].raw), None);
    }

    #[test]
    fn marking_carried_changes_the_box_of_the_lines_still_as_seen() {
        let items = open(NOTE);
        let (marked, left) = mark_carried(NOTE, &items);
        assert!(left.is_empty());
        assert_eq!(marked.chars().count(), NOTE.chars().count());
        assert!(
            marked.contains("\n- [>] Llamar a la escuela 🙂\n"),
            "{marked}"
        );
        assert!(marked.contains("\n+ [>] CYFD: safety plan\n"), "{marked}");
        assert!(
            marked.contains("  * [x] sent the plan\n"),
            "done ones stay done"
        );
        assert!(open(&marked).is_empty());
        assert_eq!(
            parse(&marked)
                .iter()
                .filter(|f| f.state == State::Carried)
                .count(),
            2
        );

        // The note changed meanwhile: the first item's line was edited, the second moved
        // down a line. Neither matches, so neither is marked, and nothing else changes.
        let changed = NOTE
            .replace("Llamar a la escuela", "Llamé a la escuela")
            .replacen("## Follow-ups\n", "## Follow-ups\nnew line\n", 1);
        let (after, left) = mark_carried(&changed, &items);
        assert_eq!(after, changed);
        assert_eq!(left.len(), 2);
        // Only one of them changed: the other is marked.
        let one = NOTE.replace("Llamar a la escuela", "Llamé a la escuela");
        let (after, left) = mark_carried(&one, &items);
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].text, "Llamar a la escuela 🙂");
        assert!(after.contains("- [ ] Llamé a la escuela 🙂\n"));
        assert!(after.contains("+ [>] CYFD: safety plan\n"));
        // Marking twice finds the second time nothing open to mark.
        let (again, left) = mark_carried(&marked, &items);
        assert_eq!(again, marked);
        assert_eq!(left.len(), 2);
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
    fn an_item_carries_its_continuation_lines_and_sub_list() {
        let t = "## Follow-ups\n  - [ ] Call the school counsellor about the safety plan;\n    she needs the signed release first (Mixteco 🙂).\n  - [ ] Send guide\n      - Spanish version\n\t- English version\n    - [ ] a sub-task of its own\n      with its note\n  not deeper: not the item's\n- [ ] Last\n\n  after a blank line: not the item's\n";
        let f = parse(t);
        let got: Vec<(&str, Vec<&str>)> = f
            .iter()
            .map(|f| (f.text.as_str(), f.body.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "Call the school counsellor about the safety plan;",
                    vec!["  she needs the signed release first (Mixteco 🙂)."]
                ),
                (
                    "Send guide",
                    vec!["    - Spanish version", "  - English version"]
                ),
                ("a sub-task of its own", vec!["  with its note"]),
                ("Last", vec![]),
            ]
        );
        assert_eq!(
            carry_over(&f),
            "- [ ] Call the school counsellor about the safety plan;\n  she needs the signed release first (Mixteco 🙂).\n- [ ] Send guide\n    - Spanish version\n  - English version\n- [ ] a sub-task of its own\n  with its note\n- [ ] Last\n"
        );
        // Carried back and parsed again, each item keeps its lines.
        let again = parse(&carry_over(&f));
        assert_eq!(again.len(), 4);
        assert_eq!(
            again.iter().map(|f| &f.body).collect::<Vec<_>>(),
            f.iter().map(|f| &f.body).collect::<Vec<_>>()
        );
    }

    #[test]
    fn carrying_over_writes_the_open_items_unticked() {
        assert_eq!(
            carry_over(&parse(NOTE)),
            "- [ ] Llamar a la escuela 🙂\n- [ ] CYFD: safety plan\n"
        );
    }
}
