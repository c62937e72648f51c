//! The `aurora-migrate` command: Aurora Migrate's command line over the Aurora application.

fn main() -> std::process::ExitCode {
    aurora_migrate_cli::main(aurora::app())
}
