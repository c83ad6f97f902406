//! The search screen: the query input, an error line with a caret under the problem, tabs for
//! coded passages and sessions, the results with matched words highlighted, and facet counts.

use crate::core::index::{FacetCounts, Hit, HitKind};
use crate::tui::app::App;
use crate::tui::index_worker::IndexState;
use crate::tui::keymap;
use crate::tui::layout::{search_areas, search_first_shown, SearchAreas};
use crate::tui::search::{index_label, thousands, SearchScreen};
use crate::tui::text_view::contrast_text;
use crate::tui::theme::Palette;
use crate::tui::views::status;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

/// What precedes the query on its line.
pub const PROMPT: &str = " Search: ";

/// `text` as one line (newlines become spaces) with `highlights` (code points) styled; a long
/// text is cut to start a little before the first highlight so it is on screen.
pub fn highlighted<'a>(
    text: &str,
    highlights: &[(usize, usize)],
    base: Style,
    mark: Style,
    room: usize,
    lead_ellipsis: bool,
) -> Line<'a> {
    let chars: Vec<char> = text
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect();
    let first = highlights.first().map_or(0, |h| h.0);
    let skip = if first > room / 2 { first - 20 } else { 0 };
    let mut spans = Vec::new();
    if skip > 0 || lead_ellipsis {
        spans.push(Span::styled("…", base));
    }
    let mut pos = skip;
    for &(s, e) in highlights {
        let (s, e) = (s.max(pos).min(chars.len()), e.min(chars.len()));
        if s >= e {
            continue;
        }
        if s > pos {
            spans.push(Span::styled(chars[pos..s].iter().collect::<String>(), base));
        }
        spans.push(Span::styled(chars[s..e].iter().collect::<String>(), mark));
        pos = e;
    }
    if pos < chars.len() {
        spans.push(Span::styled(chars[pos..].iter().collect::<String>(), base));
    }
    Line::from(spans)
}

/// Theme chips: the theme's colour as background, or `#key` without colour.
pub fn chips<'a>(app: &App, keys: &[String]) -> Vec<Span<'a>> {
    let mut out = Vec::new();
    for k in keys {
        let rgb = app.search.theme(k).and_then(|t| t.rgb());
        match rgb {
            Some((r, g, b)) if !app.no_color => out.push(Span::styled(
                format!(" {k} "),
                Style::new()
                    .bg(Color::Rgb(r, g, b))
                    .fg(contrast_text((r, g, b))),
            )),
            _ => out.push(Span::styled(
                format!("#{k}"),
                Style::new().add_modifier(Modifier::BOLD),
            )),
        }
        out.push(Span::raw(" "));
    }
    out
}

fn mark_style(no_color: bool) -> Style {
    if no_color {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    } else {
        Style::new()
            .bg(Color::Yellow)
            .fg(Color::Black)
            .add_modifier(Modifier::BOLD)
    }
}

fn hit_lines<'a>(app: &App, hit: &Hit, width: usize, pal: &Palette) -> [Line<'a>; 2] {
    let mark = mark_style(app.no_color);
    let meta = format!(
        "{} · {} · {}",
        hit.date,
        hit.agencies.join(", "),
        hit.session_type.label()
    );
    match hit.kind {
        HitKind::Passages => {
            let mut head = chips(app, &hit.themes);
            head.push(Span::styled(hit.coder.clone(), pal.dim()));
            head.push(Span::raw("  "));
            head.push(Span::raw(meta));
            head.push(Span::styled(format!(" · {}", hit.title), pal.dim()));
            let mut quote = highlighted(
                &hit.quote_or_snippet,
                &hit.highlights,
                Style::new(),
                mark,
                width,
                false,
            );
            quote.spans.insert(0, Span::raw("   “"));
            quote.spans.push(Span::raw("”"));
            [Line::from(head), quote]
        }
        HitKind::Sessions => {
            let mut head = vec![
                Span::styled(hit.title.clone(), Style::new().add_modifier(Modifier::BOLD)),
                Span::raw("  "),
                Span::styled(meta, pal.dim()),
                Span::raw("  "),
            ];
            head.extend(chips(app, &hit.themes));
            let mut snippet = highlighted(
                &hit.quote_or_snippet,
                &hit.highlights,
                Style::new(),
                mark,
                width,
                hit.start > 0,
            );
            snippet.spans.insert(0, Span::raw("   "));
            [Line::from(head), snippet]
        }
    }
}

fn facet_lines<'a>(f: &FacetCounts, pal: &Palette) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let mut section = |title: &str, rows: &[(String, u64)]| {
        lines.push(Line::from(Span::styled(title.to_string(), pal.header())));
        if rows.is_empty() {
            lines.push(Line::from(Span::styled("  –", pal.dim())));
        }
        for (name, n) in rows {
            lines.push(Line::from(vec![
                Span::raw(format!("  {name} ")),
                Span::styled(thousands(*n as usize), pal.dim()),
            ]));
        }
        lines.push(Line::from(""));
    };
    section("Themes", &f.themes);
    section("Agencies", &f.agencies);
    section("Months", &f.months);
    lines
}

