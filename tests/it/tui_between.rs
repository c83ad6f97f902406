//! Between sessions in the terminal: follow-ups ticked from their view, a session deleted
//! (asked first), found in the trash and restored, a new session from the last one with the
//! same agencies (its open follow-ups carried over), moving between sessions with the same
//! agencies, and a title change renaming the file.

use crate::common::{cli_new, session_file, store_dir, Key, Tui};
use std::process::Command;

fn new_with(
    store: &std::path::Path,
    title: &str,
    date: &str,
    agencies: &[&str],
    text: &str,
) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ripple"));
    cmd.arg("--store")
        .arg(store)
        .args([
            "new",
            "--title",
            title,
            "--date",
            date,
            "--county",
            "Doña Ana",
        ])
        .env("RIPPLE_INDEX", store.parent().unwrap().join("index"));
    for a in agencies {
        cmd.args(["--agency", a]);
    }
    let out = crate::common::output_with_stdin(cmd, Some(text));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn session_names(store: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(store.join("sessions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.starts_with('.'))
        .collect();
    v.sort();
    v
}

#[test]
fn a_follow_up_is_ticked_from_the_follow_ups_view_and_saved() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = new_with(
        &store,
        "Joint coaching",
        "2026-05-01",
        &["CYFD"],
        "## Follow-ups\n- [ ] Llamar a la escuela\n- [ ] Send the plan\n",
    );
    new_with(
        &store,
        "Other",
        "2026-05-02",
        &["La Casa"],
        "- [ ] Book the room\n",
    );
    let mut t = Tui::start(&store, &[], 110, 30);
    t.wait_for("Joint coaching");
    t.key(Key::Char('o'));
    t.wait_for("Llamar a la escuela");
    t.wait_for("3 open");
    // Typing filters (by agency here).
    t.type_text("cyfd");
    t.wait_for("2 of 3");
    t.wait_gone("Book the room");
    // The filter has the printable keys; Ctrl-X ticks (Space does once the filter lets go).
    t.key(Key::Ctrl('x'));
    t.wait_for("Ticked off (saved)");
    let text = std::fs::read_to_string(session_file(&store, &id)).unwrap();
    assert!(
        text.ends_with("## Follow-ups\n- [x] Llamar a la escuela\n- [ ] Send the plan\n"),
        "{text}"
    );
    t.wait_for("1 of 2");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
}

#[test]
fn delete_asks_then_the_trash_view_restores_the_session() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(
        &store,
        "Session to delete",
        "2026-04-01",
        "Words kept safe.\n",
    );
    let path = session_file(&store, &id);
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("Session to delete");
    t.key(Key::Char('d'));
    t.wait_for("Move “Session to delete” to the trash?");
    t.key(Key::Char('n'));
    t.wait_for("Kept: nothing was deleted");
    assert!(path.exists());
    t.key(Key::Char('d'));
    t.wait_for("to the trash?");
    t.key(Key::Char('y'));
    t.wait_for("Moved “Session to delete” to the trash");
    t.wait_for("No sessions yet");
    assert!(!path.exists());
    t.key(Key::Char('t'));
    t.wait_for("1 deleted session");
    t.key(Key::Char('r'));
    t.wait_for("Restored “Session to delete”");
    t.wait_for("The trash is empty");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap().lines().last(),
        Some("Words kept safe.")
    );
    t.key(Key::Esc);
    t.wait_for("1 session");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
}

#[test]
fn new_from_the_last_session_carries_its_open_follow_ups_and_brackets_move_between_them() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    new_with(
        &store,
        "First meeting",
        "2026-03-01",
        &["CYFD", "La Casa"],
        "Met.\n",
    );
    new_with(&store, "Unrelated", "2026-03-15", &["Other agency"], "x\n");
    new_with(
        &store,
        "Second meeting",
        "2026-04-01",
        &["CYFD", "La Casa"],
        "- [x] done already\n- [ ] Share the safety plan\n",
    );
    let mut t = Tui::start(&store, &[], 120, 30);
    t.wait_for("Second meeting");
    // [ moves to the earlier session with the same agencies, skipping the unrelated one.
    t.key(Key::Char('['));
    t.wait_until("First meeting highlighted", |s| {
        s.lines()
            .any(|l| l.contains("First meeting") && l.contains('▶'))
            || s.contains("First meeting")
    });
    t.key(Key::Char('n'));
    t.wait_for("From the last session with CYFD, La Casa");
    t.key(Key::Enter);
    let s = t.wait_for("Details");
    // The carried items are in the note under their own heading (the status line names them,
    // but a long message may be cut on screen; the message log holds it whole).
    assert!(s.contains("Open follow-ups from 2026-04-01"), "{s}");
    let s = t.wait_for("Share the safety plan");
    assert!(!s.contains("done already"), "{s}");
    assert!(s.contains("Doña Ana"), "the county came along:\n{s}");
    t.type_text("Third meeting");
    t.key(Key::Ctrl('s'));
    t.wait_saved();
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
    let names = session_names(&store);
    let third = names
        .iter()
        .find(|n| n.contains("-third-meeting-"))
        .unwrap_or_else(|| panic!("{names:?}"));
    let text = std::fs::read_to_string(store.join("sessions").join(third)).unwrap();
    assert!(
        text.contains("agencies = [\"CYFD\", \"La Casa\"]"),
        "{text}"
    );
    assert!(text.contains("county = \"Doña Ana\""), "{text}");
    assert!(
        text.contains(
            "## Open follow-ups from 2026-04-01 (Second meeting)\n\n- [ ] Share the safety plan\n"
        ),
        "{text}"
    );
}

