import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/config-error.js';
import { formatConfigIssues } from '../src/config/config-issue.js';
import { parseConfig, resolveConfig } from '../src/config/parse.js';
import { HeliosError } from '../src/errors.js';
import { configIssues, where } from './helpers/config-issues.js';

describe('ConfigError', () => {
  it('is a HeliosError with a stable code and a message listing every issue', () => {
    let caught: unknown;
    try {
      parseConfig('port: 99999\nbackends: []\n', 'conf/helios.yaml', {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toBeInstanceOf(HeliosError);
    const error = caught as ConfigError;
    expect(error.code).toBe('HELIOS_CONFIG_INVALID');
    expect(error.message).toBe(
      [
        'Invalid Helios config conf/helios.yaml (2 problems):',
        'conf/helios.yaml:1:7 port: expected a port number from 1 to 65535 (0 picks a free port), found 99999',
        'conf/helios.yaml:2:11 backends: expected a list of backends (at least one), found an empty list',
      ].join('\n'),
    );
    expect(formatConfigIssues(error.issues)).toBe(error.message.split('\n').slice(1).join('\n'));
  });
});

describe('YAML syntax errors', () => {
  it('carry file:line:column', () => {
    const issues = configIssues('port: 80\nbackends: [http://127.0.0.1:1\n');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'helios.yaml', line: 3, column: 1, path: '' });
    expect(issues[0]?.message).toMatch(/^YAML syntax error: /);
  });

  it('report duplicate keys at the second one', () => {
    const issues = configIssues('port: 80\nbackends: [http://127.0.0.1:1]\nport: 81\n');
    expect(where(issues)).toEqual(['3:1 ']);
    expect(issues[0]?.message).toMatch(/unique/i);
  });

  it('report tab indentation where it happens', () => {
    const issues = configIssues('port: 80\n\tbackends: []\n');
    expect(issues).toEqual([
      {
        file: 'helios.yaml',
        line: 2,
        column: 1,
        path: '',
        message: 'YAML syntax error: Tabs are not allowed as indentation',
      },
    ]);
  });
});

describe('structural errors', () => {
  it('an empty file says what a config needs', () => {
    const issues = configIssues('');
    expect(issues).toEqual([
      {
        file: 'helios.yaml',
        line: 1,
        column: 1,
        path: '',
        message: 'expected a mapping (key: value lines), found an empty file',
        expected: 'a mapping (key: value lines)',
        found: 'an empty file',
      },
    ]);
  });

  it('missing required keys point at the mapping that lacks them', () => {
    const issues = configIssues('host: 127.0.0.1\nadmin:\n  host: 127.0.0.1\n');
    expect(where(issues)).toEqual(['1:1 port', '1:1 backends', '2:1 admin.port']);
    expect(issues[0]?.message).toBe(
      'missing required key `port`: expected a port number from 1 to 65535 (0 picks a free port)',
    );
  });

  it('an empty value is reported at its key', () => {
    const [issue] = configIssues('port:\nbackends: [http://127.0.0.1:1]\n');
    expect(issue).toMatchObject({ line: 1, column: 1, path: 'port', found: 'nothing' });
  });

  it('programmatic input gets key paths without positions', () => {
    let issues: readonly unknown[] = [];
    try {
      resolveConfig({ port: 1, backends: ['http://127.0.0.1:1'], retries: 'x' });
    } catch (error) {
      if (error instanceof ConfigError) issues = error.issues;
    }
    expect(issues).toEqual([
      expect.objectContaining({ file: '<config object>', line: 0, column: 0, path: 'retries' }),
    ]);
  });

  it('wrong types say what was found and what is expected', () => {
    const issues = configIssues(
      'port: 8080\nbackends: http://127.0.0.1:1\nretries: many\npreserveHost: 1\n',
    );
    expect(where(issues)).toEqual(['2:11 backends', '3:10 retries', '4:15 preserveHost']);
    expect(issues.map((i) => [i.expected, i.found])).toEqual([
      ['a list of backends (at least one)', '"http://127.0.0.1:1"'],
      ['a whole number from 0 to 10', '"many"'],
      ['true or false', '1'],
    ]);
  });

  it('a word where `workers` goes says both forms are allowed, and still suggests `auto`', () => {
    const [many] = configIssues('port: 8080\nbackends: [http://127.0.0.1:1]\nworkers: many\n');
    expect(many?.message).toBe(
      'expected `auto` or a whole number of processes from 1 to 1024, found "many"',
    );
    const [typo] = configIssues('port: 8080\nbackends: [http://127.0.0.1:1]\nworkers: atuo\n');
    expect(typo?.expected).toBe('`auto` or a whole number of processes from 1 to 1024');
    expect(typo?.suggestion).toBe('did you mean `auto`?');
  });

  it('out-of-range numbers and bad enum values are errors at the value', () => {
    const issues = configIssues(
      'port: 8080\nbackends:\n  - url: http://127.0.0.1:1\n    weight: 0\nlogging:\n  level: verbose\nworkers: 0\n',
    );
    expect(where(issues)).toEqual([
      '4:13 backends[0].weight',
      '6:10 logging.level',
      '7:10 workers',
    ]);
  });

  it('cross-field rules name both keys', () => {
    const issues = configIssues(
      'port: 1\nbackends: [http://127.0.0.1:1]\nhealth:\n  passive: { cooldown: 1m, maxCooldown: 30s }\n  active: { interval: 1s, timeout: 2s }\n',
    );
    expect(where(issues)).toEqual([
      '4:41 health.passive.maxCooldown',
      '5:36 health.active.timeout',
    ]);
    expect(issues[0]?.expected).toContain('health.passive.cooldown');
    expect(issues[1]?.message).toContain('probes would overlap');
  });
});

describe('unknown keys and did-you-mean', () => {
  it('suggests the closest known key at the same level', () => {
    const issues = configIssues(
      'port: 8080\nstratgy: round-robin\nbackends:\n  - url: http://127.0.0.1:1\n    wieght: 2\n    max_connections: 4\n',
    );
    expect(where(issues)).toEqual([
      '2:1 stratgy',
      '5:5 backends[0].wieght',
      '6:5 backends[0].max_connections',
    ]);
    expect(issues.map((i) => i.suggestion)).toEqual([
      'did you mean `strategy`?',
      'did you mean `weight`?',
      'did you mean `maxConnections`?',
    ]);
  });

  it('suggests the right place for a key written one level too high', () => {
    const [issue] = configIssues(
      'port: 1\nbackends: [http://127.0.0.1:1]\nhealth:\n  interval: 5s\n',
    );
    expect(issue).toMatchObject({ line: 4, column: 3, path: 'health.interval' });
    expect(issue?.suggestion).toBe('did you mean `active.interval`?');
  });

  it('lists the known keys when nothing is close', () => {
    const [issue] = configIssues(
      'port: 1\nbackends: [http://127.0.0.1:1]\nlogging: { colour: red }\n',
    );
    expect(issue?.suggestion).toBeUndefined();
    expect(issue?.message).toBe('unknown key `colour` in logging; known keys: level, format');
  });

  it('hints at YAML 1.2 booleans and quoted numbers', () => {
    const issues = configIssues('port: "8080"\nbackends: [http://127.0.0.1:1]\npreserveHost: no\n');
    expect(issues.map((i) => i.suggestion)).toEqual([
      'remove the quotes: `8080`',
      'YAML booleans are `true` and `false`: write `false`',
    ]);
  });
});

describe('backend URL rules', () => {
  const backend = (url: string) => configIssues(`port: 1\nbackends:\n  - url: ${url}\n`)[0];

  it('accepts only http and https', () => {
    expect(backend('ftp://127.0.0.1:21')?.message).toContain('the scheme must be http or https');
    expect(backend('ws://127.0.0.1:9001')?.suggestion).toBe(
      'did you mean `http://127.0.0.1:9001`?',
    );
  });

  it('refuses a path, a query, a fragment and credentials, suggesting the origin', () => {
    for (const url of [
      'http://127.0.0.1:9001/api',
      'http://127.0.0.1:9001/?x=1',
      'http://127.0.0.1:9001/#top',
      'http://user:pw@127.0.0.1:9001',
    ]) {
      const issue = backend(url);
      expect(issue, url).toMatchObject({ line: 3, column: 10, path: 'backends[0].url' });
      expect(issue?.suggestion).toBe('did you mean `http://127.0.0.1:9001`?');
    }
  });

  it('suggests a scheme when it is missing', () => {
    const issue = backend('127.0.0.1:9001');
    expect(issue?.message).toContain('the scheme is missing');
    expect(issue?.suggestion).toBe('did you mean `http://127.0.0.1:9001`?');
  });

  it('refuses the same origin twice', () => {
    const issues = configIssues(
      'port: 1\nbackends:\n  - http://127.0.0.1:9001\n  - http://127.0.0.1:9001/\n',
    );
    expect(where(issues)).toEqual(['4:5 backends[1]']);
    expect(issues[0]?.message).toContain('backends[0] has the same origin');
  });
});

describe('every issue at once', () => {
  it('collects problems from all sections in file order', () => {
    const text = [
      'port: 70000', //                                   1
      'stratgy: least-connections', //                    2
      'backends:', //                                     3
      '  - http://127.0.0.1:9001/api', //                4
      '  - url: http://127.0.0.1:9002', //               5
      '    weight: -1', //                                6
      'timeouts:', //                                     7
      '  connect: 10 sec', //                             8
      'health:', //                                       9
      '  passive:', //                                    10
      '    failureStatuses: [5xx, 600]', //              11
      '  slowStart: sometimes', //                        12
      'workers: autoo', //                                13
      '',
    ].join('\n');
    expect(where(configIssues(text))).toEqual([
      '1:7 port',
      '2:1 stratgy',
      '4:5 backends[0]',
      '6:13 backends[1].weight',
      '8:12 timeouts.connect',
      '11:28 health.passive.failureStatuses[1]',
      '12:14 health.slowStart',
      '13:10 workers',
    ]);
  });
});
