/**
 * The JSON Schema core generates for editors. The published file, built with the built-in
 * strategies, is checked against docs and for drift in scripts/test (core cannot import them).
 */
import { describe, expect, it } from 'vitest';
import { renderJsonSchema } from '../src/config/json-schema.js';
import { testCatalog } from './helpers/strategy-catalog.js';

interface JsonSchema {
  type?: string;
  enum?: string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: unknown;
  anyOf?: JsonSchema[];
}

function strategyNode(options: Parameters<typeof renderJsonSchema>[0]): JsonSchema {
  const schema = JSON.parse(renderJsonSchema(options)) as JsonSchema;
  return schema.properties?.strategy ?? {};
}

describe('the JSON Schema core generates', () => {
  it('describes the strategies of the catalog it is given, each with its options', () => {
    const [names, mappings] = strategyNode({ strategies: testCatalog }).anyOf ?? [];
    expect(names).toEqual({ type: 'string', enum: ['first', 'slow'] });
    const variants = mappings?.anyOf ?? [];
    expect(variants.map((v) => [v.description, Object.keys(v.properties ?? {})])).toEqual([
      ['The first available backend.', ['name']],
      ['Thinks before it picks.', ['name', 'pause', 'level']],
    ]);
    expect(variants.every((v) => v.additionalProperties === false)).toBe(true);
    expect(variants[1]?.properties?.pause).toMatchObject({ default: '1s' });
  });

  it('without a catalog, takes any name and options, for the strategy to check', () => {
    const [name, mapping] = strategyNode({}).anyOf ?? [];
    expect(name).toEqual({ type: 'string' });
    expect(Object.keys(mapping?.properties ?? {})).toEqual(['name']);
    expect(mapping?.additionalProperties).not.toBe(false);
  });

  it('describes and defaults the keys editors show on hover', () => {
    const schema = JSON.parse(renderJsonSchema({ strategies: testCatalog })) as JsonSchema;
    expect(schema.properties?.port?.description).toBeTruthy();
    expect(schema.properties?.strategy?.description).toBe(
      'Load-balancing strategy: a name, or `{ name, ...options }`.',
    );
    expect(schema.properties?.strategy?.default).toBe('round-robin');
    expect(schema.properties?.workers?.default).toBe(1);
  });
});
