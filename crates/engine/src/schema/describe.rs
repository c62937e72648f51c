//! Alembic's wording for each detected change, as `create --autogenerate` and `check` print it.
//! Pure: must not import a driver.

use super::diff::Change;
use super::model::Column;

impl Change {
    /// Alembic's wording: `Detected added column 'chains.rpc_endpoint'`.
    pub fn describe(&self) -> Vec<String> {
        use Change::*;
        let one = |text: String| vec![format!("Detected {text}")];
        match self {
            CreateEnum(e) => one(format!("added enum '{}' ({})", e.name, e.values.join(", "))),
            DropEnum(e) => one(format!("removed enum '{}'", e.name)),
            AlterEnum { from, to, .. } => {
                let mut lines: Vec<String> = to
                    .values
                    .iter()
                    .filter(|v| !from.values.contains(v))
                    .map(|v| format!("Detected added value '{v}' to enum '{}'", to.name))
                    .collect();
                lines.extend(
                    from.values
                        .iter()
                        .filter(|v| !to.values.contains(v))
                        .map(|v| format!("Detected removed value '{v}' from enum '{}'", to.name)),
                );
                if lines.is_empty() {
                    lines.push(format!("Detected reordered values of enum '{}'", to.name));
                }
                lines
            }
            CreateTable(table) => one(format!("added table '{}'", table.name)),
            DropTable(table) => one(format!("removed table '{}'", table.name)),
            AddColumn { table, column } => one(format!("added column '{table}.{}'", column.name)),
            DropColumn { table, column } => {
                one(format!("removed column '{table}.{}'", column.name))
            }
            AlterColumn { table, from, to } => column_changes(table, from, to),
            AddIndex { table, index } => one(format!(
                "added index '{}' on '{table}' ({})",
                index.name,
                index.columns.join(", ")
            )),
            DropIndex { table, index } => {
                one(format!("removed index '{}' on '{table}'", index.name))
            }
            AddUnique { table, unique } => one(format!(
                "added unique constraint '{}' on '{table}' ({})",
                unique.name,
                unique.columns.join(", ")
            )),
            DropUnique { table, unique } => one(format!(
                "removed unique constraint '{}' on '{table}'",
                unique.name
            )),
            AddForeignKey { table, key } => one(format!(
                "added foreign key '{}' ({}) -> {}({}) on '{table}'",
                key.name,
                key.columns.join(", "),
                key.ref_table,
                key.ref_columns.join(", ")
            )),
            DropForeignKey { table, key } => {
                one(format!("removed foreign key '{}' on '{table}'", key.name))
            }
            AddCheck { table, check } => one(format!(
                "added check constraint '{}' on '{table}'",
                check.name
            )),
            DropCheck { table, check } => one(format!(
                "removed check constraint '{}' on '{table}'",
                check.name
            )),
        }
    }
}

fn column_changes(table: &str, from: &Column, to: &Column) -> Vec<String> {
    let at = format!("'{table}.{}'", to.name);
    let mut lines = Vec::new();
    if from.ty != to.ty {
        lines.push(format!(
            "Detected type change from {} to {} on {at}",
            from.ty, to.ty
        ));
    }
    if from.nullable != to.nullable {
        lines.push(format!(
            "Detected {} on column {at}",
            if to.nullable { "NULL" } else { "NOT NULL" }
        ));
    }
    if from.default != to.default {
        let shown = |d: &Option<super::model::ColumnDefault>| {
            d.as_ref().map_or("none".to_string(), |d| d.to_string())
        };
        lines.push(format!(
            "Detected server default change from {} to {} on {at}",
            shown(&from.default),
            shown(&to.default)
        ));
    }
    if from.comment != to.comment {
        lines.push(format!("Detected column comment change on {at}"));
    }
    lines
}
