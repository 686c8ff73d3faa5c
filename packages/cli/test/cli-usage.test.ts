/**
 * The command line itself: --help and --version from every command, and exit code 2 with a
 * helpful message for unknown commands, unknown flags and bad values. Real child processes.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, stopAll } from './support/cli-process.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

afterEach(stopAll);

describe('helios --help and --version', () => {
  it('prints the overview with every command and the exit codes', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const word of ['start', 'validate', 'init', 'demo', 'Exit codes', '2  usage']) {
      expect(stdout).toContain(word);
    }
  });

  it.each(['start', 'validate', 'init', 'demo'])(
    'prints the page of `helios %s --help`',
    async (cmd) => {
      const { code, stdout } = await runCli([cmd, '--help']);
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: helios ${cmd === 'start' ? '[start]' : cmd}`);
    },
  );

  it('answers --help even next to a malformed flag', async () => {
    const { code, stdout } = await runCli(['validate', '--bogus', '-h']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: helios validate');
  });

  it.each([[['--version']], [['-v']], [['validate', '--version']], [['demo', '-v']]])(
    'prints the package version for %j',
    async (args) => {
      const { code, stdout } = await runCli(args);
      expect(code).toBe(0);
      expect(stdout.trim()).toBe(pkg.version);
    },
  );
});

describe('usage errors exit 2 without starting anything', () => {
  it('suggests the nearest command for a misspelt one', async () => {
    const { code, stderr } = await runCli(['valdate']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown command 'valdate'");
    expect(stderr).toContain("did you mean 'validate'?");
  });

  it('suggests the nearest flag for a misspelt one', async () => {
    const { code, stderr } = await runCli(['start', '--confg', 'x.yaml']);
    expect(code).toBe(2);
    expect(stderr).toContain("'--confg'");
    expect(stderr).toContain("did you mean '--config'?");
  });

  it('rejects a port that is not a number from 0 to 65535', async () => {
    const { code, stderr } = await runCli(['start', '--port', '70000']);
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be a whole number from 0 to 65535');
  });

  it('rejects an unknown log level and names the valid ones', async () => {
    const { code, stderr } = await runCli(['start', '--log-level', 'verbose']);
    expect(code).toBe(2);
    expect(stderr).toContain('--log-level must be one of trace, debug, info');
  });

  it('rejects a flag that belongs to another command', async () => {
    const { code, stderr } = await runCli(['validate', '--watch']);
    expect(code).toBe(2);
    expect(stderr).toContain("'--watch'");
  });
});
