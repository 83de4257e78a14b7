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
  'attempts',
  'retries',
  'failures',
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

// Qualifiers that name the category itself when the type is a set of categories.
const CATEGORY_WORDS = new Set(['type', 'kind', 'category', 'status', 'group']);

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

/**
 * One phrase of an information type, for `compileNameIndex`.
 *
 * @example
 * const entry: PhraseEntry = { key: 'EMAIL_ADDRESS', phrase: 'e mail', weak: false };
 */
export interface PhraseEntry {
  key: string;
  phrase: string;
  weak: boolean;
  /**
   * The type is a set of categories (gender, marital status): `gender_type` or
   * `marital_status_kind` hold the category itself, so `type`, `kind` and `category` do not
   * dismiss the name as they do for `phone_type`.
   */
  categorical?: boolean;
}

/**
 * The best name hit per key: `exact` or `word` for strong phrases, `weak` for weak ones.
 *
 * @example
 * index.match(nameWords('customer_email')).get('EMAIL_ADDRESS'); // { phrase: 'email', match: 'word' }
 */
export interface NameHit {
  phrase: string;
  match: 'exact' | 'word' | 'weak';
  /** A weak phrase that is the whole name (`name`, not `product_name`) says more. */
  alone?: boolean;
}

interface CompiledPhrase extends PhraseEntry {
  parts: string[];
  compact: string;
}

/** Phrase ends shorter than this are not matched inside longer words (`age` in `agent`). */
const INSIDE_WORD_MIN = 5;

/**
 * An index of many phrases, so that a column name is matched against all of them by looking
 * up its words instead of trying every phrase: the same answers as `matchPhrase`, for the
 * thousand phrases of the catalogue in a few microseconds.
 *
 * @example
 * const index = compileNameIndex([{ key: 'EMAIL_ADDRESS', phrase: 'email', weak: false }]);
 * index.match(nameWords('email_verified')).size; // 0
 */
export function compileNameIndex(entries: readonly PhraseEntry[]): {
  match(words: readonly string[]): Map<string, NameHit>;
} {
  const byFirstWord = new Map<string, CompiledPhrase[]>();
  const byCompact = new Map<string, CompiledPhrase[]>();
  const byPrefix = new Map<string, CompiledPhrase[]>();
  const bySuffix = new Map<string, CompiledPhrase[]>();
  const add = (map: Map<string, CompiledPhrase[]>, key: string, phrase: CompiledPhrase) =>
    map.set(key, [...(map.get(key) ?? []), phrase]);
  for (const entry of entries) {
    const parts = entry.phrase.split(' ');
    const phrase = { ...entry, parts, compact: parts.join('') };
    add(byFirstWord, parts[0]!, phrase);
    add(byCompact, phrase.compact, phrase);
    if (phrase.compact.length >= INSIDE_WORD_MIN) {
      add(byPrefix, phrase.compact.slice(0, INSIDE_WORD_MIN), phrase);
      add(bySuffix, phrase.compact.slice(-INSIDE_WORD_MIN), phrase);
    }
  }

  return {
    match(words) {
      const hits = new Map<string, NameHit>();
      const consider = (phrase: CompiledPhrase, start: number, length: number) => {
        const rest = [...words.slice(0, start), ...words.slice(start + length)];
        const dismisses = (word: string) =>
          QUALIFIERS.has(word) &&
          !phrase.parts.includes(word) &&
          !(phrase.categorical && CATEGORY_WORDS.has(word));
        if (rest.some(dismisses)) return;
        const whole = rest.every(isFiller);
        const match = phrase.weak ? 'weak' : whole ? 'exact' : 'word';
        const rank = { exact: 4, word: 3, weak: 1 } as const;
        const score = rank[match] + (phrase.weak && whole ? 1 : 0);
        const before = hits.get(phrase.key);
        const beforeScore = before ? rank[before.match] + (before.alone ? 1 : 0) : 0;
        if (score > beforeScore) {
          hits.set(phrase.key, {
            phrase: phrase.phrase,
            match,
            ...(phrase.weak && whole && { alone: true }),
          });
        }
      };
      words.forEach((word, start) => {
        for (const phrase of byFirstWord.get(word) ?? []) {
          if (phrase.parts.every((part, offset) => words[start + offset] === part)) {
            consider(phrase, start, phrase.parts.length);
          }
        }
        for (const phrase of byCompact.get(word) ?? []) {
          if (phrase.parts.length > 1) consider(phrase, start, 1);
        }
        if (word.length > INSIDE_WORD_MIN) {
          for (const phrase of byPrefix.get(word.slice(0, INSIDE_WORD_MIN)) ?? []) {
            if (word.length > phrase.compact.length && word.startsWith(phrase.compact)) {
              consider(phrase, start, 1);
            }
          }
          for (const phrase of bySuffix.get(word.slice(-INSIDE_WORD_MIN)) ?? []) {
            if (word.length > phrase.compact.length && word.endsWith(phrase.compact)) {
              consider(phrase, start, 1);
            }
          }
        }
      });
      return hits;
    },
  };
}
