import { sql, type Expression, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { ClassifierDefinition } from '../../core/classification/custom-classifier.js';
import type { InfoTypeCategory } from '../../core/classification/info-type.js';
import { keysetPage, type Page, type PageRequest } from '../keyset-page.js';
import type { ClassifiersTable, Database, Sensitivity } from '../schema.js';
import { listInfoTypeSettings } from './info-type-settings.js';

/**
 * A classifier as stored: its definition (ratios always set) and who owns it since when.
 *
 * @example
 * const detector = compileClassifier(stored, infoTypeById);
 */
export interface StoredClassifier extends ClassifierDefinition {
  workspaceId: string;
  minMatchRatio: number;
  confidence: number;
  createdBy: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The fields a create or an update writes; the API has checked them already. */
export type ClassifierWrite = Pick<
  StoredClassifier,
  | 'name'
  | 'description'
  | 'infoType'
  | 'label'
  | 'category'
  | 'sensitivity'
  | 'namePatterns'
  | 'valuePatterns'
  | 'dictionary'
  | 'minMatchRatio'
  | 'confidence'
  | 'enabled'
>;

/**
 * What a unique key refused: the workspace's classifier `name`, or the new `infoType` that
 * another classifier of the workspace already defines.
 */
export type ClassifierConflict = { conflict: 'name' | 'infoType' };

const toStored = (row: Selectable<ClassifiersTable>): StoredClassifier => ({
  id: row.id,
  workspaceId: row.workspace_id,
  name: row.name,
  description: row.description,
  infoType: row.info_type,
  label: row.label,
  category: row.category as InfoTypeCategory | null,
  sensitivity: row.sensitivity,
  namePatterns: row.name_patterns,
  valuePatterns: row.value_patterns,
  dictionary: row.dictionary,
  minMatchRatio: row.min_match_ratio,
  confidence: row.confidence,
  enabled: row.enabled,
  createdBy: row.created_by,
  version: row.version,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const columnsOf = (write: ClassifierWrite) => ({
  name: write.name,
  description: write.description ?? null,
  info_type: write.infoType,
  label: write.label ?? null,
  category: write.category ?? null,
  sensitivity: write.sensitivity ?? null,
  name_patterns: JSON.stringify(write.namePatterns),
  value_patterns: JSON.stringify(write.valuePatterns),
  dictionary: JSON.stringify(write.dictionary),
  min_match_ratio: write.minMatchRatio,
  confidence: write.confidence,
  enabled: write.enabled,
});

/** Maps a unique violation to the key it broke; anything else is rethrown. */
function conflictOf(error: unknown): ClassifierConflict {
  const constraint = (error as { code?: string; constraint?: string }).constraint;
  if ((error as { code?: string }).code === '23505') {
    if (constraint === 'classifiers_workspace_name_key') return { conflict: 'name' };
    if (constraint === 'classifiers_workspace_new_type_key') return { conflict: 'infoType' };
  }
  throw error;
}

/** @example const classifier = await findClassifier(db, id); */
export async function findClassifier(
  db: Kysely<Database>,
  id: string,
): Promise<StoredClassifier | undefined> {
  const row = await db
    .selectFrom('classifiers')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toStored(row);
}

/**
 * Classifiers the caller may see (`visibleTo` from the CASL rules), by name, one page.
 *
 * @example
 * const page = await listClassifiers(db, { visibleTo, workspaceId }, { limit: 50, after: null });
 */
export async function listClassifiers(
  db: Kysely<Database>,
  filters: { visibleTo: Expression<SqlBool>; workspaceId?: string; infoType?: string },
  page: PageRequest<{ name: string; id: string }>,
): Promise<Page<StoredClassifier>> {
  const result = await keysetPage({
    ...page,
    fetch: ({ limit, after }) => {
      let query = db
        .selectFrom('classifiers')
        .selectAll()
        .where(filters.visibleTo)
        .orderBy('name')
        .orderBy('id')
        .limit(limit);
      if (filters.workspaceId) query = query.where('workspace_id', '=', filters.workspaceId);
      if (filters.infoType) query = query.where('info_type', '=', filters.infoType);
      if (after) query = query.where(sql<boolean>`(name, id) > (${after.name}, ${after.id}::uuid)`);
      return query.execute();
    },
    cursorOf: (row) => ({ name: row.name, id: row.id }),
  });
  return { items: result.items.map(toStored), nextCursor: result.nextCursor };
}

/**
 * Classifiers the caller may see that define a new information type of their own (a new
 * type has a sensitivity, a built-in one never), oldest first: of one workspace, or finding
 * one type id. Not paged: it feeds the info type reference list, one entry per new type.
 *
 * @example
 * const own = await listNewTypeClassifiers(db, { visibleTo, workspaceId });
 */
export async function listNewTypeClassifiers(
  db: Kysely<Database>,
  filters: { visibleTo: Expression<SqlBool>; workspaceId?: string; infoType?: string },
): Promise<StoredClassifier[]> {
  let query = db
    .selectFrom('classifiers')
    .selectAll()
    .where(filters.visibleTo)
    .where('sensitivity', 'is not', null)
    .orderBy('created_at')
    .orderBy('id');
  if (filters.workspaceId) query = query.where('workspace_id', '=', filters.workspaceId);
  if (filters.infoType) query = query.where('info_type', '=', filters.infoType);
  return (await query.execute()).map(toStored);
}

/**
 * Inserts a classifier; a conflict when the workspace has one of that name, or one that
 * already defines the same new information type.
 *
 * @example
 * const created = await insertClassifier(trx, { ...write, workspaceId, createdBy: userId });
 * if ('conflict' in created) return problem(c, 409, …);
 */
export async function insertClassifier(
  db: Kysely<Database>,
  input: ClassifierWrite & { workspaceId: string; createdBy: string },
): Promise<StoredClassifier | ClassifierConflict> {
  try {
    const row = await db
      .insertInto('classifiers')
      .values({ ...columnsOf(input), workspace_id: input.workspaceId, created_by: input.createdBy })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toStored(row);
  } catch (error) {
    return conflictOf(error);
  }
}

/**
 * Replaces a classifier's fields if it is still at `version`: undefined when stale, a
 * conflict when a unique key refuses the change.
 *
 * @example
 * const updated = await updateClassifier(trx, current.id, current.version, write);
 */
export async function updateClassifier(
  db: Kysely<Database>,
  id: string,
  version: number,
  write: ClassifierWrite,
): Promise<StoredClassifier | ClassifierConflict | undefined> {
  try {
    const row = await db
      .updateTable('classifiers')
      .set((eb) => ({
        ...columnsOf(write),
        version: eb('version', '+', 1),
        updated_at: sql`now()`,
      }))
      .where('id', '=', id)
      .where('version', '=', version)
      .returningAll()
      .executeTakeFirst();
    return row && toStored(row);
  } catch (error) {
    return conflictOf(error);
  }
}

/** @example const deleted = await deleteClassifier(trx, current.id, current.version); */
export async function deleteClassifier(
  db: Kysely<Database>,
  id: string,
  version: number,
): Promise<boolean> {
  const result = await db
    .deleteFrom('classifiers')
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** A workspace's overrides of one information type, as the scan applies them. */
export interface InfoTypeOverride {
  minMatchRatio?: number;
  minConfidence?: number;
  enabled: boolean;
}

/**
 * What a scan of a workspace classifies with: its enabled classifiers (by name) and its
 * settings per information type id (thresholds left to the type's own are absent).
 *
 * @example
 * const { classifiers, settings } = await loadWorkspaceClassification(db, workspaceId);
 * const detectors = classifiers.map((c) => compileClassifier(c, infoTypeById));
 * if (settings.get('PERSON')?.enabled === false) skip('PERSON');
 */
export async function loadWorkspaceClassification(
  db: Kysely<Database>,
  workspaceId: string,
): Promise<{ classifiers: StoredClassifier[]; settings: Map<string, InfoTypeOverride> }> {
  const [rows, settings] = await Promise.all([
    db
      .selectFrom('classifiers')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('enabled', '=', true)
      .orderBy('name')
      .execute(),
    listInfoTypeSettings(db, workspaceId),
  ]);
  const overrides = settings.map((setting): [string, InfoTypeOverride] => [
    setting.infoType,
    {
      ...(setting.minMatchRatio !== null && { minMatchRatio: setting.minMatchRatio }),
      ...(setting.minConfidence !== null && { minConfidence: setting.minConfidence }),
      enabled: setting.enabled,
    },
  ]);
  return { classifiers: rows.map(toStored), settings: new Map(overrides) };
}

/**
 * The sensitivity of an information type a classifier of the workspace defines (its own new
 * type), whether the classifier is enabled or not; null when none defines it.
 *
 * @example
 * await customTypeSensitivity(db, workspaceId, 'EMPLOYEE_NUMBER'); // 'confidential'
 */
export async function customTypeSensitivity(
  db: Kysely<Database>,
  workspaceId: string,
  infoType: string,
): Promise<Sensitivity | null> {
  const row = await db
    .selectFrom('classifiers')
    .select('sensitivity')
    .where('workspace_id', '=', workspaceId)
    .where('info_type', '=', infoType)
    .where('sensitivity', 'is not', null)
    .executeTakeFirst();
  return row?.sensitivity ?? null;
}
