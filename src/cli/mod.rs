//! Command-line interface: thin subcommands over the core.
//!
//! Adding a subcommand: a variant in [`Command`] holding the module's clap `Args` struct, and a
//! match arm in [`run`] calling the module's `run(&args, &ctx) -> anyhow::Result<ExitCode>`.
//!
//! Exit codes: 0 success, 1 failure (or problems found by `check`), 2 usage or bad input
//! ("ripple: <message>" on stderr).

pub mod agree;
pub mod analysis;
pub mod between;
pub mod code;
pub mod exchange;
pub mod keymap;
pub mod search;
pub mod sessions;
pub mod share;
pub mod shell;

use crate::core::settings::Env;
use crate::core::store::Store;
use clap::{Args, Parser, Subcommand};
use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "ripple",
    version,
    about = "Coaching-session notes and qualitative coding, at the keyboard",
    long_about = "Coaching-session notes and qualitative coding, at the keyboard.\n\n\
                  Run without a subcommand to open the terminal UI."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOptions,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every subcommand understands.
#[derive(Debug, Clone, Args)]
pub struct GlobalOptions {
    /// The store folder (default: <data dir>/ripple/store).
    #[arg(long, global = true, value_name = "DIR", env = "RIPPLE_STORE")]
    pub store: Option<PathBuf>,
    /// Use a throw-away demo store with sample sessions and codings.
    #[arg(long, global = true)]
    pub demo: bool,
    /// The search index folder (default: <cache dir>/ripple/index/<store hash>).
    #[arg(long, global = true, value_name = "DIR", env = "RIPPLE_INDEX")]
    pub index: Option<PathBuf>,
    /// The name codings are recorded under (default: from config.toml, else the login name).
    #[arg(long, global = true, value_name = "NAME", env = "RIPPLE_CODER")]
    pub coder: Option<String>,
    /// Code blind: hide other coders' codings (also RIPPLE_BLIND=1 or `blind = true` in config.toml).
    #[arg(long, global = true)]
    pub blind: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List sessions, newest first.
    List(sessions::ListArgs),
    /// Show one session's metadata and note.
    Show(sessions::ShowArgs),
    /// Create a session; the note text is read from stdin unless it is a terminal.
    New(sessions::NewArgs),
    /// Check every file in the store and report problems with path and line.
    Check(sessions::CheckArgs),
    /// Search notes and coded passages (query language: docs/query-language.md).
    Search(search::SearchArgs),
    /// Export coded passages as evidence: Markdown or DOCX by theme, CSV or JSON.
    Evidence(search::EvidenceArgs),
    /// Rebuild the search index from the store.
    Reindex(search::ReindexArgs),
    /// Code passages with themes; list and remove codings.
    #[command(subcommand)]
    Code(code::CodeCommand),
    /// Check or show the store's codebook (the themes).
    #[command(subcommand)]
    Codebook(code::CodebookCommand),
    /// Export a REFI-QDA project (.qdpx) or codebook (.qdc), or share notes as .md, .html or .docx.
    Export(exchange::ExportArgs),
    /// Import a REFI-QDA project (.qdpx) or codebook (.qdc): shows the plan, --yes applies it.
    Import(exchange::ImportArgs),
    /// Inter-coder agreement per theme (docs/agreement.md); --disagreements lists where coders differ.
    Agree(agree::AgreeArgs),
    /// Print the key bindings as a keymap file (to start keymap.toml); --check checks yours.
    Keymap(keymap::KeymapArgs),
    /// Move a session (and its codings) to the store's trash; `ripple restore` puts it back.
    Delete(between::DeleteArgs),
    /// List the deleted sessions in the store's trash.
    Trash(between::TrashArgs),
    /// Put a deleted session back from the trash.
    Restore(between::RestoreArgs),
    /// Copy a session (metadata and note, not codings) under a new id; prints the new id.
    Duplicate(between::DuplicateArgs),
    /// List open follow-ups (`- [ ]` lines) across sessions.
    Followups(between::FollowupsArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) to standard output.
    Completions(shell::CompletionsArgs),
    /// Print the manual page (roff) to standard output: `ripple man | man -l -`.
    Man,
    /// Write the demo store (sample sessions, codings and memos) to a new folder, to keep.
    Demo(shell::DemoArgs),
    /// Themes against months, agencies, types… (docs/analysis.md): passages, sessions, codings or shares.
    Matrix(analysis::MatrixArgs),
    /// Which themes occur together: overlapping passages or the same session, with the c-coefficient.
    Cooccur(analysis::CooccurArgs),
    /// How often words or phrases occur in the notes, by month or another dimension.
    Terms(analysis::TermsArgs),
    /// Every occurrence of a word or phrase in context, with its citation.
    Kwic(analysis::KwicArgs),
    /// The words most over-represented in one column (a month, an agency…) against the rest.
    Keywords(analysis::KeywordsArgs),
}

