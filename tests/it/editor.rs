//! The note editor: motions over Unicode text, undo grouping, the note document's coding
//! history, and the view drawn into a test terminal.

use chrono::Utc;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;
use ripple::core::anchor::{map_range, Change};
use ripple::core::coding::{AnchorStatus, Coding, CodingId};
use ripple::core::document::NoteDocument;
use ripple::core::editor::Editor;
use ripple::core::layout::wrap_line;
use ripple::core::session::SessionId;
use ripple::core::text::char_slice;
use ripple::tui::text_view::{CodedSpan, TextView, TextViewState, TextViewStyle};
use std::collections::BTreeMap;

fn rights(ed: &mut Editor) -> Vec<usize> {
    ed.set_cursor(0, false);
    let mut out = vec![0];
    while ed.cursor() < ed.len_chars() {
        ed.move_right(false);
        out.push(ed.cursor());
    }
    out
}

fn lefts(ed: &mut Editor) -> Vec<usize> {
    ed.move_doc_end(false);
    let mut out = vec![ed.cursor()];
    while ed.cursor() > 0 {
        ed.move_left(false);
        out.push(ed.cursor());
    }
    out
}

#[test]
fn left_right_step_over_grapheme_clusters() {
    let mut ed = Editor::new("añb");
    assert_eq!(rights(&mut ed), vec![0, 1, 2, 3]);
    let mut ed = Editor::new("an\u{303}b"); // ñ as n + combining tilde
    assert_eq!(rights(&mut ed), vec![0, 1, 3, 4]);
    assert_eq!(lefts(&mut ed), vec![4, 3, 1, 0]);
    let mut ed = Editor::new("a👩‍👩‍👧b");
    assert_eq!(rights(&mut ed), vec![0, 1, 6, 7]);
    assert_eq!(lefts(&mut ed), vec![7, 6, 1, 0]);
    let mut ed = Editor::new("我们\nx");
    assert_eq!(rights(&mut ed), vec![0, 1, 2, 3, 4]);
}

#[test]
fn backspace_and_delete_remove_whole_clusters() {
    let mut ed = Editor::new("a👩‍👩‍👧b");
    ed.set_cursor(6, false);
    let ch = ed.backspace();
    assert_eq!(
        ch,
        vec![Change {
            start: 1,
            removed: 5,
            inserted: 0
        }]
    );
    assert_eq!(ed.text(), "ab");
    let mut ed = Editor::new("n\u{303}o");
    ed.set_cursor(0, false);
    ed.delete();
    assert_eq!(ed.text(), "o");
}

#[test]
fn cjk_is_two_columns_wide() {
    let mut ed = Editor::new("我们 ok");
    ed.set_cursor(1, false);
    assert_eq!(ed.cursor_visual(40), (0, 0, 2));
    ed.set_cursor(3, false);
    assert_eq!(ed.cursor_visual(40), (0, 0, 5));
}

#[test]
fn up_down_keep_the_column_over_wrapped_rows() {
    // At width 10 line 0 wraps to "alpha beta " / "gamma " / "delta".
    let text = "alpha beta gamma delta\nxy\n我们我们我们";
    let rows = wrap_line("alpha beta gamma delta", 10);
    assert_eq!(rows.len(), 3);
    let mut ed = Editor::new(text);
    ed.set_cursor(7, false); // the 'e' of "beta", column 7
    ed.move_down(10, false);
    assert_eq!(
        ed.cursor(),
        16,
        "row 'gamma ' is short: before its hanging space"
    );
    ed.move_down(10, false);
    assert_eq!(
        ed.cursor(),
        22,
        "row 'delta' ends at column 5: the line's end"
    );
    ed.move_down(10, false);
    assert_eq!(ed.cursor(), 25, "line 'xy': its end");
    ed.move_down(10, false);
    // Columns 0,2,4,6 start the wide chars: column 7 is inside the 4th.
    assert_eq!(ed.cursor(), 26 + 3);
    assert_eq!(ed.cursor_visual(10).2, 6);
    ed.move_up(10, false);
    ed.move_up(10, false);
    ed.move_up(10, false);
    ed.move_up(10, false);
    assert_eq!(ed.cursor(), 7, "back on column 7 of the first row");
    ed.move_up(10, false);
    assert_eq!(ed.cursor(), 0, "up from the first row goes to the start");
    ed.move_down(10, true);
    assert_eq!(ed.selection(), Some((0, 11)), "shift+down extends");
}

