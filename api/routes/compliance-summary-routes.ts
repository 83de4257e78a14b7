import { OpenAPIHono } from '@hono/zod-openapi';
import { SEVERITIES } from '../../core/compliance/rule-pack.js';
import { caslToKysely } from '../../db/casl-to-kysely.js';
import { permissionColumns } from '../../db/permission-columns.js';
import {
  latestEvaluations,
  resultCounts,
  type EvaluationRecord,
  type ResultCount,
} from '../../db/queries/compliance-summary.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { summaryRoute } from './compliance-findings-schemas.js';
import { fullViewWorkspaces } from './compliance-shared.js';

interface Tally {
  open: number;
  waived: number;
  passed: number;
}

const empty = (): Tally => ({ open: 0, waived: 0, passed: 0 });
const add = (into: Tally, row: Tally) => {
  into.open += row.open;
  into.waived += row.waived;
  into.passed += row.passed;
};

/** How a source moved since its previous evaluation; null before its first one. */
function trendOf([latest, previous]: EvaluationRecord[]) {
  if (!latest) return null;
  return {
    evaluatedAt: latest.evaluatedAt,
    previousEvaluatedAt: previous?.evaluatedAt ?? null,
    failed: latest.failed,
    previousFailed: previous?.failed ?? null,
    opened: latest.opened,
    resolved: latest.resolved,
  };
}

/** Folds per-(source, framework, severity) counts into the three views of the summary. */
function fold(rows: readonly ResultCount[]) {
  const total = empty();
  const bySource = new Map<string, Tally & { name: string }>();
  const byFramework = new Map<string, Tally>();
  const bySeverity = new Map<string, Tally>();
  for (const row of rows) {
    add(total, row);
    const source = bySource.get(row.dataSourceId) ?? { ...empty(), name: row.dataSourceName };
    add(source, row);
    bySource.set(row.dataSourceId, source);
    for (const [map, key] of [
      [byFramework, row.framework],
      [bySeverity, row.severity],
    ] as const) {
      const tally = map.get(key) ?? empty();
      add(tally, row);
      map.set(key, tally);
    }
  }
  return { total, bySource, byFramework, bySeverity };
}

/**
 * The compliance summary: open and waived findings and passed results of what the caller may
 * read, by data source (with the trend since the source's previous evaluation), framework and
 * severity. Trends come from the evaluations' own counts, which cover the whole source;
 * they are shown to whoever may read the source, like the evaluation history.
 *
 * @example
 * app.route('/', complianceSummaryRoutes(deps));
 */
export function complianceSummaryRoutes({ db }: ApiDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(summaryRoute, async (c) => {
    const filter = c.req.valid('query');
    const ability = c.var.ability;
    const [rows, evaluations] = await Promise.all([
      resultCounts(db, {
        ...filter,
        visibleTo: caslToKysely(
          ability,
          'read',
          'ComplianceFinding',
          permissionColumns.ComplianceFinding,
        ),
      }),
      latestEvaluations(db, {
        ...filter,
        visibleTo: caslToKysely(ability, 'read', 'DataSource', permissionColumns.DataSource),
        workspaceIds: fullViewWorkspaces(c.var.actor, ability),
      }),
    ]);
    const { total, bySource, byFramework, bySeverity } = fold(rows);
    // Sources evaluated without a result the caller may read still show their trend (to
    // those who may read every finding: the trend counts them all).
    for (const [id, [latest]] of evaluations) {
      if (latest && !bySource.has(id))
        bySource.set(id, { ...empty(), name: latest.dataSourceName });
    }
    const byDataSource = [...bySource]
      .map(([id, { name, ...tally }]) => ({
        dataSource: { id, name },
        ...tally,
        trend: trendOf(evaluations.get(id) ?? []),
      }))
      .sort((a, b) => b.open - a.open || a.dataSource.name.localeCompare(b.dataSource.name));
    const counts = ({ open, waived }: Tally) => ({ open, waived });
    return c.json(
      {
        ...total,
        byDataSource,
        byFramework: [...byFramework]
          .map(([framework, tally]) => ({ framework, ...counts(tally) }))
          .sort((a, b) => a.framework.localeCompare(b.framework)),
        bySeverity: [...bySeverity]
          .map(([severity, tally]) => ({
            severity: severity as (typeof SEVERITIES)[number],
            ...counts(tally),
          }))
          .sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity)),
      },
      200,
    );
  });

  return app;
}
