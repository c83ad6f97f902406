//! The analysis screen end to end, on the demo store: `a` from the list opens the theme
//! matrix, whose cells are the core's counts; `d` and `v` change the columns and the value;
//! Enter on a cell shows the sessions behind it in search, and Esc comes back to the same cell.
//! Run under NO_COLOR, so the table must read (and the cursor show) without colour.

use crate::common::{store_dir, Key, Tui};
use ripple::core::analysis::{matrix, Corpus, Dimension, Matrix, MatrixSpec, Scope, Value};
use ripple::core::store::Store;
use ripple::core::workspace::Workspace;

/// The matrix the screen should show, as the core computes it.
fn expected(store: &std::path::Path, cols: Dimension, value: Value) -> Matrix {
    let store = Store::open(store).unwrap();
    let ws = Workspace::new(&store, "Test Coder");
    let corpus = Corpus::load(&ws, &Scope::default()).unwrap();
    matrix(
        &corpus,
        &MatrixSpec {
            cols,
            value,
            flat: false,
            scope: Scope::default(),
        },
    )
    .unwrap()
}

/// The numbers of the row whose label starts with `label` (zeros are dots; NO_COLOR shade
/// marks stripped), as many as `n`.
fn numbers(screen: &str, label: &str, n: usize) -> Vec<String> {
    let line = screen
        .lines()
        .find(|l| l.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no row {label}:\n{screen}"));
    line.trim_start()[label.len()..]
        .split_whitespace()
        .take(n)
        .map(|w| w.trim_end_matches(['░', '▒', '▓', '█']).to_string())
        .collect()
}

fn written(v: f64) -> String {
    if v == 0.0 {
        "·".into()
    } else {
        format!("{v}")
    }
}

#[test]
fn matrix_of_the_demo_store_then_columns_value_and_a_cell_s_sessions_in_search() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    ripple::core::demo::write_demo_store(&store).unwrap();
    let months = expected(&store, Dimension::Month, Value::Passages);
    let trust = months.rows.iter().position(|r| r.key == "trust").unwrap();
    assert!(
        months.cells[trust].iter().any(|v| *v > 0.0),
        "the demo codes trust"
    );

    let mut t = Tui::start_env(&store, &[], 140, 36, &[("NO_COLOR", "1")]);
    t.wait_for("Leadership kickoff");
    t.key(Key::Char('a'));
    let screen = t.wait_until("the matrix", |s| {
        s.contains("Theme matrix") && s.contains("all themes")
    });
    assert!(screen.contains("columns: month"), "{screen}");
    let first: Vec<String> = months.cells[trust]
        .iter()
        .take(3)
        .map(|v| written(*v))
        .collect();
    assert_eq!(numbers(&screen, "Trust", 3), first, "{screen}");

    // `d`: the next dimension (project months need a start date the demo may not set).
    let corpus_start = {
        let s = Store::open(&store).unwrap();
        s.settings().project_start
    };
    let next = if corpus_start.is_some() {
        Dimension::ProjectMonth
    } else {
        Dimension::Quarter
    };
    t.key(Key::Char('d'));
    t.wait_for(&format!("columns: {}", next.label()));
    // `v`: sessions with the theme.
    t.key(Key::Char('v'));
    let screen = t.wait_for("cells: sessions with the theme");
    let by = expected(&store, next, Value::Sessions);
    let n = by.cols.len().min(3);
    let want: Vec<String> = by.cells[trust]
        .iter()
        .take(n)
        .map(|v| written(*v))
        .collect();
    assert_eq!(numbers(&screen, "Trust", n), want, "{screen}");

    // To trust's first column with sessions, Enter: search shows those sessions.
    let col = by.cells[trust].iter().position(|v| *v > 0.0).unwrap();
    let sessions = by.cells[trust][col] as usize;
    for _ in 0..trust {
        t.key(Key::Down);
    }
    for _ in 0..col {
        t.key(Key::Right);
    }
    t.key(Key::Enter);
    let search = t.wait_for(&format!("Sessions ({sessions})"));
    assert!(search.contains("theme:\"trust\""), "{search}");
    assert!(search.contains("in the cell's sessions"), "{search}");
    // Esc: back to the matrix, the same settings, the cursor on the same cell (reversed).
    t.key(Key::Esc);
    let back = t.wait_for("cells: sessions with the theme");
    assert!(
        back.contains(&format!("columns: {}", next.label())),
        "{back}"
    );
    let (y, x) = t.with_screen(|s| {
        let text = s.contents();
        let y = text
            .lines()
            .position(|l| l.trim_start().starts_with("Trust"))
            .unwrap() as u16;
        let row: Vec<String> = (0..140)
            .map(|x| {
                s.cell(y, x)
                    .map_or(String::new(), |c| c.contents().to_string())
            })
            .collect();
        let x = (0..140u16)
            .find(|&x| {
                s.cell(y, x)
                    .is_some_and(|c| c.inverse() && !c.contents().trim().is_empty())
                    && x > 30
            })
            .unwrap_or_else(|| panic!("no reversed cell on the trust row: {}", row.concat()));
        (y, x)
    });
    let cell_text: String = t.with_screen(|s| {
        (x..x + 4)
            .filter_map(|x| {
                s.cell(y, x)
                    .filter(|c| c.inverse())
                    .map(|c| c.contents().to_string())
            })
            .collect()
    });
    assert_eq!(
        cell_text.trim().trim_end_matches(['░', '▒', '▓', '█']),
        sessions.to_string(),
        "the cursor is on the cell that was opened"
    );
    // Enter again opens the same cell's sessions.
    t.key(Key::Enter);
    t.wait_for(&format!("Sessions ({sessions})"));
    t.key(Key::Esc);
    t.wait_for("Theme matrix");
    // `w`: words by column, counted as typed (the notes' words read for it).
    t.key(Key::Char('w'));
    t.wait_for("Words to count");
    t.type_text("trust");
    t.key(Key::Enter);
    // The view's title shows while the words are still being counted: wait for their row.
    t.wait_for("Words by column");
    t.wait_until("the row of the word counted", |s| {
        s.contains("Words by column") && s.lines().any(|l| l.trim_start().starts_with("trust"))
    });
    t.key(Key::Char('m'));
    t.wait_for("Theme matrix");
    // `g`: the agreement screen; from the list, `A` opens it too.
    t.key(Key::Char('g'));
    t.wait_for(" Agreement ");
    // Esc goes back where agreement was opened from: analysis, then the list.
    t.key(Key::Esc);
    t.wait_for("Theme matrix");
    t.wait_gone(" Agreement ");
    t.key(Key::Esc);
    t.wait_for("Leadership kickoff");
    t.key(Key::Char('A'));
    t.wait_for(" Agreement ");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
}
