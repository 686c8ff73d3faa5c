/**
 * Conformance table: Host and the request target's authority (RFC 9112 §3.2, RFC 9110 §7.2,
 * RFC 3986 §3.2.2).
 *
 * Covers a missing Host on HTTP/1.1 and HTTP/1.0, two Host lines (equal or not), empty and
 * invalid values (spaces, `/`, `@`, `\`, `?`, `#`, raw UTF-8, over 1 KiB), ports (empty, max,
 * too long, non-digits, two), IPv4/IPv6 literals (zone ids and IPvFuture refused), reg-names
 * with sub-delims and percent-encoding, an absolute-form authority replacing Host upstream and
 * in X-Forwarded-Host, and `Connection: host` / `Connection: content-length` never removing
 * what they name. Also preserveHost: false.
 */
import { describe } from 'vitest';
import { type RequestCase, requestTable } from './support/request-cases.js';
import { useRecordingSuite } from './support/suite.js';

const withHost = (value: string, version = '1.1'): string =>
  `GET /h HTTP/${version}\r\nHost: ${value}\r\n\r\n`;
const ok = (value: string): RequestCase => ({
  name: `Host: ${value} is valid and forwarded as is`,
  send: withHost(value),
  status: 200,
  upstream: { url: '/h', host: value },
});
const bad = (value: string, why: string): RequestCase => ({
  name: `Host: ${JSON.stringify(value).slice(1, -1)} (${why}): 400`,
  send: withHost(value),
  status: 400,
});

const presence: RequestCase[] = [
  { name: 'HTTP/1.1 without Host: 400', send: 'GET /h HTTP/1.1\r\nX-A: 1\r\n\r\n', status: 400 },
  {
    name: 'HTTP/1.1 POST without Host: 400, body never forwarded',
    send: 'POST /h HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc',
    status: 400,
  },
  {
    name: 'two equal Host lines: 400',
    send: 'GET /h HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n',
    status: 400,
  },
  {
    name: 'two different Host lines: 400',
    send: 'GET /h HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
    status: 400,
  },
  {
    name: 'two Host lines differing in name case: 400',
    send: 'GET /h HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n',
    status: 400,
  },
  {
    name: 'two Host lines far apart: 400',
    send: 'GET /h HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nX-B: 2\r\nHOST: a\r\n\r\n',
    status: 400,
  },
  {
    name: 'HTTP/1.0 with two Host lines: 400',
    send: 'GET /h HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n',
    status: 400,
  },
  { name: 'HTTP/1.0 with an invalid Host: 400', send: withHost('a b', '1.0'), status: 400 },
  { name: 'HTTP/1.0 with an empty Host: 400', send: withHost('', '1.0'), status: 400 },
  {
    name: 'Host name in any case is the Host',
    send: 'GET /h HTTP/1.1\r\nhOsT: a\r\n\r\n',
    status: 200,
    upstream: { url: '/h' },
  },
];

const values: RequestCase[] = [
  bad('', 'empty'),
  bad(' ', 'only whitespace'),
  bad('a b', 'space'),
  bad('a/b', 'slash'),
  bad('user@a', 'userinfo'),
  bad('a\\b', 'backslash'),
  bad('a?b', 'question mark'),
  bad('a#b', 'hash'),
  bad('\xc3\xa9.test', 'raw UTF-8'),
  bad('h'.repeat(1_025), 'over 1 KiB'),
  bad('a:8x', 'non-digit port'),
  bad('a:123456', 'port of six digits'),
  bad('a:80:90', 'two ports'),
  bad(':80', 'port without a host'),
  bad('::1', 'IPv6 without brackets'),
  bad('[::1', 'unclosed bracket'),
  bad('[]', 'empty brackets'),
  bad('[fe80::1%25eth0]', 'IPv6 zone id'),
  bad('[v1.x]', 'IPvFuture'),
  bad('[::1]x', 'bytes after the bracket'),
  bad('[::g]', 'non-hex in IPv6'),
  ok('a:80'),
  ok('a:'),
  ok('a:65535'),
  ok('1.2.3.4'),
  ok('1.2.3.4:8080'),
  ok('[::1]'),
  ok('[::1]:8080'),
  ok('[::ffff:1.2.3.4]'),
  ok('[2001:DB8::1]'),
  ok('a.b-c_d~e'),
  ok('%41'),
  ok('a,b'),
  ok("a!$&'()*+;=b"),
  ok('xn--bcher-kva.example'),
  ok('A.Example'),
  ok('h'.repeat(1_024)),
];

