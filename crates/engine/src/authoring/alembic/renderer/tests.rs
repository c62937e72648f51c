use std::path::PathBuf;

use super::interpreter::shebang;
use super::*;
use crate::authoring::alembic::{By, Options, Reason, plan, write};

#[test]
fn the_interpreter_is_the_one_the_first_line_names_in_every_form_pip_writes() {
    let cases = [
        (
            "#!/srv/app/.venv/bin/python3\n# -*- coding: utf-8 -*-\n",
            Some("/srv/app/.venv/bin/python3"),
        ),
        ("#!/usr/bin/env python3\nimport sys\n", Some("python3")),
        ("#!/usr/bin/env -S python3.12 -u\n", Some("python3.12")),
        (
            "#!/bin/sh\n'''exec' \"/a/very/long/path/.venv/bin/python\" \"$0\" \"$@\"\n' '''\n",
            Some("/a/very/long/path/.venv/bin/python"),
        ),
        ("#!/bin/bash\necho alembic\n", None),
        ("\u{7f}ELF\u{2}\u{1}", None),
        ("#!/usr/bin/perl\n", None),
        ("", None),
    ];
    for (head, expected) in cases {
        assert_eq!(shebang(head), expected.map(PathBuf::from), "{head:?}");
    }
}

#[test]
fn a_program_that_does_not_exist_or_names_no_python_is_refused_saying_which() {
    let missing =
        interpreter::python(std::path::Path::new("/nonexistent/bin/alembic")).unwrap_err();
    assert!(
        matches!(&missing, RenderError::ProgramMissing { program } if program == "/nonexistent/bin/alembic"),
        "{missing}"
    );
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("alembic");
    std::fs::write(&script, "#!/bin/bash\nexec true\n").unwrap();
    let refused = interpreter::python(&script).unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("its first line is not a `#!` line naming Python"),
        "{refused}"
    );
}

fn rendered(result: &str) -> std::result::Result<Rendered, String> {
    let mut rendered = Rendered::default();
    result::read(&mut rendered, Database::Postgres, result)
        .map(|()| rendered)
        .map_err(|e| match e {
            Unusable::Text(w) => format!("text: {w}"),
            Unusable::Project(w) => format!("project: {w}"),
            Unusable::Environment(w) => format!("environment: {w}"),
        })
}

fn key(id: &str, direction: &str, database: Database) -> (String, String, Database) {
    (id.to_string(), direction.to_string(), database)
}

#[test]
fn each_section_is_alembic_s_statements_or_a_stable_reason_it_could_not_be_rendered() {
    let result = r#"{"alembic": "1.20.1", "scripts": [
        {"revision": "aaaa", "upgrade": {"sql": ["CREATE TABLE t (\n    id SERIAL NOT NULL, \n    PRIMARY KEY (id)\n);", "DROP TYPE x CASCADE;;", "SELECT 1\n-- the end;", ";"], "outside_transaction": false},
         "downgrade": {"error": {"reason": "reads_database", "line": 9, "what": "the script reads what a statement\n returned"}}},
        {"revision": "bbbb", "upgrade": {"sql": ["ALTER TYPE s ADD VALUE 'x';"], "outside_transaction": true},
         "downgrade": {"env_error": "KeyError: 'DATABASE_URL'"}},
        {"revision": "cccc", "upgrade": {"error": {"reason": "alembic_cannot_load", "line": null, "what": "ModuleNotFoundError"}},
         "downgrade": {"error": {"reason": "asks_offline_mode", "what": "is_offline_mode()"}}}
    ]}"#;
    let rendered = rendered(result).unwrap();
    assert_eq!(rendered.version, "1.20.1");
    assert_eq!(
        rendered.sections[&key("aaaa", "upgrade", Database::Postgres)],
        Outcome::Sql {
            statements: vec![
                "CREATE TABLE t (\n    id SERIAL NOT NULL, \n    PRIMARY KEY (id)\n)".into(),
                "DROP TYPE x CASCADE".into(),
                "SELECT 1\n-- the end\n".into(),
            ],
            outside_transaction: false
        }
    );
    let failed = |reason, line, what: &str| Outcome::Failed {
        reason,
        line,
        what: what.to_string(),
    };
    for (id, direction, expected) in [
        (
            "aaaa",
            "downgrade",
            failed(
                Reason::ReadsDatabase,
                Some(9),
                "the script reads what a statement returned",
            ),
        ),
        (
            "bbbb",
            "downgrade",
            failed(
                Reason::EnvError,
                None,
                "the project's env.py failed: KeyError: 'DATABASE_URL'",
            ),
        ),
        (
            "cccc",
            "upgrade",
            failed(Reason::AlembicCannotLoad, None, "ModuleNotFoundError"),
        ),
        (
            "cccc",
            "downgrade",
            failed(Reason::AsksOfflineMode, None, "is_offline_mode()"),
        ),
    ] {
        assert_eq!(
            rendered.sections[&key(id, direction, Database::Postgres)],
            expected
        );
    }
}