#[test]
fn page_moves_count_visual_rows() {
    let text = (0..30)
        .map(|i| format!("line {i}"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut ed = Editor::new(&text);
    ed.page_down(10, 80, false);
    assert_eq!(ed.line_of(ed.cursor()), 10);
    ed.page_down(100, 80, false);
    assert_eq!(ed.cursor(), ed.len_chars());
    ed.page_up(5, 80, false);
    assert_eq!(ed.line_of(ed.cursor()), 24);
}

#[test]
fn home_and_end_work_on_visual_rows_then_lines() {
    let mut ed = Editor::new("alpha beta gamma delta");
    ed.set_cursor(13, false); // inside "gamma" (row 1 starts at 11)
    ed.move_home(10, false);
    assert_eq!(ed.cursor(), 11);
    ed.move_home(10, false);
    assert_eq!(ed.cursor(), 0, "second Home: line start");
    ed.set_cursor(13, false);
    ed.move_end(10, false);
    assert_eq!(ed.cursor(), 16, "before the row's hanging space");
    ed.move_end(10, false);
    assert_eq!(ed.cursor(), 22, "second End: line end");
}

#[test]
fn word_motions_follow_unicode_words() {
    let text = "Doña Ana's  notes, 我们!\nnext";
    let mut ed = Editor::new(text);
    let mut stops = vec![];
    while ed.cursor() < ed.len_chars() {
        ed.move_word_right(false);
        stops.push(ed.cursor());
    }
    // Doña | Ana's | notes | 我 | 们 (CJK ideographs are separate words) | next
    assert_eq!(stops, vec![4, 10, 17, 20, 21, 27]);
    let mut back = vec![];
    while ed.cursor() > 0 {
        ed.move_word_left(false);
        back.push(ed.cursor());
    }
    assert_eq!(back, vec![23, 20, 19, 12, 5, 0]);
    // Decomposed ñ stays inside the word.
    let mut ed = Editor::new("Don\u{303}a Ana");
    ed.move_word_right(false);
    assert_eq!(ed.cursor(), 5);
}

#[test]
fn delete_word_back_and_forward() {
    let mut ed = Editor::new("we met Doña Ana\nnext");
    ed.set_cursor(15, false);
    ed.delete_word_back();
    assert_eq!(ed.text(), "we met Doña \nnext");
    ed.delete_word_back();
    assert_eq!(ed.text(), "we met \nnext");
    ed.set_cursor(8, false); // start of "next"
    ed.delete_word_back();
    assert_eq!(
        ed.text(),
        "we met next",
        "at a line start only the break goes"
    );
    ed.set_cursor(2, false);
    ed.delete_word_forward();
    assert_eq!(ed.text(), "we next");
}

#[test]
fn typing_groups_undo_and_restores_cursor() {
    let mut ed = Editor::new("");
    for c in "Safe Together".chars() {
        ed.insert_char(c);
    }
    ed.undo();
    assert_eq!(ed.text(), "Safe ");
    assert_eq!(ed.cursor(), 5);
    ed.redo();
    assert_eq!(ed.text(), "Safe Together");
    // A motion breaks a group; so does an explicit break.
    let mut ed = Editor::new("");
    ed.insert_char('a');
    ed.insert_char('b');
    ed.break_undo_group();
    ed.insert_char('c');
    ed.move_left(false);
    ed.move_right(false);
    ed.insert_char('d');
    ed.undo();
    assert_eq!(ed.text(), "abc");
    ed.undo();
    assert_eq!(ed.text(), "ab");
    assert_eq!(ed.cursor(), 2);
    ed.undo();
    assert_eq!(ed.text(), "");
    assert!(!ed.can_undo());
}

#[test]
fn typing_replaces_the_selection_and_undo_restores_it() {
    let mut ed = Editor::new("we built trust");
    ed.set_selection(9, 14);
    let v = ed.version();
    let ch = ed.insert_char('T');
    assert!(ed.version() > v);
    assert_eq!(
        ch,
        vec![Change {
            start: 9,
            removed: 5,
            inserted: 1
        }]
    );
    ed.insert_char('!');
    assert_eq!(ed.text(), "we built T!");
    ed.undo();
    assert_eq!(ed.text(), "we built trust");
    assert_eq!(ed.selection(), Some((9, 14)));
    assert_eq!(ed.cursor(), 14);
}

#[test]
fn paste_normalises_crlf_and_is_one_step() {
    let mut ed = Editor::new("ab");
    ed.set_cursor(1, false);
    let ch = ed.insert_str("x\r\ny\rz");
    assert_eq!(ed.text(), "ax\ny\nzb");
    assert_eq!(ch[0].inserted, 5);
    assert_eq!(ed.cursor(), 6);
    ed.undo();
    assert_eq!(ed.text(), "ab");
}

#[test]
fn cut_copy_paste() {
    let mut ed = Editor::new("one two three");
    ed.set_selection(4, 8);
    assert_eq!(ed.copy().as_deref(), Some("two "));
    ed.cut();
    assert_eq!(ed.text(), "one three");
    ed.move_doc_end(false);
    ed.insert_char(' ');
    ed.paste();
    assert_eq!(ed.text(), "one three two ");
    ed.select_all();
    assert_eq!(ed.selection(), Some((0, 14)));
}

#[test]
fn sentence_and_paragraph_motions() {
    let text = "First one. Second? Third!\n\nNew para here. End";
    let mut ed = Editor::new(text);
    ed.move_sentence_end(false);
    assert_eq!(ed.cursor(), 10);
    ed.move_sentence_end(true);
    assert_eq!(ed.cursor(), 18);
    assert_eq!(ed.selected_text().as_deref(), Some(" Second?"));
    ed.move_sentence_end(false);
    ed.move_sentence_end(false);
    assert_eq!(ed.cursor(), 41, "crosses into the next paragraph");
    ed.move_sentence_start(false);
    assert_eq!(ed.cursor(), 27);
    ed.move_sentence_start(false);
    assert_eq!(ed.cursor(), 19, "previous paragraph's last sentence");
    assert_eq!(ed.sentence_at(12), Some((11, 18)));
    ed.set_cursor(3, false);
    ed.move_paragraph_end(false);
    assert_eq!(ed.cursor(), 25);
    ed.move_paragraph_end(false);
    assert_eq!(ed.cursor(), text.chars().count());
    ed.move_paragraph_start(false);
    assert_eq!(ed.cursor(), 27);
    ed.move_paragraph_start(false);
    assert_eq!(ed.cursor(), 0);
    assert_eq!(ed.paragraph_at(30), Some((27, 45)));
    assert_eq!(ed.paragraph_at(26), None);
    assert!(ed.select_sentence_at(33));
    assert_eq!(ed.selected_text().as_deref(), Some("New para here."));
    assert!(ed.select_paragraph_at(3));
    assert_eq!(
        ed.selected_text().as_deref(),
        Some("First one. Second? Third!")
    );
    assert!(!ed.select_paragraph_at(26));
}

// ----- the note document -------------------------------------------------------------------

fn coding(start: usize, end: usize, theme: &str, coder: &str) -> Coding {
    let now = Utc::now();
    Coding {
        id: CodingId::new(),
        session: SessionId("01jd3k0000000000000000000a".into()),
        theme: theme.into(),
        coder: coder.into(),
        start,
        end,
        quote: String::new(),
        before: String::new(),
        after: String::new(),
        memo: String::new(),
        status: AnchorStatus::Attached,
        created: now,
        updated: now,
    }
}

fn doc_with(text: &str, start: usize, end: usize) -> (NoteDocument, CodingId) {
    let mut doc = NoteDocument::new(text, vec![], BTreeMap::new());
    let c = coding(start, end, "trust", "ana");
    let id = c.id.clone();
    doc.add_coding(c).unwrap();
    (doc, id)
}

#[test]
fn typing_moves_codings_as_map_range_says() {
    let text = "Doña Ana built trust with CYFD";
    for (at, label) in [
        (0, "before"),
        (15, "at start"),
        (17, "inside"),
        (20, "at end"),
        (25, "after"),
    ] {
        let (mut doc, id) = doc_with(text, 15, 20);
        doc.editor_mut().set_cursor(at, false);
        doc.insert_str("ñ👩‍👩‍👧");
        let c = doc.coding(&id).unwrap();
        let expected = map_range(
            15,
            20,
            Change {
                start: at,
                removed: 0,
                inserted: 6,
            },
        );
        assert_eq!((c.start, c.end), expected, "{label}");
        assert_eq!(c.quote, char_slice(&doc.text(), c.start, c.end), "{label}");
        assert_eq!(c.status, AnchorStatus::Attached);
    }
}

#[test]
fn deleting_the_coded_text_orphans_it_and_undo_restores_it_exactly() {
    let (mut doc, id) = doc_with("we built trust slowly", 9, 14);
    let before = doc.coding(&id).unwrap().clone();
    doc.editor_mut().set_selection(8, 15);
    doc.delete_selection();
    let c = doc.coding(&id).unwrap();
    assert_eq!(c.status, AnchorStatus::Orphaned);
    assert_eq!(c.quote, "trust", "an orphan keeps its quote");
    assert_eq!(doc.text(), "we builtslowly");
    doc.undo();
    assert_eq!(doc.text(), "we built trust slowly");
    assert_eq!(doc.coding(&id).unwrap(), &before);
    assert_eq!(doc.editor().selection(), Some((8, 15)));
    doc.redo();
    assert_eq!(doc.coding(&id).unwrap().status, AnchorStatus::Orphaned);
}

#[test]
fn coding_actions_and_typing_undo_separately() {
    let mut doc = NoteDocument::new("trust grew", vec![], BTreeMap::new());
    doc.editor_mut().move_doc_end(false);
    doc.insert_char(' ');
    doc.insert_char('f');
    doc.insert_char('a');
    let c = coding(0, 5, "trust", "ana");
    let id = c.id.clone();
    doc.add_coding(c).unwrap();
    doc.insert_char('s'); // must not merge with "fa": the coding action sits between
    doc.insert_char('t');
    assert_eq!(doc.text(), "trust grew fast");
    doc.undo();
    assert_eq!(doc.text(), "trust grew fa");
    assert!(doc.coding(&id).is_some(), "typing undone, coding kept");
    doc.undo();
    assert_eq!(doc.text(), "trust grew fa", "coding undone, typing kept");
    assert!(doc.coding(&id).is_none());
    doc.undo();
    assert_eq!(doc.text(), "trust grew ");
    doc.redo();
    doc.redo();
    assert!(doc.coding(&id).is_some());
    assert_eq!(doc.text(), "trust grew fa");
    doc.redo();
    assert_eq!(doc.text(), "trust grew fast");
}

#[test]
fn theme_memo_and_note_memo_are_undoable_and_mark_coders_dirty() {
    let (mut doc, id) = doc_with("roles shifted", 0, 5);
    let saved = doc.coding_version();
    doc.set_theme(&id, "roles").unwrap();
    doc.set_coding_memo(&id, "clear shift").unwrap();
    doc.set_note_memo("ben", "good session");
    assert_eq!(doc.codings_changed_since(saved), vec!["ana", "ben"]);
    assert_eq!(doc.coding(&id).unwrap().theme, "roles");
    doc.undo();
    assert_eq!(doc.note_memo("ben"), "");
    doc.undo();
    assert_eq!(doc.coding(&id).unwrap().memo, "");
    doc.undo();
    assert_eq!(doc.coding(&id).unwrap().theme, "trust");
    assert!(doc.set_theme(&CodingId("nope".into()), "x").is_err());
    let file = doc.coder_file(&SessionId("s".into()), "ana");
    assert_eq!(file.codings.len(), 1);
    assert!(doc.add_coding(coding(5, 99, "trust", "ana")).is_err());
}

// ----- the view ----------------------------------------------------------------------------

fn render(
    ed: &Editor,
    spans: &[CodedSpan],
    style: &TextViewStyle,
    state: &mut TextViewState,
    w: u16,
    h: u16,
) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| {
        let view = TextView::for_editor(ed).spans(spans).style(style);
        f.render_stateful_widget(view, f.area(), state);
    })
    .unwrap();
    term.backend().buffer().clone()
}

