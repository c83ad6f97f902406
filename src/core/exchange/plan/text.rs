//! The plan said in words, as the user reads it before importing (`ripple import` prints it;
//! the terminal UI shows it in its import dialog).

use super::parts::{Plan, ThemeOutcome};
use std::collections::BTreeMap;
use std::path::Path;

const SHOWN: usize = 40;

/// The plan, as the user reads it before saying `--yes`.
pub fn render_plan(plan: &Plan, file: &Path, root: &Path, new_store: bool) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let what = match (&plan.project_name, &plan.origin) {
        (Some(n), Some(o)) => format!(" (project “{n}”, from {o})"),
        (Some(n), None) => format!(" (project “{n}”)"),
        (None, Some(o)) => format!(" (from {o})"),
        (None, None) => String::new(),
    };
    let into = if new_store {
        format!("a new store at {}", root.display())
    } else {
        format!("the store at {}", root.display())
    };
    let _ = writeln!(out, "Import plan for {}{what} into {into}:", file.display());
    let _ = writeln!(out, "Sessions: {} to add", plan.sessions.len());
    for s in plan.sessions.iter().take(SHOWN) {
        let m = &s.session.meta;
        let n: usize = s.files.iter().map(|f| f.codings.len()).sum();
        let coded = if n > 0 {
            let coders: Vec<&str> = s
                .files
                .iter()
                .filter(|f| !f.codings.is_empty())
                .map(|f| f.coder.as_str())
                .collect();
            format!(" · {n} coding(s) by {}", coders.join(", "))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  + {} · {}{coded}",
            if m.title.is_empty() {
                "(untitled)"
            } else {
                &m.title
            },
            m.date
        );
    }
    if plan.sessions.len() > SHOWN {
        let _ = writeln!(out, "  … and {} more", plan.sessions.len() - SHOWN);
    }
    if !plan.present.is_empty() {
        let _ = writeln!(
            out,
            "Already in the store (imported or exported before), left as they are: {}",
            plan.present.len()
        );
        for (title, id) in plan.present.iter().take(SHOWN) {
            let _ = writeln!(out, "  = {title} ({})", id.short());
        }
        if plan.present.len() > SHOWN {
            let _ = writeln!(out, "  … and {} more", plan.present.len() - SHOWN);
        }
    }
    let new = plan.new_themes();
    let _ = writeln!(
        out,
        "Themes: {new} to add, {} matched to the store's",
        plan.themes.len() - new
    );
    let mut shown = 0;
    for t in &plan.themes {
        // Every match is shown (a match decides where codings go); new themes up to a limit.
        match &t.outcome {
            ThemeOutcome::New if shown < SHOWN => {
                shown += 1;
                let _ = writeln!(out, "  + {} → key `{}`", t.path, t.key);
            }
            ThemeOutcome::New => {}
            ThemeOutcome::Matched { how } => {
                let _ = writeln!(out, "  = {} → {how}", t.path);
            }
        }
    }
    if new > shown {
        let _ = writeln!(out, "  … and {} more new themes", new - shown);
    }
    let mut by_coder: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &plan.sessions {
        for f in &s.files {
            if !f.codings.is_empty() {
                *by_coder.entry(f.coder.as_str()).or_default() += f.codings.len();
            }
        }
    }
    let coders: Vec<String> = by_coder
        .iter()
        .map(|(c, n)| format!("{n} by {c}"))
        .collect();
    let _ = writeln!(
        out,
        "Codings: {}{}; {} checked against the words the file records for them",
        plan.codings,
        if coders.is_empty() {
            String::new()
        } else {
            format!(" ({})", coders.join(", "))
        },
        plan.verified
    );
    let _ = writeln!(out, "Memos: {}", plan.memos);
    if !plan.skipped.is_empty() {
        let _ = writeln!(out, "Not imported ({}):", plan.skipped.len());
        for s in &plan.skipped {
            let _ = writeln!(out, "  - {}: {}", s.what, s.reason);
        }
    }
    if !plan.notes.is_empty() {
        let _ = writeln!(out, "Worth knowing:");
        for n in &plan.notes {
            let _ = writeln!(out, "  - {n}");
        }
    }
    out
}
