//! The `aurora-migrate` command: parse arguments, run, map the outcome to an exit code.

fn main() -> std::process::ExitCode {
    aurora_migrate::cli::main()
}
