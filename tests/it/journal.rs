//! The step journal: a `Transaction: none` migration stopped at any point, by a lost
//! connection or a cancelled statement, continues where it stopped. No statement runs twice,
//! a statement whose outcome was lost is checked instead of run again, and the schema ends as
//! a clean run leaves it. Judged by `pg_dump` and `sqlite3`, and by a table the migration's
//! data statements count their runs in.

use aurora_migrate::migrations::source::scan;
use aurora_migrate::runner::Checked;
use aurora_migrate::{Catalog, Target};

use sqlx::{Connection, Executor};

use crate::support::{Db, MysqlDb, PgDb, SqliteDb, run_with_client, runner};

/// A migration that mixes DDL, data changes counted in `hits`, and (on PostgreSQL) an index
/// built concurrently.
pub(crate) fn migration(db: &Db) -> String {
    let index = match db {
        Db::Pg(_) => "CREATE INDEX CONCURRENTLY ix_t_m_v ON t_m (v)",
        _ => "CREATE INDEX ix_t_m_v ON t_m (v)",
    };
    format!(
        "-- Statement by statement\n--\n-- Revision ID: m2\n-- Revises: m1\n-- Transaction: none\n\n\
         -- migrate:upgrade\n\
         CREATE TABLE t_m (id INTEGER PRIMARY KEY, v INTEGER);\n\n\
         UPDATE hits SET n = n + 1 WHERE step = 1;\n\n\
         {index};\n\n\
         ALTER TABLE t_m ADD COLUMN w INTEGER;\n\n\
         UPDATE hits SET n = n + 1 WHERE step = 4;\n\n\
         -- migrate:downgrade\nDROP TABLE t_m;\n"
    )
}

/// m1: the counter `hits`, a row at 0 for each of `steps`, which data statements count their
/// runs in.
pub(crate) fn write_counter(dir: &std::path::Path, steps: &[u32]) {
    let rows: Vec<String> = steps.iter().map(|s| format!("({s}, 0)")).collect();
    std::fs::write(
        dir.join("m1_hits.sql"),
        format!(
            "-- A counter\n--\n-- Revision ID: m1\n-- Revises:\n\n-- migrate:upgrade\n\
             CREATE TABLE hits (step INTEGER PRIMARY KEY, n INTEGER NOT NULL);\n\
             INSERT INTO hits VALUES {};\n\n-- migrate:downgrade\nDROP TABLE hits;\n",
            rows.join(", ")
        ),
    )
    .expect("write");
}

/// The line of each statement of [`migration`] in its file.
pub(crate) const LINES: [usize; 5] = [8, 10, 12, 14, 16];

pub(crate) fn catalog(dir: &std::path::Path, db: &Db) -> Catalog {
    crate::journal::write_counter(dir, &[1, 4]);
    std::fs::write(dir.join("m2_steps.sql"), migration(db)).expect("write");
    Catalog::from_scan(scan::scan(dir).expect("valid"))
}

pub(crate) async fn upgrade(catalog: &Catalog, db: &Db) -> Result<(), String> {
    runner(catalog, db)
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The journal writes of a whole run, in order: each names the trigger condition that stops
/// the run there. Statements 0, 1, 3 and 4 commit with their `done` row; on PostgreSQL the
/// concurrent build (2) writes `started`, then `done`; the bookkeeping clears the journal.
pub(crate) fn points(db: &Db) -> Vec<(&'static str, usize)> {
    match db {
        Db::Pg(_) => vec![
            ("done", 0),
            ("done", 1),
            ("started", 2),
            ("done", 2),
            ("done", 3),
            ("done", 4),
            ("clear", 5),
        ],
        Db::Sqlite(_) => vec![
            ("done", 0),
            ("done", 1),
            ("done", 2),
            ("done", 3),
            ("done", 4),
            ("clear", 5),
        ],
        // Every DDL statement commits by itself, between its `started` and `done` rows.
        Db::Mysql(_) => vec![
            ("started", 0),
            ("done", 0),
            ("done", 1),
            ("started", 2),
            ("done", 2),
            ("started", 3),
            ("done", 3),
            // The last data change commits with the bookkeeping, which clears the journal: a
            // fault there undoes both, and the run continues at it.
            ("clear", 4),
        ],
    }
}

/// The statements whose `done` row a fault loses after they committed by themselves: the
/// check finds their effect in the catalog.
fn committed_alone(db: &Db, step: usize) -> bool {
    match db {
        Db::Pg(_) => step == 2,
        Db::Mysql(_) => [0, 2, 3].contains(&step),
        Db::Sqlite(_) => false,
    }
}

/// How a run is stopped at a journal write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// The server ends the runner's session, as a lost connection or a killed client does
    /// (PostgreSQL, from a trigger).
    Terminate,
    /// The server cancels the runner's statement (PostgreSQL, from a trigger).
    Cancel,
    /// The journal write fails (SQLite and MariaDB, from a trigger).
    FailedWrite,
    /// Another session cancels the runner's statement while a trigger holds it
    /// (`KILL QUERY`, MariaDB).
    KillQuery,
    /// Another session ends the runner's connection while a trigger holds it (`KILL`,
    /// MariaDB).
    KillConnection,
}

