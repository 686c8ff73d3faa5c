// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax, not a mistaken template.
/**
 * Makes the published JSON Schema accept `${VAR}` wherever helios.yaml does. References are
 * replaced before validation (config/env.ts), so any scalar value may be one: `port:
 * ${PORT:-8080}` is a string to an editor but a number to Helios. Every constrained scalar in
 * the generated schema (a number, a boolean, a string with a pattern, enum or const) therefore
 * also accepts a string containing a reference; unconstrained strings already do.
 */

type Schema = Record<string, unknown>;

export const ENV_REFERENCE_DEFINITION = 'envReference';
const REF = { $ref: `#/definitions/${ENV_REFERENCE_DEFINITION}` };

/** A string that contains a `${NAME}` or `${NAME:-default}` reference (what config/env.ts replaces). */
export const envReferenceSchema: Schema = {
  type: 'string',
  pattern: '\\$\\{\\s*[A-Za-z_][A-Za-z0-9_]*\\s*(:-[^{}]*)?\\}',
  description:
    'An environment variable reference, ${NAME} or ${NAME:-default}, replaced when the file is read.',
};

const ANNOTATIONS = ['description', 'default', 'title', 'examples'] as const;

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A scalar schema a `${VAR}` string would fail. */
function isConstrainedScalar(node: Schema): boolean {
  const type = node.type;
  if (type === 'integer' || type === 'number' || type === 'boolean') return true;
  if (type === 'string') return 'pattern' in node || 'enum' in node || 'const' in node;
  return false;
}

function withReferences(node: Schema): Schema {
  if (isConstrainedScalar(node)) {
    const outer: Schema = {};
    const inner: Schema = {};
    for (const [key, value] of Object.entries(node)) {
      if ((ANNOTATIONS as readonly string[]).includes(key)) outer[key] = value;
      else inner[key] = value;
    }
    return { anyOf: [inner, REF], ...outer };
  }
  const { oneOf, ...out }: Schema = { ...node };
  // A discriminated union (the strategy mapping) is a oneOf keyed by `name`'s const; once `name`
  // may be a reference, several variants can match, so it becomes the equivalent anyOf.
  const union = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(oneOf) ? oneOf : undefined;
  if (union !== undefined) {
    // Scalar alternatives stay as they are and the union gains one reference alternative.
    let scalar = false;
    out.anyOf = union.map((alternative: unknown) => {
      if (!isObject(alternative)) return alternative;
      if (isConstrainedScalar(alternative)) {
        scalar = true;
        return alternative;
      }
      return withReferences(alternative);
    });
    if (scalar) (out.anyOf as unknown[]).push(REF);
  }
  if (isObject(node.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(node.properties).map(([key, value]) => [
        key,
        isObject(value) ? withReferences(value) : value,
      ]),
    );
  }
  if (isObject(node.items)) out.items = withReferences(node.items);
  return out;
}

/** The schema with `${VAR}` accepted by every constrained scalar, and the reference defined. */
export function allowEnvReferences(schema: Schema): Schema {
  const result = withReferences(schema);
  const definitions = isObject(schema.definitions) ? schema.definitions : {};
  return {
    ...result,
    definitions: { ...definitions, [ENV_REFERENCE_DEFINITION]: envReferenceSchema },
  };
}
