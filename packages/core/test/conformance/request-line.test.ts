/**
 * Conformance table: the request line (RFC 9112 §2-3, RFC 9110 §2.5 and §9).
 *
 * Covers methods (standard, WebDAV and extension ones, case, CONNECT), request targets in
 * origin, absolute, authority and asterisk form, HTTP versions 0.9/1.0/1.1/1.2/2.0/3.0 and
 * malformed ones (the HTTP/0.9 header-injection line included), whitespace, bare LF and bare
 * CR, control and non-ASCII bytes, and the URL length limit against the head size limit.
 * Each case is the exact bytes a client sends, the status Helios answers, and whether and how
 * the request reached the backend (see support/request-cases.ts for what every case proves).
 *
 * LIMITATION cases are deliberate strictness inherited from Node's parser (llhttp strict
 * mode): they refuse what RFC 9110/9112 say a recipient SHOULD accept; they are listed in
 * docs/conformance.md.
 */
import { describe } from 'vitest';
import { type RequestCase, requestTable } from './support/request-cases.js';
import { useRecordingSuite } from './support/suite.js';

const req = (line: string, head = 'Host: a\r\n'): string => `${line}\r\n${head}\r\n`;

const methods: RequestCase[] = [
  { name: 'GET, origin form', send: req('GET / HTTP/1.1'), status: 200, upstream: {} },
  {
    name: 'HEAD is forwarded as HEAD and its answer has no body',
    send: req('HEAD /h HTTP/1.1'),
    methods: ['HEAD'],
    status: 200,
    upstream: { method: 'HEAD', url: '/h' },
  },
  {
    name: 'POST with a Content-Length body',
    send: 'POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello',
    status: 200,
    upstream: { method: 'POST', url: '/p', body: 'hello' },
  },
  {
    name: 'PUT with a body',
    send: 'PUT /r HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc',
    status: 200,
    upstream: { method: 'PUT', url: '/r', body: 'abc' },
  },
  {
    name: 'PATCH with a body',
    send: 'PATCH /r HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}',
    status: 200,
    upstream: { method: 'PATCH', url: '/r', body: '{}' },
  },
  {
    name: 'DELETE',
    send: req('DELETE /r HTTP/1.1'),
    status: 200,
    upstream: { method: 'DELETE', url: '/r' },
  },
  {
    name: 'OPTIONS with an origin-form target',
    send: req('OPTIONS /r HTTP/1.1'),
    status: 200,
    upstream: { method: 'OPTIONS', url: '/r' },
  },
  {
    name: 'TRACE is forwarded like any other method',
    send: req('TRACE /t HTTP/1.1'),
    status: 200,
    upstream: { method: 'TRACE', url: '/t' },
  },
  {
    name: 'GET with a body keeps the body',
    send: 'GET /g HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc',
    status: 200,
    upstream: { url: '/g', body: 'abc' },
  },
  {
    name: 'QUERY (safe method with content)',
    send: 'QUERY /q HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nq=1&',
    status: 200,
    upstream: { method: 'QUERY', url: '/q', body: 'q=1&' },
    // LIMITATION: llhttp 8 does not know the QUERY method.
    onLlhttp8: { status: 400, upstream: undefined },
  },
  {
    name: 'PURGE (cache extension method)',
    send: req('PURGE /c HTTP/1.1'),
    status: 200,
    upstream: { method: 'PURGE', url: '/c' },
  },
  {
    name: 'PROPFIND (WebDAV)',
    send: req('PROPFIND /d HTTP/1.1'),
    status: 200,
    upstream: { method: 'PROPFIND', url: '/d' },
  },
  {
    name: 'MKCOL (WebDAV)',
    send: req('MKCOL /d HTTP/1.1'),
    status: 200,
    upstream: { method: 'MKCOL', url: '/d' },
  },
  {
    name: 'SEARCH',
    send: req('SEARCH /s HTTP/1.1'),
    status: 200,
    upstream: { method: 'SEARCH', url: '/s' },
  },
  {
    name: 'CONNECT is refused with 405 (Helios is no forward proxy)',
    send: req('CONNECT b.test:443 HTTP/1.1', 'Host: b.test:443\r\n'),
    status: 405,
  },
  {
    name: 'CONNECT with a body-looking tail is still 405 and never tunnels',
    send: `${req('CONNECT 127.0.0.1:22 HTTP/1.1', 'Host: 127.0.0.1:22\r\n')}SSH-2.0-x\r\n`,
    status: 405,
  },
  // LIMITATION: llhttp knows a fixed method table; an unknown token is a parse error (400).
  // RFC 9110 §9.1 makes any token a method (an origin would answer 501).
  {
    name: 'LIMITATION: unknown method token FOO gets 400',
    send: req('FOO / HTTP/1.1'),
    status: 400,
  },
  {
    name: 'LIMITATION: lower-case get (methods are case-sensitive) gets 400',
    send: req('get / HTTP/1.1'),
    status: 400,
  },
  { name: 'method with a non-token character', send: req('G@T / HTTP/1.1'), status: 400 },
  { name: 'no method', send: req('/a HTTP/1.1'), status: 400 },
];

