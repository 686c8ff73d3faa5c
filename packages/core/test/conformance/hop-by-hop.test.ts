/**
 * Conformance table: hop-by-hop fields and Upgrade on the request side (RFC 9110 §7.6.1, §7.8),
 * and Expect (RFC 9110 §10.1.1).
 *
 * Covers the fixed hop-by-hop set (Connection, Keep-Alive, Proxy-Connection, TE,
 * Proxy-Authorization, Upgrade), names listed in Connection (any case, spacing, several lines,
 * listed after or before the field), `close` honoured, and every non-WebSocket Upgrade: `h2c`
 * on GET and on POST with a Content-Length or chunked body, `websocket` on POST, HTTP/1.0,
 * other protocols — each must be served as a plain request with its body whole and the
 * connection reusable, while the usual refusals (Host, version, framing, count) still apply.
 * Expect: 100-continue, other expectations, HTTP/1.0 and case are covered with whole-request
 * writes; the interactive 100-continue exchanges are at the end of the file.
 */
import { describe, expect, it } from 'vitest';
import { type RequestCase, requestTable } from './support/request-cases.js';
import { useRecordingSuite } from './support/suite.js';
import { collect, openSocket, writeAll } from './support/wire.js';

const get = (lines: string): string => `GET /u HTTP/1.1\r\nHost: a\r\n${lines}\r\n`;
const post = (lines: string, body: string): string =>
  `POST /u HTTP/1.1\r\nHost: a\r\n${lines}\r\n${body}`;

const hopByHop: RequestCase[] = [
  {
    name: 'the fixed hop-by-hop set is dropped, Trailer and others kept, close honoured',
    send: get(
      'Connection: keep-alive, X-A, close\r\nX-A: 1\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\n' +
        'TE: trailers\r\nTrailer: X-T\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\nX-B: 2\r\n',
    ),
    status: 200,
    close: true,
    upstream: {
      url: '/u',
      headers: [
        ['Trailer', 'X-T'],
        ['X-B', '2'],
      ],
    },
  },
  {
    name: 'a name listed in Connection after the field it names',
    send: get('X-A: 1\r\nX-B: 2\r\nConnection: x-a\r\n'),
    status: 200,
    upstream: { url: '/u', headers: [['X-B', '2']] },
  },
  {
    name: 'names listed in upper case with odd spacing and empty elements',
    send: get('Connection: ,  X-A ,,X-C\t, \r\nX-A: 1\r\nX-B: 2\r\nX-C: 3\r\n'),
    status: 200,
    upstream: { url: '/u', headers: [['X-B', '2']] },
  },
  {
    name: 'several Connection lines add up',
    send: get('Connection: X-A\r\nConnection: X-C\r\nX-A: 1\r\nX-B: 2\r\nX-C: 3\r\n'),
    status: 200,
    upstream: { url: '/u', headers: [['X-B', '2']] },
  },
  {
    name: 'a listed name removes every repeat of it',
    send: get('Connection: x-a\r\nX-A: 1\r\nx-a: 2\r\nX-B: 2\r\n'),
    status: 200,
    upstream: { url: '/u', headers: [['X-B', '2']] },
  },
  {
    name: 'Connection listing Cookie removes it (the client asked)',
    send: get('Connection: cookie\r\nCookie: a=1\r\nX-B: 2\r\n'),
    status: 200,
    upstream: { url: '/u', headers: [['X-B', '2']] },
  },
  {
    name: 'Connection listing X-Forwarded-For cannot remove the one Helios adds',
    send: get('Connection: x-forwarded-for, x-forwarded-proto, x-forwarded-host, via\r\n'),
    status: 200,
    upstream: { url: '/u' },
  },
  {
    name: 'a listed X-Request-Id is replaced by a generated one',
    send: get('Connection: x-request-id\r\nX-Request-Id: from-client\r\n'),
    status: 200,
    upstream: { url: '/u' },
  },
  {
    name: 'TE: trailers is dropped with or without Connection: TE',
    send: get('Connection: TE\r\nTE: trailers\r\n'),
    status: 200,
    upstream: { url: '/u' },
  },
  {
    name: 'look-alike names are end-to-end (Keep_Alive, X-Connection, Tes)',
    send: get('Keep_Alive: 1\r\nX-Connection: close\r\nTes: 1\r\n'),
    status: 200,
    upstream: {
      url: '/u',
      headers: [
        ['Keep_Alive', '1'],
        ['X-Connection', 'close'],
        ['Tes', '1'],
      ],
    },
  },
  {
    name: 'Connection: Close in any case closes after the answer',
    send: get('Connection: CLOSE\r\n'),
    status: 200,
    close: true,
    upstream: { url: '/u' },
  },
];