fn row_text(buf: &Buffer, y: u16, x0: u16) -> String {
    (x0..buf.area.width)
        .map(|x| buf[(x, y)].symbol().to_string())
        .collect::<String>()
        .trim_end()
        .to_string()
}

fn plain_style() -> TextViewStyle {
    TextViewStyle {
        margin_width: 0,
        ..TextViewStyle::new(false)
    }
}

#[test]
fn view_wraps_text_into_the_cells() {
    let ed = Editor::new("the quick brown fox jumps over\nDoña Ana");
    let mut st = TextViewState::new();
    // 13 columns: wrap width 12 (one column is kept for the cursor).
    let buf = render(&ed, &[], &plain_style(), &mut st, 13, 5);
    let rows: Vec<String> = (0..5).map(|y| row_text(&buf, y, 0)).collect();
    assert_eq!(
        rows,
        vec!["the quick", "brown fox", "jumps over", "Doña Ana", ""]
    );
    assert_eq!(st.cursor_position(), Some(Position { x: 0, y: 0 }));
}

#[test]
fn wide_chars_at_the_edge_wrap_rather_than_split() {
    // Wrap width 5: "ab我们" needs 6 columns, so 们 moves to the next row whole.
    let ed = Editor::new("ab我们");
    let mut st = TextViewState::new();
    let buf = render(&ed, &[], &plain_style(), &mut st, 6, 3);
    assert_eq!(buf[(0, 0)].symbol(), "a");
    assert_eq!(buf[(2, 0)].symbol(), "我");
    assert_eq!(buf[(4, 0)].symbol(), " ");
    assert_eq!(buf[(0, 1)].symbol(), "们");
}

