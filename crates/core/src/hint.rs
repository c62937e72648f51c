//! What a person can do about an error, as data. An error's message says what is wrong; its
//! hint says what to do, naming commands and options by meaning, so that each program that
//! shows it writes them in its own words: a command line its own name and flags, a service
//! its own settings. Must not import anything outside `std`.

use std::fmt;

/// A command a hint points at, by the Alembic verb it is known by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Command {
    /// Apply migrations.
    Upgrade,
    /// Revert migrations.
    Downgrade,
    /// Show where the database is.
    Current,
    /// List the revisions.
    History,
    /// Make a revision that joins heads.
    Merge,
    /// Record a revision without running it.
    Stamp,
    /// Check the database against the migrations.
    Check,
    /// Write a new revision.
    Create,
    /// Take over a database another tool migrated.
    Adopt,
    /// Show or break the migration lease.
    Lease,
    /// Manage throwaway databases.
    Scratch,
    /// Decide by hand about a migration that stands part-way.
    Repair,
    /// Run, pause, resume, cancel or show a revision's backfill.
    Backfill,
}

impl Command {
    /// The command's name, as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            Command::Upgrade => "upgrade",
            Command::Downgrade => "downgrade",
            Command::Current => "current",
            Command::History => "history",
            Command::Merge => "merge",
            Command::Stamp => "stamp",
            Command::Check => "check",
            Command::Create => "create",
            Command::Adopt => "adopt",
            Command::Lease => "lease",
            Command::Scratch => "scratch",
            Command::Repair => "repair",
            Command::Backfill => "backfill",
        }
    }
}

impl From<crate::Direction> for Command {
    fn from(direction: crate::Direction) -> Command {
        match direction {
            crate::Direction::Upgrade => Command::Upgrade,
            crate::Direction::Downgrade => Command::Downgrade,
        }
    }
}

/// A setting a hint points at, by what it means; a command line writes it as its flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Setting {
    /// The database URL.
    DatabaseUrl,
    /// The directory that holds the migrations.
    MigrationsDir,
    /// Start a new history: the new revision has no parent.
    Base,
    /// The head a new revision goes on.
    Head,
    /// The id a new revision gets.
    RevId,
    /// The message of a new revision.
    Message,
    /// A server to make throwaway databases on.
    ScratchUrl,
    /// One transaction for the whole run.
    TransactionAll,
    /// Rewrite the version table whole.
    Purge,
    /// Run a dirty migration again from its first statement, or a statement whose effect no
    /// check can judge.
    Force,
    /// The lease lock instead of the database's own.
    LockLease,
    /// The lease's length.
    Lease,
    /// Commits that wait for the disk once per run.
    DurabilityRun,
    /// Write the SQL instead of running it: a range FROM:TO.
    Sql,
    /// Confirm a question in advance.
    Yes,
    /// The production guard: the program runs against production.
    Production,
    /// Why a repair is made, which its audit keeps.
    Reason,
    /// Run the batches a gated revision waits for before it, in the same upgrade.
    RunBackfills,
}

impl Setting {
    /// The setting in words, for a program that has no flags.
    pub fn describe(self) -> &'static str {
        match self {
            Setting::DatabaseUrl => "the database URL",
            Setting::MigrationsDir => "the migrations directory",
            Setting::Base => "a new base",
            Setting::Head => "the head to build on",
            Setting::RevId => "the revision id",
            Setting::Message => "the message",
            Setting::ScratchUrl => "a scratch server",
            Setting::TransactionAll => "one transaction for the run",
            Setting::Purge => "purging",
            Setting::Force => "forcing",
            Setting::LockLease => "the lease lock",
            Setting::Lease => "the lease length",
            Setting::DurabilityRun => "durability per run",
            Setting::Sql => "offline SQL",
            Setting::Yes => "an answer given in advance",
            Setting::Production => "production",
            Setting::Reason => "a reason",
            Setting::RunBackfills => "running the backfills first",
        }
    }
}

