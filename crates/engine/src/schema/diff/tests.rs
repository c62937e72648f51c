//! The diff in memory: the order of changes, their reverses, and Alembic's wording.

use super::*;
use crate::schema::model::{Action, ColumnDefault, ColumnType as T};
use aurora_migrate_core::Database;

fn schema(enums: Vec<EnumType>, tables: Vec<Table>) -> Schema {
    let mut schema = Schema {
        enums,
        tables,
        ..Schema::default()
    };
    schema.sort();
    schema
}

fn id() -> Column {
    Column::new("id", T::Integer).autoincrement()
}

fn items() -> Table {
    Table::new("items")
        .column(id())
        .column(Column::new("name", T::Varchar(50)))
        .primary_key(&["id"])
}

fn parent() -> Table {
    Table::new("z_parent").column(id()).primary_key(&["id"])
}

/// `a_child` sorts before `z_parent` but references it.
fn child() -> Table {
    Table::new("a_child")
        .column(id())
        .column(Column::new("parent_id", T::Integer))
        .primary_key(&["id"])
        .foreign_key(
            "fk_parent",
            &["parent_id"],
            "z_parent",
            &["id"],
            Action::Cascade,
        )
}

/// The variant of each change, in order.
fn kinds(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .map(|c| {
            format!("{c:?}")
                .split(['(', ' '])
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn lines(changes: &[Change]) -> Vec<String> {
    changes.iter().flat_map(Change::describe).collect()
}

/// Changes as a sorted list, to compare as multisets.
fn multiset(changes: impl IntoIterator<Item = Change>) -> Vec<String> {
    let mut list: Vec<String> = changes.into_iter().map(|c| format!("{c:?}")).collect();
    list.sort();
    list
}

#[test]
fn enums_and_referenced_tables_are_created_first() {
    let mood = EnumType::new("mood", &["a", "b"]);
    let parent = parent().column(Column::new("mood", T::Enum("mood".into())));
    let changes = diff(
        &Schema::default(),
        &schema(vec![mood], vec![child(), parent]),
    );
    assert_eq!(
        kinds(&changes),
        ["CreateEnum", "CreateTable", "CreateTable"]
    );
    let created: Vec<_> = changes.iter().filter_map(Change::table).collect();
    assert_eq!(created, ["z_parent", "a_child"]);
}

#[test]
fn a_cycle_of_new_tables_is_still_created() {
    let a =
        Table::new("a")
            .column(id())
            .foreign_key("a_b", &["id"], "b", &["id"], Action::NoAction);
    let b = Table::new("b")
        .column(id())
        .foreign_key("b_a", &["id"], "a", &["id"], Action::NoAction)
        .foreign_key("b_b", &["id"], "b", &["id"], Action::NoAction);
    let changes = diff(&Schema::default(), &schema(vec![], vec![b, a]));
    let created: Vec<_> = changes.iter().filter_map(Change::table).collect();
    assert_eq!(created, ["a", "b"]);
}

#[test]
fn a_foreign_key_is_added_after_its_column() {
    let before = schema(vec![], vec![parent(), Table::new("a_child").column(id())]);
    let after = schema(vec![], vec![parent(), child()]);
    let changes = diff(&before, &after);
    assert_eq!(kinds(&changes), ["AddColumn", "AddForeignKey"]);
    // ... and when the referenced table is new, after that table too.
    let before = schema(vec![], vec![Table::new("a_child").column(id())]);
    assert_eq!(
        kinds(&diff(&before, &after)),
        ["CreateTable", "AddColumn", "AddForeignKey"]
    );
}

#[test]
fn drops_run_after_foreign_keys_and_enums_go_last() {
    let mood = EnumType::new("mood", &["a"]);
    let parent = parent().column(Column::new("mood", T::Enum("mood".into())));
    let keeper = |key: bool| {
        let table = Table::new("keeper")
            .column(id())
            .column(Column::new("parent_id", T::Integer));
        match key {
            true => table.foreign_key(
                "fk_k",
                &["parent_id"],
                "z_parent",
                &["id"],
                Action::NoAction,
            ),
            false => table,
        }
    };
    let before = schema(vec![mood], vec![child(), parent, keeper(true)]);
    let changes = diff(&before, &schema(vec![], vec![keeper(false)]));
    assert_eq!(
        kinds(&changes),
        ["DropForeignKey", "DropTable", "DropTable", "DropEnum"]
    );
    let tables: Vec<_> = changes.iter().filter_map(Change::table).collect();
    assert_eq!(tables, ["keeper", "a_child", "z_parent"]);
}

#[test]
fn unchanged_schemas_give_no_change() {
    let models = schema(vec![], vec![items(), parent(), child()]);
    assert_eq!(diff(&models, &models), []);
    let sqlite = models.normalized(Database::Sqlite);
    assert_eq!(diff(&sqlite, &sqlite), []);
    assert_eq!(diff(&Schema::default(), &Schema::default()), []);
}

#[test]
fn autoincrement_differences_are_ignored() {
    let mut serial = items();
    serial.columns[0].autoincrement = false;
    assert_eq!(
        diff(
            &schema(vec![], vec![serial]),
            &schema(vec![], vec![items()])
        ),
        []
    );
}

#[test]
fn a_changed_index_is_dropped_then_added() {
    let before = items().index("ix_name", &["name"], false);
    let after = items().index("ix_name", &["name", "id"], true);
    let changes = diff(
        &schema(vec![], vec![before.clone()]),
        &schema(vec![], vec![after]),
    );
    assert_eq!(kinds(&changes), ["DropIndex", "AddIndex"]);
    assert_eq!(
        changes[0],
        Change::DropIndex {
            table: "items".into(),
            index: before.indexes[0].clone()
        }
    );
    let before = items().unique("uq", &["name"]);
    let after = items().unique("uq", &["name", "id"]);
    let changes = diff(&schema(vec![], vec![before]), &schema(vec![], vec![after]));
    assert_eq!(kinds(&changes), ["DropUnique", "AddUnique"]);
}

#[test]
fn checks_are_compared_by_name_only() {
    let with = |name: &str, expression: &str| schema(vec![], vec![items().check(name, expression)]);
    assert_eq!(diff(&with("ck", "id > 0"), &with("ck", "(id > 1)")), []);
    let changes = diff(&with("ck", "id > 0"), &with("ck2", "id > 0"));
    assert_eq!(kinds(&changes), ["DropCheck", "AddCheck"]);
}

#[test]
fn an_altered_enum_carries_the_columns_that_use_it() {
    let uses = |name: &str| Column::new(name, T::Enum("mood".into()));
    let table = items()
        .column(uses("mood").default(ColumnDefault::Text("a".into())))
        .column(uses("other").nullable());
    let before = schema(
        vec![EnumType::new("mood", &["a", "b"])],
        vec![table.clone()],
    );
    // A column added in the same migration is not converted: it is created with the new type.
    let after = schema(
        vec![EnumType::new("mood", &["a", "b", "c"])],
        vec![table.clone().column(uses("added"))],
    );
    let changes = diff(&before, &after);
    assert_eq!(kinds(&changes), ["AlterEnum", "AddColumn"]);
    let Change::AlterEnum { columns, .. } = &changes[0] else {
        panic!("{changes:?}")
    };
    let expected = vec![
        ("items".to_string(), table.columns[2].clone()),
        ("items".to_string(), table.columns[3].clone()),
    ];
    assert_eq!(*columns, expected);
}

/// PostgreSQL cannot drop the renamed old type while a column still uses it: here a column
/// of a table dropped later in the same migration, and a column whose type changes later.
#[test]
fn an_altered_enum_carries_every_column_using_it_at_that_point() {
    let uses = |table: &str| Table::new(table).column(Column::new("mood", T::Enum("mood".into())));
    let before = schema(
        vec![EnumType::new("mood", &["a", "b"])],
        vec![uses("t"), uses("u")],
    );
    let retyped = Table::new("t").column(Column::new("mood", T::Text));
    let after = schema(vec![EnumType::new("mood", &["a"])], vec![retyped]);
    let changes = diff(&before, &after);
    assert_eq!(kinds(&changes), ["AlterEnum", "AlterColumn", "DropTable"]);
    let Change::AlterEnum { columns, .. } = &changes[0] else {
        panic!("{changes:?}")
    };
    let tables: Vec<&str> = columns.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(tables, ["t", "u"]);
}

/// A diff that makes one change of each "forward" kind; its reverse makes the others.
fn forward() -> Vec<Change> {
    let old_child = Table::new("a_child")
        .column(id())
        .column(Column::new("note", T::Text))
        .primary_key(&["id"]);
    let before = schema(
        vec![EnumType::new("mood", &["a", "b"])],
        vec![parent(), old_child],
    );
    let new_child = child()
        .column(Column::new("note", T::Text).nullable())
        .index("ix", &["parent_id"], false)
        .unique("uq", &["id", "parent_id"])
        .check("ck", "id > 0");
    let enums = vec![
        EnumType::new("mood", &["a", "c"]),
        EnumType::new("new", &["x"]),
    ];
    diff(&before, &schema(enums, vec![parent(), new_child, items()]))
}

fn every_change() -> Vec<Change> {
    let forward = forward();
    let reverse = forward.iter().rev().map(Change::reverse);
    forward.iter().cloned().chain(reverse).collect()
}

#[test]
fn every_reverse_is_an_involution() {
    let changes = every_change();
    let mut variants = kinds(&changes);
    variants.sort();
    variants.dedup();
    assert_eq!(variants.len(), 16, "{variants:?}");
    for change in changes {
        let reverse = change.reverse();
        assert_ne!(reverse, change);
        assert_eq!(reverse.reverse(), change);
        assert_eq!(reverse.table(), change.table());
    }
}

#[test]
fn a_reversed_diff_is_the_diff_back() {
    let with_mood = |values: &[&str]| {
        let table = items().column(Column::new("mood", T::Enum("mood".into())));
        schema(vec![EnumType::new("mood", values)], vec![table])
    };
    let wider = Table::new("items")
        .column(id())
        .column(Column::new("name", T::Varchar(200)).nullable())
        .column(Column::new("color", T::Text).default(ColumnDefault::Text("red".into())))
        .primary_key(&["id"]);
    let mood = EnumType::new("mood", &["a", "b"]);
    let bare_child = Table::new("a_child").column(id());
    let pairs = [
        (schema(vec![], vec![items()]), schema(vec![], vec![wider])),
        (
            schema(vec![], vec![parent()]),
            schema(vec![mood], vec![parent(), child()]),
        ),
        (
            schema(vec![], vec![parent(), bare_child]),
            schema(vec![], vec![parent(), child().index("ix", &["id"], false)]),
        ),
        (
            schema(vec![], vec![items().unique("uq", &["name"])]),
            schema(
                vec![],
                vec![items().check("ck", "id > 0").unique("uq", &["id"])],
            ),
        ),
        (with_mood(&["a", "b"]), with_mood(&["a", "b", "c"])),
        (with_mood(&["a", "b"]), with_mood(&["b", "a"])),
    ];
    for (a, b) in pairs {
        let forward = diff(&a, &b);
        assert!(!forward.is_empty());
        let reversed = forward.iter().rev().map(Change::reverse);
        assert_eq!(multiset(reversed), multiset(diff(&b, &a)), "{a:?} -> {b:?}");
    }
}

#[test]
fn describes_a_diff_in_alembic_wording() {
    let forward = forward();
    assert_eq!(
        lines(&forward),
        [
            "Detected added value 'c' to enum 'mood'",
            "Detected removed value 'b' from enum 'mood'",
            "Detected added enum 'new' (x)",
            "Detected added table 'items'",
            "Detected added column 'a_child.parent_id'",
            "Detected NULL on column 'a_child.note'",
            "Detected added index 'ix' on 'a_child' (parent_id)",
            "Detected added unique constraint 'uq' on 'a_child' (id, parent_id)",
            "Detected added check constraint 'ck' on 'a_child'",
            "Detected added foreign key 'fk_parent' (parent_id) -> z_parent(id) on 'a_child'",
        ]
    );
    let back: Vec<Change> = forward.iter().rev().map(Change::reverse).collect();
    assert_eq!(
        lines(&back),
        [
            "Detected removed foreign key 'fk_parent' on 'a_child'",
            "Detected removed check constraint 'ck' on 'a_child'",
            "Detected removed unique constraint 'uq' on 'a_child'",
            "Detected removed index 'ix' on 'a_child'",
            "Detected NOT NULL on column 'a_child.note'",
            "Detected removed column 'a_child.parent_id'",
            "Detected removed table 'items'",
            "Detected removed enum 'new'",
            "Detected added value 'b' to enum 'mood'",
            "Detected removed value 'c' from enum 'mood'",
        ]
    );
}

#[test]
fn describes_column_changes() {
    let name = Column::new("name", T::Varchar(50));
    let alter = |to: Column| Change::AlterColumn {
        table: "items".into(),
        from: name.clone(),
        to,
    };
    assert_eq!(
        alter(Column::new("name", T::Varchar(200))).describe(),
        ["Detected type change from VARCHAR(50) to VARCHAR(200) on 'items.name'"]
    );
    let everything = Column::new("name", T::Text)
        .nullable()
        .default(ColumnDefault::Text("it's".into()))
        .comment("shown");
    assert_eq!(
        alter(everything).describe(),
        [
            "Detected type change from VARCHAR(50) to TEXT on 'items.name'",
            "Detected NULL on column 'items.name'",
            "Detected server default change from none to 'it''s' on 'items.name'",
            "Detected column comment change on 'items.name'",
        ]
    );
    let now = name.clone().default(ColumnDefault::Now);
    assert_eq!(
        alter(now).reverse().describe(),
        ["Detected server default change from now() to none on 'items.name'"]
    );
}

#[test]
fn describes_reordered_enum_values() {
    let change = Change::AlterEnum {
        from: EnumType::new("mood", &["a", "b"]),
        to: EnumType::new("mood", &["b", "a"]),
        columns: vec![],
    };
    assert_eq!(
        change.describe(),
        ["Detected reordered values of enum 'mood'"]
    );
}
