//! The catalog of a database as lines of text, read from the system catalogs by queries of
//! this file alone (no code shared with `dump` or the engine's introspection), so that two
//! databases are compared line by line: tables, columns (type, nullability, default, identity,
//! collation, comment), constraints and indexes with their names and definitions, enum types,
//! sequences, views, triggers, functions and extensions. The version table and our bookkeeping
//! beside it (`alembic_version*`) are left out.

use std::collections::BTreeSet;

use crate::support::Db;

const POSTGRES: &str = "\
SELECT 'table ' || c.relname || ':' || coalesce(' comment ' || obj_description(c.oid, 'pg_class'), '')
  FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
   AND c.relname NOT LIKE 'alembic_version%'
UNION ALL
SELECT 'column ' || c.relname || '.' || a.attname || ': ' || format_type(a.atttypid, a.atttypmod)
       || CASE WHEN a.attnotnull THEN ' not null' ELSE ' null' END
       || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
       || CASE a.attidentity WHEN 'a' THEN ' identity always' WHEN 'd' THEN ' identity by default' ELSE '' END
       || CASE a.attgenerated WHEN 's' THEN ' generated stored' ELSE '' END
       || CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN ' collate ' || co.collname ELSE '' END
       || coalesce(' comment ' || col_description(c.oid, a.attnum), '')
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  LEFT JOIN pg_collation co ON co.oid = a.attcollation
 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND a.attnum > 0
   AND NOT a.attisdropped AND c.relname NOT LIKE 'alembic_version%'
UNION ALL
SELECT 'constraint ' || c.relname || ' ' || k.conname || ': ' || pg_get_constraintdef(k.oid)
  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
 WHERE k.connamespace = 'public'::regnamespace AND c.relname NOT LIKE 'alembic_version%'
UNION ALL
SELECT 'index ' || t.relname || ' ' || i.relname || ': ' || pg_get_indexdef(i.oid)
       || CASE WHEN x.indisvalid THEN '' ELSE ' (invalid)' END
  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
 WHERE t.relnamespace = 'public'::regnamespace AND t.relname NOT LIKE 'alembic_version%'
UNION ALL
SELECT 'enum ' || t.typname || ': (' || string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) || ')'
  FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
 WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname
UNION ALL
SELECT 'domain ' || t.typname || ': ' || format_type(t.typbasetype, t.typtypmod)
  FROM pg_type t WHERE t.typnamespace = 'public'::regnamespace AND t.typtype = 'd'
UNION ALL
SELECT 'sequence ' || c.relname || ': ' || format_type(s.seqtypid, NULL) || ' start ' || s.seqstart
       || ' increment ' || s.seqincrement || ' min ' || s.seqmin || ' max ' || s.seqmax
       || ' cache ' || s.seqcache || CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END
       || coalesce(' owned by ' || (
            SELECT o.relname || '.' || a.attname FROM pg_depend d
              JOIN pg_class o ON o.oid = d.refobjid
              JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
             WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
               AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1), '')
  FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
 WHERE c.relnamespace = 'public'::regnamespace AND c.relname NOT LIKE 'alembic_version%'
UNION ALL
SELECT 'view ' || c.relname || ': ' || c.relkind::text || ' ' || pg_get_viewdef(c.oid)
  FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm')
UNION ALL
SELECT 'trigger ' || c.relname || ' ' || g.tgname || ': ' || pg_get_triggerdef(g.oid)
  FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
 WHERE c.relnamespace = 'public'::regnamespace AND NOT g.tgisinternal
UNION ALL
SELECT 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || '): '
       || regexp_replace(pg_get_functiondef(p.oid), '\\s+', ' ', 'g')
  FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.prokind IN ('f', 'p')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 'extension ' || extname || ':' FROM pg_extension WHERE extname <> 'plpgsql'";

const SQLITE_TABLES: &str =
    "m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'alembic_version%'";

