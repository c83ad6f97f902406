//! `ripple agree` and `ripple code done` run as a user would, on a fixture store of three
//! sessions double- and triple-coded through `ripple code add`.
//!
//! The expected figures were computed once, independently of Ripple, by
//! `tests/it/agree_reference.py` over a store this fixture wrote (run this module's tests with
//! `RIPPLE_AGREE_FIXTURE=<dir>` to keep it there): it rebuilds each unit's ratings from the
//! files by the definitions in docs/agreement.md and feeds them to scikit-learn 1.9.1
//! (`cohen_kappa_score`), krippendorff 0.9.0 (`alpha`, nominal) and irrCAC 0.4.4 (`bp`,
//! categories [0, 1]) under Python 3.11.7; its printed values are copied below.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const S1: &str = "Doña Ana county, joint coaching with CYFD and La Casa. 🙂\n\
The advocate said: we finally trust each other.\n\
The investigator now calls La Casa the same day a case opens.\n\
\n  \t\n\
Fathers were named as parents, not visitors.\n\
Staff asked who does what when a father is in court.\n";

const S2: &str = "我们 discussed roles: the supervisor owns the safety plan.\n\
\n\
Communication was weekly; trust grew after the hearing.\n\
\u{3000}\n\
The father was engaged directly about his pattern.";

const S3: &str = "Short note. Trust came up once.\n";

