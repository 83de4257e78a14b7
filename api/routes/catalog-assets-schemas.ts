import { createRoute, z } from '@hono/zod-openapi';
import { LEGAL_BASES } from '../../core/compliance/condition-fields.js';
import { MAX_TAGS } from '../../core/compliance/curated-tags.js';
import { SENSITIVITY_LEVELS } from '../../core/permissions/vocabulary.js';
import { getOneRoute, patchOneRoute, problemContent } from '../openapi-common.js';

/** Owners one asset may have: accountability spread over more people means nobody's. */
export const MAX_OWNERS = 20;

export const catalogAssetView = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    dataSourceId: z.string(),
    parentId: z.string().nullable(),
    kind: z.string().openapi({ example: 'table' }),
    fqn: z.string().openapi({ description: 'Fully qualified name, unique within the source.' }),
    name: z.string(),
    dataType: z.string().nullable(),
    description: z.string().nullable(),
    sensitivity: z.enum(SENSITIVITY_LEVELS),
    tags: z.array(z.string()).openapi({
      description: 'Curated by stewards and read by compliance rules; scans never change them.',
    }),
    owners: z.array(
      z
        .object({ userId: z.string(), displayName: z.string(), email: z.string() })
        .openapi('AssetOwner'),
    ),
    properties: z.record(z.string(), z.unknown()).openapi({
      description: 'What scans found: row estimates, grants, the classification summary…',
    }),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deletedAt: z
      .string()
      .nullable()
      .openapi({ description: 'When a scan no longer found it; null while it exists.' }),
  })
  .openapi('CatalogAsset');

const path = '/api/v1/catalog/assets/{id}';

export const getCatalogAssetRoute = getOneRoute({
  path,
  tag: 'catalog',
  noun: 'catalog asset',
  summary: 'One catalog asset with its tags and owners (needs read access at its sensitivity)',
  view: catalogAssetView,
});

// Tag syntax, namespaces and sizes are checked by the handler (422 naming each bad entry),
// so that a client learns every problem at once; the schema only says what shape to send.
const basePatch = patchOneRoute({
  path,
  tag: 'catalog',
  noun: 'catalog asset',
  summary: 'Curate an asset’s tags and owners (stewards, admins); needs If-Match',
  description:
    'Fields left out keep their value; `tags` replaces the tags and `owners` the owners.',
  view: catalogAssetView,
  body: z.strictObject({
    tags: z
      .array(z.string())
      .optional()
      .openapi({
        description:
          `At most ${MAX_TAGS} of \`[a-z0-9][a-z0-9._:-]{0,62}\`, stored deduplicated and ` +
          `sorted. Namespaces the compliance rules read: \`legal-basis:\` one of ` +
          `${LEGAL_BASES.join(', ')}; \`retention:\` an ISO 8601 duration of years, months, ` +
          'weeks and days (`retention:P3Y`); at most one of each.',
      }),
    owners: z
      .array(z.uuid())
      .optional()
      .openapi({
        description: `User ids, members of the asset’s workspace; at most ${MAX_OWNERS}.`,
      }),
  }),
});

export const updateCatalogAssetRoute = createRoute({
  ...basePatch,
  responses: {
    ...basePatch.responses,
    422: {
      description: 'A tag is not valid, or an owner is not a member (each named in `errors`)',
      content: problemContent,
    },
  },
});
