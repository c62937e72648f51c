//! What PostgreSQL's catalog holds in the current schema that the model does not carry, read
//! in one query: each row a kind, its table if it has one, its name, and what becomes of it.
//! Must not import the runner or autogenerate.

use sqlx::Row;
use sqlx::postgres::PgConnection;

use crate::schema::model::LeftOut;

/// An index the model cannot hold, carried as its own text (see `definitions`): over
/// expressions, partial, with INCLUDE columns, not a b-tree, or with orderings, operator
/// classes or collations of its own (`ix`, `am`).
macro_rules! odd_index {
    () => {
        "(ix.indexprs IS NOT NULL OR ix.indpred IS NOT NULL OR ix.indnkeyatts < ix.indnatts OR am.amname <> 'btree' \
          OR to_jsonb(ix) ->> 'indnullsnotdistinct' = 'true' \
          OR EXISTS (SELECT 1 FROM unnest(ix.indoption::int2[]) o WHERE o <> 0) \
          OR EXISTS (SELECT 1 FROM unnest(ix.indclass::oid[]) k JOIN pg_opclass oc ON oc.oid = k WHERE NOT oc.opcdefault) \
          OR EXISTS (SELECT 1 FROM unnest(ix.indcollation::oid[]) k JOIN pg_collation co ON co.oid = k \
                     WHERE k <> 0 AND co.collname <> 'default'))"
    };
}
pub(super) use odd_index;

/// A constraint the model cannot hold (`co`): an exclusion constraint, or one DEFERRABLE, NOT
/// VALID, NO INHERIT, MATCH FULL, NULLS NOT DISTINCT or with INCLUDE. Those but a primary key
/// are carried as their own text (see `definitions`).
macro_rules! odd_constraint {
    () => {
        "(co.contype = 'x' OR co.condeferrable OR NOT co.convalidated OR (co.connoinherit AND co.contype = 'c') \
          OR (co.contype = 'f' AND co.confmatchtype = 'f') \
          OR (co.contype = 'u' AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indexrelid = co.conindid \
                                           AND to_jsonb(i) ->> 'indnullsnotdistinct' = 'true')) \
          OR (co.contype IN ('p', 'u') AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indexrelid = co.conindid \
                                                   AND i.indnkeyatts < i.indnatts)))"
    };
}
pub(super) use odd_constraint;

/// A type of the current schema that is carried (`t`): an enum, a domain over a base type, or
/// a composite type whose attributes are all of base types.
macro_rules! carried_type {
    () => {
        "(t.typtype = 'e' \
          OR (t.typtype = 'd' AND EXISTS (SELECT 1 FROM pg_type b WHERE b.oid = t.typbasetype AND b.typtype = 'b')) \
          OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class k WHERE k.oid = t.typrelid AND k.relkind = 'c') \
              AND NOT EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid \
                              WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped \
                                AND at.typtype <> 'b')))"
    };
}
pub(super) use carried_type;

