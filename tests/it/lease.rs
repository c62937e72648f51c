//! The lease lock (`--lock lease`) on a real server: a holder killed with SIGKILL is taken over
//! once its lease runs out, and the step it left running on the server fails its fence and
//! rolls back; and through a real PgBouncer in transaction-pooling mode, the advisory lock
//! lets runners overlap (each server connection is shared, so the session lock means nothing)
//! while the lease keeps them apart. Sixteen concurrent runners with the lease, on PostgreSQL
//! and MariaDB, are in concurrency.rs.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aurora_migrate::runner::{Lock, Options};
use aurora_migrate::{Catalog, DatabaseUrl, Error, Runner, Target};

use crate::support::{PgDb, catalog};

/// The killed holder's database, for the process that plays it.
const HOLDER_URL: &str = "AURORA_TEST_LEASE_HOLDER_URL";

const LEASE: Duration = Duration::from_secs(1);

fn lease(lock_timeout: Option<Duration>) -> Options {
    Options::default()
        .with_lock(Lock::Lease { duration: LEASE })
        .with_lock_timeout(lock_timeout)
}

fn upgrade(catalog: &Catalog, url: &str, options: Options) -> Result<Vec<String>, Error> {
    let runner = Runner::new(catalog, DatabaseUrl::parse(url).unwrap(), options).unwrap();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(runner.upgrade(&Target::Head, &mut |_| {}))
        .map(|run| run.current)
}

/// Not a test by itself: the process the SIGKILL test starts, which takes the lease and runs
/// the slow migrations until it is killed.
#[test]
#[ignore = "the holder that a_killed_holder_is_taken_over_and_its_running_step_fenced_off kills"]
fn lease_holder_process() {
    if let Ok(url) = std::env::var(HOLDER_URL) {
        let _ = upgrade(&catalog("lease"), &url, lease(None));
    }
}

