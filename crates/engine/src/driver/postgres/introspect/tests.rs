use super::*;

#[test]
fn defaults_lose_their_casts() {
    assert_eq!(
        parse_default("'mainnet'::chain_kind"),
        ColumnDefault::Text("mainnet".into())
    );
    assert_eq!(
        parse_default("'it''s'::text"),
        ColumnDefault::Text("it's".into())
    );
    assert_eq!(parse_default("now()"), ColumnDefault::Now);
    assert_eq!(parse_default("true"), ColumnDefault::Bool(true));
    assert_eq!(parse_default("'-1'::integer"), ColumnDefault::Int(-1));
    assert_eq!(parse_default("(-1)"), ColumnDefault::Int(-1));
    assert_eq!(
        parse_default("lower('X'::text)"),
        ColumnDefault::Expr("lower('X'::text)".into())
    );
}

#[test]
fn formatted_types_map_to_portable_ones() {
    assert_eq!(
        column_type("character varying(200)"),
        ColumnType::Varchar(200)
    );
    assert_eq!(column_type("numeric(10,2)"), ColumnType::Numeric(10, 2));
    assert_eq!(
        column_type("timestamp with time zone"),
        ColumnType::TimestampTz
    );
    assert_eq!(column_type("point"), ColumnType::Other("point".into()));
}