/// One row per object not carried. Objects that belong to an extension are the extension's:
/// the extension is listed, not its members.
const LEFT_OUT: &str = concat!(
    "\
WITH s AS (SELECT oid FROM pg_namespace WHERE nspname = current_schema()), \
ext AS (SELECT objid, classid FROM pg_depend WHERE deptype = 'e') \
SELECT 'foreign table', NULL, c.relname::text, 'foreign tables are not carried' \
  FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relkind = 'f' \
UNION ALL SELECT 'partition', NULL, c.relname::text, 'a partition whose parent is in another schema is written as an unrelated table' \
  FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_class p ON p.oid = i.inhparent \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relispartition AND p.relnamespace NOT IN (SELECT oid FROM s) \
UNION ALL SELECT 'inheriting table', NULL, c.relname::text, 'written without its parent' \
  FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND NOT c.relispartition \
UNION ALL SELECT 'generated column', c.relname::text, a.attname::text, 'a virtual generated column is written as a plain column' \
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relkind IN ('r', 'p') AND a.attnum > 0 \
   AND NOT a.attisdropped AND a.attgenerated NOT IN ('', 's') \
UNION ALL SELECT 'primary key', \
       cl.relname::text, co.conname::text, concat_ws(', ', \
       CASE WHEN co.contype = 'x' THEN 'exclusion constraints are not carried' END, \
       CASE WHEN co.condeferrable THEN 'DEFERRABLE is not carried' END, \
       CASE WHEN NOT co.convalidated THEN 'NOT VALID is not carried' END, \
       CASE WHEN co.connoinherit AND co.contype = 'c' THEN 'NO INHERIT is not carried' END, \
       CASE WHEN co.contype = 'f' AND co.confmatchtype = 'f' THEN 'MATCH FULL is not carried' END, \
       CASE WHEN co.contype = 'u' AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indexrelid = co.conindid \
                 AND to_jsonb(i) ->> 'indnullsnotdistinct' = 'true') THEN 'NULLS NOT DISTINCT is not carried' END, \
       CASE WHEN co.contype IN ('p', 'u') AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indexrelid = co.conindid \
                 AND i.indnkeyatts < i.indnatts) THEN 'INCLUDE is not carried' END) \
  FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid \
 WHERE cl.relnamespace IN (SELECT oid FROM s) AND cl.relkind IN ('r', 'p') \
   AND co.contype = 'p' AND ",
    odd_constraint!(),
    " \
UNION ALL SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'window function' END, \
       NULL, p.proname::text || '(' || pg_get_function_identity_arguments(p.oid) || ')', \
       'aggregates and window functions are not carried' \
  FROM pg_proc p WHERE p.pronamespace IN (SELECT oid FROM s) AND p.prokind IN ('a', 'w') \
   AND p.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_proc'::regclass) \
UNION ALL SELECT CASE t.typtype WHEN 'd' THEN 'domain' WHEN 'c' THEN 'composite type' WHEN 'r' THEN 'range type' \
       ELSE 'type' END, NULL, t.typname::text, CASE WHEN t.typtype IN ('d', 'c') \
       THEN 'over another user type: written by its name, but not created' \
       ELSE 'written by its name, but not created' END \
  FROM pg_type t LEFT JOIN pg_class c ON c.oid = t.typrelid \
 WHERE t.typnamespace IN (SELECT oid FROM s) AND t.typtype IN ('d', 'c', 'r', 'b') \
   AND (t.typtype <> 'c' OR c.relkind = 'c') \
   AND NOT (t.typtype = 'd' AND EXISTS (SELECT 1 FROM pg_type b WHERE b.oid = t.typbasetype AND b.typtype = 'b')) \
   AND NOT (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 \
                                        AND NOT a.attisdropped) \
            AND NOT EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid \
                            WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped AND at.typtype <> 'b')) \
   AND t.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_type'::regclass) \
   AND NOT (t.typtype = 'b' AND t.typelem <> 0 AND t.typname LIKE '\\_%') \
UNION ALL SELECT 'collation', NULL, co.collname::text, 'collations are not carried' \
  FROM pg_collation co WHERE co.collnamespace IN (SELECT oid FROM s) \
UNION ALL SELECT 'extension', NULL, e.extname::text, 'an extension outside the current schema is not created: the types and functions it brings are missing' \
  FROM pg_extension e WHERE e.extname <> 'plpgsql' AND e.extnamespace NOT IN (SELECT oid FROM s) \
UNION ALL SELECT 'schema', NULL, n.nspname::text, 'only the current schema is read' \
  FROM pg_namespace n WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
   AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%' \
   AND n.oid NOT IN (SELECT oid FROM s) AND n.nspname <> 'public' \
UNION ALL SELECT 'foreign server', NULL, fs.srvname::text, 'foreign servers and their user mappings are not carried' \
  FROM pg_foreign_server fs \
UNION ALL SELECT 'event trigger', NULL, e.evtname::text, 'event triggers are not carried' FROM pg_event_trigger e \
UNION ALL SELECT 'statistics', NULL, x.stxname::text, 'extended statistics are not carried' \
  FROM pg_statistic_ext x WHERE x.stxnamespace IN (SELECT oid FROM s) \
UNION ALL SELECT 'comment', NULL, c.relname::text, 'comments on foreign tables are not carried' \
  FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0 \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relkind NOT IN ('r', 'p', 'v', 'm', 'i', 'S') \
UNION ALL SELECT 'comment', c.relname::text, a.attname::text, 'comments on the columns of views and types are not carried' \
  FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass AND d.objsubid > 0 \
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relkind NOT IN ('r', 'p') \
UNION ALL SELECT 'comment', cl.relname::text, co.conname::text, 'comments on exclusion constraints are not carried' \
  FROM pg_description d JOIN pg_constraint co ON co.oid = d.objoid AND d.classoid = 'pg_constraint'::regclass \
  JOIN pg_class cl ON cl.oid = co.conrelid WHERE cl.relnamespace IN (SELECT oid FROM s) AND co.contype NOT IN ('p', 'u', 'f', 'c') \
UNION ALL SELECT 'comment', NULL, t.typname::text, 'a comment on a type that is not created is not carried' \
  FROM pg_description d JOIN pg_type t ON t.oid = d.objoid AND d.classoid = 'pg_type'::regclass \
 WHERE t.typnamespace IN (SELECT oid FROM s) AND t.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_type'::regclass) \
   AND NOT ",
    carried_type!(),
    " \
UNION ALL SELECT 'tablespace', NULL, c.relname::text, 'in tablespace ' || quote_ident(ts.spcname) || ': written in the default tablespace' \
  FROM pg_class c JOIN pg_tablespace ts ON ts.oid = c.reltablespace \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relkind IN ('r', 'p', 'm', 'i') \
UNION ALL SELECT 'publication', NULL, p.pubname::text, 'publications are not carried' FROM pg_publication p \
UNION ALL SELECT 'subscription', NULL, sb.subname::text, 'subscriptions are not carried' \
  FROM pg_subscription sb WHERE sb.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
