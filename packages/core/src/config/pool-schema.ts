/**
 * `pools:` in helios.yaml: named groups of backends, each balanced, health-checked, retried and
 * queued on its own. A pool takes the same `backends`, `strategy` and `health` as the top level;
 * `strategy` and `health` default to the top-level ones, and `timeouts`, `retries`,
 * `retryBudget`, `queue`, `limits` and `upstreamTls` override only the keys given, over the top-level values.
 */
import { z } from 'zod';
import { backendsSchema } from './backend-schema.js';
import { healthSchema } from './health-schema.js';
import { strategySchema } from './strategy-schema.js';
import {
  bodyLimitFields,
  queueSchema,
  retriesSchema,
  retryBudgetSchema,
  upstreamTimeoutFields,
} from './upstream-fields.js';
import { upstreamHttp2Schema, upstreamTlsSchema } from './upstream-tls-schema.js';

const poolTimeoutsSchema = z
  .strictObject({
    connect: upstreamTimeoutFields.connect().optional(),
    response: upstreamTimeoutFields.response().optional(),
    upstreamIdle: upstreamTimeoutFields.upstreamIdle().optional(),
  })
  .describe('Backend timeouts of this pool; unset keys use the top-level `timeouts`.');

const poolLimitsSchema = z
  .strictObject({
    bodyBuffer: bodyLimitFields.bodyBuffer().optional(),
    maxBodySize: bodyLimitFields.maxBodySize().optional(),
  })
  .describe('Body limits of this pool; unset keys use the top-level `limits`.');

export const poolSchema = z
  .strictObject({
    backends: backendsSchema,
    strategy: strategySchema.optional().describe('Default: the top-level `strategy`.'),
    health: healthSchema.optional().describe('Default: the top-level `health`.'),
    retries: retriesSchema().optional().describe('Default: the top-level `retries`.'),
    retryBudget: retryBudgetSchema.optional().describe('Default: the top-level `retryBudget`.'),
    timeouts: poolTimeoutsSchema.optional(),
    queue: queueSchema.optional().describe('Default: the top-level `queue`.'),
    limits: poolLimitsSchema.optional(),
    upstreamTls: upstreamTlsSchema
      .optional()
      .describe(
        'TLS to this pool’s `https://` backends; unset keys use the top-level `upstreamTls`.',
      ),
    upstreamHttp2: upstreamHttp2Schema
      .optional()
      .describe('Default: the top-level `upstreamHttp2`.'),
  })
  .describe('A pool: backends and how they are balanced, checked, retried and queued.');

export type PoolInput = z.output<typeof poolSchema>;
