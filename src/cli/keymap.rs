//! `ripple keymap`: the key bindings as a keymap file (a start for `keymap.toml` beside
//! `config.toml`), or with `--check` the problems in the user's keymap file with their lines.

use super::Context;
use crate::tui::keymap::user;
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
    let problems = match user::check_file(&path) {
        Ok(Some(problems)) => problems,
        Ok(None) => {
            println!(
                "{}: no keymap file (the built-in keys apply)",
                path.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => anyhow::bail!(e),
    };
    if problems.is_empty() {
        println!("{}: no problems", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    for line in problems {
        println!("{line}");
    }
    Ok(ExitCode::from(1))
}
