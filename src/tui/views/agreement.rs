//! The agreement screen: the figures per theme with low values highlighted, or one theme's
//! disagreements (the passage in its context, and who coded what).

use crate::core::agreement::load::SessionChoice;
use crate::core::agreement::stats::Figure;
use crate::core::agreement::Figures;
use crate::core::agreement::Unit;
use crate::core::text::one_line;
use crate::tui::agreement::{AgreementScreen, Part};
use crate::tui::app::App;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::theme::Palette;
use crate::tui::views::status;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};
use ratatui::Frame;

/// Below this a κ or α is flagged as poor; below `FAIR`, as tentative (Krippendorff's 0.667
/// and 0.8 thresholds).
const POOR: f64 = 0.667;
const FAIR: f64 = 0.8;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, pal: &Palette) {
    let [header, info, body, status_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(2),
    ])
    .areas(area);
    let ag = &app.agreement;
    let mut head = vec![
        Span::styled(" Ripple ", pal.title()),
        Span::styled(" Agreement ", pal.header()),
    ];
    if app.blind {
        head.push(Span::styled(" BLIND ", pal.warn()));
    }
    frame.render_widget(Paragraph::new(Line::from(head)), header);
    frame.render_widget(Paragraph::new(summary(ag, pal)), info);
    if let Some(e) = &ag.error {
        frame.render_widget(
            Paragraph::new(Span::styled(format!(" {e}"), pal.error())).wrap(Wrap { trim: true }),
            body,
        );
    } else {
        match &ag.part {
            Part::Table => table(frame, body, ag, pal),
            Part::Disagreements(theme) => list(frame, body, ag, theme.as_deref(), pal),
        }
    }
    status::draw(frame, status_area, app, pal);
}

fn summary<'a>(ag: &AgreementScreen, pal: &Palette) -> Line<'a> {
    let unit = match ag.unit {
        Unit::Char => "character",
        Unit::Paragraph => "paragraph",
        Unit::Segment => "segment",
    };
    let sessions = match ag.sessions {
        SessionChoice::Done => "sessions marked done by all",
        SessionChoice::All => "every session",
    };
    let mut spans = vec![Span::raw(format!(" unit: {unit} · {sessions}"))];
    if let Some(v) = &ag.view {
        let coders = match v.report.coders.as_slice() {
            [a, b] => format!("A = {a}, B = {b}"),
            cs => cs.join(", "),
        };
        spans.push(Span::raw(format!(
            " · {} session(s) · {coders}",
            v.report.sessions
        )));
    }
    if ag.loading() {
        spans.push(Span::styled(" · computing…", pal.dim()));
    }
    Line::from(spans)
}

fn pct(f: &Figure) -> String {
    f.value()
        .map_or("—".into(), |v| format!("{:.1} %", v * 100.0))
}

fn coef(f: &Figure) -> String {
    f.value().map_or("—".into(), |v| format!("{v:.3}"))
}

/// A κ or α styled by how low it is.
fn judged(f: &Figure, pal: &Palette) -> Style {
    match f.value() {
        Some(v) if v < POOR => pal.error(),
        Some(v) if v < FAIR => pal.warn(),
        _ => Style::new(),
    }
}

fn table(frame: &mut Frame, area: Rect, ag: &AgreementScreen, pal: &Palette) {
    let Some(v) = &ag.view else {
        frame.render_widget(
            Paragraph::new(Span::styled(" Computing the figures…", pal.dim())),
            area,
        );
        return;
    };
    if v.report.sessions == 0 {
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!(
                    " No session is compared: each coder marks the sessions they finished done ({} in the note), or compare every session ({})",
                    keymap::key(Context::Editor, Action::MarkDone),
                    keymap::key(Context::Agreement, Action::AgreeSessions)
                ),
                pal.dim(),
            ))
            .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let open_col = !ag.blind;
    let mut head = vec!["Theme", "Units", "Agree", "κ", "α", "BP κ"];
    if open_col {
        head.push("Open");
    }
    let row = |theme: String, f: &Figures, open: usize| {
        let mut cells = vec![
            Cell::from(theme),
            Cell::from(f.units.to_string()),
            Cell::from(pct(&f.agreement)),
            Cell::from(Span::styled(coef(&f.kappa), judged(&f.kappa, pal))),
            Cell::from(Span::styled(coef(&f.alpha), judged(&f.alpha, pal))),
            Cell::from(Span::styled(coef(&f.bp_kappa), judged(&f.bp_kappa, pal))),
        ];
        if open_col {
            cells.push(Cell::from(open.to_string()));
        }
        cells
    };
    let mut rows: Vec<Row> = v
        .report
        .themes
        .iter()
        .map(|t| {
            Row::new(row(
                t.theme.clone(),
                &t.figures,
                ag.open_count(Some(&t.theme)),
            ))
        })
        .collect();
    rows.push(Row::new(row(
        "all themes".into(),
        &v.report.all,
        ag.open_count(None),
    )));
    // Keep the highlighted row in view.
    let page = (area.height as usize).saturating_sub(1).max(1);
    let offset = (ag.selected + 1).saturating_sub(page);
    let rows: Vec<Row> = rows
        .into_iter()
        .enumerate()
        .skip(offset)
        .map(|(i, r)| {
            if i == ag.selected {
                r.style(pal.selected())
            } else {
                r
            }
        })
        .collect();
    let mut widths = vec![
        Constraint::Min(16),
        Constraint::Length(9),
        Constraint::Length(8),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(6),
    ];
    if open_col {
        widths.push(Constraint::Length(5));
    }
    frame.render_widget(
        Table::new(rows, widths).header(Row::new(head).style(pal.header())),
        area,
    );
}

