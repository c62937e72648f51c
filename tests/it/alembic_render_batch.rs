//! `import alembic --alembic-ini` on a SQLite batch going down: the copy Alembic makes online
//! takes the table as the database holds it, which, going down from the heads, the downgrades
//! above may leave otherwise than the revision's upgrade did. Offline mode renders the copy only
//! when both ways give the same table; otherwise the section is converted statically, saying why.

use crate::alembic::alembic;
use crate::alembic_render::{import, offline_env, project, script};

fn section(report: &serde_json::Value, id: &str, direction: &str) -> serde_json::Value {
    report["scripts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["revision"] == id)
        .and_then(|s| {
            s["sections"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["direction"] == direction && s["dialect"] == "sqlite")
                .cloned()
        })
        .unwrap_or_else(|| panic!("{id} {direction}: {report}"))
}

#[test]
fn a_batch_copy_going_down_is_rendered_only_when_the_way_down_does_not_change_its_table() {
    let Some(program) = alembic() else { return };
    let dir = tempfile::tempdir().unwrap();
    let copy_down = "    with op.batch_alter_table('t') as batch:\n        batch.drop_column('d')";
    let scripts = [
        script(
            "aa01",
            None,
            "",
            "    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('c', sa.String(10), nullable=False))\n    op.create_table('u', sa.Column('id', sa.Integer(), primary_key=True))",
            "    op.drop_table('u')\n    op.drop_table('t')",
        ),
        // Going down, each copies its table: `t` as cc03's downgrade leaves it (`c` still
        // nullable) differs from `t` as bb02's upgrade left it; `u` is the same both ways.
        script(
            "bb02",
            Some("aa01"),
            "",
            "    op.add_column('t', sa.Column('d', sa.Integer(), nullable=True))",
            copy_down,
        ),
        script(
            "bb03",
            Some("bb02"),
            "",
            "    op.add_column('u', sa.Column('d', sa.Integer(), nullable=True))",
            "    with op.batch_alter_table('u') as batch:\n        batch.drop_column('d')",
        ),
        script(
            "cc03",
            Some("bb03"),
            "",
            "    with op.batch_alter_table('t') as batch:\n        batch.alter_column('c', existing_type=sa.String(10), nullable=True)",
            "    pass",
        ),
    ];
    let project = project(dir.path(), &offline_env(), &scripts);
    let (code, report, stderr) = import(dir.path(), &project, &program, &["sqlite"]);
    assert_eq!(code, Some(0), "{report}{stderr}");
    for (id, direction) in [
        ("aa01", "upgrade"),
        ("aa01", "downgrade"),
        ("bb02", "upgrade"),
        ("bb03", "upgrade"),
        ("bb03", "downgrade"),
        ("cc03", "upgrade"),
        ("cc03", "downgrade"),
    ] {
        let section = section(&report, id, direction);
        assert_eq!(section["by"], "alembic", "{id} {direction}: {report}");
        assert!(section["reason"].is_null(), "{id} {direction}: {report}");
    }
    let down = section(&report, "bb02", "downgrade");
    assert_eq!(down["by"], "static", "{report}");
    assert_eq!(down["reason"], "batch_reflection", "{report}");
    let what: Vec<&str> = report["todos"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["reason"] == "batch_reflection")
        .map(|t| t["what"].as_str().unwrap())
        .collect();
    assert_eq!(what.len(), 1, "{report}");
    assert!(
        what[0].contains(
            "a SQLite batch copies table t as the database holds it, and the downgrades above this revision leave it otherwise than its upgrade did"
        ),
        "{}",
        what[0]
    );
}
