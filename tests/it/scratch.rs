//! Throwaway databases are dropped on every path: success, failure, SIGINT and SIGTERM sent to
//! the process (each command that makes one: `test`, `check --scratch-url`, `create
//! --autogenerate --scratch-url`, `squash`), a panic, and a future its caller drops. The
//! command line runs in a child process over the slow fixture (its second migration sleeps),
//! which gives the time to send a signal while the throwaway database exists.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use aurora_migrate::migrations::source::scan;
use aurora_migrate::runner::Options;
use aurora_migrate::schema::model::Schema;
use aurora_migrate::{DatabaseUrl, Embedded, stairway};
use sqlx::{Connection, Row};

use crate::support::{admin_url, catalog, fixture, mysql_admin_url, texts};

/// Where throwaway databases of a kind are made: a server, or the temporary directory.
#[derive(Clone, Debug)]
pub enum Place {
    Postgres(String),
    Mysql(String),
    Files(PathBuf),
}

impl Place {
    pub fn postgres() -> Place {
        Place::Postgres(admin_url())
    }

    pub fn mysql() -> Place {
        Place::Mysql(mysql_admin_url())
    }

    /// The names of every throwaway database (or SQLite file) there.
    pub fn names(&self) -> Vec<String> {
        match self {
            Place::Files(dir) => std::fs::read_dir(dir)
                .map(|entries| {
                    entries
                        .filter_map(|e| e.ok())
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .filter(|name| name.starts_with("aurora_"))
                        .collect()
                })
                .unwrap_or_default(),
            Place::Postgres(url) => query(
                url,
                "SELECT datname::text FROM pg_database WHERE datname LIKE 'aurora\\_%' AND datname NOT LIKE 'aurora\\_it\\_%'",
            ),
            Place::Mysql(url) => query(
                url,
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'aurora\\_%' AND SCHEMA_NAME NOT LIKE 'aurora\\_it\\_%'",
            ),
        }
    }

    /// The throwaway databases (or files) process `pid` made there.
    pub fn made_by(&self, pid: u32) -> Vec<String> {
        let mark = format!("_{pid}_");
        self.names()
            .into_iter()
            .filter(|name| name.contains(&mark))
            .collect()
    }

    /// Waits until process `pid` has made a throwaway database there; its name.
    pub fn wait_for(&self, pid: u32, child: &mut Child) -> String {
        let started = Instant::now();
        loop {
            if let Some(name) = self.made_by(pid).into_iter().next() {
                return name;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the child ended ({status}) before it made a throwaway database");
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no throwaway database by process {pid} in {self:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The first column of each row, as text, on a connection of its own.
pub fn query(url: &str, sql: &str) -> Vec<String> {
    let (url, sql) = (url.to_string(), sql.to_string());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            match url.starts_with("mysql") {
                true => {
                    let mut c = sqlx::MySqlConnection::connect(&url).await.expect("connect");
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .fetch_all(&mut c)
                        .await
                        .expect("query")
                        .iter()
                        .map(|r| r.get::<String, _>(0))
                        .collect()
                }
                false => {
                    let mut c = sqlx::PgConnection::connect(&url).await.expect("connect");
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .fetch_all(&mut c)
                        .await
                        .expect("query")
                        .iter()
                        .map(|r| r.get::<String, _>(0))
                        .collect()
                }
            }
        })
    })
    .join()
    .expect("query thread")
}

/// A project of three migrations whose second sleeps, with sections for `dialect` alone
/// (the others plain).
pub fn slow_chain(dialect: &str) -> tempfile::TempDir {
    let sleep = match dialect {
        "postgresql" => "SELECT pg_sleep(5);",
        "mysql" => "SELECT SLEEP(3);",
        _ => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) SELECT count(*) FROM c;"
        }
    };
    let dir = tempfile::tempdir().expect("dir");
    let files = [
        ("s1", "", "-- migrate:upgrade\nCREATE TABLE t_s1 (id INTEGER PRIMARY KEY);\n\n-- migrate:downgrade\nDROP TABLE t_s1;\n".to_string()),
        ("s2", "s1", format!("-- migrate:upgrade {dialect}\nCREATE TABLE t_s2 (id INTEGER PRIMARY KEY);\n{sleep}\n\n-- migrate:downgrade {dialect}\nDROP TABLE t_s2;\n")),
        ("s3", "s2", "-- migrate:upgrade\nCREATE TABLE t_s3 (id INTEGER PRIMARY KEY);\n\n-- migrate:downgrade\nDROP TABLE t_s3;\n".to_string()),
    ];
    for (id, revises, body) in files {
        let text =
            format!("-- {id} message\n--\n-- Revision ID: {id}\n-- Revises: {revises}\n\n{body}");
        std::fs::write(dir.path().join(format!("{id}_step.sql")), text).expect("write");
    }
    dir
}

