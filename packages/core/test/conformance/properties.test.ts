/**
 * Property-based conformance checks with fast-check, on real sockets through one shared
 * Helios. Generated request heads (methods, origin-form targets, header names in random case
 * with duplicates, values with obs-text and inner whitespace) and bodies (Content-Length, or
 * chunked with random chunk splits, hex case, leading zeros, extensions and trailers), written
 * in random TCP splits, must always reach the backend exactly: method, target, header list after
 * Helios' rules, body bytes. The same requests with one defect (two Host lines, an invalid
 * Host, no Host, CL with TE, two CLs, an unsupported coding, obs-fold, whitespace before a
 * colon, a bad name or value byte, a bad version, too many lines) must be refused with their
 * status and never reach the backend; malformed chunked bodies must never reach it complete.
 *
 * Runs are bounded and deterministic: a fixed seed (override with CONFORMANCE_SEED) and
 * numRuns per property; fast-check prints the seed and the shrunk counterexample on failure.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LENIENT_PARSER } from '../../src/lenient-parser.js';
import {
  expectUpstream,
  type RequestCase,
  runRequestCase,
  type Upstream,
} from './support/request-cases.js';
import { useRecordingSuite } from './support/suite.js';
import { exchange } from './support/wire.js';

const SEED = Number(process.env.CONFORMANCE_SEED ?? 20_261_201);
const params = (numRuns: number, endOnFailure = false) => ({ seed: SEED, numRuns, endOnFailure });

/** Names Helios acts on; generated end-to-end fields avoid them. */
const SPECIAL = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
  'content-length',
  'expect',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'forwarded',
  'via',
  'x-request-id',
]);

const TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const PCHAR = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@";

const chars = (set: string) => fc.constantFrom(...set.split(''));

/** A few fixed names (for duplicates) plus random tokens, in random letter case. */
const fieldName = fc
  .oneof(
    fc.constantFrom('X-Dup', 'Accept', 'Cookie', 'Cache-Control', 'X-Trace', 'Authorization'),
    fc.string({ unit: chars(TCHAR), minLength: 1, maxLength: 24 }),
  )
  .chain((name) =>
    fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((flips) =>
      name
        .split('')
        .map((ch, i) => (flips[i] ? ch.toUpperCase() : ch.toLowerCase()))
        .join(''),
    ),
  )
  .filter((name) => !SPECIAL.has(name.toLowerCase()));

/** VCHAR and obs-text, with SP/HTAB only inside. */
const valueChar = fc.oneof(
  fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
);
const fieldValue = fc.oneof(
  fc.constant(''),
  fc
    .tuple(
      fc.string({ unit: valueChar, minLength: 1, maxLength: 20 }),
      fc.array(
        fc.tuple(
          fc.constantFrom(' ', '\t', '  '),
          fc.string({ unit: valueChar, minLength: 1, maxLength: 12 }),
        ),
        { maxLength: 3 },
      ),
    )
    .map(([first, rest]) => first + rest.map(([ws, word]) => ws + word).join('')),
);

const target = fc
  .tuple(
    fc.array(fc.string({ unit: chars(PCHAR), maxLength: 10 }), { minLength: 1, maxLength: 4 }),
    fc.option(fc.string({ unit: chars(`${PCHAR}/?`), maxLength: 16 }), { nil: undefined }),
  )
  .map(([segments, query]) => `/${segments.join('/')}${query === undefined ? '' : `?${query}`}`);

const hexSize = (n: number, upper: boolean, zeros: number): string => {
  const hex = n.toString(16);
  return '0'.repeat(zeros) + (upper ? hex.toUpperCase() : hex);
};

interface Body {
  bytes: Buffer;
  /** Header line(s) framing it. */
  framing: string;
  /** The encoded body on the wire. */
  wire: Buffer;
}

const extension = fc.oneof(
  fc.constant(''),
  fc.string({ unit: chars(TCHAR), minLength: 1, maxLength: 6 }).map((n) => `;${n}`),
  fc
    .tuple(
      fc.string({ unit: chars(TCHAR), minLength: 1, maxLength: 6 }),
      fc.string({ unit: chars(TCHAR), minLength: 1, maxLength: 6 }),
    )
    .map(([n, v]) => `;${n}=${v}`),
  fc.string({ unit: chars('abc xyz'), maxLength: 8 }).map((v) => `;q="${v}"`),
);