#[test]
fn a_result_that_is_not_the_driver_s_or_a_project_offline_mode_cannot_run_is_refused() {
    let every = r#"{"alembic": "1.20.1", "scripts": [
        {"revision": "aaaa", "upgrade": {"env_error": "OperationalError: connection refused"}, "downgrade": {"env_error": "OperationalError: connection refused"}}]}"#;
    assert_eq!(
        rendered(every).unwrap_err(),
        "environment: OperationalError: connection refused"
    );
    let fatal = r#"{"fatal": "cannot import alembic with /usr/bin/python3: ModuleNotFoundError: No module named 'alembic'"}"#;
    assert_eq!(
        rendered(fatal).unwrap_err(),
        "project: cannot import alembic with /usr/bin/python3: ModuleNotFoundError: No module named 'alembic'"
    );
    for broken in [
        "{\"alembic\": \"1.20.1\"",
        r#"{"alembic": "1.20.1", "scripts": [{"revision": "a", "upgrade": {}}]}"#,
        // A reason that is not one of the fallbacks' (a static converter's, or none at all).
        r#"{"alembic": "1.20.1", "scripts": [{"revision": "a", "upgrade": {"error": {"reason": "branch", "what": "x"}}, "downgrade": {"sql": []}}]}"#,
        r#"{"alembic": "1.20.1", "scripts": [{"revision": "a", "upgrade": {"error": {"reason": "made_up", "what": "x"}}, "downgrade": {"sql": []}}]}"#,
    ] {
        assert!(
            rendered(broken).unwrap_err().starts_with("text: "),
            "{broken}"
        );
    }
}

const SCRIPT: &str = "\"\"\"step\"\"\"\nimport sqlalchemy as sa\nfrom alembic import op\n\nrevision = '{id}'\n\
    down_revision = {parent}\n\n\ndef upgrade():\n    op.add_column('t', sa.Column('n', sa.Integer()))\n    \
    op.bulk_insert(t, [])\n\n\ndef downgrade():\n    op.drop_column('t', 'n')\n";

/// A versions directory of two revisions and two files that are not revisions, planned for
/// PostgreSQL and SQLite.
fn planned(dir: &std::path::Path) -> Plan {
    let versions = dir.join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    for (file, id, parent) in [("a1_one.py", "a1", "None"), ("b2_two.py", "b2", "'a1'")] {
        let text = SCRIPT.replace("{id}", id).replace("{parent}", parent);
        std::fs::write(versions.join(file), text).unwrap();
    }
    std::fs::write(versions.join("__init__.py"), "").unwrap();
    std::fs::write(versions.join("shared_types.py"), "import sqlalchemy\n").unwrap();
    let options = Options {
        databases: vec![Database::Postgres, Database::Sqlite],
        ..Options::default()
    };
    plan(&versions, &dir.join("migrations"), &options).unwrap()
}

