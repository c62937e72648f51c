use aurora_migrate_core::Database::{self, Mysql, Postgres, Sqlite};

use crate::authoring::alembic::context::Ctx;
use crate::authoring::alembic::names::Scope;
use crate::authoring::alembic::naming::Convention;
use crate::authoring::alembic::piece::Piece;
use crate::authoring::alembic::python;
use crate::authoring::alembic::report::Reason;
use crate::authoring::alembic::section::{Section, section};
use crate::authoring::alembic::typemap::TypeMap;

const IMPORTS: &str = "import sqlalchemy as sa\nfrom alembic import op\n";

/// The upgrade section of a script whose upgrade is `body` (indented by four spaces), after
/// `module` (top-level lines beside the imports).
fn upgrade(module: &str, body: &str, database: Database) -> Section {
    let body: String = body.lines().map(|l| format!("    {l}\n")).collect();
    let text = format!("{IMPORTS}{module}\n\ndef upgrade():\n{body}\n");
    let script = python::read(&text).unwrap();
    assert!(script.errors.is_empty(), "{:?}", script.errors);
    let function = script.upgrade.as_ref().unwrap();
    let scope = Scope::module(&script).function(&function.body);
    let (types, naming) = (TypeMap::default(), Convention::default());
    let created = std::cell::RefCell::new(Vec::new());
    let ctx = Ctx {
        database,
        scope: &scope,
        types: &types,
        naming: &naming,
        classes: &script.classes,
        created: &created,
    };
    section(
        aurora_migrate_core::Direction::Upgrade,
        Some(function),
        &script,
        &ctx,
    )
}

/// The SQL of a section, statement by statement, or the reasons left to do.
fn sql(section: &Section) -> Result<Vec<String>, Vec<(Reason, String)>> {
    let todos: Vec<(Reason, String)> = section
        .pieces
        .iter()
        .filter_map(|p| p.todo().map(|(_, t)| (t.reason, t.what.clone())))
        .collect();
    if !todos.is_empty() {
        return Err(todos);
    }
    Ok(section
        .pieces
        .iter()
        .flat_map(|p| match p {
            Piece::Sql(sql) => sql.clone(),
            _ => Vec::new(),
        })
        .collect())
}

fn reasons(section: &Section) -> Vec<Reason> {
    sql(section)
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|(r, _)| r)
        .collect()
}

const BATCH: &str = r#"with op.batch_alter_table("block", schema=None) as batch_op:
    batch_op.drop_index("ix_block_data__name")
    batch_op.create_index(batch_op.f("ix_block__name"), ["name"], unique=False)
    batch_op.create_unique_constraint(batch_op.f("uq_block__name"), ["name"])
    batch_op.add_column(sa.Column("x", sa.Integer(), nullable=True))
    batch_op.alter_column("y", nullable=False)
    batch_op.drop_constraint("fk_a", type_="foreignkey")
"#;

#[test]
fn a_batch_block_is_its_op_calls_on_its_table_on_postgresql() {
    assert_eq!(
        sql(&upgrade("", BATCH, Postgres)).unwrap(),
        [
            "DROP INDEX ix_block_data__name",
            "CREATE INDEX ix_block__name ON block (name)",
            "ALTER TABLE block ADD CONSTRAINT uq_block__name UNIQUE (name)",
            "ALTER TABLE block ADD COLUMN x INTEGER",
            "ALTER TABLE block ALTER COLUMN y SET NOT NULL",
            "ALTER TABLE block DROP CONSTRAINT fk_a",
        ]
    );
}

