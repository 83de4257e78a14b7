import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { DOCS_CSS, DOCS_JS, docsHtml } from './docs-assets.js';

/**
 * Only the page's own script and stylesheet may load, the script may fetch from this
 * origin only, nothing may frame the page or post forms from it, and Trusted Types forbid
 * turning strings into markup (the renderer only ever sets `textContent`).
 */
const DOCS_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  connectSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
  requireTrustedTypesFor: ["'script'"],
  trustedTypes: ["'none'"],
};

export interface DocsRoutesOptions {
  /** Where the OpenAPI document is served (default `/openapi.json`). */
  openApiPath?: string;
  /** Where the page is served; its script and stylesheet live below it (default `/docs`). */
  path?: string;
}

/**
 * `GET /docs`: a readable API reference rendered from the OpenAPI document, with no request
 * to any other site, under a strict Content-Security-Policy. The page, its script and its
 * stylesheet are three routes so that no inline script or style needs to be allowed.
 *
 * @example
 * app.route('/', docsRoutes());
 */
export function docsRoutes(options: DocsRoutesOptions = {}): Hono {
  const openApiPath = options.openApiPath ?? '/openapi.json';
  const base = options.path ?? '/docs';
  const scriptPath = `${base}/docs.js`;
  const stylePath = `${base}/docs.css`;
  const html = docsHtml(openApiPath, scriptPath, stylePath);
  const headers = secureHeaders({ contentSecurityPolicy: DOCS_CSP, referrerPolicy: 'no-referrer' });
  const app = new Hono();

  app.get(base, headers, (c) => {
    c.header('Cache-Control', 'no-cache');
    return c.html(html);
  });
  app.get(scriptPath, headers, (c) =>
    c.body(DOCS_JS, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'no-cache',
    }),
  );
  app.get(stylePath, headers, (c) =>
    c.body(DOCS_CSS, 200, {
      'Content-Type': 'text/css; charset=utf-8',
      'Cache-Control': 'no-cache',
    }),
  );
  return app;
}
