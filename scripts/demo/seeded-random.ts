/**
 * A small seeded pseudo-random generator (sfc32 seeded through splitmix32) with the helpers
 * the demo generators need. `Math.random` is never used, so one seed always yields the same
 * demo data on every machine and Node version.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * @example
   * const rng = SeededRandom.derive(20261031, 'orders');
   * rng.int(1, 6); // the same number on every run
   */
  constructor(seed: number) {
    let state = seed >>> 0;
    const next = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /**
   * Independent streams per concern: changing how many orders are drawn must not shift the
   * values drawn for employees, or every snapshot of the demo would change at once.
   */
  static derive(seed: number, label: string): SeededRandom {
    return new SeededRandom(mixSeed(seed, label));
  }

  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick() needs at least one item');
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** Picks by relative weight, e.g. `weighted([['card', 7], ['paypal', 2]])`. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.float() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new Error('weighted() needs at least one entry');
    return last[0];
  }

  /** A string of `length` decimal digits, leading zeros allowed. */
  digits(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += String(this.int(0, 9));
    return out;
  }

  letters(length: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet.charAt(this.int(0, alphabet.length - 1));
    return out;
  }

  /** A timestamp between two instants, rounded to the second like most application logs. */
  timeBetween(from: Date, to: Date): Date {
    const span = to.getTime() - from.getTime();
    const offset = Math.floor(this.float() * Math.max(span, 0));
    return new Date(Math.floor((from.getTime() + offset) / 1000) * 1000);
  }

  /** Skewed towards the start of the list: a few customers place most of the orders. */
  skewedIndex(length: number, exponent = 2): number {
    return Math.min(length - 1, Math.floor(length * this.float() ** exponent));
  }
}

/** FNV-1a over the label, folded into the seed. */
export function mixSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