/// One word of a command line in a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Word {
    /// A value or placeholder, as written (`REV`, `heads`, a revision id).
    Text(String),
    /// A setting, which the program writes as its flag.
    Setting(Setting),
}

impl From<&str> for Word {
    fn from(text: &str) -> Word {
        Word::Text(text.to_string())
    }
}

impl From<String> for Word {
    fn from(text: String) -> Word {
        Word::Text(text)
    }
}

impl From<Setting> for Word {
    fn from(setting: Setting) -> Word {
        Word::Setting(setting)
    }
}

/// A piece of a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Piece {
    /// Words to read as they are.
    Text(String),
    /// A command line to run: the command and its words.
    Run(Command, Vec<Word>),
    /// A setting to give, on its own.
    Setting(Setting),
}

/// What to do about an error: text with the commands and settings it names kept apart.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hint {
    pieces: Vec<Piece>,
}

/// How a program writes the commands and settings of a hint.
pub trait Spelling {
    /// A command line: the command and its words, without quoting.
    fn command(&self, command: Command, words: &[String]) -> String;
    /// A setting, alone or inside a command line.
    fn setting(&self, setting: Setting) -> String;
}

/// Commands by their bare names, settings in words: for a program that has no flags.
struct Plain;

impl Spelling for Plain {
    fn command(&self, command: Command, words: &[String]) -> String {
        std::iter::once(command.name().to_string())
            .chain(words.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn setting(&self, setting: Setting) -> String {
        setting.describe().to_string()
    }
}

impl Hint {
    /// A hint that starts with `text`.
    pub fn text(text: impl Into<String>) -> Hint {
        Hint::default().then_text(text)
    }

    /// A hint that starts with a command line to run.
    pub fn run<W: Into<Word>>(command: Command, words: impl IntoIterator<Item = W>) -> Hint {
        Hint::default().then_run(command, words)
    }

    /// This hint, then `text`.
    pub fn then_text(mut self, text: impl Into<String>) -> Hint {
        self.pieces.push(Piece::Text(text.into()));
        self
    }

    /// A hint that starts with a command to run, alone.
    pub fn command(command: Command) -> Hint {
        Hint::default().then_command(command)
    }

    /// This hint, then a command to run, alone.
    pub fn then_command(mut self, command: Command) -> Hint {
        self.pieces.push(Piece::Run(command, Vec::new()));
        self
    }

    /// This hint, then a command line to run.
    pub fn then_run<W: Into<Word>>(
        mut self,
        command: Command,
        words: impl IntoIterator<Item = W>,
    ) -> Hint {
        let words = words.into_iter().map(Into::into).collect();
        self.pieces.push(Piece::Run(command, words));
        self
    }

    /// This hint, then a setting to give.
    pub fn then_setting(mut self, setting: Setting) -> Hint {
        self.pieces.push(Piece::Setting(setting));
        self
    }

    /// This hint, then `other` after a `; `.
    pub fn and(self, other: Hint) -> Hint {
        let mut joined = self.then_text("; ");
        joined.pieces.extend(other.pieces);
        joined
    }

    /// Its pieces, in order.
    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// The hint as `spelling` writes it: command lines in backticks.
    pub fn render(&self, spelling: &dyn Spelling) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Setting(setting) => out.push_str(&spelling.setting(*setting)),
                Piece::Run(command, words) => {
                    let words: Vec<String> = words
                        .iter()
                        .map(|word| match word {
                            Word::Text(text) => text.clone(),
                            Word::Setting(setting) => spelling.setting(*setting),
                        })
                        .collect();
                    out.push('`');
                    out.push_str(&spelling.command(*command, &words));
                    out.push('`');
                }
            }
        }
        out
    }
}

/// Commands by their bare names, settings in words.
impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(&Plain))
    }
}

#[cfg(test)]
mod tests;
