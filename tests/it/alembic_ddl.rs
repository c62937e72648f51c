//! `import alembic` writes tables as SQLAlchemy does: one probe script (SERIAL and BIGSERIAL
//! keys, an identity, a composite key, `index=True`, `unique=True, index=True`, comments,
//! collations, `Float(precision)`, enums native, non-native and of a Python class, `op.f()`
//! names) upgraded by the real Alembic on one fresh database and through our import on another,
//! on PostgreSQL, MariaDB and SQLite; the two catalogs must be the same.

use aurora_migrate::migrations::source::scan;
use aurora_migrate::{Catalog, Target};

use crate::alembic::{alembic, run_alembic};
use crate::support::{Db, MysqlDb, PgDb, SqliteDb, runner, texts};

const SCRIPT: &str = r#""""probe of the DDL options

Revision ID: d1d1
Revises:
"""
import enum

from alembic import op
import sqlalchemy as sa

revision = "d1d1"
down_revision = None


class Mood(str, enum.Enum):
    happy = "H"
    sad = "S"
    glad = "H"


def upgrade():
    op.create_table(
        "parent",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(20, collation=COLLATION), nullable=False, comment="who's it", index=True),
        sa.Column("code", sa.String(8), unique=True, index=True),
        sa.Column("serial_no", sa.String(8), unique=True),
        sa.Column("ratio", sa.Float(precision=24)),
        sa.Column("score", sa.Float()),
        sa.Column("mood", sa.Enum(Mood, name="mood")),
        sa.Column("kind", sa.Enum("a", "bb", name="kind", native_enum=False, create_constraint=True)),
        sa.Column("loose", sa.Enum("x", "yyy", native_enum=False)),
        sa.Column("at", sa.DateTime(), server_default=sa.func.now()),
        sa.UniqueConstraint("ratio", name=op.f("uq_parent_ratio")),
        comment="the parents",
    )
    op.create_table(
        "child",
        sa.Column("big", sa.BigInteger(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["parent.id"], name=op.f("fk_child_parent")),
        sa.PrimaryKeyConstraint("big", name=op.f("pk_child")),
    )
    op.create_table(
        "pair",
        sa.Column("a", sa.Integer(), primary_key=True),
        sa.Column("b", sa.Integer(), primary_key=True),
        sa.CheckConstraint("a <> b", name="ck_pair_differ"),
    )
    op.create_table(
        "ident",
        sa.Column("id", sa.Integer(), sa.Identity(start=10, increment=5), primary_key=True),
        sa.Column("plain", sa.SmallInteger(), autoincrement=False),
    )
    op.add_column("pair", sa.Column("note", sa.String(30), comment="a note", index=True))


def downgrade():
    pass
"#;

/// What each database's catalog says of the tables, as comparable lines.
fn described(db: &Db) -> Vec<String> {
    let queries: &[&str] = match db {
        Db::Pg(_) => &[
            "SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') || ' identity=' || a.attidentity::text || ' collation=' || coalesce(co.collname, '') || ' comment=' || coalesce(col_description(c.oid, a.attnum), '') FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LEFT JOIN pg_collation co ON co.oid = a.attcollation WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND c.relname NOT LIKE 'alembic_version%'",
            "SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE 'alembic_version%'",
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE 'alembic_version%'",
            "SELECT t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname",
            "SELECT sequencename || ' ' || data_type || ' ' || start_value || ' ' || increment_by FROM pg_sequences WHERE schemaname = 'public'",
            "SELECT relname || ' ' || obj_description(oid, 'pg_class') FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND obj_description(oid, 'pg_class') IS NOT NULL",
        ],
        Db::Mysql(_) => &[
            "SELECT CONCAT_WS(' ', table_name, column_name, column_type, is_nullable, COALESCE(column_default, '-'), extra, COALESCE(collation_name, '-'), column_comment) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name NOT LIKE 'alembic_version%'",
            "SELECT CONCAT_WS(' ', table_name, constraint_name, constraint_type) FROM information_schema.table_constraints WHERE table_schema = DATABASE() AND table_name NOT LIKE 'alembic_version%'",
            "SELECT CONCAT_WS(' ', table_name, constraint_name, check_clause) FROM information_schema.check_constraints WHERE constraint_schema = DATABASE()",
            "SELECT CONCAT_WS(' ', table_name, index_name, non_unique, seq_in_index, column_name) FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name NOT LIKE 'alembic_version%'",
            "SELECT CONCAT_WS(' ', table_name, table_comment) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name NOT LIKE 'alembic_version%'",
        ],
        // SQLite keeps each statement as it was written: compared word for word.
        Db::Sqlite(_) => &[
            "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master WHERE tbl_name NOT LIKE 'alembic_version%'",
        ],
    };
    let mut lines = Vec::new();
    for query in queries {
        lines.extend(
            db.query(query)
                .into_iter()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")),
        );
    }
    lines.sort();
    lines
}

#[test]
fn a_table_imported_has_the_catalog_alembic_gives_it_on_every_database() {
    let Some(alembic) = alembic() else { return };
    for (make, collation) in [
        ((|| Db::Pg(PgDb::new())) as fn() -> Db, "\"C\""),
        (|| Db::Mysql(MysqlDb::new()), "\"utf8mb4_bin\""),
        (|| Db::Sqlite(SqliteDb::new()), "\"NOCASE\""),
    ] {
        let (theirs, ours) = (make(), make());
        let name = theirs.name();
        let project = tempfile::tempdir().unwrap();
        let versions = project.path().join("versions");
        std::fs::create_dir(&versions).unwrap();
        std::fs::copy(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/alembic/project/env.py"
            ),
            project.path().join("env.py"),
        )
        .unwrap();
        std::fs::write(
            project.path().join("alembic.ini"),
            "[alembic]\nscript_location = %(here)s\n",
        )
        .unwrap();
        std::fs::write(
            versions.join("d1d1_probe.py"),
            SCRIPT.replace("COLLATION", collation),
        )
        .unwrap();
        let (ok, _, stderr) = run_alembic(&alembic, project.path(), &theirs, &["upgrade", "head"]);
        assert!(ok, "{name}: alembic upgrade head: {stderr}");

        let output = crate::support::cli(project.path())
            .args([
                "import",
                "alembic",
                "versions",
                "--format",
                "json",
                "--dialect",
            ])
            .arg(name)
            .output()
            .unwrap();
        let (stdout, stderr) = texts(&output);
        assert!(output.status.success(), "{name}: {stderr}");
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(report["summary"]["todo_free"], 1, "{name}: {report}");
        let files = Catalog::from_scan(scan::scan(&project.path().join("migrations")).unwrap());
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(runner(&files, &ours).upgrade(&Target::Head, &mut |_| {}))
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));

        let (expected, got) = (described(&theirs), described(&ours));
        assert!(expected.len() > 10, "{name}: {expected:#?}");
        assert_eq!(got, expected, "{name}: ours, then Alembic's");
        // Not equal by accident: what the probe is about is there.
        let text = expected.join("\n");
        let shown: &[&str] = match theirs {
            Db::Pg(_) => &[
                "parent.id integer notnull=true default=nextval('parent_id_seq'::regclass)",
                "child.big bigint notnull=true default=nextval('child_big_seq'::regclass)",
                "ident.id integer notnull=true default= identity=d",
                "parent.ratio real",
                "parent.score double precision",
                "collation=C comment=who's it",
                "CREATE UNIQUE INDEX ix_parent_code",
                "mood happy,sad",
                "parent kind CHECK",
                "parent the parents",
            ],
            Db::Mysql(_) => &[
                "parent id int(11) NO - auto_increment",
                "child big bigint(20) NO - auto_increment",
                "utf8mb4_bin who's it",
                "parent ix_parent_code 0",
                "enum('happy','sad')",
                "parent the parents",
            ],
            Db::Sqlite(_) => &[
                "id INTEGER NOT NULL",
                "CREATE UNIQUE INDEX ix_parent_code",
                "mood VARCHAR(5)",
                "CONSTRAINT kind CHECK",
            ],
        };
        for shown in shown {
            assert!(text.contains(shown), "{name}: {shown}\n{text}");
        }
    }
}