#[test]
fn a_batch_block_on_mysql_names_the_table_where_mysql_needs_it() {
    let section = upgrade("", BATCH, Mysql);
    let statements: Vec<String> = section
        .pieces
        .iter()
        .flat_map(|p| match p {
            Piece::Sql(sql) => sql.clone(),
            _ => Vec::new(),
        })
        .collect();
    assert!(
        statements.contains(&"DROP INDEX ix_block_data__name ON block".to_string()),
        "{statements:?}"
    );
    assert!(
        statements.contains(&"ALTER TABLE block DROP FOREIGN KEY fk_a".to_string()),
        "{statements:?}"
    );
    // MySQL's MODIFY restates the whole column: that one call alone is left to do.
    assert_eq!(reasons(&section), [Reason::DialectLimit]);
    // So does its CHANGE, which Alembic writes for a rename: the column becomes NULL unless the
    // script states otherwise.
    let rename = "with op.batch_alter_table(\"t\") as b:\n    b.alter_column(\"a\", new_column_name=\"b\")\n";
    assert_eq!(reasons(&upgrade("", rename, Mysql)), [Reason::DialectLimit]);
    assert_eq!(
        sql(&upgrade("", rename, Postgres)).unwrap(),
        ["ALTER TABLE t RENAME COLUMN a TO b"]
    );
}

#[test]
fn a_sqlite_batch_that_copies_the_table_is_left_to_do_whole_and_one_that_does_not_is_altered() {
    let section = upgrade("", BATCH, Sqlite);
    assert_eq!(reasons(&section), [Reason::BatchAlterTable]);
    assert_eq!(section.pieces.len(), 1);
    let plain = "with op.batch_alter_table(\"t\") as b:\n    b.create_index(\"ix_t_a\", [\"a\"])\n    b.drop_index(\"ix_t_b\")\n    b.add_column(sa.Column(\"c\", sa.Text(), server_default=\"x\"))\n";
    assert_eq!(
        sql(&upgrade("", plain, Sqlite)).unwrap(),
        [
            "CREATE INDEX ix_t_a ON t (a)",
            "DROP INDEX ix_t_b",
            "ALTER TABLE t ADD COLUMN c TEXT DEFAULT 'x'",
        ]
    );
    // A default that is a SQL expression makes Alembic copy the table.
    let copied = "with op.batch_alter_table(\"t\") as b:\n    b.add_column(sa.Column(\"c\", sa.Text(), server_default=sa.text(\"'x'\")))\n";
    assert_eq!(
        reasons(&upgrade("", copied, Sqlite)),
        [Reason::BatchAlterTable]
    );
}

#[test]
fn a_batch_block_that_is_more_than_its_calls_or_copies_on_every_database_is_left_to_do() {
    for body in [
        // Another statement runs before the batch's calls, not where it is written.
        "with op.batch_alter_table(\"t\") as b:\n    op.execute(\"SELECT 1\")\n    b.drop_column(\"x\")\n",
        "with op.batch_alter_table(\"t\", recreate=\"always\") as b:\n    b.drop_column(\"x\")\n",
        "with op.batch_alter_table(\"t\", schema=\"s\") as b:\n    b.drop_column(\"x\")\n",
        "with op.batch_alter_table(name) as b:\n    b.drop_column(\"x\")\n",
    ] {
        assert_eq!(
            reasons(&upgrade("", body, Postgres)),
            [Reason::BatchAlterTable],
            "{body}"
        );
    }
    let placed = "with op.batch_alter_table(\"t\") as b:\n    b.add_column(sa.Column(\"x\", sa.Integer()), insert_after=\"a\")\n";
    assert_eq!(
        reasons(&upgrade("", placed, Postgres)),
        [Reason::OptionNotConverted]
    );
}

#[test]
fn an_autocommit_block_makes_the_section_run_outside_a_transaction() {
    let body = "op.execute(\"SELECT 1\")\nwith op.get_context().autocommit_block():\n    op.execute(\"ALTER TYPE s ADD VALUE 'x'\")\n";
    let section = upgrade("", body, Postgres);
    assert!(section.outside_transaction);
    assert_eq!(
        sql(&section).unwrap(),
        ["SELECT 1", "ALTER TYPE s ADD VALUE 'x'"]
    );
    let through_name =
        "ctx = op.get_context()\nwith ctx.autocommit_block():\n    op.execute(\"SELECT 2\")\n";
    assert!(upgrade("", through_name, Postgres).outside_transaction);
    let plain = upgrade("", "op.execute(\"SELECT 1\")", Postgres);
    assert!(!plain.outside_transaction);
    let unknown = upgrade(
        "",
        "with something.autocommit_block():\n    pass\n",
        Postgres,
    );
    assert_eq!(reasons(&unknown), [Reason::AutocommitBlock]);
}

