/**
 * Where Helios listens. The top-level `port`/`host`/`tls`/`http2` are the one-listener shorthand
 * every existing helios.yaml uses; `listeners:` lists several (a TLS port and a plain port that
 * redirects to it, say). Both resolve to the same `listeners` array, so the data path knows one
 * form. The checks across listeners (one port each, a redirect needs a TLS listener to point
 * at, HTTP/2 needs TLS) live here too.
 */
import { z } from 'zod';
import { flag } from './fields.js';
import { http2Schema, type TlsConfig, tlsSchema } from './tls-schema.js';

export const PORT_EXPECTED = 'a port number from 1 to 65535 (0 picks a free port)';
export const portSchema = (description: string) =>
  z
    .number({ error: PORT_EXPECTED })
    .int({ error: PORT_EXPECTED })
    .min(0, { error: PORT_EXPECTED })
    .max(65_535, { error: PORT_EXPECTED })
    .describe(description);

const HOST_EXPECTED = 'a host name or IP address to listen on (e.g. 0.0.0.0, 127.0.0.1, ::)';
export const hostSchema = z
  .string({ error: HOST_EXPECTED })
  .regex(/^[^\s/]+$/, { error: HOST_EXPECTED });

export const listenerSchema = z.strictObject({
  port: portSchema('Port of this listener.'),
  host: hostSchema.optional().describe('Address of this listener; default: the top-level `host`.'),
  tls: tlsSchema.optional(),
  http2: http2Schema.optional(),
  redirectToHttps: flag(
    'Answer every request with a 308 to the first TLS listener (same host, path and query); never proxies.',
  ).default(false),
});

/** One listener as Helios runs it. */
export interface ListenerConfig {
  port: number;
  host: string;
  tls: TlsConfig | undefined;
  /** Offer h2 by ALPN (TLS listeners only). */
  http2: boolean;
  redirectToHttps: boolean;
  /** Key path of this listener in the file: `[]` for the shorthand, `['listeners', i]`. */
  at: (string | number)[];
}

type Issue = z.core.$ZodRawIssue;
type AddIssue = (issue: Issue) => void;

interface ListenerSources {
  port?: unknown;
  tls?: unknown;
  http2?: unknown;
  listeners?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks across listeners; reads defensively, as other keys may be malformed. */
export function checkListeners(sources: ListenerSources, addIssue: AddIssue): void {
  if (!isObject(sources)) return;
  const list = sources.listeners;
  if (list === undefined) {
    if (sources.port === undefined) {
      addIssue({
        code: 'invalid_type',
        expected: 'number',
        path: ['port'],
        message: PORT_EXPECTED,
        input: undefined,
      });
    }
    checkHttp2(sources, [], addIssue);
    return;
  }
  for (const key of ['port', 'tls', 'http2'] as const) {
    if (sources[key] === undefined) continue;
    addIssue({
      code: 'custom',
      path: [key],
      message: `no top-level \`${key}\`: give it in each entry of \`listeners\``,
      input: sources[key],
      params: { problem: `\`${key}\` is the one-listener shorthand, and \`listeners\` is set too` },
    });
  }
  if (!Array.isArray(list)) return;
  const entries = list.filter(isObject);
  const hasTls = entries.some((l) => l.tls !== undefined && l.redirectToHttps !== true);
  const ports = new Map<number, number>();
  list.forEach((entry: unknown, index) => {
    if (!isObject(entry)) return;
    const at = ['listeners', index];
    checkHttp2(entry, at, addIssue);
    if (typeof entry.port === 'number' && entry.port !== 0) {
      const first = ports.get(entry.port);
      if (first === undefined) ports.set(entry.port, index);
      else {
        addIssue({
          code: 'custom',
          path: [...at, 'port'],
          message: 'a port no other listener uses',
          input: entry.port,
          params: { problem: `listeners[${first}] listens on ${entry.port} already` },
        });
      }
    }
    if (entry.redirectToHttps !== true) return;
    if (entry.tls !== undefined) {
      addIssue({
        code: 'custom',
        path: [...at, 'redirectToHttps'],
        message: 'a redirect listener is plain HTTP: remove `tls` here or `redirectToHttps`',
        input: true,
      });
    } else if (!hasTls) {
      addIssue({
        code: 'custom',
        path: [...at, 'redirectToHttps'],
        message: 'a TLS listener to redirect to: add one with `tls` to `listeners`',
        input: true,
      });
    }
  });
}

function checkHttp2(
  entry: Record<string, unknown>,
  at: (string | number)[],
  addIssue: AddIssue,
): void {
  if (entry.http2 !== true || entry.tls !== undefined) return;
  addIssue({
    code: 'custom',
    path: [...at, 'http2'],
    message:
      'false here: HTTP/2 is offered on TLS listeners only (cleartext h2c is not); add `tls` or remove `http2`',
    input: true,
  });
}

interface ResolvedSources {
  port?: number | undefined;
  host: string;
  tls?: TlsConfig | undefined;
  http2?: boolean | undefined;
  listeners?: z.output<typeof listenerSchema>[] | undefined;
}

/** The listeners Helios runs: the list as written, or the one the shorthand keys describe. */
export function resolveListeners(config: ResolvedSources): ListenerConfig[] {
  if (config.listeners === undefined) {
    return [
      {
        port: config.port ?? 0,
        host: config.host,
        tls: config.tls,
        http2: config.tls !== undefined && (config.http2 ?? true),
        redirectToHttps: false,
        at: [],
      },
    ];
  }
  return config.listeners.map((listener, index) => ({
    port: listener.port,
    host: listener.host ?? config.host,
    tls: listener.tls,
    http2: listener.tls !== undefined && (listener.http2 ?? true),
    redirectToHttps: listener.redirectToHttps,
    at: ['listeners', index],
  }));
}