#[test]
fn coded_cells_carry_the_colour_and_the_margin_the_key() {
    let ed = Editor::new("we built trust slowly");
    let spans = vec![
        CodedSpan {
            start: 9,
            end: 14,
            colour: Some((0x1f, 0x4e, 0x99)),
            label: "trust".into(),
            style: None,
        },
        CodedSpan {
            start: 3,
            end: 21,
            colour: Some((0xf5, 0xd0, 0x20)),
            label: "roles".into(),
            style: None,
        },
    ];
    let style = TextViewStyle {
        margin_width: 12,
        ..TextViewStyle::new(false)
    };
    let mut st = TextViewState::new();
    let buf = render(&ed, &spans, &style, &mut st, 40, 3);
    let x0 = 12;
    assert_eq!(row_text(&buf, 0, x0), "we built trust slowly");
    // Inside "trust" the innermost (shortest) span is on top, underlined for the overlap.
    let t = &buf[(x0 + 9, 0)];
    assert_eq!(t.bg, Color::Rgb(0x1f, 0x4e, 0x99));
    assert_eq!(t.fg, Color::Rgb(255, 255, 255), "white on a dark blue");
    assert!(t.modifier.contains(Modifier::UNDERLINED));
    let b = &buf[(x0 + 3, 0)];
    assert_eq!(b.bg, Color::Rgb(0xf5, 0xd0, 0x20));
    assert_eq!(b.fg, Color::Rgb(0, 0, 0), "black on yellow");
    assert!(!b.modifier.contains(Modifier::UNDERLINED));
    assert_eq!(
        buf[(x0, 0)].bg,
        Color::Reset,
        "uncoded text keeps the default"
    );
    // The margin lists both keys, in their colours.
    let margin: String = (0..11).map(|x| buf[(x, 0)].symbol().to_string()).collect();
    assert_eq!(margin, "roles trust");
    assert_eq!(buf[(0, 0)].bg, Color::Rgb(0xf5, 0xd0, 0x20));
    assert_eq!(buf[(11, 0)].symbol(), "│");
    assert_eq!(row_text(&buf, 1, 0).trim(), "│", "no spans below the text");
}

