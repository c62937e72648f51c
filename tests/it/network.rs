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
            "sslrootcert /nonexistent/root.pem does not exist",
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

/// A URL of `server` whose host is `host`, with `query`.
fn on_host(server: &crate::servers::Server, host: &str, query: &str) -> String {
    let url = server.url.replace("127.0.0.1", host);
    with_query(&url, query)
}

#[test]
fn every_tls_failure_is_coded_tls_on_postgresql_and_mysql() {
    use crate::servers::{Tls, mariadb_with, mariadb_with_tls, mysql, postgres, postgres_with};
    let dir = tempfile::tempdir().expect("dir");
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a certificate\n").expect("write");
    let garbage = garbage.to_str().expect("utf-8");
    let folder = dir.path().to_str().expect("utf-8");
    let snake_oil = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
    let (pg, pg_unknown, pg_plain) = (
        postgres(),
        postgres_with("pg-unknown-ca", Tls::UnknownIssuer),
        postgres_with("pg-no-tls", Tls::Off),
    );
    let (my_tls, my_unknown, my_plain) = (
        mariadb_with_tls(),
        mariadb_with("mariadb-unknown-ca", Tls::UnknownIssuer),
        mysql(),
    );
    let cases: Vec<(&str, String)> = vec![
        (
            "pg: unknown CA",
            on_host(&pg_unknown, "localhost", "sslmode=verify-full"),
        ),
        (
            "pg: unknown CA, verify-ca",
            on_host(&pg_unknown, "localhost", "sslmode=verify-ca"),
        ),
        (
            "pg: wrong host name",
            on_host(pg, "127.0.0.1", "sslmode=verify-full"),
        ),
        (
            "pg: missing root certificate",
            on_host(
                pg,
                "localhost",
                "sslmode=verify-ca&sslrootcert=/nonexistent/root.pem",
            ),
        ),
        (
            "pg: root certificate is a directory",
            on_host(
                pg,
                "localhost",
                &format!("sslmode=verify-ca&sslrootcert={folder}"),
            ),
        ),
        (
            "pg: root certificate holds none",
            on_host(
                pg,
                "localhost",
                &format!("sslmode=verify-ca&sslrootcert={garbage}"),
            ),
        ),
        (
            "pg: missing client certificate",
            on_host(
                pg,
                "localhost",
                "sslmode=require&sslcert=/nonexistent/c.pem&sslkey=/nonexistent/c.key",
            ),
        ),
        (
            "pg: client certificate without its key",
            on_host(
                pg,
                "localhost",
                &format!("sslmode=require&sslcert={snake_oil}"),
            ),
        ),
        (
            "pg: client key holds none",
            on_host(
                pg,
                "localhost",
                &format!("sslmode=require&sslcert={snake_oil}&sslkey={garbage}"),
            ),
        ),
        (
            "pg: the server refuses TLS",
            on_host(&pg_plain, "127.0.0.1", "sslmode=require"),
        ),
        (
            "mysql: unknown CA",
            on_host(&my_unknown, "localhost", "ssl-mode=VERIFY_IDENTITY"),
        ),
        (
            "mysql: unknown CA, verify-ca",
            on_host(&my_unknown, "localhost", "ssl-mode=VERIFY_CA"),
        ),
        (
            "mysql: wrong host name",
            on_host(
                &my_tls,
                "127.0.0.1",
                &format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={snake_oil}"),
            ),
        ),
        (
            "mysql: missing CA file",
            on_host(
                &my_tls,
                "localhost",
                "ssl-mode=VERIFY_CA&ssl-ca=/nonexistent/ca.pem",
            ),
        ),
        (
            "mysql: CA file holds none",
            on_host(
                &my_tls,
                "localhost",
                &format!("ssl-mode=VERIFY_CA&ssl-ca={garbage}"),
            ),
        ),
        (
            "mysql: client certificate without its key",
            on_host(
                &my_tls,
                "localhost",
                &format!("ssl-mode=REQUIRED&ssl-cert={snake_oil}"),
            ),
        ),
        (
            "mysql: the server refuses TLS",
            on_host(my_plain, "127.0.0.1", "ssl-mode=REQUIRED"),
        ),
    ];
    let mut faults = Vec::new();
    for (what, url) in &cases {
        let (code, stdout, stderr) = run(
            dir.path(),
            &[
                "--format",
                "json",
                "--connect-timeout",
                "5",
                "--database-url",
                url,
                "current",
            ],
        );
        let value: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_default();
        let error = &value["error"];
        let message = error["message"].as_str().unwrap_or_default();
        if code != Some(1)
            || error["code"] != "tls"
            || message.matches("error with configuration").count() > 1
        {
            faults.push(format!("{what}: exit {code:?}, {stdout}{stderr}"));
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn a_bad_connection_setting_is_said_once() {
    let dir = tempfile::tempdir().expect("dir");
    let pg = crate::servers::postgres();
    let my = crate::servers::mysql();
    for (url, code, said) in [
        (
            with_query(&pg.url, "statement-cache-capacity=x"),
            "connect",
            "invalid connection setting: invalid digit",
        ),
        (
            with_query(&my.url, "statement-cache-capacity=x"),
            "connect",
            "invalid connection setting: invalid digit",
        ),
        (
            with_query(&pg.url, "sslmode=bogus"),
            "tls",
            "sslmode=bogus is not a mode; give one of disable, allow",
        ),
        (
            with_query(&my.url, "ssl-mode=bogus"),
            "tls",
            "ssl-mode=bogus is not a mode; give one of disabled, preferred",
        ),
    ] {
        let (exit, stdout, stderr) = run(
            dir.path(),
            &["--format", "json", "--database-url", &url, "current"],
        );
        let value: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_default();
        let message = value["error"]["message"].as_str().unwrap_or_default();
        assert_eq!(
            (exit, value["error"]["code"].as_str()),
            (Some(1), Some(code)),
            "{url}: {stdout}{stderr}"
        );
        assert_eq!(message.matches(said).count(), 1, "{url}: {message}");
        assert!(
            !message.contains("error with configuration"),
            "{url}: {message}"
        );
    }
}
