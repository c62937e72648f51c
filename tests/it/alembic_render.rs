//! `import alembic --alembic-ini`: every revision rendered by the real Alembic 1.20 in offline
//! mode; the files applied on PostgreSQL, SQLite and MariaDB build what Alembic builds online;
//! a 100-revision history is timed. What falls back and what is refused: alembic_render_fallback.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use aurora_migrate::migrations::source::scan;
use aurora_migrate::{Catalog, Target};

use crate::alembic::{alembic, run_alembic};
use crate::support::{Db, PgDb, cli, fixture, runner, texts};

/// `import alembic VERSIONS --alembic-ini INI --alembic PROGRAM` in `dir`, one `--dialect` per
/// name, with `--format json`: (exit code, the JSON or stdout, stderr).
pub fn import(
    dir: &Path,
    project: &Path,
    program: &Path,
    dialects: &[&str],
) -> (Option<i32>, serde_json::Value, String) {
    let mut command = cli(dir);
    command
        .args(["import", "alembic"])
        .arg(project.join("versions"))
        .arg("--alembic-ini")
        .arg(project.join("alembic.ini"))
        .arg("--alembic")
        .arg(program)
        .args(["--format", "json"])
        .env_remove("ALEMBIC_URL");
    for dialect in dialects {
        command.args(["--dialect", dialect]);
    }
    let output = command.output().unwrap();
    let (stdout, stderr) = texts(&output);
    let json = serde_json::from_str(&stdout).unwrap_or(serde_json::Value::String(stdout));
    (output.status.code(), json, stderr)
}

/// The revisions of an import's report whose every section Alembic rendered.
pub fn rendered_whole(report: &serde_json::Value) -> Vec<String> {
    report["scripts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            s["sections"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["by"] == "alembic" && s["reason"].is_null())
        })
        .map(|s| s["revision"].as_str().unwrap().to_string())
        .collect()
}

