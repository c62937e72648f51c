//! SQLAlchemy's columns, types, defaults and table constraints, as one database writes them,
//! and names quoted only where they must be. Pure. Must not import the file system.

use super::python::Value;
use aurora_migrate_core::Database;

/// `sa.Column(name, type, nullable=..., server_default=..., primary_key=..., unique=...)`.
pub(super) fn column(value: &Value, database: Database) -> Result<String, String> {
    let Value::Call { func, args, kwargs } = value else {
        return Err("a column that is not `sa.Column(...)`".to_string());
    };
    if !func.ends_with("Column") {
        return Err(format!("a column written as `{func}`"));
    }
    let name = args
        .first()
        .and_then(Value::as_str)
        .ok_or("a column without a name")?;
    let mut sql = format!(
        "{} {}",
        ident(database, name),
        sql_type(args.get(1).ok_or("a column without a type")?, database)?
    );
    let flag = |key: &str| Value::kwarg(kwargs, key).map(|v| *v == Value::Name("True".into()));
    let primary = flag("primary_key") == Some(true);
    if primary {
        sql.push_str(" PRIMARY KEY");
    } else if flag("nullable") == Some(false) {
        sql.push_str(" NOT NULL");
    }
    if let Some(value) = Value::kwarg(kwargs, "server_default") {
        sql.push_str(&format!(" DEFAULT {}", default(value)?));
    }
    if flag("unique") == Some(true) {
        sql.push_str(" UNIQUE");
    }
    for (key, _) in kwargs {
        if ![
            "nullable",
            "server_default",
            "primary_key",
            "unique",
            "comment",
            "autoincrement",
            "index",
        ]
        .contains(&key.as_str())
        {
            return Err(format!("a column with `{key}=`"));
        }
    }
    if args.len() > 2 {
        return Err(format!(
            "column `{name}` with a foreign key or more: write it by hand"
        ));
    }
    Ok(sql)
}

/// The PostgreSQL types that `op.create_table` makes for its named `Enum` columns first, as
/// SQLAlchemy does (unless `create_type=False`).
pub(super) fn enum_types(items: &[Value], database: Database) -> Vec<String> {
    if database != Database::Postgres {
        return Vec::new();
    }
    items
        .iter()
        .filter_map(|item| match item {
            Value::Call { func, args, .. } if func.ends_with("Column") => args.get(1),
            _ => None,
        })
        .filter_map(|kind| match kind {
            Value::Call { func, args, kwargs }
                if func.ends_with("Enum") || func.ends_with("ENUM") =>
            {
                let created =
                    Value::kwarg(kwargs, "create_type") != Some(&Value::Name("False".into()));
                let name = Value::kwarg(kwargs, "name")
                    .and_then(Value::as_str)
                    .filter(|_| created)?;
                let labels: Vec<String> = args
                    .iter()
                    .filter_map(Value::as_str)
                    .map(crate::sql::literal)
                    .collect();
                Some(format!(
                    "CREATE TYPE {} AS ENUM ({})",
                    ident(database, name),
                    labels.join(", ")
                ))
            }
            _ => None,
        })
        .collect()
}

/// A `server_default`: a string is a literal, `sa.text(...)` is SQL.
pub(super) fn default(value: &Value) -> Result<String, String> {
    match value {
        Value::Str(text) => Ok(crate::sql::literal(text)),
        Value::Call { func, args, .. } if func.ends_with("text") => Ok(args
            .first()
            .and_then(Value::as_str)
            .ok_or("`sa.text` of a non-literal")?
            .to_string()),
        Value::Call { func, .. } if func.ends_with("func.now") => {
            Ok("CURRENT_TIMESTAMP".to_string())
        }
        other => Err(format!("a server default written as {other:?}")),
    }
}

/// A table-level constraint inside `op.create_table`.
pub(super) fn table_constraint(value: &Value, database: Database) -> Result<String, String> {
    let Value::Call { func, args, kwargs } = value else {
        return Err("a table argument that is not a call".to_string());
    };
    let named = |sql: String| match Value::kwarg(kwargs, "name").and_then(Value::as_str) {
        Some(name) => format!("CONSTRAINT {} {sql}", ident(database, name)),
        None => sql,
    };
    let columns = |values: &[Value]| -> Result<Vec<String>, String> {
        values
            .iter()
            .map(|v| {
                v.as_str()
                    .map(|n| ident(database, n))
                    .ok_or("a column that is not a string".to_string())
            })
            .collect()
    };
    match func.rsplit('.').next() {
        Some("PrimaryKeyConstraint") => Ok(named(format!(
            "PRIMARY KEY ({})",
            columns(args)?.join(", ")
        ))),
        Some("UniqueConstraint") => Ok(named(format!("UNIQUE ({})", columns(args)?.join(", ")))),
        Some("CheckConstraint") => Ok(named(format!(
            "CHECK ({})",
            args.first()
                .and_then(Value::as_str)
                .ok_or("a check that is not SQL text")?
        ))),
        Some("ForeignKeyConstraint") => {
            let local = names(
                args.first().ok_or("a foreign key without columns")?,
                database,
            )?;
            let remote = match args.get(1) {
                Some(Value::Seq(items)) => items
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .ok_or("a referenced column that is not `table.column`")
                    })
                    .collect::<Result<Vec<_>, _>>()?,
                _ => return Err("a foreign key without referenced columns".to_string()),
            };
            let table = remote
                .first()
                .and_then(|r| r.split_once('.'))
                .map(|(t, _)| t)
                .ok_or("a referenced column that is not `table.column`")?;
            let remote: Vec<String> = remote
                .iter()
                .map(|r| ident(database, r.rsplit('.').next().unwrap_or(r)))
                .collect();
            let mut sql = format!(
                "FOREIGN KEY ({}) REFERENCES {} ({})",
                local.join(", "),
                ident(database, table),
                remote.join(", ")
            );
            for (key, clause) in [("ondelete", "ON DELETE"), ("onupdate", "ON UPDATE")] {
                if let Some(action) = Value::kwarg(kwargs, key).and_then(Value::as_str) {
                    sql.push_str(&format!(" {clause} {}", action.to_uppercase()));
                }
            }
            Ok(named(sql))
        }
        _ => Err(format!("a table argument `{func}`")),
    }
}

