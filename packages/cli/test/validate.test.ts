/**
 * `helios validate`: a summary and exit 0 for a valid file; every error at once, each with
 * file:line:column, key, what was found and what is expected, plus "did you mean" for typos,
 * and exit 2 otherwise.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, stopAll } from './support/cli-process.js';
import { removeTempDirs, tempDir, writeConfig } from './support/temp-dir.js';

afterEach(async () => {
  stopAll();
  await removeTempDirs();
});

describe('helios validate', () => {
  it('exits 0 with a summary of listener, strategy and backends for a valid file', async () => {
    const dir = await tempDir();
    const path = await writeConfig(
      dir,
      [
        'port: 8080',
        'host: 127.0.0.1',
        'strategy: weighted-round-robin',
        'backends:',
        '  - http://127.0.0.1:9001',
        '  - url: http://127.0.0.1:9002',
        '    weight: 3',
        '',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await runCli(['validate', '--config', path]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('is valid');
    expect(stdout).toContain('127.0.0.1:8080');
    expect(stdout).toContain('weighted-round-robin');
    expect(stdout).toContain('http://127.0.0.1:9001');
    expect(stdout).toContain('http://127.0.0.1:9002 (weight 3)');
  });

  it('reports every error at once with file:line:column, key, found and expected, and exits 2', async () => {
    const dir = await tempDir();
    const path = await writeConfig(
      dir,
      [
        'port: 70000',
        'strategy: least-conections',
        'backends:',
        '  - url: http://127.0.0.1:9001/api',
        '  - url: http://127.0.0.1:9002',
        '    wieght: 2',
        'timeouts:',
        '  connect: soon',
        '',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await runCli(['validate', '--config', path]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    // One line per problem, each located in the file.
    for (const line of [1, 2, 4, 6, 8])
      expect(stderr).toMatch(new RegExp(`helios\\.yaml:${line}:\\d+`));
    expect(stderr).toContain('least-connections');
    expect(stderr).toMatch(/did you mean/i);
    expect(stderr).toContain('wieght');
    expect(stderr).toContain('weight');
    expect(stderr).toContain('soon');
    expect(stderr).toMatch(/5 errors/);
  });

  it('reports strategy options at their line, with the other errors of the file', async () => {
    const dir = await tempDir();
    const path = await writeConfig(
      dir,
      [
        'port: 8080',
        'strategy:',
        '  name: consistent-hash',
        '  key: query:user',
        '  tableSise: 65537',
        'backends:',
        '  - http://127.0.0.1:9001',
        'workers: many',
        '',
      ].join('\n'),
    );
    const { code, stderr } = await runCli(['validate', '--config', path]);
    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toEqual([
      `${path}:4:8 strategy.key: expected \`ip\`, \`header:<name>\` or \`cookie:<name>\`, found "query:user"`,
      `${path}:5:3 strategy.tableSise: unknown key \`tableSise\` in strategy — did you mean \`tableSize\`?`,
      `${path}:8:10 workers: expected \`auto\` or a whole number of processes from 1 to 1024, found "many"`,
      `${path}: 3 errors; not valid.`,
    ]);
  });

  it('exits 2 for a file that is not YAML at all, pointing at the line', async () => {
    const dir = await tempDir();
    const path = await writeConfig(dir, 'port: 8080\nbackends: [http://127.0.0.1:9001\n');
    const { code, stderr } = await runCli(['validate', '--config', path]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/helios\.yaml:\d+:\d+/);
  });

  it('exits 2 when the file does not exist', async () => {
    const dir = await tempDir();
    const { code, stderr } = await runCli(['validate', '--config', join(dir, 'nope.yaml')]);
    expect(code).toBe(2);
    expect(stderr).toContain('not found: ');
    expect(stderr).toContain('nope.yaml');
  });
});
