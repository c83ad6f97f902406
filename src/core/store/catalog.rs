//! The catalog cache file (`.ripple/catalog.tsv`): one line per session file, tab-separated,
//! so a store of 100,000 sessions loads without JSON's per-entry key names and string parsing of
//! dates. It is only a cache: anything unreadable means "rebuild from the session files".
//!
//! ```text
//! ripple-catalog 1
//! <file name> TAB <mtime ns> TAB <size> TAB <settled 0|1> TAB ok TAB <id> TAB <title> TAB
//!   <date: days from CE> TAB <agencies> TAB <type> TAB <county> TAB <facilitator> TAB
//!   <participants> TAB <tags> TAB <created: secs.nanos> TAB <updated> TAB <chars> TAB <preview>
//! <file name> TAB <mtime ns> TAB <size> TAB <settled> TAB problem TAB <line or empty> TAB <message>
//! ```
//!
//! Strings escape `\` `TAB` `LF` `CR` and U+001F as `\\` `\t` `\n` `\r` `\s`. A list is each
//! item preceded by U+001F (so `[]` is empty and `[""]` is one U+001F); a participant item is
//! `<count>:<role>`.

use crate::core::file_key::FileStamp;
use crate::core::parallel::parallel_map;
use crate::core::session::{Participant, SessionId, SessionMeta, SessionType};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use std::collections::HashMap;
use std::fmt::Write as _;

const HEADER: &str = "ripple-catalog 1";
const LIST_SEP: char = '\u{1f}';

/// One cached parse result, keyed by file name and checked against the file's stamp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct CatalogEntry {
    pub stamp: FileStamp,
    /// False when the file was modified too shortly before it was read to trust the stamp.
    pub settled: bool,
    pub parsed: Parsed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Parsed {
    Ok {
        meta: std::sync::Arc<SessionMeta>,
        chars: usize,
        preview: std::sync::Arc<str>,
    },
    Problem {
        line: Option<usize>,
        message: String,
    },
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            LIST_SEP => out.push_str("\\s"),
            c => out.push(c),
        }
    }
}

fn unescape(s: &str) -> Result<String, String> {
    if !s.contains('\\') {
        return Ok(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next() {
            Some('\\') => '\\',
            Some('t') => '\t',
            Some('n') => '\n',
            Some('r') => '\r',
            Some('s') => LIST_SEP,
            other => return Err(format!("bad escape \\{}", other.unwrap_or(' '))),
        });
    }
    Ok(out)
}

fn list_into<'a>(out: &mut String, items: impl IntoIterator<Item = &'a str>) {
    for item in items {
        out.push(LIST_SEP);
        escape_into(out, item);
    }
}

fn parse_list(field: &str) -> Result<Vec<String>, String> {
    if field.is_empty() {
        return Ok(Vec::new());
    }
    let rest = field
        .strip_prefix(LIST_SEP)
        .ok_or("list does not start with a separator")?;
    rest.split(LIST_SEP).map(unescape).collect()
}

fn time_field(t: &DateTime<Utc>) -> String {
    format!("{}.{}", t.timestamp(), t.timestamp_subsec_nanos())
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    let (secs, nanos) = s.split_once('.').ok_or("bad time")?;
    let secs: i64 = secs.parse().map_err(|_| "bad time")?;
    let nanos: u32 = nanos.parse().map_err(|_| "bad time")?;
    DateTime::from_timestamp(secs, nanos).ok_or_else(|| "bad time".to_string())
}

/// The catalog as file text. Entries are sorted by name so the file is stable.
pub(super) fn encode(entries: &HashMap<String, CatalogEntry>) -> String {
    let mut names: Vec<&String> = entries.keys().collect();
    names.sort();
    let mut out = String::with_capacity(entries.len() * 400 + 32);
    out.push_str(HEADER);
    out.push('\n');
    for name in names {
        let e = &entries[name];
        escape_into(&mut out, name);
        let _ = write!(
            out,
            "\t{}\t{}\t{}\t",
            e.stamp.mtime_ns,
            e.stamp.size,
            u8::from(e.settled)
        );
        match &e.parsed {
            Parsed::Ok {
                meta,
                chars,
                preview,
            } => {
                out.push_str("ok\t");
                escape_into(&mut out, meta.id.as_str());
                out.push('\t');
                escape_into(&mut out, &meta.title);
                let _ = write!(out, "\t{}\t", meta.date.num_days_from_ce());
                list_into(&mut out, meta.agencies.iter().map(String::as_str));
                let _ = write!(out, "\t{}\t", meta.session_type.key());
                escape_into(&mut out, &meta.county);
                out.push('\t');
                escape_into(&mut out, &meta.facilitator);
                out.push('\t');
                let people: Vec<String> = meta
                    .participants
                    .iter()
                    .map(|p| format!("{}:{}", p.count, p.role))
                    .collect();
                list_into(&mut out, people.iter().map(String::as_str));
                out.push('\t');
                list_into(&mut out, meta.tags.iter().map(String::as_str));
                let _ = write!(
                    out,
                    "\t{}\t{}\t{}\t",
                    time_field(&meta.created),
                    time_field(&meta.updated),
                    chars
                );
                escape_into(&mut out, preview);
            }
            Parsed::Problem { line, message } => {
                out.push_str("problem\t");
                if let Some(l) = line {
                    let _ = write!(out, "{l}");
                }
                out.push('\t');
                escape_into(&mut out, message);
            }
        }
        out.push('\n');
    }
    out
}

