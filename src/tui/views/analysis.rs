//! The analysis screen: a heat-shaded table (theme matrix, co-occurrence, words by column) with
//! totals and sparklines, or a concordance, or a column's keywords. Shades are backgrounds
//! where there is colour; under NO_COLOR each number carries a shade mark (░▒▓█) instead, so
//! the numbers stay plain text either way.

use crate::core::analysis::Level;
use crate::tui::analysis::compute::{Analysed, KEYWORD_MIN};
use crate::tui::analysis::grid::{shade, shade_mark, sparkline, Fmt, Grid};
use crate::tui::analysis::{table_rows, AnalysisScreen, Editing, View};
use crate::tui::app::App;
use crate::tui::theme::Palette;
use crate::tui::views::status;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, pal: &Palette) {
    let [header, info, input, body, status_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(2),
        Constraint::Length(2),
    ])
    .areas(area);
    let an = &app.analysis;
    let head = vec![
        Span::styled(" Ripple ", pal.title()),
        Span::styled(format!(" Analysis: {} ", an.view().title()), pal.header()),
    ];
    frame.render_widget(Paragraph::new(Line::from(head)), header);
    frame.render_widget(Paragraph::new(summary(an, pal)), info);
    frame.render_widget(Paragraph::new(input_line(an, pal)), input);
    match an.current() {
        None if an.error.is_some() && an.corpus.is_none() => {}
        None => frame.render_widget(
            Paragraph::new(Span::styled(
                if an.reading() {
                    " Reading the notes and codings…"
                } else {
                    " Computing…"
                },
                pal.dim(),
            )),
            body,
        ),
        Some(Analysed::Kwic(lines)) => concordance(frame, body, an, lines, pal),
        Some(Analysed::Keywords(k)) => keywords(frame, body, an, k, pal),
        Some(_) => {
            if let Some(g) = an.grid() {
                table(frame, body, an, g, pal);
            }
        }
    }
    status::draw(frame, status_area, app, pal);
}

fn summary<'a>(an: &AnalysisScreen, pal: &Palette) -> Line<'a> {
    let s = &an.settings;
    let text = match (an.view(), an.current()) {
        (View::Matrix, Some(Analysed::Matrix { matrix: m, .. })) => format!(
            " {} session(s) · columns: {} · rows: themes ({}) · cells: {}",
            m.sessions,
            m.dimension.label(),
            if m.flat { "flat" } else { "rolled up" },
            m.value.describe(),
        ),
        (View::Cooccur, Some(Analysed::Cooccur { co, .. })) => format!(
            " {} · {} · cells: {}",
            match co.level {
                Level::Passage => "overlapping passages (each theme's own passages)",
                Level::Session => "themes in the same session",
            },
            if co.same_coder {
                "by the same coder only"
            } else {
                "by any coders"
            },
            if an.coefficient {
                "c-coefficient n12 / (n1 + n2 − n12)"
            } else {
                "counts (the diagonal: the theme's own)"
            }
        ),
        (View::Terms, Some(Analysed::Terms { counts, .. })) => format!(
            " columns: {} · cells: {} · {} word(s) of notes",
            counts.dimension.label(),
            if counts.per_10k {
                "occurrences per 10,000 words of the column's notes"
            } else {
                "occurrences in the notes"
            },
            counts.total_words
        ),
        (View::Kwic, Some(Analysed::Kwic(lines))) => {
            let k = s.kwic.as_ref();
            format!(
                " “{}” in {}: {} occurrence(s)",
                k.map_or("", |k| k.words.as_str()),
                k.and_then(|k| k.column.as_ref())
                    .map_or("every session".to_string(), |c| format!(
                        "the sessions of {}",
                        c.0
                    )),
                lines.len()
            )
        }
        (View::Keywords, Some(Analysed::Keywords(_))) => {
            let k = s.keywords.as_ref();
            format!(
                " words over-represented in {} ({}) against the rest · log-likelihood G² (3.84: p < 0.05; 10.83: p < 0.001) · at least {KEYWORD_MIN} times",
                k.map_or("", |k| k.label.as_str()),
                k.map_or("", |k| k.by.label())
            )
        }
        _ => String::new(),
    };
    let mut spans = vec![Span::raw(text)];
    if an.loading() {
        spans.push(Span::styled(
            if an.reading() {
                " · reading the notes…"
            } else {
                " · computing…"
            },
            pal.dim(),
        ));
    }
    Line::from(spans)
}