const upgrades: RequestCase[] = [
  {
    name: 'GET with Upgrade: h2c is served as a plain request',
    send: get(
      'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n',
    ),
    status: 200,
    upstream: { url: '/u' },
  },
  {
    name: 'POST with Upgrade: h2c and a Content-Length body: body whole, connection reusable',
    send: post(
      'Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\nContent-Length: 5\r\n',
      'hello',
    ),
    status: 200,
    upstream: { method: 'POST', url: '/u', body: 'hello' },
  },
  {
    name: 'POST with Upgrade: h2c and a chunked body',
    send: post('Upgrade: h2c\r\nTransfer-Encoding: chunked\r\n', '5\r\nhello\r\n0\r\n\r\n'),
    status: 200,
    upstream: { method: 'POST', url: '/u', body: 'hello' },
  },
  {
    name: 'POST with Upgrade: h2c, body arriving in later writes',
    send: [post('Upgrade: h2c\r\nContent-Length: 10\r\n', ''), '01234', '56789'],
    status: 200,
    upstream: { method: 'POST', url: '/u', body: '0123456789' },
  },
  {
    name: 'POST with Upgrade: h2c and a 100 KiB body (over bodyBuffer, streamed)',
    send: post('Upgrade: h2c\r\nContent-Length: 102400\r\n', 'x'.repeat(102_400)),
    status: 200,
    upstream: { method: 'POST', url: '/u', body: 'x'.repeat(102_400) },
  },
  {
    name: 'POST with Upgrade: websocket is not a handshake: served plain, body whole',
    send: post('Upgrade: websocket\r\nConnection: Upgrade\r\nContent-Length: 5\r\n', 'hello'),
    status: 200,
    upstream: { method: 'POST', url: '/u', body: 'hello' },
  },
  {
    name: 'GET with an unknown Upgrade list is served plain',
    send: get('Upgrade: foo/2, bar\r\nConnection: upgrade\r\n'),
    status: 200,
    upstream: { url: '/u' },
  },
  {
    name: 'HTTP/1.0 GET with Upgrade: h2c is served plain and closed',
    send: 'GET /u HTTP/1.0\r\nHost: a\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n',
    status: 200,
    close: true,
    upstream: { url: '/u' },
  },
  {
    name: 'declined Upgrade keeps repeated fields, their case and obs-text values',
    send: get('Upgrade: h2c\r\nX-A: 1\r\nx-a: 2\r\nX-Weird: \xff\xfe\r\n'),
    status: 200,
    upstream: {
      url: '/u',
      headers: [
        ['X-A', '1'],
        ['x-a', '2'],
        ['X-Weird', '\xff\xfe'],
      ],
    },
  },
  {
    name: 'declined Upgrade with an absolute-form target',
    send: 'GET http://b.test/u?q HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\n\r\n',
    status: 200,
    upstream: { url: '/u?q', host: 'b.test' },
  },
  {
    name: 'declined Upgrade with an invalid Host: 400',
    send: 'GET /u HTTP/1.1\r\nHost: a b\r\nUpgrade: h2c\r\n\r\n',
    status: 400,
  },
  {
    name: 'declined Upgrade with two Host lines: 400',
    send: 'GET /u HTTP/1.1\r\nHost: a\r\nHost: b\r\nUpgrade: h2c\r\n\r\n',
    status: 400,
  },
  {
    name: 'declined Upgrade without Host: 400',
    send: 'GET /u HTTP/1.1\r\nUpgrade: h2c\r\n\r\n',
    status: 400,
  },
  {
    name: 'declined Upgrade with gzip, chunked: 501',
    send: post('Upgrade: h2c\r\nTransfer-Encoding: gzip, chunked\r\n', '5\r\nhello\r\n0\r\n\r\n'),
    status: 501,
  },
  {
    name: 'declined Upgrade on HTTP/1.0 with TE chunked: 400',
    send: 'POST /u HTTP/1.0\r\nHost: a\r\nUpgrade: h2c\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    status: 400,
  },
  {
    name: 'Upgrade on HTTP/0.9: 400',
    send: 'GET /u\r\nHost: a\r\nUpgrade: h2c\r\n\r\n',
    status: 400,
  },
];

