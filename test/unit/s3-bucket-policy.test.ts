import { describe, expect, it } from 'vitest';
import {
  datasetAccess,
  isPublicRead,
  parseBucketPolicy,
  type BucketPolicy,
  type PolicyTarget,
} from '../../scanners/s3/bucket-policy.js';

const BUCKET = 'landing';

function policyOf(...statements: object[]): BucketPolicy {
  const text = JSON.stringify({ Version: '2012-10-17', Statement: statements });
  const policy = parseBucketPolicy(text, BUCKET);
  if (!policy) throw new Error('the policy did not parse');
  return policy;
}

const allow = (more: object = {}) => ({
  Effect: 'Allow',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${BUCKET}/*`,
  ...more,
});
const deny = (more: object = {}) => ({ ...allow(more), Effect: 'Deny', ...more });

const file = (key: string): PolicyTarget => ({ key });
const fileSet = (prefix: string): PolicyTarget => ({ prefix });

describe('parseBucketPolicy', () => {
  it('reads no policy as private and refuses text that is no policy', () => {
    for (const none of [undefined, '', '  ']) {
      expect(isPublicRead(parseBucketPolicy(none, BUCKET)!, file('a.csv'))).toBe(false);
    }
    expect(parseBucketPolicy('{not json', BUCKET)).toBeUndefined();
    expect(parseBucketPolicy('"a string"', BUCKET)).toBeUndefined();
    expect(isPublicRead(parseBucketPolicy('{}', BUCKET)!, file('a.csv'))).toBe(false);
  });

  it('accepts every spelling of an anonymous principal, and only those', () => {
    for (const Principal of [
      '*',
      { AWS: '*' },
      { AWS: ['*'] },
      { AWS: ['arn:aws:iam::1:root', '*'] },
    ]) {
      expect(
        isPublicRead(policyOf(allow({ Principal })), file('a.csv')),
        JSON.stringify(Principal),
      ).toBe(true);
    }
    for (const Principal of [{ AWS: 'arn:aws:iam::123456789012:root' }, { Service: '*' }, null]) {
      expect(
        isPublicRead(policyOf(allow({ Principal })), file('a.csv')),
        JSON.stringify(Principal),
      ).toBe(false);
    }
  });

  it('counts actions that include reading objects, wildcards and NotAction too', () => {
    const reads = [
      's3:GetObject',
      'S3:getobject',
      's3:*',
      '*',
      's3:Get*',
      ['s3:ListBucket', 's3:GetObject'],
    ];
    for (const Action of reads) {
      expect(isPublicRead(policyOf(allow({ Action })), file('a.csv')), String(Action)).toBe(true);
    }
    for (const Action of [
      's3:ListBucket',
      's3:GetObjectTagging',
      's3:PutObject',
      's3:GetBucketPolicy',
    ]) {
      expect(isPublicRead(policyOf(allow({ Action })), file('a.csv')), Action).toBe(false);
    }
    // JSON leaves `undefined` members out: the statement has no Action at all.
    const noAction = allow({ Action: undefined });
    expect(isPublicRead(policyOf({ ...noAction, NotAction: 's3:PutObject' }), file('a.csv'))).toBe(
      true,
    );
    expect(isPublicRead(policyOf({ ...noAction, NotAction: 's3:Get*' }), file('a.csv'))).toBe(
      false,
    );
  });

  it('matches resources to the dataset: whole bucket, prefixes, other buckets, the bucket itself', () => {
    const on = (Resource: unknown, target: PolicyTarget) =>
      isPublicRead(policyOf(allow({ Resource })), target);
    expect(on('*', file('x/a.csv'))).toBe(true);
    expect(on('arn:aws:s3:::*', file('x/a.csv'))).toBe(true);
    expect(on(`arn:aws:s3:::${BUCKET}*/*`, file('x/a.csv'))).toBe(true);
    expect(on(`arn:aws:s3:::${BUCKET}/exports/*`, file('exports/a.csv'))).toBe(true);
    expect(on(`arn:aws:s3:::${BUCKET}/exports/*`, file('imports/a.csv'))).toBe(false);
    expect(on(`arn:aws:s3:::${BUCKET}/exports/a.csv`, file('exports/a.csv'))).toBe(true);
    expect(on(`arn:aws:s3:::${BUCKET}/exports/?.csv`, file('exports/a.csv'))).toBe(true);
    expect(on(`arn:aws:s3:::${BUCKET}/*.parquet`, file('exports/a.csv'))).toBe(false);
    expect(on(`arn:aws:s3:::other/*`, file('a.csv'))).toBe(false);
    // The bucket's own ARN is about listing it, not reading its objects.
    expect(on(`arn:aws:s3:::${BUCKET}`, file('a.csv'))).toBe(false);
    expect(on(`arn:aws:sqs:::${BUCKET}/*`, file('a.csv'))).toBe(false);
    expect(on(`arn:aws:s3:::${BUCKET}/home/\${aws:username}/*`, file('home/x/a.csv'))).toBe(true);
  });

  it('calls a file set public when any of its objects is', () => {
    const on = (Resource: string, prefix: string) =>
      isPublicRead(policyOf(allow({ Resource })), fileSet(prefix));
    expect(on(`arn:aws:s3:::${BUCKET}/sales/year=2024/*`, 'sales/')).toBe(true);
    expect(on(`arn:aws:s3:::${BUCKET}/sales/*`, 'sales/')).toBe(true);
    expect(on(`arn:aws:s3:::${BUCKET}/*/year=2024/*`, 'sales/')).toBe(true);
    expect(on(`arn:aws:s3:::${BUCKET}/exports/*`, 'sales/')).toBe(false);
    expect(on(`arn:aws:s3:::${BUCKET}/*`, '')).toBe(true);
  });

  it('lets an unconditional anonymous Deny win, but only where it covers the whole dataset', () => {
    const denySecret = deny({ Resource: `arn:aws:s3:::${BUCKET}/secret/*` });
    const policy = policyOf(allow(), denySecret);
    expect(isPublicRead(policy, file('secret/a.csv'))).toBe(false);
    expect(isPublicRead(policy, file('open/a.csv'))).toBe(true);
    expect(isPublicRead(policy, fileSet('secret/'))).toBe(false);
    expect(isPublicRead(policy, fileSet('secret/year=2024/'))).toBe(false);
    // Only part of the set is denied: the rest is still out there.
    const partly = policyOf(
      allow(),
      deny({ Resource: `arn:aws:s3:::${BUCKET}/sales/year=2024/*` }),
    );
    expect(isPublicRead(partly, fileSet('sales/'))).toBe(true);
    expect(isPublicRead(policyOf(allow(), deny({ Action: 's3:*' })), file('a.csv'))).toBe(false);
  });

  it('ignores a Deny that might not apply: another principal, a condition, NotPrincipal, NotResource', () => {
    const denials = [
      deny({ Principal: { AWS: 'arn:aws:iam::123456789012:user/x' } }),
      deny({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      { ...deny(), Principal: undefined, NotPrincipal: { AWS: 'arn:aws:iam::1:root' } },
      { ...deny(), Resource: undefined, NotResource: `arn:aws:s3:::${BUCKET}/other/*` },
    ];
    for (const denial of denials) {
      expect(isPublicRead(policyOf(allow(), denial), file('a.csv')), JSON.stringify(denial)).toBe(
        true,
      );
    }
  });

  it('does not count a conditional Allow as public read', () => {
    const policy = policyOf(allow({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }));
    expect(isPublicRead(policy, file('a.csv'))).toBe(false);
  });

  it('leans to public where an Allow names everyone but a few, or everything but a few keys', () => {
    const butOne = policyOf({
      ...allow(),
      Principal: undefined,
      NotPrincipal: { AWS: 'arn:aws:iam::1:user/x' },
    });
    expect(isPublicRead(butOne, file('a.csv'))).toBe(true);
    const butPrivate = policyOf({
      ...allow(),
      Resource: undefined,
      NotResource: `arn:aws:s3:::${BUCKET}/private/*`,
    });
    expect(isPublicRead(butPrivate, file('private/a.csv'))).toBe(false);
    expect(isPublicRead(butPrivate, file('open/a.csv'))).toBe(true);
    expect(isPublicRead(butPrivate, fileSet('private/'))).toBe(false);
    expect(isPublicRead(butPrivate, fileSet(''))).toBe(true);
  });

  it('reads a single statement object and skips statements it cannot make sense of', () => {
    const single = parseBucketPolicy(JSON.stringify({ Statement: allow() }), BUCKET)!;
    expect(isPublicRead(single, file('a.csv'))).toBe(true);
    const odd = policyOf(null as never, 'text' as never, { ...allow(), Effect: 'Maybe' });
    expect(isPublicRead(odd, file('a.csv'))).toBe(false);
  });

  it('stays linear on patterns full of stars', () => {
    const Resource = `arn:aws:s3:::${BUCKET}/${'*a'.repeat(200)}b`;
    const started = performance.now();
    expect(isPublicRead(policyOf(allow({ Resource })), file('a'.repeat(1000)))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('datasetAccess', () => {
  it('names anonymous callers as `*`, nobody otherwise', () => {
    expect(datasetAccess(policyOf(allow()), file('a.csv'))).toEqual({
      publicRead: true,
      readers: ['*'],
    });
    expect(datasetAccess(policyOf(), file('a.csv'))).toEqual({ publicRead: false, readers: [] });
  });
});