/// The message line: the query error with a caret under it, or a summary.
fn message_line<'a>(s: &SearchScreen, width: u16, pal: &Palette) -> Line<'a> {
    if let Some(e) = &s.error {
        // Under the query as drawn, scrolled sideways when it is longer than its line.
        let first = s
            .input
            .first_shown((width as usize).saturating_sub(PROMPT.width()));
        let pad = PROMPT.width() + s.input.width_of(first, e.start.max(first));
        let carets = "^".repeat(s.input.width_of(e.start, e.end).max(1));
        return Line::from(vec![
            Span::raw(" ".repeat(pad)),
            Span::styled(format!("{carets} {}", e.message), pal.error()),
        ]);
    }
    if let Some(f) = &s.failure {
        return Line::from(Span::styled(format!(" {f}"), pal.error()));
    }
    if s.pending() {
        return Line::from(Span::styled(" searching…", pal.dim()));
    }
    Line::from(Span::styled(
        " words, \"phrases\", theme:trust agency:CYFD type:coaching after:2026-04 — see docs/query-language.md",
        pal.ghost(),
    ))
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, pal: &Palette) {
    let SearchAreas {
        header,
        input,
        message,
        tabs,
        results: list_area,
        facets: facet_area,
        status: status_area,
    } = search_areas(area);
    let s = &app.search;
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" Ripple ", pal.title()),
            Span::styled(" Search ", pal.header()),
            Span::styled(format!(" {}", app.store_label), pal.dim()),
        ])),
        header,
    );
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(PROMPT, pal.key()),
            s.input.view_span(
                (input.width as usize).saturating_sub(PROMPT.width()),
                Style::new(),
                pal.selected(),
            ),
        ])),
        input,
    );
    if let Some(p) = s.input.caret_position(input, PROMPT.width()) {
        frame.set_cursor_position(p);
    }
    frame.render_widget(Paragraph::new(message_line(s, message.width, pal)), message);

    let count = |k: HitKind| s.results_of(k).map(|r| thousands(r.total));
    let tab = |label: &str, k: HitKind| {
        let text = match count(k) {
            Some(n) => format!(" {label} ({n}) "),
            None => format!(" {label} "),
        };
        if s.kind == k {
            Span::styled(text, pal.selected())
        } else {
            Span::styled(text, pal.dim())
        }
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::raw(" "),
            tab("Coded passages", HitKind::Passages),
            Span::raw(" "),
            tab("Sessions", HitKind::Sessions),
            Span::styled(
                s.within
                    .as_ref()
                    .map(|w| format!(" {}", w.label))
                    .unwrap_or_default(),
                pal.dim(),
            ),
            Span::styled(
                format!(
                    "   {}",
                    keymap::hints(
                        keymap::Context::Search,
                        &[keymap::Hint::All(keymap::Action::SwitchResults, "switches")]
                    )
                ),
                pal.ghost(),
            ),
        ])),
        tabs,
    );

    match s.results_of(s.kind) {
        None => {
            let why = match &s.index {
                IndexState::Unavailable(why) => format!("Search is unavailable: {why}"),
                other => index_label(other).unwrap_or_else(|| "searching…".into()),
            };
            frame.render_widget(
                Paragraph::new(Span::styled(format!(" {why}"), pal.dim())),
                list_area,
            );
        }
        Some(r) if r.hits.is_empty() => {
            frame.render_widget(
                Paragraph::new(Span::styled(" No matches", pal.dim())),
                list_area,
            );
        }
        Some(r) => {
            let per_page = (list_area.height as usize / 2).max(1);
            let sel = s.selected_index();
            let offset = search_first_shown(sel, list_area.height);
            let width = list_area.width as usize;
            let mut lines = Vec::new();
            for (i, hit) in r.hits.iter().enumerate().skip(offset).take(per_page) {
                let [mut a, b] = hit_lines(app, hit, width, pal);
                let pointer = if i == sel {
                    Span::styled("▶ ", pal.key())
                } else {
                    Span::raw("  ")
                };
                a.spans.insert(0, pointer);
                if i == sel {
                    a = a.patch_style(Style::new().add_modifier(Modifier::BOLD));
                }
                lines.push(a);
                lines.push(b);
            }
            let loaded = r.hits.len();
            let last_shown = offset + per_page >= loaded;
            if loaded < r.total && last_shown && lines.len() < list_area.height as usize {
                let what = if s.limit > loaded {
                    "loading more…"
                } else {
                    "↓ on the last loads more"
                };
                lines.push(Line::from(Span::styled(
                    format!(
                        "  {} of {} shown · {what}",
                        thousands(loaded),
                        thousands(r.total)
                    ),
                    pal.dim(),
                )));
            }
            frame.render_widget(Paragraph::new(lines), list_area);
        }
    }
    if let (Some(fa), Some(r)) = (facet_area, s.results_of(s.kind)) {
        frame.render_widget(
            Paragraph::new(facet_lines(&r.facets, pal)).block(
                Block::new()
                    .borders(Borders::LEFT)
                    .border_style(pal.border()),
            ),
            fa,
        );
    }
    status::draw(frame, status_area, app, pal);
}
