import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createApp } from '../../api/app.js';
import { loadConfigOrExit, type Config } from '../../config/load-config.js';
import { createDb } from '../../db/connection.js';
import { migrateToLatest } from '../../db/migrate.js';
import type { ScanRunView } from '../../db/queries/scan-runs.js';
import { createLogger } from '../../infra/logger.js';
import { createObjectStore } from '../../infra/object-store.js';
import { hashPassword } from '../../infra/passwords.js';
import { createRedis } from '../../infra/redis.js';
import { createTemporalClient } from '../../infra/temporal.js';
import { servicesUp } from '../services/index.js';
import { runEntrypoint } from '../../test/helpers/child-process.js';
import { generateSource, measureFloor, tableCount } from './scan-source.js';

// `npm run bench:scan [-- --tables 1000 --runs 3 --rows 200 --fresh]`: scans a generated
// PostgreSQL database of `tables` tables × 20 columns through the API and a worker process,
// and reports wall time per stage, datasets/s, columns/s, the worker's peak RSS and the
// ratio to the floor (the bare catalog queries plus one sample query per table).
const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const tables = flag('tables', 1000);
const runs = flag('runs', tables > 2000 ? 1 : 3);
const rows = flag('rows', 200);
const fresh = process.argv.includes('--fresh');
const log = (line: string) => process.stdout.write(`${line}\n`);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const dbUrl = (config: Config, name: string) => {
  const url = new URL(config.postgres.url);
  url.pathname = `/${name}`;
  return url.toString();
};
/** CPU seconds a process has used (user + system), from /proc (100 ticks per second). */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
/** The 1, 5 and 15 minute load averages: the machine may be shared while it measures. */
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
const rssMiB = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
};

const taskQueue = `bench-scan-${randomUUID()}`;
const base = loadConfigOrExit({ ...process.env, LOG_LEVEL: 'warn', RATE_LIMIT_REQUESTS: '100000' });
const config: Config = { ...base, temporal: { ...base.temporal, taskQueue } };
await servicesUp(config);

const admin = new pg.Client({ connectionString: config.postgres.url });
await admin.connect();
const platformName = `bench_scan_platform_${process.pid}`;
const sourceName = `bench_scan_source_${tables}_${rows}`;
await admin.query(`create database ${platformName}`);
const existing = await admin.query('select 1 from pg_database where datname = $1', [sourceName]);
if (fresh && existing.rowCount) await admin.query(`drop database ${sourceName} with (force)`);
const sourceUrl = dbUrl(config, sourceName);
if (fresh || !existing.rowCount || (await tableCount(sourceUrl)) !== tables) {
  if (existing.rowCount && !fresh) await admin.query(`drop database ${sourceName} with (force)`);
  await admin.query(`create database ${sourceName}`);
  const began = performance.now();
  await generateSource(sourceUrl, { tables, rows, log });
  log(
    `source ${sourceName}: ${tables} tables × 20 columns × ${rows} rows in ${((performance.now() - began) / 1000).toFixed(1)} s`,
  );
}

