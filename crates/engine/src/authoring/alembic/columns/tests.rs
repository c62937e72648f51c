//! Each expected statement below is what SQLAlchemy 2.1.9 through Alembic 1.20.1's offline mode
//! printed for the same call (`alembic upgrade head --sql` with `postgresql://`, `sqlite://` and
//! `mysql://`), its `, \n\t` written `,\n    `.

use aurora_migrate_core::Database::{Mysql, Postgres, Sqlite};

use crate::authoring::alembic::Reason;
use crate::authoring::alembic::naming::Convention;
use crate::authoring::alembic::probe::{one, table, upgrade, upgrade_typed, upgrade_with};
use crate::authoring::alembic::typemap::TypeMap;

#[test]
fn an_integer_primary_key_is_serial_or_auto_increment_as_sqlalchemy_makes_it() {
    for (kind, pg, sqlite, mysql) in [
        ("Integer", "SERIAL", "INTEGER", "INTEGER"),
        ("BigInteger", "BIGSERIAL", "BIGINT", "BIGINT"),
        ("SmallInteger", "SMALLSERIAL", "SMALLINT", "SMALLINT"),
    ] {
        // The shapes autogenerate writes: a PrimaryKeyConstraint, or primary_key=True.
        for body in [
            format!(
                "op.create_table(\"t\", sa.Column(\"id\", sa.{kind}(), nullable=False), sa.PrimaryKeyConstraint(\"id\"))"
            ),
            format!("op.create_table(\"t\", sa.Column(\"id\", sa.{kind}(), primary_key=True))"),
            format!(
                "op.create_table(\"t\", sa.Column(\"id\", sa.{kind}(), primary_key=True, autoincrement=True))"
            ),
        ] {
            assert_eq!(
                one(&body, Postgres),
                table(&[&format!("id {pg} NOT NULL"), "PRIMARY KEY (id)"])
            );
            assert_eq!(
                one(&body, Sqlite),
                table(&[&format!("id {sqlite} NOT NULL"), "PRIMARY KEY (id)"])
            );
            assert_eq!(
                one(&body, Mysql),
                table(&[
                    &format!("id {mysql} NOT NULL AUTO_INCREMENT"),
                    "PRIMARY KEY (id)"
                ])
            );
        }
    }
    // No SERIAL: autoincrement=False, a server default, a foreign key, a client default, a
    // type that is not an integer.
    for (column, pg) in [
        (
            "sa.Column(\"id\", sa.Integer(), primary_key=True, autoincrement=False)",
            "id INTEGER NOT NULL",
        ),
        (
            "sa.Column(\"id\", sa.Integer(), primary_key=True, server_default=\"1\")",
            "id INTEGER DEFAULT '1' NOT NULL",
        ),
        (
            "sa.Column(\"id\", sa.Integer(), primary_key=True, default=1)",
            "id INTEGER NOT NULL",
        ),
        (
            "sa.Column(\"id\", sa.String(5), primary_key=True)",
            "id VARCHAR(5) NOT NULL",
        ),
    ] {
        let body = format!("op.create_table(\"t\", {column})");
        assert_eq!(one(&body, Postgres), table(&[pg, "PRIMARY KEY (id)"]));
        assert!(!one(&body, Mysql).contains("AUTO_INCREMENT"), "{body}");
    }
    let body = "op.create_table(\"t\", sa.Column(\"id\", sa.Integer(), nullable=False), sa.ForeignKeyConstraint([\"id\"], [\"o.id\"]), sa.PrimaryKeyConstraint(\"id\"))";
    assert_eq!(
        one(body, Postgres),
        table(&[
            "id INTEGER NOT NULL",
            "PRIMARY KEY (id)",
            "FOREIGN KEY(id) REFERENCES o (id)"
        ])
    );
    // autoincrement=True overrides the foreign key.
    let body = body.replace("nullable=False)", "nullable=False, autoincrement=True)");
    assert!(one(&body, Postgres).contains("id SERIAL NOT NULL"));
    // Anything else is left to do.
    assert_eq!(
        upgrade(
            "op.create_table(\"t\", sa.Column(\"id\", sa.Integer(), primary_key=True, autoincrement=\"yes\"))",
            Postgres
        ),
        Err(vec![Reason::OptionNotConverted])
    );
}

