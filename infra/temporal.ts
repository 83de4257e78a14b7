import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config/load-config.js';

/**
 * A Temporal client whose connection is opened on first use, so the API starts (and reports
 * Temporal as down on /ready) even when the Temporal server is not reachable yet.
 */
export function createTemporalClient(temporal: Config['temporal']): Client {
  const connection = Connection.lazy({ address: temporal.address, connectTimeout: 5_000 });
  return new Client({ connection, namespace: temporal.namespace });
}
