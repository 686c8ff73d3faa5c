/**
 * Which keys the schema accepts at a given path, for "did you mean" on unknown keys. The walk
 * follows the schema's structure (wrappers, pipes, unions, lists, records); in a union of
 * mappings it picks the variant whose literal fields (such as a strategy's `name`) match the
 * input. A schema decided per parse (the strategy section, by the catalog) is replaced by what
 * it checks against through `substitute`.
 */
import { z } from 'zod';

type Schema = z.core.$ZodType;

/** Replaces a schema whose rules are decided per parse (the strategy section) by those rules. */
export type SchemaSubstitute = (schema: Schema) => Schema | undefined;

function unwrap(schema: Schema, substitute: SchemaSubstitute | undefined): Schema {
  let current = schema;
  for (;;) {
    const replaced = substitute?.(current);
    if (replaced !== undefined && replaced !== current) {
      current = replaced;
    } else if (
      current instanceof z.core.$ZodOptional ||
      current instanceof z.core.$ZodDefault ||
      current instanceof z.core.$ZodPrefault ||
      current instanceof z.core.$ZodNullable
    ) {
      current = current._zod.def.innerType;
    } else if (current instanceof z.core.$ZodPipe) {
      current = current._zod.def.in;
    } else {
      return current;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The mapping schemas that `schema` may be at this point, given the input found there. */
function objectsOf(
  schema: Schema,
  input: unknown,
  substitute: SchemaSubstitute | undefined,
): z.core.$ZodObject[] {
  const inner = unwrap(schema, substitute);
  if (inner instanceof z.core.$ZodObject) return [inner];
  if (!(inner instanceof z.core.$ZodUnion)) return [];
  const objects = inner._zod.def.options.flatMap((option) => objectsOf(option, input, substitute));
  const matching = objects.filter((object) =>
    Object.entries(object._zod.def.shape).every(([key, field]) => {
      const literal = unwrap(field, substitute);
      return (
        !(literal instanceof z.core.$ZodLiteral) ||
        (isRecord(input) && literal._zod.def.values.includes(input[key] as never))
      );
    }),
  );
  return matching.length > 0 ? matching : objects;
}

/** Schema at `path`, walking with the input alongside to choose union variants. */
function schemaAt(
  root: Schema,
  path: readonly PropertyKey[],
  data: unknown,
  substitute: SchemaSubstitute | undefined,
): Schema[] {
  let schemas: Schema[] = [root];
  let input = data;
  for (const segment of path) {
    const next: Schema[] = [];
    for (const schema of schemas) {
      const inner = unwrap(schema, substitute);
      if (typeof segment === 'number') {
        const lists = inner instanceof z.core.$ZodUnion ? inner._zod.def.options : [inner];
        for (const list of lists.map((option) => unwrap(option, substitute))) {
          if (list instanceof z.core.$ZodArray) next.push(list._zod.def.element);
        }
      } else if (inner instanceof z.core.$ZodRecord) {
        // `pools.<name>`: every key of a record has the same value schema.
        next.push(inner._zod.def.valueType);
      } else {
        for (const object of objectsOf(inner, input, substitute)) {
          const field = object._zod.def.shape[String(segment)];
          if (field !== undefined) next.push(field);
        }
      }
    }
    schemas = next;
    input =
      isRecord(input) || Array.isArray(input)
        ? (input as Record<PropertyKey, unknown>)[segment as never]
        : undefined;
  }
  return schemas;
}

/** Keys accepted by the mapping at `path` (empty when it is not a mapping). */
export function knownKeys(
  root: Schema,
  path: readonly PropertyKey[],
  data: unknown,
  substitute?: SchemaSubstitute,
): string[] {
  let input: unknown = data;
  for (const segment of path) {
    input =
      isRecord(input) || Array.isArray(input)
        ? (input as Record<PropertyKey, unknown>)[segment as never]
        : undefined;
  }
  const keys = new Set<string>();
  for (const schema of schemaAt(root, path, data, substitute)) {
    for (const object of objectsOf(schema, input, substitute)) {
      for (const key of Object.keys(object._zod.def.shape)) keys.add(key);
    }
  }
  return [...keys];
}
