//! A password never reaches stdout or stderr, whatever shape its URL or `.env` file has: a
//! corpus of malformed and well-formed inputs holding one known secret goes through every
//! command, every place a URL can come from, and both output formats.

use std::path::Path;

use crate::support::{cli, texts};

const SECRET: &str = "Sup3rS3cretPw";

/// URLs that hold the secret, malformed in every way a hand can make them.
fn urls() -> Vec<String> {
    [
        "postgresql//app:{s}@127.0.0.1:1/db",
        "postgresql:/app:{s}@127.0.0.1:1/db",
        "postgresql:app:{s}@127.0.0.1:1/db",
        "postgres://app:{s}@@127.0.0.1:1/db",
        "postgres://app:p@{s}@127.0.0.1:1/db",
        "postgres://app:{s}/x@127.0.0.1:1/db",
        "postgres://app:{s}#x@127.0.0.1:1/db",
        "postgres://app:{s}?x@127.0.0.1:1/db",
        "postgres://app:{s}@127.0.0.1:99999/db",
        "postgres://app@127.0.0.1:1/db?sslmode=disable&password={s}",
        "postgres://postgres:{s}@127.0.0.1:5432/aurora_no_such_database",
        "mysql://root:{s}@127.0.0.1:1/db",
        "mysql://root:{s}@[::1/db",
        "mysql://root:{s}@127.0.0.1:3306/test",
        "mariadb://root:p:{s}@127.0.0.1:3306/test",
        "{s}",
        "{s}://127.0.0.1/db",
        "{s}:x@127.0.0.1/db",
    ]
    .iter()
    .map(|shape| shape.replace("{s}", SECRET))
    .collect()
}

/// `.env` files that hold the secret and do not parse, or parse into a bad URL.
fn env_files() -> Vec<String> {
    [
        "DATABASE_URL=\"postgres://app:{s}@127.0.0.1:1/db\n",
        "DATABASE_URL='postgres://app:{s}@127.0.0.1:1/db\nOTHER=1\n",
        "# settings\nDB_PASSWORD={s}\nthis line has no equals sign\n",
        "DATABASE_URL=postgresql//app:{s}@127.0.0.1/db\n",
        "DATABASE_URL=postgres://app:{s}@127.0.0.1:1/db\nBROKEN=\"\n",
        "export DATABASE_URL = postgres://app:{s}@127.0.0.1:1/db\n",
    ]
    .iter()
    .map(|shape| shape.replace("{s}", SECRET))
    .collect()
}

/// Every command, as a user would type it.
const COMMANDS: &[&[&str]] = &[
    &["upgrade"],
    &["downgrade", "-1"],
    &["current"],
    &["status"],
    &["history"],
    &["stamp", "head", "--yes"],
    &["reset", "--yes"],
    &["check"],
    &["create", "Something", "--autogenerate"],
    &["heads"],
    &["branches"],
    &["show", "head"],
    &["merge", "heads", "-m", "join"],
    &["--version"],
];

const FORMATS: &[&[&str]] = &[&[], &["--format", "json"], &["-v"]];

fn assert_silent(dir: &Path, how: &str, command: &mut std::process::Command) {
    let output = command
        .current_dir(dir)
        .env("AURORA_WAIT", "0s")
        .output()
        .expect("run");
    let (stdout, stderr) = texts(&output);
    assert!(
        !stdout.contains(SECRET) && !stderr.contains(SECRET),
        "{how} printed the password:\nstdout: {stdout}\nstderr: {stderr}"
    );
    // A shortened or decoded form is no better.
    assert!(
        !stdout.contains(&SECRET[2..]) && !stderr.contains(&SECRET[2..]),
        "{how} printed part of the password:\nstdout: {stdout}\nstderr: {stderr}"
    );
}

#[test]
fn no_url_shape_leaks_its_password_through_any_command_or_format() {
    let dir = tempfile::tempdir().expect("dir");
    for url in urls() {
        for command in COMMANDS {
            for format in FORMATS {
                let how = format!("--database-url {url} {command:?} {format:?}");
                let mut run = cli(dir.path());
                run.args(["--connect-timeout", "2", "--database-url", &url])
                    .args(*command)
                    .args(*format);
                assert_silent(dir.path(), &how, &mut run);
            }
        }
        // From the environment, and after the command instead of before it.
        for command in [&["upgrade"][..], &["status"], &["current"]] {
            let mut run = cli(dir.path());
            run.env("DATABASE_URL", &url)
                .args(command)
                .args(["--format", "json"]);
            assert_silent(dir.path(), &format!("DATABASE_URL={url}"), &mut run);
            let mut run = cli(dir.path());
            run.args(command).args(["--database-url", &url]);
            assert_silent(
                dir.path(),
                &format!("{command:?} --database-url {url}"),
                &mut run,
            );
        }
        // In the wrong place: as a target, or as the value of another flag. (A bare word
        // there is only a word: it is echoed as any unknown target is.)
        if !url.contains('@') && !url.contains("://") {
            continue;
        }
        for misplaced in [
            &["upgrade", url.as_str()][..],
            &["--wait", url.as_str(), "current"],
            &["--format", url.as_str(), "current"],
            &["stamp", url.as_str()],
        ] {
            for format in FORMATS {
                let mut run = cli(dir.path());
                run.args(misplaced).args(*format);
                assert_silent(dir.path(), &format!("{misplaced:?}"), &mut run);
            }
        }
    }
}

