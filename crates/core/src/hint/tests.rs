use super::*;

struct Flags;

impl Spelling for Flags {
    fn command(&self, command: Command, words: &[String]) -> String {
        format!("app {} {}", command.name(), words.join(" "))
    }

    fn setting(&self, setting: Setting) -> String {
        match setting {
            Setting::Purge => "--purge".into(),
            other => format!("--{other:?}"),
        }
    }
}

fn stamp() -> Hint {
    Hint::text("record it with ")
        .then_run(Command::Stamp, ["REV"])
        .then_text(" (")
        .then_run(
            Command::Stamp,
            [Word::Setting(Setting::Purge), "REV".into()],
        )
        .then_text(" rewrites the table whole)")
}

#[test]
fn a_program_writes_commands_and_settings_its_own_way() {
    assert_eq!(
        stamp().render(&Flags),
        "record it with `app stamp REV` (`app stamp --purge REV` rewrites the table whole)"
    );
}

#[test]
fn without_a_program_commands_are_bare_and_settings_are_words() {
    let text = stamp().to_string();
    assert_eq!(
        text,
        "record it with `stamp REV` (`stamp purging REV` rewrites the table whole)"
    );
    assert!(!text.contains("--"), "{text}");
}

#[test]
fn hints_join_with_a_semicolon_and_keep_their_pieces() {
    let joined = Hint::text("one").and(Hint::command(Command::Current));
    assert_eq!(joined.to_string(), "one; `current`");
    assert_eq!(joined.pieces().len(), 3);
    assert_eq!(
        Command::from(crate::Direction::Downgrade),
        Command::Downgrade
    );
}
