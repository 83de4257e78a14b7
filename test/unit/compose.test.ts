import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envSchema } from '../../config/env-schema.js';
import { loadConfig } from '../../config/load-config.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const dockerfileText = readFileSync(join(root, 'Dockerfile'), 'utf8');

const INFRA = ['postgres', 'redis', 'temporal', 'minio'] as const;
const APPS = ['api', 'worker'] as const;

/** What an operator's `.env` holds, generated the way the compose file's header says. */
const sampleEnv: Record<string, string> = {
  POSTGRES_PASSWORD: randomBytes(24).toString('hex'),
  REDIS_PASSWORD: randomBytes(24).toString('hex'),
  S3_ACCESS_KEY: 'governance',
  S3_SECRET_KEY: randomBytes(24).toString('hex'),
  JWT_SIGNING_KEY: randomBytes(48).toString('base64'),
  DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
interface Service {
  image?: string;
  build?: string | { context?: string };
  command?: string | string[];
  environment?: Record<string, Json> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
  volumes?: (string | { type?: string; source?: string })[];
  ports?: (string | number | { host_ip?: string; published?: string | number })[];
  stop_grace_period?: string;
}
interface ComposeFile {
  version?: unknown;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const VARIABLE =
  /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Compose's interpolation: `${X}`, `$X`, `${X:-default}`, `${X-default}`, `${X:?error}`, `${X?error}`, `$$`. */
function interpolate(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(
    VARIABLE,
    (match, braced?: string, operator?: string, argument?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare)!;
      const current = vars[name];
      const unset = operator?.startsWith(':') ? !current : current === undefined;
      if (operator?.endsWith('-')) return unset ? (argument ?? '') : current!;
      if (operator?.endsWith('?')) {
        if (unset) throw new Error(`required variable ${name} is missing a value: ${argument}`);
        return current!;
      }
      return current ?? '';
    },
  );
}

function interpolateAll(node: Json, vars: Record<string, string | undefined>): Json {
  if (typeof node === 'string') return interpolate(node, vars);
  if (Array.isArray(node)) return node.map((item) => interpolateAll(item, vars));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v, vars)]));
  }
  return node;
}

function load(vars: Record<string, string | undefined>): ComposeFile {
  return interpolateAll(
    parse(composeText, { merge: true }) as Json,
    vars,
  ) as unknown as ComposeFile;
}

function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  const entries = Array.isArray(env)
    ? env.map((line) => {
        const at = line.indexOf('=');
        return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]);
  return Object.fromEntries(entries) as Record<string, string>;
}

function dependsOnOf(service: Service): Record<string, { condition?: string }> {
  const dependsOn = service.depends_on ?? {};
  return Array.isArray(dependsOn)
    ? Object.fromEntries(dependsOn.map((name) => [name, { condition: 'service_started' }]))
    : dependsOn;
}

function commandOf(service: Service): string[] {
  const command = service.command ?? [];
  return typeof command === 'string' ? command.split(/\s+/).filter(Boolean) : command;
}

/** A compose duration such as `1m30s`, in seconds. */
function seconds(duration: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  return [...duration.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)].reduce(
    (total, [, amount, unit]) => total + Number(amount) * units[unit!]!,
    0,
  );
}

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions per stage, continuation lines joined, comments and directives dropped. */
function parseDockerfile(text: string): {
  globalArgs: Record<string, string>;
  stages: Instruction[][];
} {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .split(/(?<!\\)\n/)
    .map((line) => line.replace(/\\\n/g, ' ').trim())
    .filter(Boolean);

  const globalArgs: Record<string, string> = {};
  const stages: Instruction[][] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args };
    if (instruction.keyword === 'FROM') stages.push([instruction]);
    else if (stages.length > 0) stages.at(-1)!.push(instruction);
    else if (instruction.keyword === 'ARG') {
      const [name = '', value = ''] = args.split('=', 2);
      globalArgs[name.trim()] = value.trim();
    }
  }
  return { globalArgs, stages };
}

/** `.ts` files a command runs, e.g. `api/server.ts` in `node --import tsx api/server.ts`. */
function entrypointFiles(command: string[]): string[] {
  return command.filter((part) => /\.[cm]?ts$/.test(part));
}

const compose = load(sampleEnv);
const dockerfile = parseDockerfile(dockerfileText);
const finalStage = dockerfile.stages.at(-1) ?? [];
const dockerfileHasHealthcheck = finalStage.some(
  (i) => i.keyword === 'HEALTHCHECK' && !/^NONE\b/i.test(i.args),
);
const dockerfileCmd = JSON.parse(
  finalStage.findLast((i) => i.keyword === 'CMD')?.args ?? '[]',
) as string[];

/** Services others wait for with `service_completed_successfully`: they exit, so no healthcheck. */
const oneShotJobs = new Set(
  Object.values(compose.services).flatMap((service) =>
    Object.entries(dependsOnOf(service))
      .filter(([, dependency]) => dependency.condition === 'service_completed_successfully')
      .map(([name]) => name),
  ),
);

