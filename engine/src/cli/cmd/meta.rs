//! `--version` (with what the binary carries) and `completions`: commands about the program.

use clap::CommandFactory;

use super::super::args::Cli;
use super::super::failure::Outcome;
use super::super::{Application, Printer};
use crate::migration::Catalog;

/// The version, and the embedded migrations' count and heads, so a binary says what it
/// carries without a database.
pub fn version(app: &Application, printer: &Printer) -> Outcome {
    let catalog = Catalog::from_embedded(app.migrations)?;
    let graph = catalog.graph();
    let heads: Vec<&str> = graph
        .heads()
        .iter()
        .map(|&h| graph.node(h).id.as_str())
        .collect();
    let name = Cli::command().get_name().to_string();
    let version = env!("CARGO_PKG_VERSION");
    printer.line(&format!("{name} {version}"));
    printer.line(&format!(
        "{} embedded migration(s); head(s): {}",
        graph.len(),
        if heads.is_empty() {
            "none".to_string()
        } else {
            heads.join(", ")
        }
    ));
    printer.json(serde_json::json!({
        "name": name,
        "version": version,
        "migrations": graph.len(),
        "heads": heads,
    }));
    Ok(())
}

/// A completion script for `shell` on stdout; a closed pipe is not an error.
pub fn completions(shell: clap_complete::Shell) {
    let mut command = Cli::command();
    let name = command.get_name().to_string();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, name, &mut script);
    let _ = std::io::Write::write_all(&mut std::io::stdout(), &script);
}
