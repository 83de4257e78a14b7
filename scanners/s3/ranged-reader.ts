import { ScannerError } from '../sdk/contract.js';
import type { S3Access } from './s3-access.js';

/** How much of an object to read, in growing ranged requests. */
export interface ChunkPlan {
  /** First request's size: small, since a header and a few rows are often all that is needed. */
  firstChunk: number;
  /** Requests double up to this size, so a long read costs few round trips. */
  maxChunk: number;
  /** Stop after this many bytes even if the object goes on. */
  limit: number;
}

/** What a chunked read saw: whether it stopped before the object's end, and how far it got. */
export interface ChunkState {
  truncated: boolean;
  bytes: number;
}

/** Longest line held while waiting for its end; a longer one means the file is no text table. */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

/** Inference reads at most 1 MiB of a text file's head. */
export const HEAD_PLAN: ChunkPlan = {
  firstChunk: 64 * 1024,
  maxChunk: 512 * 1024,
  limit: 1024 * 1024,
};

/** Sampling reads until it has its rows; the limit only guards against a runaway file. */
export const SAMPLE_PLAN: ChunkPlan = {
  firstChunk: 64 * 1024,
  maxChunk: 4 * 1024 * 1024,
  limit: 256 * 1024 * 1024,
};

/**
 * Streams an object's bytes from its start as consecutive ranged GETs. A consumer that stops
 * early stops the requests: nothing past the last chunk asked for is ever fetched.
 *
 * @example
 * const state = { truncated: false, bytes: 0 };
 * for await (const chunk of objectChunks(s3, 'a.csv', size, HEAD_PLAN, state)) parser.write(chunk);
 */
export async function* objectChunks(
  s3: S3Access,
  key: string,
  size: number,
  plan: ChunkPlan,
  state: ChunkState,
): AsyncGenerator<Buffer> {
  const end = Math.min(size, plan.limit);
  state.truncated = size > end;
  let offset = 0;
  let chunk = plan.firstChunk;
  while (offset < end) {
    const body = await s3.read(key, offset, Math.min(end, offset + chunk));
    // The object shrank since it was listed: what is there is all there is.
    if (body.length === 0) return;
    offset += body.length;
    state.bytes = offset;
    yield body;
    chunk = Math.min(chunk * 2, plan.maxChunk);
  }
}

/**
 * Passes through only whole lines: the text after the last line feed is held back until the
 * next chunk, and dropped when the read was truncated, so a parser never sees a row cut in
 * half by the read limit.
 *
 * @example
 * for await (const text of completeLines(objectChunks(…), state)) parser.write(text);
 */
export async function* completeLines(
  chunks: AsyncIterable<Buffer>,
  state: ChunkState,
): AsyncGenerator<Buffer> {
  let carry: Buffer | undefined;
  for await (const chunk of chunks) {
    const joined = carry ? Buffer.concat([carry, chunk]) : chunk;
    const last = joined.lastIndexOf(0x0a);
    if (last < 0) {
      if (joined.length > MAX_LINE_BYTES) {
        throw new ScannerError('corrupt', `no line break within ${MAX_LINE_BYTES} bytes`);
      }
      carry = joined;
      continue;
    }
    carry = last + 1 < joined.length ? joined.subarray(last + 1) : undefined;
    yield joined.subarray(0, last + 1);
  }
  if (carry && !state.truncated) yield carry;
}

/**
 * Splits bytes into lines (without their line feed or a trailing carriage return), numbering
 * them from 1, with the byte offset where each ends. Lines are decoded as UTF-8 only once
 * they are whole, so a character split between two chunks survives.
 *
 * @example
 * for await (const { line, number } of linesOf(completeLines(chunks, state))) JSON.parse(line);
 */
export async function* linesOf(
  chunks: AsyncIterable<Buffer>,
): AsyncGenerator<{ line: string; number: number; end: number }> {
  let carry: Buffer | undefined;
  let number = 0;
  let consumed = 0;
  for await (const chunk of chunks) {
    let data = carry ? Buffer.concat([carry, chunk]) : chunk;
    let newline = data.indexOf(0x0a);
    while (newline >= 0) {
      number++;
      consumed += newline + 1;
      yield { line: decode(data.subarray(0, newline), number), number, end: consumed };
      data = data.subarray(newline + 1);
      newline = data.indexOf(0x0a);
    }
    carry = data.length > 0 ? data : undefined;
  }
  if (carry) {
    yield { line: decode(carry, number + 1), number: number + 1, end: consumed + carry.length };
  }
}

function decode(bytes: Buffer, number: number): string {
  const text = bytes.toString('utf8');
  const withoutCr = text.endsWith('\r') ? text.slice(0, -1) : text;
  // A byte-order mark opens some files written on Windows; it is no part of the data.
  return number === 1 && withoutCr.startsWith('\uFEFF') ? withoutCr.slice(1) : withoutCr;
}
