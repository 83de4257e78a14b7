import { createRoute, z } from '@hono/zod-openapi';
import { INFO_TYPE_CATEGORIES } from '../../core/classification/info-type.js';
import { SENSITIVITY_LEVELS } from '../../core/permissions/vocabulary.js';
import { bearer, commonErrors, json, problemContent } from '../openapi-common.js';

const ratio = z.number().min(0).max(1);

export const infoTypeSettingsView = z
  .object({
    workspaceId: z.string(),
    infoType: z.string(),
    minMatchRatio: z.number().nullable().openapi({ description: 'null: the type’s own' }),
    minConfidence: z.number().nullable().openapi({ description: 'null: no minimum' }),
    enabled: z.boolean(),
    version: z.number().int(),
    updatedBy: z.string().nullable(),
    updatedAt: z.string(),
  })
  .openapi('InfoTypeSettings');

export const infoTypeView = z
  .object({
    id: z.string(),
    label: z.string(),
    category: z.enum(INFO_TYPE_CATEGORIES),
    sensitivity: z.enum(SENSITIVITY_LEVELS),
    description: z.string(),
    builtin: z.boolean(),
    classifierId: z.string().optional().openapi({
      description: 'For a workspace’s own type: the classifier that defines it.',
    }),
    workspaceId: z.string().optional(),
    valueCheck: z
      .object({ method: z.string(), describe: z.string() })
      .nullable()
      .openapi({ description: 'How values are checked; null when only a name can tell.' }),
    names: z.array(z.string()).openapi({ description: 'Phrases looked for in column names.' }),
    minMatchRatio: z.number(),
    settings: infoTypeSettingsView
      .nullable()
      .optional()
      .openapi({
        description:
          'With `workspaceId`: the workspace’s overrides, null when it has none (or the ' +
          'caller may not see them).',
      }),
  })
  .openapi('InfoType');

const workspaceQuery = z.strictObject({
  workspaceId: z.uuid().optional().openapi({
    description: 'Adds the workspace’s own types and its settings of every type.',
  }),
});
const infoTypeParams = z.strictObject({ id: z.string().min(1).max(64) });
const noSuchInfoType = { description: 'No such info type', content: problemContent };

export const listInfoTypesRoute = createRoute({
  method: 'get',
  path: '/api/v1/infotypes',
  tags: ['classification'],
  summary: 'Information types: the built-in ones and, with a workspace, its own',
  security: bearer,
  request: { query: workspaceQuery },
  responses: {
    200: {
      description: 'Every type (a reference list, not paged)',
      content: json(z.object({ items: z.array(infoTypeView) }).openapi('InfoTypeList')),
    },
    ...commonErrors,
  },
});

export const getInfoTypeRoute = createRoute({
  method: 'get',
  path: '/api/v1/infotypes/{id}',
  tags: ['classification'],
  summary: 'One information type, built in or defined by a classifier the caller may see',
  security: bearer,
  request: { params: infoTypeParams, query: workspaceQuery },
  responses: {
    200: { description: 'The type', content: json(infoTypeView) },
    404: noSuchInfoType,
    ...commonErrors,
  },
});

export const putInfoTypeSettingsRoute = createRoute({
  method: 'put',
  path: '/api/v1/infotypes/{id}/settings',
  tags: ['classification'],
  summary: 'Set a workspace’s thresholds for an information type, or turn it off',
  description:
    'Replaces the workspace’s settings of the type: a threshold left out or null goes back ' +
    'to the type’s own, `enabled` left out means true.',
  security: bearer,
  request: {
    params: infoTypeParams,
    body: {
      required: true,
      content: json(
        z.strictObject({
          workspaceId: z.uuid(),
          minMatchRatio: ratio.nullable().optional(),
          minConfidence: ratio.nullable().optional(),
          enabled: z.boolean().optional(),
        }),
      ),
    },
  },
  responses: {
    200: { description: 'The settings now in force', content: json(infoTypeSettingsView) },
    404: { description: 'No such workspace or info type', content: problemContent },
    ...commonErrors,
  },
});
