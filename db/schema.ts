import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { Role, Sensitivity } from '../core/permissions/vocabulary.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json = JSONColumnType<Record<string, unknown>, string | undefined, string>;

export type { Role, Sensitivity } from '../core/permissions/vocabulary.js';
export type UserStatus = 'active' | 'invited' | 'disabled';
export type ScanStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface WorkspacesTable {
  id: Generated<string>;
  slug: string;
  name: string;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  password_hash: string | null;
  status: ColumnType<UserStatus, UserStatus | undefined, UserStatus>;
  is_platform_admin: ColumnType<boolean, boolean | undefined, boolean>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface WorkspaceMembershipsTable {
  workspace_id: string;
  user_id: string;
  role: Role;
  created_at: CreatedAt;
}

export interface DataSourcesTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  scanner: string;
  settings: Json;
  secret_ciphertext: Buffer | null;
  secret_key_id: string | null;
  /** Set by whoever runs the source (`hipaa`, `production`); compliance rules read them. */
  tags: ColumnType<string[], string[] | undefined, string[]>;
  region: string | null;
  created_by: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ScanRunsTable {
  id: Generated<string>;
  data_source_id: string;
  workflow_id: string;
  run_id: string | null;
  mode: ColumnType<'full' | 'incremental', 'full' | 'incremental' | undefined>;
  status: ColumnType<ScanStatus, ScanStatus | undefined, ScanStatus>;
  stage: string | null;
  tables_total: Generated<number>;
  tables_done: Generated<number>;
  stats: Json;
  error: JSONColumnType<Record<string, unknown>, string | null | undefined, string | null> | null;
  requested_by: string | null;
  created_at: CreatedAt;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  /** Wall time and busy time per stage, see `ScanStageTimings`. */
  stage_timings: ColumnType<Record<string, unknown>, string | undefined, string>;
  datasets_failed: Generated<number>;
  containers_total: Generated<number>;
  batches_total: Generated<number>;
  discovered_at: Timestamp | null;
  samples_expire_at: Timestamp | null;
}

export interface CatalogAssetsTable {
  id: Generated<string>;
  workspace_id: string;
  data_source_id: string;
  parent_id: string | null;
  kind: string;
  fqn: string;
  name: string;
  data_type: string | null;
  description: string | null;
  properties: Json;
  fingerprint: string | null;
  /** Curated by stewards (`legal-basis:contract`, `retention:P3Y`); scans never write them. */
  tags: ColumnType<string[], string[] | undefined, string[]>;
  sensitivity: ColumnType<Sensitivity, Sensitivity | undefined, Sensitivity>;
  first_seen_scan_id: string | null;
  last_seen_scan_id: string | null;
  deleted_at: Timestamp | null;
  deleted_by_scan_id: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type ScanItemStatus = 'pending' | 'sampled' | 'done' | 'failed';
export type ScanChangeKind = 'added' | 'removed' | 'type-changed';

/** The manifest of one scan run: one row per discovered container or dataset. */
export interface ScanDatasetsTable {
  scan_run_id: string;
  fqn: string;
  /** Position in discovery order, from 0. */
  seq: number;
  /** 0 for containers, 1… for datasets. */
  batch: number;
  item_kind: 'container' | 'dataset';
  /** The discovered item as the scanner returned it (`DiscoveredItem`). */
  dataset: ColumnType<unknown, string, string>;
  status: ColumnType<ScanItemStatus, ScanItemStatus | undefined, ScanItemStatus>;
  error_kind: string | null;
  error: string | null;
  sample_rows: number | null;
  classification: ColumnType<unknown, string | null | undefined, string | null> | null;
  settled_at: Timestamp | null;
  updated_at: Timestamp;
}

/** What one scan run changed in the catalog, for its diff. */
export interface ScanChangesTable {
  scan_run_id: string;
  fqn: string;
  change: ScanChangeKind;
  asset_kind: string;
  asset_id: string | null;
  dataset_fqn: string | null;
  column_name: string | null;
  old_type: string | null;
  new_type: string | null;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  id: Generated<string>;
  occurred_at: CreatedAt;
  actor_user_id: string | null;
  actor_label: string;
  workspace_id: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  request_id: string | null;
  before: Json | null;
  after: Json | null;
}

export interface RefreshTokensTable {
  id: Generated<string>;
  /** The session id too: one family per sign-in, shared by every rotated token. */
  family_id: string;
  user_id: string;
  token_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  created_at: CreatedAt;
  user_agent: string | null;
  ip: string | null;
}

export interface UserInvitationsTable {
  user_id: string;
  token_hash: string;
  expires_at: Timestamp;
  created_by: string | null;
  created_at: CreatedAt;
}

export type ClassificationStatus = 'suggested' | 'approved' | 'rejected';
export type ClassificationSource = 'rules' | 'custom' | 'llm' | 'steward';

/** Information types proposed for a column asset, and stewards' decisions about them. */
export interface ColumnClassificationsTable {
  asset_id: string;
  info_type: string;
  workspace_id: string;
  data_source_id: string;
  status: ColumnType<ClassificationStatus, ClassificationStatus | undefined, ClassificationStatus>;
  source: ClassificationSource;
  confidence: number;
  evidence: ColumnType<unknown[], string | undefined, string>;
  engine_version: string | null;
  scan_run_id: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  note: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A steward's classifier; patterns and dictionary are JSON arrays of strings. */
export interface ClassifiersTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  description: string | null;
  info_type: string;
  label: string | null;
  category: string | null;
  /** Set for a new information type of the classifier's own, null for a built-in one. */
  sensitivity: Sensitivity | null;
  name_patterns: ColumnType<string[], string, string>;
  value_patterns: ColumnType<string[], string, string>;
  dictionary: ColumnType<string[], string, string>;
  min_match_ratio: number;
  confidence: number;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  version: Generated<number>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A workspace's overrides of one information type's thresholds (null: the type's own). */
export interface InfoTypeSettingsTable {
  workspace_id: string;
  info_type: string;
  min_match_ratio: number | null;
  min_confidence: number | null;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  version: Generated<number>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export type ComplianceSeverity = 'low' | 'medium' | 'high' | 'critical';
export type ComplianceStatus = 'pass' | 'fail' | 'not_applicable';
export type WaiverStatus = 'requested' | 'approved' | 'rejected' | 'revoked';

/** The people accountable for an asset (curated; a scan never writes it). */
export interface AssetOwnersTable {
  asset_id: string;
  user_id: string;
  created_at: CreatedAt;
}

/** A workspace's own compliance rule; `definition` is a validated `ComplianceRuleDefinition`. */
export interface ComplianceRulesTable {
  id: Generated<string>;
  workspace_id: string;
  rule_id: string;
  pack: string;
  definition: ColumnType<unknown, string, string>;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  version: Generated<number>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** One evaluation of a data source's catalog against the rules in force. */
export interface ComplianceEvaluationsTable {
  id: Generated<string>;
  workspace_id: string;
  data_source_id: string;
  scan_run_id: string | null;
  requested_by: string | null;
  rules_digest: string;
  rules: number;
  assets: number;
  passed: number;
  failed: number;
  opened: number;
  resolved: number;
  failed_by: ColumnType<Record<string, Record<string, number>>, string | undefined, string>;
  duration_ms: number;
  created_at: CreatedAt;
}

/** The current result of one rule on one asset; a `fail` row is a finding. */
export interface ComplianceResultsTable {
  id: Generated<string>;
  workspace_id: string;
  data_source_id: string;
  asset_id: string;
  rule_id: string;
  framework: string;
  severity: ComplianceSeverity;
  status: ComplianceStatus;
  evidence: ColumnType<Record<string, unknown>, string | undefined, string>;
  opened_at: Timestamp | null;
  resolved_at: Timestamp | null;
  evaluation_id: string;
  updated_at: Timestamp;
}

/** A transition of a result between evaluations. */
export interface ComplianceResultChangesTable {
  result_id: string;
  evaluation_id: string;
  from_status: ComplianceStatus | null;
  to_status: ComplianceStatus;
  at: CreatedAt;
}

/** An exception to one finding, with a reason and an expiry, decided by a steward. */
export interface ComplianceWaiversTable {
  id: Generated<string>;
  workspace_id: string;
  result_id: string;
  reason: string;
  expires_at: Timestamp;
  status: ColumnType<WaiverStatus, WaiverStatus | undefined, WaiverStatus>;
  requested_by: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_note: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** The platform database as Kysely sees it; one entry per table. */
export interface Database {
  workspaces: WorkspacesTable;
  users: UsersTable;
  workspace_memberships: WorkspaceMembershipsTable;
  data_sources: DataSourcesTable;
  scan_runs: ScanRunsTable;
  catalog_assets: CatalogAssetsTable;
  scan_datasets: ScanDatasetsTable;
  scan_changes: ScanChangesTable;
  audit_log: AuditLogTable;
  refresh_tokens: RefreshTokensTable;
  user_invitations: UserInvitationsTable;
  classifiers: ClassifiersTable;
  info_type_settings: InfoTypeSettingsTable;
  column_classifications: ColumnClassificationsTable;
  asset_owners: AssetOwnersTable;
  compliance_rules: ComplianceRulesTable;
  compliance_evaluations: ComplianceEvaluationsTable;
  compliance_results: ComplianceResultsTable;
  compliance_result_changes: ComplianceResultChangesTable;
  compliance_waivers: ComplianceWaiversTable;
}
