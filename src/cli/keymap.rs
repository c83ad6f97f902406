//! `ripple keymap`: the key bindings as a keymap file (a start for `keymap.toml` beside
//! `config.toml`), or with `--check` the problems in the user's keymap file with their lines.

use super::Context;
use crate::tui::keymap::{user, BINDINGS};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct KeymapArgs {
    /// Check the keymap file beside config.toml instead: each problem with its line (exit 1
    /// when there is one).
    #[arg(long)]
    pub check: bool,
}

pub fn run(args: &KeymapArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let path = ctx.env.config_path.with_file_name("keymap.toml");
    if !args.check {
        print!("{}", user::default_file());
        return Ok(ExitCode::SUCCESS);
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            println!(
                "{}: no keymap file (the built-in keys apply)",
                path.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => anyhow::bail!("{}: cannot read: {e}", path.display()),
    };
    let text = crate::core::text::normalize_newlines(&text);
    let (_, problems) = user::apply(BINDINGS, &text);
    if problems.is_empty() {
        println!("{}: no problems", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    for line in user::describe_problems(&path, &problems) {
        println!("{line}");
    }
    Ok(ExitCode::from(1))
}