/// Alembic's SQL replaces a section's static pieces; a section it could not render keeps them
/// under a line left to do with the reason; a revision Alembic did not render at all says so;
/// an autocommit_block's revision runs outside a transaction; the report has each section's
/// writer and the fallbacks' reasons among the lines left to do.
#[test]
fn alembic_s_sql_replaces_a_section_and_a_fallback_keeps_the_static_pieces_under_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut plan = planned(dir.path());
    let mut rendered = Rendered {
        version: "1.20.1".into(),
        ..Rendered::default()
    };
    let sql = |statements: &[&str], outside_transaction| Outcome::Sql {
        statements: statements.iter().map(|s| s.to_string()).collect(),
        outside_transaction,
    };
    for database in [Database::Postgres, Database::Sqlite] {
        let add = "ALTER TABLE t ADD COLUMN n INTEGER";
        rendered.sections.insert(
            key("a1", "upgrade", database),
            sql(
                &[add, "INSERT INTO t DEFAULT VALUES"],
                database == Database::Sqlite,
            ),
        );
        rendered.sections.insert(
            key("a1", "downgrade", database),
            sql(&["ALTER TABLE t DROP COLUMN n"], false),
        );
    }
    rendered.sections.insert(
        key("b2", "upgrade", Database::Postgres),
        Outcome::Failed {
            reason: Reason::ReadsDatabase,
            line: Some(11),
            what: "the script reads what a statement returned".into(),
        },
    );
    rendered
        .sections
        .insert(key("b2", "downgrade", Database::Postgres), sql(&[], false));
    apply(&mut plan, &rendered);

    let imported = write(&dir.path().join("migrations"), plan).unwrap();
    let one = std::fs::read_to_string(&imported.files[0]).unwrap();
    assert!(
        one.contains("-- Transaction: none\n-- Imported from Alembic's a1_one.py.\n"),
        "{one}"
    );
    assert!(
        one.contains("-- migrate:upgrade sqlite\nALTER TABLE t ADD COLUMN n INTEGER;\nINSERT INTO t DEFAULT VALUES;\n\n"),
        "{one}"
    );
    assert!(!one.contains("migrate:todo"), "{one}");
    let two = std::fs::read_to_string(&imported.files[1]).unwrap();
    assert!(!two.contains("Transaction"), "{two}");
    assert!(
        two.contains("-- migrate:upgrade postgresql\n-- migrate:todo line 11: Alembic's offline mode could not render this section: the script reads what a statement returned; converted statically below: check it, then delete this line\nALTER TABLE t ADD COLUMN n INTEGER;\n-- migrate:todo line 11: `op.bulk_insert`"),
        "{two}"
    );
    assert!(two.contains("-- migrate:downgrade postgresql\n\n"), "{two}");
    assert!(
        two.contains("-- migrate:upgrade sqlite\n-- migrate:todo line 9: Alembic's offline mode did not render this section: Alembic did not load the script as a revision; converted statically below"),
        "{two}"
    );

    let [first, second] = &imported.scripts[..] else {
        panic!("{imported:?}")
    };
    assert!(first.todos.is_empty());
    assert!(
        first
            .sections
            .iter()
            .all(|s| s.by == By::Alembic && s.fallback.is_none())
    );
    let writers: Vec<(&str, &str, By, Option<Reason>)> = second
        .sections
        .iter()
        .map(|s| (s.direction.name(), s.database.name(), s.by, s.fallback))
        .collect();
    assert_eq!(
        writers,
        [
            (
                "upgrade",
                "postgresql",
                By::Static,
                Some(Reason::ReadsDatabase)
            ),
            ("upgrade", "sqlite", By::Static, Some(Reason::NotRendered)),
            ("downgrade", "postgresql", By::Alembic, None),
            ("downgrade", "sqlite", By::Static, Some(Reason::NotRendered)),
        ]
    );
    let reasons: Vec<Reason> = second.todos.iter().map(|t| t.reason).collect();
    assert_eq!(
        reasons,
        [
            Reason::ReadsDatabase,
            Reason::OpNotConverted,
            Reason::NotRendered,
            Reason::OpNotConverted,
            Reason::NotRendered,
        ]
    );
    // Each line left to do is where the report says.
    let lines: Vec<&str> = two.lines().collect();
    for todo in &second.todos {
        assert!(
            lines[todo.line - 1].starts_with("-- migrate:todo line "),
            "{todo:?}"
        );
    }
    assert_eq!(imported.sections_by_alembic(), (8, 5));
}

/// The driver is told what the importer decided: the files it skipped, which Alembic does not
/// load either, and each revision's facts, which stand for a script Python cannot import.
#[test]
fn the_driver_takes_the_importer_s_skipped_files_and_revision_facts() {
    let dir = tempfile::tempdir().unwrap();
    let plan = planned(dir.path());
    let alembic = Alembic {
        program: "alembic".into(),
        ini: dir.path().join("alembic.ini"),
        environment: Vec::new(),
    };
    let request: serde_json::Value = serde_json::from_str(&request(
        &dir.path().join("versions"),
        &plan,
        &alembic,
        "sqlite",
    ))
    .unwrap();
    assert_eq!(request["url"], "sqlite://");
    assert_eq!(
        request["skipped"],
        serde_json::json!(["__init__.py", "shared_types.py"])
    );
    assert_eq!(
        request["revisions"]["b2_two.py"],
        serde_json::json!({"revision": "b2", "down_revision": ["a1"], "branch_labels": [], "depends_on": []})
    );
    assert_eq!(databases(&plan), [Database::Postgres, Database::Sqlite]);
    // One mysql section serves both servers: rendered with both of SQLAlchemy's dialects.
    assert_eq!(dialects(Database::Mysql), ["mysql", "mariadb"]);
    let mariadb: serde_json::Value = serde_json::from_str(&super::request(
        &dir.path().join("versions"),
        &plan,
        &alembic,
        "mariadb",
    ))
    .unwrap();
    // The MySQL dialect as SQLAlchemy sets it up on a MariaDB server: named mysql, as online.
    assert_eq!(
        (&mariadb["url"], &mariadb["mariadb"], &request["mariadb"]),
        (
            &serde_json::json!("mysql://"),
            &serde_json::json!(true),
            &serde_json::json!(false)
        )
    );
}
