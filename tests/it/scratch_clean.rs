//! `scratch clean`: what runs killed with SIGKILL left behind (throwaway databases on
//! PostgreSQL and MariaDB, SQLite files in the temporary directory) is found by its name and
//! dropped; a run still going, a database in use, and another host's database younger than the
//! grace period are kept, each with its reason; production needs `--yes`.

use std::process::{Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sqlx::{Connection, Executor};

use crate::scratch::{Place, command_line, query, stem};
use crate::support::{admin_url, cli, fixture, mysql_admin_url, texts};

/// Runs a statement on the server of `url`.
fn execute(url: &str, sql: &str) {
    let (url, sql) = (url.to_string(), sql.to_string());
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(async move {
                let mut c = sqlx::PgConnection::connect(&url).await.expect("connect");
                c.execute(sqlx::AssertSqlSafe(sql))
                    .await
                    .expect("statement");
            })
    })
    .join()
    .expect("thread");
}

/// Waits until no session is connected to `name` (a killed client's statement runs on until
/// the server notices).
fn wait_unused(place: &Place, name: &str) {
    let sql = match place {
        Place::Postgres(_) => {
            format!("SELECT pid::text FROM pg_stat_activity WHERE datname = '{name}'")
        }
        Place::Mysql(_) => format!(
            "SELECT CAST(ID AS CHAR) FROM information_schema.PROCESSLIST WHERE DB = '{name}'"
        ),
        Place::Files(_) => return,
    };
    let url = match place {
        Place::Postgres(url) | Place::Mysql(url) => url,
        Place::Files(_) => return,
    };
    let started = Instant::now();
    while !query(url, &sql).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{name} stays in use"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn with_database(url: &str, name: &str) -> String {
    let (server, _) = url.rsplit_once('/').expect("a URL with a database");
    format!("{server}/{name}")
}

#[test]
fn scratch_clean_drops_what_killed_runs_left_and_keeps_the_rest() {
    let (pg, my) = (admin_url(), mysql_admin_url());
    let slow = fixture("slow");
    let tmp = tempfile::tempdir().expect("tmp");
    let cwd = tempfile::tempdir().expect("cwd");
    let files = Place::Files(tmp.path().to_path_buf());

    // Runs killed with SIGKILL, on each kind.
    let mut orphans = Vec::new();
    for (args, place) in [
        (vec!["test"], files.clone()),
        (vec!["test", "--scratch-url", &pg], Place::postgres()),
        (vec!["test", "--scratch-url", &my], Place::mysql()),
    ] {
        let mut child = command_line(&slow, cwd.path(), tmp.path(), &args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let name = place.wait_for(child.id(), &mut child);
        std::thread::sleep(Duration::from_millis(300));
        child.kill().expect("SIGKILL");
        child.wait().expect("wait");
        wait_unused(&place, &name);
        orphans.push((place, stem(&name).to_string()));
    }

    // Another host's: one two days old, one just made, one old but in use.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let old = now - 2 * 86_400;
    let unique = std::process::id();
    let foreign_old = format!("aurora_scratch_test_0badc0de_{unique}_{old}_0");
    let foreign_young = format!("aurora_scratch_test_0badc0de_{unique}_{now}_1");
    let foreign_busy = format!("aurora_scratch_test_0badc0de_{unique}_{old}_2");
    for name in [&foreign_old, &foreign_young, &foreign_busy] {
        execute(&pg, &format!("CREATE DATABASE \"{name}\""));
    }
    let busy_url = with_database(&pg, &foreign_busy);
    let (release, released) = std::sync::mpsc::channel::<()>();
    let (ready, connected) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(async move {
                let c = sqlx::PgConnection::connect(&busy_url)
                    .await
                    .expect("connect");
                ready.send(()).expect("ready");
                let _ = tokio::task::spawn_blocking(move || released.recv()).await;
                let _ = c.close().await;
            })
    });
    connected.recv().expect("connected");

    // A run still going.
    let mut live = command_line(
        &slow,
        cwd.path(),
        tmp.path(),
        &["test", "--scratch-url", &pg],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .expect("spawn");
    let live_name = Place::postgres().wait_for(live.id(), &mut live);

    let clean = |extra: &[&str], production: bool| -> Output {
        let mut command = cli(cwd.path());
        command
            .env("TMPDIR", tmp.path())
            .args([
                "scratch",
                "clean",
                "--scratch-url",
                &pg,
                "--scratch-url",
                &my,
            ])
            .args(extra);
        if production {
            command.env("AURORA_ENV", "production");
        }
        command.output().expect("run")
    };
    let everything_there = |why: &str| {
        for (place, name) in &orphans {
            assert!(
                place.names().iter().any(|n| n.starts_with(name.as_str())),
                "{why}: {name} was dropped"
            );
        }
    };

    // Production: nothing without --yes; what would go is listed.
    let output = clean(&[], true);
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stderr.contains("--yes"), "{stderr}");
    everything_there("production without --yes");
    // --dry-run lists and drops nothing.
    let output = clean(&["--dry-run"], false);
    let (stdout, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    for (_, name) in &orphans {
        assert!(stdout.contains(&format!("would drop {name}")), "{stdout}");
    }
    everything_there("--dry-run");

    let output = clean(&[], false);
    let (stdout, stderr) = texts(&output);
    assert!(output.status.success(), "{stdout}{stderr}");
    for (place, name) in &orphans {
        assert!(
            stdout.contains(&format!("dropped {name}")) && stdout.contains("no longer running"),
            "{name}: {stdout}"
        );
        assert!(
            !place.names().iter().any(|n| n.starts_with(name.as_str())),
            "{name} is still there"
        );
    }
    assert!(
        stdout.contains(&format!("dropped {foreign_old}")),
        "{stdout}"
    );
    let kept = |name: &str, why: &str| {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(&format!("kept {name}")) && l.contains(why)),
            "{name} ({why}): {stdout}"
        );
        assert!(
            Place::postgres().names().iter().any(|n| n == name),
            "{name} was dropped"
        );
    };
    kept(&foreign_young, "within the grace period");
    kept(&foreign_busy, "in use");
    kept(&live_name, "still running");

    // The live run, stopped by a signal, drops its own.
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &live.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let pid = live.id();
    let output = live.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(143), "{}", texts(&output).1);
    assert!(Place::postgres().made_by(pid).is_empty());

    release.send(()).expect("release");
    holder.join().expect("holder");
    for name in [&foreign_young, &foreign_busy] {
        execute(
            &pg,
            &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
        );
    }
}
