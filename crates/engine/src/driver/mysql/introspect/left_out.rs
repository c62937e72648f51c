//! What a MySQL or MariaDB database holds that the model does not hold, read from
//! information_schema in one query: each row a kind, its table if it has one, its name, and
//! what becomes of it. Must not import the runner or autogenerate.

use sqlx::mysql::MySqlConnection;
use sqlx::{AssertSqlSafe, Row};

use super::exact::Found;

/// An index the model cannot hold as columns: FULLTEXT, SPATIAL, over a prefix, descending,
/// or with a comment (on `information_schema.STATISTICS`).
macro_rules! odd_index {
    () => {
        "(INDEX_TYPE IN ('FULLTEXT', 'SPATIAL') OR SUB_PART IS NOT NULL OR COLLATION = 'D' \
          OR INDEX_COMMENT <> '')"
    };
}
pub(super) use odd_index;

/// MariaDB's JSON column: LONGTEXT with a binary collation and a `json_valid` check named
/// after it (`c` its information_schema.COLUMNS row). MySQL's CHECK_CONSTRAINTS has no table
/// name, hence the join.
macro_rules! json_check {
    () => {
        "EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS tc \
                 JOIN information_schema.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA \
                      AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME \
                 WHERE tc.TABLE_SCHEMA = c.TABLE_SCHEMA AND tc.TABLE_NAME = c.TABLE_NAME \
                   AND tc.CONSTRAINT_TYPE = 'CHECK' AND tc.CONSTRAINT_NAME = c.COLUMN_NAME \
                   AND cc.CHECK_CLAUSE LIKE 'json_valid(%')"
    };
}

const LEFT_OUT: &str = concat!(
    "\
SELECT 'view', NULL, CAST(TABLE_NAME AS CHAR), 'views are not carried' \
  FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'VIEW' \
UNION ALL SELECT 'sequence', NULL, CAST(TABLE_NAME AS CHAR), 'sequences are not carried' \
  FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'SEQUENCE' \
UNION ALL SELECT 'table options', NULL, CAST(t.TABLE_NAME AS CHAR), CAST(CONCAT_WS(', ', \
       IF(t.ENGINE <> @@default_storage_engine, CONCAT('ENGINE=', t.ENGINE), NULL), \
       IF(t.TABLE_COLLATION <> s.DEFAULT_COLLATION_NAME, CONCAT('COLLATE=', t.TABLE_COLLATION), NULL), \
       NULLIF(t.CREATE_OPTIONS, ''), \
       IF(t.TABLE_COMMENT <> '', 'a table comment', NULL), ' not carried') AS CHAR) \
  FROM information_schema.TABLES t JOIN information_schema.SCHEMATA s ON s.SCHEMA_NAME = t.TABLE_SCHEMA \
 WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE' \
   AND (t.ENGINE <> @@default_storage_engine OR t.TABLE_COLLATION <> s.DEFAULT_COLLATION_NAME \
        OR t.CREATE_OPTIONS <> '' OR t.TABLE_COMMENT <> '') \
UNION ALL SELECT 'generated column', CAST(c.TABLE_NAME AS CHAR), CAST(c.COLUMN_NAME AS CHAR), 'written as a plain column' \
  FROM information_schema.COLUMNS c JOIN information_schema.TABLES t \
       ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE' \
 WHERE c.TABLE_SCHEMA = DATABASE() AND (c.EXTRA LIKE '%VIRTUAL GENERATED%' OR c.EXTRA LIKE '%STORED GENERATED%') \
UNION ALL SELECT 'invisible column', CAST(c.TABLE_NAME AS CHAR), CAST(c.COLUMN_NAME AS CHAR), 'written as a visible column' \
  FROM information_schema.COLUMNS c WHERE c.TABLE_SCHEMA = DATABASE() AND c.EXTRA LIKE '%INVISIBLE%' \
UNION ALL SELECT 'column option', CAST(c.TABLE_NAME AS CHAR), CAST(c.COLUMN_NAME AS CHAR), \
       CAST(CONCAT(UPPER(c.EXTRA), ' is not carried') AS CHAR) \
  FROM information_schema.COLUMNS c WHERE c.TABLE_SCHEMA = DATABASE() AND c.EXTRA LIKE '%on update%' \
UNION ALL SELECT 'column type', CAST(c.TABLE_NAME AS CHAR), CAST(c.COLUMN_NAME AS CHAR), \
       CAST(CONCAT(c.COLUMN_TYPE, ' is written as a wider or plainer type') AS CHAR) \
  FROM information_schema.COLUMNS c JOIN information_schema.TABLES t \
       ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE' \
 WHERE c.TABLE_SCHEMA = DATABASE() AND c.EXTRA NOT LIKE '%VIRTUAL GENERATED%' AND c.EXTRA NOT LIKE '%STORED GENERATED%' \
   AND (c.COLUMN_TYPE LIKE '%unsigned%' OR c.COLUMN_TYPE LIKE '%zerofill%' \
        OR c.DATA_TYPE IN ('tinytext', 'mediumtext', 'longtext', 'mediumint', 'varbinary', 'binary', \
                           'tinyblob', 'mediumblob', 'longblob', 'float') \
        OR (c.DATA_TYPE IN ('datetime', 'timestamp', 'time') AND c.DATETIME_PRECISION > 0)) \
   AND NOT ",
    json_check!(),
    " \
UNION ALL SELECT 'column collation', CAST(c.TABLE_NAME AS CHAR), CAST(c.COLUMN_NAME AS CHAR), \
       CAST(CONCAT('COLLATE ', c.COLLATION_NAME, ' is not carried') AS CHAR) \
  FROM information_schema.COLUMNS c JOIN information_schema.TABLES t \
       ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE' \
 WHERE c.TABLE_SCHEMA = DATABASE() AND c.COLLATION_NAME <> t.TABLE_COLLATION \
   AND NOT ",
    json_check!(),
    " \
UNION ALL SELECT DISTINCT 'index', CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), \
       CAST(CONCAT('dropped: ', CASE WHEN INDEX_TYPE IN ('FULLTEXT', 'SPATIAL') THEN INDEX_TYPE \
                                    WHEN SUB_PART IS NOT NULL THEN 'a prefix' WHEN COLLATION = 'D' THEN 'DESC' \
                                    ELSE 'a comment' END, ' not carried') AS CHAR) \
  FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND ",
    odd_index!(),
    " \
UNION ALL SELECT 'trigger', CAST(EVENT_OBJECT_TABLE AS CHAR), CAST(TRIGGER_NAME AS CHAR), 'triggers are not carried' \
  FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() \
UNION ALL SELECT LOWER(ROUTINE_TYPE), NULL, CAST(ROUTINE_NAME AS CHAR), 'procedures and functions are not carried' \
  FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() \
UNION ALL SELECT 'event', NULL, CAST(EVENT_NAME AS CHAR), 'events are not carried' \
  FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() \
UNION ALL SELECT DISTINCT 'grants', NULL, CAST(GRANTEE AS CHAR), 'privileges on the database are not carried' \
  FROM information_schema.SCHEMA_PRIVILEGES WHERE TABLE_SCHEMA = DATABASE() \
UNION ALL SELECT DISTINCT 'grants', CAST(TABLE_NAME AS CHAR), CAST(GRANTEE AS CHAR), 'privileges on tables are not carried' \
  FROM information_schema.TABLE_PRIVILEGES WHERE TABLE_SCHEMA = DATABASE()"
);

