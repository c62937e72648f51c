//! The `aurora-migrate` command: the engine's command line over the Aurora application.

fn main() -> std::process::ExitCode {
    aurora_migrate::cli::main(aurora_migrations::application())
}
