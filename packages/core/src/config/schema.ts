// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax, not a mistaken template.
/**
 * The one schema of helios.yaml. It is the single source of truth: the resolved TypeScript
 * types are inferred from its output side, validation is this schema, and the published JSON
 * Schema is generated from its input side. Every object is strict, so typos are errors.
 */
import { z } from 'zod';
import { backendsSchema } from './backend-schema.js';
import { durationSchema } from './duration.js';
import { healthSchema } from './health-schema.js';
import { sizeSchema } from './size.js';
import { strategySchema } from './strategy-schema.js';

const PORT_EXPECTED = 'a port number from 1 to 65535 (0 picks a free port)';
const portSchema = (description: string) =>
  z
    .number({ error: PORT_EXPECTED })
    .int({ error: PORT_EXPECTED })
    .min(0, { error: PORT_EXPECTED })
    .max(65_535, { error: PORT_EXPECTED })
    .describe(description);

const HOST_EXPECTED = 'a host name or IP address to listen on (e.g. 0.0.0.0, 127.0.0.1, ::)';
const hostSchema = z.string({ error: HOST_EXPECTED }).regex(/^[^\s/]+$/, { error: HOST_EXPECTED });

const whole = (min: number, max: number, description: string) => {
  const expected = `a whole number from ${min} to ${max}`;
  return z
    .number({ error: expected })
    .int({ error: expected })
    .min(min, { error: expected })
    .max(max, { error: expected })
    .describe(description);
};

const flag = (description: string) => z.boolean({ error: 'true or false' }).describe(description);

const timeoutsSchema = z
  .strictObject({
    connect: durationSchema({ min: 1, description: 'Connecting to a backend.' }).prefault('5s'),
    response: durationSchema({
      min: 1,
      description: 'Backend response headers must arrive within this, else 504.',
    }).prefault('30s'),
    upstreamIdle: durationSchema({
      min: 0,
      description: 'Idle time between response body chunks; 0 disables (SSE, long polls).',
    }).prefault('1m'),
    clientHeader: durationSchema({
      min: 1,
      description: 'A client must send complete request headers within this (slowloris).',
    }).prefault('10s'),
    clientIdle: durationSchema({
      min: 1,
      description: 'An idle keep-alive client connection is closed after this.',
    }).prefault('5s'),
    drain: durationSchema({
      min: 0,
      description: 'Graceful shutdown: in-flight requests get this long to finish.',
    }).prefault('30s'),
  })
  .describe('Timeouts (durations).');

const retryBudgetSchema = z
  .strictObject({
    percent: whole(0, 100, 'Retries may add at most this % of recent requests.').default(20),
    minPerSecond: whole(0, 10_000, 'Retries per second always allowed.').default(3),
  })
  .describe('Caps retries during an outage (Envoy/Finagle-style budget).');

const limitsSchema = z
  .strictObject({
    maxHeaderSize: sizeSchema(1_024, 'Largest request head; larger gets 431.').prefault('16KiB'),
    maxUrlLength: whole(64, 1_048_576, 'Longest request target; longer gets 414.').default(8_192),
    maxBodySize: sizeSchema(
      1,
      'Largest request body; larger gets 413. Unset: unlimited.',
    ).optional(),
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
    port: portSchema('Port the proxy listens on.'),
    host: hostSchema.default('0.0.0.0').describe('Address the proxy listens on.'),
    strategy: strategySchema.prefault('round-robin'),
    backends: backendsSchema,
    preserveHost: flag('Send the client’s Host to backends; false sends the backend’s.').default(
      true,
    ),
    trustProxy: flag('Trust incoming X-Forwarded-* headers (only behind another proxy).').default(
      false,
    ),
    timeouts: timeoutsSchema.prefault({}),
    retries: whole(0, 10, 'Retries on another backend when it is safe.').default(1),
    retryBudget: retryBudgetSchema.prefault({}),
    limits: limitsSchema.prefault({}),
    health: healthSchema.prefault({}),
    logging: loggingSchema.prefault({}),
    accessLog: accessLogSchema,
    admin: adminSchema.optional(),
    workers: workersSchema,
  })
  .describe('Helios configuration (helios.yaml).');