fn list(frame: &mut Frame, area: Rect, ag: &AgreementScreen, theme: Option<&str>, pal: &Palette) {
    let items = ag.items();
    let title = format!(
        " Disagreements on {}: {}",
        theme.unwrap_or("every theme"),
        items.len()
    );
    let mut lines = vec![Line::from(Span::styled(title, pal.header()))];
    if items.is_empty() {
        lines.push(Line::from(Span::styled(
            " None open: every one here is settled",
            pal.dim(),
        )));
    }
    let letters = ["A", "B"];
    let per = |d: &crate::core::agreement::disagreements::Disagreement| 2 + d.positions.len();
    // Keep the highlighted item in view.
    let mut start = 0;
    let mut used: usize = items.iter().take(ag.item + 1).map(|d| per(d)).sum();
    while used + 1 > area.height as usize && start < ag.item {
        used -= per(items[start]);
        start += 1;
    }
    for (i, d) in items.iter().enumerate().skip(start) {
        let sel = i == ag.item;
        let mark = if sel { "▶ " } else { "  " };
        let style = if sel { pal.selected() } else { Style::new() };
        lines.push(Line::from(Span::styled(
            format!(
                "{mark}{} · session {} · [{}, {})",
                d.theme,
                d.session.short(),
                d.start,
                d.end
            ),
            style,
        )));
        let gap = |yes: bool| if yes { " " } else { "" };
        let before = format!(
            "    …{}{}",
            one_line(&d.before, 60),
            gap(d.before.ends_with(char::is_whitespace))
        );
        let after = format!(
            "{}{}…",
            gap(d.after.starts_with(char::is_whitespace)),
            one_line(&d.after, 60)
        );
        lines.push(Line::from(vec![
            Span::styled(before, pal.dim()),
            Span::styled(one_line(&d.text, 200), pal.key()),
            Span::styled(after, pal.dim()),
        ]));
        for (k, p) in d.positions.iter().enumerate() {
            let who = match letters.get(k) {
                Some(l) if d.positions.len() == 2 => format!("{l} {}", p.coder),
                _ => p.coder.clone(),
            };
            let mut what = p.described();
            if what.is_empty() {
                what.push(format!("did not code it as {}", d.theme));
            }
            lines.push(Line::from(format!("    {who}: {}", what.join("; "))));
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::agreement::{compare, Options, SessionCodings};
    use crate::core::codebook::Codebook;
    use crate::core::coding_store::{find_quote, new_coding};
    use crate::core::session::SessionId;
    use crate::core::workspace::agreement::AgreementView;
    use crate::tui::views;
    use ratatui::backend::TestBackend;
    use ratatui::style::Color;
    use ratatui::Terminal;
    use std::time::Instant;

    /// Ana and Bea agree on trust and disagree on communication: its κ and α are low.
    fn view() -> AgreementView {
        let text = "We trust La Casa now. Calls go unanswered at night.";
        let id = SessionId("01jd3k8y6q2v0m5h4c7r9t1w2x".into());
        let at = |q: &str, theme: &str, coder: &str| {
            let (s, e) = find_quote(text, q, None).unwrap();
            new_coding(text, &id, s, e, theme, coder, "").unwrap()
        };
        let s = SessionCodings {
            session: id.clone(),
            text: text.into(),
            codings: vec![
                vec![
                    at("trust La Casa", "trust", "Ana"),
                    at("Calls go unanswered", "communication", "Ana"),
                ],
                vec![
                    at("trust La Casa", "trust", "Bea"),
                    at("at night", "communication", "Bea"),
                ],
            ],
        };
        let coders = ["Ana".to_string(), "Bea".to_string()];
        let report = compare(&[s], &coders, &Codebook::builtin(), &Options::default());
        AgreementView {
            coders: coders.to_vec(),
            consensus: "consensus".into(),
            report,
            disagreements: Vec::new(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn the_table_shows_each_theme_and_marks_low_figures() {
        let mut app = App::new("t".into(), "f".into(), None, Instant::now());
        app.size = (100, 20);
        app.screen = crate::tui::app::Screen::Agreement;
        app.agreement.view = Some(view());
        let mut term = Terminal::new(TestBackend::new(100, 20)).unwrap();
        term.draw(|f| views::draw(f, &app)).unwrap();
        let buf = term.backend().buffer().clone();
        let row_of = |theme: &str| {
            (0..20)
                .find(|&y| {
                    let line: String = (0..100).map(|x| buf[(x, y)].symbol()).collect();
                    line.trim_start().starts_with(theme)
                })
                .unwrap_or_else(|| panic!("no {theme} row"))
        };
        let line = |y: u16| -> String { (0..100).map(|x| buf[(x, y)].symbol()).collect() };
        let (trust, comm) = (row_of("trust"), row_of("communication"));
        assert!(line(trust).contains("1.000"), "{}", line(trust));
        assert!(line(row_of("all themes")).contains('%'));
        // The κ cell of a row (under the header's κ): its colour.
        let header = row_of("Theme");
        let x = (0..100)
            .find(|&x| buf[(x, header)].symbol() == "κ")
            .expect("a κ column");
        let kappa_colour = |y: u16| buf[(x, y)].fg;
        assert!(line(comm)[..].contains("0."), "{}", line(comm));
        assert_eq!(kappa_colour(comm), Color::Red, "{}", line(comm));
        assert!(
            !matches!(kappa_colour(trust), Color::Red | Color::Yellow),
            "{}",
            line(trust)
        );
        assert!(line(1).contains("A = Ana, B = Bea"), "{}", line(1));
    }
}