const ANA: &str = "Ana Peña";
const LUIS: &str = "Luis Ortiz";
const MEI: &str = "Mei 李";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ripple_env(store: &Path, coder: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ripple"));
    cmd.arg("--store")
        .arg(store)
        .args(args)
        .env("RIPPLE_CODER", coder)
        .env("RIPPLE_CONFIG", store.with_extension("no-config.toml"))
        .env("RIPPLE_INDEX", store.with_extension("index"))
        .env_remove("RIPPLE_BLIND")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = crate::common::output_with_stdin(cmd, None);
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn ripple(store: &Path, coder: &str, args: &[&str]) -> Run {
    ripple_env(store, coder, args, &[])
}

fn ok(r: Run) -> Run {
    assert_eq!(r.code, 0, "stderr: {}\nstdout: {}", r.stderr, r.stdout);
    r
}

fn code(store: &Path, coder: &str, session: &str, theme: &str, quote: &str) {
    ok(ripple(
        store,
        coder,
        &["code", "add", session, theme, "--quote", quote],
    ));
}

/// The fixture store: (root, [s1, s2, s3]). Ana and Luis marked all three sessions done,
/// Mei the first two.
fn fixture(dir: &Path) -> (PathBuf, [String; 3]) {
    let root = match std::env::var_os("RIPPLE_AGREE_FIXTURE") {
        Some(keep) => {
            let p = PathBuf::from(keep);
            let _ = std::fs::remove_dir_all(&p);
            p
        }
        None => dir.join("store"),
    };
    let s1 = crate::common::cli_new(&root, "Joint coaching", "2026-06-14", S1);
    let s2 = crate::common::cli_new(&root, "Leadership meeting", "2026-06-21", S2);
    let s3 = crate::common::cli_new(&root, "Short", "2026-06-28", S3);
    code(&root, ANA, &s1, "trust", "we finally trust each other");
    code(
        &root,
        ANA,
        &s1,
        "communication",
        "The investigator now calls La Casa the same day a case opens",
    );
    code(
        &root,
        ANA,
        &s1,
        "engaging-perpetrators",
        "Fathers were named as parents, not visitors",
    );
    code(
        &root,
        ANA,
        &s2,
        "roles",
        "the supervisor owns the safety plan",
    );
    code(&root, ANA, &s2, "trust", "trust grew after the hearing");
    code(&root, ANA, &s3, "trust", "Trust came up once");
    code(&root, LUIS, &s1, "trust", "finally trust each other");
    code(
        &root,
        LUIS,
        &s1,
        "communication",
        "The investigator now calls La Casa",
    );
    code(
        &root,
        LUIS,
        &s1,
        "roles",
        "Staff asked who does what when a father is in court",
    );
    code(
        &root,
        LUIS,
        &s2,
        "roles",
        "discussed roles: the supervisor owns the safety plan",
    );
    code(
        &root,
        LUIS,
        &s2,
        "communication",
        "Communication was weekly",
    );
    code(
        &root,
        LUIS,
        &s2,
        "engaging-perpetrators",
        "The father was engaged directly about his pattern",
    );
    code(&root, LUIS, &s3, "trust", "Trust came up once.");
    code(
        &root,
        MEI,
        &s1,
        "trust",
        "The advocate said: we finally trust each other.",
    );
    code(
        &root,
        MEI,
        &s1,
        "engaging-perpetrators",
        "Fathers were named as parents",
    );
    code(
        &root,
        MEI,
        &s2,
        "roles",
        "the supervisor owns the safety plan",
    );
    code(&root, MEI, &s2, "trust", "trust grew after the hearing");
    for (coder, sessions) in [
        (ANA, vec![&s1, &s2, &s3]),
        (LUIS, vec![&s1, &s2, &s3]),
        (MEI, vec![&s1, &s2]),
    ] {
        for s in sessions {
            ok(ripple(&root, coder, &["code", "done", s]));
        }
    }
    (root, [s1, s2, s3])
}

fn json(r: Run) -> Value {
    let r = ok(r);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

/// (theme, units, agreement, kappa or None, alpha, bp_kappa)
type Row = (&'static str, u64, f64, Option<f64>, f64, f64);

fn check(report: &Value, rows: &[Row], all: Row) {
    let themes = report["themes"].as_array().unwrap();
    let got: Vec<&str> = themes
        .iter()
        .map(|t| t["theme"].as_str().unwrap())
        .collect();
    let want: Vec<&str> = rows.iter().map(|r| r.0).collect();
    assert_eq!(got, want, "themes in codebook order");
    let close = |v: &Value, w: f64, what: &str| {
        let x = v
            .as_f64()
            .unwrap_or_else(|| panic!("{what}: {v} is not a number"));
        assert!((x - w).abs() < 1e-9, "{what}: {x} is not {w}");
    };
    for (t, r) in themes
        .iter()
        .zip(rows)
        .chain(std::iter::once((&report["all"], &all)))
    {
        assert_eq!(t["units"].as_u64(), Some(r.1), "units of {}", r.0);
        close(&t["agreement"], r.2, &format!("agreement of {}", r.0));
        match r.3 {
            Some(k) => close(&t["kappa"], k, &format!("kappa of {}", r.0)),
            None => assert!(t["kappa"].is_null(), "kappa of {} is null", r.0),
        }
        close(&t["alpha"], r.4, &format!("alpha of {}", r.0));
        close(&t["bp_kappa"], r.5, &format!("bp_kappa of {}", r.0));
    }
}

// REFERENCE VALUES (see the module comment): filled in from agree_reference.py's output.
include!("agree_reference.rs");

#[test]
fn figures_match_the_reference_implementations_at_every_unit() {
    let dir = tempfile::tempdir().unwrap();
    let (root, _) = fixture(dir.path());
    let two = |extra: &[&str]| {
        let mut args = vec!["agree", ANA, LUIS, "--format", "json"];
        args.extend_from_slice(extra);
        json(ripple(&root, ANA, &args))
    };
    let char_report = two(&[]);
    assert_eq!(char_report["unit"], "char");
    assert_eq!(char_report["sessions"], 3);
    check(&char_report, CHAR_TWO, CHAR_TWO_ALL);
    check(
        &two(&["--unit", "paragraph"]),
        PARAGRAPH_TWO,
        PARAGRAPH_TWO_ALL,
    );
    check(&two(&["--unit", "segment"]), SEGMENT_TWO, SEGMENT_TWO_ALL);
    check(
        &two(&["--unit", "segment", "--overlap", "0.5"]),
        SEGMENT_HALF_TWO,
        SEGMENT_HALF_TWO_ALL,
    );
    check(&two(&["--roll-up"]), ROLLUP_TWO, ROLLUP_TWO_ALL);
    // Three coders (every coder by default): only the two sessions all three marked done.
    let three = json(ripple(&root, ANA, &["agree", "--format", "json"]));
    assert_eq!(three["coders"], serde_json::json!([ANA, LUIS, MEI]));
    assert_eq!(three["sessions"], 2);
    check(&three, CHAR_THREE, CHAR_THREE_ALL);
}
