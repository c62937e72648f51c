//! The reference as Markdown pages for the user's guide: an index (the program, its flags and
//! its commands) and a page per command. Must not import a command or the printing code.

use std::fmt::Write;

use super::{definition, visible_subcommands};

/// The reference pages of `program`: `(file name, Markdown)`, first `index.md` (the program's
/// own flags and a link to each command), then `<command>.md` for each command, its nested
/// commands as sections of its page (`lease.md` holds `lease show` and `lease break`).
pub fn markdown_pages(program: &'static str) -> Vec<(String, String)> {
    let root = definition(program);
    let mut pages = vec![("index.md".to_string(), index(&root))];
    for command in visible_subcommands(&root) {
        let mut page = String::new();
        section(
            &mut page,
            command,
            &format!("{program} {}", command.get_name()),
            1,
        );
        pages.push((format!("{}.md", command.get_name()), page));
    }
    pages
}

fn index(root: &clap::Command) -> String {
    let name = root.get_name();
    let mut page = String::from("# Command reference\n\n");
    let _ = writeln!(
        page,
        "Generated from `{name}`'s own definition: what `{name} --help` and `{name} COMMAND \
         --help` print, one page per command. The same reference is in the man pages \
         (`docs/man/{name}*.1`).\n"
    );
    let _ = writeln!(page, "## {name}\n");
    describe(&mut page, root, 3);
    let _ = writeln!(page, "## Commands\n");
    for command in visible_subcommands(root) {
        let about = command
            .get_about()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let _ = writeln!(
            page,
            "- [`{name} {0}`]({0}.md): {1}",
            command.get_name(),
            inline(&about)
        );
    }
    page
}

/// `command`'s heading at `level`, then its description, flags and examples, then its nested
/// commands one level down.
fn section(page: &mut String, command: &clap::Command, title: &str, level: usize) {
    let _ = writeln!(page, "{} {title}\n", "#".repeat(level));
    describe(page, command, level + 1);
    for nested in visible_subcommands(command) {
        section(
            page,
            nested,
            &format!("{title} {}", nested.get_name()),
            level + 1,
        );
    }
}

fn describe(page: &mut String, command: &clap::Command, level: usize) {
    let about = command
        .get_long_about()
        .or_else(|| command.get_about())
        .map(|a| a.to_string());
    if let Some(about) = about {
        let _ = writeln!(page, "{}\n", inline(&about));
    }
    let usage = command.clone().render_usage().to_string();
    let usage = usage.trim_start_matches("Usage: ").trim();
    let _ = writeln!(page, "```text\n{usage}\n```\n");
    let heading = "#".repeat(level);
    let arguments: Vec<&clap::Arg> = command
        .get_arguments()
        .filter(|a| a.is_positional() && !a.is_hide_set())
        .collect();
    if !arguments.is_empty() {
        let _ = writeln!(page, "{heading} Arguments\n");
        for arg in arguments {
            let _ = writeln!(page, "- `{}`{}", placeholder(arg), explanation(arg));
        }
        page.push('\n');
    }
    let options: Vec<&clap::Arg> = command
        .get_arguments()
        .filter(|a| !a.is_positional() && !a.is_hide_set())
        .collect();
    if !options.is_empty() {
        let _ = writeln!(page, "{heading} Options\n");
        for arg in options {
            let _ = writeln!(page, "- `{}`{}", flag(arg), explanation(arg));
        }
        page.push('\n');
    }
    let after = command
        .get_after_long_help()
        .or_else(|| command.get_after_help())
        .map(|a| a.to_string());
    if let Some(after) = after {
        let _ = writeln!(page, "```text\n{}\n```\n", after.trim_end());
    }
}

/// `<NAME>` for a positional argument, `<NAME>...` when it repeats.
fn placeholder(arg: &clap::Arg) -> String {
    let name = arg
        .get_value_names()
        .and_then(|names| names.first())
        .map(|n| n.to_string())
        .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
    let repeats = matches!(arg.get_num_args(), Some(range) if range.max_values() > 1);
    if repeats {
        format!("<{name}>...")
    } else {
        format!("<{name}>")
    }
}

/// `-s, --long <VALUE>` as the help shows a flag.
fn flag(arg: &clap::Arg) -> String {
    let mut names = Vec::new();
    if let Some(short) = arg.get_short() {
        names.push(format!("-{short}"));
    }
    if let Some(long) = arg.get_long() {
        names.push(format!("--{long}"));
    }
    let mut text = names.join(", ");
    if arg.get_action().takes_values() {
        let values: Vec<String> = arg
            .get_value_names()
            .map(|names| names.iter().map(|n| format!("<{n}>")).collect())
            .unwrap_or_else(|| vec![format!("<{}>", arg.get_id().as_str().to_uppercase())]);
        let _ = write!(text, " {}", values.join(" "));
    }
    text
}

/// `: help [possible values: ...] [default: ...]`, or nothing when the argument has no help.
fn explanation(arg: &clap::Arg) -> String {
    let mut text = arg
        .get_long_help()
        .or_else(|| arg.get_help())
        .map(|h| inline(&h.to_string()))
        .unwrap_or_default();
    let possible: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| format!("`{}`", v.get_name()))
        .collect();
    if !possible.is_empty() && arg.get_action().takes_values() {
        let _ = write!(text, " (possible values: {})", possible.join(", "));
    }
    // A switch's default (`false`, `0`) says nothing a reader needs.
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| format!("`{}`", v.to_string_lossy()))
        .collect();
    if !defaults.is_empty() && arg.get_action().takes_values() {
        let _ = write!(text, " (default: {})", defaults.join(", "));
    }
    if text.is_empty() {
        text
    } else {
        format!(": {}", text.trim())
    }
}

/// Help text as Markdown prose: `<`, `>`, `*`, `_` and `|` outside backticks are escaped, so
/// `<REV>` reads as written instead of as an HTML tag; a paragraph break becomes `<br><br>` and
/// a line break within a paragraph a space, so that the text fits one list item.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.trim().split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(part);
            continue;
        }
        for c in part.chars() {
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '*' | '_' | '|' | '[' | ']' => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
    }
    out.replace("\n\n", "<br><br>").replace('\n', " ")
}
