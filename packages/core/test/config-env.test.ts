// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax, not a mistaken template.
import { describe, expect, it } from 'vitest';
import { substituteEnv } from '../src/config/env.js';
import { parseConfig } from '../src/config/parse.js';
import { configIssues, where } from './helpers/config-issues.js';

describe('${VAR} in values', () => {
  it('replaces references from the given environment', () => {
    const config = parseConfig(
      'port: ${PORT}\nhost: ${HOST}\nbackends:\n  - http://${BACKEND_HOST}:9001\n',
      'helios.yaml',
      { PORT: '8081', HOST: '127.0.0.1', BACKEND_HOST: 'localhost' },
    );
    expect(config.port).toBe(8081);
    expect(config.host).toBe('127.0.0.1');
    expect(config.backends?.[0]?.url.origin).toBe('http://localhost:9001');
  });

  it('uses ${VAR:-default} when VAR is unset or empty', () => {
    const text = 'port: ${PORT:-8080}\nbackends: [http://127.0.0.1:9001]\nretries: ${R:-2}\n';
    expect(parseConfig(text, 'helios.yaml', {}).port).toBe(8080);
    expect(parseConfig(text, 'helios.yaml', { PORT: '' }).port).toBe(8080);
    expect(parseConfig(text, 'helios.yaml', { PORT: '9000' }).port).toBe(9000);
    expect(parseConfig(text, 'helios.yaml', {}).retries).toBe(2);
  });

  it('keeps quoted values strings, so an all-digit secret stays a string', () => {
    const config = parseConfig(
      'port: 1\nbackends: [http://127.0.0.1:1]\nadmin:\n  port: 9090\n  token: "${TOKEN}"\n',
      'helios.yaml',
      { TOKEN: '123456' },
    );
    expect(config.admin?.token).toBe('123456');
  });

  it('types an unquoted value after substitution the way YAML would', () => {
    const config = parseConfig(
      'port: 1\nbackends: [http://127.0.0.1:1]\ntrustProxy: ${TRUST}\n',
      'helios.yaml',
      { TRUST: 'true' },
    );
    expect(config.trustProxy).toBe(1);
  });

  it('writes a literal ${ for $${ and leaves other dollars alone', () => {
    expect(substituteEnv('$${HOME} pa$$word $5', {}).value).toBe('${HOME} pa$$word $5');
  });

  it('reads the process environment by default', () => {
    process.env.HELIOS_TEST_CONFIG_PORT = '7007';
    try {
      const config = parseConfig(
        'port: ${HELIOS_TEST_CONFIG_PORT}\nbackends: [http://127.0.0.1:1]\n',
        'helios.yaml',
      );
      expect(config.port).toBe(7007);
    } finally {
      delete process.env.HELIOS_TEST_CONFIG_PORT;
    }
  });
});

describe('unresolved references are errors at the reference', () => {
  it('names the variable and how to give a default, at its line and column', () => {
    const issues = configIssues(
      'port: 8080\nbackends:\n  - http://${BACKEND}:9001\nadmin:\n  port: 9090\n  token: "${ADMIN_TOKEN}"\n',
    );
    expect(where(issues)).toEqual(['3:12 backends[0]', '6:11 admin.token']);
    expect(issues[0]?.message).toBe(
      'environment variable BACKEND is not set; set it, or give a default with ${BACKEND:-value}',
    );
    expect(issues[1]?.message).toContain('ADMIN_TOKEN is not set');
  });

  it('reports only the missing variable, not the type error it causes', () => {
    const issues = configIssues('port: ${PORT}\nbackends: [http://127.0.0.1:1]\n');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 1, column: 7, path: 'port', found: '${PORT}' });
  });

  it('refuses malformed references', () => {
    const issues = configIssues(
      'port: 1\nbackends: [http://127.0.0.1:1]\nhost: "${not a name}"\nlogging: { level: "${LEVEL" }\n',
    );
    expect(where(issues)).toEqual(['3:8 host', '4:20 logging.level']);
    expect(issues[0]?.message).toContain('is not a variable reference');
    expect(issues[1]?.message).toContain('unclosed `${`');
  });
});
