// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax, not a mistaken template.
/**
 * The one schema of helios.yaml. It is the single source of truth: the resolved TypeScript
 * types are inferred from its output side, validation is this schema, and the published JSON
 * Schema is generated from its input side. Every object is strict, so typos are errors.
 */
import { z } from 'zod';
import { backendsSchema } from './backend-schema.js';
import { durationSchema } from './duration.js';
import { flag, wholeNumber } from './fields.js';
import { healthSchema } from './health-schema.js';
import {
  checkListeners,
  hostSchema,
  listenerSchema,
  portSchema,
  resolveListeners,
} from './listener-schema.js';
import { poolSchema } from './pool-schema.js';
import { checkPools, resolvePools, resolveRoutes } from './pools.js';
import { NAME_PATTERN, nameSchema, routeSchema } from './route-schema.js';
import { sizeSchema } from './size.js';
import { strategySchema } from './strategy-schema.js';
import { http2Schema, tlsSchema } from './tls-schema.js';
import { trustProxySchema } from './trust-proxy-schema.js';
import {
  bodyLimitFields,
  queueSchema,
  retriesSchema,
  retryBudgetSchema,
  upstreamTimeoutFields,
} from './upstream-fields.js';
import { upstreamHttp2Schema, upstreamTlsSchema } from './upstream-tls-schema.js';

/** Loopback only: 127.0.0.0/8, ::1 and `localhost`. */
function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

const timeoutsSchema = z
  .strictObject({
    connect: upstreamTimeoutFields.connect().prefault('5s'),
    response: upstreamTimeoutFields.response().prefault('30s'),
    upstreamIdle: upstreamTimeoutFields.upstreamIdle().prefault('1m'),
    clientHeader: durationSchema({
      min: 1,
      description: 'A client must send complete request headers within this (slowloris).',
    }).prefault('10s'),
    clientIdle: durationSchema({
      min: 1,
      description: 'An idle keep-alive client connection is closed after this.',
    }).prefault('5s'),
    clientBody: durationSchema({
      min: 1,
      description:
        'Longest pause between two reads of a request body while Helios waits for it; then 408 (or the connection is closed once a response began).',
    }).prefault('30s'),
    clientSend: durationSchema({
      min: 1,
      description:
        'Longest time a client may leave a response unread while Helios waits to send more; then the connection is closed.',
    }).prefault('60s'),
    drain: durationSchema({
      min: 0,
      description: 'Graceful shutdown: in-flight requests get this long to finish.',
    }).prefault('30s'),
  })
  .describe('Timeouts (durations).');

const limitsSchema = z
  .strictObject({
    maxHeaderSize: sizeSchema(1_024, 'Largest request head; larger gets 431.').prefault('16KiB'),
    maxUrlLength: wholeNumber(64, 1_048_576, 'Longest request target; longer gets 414.').default(
      8_192,
    ),
    maxConnections: wholeNumber(
      1,
      10_000_000,
      'Most client connections one process keeps open; more are closed at once.',
    ).default(10_000),
    maxHeaderCount: wholeNumber(
      8,
      10_000,
      'Most header lines in a request; more gets 431 (never a silent drop).',
    ).default(100),
    maxConcurrentStreams: wholeNumber(
      1,
      10_000,
      'HTTP/2: most streams one client connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS); a client resetting more than twice this many within 10 s is disconnected (rapid reset).',
    ).default(100),
    bodyBuffer: bodyLimitFields.bodyBuffer().prefault('64KiB'),
    maxBodySize: bodyLimitFields.maxBodySize().optional(),
  })
  .describe('Client-side limits.');

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
const FORMATS = ['auto', 'json', 'pretty'] as const;

const loggingSchema = z
  .strictObject({
    level: z
      .enum(LEVELS, { error: `one of ${LEVELS.join(', ')}` })
      .default('info')
      .describe('Least severe level that is logged.'),
    format: z
      .enum(FORMATS, { error: `one of ${FORMATS.join(', ')}` })
      .default('auto')
      .describe('`auto`: pretty on a TTY, JSON otherwise.'),
  })
  .describe('Process log.');

const OUTPUT_EXPECTED = '`stdout`, `stderr` or a file path';
const ACCESS_FORMATS = ['auto', 'text', 'json'] as const;
const accessLogObjectSchema = z.strictObject({
  enabled: flag('Write the access log.').default(true),
  output: z
    .string({ error: OUTPUT_EXPECTED })
    .min(1, { error: OUTPUT_EXPECTED })
    .default('stdout')
    .describe('`stdout`, `stderr` or a file path.'),
  format: z
    .enum(ACCESS_FORMATS, { error: `one of ${ACCESS_FORMATS.join(', ')}` })
    .default('auto')
    .describe('`json` lines, `text` lines, or `auto`: JSON when the process log is JSON.'),
});

const accessLogSchema = z
  .union(
    [
      z.boolean().transform((enabled) => ({
        enabled,
        output: 'stdout',
        format: 'auto' as (typeof ACCESS_FORMATS)[number],
      })),
      accessLogObjectSchema,
    ],
    { error: 'true, false, or a mapping with `enabled`, `output` and `format`' },
  )
  .prefault(false)
  .describe('Access log, one line per request: `true`, `false` or `{ enabled, output, format }`.');

