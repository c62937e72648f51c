//! `kill -9` and a pipelined message already sent: PostgreSQL goes on running the migrations
//! it received, each committing whole, until it notices its client is gone; the user's guide says so (docs/src/safety.md).

use std::process::Stdio;
use std::time::{Duration, Instant};

use sqlx::{Connection, Executor};

use crate::support::{PgDb, cli};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_does_not_stop_a_pipelined_message_already_sent() {
    let db = PgDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let at = cli(dir.path())
        .args(["--database-url", &db.url, "upgrade", "cec3a80e61a4"])
        .output()
        .expect("run");
    assert!(at.status.success());

    // A session holds the table the next two migrations alter: the message waits on it.
    let mut holder = sqlx::PgConnection::connect(&db.url).await.expect("connect");
    holder.execute("BEGIN").await.expect("begin");
    holder
        .execute("LOCK TABLE chains IN ACCESS EXCLUSIVE MODE")
        .await
        .expect("lock");
    let mut runner = std::process::Command::new(env!("CARGO_BIN_EXE_aurora-migrate"))
        .current_dir(dir.path())
        .args(["--database-url", &db.url, "upgrade"])
        .args(["--statement-lock-timeout", "none"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let waiting = "SELECT count(*)::text FROM pg_stat_activity WHERE datname = current_database() \
                   AND wait_event_type = 'Lock' AND query LIKE '%rpc_endpoint%'";
    let started = Instant::now();
    while db.query(waiting) != ["1"] {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the runner never sent its message: {:?}",
            db.query("SELECT coalesce(wait_event_type, '') || ' ' || left(query, 200) FROM pg_stat_activity WHERE datname = current_database()")
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    runner.kill().expect("SIGKILL"); // the message is on the server, both migrations in it
    runner.wait().expect("reaped");
    holder.execute("COMMIT").await.expect("commit");

    // The server runs on: the runner is dead, yet its migrations commit.
    let others = "SELECT count(*)::text FROM pg_stat_activity WHERE datname = current_database() \
                  AND pid <> pg_backend_pid() AND backend_type = 'client backend'";
    let started = Instant::now();
    while db.query(others) != ["1"] && started.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    holder.close().await.expect("close");
    let version = db.query("SELECT version_num FROM alembic_version");
    let columns = db.query(
        "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'chains' ORDER BY 1",
    );
    let has = |column: &str| columns.iter().any(|c| c == column);
    match version.as_slice() {
        [v] if v == "8d1e6b0f2a57" => {
            assert!(has("rpc_endpoint") && has("status") && !has("is_active"))
        }
        [v] if v == "3f2a9c1b7d4e" => {
            assert!(has("rpc_endpoint") && has("is_active") && !has("status"))
        }
        other => panic!("the message stopped with its runner: at {other:?}, columns {columns:?}"),
    }

    let safety =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/src/safety.md"))
            .expect("docs/src/safety.md");
    let start = safety
        .find("**Pipelined steps.**")
        .expect("the pipelined steps");
    let end = safety[start..]
        .find("\n#")
        .map_or(safety.len(), |end| start + end);
    let section = &safety[start..end];
    assert!(
        section.contains("`kill -9`") && section.contains("already sent"),
        "the guide's pipelined steps do not say what kill -9 does to a message already sent"
    );
}
