/**
 * The JSON Schema core generates for editors. The published file, built with the built-in
 * strategies, is checked against docs and for drift in scripts/test (core cannot import them).
 */
import { describe, expect, it } from 'vitest';
import { renderJsonSchema } from '../src/config/json-schema.js';
import { testCatalog } from './helpers/strategy-catalog.js';

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
}

/** Every key path the schema accepts, with `[]` for list items (`backends[].url`). */
function keyPaths(node: JsonSchema, prefix = '', out = new Set<string>()): Set<string> {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    out.add(path);
    keyPaths(child, path, out);
  }
  for (const alternative of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) {
    keyPaths(alternative, prefix, out);
  }
  if (node.items) keyPaths(node.items, `${prefix}[]`, out);
  return out;
}

describe('the JSON Schema core generates', () => {
  it('describes the strategies of the catalog it is given, each with its options', () => {
    const schema = JSON.parse(renderJsonSchema({ strategies: testCatalog })) as JsonSchema;
    const strategy = schema.properties?.strategy as JsonSchema & { anyOf: JsonSchema[] };
    expect(strategy.anyOf[0]).toMatchObject({ type: 'string', enum: ['first', 'slow'] });
    expect([...keyPaths(schema)].filter((key) => key.startsWith('strategy.'))).toEqual([
      'strategy.name',
      'strategy.pause',
      'strategy.level',
    ]);
  });

  it('without a catalog, takes any name and options, for the strategy to check', () => {
    const schema = JSON.parse(renderJsonSchema()) as JsonSchema;
    expect([...keyPaths(schema)].filter((key) => key.startsWith('strategy'))).toEqual([
      'strategy',
      'strategy.name',
    ]);
    expect(JSON.stringify(schema.properties?.strategy)).not.toContain('"enum"');
  });

  it('describes and defaults the keys editors show on hover', () => {
    const schema = JSON.parse(renderJsonSchema({ strategies: testCatalog })) as {
      properties: Record<string, { description?: string; default?: unknown }>;
    };
    expect(schema.properties.port?.description).toBeTruthy();
    expect(schema.properties.strategy?.description).toBe(
      'Load-balancing strategy: a name, or `{ name, ...options }`.',
    );
    expect(schema.properties.strategy?.default).toBe('round-robin');
    expect(schema.properties.workers?.default).toBe(1);
  });
});
