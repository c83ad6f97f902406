//! Search benchmark: synthetic stores of 1,000 / 10,000 / 100,000 sessions (about 200 words
//! each, two coded passages each), measured in one run:
//!
//! - a results page (count, top 20, facets, snippets) in-process, p50 / p95 over a query set;
//! - `ripple search` as a fresh process (release binary), median of runs;
//! - save-to-searchable latency (index one session + commit + reload until a search sees it);
//! - full reindex rate vs raw tantivy indexing the same text into one default text field;
//! - ripgrep over the same note files and SQLite FTS5 (the `sqlite3` command-line shell) over
//!   the same text, both as fresh processes.
//!
//! Run: `cargo build --release && cargo bench --bench search` (`RIPPLE_BENCH_SIZES=1000,10000`
//! limits the sizes; `RIPPLE_BENCH_DIR` keeps the generated stores there instead of a temp dir).

use chrono::{Duration as Days, NaiveDate, TimeZone, Utc};
use ripple::core::codebook::Codebook;
use ripple::core::coding::{AnchorStatus, CoderSessionFile, Coding, CodingId};
use ripple::core::coding_store;
use ripple::core::index::{HitKind, IndexItem, SearchIndex};
use ripple::core::query::parse;
use ripple::core::session::{Session, SessionId, SessionMeta, SessionType};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Small deterministic generator (xorshift64*): the same store every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Skewed towards the start of the list, like word frequencies.
    fn zipfish(&mut self, n: usize) -> usize {
        let r = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((r * r * r) * n as f64) as usize % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const FUNCTION_WORDS: &[&str] = &[
    "the", "and", "to", "of", "a", "in", "that", "was", "for", "with", "they", "we", "on", "it",
    "about", "how", "their", "she", "he", "this", "when", "from", "at", "as", "but", "not", "more",
    "after", "both", "each", "other", "who", "what", "said", "would", "could", "had", "were", "be",
    "have", "there", "been", "then", "so", "than", "very", "some", "all", "next",
];

const CONTENT_WORDS: &[&str] = &[
    "trust",
    "agencies",
    "communication",
    "roles",
    "fathers",
    "safety",
    "planning",
    "survivors",
    "advocates",
    "perpetrator",
    "patterns",
    "children",
    "supervisor",
    "caseworker",
    "protective",
    "efforts",
    "court",
    "housing",
    "coaching",
    "session",
    "meeting",
    "partnership",
    "referral",
    "investigation",
    "assessment",
    "family",
    "mother",
    "father",
    "violence",
    "choice",
    "control",
    "behaviour",
    "accountability",
    "engagement",
    "services",
    "shelter",
    "advocate",
    "worker",
    "leadership",
    "training",
    "practice",
    "language",
    "blame",
    "naming",
    "documentation",
    "notes",
    "case",
    "plan",
    "goals",
    "concerns",
    "progress",
    "barriers",
    "collaboration",
    "flexibility",
    "commitment",
    "purpose",
    "shared",
    "effective",
    "listening",
    "questions",
    "feedback",
    "decisions",
    "staff",
    "team",
    "county",
    "office",
    "protocol",
    "policy",
    "interview",
    "home",
    "visit",
    "school",
    "counselling",
    "program",
    "batterer",
    "intervention",
    "parenting",
    "custody",
    "order",
    "hearing",
    "judge",
    "attorney",
    "legal",
    "support",
    "relationship",
    "partners",
    "community",
    "culture",
    "spanish",
    "interpreter",
    "outreach",
    "phone",
    "message",
    "email",
    "schedule",
    "follow",
    "review",
    "supervision",
    "consultation",
    "strengths",
    "risks",
    "danger",
    "harm",
    "impact",
    "pattern",
    "tactics",
    "coercion",
    "isolation",
    "finances",
    "transportation",
    "childcare",
    "employment",
    "benefits",
    "safety-plan",
    "confidentiality",
    "consent",
    "records",
    "release",
    "information",
    "agreement",
    "memorandum",
    "understanding",
    "joint",
    "response",
    "approach",
    "model",
    "framework",
    "principles",
    "perpetration",
    "engaged",
    "engaging",
    "partnering",
    "advocating",
    "describing",
    "avoiding",
    "improved",
    "grown",
    "unclear",
    "clear",
    "difficult",
    "helpful",
    "honest",
    "respectful",
    "tension",
    "conflict",
    "repair",
    "listened",
    "agreed",
    "disagreed",
    "learned",
    "shifted",
];

const RARE_WORDS: &[&str] = &[
    "kaleidoscope",
    "peregrine",
    "quinoa",
    "saxophone",
    "labyrinth",
    "zeppelin",
    "marmalade",
    "origami",
    "tundra",
    "vortex",
];

const AGENCIES: &[&str] = &[
    "CYFD",
    "La Casa",
    "Enlace Comunitario",
    "Crossroads",
    "Solace",
    "Esperanza",
    "El Refugio",
];
const COUNTIES: &[&str] = &[
    "Doña Ana",
    "Bernalillo",
    "Otero",
    "Santa Fe",
    "Sierra",
    "Luna",
    "San Juan",
    "Taos",
];
const FACILITATORS: &[&str] = &["M. Rivera", "J. Chen", "A. Núñez", "K. Begay", "L. Ortiz"];
const CODERS: &[&str] = &["Evaluator A", "Evaluator B"];
const LEAF_THEMES: &[&str] = &[
    "trust",
    "communication",
    "roles",
    "flexibility",
    "effectiveness",
    "shared-purpose",
    "commitment",
    "engaging-perpetrators",
    "partnering-survivors",
    "perpetrator-patterns",
    "advocating-clients",
    "naming-choice",
    "protective-efforts",
    "avoiding-blame",
];
const TITLES: &[&str] = &[
    "Joint coaching: safety planning with fathers",
    "Coaching on case notes",
    "Leadership meeting on roles",
    "Training on perpetration patterns",
    "Case consultation",
    "Partnership check-in",
    "Supervisor coaching",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        let w = if rng.below(100) < 45 {
            FUNCTION_WORDS[rng.zipfish(FUNCTION_WORDS.len())]
        } else {
            CONTENT_WORDS[rng.zipfish(CONTENT_WORDS.len())]
        };
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

fn make_session(rng: &mut Rng, i: usize) -> IndexItem {
    let t = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
    let date = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + Days::days(rng.below(700) as i64);
    let mut sentences = Vec::new();
    let mut words = 0;
    while words < 200 {
        let n = 8 + rng.below(13);
        sentences.push(sentence(rng, n));
        words += n;
    }
    if rng.below(100) == 0 {
        sentences.push("我们的合作很好。".to_string());
    }
    if rng.below(50) == 0 {
        let w = rng.pick(RARE_WORDS);
        sentences.push(format!("Someone mentioned a {w} 🙂."));
    }
    let mut text = String::new();
    for (k, s) in sentences.iter().enumerate() {
        if k > 0 {
            text.push_str(if k % 5 == 0 { "\n\n" } else { " " });
        }
        text.push_str(s);
    }
    let n_agencies = 1 + rng.below(2);
    let mut agencies: Vec<String> = Vec::new();
    while agencies.len() < n_agencies {
        let a = rng.pick(AGENCIES).to_string();
        if !agencies.contains(&a) {
            agencies.push(a);
        }
    }
    let id = SessionId(format!("01bench{:019}", i));
    let session = Session {
        meta: SessionMeta {
            id: id.clone(),
            title: rng.pick(TITLES).to_string(),
            date,
            agencies,
            session_type: SessionType::ALL[rng.below(5)],
            county: rng.pick(COUNTIES).to_string(),
            facilitator: rng.pick(FACILITATORS).to_string(),
            participants: Vec::new(),
            tags: vec![],
            created: t,
            updated: t,
        },
        text,
    };
    // Two codings: whole sentences.
    let mut codings = Vec::new();
    for k in 0..2 {
        let s = &sentences[rng.below(sentences.len())];
        let b = session.text.find(s.as_str()).expect("sentence in note");
        let start = session.text[..b].chars().count();
        codings.push(Coding {
            id: CodingId(format!("{}c{k}", id.0)),
            session: id.clone(),
            theme: rng.pick(LEAF_THEMES).to_string(),
            coder: CODERS[k % 2].to_string(),
            start,
            end: start + s.chars().count(),
            quote: s.clone(),
            before: String::new(),
            after: String::new(),
            memo: String::new(),
            status: AnchorStatus::Attached,
            created: t,
            updated: t,
        });
    }
    IndexItem {
        session,
        codings,
        memos: vec![],
    }
}

/// Write the store files (sessions, codings, codebook) for the bench's other tools.
fn write_store(root: &Path, items: &[IndexItem], codebook: &Codebook) {
    std::fs::create_dir_all(root.join("sessions")).unwrap();
    std::fs::write(root.join("ripple.toml"), "format = 1\nname = \"bench\"\n").unwrap();
    std::fs::write(root.join("codebook.toml"), codebook.to_toml()).unwrap();
    for it in items {
        let id = &it.session.meta.id;
        std::fs::write(
            root.join("sessions").join(format!("{}.md", id.as_str())),
            ripple::core::session_file::to_file_string(&it.session),
        )
        .unwrap();
        for coder in CODERS {
            let codings: Vec<Coding> = it
                .codings
                .iter()
                .filter(|c| c.coder == *coder)
                .cloned()
                .collect();
            let file = CoderSessionFile {
                session: id.clone(),
                coder: coder.to_string(),
                memo: String::new(),
                codings,
            };
            let p = coding_store::file_path(root, coder, id);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, serde_json::to_string_pretty(&file).unwrap()).unwrap();
        }
    }
}

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i]
}

