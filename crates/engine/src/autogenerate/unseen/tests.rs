use super::not_compared;
use crate::schema::model::{Column, ColumnType, Definition, Schema, Table};

fn definition(kind: &str, name: &str) -> Definition {
    Definition {
        kind: kind.into(),
        name: name.into(),
        table: None,
        sql: format!("CREATE {kind} {name}"),
        arguments: None,
    }
}

#[test]
fn every_kind_the_models_cannot_declare_is_counted_once() {
    let mut generated = Column::new("doubled", ColumnType::Integer);
    generated.generated = Some("GENERATED ALWAYS AS ((n * 2)) STORED".into());
    let schema = Schema {
        tables: vec![
            Table {
                partition_by: Some("PARTITION BY RANGE (at)".into()),
                ..Table::new("measures").column(generated)
            },
            Table {
                sql: Some("CREATE TABLE t (a) STRICT".into()),
                ..Table::new("t")
            },
        ],
        definitions: vec![
            definition("VIEW", "a"),
            definition("VIEW", "b"),
            definition("TRIGGER", "c"),
        ],
        ..Schema::default()
    };
    assert_eq!(
        not_compared(&schema),
        [
            "1 generated column clause(s)",
            "1 partition key(s)",
            "1 table text beyond the model(s)",
            "1 trigger(s)",
            "2 view(s)"
        ]
    );
    assert!(not_compared(&Schema::default()).is_empty());
}
