import type { Sensitivity } from '../permissions/vocabulary.js';
import {
  isCardNumber,
  isEmailAddress,
  isIban,
  isNationalId,
  isPhoneNumber,
} from './value-checks.js';

/**
 * A kind of sensitive data the classifier recognises: by a column's name, by its values, or
 * both. The list is ordered by precedence: a value counts for the first type it matches, so
 * a card number is not also counted as a phone number.
 *
 * @example
 * const infoType: InfoType = {
 *   id: 'email', label: 'E-mail address', sensitivity: 'confidential',
 *   nameWords: [['email'], ['e', 'mail']], matches: isEmailAddress,
 * };
 */
export interface InfoType {
  /** Stable id stored in the catalog, e.g. `card-number`. */
  readonly id: string;
  readonly label: string;
  /** The sensitivity suggested for a column that holds this type. */
  readonly sensitivity: Sensitivity;
  /**
   * Word sequences that suggest the type when found in a column name split into lower-case
   * words (`customerEmail`, `customer_email` and `CUSTOMER-EMAIL` are all `customer email`).
   */
  readonly nameWords: readonly (readonly string[])[];
  /** Data types whose columns cannot hold the type, whatever their name says. */
  readonly impossibleTypes?: RegExp;
  /** Whether one value (as text) has the type's layout and check digits. */
  matches(value: string): boolean;
}

// Booleans, dates and times hold none of the built-in types.
const NOT_TEXTUAL = /^(boolean|bool|date|time|timestamp|interval|uuid|json|jsonb|bytea)\b/i;
const NOT_NUMERIC_OR_TEXT =
  /^(boolean|bool|date|time|timestamp|interval|uuid|json|jsonb|bytea|real|double|float)\b/i;

/**
 * The information types built in so far: e-mail address, phone number, payment card number,
 * IBAN and national identity number. The next issue brings user-defined types; these stay as
 * the defaults.
 *
 * @example
 * BUILTIN_INFO_TYPES.map((type) => type.id); // ['card-number', 'iban', 'national-id', 'email', 'phone']
 */
export const BUILTIN_INFO_TYPES: readonly InfoType[] = [
  {
    id: 'card-number',
    label: 'Payment card number',
    sensitivity: 'restricted',
    nameWords: [
      ['card', 'number'],
      ['card', 'no'],
      ['cc', 'number'],
      ['credit', 'card'],
      ['pan'],
      ['ccn'],
    ],
    impossibleTypes: NOT_NUMERIC_OR_TEXT,
    matches: isCardNumber,
  },
  {
    id: 'iban',
    label: 'International bank account number (IBAN)',
    sensitivity: 'restricted',
    nameWords: [['iban'], ['bank', 'account']],
    impossibleTypes: NOT_TEXTUAL,
    matches: isIban,
  },
  {
    id: 'national-id',
    label: 'National identity number',
    sensitivity: 'restricted',
    nameWords: [
      ['ssn'],
      ['national', 'id'],
      ['social', 'security'],
      ['nino'],
      ['tax', 'id'],
      ['bsn'],
      ['dni'],
      ['insee'],
    ],
    impossibleTypes: NOT_NUMERIC_OR_TEXT,
    matches: isNationalId,
  },
  {
    id: 'email',
    label: 'E-mail address',
    sensitivity: 'confidential',
    nameWords: [['email'], ['e', 'mail'], ['mail', 'address']],
    impossibleTypes: NOT_TEXTUAL,
    matches: isEmailAddress,
  },
  {
    id: 'phone',
    label: 'Telephone number',
    sensitivity: 'confidential',
    nameWords: [['phone'], ['telephone'], ['mobile'], ['tel'], ['fax'], ['msisdn']],
    impossibleTypes: NOT_TEXTUAL,
    matches: isPhoneNumber,
  },
];

/**
 * Splits a column name into lower-case words at case changes, digits boundaries, and
 * anything that is not a letter or digit.
 *
 * @example
 * nameWords('customerEMail_2'); // ['customer', 'e', 'mail', '2']
 * nameWords('IBANNumber'); // ['iban', 'number']
 */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d)|(\d)([A-Za-z])/g, '$1$3 $2$4')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Whether `words` contains one of the word sequences, consecutively.
 *
 * @example
 * containsSequence(['work', 'e', 'mail'], [['e', 'mail']]); // true
 */
export function containsSequence(
  words: readonly string[],
  sequences: readonly (readonly string[])[],
): boolean {
  return sequences.some((sequence) =>
    words.some((_, start) => sequence.every((word, offset) => words[start + offset] === word)),
  );
}