fn ms(d: Duration) -> String {
    let x = d.as_secs_f64() * 1000.0;
    if x < 10.0 {
        format!("{x:.2} ms")
    } else {
        format!("{x:.0} ms")
    }
}

/// Median wall time of a command run `n` times (output discarded); None if it cannot run.
fn time_cmd(mut make: impl FnMut() -> Command, n: usize) -> Option<Duration> {
    let mut v = Vec::new();
    for _ in 0..n {
        let mut c = make();
        c.stdout(Stdio::null()).stderr(Stdio::null());
        let t = Instant::now();
        let st = c.status().ok()?;
        let d = t.elapsed();
        if !st.success() && st.code() != Some(1) {
            return None;
        }
        v.push(d);
    }
    Some(pct(&mut v, 0.5))
}

/// CPU seconds used so far by this process, all threads (user + system, from /proc): the
/// work a step does, whatever else the machine is running.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the stat line; `rest` starts at field 3.
    (ticks(11) + ticks(12)) / 100.0
}

/// Raw tantivy: title + note into one default-tokenized TEXT field, plus an id. Docs/s.
fn raw_tantivy_rate(dir: &Path, items: &[IndexItem]) -> f64 {
    use tantivy::schema::{Schema, STORED, STRING, TEXT};
    let mut b = Schema::builder();
    let id = b.add_text_field("id", STRING | STORED);
    let body = b.add_text_field("body", TEXT | STORED);
    let index = tantivy::Index::create_in_dir(dir, b.build()).unwrap();
    let mut w: tantivy::IndexWriter = index.writer(64_000_000).unwrap();
    let t = Instant::now();
    for it in items {
        let mut d = tantivy::TantivyDocument::default();
        d.add_text(id, it.session.meta.id.as_str());
        d.add_text(body, &it.session.meta.title);
        d.add_text(body, &it.session.text);
        w.add_document(d).unwrap();
    }
    w.commit().unwrap();
    items.len() as f64 / t.elapsed().as_secs_f64()
}

