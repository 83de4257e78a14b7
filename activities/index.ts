import {
  createPlatformCheckActivities,
  type PlatformCheckDeps,
} from './platform-check-activities.js';

export type ActivityDeps = PlatformCheckDeps;

/** Every activity the worker registers, built from the dependencies it is given. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPlatformCheckActivities(deps),
  };
}
