//! A table as a script describes it with `sa.table("t", sa.column("a", ...))`: read once, below
//! both the names a function binds and the data statements that use it. Pure. Must not import
//! the file system.

use crate::authoring::alembic::context::computed;
use crate::authoring::alembic::names::Scope;
use crate::authoring::alembic::python::Value;
use crate::authoring::alembic::report::Todo;

/// A table as the script describes it: its name and its columns with their types as written.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Table {
    pub(super) name: String,
    pub(super) columns: Vec<(String, Option<Value>)>,
}

impl Table {
    /// `sa.table("t", sa.column("a"), sa.column("b", sa.String()))` with literal names.
    pub(super) fn read(value: &Value, scope: &Scope) -> Option<Table> {
        let sa = |func: &str| scope.sqlalchemy(func).map(|(_, name)| name);
        let Value::Call { func, args, kwargs } = value else {
            return None;
        };
        if sa(func).as_deref() != Some("table") || !kwargs.is_empty() {
            return None;
        }
        let (Value::Str(name), columns) = args.split_first()? else {
            return None;
        };
        let columns = columns
            .iter()
            .map(|column| match column {
                Value::Call { func, args, kwargs }
                    if sa(func).as_deref() == Some("column") && kwargs.is_empty() =>
                {
                    match args.as_slice() {
                        [Value::Str(name)] => Some((name.clone(), None)),
                        [Value::Str(name), kind] => Some((name.clone(), Some(kind.clone()))),
                        _ => None,
                    }
                }
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Table {
            name: name.clone(),
            columns,
        })
    }

    pub(super) fn column(&self, name: &str) -> Result<&(String, Option<Value>), Todo> {
        self.columns
            .iter()
            .find(|(n, _)| n == name)
            .ok_or_else(|| computed(format!("a value for `{name}`, not a column of the table")))
    }
}
