import { sql, type Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Client as ObjectStore } from 'minio';
import type { Database } from '../db/schema.js';

export type DependencyName = 'postgres' | 'redis' | 'temporal' | 'minio';

export interface DependencyCheck {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

export interface Readiness {
  status: 'ready' | 'not_ready';
  checks: Record<DependencyName, DependencyCheck>;
}

export interface ReadinessDeps {
  db: Kysely<Database>;
  redis: Redis;
  temporal: TemporalClient;
  objectStore: ObjectStore;
  bucket: string;
}

class TimeoutError extends Error {}

async function timed(probe: () => Promise<unknown>, timeoutMs: number): Promise<DependencyCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new TimeoutError(`no answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      status: 'down',
      latencyMs: Math.round(performance.now() - started),
      error: describe(error),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** A short, credential-free reason: error codes and messages, never connection strings. */
function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const message = error.message.replace(/\w+:\/\/[^\s@]*@/g, '');
    return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
  }
  return String(error);
}

/**
 * Probes every dependency at once, each bounded by `timeoutMs`, and reports each one with
 * its latency. One down dependency makes the whole process not ready.
 */
export async function checkReadiness(deps: ReadinessDeps, timeoutMs: number): Promise<Readiness> {
  const { temporal } = deps;
  const [postgres, redis, temporalCheck, minio] = await Promise.all([
    timed(() => sql`select 1`.execute(deps.db), timeoutMs),
    timed(() => deps.redis.ping(), timeoutMs),
    timed(
      () =>
        temporal.connection.withDeadline(Date.now() + timeoutMs, () =>
          temporal.workflowService.describeNamespace({ namespace: temporal.options.namespace }),
        ),
      timeoutMs,
    ),
    timed(async () => {
      if (!(await deps.objectStore.bucketExists(deps.bucket))) {
        throw new Error(`bucket ${deps.bucket} does not exist`);
      }
    }, timeoutMs),
  ]);
  const checks = { postgres, redis, temporal: temporalCheck, minio };
  const ready = Object.values(checks).every((check) => check.status === 'up');
  return { status: ready ? 'ready' : 'not_ready', checks };
}