const absolute: RequestCase[] = [
  {
    name: 'absolute form overrides a different Host (upstream and X-Forwarded-Host)',
    send: 'GET http://b.test/x HTTP/1.1\r\nHost: a\r\n\r\n',
    status: 200,
    upstream: { url: '/x', host: 'b.test' },
  },
  {
    name: 'absolute form with the same Host',
    send: 'GET http://b.test/x HTTP/1.1\r\nHost: b.test\r\n\r\n',
    status: 200,
    upstream: { url: '/x', host: 'b.test' },
  },
  {
    name: 'absolute form keeps its port in Host',
    send: 'GET http://b.test:8080 HTTP/1.1\r\nHost: a\r\n\r\n',
    status: 200,
    upstream: { url: '/', host: 'b.test:8080' },
  },
  {
    name: 'absolute form on HTTP/1.0 without Host',
    send: 'GET http://b.test/x HTTP/1.0\r\n\r\n',
    status: 200,
    close: true,
    upstream: { url: '/x', host: 'b.test' },
  },
  {
    name: 'absolute form on HTTP/1.1 still needs a Host line: 400',
    send: 'GET http://b.test/x HTTP/1.1\r\n\r\n',
    status: 400,
  },
  {
    name: 'absolute form does not excuse an invalid Host: 400',
    send: 'GET http://b.test/x HTTP/1.1\r\nHost: a b\r\n\r\n',
    status: 400,
  },
  {
    name: 'absolute form does not excuse two Host lines: 400',
    send: 'GET http://b.test/x HTTP/1.1\r\nHost: a\r\nHost: c\r\n\r\n',
    status: 400,
  },
  {
    name: 'absolute form with userinfo: 400',
    send: 'GET http://evil@b.test/x HTTP/1.1\r\nHost: b.test\r\n\r\n',
    status: 400,
  },
  {
    name: 'absolute form with a space-free but invalid authority (a"b): 400',
    send: 'GET http://a"b/x HTTP/1.1\r\nHost: a\r\n\r\n',
    status: 400,
  },
  {
    name: 'absolute form with a percent-encoded authority is a reg-name',
    send: 'GET http://b%2Ftest/ HTTP/1.1\r\nHost: a\r\n\r\n',
    status: 200,
    upstream: { url: '/', host: 'b%2Ftest' },
  },
];

const listed: RequestCase[] = [
  {
    name: 'Connection: host never removes Host',
    send: 'GET /h HTTP/1.1\r\nHost: a\r\nConnection: host\r\n\r\n',
    status: 200,
    upstream: { url: '/h' },
  },
  {
    name: 'Connection: Host, X-A removes X-A only',
    send: 'GET /h HTTP/1.1\r\nHost: a\r\nConnection: Host, X-A\r\nX-A: 1\r\nX-B: 2\r\n\r\n',
    status: 200,
    upstream: { url: '/h', headers: [['X-B', '2']] },
  },
  {
    name: 'Connection: content-length never removes Content-Length (body intact)',
    send: 'POST /h HTTP/1.1\r\nHost: a\r\nConnection: content-length\r\nContent-Length: 3\r\n\r\nabc',
    status: 200,
    upstream: { method: 'POST', url: '/h', body: 'abc' },
  },
  {
    name: 'Connection: HOST, CONTENT-LENGTH in upper case changes nothing either',
    send: 'POST /h HTTP/1.1\r\nHost: a\r\nConnection: HOST, CONTENT-LENGTH\r\nContent-Length: 3\r\n\r\nxyz',
    status: 200,
    upstream: { method: 'POST', url: '/h', body: 'xyz' },
  },
];

describe('Host: presence and duplicates', () => {
  requestTable(useRecordingSuite(), presence);
});

describe('Host: values', () => {
  requestTable(useRecordingSuite(), values);
});

describe('Host: absolute-form authority', () => {
  requestTable(useRecordingSuite(), absolute);
});

describe('Host: Connection cannot remove it', () => {
  requestTable(useRecordingSuite(), listed);
});

describe('Host: preserveHost false sends the backend its own authority', () => {
  requestTable(useRecordingSuite({ preserveHost: false }), [
    {
      name: 'the client Host goes to X-Forwarded-Host only',
      send: 'GET /h HTTP/1.1\r\nHost: shop.example\r\n\r\n',
      status: 200,
      upstream: { url: '/h', host: null, xfh: 'shop.example' },
    },
    {
      name: 'an absolute-form authority goes to X-Forwarded-Host only',
      send: 'GET http://b.test/x HTTP/1.1\r\nHost: a\r\n\r\n',
      status: 200,
      upstream: { url: '/x', host: null, xfh: 'b.test' },
    },
    {
      name: 'two Host lines are still refused',
      send: 'GET /h HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
      status: 400,
    },
    {
      name: 'an invalid Host is still refused',
      send: 'GET /h HTTP/1.1\r\nHost: a/b\r\n\r\n',
      status: 400,
    },
  ]);
});
