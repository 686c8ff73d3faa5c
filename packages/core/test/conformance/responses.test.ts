/**
 * Conformance table: what the client gets for each kind of backend answer (RFC 9110 §15,
 * RFC 9112 §4-7), written byte for byte by a raw backend.
 *
 * Covers 1xx (an unsolicited 100 skipped, 102 skipped, 103 Early Hints with Link relayed to
 * HTTP/1.1 clients only, 103 without Link dropped, several 103s), 204/304/HEAD answers carrying
 * Content-Length or Transfer-Encoding, bodies framed by Content-Length, chunked (extensions,
 * trailers) or the connection closing, hop-by-hop response fields, Via and X-Request-Id, a
 * status line without reason or from HTTP/1.0, and the answers that are the backend's fault
 * (CL with TE, bad or duplicate CL, invalid status line, garbage, empty reply, header overflow,
 * obs-fold, NUL, bare LF, an unrequested 101, a body cut short). Valid-but-odd answers must not
 * count against the backend's health; faulty ones must, and the client connection survives any
 * answer that was not cut mid-body.
 */
import { describe } from 'vitest';
import { type ResponseCase, responseTable } from './support/response-cases.js';
import { useScriptedSuite } from './support/suite.js';

const FINAL = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok';

const informational: ResponseCase[] = [
  {
    name: 'an unsolicited 100 Continue is skipped and the final answer relayed',
    reply: `HTTP/1.1 100 Continue\r\n\r\n${FINAL}`,
    statuses: [200],
    body: 'ok',
  },
  {
    name: '102 Processing is skipped',
    reply: `HTTP/1.1 102 Processing\r\n\r\n${FINAL}`,
    statuses: [200],
    body: 'ok',
  },
  {
    name: '103 Early Hints with Link is relayed before the final answer',
    reply: `HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload; as=style\r\n\r\n${FINAL}`,
    statuses: [103, 200],
    body: 'ok',
    check: (_final, o) => {
      const hint = o.responses[0];
      if (
        hint?.headers.find(([n]) => n.toLowerCase() === 'link')?.[1] !==
        '</s.css>; rel=preload; as=style'
      ) {
        throw new Error(`103 without the Link: ${JSON.stringify(hint?.headers)}`);
      }
    },
  },
  {
    name: 'two 103 answers are both relayed, in order',
    reply: `HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </b>; rel=preload\r\n\r\n${FINAL}`,
    statuses: [103, 103, 200],
    body: 'ok',
  },
  {
    name: '103 without a Link field is dropped',
    reply: `HTTP/1.1 103 Early Hints\r\nX-A: 1\r\n\r\n${FINAL}`,
    statuses: [200],
    body: 'ok',
  },
  {
    name: '103 with a Link value Node refuses to write is dropped, the answer still relayed',
    reply: `HTTP/1.1 103 Early Hints\r\nLink: \xff\r\n\r\n${FINAL}`,
    statuses: [200],
    body: 'ok',
  },
  {
    name: '103 is not relayed to an HTTP/1.0 client',
    request: 'GET / HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n',
    reply: `HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n${FINAL}`,
    statuses: [200],
    body: 'ok',
  },
  {
    name: 'a 103 and then the backend closes: 103, then 502',
    reply: 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n',
    replyClose: true,
    statuses: [103, 502],
    backendFailure: true,
  },
];

const noBody: ResponseCase[] = [
  {
    name: '204 with no length field',
    reply: 'HTTP/1.1 204 No Content\r\n\r\n',
    statuses: [204],
    body: '',
  },
  {
    name: '204 with Content-Length: 5 and no body: relayed without the length field',
    reply: 'HTTP/1.1 204 No Content\r\ncontent-length: 5\r\n\r\n',
    statuses: [204],
    body: '',
    absent: ['content-length', 'transfer-encoding'],
  },
  {
    name: '204 with Transfer-Encoding: chunked and no body',
    reply: 'HTTP/1.1 204 No Content\r\ntransfer-encoding: chunked\r\n\r\n',
    statuses: [204],
    body: '',
    absent: ['transfer-encoding'],
  },
  {
    name: '304 with the Content-Length of the full representation and no body',
    reply: 'HTTP/1.1 304 Not Modified\r\ncontent-length: 100\r\netag: "x"\r\n\r\n',
    statuses: [304],
    body: '',
    present: [
      ['content-length', '100'],
      ['etag', '"x"'],
    ],
  },
  {
    name: '304 with Transfer-Encoding: chunked and no body',
    reply: 'HTTP/1.1 304 Not Modified\r\ntransfer-encoding: chunked\r\n\r\n',
    statuses: [304],
    body: '',
    absent: ['transfer-encoding'],
  },
  {
    name: 'HEAD answered with Content-Length: 100 and no body',
    method: 'HEAD',
    reply: 'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n',
    statuses: [200],
    body: '',
    present: [['content-length', '100']],
  },
  {
    name: 'HEAD answered with Transfer-Encoding: chunked and no body',
    method: 'HEAD',
    reply: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n',
    statuses: [200],
    body: '',
  },
  {
    name: 'HEAD answered with a 404 and Content-Length',
    method: 'HEAD',
    reply: 'HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\n\r\n',
    statuses: [404],
    body: '',
  },
];

