//! The autogenerate corpus: each case is a schema before and after one model change.

use aurora_migrate::schema::model::{
    Action, Column, ColumnDefault, ColumnType as T, EnumType, Schema, Table,
};

pub struct Case {
    pub name: &'static str,
    pub before: Schema,
    pub after: Schema,
}

fn owners() -> Table {
    Table::new("owners")
        .column(Column::new("id", T::Integer).autoincrement())
        .column(Column::new("email", T::Varchar(100)))
        .primary_key(&["id"])
        .unique("owners_email_key", &["email"])
}

fn items() -> Table {
    Table::new("items")
        .column(Column::new("id", T::Integer).autoincrement())
        .column(Column::new("name", T::Varchar(50)))
        .column(Column::new("note", T::Text).nullable())
        .column(Column::new("owner_id", T::Integer).nullable())
        .column(
            Column::new("mood", T::Enum("mood".into()))
                .default(ColumnDefault::Text("happy".into())),
        )
        .primary_key(&["id"])
}

fn mood() -> EnumType {
    EnumType::new("mood", &["happy", "sad"])
}

fn base() -> Schema {
    schema(vec![mood()], vec![owners(), items()])
}

fn schema(enums: Vec<EnumType>, tables: Vec<Table>) -> Schema {
    let mut schema = Schema {
        enums,
        tables,
        ..Schema::default()
    };
    schema.sort();
    schema
}

/// `base()` with the table `name` changed by `edit`.
fn with_table(name: &str, edit: impl Fn(Table) -> Table) -> Schema {
    let mut schema = base();
    for table in &mut schema.tables {
        if table.name == name {
            *table = edit(table.clone());
        }
    }
    schema
}

fn with_items(edit: impl Fn(Table) -> Table) -> Schema {
    with_table("items", edit)
}

fn edit_column(table: Table, name: &str, edit: impl Fn(Column) -> Column) -> Table {
    let mut table = table;
    for column in &mut table.columns {
        if column.name == name {
            *column = edit(column.clone());
        }
    }
    table
}

fn without_column(mut table: Table, name: &str) -> Table {
    table.columns.retain(|c| c.name != name);
    table
}

fn with_mood(values: &[&str]) -> Schema {
    let mut schema = base();
    schema.enums = vec![EnumType::new("mood", values)];
    schema
}

fn tags() -> Table {
    Table::new("tags")
        .column(Column::new("id", T::Integer).autoincrement())
        .column(Column::new("item_id", T::Integer))
        .column(Column::new("label", T::Varchar(30)))
        .primary_key(&["id"])
        .foreign_key(
            "tags_item_id_fkey",
            &["item_id"],
            "items",
            &["id"],
            Action::Cascade,
        )
        .index("ix_tags_label", &["label"], false)
}

fn case(name: &'static str, before: Schema, after: Schema) -> Case {
    Case {
        name,
        before,
        after,
    }
}

fn fk(table: Table, on_delete: Action) -> Table {
    table.foreign_key(
        "items_owner_id_fkey",
        &["owner_id"],
        "owners",
        &["id"],
        on_delete,
    )
}

