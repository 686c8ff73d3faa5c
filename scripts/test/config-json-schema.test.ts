/**
 * The published JSON Schema of helios.yaml (packages/core/schema/helios.schema.json): exactly
 * what core generates with the built-in strategies (regenerate: `pnpm schema`), in step with
 * the defaults table of docs/configuration.md, and agreeing with Helios as the CLI runs it
 * (with the built-in catalog) on strategy names and options. It is checked here because it
 * needs both core and @helios/strategies, and core must not import the strategies.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, parseConfig, renderJsonSchema } from '@helios/core';
import { builtinStrategies } from '@helios/strategies';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const schemaFile = new URL('../../packages/core/schema/helios.schema.json', import.meta.url);
const docsFile = new URL('../../docs/configuration.md', import.meta.url);
const withBuiltins = { strategies: builtinStrategies };

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
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
  it('is exactly what core generates with the built-in strategies (regenerate: pnpm schema)', async () => {
    expect(await readFile(schemaFile, 'utf8')).toBe(renderJsonSchema(withBuiltins));
  });

  it('contains every key documented in docs/configuration.md, and documents every key', async () => {
    const inSchema = keyPaths(JSON.parse(renderJsonSchema(withBuiltins)) as JsonSchema);
    const inDocs = documentedKeys(await readFile(docsFile, 'utf8'));
    expect(inDocs.size).toBeGreaterThan(40);
    expect([...inDocs].filter((key) => !inSchema.has(key))).toEqual([]);
    // A pool's keys are the top-level keys of the same name, and so are a listener's `tls`
    // keys; the table documents them once.
    const documented = (key: string): boolean =>
      inDocs.has(key) ||
      (key.startsWith('pools.<name>.') && inDocs.has(key.slice(13))) ||
      (key.startsWith('listeners[].tls.') && inDocs.has(key.slice(12)));
    expect([...inSchema].filter((key) => !documented(key))).toEqual([]);
  });

  it('accepts and rejects strategy sections as Helios with the built-in strategies does', async () => {
    const ajv = new Ajv({ allErrors: true, strict: true });
    const check = ajv.compile(JSON.parse(await readFile(schemaFile, 'utf8')) as object);
    const base = 'port: 1\nbackends:\n  - http://127.0.0.1:9001\n';
    const helios = (text: string): boolean => {
      try {
        parseConfig(text, 'x.yaml', {}, withBuiltins);
        return true;
      } catch (error) {
        if (error instanceof ConfigError) return false;
        throw error;
      }
    };
    const cases: [string, boolean][] = [
      ['strategy: least-connections', true],
      ['strategy:\n  name: ewma\n  decay: 5s\n  probe: 0.1', true],
      ['strategy:\n  name: consistent-hash\n  key: header:X-User\n  tableSize: 65537', true],
      ['strategy: leastconn', false],
      ['strategy:\n  name: ewma\n  probe: 0.9', false],
      ['strategy:\n  name: ewma\n  key: ip', false],
      ['strategy:\n  name: consistent-hash\n  key: query:id', false],
      ['strategy:\n  name: round-robin\n  decay: 5s', false],
    ];
    for (const [section, accepted] of cases) {
      const text = `${section}\n${base}`;
      expect({ section, schema: check(parse(text)), helios: helios(text) }).toEqual({
        section,
        schema: accepted,
        helios: accepted,
      });
    }
  });
});