/// Tantivy alone on the documents a rebuild writes (built beforehand, untimed), with Ripple's
/// schema and analysers: what the index's design costs in tantivy, apart from Ripple's own
/// work (building documents, collecting the vocabulary). Sessions/s.
/// Returns (sessions/s, CPU seconds of the timed part).
fn same_documents_rate(dir: &Path, ix: &SearchIndex, items: &[IndexItem]) -> (f64, f64) {
    let docs: Vec<tantivy::TantivyDocument> =
        items.iter().flat_map(|it| ix.bench_documents(it)).collect();
    let index = ripple::core::index::bench_plain_index(dir).unwrap();
    let mut w: tantivy::IndexWriter = index.writer(64_000_000).unwrap();
    let cpu0 = cpu_seconds();
    let t = Instant::now();
    for d in docs {
        w.add_document(d).unwrap();
    }
    w.commit().unwrap();
    let rate = items.len() as f64 / t.elapsed().as_secs_f64();
    (rate, cpu_seconds() - cpu0)
}

const PAGE_QUERIES: &[&str] = &[
    "trust",
    "trust agencies",
    "\"safety planning\"",
    "perpetrat*",
    "comunication~",
    "theme:collaboration",
    "agency:\"La Casa\" trust after:2026-04",
    "county:dona type:joint-coaching",
    "fathers OR survivors -court",
    "date:2026-06 theme:trust",
    "kaleidoscope",
    "我们",
];

