//! The import and export dialog as a component: what each key asks of the IO and index
//! threads, and what each answer shows.

use super::job::{Answer, ExportKind, ExportProblem, Job};
use super::{ExchangeDialog, Field, Phase};
use crate::core::exchange::Stage;
use crate::tui::component::{Harness, Outcome};
use crate::tui::effect::{index_requests, requests};
use crate::tui::index_worker::{IndexRequest, IndexResponse, SearchError};
use crate::tui::keymap::{Action, Context};
use crate::tui::worker::Request;

fn typed(d: &mut ExchangeDialog, text: &str) {
    for c in text.chars() {
        d.typed(c);
    }
}

fn export_form(d: &mut ExchangeDialog, file: &str) {
    d.open_export();
    let f = d.export.as_mut().unwrap();
    f.file.set(file);
}

#[test]
fn export_defaults_to_a_dated_project_and_ctrl_t_switches_to_the_codebook() {
    let mut d = ExchangeDialog::default();
    let mut h = Harness::default();
    d.open_export();
    assert_eq!(d.context(), Some(Context::ExchangeExport));
    let f = d.export.as_ref().unwrap();
    assert_eq!(f.kind, ExportKind::Project);
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    assert!(f.file.text().ends_with(&format!("ripple-{today}.qdpx")));
    d.handle(Action::ExchangeKind, &mut h.ctx());
    let f = d.export.as_ref().unwrap();
    assert_eq!(f.kind, ExportKind::Codebook);
    assert!(f.file.text().ends_with(&format!("ripple-{today}.qdc")));
    // A codebook has no query: Tab stays on the file.
    d.handle(Action::NextField, &mut h.ctx());
    assert_eq!(d.export.as_ref().unwrap().focus, Field::File);
}

