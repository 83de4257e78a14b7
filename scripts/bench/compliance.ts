import pg from 'pg';
import { infoTypeById } from '../../core/classification/catalogue/index.js';
import { evaluateRules } from '../../core/compliance/evaluate-rules.js';
import { loadConfigOrExit, type Config } from '../../config/load-config.js';
import { createDb } from '../../db/connection.js';
import { migrateToLatest } from '../../db/migrate.js';
import { loadComplianceFacts } from '../../db/queries/compliance-facts.js';
import { builtInRulePacks } from '../../infra/compliance-packs.js';
import { evaluateDataSource, rulesInForce } from '../../infra/compliance-evaluation.js';
import { createLogger } from '../../infra/logger.js';
import { createRedis } from '../../infra/redis.js';
import { servicesUp } from '../services/index.js';

// `npm run bench:compliance [-- --datasets 1000 --columns 20 --runs 5]`: a catalog of
// `datasets` × `columns` classified columns in a scratch platform database, evaluated
// against the built-in packs: the rules alone in memory, and the whole evaluation (read the
// catalog, evaluate, record results and transitions) as a scan or an on-demand call runs it.
const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const datasets = flag('datasets', 1000);
const columnsPer = flag('columns', 20);
const runs = flag('runs', 5);
const log = (line: string) => process.stdout.write(`${line}\n`);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** A column mix like a business database: a third sensitive, most of it contact data. */
const TYPES = [
  'EMAIL_ADDRESS',
  'PHONE_NUMBER',
  'PERSON',
  'STREET_ADDRESS',
  'DATE_OF_BIRTH',
  'IP_ADDRESS',
  'CREDIT_CARD',
  'US_SSN',
  'ICD10_CODE',
  'IBAN_CODE',
];

const config: Config = loadConfigOrExit({ ...process.env, LOG_LEVEL: 'warn' });
await servicesUp(config, { only: ['postgres', 'redis'] });
const admin = new pg.Client({ connectionString: config.postgres.url });
await admin.connect();
const name = `bench_compliance_${process.pid}`;
await admin.query(`create database ${name}`);
const url = new URL(config.postgres.url);
url.pathname = `/${name}`;
const db = createDb(url.toString());
const redis = createRedis(config.redis.url);
try {
  await migrateToLatest(db);
  const dataSourceId = await seedCatalog(db);
  const packs = builtInRulePacks();
  const deps = {
    db,
    redis,
    logger: createLogger(config, 'bench'),
    packs,
    redisKeyPrefix: `bench:${process.pid}:`,
  };
  const facts = (await loadComplianceFacts(
    db,
    dataSourceId,
    (id) => infoTypeById(id)?.category ?? null,
  ))!;
  const rules = await rulesInForce(deps, facts.workspaceId);
  const columns = facts.datasets.reduce((sum, d) => sum + d.columns.length, 0);
  log(
    `catalog: ${facts.datasets.length} datasets, ${columns} columns; ${rules.length} rules in ${packs.packs.length} packs`,
  );

  const pure: number[] = [];
  let results = 0;
  for (let run = 0; run < runs; run += 1) {
    const began = performance.now();
    results = evaluateRules(rules, facts.source, facts.datasets).length;
    pure.push(performance.now() - began);
  }
  log(
    `rules in memory: median ${median(pure).toFixed(0)} ms over ${runs} runs (${results} results where rules apply)`,
  );

  const whole: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const began = performance.now();
    const summary = await evaluateDataSource(deps, dataSourceId, {});
    whole.push(performance.now() - began);
    log(
      `  evaluation ${run + 1}: ${(whole.at(-1)! / 1000).toFixed(2)} s (read and judge ${(summary!.durationMs / 1000).toFixed(2)} s, then record); passed ${summary!.passed}, failed ${summary!.failed}, opened ${summary!.opened}, resolved ${summary!.resolved}`,
    );
  }
  const first = whole[0]!;
  log(
    `whole evaluation of ${columns} columns: first ${(first / 1000).toFixed(2)} s, median of the rest ${(median(whole.slice(1)) / 1000).toFixed(2)} s (goal < 2 s)`,
  );
} finally {
  redis.disconnect();
  await db.destroy();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}

async function seedCatalog(database: typeof db): Promise<string> {
  const workspace = await database
    .insertInto('workspaces')
    .values({ slug: 'bench', name: 'Bench' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const source = await database
    .insertInto('data_sources')
    .values({
      workspace_id: workspace.id,
      name: 'bench',
      scanner: 'postgres',
      settings: '{}',
      tags: ['production'],
      region: 'eu-west-1',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const base = { workspace_id: workspace.id, data_source_id: source.id };
  for (let at = 0; at < datasets; at += 200) {
    const batch = Array.from({ length: Math.min(200, datasets - at) }, (_, offset) => at + offset);
    const written = await database
      .insertInto('catalog_assets')
      .values(
        batch.map((index) => ({
          ...base,
          kind: index % 10 === 9 ? 'view' : 'table',
          fqn: `bench.s.t${index}`,
          name: `t${index}`,
          description: index % 3 === 0 ? `Table ${index}` : null,
          tags: index % 4 === 0 ? ['legal-basis:contract', 'retention:P3Y'] : [],
          properties: JSON.stringify({
            rowEstimate: 1000 + index,
            access: { publicRead: index % 20 === 9, readers: [] },
          }),
        })),
      )
      .returning(['id', 'fqn'])
      .execute();
    const columns = written.flatMap(({ id }, row) =>
      Array.from({ length: columnsPer }, (_, position) => {
        const type =
          (batch[row]! + position) % 3 === 0
            ? TYPES[(batch[row]! + position) % TYPES.length]!
            : null;
        const info = type ? infoTypeById(type) : undefined;
        return {
          ...base,
          parent_id: id,
          kind: 'column',
          fqn: `${written[row]!.fqn}.c${position}`,
          name: `c${position}`,
          data_type: 'text',
          properties: JSON.stringify({
            position: position + 1,
            ...(position === 0 && { primaryKey: true }),
            classification: info
              ? {
                  infoType: info.id,
                  status: 'suggested',
                  sensitive: info.sensitivity !== 'public',
                  sensitivity: info.sensitivity,
                  confidence: 0.9,
                  evidence: [{ detector: 'values', ratio: 0.97, matched: 97, examined: 100 }],
                }
              : {
                  infoType: null,
                  sensitive: false,
                  sensitivity: null,
                  confidence: 0,
                  evidence: [],
                },
          }),
        };
      }),
    );
    await database.insertInto('catalog_assets').values(columns).execute();
  }
  return source.id;
}
