/**
 * The strategies a Helios build knows, as data. Core knows no strategy itself: each one (in
 * @helios/strategies or in user code) describes itself with a `StrategyDescriptor` (its name,
 * the names other proxies use for it, its options schema and its factory), and whoever builds
 * strategies hands core a catalog of them. `strategy:` in helios.yaml is checked against that
 * catalog like every other key (config/strategy-schema.ts), and `catalog.create` builds a
 * strategy from a resolved `strategy:` section, checking it again so a hand-written section
 * gets the same rules.
 */
import { z } from 'zod';
import { closestMatch, normaliseName } from './config/suggest.js';
import { expectedPhrase } from './config/zod-issues.js';
import { HeliosError } from './errors.js';
import type { Strategy } from './strategy.js';

/** `catalog.create` was given a name the catalog does not have. */
export const STRATEGY_UNKNOWN = 'HELIOS_STRATEGY_UNKNOWN';
/** `catalog.create` was given options its strategy does not accept. */
export const STRATEGY_OPTION_INVALID = 'HELIOS_STRATEGY_OPTION_INVALID';
/** Descriptors that cannot form one catalog (a name twice, an alias naming two strategies). */
export const STRATEGY_CATALOG_INVALID = 'HELIOS_STRATEGY_CATALOG_INVALID';

/**
 * A strategy's options as a zod object: its input is what helios.yaml may say (`decay: 10s`),
 * its output what the factory receives (`decay: 10000`). Give every option a default or make it
 * optional, so the bare name (`strategy: ewma`) works. Helios adds `name` and rejects unknown
 * keys; checks must sit on the fields, not on the object.
 */
export type StrategyOptionsSchema = z.ZodObject;

export interface StrategyDescriptor<
  Options extends StrategyOptionsSchema = StrategyOptionsSchema,
  Deps = unknown,
> {
  /** The name written in helios.yaml, e.g. `least-connections`. */
  readonly name: string;
  /** What other proxies call it (`leastconn`, `p2c`), so a familiar name gets "did you mean". */
  readonly aliases?: readonly string[] | undefined;
  /** One line for the JSON Schema (editors show it on hover). */
  readonly description: string;
  readonly options: Options;
  /** Builds the strategy from resolved options; `deps` are the caller's (random source, clock). */
  create(options: z.output<Options>, deps: Deps | undefined): Strategy;
}

/** A `strategy:` section as resolved from helios.yaml, or as written by hand. */
export interface StrategySpec {
  readonly name: string;
  readonly options?: Readonly<Record<string, unknown>> | undefined;
}

export interface StrategyCatalog<Deps = unknown> {
  /** Every strategy name, in the order messages list them. */
  readonly names: readonly string[];
  /** Other proxies' names, normalised (`leastconn`), to the name they mean. */
  readonly aliases: Readonly<Record<string, string>>;
  get(name: string): StrategyDescriptor<StrategyOptionsSchema, Deps> | undefined;
  /**
   * Builds the strategy `spec` names. Options are checked and resolved by its schema, so they
   * may be as written in helios.yaml (`'5s'`) or already resolved (`5000`). Throws `HeliosError`
   * `HELIOS_STRATEGY_UNKNOWN` or `HELIOS_STRATEGY_OPTION_INVALID`.
   */
  create(spec: StrategySpec, deps?: Deps): Strategy;
}

const listed = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

function unknownStrategy(
  catalog: Pick<StrategyCatalog, 'names' | 'aliases'>,
  name: string,
): HeliosError {
  const suggestion = closestMatch(name, catalog.names, catalog.aliases);
  return new HeliosError(
    STRATEGY_UNKNOWN,
    `Unknown load-balancing strategy "${name}" in strategy: of helios.yaml.${
      suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`
    } Use one of: ${catalog.names.join(', ')}.`,
  );
}

/** One clause per problem: the option, what it must be and what was found, or the fix. */
function describeOptionIssue(
  name: string,
  known: readonly string[],
  issue: z.core.$ZodIssue,
): string {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((key) => {
        if (known.length === 0)
          return `unknown option "${key}": "${name}" takes no options; remove it`;
        const match = closestMatch(key, known);
        return match === undefined
          ? `unknown option "${key}"; known options are ${listed(known)}`
          : `unknown option "${key}" (did you mean "${match}"?)`;
      })
      .join('; ');
  }
  const option = issue.path.map(String).join('.');
  const found = 'input' in issue && issue.input !== undefined ? JSON.stringify(issue.input) : '';
  return `option "${option}" must be ${issue.message}${found === '' ? '' : `, got ${found}`}`;
}

/** Builds a catalog from descriptors, refusing names and aliases that would be ambiguous. */
export function createStrategyCatalog<Deps = unknown>(
  descriptors: readonly StrategyDescriptor<StrategyOptionsSchema, Deps>[],
): StrategyCatalog<Deps> {
  const invalid = (why: string) => new HeliosError(STRATEGY_CATALOG_INVALID, why);
  if (descriptors.length === 0) throw invalid('A strategy catalog needs at least one strategy.');
  const byName = new Map<string, StrategyDescriptor<StrategyOptionsSchema, Deps>>();
  const strict = new Map<string, z.ZodObject>();
  const aliases: Record<string, string> = {};
  for (const descriptor of descriptors) {
    const { name } = descriptor;
    if (byName.has(name)) throw invalid(`Strategy "${name}" is in the catalog twice.`);
    if ((descriptor.options._zod.def.checks?.length ?? 0) > 0) {
      throw invalid(
        `Strategy "${name}": checks on the options object are not applied; put them on the option fields.`,
      );
    }
    byName.set(name, descriptor);
    // The descriptor's own object may be loose; helios.yaml treats an unknown option as a typo.
    strict.set(name, z.strictObject(descriptor.options.shape));
    for (const alias of descriptor.aliases ?? []) {
      const key = normaliseName(alias);
      const taken = aliases[key];
      if (taken !== undefined && taken !== name) {
        throw invalid(`Alias "${alias}" names both "${taken}" and "${name}".`);
      }
      aliases[key] = name;
    }
  }
  const catalog: StrategyCatalog<Deps> = {
    names: Object.freeze([...byName.keys()]),
    aliases: Object.freeze(aliases),
    get: (name) => byName.get(name),
    create(spec, deps) {
      const descriptor = byName.get(spec.name);
      const schema = strict.get(spec.name);
      if (descriptor === undefined || schema === undefined) {
        throw unknownStrategy(catalog, String(spec.name));
      }
      const result = schema.safeParse(spec.options ?? {}, {
        error: expectedPhrase,
        reportInput: true,
      });
      if (!result.success) {
        const known = Object.keys(schema.shape);
        const problems = result.error.issues.map((i) => describeOptionIssue(spec.name, known, i));
        throw new HeliosError(
          STRATEGY_OPTION_INVALID,
          `strategy "${spec.name}": ${problems.join('; ')}. Fix it under strategy: in helios.yaml.`,
        );
      }
      return descriptor.create(result.data, deps);
    },
  };
  return Object.freeze(catalog);
}
