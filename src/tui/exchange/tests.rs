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
