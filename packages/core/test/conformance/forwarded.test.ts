/**
 * Conformance table: the forwarding headers Helios writes (X-Forwarded-For/Proto/Host,
 * Forwarded, Via, X-Request-Id) and the client address it reports, under every trustProxy form:
 * `false` (incoming X-Forwarded-* and Forwarded dropped, XFF = the peer), `1` (= `true`), a hop
 * count of 2, a CIDR list that contains the peer, and one that does not. The client address is
 * the rightmost X-Forwarded-For entry that is not a trusted proxy, invalid entries skipped; the
 * chain is forwarded as `<incoming>, <peer>`. Each case checks the exact header list the
 * backend saw and the `request:end` client address. Peers are always 127.0.0.1 here.
 */
import { describe } from 'vitest';
import { requestTable } from './support/request-cases.js';
import { useRecordingSuite } from './support/suite.js';

const get = (lines: string): string => `GET /f HTTP/1.1\r\nHost: a\r\n${lines}\r\n`;
const PEER = '127.0.0.1';

describe('trustProxy: false', () => {
  requestTable(useRecordingSuite({ trustProxy: false }), [
    {
      name: 'no incoming headers: XFF is the peer, proto http, host from Host',
      send: get(''),
      status: 200,
      upstream: { url: '/f' },
      clientAddress: PEER,
    },
    {
      name: 'a spoofed X-Forwarded-For is dropped',
      send: get('X-Forwarded-For: 1.2.3.4\r\n'),
      status: 200,
      upstream: { url: '/f' },
      clientAddress: PEER,
    },
    {
      name: 'X-Forwarded-For in any case and repeated is dropped',
      send: get('x-forwarded-FOR: 1.2.3.4\r\nX-Forwarded-For: 5.6.7.8\r\n'),
      status: 200,
      upstream: { url: '/f' },
      clientAddress: PEER,
    },
    {
      name: 'X-Forwarded-Proto: https from the client is replaced by http',
      send: get('X-Forwarded-Proto: https\r\n'),
      status: 200,
      upstream: { url: '/f', xfp: 'http' },
    },
    {
      name: 'X-Forwarded-Host from the client is replaced by the Host',
      send: get('X-Forwarded-Host: evil.example\r\n'),
      status: 200,
      upstream: { url: '/f', xfh: 'a' },
    },
    {
      name: 'Forwarded from the client is dropped',
      send: get('Forwarded: for=1.2.3.4;proto=https\r\n'),
      status: 200,
      upstream: { url: '/f' },
    },
    {
      name: 'headers Helios does not manage (X-Real-IP) pass untouched',
      send: get('X-Real-IP: 1.2.3.4\r\n'),
      status: 200,
      upstream: { url: '/f', headers: [['X-Real-IP', '1.2.3.4']] },
      clientAddress: PEER,
    },
    {
      name: 'an incoming Via is extended',
      send: get('Via: 1.0 edge\r\n'),
      status: 200,
      upstream: { url: '/f', via: '1.0 edge, 1.1 helios' },
    },
    {
      name: 'several Via lines are joined in order, then extended',
      send: get('Via: 1.0 a\r\nVia: 1.1 b, 1.1 c\r\n'),
      status: 200,
      upstream: { url: '/f', via: '1.0 a, 1.1 b, 1.1 c, 1.1 helios' },
    },
    {
      name: 'an acceptable X-Request-Id is kept in place',
      send: get('X-Request-Id: trace-123\r\nX-B: 1\r\n'),
      status: 200,
      upstream: {
        url: '/f',
        headers: [
          ['X-Request-Id', 'trace-123'],
          ['X-B', '1'],
        ],
      },
      check: (o) => {
        const id = o.responses[0]?.headers.find(([n]) => n.toLowerCase() === 'x-request-id');
        if (id?.[1] !== 'trace-123') throw new Error(`response X-Request-Id ${String(id)}`);
      },
    },
    {
      name: 'an X-Request-Id with a space is replaced by a generated one',
      send: get('X-Request-Id: a b\r\n'),
      status: 200,
      upstream: { url: '/f' },
    },
    {
      name: 'an X-Request-Id over 200 bytes is replaced',
      send: get(`X-Request-Id: ${'i'.repeat(201)}\r\n`),
      status: 200,
      upstream: { url: '/f' },
    },
    {
      name: 'an X-Request-Id with obs-text is replaced',
      send: get('X-Request-Id: id\xff\r\n'),
      status: 200,
      upstream: { url: '/f' },
    },
    {
      name: 'of two X-Request-Id lines only the first is kept',
      send: get('X-Request-Id: one\r\nX-Request-Id: two\r\n'),
      status: 200,
      upstream: { url: '/f', headers: [['X-Request-Id', 'one']] },
    },
    {
      name: 'an unacceptable X-Request-Id followed by an acceptable one: the second is kept',
      send: get('X-Request-Id: \r\nX-Request-Id: two\r\n'),
      status: 200,
      upstream: { url: '/f', headers: [['X-Request-Id', 'two']] },
    },
  ]);
});

