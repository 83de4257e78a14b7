/**
 * Small string helpers shared by the value checks. They work on char codes rather than
 * regexes because the checks run on millions of sampled values.
 */

/**
 * Whether every character is an ASCII digit (and there is at least one).
 *
 * @example
 * isDigits('0123'); // true
 * isDigits('12a'); // false
 */
export function isDigits(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/**
 * The value without the separator characters given, or null when anything other than
 * digits and those separators is present. Used for numbers people group (`4111 1111 …`).
 *
 * @example
 * digitsWithout('123-45-6789', ' -'); // '123456789'
 * digitsWithout('12a', ' -'); // null
 */
export function digitsWithout(value: string, separators: string): string | null {
  let digits = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 48 && code <= 57) digits += value[i];
    else if (!separators.includes(value.charAt(i))) return null;
  }
  return digits;
}

/**
 * Whether a string is one character repeated (`0000`, `aaaa`); such values pass several
 * check-digit schemes and are placeholders, never real identifiers.
 *
 * @example
 * isOneRepeatedChar('11111111111'); // true
 */
export function isOneRepeatedChar(value: string): boolean {
  for (let i = 1; i < value.length; i++) if (value[i] !== value[0]) return false;
  return value.length > 1;
}

/**
 * The value of an ASCII digit or letter in base 36 (`0`-`9` then `A`-`Z`, either case), or
 * -1 for any other character. Check-digit schemes that mix letters and digits use it.
 *
 * @example
 * base36Value('B'); // 11
 */
export function base36Value(char: string): number {
  const code = char.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  if (code >= 97 && code <= 122) return code - 87;
  return -1;
}
