import { subject } from '@casl/ability';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  validateClassifier,
  type ClassifierDefinition,
  type InfoTypeLookup,
} from '../../core/classification/custom-classifier.js';
import { caslToKysely } from '../../db/casl-to-kysely.js';
import { permissionColumns } from '../../db/permission-columns.js';
import {
  deleteClassifier,
  findClassifier,
  insertClassifier,
  listClassifiers,
  updateClassifier,
  type ClassifierConflict,
  type ClassifierWrite,
  type StoredClassifier,
} from '../../db/queries/classifiers.js';
import { findWorkspace } from '../../db/queries/workspaces.js';
import { notFound, requireAccess } from '../access.js';
import { audit } from '../audit.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { checkIfMatch, etagFor } from '../etag.js';
import { decodeCursor, pageLimit } from '../pagination.js';
import { problem } from '../problem.js';
import {
  createClassifierRoute,
  deleteClassifierRoute,
  getClassifierRoute,
  listClassifiersRoute,
  updateClassifierRoute,
} from './classifiers-schemas.js';

const classifierCursor = z.strictObject({ name: z.string().max(200), id: z.uuid() });

export interface ClassifiersRoutesDeps {
  /** The built-in information types (the catalogue's `infoTypeById`). */
  infoTypeById: InfoTypeLookup;
}

const view = (stored: StoredClassifier) => ({
  ...stored,
  namePatterns: [...stored.namePatterns],
  valuePatterns: [...stored.valuePatterns],
  dictionary: [...stored.dictionary],
  description: stored.description ?? null,
  label: stored.label ?? null,
  category: stored.category ?? null,
  sensitivity: stored.sensitivity ?? null,
});

/** What the audit log keeps of a classifier: the dictionary (up to 10,000 words) as a count. */
const summary = (stored: StoredClassifier) => ({
  name: stored.name,
  infoType: stored.infoType,
  sensitivity: stored.sensitivity ?? null,
  namePatterns: stored.namePatterns,
  valuePatterns: stored.valuePatterns,
  dictionaryEntries: stored.dictionary.length,
  minMatchRatio: stored.minMatchRatio,
  confidence: stored.confidence,
  enabled: stored.enabled,
});

/** 422 with one `{ path, message }` per problem, `path` naming the field or entry. */
function invalid(c: Context<AppEnv>, errors: string[]): Response {
  return problem(c, 422, {
    title: 'Unprocessable Content',
    detail: `The classifier is not valid: ${errors.join('; ')}`,
    errors: errors.map((error) => {
      const named = /^([A-Za-z]+(?:\[\d+\])?): (.*)$/s.exec(error);
      return named ? { path: named[1], message: named[2] } : { path: '', message: error };
    }),
  });
}

function conflict(c: Context<AppEnv>, { conflict: key }: ClassifierConflict, infoType: string) {
  return problem(c, 409, {
    detail:
      key === 'name'
        ? 'The workspace has a classifier of that name.'
        : `Another classifier of the workspace defines the info type ${infoType}.`,
  });
}

const isConflict = (result: object): result is ClassifierConflict => 'conflict' in result;

/**
 * Custom classifiers: a workspace's own patterns and dictionaries, stored as data, checked
 * on RE2 when written (422 naming each bad pattern) and compiled by the scan.
 */
export function classifiersRoutes({ db }: ApiDeps, { infoTypeById }: ClassifiersRoutesDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const load = (id: string) => () => findClassifier(db, id);
  const problemsOf = (write: ClassifierWrite) =>
    validateClassifier({ ...write, id: '' } satisfies ClassifierDefinition, infoTypeById);

  app.openapi(listClassifiersRoute, async (c) => {
    const query = c.req.valid('query');
    const page = await listClassifiers(
      db,
      {
        visibleTo: caslToKysely(c.var.ability, 'read', 'Classifier', permissionColumns.Classifier),
        workspaceId: query.workspaceId,
        infoType: query.infoType,
      },
      { limit: pageLimit(query.limit), after: decodeCursor(query.cursor, classifierCursor) },
    );
    return c.json({ items: page.items.map(view), nextCursor: page.nextCursor }, 200);
  });

  app.openapi(createClassifierRoute, async (c) => {
    const { workspaceId, ...write } = c.req.valid('json');
    const workspace = await findWorkspace(db, workspaceId);
    if (!workspace || !c.var.ability.can('create', subject('Classifier', { workspaceId }))) {
      throw notFound('Workspace');
    }
    const errors = problemsOf(write);
    if (errors.length > 0) return invalid(c, errors) as never;
    const created = await db.transaction().execute(async (trx) => {
      const result = await insertClassifier(trx, {
        ...write,
        workspaceId,
        createdBy: c.var.actor.userId,
      });
      if (!isConflict(result)) {
        await audit(c, trx, {
          action: 'classifier.create',
          objectType: 'classifier',
          objectId: result.id,
          workspaceId,
          after: summary(result),
        });
      }
      return result;
    });
    if (isConflict(created)) return conflict(c, created, write.infoType) as never;
    c.header('Location', `/api/v1/classifiers/${created.id}`);
    c.header('ETag', etagFor('classifier', created.id, created.version));
    return c.json(view(created), 201);
  });

  app.openapi(getClassifierRoute, async (c) => {
    const stored = await requireAccess(c, 'read', 'Classifier', load(c.req.valid('param').id));
    c.header('ETag', etagFor('classifier', stored.id, stored.version));
    return c.json(view(stored), 200);
  });

  app.openapi(updateClassifierRoute, async (c) => {
    const current = await requireAccess(c, 'update', 'Classifier', load(c.req.valid('param').id));
    const refused = checkIfMatch(c, { kind: 'classifier', ...current });
    if (refused) return refused as never;
    const write: ClassifierWrite = { ...current, ...c.req.valid('json') };
    const errors = problemsOf(write);
    if (errors.length > 0) return invalid(c, errors) as never;
    const updated = await db.transaction().execute(async (trx) => {
      const result = await updateClassifier(trx, current.id, current.version, write);
      if (result && !isConflict(result)) {
        await audit(c, trx, {
          action: 'classifier.update',
          objectType: 'classifier',
          objectId: current.id,
          workspaceId: current.workspaceId,
          before: summary(current),
          after: summary(result),
        });
      }
      return result;
    });
    if (!updated) return problem(c, 412, { detail: 'The classifier changed meanwhile.' }) as never;
    if (isConflict(updated)) return conflict(c, updated, write.infoType) as never;
    c.header('ETag', etagFor('classifier', updated.id, updated.version));
    return c.json(view(updated), 200);
  });

  app.openapi(deleteClassifierRoute, async (c) => {
    const current = await requireAccess(c, 'delete', 'Classifier', load(c.req.valid('param').id));
    const refused = checkIfMatch(c, { kind: 'classifier', ...current });
    if (refused) return refused as never;
    const deleted = await db.transaction().execute(async (trx) => {
      const done = await deleteClassifier(trx, current.id, current.version);
      if (done) {
        await audit(c, trx, {
          action: 'classifier.delete',
          objectType: 'classifier',
          objectId: current.id,
          workspaceId: current.workspaceId,
          before: summary(current),
        });
      }
      return done;
    });
    if (!deleted) return problem(c, 412, { detail: 'The classifier changed meanwhile.' }) as never;
    return c.body(null, 204);
  });

  return app;
}
