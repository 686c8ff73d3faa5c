/**
 * `backends:` in helios.yaml. Each entry is a URL string or an object with the URL and
 * per-backend settings; both forms resolve to the same `BackendConfig`. Backends are identified
 * by their origin, so the same origin twice is an error rather than a silent merge.
 */
import { z } from 'zod';
import { backendUrlSchema } from './backend-url.js';

const DEFAULT_WEIGHT = 1;
const DEFAULT_MAX_CONNECTIONS = 128;

const HEALTH_PATH_EXPECTED = 'a URL path starting with a single / (e.g. /health)';

/**
 * A probe path. `//host/x` and `/\host/x` are refused: URL resolution would read them as
 * another authority, and a probe must only ever reach the backend it checks.
 */
export const healthPathSchema = z
  .string({ error: HEALTH_PATH_EXPECTED })
  .regex(/^\/(?![/\\])[^\s\\#]*$/, { error: HEALTH_PATH_EXPECTED });

export const hostHeaderSchema = z
  .string({ error: 'a host name for the Host header (e.g. api.internal)' })
  .regex(/^[^\s/]+$/, { error: 'a host name for the Host header (e.g. api.internal)' });

const backendObjectSchema = z.strictObject({
  url: backendUrlSchema,
  weight: z
    .number({ error: 'a whole number from 1 to 1000' })
    .int({ error: 'a whole number from 1 to 1000' })
    .min(1, { error: 'a whole number from 1 to 1000' })
    .max(1000, { error: 'a whole number from 1 to 1000' })
    .default(DEFAULT_WEIGHT)
    .describe('Relative share of traffic for weighted strategies.'),
  maxConnections: z
    .number({ error: 'a whole number from 1 to 65536' })
    .int({ error: 'a whole number from 1 to 65536' })
    .min(1, { error: 'a whole number from 1 to 65536' })
    .max(65_536, { error: 'a whole number from 1 to 65536' })
    .default(DEFAULT_MAX_CONNECTIONS)
    .describe('Most keep-alive connections Helios opens to this backend.'),
  health: z
    .strictObject({
      path: healthPathSchema
        .optional()
        .describe('Active check path for this backend (overrides health.active.path).'),
      host: hostHeaderSchema
        .optional()
        .describe('Host header for this backend’s active checks (overrides health.active.host).'),
    })
    .default({})
    .describe('Per-backend overrides for active health checks.'),
});

const BACKEND_EXPECTED =
  'a backend: a URL string (http://127.0.0.1:9001) or a mapping with `url` and optional `weight`, `maxConnections`, `health`';

/** One backend, in either input form. */
export const backendSchema = z
  .union(
    [
      backendUrlSchema.transform(
        (url): z.output<typeof backendObjectSchema> => ({
          url,
          weight: DEFAULT_WEIGHT,
          maxConnections: DEFAULT_MAX_CONNECTIONS,
          health: {},
        }),
      ),
      backendObjectSchema,
    ],
    { error: BACKEND_EXPECTED },
  )
  .describe('A backend: a URL string, or an object with `url` and options.');

/** The backend list: at least one, no origin twice. */
export const backendsSchema = z
  .array(backendSchema, { error: 'a list of backends (at least one)' })
  .min(1, { error: 'a list of backends (at least one)' })
  .superRefine((backends, ctx) => {
    const seen = new Map<string, number>();
    backends.forEach((backend, index) => {
      const first = seen.get(backend.url.origin);
      if (first === undefined) {
        seen.set(backend.url.origin, index);
        return;
      }
      ctx.addIssue({
        code: 'custom',
        path: [index, 'url'],
        message: 'a backend origin that is not already listed',
        input: backend.url.origin,
        params: { problem: `backends[${first}] has the same origin; give each backend once` },
      });
    });
  })
  .describe('Upstream servers. A URL string or an object with `url`, `weight`, `maxConnections`.');
