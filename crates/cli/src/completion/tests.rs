use super::*;

/// The states the bash script's loop sets (`cmd="..."`) and the arms' labels.
fn states_and_arms(script: &str) -> (Vec<String>, Vec<String>) {
    let mut states = Vec::new();
    let mut arms = Vec::new();
    for line in script.lines() {
        let line = line.trim();
        if let Some(state) = line.strip_prefix("cmd=\"") {
            states.push(state.trim_end_matches('"').to_string());
        } else if line.ends_with(')') && line.contains("__subcmd__") && !line.contains(',') {
            arms.push(line.trim_end_matches(')').to_string());
        }
    }
    (states, arms)
}

#[test]
fn every_state_of_the_bash_script_has_its_arm_whatever_the_name() {
    for name in ["aurora-migrate", "my-own-tool", "plain"] {
        let mut command = crate::program::command(Box::leak(name.to_string().into_boxed_str()));
        let script = String::from_utf8(script(&mut command, name, Shell::Bash)).unwrap();
        let (states, arms) = states_and_arms(&script);
        assert!(states.len() > 20, "{name}: {states:?}");
        for state in states.iter().filter(|s| s.contains("__subcmd__")) {
            assert!(arms.contains(state), "{name}: no arm for {state}");
        }
        assert!(script.contains(&format!("complete -F _{} ", name.replace('-', "__"))));
    }
}

#[test]
fn fish_offers_the_values_of_a_positional_argument() {
    let mut command = crate::program::command("aurora-migrate");
    let script = String::from_utf8(script(&mut command, "aurora-migrate", Shell::Fish)).unwrap();
    assert!(script.contains(
        "complete -c aurora-migrate -n \"__fish_aurora_migrate_using_subcommand completions\" -f -a \"bash elvish fish powershell zsh\""
    ));
}
