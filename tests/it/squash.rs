//! `squash`: 200 generated migrations squashed at the 150th. A database at 120, one at 180 and
//! a fresh one all reach head with identical schemas (compared by introspection); the fresh
//! one runs the squash and the 50 after it. Then the replaced files are deleted: the directory
//! still validates, the database past the squash keeps working, and a fresh one still builds.
//! On SQLite and PostgreSQL, the replay on the database's own kind.

use std::path::Path;
use std::time::Instant;

use aurora_migrate::dump::squash::{Request, squash};
use aurora_migrate::migrations::source::scan;
use aurora_migrate::{Catalog, Database, DatabaseUrl, Target};

use crate::support::{Db, PgDb, SqliteDb, admin_url, cli, project_migrations, runner, texts};

fn id(n: usize) -> String {
    format!("r{n:03}")
}

/// Migration `n` of 200: every tenth creates a table, the others add a column to it; a few
/// add an index.
fn write_chain(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for n in 1..=200 {
        let table = format!("t{}", (n - 1) / 10);
        let (up, down) = match n % 10 {
            1 => (
                format!("CREATE TABLE {table} (id INTEGER PRIMARY KEY);"),
                format!("DROP TABLE {table};"),
            ),
            5 => (
                format!(
                    "ALTER TABLE {table} ADD COLUMN c{n} VARCHAR(20);\nCREATE INDEX ix_{table}_c{n} ON {table} (c{n});"
                ),
                format!("DROP INDEX ix_{table}_c{n};\nALTER TABLE {table} DROP COLUMN c{n};"),
            ),
            _ => (
                format!("ALTER TABLE {table} ADD COLUMN c{n} INTEGER;"),
                format!("ALTER TABLE {table} DROP COLUMN c{n};"),
            ),
        };
        let revises = if n == 1 { String::new() } else { id(n - 1) };
        let text = format!(
            "-- step {n}\n--\n-- Revision ID: {}\n-- Revises: {revises}\n\n-- migrate:upgrade\n{up}\n\n-- migrate:downgrade\n{down}\n",
            id(n)
        );
        std::fs::write(dir.join(format!("{}_step_{n}.sql", id(n))), text).unwrap();
    }
}

fn catalog_of(dir: &Path) -> Catalog {
    Catalog::from_scan(scan::scan(dir).unwrap_or_else(|f| panic!("{f:?}")))
}

/// The schema as we introspect it, without the bookkeeping the dump ends with.
pub(crate) async fn schema(catalog: &Catalog, db: &Db) -> String {
    let dump = aurora_migrate::dump::dump(&runner(catalog, db))
        .await
        .unwrap()
        .text;
    let schema = dump.split("\n-- The revision,").next().unwrap();
    schema.lines().skip(1).collect::<Vec<_>>().join("\n")
}

async fn up(catalog: &Catalog, db: &Db, target: &str) -> aurora_migrate::Run {
    runner(catalog, db)
        .upgrade(&Target::parse(target).unwrap(), &mut |_| {})
        .await
        .unwrap()
}

fn rows(db: &Db) -> Vec<String> {
    db.query("SELECT version_num FROM alembic_version")
}

