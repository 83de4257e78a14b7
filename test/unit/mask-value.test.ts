import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MASK_MAX_LENGTH, maskForPrompt } from '../../core/classification/mask-value.js';

const isAlnum = (char: string) => /[\p{L}\p{N}]/u.test(char);
const MASK_CHARS = new Set(['x', 'X', '9']);

/** Every window of `size` letters and digits in a row, as written in `text`. */
function alnumWindows(text: string, size: number): string[] {
  const chars = [...text];
  const windows: string[] = [];
  for (let i = 0; i + size <= chars.length; i++) {
    const window = chars.slice(i, i + size);
    if (window.every(isAlnum)) windows.push(window.join(''));
  }
  return windows;
}

// Values built from the characters real data is made of: letters of both cases, accented
// letters, digits, the separators the mask keeps, and characters it drops.
const valueChar = fc.constantFrom(
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789äöüßÉ日@.-_/:+ (),#\t\u200b\u0301',
);
const value = fc.array(valueChar, { maxLength: 120 }).map((chars) => chars.join(''));

describe('maskForPrompt', () => {
  it.each([
    ['ada.lovelace@example.com', 'axx.lxxxxxxx@exxxxxx.cxx'],
    ['+44 20 7946 0958', '+49 29 7999 0999'],
    ['(555) 123-4567', '(599) 199-4999'],
    ['4111 1111 1111 1111', '4999 1999 1999 1999'],
    ['1985-07-14', '1999-09-19'],
    ['Jean-Luc Picard', 'Jxxx-Lxx Pxxxxx'],
    ['Straße 12, München', 'Sxxxxx 19, Mxxxxxx'],
    ['$1,234.56', '$1,299.59'],
    ['a', 'a'],
    ['', ''],
  ])('masks %j as %j', (input, expected) => {
    expect(maskForPrompt(input)).toBe(expected);
  });

  it('turns whitespace into spaces and drops invisible characters without ending a run', () => {
    expect(maskForPrompt('ab\tcd\nef')).toBe('ax cx ex');
    expect(maskForPrompt('s\u200be\u200bc\u200br\u200be\u200bt')).toBe('sxxxxx');
  });

  it('caps the result, marking the cut', () => {
    const masked = maskForPrompt(`${'a'.repeat(50)}@${'b'.repeat(50)}.com`);
    expect([...masked]).toHaveLength(MASK_MAX_LENGTH);
    expect(masked.endsWith('…')).toBe(true);
    expect(maskForPrompt('9'.repeat(MASK_MAX_LENGTH))).toHaveLength(MASK_MAX_LENGTH);
  });

  it('lets no run of three original letters or digits through', () => {
    fc.assert(
      fc.property(value, (input) => {
        const masked = maskForPrompt(input);
        // Windows of mask characters and at most one other (the first character of a run,
        // kept by design) tell nothing more than the mask does: `aXX` may stay `aXX`.
        const telling = alnumWindows(input.normalize('NFC'), 3).filter(
          (window) => [...window].filter((char) => !MASK_CHARS.has(char)).length >= 2,
        );
        for (const window of telling) expect(masked).not.toContain(window);
        // Stronger: within any three letters or digits of the output, at most one is original.
        for (const window of alnumWindows(masked, 3)) {
          expect([...window].filter((char) => !MASK_CHARS.has(char)).length).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the layout: every separator stays where it was, and the length is bounded', () => {
    fc.assert(
      fc.property(value, (input) => {
        const masked = maskForPrompt(input);
        expect([...masked].length).toBeLessThanOrEqual(MASK_MAX_LENGTH);
        const layout = (text: string) => [...text].filter((c) => '@.-_/:+(),#'.includes(c));
        const kept = layout(masked.replace(/…$/, ''));
        expect(layout(input).slice(0, kept.length)).toEqual(kept);
        expect(maskForPrompt(input)).toBe(masked);
      }),
    );
  });
});