#[test]
fn two_primary_key_columns_are_one_composite_key_and_autoincrement_only_where_marked() {
    let body = "op.create_table(\"t\", sa.Column(\"a\", sa.Integer(), primary_key=True), sa.Column(\"b\", sa.Integer(), primary_key=True))";
    for database in [Postgres, Sqlite, Mysql] {
        assert_eq!(
            one(body, database),
            table(&[
                "a INTEGER NOT NULL",
                "b INTEGER NOT NULL",
                "PRIMARY KEY (a, b)"
            ])
        );
    }
    let marked = "op.create_table(\"t\", sa.Column(\"a\", sa.Integer(), primary_key=True, autoincrement=True), sa.Column(\"b\", sa.String(3), primary_key=True))";
    assert_eq!(
        one(marked, Postgres),
        table(&[
            "a SERIAL NOT NULL",
            "b VARCHAR(3) NOT NULL",
            "PRIMARY KEY (a, b)"
        ])
    );
    assert_eq!(
        one(marked, Mysql),
        table(&[
            "a INTEGER NOT NULL AUTO_INCREMENT",
            "b VARCHAR(3) NOT NULL",
            "PRIMARY KEY (a, b)"
        ])
    );
    // SQLAlchemy refuses it on SQLite.
    assert_eq!(upgrade(marked, Sqlite), Err(vec![Reason::DialectLimit]));
}

#[test]
fn an_identity_and_sqlite_autoincrement_are_written_as_sqlalchemy_writes_them() {
    let body = "op.create_table(\"t\", sa.Column(\"id\", sa.Integer(), sa.Identity(), nullable=False), sa.Column(\"n\", sa.BigInteger(), sa.Identity(always=True, start=1, increment=1, minvalue=1, maxvalue=9223372036854775807, cycle=False, cache=1)), sa.PrimaryKeyConstraint(\"id\", name=op.f(\"pk_t\")))";
    assert_eq!(
        one(body, Postgres),
        table(&[
            "id INTEGER GENERATED BY DEFAULT AS IDENTITY",
            "n BIGINT GENERATED ALWAYS AS IDENTITY (INCREMENT BY 1 START WITH 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1 NO CYCLE)",
            "CONSTRAINT pk_t PRIMARY KEY (id)"
        ])
    );
    assert_eq!(
        one(body, Sqlite),
        table(&[
            "id INTEGER NOT NULL",
            "n BIGINT NOT NULL",
            "CONSTRAINT pk_t PRIMARY KEY (id)"
        ])
    );
    assert_eq!(
        one(body, Mysql),
        table(&[
            "id INTEGER NOT NULL AUTO_INCREMENT",
            "n BIGINT NOT NULL",
            "CONSTRAINT pk_t PRIMARY KEY (id)"
        ])
    );
    let body = "op.create_table(\"v\", sa.Column(\"a\", sa.Integer(), primary_key=True), sqlite_autoincrement=True)";
    assert_eq!(
        one(body, Sqlite),
        "CREATE TABLE v (\n    a INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT\n)"
    );
    assert_eq!(
        one(body, Postgres),
        "CREATE TABLE v (\n    a SERIAL NOT NULL,\n    PRIMARY KEY (a)\n)"
    );
}

