//! The app's side of search and evidence: answers from the index thread routed to the two
//! components, going to their screens, and a note opened at a result (`Command::OpenAt`): the
//! cursor put at the result when the note arrives, its words highlighted, and the screen to go
//! back to when it closes. This is App's own work, apart from the components (`tui::search`,
//! `tui::search::evidence`), because it touches the open note; they only ask for it.

use super::App;
use crate::tui::component::{Ctx, Jump, Screen};
use crate::tui::effect::Effects;
use crate::tui::index_worker::IndexResponse;
use crate::tui::worker::Request;

impl App {
    /// An answer from the index thread, to the component it is for. The codebook's themes go
    /// to both.
    pub fn on_index(&mut self, resp: IndexResponse, out: &mut Effects) {
        match resp {
            IndexResponse::Themes(themes) => {
                self.evidence.themes = themes.clone();
                self.search.themes = themes;
            }
            IndexResponse::Matching { .. } => {
                route!(self, out, |ctx| self.exchange.on_index(resp, ctx));
            }
            IndexResponse::Evidence { .. } | IndexResponse::Exported { .. } => {
                route!(self, out, |ctx| self.evidence.on_index(resp, ctx));
            }
            IndexResponse::State(_)
            | IndexResponse::Searched { .. }
            | IndexResponse::Reindexed { .. } => {
                route!(self, out, |ctx| self.search.on_index(resp, ctx));
            }
        }
    }

    /// The search screen (closing the open note, which then returns nowhere).
    pub fn open_search(&mut self, out: &mut Effects) {
        self.search.back = Screen::List;
        if self.screen == Screen::Note {
            self.from_result.return_to = None;
            self.close_note(out);
        }
        self.search.opened();
        // `/` is a search of its own: an analysis cell's confinement ends (showing the screen
        // asks again).
        self.search.within = None;
        self.show(Screen::Search, out);
    }

    /// The evidence screen: for the query on the search screen, else by theme.
    pub fn open_evidence(&mut self, out: &mut Effects) {
        let from = self.screen;
        if from == Screen::Note {
            self.close_note(out);
        }
        // From search: its query, and the cell's sessions it is confined to (while it is).
        let query = (from == Screen::Search).then(|| {
            let text = self.search.input.text().to_string();
            let within = self.search.within.clone().filter(|w| w.query == text);
            (text, within)
        });
        self.screen = Screen::Evidence;
        route!(self, out, |ctx| self.evidence.open(query, ctx));
    }

    /// The agreement screen (closing the open note first), its figures asked for afresh.
    pub fn open_agreement(&mut self, out: &mut Effects) {
        // From analysis (`g`), Esc goes back there, to the same cell.
        self.agreement.back_to = if self.screen == Screen::Analysis {
            Screen::Analysis
        } else {
            Screen::List
        };
        if self.screen == Screen::Note {
            self.from_result.return_to = None;
            self.close_note(out);
        }
        self.screen = Screen::Agreement;
        route!(self, out, |ctx| self.agreement.open(ctx));
    }

    /// The analysis screen (closing the open note first): the store read again, the table
    /// asked for.
    pub fn open_analysis(&mut self, out: &mut Effects) {
        if self.screen == Screen::Note {
            self.from_result.return_to = None;
            self.close_note(out);
        }
        self.screen = Screen::Analysis;
        route!(self, out, |ctx| self.analysis.open(ctx));
    }

    /// The search screen with `query` (sessions or passages, confined to `within`'s sessions
    /// when given), Esc coming back to `back`.
    pub fn search_for(
        &mut self,
        query: String,
        sessions: bool,
        within: Option<crate::tui::component::Within>,
        back: Screen,
        out: &mut Effects,
    ) {
        self.search.open_on(
            query,
            if sessions {
                crate::core::index::HitKind::Sessions
            } else {
                crate::core::index::HitKind::Passages
            },
            within,
        );
        self.search.back = back;
        self.show(Screen::Search, out);
    }

