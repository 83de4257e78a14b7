import type { SubjectFields, SubjectName } from '../core/permissions/ability-types.js';
import { SENSITIVITY_LEVELS } from '../core/permissions/vocabulary.js';
import type { ColumnSpec } from './casl-to-kysely.js';
import type { Database } from './schema.js';

/** `table.column` for the given tables, so a typo in the allow-list fails to compile. */
type QualifiedColumn<T extends keyof Database> = {
  [K in T]: `${K & string}.${keyof Database[K] & string}`;
}[T];

/** The allow-list for one subject: only its own fields, only columns of the given tables. */
type ColumnsOf<S extends SubjectName, T extends keyof Database> = {
  readonly [F in keyof SubjectFields[S]]?: ColumnSpec<QualifiedColumn<T>>;
};

interface PermissionColumns {
  Workspace: ColumnsOf<'Workspace', 'workspaces'>;
  User: ColumnsOf<'User', 'users'>;
  Membership: ColumnsOf<'Membership', 'workspace_memberships'>;
  DataSource: ColumnsOf<'DataSource', 'data_sources'>;
  ScanRun: ColumnsOf<'ScanRun', 'scan_runs' | 'data_sources'>;
  CatalogAsset: ColumnsOf<'CatalogAsset', 'catalog_assets'>;
  AuditLog: ColumnsOf<'AuditLog', 'audit_log'>;
  Classifier: ColumnsOf<'Classifier', 'classifiers'>;
  InfoTypeSetting: ColumnsOf<'InfoTypeSetting', 'info_type_settings'>;
  ComplianceRule: ColumnsOf<'ComplianceRule', 'compliance_rules'>;
  ComplianceFinding: ColumnsOf<'ComplianceFinding', 'compliance_results' | 'catalog_assets'>;
  ComplianceWaiver: ColumnsOf<'ComplianceWaiver', 'compliance_waivers'>;
}

/**
 * Which subject fields permission rules may filter on in SQL, and the column behind each.
 * Fields left out here (a data source's `settings`, say) cannot appear in a row condition:
 * the translation throws rather than guess. Columns are qualified so the filters keep
 * working in joins. `ScanRun` rows belong to a workspace through their data source, so a
 * scan-run query joins `data_sources` before applying the filter. A `ComplianceFinding` has
 * the sensitivity of its asset, so a finding query joins `catalog_assets` (as the
 * classification review queue does) and the filter reads the asset's level.
 *
 * @example
 * db.selectFrom('scan_runs')
 *   .innerJoin('data_sources', 'data_sources.id', 'scan_runs.data_source_id')
 *   .where(caslToKysely(ability, 'read', 'ScanRun', permissionColumns.ScanRun))
 *   .select('scan_runs.id');
 */
export const permissionColumns: PermissionColumns = {
  Workspace: { id: 'workspaces.id' },
  User: { id: 'users.id' },
  Membership: {
    workspaceId: 'workspace_memberships.workspace_id',
    userId: 'workspace_memberships.user_id',
    role: 'workspace_memberships.role',
  },
  DataSource: {
    id: 'data_sources.id',
    workspaceId: 'data_sources.workspace_id',
    createdBy: 'data_sources.created_by',
    name: 'data_sources.name',
    scanner: 'data_sources.scanner',
  },
  ScanRun: {
    id: 'scan_runs.id',
    workspaceId: 'data_sources.workspace_id',
    dataSourceId: 'scan_runs.data_source_id',
    requestedBy: 'scan_runs.requested_by',
  },
  CatalogAsset: {
    id: 'catalog_assets.id',
    workspaceId: 'catalog_assets.workspace_id',
    dataSourceId: 'catalog_assets.data_source_id',
    kind: 'catalog_assets.kind',
    sensitivity: { column: 'catalog_assets.sensitivity', levels: SENSITIVITY_LEVELS },
  },
  AuditLog: {
    id: 'audit_log.id',
    workspaceId: 'audit_log.workspace_id',
    actorUserId: 'audit_log.actor_user_id',
  },
  Classifier: {
    id: 'classifiers.id',
    workspaceId: 'classifiers.workspace_id',
    createdBy: 'classifiers.created_by',
  },
  InfoTypeSetting: {
    workspaceId: 'info_type_settings.workspace_id',
    infoType: 'info_type_settings.info_type',
  },
  ComplianceRule: {
    id: 'compliance_rules.id',
    workspaceId: 'compliance_rules.workspace_id',
    createdBy: 'compliance_rules.created_by',
  },
  ComplianceFinding: {
    id: 'compliance_results.id',
    workspaceId: 'compliance_results.workspace_id',
    dataSourceId: 'compliance_results.data_source_id',
    sensitivity: { column: 'catalog_assets.sensitivity', levels: SENSITIVITY_LEVELS },
  },
  ComplianceWaiver: {
    id: 'compliance_waivers.id',
    workspaceId: 'compliance_waivers.workspace_id',
    requestedBy: 'compliance_waivers.requested_by',
  },
};
