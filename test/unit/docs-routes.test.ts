import { runInNewContext } from 'node:vm';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { docsRoutes } from '../../api/routes/docs-routes.js';

/** Just enough DOM for the renderer: elements with text, classes and children. */
class FakeElement {
  children: FakeElement[] = [];
  className = '';
  private text = '';
  constructor(readonly tagName: string) {}
  get textContent(): string {
    return this.text + this.children.map((child) => child.textContent).join('');
  }
  set textContent(value: string) {
    this.text = value;
    this.children = [];
  }
  appendChild(child: FakeElement) {
    this.children.push(child);
    return child;
  }
}

function fakeDocument(openApiPath: string) {
  const byId: Record<string, FakeElement> = {
    title: new FakeElement('h1'),
    content: new FakeElement('main'),
  };
  return {
    readyState: 'complete',
    body: { getAttribute: (name: string) => (name === 'data-openapi' ? openApiPath : null) },
    getElementById: (id: string) => byId[id],
    createElement: (tag: string) => new FakeElement(tag),
    addEventListener: () => undefined,
    byId,
  };
}

function apiWithDocs() {
  const app = new OpenAPIHono();
  for (const [tag, path] of [
    ['audit', '/api/v1/audit'],
    ['datasources', '/api/v1/datasources/{id}'],
  ] as const) {
    const route = createRoute({
      method: 'get',
      path,
      tags: [tag],
      summary: `Read ${tag}`,
      request: path.includes('{id}') ? { params: z.object({ id: z.string() }) } : {},
      responses: {
        200: {
          description: 'ok',
          content: { 'application/json': { schema: z.object({ ok: z.boolean() }) } },
        },
      },
    });
    app.openapi(route, (c) => c.json({ ok: true }, 200));
  }
  app.doc31('/openapi.json', { openapi: '3.1.0', info: { title: 'Test API', version: '1' } });
  app.route('/', docsRoutes());
  return app;
}

describe('GET /docs', () => {
  it('serves HTML under a strict CSP that loads only its own script and style', async () => {
    const response = await apiWithDocs().request('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
    const csp = response.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await response.text();
    expect(html).toContain('<script src="/docs/docs.js" defer></script>');
    expect(html).toContain('data-openapi="/openapi.json"');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>|<style>|style="/);
  });

  it('serves the script and stylesheet with their content types', async () => {
    const app = apiWithDocs();
    const script = await app.request('/docs/docs.js');
    expect(script.headers.get('Content-Type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('X-Content-Type-Options')).toBe('nosniff');
    const code = await script.text();
    expect(code).not.toMatch(/innerHTML|https?:\/\//);
    const style = await app.request('/docs/docs.css');
    expect(style.headers.get('Content-Type')).toMatch(/^text\/css/);
  });

  it('renders every path of the OpenAPI document, grouped by tag', async () => {
    const app = apiWithDocs();
    const document = fakeDocument('/openapi.json');
    const context: Record<string, unknown> = {
      document,
      fetch: async (url: string, init: RequestInit) => app.request(url, init),
    };
    context.globalThis = context;
    runInNewContext(await (await app.request('/docs/docs.js')).text(), context);
    await context.docsReady;
    const text = document.byId.content!.textContent;
    expect(document.byId.title!.textContent).toBe('Test API');
    for (const expected of [
      '/api/v1/audit',
      '/api/v1/datasources/{id}',
      'audit',
      'datasources',
      'Read audit',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('says so when the OpenAPI document cannot be loaded', async () => {
    const document = fakeDocument('/missing.json');
    const context: Record<string, unknown> = {
      document,
      fetch: async () => new Response('no', { status: 404 }),
    };
    context.globalThis = context;
    const app = apiWithDocs();
    runInNewContext(await (await app.request('/docs/docs.js')).text(), context);
    await context.docsReady;
    expect(document.byId.content!.textContent).toContain('/missing.json answered 404');
  });
});
