import { createRoute, z } from '@hono/zod-openapi';
import { bearer, commonErrors, json, problemContent, uuidParams } from '../openapi-common.js';
import { pageSchema, paginationQuery } from '../pagination.js';

const stageTiming = z.object({
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  ms: z.number().optional(),
});

export const scanView = z
  .object({
    id: z.string(),
    dataSourceId: z.string(),
    workspaceId: z.string(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
    mode: z.enum(['full', 'incremental']),
    stage: z.string().nullable(),
    requestedBy: z.string().nullable(),
    datasets: z.object({ total: z.number(), done: z.number(), failed: z.number() }),
    containers: z.number(),
    batches: z.number(),
    rate: z.number().nullable().openapi({ description: 'Datasets per second' }),
    timings: z.object({
      prepare: stageTiming.optional(),
      discover: stageTiming.optional(),
      batches: stageTiming.optional(),
      finalize: stageTiming.optional(),
      busyMs: z.record(z.string(), z.number()).optional(),
    }),
    errors: z.object({
      total: z.number(),
      items: z.array(
        z.object({ fqn: z.string(), kind: z.string().nullable(), message: z.string().nullable() }),
      ),
    }),
    stats: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    samplesExpireAt: z.string().nullable(),
    error: z
      .object({ message: z.string(), kind: z.string().optional(), stage: z.string().optional() })
      .nullable(),
    links: z.object({ self: z.string(), diff: z.string(), dataSource: z.string() }),
  })
  .openapi('Scan');

const scanSummary = z
  .object({
    id: z.string(),
    status: z.string(),
    mode: z.string(),
    stage: z.string().nullable(),
    datasets: z.object({ total: z.number(), done: z.number() }),
    requestedBy: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('ScanSummary');

const change = z
  .object({
    fqn: z.string(),
    change: z.string(),
    assetKind: z.string(),
    assetId: z.string().nullable(),
    datasetFqn: z.string().nullable(),
    columnName: z.string().nullable(),
    oldType: z.string().nullable(),
    newType: z.string().nullable(),
  })
  .openapi('ScanChange');

const noSuchScan = { description: 'No such scan', content: problemContent };
const started = z.object({
  id: z.string(),
  status: z.string(),
  links: z.object({ self: z.string() }),
});

export const startScanRoute = createRoute({
  method: 'post',
  path: '/api/v1/datasources/{id}/scans',
  tags: ['scans'],
  summary: 'Start a scan of a data source, or get the one already running',
  security: bearer,
  request: {
    params: uuidParams,
    body: {
      required: false,
      content: json(z.strictObject({ mode: z.enum(['full', 'incremental']).default('full') })),
    },
  },
  responses: {
    202: { description: 'Started; follow `Location`', content: json(started) },
    200: { description: 'A scan of this source is already running', content: json(started) },
    404: { description: 'No such data source', content: problemContent },
    ...commonErrors,
  },
});

export const listScansRoute = createRoute({
  method: 'get',
  path: '/api/v1/datasources/{id}/scans',
  tags: ['scans'],
  summary: 'Scans of a data source, newest first',
  security: bearer,
  request: { params: uuidParams, query: paginationQuery.strict() },
  responses: {
    200: { description: 'One page', content: json(pageSchema(scanSummary).openapi('ScanPage')) },
    404: { description: 'No such data source', content: problemContent },
    ...commonErrors,
  },
});

export const getScanRoute = createRoute({
  method: 'get',
  path: '/api/v1/scans/{id}',
  tags: ['scans'],
  summary: 'Progress of a scan: stage, datasets done/total, rate, timings, errors per dataset',
  security: bearer,
  request: { params: uuidParams },
  responses: {
    200: { description: 'The scan', content: json(scanView) },
    404: noSuchScan,
    ...commonErrors,
  },
});

export const scanDiffRoute = createRoute({
  method: 'get',
  path: '/api/v1/scans/{id}/diff',
  tags: ['scans'],
  summary: 'What the scan changed in the catalog: assets added, removed, types changed',
  security: bearer,
  request: { params: uuidParams, query: paginationQuery.strict() },
  responses: {
    200: {
      description: 'Counts and one page of changes',
      content: json(
        pageSchema(change)
          .extend({ summary: z.record(z.string(), z.number()) })
          .openapi('ScanDiffPage'),
      ),
    },
    404: noSuchScan,
    ...commonErrors,
  },
});

export const scanErrorsRoute = createRoute({
  method: 'get',
  path: '/api/v1/scans/{id}/errors',
  tags: ['scans'],
  summary: 'Every dataset the scan could not read, and why',
  security: bearer,
  request: { params: uuidParams, query: paginationQuery.strict() },
  responses: {
    200: {
      description: 'One page',
      content: json(
        pageSchema(
          z.object({
            fqn: z.string(),
            kind: z.string().nullable(),
            message: z.string().nullable(),
          }),
        ).openapi('ScanErrorPage'),
      ),
    },
    404: noSuchScan,
    ...commonErrors,
  },
});

export const cancelScanRoute = createRoute({
  method: 'post',
  path: '/api/v1/scans/{id}/cancel',
  tags: ['scans'],
  summary: 'Cancel a running scan; the catalog keeps what earlier scans recorded',
  security: bearer,
  request: { params: uuidParams },
  responses: {
    202: { description: 'Cancellation requested', content: json(started) },
    404: noSuchScan,
    409: { description: 'The scan has already ended', content: problemContent },
    ...commonErrors,
  },
});
