use super::*;

#[test]
fn commands_in_a_remedy_get_the_programs_name() {
    assert_eq!(
        name_commands(
            "revision a changed after it was applied; record it with `stamp a`",
            "myservice migrate"
        ),
        "revision a changed after it was applied; record it with `myservice migrate stamp a`"
    );
    assert_eq!(
        name_commands(
            "there are several heads (a, b); use `heads` for all, or `merge heads` to join them",
            "app"
        ),
        "there are several heads (a, b); use `heads` for all, or `app merge heads` to join them"
    );
}

#[test]
fn the_users_own_text_is_never_taken_for_a_command() {
    let text =
        "no revision, branch label or id prefix matches `stamp`; `history` lists the revisions";
    assert_eq!(
        name_commands(text, "app"),
        "no revision, branch label or id prefix matches `stamp`; `app history` lists the revisions"
    );
    assert_eq!(name_commands("`check` alone", "app"), "`check` alone");
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