fn input_line<'a>(an: &AnalysisScreen, pal: &Palette) -> Line<'a> {
    if let Some(e) = an.editing {
        let label = match e {
            Editing::Query => " Query (what is counted): ",
            Editing::Words => " Words to count (comma between): ",
        };
        let mut spans = vec![Span::styled(label, pal.key())];
        spans.extend(an.input.spans(
            Style::new(),
            Style::new().add_modifier(Modifier::REVERSED),
            true,
        ));
        if let Some(err) = &an.error {
            spans.push(Span::styled(format!("  {err}"), pal.error()));
        }
        return Line::from(spans);
    }
    if let Some(err) = &an.error {
        return Line::from(Span::styled(format!(" {err}"), pal.error()));
    }
    let q = an.settings.query.trim();
    Line::from(vec![
        Span::styled(" query: ", pal.dim()),
        Span::raw(if q.is_empty() {
            "everything (/ to restrict)".to_string()
        } else {
            q.to_string()
        }),
    ])
}

/// A cell's background where there is colour (darker: more).
fn heat(level: usize) -> Style {
    match level {
        0 => Style::new(),
        1 => Style::new().bg(Color::Indexed(22)).fg(Color::White),
        2 => Style::new().bg(Color::Indexed(28)).fg(Color::White),
        3 => Style::new().bg(Color::Indexed(34)).fg(Color::Black),
        _ => Style::new().bg(Color::Indexed(40)).fg(Color::Black),
    }
}

fn fit(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n <= w {
        s.to_string()
    } else if w == 0 {
        String::new()
    } else {
        let mut t: String = s.chars().take(w - 1).collect();
        t.push('…');
        t
    }
}

/// One number in a cell `w` wide (a leading space included): right-aligned, with its shade
/// mark under NO_COLOR; a zero is a dot.
fn number(v: f64, fmt: Fmt, w: usize, level: usize, pal: &Palette) -> String {
    let text = if v == 0.0 {
        "·".to_string()
    } else {
        fmt.write(v)
    };
    if pal.no_color {
        format!("{:>1$}{2}", text, w - 1, shade_mark(level))
    } else {
        format!("{:>1$} ", text, w - 1)
    }
}