    /// The open note's done mark: flip it (through the IO thread, into the coder's own files).
    pub fn mark_done(&mut self, out: &mut Effects) {
        let Some(n) = &self.note else { return };
        if !n.file.exists() {
            self.info("Save the session first: only a saved session can be marked done");
            return;
        }
        if let Some(why) = &self.read_only {
            self.error(format!("Read-only, so the done mark cannot change: {why}"));
            return;
        }
        let id = n.meta.id.clone();
        let done = matches!(&self.done_mark, Some((i, true)) if *i == id);
        out.push(Request::DoneMark {
            id,
            set: Some(!done),
        });
    }

    /// An answer about a done mark: shown in the open note's header.
    pub fn on_done_mark(
        &mut self,
        id: crate::core::session::SessionId,
        set: Option<bool>,
        result: Result<bool, String>,
    ) {
        let open = self.note.as_ref().is_some_and(|n| n.meta.id == id);
        match result {
            Ok(done) => {
                if open {
                    self.done_mark = Some((id, done));
                }
                match set {
                    Some(true) => self.ok("Marked done: agreement compares this session once every compared coder has marked it"),
                    Some(false) => self.ok("No longer marked done"),
                    None => {}
                }
            }
            Err(e) if set.is_some() => self.error(format!("Done mark not changed: {e}")),
            // Only reading it failed: the header shows no mark.
            Err(_) => {}
        }
    }

    /// Show `screen`, asking again for its results.
    pub(super) fn show(&mut self, screen: Screen, out: &mut Effects) {
        self.screen = screen;
        self.refresh_results(out);
    }

    /// Ask again for the results on the screen shown, if it shows any.
    pub(super) fn refresh_results(&mut self, out: &mut Effects) {
        match self.screen {
            Screen::Search => route!(self, out, |ctx| self.search.send_search(ctx)),
            Screen::Evidence => route!(self, out, |ctx| self.evidence.send(ctx)),
            Screen::Agreement => route!(self, out, |ctx| self.agreement.send(ctx)),
            Screen::Between => route!(self, out, |ctx| self.between.send(ctx)),
            // The analysis screen keeps its tables (Esc from a drill-down finds the same cell).
            Screen::List | Screen::Note | Screen::Codebook | Screen::Analysis => {}
        }
    }

    /// Open the session of a result: the cursor goes to `jump` when it arrives, and closing it
    /// comes back to `from`.
    pub(super) fn open_at(&mut self, jump: Jump, title: &str, from: Screen, out: &mut Effects) {
        self.opening = Some(jump.id.clone());
        out.push(Request::Load(jump.id.clone()));
        self.from_result.jump = Some(jump);
        self.from_result.return_to = Some(from);
        self.info(format!("Opening {title}…"));
    }

    /// Called when a note has just been opened: put the cursor at the result and highlight it.
    pub fn apply_jump(&mut self) {
        let Some(n) = &mut self.note else { return };
        let r = &mut self.from_result;
        match r.jump.take() {
            Some(j) if j.id == n.meta.id => {
                let len = n.doc.editor().len_chars();
                n.doc.editor_mut().set_cursor(j.cursor.min(len), false);
                let hits = j
                    .hits
                    .iter()
                    .map(|&(s, e)| (s.min(len), e.min(len)))
                    .filter(|(s, e)| s < e)
                    .collect();
                r.note_hits = Some((n.meta.id.clone(), n.doc.editor().version(), hits));
            }
            _ => {
                r.return_to = None;
                r.note_hits = None;
            }
        }
    }

    /// Called when the note is closed: go back to the results it was opened from.
    pub fn after_close_note(&mut self, out: &mut Effects) {
        self.from_result.note_hits = None;
        if let Some(screen) = self.from_result.return_to.take() {
            self.show(screen, out);
        }
    }
}

#[cfg(test)]
mod tests {
    //! Search and evidence through the app: keys, clicks and index answers routed to the two
    //! components, and the commands they give back.
    use super::super::Msg;
    use super::*;
    use crate::core::evidence::EvidenceItem;
    use crate::core::index::{Hit, HitKind, Results};
    use crate::core::session::SessionId;
    use crate::tui::app::Quit;
    use crate::tui::index_worker::{IndexRequest, SEARCH_PAGE};
    use crate::tui::keymap::Context;
    use crate::tui::search::evidence::EvidenceSource;
    use crate::tui::search::fixtures::{evidence_item, passage, results};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use std::time::Instant;

