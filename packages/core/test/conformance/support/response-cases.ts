/**
 * The table format of the response-side conformance cases and their runner: a raw backend
 * answers with exact bytes, and the case states what the client must receive (every status in
 * order, 1xx included; body; fields present and absent; trailers), whether the client connection
 * stays usable, and whether the answer may count against the backend's health. Valid but odd
 * answers (1xx, 204/304/HEAD with length fields, close-delimited bodies) must never do so.
 */
import { expect, it } from 'vitest';
import { itFails } from './request-cases.js';
import type { ScriptedBackend } from './scripted-backend.js';
import type { Suite } from './suite.js';
import { collect, exchange, header, type Outcome, type ParsedResponse, writeAll } from './wire.js';

export interface ResponseCase {
  name: string;
  /** Exact bytes the backend answers with. */
  reply: string | Buffer;
  /** The backend closes its connection after the reply. */
  replyClose?: boolean;
  /** Request bytes; default `GET / HTTP/1.1` with `Host: a`. */
  request?: string;
  /** Method of the request when it is HEAD. */
  method?: string;
  /** Every status the client receives, in order (1xx included). `[]`: none complete. */
  statuses: readonly number[];
  /** Body of the final response (latin1). */
  body?: string;
  /** Fields the final response must carry, exactly these values in this order per name. */
  present?: readonly (readonly [string, string])[];
  /** Fields the final response must not carry. */
  absent?: readonly string[];
  trailers?: readonly (readonly [string, string])[];
  /** Helios must close the client connection (e.g. a truncated body). Default: no. */
  close?: boolean;
  /** The answer is the backend's fault and must be reported as a failure. Default: no. */
  backendFailure?: boolean;
  bug?: string;
  check?: (final: ParsedResponse | undefined, outcome: Outcome) => void;
}

const OK = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok';

export async function runResponseCase(
  suite: Suite<ScriptedBackend>,
  c: ResponseCase,
): Promise<void> {
  const backend = suite.backend;
  backend.reply = { bytes: c.reply, close: c.replyClose };
  const method = c.method ?? 'GET';
  const request = c.request ?? `${method} / HTTP/1.1\r\nHost: a\r\n\r\n`;
  const closes = c.close === true;
  const outcome = await exchange(suite.port, request, {
    responses: closes ? undefined : 1,
    methods: [method],
    keepOpen: !closes,
  });
  try {
    expect(
      outcome.responses.map((r) => r.status),
      'statuses the client received',
    ).toEqual(c.statuses);
    expect(outcome.closed, closes ? 'connection should close' : 'connection should stay open').toBe(
      closes,
    );
    const final = outcome.responses.filter((r) => r.status >= 200).at(-1);
    if (c.body !== undefined) expect(final?.body.toString('latin1')).toBe(c.body);
    for (const [name, value] of c.present ?? []) {
      expect(header(final ?? { headers: [] }, name), `field ${name}`).toBe(value);
    }
    for (const name of c.absent ?? []) {
      expect(
        header(final ?? { headers: [] }, name),
        `field ${name} must be absent`,
      ).toBeUndefined();
    }
    if (c.trailers !== undefined) expect(final?.trailers).toEqual(c.trailers);
    c.check?.(final, outcome);
    await suite.settle();
    expect(backend.requests.length, 'requests the backend received (no retry)').toBe(1);
    const failures = suite.health.filter((h) => h.failure !== undefined);
    if (c.backendFailure === true) {
      expect(failures.length, 'the backend fault is reported').toBe(1);
    } else {
      expect(failures, 'no backend failure may be recorded').toEqual([]);
      expect(suite.health.map((h) => h.status)).toEqual([final?.status]);
    }
    if (!closes) {
      backend.reply = { bytes: OK };
      const next = collect(outcome.socket, { responses: 1 }, outcome.rest);
      await writeAll(outcome.socket, 'GET /follow-up HTTP/1.1\r\nHost: a\r\n\r\n');
      const after = await next;
      expect(
        after.responses.map((r) => r.status),
        'follow-up on the same connection',
      ).toEqual([200]);
      expect(after.responses[0]?.body.toString()).toBe('ok');
    }
  } finally {
    outcome.socket.destroy();
  }
}

export function responseTable(suite: Suite<ScriptedBackend>, cases: readonly ResponseCase[]): void {
  for (const c of cases) {
    const test = c.bug === undefined ? it : itFails;
    test(c.name, async () => {
      await runResponseCase(suite, c);
    });
  }
}
