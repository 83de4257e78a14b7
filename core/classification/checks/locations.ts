import { CITY_NAMES } from '../dictionaries/cities.js';
import {
  COUNTRY_NAMES,
  ISO_COUNTRY_ALPHA2,
  ISO_COUNTRY_ALPHA3,
} from '../dictionaries/countries.js';
import { foldedWords, hasTerm } from '../dictionaries/fold.js';
import { STREET_PREFIXES, STREET_SUFFIXES, STREET_WORD_ENDINGS } from '../dictionaries/streets.js';
import { US_STATE_CODES, US_STATE_NAMES } from '../dictionaries/us-states.js';

const DECIMAL = /^[+-]?\d{1,3}\.(\d{3,15})$/;
const PAIR = /^\(?\s*([+-]?\d{1,3}\.\d{2,15})\s*[,; ]\s*([+-]?\d{1,3}\.\d{2,15})\s*\)?$/;

/**
 * Geographic coordinates: a `latitude, longitude` pair (comma, semicolon or space between,
 * brackets allowed) within range, or one decimal degree with at least three decimals
 * within ±180 (a latitude or longitude column).
 *
 * @example
 * isGeoCoordinates('48.8584, 2.2945'); // true
 * isGeoCoordinates('-33.8688'); // true
 * isGeoCoordinates('12.5'); // false
 */
export function isGeoCoordinates(value: string): boolean {
  if (value.length < 5 || value.length > 48) return false;
  const single = DECIMAL.exec(value);
  if (single) return Math.abs(Number(value)) <= 180;
  const pair = PAIR.exec(value);
  if (!pair) return false;
  return Math.abs(Number(pair[1])) <= 90 && Math.abs(Number(pair[2])) <= 180;
}

const US_ZIP = /^\d{5}(?:-\d{4})?$/;
const UK_POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/;
const CA_POSTAL_CODE = /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$/;
const NL_POSTCODE = /^[1-9]\d{3} ?[A-Z]{2}$/;
const PREFIXED_POSTCODE = /^[A-Z]{1,2}-\d{4,5}$/;

/**
 * A postal code in a common layout: US ZIP (5 or ZIP+4), UK postcode, Canadian postal
 * code, Dutch postcode, or a country-prefixed code (`D-10115`, `F-75001`). Five bare digits
 * are also German, French, Spanish and Italian codes: a layout that many other numbers
 * share, so the catalogue calls this a pattern.
 *
 * @example
 * isPostalCode('94105-1234'); // true
 * isPostalCode('SW1A 1AA'); // true
 * isPostalCode('K1A 0B1'); // true
 */
export function isPostalCode(value: string): boolean {
  if (value.length < 5 || value.length > 10) return false;
  const upper = value.toUpperCase();
  return (
    US_ZIP.test(upper) ||
    UK_POSTCODE.test(upper) ||
    CA_POSTAL_CODE.test(upper) ||
    NL_POSTCODE.test(upper) ||
    PREFIXED_POSTCODE.test(upper)
  );
}

const MAX_ADDRESS_LENGTH = 200;
const MAX_ADDRESS_WORDS = 20;

function isStreetWord(word: string): boolean {
  if (STREET_SUFFIXES.has(word)) return true;
  return STREET_WORD_ENDINGS.some(
    (ending) => word.length > ending.length + 2 && word.endsWith(ending),
  );
}

/**
 * A street address: a house number, words and a street-type word after them (`221B Baker
 * Street`, `5 Elm Ave, Springfield`), a street-type word before them (`12 rue de Rivoli`,
 * `Calle Mayor 5`), or a German-style compound (`Hauptstraße 5`). A number is required,
 * except for a prefix form followed by at least two words (`Rue du Bac`).
 *
 * @example
 * isStreetAddress('221B Baker Street'); // true
 * isStreetAddress('Hauptstraße 12a'); // true
 * isStreetAddress('Baker'); // false
 */
export function isStreetAddress(value: string): boolean {
  if (value.length < 6 || value.length > MAX_ADDRESS_LENGTH) return false;
  const words = foldedWords(value, MAX_ADDRESS_LENGTH);
  if (words.length < 2 || words.length > MAX_ADDRESS_WORDS) return false;
  const hasNumber = /\d/.test(value);
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (/\d/.test(word)) continue;
    const prefix = STREET_PREFIXES.has(word) && i + 1 < words.length;
    if (prefix && (hasNumber || words.length - i >= 3)) return true;
    if (hasNumber && i > 0 && isStreetWord(word)) return true;
    if (hasNumber && i === 0 && STREET_WORD_ENDINGS.some((ending) => word.endsWith(ending))) {
      return word.length > 5;
    }
  }
  return false;
}

/**
 * A city: one of a list of large cities.
 *
 * @example
 * isCityName('Zürich'); // true
 */
export function isCityName(value: string): boolean {
  return hasTerm(CITY_NAMES, value);
}

/**
 * A country: an English or local name, or an ISO 3166 alpha-2 or alpha-3 code written in
 * upper case (lower-case two-letter words are too often something else).
 *
 * @example
 * isCountry('Deutschland'); // true
 * isCountry('FRA'); // true
 */
export function isCountry(value: string): boolean {
  if (value.length === 2) return ISO_COUNTRY_ALPHA2.has(value);
  if (value.length === 3 && ISO_COUNTRY_ALPHA3.has(value)) return true;
  return hasTerm(COUNTRY_NAMES, value);
}

/**
 * A US state or territory: its name, or its USPS code in upper case.
 *
 * @example
 * isUsState('CA'); // true
 * isUsState('New Mexico'); // true
 */
export function isUsState(value: string): boolean {
  if (value.length === 2) return US_STATE_CODES.has(value);
  return hasTerm(US_STATE_NAMES, value);
}

/**
 * A place of any kind the catalogue knows: street address, city, US state or country.
 *
 * @example
 * isLocation('Paris'); // true
 */
export function isLocation(value: string): boolean {
  return isCityName(value) || isUsState(value) || isCountry(value) || isStreetAddress(value);
}
