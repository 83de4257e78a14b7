import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientAddress, UNKNOWN_CLIENT } from '../../api/middleware/client-address.js';

function app(trustedProxies: number) {
  const api = new Hono();
  api.get('/who', (c) => c.text(clientAddress(c, { trustedProxies })));
  return api;
}

describe('clientAddress', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    const response = await app(0).request('/who', {
      headers: { 'X-Forwarded-For': '203.0.113.9' },
    });
    expect(await response.text()).toBe(UNKNOWN_CLIENT);
  });

  it('takes the entry the outermost trusted proxy wrote, not what the client sent', async () => {
    const headers = { 'X-Forwarded-For': 'spoofed, 198.51.100.7, 10.0.0.2' };
    expect(await (await app(1).request('/who', { headers })).text()).toBe('10.0.0.2');
    expect(await (await app(2).request('/who', { headers })).text()).toBe('198.51.100.7');
    const short = { 'X-Forwarded-For': '198.51.100.7' };
    expect(await (await app(2).request('/who', { headers: short })).text()).toBe('198.51.100.7');
  });

  it('uses the socket peer address of a real connection', async () => {
    const server = serve({ fetch: app(0).fetch, port: 0, hostname: '127.0.0.1' });
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/who`, {
        headers: { 'X-Forwarded-For': '203.0.113.9' },
      });
      expect(await response.text()).toBe('127.0.0.1');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
