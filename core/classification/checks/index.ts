/**
 * Value checks behind the built-in information types. Each takes one trimmed sampled value
 * and answers whether it has the type: by check digits where the type defines them, by a
 * full parse, a layout, a dictionary or a range. All are linear in the value's length and
 * refuse values longer than any real one before looking further.
 */
export { luhnCheckDigit, luhnValid, mod97, verhoeffValid, weightedSum } from './check-digits.js';
export { isEmailAddress, isPhoneNumber, isUrl } from './contact.js';
export { isCryptoAddress } from './crypto-addresses.js';
export {
  isAccessToken,
  isApiKey,
  isHighEntropySecret,
  isPasswordHash,
  isPrivateKey,
  shannonEntropy,
} from './credentials.js';
export type { CalendarDate } from './dates.js';
export { isAge, isDate, isDateOfBirth, parseCalendarDate } from './dates.js';
export {
  isDisability,
  isEducationLevel,
  isEthnicGroup,
  isGender,
  isMaritalStatus,
  isNationality,
  isOccupation,
  isReligion,
  isSexualOrientation,
  isSpokenLanguage,
} from './demographics.js';
export {
  isDeTaxId,
  isEsNif,
  isFrNir,
  isItFiscalCode,
  isNlBsn,
  isSePersonnummer,
  isUkNhsNumber,
  isUkNino,
} from './european-ids.js';
export {
  hasCardLayout,
  isAbaRoutingNumber,
  isCardExpiry,
  isCardNumber,
  isCardSecurityCode,
  isIban,
  isSwiftCode,
  isUsBankAccountNumber,
} from './financial.js';
export {
  isCityName,
  isCountry,
  isGeoCoordinates,
  isLocation,
  isPostalCode,
  isStreetAddress,
  isUsState,
} from './locations.js';
export { isBloodType, isIcd10Code, isIcd9Code, isMedicalTerm } from './medical-codes.js';
export { isNationalId } from './national-ids.js';
export {
  hasUrlLayout,
  isDomainName,
  isIpAddress,
  isIpv4Address,
  isIpv6Address,
  isMacAddress,
} from './network.js';
export {
  isFirstName,
  isHonorific,
  isLastName,
  isOrganizationName,
  isPersonName,
} from './people.js';
export {
  isPassportNumber,
  isUsDriverLicense,
  isUsItin,
  isUsPassportNumber,
  isUsSsn,
} from './us-ids.js';
export { isDeviceId, isImei, isUuid, isVin } from './vehicle-device.js';
export { isAuTfn, isBrCpf, isCaSin, isInAadhaar, isInPan, isSgNricFin } from './world-ids.js';
