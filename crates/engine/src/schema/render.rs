//! The pieces of SQL every database's renderer shares: a CREATE TABLE's constraint lines, an
//! index, a default, a column's head, the types spelled alike. Pure text: must not import a
//! driver or autogenerate.

use super::model::{Column, ColumnDefault, ColumnType, Definition, ForeignKey, Index, Table};
use crate::sql::{literal, quote, quoted_list};
use aurora_migrate_core::Database;

/// `expression` in parentheses, unless one pair already encloses all of it.
pub fn parenthesised(expression: &str) -> String {
    let mut depth = 0usize;
    let mut quoted = false;
    let enclosed = expression.starts_with('(')
        && expression.char_indices().all(|(at, c)| {
            match c {
                '\'' => quoted = !quoted,
                '(' if !quoted => depth += 1,
                ')' if !quoted => {
                    depth = depth.saturating_sub(1);
                    // The first parenthesis closes before the end: it does not enclose all.
                    if depth == 0 && at + 1 < expression.len() {
                        return false;
                    }
                }
                _ => {}
            }
            true
        });
    if enclosed {
        expression.to_string()
    } else {
        format!("({expression})")
    }
}

/// `CREATE TABLE name (...)` from the dialect's column and key lines, followed by the table's
/// unique, check and foreign-key constraints, which every dialect spells alike.
pub fn create_table_sql(name: &str, mut lines: Vec<String>, table: &Table) -> String {
    for unique in &table.uniques {
        lines.push(format!(
            "CONSTRAINT {} UNIQUE ({})",
            quote(&unique.name),
            quoted_list(&unique.columns)
        ));
    }
    for check in &table.checks {
        lines.push(format!(
            "CONSTRAINT {} CHECK {}",
            quote(&check.name),
            parenthesised(&check.expression)
        ));
    }
    lines.extend(table.foreign_keys.iter().map(foreign_key));
    let partitioned = match &table.partition_by {
        Some(key) => format!("\n{key}"),
        None => String::new(),
    };
    format!(
        "CREATE TABLE {} (\n    {}\n){partitioned}",
        quote(name),
        lines.join(",\n    ")
    )
}

/// A table constraint for a foreign key, spelled alike by every dialect.
pub fn foreign_key(key: &ForeignKey) -> String {
    format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
        quote(&key.name),
        quoted_list(&key.columns),
        quote(&key.ref_table),
        quoted_list(&key.ref_columns),
        key.on_delete.sql(),
        key.on_update.sql()
    )
}

/// `CREATE [UNIQUE] INDEX`, spelled alike by PostgreSQL and SQLite.
pub fn create_index(table: &str, index: &Index) -> String {
    format!(
        "CREATE {}INDEX {} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        quote(&index.name),
        quote(table),
        quoted_list(&index.columns)
    )
}

/// A default as `kind` spells it.
pub fn default_sql(default: &ColumnDefault, kind: Database) -> String {
    match (default, kind) {
        (ColumnDefault::Bool(b), Database::Postgres) => b.to_string(),
        (ColumnDefault::Bool(b), Database::Sqlite | Database::Mysql) => i32::from(*b).to_string(),
        (ColumnDefault::Int(n), _) => n.to_string(),
        (ColumnDefault::Text(text), _) => literal(text),
        (ColumnDefault::Now, Database::Postgres) => "now()".into(),
        (ColumnDefault::Now, Database::Sqlite | Database::Mysql) => "CURRENT_TIMESTAMP".into(),
        (ColumnDefault::Expr(expr), Database::Postgres) => expr.clone(),
        (ColumnDefault::Expr(expr), Database::Sqlite | Database::Mysql) => parenthesised(expr),
    }
}

/// `"name" TYPE [NOT NULL] [DEFAULT x] [GENERATED ...]`, the part of a column definition
/// every dialect shares.
pub fn column_head(column: &Column, type_sql: &str, kind: Database) -> String {
    let mut sql = format!("{} {type_sql}", quote(&column.name));
    if !column.nullable {
        sql.push_str(" NOT NULL");
    }
    if let Some(default) = &column.default {
        sql.push_str(&format!(" DEFAULT {}", default_sql(default, kind)));
    }
    if let Some(generated) = &column.generated {
        sql.push(' ');
        sql.push_str(generated);
    }
    sql
}

