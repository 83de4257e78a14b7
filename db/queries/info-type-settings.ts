import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, InfoTypeSettingsTable } from '../schema.js';

/**
 * A workspace's settings for one information type. A null threshold means the type's own.
 *
 * @example
 * const setting = await findInfoTypeSetting(db, workspaceId, 'EMAIL_ADDRESS');
 * const ratio = setting?.minMatchRatio ?? infoType.minMatchRatio;
 */
export interface InfoTypeSetting {
  workspaceId: string;
  infoType: string;
  minMatchRatio: number | null;
  minConfidence: number | null;
  enabled: boolean;
  version: number;
  updatedBy: string | null;
  updatedAt: string;
}

/** The part of a setting a client chooses; the rest is stamped by the write. */
export type InfoTypeSettingWrite = Pick<
  InfoTypeSetting,
  'workspaceId' | 'infoType' | 'minMatchRatio' | 'minConfidence' | 'enabled'
>;

const toSetting = (row: Selectable<InfoTypeSettingsTable>): InfoTypeSetting => ({
  workspaceId: row.workspace_id,
  infoType: row.info_type,
  minMatchRatio: row.min_match_ratio,
  minConfidence: row.min_confidence,
  enabled: row.enabled,
  version: row.version,
  updatedBy: row.updated_by,
  updatedAt: row.updated_at.toISOString(),
});

/** @example const setting = await findInfoTypeSetting(db, workspaceId, 'IBAN_CODE'); */
export async function findInfoTypeSetting(
  db: Kysely<Database>,
  workspaceId: string,
  infoType: string,
): Promise<InfoTypeSetting | undefined> {
  const row = await db
    .selectFrom('info_type_settings')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('info_type', '=', infoType)
    .executeTakeFirst();
  return row && toSetting(row);
}

/**
 * Every setting of one workspace, by info type id. A workspace has at most one row per
 * information type, so the list is small and not paged.
 *
 * @example
 * const byType = new Map((await listInfoTypeSettings(db, id)).map((s) => [s.infoType, s]));
 */
export async function listInfoTypeSettings(
  db: Kysely<Database>,
  workspaceId: string,
): Promise<InfoTypeSetting[]> {
  const rows = await db
    .selectFrom('info_type_settings')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('info_type')
    .execute();
  return rows.map(toSetting);
}

/**
 * Replaces a workspace's settings of one information type (creating them the first time),
 * bumping the version.
 *
 * @example
 * await putInfoTypeSetting(trx, { workspaceId, infoType: 'PERSON', minMatchRatio: 0.8,
 *   minConfidence: null, enabled: true }, userId);
 */
export async function putInfoTypeSetting(
  db: Kysely<Database>,
  write: InfoTypeSettingWrite,
  updatedBy: string,
): Promise<InfoTypeSetting> {
  const values = {
    min_match_ratio: write.minMatchRatio,
    min_confidence: write.minConfidence,
    enabled: write.enabled,
    updated_by: updatedBy,
  };
  const row = await db
    .insertInto('info_type_settings')
    .values({ ...values, workspace_id: write.workspaceId, info_type: write.infoType })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'info_type']).doUpdateSet((eb) => ({
        ...values,
        version: eb('info_type_settings.version', '+', 1),
        updated_at: sql`now()`,
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSetting(row);
}
