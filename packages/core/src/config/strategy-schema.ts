/**
 * `strategy:` in helios.yaml: a strategy name, or a mapping with `name` and that strategy's
 * options. Options are validated per strategy (unknown ones are errors) and resolved with
 * their defaults, so strategies receive ready-to-use values (durations in ms).
 */
import { z } from 'zod';
import { durationSchema } from './duration.js';

export const STRATEGY_NAMES = [
  'round-robin',
  'weighted-round-robin',
  'least-connections',
  'random',
  'power-of-two',
  'ewma',
  'consistent-hash',
] as const;

export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** What other proxies call these, so a familiar name gets a useful "did you mean". */
export const STRATEGY_ALIASES: Readonly<Record<string, StrategyName>> = {
  roundrobin: 'round-robin',
  rr: 'round-robin',
  wrr: 'weighted-round-robin',
  weighted: 'weighted-round-robin',
  leastconn: 'least-connections',
  leastconns: 'least-connections',
  leastconnection: 'least-connections',
  leastrequest: 'least-connections',
  leastrequests: 'least-connections',
  p2c: 'power-of-two',
  poweroftwochoices: 'power-of-two',
  peakewma: 'ewma',
  leasttime: 'ewma',
  latency: 'ewma',
  hash: 'consistent-hash',
  iphash: 'consistent-hash',
  ringhash: 'consistent-hash',
  maglev: 'consistent-hash',
  ketama: 'consistent-hash',
  sticky: 'consistent-hash',
};

const KEY_EXPECTED = '`ip`, `header:<name>` or `cookie:<name>`';
const KEY = /^(ip|header:[!#$%&'*+.^_`|~0-9A-Za-z-]+|cookie:[!#$%&'*+.^_`|~0-9A-Za-z-]+)$/;

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

const noOptions = (name: StrategyName, description: string) =>
  z.strictObject({ name: z.literal(name) }).describe(description);

const ewmaSchema = z
  .strictObject({
    name: z.literal('ewma'),
    decay: durationSchema({
      min: 1,
      description: 'How fast old latency samples fade (peak-EWMA time constant).',
    }).prefault('10s'),
    failurePenalty: durationSchema({
      min: 1,
      description:
        'A failed request counts as at least this latency, so a backend that fails fast does not attract traffic.',
    }).prefault('1s'),
    probe: z
      .number({ error: 'a number from 0 to 0.5' })
      .min(0, { error: 'a number from 0 to 0.5' })
      .max(0.5, { error: 'a number from 0 to 0.5' })
      .default(0.02)
      .describe('Share of picks that probe a random candidate, so a recovered backend is seen.'),
  })
  .describe('Latency-aware: peak-EWMA of response time times (in-flight + 1).');

const consistentHashSchema = z
  .strictObject({
    name: z.literal('consistent-hash'),
    key: z
      .string({ error: KEY_EXPECTED })
      .regex(KEY, { error: KEY_EXPECTED })
      // Header names are case-insensitive on the wire; lower-case once here, not per request.
      .transform((key) => (key.startsWith('header:') ? key.toLowerCase() : key))
      .prefault('ip')
      .describe('What a request is hashed by: `ip`, `header:<name>` or `cookie:<name>`.'),
    tableSize: z
      .number({ error: 'a whole number from 7 to 10000019' })
      .int({ error: 'a whole number from 7 to 10000019' })
      .min(7, { error: 'a whole number from 7 to 10000019' })
      .max(10_000_019, { error: 'a whole number from 7 to 10000019' })
      .refine(isPrime, { error: 'a prime number, for example 65537' })
      .optional()
      .describe('Lookup table size for a Maglev table (a prime); strategy default if unset.'),
  })
  .describe('Session affinity: the same key goes to the same backend.');

const strategyObjectSchema = z.discriminatedUnion('name', [
  noOptions('round-robin', 'Strict rotation over the healthy backends.'),
  noOptions('weighted-round-robin', 'Smooth weighted rotation (nginx algorithm).'),
  noOptions('least-connections', 'Fewest requests in flight, weight-aware.'),
  noOptions('random', 'A uniformly random healthy backend.'),
  noOptions('power-of-two', 'Two random picks; the one with fewer in flight wins.'),
  ewmaSchema,
  consistentHashSchema,
]);

export interface StrategyConfig {
  name: StrategyName;
  /**
   * Options resolved with their defaults (durations in ms): `ewma` has `decay`,
   * `failurePenalty` and `probe`; `consistent-hash` has `key` and optional `tableSize`.
   */
  options: Record<string, unknown>;
}

/** The options each strategy accepts, for those who want them typed. */
export interface EwmaOptions {
  decay: number;
  failurePenalty: number;
  probe: number;
}
export interface ConsistentHashOptions {
  key: string;
  tableSize?: number | undefined;
}

function split(value: z.output<typeof strategyObjectSchema>): StrategyConfig {
  const { name, ...options } = value;
  return { name, options };
}

export const STRATEGY_EXPECTED = `a strategy name (${STRATEGY_NAMES.join(', ')}) or a mapping with \`name\` and options`;

export const strategySchema = z
  .union(
    [
      z
        .enum(STRATEGY_NAMES, {
          error: `one of ${STRATEGY_NAMES.map((n) => `\`${n}\``).join(', ')}`,
        })
        .transform((name) => split(strategyObjectSchema.parse({ name }))),
      strategyObjectSchema.transform(split),
    ],
    { error: STRATEGY_EXPECTED },
  )
  .describe('Load-balancing strategy: a name, or `{ name, ...options }`.');
