/**
 * The catalog queries of discovery. Each reads `pg_catalog` directly (not
 * `information_schema`, whose views hide objects the user holds no privilege on and are far
 * slower on large catalogs). Relations are read in keyset batches by oid, which an index
 * serves, so a batch costs the same at the start and at the end of 100,000 tables; columns
 * and constraints are then read for a whole batch at once (`= any($1::oid[])`).
 */

/** The schema filter shared by the queries: $1 excluded names, $2 included names or null. */
const SCHEMA_FILTER = `
  n.nspname <> all($1::text[])
  and ($2::text[] is null or n.nspname = any($2::text[]))
  and n.nspname !~ '^pg_(toast_)?temp_'`;

/** The database being discovered. No parameters. */
export const DATABASE_SQL = `
select d.datname as name,
       pg_get_userbyid(d.datdba) as owner,
       pg_encoding_to_char(d.encoding) as encoding,
       shobj_description(d.oid, 'pg_database') as comment,
       current_setting('server_version') as server_version
  from pg_database d
 where d.datname = current_database()`;

/** Schemas in name order. $1 excluded, $2 included (or null). */
export const SCHEMAS_SQL = `
select n.nspname as name,
       pg_get_userbyid(n.nspowner) as owner,
       obj_description(n.oid, 'pg_namespace') as comment
  from pg_namespace n
 where ${SCHEMA_FILTER}
 order by n.nspname`;

/**
 * Bytes on disk of relation `alias` with its TOAST table and indexes, from the page counts
 * `pg_class` holds as of the last VACUUM or ANALYZE. Unlike `pg_total_relation_size` it
 * takes no lock and touches no file, so a batch never waits behind an `ALTER TABLE` nor
 * fills the lock table with thousands of relations.
 */
const bytesOf = (alias: string) => `
  (greatest(${alias}.relpages, 0)
   + coalesce((select t.relpages from pg_class t where t.oid = ${alias}.reltoastrelid), 0)
   + coalesce((select sum(ic.relpages) from pg_index i join pg_class ic on ic.oid = i.indexrelid
                where i.indrelid = ${alias}.oid), 0)
  )::int8 * current_setting('block_size')::int8`;

/**
 * The roles granted SELECT by ACL `acl` (`relacl` or `attacl`), NULL standing for PUBLIC
 * (grantee 0), since a real role may be named `PUBLIC`. Null when the ACL is: the default
 * one, where only the owner reads. Only a non-null ACL is exploded, so the many relations
 * and columns without grants cost a null test; the owner is left out by the caller.
 */
const selectGrantees = (acl: string) => `
  case when ${acl} is not null then
    (select array_agg(case when e.grantee <> 0 then pg_get_userbyid(e.grantee)::text end)
       from aclexplode(${acl}) e
      where e.privilege_type = 'SELECT')
  end`;

/**
 * One batch of relations after oid $3, at most $4. Partitions are left out (their parent
 * stands for them, with the leaves' facts summed up); so are indexes, sequences, composite
 * types and TOAST tables, which hold no data of their own worth governing. The partition
 * tree is walked through `pg_inherits` rather than `pg_partition_tree`, which locks every
 * partition. `pages` and `partition_pages` count heap pages only: what a block sample reads.
 * A partitioned table reports its own grants: reading through the parent is what a role is
 * granted, and the leaves' own grants (rare) are left out as the leaves are.
 */
export const RELATIONS_SQL = `
select c.oid,
       n.nspname as schema,
       c.relname as name,
       c.relkind as kind,
       c.reltuples::float8 as reltuples,
       c.relpersistence as persistence,
       pg_get_userbyid(c.relowner) as owner,
       d.description as comment,
       case when c.relkind in ('r', 'm') then ${bytesOf('c')} end as size_bytes,
       case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid) end as definition,
       case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partition_key,
       greatest(c.relpages, 0) as pages,
       part.partition_count,
       part.partition_rows,
       part.partition_bytes,
       part.partition_pages,
       part.partition_names,
       fs.srvname as foreign_server,
       ${selectGrantees('c.relacl')} as select_grantees
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  left join pg_description d
    on d.objoid = c.oid and d.classoid = 'pg_class'::regclass and d.objsubid = 0
  left join lateral (
        with recursive tree (oid) as (
          select c.oid
          union all
          select i.inhrelid from pg_inherits i join tree on i.inhparent = tree.oid
        )
        select count(*)::int as partition_count,
               -- -1 (never analysed) counts as unknown; all unknown leaves the sum null
               sum(pc.reltuples) filter (where pc.reltuples >= 0)::float8 as partition_rows,
               sum(${bytesOf('pc')})::int8 as partition_bytes,
               sum(greatest(pc.relpages, 0))::int8 as partition_pages,
               (array_agg(pc.relname::text order by pc.relname))[1:100] as partition_names
          from tree
          join pg_class pc on pc.oid = tree.oid
         where pc.relkind not in ('p', 'I')
       ) part on c.relkind = 'p'
  left join pg_foreign_table ft on ft.ftrelid = c.oid
  left join pg_foreign_server fs on fs.oid = ft.ftserver
 where c.oid > $3::oid
   and c.relkind in ('r', 'p', 'v', 'm', 'f')
   and not c.relispartition
   and ${SCHEMA_FILTER}
 order by c.oid
 limit $4`;

/**
 * The columns of the relations in $1 (oids), in table then column order, with the type's
 * category and name, which say how a sample reads the column (see `selectList`), and the
 * roles granted SELECT on the column alone. Those are read here, where the columns are read
 * anyway, rather than by the relations query, which would cost a second pass over them.
 */
export const COLUMNS_SQL = `
select a.attrelid as oid,
       a.attname as name,
       format_type(a.atttypid, a.atttypmod) as data_type,
       a.attnotnull as not_null,
       d.description as comment,
       t.typcategory as category,
       t.typname as type,
       ${selectGrantees('a.attacl')} as select_grantees
  from pg_attribute a
  join pg_type t on t.oid = a.atttypid
  left join pg_description d
    on d.objoid = a.attrelid and d.classoid = 'pg_class'::regclass and d.objsubid = a.attnum
 where a.attrelid = any($1::oid[])
   and a.attnum > 0
   and not a.attisdropped
 order by a.attrelid, a.attnum`;

/**
 * Primary and foreign keys of the relations in $1, one row per key column, with the
 * referenced relation's schema, name and column resolved here (it may lie in another batch).
 */
export const KEYS_SQL = `
select con.conrelid as oid,
       con.conname as name,
       con.contype as type,
       a.attname as column,
       rn.nspname as ref_schema,
       rc.relname as ref_table,
       ra.attname as ref_column
  from pg_constraint con
 cross join lateral unnest(con.conkey, con.confkey) with ordinality as k(attnum, ref_attnum, ord)
  join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
  left join pg_class rc on rc.oid = con.confrelid
  left join pg_namespace rn on rn.oid = rc.relnamespace
  left join pg_attribute ra on ra.attrelid = con.confrelid and ra.attnum = k.ref_attnum
 where con.conrelid = any($1::oid[])
   and con.contype in ('p', 'f')
   -- a key referencing a partitioned table gets a derived row per referenced partition
   and con.conparentid = 0
 order by con.conrelid, con.contype, con.conname, k.ord`;
