/**
 * `health:` in helios.yaml: passive outlier detection, active probes and slow start.
 * Defaults: eject after 5 consecutive failures for 30s, doubling up to 5m (Envoy's outlier
 * detection); probe every 10s, 3 fails down / 2 passes up (HAProxy-style); so a bare config is
 * already safe, and no single request a client controls can eject a backend.
 */
import { z } from 'zod';
import { healthPathSchema, hostHeaderSchema } from './backend-schema.js';
import { durationSchema } from './duration.js';
import { flag, wholeNumber } from './fields.js';
import { statusListSchema } from './status.js';

const count = (min: number, max: number, fallback: number, description: string) =>
  wholeNumber(min, max, description).default(fallback);

const on = (fallback: boolean, description: string) => flag(description).default(fallback);

const passiveSchema = z
  .strictObject({
    enabled: on(true, 'Eject backends that fail real requests.'),
    failureStatuses: statusListSchema('Statuses that count as a backend failure.').prefault([
      '5xx',
    ]),
    // Five in a row, like Envoy's consecutive_5xx: one request a client can make fail (a URL
    // that answers 500, a slow endpoint) must not take a healthy backend out of service.
    failureThreshold: count(1, 1000, 5, 'Consecutive failures that eject a backend.'),
    cooldown: durationSchema({ min: 1, description: 'First ejection time.' }).prefault('30s'),
    maxCooldown: durationSchema({
      min: 1,
      description: 'Cap of the ejection time, which doubles for a backend that keeps failing.',
    }).prefault('5m'),
    maxEjectedPercent: count(0, 100, 50, 'Most of the pool passive checks may eject at once (%).'),
  })
  .superRefine((passive, ctx) => {
    if (passive.maxCooldown < passive.cooldown) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxCooldown'],
        message: `a duration of at least health.passive.cooldown (${passive.cooldown}ms)`,
        input: passive.maxCooldown,
      });
    }
  })
  .describe('Passive health checking (outlier detection) from real traffic.');

const activeSchema = z
  .strictObject({
    enabled: on(true, 'Probe every backend in the background.'),
    path: healthPathSchema.default('/health').describe('Path of the GET probe.'),
    interval: durationSchema({ min: 1, description: 'Time between probes.' }).prefault('10s'),
    timeout: durationSchema({ min: 1, description: 'A probe that takes longer fails.' }).prefault(
      '2s',
    ),
    jitter: z
      .number({ error: 'a fraction from 0 to 1' })
      .min(0, { error: 'a fraction from 0 to 1' })
      .max(1, { error: 'a fraction from 0 to 1' })
      .default(0.1)
      .describe('Random spread of the interval (fraction), so probes are not in lockstep.'),
    expectedStatuses: statusListSchema('Statuses that pass a probe.').prefault(['200-399']),
    unhealthyThreshold: count(1, 100, 3, 'Consecutive failed probes that take a backend out.'),
    healthyThreshold: count(1, 100, 2, 'Consecutive passed probes that bring it back.'),
    host: hostHeaderSchema.optional().describe('Host header of probes (default: the backend’s).'),
  })
  .superRefine((active, ctx) => {
    if (active.timeout > active.interval) {
      ctx.addIssue({
        code: 'custom',
        path: ['timeout'],
        message: `a duration no longer than health.active.interval (${active.interval}ms)`,
        input: active.timeout,
        params: { problem: 'probes would overlap' },
      });
    }
  })
  .describe('Active health checking: periodic GET probes.');

const SLOW_START_EXPECTED =
  '`off` or a duration over which a returning backend ramps up (e.g. 30s)';

const slowStartSchema = z
  .union(
    [
      z.literal('off').transform(() => 0),
      z.literal(false).transform(() => 0),
      durationSchema({ min: 0, description: 'Ramp-up window.' }),
    ],
    { error: SLOW_START_EXPECTED },
  )
  .prefault('off')
  .describe('A backend that comes back ramps its weight up linearly over this time; `off` = 0.');

export const healthSchema = z
  .strictObject({
    passive: passiveSchema.prefault({}),
    active: activeSchema.prefault({}),
    slowStart: slowStartSchema,
  })
  .describe('Health checking: passive, active and slow start.');