/// The command line of a program that embeds the migrations of `migrations` (and models of
/// no table), run in a child process in `cwd` with `tmp` as its temporary directory.
pub fn command_line(migrations: &Path, cwd: &Path, tmp: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("test binary"));
    command
        .args([
            "scratch::child_command_line",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .current_dir(cwd)
        .env("AURORA_CHILD_MIGRATIONS", migrations)
        .env("AURORA_CHILD_ARGS", args.join("\n"))
        .env("TMPDIR", tmp)
        .env_remove("DATABASE_URL")
        .env_remove("AURORA_ENV")
        .env("NO_COLOR", "1");
    command
}

fn no_tables() -> Schema {
    Schema::default()
}

/// Inside the child process `command_line` starts: the command line over the migrations of
/// a directory, exiting with its exit code.
#[test]
fn child_command_line() {
    let (Ok(dir), Ok(args)) = (
        std::env::var("AURORA_CHILD_MIGRATIONS"),
        std::env::var("AURORA_CHILD_ARGS"),
    ) else {
        return; // only meaningful in the child
    };
    let scanned = scan::scan(Path::new(&dir)).expect("valid migrations");
    let embedded: Vec<Embedded> = scanned
        .files
        .iter()
        .map(|f| Embedded {
            migration: f.migration.clone(),
            rust: None,
        })
        .collect();
    let app =
        aurora_migrate_cli::App::new("aurora-migrate", Box::leak(embedded.into_boxed_slice()))
            .with_models(Some(no_tables));
    let args = std::iter::once("aurora-migrate".to_string()).chain(args.lines().map(String::from));
    let code = aurora_migrate_cli::run(app, args);
    let number = (0..=255u8)
        .find(|&n| code == ExitCode::from(n))
        .unwrap_or(1);
    std::process::exit(number.into());
}

/// A database's name, or a SQLite file's without `.db` and what follows.
pub fn stem(name: &str) -> &str {
    name.split(".db").next().unwrap_or(name)
}

fn signal(child: &Child, name: &str) {
    let sent = Command::new("kill")
        .args([name, &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
}

#[test]
fn a_signal_drops_the_throwaway_database_of_every_command() {
    let (pg, my) = (admin_url(), mysql_admin_url());
    let slow = fixture("slow");
    let (pg_only, sqlite_only) = (slow_chain("postgresql"), slow_chain("sqlite"));
    let cwd = tempfile::tempdir().expect("dir");
    let app_db = format!("sqlite://{}/app.db", cwd.path().display());
    let cases: Vec<(&Path, Vec<&str>, Option<Place>, &str)> = vec![
        (&slow, vec!["test"], None, "-INT"),
        (
            &slow,
            vec!["test", "--scratch-url", &pg],
            Some(Place::postgres()),
            "-TERM",
        ),
        (
            &slow,
            vec!["test", "--scratch-url", &my],
            Some(Place::mysql()),
            "-INT",
        ),
        (
            &slow,
            vec!["check", "--scratch-url", &pg, "--database-url", &app_db],
            Some(Place::postgres()),
            "-INT",
        ),
        (
            &slow,
            vec![
                "create",
                "Sync",
                "--autogenerate",
                "--scratch-url",
                &my,
                "--database-url",
                &app_db,
            ],
            Some(Place::mysql()),
            "-TERM",
        ),
        (
            pg_only.path(),
            vec![
                "squash",
                "--upto",
                "s3",
                "-m",
                "Squash",
                "--migrations-dir",
                ".",
                "--scratch-url",
                &pg,
            ],
            Some(Place::postgres()),
            "-TERM",
        ),
        (
            sqlite_only.path(),
            vec![
                "squash",
                "--upto",
                "s3",
                "-m",
                "Squash",
                "--migrations-dir",
                ".",
            ],
            None,
            "-INT",
        ),
    ];
    for (migrations, args, place, name) in cases {
        let tmp = tempfile::tempdir().expect("tmp");
        let place = place.unwrap_or_else(|| Place::Files(tmp.path().to_path_buf()));
        // A squash writes beside the migrations it replaces: run it there.
        let cwd = match args[0] {
            "squash" => migrations,
            _ => cwd.path(),
        };
        let mut child = command_line(migrations, cwd, tmp.path(), &args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let pid = child.id();
        let made = place.wait_for(pid, &mut child);
        // Into the slow migration.
        std::thread::sleep(Duration::from_millis(900));
        signal(&child, name);
        let output = child.wait_with_output().expect("wait");
        let (_, stderr) = texts(&output);
        let expected = if name == "-INT" { 130 } else { 143 };
        assert_eq!(output.status.code(), Some(expected), "{args:?}: {stderr}");
        assert_eq!(
            place.made_by(pid),
            Vec::<String>::new(),
            "{args:?}: left behind"
        );
        assert!(
            stderr.contains(&format!("the throwaway database {}", stem(&made)))
                && stderr.contains("was dropped"),
            "{args:?}: {stderr}"
        );
    }
}

/// Inside the child process of the test below: the stairway through the library, which
/// panics in its callback or is dropped by a timeout part way.
#[tokio::test]
async fn child_stairway() {
    let Ok(mode) = std::env::var("AURORA_CHILD_STAIRWAY") else {
        return; // only meaningful in the child
    };
    let server = std::env::var("AURORA_CHILD_SERVER")
        .ok()
        .map(|url| DatabaseUrl::parse(&url).expect("url"));
    let catalog = catalog("slow");
    let panics = mode == "panic";
    let mut on_stair = |stair: &stairway::Stair| {
        if panics {
            // Long enough for the parent to see the throwaway database.
            std::thread::sleep(Duration::from_millis(1500));
            panic!("the callback panics after {}", stair.revision)
        }
    };
    let stairway = stairway::stairway(
        &catalog,
        server.as_ref(),
        None,
        Options::default(),
        &mut on_stair,
    );
    match panics {
        true => drop(stairway.await),
        false => drop(tokio::time::timeout(Duration::from_millis(1500), stairway).await),
    }
}

#[test]
fn a_panic_or_a_dropped_future_drops_the_throwaway_database() {
    for mode in ["panic", "cancel"] {
        for server in [None, Some(Place::postgres()), Some(Place::mysql())] {
            let tmp = tempfile::tempdir().expect("tmp");
            let mut command = Command::new(std::env::current_exe().expect("test binary"));
            command
                .args(["scratch::child_stairway", "--exact", "--test-threads=1"])
                .env("AURORA_CHILD_STAIRWAY", mode)
                .env("TMPDIR", tmp.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            let place = match &server {
                Some(place @ (Place::Postgres(url) | Place::Mysql(url))) => {
                    command.env("AURORA_CHILD_SERVER", url);
                    place.clone()
                }
                _ => Place::Files(tmp.path().to_path_buf()),
            };
            let mut child = command.spawn().expect("spawn");
            let pid = child.id();
            place.wait_for(pid, &mut child);
            let status = child.wait().expect("wait");
            assert_eq!(
                status.success(),
                mode == "cancel",
                "{mode} {place:?}: {status}"
            );
            assert_eq!(
                place.made_by(pid),
                Vec::<String>::new(),
                "{mode} {place:?}: left behind"
            );
        }
    }
}

#[tokio::test]
async fn a_failure_drops_the_throwaway_database() {
    let catalog = catalog("failing");
    let tmp = std::env::temp_dir();
    for (server, place) in [
        ("sqlite://ignored.db".to_string(), Place::Files(tmp)),
        (admin_url(), Place::postgres()),
        (mysql_admin_url(), Place::mysql()),
    ] {
        let server = DatabaseUrl::parse(&server).unwrap();
        let mut made = String::new();
        let error = aurora_migrate::autogenerate::compare_scratch(
            &catalog,
            &Schema::default(),
            &server,
            Options::default(),
            &mut |url| made = url.to_string(),
        )
        .await
        .unwrap_err();
        assert!(error.to_string().contains("f2"), "{place:?}: {error}");
        let name = made.rsplit('/').next().unwrap().trim_end_matches(".db");
        assert!(name.starts_with("aurora_scratch_models_"), "{made}");
        assert!(
            !place.names().iter().any(|n| n.starts_with(name)),
            "{place:?}: {name} was left behind"
        );
    }
}