/// Types both dialects spell alike.
pub fn common_type(ty: &ColumnType) -> Option<String> {
    Some(match ty {
        ColumnType::SmallInt => "SMALLINT".into(),
        ColumnType::Integer => "INTEGER".into(),
        ColumnType::BigInt => "BIGINT".into(),
        ColumnType::Text => "TEXT".into(),
        ColumnType::Varchar(n) => format!("VARCHAR({n})"),
        ColumnType::Boolean => "BOOLEAN".into(),
        ColumnType::Numeric(p, s) => format!("NUMERIC({p}, {s})"),
        ColumnType::Real => "REAL".into(),
        ColumnType::Timestamp => "TIMESTAMP".into(),
        ColumnType::Date => "DATE".into(),
        ColumnType::Uuid => "UUID".into(),
        ColumnType::Json => "JSON".into(),
        ColumnType::Other(text) => text.clone(),
        _ => return None,
    })
}

/// The statement that drops an object carried as its own text: `DROP VIEW "v"`; on MySQL an
/// index is dropped from its table, on PostgreSQL a trigger, a rule or a policy, and a function is
/// named with its argument types (it may be overloaded); row-level security is switched off,
/// a comment (named by what it is on: `TABLE "t"`) is removed, and a table is set back to
/// logged and its storage options reset, a column's collation set back to its type's, a
/// partition detached from its parent, a disabled trigger or rule enabled again, a SERIAL's
/// sequence given back its default options, and a table's replica identity, clustering index,
/// and columns' storage and compression set back to the defaults.
pub fn drop_definition(definition: &Definition, kind: Database) -> String {
    match (&definition.table, definition.kind.as_str(), kind) {
        (_, "COMMENT", Database::Postgres) => format!("COMMENT ON {} IS NULL", definition.name),
        (Some(table), "CONSTRAINT", Database::Postgres) => format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            quote(table),
            quote(&definition.name)
        ),
        (Some(table), "COLUMN COLLATION", Database::Postgres) => format!(
            "ALTER TABLE {} ALTER COLUMN {} TYPE {} COLLATE \"default\"",
            quote(table),
            quote(&definition.name),
            definition.arguments.as_deref().unwrap_or_default()
        ),
        (Some(table), "PARTITION", Database::Postgres) => format!(
            "ALTER TABLE {} DETACH PARTITION {}",
            quote(table),
            quote(&definition.name)
        ),
        (Some(table), kind @ ("TRIGGER STATE" | "RULE STATE"), Database::Postgres) => format!(
            "ALTER TABLE {} ENABLE {} {}",
            quote(table),
            kind.trim_end_matches(" STATE"),
            quote(&definition.name)
        ),
        (_, "SEQUENCE OPTIONS", Database::Postgres) => format!(
            "ALTER SEQUENCE {} INCREMENT BY 1 NO MINVALUE NO MAXVALUE START WITH 1 CACHE 1 NO CYCLE",
            quote(&definition.name)
        ),
        (Some(table), "REPLICA IDENTITY", Database::Postgres) => {
            format!("ALTER TABLE {} REPLICA IDENTITY DEFAULT", quote(table))
        }
        (Some(table), "CLUSTER ON", Database::Postgres) => {
            format!("ALTER TABLE {} SET WITHOUT CLUSTER", quote(table))
        }
        (Some(table), "COLUMN STORAGE", Database::Postgres) => format!(
            "ALTER TABLE {} ALTER COLUMN {} SET STORAGE {}",
            quote(table),
            quote(&definition.name),
            definition.arguments.as_deref().unwrap_or("EXTENDED")
        ),
        (Some(table), "COLUMN COMPRESSION", Database::Postgres) => format!(
            "ALTER TABLE {} ALTER COLUMN {} SET COMPRESSION DEFAULT",
            quote(table),
            quote(&definition.name)
        ),
        (Some(table), "UNLOGGED", Database::Postgres) => {
            format!("ALTER TABLE {} SET LOGGED", quote(table))
        }
        (Some(table), "STORAGE OPTIONS", Database::Postgres) => format!(
            "ALTER TABLE {} RESET {}",
            quote(table),
            definition.arguments.as_deref().unwrap_or_default()
        ),
        (Some(table), "ROW LEVEL SECURITY", Database::Postgres) => {
            format!("ALTER TABLE {} DISABLE ROW LEVEL SECURITY", quote(table))
        }
        (Some(table), "FORCE ROW LEVEL SECURITY", Database::Postgres) => {
            format!("ALTER TABLE {} NO FORCE ROW LEVEL SECURITY", quote(table))
        }
        (Some(table), "INDEX", Database::Mysql)
        | (Some(table), "TRIGGER" | "POLICY" | "RULE", Database::Postgres) => {
            format!(
                "DROP {} {} ON {}",
                definition.kind,
                quote(&definition.name),
                quote(table)
            )
        }
        (_, "FUNCTION" | "PROCEDURE", Database::Postgres) => format!(
            "DROP {} {}{}",
            definition.kind,
            quote(&definition.name),
            definition.arguments.as_deref().unwrap_or_default()
        ),
        _ => format!("DROP {} {}", definition.kind, quote(&definition.name)),
    }
}
