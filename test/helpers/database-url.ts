/**
 * Prefix of the migrated databases test databases are copied from. Each test run makes its
 * own, named after its process id, so that runs side by side never drop each other's.
 */
export const TEMPLATE_PREFIX = 'governance_test_template_';

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
