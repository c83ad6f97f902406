//! The conventions of a terminal tool: shell completions and a manual page generated from the
//! command line's definitions, and a command whose reader goes away (`ripple list | head -1`)
//! ending quietly.

use ripple::core::session::{Session, SessionMeta};
use ripple::core::store::Store;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn ripple(home: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ripple"));
    cmd.args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("RIPPLE_STORE")
        .env_remove("RIPPLE_CONFIG")
        .env_remove("RIPPLE_INDEX")
        .env("RIPPLE_CODER", "Test Coder");
    cmd
}

fn run(home: &Path, args: &[&str]) -> Output {
    ripple(home, args)
        .stdin(Stdio::null())
        .output()
        .expect("run ripple")
}

/// Every subcommand a user types, which each script and the manual page must name.
const SUBCOMMANDS: &[&str] = &[
    "list",
    "show",
    "new",
    "check",
    "search",
    "evidence",
    "reindex",
    "code",
    "codebook",
    "export",
    "import",
    "agree",
    "completions",
    "man",
];

#[test]
fn completions_are_scripts_for_each_shell_naming_every_subcommand() {
    let tmp = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef ripple"),
        ("fish", "complete -c ripple"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = run(tmp.path(), &["completions", shell]);
        assert!(out.status.success(), "{shell}: {out:?}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains(marker), "{shell} script:\n{script}");
        for sub in SUBCOMMANDS {
            assert!(
                script.contains(sub),
                "the {shell} script does not name `{sub}`"
            );
        }
        if shell == "bash" {
            let path = tmp.path().join("ripple.bash");
            std::fs::write(&path, &script).unwrap();
            let check = Command::new("bash").arg("-n").arg(&path).output().unwrap();
            assert!(
                check.status.success(),
                "bash -n: {}",
                String::from_utf8_lossy(&check.stderr)
            );
            // Sourced, it registers a completion for `ripple`.
            let registered = Command::new("bash")
                .arg("-c")
                .arg(format!("source {} && complete -p ripple", path.display()))
                .output()
                .unwrap();
            assert!(
                String::from_utf8_lossy(&registered.stdout).contains("ripple"),
                "{registered:?}"
            );
        }
    }
    let out = run(tmp.path(), &["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tcsh"));
}

#[test]
fn man_prints_a_manual_page_naming_every_subcommand() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(tmp.path(), &["man"]);
    assert!(out.status.success(), "{out:?}");
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH ripple"),
        "{page}"
    );
    assert!(page.contains(".TH ripple 1"), "{page}");
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    for sub in SUBCOMMANDS {
        assert!(
            page.contains(&format!("ripple\\-{sub}")) || page.contains(&format!("{sub}(1)")),
            "the manual page does not name `{sub}`:\n{page}"
        );
    }
    // Formatted by groff (where it is installed), it reads as a manual page.
    if let Ok(mut groff) = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        use std::io::Write;
        groff
            .stdin
            .take()
            .unwrap()
            .write_all(page.as_bytes())
            .unwrap();
        let shown = groff.wait_with_output().unwrap();
        assert!(shown.status.success(), "{shown:?}");
        // Bold and underline come as overstrikes ("N\x08N"): keep the last of each pair.
        let raw: Vec<char> = String::from_utf8_lossy(&shown.stdout).chars().collect();
        let text: String = raw
            .iter()
            .enumerate()
            .filter(|(i, c)| **c != '\x08' && raw.get(i + 1) != Some(&'\x08'))
            .map(|(_, c)| *c)
            .collect();
        assert!(
            text.contains("SUBCOMMANDS") && text.contains("NAME"),
            "{text}"
        );
    }
}

/// A store of `n` sessions, each note `words` words long, written as files directly (much
/// faster than one `ripple new` each); returns the first session's id.
fn big_store(root: &Path, n: usize, words: usize) -> String {
    let store = Store::open(root).unwrap();
    drop(store);
    let mut first = String::new();
    for i in 0..n {
        let mut meta = SessionMeta::new_today("Dana Ruiz");
        meta.title = format!("Session {i} with the whiteboard");
        let text = (0..words)
            .map(|w| format!("word{} whiteboard", w % 97))
            .collect::<Vec<_>>()
            .join(" ");
        if i == 0 {
            first = meta.id.to_string();
        }
        let session = Session { meta, text };
        std::fs::write(
            root.join("sessions")
                .join(format!("{}.md", session.meta.id)),
            ripple::core::session_file::to_file_string(&session),
        )
        .unwrap();
    }
    first
}

#[test]
fn a_reader_that_goes_away_ends_every_long_command_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    big_store(&store, 1500, 40);
    let long = big_store(&tmp.path().join("long"), 1, 40_000);
    let store = store.to_str().unwrap();
    let long_store = tmp.path().join("long");
    let long_store = long_store.to_str().unwrap();
    // Each prints far more than a pipe holds (64 KiB), so it is still writing when the reader
    // leaves after the first line.
    let commands: Vec<Vec<&str>> = vec![
        vec!["--store", store, "list"],
        vec!["--store", store, "list", "--json"],
        vec![
            "--store",
            store,
            "search",
            "whiteboard",
            "--sessions",
            "--limit",
            "2000",
        ],
        vec![
            "--store",
            store,
            "search",
            "whiteboard",
            "--sessions",
            "--limit",
            "2000",
            "--json",
        ],
        vec!["--store", long_store, "show", &long],
        vec!["completions", "bash"],
        vec!["man"],
    ];
    for (run, args) in commands.iter().enumerate() {
        // A fresh index for each run, so searches rebuild it and say so on stderr as well.
        let index = tmp.path().join(format!("index-{run}"));
        let mut child = ripple(tmp.path(), args)
            .env("RIPPLE_INDEX", &index)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(!line.is_empty(), "{args:?} printed nothing");
        // The reader goes away (the end of `| head -1`).
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?}: {stderr}"
        );

        // As a shell runs `ripple … 2>&1 | head -1`: messages on stderr meet the closed pipe
        // too. The status is 0, never 101 (a panic whose message went into the closed pipe).
        let index = tmp.path().join(format!("index-{run}-shell"));
        let words: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        let script = format!(
            "'{}' {} 2>&1 | head -1 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
            env!("CARGO_BIN_EXE_ripple"),
            words.join(" ")
        );
        let out = Command::new("bash")
            .arg("-c")
            .arg(&script)
            .env("HOME", tmp.path())
            .env("XDG_CONFIG_HOME", tmp.path().join("config"))
            .env("XDG_CACHE_HOME", tmp.path().join("cache"))
            .env("RIPPLE_INDEX", &index)
            .env_remove("RIPPLE_STORE")
            .env_remove("RIPPLE_CONFIG")
            .output()
            .unwrap();
        let status = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert_eq!(status, "0", "{args:?} 2>&1 | head -1: exit status");
    }
}
