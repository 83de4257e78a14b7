import { subject } from '@casl/ability';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Action, SubjectFields, SubjectName } from '../core/permissions/ability-types.js';
import type { AppEnv } from './deps.js';

/** What a route's 404 calls the object, e.g. `No such workspace.` */
const NOUNS: Record<SubjectName, string> = {
  Workspace: 'workspace',
  User: 'user',
  Membership: 'membership',
  DataSource: 'data source',
  ScanRun: 'scan',
  CatalogAsset: 'catalog asset',
  AuditLog: 'audit entry',
  Pipeline: 'pipeline',
  Classifier: 'classifier',
  InfoTypeSetting: 'info type',
  ComplianceRule: 'compliance rule',
  ComplianceFinding: 'compliance finding',
  ComplianceWaiver: 'compliance waiver',
};

/**
 * The 404 every id-taking route answers both for an object that does not exist and for one
 * the caller may not touch, so that ids of other workspaces cannot be probed.
 *
 * @example
 * throw notFound('DataSource');
 */
export function notFound(type: SubjectName): HTTPException {
  return new HTTPException(404, { message: `No such ${NOUNS[type]}.` });
}

/**
 * The one access check of every route that takes an id: loads the object, asks the caller's
 * ability about it (conditions included) and returns it, or throws the same 404 whether it is
 * missing or forbidden. `load` returns the object with at least the fields the permission
 * rules read (`workspaceId`, `createdBy`, `sensitivity`…).
 *
 * @example
 * const source = await requireAccess(c, 'update', 'DataSource', () => findDataSource(db, id));
 */
export async function requireAccess<S extends SubjectName, T extends SubjectFields[S]>(
  c: Context<AppEnv>,
  action: Action,
  type: S,
  load: () => Promise<T | undefined>,
): Promise<T> {
  const found = await load();
  if (found === undefined || !c.var.ability.can(action, subject(type, { ...found }) as never)) {
    throw notFound(type);
  }
  return found;
}