const bodies: ResponseCase[] = [
  {
    name: 'Content-Length body',
    reply: 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello',
    statuses: [200],
    body: 'hello',
    present: [['content-length', '5']],
  },
  {
    name: 'Content-Length with leading zeros',
    reply: 'HTTP/1.1 200 OK\r\ncontent-length: 003\r\n\r\nabc',
    statuses: [200],
    body: 'abc',
  },
  {
    name: 'Content-Length: 0',
    reply: 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n',
    statuses: [200],
    body: '',
  },
  {
    name: 'chunked body with extensions: extensions dropped, data whole',
    reply:
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2;a=b\r\nok\r\n3\r\n!!!\r\n0\r\n\r\n',
    statuses: [200],
    body: 'ok!!!',
  },
  {
    name: 'chunked body with trailers: trailers relayed',
    reply:
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ntrailer: x-sum\r\n\r\n2\r\nok\r\n0\r\nx-sum: 1\r\n\r\n',
    statuses: [200],
    body: 'ok',
    present: [['trailer', 'x-sum']],
    trailers: [['x-sum', '1']],
  },
  {
    name: 'close-delimited body: relayed whole, the client connection stays usable',
    reply: 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the close',
    replyClose: true,
    statuses: [200],
    body: 'until the close',
  },
  {
    name: 'close-delimited body to an HTTP/1.0 client: body whole, then close',
    request: 'GET / HTTP/1.0\r\nHost: a\r\n\r\n',
    reply: 'HTTP/1.1 200 OK\r\n\r\nuntil the close',
    replyClose: true,
    statuses: [200],
    body: 'until the close',
    close: true,
  },
  {
    name: 'chunked body to an HTTP/1.0 client: no chunked framing, then close',
    request: 'GET / HTTP/1.0\r\nHost: a\r\n\r\n',
    reply: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
    statuses: [200],
    body: 'ok',
    absent: ['transfer-encoding'],
    close: true,
  },
  {
    name: 'more bytes than Content-Length: only the declared body is relayed',
    reply: 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokEXTRA',
    replyClose: true,
    statuses: [200],
    body: 'ok',
  },
  {
    name: 'a status line without a reason phrase',
    reply: 'HTTP/1.1 200 \r\ncontent-length: 2\r\n\r\nok',
    statuses: [200],
    body: 'ok',
  },
  {
    name: 'a custom reason phrase is relayed',
    reply: 'HTTP/1.1 200 Totally Fine\r\ncontent-length: 2\r\n\r\nok',
    statuses: [200],
    check: (final) => {
      if (final?.reason !== 'Totally Fine') throw new Error(`reason ${final?.reason}`);
    },
  },
  {
    name: 'an HTTP/1.0 status line is relayed as HTTP/1.1',
    reply: 'HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok',
    replyClose: true,
    statuses: [200],
    body: 'ok',
    check: (final) => {
      if (final?.version !== 'HTTP/1.1') throw new Error(`version ${final?.version}`);
    },
  },
  {
    name: 'a transfer coding Helios cannot decode (gzip) is not passed off as identity: 502',
    reply: 'HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\n\x1f\x8b\x08\x00binary',
    replyClose: true,
    statuses: [502],
    backendFailure: true,
  },
];