describe('trustProxy: 1 (true: the immediate peer)', () => {
  requestTable(useRecordingSuite({ trustProxy: 1 }), [
    {
      name: 'one XFF entry: appended, and it is the client',
      send: get('X-Forwarded-For: 203.0.113.9\r\n'),
      status: 200,
      upstream: { url: '/f', xff: `203.0.113.9, ${PEER}` },
      clientAddress: '203.0.113.9',
    },
    {
      name: 'a chain: the rightmost entry is the client, the spoofable left is not',
      send: get('X-Forwarded-For: 6.6.6.6, 203.0.113.9\r\n'),
      status: 200,
      upstream: { url: '/f', xff: `6.6.6.6, 203.0.113.9, ${PEER}` },
      clientAddress: '203.0.113.9',
    },
    {
      name: 'two XFF lines are joined in order',
      send: get('X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-For: 203.0.113.9\r\n'),
      status: 200,
      upstream: { url: '/f', xff: `6.6.6.6, 203.0.113.9, ${PEER}` },
      clientAddress: '203.0.113.9',
    },
    {
      name: 'an invalid rightmost entry is skipped',
      send: get('X-Forwarded-For: 203.0.113.9, unknown\r\n'),
      status: 200,
      upstream: { url: '/f', xff: `203.0.113.9, unknown, ${PEER}` },
      clientAddress: '203.0.113.9',
    },
    {
      name: 'only invalid entries: the peer is the client',
      send: get('X-Forwarded-For: unknown, _hidden\r\n'),
      status: 200,
      upstream: { url: '/f', xff: `unknown, _hidden, ${PEER}` },
      clientAddress: PEER,
    },
    {
      name: 'an IPv4 entry with a port',
      send: get('X-Forwarded-For: 203.0.113.9:5678\r\n'),
      status: 200,
      upstream: { url: '/f', xff: `203.0.113.9:5678, ${PEER}` },
      clientAddress: '203.0.113.9',
    },
    {
      name: 'a bracketed IPv6 entry with a port',
      send: get('X-Forwarded-For: [2001:db8::1]:443\r\n'),
      status: 200,
      upstream: { url: '/f', xff: `[2001:db8::1]:443, ${PEER}` },
      clientAddress: '2001:db8::1',
    },
    {
      name: 'a plain IPv6 entry',
      send: get('X-Forwarded-For: 2001:db8::7\r\n'),
      status: 200,
      upstream: { url: '/f', xff: `2001:db8::7, ${PEER}` },
      clientAddress: '2001:db8::7',
    },
    {
      name: 'X-Forwarded-Proto and X-Forwarded-Host from the trusted peer are kept',
      send: get('X-Forwarded-Proto: https\r\nX-Forwarded-Host: public.example\r\n'),
      status: 200,
      upstream: { url: '/f', xfp: 'https', xfh: 'public.example' },
      clientAddress: PEER,
    },
    {
      name: 'of two X-Forwarded-Proto lines the first is kept',
      send: get('X-Forwarded-Proto: https\r\nX-Forwarded-Proto: http\r\n'),
      status: 200,
      upstream: { url: '/f', xfp: 'https' },
    },
    {
      name: 'Forwarded from the trusted peer is kept in place',
      send: get('Forwarded: for=203.0.113.9;proto=https\r\nX-B: 1\r\n'),
      status: 200,
      upstream: {
        url: '/f',
        headers: [
          ['Forwarded', 'for=203.0.113.9;proto=https'],
          ['X-B', '1'],
        ],
      },
    },
  ]);
});