impl Fault {
    /// The runner's session ends: it writes nothing after the fault.
    fn ends_session(self) -> bool {
        matches!(self, Fault::Terminate | Fault::KillConnection)
    }
}

/// A trigger that stops the run at the journal write `(state, step)`, as `fault` says.
pub(crate) fn stop_at(db: &Db, (state, step): (&str, usize), fault: Fault) -> String {
    let table = "alembic_version_aurora_steps";
    match db {
        Db::Pg(_) => {
            let stop = match fault {
                Fault::Terminate => {
                    "PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5);"
                }
                _ => "PERFORM pg_cancel_backend(pg_backend_pid()); PERFORM pg_sleep(5);",
            };
            let (when, condition) = match state {
                "clear" => ("BEFORE DELETE", "true".to_string()),
                _ => (
                    "BEFORE INSERT OR UPDATE",
                    format!("NEW.step = {step} AND NEW.state = '{state}'"),
                ),
            };
            format!(
                "CREATE TABLE IF NOT EXISTS {table} (revision VARCHAR(32) NOT NULL, direction VARCHAR(9) NOT NULL, \
                 step INTEGER NOT NULL, statement_hash VARCHAR(64) NOT NULL, state VARCHAR(8) NOT NULL, \
                 attempt INTEGER NOT NULL, error TEXT, note TEXT, who VARCHAR(255) NOT NULL, \
                 started_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), finished_at TIMESTAMPTZ NULL, \
                 PRIMARY KEY (revision, direction, step));\n\
                 CREATE FUNCTION stop_here() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 IF {condition} THEN {stop} END IF; RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END; END $$;\n\
                 CREATE TRIGGER stop_here {when} ON {table} FOR EACH ROW EXECUTE FUNCTION stop_here();"
            )
        }
        Db::Mysql(_) => {
            let condition = match state {
                "clear" => "TRUE".to_string(),
                _ => format!("NEW.step = {step} AND NEW.state = '{state}'"),
            };
            // Held in a sleep for another session to kill, or failed at once.
            let signal = match fault {
                Fault::KillQuery | Fault::KillConnection => "SET @held = SLEEP(60)",
                _ => "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'stopped here'",
            };
            let events: &[&str] = match state {
                "clear" => &["DELETE"],
                _ => &["INSERT", "UPDATE"],
            };
            // The runner makes the table before its first journaled migration: the trigger needs
            // it first.
            let mut script = format!(
                "CREATE TABLE IF NOT EXISTS {table} (revision VARCHAR(32) NOT NULL, direction VARCHAR(9) NOT NULL, \
                 step INTEGER NOT NULL, statement_hash VARCHAR(64) NOT NULL, state VARCHAR(8) NOT NULL, \
                 attempt INTEGER NOT NULL, error TEXT, note TEXT, who VARCHAR(255) NOT NULL, \
                 started_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), finished_at TIMESTAMP(6) NULL, \
                 PRIMARY KEY (revision, direction, step));\nDELIMITER //\n"
            );
            for event in events {
                let condition =
                    condition.replace("NEW.", if *event == "DELETE" { "OLD." } else { "NEW." });
                script.push_str(&format!(
                    "CREATE TRIGGER stop_{event} BEFORE {event} ON {table} FOR EACH ROW \
                     BEGIN IF {condition} THEN {signal}; END IF; END//\n"
                ));
            }
            script.push_str("DELIMITER ;\n");
            script
        }
        Db::Sqlite(_) => {
            let table_ddl = format!(
                "CREATE TABLE IF NOT EXISTS {table} (revision VARCHAR(32) NOT NULL, direction VARCHAR(9) NOT NULL, \
                 step INTEGER NOT NULL, statement_hash VARCHAR(64) NOT NULL, state VARCHAR(8) NOT NULL, \
                 attempt INTEGER NOT NULL, error TEXT, note TEXT, who VARCHAR(255) NOT NULL, \
                 started_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, finished_at TIMESTAMP NULL, \
                 PRIMARY KEY (revision, direction, step));"
            );
            let trigger = match state {
                "clear" => format!(
                    "CREATE TRIGGER stop_here BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, 'stopped here'); END;"
                ),
                _ => format!(
                    "CREATE TRIGGER stop_here BEFORE INSERT ON {table} WHEN NEW.step = {step} AND NEW.state = '{state}' \
                     BEGIN SELECT RAISE(ABORT, 'stopped here'); END;\n\
                     CREATE TRIGGER stop_here_too BEFORE UPDATE ON {table} WHEN NEW.step = {step} AND NEW.state = '{state}' \
                     BEGIN SELECT RAISE(ABORT, 'stopped here'); END;"
                ),
            };
            format!("{table_ddl}\n{trigger}")
        }
    }
}

