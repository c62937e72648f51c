//! TLS, the way production connects, costs what the handshake costs and nothing more: no write
//! held back for a delayed ACK (a client socket without TCP_NODELAY stalls 40 ms at each
//! handshake and at each pipelined batch that spans several TLS records), and no more
//! HelloRetryRequests than the database's own client makes. Watched through a loopback proxy.

use std::path::Path;

use aurora_migrate::migrations::source::scan;
use aurora_migrate::{Catalog, DatabaseUrl, Options, Runner, Target};

use crate::proxy::Proxy;
use crate::support::{PgDb, cli, texts};

const SAMPLES: usize = 5;

/// `url` with its `host:port` replaced by the proxy's and `query` appended.
fn through(proxy: &Proxy, url: &str, query: &str) -> String {
    let parsed = url::Url::parse(url).expect("url");
    let server = format!(
        "{}:{}",
        parsed.host_str().expect("host"),
        parsed.port().expect("port")
    );
    let url = url.replacen(&server, &proxy.address, 1);
    let glue = if url.contains('?') { '&' } else { '?' };
    format!("{url}{glue}{query}")
}

/// Runs `args` on `url` `SAMPLES` times through the proxy, each run checked to succeed over
/// TLS; returns the stalls each run made.
fn stalls_per_run(proxy: &Proxy, dir: &Path, url: &str, args: &[&str]) -> Vec<usize> {
    (0..SAMPLES)
        .map(|_| {
            proxy.clear();
            let output = cli(dir)
                .args(["--database-url", url])
                .args(args)
                .output()
                .expect("run");
            let (_, stderr) = texts(&output);
            assert!(output.status.success(), "{args:?}: {stderr}");
            assert!(proxy.saw_tls(), "{args:?} did not negotiate TLS");
            proxy.stalls().len()
        })
        .collect()
}

/// A stall in most runs is the client's doing; one now and then is this shared machine.
fn assert_no_stalls(what: &str, stalls: &[usize]) {
    let stalled = stalls.iter().filter(|&&n| n > 0).count();
    assert!(
        stalled <= 1,
        "{what}: {stalled} of {} runs held a write back for a delayed ACK (stalls per run: {stalls:?})",
        stalls.len()
    );
}

#[test]
fn a_postgresql_tls_handshake_holds_no_write_back() {
    let db = PgDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let proxy = Proxy::start(&crate::servers::postgres().address);
    let url = through(&proxy, &db.url, "sslmode=require");
    let upgraded = cli(dir.path())
        .args(["--database-url", &url, "upgrade"])
        .output()
        .expect("upgrade");
    assert!(upgraded.status.success(), "{}", texts(&upgraded).1);
    assert_no_stalls(
        "current",
        &stalls_per_run(&proxy, dir.path(), &url, &["current"]),
    );
    assert_no_stalls(
        "status",
        &stalls_per_run(&proxy, dir.path(), &url, &["status"]),
    );
}

#[test]
fn a_mysql_tls_handshake_holds_no_write_back() {
    let server = crate::servers::mariadb_with_tls();
    let dir = tempfile::tempdir().expect("dir");
    let proxy = Proxy::start(&server.address);
    let url = through(&proxy, &server.url, "ssl-mode=REQUIRED");
    assert_no_stalls(
        "upgrade",
        &stalls_per_run(&proxy, dir.path(), &url, &["upgrade"]),
    );
    assert_no_stalls(
        "current",
        &stalls_per_run(&proxy, dir.path(), &url, &["current"]),
    );
}

/// `count` migrations, each adding a column and a 2 KB comment, so that a pipelined batch of
/// 16 spans several TLS records.
fn wide_migrations(dir: &Path, count: usize) -> Catalog {
    let comment = "x".repeat(2048);
    for i in 1..=count {
        let parent = match i {
            1 => String::new(),
            _ => format!("w{:03}", i - 1),
        };
        let up = match i {
            1 => "CREATE TABLE t (id INTEGER);".to_string(),
            _ => format!(
                "ALTER TABLE t ADD COLUMN c{i} INTEGER;\nCOMMENT ON COLUMN t.c{i} IS '{comment}';"
            ),
        };
        std::fs::write(
            dir.join(format!("w{i:03}_step.sql")),
            format!(
                "-- step {i}\n--\n-- Revision ID: w{i:03}\n-- Revises: {parent}\n\n-- migrate:upgrade\n{up}\n\n-- migrate:downgrade\nSELECT 1;\n"
            ),
        )
        .expect("write a migration");
    }
    Catalog::from_scan(scan::scan(dir).expect("scan"))
}

#[tokio::test(flavor = "multi_thread")]
async fn pipelined_batches_over_tls_hold_no_write_back() {
    let db = PgDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let catalog = wide_migrations(dir.path(), 64);
    let proxy = Proxy::start(&crate::servers::postgres().address);
    let url = through(&proxy, &db.url, "sslmode=require");
    let runner = Runner::new(
        &catalog,
        DatabaseUrl::parse(&url).expect("url"),
        Options::default(),
    )
    .expect("runner");
    let run = runner
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .expect("upgrade");
    assert_eq!(run.steps.len(), 64);
    assert!(proxy.saw_tls(), "the upgrade did not negotiate TLS");
    let stalls = proxy.stalls();
    assert!(
        stalls.len() <= 1,
        "64 migrations in batches of 16 held {} writes back for a delayed ACK: {stalls:?}",
        stalls.len()
    );
}

/// PostgreSQL up to 17 offers one curve for the key exchange (`ssl_ecdh_curve`, P-256 by
/// default), and a client that sends an X25519 key share first is asked again. psql does so
/// too: we may not be asked more often than it is.
#[test]
fn a_postgresql_handshake_is_retried_no_more_often_than_psql_s() {
    let db = PgDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let proxy = Proxy::start(&crate::servers::postgres().address);
    let url = through(&proxy, &db.url, "sslmode=require");
    let output = std::process::Command::new("psql")
        .args(["-X", "-At", "-d", &url, "-c", "SELECT 1"])
        .output()
        .expect("psql");
    assert!(output.status.success(), "{}", texts(&output).1);
    let theirs = proxy.hello_retries();
    proxy.clear();
    let output = cli(dir.path())
        .args(["--database-url", &url, "current"])
        .output()
        .expect("current");
    assert!(output.status.success(), "{}", texts(&output).1);
    let ours = proxy.hello_retries();
    assert!(
        ours <= theirs,
        "current was asked for another key share {ours} time(s), psql {theirs}"
    );
}
