/**
 * The access log: one line per finished request, fed by the proxy's `request:end` events (the
 * proxy only pays for those events while this listener is attached, so a disabled access log
 * costs nothing). Lines go through an asynchronous SonicBoom stream, never a sync write.
 *
 * Line format (space-separated, one request per line):
 *   2026-11-26T11:30:00.123Z 127.0.0.1 "GET /path?q=1" 200 1234 3.21ms http://127.0.0.1:9001 7f3a...
 *   time (request start, ISO 8601 UTC), client, "method path", status, response bytes,
 *   duration, backend id (`-` when none answered), request id
 */
import type { AccessLogConfig, RequestRecord } from '@helios/core';
import { pino } from 'pino';
import type { StdoutStream } from './logger.js';

type Destination = StdoutStream;

/** What the access log needs from the proxy: subscribing to finished requests. */
export interface RequestEventSource {
  on(event: 'request:end', listener: (record: RequestRecord) => void): unknown;
  off(event: 'request:end', listener: (record: RequestRecord) => void): unknown;
}

const timeOrigin = performance.timeOrigin;

function quotePath(path: string): string {
  // A raw `"` would let a client forge fields; Node's parser already rejects control characters.
  return path.includes('"') ? path.replaceAll('"', '%22') : path;
}

export function formatAccessLine(r: RequestRecord): string {
  const time = new Date(timeOrigin + r.startTime).toISOString();
  const backend = r.backend === undefined ? '-' : r.backend.id;
  return `${time} ${r.clientAddress} "${r.method} ${quotePath(r.path)}" ${r.status} ${r.bytesOut} ${r.durationMs.toFixed(2)}ms ${backend} ${r.id}\n`;
}

export class AccessLog {
  readonly #source: RequestEventSource;
  /** The logger's stdout stream, shared so lines never interleave; never ended here. */
  readonly #stdout: Destination;
  #destination: Destination | undefined;
  #output: string | undefined;

  constructor(source: RequestEventSource, stdout: Destination) {
    this.#source = source;
    this.#stdout = stdout;
  }

  // An arrow property so the same function object can be both attached and detached.
  readonly #write = (record: RequestRecord): void => {
    this.#destination?.write(formatAccessLine(record));
  };

  /** Apply `accessLog:` from a (re)loaded config: turn on, off, or switch output. */
  configure(config: AccessLogConfig): void {
    if (!config.enabled) {
      this.close();
      return;
    }
    if (this.#destination !== undefined && this.#output === config.output) return;
    const previous = this.#destination;
    this.#destination =
      config.output === 'stdout'
        ? this.#stdout
        : pino.destination({ dest: config.output, sync: false, mkdir: true });
    this.#output = config.output;
    if (previous === undefined) this.#source.on('request:end', this.#write);
    else this.#release(previous);
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
    const destination = this.#destination;
    if (destination === undefined) return;
    this.#source.off('request:end', this.#write);
    this.#destination = undefined;
    this.#output = undefined;
    this.#release(destination);
  }
}
