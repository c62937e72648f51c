//! What can go wrong with a throwaway database, and what `squash` refuses. Must not import the
//! runner.

use aurora_migrate_core::Database;
use aurora_migrate_core::hint::{Command, Hint};

/// A throwaway database interrupted, or left behind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScratchError {
    /// SIGINT or SIGTERM stopped the work on a throwaway database, which was then dropped (or
    /// could not be).
    #[error("{}", interrupted(*.signal, .name, .left.as_deref()))]
    Interrupted {
        /// The signal number (2 for SIGINT, 15 for SIGTERM).
        signal: u8,
        /// The throwaway database (for SQLite, its file).
        name: String,
        /// Why it could not be dropped, if it could not.
        left: Option<String>,
    },
    /// The work was done, but the throwaway database could not be dropped.
    #[error("the throwaway database {name} could not be dropped: {message}")]
    NotDropped {
        /// The throwaway database (for SQLite, its file).
        name: String,
        /// Why.
        message: String,
    },
    /// The directory where temporary SQLite files are cannot be read.
    #[error("cannot read {dir}: {message}")]
    Unreadable {
        /// The directory.
        dir: String,
        /// Why.
        message: String,
    },
}

impl ScratchError {
    /// What to do with a throwaway database left behind, when one was.
    pub fn hint(&self) -> Option<Hint> {
        match self {
            ScratchError::NotDropped { .. } | ScratchError::Interrupted { left: Some(_), .. } => {
                Some(
                    Hint::text("drop it by hand, or with ")
                        .then_run(Command::Scratch, ["clean"])
                        .then_text(" once this process has ended"),
                )
            }
            _ => None,
        }
    }
}

fn interrupted(signal: u8, name: &str, left: Option<&str>) -> String {
    let signal = match signal {
        2 => "SIGINT",
        15 => "SIGTERM",
        _ => "an interrupt",
    };
    match left {
        None => format!("{signal}: stopped; the throwaway database {name} was dropped"),
        Some(why) => {
            format!("{signal}: stopped; the throwaway database {name} could not be dropped ({why})")
        }
    }
}

/// What `squash` refuses; nothing is written, and no throwaway database made, when it does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SquashError {
    /// The directory the squash would be written to does not exist.
    #[error(
        "{dir} does not exist: a squash is written beside the migrations it replaces; run from the project's root, \
         or name the directory that holds them"
    )]
    NoDirectory {
        /// The directory.
        dir: String,
    },
    /// The squashed revisions need sections for databases no scratch server was given for.
    #[error(
        "the squash must carry a section for {}: {}. Each is written from a replay on a scratch database of its \
         kind, and no scratch server was given for {}; nothing was written",
        names(.needed), why(.named, *.portable), names(.missing)
    )]
    MissingScratch {
        /// Every database the squash must carry a section for.
        needed: Vec<Database>,
        /// Those a replaced file has sections for.
        named: Vec<Database>,
        /// Whether a replaced file runs on every database the project targets (a plain
        /// section, or a Rust migration).
        portable: bool,
        /// Those that have no scratch server.
        missing: Vec<Database>,
    },
    /// Two scratch servers of one kind.
    #[error("two scratch servers for {0} were given; give one per kind of database")]
    TwoServers(Database),
    /// The revisions overlap those an earlier squash replaces.
    #[error(
        "squash {squash} ({file}) already replaces {}; a second squash over them would give a fresh database two \
         ways to the same schema. Squash past it only once its replaced files are deleted, or delete {file} first; \
         nothing was written",
        overlap(.revisions)
    )]
    AlreadySquashed {
        /// The earlier squash.
        squash: String,
        /// Its file.
        file: String,
        /// The revisions both would replace.
        revisions: Vec<String>,
    },
    /// The replayed schema holds objects a squash does not rebuild: a fresh database running
    /// it would lack them.
    #[error(
        "the schema replayed on {kind} holds {} object(s) that a squash does not rebuild, so a fresh database \
         running it would lack them; nothing was written:\n  - {}",
        .left_out.len(),
        .left_out.join("\n  - ")
    )]
    LeftOut {
        /// The database the replay ran on.
        kind: Database,
        /// Each object, as the dump lists it.
        left_out: Vec<String>,
    },
}

fn names(list: &[Database]) -> String {
    let names: Vec<&str> = list.iter().map(|d| d.name()).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn why(named: &[Database], portable: bool) -> String {
    const PORTABLE: &str = "without sections of their own (one SQL for all, or Rust) run on every database \
                            the project targets";
    match (named.is_empty(), portable) {
        (false, true) => format!(
            "the squashed files have sections for {}, and those {PORTABLE}",
            names(named)
        ),
        (false, false) => format!("the squashed files have sections for {}", names(named)),
        (true, _) => format!("the squashed files {PORTABLE}"),
    }
}

fn overlap(revisions: &[String]) -> String {
    match revisions {
        [one] => one.clone(),
        [first, .., last] if revisions.len() > 4 => {
            format!("{} revisions from {first} to {last}", revisions.len())
        }
        some => some.join(", "),
    }
}
