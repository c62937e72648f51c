//! The servers the tests talk to. A URL given in `AURORA_TEST_PG_URL` / `AURORA_TEST_MYSQL_URL`
//! is used as it is, and a test fails when it does not answer. With none given, the local
//! server on the usual port is used when it answers; when nothing answers, a private server is
//! made for this run from the installed binaries (`initdb` and `postgres`, `mariadb-install-db`
//! and `mariadbd`) in a temporary directory on a free loopback port, and it stops, its
//! directory removed, once the test process ends. `AURORA_TEST_PRIVATE_SERVERS=1` starts the
//! private ones even when local servers answer (CI does so for a subset, to prove them).

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A database server reachable over TCP.
pub struct Server {
    /// A URL for its `test` database (a throwaway database is created beside it per test).
    pub url: String,
    /// `127.0.0.1:port`.
    pub address: String,
    /// Where its unix socket is (PostgreSQL).
    pub socket_dir: PathBuf,
}

pub fn postgres() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        if let Ok(url) = std::env::var("AURORA_TEST_PG_URL") {
            return configured(url, "/var/run/postgresql");
        }
        if private_wanted() {
            return private_postgres();
        }
        match answers("127.0.0.1:5432") {
            true => configured(
                "postgres://postgres@127.0.0.1:5432/test".into(),
                "/var/run/postgresql",
            ),
            false => private_postgres(),
        }
    })
}

pub fn mysql() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        if let Ok(url) = std::env::var("AURORA_TEST_MYSQL_URL") {
            return configured(url, "/run/mysqld");
        }
        if private_wanted() {
            return private_mariadb();
        }
        match answers("127.0.0.1:3306") {
            true => configured("mysql://root@127.0.0.1:3306/test".into(), "/run/mysqld"),
            false => private_mariadb(),
        }
    })
}

fn private_wanted() -> bool {
    std::env::var_os("AURORA_TEST_PRIVATE_SERVERS").is_some_and(|v| v == "1")
}

fn configured(url: String, socket_dir: &str) -> Server {
    let address = url
        .split_once('@')
        .map(|(_, rest)| rest.split('/').next().unwrap_or_default().to_string())
        .unwrap_or_default();
    Server {
        url,
        address,
        socket_dir: PathBuf::from(socket_dir),
    }
}

fn answers(address: &str) -> bool {
    let Ok(address) = address.parse() else {
        return false;
    };
    TcpStream::connect_timeout(&address, Duration::from_millis(300)).is_ok()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A private directory for one server, owned by `user` when the tests run as root (servers
/// refuse to run as root).
fn server_dir(name: &str, user: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aurora-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("server directory");
    if is_root() {
        let status = Command::new("chown").arg(user).arg(&dir).status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "chown {user} {}",
            dir.display()
        );
    }
    dir
}

/// `command` as `user` when running as root.
fn as_user(user: &str, program: &Path) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", user, "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

/// Runs `server` in the background under a watcher that stops it, and removes `dir`, once
/// this test process is gone.
#[expect(
    clippy::zombie_processes,
    reason = "the watcher outlives this process on purpose: it stops the server after it"
)]
fn start_watched(user: &str, server: &str, dir: &Path) {
    let script = format!(
        "{server} >{dir}/server.log 2>&1 & s=$!; while [ -d /proc/{pid} ]; do sleep 1; done; kill $s; wait $s; rm -rf {dir}",
        dir = dir.display(),
        pid = std::process::id()
    );
    as_user(user, Path::new("/bin/sh"))
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the private server");
}