/// A list of column names, quoted.
pub(super) fn names(value: &Value, database: Database) -> Result<Vec<String>, String> {
    match value {
        Value::Seq(items) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(|n| ident(database, n))
                    .ok_or_else(|| "a column name that is not a string".to_string())
            })
            .collect(),
        Value::Str(one) => Ok(vec![ident(database, one)]),
        _ => Err("columns that are not a list of names".to_string()),
    }
}

/// A SQLAlchemy type as the database's own.
pub(super) fn sql_type(value: &Value, database: Database) -> Result<String, String> {
    let (func, args, kwargs) = match value {
        Value::Name(name) => (name.as_str(), &[][..], &[][..]),
        Value::Call { func, args, kwargs } => (func.as_str(), args.as_slice(), kwargs.as_slice()),
        _ => return Err(format!("a column type written as {value:?}")),
    };
    let number = |i: usize, key: &str| match args.get(i).or_else(|| Value::kwarg(kwargs, key)) {
        Some(Value::Num(n)) => Some(n.clone()),
        _ => None,
    };
    let timezone = Value::kwarg(kwargs, "timezone") == Some(&Value::Name("True".into()));
    let base = func.rsplit('.').next().unwrap_or(func);
    Ok(match (base, database) {
        ("Integer" | "INTEGER", _) => "INTEGER".into(),
        ("BigInteger" | "BIGINT", _) => "BIGINT".into(),
        ("SmallInteger" | "SMALLINT", _) => "SMALLINT".into(),
        ("String" | "VARCHAR" | "Unicode", _) => match number(0, "length") {
            Some(n) => format!("VARCHAR({n})"),
            None if database == Database::Mysql => {
                return Err("a `String` without a length on MySQL".into());
            }
            None => "VARCHAR".into(),
        },
        ("Text" | "TEXT" | "UnicodeText", _) => "TEXT".into(),
        ("Boolean" | "BOOLEAN", _) => "BOOLEAN".into(),
        ("Float" | "FLOAT", Database::Postgres) => "DOUBLE PRECISION".into(),
        ("Float" | "FLOAT", _) => "DOUBLE".into(),
        ("Numeric" | "NUMERIC" | "DECIMAL", _) => {
            match (number(0, "precision"), number(1, "scale")) {
                (Some(p), Some(s)) => format!("NUMERIC({p}, {s})"),
                (Some(p), None) => format!("NUMERIC({p})"),
                _ => "NUMERIC".into(),
            }
        }
        ("Date" | "DATE", _) => "DATE".into(),
        ("DateTime" | "TIMESTAMP", Database::Postgres) if timezone => "TIMESTAMPTZ".into(),
        ("DateTime" | "TIMESTAMP", Database::Mysql) if base == "DateTime" => "DATETIME".into(),
        ("DateTime" | "TIMESTAMP", _) => "TIMESTAMP".into(),
        ("JSON", Database::Sqlite) => "TEXT".into(),
        ("JSON", _) => "JSON".into(),
        ("JSONB", Database::Postgres) => "JSONB".into(),
        ("UUID" | "Uuid", Database::Postgres) => "UUID".into(),
        ("UUID" | "Uuid", _) => "CHAR(36)".into(),
        ("Enum" | "ENUM", _) => {
            let labels: Vec<&str> = args.iter().filter_map(Value::as_str).collect();
            let quoted: Vec<String> = labels.iter().map(|l| crate::sql::literal(l)).collect();
            match database {
                Database::Postgres => Value::kwarg(kwargs, "name")
                    .and_then(Value::as_str)
                    .map(|n| ident(database, n))
                    .ok_or("an `Enum` without `name=` on PostgreSQL")?,
                Database::Mysql => format!("ENUM({})", quoted.join(", ")),
                Database::Sqlite => format!(
                    "VARCHAR({})",
                    labels.iter().map(|l| l.len()).max().unwrap_or(1)
                ),
            }
        }
        _ => return Err(format!("the column type `{func}`")),
    })
}

/// A name as a person writes it: bare when it is a plain lowercase word, else quoted in the
/// database's own way.
pub(super) fn ident(database: Database, name: &str) -> String {
    const RESERVED: &[&str] = &[
        "all",
        "and",
        "as",
        "by",
        "check",
        "column",
        "constraint",
        "default",
        "desc",
        "from",
        "group",
        "index",
        "key",
        "limit",
        "not",
        "null",
        "order",
        "primary",
        "references",
        "select",
        "table",
        "to",
        "unique",
        "user",
        "where",
        "with",
    ];
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !RESERVED.contains(&name);
    match (plain, database) {
        (true, _) => name.to_string(),
        (false, Database::Mysql) => format!("`{}`", name.replace('`', "``")),
        (false, _) => crate::sql::quote(name),
    }
}