#[test]
fn names_given_to_constraints_are_kept_and_op_f_passes_the_convention() {
    let body = "op.create_table(\"t\", sa.Column(\"id\", sa.Integer()), sa.Column(\"r\", sa.Integer()), sa.PrimaryKeyConstraint(\"id\", name=op.f(\"pk_t\")), sa.UniqueConstraint(\"r\", name=\"uq_r\"), sa.CheckConstraint(\"r > 0\", name=op.f(\"ck_r\")), sa.ForeignKeyConstraint([\"r\"], [\"o.id\"], name=\"fk_r\"))\nop.create_index(op.f(\"ix_t_r\"), \"t\", [\"r\"])";
    let expected = [
        table(&[
            "id SERIAL NOT NULL",
            "r INTEGER",
            "CONSTRAINT pk_t PRIMARY KEY (id)",
            "CONSTRAINT uq_r UNIQUE (r)",
            "CONSTRAINT ck_r CHECK (r > 0)",
            "CONSTRAINT fk_r FOREIGN KEY(r) REFERENCES o (id)",
        ]),
        "CREATE INDEX ix_t_r ON t (r)".to_string(),
    ];
    assert_eq!(upgrade(body, Postgres).unwrap(), expected);
    // A convention renames plain names only where its template holds %(constraint_name)s,
    // never an op.f() name.
    let naming = Convention::Known {
        templates: vec![
            ("ck".into(), "ck_%(table_name)s_%(constraint_name)s".into()),
            ("pk".into(), "pk_%(table_name)s".into()),
            ("ix".into(), "ix_%(column_0_label)s".into()),
        ],
        functions: Vec::new(),
    };
    let renamed = upgrade_with(
        "",
        &body.replace("op.f(\"ck_r\")", "\"positive\""),
        Postgres,
        &naming,
    )
    .unwrap();
    assert!(
        renamed[0].contains("CONSTRAINT ck_t_positive CHECK (r > 0)")
            && renamed[0].contains("CONSTRAINT pk_t PRIMARY KEY (id)"),
        "{renamed:#?}"
    );
}

#[test]
fn index_true_makes_an_index_and_with_unique_a_unique_index_not_a_constraint() {
    let body = "op.create_table(\"t\", sa.Column(\"id\", sa.Integer(), primary_key=True), sa.Column(\"r\", sa.Integer(), index=True), sa.Column(\"s\", sa.Integer(), index=True, unique=True), sa.Column(\"u\", sa.Integer(), unique=True))\nop.add_column(\"t\", sa.Column(\"z\", sa.Integer(), index=True))";
    assert_eq!(
        upgrade(body, Sqlite).unwrap(),
        [
            table(&[
                "id INTEGER NOT NULL",
                "r INTEGER",
                "s INTEGER",
                "u INTEGER",
                "PRIMARY KEY (id)",
                "UNIQUE (u)"
            ]),
            "CREATE INDEX ix_t_r ON t (r)".into(),
            "CREATE UNIQUE INDEX ix_t_s ON t (s)".into(),
            "ALTER TABLE t ADD COLUMN z INTEGER".into(),
            "CREATE INDEX ix_t_z ON t (z)".into(),
        ]
    );
    // Through the naming convention.
    let naming = Convention::Known {
        templates: vec![("ix".into(), "idx_%(table_name)s_%(column_0_name)s".into())],
        functions: Vec::new(),
    };
    let named = upgrade_with("", body, Postgres, &naming).unwrap();
    assert_eq!(named[1], "CREATE INDEX idx_t_r ON t (r)");
}

