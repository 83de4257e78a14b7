import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import pg from 'pg';
import { createApp } from '../../api/app.js';
import { loadConfigOrExit } from '../../config/load-config.js';
import { defineAbilityFor } from '../../core/permissions/define-ability.js';
import { ROLES } from '../../core/permissions/vocabulary.js';
import { createDb } from '../../db/connection.js';
import { migrateToLatest } from '../../db/migrate.js';
import { loadActiveActor } from '../../db/queries/actors.js';
import { createAccessTokens } from '../../infra/access-tokens.js';
import { createLogger } from '../../infra/logger.js';
import { createObjectStore } from '../../infra/object-store.js';
import { hashPassword } from '../../infra/passwords.js';
import { createRedis } from '../../infra/redis.js';
import { createSessions } from '../../infra/sessions.js';
import { createTemporalClient } from '../../infra/temporal.js';
import { servicesUp } from '../services/index.js';

// `npm run bench:api [-- --duration 10 --connections 10 --warmup 3 --runs 1 --rows 10000]`
// Starts the real API in this process on loopback against a fresh database, seeds it, and
// loads it with autocannon from a worker thread (so the load generator does not share the
// API's event loop). Logging is off and the rate limit raised out of reach; the limiter still
// runs its Redis script on every request that is not a probe.
const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    runs: { type: 'string', default: '1' },
    rows: { type: 'string', default: '10000' },
  },
});
const duration = Number(flags.duration);
const connections = Number(flags.connections);
const warmup = Number(flags.warmup);
const runs = Number(flags.runs);
const rows = Number(flags.rows);
const WORKSPACES = 8;
const MEMBERS = 1_000;

const config = loadConfigOrExit({
  ...process.env,
  LOG_LEVEL: 'silent',
  RATE_LIMIT_REQUESTS: String(1e9),
});
const log = (line: string) => process.stderr.write(`${line}\n`);
await servicesUp(config, { only: ['postgres', 'redis'], log: (line) => log(`[services] ${line}`) });

const database = `bench_api_${process.pid}`;
const admin = async (statement: string) => {
  const client = new pg.Client({ connectionString: config.postgres.url });
  await client.connect();
  await client.query(statement).finally(() => client.end());
};
await admin(`create database ${database}`);
const url = new URL(config.postgres.url);
url.pathname = `/${database}`;
const db = createDb(url.toString());
const redis = createRedis(config.redis.url);
const temporal = createTemporalClient(config.temporal);
const prefix = `bench:${process.pid}:`;

/**
 * Eight workspaces; 1,000 members spread over them; `rows` audit entries, a tenth of them
 * platform-wide (no workspace). The measured user administers two workspaces, so the audit
 * list is filtered in SQL to about a fifth of the rows: the permission filter has work to do.
 */
