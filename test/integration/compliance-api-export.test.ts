import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFindingsWorld,
  type Finding,
  type FindingsWorld,
} from '../helpers/compliance-warehouse.js';
import { call } from '../helpers/tenants.js';

/**
 * Exports and the summary: CSV (RFC 4180, no formulas) and JSON attachments of what the
 * caller may read, and counts by source, framework and severity with each source's trend.
 */
describe('compliance exports and summary', () => {
  let w: FindingsWorld;

  beforeAll(async () => {
    w = await startFindingsWorld('export');
  });
  afterAll(async () => {
    await w?.close();
  });

  it('exports matching findings as CSV with RFC 4180 quoting and no formulas', async () => {
    const response = await call(
      w.api.send,
      w.A.members.data_steward.token,
      'GET',
      `/api/v1/compliance/findings/export?format=csv&dataSourceId=${w.sourceId}`,
      { expect: 200 },
    );
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="compliance-findings-.*\.csv"$/,
    );
    const text = await response.text();
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parse(text) as string[][];
    expect(header).toEqual(
      expect.arrayContaining(['id', 'state', 'ruleTitle', 'failingColumns', 'remediation']),
    );
    expect(rows.map((row) => row[0])).toEqual([
      w.findings.typed,
      w.findings.custom,
      w.findings.gone,
      w.findings.restricted,
    ]);
    const cell = (id: string, column: string) =>
      rows.find((row) => row[0] === id)![header!.indexOf(column)];
    expect(cell(w.findings.typed, 'failingColumns')).toBe(
      `'=HYPERLINK("http://evil.example"); +cmd`,
    );
    expect(cell(w.findings.custom, 'ruleTitle')).toBe("'-Dangerous title");
    expect(cell(w.findings.custom, 'remediation')).toBe(`'@SUM(1) then, "describe" it`);
    expect(text).toContain(`"'@SUM(1) then, ""describe"" it"`);
    for (const row of rows) {
      for (const value of row) expect(value, value).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  it('exports JSON as an array, and only what the caller may read', async () => {
    const response = await call(
      w.api.send,
      w.A.members.viewer.token,
      'GET',
      `/api/v1/compliance/findings/export?format=json&dataSourceId=${w.sourceId}&state=open`,
      { expect: 200 },
    );
    expect(response.headers.get('content-disposition')).toContain('.json"');
    const items = (await response.json()) as Finding[];
    expect(items).toEqual((await w.list(w.A.members.viewer.token)).items);
    const none = await call(
      w.api.send,
      w.B.members.admin.token,
      'GET',
      `/api/v1/compliance/findings/export?format=json&dataSourceId=${w.sourceId}`,
      { expect: 200 },
    );
    expect(await none.json()).toEqual([]);
  });

  it('counts open and waived findings and passed results, with the trend since the previous evaluation', async () => {
    const summary = async (token: string) =>
      (await (
        await call(
          w.api.send,
          token,
          'GET',
          `/api/v1/compliance/summary?dataSourceId=${w.sourceId}`,
          {
            expect: 200,
          },
        )
      ).json()) as Record<string, unknown>;
    expect(await summary(w.A.members.data_steward.token)).toEqual({
      open: 4,
      waived: 1,
      passed: 2,
      byDataSource: [
        {
          dataSource: { id: w.sourceId, name: 'warehouse' },
          open: 4,
          waived: 1,
          passed: 2,
          trend: {
            evaluatedAt: expect.any(String),
            previousEvaluatedAt: expect.any(String),
            failed: 5,
            previousFailed: 2,
            opened: 3,
            resolved: 1,
          },
        },
      ],
      byFramework: [
        { framework: 'Internal', open: 1, waived: 0 },
        { framework: 'TESTFW', open: 3, waived: 1 },
      ],
      bySeverity: [
        { severity: 'critical', open: 2, waived: 0 },
        { severity: 'high', open: 1, waived: 1 },
        { severity: 'low', open: 1, waived: 0 },
      ],
    });
    expect(await summary(w.A.members.viewer.token)).toMatchObject({
      open: 2,
      waived: 1,
      passed: 2,
    });
    expect(await summary(w.B.members.admin.token)).toEqual({
      open: 0,
      waived: 0,
      passed: 0,
      byDataSource: [],
      byFramework: [],
      bySeverity: [],
    });
  });
});