/// Which column of information_schema.STATISTICS says an index is hidden from the optimizer,
/// where the server has one: MariaDB's `IGNORED` (10.6), MySQL's `IS_VISIBLE` (8.0).
const HIDDEN_FLAG: &str = "\
SELECT CAST(COLUMN_NAME AS CHAR) FROM information_schema.COLUMNS \
 WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = 'STATISTICS' \
   AND COLUMN_NAME IN ('IGNORED', 'IS_VISIBLE') LIMIT 1";

/// The objects of the current database the model does not hold, except those of `ignored`
/// tables, and how many queries that took.
pub(super) async fn read(
    connection: &mut MySqlConnection,
    ignored: &crate::bookkeeping::Ours,
) -> Result<(Vec<Found>, usize), sqlx::Error> {
    let mut rows = sqlx::query(AssertSqlSafe(LEFT_OUT))
        .fetch_all(&mut *connection)
        .await?;
    let flag: Option<String> = sqlx::query_scalar(HIDDEN_FLAG)
        .fetch_optional(&mut *connection)
        .await?;
    let hidden = match flag.as_deref() {
        Some("IGNORED") => Some("IGNORED = 'YES'"),
        Some("IS_VISIBLE") => Some("IS_VISIBLE = 'NO'"),
        _ => None,
    };
    let mut queries = 2;
    if let Some(hidden) = hidden {
        let sql = format!(
            "SELECT DISTINCT 'index', CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), \
                    'an ignored or invisible index is not carried' \
               FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND {hidden}"
        );
        rows.extend(
            sqlx::query(AssertSqlSafe(sql))
                .fetch_all(connection)
                .await?,
        );
        queries += 1;
    }
    let found = rows
        .iter()
        .filter_map(|row| {
            let (kind, table, name, why): (String, Option<String>, String, String) =
                (row.get(0), row.get(1), row.get(2), row.get(3));
            let ours = ignored.contains(table.as_deref().unwrap_or(&name));
            (!ours).then_some(Found {
                kind,
                table,
                name,
                why,
            })
        })
        .collect();
    Ok((found, queries))
}
