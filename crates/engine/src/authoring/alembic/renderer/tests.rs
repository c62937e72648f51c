use std::path::PathBuf;

use super::interpreter::shebang;
use super::*;

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
    let mut rendered = Rendered {
        version: String::new(),
        python: PathBuf::from("python3"),
        skipped: Vec::new(),
        sections: HashMap::new(),
    };
    read_result(&mut rendered, Database::Postgres, result)
        .map(|()| rendered)
        .map_err(|e| match e {
            Unusable::Text(w) => format!("text: {w}"),
            Unusable::Project(w) => format!("project: {w}"),
            Unusable::Environment(w) => format!("environment: {w}"),
        })
}

#[test]
fn each_section_is_alembic_s_sql_or_the_reason_it_could_not_be_rendered() {
    let result = r#"{"alembic": "1.20.1", "skipped": ["shared_types.py"], "scripts": [
        {"file": "a.py", "revision": "aaaa", "upgrade": {"sql": ["CREATE TABLE t (\n    id SERIAL NOT NULL, \n    PRIMARY KEY (id)\n);", "DROP TYPE x CASCADE;;", "SELECT 1\n-- the end;"], "outside_transaction": false},
         "downgrade": {"error": "line 9: AttributeError: 'NoneType' object\n has no attribute 'fetchall'"}},
        {"file": "b.py", "revision": "bbbb", "upgrade": {"sql": ["ALTER TYPE s ADD VALUE 'x';"], "outside_transaction": true},
         "downgrade": {"env_error": "KeyError: 'DATABASE_URL'"}}
    ]}"#;
    let rendered = rendered(result).unwrap();
    assert_eq!(rendered.version, "1.20.1");
    assert_eq!(rendered.skipped, ["shared_types.py"]);
    assert_eq!(
        rendered.section("aaaa", Direction::Upgrade, Database::Postgres),
        Section::Rendered(
            "CREATE TABLE t (\n    id SERIAL NOT NULL, \n    PRIMARY KEY (id)\n);\nDROP TYPE x CASCADE;\nSELECT 1\n-- the end\n;\n"
                .to_string()
        )
    );
    assert_eq!(
        rendered.section("aaaa", Direction::Downgrade, Database::Postgres),
        Section::Static(
            "line 9: AttributeError: 'NoneType' object has no attribute 'fetchall'".to_string()
        )
    );
    assert_eq!(
        rendered.section("bbbb", Direction::Downgrade, Database::Postgres),
        Section::Static("env.py failed: KeyError: 'DATABASE_URL'".to_string())
    );
    assert_eq!(
        rendered.section("aaaa", Direction::Upgrade, Database::Sqlite),
        Section::Static("Alembic did not load this script as a revision".to_string()),
        "a database it was not asked for"
    );
    assert!(rendered.outside_transaction("bbbb") && !rendered.outside_transaction("aaaa"));
}

#[test]
fn an_env_py_that_fails_for_every_section_or_a_project_alembic_cannot_read_is_refused() {
    let every = r#"{"alembic": "1.20.1", "skipped": [], "scripts": [
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
    assert!(
        rendered("{\"alembic\": \"1.20.1\"")
            .unwrap_err()
            .starts_with("text: ")
    );
    assert!(
        rendered(r#"{"alembic": "1.20.1", "scripts": [{"revision": "a", "upgrade": {}}]}"#)
            .unwrap_err()
            .starts_with("text: ")
    );
}
