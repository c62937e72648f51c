//! Throwaway databases and a handle on the built binary.
//!
//! The servers are the configured ones, the local ones, or private ones started for the run
//! (`servers.rs`); a test fails, never skips, when a configured server does not answer.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use aurora_migrate::Catalog;
use aurora_migrate::interrupt::Interrupt;
use aurora_migrate::migrations::source::scan;
use sqlx::{Connection, Executor, Row};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub fn admin_url() -> String {
    crate::servers::postgres().url.clone()
}

pub fn unique_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// Runs `future` on a runtime of its own, so helpers work inside and outside `#[tokio::test]`.
fn block_on<T: Send + 'static>(future: impl std::future::Future<Output = T> + Send + 'static) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(future)
    })
    .join()
    .expect("helper thread")
}

/// A PostgreSQL database created for one test and dropped after it.
pub struct PgDb {
    pub name: String,
    pub url: String,
}

impl PgDb {
    pub fn new() -> PgDb {
        let name = unique_name("aurora_it");
        let admin = admin_url();
        let create = format!("CREATE DATABASE \"{name}\"");
        block_on(async move {
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .unwrap_or_else(|e| {
                    panic!("PostgreSQL must be running for these tests ({admin}): {e}")
                });
            conn.execute(sqlx::AssertSqlSafe(create))
                .await
                .expect("create test database");
        });
        let base = admin_url();
        let url = match base.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => panic!("AURORA_TEST_PG_URL must end with /database"),
        };
        PgDb { name, url }
    }

    /// Runs a query and returns the first column of each row as text.
    pub fn query(&self, sql: &str) -> Vec<String> {
        let (url, sql) = (self.url.clone(), sql.to_string());
        block_on(async move {
            let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut conn)
                .await
                .expect("query");
            rows.iter()
                .map(|r| {
                    r.try_get::<Option<String>, _>(0)
                        .expect("text column")
                        .unwrap_or_default()
                })
                .collect()
        })
    }

    /// The schema as text: columns, constraints, indexes and enum types, sorted.
    pub fn catalogue(&self) -> Vec<String> {
        self.query(
            "SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || udt_name || ' ' || is_nullable || ' ' || coalesce(column_default, '') \
               FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE 'alembic_version%' \
             UNION ALL SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) \
               FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE 'alembic_version%' \
             UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE 'alembic_version%' \
             UNION ALL SELECT 'type ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) \
               FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname \
             ORDER BY 1",
        )
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let (admin, drop) = (
            admin_url(),
            format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
        );
        block_on(async move {
            if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                let _ = conn.execute(sqlx::AssertSqlSafe(drop)).await;
            }
        });
    }
}

/// A temporary directory holding a SQLite database file.
pub struct SqliteDb {
    /// Kept so the directory lives as long as the database.
    _dir: tempfile::TempDir,
    pub url: String,
}

impl SqliteDb {
    pub fn new() -> SqliteDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        SqliteDb { _dir: dir, url }
    }

    pub fn query(&self, sql: &str) -> Vec<String> {
        let (url, sql) = (self.url.clone(), sql.to_string());
        block_on(async move {
            let mut conn = sqlx::SqliteConnection::connect(&url)
                .await
                .expect("connect");
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut conn)
                .await
                .expect("query");
            rows.iter()
                .map(|r| {
                    r.try_get::<Option<String>, _>(0)
                        .expect("text column")
                        .unwrap_or_default()
                })
                .collect()
        })
    }

    pub fn catalogue(&self) -> Vec<String> {
        self.query(
            "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master \
             WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE 'alembic_version%' ORDER BY name",
        )
    }
}

/// A MariaDB/MySQL database created for one test and dropped after it, at
/// `AURORA_TEST_MYSQL_URL` (default `mysql://root@127.0.0.1:3306/test`).
pub struct MysqlDb {
    pub name: String,
    pub url: String,
}

pub fn mysql_admin_url() -> String {
    crate::servers::mysql().url.clone()
}