/// Bad input from the user (exit code 2), as opposed to a failure (exit code 1).
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A word as a POSIX shell reads it back unchanged: as it is when it holds only characters
/// no shell treats specially, otherwise in single quotes (a quote inside becomes `'\''`).
/// For commands Ripple prints for the user to paste.
pub fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Build a usage error (exit code 2).
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(msg.into()))
}

/// What a subcommand gets: the resolved environment, and a way to open the store.
pub struct Context {
    pub env: Env,
    /// Keeps a demo store's temporary folder alive for the life of the process.
    demo_dir: Option<tempfile::TempDir>,
}

impl Context {
    /// Resolve flags, environment and config; with `--demo`, build the demo store first.
    pub fn new(global: &GlobalOptions) -> anyhow::Result<Context> {
        if global.demo {
            let dir = tempfile::Builder::new().prefix("ripple-demo-").tempdir()?;
            let store = dir.path().join("store");
            crate::core::demo::write_demo_store(&store)?;
            let index = dir.path().join("index");
            let mut env = Env::resolve(Some(store), Some(index), global.coder.clone(), true)?;
            env.blind |= global.blind;
            return Ok(Context {
                env,
                demo_dir: Some(dir),
            });
        }
        let mut env = Env::resolve(
            global.store.clone(),
            global.index.clone(),
            global.coder.clone(),
            false,
        )?;
        env.blind |= global.blind;
        Ok(Context {
            env,
            demo_dir: None,
        })
    }

    /// Open the store (creating it if missing). Read-only if another Ripple holds the lock.
    pub fn open_store(&self) -> anyhow::Result<Store> {
        self.open_store_waiting(crate::core::store::MOMENTARY_WAIT)
    }

    /// Open the store for a command that only reads (and may refresh caches): no wait for the
    /// writer lock. When another Ripple holds it, the store opens read-only at once and the
    /// caches are left as they are; a count with the TUI open must not wait a quarter second
    /// for a lock it has no use for.
    /// A store that does not exist is an error here, not an empty store made on the spot: a
    /// mistyped `--store` must not answer with zeros.
    pub fn open_store_for_reading(&self) -> anyhow::Result<Store> {
        let root = &self.env.store_root;
        if !root.exists() {
            anyhow::bail!(
                "no store at {}: nothing to count (check --store or RIPPLE_STORE; `ripple new` \
                 or the app makes a store)",
                root.display()
            );
        }
        self.open_store_waiting(std::time::Duration::ZERO)
    }

    /// Open the store for a command that writes: wait up to `store::BUSY_WAIT` for another
    /// Ripple to release the writer lock. The store may still be read-only
    /// (`Store::check_writable` says why: "busy" when the lock is still held).
    pub fn open_store_for_writing(&self) -> anyhow::Result<Store> {
        self.open_store_waiting(crate::core::store::BUSY_WAIT)
    }

    fn open_store_waiting(&self, wait: std::time::Duration) -> anyhow::Result<Store> {
        let mut store = Store::open_waiting(&self.env.store_root, wait)?;
        if let Some(dir) = &self.demo_dir {
            store.set_fallback_drafts_dir(dir.path().join("drafts"));
        }
        Ok(store)
    }
}

