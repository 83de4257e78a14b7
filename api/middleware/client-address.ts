import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/** The key of requests whose peer address is unknown (in-process `app.request` calls). */
export const UNKNOWN_CLIENT = 'unknown';

export interface ClientAddressOptions {
  /**
   * How many reverse proxies in front of the API append to `X-Forwarded-For` (0 when the
   * API faces clients directly). Entries left of those are written by the client itself and
   * are never trusted, or anyone could pick a fresh rate-limit key per request.
   */
  trustedProxies?: number;
}

function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // No Node socket behind this request (e.g. `app.request` in tests).
    return undefined;
  }
}

/**
 * The address of the client as the outermost trusted proxy saw it, or the socket's peer
 * address when no proxy is trusted.
 *
 * @example
 * rateLimit({ ..., key: (c) => clientAddress(c, { trustedProxies: 1 }) });
 */
export function clientAddress(c: Context, options: ClientAddressOptions = {}): string {
  const hops = options.trustedProxies ?? 0;
  if (hops > 0) {
    const forwarded = (c.req.header('X-Forwarded-For') ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const seen = forwarded[forwarded.length - hops];
    if (seen !== undefined) return seen;
    // Fewer entries than proxies: the first proxy saw the client directly.
    if (forwarded.length > 0) return forwarded[0]!;
  }
  return peerAddress(c) ?? UNKNOWN_CLIENT;
}
