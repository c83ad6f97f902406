//! Saving, quitting with unsaved codings, kept drafts and restores, driven through `App::step`.

use super::tests::{app_with_note, key};
use super::*;
use crate::core::coding::CoderSessionFile;
use crate::core::coding_store;
use crate::core::session::{Session, SessionMeta};
use crate::tui::app::{App, Msg, StatusKind};
use crate::tui::worker::{Request, Response};
use crossterm::event::{KeyCode, KeyModifiers};
use std::time::Instant;

/// A note with "niñez" coded by the first theme key (Alt-1), then Ctrl-Q: the app, the
/// session and the requests the quit sent.
fn code_a_word_and_quit() -> (App, crate::core::session::SessionId, Vec<Request>) {
    let mut app = app_with_note("la niñez y la confianza");
    let id = app.note.as_ref().unwrap().meta.id.clone();
    app.note
        .as_mut()
        .unwrap()
        .doc
        .editor_mut()
        .set_selection(3, 8);
    app.step(key(KeyCode::Char('1'), KeyModifiers::ALT));
    let out = app.step(key(KeyCode::Char('q'), KeyModifiers::CONTROL));
    (app, id, out)
}

#[test]
fn codings_neither_saved_nor_kept_take_two_more_quits_to_leave() {
    let (mut app, id, out) = code_a_word_and_quit();
    let version = out
        .iter()
        .find_map(|r| match r {
            Request::SaveCodings { version, .. } => Some(*version),
            _ => None,
        })
        .expect("the codings are saved before quitting");
    app.step(Msg::Io(Response::CodingsSaved {
        id: id.clone(),
        version,
        result: Err("permission denied".into()),
        stamp: Vec::new(),
        draft: Some(Err("disk full".into())),
    }));
    let status = app.status.clone().unwrap().text;
    assert!(
        status.contains("do not close Ripple") && status.contains("Ctrl-Q twice more"),
        "{status}"
    );
    app.step(key(KeyCode::Char('q'), KeyModifiers::CONTROL));
    assert_ne!(
        app.quit,
        crate::tui::app::Quit::Now,
        "a second quit only asks"
    );
    let status = app.status.clone().unwrap().text;
    assert!(
        status.contains("once more") && status.contains("LOSE"),
        "{status}"
    );
    app.step(key(KeyCode::Char('q'), KeyModifiers::CONTROL));
    assert_eq!(app.quit, crate::tui::app::Quit::Now);
}

#[test]
fn text_neither_saved_nor_kept_takes_two_more_quits_to_leave() {
    let mut app = app_with_note("la niñez");
    let id = app.note.as_ref().unwrap().meta.id.clone();
    app.step(key(KeyCode::Char('!'), KeyModifiers::NONE));
    let out = app.step(key(KeyCode::Char('q'), KeyModifiers::CONTROL));
    let version = out
        .iter()
        .find_map(|r| match r {
            Request::Save { version, .. } => Some(*version),
            _ => None,
        })
        .expect("the text is saved before quitting");
    app.step(Msg::Io(Response::Saved {
        id: id.clone(),
        version,
        result: Err("permission denied".into()),
        draft: None,
    }));
    let status = app.status.clone().unwrap().text;
    assert!(
        status.contains("do not close Ripple") && status.contains("Ctrl-Q twice more"),
        "{status}"
    );
    app.step(key(KeyCode::Char('q'), KeyModifiers::CONTROL));
    assert_ne!(
        app.quit,
        crate::tui::app::Quit::Now,
        "a second quit only asks"
    );
    let out = app.step(key(KeyCode::Char('q'), KeyModifiers::CONTROL));
    assert_eq!(app.quit, crate::tui::app::Quit::Now);
    assert!(
        out.iter().any(|r| matches!(r, Request::WriteDraft(_))),
        "a last try at a draft on the way out: {out:?}"
    );
}