fn table(frame: &mut Frame, area: Rect, an: &AnalysisScreen, g: &Grid, pal: &Palette) {
    if g.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(" Nothing to show: no rows", pal.dim())),
            area,
        );
        return;
    }
    let width = area.width;
    let (row, col) = an.cursor();
    let (top, left) = an.offset();
    let lw = g.label_width(width) as usize;
    let ncols = g.cols.len();
    let shown_cols = if ncols == 0 {
        0
    } else {
        g.fitting(width, left)
    };
    let cols: Vec<usize> = (left..(left + shown_cols).min(ncols)).collect();
    let tw = g.total_width() as usize;
    let sw = g.spark_width() as usize;
    let share = g.fmt == Fmt::Share;
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line> = Vec::new();

    // The header: the corner, the columns shown (with arrows when more are off screen), totals.
    let mut head = vec![Span::styled(
        format!(
            "{:<lw$}",
            fit(
                &format!("{}{}", if left > 0 { "◀ " } else { "" }, g.corner),
                lw
            )
        ),
        pal.header(),
    )];
    for &c in &cols {
        let w = g.col_width(c) as usize;
        let style = if c == col {
            pal.header().add_modifier(Modifier::REVERSED)
        } else {
            pal.header()
        };
        head.push(Span::styled(
            format!("{:>1$}", fit(&g.cols[c], w - 2), w - 1),
            style,
        ));
        head.push(Span::raw(" "));
    }
    if left + shown_cols < ncols {
        head.push(Span::styled(" ▶", pal.dim()));
    }
    if tw > 0 {
        let style = if col == ncols {
            pal.header().add_modifier(Modifier::REVERSED)
        } else {
            pal.header()
        };
        head.push(Span::styled(format!("{:>1$}", "Total", tw - 1), style));
        head.push(Span::raw(" "));
    }
    if sw > 0 {
        head.push(Span::styled(format!("  {}", "by month"), pal.dim()));
    }
    lines.push(Line::from(head));

    let cell = |r: usize, c: usize| -> Span<'static> {
        let v = g.value(r, c).unwrap_or(0.0);
        let is_total = r >= g.rows.len() || c >= ncols;
        let level = if is_total || (g.fmt != Fmt::Share && r == c && g.row_totals.is_none()) {
            0
        } else {
            shade(v, g.max)
        };
        let w = if c >= ncols {
            tw
        } else {
            g.col_width(c) as usize
        };
        let text = number(v, g.fmt, w, level, pal);
        let style = if r == row && c == col {
            pal.selected()
        } else if is_total {
            bold
        } else if pal.no_color {
            Style::new()
        } else {
            heat(level)
        };
        Span::styled(text, style)
    };

    let visible = an.visible_rows();
    let rows_shown = table_rows(area.height + 5, g.col_totals.is_some());
    for &r in visible.iter().skip(top).take(rows_shown) {
        let gr = &g.rows[r];
        let mark = if gr.has_children {
            if an.folded.contains(&gr.key) {
                "▸ "
            } else {
                "▾ "
            }
        } else {
            "  "
        };
        let label = format!("{}{}{}", "  ".repeat(gr.depth), mark, gr.label);
        let label_style = if r == row {
            pal.selected()
        } else {
            Style::new()
        };
        let mut spans = vec![Span::styled(
            format!("{:<lw$}", fit(&label, lw)),
            label_style,
        )];
        for &c in &cols {
            spans.push(cell(r, c));
        }
        if left + shown_cols < ncols {
            spans.push(Span::raw("  "));
        }
        if tw > 0 {
            spans.push(cell(r, ncols));
        }
        if let Some(s) = &g.sparklines {
            spans.push(Span::raw("  "));
            spans.push(Span::styled(sparkline(&s[r], share), pal.ok()));
        }
        lines.push(Line::from(spans));
    }
    if let Some((_, _)) = &g.col_totals {
        let r = g.rows.len();
        let label_style = if row == r { pal.selected() } else { bold };
        let mut spans = vec![Span::styled(
            format!("{:<lw$}", fit("all themes", lw)),
            label_style,
        )];
        for &c in &cols {
            spans.push(cell(r, c));
        }
        if left + shown_cols < ncols {
            spans.push(Span::raw("  "));
        }
        if tw > 0 {
            spans.push(cell(r, ncols));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn concordance(
    frame: &mut Frame,
    area: Rect,
    an: &AnalysisScreen,
    lines_in: &[crate::core::analysis::Concordance],
    pal: &Palette,
) {
    if lines_in.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(" No occurrence here", pal.dim())),
            area,
        );
        return;
    }
    let (row, _) = an.cursor();
    let (top, _) = an.offset();
    let width = area.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    for (i, l) in lines_in.iter().enumerate().skip(top) {
        if lines.len() + 2 > area.height as usize {
            break;
        }
        let sel = i == row;
        lines.push(Line::from(Span::styled(
            fit(&format!(" {} · {} {}", l.date, l.title, l.citation), width),
            if sel { pal.selected() } else { pal.dim() },
        )));
        // The hit in the middle: as much context each side as fits.
        let side = width.saturating_sub(l.hit.chars().count() + 4) / 2;
        let left: String = {
            let n = l.left.chars().count();
            l.left.chars().skip(n.saturating_sub(side)).collect()
        };
        let right: String = l.right.chars().take(side).collect();
        let hit_style = if pal.no_color {
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        } else {
            pal.key()
        };
        lines.push(Line::from(vec![
            Span::raw(format!(" {left:>side$}")),
            Span::styled(
                if pal.no_color {
                    format!("[{}]", l.hit)
                } else {
                    l.hit.clone()
                },
                if sel {
                    hit_style.add_modifier(Modifier::REVERSED)
                } else {
                    hit_style
                },
            ),
            Span::raw(right),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn keywords(
    frame: &mut Frame,
    area: Rect,
    an: &AnalysisScreen,
    list: &[crate::core::analysis::Keyword],
    pal: &Palette,
) {
    if list.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(
                    " No word is over-represented here (at least {KEYWORD_MIN} times in the column, stop words left out)"
                ),
                pal.dim(),
            ))
            .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let (row, _) = an.cursor();
    let (top, _) = an.offset();
    let mut lines = vec![Line::from(Span::styled(
        format!(
            " {:<24} {:>8} {:>10} {:>8} {:>10} {:>9}",
            "Word", "in", "per 10k", "rest", "per 10k", "G²"
        ),
        pal.header(),
    ))];
    for (i, k) in list
        .iter()
        .enumerate()
        .skip(top)
        .take((area.height as usize).saturating_sub(1))
    {
        let text = format!(
            " {:<24} {:>8} {:>10.1} {:>8} {:>10.1} {:>9.2}",
            fit(&k.word, 24),
            k.freq_in,
            k.per_10k_in,
            k.freq_out,
            k.per_10k_out,
            k.g2
        );
        lines.push(Line::from(Span::styled(
            text,
            if i == row {
                pal.selected()
            } else {
                Style::new()
            },
        )));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use crate::core::store::Store;
    use crate::core::workspace::Workspace;
    use crate::tui::analysis::compute::answer;
    use crate::tui::app::{App, Screen};
    use crate::tui::views;
    use ratatui::backend::TestBackend;
    use ratatui::buffer::Buffer;
    use ratatui::Terminal;
    use std::time::Instant;

    /// The app on the analysis screen over the demo store, its matrix computed as the IO
    /// thread computes it.
    fn demo_app(no_color: bool, size: (u16, u16)) -> (tempfile::TempDir, App) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("store");
        crate::core::demo::write_demo_store(&root).unwrap();
        let store = Store::open(&root).unwrap();
        let ws = Workspace::new(&store, "me");
        let mut app = App::new("t".into(), "f".into(), None, Instant::now());
        app.no_color = no_color;
        app.size = size;
        app.screen = Screen::Analysis;
        let ask = app.analysis.ask();
        let (corpus, result) = answer(&ws, None, &ask);
        app.analysis.corpus = corpus;
        app.analysis.shown[0] = Some((ask, result.unwrap()));
        (dir, app)
    }

    fn render(app: &mut App) -> Buffer {
        app.settle();
        let mut term = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
        term.draw(|f| views::draw(f, app)).unwrap();
        term.backend().buffer().clone()
    }

    fn line(buf: &Buffer, y: u16) -> String {
        (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
    }

    fn text(buf: &Buffer) -> String {
        (0..buf.area.height)
            .map(|y| line(buf, y))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn row_with(buf: &Buffer, start: &str) -> u16 {
        (0..buf.area.height)
            .find(|&y| line(buf, y).trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no row {start}:\n{}", text(buf)))
    }

    #[test]
    fn colour_shades_backgrounds_and_no_color_writes_marks_beside_the_same_numbers() {
        let (_d, mut colour) = demo_app(false, (120, 30));
        let (_e, mut plain) = demo_app(true, (120, 30));
        let (cb, pb) = (render(&mut colour), render(&mut plain));
        let y = row_with(&cb, "Trust");
        assert_eq!(y, row_with(&pb, "Trust"));
        // The numbers are the core's: Trust's cells in order, zeros as dots.
        let g = colour.analysis.grid().unwrap();
        let trust = g.rows.iter().position(|r| r.key == "trust").unwrap();
        let expect: Vec<String> = g.cells[trust]
            .iter()
            .map(|v| {
                if *v == 0.0 {
                    "·".to_string()
                } else {
                    format!("{v}")
                }
            })
            .chain([format!("{}", g.row_totals.as_ref().unwrap()[trust])])
            .collect();
        let words = |s: &str| -> Vec<String> {
            s.split_whitespace()
                .skip(1)
                .take(expect.len())
                .map(|w| w.trim_end_matches(['░', '▒', '▓', '█']).to_string())
                .collect()
        };
        assert_eq!(words(&line(&cb, y)), expect, "{}", line(&cb, y));
        assert_eq!(words(&line(&pb, y)), expect, "{}", line(&pb, y));
        // Colour: the largest cell's background is the darkest shade; no colour: none at all,
        // and a mark beside each number that is not zero.
        let header = row_with(&cb, "Theme");
        let feb = line(&cb, header).find("Feb 2026").unwrap();
        let x = line(&cb, header)[..feb].chars().count() as u16 + 7;
        let collab = row_with(&cb, "▾ Collab");
        assert_ne!(
            cb[(x, collab)].bg,
            ratatui::style::Color::Reset,
            "{}",
            line(&cb, collab)
        );
        for yy in header..header + 20 {
            for xx in 0..120 {
                assert_eq!(pb[(xx, yy)].bg, ratatui::style::Color::Reset);
            }
        }
        let pl = line(&pb, y);
        assert!(pl.contains(['░', '▒', '▓', '█']), "{pl}");
    }

    #[test]
    fn a_narrow_terminal_scrolls_the_columns_to_the_cursor() {
        use crate::tui::app::Msg;
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let (_d, mut app) = demo_app(true, (56, 24));
        let buf = render(&mut app);
        let header = row_with(&buf, "Theme");
        assert!(
            line(&buf, header).contains("Feb 2026"),
            "{}",
            line(&buf, header)
        );
        assert!(!line(&buf, header).contains("Jun 2026"));
        assert!(
            line(&buf, header).contains('▶'),
            "more columns to the right"
        );
        let right = || Msg::Key(KeyEvent::new(KeyCode::Right, KeyModifiers::NONE));
        for _ in 0..4 {
            app.step(right());
        }
        assert_eq!(app.analysis.cursor().1, 4);
        let buf = render(&mut app);
        let header = row_with(&buf, "◀ Theme");
        assert!(line(&buf, header).contains("Jun 2026"), "{}", text(&buf));
        assert!(!line(&buf, header).contains("Feb 2026"));
        // The totals stay on screen.
        assert!(line(&buf, header).contains("Total"));
        for _ in 0..4 {
            app.step(Msg::Key(KeyEvent::new(KeyCode::Left, KeyModifiers::NONE)));
        }
        let buf = render(&mut app);
        assert!(line(&buf, row_with(&buf, "Theme")).contains("Feb 2026"));
    }

    #[test]
    fn every_view_s_hints_name_bound_keys_with_labels() {
        use crate::tui::analysis::{AnalysisScreen, Editing, View};
        let mut an = AnalysisScreen::default();
        for v in [
            View::Matrix,
            View::Cooccur,
            View::Terms,
            View::Kwic,
            View::Keywords,
        ] {
            an.settings.view = v;
            let h = crate::tui::analysis::hints(&an);
            for item in h.split(" · ") {
                let mut parts = item.splitn(2, ' ');
                let key = parts.next().unwrap();
                let label = parts.next().unwrap_or("");
                assert!(
                    key != "?" && !label.trim().is_empty(),
                    "{v:?}: `{item}` in {h}"
                );
            }
        }
        an.editing = Some(Editing::Query);
        assert!(
            crate::tui::analysis::hints(&an).contains("Enter apply"),
            "{}",
            crate::tui::analysis::hints(&an)
        );
    }
}