const targets: RequestCase[] = [
  {
    name: 'origin form with query is kept byte for byte',
    send: req('GET /a/b?x=1&y=%20&z HTTP/1.1'),
    status: 200,
    upstream: { url: '/a/b?x=1&y=%20&z' },
  },
  {
    name: 'dot segments are not normalised',
    send: req('GET /a/../b/./c HTTP/1.1'),
    status: 200,
    upstream: { url: '/a/../b/./c' },
  },
  {
    name: 'double slash path is kept',
    send: req('GET //a/b HTTP/1.1'),
    status: 200,
    upstream: { url: '//a/b' },
  },
  {
    name: 'broken percent-encoding is passed through, not decoded',
    send: req('GET /a?b=%zz&c=%00 HTTP/1.1'),
    status: 200,
    upstream: { url: '/a?b=%zz&c=%00' },
  },
  {
    name: 'characters outside RFC 3986 that llhttp tolerates ({}|^`\\"<>) pass verbatim',
    send: req('GET /{}|^`\\"<> HTTP/1.1'),
    status: 200,
    upstream: { url: '/{}|^`\\"<>' },
  },
  {
    name: 'a fragment in the request target is refused (RFC 9112 §3.2: no fragment)',
    send: req('GET /a#b HTTP/1.1'),
    status: 400,
  },
  { name: 'query without a path', send: req('GET ?x HTTP/1.1'), status: 400 },
  {
    name: 'absolute form: path and query go upstream, the authority becomes Host',
    send: req('GET http://b.test/x?y=1 HTTP/1.1'),
    status: 200,
    upstream: { url: '/x?y=1', host: 'b.test' },
  },
  {
    name: 'absolute form without a path asks for /',
    send: req('GET http://b.test HTTP/1.1'),
    status: 200,
    upstream: { url: '/', host: 'b.test' },
  },
  {
    name: 'absolute form with only a query',
    send: req('GET http://b.test?q HTTP/1.1'),
    status: 200,
    upstream: { url: '/?q', host: 'b.test' },
  },
  {
    name: 'absolute form, upper-case scheme',
    send: req('GET HTTP://B.test/x HTTP/1.1'),
    status: 200,
    upstream: { url: '/x', host: 'B.test' },
  },
  {
    name: 'absolute form with https scheme and a port',
    send: req('GET https://b.test:8443/s HTTP/1.1'),
    status: 200,
    upstream: { url: '/s', host: 'b.test:8443' },
  },
  {
    name: 'absolute form with an IPv6 literal authority',
    send: req('GET http://[::1]:8080/x HTTP/1.1'),
    status: 200,
    upstream: { url: '/x', host: '[::1]:8080' },
  },
  {
    name: 'absolute form naming a cloud metadata address still goes to the configured backend',
    send: req('GET http://169.254.169.254/latest HTTP/1.1'),
    status: 200,
    upstream: { url: '/latest', host: '169.254.169.254' },
  },
  { name: 'absolute form with ftp scheme', send: req('GET ftp://b.test/ HTTP/1.1'), status: 400 },
  {
    name: 'absolute form with userinfo',
    send: req('GET http://u:p@b.test/ HTTP/1.1'),
    status: 400,
  },
  {
    name: 'absolute form with empty userinfo',
    send: req('GET http://@b.test/ HTTP/1.1'),
    status: 400,
  },
  { name: 'absolute form with empty authority', send: req('GET http:///x HTTP/1.1'), status: 400 },
  { name: 'absolute form with a fragment', send: req('GET http://b.test#f HTTP/1.1'), status: 400 },
  { name: 'absolute form with one slash', send: req('GET http:/b.test/ HTTP/1.1'), status: 400 },
  {
    name: 'absolute form with a backslash in the authority',
    send: req('GET http://b.test\\x/ HTTP/1.1'),
    status: 400,
  },
  { name: 'authority form on GET', send: req('GET b.test:80 HTTP/1.1'), status: 400 },
  { name: 'asterisk form on OPTIONS (not served)', send: req('OPTIONS * HTTP/1.1'), status: 400 },
  { name: 'asterisk form on GET', send: req('GET * HTTP/1.1'), status: 400 },
  { name: 'no target', send: req('GET HTTP/1.1'), status: 400 },
];

