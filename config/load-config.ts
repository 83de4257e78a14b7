import { resolve } from 'node:path';
import { envSchema, type Env } from './env-schema.js';
import { loadLocalSecrets, type LocalSecrets } from './local-secrets.js';

/** A local service is `managed` when the project's scripts run it (no URL was given). */
export interface Config {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  dataDir: string;
  toolsDir: string;
  api: { host: string; port: number };
  postgres: { url: string; managed: boolean; port: number; password: string };
  /** `keyPrefix` goes before every key and channel, so deployments can share one Redis. */
  redis: { url: string; managed: boolean; port: number; password: string; keyPrefix: string };
  temporal: {
    address: string;
    managed: boolean;
    port: number;
    uiPort: number;
    uiUrl: string;
    namespace: string;
    taskQueue: string;
  };
  s3: {
    endpoint: string;
    managed: boolean;
    port: number;
    consolePort: number;
    accessKey: string;
    secretKey: string;
    region: string;
    bucket: string;
  };
  /** `previousEncryptionKeys` still decrypt what was written before a key rotation. */
  secrets: { jwtSigningKey: string; dataEncryptionKey: Buffer; previousEncryptionKeys: Buffer[] };
  /** `adminPassword` is undefined when none was given: development then generates one. */
  auth: {
    adminEmail: string;
    adminPassword: string | undefined;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
  };
  http: {
    bodyLimitBytes: number;
    /** How many reverse proxies in front of the API may set X-Forwarded-For. */
    trustedProxies: number;
    rateLimit: {
      requests: number;
      windowMs: number;
      failMode: 'open' | 'closed';
      timeoutMs: number;
    };
  };
  /** A MariaDB used by tests and the demo; `managed` when the project's scripts run it. */
  mariadb: { url: string; managed: boolean; port: number; password: string };
  scan: {
    /** npm packages loaded as extra scanner plugins at start-up. */
    plugins: string[];
    /** Scanners may connect only to addresses in `allowCidrs` (all when empty) and never to `denyCidrs`. */
    allowCidrs: string[];
    denyCidrs: string[];
    concurrency: number;
    batchSize: number;
    sampleRows: number;
    sampleRetentionDays: number;
  };
  /**
   * LLM adjudication of columns the rules cannot decide; off while `apiKey` is undefined.
   * Budgets are per scan run. Values reach the model masked unless `sendRawValues`.
   */
  llm: {
    baseURL: string | undefined;
    apiKey: string | undefined;
    model: string;
    timeoutMs: number;
    maxCallsPerScan: number;
    maxTokensPerScan: number;
    sendRawValues: boolean;
    cacheTtlSeconds: number;
  };
  /** A folder of extra rule packs (`*.json`) loaded beside the built-in ones. */
  compliance: { packsDir: string | undefined };
  demo: boolean;
  worker: { shutdownGraceMs: number };
  readiness: { timeoutMs: number };
}

