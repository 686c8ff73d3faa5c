/**
 * The table format of the request-side conformance cases and the one runner that checks them:
 * the exact bytes a client sends, the status Helios answers (or that it closes without one),
 * whether the connection stays usable, and — when the request may reach the backend — exactly
 * what the backend saw: method, target, the whole header list after Helios' rules (framing
 * headers aside, which undici chooses) and the body bytes. Every case also proves that a refused
 * request reached neither the backend nor the health hooks, and that a forwarded one never
 * counted as a backend failure.
 */

import { expect, it } from 'vitest';
import { LENIENT_PARSER } from '../../../src/lenient-parser.js';
import type { RecordedRequest, RecordingBackend } from './recording-backend.js';
import type { Suite } from './suite.js';
import { collect, exchange, type Outcome, type Wire, writeAll } from './wire.js';

/** What the backend must have received for a forwarded request. */
export interface Upstream {
  method?: string;
  /** Request target as the backend saw it; default `/`. */
  url?: string;
  /** The Host the backend saw; default `a`. `null`: the client sent none (HTTP/1.0). */
  host?: string | null;
  /** End-to-end headers, in order, between Host and the forwarding headers Helios appends. */
  headers?: readonly (readonly [string, string])[];
  /** X-Forwarded-For sent upstream; default the peer, `127.0.0.1`. */
  xff?: string;
  /** X-Forwarded-Proto; default `http`. */
  xfp?: string;
  /** X-Forwarded-Host; default the Host; `null` for none. */
  xfh?: string | null;
  /** The Connection header undici sends; `keep-alive`, or `close` for HEAD (undici's choice). */
  connection?: string;
  /** Via; default `1.1 helios`. */
  via?: string;
  /** Body bytes (latin1 when a string); default empty. */
  body?: string | Buffer;
  /** Trailer fields the backend received; default none (Helios does not forward them). */
  trailers?: readonly (readonly [string, string])[];
}

export interface RequestCase {
  name: string;
  /** Exact bytes; an array is written as separate TCP writes. */
  send: Wire;
  /** Status of the first final response, or `'none'`: the connection closes without one. */
  status: number | 'none';
  /** Must Helios close the connection after answering? Default: yes for 4xx/5xx and `'none'`. */
  close?: boolean;
  /** Absent: nothing may reach the backend. Otherwise what it must see, in order. */
  upstream?: Upstream | readonly Upstream[];
  /** The client address Helios reports in `request:end` for this request. */
  clientAddress?: string;
  /** Request methods in order when a HEAD is among them (its answer has no body). */
  methods?: readonly string[];
  /**
   * The body is streamed (over limits.bodyBuffer) and turns out malformed or incomplete: the
   * backend may already have the head when Helios stops; only a complete request upstream is
   * ruled out.
   */
  headMayLeak?: boolean;
  /** Set when Helios gets this case wrong today: the case runs as `it.fails`. */
  bug?: string;
  /**
   * What differs on Node 20.18/20.19, whose llhttp 8 parser is more lenient in ways Helios
   * cannot see from JavaScript (see docs/node-versions.md); `'skip'` when the difference cannot
   * be stated as a case.
   */
  onLlhttp8?: Partial<RequestCase> | 'skip';
  /** Further checks on what the client received. */
  check?: (outcome: Outcome, suite: Suite<RecordingBackend>) => void;
}

/** A generated X-Request-Id, as Helios makes them. */
const GENERATED_ID = /^[0-9a-f]{8}-[0-9a-z]+$/;
const FRAMING = new Set(['content-length', 'transfer-encoding']);
/** Sent after a keep-alive case on the same connection: proves its framing was consumed exactly. */
const FOLLOW_UP = 'GET /follow-up HTTP/1.1\r\nHost: follow.up\r\n\r\n';

function latin1(b: string | Buffer | undefined): string {
  if (b === undefined) return '';
  return typeof b === 'string' ? b : b.toString('latin1');
}

/** The header list the backend must see, framing headers left out. */
export function expectedHeaders(u: Upstream, backendHost: string): [string, string][] {
  const host = u.host === undefined ? 'a' : u.host;
  const out: [string, string][] = [['host', host ?? backendHost]];
  out.push(['connection', u.connection ?? (u.method === 'HEAD' ? 'close' : 'keep-alive')]);
  for (const [n, v] of u.headers ?? []) out.push([n, v]);
  out.push(['x-forwarded-for', u.xff ?? '127.0.0.1']);
  out.push(['x-forwarded-proto', u.xfp ?? 'http']);
  const xfh = u.xfh === undefined ? host : u.xfh;
  if (xfh !== null) out.push(['x-forwarded-host', xfh]);
  out.push(['via', u.via ?? '1.1 helios']);
  if (!(u.headers ?? []).some(([n]) => n.toLowerCase() === 'x-request-id')) {
    out.push(['x-request-id', '<generated>']);
  }
  return out;
}