#[test]
fn a_killed_holder_is_taken_over_and_its_running_step_fenced_off() {
    let db = PgDb::new();
    db.query("CREATE TABLE applied (revision VARCHAR(32) NOT NULL)");
    let mut holder = Command::new(std::env::current_exe().unwrap())
        .args([
            "lease::lease_holder_process",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env(HOLDER_URL, &db.url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed the moment l1 commits: the holder is then inside l2, which sleeps two seconds.
    let deadline = Instant::now() + Duration::from_secs(60);
    while db.query("SELECT count(*)::text FROM applied") != ["1"] {
        assert!(Instant::now() < deadline, "the holder never committed l1");
        std::thread::sleep(Duration::from_millis(10));
    }
    let pid = holder.id();
    holder.kill().unwrap();
    holder.wait().unwrap();

    // The lease still names the dead holder until it expires: a runner that will not wait
    // long enough is refused, and told who holds it, and that it is dead (it ran on this host
    // and its process is gone).
    let catalog = catalog("lease");
    let refused = upgrade(&catalog, &db.url, lease(Some(Duration::from_millis(100))));
    let refused = refused.expect_err("the lease has not expired yet");
    let message = refused.to_string();
    let hint = refused
        .hint()
        .map(|hint| hint.to_string())
        .unwrap_or_default();
    assert!(
        message.contains("migration lease")
            && message.contains(&format!("process {pid}, which is dead"))
            && hint.contains("`lease break`"),
        "{message}; {hint}"
    );

    // One that waits takes it over once it expires, with the next fencing token. The dead
    // holder's l2 is still running on the server; its fence finds the token changed, so it
    // rolls back, and l2 runs once, from the new holder.
    let current = upgrade(&catalog, &db.url, lease(None)).expect("taken over");
    assert_eq!(current, ["l3"]);
    assert_eq!(
        db.query("SELECT revision FROM applied ORDER BY revision"),
        ["l1", "l2", "l3"],
        "each migration applied once"
    );
    assert_eq!(
        db.query("SELECT revision FROM alembic_version_aurora_log ORDER BY revision"),
        ["l1", "l2", "l3"]
    );
    assert_eq!(
        db.query("SELECT concat(token, ' ', coalesce(holder, 'released')) FROM alembic_version_aurora_lease"),
        ["2 released"]
    );
}

#[test]
fn behind_a_transaction_pooling_pgbouncer_only_the_lease_keeps_runners_apart() {
    let Some(bouncer) = PgBouncer::start() else {
        return;
    };
    let catalog = catalog("lease");
    for lock in [Lock::Advisory, Lock::Lease { duration: LEASE }] {
        let db = PgDb::new();
        db.query("CREATE TABLE applied (revision VARCHAR(32) NOT NULL)");
        let url = bouncer.url(&db.name);
        // An advisory lock left behind on a pooled server connection (its unlock went to
        // another one) would make a runner wait until the pooler closes that connection.
        let options = Options::default()
            .with_lock(lock)
            .with_lock_timeout(Some(Duration::from_secs(10)));
        let results: Vec<Result<Vec<String>, Error>> = std::thread::scope(|scope| {
            let runners: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| upgrade(&catalog, &url, options.clone())))
                .collect();
            runners.into_iter().map(|r| r.join().unwrap()).collect()
        });
        let applied = db.query("SELECT revision FROM applied ORDER BY revision");
        match lock {
            Lock::Advisory => assert!(
                applied.len() > 3 || results.iter().any(Result::is_err),
                "eight runners through the pooler ran as if serialised by the advisory lock: {applied:?}"
            ),
            Lock::Lease { .. } => {
                for result in &results {
                    assert_eq!(result.as_ref().expect("a runner failed"), &["l3"]);
                }
                assert_eq!(applied, ["l1", "l2", "l3"], "each migration applied once");
            }
        }
    }
}

/// A PgBouncer in transaction-pooling mode in front of the test server, on a free loopback
/// port, with two server connections per database; stopped when dropped.
pub struct PgBouncer {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl PgBouncer {
    /// Starts one; `None` (with a note) where Debian's `pgbouncer` is not installed, except
    /// in CI (`CI=1`), which installs it and where its absence fails the test.
    pub fn start() -> Option<PgBouncer> {
        if Command::new("pgbouncer").arg("--version").output().is_err() {
            assert!(
                std::env::var_os("CI").is_none(),
                "pgbouncer is not installed: .ci/run installs Debian's pgbouncer package"
            );
            eprintln!("SKIPPED: pgbouncer is not installed (apt-get install pgbouncer)");
            return None;
        }
        let server = crate::servers::postgres();
        let (host, server_port) = server.address.rsplit_once(':').unwrap();
        let dir = tempfile::tempdir().unwrap();
        // PgBouncer refuses to run as root: it runs as postgres, which must read and write here.
        set_mode(dir.path(), 0o777);
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let root = dir.path().to_path_buf();
        let path = |name: &str| root.join(name).display().to_string();
        std::fs::write(path("users.txt"), "\"postgres\" \"\"\n").unwrap();
        let config = format!(
            "[databases]\n* = host={host} port={server_port}\n\n[pgbouncer]\n\
             listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
             auth_type = trust\nauth_file = {users}\npool_mode = transaction\n\
             default_pool_size = 2\nmax_client_conn = 100\n\
             ignore_startup_parameters = extra_float_digits,options\n\
             logfile = {log}\npidfile = {pid}\n",
            users = path("users.txt"),
            log = path("pgbouncer.log"),
            pid = path("pgbouncer.pid"),
        );
        std::fs::write(path("pgbouncer.ini"), config).unwrap();
        for file in ["users.txt", "pgbouncer.ini"] {
            set_mode(&dir.path().join(file), 0o644);
        }
        let mut command = Command::new("pgbouncer");
        if is_root() {
            command.args(["-u", "postgres"]);
        }
        let child = command
            .arg(path("pgbouncer.ini"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut bouncer = PgBouncer {
            child,
            port,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = bouncer.child.try_wait() {
                let log = std::fs::read_to_string(path("pgbouncer.log")).unwrap_or_default();
                panic!("pgbouncer exited ({status}): {log}");
            }
            assert!(Instant::now() < deadline, "pgbouncer did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(bouncer)
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for PgBouncer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}
