import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as checks from '../../core/classification/checks/index.js';

const {
  isAbaRoutingNumber,
  isCardExpiry,
  isCardNumber,
  isCardSecurityCode,
  isCryptoAddress,
  isIban,
  isSwiftCode,
  isUsBankAccountNumber,
  luhnCheckDigit,
  luhnValid,
  mod97,
  shannonEntropy,
  verhoeffValid,
  weightedSum,
} = checks;

type Check = (value: string) => boolean;

/** The first digit 0-9 that makes `accept(body + digit)` true. */
function completeDigit(body: string, accept: Check): string {
  for (let digit = 0; digit <= 9; digit++) if (accept(`${body}${digit}`)) return `${body}${digit}`;
  throw new Error(`no check digit completes ${body}`);
}

const withLuhn = (body: string) => `${body}${luhnCheckDigit(body)}`;
const withVerhoeff = (body: string) => completeDigit(body, verhoeffValid);

/** Builds a valid IBAN from a country and a national account number. */
function iban(country: string, account: string): string {
  const check = 98 - mod97(`${account}${country}00`);
  return `${country}${String(check).padStart(2, '0')}${account}`;
}

/** The exported one-value check of this name. */
function check(name: string): Check {
  const candidate = (checks as Record<string, unknown>)[name];
  if (typeof candidate !== 'function') throw new Error(`no check ${name}`);
  return (value) => Boolean((candidate as Check)(value));
}

/** Changes the digit at `index` to another digit. */
function changeDigit(value: string, index: number, delta: number): string {
  const digit = (Number(value[index]) + delta) % 10;
  return `${value.slice(0, index)}${digit}${value.slice(index + 1)}`;
}

// A value each one-value check accepts, by exported name (for speed and ReDoS runs).
const SAMPLES: Record<string, string> = {
  isAbaRoutingNumber: '011000015',
  isAccessToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
  isAge: '42',
  isApiKey: 'AKIAIOSFODNN7EXAMPLE',
  isAuTfn: '123 456 782',
  isBloodType: 'AB+',
  isBrCpf: '529.982.247-25',
  isCaSin: '130 692 544',
  isCardExpiry: '09/27',
  isCardNumber: '4111 1111 1111 1111',
  isCardSecurityCode: '123',
  isCityName: 'Zürich',
  isCountry: 'Deutschland',
  isCryptoAddress: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
  isDate: '29/02/2024',
  isDateOfBirth: '1985-04-12',
  isDeTaxId: '86095742719',
  isDeviceId: '9774d56d682e549c',
  isDisability: 'Hearing impairment',
  isDomainName: 'mail.example.co.uk',
  isEducationLevel: "Master's degree",
  isEmailAddress: 'ada.lovelace@example.com',
  isEsNif: '12345678Z',
  isEthnicGroup: 'Hispanic or Latino',
  isFirstName: 'Maria',
  isFrNir: '2 55 08 14 168 025 38',
  isGender: 'Female',
  isGeoCoordinates: '48.8584, 2.2945',
  isHonorific: 'Dr.',
  isIban: 'DE89 3704 0044 0532 0130 00',
  isIcd10Code: 'E11.9',
  isIcd9Code: '250.01',
  isImei: '490154203237518',
  isInAadhaar: '2345 6789 0124',
  isInPan: 'ABCPD1234E',
  isIpAddress: '10.0.0.1',
  isIpv4Address: '192.168.0.1',
  isIpv6Address: '2001:db8::1',
  isItFiscalCode: 'RSSMRA85T10A562S',
  isLastName: 'Schmidt',
  isLocation: 'Paris',
  isMacAddress: '00:1A:2B:3C:4D:5E',
  isMaritalStatus: 'Married',
  isMedicalTerm: 'Hypertension',
  isNationalId: '123-45-6789',
  isNationality: 'Brazilian',
  isNlBsn: '111222333',
  isOccupation: 'Senior Data Platform Engineer',
  isOrganizationName: 'Acme Widgets Ltd',
  isPassportNumber: 'C01X00T47',
  isPasswordHash: '5f4dcc3b5aa765d61d8327deb882cf99',
  isPersonName: 'Ada Lovelace',
  isPhoneNumber: '+44 20 7946 0958',
  isPostalCode: 'SW1A 1AA',
  isPrivateKey: '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n',
  isReligion: 'Catholic',
  isSePersonnummer: '811218-9876',
  isSexualOrientation: 'Bisexual',
  isSgNricFin: 'S1234567D',
  isSpokenLanguage: 'Spanish',
  isStreetAddress: '221B Baker Street',
  isSwiftCode: 'DEUTDEFF500',
  isUkNhsNumber: '943 476 5919',
  isUkNino: 'AB 12 34 56 C',
  isUrl: 'https://example.com/a?b=1',
  isUsBankAccountNumber: '000123456789',
  isUsDriverLicense: 'D1234567',
  isUsItin: '912-70-1234',
  isUsPassportNumber: 'A12345678',
  isUsSsn: '123-45-6789',
  isUsState: 'CA',
  isUuid: '123e4567-e89b-12d3-a456-426614174000',
  isVin: '1HGCM82633A004352',
};