const chunkedBody = fc
  .record({
    bytes: fc.uint8Array({ maxLength: 400 }),
    cuts: fc.array(fc.integer({ min: 1, max: 120 }), { maxLength: 12 }),
    upper: fc.boolean(),
    zeros: fc.integer({ min: 0, max: 3 }),
    extensions: fc.array(extension, { minLength: 14, maxLength: 14 }),
    trailers: fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 3 }),
  })
  .map(({ bytes, cuts, upper, zeros, extensions, trailers }): Body => {
    const body = Buffer.from(bytes);
    const parts: Buffer[] = [];
    let at = 0;
    let i = 0;
    for (const cut of cuts) {
      if (at >= body.length) break;
      const piece = body.subarray(at, at + cut);
      parts.push(
        Buffer.from(`${hexSize(piece.length, upper, zeros)}${extensions[i++ % 14]}\r\n`, 'latin1'),
        piece,
        Buffer.from('\r\n'),
      );
      at += piece.length;
    }
    if (at < body.length) {
      const piece = body.subarray(at);
      parts.push(Buffer.from(`${hexSize(piece.length, upper, 0)}\r\n`), piece, Buffer.from('\r\n'));
    }
    const trailerText = trailers.map(([n, v]) => `${n}: ${v}\r\n`).join('');
    parts.push(Buffer.from(`0${extensions[13]}\r\n${trailerText}\r\n`, 'latin1'));
    return { bytes: body, framing: 'Transfer-Encoding: chunked\r\n', wire: Buffer.concat(parts) };
  });

const lengthBody = fc.uint8Array({ maxLength: 400 }).map(
  (bytes): Body => ({
    bytes: Buffer.from(bytes),
    framing: `Content-Length: ${bytes.length}\r\n`,
    wire: Buffer.from(bytes),
  }),
);

interface Generated {
  method: string;
  target: string;
  fields: [string, string][];
  hostAt: number;
  body: Body | undefined;
  splits: number[];
}

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
  target,
  fields: fc.array(fc.tuple(fieldName, fieldValue), { maxLength: 16 }),
  hostAt: fc.nat(),
  body: fc.option(fc.oneof(lengthBody, chunkedBody), { nil: undefined }),
  splits: fc.array(fc.nat(), { maxLength: 4 }),
});

/** The head with `Host: a` at a random position among the generated fields. */
function head(g: Generated, hostLine = 'Host: a\r\n', version = 'HTTP/1.1'): string {
  const lines = g.fields.map(([n, v]) => `${n}: ${v}\r\n`);
  lines.splice(g.hostAt % (lines.length + 1), 0, hostLine);
  return `${g.method} ${g.target} ${version}\r\n${lines.join('')}${g.body?.framing ?? ''}`;
}

/** The bytes, cut into separate TCP writes at the generated offsets. */
function split(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const cuts = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let at = 0;
  for (const cut of cuts) {
    if (cut > at) parts.push(bytes.subarray(at, cut));
    at = Math.max(at, cut);
  }
  parts.push(bytes.subarray(at));
  return parts.filter((p) => p.length > 0);
}

function wire(text: string, body: Buffer | undefined, splits: readonly number[]): Buffer[] {
  const bytes = Buffer.concat([Buffer.from(`${text}\r\n`, 'latin1'), body ?? Buffer.alloc(0)]);
  return split(bytes, splits);
}

describe('properties: well-formed requests always reach the backend exactly', () => {
  const suite = useRecordingSuite();

  it('any generated request is forwarded with its method, target, fields and body', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (g) => {
        await suite.reset();
        const upstream: Upstream = {
          method: g.method,
          url: g.target,
          headers: g.fields,
          body: g.body?.bytes ?? '',
        };
        const c: RequestCase = {
          name: 'generated',
          send: wire(head(g), g.body?.wire, g.splits),
          status: 200,
          upstream,
        };
        await runRequestCase(suite, c);
      }),
      params(150),
    );
  });
});