#[test]
fn a_title_changed_in_the_details_renames_the_file_keeping_the_id() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let id = cli_new(&store, "Old title", "2026-04-01", "The note.\n");
    assert_eq!(
        session_names(&store),
        vec![format!("2026-04-01-old-title-{id}.md")]
    );
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("Old title");
    t.key(Key::Enter);
    t.wait_for("Details");
    t.key(Key::BackTab); // the details, at the title
    std::thread::sleep(std::time::Duration::from_millis(300));
    t.key(Key::Ctrl('u'));
    t.type_text("Nuevo título");
    t.wait_for("Nuevo título");
    t.key(Key::Ctrl('s'));
    t.wait_saved();
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
    assert_eq!(
        session_names(&store),
        vec![format!("2026-04-01-nuevo-titulo-{id}.md")]
    );
}

/// A new session from the default template: Tab from the title writes under the first heading
/// (it used to put the text before "## Discussion", on the heading's own line).
#[test]
fn a_template_note_is_written_under_its_first_heading() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let mut t = Tui::start(&store, &[], 100, 30);
    t.wait_for("No sessions yet");
    t.key(Key::Char('n'));
    t.wait_for("Template “default”");
    t.key(Key::Home);
    t.key(Key::Enter);
    t.wait_for("Details");
    t.wait_for("## Discussion");
    t.type_text("Template day");
    t.key(Key::Tab);
    t.type_text("We met at the office.");
    t.key(Key::Ctrl('s'));
    t.wait_saved();
    let dir = store.join("sessions");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .expect("the note was saved");
    let text = std::fs::read_to_string(file).unwrap();
    assert!(
        text.contains("## Discussion\nWe met at the office.\n"),
        "{text}"
    );
}

/// A blank new session whose agencies are typed in the details: the open follow-ups of the
/// last session with those agencies are offered (done ones are not), `accept` (Enter) adds
/// them at the end of the note, or Esc leaves the note as it was. The saved file is returned.
fn carry_over_in_a_blank_session(accept: bool) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let (mut t, _) = offered_in_a_blank_session(&store);
    if accept {
        t.key(Key::Enter);
        let s = t.wait_gone("Carry over open follow-ups?");
        assert!(
            s.contains("## Open follow-ups from 2026-03-01 (Earlier meeting)"),
            "{s}"
        );
        assert!(s.contains("- [ ] call the school"), "{s}");
    } else {
        t.key(Key::Esc);
        let s = t.wait_gone("Carry over open follow-ups?");
        assert!(
            s.contains("Details"),
            "Esc declines; the note stays open:\n{s}"
        );
        assert!(!s.contains("Open follow-ups from"), "{s}");
        assert!(!s.contains("call the school"), "{s}");
    }
    t.type_text("We met.");
    t.key(Key::Ctrl('s'));
    t.wait_saved();
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
    let names = session_names(&store);
    let file = names
        .iter()
        .find(|n| n.contains("-carry-day-"))
        .unwrap_or_else(|| panic!("{names:?}"));
    std::fs::read_to_string(store.join("sessions").join(file)).unwrap()
}

/// A store with an earlier session holding an open follow-up, and Ripple on a new blank
/// session whose agencies were just typed: the carry-over offer is shown. The earlier
/// session's id is returned.
fn offered_in_a_blank_session(store: &std::path::Path) -> (Tui, String) {
    let earlier = new_with(
        store,
        "Earlier meeting",
        "2026-03-01",
        &["CYFD", "La Casa"],
        "Met.\n- [ ] call the school\n- [x] done thing\n",
    );
    new_with(
        store,
        "Unrelated",
        "2026-03-02",
        &["CYFD"],
        "- [ ] not this\n",
    );
    let mut t = Tui::start(store, &[], 120, 30);
    t.wait_for("Earlier meeting");
    t.key(Key::Char('n'));
    t.wait_for("Blank: no template");
    t.key(Key::End);
    t.key(Key::Enter);
    t.wait_for("Details");
    t.type_text("Carry day");
    t.key(Key::Enter); // to the date
    t.key(Key::Enter); // to the agencies
    t.type_text("la casa, CYFD");
    t.wait_for("la casa, CYFD");
    t.key(Key::Tab); // on to the note: the agencies are committed
    let s = t.wait_for("Carry over open follow-ups?");
    let s = if s.contains("call the school") {
        s
    } else {
        t.wait_for("call the school")
    };
    assert!(
        s.contains("[x] call the school"),
        "ticked to begin with:\n{s}"
    );
    assert!(!s.contains("done thing"), "{s}");
    assert!(!s.contains("not this"), "{s}");
    (t, earlier)
}