const workDirs: string[] = [];
afterAll(() => {
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

describe('docker-compose.yml', () => {
  it('uses the Compose specification (no version key) and defines the platform services', () => {
    expect(compose.version).toBeUndefined();
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining([...INFRA, ...APPS]));
  });

  it('gives every long-running service a healthcheck', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (oneShotJobs.has(name)) continue;
      const own = Boolean(service.healthcheck?.test) && service.healthcheck?.disable !== true;
      const fromImage = service.build !== undefined && dockerfileHasHealthcheck;
      expect(own || fromImage, `${name} has no healthcheck`).toBe(true);
    }
    // The image's own check probes the API's HTTP port, which the worker does not open.
    expect(compose.services.worker?.healthcheck?.test).toBeDefined();
  });

  it.each(APPS)('builds %s from this repository once the four services are healthy', (name) => {
    const service = compose.services[name]!;
    const context = typeof service.build === 'string' ? service.build : service.build?.context;
    expect(context).toBe('.');
    for (const infra of INFRA) {
      expect(dependsOnOf(service)[infra]?.condition, `${name} → ${infra}`).toBe('service_healthy');
    }
  });

  it.each(APPS)('gives %s only environment variables that config/env-schema.ts reads', (name) => {
    const known = new Set(Object.keys(envSchema.shape));
    const unknown = Object.keys(environmentOf(compose.services[name]!)).filter(
      (key) => !known.has(key),
    );
    expect(unknown).toEqual([]);
  });

  it.each(APPS)('gives %s an environment that loadConfig accepts in production mode', (name) => {
    const cwd = mkdtempSync(join(tmpdir(), 'compose-config-'));
    workDirs.push(cwd);
    const env = environmentOf(compose.services[name]!);
    expect(env.NODE_ENV).toBe('production');

    const config = loadConfig(env, cwd);

    expect(config.env).toBe('production');
    expect(config.api).toEqual({ host: '0.0.0.0', port: 8400 });
    expect(config.postgres.managed).toBe(false);
    expect(config.redis.managed).toBe(false);
    expect(config.temporal.managed).toBe(false);
    expect(config.s3.managed).toBe(false);
    expect(config.secrets.jwtSigningKey).toBe(sampleEnv.JWT_SIGNING_KEY);
    expect(config.secrets.dataEncryptionKey).toHaveLength(32);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('points the service addresses at the compose services, with their credentials', () => {
    const env = environmentOf(compose.services.api!);
    const postgres = environmentOf(compose.services.postgres!);
    const minio = environmentOf(compose.services.minio!);

    const database = new URL(env.DATABASE_URL!);
    expect(database.hostname).toBe('postgres');
    expect(decodeURIComponent(database.username)).toBe(postgres.POSTGRES_USER);
    expect(decodeURIComponent(database.password)).toBe(postgres.POSTGRES_PASSWORD);
    expect(database.pathname).toBe(`/${postgres.POSTGRES_DB}`);

    const redis = new URL(env.REDIS_URL!);
    expect(redis.hostname).toBe('redis');
    const redisCommand = commandOf(compose.services.redis!);
    const requirePass = redisCommand[redisCommand.indexOf('--requirepass') + 1];
    expect(decodeURIComponent(redis.password)).toBe(requirePass);
    expect(environmentOf(compose.services.redis!).REDISCLI_AUTH).toBe(requirePass);

    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');

    expect(new URL(env.S3_ENDPOINT!).hostname).toBe('minio');
    expect(env.S3_ACCESS_KEY).toBe(minio.MINIO_ROOT_USER);
    expect(env.S3_SECRET_KEY).toBe(minio.MINIO_ROOT_PASSWORD);
  });

  it("creates the app's bucket before the app starts, since only the local scripts do", () => {
    const env = environmentOf(compose.services.api!);
    const bucket = env.S3_BUCKET ?? envSchema.shape.S3_BUCKET.parse(undefined);
    const [jobName, job] =
      Object.entries(compose.services).find(([, service]) =>
        commandOf(service).some((part) => part.includes('mc mb')),
      ) ?? [];
    expect(jobName, 'a service that runs `mc mb`').toBeDefined();
    expect(oneShotJobs.has(jobName!)).toBe(true);
    expect(job!.restart).toBe('no');
    const jobEnv = environmentOf(job!);
    expect(jobEnv.S3_BUCKET).toBe(bucket);
    expect(jobEnv.S3_ACCESS_KEY).toBe(env.S3_ACCESS_KEY);
    expect(jobEnv.S3_SECRET_KEY).toBe(env.S3_SECRET_KEY);
    for (const app of APPS) {
      const condition = dependsOnOf(compose.services[app]!)[jobName!]?.condition;
      expect(condition, `${app} → ${jobName}`).toBe('service_completed_successfully');
    }
  });

  it('refuses to start while a secret is missing from .env', () => {
    const raw = parse(composeText, { merge: true }) as ComposeFile;
    const rawEnv = environmentOf(raw.services.api!);
    for (const key of ['JWT_SIGNING_KEY', 'DATA_ENCRYPTION_KEY', 'S3_SECRET_KEY']) {
      expect(rawEnv[key], key).toMatch(/^\$\{[A-Z0-9_]+:\?[^}]+\}$/);
    }
    for (const name of Object.keys(sampleEnv)) {
      const rest = Object.fromEntries(Object.entries(sampleEnv).filter(([key]) => key !== name));
      expect(() => load(rest), name).toThrow(new RegExp(`required variable ${name}\\b`));
      expect(() => load({ ...rest, [name]: '' }), `${name} empty`).toThrow(/required variable/);
    }
  });

  it('documents in its header how to create every variable it requires', () => {
    const required = new Set([...composeText.matchAll(/\$\{([A-Z0-9_]+):?\?/g)].map((m) => m[1]));
    const header = composeText.slice(0, composeText.search(/^[^#\s]/m));
    const documented = new Set([...header.matchAll(/^#\s+([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual([...required].sort());
    expect([...required].sort()).toEqual(Object.keys(sampleEnv).sort());
  });

  it('declares every named volume it mounts, and mounts every one it declares', () => {
    const declared = Object.keys(compose.volumes ?? {});
    const used = new Set<string>();
    for (const [name, service] of Object.entries(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const named =
          typeof volume === 'string'
            ? volume.split(':')[0]
            : (volume.type ?? 'volume') === 'volume'
              ? volume.source
              : undefined;
        // Paths are bind mounts, which need no declaration.
        if (!named || /^[./~]/.test(named)) continue;
        expect(declared, `${name} mounts undeclared volume ${named}`).toContain(named);
        used.add(named);
      }
    }
    expect(declared.sort()).toEqual([...used].sort());
    for (const infra of INFRA) {
      expect(
        compose.services[infra]!.volumes?.length,
        `${infra} keeps its data in a volume`,
      ).toBeGreaterThan(0);
    }
  });

  it('publishes the infrastructure services on this machine only', () => {
    for (const infra of INFRA) {
      for (const port of compose.services[infra]!.ports ?? []) {
        const hostIp =
          typeof port === 'object' ? port.host_ip : /^([\d.]+):\d+:/.exec(String(port))?.[1];
        expect(hostIp, `${infra} publishes ${JSON.stringify(port)}`).toBe('127.0.0.1');
      }
    }
  });

  it("stops the worker no sooner than the worker's own shutdown grace period", () => {
    const env = environmentOf(compose.services.worker!);
    const grace = Number(
      env.WORKER_SHUTDOWN_GRACE_SECONDS ??
        envSchema.shape.WORKER_SHUTDOWN_GRACE_SECONDS.parse(undefined),
    );
    expect(seconds(compose.services.worker!.stop_grace_period ?? '10s')).toBeGreaterThan(grace);
  });
});

describe('Dockerfile', () => {
  it('builds every stage from Node 24 on glibc', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    const stageNames = new Set<string>();
    for (const [from] of dockerfile.stages) {
      const [image = '', as, alias] = from!.args.replace(/--\S+\s+/g, '').split(/\s+/);
      const resolved = image.replace(
        /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
        (_, name: string) => dockerfile.globalArgs[name] ?? '',
      );
      if (!stageNames.has(resolved)) {
        expect(resolved).toMatch(/^node:24[.-]/);
        // The Temporal core bridge ships prebuilt binaries for glibc only.
        expect(resolved).not.toMatch(/alpine/);
      }
      if (as?.toUpperCase() === 'AS' && alias) stageNames.add(alias);
    }
  });

  it('runs as a non-root user in production mode', () => {
    const user = finalStage.findLast((i) => i.keyword === 'USER')?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const env = finalStage
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
  });

  it('installs production dependencies only in the runtime stage', () => {
    const installs = finalStage.filter(
      (i) => i.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(i.args),
    );
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) expect(install.args).toMatch(/--omit=dev\b/);
  });

  it('exposes the API port and checks /health', () => {
    expect(finalStage.some((i) => i.keyword === 'EXPOSE' && /\b8400\b/.test(i.args))).toBe(true);
    expect(dockerfileHasHealthcheck).toBe(true);
    expect(finalStage.find((i) => i.keyword === 'HEALTHCHECK')?.args).toMatch(/\/health\b/);
  });

  it('starts entrypoints that exist in the repository', () => {
    const commands = [dockerfileCmd, ...APPS.map((name) => commandOf(compose.services[name]!))];
    const files = commands.flatMap(entrypointFiles);
    expect(files).toEqual(expect.arrayContaining(['api/server.ts', 'worker/main.ts']));
    for (const file of files) expect(existsSync(join(root, file)), `${file} exists`).toBe(true);
  });
});
