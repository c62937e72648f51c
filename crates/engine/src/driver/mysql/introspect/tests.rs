use super::*;

#[test]
fn column_types_map_to_portable_ones() {
    assert_eq!(column_type_of("int(11)"), ColumnType::Integer);
    assert_eq!(column_type_of("tinyint(1)"), ColumnType::Boolean);
    assert_eq!(column_type_of("varchar(200)"), ColumnType::Varchar(200));
    assert_eq!(column_type_of("decimal(10,2)"), ColumnType::Numeric(10, 2));
    assert_eq!(
        column_type_of("enum('a','b''c')"),
        ColumnType::EnumValues(vec!["a".into(), "b'c".into()])
    );
}

#[test]
fn defaults_read_alike_from_mariadb_and_mysql() {
    assert_eq!(
        parse_default("'mainnet'", true),
        Some(ColumnDefault::Text("mainnet".into()))
    );
    assert_eq!(
        parse_default("current_timestamp()", true),
        Some(ColumnDefault::Now)
    );
    assert_eq!(parse_default("NULL", true), None);
    assert_eq!(parse_default("-1", true), Some(ColumnDefault::Int(-1)));
    assert_eq!(
        parse_default("'it\\'s'", true),
        Some(ColumnDefault::Text("it's".into()))
    );
    assert_eq!(
        parse_default("'it''s'", true),
        Some(ColumnDefault::Text("it's".into()))
    );
}

#[test]
fn a_bare_default_is_an_expression_where_the_server_says_so_and_a_literal_elsewhere() {
    let drawn = "nextval(`order numbers`)";
    assert_eq!(
        parse_default(drawn, true),
        Some(ColumnDefault::Expr(drawn.into()))
    );
    // MySQL shows a literal bare, and marks an expression DEFAULT_GENERATED.
    assert_eq!(
        parse_default("mainnet", false),
        Some(ColumnDefault::Text("mainnet".into()))
    );
    assert_eq!(
        parse_default("1.50", true),
        Some(ColumnDefault::Text("1.50".into()))
    );
}
