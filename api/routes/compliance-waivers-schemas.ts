import { createRoute, z } from '@hono/zod-openapi';
import {
  bearer,
  commonErrors,
  ifMatchHeader,
  json,
  problemContent,
  uuidParams,
  versionErrors,
} from '../openapi-common.js';
import { pageSchema, paginationQuery } from '../pagination.js';

const tag = 'compliance';
const STATUSES = ['requested', 'approved', 'rejected', 'revoked'] as const;

/** How far ahead a waiver may expire: exceptions are reviewed at least once a year. */
export const MAX_WAIVER_DAYS = 365;

export const waiverView = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    findingId: z.string(),
    reason: z.string(),
    expiresAt: z.string(),
    status: z.enum(STATUSES),
    effective: z
      .boolean()
      .openapi({ description: 'Approved and not expired: the finding is waived' }),
    requestedBy: z.string().nullable(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionNote: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ComplianceWaiver');

const noWaiver = { description: 'No such waiver', content: problemContent };
const wrongState = {
  description: 'The waiver is not in a state that allows this',
  content: problemContent,
};

export const requestWaiverRoute = createRoute({
  method: 'post',
  path: '/api/v1/compliance/findings/{id}/waivers',
  tags: [tag],
  summary: 'Ask for a waiver of a failing finding; approved at once when you may approve',
  security: bearer,
  request: {
    params: uuidParams,
    body: {
      required: true,
      content: json(
        z.strictObject({
          reason: z.string().trim().min(10).max(2000),
          expiresAt: z.iso.datetime({ offset: true }).openapi({
            description: `In the future, at most ${MAX_WAIVER_DAYS} days ahead`,
          }),
        }),
      ),
    },
  },
  responses: {
    201: { description: 'Created, with Location and ETag', content: json(waiverView) },
    404: { description: 'No such finding', content: problemContent },
    409: { description: 'Not failing, or it has a live waiver already', content: problemContent },
    422: { description: 'The expiry is in the past or too far ahead', content: problemContent },
    ...commonErrors,
  },
});

export const getWaiverRoute = createRoute({
  method: 'get',
  path: '/api/v1/compliance/waivers/{id}',
  tags: [tag],
  summary: 'One waiver, with its ETag',
  security: bearer,
  request: { params: uuidParams },
  responses: {
    200: { description: 'The waiver', content: json(waiverView) },
    404: noWaiver,
    ...commonErrors,
  },
});

const decideRoute = (verb: 'approve' | 'reject') =>
  createRoute({
    method: 'post',
    path: `/api/v1/compliance/waivers/{id}/${verb}`,
    tags: [tag],
    summary: `${verb === 'approve' ? 'Approve' : 'Reject'} a requested waiver (stewards, admins); needs If-Match`,
    security: bearer,
    request: {
      params: uuidParams,
      headers: ifMatchHeader,
      body: {
        required: false,
        content: json(z.strictObject({ note: z.string().trim().max(2000).optional() })),
      },
    },
    responses: {
      200: { description: 'Decided', content: json(waiverView) },
      404: noWaiver,
      409: wrongState,
      ...versionErrors,
      ...commonErrors,
    },
  });

export const approveWaiverRoute = decideRoute('approve');
export const rejectWaiverRoute = decideRoute('reject');

export const revokeWaiverRoute = createRoute({
  method: 'delete',
  path: '/api/v1/compliance/waivers/{id}',
  tags: [tag],
  summary:
    'Revoke a waiver (stewards, admins; the requester while it is requested); needs If-Match',
  security: bearer,
  request: { params: uuidParams, headers: ifMatchHeader },
  responses: {
    200: {
      description: 'Revoked; the finding is open again if it still fails',
      content: json(waiverView),
    },
    404: noWaiver,
    409: wrongState,
    ...versionErrors,
    ...commonErrors,
  },
});

export const listWaiversRoute = createRoute({
  method: 'get',
  path: '/api/v1/compliance/waivers',
  tags: [tag],
  summary: 'Waivers of the findings you may read, newest first',
  security: bearer,
  request: {
    query: z.strictObject({
      ...paginationQuery.shape,
      workspaceId: z.uuid().optional(),
      findingId: z.uuid().optional(),
      status: z.enum(STATUSES).optional(),
    }),
  },
  responses: {
    200: {
      description: 'One page',
      content: json(pageSchema(waiverView).openapi('ComplianceWaiverPage')),
    },
    ...commonErrors,
  },
});
