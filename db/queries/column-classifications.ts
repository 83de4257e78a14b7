import { sql, type Kysely } from 'kysely';
import type { ClassificationSource, Database } from '../schema.js';

type Db = Kysely<Database>;

/**
 * What stewards decided about one column, as a scan needs it.
 *
 * @example
 * const decisions = await loadColumnDecisions(db, dataSourceId, fqns);
 * decisions.get(fqn)?.rejected.has('PHONE_NUMBER');
 */
export interface ColumnDecisions {
  approved: { infoType: string; decidedBy: string | null; decidedAt: string | null }[];
  rejected: Set<string>;
}

/**
 * Approved and rejected types of the source's columns with these fqns, by fqn.
 *
 * @example
 * const decisions = await loadColumnDecisions(db, dataSourceId, ['shop.public.users.email']);
 */
export async function loadColumnDecisions(
  db: Db,
  dataSourceId: string,
  fqns: readonly string[],
): Promise<Map<string, ColumnDecisions>> {
  const found = new Map<string, ColumnDecisions>();
  if (fqns.length === 0) return found;
  const rows = await db
    .selectFrom('column_classifications as c')
    .innerJoin('catalog_assets as a', 'a.id', 'c.asset_id')
    .select(['a.fqn', 'c.info_type', 'c.status', 'c.decided_by', 'c.decided_at'])
    .where('c.data_source_id', '=', dataSourceId)
    .where('c.status', 'in', ['approved', 'rejected'])
    .where(sql<boolean>`a.fqn = any(${[...fqns]}::text[])`)
    .orderBy('a.fqn')
    .orderBy('c.info_type')
    .execute();
  for (const row of rows) {
    const entry = found.get(row.fqn) ?? { approved: [], rejected: new Set<string>() };
    if (row.status === 'rejected') entry.rejected.add(row.info_type);
    else {
      entry.approved.push({
        infoType: row.info_type,
        decidedBy: row.decided_by,
        decidedAt: row.decided_at?.toISOString() ?? null,
      });
    }
    found.set(row.fqn, entry);
  }
  return found;
}

/**
 * One proposal to store as `suggested`.
 *
 * @example
 * const suggestion: Suggestion = { infoType: 'EMAIL_ADDRESS', confidence: 0.97, source: 'rules', evidence: [] };
 */
export interface Suggestion {
  infoType: string;
  confidence: number;
  source: ClassificationSource;
  evidence: unknown[];
}

/**
 * Replaces the `suggested` rows of these column assets with a scan's proposals, in one
 * statement each way. Rows a steward decided are never touched, and a type the steward
 * decided is not suggested again.
 *
 * @example
 * await replaceSuggestions(trx, scope, [{ assetId, suggestions: [suggestion] }], ENGINE_VERSION);
 */
export async function replaceSuggestions(
  db: Db,
  scope: { workspaceId: string; dataSourceId: string; scanRunId: string },
  columns: readonly { assetId: string; suggestions: readonly Suggestion[] }[],
  engineVersion: string,
): Promise<void> {
  if (columns.length === 0) return;
  const rows = columns.flatMap((column) =>
    column.suggestions.map((suggestion) => ({
      asset_id: column.assetId,
      info_type: suggestion.infoType,
      source: suggestion.source,
      confidence: suggestion.confidence,
      evidence: suggestion.evidence,
    })),
  );
  const assetIds = columns.map((column) => column.assetId);
  // An uncorrelated NOT IN is hashed once: a correlated NOT EXISTS would expand the JSON
  // for every row it looks at.
  await sql`
    delete from column_classifications c
     where c.asset_id = any(${assetIds}::uuid[])
       and c.status = 'suggested'
       and (c.asset_id, c.info_type) not in (
         select r.asset_id, r.info_type
           from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(asset_id uuid, info_type text))`.execute(
    db,
  );
  if (rows.length === 0) return;
  await sql`
    insert into column_classifications
           (asset_id, info_type, workspace_id, data_source_id, status, source, confidence,
            evidence, engine_version, scan_run_id)
    select r.asset_id, r.info_type, ${scope.workspaceId}::uuid, ${scope.dataSourceId}::uuid,
           'suggested', r.source, r.confidence, r.evidence, ${engineVersion},
           ${scope.scanRunId}::uuid
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
           as r(asset_id uuid, info_type text, source text, confidence real, evidence jsonb)
    on conflict (asset_id, info_type) do update
       set source = excluded.source,
           confidence = excluded.confidence,
           evidence = excluded.evidence,
           engine_version = excluded.engine_version,
           scan_run_id = excluded.scan_run_id,
           updated_at = case
             when (column_classifications.confidence, column_classifications.evidence,
                   column_classifications.engine_version)
                  is distinct from (excluded.confidence, excluded.evidence, excluded.engine_version)
             then now() else column_classifications.updated_at end
     where column_classifications.status = 'suggested'`.execute(db);
}

/**
 * Those of the datasets whose unmasked columns still carry suggestions from another engine
 * version: an incremental rescan samples them again even when their structure did not change.
 *
 * @example
 * const stale = await staleSuggestionDatasets(db, dataSourceId, ['shop.public.users'], ENGINE_VERSION);
 */
export async function staleSuggestionDatasets(
  db: Db,
  dataSourceId: string,
  datasetFqns: readonly string[],
  engineVersion: string,
): Promise<Set<string>> {
  if (datasetFqns.length === 0) return new Set();
  const rows = await db
    .selectFrom('column_classifications as c')
    .innerJoin('catalog_assets as a', 'a.id', 'c.asset_id')
    .innerJoin('catalog_assets as d', 'd.id', 'a.parent_id')
    .select('d.fqn')
    .distinct()
    .where('c.data_source_id', '=', dataSourceId)
    .where('c.status', '=', 'suggested')
    // Masked columns cannot be judged again from their values: their conclusion stands.
    .where('a.sensitivity', 'in', ['public', 'internal'])
    .where(sql<boolean>`d.fqn = any(${[...datasetFqns]}::text[])`)
    .where((eb) =>
      eb.or([eb('c.engine_version', 'is', null), eb('c.engine_version', '!=', engineVersion)]),
    )
    .execute();
  return new Set(rows.map((row) => row.fqn));
}
