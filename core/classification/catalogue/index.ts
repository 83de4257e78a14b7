import type { InfoTypeDefinition } from '../info-type.js';
import { CONTACT_TYPES } from './contact-types.js';
import { CREDENTIAL_TYPES } from './credential-types.js';
import { DEMOGRAPHIC_TYPES } from './demographic-types.js';
import { FINANCIAL_TYPES } from './financial-types.js';
import { HEALTH_TYPES } from './health-types.js';
import { IDENTITY_DOCUMENT_TYPES } from './identity-document-types.js';
import { LOCATION_TYPES } from './location-types.js';
import { NATIONAL_ID_TYPES } from './national-id-types.js';
import { NETWORK_DEVICE_TYPES } from './network-device-types.js';
import { ORGANIZATION_TYPES } from './organization-types.js';
import { PERSON_TYPES } from './person-types.js';

/**
 * The built-in information types, grouped by subject: contact, person, financial,
 * identity documents, national ids, health, demographic, location, network and device,
 * credentials, organisation. The order is stable (for display and tie-breaks); which of two
 * overlapping types is the more precise is said by `refines`, not by position.
 *
 * @example
 * BUILTIN_INFO_TYPES.length; // 89
 * BUILTIN_INFO_TYPES[0]?.id; // 'EMAIL_ADDRESS'
 */
export const BUILTIN_INFO_TYPES: readonly InfoTypeDefinition[] = [
  ...CONTACT_TYPES,
  ...PERSON_TYPES,
  ...FINANCIAL_TYPES,
  ...IDENTITY_DOCUMENT_TYPES,
  ...NATIONAL_ID_TYPES,
  ...HEALTH_TYPES,
  ...DEMOGRAPHIC_TYPES,
  ...LOCATION_TYPES,
  ...NETWORK_DEVICE_TYPES,
  ...CREDENTIAL_TYPES,
  ...ORGANIZATION_TYPES,
];

const BY_ID: ReadonlyMap<string, InfoTypeDefinition> = new Map(
  BUILTIN_INFO_TYPES.map((type) => [type.id, type]),
);

/**
 * The built-in information type with this id, if there is one.
 *
 * @example
 * infoTypeById('US_SSN')?.label; // 'US Social Security number'
 * infoTypeById('NOPE'); // undefined
 */
export function infoTypeById(id: string): InfoTypeDefinition | undefined {
  return BY_ID.get(id);
}
