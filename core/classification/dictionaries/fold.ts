/**
 * Normalisation shared by every dictionary: terms are stored and looked up lower-cased,
 * without accents, with punctuation between words turned into single spaces, so `Non-Binary`,
 * `non binary` and `NON_BINARY` are one term, and `Straße` is `strasse`.
 */

const MAX_TERM_LENGTH = 80;

/**
 * A term as dictionaries store it: lower case, accents folded, `ß` as `ss`, runs of spaces,
 * dashes, underscores, slashes and dots as one space, trimmed.
 *
 * @example
 * foldTerm('  Non-Binary '); // 'non binary'
 * foldTerm('Straße'); // 'strasse'
 */
export function foldTerm(value: string): string {
  // The engine runs every dictionary check on one value before the next: fold it once.
  if (value === lastValue) return lastFolded;
  lastValue = value;
  lastFolded = fold(value);
  return lastFolded;
}

let lastValue = '';
let lastFolded = '';

function fold(value: string): string {
  let text = value.toLowerCase();
  // NFD is the costly step; most values are plain ASCII and skip it.
  if (!/^[\x20-\x7e]*$/.test(text)) {
    text = text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/ß/g, 'ss');
  }
  return text.replace(/[\s._/\\-]+/g, ' ').trim();
}

/**
 * A lookup set of folded terms.
 *
 * @example
 * const genders = termSet(['Female', 'Male']);
 * genders.has('female'); // true
 */
export function termSet(terms: Iterable<string>): ReadonlySet<string> {
  const set = new Set<string>();
  for (const term of terms) {
    const folded = foldTerm(term);
    if (folded !== '') set.add(folded);
  }
  return set;
}

/**
 * Whether a raw value, folded, is one of the set's terms. Values longer than any term are
 * refused before folding.
 *
 * @example
 * hasTerm(termSet(['O+']), 'o+'); // true
 */
export function hasTerm(set: ReadonlySet<string>, value: string): boolean {
  if (value.length === 0 || value.length > MAX_TERM_LENGTH) return false;
  return set.has(foldTerm(value));
}

/**
 * The words of a value after folding, for checks that look at one word of several (a
 * street suffix, a company form). Empty for values longer than `maxLength`.
 *
 * @example
 * foldedWords('12 Rue de la Paix', 200); // ['12', 'rue', 'de', 'la', 'paix']
 */
export function foldedWords(value: string, maxLength: number): readonly string[] {
  if (value.length === 0 || value.length > maxLength) return [];
  if (value === lastWordsValue) return lastWords;
  const folded = foldTerm(value.replace(/[,;:()'"&]/g, ' '));
  lastWordsValue = value;
  lastWords = folded === '' ? [] : folded.split(' ');
  return lastWords;
}

// Name, street and company checks split the same value one after the other.
let lastWordsValue = '';
let lastWords: readonly string[] = [];
