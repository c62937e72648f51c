//! `import alembic --alembic-ini` where Alembic's offline mode cannot render a section (it is
//! converted statically, saying why) or cannot run at all (refused, nothing written), and a
//! versions directory the configuration does not name.

use std::path::Path;

use crate::alembic::alembic;
use crate::alembic_render::{import, offline_env, one_table, project, rendered_whole, script};
use crate::support::{cli, texts};

fn script_of<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["scripts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["revision"] == id)
        .unwrap_or_else(|| panic!("{id}: {report}"))
}

fn section<'a>(
    report: &'a serde_json::Value,
    id: &str,
    direction: &str,
    dialect: &str,
) -> &'a serde_json::Value {
    script_of(report, id)["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["direction"] == direction && s["dialect"] == dialect)
        .unwrap_or_else(|| panic!("{id} {direction} {dialect}: {report}"))
}

/// A section's fallback, as the report's line left to do gives it: (its reason, the script's
/// line, what it says).
fn fallback(
    report: &serde_json::Value,
    id: &str,
    direction: &str,
    dialect: &str,
) -> (String, u64, String) {
    let reason = section(report, id, direction, dialect)["reason"].clone();
    let todo = script_of(report, id)["todos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["direction"] == direction && t["dialect"] == dialect)
        .unwrap_or_else(|| panic!("{id} {direction} {dialect}: {report}"));
    assert_eq!(
        todo["reason"], reason,
        "the section's first line left to do is its fallback"
    );
    (
        reason.as_str().unwrap_or_default().to_string(),
        todo["script_line"].as_u64().unwrap(),
        todo["what"].as_str().unwrap().to_string(),
    )
}

/// Data logic that reads the database (a query's result, inspection of the bind), a script
/// importing what is not installed, a SQLite batch whose table an earlier failure leaves
/// unknown, a script that asks whether it runs offline: each section that offline mode cannot
/// render faithfully is the static converter's, under a `-- migrate:todo` line saying why, and
/// the command says which sections Alembic rendered, each fallback with a stable reason in the
/// one report. Parameters given to `sa.text()` are bound. The importer decides what is a
/// revision: a legacy script named by its id (no `revision =`) is rendered, a helper module
/// that fails to import is skipped once, and never loaded.
#[test]
fn what_offline_mode_cannot_run_is_converted_statically_saying_why() {
    let Some(program) = alembic() else { return };
    let dir = tempfile::tempdir().unwrap();
    let scripts = [
        script(
            "aa01",
            None,
            "",
            "    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('name', sa.String(20)))",
            "    op.drop_table('t')",
        ),
        script(
            "bb02",
            Some("aa01"),
            "",
            "    if op.get_bind().execute(sa.text('SELECT count(*) FROM t')).scalar() == 0:\n        op.execute(\"INSERT INTO t (id, name) VALUES (1, 'first')\")",
            "    op.execute('DELETE FROM t WHERE id = 1')",
        ),
        script(
            "cc03",
            Some("bb02"),
            "import not_installed_anywhere\n",
            "    op.add_column('t', sa.Column('note', sa.Text()))",
            "    op.drop_column('t', 'note')",
        ),
        script(
            "dd04",
            Some("cc03"),
            "",
            "    if not sa.inspect(op.get_bind()).has_table('u'):\n        op.create_table('u', sa.Column('id', sa.Integer(), primary_key=True))",
            "    op.drop_table('u')",
        ),
        script(
            "ee05",
            Some("dd04"),
            "",
            "    with op.batch_alter_table('t') as batch:\n        batch.alter_column('name', existing_type=sa.String(20), nullable=False)",
            "    with op.batch_alter_table('t') as batch:\n        batch.alter_column('name', existing_type=sa.String(20), nullable=True)",
        ),
        script(
            "ff06",
            Some("ee05"),
            "from alembic import context\n",
            "    if not context.is_offline_mode():\n        op.execute(\"UPDATE t SET name = 'online'\")",
            "    pass",
        ),
        script(
            "gg07",
            Some("ff06"),
            "",
            "    rows = op.get_bind().execute(sa.text('SELECT id FROM t'))\n    if rows:\n        op.execute(\"UPDATE t SET name = 'seen'\")",
            "    pass",
        ),
        script(
            "hh08",
            Some("gg07"),
            "",
            "    op.get_bind().execute(sa.text('UPDATE t SET name = :n WHERE id = :i'), {'n': \"o'x\", 'i': 1})",
            "    pass",
        ),
    ];
    let project = project(dir.path(), &offline_env(), &scripts);
    let versions = project.join("versions");
    std::fs::write(
        versions.join("cafe0009.py"),
        "\"\"\"a legacy script, named by its id\"\"\"\nfrom alembic import op\n\ndown_revision = 'hh08'\n\n\n\
         def upgrade():\n    op.execute(\"UPDATE t SET name = 'legacy'\")\n\n\ndef downgrade():\n    pass\n",
    )
    .unwrap();
    std::fs::write(
        versions.join("shared_types.py"),
        "raise RuntimeError('a helper, not a revision: never imported')\n",
    )
    .unwrap();
    let (code, report, stderr) = import(dir.path(), &project, &program, &["postgresql", "sqlite"]);
    assert_eq!(code, Some(0), "{report}{stderr}");

    let by = |id, direction, dialect| section(&report, id, direction, dialect)["by"].clone();
    let said = "Alembic's offline mode could not render this section: ";
    let reads = format!(
        "{said}the script reads what a statement returned, and offline mode has no database to answer"
    );
    for dialect in ["postgresql", "sqlite"] {
        for direction in ["upgrade", "downgrade"] {
            assert_eq!(by("aa01", direction, dialect), "alembic", "{report}");
            let (reason, line, what) = fallback(&report, "cc03", direction, dialect);
            assert_eq!(
                (reason.as_str(), line),
                ("alembic_cannot_load", 7),
                "{what}"
            );
            assert!(
                what.starts_with(&format!("{said}the project's Python cannot import the script: ModuleNotFoundError: No module named 'not_installed_anywhere'")),
                "{what}"
            );
            assert_eq!(by("cc03", direction, dialect), "static");
        }
        assert_eq!(by("bb02", "downgrade", dialect), "alembic");
        assert_eq!(
            fallback(&report, "bb02", "upgrade", dialect),
            ("reads_database".to_string(), 15, reads.clone())
        );
        let (reason, line, what) = fallback(&report, "dd04", "upgrade", dialect);
        assert_eq!((reason.as_str(), line), ("reads_database", 15), "{what}");
        assert!(what.contains("Inspection"), "{what}");
        assert_eq!(by("dd04", "downgrade", dialect), "alembic");
        assert_eq!(
            fallback(&report, "ff06", "upgrade", dialect),
            (
                "asks_offline_mode".to_string(),
                16,
                format!(
                    "{said}the script asks whether it runs offline (is_offline_mode()), and may do otherwise on a database"
                )
            )
        );
        assert_eq!(
            fallback(&report, "gg07", "upgrade", dialect),
            ("reads_database".to_string(), 16, reads.clone())
        );
        assert_eq!(by("hh08", "upgrade", dialect), "alembic");
    }
    assert_eq!(by("ee05", "upgrade", "postgresql"), "alembic");
    assert_eq!(
        fallback(&report, "ee05", "upgrade", "sqlite"),
        (
            "batch_reflection".to_string(),
            15,
            format!(
                "{said}a SQLite batch copies its table as the earlier revisions leave it, and the upgrade of bb02 could not be rendered"
            )
        )
    );
    assert_eq!(rendered_whole(&report), ["aa01", "hh08", "cafe0009"]);
    let skipped: Vec<&str> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["file"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["shared_types.py"], "{report}");
    // The fallbacks are counted with the other lines left to do, by reason.
    let by_reason = &report["summary"]["by_reason"];
    assert_eq!(by_reason["alembic_cannot_load"], 4, "{report}");
    assert_eq!(by_reason["reads_database"], 6, "{report}");
    assert_eq!(by_reason["asks_offline_mode"], 2, "{report}");
    assert_eq!(by_reason["batch_reflection"], 2, "{report}");
    assert_eq!(report["summary"]["sections"], 36);

    let file = |id: &str| {
        std::fs::read_to_string(dir.path().join(format!("migrations/{id}_step_{id}.sql"))).unwrap()
    };
    let text = file("bb02");
    assert!(
        text.contains(&format!("-- migrate:upgrade postgresql\n-- migrate:todo line 15: {reads}; converted statically below: check it, then delete this line\n-- migrate:todo line 15: ")),
        "{text}"
    );
    assert!(
        text.contains("-- migrate:downgrade sqlite\nDELETE FROM t WHERE id = 1;\n"),
        "{text}"
    );
    let text = file("cc03");
    assert!(
        text.contains("converted statically below: check it, then delete this line\nALTER TABLE t ADD COLUMN note TEXT;\n"),
        "the static conversion follows: {text}"
    );
    let text = file("hh08");
    assert!(
        text.contains("-- migrate:upgrade sqlite\nUPDATE t SET name = 'o''x' WHERE id = 1;\n"),
        "the parameters bound as literals: {text}"
    );
    let text = file("ee05");
    assert!(
        text.contains(
            "-- migrate:upgrade postgresql\nALTER TABLE t ALTER COLUMN name SET NOT NULL;\n"
        ),
        "{text}"
    );
    let text = std::fs::read_to_string(
        dir.path()
            .join("migrations/cafe0009_a_legacy_script_named_by_its_id.sql"),
    )
    .unwrap();
    assert!(
        text.contains("-- migrate:upgrade sqlite\nUPDATE t SET name = 'legacy';\n"),
        "{text}"
    );

    // The same, as lines a person reads.
    std::fs::remove_dir_all(dir.path().join("migrations")).unwrap();
    let output = cli(dir.path())
        .args([
            "import",
            "alembic",
            "alembic/versions",
            "--alembic-ini",
            "alembic/alembic.ini",
            "--dialect",
            "postgresql",
            "--dialect",
            "sqlite",
            "--alembic",
        ])
        .arg(&program)
        .output()
        .unwrap();
    let (_, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("rendered by Alembic 1.20.1 (")
            && stderr.contains(") in offline mode: 22 of 36 section(s), 3 of 9 script(s) whole"),
        "{stderr}"
    );
    assert!(
        stderr.contains("bb02_step.py -> migrations/bb02_step_bb02.sql: 4 line(s) left by hand (branch 2, reads_database 2); converted statically: upgrade postgresql, upgrade sqlite\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "migrations/bb02_step_bb02.sql:8: to do: line 15: {reads} [reads_database]\n"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("aa01_step.py -> migrations/aa01_step_aa01.sql: rendered by Alembic\n")
            && stderr.contains("skipped shared_types.py: it assigns no `revision`"),
        "{stderr}"
    );
}

/// A versions directory the configuration does not name (env.py picks one per database, as
/// prefect's does) is the one Alembic renders from, as asked.
#[test]
fn a_versions_directory_the_configuration_does_not_name_is_rendered_as_asked() {
    let Some(program) = alembic() else { return };
    let dir = tempfile::tempdir().unwrap();
    let scripts = [
        script(
            "aa01",
            None,
            "",
            "    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True))",
            "    op.drop_table('t')",
        ),
        script(
            "bb02",
            Some("aa01"),
            "",
            "    op.add_column('t', sa.Column('n', sa.Integer()))",
            "    op.drop_column('t', 'n')",
        ),
    ];
    let project = project(dir.path(), &offline_env(), &[]);
    let elsewhere = dir.path().join("elsewhere/postgresql");
    std::fs::create_dir_all(&elsewhere).unwrap();
    for (name, text) in &scripts {
        std::fs::write(elsewhere.join(name), text).unwrap();
    }
    let output = cli(dir.path())
        .args(["import", "alembic"])
        .arg(&elsewhere)
        .arg("--alembic-ini")
        .arg(project.join("alembic.ini"))
        .arg("--alembic")
        .arg(&program)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(rendered_whole(&report), ["aa01", "bb02"], "{report}");
    let text = std::fs::read_to_string(dir.path().join("migrations/bb02_step_bb02.sql")).unwrap();
    assert!(
        text.contains("-- migrate:upgrade postgresql\nALTER TABLE t ADD COLUMN n INTEGER;\n"),
        "{text}"
    );
}

/// A data migration through an ORM session on the bind (optuna's and mlflow's shape: a query in
/// a `try`, the session closed in `finally`) falls back as reading the database, not as the
/// error closing the bind offline would raise.
#[test]
fn an_orm_session_on_the_bind_falls_back_as_reading_the_database() {
    let Some(program) = alembic() else { return };
    let dir = tempfile::tempdir().unwrap();
    let scripts = [
        script(
            "aa01",
            None,
            "",
            "    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True))",
            "    op.drop_table('t')",
        ),
        script(
            "bb02",
            Some("aa01"),
            "from sqlalchemy import orm\n",
            "    session = orm.Session(bind=op.get_bind())\n    try:\n        for row in session.execute(sa.text('SELECT id FROM t')):\n            op.execute(sa.text('SELECT 1'))\n    finally:\n        session.close()",
            "    op.execute('SELECT 1')",
        ),
    ];
    let project = project(dir.path(), &offline_env(), &scripts);
    let (code, report, stderr) = import(dir.path(), &project, &program, &["postgresql"]);
    assert_eq!(code, Some(0), "{report}{stderr}");
    let (reason, _, what) = fallback(&report, "bb02", "upgrade", "postgresql");
    assert_eq!(reason, "reads_database", "{what}");
    assert!(what.contains("ORM session"), "{what}");
    assert_eq!(rendered_whole(&report), ["aa01"], "{report}");
}

/// No alembic program, no configuration, a Python without Alembic, a configuration whose
/// scripts are not there, an env.py that needs a database even offline: each is refused,
/// saying what to do, and nothing is written.
#[test]
fn an_alembic_that_cannot_render_is_refused_and_nothing_is_written() {
    let Some(program) = alembic() else { return };
    let dir = tempfile::tempdir().unwrap();
    let scripts = [one_table()];
    let connecting = "import os\nfrom alembic import context\nfrom sqlalchemy import create_engine\n\n\
        engine = create_engine(os.environ['ALEMBIC_URL'])\nwith engine.connect() as connection:\n    \
        context.configure(connection=connection)\n    with context.begin_transaction():\n        context.run_migrations()\n";
    let project = project(dir.path(), connecting, &scripts);
    let bare = dir.path().join("bare");
    let made = std::process::Command::new("python3")
        .args(["-m", "venv", "--without-pip"])
        .arg(&bare)
        .status()
        .unwrap();
    assert!(made.success());
    let without = dir.path().join("alembic-without");
    std::fs::write(
        &without,
        format!(
            "#!{}\nraise SystemExit(1)\n",
            bare.join("bin/python").display()
        ),
    )
    .unwrap();
    let nowhere = dir.path().join("nowhere.ini");
    std::fs::write(&nowhere, "[alembic]\nscript_location = %(here)s/missing\n").unwrap();

    let run = |versions: &Path, ini: &Path, program: &Path| {
        let output = cli(dir.path())
            .args(["import", "alembic"])
            .arg(versions)
            .arg("--alembic-ini")
            .arg(ini)
            .arg("--alembic")
            .arg(program)
            .env_remove("ALEMBIC_URL")
            .output()
            .unwrap();
        let (_, stderr) = texts(&output);
        (output.status.code(), stderr)
    };
    let (versions, ini) = (project.join("versions"), project.join("alembic.ini"));
    let cases: [(&Path, &Path, &Path, &str); 5] = [
        (
            &versions,
            &ini,
            Path::new("/nonexistent/bin/alembic"),
            "cannot find the alembic program /nonexistent/bin/alembic",
        ),
        (
            &versions,
            &dir.path().join("missing.ini"),
            &program,
            "the Alembic configuration",
        ),
        (&versions, &ini, &without, "cannot import alembic with"),
        (
            &versions,
            &nowhere,
            &program,
            "Alembic cannot render postgresql from this project: CommandError: Path doesn't exist",
        ),
        (
            &versions,
            &ini,
            &program,
            "the project's env.py fails in offline mode for postgresql, before any migration runs: KeyError: 'ALEMBIC_URL'",
        ),
    ];
    for (versions, ini, program, expected) in cases {
        let (code, stderr) = run(versions, ini, program);
        assert_eq!(code, Some(1), "{stderr}");
        assert!(stderr.contains(expected), "{expected}: {stderr}");
        assert!(stderr.contains("nothing was written"), "{stderr}");
        assert!(
            !dir.path().join("migrations").exists(),
            "{expected}: nothing written"
        );
    }
}