describe('check-digit helpers', () => {
  it('computes Luhn, mod 97, Verhoeff and weighted sums', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('')).toBe(false);
    expect(mod97('370400440532013000DE89')).toBe(1);
    expect(verhoeffValid('2363')).toBe(true);
    expect(verhoeffValid('2364')).toBe(false);
    expect(weightedSum('123', [3, 2, 1])).toBe(10);
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
  });

  it('Luhn accepts every completed number and refuses any one-digit change', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[1-9]\d{14}$/),
        fc.nat(14),
        fc.integer({ min: 1, max: 9 }),
        (body, index, delta) => {
          const valid = withLuhn(body);
          expect(luhnValid(valid)).toBe(true);
          expect(luhnValid(changeDigit(valid, index, delta))).toBe(false);
        },
      ),
    );
  });

  it('Verhoeff refuses one-digit changes and adjacent swaps', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[2-9]\d{10}$/), fc.nat(10), (body, index) => {
        const valid = withVerhoeff(body);
        expect(verhoeffValid(changeDigit(valid, index, 3))).toBe(false);
        const swapped = `${valid.slice(0, index)}${valid[index + 1]}${valid[index]}${valid.slice(index + 2)}`;
        if (swapped !== valid) expect(verhoeffValid(swapped)).toBe(false);
      }),
    );
  });
});