const fields: ResponseCase[] = [
  {
    name: 'hop-by-hop response fields and the ones Connection lists are dropped',
    reply:
      'HTTP/1.1 200 OK\r\nConnection: close, X-Internal\r\nX-Internal: s\r\nKeep-Alive: timeout=1\r\n' +
      'Proxy-Authenticate: Basic\r\nUpgrade: h2c\r\nTE: trailers\r\nX-Kept: 1\r\ncontent-length: 2\r\n\r\nok',
    replyClose: true,
    statuses: [200],
    body: 'ok',
    present: [['x-kept', '1']],
    absent: ['x-internal', 'proxy-authenticate', 'upgrade', 'te'],
    check: (final) => {
      // The client connection's own keep-alive fields, not the backend's.
      const ka = final?.headers.filter(([n]) => n.toLowerCase() === 'keep-alive') ?? [];
      if (ka.some(([, v]) => v === 'timeout=1')) throw new Error('backend Keep-Alive relayed');
    },
  },
  {
    name: "the backend's Via is extended and its X-Request-Id kept",
    reply:
      'HTTP/1.1 200 OK\r\nVia: 1.1 app\r\nX-Request-Id: backend-id\r\ncontent-length: 2\r\n\r\nok',
    statuses: [200],
    present: [
      ['via', '1.1 app, 1.1 helios'],
      ['x-request-id', 'backend-id'],
    ],
  },
  {
    name: 'repeated Set-Cookie fields stay separate',
    reply: 'HTTP/1.1 200 OK\r\nset-cookie: a=1\r\nset-cookie: b=2\r\ncontent-length: 2\r\n\r\nok',
    statuses: [200],
    check: (final) => {
      const cookies = final?.headers.filter(([n]) => n.toLowerCase() === 'set-cookie');
      if (JSON.stringify(cookies?.map(([, v]) => v)) !== '["a=1","b=2"]') {
        throw new Error(`set-cookie ${JSON.stringify(cookies)}`);
      }
    },
  },
];

const faults: ResponseCase[] = [
  {
    name: 'Content-Length with Transfer-Encoding: 502',
    reply:
      'HTTP/1.1 200 OK\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
    replyClose: true,
    statuses: [502],
    backendFailure: true,
  },
  {
    name: 'a non-numeric Content-Length: 502',
    reply: 'HTTP/1.1 200 OK\r\ncontent-length: abc\r\n\r\nok',
    replyClose: true,
    statuses: [502],
    backendFailure: true,
  },
  {
    name: 'two different Content-Length fields: 502',
    reply: 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\nok',
    replyClose: true,
    statuses: [502],
    backendFailure: true,
  },
  {
    name: 'a four-digit status: 502',
    reply: 'HTTP/1.1 2000 OK\r\ncontent-length: 2\r\n\r\nok',
    replyClose: true,
    statuses: [502],
    backendFailure: true,
  },
  {
    name: 'garbage instead of a status line: 502',
    reply: 'garbage\r\n\r\n',
    replyClose: true,
    statuses: [502],
    backendFailure: true,
  },
  {
    name: 'the backend closes without a byte: 502',
    reply: '',
    replyClose: true,
    statuses: [502],
    backendFailure: true,
  },
  {
    name: 'response headers over the upstream limit: 502',
    reply: `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(20_000)}\r\ncontent-length: 2\r\n\r\nok`,
    replyClose: true,
    statuses: [502],
    backendFailure: true,
  },
  {
    name: 'obs-fold in a response field: 502 (RFC 9112 §5.2 allows it for a proxy)',
    reply: 'HTTP/1.1 200 OK\r\nx-a: a\r\n b\r\ncontent-length: 2\r\n\r\nok',
    replyClose: true,
    statuses: [502],
    backendFailure: true,
  },
  {
    name: 'NUL in a response field: 502',
    reply: 'HTTP/1.1 200 OK\r\nx-a: a\x00b\r\ncontent-length: 2\r\n\r\nok',
    replyClose: true,
    statuses: [502],
    backendFailure: true,
  },
  {
    name: 'space before the colon in a response field: 502',
    reply: 'HTTP/1.1 200 OK\r\nx-a : 1\r\ncontent-length: 2\r\n\r\nok',
    replyClose: true,
    statuses: [502],
    backendFailure: true,
  },
  {
    name: 'bare LF line endings in the response: 502',
    reply: 'HTTP/1.1 200 OK\ncontent-length: 2\n\nok',
    replyClose: true,
    statuses: [502],
    backendFailure: true,
  },
  {
    name: 'a 101 the request never asked for: 502',
    reply: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    replyClose: true,
    statuses: [502],
    backendFailure: true,
  },
  {
    name: 'a body cut short of its Content-Length: the client connection is cut, no complete answer',
    reply: 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nok',
    replyClose: true,
    statuses: [],
    close: true,
    backendFailure: true,
  },
  {
    name: 'a chunked body cut mid-chunk: the client connection is cut, no complete answer',
    reply: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nok',
    replyClose: true,
    statuses: [],
    close: true,
    backendFailure: true,
  },
];

describe('responses: 1xx', () => {
  responseTable(useScriptedSuite(), informational);
});

describe('responses: 204, 304 and HEAD', () => {
  responseTable(useScriptedSuite(), noBody);
});

describe('responses: bodies and status lines', () => {
  responseTable(useScriptedSuite(), bodies);
});

describe('responses: fields', () => {
  responseTable(useScriptedSuite(), fields);
});

describe("responses: the backend's faults", () => {
  responseTable(useScriptedSuite(), faults);
});
