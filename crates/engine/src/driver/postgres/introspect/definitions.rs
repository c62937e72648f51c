//! The objects PostgreSQL rebuilds from its own text, carried as that text, read in one query:
//! extensions, standalone sequences, domains and composite types, functions and procedures, a
//! SERIAL's sequence options, the constraints the model cannot hold (exclusion, DEFERRABLE,
//! NOT VALID...), views and materialized views, the indexes the model cannot hold, partitions'
//! bounds, triggers and rules with their enabled state, row-level security with its policies,
//! a table's replica identity, clustering index, and its columns' storage and compression,
//! and comments on tables, views, indexes, sequences, constraints, types, functions,
//! triggers, rules and policies. Must not import the runner or autogenerate.

use sqlx::Row;
use sqlx::postgres::PgConnection;

use crate::schema::model::Definition;

/// One row per object, in an order that applies once the tables exist (extensions, sequences,
/// domains and composite types excepted: the dump writes them before the tables, whose
/// columns may use them). Constraints follow the functions their checks may call, a foreign
/// key after the unique and exclusion constraints; a column's own collation before them (set
/// on the created table, as the model has no place for it). A domain or composite type is carried only over base types (an
/// extension's included): over an enum, a domain or another composite it would need an order
/// among types that is not read yet, and stays left out. Functions come
/// before the views and indexes that may call them; each view after the views it reads
/// (its depth along pg_rewrite's dependencies); indexes after the materialized views they may
/// be on; each partition attached to its parent once both tables and their indexes exist (the
/// parent's indexes are created ONLY on it, and attaching adopts the partition's matching
/// indexes and constraints, as pg_dump does); triggers (a partition's clone of its parent's
/// trigger comes back with the attach) and rules after their tables, functions and views; row-level security and its policies last
/// (a policy's expressions may call functions and read views), then the comments, once
/// everything they are on exists; a table's UNLOGGED and storage options at the very end. Objects an extension owns are its
/// own, and a function another object made for itself (a range type's constructors) is that
/// object's. A materialized view is created with its data (empty in a new database), so that it
/// can be read at once.
const DEFINITIONS: &str = concat!(
    "\
WITH RECURSIVE s AS (SELECT oid FROM pg_namespace WHERE nspname = current_schema()), \
ext AS (SELECT classid, objid FROM pg_depend WHERE deptype = 'e'), \
deps AS (SELECT DISTINCT r.ev_class AS v, d.refobjid AS dep FROM pg_rewrite r \
          JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid \
           AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class), \
views AS (SELECT c.oid AS v, 0 AS n FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM s) \
            AND c.relkind IN ('v', 'm') \
            AND c.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_class'::regclass) \
          UNION ALL SELECT deps.v, views.n + 1 FROM views JOIN deps ON deps.dep = views.v) \
SELECT 0 AS grp, 'EXTENSION', e.extname::text AS name, NULL::text AS tbl, NULL::text, \
       'CREATE EXTENSION IF NOT EXISTS ' || quote_ident(e.extname) || ' WITH SCHEMA ' || quote_ident(n.nspname), \
       0 AS depth \
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace \
 WHERE e.extname <> 'plpgsql' AND n.oid IN (SELECT oid FROM s) \
UNION ALL SELECT 1, 'SEQUENCE', c.relname::text, NULL, NULL, \
       'CREATE SEQUENCE ' || quote_ident(c.relname) || ' AS ' || format_type(q.seqtypid, NULL) \
       || ' INCREMENT BY ' || q.seqincrement || ' MINVALUE ' || q.seqmin || ' MAXVALUE ' || q.seqmax \
       || ' START WITH ' || q.seqstart || ' CACHE ' || q.seqcache \
       || CASE WHEN q.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END, 0 \
  FROM pg_class c JOIN pg_sequence q ON q.seqrelid = c.oid \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relkind = 'S' \
   AND c.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_class'::regclass) \
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass \
                   AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')) \
UNION ALL SELECT 2, 'DOMAIN', t.typname::text, NULL, NULL, \
       'CREATE DOMAIN ' || quote_ident(t.typname) || ' AS ' || format_type(t.typbasetype, t.typtypmod) \
       || CASE WHEN t.typcollation <> b.typcollation THEN ' COLLATE ' || quote_ident(co.collname) ELSE '' END \
       || coalesce(' DEFAULT ' || t.typdefault, '') || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END \
       || coalesce((SELECT string_agg(' CONSTRAINT ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid), '' \
                                      ORDER BY k.conname) \
                      FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c'), ''), 0 \
  FROM pg_type t JOIN pg_type b ON b.oid = t.typbasetype LEFT JOIN pg_collation co ON co.oid = t.typcollation \
 WHERE t.typnamespace IN (SELECT oid FROM s) AND t.typtype = 'd' AND b.typtype = 'b' \
   AND t.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_type'::regclass) \
UNION ALL SELECT 3, 'TYPE', t.typname::text, NULL, NULL, \
       'CREATE TYPE ' || quote_ident(t.typname) || ' AS (' || string_agg(quote_ident(a.attname) || ' ' \
       || format_type(a.atttypid, a.atttypmod) \
       || CASE WHEN a.attcollation <> at.typcollation THEN ' COLLATE ' || quote_ident(co.collname) ELSE '' END, \
          ', ' ORDER BY a.attnum) || ')', 0 \
  FROM pg_type t JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c' \
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
  JOIN pg_type at ON at.oid = a.atttypid LEFT JOIN pg_collation co ON co.oid = a.attcollation \
 WHERE t.typnamespace IN (SELECT oid FROM s) AND t.typtype = 'c' \
   AND t.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_type'::regclass) \
 GROUP BY t.oid, t.typname HAVING bool_and(at.typtype = 'b') \
UNION ALL SELECT 4, CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, p.proname::text, NULL, \
       '(' || pg_get_function_identity_arguments(p.oid) || ')', rtrim(pg_get_functiondef(p.oid), E'\\n'), 0 \
  FROM pg_proc p WHERE p.pronamespace IN (SELECT oid FROM s) AND p.prokind IN ('f', 'p') \
   AND p.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_proc'::regclass) \
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid \
                   AND d.deptype = 'i') \
