import { readFileSync } from 'node:fs';
import { subject } from '@casl/ability';
import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  type Action,
  type Actor,
  type AppSubject,
  type SubjectName,
} from '../../core/permissions/ability-types.js';
import { defineAbilityFor } from '../../core/permissions/define-ability.js';
import { ROLES, SENSITIVITY_LEVELS, type Role } from '../../core/permissions/vocabulary.js';

const ME = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';
const MINE = '10000000-0000-4000-8000-000000000001';
const FOREIGN = '10000000-0000-4000-8000-000000000002';
const CHECKED: Action[] = ACTIONS.filter((action) => action !== 'manage');

interface Grant {
  action: Action;
  qualifier?: string;
}

/** The role matrix as written in the README, so the documentation cannot drift. */
function readMatrix(): Map<string, Map<Role, Grant[]>> {
  const readme = readFileSync(new URL('../../core/permissions/README.md', import.meta.url), 'utf8');
  const table = /<!-- role-matrix:start -->([\s\S]*)<!-- role-matrix:end -->/.exec(readme)?.[1];
  if (!table) throw new Error('role matrix markers missing from the README');
  const rows = table.trim().split('\n').slice(2);
  const header = table
    .trim()
    .split('\n')[0]!
    .split('|')
    .map((cell) => cell.trim());
  const roles = header.slice(2, -1) as Role[];
  expect([...roles].sort()).toEqual([...ROLES].sort());
  const matrix = new Map<string, Map<Role, Grant[]>>();
  for (const row of rows) {
    const [, type, ...cells] = row.split('|').map((cell) => cell.trim());
    const byRole = new Map<Role, Grant[]>();
    roles.forEach((role, index) => byRole.set(role, parseCell(cells[index] ?? '')));
    matrix.set(type!, byRole);
  }
  return matrix;
}

function parseCell(cell: string): Grant[] {
  if (cell === '-') return [];
  return cell.split(',').flatMap((part) => {
    const [action, ...rest] = part.trim().split(' ') as [Action, ...string[]];
    const qualifier = rest.length > 0 ? rest.join(' ') : undefined;
    if (action === 'manage') return CHECKED.map((each) => ({ action: each }));
    return [{ action, qualifier }];
  });
}

interface Variant {
  label: string;
  inWorkspace: boolean;
  own: boolean;
  sensitivity: string;
  object: AppSubject;
}

function variants(type: SubjectName): Variant[] {
  const out: Variant[] = [];
  for (const inWorkspace of [true, false]) {
    const workspaceId = inWorkspace ? MINE : FOREIGN;
    for (const own of [true, false]) {
      const by = own ? ME : OTHER;
      for (const sensitivity of SENSITIVITY_LEVELS) {
        const label = `${inWorkspace ? 'member' : 'foreign'} ${own ? 'own' : 'other'} ${sensitivity}`;
        const base = { inWorkspace, own, sensitivity, label };
        const objects: Record<SubjectName, AppSubject> = {
          Workspace: subject('Workspace', { id: workspaceId }),
          User: subject('User', { id: by }),
          Membership: subject('Membership', { workspaceId, userId: by }),
          DataSource: subject('DataSource', { workspaceId, createdBy: by }),
          ScanRun: subject('ScanRun', { workspaceId, requestedBy: by }),
          CatalogAsset: subject('CatalogAsset', { workspaceId, sensitivity }),
          AuditLog: subject('AuditLog', { workspaceId }),
          Pipeline: subject('Pipeline', { workspaceId, createdBy: by }),
          Classifier: subject('Classifier', { workspaceId, createdBy: by }),
          InfoTypeSetting: subject('InfoTypeSetting', { workspaceId, infoType: 'EMAIL_ADDRESS' }),
          ComplianceRule: subject('ComplianceRule', { workspaceId, createdBy: by }),
          ComplianceFinding: subject('ComplianceFinding', { workspaceId, sensitivity }),
          ComplianceWaiver: subject('ComplianceWaiver', { workspaceId, requestedBy: by }),
        };
        out.push({ ...base, object: objects[type] });
      }
    }
  }
  return out;
}

function expected(grants: Grant[], action: Action, variant: Variant): boolean {
  if (!variant.inWorkspace) return false;
  return grants.some((grant) => {
    if (grant.action !== action) return false;
    if (grant.qualifier === undefined) return true;
    if (grant.qualifier === 'own') return variant.own;
    const bound = /^≤ (\w+)$/.exec(grant.qualifier)?.[1];
    if (!bound) throw new Error(`unknown qualifier "${grant.qualifier}" in the README matrix`);
    const levels: readonly string[] = SENSITIVITY_LEVELS;
    return levels.indexOf(variant.sensitivity) <= levels.indexOf(bound);
  });
}

function member(role: Role, extra: Partial<Actor> = {}): Actor {
  return {
    userId: ME,
    isPlatformAdmin: false,
    memberships: [{ workspaceId: MINE, role }],
    ...extra,
  };
}

const matrix = readMatrix();
const cases = [...matrix].flatMap(([type, byRole]) =>
  ROLES.flatMap((role) =>
    CHECKED.map((action) => ({
      type: type as SubjectName,
      role,
      action,
      grants: byRole.get(role)!,
    })),
  ),
);

