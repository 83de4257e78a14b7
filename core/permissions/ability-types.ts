import type { ForcedSubject, MongoAbility } from '@casl/ability';
import type { Role } from './vocabulary.js';

/**
 * What a user can try to do. `manage` is CASL's wildcard: a rule for `manage` allows every
 * action, so it is granted, never asked for.
 *
 * @example
 * ability.can('scan', subject('DataSource', source));
 */
export const ACTIONS = ['read', 'create', 'update', 'delete', 'manage', 'scan', 'approve'] as const;

/** @example const action: Action = 'approve'; */
export type Action = (typeof ACTIONS)[number];

/**
 * The kinds of object rules are written about. Field names inside a subject are the API's
 * camelCase names (`workspaceId`, `createdBy`), never SQL column names.
 *
 * @example
 * subject('CatalogAsset', { id, workspaceId, sensitivity: 'internal' });
 */
export const SUBJECTS = [
  'Workspace',
  'User',
  'Membership',
  'DataSource',
  'ScanRun',
  'CatalogAsset',
  'AuditLog',
  'Pipeline',
  'Classifier',
  'InfoTypeSetting',
  'ComplianceRule',
  'ComplianceFinding',
  'ComplianceWaiver',
] as const;

/** @example const type: SubjectName = 'DataSource'; */
export type SubjectName = (typeof SUBJECTS)[number];

/**
 * The fields rules may look at, per subject, as the API names them. Rows are tagged with
 * CASL's `subject(type, object)` helper before a check; fields left out of an object are
 * treated as missing (no rule about them matches).
 *
 * @example
 * const asset: SubjectFields['CatalogAsset'] = { workspaceId, sensitivity: 'internal' };
 */
export interface SubjectFields {
  Workspace: { id: string };
  User: { id: string };
  Membership: { workspaceId: string; userId?: string; role?: Role };
  DataSource: {
    id?: string;
    workspaceId: string;
    createdBy?: string | null;
    name?: string;
    scanner?: string;
    settings?: unknown;
  };
  ScanRun: { id?: string; workspaceId: string; dataSourceId?: string; requestedBy?: string | null };
  CatalogAsset: {
    id?: string;
    workspaceId: string;
    dataSourceId?: string;
    kind?: string;
    /**
     * One of `SENSITIVITY_LEVELS`. Typed as `string` because CASL's typings only allow
     * `$lte` and friends on plain strings, not on a union of literals.
     */
    sensitivity: string;
  };
  AuditLog: { id?: string; workspaceId: string | null; actorUserId?: string | null };
  Pipeline: { id?: string; workspaceId: string; createdBy?: string | null };
  Classifier: { id?: string; workspaceId: string; createdBy?: string | null };
  /** The threshold overrides of one information type in one workspace. */
  InfoTypeSetting: { workspaceId: string; infoType?: string };
  /** A workspace's own compliance rule (built-in rules belong to no workspace: everyone reads them). */
  ComplianceRule: { id?: string; workspaceId: string; createdBy?: string | null };
  /**
   * A compliance result that is or was failing. `sensitivity` is its asset's: a finding
   * describes the asset (names, columns, evidence), so it is exactly as readable as the asset.
   */
  ComplianceFinding: {
    id?: string;
    workspaceId: string;
    dataSourceId?: string;
    /** One of `SENSITIVITY_LEVELS`, typed as `string` for the same reason as `CatalogAsset`. */
    sensitivity: string;
  };
  /** An exception to one finding; who asked for it decides whether they may withdraw it. */
  ComplianceWaiver: { id?: string; workspaceId: string; requestedBy?: string | null };
}

type TaggedSubject = { [K in SubjectName]: SubjectFields[K] & ForcedSubject<K> }[SubjectName];

/**
 * A subject as an ability accepts it: a type name (a type-level question, conditions
 * ignored), CASL's `all`, or an object tagged with `subject(type, object)`.
 *
 * @example
 * const s: AppSubject = subject('Workspace', { id: workspaceId });
 */
export type AppSubject = SubjectName | 'all' | TaggedSubject;

/**
 * The ability of one actor, built once per request by `defineAbilityFor`.
 *
 * @example
 * const ability: AppAbility = defineAbilityFor(actor);
 * if (!ability.can('update', subject('DataSource', source))) throw notFound();
 */
export type AppAbility = MongoAbility<[Action, AppSubject]>;

/**
 * Who is asking: the user, whether they run the platform, and their role in each workspace.
 *
 * @example
 * const actor: Actor = {
 *   userId: user.id,
 *   isPlatformAdmin: user.is_platform_admin,
 *   memberships: [{ workspaceId: 'b7c…', role: 'data_steward' }],
 * };
 */
export interface Actor {
  userId: string;
  isPlatformAdmin: boolean;
  memberships: readonly { workspaceId: string; role: Role }[];
}

/**
 * Fields of a data source that hold connection details. They are never readable by viewers
 * and data engineers; `secret` is readable by nobody (secrets are decrypted inside
 * activities, outside the ability).
 *
 * @example
 * ability.can('read', subject('DataSource', source), 'settings');
 */
export const DATA_SOURCE_CONNECTION_FIELDS = ['settings', 'secret'] as const;