describe('properties: pipelined well-formed requests are answered in order and forwarded exactly', () => {
  const suite = useRecordingSuite();

  it('2-4 generated requests in one stream reach the backend one by one, bodies whole', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(request, { minLength: 2, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (gs, splits) => {
          await suite.reset();
          const bytes = Buffer.concat(
            gs.map((g) =>
              Buffer.concat([
                Buffer.from(`${head(g)}\r\n`, 'latin1'),
                g.body?.wire ?? Buffer.alloc(0),
              ]),
            ),
          );
          const out = await exchange(suite.port, split(bytes, splits), { responses: gs.length });
          expect(out.responses.map((r) => r.status)).toEqual(gs.map(() => 200));
          await suite.settle();
          expect(suite.backend.requests.length).toBe(gs.length);
          gs.forEach((g, i) => {
            expectUpstream(
              suite.backend.requests[i],
              { method: g.method, url: g.target, headers: g.fields, body: g.body?.bytes ?? '' },
              suite.backend.url,
            );
          });
          expect(suite.health.filter((h) => h.failure !== undefined)).toEqual([]);
        },
      ),
      params(60),
    );
  });
});

type Defect = { status: number; apply: (g: Generated) => Buffer[] };

const badHostChar = fc.constantFrom(' ', '/', '@', '\\', '?', '#', '"', '<');
const badNameChar = fc.constantFrom(
  '(',
  ')',
  '@',
  ',',
  ';',
  '"',
  '/',
  '[',
  ']',
  '{',
  '}',
  '=',
  '\xe9',
);
const badValueChar = fc.constantFrom('\x00', '\x01', '\x08', '\x0b', '\x0c', '\x1f', '\x7f', '\r');

const defect: fc.Arbitrary<Defect> = fc.oneof(
  fc.tuple(fc.constantFrom('Host', 'host', 'HOST'), fc.constantFrom('a', 'b', 'c:80')).map(
    ([name, value]): Defect => ({
      status: 400,
      apply: (g) => {
        const twice = { ...g, fields: [...g.fields, [name, value] as [string, string]] };
        return wire(head(twice), g.body?.wire, g.splits);
      },
    }),
  ),
  fc.tuple(badHostChar, fc.nat()).map(
    ([ch, at]): Defect => ({
      status: 400,
      apply: (g) => {
        const host = 'host.test';
        const i = at % (host.length + 1);
        return wire(
          head(g, `Host: ${host.slice(0, i)}${ch}${host.slice(i)}\r\n`),
          g.body?.wire,
          g.splits,
        );
      },
    }),
  ),
  fc.constant<Defect>({ status: 400, apply: (g) => wire(head(g, ''), g.body?.wire, g.splits) }),
  fc.boolean().map(
    (clFirst): Defect => ({
      status: 400,
      apply: (g) => {
        const framing = clFirst
          ? 'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n'
          : 'transfer-encoding: chunked\r\ncontent-length: 5\r\n';
        const noBody = { ...g, body: undefined };
        return wire(head(noBody) + framing, Buffer.from('0\r\n\r\n'), g.splits);
      },
    }),
  ),
  fc.constant<Defect>({
    status: 400,
    apply: (g) =>
      wire(
        `${head({ ...g, body: undefined })}Content-Length: 1\r\nContent-Length: 2\r\n`,
        Buffer.from('ab'),
        g.splits,
      ),
  }),
  fc.constantFrom('gzip, chunked', 'deflate, chunked', 'br, chunked').map(
    (coding): Defect => ({
      status: 501,
      apply: (g) =>
        wire(
          `${head({ ...g, body: undefined })}Transfer-Encoding: ${coding}\r\n`,
          Buffer.from('0\r\n\r\n'),
          g.splits,
        ),
    }),
  ),
  fc.tuple(fc.constantFrom(' ', '\t'), fieldValue).map(
    ([ws, more]): Defect => ({
      status: 400,
      apply: (g) => wire(`${head(g)}X-Folded: start\r\n${ws}${more}\r\n`, g.body?.wire, g.splits),
    }),
  ),
  fc.tuple(fieldName, fc.constantFrom(' ', '\t')).map(
    ([name, ws]): Defect => ({
      status: 400,
      apply: (g) => wire(`${head(g)}${name}${ws}: 1\r\n`, g.body?.wire, g.splits),
    }),
  ),
  fc.tuple(fieldName, badNameChar, fc.nat()).map(
    ([name, ch, at]): Defect => ({
      status: 400,
      apply: (g) => {
        const i = at % (name.length + 1);
        return wire(
          `${head(g)}${name.slice(0, i)}${ch}${name.slice(i)}: 1\r\n`,
          g.body?.wire,
          g.splits,
        );
      },
    }),
  ),
  fc.tuple(fieldName, badValueChar).map(
    ([name, ch]): Defect => ({
      status: 400,
      apply: (g) => wire(`${head(g)}${name}: a${ch}b\r\n`, g.body?.wire, g.splits),
    }),
  ),
  fc.constantFrom('HTTP/2.0').map(
    (version): Defect => ({
      status: 505,
      apply: (g) => wire(head(g, 'Host: a\r\n', version), g.body?.wire, g.splits),
    }),
  ),
  fc.constantFrom('', 'HTTP/0.9', 'http/1.1', 'HTTP/1.10', 'HTTP/1.1 x').map(
    (version): Defect => ({
      status: 400,
      apply: (g) => {
        const text = head(g, 'Host: a\r\n', version).replace(
          ` ${version}\r\n`,
          version === '' ? '\r\n' : ` ${version}\r\n`,
        );
        return wire(text, g.body?.wire, g.splits);
      },
    }),
  ),
  fc.integer({ min: 100, max: 140 }).map(
    (extra): Defect => ({
      status: 431,
      apply: (g) => {
        let lines = '';
        for (let i = 0; i < extra; i++) lines += `X-Many-${i}: v\r\n`;
        return wire(head(g) + lines, g.body?.wire, g.splits);
      },
    }),
  ),
);

