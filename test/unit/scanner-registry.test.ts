import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinScanners } from '../../scanners/builtins.js';
import { postgresScanner } from '../../scanners/postgres/postgres-scanner.js';
import { ScannerError, type ScannerPlugin } from '../../scanners/sdk/contract.js';
import { canonicalJson, fingerprintOf } from '../../scanners/sdk/fingerprint.js';
import { configKeysOf } from '../../scanners/sdk/config-json-schema.js';
import { packageImporter } from '../../scanners/sdk/load-plugin-packages.js';
import { createScannerRegistry, ScannerRegistryError } from '../../scanners/sdk/registry.js';
import { pluginProblems } from '../../scanners/sdk/validate-plugin.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/scanner-plugins', import.meta.url));
const fromFixtures = packageImporter(FIXTURES);

function plugin(overrides: Record<string, unknown> = {}): ScannerPlugin {
  return {
    id: 'sample-source',
    title: 'Sample source',
    description: 'A source for tests.',
    version: '0.3.1',
    configSchema: z.strictObject({
      host: z.string(),
      apiKey: z.string(),
      retries: z.number().default(3),
    }),
    secretFields: ['apiKey'],
    capabilities: {
      views: false,
      foreignKeys: false,
      rowEstimates: false,
      files: true,
      sampling: 'first-rows',
    },
    targets: () => [],
    connect: () => Promise.reject(new Error('not used')),
    ...overrides,
  } as ScannerPlugin;
}

async function failure(promise: Promise<unknown>): Promise<ScannerRegistryError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ScannerRegistryError);
  const registryError = error as ScannerRegistryError;
  expect(registryError.message).not.toContain('\n');
  return registryError;
}

