/**
 * Longest masked value put in a prompt; longer values end with `…` at this length. The
 * length itself reaches the model through the column statistics.
 */
export const MASK_MAX_LENGTH = 64;

/** Characters that give a value its layout (e-mail, phone, card, date), kept as they are. */
const SEPARATORS = new Set(['@', '.', '-', '_', '/', ':', '+', ' ', '(', ')', ',']);

const LETTER = /\p{L}/u;
const NUMBER = /\p{N}/u;
const UPPER = /\p{Lu}/u;
const WHITESPACE = /\s/u;
// ASCII punctuation and symbols such as `#`, `$`, `%` frame data without being data.
const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~]$/;

/**
 * Masks one value so that its format stays visible while the value does not: separators and
 * punctuation stay, the first character of each run of letters and digits stays, every other
 * letter becomes `x` (`X` when upper case) and every other digit `9`. Whitespace becomes a
 * space, other characters are dropped, and the result is at most `MASK_MAX_LENGTH` long.
 * The same input always gives the same output, so masked samples can be hashed and cached.
 *
 * @example
 * maskForPrompt('ada.lovelace@example.com'); // 'axx.lxxxxxxx@exxxxxx.cxx'
 * maskForPrompt('+44 20 7946 0958'); // '+49 29 7999 0999'
 * maskForPrompt('4111-1111-1111-1111'); // '4999-1999-1999-1999'
 */
export function maskForPrompt(value: string): string {
  const out: string[] = [];
  let inRun = false;
  for (const char of value.normalize('NFC')) {
    if (out.length > MASK_MAX_LENGTH) break;
    const letter = LETTER.test(char);
    if (letter || NUMBER.test(char)) {
      // Keeping a single character per run shows a card's brand digit or a name's initial,
      // never a fragment long enough to identify the value.
      out.push(inRun ? (letter ? (UPPER.test(char) ? 'X' : 'x') : '9') : char);
      inRun = true;
      continue;
    }
    if (SEPARATORS.has(char) || ASCII_PUNCTUATION.test(char)) out.push(char);
    else if (WHITESPACE.test(char)) out.push(' ');
    // Anything else (control and format characters, combining marks, non-ASCII symbols)
    // carries no layout and is dropped; it does not end a run, or a zero-width space between
    // each letter would let a whole word through as "first characters".
    else continue;
    inRun = false;
  }
  if (out.length > MASK_MAX_LENGTH) {
    out.length = MASK_MAX_LENGTH - 1;
    out.push('…');
  }
  return out.join('');
}
