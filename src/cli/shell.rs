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
