import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

/**
 * The endpoint that answers a request, as its route template (`/api/v1/users/:id`), never
 * the raw URL: encodings, dot segments and stray slashes cannot change it. Middleware is
 * registered under method `ALL`, so the last other match is the endpoint; undefined when only
 * middleware matched (the answer is a 404).
 *
 * @example
 * endpointOf(c); // { method: 'GET', path: '/api/v1/me' }
 */
export function endpointOf(c: Context): { method: string; path: string } | undefined {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i]!;
    if (route.method !== 'ALL') return { method: route.method, path: route.path };
  }
  return undefined;
}

/** `METHOD template`, the form allow-lists are written in. */
export function endpointKey(c: Context): string | undefined {
  const endpoint = endpointOf(c);
  return endpoint && `${endpoint.method} ${endpoint.path}`;
}
