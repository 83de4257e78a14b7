import type { DatasetAccess } from '../sdk/contract.js';

/**
 * SELECT grantees of one ACL as the catalog queries return them: role names, `null` for the
 * PUBLIC pseudo-role; `null` as a whole when the ACL is the default one (the owner alone).
 */
export type SelectGrantees = readonly (string | null)[] | null;

/**
 * Who may read a relation, from the SELECT grantees of its ACL and of its columns' ACLs (a
 * column grant exposes that column's values just the same). The owner is left out: it can
 * always grant itself back what it revoked, and listing it on every dataset would bury the
 * grants that matter. `publicRead` comes from the PUBLIC entries, never from the name `PUBLIC`, which a
 * real role may take. Membership is not followed: a member of a reader reads too, but the
 * grant is what a steward revokes. Names are sorted by code unit, the same on every server
 * whatever its collation.
 *
 * @example
 * accessOf('app', ['app', 'analyst'], [null, ['auditor', null]]);
 * // { publicRead: true, readers: ['PUBLIC', 'analyst', 'auditor'] }
 */
export function accessOf(
  owner: string,
  relationGrantees: SelectGrantees,
  columnGrantees: Iterable<SelectGrantees>,
): DatasetAccess {
  let publicRead = false;
  const readers = new Set<string>();
  for (const grantees of [relationGrantees, ...columnGrantees]) {
    for (const grantee of grantees ?? []) {
      if (grantee === null) {
        publicRead = true;
        readers.add('PUBLIC');
      } else if (grantee !== owner) {
        readers.add(grantee);
      }
    }
  }
  return { publicRead, readers: [...readers].sort() };
}
