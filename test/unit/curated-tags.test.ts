import { describe, expect, it } from 'vitest';
import { durationDays, tagValue } from '../../core/compliance/asset-facts.js';
import {
  checkRegion,
  checkSourceFacts,
  checkTags,
  MAX_TAGS,
} from '../../core/compliance/curated-tags.js';

describe('curated tags', () => {
  it('deduplicates and sorts valid tags, and takes any syntax-valid tag without namespaces', () => {
    expect(checkTags(['prod', 'hipaa', 'prod', '0.x_y:z-1'])).toEqual({
      ok: true,
      value: ['0.x_y:z-1', 'hipaa', 'prod'],
    });
    expect(checkTags(['legal-basis:whatever'])).toEqual({
      ok: true,
      value: ['legal-basis:whatever'],
    });
    expect(checkTags(['a'.repeat(63)]).ok).toBe(true);
  });

  it('names every tag that breaks the syntax, by its index', () => {
    const checked = checkTags(['ok', 'Upper', '-dash', 'a'.repeat(64), '', 'sp ace'], {
      field: 'tags',
    });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problems.map((problem) => problem.path)).toEqual([
      'tags[1]',
      'tags[2]',
      'tags[3]',
      'tags[4]',
      'tags[5]',
    ]);
    expect(checked.problems[0]!.message).toContain('"Upper"');
  });

  it('counts tags after deduplication', () => {
    const tags = Array.from({ length: MAX_TAGS }, (_, i) => `t${i}`);
    expect(checkTags([...tags, 't0']).ok).toBe(true);
    expect(checkTags([...tags, 'one-more'])).toMatchObject({
      ok: false,
      problems: [{ path: 'tags', message: expect.stringContaining(`${MAX_TAGS}`) }],
    });
  });

  it('checks the namespaces compliance rules read, and stores retention as the rules read it', () => {
    const checked = checkTags(['retention:p1y6m', 'legal-basis:consent'], { namespaces: true });
    expect(checked).toEqual({ ok: true, value: ['legal-basis:consent', 'retention:P1Y6M'] });
    if (!checked.ok) return;
    expect(durationDays(tagValue(checked.value, 'retention'))).toBe(545);

    const refused = checkTags(
      ['legal-basis:vibes', 'retention:forever', 'retention:P', 'retention:PT1H'],
      { namespaces: true },
    );
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.problems.map((problem) => problem.path)).toEqual([
      'tags[0]',
      'tags[1]',
      'tags[2]',
      'tags[3]',
    ]);
    expect(refused.problems[0]!.message).toContain('legitimate-interests');
    expect(refused.problems[1]!.message).toContain('"retention:forever"');
  });

  it('allows one legal basis and one retention period per asset', () => {
    const checked = checkTags(['legal-basis:consent', 'legal-basis:contract', 'retention:P1Y'], {
      namespaces: true,
    });
    expect(checked).toMatchObject({
      ok: false,
      problems: [{ path: 'tags[1]', message: expect.stringContaining('"legal-basis:consent"') }],
    });
  });

  it('checks regions, null included', () => {
    expect(checkRegion('eu-west-1')).toEqual({ ok: true, value: 'eu-west-1' });
    expect(checkRegion(null)).toEqual({ ok: true, value: null });
    expect(checkRegion('EU')).toMatchObject({ ok: false, problems: [{ path: 'region' }] });
    expect(checkRegion('x'.repeat(65)).ok).toBe(false);
    expect(checkRegion('x'.repeat(64)).ok).toBe(true);
  });

  it('checks a data source’s facts, leaving out what was not sent', () => {
    expect(checkSourceFacts({})).toEqual({ ok: true, value: {} });
    expect(checkSourceFacts({ region: null })).toEqual({ ok: true, value: { region: null } });
    expect(checkSourceFacts({ tags: ['b', 'a'] })).toEqual({
      ok: true,
      value: { tags: ['a', 'b'] },
    });
    const refused = checkSourceFacts({ tags: ['B'], region: 'Nowhere' });
    expect(refused.ok || refused.problems.map((problem) => problem.path)).toEqual([
      'tags[0]',
      'region',
    ]);
  });
});
