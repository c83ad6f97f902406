//! Frame time of the note view: a 20,000-word note with 500 coded passages (some nested or
//! overlapping) drawn into a 120×40 buffer at several scroll positions and after edits. A
//! frame is what the app does for it: settle the view state (the update step: follow the
//! cursor, lay out the rows on screen), then draw from the settled state, read-only.
//!
//! Spell checking adds to a frame finding the misspelt words of the lines on screen (each
//! word's verdict and each line's result cached) and underlining them; it is measured with the
//! system's English and Spanish dictionaries when installed.
//! Also the analysis screen: a theme × month matrix of 10,000 synthetic sessions (60 months, so
//! the table scrolls sideways) drawn into a 120×40 terminal, as settled and drawn after a key.
//!
//! Run: `cargo bench --bench render`. Prints mean and p95 per frame for each scenario.

mod common;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ripple::core::editor::Editor;
use ripple::core::spell::{dictionary_dirs, find_dictionaries, Speller};
use ripple::tui::spell::{SpellLoaded, SpellState};
use ripple::tui::text_view::{CodedSpan, TextView, TextViewState, TextViewStyle};
use std::time::{Duration, Instant};

const WORDS: &[&str] = &[
    "the",
    "facilitator",
    "asked",
    "how",
    "CYFD",
    "and",
    "La",
    "Casa",
    "share",
    "safety",
    "plans",
    "with",
    "fathers",
    "who",
    "chose",
    "violence;",
    "Doña",
    "Ana",
    "county",
    "workers",
    "described",
    "trust,",
    "roles",
    "and",
    "communication.",
    "我们",
    "讨论了",
    "合作",
    "👩‍👩‍👧",
    "niñez",
    "protective",
    "efforts",
    "of",
    "survivors",
    "were",
    "named",
    "clearly.",
    "Next",
    "steps:",
    "meet",
    "again",
    "in",
    "June.",
];

/// A deterministic note of `words` words: paragraphs of 40–160 words, or one long paragraph.
fn note(words: usize, one_paragraph: bool) -> String {
    let mut s = String::new();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut in_para = 0;
    let mut para_len = 40 + (next() % 120) as usize;
    for i in 0..words {
        if i > 0 {
            if !one_paragraph && in_para >= para_len {
                s.push_str("\n\n");
                in_para = 0;
                para_len = 40 + (next() % 120) as usize;
            } else {
                s.push(' ');
            }
        }
        s.push_str(WORDS[(next() % WORDS.len() as u64) as usize]);
        in_para += 1;
    }
    s
}

/// 500 spans: 400 spread passages of 5–60 words' length, and 100 nested inside or overlapping
/// them.
fn spans(len: usize) -> Vec<CodedSpan> {
    let colours = [
        (0x1f, 0x4e, 0x99),
        (0xf5, 0xd0, 0x20),
        (0x2e, 0x86, 0x5f),
        (0xc0, 0x39, 0x2b),
        (0x8e, 0x44, 0xad),
    ];
    let keys = [
        "trust",
        "communication",
        "roles",
        "naming-choice",
        "protective-efforts",
    ];
    let mut out = Vec::new();
    let step = len / 400;
    for i in 0..400 {
        let start = i * step;
        let end = (start + 30 + (i * 37) % 300).min(len);
        out.push(CodedSpan {
            start,
            end,
            colour: Some(colours[i % 5]),
            label: keys[i % 5].to_string(),
            style: None,
        });
    }
    for i in 0..100 {
        let base = &out[i * 4];
        let (start, end) = if i % 2 == 0 {
            (base.start + 5, base.start + 20) // nested
        } else {
            (base.end.saturating_sub(10), (base.end + 80).min(len)) // overlapping
        };
        out.push(CodedSpan {
            start,
            end: end.max(start + 1),
            colour: Some(colours[(i + 2) % 5]),
            label: keys[(i + 2) % 5].to_string(),
            style: None,
        });
    }
    out
}

struct Stats {
    min: Duration,
    mean: Duration,
    p95: Duration,
    max: Duration,
}

fn stats(mut v: Vec<Duration>) -> Stats {
    v.sort();
    let mean = v.iter().sum::<Duration>() / v.len() as u32;
    let p95 = v[(v.len() * 95 / 100).min(v.len() - 1)];
    Stats {
        min: v[0],
        mean,
        p95,
        max: *v.last().unwrap(),
    }
}

fn frame(
    ed: &Editor,
    spans: &[CodedSpan],
    style: &TextViewStyle,
    st: &mut TextViewState,
    buf: &mut Buffer,
) -> Duration {
    let area = Rect::new(0, 0, 120, 40);
    buf.reset();
    let t = Instant::now();
    let view = TextView::for_editor(ed).spans(spans).style(style);
    st.settle(&view, area);
    std::hint::black_box(st.render(&view, area, buf));
    std::hint::black_box(&buf);
    t.elapsed()
}

