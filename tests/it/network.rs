//! Reaching a server as users write it: TLS by libpq's and MySQL's parameters, IPv6 literal
//! hosts, a unix socket with no user, and the connection budget of `--wait` and
//! `--connect-timeout`.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::Instant;

use crate::support::{PgDb, cli, mysql_admin_url, texts};

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = cli(dir).args(args).output().expect("run");
    let (stdout, stderr) = texts(&output);
    (output.status.code(), stdout, stderr)
}

/// `url` with `?query` (or `&query`) appended.
fn with_query(url: &str, query: &str) -> String {
    let glue = if url.contains('?') { '&' } else { '?' };
    format!("{url}{glue}{query}")
}

#[test]
fn tls_is_built_in_and_its_failures_are_reported_as_tls_failures() {
    let db = PgDb::new();
    let dir = tempfile::tempdir().expect("dir");
    for mode in [
        "sslmode=require",
        "sslmode=prefer",
        "sslmode=disable",
        "sslmode=verify-ca&sslrootcert=/etc/ssl/certs/ssl-cert-snakeoil.pem",
    ] {
        let url = with_query(&db.url, mode);
        let (code, _, stderr) = run(dir.path(), &["--database-url", &url, "upgrade"]);
        assert_eq!(code, Some(0), "{mode}: {stderr}");
    }
    // `require` cannot succeed without TLS: the upgrade above ran over it.
    let require = with_query(&db.url, "sslmode=require");
    for (query, expected) in [
        ("sslmode=verify-full", "cannot set up TLS"),
        (
            "sslmode=verify-ca&sslrootcert=/nonexistent/root.pem",
            "cannot read a certificate file",
        ),
    ] {
        let url = with_query(&db.url, query);
        let (code, _, stderr) = run(dir.path(), &["--database-url", &url, "current"]);
        assert_eq!(code, Some(1), "{query}");
        assert!(stderr.contains(expected), "{query}: {stderr}");
        assert!(
            !stderr.contains("not answering"),
            "a TLS failure is not a dead server: {stderr}"
        );
    }
    let (code, _, stderr) = run(dir.path(), &["--database-url", &require, "current"]);
    assert_eq!(code, Some(0), "{stderr}");
    // MySQL's spelling: the server here may or may not offer TLS; either way it is not "not answering".
    let mysql = with_query(&mysql_admin_url(), "ssl-mode=REQUIRED");
    let (code, _, stderr) = run(dir.path(), &["--database-url", &mysql, "current"]);
    assert!(
        code == Some(0) || stderr.contains("cannot set up TLS"),
        "{code:?}: {stderr}"
    );
}

/// Relays connections from `[::1]:port` to PostgreSQL on 127.0.0.1, for as long as the test runs.
fn ipv6_relay(to: u16) -> u16 {
    let listener = TcpListener::bind("[::1]:0").expect("IPv6 loopback");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for incoming in listener.incoming().flatten() {
            let Ok(outgoing) = TcpStream::connect(("127.0.0.1", to)) else {
                continue;
            };
            for (mut from, mut into) in [
                (
                    incoming.try_clone().expect("clone"),
                    outgoing.try_clone().expect("clone"),
                ),
                (outgoing, incoming),
            ] {
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut from, &mut into);
                    let _ = into.shutdown(std::net::Shutdown::Write);
                });
            }
        }
    });
    port
}

#[test]
fn an_ipv6_literal_host_connects() {
    let db = PgDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let port = ipv6_relay(
        crate::servers::postgres()
            .address
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port"),
    );
    let url = format!(
        "postgresql://postgres@[::1]:{port}/{}?sslmode=disable",
        db.name
    );
    let (code, _, stderr) = run(dir.path(), &["--database-url", &url, "upgrade"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (_, stdout, _) = run(
        dir.path(),
        &["--database-url", &url, "--format", "json", "current"],
    );
    assert!(
        stdout.contains(&format!("\"url\":\"postgres://postgres@[::1]:{port}/")),
        "{stdout}"
    );
}

#[test]
fn a_unix_socket_url_without_a_user_uses_the_operating_system_user() {
    let db = PgDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let url = format!(
        "postgresql:///{}?host={}&port={}",
        db.name,
        crate::servers::postgres().socket_dir.display(),
        crate::servers::postgres()
            .address
            .rsplit(':')
            .next()
            .unwrap_or("5432")
    );
    let output = cli(dir.path())
        .env_remove("USER")
        .env_remove("LOGNAME")
        .env_remove("PGUSER")
        .args(["--database-url", &url, "upgrade"])
        .output()
        .expect("run");
    let (_, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("anonymous"), "{stderr}");
}

#[test]
fn wait_uses_its_whole_budget_and_a_zero_connect_timeout_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let dead = "postgresql://postgres@127.0.0.1:1/db";
    for (budget, seconds) in [("3s", 3.0), ("1500ms", 1.5)] {
        let started = Instant::now();
        let (code, _, stderr) = run(
            dir.path(),
            &["--database-url", dead, "--wait", budget, "current"],
        );
        let took = started.elapsed().as_secs_f64();
        assert_eq!(code, Some(1), "{stderr}");
        assert!(
            took >= seconds - 0.05 && took < seconds + 1.5,
            "--wait {budget} gave up after {took:.2} s"
        );
        assert!(stderr.contains("retrying in"), "{stderr}");
    }
    for zero in ["--connect-timeout=0", "--connect-timeout=-1"] {
        let (code, _, stderr) = run(dir.path(), &["--database-url", dead, zero, "current"]);
        assert_eq!(code, Some(2), "{zero}: {stderr}");
        assert!(
            stderr.contains("for '--connect-timeout <SECONDS>'"),
            "{stderr}"
        );
    }
}
