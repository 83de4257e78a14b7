import { createScanCatalogActivities } from './scan-catalog.js';
import { createScanClassifyActivities } from './scan-classify.js';
import { createScanComplianceActivities } from './scan-compliance.js';
import type { ScanActivityDeps } from './scan-deps.js';
import { createScanDiscoverActivities } from './scan-discover.js';
import { createScanEventActivities } from './scan-events.js';
import { createScanFinalizeActivities } from './scan-finalize.js';
import { createScanPrepareActivities } from './scan-prepare.js';
import { createScanSampleActivities } from './scan-sample.js';

export type { ScanActivityDeps, ScanTuning } from './scan-deps.js';
export { DEFAULT_SCAN_TUNING } from './scan-deps.js';

/**
 * Every activity of the scan workflow, built from the worker's dependencies: settings,
 * prepare, discover, the three batch steps (sample, classify, catalog), compliance,
 * finalize and stage events. Each takes and returns ids and counts only.
 *
 * @example
 * const worker = await Worker.create({ …, activities: { ...createScanActivities(deps) } });
 */
export function createScanActivities(deps: ScanActivityDeps) {
  return {
    ...createScanPrepareActivities(deps),
    ...createScanDiscoverActivities(deps),
    ...createScanSampleActivities(deps),
    ...createScanClassifyActivities(deps),
    ...createScanCatalogActivities(deps),
    ...createScanComplianceActivities(deps),
    ...createScanFinalizeActivities(deps),
    ...createScanEventActivities(deps),
  };
}

/**
 * The scan activities as the workflow proxies them (`import type` only).
 *
 * @example
 * const { discover } = proxyActivities<ScanActivities>({ startToCloseTimeout: '2 hours' });
 */
export type ScanActivities = ReturnType<typeof createScanActivities>;
