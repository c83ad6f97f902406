//! The session-details form: one single-line input per metadata field, with suggestions drawn
//! from values already used in the store. Pure state; `views::form` draws it.

use crate::core::fold::fold;
use crate::core::session::{Participant, SessionMeta, SessionType};
use crate::tui::line_input::LineInput;
use chrono::NaiveDate;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Title,
    Date,
    Agencies,
    Type,
    County,
    Facilitator,
    Participants,
    Tags,
}

impl Field {
    pub const ALL: [Field; 8] = [
        Field::Title,
        Field::Date,
        Field::Agencies,
        Field::Type,
        Field::County,
        Field::Facilitator,
        Field::Participants,
        Field::Tags,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Field::Title => "Title",
            Field::Date => "Date",
            Field::Agencies => "Agencies",
            Field::Type => "Type",
            Field::County => "County",
            Field::Facilitator => "Facilitator",
            Field::Participants => "Participants",
            Field::Tags => "Tags",
        }
    }
    pub fn hint(self) -> &'static str {
        match self {
            Field::Title => "a short title",
            Field::Date => "YYYY-MM-DD",
            Field::Agencies => "comma-separated, e.g. CYFD, La Casa",
            Field::Type => "←/→ to choose",
            Field::County => "e.g. Doña Ana",
            Field::Facilitator => "who facilitated",
            Field::Participants => "roles and counts: supervisor 2, caseworker 5",
            Field::Tags => "comma-separated",
        }
    }
    /// Fields holding a comma-separated list: suggestions complete the last item.
    pub fn is_list(self) -> bool {
        matches!(self, Field::Agencies | Field::Tags | Field::Participants)
    }
}

/// Values already used in the store, most used first.
#[derive(Clone, Debug, Default)]
pub struct Suggestions {
    pub agencies: Vec<String>,
    pub counties: Vec<String>,
    pub facilitators: Vec<String>,
    pub tags: Vec<String>,
    pub roles: Vec<String>,
}

impl Suggestions {
    pub fn from_metas<'a>(metas: impl Iterator<Item = &'a SessionMeta>) -> Suggestions {
        use std::collections::HashMap;
        let mut counts: [HashMap<String, usize>; 5] = Default::default();
        for m in metas {
            for a in &m.agencies {
                *counts[0].entry(a.clone()).or_default() += 1;
            }
            if !m.county.is_empty() {
                *counts[1].entry(m.county.clone()).or_default() += 1;
            }
            if !m.facilitator.is_empty() {
                *counts[2].entry(m.facilitator.clone()).or_default() += 1;
            }
            for t in &m.tags {
                *counts[3].entry(t.clone()).or_default() += 1;
            }
            for p in &m.participants {
                *counts[4].entry(p.role.clone()).or_default() += 1;
            }
        }
        let ranked = |m: &HashMap<String, usize>| {
            let mut v: Vec<(&String, &usize)> = m.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
            v.into_iter().map(|(s, _)| s.clone()).collect::<Vec<_>>()
        };
        Suggestions {
            agencies: ranked(&counts[0]),
            counties: ranked(&counts[1]),
            facilitators: ranked(&counts[2]),
            tags: ranked(&counts[3]),
            roles: ranked(&counts[4]),
        }
    }

    fn for_field(&self, f: Field) -> &[String] {
        match f {
            Field::Agencies => &self.agencies,
            Field::County => &self.counties,
            Field::Facilitator => &self.facilitators,
            Field::Tags => &self.tags,
            Field::Participants => &self.roles,
            _ => &[],
        }
    }
}

#[derive(Clone, Debug)]
pub struct FormState {
    /// One input per `Field::ALL` entry; the focused one's cursor is the form's.
    pub inputs: Vec<LineInput>,
    pub session_type: SessionType,
    pub field: usize,
    pub suggestion: usize,
    /// A message for a field whose text cannot be taken (e.g. a bad date).
    pub error: Option<(Field, String)>,
    /// A value refused when its field was left: the field shows the kept value again and this
    /// says what was refused and why, until the next edit.
    pub refused: Option<(Field, String)>,
}

impl FormState {
    pub fn from_meta(m: &SessionMeta) -> FormState {
        FormState {
            inputs: Field::ALL
                .iter()
                .map(|f| LineInput::new(Self::text_of(m, *f)))
                .collect(),
            session_type: m.session_type,
            field: 0,
            suggestion: 0,
            error: None,
            refused: None,
        }
    }

