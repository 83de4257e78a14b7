import { ScannerError, type ScannerCapabilities, type ScannerPlugin } from './contract.js';
import { configJsonSchema, type JsonSchema } from './config-json-schema.js';
import {
  importPluginPackage,
  packageImporter,
  type PackageImporter,
} from './load-plugin-packages.js';
import { pluginProblems } from './validate-plugin.js';

/** What `GET /api/v1/scanners` shows of a plugin: everything but its code. */
export interface ScannerDescriptor {
  id: string;
  title: string;
  description: string;
  version: string;
  capabilities: ScannerCapabilities;
  secretFields: string[];
  /** JSON Schema of the config a client sends; secret fields are `writeOnly`, `format: password`. */
  configSchema: JsonSchema;
  /** `builtin`, or the npm package the plugin came from. */
  source: string;
}

export interface ScannerRegistry {
  /** The descriptor of one scanner, `undefined` when no plugin has that id. */
  get(id: string): ScannerDescriptor | undefined;
  /** Every scanner's descriptor: built-ins first, then packages in `SCANNER_PLUGINS` order. */
  list(): ScannerDescriptor[];
  /** The plugin itself, for the scan engine; a `ScannerError('configuration')` if unknown. */
  plugin(id: string): ScannerPlugin;
}

export interface ScannerRegistryOptions {
  builtins: readonly ScannerPlugin[];
  /** npm package names (`config.scan.plugins`), each exporting one plugin or an array. */
  packages?: readonly string[];
  /** How a package is imported; by default `import(name)` from this application. */
  importer?: PackageImporter;
  /** Resolve packages from this directory's `node_modules` instead (ignored with `importer`). */
  resolveFrom?: string;
}

/**
 * Start-up failure listing every bad plugin; `message` is one line, `problems` one per source.
 *
 * @example
 * try { await createScannerRegistry(options); } catch (error) {
 *   if (error instanceof ScannerRegistryError) console.error(error.problems.join('\n'));
 * }
 */
export class ScannerRegistryError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join(' | '));
    this.name = 'ScannerRegistryError';
  }
}

interface Registered {
  plugin: ScannerPlugin;
  descriptor: ScannerDescriptor;
}

/**
 * Builds the registry of scanner plugins: the built-ins plus those of the npm packages named
 * in `SCANNER_PLUGINS`, each validated once here. A package that cannot be imported, exports
 * no valid plugin, or reuses an id stops the start-up with one line naming the package and
 * every problem, e.g.
 * `SCANNER_PLUGINS: package "acme-scanner": missing connect(); secretFields "pwd" is not a config key`.
 *
 * @example
 * const registry = await createScannerRegistry({ builtins, packages: config.scan.plugins });
 * registry.list().map((scanner) => scanner.id); // ['postgres', …]
 * const plugin = registry.plugin('postgres');
 */
export async function createScannerRegistry(
  options: ScannerRegistryOptions,
): Promise<ScannerRegistry> {
  const importer = options.importer ?? packageImporter(options.resolveFrom);
  const byId = new Map<string, Registered>();
  const owners = new Map<string, string>();
  const failures: string[] = [];

  const register = (candidates: unknown[], source: string, label: string) => {
    const problems: string[] = [];
    candidates.forEach((candidate, index) => {
      const own = pluginProblems(candidate);
      const id = (candidate as { id?: unknown } | null)?.id;
      const which =
        candidates.length > 1
          ? `scanner ${typeof id === 'string' ? `"${id}"` : `#${index + 1}`}: `
          : '';
      if (own.length === 0) {
        const plugin = candidate as ScannerPlugin;
        const owner = owners.get(plugin.id);
        if (owner !== undefined) {
          problems.push(`${which}scanner id "${plugin.id}" is already used by ${owner}`);
          return;
        }
        owners.set(plugin.id, label);
        byId.set(plugin.id, { plugin, descriptor: describe(plugin, source) });
      } else {
        problems.push(...own.map((problem) => `${which}${problem}`));
      }
    });
    if (problems.length > 0) failures.push(`${label}: ${problems.join('; ')}`);
  };

  for (const builtin of options.builtins) {
    const id = (builtin as { id?: unknown }).id;
    register([builtin], 'builtin', `built-in scanner "${String(id)}"`);
  }
  // Imported one after another so that the order of SCANNER_PLUGINS decides who owns an id.
  const seen = new Set<string>();
  for (const name of options.packages ?? []) {
    if (seen.has(name)) continue;
    seen.add(name);
    const label = `SCANNER_PLUGINS: package "${name}"`;
    const imported = await importPluginPackage(name, importer);
    if ('problem' in imported) failures.push(`${label}: ${imported.problem}`);
    else register(imported.candidates, name, label);
  }
  if (failures.length > 0) throw new ScannerRegistryError(failures);

  return {
    get: (id) => byId.get(id)?.descriptor,
    list: () => [...byId.values()].map((entry) => entry.descriptor),
    plugin(id) {
      const entry = byId.get(id);
      if (!entry) throw new ScannerError('configuration', `unknown scanner "${id}"`);
      return entry.plugin;
    },
  };
}

function describe(plugin: ScannerPlugin, source: string): ScannerDescriptor {
  // Built once and frozen: the API hands the same object to every request.
  return deepFreeze({
    id: plugin.id,
    title: plugin.title,
    description: plugin.description,
    version: plugin.version,
    capabilities: { ...plugin.capabilities },
    secretFields: [...plugin.secretFields],
    configSchema: configJsonSchema(plugin.configSchema, plugin.secretFields),
    source,
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
