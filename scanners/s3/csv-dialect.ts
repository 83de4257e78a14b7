/** Field delimiters recognised in delimited text files, in order of preference on a tie. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** Lines looked at to pick a delimiter: enough to see a pattern, few enough to be instant. */
const LINES_LOOKED_AT = 20;

/**
 * Picks the delimiter of a delimited text from its first lines: the candidate that splits the
 * header into the most fields and every other line into as many (delimiters inside double
 * quotes do not count, and a quoted field may span lines). Falls back to `,`.
 *
 * @example
 * detectDelimiter('id;name;note\r\n1;"Smith, J.";ok\r\n'); // ';'
 * detectDelimiter('a\tb\n1\t2\n'); // '\t'
 */
export function detectDelimiter(text: string): Delimiter {
  const lines = countPerLine(text.startsWith('\uFEFF') ? text.slice(1) : text);
  let best: Delimiter = ',';
  let bestScore = [0, 0];
  for (const delimiter of DELIMITERS) {
    const counts = lines.map((line) => line[delimiter]);
    const header = counts[0] ?? 0;
    if (header === 0) continue;
    const agreeing = counts.filter((count) => count === header).length / counts.length;
    const score = [agreeing, header];
    if (score[0]! > bestScore[0]! || (score[0] === bestScore[0] && score[1]! > bestScore[1]!)) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

/**
 * A printable name for a delimiter, e.g. in properties and messages.
 *
 * @example
 * delimiterName('\t'); // 'tab'
 */
export function delimiterName(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : delimiter;
}

type Counts = Record<Delimiter, number>;

function countPerLine(text: string): Counts[] {
  const lines: Counts[] = [];
  let current = emptyCounts();
  let quoted = false;
  let blank = true;
  for (let index = 0; index < text.length && lines.length < LINES_LOOKED_AT; index++) {
    const char = text[index] as string;
    if (char === '"') {
      quoted = !quoted;
      blank = false;
    } else if (!quoted && (char === '\n' || char === '\r')) {
      if (!blank) lines.push(current);
      current = emptyCounts();
      blank = true;
    } else {
      if (!quoted && char in current) current[char as Delimiter]++;
      blank = false;
    }
  }
  if (!blank && lines.length < LINES_LOOKED_AT) lines.push(current);
  return lines;
}

function emptyCounts(): Counts {
  return { ',': 0, ';': 0, '\t': 0, '|': 0 };
}
