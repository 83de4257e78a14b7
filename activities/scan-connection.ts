import { findDataSource } from '../db/queries/data-sources.js';
import { openDataSourceConfig } from '../infra/data-source-config.js';
import {
  ScannerError,
  type ScannerConnection,
  type ScannerContext,
  type ScannerPlugin,
} from '../scanners/sdk/contract.js';
import type { ScanActivityDeps } from './scan-deps.js';
import { missing } from './scan-support.js';

/**
 * An open connection to a data source, with the plugin that made it.
 *
 * @example
 * const { plugin, connection } = await openSource(deps, dataSourceId, signal);
 */
export interface OpenSource {
  plugin: ScannerPlugin;
  connection: ScannerConnection;
}

/**
 * Loads a data source, opens its sealed secrets (here, inside the activity, and nowhere
 * else), validates the settings with the plugin's schema, checks every target against the
 * network policy, and connects. The opened config lives only in this call: it is never
 * logged, returned or handed to the workflow.
 *
 * @example
 * const { connection } = await openSource(deps, dataSourceId, signal);
 * try { await connection.check(); } finally { await connection.close(); }
 */
export async function openSource(
  deps: ScanActivityDeps,
  dataSourceId: string,
  signal: AbortSignal,
): Promise<OpenSource> {
  const source = await findDataSource(deps.db, dataSourceId);
  if (!source) throw missing(`data source ${dataSourceId} does not exist`);
  const plugin = deps.scanners.plugin(source.scanner);
  const parsed = plugin.configSchema.safeParse(openDataSourceConfig(source, deps.secretBox));
  if (!parsed.success) {
    // Paths only: a message must not quote a value, which could be a secret.
    const fields = [
      ...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || 'config')),
    ];
    throw new ScannerError(
      'configuration',
      `the settings of data source "${source.name}" do not fit the ${plugin.title} scanner (${fields.join(', ')})`,
    );
  }
  const config = parsed.data;
  for (const target of plugin.targets(config)) {
    signal.throwIfAborted();
    await deps.networkGuard.resolve(target.host);
  }
  const log = deps.logger.child({ dataSourceId, scanner: plugin.id });
  const context: ScannerContext = {
    network: deps.networkGuard,
    signal,
    log: (level, message, fields) => log[level](fields ?? {}, message),
  };
  const connection = await plugin.connect(config, context);
  return { plugin, connection };
}

/**
 * Runs `work` with an open connection and closes it whatever happens.
 *
 * @example
 * const result = await withSource(deps, dataSourceId, signal, ({ connection }) => connection.check());
 */
export async function withSource<T>(
  deps: ScanActivityDeps,
  dataSourceId: string,
  signal: AbortSignal,
  work: (source: OpenSource) => Promise<T>,
): Promise<T> {
  const source = await openSource(deps, dataSourceId, signal);
  try {
    return await work(source);
  } finally {
    await source.connection
      .close()
      .catch((error: unknown) =>
        deps.logger.warn({ err: error, dataSourceId }, 'closing a scanner connection failed'),
      );
  }
}
