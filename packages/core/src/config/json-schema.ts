/**
 * The published JSON Schema of helios.yaml, generated from the input side of the one schema
 * (what may be written, not the resolved shape), so editors autocomplete and check the file.
 * Draft-07 because that is what yaml-language-server and most editors support best. Every
 * value that may be a `${VAR}` reference accepts one (json-schema-env.ts). Each `strategy:`
 * section describes the given catalog's strategies and options; the published file is built
 * with the built-in catalog by scripts/gen-schema.mjs (core cannot import the strategies).
 */
import { z } from 'zod';
import { allowEnvReferences } from './json-schema-env.js';
import type { ConfigParseOptions } from './parse.js';
import { heliosConfigSchema } from './schema.js';
import { catalogStrategySchema, isStrategySchema } from './strategy-schema.js';

/** Where the published schema lives (the package's `schema/` folder on a CDN mirror of npm). */
export const SCHEMA_URL = 'https://unpkg.com/@helios/core/schema/helios.schema.json';

type JsonObject = Record<string, unknown>;

const PARAMS = { io: 'input', target: 'draft-7', unrepresentable: 'throw' } as const;

export function buildJsonSchema({ strategies }: ConfigParseOptions = {}): JsonObject {
  let strategyJson: JsonObject | undefined;
  if (strategies !== undefined) {
    const { $schema: _, ...rest } = z.toJSONSchema(catalogStrategySchema(strategies), PARAMS);
    strategyJson = rest;
  }
  const generated = z.toJSONSchema(heliosConfigSchema, {
    ...PARAMS,
    override: ({ zodSchema, jsonSchema }) => {
      if (strategyJson === undefined || !isStrategySchema(zodSchema)) return;
      // The section's own annotations (description, default) stay; its shape is the catalog's.
      const node = jsonSchema as JsonObject;
      const { description, default: fallback } = node;
      for (const key of Object.keys(node)) delete node[key];
      Object.assign(node, structuredClone(strategyJson));
      if (description !== undefined) node.description = description;
      if (fallback !== undefined) node.default = fallback;
    },
  }) as JsonObject;
  const { $schema, ...rest } = allowEnvReferences(generated);
  return { $schema, $id: SCHEMA_URL, title: 'Helios configuration (helios.yaml)', ...rest };
}

/** The schema file's exact text: stable key order, two-space indent, trailing newline. */
export function renderJsonSchema(options: ConfigParseOptions = {}): string {
  return `${JSON.stringify(buildJsonSchema(options), null, 2)}\n`;
}