/** Thrown with every problem found, so an operator fixes them all in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const SERVICE_URLS = ['DATABASE_URL', 'REDIS_URL', 'TEMPORAL_ADDRESS', 'S3_ENDPOINT'] as const;

/**
 * Validates the environment once. In development and test, missing secrets and the local
 * services' passwords come from `<DATA_DIR>/secrets.json` (generated on first use); in
 * production every secret and every service address must be given.
 *
 * @example
 * const config = loadConfig(process.env); // throws ConfigError listing every bad key
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const raw = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const env = parsed.data;
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';

  if (production) {
    for (const key of ['JWT_SIGNING_KEY', 'DATA_ENCRYPTION_KEY', ...SERVICE_URLS] as const) {
      if (!env[key]) problems.push(`${key}: required when NODE_ENV=production`);
    }
  }
  if (env.S3_ENDPOINT && (!env.S3_ACCESS_KEY || !env.S3_SECRET_KEY)) {
    problems.push('S3_ACCESS_KEY and S3_SECRET_KEY: required when S3_ENDPOINT is set');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = resolve(cwd, env.DATA_DIR);
  const local: LocalSecrets | undefined = production ? undefined : loadLocalSecrets(dataDir);
  const generated = <K extends keyof LocalSecrets>(key: K): string => local?.[key] ?? '';

  const postgresPassword = generated('postgresPassword');
  const redisPassword = generated('redisPassword');
  const mariadbPassword = generated('mariadbPassword');
  const temporalAddress = env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT}`;

  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    dataDir,
    toolsDir: resolve(cwd, env.TOOLS_DIR),
    api: { host: env.API_HOST, port: env.API_PORT },
    postgres: {
      url:
        env.DATABASE_URL ??
        `postgres://governance:${encodeURIComponent(postgresPassword)}@127.0.0.1:${env.PG_PORT}/governance`,
      managed: !env.DATABASE_URL,
      port: env.PG_PORT,
      password: postgresPassword,
    },
    redis: {
      url:
        env.REDIS_URL ??
        `redis://:${encodeURIComponent(redisPassword)}@127.0.0.1:${env.REDIS_PORT}`,
      managed: !env.REDIS_URL,
      port: env.REDIS_PORT,
      password: redisPassword,
      keyPrefix: env.REDIS_KEY_PREFIX,
    },
    temporal: {
      address: temporalAddress,
      managed: !env.TEMPORAL_ADDRESS,
      port: env.TEMPORAL_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
      uiUrl: env.TEMPORAL_UI_URL ?? `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
    },
    s3: {
      endpoint: env.S3_ENDPOINT ?? `http://127.0.0.1:${env.MINIO_PORT}`,
      managed: !env.S3_ENDPOINT,
      port: env.MINIO_PORT,
      consolePort: env.MINIO_CONSOLE_PORT,
      accessKey: env.S3_ACCESS_KEY ?? generated('minioAccessKey'),
      secretKey: env.S3_SECRET_KEY ?? generated('minioSecretKey'),
      region: env.S3_REGION,
      bucket: env.S3_BUCKET,
    },
    secrets: {
      jwtSigningKey: env.JWT_SIGNING_KEY ?? generated('jwtSigningKey'),
      dataEncryptionKey: Buffer.from(
        env.DATA_ENCRYPTION_KEY ?? generated('dataEncryptionKey'),
        'base64',
      ),
      previousEncryptionKeys: list(env.DATA_ENCRYPTION_PREVIOUS_KEYS).map((key) =>
        Buffer.from(key, 'base64'),
      ),
    },
    auth: {
      adminEmail: env.ADMIN_EMAIL,
      adminPassword: env.ADMIN_PASSWORD,
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
    },
    http: {
      bodyLimitBytes: env.HTTP_BODY_LIMIT_BYTES,
      trustedProxies: env.TRUSTED_PROXIES,
      rateLimit: {
        requests: env.RATE_LIMIT_REQUESTS,
        windowMs: env.RATE_LIMIT_WINDOW_MS,
        failMode: env.RATE_LIMIT_FAIL_MODE,
        timeoutMs: env.RATE_LIMIT_TIMEOUT_MS,
      },
    },
    mariadb: {
      url:
        env.MARIADB_URL ??
        `mysql://governance:${encodeURIComponent(mariadbPassword)}@127.0.0.1:${env.MARIADB_PORT}/governance`,
      managed: !env.MARIADB_URL,
      port: env.MARIADB_PORT,
      password: mariadbPassword,
    },
    scan: {
      plugins: list(env.SCANNER_PLUGINS),
      allowCidrs: list(env.SCANNER_ALLOW_CIDRS),
      denyCidrs: list(env.SCANNER_DENY_CIDRS),
      concurrency: env.SCAN_CONCURRENCY,
      batchSize: env.SCAN_BATCH_SIZE,
      sampleRows: env.SCAN_SAMPLE_ROWS,
      sampleRetentionDays: env.SAMPLE_RETENTION_DAYS,
    },
    llm: {
      baseURL: env.LLM_BASE_URL,
      apiKey: env.LLM_API_KEY,
      model: env.LLM_MODEL,
      timeoutMs: env.LLM_TIMEOUT_MS,
      maxCallsPerScan: env.LLM_MAX_CALLS_PER_SCAN,
      maxTokensPerScan: env.LLM_MAX_TOKENS_PER_SCAN,
      sendRawValues: env.LLM_SEND_RAW_VALUES,
      cacheTtlSeconds: env.LLM_CACHE_TTL_SECONDS,
    },
    compliance: { packsDir: env.COMPLIANCE_PACKS_DIR },
    demo: env.DEMO,
    worker: { shutdownGraceMs: env.WORKER_SHUTDOWN_GRACE_SECONDS * 1000 },
    readiness: { timeoutMs: env.READY_CHECK_TIMEOUT_MS },
  };
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** For entrypoints: prints every problem on stderr and exits 1 instead of throwing. */
export function loadConfigOrExit(source: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(source);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
