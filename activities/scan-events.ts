import { recordScanStage } from '../db/queries/scan-run-updates.js';
import type { ScanStage, ScanStageTimings } from '../db/queries/scan-runs.js';
import type { ScanStatus } from '../db/schema.js';
import type { ScanActivityDeps, Timed } from './scan-deps.js';

/**
 * Progress counts carried by events and the workflow's query.
 *
 * @example
 * const counts: ScanCounts = { datasetsDone: 120, datasetsTotal: 1000, datasetsFailed: 2 };
 */
export interface ScanCounts {
  datasetsDone: number;
  datasetsTotal: number;
  datasetsFailed: number;
}

/**
 * What subscribers of `scan-events:<dataSourceId>` receive, one JSON object per message.
 *
 * @example
 * redis.subscribe(scanEventsChannel(dataSourceId));
 * redis.on('message', (_channel, text) => render(JSON.parse(text) as ScanEventMessage));
 */
export type ScanEventMessage = { scanRunId: string; dataSourceId: string; at: string } & EventBody;

type EventBody =
  | ({ type: 'stage'; stage: ScanStage } & Partial<ScanCounts>)
  | ({ type: 'progress'; batch: number } & ScanCounts)
  | { type: 'finished'; status: ScanStatus; error?: string };

/**
 * The Redis pub/sub channel of a data source's scan events.
 *
 * @example
 * scanEventsChannel('2f…', 'test:1:'); // 'test:1:scan-events:2f…'
 */
export function scanEventsChannel(dataSourceId: string, prefix = ''): string {
  return `${prefix}scan-events:${dataSourceId}`;
}

/**
 * Publishes one event. Events are a live view only (the run's row is the record), so a
 * Redis outage is logged and never fails the scan.
 *
 * @example
 * await publishScanEvent(deps, { scanRunId, dataSourceId }, { type: 'progress', batch: 3, ...counts });
 */
export async function publishScanEvent(
  deps: Pick<ScanActivityDeps, 'redis' | 'logger' | 'redisKeyPrefix'>,
  ref: { scanRunId: string; dataSourceId: string },
  event: EventBody,
): Promise<boolean> {
  const message = {
    ...event,
    scanRunId: ref.scanRunId,
    dataSourceId: ref.dataSourceId,
    at: new Date().toISOString(),
  };
  try {
    await deps.redis.publish(
      scanEventsChannel(ref.dataSourceId, deps.redisKeyPrefix),
      JSON.stringify(message),
    );
    return true;
  } catch (error) {
    deps.logger.warn({ err: error, scanRunId: ref.scanRunId }, 'publishing a scan event failed');
    return false;
  }
}

/**
 * Input of `publishScanEvents`: ids, the stage entered, timings and counts so far.
 *
 * @example
 * await publishScanEvents({ scanRunId, dataSourceId, stage: 'discover', timings });
 */
export interface StageEventInput {
  scanRunId: string;
  dataSourceId: string;
  stage: ScanStage;
  timings: ScanStageTimings;
  counts?: ScanCounts;
}

/**
 * The activity the workflow calls at each stage change: records stage and timings on the
 * run's row, then publishes the change. Per-batch progress is published by `updateCatalog`
 * itself, which keeps the workflow's history to one activity per batch step.
 *
 * @example
 * const { publishScanEvents } = createScanEventActivities(deps);
 */
export function createScanEventActivities(deps: ScanActivityDeps) {
  return {
    async publishScanEvents(input: StageEventInput): Promise<Timed & { published: boolean }> {
      const started = performance.now();
      await recordScanStage(deps.db, input.scanRunId, input.stage, input.timings);
      const published = await publishScanEvent(deps, input, {
        type: 'stage',
        stage: input.stage,
        ...input.counts,
      });
      return { published, ms: Math.round(performance.now() - started) };
    },
  };
}