describe('financial checks', () => {
  it('accepts generated card numbers of the major schemes and refuses altered ones', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('4', '51', '55', '2221', '34', '37', '6011', '65', '3528'),
        fc.integer({ min: 13, max: 19 }),
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 18, maxLength: 18 }),
        (prefix, length, filler) => {
          const card = withLuhn(`${prefix}${filler}`.slice(0, length - 1));
          expect(isCardNumber(card)).toBe(true);
          expect(isCardNumber(changeDigit(card, length - 1, 5))).toBe(false);
        },
      ),
    );
  });

  it.each([
    ['4111-1111-1111-1111', true],
    ['4111 1111 1111 1111', true],
    ['4111111111111112', false],
    ['0000000000000000', false],
    ['4444444444444444448', false],
    ['9111111111111111', false],
    ['4111 1111 1111 111a', false],
  ])('card %s → %s', (value, expected) => expect(isCardNumber(value)).toBe(expected));

  it('accepts generated IBANs of registry countries and refuses altered ones', () => {
    expect(isIban(iban('DE', '370400440532013000'))).toBe(true);
    expect(isIban(iban('FR', '20041010050500013M02606'))).toBe(true);
    expect(isIban(iban('NO', '86011117947'))).toBe(true);
    expect(isIban('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(isIban('gb82west12345698765432')).toBe(true);
    expect(isIban('DE89 3704 0044 0532 0130 01')).toBe(false);
    expect(isIban(iban('DE', '3704004405320130001'))).toBe(false);
    expect(isIban(iban('XX', '370400440532013000'))).toBe(false);
    fc.assert(
      fc.property(fc.stringMatching(/^\d{18}$/), fc.nat(17), (account, index) => {
        const valid = iban('DE', account);
        expect(isIban(valid)).toBe(true);
        expect(isIban(changeDigit(valid, 4 + index, 1))).toBe(false);
      }),
    );
  });

  it.each<[Check, string, boolean]>([
    [isSwiftCode, 'DEUTDEFF', true],
    [isSwiftCode, 'DEUTDEFF500', true],
    [isSwiftCode, 'DEUTXXFF', false],
    [isSwiftCode, 'deutdeff', false],
    [isAbaRoutingNumber, '011000015', true],
    [isAbaRoutingNumber, '021000021', true],
    [isAbaRoutingNumber, '011000016', false],
    [isAbaRoutingNumber, '991000015', false],
    [isCardSecurityCode, '123', true],
    [isCardSecurityCode, '1234', true],
    [isCardSecurityCode, '12', false],
    [isCardExpiry, '09/27', true],
    [isCardExpiry, '9/2027', true],
    [isCardExpiry, '2027-09', true],
    [isCardExpiry, '13/27', false],
    [isUsBankAccountNumber, '000123456789', true],
    [isUsBankAccountNumber, '1234567', false],
    [isCryptoAddress, '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', true],
    [isCryptoAddress, '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', true],
    [isCryptoAddress, '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', false],
    [isCryptoAddress, 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', true],
    [isCryptoAddress, 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp', false],
    [isCryptoAddress, 'bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297', true],
    [isCryptoAddress, '0x52908400098527886E0F7030069857D2E4169EE7', true],
  ])('%o(%s) → %s', (check, value, expected) => expect(check(value)).toBe(expected));
});

describe('national and government ids', () => {
  it('accepts generated check digits and refuses altered ones', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-7]\d{7}$/), fc.nat(8), (body, index) => {
        const sin = withLuhn(body);
        expect(checks.isCaSin(sin)).toBe(true);
        expect(checks.isCaSin(changeDigit(sin, index, 4))).toBe(false);
        const aadhaar = withVerhoeff(`9${body}12`);
        expect(checks.isInAadhaar(aadhaar)).toBe(true);
        expect(checks.isInAadhaar(changeDigit(aadhaar, index, 4))).toBe(false);
        // One body in eleven has no BSN digit (the eleven test would need a 10).
        const bsn = [...'0123456789'].map((d) => `${body}${d}`).find(checks.isNlBsn);
        if (bsn !== undefined) expect(checks.isNlBsn(changeDigit(bsn, 8, 4))).toBe(false);
      }),
    );
    const cpfBody = '529982247';
    const cpfDigit = (body: string) =>
      String(
        (([...body].reduce((sum, d, i) => sum + Number(d) * (body.length + 1 - i), 0) * 10) % 11) %
          10,
      );
    const cpf = `${cpfBody}${cpfDigit(cpfBody)}${cpfDigit(cpfBody + cpfDigit(cpfBody))}`;
    expect(cpf).toBe('52998224725');
    expect(checks.isBrCpf(changeDigit(cpf, 3, 1))).toBe(false);
    const personnummer = withLuhn('811218987');
    expect(checks.isSePersonnummer(`${personnummer.slice(0, 6)}-${personnummer.slice(6)}`)).toBe(
      true,
    );
    expect(checks.isSePersonnummer(`19${personnummer}`)).toBe(true);
    expect(checks.isSePersonnummer(changeDigit(personnummer, 7, 1))).toBe(false);
  });

  it('computes the French NIR key, the Spanish letter and the Italian check letter', () => {
    const nirBody = '1850578006084';
    const key = String(97 - Number(BigInt(nirBody) % 97n)).padStart(2, '0');
    expect(checks.isFrNir(`${nirBody}${key}`)).toBe(true);
    expect(checks.isFrNir(`${nirBody}${key === '01' ? '02' : '01'}`)).toBe(false);
    expect(checks.isFrNir('2 55 08 14 168 025 38')).toBe(true);
    const letters = 'TRWAGMYFPDXBNJZSQVHLCKE';
    expect(checks.isEsNif(`87654321${letters[87654321 % 23]}`)).toBe(true);
    expect(checks.isEsNif('87654321A')).toBe(87654321 % 23 === 3);
    expect(checks.isEsNif(`Y7654321${letters[17654321 % 23]}`)).toBe(true);
    const codes = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((l) => `RSSMRA85T10A562${l}`);
    expect(codes.filter(checks.isItFiscalCode)).toEqual(['RSSMRA85T10A562S']);
    expect(checks.isItFiscalCode('RSSMRA85T10A56NS'.slice(0, 15) + 'S')).toBe(false);
  });

  it.each<[string, string, boolean]>([
    ['isUsSsn', '123-45-6789', true],
    ['isUsSsn', '123456789', true],
    ['isUsSsn', '123 45 6789', true],
    ['isUsSsn', '000-45-6789', false],
    ['isUsSsn', '666-45-6789', false],
    ['isUsSsn', '912-45-6789', false],
    ['isUsSsn', '123-00-6789', false],
    ['isUsSsn', '123-45-0000', false],
    ['isUsSsn', '123-456789', false],
    ['isUsSsn', '1234567890', false],
    ['isUsItin', '912-70-1234', true],
    ['isUsItin', '912-89-1234', false],
    ['isUsItin', '812-70-1234', false],
    ['isUkNino', 'AB 12 34 56 C', true],
    ['isUkNino', 'QQ123456C', false],
    ['isUkNino', 'GB123456A', false],
    ['isUkNhsNumber', '943 476 5919', true],
    ['isUkNhsNumber', '943 476 5918', false],
    ['isDeTaxId', '86095742719', true],
    ['isDeTaxId', '86095742718', false],
    ['isDeTaxId', '12345678901', false],
    ['isSgNricFin', 'S1234567D', true],
    ['isSgNricFin', 'S1234567A', false],
    ['isInPan', 'ABCPD1234E', true],
    ['isInPan', 'ABCXD1234E', false],
    ['isAuTfn', '123 456 782', true],
    ['isAuTfn', '123 456 783', false],
    ['isUsPassportNumber', 'A12345678', true],
    ['isUsPassportNumber', 'AB1234567', false],
    ['isPassportNumber', 'C01X00T47', true],
    ['isPassportNumber', 'ABCDEFGH', false],
    ['isUsDriverLicense', 'D1234567', true],
    ['isUsDriverLicense', 'S530-4608-9012', true],
    ['isUsDriverLicense', 'hello', false],
    ['isNationalId', '12345678Z', true],
    ['isNationalId', 'RSSMRA85T10A562S', true],
    ['isNationalId', 'hello world', false],
    ['isVin', '1HGCM82633A004352', true],
    ['isVin', '1HGCM82623A004352', false],
    ['isVin', 'WVWZZZ1JZXW000001', true],
    ['isVin', 'WVWZZZ1JZXW00000I', false],
    ['isVin', '1HGCM82633A00435', false],
    ['isImei', '490154203237518', true],
    ['isImei', '49-015420-323751-8', true],
    ['isImei', '490154203237519', false],
  ])('%s(%s) → %s', (name, value, expected) => expect(check(name)(value)).toBe(expected));
});