#[test]
fn no_env_file_leaks_its_password_through_any_command_or_format() {
    for contents in env_files() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join(".env"), &contents).expect("write .env");
        for command in COMMANDS {
            for format in FORMATS {
                let mut run = cli(dir.path());
                run.args(*command).args(*format);
                assert_silent(
                    dir.path(),
                    &format!(".env {contents:?} {command:?} {format:?}"),
                    &mut run,
                );
            }
        }
    }
}

#[test]
fn a_broken_env_file_is_named_by_line_and_fault_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join(".env"),
        format!("# comment\nAURORA_ENV=dev\nDATABASE_URL=\"postgres://app:{SECRET}@127.0.0.1/db\n"),
    )
    .expect("write .env");
    let output = cli(dir.path()).args(["upgrade"]).output().expect("run");
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("line 3 of .env: unclosed quote; fix the file or remove it"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("aurora.db").exists(),
        "nothing was migrated"
    );
    std::fs::write(dir.path().join(".env"), "JUST_A_WORD\n").expect("write .env");
    let (_, stderr) = texts(&cli(dir.path()).args(["current"]).output().expect("run"));
    assert!(
        stderr.contains("line 1 of .env: expected NAME=value"),
        "{stderr}"
    );
}

/// Runs `args` in `dir` with `env` set, and returns stdout parsed as one JSON document.
fn json_of(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> serde_json::Value {
    let mut command = cli(dir);
    command.args(args).args(["--format", "json"]);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("run");
    let (stdout, stderr) = texts(&output);
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{args:?} printed invalid JSON ({e}):\n{stdout}\n{stderr}"))
}

#[test]
fn masking_follows_a_password_s_place_not_its_value() {
    let dir = tempfile::tempdir().expect("dir");
    let here = dir.path().display().to_string();
    let sqlite = format!("sqlite://{here}/a.db");
    // The working directory, and passwords that are ordinary words, in the environment as a
    // shell and a deployment would set them.
    let env = [
        ("PWD", here.as_str()),
        ("OLDPWD", here.as_str()),
        ("DB_PASSWORD", "upgrade"),
        ("API_TOKEN", "true"),
        ("PGPASSWORD", "status"),
    ];
    let upgraded = json_of(dir.path(), &env, &["--database-url", &sqlite, "upgrade"]);
    assert_eq!(upgraded["command"], "upgrade", "{upgraded}");
    assert_eq!(upgraded["database"]["url"], sqlite.as_str(), "{upgraded}");
    let status = json_of(dir.path(), &env, &["--database-url", &sqlite, "status"]);
    assert_eq!(status["ready"], true, "{status}");
    assert_eq!(status["state"], "at_heads", "{status}");
    // A path in an error is a path, not a leak.
    let missing = format!("{here}/no/such/dir/schema.sql");
    let failed = json_of(
        dir.path(),
        &env,
        &["--database-url", &sqlite, "dump", "--output", &missing],
    );
    let message = failed["error"]["message"].as_str().expect("message");
    assert!(message.contains(&missing), "{message}");

    // A URL's own password that is an ordinary word: masked in the URL, nowhere else.
    let db = crate::support::PgDb::new();
    let url = db.url.replacen("postgres@", "postgres:upgrade@", 1);
    let output = cli(dir.path())
        .args(["--database-url", &url, "upgrade"])
        .output()
        .expect("run");
    let (_, stderr) = texts(&output);
    assert!(stderr.contains("upgrade <base> -> "), "{stderr}");
    let current = json_of(dir.path(), &[], &["--database-url", &url, "upgrade"]);
    assert_eq!(current["command"], "upgrade", "{current}");
    let shown = current["database"]["url"].as_str().expect("url");
    assert!(
        shown.contains("postgres:***@") && !shown.contains("upgrade"),
        "{shown}"
    );
}
