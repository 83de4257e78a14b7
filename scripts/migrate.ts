import { loadConfigOrExit } from '../config/load-config.js';
import { createDb } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';

// `npm run migrate`: brings the platform database to the latest schema and says what it did.
const config = loadConfigOrExit();
const db = createDb(config.postgres.url, { max: 1 });
try {
  const applied = await migrateToLatest(db);
  process.stdout.write(
    applied.length ? `applied: ${applied.join(', ')}\n` : 'database schema is up to date\n',
  );
} catch (error) {
  process.stderr.write(`migrate: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
