import type { AssetWrite, ExistingAsset } from '../db/queries/catalog-upsert.js';
import type { ScanChange } from '../db/queries/scan-changes.js';
import { maxSensitivity } from '../core/classification/sensitivity.js';
import type { Sensitivity } from '../core/permissions/vocabulary.js';
import type { DiscoveredContainer, DiscoveredDataset } from '../scanners/sdk/contract.js';
import { formatFqn } from '../scanners/sdk/fqn.js';
import { catalogSummary, type DatasetClassification } from './scan-column-conclusions.js';

/** The key of a dataset's `properties` that is left out of the catalog (see `datasetAssets`). */
const SAMPLING_HINTS = 'sampling';

/**
 * A dataset of a batch with what the earlier stages found about it.
 *
 * @example
 * const assets = datasetAssets({ dataset, classification, problem: null });
 */
export interface DatasetFindings {
  dataset: DiscoveredDataset;
  classification: DatasetClassification | null;
  /** Why sampling failed, when it did (the dataset is still catalogued). */
  problem: { kind: string; message: string } | null;
}

/**
 * The fqn of a column asset: its dataset's path plus its name.
 *
 * @example
 * columnFqn({ path: ['shop', 'public', 'orders'] }, 'e.mail'); // 'shop.public.orders."e.mail"'
 */
export function columnFqn(dataset: Pick<DiscoveredDataset, 'path'>, column: string): string {
  return formatFqn([...dataset.path, column]);
}

/**
 * The catalog asset of a container.
 *
 * @example
 * containerAsset({ kind: 'container', containerType: 'schema', fqn: 'shop.public', path: ['shop', 'public'], name: 'public', parentFqn: 'shop' });
 */
export function containerAsset(container: DiscoveredContainer): AssetWrite {
  return {
    fqn: container.fqn,
    kind: 'container',
    name: container.name,
    parentFqn: container.parentFqn ?? null,
    dataType: null,
    description: container.comment ?? null,
    properties: { containerType: container.containerType, ...container.properties },
    fingerprint: null,
    sensitivity: null,
  };
}

/**
 * The catalog assets of a dataset: the dataset itself (its kind is the dataset type), then
 * its columns. Each column's classification and the dataset's summary of them go into
 * `properties`; the suggested sensitivity applies only to assets the catalog does not hold
 * yet. (Compliance is judged later, on the catalog: see `evaluateCompliance`.)
 *
 * @example
 * const [dataset, ...columns] = datasetAssets(findings);
 */
export function datasetAssets(findings: DatasetFindings): AssetWrite[] {
  const { dataset, classification, problem } = findings;
  // `sampling` is what a plugin noted at discovery for its own `sample()` (the PostgreSQL
  // scanner's relation kind, pages and column types): it travels in the manifest only, so
  // the catalog neither repeats the columns nor moves an asset's version when pages do.
  const properties: Record<string, unknown> = { ...dataset.properties };
  delete properties[SAMPLING_HINTS];
  if (dataset.definition !== undefined) properties.definition = dataset.definition;
  if (dataset.rowEstimate !== undefined) properties.rowEstimate = dataset.rowEstimate;
  const summary = classification ? datasetSummary(classification) : null;
  if (summary) properties.classification = summary;
  const trouble = problem ?? dataset.problem ?? null;
  if (trouble) properties.problem = { kind: trouble.kind, message: trouble.message };

  const byName = new Map(classification?.columns.map((column) => [column.name, column]) ?? []);
  const columns = dataset.columns.map((column): AssetWrite => {
    const found = byName.get(column.name);
    const columnProperties: Record<string, unknown> = {
      position: column.position,
      nullable: column.nullable,
    };
    if (column.primaryKey) columnProperties.primaryKey = true;
    if (column.references) columnProperties.references = column.references;
    if (found) columnProperties.classification = catalogSummary(found);
    return {
      fqn: columnFqn(dataset, column.name),
      kind: 'column',
      name: column.name,
      parentFqn: dataset.fqn,
      dataType: column.dataType,
      description: column.comment ?? null,
      properties: columnProperties,
      fingerprint: null,
      sensitivity: found?.sensitivity ?? null,
    };
  });
  // (A scan raises an asset's sensitivity but never lowers it: see `AssetWrite`.)
  return [
    {
      fqn: dataset.fqn,
      kind: dataset.datasetType,
      name: dataset.name,
      parentFqn: dataset.parentFqn ?? null,
      dataType: null,
      description: dataset.comment ?? null,
      properties,
      fingerprint: dataset.fingerprint,
      sensitivity: summary?.highestSensitivity ?? null,
    },
    ...columns,
  ];
}

/**
 * A dataset's classification at a glance: its sensitive columns, how many columns hold each
 * information type (public ones too), and the highest sensitivity among them.
 *
 * @example
 * datasetSummary({ columns }); // { sensitiveColumns: 3, byInfoType: { EMAIL_ADDRESS: 1, … }, highestSensitivity: 'restricted' }
 */
export function datasetSummary(classification: DatasetClassification): {
  sensitiveColumns: number;
  byInfoType: Record<string, number>;
  highestSensitivity: Sensitivity | null;
} {
  const byInfoType: Record<string, number> = {};
  let sensitiveColumns = 0;
  let highestSensitivity: Sensitivity | null = null;
  for (const column of classification.columns) {
    if (column.infoType) byInfoType[column.infoType] = (byInfoType[column.infoType] ?? 0) + 1;
    if (!column.sensitive) continue;
    sensitiveColumns += 1;
    highestSensitivity = maxSensitivity(highestSensitivity, column.sensitivity);
  }
  return { sensitiveColumns, byInfoType, highestSensitivity };
}

/**
 * What writing `assets` changes against what the catalog held: assets added (new, or back
 * after being deleted), and kinds or column types changed. Columns of a dataset that is
 * itself added are not listed: the dataset stands for them.
 *
 * @example
 * const changes = diffAssets(assets, existing);
 */
export function diffAssets(
  assets: readonly AssetWrite[],
  existing: ReadonlyMap<string, ExistingAsset>,
): Omit<ScanChange, 'assetId'>[] {
  const added = new Set<string>();
  const changes: Omit<ScanChange, 'assetId'>[] = [];
  for (const asset of assets) {
    const before = existing.get(asset.fqn);
    const isColumn = asset.kind === 'column';
    const base = {
      fqn: asset.fqn,
      assetKind: asset.kind,
      datasetFqn: isColumn ? asset.parentFqn : null,
      columnName: isColumn ? asset.name : null,
    };
    if (!before || before.deleted) {
      added.add(asset.fqn);
      if (isColumn && asset.parentFqn !== null && added.has(asset.parentFqn)) continue;
      changes.push({
        ...base,
        change: 'added',
        oldType: null,
        newType: isColumn ? asset.dataType : asset.kind,
      });
      continue;
    }
    const oldType = isColumn ? before.dataType : before.kind;
    const newType = isColumn ? asset.dataType : asset.kind;
    if (oldType !== newType) changes.push({ ...base, change: 'type-changed', oldType, newType });
  }
  return changes;
}
