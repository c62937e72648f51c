//! What `squash` writes and refuses: a section for every database its files carry (each from a
//! replay on a scratch database of that kind), or a refusal naming each one missing; a second
//! squash over revisions a squash already replaces refused, naming it (whether the build knows
//! the first squash or only the disk does); a missing migrations directory refused, nothing
//! created. Nothing is written, and no scratch database made, when it refuses.

use std::path::Path;

use aurora_migrate::migrations::source::scan;
use aurora_migrate::{Catalog, Target};

use crate::scratch::command_line;
use crate::squash::schema;
use crate::support::{
    Db, MysqlDb, PgDb, SqliteDb, admin_url, cli, mysql_admin_url, project_migrations, runner, texts,
};

/// Three migrations; their sections are for `dialect` alone, or plain when `None`.
fn project(dir: &Path, dialect: Option<&str>) {
    std::fs::create_dir_all(dir).unwrap();
    let marker = dialect.map_or(String::new(), |d| format!(" {d}"));
    for n in 1..=3 {
        let revises = if n == 1 {
            String::new()
        } else {
            format!("r{}", n - 1)
        };
        let text = format!(
            "-- step {n}\n--\n-- Revision ID: r{n}\n-- Revises: {revises}\n\n-- migrate:upgrade{marker}\n\
             CREATE TABLE t{n} (id INTEGER PRIMARY KEY, name VARCHAR(20));\n\n-- migrate:downgrade{marker}\nDROP TABLE t{n};\n"
        );
        std::fs::write(dir.join(format!("r{n}_step.sql")), text).unwrap();
    }
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The command line of a program embedding `embedded`, run in `cwd`: exit code, stdout, stderr.
fn run(embedded: &Path, cwd: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let tmp = tempfile::tempdir().unwrap();
    let output = command_line(embedded, cwd, tmp.path(), args)
        .output()
        .unwrap();
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "{args:?} left {left:?}");
    let (stdout, stderr) = texts(&output);
    // The test harness's own words come first.
    let stdout = stdout
        .split("child_command_line ... ")
        .last()
        .unwrap_or_default()
        .to_string();
    (output.status.code(), stdout, stderr)
}

#[test]
fn a_squash_carries_a_section_for_every_database_its_files_do() {
    let (pg, my) = (admin_url(), mysql_admin_url());
    let project_dir = tempfile::tempdir().unwrap();
    let dir = project_migrations(project_dir.path());
    let before = files(&dir);
    let squash = |extra: &[&str]| {
        let output = cli(project_dir.path())
            .args(["squash", "--upto", "3f2a9c1b7d4e", "-m", "Squash the start"])
            .args(extra)
            .output()
            .unwrap();
        let (stdout, stderr) = texts(&output);
        (output.status.code(), stdout, stderr)
    };
    // Aurora's files carry postgresql, sqlite and mysql sections: SQLite alone is refused.
    for (extra, missing) in [
        (vec![], vec!["postgresql", "mysql"]),
        (vec!["--scratch-url", pg.as_str()], vec!["mysql"]),
        (vec!["--scratch-url", my.as_str()], vec!["postgresql"]),
    ] {
        let (code, _, stderr) = squash(&extra);
        assert_eq!(code, Some(2), "{extra:?}: {stderr}");
        for name in missing {
            assert!(
                stderr.contains(&format!("--scratch-url {name}://")),
                "{extra:?}: names {name} and the flag: {stderr}"
            );
        }
        assert_eq!(files(&dir), before, "{extra:?}: nothing written");
    }
    let (code, _, stderr) = squash(&["--scratch-url", &pg, "--scratch-url", &pg]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("two scratch servers for postgresql"),
        "{stderr}"
    );

    let (code, stdout, stderr) = squash(&["--scratch-url", &pg, "--scratch-url", &my]);
    assert_eq!(code, Some(0), "{stderr}");
    let text = std::fs::read_to_string(project_dir.path().join(stdout.trim())).unwrap();
    for dialect in ["postgresql", "sqlite", "mysql"] {
        for direction in ["upgrade", "downgrade"] {
            assert!(
                text.contains(&format!("-- migrate:{direction} {dialect}\n")),
                "{direction} {dialect}: {text}"
            );
        }
    }
    // A fresh database of each kind builds through the squash the schema the chain builds.
    let squashed = Catalog::from_scan(scan::scan(&dir).unwrap());
    let chain = aurora::catalog().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for (fresh, reference) in [
        (Db::Pg(PgDb::new()), Db::Pg(PgDb::new())),
        (Db::Sqlite(SqliteDb::new()), Db::Sqlite(SqliteDb::new())),
        (Db::Mysql(MysqlDb::new()), Db::Mysql(MysqlDb::new())),
    ] {
        runtime.block_on(async {
            let run = runner(&squashed, &fresh)
                .upgrade(&Target::Head, &mut |_| {})
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", fresh.name()));
            assert_eq!(run.steps.len(), 2, "{}: the squash and 8d1e", fresh.name());
            runner(&chain, &reference)
                .upgrade(&Target::Head, &mut |_| {})
                .await
                .unwrap();
            assert_eq!(
                schema(&squashed, &fresh).await,
                schema(&chain, &reference).await,
                "{}",
                fresh.name()
            );
        });
    }
}

