import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../../config/load-config.js';
import { seedDemo, type DemoSummary } from './index.js';

// `npm run demo [-- --force]`: seeds the demo database and bucket and prints one summary line
// (`--verbose` adds a progress line per step).

const USAGE = 'usage: npm run demo -- [--force] [--verbose]';

function describe(summary: DemoSummary, seconds: number): string {
  const { database: db, bucket } = summary;
  const dbPart = `${db.name} ${db.created ? 'created' : 'unchanged'} (${db.tables} tables, ${db.views} views, ${db.rows} rows)`;
  const mib = (bucket.bytes / 1024 / 1024).toFixed(1);
  const bucketPart = `${bucket.name} ${bucket.created ? 'written' : 'unchanged'} (${bucket.objects} files, ${mib} MiB)`;
  return `demo: database ${dbPart}; bucket ${bucketPart}; ${seconds.toFixed(1)} s`;
}

function fail(message: string): never {
  process.stderr.write(`demo: ${message.replace(/\s+/g, ' ').trim()}\n`);
  process.exit(1);
}

let flags: { force: boolean; verbose: boolean };
try {
  const { values } = parseArgs({
    options: {
      force: { type: 'boolean', default: false },
      verbose: { type: 'boolean', short: 'v', default: false },
    },
    strict: true,
  });
  flags = { force: values.force === true, verbose: values.verbose === true };
} catch (error) {
  fail(`${(error as Error).message}; ${USAGE}`);
}

const config = loadConfigOrExit();
const started = performance.now();
try {
  const summary = await seedDemo(config, {
    force: flags.force,
    log: flags.verbose ? (line) => process.stdout.write(`  ${line}\n`) : undefined,
  });
  process.stdout.write(`${describe(summary, (performance.now() - started) / 1000)}\n`);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