#[test]
fn no_color_shows_keys_and_no_colours() {
    let ed = Editor::new("we built trust slowly");
    let spans = vec![CodedSpan {
        start: 9,
        end: 14,
        colour: Some((0x2e, 0x86, 0xde)),
        label: "trust".into(),
        style: None,
    }];
    let style = TextViewStyle {
        margin_width: 8,
        ..TextViewStyle::new(true)
    };
    let mut st = TextViewState::new();
    let buf = render(&ed, &spans, &style, &mut st, 40, 2);
    for cell in buf.content() {
        assert_eq!(cell.fg, Color::Reset);
        assert_eq!(cell.bg, Color::Reset);
    }
    let margin: String = (0..7).map(|x| buf[(x, 0)].symbol().to_string()).collect();
    assert_eq!(margin.trim_end(), "trust");
    assert!(buf[(8 + 9, 0)].modifier.contains(Modifier::UNDERLINED));
    assert!(!buf[(8, 0)].modifier.contains(Modifier::UNDERLINED));
}

#[test]
fn many_keys_fall_back_to_glyphs() {
    let ed = Editor::new("abcdef");
    let spans: Vec<CodedSpan> = ["trust", "roles", "communication"]
        .iter()
        .map(|k| CodedSpan {
            start: 0,
            end: 6,
            colour: None,
            label: k.to_string(),
            style: None,
        })
        .collect();
    let style = TextViewStyle {
        margin_width: 6,
        ..TextViewStyle::new(true)
    };
    let mut st = TextViewState::new();
    let buf = render(&ed, &spans, &style, &mut st, 30, 1);
    let margin: String = (0..5).map(|x| buf[(x, 0)].symbol().to_string()).collect();
    assert_eq!(margin.trim_end(), "trc");
}