describe('scanner registry', () => {
  it('lists the built-in PostgreSQL scanner with its config as JSON Schema, secrets marked', async () => {
    const registry = await createScannerRegistry({ builtins: builtinScanners, packages: [] });
    const postgres = registry.get('postgres');
    // Every built-in passes the same validation as a package's plugin, with an id of its own.
    const ids = registry.list().map((scanner) => scanner.id);
    expect(ids[0]).toBe('postgres');
    expect(new Set(ids).size).toBe(builtinScanners.length);
    expect(postgres).toMatchObject({
      id: 'postgres',
      title: 'PostgreSQL',
      version: '1.0.0',
      source: 'builtin',
      secretFields: ['password'],
      capabilities: {
        views: true,
        foreignKeys: true,
        rowEstimates: true,
        files: false,
        sampling: 'random',
      },
    });
    const schema = postgres!.configSchema as {
      type: string;
      additionalProperties: boolean;
      required: string[];
      properties: Record<string, Record<string, unknown>>;
    };
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    // Fields with defaults are optional for the client that sends a config.
    expect([...schema.required].sort()).toEqual(['database', 'host', 'password', 'user']);
    expect(schema.properties.password).toEqual({
      type: 'string',
      maxLength: 1024,
      writeOnly: true,
      format: 'password',
    });
    expect(schema.properties.sslMode).toMatchObject({
      enum: ['disable', 'require', 'verify-full'],
      default: 'disable',
    });
    expect(schema.properties.port).toMatchObject({ type: 'integer', default: 5432 });
    expect(schema.properties.host?.writeOnly).toBeUndefined();
    expect(Object.isFrozen(postgres)).toBe(true);
    expect(registry.plugin('postgres')).toBe(postgresScanner);
  });

  it('answers undefined for an unknown id, and the engine gets a configuration error', async () => {
    const registry = await createScannerRegistry({ builtins: [plugin()] });
    expect(registry.get('nope')).toBeUndefined();
    expect(() => registry.plugin('nope')).toThrow(ScannerError);
    expect(() => registry.plugin('nope')).toThrow('unknown scanner "nope"');
  });

  it('accepts a valid plugin and describes it', async () => {
    const registry = await createScannerRegistry({ builtins: [plugin()] });
    const descriptor = registry.get('sample-source')!;
    expect(descriptor.configSchema).toMatchObject({
      properties: {
        apiKey: { type: 'string', writeOnly: true, format: 'password' },
        retries: { type: 'number', default: 3 },
      },
      required: ['host', 'apiKey'],
    });
  });

  it('names every problem of an invalid plugin on one line', async () => {
    const bad = plugin({
      id: 'Bad Id',
      version: '1.0',
      title: '',
      secretFields: ['pwd', 'apiKey'],
      capabilities: {
        views: 'yes',
        foreignKeys: false,
        rowEstimates: false,
        sampling: 'all',
        extra: 1,
      },
      connect: undefined,
      targets: 'nowhere',
    });
    const error = await failure(createScannerRegistry({ builtins: [bad] }));
    expect(error.message).toBe(
      'built-in scanner "Bad Id": ' +
        [
          'id "Bad Id" must be lower-case letters, digits and dashes, starting with a letter or digit',
          'title must not be empty',
          'version "1.0" is not semver (e.g. 1.2.0)',
          'capabilities.views must be true or false (got "yes")',
          'capabilities.files must be true or false (got missing)',
          'capabilities.sampling must be "random" or "first-rows" (got "all")',
          'capabilities has unknown keys "extra"',
          'targets is not a function',
          'missing connect()',
          'secretFields "pwd" is not a config key',
        ].join('; '),
    );
  });

  it('refuses config schemas that are no zod schema or no object', () => {
    expect(pluginProblems(plugin({ configSchema: { parse: () => ({}) } }))).toEqual([
      'configSchema is not a zod 4 schema',
    ]);
    expect(pluginProblems(plugin({ configSchema: z.string(), secretFields: [] }))).toEqual([
      'configSchema must be an object schema (or a union of object schemas)',
    ]);
    expect(pluginProblems(null)).toEqual(['a scanner plugin must be an object (got null)']);
    expect(pluginProblems({ version: '1.0.0', helpers: {} })).toEqual([
      'is not a scanner plugin (it has no id, configSchema, capabilities or connect())',
    ]);
  });

  it('takes secret fields from every branch of a union config and marks them', async () => {
    const configSchema = z.union([
      z.strictObject({ mode: z.literal('key'), accessKey: z.string(), secretKey: z.string() }),
      z.strictObject({ mode: z.literal('role'), roleArn: z.string() }),
    ]);
    expect(configKeysOf(configSchema)).toEqual(['mode', 'accessKey', 'secretKey', 'roleArn']);
    const registry = await createScannerRegistry({
      builtins: [plugin({ configSchema, secretFields: ['secretKey'] })],
    });
    const json = registry.get('sample-source')!.configSchema as { anyOf: { properties: object }[] };
    expect(json.anyOf[0]!.properties).toMatchObject({
      secretKey: { type: 'string', writeOnly: true, format: 'password' },
      accessKey: { type: 'string' },
    });
    expect(json.anyOf[0]!.properties).not.toHaveProperty('accessKey.writeOnly');
  });

  it('refuses two built-ins with the same id', async () => {
    const error = await failure(
      createScannerRegistry({ builtins: [plugin(), plugin({ title: 'Again' })] }),
    );
    expect(error.message).toBe(
      'built-in scanner "sample-source": scanner id "sample-source" is already used by built-in scanner "sample-source"',
    );
  });
});