    /// A printable key, straight to the search screen's component.
    fn search_typed(a: &mut App, c: char, out: &mut Effects) {
        route!(a, out, |ctx| a.search.typed(c, ctx));
    }

    fn press(app: &mut App, code: KeyCode, mods: KeyModifiers) {
        app.step(Msg::Key(KeyEvent::new(code, mods)));
    }

    fn item(title: &str, start: usize) -> EvidenceItem {
        evidence_item(title, start, Some("01jd3k0000000000000000000a"))
    }

    #[test]
    fn reaching_the_last_hit_loaded_asks_for_a_page_more() {
        const NONE: KeyModifiers = KeyModifiers::NONE;
        let mut app = App::new("t".into(), "f".into(), None, Instant::now());
        app.screen = Screen::Search;
        // A theme named: the passages tab.
        for c in "theme:trust".chars() {
            press(&mut app, KeyCode::Char(c), NONE);
        }
        let page = |loaded: usize, total: usize| {
            let r = Results {
                total,
                hits: (0..loaded).map(|i| passage(&format!("coder{i}"))).collect(),
                ..Results::default()
            };
            Box::new((r, Results::default()))
        };
        let limits = |app: &mut App| -> Vec<usize> {
            app.index_out
                .drain(..)
                .filter_map(|r| match r {
                    IndexRequest::Search { limit, .. } => Some(limit),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(limits(&mut app).last(), Some(&SEARCH_PAGE));
        let seq = app.search.sent_seq;
        app.search
            .accept(seq, "theme:trust".into(), Ok(page(SEARCH_PAGE, 250)));
        for _ in 0..SEARCH_PAGE - 2 {
            press(&mut app, KeyCode::Down, NONE);
        }
        assert!(limits(&mut app).is_empty(), "not before the last hit");
        press(&mut app, KeyCode::Down, NONE);
        assert_eq!(limits(&mut app), [2 * SEARCH_PAGE]);
        press(&mut app, KeyCode::Down, NONE);
        assert!(
            limits(&mut app).is_empty(),
            "asked once while the page is on its way"
        );
        let seq = app.search.sent_seq;
        app.search
            .accept(seq, "theme:trust".into(), Ok(page(2 * SEARCH_PAGE, 250)));
        assert_eq!(
            app.search.selected_index(),
            SEARCH_PAGE,
            "the ↓ pressed while the page was on its way is carried out when it arrives"
        );
        press(&mut app, KeyCode::PageDown, NONE);
        for _ in 0..SEARCH_PAGE {
            press(&mut app, KeyCode::Down, NONE);
        }
        assert_eq!(limits(&mut app), [3 * SEARCH_PAGE]);
        let seq = app.search.sent_seq;
        app.search
            .accept(seq, "theme:trust".into(), Ok(page(250, 250)));
        for _ in 0..SEARCH_PAGE {
            press(&mut app, KeyCode::Down, NONE);
        }
        assert!(limits(&mut app).is_empty(), "all 250 loaded");
        // Another query starts at one page again.
        press(&mut app, KeyCode::Char('s'), NONE);
        assert_eq!(limits(&mut app), [SEARCH_PAGE]);
    }

    #[test]
    fn typing_sends_one_search_per_key_and_bad_queries_none() {
        let mut app = App::new("t".into(), "f".into(), None, Instant::now());
        app.with_effects(|a, out| a.open_search(out));
        assert_eq!(app.screen, Screen::Search);
        for c in "tr".chars() {
            app.with_effects(|a, out| search_typed(a, c, out));
        }
        let seqs: Vec<u64> = app
            .index_out
            .iter()
            .filter_map(|r| match r {
                IndexRequest::Search { seq, .. } => Some(*seq),
                _ => None,
            })
            .collect();
        assert_eq!(seqs, [1, 2, 3]);
        for c in " date:2026-13".chars() {
            app.with_effects(|a, out| search_typed(a, c, out));
        }
        let e = app.search.error.clone().expect("bad month is reported");
        assert!(e.start >= 3, "{e:?}");
        app.index_out.clear();
        app.with_effects(|a, out| search_typed(a, 'x', out));
        assert!(
            app.index_out.is_empty(),
            "a query that does not parse is not sent"
        );
    }

    #[test]
    fn late_results_do_not_clear_the_error_of_the_current_input() {
        let mut app = App::new("t".into(), "f".into(), None, Instant::now());
        app.with_effects(|a, out| a.open_search(out));
        for c in "trust date:2026-1".chars() {
            app.with_effects(|a, out| search_typed(a, c, out));
        }
        let sent = app.search.sent_seq;
        app.with_effects(|a, out| search_typed(a, '3', out));
        assert!(app.search.error.is_some());
        // The answer to the last good query arrives after the bad character was typed.
        app.search
            .accept(sent, "trust date:2026-1".into(), Ok(results(3)));
        assert!(app.search.error.is_some(), "the error stays");
        assert_eq!(app.search.results_of(HitKind::Passages).unwrap().total, 3);
    }

    #[test]
    fn keys_move_between_list_search_and_evidence() {
        const NONE: KeyModifiers = KeyModifiers::NONE;
        const CTRL: KeyModifiers = KeyModifiers::CONTROL;
        let mut app = App::new("t".into(), "f".into(), None, Instant::now());
        press(&mut app, KeyCode::Char('/'), NONE);
        assert_eq!(app.screen, Screen::Search);
        press(&mut app, KeyCode::Char('q'), NONE);
        assert_eq!(app.search.input.text(), "q", "q types in the query");
        assert_eq!(app.quit, Quit::No);
        // A plain word: the sessions tab first.
        assert_eq!(app.search.kind, HitKind::Sessions);
        press(&mut app, KeyCode::Char('t'), CTRL);
        assert_eq!(app.search.kind, HitKind::Passages);
        press(&mut app, KeyCode::F(3), NONE);
        assert_eq!(app.search.kind, HitKind::Sessions);
        press(&mut app, KeyCode::Char('e'), CTRL);
        assert_eq!(app.screen, Screen::Evidence);
        assert_eq!(app.evidence.source, EvidenceSource::Query("q".into(), None));
        press(&mut app, KeyCode::Esc, NONE);
        assert_eq!(app.screen, Screen::Search);
        assert_eq!(app.search.input.text(), "q", "the query is kept");
        press(&mut app, KeyCode::Esc, NONE);
        assert_eq!(app.screen, Screen::List);
        press(&mut app, KeyCode::Char('e'), NONE);
        assert_eq!(app.screen, Screen::Evidence);
        press(&mut app, KeyCode::Char('q'), NONE);
        assert_eq!(app.screen, Screen::List);
    }

    #[test]
    fn marks_survive_resorting_and_only_marked_passages_are_exported() {
        const NONE: KeyModifiers = KeyModifiers::NONE;
        let mut app = App::new("t".into(), "f".into(), None, Instant::now());
        press(&mut app, KeyCode::Char('e'), NONE);
        let seq = app.evidence.sent_seq;
        app.with_effects(|a, out| {
            a.on_index(
                IndexResponse::Evidence {
                    seq,
                    result: Ok(vec![item("A", 0), item("B", 10), item("C", 20)]),
                },
                out,
            )
        });
        press(&mut app, KeyCode::Down, NONE);
        press(&mut app, KeyCode::Char(' '), NONE);
        assert_eq!(app.evidence.selected, 2, "marking moves on");
        // Re-sorted answer: the mark follows the passage, not the row.
        press(&mut app, KeyCode::Char('s'), NONE);
        let seq = app.evidence.sent_seq;
        app.with_effects(|a, out| {
            a.on_index(
                IndexResponse::Evidence {
                    seq,
                    result: Ok(vec![item("C", 20), item("B", 10), item("A", 0)]),
                },
                out,
            )
        });
        assert!(app.evidence.is_marked(&app.evidence.items[1]));
        assert!(!app.evidence.is_marked(&app.evidence.items[0]));
        press(&mut app, KeyCode::Char('y'), NONE);
        assert!(app.clipboard_out.as_deref().unwrap().contains("quote of A"));
        press(&mut app, KeyCode::Char('x'), NONE);
        assert_eq!(app.search_context(), Some(Context::ExportPrompt));
        press(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
        for c in "out.md".chars() {
            press(&mut app, KeyCode::Char(c), NONE);
        }
        app.index_out.clear();
        press(&mut app, KeyCode::Enter, NONE);
        match app.index_out.as_slice() {
            [IndexRequest::Export {
                items,
                path,
                replace: false,
                deidentify: false,
            }] => {
                assert_eq!(path, std::path::Path::new("out.md"));
                assert_eq!(items.len(), 1);
                assert_eq!(items[0].title, "B");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(app.search_context(), Some(Context::Evidence));
    }

    #[test]
    fn a_click_selects_a_result_and_a_second_click_opens_it() {
        use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
        let mut app = App::new("t".into(), "f".into(), None, Instant::now());
        app.with_effects(|a, out| a.open_search(out));
        let hit = |title: &str| Hit {
            kind: HitKind::Passages,
            session_id: SessionId("01jd3k0000000000000000000a".into()),
            coding_id: None,
            title: title.into(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 6, 2).unwrap(),
            agencies: Vec::new(),
            session_type: Default::default(),
            county: String::new(),
            facilitator: String::new(),
            themes: Vec::new(),
            coder: String::new(),
            memo: String::new(),
            quote_or_snippet: "words".into(),
            highlights: Vec::new(),
            start: 3,
            end: 8,
            score: 1.0,
        };
        let mut r = results(2);
        r.0.hits = vec![hit("A"), hit("B")];
        let seq = app.search.sent_seq;
        app.search.accept(seq, String::new(), Ok(r));
        app.search.kind = HitKind::Passages;
        let click = |row| MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 5,
            row,
            modifiers: KeyModifiers::NONE,
        };
        // Results start on row 4, two rows each: row 6 is the second.
        let out = app.with_effects(|a, out| a.on_mouse(click(6), out));
        assert_eq!(app.search.selected_index(), 1);
        assert!(out.is_empty());
        let out = app.with_effects(|a, out| a.on_mouse(click(7), out));
        assert!(matches!(out.as_slice(), [Request::Load(_)]), "{out:?}");
        assert_eq!(app.from_result.return_to, Some(Screen::Search));
    }

    #[test]
    fn the_done_key_flips_the_mark_through_the_io_thread_and_the_header_follows() {
        use crate::core::session::{Session, SessionMeta};
        use crate::tui::app::{NoteFile, NoteState, Pane};
        use crate::tui::worker::Response;
        let mut app = App::new("t".into(), "f".into(), None, Instant::now());
        let meta = SessionMeta::new_today("f");
        let id = meta.id.clone();
        let mut n = NoteState::new(
            Session {
                meta,
                text: "words".into(),
            },
            Pane::Editor,
            Instant::now(),
        );
        n.file = NoteFile::Known(None);
        app.note = Some(n);
        app.screen = Screen::Note;
        let ctrl_d = || Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL));
        let sent = app.step(ctrl_d());
        assert!(
            matches!(sent.as_slice(), [Request::DoneMark { id: i, set: Some(true) }] if *i == id),
            "{sent:?}"
        );
        app.step(Msg::Io(Response::DoneMark {
            id: id.clone(),
            set: Some(true),
            result: Ok(true),
        }));
        assert_eq!(app.done_mark, Some((id.clone(), true)));
        let sent = app.step(ctrl_d());
        assert!(
            matches!(
                sent.as_slice(),
                [Request::DoneMark {
                    set: Some(false),
                    ..
                }]
            ),
            "pressed again: undone"
        );
        app.step(Msg::Io(Response::DoneMark {
            id: id.clone(),
            set: Some(false),
            result: Err("cannot write".into()),
        }));
        assert_eq!(app.done_mark, Some((id, true)), "unchanged on failure");
        assert!(app.status.as_ref().unwrap().text.contains("cannot write"));
        // From the list, `A` opens the agreement screen and asks for its figures.
        app.with_effects(|a, out| a.close_note(out));
        assert_eq!(app.done_mark, None);
        let sent = app.step(Msg::Key(KeyEvent::new(
            KeyCode::Char('A'),
            KeyModifiers::NONE,
        )));
        assert_eq!(app.screen, Screen::Agreement);
        assert!(sent.iter().any(|r| matches!(r, Request::Agreement { .. })));
        app.step(Msg::Key(KeyEvent::new(
            KeyCode::Char('q'),
            KeyModifiers::NONE,
        )));
        assert_eq!(app.screen, Screen::List);
    }
}
