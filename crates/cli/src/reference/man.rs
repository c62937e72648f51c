//! Man pages for the program and each of its commands, rendered by `clap_mangen`. Must not
//! import a command or the printing code.

use super::{definition, visible_subcommands};

/// The man pages of `program`: `(file name, roff text)` for the program itself
/// (`aurora-migrate.1`) and for every command and nested command (`aurora-migrate-upgrade.1`,
/// `aurora-migrate-lease-show.1`, ...), in a stable order.
pub fn man_pages(program: &'static str) -> Vec<(String, String)> {
    let mut pages = Vec::new();
    let source = format!("{program} {}", env!("CARGO_PKG_VERSION"));
    collect(definition(program), &source, &mut pages);
    pages
}

fn collect(command: clap::Command, source: &str, pages: &mut Vec<(String, String)>) {
    let subcommands: Vec<clap::Command> = visible_subcommands(&command).cloned().collect();
    let man = clap_mangen::Man::new(command)
        .source(source)
        .manual("Aurora Migrate");
    let mut roff = Vec::new();
    // Rendering into memory has no I/O to fail.
    man.render(&mut roff)
        .expect("a man page renders into memory");
    pages.push((
        man.get_filename(),
        String::from_utf8_lossy(&roff).into_owned(),
    ));
    for subcommand in subcommands {
        collect(subcommand, source, pages);
    }
}
