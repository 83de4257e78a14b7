import {
  createPlatformCheckActivities,
  type PlatformCheckDeps,
} from './platform-check-activities.js';
import { createScanActivities, type ScanActivityDeps } from './scan-activities.js';
import { createDataSourceCheckActivities } from './datasource-check-activities.js';

/** What the worker builds once and every activity factory takes its share of. */
export type ActivityDeps = PlatformCheckDeps & ScanActivityDeps;

/** Every activity the worker registers, built from the dependencies it is given. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPlatformCheckActivities(deps),
    ...createScanActivities(deps),
    ...createDataSourceCheckActivities(deps),
  };
}