/// The catalogue with each row's whitespace collapsed (Alembic indents with tabs online, with
/// spaces offline), and the column comments.
fn schema(db: &Db) -> Vec<String> {
    let mut rows = db.catalogue();
    rows.extend(match db {
        Db::Pg(db) => db.query(
            "SELECT 'comment ' || c.relname || '.' || a.attname || ' ' || d.description FROM pg_description d \
             JOIN pg_class c ON c.oid = d.objoid JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid",
        ),
        Db::Mysql(db) => db.query(
            "SELECT CAST(CONCAT('comment ', TABLE_NAME, '.', COLUMN_NAME, ' ', COLUMN_COMMENT) AS CHAR) \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_COMMENT <> ''",
        ),
        Db::Sqlite(_) => Vec::new(),
    });
    let mut rows: Vec<String> = rows
        .iter()
        .map(|r| constraints_sorted(&r.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect();
    rows.sort();
    rows
}

/// A SQLite `CREATE TABLE` with its table constraints in name order: Alembic's copy of a table
/// writes them in the order of a Python set, which differs from run to run.
fn constraints_sorted(row: &str) -> String {
    let (Some(open), Some(close)) = (row.find('('), row.rfind(')')) else {
        return row.to_string();
    };
    if !row.starts_with("table ") {
        return row.to_string();
    }
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, open + 1);
    for (i, c) in row.char_indices().take(close).skip(open + 1) {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(row[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(row[start..close].trim().to_string());
    let (mut constraints, columns): (Vec<String>, Vec<String>) = parts
        .into_iter()
        .partition(|p| p.starts_with("CONSTRAINT "));
    constraints.sort();
    let inside = [columns, constraints].concat().join(", ");
    format!("{}({inside}){}", &row[..open], &row[close + 1..])
}

fn heads(db: &Db) -> Vec<String> {
    let mut rows = db.query("SELECT version_num FROM alembic_version");
    rows.sort();
    rows
}

fn imported(dir: &Path) -> Catalog {
    Catalog::from_scan(scan::scan(&dir.join("migrations")).unwrap_or_else(|f| panic!("{f:?}")))
}

/// Each fixture project rendered by Alembic, applied by us, and built by Alembic online: the
/// same tables, columns, defaults, constraints and indexes with their names, enum types,
/// comments, rows and version table, on every database the project runs on.
#[tokio::test]
async fn alembic_renders_each_project_into_files_that_build_what_alembic_builds_online() {
    let Some(program) = alembic() else { return };
    let all = ["postgresql", "sqlite", "mysql"];
    // A branch and a merge; a naming convention, SERIAL and AUTO_INCREMENT, enums, a comment,
    // dialect branches, bulk_insert and update(), an autocommit_block; Aurora's own scripts.
    for (name, dialects) in [
        ("alembic/project", &all[..]),
        ("alembic/rendered", &all[..]),
        ("alembic/aurora", &all[..1]),
    ] {
        let project = fixture(name);
        let dir = tempfile::tempdir().unwrap();
        let (code, report, stderr) = import(dir.path(), &project, &program, dialects);
        assert_eq!(code, Some(0), "{name}: {report}{stderr}");
        assert_eq!(report["todos"], serde_json::json!([]), "{name}: {report}");
        let scripts = report["scripts"].as_array().unwrap();
        assert_eq!(scripts.len(), report["files"].as_array().unwrap().len());
        assert_eq!(
            rendered_whole(&report).len(),
            scripts.len(),
            "{name}: {report}"
        );
        for script in scripts {
            assert_eq!(
                script["sections"].as_array().unwrap().len(),
                2 * dialects.len()
            );
        }
        assert_eq!(report["alembic"]["version"], "1.20.1");
        let sections = 2 * dialects.len() * scripts.len();
        assert_eq!(report["summary"]["sections"], sections, "{name}");
        assert_eq!(report["summary"]["sections_by_alembic"], sections, "{name}");
        // Only the migrations' own SQL: not Alembic's version table, not its transactions
        // (the project's env.py asks for one per migration; an autocommit_block commits).
        for file in report["files"].as_array().unwrap() {
            let text = std::fs::read_to_string(dir.path().join(file.as_str().unwrap())).unwrap();
            assert!(!text.contains("alembic_version"), "{name}: {text}");
            assert!(
                !text
                    .lines()
                    .any(|l| ["BEGIN;", "COMMIT;"].contains(&l.trim())),
                "{name}: {text}"
            );
        }
        if name == "alembic/rendered" {
            let text = std::fs::read_to_string(
                dir.path()
                    .join("migrations/4c3d5e6f7a8b_account_kind_trust.sql"),
            )
            .unwrap();
            assert!(
                text.contains("-- Transaction: none\n")
                    && text.contains("-- migrate:upgrade postgresql\nALTER TYPE account_kind ADD VALUE IF NOT EXISTS 'trust';\n"),
                "the autocommit_block runs outside a transaction: {text}"
            );
        }
        let catalog = imported(dir.path());
        for db in Db::all()
            .into_iter()
            .filter(|db| dialects.contains(&db.name()))
        {
            let (ours, theirs) = (&db, &db.another());
            let db_name = db.name();
            runner(&catalog, ours)
                .upgrade(&Target::Heads, &mut |_| {})
                .await
                .unwrap_or_else(|e| panic!("{name} on {db_name}: {e}"));
            let (ok, stdout, stderr) =
                run_alembic(&program, &project, theirs, &["upgrade", "heads"]);
            assert!(
                ok,
                "{name} on {db_name}: alembic upgrade heads: {stdout}{stderr}"
            );
            let built = schema(theirs);
            assert!(built.len() > 2, "{name} on {db_name}: {built:?}");
            assert_eq!(schema(ours), built, "{name} on {db_name}");
            assert_eq!(heads(ours), heads(theirs), "{name} on {db_name}");
            if name == "alembic/rendered" {
                // The rows, those of a table SQLite copied under its references included.
                for (columns, table) in [
                    (
                        &["id", "email", "COALESCE(code, '-')", "kind"][..],
                        "accounts",
                    ),
                    (&["id", "account_id"][..], "payments"),
                ] {
                    let row = match db {
                        Db::Sqlite(_) => columns.join(" || ' ' || "),
                        _ => format!("CONCAT({})", columns.join(", ' ', ")),
                    };
                    let rows = format!("SELECT {row} FROM {table} ORDER BY id");
                    assert_eq!(ours.query(&rows), theirs.query(&rows), "{db_name}");
                    assert!(!ours.query(&rows).is_empty(), "{db_name}: {table}'s rows");
                }
            }
            runner(&catalog, ours)
                .downgrade(&Target::Base, &mut |_| {})
                .await
                .unwrap_or_else(|e| panic!("{name} on {db_name}: down: {e}"));
            assert!(
                ours.tables().is_empty(),
                "{name} on {db_name}: {:?}",
                ours.tables()
            );
        }
    }
}

/// An Alembic project in a temporary directory: the fixture's alembic.ini and env.py, and
/// these scripts as its versions.
pub fn project(dir: &Path, env: &str, scripts: &[(String, String)]) -> PathBuf {
    let project = dir.join("alembic");
    std::fs::create_dir_all(project.join("versions")).unwrap();
    std::fs::copy(
        fixture("alembic/project/alembic.ini"),
        project.join("alembic.ini"),
    )
    .unwrap();
    std::fs::write(project.join("env.py"), env).unwrap();
    for (name, text) in scripts {
        std::fs::write(project.join("versions").join(name), text).unwrap();
    }
    project
}

/// A revision script: `imports` at the top, then the two functions' bodies.
pub fn script(
    id: &str,
    parent: Option<&str>,
    imports: &str,
    upgrade: &str,
    downgrade: &str,
) -> (String, String) {
    let parent = parent.map_or("None".to_string(), |p| format!("'{p}'"));
    (
        format!("{id}_step.py"),
        format!(
            "\"\"\"step {id}\n\nRevision ID: {id}\n\"\"\"\nimport sqlalchemy as sa\nfrom alembic import op\n{imports}\n\
             revision = '{id}'\ndown_revision = {parent}\nbranch_labels = None\ndepends_on = None\n\n\n\
             def upgrade():\n{upgrade}\n\n\ndef downgrade():\n{downgrade}\n"
        ),
    )
}

/// One revision, aa01, that creates table `t` and drops it.
pub fn one_table() -> (String, String) {
    script(
        "aa01",
        None,
        "",
        "    op.execute('CREATE TABLE t (id INTEGER)')",
        "    op.execute('DROP TABLE t')",
    )
}

pub fn offline_env() -> String {
    std::fs::read_to_string(fixture("alembic/project/env.py")).unwrap()
}

/// One Python process per database renders a 100-revision history: timed, and far below the
/// minutes one `alembic upgrade --sql` per revision and direction would take.
#[test]
fn a_100_revision_history_renders_in_one_python_per_database() {
    let Some(program) = alembic() else { return };
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (0..100).map(|i| format!("r{i:03}")).collect();
    let scripts: Vec<(String, String)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let parent = i.checked_sub(1).map(|p| ids[p].as_str());
            match i {
                0 => script(id, parent, "", "    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True))", "    op.drop_table('t')"),
                _ => script(
                    id,
                    parent,
                    "",
                    &format!("    op.add_column('t', sa.Column('c{i}', sa.String(20), nullable=True))\n    op.create_index('ix_t_c{i}', 't', ['c{i}'])"),
                    // A batch: on SQLite a table copy, reflected from the history before it.
                    &format!("    op.drop_index('ix_t_c{i}', table_name='t')\n    with op.batch_alter_table('t') as batch:\n        batch.drop_column('c{i}')"),
                ),
            }
        })
        .collect();
    let project = project(dir.path(), &offline_env(), &scripts);
    let started = Instant::now();
    let (code, report, stderr) = import(dir.path(), &project, &program, &["postgresql", "sqlite"]);
    let took = started.elapsed();
    assert_eq!(code, Some(0), "{report}{stderr}");
    assert_eq!(rendered_whole(&report).len(), 100, "{report}");
    eprintln!("rendered 100 revisions x 2 databases through Alembic in {took:?}");
    assert!(took < Duration::from_secs(60), "took {took:?}");

    let catalog = imported(dir.path());
    let db = Db::Pg(PgDb::new());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime
        .block_on(runner(&catalog, &db).upgrade(&Target::Head, &mut |_| {}))
        .unwrap();
    assert_eq!(heads(&db), ["r099"]);
}

/// A variable of `.env` in the working directory reaches the project's env.py, as one of the
/// environment's own would.
#[test]
fn the_project_s_env_py_sees_the_variables_of_dotenv() {
    let Some(program) = alembic() else { return };
    let dir = tempfile::tempdir().unwrap();
    let scripts = [one_table()];
    let env = format!(
        "import os\nassert os.environ['AURORA_DOTENV_PROBE'] == 'seen'\n{}",
        offline_env()
    );
    let project = project(dir.path(), &env, &scripts);
    std::fs::write(dir.path().join(".env"), "AURORA_DOTENV_PROBE=seen\n").unwrap();
    let (code, report, stderr) = import(dir.path(), &project, &program, &["postgresql"]);
    assert_eq!(code, Some(0), "{report}{stderr}");
    assert_eq!(rendered_whole(&report), ["aa01"], "{report}");
}
