import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ScannerError, type ScannerErrorKind } from '../scanners/sdk/contract.js';
import { SecretBoxError } from '../infra/secret-box.js';

/** Scanner failures no retry can fix: the steward must change something first. */
const FINAL_KINDS: ReadonlySet<ScannerErrorKind> = new Set([
  'authentication',
  'configuration',
  'permission',
  'network-policy',
  'unsupported',
]);

/**
 * Failures of one dataset: recorded against it, and the scan goes on with the others.
 *
 * @example
 * if (DATASET_KINDS.has(error.kind)) outcomes.push(failedOutcome(fqn, error));
 */
export const DATASET_KINDS: ReadonlySet<ScannerErrorKind> = new Set([
  'not-found',
  'corrupt',
  'permission',
  'unsupported',
]);

const CAUSES: Record<ScannerErrorKind, string> = {
  authentication: 'authentication failed',
  configuration: 'invalid configuration',
  permission: 'permission denied',
  'network-policy': 'refused by the network policy',
  network: 'source unreachable',
  unavailable: 'source unavailable',
  'not-found': 'not found',
  corrupt: 'unreadable data',
  unsupported: 'not supported',
};

/**
 * The failure Temporal sees for an error of the scan: scanner errors keep their kind as the
 * failure type (`scanner.authentication`, …) and a message that starts with the cause;
 * authentication, configuration, permission and network-policy errors are not retried,
 * network and unavailability errors are. Secrets that cannot be opened are a configuration
 * problem of the platform, also final. Anything else is returned unchanged (retried).
 *
 * @example
 * try { await connection.check(); } catch (error) { throw toActivityFailure(error); }
 */
export function toActivityFailure(error: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof ScannerError) {
    const message = `${CAUSES[error.kind]}: ${error.message}`;
    const type = `scanner.${error.kind}`;
    return FINAL_KINDS.has(error.kind) || !error.retryable
      ? ApplicationFailure.nonRetryable(message, type)
      : ApplicationFailure.retryable(message, type);
  }
  if (error instanceof SecretBoxError) {
    return ApplicationFailure.nonRetryable(
      `invalid configuration: the data source's secrets cannot be opened (${error.message})`,
      'scanner.configuration',
    );
  }
  return error;
}

/**
 * A final failure that is not the scanner's: a run or data source that no longer exists.
 *
 * @example
 * throw missing(`scan run ${scanRunId} of data source ${dataSourceId} does not exist`);
 */
export function missing(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, 'scan.not-found');
}

/**
 * Runs `work` while heartbeating `details()` at a third of the heartbeat timeout (at most
 * every 5 s), so that an activity blocked in a long query still proves it lives, and learns
 * of cancellation through the signal it is given.
 *
 * @example
 * return withHeartbeat(() => ({ written }), async (signal) => { … });
 */
export async function withHeartbeat<T>(
  details: () => unknown,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const context = Context.current();
  const every = Math.max(250, Math.min(5_000, (context.info.heartbeatTimeoutMs ?? 30_000) / 3));
  context.heartbeat(details());
  const timer = setInterval(() => context.heartbeat(details()), every);
  try {
    return await work(context.cancellationSignal);
  } catch (error) {
    throw toActivityFailure(error);
  } finally {
    clearInterval(timer);
  }
}

/**
 * Whether this attempt is the last one the retry policy allows: then a retryable failure of
 * one dataset is recorded against it instead of failing the batch once more.
 *
 * @example
 * if (error.retryable && !isLastAttempt()) throw error;
 */
export function isLastAttempt(): boolean {
  const { attempt, retryPolicy } = Context.current().info;
  const maximum = retryPolicy?.maximumAttempts ?? 0;
  return maximum > 0 && attempt >= maximum;
}

/**
 * Milliseconds since `started` (from `performance.now()`), whole.
 *
 * @example
 * const started = performance.now(); … return { ms: elapsed(started) };
 */
export function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
