/**
 * The access log: one line per finished request, fed by the proxy's `request:end` events (the
 * proxy only pays for those events while this listener is attached, so a disabled access log
 * costs nothing). Lines go through an asynchronous SonicBoom stream, never a sync write.
 *
 * Two formats (`accessLog.format`). `json`: one JSON object per line, for log shippers,
 *   {"log":"access","time":"2026-11-26T11:30:00.123Z","requestId":"7f3a…","clientAddress":"127.0.0.1",
 *    "method":"GET","path":"/path?q=1","protocol":"HTTP/2.0","host":"example.com","userAgent":"curl/8.5.0","status":200,
 *    "bytesIn":0,"bytesOut":1234,"durationMs":3.21,"upstreamMs":2.9,"retries":0,
 *    "backend":"http://127.0.0.1:9001","errorCode":null}
 * `text`: space-separated, one request per line:
 *   2026-11-26T11:30:00.123Z 127.0.0.1 "GET /path?q=1" 200 1234 3.21ms http://127.0.0.1:9001 7f3a...
 *   time (request start, ISO 8601 UTC), client, "method path", status, response bytes,
 *   duration, backend id (`-` when none answered), request id
 * `auto` (the default) is `json` when the process log is JSON and `text` when it is pretty, so
 * the two never mix formats on one stream.
 */
import type { AccessLogConfig, RequestRecord } from '@helios/core';
import { pino } from 'pino';
import { isJsonLogStream, type StdoutStream } from './logger.js';

type Destination = StdoutStream;
export type AccessLogFormat = 'text' | 'json';

/** What the access log needs from the proxy: subscribing to finished requests. */
export interface RequestEventSource {
  on(event: 'request:end', listener: (record: RequestRecord) => void): unknown;
  off(event: 'request:end', listener: (record: RequestRecord) => void): unknown;
}

/** Where the access log can report a problem with its own configuration. */
export interface AccessLogWarnings {
  warn(message: string): void;
}

const timeOrigin = performance.timeOrigin;

// Printable ASCII except `"` and `\`: anything else in a text field is percent-encoded, so a
// client can neither forge fields nor lines, nor smuggle terminal escapes into a log viewer.
const UNSAFE_TEXT = /[^\x21\x23-\x5b\x5d-\x7e]/;
const UNSAFE_TEXT_ALL = /[^\x21\x23-\x5b\x5d-\x7e]/g;

const hex = (byte: number): string => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;

function encodeByte(char: string): string {
  // Node hands the request target over as latin1, one char per byte: keep that byte.
  const code = char.charCodeAt(0);
  if (code <= 0xff) return hex(code);
  let out = '';
  for (const byte of Buffer.from(char, 'utf8')) out += hex(byte);
  return out;
}

/** A value safe to put in one space-separated field (cheap when it already is, the usual case). */
export function escapeTextField(value: string): string {
  return UNSAFE_TEXT.test(value) ? value.replace(UNSAFE_TEXT_ALL, encodeByte) : value;
}

export function formatAccessLine(r: RequestRecord): string {
  const time = new Date(timeOrigin + r.startTime).toISOString();
  const backend = r.backend === undefined ? '-' : escapeTextField(r.backend.id);
  return `${time} ${escapeTextField(r.clientAddress)} "${escapeTextField(r.method)} ${escapeTextField(r.path)}" ${r.status} ${r.bytesOut} ${r.durationMs.toFixed(2)}ms ${backend} ${escapeTextField(r.id)}\n`;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** One JSON line; JSON.stringify escapes every string, whatever the client sent. */
export function formatAccessJson(r: RequestRecord): string {
  return `${JSON.stringify({
    log: 'access',
    time: new Date(timeOrigin + r.startTime).toISOString(),
    requestId: r.id,
    clientAddress: r.clientAddress,
    method: r.method,
    path: r.path,
    protocol: `HTTP/${r.httpVersion}`,
    host: r.header('host') ?? null,
    userAgent: r.header('user-agent') ?? null,
    status: r.status,
    bytesIn: r.bytesIn,
    bytesOut: r.bytesOut,
    durationMs: round2(r.durationMs),
    upstreamMs: round2(r.upstreamMs),
    retries: r.retries,
    backend: r.backend === undefined ? null : r.backend.id,
    errorCode: r.errorCode ?? null,
  })}\n`;
}

export class AccessLog {
  readonly #source: RequestEventSource;
  /** The logger's stdout stream, shared so lines never interleave; never ended here. */
  readonly #stdout: Destination;
  /** Whether the process log on that stream is JSON (what `auto` follows). */
  readonly #processLogJson: boolean;
  readonly #warnings: AccessLogWarnings | undefined;
  #destination: Destination | undefined;
  #output: string | undefined;
  #listener: ((record: RequestRecord) => void) | undefined;

  constructor(
    source: RequestEventSource,
    stdout: Destination,
    options: { processLogJson?: boolean; warnings?: AccessLogWarnings } = {},
  ) {
    this.#source = source;
    this.#stdout = stdout;
    this.#processLogJson = options.processLogJson ?? isJsonLogStream(stdout);
    this.#warnings = options.warnings;
  }

  // Arrow properties, so the same function objects can be both attached and detached.
  readonly #writeText = (record: RequestRecord): void => {
    this.#destination?.write(formatAccessLine(record));
  };

  readonly #writeJson = (record: RequestRecord): void => {
    this.#destination?.write(formatAccessJson(record));
  };

  /** The format `config.format` resolves to next to this process log. */
  resolveFormat(config: Pick<AccessLogConfig, 'format'>): AccessLogFormat {
    if (config.format === 'auto') return this.#processLogJson ? 'json' : 'text';
    return config.format;
  }

  /** Apply `accessLog:` from a (re)loaded config: turn on, off, or switch output or format. */
  configure(config: AccessLogConfig): void {
    if (!config.enabled) {
      this.close();
      return;
    }
    const format = this.resolveFormat(config);
    const listener = format === 'json' ? this.#writeJson : this.#writeText;
    if (config.output === 'stdout' && format === 'text' && this.#processLogJson) {
      this.#warnings?.warn(
        'accessLog: text lines on stdout are mixed with the JSON process log, which log shippers ' +
          'cannot split; use accessLog.format: json (or auto), or accessLog.output: a file',
      );
    }
    if (this.#listener !== listener) {
      if (this.#listener !== undefined) this.#source.off('request:end', this.#listener);
      this.#source.on('request:end', listener);
      this.#listener = listener;
    }
    if (this.#destination !== undefined && this.#output === config.output) return;
    const previous = this.#destination;
    this.#destination =
      config.output === 'stdout'
        ? this.#stdout
        : pino.destination({ dest: config.output, sync: false, mkdir: true });
    this.#output = config.output;
    if (previous !== undefined) this.#release(previous);
  }

  #release(destination: Destination): void {
    if (destination === this.#stdout) return;
    try {
      destination.flushSync();
    } catch {
      // Nothing written yet, or the stream is already gone.
    }
    destination.end();
  }

  /** Detach from the proxy and flush what is buffered. */
  close(): void {
    if (this.#listener !== undefined) this.#source.off('request:end', this.#listener);
    this.#listener = undefined;
    const destination = this.#destination;
    if (destination === undefined) return;
    this.#destination = undefined;
    this.#output = undefined;
    this.#release(destination);
  }
}
