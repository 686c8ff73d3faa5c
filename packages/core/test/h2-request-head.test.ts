/**
 * The HTTP/2 head mapping on its own (RFC 9113 §8.2, §8.3.1), for the cases Node's client will
 * not send: no :authority and no Host, connection-specific fields, TE other than trailers, an
 * unknown pseudo-header, CONNECT, empty values; and the trailer filter.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ProxyErrorCode } from '../src/error-codes.js';
import { H2RequestHead } from '../src/h2-request-head.js';
import { h2ResponseHeaders, h2Trailers } from '../src/h2-response-headers.js';

const socket = {} as Socket;

function head(raw: string[]): H2RequestHead {
  const headers: IncomingHttpHeaders = {};
  return new H2RequestHead(headers, raw, socket);
}

const base = [':method', 'GET', ':scheme', 'https', ':path', '/p?q=1'];

describe('HTTP/2 request head', () => {
  it('maps pseudo-headers to method, target and a Host first in line', () => {
    const h = head([...base, ':authority', 'a.test', 'accept', '*/*']);
    expect(h.method).toBe('GET');
    expect(h.url).toBe('/p?q=1');
    expect(h.rawHeaders).toEqual(['host', 'a.test', 'accept', '*/*']);
    expect(h.headers.host).toBe('a.test');
    expect(h.problem).toBeUndefined();
    expect(h.httpVersion).toBe('2.0');
  });

  it('keeps a Host that names the same host as :authority, refuses a different one', () => {
    expect(head([...base, ':authority', 'A.test:443', 'host', 'a.test']).problem).toBeUndefined();
    expect(
      head([...base, ':authority', 'a.test:8443', 'host', 'a.test:8443']).problem,
    ).toBeUndefined();
    expect(head([...base, ':authority', 'a.test', 'host', 'b.test']).problem).toBe(
      ProxyErrorCode.badHost,
    );
    expect(head([...base, ':authority', 'a.test:8443', 'host', 'a.test']).problem).toBe(
      ProxyErrorCode.badHost,
    );
  });

  it('accepts Host alone, refuses neither, and refuses empty values and two Hosts', () => {
    expect(head([...base, 'host', 'a.test']).problem).toBeUndefined();
    expect(head([...base]).problem).toBe(ProxyErrorCode.badHost);
    expect(head([...base, ':authority', '']).problem).toBe(ProxyErrorCode.badRequest);
    expect(head([...base, 'host', 'a.test', 'host', 'b.test']).problem).toBe(
      ProxyErrorCode.badHost,
    );
  });

  it.each([
    ['connection', 'keep-alive'],
    ['keep-alive', 'timeout=5'],
    ['proxy-connection', 'keep-alive'],
    ['transfer-encoding', 'chunked'],
    ['upgrade', 'websocket'],
    ['te', 'gzip'],
  ])('treats %s as malformed (RFC 9113 §8.2.2)', (name, value) => {
    const h = head([...base, ':authority', 'a.test', name, value]);
    expect(h.problem).toBe(ProxyErrorCode.badRequest);
    expect(h.rawHeaders.map((v, i) => (i % 2 === 0 ? v : '')).filter(Boolean)).not.toContain(name);
  });

  it('drops TE: trailers without refusing, joins cookies, refuses unknown pseudo-headers and CONNECT', () => {
    const ok = head([
      ...base,
      ':authority',
      'a.test',
      'te',
      'trailers',
      'cookie',
      'a=1',
      'x',
      '1',
      'cookie',
      'b=2',
    ]);
    expect(ok.problem).toBeUndefined();
    expect(ok.rawHeaders).toEqual(['host', 'a.test', 'cookie', 'a=1; b=2', 'x', '1']);
    expect(head([...base, ':authority', 'a.test', ':protocol', 'websocket']).problem).toBe(
      ProxyErrorCode.badRequest,
    );
    expect(head([':method', 'CONNECT', ':authority', 'a.test:443']).problem).toBe(
      ProxyErrorCode.methodNotAllowed,
    );
  });
});

describe('HTTP/2 response fields', () => {
  it('lower-cases names, drops connection-specific ones, keeps repeats apart', () => {
    expect(
      h2ResponseHeaders(
        [
          'Content-Type',
          'text/plain',
          'Set-Cookie',
          'a=1',
          'set-cookie',
          'b=2',
          'TE',
          'x',
          'Upgrade',
          'h2c',
        ],
        200,
      ),
    ).toEqual({ ':status': 200, 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] });
  });

  it('relays trailers, never framing or connection fields among them', () => {
    expect(
      h2Trailers([
        Buffer.from('X-Checksum'),
        Buffer.from('abc'),
        Buffer.from('Content-Length'),
        Buffer.from('9'),
        Buffer.from('Connection'),
        Buffer.from('close'),
      ]),
    ).toEqual({ 'x-checksum': 'abc' });
    expect(h2Trailers([])).toBeUndefined();
  });
});
