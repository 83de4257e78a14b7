import {
  isFrNir,
  isEsNif,
  isItFiscalCode,
  isNlBsn,
  isSePersonnummer,
  isUkNino,
} from './european-ids.js';
import { isUsSsn } from './us-ids.js';
import { isBrCpf, isCaSin, isInAadhaar, isSgNricFin } from './world-ids.js';

/**
 * A national identity number in any scheme the catalogue knows: US SSN, UK NINO, French
 * NIR, Spanish DNI/NIE, Dutch BSN, Italian fiscal code, Swedish personnummer, Indian
 * Aadhaar, Brazilian CPF, Canadian SIN or Singapore NRIC. Cheap dispatch on length and the
 * first character keeps it to one or two scheme checks per value.
 *
 * @example
 * isNationalId('123-45-6789'); // true (US SSN)
 * isNationalId('12345678Z'); // true (ES DNI)
 */
export function isNationalId(value: string): boolean {
  const length = value.length;
  if (length < 9 || length > 21) return false;
  const first = value.charCodeAt(0);
  const letterFirst = (first >= 65 && first <= 90) || (first >= 97 && first <= 122);
  if (letterFirst) {
    return isUkNino(value) || isEsNif(value) || isItFiscalCode(value) || isSgNricFin(value);
  }
  return (
    isUsSsn(value) ||
    isEsNif(value) ||
    isNlBsn(value) ||
    isCaSin(value) ||
    isBrCpf(value) ||
    isSePersonnummer(value) ||
    isInAadhaar(value) ||
    isFrNir(value)
  );
}