    /// A field's text for the details `m`.
    pub fn text_of(m: &SessionMeta, f: Field) -> String {
        match f {
            Field::Title => m.title.clone(),
            Field::Date => m.date.format("%Y-%m-%d").to_string(),
            Field::Agencies => m.agencies.join(", "),
            Field::Type => m.session_type.label().to_string(),
            Field::County => m.county.clone(),
            Field::Facilitator => m.facilitator.clone(),
            Field::Participants => m
                .participants
                .iter()
                .map(|p| format!("{} {}", p.role, p.count))
                .collect::<Vec<_>>()
                .join(", "),
            Field::Tags => m.tags.join(", "),
        }
    }

    /// Leaving the focused field: a value it cannot take is refused. The field shows the
    /// value kept in `meta` again and `refused` says what was refused and why. Returns whether
    /// a value was refused.
    pub fn leave_field(&mut self, meta: &SessionMeta) -> bool {
        let field = self.current();
        let Some((f, why)) = self.error.clone().filter(|(f, _)| *f == field) else {
            return false;
        };
        let kept = Self::text_of(meta, f);
        let shown = if kept.is_empty() {
            "kept it empty".to_string()
        } else {
            format!("kept {kept}")
        };
        self.inputs[f as usize].set(kept);
        self.error = None;
        self.refused = Some((f, format!("{}: {shown}. {why}", f.label())));
        true
    }

    pub fn current(&self) -> Field {
        Field::ALL[self.field]
    }

    pub fn value(&self, f: Field) -> &str {
        self.inputs[f as usize].text()
    }

    /// The focused field's input.
    pub fn input(&self) -> &LineInput {
        &self.inputs[self.field]
    }

    fn cur_mut(&mut self) -> &mut LineInput {
        &mut self.inputs[self.field]
    }

    pub fn focus(&mut self, idx: usize) {
        self.field = idx.min(Field::ALL.len() - 1);
        self.cur_mut().end();
        self.suggestion = 0;
    }

    pub fn next_field(&mut self) -> bool {
        if self.field + 1 < Field::ALL.len() {
            self.focus(self.field + 1);
            true
        } else {
            false
        }
    }

    pub fn prev_field(&mut self) {
        self.focus(self.field.saturating_sub(1));
    }

    /// Type `c` into the focused field (the session type is chosen, not typed).
    pub fn insert(&mut self, c: char) {
        if self.current() == Field::Type {
            return;
        }
        self.cur_mut().insert(c);
        self.suggestion = 0;
    }

    pub fn backspace(&mut self) {
        if self.current() == Field::Type {
            return;
        }
        self.cur_mut().backspace();
        self.suggestion = 0;
    }

    pub fn delete(&mut self) {
        if self.current() == Field::Type {
            return;
        }
        self.cur_mut().delete();
    }

    pub fn delete_word_back(&mut self) {
        if self.current() == Field::Type {
            return;
        }
        self.cur_mut().delete_word_back();
        self.suggestion = 0;
    }

    pub fn clear(&mut self) {
        if self.current() != Field::Type {
            self.cur_mut().clear();
        }
    }

    pub fn left(&mut self) {
        if self.current() == Field::Type {
            self.cycle_type(-1);
        } else {
            self.cur_mut().left();
        }
    }

    /// Right: on Type cycles; at the end of a field takes the suggestion; else moves.
    pub fn right(&mut self, suggestions: &Suggestions) {
        if self.current() == Field::Type {
            self.cycle_type(1);
        } else if self.input().at_end() {
            self.accept(suggestions);
        } else {
            self.cur_mut().right();
        }
    }

    pub fn home(&mut self) {
        self.cur_mut().home();
    }

    pub fn end(&mut self) {
        self.cur_mut().end();
    }

    pub fn cycle_type(&mut self, step: isize) {
        let all = SessionType::ALL;
        let i = all
            .iter()
            .position(|t| *t == self.session_type)
            .unwrap_or(0) as isize;
        let n = all.len() as isize;
        self.session_type = all[((i + step).rem_euclid(n)) as usize];
        self.inputs[Field::Type as usize].set(self.session_type.label());
    }

    /// The part of the field being completed: the whole field, or its last comma-separated item.
    fn completing(&self) -> &str {
        let v = self.input().text();
        if self.current().is_list() {
            v.rsplit(',').next().unwrap_or("").trim_start()
        } else {
            v
        }
    }

