//! One action of an `ALTER TABLE` as the rules see it, and what an added column is: NOT
//! NULL, its default, and whether the database fills every existing row for it. Pure: must
//! not import the drivers or the runner.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, DataType, Expr,
    GeneratedAs, GeneratedExpressionMode, RenameTableNameKind, TableConstraint,
};

use super::{Op, Rewrite, bare, ident};

/// The operation of one action of an `ALTER TABLE` on `table`.
pub(super) fn operation(table: &str, operation: &AlterTableOperation) -> Op {
    let table = table.to_string();
    match operation {
        AlterTableOperation::AddColumn { column_def, .. } => add_column(table, column_def),
        AlterTableOperation::DropColumn { column_names, .. } => Op::DropColumn {
            table,
            columns: column_names.iter().map(ident).collect(),
        },
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => Op::RenameColumn {
            table,
            from: ident(old_column_name),
            to: ident(new_column_name),
        },
        AlterTableOperation::RenameTable { table_name } => Op::RenameTable {
            from: table,
            to: match table_name {
                RenameTableNameKind::As(name) | RenameTableNameKind::To(name) => bare(name),
            },
        },
        AlterTableOperation::AlterColumn { column_name, op } => match op {
            AlterColumnOperation::SetNotNull => Op::SetNotNull {
                table,
                column: ident(column_name),
            },
            AlterColumnOperation::SetDataType { .. } => Op::ChangeType {
                table,
                column: ident(column_name),
                enum_values: None,
            },
            _ => Op::Other,
        },
        AlterTableOperation::ModifyColumn {
            col_name,
            data_type,
            ..
        } => Op::ChangeType {
            table,
            column: ident(col_name),
            enum_values: enum_values(data_type),
        },
        AlterTableOperation::ChangeColumn {
            old_name,
            new_name,
            data_type,
            ..
        } if old_name.value.eq_ignore_ascii_case(&new_name.value) => Op::ChangeType {
            table,
            column: ident(old_name),
            enum_values: enum_values(data_type),
        },
        AlterTableOperation::ChangeColumn {
            old_name, new_name, ..
        } => Op::RenameColumn {
            table,
            from: ident(old_name),
            to: ident(new_name),
        },
        AlterTableOperation::AddConstraint {
            constraint,
            not_valid,
        } => match constraint {
            TableConstraint::ForeignKey(_) => Op::AddForeignKey {
                table,
                not_valid: *not_valid,
            },
            TableConstraint::Check(_) => Op::AddCheck {
                table,
                not_valid: *not_valid,
            },
            TableConstraint::Unique(_) => Op::AddUnique {
                table,
                using_index: false,
            },
            TableConstraint::UniqueUsingIndex(_) => Op::AddUnique {
                table,
                using_index: true,
            },
            TableConstraint::PrimaryKey(_) => Op::AddPrimaryKey {
                table,
                using_index: false,
            },
            TableConstraint::PrimaryKeyUsingIndex(_) => Op::AddPrimaryKey {
                table,
                using_index: true,
            },
            _ => Op::Other,
        },
        AlterTableOperation::DropConstraint { name, .. }
        | AlterTableOperation::DropForeignKey { name, .. } => Op::DropConstraint {
            table,
            name: ident(name),
        },
        AlterTableOperation::DropIndex { name } => Op::DropIndex {
            names: vec![ident(name)],
            concurrently: false,
        },
        _ => Op::Other,
    }
}

fn add_column(table: String, column: &ColumnDef) -> Op {
    let mut not_null = false;
    let mut default = None;
    let mut rewrite = serial(&column.data_type).then_some(Rewrite::Serial);
    for option in &column.options {
        match &option.option {
            ColumnOption::NotNull => not_null = true,
            ColumnOption::Default(expr) => default = Some(expression(expr)),
            ColumnOption::PrimaryKey(_) => not_null = true,
            ColumnOption::Generated {
                generated_as,
                generation_expr,
                generation_expr_mode,
                ..
            } => {
                let stored = *generated_as == GeneratedAs::ExpStored
                    || *generation_expr_mode == Some(GeneratedExpressionMode::Stored);
                if generation_expr.is_none() {
                    rewrite = Some(Rewrite::Identity);
                } else if stored {
                    rewrite = Some(Rewrite::StoredGenerated);
                }
            }
            ColumnOption::DialectSpecific(tokens)
                if tokens
                    .iter()
                    .any(|t| t.to_string().eq_ignore_ascii_case("AUTO_INCREMENT")) =>
            {
                rewrite = Some(Rewrite::AutoIncrement);
            }
            _ => {}
        }
    }
    if let Some(values) = enum_values(&column.data_type) {
        // MySQL's ENUM NOT NULL takes its first value as the implicit default.
        if default.is_none() && not_null {
            default = values.first().map(|v| format!("'{v}'"));
        }
    }
    // A column the database fills itself needs no default to be NOT NULL.
    if rewrite.is_some() && rewrite != Some(Rewrite::StoredGenerated) {
        not_null = false;
    }
    Op::AddColumn {
        table,
        column: ident(&column.name),
        not_null,
        default,
        rewrite,
    }
}

/// PostgreSQL's `serial` types: an integer with a sequence's `nextval` as its default.
fn serial(data_type: &DataType) -> bool {
    match data_type {
        DataType::Custom(name, _) => matches!(
            bare(name).as_str(),
            "serial" | "bigserial" | "smallserial" | "serial2" | "serial4" | "serial8"
        ),
        _ => false,
    }
}

fn expression(expr: &Expr) -> String {
    expr.to_string()
}

fn enum_values(data_type: &DataType) -> Option<Vec<String>> {
    match data_type {
        DataType::Enum(members, _) => Some(
            members
                .iter()
                .map(|m| match m {
                    sqlparser::ast::EnumMember::Name(name) => name.clone(),
                    sqlparser::ast::EnumMember::NamedValue(name, _) => name.clone(),
                })
                .collect(),
        ),
        _ => None,
    }
}
