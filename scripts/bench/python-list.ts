/**
 * One element of a Python list literal as the benchmark data writes it: `str` → string, `int`
 * and `float` → number, `True`/`False` → boolean, `None` and `nan` → null.
 *
 * @example
 * const value: PythonScalar = null;
 */
export type PythonScalar = string | number | boolean | null;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

const NUMBER = /^[+-]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
// Python's repr of a float list writes missing values as `nan`; a sample value is then null.
const WORDS: Readonly<Record<string, PythonScalar>> = {
  None: null,
  True: true,
  False: false,
  nan: null,
  inf: Infinity,
  '-inf': -Infinity,
};

/**
 * Parses a Python list literal of scalars (`repr(list)` output): single- or double-quoted
 * strings with backslash escapes, optional `r`/`u`/`b` prefixes, numbers, `None`, `True`,
 * `False`, and a trailing comma. Throws with the offending position on anything else, so a
 * malformed row is reported rather than silently mis-read.
 *
 * @example
 * parsePythonList(`['ada', "it's", None, 3, 2.5, True]`); // ['ada', "it's", null, 3, 2.5, true]
 */
export function parsePythonList(text: string): PythonScalar[] {
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at position ${at} of ${JSON.stringify(text.slice(0, 80))}`);
  };
  const skipSpace = () => {
    while (at < text.length && /\s/.test(text[at]!)) at++;
  };

  const readString = (raw: boolean): string => {
    const quote = text[at]!;
    at++;
    let out = '';
    while (at < text.length) {
      const char = text[at]!;
      if (char === quote) {
        at++;
        return out;
      }
      if (char !== '\\') {
        out += char;
        at++;
        continue;
      }
      const next = text[at + 1];
      if (next === undefined) break;
      if (raw) {
        // A raw string keeps the backslash, but an escaped quote still does not end it.
        out += char + next;
        at += 2;
        continue;
      }
      at += 2;
      if (next in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[next];
      else if (next === '\n') continue;
      else if (next === 'x' || next === 'u' || next === 'U') {
        const width = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const hex = text.slice(at, at + width);
        if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) fail(`bad \\${next} escape`);
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) fail('code point out of range');
        out += String.fromCodePoint(code);
        at += width;
      } else if (/[0-7]/.test(next)) {
        const octal = /^[0-7]{1,3}/.exec(text.slice(at - 1))![0];
        out += String.fromCharCode(parseInt(octal, 8));
        at += octal.length - 1;
      } else {
        // Python keeps unknown escapes as written (`\d` stays `\d`).
        out += `\\${next}`;
      }
    }
    return fail('unterminated string');
  };

  const readValue = (): PythonScalar => {
    const prefix = /^([rRuUbB]|[rR][bB]|[bB][rR])?(?=['"])/.exec(text.slice(at, at + 3));
    if (prefix) {
      at += prefix[0].length;
      return readString(prefix[0].toLowerCase().includes('r'));
    }
    const token = /^[^,\]\s]+/.exec(text.slice(at))?.[0];
    if (token === undefined) return fail('expected a value');
    if (Object.hasOwn(WORDS, token)) {
      at += token.length;
      return WORDS[token]!;
    }
    if (!NUMBER.test(token)) return fail(`unexpected ${JSON.stringify(token)}`);
    at += token.length;
    return Number(token.replaceAll('_', ''));
  };

  skipSpace();
  if (text[at] !== '[') fail('expected [');
  at++;
  const values: PythonScalar[] = [];
  for (;;) {
    skipSpace();
    if (text[at] === ']') break;
    values.push(readValue());
    skipSpace();
    if (text[at] === ',') at++;
    else if (text[at] !== ']') fail('expected , or ]');
  }
  at++;
  skipSpace();
  if (at < text.length) fail('unexpected text after ]');
  return values;
}
