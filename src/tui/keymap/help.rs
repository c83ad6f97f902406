//! The help screen's rows, generated from the table.

#[cfg(test)]
use super::BINDINGS;
use super::{bindings, describe, user::CONTEXTS, Context as C};

/// Help rows per context: (context title, [(keys, description)]). Keys bound to the same action
/// and description are joined ("Up, k").
pub fn help_sections() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    let mut out = Vec::new();
    for ctx in CONTEXTS {
        let mut rows: Vec<(String, &'static str)> = Vec::new();
        for bind in bindings().iter().filter(|b| b.context == ctx) {
            let key = describe(bind.code, bind.mods);
            if let Some(row) = rows.iter_mut().find(|(_, h)| *h == bind.help) {
                row.0.push_str(", ");
                row.0.push_str(&key);
            } else {
                rows.push((key, bind.help));
            }
        }
        if ctx == C::Editor {
            rows.push(("any character".into(), "type text"));
        }
        if ctx == C::Search {
            rows.push(("any character".into(), "type the query (results follow)"));
        }
        if ctx == C::Share {
            rows.push(("any character".into(), "type the file name"));
        }
        if ctx == C::FollowUps {
            rows.push((
                "any character".into(),
                "filter by agency, date (2026-05) or words",
            ));
        }
        if ctx == C::AnalysisInput {
            rows.push(("any character".into(), "type the query or the words"));
        }
        if ctx == C::Picker {
            rows.push((
                "any character".into(),
                "filter themes (fuzzy; accents optional)",
            ));
        }
        out.push((ctx.title(), rows));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_every_binding() {
        let sections = help_sections();
        let text: String = sections
            .iter()
            .flat_map(|(_, rows)| rows.iter().map(|(k, h)| format!("{k} {h}\n")))
            .collect();
        for bind in BINDINGS {
            assert!(text.contains(&describe(bind.code, bind.mods)), "{:?}", bind);
            assert!(text.contains(bind.help));
        }
    }
}
