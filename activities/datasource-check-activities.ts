import { Context } from '@temporalio/activity';
import { ScannerError, type ScannerErrorKind } from '../scanners/sdk/contract.js';
import { withSource } from './scan-connection.js';
import type { ScanActivityDeps } from './scan-deps.js';

/**
 * The outcome of a connection test, as a value: a failed test is an answer for the steward,
 * not an error of the platform.
 */
export type DataSourceCheckResult =
  | { ok: true; serverVersion: string | null; details: Record<string, unknown>; ms: number }
  | { ok: false; kind: ScannerErrorKind | 'internal'; message: string; ms: number };

/**
 * `checkDataSource`: opens the data source the way a scan does (secrets opened here only,
 * network policy applied) and runs the scanner's `check()`.
 *
 * @example
 * const { checkDataSource } = createDataSourceCheckActivities(deps);
 */
export function createDataSourceCheckActivities(deps: ScanActivityDeps) {
  return {
    async checkDataSource(input: { dataSourceId: string }): Promise<DataSourceCheckResult> {
      const started = performance.now();
      const ms = () => Math.round(performance.now() - started);
      const signal = Context.current().cancellationSignal;
      try {
        const checked = await withSource(deps, input.dataSourceId, signal, ({ connection }) =>
          connection.check(),
        );
        return {
          ok: true,
          serverVersion: checked.serverVersion ?? null,
          details: checked.details ?? {},
          ms: ms(),
        };
      } catch (error) {
        if (error instanceof ScannerError) {
          return { ok: false, kind: error.kind, message: error.message, ms: ms() };
        }
        deps.logger.error(
          { err: error, dataSourceId: input.dataSourceId },
          'connection test failed',
        );
        return {
          ok: false,
          kind: 'internal',
          message: 'The test could not run; see the worker log.',
          ms: ms(),
        };
      }
    },
  };
}

export type DataSourceCheckActivities = ReturnType<typeof createDataSourceCheckActivities>;