const platformUrl = dbUrl(config, platformName);
const db = createDb(platformUrl);
const redis = createRedis(config.redis.url);
const temporal = createTemporalClient(config.temporal);
let worker: ReturnType<typeof runEntrypoint> | undefined;
try {
  await migrateToLatest(db);
  worker = runEntrypoint('worker/main.ts', {
    DATABASE_URL: platformUrl,
    TEMPORAL_TASK_QUEUE: taskQueue,
    LOG_LEVEL: 'info',
  });
  await worker.waitFor(/worker started/, 180_000);
  const workerPid = worker.child.pid!;

  const app = createApp({
    config,
    logger: createLogger(config, 'api'),
    db,
    redis,
    temporal,
    objectStore: createObjectStore(config.s3),
    redisKeyPrefix: `bench:${process.pid}:`,
  });
  const password = randomUUID();
  const { id: workspaceId } = await db
    .insertInto('workspaces')
    .values({ slug: 'bench', name: 'Bench' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { id: userId } = await db
    .insertInto('users')
    .values({
      email: 'bench@example.test',
      display_name: 'Bench',
      password_hash: await hashPassword(password),
      is_platform_admin: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('workspace_memberships')
    .values({ workspace_id: workspaceId, user_id: userId, role: 'admin' })
    .execute();

  async function call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const response = await app.request(path, {
      method,
      headers: {
        'Content-Type': 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
  const { accessToken } = await call<{ accessToken: string }>('POST', '/api/v1/auth/login', {
    email: 'bench@example.test',
    password,
  });
  const source = new URL(config.postgres.url);
  const sourceConfig = {
    host: source.hostname,
    port: Number(source.port),
    database: sourceName,
    user: decodeURIComponent(source.username),
    password: decodeURIComponent(source.password),
  };

  interface Measured {
    seconds: number;
    view: ScanRunView;
    peakRss: number;
    workerCpu: number;
  }

  async function scan(dataSourceId: string): Promise<Measured> {
    let peakRss = rssMiB(workerPid);
    const cpuBefore = cpuSeconds(workerPid);
    const began = performance.now();
    const started = await call<{ id: string }>(
      'POST',
      `/api/v1/datasources/${dataSourceId}/scans`,
      { mode: 'full' },
      accessToken,
    );
    for (;;) {
      peakRss = Math.max(peakRss, rssMiB(workerPid));
      const view = await call<ScanRunView>(
        'GET',
        `/api/v1/scans/${started.id}`,
        undefined,
        accessToken,
      );
      if (!['queued', 'running'].includes(view.status)) {
        if (view.status !== 'succeeded')
          throw new Error(`scan ${view.status}: ${view.error?.message}`);
        const seconds = (performance.now() - began) / 1000;
        const workerCpu = cpuSeconds(workerPid) - cpuBefore;
        // The row ends a moment before the workflow does: wait, so that the next start is free.
        await temporal.workflow.getHandle(`scan:${dataSourceId}`).result();
        return { seconds, view, peakRss, workerCpu };
      }
      await sleep(100);
    }
  }

  const results: { first: Measured; rescan: Measured; floor: number }[] = [];
  for (let run = 1; run <= runs; run++) {
    const loadBefore = load();
    const created = await call<{ id: string }>(
      'POST',
      '/api/v1/datasources',
      { workspaceId, name: `bench ${run}`, scanner: 'postgres', config: sourceConfig },
      accessToken,
    );
    const first = await scan(created.id);
    const rescan = await scan(created.id);
    const floor =
      (await measureFloor(sourceUrl, {
        sampleRows: config.scan.sampleRows,
        concurrency: config.scan.concurrency,
      })) / 1000;
    results.push({ first, rescan, floor });
    log(
      `run ${run}: first scan ${first.seconds.toFixed(2)} s, rescan ${rescan.seconds.toFixed(2)} s, floor ${floor.toFixed(2)} s, peak RSS ${first.peakRss.toFixed(0)}/${rescan.peakRss.toFixed(0)} MiB, worker CPU ${first.workerCpu.toFixed(1)}/${rescan.workerCpu.toFixed(1)} s, load ${loadBefore} → ${load()}`,
    );
  }

  const s = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(2);
  const columns = Number(results[0]!.first.view.stats.columns ?? tables * 20);
  const table = (label: string, pick: (r: (typeof results)[number]) => Measured) => {
    const m = (f: (x: Measured) => number) => median(results.map((r) => f(pick(r))));
    const total = m((x) => x.seconds);
    return [
      `| ${label} | ${total.toFixed(2)} s | ${s(m((x) => x.view.timings.prepare?.ms ?? 0))} | ${s(m((x) => x.view.timings.discover?.ms ?? 0))} | ${s(m((x) => x.view.timings.batches?.ms ?? 0))} | ${s(m((x) => x.view.timings.compliance?.ms ?? 0))} | ${s(m((x) => x.view.timings.finalize?.ms ?? 0))} |`,
      ` ${(tables / total).toFixed(0)} | ${(columns / total).toFixed(0)} | ${m((x) => x.peakRss).toFixed(0)} MiB | ${(total / median(results.map((r) => r.floor))).toFixed(2)} |`,
    ].join('');
  };
  log(
    `\n${tables} tables × 20 columns (${columns} columns), ${rows} rows each; SCAN_CONCURRENCY=${config.scan.concurrency}, SCAN_BATCH_SIZE=${config.scan.batchSize}, SCAN_SAMPLE_ROWS=${config.scan.sampleRows}; medians of ${runs} run(s), through POST /api/v1/datasources/:id/scans`,
  );
  log(
    '| scan | end to end | prepare | discover | batches | compliance | finalize | datasets/s | columns/s | worker peak RSS | ratio to floor |',
  );
  log('|---|---|---|---|---|---|---|---|---|---|---|');
  log(table('first scan', (r) => r.first));
  log(table('rescan', (r) => r.rescan));
  const busy = results[0]!.first.view.timings.busyMs;
  log(
    `floor ${median(results.map((r) => r.floor)).toFixed(2)} s; busy time of the first scan summed over batches: sample ${s(busy?.sample)} s, classify ${s(busy?.classify)} s, compliance ${s(busy?.compliance)} s, catalog ${s(busy?.catalog)} s`,
  );
} finally {
  if (worker && worker.child.exitCode === null) {
    worker.child.kill('SIGTERM');
    await worker.exited;
  }
  redis.disconnect();
  await temporal.connection.close();
  await db.destroy();
  await admin.query(`drop database if exists ${platformName} with (force)`);
  await admin.end();
}
