// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax, not a mistaken template.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/config-error.js';
import { loadConfig } from '../src/config/load.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'helios-config-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('reads and resolves a file, with ${VAR} from the given environment', async () => {
    const file = join(dir, 'ok.yaml');
    await writeFile(file, 'port: ${PORT}\nbackends:\n  - http://127.0.0.1:9001\n');
    const config = await loadConfig(file, { PORT: '8088' });
    expect(config.port).toBe(8088);
    expect(config.backends?.[0]?.url.origin).toBe('http://127.0.0.1:9001');
  });

  it('names the file in every issue', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'port: 8080\nbackends:\n  - url: http://127.0.0.1:9001\n    wieght: 3\n');
    const error = await loadConfig(file, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('HELIOS_CONFIG_INVALID');
    expect((error as ConfigError).message).toContain(
      `${file}:4:5 backends[0].wieght: unknown key \`wieght\` in backends[0] — did you mean \`weight\`?`,
    );
  });

  it('a missing file is HELIOS_CONFIG_NOT_FOUND with a way forward', async () => {
    const file = join(dir, 'nope.yaml');
    const error = await loadConfig(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('HELIOS_CONFIG_NOT_FOUND');
    expect((error as ConfigError).message).toBe(
      `Config file not found: ${file}. Create one with \`helios init\` or pass --config FILE.`,
    );
    expect((error as ConfigError).issues).toEqual([]);
  });

  it('an unreadable path is HELIOS_CONFIG_UNREADABLE', async () => {
    const error = await loadConfig(dir).catch((e: unknown) => e);
    expect((error as ConfigError).code).toBe('HELIOS_CONFIG_UNREADABLE');
    expect((error as ConfigError).message).toContain(dir);
  });
});