const versions: RequestCase[] = [
  {
    name: 'HTTP/1.0 with Host: served, forwarded as HTTP/1.1, connection closed after',
    send: req('GET /a HTTP/1.0'),
    status: 200,
    close: true,
    upstream: { url: '/a' },
  },
  {
    name: 'HTTP/1.0 without Host: served; the backend sees its own authority and no X-Forwarded-Host',
    send: 'GET /a HTTP/1.0\r\n\r\n',
    status: 200,
    close: true,
    upstream: { url: '/a', host: null, xfh: null },
  },
  {
    name: 'HTTP/1.0 with Connection: keep-alive keeps the connection',
    send: req('GET /a HTTP/1.0', 'Host: a\r\nConnection: keep-alive\r\n'),
    status: 200,
    close: false,
    upstream: { url: '/a' },
  },
  {
    name: 'HTTP/1.1 with Connection: close closes after the answer',
    send: req('GET /a HTTP/1.1', 'Host: a\r\nConnection: close\r\n'),
    status: 200,
    close: true,
    upstream: { url: '/a' },
  },
  { name: 'HTTP/0.9 (no version)', send: 'GET /a\r\n\r\n', status: 400 },
  {
    name: 'HTTP/0.9 line with an injected header after a bare LF',
    send: 'GET /a\nX-Injected: yes HTTP/1.1\r\nHost: a\r\n\r\n',
    status: 400,
  },
  { name: 'explicit HTTP/0.9', send: req('GET /a HTTP/0.9'), status: 400 },
  { name: 'HTTP/2.0 on an HTTP/1 connection: 505', send: req('GET /a HTTP/2.0'), status: 505 },
  {
    name: 'HTTP/2.0 with an Upgrade header: still 505',
    send: req('GET /a HTTP/2.0', 'Host: a\r\nUpgrade: h2c\r\n'),
    status: 505,
  },
  {
    name: 'HTTP/3.0: major version other than 1 gets 505',
    send: req('GET /a HTTP/3.0'),
    status: 505,
  },
  {
    name: 'HTTP/9.9: major version other than 1 gets 505',
    send: req('GET /a HTTP/9.9'),
    status: 505,
  },
  // LIMITATION: RFC 9110 §2.5 says a higher minor version SHOULD be processed as 1.1; llhttp
  // refuses it.
  { name: 'LIMITATION: HTTP/1.2 gets 400', send: req('GET /a HTTP/1.2'), status: 400 },
  { name: 'HTTP/1.10 (two-digit minor)', send: req('GET /a HTTP/1.10'), status: 400 },
  { name: 'HTTP/1 (no minor)', send: req('GET /a HTTP/1'), status: 400 },
  {
    name: 'lower-case http/1.1 (HTTP-name is case-sensitive)',
    send: req('GET /a http/1.1'),
    status: 400,
  },
  { name: 'space inside the version', send: req('GET /a HTTP/ 1.1'), status: 400 },
  { name: 'plain garbage', send: 'GARBAGE\r\n\r\n', status: 400 },
  { name: 'NUL bytes', send: Buffer.alloc(16), status: 400 },
  {
    name: 'PRI * HTTP/2.0 (h2 prior-knowledge preface)',
    send: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
    status: 400,
  },
  {
    name: 'a TLS ClientHello on the plain port',
    send: Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]),
    status: 400,
  },
];

