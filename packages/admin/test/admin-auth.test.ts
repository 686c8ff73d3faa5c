import { request } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminServer } from '../src/index.js';
import { type Stack, startStack } from './admin-harness.js';

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** A raw GET, so the test controls the Host header (fetch does not allow it). */
function get(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const PATHS = ['/', '/index.html', '/api/status', '/metrics'];

describe('admin listener access', () => {
  it('asks for the token on every path but /healthz', async () => {
    stack = await startStack({ backends: 1, token: 's3cret-token' });
    const base = stack.adminUrl;
    expect((await get(`${base}/healthz`)).status).toBe(200);
    for (const path of PATHS) {
      const missing = await get(`${base}${path}`);
      expect(missing.status).toBe(401);
      expect(String(missing.headers['www-authenticate'])).toMatch(/Bearer realm="helios-admin"/);
      expect((await get(`${base}${path}`, { authorization: 'Bearer wrong' })).status).toBe(401);
      expect(
        (await get(`${base}${path}`, { authorization: 'Bearer s3cret-token-and-more' })).status,
      ).toBe(401);
      expect((await get(`${base}${path}`, { authorization: 'Bearer s3cret-token' })).status).toBe(
        200,
      );
    }
  });

  it('accepts the token as the Basic auth password, so browsers can open the dashboard', async () => {
    stack = await startStack({ backends: 1, token: 's3cret-token' });
    const basic = (user: string, password: string) =>
      `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    expect(
      (await get(`${stack.adminUrl}/`, { authorization: basic('admin', 's3cret-token') })).status,
    ).toBe(200);
    expect(
      (await get(`${stack.adminUrl}/`, { authorization: basic('admin', 'nope') })).status,
    ).toBe(401);
  });

  it('serves everything without a token when none is configured', async () => {
    stack = await startStack({ backends: 1 });
    for (const path of PATHS) expect((await get(`${stack.adminUrl}${path}`)).status).toBe(200);
  });

  it('refuses foreign Host names on a loopback listener (DNS rebinding)', async () => {
    stack = await startStack({ backends: 1 });
    const { port } = new URL(stack.adminUrl);
    expect((await get(`${stack.adminUrl}/api/status`, { host: 'attacker.example' })).status).toBe(
      403,
    );
    expect((await get(`${stack.adminUrl}/api/status`, { host: `localhost:${port}` })).status).toBe(
      200,
    );
    expect((await get(`${stack.adminUrl}/healthz`, { host: 'attacker.example' })).status).toBe(200);
  });

  it('answers only GET and HEAD, and 404 for unknown paths', async () => {
    stack = await startStack({ backends: 1 });
    const post = await get(`${stack.adminUrl}/api/status`, {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect((await get(`${stack.adminUrl}/metrics`, {}, 'HEAD')).status).toBe(200);
    expect((await get(`${stack.adminUrl}/nope`)).status).toBe(404);
  });

  it('serves the dashboard with a strict content security policy', async () => {
    stack = await startStack({ backends: 1 });
    const response = await fetch(`${stack.adminUrl}/`);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    const html = await response.text();
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it('fails to listen with a coded error naming the address when the port is taken', async () => {
    stack = await startStack({ backends: 1 });
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const admin = createAdminServer({
      config: { port, host: '127.0.0.1', token: undefined, allowUnauthenticated: false },
      proxy: stack.proxy,
      info: { version: 'test', strategy: 'round-robin' },
    });
    const listeners = stack.proxy.listenerCount('request:end');
    try {
      await expect(admin.listen()).rejects.toMatchObject({
        code: 'HELIOS_ADMIN_LISTEN_FAILED',
        message: expect.stringContaining(`127.0.0.1:${port}`),
      });
      // A server that could not bind leaves nothing attached to the proxy.
      expect(stack.proxy.listenerCount('request:end')).toBe(listeners);
    } finally {
      await admin.close();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('binds to 127.0.0.1 when no host is given', async () => {
    stack = await startStack({ backends: 1 });
    const admin = createAdminServer({
      config: { port: 0, host: '', token: undefined, allowUnauthenticated: false },
      proxy: stack.proxy,
      info: { version: 'test', strategy: 'round-robin' },
    });
    try {
      expect((await admin.listen()).address).toBe('127.0.0.1');
    } finally {
      await admin.close();
    }
  });
});
