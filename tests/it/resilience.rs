//! Waiting for a server, lock timeouts, interrupts, and the production guard.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Stdio;
use std::time::{Duration, Instant};

use aurora_migrate::error::Error;
use aurora_migrate::version_table::Tables;
use aurora_migrate::{DatabaseUrl, Options, Runner, Target};
use sqlx::Connection;

use crate::support::{Db, PgDb, catalog, cli, texts};

/// A port nothing listens on (yet).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    std::thread::spawn(move || {
        let mut buffer = [0u8; 16 * 1024];
        while let Ok(n) = from.read(&mut buffer) {
            if n == 0 || to.write_all(&buffer[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(std::net::Shutdown::Both);
    });
}

/// After `delay`, listens on `port` and forwards every connection to PostgreSQL, as a
/// database that starts after its clients would.
fn late_postgres(port: u16, delay: Duration) {
    std::thread::spawn(move || {
        std::thread::sleep(delay);
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind the late port");
        for client in listener.incoming().take(8).flatten() {
            if let Ok(server) = TcpStream::connect(crate::servers::postgres().address.as_str()) {
                pipe(
                    client.try_clone().expect("clone"),
                    server.try_clone().expect("clone"),
                );
                pipe(server, client);
            }
        }
    });
}

#[test]
fn wait_retries_until_the_database_answers() {
    let db = PgDb::new();
    let port = free_port();
    let url = db.url.replace(
        &crate::servers::postgres().address,
        &format!("127.0.0.1:{port}"),
    );
    assert_ne!(url, db.url, "the test URL names the default port");
    late_postgres(port, Duration::from_millis(1500));
    let dir = tempfile::tempdir().expect("dir");
    let output = cli(dir.path())
        .args(["--database-url", &url, "--wait", "30s", "upgrade"])
        .output()
        .expect("run");
    let (_, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("attempt 1:") && stderr.contains("retrying in"),
        "each retry is printed: {stderr}"
    );
    assert_eq!(
        db.query("SELECT version_num FROM alembic_version"),
        ["8d1e6b0f2a57"]
    );
}

#[test]
fn wait_gives_up_when_the_time_is_up() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("postgres://postgres@127.0.0.1:{}/none", free_port());
    let started = Instant::now();
    let output = cli(dir.path())
        .args(["--database-url", &url, "current"])
        .env("AURORA_WAIT", "2s")
        .output()
        .expect("run");
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        started.elapsed() >= Duration::from_millis(1500)
            && started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(stderr.contains("is not answering"), "{stderr}");
}

#[test]
fn a_lock_timeout_names_who_holds_the_lock() {
    for db in Db::all() {
        let dir = tempfile::tempdir().expect("dir");
        assert!(
            cli(dir.path())
                .args(["--database-url", db.url(), "-q", "upgrade", "cec3a80e61a4"])
                .output()
                .expect("run")
                .status
                .success()
        );
        let key = Tables::new("alembic_version").expect("tables").lock_key();
        let holder = hold_lock(&db, key);
        let started = Instant::now();
        let output = cli(dir.path())
            .args([
                "--database-url",
                db.url(),
                "--lock-timeout",
                "1s",
                "upgrade",
            ])
            .output()
            .expect("run");
        let (_, stderr) = texts(&output);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(started.elapsed() < Duration::from_secs(8));
        assert!(stderr.contains("gave up after waiting"), "{stderr}");
        let who = match db {
            Db::Pg(_) => "held by server process",
            Db::Mysql(_) => "held by connection",
            // The holder is this test's own process, named by the kernel's lock table.
            Db::Sqlite(_) => &format!("held by process {}", std::process::id()),
        };
        assert!(stderr.contains(who), "{stderr}");
        assert_eq!(
            db.query("SELECT version_num FROM alembic_version"),
            ["cec3a80e61a4"],
            "nothing changed"
        );
        drop(holder);
    }
}

/// Holds the runners' lock until dropped: an advisory lock on PostgreSQL, the file on SQLite.
enum Holder {
    /// A server session (PostgreSQL, MySQL); dropping the sender lets it close.
    Pg {
        _release: std::sync::mpsc::Sender<()>,
    },
    File {
        _file: std::fs::File,
    },
}

