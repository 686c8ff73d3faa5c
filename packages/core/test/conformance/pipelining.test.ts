/**
 * Conformance table: pipelining (RFC 9112 §9.3.2) and what follows a request that ends the
 * connection (§9.6). Several requests in one write must be answered in order, reach the
 * backend one at a time (it holds each answer back briefly so overlap would show) and with
 * their own bodies; a refused request ends the connection and nothing after it is processed;
 * a `Connection: close` request or an HTTP/1.0 request is the last one served.
 */
import { describe, expect, it } from 'vitest';
import { itFails } from './support/request-cases.js';
import { useRecordingSuite } from './support/suite.js';
import { exchange, type Wire } from './support/wire.js';

interface PipelineCase {
  name: string;
  send: Wire;
  /** Statuses the client receives, in order. */
  statuses: number[];
  /** `method url body` of every request the backend receives, in order. */
  upstream: string[];
  close: boolean;
  methods?: string[];
  bodies?: string[];
  bug?: string;
}

const get = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: a\r\n${extra}\r\n`;
const post = (path: string, body: string): string =>
  `POST ${path} HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

const cases: PipelineCase[] = [
  {
    name: 'three GETs in one write: answered in order, one at a time',
    send: get('/1') + get('/2') + get('/3'),
    statuses: [200, 200, 200],
    upstream: ['GET /1 ', 'GET /2 ', 'GET /3 '],
    close: false,
  },
  {
    name: 'GET, POST with a body, GET',
    send: get('/1') + post('/2', 'body-2') + get('/3'),
    statuses: [200, 200, 200],
    upstream: ['GET /1 ', 'POST /2 body-2', 'GET /3 '],
    close: false,
  },
  {
    name: 'GET, then a POST with a 70 KiB body (over bodyBuffer, streamed)',
    send: get('/1') + post('/2', 'x'.repeat(70_000)),
    statuses: [200, 200],
    upstream: ['GET /1 ', `POST /2 ${'x'.repeat(70_000)}`],
    close: false,
  },
  {
    name: 'a chunked POST between two GETs',
    send: `${get('/1')}POST /2 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n${get('/3')}`,
    statuses: [200, 200, 200],
    upstream: ['GET /1 ', 'POST /2 abc', 'GET /3 '],
    close: false,
  },
  {
    name: 'HEAD then GET: the HEAD answer carries no body',
    send: `HEAD /1 HTTP/1.1\r\nHost: a\r\n\r\n${get('/2')}`,
    methods: ['HEAD', 'GET'],
    statuses: [200, 200],
    bodies: ['', 'ok'],
    upstream: ['HEAD /1 ', 'GET /2 '],
    close: false,
  },
  {
    name: 'a declined h2c upgrade with a body, then a GET',
    send: `POST /1 HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nContent-Length: 5\r\n\r\nhello${get('/2')}`,
    statuses: [200, 200],
    upstream: ['POST /1 hello', 'GET /2 '],
    close: false,
  },
  {
    name: 'requests split across writes at odd places',
    send: [
      'GET /1 HTTP/1.1\r\nHo',
      'st: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab',
      `cd${get('/3').slice(0, 9)}`,
      get('/3').slice(9),
    ],
    statuses: [200, 200, 200],
    upstream: ['GET /1 ', 'POST /2 abcd', 'GET /3 '],
    close: false,
  },
  {
    name: '40 GETs in one write (past the per-connection queue of 32): all answered in order',
    send: Array.from({ length: 40 }, (_, i) => get(`/${i}`)).join(''),
    statuses: Array.from({ length: 40 }, () => 200),
    upstream: Array.from({ length: 40 }, (_, i) => `GET /${i} `),
    close: false,
  },
  {
    name: 'a request refused by Helios ends the connection; what follows is never processed',
    send: get('/1') + get('/2', 'Host: b\r\n') + get('/3'),
    statuses: [200, 400],
    upstream: ['GET /1 '],
    close: true,
  },
  {
    name: 'a refused first request: nothing is forwarded',
    send: get('/1', 'Host: b\r\n') + get('/2'),
    statuses: [400],
    upstream: [],
    close: true,
  },
  {
    name: 'a Connection: close request is the last one processed, and answered',
    send: get('/1', 'Connection: close\r\n') + get('/2'),
    statuses: [200],
    upstream: ['GET /1 '],
    close: true,
  },
  {
    name: 'an HTTP/1.0 request without keep-alive is the last one processed, and answered',
    send: `GET /1 HTTP/1.0\r\nHost: a\r\n\r\n${get('/2')}`,
    statuses: [200],
    upstream: ['GET /1 '],
    close: true,
  },
  {
    name: 'a valid GET followed by garbage: 200 for the GET, then 400',
    send: `${get('/1')}GARBAGE\r\n\r\n`,
    statuses: [200, 400],
    upstream: ['GET /1 '],
    close: true,
  },
  {
    name: 'a valid POST followed by garbage: 200 for the POST, then 400',
    send: `${post('/1', 'pay')}\x00\x01\x02\r\n\r\n`,
    statuses: [200, 400],
    upstream: ['POST /1 pay'],
    close: true,
  },
  {
    name: 'an HTTP/1.0 POST without Content-Length: empty body, 200, the trailing bytes ignored',
    send: 'POST /1 HTTP/1.0\r\nHost: a\r\n\r\nabc',
    statuses: [200],
    upstream: ['POST /1 '],
    close: true,
  },
];

describe('pipelining', () => {
  const suite = useRecordingSuite();

  for (const c of cases) {
    const test = c.bug === undefined ? it : itFails;
    test(c.name, async () => {
      suite.backend.delayMs = 5;
      try {
        const out = await exchange(suite.port, c.send, {
          responses: c.close ? undefined : c.statuses.length,
          methods: c.methods,
          timeoutMs: 5_000,
        });
        expect(out.responses.map((r) => r.status)).toEqual(c.statuses);
        expect(out.closed).toBe(c.close);
        if (c.bodies !== undefined) {
          expect(out.responses.map((r) => r.body.toString())).toEqual(c.bodies);
        }
        await suite.settle();
        const seen = suite.backend.requests.map((r) => `${r.method} ${r.url} ${r.body.toString()}`);
        expect(seen).toEqual(c.upstream);
        expect(suite.backend.started).toBe(c.upstream.length);
        expect(suite.backend.maxActive).toBeLessThanOrEqual(1);
        expect(suite.health.filter((h) => h.failure !== undefined)).toEqual([]);
        // Responses carry their own request ids, in order.
        const ids = out.responses.map((r) => r.headers.find(([n]) => n === 'x-request-id')?.[1]);
        expect(new Set(ids).size).toBe(ids.length);
      } finally {
        suite.backend.delayMs = 0;
      }
    });
  }
});