#[tokio::test]
async fn databases_before_and_past_a_squash_and_fresh_ones_all_reach_the_same_schema() {
    for (db, server) in [
        (Db::Sqlite(SqliteDb::new()), None),
        (Db::Pg(PgDb::new()), Some(admin_url())),
    ] {
        let name = db.name();
        let project = tempfile::tempdir().unwrap();
        let dir = project.path().join("migrations");
        write_chain(&dir);
        let chain = catalog_of(&dir);
        let (at_120, at_180, fresh, fresh_chain) = (db.another(), db.another(), db.another(), db);
        up(&chain, &at_120, &id(120)).await;
        up(&chain, &at_180, &id(180)).await;
        let started = Instant::now();
        up(&chain, &fresh_chain, "head").await;
        let chain_time = started.elapsed();

        // The files are plain: the project targets the database at hand.
        let servers: Vec<DatabaseUrl> = server
            .iter()
            .map(|url| DatabaseUrl::parse(url).unwrap())
            .collect();
        let kind = servers.first().map_or(Database::Sqlite, DatabaseUrl::kind);
        let request = Request {
            upto: &id(150),
            message: "Squash the first 150",
            servers: &servers,
            targets: Some(&[kind]),
            interrupt: None,
        };
        let squashed = squash(&chain, &dir, &request).await.unwrap();
        assert_eq!(squashed.dialects, [kind], "{name}");
        assert_eq!(squashed.replaces.len(), 150, "{name}");
        assert!(squashed.data_changes.is_empty(), "{name}");
        let text = std::fs::read_to_string(&squashed.path).unwrap();
        assert!(
            text.contains("-- Replaces: r001, r002, r003"),
            "{name}: {}",
            &text[..400]
        );
        let with_squash = catalog_of(&dir);
        let squash_id = with_squash
            .squashed()
            .unwrap()
            .migrations()
            .iter()
            .find(|m| !m.replaces.is_empty())
            .unwrap()
            .id
            .to_string();

        for (db, expected) in [(&at_120, 80), (&at_180, 20)] {
            let run = up(&with_squash, db, "head").await;
            assert_eq!(
                run.steps.len(),
                expected,
                "{name}: a database with history keeps to the chain"
            );
            assert_eq!(rows(db), [id(200)], "{name}");
        }
        let started = Instant::now();
        let run = up(&with_squash, &fresh, "head").await;
        let squash_time = started.elapsed();
        assert_eq!(
            run.steps.len(),
            51,
            "{name}: the squash and the 50 after it"
        );
        assert_eq!(run.steps[0].revision, squash_id, "{name}");
        assert_eq!(rows(&fresh), [id(200)], "{name}");
        eprintln!(
            "{name}: a fresh database reaches head in {} ms through 200 migrations, {} ms through the squash and 50",
            chain_time.as_millis(),
            squash_time.as_millis()
        );
        let reference = schema(&with_squash, &fresh_chain).await;
        for db in [&at_120, &at_180, &fresh] {
            assert_eq!(
                schema(&with_squash, db).await,
                reference,
                "{name}: identical schemas"
            );
        }
        let standing = runner(&with_squash, &fresh).standing().await.unwrap();
        assert!(
            standing.unrecorded.is_empty() && standing.pending.is_empty(),
            "{name}: the squash's record covers what it replaced"
        );
        assert_eq!(standing.applied.len(), 200, "{name}");

        // Past the squash, a downgrade to a revision after it and back up work.
        runner(&with_squash, &at_180)
            .downgrade(&Target::parse(&id(170)).unwrap(), &mut |_| {})
            .await
            .unwrap();

        // The replaced files deleted: the directory validates, and every database carries on.
        for n in 1..=150 {
            std::fs::remove_file(dir.join(format!("{}_step_{n}.sql", id(n)))).unwrap();
        }
        let trimmed = catalog_of(&dir);
        assert!(
            trimmed.squashed().is_none(),
            "{name}: one view once the files are gone"
        );
        let run = up(&trimmed, &at_180, "head").await;
        assert_eq!(run.steps.len(), 30, "{name}");
        let again = fresh_chain.another();
        let run = up(&trimmed, &again, "head").await;
        assert_eq!(run.steps.len(), 51, "{name}");
        assert_eq!(schema(&trimmed, &again).await, reference, "{name}");
        let status = runner(&trimmed, &at_120).records().await.unwrap();
        assert!(
            status.unknown.is_empty() && status.applied.set.len() == 51,
            "{name}: {:?}",
            status.unknown
        );
        runner(&trimmed, &again)
            .downgrade(&Target::parse(&id(160)).unwrap(), &mut |_| {})
            .await
            .unwrap();
        assert_eq!(rows(&again), [id(160)], "{name}");
        // A database part way through the replaced revisions needs the files: refused, named.
        let partial = again.another();
        up(&chain, &partial, &id(120)).await;
        let refused = runner(&trimmed, &partial)
            .upgrade(&Target::Head, &mut |_| {})
            .await
            .unwrap_err();
        assert!(
            refused.to_string().contains(&format!("at revision r120, part way through the revisions squash {squash_id} replaced (up to r150)")),
            "{name}: {refused}"
        );
        assert_eq!(rows(&partial), [id(120)], "{name}: nothing changed");
    }
}

/// The command on Aurora's own migrations (a Rust one among them, replayed as embedded).
#[test]
fn the_binary_squashes_its_own_history() {
    let project = tempfile::tempdir().unwrap();
    project_migrations(project.path());
    let (pg, my) = (admin_url(), crate::support::mysql_admin_url());
    let output = cli(project.path())
        .args(["squash", "--upto", "3f2a9c1b7d4e", "-m", "Squash the start"])
        .args(["--scratch-url", &pg, "--scratch-url", &my])
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("the squash replaces 2 revision(s), cec3a80e61a4 to 3f2a9c1b7d4e"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(project.path().join(stdout.trim())).unwrap();
    assert!(
        text.contains("-- Replaces: cec3a80e61a4, 3f2a9c1b7d4e\n"),
        "{text}"
    );
    assert!(
        text.contains("\"rpc_endpoint\" VARCHAR(200)"),
        "the Rust migration's column is there: {text}"
    );
    assert!(scan::scan(&project.path().join("migrations")).is_ok());
}

/// `history`, `show` and `stamp` know the squash while the chain it replaces is still there.
#[tokio::test]
async fn history_show_and_stamp_name_what_a_squash_replaces() {
    let project = tempfile::tempdir().unwrap();
    let dir = project.path().join("migrations");
    write_chain(&dir);
    for n in 21..=200 {
        std::fs::remove_file(dir.join(format!("{}_step_{n}.sql", id(n)))).unwrap();
    }
    let chain = catalog_of(&dir);
    let request = Request {
        upto: &id(12),
        message: "Squash twelve",
        servers: &[],
        targets: Some(&[Database::Sqlite]),
        interrupt: None,
    };
    let squashed = squash(&chain, &dir, &request).await.unwrap();
    let with_squash = catalog_of(&dir);
    let squash = with_squash.squashed().unwrap();
    let index = squash
        .migrations()
        .iter()
        .position(|m| !m.replaces.is_empty())
        .unwrap();
    let squash_id = squash.migration(index).id.to_string();
    assert!(squashed.path.to_string_lossy().contains(&squash_id));

    let db = Db::Sqlite(SqliteDb::new());
    let rows = runner(&with_squash, &db)
        .stamp(&Target::parse(&squash_id).unwrap(), false)
        .await
        .unwrap();
    assert_eq!(
        rows,
        std::slice::from_ref(&squash_id),
        "the squash's own row"
    );
    let status = runner(&with_squash, &db).records().await.unwrap();
    assert_eq!(
        status.applied.set.len(),
        12,
        "in the chain's view, the squash's row stands for what it replaces"
    );
    let standing = runner(&with_squash, &db).standing().await.unwrap();
    assert_eq!(standing.pending.len(), 8, "r013 to r020");
    assert!(
        standing.unrecorded.is_empty(),
        "the squash's record covers what it replaces"
    );
}
