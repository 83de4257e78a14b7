import {
  DISABILITIES,
  EDUCATION_LEVELS,
  ETHNIC_GROUPS,
  GENDER_CODES,
  GENDER_WORDS,
  MARITAL_STATUSES,
  RELIGIONS,
  SEXUAL_ORIENTATIONS,
} from '../dictionaries/demographics.js';
import { foldTerm, hasTerm } from '../dictionaries/fold.js';
import { LANGUAGE_CODES, LANGUAGE_NAMES } from '../dictionaries/languages.js';
import { NATIONALITIES } from '../dictionaries/nationalities.js';
import { OCCUPATION_HEADS, OCCUPATIONS } from '../dictionaries/occupations.js';

/**
 * A gender or sex in one of several languages, or a one- or two-letter code (`M`, `F`,
 * `X`, `NB`). The codes are weak alone; the catalogue's column shape (few distinct values)
 * and name evidence make up for it.
 *
 * @example
 * isGender('Female'); // true
 * isGender('F'); // true
 */
export function isGender(value: string): boolean {
  if (value.length > 40) return false;
  const term = foldTerm(value);
  return GENDER_WORDS.has(term) || GENDER_CODES.has(term);
}

/**
 * A marital or civil status.
 *
 * @example
 * isMaritalStatus('Married'); // true
 */
export function isMaritalStatus(value: string): boolean {
  return hasTerm(MARITAL_STATUSES, value);
}

/**
 * A religion, denomination or belief.
 *
 * @example
 * isReligion('Catholic'); // true
 */
export function isReligion(value: string): boolean {
  return hasTerm(RELIGIONS, value);
}

/**
 * An ethnic or racial group as forms list them.
 *
 * @example
 * isEthnicGroup('Hispanic or Latino'); // true
 */
export function isEthnicGroup(value: string): boolean {
  return hasTerm(ETHNIC_GROUPS, value);
}

/**
 * A sexual orientation.
 *
 * @example
 * isSexualOrientation('Bisexual'); // true
 */
export function isSexualOrientation(value: string): boolean {
  return hasTerm(SEXUAL_ORIENTATIONS, value);
}

/**
 * A nationality adjective or demonym.
 *
 * @example
 * isNationality('Brazilian'); // true
 */
export function isNationality(value: string): boolean {
  return hasTerm(NATIONALITIES, value);
}

/**
 * A spoken language by its name, or by its ISO 639-1 code when `acceptCodes` is set (codes
 * alone are weak: `de`, `it`, `no` are words too).
 *
 * @example
 * isSpokenLanguage('Spanish'); // true
 * isSpokenLanguage('es'); // false
 * isSpokenLanguage('es', true); // true
 */
export function isSpokenLanguage(value: string, acceptCodes = false): boolean {
  if (acceptCodes && value.length === 2) return LANGUAGE_CODES.has(value.toLowerCase());
  return hasTerm(LANGUAGE_NAMES, value);
}

/**
 * An education level, degree or school-leaving qualification.
 *
 * @example
 * isEducationLevel("Master's degree"); // true
 */
export function isEducationLevel(value: string): boolean {
  if (value.length > 80) return false;
  return hasTerm(EDUCATION_LEVELS, value.replace(/['’]/g, ' '));
}

/**
 * An occupation or job title: a known title, or up to six words ending in a common title
 * word (`Senior Data Platform Engineer`).
 *
 * @example
 * isOccupation('Registered Nurse'); // true
 * isOccupation('Senior Data Platform Engineer'); // true
 */
export function isOccupation(value: string): boolean {
  if (value.length < 2 || value.length > 80) return false;
  const term = foldTerm(value);
  if (OCCUPATIONS.has(term)) return true;
  const words = term.split(' ');
  if (words.length < 2 || words.length > 6 || !/^[a-z ]+$/.test(term)) return false;
  return OCCUPATION_HEADS.has(words[words.length - 1] ?? '');
}

/**
 * A disability or impairment.
 *
 * @example
 * isDisability('Hearing impairment'); // true
 */
export function isDisability(value: string): boolean {
  return hasTerm(DISABILITIES, value);
}
