import { describe, expect, it } from 'vitest';
import { accessOf } from '../../scanners/postgres/postgres-access.js';

describe('accessOf (PostgreSQL grants)', () => {
  it('reads a default ACL everywhere as the owner alone: nobody listed', () => {
    expect(accessOf('app', null, [null, null])).toEqual({ publicRead: false, readers: [] });
  });

  it('merges table and column grantees, leaving the owner out, sorted and once each', () => {
    expect(accessOf('app', ['app', 'zed', 'analyst'], [null, ['analyst', 'Auditors']])).toEqual({
      publicRead: false,
      readers: ['Auditors', 'analyst', 'zed'],
    });
  });

  it('takes PUBLIC from the pseudo-role entry, on the table or one column', () => {
    expect(accessOf('app', [null], [])).toEqual({ publicRead: true, readers: ['PUBLIC'] });
    expect(accessOf('app', null, [null, [null, 'analyst']])).toEqual({
      publicRead: true,
      readers: ['PUBLIC', 'analyst'],
    });
  });

  it('does not mistake a real role named PUBLIC for the pseudo-role', () => {
    expect(accessOf('app', ['PUBLIC'], [])).toEqual({ publicRead: false, readers: ['PUBLIC'] });
  });
});