    /// Matching suggestions for the focused field (case- and accent-insensitive prefix, then
    /// substring matches), excluding the exact value already typed.
    pub fn matches<'a>(&self, suggestions: &'a Suggestions) -> Vec<&'a str> {
        let typed = fold(self.completing());
        let all = suggestions.for_field(self.current());
        let mut prefix = Vec::new();
        let mut inner = Vec::new();
        for s in all {
            let f = fold(s);
            if f == typed {
                continue;
            }
            if f.starts_with(&typed) {
                prefix.push(s.as_str());
            } else if !typed.is_empty() && f.contains(&typed) {
                inner.push(s.as_str());
            }
        }
        prefix.extend(inner);
        prefix.truncate(6);
        prefix
    }

    pub fn cycle_suggestion(&mut self, step: isize, suggestions: &Suggestions) {
        let n = self.matches(suggestions).len() as isize;
        if n > 0 {
            self.suggestion = ((self.suggestion as isize + step).rem_euclid(n)) as usize;
        }
    }

    /// Replace what is being completed with the chosen suggestion.
    pub fn accept(&mut self, suggestions: &Suggestions) {
        let Some(choice) = self
            .matches(suggestions)
            .get(self.suggestion)
            .map(|s| s.to_string())
        else {
            return;
        };
        let v = self.input().text();
        let taken = if self.current().is_list() {
            let keep = match v.rfind(',') {
                Some(i) => format!("{}, ", v[..i].trim_end()),
                None => String::new(),
            };
            format!("{keep}{choice}")
        } else {
            choice
        };
        self.cur_mut().set(taken);
        self.suggestion = 0;
    }

    /// Write the fields into `meta`. Fields that cannot be read (a bad date) are left as they
    /// were in `meta` and reported; their text stays in the form, so nothing typed is lost.
    pub fn apply_to(&mut self, meta: &mut SessionMeta) -> bool {
        let before = meta.clone();
        self.error = None;
        meta.title = self.value(Field::Title).trim().to_string();
        let date_text = self.value(Field::Date).trim();
        match parse_date(date_text) {
            Some(d) => meta.date = d,
            None => self.error = Some((Field::Date, date_problem(date_text))),
        }
        meta.agencies = split_list(self.value(Field::Agencies));
        meta.session_type = self.session_type;
        meta.county = self.value(Field::County).trim().to_string();
        meta.facilitator = self.value(Field::Facilitator).trim().to_string();
        match parse_participants(self.value(Field::Participants)) {
            Ok(p) => meta.participants = p,
            Err(e) => self.error = Some((Field::Participants, e)),
        }
        meta.tags = split_list(self.value(Field::Tags));
        *meta != before
    }
}

/// A date written in full as YYYY-MM-DD. Half-typed dates ("2026-01-3", on the way to
/// "2026-01-31") are not dates: chrono alone would read that one as the 3rd.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    if !date_shaped(s) {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Four digits, a hyphen, two digits, a hyphen, two digits.
fn date_shaped(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Why `s` is not a date, for the form: a date of the right shape that the calendar does not
/// have says so ("February 2026 has 28 days"); anything else is told the format.
pub fn date_problem(s: &str) -> String {
    let format = format!("'{s}' is not a date: use YYYY-MM-DD");
    if !date_shaped(s) {
        return format;
    }
    let (Ok(year), Ok(month), Ok(day)) = (
        s[..4].parse::<i32>(),
        s[5..7].parse::<u32>(),
        s[8..].parse::<u32>(),
    ) else {
        return format;
    };
    if !(1..=12).contains(&month) {
        return format!("'{s}' is not a date: there is no month {month} (01 to 12; YYYY-MM-DD)");
    }
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
        return format;
    };
    let days = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|next| next.pred_opt())
        .map_or(31, |last| chrono::Datelike::day(&last));
    if day == 0 || day > days {
        return format!(
            "'{s}' is not a date: {} {year} has {days} days",
            first.format("%B")
        );
    }
    format
}