#[test]
fn plain_migrations_are_for_every_database_unless_dialect_says_which() {
    let project_dir = tempfile::tempdir().unwrap();
    let dir = project_dir.path().join("migrations");
    project(&dir, None);
    let (code, _, stderr) = run(
        &dir,
        project_dir.path(),
        &["squash", "--upto", "r2", "-m", "S"],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("--scratch-url postgresql://")
            && stderr.contains("--scratch-url mysql://")
            && stderr.contains("--dialect"),
        "{stderr}"
    );
    assert_eq!(files(&dir).len(), 3, "nothing written");
    let pg = admin_url();
    let (code, stdout, stderr) = run(
        &dir,
        project_dir.path(),
        &[
            "squash",
            "--upto",
            "r2",
            "-m",
            "S",
            "--dialect",
            "sqlite",
            "--dialect",
            "postgresql",
            "--scratch-url",
            &pg,
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let text = std::fs::read_to_string(project_dir.path().join(stdout.trim())).unwrap();
    assert!(
        text.contains("-- migrate:upgrade postgresql\n")
            && text.contains("-- migrate:upgrade sqlite\n")
            && !text.contains("mysql"),
        "{text}"
    );
}

#[test]
fn a_second_squash_over_squashed_revisions_is_refused_naming_the_first() {
    let project_dir = tempfile::tempdir().unwrap();
    let dir = project_dir.path().join("migrations");
    project(&dir, Some("sqlite"));
    // The build the first squash ran from, which never learns of it.
    let built = tempfile::tempdir().unwrap();
    project(built.path(), Some("sqlite"));
    let args = |upto: &'static str| ["squash", "--upto", upto, "-m", "Squash"];
    let (code, stdout, stderr) = run(built.path(), project_dir.path(), &args("r2"));
    assert_eq!(code, Some(0), "{stderr}");
    let first = stdout.trim().to_string();
    let first_id = first
        .rsplit('/')
        .next()
        .and_then(|f| f.split('_').next())
        .unwrap()
        .to_string();
    let written = files(&dir);
    assert_eq!(written.len(), 4);
    // The build does not know the squash, the disk does; then a build that knows it.
    for embedded in [built.path(), dir.as_path()] {
        for upto in ["r2", "r1", "r3"] {
            let (code, _, stderr) = run(embedded, project_dir.path(), &args(upto));
            assert_eq!(code, Some(1), "{upto} ({code:?}): {stderr}");
            assert!(
                stderr.contains(&format!("squash {first_id} ({first}) already replaces r1")),
                "{upto}: {stderr}"
            );
            assert_eq!(files(&dir), written, "{upto}: nothing written");
        }
    }
    // A hand-made second squash over the same revisions breaks the build, naming both.
    let copy = std::fs::read_to_string(project_dir.path().join(&first))
        .unwrap()
        .replace(&first_id, "abcdef123456");
    std::fs::write(dir.join("abcdef123456_copy.sql"), copy).unwrap();
    let faults = scan::scan(&dir).unwrap_err();
    let text = format!("{faults:?}");
    assert!(
        text.contains("abcdef123456") && text.contains(&first_id) && text.contains("r1"),
        "{text}"
    );
    std::fs::remove_file(dir.join("abcdef123456_copy.sql")).unwrap();
    // Once its replaced files are deleted, the squash is squashed further.
    for n in 1..=2 {
        std::fs::remove_file(dir.join(format!("r{n}_step.sql"))).unwrap();
    }
    let (code, stdout, stderr) = run(&dir, project_dir.path(), &args("r3"));
    assert_eq!(code, Some(0), "{stderr}");
    let text = std::fs::read_to_string(project_dir.path().join(stdout.trim())).unwrap();
    assert!(
        text.contains(&format!("-- Replaces: {first_id}, r3\n")),
        "{text}"
    );
    assert!(scan::scan(&dir).is_ok());
}

#[test]
fn a_squash_refuses_a_missing_migrations_directory_and_creates_none() {
    let project_dir = tempfile::tempdir().unwrap();
    let dir = project_dir.path().join("migrations");
    project(&dir, Some("sqlite"));
    for missing in ["nowhere", "migrations/deeper"] {
        let (code, _, stderr) = run(
            &dir,
            project_dir.path(),
            &[
                "squash",
                "--upto",
                "r2",
                "-m",
                "S",
                "--migrations-dir",
                missing,
            ],
        );
        assert_eq!(code, Some(1), "{stderr}");
        assert!(
            stderr.contains(&format!("{missing} does not exist"))
                && stderr.contains("--migrations-dir"),
            "{stderr}"
        );
        assert!(
            !project_dir.path().join(missing).exists(),
            "{missing} was created"
        );
    }
}
