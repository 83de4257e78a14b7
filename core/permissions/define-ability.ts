import { AbilityBuilder, createMongoAbility } from '@casl/ability';
import {
  DATA_SOURCE_CONNECTION_FIELDS,
  type Action,
  type Actor,
  type AppAbility,
} from './ability-types.js';
import { permissionConditionsMatcher } from './conditions-matcher.js';
import type { Role, Sensitivity } from './vocabulary.js';

type Builder = AbilityBuilder<AppAbility>;

interface RoleScope {
  builder: Builder;
  userId: string;
  /** Condition on `workspaceId` for subjects that belong to a workspace. */
  inWorkspaces: { workspaceId: { $in: string[] } };
  /** The same condition for the `Workspace` subject itself, whose key is `id`. */
  isWorkspace: { id: { $in: string[] } };
}

function readOnly({ builder, inWorkspaces, isWorkspace }: RoleScope, upTo: Sensitivity): void {
  builder.can('read', 'Workspace', isWorkspace);
  builder.can(
    'read',
    [
      'Membership',
      'DataSource',
      'ScanRun',
      'Pipeline',
      'Classifier',
      'InfoTypeSetting',
      'ComplianceRule',
      'ComplianceWaiver',
    ],
    inWorkspaces,
  );
  builder.cannot('read', 'DataSource', [...DATA_SOURCE_CONNECTION_FIELDS], inWorkspaces);
  // A finding names its asset and quotes its evidence, so it has the asset's ceiling.
  builder.can('read', ['CatalogAsset', 'ComplianceFinding'], {
    ...inWorkspaces,
    sensitivity: { $lte: upTo },
  });
}

const grantsByRole: Record<Role, (scope: RoleScope) => void> = {
  viewer(scope) {
    readOnly(scope, 'internal');
  },

  data_engineer(scope) {
    const { builder, userId, inWorkspaces } = scope;
    readOnly(scope, 'confidential');
    const own = { ...inWorkspaces, createdBy: userId };
    builder.can('create', 'DataSource', inWorkspaces);
    builder.can(['update', 'delete', 'scan'], 'DataSource', own);
    // Whoever registered a source edits its connection settings, so they may read them.
    builder.can('read', 'DataSource', ['settings'], own);
    builder.can('update', 'ScanRun', { ...inWorkspaces, requestedBy: userId });
    builder.can(['create', 'approve'], 'Pipeline', inWorkspaces);
    builder.can(['update', 'delete'], 'Pipeline', own);
    // Engineers ask for exceptions; stewards decide them. A requester may withdraw their own
    // request (the route allows that only while it is still `requested`).
    builder.can('create', 'ComplianceWaiver', inWorkspaces);
    builder.can('delete', 'ComplianceWaiver', { ...inWorkspaces, requestedBy: userId });
  },

  data_steward({ builder, inWorkspaces, isWorkspace }) {
    builder.can('read', 'Workspace', isWorkspace);
    builder.can('read', ['Membership', 'Pipeline', 'AuditLog'], inWorkspaces);
    builder.can(
      'manage',
      ['DataSource', 'Classifier', 'InfoTypeSetting', 'ComplianceRule', 'ComplianceWaiver'],
      inWorkspaces,
    );
    builder.can(['read', 'create', 'update'], 'ScanRun', inWorkspaces);
    builder.can(['read', 'update', 'approve'], 'CatalogAsset', inWorkspaces);
    builder.can('read', 'ComplianceFinding', inWorkspaces);
  },

  admin({ builder, inWorkspaces, isWorkspace }) {
    builder.can('manage', 'Workspace', isWorkspace);
    builder.can(
      'manage',
      [
        'Membership',
        'DataSource',
        'ScanRun',
        'CatalogAsset',
        'Pipeline',
        'Classifier',
        'InfoTypeSetting',
        'ComplianceRule',
        'ComplianceFinding',
        'ComplianceWaiver',
      ],
      inWorkspaces,
    );
    builder.can('read', 'AuditLog', inWorkspaces);
  },
};

function workspacesByRole(actor: Actor): Map<Role, string[]> {
  const byRole = new Map<Role, string[]>();
  for (const { workspaceId, role } of actor.memberships) {
    byRole.set(role, [...(byRole.get(role) ?? []), workspaceId]);
  }
  return byRole;
}

/**
 * Builds the ability of one actor: what they may do with which objects, and which fields
 * they may see. Pure; build it once per request from the user row and their memberships.
 * The full matrix is in `core/permissions/README.md`, and a unit test holds the code to it.
 *
 * Order matters in CASL (a later rule wins over an earlier one), so the rules come in three
 * layers: per-role grants and field restrictions, then the platform admin's `manage all`
 * (which lifts field restrictions a membership would put on them), then the rules no one is
 * exempt from: the audit log is append-only and a data source's `secret` is never readable.
 *
 * Ask with a tagged object (`subject(type, object)`) so that conditions are checked; asking
 * with a bare type name only says whether some object of that type could be allowed.
 *
 * @example
 * const ability = defineAbilityFor({ userId, isPlatformAdmin: false, memberships });
 * ability.can('read', subject('CatalogAsset', { workspaceId, sensitivity: 'restricted' }));
 * ability.can('read', subject('DataSource', source), 'settings');
 */
export function defineAbilityFor(actor: Actor): AppAbility {
  const builder = new AbilityBuilder<AppAbility>(createMongoAbility);

  builder.can('read', 'User', { id: actor.userId });
  builder.can('update', 'User', ['displayName', 'password'], { id: actor.userId });

  for (const [role, workspaceIds] of workspacesByRole(actor)) {
    grantsByRole[role]({
      builder,
      userId: actor.userId,
      inWorkspaces: { workspaceId: { $in: workspaceIds } },
      isWorkspace: { id: { $in: workspaceIds } },
    });
  }

  if (actor.isPlatformAdmin) builder.can('manage', 'all');

  const appendOnly: Action[] = ['update', 'delete'];
  builder.cannot(appendOnly, 'AuditLog');
  builder.cannot('read', 'DataSource', 'secret');

  return builder.build({ conditionsMatcher: permissionConditionsMatcher });
}