describe('contact, network and web checks', () => {
  it.each<[string, string, boolean]>([
    ['isEmailAddress', 'first.last+tag@sub.example.co.uk', true],
    ['isEmailAddress', 'ada@localhost', false],
    ['isEmailAddress', 'ada.example.com', false],
    ['isEmailAddress', 'a b@example.com', false],
    ['isPhoneNumber', '+44 20 7946 0958', true],
    ['isPhoneNumber', '(202) 555-0143', true],
    ['isPhoneNumber', '+33 1 42 68 53 00', true],
    ['isPhoneNumber', '98765 43210', true],
    ['isPhoneNumber', '2024-01-31', false],
    ['isPhoneNumber', '+1 000 000 0000', false],
    ['isPhoneNumber', 'call me', false],
    ['isPhoneNumber', '12345', false],
    ['isUrl', 'https://example.com/a?b=1', true],
    ['isUrl', 'www.example.com', true],
    ['isUrl', 'example.com', false],
    ['isUrl', 'javascript:alert(1)', false],
    ['isIpv4Address', '192.168.0.1', true],
    ['isIpv4Address', '1.2.3', false],
    ['isIpv4Address', '256.1.1.1', false],
    ['isIpv4Address', '1.2.3.4.5', false],
    ['isIpv6Address', '2001:db8::1', true],
    ['isIpv6Address', '::ffff:192.0.2.1', true],
    ['isIpv6Address', '12:30:00', false],
    ['isIpAddress', '2001:db8::1', true],
    ['isMacAddress', '00:1A:2B:3C:4D:5E', true],
    ['isMacAddress', '00-1a-2b-3c-4d-5e', true],
    ['isMacAddress', '001a.2b3c.4d5e', true],
    ['isMacAddress', '00:1A-2B:3C:4D:5E', false],
    ['isDomainName', 'mail.example.co.uk', true],
    ['isDomainName', 'example.com', true],
    ['isDomainName', 'report.pdf', false],
    ['isDomainName', 'john.smith', false],
    ['isUuid', '{123E4567-E89B-12D3-A456-426614174000}', true],
    ['isUuid', '123e4567e89b12d3a456426614174000', false],
    ['isDeviceId', '123e4567-e89b-12d3-a456-426614174000', true],
    ['isDeviceId', 'hello-world-device', false],
  ])('%s(%s) → %s', (name, value, expected) => expect(check(name)(value)).toBe(expected));
});

