//! The command line's reference, generated from its clap definition so that it cannot drift
//! from the program: a Markdown page per command for the user's guide, and man pages. Reads
//! the definition only; must not import a command or the printing code.

mod man;
mod markdown;

pub use man::man_pages;
pub use markdown::markdown_pages;

/// The command line's definition as the reference shows it: under `program`, built (so global
/// flags appear on every command), with help wrapped at a fixed width whatever the terminal.
fn definition(program: &'static str) -> clap::Command {
    let mut command = super::program::command(program)
        .term_width(100)
        .disable_help_subcommand(true);
    command.build();
    command
}

/// The commands a reader can run: `command`'s subcommands, hidden ones left out.
fn visible_subcommands(command: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    command.get_subcommands().filter(|c| !c.is_hide_set())
}
