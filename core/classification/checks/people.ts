import { foldTerm, foldedWords, hasTerm } from '../dictionaries/fold.js';
import { COMPANY_SUFFIXES } from '../dictionaries/organizations.js';
import { HONORIFICS } from '../dictionaries/demographics.js';
import { FIRST_NAMES, LAST_NAMES } from '../dictionaries/person-names.js';

const MAX_NAME_LENGTH = 80;
const NAME_CHARS = /^[\p{L}][\p{L}\p{M}'’. -]*$/u;

/**
 * A given name from the dictionary (several locales); a hyphenated double name counts when
 * its first part is known (`Jean-Luc`).
 *
 * @example
 * isFirstName('Maria'); // true
 */
export function isFirstName(value: string): boolean {
  if (value.length < 2 || value.length > 40) return false;
  const name = foldTerm(value);
  return FIRST_NAMES.has(name) || FIRST_NAMES.has(name.split(' ')[0] ?? '');
}

/**
 * A family name from the dictionary; for a double-barrelled name either part counts
 * (`Smith-Jones`).
 *
 * @example
 * isLastName('Schmidt'); // true
 */
export function isLastName(value: string): boolean {
  if (value.length < 2 || value.length > 40) return false;
  const name = foldTerm(value);
  if (LAST_NAMES.has(name)) return true;
  const parts = name.split(' ');
  return parts.length === 2 && parts.some((part) => LAST_NAMES.has(part));
}

/**
 * A person's full name: two to five words of letters (an honorific first allowed), the
 * first a known given name or the last a known family name; `Last, First` is understood.
 *
 * @example
 * isPersonName('Ada Lovelace'); // true
 * isPersonName('Lovelace, Ada'); // true
 * isPersonName('Blue Widget'); // false
 */
export function isPersonName(value: string): boolean {
  if (value.length < 4 || value.length > MAX_NAME_LENGTH) return false;
  const comma = value.indexOf(',');
  const text = comma > 0 ? `${value.slice(comma + 1)} ${value.slice(0, comma)}` : value;
  if (!NAME_CHARS.test(text.trim())) return false;
  const words = foldedWords(text, MAX_NAME_LENGTH).filter((word) => !HONORIFICS.has(word));
  if (words.length < 2 || words.length > 5) return false;
  return FIRST_NAMES.has(words[0] ?? '') || LAST_NAMES.has(words[words.length - 1] ?? '');
}

/**
 * An organisation's name: two or more words ending in a legal form or organisation word
 * (`Acme Inc.`, `Müller GmbH`, `Société Générale S.A.`, `St Mary's Hospital`).
 *
 * @example
 * isOrganizationName('Acme Widgets Ltd'); // true
 * isOrganizationName('Ltd'); // false
 */
export function isOrganizationName(value: string): boolean {
  const words = foldedWords(value, 120);
  if (words.length < 2) return false;
  for (let take = 1; take <= 4 && take < words.length; take++) {
    if (COMPANY_SUFFIXES.has(words.slice(-take).join(' '))) return true;
  }
  return false;
}

/**
 * A honorific or courtesy title (`Mr`, `Dr.`, `Frau`, `Señora`).
 *
 * @example
 * isHonorific('Dr.'); // true
 */
export function isHonorific(value: string): boolean {
  return hasTerm(HONORIFICS, value);
}