#[test]
fn codings_that_cannot_be_saved_go_to_a_draft_when_quitting_twice() {
    let (mut app, id, out) = code_a_word_and_quit();
    let version = out
        .iter()
        .find_map(|r| match r {
            Request::SaveCodings {
                version,
                holds_draft,
                ..
            } => {
                assert!(holds_draft, "no earlier draft waits: a save may replace it");
                Some(*version)
            }
            _ => None,
        })
        .expect("the codings are saved before quitting");
    let kept = std::path::PathBuf::from("/s/.ripple/drafts/codings/ana/x.json");
    app.step(Msg::Io(Response::CodingsSaved {
        id: id.clone(),
        version,
        result: Err("permission denied".into()),
        stamp: Vec::new(),
        draft: Some(Ok(kept.clone())),
    }));
    assert_eq!(app.quit, crate::tui::app::Quit::Forced);
    let status = app.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert!(
        status.text.starts_with(&format!(
            "Could not save the codings (quit again to leave anyway); kept here and in {}",
            kept.display()
        )),
        "{}",
        status.text
    );
    // Coded once more, then quit again: what is not on disk goes to the draft.
    app.note
        .as_mut()
        .unwrap()
        .doc
        .editor_mut()
        .set_selection(14, 23);
    app.step(key(KeyCode::Char('.'), KeyModifiers::ALT));
    let out = app.step(key(KeyCode::Char('q'), KeyModifiers::CONTROL));
    assert_eq!(app.quit, crate::tui::app::Quit::Now);
    let kept: Vec<&CoderSessionFile> = out
        .iter()
        .filter_map(|r| match r {
            Request::WriteCodingDraft { file, .. } => Some(&**file),
            _ => None,
        })
        .collect();
    assert_eq!(kept.len(), 1, "{out:?}");
    assert_eq!(kept[0].coder, "Ana");
    let quotes: Vec<&str> = kept[0].codings.iter().map(|c| c.quote.as_str()).collect();
    assert_eq!(quotes, ["niñez", "confianza"]);
    assert!(
        !out.iter().any(|r| matches!(r, Request::WriteDraft(_))),
        "the text is unchanged: no text draft"
    );
}

#[test]
fn no_save_goes_out_while_kept_codings_are_restored() {
    use crate::tui::worker::Loaded;
    let text = "uno dos tres";
    let mut app = App::new("test".into(), "me".into(), None, Instant::now());
    app.coding.coder = "Ana".into();
    let session = Session {
        meta: SessionMeta::new_today("me"),
        text: text.into(),
    };
    let id = session.meta.id.clone();
    let restored = CoderSessionFile {
        session: id.clone(),
        coder: "Ana".into(),
        memo: "memo".into(),
        codings: vec![coding_store::new_coding(text, &id, 4, 7, "trust", "Ana", "").unwrap()],
    };
    app.opening = Some(id.clone());
    app.step(Msg::Io(Response::Loaded {
        id: id.clone(),
        result: Ok(Loaded {
            session,
            stamp: None,
            base: None,
            draft: None,
            codings: Vec::new(),
            coding_problems: Vec::new(),
            coding_stamp: Vec::new(),
            coding_drafts: vec![crate::core::coding_draft::CodingDraft {
                path: "/s/.ripple/drafts/codings/ana/x.json".into(),
                file: restored.clone(),
                written: std::time::SystemTime::now(),
            }],
        }),
    }));
    app.step(key(KeyCode::Char('r'), KeyModifiers::CONTROL));
    assert_eq!(
        app.note.as_ref().unwrap().coding.work,
        CodingWork::Restoring
    );
    // A change to the codings shown (an undo, say) while the restore is on its way: its
    // save would write over the restored file.
    let n = app.note.as_mut().unwrap();
    let c = coding_store::new_coding(text, &id, 0, 3, "roles", "Ana", "").unwrap();
    n.doc.add_coding(c).unwrap();
    let out = app.with_effects(|a, out| a.save_codings(out));
    assert!(out.is_empty(), "held back while restoring: {out:?}");
    // A text reload meanwhile does not forget the restore on its way.
    let n = app.note.as_mut().unwrap();
    n.coding.reset(&n.doc, "Ana");
    assert_eq!(
        app.note.as_ref().unwrap().coding.work,
        CodingWork::Restoring
    );
    assert!(app.note.as_ref().unwrap().coding.rereading());
    // The restore fails: what is shown is saved then.
    let out = app.step(Msg::Io(Response::CodingDraftRestored {
        id: id.clone(),
        result: Err("no".into()),
        files: Vec::new(),
        problems: Vec::new(),
        stamp: Vec::new(),
    }));
    assert!(out.is_empty(), "nothing changed since the reload: {out:?}");
    let n = app.note.as_mut().unwrap();
    assert_ne!(n.coding.work, CodingWork::Restoring);
    let c = coding_store::new_coding(text, &id, 4, 7, "roles", "Ana", "").unwrap();
    n.doc.add_coding(c).unwrap();
    // Now a save goes out, then the codings shown are replaced before it lands: its
    // answer (a version of the codings no longer shown) changes nothing.
    let out = app.with_effects(|a, out| a.save_codings(out));
    let version = match out.as_slice() {
        [Request::SaveCodings { version, .. }] => *version,
        other => panic!("one save: {other:?}"),
    };
    let n = app.note.as_mut().unwrap();
    super::io::replace_codings(n, vec![restored], Vec::new());
    let n = app.note.as_mut().unwrap();
    let c = coding_store::new_coding(text, &id, 8, 12, "roles", "Ana", "").unwrap();
    n.doc.add_coding(c).unwrap();
    let changed = n.doc.coding_version();
    assert!(
        version >= changed,
        "the old version would cover the new change"
    );
    let out = app.step(Msg::Io(Response::CodingsSaved {
        id: id.clone(),
        version,
        result: Ok(()),
        stamp: Vec::new(),
        draft: None,
    }));
    let n = app.note.as_ref().unwrap();
    assert!(
        n.coding.dirty(&n.doc),
        "the change made since is not taken as saved"
    );
    assert!(
        out.iter().any(|r| matches!(r, Request::SaveCodings { .. })),
        "and it is sent now: {out:?}"
    );
}