describe('dates, numbers, places and health codes', () => {
  const future = `${new Date().getUTCFullYear() + 1}-01-01`;
  it.each<[string, string, boolean]>([
    ['isDate', '2024-02-29', true],
    ['isDate', '2023-02-29', false],
    ['isDate', '31/04/2024', false],
    ['isDate', '12/31/2024', true],
    ['isDate', '31.12.2024', true],
    ['isDate', '2024/12/31', true],
    ['isDate', '2024-12-31T23:59:59Z', true],
    ['isDate', '2024-12-31T25:00:00', false],
    ['isDate', '20241231', false],
    ['isDateOfBirth', '1985-04-12', true],
    ['isDateOfBirth', '1899-12-31', false],
    ['isDateOfBirth', future, false],
    ['isAge', '0', true],
    ['isAge', '120', true],
    ['isAge', '42.0', true],
    ['isAge', '121', false],
    ['isAge', '-1', false],
    ['isAge', '4.5', true],
    ['isAge', '4.567', false],
    ['isAge', '25 to 39', true],
    ['isAge', 'Blue', false],
    ['isGeoCoordinates', '-33.8688', true],
    ['isGeoCoordinates', '(40.7128, -74.0060)', true],
    ['isGeoCoordinates', '12.5', false],
    ['isGeoCoordinates', '95.12345, 10.12345', false],
    ['isPostalCode', '94105', true],
    ['isPostalCode', '94105-1234', true],
    ['isPostalCode', 'K1A 0B1', true],
    ['isPostalCode', '1012 AB', true],
    ['isPostalCode', 'D-10115', true],
    ['isPostalCode', '9410', false],
    ['isStreetAddress', 'Hauptstraße 12a', true],
    ['isStreetAddress', '12 rue de Rivoli', true],
    ['isStreetAddress', 'Calle Mayor 5', true],
    ['isStreetAddress', '5 Elm Ave, Springfield, IL 62704', true],
    ['isStreetAddress', 'Baker', false],
    ['isStreetAddress', 'Order 12 shipped', false],
    ['isCountry', 'FRA', true],
    ['isCountry', 'DE', true],
    ['isCountry', 'de', false],
    ['isUsState', 'New Mexico', true],
    ['isUsState', 'ZZ', false],
    ['isCityName', 'Zürich', true],
    ['isLocation', 'Paris', true],
    ['isLocation', 'blue widget', false],
    ['isIcd10Code', 'E11.9', true],
    ['isIcd10Code', 'S72.001A', true],
    ['isIcd10Code', 'C4A.0', true],
    ['isIcd10Code', 'U07.1', true],
    ['isIcd10Code', 'U99', false],
    ['isIcd10Code', 'E1', false],
    ['isIcd9Code', '250.01', true],
    ['isIcd9Code', 'V58.69', true],
    ['isIcd9Code', 'E880.9', true],
    ['isIcd9Code', '25.01', false],
    ['isBloodType', 'O -', true],
    ['isBloodType', '0 negative', true],
    ['isBloodType', 'C+', false],
    ['isMedicalTerm', 'laryngitis', true],
    ['isMedicalTerm', 'Type 2 Diabetes', true],
    ['isMedicalTerm', 'diagnosis', false],
    ['isMedicalTerm', 'academia', false],
  ])('%s(%s) → %s', (name, value, expected) => expect(check(name)(value)).toBe(expected));
});

