/**
 * What the data path reads from a client's request head. Node's HTTP/1.1 `IncomingMessage` is
 * one as it is (no copy, no cost); an HTTP/2 stream's head is mapped onto the same shape once
 * (h2-request-head.ts), so routing, header rules, strategies and records are one code path.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

export interface RequestHead {
  readonly method?: string | undefined;
  /** The request target (origin form for HTTP/2: its `:path`). */
  readonly url?: string | undefined;
  /** Flat `[name, value, ...]` as received (HTTP/2: no pseudo-headers, `Host` from `:authority`). */
  readonly rawHeaders: string[];
  readonly headers: IncomingHttpHeaders;
  /** `1.1`, `1.0`, `2.0`. */
  readonly httpVersion: string;
  readonly httpVersionMajor: number;
  readonly httpVersionMinor: number;
  /** The client connection (only its address is read for HTTP/2). */
  readonly socket: Socket;
}