#[test]
fn comments_are_comment_on_for_postgresql_inline_for_mysql_and_nothing_on_sqlite() {
    let body = "op.create_table(\"t\", sa.Column(\"id\", sa.Integer(), primary_key=True, comment=\"it's id\"), sa.Column(\"c\", sa.String(3), comment=\"col\\\\'s\"), comment=\"table's\")\nop.add_column(\"t\", sa.Column(\"z\", sa.Integer(), comment=\"zz\"))";
    assert_eq!(
        upgrade(body, Postgres).unwrap(),
        [
            table(&["id SERIAL NOT NULL", "c VARCHAR(3)", "PRIMARY KEY (id)"]),
            "COMMENT ON TABLE t IS 'table''s'".into(),
            "COMMENT ON COLUMN t.id IS 'it''s id'".into(),
            "COMMENT ON COLUMN t.c IS 'col\\''s'".into(),
            "ALTER TABLE t ADD COLUMN z INTEGER".into(),
            "COMMENT ON COLUMN t.z IS 'zz'".into(),
        ]
    );
    assert_eq!(
        upgrade(body, Mysql).unwrap(),
        [
            table(&[
                "id INTEGER NOT NULL COMMENT 'it''s id' AUTO_INCREMENT",
                "c VARCHAR(3) COMMENT 'col\\\\''s'",
                "PRIMARY KEY (id)"
            ]) + "COMMENT='table''s'",
            "ALTER TABLE t ADD COLUMN z INTEGER COMMENT 'zz'".into(),
        ]
    );
    assert_eq!(
        upgrade(body, Sqlite).unwrap(),
        [
            table(&["id INTEGER NOT NULL", "c VARCHAR(3)", "PRIMARY KEY (id)"]),
            "ALTER TABLE t ADD COLUMN z INTEGER".into(),
        ]
    );
}

#[test]
fn collations_floats_and_other_types_are_the_type_compiler_s_words() {
    let body = "op.create_table(\"t\", sa.Column(\"j\", sa.String(5, collation=\"en_US\")), sa.Column(\"b\", sa.Text(collation=\"C\")), sa.Column(\"f\", sa.Float(precision=24)), sa.Column(\"g\", sa.Float(10, asdecimal=True, decimal_return_scale=2)), sa.Column(\"h\", sa.Float()), sa.Column(\"i\", sa.Double()), sa.Column(\"l\", sa.Boolean()), sa.Column(\"d\", sa.DateTime()), sa.Column(\"u\", sa.Uuid()), sa.Column(\"x\", sa.JSON()), sa.Column(\"n\", sa.DECIMAL(5, 2)), sa.Column(\"s\", sa.TIMESTAMP(), server_default=sa.func.now()))";
    assert_eq!(
        one(body, Postgres),
        table(&[
            "j VARCHAR(5) COLLATE \"en_US\"",
            "b TEXT COLLATE \"C\"",
            "f FLOAT(24)",
            "g FLOAT(10)",
            "h FLOAT",
            "i DOUBLE PRECISION",
            "l BOOLEAN",
            "d TIMESTAMP WITHOUT TIME ZONE",
            "u UUID",
            "x JSON",
            "n DECIMAL(5, 2)",
            "s TIMESTAMP WITHOUT TIME ZONE DEFAULT now()"
        ])
    );
    assert_eq!(
        one(body, Sqlite),
        table(&[
            "j VARCHAR(5) COLLATE \"en_US\"",
            "b TEXT COLLATE \"C\"",
            "f FLOAT",
            "g FLOAT",
            "h FLOAT",
            "i DOUBLE",
            "l BOOLEAN",
            "d DATETIME",
            "u CHAR(32)",
            "x JSON",
            "n DECIMAL(5, 2)",
            "s TIMESTAMP DEFAULT CURRENT_TIMESTAMP"
        ])
    );
    assert_eq!(
        one(body, Mysql),
        table(&[
            "j VARCHAR(5) COLLATE en_US",
            "b TEXT COLLATE C",
            "f FLOAT(24)",
            "g FLOAT(10)",
            "h FLOAT",
            "i DOUBLE",
            "l BOOL",
            "d DATETIME",
            "u CHAR(32)",
            "x JSON",
            "n DECIMAL(5, 2)",
            "s TIMESTAMP NULL DEFAULT (now())"
        ])
    );
    // An argument that would change the DDL and is not read is left to do.
    for kind in [
        "sa.Text(100)",
        "sa.Boolean(create_constraint=x)",
        "sa.Integer(5)",
    ] {
        let body = format!("op.add_column(\"t\", sa.Column(\"c\", {kind}))");
        assert!(upgrade(&body, Postgres).is_err(), "{kind}");
    }
}

