import type { ColumnStatistics } from '../info-type.js';

/**
 * Column-shape guards the catalogue's types share. Each returns a guard for
 * `InfoTypeDefinition.shape`: a reason when the column's statistics rule the type out,
 * null otherwise. Guards only speak once enough values were examined to be sure.
 */

/** Below this many examined values a column's shape proves nothing. */
const MIN_EXAMINED = 5;

/**
 * Rules out columns with more distinct values than a closed vocabulary has (gender,
 * blood type, marital status).
 *
 * @example
 * const shape = atMostDistinct(12);
 * shape(stats); // 'more than 12 distinct values' when stats.distinct is 40
 */
export function atMostDistinct(max: number): (stats: ColumnStatistics) => string | null {
  return (stats) =>
    stats.examined >= MIN_EXAMINED && stats.distinct > max
      ? `more than ${max} distinct values`
      : null;
}

/**
 * Rules out columns whose numeric values are not integers in a range (ages, counts).
 *
 * @example
 * integersWithin(0, 125)(stats); // 'numbers above 125' when stats.maxNumber is 300
 */
export function integersWithin(
  min: number,
  max: number,
): (stats: ColumnStatistics) => string | null {
  return (stats) => {
    if (stats.examined < MIN_EXAMINED || stats.numeric === 0) return null;
    if (stats.integers < stats.numeric) return 'numbers that are not whole';
    if (stats.maxNumber !== null && stats.maxNumber > max) return `numbers above ${max}`;
    if (stats.minNumber !== null && stats.minNumber < min) return `numbers below ${min}`;
    return null;
  };
}

/**
 * Rules out columns whose values are longer than the type ever is.
 *
 * @example
 * atMostLength(4)(stats); // 'values longer than 4 characters' when stats.maxLength is 9
 */
export function atMostLength(max: number): (stats: ColumnStatistics) => string | null {
  return (stats) =>
    stats.examined >= MIN_EXAMINED && stats.maxLength > max
      ? `values longer than ${max} characters`
      : null;
}

/**
 * Rules out columns whose values are mostly not numbers (salaries, amounts).
 *
 * @example
 * mostlyNumeric(stats); // 'values are mostly not numbers' when 2 of 20 are numeric
 */
export function mostlyNumeric(stats: ColumnStatistics): string | null {
  if (stats.examined < MIN_EXAMINED) return null;
  return stats.numeric < stats.examined * 0.9 ? 'values are mostly not numbers' : null;
}

/**
 * Rules out a security-code column that holds years: every value a four-digit integer
 * between 1900 and 2100 (`expiry_year`, `cvv` of a badly named table), and codes longer
 * than four digits.
 *
 * @example
 * securityCodeShape(stats); // 'values look like years (1900-2100)'
 */
export function securityCodeShape(stats: ColumnStatistics): string | null {
  if (stats.examined < MIN_EXAMINED) return null;
  if (stats.maxLength > 4) return 'values longer than 4 characters';
  const allIntegers = stats.integers === stats.examined;
  const years =
    stats.minLength === 4 &&
    stats.minNumber !== null &&
    stats.maxNumber !== null &&
    stats.minNumber >= 1900 &&
    stats.maxNumber <= 2100;
  return allIntegers && years ? 'values look like years (1900-2100)' : null;
}

/**
 * Combines guards: the first reason wins.
 *
 * @example
 * const shape = allOf(atMostLength(4), atMostDistinct(20));
 */
export function allOf(
  ...guards: readonly ((stats: ColumnStatistics) => string | null)[]
): (stats: ColumnStatistics) => string | null {
  return (stats) => {
    for (const guard of guards) {
      const reason = guard(stats);
      if (reason !== null) return reason;
    }
    return null;
  };
}
