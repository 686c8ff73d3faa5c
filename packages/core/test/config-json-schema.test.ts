import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderJsonSchema } from '../src/config/json-schema.js';

const schemaFile = new URL('../schema/helios.schema.json', import.meta.url);
const docsFile = new URL('../../../docs/configuration.md', import.meta.url);

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
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
  // A mapping of user-chosen names (`pools`): its entries are documented as `pools.<name>.key`.
  const named = node.additionalProperties;
  if (typeof named === 'object' && named.properties !== undefined) {
    keyPaths(named, `${prefix}.<name>`, out);
  }
  return out;
}

/** Key paths in the first column of the one defaults table of docs/configuration.md. */
function documentedKeys(markdown: string): Set<string> {
  const keys = new Set<string>();
  const section = markdown.split('## Every key and its default')[1]?.split('\n## ')[0] ?? '';
  for (const line of section.split('\n')) {
    const match = /^\|\s*`([^`]+)`\s*\|/.exec(line);
    if (match?.[1]) keys.add(match[1]);
  }
  return keys;
}

describe('the published JSON Schema', () => {
  it('is exactly what the zod schema generates (regenerate: node scripts/gen-schema.mjs)', async () => {
    expect(await readFile(schemaFile, 'utf8')).toBe(renderJsonSchema());
  });

  it('contains every key documented in docs/configuration.md, and documents every key', async () => {
    const inSchema = keyPaths(JSON.parse(renderJsonSchema()) as JsonSchema);
    const inDocs = documentedKeys(await readFile(docsFile, 'utf8'));
    expect(inDocs.size).toBeGreaterThan(40);
    expect([...inDocs].filter((key) => !inSchema.has(key))).toEqual([]);
    // A pool's keys are the top-level keys of the same name; the table documents them once.
    const documented = (key: string): boolean =>
      inDocs.has(key) || (key.startsWith('pools.<name>.') && inDocs.has(key.slice(13)));
    expect([...inSchema].filter((key) => !documented(key))).toEqual([]);
  });

  it('describes and defaults the keys editors show on hover', () => {
    const schema = JSON.parse(renderJsonSchema()) as {
      properties: Record<string, { description?: string; default?: unknown }>;
    };
    expect(schema.properties.port?.description).toBeTruthy();
    expect(schema.properties.strategy?.default).toBe('round-robin');
    expect(schema.properties.workers?.default).toBe(1);
  });
});