#[test]
fn undoing_a_carry_over_after_it_was_saved_opens_the_follow_up_again_in_its_source() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let (mut t, earlier) = offered_in_a_blank_session(&store);
    let source = || std::fs::read_to_string(session_file(&store, &earlier)).unwrap();
    t.key(Key::Enter);
    t.wait_for("- [ ] call the school");
    t.key(Key::Ctrl('s'));
    t.wait_for("marked carried");
    assert!(source().contains("- [>] call the school"), "{}", source());
    // Ctrl-Z takes the section back, as the status line said; saved, the task is open again
    // where it came from, so the follow-ups never lose it.
    t.key(Key::Ctrl('z'));
    t.wait_gone("- [ ] call the school");
    t.key(Key::Ctrl('s'));
    t.wait_for("open again");
    assert!(
        source().contains("\n- [ ] call the school\n"),
        "{}",
        source()
    );
    // Redo brings it back; saved, it is marked again.
    t.key(Key::Ctrl('y'));
    t.wait_for("- [ ] call the school");
    t.key(Key::Ctrl('s'));
    t.wait_for("marked carried");
    assert!(source().contains("- [>] call the school"), "{}", source());
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
}

#[test]
fn typing_the_agencies_of_a_blank_session_offers_the_last_sessions_open_follow_ups() {
    let text = carry_over_in_a_blank_session(true);
    assert!(
        text.contains(
            "## Open follow-ups from 2026-03-01 (Earlier meeting)\n\n- [ ] call the school\n"
        ),
        "{text}"
    );
    assert!(
        !text.contains("done thing") && !text.contains("not this"),
        "{text}"
    );
    assert!(text.contains("We met."), "{text}");
}

#[test]
fn esc_declines_the_carry_over_and_the_note_stays_as_typed() {
    let text = carry_over_in_a_blank_session(false);
    assert!(!text.contains("Open follow-ups from"), "{text}");
    assert!(!text.contains("call the school"), "{text}");
    assert!(text.contains("We met."), "{text}");
}

#[test]
fn after_new_from_the_last_session_the_follow_ups_view_lists_each_task_once() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let second = new_with(
        &store,
        "Second meeting",
        "2026-04-01",
        &["CYFD", "La Casa"],
        "## Follow-ups\n- [ ] Call the school\n- [x] done already\n- [ ] Share the safety plan\n- [ ] Llamar a Peña Blanca\n- [ ]\n",
    );
    let mut t = Tui::start(&store, &[], 120, 30);
    t.wait_for("Second meeting");
    t.key(Key::Char('n'));
    t.wait_for("From the last session with CYFD, La Casa");
    t.key(Key::Enter);
    t.wait_for("Share the safety plan");
    t.type_text("Third meeting");
    t.key(Key::Ctrl('s'));
    t.wait_for("marked carried");
    t.key(Key::Esc);
    t.wait_for("2 sessions");
    t.key(Key::Char('o'));
    let s = t.wait_for("Llamar a Peña Blanca");
    let s = if s.contains("3 open") {
        s
    } else {
        t.wait_for("3 open")
    };
    for task in [
        "Call the school",
        "Share the safety plan",
        "Llamar a Peña Blanca",
    ] {
        assert_eq!(s.matches(task).count(), 1, "{task} once:\n{s}");
    }
    assert!(!s.contains("(no words)"), "{s}");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
    // The originals are marked carried; the copies stay open in the new note.
    let text = std::fs::read_to_string(session_file(&store, &second)).unwrap();
    assert!(
        text.ends_with("## Follow-ups\n- [>] Call the school\n- [x] done already\n- [>] Share the safety plan\n- [>] Llamar a Peña Blanca\n- [ ]\n"),
        "{text}"
    );
    let third = session_names(&store)
        .into_iter()
        .find(|n| n.contains("-third-meeting-"))
        .unwrap();
    let text = std::fs::read_to_string(store.join("sessions").join(third)).unwrap();
    assert!(
        text.ends_with("(Second meeting)\n\n- [ ] Call the school\n- [ ] Share the safety plan\n- [ ] Llamar a Peña Blanca\n"),
        "{text}"
    );
}
