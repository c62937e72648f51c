//! What a comparison with the models passes over: the objects the database keeps in its own
//! words (views, triggers, functions, expression indexes, a table's own text, a generated
//! column's clause, a partition key...), which models have no way to declare. Counted by kind,
//! so that a caller can say so once. `dump --check` compares them, as text.
//! Must not import a driver.

use std::collections::BTreeMap;

use crate::schema::model::Schema;

/// Each kind of object `schema` holds that a comparison with models passes over, with how
/// many, in kind order: `2 view(s)`, `1 generated column clause(s)`. Empty when there is none.
pub fn not_compared(schema: &Schema) -> Vec<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut count = |kind: &str, n: usize| {
        if n > 0 {
            *counts.entry(kind.to_string()).or_default() += n;
        }
    };
    for definition in &schema.definitions {
        count(&definition.kind.to_lowercase(), 1);
    }
    let tables = &schema.tables;
    count(
        "table text beyond the model",
        tables.iter().filter(|t| t.sql.is_some()).count(),
    );
    count(
        "partition key",
        tables.iter().filter(|t| t.partition_by.is_some()).count(),
    );
    count(
        "generated column clause",
        tables
            .iter()
            .flat_map(|t| &t.columns)
            .filter(|c| c.generated.is_some())
            .count(),
    );
    counts
        .into_iter()
        .map(|(kind, n)| format!("{n} {kind}(s)"))
        .collect()
}

#[cfg(test)]
mod tests;
