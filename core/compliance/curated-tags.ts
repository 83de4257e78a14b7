import { durationDays } from './asset-facts.js';
import { LEGAL_BASES } from './condition-fields.js';

/** At most this many tags on one data source or asset, counted after deduplication. */
export const MAX_TAGS = 50;

const TAG = /^[a-z0-9][a-z0-9._:-]{0,62}$/;
const REGION = /^[a-z0-9][a-z0-9-]{0,63}$/;
const RETENTION = 'retention:';
const LEGAL_BASIS = 'legal-basis:';

/**
 * One problem with a request field, `path` naming the field or the entry (`tags[2]`), as
 * the 400 and 422 problem bodies of the API list them.
 *
 * @example
 * const problem: FieldProblem = { path: 'tags[0]', message: '"Prod" is not a tag: …' };
 */
export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * A checked value, or every problem found with it (so a client learns them all at once).
 *
 * @example
 * const checked = checkRegion('eu-west-1'); if (checked.ok) save(checked.value);
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/**
 * `retention:` values are ISO 8601 durations, which are upper case (`P3Y`) and are read as
 * such by the rules (`durationDays`); any other tag is taken as written.
 */
function canonical(tag: string): string {
  return tag.startsWith(RETENTION) ? RETENTION + tag.slice(RETENTION.length).toUpperCase() : tag;
}

/**
 * What is wrong with the meaning of a namespaced tag of a catalog asset (`tag` canonical,
 * `written` as the client sent it), if anything.
 */
function namespaceProblem(tag: string, written: string): string | undefined {
  const quoted = JSON.stringify(written);
  if (tag.startsWith(LEGAL_BASIS)) {
    const basis = tag.slice(LEGAL_BASIS.length);
    if (!(LEGAL_BASES as readonly string[]).includes(basis)) {
      return `${quoted} names no legal basis; use one of ${LEGAL_BASES.join(', ')}`;
    }
  }
  if (tag.startsWith(RETENTION) && durationDays(tag.slice(RETENTION.length)) === null) {
    return `${quoted} is not a retention period: an ISO 8601 duration of years, months, weeks and days such as P3Y, P18M or P30D`;
  }
  return undefined;
}

/**
 * Checks tags as written by people and returns them deduplicated and sorted. Every tag is
 * lower case `[a-z0-9][a-z0-9._:-]{0,62}`, at most {@link MAX_TAGS}. With `namespaces`
 * (catalog assets, whose tags the compliance rules read), `legal-basis:` must name a GDPR
 * Art. 6 basis and `retention:` an ISO 8601 duration (stored upper case, `retention:P3Y`),
 * and each appears at most once: the rules read one value, so two would be ambiguous.
 *
 * @example
 * checkTags(['pii', 'legal-basis:contract', 'retention:p3y', 'pii'], { namespaces: true });
 * // { ok: true, value: ['legal-basis:contract', 'pii', 'retention:P3Y'] }
 */
export function checkTags(
  tags: readonly string[],
  options: { field?: string; namespaces?: boolean } = {},
): Checked<string[]> {
  const field = options.field ?? 'tags';
  const problems: FieldProblem[] = [];
  const kept = new Map<string, number>();
  tags.forEach((tag, index) => {
    const path = `${field}[${index}]`;
    const value = options.namespaces ? canonical(tag) : tag;
    const syntax = options.namespaces && value.startsWith(RETENTION) ? value.toLowerCase() : value;
    if (!TAG.test(syntax)) {
      problems.push({
        path,
        message: `${JSON.stringify(tag)} is not a tag: 1 to 63 lower-case letters, digits and . _ : -, starting with a letter or digit`,
      });
      return;
    }
    const wrong = options.namespaces ? namespaceProblem(value, tag) : undefined;
    if (wrong) problems.push({ path, message: wrong });
    else if (!kept.has(value)) kept.set(value, index);
  });
  if (options.namespaces) {
    for (const namespace of [LEGAL_BASIS, RETENTION]) {
      const same = [...kept].filter(([tag]) => tag.startsWith(namespace));
      for (const [, index] of same.slice(1)) {
        problems.push({
          path: `${field}[${index}]`,
          message: `${JSON.stringify(tags[index])}: an asset has one ${namespace.slice(0, -1)} tag, and ${JSON.stringify(tags[same[0]![1]])} is already given`,
        });
      }
    }
  }
  if (kept.size > MAX_TAGS) {
    problems.push({ path: field, message: `at most ${MAX_TAGS} tags, not ${kept.size}` });
  }
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, value: [...kept.keys()].sort() };
}

/**
 * Checks a region (`eu-west-1`, `westeurope`): lower case `[a-z0-9][a-z0-9-]{0,63}`, or
 * null for none.
 *
 * @example
 * checkRegion('EU West'); // { ok: false, problems: [{ path: 'region', message: … }] }
 */
export function checkRegion(region: string | null): Checked<string | null> {
  if (region === null || REGION.test(region)) return { ok: true, value: region };
  return {
    ok: false,
    problems: [
      {
        path: 'region',
        message: `${JSON.stringify(region)} is not a region: 1 to 64 lower-case letters, digits and -, starting with a letter or digit (e.g. eu-west-1)`,
      },
    ],
  };
}

/**
 * Checks what a client says about a data source: its tags (plain, no namespaces) and its
 * region, either left out (undefined in the value: keep what is stored).
 *
 * @example
 * checkSourceFacts({ tags: ['prod', 'hipaa'] }); // { ok: true, value: { tags: ['hipaa', 'prod'] } }
 */
export function checkSourceFacts(input: {
  tags?: readonly string[];
  region?: string | null;
}): Checked<{ tags?: string[]; region?: string | null }> {
  const tags = input.tags && checkTags(input.tags);
  const region = input.region !== undefined ? checkRegion(input.region) : undefined;
  const problems = [tags, region].flatMap((checked) =>
    checked?.ok === false ? checked.problems : [],
  );
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      ...(tags?.ok && { tags: tags.value }),
      ...(region?.ok && { region: region.value }),
    },
  };
}

/**
 * The `detail` line of a 422 answer listing these problems.
 *
 * @example
 * problem(c, 422, { detail: describeProblems('The tags are not valid', problems), errors: problems });
 */
export function describeProblems(lead: string, problems: readonly FieldProblem[]): string {
  return `${lead}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
}
