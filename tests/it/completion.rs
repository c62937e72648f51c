//! Completion scripts loaded into the real shells (bash, zsh, fish) and asked, as a Tab press
//! would ask, for the words after a command line: the first word, a subcommand's flags, a
//! nested subcommand's flags, a flag's values.

use std::path::Path;
use std::process::Command;

use crate::support::{cli, texts};

/// What each shell must offer after each line (the line ends where the cursor is).
const CASES: &[(&str, &[&str])] = &[
    ("aurora-migrate up", &["upgrade"]),
    (
        "aurora-migrate upgrade --",
        &["--pipeline", "--transaction", "--sql"],
    ),
    ("aurora-migrate downgrade --", &["--yes", "--pipeline"]),
    ("aurora-migrate import alembic --", &["--dialect"]),
    (
        "aurora-migrate upgrade --transaction ",
        &["per-migration", "all"],
    ),
    ("aurora-migrate completions ", &["bash", "zsh", "fish"]),
    ("aurora-migrate --format json st", &["stamp", "status"]),
];

/// The script `completions SHELL` prints, written into `dir`.
fn script(dir: &Path, shell: &str) -> std::path::PathBuf {
    let output = cli(dir).args(["completions", shell]).output().expect("run");
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{shell}: {stderr}");
    let path = dir.join(format!("aurora-migrate.{shell}"));
    std::fs::write(&path, stdout).expect("write script");
    path
}

/// Runs `program args` (at most 30 s) and returns the words it printed, one a line.
fn words(program: &str, args: &[&str]) -> Vec<String> {
    let output = Command::new("timeout")
        .arg("30")
        .arg(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} must be installed for these tests: {e}"));
    let (stdout, stderr) = texts(&output);
    assert!(output.status.success(), "{program}: {stderr}\n{stdout}");
    stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

fn check(shell: &str, ask: impl Fn(&str) -> Vec<String>) {
    let mut missing = Vec::new();
    for (line, expected) in CASES {
        let offered = ask(line);
        for word in *expected {
            if !offered.iter().any(|o| o == word) {
                missing.push(format!("{line:?} offers {offered:?}, without {word}"));
            }
        }
    }
    assert!(missing.is_empty(), "{shell}:\n{}", missing.join("\n"));
}

/// bash: the function `complete -p` names, called as readline calls it.
const BASH: &str = r#"
source "$1"
line=$2
read -ra COMP_WORDS <<< "$line"
[[ $line == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE=$line
COMP_POINT=${#line}
function=$(complete -p aurora-migrate | sed -E 's/.* -F ([^ ]+) .*/\1/')
"$function" aurora-migrate "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;

#[test]
fn bash_completes_every_word_of_a_hyphenated_binary_name() {
    let dir = tempfile::tempdir().expect("dir");
    let script = script(dir.path(), "bash");
    let driver = dir.path().join("ask.bash");
    std::fs::write(&driver, BASH).expect("write");
    let (script, driver) = (script.to_string_lossy(), driver.to_string_lossy());
    check("bash", |line| {
        words("bash", &["--norc", "--noprofile", &driver, &script, line])
    });
}

/// zsh: an interactive zsh in a pseudo-terminal, with compinit, where Tab is pressed after
/// `line`; each match is printed as `compadd` receives it.
const ZSH: &str = r#"
zmodload zsh/zpty
zpty shell zsh -f -i
zpty -w shell 'PROMPT= ; RPROMPT= ; unsetopt zle_bracketed_paste 2>/dev/null'
zpty -w shell 'autoload -U compinit; compinit -u -D'
zpty -w shell "source ${(q)1}"
zpty -w shell 'bindkey "^I" complete-word; zstyle ":completion:*" insert-tab false'
zpty -w shell 'compadd () { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi; typeset -a hits; builtin compadd -A hits "$@"; local r=$?; for h in $hits; do print -r -- "MA""TCH:$h"; done; return r; }'
zpty -w shell 'comppostfuncs=( finish ); finish () { print -r -- "DO""NE"; exit }'
zpty -nw shell "$2"$'\t'
while zpty -r shell out; do
    [[ $out == *DONE* ]] && break
    [[ $out == *MATCH:* ]] && print -r -- "${${out#*MATCH:}%$'\r'}"
done
zpty -d shell
"#;

#[test]
fn zsh_completes_every_word() {
    let dir = tempfile::tempdir().expect("dir");
    let script = script(dir.path(), "zsh");
    let driver = dir.path().join("ask.zsh");
    std::fs::write(&driver, ZSH).expect("write");
    let (script, driver) = (script.to_string_lossy(), driver.to_string_lossy());
    check("zsh", |line| words("zsh", &["-f", &driver, &script, line]));
}

#[test]
fn fish_completes_every_word() {
    let dir = tempfile::tempdir().expect("dir");
    let script = script(dir.path(), "fish");
    let script = script.to_string_lossy();
    check("fish", |line| {
        let command = format!("source {script}; complete -C {}", fish_quote(line));
        words("fish", &["--no-config", "-c", &command])
    });
}

/// `text` as one single-quoted fish word.
fn fish_quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}