UNION ALL SELECT 'default privileges', NULL, pg_get_userbyid(da.defaclrole)::text, \
       array_to_string(da.defaclacl, ', ') || ': default privileges are not carried' \
  FROM pg_default_acl da WHERE da.defaclnamespace IN (SELECT oid FROM s) OR da.defaclnamespace = 0 \
UNION ALL SELECT 'grants', c.relname::text, a.attname::text, array_to_string(a.attacl, ', ') || ': column privileges are not carried' \
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
 WHERE c.relnamespace IN (SELECT oid FROM s) AND a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL \
UNION ALL SELECT 'grants', NULL, p.proname::text || '(' || pg_get_function_identity_arguments(p.oid) || ')', \
       array_to_string(p.proacl, ', ') || ': routine privileges are not carried' \
  FROM pg_proc p WHERE p.pronamespace IN (SELECT oid FROM s) AND p.proacl IS NOT NULL \
   AND p.oid NOT IN (SELECT objid FROM ext WHERE classid = 'pg_proc'::regclass) \
UNION ALL SELECT 'security label', NULL, sl.provider || ': ' || sl.label, 'security labels are not carried' \
  FROM pg_seclabel sl JOIN pg_class c ON c.oid = sl.objoid AND sl.classoid = 'pg_class'::regclass \
 WHERE c.relnamespace IN (SELECT oid FROM s) \
UNION ALL SELECT 'owner', NULL, c.relname::text, 'owned by ' || quote_ident(pg_get_userbyid(c.relowner)) || ': ownership is not carried' \
  FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') \
   AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user) \
UNION ALL SELECT 'grants', NULL, c.relname::text, array_to_string(c.relacl, ', ') || ': privileges are not carried' \
  FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM s) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') \
   AND c.relacl IS NOT NULL"
);

/// The objects of the current schema that are not carried, except those of `ignored` tables.
pub(super) async fn read(
    connection: &mut PgConnection,
    ignored: &crate::bookkeeping::Ours,
) -> Result<Vec<LeftOut>, sqlx::Error> {
    let rows = sqlx::query(LEFT_OUT).fetch_all(connection).await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let (kind, table, name, why): (String, Option<String>, String, String) =
                (row.get(0), row.get(1), row.get(2), row.get(3));
            let ours = ignored.contains(table.as_deref().unwrap_or(&name));
            (!ours).then(|| LeftOut::new(&kind, table.as_deref(), &name, &why))
        })
        .collect())
}
