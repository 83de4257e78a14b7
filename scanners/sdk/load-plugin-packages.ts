import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { firstLine } from './validate-plugin.js';

/** Imports a package by name and returns its module namespace. */
export type PackageImporter = (packageName: string) => Promise<unknown>;

/** What one package offered: the would-be plugins it exports, or why it could not be read. */
export type ImportedPackage =
  { name: string; candidates: unknown[] } | { name: string; problem: string };

/**
 * An importer that resolves package names from `dir`'s `node_modules` (and its parents'), as
 * if a file in `dir` had imported them; without `dir`, from this application's own.
 *
 * Resolution from a directory follows Node's `require.resolve` rules, so a plugin package
 * must offer a `main` or an `exports` entry with a `default` (or `require`) condition.
 *
 * @example
 * const importer = packageImporter('/opt/scanner-plugins');
 * await importer('acme-scanner'); // /opt/scanner-plugins/node_modules/acme-scanner
 */
export function packageImporter(dir?: string): PackageImporter {
  if (dir === undefined) return (packageName) => import(packageName);
  const require = createRequire(join(resolve(dir), 'package.json'));
  return async (packageName) => import(pathToFileURL(require.resolve(packageName)).href);
}

/**
 * Imports one plugin package and collects what it exports as scanners: the default export,
 * and the named exports `scanner` and `scanners`, each a plugin or an array of plugins. A
 * CommonJS package's `module.exports = { scanner }` is looked into as well.
 *
 * @example
 * const imported = await importPluginPackage('acme-scanner', packageImporter());
 * if ('problem' in imported) console.error(imported.problem);
 */
export async function importPluginPackage(
  name: string,
  importer: PackageImporter,
): Promise<ImportedPackage> {
  let namespace: unknown;
  try {
    namespace = await importer(name);
  } catch (error) {
    return { name, problem: importProblem(name, error) };
  }
  const candidates = exportedScanners(namespace);
  if (candidates.length === 0) {
    return {
      name,
      problem: 'exports no scanner (expected a default export, "scanner" or "scanners")',
    };
  }
  return { name, candidates };
}

function exportedScanners(namespace: unknown): unknown[] {
  if (typeof namespace !== 'object' || namespace === null) return [];
  const exported = namespace as Record<string, unknown>;
  const sources: unknown[] = [exported.scanner, exported.scanners];
  const fallback = exported.default;
  // A CommonJS module arrives as `default` = module.exports, which may be a bag of exports.
  if (isExportBag(fallback)) sources.push(fallback.scanner, fallback.scanners);
  else sources.unshift(fallback);

  const found: unknown[] = [];
  for (const source of sources) {
    for (const candidate of Array.isArray(source) ? source : [source]) {
      if (candidate !== undefined && !found.includes(candidate)) found.push(candidate);
    }
  }
  return found;
}

function isExportBag(value: unknown): value is { scanner?: unknown; scanners?: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !('id' in value) &&
    ('scanner' in value || 'scanners' in value)
  );
}

function importProblem(name: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = firstLine(error);
  // The same codes are used when the package is there but one of *its* imports is missing;
  // only call it "not installed" when the message is about the package itself.
  const aboutPackage = message.includes(`'${name}'`) || message.includes(`"${name}"`);
  if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && aboutPackage) {
    return `is not installed (npm install ${name})`;
  }
  return `cannot be imported (${message})`;
}
