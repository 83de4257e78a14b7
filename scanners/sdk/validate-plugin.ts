import { z } from 'zod';
import type { ScannerPlugin } from './contract.js';
import { configJsonSchema, configKeysOf, isZodSchema } from './config-json-schema.js';

/** Scanner ids are stored on data sources and used in URLs: keep them plain. */
export const SCANNER_ID = /^[a-z0-9][a-z0-9-]*$/;

// Semantic Versioning 2.0.0: MAJOR.MINOR.PATCH, optional pre-release and build metadata.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

const shown = (value: unknown) =>
  typeof value === 'string'
    ? JSON.stringify(value)
    : value === undefined
      ? 'missing'
      : typeof value;

const text = (field: string, min: number) =>
  z.string({ error: (issue) => `${field} must be a string (got ${shown(issue.input)})` }).min(min, {
    error: `${field} must not be empty`,
  });

const method = (name: string) =>
  z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', {
    error: (issue) =>
      issue.input === undefined ? `missing ${name}()` : `${name} is not a function`,
  });

const flag = (name: string) =>
  z.boolean({
    error: (issue) => `capabilities.${name} must be true or false (got ${shown(issue.input)})`,
  });

const capabilitiesSchema = z.strictObject(
  {
    views: flag('views'),
    foreignKeys: flag('foreignKeys'),
    rowEstimates: flag('rowEstimates'),
    files: flag('files'),
    sampling: z.enum(['random', 'first-rows'], {
      error: (issue) =>
        `capabilities.sampling must be "random" or "first-rows" (got ${shown(issue.input)})`,
    }),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `capabilities has unknown keys ${issue.keys.map((key) => `"${key}"`).join(', ')}`
        : 'missing capabilities',
  },
);

/**
 * The shape every scanner plugin must have, checked once when the registry loads it. Extra
 * members are allowed (a plugin may carry its own helpers); missing or wrong ones are not.
 */
export const scannerPluginSchema = z.looseObject({
  id: z
    .string({ error: (issue) => `id must be a string (got ${shown(issue.input)})` })
    .regex(SCANNER_ID, {
      error: (issue) =>
        `id ${shown(issue.input)} must be lower-case letters, digits and dashes, starting with a letter or digit`,
    }),
  title: text('title', 1),
  description: text('description', 0),
  version: z
    .string({ error: (issue) => `version must be a string (got ${shown(issue.input)})` })
    .regex(SEMVER, {
      error: (issue) => `version ${shown(issue.input)} is not semver (e.g. 1.2.0)`,
    }),
  configSchema: z.custom<z.ZodType>(isZodSchema, {
    error: (issue) =>
      issue.input === undefined ? 'missing configSchema' : 'configSchema is not a zod 4 schema',
  }),
  secretFields: z.array(z.string({ error: 'secretFields must hold strings only' }), {
    error: 'secretFields must be an array of config keys',
  }),
  capabilities: capabilitiesSchema,
  targets: method('targets'),
  connect: method('connect'),
});

/**
 * Every problem with a would-be plugin, as short phrases ready to join into one line; empty
 * when it is a valid plugin. Beyond the shape, checks what a schema cannot express alone:
 * each secret field is a key of the config object, and the config converts to JSON Schema.
 *
 * @example
 * pluginProblems({ id: 'acme', version: '1.0.0' });
 * // ['title must be a string (got missing)', …, 'missing connect()']
 */
export function pluginProblems(candidate: unknown): string[] {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    return [
      `a scanner plugin must be an object (got ${candidate === null ? 'null' : typeof candidate})`,
    ];
  }
  // Something else entirely (a library's namespace, a config object): one problem, not ten.
  if (!['id', 'configSchema', 'connect', 'capabilities'].some((key) => key in candidate)) {
    return ['is not a scanner plugin (it has no id, configSchema, capabilities or connect())'];
  }
  const parsed = scannerPluginSchema.safeParse(candidate);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
  const plugin = candidate as Partial<ScannerPlugin>;
  if (!isZodSchema(plugin.configSchema)) return problems;

  const keys = configKeysOf(plugin.configSchema);
  if (!keys) {
    problems.push('configSchema must be an object schema (or a union of object schemas)');
  } else if (Array.isArray(plugin.secretFields)) {
    for (const field of plugin.secretFields) {
      if (typeof field === 'string' && !keys.includes(field)) {
        problems.push(`secretFields "${field}" is not a config key`);
      }
    }
  }
  try {
    configJsonSchema(plugin.configSchema, []);
  } catch (error) {
    problems.push(`configSchema cannot be shown as JSON Schema (${firstLine(error)})`);
  }
  return problems;
}

/**
 * The first line of an error's message: the registry's errors are one line long.
 *
 * @example
 * firstLine(new Error('Cannot find package\n  at …')); // 'Cannot find package'
 */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() ?? '';
}
