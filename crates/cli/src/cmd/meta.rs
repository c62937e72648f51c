//! `--version` (with what the binary carries) and `completions`: commands about the program.
//! Must not import another command.

use crate::app::App;
use crate::completion;
use crate::failure::Outcome;
use crate::output::Printer;
use crate::output::documents::Version;
use crate::program;
use aurora_migrate::Catalog;

/// The version, and the embedded migrations' count and heads, so a binary says what it
/// carries without a database.
pub(crate) fn version(app: &App, printer: &Printer) -> Outcome {
    let catalog = Catalog::from_embedded(app.migrations)?;
    let graph = catalog.graph();
    let heads: Vec<&str> = graph
        .heads()
        .iter()
        .map(|&h| graph.node(h).id.as_str())
        .collect();
    let name = app.name;
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
    printer.json(Version {
        name: name.to_string(),
        version: version.to_string(),
        migrations: graph.len(),
        heads: heads.iter().map(|head| head.to_string()).collect(),
    });
    Ok(())
}

/// A completion script for `shell` on stdout; a closed pipe is not an error.
pub(crate) fn completions(name: &'static str, shell: clap_complete::Shell) {
    let mut command = program::command(name);
    let script = completion::script(&mut command, name, shell);
    let _ = std::io::Write::write_all(&mut std::io::stdout(), &script);
}