describe('properties: a request with one defect is refused and never forwarded', () => {
  const suite = useRecordingSuite();

  it('every defect gets its status and nothing reaches the backend or the health hooks', async () => {
    await fc.assert(
      fc.asyncProperty(request, defect, async (g, d) => {
        await suite.reset();
        await runRequestCase(suite, { name: 'defect', send: d.apply(g), status: d.status });
      }),
      params(150),
    );
  });
});

const chunkDefect = fc.oneof(
  fc
    .constantFrom('zz', '-1', '+1', '0x1', ' 1', '1 ', '', 'fffffffffffffffffff')
    .map((size) => `${size}\r\nx\r\n`),
  // llhttp 8 (Node 20.18/20.19) waits for more instead of refusing chunk data longer than its
  // size (that request ends in a 408 after timeouts.clientBody, still never forwarded), and
  // takes a bare CR or LF in chunk framing as CRLF (the backend gets a re-framed, complete
  // body): none of it is visible from JavaScript (docs/node-versions.md).
  ...(LENIENT_PARSER
    ? []
    : [fc.constant('1\r\nxy\r\n'), fc.constant('1\r\nx\n'), fc.constant('1\rx\r\n')]),
  fc.constant('1\nx\r\n'),
  fc.constant('1;\r\nx\r\n'),
);

describe('properties: a malformed chunked body never reaches the backend complete', () => {
  const suite = useRecordingSuite();

  it('a bad chunk anywhere in a valid chunked body: 400, no complete request upstream', async () => {
    await fc.assert(
      fc.asyncProperty(request, chunkedBody, chunkDefect, fc.nat(), async (g, body, bad, at) => {
        await suite.reset();
        // Insert the bad chunk before one of the valid chunks (or before the last chunk).
        const text = body.wire.toString('latin1');
        const starts = [...text.matchAll(/(?:^|\r\n)(?=[0-9a-fA-F]+[;\r])/g)].map((m) =>
          m.index === 0 ? 0 : (m.index as number) + 2,
        );
        const cut = starts[at % starts.length] ?? 0;
        const broken = Buffer.from(text.slice(0, cut) + bad + text.slice(cut), 'latin1');
        const g2 = { ...g, body: { ...body, wire: broken } };
        await runRequestCase(suite, {
          name: 'malformed chunked',
          send: wire(head(g2), broken, g.splits),
          status: 400,
          headMayLeak: true,
        });
      }),
      params(100),
    );
  });
});
