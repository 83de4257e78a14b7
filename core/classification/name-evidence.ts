/**
 * Reading a column's name: split into words, then matched against an information type's
 * phrases. A name that talks *about* a value (`email_verified`, `phone_type`,
 * `card_count`) holds a flag, a kind or a count, not the value: its qualifier words
 * dismiss the name evidence, which is how `email_verified` (0/1) stays non-sensitive.
 */

/**
 * Splits a column name into lower-case words at case changes, digit boundaries, and
 * anything that is not a letter or digit; accents are folded (`straße` → `strasse`).
 *
 * @example
 * nameWords('customerEMail_2'); // ['customer', 'e', 'mail', '2']
 * nameWords('IBANNumber'); // ['iban', 'number']
 */
export function nameWords(name: string): string[] {
  return foldAccents(name)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d)|(\d)([A-Za-z])/g, '$1$3 $2$4')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Removes diacritics and spells `ß` as `ss`, so names and dictionary words compare plainly.
 *
 * @example
 * foldAccents('Straße Müller'); // 'Strasse Muller'
 */
export function foldAccents(text: string): string {
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss');
}

/**
 * Words that, beside a phrase, make the column describe the value rather than hold it.
 * `number`, `no` and `code` are not here: `card_no` and `zip_code` hold the value.
 */
const QUALIFIERS = new Set([
  'verified',
  'verification',
  'confirmed',
  'valid',
  'validated',
  'validity',
  'flag',
  'is',
  'has',
  'count',
  'cnt',
  'enabled',
  'disabled',
  'type',
  'kind',
  'status',
  'format',
  'length',
  'len',
  'hash',
  'hashed',
  'encrypted',
  'masked',
  'domain',
  'provider',
  'opt',
  'optin',
  'optout',
  'consent',
  'sent',
  'bounced',
  'changed',
  'updated',
  'created',
  'at',
  'ts',
  'template',
  'preference',
  'pref',
  'allowed',
  'required',
  'label',
  'id',
  'key',
  'ids',
  'total',
  'sum',
  'avg',
  'min',
  'max',
  'mean',
  'rate',
  'ratio',
  'pct',
  'percent',
  'score',
  'index',
  'idx',
  'group',
  'bucket',
  'range',
  'band',
  'category',
  'level',
]);

/**
 * How a column name relates to a phrase: `exact` when the name is the phrase, `word` when it
 * contains it, null when it does not or when a qualifier word dismisses it.
 *
 * @example
 * const words = nameWords('customer_email');
 * matchPhrase(words, 'email'); // 'word'
 * matchPhrase(nameWords('email_verified'), 'email'); // null
 */
export function matchPhrase(words: readonly string[], phrase: string): 'exact' | 'word' | null {
  const parts = phrase.split(' ');
  const compact = parts.join('');
  let start = findSequence(words, parts);
  let length = parts.length;
  if (start < 0) {
    // `dateofbirth`, `EMAILADDRESS`, `phonenumber`: the phrase written as one word, or
    // the start or end of a longer one (only for phrases too long to occur by chance).
    start = words.findIndex(
      (word) =>
        word === compact ||
        (compact.length >= 5 &&
          word.length > compact.length &&
          (word.startsWith(compact) || word.endsWith(compact))),
    );
    length = 1;
  }
  if (start < 0) return null;
  const rest = [...words.slice(0, start), ...words.slice(start + length)];
  if (rest.some((word) => QUALIFIERS.has(word) && !parts.includes(word))) return null;
  return rest.every(isFiller) ? 'exact' : 'word';
}

// Words that add nothing to what a column holds: `customer_email` is still an e-mail.
const FILLERS = new Set(['the', 'of', 'col', 'column', 'field', 'value', 'val', 'str', 'txt']);
const isFiller = (word: string) => FILLERS.has(word) || /^\d+$/.test(word);

function findSequence(words: readonly string[], parts: readonly string[]): number {
  outer: for (let start = 0; start + parts.length <= words.length; start++) {
    for (let offset = 0; offset < parts.length; offset++) {
      if (words[start + offset] !== parts[offset]) continue outer;
    }
    return start;
  }
  return -1;
}