fn report(name: &str, v: Vec<Duration>) {
    let s = stats(v);
    println!(
        "{name:<42} min {:>7.1} µs  mean {:>7.1} µs  p95 {:>7.1} µs  max {:>7.1} µs",
        s.min.as_secs_f64() * 1e6,
        s.mean.as_secs_f64() * 1e6,
        s.p95.as_secs_f64() * 1e6,
        s.max.as_secs_f64() * 1e6
    );
}

fn scenario(label: &str, one_paragraph: bool) {
    let text = note(20_000, one_paragraph);
    let mut ed = Editor::new(&text);
    let len = ed.len_chars();
    let spans = spans(len);
    let style = TextViewStyle::default();
    let mut st = TextViewState::new();
    let mut buf = Buffer::empty(Rect::new(0, 0, 120, 40));
    println!(
        "\n{label}: {} chars, {} lines, {} spans",
        len,
        ed.line_count(),
        spans.len()
    );

    // Steady frames at several scroll positions (layout cache warm after the first).
    for (name, pos) in [
        ("top", 0),
        ("25%", len / 4),
        ("middle", len / 2),
        ("end", len),
    ] {
        ed.set_cursor(pos, false);
        let mut v = Vec::new();
        for _ in 0..200 {
            v.push(frame(&ed, &spans, &style, &mut st, &mut buf));
        }
        report(&format!("  scroll to {name}"), v);
    }

    // Jumping around: each frame shows a different place (cold layouts).
    let mut v = Vec::new();
    for i in 0..200 {
        ed.set_cursor((i * 7919 * 31) % len, false);
        v.push(frame(&ed, &spans, &style, &mut st, &mut buf));
    }
    report("  jump to a new place every frame", v);

    // Mouse-wheel scrolling: three rows per frame.
    ed.set_cursor(0, false);
    frame(&ed, &spans, &style, &mut st, &mut buf);
    let mut v = Vec::new();
    for _ in 0..200 {
        st.scroll_by(ed.rope(), 3);
        v.push(frame(&ed, &spans, &style, &mut st, &mut buf));
    }
    report("  wheel scroll 3 rows per frame", v);

    // Typing in the middle: every frame follows an edit (the edited line is laid out again).
    ed.set_cursor(len / 2, false);
    let mut v = Vec::new();
    for i in 0..200 {
        ed.insert_char(if i % 6 == 5 { ' ' } else { 'x' });
        v.push(frame(&ed, &spans, &style, &mut st, &mut buf));
    }
    report("  type a char, then draw", v);

    // Vertical motion on wrapped rows (editor side, not drawing).
    let width = st.wrap_width();
    let mut v = Vec::new();
    for i in 0..200 {
        let t = Instant::now();
        if i % 2 == 0 {
            ed.move_down(width, false);
        } else {
            ed.move_up(width, false);
        }
        v.push(t.elapsed());
    }
    report("  editor move_down/up (wrap width)", v);
    let mut v = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        ed.insert_char('y');
        ed.move_down(width, false);
        v.push(t.elapsed());
    }
    report("  editor insert + move_down (relayout)", v);
}

/// A frame with spell checking: settle, find the misspelt words of the lines on screen, draw.
fn spell_frame(
    ed: &Editor,
    spans: &[CodedSpan],
    style: &TextViewStyle,
    st: &mut TextViewState,
    spell: &mut SpellState,
    buf: &mut Buffer,
) -> Duration {
    let area = Rect::new(0, 0, 120, 40);
    buf.reset();
    let t = Instant::now();
    let view = TextView::for_editor(ed).spans(spans).style(style);
    st.settle(&view, area);
    let marks = match st.lines_on_screen() {
        Some((first, last)) => spell.marks(ed.rope(), first, last),
        None => Vec::new(),
    };
    let view = view.misspelt(&marks);
    std::hint::black_box(st.render(&view, area, buf));
    std::hint::black_box(&buf);
    t.elapsed()
}

