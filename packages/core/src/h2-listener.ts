/**
 * The client-facing HTTP/2 side: a session factory for TLS connections whose ALPN chose `h2`
 * (the TLS listener hands them over; HTTP/1.1 connections on the same port go to the HTTP/1.1
 * listener unchanged, so its limits, timeouts and cost stay exactly what they are). Built on
 * Node's stream API, not the compatibility `req`/`res` layer: one object less per request and
 * direct control over resets, trailers and flow control.
 *
 * Limits per connection and stream: SETTINGS_MAX_CONCURRENT_STREAMS from
 * `limits.maxConcurrentStreams`; SETTINGS_MAX_HEADER_LIST_SIZE and the header pair count with
 * room for the request line's share and the pseudo-headers, so the exact limits answer 431/414
 * as over HTTP/1.1 and only far larger heads are reset by nghttp2 itself; push and extended
 * CONNECT off; an idle session (no stream in service for `timeouts.clientIdle`) is closed with
 * GOAWAY. Node's session timer only counts stream activity, so PINGs or a header block trickled
 * in CONTINUATION frames (a slowloris that never completes a request) do not keep a session
 * open (tested). The rapid-reset guard is in h2-session.ts.
 */
import {
  createServer,
  type Http2Server,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
  type Settings,
} from 'node:http2';
import type { HeliosConfig } from './config/types.js';
import { H2Session } from './h2-session.js';
import type { Logger } from './logger.js';

/** Node counts pseudo-headers as header pairs; a request carries at most these four. */
const PSEUDO_HEADERS = 4;
/** RFC 9113 §6.5.2: each field counts 32 octets on top of its name and value. */
const FIELD_OVERHEAD = 32;

export interface H2Handlers {
  stream(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    raw: string[],
    session: H2Session,
  ): void;
  session(session: H2Session): void;
}

const kSession = Symbol('helios.h2session');

interface TaggedSession extends ServerHttp2Session {
  [kSession]?: H2Session;
}

/** The Helios state of a Node session. */
export function h2SessionOf(session: ServerHttp2Session): H2Session | undefined {
  return (session as TaggedSession)[kSession];
}

/**
 * Header fields nghttp2 lets through before resetting the stream itself. Browsers split
 * `Cookie` into one field per cookie (RFC 9113 §8.2.3 crumbs), which Helios joins back into one
 * line, so the count that answers 431 (`limits.maxHeaderCount`, as over HTTP/1.1) is checked
 * after joining; this outer bound leaves room for the crumbs, and the header list size bounds
 * the memory either way.
 */
function headerPairLimit(config: HeliosConfig): number {
  return 2 * config.limits.maxHeaderCount + PSEUDO_HEADERS + 1;
}

export function h2Settings(config: HeliosConfig): Settings {
  const limits = config.limits;
  return {
    maxConcurrentStreams: limits.maxConcurrentStreams,
    maxHeaderListSize:
      limits.maxHeaderSize + limits.maxUrlLength + FIELD_OVERHEAD * headerPairLimit(config),
    enablePush: false,
    enableConnectProtocol: false,
  };
}

export function createH2Listener(
  config: HeliosConfig,
  handlers: H2Handlers,
  logger: Logger,
): Http2Server {
  const server = createServer({
    settings: h2Settings(config),
    maxHeaderListPairs: headerPairLimit(config),
  });
  server.on('session', (session: ServerHttp2Session) => {
    const state = new H2Session(session, config.limits.maxConcurrentStreams, logger);
    (session as TaggedSession)[kSession] = state;
    session.on('error', onSessionError);
    // Not setTimeout's callback: that listens once, and a session idles many times.
    session.setTimeout(config.timeouts.clientIdle);
    session.on('timeout', onSessionTimeout);
    handlers.session(state);
  });
  server.on(
    'stream',
    (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, raw: string[]) => {
      const state = h2SessionOf(stream.session as ServerHttp2Session);
      if (state === undefined) {
        stream.close();
        return;
      }
      handlers.stream(stream, headers, raw, state);
    },
  );
  return server;
}

/** Limits a reload can change, for sessions that start after it. */
export function applyH2Settings(server: Http2Server, config: HeliosConfig): void {
  server.updateSettings(h2Settings(config));
}

/** Session errors (a peer's protocol error, a reset socket) end the session; nothing to crash. */
function onSessionError(): void {}

/** Idle for `timeouts.clientIdle`: close (GOAWAY) unless a stream is still in service. */
function onSessionTimeout(this: ServerHttp2Session): void {
  const state = h2SessionOf(this);
  if (state === undefined || state.active === 0) this.close();
}
