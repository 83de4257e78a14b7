import { createRoute, z } from '@hono/zod-openapi';
import {
  bearer,
  commonErrors,
  getOneRoute,
  ifMatchHeader,
  json,
  patchOneRoute,
  problemContent,
  versionErrors,
  uuidParams,
} from '../openapi-common.js';
import { pageSchema, paginationQuery } from '../pagination.js';

const connectionConfig = z.record(z.string(), z.unknown()).openapi({
  description:
    'The connection settings, as described by the scanner’s config schema ' +
    '(`GET /api/v1/scanners`). Secret fields read `********`; send `********` back to keep them.',
});

export const dataSourceView = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    name: z.string(),
    scanner: z.string(),
    config: connectionConfig.optional().openapi({
      description: 'Absent for roles that may not see connection settings.',
    }),
    tags: z.array(z.string()).openapi({ description: 'Sorted; read by compliance rules.' }),
    region: z.string().nullable(),
    createdBy: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('DataSource');

const name = z.string().trim().min(1).max(200);
const noSuchSource = { description: 'No such data source', content: problemContent };
// Syntax and count are checked by the handler (422 naming each bad entry), so that a client
// learns every problem at once; the schema only says what shape to send.
const tags = z.array(z.string()).openapi({
  description:
    'What you say about the source (`hipaa`, `production`), read by compliance rules: at ' +
    'most 50 of `[a-z0-9][a-z0-9._:-]{0,62}`; stored deduplicated and sorted.',
});
const region = z.string().nullable().openapi({
  description: 'Where the data lives, e.g. `eu-west-1`: `[a-z0-9][a-z0-9-]{0,63}`, or null.',
});
const invalidTags = {
  description: 'A tag or the region is not valid (each named in `errors`)',
  content: problemContent,
};

export const scannersRoute = createRoute({
  method: 'get',
  path: '/api/v1/scanners',
  tags: ['data sources'],
  summary: 'Scanner plugins, their capabilities and config schemas',
  security: bearer,
  responses: {
    200: {
      description: 'Every registered scanner',
      content: json(
        z.object({
          items: z.array(
            z
              .object({
                id: z.string(),
                title: z.string(),
                description: z.string(),
                version: z.string(),
                capabilities: z.record(z.string(), z.unknown()),
                secretFields: z.array(z.string()),
                configSchema: z.record(z.string(), z.unknown()),
                source: z.string(),
              })
              .openapi('Scanner'),
          ),
        }),
      ),
    },
    ...commonErrors,
  },
});

export const listDataSourcesRoute = createRoute({
  method: 'get',
  path: '/api/v1/datasources',
  tags: ['data sources'],
  summary: 'Data sources of the caller’s workspaces',
  security: bearer,
  request: {
    query: z.strictObject({ ...paginationQuery.shape, workspaceId: z.uuid().optional() }),
  },
  responses: {
    200: {
      description: 'One page',
      content: json(pageSchema(dataSourceView).openapi('DataSourcePage')),
    },
    ...commonErrors,
  },
});

export const createDataSourceRoute = createRoute({
  method: 'post',
  path: '/api/v1/datasources',
  tags: ['data sources'],
  summary: 'Register a data source (data engineers, stewards, admins)',
  description: 'Secrets are encrypted at rest (AES-256-GCM) and never shown again.',
  security: bearer,
  request: {
    body: {
      required: true,
      content: json(
        z.strictObject({
          workspaceId: z.uuid(),
          name,
          scanner: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
          config: z.record(z.string(), z.unknown()),
          tags: tags.optional(),
          region: region.optional(),
        }),
      ),
    },
  },
  responses: {
    201: { description: 'Registered', content: json(dataSourceView) },
    404: { description: 'No such workspace', content: problemContent },
    409: { description: 'The workspace has a data source of that name', content: problemContent },
    422: invalidTags,
    ...commonErrors,
  },
});

export const getDataSourceRoute = getOneRoute({
  path: '/api/v1/datasources/{id}',
  tag: 'data sources',
  noun: 'data source',
  summary: 'One data source (secrets masked)',
  view: dataSourceView,
});

const basePatch = patchOneRoute({
  path: '/api/v1/datasources/{id}',
  tag: 'data sources',
  noun: 'data source',
  summary: 'Rename, reconfigure, tag or place a data source; needs If-Match',
  description:
    '`config` replaces the whole config; a secret sent as `********` or left out keeps its ' +
    'value. `tags` replaces the tags; `region: null` clears the region.',
  view: dataSourceView,
  body: z.strictObject({
    name: name.optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    tags: tags.optional(),
    region: region.optional(),
  }),
});

export const updateDataSourceRoute = createRoute({
  ...basePatch,
  responses: { ...basePatch.responses, 422: invalidTags },
});

export const deleteDataSourceRoute = createRoute({
  method: 'delete',
  path: '/api/v1/datasources/{id}',
  tags: ['data sources'],
  summary: 'Delete a data source with its scans and catalog assets; needs If-Match',
  security: bearer,
  request: { params: uuidParams, headers: ifMatchHeader },
  responses: {
    204: { description: 'Deleted' },
    404: noSuchSource,
    409: { description: 'A scan of it is running', content: problemContent },
    ...versionErrors,
    ...commonErrors,
  },
});

export const testDataSourceRoute = createRoute({
  method: 'post',
  path: '/api/v1/datasources/{id}/test',
  tags: ['data sources'],
  summary: 'Test the connection of a data source (those who may scan it)',
  description:
    'Runs on a worker, where the secrets are opened, under the network policy. A failed ' +
    'connection is an answer (`ok: false` with the kind and a message), not an error.',
  security: bearer,
  request: { params: uuidParams },
  responses: {
    200: {
      description: 'The outcome',
      content: json(
        z
          .object({
            ok: z.boolean(),
            serverVersion: z.string().nullable().optional(),
            details: z.record(z.string(), z.unknown()).optional(),
            kind: z.string().optional(),
            message: z.string().optional(),
            ms: z.number(),
          })
          .openapi('ConnectionTest'),
      ),
    },
    404: { description: 'No such data source', content: problemContent },
    ...commonErrors,
  },
});