/// Run the CLI with the process arguments; returns the exit code.
pub fn main() -> ExitCode {
    // First, before any thread or file: everything Ripple creates is private to the user
    // (0600 files, 0700 folders), including the search index that tantivy writes.
    crate::core::atomic::set_private_umask();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let text = e.render().to_string();
            let text = text.strip_prefix("error: ").unwrap_or(&text);
            eprint!("ripple: {text}");
            return ExitCode::from(2);
        }
    };
    code::keep_list_coder_only_if_given_on_list(&mut cli, &args);
    if cli.command.is_some() {
        quiet_on_closed_pipe();
    }
    match run(cli) {
        Ok(code) => code,
        // The reader of our output went away (`ripple list | head`): nothing more to say.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ripple: {}", error_chain(&e));
            if e.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// A command's reader going away (`ripple list --json | head -1`, also with `2>&1`) ends the
/// command quietly with status 0, as ripgrep does: Rust's runtime ignores SIGPIPE, so every
/// `println!` or `eprintln!` after the reader left would panic (status 101, a message on a
/// closed pipe). Here the signal ends the process at once instead. Nothing is left half
/// written: every file Ripple writes is written atomically. Not for the terminal UI, which
/// writes to its terminal only.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    {
        extern "C" fn leave(_: libc::c_int) {
            // SAFETY: `_exit` is async-signal-safe.
            unsafe { libc::_exit(0) }
        }
        // SAFETY: installs a handler that only calls an async-signal-safe function, before
        // any thread is started.
        unsafe {
            libc::signal(libc::SIGPIPE, leave as *const () as libc::sighandler_t);
        }
    }
}

/// Whether writing our output failed because its reader closed the pipe.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

fn error_chain(e: &anyhow::Error) -> String {
    let mut s = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !s.contains(&c) {
            s.push_str(": ");
            s.push_str(&c);
        }
    }
    s
}

/// Dispatch a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // Neither needs a store or a configuration.
    match &cli.command {
        Some(Command::Completions(args)) => return shell::completions(args),
        Some(Command::Man) => return shell::man(),
        Some(Command::Demo(args)) => return shell::demo(args),
        _ => {}
    }
    let ctx = Context::new(&cli.global)?;
    match cli.command {
        None => {
            let store = ctx.open_store()?;
            crate::tui::run(store, ctx.env.clone())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::List(args)) => sessions::list(&args, &ctx),
        Some(Command::Show(args)) => sessions::show(&args, &ctx),
        Some(Command::New(args)) => sessions::new(&args, &ctx),
        Some(Command::Check(args)) => sessions::check(&args, &ctx),
        Some(Command::Search(args)) => search::search(&args, &ctx),
        Some(Command::Evidence(args)) => search::evidence(&args, &ctx),
        Some(Command::Reindex(args)) => search::reindex(&args, &ctx),
        Some(Command::Code(cmd)) => code::run(cmd, &ctx),
        Some(Command::Codebook(cmd)) => code::run_codebook(cmd, &ctx),
        // One verb, two writers: the file's extension chooses.
        Some(Command::Export(args)) => {
            match crate::core::share::ShareFormat::from_path(&args.file) {
                Some(format) => share::export(&args, &ctx, format),
                None => exchange::export(&args, &ctx),
            }
        }
        Some(Command::Import(args)) => exchange::import(&args, &ctx),
        Some(Command::Agree(args)) => agree::run(&args, &ctx),
        Some(Command::Keymap(args)) => keymap::run(&args, &ctx),
        Some(Command::Delete(args)) => between::delete(&args, &ctx),
        Some(Command::Trash(args)) => between::trash(&args, &ctx),
        Some(Command::Restore(args)) => between::restore(&args, &ctx),
        Some(Command::Duplicate(args)) => between::duplicate(&args, &ctx),
        Some(Command::Followups(args)) => between::followups(&args, &ctx),
        Some(Command::Completions(_) | Command::Man | Command::Demo(_)) => {
            unreachable!("answered before")
        }
        Some(Command::Matrix(args)) => analysis::run_matrix(&args, &ctx),
        Some(Command::Cooccur(args)) => analysis::run_cooccur(&args, &ctx),
        Some(Command::Terms(args)) => analysis::run_terms(&args, &ctx),
        Some(Command::Kwic(args)) => analysis::run_kwic(&args, &ctx),
        Some(Command::Keywords(args)) => analysis::run_keywords(&args, &ctx),
    }
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn shell_words_read_back_unchanged() {
        assert_eq!(shell_word("Chen"), "Chen");
        assert_eq!(shell_word("/tmp/store-1"), "/tmp/store-1");
        assert_eq!(shell_word("Ana Peña"), "'Ana Peña'");
        assert_eq!(shell_word("O'Brien"), "'O'\\''Brien'");
        assert_eq!(shell_word("$HOME"), "'$HOME'");
        assert_eq!(shell_word(""), "''");
        // What sh makes of them.
        for word in ["Ana Peña", "O'Brien", "$HOME `x` \\n", "a\"b"] {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("printf %s {}", shell_word(word)))
                .output()
                .unwrap();
            assert_eq!(String::from_utf8(out.stdout).unwrap(), word);
        }
    }
}