UNION ALL SELECT 4, 'SEQUENCE OPTIONS', c.relname::text, t.relname::text, NULL, \
       'ALTER SEQUENCE ' || quote_ident(c.relname) || ' AS ' || format_type(q.seqtypid, NULL) \
       || ' INCREMENT BY ' || q.seqincrement || ' MINVALUE ' || q.seqmin || ' MAXVALUE ' || q.seqmax \
       || ' START WITH ' || q.seqstart || ' CACHE ' || q.seqcache \
       || CASE WHEN q.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END, 0 \
  FROM pg_class c JOIN pg_sequence q ON q.seqrelid = c.oid \
  JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass \
       AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' \
  JOIN pg_class t ON t.oid = d.refobjid \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relkind = 'S' \
   AND (q.seqincrement <> 1 OR q.seqstart <> 1 OR q.seqcycle OR q.seqcache <> 1) \
UNION ALL SELECT 4, 'COLUMN COLLATION', a.attname::text, c.relname::text, format_type(a.atttypid, a.atttypmod), \
       'ALTER TABLE ' || quote_ident(c.relname) || ' ALTER COLUMN ' || quote_ident(a.attname) || ' TYPE ' \
       || format_type(a.atttypid, a.atttypmod) || ' COLLATE ' || quote_ident(cn.nspname) || '.' || quote_ident(co.collname), -1 \
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid \
  JOIN pg_collation co ON co.oid = a.attcollation JOIN pg_namespace cn ON cn.oid = co.collnamespace \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relkind IN ('r', 'p') AND a.attnum > 0 \
   AND NOT a.attisdropped AND a.attcollation <> t.typcollation \
UNION ALL SELECT 4, 'CONSTRAINT', co.conname::text, cl.relname::text, NULL, \
       'ALTER TABLE ' || quote_ident(cl.relname) || ' ADD CONSTRAINT ' || quote_ident(co.conname) || ' ' \
       || pg_get_constraintdef(co.oid), CASE co.contype WHEN 'f' THEN 1 ELSE 0 END \
  FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid \
 WHERE cl.relnamespace IN (SELECT oid FROM s) AND cl.relkind IN ('r', 'p') AND co.contype IN ('u', 'f', 'c', 'x') \
   AND ",
    super::left_out::odd_constraint!(),
    " \
UNION ALL SELECT 5, CASE c.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END, c.relname::text, NULL, NULL, \
       'CREATE ' || CASE c.relkind WHEN 'm' THEN 'MATERIALIZED VIEW ' ELSE 'VIEW ' END || quote_ident(c.relname) \
       || coalesce(' WITH (' || array_to_string(c.reloptions, ', ') || ')', '') || ' AS' || E'\\n' \
       || rtrim(pg_get_viewdef(c.oid, true), ';'), max(views.n) \
  FROM views JOIN pg_class c ON c.oid = views.v GROUP BY c.oid, c.relkind, c.relname, c.reloptions \
UNION ALL SELECT 6, 'INDEX', i.relname::text, t.relname::text, NULL, pg_get_indexdef(ix.indexrelid), 0 \
  FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid \
  JOIN pg_am am ON am.oid = i.relam \
 WHERE t.relnamespace IN (SELECT oid FROM s) AND t.relkind IN ('r', 'p', 'm') \
   AND (t.relkind = 'm' OR ",
    super::left_out::odd_index!(),
    ") \
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid AND c.contype IN ('p', 'u', 'x')) \
UNION ALL SELECT 6, 'PARTITION', c.relname::text, p.relname::text, NULL, \
       'ALTER TABLE ONLY ' || quote_ident(p.relname) || ' ATTACH PARTITION ' || quote_ident(c.relname) || ' ' \
       || pg_get_expr(c.relpartbound, c.oid), 1 \
  FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_class p ON p.oid = i.inhparent \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relispartition AND c.relkind IN ('r', 'p') \
UNION ALL SELECT 7, 'TRIGGER', tg.tgname::text, c.relname::text, NULL, pg_get_triggerdef(tg.oid), 0 \
  FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND NOT tg.tgisinternal \
   AND coalesce((to_jsonb(tg) ->> 'tgparentid')::oid, 0) = 0 \
UNION ALL SELECT 7, 'TRIGGER STATE', tg.tgname::text, c.relname::text, NULL, \
       'ALTER TABLE ' || quote_ident(c.relname) || CASE tg.tgenabled WHEN 'D' THEN ' DISABLE' \
       WHEN 'R' THEN ' ENABLE REPLICA' ELSE ' ENABLE ALWAYS' END || ' TRIGGER ' || quote_ident(tg.tgname), 1 \
  FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND NOT tg.tgisinternal AND tg.tgenabled <> 'O' \
   AND coalesce((to_jsonb(tg) ->> 'tgparentid')::oid, 0) = 0 \
UNION ALL SELECT 7, 'RULE', r.rulename::text, c.relname::text, NULL, rtrim(pg_get_ruledef(r.oid), ';'), 0 \
  FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND r.rulename <> '_RETURN' \
UNION ALL SELECT 7, 'RULE STATE', r.rulename::text, c.relname::text, NULL, \
       'ALTER TABLE ' || quote_ident(c.relname) || CASE r.ev_enabled WHEN 'D' THEN ' DISABLE' \
       WHEN 'R' THEN ' ENABLE REPLICA' ELSE ' ENABLE ALWAYS' END || ' RULE ' || quote_ident(r.rulename), 1 \
  FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND r.rulename <> '_RETURN' AND r.ev_enabled <> 'O' \
UNION ALL SELECT 8, 'ROW LEVEL SECURITY', c.relname::text, c.relname::text, NULL, \
       'ALTER TABLE ' || quote_ident(c.relname) || ' ENABLE ROW LEVEL SECURITY', 0 \
  FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relrowsecurity \
UNION ALL SELECT 9, 'FORCE ROW LEVEL SECURITY', c.relname::text, c.relname::text, NULL, \
       'ALTER TABLE ' || quote_ident(c.relname) || ' FORCE ROW LEVEL SECURITY', 0 \
  FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relforcerowsecurity \
UNION ALL SELECT 10, 'POLICY', p.policyname::text, p.tablename::text, NULL, \
       'CREATE POLICY ' || quote_ident(p.policyname) || ' ON ' || quote_ident(p.tablename) \
       || ' AS ' || p.permissive || ' FOR ' || p.cmd || ' TO ' \
       || (SELECT string_agg(CASE r WHEN 'public' THEN 'PUBLIC' ELSE quote_ident(r) END, ', ') FROM unnest(p.roles) r) \
       || coalesce(' USING (' || p.qual || ')', '') || coalesce(' WITH CHECK (' || p.with_check || ')', ''), 0 \
  FROM pg_policies p WHERE p.schemaname = current_schema() \
UNION ALL SELECT 11, 'COMMENT', CASE c.relkind WHEN 'v' THEN 'VIEW ' WHEN 'm' THEN 'MATERIALIZED VIEW ' \
       WHEN 'i' THEN 'INDEX ' WHEN 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END || quote_ident(c.relname), NULL, NULL, \
       'COMMENT ON ' || CASE c.relkind WHEN 'v' THEN 'VIEW ' WHEN 'm' THEN 'MATERIALIZED VIEW ' \
       WHEN 'i' THEN 'INDEX ' WHEN 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END || quote_ident(c.relname) \
       || ' IS ' || quote_literal(d.description), 0 \
  FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0 \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relkind IN ('r', 'p', 'v', 'm', 'i', 'S') \
UNION ALL SELECT 11, 'COMMENT', 'CONSTRAINT ' || quote_ident(co.conname) || ' ON ' || quote_ident(cl.relname), NULL, NULL, \
       'COMMENT ON CONSTRAINT ' || quote_ident(co.conname) || ' ON ' || quote_ident(cl.relname) \
       || ' IS ' || quote_literal(d.description), 0 \
  FROM pg_description d JOIN pg_constraint co ON co.oid = d.objoid AND d.classoid = 'pg_constraint'::regclass \
  JOIN pg_class cl ON cl.oid = co.conrelid \
 WHERE cl.relnamespace IN (SELECT oid FROM s) AND co.contype IN ('p', 'u', 'f', 'c') \
UNION ALL SELECT 11, 'COMMENT', CASE t.typtype WHEN 'd' THEN 'DOMAIN ' ELSE 'TYPE ' END || quote_ident(t.typname), NULL, NULL, \
       'COMMENT ON ' || CASE t.typtype WHEN 'd' THEN 'DOMAIN ' ELSE 'TYPE ' END || quote_ident(t.typname) \
       || ' IS ' || quote_literal(d.description), 0 \
  FROM pg_description d JOIN pg_type t ON t.oid = d.objoid AND d.classoid = 'pg_type'::regclass \
 WHERE t.typnamespace IN (SELECT oid FROM s) AND t.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_type'::regclass) \
   AND ",
    super::left_out::carried_type!(),
    " \
UNION ALL SELECT 11, 'COMMENT', CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END || quote_ident(p.proname) \
       || '(' || pg_get_function_identity_arguments(p.oid) || ')', NULL, NULL, \
       'COMMENT ON ' || CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END || quote_ident(p.proname) \
       || '(' || pg_get_function_identity_arguments(p.oid) || ') IS ' || quote_literal(d.description), 0 \
  FROM pg_description d JOIN pg_proc p ON p.oid = d.objoid AND d.classoid = 'pg_proc'::regclass \
 WHERE p.pronamespace IN (SELECT oid FROM s) AND p.prokind IN ('f', 'p') \
   AND p.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_proc'::regclass) \
UNION ALL SELECT 11, 'COMMENT', 'TRIGGER ' || quote_ident(tg.tgname) || ' ON ' || quote_ident(c.relname), NULL, NULL, \
       'COMMENT ON TRIGGER ' || quote_ident(tg.tgname) || ' ON ' || quote_ident(c.relname) \
       || ' IS ' || quote_literal(d.description), 0 \
  FROM pg_description d JOIN pg_trigger tg ON tg.oid = d.objoid AND d.classoid = 'pg_trigger'::regclass \
  JOIN pg_class c ON c.oid = tg.tgrelid \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND NOT tg.tgisinternal \
UNION ALL SELECT 11, 'COMMENT', 'RULE ' || quote_ident(r.rulename) || ' ON ' || quote_ident(c.relname), NULL, NULL, \
       'COMMENT ON RULE ' || quote_ident(r.rulename) || ' ON ' || quote_ident(c.relname) \
       || ' IS ' || quote_literal(d.description), 0 \
  FROM pg_description d JOIN pg_rewrite r ON r.oid = d.objoid AND d.classoid = 'pg_rewrite'::regclass \
  JOIN pg_class c ON c.oid = r.ev_class \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND r.rulename <> '_RETURN' \
UNION ALL SELECT 11, 'COMMENT', 'POLICY ' || quote_ident(po.polname) || ' ON ' || quote_ident(c.relname), NULL, NULL, \
       'COMMENT ON POLICY ' || quote_ident(po.polname) || ' ON ' || quote_ident(c.relname) \
       || ' IS ' || quote_literal(d.description), 0 \
  FROM pg_description d JOIN pg_policy po ON po.oid = d.objoid AND d.classoid = 'pg_policy'::regclass \
  JOIN pg_class c ON c.oid = po.polrelid \
 WHERE c.relnamespace IN (SELECT oid FROM s) \
UNION ALL SELECT 12, 'REPLICA IDENTITY', c.relname::text, c.relname::text, NULL, \
       'ALTER TABLE ' || quote_ident(c.relname) || ' REPLICA IDENTITY ' || CASE c.relreplident WHEN 'f' THEN 'FULL' \
       WHEN 'n' THEN 'NOTHING' ELSE 'USING INDEX ' || quote_ident((SELECT i.relname FROM pg_index x \
       JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = c.oid AND x.indisreplident)) END, 0 \
  FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relkind IN ('r', 'p') AND c.relreplident <> 'd' \
UNION ALL SELECT 12, 'CLUSTER ON', i.relname::text, t.relname::text, NULL, \
       'ALTER TABLE ' || quote_ident(t.relname) || ' CLUSTER ON ' || quote_ident(i.relname), 0 \
  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
 WHERE t.relnamespace IN (SELECT oid FROM s) AND t.relkind = 'r' AND x.indisclustered \
