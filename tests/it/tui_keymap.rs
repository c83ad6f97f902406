//! End-to-end: the user's keymap file (`keymap.toml` beside config.toml) overrides keys per
//! context; its problems are said at start with the file and line, and the program runs; the
//! status line's hints and the help screen follow it.

use crate::common::{cli_new, Key, Tui};

#[test]
fn a_keymap_file_moves_keys_and_its_problems_are_said_with_their_line() {
    let tmp = tempfile::tempdir().unwrap();
    let store = crate::common::store_dir(&tmp);
    cli_new(&store, "Check-in", "2026-06-14", "a note\n");
    let config = tmp.path().join("home/config/ripple");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("keymap.toml"),
        "[list]\nshare = \"S\"\nnew-session = \"Hyper-n\"\nopen-codebook = []\n\n[editor]\nshare = \"Ctrl-P\"\n",
    )
    .unwrap();
    let mut t = Tui::start(&store, &[], 120, 30);
    let s = t.wait_for("keymap.toml:3:");
    assert!(s.contains("`Hyper-n` is not a key"), "{s}");
    assert!(s.contains("S share"), "the hint follows the keymap:\n{s}");
    assert!(s.contains("n new"), "the bad line is left out:\n{s}");
    let hints = s.lines().last().unwrap();
    assert!(
        !hints.contains("codebook"),
        "an unbound action is not hinted: {hints}"
    );

    // s no longer shares: it starts the filter.
    t.type_text("s");
    t.wait_for("Filter: s");
    t.key(Key::Esc);
    t.wait_gone("Filter: s");
    t.type_text("S");
    t.wait_for("Share “Check-in”");
    t.key(Key::Esc);
    t.wait_gone("Share “Check-in”");

    // In the note, Ctrl-P shares and Ctrl-E no longer does.
    t.key(Key::Enter);
    t.wait_for("Details");
    t.key(Key::Ctrl('e'));
    t.key(Key::Ctrl('p'));
    t.wait_for("Share “Check-in”");
    t.key(Key::Esc);
    t.wait_gone("Share “Check-in”");

    // The help screen lists the new keys.
    t.key(Key::F1);
    t.wait_for("Keys");
    // Page down one page at a time: each page is looked at once it is drawn (keys sent
    // faster than frames would be read together, and a page skipped); the end is where a
    // page down changes nothing.
    let mut found = false;
    for _ in 0..40 {
        let s = t.screen();
        if s.lines()
            .any(|l| l.contains("Ctrl+p") && l.contains("share this note"))
        {
            found = true;
            break;
        }
        t.send(b"\x1b[6~");
        let moved = (0..100).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(50));
            t.screen() != s
        });
        if !moved {
            break;
        }
        // A frame may be read half-drawn: look once it holds still.
        let mut last = t.screen();
        for _ in 0..40 {
            std::thread::sleep(std::time::Duration::from_millis(50));
            let now = t.screen();
            if now == last {
                break;
            }
            last = now;
        }
    }
    assert!(found, "help lists Ctrl+p for sharing:\n{}", t.screen());
}

#[test]
fn ripple_keymap_prints_the_keys_and_checks_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config.toml");
    let run = |args: &[&str]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ripple"));
        cmd.args(args)
            .env("RIPPLE_CONFIG", &config)
            .env("RIPPLE_STORE", tmp.path().join("store"));
        crate::common::output_with_stdin(cmd, None)
    };
    let out = run(&["keymap"]);
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.contains("[list]\n"), "{printed}");
    assert!(printed.contains("share = \"s\""), "{printed}");
    assert!(printed.contains("share = \"Ctrl-E\""), "{printed}");

    // The printed file is a valid keymap; a changed one with a problem is checked.
    std::fs::write(tmp.path().join("keymap.toml"), &printed).unwrap();
    let out = run(&["keymap", "--check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    std::fs::write(
        tmp.path().join("keymap.toml"),
        "[editor]\nsave = \"Ctrl-W\"\n",
    )
    .unwrap();
    let out = run(&["keymap", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(
        said.contains("keymap.toml:2: `Ctrl-W` is already bound to `delete-word-back` in [editor]"),
        "{said}"
    );

    // `ripple check` says the same, as a note: the keymap is the user's, not the store's, so
    // the store still passes its check.
    let out = run(&["check"]);
    let said = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(
        said.lines().any(|l| l.starts_with("note: ")
            && l.contains(
                "keymap.toml:2: `Ctrl-W` is already bound to `delete-word-back` in [editor]"
            )),
        "{said}"
    );
    assert!(said.contains("store OK"), "{said}");
}