#[test]
fn the_key_constraint_makes_its_columns_not_null_and_autoincrement_true_outranks_a_default() {
    let body = "op.create_table(\"t\", sa.Column(\"id\", sa.String(5)), sa.Column(\"n\", sa.Integer(), sa.Identity(), nullable=True), sa.PrimaryKeyConstraint(\"id\"))\nop.create_table(\"u\", sa.Column(\"id\", sa.Integer(), server_default=sa.text(\"1\"), primary_key=True, autoincrement=True))";
    let u = |column: &str| format!("CREATE TABLE u (\n    {column},\n    PRIMARY KEY (id)\n)");
    assert_eq!(
        upgrade(body, Postgres).unwrap(),
        [
            table(&[
                "id VARCHAR(5) NOT NULL",
                "n INTEGER GENERATED BY DEFAULT AS IDENTITY NULL",
                "PRIMARY KEY (id)"
            ]),
            u("id SERIAL NOT NULL")
        ]
    );
    assert_eq!(
        upgrade(body, Sqlite).unwrap(),
        [
            table(&["id VARCHAR(5) NOT NULL", "n INTEGER", "PRIMARY KEY (id)"]),
            u("id INTEGER DEFAULT 1 NOT NULL")
        ]
    );
    assert_eq!(
        upgrade(body, Mysql).unwrap()[1],
        u("id INTEGER NOT NULL DEFAULT 1")
    );
    // `create_type=False` on `sa.Enum` too: SQLAlchemy passes it on to PostgreSQL's ENUM.
    let body =
        "op.create_table(\"t\", sa.Column(\"a\", sa.Enum(\"x\", name=\"ex\", create_type=False)))";
    assert_eq!(upgrade(body, Postgres).unwrap(), [table(&["a ex"])]);
}

#[test]
fn names_are_quoted_where_sqlalchemy_quotes_them_on_each_database() {
    let body = "op.create_table(\"user\", sa.Column(\"end\", sa.Integer()), sa.Column(\"key\", sa.Integer()), sa.Column(\"Mixed\", sa.Integer()), sa.Column(\"a$b\", sa.Integer()), sa.Column(\"1x\", sa.Integer()), sa.Column(\"index\", sa.Integer()))";
    let create = |table: &str, columns: &[&str]| {
        format!(
            "CREATE TABLE {table} (\n    {}\n)",
            columns
                .iter()
                .map(|c| format!("{c} INTEGER"))
                .collect::<Vec<_>>()
                .join(",\n    ")
        )
    };
    assert_eq!(
        one(body, Postgres),
        create(
            "\"user\"",
            &["\"end\"", "key", "\"Mixed\"", "a$b", "\"1x\"", "index"]
        )
    );
    assert_eq!(
        one(body, Sqlite),
        create(
            "user",
            &[
                "\"end\"",
                "\"key\"",
                "\"Mixed\"",
                "a$b",
                "\"1x\"",
                "\"index\""
            ]
        )
    );
    assert_eq!(
        one(body, Mysql),
        create(
            "user",
            &["end", "`key`", "`Mixed`", "a$b", "`1x`", "`index`"]
        )
    );
}

#[test]
fn a_primary_key_of_a_project_s_integer_type_is_left_to_do_and_of_another_type_is_plain() {
    let types =
        TypeMap::parse("app.Id = bigint\napp.Guid = postgresql:uuid mysql:char(36)").unwrap();
    let key = |kind: &str, more: &str| {
        format!("op.create_table(\"t\", sa.Column(\"id\", {kind}(){more}, primary_key=True))")
    };
    let run = |body: &str, database| {
        upgrade_typed("import app", body, database, &Convention::default(), &types)
    };
    // Whether SQLAlchemy sees an integer depends on the project's type.
    assert_eq!(
        run(&key("app.Id", ""), Postgres),
        Err(vec![Reason::OptionNotConverted])
    );
    assert_eq!(
        run(&key("app.Id", ", autoincrement=False"), Postgres).unwrap(),
        [table(&["id bigint NOT NULL", "PRIMARY KEY (id)"])]
    );
    assert_eq!(
        run(&key("app.Guid", ""), Mysql).unwrap(),
        [table(&["id char(36) NOT NULL", "PRIMARY KEY (id)"])]
    );
}