fn hold_lock(db: &Db, key: i64) -> Holder {
    match db {
        Db::Pg(pg) => {
            let (url, (ready_tx, ready_rx)) = (pg.url.clone(), std::sync::mpsc::channel());
            let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                runtime.block_on(async {
                    let mut connection = sqlx::PgConnection::connect(&url).await.expect("connect");
                    sqlx::query("SELECT pg_advisory_lock($1)")
                        .bind(key)
                        .execute(&mut connection)
                        .await
                        .expect("lock");
                    ready_tx.send(()).expect("ready");
                    let _ = tokio::task::spawn_blocking(move || release_rx.recv()).await;
                    let _ = connection.close().await;
                });
            });
            ready_rx.recv().expect("lock taken");
            Holder::Pg {
                _release: release_tx,
            }
        }
        Db::Mysql(my) => {
            // The runner's lock name: per version table and database.
            let name: String = format!("aurora-migrate:{key:x}:{}", my.name)
                .chars()
                .take(64)
                .collect();
            let (url, (ready_tx, ready_rx)) = (my.url.clone(), std::sync::mpsc::channel());
            let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                runtime.block_on(async {
                    let mut connection =
                        sqlx::MySqlConnection::connect(&url).await.expect("connect");
                    sqlx::query("SELECT GET_LOCK(?, 10)")
                        .bind(name)
                        .execute(&mut connection)
                        .await
                        .expect("lock");
                    ready_tx.send(()).expect("ready");
                    let _ = tokio::task::spawn_blocking(move || release_rx.recv()).await;
                    let _ = connection.close().await;
                });
            });
            ready_rx.recv().expect("lock taken");
            Holder::Pg {
                _release: release_tx,
            }
        }
        Db::Sqlite(_) => {
            let path = db.url().trim_start_matches("sqlite://").to_string();
            let file = std::fs::File::open(path).expect("open the database file");
            file.lock().expect("lock the database file");
            Holder::File { _file: file }
        }
    }
}

#[tokio::test]
async fn an_interrupt_rolls_back_the_migration_in_progress_and_releases_the_lock() {
    let catalog = catalog("slow");
    for db in Db::transactional() {
        let interrupt = crate::support::interrupt_after(Duration::from_millis(700), 15);
        let options = Options::default().with_interrupt(interrupt.clone());
        let runner = Runner::new(&catalog, DatabaseUrl::parse(db.url()).unwrap(), options).unwrap();
        let started = Instant::now();
        let error = runner
            .upgrade(&Target::Head, &mut |_| {})
            .await
            .unwrap_err();
        let Error::Interrupted {
            signal,
            revision,
            done,
        } = &error
        else {
            panic!("{}: {error}", db.name())
        };
        assert_eq!(
            (*signal, revision.as_deref(), done.as_slice()),
            (15, Some("s2"), &["s1".to_string()][..]),
            "{}",
            db.name()
        );
        assert!(
            error
                .to_string()
                .starts_with("SIGTERM: s2 was interrupted and rolled back"),
            "{error}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{}: stopped promptly, {:?}",
            db.name(),
            started.elapsed()
        );
        assert_eq!(
            db.query("SELECT version_num FROM alembic_version"),
            ["s1"],
            "{}",
            db.name()
        );
        let tables: Vec<String> = db
            .tables()
            .into_iter()
            .filter(|t| t.starts_with("t_s"))
            .collect();
        assert_eq!(tables, ["t_s1"], "{}: nothing of s2 remains", db.name());
        let again = Runner::new(
            &catalog,
            DatabaseUrl::parse(db.url()).unwrap(),
            Options::default().with_lock_timeout(Some(Duration::from_secs(2))),
        )
        .unwrap();
        // Reverting s1 needs the lock (re-running the slow s2 would only take time).
        let run = again
            .downgrade(&Target::Base, &mut |_| {})
            .await
            .expect("the lock was released");
        assert!(run.current.is_empty(), "{}: {:?}", db.name(), run.current);
    }
}

/// MySQL cannot roll DDL back: the interrupted migration finishes, then the run stops.
#[tokio::test]
async fn on_mysql_an_interrupt_lets_the_migration_finish_then_stops() {
    let catalog = catalog("slow");
    let db = crate::support::MysqlDb::new();
    let interrupt = crate::support::interrupt_after(Duration::from_millis(700), 2);
    let options = Options::default().with_interrupt(interrupt.clone());
    let runner = Runner::new(&catalog, DatabaseUrl::parse(&db.url).unwrap(), options).unwrap();
    let error = runner
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .unwrap_err();
    let Error::Interrupted {
        signal,
        revision,
        done,
    } = &error
    else {
        panic!("{error}")
    };
    assert_eq!(
        (*signal, revision.as_deref(), done.as_slice()),
        (2, None, &["s1".to_string(), "s2".to_string()][..])
    );
    assert_eq!(db.query("SELECT version_num FROM alembic_version"), ["s2"]);
    assert!(
        db.query("SELECT revision FROM alembic_version_aurora_dirty")
            .is_empty(),
        "no migration left half-done"
    );
}

#[test]
fn sigterm_while_waiting_for_the_lock_exits_with_143() {
    let db = Db::Pg(PgDb::new());
    let dir = tempfile::tempdir().expect("dir");
    let holder = hold_lock(
        &db,
        Tables::new("alembic_version").expect("tables").lock_key(),
    );
    let child = cli(dir.path())
        .args(["--database-url", db.url(), "upgrade"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(800));
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let output = child.wait_with_output().expect("wait");
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(143), "{stderr}");
    assert!(
        stderr.contains("SIGTERM") && stderr.contains("the lock is released"),
        "{stderr}"
    );
    drop(holder);
    assert!(
        db.query("SELECT tablename::text FROM pg_tables WHERE tablename = 'alembic_version'")
            .is_empty(),
        "nothing was changed"
    );
}