const adminSchema = z
  .strictObject({
    port: portSchema('Port of the admin listener (metrics, status, dashboard).'),
    host: hostSchema.default('127.0.0.1').describe('Admin listener address.'),
    token: z
      .string({ error: 'a non-empty string (use ${VAR} to keep it out of the file)' })
      .min(1, { error: 'a non-empty string (use ${VAR} to keep it out of the file)' })
      .optional()
      .describe('Bearer token required by the admin API (use ${VAR}).'),
    allowUnauthenticated: flag(
      'Serve the admin API on a non-loopback host without a token (not recommended).',
    ).default(false),
  })
  .superRefine((admin, ctx) => {
    if (admin.token !== undefined || admin.allowUnauthenticated || isLoopback(admin.host)) return;
    ctx.addIssue({
      code: 'custom',
      path: ['token'],
      message: 'a token, because admin.host is reachable from other machines',
      input: admin.token,
      params: {
        problem: `admin.host ${admin.host} would expose metrics, status and the dashboard to anyone who can reach it; set admin.token (e.g. "\${ADMIN_TOKEN}"), bind admin.host to 127.0.0.1, or set admin.allowUnauthenticated: true`,
      },
    });
  })
  .describe('Admin listener: /metrics, /api/status, dashboard. Off unless set.');

const WORKERS_EXPECTED = '`auto` or a whole number of processes from 1 to 1024';
const workersSchema = z
  .union(
    [
      // The literal carries the whole phrase: a misspelt word would otherwise be told only
      // "expected `auto`", as if a number were not allowed.
      z.literal('auto', { error: WORKERS_EXPECTED }),
      z
        .number({ error: WORKERS_EXPECTED })
        .int({ error: WORKERS_EXPECTED })
        .min(1, { error: WORKERS_EXPECTED })
        .max(1_024, { error: WORKERS_EXPECTED }),
    ],
    { error: WORKERS_EXPECTED },
  )
  .default(1)
  .describe('Worker processes: a count, or `auto` for the available cores.');

export const heliosConfigSchema = z
  .strictObject({
    port: portSchema('Port the proxy listens on (or use `listeners`).').optional(),
    host: hostSchema
      .default('0.0.0.0')
      .describe('Address the proxy listens on (the default host of `listeners` too).'),
    tls: tlsSchema.optional(),
    http2: http2Schema.optional(),
    listeners: z
      .array(listenerSchema, { error: 'a list of listeners (`{ port, host, tls, ... }`)' })
      .min(1, { error: 'at least one listener' })
      .optional()
      .describe('Several listeners; the top-level `port`/`host`/`tls`/`http2` describe one.'),
    strategy: strategySchema.prefault('round-robin'),
    backends: backendsSchema
      .optional()
      .describe('Upstream servers of the pool `default` (or use `pools`).'),
    pools: z
      .record(z.string().meta({ pattern: NAME_PATTERN.source }), poolSchema)
      // Names are checked here rather than as the record's key schema, which would drop a pool
      // with a bad name and then also report "no backends" for a file that has them.
      .superRefine((pools, ctx) => {
        for (const name of Object.keys(pools)) {
          const checked = nameSchema.safeParse(name);
          if (checked.success) continue;
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: checked.error.issues[0]?.message ?? 'a pool name',
            input: name,
          });
        }
      })
      .optional()
      .describe('Named pools of backends, each balanced and checked on its own.'),
    routes: z
      .array(routeSchema, { error: 'a list of routes' })
      .optional()
      .describe('Tried in file order; the first match wins. Without routes: one pool, everything.'),
    preserveHost: flag('Send the client’s Host to backends; false sends the backend’s.').default(
      true,
    ),
    trustProxy: trustProxySchema,
    timeouts: timeoutsSchema.prefault({}),
    retries: retriesSchema().default(1),
    retryBudget: retryBudgetSchema.prefault({}),
    limits: limitsSchema.prefault({}),
    queue: queueSchema.prefault({}),
    upstreamTls: upstreamTlsSchema.optional(),
    upstreamHttp2: upstreamHttp2Schema.default(false),
    health: healthSchema.prefault({}),
    logging: loggingSchema.prefault({}),
    accessLog: accessLogSchema,
    admin: adminSchema.optional(),
    workers: workersSchema,
  })
  .superRefine(
    (config, ctx) => {
      const add = (issue: unknown) => ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
      checkListeners(config, add);
      checkPools(config, add);
    },
    // Also when other keys are wrong: every problem is reported at once (checkPools reads the
    // sections defensively, as they may be malformed then).
    { when: () => true },
  )
  .transform((config) => {
    const pools = resolvePools(config, config);
    const listeners = resolveListeners(config);
    const first = listeners[0];
    return {
      ...config,
      // The first listener's address, for what shows one address (logs, `validate`).
      port: first?.port ?? 0,
      host: first?.host ?? config.host,
      listeners,
      pools,
      routes: resolveRoutes(config.routes, Object.keys(pools)),
    };
  })
  .describe('Helios configuration (helios.yaml).');