describe('defineAbilityFor: the role matrix', () => {
  it.each(cases)('$role may $action $type as the README says', ({ type, role, action, grants }) => {
    const ability = defineAbilityFor(member(role));
    const got = variants(type).map((v) => [v.label, ability.can(action, v.object)]);
    const want = variants(type).map((v) => [v.label, expected(grants, action, v)]);
    expect(got).toEqual(want);
  });

  it('lists every subject except User, which belongs to no workspace', () => {
    expect([...matrix.keys()].sort()).toEqual([
      'AuditLog',
      'CatalogAsset',
      'Classifier',
      'ComplianceFinding',
      'ComplianceRule',
      'ComplianceWaiver',
      'DataSource',
      'InfoTypeSetting',
      'Membership',
      'Pipeline',
      'ScanRun',
      'Workspace',
    ]);
  });
});

describe('defineAbilityFor: fields', () => {
  const source = (workspaceId: string, createdBy = ME) =>
    subject('DataSource', { workspaceId, createdBy });

  it.each(['viewer', 'data_engineer'] as const)(
    'a %s reads a data source but not its connection fields',
    (role) => {
      const ability = defineAbilityFor(member(role));
      expect(ability.can('read', source(MINE, OTHER))).toBe(true);
      expect(ability.can('read', source(MINE, OTHER), 'name')).toBe(true);
      expect(ability.can('read', source(MINE, OTHER), 'settings')).toBe(false);
      expect(ability.can('read', source(MINE, OTHER), 'secret')).toBe(false);
    },
  );

  it('a data_engineer reads the settings, never the secret, of a source they registered', () => {
    const ability = defineAbilityFor(member('data_engineer'));
    expect(ability.can('read', source(MINE), 'settings')).toBe(true);
    expect(ability.can('read', source(MINE), 'secret')).toBe(false);
    expect(defineAbilityFor(member('viewer')).can('read', source(MINE), 'settings')).toBe(false);
  });

  it.each(['data_steward', 'admin'] as const)(
    'a %s reads settings but never the secret',
    (role) => {
      const ability = defineAbilityFor(member(role));
      expect(ability.can('read', source(MINE), 'settings')).toBe(true);
      expect(ability.can('read', source(MINE), 'secret')).toBe(false);
    },
  );

  it('limits connection fields per workspace, not across all of a user’s workspaces', () => {
    const ability = defineAbilityFor({
      userId: ME,
      isPlatformAdmin: false,
      memberships: [
        { workspaceId: MINE, role: 'viewer' },
        { workspaceId: FOREIGN, role: 'data_steward' },
      ],
    });
    expect(ability.can('read', source(MINE), 'settings')).toBe(false);
    expect(ability.can('read', source(FOREIGN), 'settings')).toBe(true);
    const asset = (workspaceId: string) =>
      subject('CatalogAsset', { workspaceId, sensitivity: 'restricted' });
    expect(ability.can('read', asset(MINE))).toBe(false);
    expect(ability.can('read', asset(FOREIGN))).toBe(true);
  });

  it('lets a user read themselves and change only their name and password', () => {
    const ability = defineAbilityFor(member('viewer'));
    const me = subject('User', { id: ME });
    expect(ability.can('read', me)).toBe(true);
    expect(ability.can('update', me, 'displayName')).toBe(true);
    expect(ability.can('update', me, 'password')).toBe(true);
    expect(ability.can('update', me, 'email')).toBe(false);
    expect(ability.can('update', me, 'isPlatformAdmin')).toBe(false);
    expect(ability.can('read', subject('User', { id: OTHER }))).toBe(false);
    expect(ability.can('delete', me)).toBe(false);
  });
});

describe('defineAbilityFor: platform admins and global limits', () => {
  const admin = defineAbilityFor(member('viewer', { isPlatformAdmin: true }));

  it('lets a platform admin manage everything, anywhere', () => {
    for (const type of matrix.keys()) {
      for (const v of variants(type as SubjectName)) {
        for (const action of ['read', 'create', 'scan', 'approve'] as const) {
          expect(admin.can(action, v.object), `${action} ${type} ${v.label}`).toBe(true);
        }
      }
    }
    expect(admin.can('delete', subject('User', { id: OTHER }))).toBe(true);
    expect(admin.can('create', 'Workspace')).toBe(true);
  });

  it('lifts the connection-field limit a membership would put on a platform admin', () => {
    const source = subject('DataSource', { workspaceId: MINE, createdBy: OTHER });
    expect(admin.can('read', source, 'settings')).toBe(true);
  });

  it('keeps the secret unreadable and the audit log append-only for everyone', () => {
    const source = subject('DataSource', { workspaceId: MINE, createdBy: OTHER });
    expect(admin.can('read', source, 'secret')).toBe(false);
    const entry = subject('AuditLog', { workspaceId: MINE });
    expect(admin.can('read', entry)).toBe(true);
    expect(admin.can('update', entry)).toBe(false);
    expect(admin.can('delete', entry)).toBe(false);
    expect(admin.can('delete', subject('AuditLog', { workspaceId: null }))).toBe(false);
  });

  it('gives a user without memberships nothing but themselves', () => {
    const ability = defineAbilityFor({ userId: ME, isPlatformAdmin: false, memberships: [] });
    expect(ability.rules.map((rule) => rule.subject)).toEqual([
      'User',
      'User',
      'AuditLog',
      'DataSource',
    ]);
    expect(ability.can('read', subject('Workspace', { id: MINE }))).toBe(false);
  });

  it('answers type-level questions without conditions, so handlers must pass objects', () => {
    const ability = defineAbilityFor(member('data_engineer'));
    expect(ability.can('update', 'DataSource')).toBe(true);
    expect(
      ability.can('update', subject('DataSource', { workspaceId: MINE, createdBy: OTHER })),
    ).toBe(false);
  });
});