#[test]
fn names_assigned_once_to_a_literal_are_resolved_and_run_nothing() {
    let body = "table = \"notes\"\nop.drop_column(table, COLUMN)\nop.create_index(\"ix\", table, [COLUMN])\n";
    assert_eq!(
        sql(&upgrade("COLUMN = \"body\"", body, Postgres)).unwrap(),
        [
            "ALTER TABLE notes DROP COLUMN body",
            "CREATE INDEX ix ON notes (body)"
        ]
    );
}

#[test]
fn names_not_provably_one_literal_are_left_to_do() {
    for (module, body) in [
        // Assigned twice.
        ("", "table = \"a\"\ntable = \"b\"\nop.drop_table(table)\n"),
        // In a branch or a loop too.
        (
            "",
            "table = \"a\"\nif x:\n    table = \"b\"\nop.drop_table(table)\n",
        ),
        (
            "",
            "table = \"a\"\nfor table in y:\n    pass\nop.drop_table(table)\n",
        ),
        // Not a literal.
        ("", "table = name()\nop.drop_table(table)\n"),
        // A module constant assigned twice, or beside a statement that may rebind it.
        ("T = \"a\"\nT = \"b\"", "op.drop_table(T)\n"),
        ("T = \"a\"\nif x:\n    T = \"b\"", "op.drop_table(T)\n"),
        (
            "T = \"a\"\ndef f():\n    global T\n    T = \"b\"",
            "f()\nop.drop_table(T)\n",
        ),
        // Used before it is assigned.
        ("", "op.drop_table(table)\ntable = \"a\"\n"),
    ] {
        let section = upgrade(module, body, Postgres);
        assert!(
            reasons(&section).contains(&Reason::ComputedArgument),
            "{module} / {body}: {:?}",
            section.pieces
        );
    }
}

const BRANCHES: &str = r#"bind = op.get_bind()
if bind.dialect.name == "postgresql":
    op.execute("SELECT 'pg'")
elif op.get_context().dialect.name in ("sqlite",):
    op.execute("SELECT 'sqlite'")
else:
    op.execute("SELECT 'other'")
if op.get_bind().engine.name != "sqlite":
    op.execute("SELECT 'not sqlite'")
"#;

