/**
 * Who the client is. The leftmost X-Forwarded-For entry is whatever the client wrote; only the
 * entries appended by proxies Helios trusts are believed, read from the right.
 */
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../src/request-record.js';
import { TrustPolicy } from '../src/trust-policy.js';
import { send } from './helpers/client.js';
import { useHarness } from './helpers/harness.js';

describe('TrustPolicy', () => {
  it('trusts nobody when off', () => {
    const p = new TrustPolicy(false);
    expect(p.off).toBe(true);
    expect(p.trustsPeer('10.0.0.1')).toBe(false);
  });

  it('with one hop, the client is the rightmost entry (what the trusted peer appended)', () => {
    const p = new TrustPolicy(1);
    expect(p.clientFrom('6.6.6.6, 1.2.3.4', '10.0.0.1')).toBe('1.2.3.4');
    expect(p.clientFrom('1.2.3.4', '10.0.0.1')).toBe('1.2.3.4');
  });

  it('with N hops, skips the N-1 rightmost entries', () => {
    const p = new TrustPolicy(2);
    expect(p.clientFrom('6.6.6.6, 1.2.3.4, 10.0.0.9', '10.0.0.1')).toBe('1.2.3.4');
    // Fewer entries than hops: the leftmost address is all there is.
    expect(p.clientFrom('1.2.3.4', '10.0.0.1')).toBe('1.2.3.4');
  });

  it('with addresses and ranges, skips trusted proxies from the right', () => {
    const p = new TrustPolicy(['10.0.0.0/8', '192.168.1.7', 'fd00::/8']);
    expect(p.trustsPeer('10.1.2.3')).toBe(true);
    expect(p.trustsPeer('::ffff:10.1.2.3')).toBe(true);
    expect(p.trustsPeer('192.168.1.8')).toBe(false);
    expect(p.trustsPeer('fd00::1')).toBe(true);
    expect(p.clientFrom('6.6.6.6, 1.2.3.4, 10.9.9.9, 192.168.1.7', '10.0.0.1')).toBe('1.2.3.4');
    expect(p.clientFrom('10.1.1.1, 10.2.2.2', '10.0.0.1')).toBe('10.1.1.1');
  });

  it('skips entries that are not addresses, and strips ports', () => {
    const p = new TrustPolicy(1);
    expect(p.clientFrom('1.2.3.4, unknown, "><script>', '10.0.0.1')).toBe('1.2.3.4');
    expect(p.clientFrom('1.2.3.4:5678', '10.0.0.1')).toBe('1.2.3.4');
    expect(p.clientFrom('[2001:db8::1]:443', '10.0.0.1')).toBe('2001:db8::1');
    expect(p.clientFrom('2001:db8::2', '10.0.0.1')).toBe('2001:db8::2');
    expect(p.clientFrom('garbage only', '10.0.0.1')).toBe('10.0.0.1');
  });
});

const h = useHarness();
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

interface Echo {
  headers: Record<string, string>;
}

async function clientSeen(
  trustProxy: false | number | string[],
  headers: Record<string, string>,
): Promise<{ client: string; echo: Echo }> {
  fleet = await startBackends({ count: 1, behaviour: { echo: true } });
  const { port, proxy } = await h.start(fleet.urls, { trustProxy });
  let client = '';
  proxy.on('request:end', (r: RequestRecord) => {
    client = r.clientAddress;
  });
  const res = await send(port, { headers });
  return { client, echo: JSON.parse(res.text) as Echo };
}

describe('trustProxy end to end', () => {
  it('false: ignores and drops what the client claims', async () => {
    const { client, echo } = await clientSeen(false, {
      'x-forwarded-for': '6.6.6.6',
      'x-forwarded-proto': 'https',
      forwarded: 'for=6.6.6.6',
    });
    expect(client).toBe('127.0.0.1');
    expect(echo.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(echo.headers['x-forwarded-proto']).toBe('http');
    expect(echo.headers.forwarded).toBeUndefined();
  });

  it('true: believes only what the immediate peer appended, not a spoofed leftmost entry', async () => {
    const { client, echo } = await clientSeen(1, {
      'x-forwarded-for': '6.6.6.6, 203.0.113.5',
      'x-forwarded-proto': 'https',
    });
    expect(client).toBe('203.0.113.5');
    expect(echo.headers['x-forwarded-for']).toBe('6.6.6.6, 203.0.113.5, 127.0.0.1');
    expect(echo.headers['x-forwarded-proto']).toBe('https');
  });

  it('a list: a peer outside it is not believed at all', async () => {
    const { client, echo } = await clientSeen(['10.0.0.0/8'], {
      'x-forwarded-for': '6.6.6.6',
      'x-forwarded-proto': 'https',
    });
    expect(client).toBe('127.0.0.1');
    expect(echo.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(echo.headers['x-forwarded-proto']).toBe('http');
  });

  it('a list: trusted hops are skipped from the right', async () => {
    const { client } = await clientSeen(['127.0.0.1', '10.0.0.0/8'], {
      'x-forwarded-for': '6.6.6.6, 198.51.100.7, 10.2.3.4',
    });
    expect(client).toBe('198.51.100.7');
  });
});
