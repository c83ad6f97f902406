//! End-to-end: the colour theme chosen in config.toml (light, dark, no-color) and NO_COLOR,
//! read from the screen's cells.

use crate::common::{cli_new, Tui};
use std::path::Path;

/// The background of the first cell of `text` on the screen.
fn background_of(t: &Tui, text: &str) -> vt100::Color {
    t.with_screen(|s| {
        let contents = s.contents();
        let (row, line) = contents
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(text))
            .expect("text on screen");
        let col = unicode_width::UnicodeWidthStr::width(&line[..line.find(text).unwrap()]);
        s.cell(row as u16, col as u16).unwrap().bgcolor()
    })
}

fn start_with_config(config: Option<&str>, env: &[(&str, &str)]) -> (tempfile::TempDir, Tui) {
    let tmp = tempfile::tempdir().unwrap();
    let store = crate::common::store_dir(&tmp);
    cli_new(&store, "Check-in", "2026-06-14", "a note\n");
    if let Some(text) = config {
        write_config(tmp.path(), text);
    }
    let t = Tui::start_env(&store, &[], 100, 24, env);
    (tmp, t)
}

fn write_config(root: &Path, text: &str) {
    let dir = root.join("home/config/ripple");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), text).unwrap();
}

#[test]
fn the_light_theme_is_chosen_in_the_config_and_no_color_wins() {
    let (_tmp, t) = start_with_config(Some("theme = \"light\"\n"), &[]);
    t.wait_for("Check-in");
    assert_eq!(
        background_of(&t, "Check-in"),
        vt100::Color::Rgb(0, 0x5f, 0xd7)
    );

    let (_tmp, t) = start_with_config(Some("theme = \"dark\"\n"), &[("COLORFGBG", "0;15")]);
    t.wait_for("Check-in");
    assert_eq!(background_of(&t, "Check-in"), vt100::Color::Idx(4));

    // auto follows a terminal that says its background is light.
    let (_tmp, t) = start_with_config(None, &[("COLORFGBG", "0;15")]);
    t.wait_for("Check-in");
    assert_eq!(
        background_of(&t, "Check-in"),
        vt100::Color::Rgb(0, 0x5f, 0xd7)
    );

    for (config, env) in [
        (Some("theme = \"no-color\"\n"), vec![]),
        (Some("theme = \"light\"\n"), vec![("NO_COLOR", "1")]),
    ] {
        let (_tmp, t) = start_with_config(config, &env);
        t.wait_for("Check-in");
        assert_eq!(background_of(&t, "Check-in"), vt100::Color::Default);
        let reversed = t.with_screen(|s| {
            let contents = s.contents();
            let row = contents
                .lines()
                .position(|l| l.contains("Check-in"))
                .unwrap();
            s.cell(row as u16, 2).unwrap().inverse()
        });
        assert!(reversed, "the selection is shown reversed");
    }
}

#[test]
fn an_unknown_theme_is_refused_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    write_config(tmp.path(), "coder = \"Ana\"\ntheme = \"purple\"\n");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ripple"));
    cmd.arg("--store")
        .arg(tmp.path().join("store"))
        .arg("list")
        .env("XDG_CONFIG_HOME", tmp.path().join("home/config"));
    let out = crate::common::output_with_stdin(cmd, None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("config.toml:2"), "{err}");
    assert!(err.contains("purple"), "{err}");
}