fn wait_for(address: &str, dir: &Path) {
    let started = Instant::now();
    while !answers(address) {
        if started.elapsed() > Duration::from_secs(60) {
            let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
            panic!("the private server at {address} did not start:\n{log}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn postgres_bin(program: &str) -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    versions.sort();
    versions
        .into_iter()
        .rev()
        .map(|bin| bin.join(program))
        .find(|path| path.exists())
        .unwrap_or_else(|| {
            panic!("no PostgreSQL server answers at 127.0.0.1:5432 and none is installed to start one ({program})")
        })
}

fn private_postgres() -> Server {
    start_postgres("pg", "-c fsync=off -c full_page_writes=off", Tls::SnakeOil)
}

/// The certificate a private server presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// The system's snake-oil certificate, as the packaged servers have it.
    SnakeOil,
    /// One made for this server alone, self-signed for localhost and 127.0.0.1: no trust
    /// store knows its issuer.
    UnknownIssuer,
    /// No TLS at all.
    Off,
}

/// A PostgreSQL server of one test's own presenting `tls`; it stops when the test process ends.
pub fn postgres_with(name: &str, tls: Tls) -> Server {
    start_postgres(name, "-c fsync=off", tls)
}

/// A certificate and key in `dir` for `tls`, readable by the server's `user` alone; `None` for
/// no TLS.
fn certificate(dir: &Path, user: &str, tls: Tls) -> Option<(PathBuf, PathBuf)> {
    let snake_oil = (
        PathBuf::from("/etc/ssl/certs/ssl-cert-snakeoil.pem"),
        PathBuf::from("/etc/ssl/private/ssl-cert-snakeoil.key"),
    );
    let (cert, key) = match tls {
        Tls::Off => return None,
        Tls::SnakeOil if !(snake_oil.0.exists() && snake_oil.1.exists()) => return None,
        Tls::SnakeOil => {
            let key = dir.join("server.key");
            std::fs::copy(&snake_oil.1, &key).expect("copy the snake-oil key");
            (snake_oil.0, key)
        }
        Tls::UnknownIssuer => {
            let (cert, key) = (dir.join("own.pem"), dir.join("own.key"));
            let output = Command::new("openssl")
                .args([
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                ])
                .args(["-subj", "/CN=localhost"])
                .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
                .arg("-keyout")
                .arg(&key)
                .arg("-out")
                .arg(&cert)
                .output()
                .expect("openssl makes a certificate");
            assert!(
                output.status.success(),
                "openssl: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            (cert, key)
        }
    };
    let mode = std::os::unix::fs::PermissionsExt::from_mode(0o600);
    std::fs::set_permissions(&key, mode).expect("chmod the key");
    if is_root() {
        let status = Command::new("chown").arg(user).arg(&key).status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "chown {user} {}",
            key.display()
        );
    }
    Some((cert, key))
}

/// A PostgreSQL server of one test's own, which no other test writes to (for counting what
/// the server itself does, as WAL flushes), with `settings` on its command line; it stops when
/// the test process ends.
pub fn postgres_of_its_own(name: &str, settings: &str) -> Server {
    start_postgres(name, settings, Tls::SnakeOil)
}

fn start_postgres(name: &str, settings: &str, tls: Tls) -> Server {
    let dir = server_dir(name, "postgres");
    let data = dir.join("data");
    let output = as_user("postgres", &postgres_bin("initdb"))
        .arg("-D")
        .arg(&data)
        .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
        .output()
        .expect("initdb runs");
    assert!(
        output.status.success(),
        "initdb: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let port = free_port();
    // TLS as the packaged server has it, where the system's snake-oil certificate exists.
    let tls = match certificate(&dir, "postgres", tls) {
        Some((cert, key)) => format!(
            " -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
            cert.display(),
            key.display()
        ),
        None => " -c ssl=off".to_string(),
    };
    let server = format!(
        "{} -D {} -p {port} -k {} -h 127.0.0.1 {settings}{tls}",
        postgres_bin("postgres").display(),
        data.display(),
        dir.display()
    );
    start_watched("postgres", &server, &dir);
    let address = format!("127.0.0.1:{port}");
    wait_for(&address, &dir);
    // The tests connect as postgres, and over the socket as the operating system's user.
    let user = std::env::var("USER").unwrap_or_else(|_| "root".into());
    let psql = postgres_bin("psql");
    for sql in [
        "CREATE DATABASE test".to_string(),
        format!("CREATE ROLE \"{user}\" LOGIN SUPERUSER"),
    ] {
        let _ = Command::new(&psql)
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-c",
                &sql,
            ])
            .output();
    }
    Server {
        url: format!("postgres://postgres@{address}/test"),
        address,
        socket_dir: dir,
    }
}

fn private_mariadb() -> Server {
    start_mariadb("mariadb", Tls::Off)
}

/// A MariaDB server of one test's own that offers TLS with the system's snake-oil
/// certificate (the local one may have TLS off); it stops when the test process ends.
pub fn mariadb_with_tls() -> Server {
    start_mariadb("mariadb-tls", Tls::SnakeOil)
}

/// A MariaDB server of one test's own presenting `tls`; it stops when the test process ends.
pub fn mariadb_with(name: &str, tls: Tls) -> Server {
    start_mariadb(name, tls)
}

fn start_mariadb(name: &str, tls: Tls) -> Server {
    let dir = server_dir(name, "mysql");
    let data = dir.join("data");
    let user = if is_root() { "--user=mysql" } else { "" };
    // A private tmpdir: mariadbd deletes every `#sql*` file in its tmpdir when it starts, and
    // in the shared /tmp those are the temporary tables of the main server's running queries.
    let tmpdir = format!("--tmpdir={}", dir.display());
    let output = Command::new("mariadb-install-db")
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .arg(&tmpdir)
        .args([user, "--auth-root-authentication-method=normal", "--skip-test-db"].into_iter().filter(|a| !a.is_empty()))
        .output()
        .unwrap_or_else(|e| {
            panic!("no MariaDB server answers at 127.0.0.1:3306 and mariadb-install-db cannot start one: {e}")
        });
    assert!(
        output.status.success(),
        "mariadb-install-db: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    let port = free_port();
    if tls == Tls::SnakeOil {
        assert!(
            Path::new("/etc/ssl/private/ssl-cert-snakeoil.key").exists(),
            "a MariaDB with TLS needs the snake-oil certificate (Debian's ssl-cert package)"
        );
    }
    let tls = match certificate(&dir, "mysql", tls) {
        Some((cert, key)) => format!(" --ssl-cert={} --ssl-key={}", cert.display(), key.display()),
        None => String::new(),
    };
    let server = format!(
        "/usr/sbin/mariadbd --no-defaults --datadir={} {tmpdir} --port={port} --socket={}/mysqld.sock --bind-address=127.0.0.1 {user} --skip-log-bin{tls}",
        data.display(),
        dir.display()
    );
    start_watched("mysql", &server, &dir);
    let address = format!("127.0.0.1:{port}");
    wait_for(&address, &dir);
    let created = Command::new("mariadb")
        .args([
            "-h",
            "127.0.0.1",
            "-P",
            &port.to_string(),
            "-uroot",
            "-e",
            "CREATE DATABASE test",
        ])
        .output()
        .expect("mariadb client");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    Server {
        url: format!("mysql://root@{address}/test"),
        address,
        socket_dir: dir,
    }
}
