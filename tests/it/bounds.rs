//! Duration and number settings out of their range, from a flag or from the environment: a
//! usage error (exit 2) that gives the range, before anything connects; the bounds themselves
//! are accepted.

use crate::support::{Db, PgDb, cli, texts};

/// Runs the binary with `--format json` on `url`, `env` set, and returns the exit code, the
/// error's code and its message.
fn refusal(url: &str, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().expect("dir");
    let output = cli(dir.path())
        .args(["--format", "json", "--database-url", url])
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("run");
    let (stdout, stderr) = texts(&output);
    let value: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{args:?} {env:?}: not JSON ({e}): {stdout}{stderr}"));
    let code = value["error"]["code"]
        .as_str()
        .unwrap_or("(none)")
        .to_string();
    let message = value["error"]["message"].as_str().unwrap_or("").to_string();
    (output.status.code(), code, message)
}

#[test]
fn a_setting_out_of_range_is_a_usage_error_before_anything_connects() {
    // A server that must not be asked anything: nothing may be created there.
    let pg = PgDb::new();
    let flags: &[(&[&str], &str)] = &[
        (&["upgrade", "--statement-lock-timeout", "100y"], "1day"),
        (&["upgrade", "--statement-lock-timeout", "25h"], "1day"),
        (&["upgrade", "--statement-lock-timeout", "500us"], "1ms"),
        (
            &["downgrade", "base", "--statement-lock-timeout", "30d"],
            "1day",
        ),
        (&["upgrade", "--lock-retries", "4294967295"], "0..=100"),
        (&["upgrade", "--lock-retries", "101"], "0..=100"),
        (&["--wait", "500000000000y", "current"], "1day"),
        (&["--wait", "2d", "status"], "1day"),
        (&["--lock-timeout", "100y", "upgrade"], "1day"),
        (&["upgrade", "--lock-timeout", "25h"], "1day"),
        (
            &["--connect-timeout", "18446744073709551615", "current"],
            "1..=3600",
        ),
        (&["current", "--connect-timeout", "3601"], "1..=3600"),
    ];
    let mut faults = Vec::new();
    for (args, range) in flags {
        let (exit, code, message) = refusal(&pg.url, args, &[]);
        if (exit, code.as_str()) != (Some(2), "usage") || !message.contains(range) {
            faults.push(format!("{args:?}: exit {exit:?}, code {code}: {message}"));
        }
    }
    let variables: &[(&str, &str, &[&str])] = &[
        ("AURORA_WAIT", "100y", &["current"]),
        ("AURORA_WAIT", "500000000000y", &["status"]),
        ("AURORA_LOCK_TIMEOUT", "100y", &["upgrade"]),
        ("AURORA_LOCK_TIMEOUT", "25h", &["downgrade", "base"]),
    ];
    for (variable, value, args) in variables {
        let (exit, code, message) = refusal(&pg.url, args, &[(variable, value)]);
        if (exit, code.as_str()) != (Some(2), "invalid_setting")
            || !message.starts_with(&format!("{variable}: "))
            || !message.contains("1day")
        {
            faults.push(format!(
                "{variable}={value} {args:?}: exit {exit:?}, code {code}: {message}"
            ));
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
    assert!(
        pg.query("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
            .is_empty()
    );
}

#[test]
fn the_bounds_themselves_are_accepted_on_every_database() {
    for db in Db::all() {
        let dir = tempfile::tempdir().expect("dir");
        let run = |args: &[&str]| {
            let output = cli(dir.path())
                .args(["--database-url", db.url()])
                .args(args)
                .output()
                .expect("run");
            let (stdout, stderr) = texts(&output);
            assert_eq!(
                output.status.code(),
                Some(0),
                "{} {args:?}: {stdout}{stderr}",
                db.name()
            );
        };
        run(&[
            "--wait",
            "24h",
            "--lock-timeout",
            "24h",
            "--connect-timeout",
            "3600",
            "upgrade",
            "--statement-lock-timeout",
            "24h",
            "--lock-retries",
            "100",
        ]);
        run(&["downgrade", "base", "--statement-lock-timeout", "1ms"]);
    }
}
