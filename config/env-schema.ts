import { isIP } from 'node:net';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');
const urlWithScheme = (schemes: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return schemes.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}` },
  );
const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, { message: 'must be host:port, e.g. temporal:7233' });

const cidrList = z.string().refine(
  (value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)
      .every((item) => /^[0-9a-fA-F:.]+\/\d{1,3}$/.test(item) && isIP(item.split('/')[0]!) !== 0),
  { message: 'must be comma-separated CIDR blocks, e.g. 10.0.0.0/8,192.168.0.0/16' },
);

/**
 * Every environment variable the platform reads. README's configuration table mirrors this;
 * `test/unit/readme-config.test.ts` keeps the two in step.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('.data'),
  TOOLS_DIR: z.string().min(1).default('.tools'),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(8400),

  DATABASE_URL: urlWithScheme(['postgres', 'postgresql']).optional(),
  PG_PORT: port.default(15432),

  REDIS_URL: urlWithScheme(['redis', 'rediss']).optional(),
  REDIS_PORT: port.default(16379),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{0,64}$/, { message: 'letters, digits, `:`, `_`, `-`; at most 64' })
    .default(''),

  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_PORT: port.default(17233),
  TEMPORAL_UI_PORT: port.default(18233),
  TEMPORAL_UI_URL: urlWithScheme(['http', 'https']).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'must be lower-case letters, digits and dashes' })
    .default('governance'),

  S3_ENDPOINT: urlWithScheme(['http', 'https']).optional(),
  S3_ACCESS_KEY: z.string().min(3).optional(),
  S3_SECRET_KEY: z.string().min(8).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be a valid S3 bucket name' })
    .default('governance-platform'),
  MINIO_PORT: port.default(19000),
  MINIO_CONSOLE_PORT: port.default(19001),

  JWT_SIGNING_KEY: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  DATA_ENCRYPTION_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, {
      message: 'must be 32 bytes encoded as base64 (openssl rand -base64 32)',
    })
    .optional(),

  ADMIN_EMAIL: z.email().default('admin@example.com'),
  ADMIN_PASSWORD: z.string().min(12, { message: 'must be at least 12 characters' }).optional(),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt.default(900),
  REFRESH_TOKEN_TTL_SECONDS: positiveInt.default(14 * 24 * 3600),

  RATE_LIMIT_REQUESTS: positiveInt.default(300),
  RATE_LIMIT_WINDOW_MS: positiveInt.default(60_000),
  RATE_LIMIT_FAIL_MODE: z.enum(['open', 'closed']).default('open'),
  RATE_LIMIT_TIMEOUT_MS: positiveInt.default(250),
  TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  HTTP_BODY_LIMIT_BYTES: positiveInt.default(1024 * 1024),

  MARIADB_URL: urlWithScheme(['mysql', 'mariadb']).optional(),
  MARIADB_PORT: port.default(13306),

  DATA_ENCRYPTION_PREVIOUS_KEYS: z
    .string()
    .refine(
      (value) => value.split(',').every((key) => Buffer.from(key.trim(), 'base64').length === 32),
      { message: 'must be comma-separated 32-byte keys encoded as base64' },
    )
    .optional(),
  SCANNER_PLUGINS: z
    .string()
    .regex(/^\s*(@?[a-z0-9][a-z0-9._\/-]*)(\s*,\s*@?[a-z0-9][a-z0-9._\/-]*)*\s*$/, {
      message: 'must be comma-separated npm package names',
    })
    .optional(),
  SCANNER_ALLOW_CIDRS: cidrList.optional(),
  SCANNER_DENY_CIDRS: cidrList.optional(),
  SCAN_CONCURRENCY: positiveInt.max(64).default(4),
  SCAN_BATCH_SIZE: positiveInt.max(10_000).default(50),
  SCAN_SAMPLE_ROWS: positiveInt.max(100_000).default(100),
  SAMPLE_RETENTION_DAYS: positiveInt.default(30),

  LLM_BASE_URL: urlWithScheme(['http', 'https']).optional(),
  LLM_API_KEY: z.string().min(1).optional(),
  LLM_MODEL: z.string().min(1).default('gpt-4o-mini'),
  LLM_TIMEOUT_MS: positiveInt.max(600_000).default(15_000),
  LLM_MAX_CALLS_PER_SCAN: positiveInt.default(200),
  LLM_MAX_TOKENS_PER_SCAN: positiveInt.default(200_000),
  LLM_SEND_RAW_VALUES: flag.default(false),
  LLM_CACHE_TTL_SECONDS: positiveInt.default(30 * 24 * 3600),

  COMPLIANCE_PACKS_DIR: z.string().min(1).optional(),

  DEMO: flag.default(true),
  WORKER_SHUTDOWN_GRACE_SECONDS: positiveInt.default(30),
  READY_CHECK_TIMEOUT_MS: positiveInt.default(2000),
});

export type Env = z.infer<typeof envSchema>;
