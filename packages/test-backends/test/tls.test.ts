/**
 * Backends over TLS and HTTP/2: the same knobs as over cleartext, proven with real TLS clients
 * (node:https for HTTP/1.1, node:http2 for h2) that trust only the test CA.
 */
import { connect, constants } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestCertificateAuthority, type PemPair } from '../src/certificates.js';
import { startBackends } from '../src/fleet.js';

let ca: PemPair;
let server: PemPair;
let client: PemPair;

beforeAll(async () => {
  const authority = await createTestCertificateAuthority();
  ca = authority.ca;
  server = await authority.issue({ names: ['localhost', '127.0.0.1'] });
  client = await authority.issue({ names: ['helios-client'], usage: 'client' });
});

interface TlsClient {
  ca: string;
  cert?: string;
  key?: string;
}

/** One HTTPS/1.1 GET; rejects with the TLS error (code UNABLE_TO_VERIFY_LEAF_SIGNATURE, ...). */
function httpsGet(url: string, tls: TlsClient): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ...tls, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function h2Get(
  url: string,
  path: string,
): Promise<{ status: number; body: string; error?: string; code?: number }> {
  return new Promise((resolve) => {
    const session = connect(url, { ca: ca.cert });
    session.on('error', (error) => resolve({ status: 0, body: '', error: error.message }));
    const stream = session.request({ ':path': path });
    let status = 0;
    let body = '';
    stream.on('response', (headers) => {
      status = Number(headers[':status']);
    });
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      body += chunk;
    });
    stream.on('error', () => undefined);
    stream.on('close', () => {
      resolve({ status, body, code: stream.rstCode });
      session.close();
    });
  });
}

describe('TLS backends', () => {
  it('serve HTTPS with the given certificate: https:// urls, greeting and echo', async () => {
    const fleet = await startBackends({ count: 2, tls: server });
    try {
      expect(fleet.urls[0]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const res = await httpsGet(fleet.urls[1] as string, { ca: ca.cert });
      expect(res).toEqual({ status: 200, body: 'Halo dari Server 2' });
      await fleet.set({ echo: true, status: 201 });
      const echo = await httpsGet(`${fleet.urls[0]}/x?a=1`, { ca: ca.cert });
      expect(echo.status).toBe(201);
      expect(JSON.parse(echo.body)).toMatchObject({ httpVersion: '1.1', path: '/x' });
    } finally {
      await fleet.close();
    }
  });

  it('refuse a client the CA does not trust (the handshake fails)', async () => {
    const other = await createTestCertificateAuthority('Other CA');
    const fleet = await startBackends({ count: 1, tls: server });
    try {
      await expect(httpsGet(fleet.urls[0] as string, { ca: other.ca.cert })).rejects.toMatchObject({
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      });
    } finally {
      await fleet.close();
    }
  });

  it('require a client certificate when given clientCa (mutual TLS)', async () => {
    const fleet = await startBackends({ count: 1, tls: { ...server, clientCa: ca.cert } });
    try {
      const url = fleet.urls[0] as string;
      const ok = await httpsGet(url, { ca: ca.cert, cert: client.cert, key: client.key });
      expect(ok.body).toBe('Halo dari Server 1');
      await expect(httpsGet(url, { ca: ca.cert })).rejects.toThrow();
    } finally {
      await fleet.close();
    }
  });

  it('serve HTTP/2 with http2: the echo sees HTTP/2.0, knobs apply, resets are stream resets', async () => {
    const fleet = await startBackends({ count: 1, tls: server, http2: true });
    try {
      const url = fleet.urls[0] as string;
      const hello = await h2Get(url, '/');
      expect(hello).toMatchObject({ status: 200, body: 'Halo dari Server 1' });
      await fleet.set({ echo: true });
      const echo = await h2Get(url, '/e');
      expect(JSON.parse(echo.body)).toMatchObject({ httpVersion: '2.0', path: '/e' });
      await fleet.set({ echo: false, reset: 'before-response' });
      const reset = await h2Get(url, '/');
      expect(reset.status).toBe(0);
      expect(reset.code).toBe(constants.NGHTTP2_INTERNAL_ERROR);
      // HTTP/1.1 still works on the same port (ALPN).
      await fleet.set({ reset: 'none' });
      const h1 = await httpsGet(url, { ca: ca.cert });
      expect(h1.body).toBe('Halo dari Server 1');
    } finally {
      await fleet.close();
    }
  });

  it('refuse http2 without tls', async () => {
    await expect(startBackends({ count: 1, http2: true })).rejects.toMatchObject({
      code: 'HELIOS_TEST_BACKENDS_INVALID_OPTIONS',
    });
  });
});
