//! `import alembic --alembic-ini` where SQLAlchemy's dialects decide the SQL: a `mysql` section
//! is Alembic's only where SQLAlchemy renders it alike for MySQL and for MariaDB, and a
//! PostgreSQL type created or dropped with checkfirst acts as it does online (only where it
//! does not exist, or does).

use aurora_migrate::Target;
use aurora_migrate::migrations::source::scan;

use crate::alembic::{alembic, run_alembic};
use crate::alembic_render::{import, offline_env, project, script};
use crate::support::{Db, PgDb, runner};

fn section<'a>(report: &'a serde_json::Value, id: &str, direction: &str) -> &'a serde_json::Value {
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
                .find(|s| s["direction"] == direction)
        })
        .unwrap_or_else(|| panic!("{id} {direction}: {report}"))
}

/// MySQL drops a CHECK constraint with `DROP CHECK`, MariaDB with `DROP CONSTRAINT`: the one
/// `mysql` section cannot be both, so it is the static conversion under `mysql_mariadb_differ`,
/// saying what each would be; what both render alike stays Alembic's, a branch on the dialect's
/// name included (on MariaDB too, SQLAlchemy's dialect is named `mysql`).
#[test]
fn a_mysql_section_that_mariadb_renders_otherwise_falls_back_saying_both() {
    let Some(program) = alembic() else { return };
    let dir = tempfile::tempdir().unwrap();
    let scripts = [
        script(
            "aa01",
            None,
            "",
            "    op.create_table('runs', sa.Column('id', sa.Integer(), primary_key=True), \
             sa.Column('status', sa.String(20)), sa.CheckConstraint(\"status IN ('a', 'b')\", name='status'))",
            "    op.drop_table('runs')",
        ),
        script(
            "bb02",
            Some("aa01"),
            "",
            "    op.drop_constraint('status', 'runs', type_='check')",
            "    op.create_check_constraint('status', 'runs', \"status IN ('a', 'b')\")",
        ),
        script(
            "cc03",
            Some("bb02"),
            "",
            "    if op.get_context().dialect.name == 'mysql':\n        op.execute('DELETE FROM runs')",
            "    pass",
        ),
    ];
    let project = project(dir.path(), &offline_env(), &scripts);
    let (code, report, stderr) = import(dir.path(), &project, &program, &["mysql"]);
    assert_eq!(code, Some(0), "{report}{stderr}");
    for (id, direction) in [
        ("aa01", "upgrade"),
        ("aa01", "downgrade"),
        ("bb02", "downgrade"),
        ("cc03", "upgrade"),
    ] {
        let section = section(&report, id, direction);
        assert_eq!(section["by"], "alembic", "{id} {direction}: {report}");
    }
    let differ = section(&report, "bb02", "upgrade");
    assert_eq!(differ["by"], "static", "{report}");
    assert_eq!(differ["reason"], "mysql_mariadb_differ", "{report}");
    assert_eq!(report["summary"]["by_reason"]["mysql_mariadb_differ"], 1);
    let text = std::fs::read_to_string(dir.path().join("migrations/cc03_step_cc03.sql")).unwrap();
    assert!(
        text.contains("-- migrate:upgrade mysql\nDELETE FROM runs;\n"),
        "{text}"
    );
    let text = std::fs::read_to_string(dir.path().join("migrations/bb02_step_bb02.sql")).unwrap();
    assert!(
        text.contains(
            "-- migrate:todo line 14: Alembic's offline mode could not render this section: \
             SQLAlchemy renders it differently for MySQL (`ALTER TABLE runs DROP CHECK status`) \
             and for MariaDB (`ALTER TABLE runs DROP CONSTRAINT status`), and one mysql section \
             serves both; converted statically below"
        ),
        "{text}"
    );
}

/// prefect's shape: `postgresql.ENUM(...).create(bind)` checks first, so an upgrade after a
/// downgrade that left the type behind passes, on Alembic online and on the imported files;
/// `checkfirst=False` stays unconditional; `.drop(bind)` drops only a type that exists.
#[tokio::test]
async fn a_postgresql_type_created_with_checkfirst_is_created_only_where_it_does_not_exist() {
    let Some(program) = alembic() else { return };
    let dir = tempfile::tempdir().unwrap();
    let pg = "from sqlalchemy.dialects import postgresql\n";
    let scripts = [
        script(
            "aa01",
            None,
            "",
            "    op.create_table('worker', sa.Column('id', sa.Integer(), primary_key=True))",
            "    op.drop_table('worker')",
        ),
        script(
            "bb02",
            Some("aa01"),
            pg,
            "    status = postgresql.ENUM('ONLINE', 'OFFLINE', name='worker_status')\n    \
             status.create(op.get_bind())\n    \
             op.add_column('worker', sa.Column('status', status, server_default='OFFLINE', nullable=False))",
            "    op.drop_column('worker', 'status')",
        ),
        script(
            "cc03",
            Some("bb02"),
            pg,
            "    postgresql.ENUM('x', 'y', name='kind').create(op.get_bind(), checkfirst=False)",
            "    postgresql.ENUM(name='kind').drop(op.get_bind())",
        ),
    ];
    let project = project(dir.path(), &offline_env(), &scripts);
    let (code, report, stderr) = import(dir.path(), &project, &program, &["postgresql"]);
    assert_eq!(code, Some(0), "{report}{stderr}");
    let file = |id: &str| {
        std::fs::read_to_string(dir.path().join(format!("migrations/{id}_step_{id}.sql"))).unwrap()
    };
    let text = file("bb02");
    assert!(
        text.contains(
            "DO $$ BEGIN CREATE TYPE worker_status AS ENUM ('ONLINE', 'OFFLINE'); EXCEPTION WHEN \
             duplicate_object THEN NULL; END $$;\n"
        ),
        "{text}"
    );
    let text = file("cc03");
    assert!(
        text.contains("-- migrate:upgrade postgresql\nCREATE TYPE kind AS ENUM ('x', 'y');\n"),
        "{text}"
    );
    assert!(text.contains("DROP TYPE IF EXISTS kind;\n"), "{text}");

    let catalog = aurora_migrate::Catalog::from_scan(
        scan::scan(&dir.path().join("migrations")).unwrap_or_else(|f| panic!("{f:?}")),
    );
    let (ours, theirs) = (Db::Pg(PgDb::new()), Db::Pg(PgDb::new()));
    for target in [Target::Heads, Target::Base, Target::Heads] {
        let run = runner(&catalog, &ours);
        match target {
            Target::Base => run.downgrade(&target, &mut |_| {}).await,
            _ => run.upgrade(&target, &mut |_| {}).await,
        }
        .unwrap_or_else(|e| panic!("{target:?}: {e}"));
    }
    for args in [
        ["upgrade", "heads"],
        ["downgrade", "base"],
        ["upgrade", "heads"],
    ] {
        let (ok, stdout, stderr) = run_alembic(&program, &project, &theirs, &args);
        assert!(ok, "alembic {args:?}: {stdout}{stderr}");
    }
    assert_eq!(ours.catalogue(), theirs.catalogue());
}
