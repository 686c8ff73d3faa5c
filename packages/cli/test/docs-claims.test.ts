/**
 * What docs/configuration.md and docs/cli.md show the `helios` command printing is what it
 * prints: `helios validate` on the docs' own example files, byte for byte, and the API names
 * the docs use exist in the form the docs give them.
 */
import { readFile } from 'node:fs/promises';
import { starterConfig } from '@helios/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli-process.js';
import { removeTempDirs, tempDir, writeConfig } from './support/temp-dir.js';

const docs = (name: string) => readFile(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');

/** The fenced block that follows `marker` in `markdown`. */
function blockAfter(markdown: string, marker: string): string {
  const at = markdown.indexOf(marker);
  if (at < 0) throw new Error(`marker not found: ${marker}`);
  const match = /```[a-z]*\n([\s\S]*?)```/.exec(markdown.slice(at));
  if (!match?.[1]) throw new Error(`no code block after ${marker}`);
  return match[1];
}

afterAll(removeTempDirs);

describe('the docs show what the CLI prints', () => {
  it('configuration.md: the invalid example, exactly as `helios validate` prints it', async () => {
    const markdown = await docs('configuration.md');
    const dir = await tempDir();
    await writeConfig(dir, blockAfter(markdown, 'For example, this file:'));
    const result = await runCli(['validate'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(blockAfter(markdown, 'makes `helios validate` print this'));
  });

  it('configuration.md: the valid summary, exactly as `helios validate` prints it', async () => {
    const markdown = await docs('configuration.md');
    const smallest = blockAfter(markdown, '## The smallest config').replace(
      '  - http://127.0.0.1:9002\n',
      '  - url: http://127.0.0.1:9002\n    weight: 2\n',
    );
    const dir = await tempDir();
    await writeConfig(dir, smallest);
    const result = await runCli(['validate'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(blockAfter(markdown, 'A valid file gets a summary'));
  });

  it('cli.md: the `helios validate` error example, for the file it describes', async () => {
    const markdown = await docs('cli.md');
    const shown = blockAfter(markdown, '### `helios validate`');
    const dir = await tempDir();
    await writeConfig(
      dir,
      'port: 80800\nstrategy: least-conections\nbackends:\n  - http://127.0.0.1:9001\n  - url: http://127.0.0.1:9002\n    wieght: 2\n',
    );
    const result = await runCli(['validate'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(shown);
  });

  it('cli.md calls starterConfig what it is: a string constant, not a function', async () => {
    expect(typeof starterConfig).toBe('string');
    const markdown = await docs('cli.md');
    expect(markdown).toContain('the string constant `starterConfig`');
    expect(markdown).not.toContain('starterConfig()');
  });
});
