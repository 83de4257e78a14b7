import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyLimit } from '../../api/middleware/body-limit.js';

/** Sends a body over a real socket, chunked (no Content-Length) when asked. */
function post(
  port: number,
  chunks: Buffer[],
  chunked: boolean,
): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const size = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/echo',
        headers: chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': size },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }),
        );
      },
    );
    // The server may answer and close before the whole body is written.
    req.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') reject(error);
    });
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('bodyLimit over a real HTTP server', () => {
  let server: ServerType;
  let port: number;

  beforeAll(async () => {
    const app = new Hono();
    app.use(bodyLimit({ maxBytes: 1024 }));
    app.post('/echo', async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('accepts a body at the limit, with or without Content-Length', async () => {
    for (const chunked of [false, true]) {
      const response = await post(port, [Buffer.alloc(512), Buffer.alloc(512)], chunked);
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ bytes: 1024 });
    }
  });

  it('answers 413 problem+json to a declared oversized body', async () => {
    const response = await post(port, [Buffer.alloc(4096)], false);
    expect(response.status).toBe(413);
    expect(response.type).toBe('application/problem+json');
    expect(JSON.parse(response.body)).toMatchObject({ status: 413, title: 'Content Too Large' });
  });

  it('answers 413 to a chunked body that grows past the limit', async () => {
    const chunks = Array.from({ length: 8 }, () => Buffer.alloc(300, 'x'));
    const response = await post(port, chunks, true);
    expect(response.status).toBe(413);
    expect(response.type).toBe('application/problem+json');
  });
});
