/**
 * The published JSON Schema of helios.yaml, generated from the input side of the one schema
 * (what may be written, not the resolved shape), so editors autocomplete and check the file.
 * Draft-07 because that is what yaml-language-server and most editors support best. Every
 * value that may be a `${VAR}` reference accepts one (json-schema-env.ts).
 */
import { z } from 'zod';
import { allowEnvReferences } from './json-schema-env.js';
import { heliosConfigSchema } from './schema.js';

/** Where the published schema lives (the package's `schema/` folder on a CDN mirror of npm). */
export const SCHEMA_URL = 'https://unpkg.com/@helios/core/schema/helios.schema.json';

export function buildJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(heliosConfigSchema, {
    io: 'input',
    target: 'draft-7',
    unrepresentable: 'throw',
  }) as Record<string, unknown>;
  const { $schema, ...rest } = allowEnvReferences(generated);
  return { $schema, $id: SCHEMA_URL, title: 'Helios configuration (helios.yaml)', ...rest };
}

/** The schema file's exact text: stable key order, two-space indent, trailing newline. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}
