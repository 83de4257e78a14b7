import {
  BLOOD_TYPES,
  MEDICAL_SUFFIXES,
  MEDICAL_TERMS,
  NOT_MEDICAL_WORDS,
} from '../dictionaries/medical-terms.js';
import { foldTerm } from '../dictionaries/fold.js';

const ICD10 = /^([A-Z])(\d)([0-9A-Z])(?:\.?([0-9A-Z]{1,4}))?$/;

/**
 * An ICD-10 (WHO or ICD-10-CM) diagnosis code: a chapter letter, two characters (the
 * second may be a letter, as in `C4A`), then optionally a dot and up to four more (`X`
 * placeholders and 7th characters allowed). `U` codes are reserved by WHO and only the
 * assigned ranges U00-U49 (provisional, e.g. U07.1 COVID-19) and U82-U85 (drug
 * resistance) are accepted.
 *
 * @example
 * isIcd10Code('E11.9'); // true
 * isIcd10Code('S72.001A'); // true
 * isIcd10Code('U99'); // false
 */
export function isIcd10Code(value: string): boolean {
  if (value.length < 3 || value.length > 8) return false;
  const match = ICD10.exec(value.toUpperCase());
  if (!match) return false;
  if (match[1] !== 'U') return true;
  const category = Number(`${match[2]}${match[3]}`);
  return (category >= 0 && category <= 49) || (category >= 82 && category <= 85);
}

/**
 * An ICD-9-CM code: three digits with up to two decimals (`250.01`), a `V` code (`V58.69`)
 * or an `E` external-cause code (`E880.9`). Three bare digits are any small number: the
 * catalogue counts it as a weak pattern.
 *
 * @example
 * isIcd9Code('250.01'); // true
 * isIcd9Code('V58.69'); // true
 */
export function isIcd9Code(value: string): boolean {
  if (value.length < 3 || value.length > 7) return false;
  return /^(?:\d{3}(?:\.\d{1,2})?|V\d{2}(?:\.\d{1,2})?|E\d{3}(?:\.\d)?)$/i.test(value);
}

/**
 * A blood group: ABO letter(s) (`0` for `O` as German and Dutch forms write it) with the
 * Rhesus factor as a sign or a word (`AB+`, `O neg`, `A Rh positive`).
 *
 * @example
 * isBloodType('AB+'); // true
 * isBloodType('0 negative'); // true
 */
export function isBloodType(value: string): boolean {
  if (value.length < 2 || value.length > 20) return false;
  const normal = value
    .toLowerCase()
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/\s*([+-])$/, '$1');
  return BLOOD_TYPES.has(normal);
}

/**
 * A medical term: a known condition, drug or procedure, or a single word with a medical
 * ending (`-itis`, `-ectomy`, `-emia`…).
 *
 * @example
 * isMedicalTerm('Hypertension'); // true
 * isMedicalTerm('laryngitis'); // true
 */
export function isMedicalTerm(value: string): boolean {
  if (value.length < 3 || value.length > 80) return false;
  const term = foldTerm(value);
  if (MEDICAL_TERMS.has(term)) return true;
  if (term.length < 7 || term.includes(' ') || NOT_MEDICAL_WORDS.has(term)) return false;
  return /^[a-z]+$/.test(term) && MEDICAL_SUFFIXES.some((suffix) => term.endsWith(suffix));
}