describe('scanner plugin packages (SCANNER_PLUGINS)', () => {
  it('loads a package from node_modules and lists its plugin after the built-ins', async () => {
    const registry = await createScannerRegistry({
      builtins: [postgresScanner],
      packages: ['acme-scanner'],
      resolveFrom: FIXTURES,
    });
    expect(registry.list().map((scanner) => [scanner.id, scanner.source])).toEqual([
      ['postgres', 'builtin'],
      ['acme', 'acme-scanner'],
    ]);
    expect(registry.get('acme')).toMatchObject({
      version: '2.1.0',
      secretFields: ['token'],
      configSchema: {
        properties: {
          endpoint: { type: 'string', format: 'uri' },
          token: { type: 'string', writeOnly: true, format: 'password' },
        },
      },
    });
    const connection = await registry
      .plugin('acme')
      .connect(
        {},
        { network: undefined as never, signal: new AbortController().signal, log: () => {} },
      );
    await expect(connection.check()).resolves.toEqual({ serverVersion: 'Acme 1' });
  });

  it('names the package and every problem of its plugin', async () => {
    const error = await failure(
      createScannerRegistry({
        builtins: [postgresScanner],
        packages: ['broken-scanner'],
        resolveFrom: FIXTURES,
      }),
    );
    expect(error.message).toBe(
      'SCANNER_PLUGINS: package "broken-scanner": missing connect(); secretFields "pwd" is not a config key',
    );
  });

  it('says when a package is not installed', async () => {
    const error = await failure(
      createScannerRegistry({
        builtins: [postgresScanner],
        packages: ['no-such-scanner'],
        resolveFrom: FIXTURES,
      }),
    );
    expect(error.message).toBe(
      'SCANNER_PLUGINS: package "no-such-scanner": is not installed (npm install no-such-scanner)',
    );
  });

  it('reports every bad package at once: no plugin exported, an id taken by a built-in', async () => {
    const error = await failure(
      createScannerRegistry({
        builtins: [postgresScanner],
        packages: ['empty-package', 'twin-scanners', 'acme-scanner', 'no-such-scanner'],
        resolveFrom: FIXTURES,
      }),
    );
    expect(error.problems).toEqual([
      'SCANNER_PLUGINS: package "empty-package": exports no scanner (expected a default export, "scanner" or "scanners")',
      'SCANNER_PLUGINS: package "twin-scanners": scanner "postgres": scanner id "postgres" is already used by built-in scanner "postgres"',
      'SCANNER_PLUGINS: package "no-such-scanner": is not installed (npm install no-such-scanner)',
    ]);
    expect(error.message).toBe(error.problems.join(' | '));
  });

  it('refuses a package whose plugin reuses the id of another package', async () => {
    const error = await failure(
      createScannerRegistry({
        builtins: [],
        packages: ['acme-scanner', 'acme-copy'],
        importer: async (name) =>
          name === 'acme-copy' ? { scanner: plugin({ id: 'acme' }) } : fromFixtures(name),
      }),
    );
    expect(error.message).toBe(
      'SCANNER_PLUGINS: package "acme-copy": scanner id "acme" is already used by SCANNER_PLUGINS: package "acme-scanner"',
    );
  });

  it('uses the importer it is given and loads arrays of plugins', async () => {
    const seen: string[] = [];
    const registry = await createScannerRegistry({
      builtins: [],
      packages: ['@acme/many'],
      importer: async (name) => {
        seen.push(name);
        return { default: [plugin({ id: 'one' }), plugin({ id: 'two' })] };
      },
    });
    expect(seen).toEqual(['@acme/many']);
    expect(registry.list().map((scanner) => [scanner.id, scanner.source])).toEqual([
      ['one', '@acme/many'],
      ['two', '@acme/many'],
    ]);
  });
});

describe('fingerprintOf', () => {
  it('ignores key order and changes with any value', () => {
    const a = {
      columns: [{ name: 'id', dataType: 'integer', nullable: false }],
      definition: undefined,
    };
    const b = { columns: [{ nullable: false, dataType: 'integer', name: 'id' }] };
    expect(fingerprintOf(a)).toBe(fingerprintOf(b));
    expect(fingerprintOf(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(
      fingerprintOf({ columns: [{ name: 'id', dataType: 'bigint', nullable: false }] }),
    ).not.toBe(fingerprintOf(a));
    expect(fingerprintOf(['a', 'b'])).not.toBe(fingerprintOf(['b', 'a']));
  });

  it('writes canonical JSON', () => {
    expect(canonicalJson({ b: 1, a: [true, { d: null, c: 2n }, undefined] })).toBe(
      '{"a":[true,{"c":"2","d":null},null],"b":1}',
    );
    expect(canonicalJson(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => fingerprintOf(cycle)).toThrow('cycle');
  });
});