fn sqlite_queries() -> String {
    format!(
        "SELECT 'table ' || m.name || ':' FROM sqlite_master m WHERE {SQLITE_TABLES}
UNION ALL
SELECT 'column ' || m.name || '.' || p.name || ': ' || upper(p.type)
       || CASE WHEN p.\"notnull\" THEN ' not null' ELSE ' null' END
       || coalesce(' default ' || p.dflt_value, '')
       || CASE WHEN p.pk > 0 THEN ' primary key ' || p.pk ELSE '' END
       || CASE WHEN p.hidden > 0 THEN ' generated ' || p.hidden ELSE '' END
  FROM sqlite_master m, pragma_table_xinfo(m.name) p WHERE {SQLITE_TABLES}
UNION ALL
SELECT 'index ' || m.name || ' ' || l.name || ':' || CASE WHEN l.\"unique\" THEN ' unique' ELSE '' END
       || ' ' || l.origin || CASE WHEN l.partial THEN ' partial' ELSE '' END || ' ('
       || (SELECT group_concat(k, ', ') FROM (
             SELECT coalesce(x.name, '<expression>') || CASE WHEN x.\"desc\" THEN ' desc' ELSE '' END
                    || CASE WHEN x.coll <> 'BINARY' THEN ' collate ' || x.coll ELSE '' END AS k
               FROM pragma_index_xinfo(l.name) x WHERE x.key ORDER BY x.seqno)) || ')'
  FROM sqlite_master m, pragma_index_list(m.name) l WHERE {SQLITE_TABLES}
UNION ALL
SELECT 'foreign key ' || m.name || ' (' || group_concat(f.\"from\", ', ') || '): references '
       || f.\"table\" || ' (' || group_concat(coalesce(f.\"to\", ''), ', ') || ') on update '
       || f.on_update || ' on delete ' || f.on_delete
  FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE {SQLITE_TABLES}
 GROUP BY m.name, f.id"
    )
}

/// SQLite keeps constraint names, CHECK expressions, partial and expression indexes, views and
/// triggers only in the SQL text: `sqlite_master`'s text, normalized.
const SQLITE_TEXTS: &str =
    "SELECT m.type || char(9) || m.name || char(9) || m.tbl_name || char(9) || m.sql
  FROM sqlite_master m
 WHERE m.sql IS NOT NULL AND m.name NOT LIKE 'sqlite_%' AND m.tbl_name NOT LIKE 'alembic_version%'";

const MYSQL: &str = "\
SELECT CAST(CONCAT('table ', TABLE_NAME, ': ', TABLE_TYPE, ' ', COALESCE(ENGINE, ''), ' ',
       COALESCE(TABLE_COLLATION, ''), ' comment ', TABLE_COMMENT) AS CHAR)
  FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'alembic_version%'
UNION ALL
SELECT CAST(CONCAT('column ', TABLE_NAME, '.', COLUMN_NAME, ': ', COLUMN_TYPE,
       IF(IS_NULLABLE = 'YES', ' null', ' not null'), COALESCE(CONCAT(' default ', COLUMN_DEFAULT), ''),
       IF(EXTRA = '', '', CONCAT(' ', EXTRA)), COALESCE(CONCAT(' collate ', COLLATION_NAME), ''),
       IF(GENERATION_EXPRESSION IS NULL OR GENERATION_EXPRESSION = '', '', CONCAT(' as ', GENERATION_EXPRESSION)),
       IF(COLUMN_COMMENT = '', '', CONCAT(' comment ', COLUMN_COMMENT))) AS CHAR)
  FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'alembic_version%'
UNION ALL
SELECT CAST(CONCAT('index ', TABLE_NAME, ' ', INDEX_NAME, ':', IF(NON_UNIQUE = 0, ' unique', ''), ' ', INDEX_TYPE, ' (',
       GROUP_CONCAT(CONCAT(COALESCE(COLUMN_NAME, '<expression>'), COALESCE(CONCAT('(', SUB_PART, ')'), ''),
                           IF(COLLATION = 'D', ' desc', '')) ORDER BY SEQ_IN_INDEX SEPARATOR ', '), ')') AS CHAR)
  FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'alembic_version%'
 GROUP BY TABLE_NAME, INDEX_NAME, NON_UNIQUE, INDEX_TYPE
UNION ALL
SELECT CAST(CONCAT('constraint ', TABLE_NAME, ' ', CONSTRAINT_NAME, ': ', CONSTRAINT_TYPE) AS CHAR)
  FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'alembic_version%'
UNION ALL
SELECT CAST(CONCAT('foreign key ', k.TABLE_NAME, ' ', k.CONSTRAINT_NAME, ': (',
       GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR ', '), ') references ',
       k.REFERENCED_TABLE_NAME, ' (', GROUP_CONCAT(k.REFERENCED_COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR ', '),
       ') on update ', r.UPDATE_RULE, ' on delete ', r.DELETE_RULE) AS CHAR)
  FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r
    ON r.CONSTRAINT_SCHEMA = k.TABLE_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
 WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
 GROUP BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.REFERENCED_TABLE_NAME, r.UPDATE_RULE, r.DELETE_RULE
UNION ALL
SELECT CAST(CONCAT('check ', TABLE_NAME, ' ', CONSTRAINT_NAME, ': ', CHECK_CLAUSE) AS CHAR)
  FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'alembic_version%'
