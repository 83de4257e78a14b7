import {
  ScannerError,
  type CheckResult,
  type DatasetRef,
  type DiscoveredItem,
  type SampleOptions,
  type SampleRow,
  type ScannerConnection,
  type ScannerContext,
  type ScannerPlugin,
} from '../sdk/contract.js';
import { readCatalog } from './postgres-catalog.js';
import {
  databasesOf,
  postgresConfigSchema,
  schemaFilterOf,
  type PostgresConfig,
} from './postgres-config.js';
import { sampleDataset } from './postgres-sample.js';
import { PostgresSessions } from './postgres-session.js';

const CHECK_SQL = `
select current_setting('server_version') as server_version,
       current_setting('transaction_read_only') = 'on' as read_only,
       coalesce((select ssl from pg_stat_ssl where pid = pg_backend_pid()), false) as tls,
       count(c.oid)::int as relations,
       (count(c.oid) filter (
          where has_schema_privilege(n.oid, 'USAGE') and has_table_privilege(c.oid, 'SELECT')
       ))::int as readable
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p', 'v', 'm', 'f')
   and not c.relispartition
   and n.nspname <> all($1::text[])
   and ($2::text[] is null or n.nspname = any($2::text[]))
   and n.nspname !~ '^pg_(toast_)?temp_'`;

interface CheckRow {
  server_version: string;
  read_only: boolean;
  tls: boolean;
  relations: number;
  readable: number;
}

/**
 * A connection to one PostgreSQL server: a read-only session pool per configured database,
 * opened on first use at the address the network guard resolved.
 */
class PostgresConnection implements ScannerConnection {
  private readonly sessions: PostgresSessions;
  private readonly databases: string[];

  constructor(
    private readonly config: PostgresConfig,
    private readonly context: ScannerContext,
  ) {
    this.sessions = new PostgresSessions(config, context);
    this.databases = databasesOf(config);
  }

  async check(): Promise<CheckResult> {
    const { include, exclude } = schemaFilterOf(this.config);
    let version = '';
    let relations = 0;
    let readable = 0;
    let tls = true;
    let readOnly = true;
    for (const database of this.databases) {
      const row = await this.sessions.with(database, async (client) => {
        const { rows } = await client.query<CheckRow>(CHECK_SQL, [exclude, include]);
        return rows[0]!;
      });
      if (row.relations > 0 && row.readable === 0) {
        throw new ScannerError(
          'permission',
          `user ${JSON.stringify(this.config.user)} may read none of the ${row.relations} tables and views of database ${JSON.stringify(database)}`,
        );
      }
      version = row.server_version.split(' ')[0] ?? row.server_version;
      relations += row.relations;
      readable += row.readable;
      tls &&= row.tls;
      readOnly &&= row.read_only;
    }
    return {
      serverVersion: `PostgreSQL ${version}`,
      details: { databases: this.databases.length, relations, readable, tls, readOnly },
    };
  }

  async *discover(): AsyncIterable<DiscoveredItem> {
    const schemas = schemaFilterOf(this.config);
    for (const database of this.databases) {
      const started = performance.now();
      let datasets = 0;
      const client = await this.sessions.client(database);
      let failed: Error | undefined;
      try {
        const items = readCatalog(client, {
          database,
          schemas,
          batchSize: this.config.catalogBatchSize,
          signal: this.context.signal,
        });
        for await (const item of items) {
          if (item.kind === 'dataset') datasets += 1;
          yield item;
        }
      } catch (error) {
        failed = this.sessions.fail(error, database);
        throw failed;
      } finally {
        client.release(failed);
      }
      this.context.log('info', 'PostgreSQL catalog read', {
        database,
        datasets,
        ms: Math.round(performance.now() - started),
      });
    }
  }

  sample(dataset: DatasetRef, options: SampleOptions): AsyncIterable<SampleRow> {
    return sampleDataset(this.sessions, this.databases, dataset, options, this.context.signal);
  }

  close(): Promise<void> {
    return this.sessions.close();
  }
}

/**
 * The built-in PostgreSQL scanner (PostgreSQL 12 and later): databases, schemas, tables,
 * partitioned tables (the parent stands for its partitions), views and materialized views
 * with their SQL, foreign tables; columns with their types, keys and comments; row
 * estimates; who holds SELECT on each (`properties.access`); random block samples. Sessions are read-only and never write to the source.
 *
 * @example
 * const config = postgresScanner.configSchema.parse({ host: 'db', database: 'shop', user: 'scanner', password: '…' });
 * const connection = await postgresScanner.connect(config, context);
 * try { console.log(await connection.check()); } finally { await connection.close(); }
 */
export const postgresScanner: ScannerPlugin<PostgresConfig> = {
  id: 'postgres',
  title: 'PostgreSQL',
  description:
    'Discovers databases, schemas, tables, views, materialized views and foreign tables of a PostgreSQL server (12+), with columns, keys and comments, and samples rows read-only.',
  version: '1.0.0',
  configSchema: postgresConfigSchema,
  secretFields: ['password'],
  capabilities: {
    views: true,
    foreignKeys: true,
    rowEstimates: true,
    files: false,
    sampling: 'random',
  },
  targets: (config) => [{ host: config.host, port: config.port }],
  async connect(config, context) {
    const parsed = postgresConfigSchema.safeParse(config);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`,
      );
      throw new ScannerError(
        'configuration',
        `invalid PostgreSQL settings: ${problems.join('; ')}`,
      );
    }
    return new PostgresConnection(parsed.data, context);
  },
};