impl MysqlDb {
    pub fn new() -> MysqlDb {
        let name = unique_name("aurora_it");
        let (admin, create) = (mysql_admin_url(), format!("CREATE DATABASE `{name}`"));
        block_on(async move {
            let mut conn = sqlx::MySqlConnection::connect(&admin)
                .await
                .unwrap_or_else(|e| {
                    panic!("MariaDB/MySQL must be running for these tests ({admin}): {e}")
                });
            conn.execute(sqlx::AssertSqlSafe(create))
                .await
                .expect("create test database");
        });
        let url = match mysql_admin_url().rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => panic!("AURORA_TEST_MYSQL_URL must end with /database"),
        };
        MysqlDb { name, url }
    }

    pub fn query(&self, sql: &str) -> Vec<String> {
        let (url, sql) = (self.url.clone(), sql.to_string());
        block_on(async move {
            let mut conn = sqlx::MySqlConnection::connect(&url).await.expect("connect");
            sqlx::raw_sql("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')")
                .execute(&mut conn)
                .await
                .expect("mode");
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut conn)
                .await
                .expect("query");
            rows.iter()
                .map(|r| {
                    r.try_get::<Option<String>, _>(0)
                        .or_else(|_| {
                            r.try_get::<Option<i64>, _>(0)
                                .map(|n| n.map(|n| n.to_string()))
                        })
                        .expect("a text or integer column")
                        .unwrap_or_default()
                })
                .collect()
        })
    }

    pub fn catalogue(&self) -> Vec<String> {
        self.query(
            "SELECT CAST(CONCAT('column ', TABLE_NAME, '.', COLUMN_NAME, ' ', COLUMN_TYPE, ' ', IS_NULLABLE, ' ', \
                    COALESCE(COLUMN_DEFAULT, ''), ' ', EXTRA) AS CHAR) \
               FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'alembic_version%' \
             UNION ALL SELECT CAST(CONCAT('index ', TABLE_NAME, '.', INDEX_NAME, ' ', NON_UNIQUE, ' ', COLUMN_NAME, ' ', SEQ_IN_INDEX) AS CHAR) \
               FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'alembic_version%' \
             UNION ALL SELECT CAST(CONCAT('constraint ', TABLE_NAME, '.', CONSTRAINT_NAME, ' ', CONSTRAINT_TYPE) AS CHAR) \
               FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'alembic_version%' \
             ORDER BY 1",
        )
    }
}

impl Drop for MysqlDb {
    fn drop(&mut self) {
        let (admin, drop) = (
            mysql_admin_url(),
            format!("DROP DATABASE IF EXISTS `{}`", self.name),
        );
        block_on(async move {
            if let Ok(mut conn) = sqlx::MySqlConnection::connect(&admin).await {
                let _ = conn.execute(sqlx::AssertSqlSafe(drop)).await;
            }
        });
    }
}

/// The kinds of throwaway database, for tests that run on each.
pub enum Db {
    Pg(PgDb),
    Sqlite(SqliteDb),
    Mysql(MysqlDb),
}

impl Db {
    /// PostgreSQL, SQLite and MariaDB.
    pub fn all() -> Vec<Db> {
        vec![
            Db::Pg(PgDb::new()),
            Db::Sqlite(SqliteDb::new()),
            Db::Mysql(MysqlDb::new()),
        ]
    }

    /// A new, empty database of the same kind.
    pub fn another(&self) -> Db {
        match self {
            Db::Pg(_) => Db::Pg(PgDb::new()),
            Db::Sqlite(_) => Db::Sqlite(SqliteDb::new()),
            Db::Mysql(_) => Db::Mysql(MysqlDb::new()),
        }
    }

    /// The databases whose DDL is transactional: PostgreSQL and SQLite.
    pub fn transactional() -> Vec<Db> {
        vec![Db::Pg(PgDb::new()), Db::Sqlite(SqliteDb::new())]
    }

    pub fn url(&self) -> &str {
        match self {
            Db::Pg(db) => &db.url,
            Db::Sqlite(db) => &db.url,
            Db::Mysql(db) => &db.url,
        }
    }

    pub fn query(&self, sql: &str) -> Vec<String> {
        match self {
            Db::Pg(db) => db.query(sql),
            Db::Sqlite(db) => db.query(sql),
            Db::Mysql(db) => db.query(sql),
        }
    }

    pub fn catalogue(&self) -> Vec<String> {
        match self {
            Db::Pg(db) => db.catalogue(),
            Db::Sqlite(db) => db.catalogue(),
            Db::Mysql(db) => db.catalogue(),
        }
    }

    /// The tables of the database, without the bookkeeping ones, sorted.
    pub fn tables(&self) -> Vec<String> {
        let mut tables = self.query(match self {
            Db::Pg(_) => "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'",
            Db::Sqlite(_) => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            Db::Mysql(_) => "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
        });
        tables.retain(|t| !t.starts_with("alembic_version"));
        tables.sort();
        tables
    }

    pub fn name(&self) -> &'static str {
        match self {
            Db::Pg(_) => "postgresql",
            Db::Sqlite(_) => "sqlite",
            Db::Mysql(_) => "mysql",
        }
    }
}

