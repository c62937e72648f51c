//! SQLite held by another process's write transaction: the runner waits for it under
//! `--lock-timeout` (not SQLite's own busy timeout), names the holder when it gives up, stops
//! at once on SIGINT or SIGTERM, and goes on when the holder lets go.

use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sqlx::Connection;

use crate::support::{SqliteDb, cli, texts};

const HEAD: &str = "8d1e6b0f2a57";

/// Holds SQLite's write lock (an open `BEGIN IMMEDIATE`) from this process until dropped.
struct WriteTransaction {
    release: Option<mpsc::Sender<()>>,
    done: Option<std::thread::JoinHandle<()>>,
}

impl WriteTransaction {
    fn open(url: &str) -> WriteTransaction {
        let url = url.to_string();
        let (ready_tx, ready_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let done = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let mut connection = sqlx::SqliteConnection::connect(&url)
                    .await
                    .expect("connect");
                sqlx::raw_sql(
                    "BEGIN IMMEDIATE; INSERT INTO chains (name, chain_id) VALUES ('held', 7)",
                )
                .execute(&mut connection)
                .await
                .expect("write transaction");
                ready_tx.send(()).expect("ready");
                let _ = tokio::task::spawn_blocking(move || release_rx.recv()).await;
                sqlx::raw_sql("ROLLBACK")
                    .execute(&mut connection)
                    .await
                    .expect("rollback");
                let _ = connection.close().await;
            });
        });
        ready_rx.recv().expect("write transaction open");
        WriteTransaction {
            release: Some(release_tx),
            done: Some(done),
        }
    }
}

impl Drop for WriteTransaction {
    fn drop(&mut self) {
        drop(self.release.take());
        if let Some(done) = self.done.take() {
            let _ = done.join();
        }
    }
}

fn at_head() -> (SqliteDb, tempfile::TempDir) {
    let db = SqliteDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let output = cli(dir.path())
        .args(["--database-url", &db.url, "upgrade"])
        .output()
        .expect("run");
    assert!(output.status.success());
    (db, dir)
}

#[test]
fn the_lock_timeout_bounds_the_wait_and_the_holder_is_named() {
    let (db, dir) = at_head();
    let holder = WriteTransaction::open(&db.url);
    for (command, timeout) in [
        (&["downgrade", "-1"][..], "1s"),
        (&["upgrade", "base"], "1500ms"),
        (&["stamp", "cec3"], "1s"),
    ] {
        let started = Instant::now();
        let output = cli(dir.path())
            .args([
                "--database-url",
                &db.url,
                "--connect-timeout",
                "10",
                "--lock-timeout",
                timeout,
            ])
            .args(command)
            .output()
            .expect("run");
        let (stdout, stderr) = texts(&output);
        let took = started.elapsed();
        assert_eq!(
            output.status.code(),
            Some(1),
            "{command:?}: {stdout}{stderr}"
        );
        assert!(
            took >= Duration::from_millis(900) && took < Duration::from_secs(5),
            "{command:?} took {took:?}"
        );
        assert!(
            stderr.contains("another process holds a write lock on")
                && stderr.contains(&format!("held by process {}", std::process::id()))
                && stderr.contains("which has a write transaction open"),
            "{stderr}"
        );
    }
    drop(holder);
    assert_eq!(
        db.query("SELECT version_num FROM alembic_version"),
        [HEAD],
        "nothing changed"
    );
}

#[test]
fn a_signal_stops_the_wait_at_once() {
    let (db, dir) = at_head();
    let holder = WriteTransaction::open(&db.url);
    for (signal, code) in [("-INT", 130), ("-TERM", 143)] {
        let child = cli(dir.path())
            .args(["--database-url", &db.url, "downgrade", "-1"])
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(700));
        let sent = Instant::now();
        assert!(
            std::process::Command::new("kill")
                .args([signal, &child.id().to_string()])
                .status()
                .expect("kill")
                .success()
        );
        let output = child.wait_with_output().expect("wait");
        let (_, stderr) = texts(&output);
        assert_eq!(output.status.code(), Some(code), "{stderr}");
        assert!(sent.elapsed() < Duration::from_secs(2), "stopped promptly");
        assert!(
            stderr.contains("stopped before any migration ran; nothing was changed"),
            "{stderr}"
        );
    }
    drop(holder);
    assert_eq!(db.query("SELECT version_num FROM alembic_version"), [HEAD]);
}

#[test]
fn without_a_lock_timeout_the_runner_waits_past_sqlites_busy_timeout() {
    let (db, dir) = at_head();
    let holder = WriteTransaction::open(&db.url);
    // SQLite's own busy timeout is the connect timeout, 1 s here: the wait outlasts it.
    let child = cli(dir.path())
        .args([
            "--database-url",
            &db.url,
            "--connect-timeout",
            "1",
            "downgrade",
            "-1",
        ])
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(2500));
    drop(holder);
    let output = child.wait_with_output().expect("wait");
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stderr.contains("another process holds a write lock on"),
        "{stderr}"
    );
    assert_eq!(
        db.query("SELECT version_num FROM alembic_version"),
        ["3f2a9c1b7d4e"]
    );
}