#[test]
fn a_kept_coding_draft_is_offered_on_open_and_ctrl_r_restores_it() {
    use crate::core::coding_draft::CodingDraft;
    use crate::tui::worker::Loaded;
    let text = "uno dos tres";
    let mut app = App::new("test".into(), "me".into(), None, Instant::now());
    app.coding.coder = "Ana".into();
    let session = Session {
        meta: SessionMeta::new_today("me"),
        text: text.into(),
    };
    let id = session.meta.id.clone();
    let coding = coding_store::new_coding(text, &id, 4, 7, "trust", "Ana", "").unwrap();
    let file = CoderSessionFile {
        session: id.clone(),
        coder: "Ana".into(),
        memo: "memo".into(),
        codings: vec![coding],
    };
    let draft = |coder: &str| CodingDraft {
        path: format!("/s/.ripple/drafts/codings/{coder}/x.json").into(),
        file: CoderSessionFile {
            coder: coder.into(),
            ..file.clone()
        },
        written: std::time::SystemTime::now(),
    };
    app.opening = Some(id.clone());
    app.step(Msg::Io(Response::Loaded {
        id: id.clone(),
        result: Ok(Loaded {
            session,
            stamp: None,
            base: None,
            draft: None,
            codings: Vec::new(),
            coding_problems: Vec::new(),
            coding_stamp: Vec::new(),
            coding_drafts: vec![draft("bea"), draft("ana")],
        }),
    }));
    let status = app.status.clone().unwrap().text;
    assert!(
        status.starts_with("Ctrl-R restores the 1 coding(s)") && status.contains("/ana/"),
        "your own draft is offered: {status}"
    );
    // Saving meanwhile does not drop the draft that waits: the save says it does not
    // hold it, so the IO thread adds to the draft rather than replacing or removing it.
    assert!(app.note.as_ref().unwrap().coding.kept_draft.is_some());
    let n = app.note.as_mut().unwrap();
    let extra = coding_store::new_coding(text, &id, 8, 12, "roles", "Ana", "").unwrap();
    n.doc.add_coding(extra.clone()).unwrap();
    let out = app.with_effects(|a, out| a.save_codings(out));
    let version = match out.as_slice() {
        [Request::SaveCodings {
            holds_draft: false,
            version,
            ..
        }] => *version,
        other => panic!("a save that leaves the draft alone: {other:?}"),
    };
    app.step(Msg::Io(Response::CodingsSaved {
        id: id.clone(),
        version,
        result: Ok(()),
        stamp: Vec::new(),
        draft: None,
    }));
    let n = app.note.as_mut().unwrap();
    assert!(n.coding.kept_draft.is_some(), "still offered once saved");
    assert!(!n.dirty());
    // The saved coding is in the file the restore merges with (as the IO thread would).
    let mut file = file;
    file.codings.push(extra);
    let out = app.step(key(KeyCode::Char('r'), KeyModifiers::CONTROL));
    assert!(
        out.iter()
            .any(|r| matches!(r, Request::RestoreCodingDraft { coder, .. } if coder == "Ana")),
        "{out:?}"
    );
    // Coding waits until the restore lands.
    app.note
        .as_mut()
        .unwrap()
        .doc
        .editor_mut()
        .set_selection(0, 3);
    app.step(key(KeyCode::Char('1'), KeyModifiers::ALT));
    assert_eq!(app.note.as_ref().unwrap().doc.codings().len(), 1);
    app.step(Msg::Io(Response::CodingDraftRestored {
        id: id.clone(),
        result: Ok("Restored 2 coding(s)".into()),
        files: vec![file],
        problems: Vec::new(),
        stamp: Vec::new(),
    }));
    let n = app.note.as_ref().unwrap();
    assert_eq!(n.doc.codings().len(), 2);
    assert_eq!(n.doc.note_memo("Ana"), "memo");
    assert!(n.coding.kept_draft.is_none());
    assert!(!n.dirty(), "what is shown is what is on disk");
    assert_eq!(app.status.clone().unwrap().kind, StatusKind::Ok);
}

