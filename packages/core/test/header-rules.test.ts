import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildUpstreamHeaders } from '../src/forwarded-headers.js';
import { HOP_BY_HOP } from '../src/hop-by-hop.js';
import { originFormPath } from '../src/request-target.js';
import { buildClientHeaders } from '../src/response-headers.js';
import { mayRetry, type RetryFacts } from '../src/retry.js';
import { TrustPolicy } from '../src/trust-policy.js';
import { facts, options } from './helpers/request-facts.js';

describe('upstream header rules', () => {
  it('never forwards a hop-by-hop header or one that Connection names, whatever the case', () => {
    const name = fc.constantFrom(...HOP_BY_HOP, 'X-Listed', 'x-plain', 'Accept', 'Cookie');
    const casing = fc.constantFrom('lower', 'upper', 'asis');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(name, casing, fc.string({ unit: 'grapheme-ascii' })), { maxLength: 12 }),
        (list) => {
          const raw = ['Connection', 'x-listed'];
          for (const [n, c, v] of list) {
            raw.push(c === 'lower' ? n.toLowerCase() : c === 'upper' ? n.toUpperCase() : n, v);
          }
          const out = buildUpstreamHeaders(raw, options, '10.0.0.1', 'http', '', facts());
          for (let i = 0; i < out.length; i += 2) {
            const lower = (out[i] as string).toLowerCase();
            expect(HOP_BY_HOP.has(lower)).toBe(false);
            expect(lower).not.toBe('x-listed');
          }
        },
      ),
    );
  });

  it('records framing facts and the client address', () => {
    const f = facts();
    buildUpstreamHeaders(['Content-Length', '42', 'Host', 'a'], options, '10.0.0.1', 'http', '', f);
    expect(f).toMatchObject({ contentLength: 42, chunked: false, clientAddress: '10.0.0.1' });
    const g = facts();
    buildUpstreamHeaders(['Transfer-Encoding', 'chunked'], options, '10.0.0.1', 'http', '', g);
    expect(g.chunked).toBe(true);
  });

  it('takes the client address from X-Forwarded-For only when trusted (rightmost untrusted entry)', () => {
    const f = facts();
    buildUpstreamHeaders(
      ['X-Forwarded-For', '1.2.3.4, 5.6.7.8'],
      { ...options, trust: new TrustPolicy(1) },
      '10.0.0.1',
      'http',
      '',
      f,
    );
    expect(f.clientAddress).toBe('5.6.7.8');
    const g = facts();
    buildUpstreamHeaders(['X-Forwarded-For', '1.2.3.4'], options, '10.0.0.1', 'http', '', g);
    expect(g.clientAddress).toBe('10.0.0.1');
  });

  it('refuses unprintable or oversized request ids and assigns its own', () => {
    const f = facts();
    const out = buildUpstreamHeaders(['X-Request-Id', 'a b'], options, '10.0.0.1', 'http', '', f);
    expect(f.id).not.toBe('a b');
    expect(out).toContain(f.id);
    const g = facts();
    buildUpstreamHeaders(['X-Request-Id', 'x'.repeat(201)], options, '10.0.0.1', 'http', '', g);
    expect(g.id.length).toBeLessThan(40);
  });
});

describe('response header rules', () => {
  it('keeps repeats and order, drops hop-by-hop and Connection-listed names, appends Via', () => {
    const raw = [
      'Set-Cookie',
      'a=1',
      'Connection',
      'X-Drop',
      'X-Drop',
      '1',
      'Set-Cookie',
      'b=2',
      'Via',
      '1.0 app',
      'Transfer-Encoding',
      'chunked',
      'Keep-Alive',
      'timeout=5',
    ].map((s) => Buffer.from(s));
    expect(buildClientHeaders(raw, 'rid')).toEqual([
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
      'via',
      '1.0 app, 1.1 helios',
      'x-request-id',
      'rid',
    ]);
  });
});

describe('request targets', () => {
  it.each([
    ['/a?b=c', '/a?b=c'],
    ['http://evil.example/x?y=1', '/x?y=1'],
    ['HTTPS://evil.example', '/'],
    ['http://evil.example?q=1', '/?q=1'],
    ['*', undefined],
    ['evil.example:443', undefined],
  ])('%s -> %s', (input, expected) => {
    expect(originFormPath(input)).toBe(expected);
  });
});

describe('retry safety rules', () => {
  const base: RetryFacts = {
    failure: 'connect',
    method: 'POST',
    responseStarted: false,
    bodyConsumed: false,
    attemptsSoFar: 1,
    maxRetries: 1,
  };
  it.each<[string, Partial<RetryFacts>, boolean]>([
    ['connect failure, POST', {}, true],
    ['connect failure, body already read', { bodyConsumed: true }, false],
    ['reset, POST', { failure: 'reset' }, false],
    ['reset, GET', { failure: 'reset', method: 'GET' }, true],
    ['reset, PUT', { failure: 'reset', method: 'PUT' }, true],
    ['reset, PATCH', { failure: 'reset', method: 'PATCH' }, false],
    ['timeout, GET', { failure: 'timeout', method: 'GET' }, false],
    ['response started', { method: 'GET', responseStarted: true }, false],
    ['out of retries', { attemptsSoFar: 2 }, false],
    ['retries disabled', { maxRetries: 0 }, false],
  ])('%s', (_name, patch, expected) => {
    expect(mayRetry({ ...base, ...patch })).toBe(expected);
  });
});
