//! The program's own name wherever the command line shows it: in its help and examples, and
//! before the commands that messages point at (the engine names them bare, in backticks, after
//! the part of a message that may echo the user's text). Must not import a command.

use clap::CommandFactory;

use super::args::Cli;

/// The commands a message may point at (`heads` is left out: in messages it is a target).
const COMMANDS: &[&str] = &[
    "upgrade",
    "downgrade",
    "current",
    "status",
    "history",
    "branches",
    "show",
    "create",
    "merge",
    "stamp",
    "reset",
    "check",
    "lease",
];

/// The command line's clap definition under the program's name, examples included.
pub(crate) fn command(name: &'static str) -> clap::Command {
    let mut command = Cli::command().name(name).bin_name(name);
    let subcommands: Vec<String> = command
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for subcommand in subcommands {
        command = command.mut_subcommand(subcommand, |c| {
            let examples = c
                .get_after_help()
                .map(|help| help.to_string().replace("aurora-migrate", name));
            match examples {
                Some(text) => c.after_help(text),
                None => c,
            }
        });
    }
    command
}

/// `text` with `program` before each command it points at: `` `stamp REV` `` becomes
/// `` `myapp stamp REV` ``. The part before the first `; ` or `. ` is left as it is: a message
/// echoes the user's text there, and what the user typed is not a command to run.
pub(crate) fn name_commands(text: &str, program: &str) -> String {
    let split = [text.find("; "), text.find(". ")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(text.len());
    let (head, tail) = text.split_at(split);
    let mut out = String::from(head);
    for (i, part) in tail.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let first = part.split(' ').next().unwrap_or_default();
        if i % 2 == 1 && COMMANDS.contains(&first) {
            out.push_str(program);
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests;