/// Read catalog text; an error names the line (the caller rebuilds the catalog).
pub(super) fn decode(text: &str) -> Result<HashMap<String, CatalogEntry>, String> {
    let mut lines = text.split('\n');
    if lines.next() != Some(HEADER) {
        return Err("not a catalog of this version".into());
    }
    let lines: Vec<&str> = lines.collect();
    let decoded = parallel_map(&lines, |line| {
        if line.is_empty() {
            Ok(None)
        } else {
            decode_line(line).map(Some)
        }
    });
    let mut entries = HashMap::with_capacity(lines.len());
    for (i, d) in decoded.into_iter().enumerate() {
        if let Some((name, entry)) = d.map_err(|e| format!("line {}: {e}", i + 2))? {
            entries.insert(name, entry);
        }
    }
    Ok(entries)
}

fn decode_line(line: &str) -> Result<(String, CatalogEntry), String> {
    let f: Vec<&str> = line.split('\t').collect();
    let field = |i: usize| {
        f.get(i)
            .copied()
            .ok_or_else(|| format!("missing field {i}"))
    };
    let num = |i: usize| -> Result<i64, String> {
        field(i)?
            .parse()
            .map_err(|_| format!("field {i} is not a number"))
    };
    let name = unescape(field(0)?)?;
    let stamp = FileStamp {
        mtime_ns: num(1)?,
        size: num(2)?.try_into().map_err(|_| "bad size")?,
    };
    let settled = field(3)? == "1";
    let parsed = match field(4)? {
        "ok" if f.len() == 18 => {
            let date = NaiveDate::from_num_days_from_ce_opt(num(7)? as i32).ok_or("bad date")?;
            let participants = parse_list(field(12)?)?
                .into_iter()
                .map(|item| {
                    let (count, role) = item.split_once(':').ok_or("bad participant")?;
                    Ok(Participant {
                        role: role.to_string(),
                        count: count.parse().map_err(|_| "bad participant count")?,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            Parsed::Ok {
                meta: std::sync::Arc::new(SessionMeta {
                    id: SessionId(unescape(field(5)?)?),
                    title: unescape(field(6)?)?,
                    date,
                    agencies: parse_list(field(8)?)?,
                    session_type: SessionType::parse(field(9)?).ok_or("bad type")?,
                    county: unescape(field(10)?)?,
                    facilitator: unescape(field(11)?)?,
                    participants,
                    tags: parse_list(field(13)?)?,
                    created: parse_time(field(14)?)?,
                    updated: parse_time(field(15)?)?,
                }),
                chars: num(16)?.try_into().map_err(|_| "bad length")?,
                preview: unescape(field(17)?)?.into(),
            }
        }
        "problem" if f.len() == 7 => Parsed::Problem {
            line: match field(5)? {
                "" => None,
                l => Some(l.parse().map_err(|_| "bad line")?),
            },
            message: unescape(field(6)?)?,
        },
        other => return Err(format!("unknown entry kind `{other}` or wrong field count")),
    };
    Ok((
        name,
        CatalogEntry {
            stamp,
            settled,
            parsed,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), "[a\\\\\t\n\r\u{1f}:ñ我🙂]{0,6}",]
    }

    proptest! {
        #[test]
        fn entries_round_trip(
            name in text(), title in text(), county in text(), preview in text(),
            agencies in proptest::collection::vec(text(), 0..3),
            roles in proptest::collection::vec((text(), any::<u32>()), 0..3),
            tags in proptest::collection::vec(text(), 0..3),
            secs in -1_000_000_000i64..4_000_000_000, nanos in 0u32..1_000_000_000,
            days in 1i32..3_000_000, chars in any::<u32>(), mtime in any::<i64>(),
            size in any::<u32>(), settled in any::<bool>(), ty in 0usize..5,
            line in proptest::option::of(any::<u32>()), problem in any::<bool>(),
        ) {
            let t = DateTime::from_timestamp(secs, nanos).unwrap();
            let parsed = if problem {
                Parsed::Problem { line: line.map(|l| l as usize), message: title.clone() }
            } else {
                Parsed::Ok {
                    meta: std::sync::Arc::new(SessionMeta {
                        id: SessionId::new(),
                        title,
                        date: NaiveDate::from_num_days_from_ce_opt(days).unwrap(),
                        agencies,
                        session_type: SessionType::ALL[ty],
                        county: county.clone(),
                        facilitator: county,
                        participants: roles.into_iter().map(|(role, count)| Participant { role, count }).collect(),
                        tags,
                        created: t,
                        updated: t,
                    }),
                    chars: chars as usize,
                    preview: preview.into(),
                }
            };
            let mut map = HashMap::new();
            map.insert(name, CatalogEntry { stamp: FileStamp { mtime_ns: mtime, size: size as u64 }, settled, parsed });
            map.insert("other.md".to_string(), CatalogEntry {
                stamp: FileStamp { mtime_ns: 1, size: 2 },
                settled: true,
                parsed: Parsed::Problem { line: None, message: String::new() },
            });
            prop_assert_eq!(decode(&encode(&map)).unwrap(), map);
        }
    }

    #[test]
    fn damaged_text_is_an_error_not_a_panic() {
        assert!(decode("").is_err());
        assert!(decode("ripple-catalog 1\nx\t1").is_err());
        assert!(decode("ripple-catalog 1\nx\t1\t2\t1\tok\tshort").is_err());
        assert!(decode("ripple-catalog 1\nx\t1\t2\t1\tproblem\t\tbad \\q escape").is_err());
        assert_eq!(decode("ripple-catalog 1\n").unwrap().len(), 0);
    }
}
