import { describe, expect, it } from 'vitest';
import { foldAccents, matchPhrase, nameWords } from '../../core/classification/name-evidence.js';

describe('nameWords', () => {
  it.each([
    ['customerEMail_2', ['customer', 'e', 'mail', '2']],
    ['IBANNumber', ['iban', 'number']],
    ['date-of-birth', ['date', 'of', 'birth']],
    ['Straße', ['strasse']],
    ['x"; drop table y --', ['x', 'drop', 'table', 'y']],
  ])('%s → %j', (name, words) => expect(nameWords(name)).toEqual(words));

  it('folds accents', () => expect(foldAccents('Müller Éloïse')).toBe('Muller Eloise'));
});

describe('matchPhrase', () => {
  it.each([
    ['email', 'email', 'exact'],
    ['customer_email', 'email', 'word'],
    ['EMAILADDRESS', 'email address', 'exact'],
    ['dateOfBirth', 'date of birth', 'exact'],
    ['phonenumber', 'phone', 'exact'],
    ['email_2', 'email', 'exact'],
    ['email_verified', 'email', null],
    ['phone_type', 'phone', null],
    ['card_count', 'card number', null],
    ['is_email', 'email', null],
    ['agent', 'age', null],
    ['marital_status', 'marital status', 'exact'],
  ])('%s ~ %s → %s', (name, phrase, expected) =>
    expect(matchPhrase(nameWords(name), phrase)).toBe(expected),
  );
});
