import pg from 'pg';
import {
  COLUMNS_SQL,
  DATABASE_SQL,
  KEYS_SQL,
  RELATIONS_SQL,
  SCHEMAS_SQL,
} from '../../scanners/postgres/postgres-catalog-sql.js';
import { SYSTEM_SCHEMAS } from '../../scanners/postgres/postgres-config.js';

/** Tables per schema of the generated source, and per DDL transaction (lock table bound). */
const TABLES_PER_SCHEMA = 100;
const TABLES_PER_STATEMENT = 100;

const FIRST = `array['Ada','Grace','Alan','Edsger','Barbara','Donald','Margaret','Ken']`;
const LAST = `array['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Hamilton','Thompson']`;
const CITY = `array['London','Paris','Berlin','Madrid','Amsterdam','Lisbon','Dublin','Vienna']`;
const IBANS = `array['DE89370400440532013000','GB82WEST12345698765432','NL91ABNA0417164300','FR1420041010050500013M02606']`;
const CARDS = `array['4111111111111111','5500000000000004','4012888888881881','6011000000000004']`;

/** The 20 columns of every generated table: ids, personal data, money, times, free text. */
const TABLE_DDL = `(
  id bigint primary key, customer_email text, phone text, first_name text, last_name text,
  city text, country char(2), postal_code text, iban text, card_number text,
  amount numeric(12,2), currency char(3), status text, created_at timestamptz,
  updated_at timestamptz, is_active boolean, quantity integer, score double precision,
  notes text, ref uuid)`;

const ROWS_SELECT = `
  select g, 'user' || g || '.' || $t$ || '@example.com', '+44 20 7946 ' || lpad((g %% 10000)::text, 4, '0'),
         (${FIRST})[1 + g %% 8], (${LAST})[1 + (g / 8) %% 8], (${CITY})[1 + g %% 8],
         (array['GB','FR','DE','ES','NL','PT','IE','AT'])[1 + g %% 8], lpad((g * 37 %% 99999)::text, 5, '0'),
         (${IBANS})[1 + g %% 4], (${CARDS})[1 + g %% 4], round((g * 13.7)::numeric %% 5000, 2),
         (array['EUR','GBP','USD'])[1 + g %% 3], (array['new','paid','shipped','returned'])[1 + g %% 4],
         timestamptz '2024-01-01' + g * interval '37 minutes', timestamptz '2024-06-01' + g * interval '11 minutes',
         g %% 5 <> 0, g %% 17, (g %% 1000) / 10.0, md5(g::text), md5(g::text || $t$)::uuid
    from generate_series(1, %s) g`;

/**
 * Creates `tables` tables of 20 columns with `rows` rows each in `database` (which must be
 * empty), spread over schemas of 100 tables, with set-based SQL: one `generate_series`
 * insert per table, a hundred tables per statement. Then analyses them, so that row
 * estimates and block sampling work as on a real server.
 *
 * @example
 * await generateSource('postgres://…/bench_source_1000', { tables: 1000, rows: 200 });
 */
export async function generateSource(
  url: string,
  options: { tables: number; rows: number; log?: (line: string) => void },
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const schemas = Math.ceil(options.tables / TABLES_PER_SCHEMA);
    for (let s = 1; s <= schemas; s++) await client.query(`create schema if not exists app_${s}`);
    for (let from = 1; from <= options.tables; from += TABLES_PER_STATEMENT) {
      const to = Math.min(options.tables, from + TABLES_PER_STATEMENT - 1);
      await client.query(`
        do $gen$
        declare t int; s text;
        begin
          for t in ${from}..${to} loop
            s := 'app_' || ((t - 1) / ${TABLES_PER_SCHEMA} + 1);
            execute format('create table %I.%I ${TABLE_DDL}', s, 'table_' || lpad(t::text, 5, '0'));
            execute format($ins$insert into %I.%I ${ROWS_SELECT.replaceAll('$t$', "'t' || %s")}$ins$,
                           s, 'table_' || lpad(t::text, 5, '0'), t, t, ${options.rows});
          end loop;
        end $gen$`);
      options.log?.(`created ${to} of ${options.tables} tables`);
    }
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

/**
 * How many tables a database holds outside the system schemas.
 *
 * @example
 * await tableCount('postgres://…/bench_source'); // 1000
 */
export async function tableCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'r' and n.nspname <> all($1::text[])`,
      [SYSTEM_SCHEMAS],
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

/**
 * The floor a scan is measured against: the scanner's own catalog queries (database,
 * schemas, relations, columns and keys in batches of 500) and one `limit <rows>` sample query
 * per table, issued directly with `concurrency` connections and nothing else done with the
 * results. Returns milliseconds.
 *
 * @example
 * const ms = await measureFloor(sourceUrl, { sampleRows: 100, concurrency: 4 });
 */
export async function measureFloor(
  url: string,
  options: { sampleRows: number; concurrency: number },
): Promise<number> {
  const started = performance.now();
  const pool = new pg.Pool({ connectionString: url, max: options.concurrency });
  try {
    const filter = [SYSTEM_SCHEMAS, null];
    const tables: { schema: string; name: string }[] = [];
    await pool.query(DATABASE_SQL);
    await pool.query(SCHEMAS_SQL, filter);
    for (let after = 0; ;) {
      const { rows } = await pool.query<{ oid: number; schema: string; name: string }>(
        RELATIONS_SQL,
        [...filter, after, 500],
      );
      if (rows.length === 0) break;
      const oids = rows.map((row) => row.oid);
      await pool.query(COLUMNS_SQL, [oids]);
      await pool.query(KEYS_SQL, [oids]);
      tables.push(...rows);
      after = rows[rows.length - 1]!.oid;
      if (rows.length < 500) break;
    }
    let next = 0;
    const lane = async () => {
      while (next < tables.length) {
        const table = tables[next++]!;
        const name = `${pg.escapeIdentifier(table.schema)}.${pg.escapeIdentifier(table.name)}`;
        await pool.query(`select * from ${name} limit ${options.sampleRows}`);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, lane));
    return performance.now() - started;
  } finally {
    await pool.end();
  }
}
