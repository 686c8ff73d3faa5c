import { describe, expect, it } from 'vitest';
import { SCHEMA_URL } from '../src/config/json-schema.js';
import { parseConfig } from '../src/config/parse.js';
import { CONFIGURATION_DOCS_URL, starterConfig } from '../src/config/starter.js';

describe('the starter helios.yaml written by `helios init`', () => {
  it('opens with the yaml-language-server schema line', () => {
    expect(starterConfig.split('\n')[0]).toBe(`# yaml-language-server: $schema=${SCHEMA_URL}`);
  });

  it('points at the configuration docs with an absolute link that works outside the repository', () => {
    expect(starterConfig).toContain(`# ${CONFIGURATION_DOCS_URL}\n`);
    expect(CONFIGURATION_DOCS_URL).toMatch(/^https:\/\/.+\/docs\/configuration\.md$/);
    // No other pointer into the repository that only makes sense inside a clone.
    expect(starterConfig.replace(CONFIGURATION_DOCS_URL, '')).not.toMatch(/docs\/\w+\.md/);
  });

  it('parses to a valid config without any environment', () => {
    const config = parseConfig(starterConfig, 'helios.yaml', {});
    expect(config.port).toBe(8080);
    expect(config.backends?.map((b) => b.url.origin)).toEqual([
      'http://127.0.0.1:9001',
      'http://127.0.0.1:9002',
      'http://127.0.0.1:9003',
    ]);
    expect(config.strategy.name).toBe('round-robin');
    expect(config.admin).toBeUndefined();
  });

  it('still parses with its commented admin section switched on', () => {
    const enabled = starterConfig
      .replace('# admin:', 'admin:')
      .replace('#   port: 9090', '  port: 9090')
      .replace('#   token:', '  token:');
    const config = parseConfig(enabled, 'helios.yaml', { HELIOS_ADMIN_TOKEN: 'secret' });
    expect(config.admin).toEqual({
      port: 9090,
      host: '127.0.0.1',
      allowUnauthenticated: false,
      token: 'secret',
    });
  });
});