#[test]
fn an_if_on_the_dialect_s_name_puts_each_branch_in_its_database_s_section() {
    assert_eq!(
        sql(&upgrade("", BRANCHES, Postgres)).unwrap(),
        ["SELECT 'pg'", "SELECT 'not sqlite'"]
    );
    assert_eq!(
        sql(&upgrade("", BRANCHES, Sqlite)).unwrap(),
        ["SELECT 'sqlite'"]
    );
    assert_eq!(
        sql(&upgrade("", BRANCHES, Mysql)).unwrap(),
        ["SELECT 'other'", "SELECT 'not sqlite'"]
    );
    // The name held in a variable, through the engine too.
    let held = "bind = op.get_bind()\ndialect = bind.engine.dialect.name\nname = dialect\nif name == \"sqlite\":\n    op.execute(\"SELECT 'sqlite'\")\nelif op.get_bind().engine.dialect.name == \"postgresql\":\n    op.execute(\"SELECT 'pg'\")\n";
    assert_eq!(
        sql(&upgrade("", held, Sqlite)).unwrap(),
        ["SELECT 'sqlite'"]
    );
    assert_eq!(sql(&upgrade("", held, Postgres)).unwrap(), ["SELECT 'pg'"]);
    assert_eq!(
        sql(&upgrade("", held, Mysql)).unwrap(),
        Vec::<String>::new()
    );
    // A return in a decided branch ends the function there.
    let guarded = "if op.get_context().dialect.name != \"postgresql\":\n    return\nop.execute(\"SELECT 1\")\n";
    assert_eq!(
        sql(&upgrade("", guarded, Sqlite)).unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(sql(&upgrade("", guarded, Postgres)).unwrap(), ["SELECT 1"]);
}

#[test]
fn an_if_not_certainly_on_the_dialect_s_name_is_left_to_do() {
    for test in [
        "bind.dialect.name == \"postgresql\"",
        "op.get_context().dialect.name.startswith(\"post\")",
        "op.get_context().dialect.name == \"postgresql\" and x",
        "op.get_context().dialect.name == name",
    ] {
        let body = format!("if {test}:\n    op.execute(\"SELECT 1\")\n");
        assert_eq!(
            reasons(&upgrade("", &body, Postgres)),
            [Reason::Branch],
            "{test}"
        );
    }
    // MariaDB's dialect is `mysql` or `mariadb` as the URL says.
    let body = "if op.get_context().dialect.name == \"mariadb\":\n    op.execute(\"SELECT 1\")\n";
    assert_eq!(reasons(&upgrade("", body, Mysql)), [Reason::Branch]);
    assert_eq!(
        sql(&upgrade("", body, Postgres)).unwrap(),
        Vec::<String>::new()
    );
}

#[test]
fn text_executed_on_the_bind_is_its_sql_and_anything_else_is_left_to_do() {
    let body = "conn = op.get_bind()\nconn.execute(sa.text(\"UPDATE t SET a = 1\"))\nop.get_bind().execute(sa.text(\"UPDATE t SET b = 2;\"))\n";
    assert_eq!(
        sql(&upgrade("", body, Postgres)).unwrap(),
        ["UPDATE t SET a = 1", "UPDATE t SET b = 2"]
    );
    for body in [
        // Parameters, a plain string (SQLAlchemy 2 refuses it), a result kept.
        "conn = op.get_bind()\nconn.execute(sa.text(\"UPDATE t SET a = :a\"), {\"a\": 1})\n",
        "conn = op.get_bind()\nconn.execute(sa.text(\"UPDATE t SET a = :a\"))\n",
        "conn = op.get_bind()\nconn.execute(\"UPDATE t SET a = 1\")\n",
        "op.execute(\"UPDATE t SET a = :a\")\n",
    ] {
        assert_eq!(
            reasons(&upgrade("", body, Postgres)),
            [Reason::ComputedArgument],
            "{body}"
        );
    }
    let kept = "conn = op.get_bind()\nrows = conn.execute(sa.text(\"SELECT a FROM t\"))\n";
    assert_eq!(
        reasons(&upgrade("", kept, Postgres)),
        [Reason::PythonStatement]
    );
    // A cast is not a parameter.
    let cast = "op.execute(\"UPDATE t SET a = '{}'::jsonb\")\n";
    assert_eq!(
        sql(&upgrade("", cast, Postgres)).unwrap(),
        ["UPDATE t SET a = '{}'::jsonb"]
    );
}

const ENUMS: &str = r#"status = postgresql.ENUM("READY", "NOT_READY", name="status")
status.create(op.get_bind())
op.add_column("t", sa.Column("status", status, nullable=True))
kind = sa.Enum("a", "b", name="kind")
kind.create(op.get_bind(), checkfirst=False)
kind.drop(op.get_bind(), checkfirst=True)
"#;

const POSTGRESQL: &str = "from sqlalchemy.dialects import postgresql";

#[test]
fn an_enum_type_held_in_a_name_is_created_and_dropped_as_sqlalchemy_does() {
    let pg = sql(&upgrade(POSTGRESQL, ENUMS, Postgres)).unwrap();
    assert_eq!(
        pg,
        [
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = 'status' AND pg_catalog.pg_type_is_visible(t.oid) AND n.nspname <> 'pg_catalog') THEN CREATE TYPE status AS ENUM ('READY', 'NOT_READY'); END IF; END $$",
            "ALTER TABLE t ADD COLUMN status status",
            "CREATE TYPE kind AS ENUM ('a', 'b')",
            "DROP TYPE IF EXISTS kind",
        ]
    );
    // SQLite has no enum type to make: only the column is added.
    let sqlite = sql(&upgrade(
        POSTGRESQL,
        &ENUMS.replace("postgresql.ENUM", "sa.Enum"),
        Sqlite,
    ))
    .unwrap();
    assert_eq!(sqlite.len(), 1, "{sqlite:?}");
    assert!(
        sqlite[0].starts_with("ALTER TABLE t ADD COLUMN status"),
        "{sqlite:?}"
    );
    // `postgresql.ENUM`'s `create` fails on MySQL under SQLAlchemy: left to do.
    let mysql = upgrade(
        POSTGRESQL,
        "e = postgresql.ENUM(\"a\", name=\"e\")\ne.create(op.get_bind())\n",
        Mysql,
    );
    assert_eq!(reasons(&mysql), [Reason::OptionNotConverted]);
}

