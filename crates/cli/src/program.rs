//! The program's own name and flags wherever the command line shows them: in its help and
//! examples, and in the hints of errors, which name commands and settings by meaning.
//! Must not import a command.

use aurora_migrate::migrations::hint::{self, Command, Hint, Setting};
use clap::CommandFactory;

use super::args::Cli;

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

/// How the command line writes an error's hint: each command after the program's name, each
/// setting as its flag.
pub(crate) struct Spelling {
    pub program: &'static str,
}

impl hint::Spelling for Spelling {
    fn command(&self, command: Command, words: &[String]) -> String {
        let mut line = format!("{} {}", self.program, command.name());
        for word in words {
            line.push(' ');
            line.push_str(word);
        }
        line
    }

    fn setting(&self, setting: Setting) -> String {
        flag(setting).unwrap_or(setting.describe()).to_string()
    }
}

/// The flag that gives `setting`, with its value where the setting is one value of a flag.
fn flag(setting: Setting) -> Option<&'static str> {
    Some(match setting {
        // The command line reads the variable too, and a message is where a user learns so.
        Setting::DatabaseUrl => "--database-url (or DATABASE_URL)",
        Setting::MigrationsDir => "--migrations-dir",
        Setting::Base => "--base",
        Setting::Head => "--head",
        Setting::RevId => "--rev-id",
        Setting::Message => "-m",
        Setting::ScratchUrl => "--scratch-url",
        Setting::TransactionAll => "--transaction all",
        Setting::Purge => "--purge",
        Setting::Force => "--force",
        Setting::LockLease => "--lock lease",
        Setting::Lease => "--lease",
        Setting::DurabilityRun => "--durability run",
        Setting::Sql => "--sql",
        Setting::Yes => "--yes",
        Setting::Production => "production (--env / AURORA_ENV)",
        Setting::Reason => "--reason",
        Setting::RunBackfills => "--run-backfills",
        _ => return None,
    })
}

/// An error's message and its hint as one line, in the command line's words.
pub(crate) fn describe(message: &str, hint: Option<&Hint>, program: &'static str) -> String {
    match hint {
        Some(hint) => format!("{message}; {}", hint.render(&Spelling { program })),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests;