/** What the backend saw, framing headers left out and generated ids made comparable. */
export function seenHeaders(r: RecordedRequest): [string, string][] {
  return r.headers
    .filter(([n]) => !FRAMING.has(n.toLowerCase()))
    .map(([n, v]) =>
      n.toLowerCase() === 'x-request-id' && GENERATED_ID.test(v) ? [n, '<generated>'] : [n, v],
    );
}

export function expectUpstream(
  seen: RecordedRequest | undefined,
  u: Upstream,
  backendUrl: string,
): void {
  expect(seen, 'the request should have reached the backend').toBeDefined();
  const r = seen as RecordedRequest;
  expect({
    method: r.method,
    url: r.url,
    version: r.httpVersion,
    headers: seenHeaders(r),
    body: r.body.toString('latin1'),
    trailers: r.trailers,
  }).toEqual({
    method: u.method ?? 'GET',
    url: u.url ?? '/',
    version: '1.1',
    headers: expectedHeaders(u, new URL(backendUrl).host),
    body: latin1(u.body),
    trailers: u.trailers ?? [],
  });
  // The body is framed by exactly one of the two, and a length says the truth.
  const lengths = r.headers.filter(([n]) => n.toLowerCase() === 'content-length');
  const codings = r.headers.filter(([n]) => n.toLowerCase() === 'transfer-encoding');
  if (r.body.length > 0) expect(lengths.length + codings.length).toBe(1);
  for (const [, v] of lengths) expect(Number(v)).toBe(r.body.length);
}

/** Runs one case against a recording suite. */
export async function runRequestCase(
  suite: Suite<RecordingBackend>,
  c: RequestCase,
): Promise<Outcome> {
  const closes = c.close ?? (c.status === 'none' || c.status >= 400);
  const expected =
    c.upstream === undefined ? [] : Array.isArray(c.upstream) ? c.upstream : [c.upstream];
  const outcome = await exchange(suite.port, c.send, {
    responses: closes ? undefined : 1,
    methods: c.methods,
    keepOpen: !closes,
  });
  try {
    const finals = outcome.responses.filter((r) => r.status >= 200);
    if (c.status === 'none') {
      expect(
        finals.map((r) => r.status),
        'no response expected',
      ).toEqual([]);
    } else {
      expect(
        finals[0]?.status,
        `status (got ${JSON.stringify(outcome.raw.toString('latin1', 0, 200))})`,
      ).toBe(c.status);
    }
    expect(outcome.closed, closes ? 'connection should close' : 'connection should stay open').toBe(
      closes,
    );
    c.check?.(outcome, suite);
    await suite.settle();
    if (c.clientAddress !== undefined) {
      expect(suite.ends[0]?.clientAddress, 'request:end clientAddress').toBe(c.clientAddress);
    }
    const backend = suite.backend;
    expect(backend.requests.length, 'requests that reached the backend').toBe(expected.length);
    if (c.headMayLeak !== true) {
      expect(backend.started, 'request heads that reached the backend').toBe(expected.length);
    }
    expected.forEach((u, i) => {
      expectUpstream(backend.requests[i], u as Upstream, backend.url);
    });
    expect(
      suite.health.filter((h) => h.failure !== undefined),
      'no backend failure may be recorded',
    ).toEqual([]);
    if (c.headMayLeak !== true) {
      expect(suite.health.length, 'health hooks see exactly the forwarded requests').toBe(
        expected.length,
      );
    }
    if (!closes) {
      // The connection must be reusable: a second request on it is served normally.
      const next = collect(outcome.socket, { responses: 1 }, outcome.rest);
      await writeAll(outcome.socket, FOLLOW_UP);
      const after = await next;
      expect(after.responses[0]?.status, 'follow-up request on the same connection').toBe(200);
      await suite.settle();
      expect(backend.requests.at(-1)?.url).toBe('/follow-up');
      expect(backend.requests.length).toBe(expected.length + 1);
      expect(backend.started).toBe(expected.length + 1);
    }
  } finally {
    outcome.socket.destroy();
  }
  return outcome;
}

/**
 * How a known-bug case is declared: `it.fails`, or a plain `it` when CONFORMANCE_BUGS=show is
 * set, to show how those cases fail today.
 */
export function itFails(name: string, fn: () => Promise<void>): void {
  if (process.env.CONFORMANCE_BUGS === 'show') it(name, fn);
  else it.fails(name, fn);
}

/** Declares one test per case (`itFails` for a known bug). */
export function requestTable(suite: Suite<RecordingBackend>, cases: readonly RequestCase[]): void {
  for (const given of cases) {
    const old = LENIENT_PARSER ? given.onLlhttp8 : undefined;
    if (old === 'skip') {
      it.skip(`${given.name} (not on llhttp 8)`, () => undefined);
      continue;
    }
    const c = old === undefined ? given : { ...given, ...old };
    const test = c.bug === undefined ? it : itFails;
    test(c.name, async () => {
      await runRequestCase(suite, c);
    });
  }
}
