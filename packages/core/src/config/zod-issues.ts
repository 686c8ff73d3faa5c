/**
 * Turns the schema's raw findings into `ConfigIssue`s people can act on: each one positioned
 * in the file, with the key path, what was found, what is expected and, where a typo is likely,
 * a suggestion. Union failures are narrowed to the branch the user evidently meant (a string
 * where a name or URL goes, a mapping where options go) instead of listing every alternative.
 */
import type { z } from 'zod';
import type { ConfigIssue } from './config-issue.js';
import { knownKeys, type SchemaSubstitute } from './schema-keys.js';
import { closestMatch } from './suggest.js';
import {
  formatPath,
  keyPosition,
  locate,
  ownerPosition,
  type Position,
  positionOf,
  type YamlSource,
} from './yaml-source.js';

type ZodIssue = z.core.$ZodIssue;

export interface IssueContext {
  file: string;
  /** The parsed file; absent for programmatic input, whose issues then have no line/column. */
  source: YamlSource | undefined;
  /** The input the schema saw (after `${VAR}` substitution). */
  data: unknown;
  schema: z.core.$ZodType;
  /** Other names for enum values (strategy aliases such as `leastconn`), for did-you-mean. */
  aliases?: Readonly<Record<string, string>> | undefined;
  /** Schemas decided per parse (the strategy catalog's), for the known keys of a mapping. */
  substitute?: SchemaSubstitute | undefined;
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping (key: value lines)',
  array: 'a list',
};

const quote = (values: readonly unknown[]): string =>
  values.map((value) => `\`${String(value)}\``).join(', ');

/** The discriminator values of a discriminated union that matched no variant. */
function unionOptions(issue: object): readonly unknown[] | undefined {
  const options = (issue as { options?: unknown }).options;
  return Array.isArray(options) ? options : undefined;
}

/**
 * Per-parse error map: every message the schema produces is the *expected* phrase; the schema's
 * own `error:` texts follow the same rule, so the two compose the same way below.
 */
export function expectedPhrase(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `a list of at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`
        : issue.origin === 'string'
          ? 'a non-empty string'
          : `a number of at least ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `a list of at most ${issue.maximum} items`
        : `a number of at most ${issue.maximum}`;
    case 'invalid_value':
      return issue.values.length === 1 ? quote(issue.values) : `one of ${quote(issue.values)}`;
    case 'invalid_union': {
      const options = unionOptions(issue);
      return options ? `one of ${quote(options)}` : 'one of the accepted forms';
    }
    case 'unrecognized_keys':
      return 'a known key';
    default:
      return 'a valid value';
  }
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (value instanceof URL) return value.href;
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment as never];
  }
  return current;
}

function hasKey(data: unknown, path: readonly PropertyKey[]): boolean {
  const parent = valueAt(data, path.slice(0, -1));
  return (
    typeof parent === 'object' &&
    parent !== null &&
    Object.hasOwn(parent, path[path.length - 1] as PropertyKey)
  );
}

interface Flat {
  issue: ZodIssue;
  path: PropertyKey[];
  input: unknown;
}

/** A branch failed only because the value is of another kind than that branch takes. */
function isTypeMismatch(branch: readonly ZodIssue[], input: unknown): boolean {
  return branch.every(
    (issue) =>
      issue.path.length === 0 &&
      (issue.code === 'invalid_type' ||
        (issue.code === 'invalid_value' &&
          !issue.values.some((value) => typeof value === typeof input)) ||
        (issue.code === 'invalid_union' &&
          !issue.discriminator &&
          isTypeMismatch(issue.errors.flat(), input))),
  );
}

function flatten(issue: ZodIssue, base: readonly PropertyKey[], data: unknown, out: Flat[]): void {
  const path = [...base, ...issue.path];
  // A discriminator issue reports the whole mapping as its input; the value is what matters.
  const input =
    'input' in issue &&
    issue.input !== undefined &&
    !(issue.code === 'invalid_union' && issue.discriminator)
      ? issue.input
      : valueAt(data, path);
  // A record key that failed its schema: report the key's own problem, at the key.
  if (issue.code === 'invalid_key' && issue.issues.length > 0) {
    for (const inner of issue.issues)
      out.push({ issue: inner, path, input: path[path.length - 1] });
    return;
  }
  if (issue.code === 'invalid_union' && !issue.discriminator && issue.errors.length > 0) {
    const candidates = issue.errors.filter((branch) => !isTypeMismatch(branch, input));
    const [only] = candidates;
    if (candidates.length === 1 && only !== undefined) {
      for (const inner of only) flatten(inner, path, data, out);
      return;
    }
  }
  out.push({ issue, path, input });
}

function suggestionFor(flat: Flat, aliases: IssueContext['aliases']): string | undefined {
  const { issue, input } = flat;
  if (issue.code === 'custom' && typeof issue.params?.suggestion === 'string') {
    return `did you mean \`${issue.params.suggestion}\`?`;
  }
  if (issue.code === 'invalid_value' && typeof input === 'string') {
    const match = closestMatch(input, issue.values.map(String), aliases);
    return match === undefined ? undefined : `did you mean \`${match}\`?`;
  }
  const options = issue.code === 'invalid_union' ? unionOptions(issue) : undefined;
  if (options && typeof input === 'string') {
    const match = closestMatch(input, options.map(String), aliases);
    return match === undefined ? undefined : `did you mean \`${match}\`?`;
  }
  if (issue.code === 'invalid_type' && typeof input === 'string') {
    if (issue.expected === 'boolean' && /^(yes|no|on|off|y|n)$/i.test(input)) {
      return `YAML booleans are \`true\` and \`false\`: write \`${/^(yes|on|y)$/i.test(input) ? 'true' : 'false'}\``;
    }
    if (issue.expected === 'number' && /^\s*\d+\s*$/.test(input)) {
      return `remove the quotes: \`${input.trim()}\``;
    }
  }
  return undefined;
}