UNION ALL
SELECT CAST(CONCAT('trigger ', EVENT_OBJECT_TABLE, ' ', TRIGGER_NAME, ': ', ACTION_TIMING, ' ', EVENT_MANIPULATION, ' ', ACTION_STATEMENT) AS CHAR)
  FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()
UNION ALL
SELECT CAST(CONCAT('view ', TABLE_NAME, ': ', VIEW_DEFINITION) AS CHAR)
  FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()";

/// A database's catalog: one line per fact, `KIND NAME: DEFINITION`.
pub type Catalog = BTreeSet<String>;

/// The catalog of `db`.
pub fn catalog(db: &Db) -> Catalog {
    match db {
        Db::Pg(_) => db.query(POSTGRES).into_iter().collect(),
        Db::Mysql(_) => db.query(MYSQL).into_iter().collect(),
        Db::Sqlite(_) => {
            let mut lines: BTreeSet<String> = db.query(&sqlite_queries()).into_iter().collect();
            for row in db.query(SQLITE_TEXTS) {
                let mut fields = row.splitn(4, '\t');
                let (kind, name, table, sql) = (
                    fields.next().unwrap_or_default(),
                    fields.next().unwrap_or_default(),
                    fields.next().unwrap_or_default(),
                    normalize(fields.next().unwrap_or_default()),
                );
                match kind {
                    "table" => lines.extend(table_clauses(table, &sql)),
                    "index" => {
                        lines.insert(format!("index {table} {name} text: {sql}"));
                    }
                    _ => {
                        lines.insert(format!("{kind} {table} {name}: {sql}"));
                    }
                }
            }
            lines
        }
    }
}

/// SQL text with its layout, identifier quotes and letter case outside string literals made
/// uniform: `CREATE TABLE "t" (\n\tid INTEGER )` and `create table t (id integer)` read alike.
pub fn normalize(sql: &str) -> String {
    let mut out = String::new();
    let mut chars = sql.chars().peekable();
    let mut space = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                if space && !out.is_empty() && !out.ends_with(['(', ',']) {
                    out.push(' ');
                }
                space = false;
                out.push(c);
                for s in chars.by_ref() {
                    out.push(s);
                    if s == '\'' {
                        break;
                    }
                }
            }
            '"' | '`' | '[' | ']' => {}
            c if c.is_whitespace() => space = true,
            '(' | ')' | ',' => {
                space = false;
                out.push(c);
            }
            c => {
                if space && !out.is_empty() && !out.ends_with(['(', ',']) {
                    out.push(' ');
                }
                space = false;
                out.extend(c.to_lowercase());
            }
        }
    }
    out
}

/// What a normalized `CREATE TABLE` says beyond the pragmas: its named constraints and its
/// CHECK expressions.
fn table_clauses(table: &str, sql: &str) -> Vec<String> {
    let mut found = Vec::new();
    let words: Vec<&str> = sql.split(' ').collect();
    for (i, word) in words.iter().enumerate() {
        let word = word.trim_start_matches([',', '(']);
        if let ("constraint", Some(name), Some(kind)) = (word, words.get(i + 1), words.get(i + 2)) {
            let kind = kind.split('(').next().unwrap_or_default();
            found.push(format!("constraint {table} {name}: {kind}"));
        }
    }
    let mut rest = sql;
    while let Some(at) = rest.find("check(").or_else(|| rest.find("check (")) {
        let open = at + rest[at..].find('(').unwrap_or_default();
        let mut depth = 0;
        let mut end = rest.len();
        for (offset, c) in rest[open..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + offset + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        found.push(format!("check {table} {}:", &rest[open..end]));
        rest = &rest[end..];
    }
    found
}

/// How many objects the difference lines name (a changed object has a line each way): each
/// line is `KIND NAME: DEFINITION`.
pub fn objects(lines: &[&String]) -> usize {
    let key = |line: &&String| -> String {
        let line = line.get(2..).unwrap_or_default();
        line.split_once(':')
            .map_or(line, |(key, _)| key)
            .to_string()
    };
    lines.iter().map(key).collect::<BTreeSet<String>>().len()
}

/// The lines only Alembic's database has (`-`) and only ours has (`+`).
pub fn diff(alembic: &BTreeSet<String>, ours: &BTreeSet<String>) -> BTreeSet<String> {
    let missing = alembic.difference(ours).map(|l| format!("- {l}"));
    let extra = ours.difference(alembic).map(|l| format!("+ {l}"));
    missing.chain(extra).collect()
}