pub fn all() -> Vec<Case> {
    let every_type = Table::new("samples")
        .column(Column::new("id", T::BigInt).autoincrement())
        .column(Column::new("small", T::SmallInt).default(ColumnDefault::Int(-1)))
        .column(Column::new("flag", T::Boolean).default(ColumnDefault::Bool(true)))
        .column(Column::new("price", T::Numeric(10, 2)).nullable())
        .column(Column::new("ratio", T::Real).nullable())
        .column(Column::new("score", T::Double).nullable())
        .column(Column::new("day", T::Date).nullable())
        .column(Column::new("seen_at", T::Timestamp).nullable())
        .column(Column::new("created_at", T::TimestampTz).default(ColumnDefault::Now))
        .column(Column::new("token", T::Uuid).nullable())
        .column(Column::new("payload", T::Json).nullable())
        .column(Column::new("doc", T::Jsonb).nullable())
        .column(Column::new("blob", T::Bytes).nullable())
        .column(Column::new("label", T::Text).default(ColumnDefault::Text("it's".into())))
        .primary_key(&["id"]);
    vec![
        case(
            "add_table",
            base(),
            schema(vec![mood()], vec![owners(), items(), tags()]),
        ),
        case(
            "drop_table",
            schema(vec![mood()], vec![owners(), items(), tags()]),
            base(),
        ),
        case(
            "add_table_with_every_type",
            base(),
            schema(vec![mood()], vec![owners(), items(), every_type]),
        ),
        case(
            "add_nullable_column",
            base(),
            with_items(|t| t.column(Column::new("color", T::Varchar(20)).nullable())),
        ),
        case(
            "add_not_null_column_with_default",
            base(),
            with_items(|t| t.column(Column::new("qty", T::Integer).default(ColumnDefault::Int(0)))),
        ),
        case(
            "add_boolean_column",
            base(),
            with_items(|t| {
                t.column(Column::new("active", T::Boolean).default(ColumnDefault::Bool(true)))
            }),
        ),
        case(
            "add_timestamp_column_defaulting_to_now",
            base(),
            with_items(|t| t.column(Column::new("at", T::TimestampTz).default(ColumnDefault::Now))),
        ),
        case(
            "drop_column",
            base(),
            with_items(|t| without_column(t, "note")),
        ),
        case(
            "widen_varchar",
            base(),
            with_items(|t| {
                edit_column(t, "name", |c| Column {
                    ty: T::Varchar(200),
                    ..c
                })
            }),
        ),
        case(
            "integer_to_bigint",
            base(),
            with_items(|t| edit_column(t, "owner_id", |c| Column { ty: T::BigInt, ..c })),
        ),
        case(
            "text_to_varchar",
            base(),
            with_items(|t| {
                edit_column(t, "note", |c| Column {
                    ty: T::Varchar(500),
                    ..c
                })
            }),
        ),
        case(
            "make_nullable",
            base(),
            with_items(|t| edit_column(t, "name", |c| c.nullable())),
        ),
        case(
            "make_not_null",
            base(),
            with_items(|t| {
                edit_column(t, "note", |c| Column {
                    nullable: false,
                    default: Some(ColumnDefault::Text(String::new())),
                    ..c
                })
            }),
        ),
        case(
            "add_default",
            base(),
            with_items(|t| {
                edit_column(t, "name", |c| {
                    c.default(ColumnDefault::Text("unnamed".into()))
                })
            }),
        ),
        case(
            "change_default",
            base(),
            with_items(|t| {
                edit_column(t, "mood", |c| c.default(ColumnDefault::Text("sad".into())))
            }),
        ),
        case(
            "drop_default",
            base(),
            with_items(|t| edit_column(t, "mood", |c| Column { default: None, ..c })),
        ),
        case(
            "add_column_comment",
            base(),
            with_items(|t| edit_column(t, "note", |c| c.comment("free text"))),
        ),
        case(
            "add_index",
            base(),
            with_items(|t| t.index("ix_items_name", &["name"], false)),
        ),
        case(
            "drop_index",
            with_items(|t| t.index("ix_items_name", &["name"], false)),
            base(),
        ),
        case(
            "add_unique_index",
            base(),
            with_items(|t| t.index("ux_items_name", &["name"], true)),
        ),
        case(
            "add_multicolumn_index",
            base(),
            with_items(|t| t.index("ix_items_owner_name", &["owner_id", "name"], false)),
        ),
        case(
            "change_index_columns",
            with_items(|t| t.index("ix_items", &["name"], false)),
            with_items(|t| t.index("ix_items", &["note"], false)),
        ),
        case(
            "add_unique_constraint",
            base(),
            with_items(|t| t.unique("uq_items_owner_name", &["owner_id", "name"])),
        ),
        case(
            "drop_unique_constraint",
            base(),
            with_table("owners", |mut t| {
                t.uniques.clear();
                t
            }),
        ),
        case(
            "add_foreign_key",
            base(),
            with_items(|t| fk(t, Action::NoAction)),
        ),
        case(
            "drop_foreign_key",
            with_items(|t| fk(t, Action::Cascade)),
            base(),
        ),
        case(
            "change_foreign_key_action",
            with_items(|t| fk(t, Action::Cascade)),
            with_items(|t| fk(t, Action::SetNull)),
        ),
        case(
            "add_check",
            base(),
            with_items(|t| t.check("ck_items_name_length", "length(name) > 0")),
        ),
        case(
            "drop_check",
            with_items(|t| t.check("ck_items_name_length", "length(name) > 0")),
            base(),
        ),
        case(
            "add_enum_value_at_end",
            base(),
            with_mood(&["happy", "sad", "calm"]),
        ),
        case("add_enum_value_used_as_a_default", base(), {
            let mut after = with_items(|t| {
                edit_column(t, "mood", |c| c.default(ColumnDefault::Text("calm".into())))
            });
            after.enums = vec![EnumType::new("mood", &["happy", "sad", "calm"])];
            after
        }),
        case(
            "add_enum_value_in_the_middle",
            base(),
            with_mood(&["happy", "calm", "sad"]),
        ),
        case(
            "remove_enum_value",
            with_mood(&["happy", "sad", "calm"]),
            base(),
        ),
        case("create_enum_with_a_new_table", base(), {
            let mut after = base();
            after.enums.push(EnumType::new("size", &["s", "m", "l"]));
            after.tables.push(
                Table::new("boxes")
                    .column(Column::new("id", T::Integer).autoincrement())
                    .column(Column::new("size", T::Enum("size".into())))
                    .primary_key(&["id"]),
            );
            after.sort();
            after
        }),
        case(
            "add_enum_column_to_existing_table",
            base(),
            with_table("owners", |t| {
                t.column(Column::new("mood", T::Enum("mood".into())).nullable())
            }),
        ),
        case("two_new_tables_referencing_each_other_in_order", base(), {
            let mut after = base();
            after.tables.push(
                Table::new("b_child")
                    .column(Column::new("id", T::Integer).autoincrement())
                    .column(Column::new("parent_id", T::Integer))
                    .primary_key(&["id"])
                    .foreign_key(
                        "b_child_parent_id_fkey",
                        &["parent_id"],
                        "a_parent",
                        &["id"],
                        Action::Cascade,
                    ),
            );
            after.tables.push(
                Table::new("a_parent")
                    .column(Column::new("id", T::Integer).autoincrement())
                    .primary_key(&["id"]),
            );
            after.sort();
            after
        }),
        case(
            "drop_and_add_column_is_not_a_rename",
            base(),
            with_items(|t| {
                without_column(t, "note").column(Column::new("notes", T::Text).nullable())
            }),
        ),
    ]
}