function unknownKeyIssues(
  flat: Flat,
  context: IssueContext,
  keys: readonly string[],
): ConfigIssue[] {
  const known = knownKeys(context.schema, flat.path, context.data, context.substitute);
  const where = flat.path.length === 0 ? 'at the top level' : `in ${formatPath(flat.path)}`;
  return keys.map((key) => {
    const path = formatPath([...flat.path, key]);
    let match = closestMatch(key, known);
    if (match === undefined) {
      // A key written one level too high (`health: { interval: 5s }`) is a common slip.
      for (const parent of known) {
        const nested = closestMatch(
          key,
          knownKeys(context.schema, [...flat.path, parent], undefined, context.substitute),
        );
        if (nested !== undefined) {
          match = `${parent}.${nested}`;
          break;
        }
      }
    }
    const position: Position | undefined = context.source
      ? (keyPosition(context.source, flat.path, key) ??
        positionOf(context.source, locate(context.source, flat.path)))
      : undefined;
    const issue: ConfigIssue = {
      file: context.file,
      line: position?.line ?? 0,
      column: position?.column ?? 0,
      path,
      message:
        match === undefined
          ? `unknown key \`${key}\` ${where}; known keys: ${known.join(', ')}`
          : `unknown key \`${key}\` ${where}`,
      expected: `one of ${quote(known)}`,
      found: `\`${key}\``,
    };
    if (match !== undefined) issue.suggestion = `did you mean \`${match}\`?`;
    return issue;
  });
}

function toIssue(flat: Flat, context: IssueContext): ConfigIssue {
  const { issue, path } = flat;
  const expected = issue.message;
  const missing =
    (issue.code === 'invalid_type' || issue.code === 'invalid_union' || issue.code === 'custom') &&
    flat.input === undefined &&
    path.length > 0 &&
    !hasKey(context.data, path);
  let shownPath = path;
  let position: Position = { line: 0, column: 0 };
  if (context.source) {
    if (missing) {
      // Point at the mapping that lacks the key (its own key when it has one).
      position = ownerPosition(context.source, locate(context.source, path.slice(0, -1)));
    } else {
      const located = locate(context.source, path);
      // A path that runs past a scalar comes from a short form (`strategy: ewma` → strategy.name).
      if (located.depth < path.length) shownPath = path.slice(0, located.depth);
      position = positionOf(context.source, located);
    }
  }
  const found = path.length === 0 && flat.input == null ? 'an empty file' : describe(flat.input);
  const problem =
    issue.code === 'custom' && typeof issue.params?.problem === 'string'
      ? issue.params.problem
      : undefined;
  const message = missing
    ? `missing required key \`${String(path[path.length - 1])}\`: ${problem === undefined ? '' : `${problem}; `}expected ${expected}`
    : problem !== undefined
      ? `${problem}: found ${found}, expected ${expected}`
      : `expected ${expected}, found ${found}`;
  const result: ConfigIssue = {
    file: context.file,
    line: position.line,
    column: position.column,
    path: formatPath(shownPath),
    message,
    expected,
  };
  if (!missing) result.found = found;
  const suggestion = suggestionFor(flat, context.aliases);
  if (suggestion !== undefined) result.suggestion = suggestion;
  return result;
}

/** Every schema issue as `ConfigIssue`s, in file order, without duplicates. */
export function toConfigIssues(issues: readonly ZodIssue[], context: IssueContext): ConfigIssue[] {
  const flat: Flat[] = [];
  for (const issue of issues) flatten(issue, [], context.data, flat);
  const result: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const item of flat) {
    const converted =
      item.issue.code === 'unrecognized_keys'
        ? unknownKeyIssues(item, context, item.issue.keys)
        : [toIssue(item, context)];
    for (const issue of converted) {
      const id = `${issue.path}\u0000${issue.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      result.push(issue);
    }
  }
  return result.sort((a, b) => a.line - b.line || a.column - b.column);
}
