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
    start_postgres("pg", "-c fsync=off -c full_page_writes=off")
}

/// A PostgreSQL server of one test's own, which no other test writes to (for counting what
/// the server itself does, as WAL flushes), with `settings` on its command line; it stops when
/// the test process ends.
pub fn postgres_of_its_own(name: &str, settings: &str) -> Server {
    start_postgres(name, settings)
}

fn start_postgres(name: &str, settings: &str) -> Server {
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
    let (cert, key) = (
        "/etc/ssl/certs/ssl-cert-snakeoil.pem",
        "/etc/ssl/private/ssl-cert-snakeoil.key",
    );
    let tls = match Path::new(cert).exists() && Path::new(key).exists() {
        true => format!(" -c ssl=on -c ssl_cert_file={cert} -c ssl_key_file={key}"),
        false => String::new(),
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
    start_mariadb("mariadb", false)
}

/// A MariaDB server of one test's own that offers TLS with the system's snake-oil
/// certificate (the local one may have TLS off); it stops when the test process ends.
pub fn mariadb_with_tls() -> Server {
    start_mariadb("mariadb-tls", true)
}

fn start_mariadb(name: &str, tls: bool) -> Server {
    let dir = server_dir(name, "mysql");
    let data = dir.join("data");
    let user = if is_root() { "--user=mysql" } else { "" };
    let output = Command::new("mariadb-install-db")
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
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
    let tls = match tls {
        true => snake_oil_for_mariadb(&dir),
        false => String::new(),
    };
    let server = format!(
        "/usr/sbin/mariadbd --no-defaults --datadir={} --port={port} --socket={}/mysqld.sock --bind-address=127.0.0.1 {user} --skip-log-bin{tls}",
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

/// The snake-oil certificate and a copy of its key that the server's user can read, as
/// `mariadbd` options.
fn snake_oil_for_mariadb(dir: &Path) -> String {
    let (cert, key) = (
        Path::new("/etc/ssl/certs/ssl-cert-snakeoil.pem"),
        Path::new("/etc/ssl/private/ssl-cert-snakeoil.key"),
    );
    assert!(
        cert.exists() && key.exists(),
        "a MariaDB with TLS needs the snake-oil certificate (Debian's ssl-cert package)"
    );
    let copy = dir.join("server.key");
    std::fs::copy(key, &copy).expect("copy the snake-oil key");
    if is_root() {
        let status = Command::new("chown").arg("mysql").arg(&copy).status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "chown mysql {}",
            copy.display()
        );
    }
    format!(
        " --ssl-cert={} --ssl-key={}",
        cert.display(),
        copy.display()
    )
}
