import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import './provided-context.js';
import { servicesUp } from '../../scripts/services/index.js';
import { createDb } from '../../db/connection.js';
import { migrateToLatest } from '../../db/migrate.js';
import { WORKFLOWS_PATH } from '../../worker/create-worker.js';
import { TEMPLATE_DATABASE, withDatabase } from './database-url.js';
import { testConfig } from './test-config.js';

async function prepareTemplate(adminUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await admin.query(`create database ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const db = createDb(withDatabase(adminUrl, TEMPLATE_DATABASE), { max: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const config = testConfig();
  const started = performance.now();
  await servicesUp(config, { log: (line) => process.stdout.write(`[services] ${line}\n`) });
  await prepareTemplate(config.postgres.url);

  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  const dir = join(config.dataDir, 'test');
  mkdirSync(dir, { recursive: true });
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  project.provide('workflowBundlePath', bundlePath);
  process.stdout.write(
    `[setup] services, template database and workflow bundle ready in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };
