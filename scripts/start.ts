import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfigOrExit, type Config } from '../config/load-config.js';
import { createDb } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import { servicesUp } from './services/index.js';
import { seedDemo } from './demo/index.js';
import { registerDemoSources } from './demo/register-demo-sources.js';
import { createTemporalClient } from '../infra/temporal.js';

// `npm start`: local services, migrations, demo data, then the worker and the API together.
const root = fileURLToPath(new URL('..', import.meta.url));
const began = performance.now();
const elapsed = () => `${((performance.now() - began) / 1000).toFixed(1)} s`;
const say = (line: string) => process.stdout.write(`${line}\n`);

function fail(message: string): never {
  process.stderr.write(`start: ${message}\n`);
  process.exit(1);
}

async function prepare(config: Config): Promise<void> {
  await servicesUp(config, { log: (line) => say(`  ${line}`) });
  const db = createDb(config.postgres.url, { max: 1 });
  try {
    const applied = await migrateToLatest(db);
    say(
      applied.length
        ? `  migrations applied: ${applied.join(', ')}`
        : '  database schema up to date',
    );
  } finally {
    await db.destroy();
  }
  if (config.demo) {
    const demo = await seedDemo(config, { log: (line) => say(`  ${line}`) });
    say(
      `  demo: database ${demo.database.name} (${demo.database.tables} tables, ${demo.database.rows} rows), ` +
        `bucket ${demo.bucket.name} (${demo.bucket.objects} files)`,
    );
  }
}

function launch(entry: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: process.env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Resolves with undefined once /ready answers 200, or with the last reason it did not. */
async function waitUntilReady(url: string, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline && !stopping) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      if (response.status === 200) return undefined;
      last = JSON.stringify(await response.json());
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return stopping ? 'stopped during start-up' : `not ready within ${timeoutMs / 1000} s: ${last}`;
}

let stopping = false;
const config = loadConfigOrExit();
say('Starting the data governance platform');
try {
  await prepare(config);
} catch (error) {
  fail((error as Error).message);
}

const worker = launch('worker/main.ts');
const api = launch('api/server.ts');
const children = [worker, api];

function stopAll(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  say(`\nStopping (${signal}): the worker lets running activities finish`);
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
for (const child of children) {
  child.on('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`start: a process exited with code ${code}; stopping the other\n`);
      process.exitCode = 1;
      stopAll('SIGTERM');
    }
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit();
  });
}
process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));

const apiUrl = `http://${config.api.host}:${config.api.port}`;
const notReady = await waitUntilReady(`${apiUrl}/ready`, 120_000);
if (notReady) {
  process.stderr.write(`start: the API is ${notReady}\n`);
  process.exitCode = 1;
  stopAll('SIGTERM');
} else {
  say(`
Ready in ${elapsed()} (api pid ${api.pid}, worker pid ${worker.pid})
  API            ${apiUrl}
  OpenAPI        ${apiUrl}/openapi.json
  Readiness      ${apiUrl}/ready
  Temporal UI    ${config.temporal.uiUrl}
  Object storage ${config.s3.endpoint}${config.s3.managed ? ` (console http://127.0.0.1:${config.s3.consolePort})` : ''}
  API reference  ${apiUrl}/docs
Press Ctrl+C to stop the API and the worker; \`npm run services -- down\` stops the services.`);
  if (config.demo) await registerDemo(config);
}

/** After the API has created the first admin: the demo sources, scanned on first start. */
async function registerDemo(config: Config): Promise<void> {
  const db = createDb(config.postgres.url, { max: 1 });
  const temporal = createTemporalClient(config.temporal);
  try {
    for (const line of await registerDemoSources({ config, db, temporal })) say(`  ${line}`);
  } catch (error) {
    process.stderr.write(`start: demo sources not registered: ${(error as Error).message}\n`);
  } finally {
    await db.destroy();
    await temporal.connection.close();
  }
}
