import { infoTypeById } from '../core/classification/catalogue/index.js';
import {
  createClassificationEngine,
  type ClassificationEngine,
} from '../core/classification/classification-engine.js';
import { compileClassifier } from '../core/classification/custom-classifier.js';
import type { CustomDetector } from '../core/classification/info-type.js';
import { loadWorkspaceClassification } from '../db/queries/classifiers.js';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Logger } from '../infra/logger.js';

/**
 * The engine a workspace classifies with (scans and the preview): the built-in catalogue, the workspace's
 * enabled custom classifiers and its threshold overrides, read fresh for every batch so an
 * edit applies from the next batch on. A stored classifier that no longer compiles (the
 * API refuses such definitions, so only a changed limit can cause it) is left out with a
 * warning rather than failing every scan of the workspace.
 *
 * @example
 * const engine = await workspaceEngine(deps, run.workspaceId);
 * const builtinsOnly = await workspaceEngine(deps, null);
 */
export async function workspaceEngine(
  deps: { db: Kysely<Database>; logger: Pick<Logger, 'warn'> },
  workspaceId: string | null,
): Promise<ClassificationEngine> {
  if (workspaceId === null) return createClassificationEngine();
  const { classifiers, settings } = await loadWorkspaceClassification(deps.db, workspaceId);
  const custom: CustomDetector[] = [];
  for (const classifier of classifiers) {
    try {
      custom.push(compileClassifier(classifier, infoTypeById));
    } catch (error) {
      deps.logger.warn(
        { classifierId: classifier.id, err: error },
        'custom classifier left out of the scan: it does not compile',
      );
    }
  }
  return createClassificationEngine({ custom, thresholds: Object.fromEntries(settings) });
}
