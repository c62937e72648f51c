//! `import alembic` on the shapes real histories have: no directory refused for one
//! statement, a project's own type never taken for SQLAlchemy's (and mapped by a type map),
//! and the naming convention of `env.py` giving the names the real Alembic gives.

use std::path::Path;
use std::process::Command;

use aurora_migrate::migrations::source::scan;
use aurora_migrate::{Catalog, Target};

use crate::alembic::alembic;
use crate::support::{Db, PgDb, runner, texts};

/// A script `name` with revision `id` after `parent`, with these imports and upgrade body.
fn write_script(dir: &Path, id: &str, parent: &str, imports: &str, upgrade: &str) {
    let body: String = upgrade.lines().map(|l| format!("    {l}\n")).collect();
    std::fs::write(
        dir.join(format!("{id}_step.py")),
        format!(
            "\"\"\"step {id}\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n{imports}\n\nrevision = \"{id}\"\ndown_revision = {parent}\n\n\ndef upgrade():\n{body}\n\ndef downgrade():\n    pass\n"
        ),
    )
    .unwrap();
}

fn import(project: &Path, args: &[&str]) -> (bool, serde_json::Value, String) {
    let output = crate::support::cli(project)
        .args(["import", "alembic", "versions", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    let report = serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null);
    (output.status.success(), report, stderr)
}

#[test]
fn no_directory_is_refused_for_an_f_string_a_syntax_error_or_a_module_beside_the_revisions() {
    let project = tempfile::tempdir().unwrap();
    let versions = project.path().join("versions");
    std::fs::create_dir(&versions).unwrap();
    write_script(
        &versions,
        "a1a1",
        "None",
        "",
        "op.create_table(\"a\", sa.Column(\"id\", sa.Integer(), primary_key=True))",
    );
    write_script(
        &versions,
        "b2b2",
        "\"a1a1\"",
        "",
        "for t in [\"x\", \"y\"]:\n    print(f\"dropping {t}\")\nop.execute(f\"DROP TABLE {name}\")\nop.drop_table(\"a\")",
    );
    write_script(
        &versions,
        "c3c3",
        "\"b2b2\"",
        "",
        "op.drop_table(\"b\"\nop.drop_table(\"c\")",
    );
    std::fs::write(versions.join("__init__.py"), "").unwrap();
    std::fs::write(
        versions.join("helpers.py"),
        "def table_exists(name):\n    return f\"{name}\"\n",
    )
    .unwrap();
    let (ok, report, stderr) = import(project.path(), &[]);
    assert!(ok, "{stderr}");
    assert_eq!(report["summary"]["scripts"], 3, "{report}");
    assert_eq!(report["summary"]["todo_free"], 1, "{report}");
    assert_eq!(report["summary"]["skipped"], 2, "{report}");
    assert_eq!(
        report["summary"]["by_reason"],
        serde_json::json!({ "syntax_error": 2, "python_statement": 1, "computed_argument": 1 }),
        "{report}"
    );
    let skipped: Vec<&str> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["file"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["__init__.py", "helpers.py"]);
    let b2 = &report["scripts"][1];
    assert_eq!(b2["converted"], false);
    assert_eq!(b2["todos"][1]["reason"], "computed_argument", "{b2}");
    assert_eq!(b2["todos"][1]["script_line"], 13, "{b2}");
    assert!(
        b2["todos"][1]["what"]
            .as_str()
            .unwrap()
            .contains("`op.execute` with an f-string"),
        "{b2}"
    );
    let written =
        std::fs::read_to_string(project.path().join("migrations/b2b2_step_b2b2.sql")).unwrap();
    assert!(
        written.contains("DROP TABLE a;"),
        "the rest of the script is converted: {written}"
    );
    // The same as text: per script, the skipped files, the summary.
    let output = crate::support::cli(project.path())
        .args(["import", "alembic", "versions", "--migrations-dir", "again"])
        .output()
        .unwrap();
    let (_, stderr) = texts(&output);
    for said in [
        "a1a1_step.py -> again/a1a1_step_a1a1.sql: converted",
        "b2b2_step.py -> again/b2b2_step_b2b2.sql: 2 line(s) left by hand (python_statement 1, computed_argument 1)",
        "c3c3_step.py -> again/c3c3_step_c3c3.sql: 2 line(s) left by hand (syntax_error 2)",
        "[syntax_error]",
        "skipped __init__.py: Alembic skips it by its name",
        "skipped helpers.py: it assigns no `revision`",
        "summary: 3 script(s), 1 converted whole, 2 skipped; 4 line(s) left by hand: syntax_error 2, python_statement 1, computed_argument 1",
    ] {
        assert!(stderr.contains(said), "{said}\n{stderr}");
    }
}

#[test]
fn a_project_s_json_is_left_to_do_and_a_type_map_makes_it_jsonb() {
    let project = tempfile::tempdir().unwrap();
    let versions = project.path().join("versions");
    std::fs::create_dir(&versions).unwrap();
    write_script(
        &versions,
        "a1a1",
        "None",
        "from prefect.server.utilities.database import JSON",
        "op.create_table(\"flow\", sa.Column(\"id\", sa.Integer(), nullable=False), sa.Column(\"tags\", JSON(), nullable=False), sa.Column(\"plain\", sa.JSON()), sa.PrimaryKeyConstraint(\"id\"))",
    );
    let (ok, report, stderr) = import(project.path(), &[]);
    assert!(ok, "{stderr}");
    assert_eq!(
        report["summary"]["by_reason"],
        serde_json::json!({ "unknown_type": 1 }),
        "{report}"
    );
    assert!(
        report["todos"][0]["what"]
            .as_str()
            .unwrap()
            .contains("prefect.server.utilities.database.JSON"),
        "{report}"
    );

    std::fs::write(
        project.path().join("types.map"),
        "prefect.server.utilities.database.JSON = postgresql:jsonb sqlite:json\n",
    )
    .unwrap();
    let (ok, report, stderr) = import(
        project.path(),
        &["--type-map", "types.map", "--migrations-dir", "mapped"],
    );
    assert!(ok, "{stderr}");
    assert_eq!(report["summary"]["todo_free"], 1, "{report}");
    let db = PgDb::new();
    let db = Db::Pg(db);
    let catalog = Catalog::from_scan(scan::scan(&project.path().join("mapped")).unwrap());
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(runner(&catalog, &db).upgrade(&Target::Head, &mut |_| {}))
        .unwrap();
    assert_eq!(
        db.query("SELECT column_name || ' ' || data_type FROM information_schema.columns WHERE table_name = 'flow' ORDER BY ordinal_position"),
        ["id integer", "tags jsonb", "plain json"]
    );

    // A broken type map is refused at its line, before anything is written.
    std::fs::write(project.path().join("bad.map"), "a.JSON = oracle:json\n").unwrap();
    let (ok, _, stderr) = import(
        project.path(),
        &["--type-map", "bad.map", "--migrations-dir", "never"],
    );
    assert!(
        !ok && stderr.contains("bad.map:1: \"oracle\" is not a database"),
        "{stderr}"
    );
    assert!(!project.path().join("never").exists());
}

const ENV_PY: &str = r#"from alembic import context
import sqlalchemy as sa

target_metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

context.configure(dialect_name="postgresql", target_metadata=target_metadata, literal_binds=True)
with context.begin_transaction():
    context.run_migrations()
"#;

/// The names a piece of SQL gives constraints and indexes, in order.
fn names(sql: &str) -> Vec<String> {
    let mut names = Vec::new();
    for word in ["CONSTRAINT ", "INDEX "] {
        for (at, _) in sql.match_indices(word) {
            let name: String = sql[at + word.len()..]
                .chars()
                .take_while(|c| !c.is_whitespace())
                .collect();
            names.push(name.trim_matches('"').to_string());
        }
    }
    names.sort();
    names
}

#[test]
fn the_naming_convention_of_env_py_gives_the_names_alembic_gives() {
    let Some(alembic) = alembic() else { return };
    let project = tempfile::tempdir().unwrap();
    let versions = project.path().join("versions");
    std::fs::create_dir(&versions).unwrap();
    std::fs::write(project.path().join("env.py"), ENV_PY).unwrap();
    std::fs::write(
        project.path().join("alembic.ini"),
        "[alembic]\nscript_location = %(here)s\n",
    )
    .unwrap();
    let long = "a_very_long_table_name_that_goes_on_and_on_and_on";
    write_script(
        &versions,
        "a1a1",
        "None",
        "",
        &format!(
            "op.create_table(\"{long}\", sa.Column(\"id\", sa.Integer(), nullable=False), sa.Column(\"another_long_column_name\", sa.String(10), unique=True), sa.Column(\"x\", sa.Integer()), sa.CheckConstraint(\"x > 0\", name=\"positive\"), sa.UniqueConstraint(\"x\", \"id\"), sa.ForeignKeyConstraint([\"x\"], [\"r.id\"]), sa.PrimaryKeyConstraint(\"id\"))\nop.create_index(None, \"{long}\", [\"x\"])\nop.create_index(op.f(\"ix_{q}\"), \"t\", [\"a\"])\nop.create_unique_constraint(None, \"t\", [\"a\", \"b\"])\nop.create_foreign_key(None, \"t\", \"r\", [\"a\"], [\"id\"])\nop.drop_constraint(\"positive\", \"t\", type_=\"check\")\nop.drop_constraint(op.f(\"ck_t_kept\"), \"t\", type_=\"check\")\nop.drop_constraint(\"uq_plain\", \"t\", type_=\"unique\")\nop.drop_index(\"ix_plain\", table_name=\"t\")",
            q = "q".repeat(70)
        ),
    );
    let theirs = Command::new(&alembic)
        .arg("-c")
        .arg(project.path().join("alembic.ini"))
        .args(["upgrade", "head", "--sql"])
        .output()
        .unwrap();
    let (alembic_sql, stderr) = texts(&theirs);
    assert!(theirs.status.success(), "{stderr}");
    let (ok, report, stderr) = import(project.path(), &[]);
    assert!(ok, "{stderr}");
    assert_eq!(report["summary"]["todo_free"], 1, "{report}");
    let ours =
        std::fs::read_to_string(project.path().join("migrations/a1a1_step_a1a1.sql")).unwrap();
    let upgrade =
        &ours[ours.find("-- migrate:upgrade").unwrap()..ours.find("-- migrate:downgrade").unwrap()];
    let step = &alembic_sql[alembic_sql.find("-- Running upgrade").unwrap()..];
    let expected = names(&step[..step.find("INSERT INTO alembic_version").unwrap()]);
    assert_eq!(expected.len(), 13, "{alembic_sql}");
    assert_eq!(
        names(upgrade),
        expected,
        "ours:\n{upgrade}\nAlembic's:\n{alembic_sql}"
    );

    // Without env.py, SQLAlchemy's default convention: the same script's names differ.
    std::fs::remove_file(project.path().join("env.py")).unwrap();
    let (ok, _, stderr) = import(project.path(), &["--migrations-dir", "plain"]);
    assert!(ok, "{stderr}");
    let plain = std::fs::read_to_string(project.path().join("plain/a1a1_step_a1a1.sql")).unwrap();
    assert!(plain.contains("DROP CONSTRAINT positive;"), "{plain}");
}