describe('trustProxy: 2 hops', () => {
  requestTable(useRecordingSuite({ trustProxy: 2 }), [
    {
      name: 'the second entry from the right is the client',
      send: get('X-Forwarded-For: 6.6.6.6, 203.0.113.9, 10.0.0.1\r\n'),
      status: 200,
      upstream: { url: '/f', xff: `6.6.6.6, 203.0.113.9, 10.0.0.1, ${PEER}` },
      clientAddress: '203.0.113.9',
    },
    {
      name: 'invalid entries do not count as hops',
      send: get('X-Forwarded-For: 6.6.6.6, 203.0.113.9, junk, 10.0.0.1\r\n'),
      status: 200,
      upstream: { url: '/f', xff: `6.6.6.6, 203.0.113.9, junk, 10.0.0.1, ${PEER}` },
      clientAddress: '203.0.113.9',
    },
    {
      name: 'a chain shorter than the hops: its leftmost address',
      send: get('X-Forwarded-For: 203.0.113.9\r\n'),
      status: 200,
      upstream: { url: '/f', xff: `203.0.113.9, ${PEER}` },
      clientAddress: '203.0.113.9',
    },
    {
      name: 'no XFF at all: the peer',
      send: get(''),
      status: 200,
      upstream: { url: '/f' },
      clientAddress: PEER,
    },
  ]);
});

describe('trustProxy: [127.0.0.1, 10.0.0.0/8]', () => {
  requestTable(useRecordingSuite({ trustProxy: ['127.0.0.1', '10.0.0.0/8'] }), [
    {
      name: 'trusted proxies are skipped from the right',
      send: get('X-Forwarded-For: 6.6.6.6, 203.0.113.9, 10.1.1.1, 10.2.2.2\r\n'),
      status: 200,
      upstream: { url: '/f', xff: `6.6.6.6, 203.0.113.9, 10.1.1.1, 10.2.2.2, ${PEER}` },
      clientAddress: '203.0.113.9',
    },
    {
      name: 'every entry trusted: the leftmost',
      send: get('X-Forwarded-For: 10.0.0.5, 10.0.0.6\r\n'),
      status: 200,
      upstream: { url: '/f', xff: `10.0.0.5, 10.0.0.6, ${PEER}` },
      clientAddress: '10.0.0.5',
    },
    {
      name: 'an invalid entry between is skipped',
      send: get('X-Forwarded-For: 203.0.113.9, junk, 10.0.0.1\r\n'),
      status: 200,
      upstream: { url: '/f', xff: `203.0.113.9, junk, 10.0.0.1, ${PEER}` },
      clientAddress: '203.0.113.9',
    },
    {
      name: 'an IPv6 client behind an IPv4 proxy',
      send: get('X-Forwarded-For: 2001:db8::5, 10.0.0.1\r\n'),
      status: 200,
      upstream: { url: '/f', xff: `2001:db8::5, 10.0.0.1, ${PEER}` },
      clientAddress: '2001:db8::5',
    },
    {
      name: 'X-Forwarded-Proto/Host from the trusted peer are kept',
      send: get(
        'X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: p.example\r\n',
      ),
      status: 200,
      upstream: { url: '/f', xff: `203.0.113.9, ${PEER}`, xfp: 'https', xfh: 'p.example' },
      clientAddress: '203.0.113.9',
    },
  ]);
});

describe('trustProxy: [10.0.0.0/8] (the peer is not a trusted proxy)', () => {
  requestTable(useRecordingSuite({ trustProxy: ['10.0.0.0/8'] }), [
    {
      name: 'XFF from an untrusted peer is dropped; the peer is the client',
      send: get('X-Forwarded-For: 203.0.113.9, 10.0.0.1\r\n'),
      status: 200,
      upstream: { url: '/f' },
      clientAddress: PEER,
    },
    {
      name: 'X-Forwarded-Proto/Host and Forwarded from an untrusted peer are dropped',
      send: get(
        'X-Forwarded-Proto: https\r\nX-Forwarded-Host: p.example\r\nForwarded: for=1.2.3.4\r\n',
      ),
      status: 200,
      upstream: { url: '/f' },
      clientAddress: PEER,
    },
  ]);
});