struct Row {
    n: usize,
    page_p50: Duration,
    page_p95: Duration,
    page_worst: (Duration, String),
    /// (p50, p95, query) for each query and kind, slowest first.
    per_query: Vec<(Duration, Duration, String)>,
    facets_p50: Duration,
    facets_p95: Duration,
    /// The same pages on the reference paths (`SearchIndex::set_reference_paths`: phrase
    /// queries over positions, tantivy's `FacetCollector`), measured interleaved in the same
    /// run: page p50 / p95, page + facets p50 / p95.
    reference: (Duration, Duration, Duration, Duration),
    /// Per query and kind: faster page, reference page, faster + facets, reference + facets.
    versus: Vec<String>,
    commit_p50: Duration,
    fresh: Option<Duration>,
    save_p50: Duration,
    save_p95: Duration,
    reindex_rate: f64,
    raw_rate: f64,
    /// Tantivy alone on Ripple's documents, sessions/s.
    same_rate: f64,
    /// CPU seconds: reindex, raw tantivy, tantivy alone on Ripple's documents.
    cpu: (f64, f64, f64),
    rg_word: Option<Duration>,
    fts_build: Option<Duration>,
    fts_query: Option<Duration>,
    fresh_word: Option<Duration>,
}

fn sqlite_fts(store: &Path, items: &[IndexItem]) -> (Option<Duration>, Option<Duration>) {
    let db = store.join("fts.db");
    let _ = std::fs::remove_file(&db);
    let csv_path = store.join("fts.csv");
    {
        let mut w = csv::Writer::from_path(&csv_path).unwrap();
        for it in items {
            w.write_record([
                it.session.meta.id.as_str(),
                &it.session.meta.title,
                &it.session.text,
            ])
            .unwrap();
        }
        w.flush().unwrap();
    }
    let script = format!(
        "CREATE VIRTUAL TABLE notes USING fts5(id UNINDEXED, title, body, tokenize='porter unicode61 remove_diacritics 2');\n.mode csv\n.import '{}' notes\n",
        csv_path.display()
    );
    let t = Instant::now();
    let ok = (|| -> std::io::Result<bool> {
        use std::io::Write;
        let mut child = Command::new("sqlite3")
            .arg(&db)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()?;
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(script.as_bytes())?;
        Ok(child.wait()?.success())
    })()
    .unwrap_or(false);
    let build = t.elapsed();
    if !ok {
        return (None, None);
    }
    let q = time_cmd(
        || {
            let mut c = Command::new("sqlite3");
            c.arg(&db).arg(
                "SELECT count(*) FROM notes WHERE notes MATCH 'trust'; \
                 SELECT id, snippet(notes, 2, '[', ']', '…', 16) FROM notes WHERE notes MATCH 'trust' ORDER BY rank LIMIT 20;",
            );
            c
        },
        9,
    );
    (Some(build), q)
}

