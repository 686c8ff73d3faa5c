/**
 * One active health probe over HTTP: `GET <backend><path>` on a fresh connection through a small
 * dedicated undici agent, so probes never compete with (or ride on) the proxy's own pooled
 * connections, and a backend that stopped accepting connections cannot hide behind a kept-alive
 * socket. A probe never throws: it resolves with a verdict the active checker can log.
 * `https://` backends are dialled with the pool's own TLS settings (CA, server name, client
 * certificate), through core's connector, so a probe trusts exactly what the proxy trusts.
 */
import { createConnector, type UpstreamTransport } from '@helios/core';
import { Agent, request } from 'undici';

export interface ProbeRequest {
  /** Full URL of the health endpoint: the configured backend origin plus the path. */
  readonly url: URL;
  /** Host header to send instead of the backend's own host, if configured. */
  readonly host: string | undefined;
}

/** Probes open a fresh connection each time; this bounds the TLS/TCP handshake. */
const PROBE_CONNECT_TIMEOUT_MS = 10_000;

export interface ProbeResult {
  /** HTTP status, 0 when no response arrived. */
  readonly status: number;
  /** Why it failed (connection refused, reset...), undefined when a response arrived. */
  readonly error: string | undefined;
}

/** Sends one probe; must settle promptly once `signal` aborts (the checker's timeout). */
export type Probe = (request: ProbeRequest, signal: AbortSignal) => Promise<ProbeResult>;

export interface HttpProber {
  readonly probe: Probe;
  /** Stop now: probes in flight fail. */
  close(): Promise<void>;
  /** Take no new probes; those in flight finish. */
  retire(): Promise<void>;
}

/** Longest health-check body read before the connection is dropped. */
const MAX_BODY_BYTES = 64 * 1024;

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

export function createHttpProber(transport?: UpstreamTransport): HttpProber {
  const agent = new Agent({
    connections: 2,
    pipelining: 0,
    keepAliveTimeout: 1_000,
    // HTTP/1.1 even to h2 backends: a probe asks one question per connection.
    connect: createConnector({ connectTimeout: PROBE_CONNECT_TIMEOUT_MS, tls: transport?.tls }),
  });

  const probe: Probe = async (target, signal) => {
    try {
      const response = await request(target.url, {
        method: 'GET',
        dispatcher: agent,
        signal,
        reset: true,
        headers:
          target.host === undefined
            ? { 'user-agent': 'helios-health-check' }
            : { 'user-agent': 'helios-health-check', host: target.host },
      });
      await response.body.dump({ limit: MAX_BODY_BYTES }).catch(() => undefined);
      return { status: response.statusCode, error: undefined };
    } catch (error) {
      return { status: 0, error: describeError(error) };
    }
  };

  return {
    probe,
    async close() {
      await agent.destroy();
    },
    async retire() {
      await agent.close();
    },
  };
}