const expectations: RequestCase[] = [
  {
    name: 'Expect: 100-continue with the body already sent: 100 then 200, Expect not forwarded',
    send: post('Expect: 100-continue\r\nContent-Length: 3\r\n', 'abc'),
    status: 200,
    upstream: { method: 'POST', url: '/u', body: 'abc' },
    check: (o) => expect(o.responses.map((r) => r.status)).toEqual([100, 200]),
  },
  {
    name: 'Expect: 100-Continue in another case is the same expectation',
    send: post('Expect: 100-Continue\r\nContent-Length: 3\r\n', 'abc'),
    status: 200,
    upstream: { method: 'POST', url: '/u', body: 'abc' },
    check: (o) => expect(o.responses.map((r) => r.status)).toEqual([100, 200]),
  },
  {
    name: 'Expect: 100-continue on HTTP/1.0 is ignored (no 100)',
    send: 'POST /u HTTP/1.0\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc',
    status: 200,
    close: true,
    upstream: { method: 'POST', url: '/u', body: 'abc' },
    check: (o) => expect(o.responses.map((r) => r.status)).toEqual([200]),
  },
  {
    name: 'an unknown expectation: 417, nothing forwarded',
    send: post('Expect: something\r\nContent-Length: 3\r\n', 'abc'),
    status: 417,
    close: false,
  },
  {
    name: 'Expect: 100-continue with an invalid Host: 400 and no 100',
    send: 'POST /u HTTP/1.1\r\nHost: a/b\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n',
    status: 400,
    check: (o) => expect(o.responses.map((r) => r.status)).toEqual([400]),
  },
  {
    name: 'Expect: 100-continue with gzip, chunked: 501 and no 100',
    send: post('Expect: 100-continue\r\nTransfer-Encoding: gzip, chunked\r\n', ''),
    status: 501,
    check: (o) => expect(o.responses.map((r) => r.status)).toEqual([501]),
  },
];

describe('hop-by-hop request fields', () => {
  requestTable(useRecordingSuite(), hopByHop);
});

describe('Upgrade other than a WebSocket handshake', () => {
  requestTable(useRecordingSuite(), upgrades);
});

describe('Expect', () => {
  requestTable(useRecordingSuite(), expectations);
});

describe('Expect: 100-continue, interactive', () => {
  const suite = useRecordingSuite();

  async function waitForContinue(body: string, buffered: boolean): Promise<void> {
    const socket = await openSocket(suite.port);
    try {
      const first = collect(socket, { until: (r) => r.length > 0, keepOpen: true });
      await writeAll(socket, `PUT /u HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n${body}`);
      const interim = await first;
      expect(interim.responses.map((r) => r.status)).toEqual([100]);
      // A small Content-Length body is read whole first: nothing reaches the backend before it.
      if (buffered) expect(suite.backend.started).toBe(0);
    } finally {
      socket.destroy();
    }
  }

  it('sends 100 Continue before any body byte is sent (Content-Length)', async () => {
    await waitForContinue('Content-Length: 5\r\n\r\n', true);
  });

  it('sends 100 Continue before any body byte is sent (chunked)', async () => {
    await waitForContinue('Transfer-Encoding: chunked\r\n\r\n', false);
  });

  it('forwards the body sent after 100 Continue, Expect removed', async () => {
    const socket = await openSocket(suite.port);
    try {
      const first = collect(socket, { until: (r) => r.length > 0, keepOpen: true });
      await writeAll(
        socket,
        'PUT /u HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n',
      );
      expect((await first).responses.map((r) => r.status)).toEqual([100]);
      const rest = collect(socket, { responses: 1, keepOpen: true });
      await writeAll(socket, 'hello');
      expect((await rest).responses.map((r) => r.status)).toEqual([200]);
      await suite.settle();
      expect(suite.backend.requests.map((r) => r.body.toString())).toEqual(['hello']);
      const names = suite.backend.requests[0]?.headers.map(([n]) => n.toLowerCase());
      expect(names).not.toContain('expect');
    } finally {
      socket.destroy();
    }
  });
});