UNION ALL SELECT 12, 'COLUMN STORAGE', a.attname::text, c.relname::text, \
       CASE ty.typstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END, \
       'ALTER TABLE ' || quote_ident(c.relname) || ' ALTER COLUMN ' || quote_ident(a.attname) || ' SET STORAGE ' \
       || CASE a.attstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END, 0 \
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type ty ON ty.oid = a.atttypid \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped \
   AND a.attstorage <> ty.typstorage \
UNION ALL SELECT 12, 'COLUMN COMPRESSION', a.attname::text, c.relname::text, NULL, \
       'ALTER TABLE ' || quote_ident(c.relname) || ' ALTER COLUMN ' || quote_ident(a.attname) || ' SET COMPRESSION ' \
       || CASE a.attcompression WHEN 'l' THEN 'lz4' ELSE 'pglz' END, 0 \
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped \
   AND a.attcompression <> '' \
UNION ALL SELECT 12, 'UNLOGGED', c.relname::text, c.relname::text, NULL, \
       'ALTER TABLE ' || quote_ident(c.relname) || ' SET UNLOGGED', 0 \
  FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relkind = 'r' AND c.relpersistence = 'u' \
UNION ALL SELECT 12, 'STORAGE OPTIONS', c.relname::text, c.relname::text, \
       '(' || (SELECT string_agg(split_part(o, '=', 1), ', ') FROM unnest(c.reloptions) o) || ')', \
       'ALTER TABLE ' || quote_ident(c.relname) || ' SET (' || array_to_string(c.reloptions, ', ') || ')', 0 \
  FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relkind IN ('r', 'p') AND c.reloptions IS NOT NULL \
 ORDER BY grp, depth, tbl NULLS FIRST, name, 5, 2"
);

/// The objects of the current schema carried as their own text, in an order that applies,
/// but those on `ignored` tables.
pub(super) async fn read(
    connection: &mut PgConnection,
    ignored: &crate::bookkeeping::Ours,
) -> Result<Vec<Definition>, sqlx::Error> {
    let rows = sqlx::query(DEFINITIONS).fetch_all(connection).await?;
    Ok(rows
        .iter()
        .map(|row| Definition {
            kind: row.get(1),
            name: row.get(2),
            table: row.get(3),
            arguments: row.get(4),
            sql: row.get(5),
        })
        .filter(|d| !d.table.as_deref().is_some_and(|t| ignored.contains(t)))
        .collect())
}
