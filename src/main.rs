//! The `aurora-migrate` command: the engine's command line over the embedded migrations.

fn main() -> std::process::ExitCode {
    aurora_migrate::cli::main(aurora_migrations::MIGRATIONS)
}
