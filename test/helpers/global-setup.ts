import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import './provided-context.js';
import { SERVICE_NAMES, servicesUp } from '../../scripts/services/index.js';
import { createDb } from '../../db/connection.js';
import { migrateToLatest } from '../../db/migrate.js';
import { WORKFLOWS_PATH } from '../../worker/create-worker.js';
import { TEMPLATE_PREFIX, withDatabase } from './database-url.js';
import { testConfig } from './test-config.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function onAdmin(adminUrl: string, fn: (admin: pg.Client) => Promise<void>): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await fn(admin);
  } finally {
    await admin.end();
  }
}

/** Creates this run's template (dropping those of runs that died) and migrates it. */
async function prepareTemplate(adminUrl: string, template: string): Promise<void> {
  await onAdmin(adminUrl, async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      'select datname from pg_database where datname like $1',
      [`${TEMPLATE_PREFIX}%`],
    );
    for (const { datname } of rows) {
      const pid = Number(datname.slice(TEMPLATE_PREFIX.length));
      if (datname === template || !isAlive(pid)) {
        await admin.query(`drop database if exists ${datname} with (force)`);
      }
    }
    await admin.query(`create database ${template}`);
  });
  const db = createDb(withDatabase(adminUrl, template), { max: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = testConfig();
  const started = performance.now();
  // MariaDB too: the MySQL scanner's tests scan it.
  await servicesUp(config, {
    only: [...SERVICE_NAMES],
    log: (line) => process.stdout.write(`[services] ${line}\n`),
  });
  const template = `${TEMPLATE_PREFIX}${process.pid}`;
  await prepareTemplate(config.postgres.url, template);
  project.provide('templateDatabase', template);

  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  const dir = join(config.dataDir, 'test');
  mkdirSync(dir, { recursive: true });
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  project.provide('workflowBundlePath', bundlePath);
  process.stdout.write(
    `[setup] services, template database and workflow bundle ready in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return () =>
    onAdmin(config.postgres.url, async (admin) => {
      await admin.query(`drop database if exists ${template} with (force)`);
    });
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };
