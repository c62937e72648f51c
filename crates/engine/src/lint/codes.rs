//! The rules themselves: each code with its name, severity, the databases it judges and its
//! summary, as `lint --list` prints them. Pure: must not import the drivers or the runner.

use super::{Rule, Severity, Sizing};
use aurora_migrate_core::Database;

const ALL: &[Database] = &[Database::Postgres, Database::Sqlite, Database::Mysql];
const PG: &[Database] = &[Database::Postgres];
const PG_MY: &[Database] = &[Database::Postgres, Database::Mysql];
const MY: &[Database] = &[Database::Mysql];
const LITE: &[Database] = &[Database::Sqlite];

macro_rules! rule {
    ($code:literal, $name:literal, $severity:ident, $databases:expr, $summary:literal) => {
        rule!($code, $name, $severity, $databases, $summary, Lock)
    };
    ($code:literal, $name:literal, $severity:ident, $databases:expr, $summary:literal, $sizing:ident) => {
        Rule {
            code: $code,
            name: $name,
            severity: Severity::$severity,
            databases: $databases,
            summary: $summary,
            sizing: Sizing::$sizing,
        }
    };
}

pub(super) static RULES: [Rule; 31] = [
    rule!(
        "L001",
        "index-without-concurrently",
        Warning,
        PG,
        "CREATE INDEX on an existing table without CONCURRENTLY"
    ),
    rule!(
        "L002",
        "drop-index-without-concurrently",
        Warning,
        PG,
        "DROP INDEX without CONCURRENTLY"
    ),
    rule!(
        "L003",
        "concurrently-in-transaction",
        Error,
        PG,
        "CONCURRENTLY (index builds, drops, REINDEX) or VACUUM in a migration that runs in a transaction",
        Code
    ),
    rule!(
        "L004",
        "not-null-without-default",
        Error,
        ALL,
        "a NOT NULL column added to an existing table without a default",
        Data
    ),
    rule!(
        "L005",
        "volatile-default",
        Warning,
        PG,
        "a column added with a volatile default, which rewrites the table"
    ),
    rule!(
        "L006",
        "column-type-change",
        Warning,
        PG_MY,
        "a column's type changed, which rewrites or copies the table"
    ),
    rule!(
        "L007",
        "set-not-null",
        Warning,
        PG,
        "SET NOT NULL on an existing column, which scans the table under an exclusive lock"
    ),
    rule!(
        "L008",
        "constraint-without-not-valid",
        Warning,
        PG_MY,
        "a foreign key or CHECK added to an existing table and validated at once"
    ),
    rule!(
        "L009",
        "unique-without-index",
        Warning,
        PG,
        "a UNIQUE constraint added without a unique index built first"
    ),
    rule!(
        "L010",
        "drop-table",
        Warning,
        ALL,
        "DROP TABLE: its data is lost and the running code may still use it",
        Data
    ),
    rule!(
        "L011",
        "drop-column",
        Warning,
        ALL,
        "DROP COLUMN: its data is lost and the running code may still use it",
        Data
    ),
    rule!(
        "L012",
        "drop-constraint",
        Warning,
        ALL,
        "a constraint dropped: the running code may rely on it",
        Code
    ),
    rule!(
        "L013",
        "rename",
        Warning,
        ALL,
        "a table or column renamed: the running code still uses the old name",
        Code
    ),
    rule!(
        "L014",
        "enum-value-used-in-its-transaction",
        Error,
        PG,
        "ALTER TYPE ... ADD VALUE, and the value used in the same transaction",
        Code
    ),
    rule!(
        "L015",
        "mysql-enum-change-copies-table",
        Warning,
        MY,
        "an ENUM column changed other than by appending values, which copies the table"
    ),
    rule!(
        "L016",
        "sqlite-table-rebuild",
        Info,
        LITE,
        "a table rebuilt (create, copy, drop, rename), which rewrites every row under the write lock"
    ),
    rule!(
        "L017",
        "data-change-without-where",
        Warning,
        ALL,
        "UPDATE or DELETE without WHERE in a schema migration",
        Data
    ),
    rule!(
        "L018",
        "downgrade-leaves-object",
        Warning,
        ALL,
        "the downgrade leaves a table, type or index its upgrade created",
        Code
    ),
    rule!(
        "L019",
        "expand-breaks-previous-code",
        Error,
        ALL,
        "`Compatibility: expand`, but the upgrade drops, renames or tightens something",
        Code
    ),
    rule!(
        "L020",
        "unreadable-statement",
        Warning,
        ALL,
        "a statement the SQL parser cannot read, so no rule judged it",
        Code
    ),
    rule!(
        "L021",
        "suppression-without-reason",
        Warning,
        ALL,
        "a `lint: allow` without a reason, or naming no rule",
        Code
    ),
    rule!(
        "L022",
        "truncate",
        Warning,
        PG_MY,
        "TRUNCATE: every row is gone, under an ACCESS EXCLUSIVE lock (MySQL: the table is recreated)",
        Data
    ),
    rule!(
        "L023",
        "vacuum-full",
        Warning,
        PG,
        "VACUUM FULL: rewrites the table under an ACCESS EXCLUSIVE lock"
    ),
    rule!(
        "L024",
        "cluster",
        Warning,
        PG,
        "CLUSTER: rewrites the table under an ACCESS EXCLUSIVE lock"
    ),
    rule!(
        "L025",
        "reindex-without-concurrently",
        Warning,
        PG,
        "REINDEX without CONCURRENTLY: writes to the table wait, and reads that use the index"
    ),
    rule!(
        "L026",
        "lock-table",
        Warning,
        PG_MY,
        "LOCK TABLE: a lock held until the migration ends, whatever its statements need"
    ),
    rule!(
        "L027",
        "refresh-without-concurrently",
        Warning,
        PG,
        "REFRESH MATERIALIZED VIEW without CONCURRENTLY: reads of the view wait for the refresh"
    ),
    rule!(
        "L028",
        "add-primary-key",
        Warning,
        PG_MY,
        "ADD PRIMARY KEY builds its index under a lock that blocks writes (MySQL: rebuilds the table)"
    ),
    rule!(
        "L029",
        "add-column-fills-every-row",
        Warning,
        ALL,
        "a serial, identity, AUTO_INCREMENT or stored generated column added: every row is rewritten (SQLite refuses a stored one)"
    ),
    rule!(
        "L030",
        "drop-cascade",
        Warning,
        PG_MY,
        "DROP ... CASCADE, DROP SCHEMA or DROP DATABASE: destroys objects the statement does not name",
        Code
    ),
    rule!(
        "L031",
        "opaque-call",
        Warning,
        ALL,
        "CALL, EXECUTE or a function called for its effects: what it does cannot be judged",
        Code
    ),
];

pub(super) fn by_code(code: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.code == code)
        .expect("every code used here is in RULES")
}