/// The built `aurora-migrate`, run in `dir` with a clean environment for configuration.
pub fn cli(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aurora-migrate"));
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("AURORA_ENV")
        .env_remove("AURORA_WAIT")
        .env_remove("AURORA_LOCK_TIMEOUT")
        .env_remove("AURORA_LOCK")
        .env_remove("AURORA_LEASE")
        .env("NO_COLOR", "1");
    command
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A catalogue of SQL migrations read from a fixture directory.
pub fn catalog(name: &str) -> Catalog {
    let scanned = scan::scan(&fixture(name))
        .unwrap_or_else(|faults| panic!("fixture {name} is broken: {faults:?}"));
    Catalog::from_scan(scanned)
}

/// A catalogue of the fixture's migrations whose file names start with one of `revisions`, as
/// a build that carries only those would embed them; the directory lives as long as the guard.
pub fn catalog_of(name: &str, revisions: &[&str]) -> (tempfile::TempDir, Catalog) {
    let dir = tempfile::tempdir().expect("dir");
    for entry in std::fs::read_dir(fixture(name)).expect("fixture") {
        let entry = entry.expect("entry");
        let file = entry.file_name().to_string_lossy().into_owned();
        if revisions.iter().any(|r| file.starts_with(&format!("{r}_"))) {
            std::fs::copy(entry.path(), dir.path().join(&file)).expect("copy");
        }
    }
    let scanned = scan::scan(dir.path()).unwrap_or_else(|f| panic!("{name}: {f:?}"));
    (dir, Catalog::from_scan(scanned))
}

/// A runner with default options for `db`.
pub fn runner<'c>(catalog: &'c Catalog, db: &Db) -> aurora_migrate::Runner<'c> {
    aurora_migrate::Runner::new(
        catalog,
        aurora_migrate::DatabaseUrl::parse(db.url()).unwrap(),
        aurora_migrate::Options::default(),
    )
    .unwrap()
}

/// Runs `script` with the database's own client, stopping at the first error.
pub fn run_with_client(db: &Db, script: &str) {
    let output = try_with_client(db, script);
    assert!(
        output.status.success(),
        "{}: the script failed: {}",
        db.name(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `script` with the database's own client, which stops at the first error, and returns
/// how it ended.
pub fn try_with_client(db: &Db, script: &str) -> std::process::Output {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), script).unwrap();
    let mut command = match db {
        Db::Pg(pg) => {
            let mut c = std::process::Command::new("psql");
            c.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &pg.url, "-f"])
                .arg(file.path());
            c
        }
        Db::Sqlite(sqlite) => {
            let mut c = std::process::Command::new("sqlite3");
            c.arg("-bail")
                .arg(sqlite.url.trim_start_matches("sqlite://"))
                .stdin(std::fs::File::open(file.path()).unwrap());
            c
        }
        Db::Mysql(mysql) => {
            let url = url::Url::parse(&mysql.url).unwrap();
            let mut c = std::process::Command::new("mariadb");
            c.args(["-h", url.host_str().unwrap(), "-u", url.username()])
                .arg(format!("-P{}", url.port().unwrap_or(3306)))
                .arg(url.path().trim_start_matches('/'))
                .stdin(std::fs::File::open(file.path()).unwrap());
            c
        }
    };
    command
        .stdout(std::process::Stdio::null())
        .output()
        .unwrap()
}

/// The built `aurora-migrate` run in `dir` on `db`: its exit code, stdout and stderr.
pub fn aurora(dir: &Path, db: &Db, args: &[&str]) -> (Option<i32>, String, String) {
    let output = cli(dir)
        .args(args)
        .args(["--database-url", db.url()])
        .output()
        .expect("run aurora-migrate");
    let (stdout, stderr) = texts(&output);
    (output.status.code(), stdout, stderr)
}

/// stdout and stderr of a finished command, as text.
pub fn texts(output: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// An interrupt that raises `signal` by itself after `delay`, as SIGINT or SIGTERM would.
pub fn interrupt_after(delay: std::time::Duration, signal: u8) -> Interrupt {
    let interrupt = Interrupt::new();
    let raise = interrupt.clone();
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        raise.raise(signal);
    });
    interrupt
}

/// Gives `dir` a copy of the project's `migrations/`, the files this build embeds, as a
/// checkout of the project has them.
pub fn project_migrations(dir: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let target = dir.join("migrations");
    std::fs::create_dir_all(&target).expect("migrations dir");
    for entry in std::fs::read_dir(source).expect("project migrations") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), target.join(entry.file_name())).expect("copy");
    }
    target
}