pub(crate) fn remove_stop(db: &Db) -> &'static str {
    match db {
        Db::Pg(_) => {
            "DROP TRIGGER stop_here ON alembic_version_aurora_steps; DROP FUNCTION stop_here();"
        }
        Db::Sqlite(_) => "DROP TRIGGER stop_here; DROP TRIGGER IF EXISTS stop_here_too;",
        Db::Mysql(_) => {
            "DROP TRIGGER IF EXISTS stop_INSERT; DROP TRIGGER IF EXISTS stop_UPDATE; DROP TRIGGER IF EXISTS stop_DELETE;"
        }
    }
}

/// `sql` with its casts to text spelled as `db` spells them.
pub(crate) fn as_text(db: &Db, sql: &str) -> String {
    match db {
        Db::Mysql(_) => sql.replace("AS TEXT", "AS CHAR"),
        _ => sql.to_string(),
    }
}

/// The schema as the database's own dump tool prints it, without the bookkeeping.
pub(crate) fn dump(db: &Db) -> String {
    let output = match db {
        Db::Pg(pg) => std::process::Command::new("pg_dump")
            .args([
                "--schema-only",
                "--no-owner",
                "--no-privileges",
                "-T",
                "alembic_version*",
                "-d",
                &pg.url,
            ])
            .output(),
        Db::Sqlite(sqlite) => std::process::Command::new("sqlite3")
            .arg(sqlite.url.trim_start_matches("sqlite://"))
            .arg(".schema")
            .output(),
        Db::Mysql(mysql) => {
            let url = url::Url::parse(&mysql.url).expect("url");
            std::process::Command::new("mysqldump")
                .args(["--no-data", "--skip-comments", "--skip-dump-date", "-h"])
                .arg(url.host_str().expect("host"))
                .arg(format!("-P{}", url.port().unwrap_or(3306)))
                .args(["-u", url.username()])
                .arg(url.path().trim_start_matches('/'))
                .args(["t_m", "hits"])
                .output()
        }
    }
    .expect("dump tool");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| {
            !l.starts_with("--") && !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict")
        })
        .filter(|l| {
            !l.contains("alembic_version") && !l.contains("stop_here") && !l.starts_with("/*!")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `upgrade`; for a fault another session makes, makes it when the trigger holds the
/// runner's statement.
async fn stopped_upgrade(catalog: &Catalog, db: &Db, fault: Fault) -> Result<(), String> {
    let kill = match fault {
        Fault::KillQuery => "KILL QUERY",
        Fault::KillConnection => "KILL",
        _ => return upgrade(catalog, db).await,
    };
    let killer = async {
        let mut admin = sqlx::MySqlConnection::connect(db.url())
            .await
            .expect("connect");
        for _ in 0..1500 {
            let held: Vec<(i64,)> = sqlx::query_as(
                "SELECT CAST(ID AS SIGNED) FROM information_schema.PROCESSLIST \
                 WHERE DB = DATABASE() AND STATE = 'User sleep' AND ID <> CONNECTION_ID()",
            )
            .fetch_all(&mut admin)
            .await
            .expect("processlist");
            if let [(id,)] = held.as_slice() {
                admin
                    .execute(sqlx::AssertSqlSafe(format!("{kill} {id}")))
                    .await
                    .expect("kill");
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("the trigger never held the runner");
    };
    let (result, ()) = tokio::join!(upgrade(catalog, db), killer);
    result
}

async fn run_matrix(make: fn() -> Db, fault: Fault) {
    let clean = make();
    let dir = tempfile::tempdir().expect("dir");
    let catalog = catalog(dir.path(), &clean);
    upgrade(&catalog, &clean).await.expect("a clean run");
    let reference = dump(&clean);
    assert!(reference.contains("ix_t_m_v"), "{reference}");

    for point in points(&clean) {
        // A database holding m1, and the journal's table with the trigger on it.
        let db = make();
        runner(&catalog, &db)
            .upgrade(&Target::parse("m1").unwrap(), &mut |_| {})
            .await
            .expect("m1");
        run_with_client(&db, &stop_at(&db, point, fault));
        let failure = stopped_upgrade(&catalog, &db, fault)
            .await
            .expect_err("stopped by the trigger");

        let standing = runner(&catalog, &db).standing().await.expect("standing");
        let (state, step) = point;
        match standing.unfinished.as_slice() {
            // Stopped inside the first statement's transaction, with no word written after:
            // nothing of the migration stayed, and it is simply pending.
            [] => assert!(
                step == 0 && (fault.ends_session() || state == "started"),
                "{point:?}: nothing recorded: {failure}"
            ),
            [unfinished] => {
                assert_eq!(unfinished.step, step, "{point:?}: {failure}");
                if state != "clear" {
                    assert_eq!(
                        unfinished.location.as_deref(),
                        Some(format!("migrations/m2_steps.sql:{}", LINES[step]).as_str()),
                        "{point:?}"
                    );
                }
                if state == "done" && committed_alone(&db, step) {
                    // The statement finished; only its row was lost: the check says so.
                    assert!(
                        matches!(&unfinished.checked, Some(Checked::TookEffect(_))),
                        "{point:?}: {:?}",
                        unfinished.checked
                    );
                }
            }
            more => panic!("{point:?}: one migration stands part-way, not {more:?}"),
        }
        let index_before = match &db {
            Db::Pg(_) => db.query("SELECT coalesce(to_regclass('ix_t_m_v')::oid::text, 'none')"),
            _ => Vec::new(),
        };

        run_with_client(&db, remove_stop(&db));
        upgrade(&catalog, &db)
            .await
            .unwrap_or_else(|e| panic!("{point:?}: the run continues: {e}"));
        assert_eq!(
            dump(&db),
            reference,
            "{point:?}: the schema a clean run leaves"
        );
        assert_eq!(
            db.query(&as_text(
                &db,
                "SELECT CAST(n AS TEXT) FROM hits ORDER BY step"
            )),
            ["1", "1"],
            "{point:?}: each data statement ran once"
        );
        assert_eq!(
            db.query(&as_text(
                &db,
                "SELECT CAST(count(*) AS TEXT) FROM alembic_version_aurora_steps"
            )),
            ["0"],
            "{point:?}: the journal is cleared with the bookkeeping"
        );
        if point == ("done", 2) && matches!(db, Db::Pg(_)) {
            let after = db.query("SELECT to_regclass('ix_t_m_v')::oid::text");
            assert_eq!(after, index_before, "the index was not built a second time");
        }
    }
}

#[tokio::test]
async fn postgres_continues_after_a_lost_connection_at_every_point() {
    run_matrix(|| Db::Pg(PgDb::new()), Fault::Terminate).await;
}

#[tokio::test]
async fn postgres_continues_after_a_cancelled_statement_at_every_point() {
    run_matrix(|| Db::Pg(PgDb::new()), Fault::Cancel).await;
}

#[tokio::test]
async fn sqlite_continues_after_a_failed_journal_write_at_every_point() {
    run_matrix(|| Db::Sqlite(SqliteDb::new()), Fault::FailedWrite).await;
}

#[tokio::test]
async fn mariadb_continues_after_a_failed_journal_write_at_every_point() {
    run_matrix(|| Db::Mysql(MysqlDb::new()), Fault::FailedWrite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_continues_after_a_killed_query_at_every_point() {
    run_matrix(|| Db::Mysql(MysqlDb::new()), Fault::KillQuery).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_continues_after_a_killed_connection_at_every_point() {
    run_matrix(|| Db::Mysql(MysqlDb::new()), Fault::KillConnection).await;
}