fn spell_scenario() {
    let files = find_dictionaries(&dictionary_dirs());
    let t = Instant::now();
    let loaded = Speller::load(&files, None);
    let names = loaded.speller.names().join(", ");
    if !loaded.speller.has_dictionaries() {
        println!("\nspell check: no system dictionary found, skipped");
        return;
    }
    println!(
        "\nspell check ({names}, loaded in {:.0} ms on the spell thread), paragraphs, one word in ten misspelt:",
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut spell = SpellState::default();
    spell.take(SpellLoaded {
        speller: loaded.speller,
        problems: Vec::new(),
        looked_in: Vec::new(),
    });
    let text = note(20_000, false)
        .replace("safety", "safty")
        .replace("county", "cuonty");
    let mut ed = Editor::new(&text);
    let len = ed.len_chars();
    let spans = spans(len);
    let style = TextViewStyle::default();
    let mut st = TextViewState::new();
    let mut buf = Buffer::empty(Rect::new(0, 0, 120, 40));
    ed.set_cursor(len / 2, false);
    let mut v = Vec::new();
    for _ in 0..200 {
        v.push(spell_frame(
            &ed, &spans, &style, &mut st, &mut spell, &mut buf,
        ));
    }
    report("  steady frames (caches warm)", v);
    let mut v = Vec::new();
    for i in 0..200 {
        ed.set_cursor((i * 7919 * 31) % len, false);
        v.push(spell_frame(
            &ed, &spans, &style, &mut st, &mut spell, &mut buf,
        ));
    }
    report("  jump to a new place every frame", v);
    ed.set_cursor(len / 2, false);
    let mut v = Vec::new();
    for i in 0..200 {
        ed.insert_char(if i % 6 == 5 { ' ' } else { 'x' });
        v.push(spell_frame(
            &ed, &spans, &style, &mut st, &mut spell, &mut buf,
        ));
    }
    report("  type a char, then draw", v);
}

/// The status line's word count: the note is counted again after each edit (in the update
/// step, once per editor version).
fn word_count_scenario() {
    let mut ed = Editor::new(&note(20_000, false));
    ed.set_cursor(ed.len_chars() / 2, false);
    let mut v = Vec::new();
    for _ in 0..100 {
        ed.insert_char('x');
        let t = Instant::now();
        std::hint::black_box(ripple::core::words::count_words_rope(ed.rope()));
        v.push(t.elapsed());
    }
    println!();
    report("word count after an edit (20,000 words)", v);
}

/// The analysis screen's matrix frame: settle and draw the whole app, as after each key.
fn analysis() {
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    use ripple::core::analysis::Corpus;
    use ripple::core::codebook::Codebook;
    use ripple::core::coding_store::new_coding;
    use ripple::tui::analysis::compute::compute;
    use ripple::tui::app::{App, Msg, Screen};
    use ripple::tui::views;

    let n = 10_000;
    let mut rng = common::synth::Rng::new(7);
    let book = Codebook::builtin();
    let keys: Vec<String> = book.themes.iter().map(|t| t.key.clone()).collect();
    let mut sessions = Vec::with_capacity(n);
    let mut codings = Vec::new();
    for i in 0..n {
        let s = common::synth::session(&mut rng, i, 120);
        let len = s.text.chars().count();
        for k in 0..2 {
            let start = rng.below(len.saturating_sub(40).max(1));
            let end = (start + 10 + rng.below(30)).min(len);
            let theme = &keys[rng.below(keys.len())];
            let coder = ["Ana", "Bea"][k];
            if let Ok(c) = new_coding(&s.text, &s.meta.id, start, end, theme, coder, "") {
                codings.push(c);
            }
        }
        sessions.push((s.meta, s.text, Vec::new()));
    }
    let corpus = Corpus::build(book, None, sessions, codings);
    let mut app = App::new("bench".into(), "f".into(), None, Instant::now());
    app.size = (120, 40);
    app.screen = Screen::Analysis;
    let ask = app.analysis.ask();
    let answer = compute(&corpus, &ask).expect("the matrix");
    app.analysis.shown[0] = Some((ask, answer));
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let cols = app.analysis.grid().map_or(0, |g| g.cols.len());
    println!("\nanalysis screen: theme × month matrix, {n} sessions, {cols} months, 120×40");
    let mut draw = |app: &mut App| {
        let t = Instant::now();
        app.settle();
        term.draw(|f| views::draw(f, app)).unwrap();
        t.elapsed()
    };
    let v: Vec<Duration> = (0..200).map(|_| draw(&mut app)).collect();
    report("  matrix frame", v);
    let key = |code| {
        Msg::Key(crossterm::event::KeyEvent::new(
            code,
            crossterm::event::KeyModifiers::NONE,
        ))
    };
    let mut v = Vec::new();
    for i in 0..200 {
        let t = Instant::now();
        let code = if (i / cols.max(1)).is_multiple_of(2) {
            crossterm::event::KeyCode::Right
        } else {
            crossterm::event::KeyCode::Left
        };
        app.update(key(code), Instant::now());
        let d = t.elapsed() + draw(&mut app);
        v.push(d);
    }
    report("  → / ← then draw (scrolling sideways)", v);
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too: keep it quick.
    println!("note view, 120×40 buffer");
    scenario("paragraphs of 40–160 words", false);
    scenario("one 20,000-word paragraph", true);
    spell_scenario();
    word_count_scenario();
    analysis();
}