#[test]
fn selection_and_search_hits_are_drawn_on_top() {
    let mut ed = Editor::new("find the word here");
    ed.set_selection(0, 4);
    let hits = [(9, 13)];
    let style = plain_style();
    let mut st = TextViewState::new();
    let mut term = Terminal::new(TestBackend::new(30, 2)).unwrap();
    term.draw(|f| {
        let view = TextView::for_editor(&ed).search_hits(&hits).style(&style);
        f.render_stateful_widget(view, f.area(), &mut st);
    })
    .unwrap();
    let buf = term.backend().buffer();
    assert!(buf[(0, 0)].modifier.contains(Modifier::REVERSED));
    assert!(!buf[(5, 0)].modifier.contains(Modifier::REVERSED));
    assert_eq!(buf[(9, 0)].bg, Color::Rgb(255, 215, 0));
    assert_eq!(st.cursor_position(), Some(Position { x: 4, y: 0 }));
}

#[test]
fn the_view_follows_the_cursor_and_the_wheel_scrolls_without_it() {
    let text = (0..100)
        .map(|i| format!("line {i}"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut ed = Editor::new(&text);
    let style = plain_style();
    let mut st = TextViewState::new();
    ed.move_doc_end(false);
    let buf = render(&ed, &[], &style, &mut st, 20, 10);
    assert_eq!(row_text(&buf, 9, 0), "line 99");
    assert_eq!(st.cursor_position(), Some(Position { x: 7, y: 9 }));
    // Up to row 2 from the top keeps scroll-off 2.
    for _ in 0..8 {
        ed.move_up(st.wrap_width(), false);
    }
    let buf = render(&ed, &[], &style, &mut st, 20, 10);
    assert_eq!(
        st.cursor_position().unwrap().y,
        1 + 1,
        "two rows of context above"
    );
    assert_eq!(row_text(&buf, 2, 0), "line 91");
    // Mouse wheel: the view moves, the cursor stays and the view does not jump back.
    st.scroll_by(ed.rope(), -20);
    let buf = render(&ed, &[], &style, &mut st, 20, 10);
    assert_eq!(row_text(&buf, 0, 0), "line 69");
    assert_eq!(st.cursor_position(), None, "cursor is off screen");
    assert_eq!(ed.line_of(ed.cursor()), 91);
    // Hit-testing maps cells back to offsets.
    assert_eq!(st.hit_test(2, 1), Some(ed.line_start(70) + 2));
    assert_eq!(
        st.hit_test(19, 1),
        Some(ed.line_start(70) + 7),
        "past the end: line end"
    );
    assert_eq!(st.hit_test(25, 1), None);
    st.scroll_by(ed.rope(), -1000);
    let buf = render(&ed, &[], &style, &mut st, 20, 10);
    assert_eq!(row_text(&buf, 0, 0), "line 0");
    // Typing brings the cursor back into view.
    ed.insert_char('x');
    render(&ed, &[], &style, &mut st, 20, 10);
    assert!(st.cursor_position().is_some());
}

#[test]
fn hit_test_on_wrapped_and_wide_text() {
    let ed = Editor::new("alpha beta gamma 我们");
    let style = TextViewStyle {
        margin_width: 4,
        ..TextViewStyle::new(false)
    };
    let mut st = TextViewState::new();
    // Text area 11 columns at x=4, wrap width 10: "alpha beta " / "gamma 我们".
    render(&ed, &[], &style, &mut st, 15, 4);
    assert_eq!(st.hit_test(4, 0), Some(0));
    assert_eq!(st.hit_test(4 + 6, 0), Some(6));
    assert_eq!(st.hit_test(4 + 6, 1), Some(17), "我 at columns 6-7");
    assert_eq!(st.hit_test(4 + 7, 1), Some(17));
    assert_eq!(st.hit_test(4 + 8, 1), Some(18));
    assert_eq!(st.hit_test(1, 1), Some(11), "margin click: row start");
    assert_eq!(
        st.hit_test(5, 3),
        Some(ed.len_chars()),
        "below the text: its end"
    );
    let r = Rect::new(0, 0, 15, 4);
    assert_eq!(st.hit_test_clamped(5, r.bottom() + 3), Some(ed.len_chars()));
}

#[test]
fn a_long_line_edited_in_place_draws_like_a_fresh_layout() {
    let words = ["Doña", "Ana", "我们", "trust", "👩‍👩‍👧", "n\u{303}o", "roles."];
    let text: String = (0..1500)
        .map(|i| words[(i * 7) % words.len()])
        .collect::<Vec<_>>()
        .join(" ");
    let mut ed = Editor::new(&text);
    let style = plain_style();
    let mut kept = TextViewState::new();
    ed.set_cursor(ed.len_chars() / 2, false);
    render(&ed, &[], &style, &mut kept, 50, 12);
    for edit in 0..6 {
        match edit % 3 {
            0 => {
                ed.insert_str("new words here ");
            }
            1 => {
                ed.backspace();
                ed.backspace();
            }
            _ => {
                ed.insert_char('\u{303}');
            }
        }
        let a = render(&ed, &[], &style, &mut kept, 50, 12);
        let mut fresh = TextViewState::new();
        fresh.top_line = kept.top_line;
        fresh.top_row = kept.top_row;
        let b = render(&ed, &[], &style, &mut fresh, 50, 12);
        assert_eq!(a, b, "after edit {edit}");
        assert_eq!(kept.cursor_position(), fresh.cursor_position());
        // The editor's own cached layout agrees with the view on the rows.
        let w = kept.wrap_width();
        let (line, row, col) = ed.cursor_visual(w);
        let fresh_ed = Editor::new(&ed.text());
        let mut fresh_ed = fresh_ed;
        fresh_ed.set_cursor(ed.cursor(), false);
        assert_eq!(fresh_ed.cursor_visual(w), (line, row, col));
    }
}

/// Drawing reads the settled state: the frame matches the one-step widget's, the state does
/// not change, and hit-testing answers for the cells drawn.
#[test]
fn view_settles_then_draws_read_only() {
    let text: String = (0..30)
        .map(|i| format!("línea {i} del cuaderno\n"))
        .collect();
    let mut ed = Editor::new(&text);
    ed.set_cursor(text.chars().count() - 3, false);
    let style = plain_style();
    let area = Rect::new(0, 0, 12, 5);
    let mut st = TextViewState::new();
    let view = TextView::for_editor(&ed).style(&style);
    st.settle(&view, area);
    let top = (st.top_line, st.top_row);
    assert!(
        top.0 > 20,
        "settling followed the cursor to the end: {top:?}"
    );
    let mut buf = Buffer::empty(area);
    let cursor = st.render(&view, area, &mut buf);
    assert_eq!(cursor, st.cursor_position());
    assert_eq!((st.top_line, st.top_row), top, "drawing moved nothing");
    let mut again = Buffer::empty(area);
    st.render(&view, area, &mut again);
    assert_eq!(buf, again);
    // The same frame as the widget that settles and draws in one step.
    let mut one_step = TextViewState::new();
    assert_eq!(buf, render(&ed, &[], &style, &mut one_step, 12, 5));
    // A cell drawn is the char hit-testing finds there.
    let at = st.hit_test(2, 1).unwrap();
    assert_eq!(buf[(2, 1)].symbol(), ed.rope().char(at).to_string());

    // Drawn into an area it was not settled for (a terminal resized before the update step
    // heard of it), the frame is still the one a settled state draws, and the state is left
    // for the next settle.
    let wide = Rect::new(0, 0, 20, 4);
    let mut buf = Buffer::empty(wide);
    st.render(&view, wide, &mut buf);
    let mut settled = TextViewState::new();
    settled.top_line = st.top_line;
    settled.top_row = st.top_row;
    settled.settle(&view, wide);
    let mut expected = Buffer::empty(wide);
    settled.render(&view, wide, &mut expected);
    assert_eq!(buf, expected);
    assert_eq!(st.wrap_width(), 11, "still settled for 12 columns");
}
