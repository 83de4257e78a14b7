import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

// Workflow code is replayed by Temporal; the lint rules are what keep I/O and
// non-determinism out of it, so they are tested like code.
const eslint = new ESLint();
const WORKFLOW_FILE = 'workflows/platform-check-workflow.ts';

async function ruleIds(code: string, filePath = WORKFLOW_FILE): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('lint rules for workflows/', () => {
  it.each([
    [
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;",
      'no-restricted-imports',
    ],
    ["import { randomUUID } from 'crypto';\nexport const x = randomUUID;", 'no-restricted-imports'],
    ["import pg from 'pg';\nexport const x = pg;", 'no-restricted-imports'],
    [
      "import { createDb } from '../db/connection.js';\nexport const x = createDb;",
      'no-restricted-imports',
    ],
    ['export const x = process.env.HOME;', 'no-restricted-globals'],
    ["export const x = () => fetch('http://example.com');", 'no-restricted-globals'],
  ])('rejects %s', async (code, rule) => {
    expect(await ruleIds(code)).toContain(rule);
  });

  it('allows type-only imports of activities and the workflow API', async () => {
    const code = [
      "import { proxyActivities } from '@temporalio/workflow';",
      "import type { PlatformCheckActivities } from '../activities/platform-check-activities.js';",
      'export const a = proxyActivities<PlatformCheckActivities>({ startToCloseTimeout: 1000 });',
    ].join('\n');
    expect(await ruleIds(code)).toEqual([]);
  });

  it('does not apply these rules outside workflows/', async () => {
    const code = "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;";
    expect(await ruleIds(code, 'db/connection.ts')).toEqual([]);
  });

  it('flags floating promises everywhere', async () => {
    const code = 'async function f() {}\nexport function g() {\n  f();\n}';
    expect(await ruleIds(code, 'db/connection.ts')).toContain(
      '@typescript-eslint/no-floating-promises',
    );
  });
});
