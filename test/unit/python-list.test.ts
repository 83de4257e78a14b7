import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePythonList } from '../../scripts/bench/python-list.js';

/** How Python's `repr` writes a str: single quotes unless the text holds one and no double. */
function pythonRepr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '\\') out += '\\\\';
    else if (char === quote) out += `\\${quote}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\t') out += '\\t';
    else if (char === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return `${quote}${out}${quote}`;
}

describe('parsePythonList', () => {
  it.each([
    ['[]', []],
    ["['0', 'active', '1']", ['0', 'active', '1']],
    [`["it's", 'say "hi"']`, ["it's", 'say "hi"']],
    [String.raw`['a\'b', 'c\\d', 'e\nf', 'tab\there']`, ["a'b", 'c\\d', 'e\nf', 'tab\there']],
    [String.raw`['\x41\u00e9\U0001F600', '\101', '\0']`, ['Aé😀', 'A', '\0']],
    [String.raw`['\d+', r'\n', r'a\'b']`, ['\\d+', '\\n', "a\\'b"]],
    ['[None, True, False, nan]', [null, true, false, null]],
    ['[1, -2, 3.5, 1e3, .5, 1_000, inf]', [1, -2, 3.5, 1000, 0.5, 1000, Infinity]],
    ["[ 'a' ,\n 'b', ]", ['a', 'b']],
    ["['', ' ', ',', ']']", ['', ' ', ',', ']']],
    ["[u'x', b'y']", ['x', 'y']],
    ["['3.6858,98.6756', '', '52.37,4.89']", ['3.6858,98.6756', '', '52.37,4.89']],
  ])('%s', (text, expected) => {
    expect(parsePythonList(text)).toEqual(expected);
  });

  it.each([
    ["'a', 'b'", /expected \[/],
    ["['a'", /expected , or \]/],
    ["['a', 'b]", /unterminated string/],
    ["['a' 'b']", /expected , or \]/],
    ['[,]', /expected a value/],
    ['[undefined]', /unexpected "undefined"/],
    ["['a'] x", /unexpected text after \]/],
    [String.raw`['\x4']`, /bad \\x escape/],
  ])('rejects %s', (text, message) => {
    expect(() => parsePythonList(text)).toThrow(message);
  });

  it('reads back whatever repr writes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.constant(null))),
        (values) => {
          const text = `[${values.map((value) => (value === null ? 'None' : pythonRepr(value))).join(', ')}]`;
          expect(parsePythonList(text)).toEqual(values);
        },
      ),
    );
  });
});