async function seed() {
  await migrateToLatest(db);
  const workspaces = await db
    .insertInto('workspaces')
    .values(Array.from({ length: WORKSPACES }, (_, i) => ({ slug: `bench-${i}`, name: `W${i}` })))
    .returning('id')
    .execute();
  await sql`
    insert into users (email, display_name)
    select 'member' || i || '@example.test', 'Member ' || i from generate_series(1, ${MEMBERS}) i`.execute(
    db,
  );
  await sql`
    insert into workspace_memberships (workspace_id, user_id, role)
    select w.id, u.id, (${sql.val([...ROLES])}::text[])[1 + (abs(hashtext(w.id::text || u.id::text)) % 4)]
    from users u cross join workspaces w
    where abs(hashtext(u.id::text || w.slug)) % 3 = 0`.execute(db);
  await sql`
    with u as (select array_agg(id order by id) as ids, array_agg(email order by id) as emails from users)
    insert into audit_log (occurred_at, actor_user_id, actor_label, workspace_id, action, object_type, object_id, after)
    select now() - (i || ' seconds')::interval, u.ids[1 + i % ${MEMBERS}], u.emails[1 + i % ${MEMBERS}],
           case when i % 10 = 0 then null else (${sql.val(workspaces.map((w) => w.id))}::uuid[])[1 + i % ${WORKSPACES}] end,
           (array['datasource.update', 'scan.start', 'membership.set', 'user.update'])[1 + i % 4],
           'datasource', 'object-' || (i % 500), jsonb_build_object('name', 'n' || i)
    from generate_series(1, ${rows}) i, u`.execute(db);
  const password = `bench-${randomUUID()}`;
  const user = await db
    .insertInto('users')
    .values({
      email: 'bench-admin@example.test',
      display_name: 'Bench',
      password_hash: await hashPassword(password),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('workspace_memberships')
    .values(
      workspaces
        .slice(0, 2)
        .map((w) => ({ workspace_id: w.id, user_id: user.id, role: 'admin' as const })),
    )
    .execute();
  return {
    workspaceId: workspaces[0]!.id,
    email: 'bench-admin@example.test',
    password,
    userId: user.id,
  };
}

type Result = { rps: number; p50: number; p99: number };
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function load(
  target: string,
  headers: Record<string, string>,
  seconds: number,
  conns: number,
) {
  const result = await autocannon({
    url: target,
    headers,
    connections: conns,
    duration: seconds,
    workers: 1,
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${target}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/** Times `fn` sequentially; the median in microseconds. */
async function timeIt(fn: () => Promise<unknown> | unknown, iterations = 2_000): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await fn();
    samples.push((performance.now() - started) * 1000);
  }
  return median(samples);
}

let api: ServerType | undefined;
try {
  const started = performance.now();
  const actor = await seed();
  log(
    `seeded ${rows} audit entries, ${MEMBERS} members in ${WORKSPACES} workspaces in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const app = createApp({
    config,
    logger: createLogger(config, 'api'),
    db,
    redis,
    temporal,
    objectStore: createObjectStore(config.s3),
    redisKeyPrefix: prefix,
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  api = server;
  await new Promise((resolve) => server.once('listening', resolve));
  while (redis.status !== 'ready') await new Promise((resolve) => setTimeout(resolve, 50));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: actor.email, password: actor.password }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const auth = { Authorization: `Bearer ${accessToken}` };

  const targets = [
    { name: 'GET /health (no rate limit, no auth)', path: '/health', headers: {} },
    { name: 'GET /docs/docs.css (rate limit, no auth)', path: '/docs/docs.css', headers: {} },
    { name: 'GET /api/v1/me (rate limit + auth)', path: '/api/v1/me', headers: auth },
    {
      name: `GET /api/v1/audit?limit=50 (admin of 2/${WORKSPACES}, ${rows} rows)`,
      path: '/api/v1/audit?limit=50',
      headers: auth,
    },
    {
      name: `GET /api/v1/workspaces/{id}/members?limit=50`,
      path: `/api/v1/workspaces/${actor.workspaceId}/members?limit=50`,
      headers: auth,
    },
  ];
  const results = new Map<string, Result[]>(targets.map((t) => [t.name, []]));
  for (let run = 1; run <= runs; run++) {
    for (const target of targets) {
      await load(base + target.path, target.headers, warmup, connections);
      const result = await load(base + target.path, target.headers, duration, connections);
      results.get(target.name)!.push(result);
      log(
        `run ${run} ${target.name}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms`,
      );
    }
  }
  const summary = (name: string) => {
    const list = results.get(name)!;
    return {
      rps: median(list.map((r) => r.rps)),
      p50: median(list.map((r) => r.p50)),
      p99: median(list.map((r) => r.p99)),
    };
  };
  const [health, css, me] = targets.slice(0, 3).map((t) => summary(t.name)) as [
    Result,
    Result,
    Result,
  ];

  // Where an authenticated request's time goes, one step at a time with nothing else running.
  const tokens = createAccessTokens(
    config.secrets.jwtSigningKey,
    config.auth.accessTokenTtlSeconds,
  );
  const claims = (await tokens.verify(accessToken))!;
  const sessions = createSessions(redis, config.auth.refreshTokenTtlSeconds, prefix);
  const record = (await loadActiveActor(db, claims.userId))!;
  const steps = {
    'JWT verify (jose, HS256)': await timeIt(() => tokens.verify(accessToken)),
    'Redis GET of the session': await timeIt(() => sessions.userOf(claims.sessionId)),
    'SQL: user + memberships (1 query)': await timeIt(() => loadActiveActor(db, claims.userId)),
    'defineAbilityFor + first check (CASL)': await timeIt(
      () => defineAbilityFor(record).can('read', 'AuditLog'),
      20_000,
    ),
  };
  // One request at a time (no queueing): what auth adds to a single request's latency.
  const alone = (path: string, headers: Record<string, string>) =>
    timeIt(async () => (await fetch(base + path, { headers })).arrayBuffer(), 1_000);
  const unloaded = {
    health: await alone('/health', {}),
    css: await alone('/docs/docs.css', {}),
    me: await alone('/api/v1/me', auth),
  };

  const out: string[] = [
    `API benchmark: ${connections} connections, ${duration} s per route after a ${warmup} s warm-up, median of ${runs} run(s)`,
    '',
    '| route | requests/s | p50 (ms) | p99 (ms) |',
    '| --- | ---: | ---: | ---: |',
    ...targets.map((t) => {
      const r = summary(t.name);
      return `| ${t.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} |`;
    }),
    '',
    `Auth + ability overhead at p50 under load: me − docs.css = ${(me.p50 - css.p50).toFixed(1)} ms; me − health (adds the rate limit) = ${(me.p50 - health.p50).toFixed(1)} ms.`,
    `Per-request service time (1000 / requests/s): health ${(1000 / health.rps).toFixed(2)} ms, docs.css ${(1000 / css.rps).toFixed(2)} ms, me ${(1000 / me.rps).toFixed(2)} ms.`,
    `One request at a time, p50 (last run): health ${(unloaded.health / 1000).toFixed(2)} ms, docs.css ${(unloaded.css / 1000).toFixed(2)} ms, me ${(unloaded.me / 1000).toFixed(2)} ms; auth + ability = me − docs.css = ${((unloaded.me - unloaded.css) / 1000).toFixed(2)} ms.`,
    '',
    '| authentication step, run alone | median (µs) |',
    '| --- | ---: |',
    ...Object.entries(steps).map(([name, us]) => `| ${name} | ${us.toFixed(0)} |`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  if (api) await new Promise((resolve) => api!.close(resolve));
  const keys = await redis.keys(`${prefix}*`).catch(() => []);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await db.destroy();
  await temporal.connection.close().catch(() => undefined);
  await admin(`drop database if exists ${database} with (force)`);
}
