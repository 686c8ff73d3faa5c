// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax, not a mistaken template.
/**
 * The published JSON Schema (schema/helios.schema.json) judged by a real JSON Schema validator
 * (ajv, draft-07, as editors use it) on the raw YAML, before any `${VAR}` is replaced: it must
 * accept what Helios accepts (the docs' own examples, `${VAR}` in any value) and still reject
 * what Helios rejects.
 */
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../src/config/parse.js';
import { starterConfig } from '../src/config/starter.js';

const schemaFile = new URL('../schema/helios.schema.json', import.meta.url);
const docsFile = new URL('../../../docs/configuration.md', import.meta.url);

let validate: (data: unknown) => boolean;
let errors: () => string;

beforeAll(async () => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const check = ajv.compile(JSON.parse(await readFile(schemaFile, 'utf8')) as object);
  validate = (data) => check(data) as boolean;
  errors = () => ajv.errorsText(check.errors);
});

/** Every fenced yaml block in docs/configuration.md that is a whole config (has backends). */
async function docsConfigs(): Promise<string[]> {
  const markdown = await readFile(docsFile, 'utf8');
  return [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1] ?? '')
    .filter((block) => /^backends:/m.test(block) && /^port:/m.test(block));
}

function accepts(yaml: string): boolean {
  const ok = validate(parse(yaml));
  if (!ok) console.error(errors());
  return ok;
}

const base = 'backends:\n  - http://127.0.0.1:9001\n';

describe('the published JSON Schema, under a real validator', () => {
  it("accepts the docs' full example, ${PORT:-8080} and all", async () => {
    const markdown = await readFile(docsFile, 'utf8');
    const full = markdown.split('## A full example')[1]?.match(/```yaml\n([\s\S]*?)```/)?.[1];
    expect(full).toContain('port: ${PORT:-8080}');
    expect(accepts(full ?? '')).toBe(true);
  });

  it('accepts every whole config in docs/configuration.md that Helios accepts', async () => {
    const configs = await docsConfigs();
    expect(configs.length).toBeGreaterThanOrEqual(2);
    for (const text of configs) {
      let helios = true;
      try {
        parseConfig(text, 'docs.yaml', { HELIOS_ADMIN_TOKEN: 't', ADMIN_TOKEN: 't' });
      } catch {
        helios = false;
      }
      if (helios) expect({ text, valid: accepts(text) }).toEqual({ text, valid: true });
    }
  });

  it('accepts the starter config that `helios init` writes', () => {
    expect(accepts(starterConfig)).toBe(true);
  });

  it('accepts ${VAR} in every kind of value Helios substitutes', () => {
    const values = [
      'port: ${PORT}',
      'port: ${PORT:-8080}\nworkers: ${WORKERS:-auto}',
      'port: 1\nretries: ${RETRIES:-2}\ntrustProxy: ${TRUST:-false}',
      'port: 1\nstrategy: ${STRATEGY:-round-robin}',
      'port: 1\nstrategy:\n  name: ewma\n  decay: ${DECAY:-10s}\n  probe: ${PROBE}',
      'port: 1\nlogging:\n  level: ${LOG_LEVEL:-info}\n  format: ${LOG_FORMAT}',
      'port: 1\ntimeouts:\n  connect: ${CONNECT_TIMEOUT}\nlimits:\n  maxBodySize: ${MAX_BODY:-1MiB}',
      'port: 1\nhealth:\n  slowStart: ${SLOW_START:-off}\n  active:\n    enabled: ${PROBES}\n    expectedStatuses: ${OK_STATUSES}',
      'port: 1\naccessLog: ${ACCESS_LOG:-false}\nadmin:\n  port: ${ADMIN_PORT}',
    ];
    for (const text of values)
      expect({ text, valid: accepts(`${text}\n${base}`) }).toEqual({ text, valid: true });
    const backends =
      'port: 1\nbackends:\n  - ${BACKEND_1}\n  - url: ${BACKEND_2:-http://127.0.0.1:9002}\n    weight: ${WEIGHT_2:-2}\n';
    expect(accepts(backends)).toBe(true);
  });

  it('still rejects what Helios rejects', () => {
    const rejected = [
      'port: abc',
      'port: 70000',
      'port: $PORT', // not a reference: no braces
      'port: 1\nworkers: many',
      'port: 1\nlogging:\n  level: loud',
      'port: 1\ntimeouts:\n  connect: 10 sec',
      'port: 1\nwieght: 2',
    ];
    for (const text of rejected) {
      expect({ text, valid: validate(parse(`${text}\n${base}`)) }).toEqual({ text, valid: false });
      expect(() => parseConfig(`${text}\n${base}`, 'x.yaml', {})).toThrow();
    }
  });
});