#[test]
fn an_enum_type_changed_or_made_of_more_than_literals_is_left_to_do() {
    for body in [
        // Changed after it is made.
        "e = sa.Enum(\"a\", name=\"e\")\ne.name = \"f\"\ne.create(op.get_bind())\n",
        // Values that are not literals.
        "e = sa.Enum(*VALUES, name=\"e\")\ne.create(op.get_bind())\n",
        // Created on something else than the bind.
        "e = sa.Enum(\"a\", name=\"e\")\ne.create(engine)\n",
    ] {
        let section = upgrade("", body, Postgres);
        assert!(!reasons(&section).is_empty(), "{body}");
        assert!(sql(&section).is_err(), "{body}");
    }
}

const TABLE: &str = "t = sa.table(\"t\", sa.column(\"id\", sa.Integer), sa.column(\"name\", sa.String()), sa.column(\"flag\", sa.Boolean()), sa.column(\"note\"))\n";

#[test]
fn rows_and_simple_updates_and_deletes_on_a_described_table_are_sql_with_literals() {
    let body = format!(
        "{TABLE}op.bulk_insert(t, [{{\"name\": \"it's\", \"id\": 1, \"flag\": True}}, {{\"id\": 2, \"name\": \"b\", \"flag\": False}}])\nop.execute(t.update().where(t.c.id == 1).values(name=\"x\", flag=None))\nconn = op.get_bind()\nconn.execute(t.delete().where(t.c.note == None).where(2 < t.c.id))\n"
    );
    assert_eq!(
        sql(&upgrade("", &body, Postgres)).unwrap(),
        [
            "INSERT INTO t (id, name, flag) VALUES (1, 'it''s', true)",
            "INSERT INTO t (id, name, flag) VALUES (2, 'b', false)",
            "UPDATE t SET name = 'x', flag = NULL WHERE t.id = 1",
            "DELETE FROM t WHERE t.note IS NULL AND t.id > 2",
        ]
    );
    // SQLite receives booleans as 1 and 0.
    let sqlite = sql(&upgrade("", &body, Sqlite)).unwrap();
    assert_eq!(
        sqlite[0],
        "INSERT INTO t (id, name, flag) VALUES (1, 'it''s', 1)"
    );
}

#[test]
fn data_statements_beyond_literals_of_plain_types_are_left_to_do() {
    for body in [
        // A type SQLAlchemy processes (JSON serialises a string).
        "t = sa.table(\"t\", sa.column(\"doc\", sa.JSON()))\nop.bulk_insert(t, [{\"doc\": \"x\"}])\n",
        // Rows with different keys, a key not a column, a value computed.
        "t = sa.table(\"t\", sa.column(\"a\"), sa.column(\"b\"))\nop.bulk_insert(t, [{\"a\": 1}, {\"b\": 2}])\n",
        "t = sa.table(\"t\", sa.column(\"a\"))\nop.bulk_insert(t, [{\"z\": 1}])\n",
        "t = sa.table(\"t\", sa.column(\"a\"))\nop.bulk_insert(t, [{\"a\": now()}])\n",
        // A where() that is not a column compared with a literal.
        "t = sa.table(\"t\", sa.column(\"a\"), sa.column(\"b\"))\nop.execute(t.update().where(t.c.a == t.c.b).values(a=1))\n",
        // The table changed after it is described.
        "t = sa.table(\"t\", sa.column(\"a\"))\nt.append_column(sa.column(\"b\"))\nop.bulk_insert(t, [{\"a\": 1}])\n",
    ] {
        let section = upgrade("", body, Postgres);
        assert!(sql(&section).is_err(), "{body}: {:?}", section.pieces);
    }
}