#[test]
fn typing_that_moves_another_coder_s_passage_saves_only_your_own_file() {
    let text = "uno dos tres";
    let mut app = app_with_note(text);
    app.coding.coder = "Bea".into();
    let id = app.note.as_ref().unwrap().meta.id.clone();
    let ana = CoderSessionFile {
        session: id.clone(),
        coder: "Ana".into(),
        memo: "hers".into(),
        codings: vec![coding_store::new_coding(text, &id, 4, 7, "trust", "Ana", "").unwrap()],
    };
    let n = app.note.as_mut().unwrap();
    n.doc = document(text, vec![ana]);
    n.saved_version = Some(n.doc.editor().version());
    n.coding.reset(&n.doc, "Bea");
    // Bea types at the start: Ana's passage moves on screen...
    app.step(key(KeyCode::Char('¡'), KeyModifiers::NONE));
    let n = app.note.as_ref().unwrap();
    assert_eq!(n.doc.codings()[0].start, 5);
    // ...and only the text needs saving: Ana's file is hers to write.
    assert!(!n.coding.dirty(&n.doc));
    let out = app.step(key(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(
        out.iter().any(|r| matches!(r, Request::Save { .. })),
        "{out:?}"
    );
    assert!(
        !out.iter().any(|r| matches!(r, Request::SaveCodings { .. })),
        "{out:?}"
    );
    // Bea's own coding is saved, in her file alone.
    let n = app.note.as_mut().unwrap();
    n.doc.editor_mut().set_selection(0, 4);
    app.step(key(KeyCode::Char('1'), KeyModifiers::ALT));
    let out = app.with_effects(|a, out| a.save_codings(out));
    let files: Vec<&CoderSessionFile> = out
        .iter()
        .filter_map(|r| match r {
            Request::SaveCodings { file, .. } => Some(&**file),
            _ => None,
        })
        .collect();
    assert_eq!(files.len(), 1, "{out:?}");
    assert_eq!(files[0].coder, "Bea");
    assert!(files[0].codings.iter().all(|c| c.coder == "Bea"));
}
