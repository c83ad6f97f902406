fn main() -> std::process::ExitCode {
    ripple::cli::main()
}
