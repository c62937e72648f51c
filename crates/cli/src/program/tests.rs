use super::*;
use aurora_migrate::migrations::hint::Word;

#[test]
fn a_hint_names_the_program_before_its_commands_and_writes_settings_as_flags() {
    let hint = Hint::text("record it with ")
        .then_run(Command::Stamp, ["a"])
        .then_text(" (")
        .then_run(
            Command::Stamp,
            [Word::from(Setting::Purge), Word::from("a")],
        )
        .then_text(")");
    assert_eq!(
        describe(
            "revision a changed after it was applied",
            Some(&hint),
            "myservice migrate"
        ),
        "revision a changed after it was applied; record it with `myservice migrate stamp a` \
         (`myservice migrate stamp --purge a`)"
    );
    assert_eq!(describe("no hint", None, "app"), "no hint");
}

#[test]
fn every_flag_a_hint_can_name_is_a_flag_of_the_command_line() {
    let settings = [
        Setting::DatabaseUrl,
        Setting::MigrationsDir,
        Setting::Base,
        Setting::Head,
        Setting::RevId,
        Setting::Message,
        Setting::ScratchUrl,
        Setting::TransactionAll,
        Setting::Purge,
        Setting::Force,
        Setting::LockLease,
        Setting::Lease,
        Setting::DurabilityRun,
        Setting::Sql,
        Setting::Yes,
        Setting::Production,
        Setting::Reason,
        Setting::RunBackfills,
    ];
    let root = command("app");
    let mut known = Vec::new();
    for command in std::iter::once(&root).chain(root.get_subcommands()) {
        for sub in std::iter::once(command).chain(command.get_subcommands()) {
            for arg in sub.get_arguments() {
                if let Some(long) = arg.get_long() {
                    known.push(format!("--{long}"));
                }
                if let Some(short) = arg.get_short() {
                    known.push(format!("-{short}"));
                }
            }
        }
    }
    for setting in settings {
        let flag = flag(setting).unwrap_or_else(|| panic!("{setting:?} has no flag"));
        let names: Vec<&str> = flag
            .split([' ', '(', ')'])
            .filter(|word| word.starts_with('-'))
            .collect();
        assert!(
            !names.is_empty(),
            "{setting:?} is written as no flag: {flag}"
        );
        for name in names {
            assert!(
                known.iter().any(|k| k == name),
                "{name} is no flag of the command line"
            );
        }
    }
}

#[test]
fn examples_in_the_help_name_the_program() {
    let mut command = command("myservice");
    let help = command
        .find_subcommand_mut("upgrade")
        .expect("upgrade")
        .render_help()
        .to_string();
    assert!(help.contains("Examples:\n  myservice upgrade"), "{help}");
    assert!(!help.contains("aurora-migrate"), "{help}");
}

/// Every long flag of the command line and its subcommands.
fn long_flags() -> Vec<String> {
    fn walk(command: &clap::Command, out: &mut Vec<String>) {
        for arg in command.get_arguments() {
            if let Some(long) = arg.get_long() {
                out.push(format!("--{long}"));
            }
        }
        for sub in command.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut flags = Vec::new();
    walk(&command("app"), &mut flags);
    flags.sort();
    flags.dedup();
    flags
}

fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source dir").flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "tests" {
                sources(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") && name != "tests.rs" {
            out.push(path);
        }
    }
}

/// The library's messages say what is wrong; the command line's flags come only through its
/// own rendering of a hint. A string in the engine or the core that names one of them is a
/// message that would name a flag to a service that has none.
#[test]
fn no_library_string_names_a_flag_of_the_command_line() {
    let flags = long_flags();
    assert!(flags.iter().any(|f| f == "--database-url"), "{flags:?}");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    sources(&root.join("core/src"), &mut files);
    sources(&root.join("engine/src"), &mut files);
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("source");
        for (number, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for flag in &flags {
                let named = line.match_indices(flag.as_str()).any(|(at, _)| {
                    let next = line[at + flag.len()..].chars().next();
                    !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
                });
                if named {
                    found.push(format!(
                        "{}:{}: {}",
                        file.display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "library strings name flags:\n{}",
        found.join("\n")
    );
}
