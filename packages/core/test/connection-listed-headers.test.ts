import { describe, expect, it } from 'vitest';
import { buildUpstreamHeaders, VIA_ENTRY } from '../src/forwarded-headers.js';
import { buildClientHeaders } from '../src/response-headers.js';
import { facts, options } from './helpers/request-facts.js';

function upstream(raw: string[]): string[] {
  return buildUpstreamHeaders(raw, options, '10.0.0.1', 'http', '', facts());
}

function client(raw: string[]): string[] {
  return buildClientHeaders(
    raw.map((s) => Buffer.from(s, 'latin1')),
    'rid',
  );
}

/** [case, raw headers in, the pairs of them that must come out, in order] */
const table: [string, string[], string[]][] = [
  [
    'no Connection header: everything but the fixed set passes',
    ['A', '1', 'B', '2'],
    ['A', '1', 'B', '2'],
  ],
  ['lower-case Connection and token', ['connection', 'x-a', 'X-A', '1', 'B', '2'], ['B', '2']],
  [
    'upper-case Connection, mixed-case token',
    ['CONNECTION', 'X-a', 'x-A', '1', 'B', '2'],
    ['B', '2'],
  ],
  ['Connection after the header it names', ['X-A', '1', 'B', '2', 'Connection', 'x-a'], ['B', '2']],
  [
    'several Connection headers add up',
    ['Connection', 'x-a', 'X-A', '1', 'Connection', 'X-B, close', 'X-B', '2', 'C', '3'],
    ['C', '3'],
  ],
  ['empty and spaced tokens', ['Connection', ' , X-A ,, ', 'X-A', '1', 'B', '2'], ['B', '2']],
  [
    'Keep-Alive, close and upgrade tokens name nothing extra',
    ['Connection', 'Keep-Alive, Close, Upgrade', 'Keep-Alive', 'timeout=5', 'B', '2'],
    ['B', '2'],
  ],
  [
    'the fixed hop-by-hop set in any case',
    [
      'KEEP-ALIVE',
      'timeout=5',
      'Proxy-Connection',
      'keep-alive',
      'TE',
      'trailers',
      'Proxy-Authorization',
      'Basic x',
      'proxy-authenticate',
      'Basic',
      'Upgrade',
      'h2c',
      'B',
      '2',
    ],
    ['B', '2'],
  ],
  [
    'same-length look-alikes are kept',
    ['Set-Cookie', 'a=1', 'keep_alive', '1', 'Connectiom', '1', 'Tf', '1', 'Content-Type', 't/p'],
    ['Set-Cookie', 'a=1', 'keep_alive', '1', 'Connectiom', '1', 'Tf', '1', 'Content-Type', 't/p'],
  ],
  [
    'a listed name drops every repeat of it',
    ['Set-Cookie', 'a=1', 'Connection', 'set-cookie', 'SET-COOKIE', 'b=2', 'B', '2'],
    ['B', '2'],
  ],
];

describe('Connection-listed and hop-by-hop headers (both directions)', () => {
  it.each(table)('response: %s', (_case, raw, kept) => {
    expect(client(raw)).toEqual([...kept, 'via', VIA_ENTRY, 'x-request-id', 'rid']);
  });

  it.each(table)('request: %s', (_case, raw, kept) => {
    const out = upstream(raw);
    expect(out.slice(0, kept.length)).toEqual(kept);
    expect(out[kept.length]).toBe('x-forwarded-for');
  });

  it('keeps the Via chain even when Connection lists via', () => {
    expect(client(['Connection', 'via', 'Via', '1.0 app'])).toEqual([
      'via',
      `1.0 app, ${VIA_ENTRY}`,
      'x-request-id',
      'rid',
    ]);
    const out = upstream(['Via', '1.0 lb', 'Connection', 'VIA']);
    expect(out).toContain(`1.0 lb, ${VIA_ENTRY}`);
  });

  it('replaces an X-Request-Id that Connection lists with its own', () => {
    expect(client(['X-Request-Id', 'theirs', 'Connection', 'X-Request-Id'])).toEqual([
      'via',
      VIA_ENTRY,
      'x-request-id',
      'rid',
    ]);
    const f = facts();
    const out = buildUpstreamHeaders(
      ['x-request-id', 'theirs', 'Connection', 'x-request-id'],
      options,
      '10.0.0.1',
      'http',
      '',
      f,
    );
    expect(f.id).not.toBe('theirs');
    expect(out).not.toContain('theirs');
    expect(out.slice(-2)).toEqual(['x-request-id', f.id]);
  });

  it('reads framing facts whatever the case of the name', () => {
    const f = facts();
    const out = buildUpstreamHeaders(
      ['CONTENT-LENGTH', '7', 'transfer-ENCODING', 'gzip, chunked', 'EXPECT', '100-continue'],
      options,
      '10.0.0.1',
      'http',
      '',
      f,
    );
    expect(f).toMatchObject({ contentLength: 7, chunked: true, otherCoding: true });
    expect(out.slice(0, 2)).toEqual(['CONTENT-LENGTH', '7']);
    expect(out.map((s) => s.toLowerCase())).not.toContain('expect');
    expect(out.map((s) => s.toLowerCase())).not.toContain('transfer-encoding');
  });
});