#[test]
fn export_without_a_query_goes_straight_to_the_io_thread() {
    let mut d = ExchangeDialog::default();
    let mut h = Harness::default();
    export_form(&mut d, "/tmp/x/out");
    d.handle(Action::ToggleDeidentify, &mut h.ctx());
    assert_eq!(d.handle(Action::Confirm, &mut h.ctx()), Outcome::Consumed);
    let effects = std::mem::take(&mut h.effects).into_vec();
    match requests(&effects).as_slice() {
        [Request::Exchange(job)] => match job.as_ref() {
            Job::Export {
                file,
                kind,
                only,
                deidentify,
                replace,
                coders,
                ..
            } => {
                // No extension: the kind's is added.
                assert_eq!(file.to_str(), Some("/tmp/x/out.qdpx"));
                assert_eq!(*kind, ExportKind::Project);
                assert!(only.is_none() && *deidentify && !*replace);
                assert!(coders.is_empty(), "every coder's codings");
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    assert!(d.working());
    d.on_io(Answer::Progress(Stage::Reading, 64, 200), &mut h.ctx());
    assert_eq!(
        d.progress_line().as_deref(),
        Some("Reading sessions: 64 of 200")
    );
    d.on_io(
        Answer::Exported(Err(ExportProblem::Exists("/tmp/x/out.qdpx".into()))),
        &mut h.ctx(),
    );
    assert_eq!(d.phase, Some(Phase::Export));
    assert!(d
        .message
        .as_ref()
        .unwrap()
        .1
        .contains("Enter again replaces it"));
    d.handle(Action::Confirm, &mut h.ctx());
    let effects = std::mem::take(&mut h.effects).into_vec();
    assert!(matches!(
        requests(&effects).as_slice(),
        [Request::Exchange(job)] if matches!(job.as_ref(), Job::Export { replace: true, .. })
    ));
    d.on_io(
        Answer::Exported(Ok("Exported 3 session(s)".into())),
        &mut h.ctx(),
    );
    assert!(matches!(d.phase, Some(Phase::Done { ok: true, .. })));
    assert_eq!(h.said(), "Exported 3 session(s)");
    d.handle(Action::Confirm, &mut h.ctx());
    assert!(!d.is_open());
}

#[test]
fn a_query_is_asked_of_the_index_first_and_its_errors_are_shown() {
    let mut d = ExchangeDialog::default();
    let mut h = Harness::default();
    export_form(&mut d, "/tmp/x/out.qdpx");
    d.handle(Action::NextField, &mut h.ctx());
    typed(&mut d, "county:sierra");
    assert_eq!(d.export.as_ref().unwrap().query.text(), "county:sierra");
    d.handle(Action::Confirm, &mut h.ctx());
    let effects = std::mem::take(&mut h.effects).into_vec();
    let seq = match index_requests(&effects).as_slice() {
        [IndexRequest::Matching { seq, query }] => {
            assert_eq!(query, "county:sierra");
            *seq
        }
        other => panic!("{other:?}"),
    };
    assert!(requests(&effects).is_empty());
    d.on_index(
        IndexResponse::Matching {
            seq,
            result: Err(SearchError::Other("no index".into())),
        },
        &mut h.ctx(),
    );
    assert_eq!(d.phase, Some(Phase::Export));
    assert!(d.message.as_ref().unwrap().1.contains("no index"));
    // Again; an answer to the older question is ignored, the newer one exports its sessions.
    d.handle(Action::Confirm, &mut h.ctx());
    let effects = std::mem::take(&mut h.effects).into_vec();
    let IndexRequest::Matching { seq: newer, .. } = index_requests(&effects)[0] else {
        panic!()
    };
    let ids = vec![crate::core::session::SessionId::new()];
    d.on_index(
        IndexResponse::Matching {
            seq,
            result: Ok(Vec::new()),
        },
        &mut h.ctx(),
    );
    assert!(h.effects.is_empty());
    d.on_index(
        IndexResponse::Matching {
            seq: *newer,
            result: Ok(ids.clone()),
        },
        &mut h.ctx(),
    );
    let effects = std::mem::take(&mut h.effects).into_vec();
    assert!(matches!(
        requests(&effects).as_slice(),
        [Request::Exchange(job)] if matches!(job.as_ref(), Job::Export { only: Some(o), .. } if *o == ids)
    ));
}

#[test]
fn import_shows_the_plan_and_imports_on_yes_then_refreshes_everything() {
    let mut d = ExchangeDialog::default();
    let mut h = Harness::default();
    d.open_import(&mut h.ctx());
    assert_eq!(d.context(), Some(Context::ExchangeImport));
    d.import_file.set("/tmp/x/project.qdpx");
    d.handle(Action::Confirm, &mut h.ctx());
    let effects = std::mem::take(&mut h.effects).into_vec();
    assert!(matches!(
        requests(&effects).as_slice(),
        [Request::Exchange(job)] if matches!(job.as_ref(), Job::Import { shown: None, .. })
    ));
    let plan = "Import plan for /tmp/x/project.qdpx:\nSessions: 2 to add\n".to_string();
    d.on_io(Answer::Planned(Ok((plan.clone(), false))), &mut h.ctx());
    assert_eq!(d.context(), Some(Context::ExchangePlan));
    d.handle(Action::Confirm, &mut h.ctx());
    let effects = std::mem::take(&mut h.effects).into_vec();
    assert!(matches!(
        requests(&effects).as_slice(),
        [Request::Exchange(job)] if matches!(job.as_ref(), Job::Import { shown: Some(s), .. } if *s == plan)
    ));
    d.on_io(
        Answer::Imported(Ok("Imported 2 session(s)".into())),
        &mut h.ctx(),
    );
    let effects = std::mem::take(&mut h.effects).into_vec();
    let io = requests(&effects);
    assert!(matches!(
        io.as_slice(),
        [Request::Scan, Request::LoadCodebook, Request::CountCodings]
    ));
    assert!(matches!(
        index_requests(&effects).as_slice(),
        [IndexRequest::Rebuild]
    ));
}

#[test]
fn import_errors_keep_the_form_and_a_read_only_store_refuses() {
    let mut d = ExchangeDialog::default();
    let mut h = Harness::default();
    d.open_import(&mut h.ctx());
    d.import_file.set("/tmp/x/notes.txt");
    d.handle(Action::Confirm, &mut h.ctx());
    assert!(h.effects.is_empty(), "refused before reading");
    assert!(d
        .message
        .as_ref()
        .unwrap()
        .1
        .contains("not a REFI-QDA file"));
    d.import_file.set("/tmp/x/bad.qdpx");
    d.handle(Action::Confirm, &mut h.ctx());
    d.on_io(
        Answer::Planned(Err("not a zip archive".into())),
        &mut h.ctx(),
    );
    assert_eq!(d.phase, Some(Phase::Import));
    assert!(d.message.as_ref().unwrap().1.contains("not a zip archive"));
    d.handle(Action::Back, &mut h.ctx());
    assert!(!d.is_open());

    let mut d = ExchangeDialog::default();
    let mut h = Harness::default();
    d.open_import(&mut h.ctx_read_only(Some("another Ripple has it open")));
    assert!(!d.is_open());
    assert!(h.said().contains("another Ripple has it open"));
}

#[test]
fn coding_blind_a_project_export_holds_only_the_user_s_codings() {
    let mut d = ExchangeDialog {
        only_coder: Some("Ana Peña".into()),
        ..ExchangeDialog::default()
    };
    let mut h = Harness::default();
    export_form(&mut d, "/tmp/x/out.qdpx");
    assert_eq!(d.handle(Action::Confirm, &mut h.ctx()), Outcome::Consumed);
    let effects = std::mem::take(&mut h.effects).into_vec();
    match requests(&effects).as_slice() {
        [Request::Exchange(job)] => match job.as_ref() {
            Job::Export { coders, .. } => assert_eq!(coders, &vec!["Ana Peña".to_string()]),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_result_of_an_import_scrolls_with_the_keys_of_a_long_text() {
    use crate::tui::keymap::lookup;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |code| {
        lookup(
            Context::ExchangeDone,
            &KeyEvent::new(code, KeyModifiers::NONE),
        )
    };
    assert_eq!(key(KeyCode::Down), Some(Action::Down));
    assert_eq!(key(KeyCode::Char('j')), Some(Action::Down));
    assert_eq!(key(KeyCode::PageDown), Some(Action::PageDown));
    assert_eq!(key(KeyCode::End), Some(Action::Last));
    assert_eq!(
        lookup(
            Context::ExchangePlan,
            &KeyEvent::new(KeyCode::End, KeyModifiers::NONE)
        ),
        Some(Action::Last)
    );

    let mut d = ExchangeDialog::default();
    let mut h = Harness::default();
    let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
    d.on_io(Answer::Imported(Ok(text)), &mut h.ctx());
    let scroll = |d: &ExchangeDialog| match &d.phase {
        Some(Phase::Done { scroll, .. }) => *scroll,
        other => panic!("{other:?}"),
    };
    for (action, want) in [
        (Action::Down, 1),
        (
            Action::PageDown,
            1 + crate::tui::layout::exchange_page(false, (80, 24)),
        ),
        (
            Action::Up,
            crate::tui::layout::exchange_page(false, (80, 24)),
        ),
        (
            Action::Last,
            100 - crate::tui::layout::exchange_page(false, (80, 24)),
        ),
        (
            Action::Down,
            100 - crate::tui::layout::exchange_page(false, (80, 24)),
        ),
        (Action::First, 0),
        (Action::PageUp, 0),
    ] {
        assert_eq!(d.handle(action, &mut h.ctx()), Outcome::Consumed);
        assert_eq!(scroll(&d), want, "after {action:?}");
    }
    d.handle(Action::Confirm, &mut h.ctx());
    assert!(!d.is_open());
}

#[test]
fn the_import_file_is_selected_when_reopened_and_offers_the_file_just_exported() {
    let mut d = ExchangeDialog::default();
    let mut h = Harness::default();
    // The first time: the folder, not selected, for a name to be typed after it.
    d.open_import(&mut h.ctx());
    assert!(d.import_file.text().ends_with(std::path::MAIN_SEPARATOR));
    assert!(!d.import_file.is_selected());
    let folder = d.import_file.text().to_string();
    typed(&mut d, "a.qdpx");
    assert_eq!(d.import_file.text(), format!("{folder}a.qdpx"));
    d.handle(Action::Back, &mut h.ctx());
    // Again: the last name, selected, so typing replaces it rather than adding to it.
    d.open_import(&mut h.ctx());
    assert!(d.import_file.is_selected());
    typed(&mut d, "/tmp/b.qdpx");
    assert_eq!(d.import_file.text(), "/tmp/b.qdpx");
    d.handle(Action::Back, &mut h.ctx());
    // A motion keeps the name to edit.
    d.open_import(&mut h.ctx());
    d.handle(Action::LineEnd(false), &mut h.ctx());
    d.handle(Action::Backspace, &mut h.ctx());
    assert_eq!(d.import_file.text(), "/tmp/b.qdp");
    d.handle(Action::Back, &mut h.ctx());

    // An export in this run: the import offers its file, once.
    export_form(&mut d, "/tmp/x/out.qdpx");
    d.handle(Action::Confirm, &mut h.ctx());
    d.on_io(
        Answer::Exported(Ok("Exported 3 session(s)".into())),
        &mut h.ctx(),
    );
    d.handle(Action::Confirm, &mut h.ctx());
    d.open_import(&mut h.ctx());
    assert_eq!(d.import_file.text(), "/tmp/x/out.qdpx");
    assert!(d.import_file.is_selected());
    typed(&mut d, "/tmp/c.qdc");
    d.handle(Action::Back, &mut h.ctx());
    d.open_import(&mut h.ctx());
    assert_eq!(d.import_file.text(), "/tmp/c.qdc", "offered once");
    // A failed export offers nothing.
    d.handle(Action::Back, &mut h.ctx());
    export_form(&mut d, "/tmp/x/other.qdpx");
    d.handle(Action::Confirm, &mut h.ctx());
    d.on_io(
        Answer::Exported(Err(ExportProblem::Failed("disk full".into()))),
        &mut h.ctx(),
    );
    d.handle(Action::Back, &mut h.ctx());
    d.open_import(&mut h.ctx());
    assert_eq!(d.import_file.text(), "/tmp/c.qdc");
}

#[test]
fn a_reopened_export_offers_the_last_name_selected_so_typing_replaces_it() {
    let mut d = ExchangeDialog::default();
    d.open_export();
    assert!(
        !d.export.as_ref().unwrap().file.is_selected(),
        "the first default is not"
    );
    d.export.as_mut().unwrap().file.set("/tmp/x/first.qdpx");
    d.phase = None;
    d.open_export();
    assert!(d.export.as_ref().unwrap().file.is_selected());
    typed(&mut d, "/tmp/x/second.qdpx");
    assert_eq!(d.export.as_ref().unwrap().file.text(), "/tmp/x/second.qdpx");
}
