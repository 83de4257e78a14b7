import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePack, type RuleIssue, type RulePack } from '../core/compliance/rule-pack.js';

/**
 * The folder of the packs shipped with the platform (GDPR, CCPA, HIPAA, PCI DSS).
 *
 * @example
 * loadRulePacks([BUILTIN_PACKS_DIR]);
 */
export const BUILTIN_PACKS_DIR = fileURLToPath(
  new URL('../core/compliance/packs/', import.meta.url),
);

/** A pack file that could not be used, and why. */
export interface PackProblem {
  file: string;
  issues: RuleIssue[];
}

/**
 * The packs in force and the files that failed. A bad pack is left out whole (half a
 * framework would report a misleading pass) and never stops the others.
 *
 * @example
 * const { packs, problems } = loadRulePacks([BUILTIN_PACKS_DIR]);
 */
export interface LoadedPacks {
  packs: RulePack[];
  problems: PackProblem[];
}

/**
 * Reads every `*.json` pack of the given folders, in name order, and checks it. A rule id
 * already taken by an earlier pack makes the later pack a problem too: results are keyed by
 * rule id. A folder that cannot be read is a problem, not a crash.
 *
 * @example
 * const loaded = loadRulePacks([BUILTIN_PACKS_DIR, config.compliance.packsDir]);
 * for (const problem of loaded.problems) logger.error(problem, 'compliance pack rejected');
 */
export function loadRulePacks(dirs: readonly string[]): LoadedPacks {
  const packs: RulePack[] = [];
  const problems: PackProblem[] = [];
  const ruleIds = new Map<string, string>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir)
        .filter((name) => name.endsWith('.json'))
        .sort();
    } catch (error) {
      problems.push({ file: dir, issues: [{ path: '', message: unreadable(error) }] });
      continue;
    }
    for (const name of names) {
      const file = join(dir, name);
      const loaded = readPack(file);
      if (!loaded.ok) {
        problems.push({ file, issues: loaded.issues });
        continue;
      }
      const taken = loaded.value.rules.flatMap((rule, index) => {
        const owner = ruleIds.get(rule.id);
        return owner
          ? [{ path: `/rules/${index}/id`, message: `rule id "${rule.id}" is taken by ${owner}` }]
          : [];
      });
      if (packs.some((pack) => pack.id === loaded.value.id)) {
        taken.push({ path: '/id', message: `pack id "${loaded.value.id}" is taken` });
      }
      if (taken.length > 0) {
        problems.push({ file, issues: taken });
        continue;
      }
      for (const rule of loaded.value.rules) ruleIds.set(rule.id, file);
      packs.push(loaded.value);
    }
  }
  return { packs, problems };
}

function readPack(file: string): ReturnType<typeof parsePack> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, issues: [{ path: '', message: unreadable(error) }] };
  }
  try {
    return parsePack(JSON.parse(text));
  } catch (error) {
    return { ok: false, issues: [{ path: '', message: `not JSON: ${(error as Error).message}` }] };
  }
}

/** A reason without the path: `/ready` shows it to anyone. */
function unreadable(error: unknown): string {
  return `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
}

/**
 * The folders packs are read from: the built-in one, then `COMPLIANCE_PACKS_DIR` if set.
 *
 * @example
 * loadRulePacks(packFolders(config));
 */
export function packFolders(config: { compliance: { packsDir: string | undefined } }): string[] {
  return config.compliance.packsDir
    ? [BUILTIN_PACKS_DIR, config.compliance.packsDir]
    : [BUILTIN_PACKS_DIR];
}

let builtIn: LoadedPacks | undefined;

/**
 * The built-in packs, read once per process: for callers built without a pack list.
 *
 * @example
 * const packs = deps.compliancePacks ?? builtInRulePacks();
 */
export function builtInRulePacks(): LoadedPacks {
  builtIn ??= loadRulePacks([BUILTIN_PACKS_DIR]);
  return builtIn;
}

/**
 * Loads the packs a process runs with and logs each rejected file, once, at start-up.
 *
 * @example
 * const compliancePacks = startupRulePacks(config, logger);
 */
export function startupRulePacks(
  config: { compliance: { packsDir: string | undefined } },
  logger: { error(fields: object, message: string): void },
): LoadedPacks {
  const loaded = loadRulePacks(packFolders(config));
  for (const problem of loaded.problems) {
    logger.error({ file: problem.file, issues: problem.issues }, 'compliance rule pack rejected');
  }
  return loaded;
}

/**
 * What `/ready` says about the packs: those in force and the files rejected, named by file
 * name only (the folder is the server's business).
 *
 * @example
 * packReadiness(loaded); // { loaded: ['ccpa', 'gdpr', …], rejected: [{ file: 'acme.json', issues: [...] }] }
 */
export function packReadiness(loaded: LoadedPacks): {
  loaded: string[];
  rejected: { file: string; issues: RuleIssue[] }[];
} {
  return {
    loaded: loaded.packs.map((pack) => pack.id),
    rejected: loaded.problems.map((problem) => ({
      file: basename(problem.file),
      issues: problem.issues.slice(0, 20),
    })),
  };
}
