//! Synthetic stores for benchmarks: realistic facilitator vocabulary, deterministic from a seed,
//! written with the real session-file format.
#![allow(dead_code)]

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use ripple::core::session::{Participant, Session, SessionId, SessionMeta, SessionType};
use ripple::core::session_file::to_file_string;
use std::path::Path;

/// A small, fast, deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// Vocabulary of the notes, space-separated.
pub const WORDS: &str = "\
the workers supervisor advocate father fathers mother survivor children safety plan \
planning trust shared case consultation agency agencies family pattern coercive control \
violence choice protective efforts court hearing information sharing confidentiality \
role roles meeting joint coaching training language documentation investigation \
interview partner partnering engaging perpetrator parent parenting accountability \
services referral housing school culture interpreter confianza niñez Doña Ana Sierra \
county office staff turnover respect relationship communication phone call weekly \
agreement procedure assessment risk harm support advocacy client hotline shelter orders \
protection visit home report notes we discussed agreed described named asked shared \
reflected noticed changed easier harder together first again because when after";

const TITLES: &[&str] = &[
    "Joint coaching",
    "CYFD coaching",
    "La Casa coaching",
    "Leadership meeting",
    "Training",
    "Case consultation",
    "Supervisor check-in",
];

pub fn sentence(rng: &mut Rng, len: usize) -> String {
    let words: Vec<&str> = WORDS.split_whitespace().collect();
    let mut s = String::new();
    for i in 0..len {
        if i > 0 {
            s.push(' ');
        }
        let w = rng.pick(&words);
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

/// A note of about `words` words in paragraphs of three to six sentences.
pub fn note(rng: &mut Rng, words: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    while n < words {
        let sentences = 3 + rng.below(4);
        for i in 0..sentences {
            let len = 8 + rng.below(12);
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&sentence(rng, len));
            n += len;
        }
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out
}

pub fn session(rng: &mut Rng, i: usize, words: usize) -> Session {
    let start = NaiveDate::from_ymd_opt(2022, 1, 3).unwrap();
    let date = start + Duration::days(rng.below(5 * 365) as i64);
    let created = Utc.from_utc_datetime(&date.and_hms_opt(17, 0, 0).unwrap());
    let session_type = SessionType::ALL[rng.below(SessionType::ALL.len())];
    let agencies = match rng.below(3) {
        0 => vec!["CYFD".to_string()],
        1 => vec!["La Casa".to_string()],
        _ => vec!["CYFD".to_string(), "La Casa".to_string()],
    };
    let meta = SessionMeta {
        id: SessionId(format!("01bench{:019}", i)),
        title: format!("{} {}", rng.pick(TITLES), i),
        date,
        agencies,
        session_type,
        county: if rng.below(4) == 0 {
            "Sierra"
        } else {
            "Doña Ana"
        }
        .to_string(),
        facilitator: rng
            .pick(&["M. Rivera", "J. Okafor", "L. Chávez"])
            .to_string(),
        participants: vec![Participant {
            role: "caseworker".into(),
            count: 1 + rng.below(8) as u32,
        }],
        tags: vec![],
        created,
        updated: created,
    };
    Session {
        meta,
        text: note(rng, words),
    }
}

/// Write a store of `n` sessions of about `words` words into `root` (a folder Ripple then
/// opens), unless a finished one is already there.
pub fn write_store(root: &Path, n: usize, words: usize) {
    let marker = root.join(format!(".bench-complete-{n}-{words}"));
    if marker.exists() {
        return;
    }
    let _ = std::fs::remove_dir_all(root);
    // Let Ripple create the folder layout, settings and codebook.
    ripple::core::store::Store::open(root).expect("create store");
    let sessions = root.join("sessions");
    let mut rng = Rng::new(42);
    for i in 0..n {
        let s = session(&mut rng, i, words);
        let path = sessions.join(format!("{}.md", s.meta.id));
        std::fs::write(path, to_file_string(&s)).expect("write session");
    }
    std::fs::write(marker, b"").unwrap();
}