fn split_list(s: &str) -> Vec<String> {
    s.split([',', ';'])
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// "supervisor 2, caseworker ×5, 3 advocates" → roles with counts (a bare role counts 1).
pub fn parse_participants(s: &str) -> Result<Vec<Participant>, String> {
    let mut out = Vec::new();
    for part in split_list(s) {
        let words: Vec<&str> = part.split_whitespace().collect();
        let num = |w: &str| {
            w.trim_start_matches(['×', 'x', '='])
                .trim_end_matches([':'])
                .parse::<u32>()
                .ok()
        };
        let (role, count) = if let Some(n) = words.last().and_then(|w| num(w)) {
            (words[..words.len() - 1].join(" "), n)
        } else if let Some(n) = words.first().and_then(|w| num(w)) {
            (words[1..].join(" "), n)
        } else {
            (part.clone(), 1)
        };
        let role = role.trim_end_matches([':', '=', '×']).trim().to_string();
        if role.is_empty() {
            return Err(format!(
                "'{part}': give a role with the count, e.g. 'supervisor 2'"
            ));
        }
        out.push(Participant { role, count });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_the_calendar_lacks_says_why_and_a_malformed_one_the_format() {
        assert_eq!(
            date_problem("2026-02-30"),
            "'2026-02-30' is not a date: February 2026 has 28 days"
        );
        assert_eq!(
            date_problem("2028-02-30"),
            "'2028-02-30' is not a date: February 2028 has 29 days"
        );
        assert_eq!(
            date_problem("2026-04-31"),
            "'2026-04-31' is not a date: April 2026 has 30 days"
        );
        assert_eq!(
            date_problem("2026-01-00"),
            "'2026-01-00' is not a date: January 2026 has 31 days"
        );
        assert!(date_problem("2026-13-01").contains("there is no month 13"));
        for bad in ["2026-2-3", "next tuesday", "2026/02/03", ""] {
            assert_eq!(
                date_problem(bad),
                format!("'{bad}' is not a date: use YYYY-MM-DD")
            );
        }
        // The form says it for the date field.
        let mut meta = SessionMeta::new_today("x");
        let mut f = FormState::from_meta(&meta);
        f.inputs[Field::Date as usize].set("2026-02-30");
        f.apply_to(&mut meta);
        assert_eq!(
            f.error.as_ref().map(|(_, e)| e.as_str()),
            Some("'2026-02-30' is not a date: February 2026 has 28 days")
        );
    }

    #[test]
    fn participants_parse_in_several_spellings() {
        let p =
            parse_participants("supervisor 2, caseworker ×5, 3 advocates, facilitator").unwrap();
        let got: Vec<(String, u32)> = p.into_iter().map(|p| (p.role, p.count)).collect();
        assert_eq!(
            got,
            vec![
                ("supervisor".into(), 2),
                ("caseworker".into(), 5),
                ("advocates".into(), 3),
                ("facilitator".into(), 1)
            ]
        );
        assert!(parse_participants("5").is_err());
    }

    #[test]
    fn suggestions_complete_the_last_list_item_accent_insensitively() {
        let sugg = Suggestions {
            agencies: vec!["La Casa".into(), "CYFD".into()],
            counties: vec!["Doña Ana".into()],
            ..Default::default()
        };
        let mut f = FormState::from_meta(&SessionMeta::new_today("x"));
        f.focus(Field::County as usize);
        for c in "dona".chars() {
            f.insert(c);
        }
        assert_eq!(f.matches(&sugg), vec!["Doña Ana"]);
        f.accept(&sugg);
        assert_eq!(f.value(Field::County), "Doña Ana");

        f.focus(Field::Agencies as usize);
        for c in "CYFD, la".chars() {
            f.insert(c);
        }
        f.right(&sugg);
        assert_eq!(f.value(Field::Agencies), "CYFD, La Casa");
    }

    #[test]
    fn only_a_whole_date_is_a_date() {
        assert_eq!(
            parse_date("2026-01-31"),
            NaiveDate::from_ymd_opt(2026, 1, 31)
        );
        for half in [
            "2026-01-3",
            "2026-1-31",
            "2026-01-32",
            "26-01-31",
            "2026-01-31x",
            "２０２６-01-31",
        ] {
            assert_eq!(parse_date(half), None, "{half}");
        }
    }

    #[test]
    fn leaving_a_field_with_a_refused_value_puts_the_kept_one_back() {
        let mut meta = SessionMeta::new_today("x");
        meta.date = NaiveDate::from_ymd_opt(2026, 5, 2).unwrap();
        let mut f = FormState::from_meta(&meta);
        f.focus(Field::Date as usize);
        f.clear();
        for c in "2026-01-3".chars() {
            f.insert(c);
            f.apply_to(&mut meta);
        }
        assert_eq!(
            meta.date,
            NaiveDate::from_ymd_opt(2026, 5, 2).unwrap(),
            "half-typed"
        );
        f.insert('2');
        f.apply_to(&mut meta);
        assert!(f.leave_field(&meta));
        assert_eq!(f.value(Field::Date), "2026-05-02");
        let (field, why) = f.refused.clone().unwrap();
        assert_eq!(field, Field::Date);
        assert!(
            why.contains("kept 2026-05-02") && why.contains("'2026-01-32'"),
            "{why}"
        );
        assert!(!f.leave_field(&meta), "nothing more to refuse");
        // A field without a problem is left as it is.
        f.focus(Field::Title as usize);
        f.insert('!');
        f.apply_to(&mut meta);
        assert!(!f.leave_field(&meta));
    }

    #[test]
    fn a_bad_date_is_reported_and_keeps_the_old_date() {
        let mut meta = SessionMeta::new_today("x");
        let old = meta.date;
        let mut f = FormState::from_meta(&meta);
        f.inputs[Field::Date as usize].set("2026-13-40");
        f.inputs[Field::Title as usize].set("Joint coaching");
        f.apply_to(&mut meta);
        assert_eq!(meta.date, old);
        assert_eq!(meta.title, "Joint coaching");
        assert_eq!(f.error.as_ref().map(|e| e.0), Some(Field::Date));
    }
}
