/**
 * `strategy:` in helios.yaml (at the top level and in each pool): a strategy name, or a mapping
 * with `name` and that strategy's options. Core knows no strategy; the names, aliases and
 * option schemas come from the strategy catalog given to parseConfig / resolveConfig /
 * loadConfig (strategy-catalog.ts).
 *
 * - With a catalog, the section is checked like every other key (file:line:column, the key path
 *   such as `pools.api.strategy.key`, did-you-mean over names and aliases) and its options are
 *   resolved with their defaults (durations in ms).
 * - Without one, only the shape is checked (a name, or a mapping with a string `name`) and the
 *   options are passed on as written; the strategy's factory checks them when it is built.
 */
import { z } from 'zod';
import type { StrategyCatalog } from '../strategy-catalog.js';
import { expectedPhrase } from './zod-issues.js';

export interface StrategyConfig {
  name: string;
  /** The options, resolved with their defaults when a catalog was given; as written otherwise. */
  options: Record<string, unknown>;
}

const quoted = (names: readonly string[]): string => names.map((n) => `\`${n}\``).join(', ');

function expected(catalog: StrategyCatalog | undefined): string {
  return catalog === undefined
    ? 'a strategy name or a mapping with `name` and options'
    : `a strategy name (${catalog.names.join(', ')}) or a mapping with \`name\` and options`;
}

function split({ name, ...options }: { name: string } & Record<string, unknown>): StrategyConfig {
  return { name, options };
}

/**
 * The catalog in effect for the parse under way. zod passes no context of ours to a schema, and
 * `strategySchema` sits in schemas built once at import (the top level, pools), so the catalog
 * is set for the duration of one synchronous parse by `withStrategyCatalog` and restored after.
 */
let inEffect: StrategyCatalog | undefined;

export function withStrategyCatalog<T>(catalog: StrategyCatalog | undefined, run: () => T): T {
  const previous = inEffect;
  inEffect = catalog;
  try {
    return run();
  } finally {
    inEffect = previous;
  }
}

const bySchema = new WeakMap<StrategyCatalog, z.ZodType>();

/**
 * The section as `catalog` defines it: a name from its list, or a mapping whose `name` picks one
 * strict variant with that strategy's options. Built once per catalog.
 */
export function catalogStrategySchema(catalog: StrategyCatalog): z.ZodType {
  const cached = bySchema.get(catalog);
  if (cached !== undefined) return cached;
  const variants = catalog.names.map((name) => {
    const descriptor = catalog.get(name);
    if (descriptor === undefined) throw new Error(`strategy catalog lists "${name}" but has none`);
    return z
      .strictObject({ name: z.literal(name), ...descriptor.options.shape })
      .describe(descriptor.description);
  });
  const objectSchema = z.discriminatedUnion(
    'name',
    variants as unknown as [(typeof variants)[number], ...(typeof variants)[number][]],
  );
  const names = catalog.names as [string, ...string[]];
  const schema = z.union(
    [
      z.enum(names, { error: `one of ${quoted(names)}` }).transform((name, ctx) => {
        // The bare name: every option at its default (a strategy may still require one).
        const result = objectSchema.safeParse(
          { name },
          { error: expectedPhrase, reportInput: true },
        );
        if (result.success) return split(result.data);
        for (const issue of result.error.issues) ctx.addIssue(issue as z.core.$ZodRawIssue);
        return z.NEVER;
      }),
      objectSchema.transform(split),
    ],
    { error: expected(catalog) },
  );
  bySchema.set(catalog, schema);
  return schema;
}

const shapeSchema = z.union(
  [
    z.string(),
    z.looseObject({
      name: z
        .string({ error: 'a strategy name' })
        .describe('The strategy, when options are given.'),
    }),
  ],
  { error: () => expected(inEffect) },
);

function resolve(
  value: z.output<typeof shapeSchema>,
  ctx: z.core.$RefinementCtx<z.output<typeof shapeSchema>>,
): StrategyConfig {
  const catalog = inEffect;
  if (catalog === undefined) return split(typeof value === 'string' ? { name: value } : value);
  const result = catalogStrategySchema(catalog).safeParse(value, {
    error: expectedPhrase,
    reportInput: true,
  });
  if (result.success) return result.data as StrategyConfig;
  // Paths are relative to the section; zod prefixes where it sits (`pools.api.strategy`).
  for (const issue of result.error.issues) ctx.addIssue(issue as z.core.$ZodRawIssue);
  return z.NEVER;
}

export const strategySchema = shapeSchema
  .transform(resolve)
  .describe('Load-balancing strategy: a name, or `{ name, ...options }`.');

/** The transform every copy of `strategySchema` shares (`.describe()` and the like clone it). */
const resolveStep = strategySchema._zod.def.out;

/** Is `schema` (a copy of) `strategySchema`? For walks that need the catalog's own schema. */
export function isStrategySchema(schema: z.core.$ZodType): boolean {
  return schema instanceof z.core.$ZodPipe && schema._zod.def.out === resolveStep;
}
