//! `ripple completions SHELL` and `ripple man`: the shell completion scripts and the manual
//! page, generated from the same clap definitions that parse the command line, so they list
//! exactly the subcommands and options there are.

use super::Cli;
use clap::{Args, CommandFactory};
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The folder to write the store to: it must not exist yet, or be empty.
    pub dir: std::path::PathBuf,
}

/// `ripple demo DIR`: the demo store that `--demo` makes for one run, written to a folder to
/// keep (to try the commands on, or to start from). Never into a folder that holds anything.
pub fn demo(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let dir = &args.dir;
    if let Ok(mut entries) = std::fs::read_dir(dir) {
        if entries.next().is_some() {
            return Err(super::usage(format!(
                "{} is not empty: the demo store is written only to a new or empty folder",
                dir.display()
            )));
        }
    } else if dir.exists() {
        return Err(super::usage(format!("{} is not a folder", dir.display())));
    }
    crate::core::demo::write_demo_store(dir)?;
    println!(
        "Wrote the demo store to {0}. Open it with: ripple --store {0}",
        super::shell_word(&dir.display().to_string())
    );
    Ok(ExitCode::SUCCESS)
}

/// `ripple completions SHELL`: the script on standard output.
pub fn completions(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut Cli::command(), "ripple", &mut out);
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `ripple man`: the manual page (roff) on standard output.
pub fn man() -> anyhow::Result<ExitCode> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&page)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
