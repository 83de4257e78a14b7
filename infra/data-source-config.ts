import type { DataSourceRecord } from '../db/queries/data-sources.js';
import type { SecretBox } from './secret-box.js';

/**
 * The full connection config of a data source: its clear settings with the sealed secrets
 * opened. Call it only where the connection is made (inside activities); the result must
 * never be logged, returned, or passed to a workflow.
 *
 * @example
 * const config = openDataSourceConfig(source, secretBox);
 * const connection = await plugin.connect(plugin.configSchema.parse(config), context);
 */
export function openDataSourceConfig(
  source: Pick<DataSourceRecord, 'id' | 'settings' | 'secretCiphertext' | 'secretKeyId'>,
  secretBox: SecretBox,
): Record<string, unknown> {
  const secrets =
    source.secretCiphertext && source.secretKeyId
      ? secretBox.open(source.secretCiphertext, source.secretKeyId, source.id)
      : {};
  return { ...source.settings, ...secrets };
}
