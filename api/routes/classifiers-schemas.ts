import { createRoute, z } from '@hono/zod-openapi';
import { CLASSIFIER_LIMITS } from '../../core/classification/custom-classifier.js';
import { INFO_TYPE_CATEGORIES } from '../../core/classification/info-type.js';
import { SENSITIVITY_LEVELS } from '../../core/permissions/vocabulary.js';
import {
  bearer,
  commonErrors,
  getOneRoute,
  ifMatchHeader,
  json,
  patchOneRoute,
  problemContent,
  uuidParams,
  versionErrors,
} from '../openapi-common.js';
import { pageSchema, paginationQuery } from '../pagination.js';

const ratio = z.number().min(0).max(1);
const { patternsPerList, patternLength, dictionaryEntries, dictionaryEntryLength, valueLength } =
  CLASSIFIER_LIMITS;

export const classifierView = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    infoType: z.string(),
    label: z.string().nullable(),
    category: z.enum(INFO_TYPE_CATEGORIES).nullable(),
    sensitivity: z.enum(SENSITIVITY_LEVELS).nullable(),
    namePatterns: z.array(z.string()),
    valuePatterns: z.array(z.string()),
    dictionary: z.array(z.string()),
    minMatchRatio: z.number(),
    confidence: z.number(),
    enabled: z.boolean(),
    createdBy: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Classifier');

// Sizes of patterns and dictionaries are checked by the handler (422 naming each entry),
// not here, so that a client learns every problem at once.
const fields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable(),
  infoType: z
    .string()
    .min(1)
    .max(64)
    .openapi({
      description:
        'The id of a built-in information type (`GET /api/v1/infotypes`), or a new one of ' +
        'this classifier’s own: 3 to 64 upper-case letters, digits and underscores.',
    }),
  label: z.string().trim().min(1).max(200).nullable(),
  category: z.enum(INFO_TYPE_CATEGORIES).nullable(),
  sensitivity: z.enum(SENSITIVITY_LEVELS).nullable().openapi({
    description: 'Required for a new information type; not allowed for a built-in one.',
  }),
  namePatterns: z.array(z.string()).openapi({
    description:
      `RE2 patterns searched for in column names, ignoring case; at most ${patternsPerList} ` +
      `of ${patternLength} characters. No backreferences or lookarounds.`,
  }),
  valuePatterns: z.array(z.string()).openapi({
    description:
      `RE2 patterns a whole trimmed value must match; at most ${patternsPerList} of ` +
      `${patternLength} characters. Values are tested on their first ${valueLength} characters.`,
  }),
  dictionary: z.array(z.string()).openapi({
    description:
      `Whole values, compared trimmed and ignoring case; at most ${dictionaryEntries} ` +
      `entries of ${dictionaryEntryLength} characters.`,
  }),
  minMatchRatio: ratio.openapi({ description: 'Share of sampled values that must match.' }),
  confidence: ratio.openapi({ description: 'Confidence given to what the classifier finds.' }),
  enabled: z.boolean(),
};

/**
 * The body of `POST /api/v1/classifiers`: defaults fill what is left out.
 *
 * @example
 * createClassifierBody.parse({ workspaceId, name: 'Badges', infoType: 'BADGE_ID',
 *   sensitivity: 'internal', valuePatterns: ['B\\d{5}'] });
 */
export const createClassifierBody = z.strictObject({
  workspaceId: z.uuid(),
  name: fields.name,
  description: fields.description.optional(),
  infoType: fields.infoType,
  label: fields.label.optional(),
  category: fields.category.optional(),
  sensitivity: fields.sensitivity.optional(),
  namePatterns: fields.namePatterns.default([]),
  valuePatterns: fields.valuePatterns.default([]),
  dictionary: fields.dictionary.default([]),
  minMatchRatio: fields.minMatchRatio.default(0.6),
  confidence: fields.confidence.default(0.9),
  enabled: fields.enabled.default(true),
});

const invalidClassifier = {
  description: 'The classifier is not valid: `errors` names each pattern, entry or field',
  content: problemContent,
};
const nameTaken = {
  description: 'The workspace has a classifier of that name, or one defining that new type',
  content: problemContent,
};

export const listClassifiersRoute = createRoute({
  method: 'get',
  path: '/api/v1/classifiers',
  tags: ['classification'],
  summary: 'Custom classifiers of the caller’s workspaces',
  security: bearer,
  request: {
    query: z.strictObject({
      ...paginationQuery.shape,
      workspaceId: z.uuid().optional(),
      infoType: z.string().max(64).optional(),
    }),
  },
  responses: {
    200: {
      description: 'One page, by name',
      content: json(pageSchema(classifierView).openapi('ClassifierPage')),
    },
    ...commonErrors,
  },
});

export const createClassifierRoute = createRoute({
  method: 'post',
  path: '/api/v1/classifiers',
  tags: ['classification'],
  summary: 'Create a custom classifier (stewards, admins)',
  description:
    'Patterns run on RE2, a linear-time engine: no backreferences, no lookarounds, no ' +
    'catastrophic backtracking whatever the pattern.',
  security: bearer,
  request: { body: { required: true, content: json(createClassifierBody) } },
  responses: {
    201: { description: 'Created, with Location and ETag', content: json(classifierView) },
    404: { description: 'No such workspace', content: problemContent },
    409: nameTaken,
    422: invalidClassifier,
    ...commonErrors,
  },
});

export const getClassifierRoute = getOneRoute({
  path: '/api/v1/classifiers/{id}',
  tag: 'classification',
  noun: 'classifier',
  summary: 'One custom classifier',
  view: classifierView,
});

const basePatch = patchOneRoute({
  path: '/api/v1/classifiers/{id}',
  tag: 'classification',
  noun: 'classifier',
  summary: 'Change a custom classifier; needs If-Match',
  description: 'Fields left out keep their value; `null` clears an optional one.',
  view: classifierView,
  body: z.strictObject({
    name: fields.name.optional(),
    description: fields.description.optional(),
    infoType: fields.infoType.optional(),
    label: fields.label.optional(),
    category: fields.category.optional(),
    sensitivity: fields.sensitivity.optional(),
    namePatterns: fields.namePatterns.optional(),
    valuePatterns: fields.valuePatterns.optional(),
    dictionary: fields.dictionary.optional(),
    minMatchRatio: fields.minMatchRatio.optional(),
    confidence: fields.confidence.optional(),
    enabled: fields.enabled.optional(),
  }),
});

export const updateClassifierRoute = createRoute({
  ...basePatch,
  responses: { ...basePatch.responses, 409: nameTaken, 422: invalidClassifier },
});

export const deleteClassifierRoute = createRoute({
  method: 'delete',
  path: '/api/v1/classifiers/{id}',
  tags: ['classification'],
  summary: 'Delete a custom classifier; needs If-Match',
  security: bearer,
  request: { params: uuidParams, headers: ifMatchHeader },
  responses: {
    204: { description: 'Deleted' },
    404: { description: 'No such classifier', content: problemContent },
    ...versionErrors,
    ...commonErrors,
  },
});
