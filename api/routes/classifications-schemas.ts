import { createRoute, z } from '@hono/zod-openapi';
import { bearer, commonErrors, json, problemContent } from '../openapi-common.js';
import { pageSchema, paginationQuery } from '../pagination.js';

const infoTypeId = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{1,63}$/)
  .openapi({ example: 'EMAIL_ADDRESS' });

const evidence = z.record(z.string(), z.unknown()).openapi('Evidence', {
  description:
    "One detector's reason: `name` (phrase, match), `values` (method, matched, examined, ratio, threshold), `custom` (classifier), `llm` (model, reason) or `steward`.",
});

export const classificationView = z
  .object({
    assetId: z.string(),
    fqn: z.string(),
    workspaceId: z.string(),
    dataSourceId: z.string(),
    infoType: z.string(),
    status: z.enum(['suggested', 'approved', 'rejected']),
    source: z.enum(['rules', 'custom', 'llm', 'steward']),
    confidence: z.number(),
    evidence: z.array(evidence),
    engineVersion: z.string().nullable(),
    scanRunId: z.string().nullable(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ColumnClassification');

const assetParams = z.strictObject({ id: z.uuid() });
const typeParams = z.strictObject({ id: z.uuid(), infoType: infoTypeId });
const decisionBody = z.strictObject({ note: z.string().max(2000).optional() });
const noAsset = { description: 'No such catalog asset', content: problemContent };

export const listAssetClassificationsRoute = createRoute({
  method: 'get',
  path: '/api/v1/catalog/assets/{id}/classifications',
  tags: ['classification'],
  summary: "A column's proposed information types and stewards' decisions, with evidence",
  security: bearer,
  request: { params: assetParams },
  responses: {
    200: {
      description: 'Decided first, then by confidence',
      content: json(z.object({ items: z.array(classificationView) })),
    },
    404: noAsset,
    ...commonErrors,
  },
});

const decideRoute = (verb: 'approve' | 'reject', summary: string) =>
  createRoute({
    method: 'post',
    path: `/api/v1/catalog/assets/{id}/classifications/{infoType}/${verb}`,
    tags: ['classification'],
    summary,
    security: bearer,
    request: {
      params: typeParams,
      body: { required: false, content: json(decisionBody) },
    },
    responses: {
      200: { description: 'The decided classification', content: json(classificationView) },
      404: { description: 'No such asset or proposal', content: problemContent },
      422: { description: 'The asset is not a column', content: problemContent },
      ...commonErrors,
    },
  });

export const approveClassificationRoute = decideRoute(
  'approve',
  "Approve a proposed type: kept on every later scan; raises the column's sensitivity to the type's",
);
export const rejectClassificationRoute = decideRoute(
  'reject',
  'Reject a proposed type: never proposed again for this column',
);

export const setClassificationRoute = createRoute({
  method: 'put',
  path: '/api/v1/catalog/assets/{id}/classifications/{infoType}',
  tags: ['classification'],
  summary: "Set a column's type by hand (approved, source `steward`), proposed or not",
  security: bearer,
  request: { params: typeParams, body: { required: false, content: json(decisionBody) } },
  responses: {
    200: { description: 'The classification', content: json(classificationView) },
    404: noAsset,
    422: { description: 'Not a column, or an unknown information type', content: problemContent },
    ...commonErrors,
  },
});

export const withdrawClassificationRoute = createRoute({
  method: 'delete',
  path: '/api/v1/catalog/assets/{id}/classifications/{infoType}/decision',
  tags: ['classification'],
  summary:
    'Take a decision back: a proposed type becomes `suggested` again, a hand-set one is removed',
  security: bearer,
  request: { params: typeParams },
  responses: {
    204: { description: 'Withdrawn' },
    404: { description: 'No such asset or decision', content: problemContent },
    ...commonErrors,
  },
});

export const reviewQueueRoute = createRoute({
  method: 'get',
  path: '/api/v1/classifications',
  tags: ['classification'],
  summary: 'The review queue: classifications of the columns you may read, newest first',
  security: bearer,
  request: {
    query: paginationQuery
      .extend({
        workspaceId: z.uuid().optional(),
        dataSourceId: z.uuid().optional(),
        status: z.enum(['suggested', 'approved', 'rejected']).optional(),
        infoType: infoTypeId.optional(),
      })
      .strict(),
  },
  responses: {
    200: {
      description: 'One page',
      content: json(pageSchema(classificationView).openapi('ColumnClassificationPage')),
    },
    ...commonErrors,
  },
});

const previewValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

export const previewRoute = createRoute({
  method: 'post',
  path: '/api/v1/classify/preview',
  tags: ['classification'],
  summary:
    "Run the classification engine (rules, and a workspace's custom classifiers) on posted columns; nothing is stored",
  security: bearer,
  request: {
    body: {
      required: true,
      content: json(
        z.strictObject({
          workspaceId: z.uuid().optional().openapi({
            description: "Use this workspace's custom classifiers and thresholds",
          }),
          columns: z
            .array(
              z.strictObject({
                name: z.string().min(1).max(200),
                dataType: z.string().max(200).optional(),
                values: z.array(previewValue).max(1000),
              }),
            )
            .max(200),
        }),
      ),
    },
  },
  responses: {
    200: {
      description: 'One decision per column, in order',
      content: json(
        z
          .object({
            engineVersion: z.string(),
            columns: z.array(
              z.object({
                name: z.string(),
                infoType: z.string().nullable(),
                sensitive: z.boolean(),
                sensitivity: z.string().nullable(),
                confidence: z.number(),
                proposals: z.array(
                  z.object({
                    infoType: z.string(),
                    confidence: z.number(),
                    sensitivity: z.string(),
                    evidence: z.array(evidence),
                  }),
                ),
                ambiguity: z.string().nullable(),
                statistics: z.record(z.string(), z.number().nullable()),
              }),
            ),
          })
          .openapi('ClassifyPreview'),
      ),
    },
    404: { description: 'No such workspace', content: problemContent },
    ...commonErrors,
  },
});
