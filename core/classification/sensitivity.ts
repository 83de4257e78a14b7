import { SENSITIVITY_LEVELS, type Sensitivity } from '../permissions/vocabulary.js';

/**
 * The more sensitive of two levels; `null` counts as no level.
 *
 * @example
 * maxSensitivity('internal', 'restricted'); // 'restricted'
 */
export function maxSensitivity(
  a: Sensitivity | null | undefined,
  b: Sensitivity | null | undefined,
): Sensitivity | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return SENSITIVITY_LEVELS.indexOf(a) >= SENSITIVITY_LEVELS.indexOf(b) ? a : b;
}
