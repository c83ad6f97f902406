//! End-to-end: the first run asks for the name used as facilitator and coder, keeps it in the
//! config file, and the settings screen (`,`) changes it later. Each test has its own home
//! and config folder (see `common::Tui::start_env`).

use crate::common::{store_dir, Key, Tui};
use std::path::Path;

fn config_file(store: &Path) -> std::path::PathBuf {
    store
        .parent()
        .unwrap()
        .join("home")
        .join("config")
        .join("ripple")
        .join("config.toml")
}

/// No name given by flag, environment or config file.
const NO_NAME: &[(&str, &str)] = &[("RIPPLE_CODER", ""), ("USER", "jdoe")];

#[test]
fn the_first_run_asks_for_the_name_and_saves_it() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    let mut t = Tui::start_env(&store, &[], 100, 30, NO_NAME);
    t.wait_for("Your name");
    t.key(Key::Ctrl('u'));
    t.type_text("Rosa Díaz");
    t.key(Key::Enter);
    t.wait_for("Saved the settings");
    t.wait_gone("Your name");
    let config = std::fs::read_to_string(config_file(&store)).expect("the config was written");
    assert!(config.contains("facilitator = \"Rosa Díaz\""), "{config}");
    assert!(config.contains("coder = \"Rosa Díaz\""), "{config}");
    // New sessions are facilitated by that name.
    t.key(Key::Char('n'));
    // `n` offers templates first: Blank is the last choice.
    t.wait_for("Blank: no template");
    t.key(Key::End);
    t.key(Key::Enter);
    t.wait_for("Details");
    t.wait_for("Rosa Díaz");
    t.key(Key::Esc);
    t.key(Key::Esc);
    t.wait_for("No sessions yet");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());

    // The next run does not ask again; `,` opens the settings to change the name.
    let mut t = Tui::start_env(&store, &[], 100, 30, NO_NAME);
    let s = t.wait_for("No sessions yet");
    assert!(!s.contains("Your name"), "{s}");
    t.type_text(",");
    t.wait_for("Settings");
    t.wait_for("Rosa Díaz");
    t.key(Key::Ctrl('u'));
    t.type_text("Rosa M. Díaz");
    t.key(Key::Enter);
    t.wait_gone("Settings");
    t.wait_for("Saved");
    let config = std::fs::read_to_string(config_file(&store)).unwrap();
    assert!(
        config.contains("facilitator = \"Rosa M. Díaz\""),
        "{config}"
    );
}

#[test]
fn a_name_given_by_the_environment_skips_the_question() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_dir(&tmp);
    // The harness gives RIPPLE_CODER.
    let mut t = Tui::start(&store, &[], 100, 30);
    let s = t.wait_for("No sessions yet");
    assert!(!s.contains("Your name"), "{s}");
    t.key(Key::Ctrl('q'));
    assert!(t.wait_exit());
    assert!(!config_file(&store).exists(), "nothing written unasked");
}
