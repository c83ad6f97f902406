//! Command-line interface: thin subcommands over the core.