describe('credentials', () => {
  it.each<[string, string, boolean]>([
    ['isApiKey', `sk_live_${'a1B2c3D4e5F6g7H8'.repeat(2)}`, true],
    ['isApiKey', `ghp_${'a1B2c3D4e5F6'.repeat(3)}`, true],
    ['isApiKey', 'xoxb-1234567890-abcdefghij', true],
    ['isApiKey', 'q7Zt9LmXv2Rk8WcP4sYb6NfH', true],
    ['isApiKey', 'aaaaaaaaaaaaaaaaaaaaaaaa', false],
    ['isApiKey', 'the-quick-brown-fox-jumps', false],
    ['isAccessToken', 'Bearer ya29.a0AfH6SMBx1234567890abcdefghij', true],
    ['isAccessToken', 'eyJ.eyJ.x', false],
    ['isPasswordHash', '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy', true],
    ['isPasswordHash', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', true],
    ['isPasswordHash', `$6$rounds=5000$saltsalt$${'a'.repeat(86)}`, true],
    ['isPasswordHash', 'pbkdf2_sha256$260000$salt$aGFzaA==', true],
    ['isPasswordHash', 'a'.repeat(40), true],
    ['isPasswordHash', 'correct horse battery staple', false],
    ['isPrivateKey', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=', true],
    ['isPrivateKey', '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0B', false],
  ])('%s(%s) → %s', (name, value, expected) => expect(check(name)(value)).toBe(expected));
});

describe('dictionary checks', () => {
  it.each<[string, string, boolean]>([
    ['isFirstName', 'Jean-Luc', true],
    ['isFirstName', 'Xqzwv', false],
    ['isLastName', 'Smith-Jones', true],
    ['isPersonName', 'Lovelace, Ada', true],
    ['isPersonName', 'Dr. Maria Schmidt', true],
    ['isPersonName', 'Blue Widget', false],
    ['isPersonName', 'Ada 42', false],
    ['isOrganizationName', 'Müller GmbH', true],
    ['isOrganizationName', 'Société Générale S.A.', true],
    ['isOrganizationName', 'Ltd', false],
    ['isGender', 'Non-Binary', true],
    ['isGender', 'weiblich', true],
    ['isGender', 'F', true],
    ['isGender', 'blue', false],
    ['isMaritalStatus', 'Verheiratet', true],
    ['isReligion', 'Buddhist', true],
    ['isEthnicGroup', 'Two or more races', true],
    ['isSexualOrientation', 'Heterosexual', true],
    ['isNationality', 'Française', true],
    ['isSpokenLanguage', 'Español', true],
    ['isSpokenLanguage', 'es', false],
    ['isEducationLevel', 'PhD', true],
    ['isOccupation', 'Registered Nurse', true],
    ['isOccupation', 'Blue Widget', false],
    ['isDisability', 'Wheelchair user', true],
    ['isHonorific', 'Mrs', true],
  ])('%s(%s) → %s', (name, value, expected) => expect(check(name)(value)).toBe(expected));

  it('accepts language codes only when asked to', () => {
    expect(checks.isSpokenLanguage('fr', true)).toBe(true);
    expect(checks.isSpokenLanguage('xx', true)).toBe(false);
  });
});

describe('every check', () => {
  const names = Object.keys(SAMPLES);

  it('accepts its sample and refuses empty and unrelated values', () => {
    for (const name of names) {
      const test = check(name);
      expect(test(SAMPLES[name] ?? ''), name).toBe(true);
      expect(test(''), name).toBe(false);
      expect(test('lorem ipsum dolor sit amet consectetur'), name).toBe(false);
    }
  });

  it('handles a 10 MB value in well under 50 ms (no super-linear regexes)', () => {
    const huge = [
      'a'.repeat(10_000_000),
      '1'.repeat(10_000_000),
      `${'1.'.repeat(5_000_000)}`,
      `a@${'a.'.repeat(5_000_000)}`,
      `-----BEGIN ${'A'.repeat(10_000_000)}`,
    ];
    // Flatten the concatenated strings first so no check pays for it.
    for (const value of huge) expect(value.indexOf('\u0000')).toBe(-1);
    for (const name of names) {
      for (const value of huge) {
        const start = performance.now();
        check(name)(value);
        expect(performance.now() - start, name).toBeLessThan(50);
      }
    }
  });

  it('runs at least 20k values a second on typical values (10x headroom on 200k)', () => {
    const typical = ['hello', '2024-01-31', '12345', 'John Smith', 'n/a', 'ACME-42'];
    // Parsing with the full numbering plan costs ~20 µs a number; its floor is lower.
    const floors: Record<string, number> = { isPhoneNumber: 5_000 };
    for (const name of names) {
      const values = [...typical, SAMPLES[name] ?? ''];
      const test = check(name);
      const runs = 20_000;
      const start = performance.now();
      for (let i = 0; i < runs; i++) test(values[i % values.length] ?? '');
      const perSecond = runs / ((performance.now() - start) / 1000);
      expect(perSecond, name).toBeGreaterThan(floors[name] ?? 20_000);
    }
  });
});
