/**
 * Appends the Luhn check digit to a string of digits.
 *
 * @example
 * withLuhn('411111111111111'); // '4111111111111111'
 */
export function withLuhn(body: string): string {
  for (let digit = 0; digit <= 9; digit++) {
    const candidate = `${body}${digit}`;
    let sum = 0;
    for (let i = 0; i < candidate.length; i++) {
      let d = Number(candidate[candidate.length - 1 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

/**
 * `n` distinct Luhn-valid 16-digit card numbers (`411111111111`, a 3-digit counter and the
 * check digit), the same on every call.
 *
 * @example
 * const values = cardNumbers(40);
 */
export const cardNumbers = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => withLuhn(`411111111111${String(i).padStart(3, '0')}`));
