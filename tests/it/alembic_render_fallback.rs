//! `import alembic --alembic-ini` where Alembic's offline mode cannot render a section (it is
//! converted statically, saying why) or cannot run at all (refused, nothing written), and a
//! versions directory the configuration does not name.

use std::path::Path;

use crate::alembic::alembic;
use crate::alembic_render::{import, offline_env, project, script};
use crate::support::{cli, texts};

fn section<'a>(
    report: &'a serde_json::Value,
    id: &str,
    direction: &str,
    dialect: &str,
) -> &'a serde_json::Value {
    report["rendered"]["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["revision"] == id)
        .and_then(|r| {
            r["sections"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["direction"] == direction && s["dialect"] == dialect)
        })
        .unwrap_or_else(|| panic!("{id} {direction} {dialect}: {report}"))
}

/// Data logic that reads the database (a query's result, inspection of the bind), a script
/// importing what is not installed, a SQLite batch whose table an earlier failure leaves
/// unknown, a script that asks whether it runs offline: each section that offline mode cannot
/// render faithfully is the static converter's, under a `-- migrate:todo` line saying why, and
/// the command says which sections Alembic rendered. Parameters given to `sa.text()` are bound.
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
    let (code, report, stderr) = import(dir.path(), &project, &program, &["postgresql", "sqlite"]);
    assert_eq!(code, Some(0), "{report}{stderr}");

    let by = |id, direction, dialect| section(&report, id, direction, dialect)["by"].clone();
    let reason = |id, direction, dialect| {
        section(&report, id, direction, dialect)["reason"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    for dialect in ["postgresql", "sqlite"] {
        for direction in ["upgrade", "downgrade"] {
            assert_eq!(by("aa01", direction, dialect), "alembic", "{report}");
            let why = reason("cc03", direction, dialect);
            assert!(
                why.starts_with("the script cannot be loaded: line 7: ModuleNotFoundError: No module named 'not_installed_anywhere'"),
                "{why}"
            );
        }
        assert_eq!(by("bb02", "downgrade", dialect), "alembic");
        let why = reason("bb02", "upgrade", dialect);
        assert!(
            why.starts_with("line 15: the script reads what a statement returned, and offline mode has no database to answer"),
            "{why}"
        );
        let why = reason("dd04", "upgrade", dialect);
        assert!(
            why.starts_with("line 15: ") && why.contains("Inspection"),
            "{why}"
        );
        assert_eq!(by("dd04", "downgrade", dialect), "alembic");
        assert_eq!(
            reason("ff06", "upgrade", dialect),
            "line 16: the script asks whether it runs offline (is_offline_mode()), and may do otherwise on a database"
        );
        assert_eq!(
            reason("gg07", "upgrade", dialect),
            "line 16: the script reads what a statement returned, and offline mode has no database to answer"
        );
        assert_eq!(by("hh08", "upgrade", dialect), "alembic");
    }
    assert_eq!(by("ee05", "upgrade", "postgresql"), "alembic");
    let why = reason("ee05", "upgrade", "sqlite");
    assert!(
        why == "line 15: a SQLite batch copies its table as the earlier revisions leave it, and the upgrade of bb02 could not be rendered",
        "{why}"
    );
    let whole: Vec<&str> = report["rendered"]["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["by_alembic"] == true)
        .map(|r| r["revision"].as_str().unwrap())
        .collect();
    assert_eq!(whole, ["aa01", "hh08"]);

    let file = |id: &str| {
        std::fs::read_to_string(dir.path().join(format!("migrations/{id}_step_{id}.sql"))).unwrap()
    };
    let text = file("bb02");
    assert!(
        text.contains("-- migrate:upgrade postgresql\n-- migrate:todo Alembic's offline mode could not render this section (line 15: the script reads what a statement returned, and offline mode has no database to answer); converted statically below: check it, then delete this line\n-- migrate:todo line 15: "),
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
    let todos = report["todos"].as_array().unwrap();
    assert!(
        todos
            .iter()
            .any(|t| t["what"].as_str().unwrap().starts_with(
                "Alembic's offline mode could not render this section (line 15: the script reads what a statement returned"
            )),
        "{report}"
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
            && stderr.contains(") in offline mode: 2 of 8 revision(s) whole"),
        "{stderr}"
    );
    assert!(
        stderr.contains("migrations/bb02_step_bb02.sql: upgrade postgresql converted statically: line 15: the script reads what a statement returned, and offline mode has no database to answer"),
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
    let whole: Vec<&str> = report["rendered"]["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["by_alembic"] == true)
        .map(|r| r["revision"].as_str().unwrap())
        .collect();
    assert_eq!(whole, ["aa01", "bb02"], "{report}");
    let text = std::fs::read_to_string(dir.path().join("migrations/bb02_step_bb02.sql")).unwrap();
    assert!(
        text.contains("-- migrate:upgrade postgresql\nALTER TABLE t ADD COLUMN n INTEGER;\n"),
        "{text}"
    );
}

/// No alembic program, no configuration, a Python without Alembic, a configuration whose
/// scripts are not there, an env.py that needs a database even offline: each is refused,
/// saying what to do, and nothing is written.
#[test]
fn an_alembic_that_cannot_render_is_refused_and_nothing_is_written() {
    let Some(program) = alembic() else { return };
    let dir = tempfile::tempdir().unwrap();
    let scripts = [script(
        "aa01",
        None,
        "",
        "    op.execute('CREATE TABLE t (id INTEGER)')",
        "    op.execute('DROP TABLE t')",
    )];
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
