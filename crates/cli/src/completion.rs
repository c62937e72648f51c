//! Shell completion scripts: clap_complete's, with what it gets wrong for this command line
//! put right. Must not import a command.

use clap_complete::Shell;

/// The completion script for `shell`, for the command line `command` named `name`.
pub(crate) fn script(command: &mut clap::Command, name: &str, shell: Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, command, name, &mut script);
    match shell {
        Shell::Bash => bash_arms(&String::from_utf8_lossy(&script), name).into_bytes(),
        Shell::Fish => {
            script.extend(fish_positionals(command, name).into_bytes());
            script
        }
        _ => script,
    }
}

/// clap_complete spells the bash script's states two ways when the binary's name has a
/// hyphen: the loop over the words sets `aurora__migrate__subcmd__upgrade`, the arm that
/// completes is labelled `aurora__subcmd__migrate__subcmd__upgrade`, so no arm matches and
/// nothing after the first word completes. The arms are respelled as the loop spells them.
fn bash_arms(script: &str, name: &str) -> String {
    let state = name.replace('-', "__");
    let label = name.replace('-', "__subcmd__");
    if state == label {
        return script.to_string();
    }
    let mut out = String::with_capacity(script.len());
    for line in script.split_inclusive('\n') {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        match body.strip_prefix(&label) {
            Some(rest) if rest.starts_with("__subcmd__") && rest.trim_end().ends_with(')') => {
                out.push_str(indent);
                out.push_str(&state);
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// clap_complete's fish script completes flags only: the values a subcommand's positional
/// argument takes (`completions SHELL`) are added, under the same condition fish's script
/// uses for that subcommand's flags.
fn fish_positionals(command: &clap::Command, name: &str) -> String {
    let using = format!("__fish_{}_using_subcommand", name.replace('-', "_"));
    let mut out = String::new();
    for sub in command.get_subcommands() {
        let condition = format!("{using} {}", sub.get_name());
        out.push_str(&fish_values(sub, name, &condition));
        for nested in sub.get_subcommands() {
            let condition = format!(
                "{condition}; and __fish_seen_subcommand_from {}",
                nested.get_name()
            );
            out.push_str(&fish_values(nested, name, &condition));
        }
    }
    out
}

/// One `complete` line per positional argument of `command` that has a closed set of values.
fn fish_values(command: &clap::Command, name: &str, condition: &str) -> String {
    let mut out = String::new();
    for positional in command.get_positionals() {
        let values: Vec<String> = positional
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !values.is_empty() {
            out.push_str(&format!(
                "complete -c {name} -n \"{condition}\" -f -a \"{}\"\n",
                values.join(" ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