fn bench_size(base: &Path, n: usize, bin: Option<&Path>) -> Row {
    eprintln!("== {n} sessions: generating");
    let codebook = Codebook::builtin();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ n as u64);
    let items: Vec<IndexItem> = (0..n).map(|i| make_session(&mut rng, i)).collect();
    let root = base.join(format!("store-{n}"));
    let index_dir = base.join(format!("index-{n}"));
    let raw_dir = base.join(format!("raw-{n}"));
    for d in [&root, &index_dir, &raw_dir] {
        let _ = std::fs::remove_dir_all(d);
    }
    // RIPPLE_BENCH_ONLY=reindex or =pages: that part alone, printed as it ends (for profiling).
    let only = std::env::var("RIPPLE_BENCH_ONLY").unwrap_or_default();
    let reindex_only = only == "reindex";
    if only.is_empty() {
        write_store(&root, &items, &codebook);
    }
    std::fs::create_dir_all(&raw_dir).unwrap();

    eprintln!("== {n}: raw tantivy");
    let cpu0 = cpu_seconds();
    let raw_rate = raw_tantivy_rate(&raw_dir, &items);
    let raw_cpu = cpu_seconds() - cpu0;
    eprintln!("== {n}: reindex");
    let (mut index, _) = SearchIndex::open(&index_dir).unwrap();
    // `ripple reindex` hands `rebuild` the sessions it has read; copying them is not timed.
    let owned = items.clone();
    let cpu0 = cpu_seconds();
    let t = Instant::now();
    index.rebuild(owned, n, &codebook, &mut |_, _| {}).unwrap();
    let reindex_rate = n as f64 / t.elapsed().as_secs_f64();
    let reindex_cpu = cpu_seconds() - cpu0;
    eprintln!("== {n}: tantivy alone on Ripple's documents");
    let same_dir = base.join(format!("same-{n}"));
    let _ = std::fs::remove_dir_all(&same_dir);
    std::fs::create_dir_all(&same_dir).unwrap();
    index.set_codebook(codebook.clone());
    let (same_rate, same_cpu) = same_documents_rate(&same_dir, &index, &items);
    let _ = std::fs::remove_dir_all(&same_dir);
    if reindex_only {
        println!(
            "{n} sessions: reindex {reindex_rate:.0} sessions/s, raw tantivy {raw_rate:.0} docs/s, ratio {:.2}; CPU seconds reindex {reindex_cpu:.2}, raw {raw_cpu:.2}, raw / reindex {:.2}; tantivy alone on Ripple's documents {same_rate:.0} sessions/s (CPU {same_cpu:.2} s), reindex / that {:.2}",
            reindex_rate / raw_rate,
            raw_cpu / reindex_cpu,
            reindex_rate / same_rate
        );
        std::process::exit(0);
    }

    eprintln!("== {n}: results pages");
    let mut lat = Vec::new();
    let mut lat_facets = Vec::new();
    let (mut lat_ref, mut lat_facets_ref) = (Vec::new(), Vec::new());
    let mut versus = Vec::new();
    let mut worst = (Duration::ZERO, String::new());
    let mut per_query: Vec<(Duration, Duration, String)> = Vec::new();
    // RIPPLE_BENCH_QUERIES (queries separated by `;`) replaces the standard set, for profiling.
    let custom: Option<Vec<String>> = std::env::var("RIPPLE_BENCH_QUERIES")
        .ok()
        .map(|v| v.split(';').map(str::to_string).collect());
    let queries: Vec<&str> = match &custom {
        Some(c) => c.iter().map(String::as_str).collect(),
        None => PAGE_QUERIES.to_vec(),
    };
    for q in queries {
        let query = parse(q).unwrap();
        for kind in [HitKind::Passages, HitKind::Sessions] {
            index.search(&query, kind, 20, 0).unwrap(); // warm
            let mut this = Vec::new();
            let (mut this_ref, mut this_f, mut this_f_ref) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..15 {
                let t = Instant::now();
                let r = index.search_page(&query, kind, 20, 0, false).unwrap();
                let d = t.elapsed();
                std::hint::black_box(r);
                if d > worst.0 {
                    worst = (d, format!("{q} ({kind:?})"));
                }
                lat.push(d);
                this.push(d);
                let t = Instant::now();
                let fast = index.search(&query, kind, 20, 0).unwrap();
                let d = t.elapsed();
                lat_facets.push(d);
                this_f.push(d);
                // The reference paths, interleaved so both see the same machine.
                index.set_reference_paths(true);
                let t = Instant::now();
                let r = index.search_page(&query, kind, 20, 0, false).unwrap();
                let d = t.elapsed();
                lat_ref.push(d);
                this_ref.push(d);
                std::hint::black_box(r);
                let t = Instant::now();
                let reference = index.search(&query, kind, 20, 0).unwrap();
                let d = t.elapsed();
                lat_facets_ref.push(d);
                this_f_ref.push(d);
                index.set_reference_paths(false);
                assert_eq!(fast, reference, "{q} ({kind:?}): the paths disagree");
            }
            let p50 = pct(&mut this, 0.5);
            let p95 = pct(&mut this, 0.95);
            let pair =
                |v: &mut Vec<Duration>| format!("{} / {}", ms(pct(v, 0.5)), ms(pct(v, 0.95)));
            versus.push(format!(
                "`{q}` ({kind:?}): page {} (reference {}); + facets {} (reference {})",
                pair(&mut this),
                pair(&mut this_ref),
                pair(&mut this_f),
                pair(&mut this_f_ref)
            ));
            per_query.push((p50, p95, format!("`{q}` ({kind:?})")));
        }
    }
    per_query.sort_by(|a, b| b.cmp(a));
    let reference = (
        pct(&mut lat_ref, 0.5),
        pct(&mut lat_ref, 0.95),
        pct(&mut lat_facets_ref, 0.5),
        pct(&mut lat_facets_ref, 0.95),
    );
    if only == "pages" {
        println!(
            "{n} sessions: page p50 {} p95 {} (reference {} / {}); with facets p50 {} p95 {} (reference {} / {})",
            ms(pct(&mut lat, 0.5)),
            ms(pct(&mut lat, 0.95)),
            ms(reference.0),
            ms(reference.1),
            ms(pct(&mut lat_facets, 0.5)),
            ms(pct(&mut lat_facets, 0.95)),
            ms(reference.2),
            ms(reference.3)
        );
        for line in &versus {
            println!("  {line}");
        }
        std::process::exit(0);
    }
    let page_p50 = pct(&mut lat, 0.5);
    let page_p95 = pct(&mut lat, 0.95);
    let facets_p50 = pct(&mut lat_facets, 0.5);
    let facets_p95 = pct(&mut lat_facets, 0.95);

    eprintln!("== {n}: save to searchable");
    let mut saves = Vec::new();
    let mut commits = Vec::new();
    for k in 0..15 {
        let mut it = items[k * 7 % n].clone();
        let word = format!("zqx{k}marker");
        it.session.text.push_str(&format!(" {word}."));
        let query = parse(&word).unwrap();
        let t = Instant::now();
        index
            .index_session(&it.session, &it.codings, &it.memos, &codebook)
            .unwrap();
        let tc = Instant::now();
        index.commit().unwrap();
        commits.push(tc.elapsed());
        while index.search(&query, HitKind::Sessions, 1, 0).unwrap().total == 0 {}
        saves.push(t.elapsed());
    }
    let commit_p50 = pct(&mut commits, 0.5);
    let save_p50 = pct(&mut saves, 0.5);
    let save_p95 = pct(&mut saves, 0.95);
    drop(index);

    eprintln!("== {n}: fresh process, ripgrep, sqlite");
    let run_ripple = |q: &'static str, extra: &'static [&'static str]| {
        bin.and_then(|b| {
            time_cmd(
                || {
                    let mut c = Command::new(b);
                    c.arg("search").arg(q).args(extra).args(["--limit", "20"]);
                    c.env("RIPPLE_STORE", &root).env("RIPPLE_INDEX", &index_dir);
                    c
                },
                15,
            )
        })
    };
    let fresh = run_ripple("agency:\"La Casa\" trust after:2026-04", &["--json"]);
    let fresh_word = run_ripple("trust", &["--sessions"]);
    let rg_word = time_cmd(
        || {
            let mut c = Command::new("rg");
            c.args(["-i", "-w", "-l", "trust"])
                .arg(root.join("sessions"));
            c
        },
        5,
    );
    let (fts_build, fts_query) = sqlite_fts(&root, &items);
    Row {
        n,
        page_p50,
        page_p95,
        page_worst: worst,
        per_query,
        facets_p50,
        facets_p95,
        reference,
        versus,
        commit_p50,
        fresh,
        save_p50,
        save_p95,
        reindex_rate,
        raw_rate,
        same_rate,
        cpu: (reindex_cpu, raw_cpu, same_cpu),
        rg_word,
        fts_build,
        fts_query,
        fresh_word,
    }
}

