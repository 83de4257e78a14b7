import type { DatasetAccess } from '../sdk/contract.js';

/** What a dataset of the bucket holds: one object, or every object under a prefix. */
export type PolicyTarget = { key: string } | { prefix: string };

/** The statements of a bucket policy that can make or unmake anonymous reads of objects. */
export interface BucketPolicy {
  bucket: string;
  allows: ReadRule[];
  denies: ReadRule[];
}

/** An unconditional statement about anonymous `s3:GetObject`, and where it applies. */
interface ReadRule {
  /** Patterns (`*`, `?`) of the `bucket/key` paths the statement names. */
  paths: string[];
  /** True for `NotResource`: the statement applies everywhere except `paths`. */
  except: boolean;
}

interface Statement {
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

/**
 * Reads a bucket policy (its JSON text, `undefined` when the bucket has none) down to the
 * statements about anonymous reads of `bucket`'s objects; `undefined` when the text is no
 * policy at all. Doubt leans to "public" wherever the policy cannot be read for certain,
 * since a compliance rule would rather flag a bucket than miss one:
 * - an Allow with `NotPrincipal` counts as anonymous (everyone but a few); a Deny with
 *   `NotPrincipal` or `NotResource` is ignored, since it might spare anonymous callers or
 *   the dataset;
 * - a statement with a `Condition` (source IP, TLS, referer…) is not unconditional: an
 *   Allow with one is not public read, and a Deny with one is ignored (it might not apply);
 * - policy variables (`${aws:username}`) match anything.
 *
 * @example
 * const policy = parseBucketPolicy('{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::landing/*"}]}', 'landing');
 * isPublicRead(policy!, { key: 'exports/a.csv' }); // true
 */
export function parseBucketPolicy(
  text: string | undefined,
  bucket: string,
): BucketPolicy | undefined {
  const policy: BucketPolicy = { bucket, allows: [], denies: [] };
  if (text === undefined || text.trim() === '') return policy;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  for (const statement of listOf((parsed as { Statement?: unknown }).Statement)) {
    if (statement === null || typeof statement !== 'object') continue;
    const s = statement as Statement;
    const allow = s.Effect === 'Allow';
    if ((!allow && s.Effect !== 'Deny') || s.Condition !== undefined) continue;
    if (!anonymous(s, allow) || !readsObjects(s)) continue;
    const except = s.NotResource !== undefined;
    if (except && !allow) continue;
    const paths = listOf(except ? s.NotResource : s.Resource).flatMap((resource) => {
      const path = typeof resource === 'string' ? pathPatternOf(resource) : undefined;
      return path === undefined ? [] : [path];
    });
    (allow ? policy.allows : policy.denies).push({ paths, except });
  }
  return policy;
}

/**
 * Whether anonymous callers may read the target: some object of a prefix, since one public
 * object is a leak already; a Deny takes it back only when it covers the whole target.
 *
 * @example
 * isPublicRead(policy, { prefix: 'sales/' }); // true when 'arn:aws:s3:::bucket/sales/2024/*' is public
 */
export function isPublicRead(policy: BucketPolicy, target: PolicyTarget): boolean {
  const { bucket } = policy;
  const allowed = policy.allows.some((rule) =>
    rule.except
      ? !rule.paths.some((path) => covers(path, bucket, target))
      : rule.paths.some((path) => reaches(path, bucket, target)),
  );
  return (
    allowed &&
    !policy.denies.some((rule) => rule.paths.some((path) => covers(path, bucket, target)))
  );
}

/**
 * `properties.access` of a dataset of the bucket: anonymous callers (`*`) or nobody named.
 *
 * @example
 * datasetAccess(policy, { key: 'exports/a.csv' }); // { publicRead: true, readers: ['*'] }
 */
export function datasetAccess(policy: BucketPolicy, target: PolicyTarget): DatasetAccess {
  return isPublicRead(policy, target)
    ? { publicRead: true, readers: ['*'] }
    : { publicRead: false, readers: [] };
}

function listOf(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** `"*"` or `{ "AWS": "*" }` (or a list holding it) is everyone, signed in or not. */
function anonymous(statement: Statement, allow: boolean): boolean {
  if (statement.Principal === undefined) return statement.NotPrincipal !== undefined && allow;
  if (statement.Principal === '*') return true;
  const aws = (statement.Principal as { AWS?: unknown } | null)?.AWS;
  return listOf(aws).includes('*');
}

function readsObjects(statement: Statement): boolean {
  const reads = (pattern: unknown) =>
    typeof pattern === 'string' && matches(pattern.toLowerCase(), 's3:getobject');
  if (statement.NotAction !== undefined) return !listOf(statement.NotAction).some(reads);
  return listOf(statement.Action).some(reads);
}

/**
 * The `bucket/key` pattern of a resource ARN of S3 objects (`arn:aws:s3:::landing/exports/*`),
 * matched whole against `bucket/key`, so that a wildcard in the bucket part
 * (`arn:aws:s3:::*`) spans into the key as it does in S3. Partition, region and account are
 * not compared: a bucket policy can only speak of its own objects anyway.
 */
function pathPatternOf(resource: string): string | undefined {
  if (resource === '*') return '*';
  const arn = /^arn:[^:]*:([^:]*):[^:]*:[^:]*:(.*)$/s.exec(resource);
  if (!arn || !matches(arn[1]!, 's3')) return undefined;
  return arn[2]!.replace(/\$\{[^}]*\}/g, '*');
}

/** The pattern matches the object, or some object under the prefix. */
function reaches(pattern: string, bucket: string, target: PolicyTarget): boolean {
  if ('key' in target) return matches(pattern, `${bucket}/${target.key}`);
  return statesAfter(pattern, `${bucket}/${target.prefix}`).size > 0;
}

/** The pattern matches the object, or every object under the prefix. */
function covers(pattern: string, bucket: string, target: PolicyTarget): boolean {
  if ('key' in target) return matches(pattern, `${bucket}/${target.key}`);
  const chars = [...pattern];
  return [...statesAfter(pattern, `${bucket}/${target.prefix}`)].some(
    (state) => state < chars.length && chars.slice(state).every((char) => char === '*'),
  );
}

function matches(pattern: string, text: string): boolean {
  return statesAfter(pattern, text).has([...pattern].length);
}

/**
 * The positions of `pattern` (`*` any run, `?` one character) reachable after reading
 * `text`; the pattern's length means all of it matched. A set of states rather than
 * backtracking, so a pattern of many stars costs length × length, never exponential time.
 */
function statesAfter(pattern: string, text: string): Set<number> {
  const chars = [...pattern];
  const close = (states: Set<number>) => {
    for (const state of states) if (chars[state] === '*') states.add(state + 1);
    return states;
  };
  let states = close(new Set([0]));
  for (const char of text) {
    const next = new Set<number>();
    for (const state of states) {
      const want = chars[state];
      if (want === '*') next.add(state);
      else if (want === '?' || want === char) next.add(state + 1);
    }
    states = close(next);
    if (states.size === 0) break;
  }
  return states;
}