const whitespace: RequestCase[] = [
  {
    name: 'one empty line before the request line is ignored',
    send: `\r\n${req('GET /e HTTP/1.1')}`,
    status: 200,
    upstream: { url: '/e' },
  },
  {
    name: 'several empty lines before the request line are ignored',
    send: `\r\n\r\n\r\n${req('GET /e HTTP/1.1')}`,
    status: 200,
    upstream: { url: '/e' },
  },
  {
    name: 'a bare LF before the request line is ignored',
    send: `\n${req('GET /e HTTP/1.1')}`,
    status: 200,
    upstream: { url: '/e' },
  },
  {
    name: 'two spaces after the method (RFC 9112 §3 MAY parse on whitespace)',
    send: req('GET  /w HTTP/1.1'),
    status: 200,
    upstream: { url: '/w' },
  },
  {
    name: 'two spaces before the version',
    send: req('GET /w  HTTP/1.1'),
    status: 200,
    upstream: { url: '/w' },
  },
  { name: 'leading space before the method', send: req(' GET /w HTTP/1.1'), status: 400 },
  { name: 'trailing space after the version', send: req('GET /w HTTP/1.1 '), status: 400 },
  { name: 'tab as separator', send: req('GET\t/w HTTP/1.1'), status: 400 },
  { name: 'space inside the target', send: req('GET /a b HTTP/1.1'), status: 400 },
  { name: 'tab inside the target', send: req('GET /a\tb HTTP/1.1'), status: 400 },
  { name: 'vertical tab inside the target', send: req('GET /a\x0bb HTTP/1.1'), status: 400 },
  { name: 'form feed inside the target', send: req('GET /a\x0cb HTTP/1.1'), status: 400 },
  { name: 'bare CR inside the target', send: req('GET /a\rb HTTP/1.1'), status: 400 },
  {
    name: 'bare CR ending the request line',
    send: 'GET /a HTTP/1.1\rHost: a\r\n\r\n',
    status: 400,
  },
  { name: 'bare LF line endings throughout', send: 'GET /a HTTP/1.1\nHost: a\n\n', status: 400 },
  { name: 'bare LF ending the head', send: 'GET /a HTTP/1.1\r\nHost: a\n\r\n', status: 400 },
  { name: 'NUL inside the target', send: req('GET /a\x00 HTTP/1.1'), status: 400 },
  { name: 'DEL inside the target', send: req('GET /\x7f HTTP/1.1'), status: 400 },
  { name: 'raw UTF-8 bytes inside the target', send: req('GET /\xc3\xa9 HTTP/1.1'), status: 400 },
  { name: 'vertical tab after the version', send: req('GET /a HTTP/1.1\x0b'), status: 400 },
];

describe('request line: methods', () => {
  requestTable(useRecordingSuite(), methods);
});

describe('request line: targets', () => {
  requestTable(useRecordingSuite(), targets);
});

describe('request line: versions', () => {
  requestTable(useRecordingSuite(), versions);
});

describe('request line: whitespace, line endings and odd bytes', () => {
  requestTable(useRecordingSuite(), whitespace);
});

describe('request line: URL length (limits.maxUrlLength 8192, maxHeaderSize 16 KiB)', () => {
  const path = (length: number): string => `/${'u'.repeat(length - 1)}`;
  requestTable(useRecordingSuite(), [
    {
      name: 'a target of exactly maxUrlLength is served',
      send: req(`GET ${path(8_192)} HTTP/1.1`),
      status: 200,
      upstream: { url: path(8_192) },
    },
    {
      name: 'one byte over maxUrlLength: 414',
      send: req(`GET ${path(8_193)} HTTP/1.1`),
      status: 414,
    },
    {
      name: 'a target longer than maxHeaderSize is still 414, not 431',
      send: req(`GET ${path(20_000)} HTTP/1.1`),
      status: 414,
    },
    {
      name: 'a target longer than the parser head limit altogether: 414',
      send: req(`GET ${path(40_000)} HTTP/1.1`),
      status: 414,
    },
    {
      name: 'a long target and headers each within their own limit are served',
      send: req(`GET ${path(8_000)} HTTP/1.1`, `Host: a\r\nX-Big: ${'b'.repeat(16_000)}\r\n`),
      status: 200,
      upstream: { url: path(8_000), headers: [['X-Big', 'b'.repeat(16_000)]] },
    },
    {
      name: 'a long target within its limit with headers over theirs: 431',
      send: req(`GET ${path(8_000)} HTTP/1.1`, `Host: a\r\nX-Big: ${'b'.repeat(16_400)}\r\n`),
      status: 431,
    },
  ]);
});

describe('request line: a head that stops arriving (timeouts.clientHeader 300 ms)', () => {
  requestTable(useRecordingSuite({ timeouts: { clientHeader: 300 } }), [
    { name: 'half a request line: 408', send: 'GET /slow HTT', status: 408 },
    {
      name: 'a request line and no end of head: 408',
      send: 'GET /slow HTTP/1.1\r\nHost: a\r\n',
      status: 408,
    },
    {
      name: 'a head missing its final CRLF: 408',
      send: 'GET /slow HTTP/1.1\r\nHost: a\r\n\r',
      status: 408,
    },
  ]);
});
