//! The expected statements are what Alembic 1.20.1's offline mode printed for the same calls.

use aurora_migrate_core::Database::{Mysql, Postgres, Sqlite};

use crate::authoring::alembic::Reason;
use crate::authoring::alembic::probe::upgrade;

#[test]
fn an_index_on_sql_text_or_with_a_method_is_written_as_alembic_writes_it() {
    let body = "op.create_index(\"ix_desc\", \"t\", [sa.text(\"r DESC\")], unique=False)\nop.create_index(\"ix_gin\", \"t\", [\"r\", \"id\"], postgresql_using=\"gin\")\nop.create_index(index_name=\"ix_kw\", table_name=\"t\", columns=[\"r\"])";
    assert_eq!(
        upgrade(body, Postgres).unwrap(),
        [
            "CREATE INDEX ix_desc ON t (r DESC)",
            "CREATE INDEX ix_gin ON t USING gin (r, id)",
            "CREATE INDEX ix_kw ON t (r)",
        ]
    );
    for database in [Sqlite, Mysql] {
        assert_eq!(
            upgrade(body, database).unwrap()[..2],
            [
                "CREATE INDEX ix_desc ON t (r DESC)",
                "CREATE INDEX ix_gin ON t (r, id)"
            ]
        );
    }
    // An unnamed index on an expression: its name would come from the expression.
    assert_eq!(
        upgrade(
            "op.create_index(None, \"t\", [sa.text(\"lower(r)\")])",
            Postgres
        ),
        Err(vec![Reason::Name])
    );
}

#[test]
fn keywords_of_alembic_s_own_names_are_read_and_use_alter_and_astext_type_change_nothing() {
    let body = "op.drop_column(\"t\", column_name=\"c\")\nop.drop_constraint(constraint_name=\"uq_c\", table_name=\"t\", type_=\"unique\")\nop.drop_index(index_name=\"ix_c\", table_name=\"t\")\nop.create_foreign_key(op.f(\"fk_x\"), \"t\", \"o\", [\"r\"], [\"id\"], ondelete=\"SET NULL\", use_alter=True)\nop.add_column(\"t\", sa.Column(\"j\", postgresql.JSONB(astext_type=sa.Text())))";
    assert_eq!(
        upgrade(body, Postgres).unwrap(),
        [
            "ALTER TABLE t DROP COLUMN c",
            "ALTER TABLE t DROP CONSTRAINT uq_c",
            "DROP INDEX ix_c",
            "ALTER TABLE t ADD CONSTRAINT fk_x FOREIGN KEY(r) REFERENCES o (id) ON DELETE SET NULL",
            "ALTER TABLE t ADD COLUMN j JSONB",
        ]
    );
    // A `use_alter` foreign key inside `op.create_table`: left out, except on SQLite.
    let body = "op.create_table(\"t\", sa.Column(\"id\", sa.Integer(), primary_key=True), sa.Column(\"r\", sa.Integer()), sa.ForeignKeyConstraint([\"r\"], [\"o.id\"], name=op.f(\"fk_r\"), ondelete=\"SET NULL\", use_alter=True))";
    assert_eq!(
        upgrade(body, Postgres).unwrap(),
        ["CREATE TABLE t (\n    id SERIAL NOT NULL,\n    r INTEGER,\n    PRIMARY KEY (id)\n)"]
    );
    assert_eq!(
        upgrade(body, Sqlite).unwrap(),
        [
            "CREATE TABLE t (\n    id INTEGER NOT NULL,\n    r INTEGER,\n    PRIMARY KEY (id),\n    CONSTRAINT fk_r FOREIGN KEY(r) REFERENCES o (id) ON DELETE SET NULL\n)"
        ]
    );
    assert_eq!(
        upgrade(body, Mysql).unwrap(),
        [
            "CREATE TABLE t (\n    id INTEGER NOT NULL AUTO_INCREMENT,\n    r INTEGER,\n    PRIMARY KEY (id)\n)"
        ]
    );
}
