import { faker as fakerDe } from '@faker-js/faker/locale/de';
import { faker as fakerEn } from '@faker-js/faker/locale/en';
import { faker as fakerEnIn } from '@faker-js/faker/locale/en_IN';
import { faker as fakerEs } from '@faker-js/faker/locale/es';
import { faker as fakerFr } from '@faker-js/faker/locale/fr';
import { faker as fakerIt } from '@faker-js/faker/locale/it';
import { faker as fakerNl } from '@faker-js/faker/locale/nl';
import { faker as fakerPl } from '@faker-js/faker/locale/pl';
import { faker as fakerPtBr } from '@faker-js/faker/locale/pt_BR';
import { faker as fakerSv } from '@faker-js/faker/locale/sv';
import { termSet } from './fold.js';

// Locales whose name lists cover most customer bases the platform scans. Their definition
// data is read once; no generator is ever called.
const LOCALES = [
  fakerEn,
  fakerDe,
  fakerFr,
  fakerEs,
  fakerIt,
  fakerNl,
  fakerPtBr,
  fakerEnIn,
  fakerSv,
  fakerPl,
];

function strings(entry: unknown): string[] {
  if (typeof entry === 'string') return [entry];
  if (Array.isArray(entry)) return entry.flatMap(strings);
  if (entry !== null && typeof entry === 'object') return Object.values(entry).flatMap(strings);
  return [];
}

/**
 * Folded given names from the locale data of `@faker-js/faker` (English, German, French,
 * Spanish, Italian, Dutch, Brazilian Portuguese, Indian English, Swedish, Polish).
 *
 * @example
 * FIRST_NAMES.has('maria'); // true
 */
export const FIRST_NAMES: ReadonlySet<string> = termSet(
  LOCALES.flatMap((locale) => strings(locale.rawDefinitions.person?.first_name)),
);

/**
 * Folded family names from the same locales.
 *
 * @example
 * LAST_NAMES.has('schmidt'); // true
 */
export const LAST_NAMES: ReadonlySet<string> = termSet(
  LOCALES.flatMap((locale) => strings(locale.rawDefinitions.person?.last_name)),
);
