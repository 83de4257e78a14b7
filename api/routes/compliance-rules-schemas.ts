import { createRoute, z } from '@hono/zod-openapi';
import { RULE_ID, SEVERITIES } from '../../core/compliance/rule-pack.js';
import {
  bearer,
  commonErrors,
  ifMatchHeader,
  json,
  problemContent,
  versionErrors,
} from '../openapi-common.js';
import { pageSchema, paginationQuery } from '../pagination.js';

const TARGETS = ['dataset', 'column'] as const;
const tag = 'compliance';

const condition = z.record(z.string(), z.unknown()).openapi({
  description:
    'A condition: `{ all: […] }`, `{ any: […] }`, `{ not: … }`, `{ anyColumn: … }`, ' +
    '`{ allColumns: … }` or `{ field, op, value }` with a field of the catalogue.',
});

export const ruleView = z
  .object({
    id: z.string(),
    builtIn: z.boolean(),
    workspaceId: z.string().nullable(),
    framework: z.string(),
    pack: z.string(),
    packVersion: z.string().nullable(),
    title: z.string(),
    description: z.string().nullable(),
    references: z.array(z.string()),
    severity: z.enum(SEVERITIES),
    target: z.enum(TARGETS),
    when: condition,
    require: condition,
    evidence: z.array(z.string()),
    remediation: z.string(),
    enabled: z.boolean(),
    version: z.number().int().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi('ComplianceRule');

// Conditions are free JSON: `z.unknown()` keeps the value as sent (a record schema would
// copy it, and a `__proto__` key would then become a prototype), and `parseRule` checks it
// and answers 422 with a JSON Pointer to the offending part. Lengths and enums are checked
// there too, so that every problem of a rule is reported the same way and at once.
const freeCondition = (what: string) =>
  z
    .unknown()
    .optional()
    .openapi({ type: 'object', description: `${what} (required)` });

const ruleFields = {
  title: z.string().openapi({ description: '5-200 characters' }),
  description: z.string().optional(),
  references: z.array(z.string()).openapi({
    description: 'Articles and requirements implemented, e.g. `GDPR Art. 30(1)`; 1-10',
  }),
  severity: z.string().openapi({ enum: [...SEVERITIES] }),
  target: z.string().openapi({ enum: [...TARGETS] }),
  when: freeCondition('Where the rule applies'),
  require: freeCondition('What must hold where it applies'),
  evidence: z.array(z.string()).optional().openapi({ description: 'Fields recorded with results' }),
  remediation: z.string().openapi({ description: '10-2000 characters' }),
  framework: z.string().openapi({ description: 'Free text, 2-40 characters, e.g. `Internal`' }),
  enabled: z.boolean().optional(),
};

export const createRuleBody = z.strictObject({
  workspaceId: z.uuid(),
  id: z.string().openapi({
    description: 'Lower-case words joined by `-` or `.`, 3-80 characters; not a built-in id',
    example: 'acme-owner-required',
  }),
  ...ruleFields,
  pack: z.string().optional().openapi({ description: 'Defaults to `custom`' }),
});

const replaceRuleBody = z.strictObject({
  ...ruleFields,
  pack: z.string().optional().openapi({ description: 'Keeps its value when left out' }),
});

const ruleParams = z.strictObject({
  ruleId: z.string().min(3).max(80).regex(RULE_ID),
});
const workspaceQuery = z.strictObject({
  workspaceId: z.uuid().optional().openapi({
    description: 'The workspace of a custom rule; needed when several of yours have that id',
  }),
});
const invalid = { description: '`errors` lists `{ path, message }`', content: problemContent };
const noRule = { description: 'No such rule', content: problemContent };

export const listPacksRoute = createRoute({
  method: 'get',
  path: '/api/v1/compliance/packs',
  tags: [tag],
  summary:
    'Rule packs in force (built-in and `COMPLIANCE_PACKS_DIR`); stewards also see rejected files',
  security: bearer,
  responses: {
    200: {
      description: 'Packs; `problems` only for stewards and admins',
      content: json(
        z.object({
          items: z.array(
            z.object({
              id: z.string(),
              framework: z.string(),
              title: z.string(),
              version: z.string(),
              description: z.string().nullable(),
              rules: z.number().int(),
            }),
          ),
          problems: z
            .array(
              z.object({
                file: z.string(),
                issues: z.array(z.object({ path: z.string(), message: z.string() })),
              }),
            )
            .optional(),
        }),
      ),
    },
    ...commonErrors,
  },
});

export const listRulesRoute = createRoute({
  method: 'get',
  path: '/api/v1/compliance/rules',
  tags: [tag],
  summary: "Built-in rules and a workspace's own, by id",
  security: bearer,
  request: {
    query: z.strictObject({
      ...paginationQuery.shape,
      workspaceId: z.uuid().optional().openapi({
        description: 'Whose custom rules to add; required when you belong to several workspaces',
      }),
      framework: z.string().max(40).optional(),
      severity: z.enum(SEVERITIES).optional(),
      pack: z.string().max(80).optional(),
      target: z.enum(TARGETS).optional(),
    }),
  },
  responses: {
    200: {
      description: 'One page',
      content: json(pageSchema(ruleView).openapi('ComplianceRulePage')),
    },
    ...commonErrors,
  },
});

export const getRuleRoute = createRoute({
  method: 'get',
  path: '/api/v1/compliance/rules/{ruleId}',
  tags: [tag],
  summary: 'One rule; a custom one with its ETag',
  security: bearer,
  request: { params: ruleParams, query: workspaceQuery },
  responses: {
    200: { description: 'The rule', content: json(ruleView) },
    404: noRule,
    ...commonErrors,
  },
});

export const createRuleRoute = createRoute({
  method: 'post',
  path: '/api/v1/compliance/rules',
  tags: [tag],
  summary: 'Create a custom rule (stewards, admins); evaluated from the next evaluation on',
  security: bearer,
  request: { body: { required: true, content: json(createRuleBody) } },
  responses: {
    201: { description: 'Created, with Location and ETag', content: json(ruleView) },
    404: { description: 'No such workspace', content: problemContent },
    409: {
      description: 'A built-in rule or one of the workspace has that id',
      content: problemContent,
    },
    422: invalid,
    ...commonErrors,
  },
});

export const replaceRuleRoute = createRoute({
  method: 'put',
  path: '/api/v1/compliance/rules/{ruleId}',
  tags: [tag],
  summary: 'Replace a custom rule; needs If-Match',
  security: bearer,
  request: {
    params: ruleParams,
    query: workspaceQuery,
    headers: ifMatchHeader,
    body: { required: true, content: json(replaceRuleBody) },
  },
  responses: {
    200: { description: 'Replaced', content: json(ruleView) },
    404: noRule,
    409: { description: 'Built-in rules cannot be changed', content: problemContent },
    422: invalid,
    ...versionErrors,
    ...commonErrors,
  },
});

export const deleteRuleRoute = createRoute({
  method: 'delete',
  path: '/api/v1/compliance/rules/{ruleId}',
  tags: [tag],
  summary: 'Delete a custom rule; needs If-Match. Its findings resolve at the next evaluation',
  security: bearer,
  request: { params: ruleParams, query: workspaceQuery, headers: ifMatchHeader },
  responses: {
    204: { description: 'Deleted' },
    404: noRule,
    409: { description: 'Built-in rules cannot be deleted', content: problemContent },
    ...versionErrors,
    ...commonErrors,
  },
});
