const PLAIN = /^[A-Za-z0-9_$-]+$/;

/**
 * Joins name segments into the fully qualified name the catalog is keyed by. A segment with
 * anything but letters, digits, `_`, `$` or `-` is double-quoted (inner quotes doubled), so
 * `a.b` as one name never collides with `a` › `b`.
 *
 * @example
 * formatFqn(['shop', 'public', 'orders']); // shop.public.orders
 * formatFqn(['landing', 'sales/2024/orders.csv']); // landing."sales/2024/orders.csv"
 */
export function formatFqn(path: readonly string[]): string {
  return path
    .map((segment) => (PLAIN.test(segment) ? segment : `"${segment.replaceAll('"', '""')}"`))
    .join('.');
}