#[test]
fn an_inline_foreign_key_is_a_table_constraint_after_the_column_s_unique_and_check() {
    let body = "op.create_table(\"t\", sa.Column(\"id\", sa.Integer(), primary_key=True), sa.Column(\"a\", sa.Integer(), sa.ForeignKey(\"o.id\", ondelete=\"CASCADE\", name=\"fk_a\"), unique=True), sa.Column(\"b\", sa.Integer(), sa.ForeignKey(\"o.id\")), sa.UniqueConstraint(\"b\", name=\"uqb\"), sa.ForeignKeyConstraint([\"b\"], [\"p.id\"]), sa.Column(\"c\", sa.Enum(\"x\", name=\"ec\", native_enum=False, create_constraint=True), sa.ForeignKey(\"o.c\"), unique=True), sa.Column(\"d\", sa.Integer(), sa.ForeignKey(\"o.id\", onupdate=\"CASCADE\"), sa.ForeignKey(\"p.id\")))\nop.add_column(\"t\", sa.Column(\"e\", sa.Integer(), sa.ForeignKey(\"o.id\", name=\"fk_e\")))\nop.create_table(\"u\", sa.Column(\"id\", sa.Integer(), sa.ForeignKey(\"o.id\"), primary_key=True))";
    let expected = [
        table(&[
            "id SERIAL NOT NULL",
            "a INTEGER",
            "b INTEGER",
            "c VARCHAR(1)",
            "d INTEGER",
            "PRIMARY KEY (id)",
            "CONSTRAINT uqb UNIQUE (b)",
            "FOREIGN KEY(b) REFERENCES p (id)",
            "UNIQUE (a)",
            "CONSTRAINT fk_a FOREIGN KEY(a) REFERENCES o (id) ON DELETE CASCADE",
            "FOREIGN KEY(b) REFERENCES o (id)",
            "UNIQUE (c)",
            "CONSTRAINT ec CHECK (c IN ('x'))",
            "FOREIGN KEY(c) REFERENCES o (c)",
            "FOREIGN KEY(d) REFERENCES o (id) ON UPDATE CASCADE",
            "FOREIGN KEY(d) REFERENCES p (id)",
        ]),
        "ALTER TABLE t ADD COLUMN e INTEGER".into(),
        "ALTER TABLE t ADD CONSTRAINT fk_e FOREIGN KEY(e) REFERENCES o (id)".into(),
        // A foreign key on the key column: no SERIAL.
        "CREATE TABLE u (\n    id INTEGER NOT NULL,\n    PRIMARY KEY (id),\n    FOREIGN KEY(id) REFERENCES o (id)\n)".into(),
    ];
    assert_eq!(upgrade(body, Postgres).unwrap(), expected);
    // Named by the convention; on SQLite, Alembic refuses to add one to a table.
    let naming = Convention::Known {
        templates: vec![(
            "fk".into(),
            "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s".into(),
        )],
        functions: Vec::new(),
    };
    let named = upgrade_with("", body, Sqlite, &naming);
    assert_eq!(named, Err(vec![Reason::DialectLimit]));
    let named = upgrade_with("", body.split('\n').next().unwrap(), Sqlite, &naming).unwrap();
    assert!(
        named[0].contains("CONSTRAINT fk_t_d_o FOREIGN KEY(d) REFERENCES o (id) ON UPDATE CASCADE,\n    CONSTRAINT fk_t_d_p FOREIGN KEY(d) REFERENCES p (id)"),
        "{named:#?}"
    );
}
