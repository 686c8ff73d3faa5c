/**
 * What `request:start` and `request:end` listeners receive. The per-request state object itself
 * implements this, so the events cost nothing extra; read it synchronously in the listener (copy
 * what you keep), the object is not reused but its internals are private.
 */
import type { BackendView } from './backend.js';

export interface RequestRecord {
  readonly id: string;
  readonly method: string;
  /** The HTTP version the client spoke: `1.1`, `1.0` or `2.0` (HTTP/2). */
  readonly httpVersion: string;
  /** Path and query exactly as the client sent them (origin form). */
  readonly path: string;
  readonly clientAddress: string;
  /** The backend of the last attempt, if any. */
  readonly backend: BackendView | undefined;
  /**
   * The route that matched: its `name`, or `#<index>` in file order; `undefined` before
   * routing, or when the request was refused before it (a malformed head).
   */
  readonly route: string | undefined;
  /** The pool the request was sent to, if any (`default` for a config without `pools`). */
  readonly pool: string | undefined;
  /** Status sent to the client (0 until known; Helios' own status on errors). */
  readonly status: number;
  /** Request body bytes: the declared Content-Length, or bytes read from the client for chunked bodies. */
  readonly bytesIn: number;
  /** Response body bytes written to the client. */
  readonly bytesOut: number;
  /** `performance.now()` when the request arrived. */
  readonly startTime: number;
  readonly durationMs: number;
  /** Time from dispatch to the backend's response headers in the last attempt. */
  readonly upstreamMs: number;
  readonly retries: number;
  /** A `HELIOS_...` code when Helios failed the request or the client went away. */
  readonly errorCode: string | undefined;
  /**
   * First value of one of the client's request headers (lower-case name), as received; read on
   * demand, so listeners that do not ask cost nothing (the access log's host and user agent).
   */
  header(name: string): string | undefined;
}
