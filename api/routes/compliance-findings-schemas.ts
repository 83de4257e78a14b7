import { createRoute, z } from '@hono/zod-openapi';
import { RULE_ID, SEVERITIES } from '../../core/compliance/rule-pack.js';
import { SENSITIVITY_LEVELS } from '../../core/permissions/vocabulary.js';
import { FINDING_STATES } from '../../db/queries/compliance-findings.js';
import { bearer, commonErrors, json, problemContent, uuidParams } from '../openapi-common.js';
import { pageSchema, paginationQuery } from '../pagination.js';

const tag = 'compliance';
const severity = z.enum(SEVERITIES);

export const findingView = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    state: z.enum(FINDING_STATES),
    ruleId: z.string(),
    ruleTitle: z
      .string()
      .nullable()
      .openapi({ description: 'Null when the rule no longer exists' }),
    framework: z.string(),
    severity,
    references: z.array(z.string()),
    remediation: z.string().nullable(),
    asset: z.object({
      id: z.string(),
      fqn: z.string(),
      kind: z.string(),
      name: z.string(),
      sensitivity: z.enum(SENSITIVITY_LEVELS),
    }),
    dataSource: z.object({ id: z.string(), name: z.string() }),
    evidence: z.record(z.string(), z.unknown()).openapi({
      description: '`fields` (the rule’s evidence fields), `columns` (where it applied), `failing`',
    }),
    openedAt: z.string(),
    resolvedAt: z.string().nullable(),
    updatedAt: z.string(),
    waiver: z
      .object({
        id: z.string(),
        status: z.enum(['requested', 'approved']),
        reason: z.string(),
        expiresAt: z.string(),
        requestedBy: z.string().nullable(),
        decidedBy: z.string().nullable(),
      })
      .nullable()
      .openapi({
        description: 'The live waiver: requested, or approved (expired if past expiresAt)',
      }),
  })
  .openapi('ComplianceFinding');

/**
 * The filters of finding lists and exports. `severity` may repeat (`severity=high&severity=critical`).
 *
 * @example
 * const query = z.strictObject({ ...findingFilters, ...paginationQuery.shape });
 */
export const findingFilters = {
  workspaceId: z.uuid().optional(),
  dataSourceId: z.uuid().optional(),
  framework: z.string().max(40).optional(),
  severity: z.union([severity, z.array(severity).max(SEVERITIES.length)]).optional(),
  ruleId: z.string().max(80).regex(RULE_ID).optional(),
  assetId: z.uuid().optional(),
  state: z.enum(FINDING_STATES).default('open').openapi({ description: '`open` when omitted' }),
};

export const listFindingsRoute = createRoute({
  method: 'get',
  path: '/api/v1/compliance/findings',
  tags: [tag],
  summary: 'Findings on the assets you may read, newest failure first',
  security: bearer,
  request: { query: z.strictObject({ ...paginationQuery.shape, ...findingFilters }) },
  responses: {
    200: {
      description: 'One page',
      content: json(pageSchema(findingView).openapi('ComplianceFindingPage')),
    },
    ...commonErrors,
  },
});

export const getFindingRoute = createRoute({
  method: 'get',
  path: '/api/v1/compliance/findings/{id}',
  tags: [tag],
  summary: 'One finding and its history (opened, resolved, reopened)',
  security: bearer,
  request: { params: uuidParams },
  responses: {
    200: {
      description: 'The finding',
      content: json(
        findingView
          .extend({
            history: z.array(
              z.object({
                evaluationId: z.string(),
                from: z.enum(['pass', 'fail', 'not_applicable']).nullable(),
                to: z.enum(['pass', 'fail', 'not_applicable']),
                at: z.string(),
              }),
            ),
          })
          .openapi('ComplianceFindingDetail'),
      ),
    },
    404: { description: 'No such finding', content: problemContent },
    ...commonErrors,
  },
});

export const exportFindingsRoute = createRoute({
  method: 'get',
  path: '/api/v1/compliance/findings/export',
  tags: [tag],
  summary: 'Every matching finding (up to 100,000) as a CSV or JSON attachment',
  description:
    'CSV has a header row and RFC 4180 quoting; a cell starting with `=`, `+`, `-`, `@`, tab or ' +
    "carriage return gets a leading `'` so that spreadsheets do not run it as a formula.",
  security: bearer,
  request: {
    query: z.strictObject({ ...findingFilters, format: z.enum(['csv', 'json']).default('csv') }),
  },
  responses: {
    200: {
      description: 'The findings, as an attachment',
      content: {
        'text/csv': { schema: z.string() },
        'application/json': { schema: z.array(findingView) },
      },
    },
    ...commonErrors,
  },
});

const counts = { open: z.number().int(), waived: z.number().int() };

export const summaryRoute = createRoute({
  method: 'get',
  path: '/api/v1/compliance/summary',
  tags: [tag],
  summary: 'Open and waived findings by source, framework and severity, with each source’s trend',
  security: bearer,
  request: {
    query: z.strictObject({ workspaceId: z.uuid().optional(), dataSourceId: z.uuid().optional() }),
  },
  responses: {
    200: {
      description: 'Counts of what you may read',
      content: json(
        z
          .object({
            ...counts,
            passed: z.number().int(),
            byDataSource: z.array(
              z.object({
                dataSource: z.object({ id: z.string(), name: z.string() }),
                ...counts,
                passed: z.number().int(),
                trend: z
                  .object({
                    evaluatedAt: z.string(),
                    previousEvaluatedAt: z.string().nullable(),
                    failed: z.number().int(),
                    previousFailed: z.number().int().nullable(),
                    opened: z.number().int(),
                    resolved: z.number().int(),
                  })
                  .nullable(),
              }),
            ),
            byFramework: z.array(z.object({ framework: z.string(), ...counts })),
            bySeverity: z.array(z.object({ severity, ...counts })),
          })
          .openapi('ComplianceSummary'),
      ),
    },
    ...commonErrors,
  },
});
