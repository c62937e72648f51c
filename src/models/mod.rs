//! Aurora's tables as the application declares them: the target of `create --autogenerate`
//! and of `check`. They describe exactly the schema `migrations/` produces at head.

use aurora_migrate::schema::model::{
    Action, Column, ColumnDefault, ColumnType as T, EnumType, Schema, Table,
};

/// The whole Aurora schema.
pub fn schema() -> Schema {
    let mut schema = Schema {
        enums: vec![
            EnumType::new("chain_kind", &["mainnet", "testnet", "devnet"]),
            EnumType::new("chain_status", &["active", "paused", "retired"]),
            EnumType::new("token_standard", &["native", "erc20", "erc721", "spl"]),
        ],
        tables: vec![chains(), tokens(), wallets()],
        ..Schema::default()
    };
    schema.sort();
    schema
}

fn id() -> Column {
    Column::new("id", T::Integer).autoincrement()
}

fn chains() -> Table {
    Table::new("chains")
        .column(id())
        .column(Column::new("name", T::Varchar(100)))
        .column(Column::new("chain_id", T::BigInt))
        .column(
            Column::new("kind", T::Enum("chain_kind".into()))
                .default(ColumnDefault::Text("mainnet".into())),
        )
        .column(Column::new("created_at", T::TimestampTz).default(ColumnDefault::Now))
        .column(Column::new("rpc_endpoint", T::Varchar(200)).nullable())
        .column(
            Column::new("status", T::Enum("chain_status".into()))
                .default(ColumnDefault::Text("active".into())),
        )
        .primary_key(&["id"])
        .unique("chains_chain_id_key", &["chain_id"])
        .unique("chains_name_key", &["name"])
}

fn tokens() -> Table {
    Table::new("tokens")
        .column(id())
        .column(Column::new("chain_id", T::Integer))
        .column(Column::new("symbol", T::Varchar(20)))
        .column(Column::new("decimals", T::SmallInt))
        .column(Column::new("standard", T::Enum("token_standard".into())))
        .column(Column::new("contract_address", T::Varchar(100)).nullable())
        .primary_key(&["id"])
        .unique("uq_tokens_chain_symbol", &["chain_id", "symbol"])
        .index("ix_tokens_symbol", &["symbol"], false)
        .foreign_key(
            "tokens_chain_id_fkey",
            &["chain_id"],
            "chains",
            &["id"],
            Action::Cascade,
        )
        .check("tokens_decimals_check", "decimals BETWEEN 0 AND 36")
}

fn wallets() -> Table {
    Table::new("wallets")
        .column(id())
        .column(Column::new("chain_id", T::Integer))
        .column(Column::new("address", T::Varchar(100)))
        .column(Column::new("label", T::Text).nullable())
        .column(Column::new("created_at", T::TimestampTz).default(ColumnDefault::Now))
        .primary_key(&["id"])
        .unique("uq_wallets_chain_address", &["chain_id", "address"])
        .foreign_key(
            "wallets_chain_id_fkey",
            &["chain_id"],
            "chains",
            &["id"],
            Action::Restrict,
        )
}
