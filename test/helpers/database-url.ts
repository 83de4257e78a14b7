/** The migrated database every test database is copied from. */
export const TEMPLATE_DATABASE = 'governance_test_template';

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