fn opt(d: Option<Duration>) -> String {
    d.map(ms).unwrap_or_else(|| "n/a".into())
}

fn ratio(a: Option<Duration>, b: Option<Duration>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:.1}×", a.as_secs_f64() / b.as_secs_f64()),
        _ => "n/a".into(),
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let sizes: Vec<usize> = std::env::var("RIPPLE_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let keep = std::env::var_os("RIPPLE_BENCH_DIR").map(PathBuf::from);
    let tmp = tempfile::tempdir().unwrap();
    let base = keep.unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&base).unwrap();
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/ripple");
    let bin = std::env::var_os("CARGO_TARGET_DIR")
        .map(|t| PathBuf::from(t).join("release/ripple"))
        .filter(|p| p.exists())
        .or(Some(bin).filter(|p| p.exists()));
    if bin.is_none() {
        eprintln!(
            "no release binary: run `cargo build --release` first for the fresh-process column"
        );
    }
    let rows: Vec<Row> = sizes
        .iter()
        .map(|&n| bench_size(&base, n, bin.as_deref()))
        .collect();

    println!("| sessions | page p50 / p95 (count, top 20, snippets) | slowest page | page + facet counts p50 / p95 | `ripple search` fresh process, median | save → searchable p50 / p95 (commit p50) | reindex rate | raw tantivy rate | reindex / raw |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} / {} | {} `{}` | {} / {} | {} | {} / {} ({}) | {:.0} sessions/s | {:.0} docs/s | {:.2} |",
            r.n,
            ms(r.page_p50),
            ms(r.page_p95),
            ms(r.page_worst.0),
            r.page_worst.1,
            ms(r.facets_p50),
            ms(r.facets_p95),
            opt(r.fresh),
            ms(r.save_p50),
            ms(r.save_p95),
            ms(r.commit_p50),
            r.reindex_rate,
            r.raw_rate,
            r.reindex_rate / r.raw_rate
        );
    }
    println!();
    println!("| sessions | reindex | raw tantivy | reindex / raw | tantivy alone on Ripple's documents | reindex / that | CPU seconds: reindex / raw / alone |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {:.0} sessions/s | {:.0} docs/s | {:.2} | {:.0} sessions/s | {:.2} | {:.2} / {:.2} / {:.2} |",
            r.n,
            r.reindex_rate,
            r.raw_rate,
            r.reindex_rate / r.raw_rate,
            r.same_rate,
            r.reindex_rate / r.same_rate,
            r.cpu.0,
            r.cpu.1,
            r.cpu.2
        );
    }
    println!();
    println!("Faster paths against the reference paths (same run, interleaved; p50 / p95):");
    println!();
    println!("| sessions | page | page, reference | page + facets | page + facets, reference |");
    println!("|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} / {} | {} / {} | {} / {} | {} / {} |",
            r.n,
            ms(r.page_p50),
            ms(r.page_p95),
            ms(r.reference.0),
            ms(r.reference.1),
            ms(r.facets_p50),
            ms(r.facets_p95),
            ms(r.reference.2),
            ms(r.reference.3)
        );
    }
    for r in &rows {
        println!();
        println!("{} sessions, per query:", r.n);
        for line in &r.versus {
            println!("- {line}");
        }
    }
    println!();
    println!("Slowest pages (p50 / p95 of 15 runs each):");
    println!();
    for r in &rows {
        let slowest: Vec<String> = r
            .per_query
            .iter()
            .take(6)
            .map(|(p50, p95, q)| format!("{q} {} / {}", ms(*p50), ms(*p95)))
            .collect();
        println!("- {}: {}", r.n, slowest.join("; "));
    }
    println!();
    println!("| sessions | `ripple search trust --sessions` fresh | ripgrep `rg -i -w -l trust` | rg / ripple | SQLite FTS5 query (fresh `sqlite3`) | FTS5 / ripple | FTS5 build |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.n,
            opt(r.fresh_word),
            opt(r.rg_word),
            ratio(r.rg_word, r.fresh_word),
            opt(r.fts_query),
            ratio(r.fts_query, r.fresh_word),
            opt(r.fts_build),
        );
    }
}
