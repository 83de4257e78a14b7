import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClassifyInput } from '../../scripts/classify-input.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI as `npm run classify` does (node with the tsx loader, like `runEntrypoint`),
 * with arguments and stdin, and without LLM settings so only the rules decide.
 */
function runCli(args: string[], stdin = ''): Promise<Run> {
  const env = { ...process.env };
  delete env.LLM_API_KEY;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/classify.ts', ...args], {
    cwd: root,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const emails = Array.from({ length: 20 }, (_, i) => `user${i}@example.org`);
// Well-known test card numbers: valid Luhn check digits, several issuers and lengths.
const cards = [
  '4111111111111111',
  '5500005555555559',
  '378282246310005',
  '6011111111111117',
  '4012888888881881',
  '5105105105105100',
  '371449635398431',
  '4242424242424242',
  '5555555555554444',
  '6011000990139424',
];
const fixture = {
  orders: {
    columns: {
      email: { records: [...emails, null, ''] },
      card_number: { records: cards, dataType: 'varchar(19)' },
    },
  },
  accounts: {
    columns: {
      email_verified: { records: Array.from({ length: 40 }, (_, i) => i % 3 && 1) },
      ACADEMIC_YEAR_CODE: { records: Array.from({ length: 30 }, (_, i) => 1999 + (i % 3)) },
    },
  },
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'classify-cli-'));
  writeFileSync(join(dir, 'columns.json'), JSON.stringify(fixture));
  writeFileSync(join(dir, 'broken.json'), '{"orders": {"columns": ');
  writeFileSync(
    join(dir, 'shape.json'),
    JSON.stringify({ orders: { columns: { email: { records: 'ada@example.com' } } } }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('classify CLI', () => {
  it('classifies every column of a file', async () => {
    const run = await runCli([join(dir, 'columns.json')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    expect(Object.keys(result)).toEqual(['orders', 'accounts']);
    expect(result.orders!.email).toMatchObject({ infoType: 'EMAIL_ADDRESS', sensitive: true });
    expect(result.orders!.card_number).toMatchObject({ infoType: 'CREDIT_CARD', sensitive: true });
    for (const column of Object.values(result.orders!)) {
      expect(column.confidence).toBeGreaterThan(0.5);
      expect((column.evidence as unknown[]).length).toBeGreaterThan(0);
      expect(column).not.toHaveProperty('proposals');
    }
    expect(result.accounts!.email_verified).toMatchObject({ sensitive: false });
    expect(result.accounts!.ACADEMIC_YEAR_CODE).toMatchObject({ sensitive: false });
    expect(result.accounts!.ACADEMIC_YEAR_CODE!.infoType).not.toBe('CARD_CVV');
    for (const column of Object.values(result.accounts!)) {
      expect(Object.keys(column).sort()).toEqual([
        'confidence',
        'evidence',
        'infoType',
        'sensitive',
      ]);
      expect(column.confidence).toBeGreaterThanOrEqual(0);
      expect(column.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('reads stdin for - and lists the proposals on request', async () => {
    const input = { t: { columns: { contact: { records: emails.slice(0, 5) } } } };
    const run = await runCli(['-', '--proposals'], JSON.stringify(input));
    expect(run.code).toBe(0);
    const column = (
      JSON.parse(run.stdout) as Record<string, Record<string, { proposals: unknown }>>
    ).t!.contact!;
    expect(column).toMatchObject({ infoType: 'EMAIL_ADDRESS' });
    expect(column.proposals).toEqual(
      expect.arrayContaining([{ infoType: 'EMAIL_ADDRESS', confidence: expect.any(Number) }]),
    );
  });
});

describe.concurrent('classify CLI on bad input', () => {
  it.each([
    ['a missing file', ['missing.json'], '', /^cannot read .*missing\.json: no such file$/],
    ['invalid JSON', ['broken.json'], '', /^input is not valid JSON: /],
    ['the wrong shape', ['shape.json'], '', /^orders\.columns\.email\.records must be an array$/],
    ['an empty stdin', ['-'], '', /^input is empty/],
    ['no file argument', [], '', /^usage: /],
    ['an unknown flag', ['--values', '3', '-'], '{}', /^Unknown option '--values'/],
  ])('%s: exit 2, one line on stderr, nothing on stdout', async (_, args, stdin, message) => {
    const run = await runCli(
      args.map((arg) => (arg.endsWith('.json') ? join(dir, arg) : arg)),
      stdin,
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.endsWith('\n')).toBe(true);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr.trimEnd()).toMatch(message);
  });
});

describe('parseClassifyInput', () => {
  it('keeps the order and the types of records', () => {
    const parsed = parseClassifyInput(
      '{"b": {"columns": {"x": {"records": ["1", 2, true, null], "dataType": "text"}}}, "a": {"columns": {}}}',
    );
    expect(parsed).toEqual({
      tables: [
        { name: 'b', columns: [{ name: 'x', dataType: 'text', values: ['1', 2, true, null] }] },
        { name: 'a', columns: [] },
      ],
    });
  });

  it.each([
    ['[]', 'input must be a JSON object of tables'],
    ['{"orders": []}', 'orders must be an object with columns'],
    ['{"orders": {}}', 'orders.columns is missing'],
    ['{"orders": {"cols": {}}}', 'orders.cols is not expected (allowed: columns)'],
    ['{"orders": {"columns": []}}', 'orders.columns must be an object'],
    [
      '{"orders": {"columns": {"E-Mail Address": {}}}}',
      'orders.columns["E-Mail Address"].records is missing',
    ],
    [
      '{"orders": {"columns": {"email": {"records": [{"a": 1}]}}}}',
      'orders.columns.email.records[0] must be a string, number, boolean or null',
    ],
    [
      '{"orders": {"columns": {"email": {"records": [], "dataType": 5}}}}',
      'orders.columns.email.dataType must be a non-empty string',
    ],
    ['{"my table": {"columns": 1}}', '["my table"].columns must be an object'],
  ])('%s → %s', (text, error) => {
    expect(parseClassifyInput(text)).toEqual({ error: expect.stringContaining(error) });
  });
});
